"""A scripted account for many-job waits: jobs with creation and end times on a fake clock,
answered by ``describe`` and ``list_page`` as the service would (list results optionally
lagging), with every call recorded. Fast enough for property tests of hundreds of jobs."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import attrs
from waiter_support import CREATED, description

from optjob_sdk import (
    DescribeOptimizationJobResponse,
    JobNotFoundError,
    ListOptimizationJobsResponse,
    OptimizationJobSummary,
)
from optjob_sdk.waiting import JitteredBackoff, jobs_as_completed, wait_for_job

EPOCH = CREATED


@attrs.define
class Job:
    name: str
    created: float  # seconds on the fake clock
    ends: float  # when it reaches ``outcome``
    outcome: str = "COMPLETED"
    reason: str | None = None

    def status(self, at: float) -> str:
        if at < self.created + min(60.0, (self.ends - self.created) / 2):
            return "STARTING"
        return self.outcome if at >= self.ends else "INPROGRESS"

    def modified(self, at: float) -> float:
        starting_end = self.created + min(60.0, (self.ends - self.created) / 2)
        return (
            self.ends if at >= self.ends else (starting_end if at >= starting_end else self.created)
        )


def when(seconds: float) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


class World:
    """The account. ``fault(operation, index) -> exception or None`` injects failures."""

    def __init__(
        self,
        jobs: list[Job],
        *,
        list_lag: float = 0.0,
        fault: Callable[[str, int], BaseException | None] | None = None,
    ) -> None:
        self.jobs = {job.name: job for job in jobs}
        self.list_lag = list_lag
        self.fault = fault
        self.now = 0.0
        self.calls: list[tuple[float, str, Any]] = []
        self.sleeps: list[float] = []

    # -- the fake clock ----------------------------------------------------------------

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    def count(self, operation: str) -> int:
        return sum(1 for _, op, _ in self.calls if op == operation)

    def _maybe_fail(self, operation: str) -> None:
        if self.fault is not None:
            error = self.fault(operation, self.count(operation) - 1)
            if error is not None:
                raise error

    # -- the operations ----------------------------------------------------------------

    def describe(self, name: str) -> DescribeOptimizationJobResponse:
        self.calls.append((self.now, "Describe", name))
        self._maybe_fail("Describe")
        job = self.jobs.get(name)
        if job is None or self.now < job.created:
            raise JobNotFoundError(
                f"Optimization job {name} does not exist.", code="ResourceNotFound"
            )
        status = job.status(self.now)
        return attrs.evolve(
            description(status, reason=job.reason if status == "FAILED" else None),
            optimization_job_name=name,
            optimization_job_arn=f"arn:aws:sagemaker:us-west-2:111122223333:optimization-job/{name}",
            creation_time=when(job.created),
            last_modified_time=when(job.modified(self.now)),
            optimization_end_time=when(job.ends) if self.now >= job.ends else None,
        )

    def list_page(self, params: dict[str, Any]) -> ListOptimizationJobsResponse:
        self.calls.append((self.now, "List", dict(params)))
        self._maybe_fail("List")
        at = self.now - self.list_lag
        contains = str(params.get("NameContains") or "").lower()
        after: datetime | None = params.get("CreationTimeAfter")
        before: datetime | None = params.get("CreationTimeBefore")
        matching = [
            job
            for job in self.jobs.values()
            if job.created <= at
            and contains in job.name.lower()
            and (after is None or when(job.created) > after)
            and (before is None or when(job.created) < before)
        ]
        descending = params.get("SortOrder") == "Descending"
        matching.sort(key=lambda job: (job.created, job.name), reverse=descending)
        start = int(params.get("NextToken") or 0)
        size = int(params.get("MaxResults", 50))
        page = matching[start : start + size]
        summaries = tuple(
            OptimizationJobSummary(
                optimization_job_name=job.name,
                optimization_job_arn=f"arn:aws:sagemaker:us-west-2:111122223333:optimization-job/{job.name}",
                creation_time=when(job.created),
                optimization_job_status=job.status(at),
                last_modified_time=when(job.modified(at)),
                deployment_instance_type="ml.g5.12xlarge",
                optimization_types=("Quantization",),
            )
            for job in page
        )
        token = str(start + size) if start + size < len(matching) else None
        return ListOptimizationJobsResponse(optimization_job_summaries=summaries, next_token=token)

    # -- waiting -------------------------------------------------------------------------

    def as_completed(self, names: list[str], **kw: Any) -> Any:
        kw.setdefault("progress", False)
        return jobs_as_completed(
            self.describe, self.list_page, names, sleep=self.sleep, clock=self.clock, **kw
        )

    def single_poll_times(self, name: str, **kw: Any) -> list[float]:
        """The times a single waiter on the same schedule polls ``name`` (on a copy of
        this world), until it sees the end."""
        copy = World(list(self.jobs.values()))  # the clock at 0, where waits begin here
        # FAILED, STOPPED, timeouts: raised; the polls are what matter.
        with contextlib.suppress(Exception):
            wait_for_job(
                copy.describe, name, sleep=copy.sleep, clock=copy.clock, progress=False, **kw
            )
        return [at for at, _, _ in copy.calls]


def schedule(seed: int, until: float, low: float = 30.0, high: float = 120.0) -> list[float]:
    """The poll times of a wait on ``random.Random(seed)`` with no deadline and no grace to
    fit: 0, then pauses growing by half with jitter (JitteredBackoff), up to ``until``."""
    backoff = JitteredBackoff(low, high, random.Random(seed))
    times, attempt = [0.0], 1
    while times[-1] <= until:
        times.append(times[-1] + backoff.pause(attempt))
        attempt += 1
    return times


def found_at(world: World, names: list[str], **kw: Any) -> dict[str, tuple[float, str]]:
    """Run ``as_completed`` over ``names``: each job's (time found, final status)."""
    out: dict[str, tuple[float, str]] = {}
    for job in world.as_completed(names, **kw):
        assert job.optimization_job_name not in out, "a job was returned twice"
        out[job.optimization_job_name] = (world.now, str(job.optimization_job_status))
    return out
