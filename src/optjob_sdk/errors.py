"""The exception hierarchy: every error the SDK raises derives from :class:`OptjobError`.

Raw botocore and tenacity exceptions never leave the public API; where one caused an SDK
error it is kept as ``__cause__``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from optjob_sdk.models import DescribeOptimizationJobResponse, OptimizationJobSummary

__all__ = [
    "ConfigurationError",
    "ConnectionFailedError",
    "CreateOutcomeUnknownError",
    "FieldError",
    "InvalidResponseError",
    "JobAlreadyExistsError",
    "JobFailedError",
    "JobNotFoundError",
    "JobStoppedError",
    "OptjobError",
    "PaginationError",
    "ResourceLimitExceededError",
    "ServiceError",
    "ServiceValidationError",
    "ThrottlingError",
    "ValidationError",
    "WaitTimeoutError",
]


class OptjobError(Exception):
    """Base class of every exception raised by optjob-sdk."""


@attrs.frozen
class FieldError:
    """One broken constraint: where (a snake_case field path) and what.

    ``path`` is empty for a problem with the request as a whole.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ValidationError(OptjobError, ValueError):
    """A model or request breaks the service's constraints; nothing was sent.

    ``errors`` lists the problems found, each with its field path in snake_case
    (``output_config.s3_output_location``): every one of them, up to the first 1,000
    (a broken file can hold hundreds of thousands); ``total`` counts them all. The message
    shows the first :attr:`SHOWN` and says how many more there are.
    """

    #: How many problems the message lists.
    SHOWN = 20

    def __init__(
        self, errors: Iterable[FieldError], *, subject: str = "request", total: int | None = None
    ) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        self.total: int = max(total if total is not None else 0, len(self.errors))
        count = self.total
        head = f"{count:,} problem{'s' if count != 1 else ''} in the {subject}"
        lines = [f"  - {error}" for error in self.errors[: self.SHOWN]]
        if count > len(lines):
            lines.append(f"  ... and {count - len(lines):,} more")
        super().__init__(f"{head}:\n" + "\n".join(lines) if self.errors else head)


class ServiceError(OptjobError):
    """The service answered with an error.

    Carries the service's ``code`` and ``message``, the ``request_id`` to quote to AWS
    support and the ``http_status``; botocore's ``ClientError`` is the ``__cause__``.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        request_id: str | None = None,
        http_status: int | None = None,
        operation: str | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        self.http_status = http_status
        self.operation = operation
        parts = [f"{code}: {message}" if code else message]
        details: list[str] = []
        if operation:
            details.append(f"operation {operation}")
        if http_status is not None:
            details.append(f"HTTP {http_status}")
        if request_id:
            details.append(f"request id {request_id}")
        if details:
            parts.append(f"({', '.join(details)})")
        super().__init__(" ".join(parts))

    @property
    def answer(self) -> dict[str, Any]:
        """``code``, ``request_id``, ``http_status`` and ``operation``: the keywords for
        another :class:`ServiceError` that reports the same answer in other words."""
        return {
            "code": self.code,
            "request_id": self.request_id,
            "http_status": self.http_status,
            "operation": self.operation,
        }


class JobNotFoundError(ServiceError):
    """The service knows no optimization job of that name (ResourceNotFound)."""


class JobAlreadyExistsError(ServiceError):
    """A job of that name exists already (ResourceInUse)."""


class ResourceLimitExceededError(ServiceError):
    """An account quota was reached (ResourceLimitExceeded)."""


class ThrottlingError(ServiceError):
    """The service kept throttling the calls after every retry."""


class ConnectionFailedError(ServiceError):
    """The endpoint could not be reached, or stopped answering, after every retry."""

    def __init__(self, message: str, *, endpoint: str | None = None, operation: str | None = None):
        self.endpoint = endpoint
        super().__init__(message, code="ConnectionFailed", operation=operation)


class InvalidResponseError(ServiceError):
    """The service's answer could not be read: not a JSON object, a timestamp such as
    ``"garbage"`` or ``1e20``, a member of the wrong type, a required member missing.

    Its ``code`` is ``"InvalidResponse"``; the exception botocore's parser (or the SDK's
    converter) raised is the ``__cause__``. Nothing says the request failed on the service:
    ``wait`` and ``list`` treat it as transient and ask again; for ``create``, describe the
    job before creating it again.
    """

    def __init__(
        self,
        message: str,
        *,
        request_id: str | None = None,
        http_status: int | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(
            message,
            code="InvalidResponse",
            request_id=request_id,
            http_status=http_status,
            operation=operation,
        )


class CreateOutcomeUnknownError(ServiceError):
    """A create whose first answer was lost, whose retry met ResourceInUse, and whose check of
    the existing job failed: that job may well be the one this call created.

    ``code`` is the retry's (``ResourceInUse``); ``conflict`` is that
    :class:`JobAlreadyExistsError`, ``__cause__`` the error of the describe that was to tell.
    Describe the job (``job_name``) before creating it again: it may be running, and billing.
    """

    def __init__(self, message: str, *, job_name: str, conflict: JobAlreadyExistsError) -> None:
        self.job_name = job_name
        self.conflict = conflict
        super().__init__(message, **conflict.answer)


class PaginationError(OptjobError):
    """The service's pagination misbehaved (a repeated ``NextToken``)."""


