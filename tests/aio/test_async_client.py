"""What is the async client's own: its lifetime (``async with``, a client passed in, close),
its construction, the calls' errors and results through aiobotocore, the "lost create answer"
reconciliation through the async create, and redaction when tasks run side by side.

The behaviours it shares with the sync client are re-run through a facade elsewhere; these
tests look at what only the async paths do.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import traceback
import types
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from aio_support import *  # noqa: F403 (its fixtures: client, service, url, leaks...)
from aio_support import (
    CREATE,
    DESCRIBE,
    SECRET,
    Leaks,
    SessionLog,
    aio_client_on,
    aio_http_client,
    before_call,
    create_jobs,
    make_request,
)
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore.exceptions import ClientError

from optjob_sdk import (
    AsyncOptimizationJobClient,
    ConfigurationError,
    CreateOutcomeUnknownError,
    InstanceType,
    JobAlreadyExistsError,
    JobNotFoundError,
    JobStatus,
    OptimizationJobClient,
    RetryPolicy,
    ServiceError,
    StoppingCondition,
    ValidationError,
    to_dict,
)
from optjob_sdk._endpoint import BadEndpointError
from optjob_sdk.testing import FakeOptimizationService

NAME = "llama3-8b-awq-2026-11-24"
ARN = f"arn:aws:sagemaker:us-west-2:111122223333:optimization-job/{NAME}"

# -- lifetime ---------------------------------------------------------------------------------


async def test_async_with_makes_its_own_client_and_closes_it(
    url: str, aws_nowhere: None, sessions: SessionLog, leaks: Leaks
) -> None:
    client = AsyncOptimizationJobClient(endpoint_url=url)
    async with client as entered:
        assert entered is client
        sm = client.sagemaker_client
        assert sm.meta.endpoint_url == url
        assert [job async for job in client.list()] == []
        assert len(sessions.open()) == 1  # aiohttp's session, made at the first call
    assert sessions.made
    assert sessions.open() == []
    assert leaks.collect() == []


async def test_outside_async_with_its_own_client_does_not_exist(
    url: str, aws_nowhere: None, service: FakeOptimizationService
) -> None:
    client = AsyncOptimizationJobClient(endpoint_url=url)
    for _ in range(2):  # before the block, and after it
        with pytest.raises(ConfigurationError) as caught:
            client.sagemaker_client  # noqa: B018
        message = str(caught.value)
        assert "async with AsyncOptimizationJobClient(...) as client" in message
        assert "pass an aiobotocore client" in message
        with pytest.raises(ConfigurationError):
            await client.describe(NAME)
        async with client:
            assert [job async for job in client.list()] == []
    assert service.calls() == 2  # the two listings; nothing was sent outside the blocks


async def test_an_error_inside_the_block_still_closes_the_client(
    url: str, aws_nowhere: None, sessions: SessionLog, leaks: Leaks
) -> None:
    with pytest.raises(JobNotFoundError):
        async with AsyncOptimizationJobClient(endpoint_url=url) as client:
            await client.describe(NAME)
    assert sessions.made
    assert sessions.open() == []
    assert leaks.collect() == []


async def test_a_cancelled_block_still_closes_the_client(
    url: str, aws_nowhere: None, sessions: SessionLog, leaks: Leaks
) -> None:
    entered = asyncio.Event()

    async def hold() -> None:
        async with AsyncOptimizationJobClient(endpoint_url=url) as client:
            await client.list(max_items=1).by_page().__anext__()
            entered.set()
            await asyncio.Event().wait()  # until cancelled

    task = asyncio.create_task(hold())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sessions.made
    assert sessions.open() == []
    assert leaks.collect() == []


async def test_a_client_passed_in_is_used_as_is_and_never_closed(
    url: str, service: FakeOptimizationService, sessions: SessionLog, leaks: Leaks
) -> None:
    async with aio_http_client(url) as sm:
        client = AsyncOptimizationJobClient(sm)
        assert client.sagemaker_client is sm
        async with client as entered:
            assert entered is client
            assert entered.sagemaker_client is sm
            await client.create(make_request(NAME))
        await client.close()
        await client.close()
        assert client.sagemaker_client is sm
        assert len(sessions.open()) == 1
        # Both still work: the caller's client is the caller's to close.
        assert (await client.describe(NAME)).optimization_job_name == NAME
        listed = await sm.list_optimization_jobs()
        assert [job["OptimizationJobName"] for job in listed["OptimizationJobSummaries"]] == [NAME]
    assert service.calls() == 3
    assert sessions.open() == []  # closed by aiobotocore's own block, the caller's
    assert leaks.collect() == []


async def test_closing_twice_or_without_entering_is_harmless(
    url: str, aws_nowhere: None, sessions: SessionLog
) -> None:
    client = AsyncOptimizationJobClient(endpoint_url=url)
    await client.close()  # never entered: nothing to close
    async with client:
        await client.close()  # inside the block: closes it now...
        with pytest.raises(ConfigurationError):
            client.sagemaker_client  # noqa: B018
    await client.close()  # ...and __aexit__'s close and this one do nothing more
    assert sessions.open() == []
    async with client:  # a closed client can be entered again: a new aiobotocore client
        assert [job async for job in client.list()] == []
    assert sessions.made
    assert sessions.open() == []


@pytest.mark.parametrize(
    "settings",
    [{"region_name": "us-west-2"}, {"endpoint_url": "http://127.0.0.1:1"}, {"session": object()}],
)
def test_a_client_and_settings_for_another_are_a_type_error(settings: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="either a sagemaker_client or"):
        AsyncOptimizationJobClient(object(), **settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("endpoint", "says"),
    [
        ("localhost:4566", "did you mean 'http://localhost:4566'"),
        ("http://", "no host"),
        ("ftp://example.com", "no http:// or https:// scheme"),
        ("http://host name", "whitespace"),
        ("http://127.0.0.1:99999", "out of range"),
    ],
)
def test_a_malformed_endpoint_fails_at_construction(endpoint: str, says: str) -> None:
    # A plain test: no event loop, so nothing could have been awaited.
    with pytest.raises(BadEndpointError) as caught:
        AsyncOptimizationJobClient(endpoint_url=endpoint)
    assert isinstance(caught.value, ConfigurationError)
    assert says in str(caught.value)
    assert repr(endpoint) in str(caught.value)


def test_a_malformed_endpoint_from_the_environment_fails_at_construction(
    monkeypatch: pytest.MonkeyPatch, aws_nowhere: None
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", "localhost:4566")
    with pytest.raises(BadEndpointError, match="AWS_ENDPOINT_URL_SAGEMAKER"):
        AsyncOptimizationJobClient()


async def test_no_region_anywhere_is_a_configuration_error_at_async_with(
    aws_nowhere: None, sessions: SessionLog, leaks: Leaks
) -> None:
    client = AsyncOptimizationJobClient()  # a real AWS endpoint, and no region configured
    with pytest.raises(ConfigurationError) as caught:
        async with client:
            pytest.fail("entered without a region")
    assert "region" in str(caught.value).lower()
    with pytest.raises(ConfigurationError):
        client.sagemaker_client  # noqa: B018
    assert sessions.open() == []
    assert leaks.collect() == []


async def test_repr_names_the_region_and_the_endpoint(url: str, aws_nowhere: None) -> None:
    client = AsyncOptimizationJobClient(region_name="eu-west-1", endpoint_url=url)
    expected = f"AsyncOptimizationJobClient(region='eu-west-1', endpoint={url!r})"
    assert repr(client) == expected  # before the block: the settings given
    async with client:
        assert repr(client) == expected  # inside: the aiobotocore client's own
    assert repr(client) == expected
    async with aio_http_client(url) as sm:
        given = AsyncOptimizationJobClient(sm)
        assert repr(given) == f"AsyncOptimizationJobClient(region='us-west-2', endpoint={url!r})"


async def test_the_endpoint_from_the_environment_is_used(
    url: str, aws_nowhere: None, monkeypatch: pytest.MonkeyPatch, service: FakeOptimizationService
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", url)
    async with AsyncOptimizationJobClient() as client:
        assert client.sagemaker_client.meta.endpoint_url == url
        assert [job async for job in client.list()] == []
    assert service.calls("ListOptimizationJobs") == 1


async def test_a_session_given_is_the_one_the_client_is_made_from(
    url: str, aws_nowhere: None, sessions: SessionLog
) -> None:
    session = AioSession()
    session.set_config_variable("region", "eu-central-1")
    async with AsyncOptimizationJobClient(session=session, endpoint_url=url) as client:
        assert client.sagemaker_client.meta.region_name == "eu-central-1"
        assert [job async for job in client.list()] == []
    assert sessions.made
    assert sessions.open() == []


async def test_inside_async_with_a_loopback_endpoint_needs_no_configuration(
    url: str, aws_nowhere: None, service: FakeOptimizationService
) -> None:
    # No credentials, no region anywhere: an emulator on this machine gets placeholders.
    async with AsyncOptimizationJobClient(endpoint_url=url) as client:
        assert client.sagemaker_client.meta.region_name == "us-west-2"
        response = await client.create(make_request(NAME))
    assert response.optimization_job_arn == ARN
    assert service.job_names() == [NAME]


# -- the calls: results and errors -------------------------------------------------------------


async def test_each_operation_returns_the_sdk_models(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    created = await client.create(make_request(NAME))
    assert created.optimization_job_arn == ARN
    job = await client.describe(NAME)
    assert job.optimization_job_status == JobStatus.STARTING
    assert job.optimization_environment is not None
    assert job.optimization_environment["HF_TOKEN"] == SECRET  # the data is untouched
    assert SECRET not in repr(job)
    await client.stop(NAME)
    assert (await client.describe(NAME)).optimization_job_status == JobStatus.STOPPING
    await client.delete(NAME)
    with pytest.raises(JobNotFoundError) as caught:
        await client.describe(NAME)
    assert caught.value.code == "ResourceNotFound"
    assert isinstance(caught.value.__cause__, ClientError)
    assert service.calls() == 6


async def test_service_errors_map_to_the_sdk_classes(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    await client.create(make_request(NAME))
    with pytest.raises(JobAlreadyExistsError) as exists:
        await client.create(make_request(NAME))  # the first attempt met it: no reconciling
    assert not isinstance(exists.value, CreateOutcomeUnknownError)
    assert exists.value.code == "ResourceInUse"
    assert exists.value.request_id
    assert service.calls(DESCRIBE) == 0
    for method in (client.stop, client.delete, client.describe):
        with pytest.raises(JobNotFoundError):
            await method("no-such-job")


@pytest.mark.parametrize("method", ["describe", "stop", "delete", "wait"])
@pytest.mark.parametrize("name", ["", "bad_name", "-x", "a" * 64, "two words"])
async def test_an_invalid_name_is_refused_before_any_call(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    method: str,
    name: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        await getattr(client, method)(name)
    assert caught.value.errors[0].path == "optimization_job_name"
    assert service.calls() == 0


async def test_an_invalid_create_request_sends_nothing(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    request = attrs.evolve(
        make_request(NAME),
        optimization_job_name="bad name",
        stopping_condition=StoppingCondition(max_runtime_in_seconds=0),
    )
    with pytest.raises(ValidationError) as caught:
        await client.create(request)
    paths = {error.path for error in caught.value.errors}
    assert {"optimization_job_name", "stopping_condition.max_runtime_in_seconds"} <= paths
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value)
    assert service.calls() == 0


async def test_a_coroutine_that_is_never_awaited_sends_nothing(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    pending = client.create(make_request(NAME))
    pending.close()  # dropped without being awaited
    listing = client.list()
    stream = client.as_completed([NAME])
    del listing, stream
    assert service.calls() == 0


# -- the lost create answer, through the async create ------------------------------------------


@pytest.fixture
def no_aiobotocore_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """aiobotocore's retries without their real backoff pauses (recorded here)."""
    pauses: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        await real_sleep(0)

    # aiobotocore.endpoint uses its `asyncio` only to sleep before a retry. (Imported here:
    # aiobotocore 2.x cannot import aiobotocore.endpoint before aiobotocore.session.)
    endpoint = importlib.import_module("aiobotocore.endpoint")
    monkeypatch.setattr(endpoint, "asyncio", types.SimpleNamespace(sleep=sleep))
    return pauses


