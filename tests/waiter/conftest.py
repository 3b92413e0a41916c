"""The waiters' end-to-end fixtures: an emulator, and a client on it (retries off) both
in-process and over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from boto3_support import NO_RETRIES, http_client
from optjob_sdk import OptimizationJobClient
from optjob_sdk.testing import FakeOptimizationService


@pytest.fixture
def service() -> FakeOptimizationService:
    return FakeOptimizationService(seed=7)


@pytest.fixture(params=["in-process", "http"])
def client(
    request: pytest.FixtureRequest, service: FakeOptimizationService
) -> Iterator[OptimizationJobClient]:
    if request.param == "in-process":
        yield OptimizationJobClient(service.client(config=NO_RETRIES))
        return
    with service.serve() as url:
        yield OptimizationJobClient(http_client(url))
