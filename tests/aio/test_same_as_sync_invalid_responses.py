"""tests/client/test_invalid_responses.py, the very same tests, against the async client:
answers aiobotocore's parser chokes on are InvalidResponseErrors, and the async ``wait`` and
``list`` ride them out. The wire and the emulator's client are aiobotocore ones; the raw
answers the tests make are given as aiobotocore reads them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from sync_facade import Stand, aio_aws_response, facade_loop, fresh_aio_wire, stand, wire_per_test

import client.test_invalid_responses as sync_tests
from client.test_invalid_responses import *  # noqa: F403
from optjob_sdk.testing import FakeOptimizationService

__all__ = ["facade_loop", "fresh_aio_wire", "stand", "wire_per_test"]


@pytest.fixture(autouse=True)
def _async_client(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "OptimizationJobClient", stand)
    monkeypatch.setattr(sync_tests, "AWSResponse", aio_aws_response)

    def emulator_client(service: FakeOptimizationService, garble: Any) -> Any:
        # The sync module's helper, on the emulator's aiobotocore client.
        sagemaker = stand.open(service.aio_client(config=Config(retries={"total_max_attempts": 1})))
        sagemaker.meta.events.register(f"before-parse.sagemaker.{garble.operation}", garble)
        return sagemaker

    monkeypatch.setattr(sync_tests, "emulator_client", emulator_client)