RETRYING = AioConfig(retries={"mode": "standard", "total_max_attempts": 3})


async def test_a_lost_create_answer_returns_the_arn_of_the_job_this_call_created(
    transport: str, service: FakeOptimizationService, no_aiobotocore_backoff: list[float]
) -> None:
    service.inject(CREATE, "answer_lost", times=1)  # created, then the connection drops
    async with aio_client_on(service, transport, config=RETRYING) as sm:
        client = AsyncOptimizationJobClient(sm)
        response = await client.create(make_request(NAME))
        assert response.optimization_job_arn == (await client.describe(NAME)).optimization_job_arn
    assert no_aiobotocore_backoff  # aiobotocore retried, and met ResourceInUse
    assert service.calls(CREATE) == 2
    assert service.job_names() == [NAME]


async def test_a_retry_that_meets_another_job_of_that_name_stays_already_exists(
    transport: str, service: FakeOptimizationService, no_aiobotocore_backoff: list[float]
) -> None:
    other = OptimizationJobClient(service.client())
    # The first attempt is dropped before the service sees it; before the retry, someone
    # else creates a job of that name for another instance type (with another token).
    service.inject(CREATE, "drop", times=1)
    attempts: list[int] = []

    def someone_else_creates(**_: Any) -> None:
        attempts.append(1)
        if len(attempts) == 2:
            theirs = make_request(NAME, env={"HF_TOKEN": "hf_someoneElsesToken0123456789"})
            other.create(attrs.evolve(theirs, deployment_instance_type=InstanceType.ML_G6E_XLARGE))

    async with aio_client_on(service, transport, config=RETRYING) as sm:
        sm.meta.events.register(f"request-created.sagemaker.{CREATE}", someone_else_creates)
        client = AsyncOptimizationJobClient(sm)
        with pytest.raises(JobAlreadyExistsError) as caught:
            await client.create(make_request(NAME))
    error = caught.value
    assert not isinstance(error, CreateOutcomeUnknownError)
    assert error.code == "ResourceInUse"
    assert "deployment_instance_type" in str(error)
    assert isinstance(error.__cause__, ClientError)
    assert service.calls(DESCRIBE) == 1
    shown = "".join(traceback.format_exception(error)) + repr(error)
    assert SECRET not in shown


