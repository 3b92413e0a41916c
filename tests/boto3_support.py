"""Plain boto3 clients for the tests: no retries, and one on an emulator's HTTP endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from optjob_sdk import _endpoint

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


#: Every environment variable through which boto3 finds credentials, a region, a profile
#: or an endpoint.
AWS_SETUP_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SAGEMAKER",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
)


def forget_aws_setup(monkeypatch: pytest.MonkeyPatch, scratch: Path) -> None:
    """This process as on a machine with no AWS configuration at all (``scratch``: a
    directory in which the config and credentials files are missing)."""
    for name in AWS_SETUP_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(scratch / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(scratch / "no-credentials"))
    # Not an EC2 instance: without this, botocore's credential lookup asks the
    # instance-metadata address and waits for its time-outs.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # boto3's default session caches what it found, and so does the SDK's own (when boto3
    # has none): start from new ones, as a new process.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    monkeypatch.setattr(_endpoint, "_session", None)
