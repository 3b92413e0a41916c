"""Every ``optjob`` command against the emulator: output in both formats, exit statuses."""

from __future__ import annotations

import io
import json
import re
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from cli_support import DATA, SECRETS, Cli

from optjob_sdk import DescribeOptimizationJobResponse, from_dict
from optjob_sdk.cli import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_SERVICE_ERROR,
    EXIT_STOPPED,
    EXIT_TIMEOUT,
    EXIT_USAGE,
    main,
)
from optjob_sdk.testing import FakeOptimizationService

#: Whether the installed botocore knows the 2025-11 additions (boto3 >= 1.41.2).
_OPTIMIZATION_CONFIG: Any = (
    botocore.session.get_session().get_service_model("sagemaker").shape_for("OptimizationConfig")
)
SPECULATIVE_DECODING_KNOWN = "ModelSpeculativeDecodingConfig" in _OPTIMIZATION_CONFIG.members


def is_iso(text: str) -> bool:
    return datetime.fromisoformat(text).utcoffset() is not None


# -- create -------------------------------------------------------------------------------


def test_create_from_json_prints_name_and_arn(cli: Cli, service: FakeOptimizationService) -> None:
    result = cli("create", "--file", str(DATA / "awq-quantization.json"))
    assert result.code == EXIT_OK
    assert result.err == ""
    assert "llama3-8b-awq-2026-11-24" in result.out
    assert "arn:aws:sagemaker:us-west-2:111122223333:optimization-job/llama3-8b-awq-2026-11-24" in (
        result.out
    )
    assert service.job_names() == ["llama3-8b-awq-2026-11-24"]


def test_create_sends_the_file_as_written(local_cli: Cli, service: FakeOptimizationService) -> None:
    local_cli.create("fp8-trtllm-compilation.json")
    operation, params = service.call_log[-1]
    assert operation == "CreateOptimizationJob"
    assert params == json.loads((DATA / "fp8-trtllm-compilation.json").read_text())


def test_create_from_yaml_sends_the_same_request_as_json(
    cli: Cli, service: FakeOptimizationService
) -> None:
    result = cli("create", "--file", str(DATA / "fp8-trtllm-compilation.yaml"), "-o", "json")
    assert result.code == EXIT_OK, result.err
    assert result.json() == {
        "OptimizationJobArn": (
            "arn:aws:sagemaker:us-west-2:111122223333:optimization-job/llama3-70b-fp8-trtllm"
        )
    }
    assert service.call_log[-1][1] == json.loads((DATA / "fp8-trtllm-compilation.json").read_text())


def test_create_reads_standard_input(
    local_cli: Cli, service: FakeOptimizationService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO((DATA / "awq-quantization.json").read_text()))
    result = local_cli("create", "--file", "-")
    assert result.code == EXIT_OK, result.err
    assert service.job_names() == ["llama3-8b-awq-2026-11-24"]


def test_create_sniffs_yaml_without_a_suffix(
    local_cli: Cli, service: FakeOptimizationService, tmp_path: Path
) -> None:
    job = tmp_path / "job"
    job.write_text((DATA / "fp8-trtllm-compilation.yaml").read_text())
    assert local_cli("create", "--file", str(job)).code == EXIT_OK
    assert service.job_names() == ["llama3-70b-fp8-trtllm"]


def test_create_wait_completes(cli: Cli) -> None:
    result = cli("create", "--file", str(DATA / "neuron-compilation.json"), "--wait")
    assert result.code == EXIT_OK, result.err
    rows = dict(line.split(None, 1) for line in result.out.splitlines()[1:])
    assert rows["OptimizationJobStatus"] == "COMPLETED"
    assert rows["S3OutputLocation"] == "s3://example-models/optimized/llama2-70b-neuron/"
    assert result.err == ""  # stderr is not a terminal: no progress display


