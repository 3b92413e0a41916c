"""What conversion adds to botocore's own cost, as ratios measured in one run.

    python benchmarks/convert_bench.py [--rounds 2000]

- response side: botocore parsing a DescribeOptimizationJob HTTP body into a dict, against
  ``from_dict`` turning that dict into the model;
- request side: botocore validating and serializing CreateOptimizationJob parameters, against
  ``validate`` + ``to_dict`` on the model.

The data is the examples in ``tests/data/examples``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore.session
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from botocore.validate import ParamValidator

from optjob_sdk import (
    CreateOptimizationJobRequest,
    DescribeOptimizationJobResponse,
    from_dict,
    to_dict,
    validate,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "examples"


def per_call(fn: Callable[[], Any], rounds: int) -> float:
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            fn()
        samples.append((time.perf_counter() - start) / rounds)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    rounds = parser.parse_args().rounds

    model = botocore.session.get_session().get_service_model("sagemaker")
    describe_op = model.operation_model("DescribeOptimizationJob")
    create_op = model.operation_model("CreateOptimizationJob")
    body = (EXAMPLES / "describe-completed.json").read_bytes()
    request_params = json.loads((EXAMPLES / "awq-quantization.json").read_text())

    json_parser = create_parser("json")
    http_response = {"status_code": 200, "headers": {"x-amzn-requestid": "r"}, "body": body}

    def botocore_parse() -> dict[str, Any]:
        parsed: dict[str, Any] = json_parser.parse(http_response, describe_op.output_shape)
        return parsed

    parsed = botocore_parse()
    serializer = create_serializer("json")
    validator = ParamValidator()
    request = from_dict(CreateOptimizationJobRequest, request_params)

    def botocore_request() -> None:
        validator.validate(request_params, create_op.input_shape)
        serializer.serialize_to_request(request_params, create_op)

    timings = {
        "botocore parse (describe)": per_call(botocore_parse, rounds),
        "from_dict (describe)": per_call(
            lambda: from_dict(DescribeOptimizationJobResponse, parsed), rounds
        ),
        "botocore validate+serialize (create)": per_call(botocore_request, rounds),
        "validate+to_dict (create)": per_call(
            lambda: (validate(request), to_dict(request)), rounds
        ),
    }
    for name, seconds in timings.items():
        print(f"{name:40s} {seconds * 1e6:9.1f} us")
    print(
        "from_dict / botocore parse = "
        f"{timings['from_dict (describe)'] / timings['botocore parse (describe)']:.2f}"
    )
    ours = timings["validate+to_dict (create)"]
    theirs = timings["botocore validate+serialize (create)"]
    print(f"validate+to_dict / botocore validate+serialize = {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
