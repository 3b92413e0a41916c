"""What the client costs over boto3, measured in one run.

    python benchmarks/client_bench.py [--rounds 300] [--repeats 9] [--jobs 10000]

- calls: the number of ListOptimizationJobs requests ``client.list()`` makes to go through
  10,000 jobs (ideal: 100, at the API's maximum of 100 a page), and with ``max_items``;
- describe: ``OptimizationJobClient.describe`` against a raw boto3
  ``describe_optimization_job`` on the same in-process endpoint (a ``before-send`` handler
  answering from memory, so both go through botocore's real serializer and parser).
  Repetitions are interleaved; the figures are median per-call times and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from _endpoint import NAME, FakeEndpoint, make_client

from optjob_sdk import OptimizationJobClient


def timed(fn: Callable[[], Any], rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        fn()
    return (time.perf_counter() - start) / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300, help="calls per timed repetition")
    parser.add_argument("--repeats", type=int, default=9, help="interleaved repetitions")
    parser.add_argument("--jobs", type=int, default=10_000, help="jobs to list")
    args = parser.parse_args()

    endpoint = FakeEndpoint(args.jobs)
    raw = make_client(endpoint)
    client = OptimizationJobClient(raw)

    count = sum(1 for _ in client.list())
    calls = endpoint.calls.get("ListOptimizationJobs", 0)
    ideal = -(-args.jobs // 100)
    print(f"list: {count} jobs in {calls} ListOptimizationJobs calls (ideal {ideal})")
    endpoint.calls.clear()
    count = sum(1 for _ in client.list(max_items=250))
    calls = endpoint.calls.get("ListOptimizationJobs", 0)
    print(f"list(max_items=250): {count} jobs in {calls} calls (ideal 3)")

    # Warm both paths (botocore's caches, the SDK's structure hooks) before timing.
    for _ in range(50):
        raw.describe_optimization_job(OptimizationJobName=NAME)
        client.describe(NAME)
    sdk_times: list[float] = []
    raw_times: list[float] = []
    for repeat in range(args.repeats):
        # Alternate which goes first, so neither always benefits from a warm cache.
        pair = [
            (raw_times, lambda: raw.describe_optimization_job(OptimizationJobName=NAME)),
            (sdk_times, lambda: client.describe(NAME)),
        ]
        if repeat % 2:
            pair.reverse()
        for times, fn in pair:
            times.append(timed(fn, args.rounds))
    raw_median = statistics.median(raw_times)
    sdk_median = statistics.median(sdk_times)
    print(f"describe, boto3 raw:      {raw_median * 1e6:8.1f} us/call (median of {args.repeats})")
    print(f"describe, optjob client:  {sdk_median * 1e6:8.1f} us/call (median of {args.repeats})")
    print(f"ratio client/raw: {sdk_median / raw_median:.2f}")


if __name__ == "__main__":
    main()