def test_a_request_newer_than_the_installed_botocore(
    cli: Cli, service: FakeOptimizationService
) -> None:
    """EAGLE speculative decoding and SageMaker models came with boto3 1.41.2: with an older
    botocore the request is refused before sending, saying what to upgrade."""
    result = cli("create", "--file", str(DATA / "eagle-speculative-decoding.json"), "--wait")
    if SPECULATIVE_DECODING_KNOWN:
        assert result.code == EXIT_OK, result.err
        rows = dict(line.split(None, 1) for line in result.out.splitlines()[1:])
        assert rows["OptimizationJobStatus"] == "COMPLETED"
        assert rows["SageMakerModel"] == "qwen3-32b-eagle"
    else:
        assert result.code == EXIT_USAGE
        assert "upgrade boto3" in result.err
        assert "model_speculative_decoding_config" in result.err
        assert service.calls() == 0


def test_create_wait_json_is_one_document_the_final_description(local_cli: Cli) -> None:
    result = local_cli(
        "create", "--file", str(DATA / "awq-quantization.json"), "--wait", "-o", "json"
    )
    assert result.code == EXIT_OK
    job = result.json()
    assert job["OptimizationJobStatus"] == "COMPLETED"
    assert job["OptimizationOutput"]["RecommendedInferenceImage"].startswith("763104351884.dkr")


def test_create_wait_failed_exits_1(cli: Cli, service: FakeOptimizationService) -> None:
    service.set_outcome("llama3-8b-awq-2026-11-24", "FAILED", reason="model too large for GPU")
    result = cli("create", "--file", str(DATA / "awq-quantization.json"), "--wait")
    assert result.code == EXIT_FAILED
    assert "FAILED" in result.out
    assert "model too large for GPU" in result.out
    assert result.err.count("\n") == 1
    assert "FAILED: model too large for GPU" in result.err


def test_create_duplicate_is_a_service_error(cli: Cli) -> None:
    cli.create()
    result = cli("create", "--file", str(DATA / "awq-quantization.json"))
    assert result.code == EXIT_SERVICE_ERROR
    assert result.out == ""
    assert result.err.startswith("optjob: error: ResourceInUse: ")
    assert "already exists" in result.err
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err


# -- validation and files -----------------------------------------------------------------


def test_bad_request_lists_every_problem_and_sends_nothing(
    cli: Cli, service: FakeOptimizationService
) -> None:
    result = cli("create", "--file", str(DATA / "bad-request.json"))
    assert result.code == EXIT_USAGE
    assert result.out == ""
    lines = result.err.splitlines()
    assert lines[0].startswith("optjob: error: 7 problems in the request in ")
    assert lines[0].endswith("(nothing was sent):")
    problems = lines[1:]
    assert len(problems) == 7
    assert all(line.startswith("  - ") for line in problems)
    paths = [line[4:].split(":", 1)[0] for line in problems]
    assert paths == [
        "optimization_job_name",
        "role_arn",
        "model_source.s3.s3_uri",
        "optimization_configs[0]",
        "optimization_configs[1].model_compilation_config.image",
        "stopping_condition.max_runtime_in_seconds",
        "tags[0].key",
    ]
    assert service.calls() == 0
    assert "Traceback" not in result.err


def test_unknown_members_are_reported_with_a_suggestion(
    local_cli: Cli, service: FakeOptimizationService, tmp_path: Path
) -> None:
    data = json.loads((DATA / "awq-quantization.json").read_text())
    data["OptimisationConfigs"] = data.pop("OptimizationConfigs")
    data["ModelSource"]["S3"]["S3URI"] = data["ModelSource"]["S3"].pop("S3Uri")
    job = tmp_path / "typo.json"
    job.write_text(json.dumps(data))
    result = local_cli("create", "--file", str(job))
    assert result.code == EXIT_USAGE
    assert "unknown member 'OptimisationConfigs' (did you mean 'OptimizationConfigs'?)" in (
        result.err
    )
    assert "model_source.s3: unknown member 'S3URI' (did you mean 'S3Uri'?)" in result.err
    # ... and what their absence means, in the same report
    assert "optimization_configs" in result.err
    assert "required" in result.err
    assert service.calls() == 0


