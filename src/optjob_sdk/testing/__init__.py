"""An in-process emulator of the SageMaker AI optimization-job service, for tests.

No AWS account, no network: :class:`FakeOptimizationService` answers a real boto3 client
in-process (at botocore's ``before-send`` hook) or over HTTP on 127.0.0.1, checks requests
against botocore's service model as the service does, and runs jobs on a virtual clock.
It is the server side: it imports none of the SDK's models, converter or client, so a bug
there cannot hide behind the same bug here.

>>> from optjob_sdk.testing import FakeOptimizationService
>>> service = FakeOptimizationService()
>>> sm = service.client()
>>> sm.describe_optimization_job(OptimizationJobName="nope")
Traceback (most recent call last):
...
botocore.errorfactory.ResourceNotFound: ... Optimization job nope does not exist.

Async code (the ``aio`` extra): ``service.aio_client()`` is aiobotocore's client context
manager, answered in-process the same way, and ``service.advance_async`` is the async
client's ``sleep=``; over HTTP, ``service.serve()`` serves both.

The pytest plugin gives a fresh service per test as the ``optjob_service`` fixture, a boto3
client on it as ``optjob_sagemaker_client`` and its HTTP URL as ``optjob_service_url``.
"""

from __future__ import annotations

from optjob_sdk.testing._scenario import ScenarioError
from optjob_sdk.testing._service import FAULT_KINDS, Durations, FakeOptimizationService, Fault
from optjob_sdk.testing._transport import serve_forever

__all__ = [
    "FAULT_KINDS",
    "Durations",
    "FakeOptimizationService",
    "Fault",
    "ScenarioError",
    "serve_forever",
]
