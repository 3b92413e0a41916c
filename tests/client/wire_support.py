"""A fake service at the wire: a real boto3 client whose HTTP sends are answered in-process.

Requests go through botocore's real serializer (the JSON body is what would be sent) and
answers through its real parser, so these tests see exactly what boto3 would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]

from examples import EXAMPLES

REGION = "us-west-2"
ENDPOINT = f"https://api.sagemaker.{REGION}.amazonaws.com"

#: (status, JSON body) for one request: the handler answers or raises (a network error).
Answer = tuple[int, dict[str, Any]]
Handler = Callable[[str, dict[str, Any]], Answer]


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def error_body(code: str, message: str = "something went wrong") -> dict[str, Any]:
    return {"__type": code, "message": message}


class Wire:
    """Records every request (operation, JSON body) and answers with ``handler``."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.handler: Handler = lambda op, body: (200, {})
        client.meta.events.register("before-send.sagemaker", self._send)

    def reset(self, handler: Handler | None = None) -> None:
        self.requests.clear()
        if handler is not None:
            self.handler = handler

    def operations(self) -> list[str]:
        return [operation for operation, _ in self.requests]

    def _send(self, request: Any, **_: Any) -> AWSResponse:
        operation = request.headers["X-Amz-Target"].decode().split(".")[-1]
        body = json.loads(request.body or b"{}")
        self.requests.append((operation, body))
        status, payload = self.handler(operation, body)
        headers = {
            "x-amzn-RequestId": f"req-{len(self.requests)}",
            "Content-Type": "application/x-amz-json-1.1",
        }
        data = json.dumps(payload).encode()
        return AWSResponse(request.url, status, headers, _Raw(data))


def make_boto_client(retries: int = 1) -> Any:
    """A real boto3 SageMaker client with dummy credentials; botocore retries off by default."""
    return boto3.client(
        "sagemaker",
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": retries, "mode": "standard"}),
    )


@pytest.fixture(scope="module")
def wire() -> Wire:
    """One client per module (boto3 clients are slow to build); reset per use."""
    return Wire(make_boto_client())


@pytest.fixture
def fresh_wire(wire: Wire) -> Wire:
    wire.reset(lambda op, body: (200, {}))
    return wire


def load_example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return data


def installed_knows(client: Any, operation: str, *path: str) -> bool:
    """Whether the installed botocore's input shape has the member at ``path``."""
    shape = client.meta.service_model.operation_model(operation).input_shape
    for name in path:
        members = shape.members
        if name not in members:
            return False
        shape = members[name]
        if shape.type_name == "list":
            shape = shape.member
    return True
