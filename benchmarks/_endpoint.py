"""An in-process SageMaker endpoint for the benchmarks (bench.py, client_bench.py).

:class:`FakeEndpoint` is a botocore ``before-send`` handler: it answers a request from
memory, so a call still goes through botocore's real serializer and parser, minus the
network. It imports only json and botocore.awsrequest (which any boto3 client has loaded
already), so that a fresh process that imports it pays nothing measurable for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, cast

from botocore.awsrequest import AWSResponse

NAME = "llama3-8b-awq-2026-11-24"
ARN_PREFIX = "arn:aws:sagemaker:us-west-2:111122223333:optimization-job/"
DESCRIBE = {
    "OptimizationJobArn": ARN_PREFIX + NAME,
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
_HEADERS = {"x-amzn-RequestId": "bench", "Content-Type": "application/x-amz-json-1.1"}


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


class FakeEndpoint:
    """Answers DescribeOptimizationJob, CreateOptimizationJob and ListOptimizationJobs
    (over ``jobs`` jobs, ``NextToken`` being the offset); counts the calls in ``calls``."""

    def __init__(self, jobs: int = 0) -> None:
        self.jobs = jobs
        self.calls: dict[str, int] = {}
        self._describe = json.dumps(DESCRIBE).encode()

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        operation = request.headers["X-Amz-Target"].decode().split(".")[-1]
        self.calls[operation] = self.calls.get(operation, 0) + 1
        if operation == "DescribeOptimizationJob":
            data = self._describe
        elif operation == "CreateOptimizationJob":
            name = json.loads(request.body)["OptimizationJobName"]
            data = json.dumps({"OptimizationJobArn": ARN_PREFIX + name}).encode()
        elif operation == "ListOptimizationJobs":
            data = json.dumps(self._page(json.loads(request.body))).encode()
        else:
            raise NotImplementedError(f"the benchmark endpoint does not answer {operation}")
        # A plain dict: AWSResponse makes its own headers mapping of it (the stubs say
        # HTTPHeaders, which would cost an import of http.client's parser for nothing).
        return AWSResponse(request.url, 200, cast(Any, _HEADERS), _Raw(data))

    def _page(self, body: dict[str, Any]) -> dict[str, Any]:
        offset = int(body.get("NextToken", "0"))
        end = min(offset + body.get("MaxResults", 50), self.jobs)
        page: dict[str, Any] = {
            "OptimizationJobSummaries": [
                {
                    "OptimizationJobName": f"job-{i}",
                    "OptimizationJobArn": f"{ARN_PREFIX}job-{i}",
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
        return page


def make_client(endpoint: FakeEndpoint) -> Any:
    """A boto3 SageMaker client (placeholder credentials, no retries) answered by
    ``endpoint``."""
    # Imported here: a fresh process that only needs FakeEndpoint does not pay for boto3.
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "sagemaker",
        region_name="us-west-2",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"total_max_attempts": 1}),
    )
    # A before-send handler returns the response (the stubs type handlers as returning None).
    client.meta.events.register("before-send.sagemaker", cast(Any, endpoint))
    return client
