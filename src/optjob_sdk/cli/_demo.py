"""``optjob demo``: create -> wait -> describe -> list on the built-in emulator, in seconds.

The emulator runs on a virtual clock that the waiter's own sleeps drive: each pause of
``s`` emulated seconds takes ``s / speed`` real seconds and moves the emulator's clock by
``s``. So the job takes its realistic ~21 emulated minutes, the progress display counts
emulated time, and the whole demo takes a few real seconds. Nothing leaves the machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final, TextIO

from optjob_sdk.cli._output import (
    describe_table,
    dumps,
    format_duration,
    jsonable,
    list_table,
)
from optjob_sdk.converter import from_dict
from optjob_sdk.models import CreateOptimizationJobRequest

__all__ = ["DEFAULT_SPEED", "DEMO_JOB", "run_demo"]

#: Emulated seconds per real second: the ~21-minute job takes about two real seconds.
DEFAULT_SPEED: Final = 600.0

#: The demo's request: AWQ quantization of Llama 3 8B for ml.g5.12xlarge, the commonest
#: optimization job (the same as docs' ``awq-quantization.json``, under its own name).
DEMO_JOB: Final[dict[str, Any]] = {
    "OptimizationJobName": "llama3-8b-awq-demo",
    "RoleArn": "arn:aws:iam::111122223333:role/service-role/SageMakerOptimizationRole",
    "ModelSource": {
        "S3": {
            "S3Uri": "s3://example-models/meta-llama-3-8b-instruct/",
            "ModelAccessConfig": {"AcceptEula": True},
        }
    },
    "DeploymentInstanceType": "ml.g5.12xlarge",
    "OptimizationConfigs": [
        {
            "ModelQuantizationConfig": {
                "Image": (
                    "763104351884.dkr.ecr.us-west-2.amazonaws.com/"
                    "djl-inference:0.29.0-lmi11.0.0-cu124"
                ),
                "OverrideEnvironment": {"OPTION_QUANTIZE": "awq"},
            }
        }
    ],
    "OutputConfig": {"S3OutputLocation": "s3://example-models/optimized/llama3-8b-awq/"},
    "StoppingCondition": {"MaxRuntimeInSeconds": 7200},
    "Tags": [{"Key": "team", "Value": "inference"}],
}


def run_demo(
    *,
    json_output: bool,
    speed: float,
    out: TextIO,
    err: TextIO,
    real_sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run the demo; returns the exit status. Narration goes to ``out`` (``err`` with JSON
    output, so that ``out`` holds one JSON document); the progress display goes to ``err``."""
    from optjob_sdk.client import OptimizationJobClient
    from optjob_sdk.testing import FakeOptimizationService

    story = err if json_output else out
    started = time.monotonic()

    def say(text: str = "") -> None:
        story.write(text + "\n")
        story.flush()

    def step(number: int, title: str) -> None:
        say()
        say(f"[{number}/4] {title}")

    service = FakeOptimizationService()
    client = OptimizationJobClient(service.client())
    request = from_dict(CreateOptimizationJobRequest, DEMO_JOB)
    name = request.optimization_job_name

    say("optjob demo: one optimization job, start to finish, on the built-in emulator")
    say("(an in-process SageMaker AI emulator: no AWS account, nothing leaves this machine).")
    say(f"Emulated time runs {speed:g}x faster than real time.")

    step(1, f"create: CreateOptimizationJob {name}")
    say("      AWQ quantization of Llama 3 8B for ml.g5.12xlarge (validated before sending)")
    created = client.create(request)
    say(f"      created {created.optimization_job_arn}")

    step(2, "wait: DescribeOptimizationJob every 30-60 emulated seconds until the job ends")

    def sleep(seconds: float) -> None:
        real_sleep(seconds / speed)
        service.advance(seconds)

    job = client.wait(
        name,
        poll_interval=30.0,
        max_poll_interval=60.0,
        progress=True,
        sleep=sleep,
        clock=service.monotonic,
    )
    if job.optimization_start_time is not None and job.optimization_end_time is not None:
        optimizing = job.optimization_end_time - job.optimization_start_time
        say(
            f"      {job.optimization_job_status} after "
            f"{format_duration((job.optimization_end_time - job.creation_time).total_seconds())}"
            f" emulated ({format_duration(optimizing.total_seconds())} optimizing)"
        )

    step(3, f"describe: DescribeOptimizationJob {name}")
    described = client.describe(name)
    if not json_output:
        say(_indent(describe_table(described)))

    step(4, "list: ListOptimizationJobs")
    summaries = list(client.list())
    if not json_output:
        say(_indent(list_table(summaries)))

    say()
    say(f"Done in {time.monotonic() - started:.1f}s of real time.")
    say("Next: `optjob emulator` keeps an emulator running; point the other commands at it")
    say("with --endpoint-url, or leave it out to use your AWS account.")
    if json_output:
        document = {
            "Create": jsonable(created),
            "Describe": jsonable(described),
            "List": {"OptimizationJobSummaries": [jsonable(s) for s in summaries]},
        }
        out.write(dumps(document) + "\n")
        out.flush()
    return 0


def _indent(text: str, by: str = "      ") -> str:
    return "\n".join(by + line if line else line for line in text.splitlines())
