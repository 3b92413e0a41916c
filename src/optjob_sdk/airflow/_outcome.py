"""How a wait ends, as a JSON-ready event, and what the task does with it.

One place, no I/O, for the three ways a wait runs (the operator in the worker, the trigger
in the triggerer, the sensor): each turns its description or its error into an event with
:func:`job_event` / :func:`error_event`, and :func:`conclude` turns an event into the
task's result (the description, the XCom value) or its failure.

An event is ``{"status", "job_name", "message", "description"}``: ``status`` is one of
:data:`STATUSES`; ``description`` the job's last description as JSON-ready data (wire
names, ISO-8601 times, environment values masked as ``repr`` masks them: Airflow stores
events and XComs in its database and shows them in its UI), or ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, cast

from optjob_sdk._json import jsonable
from optjob_sdk.airflow._compat import AirflowException, AirflowFailException, AirflowSensorTimeout
from optjob_sdk.errors import JobFailedError, JobStoppedError, WaitTimeoutError

if TYPE_CHECKING:
    from optjob_sdk.models import DescribeOptimizationJobResponse

__all__ = ["STATUSES", "conclude", "error_event", "job_event"]

SUCCESS: Final = "success"
FAILED: Final = "failed"
STOPPED: Final = "stopped"
TIMEOUT: Final = "timeout"
ERROR: Final = "error"
#: What an event's ``status`` may be.
STATUSES: Final = (SUCCESS, FAILED, STOPPED, TIMEOUT, ERROR)


def description(job: DescribeOptimizationJobResponse) -> dict[str, Any]:
    """The job's description as JSON-ready data, environment values masked."""
    data: dict[str, Any] = jsonable(job)
    return data


def job_event(job: DescribeOptimizationJobResponse) -> dict[str, Any]:
    """The event of a wait that saw the job COMPLETED."""
    name = job.optimization_job_name
    return {
        "status": SUCCESS,
        "job_name": name,
        "message": f"optimization job {name!r} COMPLETED",
        "description": description(job),
    }


def error_event(job_name: str, error: BaseException) -> dict[str, Any]:
    """The event of a wait that ended in ``error`` (FAILED, STOPPED, its deadline, or an
    error no retry got past)."""
    last: DescribeOptimizationJobResponse | None = None
    if isinstance(error, (JobFailedError, JobStoppedError)):
        status, message, last = (
            FAILED if isinstance(error, JobFailedError) else STOPPED,
            str(error),
            error.job,
        )
    elif isinstance(error, WaitTimeoutError):
        status, message, last = TIMEOUT, str(error), error.last_job
    else:
        status, message = ERROR, f"{type(error).__name__}: {error}"
    return {
        "status": status,
        "job_name": job_name,
        "message": message,
        "description": None if last is None else description(last),
    }


def conclude(event: object, *, sensor: bool = False) -> dict[str, Any]:
    """The task's result for ``event``: the description when the job COMPLETED.

    FAILED and STOPPED raise :class:`AirflowFailException` (no retry: the outcome is final,
    and a retry would only take the same ended job over); the deadline raises
    :class:`AirflowException` (a retry takes the running job over and waits again) or, for
    a sensor, :class:`AirflowSensorTimeout` (as Airflow's sensors do); any other error
    :class:`AirflowException` (retried as the task's ``retries`` say).
    """
    payload: Mapping[str, object] = (
        cast("Mapping[str, object]", event) if isinstance(event, Mapping) else {}
    )
    status = payload.get("status")
    if status not in STATUSES:
        raise AirflowException(f"unexpected trigger event: {event!r}")
    message = str(payload.get("message", ""))
    if status == SUCCESS:
        result = payload.get("description")
        if not isinstance(result, dict):
            raise AirflowException(f"the trigger's event has no description: {event!r}")
        return cast("dict[str, Any]", result)
    if status in (FAILED, STOPPED):
        raise AirflowFailException(message)
    if status == TIMEOUT and sensor:
        raise AirflowSensorTimeout(message)
    raise AirflowException(message)
