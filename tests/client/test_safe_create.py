"""Safe create: a create whose answer was lost, retried by botocore into ResourceInUse,
returns the ARN of the job it created, and only that job's."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import botocore.endpoint  # type: ignore[import-untyped]
import pytest
from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import ClientError, ConnectionClosedError  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st
from wire_support import load_example

from optjob_sdk import (
    CreateOptimizationJobRequest,
    DescribeOptimizationJobResponse,
    InstanceType,
    JobAlreadyExistsError,
    OptimizationJobClient,
    OptimizationVpcConfig,
    ServiceError,
    from_dict,
    to_dict,
)
from optjob_sdk._reconcile import CLOCK_SKEW, differences
from optjob_sdk.errors import CreateOutcomeUnknownError
from optjob_sdk.paging import RetryPolicy
from optjob_sdk.testing import FakeOptimizationService
from strategies import model

NAME = "llama3-8b-awq-2026-11-24"
CREATE = "CreateOptimizationJob"


def awq_request(**changes: Any) -> CreateOptimizationJobRequest:
    return attrs.evolve(
        from_dict(CreateOptimizationJobRequest, load_example("awq-quantization")), **changes
    )


class _NoSleep:
    """botocore.endpoint's ``time`` with a ``sleep`` that returns at once (retry backoff)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    def sleep(self, seconds: float) -> None:
        return None


@pytest.fixture(autouse=True)
def no_botocore_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(botocore.endpoint, "time", _NoSleep())


class LoseFirstAnswer:
    """A before-send handler, after the emulator's: the service handles the first create,
    then its answer is lost (botocore sees a closed connection and retries)."""

    def __init__(self) -> None:
        self.attempts = 0

    def __call__(self, **_: Any) -> None:
        self.attempts += 1
        if self.attempts == 1:
            raise ConnectionClosedError(endpoint_url="http://127.0.0.1:9")


def retrying_client(
    service: FakeOptimizationService, *, sleeps: list[float] | None = None
) -> tuple[OptimizationJobClient, Any]:
    sagemaker = service.client(config=Config(retries={"mode": "standard", "total_max_attempts": 3}))
    policy = RetryPolicy(sleep=(sleeps if sleeps is not None else []).append)
    return OptimizationJobClient(sagemaker, retry_policy=policy), sagemaker


def test_a_lost_answer_returns_the_arn_of_the_job_this_call_created() -> None:
    service = FakeOptimizationService(seed=0)
    client, sagemaker = retrying_client(service)
    lose = LoseFirstAnswer()
    sagemaker.meta.events.register_last(f"before-send.sagemaker.{CREATE}", lose)
    response = client.create(awq_request())
    assert lose.attempts == 2  # the answer was lost, botocore retried
    assert service.calls(CREATE) == 2
    assert service.job_names() == [NAME]
    assert response.optimization_job_arn == client.describe(NAME).optimization_job_arn


def test_a_retry_that_meets_another_job_of_that_name_stays_already_exists() -> None:
    service = FakeOptimizationService(seed=0)
    client, sagemaker = retrying_client(service)
    other = OptimizationJobClient(service.client())
    # The first attempt is dropped before the service sees it; before the retry, someone
    # else creates a job of that name for another instance type.
    service.inject(CREATE, "drop", times=1)
    attempts: list[int] = []

    def someone_else_creates(**_: Any) -> None:
        attempts.append(1)
        if len(attempts) == 2:
            other.create(awq_request(deployment_instance_type=InstanceType.ML_G6E_XLARGE))

    sagemaker.meta.events.register(f"request-created.sagemaker.{CREATE}", someone_else_creates)
    with pytest.raises(JobAlreadyExistsError) as caught:
        client.create(awq_request())
    error = caught.value
    assert not isinstance(error, CreateOutcomeUnknownError)
    assert error.code == "ResourceInUse"
    assert "deployment_instance_type" in str(error)
    assert isinstance(error.__cause__, ClientError)
    assert service.calls("DescribeOptimizationJob") == 1


def test_the_same_request_created_long_before_this_call_stays_already_exists() -> None:
    # A job identical in every member, but created an hour before this call began.
    service = FakeOptimizationService(
        seed=0, start_time=datetime.now(timezone.utc) - timedelta(hours=1)
    )
    client, _ = retrying_client(service)
    OptimizationJobClient(service.client()).create(awq_request())
    service.inject(CREATE, "drop", times=1)
    with pytest.raises(JobAlreadyExistsError) as caught:
        client.create(awq_request())
    assert "creation_time" in str(caught.value)


def test_a_first_attempt_that_meets_resource_in_use_raises_without_describing() -> None:
    service = FakeOptimizationService(seed=0)
    client, _ = retrying_client(service)
    client.create(awq_request())
    with pytest.raises(JobAlreadyExistsError) as caught:
        client.create(awq_request())  # the very same request, sent once: not this call's job
    assert service.calls("DescribeOptimizationJob") == 0
    assert caught.value.__cause__.response["ResponseMetadata"]["RetryAttempts"] == 0  # type: ignore[union-attr]


