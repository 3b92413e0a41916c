"""Many jobs at once, measured: ``wait_many``/``as_completed`` against one ``wait`` per job.

    python benchmarks/sweep_sim.py [--seed 0] [--sizes 1,10,100,1000] [--among 5000]
                                   [--list-lag 0] [--only single|many]

Everything runs on the emulator's virtual clock (no real waiting). Each case creates a
sweep of N jobs at once, each with its own INPROGRESS time drawn between 10 minutes and 3
hours (a minute STARTING before it), about one in twenty FAILED and one in thirty STOPPED,
then waits for them all four ways, each on a fresh copy of the same world:

- ``wait x N``: one ``client.wait(name)`` per job, each in its own thread, as a user without
  ``wait_many`` would write it (``JobFailedError``/``JobStoppedError`` are ends too). The
  threads share one virtual clock through a small discrete-event scheduler: a thread's
  ``sleep(s)`` registers its wake-up time and blocks; when every live waiter is blocked, the
  scheduler moves the service's clock to the earliest wake-up and releases that thread.
- ``wait_many``: ``client.wait_many(names)``; its detection time of a job is when it first
  reports the job's end through ``on_update`` (it returns once all have ended).
- ``as_completed``: ``client.as_completed(names)``; detection is when it yields the job.

Plus the case of N = 3 among ``--among`` unrelated jobs (created over the day before, one
every 15 s, with unrelated names). All waiters run at their defaults (poll_interval 30 s
growing to max_poll_interval 120 s, with jitter drawn from ``random.Random(seed)``),
``progress=False``.

It reports the calls the emulator received while waiting (by operation), and the mean and
maximum delay between a job's end (its ``OptimizationEndTime`` on the emulator's timeline)
and its detection, in virtual seconds; every waiter's ends are checked against the
service's. Then the issue's targets, each PASS or FAIL:

- at N >= 100, at least 10x fewer calls than one waiter per job;
- detection delay (mean and max) no worse than one waiter per job;
- at 3 among 5,000, no more calls than three single waiters.

The exit status is 1 when a target fails. ``--list-lag S`` makes listings lag Describe by S
seconds (the emulator's ``list_lag``), as the eventually consistent service's can.
"""

from __future__ import annotations

import argparse
import functools
import heapq
import json
import platform
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from optjob_sdk import (
    DescribeOptimizationJobResponse,
    JobFailedError,
    JobStoppedError,
    OptimizationJobClient,
)
from optjob_sdk.testing import Durations, FakeOptimizationService

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
STARTING = 60.0
SHORTEST, LONGEST = 10 * 60.0, 3 * 3600.0  # INPROGRESS, drawn per job
UNRELATED_EVERY = 15.0  # seconds between two unrelated jobs' creations
SLACK = 1e-6  # seconds: equal delays summed in another order may differ in the last bit
WAITED = ("DescribeOptimizationJob", "ListOptimizationJobs")
REQUEST: dict[str, Any] = {
    "RoleArn": "arn:aws:iam::111122223333:role/SageMakerOptimizationRole",
    "ModelSource": {"S3": {"S3Uri": "s3://example-models/llama/"}},
    "DeploymentInstanceType": "ml.g5.12xlarge",
    "OptimizationConfigs": [
        {"ModelQuantizationConfig": {"OverrideEnvironment": {"OPTION_QUANTIZE": "awq"}}}
    ],
    "OutputConfig": {"S3OutputLocation": "s3://example-models/out/"},
    "StoppingCondition": {"MaxRuntimeInSeconds": 4 * 3600},
}


# -- the world ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    label: str
    jobs: int
    unrelated: int = 0


def outcome(index: int) -> str:
    """About one job in twenty FAILED and one in thirty STOPPED, at fixed places (so that
    ten jobs already hold one of each)."""
    if index % 20 == 7:
        return "FAILED"
    if index % 30 == 5:
        return "STOPPED"
    return "COMPLETED"


def create(service: FakeOptimizationService, name: str) -> None:
    # The raw protocol (no boto3): 5,000 creations in seconds. Counted apart from the wait.
    answer = service.handle(
        "SageMaker.CreateOptimizationJob",
        json.dumps({**REQUEST, "OptimizationJobName": name}).encode(),
    )
    assert answer.status == 200, answer.body


def world(case: Case, seed: int, list_lag: float) -> tuple[FakeOptimizationService, list[str]]:
    """A fresh emulator holding the case's jobs, all created at the same virtual instant (the
    unrelated ones over the day before); the same for the same case and seed."""
    service = FakeOptimizationService(start_time=START, seed=seed, list_lag=list_lag)
    for index in range(case.unrelated):
        create(service, f"nightly-eval-{index:05d}")
        service.advance(UNRELATED_EVERY)
    draw = random.Random(seed)
    names = [f"sweep-{index:04d}" for index in range(case.jobs)]
    for index, name in enumerate(names):
        durations = Durations(STARTING, draw.uniform(SHORTEST, LONGEST), 30.0)
        service.set_outcome(name, outcome(index), durations=durations)
        create(service, name)
    return service, names