async def test_the_check_after_a_lost_answer_rides_out_faults_on_the_policy_sleep(
    transport: str, service: FakeOptimizationService, no_aiobotocore_backoff: list[float]
) -> None:
    service.inject(CREATE, "answer_lost", times=1)
    # Throttling that outlasts aiobotocore's own three attempts at the check's Describe.
    service.inject(DESCRIBE, "throttle", times=4)
    pauses: list[float] = []
    async with aio_client_on(service, transport, config=RETRYING) as sm:
        client = AsyncOptimizationJobClient(sm, retry_policy=RetryPolicy(sleep=pauses.append))
        response = await client.create(make_request(NAME))
    assert response.optimization_job_arn == ARN
    assert len(pauses) == 1  # the policy's retry of the throttled check, on its sleep
    assert service.calls(DESCRIBE) == 3 + 2
    assert service.job_names() == [NAME]


async def test_when_the_check_after_a_lost_answer_fails_the_outcome_is_unknown(
    transport: str, service: FakeOptimizationService, no_aiobotocore_backoff: list[float]
) -> None:
    service.inject(CREATE, "answer_lost", times=1)
    # Every Describe of the check fails with a 500, past the retry policy's attempts.
    service.inject(DESCRIBE, "server_error", times=None)
    pauses: list[float] = []

    async with aio_client_on(service, transport, config=RETRYING) as sm:
        policy = RetryPolicy(max_attempts=2, sleep=pauses.append)
        client = AsyncOptimizationJobClient(sm, retry_policy=policy)
        with pytest.raises(CreateOutcomeUnknownError) as caught:
            await client.create(make_request(NAME))
    assert NAME in str(caught.value)
    assert len(pauses) == 1  # the policy's one retry of the check, on its own sleep
    assert service.calls(DESCRIBE) == 2 * 3  # two checks, each retried by aiobotocore
    assert service.job_names() == [NAME]


