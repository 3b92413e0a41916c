"""The emulator's throughput in DescribeOptimizationJob calls per second.

    python benchmarks/emulator_throughput.py [--calls 2000]

Through a real boto3 client both ways: in-process (botocore's before-send hook) and over
HTTP on 127.0.0.1 (keep-alive). Bounded loops, loopback only.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import boto3

from optjob_sdk.testing import FakeOptimizationService

REQUEST: dict[str, Any] = {
    "OptimizationJobName": "bench",
    "RoleArn": "arn:aws:iam::111122223333:role/SageMakerOptimizationRole",
    "ModelSource": {"S3": {"S3Uri": "s3://example-models/llama/"}},
    "DeploymentInstanceType": "ml.g5.12xlarge",
    "OptimizationConfigs": [
        {"ModelQuantizationConfig": {"OverrideEnvironment": {"OPTION_QUANTIZE": "awq"}}}
    ],
    "OutputConfig": {"S3OutputLocation": "s3://example-models/out/"},
    "StoppingCondition": {"MaxRuntimeInSeconds": 7200},
}


def rate(client: Any, calls: int) -> float:
    for _ in range(20):  # warm up connections and caches
        client.describe_optimization_job(OptimizationJobName="bench")
    start = time.perf_counter()
    for _ in range(calls):
        client.describe_optimization_job(OptimizationJobName="bench")
    return calls / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    calls = parser.parse_args().calls
    service = FakeOptimizationService()
    in_process = service.client()
    in_process.create_optimization_job(**json.loads(json.dumps(REQUEST)))
    results = {"in-process": rate(in_process, calls)}
    with service.serve() as url:
        http = boto3.client(
            "sagemaker",
            endpoint_url=url,
            region_name="us-west-2",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        results["http (127.0.0.1)"] = rate(http, calls)
    raw_start = time.perf_counter()
    body = json.dumps({"OptimizationJobName": "bench"}).encode()
    for _ in range(calls):
        service.handle("SageMaker.DescribeOptimizationJob", body)
    results["raw handle() (no boto3)"] = calls / (time.perf_counter() - raw_start)
    for name, value in results.items():
        print(f"{name:26s} {value:9.0f} Describe calls/s")


if __name__ == "__main__":
    main()
