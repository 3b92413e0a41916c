"""The waiter behind ``OptimizationJobClient.wait``: poll until the job ends, frugally.

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
import numbers
import random
import reprlib
import time
from collections.abc import Callable
from typing import Final

import tenacity
from tenacity.wait import wait_base

from optjob_sdk._errors_map import is_transient
from optjob_sdk._progress import Progress, make_progress
from optjob_sdk._text import printable
from optjob_sdk.enums import JobStatus
from optjob_sdk.errors import (
    ConnectionFailedError,
    FieldError,
    JobFailedError,
    JobNotFoundError,
    JobStoppedError,
    OptjobError,
    ServiceError,
    ValidationError,
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
    "JitteredBackoff",
    "check_wait_arguments",
    "fit_pause",
    "own_bound",
    "wait_for_job",
]

logger = logging.getLogger("optjob_sdk")

#: Statuses after which a job never changes again.
TERMINAL_STATUSES: Final = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPED})

#: The longest spacing between two polls, by default: a job's status changes a handful of
#: times in its life, so two minutes loses little and saves calls.
DEFAULT_MAX_POLL_INTERVAL: Final = 120.0

#: How long a ResourceNotFound is taken for "not visible yet", from the first poll.
NOT_FOUND_GRACE: Final = 60.0

#: With ``timeout=None``: added to the job's own limits (MaxRuntimeInSeconds, plus
#: MaxPendingTimeInSeconds when set). The service ends the job at its limit, then takes
#: minutes to stop it and publish the final status, and the waiter's own polls are up to
#: ``max_poll_interval`` apart; fifteen minutes covers both with room to spare, while still
#: ending a wait on a service that never says "done".
TIMEOUT_MARGIN: Final = 900.0

#: With ``timeout=None`` and no MaxRuntimeInSeconds in the job's StoppingCondition (the
#: service's own default limit is one day).
DEFAULT_RUNTIME_BOUND: Final = 86400.0

#: With ``timeout=None``: how long transient errors may last before a first description.
FIRST_CONTACT_LIMIT: Final = 900.0

_GROWTH: Final = 1.5
_JITTER: Final = 0.2
#: Floating-point slack when a poll is planned to land exactly on a boundary.
_SLACK: Final = 1e-6


class JitteredBackoff(wait_base):
    """tenacity wait: ``low * growth**(attempt - 1)``, plus up to ``jitter`` of it drawn from
    ``rng``, kept within [``low``, ``high``].

    The jitter only ever lengthens a pause (so ``low`` stays the least spacing) and comes
    from an injectable ``random.Random`` (tenacity's own ``wait_exponential_jitter`` draws
    from the global ``random`` module, which tests cannot pin).
    """

    def __init__(
        self,
        low: float,
        high: float,
        rng: random.Random,
        *,
        growth: float = _GROWTH,
        jitter: float = _JITTER,
    ) -> None:
        self.low = low
        self.high = high
        self.rng = rng
        self.growth = growth
        self.jitter = jitter

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        return self.pause(retry_state.attempt_number)

    def pause(self, attempt: int) -> float:
        """The pause after poll number ``attempt`` (1-based)."""
        # The exponent is capped: past it the pause sits at ``high`` anyway.
        base = self.low * self.growth ** min(attempt - 1, 64)
        jittered = base * (1.0 + self.jitter * self.rng.random())
        return max(self.low, min(jittered, self.high))


def fit_pause(desired: float, left: float, low: float, high: float) -> float | None:
    """The pause before the next poll, given ``left`` seconds until a boundary.

    ``None`` when no poll fits before the boundary (``left < low``). Otherwise a pause
    within [``low``, ``high``] and at most ``left``, chosen so that the polls end *on* the
    boundary rather than up to ``low`` before it: the last pause is stretched or shortened
    to land there, and the one before it is shortened when it would leave too little room
    for a last poll.
    """
    if left < low - _SLACK:
        return None
    if left <= desired + _SLACK:
        return max(low, min(left, high))  # the last poll, on the boundary
    if left - desired >= low:
        return desired  # room for at least one more poll afterwards
    # A pause of ``desired`` would leave less than ``low`` before the boundary.
    if left <= high:
        return left  # stretch it: one last poll, on the boundary
    # Shorten it so that exactly ``low`` remains for the last poll (possible whenever
    # high >= 2 * low; otherwise pause ``low`` and stop at most ``low`` early).
    return max(low, left - low)


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


def _shown(text: str) -> str:
    # What the service sent, for a log line or a message: escaped, so that a control
    # sequence in a status or a name is shown rather than obeyed by the terminal.
    return printable(text)


def _identity(job: DescribeOptimizationJobResponse) -> tuple[str, object]:
    # What tells two jobs of the same name apart: a re-created job has a new CreationTime
    # (and, on the real service, the same ARN: ARNs are built from the name).
    return job.optimization_job_arn, job.creation_time


def _is_terminal(job: DescribeOptimizationJobResponse) -> bool:
    return job.optimization_job_status in TERMINAL_STATUSES


def own_bound(job: DescribeOptimizationJobResponse) -> float:
    """Seconds after the waiter's first description by which, with ``timeout=None``, it gives
    up: the job's own limits from its creation, plus :data:`TIMEOUT_MARGIN`, minus the time
    the job has provably spent already.

    The time spent is taken from the service's own clock (``LastModifiedTime -
    CreationTime``), never from the local wall clock: a skewed local clock could then cut a
    healthy wait short. The cost: for a job whose status last changed long ago the bound
    comes later by that much (still bounded).
    """
    condition = job.stopping_condition
    runtime = float(condition.max_runtime_in_seconds or DEFAULT_RUNTIME_BOUND)
    limit = runtime + float(condition.max_pending_time_in_seconds or 0)
    if condition.max_wait_time_in_seconds:
        limit = max(limit, float(condition.max_wait_time_in_seconds))
    spent = (job.last_modified_time - job.creation_time).total_seconds()
    return max(0.0, limit + TIMEOUT_MARGIN - max(0.0, spent))


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
            _shown(self.name),
            _shown(job.optimization_job_arn),
            job.creation_time.isoformat(),
            _shown(_status(job)),
            _shown(old.optimization_job_arn),
            old.creation_time.isoformat(),
            _shown(_status(old)),
        )
        if self.on_update is not None:
            self.on_update(job)

    def _not_found(self, error: JobNotFoundError, asked_at: float) -> Exception:
        if self.last is not None:
            return JobNotFoundError(
                f"optimization job {self.name!r} disappeared while being waited for "
                f"(last seen {_shown(_status(self.last))}; deleted?): {error.message}",
                **error.answer,
            )
        if asked_at < self.grace_end - _SLACK:
            return _NotVisibleYet(error)
        return self._never_appeared(error, round(asked_at - self.start, 1))

    def _never_appeared(self, error: JobNotFoundError, within: float) -> JobNotFoundError:
        return JobNotFoundError(
            f"optimization job {self.name!r} did not appear within {within:g}s: {error.message}",
            **error.answer,
        )

    def _changed(self, job: DescribeOptimizationJobResponse) -> None:
        # End the display's line first, so that a log handler on the same terminal starts
        # on a line of its own. Only the name and status are logged (no environment).
        self.display.settle()
        if self.last is None:
            logger.info("optimization job %s is %s", _shown(self.name), _shown(_status(job)))
        else:
            logger.info(
                "optimization job %s: %s -> %s",
                _shown(self.name),
                _shown(_status(self.last)),
                _shown(_status(job)),
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
        now = self.clock()
        low, high = self.poll_interval, self.max_poll_interval
        desired = self.backoff(state)
        outcome = state.outcome
        if (
            outcome is not None
            and outcome.failed
            and isinstance(outcome.exception(), _NotVisibleYet)
        ):
            # Make the last poll of the grace period land on its end; if none fits, poll
            # once more after it (that poll raises if the job is still missing).
            desired = fit_pause(desired, self.grace_end - now, low, high) or desired
        pause = fit_pause(desired, self.deadline - now, low, high)
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
                _shown(self.name),
                "not visible yet" if isinstance(error, _NotVisibleYet) else type(error).__name__,
                pause,
            )
        else:
            logger.debug("optimization job %s: next poll in %.1fs", _shown(self.name), pause)

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
            return self._never_appeared(last_error.error, elapsed)
        if self.last is None and isinstance(last_error, ServiceError):
            # No description ever came: not a timeout (nothing is known of the job) but
            # the error that kept every call from being answered (a refused connection,
            # throttling...), which names the endpoint or the service's words.
            return _without_description(last_error, self.name, elapsed)
        return WaitTimeoutError(self.name, elapsed, self.last, timeout=self.timeout)

    def _finish(self, job: DescribeOptimizationJobResponse) -> DescribeOptimizationJobResponse:
        status = job.optimization_job_status
        if status == JobStatus.FAILED:
            raise JobFailedError(job)
        if status == JobStatus.STOPPED:
            raise JobStoppedError(job)
        return job


def _without_description(last: ServiceError, name: str, elapsed: float) -> ServiceError:
    """``last``, the error of a wait's last call, as the reason the whole wait gave up."""
    message = (
        f"gave up waiting for optimization job {name!r} after {elapsed:g}s without a single "
        f"description; the job may or may not exist. The last error: {last.message}"
    )
    if isinstance(last, ConnectionFailedError):
        return ConnectionFailedError(message, endpoint=last.endpoint, operation=last.operation)
    try:  # the same class (ThrottlingError...), so that callers can tell what happened
        return type(last)(message, **last.answer)
    except TypeError:  # a subclass with another constructor
        return ServiceError(message, **last.answer)


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


