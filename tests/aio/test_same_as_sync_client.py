"""tests/client/test_client.py, the very same tests, against the async client: the wire is
``wire_support.Wire`` on an aiobotocore client (:class:`~sync_facade.AioWire`), and the
``OptimizationJobClient`` and ``make_boto_client`` the tests call are the facade's
stand-ins."""

from __future__ import annotations

import pytest
from sync_facade import AioWire, Stand, exclude, facade_loop, fresh_aio_wire, stand, wire_per_test

import client.test_client as sync_tests
from client.test_client import *  # noqa: F403

__all__ = ["facade_loop", "fresh_aio_wire", "stand", "wire_per_test"]

exclude(
    globals(),
    {
        "test_no_region_is_a_configuration_error": "gives the client a boto3 Session: the "
        "sync constructor's (the async one takes an aiobotocore session)",
        "test_a_session_or_a_region_builds_the_client": "builds the client from a boto3 "
        "Session and reads sagemaker_client outside `async with`: the sync constructor's",
    },
)


@pytest.fixture(autouse=True)
def _async_client(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "OptimizationJobClient", stand)
    monkeypatch.setattr(sync_tests, "make_boto_client", stand.wire_client)
    monkeypatch.setattr(sync_tests, "Wire", AioWire)
