"""tests/client/test_errors.py, the very same tests, against the async client: every
service error code, transport failure and broken answer comes out of every async operation
as the same SDK error, never a raw botocore one; on ``wire_support.Wire`` over an
aiobotocore client, which lives for the module, as there (Hypothesis)."""

from __future__ import annotations

import pytest
from sync_facade import (
    Stand,
    aio_aws_response,
    exclude,
    fresh_aio_wire,
    module_facade_loop,
    module_wire,
    stand,
)

import client.test_errors as sync_tests
from client.test_errors import *  # noqa: F403

__all__ = ["fresh_aio_wire", "module_facade_loop", "module_wire", "stand"]

exclude(
    globals(),
    {
        "test_429_and_5xx_without_a_known_code": "the error table alone (_errors_map), no "
        "client: the same for both clients",
        "test_answer_carries_what_identifies_the_services_answer": "an error class alone, no "
        "client",
    },
)


@pytest.fixture(autouse=True)
def _async_client(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "OptimizationJobClient", stand)
    monkeypatch.setattr(sync_tests, "AWSResponse", aio_aws_response)
