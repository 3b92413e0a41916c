"""Raw aiobotocore against the emulator: in-process (``service.aio_client()``) and over HTTP
(``serve()``, through the plugin's ``optjob_service_url``). No SDK code involved."""

from __future__ import annotations

import asyncio
import doctest
import functools
import gc
import shutil
import socket
import subprocess
import sys
import threading
import time
import types
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiobotocore.session import AioSession
from botocore.exceptions import ClientError, ConnectionClosedError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boto3_support import NO_RETRIES, http_client
from examples import load_example
from optjob_sdk.testing import FAULT_KINDS, FakeOptimizationService
from optjob_sdk.testing._service import OPERATIONS

pytest_plugins = ["pytester"]

START = datetime(2026, 3, 1, tzinfo=timezone.utc)
ARN = "arn:aws:sagemaker:us-west-2:111122223333:optimization-job/{}"
#: Makes an aiobotocore SageMaker client (its context manager); keywords go to create_client.
Connect = Callable[..., AbstractAsyncContextManager[Any]]


def request(name: str = "job-1") -> dict[str, Any]:
    data = load_example("awq-quantization")
    data["OptimizationJobName"] = name
    return data


def aio_http_client(url: str, **kwargs: Any) -> AbstractAsyncContextManager[Any]:
    """An aiobotocore SageMaker client on ``url`` (a ``serve()``), with dummy credentials."""
    options: dict[str, Any] = {
        "endpoint_url": url,
        "region_name": "us-west-2",
        "aws_access_key_id": "x",
        "aws_secret_access_key": "x",
        **kwargs,
    }
    context: AbstractAsyncContextManager[Any] = AioSession().create_client("sagemaker", **options)
    return context


@pytest.fixture(params=["in-process", "http"])
def connect(request: pytest.FixtureRequest, optjob_service: FakeOptimizationService) -> Connect:
    """aiobotocore clients on the plugin's ``optjob_service``, through each transport."""
    if request.param == "in-process":
        return optjob_service.aio_client
    url: str = request.getfixturevalue("optjob_service_url")
    return functools.partial(aio_http_client, url)


