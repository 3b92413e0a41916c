"""`optjob emulator` and the command line's view of the emulator: help, region, port, scenario."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from optjob_sdk.cli import EXIT_FAILED, EXIT_OK, EXIT_STOPPED, EXIT_USAGE, main


def test_list_help_states_the_documented_default_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Ascending (default) or Descending" in text
    assert "newest first" not in text
    assert "oldest first" in text


# -- helpers ---------------------------------------------------------------------------------

PYTHON = sys.executable
REQUEST_FILE = Path(__file__).parents[1] / "cli" / "data" / "awq-quantization.json"
JOB = "llama3-8b-awq-2026-11-24"  # the name in REQUEST_FILE


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("optjob: error: ")
    assert "Traceback" not in err
    return lines[0]


@contextmanager
def emulator(*options: str) -> Iterator[str]:
    """`python -m optjob_sdk emulator --port 0 --output json OPTIONS` as a process; its URL."""
    server = subprocess.Popen(
        [PYTHON, "-m", "optjob_sdk", "emulator", "--port", "0", "--output", "json", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line, server.communicate(timeout=10)[1]
        yield json.loads(line)["EndpointUrl"]
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=10)
        assert "Traceback" not in err


def optjob(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "optjob_sdk", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# -- the port ---------------------------------------------------------------------------------


def test_port_in_use_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["emulator", "--port", str(port)]) == EXIT_USAGE
    line = one_error_line(capsys.readouterr().err)
    assert f"127.0.0.1:{port}" in line
    assert "in use" in line
    assert "--port" in line


# -- the region ---------------------------------------------------------------------------------


def created_arn(url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """Create the job in-process with ``optjob create`` (a client signing for us-west-2, the
    command line's placeholder for a local endpoint); its ARN."""
    capsys.readouterr()
    argv = ["--endpoint-url", url, "create", "--file", str(REQUEST_FILE), "-o", "json"]
    assert main(argv) == EXIT_OK
    return str(json.loads(capsys.readouterr().out)["OptimizationJobArn"])


def test_region_option_sets_the_arns(capsys: pytest.CaptureFixture[str]) -> None:
    with emulator("--region", "eu-central-1") as url:
        # Signed for another region: answered all the same (the real service never would
        # see such a request; the emulator accepts and ignores it).
        arn = created_arn(url, capsys)
    assert arn == f"arn:aws:sagemaker:eu-central-1:111122223333:optimization-job/{JOB}"


def test_region_before_the_command_too(capsys: pytest.CaptureFixture[str]) -> None:
    server = subprocess.Popen(
        [PYTHON, "-m", "optjob_sdk", "--region", "cn-north-1", "emulator", "-o", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = json.loads(server.stdout.readline())["EndpointUrl"]
        # the partition follows the region, as botocore's endpoint data says
        assert created_arn(url, capsys).startswith("arn:aws-cn:sagemaker:cn-north-1:")
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=10)


def test_bad_region_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "--region", "Mars/1"]) == EXIT_USAGE
    line = one_error_line(capsys.readouterr().err)
    assert "--region" in line
    assert "Mars/1" in line


# -- scenarios -----------------------------------------------------------------------------------


WAIT_FAST = ("--wait", "--poll-interval", "0.05", "--max-poll-interval", "0.2")


def test_scenario_drives_a_shell_scripts_failed_branch(tmp_path: Path) -> None:
    """The whole point: a script's FAILED branch, tested without Python, as processes."""
    scenario = tmp_path / "scenario.json"
    scenario.write_text(
        json.dumps(
            {
                "durations": {"starting": 1, "in_progress": 2, "stopping": 1},
                "jobs": [
                    {
                        "name": "llama3-*",
                        "outcome": "FAILED",
                        "reason": "ClientError: out of memory",
                    }
                ],
                # a throttled poll on the way: the waiter rides it out
                "faults": [{"operation": "DescribeOptimizationJob", "kind": "throttle"}],
            }
        )
    )
    with emulator("--scenario", str(scenario), "--speed", "10") as url:
        waited = optjob(
            "--endpoint-url", url, "create", "--file", str(REQUEST_FILE), *WAIT_FAST, "-o", "json"
        )
    assert waited.returncode == EXIT_FAILED, waited.stderr
    assert json.loads(waited.stdout)["OptimizationJobStatus"] == "FAILED"
    assert "ClientError: out of memory" in waited.stderr


