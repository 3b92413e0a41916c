"""The waiter on a simulated two-hour job, at the default settings, on a fake clock.

    python benchmarks/waiter_sim.py [--runs 200]

Reports the Describe calls made and the detection delay (from the job reaching COMPLETED to
the waiter returning), against the ideal of one call per interval: a poller that calls
exactly every ``poll_interval`` (30 s) makes 240 calls and detects within 30 s; one that
calls every ``max_poll_interval`` (120 s) makes 60 calls and detects within 120 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
from datetime import datetime, timedelta, timezone

from optjob_sdk.testing import Durations, FakeOptimizationService

JOB_SECONDS = 2 * 3600.0


def simulate(seed: int) -> tuple[int, float]:
    from optjob_sdk import OptimizationJobClient
    from optjob_sdk.waiting import DEFAULT_MAX_POLL_INTERVAL, wait_for_job

    service = FakeOptimizationService(
        start_time=datetime(2026, 1, 1, tzinfo=timezone.utc),
        durations=Durations(starting=60.0, in_progress=JOB_SECONDS - 60.0, stopping=30.0),
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
    job = wait_for_job(
        client._describe_for_wait,  # the client's wait, minus its name check
        "two-hours",
        max_poll_interval=DEFAULT_MAX_POLL_INTERVAL,
        sleep=service.advance,
        clock=service.monotonic,
        progress=False,
        rng=random.Random(seed),
    )
    assert job.optimization_end_time is not None
    delay = (service.now - job.optimization_end_time) / timedelta(seconds=1)
    return service.calls("DescribeOptimizationJob"), delay


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    results = [simulate(seed) for seed in range(runs)]
    calls = [c for c, _ in results]
    delays = [d for _, d in results]
    print(f"simulated 2-hour job, default settings (30 s growing to 120 s), {runs} seeds")
    print(
        f"Describe calls: median {statistics.median(calls):.0f}, min {min(calls)}, max {max(calls)}"
    )
    print(f"detection delay: median {statistics.median(delays):.1f} s, max {max(delays):.1f} s")
    print("ideal at 30 s: 240 calls, delay <= 30 s; ideal at 120 s: 60 calls, delay <= 120 s")


if __name__ == "__main__":
    main()
