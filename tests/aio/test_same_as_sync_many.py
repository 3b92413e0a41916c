"""tests/waiter/test_many.py, the very same tests, against the async client's sweep: the
scripted account of many_support answers the async client's own ``wait_many`` and
``as_completed`` (:meth:`~sync_facade.Stand.scripted`), whose async loop drives the shared
bookkeeping; the single waiter the tests compare with is the async one too."""

from __future__ import annotations

import sys

import pytest
from sync_facade import Stand, exclude, facade_loop, stand

import waiter.test_many as sync_tests
from waiter.test_many import *  # noqa: F403

__all__ = ["facade_loop", "stand"]

exclude(
    globals(),
    {
        "test_the_names_common_substring": "_many.common_substring alone, no loop",
        "test_common_substring_is_in_every_name_and_none_longer_is": "_many.common_substring "
        "alone, no loop",
    },
)


@pytest.fixture(autouse=True)
def _async_loops(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "wait_for_jobs", stand.wait_for_jobs)
    many_support = sys.modules[sync_tests.World.__module__]
    monkeypatch.setattr(many_support, "jobs_as_completed", stand.jobs_as_completed)
    monkeypatch.setattr(many_support, "wait_for_job", stand.wait_for_job)
