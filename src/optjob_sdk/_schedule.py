"""The poll schedule and the deadline plan shared by every wait (one job or many, sync or
async): the intervals, the jittered backoff, how the last pauses are fitted to a deadline,
a job's own bound, the argument checks and the give-up messages. No I/O here.

The waiters themselves are in :mod:`optjob_sdk.waiting` (which re-exports the public names
below) and, for many jobs, ``_many``.
"""

from __future__ import annotations

import inspect
import math
import numbers
import random
import reprlib
from typing import Final

import tenacity
from tenacity.wait import wait_base

from optjob_sdk._defaults import DEFAULT_MAX_POLL_INTERVAL
from optjob_sdk._text import printable
from optjob_sdk.enums import JobStatus
from optjob_sdk.errors import (
    ConnectionFailedError,
    FieldError,
    JobNotFoundError,
    ServiceError,
    ValidationError,
)
from optjob_sdk.models import DescribeOptimizationJobResponse

__all__ = [
    "DEFAULT_MAX_POLL_INTERVAL",
    "DEFAULT_RUNTIME_BOUND",
    "FIRST_CONTACT_LIMIT",
    "NOT_FOUND_GRACE",
    "SLACK",
    "TERMINAL_STATUSES",
    "TIMEOUT_MARGIN",
    "JitteredBackoff",
    "check_wait_arguments",
    "disappeared",
    "fit_pause",
    "never_appeared",
    "own_bound",
    "plan_pause",
    "shown",
    "without_description",
]


#: Statuses after which a job never changes again.
TERMINAL_STATUSES: Final = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPED})


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
SLACK: Final = 1e-6


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
    if left < low - SLACK:
        return None
    if left <= desired + SLACK:
        return max(low, min(left, high))  # the last poll, on the boundary
    if left - desired >= low:
        return desired  # room for at least one more poll afterwards
    # A pause of ``desired`` would leave less than ``low`` before the boundary.
    if left <= high:
        return left  # stretch it: one last poll, on the boundary
    # Shorten it so that exactly ``low`` remains for the last poll (possible whenever
    # high >= 2 * low; otherwise pause ``low`` and stop at most ``low`` early).
    return max(low, left - low)


def plan_pause(
    desired: float,
    now: float,
    *,
    deadline: float,
    low: float,
    high: float,
    grace_end: float | None = None,
) -> float | None:
    """The pause before the next poll at ``now``, or ``None``: no poll fits before the
    deadline (give up). ``desired`` is the schedule's pause (:class:`JitteredBackoff`).

    While jobs may still be invisible (``grace_end``: the not-found grace's end, if it
    matters), the last poll of the grace lands on its end; if none fits, the next poll
    comes after it. Every pause stays within [``low``, ``high``] and the polls end on the
    deadline (:func:`fit_pause`). Shared by the single waiter and the many-job wait.
    """
    if grace_end is not None:
        desired = fit_pause(desired, grace_end - now, low, high) or desired
    return fit_pause(desired, deadline - now, low, high)


def never_appeared(name: str, error: JobNotFoundError, within: float) -> JobNotFoundError:
    """The error of a wait whose job was never seen within the not-found grace."""
    return JobNotFoundError(
        f"optimization job {name!r} did not appear within {within:g}s: {error.message}",
        **error.answer,
    )


def disappeared(name: str, error: JobNotFoundError, last_status: str) -> JobNotFoundError:
    """The error of a wait whose job was seen, then was not found (deleted)."""
    return JobNotFoundError(
        f"optimization job {name!r} disappeared while being waited for "
        f"(last seen {shown(last_status)}; deleted?): {error.message}",
        **error.answer,
    )


def shown(text: str) -> str:
    # What the service sent, for a log line or a message: escaped, so that a control
    # sequence in a status or a name is shown rather than obeyed by the terminal.
    return printable(text)


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


def without_description(last: ServiceError, what: str, elapsed: float) -> ServiceError:
    """``last``, the error of a wait's last call, as the reason the whole wait gave up
    without learning anything of ``what`` (``"optimization job 'x'"``)."""
    message = (
        f"gave up waiting for {what} after {elapsed:g}s without a single description; "
        f"it may or may not exist. The last error: {last.message}"
    )
    if isinstance(last, ConnectionFailedError):
        return ConnectionFailedError(message, endpoint=last.endpoint, operation=last.operation)
    try:  # the same class (ThrottlingError...), so that callers can tell what happened
        return type(last)(message, **last.answer)
    except TypeError:  # a subclass with another constructor
        return ServiceError(message, **last.answer)


def _plainly_sync(sleep: object) -> bool:
    """Whether ``sleep`` is certainly no async callable: a builtin (``time.sleep``) or a
    ``def`` function or method (a lambda may return a coroutine: it is checked when called)."""
    if inspect.isbuiltin(sleep):
        return True
    if not (inspect.isfunction(sleep) or inspect.ismethod(sleep)):
        return False
    return not inspect.iscoroutinefunction(sleep) and sleep.__name__ != "<lambda>"


def check_wait_arguments(
    *,
    timeout: object,
    poll_interval: object,
    max_poll_interval: object,
    on_update: object = None,
    progress: object = None,
    sleep: object = None,
    clock: object = None,
    asynchronous: bool = False,
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
    if asynchronous and _plainly_sync(sleep):
        problems.append(
            FieldError(
                "sleep",
                "must be an async callable (async def, such as asyncio.sleep), not the plain "
                f"function {getattr(sleep, '__qualname__', sleep)}: it would block the event "
                "loop, and every other task on it, for each pause",
            )
        )
    if clock is not None and sleep is None:
        real = "asyncio.sleep" if asynchronous else "time.sleep"
        problems.append(
            FieldError(
                "clock",
                "needs sleep= too: the wait's deadline is measured on clock, and the real "
                f"sleep does not move a fake clock (for the real clock, pass sleep={real})",
            )
        )
    if problems:
        raise ValidationError(problems, subject="wait arguments")
    assert low is not None
    assert high is not None
    return deadline, low, high
