"""A model shown in a real IPython kernel (``nox -s notebook``): a description as the last
expression of a cell comes with text/html (the card) and a text/plain of many short lines
(IPython's pretty printer calling ``_repr_pretty_``), and the secret is in neither."""

from __future__ import annotations

import pytest
from test_kernel import SETUP, run_cells

pytest.importorskip("ipykernel", reason="needs ipykernel: the nox session `notebook` has it")

SECRET = "hf_kernelSecret0123456789"

CELLS = f"""
data["OptimizationJobName"] = "nb-shown"
data["OptimizationEnvironment"] = {{"HF_TOKEN": {SECRET!r}, "OPTION_DTYPE": "fp16"}}
service.set_outcome("nb-shown", "FAILED", reason="<script>alert(1)</script>")
client.create(from_dict(CreateOptimizationJobRequest, data))
service.advance(3600)
job = client.describe("nb-shown")
"""


def _result(cell: dict[str, object]) -> dict[str, str]:
    messages = cell["messages"]
    assert isinstance(messages, list)
    (result,) = [m["content"]["data"] for m in messages if m["type"] == "execute_result"]
    return dict(result)


def test_a_description_shows_as_a_card_and_as_short_lines() -> None:
    _, _, shown, page = run_cells(SETUP, CELLS, "job", "next(iter(client.list().by_page()))")
    data = _result(shown)
    assert set(data) >= {"text/html", "text/plain"}
    markup, text = data["text/html"], data["text/plain"]
    assert markup.startswith('<div class="optjob-job"')
    assert "<b>nb-shown</b>" in markup
    assert "#cf222e" in markup  # FAILED, in the waiters' colour
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "<script>" not in markup
    assert "HF_TOKEN=***" in markup

    lines = text.splitlines()
    assert lines[0] == "DescribeOptimizationJobResponse("
    assert "    optimization_job_name='nb-shown'," in lines
    assert "        'HF_TOKEN': '***'," in lines
    assert len(lines) > 30
    assert max(map(len, lines)) < 120  # not one 2,000-character line
    for form in (markup, text):
        assert SECRET not in form

    page_data = _result(page)
    assert page_data["text/html"].startswith('<div class="optjob-page"')
    assert "nb-shown" in page_data["text/html"]
    assert page_data["text/plain"].startswith("ListOptimizationJobsResponse(\n")