@pytest.mark.parametrize(
    ("rule", "expected_exit", "expected_status"),
    [
        ({"outcome": "STOPPED"}, EXIT_STOPPED, "STOPPED"),
        ({"outcome": "COMPLETED", "durations": {"in_progress": 1}}, EXIT_OK, "COMPLETED"),
    ],
)
def test_scenario_outcomes_from_the_command_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rule: dict[str, Any],
    expected_exit: int,
    expected_status: str,
) -> None:
    scenario = tmp_path / "scenario.yaml"  # YAML too (PyYAML is installed here)
    scenario.write_text(
        "durations: {starting: 1, in_progress: 2, stopping: 1}\n"
        f"jobs:\n  - name: {JOB}\n"
        + "".join(f"    {key}: {json.dumps(value)}\n" for key, value in rule.items())
    )
    with emulator("--scenario", str(scenario), "--speed", "20") as url:
        capsys.readouterr()
        argv = ["--endpoint-url", url, "create", "--file", str(REQUEST_FILE), *WAIT_FAST]
        assert main([*argv, "-o", "json"]) == expected_exit
    assert json.loads(capsys.readouterr().out)["OptimizationJobStatus"] == expected_status


@pytest.mark.parametrize(
    ("content", "suffix", "expected"),
    [
        ("{", ".json", "not valid JSON at line 1, column 2"),
        ('{"jobz": []}', ".json", "unknown key 'jobz' (did you mean 'jobs'?)"),
        ('{"faults": [{"operation": "*", "kind": "thrtle"}]}', ".json", "faults[0].kind"),
        ('{"faults": [{"operation": "Describe", "kind": "drop"}]}', ".json", "faults[0].operation"),
        ('{"jobs": [{"name": "a b", "outcome": "FAILED"}]}', ".json", "jobs[0].name"),
        ('{"jobs": [{"name": "x", "outcome": "FAIL"}]}', ".json", "did you mean 'FAILED'?"),
        ('{"durations": {"starting": -1}}', ".json", "durations.starting"),
        ('{"durations": {"starting": true}}', ".json", "must be a number, not true"),
        ("[]", ".json", "a scenario is a mapping, not a list"),
        ("jobs: [\n  - {name: x", ".yaml", "not valid YAML at line"),
    ],
)
def test_bad_scenario_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, suffix: str, expected: str
) -> None:
    path = tmp_path / f"scenario{suffix}"
    path.write_text(content)
    assert main(["emulator", "--scenario", str(path)]) == EXIT_USAGE
    line = one_error_line(capsys.readouterr().err)
    assert expected in line
    assert str(path) in line


def test_missing_scenario_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["emulator", "--scenario", str(tmp_path / "nope.json")]) == EXIT_USAGE
    assert "nope.json" in one_error_line(capsys.readouterr().err)


def test_list_lag_from_the_command_line() -> None:
    """`--list-lag`: a job just created is described at once, listed only later."""
    with emulator("--list-lag", "600") as url:
        created = optjob("--endpoint-url", url, "create", "--file", str(REQUEST_FILE), "-o", "json")
        assert created.returncode == EXIT_OK, created.stderr
        name = json.loads(REQUEST_FILE.read_text())["OptimizationJobName"]
        described = optjob("--endpoint-url", url, "describe", name, "-o", "json")
        listed = optjob("--endpoint-url", url, "list", "-o", "json")
    assert described.returncode == EXIT_OK, described.stderr
    assert json.loads(described.stdout)["OptimizationJobName"] == name
    assert listed.returncode == EXIT_OK, listed.stderr
    assert name not in listed.stdout


def test_list_lag_must_be_a_non_negative_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "--list-lag", "-5"]) == EXIT_USAGE
    assert "argument --list-lag: must not be negative" in capsys.readouterr().err
