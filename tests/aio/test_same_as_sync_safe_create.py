"""tests/client/test_safe_create.py, the very same tests, against the async client: a
create whose answer was lost, retried by aiobotocore into ResourceInUse, returns the ARN of
the job it created, and only that job's. The emulator's clients are aiobotocore ones."""

from __future__ import annotations

import types
from typing import Any

import pytest
from botocore.config import Config
from sync_facade import Stand, SyncFacade, aio_aws_response, exclude, facade_loop, stand

import client.test_safe_create as sync_tests
from client.test_safe_create import *  # noqa: F403
from optjob_sdk.paging import RetryPolicy
from optjob_sdk.testing import FakeOptimizationService

__all__ = ["facade_loop", "stand"]

_NO_CLIENT = (
    "compares a request with a description (_reconcile.differences), no client: the same "
    "function for both clients"
)

exclude(
    globals(),
    {
        "test_any_request_is_the_same_as_its_echo": _NO_CLIENT,
        "test_any_request_differs_from_another_role": _NO_CLIENT,
        "test_the_job_a_request_created_is_the_same": _NO_CLIENT,
        "test_a_job_created_before_the_call_is_not": _NO_CLIENT,
        "test_a_job_that_differs_names_the_member_never_its_value": _NO_CLIENT,
        "test_vpc_subnets_and_security_groups_are_sets": _NO_CLIENT,
        "test_members_the_request_leaves_unset_are_not_compared": _NO_CLIENT,
    },
)


@pytest.fixture(autouse=True)
def _async_client(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "OptimizationJobClient", stand)
    monkeypatch.setattr(sync_tests, "AWSResponse", aio_aws_response)

    def retrying_client(
        service: FakeOptimizationService, *, sleeps: list[float] | None = None
    ) -> tuple[SyncFacade, Any]:
        # The sync module's helper, on the emulator's aiobotocore client.
        policy = RetryPolicy(sleep=(sleeps if sleeps is not None else []).append)
        config = Config(retries={"mode": "standard", "total_max_attempts": 3})
        facade = stand.in_process(service, config=config, retry_policy=policy)
        return facade, facade.sagemaker_client

    monkeypatch.setattr(sync_tests, "retrying_client", retrying_client)


@pytest.fixture(autouse=True)
def no_aiobotocore_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sync module's no_botocore_backoff, for aiobotocore (which awaits its backoff)."""

    async def no_sleep(seconds: float) -> None:
        return None

    # aiobotocore.endpoint uses its `asyncio` only to sleep before a retry (by name: importing
    # aiobotocore.endpoint first is a circular import on aiobotocore 2.23).
    monkeypatch.setattr("aiobotocore.endpoint.asyncio", types.SimpleNamespace(sleep=no_sleep))
