"""The SDK end to end against the emulator: client, paginator and waiter on a real boto3
client, in-process and over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from boto3_support import NO_RETRIES, http_client
from examples import EXAMPLES
from optjob_sdk import (
    CreateOptimizationJobRequest,
    JobAlreadyExistsError,
    JobFailedError,
    JobNotFoundError,
    JobStatus,
    JobStoppedError,
    OptimizationConfigsBuilder,
    OptimizationJobClient,
    RetryPolicy,
    ServiceValidationError,
    ThrottlingError,
    ValidationError,
    WaitTimeoutError,
    from_dict,
)
from optjob_sdk.testing import FakeOptimizationService


def request(name: str = "job-1") -> CreateOptimizationJobRequest:
    data = json.loads((EXAMPLES / "awq-quantization.json").read_text())
    return attrs.evolve(from_dict(CreateOptimizationJobRequest, data), optimization_job_name=name)


@pytest.fixture
def service() -> FakeOptimizationService:
    return FakeOptimizationService(seed=3)


@pytest.fixture(params=["in-process", "http"])
def client(
    request: pytest.FixtureRequest, service: FakeOptimizationService
) -> Iterator[OptimizationJobClient]:
    no_sleep = RetryPolicy(sleep=lambda _: None)
    if request.param == "in-process":
        yield OptimizationJobClient(service.client(config=NO_RETRIES), retry_policy=no_sleep)
        return
    with service.serve() as url:
        yield OptimizationJobClient(http_client(url), retry_policy=no_sleep)


def wait(
    client: OptimizationJobClient, service: FakeOptimizationService, name: str, **kw: Any
) -> Any:
    return client.wait(name, sleep=service.advance, clock=service.monotonic, progress=False, **kw)


def test_create_wait_describe_list(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    created = client.create(request())
    assert created.optimization_job_arn.endswith("optimization-job/job-1")
    seen: list[str] = []
    job = wait(
        client, service, "job-1", on_update=lambda j: seen.append(str(j.optimization_job_status))
    )
    assert job.optimization_job_status is JobStatus.COMPLETED
    assert seen == ["STARTING", "INPROGRESS", "COMPLETED"]
    assert job.optimization_output is not None
    described = client.describe("job-1")
    assert described == job
    summaries = list(client.list())
    assert [s.optimization_job_name for s in summaries] == ["job-1"]
    assert summaries[0].optimization_types == ("Quantization",)


def test_wait_is_frugal(client: OptimizationJobClient, service: FakeOptimizationService) -> None:
    client.create(request())
    before = service.calls("DescribeOptimizationJob")
    wait(client, service, "job-1", poll_interval=30, max_poll_interval=120)
    polls = service.calls("DescribeOptimizationJob") - before
    # A 21-minute job, polled at 30 s growing to 120 s: about a dozen calls.
    assert 8 <= polls <= 20


def test_failed_stopped_and_timeout(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    service.set_outcome("bad", "FAILED", reason="ClientError: OOM")
    client.create(request("bad"))
    with pytest.raises(JobFailedError, match="OOM"):
        wait(client, service, "bad")
    client.create(request("halt"))
    service.advance(90)
    client.stop("halt")
    with pytest.raises(JobStoppedError):
        wait(client, service, "halt")
    client.create(request("slow"))
    with pytest.raises(WaitTimeoutError) as caught:
        wait(client, service, "slow", timeout=300)
    assert caught.value.last_job is not None
    assert caught.value.last_job.optimization_job_status == "INPROGRESS"


def test_wait_rides_out_faults_with_client_retries_off(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    client.create(request())
    service.inject("DescribeOptimizationJob", "throttle", times=2)
    service.inject("DescribeOptimizationJob", "unavailable", times=1)
    service.inject("DescribeOptimizationJob", "drop", times=1)
    assert wait(client, service, "job-1").optimization_job_status == "COMPLETED"


def test_errors_map(client: OptimizationJobClient, service: FakeOptimizationService) -> None:
    client.create(request())
    with pytest.raises(JobAlreadyExistsError) as exists:
        client.create(request())
    assert exists.value.request_id
    assert exists.value.http_status == 400
    with pytest.raises(JobNotFoundError):
        client.describe("missing")
    service.inject("ListOptimizationJobs", "throttle", times=None)
    with pytest.raises(ThrottlingError):
        list(client.list())
    service.clear_faults()
    wait(client, service, "job-1")
    with pytest.raises(ServiceValidationError, match="cannot be stopped"):
        client.stop("job-1")
    client.delete("job-1")
    with pytest.raises(JobNotFoundError):
        client.describe("job-1")


def test_validation_before_anything_is_sent(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    data = json.loads((EXAMPLES / "bad-request.json").read_text())
    with pytest.raises(ValidationError) as caught:
        client.create(from_dict(CreateOptimizationJobRequest, data))
    assert len(caught.value.errors) == 7
    with pytest.raises(ValidationError):
        client.describe("not a name")
    assert service.calls() == 0


def test_list_pages_and_max_items(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    sm = service.client()
    for index in range(250):
        sm.create_optimization_job(**_wire(f"job-{index:03d}"))
    before = service.calls("ListOptimizationJobs")
    names = [s.optimization_job_name for s in client.list(sort_by="Name", sort_order="Ascending")]
    assert names == [f"job-{i:03d}" for i in range(250)]
    assert service.calls("ListOptimizationJobs") - before == 3  # 100 + 100 + 50
    before = service.calls("ListOptimizationJobs")
    assert len(list(client.list(max_items=150))) == 150
    assert service.calls("ListOptimizationJobs") - before == 2
    pager = client.list(page_size=100)
    assert service.calls("ListOptimizationJobs") - before == 2  # lazy: no call yet
    pages = pager.by_page()
    first = next(pages)
    assert first.next_token is not None
    resumed = list(client.list(page_size=100).by_page(first.next_token))
    assert sum(len(p.optimization_job_summaries) for p in resumed) == 150


def test_list_filters(client: OptimizationJobClient, service: FakeOptimizationService) -> None:
    client.create(request("alpha"))
    neuron = json.loads((EXAMPLES / "neuron-compilation.json").read_text())
    client.create(from_dict(CreateOptimizationJobRequest, neuron))
    assert [s.optimization_job_name for s in client.list(optimization_contains="Compilation")] == [
        "llama2-70b-neuron"
    ]
    assert [s.optimization_job_name for s in client.list(name_contains="alp")] == ["alpha"]
    service.advance(100)
    assert len(list(client.list(status="INPROGRESS"))) == 2


def test_builder_configs_run_on_the_emulator(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    configs = (
        OptimizationConfigsBuilder()
        .quantization(method="fp8")
        .compilation(env={"OPTION_ROLLING_BATCH": "trtllm"})
        .build()
    )
    client.create(attrs.evolve(request("built"), optimization_configs=configs))
    job = wait(client, service, "built")
    assert job.optimization_configs == configs


def _wire(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "awq-quantization.json").read_text())
    data["OptimizationJobName"] = name
    return data


# -- the client's error paths against the emulator's spoiling faults -------------------------


@pytest.fixture(params=["in-process", "http"])
def retrying_client(
    request: pytest.FixtureRequest, service: FakeOptimizationService
) -> Iterator[OptimizationJobClient]:
    """botocore's own retries on (standard mode): a lost answer is retried by botocore."""
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "total_max_attempts": 3})
    no_sleep = RetryPolicy(sleep=lambda _: None)
    if request.param == "in-process":
        yield OptimizationJobClient(service.client(config=config), retry_policy=no_sleep)
        return
    with service.serve() as url:
        yield OptimizationJobClient(http_client(url, config=config), retry_policy=no_sleep)


