"""Plain boto3 against the emulator, over both transports; no SDK code involved."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import botocore.session
import pytest

from boto3_support import NO_RETRIES, http_client
from examples import EXAMPLES
from optjob_sdk.testing import FakeOptimizationService

MODEL = botocore.session.get_session().get_service_model("sagemaker")


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return data


def request(name: str = "job-1", **changes: Any) -> dict[str, Any]:
    data = example("awq-quantization")
    data["OptimizationJobName"] = name
    data.update(changes)
    return data


@pytest.fixture
def service() -> FakeOptimizationService:
    return FakeOptimizationService(seed=1)


@pytest.fixture(params=["in-process", "http"])
def sm(request: pytest.FixtureRequest, service: FakeOptimizationService) -> Iterator[Any]:
    """A boto3 SageMaker client on the emulator, through each transport in turn."""
    if request.param == "in-process":
        yield service.client(config=NO_RETRIES)
        return
    with service.serve() as url:
        yield http_client(url)


def conforms(shape: Any, value: Any, path: str = "") -> list[str]:
    """Problems with a parsed boto3 output against botocore's output shape."""
    problems: list[str] = []
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: not a structure"]
        for name in shape.required_members:
            if name not in value:
                problems.append(f"{path}.{name}: required member missing")
        for name, item in value.items():
            if name == "ResponseMetadata" and not path:
                continue
            if name not in shape.members:
                problems.append(f"{path}.{name}: not in the output shape")
            else:
                problems += conforms(shape.members[name], item, f"{path}.{name}")
    elif kind == "list":
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        for index, item in enumerate(value):
            problems += conforms(shape.member, item, f"{path}[{index}]")
    elif kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: not a map"]
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: not a string")
        elif "enum" in shape.metadata and value not in shape.metadata["enum"]:
            problems.append(f"{path}: {value!r} not in the enum")
    elif kind == "timestamp":
        if not isinstance(value, datetime):
            problems.append(f"{path}: not a timestamp")
    elif kind in ("integer", "long"):
        if not isinstance(value, int):
            problems.append(f"{path}: not an integer")
    elif kind == "boolean" and not isinstance(value, bool):
        problems.append(f"{path}: not a boolean")
    return problems


def check_output(operation: str, response: dict[str, Any]) -> None:
    shape = MODEL.operation_model(operation).output_shape
    if shape is None:
        assert set(response) <= {"ResponseMetadata"}
        return
    assert conforms(shape, response) == []
    assert response["ResponseMetadata"]["RequestId"]