def check_wait_arguments(
    *,
    timeout: object,
    poll_interval: object,
    max_poll_interval: object,
    on_update: object = None,
    progress: object = None,
    sleep: object = None,
    clock: object = None,
) -> tuple[float | None, float, float]:
    """Check a wait's arguments; returns ``(timeout, poll_interval, max_poll_interval)``
    as floats. Every problem is reported at once, in one :class:`~optjob_sdk.ValidationError`
    naming the arguments, before anything is asked of the service.

    Seconds are real numbers (``bool`` is not one): ``poll_interval`` positive and finite,
    ``max_poll_interval`` at least ``poll_interval`` and finite, ``timeout`` ``None``, zero or
    more, ``inf`` for no deadline at all. ``clock`` needs ``sleep``: the waiter measures its
    deadline on ``clock`` and only sleeping moves it, while the real sleep does not move a
    fake clock (such a wait would poll forever).

    >>> check_wait_arguments(timeout="600", poll_interval=30, max_poll_interval=120)
    Traceback (most recent call last):
    ...
    optjob_sdk.errors.ValidationError: 1 problem in the wait arguments:
      - timeout: must be a number of seconds or None, not str '600'
    """
    problems: list[FieldError] = []

    def seconds(name: str, value: object, *, positive: bool, infinite: bool) -> float | None:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            optional = " or None" if name == "timeout" else ""
            problems.append(
                FieldError(
                    name,
                    f"must be a number of seconds{optional}, not "
                    f"{type(value).__name__} {reprlib.repr(value)}",
                )
            )
            return None
        try:
            number = float(value)
        except OverflowError:  # an int (or a Fraction) past float's range
            number = -math.inf if value < 0 else math.inf
        if math.isnan(number):
            problems.append(FieldError(name, "must be a number of seconds, not NaN"))
        elif positive and not number > 0:
            problems.append(FieldError(name, f"must be positive, not {number:g}"))
        elif number < 0:
            problems.append(FieldError(name, f"must not be negative, not {number:g}"))
        elif math.isinf(number) and not infinite:
            problems.append(FieldError(name, "must be finite"))
        else:
            return number
        return None

    deadline = (
        None if timeout is None else seconds("timeout", timeout, positive=False, infinite=True)
    )
    low = seconds("poll_interval", poll_interval, positive=True, infinite=False)
    high = seconds("max_poll_interval", max_poll_interval, positive=True, infinite=False)
    if low is not None and high is not None and high < low:
        problems.append(
            FieldError(
                "max_poll_interval",
                f"must be at least poll_interval ({low:g}), not {high:g}",
            )
        )
    for name, value in (("on_update", on_update), ("sleep", sleep), ("clock", clock)):
        if value is not None and not callable(value):
            problems.append(
                FieldError(name, f"must be callable or None, not {type(value).__name__}")
            )
    if progress not in (None, True, False):
        problems.append(
            FieldError("progress", f"must be True, False or None, not {reprlib.repr(progress)}")
        )
    if clock is not None and sleep is None:
        problems.append(
            FieldError(
                "clock",
                "needs sleep= too: the wait's deadline is measured on clock, and the real "
                "sleep does not move a fake clock (for the real clock, pass sleep=time.sleep)",
            )
        )
    if problems:
        raise ValidationError(problems, subject="wait arguments")
    assert low is not None
    assert high is not None
    return deadline, low, high
