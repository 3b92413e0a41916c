"""The waiter on a simulated two-hour job, at the default settings, on the emulator's clock.

    python benchmarks/waiter_sim.py [--runs 100]

Each run creates a job on the emulator that takes two hours plus a random part of one
``max_poll_interval`` (so that the job's end falls at every phase of the poll schedule),
waits for it with ``client.describe`` through :func:`optjob_sdk.waiting.wait_for_job`
(``sleep=service.advance``: no real waiting) and measures:

- the DescribeOptimizationJob calls the emulator received;
- the detection delay: from the job reaching COMPLETED (its ``OptimizationEndTime``) to the
  waiter returning, in virtual seconds.

It prints them beside the ideal of one call per interval, on the same job lengths: a
poller that calls exactly every 30 s (``poll_interval``) or every 120 s
(``max_poll_interval``), starting at once.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
from datetime import datetime, timedelta, timezone

from optjob_sdk import OptimizationJobClient
from optjob_sdk.testing import Durations, FakeOptimizationService
from optjob_sdk.waiting import DEFAULT_MAX_POLL_INTERVAL, wait_for_job

POLL_INTERVAL = 30.0  # wait_for_job's default
STARTING = 60.0  # the emulator's default time STARTING
TWO_HOURS = 2 * 3600.0


def simulate(seed: int) -> tuple[float, int, float]:
    """One run: (job length from creation to COMPLETED, Describe calls, detection delay)."""
    draw = random.Random(seed)
    length = TWO_HOURS + draw.uniform(0, DEFAULT_MAX_POLL_INTERVAL)
    service = FakeOptimizationService(
        start_time=datetime(2026, 1, 1, tzinfo=timezone.utc),
        durations=Durations(starting=STARTING, in_progress=length - STARTING),
    )
    sm = service.client()
    sm.create_optimization_job(
        OptimizationJobName="two-hours",
        RoleArn="arn:aws:iam::111122223333:role/SageMakerOptimizationRole",
        ModelSource={"S3": {"S3Uri": "s3://example-models/llama/"}},
        DeploymentInstanceType="ml.g5.12xlarge",
        OptimizationConfigs=[{"ModelQuantizationConfig": {}}],
        OutputConfig={"S3OutputLocation": "s3://example-models/out/"},
        StoppingCondition={"MaxRuntimeInSeconds": 36000},
    )
    client = OptimizationJobClient(sm)
    job = wait_for_job(  # what client.wait runs, with the jitter seeded
        client.describe,
        "two-hours",
        sleep=service.advance,
        clock=service.monotonic,
        progress=False,
        rng=random.Random(seed),
    )
    assert job.optimization_end_time is not None
    delay = (service.now - job.optimization_end_time) / timedelta(seconds=1)
    return length, service.calls("DescribeOptimizationJob"), delay


def fixed_poller(length: float, interval: float) -> tuple[int, float]:
    """A poller calling at 0, interval, 2 * interval...: (calls, detection delay)."""
    polls_after_the_first = math.ceil(length / interval)
    return polls_after_the_first + 1, polls_after_the_first * interval - length


def summary(label: str, calls: list[int], delays: list[float]) -> str:
    p95 = statistics.quantiles(delays, n=20)[-1] if len(delays) > 1 else delays[0]
    return (
        f"{label:<26} {statistics.mean(calls):7.1f} {min(calls):5d} {max(calls):5d}"
        f" {statistics.mean(delays):9.1f} {statistics.median(delays):8.1f} {p95:7.1f}"
        f" {max(delays):7.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="the waiter on a simulated two-hour job")
    parser.add_argument("--runs", type=int, default=100)
    runs = parser.parse_args().runs
    results = [simulate(seed) for seed in range(runs)]
    lengths = [length for length, _, _ in results]
    print(
        f"a simulated 2-hour job (+ 0-{DEFAULT_MAX_POLL_INTERVAL:g} s), {runs} runs; "
        f"waiter at its defaults: poll_interval {POLL_INTERVAL:g} s growing by half per poll "
        f"(+0-20 % jitter) to max_poll_interval {DEFAULT_MAX_POLL_INTERVAL:g} s"
    )
    print()
    print(
        f"{'':<26} {'calls':>7} {'min':>5} {'max':>5}"
        f" {'delay(s)':>9} {'median':>8} {'p95':>7} {'max':>7}"
    )
    print(summary("waiter (defaults)", [c for _, c, _ in results], [d for _, _, d in results]))
    for interval in (POLL_INTERVAL, DEFAULT_MAX_POLL_INTERVAL):
        fixed = [fixed_poller(length, interval) for length in lengths]
        print(
            summary(
                f"ideal: one call per {interval:g} s",
                [c for c, _ in fixed],
                [d for _, d in fixed],
            )
        )


if __name__ == "__main__":
    main()