# -- redaction, with tasks side by side ------------------------------------------------------


class Capture(logging.Handler):
    """Every record, formatted as a user's handler would (traceback included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def requests_of(self, operation: str) -> list[str]:
        return [
            line
            for line in self.lines
            if line.startswith("botocore.endpoint ")
            and f"Making request for OperationModel(name={operation})" in line
        ]


@pytest.fixture
def capture() -> Iterator[Capture]:
    """A root handler at DEBUG, as logging.basicConfig(level=logging.DEBUG) gives."""
    root = logging.getLogger()
    handler = Capture()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


class Gate:
    """An async before-send handler that holds each create until ``count`` are in flight, so
    that their records interleave on the loop."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.arrived = 0
        self.all_in = asyncio.Event()  # (asyncio.Barrier is Python 3.11+)
        self.passed = 0

    async def __call__(self, **_: Any) -> None:
        self.arrived += 1
        if self.arrived == self.count:
            self.all_in.set()
        await self.all_in.wait()
        self.passed += 1


async def test_two_concurrent_creates_keep_their_secrets_out_of_debug_logs(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    capture: Capture,
) -> None:
    other_secret = "hf_secondTaskSecret9876543210"
    gate = Gate(2)
    before_call(client.sagemaker_client, CREATE, gate)
    first, second = await asyncio.gather(
        client.create(make_request("job-a")),
        client.create(make_request("job-b", env={"HF_TOKEN": other_secret})),
    )
    assert gate.passed == 2
    assert {first.optimization_job_arn, second.optimization_job_arn} == {
        ARN.replace(NAME, "job-a"),
        ARN.replace(NAME, "job-b"),
    }
    made = capture.requests_of(CREATE)
    assert len(made) == 2
    for line in made:
        assert '"HF_TOKEN": "***"' in line  # the key kept, the value masked
    everything = "\n".join(capture.lines)
    assert SECRET not in everything
    assert other_secret not in everything
    # The data sent is untouched.
    assert service.call_log[0][1]["OptimizationEnvironment"]["HF_TOKEN"] in (SECRET, other_secret)


