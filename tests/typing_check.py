"""Static checks of the public API's types: mypy --strict and pyright read this file.

It is never run; every ``assert_type`` must hold for both checkers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from types_aiobotocore_sagemaker import SageMakerClient as AioSageMakerClient
from typing_extensions import assert_type

import optjob_sdk
from optjob_sdk import (
    CreateOptimizationJobRequest,
    DescribeOptimizationJobResponse,
    EnvironmentMap,
    FieldError,
    InstanceType,
    JobStatus,
    ModelQuantizationConfig,
    OptimizationConfig,
    OptimizationVpcConfig,
    Tag,
    ValidationError,
    from_dict,
    to_dict,
    validate,
)


def models(job: DescribeOptimizationJobResponse) -> None:
    assert_type(job.optimization_job_name, str)
    assert_type(job.optimization_job_status, JobStatus | str)
    assert_type(job.deployment_instance_type, InstanceType | str)
    assert_type(job.creation_time, datetime)
    assert_type(job.optimization_end_time, datetime | None)
    assert_type(job.optimization_configs, tuple[OptimizationConfig, ...])
    assert_type(job.optimization_environment, EnvironmentMap | None)
    assert_type(job.failure_reason, str | None)
    vpc = OptimizationVpcConfig(security_group_ids=["sg-1"], subnets=("subnet-1",))
    assert_type(vpc.subnets, tuple[str, ...])
    config = ModelQuantizationConfig(override_environment={"OPTION_QUANTIZE": "awq"})
    assert_type(config.override_environment, EnvironmentMap | None)
    assert_type(Tag(key="k", value="v").key, str)


def converter(data: dict[str, Any]) -> None:
    assert_type(from_dict(CreateOptimizationJobRequest, data), CreateOptimizationJobRequest)
    assert_type(to_dict(Tag(key="k", value="v")), dict[str, Any])
    assert_type(validate(Tag(key="k", value="v")), None)


def errors(error: ValidationError) -> None:
    assert_type(error.errors, tuple[FieldError, ...])
    assert_type(error.errors[0].path, str)
    assert_type(optjob_sdk.InstanceType, type[InstanceType])


def client_api(
    client: optjob_sdk.OptimizationJobClient, request: CreateOptimizationJobRequest
) -> None:
    from mypy_boto3_sagemaker import SageMakerClient

    from optjob_sdk import (
        CreateOptimizationJobResponse,
        JobPager,
        ListOptimizationJobsResponse,
        OptimizationJobSummary,
    )

    assert_type(client.sagemaker_client, SageMakerClient)
    assert_type(client.create(request), CreateOptimizationJobResponse)
    assert_type(client.describe("job"), DescribeOptimizationJobResponse)
    assert_type(client.wait("job", timeout=60.0), DescribeOptimizationJobResponse)
    many = client.wait_many(["a", "b"], timeout=60.0, on_update=lambda seen: None)
    assert_type(many, dict[str, DescribeOptimizationJobResponse])
    for ended in client.as_completed(("a", "b"), poll_interval=5.0):
        assert_type(ended, DescribeOptimizationJobResponse)
    client.as_completed(("a", "b")).close()  # a generator: closable at once
    assert_type(client.stop("job"), None)
    assert_type(client.delete("job"), None)
    pager = client.list(status=JobStatus.COMPLETED, max_items=10)
    assert_type(pager, JobPager)
    for summary in pager:
        assert_type(summary, OptimizationJobSummary)
    for page in pager.by_page():
        assert_type(page, ListOptimizationJobsResponse)
    configs = optjob_sdk.OptimizationConfigsBuilder().quantization(method="awq").build()
    assert_type(configs, tuple[OptimizationConfig, ...])


def errors_carry_jobs(
    failed: optjob_sdk.JobFailedError, timeout: optjob_sdk.WaitTimeoutError
) -> None:
    assert_type(failed.job, DescribeOptimizationJobResponse)
    assert_type(failed.failure_reason, str | None)
    assert_type(timeout.last_job, DescribeOptimizationJobResponse | None)
    assert_type(timeout.names, tuple[str, ...])
    assert_type(timeout.ended["a"], DescribeOptimizationJobResponse)
    assert_type(
        timeout.last_seen["a"],
        DescribeOptimizationJobResponse | optjob_sdk.OptimizationJobSummary | None,
    )


def emulator_types() -> None:
    from mypy_boto3_sagemaker import SageMakerClient

    from optjob_sdk.testing import FakeOptimizationService

    service = FakeOptimizationService()
    assert_type(service.client(), SageMakerClient)
    with service.serve() as url:
        assert_type(url, str)


# -- the async client (the aio extra) ----------------------------------------------------


async def async_client_api(request: CreateOptimizationJobRequest, url: str) -> None:
    from optjob_sdk import (
        AsyncOptimizationJobClient,
        CreateOptimizationJobResponse,
        ListOptimizationJobsResponse,
        OptimizationJobSummary,
    )
    from optjob_sdk.aio import AsyncJobPager

    async with AsyncOptimizationJobClient(region_name="us-west-2", endpoint_url=url) as client:
        assert_type(client, AsyncOptimizationJobClient)
        assert_type(client.sagemaker_client, AioSageMakerClient)
        assert_type(await client.create(request), CreateOptimizationJobResponse)
        assert_type(await client.describe("job"), DescribeOptimizationJobResponse)
        job = await client.wait("job", timeout=60.0, on_update=lambda job: None)
        assert_type(job, DescribeOptimizationJobResponse)
        many = await client.wait_many(["a", "b"], timeout=60.0, on_update=lambda seen: None)
        assert_type(many, dict[str, DescribeOptimizationJobResponse])
        async for ended in client.as_completed(("a", "b"), poll_interval=5.0):
            assert_type(ended, DescribeOptimizationJobResponse)
        # An async generator: closable at once (the sweep and its display end there).
        sweep = client.as_completed(("a", "b"))
        assert_type(await sweep.aclose(), None)
        assert_type(await client.stop("job"), None)
        assert_type(await client.delete("job"), None)
        pager = client.list(status=JobStatus.COMPLETED, max_items=10)
        assert_type(pager, AsyncJobPager)
        async for summary in pager:
            assert_type(summary, OptimizationJobSummary)
        async for page in pager.by_page("token"):
            assert_type(page, ListOptimizationJobsResponse)
        assert_type(await client.close(), None)


async def async_client_of_your_own(sagemaker: AioSageMakerClient) -> None:
    # An aiobotocore client typed by types-aiobotocore-sagemaker (the aio extra installs it):
    # the client uses it as it is.
    from optjob_sdk import AsyncOptimizationJobClient

    client = AsyncOptimizationJobClient(sagemaker)
    assert_type(client.sagemaker_client, AioSageMakerClient)
    assert_type(await client.describe("job"), DescribeOptimizationJobResponse)


async def async_sleep_and_clock() -> None:
    import asyncio
    import time

    from optjob_sdk import AsyncOptimizationJobClient
    from optjob_sdk.testing import FakeOptimizationService

    service = FakeOptimizationService()

    async def virtual_sleep(seconds: float) -> None:
        service.advance(seconds)
        await asyncio.sleep(0)

    async with AsyncOptimizationJobClient(endpoint_url="http://127.0.0.1:8765") as client:
        await client.wait("job", sleep=virtual_sleep, clock=service.monotonic)
        await client.wait_many(["a"], sleep=asyncio.sleep, clock=time.monotonic)
    async with service.aio_client() as sagemaker:  # the emulator, in-process
        assert_type(sagemaker, AioSageMakerClient)
        client = AsyncOptimizationJobClient(sagemaker)
        await client.wait("job", sleep=service.advance_async, clock=service.monotonic)
        async for _ in client.as_completed(["a"], sleep=service.advance_async):
            pass


# Mistakes the types must catch. Each `# type: ignore[code]` is needed only while the mistake
# is reported: mypy --strict (warn_unused_ignores) fails on it if the mistake ever passes.


async def async_mistakes(boto3_client: Any) -> None:
    import time

    from mypy_boto3_sagemaker import SageMakerClient

    from optjob_sdk import AsyncOptimizationJobClient, OptimizationJobClient
    from optjob_sdk.testing import FakeOptimizationService

    sync_sagemaker: SageMakerClient = boto3_client
    AsyncOptimizationJobClient(sync_sagemaker)  # type: ignore[arg-type]  # boto3's, not aiobotocore's
    async with AsyncOptimizationJobClient(region_name="us-west-2") as client:
        # a plain sleep would block the event loop
        await client.wait("job", sleep=time.sleep)  # type: ignore[arg-type]
        await client.wait_many(["a"], sleep=time.sleep)  # type: ignore[arg-type]
        # an async iterable, not a plain one
        for _ in client.list():  # type: ignore[attr-defined]
            pass
        for _ in client.list().by_page():  # type: ignore[attr-defined]
            pass
        for _ in client.as_completed(["a"]):  # type: ignore[attr-defined]
            pass
        # a coroutine, not the description, until awaited
        job: DescribeOptimizationJobResponse = client.describe("job")  # type: ignore[assignment]
        print(job)
        # the sync client's emulator sleep
        await client.wait("job", sleep=FakeOptimizationService().advance)  # type: ignore[arg-type]
    sync = OptimizationJobClient(region_name="us-west-2")
    sync.wait("job", sleep=asyncio_sleep)  # type: ignore[arg-type]  # the sync one sleeps plainly
    async for _ in sync.list():  # type: ignore[attr-defined]
        pass


async def asyncio_sleep(seconds: float) -> None:
    """An async sleep (what the sync client's ``sleep=`` must not be given)."""
