"""pytest plugin (registered through the ``pytest11`` entry point): emulator fixtures.

``optjob_service`` is a fresh :class:`~optjob_sdk.testing.FakeOptimizationService` per test;
``optjob_sagemaker_client`` is a boto3 SageMaker client answered by it, with botocore's own
retries turned off so that injected faults reach your code at once.
"""

from __future__ import annotations

from typing import Any

import pytest

from optjob_sdk.testing._service import FakeOptimizationService

__all__ = ["optjob_sagemaker_client", "optjob_service"]


@pytest.fixture
def optjob_service() -> FakeOptimizationService:
    """A fresh emulator with a virtual clock, started at the current time."""
    return FakeOptimizationService(seed=0)


@pytest.fixture
def optjob_sagemaker_client(optjob_service: FakeOptimizationService) -> Any:
    """A real boto3 SageMaker client answered by ``optjob_service`` (no retries)."""
    from botocore.config import Config

    return optjob_service.client(config=Config(retries={"total_max_attempts": 1}))
