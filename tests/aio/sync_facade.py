"""``SyncFacade``: the sync client's surface, every call made by an
:class:`~optjob_sdk.AsyncOptimizationJobClient` on an event loop the facade runs.

It lets the sync client's own tests run, unchanged, against the async client (the
``test_same_as_sync_*`` modules): each method builds the async call and runs it to the end
with ``loop.run_until_complete``; ``list`` and ``as_completed`` pull from the async iterators
one ``anext`` at a time, so laziness and call counts stay what the test sees. Sync ``sleep=``
callables (``service.advance``, a recorder) become ``async def`` ones; everything else,
errors included, passes through as it is.

A test's callback (``on_update``, ``sleep``) may call the client again while the loop is
busy waiting on that callback: such a nested call runs to its end on a new client (made
the same way) on a fresh loop in a helper thread, while the outer call stays suspended.

How a ``test_same_as_sync_<name>`` module uses this:

- ``from <folder>.test_<name> import *`` brings the sync tests in; pytest resolves their
  fixtures in the module that collects them, so the module's own ``client``, ``service``,
  ``wire``... fixtures (facades, :class:`AioWire`) are the ones the tests get.
- The :func:`stand` fixture (a :class:`Stand` per test) stands in for what the sync module
  builds inline: an autouse fixture rebinds the sync module's ``OptimizationJobClient`` (and
  ``make_boto_client``, ``AWSResponse``, ``wait_for_job``... where used) to it for the test.
  Every re-run test must ask the stand for a facade: one that does not fails at teardown.
- :func:`exclude` takes the tests that cannot go through a facade out, each with its reason.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import inspect
import sys
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterable,
    Iterator,
)
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from botocore.config import Config

# The client and waiter tests import their folder's helpers (wire_support, many_support...):
# pytest puts their folder on sys.path when it collects them there; the modules that re-run
# them here need them too.
sys.path.insert(0, str(Path(__file__).parents[1] / "client"))
sys.path.insert(0, str(Path(__file__).parents[1] / "waiter"))

from aiobotocore.awsrequest import AioAWSResponse
from wire_support import REGION, Wire

from boto3_support import NO_RETRIES
from optjob_sdk import (
    AsyncOptimizationJobClient,
    CreateOptimizationJobRequest,
    CreateOptimizationJobResponse,
    DescribeOptimizationJobResponse,
    ListOptimizationJobsResponse,
    OptimizationJobSummary,
)
from optjob_sdk.paging import RetryPolicy

if TYPE_CHECKING:
    from types_aiobotocore_sagemaker import SageMakerClient

    from optjob_sdk.aio import AsyncJobPager
    from optjob_sdk.testing import FakeOptimizationService

__all__ = [
    "AioWire",
    "FacadeJobPager",
    "Loop",
    "Stand",
    "SyncFacade",
    "aio_aws_response",
    "exclude",
    "facade_loop",
    "fresh_aio_wire",
    "http_aio_client",
    "module_facade_loop",
    "module_wire",
    "stand",
    "wire_per_test",
]

T = TypeVar("T")

#: Makes an aiobotocore client (its context manager): how a facade builds its client, and
#: a fresh one for a nested call.
Opener = Callable[[], AbstractAsyncContextManager["SageMakerClient"]]


_SESSION: list[Any] = []


def http_aio_client(url: str, *, config: Config = NO_RETRIES) -> Any:
    """An aiobotocore SageMaker client (its context manager) on ``url`` (an emulator's
    ``serve()``), dummy credentials: ``boto3_support.http_client``'s async twin."""
    if not _SESSION:
        # One session for every client made here: a new one reads botocore's model again.
        _SESSION.append(importlib.import_module("aiobotocore.session").get_session())
    return _SESSION[0].create_client(
        "sagemaker",
        endpoint_url=url,
        region_name="us-west-2",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=config,
    )


