"""The bookkeeping of a many-job wait (``wait_many``, ``as_completed``), without I/O.

:meth:`SweepWait.steps` is a generator that *says* what to do and is told what happened:
it yields steps (:class:`DescribeCall`, :class:`ListCall`, :class:`Pause`, :class:`Found`);
the driver performs each and sends back the answer (a parsed description or list page, or
``None``), or throws the call's exception in. The sync driver is in ``waiting``; the
async client's will drive the same generator with ``await``. Everything else (which calls
a round makes, what an answer means, the schedule and the deadline, the errors) is here,
once.

How a round learns the pending jobs' statuses:

- **Listing or describing, by cost.** ListOptimizationJobs returns 100 summaries a call.
  A round lists when that costs fewer calls than one Describe per pending job: the
  listing is narrowed with ``NameContains`` (the longest substring every name shares) and
  ``CreationTimeAfter``/``CreationTimeBefore`` just around the pending jobs' creation
  times, sorted by creation time, so it costs ``ceil(matching / 100)`` calls. The number
  of matching jobs is known from the previous listing; until then a listing is a probe
  that stops as soon as its pages stop paying for themselves (it goes on to page ``k + 1``
  only while it has found more than ``k`` pending jobs), so a probe never costs more than
  describing each pending job would, except in the very first round, when nothing is
  known of the jobs yet: that probe (newest first, taken for four jobs or more) may find
  none of them on its first page, one call more.
- **Confirming.** A job a listing shows ended is described once: that both confirms the
  end (list results can lag Describe) and fetches its full description (FailureReason,
  OptimizationOutput). A job missing from a listing has not ended: a listing can lag
  behind a job just created. It is described only when that can tell something: when
  the listing stopped before reaching it, when it was seen before (deleted?), or, for a
  job never seen, once the not-found grace is over (does it exist at all?). So a burst of
  jobs too new to be listed costs no burst of Describes. Nothing is concluded from a
  listing alone.
- **Transient faults.** A throttled call ends the round (more calls would make it worse);
  a 5xx, a dropped connection or an unreadable answer skips that call. The next round
  comes on the schedule, and Describes go to the jobs observed least recently first, so
  that no job starves.

The schedule is the single waiter's (:func:`~optjob_sdk.waiting.plan_pause`): the first
round at once, then ``poll_interval`` growing by half with jitter up to
``max_poll_interval``; the last round lands on the deadline. Each end is therefore seen in
the same round as a single waiter on that schedule would see it.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Final, NamedTuple, overload

from optjob_sdk._errors_map import is_transient
from optjob_sdk._progress import SweepProgress, SweepRow, SweepView
from optjob_sdk._schedule import (
    DEFAULT_RUNTIME_BOUND,
    FIRST_CONTACT_LIMIT,
    NOT_FOUND_GRACE,
    TERMINAL_STATUSES,
    TIMEOUT_MARGIN,
    JitteredBackoff,
    disappeared,
    never_appeared,
    own_bound,
    plan_pause,
    without_description,
)
from optjob_sdk._text import printable
from optjob_sdk._validation import check
from optjob_sdk.enums import SortBy, SortOrder
from optjob_sdk.errors import (
    FieldError,
    JobNotFoundError,
    ServiceError,
    ThrottlingError,
    ValidationError,
    WaitTimeoutError,
)
from optjob_sdk.models import (
    DescribeOptimizationJobRequest,
    DescribeOptimizationJobResponse,
    ListOptimizationJobsResponse,
    OptimizationJobSummary,
)

__all__ = [
    "DescribeCall",
    "Found",
    "JobObservation",
    "ListCall",
    "Pause",
    "Step",
    "Steps",
    "SweepWait",
    "check_names",
    "common_substring",
]

logger = logging.getLogger("optjob_sdk")

#: What a many-job wait learns of a job in one poll: its description, or its list summary.
JobObservation = DescribeOptimizationJobResponse | OptimizationJobSummary

#: The service's page-size limit (shape MaxResults: 1..100).
_PAGE: Final = 100
#: The least number of pending jobs for which a first round (no creation time known yet)
#: lists rather than describes: the listing may find none of them on its first page.
_FIRST_PROBE: Final = 4
#: CreationTimeAfter/Before are strict and sent to the millisecond (or second): a second
#: of room on either side keeps the pending jobs themselves inside the window.
_MARGIN: Final = timedelta(seconds=1)
_SLACK: Final = 1e-6


class DescribeCall(NamedTuple):
    """Describe this job; send back its ``DescribeOptimizationJobResponse``."""

    name: str


class ListCall(NamedTuple):
    """Send one ListOptimizationJobs request (boto3 keyword arguments); send back the parsed
    ``ListOptimizationJobsResponse``."""

    params: dict[str, Any]


class Pause(NamedTuple):
    """Sleep this many seconds; send back ``None``."""

    seconds: float


class Found(NamedTuple):
    """This job has ended: hand its final description to the caller; send back ``None``."""

    job: DescribeOptimizationJobResponse


Step = DescribeCall | ListCall | Pause | Found

#: A many-job wait's steps: yields them, is sent their answers (see the module's docstring).
Steps = Generator[Step, object, None]


def check_names(names: Iterable[str]) -> tuple[str, ...]:
    """The job names of a many-job wait, each once, in the order given; every problem in
    one :class:`~optjob_sdk.ValidationError` before anything is sent.

    >>> check_names(["a", "b", "a"])
    ('a', 'b')
    >>> check_names("job-1")
    Traceback (most recent call last):
    ...
    optjob_sdk.errors.ValidationError: 1 problem in the wait arguments:
      - names: must be an iterable of job names, not a str (wrap one name in a list)
    """
    if isinstance(names, (str, bytes)):
        problem = FieldError(
            "names",
            f"must be an iterable of job names, not a {type(names).__name__} "
            "(wrap one name in a list)",
        )
        raise ValidationError([problem], subject="wait arguments")
    try:
        given = list(names)
    except TypeError:
        problem = FieldError(
            "names", f"must be an iterable of job names, not {type(names).__name__}"
        )
        raise ValidationError([problem], subject="wait arguments") from None
    problems: list[FieldError] = []
    for index, name in enumerate(given):
        for problem in check(DescribeOptimizationJobRequest(optimization_job_name=name)):
            problems.append(FieldError(f"names[{index}]", problem.message))
    if problems:
        raise ValidationError(problems, subject="wait arguments")
    return tuple(dict.fromkeys(given))


def common_substring(names: Sequence[str]) -> str:
    """The longest substring every name contains (the smallest such, if several; ``""``
    if none). Job names are at most 63 characters, so this is cheap even for thousands.

    >>> common_substring(["llama3-8b-awq-g5", "llama3-8b-awq-g6e", "llama3-8b-fp8-inf2"])
    'llama3-8b-'
    """
    if not names:
        return ""
    shortest = min(names, key=len)

    def shared(length: int) -> str | None:
        candidates = {shortest[i : i + length] for i in range(len(shortest) - length + 1)}
        for name in names:
            candidates &= {name[i : i + length] for i in range(len(name) - length + 1)}
            if not candidates:
                return None
        return min(candidates)

    # A common substring of length n has common substrings of every shorter length, so
    # the longest is found by bisection.
    best, low, high = "", 1, len(shortest)
    while low <= high:
        middle = (low + high) // 2
        found = shared(middle)
        if found is None:
            high = middle - 1
        else:
            best, low = found, middle + 1
    return best


class _Job:
    """What the wait knows of one job."""

    __slots__ = (
        "bound",
        "creation",
        "final",
        "first_seen",
        "last",
        "listed_ended",
        "name",
        "not_found",
        "observed_at",
        "provisional",
        "status",
    )

    def __init__(self, name: str) -> None:
        self.name = name
        self.status: str | None = None
        self.creation: datetime | None = None
        self.last: JobObservation | None = None
        #: The clock time at which, with timeout=None, this job's own limits are past.
        self.bound: float | None = None
        #: Whether ``bound`` comes from a summary (the job's StoppingCondition unknown).
        self.provisional = False
        self.observed_at = -math.inf
        self.first_seen = math.nan
        self.not_found: JobNotFoundError | None = None
        self.listed_ended = False
        self.final: DescribeOptimizationJobResponse | None = None

    @property
    def seen(self) -> bool:
        return self.last is not None

    def row(self) -> SweepRow:
        reason = self.final.failure_reason if self.final is not None else None
        return SweepRow(self.name, self.status or "", self.final is not None, reason)


class _Rows(Sequence[SweepRow]):
    """The display's rows, made as they are read."""

    __slots__ = ("_jobs",)

    def __init__(self, jobs: dict[str, _Job]) -> None:
        self._jobs = list(jobs.values())

    def __len__(self) -> int:
        return len(self._jobs)

    @overload
    def __getitem__(self, index: int) -> SweepRow: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[SweepRow]: ...
    def __getitem__(self, index: int | slice) -> SweepRow | Sequence[SweepRow]:
        if isinstance(index, slice):
            return [job.row() for job in self._jobs[index]]
        return self._jobs[index].row()


