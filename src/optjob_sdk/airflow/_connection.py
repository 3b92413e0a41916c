"""The SDK's clients, from an Airflow AWS connection (through the Amazon provider's hook).

Credentials, region, endpoint (the connection's ``endpoint_url`` extra), retries and the
rest of botocore's config come from the connection, exactly as for Airflow's own AWS
operators; the SDK wraps the botocore client the hook makes.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from optjob_sdk.aio.client import AsyncOptimizationJobClient
    from optjob_sdk.client import OptimizationJobClient

__all__ = ["async_client", "sync_client"]


def _hook(aws_conn_id: str | None, region_name: str | None) -> Any:
    # Here, not at import: a DAG file importing the operator must not pay for the hook
    # (and boto3) at every parse.
    from airflow.providers.amazon.aws.hooks.base_aws import (  # pyright: ignore[reportMissingTypeStubs]
        AwsBaseHook,
    )

    return AwsBaseHook(aws_conn_id=aws_conn_id, region_name=region_name, client_type="sagemaker")


def sync_client(aws_conn_id: str | None, region_name: str | None) -> OptimizationJobClient:
    """An :class:`~optjob_sdk.OptimizationJobClient` on the connection's boto3 client."""
    from optjob_sdk.client import OptimizationJobClient

    return OptimizationJobClient(_hook(aws_conn_id, region_name).conn)


@asynccontextmanager
async def async_client(
    aws_conn_id: str | None, region_name: str | None
) -> AsyncGenerator[AsyncOptimizationJobClient]:
    """An :class:`~optjob_sdk.AsyncOptimizationJobClient` on the connection's aiobotocore
    client, closed on leaving. The hook reads the connection in a thread (the provider's
    ``get_async_conn``), so that a triggerer's event loop is never blocked by it."""
    from optjob_sdk.aio.client import AsyncOptimizationJobClient

    hook = _hook(aws_conn_id, region_name)
    async with (
        await hook.get_async_conn() as sagemaker,
        AsyncOptimizationJobClient(sagemaker) as client,
    ):
        yield client