def test_a_create_whose_answer_is_lost_returns_the_jobs_arn(
    retrying_client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    # The emulator creates the job, then drops the connection; botocore's retry meets
    # ResourceInUse. That job is this call's own: the SDK returns its ARN, not an error.
    service.inject("CreateOptimizationJob", "answer_lost", times=1)
    created = retrying_client.create(request("lost-answer"))
    assert service.calls("CreateOptimizationJob") == 2
    assert service.job_names() == ["lost-answer"]
    job = retrying_client.describe("lost-answer")
    assert created.optimization_job_arn == job.optimization_job_arn


def test_a_lost_answer_over_a_different_job_of_that_name_stays_an_error(
    retrying_client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    retrying_client.create(request("taken"))
    other = attrs.evolve(request("taken"), deployment_instance_type="ml.g6e.xlarge")
    with pytest.raises(JobAlreadyExistsError):
        retrying_client.create(other)  # first attempt: ResourceInUse, the job was there before
    service.inject("CreateOptimizationJob", "answer_lost", times=1)
    with pytest.raises(JobAlreadyExistsError):
        retrying_client.create(other)  # the lost answer was a ResourceInUse for another job


@pytest.mark.parametrize("fault", ["null_answer", "list_answer", "garbage_timestamp"])
def test_a_wait_rides_out_answers_that_cannot_be_read(
    client: OptimizationJobClient, service: FakeOptimizationService, fault: str
) -> None:
    client.create(request("spoiled"))
    service.inject("DescribeOptimizationJob", fault, times=2)
    job = wait(client, service, "spoiled")
    assert job.optimization_job_status == JobStatus.COMPLETED


@pytest.mark.parametrize("fault", ["null_answer", "list_answer", "huge_timestamp"])
def test_a_listing_rides_out_answers_that_cannot_be_read(
    client: OptimizationJobClient, service: FakeOptimizationService, fault: str
) -> None:
    for index in range(5):
        client.create(request(f"job-{index}"))
    service.inject("ListOptimizationJobs", fault, times=1)
    names = [summary.optimization_job_name for summary in client.list(page_size=2)]
    assert sorted(names) == [f"job-{index}" for index in range(5)]