@pytest.fixture
def no_retry_delay(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """aiobotocore's retries without their real backoff sleeps (which it records)."""
    delays: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        delays.append(seconds)
        await real_sleep(0)

    # aiobotocore.endpoint uses its `asyncio` only to sleep before a retry.
    monkeypatch.setattr("aiobotocore.endpoint.asyncio", types.SimpleNamespace(sleep=sleep))
    return delays


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code"))


# -- every operation, both transports --------------------------------------------------------


async def test_every_operation_round_trips(
    connect: Connect, optjob_service: FakeOptimizationService
) -> None:
    async with connect(config=NO_RETRIES) as sm:
        created = await sm.create_optimization_job(**request("job-1"))
        assert created["OptimizationJobArn"] == ARN.format("job-1")
        job = await sm.describe_optimization_job(OptimizationJobName="job-1")
        assert job["OptimizationJobStatus"] == "STARTING"
        assert job["CreationTime"] == optjob_service.now
        assert job["OptimizationEnvironment"] == request()["OptimizationEnvironment"]

        await optjob_service.advance_async(90)
        listed = await sm.list_optimization_jobs(StatusEquals="INPROGRESS")
        assert [s["OptimizationJobName"] for s in listed["OptimizationJobSummaries"]] == ["job-1"]

        await sm.stop_optimization_job(OptimizationJobName="job-1")
        job = await sm.describe_optimization_job(OptimizationJobName="job-1")
        assert job["OptimizationJobStatus"] == "STOPPING"
        await optjob_service.advance_async(60)
        job = await sm.describe_optimization_job(OptimizationJobName="job-1")
        assert job["OptimizationJobStatus"] == "STOPPED"

        await sm.delete_optimization_job(OptimizationJobName="job-1")
        listed = await sm.list_optimization_jobs()
        assert listed["OptimizationJobSummaries"] == []
    assert [operation for operation, _ in optjob_service.call_log] == [
        "CreateOptimizationJob",
        "DescribeOptimizationJob",
        "ListOptimizationJobs",
        "StopOptimizationJob",
        "DescribeOptimizationJob",
        "DescribeOptimizationJob",
        "DeleteOptimizationJob",
        "ListOptimizationJobs",
    ]


async def test_aiobotocore_paginator_follows_next_tokens(
    connect: Connect, optjob_service: FakeOptimizationService
) -> None:
    async with connect(config=NO_RETRIES) as sm:
        for index in range(5):
            await sm.create_optimization_job(**request(f"job-{index}"))
            await optjob_service.advance_async(1)
        pages = sm.get_paginator("list_optimization_jobs").paginate(
            PaginationConfig={"PageSize": 2}
        )
        names = [
            [summary["OptimizationJobName"] for summary in page["OptimizationJobSummaries"]]
            async for page in pages
        ]
    assert names == [["job-0", "job-1"], ["job-2", "job-3"], ["job-4"]]


@pytest.mark.parametrize(
    ("setup", "call", "code", "status"),
    [
        pytest.param([], ("describe", {"OptimizationJobName": "nope"}), "ResourceNotFound", 400),
        pytest.param(
            ["create"], ("create", request("job-1")), "ResourceInUse", 400, id="ResourceInUse"
        ),
        pytest.param(
            ["create", "finish"],
            ("stop", {"OptimizationJobName": "job-1"}),
            "ValidationException",
            400,
            id="stop-a-completed-job",
        ),
        pytest.param(
            [], ("list", {"MaxResults": 101}), "ValidationException", 400, id="MaxResults"
        ),
        pytest.param(
            [], ("list", {"NextToken": "garbled"}), "ValidationException", 400, id="NextToken"
        ),
    ],
)
async def test_service_errors_are_client_errors_with_their_code(
    connect: Connect,
    optjob_service: FakeOptimizationService,
    setup: list[str],
    call: tuple[str, dict[str, Any]],
    code: str,
    status: int,
) -> None:
    async with connect(config=NO_RETRIES) as sm:
        if "create" in setup:
            await sm.create_optimization_job(**request("job-1"))
        if "finish" in setup:
            await optjob_service.advance_async(24 * 3600)
        operation, params = call
        with pytest.raises(ClientError) as caught:
            await getattr(sm, f"{operation}_optimization_job{'s' * (operation == 'list')}")(
                **params
            )
    assert error_code(caught.value) == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    # The modeled errors are aiobotocore's own exception classes, as with boto3.
    if code in ("ResourceNotFound", "ResourceInUse"):
        assert type(caught.value).__name__ == code


# -- faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "code", "status"),
    [
        ("throttle", "ThrottlingException", 400),
        ("server_error", "InternalFailure", 500),
        ("unavailable", "ServiceUnavailable", 503),
    ],
)
async def test_error_faults_reach_a_client_without_retries(
    connect: Connect, optjob_service: FakeOptimizationService, kind: str, code: str, status: int
) -> None:
    optjob_service.inject("CreateOptimizationJob", kind)
    async with connect(config=NO_RETRIES) as sm:
        with pytest.raises(ClientError) as caught:
            await sm.create_optimization_job(**request())
    assert error_code(caught.value) == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert optjob_service.job_names() == []  # answered in place of the operation


@pytest.mark.parametrize("kind", ["drop", "answer_lost"])
async def test_a_dropped_answer_is_a_closed_connection(
    connect: Connect, optjob_service: FakeOptimizationService, kind: str
) -> None:
    optjob_service.inject("CreateOptimizationJob", kind)
    async with connect(config=NO_RETRIES) as sm:
        with pytest.raises(ConnectionClosedError):
            await sm.create_optimization_job(**request())
    # "drop" answers in place of the operation; "answer_lost" applies it first.
    assert optjob_service.job_names() == (["job-1"] if kind == "answer_lost" else [])


