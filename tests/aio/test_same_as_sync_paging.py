"""tests/client/test_paging.py, the very same tests, against the async client's
``list``/``by_page`` (through :class:`~sync_facade.SyncFacade`, one ``anext`` a step, so
laziness and call counts are the async pager's), on ``wire_support.Wire`` over an
aiobotocore client. The wire lives for the module, as there (Hypothesis runs many examples
on one); so does the loop it is open on."""

from __future__ import annotations

import pytest
from sync_facade import (
    FacadeJobPager,
    Stand,
    exclude,
    fresh_aio_wire,
    module_facade_loop,
    module_wire,
    stand,
)

import client.test_paging as sync_tests
from client.test_paging import *  # noqa: F403

__all__ = ["fresh_aio_wire", "module_facade_loop", "module_wire", "stand"]

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