# -- one virtual clock for many threads ------------------------------------------------------


class VirtualScheduler:
    """A discrete-event scheduler over the emulator's clock, for waiters in threads.

    Each thread's ``sleep(s)`` registers its wake-up time and blocks. When every live thread
    is blocked (or has ended), the scheduler moves the service's clock to the earliest
    wake-up and releases that thread alone; the clock never moves while a thread runs. Ties
    are released in the order they were registered.
    """

    def __init__(self, service: FakeOptimizationService, threads: int) -> None:
        self._service = service
        self._lock = threading.Lock()
        self._live = threads
        self._blocked = 0
        self._order = 0
        self._wakeups: list[tuple[float, int, threading.Event]] = []

    def sleep(self, seconds: float) -> None:
        # One event per sleeper: releasing one thread wakes that thread only.
        wake = threading.Event()
        with self._lock:
            heapq.heappush(self._wakeups, (self._service.monotonic() + seconds, self._order, wake))
            self._order += 1
            self._blocked += 1
            self._release_next()
        wake.wait()

    def done(self) -> None:
        """The calling thread ends: it will never sleep again."""
        with self._lock:
            self._live -= 1
            self._release_next()

    def _release_next(self) -> None:
        if self._blocked < self._live or not self._wakeups:
            return
        at, _, wake = heapq.heappop(self._wakeups)
        now = self._service.monotonic()
        if at > now:
            self._service.advance(at - now)
        self._blocked -= 1
        wake.set()


# -- the waiters --------------------------------------------------------------------------------


@dataclass
class Result:
    """What one way of waiting cost and how fast it saw each end."""

    calls: Counter[str] = field(default_factory=Counter[str])
    detected: dict[str, datetime] = field(default_factory=dict[str, datetime])  # seen ended
    ends: dict[str, DescribeOptimizationJobResponse] = field(
        default_factory=dict[str, DescribeOptimizationJobResponse]
    )
    wall: float = 0.0

    def delays(self) -> list[float]:
        return [
            (self.detected[name] - end_time(job)) / timedelta(seconds=1)
            for name, job in self.ends.items()
        ]


def end_time(job: DescribeOptimizationJobResponse) -> datetime:
    assert job.optimization_end_time is not None, job.optimization_job_name
    return job.optimization_end_time


def measured(
    service: FakeOptimizationService, names: list[str], wait: Callable[[Result], None]
) -> Result:
    """Run ``wait``, counting the calls it makes and the real time it takes; check that it
    saw every job's true end."""
    before = Counter({op: service.calls(op) for op in WAITED})
    result = Result()
    start = time.perf_counter()
    wait(result)
    result.wall = time.perf_counter() - start
    result.calls = Counter({op: service.calls(op) for op in WAITED}) - before
    truth = OptimizationJobClient(service.client())
    for name in names:
        job = truth.describe(name)
        seen = result.ends[name]
        assert seen.optimization_job_status == job.optimization_job_status, name
        assert seen.optimization_end_time == job.optimization_end_time, name
        assert result.detected[name] >= end_time(job), name
    assert sorted(result.ends) == sorted(names)
    return result