class _AsyncRaw:
    """The raw stream AioAWSResponse reads (``await read()``)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self) -> bytes:
        return self._data


def aio_aws_response(url: str, status_code: int, headers: Any, raw: Any) -> Any:
    """``botocore.awsrequest.AWSResponse(url, status_code, headers, raw)`` as aiobotocore
    reads an answer a ``before-send`` handler gives (``raw``: anything with ``stream()``).
    A test module rebinds a sync module's ``AWSResponse`` to it."""
    return AioAWSResponse(url, status_code, headers, _AsyncRaw(b"".join(raw.stream())))


class AioWire(Wire):
    """``wire_support.Wire`` on an aiobotocore client: the same recording, the same
    answers, given as aiobotocore reads them."""

    def _send(self, request: Any, **kwargs: Any) -> Any:
        answer = super()._send(request, **kwargs)
        return AioAWSResponse(
            answer.url, answer.status_code, answer.headers, _AsyncRaw(answer.content)
        )


class Loop:
    """An event loop run from this thread, one call at a time."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()

    @property
    def busy(self) -> bool:
        """Whether a call is running on it now (a callback of that call is calling us)."""
        return self._loop.is_running()

    @property
    def closed(self) -> bool:
        return self._loop.is_closed()

    def run(self, awaitable: Awaitable[T]) -> T:
        # No cyclic garbage collection while the loop is being started or run: a collected
        # _iterate generator closes its async iterator by running this loop, which must not
        # happen inside run_until_complete's own setup (one CI trial hung in a loop with
        # nothing scheduled there; the nested run is the suspect). Cycles are collected at
        # the next allocation outside, where that close runs the loop on its own.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._loop.run_until_complete(awaitable)
        finally:
            if enabled:
                gc.enable()

    def close(self) -> None:
        """Close what async generators are left, then the loop."""
        if self._loop.is_closed():
            return
        try:
            self.run(self._loop.shutdown_asyncgens())
        finally:
            self._loop.close()


def _async_sleep(sleep: Any) -> Any:
    """``sleep`` as the async client takes it: a plain callable becomes an ``async def``."""
    if sleep is None or not callable(sleep) or inspect.iscoroutinefunction(sleep):
        return sleep

    async def asleep(seconds: float) -> None:
        sleep(seconds)

    return asleep


def _async_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    if "sleep" in kwargs:
        kwargs = {**kwargs, "sleep": _async_sleep(kwargs["sleep"])}
    return kwargs


class _Pager:
    """``client.list(...)``'s result: sync iteration and ``by_page`` over the async pager."""

    def __init__(self, facade: SyncFacade, pager: AsyncJobPager) -> None:
        self._facade = facade
        self._pager = pager

    def __iter__(self) -> Iterator[OptimizationJobSummary]:
        return self._facade._iterate(aiter(self._pager))

    def by_page(
        self, continuation_token: str | None = None
    ) -> Iterator[ListOptimizationJobsResponse]:
        # Called now: the async pager checks the token at the call, as the sync one.
        return self._facade._iterate(self._pager.by_page(continuation_token))


class _WrapsAsyncJobPager(type):
    def __instancecheck__(cls, instance: object) -> bool:
        from optjob_sdk.aio import AsyncJobPager

        return isinstance(instance, _Pager) and isinstance(instance._pager, AsyncJobPager)


class FacadeJobPager(metaclass=_WrapsAsyncJobPager):
    """``isinstance(facade.list(), FacadeJobPager)``: the async client's ``list`` gave an
    ``AsyncJobPager`` (a test module rebinds a sync module's ``JobPager`` to it)."""


