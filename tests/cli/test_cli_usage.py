"""The command line itself: parsing, global options, the client it builds, errors, --debug."""

from __future__ import annotations

import importlib.metadata
import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from cli_support import DATA, Cli

from optjob_sdk import OptimizationJobClient
from optjob_sdk.cli import (
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SERVICE_ERROR,
    EXIT_USAGE,
    ClientOptions,
    build_parser,
    default_client_factory,
    main,
)
from optjob_sdk.testing import FakeOptimizationService


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["list", "--max-items", "0"],
        ["list", "--max-items", "ten"],
        ["wait", "job", "--timeout", "-1"],
        ["wait", "job", "--poll-interval", "0"],
        ["describe"],
        ["describe", "a", "b"],
        ["create"],
        ["list", "--output", "yaml"],
        ["list", "--created-after", "yesterday"],
        ["emulator", "--port", "70000"],
        ["--regio", "x", "list"],
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == EXIT_USAGE
    assert out == ""
    assert err.startswith("optjob")
    assert err.count("\n") == 1, err
    assert "--help" in err
    assert "Traceback" not in err


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == EXIT_USAGE
    assert out == ""
    assert "usage: optjob" in err
    for command in ("demo", "create", "describe", "list", "wait", "stop", "delete", "emulator"):
        assert command in err


