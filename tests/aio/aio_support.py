"""Shared helpers and fixtures for the async client's own tests (tests/aio/test_async_*.py).

A module with a unique name (several test folders have a conftest): the test modules import
the fixtures they use from here (``from aio_support import *``). The emulator answers over
HTTP (``service.serve()``) and in-process (``service.aio_client()``): the ``client`` fixture
runs each test on both.

Nothing here is timed: waits sleep on the emulator's virtual clock (:func:`virtual_sleep`),
and the tests that look at how waits interleave record the order of the pauses, not their
lengths in real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import io
import json
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from boto3_support import forget_aws_setup
from examples import EXAMPLES
from optjob_sdk import (
    AsyncOptimizationJobClient,
    CreateOptimizationJobRequest,
    from_dict,
    to_dict,
)
from optjob_sdk.testing import Durations, FakeOptimizationService

__all__ = [
    "CREATE",
    "DESCRIBE",
    "LIST",
    "SECRET",
    "FakeTTY",
    "Leaks",
    "Parked",
    "Rounds",
    "NO_RETRIES",
    "TRANSPORTS",
    "SessionLog",
    "aio_client_on",
    "aio_http_client",
    "aio_session",
    "aws_nowhere",
    "before_call",
    "client",
    "create_jobs",
    "leaks",
    "make_request",
    "other_tasks",
    "service",
    "sessions",
    "settle",
    "transport",
    "url",
    "virtual_sleep",
]

CREATE = "CreateOptimizationJob"
DESCRIBE = "DescribeOptimizationJob"
LIST = "ListOptimizationJobs"

#: An environment value that must never be seen (the shape of a Hugging Face token).
SECRET = "hf_asyncSecretValue0123456789abcdef"

#: The tests count calls, so aiobotocore's own retries are off: every retry is the SDK's.
NO_RETRIES = AioConfig(retries={"total_max_attempts": 1})

#: The emulator's two ways in for aiobotocore: over HTTP (``serve()``) and in-process
#: (``aio_client()``, no socket).
TRANSPORTS = ["http", "in-process"]


def make_request(
    name: str, *, runtime: int = 36000, env: dict[str, str] | None = None
) -> CreateOptimizationJobRequest:
    """The realistic AWQ example under ``name``, with ``HF_TOKEN`` set to :data:`SECRET`."""
    data = json.loads((EXAMPLES / "awq-quantization.json").read_text())
    data["OptimizationJobName"] = name
    data["StoppingCondition"] = {"MaxRuntimeInSeconds": runtime}
    data.setdefault("OptimizationEnvironment", {}).update(
        env if env is not None else {"HF_TOKEN": SECRET}
    )
    return from_dict(CreateOptimizationJobRequest, data)


def virtual_sleep(service: FakeOptimizationService) -> Callable[[float], Awaitable[None]]:
    """An async ``sleep=`` on the emulator's clock that yields to the loop once, as a real
    sleep would: the emulator's own ``advance_async``."""
    return service.advance_async


@functools.cache
def aio_session() -> AioSession:
    # One session for every test's clients: it loads botocore's service model once (about
    # 200 ms per session), and clients made from it share nothing else.
    return AioSession()


def aio_http_client(
    url: str, *, config: AioConfig = NO_RETRIES
) -> AbstractAsyncContextManager[Any]:
    """aiobotocore's client context manager for a SageMaker client on ``url`` (an emulator's
    ``serve()``), with dummy credentials and, by default, no retries of its own."""
    creating: AbstractAsyncContextManager[Any] = aio_session().create_client(
        "sagemaker",
        endpoint_url=url,
        region_name="us-west-2",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=config,
    )
    return creating


@pytest.fixture
def aws_nowhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """This process as on a machine with no AWS configuration: a client that makes its own
    aiobotocore client finds no credentials, region or endpoint but those it is given."""
    forget_aws_setup(monkeypatch, tmp_path)


@pytest.fixture
def service() -> FakeOptimizationService:
    # Short runs: a job is STARTING 60 s, then INPROGRESS 20 min (unless a test says).
    return FakeOptimizationService(seed=7, durations=Durations())


@pytest.fixture
def url(service: FakeOptimizationService) -> Iterator[str]:
    with service.serve() as served:
        yield served


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@contextlib.asynccontextmanager
async def aio_client_on(
    service: FakeOptimizationService, transport: str, *, config: AioConfig = NO_RETRIES
) -> AsyncIterator[Any]:
    """An aiobotocore SageMaker client that ``service`` answers through ``transport``
    (one of :data:`TRANSPORTS`), retries off unless ``config`` says otherwise."""
    if transport == "in-process":
        async with service.aio_client(config=config) as sm:
            yield sm
        return
    with service.serve() as served:
        async with aio_http_client(served, config=config) as sm:
            yield sm


@pytest_asyncio.fixture
async def client(
    transport: str, service: FakeOptimizationService, aws_nowhere: None
) -> AsyncIterator[AsyncOptimizationJobClient]:
    """The async client on an aiobotocore client (retries off) that the test's
    ``service`` answers, over HTTP or in-process."""
    async with aio_client_on(service, transport) as sm:
        yield AsyncOptimizationJobClient(sm)


# -- what a test leaves behind -------------------------------------------------------------