def one_wait_per_job(
    service: FakeOptimizationService, names: list[str], seed: int, *, own_jitter: bool = False
) -> Result:
    """``own_jitter``: each waiter draws its jitter from its own ``random.Random``; by
    default all draw the same as the many-job waiter (the same schedule: the issue's "as fast
    as a single waiter on the same schedule"), so that the delays compare the ways of
    polling rather than the luck of the draw."""
    client = OptimizationJobClient(service.client())
    scheduler = VirtualScheduler(service, len(names))
    problems: list[BaseException] = []

    def run(result: Result) -> None:
        def waiter(index: int, name: str) -> None:
            try:
                try:
                    job = client.wait(
                        name,
                        sleep=scheduler.sleep,
                        clock=service.monotonic,
                        rng=random.Random(seed * 100_003 + index if own_jitter else seed),
                        progress=False,
                    )
                except (JobFailedError, JobStoppedError) as error:
                    job = error.job  # a sweep's ends too
                result.detected[name] = service.now  # the clock cannot move: we run
                result.ends[name] = job
            except BaseException as error:
                problems.append(error)
            finally:
                scheduler.done()

        threads = [
            threading.Thread(target=waiter, args=(index, name), daemon=True)
            for index, name in enumerate(names)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if problems:
            raise problems[0]

    return measured(service, names, run)


def wait_many(service: FakeOptimizationService, names: list[str], seed: int) -> Result:
    client = OptimizationJobClient(service.client())

    def run(result: Result) -> None:
        def on_update(seen: Any) -> None:
            if seen.optimization_job_status in ("COMPLETED", "FAILED", "STOPPED"):
                result.detected.setdefault(seen.optimization_job_name, service.now)

        result.ends.update(
            client.wait_many(
                names,
                sleep=service.advance,
                clock=service.monotonic,
                rng=random.Random(seed),
                on_update=on_update,
                progress=False,
            )
        )
        returned = service.now
        for name in names:  # an end that on_update did not report: when it returned
            result.detected.setdefault(name, returned)

    return measured(service, names, run)


def as_completed(service: FakeOptimizationService, names: list[str], seed: int) -> Result:
    client = OptimizationJobClient(service.client())

    def run(result: Result) -> None:
        jobs: Iterator[DescribeOptimizationJobResponse] = client.as_completed(
            names,
            sleep=service.advance,
            clock=service.monotonic,
            rng=random.Random(seed),
            progress=False,
        )
        for job in jobs:
            name = job.optimization_job_name
            assert name not in result.ends, f"{name} came twice"
            result.detected[name] = service.now
            result.ends[name] = job

    return measured(service, names, run)


WAYS: dict[str, Callable[[FakeOptimizationService, list[str], int], Result]] = {
    "wait x N": one_wait_per_job,
    "wait_many": wait_many,
    "as_completed": as_completed,
}
MANY = ("wait_many", "as_completed")


# -- the report ---------------------------------------------------------------------------------


def row(case: Case, way: str, result: Result) -> str:
    delays = result.delays()
    by_op = ", ".join(
        f"{op.removesuffix('OptimizationJob').removesuffix('OptimizationJobs')} "
        f"{result.calls[op]:,}"
        for op in WAITED
        if result.calls[op]
    )
    return (
        f"| {case.label} | {way} | {sum(result.calls.values()):,} | {by_op} "
        f"| {statistics.mean(delays):.1f} | {max(delays):.1f} | {result.wall:.1f} |"
    )


def targets(case: Case, results: dict[str, Result]) -> list[tuple[str, bool]]:
    """The issue's targets for one case, each with whether it holds."""
    single = results.get("wait x N")
    if single is None:
        return []
    checks: list[tuple[str, bool]] = []
    single_calls = sum(single.calls.values())
    single_delays = single.delays()
    for way in MANY:
        if way not in results:
            continue
        many = results[way]
        calls = sum(many.calls.values())
        delays = many.delays()
        if case.unrelated:
            checks.append(
                (
                    f"{case.label}, {way}: calls {calls:,} <= {case.jobs} single waiters' "
                    f"{single_calls:,}",
                    calls <= single_calls,
                )
            )
        elif case.jobs >= 100:
            checks.append(
                (
                    f"{case.label}, {way}: calls {calls:,} x 10 <= one wait per job's "
                    f"{single_calls:,} ({single_calls / max(calls, 1):.1f}x fewer)",
                    calls * 10 <= single_calls,
                )
            )
        checks.append(
            (
                f"{case.label}, {way}: mean delay {statistics.mean(delays):.1f} s <= "
                f"{statistics.mean(single_delays):.1f} s",
                statistics.mean(delays) <= statistics.mean(single_delays) + SLACK,
            )
        )
        checks.append(
            (
                f"{case.label}, {way}: max delay {max(delays):.1f} s <= {max(single_delays):.1f} s",
                max(delays) <= max(single_delays) + SLACK,
            )
        )
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sizes", default="1,10,100,1000", help="sweep sizes, comma-separated")
    parser.add_argument("--among", type=int, default=5000, help="unrelated jobs for N = 3")
    parser.add_argument("--list-lag", type=float, default=0.0)
    parser.add_argument("--only", choices=("single", "many"), default=None)
    parser.add_argument(
        "--own-jitter",
        action="store_true",
        help="each single waiter draws its own jitter (default: the same as the many-job waiter)",
    )
    args = parser.parse_args()
    cases = [Case(f"{int(size):,}", int(size)) for size in args.sizes.split(",") if size]
    if args.among:
        cases.append(Case(f"3 among {args.among:,}", 3, args.among))
    ways = {
        way: run
        for way, run in WAYS.items()
        if args.only is None or (way in MANY) == (args.only == "many")
    }
    if "wait x N" in ways:
        ways["wait x N"] = functools.partial(one_wait_per_job, own_jitter=args.own_jitter)
    print(
        f"seed {args.seed}, single waiters' jitter: {'own' if args.own_jitter else 'same'}, "
        f"list lag {args.list_lag:g} s; jobs: {STARTING:g} s STARTING, then "
        f"{SHORTEST / 60:g} min to {LONGEST / 3600:g} h INPROGRESS; waiters at their defaults; "
        f"Python {platform.python_version()} on {platform.machine()}"
    )
    print()
    print("| N | waiter | calls | by operation | mean delay (s) | max delay (s) | wall (s) |")
    print("|---|---|---:|---|---:|---:|---:|")
    checks: list[tuple[str, bool]] = []
    for case in cases:
        results: dict[str, Result] = {}
        for way, run in ways.items():
            service, names = world(case, args.seed, args.list_lag)
            results[way] = run(service, names, args.seed)
            print(row(case, way, results[way]), flush=True)
        checks += targets(case, results)
    print()
    for text, holds in checks:
        print(f"{'PASS' if holds else 'FAIL'}  {text}")
    return 0 if all(holds for _, holds in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