def _status(job: JobObservation) -> str:
    return str(job.optimization_job_status)


def _summary_bound(summary: OptimizationJobSummary) -> float:
    # A summary has no StoppingCondition: assume the service's default limit (a day). The
    # job is described once this has passed, to learn its real limits.
    modified = summary.last_modified_time or summary.creation_time
    spent = (modified - summary.creation_time).total_seconds()
    return max(0.0, DEFAULT_RUNTIME_BOUND + TIMEOUT_MARGIN - max(0.0, spent))


class SweepWait:
    """A wait for ``names`` (checked: :func:`check_names`): :meth:`steps` yields what to
    do until every job has ended; each end is a :class:`Found` step, in the order the ends
    are confirmed.

    Raises, from the generator: :class:`~optjob_sdk.WaitTimeoutError` at the deadline
    (``.ended`` holds the ends found), :class:`~optjob_sdk.JobNotFoundError` for a job not
    seen within the not-found grace or deleted while waited for, a non-transient error of
    a call at once, or, when nothing was ever learnt of any job, the last transient error's
    class saying so. ``tick``: split pauses into steps of at most this many seconds,
    refreshing the display between them (a live display on the real clock).
    """

    def __init__(
        self,
        names: tuple[str, ...],
        *,
        timeout: float | None,
        poll_interval: float,
        max_poll_interval: float,
        on_update: Callable[[JobObservation], None] | None,
        display: SweepProgress,
        clock: Callable[[], float],
        backoff: JitteredBackoff,
        tick: float | None = None,
    ) -> None:
        self.jobs = {name: _Job(name) for name in names}
        self.pending = dict(self.jobs)  # the jobs not ended, in the order given
        self.timeout = timeout
        self.low = poll_interval
        self.high = max_poll_interval
        self.on_update = on_update
        self.display = display
        self.clock = clock
        self.backoff = backoff
        self.tick = tick
        self.substring = common_substring(names)
        #: The creation times of the jobs the last listing returned: how many a listing of
        #: the pending jobs' span would return (at least: a listing that stopped early
        #: returned fewer).
        self.listed: list[datetime] | None = None
        self.listing_broken = False
        self.last_error: BaseException | None = None
        self.round_error: BaseException | None = None
        self.rounds = 0
        self.counts: Counter[str] = Counter()  # final statuses
        self.start = clock()
        self.grace_end = self.start + NOT_FOUND_GRACE
        self.planned_deadline = self.deadline()

    # -- the whole wait --------------------------------------------------------------

    def steps(self) -> Steps:
        try:
            while self.pending:
                yield from self.round()
                if not self.pending:
                    break
                now = self.clock()
                self.planned_deadline = self.deadline()
                pause = plan_pause(
                    self.backoff.pause(self.rounds),
                    now,
                    deadline=self.planned_deadline,
                    low=self.low,
                    high=self.high,
                )
                if pause is None:
                    # The last round's transient error, if any, as the cause (as the single
                    # waiter chains its last poll's).
                    raise self.gave_up() from self.round_error
                self.show(next_poll=pause)
                check = self.grace_end - now
                if _SLACK < check < pause - _SLACK and self.unseen():
                    # The not-found grace ends before the next round: check the jobs never
                    # seen on time, between two rounds, without moving the schedule (which
                    # is the single waiter's for the jobs that are there).
                    yield from self.sleep(check, then=pause - check)
                    yield from self.grace_check()
                    yield from self.sleep(pause - check)
                else:
                    yield from self.sleep(pause)
        finally:
            self.display.close(self.view(None))

    def unseen(self) -> list[_Job]:
        return [job for job in self.pending.values() if not job.seen]

    def grace_check(self) -> Generator[Step, object, None]:
        """At the grace's end: is each job never seen there at all? (A name never created
        is :class:`~optjob_sdk.JobNotFoundError` now, as with the single waiter.)"""
        yield from self.describe_each(self.unseen())

    def sleep(self, pause: float, *, then: float = 0.0) -> Generator[Step, object, None]:
        """Sleep ``pause`` seconds (``then`` more follow before the next poll)."""
        if self.tick is None:
            yield Pause(pause)
            return
        # Real time with a live display: keep its clocks moving between polls. Counts
        # what it slept (not a clock), so it ends even under a clock that does not move.
        remaining = pause
        while remaining > _SLACK:
            step = min(self.tick, remaining)
            yield Pause(step)
            remaining -= step
            self.show(next_poll=max(0.0, remaining + then))

    def deadline(self) -> float:
        if self.timeout is not None:
            return self.start + self.timeout
        # Without a timeout, each job is bounded by its own limits (as the single waiter
        # bounds it) and, until a first answer about it, by the first-contact limit.
        return max(
            job.bound if job.bound is not None else self.start + FIRST_CONTACT_LIMIT
            for job in self.pending.values()
        )

    # -- one round -------------------------------------------------------------------

    def round(self) -> Generator[Step, object, None]:
        self.rounds += 1
        self.round_error = None
        pending = list(self.pending.values())
        throttled = False
        if self.worth_listing(pending):
            throttled, unreached, absent = yield from self.list_round(pending)
            now = self.clock()
            grace_over = now >= self.grace_end - _SLACK
            to_describe = [
                job
                for job in pending
                if job.listed_ended  # confirm the end, and fetch the full description
                or job.name in unreached  # the listing stopped before it: its only poll
                # Absent from a listing that covered it: not ended (maybe too new to be
                # listed yet). Describe a job seen before (deleted?), or one never seen
                # once the grace is over (does it exist?).
                or (job.name in absent and (job.seen or grace_over))
                # The job's own limits are unknown (seen in summaries only) and the day
                # assumed for them has passed: learn them.
                or (job.provisional and job.bound is not None and job.bound <= now + _SLACK)
            ]
        else:
            to_describe = pending
        if not throttled:
            yield from self.describe_each(to_describe)

    def describe_each(self, jobs: list[_Job]) -> Generator[Step, object, None]:
        """Describe each job, the least recently heard of first (a round cut short by
        throttling then starves none of them); a throttled call ends it."""
        for job in sorted(jobs, key=lambda job: job.observed_at):
            asked_at = self.clock()
            try:
                answer = yield DescribeCall(job.name)
            except JobNotFoundError as error:
                self.not_found(job, error, asked_at)
                continue
            except Exception as error:
                if not is_transient(error):
                    raise
                self.last_error = self.round_error = error
                if isinstance(error, ThrottlingError):
                    return
                continue
            assert isinstance(answer, DescribeOptimizationJobResponse)
            if self.observe(job, answer):
                yield Found(answer)

    def worth_listing(self, pending: list[_Job]) -> bool:
        """Whether this round lists: only when that can cost fewer calls than describing."""
        if self.listing_broken or len(pending) < 2:
            return False
        window = self.window(pending)
        if window is None:
            # Nothing known of where the jobs are (the first round): the probe, newest
            # first, may find none of them on its first page, one call lost. Worth the
            # risk only when it can save several.
            return len(pending) >= _FIRST_PROBE
        if self.listed is None:
            return True  # a probe: it stops as soon as it stops paying for itself
        low, high = window
        matching = sum(1 for c in self.listed if low <= c and (high is None or c <= high))
        # Exact, or a lower bound (the span reaches past what was listed): either way,
        # listing is worth it only if even this many pages beat one Describe per job.
        return max(1, math.ceil(matching / _PAGE)) < len(pending)

    def window(self, pending: list[_Job]) -> tuple[datetime, datetime | None] | None:
        """The creation times to list: from just before the earliest pending job to just
        after the latest, or to now while some were never seen (too new to be listed, they
        come last); ``None`` when no creation time is known yet."""
        created: list[datetime] = [job.creation for job in pending if job.creation is not None]
        if not created:
            return None
        low = min(created) - _MARGIN
        return low, max(created) + _MARGIN if len(created) == len(pending) else None

    def list_round(
        self, pending: list[_Job]
    ) -> Generator[Step, object, tuple[bool, set[str], set[str]]]:
        """List the pending jobs' statuses. Returns whether a call was throttled, the
        pending jobs the listing stopped before reaching (it stopped paying for itself),
        and those it should have shown and did not (absent). Both are empty when an
        error cut it short: nothing can be said of the jobs it did not reach."""
        params: dict[str, Any] = {"MaxResults": _PAGE}
        if self.substring:
            params["NameContains"] = self.substring
        window = self.window(pending)
        if window is not None:
            # Oldest first, over the span that holds the pending jobs. The jobs never seen
            # are no targets: a listing that stops early leaves them absent, not unreached
            # (they are new, so last; the grace's check describes them if need be).
            params.update(
                CreationTimeAfter=window[0],
                SortBy=SortBy.CREATION_TIME.value,
                SortOrder=SortOrder.ASCENDING.value,
            )
            if window[1] is not None:
                params["CreationTimeBefore"] = window[1]
            targets = {job.name for job in pending if job.creation is not None}
        else:
            # No creation time known yet (the first round): newest first, where jobs that
            # were just created are.
            params.update(SortBy=SortBy.CREATION_TIME.value, SortOrder=SortOrder.DESCENDING.value)
            targets = {job.name for job in pending}
        for job in pending:
            job.listed_ended = False
        found: set[str] = set()
        created: list[datetime] = []
        tokens: set[str] = set()
        pages = 0
        while True:
            try:
                answer = yield ListCall(dict(params))
            except Exception as error:
                if not is_transient(error):
                    raise
                self.last_error = self.round_error = error
                return isinstance(error, ThrottlingError), set(), set()
            assert isinstance(answer, ListOptimizationJobsResponse)
            pages += 1
            now = self.clock()
            for summary in answer.optimization_job_summaries:
                created.append(summary.creation_time)
                listed = self.pending.get(summary.optimization_job_name)
                if listed is not None:
                    found.add(listed.name)
                    self.observe(listed, summary, now=now)
            token = answer.next_token or None
            if token is None:  # complete: every matching job in the span was listed
                self.listed = created
                return False, set(), {job.name for job in pending if job.name not in found}
            if targets <= found or len(found & targets) < pages + 1:
                # Every pending job found, or the next page could not pay for itself: the
                # jobs not found are described instead.
                self.listed = created
                break
            if token in tokens:
                logger.warning(
                    "ListOptimizationJobs returned a NextToken it had already returned; "
                    "describing each job instead of listing for the rest of this wait"
                )
                self.listing_broken = True
                break
            tokens.add(token)
            params["NextToken"] = token
        # Stopped early: the targets not found were not reached; the jobs that were no
        # targets (never seen, so outside the window) are absent, as from any listing.
        unreached = targets - found
        absent = {job.name for job in pending if job.name not in found and job.name not in targets}
        return False, unreached, absent

    # -- what an answer means ----------------------------------------------------------

    def observe(self, job: _Job, seen: JobObservation, *, now: float | None = None) -> bool:
        """Take in a description or a summary of ``job``; True when its end is confirmed
        (a description with a final status). A summary's final status concludes nothing
        (list results can lag, and the end's details are in the description): it only
        marks the job to be described."""
        now = self.clock() if now is None else now
        description = isinstance(seen, DescribeOptimizationJobResponse)
        ended = seen.optimization_job_status in TERMINAL_STATUSES
        job.observed_at = now
        job.not_found = None
        job.listed_ended = ended and not description
        if job.listed_ended:
            return False
        status = _status(seen)
        recreated = job.creation is not None and seen.creation_time != job.creation
        if recreated:
            assert job.creation is not None
            logger.warning(
                "optimization job %s was deleted and re-created while being waited for: now "
                "following the new job (created %s, %s); the old one was created %s",
                printable(job.name),
                seen.creation_time.isoformat(),
                printable(status),
                job.creation.isoformat(),
            )
        elif job.status is None:
            logger.info("optimization job %s is %s", printable(job.name), printable(status))
        elif status != job.status:
            logger.info(
                "optimization job %s: %s -> %s",
                printable(job.name),
                printable(job.status),
                printable(status),
            )
        changed = recreated or status != job.status
        if job.last is None or recreated:
            job.first_seen = now
        job.status = status
        job.creation = seen.creation_time
        job.last = seen
        # Bounds count from the first sighting, as the single waiter's count from its
        # first description: a summary's (a day assumed) is replaced by the job's own
        # limits once it is described, not pushed later by the time in between.
        if isinstance(seen, DescribeOptimizationJobResponse):
            if job.bound is None or job.provisional or recreated:
                job.bound = job.first_seen + own_bound(seen)
                job.provisional = False
        elif job.bound is None or recreated:
            job.bound = job.first_seen + _summary_bound(seen)
            job.provisional = True
        if changed and self.on_update is not None:
            self.on_update(seen)
        if not (ended and isinstance(seen, DescribeOptimizationJobResponse)):
            return False
        job.final = seen
        del self.pending[job.name]
        self.counts[status] += 1
        self.display.job_ended(job.row(), self.view(None))
        return True

    def not_found(self, job: _Job, error: JobNotFoundError, asked_at: float) -> None:
        if job.seen:
            assert job.status is not None
            raise disappeared(job.name, error, job.status) from error
        if asked_at < self.grace_end - _SLACK:
            job.not_found = error  # not visible yet (the service is eventually consistent)
            self.last_error = self.round_error = error
            return
        raise never_appeared(job.name, error, round(asked_at - self.start, 1)) from error

    # -- the end -----------------------------------------------------------------------

    def gave_up(self) -> Exception:
        elapsed = round(max(0.0, self.clock() - self.start), 1)
        for job in self.pending.values():
            if not job.seen and job.not_found is not None:
                return never_appeared(job.name, job.not_found, elapsed)
        last = self.last_error
        if not any(job.seen for job in self.jobs.values()) and isinstance(last, ServiceError):
            names = list(self.pending)
            what = (
                f"optimization job {names[0]!r}"
                if len(names) == 1
                else f"{len(names)} optimization jobs ({', '.join(map(repr, names[:3]))}"
                f"{', ...' if len(names) > 3 else ''})"
            )
            return without_description(last, what, elapsed)
        return WaitTimeoutError.for_many(
            {job.name: job.last for job in self.pending.values()},
            self.ended(),
            elapsed,
            timeout=self.timeout,
        )

    def ended(self) -> dict[str, DescribeOptimizationJobResponse]:
        return {name: job.final for name, job in self.jobs.items() if job.final is not None}

    # -- the display -------------------------------------------------------------------

    def view(self, next_poll: float | None) -> SweepView:
        # Cheap for thousands of jobs: rows are made only if the display reads them, and
        # the deadline is the one planned after the last round.
        now = self.clock()
        deadline = self.planned_deadline if self.pending else math.inf
        left = max(0.0, deadline - now) if math.isfinite(deadline) else None
        return SweepView(
            rows=_Rows(self.jobs),
            ended=dict(self.counts),
            running=len(self.pending),
            elapsed=max(0.0, now - self.start),
            left=left,
            next_poll=next_poll,
        )

    def show(self, *, next_poll: float | None) -> None:
        self.display.update(self.view(next_poll))
