"""The waiter behind ``OptimizationJobClient.wait``: poll until the job ends, frugally.

Built on a ``tenacity.Retrying``: a result predicate (the status is not terminal) combined
with an exception predicate (a transient error), a stop that respects the deadline, a
capped exponential backoff with jitter, and ``before_sleep`` for logging. None of
tenacity's types reach the caller.

The rules, in short:

- one DescribeOptimizationJob call per poll; the first poll is immediate (an already
  finished job costs exactly one call);
- polls are at least ``poll_interval`` apart; the spacing grows by half each time, with up
  to 20 % jitter, to at most ``max_poll_interval``;
- throttling, 5xx answers, dropped connections and read timeouts are ridden out on the same
  schedule, whatever retries the boto3 client has;
- ResourceNotFound is tolerated for :data:`NOT_FOUND_GRACE` seconds from the first poll
  (the service is eventually consistent right after ``create``); a job that was seen and
  then disappears raises :class:`~optjob_sdk.JobNotFoundError` at once;
- ``timeout`` is a deadline: the waiter never sleeps past it, and gives up (with
  :class:`~optjob_sdk.WaitTimeoutError`) when the next poll could not happen in time;
- without ``timeout`` the wait is still bounded: by the job's own StoppingCondition (the
  service ends the job by then) plus :data:`TIMEOUT_MARGIN`.

Testing code that waits: pass ``sleep=`` and ``clock=``. With the emulator::

    client.wait(name, sleep=service.advance, clock=service.monotonic)

makes a two-hour job finish in milliseconds of real time.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Final

import tenacity

from optjob_sdk._errors_map import is_transient
from optjob_sdk._progress import make_progress
from optjob_sdk.enums import JobStatus
from optjob_sdk.errors import (
    JobFailedError,
    JobNotFoundError,
    JobStoppedError,
    WaitTimeoutError,
)
from optjob_sdk.models import DescribeOptimizationJobResponse

__all__ = [
    "DEFAULT_MAX_POLL_INTERVAL",
    "DEFAULT_RUNTIME_BOUND",
    "FIRST_CONTACT_LIMIT",
    "NOT_FOUND_GRACE",
    "TERMINAL_STATUSES",
    "TIMEOUT_MARGIN",
    "wait_for_job",
]

logger = logging.getLogger("optjob_sdk")

#: Statuses after which a job never changes again.
TERMINAL_STATUSES: Final = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPED})

#: The longest spacing between two polls, by default: a job's status changes a handful of
#: times in its life, so two minutes loses little and saves calls.
DEFAULT_MAX_POLL_INTERVAL: Final = 120.0

#: How long a ResourceNotFound is taken for "not visible yet" after the first poll.
NOT_FOUND_GRACE: Final = 60.0

#: With ``timeout=None``: added to the job's own limits (MaxRuntimeInSeconds, plus
#: MaxPendingTimeInSeconds when set). The service ends the job at its limit, then takes
#: time to stop it and to publish the final status; fifteen minutes covers that with room
#: to spare, while still ending a wait on a service that never answers "done".
TIMEOUT_MARGIN: Final = 900.0

#: With ``timeout=None`` and no MaxRuntimeInSeconds in the job's StoppingCondition.
DEFAULT_RUNTIME_BOUND: Final = 86400.0

#: With ``timeout=None``: how long transient errors may last before a first description.
FIRST_CONTACT_LIMIT: Final = 900.0

_GROWTH: Final = 1.5
_JITTER: Final = 0.2


class _NotVisibleYet(Exception):
    """ResourceNotFound inside the grace period: worth another poll."""

    def __init__(self, error: JobNotFoundError) -> None:
        super().__init__(str(error))
        self.error = error


def _worth_another_poll(error: BaseException) -> bool:
    # The same transient errors as the paginator retries, plus "not visible yet".
    return isinstance(error, _NotVisibleYet) or is_transient(error)


def _status(job: DescribeOptimizationJobResponse) -> str:
    return str(job.optimization_job_status)


def _is_terminal(job: DescribeOptimizationJobResponse) -> bool:
    return job.optimization_job_status in TERMINAL_STATUSES


def _own_bound(job: DescribeOptimizationJobResponse) -> float:
    """Seconds from the job's creation by which the service must have ended it, + margin."""
    condition = job.stopping_condition
    runtime = condition.max_runtime_in_seconds or DEFAULT_RUNTIME_BOUND
    pending = condition.max_pending_time_in_seconds or 0
    return float(runtime + pending) + TIMEOUT_MARGIN


