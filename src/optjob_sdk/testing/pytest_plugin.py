"""pytest plugin (registered through the ``pytest11`` entry point): emulator fixtures.

``optjob_service`` is a fresh :class:`~optjob_sdk.testing.FakeOptimizationService` per test;
``optjob_sagemaker_client`` is a boto3 SageMaker client answered by it, with botocore's own
retries turned off so that injected faults reach your code at once; ``optjob_service_url``
is the same ``optjob_service`` served over HTTP on 127.0.0.1 (its URL), for clients that
take an endpoint: aiobotocore, other processes, ``optjob --endpoint-url``.

Async tests (with pytest-asyncio) make their client in a fixture of their own, in-process
through ``optjob_service.aio_client()`` or over HTTP at ``optjob_service_url``; sleeping on
the emulator's clock, hours of service time pass in milliseconds (``my_request``: a fixture
of yours giving a ``CreateOptimizationJobRequest``; docs/testing.md runs this recipe)::

    import pytest
    import pytest_asyncio

    from optjob_sdk import AsyncOptimizationJobClient


    @pytest_asyncio.fixture
    async def client(optjob_service):  # in-process: no socket
        async with optjob_service.aio_client() as sm:
            yield AsyncOptimizationJobClient(sm)


    @pytest_asyncio.fixture
    async def http_client(optjob_service_url):  # or over HTTP, as in production
        async with AsyncOptimizationJobClient(endpoint_url=optjob_service_url) as client:
            yield client


    @pytest.mark.asyncio
    async def test_deploy(client, optjob_service, my_request):
        await client.create(my_request)
        job = await client.wait(
            my_request.optimization_job_name,
            sleep=optjob_service.advance_async,
            clock=optjob_service.monotonic,
        )
        assert job.optimization_job_status == "COMPLETED"
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from optjob_sdk.testing._service import FakeOptimizationService

__all__ = ["optjob_sagemaker_client", "optjob_service", "optjob_service_url"]


@pytest.fixture
def optjob_service() -> FakeOptimizationService:
    """A fresh emulator with a virtual clock, started at the current time."""
    return FakeOptimizationService(seed=0)


@pytest.fixture
def optjob_sagemaker_client(optjob_service: FakeOptimizationService) -> Any:
    """A real boto3 SageMaker client answered by ``optjob_service`` (no retries)."""
    from botocore.config import Config

    return optjob_service.client(config=Config(retries={"total_max_attempts": 1}))


@pytest.fixture
def optjob_service_url(optjob_service: FakeOptimizationService) -> Iterator[str]:
    """``optjob_service`` served over HTTP on 127.0.0.1 (a free port): its URL.

    The same service object: advance its clock, set outcomes, inject faults and count calls
    through ``optjob_service``. A plain fixture (no event loop needed); the server stops at
    the end of the test.
    """
    with optjob_service.serve() as url:
        yield url
