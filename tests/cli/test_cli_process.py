"""``optjob`` as a user runs it: the demo, the emulator server, the cost of importing it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import DATA

from optjob_sdk.cli import EXIT_OK, main

PYTHON = sys.executable


def env() -> dict[str, str]:
    """The test's (clean) AWS environment, for child processes."""
    return dict(os.environ)


# -- the demo -----------------------------------------------------------------------------


def test_demo_as_a_user_runs_it() -> None:
    """The real thing: `python -m optjob_sdk.cli demo`, default speed, real sleeps."""
    done = subprocess.run(
        [PYTHON, "-m", "optjob_sdk", "demo"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env(),
        check=False,
    )
    assert done.returncode == EXIT_OK, done.stderr
    out = done.stdout
    for step in ("[1/4] create", "[2/4] wait", "[3/4] describe", "[4/4] list"):
        assert step in out
    assert (
        "created arn:aws:sagemaker:us-west-2:111122223333:optimization-job/llama3-8b-awq-demo"
        in (out)
    )
    assert "COMPLETED after 21m 0s emulated (20m 0s optimizing)" in out
    assert "RecommendedInferenceImage" in out
    assert "llama3-8b-awq-demo  COMPLETED  ml.g5.12xlarge  Quantization" in out
    assert "Done in " in out
    # stderr is not a terminal: the waiter prints one line per status change, in order
    statuses = [line.split(": ", 1)[1].split()[0] for line in done.stderr.splitlines()]
    assert statuses == ["STARTING", "INPROGRESS", "COMPLETED"]
    assert "Traceback" not in done.stderr


def test_demo_json_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    slept: list[float] = []
    assert main(["demo", "--output", "json"], sleep=slept.append) == EXIT_OK
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["Create"]["OptimizationJobArn"].endswith("/llama3-8b-awq-demo")
    assert document["Describe"]["OptimizationJobStatus"] == "COMPLETED"
    assert [s["OptimizationJobName"] for s in document["List"]["OptimizationJobSummaries"]] == [
        "llama3-8b-awq-demo"
    ]
    # the narration went to stderr, beside the progress lines
    assert "[2/4] wait" in captured.err
    # real pauses are the emulated ones divided by the speed, and add up to ~the job
    assert 1200 / 600 < sum(slept) < 1500 / 600


def test_demo_speed(capsys: pytest.CaptureFixture[str]) -> None:
    slept: list[float] = []
    assert main(["demo", "--speed", "6000"], sleep=slept.append) == EXIT_OK
    assert "6000x faster" in capsys.readouterr().out
    assert sum(slept) < 1500 / 6000


# -- the emulator server ------------------------------------------------------------------


def test_emulator_serves_until_interrupted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    server = subprocess.Popen(
        [PYTHON, "-m", "optjob_sdk.cli", "emulator", "--port", "0", "--speed", "100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("optjob emulator listening on http://127.0.0.1:")
        url = first.split()[4]
        example = server.stdout.readline()
        assert example.strip() == f"try:  optjob --endpoint-url {url} list"

        # The printed example works as printed (no AWS configuration in this environment).
        assert main(["--endpoint-url", url, "list"]) == EXIT_OK
        assert capsys.readouterr().out == "No optimization jobs.\n"
        job = str(DATA / "awq-quantization.json")
        assert main(["--endpoint-url", url, "create", "--file", job]) == EXIT_OK
        capsys.readouterr()
        assert main(["--endpoint-url", url, "describe", "llama3-8b-awq-2026-11-24"]) == EXIT_OK
        status = capsys.readouterr().out.splitlines()[1].split()
        # the emulator's clock runs 100x: the job may have left STARTING already
        assert status[0] == "OptimizationJobStatus"
        assert status[1] in ("STARTING", "INPROGRESS")
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=10)
    assert server.returncode == EXIT_OK
    assert "Traceback" not in err
    assert err.strip() == "emulator stopped"


def test_emulator_json_prints_the_url(capsys: pytest.CaptureFixture[str]) -> None:
    server = subprocess.Popen(
        [PYTHON, "-m", "optjob_sdk.cli", "emulator", "-o", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    try:
        assert server.stdout is not None
        url = json.loads(server.stdout.readline())["EndpointUrl"]
        assert url.startswith("http://127.0.0.1:")
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=10)
    assert server.returncode == EXIT_OK


# -- import cost --------------------------------------------------------------------------


def test_importing_the_cli_does_not_import_boto3() -> None:
    code = (
        "import sys, optjob_sdk.cli; "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('boto3', 'botocore', 'cattrs', 'tenacity', 'yaml')); "
        "print(heavy)"
    )
    done = subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout.strip() == "[]"


def test_usage_errors_do_not_import_boto3() -> None:
    code = (
        "import sys; from optjob_sdk.cli import main; "
        "status = main(['list', '--max-items', '0']); "
        "print(status, 'boto3' in sys.modules, 'botocore' in sys.modules)"
    )
    done = subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout.strip() == "2 False False"


def test_console_script_is_declared() -> None:
    from importlib.metadata import entry_points

    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "optjob"]
    assert script.value == "optjob_sdk.cli:main"


def test_version_is_cheap() -> None:
    code = (
        "import sys; from optjob_sdk.cli import main; "
        "status = main(['--version']); "
        "print(status, 'boto3' in sys.modules, 'botocore' in sys.modules)"
    )
    done = subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    version, verdict = done.stdout.strip().splitlines()
    assert version.startswith("optjob ")
    assert verdict == "0 False False"
