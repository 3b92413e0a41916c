"""tests/waiter/test_waiter_emulator.py, the very same tests, against the async client: its
fixtures here give a :class:`~sync_facade.SyncFacade` (in-process and over HTTP), and the
clients it builds inline are facades too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sync_facade import Stand, SyncFacade, exclude, facade_loop, stand

import waiter.test_waiter_emulator as sync_tests
from boto3_support import NO_RETRIES
from optjob_sdk.testing import FakeOptimizationService
from waiter.test_waiter_emulator import *  # noqa: F403

__all__ = ["facade_loop", "stand"]

exclude(
    globals(),
    {
        "test_the_docstring_examples_run": "runs the doctests of optjob_sdk.waiting, the sync "
        "loop's module: no client to swap",
    },
)


@pytest.fixture(autouse=True)
def _async_client(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "OptimizationJobClient", stand)


@pytest.fixture
def service() -> FakeOptimizationService:
    return FakeOptimizationService(seed=7)  # as tests/waiter/conftest.py


@pytest.fixture(params=["in-process", "http"])
def client(
    request: pytest.FixtureRequest, service: FakeOptimizationService, stand: Stand
) -> Iterator[SyncFacade]:
    if request.param == "in-process":
        yield stand.in_process(service, config=NO_RETRIES)
        return
    with service.serve() as url:
        facade = stand.over_http(url)
        yield facade
        facade.close()
