"""botocore's exceptions mapped onto the SDK's hierarchy, so that none of them leaks out.

botocore is imported inside the functions: they only run once a boto3 client exists (and so
botocore is loaded already), and this module must stay importable without paying for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, TypeVar

from optjob_sdk.converter import from_dict
from optjob_sdk.errors import (
    ConfigurationError,
    ConnectionFailedError,
    FieldError,
    InvalidResponseError,
    JobAlreadyExistsError,
    JobNotFoundError,
    OptjobError,
    ResourceLimitExceededError,
    ServiceError,
    ServiceValidationError,
    ThrottlingError,
    ValidationError,
)

__all__ = ["THROTTLING_CODES", "error_class_for", "is_transient", "map_error", "parse_response"]

M = TypeVar("M")

#: The error codes AWS services use for throttling (botocore's own retry table plus
#: SageMaker's spellings). All map to :class:`ThrottlingError`.
THROTTLING_CODES: Final = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)

_BY_CODE: Final[Mapping[str, type[ServiceError]]] = {
    "ResourceNotFound": JobNotFoundError,
    "ResourceNotFoundException": JobNotFoundError,
    "ResourceInUse": JobAlreadyExistsError,
    "ResourceInUseException": JobAlreadyExistsError,
    "ResourceLimitExceeded": ResourceLimitExceededError,
    "ValidationException": ServiceValidationError,
    "ValidationError": ServiceValidationError,
    **dict.fromkeys(THROTTLING_CODES, ThrottlingError),
}

#: botocore exception class names that mean the local AWS setup is broken.
_CONFIGURATION: Final = frozenset(
    {
        "NoCredentialsError",
        "PartialCredentialsError",
        "CredentialRetrievalError",
        "UnknownCredentialError",
        "NoRegionError",
        "ProfileNotFound",
        "ConfigNotFound",
        "ConfigParseError",
        "InvalidConfigError",
        "NoAuthTokenError",
        "TokenRetrievalError",
        "SSOError",
        "SSOTokenLoadError",
        "UnauthorizedSSOTokenError",
        "UnknownSignatureVersionError",
        "InvalidRegionError",
    }
)

_CONFIGURATION_HINT: Final = (
    "configure credentials and a region the way boto3 reads them (environment variables "
    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, ~/.aws/config, an instance "
    "role), or pass region_name=/session= to OptimizationJobClient"
)


def error_class_for(code: str, http_status: int | None = None) -> type[ServiceError]:
    """The SDK class for a service error code (``ServiceError`` for codes it doesn't know)."""
    cls = _BY_CODE.get(code)
    if cls is not None:
        return cls
    if http_status == 429:
        return ThrottlingError
    return ServiceError


def is_transient(error: BaseException) -> bool:
    """Whether a mapped error is worth retrying: throttling, 5xx, a dropped connection, an
    answer that could not be read (a proxy's page, a truncated or garbled body)."""
    if isinstance(error, (ThrottlingError, ConnectionFailedError, InvalidResponseError)):
        return True
    return (
        isinstance(error, ServiceError)
        and error.http_status is not None
        and error.http_status >= 500
    )


def map_error(
    error: BaseException,
    *,
    operation: str,
    endpoint: str | None,
    field_names: Mapping[str, str] | None = None,
) -> OptjobError | None:
    """The SDK error for a botocore exception, or ``None`` when it isn't botocore's.

    The caller raises the result ``from error`` so the original stays as ``__cause__``.
    """
    from botocore import exceptions as bx  # loaded already: a boto3 client exists
    from botocore.parsers import ResponseParserError

    if not isinstance(error, (bx.BotoCoreError, bx.ClientError)) and _raised_by_parser(error):
        return _unreadable_answer(error, operation)
    if isinstance(error, bx.ClientError):
        return _client_error(error, operation)
    if isinstance(error, bx.ParamValidationError):
        return _param_validation_error(error, operation, field_names or {})
    if isinstance(error, (bx.HTTPClientError, bx.ConnectionError)):
        where = getattr(error, "kwargs", {}).get("endpoint_url") or endpoint or "the endpoint"
        return ConnectionFailedError(
            f"could not reach {where} for {operation} after every retry: {error}",
            endpoint=str(where),
            operation=operation,
        )
    if isinstance(error, ResponseParserError):
        return InvalidResponseError(
            f"the service's answer could not be read ({error})", operation=operation
        )
    if isinstance(error, bx.BotoCoreError):
        name = type(error).__name__
        if name in _CONFIGURATION:
            return ConfigurationError(f"{error} ({operation}): {_CONFIGURATION_HINT}")
        # Anything else botocore raises (an unparseable answer, a checksum mismatch) is a
        # failed exchange with the service: report it as such, with botocore's words.
        return ServiceError(str(error), code=name, operation=operation)
    return None


def _raised_by_parser(error: BaseException) -> bool:
    """Whether ``error`` came out of botocore's response parser.

    botocore lets its parser's exceptions through as they are: a body of ``null`` or ``[]``
    is an ``AttributeError``, a timestamp ``"garbage"`` a ``ValueError``, ``1e20`` a
    ``RuntimeError``. Those are the service's fault, not a bug to show as it is; the
    traceback says where they were raised, whatever their type.
    """
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__") == "botocore.parsers":
            return True
        tb = tb.tb_next
    return False


def _unreadable_answer(error: BaseException, operation: str) -> InvalidResponseError:
    # The HTTP answer is still in botocore's endpoint frame: its status and request id are
    # what AWS support asks for.
    status: int | None = None
    request_id: str | None = None
    tb = error.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_globals.get("__name__") in ("botocore.endpoint", "aiobotocore.endpoint"):
            response = frame.f_locals.get("http_response")
            if response is not None:
                code = getattr(response, "status_code", None)
                status = code if isinstance(code, int) else None
                headers: Any = getattr(response, "headers", None) or {}
                found = headers.get("x-amzn-RequestId") or headers.get("x-amz-request-id")
                request_id = str(found) if found else None
        tb = tb.tb_next
    return InvalidResponseError(
        f"the service's answer could not be read ({type(error).__name__}: {error})",
        request_id=request_id,
        http_status=status,
        operation=operation,
    )


def _client_error(error: Any, operation: str) -> ServiceError:
    response: Mapping[str, Any] = error.response or {}
    details: Mapping[str, Any] = response.get("Error") or {}
    metadata: Mapping[str, Any] = response.get("ResponseMetadata") or {}
    code = str(details.get("Code") or "")
    message = str(details.get("Message") or "") or str(error)
    status_raw = metadata.get("HTTPStatusCode")
    status = int(status_raw) if isinstance(status_raw, int) else None
    request_id = metadata.get("RequestId") or None
    cls = error_class_for(code, status)
    return cls(
        message,
        code=code,
        request_id=str(request_id) if request_id else None,
        http_status=status,
        operation=str(getattr(error, "operation_name", None) or operation),
    )


def _param_validation_error(
    error: Any, operation: str, field_names: Mapping[str, str]
) -> ValidationError:
    # botocore's report: "Parameter validation failed:\n<one problem per line>", each line
    # naming the parameter by its wire path ("StoppingCondition.MaxPendingTimeInSeconds").
    report = str(getattr(error, "kwargs", {}).get("report") or error)
    problems: list[FieldError] = []
    for raw_line in report.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("Parameter validation failed"):
            continue
        path = _wire_path(line, field_names)
        problems.append(
            FieldError(
                path,
                f"the installed botocore refuses this ({line}); its model of {operation} is "
                "older than the one optjob-sdk checks against: upgrade boto3/botocore",
            )
        )
    return ValidationError(problems or [FieldError("", report)], subject=f"{operation} request")


def _wire_path(line: str, field_names: Mapping[str, str]) -> str:
    marker = "parameter "
    start = line.find(marker)
    if start < 0:
        return ""
    rest = line[start + len(marker) :]
    wire = rest.split(",", 1)[0].split(" ", 1)[0].strip()
    parts: list[str] = []
    for part in wire.split("."):
        name, bracket, index = part.partition("[")
        snake = field_names.get(name)
        if snake is None:
            # A map key (an environment variable name) or something botocore spells its
            # own way: keep it as written.
            parts.append(part)
            continue
        parts.append(snake + (bracket + index if bracket else ""))
    return ".".join(parts)


def parse_response(cls: type[M], raw: Mapping[str, Any], operation: str) -> M:
    """The model of a service answer; a structurally broken answer is a :class:`ServiceError`.

    (:func:`from_dict` raises :class:`ValidationError` for it, which would wrongly say the
    *request* was at fault and nothing was sent.)
    """
    try:
        return from_dict(cls, raw)
    except ValidationError as error:
        problems = "; ".join(str(problem) for problem in error.errors)
        metadata: Mapping[str, Any] = raw.get("ResponseMetadata") or {}
        request_id = metadata.get("RequestId")
        status = metadata.get("HTTPStatusCode")
        raise InvalidResponseError(
            f"the service's answer could not be read as a {cls.__name__}: {problems}",
            request_id=str(request_id) if request_id else None,
            http_status=status if isinstance(status, int) else None,
            operation=operation,
        ) from error