@pytest.mark.parametrize("fault", ["server_error", "throttle"])
def test_a_describe_that_fails_during_the_check_names_the_resource_in_use(fault: str) -> None:
    service = FakeOptimizationService(seed=0)
    sleeps: list[float] = []
    client, sagemaker = retrying_client(service, sleeps=sleeps)
    sagemaker.meta.events.register_last(f"before-send.sagemaker.{CREATE}", LoseFirstAnswer())
    service.inject("DescribeOptimizationJob", fault, times=None)
    with pytest.raises(CreateOutcomeUnknownError) as caught:
        client.create(awq_request())
    error = caught.value
    assert isinstance(error, ServiceError)
    assert not isinstance(error, JobAlreadyExistsError)  # "pick another name" would be wrong
    assert error.code == "ResourceInUse"
    assert "ResourceInUse" in str(error)
    assert NAME in str(error)
    assert "optjob describe" in str(error)
    assert error.job_name == NAME
    assert isinstance(error.conflict, JobAlreadyExistsError)
    assert isinstance(error.__cause__, ServiceError)
    assert len(sleeps) == RetryPolicy().max_attempts - 1  # ridden out, bounded
    assert service.job_names() == [NAME]


def test_a_job_not_visible_yet_is_asked_for_again() -> None:
    service = FakeOptimizationService(seed=0)
    client, sagemaker = retrying_client(service)
    sagemaker.meta.events.register_last(f"before-send.sagemaker.{CREATE}", LoseFirstAnswer())
    answers = iter([True])

    def not_found_once(request: Any, **_: Any) -> Any:
        if next(answers, False):
            body = b'{"__type": "ResourceNotFound", "message": "not found"}'

            class Raw:
                def stream(self, **_: Any) -> Any:
                    yield body

            return AWSResponse(request.url, 400, {}, Raw())
        return None

    sagemaker.meta.events.register_first(
        "before-send.sagemaker.DescribeOptimizationJob", not_found_once
    )
    assert client.create(awq_request()).optimization_job_arn.endswith(NAME)


# -- what counts as the same job -------------------------------------------------------


def echo(
    request: CreateOptimizationJobRequest, created: datetime
) -> DescribeOptimizationJobResponse:
    """The description the service gives of the job ``request`` created: every member of
    the request but Tags, echoed on the wire."""
    data = load_example("describe-completed")
    sent = to_dict(request)
    sent.pop("Tags", None)
    for field in attrs.fields(CreateOptimizationJobRequest):
        data.pop(field.metadata["optjob_member"].wire, None)
    return attrs.evolve(
        from_dict(DescribeOptimizationJobResponse, {**data, **sent}), creation_time=created
    )


STARTED = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)


@settings(max_examples=60, deadline=None)
@given(request=model(CreateOptimizationJobRequest))
def test_any_request_is_the_same_as_its_echo(request: CreateOptimizationJobRequest) -> None:
    assert differences(request, echo(request, STARTED), STARTED) == []


@settings(max_examples=60, deadline=None)
@given(request=model(CreateOptimizationJobRequest), role=st.sampled_from(["A", "B"]))
def test_any_request_differs_from_another_role(
    request: CreateOptimizationJobRequest, role: str
) -> None:
    other = attrs.evolve(request, role_arn=f"arn:aws:iam::111122223333:role/Other{role}")
    assert differences(request, echo(other, STARTED), STARTED) == ["role_arn"]


@settings(max_examples=60, deadline=None)
@given(offset=st.integers(min_value=-int(CLOCK_SKEW.total_seconds()), max_value=86400))
def test_the_job_a_request_created_is_the_same(offset: int) -> None:
    request = awq_request()
    assert differences(request, echo(request, STARTED + timedelta(seconds=offset)), STARTED) == []


@settings(max_examples=60, deadline=None)
@given(late=st.integers(min_value=1, max_value=10**6))
def test_a_job_created_before_the_call_is_not(late: int) -> None:
    request = awq_request()
    created = STARTED - CLOCK_SKEW - timedelta(seconds=late)
    assert differences(request, echo(request, created), STARTED) == ["creation_time"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"deployment_instance_type": "ml.g6e.xlarge"}, "deployment_instance_type"),
        ({"role_arn": "arn:aws:iam::111122223333:role/Other"}, "role_arn"),
        ({"optimization_environment": {"HF_TOKEN": "another"}}, "optimization_environment"),
        ({"optimization_configs": ()}, "optimization_configs"),
    ],
)
def test_a_job_that_differs_names_the_member_never_its_value(
    change: dict[str, Any], path: str
) -> None:
    request = awq_request(optimization_environment={"HF_TOKEN": "hf_secret"})
    job = echo(attrs.evolve(request, **change), STARTED)
    found = differences(request, job, STARTED)
    assert found == [path]
    assert "hf_secret" not in repr(found)


def test_vpc_subnets_and_security_groups_are_sets() -> None:
    vpc = OptimizationVpcConfig(
        security_group_ids=("sg-1", "sg-2"), subnets=("subnet-1", "subnet-2")
    )
    request = awq_request(vpc_config=vpc)
    swapped = OptimizationVpcConfig(
        security_group_ids=("sg-2", "sg-1"), subnets=("subnet-2", "subnet-1")
    )
    assert (
        differences(request, echo(attrs.evolve(request, vpc_config=swapped), STARTED), STARTED)
        == []
    )
    other = OptimizationVpcConfig(security_group_ids=("sg-1",), subnets=("subnet-2", "subnet-1"))
    found = differences(request, echo(attrs.evolve(request, vpc_config=other), STARTED), STARTED)
    assert found == ["vpc_config.security_group_ids"]


def test_members_the_request_leaves_unset_are_not_compared() -> None:
    # The service may fill in defaults the request left out.
    request = awq_request(optimization_environment=None)
    job = echo(attrs.evolve(request, optimization_environment={"OPTION_X": "1"}), STARTED)
    assert differences(request, job, STARTED) == []
