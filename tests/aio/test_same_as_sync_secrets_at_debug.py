"""tests/client/test_secrets_at_debug.py, the very same tests, against the async client:
secrets stay out of botocore's DEBUG records of the async client's calls (aiobotocore logs
through botocore's loggers) and out of its coroutines' frame locals; other clients' records
and the user's logging setup are left alone."""

from __future__ import annotations

import pytest
from sync_facade import Stand, exclude, facade_loop, fresh_aio_wire, stand, wire_per_test

import client.test_secrets_at_debug as sync_tests
from client.test_secrets_at_debug import *  # noqa: F403

__all__ = ["facade_loop", "fresh_aio_wire", "stand", "wire_per_test"]

_NO_CLIENT = "the log filter alone (begin_call, _FILTER), no client: the same for both clients"

exclude(
    globals(),
    {
        "test_a_logged_body_keeps_the_keys_and_masks_every_value_but_option": _NO_CLIENT,
        "test_a_body_that_is_not_json_but_names_an_environment_is_not_shown": _NO_CLIENT,
    },
)


@pytest.fixture(autouse=True)
def _async_client(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "OptimizationJobClient", stand)