class _Waiter:
    def __init__(
        self,
        describe: Callable[[str], DescribeOptimizationJobResponse],
        name: str,
        *,
        timeout: float | None,
        poll_interval: float,
        max_poll_interval: float,
        on_update: Callable[[DescribeOptimizationJobResponse], None] | None,
        progress: bool | None,
        clock: Callable[[], float],
        rng: random.Random,
    ) -> None:
        self.describe = describe
        self.name = name
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.on_update = on_update
        self.clock = clock
        self.rng = rng
        self.display = make_progress(progress)
        self.start = clock()
        self.deadline: float | None = self.start + timeout if timeout is not None else None
        self.bounded_by_job = timeout is None
        if self.bounded_by_job:
            self.deadline = self.start + FIRST_CONTACT_LIMIT
        self.last: DescribeOptimizationJobResponse | None = None
        self.polls = 0

    # -- one poll ----------------------------------------------------------------------

    def poll(self) -> DescribeOptimizationJobResponse:
        self.polls += 1
        try:
            job = self.describe(self.name)
        except JobNotFoundError as error:
            within_grace = self.clock() - self.start < NOT_FOUND_GRACE
            if self.last is None and within_grace:
                raise _NotVisibleYet(error) from error
            raise
        if self.last is None and self.bounded_by_job:
            # The job's own limits bound the wait, counted from its creation. Time already
            # spent is at least LastModifiedTime - CreationTime (server clock, no wall-clock
            # reading here, so an injected clock works too).
            spent = (job.last_modified_time - job.creation_time).total_seconds()
            self.deadline = self.start + max(0.0, _own_bound(job) - spent)
        if self.last is None or _status(job) != _status(self.last):
            self._changed(job)
        self.last = job
        self._show()
        return job

    def _changed(self, job: DescribeOptimizationJobResponse) -> None:
        before = _status(self.last) if self.last is not None else None
        if before is None:
            logger.info("optimization job %s is %s", self.name, _status(job))
        else:
            logger.info("optimization job %s: %s -> %s", self.name, before, _status(job))
        if self.on_update is not None:
            self.on_update(job)

    def _show(self) -> None:
        if self.last is None:
            return
        now = self.clock()
        left = self.deadline - now if self.deadline is not None else None
        self.display.update(self.name, _status(self.last), now - self.start, left)

    # -- the schedule ------------------------------------------------------------------

    def backoff(self, attempt: int) -> float:
        """The spacing before poll ``attempt + 1``: within [poll_interval, max_poll_interval]."""
        # The exponent is capped: past it the spacing sits at max_poll_interval anyway.
        base = self.poll_interval * _GROWTH ** min(attempt - 1, 64)
        jittered = base * (1.0 + _JITTER * self.rng.random())
        return max(self.poll_interval, min(jittered, self.max_poll_interval))

    def wait(self, state: tenacity.RetryCallState) -> float:
        pause = self.backoff(state.attempt_number)
        if self.deadline is not None:
            pause = min(pause, self.deadline - self.clock())
        return max(0.0, pause)

    def stop(self, state: tenacity.RetryCallState) -> bool:
        # stop_before_delay, on our clock: give up when the next poll could not come at
        # least poll_interval from now without passing the deadline.
        if self.deadline is None:
            return False
        return self.deadline - self.clock() < self.poll_interval

    def before_sleep(self, state: tenacity.RetryCallState) -> None:
        outcome = state.outcome
        sleep = state.next_action.sleep if state.next_action is not None else 0.0
        if outcome is not None and outcome.failed:
            error = outcome.exception()
            logger.debug(
                "optimization job %s: %s; polling again in %.1fs",
                self.name,
                type(error).__name__,
                sleep,
            )
        else:
            logger.debug("optimization job %s: next poll in %.1fs", self.name, sleep)

    # -- the whole wait -------------------------------------------------------------------

    def run(self, sleep: Callable[[float], None]) -> DescribeOptimizationJobResponse:
        def keep_polling(job: DescribeOptimizationJobResponse) -> bool:
            return not _is_terminal(job)

        retrying = tenacity.Retrying(
            sleep=sleep,
            stop=self.stop,
            wait=self.wait,
            retry=(
                tenacity.retry_if_result(keep_polling)
                | tenacity.retry_if_exception(_worth_another_poll)
            ),
            before_sleep=self.before_sleep,
        )
        try:
            job = retrying(self.poll)
        except tenacity.RetryError as error:
            raise self._gave_up(error) from None
        except _NotVisibleYet as error:  # pragma: no cover - only ever retried or wrapped
            raise error.error from None
        finally:
            self.display.close()
        return self._finish(job)

    def _gave_up(self, error: tenacity.RetryError) -> Exception:
        last_error = error.last_attempt.exception()
        if isinstance(last_error, _NotVisibleYet):
            return JobNotFoundError(
                f"optimization job {self.name!r} did not appear within {NOT_FOUND_GRACE:g}s: "
                f"{last_error.error.message}",
                code=last_error.error.code,
                request_id=last_error.error.request_id,
                http_status=last_error.error.http_status,
                operation=last_error.error.operation,
            )
        if self.last is None and last_error is not None and self.bounded_by_job:
            # Never got a description: the transient errors outlasted the first-contact
            # limit. Report the last one, it says what went wrong.
            return last_error if isinstance(last_error, Exception) else RuntimeError()
        waited = self.clock() - self.start
        limit = waited if self.timeout is None else self.timeout
        return WaitTimeoutError(self.name, limit, self.last)

    def _finish(self, job: DescribeOptimizationJobResponse) -> DescribeOptimizationJobResponse:
        status = job.optimization_job_status
        if status == JobStatus.FAILED:
            raise JobFailedError(job)
        if status == JobStatus.STOPPED:
            raise JobStoppedError(job)
        return job


