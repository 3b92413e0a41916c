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
import json
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3  # type: ignore[import-untyped]
from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]

from optjob_sdk import OptimizationJobClient

NAME = "llama3-8b-awq-2026-11-24"
DESCRIBE = {
    "OptimizationJobArn": f"arn:aws:sagemaker:us-west-2:111122223333:optimization-job/{NAME}",
    "OptimizationJobStatus": "COMPLETED",
    "OptimizationStartTime": 1795996920.123,
    "OptimizationEndTime": 1795998612.456,
    "CreationTime": 1795996800.0,
    "LastModifiedTime": 1795998612.456,
    "OptimizationJobName": NAME,
    "ModelSource": {"S3": {"S3Uri": "s3://example-models/meta-llama-3-8b-instruct/"}},
    "OptimizationEnvironment": {"HF_TOKEN": "hf_exampleSecretValue0123456789"},
    "DeploymentInstanceType": "ml.g5.12xlarge",
    "OptimizationConfigs": [
        {"ModelQuantizationConfig": {"OverrideEnvironment": {"OPTION_QUANTIZE": "awq"}}}
    ],
    "OutputConfig": {"S3OutputLocation": "s3://example-models/optimized/llama3-8b-awq/"},
    "RoleArn": "arn:aws:iam::111122223333:role/service-role/SageMakerOptimizationRole",
    "StoppingCondition": {"MaxRuntimeInSeconds": 7200},
}


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


class FakeEndpoint:
    """Answers DescribeOptimizationJob and ListOptimizationJobs (over ``jobs`` jobs)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.calls: dict[str, int] = {}
        self._describe = json.dumps(DESCRIBE).encode()

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        operation = request.headers["X-Amz-Target"].decode().split(".")[-1]
        self.calls[operation] = self.calls.get(operation, 0) + 1
        if operation == "DescribeOptimizationJob":
            data = self._describe
        else:
            body = json.loads(request.body)
            offset = int(body.get("NextToken", "0"))
            end = min(offset + body.get("MaxResults", 50), self.jobs)
            page: dict[str, Any] = {
                "OptimizationJobSummaries": [
                    {
                        "OptimizationJobName": f"job-{i}",
                        "OptimizationJobArn": (
                            f"arn:aws:sagemaker:us-west-2:111122223333:optimization-job/job-{i}"
                        ),
                        "CreationTime": 1795996800 + i,
                        "OptimizationJobStatus": "COMPLETED",
                        "DeploymentInstanceType": "ml.g5.12xlarge",
                        "OptimizationTypes": ["Quantization"],
                    }
                    for i in range(offset, end)
                ]
            }
            if end < self.jobs:
                page["NextToken"] = str(end)
            data = json.dumps(page).encode()
        headers = {"x-amzn-RequestId": "bench", "Content-Type": "application/x-amz-json-1.1"}
        return AWSResponse(request.url, 200, headers, _Raw(data))


def make_client(endpoint: FakeEndpoint) -> Any:
    client = boto3.client(
        "sagemaker",
        region_name="us-west-2",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"total_max_attempts": 1}),
    )
    client.meta.events.register("before-send.sagemaker", endpoint)
    return client


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
