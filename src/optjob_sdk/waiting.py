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

import random
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, TypedDict

import tenacity

from optjob_sdk import _many
from optjob_sdk._schedule import (
    DEFAULT_MAX_POLL_INTERVAL,
    DEFAULT_RUNTIME_BOUND,
    FIRST_CONTACT_LIMIT,
    NOT_FOUND_GRACE,
    TERMINAL_STATUSES,
    TIMEOUT_MARGIN,
    JitteredBackoff,
    check_wait_arguments,
    fit_pause,
    own_bound,
    plan_pause,
)
from optjob_sdk._waits import make_waiter, plan_sweep, ticks
from optjob_sdk.errors import (
    JobNotFoundError,
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
    waiter = make_waiter(
        name,
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        on_update=on_update,
        progress=progress,
        sleep=sleep,
        clock=clock,
        rng=rng,
    )

    def ticking(seconds: float) -> None:
        # Real time with a live display: keep its clocks moving between polls.
        for step in ticks(seconds):
            _real_sleep(step)
            waiter.show()

    if sleep is None:
        sleep = ticking if waiter.display.live else _real_sleep

    def poll() -> DescribeOptimizationJobResponse:
        asked_at = waiter.clock()
        try:
            job = describe(name)
        except JobNotFoundError as error:
            raise waiter.not_found(error, asked_at) from error
        return waiter.observe(job)

    try:
        job = tenacity.Retrying(sleep=sleep, **waiter.options())(poll)
    except tenacity.RetryError as error:
        raise waiter.gave_up(error)  # noqa: B904 (its __cause__ is set: the last poll's error)
    finally:
        waiter.display.close()
    return waiter.finish(job)


def _real_sleep(seconds: float) -> None:
    # Looked up at call time, so that tests can replace it. In slices of at most a day:
    # time.sleep overflows on an absurd (but finite) pause.
    while seconds > 0:
        step = min(seconds, 86400.0)
        time.sleep(step)
        seconds -= step


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
    steps = plan_sweep(
        names,
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        on_update=on_update,
        progress=progress,
        sleep=sleep,
        clock=clock,
        rng=rng,
    )
    return _drive(steps, describe, list_page, sleep)


def _drive(
    steps: _many.Steps | None,
    describe: Callable[[str], DescribeOptimizationJobResponse],
    list_page: Callable[[dict[str, object]], ListOptimizationJobsResponse],
    sleep: Callable[[float], None] | None,
) -> Generator[DescribeOptimizationJobResponse, None, None]:
    """Do what the sweep says, one step at a time (the async client drives it with await)."""
    if steps is None:
        return
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