def wait_for_job(
    describe: Callable[[str], DescribeOptimizationJobResponse],
    name: str,
    *,
    timeout: float | None = None,
    poll_interval: float = 30.0,
    max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
    on_update: Callable[[DescribeOptimizationJobResponse], None] | None = None,
    progress: bool | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
    rng: random.Random | None = None,
) -> DescribeOptimizationJobResponse:
    """Poll ``describe(name)`` until the job is COMPLETED; return its last description.

    Raises :class:`~optjob_sdk.JobFailedError` (FAILED, with ``.failure_reason``),
    :class:`~optjob_sdk.JobStoppedError` (STOPPED), :class:`~optjob_sdk.WaitTimeoutError`
    (the deadline came first; the job goes on running), :class:`~optjob_sdk.JobNotFoundError`
    (the job never appeared, or was deleted) or the last transient error if no description
    ever came. ``on_update(job)`` is called on each status change, the first observation
    included. ``progress``: ``None`` shows a display in terminals and notebooks, ``True``
    always, ``False`` never. ``sleep``/``clock`` (a monotonic clock, in seconds) and
    ``rng`` (the jitter's randomness) are injectable for tests.

    >>> from optjob_sdk.testing import FakeOptimizationService   # doctest: +SKIP
    >>> client.wait(name, sleep=service.advance, clock=service.monotonic)   # doctest: +SKIP
    """
    if poll_interval <= 0:
        raise ValueError("poll_interval must be positive")
    if max_poll_interval < poll_interval:
        raise ValueError("max_poll_interval must be at least poll_interval")
    if timeout is not None and timeout < 0:
        raise ValueError("timeout must not be negative")
    waiter = _Waiter(
        describe,
        name,
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        on_update=on_update,
        progress=progress,
        clock=clock if clock is not None else time.monotonic,
        rng=rng if rng is not None else random.Random(),
    )
    return waiter.run(sleep if sleep is not None else time.sleep)