@dataclass
class SessionLog:
    """Every aiohttp ``ClientSession`` made while the fixture is active."""

    made: list[aiohttp.ClientSession] = field(default_factory=list)

    def open(self) -> list[aiohttp.ClientSession]:
        return [session for session in self.made if not session.closed]


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> SessionLog:
    """Records the aiohttp sessions made (aiobotocore makes one per client: at its first call
    in 3.x, as the client is entered in 2.x)."""
    log = SessionLog()
    original = aiohttp.ClientSession.__init__

    def recording(self: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        log.made.append(self)

    monkeypatch.setattr(aiohttp.ClientSession, "__init__", recording)
    return log


@dataclass
class Leaks:
    """What the event loop and the warnings machinery reported: "Unclosed client session",
    "Unclosed connector", "Task was destroyed but it is pending", unraisable exceptions."""

    loop_errors: list[dict[str, Any]] = field(default_factory=list)
    warned: list[warnings.WarningMessage] = field(default_factory=list)
    unraisable: list[str] = field(default_factory=list)

    def collect(self) -> list[str]:
        """Collect garbage (where aiohttp reports what was left open) and list every report."""
        for _ in range(3):
            gc.collect()
        return [
            *(str(context.get("message")) for context in self.loop_errors),
            *(f"{w.category.__name__}: {w.message}" for w in self.warned),
            *self.unraisable,
        ]


@pytest_asyncio.fixture
async def leaks(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Leaks]:
    """Records what the running loop, ``warnings`` and ``sys.unraisablehook`` are told
    during the test (with every ResourceWarning shown, not only the first)."""
    import sys

    found = Leaks()
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: found.loop_errors.append(context))
    monkeypatch.setattr(
        sys,
        "unraisablehook",
        lambda report: found.unraisable.append(f"{report.exc_type.__name__}: {report.exc_value}"),
    )
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        found.warned = warned
        try:
            yield found
        finally:
            loop.set_exception_handler(previous)


def other_tasks() -> set[asyncio.Task[Any]]:
    """The tasks on the running loop besides the current one (none should be left)."""
    current = asyncio.current_task()
    return {task for task in asyncio.all_tasks() if task is not current}


async def settle() -> None:
    """Let the loop run what is ready (callbacks of a cancellation, closing transports)."""
    for _ in range(5):
        await asyncio.sleep(0)


# -- jobs, sleeps and displays for the waits ---------------------------------------------------


def create_jobs(
    service: FakeOptimizationService, names: Iterable[str], *, spacing: float = 0.0
) -> list[str]:
    """Create a job for each name, ``spacing`` virtual seconds apart, through the emulator's
    raw protocol (quick, and apart from the client under test)."""
    created = list(names)
    for name in created:
        body = json.dumps(to_dict(make_request(name))).encode()
        answer = service.handle(f"SageMaker.{CREATE}", body)
        assert answer.status == 200, answer.body
        if spacing:
            service.advance(spacing)
    return created


class Rounds:
    """An async ``sleep=`` for several waits on one loop, which moves the emulator's clock
    only once every wait still running is paused: a round of polls, then one step of
    virtual time (the longest pause asked for), then the next round.

    Every wait must be suspended in its pause at the same time for a round to end: a wait
    that blocked the loop (or another wait) would stall the round. ``log`` records each
    pause and resume, in order, with the task's name. Call :meth:`finished` when a wait
    is over (in a ``finally``), so that the rounds stop counting it.
    """

    def __init__(self, service: FakeOptimizationService, running: int) -> None:
        self.service = service
        self.running = running
        self.log: list[tuple[str, str, float]] = []
        self.steps: list[float] = []
        self._paused: list[tuple[float, asyncio.Future[None]]] = []

    async def sleep(self, seconds: float) -> None:
        task = asyncio.current_task()
        name = task.get_name() if task is not None else "?"
        self.log.append(("pause", name, seconds))
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._paused.append((seconds, woken))
        self._release_if_all_paused()
        await woken
        self.log.append(("resume", name, seconds))

    def finished(self) -> None:
        self.running -= 1
        self._release_if_all_paused()

    def _release_if_all_paused(self) -> None:
        if not self._paused or len(self._paused) < self.running:
            return
        step = max(seconds for seconds, _ in self._paused)
        self.steps.append(step)
        self.service.advance(step)
        for _, woken in self._paused:
            if not woken.done():
                woken.set_result(None)
        self._paused = []


class Parked:
    """An async ``sleep=`` that records its pauses and then waits until the test is done
    with it (cancels the task): the wait is known to sit in its pause. ``pausing`` is set
    at the first pause."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self.pausing = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.pausing.set()
        await asyncio.Event().wait()  # only a cancellation ends it


class FakeTTY(io.StringIO):
    """A stream that says it is a terminal: the waits draw their live displays on it."""

    def isatty(self) -> bool:
        return True

    def lines(self) -> list[str]:
        """What a terminal would show: each line as the last ``\\r`` left it."""
        return [line.rsplit("\r", 1)[-1] for line in self.getvalue().split("\n")]


def before_call(
    sm: Any, operation: str, handler: Callable[..., Awaitable[None]]
) -> Callable[[], None]:
    """Run async ``handler(**kwargs)`` as ``sm`` starts each ``operation`` call, before its
    request is made and sent: neither the emulator over HTTP nor the in-process one (which
    answers in a ``before-send`` handler of its own) has seen it yet. Returns the undo."""
    event = f"before-call.sagemaker.{operation}"
    sm.meta.events.register(event, handler)
    return lambda: sm.meta.events.unregister(event, handler)
