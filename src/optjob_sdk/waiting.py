"""The waiters behind ``OptimizationJobClient.wait`` (one job) and ``wait_many`` /
``as_completed`` (many at once): poll until the jobs end, frugally.

Many jobs (:func:`jobs_as_completed`, :func:`wait_for_jobs`): a thin loop that does what the
sweep in ``_many`` says (a List page, a Describe, a pause) and hands each end over as it is
confirmed; the sweep itself does no I/O, so the async client drives the same one. It keeps
every rule below, but learns the pending jobs' statuses from ListOptimizationJobs when that
costs fewer calls than one Describe per job.

One job:

Built on a ``tenacity.Retrying``: a result predicate (the status is not terminal) combined
with an exception predicate (a transient error), a stop that respects the deadline on the
injected clock, an exponential backoff with jitter capped at ``max_poll_interval``, and
``before_sleep`` for logging. None of tenacity's types reach the caller.

The rules, in short:

- one DescribeOptimizationJob call per poll; the first poll is immediate (an already
  finished job costs exactly one call);
- polls are at least ``poll_interval`` apart; the spacing grows by half at each poll, with
  up to 20 % jitter, to at most ``max_poll_interval``;
- ``timeout`` is a deadline: the waiter never sleeps past it. It plans its last pauses so
  that the final poll lands on the deadline itself (every pause still within
  [``poll_interval``, ``max_poll_interval``]), then raises :class:`~optjob_sdk.WaitTimeoutError`;
- without ``timeout`` the wait is still bounded: by the job's own StoppingCondition (the
  service ends the job by then) plus :data:`TIMEOUT_MARGIN`, and by
  :data:`FIRST_CONTACT_LIMIT` until a first description arrives;
- throttling, 5xx answers, dropped connections and read timeouts are ridden out on the same
  schedule, whatever retries the boto3 client has;
- ResourceNotFound is tolerated for :data:`NOT_FOUND_GRACE` seconds from the first poll
  (the service is eventually consistent right after ``create``); a job that was seen and
  then disappears raises :class:`~optjob_sdk.JobNotFoundError` at once.

Testing code that waits: pass ``sleep=`` and ``clock=``. With the emulator::

    client.wait(name, sleep=service.advance, clock=service.monotonic)

makes a two-hour job finish in milliseconds of real time.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypedDict

import tenacity

from optjob_sdk import _many
from optjob_sdk._errors_map import is_transient
from optjob_sdk._progress import Progress, make_progress, make_sweep_progress
from optjob_sdk._schedule import (
    DEFAULT_MAX_POLL_INTERVAL,
    DEFAULT_RUNTIME_BOUND,
    FIRST_CONTACT_LIMIT,
    NOT_FOUND_GRACE,
    SLACK,
    TERMINAL_STATUSES,
    TIMEOUT_MARGIN,
    JitteredBackoff,
    check_wait_arguments,
    disappeared,
    fit_pause,
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
from optjob_sdk.models import DescribeOptimizationJobResponse, ListOptimizationJobsResponse

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "DEFAULT_MAX_POLL_INTERVAL",
    "DEFAULT_RUNTIME_BOUND",
    "FIRST_CONTACT_LIMIT",
    "NOT_FOUND_GRACE",
    "TERMINAL_STATUSES",
    "TIMEOUT_MARGIN",
    "JitteredBackoff",
    "JobObservation",
    "ManyWaitKeywords",
    "check_wait_arguments",
    "fit_pause",
    "jobs_as_completed",
    "own_bound",
    "plan_pause",
    "wait_for_job",
    "wait_for_jobs",
]

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


def _ticking_sleep(
    seconds: float,
    *,
    sleep: Callable[[float], None],
    refresh: Callable[[], None],
    tick: float = 1.0,
) -> None:
    """Sleep ``seconds`` in steps of at most ``tick``, calling ``refresh()`` after each, so
    that a live display's clocks keep moving between polls. Counts what it slept (not a
    clock), so it ends even under a clock that does not move."""
    remaining = seconds
    while remaining > 0:
        step = min(tick, remaining)
        sleep(step)
        remaining -= step
        refresh()


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
        display: Progress,
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

    def poll(self) -> DescribeOptimizationJobResponse:
        asked_at = self.clock()
        try:
            job = self.describe(self.name)
        except JobNotFoundError as error:
            raise self._not_found(error, asked_at) from error
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

    def _not_found(self, error: JobNotFoundError, asked_at: float) -> Exception:
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
            last_error = error.last_attempt.exception()
            raise self._gave_up(last_error) from (
                last_error if isinstance(last_error, OptjobError) else None
            )
        finally:
            self.display.close()
        return self._finish(job)

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
    (the job did not appear within :data:`NOT_FOUND_GRACE`, or was deleted), a non-transient
    :class:`~optjob_sdk.ServiceError` at once, or, when no description ever came (before the
    deadline, or within :data:`FIRST_CONTACT_LIMIT` with ``timeout=None``), the last
    transient error's class with a message saying so (a
    :class:`~optjob_sdk.ConnectionFailedError` names the endpoint). Every give-up message
    gives the time really spent, on ``clock``. Wrong arguments are a
    :class:`~optjob_sdk.ValidationError` before any call (see :func:`check_wait_arguments`).
    Ctrl-C is a plain ``KeyboardInterrupt``, at once.

    ``timeout`` (seconds) is a deadline: no pause passes it and the last poll lands on it.
    ``None`` bounds the wait by the job's StoppingCondition plus :data:`TIMEOUT_MARGIN`;
    ``math.inf`` never gives up. ``poll_interval`` is the least time between two polls; the
    spacing grows (with jitter) to ``max_poll_interval``. ``on_update(job)`` is called on
    each status change, the first observation included. ``progress``: ``None`` shows a
    display in terminals and notebooks, ``True`` always, ``False`` never. ``sleep(seconds)``,
    ``clock()`` (monotonic, in seconds) and ``rng`` (the jitter's randomness) are injectable
    for tests; ``clock`` needs ``sleep`` (the real sleep does not move a fake clock).

    A job deleted and created again under ``name`` between two polls (a new CreationTime
    or ARN) is followed, with a WARNING naming both jobs; ``on_update`` gets the new job's
    first description even if its status is unchanged.

    The emulator's virtual clock makes a test of a wait instant (here the 60 s grace for a
    job that never appears):

    >>> from optjob_sdk import JobNotFoundError, OptimizationJobClient
    >>> from optjob_sdk.testing import FakeOptimizationService
    >>> service = FakeOptimizationService()
    >>> client = OptimizationJobClient(service.client())
    >>> try:
    ...     client.wait("not-created", sleep=service.advance, clock=service.monotonic)
    ... except JobNotFoundError as error:
    ...     print(error.message.split(":")[0])
    optimization job 'not-created' did not appear within 60s
    >>> service.calls("DescribeOptimizationJob")  # at 0 s and at 60 s, virtual
    2
    """
    timeout, poll_interval, max_poll_interval = check_wait_arguments(
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        on_update=on_update,
        progress=progress,
        sleep=sleep,
        clock=clock,
    )
    display = make_progress(progress)
    waiter = _Waiter(
        describe,
        name,
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        on_update=on_update,
        display=display,
        clock=clock if clock is not None else _real_clock,
        rng=rng if rng is not None else random.Random(),
    )
    if sleep is not None:
        return waiter.run(sleep)
    if not display.live:
        return waiter.run(_real_sleep)

    def ticking(seconds: float) -> None:
        # Real time with a live display: keep its clocks moving between polls.
        _ticking_sleep(seconds, sleep=_real_sleep, refresh=waiter.show)

    return waiter.run(ticking)


