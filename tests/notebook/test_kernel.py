"""The waiter's progress display in a real IPython kernel (``nox -s notebook``).

The kernel runs in a child process (see kernel_driver.py). The cells wait on the emulator's
virtual clock, so a 21-minute job takes milliseconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from examples import EXAMPLES

pytest.importorskip("ipykernel", reason="needs ipykernel: the nox session `notebook` has it")

DRIVER = Path(__file__).with_name("kernel_driver.py")

SETUP = f"""
import json, pathlib
from optjob_sdk import CreateOptimizationJobRequest, OptimizationJobClient, from_dict
from optjob_sdk.testing import FakeOptimizationService

service = FakeOptimizationService()
client = OptimizationJobClient(service.client())
data = json.loads(pathlib.Path({str(EXAMPLES / "awq-quantization.json")!r}).read_text())
"""

WAIT = """
data["OptimizationJobName"] = {name!r}
{outcome}
client.create(from_dict(CreateOptimizationJobRequest, data))
job = client.wait({name!r}, sleep=service.advance, clock=service.monotonic)
print("final", job.optimization_job_status)
"""


def run_cells(*cells: str) -> list[dict[str, Any]]:
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    done = subprocess.run(
        [sys.executable, "-Xfrozen_modules=off", str(DRIVER), *cells],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def texts(messages: list[dict[str, Any]], kind: str) -> list[str]:
    return [m["content"]["data"]["text/plain"] for m in messages if m["type"] == kind]


def display_ids(messages: list[dict[str, Any]]) -> set[str]:
    return {
        m["content"]["transient"]["display_id"]
        for m in messages
        if m["type"] in ("display_data", "update_display_data")
    }


def test_one_output_area_updated_in_place_per_wait() -> None:
    completed, failed = run_cells(
        SETUP,
        WAIT.format(name="nb-completed", outcome=""),
        WAIT.format(
            name="nb-failed",
            outcome='service.set_outcome("nb-failed", "FAILED", reason="ClientError: no GPU")',
        ),
    )[1:]

    # COMPLETED: one output area, created once, then updated in place to the end.
    assert completed["reply"] == "ok"
    messages = completed["messages"]
    shown = texts(messages, "display_data")
    updates = texts(messages, "update_display_data")
    assert len(shown) == 1
    assert len(display_ids(messages)) == 1
    assert "nb-completed: STARTING" in shown[0]
    assert "left" in shown[0]  # the time left before the deadline
    assert len(updates) >= 3
    assert any("INPROGRESS" in text for text in updates)
    assert "COMPLETED" in updates[-1]
    streams = [m["content"] for m in messages if m["type"] == "stream"]
    assert {"name": "stdout", "text": "final COMPLETED\n"} in streams
    # No terminal-style output (carriage returns) leaks into the notebook.
    assert not any("\r" in s["text"] for s in streams)

    # FAILED: a fresh output area ending on FAILED, and the error raised in the cell.
    assert failed["reply"] == "error"
    messages = failed["messages"]
    assert len(display_ids(messages)) == 1
    assert display_ids(messages).isdisjoint(display_ids(completed["messages"]))
    assert "FAILED" in texts(messages, "update_display_data")[-1]
    errors = [m["content"] for m in messages if m["type"] == "error"]
    assert [e["ename"] for e in errors] == ["JobFailedError"]
    assert "ClientError: no GPU" in errors[0]["evalue"]


def test_progress_false_shows_nothing_in_a_notebook() -> None:
    cell = WAIT.format(name="nb-quiet", outcome="").replace(
        "clock=service.monotonic)", "clock=service.monotonic, progress=False)"
    )
    (_, quiet) = run_cells(SETUP, cell)
    assert quiet["reply"] == "ok"
    assert display_ids(quiet["messages"]) == set()
