"""Properties of the error mapping: every code to its class, nothing raw from botocore leaks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from botocore import exceptions as bx  # type: ignore[import-untyped]
from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st
from wire_support import Answer, Wire, error_body, load_example

from optjob_sdk import (
    ConnectionFailedError,
    CreateOptimizationJobRequest,
    JobAlreadyExistsError,
    JobNotFoundError,
    OptimizationJobClient,
    OptjobError,
    ResourceLimitExceededError,
    ServiceError,
    ThrottlingError,
    from_dict,
)
from optjob_sdk.errors import ConfigurationError, ServiceValidationError
from optjob_sdk.paging import RetryPolicy

SETTINGS = settings(max_examples=60, deadline=None)

# Written out here, independently of the SDK's table.
EXPECTED: dict[str, type[ServiceError]] = {
    "ResourceNotFound": JobNotFoundError,
    "ResourceInUse": JobAlreadyExistsError,
    "ResourceLimitExceeded": ResourceLimitExceededError,
    "ValidationException": ServiceValidationError,
    "Throttling": ThrottlingError,
    "ThrottlingException": ThrottlingError,
    "ThrottledException": ThrottlingError,
    "RequestThrottledException": ThrottlingError,
    "TooManyRequestsException": ThrottlingError,
    "RequestLimitExceeded": ThrottlingError,
    "SlowDown": ThrottlingError,
}

OTHER_CODES = st.from_regex(r"[A-Z][A-Za-z]{2,30}", fullmatch=True).filter(
    lambda code: (
        code not in EXPECTED
        and "Throttl" not in code
        and "Limit" not in code
        and code not in {"SlowDown", "PriorRequestNotComplete", "TransactionInProgressException"}
        and not code.startswith(("ResourceNotFound", "ResourceInUse", "Validation"))
    )
)

NAME = "llama3-8b-awq-2026-11-24"


def operations(client: OptimizationJobClient) -> dict[str, Callable[[], object]]:
    request = from_dict(CreateOptimizationJobRequest, load_example("awq-quantization"))
    return {
        "create": lambda: client.create(attrs.evolve(request)),
        "describe": lambda: client.describe(NAME),
        "list": lambda: list(client.list()),
        "stop": lambda: client.stop(NAME),
        "delete": lambda: client.delete(NAME),
    }


OPERATION_NAMES = st.sampled_from(["create", "describe", "list", "stop", "delete"])


def no_retries(wire: Wire) -> OptimizationJobClient:
    return OptimizationJobClient(wire.client, retry_policy=RetryPolicy(max_attempts=1))


def outcome(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except BaseException as error:
        return error
    raise AssertionError("no error was raised")


@SETTINGS
@given(
    code=st.sampled_from(sorted(EXPECTED)) | OTHER_CODES,
    status=st.sampled_from([400, 403, 404, 409]),
    operation=OPERATION_NAMES,
    message=st.text(st.characters(codec="ascii", categories=["L", "N", "Zs"]), max_size=40),
)
def test_every_service_error_code_maps_to_its_class(
    wire: Wire, code: str, status: int, operation: str, message: str
) -> None:
    wire.reset(lambda op, body: (status, error_body(code, message)))
    error = outcome(operations(no_retries(wire))[operation])
    assert type(error) is EXPECTED.get(code, ServiceError)
    assert isinstance(error, ServiceError)
    assert error.code == code
    assert error.http_status == status
    assert error.request_id == "req-1"
    assert isinstance(error.__cause__, bx.ClientError)


def test_429_and_5xx_without_a_known_code() -> None:
    from optjob_sdk._errors_map import error_class_for, is_transient

    assert error_class_for("Whatever", 429) is ThrottlingError
    assert error_class_for("InternalFailure", 500) is ServiceError
    assert is_transient(ServiceError("x", http_status=503))
    assert not is_transient(ServiceError("x", http_status=400))


def _raise(error: Exception) -> Callable[[str, dict[str, Any]], Answer]:
    def handler(operation: str, body: dict[str, Any]) -> Answer:
        raise error

    return handler


URL = "https://api.sagemaker.us-west-2.amazonaws.com/"

#: botocore failures at the transport (raised where the HTTP send happens) and the
#: SDK class each must come out as.
TRANSPORT_ERRORS: list[tuple[Exception, type[OptjobError]]] = [
    (bx.EndpointConnectionError(endpoint_url=URL), ConnectionFailedError),
    (bx.ConnectionClosedError(endpoint_url=URL), ConnectionFailedError),
    (bx.ReadTimeoutError(endpoint_url=URL), ConnectionFailedError),
    (bx.ConnectTimeoutError(endpoint_url=URL), ConnectionFailedError),
    (bx.ProxyConnectionError(proxy_url="http://proxy:3128"), ConnectionFailedError),
    (bx.HTTPClientError(error="reset by peer"), ConnectionFailedError),
    (bx.NoCredentialsError(), ConfigurationError),
    (
        bx.PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
        ConfigurationError,
    ),
    (bx.IncompleteReadError(actual_bytes=1, expected_bytes=2), ServiceError),
]

BROKEN_ANSWERS: list[Answer] = [
    (500, {"__type": "InternalFailure"}),
    (503, {}),
    (429, {"__type": "TooManyRequestsException", "message": "slow down"}),
    (400, {"__type": "ResourceLimitExceeded"}),
]


@SETTINGS
@given(
    kind=st.sampled_from(range(len(TRANSPORT_ERRORS) + len(BROKEN_ANSWERS))),
    operation=OPERATION_NAMES,
)
def test_no_raw_botocore_exception_leaks(wire: Wire, kind: int, operation: str) -> None:
    expected: type[OptjobError]
    if kind < len(TRANSPORT_ERRORS):
        failure, expected = TRANSPORT_ERRORS[kind]
        wire.reset(_raise(failure))
    else:
        answer = BROKEN_ANSWERS[kind - len(TRANSPORT_ERRORS)]
        expected = ServiceError
        wire.reset(lambda op, body: answer)
    error = outcome(operations(no_retries(wire))[operation])
    assert isinstance(error, expected)
    assert type(error).__module__ == "optjob_sdk.errors"
    assert not isinstance(error, bx.BotoCoreError)
    assert not isinstance(error, bx.ClientError)
    assert isinstance(error.__cause__, (bx.BotoCoreError, bx.ClientError))


def test_a_connection_error_names_the_endpoint(fresh_wire: Wire) -> None:
    fresh_wire.reset(_raise(bx.ReadTimeoutError(endpoint_url=URL)))
    error = outcome(lambda: no_retries(fresh_wire).describe(NAME))
    assert isinstance(error, ConnectionFailedError)
    assert error.endpoint == URL
    assert error.operation == "DescribeOptimizationJob"
    assert URL in str(error)


def test_an_unparseable_answer_is_a_service_error(fresh_wire: Wire) -> None:
    # Not JSON at all: botocore's parser makes an empty answer of it; the SDK reports a
    # broken answer as the service's fault, not as a ValidationError of the request.
    from wire_support import _Raw

    def garbage(request: Any, **_: Any) -> Any:
        return AWSResponse(request.url, 200, {}, _Raw(b"<html>proxy error</html>"))

    client = no_retries(fresh_wire)
    fresh_wire.client.meta.events.register_first("before-send.sagemaker", garbage)
    try:
        error = outcome(lambda: client.describe(NAME))
    finally:
        fresh_wire.client.meta.events.unregister("before-send.sagemaker", garbage)
    assert isinstance(error, ServiceError)
    assert error.code == "InvalidResponse"
    assert error.operation == "DescribeOptimizationJob"
    assert "optimization_job_arn" in str(error)


def test_answer_carries_what_identifies_the_services_answer() -> None:
    error = JobNotFoundError(
        "no such job",
        code="ResourceNotFound",
        request_id="r-1",
        http_status=400,
        operation="DescribeOptimizationJob",
    )
    again = JobNotFoundError("said otherwise", **error.answer)
    assert (again.code, again.request_id, again.http_status, again.operation) == (
        "ResourceNotFound",
        "r-1",
        400,
        "DescribeOptimizationJob",
    )
    assert again.message == "said otherwise"