def _real_sleep(seconds: float) -> None:
    # Looked up at call time, so that tests can replace it. In slices of at most a day:
    # time.sleep overflows on an absurd (but finite) pause.
    while seconds > 0:
        step = min(seconds, 86400.0)
        time.sleep(step)
        seconds -= step


def _real_clock() -> float:
    # Looked up at call time, so that tests can replace it.
    return time.monotonic()


# -- many jobs at once -----------------------------------------------------------------


def jobs_as_completed(
    describe: Callable[[str], DescribeOptimizationJobResponse],
    list_page: Callable[[dict[str, object]], ListOptimizationJobsResponse],
    names: Iterable[str],
    *,
    timeout: float | None = None,
    poll_interval: float = 30.0,
    max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
    on_update: Callable[[JobObservation], None] | None = None,
    progress: bool | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
    rng: random.Random | None = None,
) -> Iterator[DescribeOptimizationJobResponse]:
    """Each job's final description as soon as its end is seen, each once, in the order the
    ends are seen: the loop behind ``client.as_completed`` (the bookkeeping is ``_many``'s).

    ``describe(name)`` and ``list_page(params)`` make one call each (boto3 keyword
    arguments in, the parsed answer out), raising the SDK's errors. The arguments are
    checked here, at the call; nothing is sent until the iterator is advanced. Closing the
    iterator (``break``, garbage collection) ends the wait and its display.
    """
    checked = _many.check_names(names)
    timeout, poll_interval, max_poll_interval = check_wait_arguments(
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        on_update=on_update,
        progress=progress,
        sleep=sleep,
        clock=clock,
    )
    if not checked:
        return iter(())
    display = make_sweep_progress(progress)
    # Real time with a live display: pauses in one-second steps keep its clocks moving.
    tick = 1.0 if sleep is None and display.live else None
    steps = _many.SweepWait(
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
        tick=tick,
    ).steps()
    return _drive(steps, describe, list_page, sleep)


