"""tests/waiter/test_waiter.py, the very same tests, against the async client's wait: the
scripted job of waiter_support answers the async client's own ``wait``
(:meth:`~sync_facade.Stand.scripted`), so that its tenacity ``AsyncRetrying`` loop meets
every schedule, deadline, grace, fault, Ctrl-C and recreation the sync loop meets."""

from __future__ import annotations

import pytest
from sync_facade import Stand, exclude, facade_loop, stand

import waiter.test_waiter as sync_tests
from optjob_sdk import waiting
from optjob_sdk.aio import waiting as aio_waiting
from waiter.test_waiter import *  # noqa: F403

__all__ = ["facade_loop", "stand"]

exclude(
    globals(),
    {
        "test_own_bound_reads_the_stopping_condition": "waiting.own_bound alone, no loop: "
        "the same function for both clients",
        "test_stopped_message_names_the_runtime_limit_when_that_stopped_it": "JobStoppedError's "
        "message alone, no loop",
        "test_wait_arguments_are_floats_or_a_validation_error": "waiting.check_wait_arguments "
        "alone, no loop: the same function for both clients",
    },
)


@pytest.fixture(autouse=True)
def _async_loop(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "wait_for_job", stand.wait_for_job)
    monkeypatch.setattr(sync_tests, "OptimizationJobClient", stand)

    async def real_sleep(seconds: float) -> None:
        # The async loop's real sleep is the sync loop's, as the test set it (a recorder).
        waiting._real_sleep(seconds)

    monkeypatch.setattr(aio_waiting, "_real_sleep", real_sleep)