class JobFailedError(OptjobError):
    """``wait`` saw the job reach FAILED. ``job`` is its last description."""

    def __init__(self, job: DescribeOptimizationJobResponse) -> None:
        self.job = job
        self.failure_reason: str | None = job.failure_reason
        reason = self.failure_reason or "no reason given"
        super().__init__(f"optimization job {job.optimization_job_name!r} FAILED: {reason}")


class JobStoppedError(OptjobError):
    """``wait`` saw the job reach STOPPED. ``job`` is its last description."""

    def __init__(self, job: DescribeOptimizationJobResponse) -> None:
        self.job = job
        super().__init__(
            f"optimization job {job.optimization_job_name!r} was STOPPED: {_why_stopped(job)}"
        )


def _why_stopped(job: DescribeOptimizationJobResponse) -> str:
    # The service gives no reason for STOPPED; say what can stop a job, and when the run
    # reached its own MaxRuntimeInSeconds, say that this is what stopped it.
    if job.failure_reason:
        return job.failure_reason
    limit = job.stopping_condition.max_runtime_in_seconds
    start, end = job.optimization_start_time, job.optimization_end_time
    ran = (end - start).total_seconds() if start is not None and end is not None else None
    if limit is not None and ran is not None and ran >= limit:
        return f"it reached its StoppingCondition.MaxRuntimeInSeconds ({limit} s)"
    return "a StopOptimizationJob request stopped it (no reason given by the service)"


class WaitTimeoutError(OptjobError, TimeoutError):
    """``wait`` (or ``wait_many``/``as_completed``) reached its deadline while a job was
    still running.

    The jobs go on running on the service. ``timeout`` is the limit the wait was given
    (``None``: the jobs' own bounds), ``elapsed`` the time it really spent (the message's
    figure: a wait whose next poll cannot fit before the deadline ends earlier).

    For one job: ``name`` and ``last_job``, its last description (``None`` if none was ever
    received). For many: ``names`` lists the jobs still running, in the order given
    (``name`` is the first of them, ``last_job`` is ``None``); ``last_seen`` maps each to
    what was last learnt of it (a description, a list summary, or ``None``); ``ended`` holds
    the last descriptions of the jobs that did end before the deadline, so that a sweep's
    results are not lost with it.
    """

    def __init__(
        self,
        name: str,
        elapsed: float,
        last_job: DescribeOptimizationJobResponse | None,
        *,
        timeout: float | None = None,
    ) -> None:
        self.name = name
        self.elapsed = elapsed
        self.timeout = timeout
        self.last_job = last_job
        self.names: tuple[str, ...] = (name,)
        self.last_seen: Mapping[
            str, DescribeOptimizationJobResponse | OptimizationJobSummary | None
        ] = {name: last_job}
        self.ended: Mapping[str, DescribeOptimizationJobResponse] = {}
        if last_job is None:
            # Every Describe failed (transiently): the job's state is not known.
            state = (
                "without a single description (every call failed transiently); the job "
                "may still be running on the service"
            )
        else:
            state = (
                f"(last status {last_job.optimization_job_status}); the job is still "
                "running on the service"
            )
        super().__init__(
            f"gave up waiting for optimization job {name!r} after {elapsed:g}s {state}. "
            f"Stop it with `optjob stop {name}` or OptimizationJobClient.stop({name!r})."
        )

    @classmethod
    def for_many(
        cls,
        running: Mapping[str, DescribeOptimizationJobResponse | OptimizationJobSummary | None],
        ended: Mapping[str, DescribeOptimizationJobResponse],
        elapsed: float,
        *,
        timeout: float | None = None,
    ) -> WaitTimeoutError:
        """The error of a many-job wait: ``running`` maps each job still running (in the
        order given) to what was last learnt of it, ``ended`` the jobs that did end."""
        names = tuple(running)
        error = cls.__new__(cls)
        error.name = names[0]
        error.elapsed = elapsed
        error.timeout = timeout
        error.last_job = None  # for many, see last_seen
        error.names = names
        error.last_seen = dict(running)
        error.ended = dict(ended)
        shown = ", ".join(repr(n) for n in names[:_NAMES_SHOWN])
        more = f" and {len(names) - _NAMES_SHOWN} more" if len(names) > _NAMES_SHOWN else ""
        total = len(names) + len(ended)
        OptjobError.__init__(
            error,
            f"gave up waiting after {elapsed:g}s: {len(names)} of {total} optimization jobs "
            f"still running on the service: {shown}{more}; {len(ended)} ended (see .ended)",
        )
        return error


#: How many names a many-job WaitTimeoutError's message lists.
_NAMES_SHOWN = 10


class ServiceValidationError(ServiceError):
    """The service refused the request as invalid (``ValidationException``).

    Client-side validation (:class:`ValidationError`) catches every constraint of the
    service model before sending; this is the service's own, server-side verdict (rules
    the model cannot express, such as combinations of techniques or an unknown role).
    """


class ConfigurationError(OptjobError):
    """The local AWS setup is incomplete or broken: no credentials, no region, a missing profile.

    Raised instead of botocore's ``NoCredentialsError``/``NoRegionError`` (kept as
    ``__cause__``); nothing reached the service.
    """
