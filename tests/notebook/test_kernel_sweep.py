"""The many-job display in a real IPython kernel (``nox -s notebook``): one table, updated
in place in one output area, with an HTML form and a plain-text one.

The kernel runs in a child process (see kernel_driver.py). The waits are on the emulator's
virtual clock.
"""

from __future__ import annotations

import pytest
from test_kernel import SETUP, display_ids, run_cells

pytest.importorskip("ipykernel", reason="needs ipykernel: the nox session `notebook` has it")

DRIVE = """
from optjob_sdk._progress import SweepRow, SweepView, make_sweep_progress

rows = [SweepRow(f"sweep-{i}", "INPROGRESS", False) for i in range(3)]
progress = make_sweep_progress(None)
print("display", type(progress).__name__)
progress.update(SweepView(rows, {}, 3, 0.0, 600.0, None))
rows[1] = SweepRow("sweep-1", "FAILED", True, "ClientError: <no GPU> \\x1b[2J")
progress.job_ended(rows[1], SweepView(rows, {"FAILED": 1}, 2, 30.0, 570.0, None))
progress.update(SweepView(rows, {"FAILED": 1}, 2, 30.0, 570.0, 45.0))
rows[0] = SweepRow("sweep-0", "COMPLETED", True)
rows[2] = SweepRow("sweep-2", "COMPLETED", True)
for row in (rows[0], rows[2]):
    progress.job_ended(row, SweepView(rows, {"COMPLETED": 2, "FAILED": 1}, 0, 75.0, 525.0, None))
progress.close(SweepView(rows, {"COMPLETED": 2, "FAILED": 1}, 0, 75.0, 525.0, None))
"""


def test_one_table_updated_in_place() -> None:
    (cell,) = run_cells(DRIVE)
    assert cell["reply"] == "ok"
    messages = cell["messages"]
    streams = [m["content"] for m in messages if m["type"] == "stream"]
    assert streams == [{"name": "stdout", "text": "display NotebookSweepProgress\n"}]
    shown = [m["content"]["data"] for m in messages if m["type"] == "display_data"]
    updates = [m["content"]["data"] for m in messages if m["type"] == "update_display_data"]
    # One output area: displayed once, then updated (after the poll, and at the end).
    assert len(shown) == 1
    assert len(updates) == 2
    assert len(display_ids(messages)) == 1
    for data in (*shown, *updates):
        assert set(data) == {"text/html", "text/plain"}
    first, last = shown[0], updates[-1]
    assert first["text/plain"].splitlines()[0] == "0/3 ended; 3 running; polling...; 10:00 left"
    assert first["text/html"].count('<span style="color:#0969da">INPROGRESS</span>') == 3
    assert last["text/plain"].splitlines() == [
        "3/3 ended: 2 COMPLETED, 1 FAILED; elapsed 01:15",
        "sweep-0  COMPLETED",
        "sweep-1  FAILED     ClientError: <no GPU> \\x1b[2J",
        "sweep-2  COMPLETED",
    ]
    page = last["text/html"]
    assert "ClientError: &lt;no GPU&gt; \\x1b[2J" in page  # escaped for HTML and terminals
    assert "<no GPU>" not in page
    assert page.count('<span style="color:#1a7f37">COMPLETED</span>') == 2
    assert '<span style="color:#cf222e">FAILED</span>' in page


WAIT_MANY = """
names = ["nb-sweep-g5", "nb-sweep-g6", "nb-sweep-inf2"]
service.set_outcome("nb-sweep-g6", "FAILED", reason="ClientError: <b>no GPU</b>")
for name in names:
    data["OptimizationJobName"] = name
    client.create(from_dict(CreateOptimizationJobRequest, data))
jobs = client.wait_many(names, sleep=service.advance, clock=service.monotonic)
print(sorted(str(job.optimization_job_status) for job in jobs.values()))
"""


def test_wait_many_shows_one_table_in_a_notebook() -> None:
    (_, cell) = run_cells(SETUP, WAIT_MANY)
    assert cell["reply"] == "ok"
    messages = cell["messages"]
    streams = [m["content"] for m in messages if m["type"] == "stream"]
    assert streams == [{"name": "stdout", "text": "['COMPLETED', 'COMPLETED', 'FAILED']\n"}]
    shown = [m["content"]["data"] for m in messages if m["type"] == "display_data"]
    updates = [m["content"]["data"] for m in messages if m["type"] == "update_display_data"]
    assert len(shown) == 1
    assert len(updates) >= 3  # after each poll, and at the end
    assert len(display_ids(messages)) == 1
    assert shown[0]["text/plain"].startswith("0/3 ended; 3 running; next poll in 00:3")
    last = updates[-1]
    lines = last["text/plain"].splitlines()
    assert lines[0].startswith("3/3 ended: 2 COMPLETED, 1 FAILED; elapsed ")
    assert [line.split()[:2] for line in lines[1:]] == [
        ["nb-sweep-g5", "COMPLETED"],
        ["nb-sweep-g6", "FAILED"],
        ["nb-sweep-inf2", "COMPLETED"],
    ]
    assert "ClientError: &lt;b&gt;no GPU&lt;/b&gt;" in last["text/html"]
    assert "<b>no GPU</b>" not in last["text/html"]
