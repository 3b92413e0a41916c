"""The waits apart from their I/O: one job's :class:`Waiter` (what each answer means,
tenacity's schedule, how the wait ends) and the setup of a many-job sweep (``_many``). The
sync loops (``waiting``) and the async ones (``aio.waiting``) drive these; they only call,
sleep and await.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import tenacity

from optjob_sdk import _many
from optjob_sdk._errors_map import is_transient
from optjob_sdk._progress import Progress, make_progress, make_sweep_progress
from optjob_sdk._schedule import (
    FIRST_CONTACT_LIMIT,
    NOT_FOUND_GRACE,
    SLACK,
    TERMINAL_STATUSES,
    JitteredBackoff,
    check_wait_arguments,
    disappeared,
    never_appeared,
    own_bound,
    plan_pause,
    shown,
    without_description,
)
from optjob_sdk.enums import JobStatus
from optjob_sdk.errors import (
    JobFailedError,
    JobNotFoundError,
    JobStoppedError,
    OptjobError,
    ServiceError,
    WaitTimeoutError,
)
from optjob_sdk.models import DescribeOptimizationJobResponse

__all__ = ["Waiter", "make_waiter", "plan_sweep", "ticks"]

JobObservation = _many.JobObservation

logger = logging.getLogger("optjob_sdk")


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


def _identity(job: DescribeOptimizationJobResponse) -> tuple[str, object]:
    # What tells two jobs of the same name apart: a re-created job has a new CreationTime
    # (and, on the real service, the same ARN: ARNs are built from the name).
    return job.optimization_job_arn, job.creation_time


def _is_terminal(job: DescribeOptimizationJobResponse) -> bool:
    return job.optimization_job_status in TERMINAL_STATUSES


def ticks(seconds: float, tick: float = 1.0) -> Iterator[float]:
    """A pause of ``seconds`` in steps of at most ``tick``: with a live display, the loop
    sleeps each step and redraws, so that its clocks keep moving between polls. Counts what
    it hands out (not a clock), so it ends even under a clock that does not move."""
    remaining = seconds
    while remaining > 0:
        step = min(tick, remaining)
        yield step
        remaining -= step


class Waiter:
    """One job's wait, apart from its calls and sleeps: what each description or error
    means, tenacity's schedule (stop, wait, retry), and how the wait ends. The sync loop
    (:func:`wait_for_job`) and the async one drive it; neither holds any of this."""

    def __init__(
        self,
        name: str,
        *,
        timeout: float | None,
        poll_interval: float,
        max_poll_interval: float,
        on_update: Callable[[DescribeOptimizationJobResponse], None] | None,
        display: Progress,
        clock: Callable[[], float],
        rng: random.Random,
    ) -> None:
        self.name = name
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.on_update = on_update
        self.clock = clock
        self.backoff = JitteredBackoff(poll_interval, max_poll_interval, rng)
        self.display = display
        self.display_note = ""  # after the status: " (re-created)"
        self.start = clock()
        self.grace_end = self.start + NOT_FOUND_GRACE
        self.bounded_by_job = timeout is None
        # With timeout=None this is the first-contact limit until a description arrives.
        self.deadline = self.start + (timeout if timeout is not None else FIRST_CONTACT_LIMIT)
        self.last: DescribeOptimizationJobResponse | None = None
        self._plan: tuple[int, float | None] | None = None

    # -- one poll ----------------------------------------------------------------------

    def observe(self, job: DescribeOptimizationJobResponse) -> DescribeOptimizationJobResponse:
        """Take in the description a poll brought; returns it (tenacity's result)."""
        recreated = self.last is not None and _identity(job) != _identity(self.last)
        if self.bounded_by_job and (self.last is None or recreated):
            self.deadline = self.clock() + own_bound(job)
        if recreated:
            self._recreated(job)
        elif self.last is None or _status(job) != _status(self.last):
            self._changed(job)
        self.last = job
        self.show()
        return job

    def _recreated(self, job: DescribeOptimizationJobResponse) -> None:
        # Deleted and created again under the same name between two polls: follow the new
        # job (the wait is for the job of that name), loudly: the display says so for the
        # rest of the wait, a WARNING names both jobs, and on_update gets the new job's
        # first description even when its status is the same as the old one's.
        assert self.last is not None
        old = self.last
        self.display.settle()
        self.display_note = " (re-created)"
        logger.warning(
            "optimization job %s was deleted and re-created while being waited for: now "
            "following the new job %s (created %s, %s); the old one was %s (created %s, "
            "last seen %s)",
            shown(self.name),
            shown(job.optimization_job_arn),
            job.creation_time.isoformat(),
            shown(_status(job)),
            shown(old.optimization_job_arn),
            old.creation_time.isoformat(),
            shown(_status(old)),
        )
        if self.on_update is not None:
            self.on_update(job)

    def not_found(self, error: JobNotFoundError, asked_at: float) -> Exception:
        """What ResourceNotFound for a poll sent at ``asked_at`` means (to raise)."""
        if self.last is not None:
            return disappeared(self.name, error, _status(self.last))
        if asked_at < self.grace_end - SLACK:
            return _NotVisibleYet(error)
        return never_appeared(self.name, error, round(asked_at - self.start, 1))

    def _changed(self, job: DescribeOptimizationJobResponse) -> None:
        # End the display's line first, so that a log handler on the same terminal starts
        # on a line of its own. Only the name and status are logged (no environment).
        self.display.settle()
        if self.last is None:
            logger.info("optimization job %s is %s", shown(self.name), shown(_status(job)))
        else:
            logger.info(
                "optimization job %s: %s -> %s",
                shown(self.name),
                shown(_status(self.last)),
                shown(_status(job)),
            )
        if self.on_update is not None:
            self.on_update(job)

    def show(self) -> None:
        if self.last is None:
            return
        now = self.clock()
        # timeout=inf: no deadline to count down to.
        left = max(0.0, self.deadline - now) if math.isfinite(self.deadline) else None
        status = _status(self.last) + self.display_note
        self.display.update(self.name, status, now - self.start, left)

    # -- the schedule (tenacity's wait and stop) -----------------------------------------

    def planned_pause(self, state: tenacity.RetryCallState) -> float | None:
        """The pause before the next poll, or ``None``: stop. Computed once per attempt, so
        that stop and wait agree (tenacity calls them in either order across versions) and
        the jitter is drawn once."""
        if self._plan is not None and self._plan[0] == state.attempt_number:
            return self._plan[1]
        outcome = state.outcome
        unseen = (
            outcome is not None
            and outcome.failed
            and isinstance(outcome.exception(), _NotVisibleYet)
        )
        pause = plan_pause(
            self.backoff(state),
            self.clock(),
            deadline=self.deadline,
            low=self.poll_interval,
            high=self.max_poll_interval,
            # The last poll of the grace period lands on its end; if none fits, one more
            # comes after it (that poll raises if the job is still missing).
            grace_end=self.grace_end if unseen else None,
        )
        self._plan = (state.attempt_number, pause)
        return pause

    def wait(self, state: tenacity.RetryCallState) -> float:
        pause = self.planned_pause(state)
        return 0.0 if pause is None else pause

    def stop(self, state: tenacity.RetryCallState) -> bool:
        # stop_before_delay on the injected clock: stop when the next poll cannot come at
        # least poll_interval from now without passing the deadline.
        return self.planned_pause(state) is None

    def before_sleep(self, state: tenacity.RetryCallState) -> None:
        outcome = state.outcome
        pause = state.next_action.sleep if state.next_action is not None else 0.0
        if outcome is not None and outcome.failed:
            error = outcome.exception()
            logger.debug(
                "optimization job %s: %s; polling again in %.1fs",
                shown(self.name),
                "not visible yet" if isinstance(error, _NotVisibleYet) else type(error).__name__,
                pause,
            )
        else:
            logger.debug("optimization job %s: next poll in %.1fs", shown(self.name), pause)

    # -- the whole wait -------------------------------------------------------------------

    def options(self) -> dict[str, Any]:
        """tenacity's arguments (``Retrying`` or ``AsyncRetrying``), but for ``sleep``."""

        def keep_polling(job: DescribeOptimizationJobResponse) -> bool:
            return not _is_terminal(job)

        return {
            "stop": self.stop,
            "wait": self.wait,
            "retry": (
                tenacity.retry_if_result(keep_polling)
                | tenacity.retry_if_exception(_worth_another_poll)
            ),
            "before_sleep": self.before_sleep,
        }

    def gave_up(self, error: tenacity.RetryError) -> Exception:
        """The exception to raise when the schedule stopped with the job not ended, the
        last poll's error (an SDK error) as its ``__cause__``."""
        last_error = error.last_attempt.exception()
        given_up = self._gave_up(last_error)
        given_up.__cause__ = last_error if isinstance(last_error, OptjobError) else None
        return given_up

    def _gave_up(self, last_error: BaseException | None) -> Exception:
        # Messages give the time really spent, on the waiter's clock (a wait whose next
        # poll cannot fit before the deadline ends well before ``timeout``), to 0.1 s.
        elapsed = round(max(0.0, self.clock() - self.start), 1)
        if isinstance(last_error, _NotVisibleYet):
            # The deadline came inside the grace period, the job still unseen.
            return never_appeared(self.name, last_error.error, elapsed)
        if self.last is None and isinstance(last_error, ServiceError):
            # No description ever came: not a timeout (nothing is known of the job) but
            # the error that kept every call from being answered (a refused connection,
            # throttling...), which names the endpoint or the service's words.
            return without_description(last_error, f"optimization job {self.name!r}", elapsed)
        return WaitTimeoutError(self.name, elapsed, self.last, timeout=self.timeout)

    def finish(self, job: DescribeOptimizationJobResponse) -> DescribeOptimizationJobResponse:
        """The wait's result for the job's end: the description, or FAILED/STOPPED raised."""
        status = job.optimization_job_status
        if status == JobStatus.FAILED:
            raise JobFailedError(job)
        if status == JobStatus.STOPPED:
            raise JobStoppedError(job)
        return job


def make_waiter(
    name: str,
    *,
    timeout: float | None,
    poll_interval: float,
    max_poll_interval: float,
    on_update: Callable[[DescribeOptimizationJobResponse], None] | None,
    progress: bool | None,
    sleep: object,
    clock: Callable[[], float] | None,
    rng: random.Random | None,
    asynchronous: bool = False,
) -> Waiter:
    """The arguments of a wait checked (:func:`check_wait_arguments`), its display made:
    the :class:`Waiter` a sync or an async loop drives."""
    timeout, poll_interval, max_poll_interval = check_wait_arguments(
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        on_update=on_update,
        progress=progress,
        sleep=sleep,
        clock=clock,
        asynchronous=asynchronous,
    )
    return Waiter(
        name,
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        on_update=on_update,
        display=make_progress(progress),
        clock=clock if clock is not None else _real_clock,
        rng=rng if rng is not None else random.Random(),
    )


def plan_sweep(
    names: Iterable[str],
    *,
    timeout: float | None,
    poll_interval: float,
    max_poll_interval: float,
    on_update: Callable[[JobObservation], None] | None,
    progress: bool | None,
    sleep: object,
    clock: Callable[[], float] | None,
    rng: random.Random | None,
    asynchronous: bool = False,
) -> _many.Steps | None:
    """The names and the wait's arguments checked (at the call, before anything is sent),
    the display made: the sweep's steps for a sync or an async loop to drive (``None``: no
    names, nothing to wait for)."""
    checked = _many.check_names(names)
    timeout, poll_interval, max_poll_interval = check_wait_arguments(
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        on_update=on_update,
        progress=progress,
        sleep=sleep,
        clock=clock,
        asynchronous=asynchronous,
    )
    if not checked:
        return None
    display = make_sweep_progress(progress)
    return _many.SweepWait(
        checked,
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        on_update=on_update,
        display=display,
        clock=clock if clock is not None else _real_clock,
        backoff=JitteredBackoff(
            poll_interval, max_poll_interval, rng if rng is not None else random.Random()
        ),
        # Real time with a live display: pauses in one-second steps keep its clocks moving.
        tick=1.0 if sleep is None and display.live else None,
    ).steps()


def _real_clock() -> float:
    # Looked up at call time, so that tests can replace it.
    return time.monotonic()
