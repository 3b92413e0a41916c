"""Answers botocore's parser chokes on are `InvalidResponseError`s, and `wait`/`list` ride
them out like any transient fault."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from wire_support import Wire, load_example

from optjob_sdk import (
    CreateOptimizationJobRequest,
    JobStatus,
    OptimizationJobClient,
    ServiceError,
    from_dict,
)
from optjob_sdk._errors_map import is_transient
from optjob_sdk.errors import InvalidResponseError
from optjob_sdk.paging import RetryPolicy
from optjob_sdk.testing import FakeOptimizationService

NAME = "llama3-8b-awq-2026-11-24"


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def raw_answer(status: int, body: bytes) -> Callable[..., AWSResponse]:
    def send(request: Any, **_: Any) -> AWSResponse:
        headers = {"x-amzn-RequestId": "req-raw", "Content-Type": "application/x-amz-json-1.1"}
        return AWSResponse(request.url, status, headers, _Raw(body))

    return send


def awq_request() -> CreateOptimizationJobRequest:
    return from_dict(CreateOptimizationJobRequest, load_example("awq-quantization"))


def calls(client: OptimizationJobClient) -> dict[str, Callable[[], object]]:
    return {
        "CreateOptimizationJob": lambda: client.create(awq_request()),
        "DescribeOptimizationJob": lambda: client.describe(NAME),
        "ListOptimizationJobs": lambda: list(client.list()),
        "StopOptimizationJob": lambda: client.stop(NAME),
        "DeleteOptimizationJob": lambda: client.delete(NAME),
    }


OPERATIONS = (
    "CreateOptimizationJob",
    "DescribeOptimizationJob",
    "ListOptimizationJobs",
    "StopOptimizationJob",
    "DeleteOptimizationJob",
)

#: Bodies botocore's JSON parser raises a plain Python exception for, whatever the operation.
ANY_OPERATION: list[tuple[int, bytes, type[Exception]]] = [
    (200, b"null", AttributeError),
    (200, b"[]", AttributeError),
    (200, b"[1, 2]", AttributeError),
    (200, b'"a string"', AttributeError),
    (400, b"null", AttributeError),
    (500, b"[]", AttributeError),
]

#: Timestamps botocore cannot read (DescribeOptimizationJob has timestamps at the top).
BAD_TIMESTAMPS: list[tuple[bytes, type[Exception]]] = [
    (b'{"CreationTime": "garbage"}', ValueError),
    (b'{"CreationTime": 1e20}', RuntimeError),
    (b'{"CreationTime": -1e20}', RuntimeError),
    (b'{"CreationTime": [1]}', ValueError),
]


@pytest.mark.parametrize(
    ("operation", "status", "body", "raised"),
    [
        (operation, status, body, raised)
        for operation in OPERATIONS
        for status, body, raised in ANY_OPERATION
        # Stop and Delete answer nothing on success: botocore reads no body then.
        if status != 200 or operation not in ("StopOptimizationJob", "DeleteOptimizationJob")
    ],
)
def test_an_answer_botocore_cannot_parse_is_an_invalid_response(
    fresh_wire: Wire, operation: str, status: int, body: bytes, raised: type[Exception]
) -> None:
    send = raw_answer(status, body)
    events = fresh_wire.client.meta.events
    events.register_first("before-send.sagemaker", send)
    client = OptimizationJobClient(fresh_wire.client, retry_policy=RetryPolicy(max_attempts=1))
    try:
        with pytest.raises(ServiceError) as caught:
            calls(client)[operation]()
    finally:
        events.unregister("before-send.sagemaker", send)
    error = caught.value
    assert isinstance(error, InvalidResponseError)
    assert error.code == "InvalidResponse"
    assert error.operation == operation
    assert error.http_status == status
    assert error.request_id == "req-raw"
    assert type(error.__cause__) is raised
    assert error.message in str(error)
    assert is_transient(error)


@pytest.mark.parametrize(("body", "raised"), BAD_TIMESTAMPS)
def test_a_timestamp_botocore_cannot_read_is_an_invalid_response(
    fresh_wire: Wire, body: bytes, raised: type[Exception]
) -> None:
    send = raw_answer(200, body)
    events = fresh_wire.client.meta.events
    events.register_first("before-send.sagemaker", send)
    try:
        with pytest.raises(InvalidResponseError) as caught:
            OptimizationJobClient(fresh_wire.client).describe(NAME)
    finally:
        events.unregister("before-send.sagemaker", send)
    assert caught.value.http_status == 200
    assert type(caught.value.__cause__) is raised


def test_a_bug_outside_the_parser_is_not_disguised(fresh_wire: Wire) -> None:
    # A handler of the user's own that breaks is a bug to see as it is, not the service's.
    def broken(**_: Any) -> None:
        raise AttributeError("a bug in a user's event handler")

    events = fresh_wire.client.meta.events
    events.register("before-call.sagemaker", broken)
    try:
        with pytest.raises(AttributeError):
            OptimizationJobClient(fresh_wire.client).describe(NAME)
    finally:
        events.unregister("before-call.sagemaker", broken)


class GarbleOnce:
    """A before-parse handler that replaces the body of the service's ``nth`` answer to
    ``operation`` by ``body`` (the service saw and handled the request)."""

    def __init__(self, operation: str, body: bytes, nth: int = 1) -> None:
        self.operation = operation
        self.body = body
        self.nth = nth
        self.seen = 0

    def __call__(self, response_dict: dict[str, Any], **_: Any) -> None:
        self.seen += 1
        if self.seen == self.nth:
            response_dict["body"] = self.body


def emulator_client(service: FakeOptimizationService, garble: GarbleOnce) -> Any:
    sagemaker = service.client(config=Config(retries={"total_max_attempts": 1}))
    sagemaker.meta.events.register(f"before-parse.sagemaker.{garble.operation}", garble)
    return sagemaker


@pytest.mark.parametrize(
    "body", [b"null", b'{"CreationTime": "garbage"}', b'{"CreationTime": 1e20}']
)
def test_one_garbled_describe_does_not_end_a_healthy_wait(body: bytes) -> None:
    service = FakeOptimizationService(seed=0)
    garble = GarbleOnce("DescribeOptimizationJob", body, nth=3)
    client = OptimizationJobClient(emulator_client(service, garble))
    client.create(awq_request())
    job = client.wait(
        NAME, sleep=service.advance, clock=service.monotonic, progress=False, poll_interval=30
    )
    assert job.optimization_job_status == JobStatus.COMPLETED
    assert garble.seen > 3  # the garbled answer came, and the wait went on


@pytest.mark.parametrize("body", [b"null", b"[]", b'{"OptimizationJobSummaries": {"a": 1}}'])
def test_one_garbled_page_still_lists_every_job_once(body: bytes) -> None:
    service = FakeOptimizationService(seed=0)
    garble = GarbleOnce("ListOptimizationJobs", body, nth=2)
    sleeps: list[float] = []
    client = OptimizationJobClient(
        emulator_client(service, garble), retry_policy=RetryPolicy(sleep=sleeps.append)
    )
    request = awq_request()
    names = [f"job-{index:03d}" for index in range(25)]
    for name in names:
        client.create(
            from_dict(
                CreateOptimizationJobRequest,
                {**load_example("awq-quantization"), "OptimizationJobName": name},
            )
        )
    assert request.optimization_job_name not in names
    listed = [summary.optimization_job_name for summary in client.list(page_size=10)]
    assert sorted(listed) == names
    assert len(listed) == len(set(listed))
    assert len(sleeps) == 1  # one retry, with a backoff
    assert garble.seen == 4  # pages 1, 2 (garbled), 2 again, 3


def test_an_answer_the_model_cannot_read_is_transient_too(fresh_wire: Wire) -> None:
    # botocore parses it, but a required member is missing: the same kind of fault.
    fresh_wire.reset(lambda op, body: (200, {"OptimizationJobSummaries": [{"Bogus": 1}]}))
    sleeps: list[float] = []
    client = OptimizationJobClient(
        fresh_wire.client, retry_policy=RetryPolicy(max_attempts=3, sleep=sleeps.append)
    )
    with pytest.raises(InvalidResponseError):
        list(client.list())
    assert fresh_wire.operations() == ["ListOptimizationJobs"] * 3
    assert len(sleeps) == 2