@pytest.mark.parametrize("kind", ["throttle", "server_error", "unavailable", "drop"])
async def test_aiobotocore_retries_transient_faults(
    connect: Connect,
    optjob_service: FakeOptimizationService,
    no_retry_delay: list[float],
    kind: str,
) -> None:
    optjob_service.inject("ListOptimizationJobs", kind, times=2)
    async with connect() as sm:  # aiobotocore's default retries
        listed = await sm.list_optimization_jobs()
    assert listed["OptimizationJobSummaries"] == []
    assert listed["ResponseMetadata"]["RetryAttempts"] == 2
    assert optjob_service.calls("ListOptimizationJobs") == 3
    assert len(no_retry_delay) == 2


async def test_a_lost_create_answer_is_retried_into_resource_in_use(
    connect: Connect, optjob_service: FakeOptimizationService, no_retry_delay: list[float]
) -> None:
    # The case the SDK reconciles: the job exists, the retry meets it.
    optjob_service.inject("CreateOptimizationJob", "answer_lost")
    async with connect() as sm:
        with pytest.raises(ClientError) as caught:
            await sm.create_optimization_job(**request())
    assert error_code(caught.value) == "ResourceInUse"
    assert optjob_service.calls("CreateOptimizationJob") == 2
    assert no_retry_delay  # retried as a network failure, after a backoff


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        # What botocore's (and so aiobotocore's) parser does with them: the SDK maps these.
        ("null_answer", AttributeError),
        ("list_answer", AttributeError),
        ("garbage_timestamp", ValueError),
        ("huge_timestamp", RuntimeError),
    ],
)
async def test_a_garbled_answer_fails_to_parse(
    connect: Connect, optjob_service: FakeOptimizationService, kind: str, error: type[Exception]
) -> None:
    async with connect(config=NO_RETRIES) as sm:
        await sm.create_optimization_job(**request())
        optjob_service.inject("DescribeOptimizationJob", kind)
        with pytest.raises(error):
            await sm.describe_optimization_job(OptimizationJobName="job-1")
        job = await sm.describe_optimization_job(OptimizationJobName="job-1")  # next: whole
    assert job["OptimizationJobStatus"] == "STARTING"


# The script each client runs in the sync/async comparison: every operation once or more.
SCRIPT: list[tuple[str, dict[str, Any]]] = [
    ("create_optimization_job", request("job-1")),
    ("describe_optimization_job", {"OptimizationJobName": "job-1"}),
    ("list_optimization_jobs", {}),
    ("stop_optimization_job", {"OptimizationJobName": "job-1"}),
    ("describe_optimization_job", {"OptimizationJobName": "job-1"}),
    ("delete_optimization_job", {"OptimizationJobName": "job-1"}),
    ("list_optimization_jobs", {}),
]


def _outcome(result: Any = None, error: Exception | None = None, url: str = "") -> Any:
    """A call's outcome, comparable across clients: the response less its metadata (request
    IDs differ), or the error's class and message (the endpoint's URL blanked)."""
    if error is not None:
        return (type(error).__name__, str(error).replace(url.rstrip("/"), "URL"))
    return {key: value for key, value in result.items() if key != "ResponseMetadata"}


def run_sync(sm: Any, url: str) -> list[Any]:
    outcomes = []
    for operation, params in SCRIPT:
        try:
            outcomes.append(_outcome(getattr(sm, operation)(**params)))
        except Exception as error:
            outcomes.append(_outcome(error=error, url=url))
    return outcomes


async def run_async(sm: Any, url: str) -> list[Any]:
    outcomes = []
    for operation, params in SCRIPT:
        try:
            outcomes.append(_outcome(await getattr(sm, operation)(**params)))
        except Exception as error:
            outcomes.append(_outcome(error=error, url=url))
    return outcomes