@pytest.mark.parametrize("argv", [["--help"], ["list", "--help"], ["create", "-h"]])
def test_help_exits_0(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, _ = run(capsys, *argv)
    assert code == EXIT_OK
    assert out.startswith("usage: optjob")


def test_every_printing_command_takes_output() -> None:
    parser = build_parser()
    for argv in (
        ["demo"],
        ["create", "--file", "x"],
        ["describe", "x"],
        ["list"],
        ["wait", "x"],
        ["stop", "x"],
        ["delete", "x"],
        ["emulator"],
    ):
        assert parser.parse_args([*argv, "--output", "json"]).output == "json"
        assert parser.parse_args(argv).output == "table"


def test_global_options_go_before_the_command_and_are_accepted_after_it() -> None:
    parser = build_parser()
    before = parser.parse_args(
        ["--region", "eu-west-1", "--profile", "p", "--endpoint-url", "http://h", "list"]
    )
    after = parser.parse_args(
        ["list", "--region", "eu-west-1", "--profile", "p", "--endpoint-url", "http://h"]
    )
    for args in (before, after):
        assert (args.region, args.profile, args.endpoint_url) == ("eu-west-1", "p", "http://h")
    plain = parser.parse_args(["--region", "eu-west-1", "list"])
    assert plain.region == "eu-west-1"  # a subcommand doesn't reset what came before it
    assert plain.profile is None
    assert plain.debug is False


def test_choices_are_case_insensitive() -> None:
    args = build_parser().parse_args(
        ["list", "--status", "completed", "--sort-by", "creationtime", "--sort-order", "ASCENDING"]
    )
    assert (args.status, args.sort_by, args.sort_order) == (
        "COMPLETED",
        "CreationTime",
        "Ascending",
    )


def test_global_options_reach_the_client_factory(
    local_cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["--region", "eu-central-1", "--profile", "ml", "list"],
        client_factory=local_cli._factory,
    )
    assert code == EXIT_OK
    assert local_cli.options == [ClientOptions(region="eu-central-1", profile="ml")]


# -- the client the command builds ----------------------------------------------------------


def test_endpoint_url_on_this_machine_needs_no_aws_configuration(
    url: str, service: FakeOptimizationService, capsys: pytest.CaptureFixture[str]
) -> None:
    # No credentials, no region (see clean_aws_environment): placeholders for the emulator.
    code, out, err = run(capsys, "--endpoint-url", url, "list")
    assert (code, err) == (EXIT_OK, "")
    assert out == "No optimization jobs.\n"
    assert service.calls("ListOptimizationJobs") == 1


def test_aws_endpoint_url_sagemaker_is_honoured(
    url: str,
    service: FakeOptimizationService,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", url)
    code, _, err = run(capsys, "create", "--file", str(DATA / "awq-quantization.json"))
    assert (code, err) == (EXIT_OK, "")
    assert service.job_names() == ["llama3-8b-awq-2026-11-24"]


def test_the_client_uses_region_and_endpoint() -> None:
    client = default_client_factory(
        ClientOptions(region="eu-west-1", endpoint_url="http://127.0.0.1:1234")
    )
    assert isinstance(client, OptimizationJobClient)
    meta = client.sagemaker_client.meta
    assert meta.region_name == "eu-west-1"
    assert meta.endpoint_url == "http://127.0.0.1:1234"


def credentials(client: OptimizationJobClient) -> Any:
    """The credentials the boto3 client signs with (None: none found)."""
    sagemaker: Any = client.sagemaker_client
    return sagemaker._request_signer._credentials


def test_placeholders_are_only_for_this_machine() -> None:
    remote = default_client_factory(
        ClientOptions(region="us-east-1", endpoint_url="https://sagemaker.example.com")
    )
    assert credentials(remote) is None
    local = default_client_factory(ClientOptions(endpoint_url="http://localhost:1"))
    assert credentials(local).access_key == "optjob-emulator"
    assert local.sagemaker_client.meta.region_name == "us-west-2"


def test_configured_credentials_win_over_placeholders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real")
    client = default_client_factory(ClientOptions(endpoint_url="http://127.0.0.1:1"))
    assert credentials(client).access_key == "AKIAREALKEY"


def test_missing_profile_is_a_configuration_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--profile", "no-such-profile", "list")
    assert code == EXIT_USAGE
    assert out == ""
    assert "no-such-profile" in err
    assert "--profile" in err
    assert err.count("\n") == 1


def test_missing_credentials_are_a_configuration_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "--region", "us-west-2", "describe", "some-job")
    assert code == EXIT_USAGE
    assert err.startswith("optjob: error: Unable to locate credentials")
    assert "AWS_PROFILE" in err
    assert err.count("\n") == 1


def test_unreachable_endpoint_is_a_service_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--endpoint-url", "http://127.0.0.1:9", "describe", "job")
    assert code == EXIT_SERVICE_ERROR
    assert out == ""
    assert err.startswith("optjob: error: ConnectionFailed")
    assert "127.0.0.1:9" in err
    assert err.count("\n") == 1


# -- --debug, and the unexpected ----------------------------------------------------------


def test_debug_shows_the_traceback_and_the_calls(
    local_cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    result = local_cli("--debug", "describe", "missing-job")
    assert result.code == EXIT_SERVICE_ERROR
    assert "Traceback (most recent call last)" in result.err
    assert "optjob: DEBUG DescribeOptimizationJob missing-job: JobNotFoundError" in result.err
    assert result.err.splitlines()[-1].startswith("optjob: error: ResourceNotFound")
    # the handler is gone afterwards
    logger = logging.getLogger("optjob_sdk")
    assert logger.handlers == []
    assert local_cli("describe", "missing-job").err.count("\n") == 1


def test_an_unexpected_exception_is_one_line_without_debug(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken(_: ClientOptions) -> OptimizationJobClient:
        raise RuntimeError("something nobody expected")

    code = main(["list"], client_factory=broken)
    err = capsys.readouterr().err
    assert code == EXIT_INTERNAL
    assert err == (
        "optjob: internal error: RuntimeError: something nobody expected "
        "(run with --debug for the traceback, and please report it)\n"
    )
    assert main(["--debug", "list"], client_factory=broken) == EXIT_INTERNAL
    assert "Traceback" in capsys.readouterr().err


def test_interrupt_exits_130(capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(_: ClientOptions) -> OptimizationJobClient:
        raise KeyboardInterrupt

    assert main(["list"], client_factory=interrupted) == 130
    assert capsys.readouterr().err == "optjob: interrupted\n"


def test_json_output_is_parseable_with_nothing_else_on_stdout(local_cli: Cli) -> None:
    name = local_cli.create("neuron-compilation.json")
    for argv in (("describe", name), ("list",), ("stop", name), ("wait", name)):
        result = local_cli(*argv, "--output", "json")
        json.loads(result.out)  # one document, nothing around it
    assert json.loads(result.out)["OptimizationJobStatus"] == "STOPPED"


def test_create_reports_every_problem_before_building_a_client(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    built: list[ClientOptions] = []

    def factory(options: ClientOptions) -> OptimizationJobClient:
        built.append(options)
        raise AssertionError("no client should be needed")

    code = main(["create", "--file", str(DATA / "bad-request.json")], client_factory=factory)
    assert code == EXIT_USAGE
    assert built == []


# -- --version ------------------------------------------------------------------------------


def test_version_prints_the_installed_distributions_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "--version")
    assert code == EXIT_OK
    assert out == f"optjob {importlib.metadata.version('optjob-sdk')}\n"
    assert err == ""
    assert "--version" in build_parser().format_help()


# -- validate -------------------------------------------------------------------------------


def no_client(_: ClientOptions) -> OptimizationJobClient:
    raise AssertionError("validate must never build a client (nothing is sent)")


@pytest.mark.parametrize(
    "file", ["awq-quantization.json", "fp8-trtllm-compilation.yaml", "gated-model-token.yaml"]
)
def test_validate_accepts_a_good_file_and_sends_nothing(
    capsys: pytest.CaptureFixture[str], file: str
) -> None:
    code = main(["validate", "--file", str(DATA / file)], client_factory=no_client)
    out, err = capsys.readouterr()
    assert code == EXIT_OK, err
    assert err == ""
    assert out.count("\n") == 1
    assert out.startswith("OK: ")
    assert str(DATA / file) in out
    assert "nothing was sent" in out
    assert "hf_SECRET" not in out


def test_validate_json(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DATA / "awq-quantization.json")
    code = main(["validate", "-f", path, "--output", "json"], client_factory=no_client)
    out, err = capsys.readouterr()
    assert code == EXIT_OK, err
    assert json.loads(out) == {
        "Valid": True,
        "File": path,
        "OptimizationJobName": "llama3-8b-awq-2026-11-24",
    }


def test_validate_reports_every_problem_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DATA / "bad-request.json")
    code = main(["validate", "--file", path], client_factory=no_client)
    out, err = capsys.readouterr()
    assert code == EXIT_USAGE
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("optjob: error: ")
    assert "nothing was sent" in lines[0]
    problems = [line for line in lines[1:] if line.startswith("  - ")]
    assert len(problems) >= 7  # every problem in the file, each on its own line
    assert len(problems) == len(lines) - 1
    for field in ("optimization_job_name", "role_arn", "model_source.s3.s3_uri", "tags[0].key"):
        assert any(line.startswith(f"  - {field}") for line in problems), field
    # the same verdict as create, which refuses the file before building a client too
    assert main(["create", "--file", path], client_factory=no_client) == EXIT_USAGE
    assert capsys.readouterr().err == err


@pytest.mark.parametrize("output", ["table", "json"])
def test_validate_an_unreadable_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, output: str
) -> None:
    missing = tmp_path / "missing.json"
    code = main(["validate", "--file", str(missing), "-o", output], client_factory=no_client)
    out, err = capsys.readouterr()
    assert code == EXIT_USAGE
    assert out == ""
    assert err.count("\n") == 1
    assert str(missing) in err


# -- no internal error where the user made the mistake --------------------------------------


@pytest.mark.parametrize("speed", ["1e-300", "0.5", "0", "-1", "nan", "-inf", "abc"])
def test_demo_refuses_an_absurd_speed_in_one_line(
    capsys: pytest.CaptureFixture[str], speed: str
) -> None:
    slept: list[float] = []
    code = main(["demo", "--speed", speed], sleep=slept.append)
    out, err = capsys.readouterr()
    assert code == EXIT_USAGE
    assert out == ""
    assert err.count("\n") == 1
    assert "--speed" in err
    assert slept == []


@pytest.mark.parametrize("speed", ["1", "1e300", "inf"])
def test_demo_takes_any_speed_from_real_time_up(
    capsys: pytest.CaptureFixture[str], speed: str
) -> None:
    slept: list[float] = []
    assert main(["demo", "--speed", speed, "-o", "json"], sleep=slept.append) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["Describe"]["OptimizationJobStatus"] == ("COMPLETED")
    assert all(pause >= 0 for pause in slept)
    assert sum(slept) <= 1500 / float(speed)


LONE_SURROGATE = "bad \ud800 weights \udfff"


@pytest.mark.parametrize("output", ["json", "table"])
def test_a_lone_surrogate_from_the_service_is_printed_escaped(
    local_cli: Cli, service: FakeOptimizationService, output: str
) -> None:
    # JSON output escapes it (\ud800 is valid JSON and reads back as the same string);
    # tables and error lines show it escaped. Never exit 70.
    service.set_outcome("llama3-8b-awq-2026-11-24", "FAILED", reason=LONE_SURROGATE)
    name = local_cli.create()
    results = [local_cli("wait", name, "-o", output), local_cli("describe", name, "-o", output)]
    assert [result.code for result in results] == [EXIT_FAILED, EXIT_OK]
    for result in results:
        assert "\\ud800" in result.out
        if output == "json":
            assert result.json()["FailureReason"] == LONE_SURROGATE
    assert results[0].err.count("\n") == 1
    assert "\\ud800" in results[0].err


def test_output_that_the_terminal_cannot_encode_is_escaped(
    local_cli: Cli, service: FakeOptimizationService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An ASCII-only stdout (LC_ALL=C on an old Python, PYTHONIOENCODING=ascii): JSON
    # falls back to \u escapes, tables to backslash escapes; nothing is lost, no exit 70.
    service.set_outcome("llama3-8b-awq-2026-11-24", "FAILED", reason="échec: modèle ☹")
    name = local_cli.create()
    service.advance(3600)
    for output in ("json", "table"):
        buffer = io.BytesIO()
        stdout = io.TextIOWrapper(buffer, encoding="ascii", errors="strict", write_through=True)
        monkeypatch.setattr("sys.stdout", stdout)
        code = main(
            ["describe", name, "-o", output],
            client_factory=local_cli._factory,
        )
        monkeypatch.undo()
        assert code == EXIT_OK
        text = buffer.getvalue().decode("ascii")
        if output == "json":
            assert json.loads(text)["FailureReason"] == "échec: modèle ☹"
        else:
            assert "\\xe9chec" in text


# -- Ctrl-C while waiting -------------------------------------------------------------------


def interrupt_after(polls: int) -> Any:
    count = [0]

    def sleep(_: float) -> None:
        count[0] += 1
        if count[0] >= polls:
            raise KeyboardInterrupt

    return sleep


@pytest.mark.parametrize("command", ["wait", "create"])
def test_ctrl_c_while_waiting_says_the_job_keeps_running_and_how_to_stop_it(
    local_cli: Cli,
    service: FakeOptimizationService,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    if command == "wait":
        name = local_cli.create()
        argv = ["wait", name]
    else:
        name = "llama3-8b-awq-2026-11-24"
        argv = ["create", "--file", str(DATA / "awq-quantization.json"), "--wait"]
    capsys.readouterr()
    code = main(
        ["--region", "eu-west-1", "--endpoint-url", "http://localhost:8080", *argv],
        client_factory=local_cli._factory,
        sleep=interrupt_after(2),
        clock=service.monotonic,
    )
    err = capsys.readouterr().err
    assert code == EXIT_INTERRUPTED
    last = err.splitlines()[-1]
    assert last.startswith("optjob: interrupted")
    assert f"optimization job {name} keeps running on the service" in last
    assert f"optjob --region eu-west-1 --endpoint-url http://localhost:8080 stop {name}" in last
    assert service.job_names() == [name]  # nothing stopped it


def test_ctrl_c_quotes_what_the_shell_would_split(
    local_cli: Cli, service: FakeOptimizationService, capsys: pytest.CaptureFixture[str]
) -> None:
    name = local_cli.create()
    code = main(
        ["--profile", "my team", "wait", name],
        client_factory=local_cli._factory,
        sleep=interrupt_after(1),
        clock=service.monotonic,
    )
    assert code == EXIT_INTERRUPTED
    assert f"optjob --profile 'my team' stop {name}" in capsys.readouterr().err


def test_ctrl_c_during_create_says_how_to_find_out_whether_it_was_created(
    local_cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    class Interrupted:
        def create(self, request: Any) -> Any:
            raise KeyboardInterrupt

    code = main(
        ["--region", "eu-west-1", "create", "--file", str(DATA / "awq-quantization.json")],
        client_factory=lambda _: Interrupted(),  # type: ignore[arg-type,return-value]
    )
    err = capsys.readouterr().err
    assert code == EXIT_INTERRUPTED
    assert err == (
        "optjob: interrupted: optimization job llama3-8b-awq-2026-11-24 may or may not have "
        "been created; to find out: optjob --region eu-west-1 describe llama3-8b-awq-2026-11-24\n"
    )
