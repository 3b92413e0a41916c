"""Plain boto3 clients for the tests: no retries, and one on an emulator's HTTP endpoint."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

#: The tests count calls, so botocore's own retries are off: every retry is the SDK's.
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def http_client(url: str, *, config: Config = NO_RETRIES) -> Any:
    """A boto3 SageMaker client on ``url`` (an emulator's ``serve()``), with dummy credentials.

    Typed ``Any``: the stubs type ``boto3.client`` per service, most of which are not installed.
    """
    client: Any = boto3.client(
        "sagemaker",
        endpoint_url=url,
        region_name="us-west-2",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=config,
    )
    return client
