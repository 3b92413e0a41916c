"""docs/sweep.ipynb runs as Jupyter runs it (nbclient, a kernel of this interpreter) and shows
what it says it shows: a config's card, the sweep's live table ending on every job's end, a
description's card, and the DataFrame of the sweep. It is committed with its outputs
stripped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat", reason="the nox session `notebook` has nbformat")
nbclient = pytest.importorskip("nbclient", reason="the nox session `notebook` has nbclient")
pytest.importorskip("pandas", reason="the notebook ends on to_pandas(): the pandas extra")

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "sweep.ipynb"

#: Appended to the run (not to the file): the notebook's own variables, as plain data.
CHECK = """
import json
columns = ["optimization_job_name", "optimization_job_status", "minutes"]
ended = sorted(str(job.optimization_job_status) for job in jobs.values())
print(json.dumps({"rows": df[columns].values.tolist(), "ended": ended}))
"""


def outputs(cell: Any, kind: str) -> list[dict[str, Any]]:
    return [output for output in cell.outputs if output.output_type == kind]


def test_the_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert len(code) >= 4
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)


def test_the_notebook_runs_and_shows_the_sweep() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(CHECK))
    client = nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": "docs"}}
    )
    client.execute()  # raises CellExecutionError if any cell fails
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]

    def shown(marker: str) -> dict[str, Any]:
        (cell,) = [cell for cell in code if marker in cell.source]
        results = outputs(cell, "execute_result") + outputs(cell, "display_data")
        assert len(results) == 1, cell.source
        data: dict[str, Any] = results[0]["data"]
        return data

    config = shown("requests[0].optimization_configs[0]")
    assert "<b>Quantization</b>" in config["text/html"]
    assert config["text/plain"].startswith("OptimizationConfig(\n")

    # The live table: one output area (updated in place), ending on the sweep's end.
    table = shown("client.wait_many(")
    assert '<div class="optjob-sweep">' in table["text/html"]
    assert "3/3 ended: 2 COMPLETED, 1 FAILED" in table["text/html"]
    assert "ClientError: out of memory" in table["text/plain"]

    card = shown('jobs[f"{SWEEP}-g6e-fp8"]')
    assert card["text/html"].startswith('<div class="optjob-job"')
    assert "#cf222e" in card["text/html"]  # FAILED's colour
    assert "ClientError: out of memory" in card["text/html"]
    assert card["text/plain"].startswith("DescribeOptimizationJobResponse(\n")

    frame = shown(".to_pandas()")
    assert '<table border="1" class="dataframe' in frame["text/html"]
    assert "llama3-8b-nb-g6e-fp8" in frame["text/plain"]

    (printed,) = outputs(code[-1], "stream")
    facts = json.loads(printed["text"])
    assert facts["ended"] == ["COMPLETED", "COMPLETED", "FAILED"]
    assert facts["rows"] == [
        ["llama3-8b-nb-g5-awq", "COMPLETED", 25.0],
        ["llama3-8b-nb-g6-awq", "COMPLETED", 40.0],
        ["llama3-8b-nb-g6e-fp8", "FAILED", 20.0],
    ]
