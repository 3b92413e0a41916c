"""tests/client/test_paging.py, the very same tests, against the async client's
``list``/``by_page`` (through :class:`~sync_facade.SyncFacade`, one ``anext`` a step, so
laziness and call counts are the async pager's), on ``wire_support.Wire`` over an
aiobotocore client. The wire lives for the module, as there (Hypothesis runs many examples
on one); so does the loop it is open on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sync_facade import AioWire, FacadeJobPager, Loop, Stand, exclude, stand

import client.test_paging as sync_tests
from client.test_paging import *  # noqa: F403

__all__ = ["stand"]

exclude(
    globals(),
    {
        "test_retry_policy_refuses_nonsense": "RetryPolicy alone, no client: the same class "
        "for both clients",
    },
)


@pytest.fixture(autouse=True)
def _async_client(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "OptimizationJobClient", stand)
    monkeypatch.setattr(sync_tests, "JobPager", FacadeJobPager)


@pytest.fixture(scope="module")
def facade_loop() -> Iterator[Loop]:
    loop = Loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def _module_stand(facade_loop: Loop) -> Iterator[Stand]:
    """Where the module's wire client is open."""
    opened = Stand(facade_loop)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def wire(_module_stand: Stand) -> AioWire:
    return AioWire(_module_stand.wire_client())


@pytest.fixture
def fresh_wire(wire: AioWire) -> AioWire:
    wire.reset(lambda op, body: (200, {}))
    return wire