def test_structurally_broken_file_is_a_validation_error(local_cli: Cli, tmp_path: Path) -> None:
    job = tmp_path / "broken.json"
    job.write_text(json.dumps({"OptimizationJobName": "x", "ModelSource": "s3://x"}))
    result = local_cli("create", "--file", str(job))
    assert result.code == EXIT_USAGE
    assert result.err.startswith("optjob: error: ")
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.json", None, "cannot read"),
        ("bad.json", '{"OptimizationJobName": ', "is not valid JSON"),
        ("bad.yaml", "OptimizationJobName: [unclosed\n  - x: {", "is not valid YAML"),
        ("list.json", "[1, 2]", "must hold one object"),
        ("empty.yaml", "", "not nothing"),
    ],
)
def test_unreadable_files_are_usage_errors(
    local_cli: Cli, tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    result = local_cli("create", "--file", str(path))
    assert result.code == EXIT_USAGE
    assert result.out == ""
    assert result.err.startswith("optjob: error: ")
    assert message in result.err
    assert result.err.count("\n") == 1


def test_yaml_without_pyyaml_says_how_to_get_it(
    local_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "yaml", None)  # import yaml -> ImportError
    result = local_cli("create", "--file", str(DATA / "fp8-trtllm-compilation.yaml"))
    assert result.code == EXIT_USAGE
    assert "pip install 'optjob-sdk[yaml]'" in result.err
    assert result.err.count("\n") == 1
    # JSON files need no PyYAML
    assert local_cli("create", "--file", str(DATA / "awq-quantization.json")).code == EXIT_OK


def test_unknown_instance_type_warns_in_one_line_and_is_sent(
    local_cli: Cli, service: FakeOptimizationService, tmp_path: Path
) -> None:
    data = json.loads((DATA / "awq-quantization.json").read_text())
    data["DeploymentInstanceType"] = "ml.g99.12xlarge"
    job = tmp_path / "newer.json"
    job.write_text(json.dumps(data))
    result = local_cli("create", "--file", str(job))
    # The SDK warns and sends; the emulator (botocore's model) refuses the value.
    assert result.err.startswith("optjob: warning: ")
    assert "ml.g99.12xlarge" in result.err.splitlines()[0]
    assert service.calls("CreateOptimizationJob") == 1
    assert result.code == EXIT_SERVICE_ERROR
    assert result.err.splitlines()[-1].startswith("optjob: error: ValidationException")


# -- describe -----------------------------------------------------------------------------


def test_describe_table(cli: Cli, service: FakeOptimizationService) -> None:
    name = cli.create()
    service.advance(90)
    result = cli("describe", name)
    assert result.code == EXIT_OK
    assert result.err == ""
    lines = result.out.splitlines()
    assert lines[0].split() == ["OptimizationJobName", name]
    assert lines[1].split() == ["OptimizationJobStatus", "INPROGRESS"]
    assert "  S3Uri" in result.out
    assert "s3://example-models/meta-llama-3-8b-instruct/" in result.out
    assert "[0] ModelQuantizationConfig" in result.out
    assert any(line.split() == ["OPTION_QUANTIZE", "awq"] for line in lines)
    # leaf values share one column
    starts = {
        line.index("  ", len(line) - len(line.lstrip()) + 1)
        for line in lines
        if "  " in line.strip()
    }
    assert starts
    assert " UTC" in result.out


def test_describe_json(cli: Cli, service: FakeOptimizationService) -> None:
    name = cli.create()
    service.advance(3600)
    result = cli("describe", name, "--output", "json")
    assert result.code == EXIT_OK
    job = result.json()
    assert job["OptimizationJobName"] == name
    assert job["OptimizationJobStatus"] == "COMPLETED"
    assert job["DeploymentInstanceType"] == "ml.g5.12xlarge"
    for key in ("CreationTime", "LastModifiedTime", "OptimizationStartTime", "OptimizationEndTime"):
        assert is_iso(job[key]), key
    assert job["OptimizationConfigs"][0]["ModelQuantizationConfig"]["OverrideEnvironment"] == {
        "OPTION_QUANTIZE": "awq"
    }
    # The document reads back into the SDK's model.
    model = from_dict(DescribeOptimizationJobResponse, job)
    assert model.optimization_job_name == name


@pytest.mark.parametrize("output", ["table", "json"])
def test_describe_never_prints_secrets_by_default(local_cli: Cli, output: str) -> None:
    name = local_cli.create("gated-model-token.yaml")
    result = local_cli("describe", name, "--output", output)
    assert result.code == EXIT_OK
    for secret in SECRETS:
        assert secret not in result.out
        assert secret not in result.err
    assert "HF_TOKEN" in result.out
    assert "***" in result.out
    assert "HUGGING_FACE_HUB_TOKEN" in result.out
    assert "OPTION_TRUST_REMOTE_CODE" in result.out  # configuration stays visible
    if output == "json":
        assert result.json()["OptimizationEnvironment"] == {
            "HF_TOKEN": "***",
            "OPTION_TRUST_REMOTE_CODE": "false",
        }


@pytest.mark.parametrize("output", ["table", "json"])
def test_describe_show_secrets(local_cli: Cli, output: str) -> None:
    name = local_cli.create("gated-model-token.yaml")
    result = local_cli("describe", name, "--show-secrets", "--output", output)
    assert result.code == EXIT_OK
    for secret in SECRETS:
        assert secret in result.out


def test_no_command_ever_prints_a_secret(local_cli: Cli, service: FakeOptimizationService) -> None:
    outputs: list[str] = []
    for output in ("table", "json"):
        for argv in (
            ("create", "--file", str(DATA / "gated-model-token.yaml"), "--output", output),
            ("--debug", "describe", "gated-llama-awq", "--output", output),
            ("list", "--output", output),
            ("wait", "gated-llama-awq", "--output", output),
            ("--debug", "create", "--file", str(DATA / "gated-model-token.yaml"), "--wait"),
        ):
            result = local_cli(*argv)
            outputs += [result.out, result.err]
        service.advance(60)
    assert outputs
    for text in outputs:
        for secret in SECRETS:
            assert secret not in text


@pytest.mark.parametrize("command", ["wait", "create --wait"])
def test_every_command_that_prints_a_job_masks_secrets_unless_asked(
    local_cli: Cli, service: FakeOptimizationService, command: str
) -> None:
    gated = str(DATA / "gated-model-token.yaml")

    def run(*extra: str) -> Any:
        if command == "wait":
            if not service.job_names():
                local_cli.create("gated-model-token.yaml")
            result = local_cli("wait", "gated-llama-awq", "-o", "json", *extra)
        else:
            for name in service.job_names():
                local_cli("delete", name)
            result = local_cli("create", "--file", gated, "--wait", "-o", "json", *extra)
        assert result.code == EXIT_OK, result.err
        return result

    masked = run()
    shown = run("--show-secrets")
    for secret in SECRETS:
        assert secret not in masked.out
        assert secret not in masked.err
        assert secret in shown.out
    assert masked.json()["OptimizationEnvironment"] == {
        "HF_TOKEN": "***",
        "OPTION_TRUST_REMOTE_CODE": "false",
    }
    assert shown.json()["OptimizationEnvironment"]["HF_TOKEN"] == SECRETS[0]


def test_create_wait_checks_the_wait_options_before_creating(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    result = local_cli(
        "create",
        "--file",
        str(DATA / "awq-quantization.json"),
        "--wait",
        "--poll-interval",
        "60",
        "--max-poll-interval",
        "30",
    )
    assert result.code == EXIT_USAGE
    assert "--max-poll-interval" in result.err
    assert service.job_names() == []  # nothing was created


@pytest.mark.parametrize("option", ["--poll-interval", "--max-poll-interval"])
def test_an_infinite_poll_interval_is_a_usage_error(local_cli: Cli, option: str) -> None:
    result = local_cli("wait", "some-job", option, "inf")
    assert result.code == EXIT_USAGE
    assert option in result.err
    assert result.err.count("\n") == 1


def test_wait_timeout_inf_means_no_deadline(local_cli: Cli) -> None:
    name = local_cli.create()
    result = local_cli("wait", name, "--timeout", "inf")
    assert result.code == EXIT_OK, result.err


def test_describe_missing_job_exits_5(cli: Cli) -> None:
    result = cli("describe", "no-such-job")
    assert result.code == EXIT_SERVICE_ERROR
    assert result.out == ""
    assert result.err.startswith("optjob: error: ResourceNotFound: ")
    assert "no-such-job" in result.err
    assert result.err.count("\n") == 1


def test_describe_invalid_name_is_a_validation_error(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    result = local_cli("describe", "not a valid name")
    assert result.code == EXIT_USAGE
    assert "optimization_job_name" in result.err
    assert service.calls() == 0


# -- list ---------------------------------------------------------------------------------


def make_jobs(cli: Cli, service: FakeOptimizationService) -> None:
    cli.create("awq-quantization.json")
    service.advance(10)
    cli.create("fp8-trtllm-compilation.json")
    service.advance(10)
    cli.create("neuron-compilation.json")
    service.advance(45)  # the first is INPROGRESS, the others still STARTING


def test_list_table(cli: Cli, service: FakeOptimizationService) -> None:
    make_jobs(cli, service)
    result = cli("list")
    assert result.code == EXIT_OK
    lines = result.out.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "INSTANCE", "TYPE", "OPTIMIZATIONS", "CREATED"]
    # oldest first: the service's default order
    assert [line.split()[0] for line in lines[1:]] == [
        "llama3-8b-awq-2026-11-24",
        "llama3-70b-fp8-trtllm",
        "llama2-70b-neuron",
    ]
    assert "Quantization, Compilation" in lines[2]
    assert lines[3].split()[1:4] == ["STARTING", "ml.inf2.48xlarge", "Compilation"]
    assert lines[1].split()[1:3] == ["INPROGRESS", "ml.g5.12xlarge"]
    # aligned: every column starts at the same offset on every line
    status_at = lines[0].index("STATUS")
    assert all(line[status_at - 2 : status_at] == "  " for line in lines)
    assert {line[status_at] for line in lines[1:]} <= {"S", "I"}


def test_list_json(cli: Cli, service: FakeOptimizationService) -> None:
    make_jobs(cli, service)
    result = cli("list", "--output", "json")
    assert result.code == EXIT_OK
    summaries = result.json()["OptimizationJobSummaries"]
    assert len(summaries) == 3
    first = summaries[0]  # oldest first: the service's default order
    assert first["OptimizationJobName"] == "llama3-8b-awq-2026-11-24"
    assert first["OptimizationJobStatus"] == "INPROGRESS"
    assert first["OptimizationTypes"] == ["Quantization"]
    assert is_iso(first["CreationTime"])


def test_list_filters_sorting_and_max_items(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    make_jobs(local_cli, service)

    def names(*argv: str) -> list[str]:
        result = local_cli("list", *argv, "-o", "json")
        assert result.code == EXIT_OK, result.err
        return [s["OptimizationJobName"] for s in result.json()["OptimizationJobSummaries"]]

    assert names("--status", "inprogress") == ["llama3-8b-awq-2026-11-24"]
    assert names("--name-contains", "llama3") == [
        "llama3-8b-awq-2026-11-24",
        "llama3-70b-fp8-trtllm",
    ]
    assert names("--sort-by", "name", "--sort-order", "ascending") == [
        "llama2-70b-neuron",
        "llama3-70b-fp8-trtllm",
        "llama3-8b-awq-2026-11-24",
    ]
    assert names("--max-items", "2") == ["llama3-8b-awq-2026-11-24", "llama3-70b-fp8-trtllm"]
    assert names("--optimization-contains", "Quantization") == [
        "llama3-8b-awq-2026-11-24",
        "llama3-70b-fp8-trtllm",
    ]
    sent = service.call_log[-1][1]
    assert sent["OptimizationContains"] == "Quantization"
    after = service.now.replace(year=service.now.year - 1).isoformat()
    assert len(names("--created-after", after)) == 3
    assert names("--created-before", after) == []


def test_list_empty(local_cli: Cli) -> None:
    assert local_cli("list").out == "No optimization jobs.\n"
    assert local_cli("list", "-o", "json").json() == {"OptimizationJobSummaries": []}


def test_list_bad_filter_is_a_validation_error(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    result = local_cli("list", "--name-contains", "no spaces allowed")
    assert result.code == EXIT_USAGE
    assert "name_contains" in result.err
    assert service.calls() == 0


def test_list_unknown_status_is_refused_before_sending(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    result = local_cli("list", "--status", "DONE")
    assert result.code in (EXIT_USAGE, EXIT_SERVICE_ERROR)
    assert "DONE" in result.err
    assert result.err.startswith("optjob: ")


# -- wait ---------------------------------------------------------------------------------


def test_wait_completed(cli: Cli) -> None:
    name = cli.create()
    result = cli("wait", name)
    assert result.code == EXIT_OK
    assert result.err == ""
    rows = dict(line.split(None, 1) for line in result.out.splitlines())
    assert rows["OptimizationJobName"] == name
    assert rows["OptimizationJobStatus"] == "COMPLETED"
    assert rows["Duration"] == "20m 0s optimizing"
    assert rows["S3OutputLocation"] == "s3://example-models/optimized/llama3-8b-awq/"


def test_wait_json(local_cli: Cli) -> None:
    name = local_cli.create()
    result = local_cli("wait", name, "--poll-interval", "10", "-o", "json")
    assert result.code == EXIT_OK
    assert result.json()["OptimizationJobStatus"] == "COMPLETED"


def test_wait_polls_no_faster_than_asked(local_cli: Cli, service: FakeOptimizationService) -> None:
    name = local_cli.create()
    before = service.calls("DescribeOptimizationJob")
    assert local_cli("wait", name, "--poll-interval", "300").code == EXIT_OK
    polls = service.calls("DescribeOptimizationJob") - before
    assert 2 <= polls <= 1260 // 300 + 2


def test_wait_max_poll_interval(local_cli: Cli, service: FakeOptimizationService) -> None:
    name = local_cli.create()
    before = service.calls("DescribeOptimizationJob")
    argv = ("wait", name, "--poll-interval", "10", "--max-poll-interval", "10")
    assert local_cli(*argv).code == EXIT_OK
    polls = service.calls("DescribeOptimizationJob") - before
    assert polls >= 1260 // 10  # every 10 s, never spaced out further
    bad = local_cli("wait", name, "--poll-interval", "60", "--max-poll-interval", "30")
    assert bad.code == EXIT_USAGE
    assert bad.err == (
        "optjob: error: --max-poll-interval (30) must be at least --poll-interval (60)\n"
    )


def test_wait_failed_exits_1(cli: Cli, service: FakeOptimizationService) -> None:
    service.set_outcome("llama3-8b-awq-2026-11-24", "FAILED", reason="ClientError: bad weights")
    name = cli.create()
    result = cli("wait", name, "--output", "json")
    assert result.code == EXIT_FAILED
    assert result.json()["FailureReason"] == "ClientError: bad weights"
    assert result.err == (
        "optjob: optimization job 'llama3-8b-awq-2026-11-24' FAILED: ClientError: bad weights\n"
    )


def test_wait_stopped_exits_3(cli: Cli, service: FakeOptimizationService) -> None:
    name = cli.create()
    service.advance(120)
    assert cli("stop", name).code == EXIT_OK
    result = cli("wait", name)
    assert result.code == EXIT_STOPPED
    assert "STOPPED" in result.out
    assert result.err == (
        "optjob: optimization job 'llama3-8b-awq-2026-11-24' was STOPPED: "
        "a StopOptimizationJob request stopped it (no reason given by the service)\n"
    )


def test_wait_timeout_exits_4(cli: Cli) -> None:
    name = cli.create()
    result = cli("wait", name, "--timeout", "300", "--poll-interval", "60")
    assert result.code == EXIT_TIMEOUT
    assert "INPROGRESS" in result.out  # the last description seen
    assert result.err.startswith("optjob: gave up waiting for optimization job")
    assert f"optjob stop {name}" in result.err
    assert result.err.count("\n") == 1


def test_wait_missing_job(local_cli: Cli) -> None:
    result = local_cli("wait", "never-created", "--poll-interval", "30")
    assert result.code == EXIT_SERVICE_ERROR
    assert result.out == ""
    assert "never-created" in result.err
    assert result.err.count("\n") == 1


def test_wait_rides_out_throttling(local_cli: Cli, service: FakeOptimizationService) -> None:
    name = local_cli.create()
    service.inject("DescribeOptimizationJob", "throttle", times=3)
    assert local_cli("wait", name).code == EXIT_OK


def test_throttling_that_never_ends_is_a_service_error(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    service.inject("ListOptimizationJobs", "throttle", times=None)
    result = local_cli("list")
    assert result.code == EXIT_SERVICE_ERROR
    assert "ThrottlingException" in result.err
    assert result.err.count("\n") == 1


def test_wait_says_when_the_job_was_recreated_under_its_name(
    local_cli: Cli, service: FakeOptimizationService, capsys: pytest.CaptureFixture[str]
) -> None:
    name = local_cli.create()
    request = json.loads((DATA / "awq-quantization.json").read_text())
    sagemaker = service.client()
    sleeps = [0]

    def sleep(seconds: float) -> None:
        service.advance(seconds)
        sleeps[0] += 1
        if sleeps[0] == 3:  # someone deletes the job and creates it again
            sagemaker.delete_optimization_job(OptimizationJobName=name)
            sagemaker.create_optimization_job(**request)

    capsys.readouterr()
    code = main(
        ["wait", name], client_factory=local_cli._factory, sleep=sleep, clock=service.monotonic
    )
    err = capsys.readouterr().err
    assert code == EXIT_OK
    (warning,) = [line for line in err.splitlines() if "re-created" in line]
    assert warning.startswith(
        f"optjob: warning: optimization job {name} was deleted and re-created"
    )


def test_a_timeout_after_the_service_went_away_names_the_last_error(
    local_cli: Cli, service: FakeOptimizationService, capsys: pytest.CaptureFixture[str]
) -> None:
    name = local_cli.create()

    gone: list[bool] = []

    def sleep(seconds: float) -> None:
        service.advance(seconds)
        if not gone:  # after the first description: the service goes away
            gone.append(True)
            service.inject("DescribeOptimizationJob", "unavailable", times=None)

    capsys.readouterr()
    code = main(
        ["wait", name, "--timeout", "300"],
        client_factory=local_cli._factory,
        sleep=sleep,
        clock=service.monotonic,
    )
    out, err = capsys.readouterr()
    assert code == EXIT_TIMEOUT
    assert "STARTING" in out  # the last description seen
    assert err.count("\n") == 1
    assert "after 300s" in err
    assert "The last poll failed: ServiceUnavailable" in err


@pytest.fixture
def dead_endpoint() -> str:
    """The URL of a port on this machine that nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.mark.parametrize("command", ["wait", "create"])
def test_wait_on_an_endpoint_that_never_answers_exits_5_naming_it(
    dead_endpoint: str, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    fake = FakeTime()
    argv = (
        ["wait", "some-job"]
        if command == "wait"
        else ["create", "--file", str(DATA / "awq-quantization.json"), "--wait"]
    )
    code = main(
        ["--endpoint-url", dead_endpoint, *argv, "--timeout", "120", "--poll-interval", "30"],
        sleep=fake.sleep,
        clock=fake.clock,
    )
    out, err = capsys.readouterr()
    assert code == EXIT_SERVICE_ERROR
    assert out == ""
    assert err.count("\n") == 1
    assert dead_endpoint in err
    assert "ConnectionFailed" in err
    if command == "wait":
        assert "gave up waiting for optimization job 'some-job' after 120s" in err
        assert "without a single description" in err
        assert fake.now == pytest.approx(120)


def test_a_wait_that_gives_up_early_says_when(
    dead_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # --timeout 20 with polls 30 s apart: one call, then no poll fits before the deadline.
    # The message gives the time really spent (on the waiter's clock), not "20s".
    fake = FakeTime()

    def clock() -> float:
        fake.now += 0.1  # every reading: time passes while the call fails
        return fake.now

    code = main(
        ["--endpoint-url", dead_endpoint, "wait", "some-job", "--timeout", "20"],
        sleep=fake.sleep,
        clock=clock,
    )
    err = capsys.readouterr().err
    assert code == EXIT_SERVICE_ERROR
    spent = re.search(r"after (\S+)s without", err)
    assert spent is not None, err
    assert 0 < float(spent.group(1)) < 1
    assert "20s" not in err


# -- stop and delete ----------------------------------------------------------------------


@pytest.mark.parametrize("output", ["table", "json"])
def test_stop(local_cli: Cli, service: FakeOptimizationService, output: str) -> None:
    name = local_cli.create()
    result = local_cli("stop", name, "--output", output)
    assert result.code == EXIT_OK
    if output == "json":
        assert result.json() == {"OptimizationJobName": name, "StopRequested": True}
    else:
        assert result.out == f"stopping {name} (it goes STOPPING, then STOPPED)\n"
    service.advance(60)
    assert local_cli("describe", name, "-o", "json").json()["OptimizationJobStatus"] == "STOPPED"


def test_stop_finished_job_is_refused_by_the_service(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    name = local_cli.create()
    service.advance(3600)
    result = local_cli("stop", name)
    assert result.code == EXIT_SERVICE_ERROR
    assert result.err.startswith("optjob: error: ValidationException: ")
    assert "cannot be stopped" in result.err


@pytest.mark.parametrize("output", ["table", "json"])
def test_delete(local_cli: Cli, service: FakeOptimizationService, output: str) -> None:
    name = local_cli.create()
    result = local_cli("delete", name, "--output", output)
    assert result.code == EXIT_OK
    if output == "json":
        assert result.json() == {"OptimizationJobName": name, "Deleted": True}
    else:
        assert result.out == f"deleted {name}\n"
    assert service.job_names() == []
    again = local_cli("delete", name)
    assert again.code == EXIT_SERVICE_ERROR
    assert "ResourceNotFound" in again.err


def test_stop_and_delete_over_http(cli: Cli, service: FakeOptimizationService) -> None:
    name = cli.create()
    assert cli("stop", name).code == EXIT_OK
    service.advance(60)
    assert cli("describe", name, "-o", "json").json()["OptimizationJobStatus"] == "STOPPED"
    assert cli("delete", name).code == EXIT_OK
    assert service.job_names() == []