class SyncFacade:
    """A synchronous stand-in for :class:`~optjob_sdk.OptimizationJobClient` whose every
    method goes through an :class:`~optjob_sdk.AsyncOptimizationJobClient`.

    Build it with :meth:`in_process` (the emulator's ``aio_client``), :meth:`over_http`
    (an emulator's ``serve()`` URL), :meth:`on` (an aiobotocore client already open on
    ``loop``) or :meth:`own` (the async client makes its own aiobotocore client, as in
    ``async with``). Without a ``loop``, the facade makes its own. :meth:`close` closes
    what it opened (and its loop, if its own).
    """

    def __init__(
        self,
        client: AsyncOptimizationJobClient,
        loop: Loop,
        *,
        stack: AsyncExitStack | None = None,
        reopen: Opener | None = None,
        owns_loop: bool = False,
    ) -> None:
        self._async = client
        self._loop = loop
        self._stack = stack
        self._reopen = reopen
        self._owns_loop = owns_loop

    # -- building -------------------------------------------------------------------------

    @classmethod
    def opened(cls, opener: Opener, *, loop: Loop | None = None, **settings: Any) -> SyncFacade:
        """``AsyncOptimizationJobClient(sagemaker, **settings)`` on the aiobotocore client
        ``opener`` makes, opened on ``loop``."""
        running = loop if loop is not None else Loop()
        stack = AsyncExitStack()
        sagemaker = running.run(stack.enter_async_context(opener()))
        try:
            client = AsyncOptimizationJobClient(sagemaker, **settings)
        except BaseException:
            running.run(stack.aclose())
            if loop is None:
                running.close()
            raise
        return cls(client, running, stack=stack, reopen=opener, owns_loop=loop is None)

    @classmethod
    def in_process(
        cls,
        service: FakeOptimizationService,
        *,
        retry_policy: RetryPolicy | None = None,
        loop: Loop | None = None,
        **client_kwargs: Any,
    ) -> SyncFacade:
        """On ``service.aio_client(**client_kwargs)``: aiobotocore answered in-process."""
        return cls.opened(
            lambda: service.aio_client(**client_kwargs), retry_policy=retry_policy, loop=loop
        )

    @classmethod
    def over_http(
        cls,
        url: str,
        *,
        config: Config = NO_RETRIES,
        retry_policy: RetryPolicy | None = None,
        loop: Loop | None = None,
    ) -> SyncFacade:
        """On an aiobotocore client on ``url`` (an emulator's ``serve()``)."""
        return cls.opened(
            lambda: http_aio_client(url, config=config), retry_policy=retry_policy, loop=loop
        )

    @classmethod
    def on(
        cls,
        sagemaker_client: SageMakerClient,
        loop: Loop,
        **settings: Any,
    ) -> SyncFacade:
        """``AsyncOptimizationJobClient(sagemaker_client, **settings)``: on an aiobotocore
        client the caller opened on ``loop`` (and closes)."""
        return cls(AsyncOptimizationJobClient(sagemaker_client, **settings), loop)

    @classmethod
    def own(cls, *, loop: Loop | None = None, **kwargs: Any) -> SyncFacade:
        """``AsyncOptimizationJobClient(**kwargs)`` (session, region, endpoint...) entered
        as ``async with`` does: it makes its own aiobotocore client, closed by :meth:`close`."""
        running = loop if loop is not None else Loop()
        stack = AsyncExitStack()
        try:
            client = running.run(stack.enter_async_context(AsyncOptimizationJobClient(**kwargs)))
        except BaseException:
            if loop is None:
                running.close()
            raise
        return cls(client, running, stack=stack, owns_loop=loop is None)

    def close(self) -> None:
        """Close the aiobotocore client this facade opened, and its loop if its own."""
        stack, self._stack = self._stack, None
        try:
            if stack is not None and not self._loop.closed:
                self._loop.run(stack.aclose())
        finally:
            if self._owns_loop:
                self._loop.close()

    # -- the client's surface ---------------------------------------------------------------

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._async.retry_policy

    @property
    def sagemaker_client(self) -> SageMakerClient:
        return self._async.sagemaker_client

    def __repr__(self) -> str:
        return f"SyncFacade({self._async!r})"

    def create(self, request: CreateOptimizationJobRequest) -> CreateOptimizationJobResponse:
        return self._call(lambda client: client.create(request))

    def describe(self, name: str) -> DescribeOptimizationJobResponse:
        return self._call(lambda client: client.describe(name))

    def stop(self, name: str) -> None:
        self._call(lambda client: client.stop(name))

    def delete(self, name: str) -> None:
        self._call(lambda client: client.delete(name))

    def wait(self, name: str, **kwargs: Any) -> DescribeOptimizationJobResponse:
        return self._call(lambda client: client.wait(name, **_async_kwargs(kwargs)))

    def wait_many(
        self, names: Iterable[str], **kwargs: Any
    ) -> dict[str, DescribeOptimizationJobResponse]:
        return self._call(lambda client: client.wait_many(names, **_async_kwargs(kwargs)))

    def list(self, **kwargs: Any) -> _Pager:
        return _Pager(self, self._async.list(**kwargs))

    def as_completed(
        self, names: Iterable[str], **kwargs: Any
    ) -> Iterator[DescribeOptimizationJobResponse]:
        # Called now: the arguments are checked at the call, as the sync client's.
        return self._iterate(self._async.as_completed(names, **_async_kwargs(kwargs)))

    # -- plumbing ---------------------------------------------------------------------------

    def _call(self, call: Callable[[AsyncOptimizationJobClient], Coroutine[Any, Any, T]]) -> T:
        if not self._loop.busy:
            return self._loop.run(call(self._async))
        # Called from a callback of a call running on our loop (on_update, sleep): that
        # loop cannot run anything else until the callback returns.
        return self._nested(call)

    def _nested(self, call: Callable[[AsyncOptimizationJobClient], Coroutine[Any, Any, T]]) -> T:
        reopen = self._reopen
        if reopen is None:
            raise RuntimeError(
                "a nested call needs a facade that can open a client of its own "
                "(SyncFacade.opened, in_process or over_http)"
            )
        retry_policy = self._async.retry_policy

        async def once() -> T:
            async with reopen() as sagemaker:
                return await call(AsyncOptimizationJobClient(sagemaker, retry_policy=retry_policy))

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, once()).result()

    def _iterate(self, iterator: AsyncIterator[T]) -> Iterator[T]:
        """``iterator`` as a sync generator, one ``anext`` a step; closing the generator
        (or its end) closes the async one."""
        try:
            while True:
                try:
                    item = self._loop.run(anext(iterator))
                except StopAsyncIteration:
                    return
                yield item
        finally:
            close: Callable[[], Awaitable[None]] | None = getattr(iterator, "aclose", None)
            # Collected after the loop closed, or while it runs: the loop's own asyncgen
            # hooks close it then (Loop.close shuts every one down).
            if close is not None and not self._loop.closed and not self._loop.busy:
                self._loop.run(close())