@pytest.mark.parametrize("transport", ["in-process", "http"])
@pytest.mark.parametrize("kind", FAULT_KINDS)
async def test_every_fault_kind_does_to_aiobotocore_what_it_does_to_boto3(
    kind: str, transport: str
) -> None:
    """Two services alike, the same fault on every call, the same script through boto3 and
    through aiobotocore: the same answers and errors, the same jobs left, the same calls."""
    services = [FakeOptimizationService(start_time=START, seed=0) for _ in range(2)]
    for service in services:
        service.inject("*", kind, times=None, seconds=0.0)
    sync_service, async_service = services
    if transport == "in-process":
        sync_outcomes = run_sync(sync_service.client(config=NO_RETRIES), "http://127.0.0.1:9")
        async with async_service.aio_client(config=NO_RETRIES) as sm:
            async_outcomes = await run_async(sm, "http://127.0.0.1:9")
    else:
        with sync_service.serve() as url:
            sync_outcomes = run_sync(http_client(url), url)
        with async_service.serve() as url:
            async with aio_http_client(url, config=NO_RETRIES) as sm:
                async_outcomes = await run_async(sm, url)
    assert async_outcomes == sync_outcomes
    assert async_service.job_names() == sync_service.job_names()
    assert [op for op, _ in async_service.call_log] == [op for op, _ in sync_service.call_log]


# Any script of calls, clock moves and faults (by rate too: both services draw the same
# numbers from the same seed), through boto3 and through aiobotocore: the same outcomes.
_NAMES = ("job-1", "job-2")
_CALL = st.one_of(
    st.tuples(st.just("create_optimization_job"), st.sampled_from(_NAMES).map(request)),
    st.tuples(
        st.sampled_from(
            ["describe_optimization_job", "stop_optimization_job", "delete_optimization_job"]
        ),
        st.fixed_dictionaries({"OptimizationJobName": st.sampled_from(_NAMES)}),
    ),
    st.tuples(
        st.just("list_optimization_jobs"),
        st.fixed_dictionaries(
            {},
            optional={
                "MaxResults": st.integers(1, 3),
                "StatusEquals": st.sampled_from(["STARTING", "INPROGRESS", "COMPLETED"]),
            },
        ),
    ),
    st.tuples(st.just("advance"), st.integers(0, 2000)),
)
_FAULT = st.tuples(
    st.sampled_from([*OPERATIONS, "*"]),
    st.sampled_from(FAULT_KINDS),
    st.one_of(st.none(), st.integers(1, 3)),
    st.sampled_from([1.0, 0.5]),
)


def _script_outcomes(
    service: FakeOptimizationService, script: list[tuple[str, Any]], sm: Any
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The script's calls, in order, each after its clock moves (shared by both runners)."""
    for operation, argument in script:
        if operation == "advance":
            service.advance(argument)
        else:
            yield operation, argument


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=st.lists(_CALL, max_size=8), faults=st.lists(_FAULT, max_size=3))
def test_any_script_and_faults_look_the_same_through_both_clients(
    script: list[tuple[str, Any]], faults: list[tuple[str, str, int | None, float]]
) -> None:
    services = [FakeOptimizationService(start_time=START, seed=3) for _ in range(2)]
    for service in services:
        for operation, kind, times, rate in faults:
            service.inject(operation, kind, times=times, rate=rate, seed=5)
    sync_service, async_service = services
    sm = sync_service.client(config=NO_RETRIES)
    sync_outcomes = []
    for operation, params in _script_outcomes(sync_service, script, sm):
        try:
            sync_outcomes.append(_outcome(getattr(sm, operation)(**params)))
        except Exception as error:
            sync_outcomes.append(_outcome(error=error))

    async def run() -> list[Any]:
        outcomes = []
        async with async_service.aio_client(config=NO_RETRIES) as sm:
            for operation, params in _script_outcomes(async_service, script, sm):
                try:
                    outcomes.append(_outcome(await getattr(sm, operation)(**params)))
                except Exception as error:
                    outcomes.append(_outcome(error=error))
        return outcomes

    assert asyncio.run(run()) == sync_outcomes
    assert async_service.call_log == sync_service.call_log
    assert async_service.job_names() == sync_service.job_names()


