"""tests/e2e/test_end_to_end.py, the very same tests, against the async client: client,
paging and waiter through a :class:`~sync_facade.SyncFacade`, in-process and over HTTP,
botocore retries off (``client``) and on (``retrying_client``) as there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.config import Config
from sync_facade import Stand, SyncFacade, facade_loop, stand

import e2e.test_end_to_end as sync_tests
from boto3_support import NO_RETRIES
from e2e.test_end_to_end import *  # noqa: F403
from optjob_sdk import RetryPolicy
from optjob_sdk.testing import FakeOptimizationService

__all__ = ["facade_loop", "stand"]


@pytest.fixture(autouse=True)
def _async_client(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "OptimizationJobClient", stand)


@pytest.fixture
def service() -> FakeOptimizationService:
    return FakeOptimizationService(seed=3)


def _facade(
    request: pytest.FixtureRequest,
    service: FakeOptimizationService,
    stand: Stand,
    config: Config,
) -> Iterator[SyncFacade]:
    no_sleep = RetryPolicy(sleep=lambda _: None)
    if request.param == "in-process":
        yield stand.in_process(service, config=config, retry_policy=no_sleep)
        return
    with service.serve() as url:
        facade = stand.over_http(url, config=config, retry_policy=no_sleep)
        yield facade
        facade.close()


@pytest.fixture(params=["in-process", "http"])
def client(
    request: pytest.FixtureRequest, service: FakeOptimizationService, stand: Stand
) -> Iterator[SyncFacade]:
    yield from _facade(request, service, stand, NO_RETRIES)


@pytest.fixture(params=["in-process", "http"])
def retrying_client(
    request: pytest.FixtureRequest, service: FakeOptimizationService, stand: Stand
) -> Iterator[SyncFacade]:
    """botocore's own retries on (standard mode): a lost answer is retried by aiobotocore."""
    config = Config(retries={"mode": "standard", "total_max_attempts": 3})
    yield from _facade(request, service, stand, config)