class _NoSageMaker:
    """The aiobotocore client of a scripted facade: there is none, every call is scripted."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"a scripted facade has no aiobotocore client ({name})")


_NO_SAGEMAKER: Any = _NoSageMaker()


class Stand:
    """What one test's stand-ins share: a :class:`Loop`, the facades and aiobotocore
    clients opened on it, and which boto3 clients the emulator made.

    Calling it is ``OptimizationJobClient(...)``'s stand-in, for tests that build their
    client inline (a test module rebinds the sync module's ``OptimizationJobClient`` to it):
    an emulator-made boto3 client (``service.client(**kwargs)``) becomes
    ``service.aio_client(**kwargs)``, an aiobotocore client is used as is, and without one
    the async client makes its own (``session=``, ``region_name=``, ``endpoint_url=``).
    """

    def __init__(self, loop: Loop | None = None) -> None:
        """``loop``: one that outlives this stand (a module's); otherwise its own."""
        self._owns_loop = loop is None
        self.loop = loop if loop is not None else Loop()
        self.facades: list[SyncFacade] = []
        self.asked = 0  # facades asked for, made or refused (a constructor's error)
        self._stack = AsyncExitStack()
        # id -> (boto3 client, its service, its keywords); the client is kept alive.
        self._emulator_clients: dict[int, tuple[Any, FakeOptimizationService, dict[str, Any]]] = {}

    def _keep(self, facade: SyncFacade) -> SyncFacade:
        self.facades.append(facade)
        return facade

    def in_process(
        self,
        service: FakeOptimizationService,
        *,
        retry_policy: RetryPolicy | None = None,
        **client_kwargs: Any,
    ) -> SyncFacade:
        self.asked += 1
        facade = SyncFacade.in_process(
            service, retry_policy=retry_policy, loop=self.loop, **client_kwargs
        )
        return self._keep(facade)

    def over_http(
        self, url: str, *, config: Config = NO_RETRIES, retry_policy: RetryPolicy | None = None
    ) -> SyncFacade:
        self.asked += 1
        facade = SyncFacade.over_http(url, config=config, retry_policy=retry_policy, loop=self.loop)
        return self._keep(facade)

    def open(self, context: AbstractAsyncContextManager[T]) -> T:
        """Enter ``context`` (an aiobotocore client's) on the loop, until :meth:`close`."""
        return self.loop.run(self._stack.enter_async_context(context))

    def wire_client(self, retries: int = 1) -> Any:
        """``wire_support.make_boto_client``'s twin: an aiobotocore SageMaker client, dummy
        credentials, botocore retries off by default, open until :meth:`close`."""
        if not _SESSION:
            _SESSION.append(importlib.import_module("aiobotocore.session").get_session())
        config = Config(retries={"total_max_attempts": retries, "mode": "standard"})
        return self.open(
            _SESSION[0].create_client(
                "sagemaker",
                region_name=REGION,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                config=config,
            )
        )

    # -- the sync loops' stand-ins (optjob_sdk.waiting's functions), for tests on a script

    def scripted(
        self,
        describe: Callable[[str], DescribeOptimizationJobResponse],
        list_page: Callable[[dict[str, Any]], ListOptimizationJobsResponse] | None = None,
    ) -> SyncFacade:
        """A facade on an async client whose DescribeOptimizationJob (and list page) calls
        are a test script's plain functions: the async client's own wait, wait_many and
        as_completed, their async loops, on the script's fake account."""
        client = AsyncOptimizationJobClient(_NO_SAGEMAKER)

        async def describe_async(name: str) -> DescribeOptimizationJobResponse:
            return describe(name)

        # The async client's own seams: what wait and the sweep call for each poll.
        client._describe_for_wait = describe_async  # type: ignore[method-assign]
        if list_page is not None:
            page = list_page

            async def list_page_async(params: dict[str, Any]) -> ListOptimizationJobsResponse:
                return page(params)

            client._parsed_list_page = list_page_async  # type: ignore[method-assign]
        return self._keep(SyncFacade(client, self.loop))

    def wait_for_job(
        self, describe: Callable[[str], DescribeOptimizationJobResponse], name: str, **kwargs: Any
    ) -> DescribeOptimizationJobResponse:
        """``optjob_sdk.waiting.wait_for_job``'s stand-in: ``AsyncOptimizationJobClient.wait``."""
        self.asked += 1
        return self.scripted(describe).wait(name, **kwargs)

    def jobs_as_completed(
        self,
        describe: Callable[[str], DescribeOptimizationJobResponse],
        list_page: Callable[[dict[str, Any]], ListOptimizationJobsResponse],
        names: Iterable[str],
        **kwargs: Any,
    ) -> Iterator[DescribeOptimizationJobResponse]:
        """``optjob_sdk.waiting.jobs_as_completed``'s stand-in:
        ``AsyncOptimizationJobClient.as_completed``."""
        self.asked += 1
        return self.scripted(describe, list_page).as_completed(names, **kwargs)

    def wait_for_jobs(
        self,
        describe: Callable[[str], DescribeOptimizationJobResponse],
        list_page: Callable[[dict[str, Any]], ListOptimizationJobsResponse],
        names: Iterable[str],
        **kwargs: Any,
    ) -> dict[str, DescribeOptimizationJobResponse]:
        """``optjob_sdk.waiting.wait_for_jobs``'s: ``AsyncOptimizationJobClient.wait_many``."""
        self.asked += 1
        return self.scripted(describe, list_page).wait_many(names, **kwargs)

    def track_emulator_clients(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Remember every boto3 client ``FakeOptimizationService.client`` makes from now."""
        from optjob_sdk.testing import FakeOptimizationService

        made = FakeOptimizationService.client

        def client(service: FakeOptimizationService, **kwargs: Any) -> Any:
            sagemaker = made(service, **kwargs)
            self._emulator_clients[id(sagemaker)] = (sagemaker, service, kwargs)
            return sagemaker

        monkeypatch.setattr(FakeOptimizationService, "client", client)

    def __call__(
        self,
        sagemaker_client: Any = None,
        *,
        retry_policy: RetryPolicy | None = None,
        **settings: Any,
    ) -> SyncFacade:
        self.asked += 1
        if sagemaker_client is None:
            return self._keep(SyncFacade.own(loop=self.loop, retry_policy=retry_policy, **settings))
        made = self._emulator_clients.get(id(sagemaker_client))
        if made is not None:
            _, service, kwargs = made
            facade = SyncFacade.opened(
                lambda: service.aio_client(**kwargs),
                loop=self.loop,
                retry_policy=retry_policy,
                **settings,
            )
            return self._keep(facade)
        if type(sagemaker_client).__module__.startswith("aiobotocore"):
            facade = SyncFacade.on(
                sagemaker_client, self.loop, retry_policy=retry_policy, **settings
            )
            return self._keep(facade)
        raise TypeError(
            f"the facade cannot drive {type(sagemaker_client).__name__}: an emulator's "
            "boto3 client (with the stand tracking them) or an aiobotocore client"
        )

    def close(self) -> None:
        try:
            for facade in reversed(self.facades):
                facade.close()
            if not self.loop.closed:
                self.loop.run(self._stack.aclose())
        finally:
            if self._owns_loop:
                self.loop.close()


@pytest.fixture
def facade_loop() -> Loop | None:
    """The loop the ``stand`` runs on: none here (a stand of its own, one per test); a
    module whose aiobotocore clients live longer than a test overrides it."""
    return None


@pytest.fixture
def stand(monkeypatch: pytest.MonkeyPatch, facade_loop: Loop | None) -> Iterator[Stand]:
    """One test's :class:`Stand`, closed after it (import it into a test module)."""
    made = Stand(facade_loop)
    made.track_emulator_clients(monkeypatch)
    try:
        yield made
        # Every re-run test went through the async client, not a sync one it built itself.
        assert made.asked, "this test asked for no facade: is OptimizationJobClient rebound?"
    finally:
        made.close()


def exclude(namespace: dict[str, Any], reasons: dict[str, str]) -> None:
    """Take the sync tests named in ``reasons`` (name: why it cannot run through a facade)
    out of a test module's ``namespace``, so that pytest does not collect them there. A
    name that is not a test function there is an error: exclusions cannot go stale."""
    for name, reason in reasons.items():
        assert reason, name
        test = namespace.pop(name)
        assert name.startswith("test_"), name
        assert callable(test), name


# -- for a module whose wire lives as long as the module (Hypothesis runs many examples on
#    one): import these instead of facade_loop, and a wire fixture on them.


@pytest.fixture(scope="module", name="facade_loop")
def module_facade_loop() -> Iterator[Loop]:
    """``facade_loop`` for the whole module: each test's ``stand`` runs on it."""
    loop = Loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module", name="wire")
def module_wire(facade_loop: Loop) -> Iterator[AioWire]:
    """``wire_support``'s module-scoped ``wire``, on an aiobotocore client."""
    opened = Stand(facade_loop)
    try:
        yield AioWire(opened.wire_client())
    finally:
        opened.close()


@pytest.fixture(name="wire")
def wire_per_test(stand: Stand) -> AioWire:
    """``wire`` for one test, on its stand's loop."""
    return AioWire(stand.wire_client())


@pytest.fixture(name="fresh_wire")
def fresh_aio_wire(wire: AioWire) -> AioWire:
    """``wire_support.fresh_wire``: the wire, reset to answer ``200 {}``."""
    wire.reset(lambda op, body: (200, {}))
    return wire