# -- the event loop ----------------------------------------------------------------------------


async def test_fifty_concurrent_describes_on_one_loop(
    connect: Connect, optjob_service: FakeOptimizationService
) -> None:
    async with connect(config=NO_RETRIES) as sm:
        await sm.create_optimization_job(**request())
        jobs = await asyncio.gather(
            *(sm.describe_optimization_job(OptimizationJobName="job-1") for _ in range(50))
        )
    assert {job["OptimizationJobArn"] for job in jobs} == {ARN.format("job-1")}
    assert len({job["ResponseMetadata"]["RequestId"] for job in jobs}) == 50
    assert optjob_service.calls("DescribeOptimizationJob") == 50


async def test_an_in_process_call_lets_other_tasks_run(
    optjob_service: FakeOptimizationService,
) -> None:
    order: list[str] = []

    async def call(sm: Any) -> None:
        order.append("sent")
        await sm.list_optimization_jobs()
        order.append("answered")

    async def other() -> None:
        order.append("other")

    async with optjob_service.aio_client() as sm:
        await asyncio.gather(call(sm), other())
    assert order == ["sent", "other", "answered"]


async def test_a_cancelled_call_leaves_nothing_behind(
    connect: Connect, optjob_service: FakeOptimizationService
) -> None:
    async with connect(config=NO_RETRIES) as sm:
        call = asyncio.ensure_future(sm.list_optimization_jobs())
        await asyncio.sleep(0)  # under way
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        listed = await sm.list_optimization_jobs()  # the client goes on working
    assert listed["OptimizationJobSummaries"] == []
    assert asyncio.all_tasks() == {asyncio.current_task()}