def _drive(
    steps: _many.Steps,
    describe: Callable[[str], DescribeOptimizationJobResponse],
    list_page: Callable[[dict[str, object]], ListOptimizationJobsResponse],
    sleep: Callable[[float], None] | None,
) -> Iterator[DescribeOptimizationJobResponse]:
    """Do what the sweep says, one step at a time (the async client drives it with await)."""
    try:
        step = next(steps)
        while True:
            if isinstance(step, _many.Found):
                yield step.job
                step = next(steps)
                continue
            try:
                if isinstance(step, _many.Pause):
                    answer: object = (sleep or _real_sleep)(step.seconds)
                elif isinstance(step, _many.DescribeCall):
                    answer = describe(step.name)
                else:
                    answer = list_page(step.params)
            except Exception as error:
                step = steps.throw(error)
            else:
                step = steps.send(answer)
    except StopIteration:
        return
    finally:
        steps.close()


class ManyWaitKeywords(TypedDict, total=False):
    """The keywords of :func:`jobs_as_completed` and :func:`wait_for_jobs` (``wait``'s)."""

    timeout: float | None
    poll_interval: float
    max_poll_interval: float
    on_update: Callable[[JobObservation], None] | None
    progress: bool | None
    sleep: Callable[[float], None] | None
    clock: Callable[[], float] | None
    rng: random.Random | None


def wait_for_jobs(
    describe: Callable[[str], DescribeOptimizationJobResponse],
    list_page: Callable[[dict[str, object]], ListOptimizationJobsResponse],
    names: Iterable[str],
    **keywords: Unpack[ManyWaitKeywords],
) -> dict[str, DescribeOptimizationJobResponse]:
    """Every job's final description, in the order given (each name once), once all have
    ended, whatever the end: the loop behind ``client.wait_many``; the keywords are
    :func:`jobs_as_completed`'s."""
    checked = _many.check_names(names)
    ended = {
        job.optimization_job_name: job
        for job in jobs_as_completed(describe, list_page, checked, **keywords)
    }
    return {name: ended[name] for name in checked}
