"""What one API call is, apart from sending it: the request's parameters, the checks before
it, and what its failure becomes. Shared by the sync and the async client, which differ only
in how they send (``method(**params.build())``, awaited or not)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Final

from optjob_sdk import _codec
from optjob_sdk._botocore_logs import begin_call, end_call, known_secrets, scrub_exception
from optjob_sdk._client_compat import FIELD_NAMES
from optjob_sdk._errors_map import is_transient, map_error
from optjob_sdk._validation import check
from optjob_sdk.converter import to_dict, validate
from optjob_sdk.errors import JobNotFoundError, ValidationError
from optjob_sdk.models import (
    CreateOptimizationJobRequest,
    DeleteOptimizationJobRequest,
    DescribeOptimizationJobRequest,
    StopOptimizationJobRequest,
)

__all__ = [
    "CREATE",
    "DELETE",
    "DESCRIBE",
    "LIST",
    "STOP",
    "Params",
    "body",
    "check_client",
    "check_name",
    "list_subject",
    "mapped_errors",
    "named",
    "transient_or_not_found",
]

logger = logging.getLogger("optjob_sdk")

CREATE: Final = "CreateOptimizationJob"
DESCRIBE: Final = "DescribeOptimizationJob"
LIST: Final = "ListOptimizationJobs"
STOP: Final = "StopOptimizationJob"
DELETE: Final = "DeleteOptimizationJob"

NameRequest = type[
    DescribeOptimizationJobRequest | StopOptimizationJobRequest | DeleteOptimizationJobRequest
]


class Params:
    """A request's keyword arguments, built when the call is made; ``repr`` shows none.

    Request bodies hold environment maps, whose values may be secrets: a frame that keeps
    one as a local shows it to anything that captures locals (Sentry, ``pytest -l``) while
    the call waits on the network.
    """

    __slots__ = ("_build", "_data", "secrets")

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        build: Callable[[], dict[str, Any]] | None = None,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self._data = data
        self._build = build
        self.secrets = secrets  # values to mask in botocore's records of this call

    def build(self) -> dict[str, Any]:
        if self._build is not None:
            return self._build()
        return self._data if self._data is not None else {}

    def __repr__(self) -> str:
        return "<request parameters: not shown>"

    __str__ = __repr__


def body(request: CreateOptimizationJobRequest) -> Params:
    """CreateOptimizationJob's parameters, the request validated on the way: raises
    :class:`ValidationError` (nothing sent) listing every problem. Its secrets are known,
    for botocore's records of the call to mask.

    One pass over a valid request checks it, serialises it and collects its secrets
    (the generated ``_codec``); only a request with something to report or warn about is
    walked again, to explain all of it."""
    secrets: list[str] = []
    try:
        data = _codec.check_CreateOptimizationJobRequest(request, secrets)
    except _codec.Fallback:
        validate(request)
        data, secrets = to_dict(request), list(known_secrets(request))
    return Params(data, secrets=tuple(secrets))


def named(name: str) -> Params:
    """The parameters of a call that names one job."""
    return Params({"OptimizationJobName": name})


def list_subject(params: dict[str, Any]) -> str:
    """What a List call's DEBUG line names: the page size (filters may be anything)."""
    return f"MaxResults={params.get('MaxResults')}"


def check_client(client: object, *, asynchronous: bool) -> None:
    """``TypeError`` unless ``client`` is a SageMaker client of the kind the SDK client
    drives: boto3's (sync) or aiobotocore's (async, ``asynchronous``), ready to call. Caught
    at construction, the mistake names the right class instead of failing at the first
    call with an error about awaiting (or not awaiting) a dict or a coroutine. Stand-ins
    (mocks, fakes) that are neither are taken as they are."""
    try:
        callable_client = hasattr(client, "describe_optimization_job")
    except Exception:  # a stand-in whose lookups fail on purpose: taken as it is
        callable_client = True
    if not callable_client:
        hint = ""
        if hasattr(client, "__aenter__"):
            hint = (
                ": this is aiobotocore's client context manager, not the client; enter it "
                "first (`async with session.create_client('sagemaker') as sm:`)"
            )
        raise TypeError(
            f"sagemaker_client must be a SageMaker client, not {type(client).__name__}{hint}"
        )
    # By the class's package: aiobotocore's methods are not all coroutine functions to
    # inspect (they are wrapped), but its client classes all come from aiobotocore.
    packages = {cls.__module__.partition(".")[0] for cls in type(client).__mro__}
    if "aiobotocore" in packages:
        if not asynchronous:
            raise TypeError(
                "sagemaker_client is an aiobotocore (async) client: use it with "
                "AsyncOptimizationJobClient, or pass a boto3 client here"
            )
    elif "botocore" in packages and asynchronous:
        raise TypeError(
            "sagemaker_client is a boto3 (sync) client: use it with OptimizationJobClient, "
            "or pass an aiobotocore client here (or let `async with "
            "AsyncOptimizationJobClient(...)` make one)"
        )


def check_name(request_cls: NameRequest, name: str) -> None:
    """:class:`ValidationError` (nothing sent) unless ``name`` is a valid job name."""
    problems = check(request_cls(optimization_job_name=name))
    if problems:
        raise ValidationError(problems, subject=request_cls.__name__)


def transient_or_not_found(error: BaseException) -> bool:
    """Worth asking again while checking a retried create: the job may not be visible yet."""
    return isinstance(error, JobNotFoundError) or is_transient(error)


class mapped_errors:  # lower case: it was a function, `with mapped_errors(...)` stays
    """Around one botocore call (sync or awaited): botocore's DEBUG records of it get their
    secrets masked, its exception becomes the SDK's (the original as ``__cause__``), and one
    DEBUG line says what it was (operation, subject, outcome, time), never the body.

    A class, not a generator-based context manager: it is entered on every call, and this
    costs a third as much."""

    __slots__ = ("endpoint", "operation", "params", "start", "subject", "token")

    def __init__(self, operation: str, params: Params, subject: str, endpoint: str) -> None:
        self.operation = operation
        self.params = params
        self.subject = subject
        self.endpoint = endpoint

    def __enter__(self) -> None:
        self.start = time.perf_counter()
        self.token = begin_call(self.params.secrets)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if error is None:
                if logger.isEnabledFor(logging.DEBUG):
                    _log(self.operation, self.subject, "ok", self.start)
                return
            if not isinstance(error, Exception):
                return  # cancellation (an async task), Ctrl-C: as they are
            secrets = self.params.secrets
            scrub_exception(error, secrets)
            mapped = map_error(
                error, operation=self.operation, endpoint=self.endpoint, field_names=FIELD_NAMES
            )
            if mapped is None:
                return  # not botocore's: a bug to see as it is
            if logger.isEnabledFor(logging.DEBUG):
                code = getattr(mapped, "code", "")
                outcome = f"{type(mapped).__name__}{f' ({code})' if code else ''}"
                _log(self.operation, self.subject, outcome, self.start)
            raise mapped from error
        finally:
            # Whatever the outcome, cancellation and Ctrl-C included.
            end_call(self.token)


def _log(operation: str, subject: str, outcome: str, start: float) -> None:
    # Only the operation, the job name (or the page size), the outcome and the duration:
    # request bodies carry environment maps, whose values may be secrets.
    elapsed = (time.perf_counter() - start) * 1000
    logger.debug("%s %s: %s in %.1f ms", operation, subject, outcome, elapsed)