@pytest.fixture
def held_latency(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """A latency fault's sleep that lasts until the test sets the event (not a real delay)."""
    release = threading.Event()
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:
        if seconds == 3600:  # the fault's; anything else sleeps as usual
            assert release.wait(timeout=30), "the test never released the latency"
        else:
            real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    yield release
    release.set()


async def test_a_latency_fault_holds_up_its_own_call_only(
    connect: Connect, optjob_service: FakeOptimizationService, held_latency: threading.Event
) -> None:
    optjob_service.inject("DescribeOptimizationJob", "latency", seconds=3600)
    async with connect(config=NO_RETRIES) as sm:
        slow = asyncio.ensure_future(sm.describe_optimization_job(OptimizationJobName="job-1"))
        # Other calls go on while the slow one waits for its answer.
        for _ in range(3):
            await sm.list_optimization_jobs()
        assert not slow.done()
        held_latency.set()
        with pytest.raises(ClientError) as caught:
            await slow
    assert error_code(caught.value) == "ResourceNotFound"  # then answered as usual
    assert optjob_service.calls("ListOptimizationJobs") == 3


async def test_advance_async_moves_the_clock_and_yields_once(
    optjob_service: FakeOptimizationService,
) -> None:
    order: list[str] = []
    before = optjob_service.monotonic()

    async def sleeper() -> None:
        await optjob_service.advance_async(45)
        order.append("slept")

    async def other() -> None:
        order.append("other")

    await asyncio.gather(sleeper(), other())
    assert order == ["other", "slept"]
    assert optjob_service.monotonic() - before == 45
    with pytest.raises(ValueError, match="forward"):
        await optjob_service.advance_async(-1)


async def test_advance_async_fits_a_sleep_hook() -> None:
    """The shape the async client's ``sleep=`` takes: an async callable of seconds."""
    service = FakeOptimizationService(start_time=START)
    sleep: Callable[[float], Awaitable[None]] = service.advance_async
    async with service.aio_client() as sm:
        await sm.create_optimization_job(**request())
        statuses = []
        for _ in range(4):
            job = await sm.describe_optimization_job(OptimizationJobName="job-1")
            statuses.append(job["OptimizationJobStatus"])
            await sleep(600)
    assert statuses == ["STARTING", "INPROGRESS", "INPROGRESS", "COMPLETED"]


async def test_no_client_session_is_left_open(optjob_service_url: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with aio_http_client(optjob_service_url) as sm:
            await sm.list_optimization_jobs()
        gc.collect()
    assert [str(w.message) for w in caught if "Unclosed" in str(w.message)] == []


# -- without aiobotocore, and import cost ------------------------------------------------------


def test_without_aiobotocore_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in sys.modules if name.partition(".")[0] == "aiobotocore"]:
        monkeypatch.setitem(sys.modules, name, None)
    service = FakeOptimizationService()
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'optjob-sdk\[aio\]'") as caught:
        service.aio_client()
    assert caught.value.name == "aiobotocore"
    service.client().list_optimization_jobs()  # the sync client does not need it


def test_importing_the_emulator_imports_no_aiobotocore() -> None:
    code = (
        "import sys\n"
        "import optjob_sdk.testing, optjob_sdk.testing.pytest_plugin\n"
        "service = optjob_sdk.testing.FakeOptimizationService()\n"
        "service.client().list_optimization_jobs()\n"
        "with service.serve():\n"
        "    pass\n"
        "print(sorted({m.partition('.')[0] for m in sys.modules} & {'aiobotocore', 'aiohttp'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"


# -- the plugin's fixture and this directory's conftest, as a user's pytest runs them ----------

_URL_TEST = """
import asyncio
import doctest
from pathlib import Path

from aiobotocore.session import AioSession


def test_url(optjob_service, optjob_service_url):
    async def main():
        session = AioSession()
        async with session.create_client(
            "sagemaker", endpoint_url=optjob_service_url, region_name="us-west-2",
            aws_access_key_id="x", aws_secret_access_key="x",
        ) as sm:
            return await sm.list_optimization_jobs()

    asyncio.run(main())
    assert optjob_service.calls("ListOptimizationJobs") == 1  # the same service
    Path("url.txt").write_text(optjob_service_url)
"""


def test_the_url_fixture_needs_no_pytest_asyncio_and_stops_its_server(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_url=_URL_TEST)
    result = pytester.runpytest_inprocess("-p", "no:asyncio", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    url = urlsplit((pytester.path / "url.txt").read_text())
    assert url.hostname == "127.0.0.1"
    assert url.port is not None
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((url.hostname, url.port), timeout=5).close()


@pytest.mark.parametrize("installed", [True, False])
def test_this_directory_needs_aiobotocore_and_no_asyncio_marks(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, installed: bool
) -> None:
    aio = pytester.mkdir("aio")
    shutil.copy(Path(__file__).with_name("conftest.py"), aio / "conftest.py")
    (aio / "test_async.py").write_text(
        "import asyncio\n\nimport aiobotocore\n\n\n"
        "async def test_unmarked():\n    await asyncio.sleep(0)\n\n\n"
        "def test_sync():\n    pass\n"
    )
    if not installed:
        monkeypatch.setitem(sys.modules, "aiobotocore", None)
    result = pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        "--import-mode=importlib",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        "-W",
        "error::pytest.PytestWarning",
    )
    if installed:
        result.assert_outcomes(passed=2)
    else:
        assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
        result.assert_outcomes()  # no errors either


def test_the_docstring_examples_run() -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    globs = {"FakeOptimizationService": FakeOptimizationService}
    for test in doctest.DocTestFinder().find(FakeOptimizationService.advance_async, globs=globs):
        runner.run(test)
    assert runner.failures == 0
    assert runner.tries >= 4