async def test_the_masking_is_per_task_another_tasks_raw_call_is_left_alone(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    capture: Capture,
) -> None:
    # A plain aiobotocore create on the same loop, in flight at the same time as the SDK's:
    # the SDK masks its own call's records, not another task's (as with another client).
    visible = "plainValueNotASecret"
    raw_params = to_dict(make_request("raw-job"))
    raw_params["OptimizationEnvironment"] = {"SOME_SETTING": visible}
    gate = Gate(2)
    sm = client.sagemaker_client
    before_call(sm, CREATE, gate)
    await asyncio.gather(
        client.create(make_request(NAME)),
        sm.create_optimization_job(**raw_params),
    )
    assert gate.passed == 2
    made = capture.requests_of(CREATE)
    assert len(made) == 2
    raw_lines = [line for line in made if "raw-job" in line]
    sdk_lines = [line for line in made if NAME in line]
    assert len(raw_lines) == len(sdk_lines) == 1
    assert visible in raw_lines[0]
    assert SECRET not in "\n".join(capture.lines)


@pytest.mark.parametrize("kind", ["server_error", "throttle", "drop", "answer_lost"])
async def test_a_failed_create_keeps_its_secret_out_of_logs_and_errors(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    capture: Capture,
    kind: str,
) -> None:
    service.inject(CREATE, kind, times=1)
    with pytest.raises(ServiceError) as caught:  # a connection failure is one too
        await client.create(make_request(NAME))
    shown = "".join(traceback.format_exception(caught.value)) + repr(caught.value)
    assert SECRET not in shown
    assert SECRET not in "\n".join(capture.lines)


async def test_answers_carrying_secrets_stay_masked_in_debug_logs_of_concurrent_waits(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    capture: Capture,
) -> None:
    # Describe answers carry the job's environment (HF_TOKEN included): botocore logs each
    # answer's body at DEBUG. A wait, a sweep and a describe side by side on one loop.
    names = create_jobs(service, ["job-a", "job-b", "job-c"])
    sleep = service.advance_async
    results = await asyncio.gather(
        client.wait("job-a", sleep=sleep, clock=service.monotonic),
        client.wait_many(["job-b", "job-c"], sleep=sleep, clock=service.monotonic),
        client.describe("job-c"),
    )
    assert results[0].optimization_job_name == "job-a"
    assert list(results[1]) == names[1:]
    bodies = [line for line in capture.lines if line.startswith("botocore.parsers ")]
    assert any('"HF_TOKEN": "***"' in line for line in bodies)  # the answers were logged...
    assert SECRET not in "\n".join(capture.lines)  # ...masked
