"""The many-job display (wait_many, as_completed): a terminal, plain lines, a notebook table.

The displays are driven directly with SweepViews, as the waiter drives them: job_ended for
each end, update after each poll (and each second between polls), close at the end.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import sys
import textwrap
import types
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from waiter_support import run_in_pty

from examples import EXAMPLES
from optjob_sdk import (
    CreateOptimizationJobRequest,
    OptimizationJobClient,
    WaitTimeoutError,
    from_dict,
)
from optjob_sdk._progress import (
    TABLE_ROWS,
    LineSweepProgress,
    NotebookSweepProgress,
    SweepRow,
    SweepTable,
    SweepView,
    TerminalSweepProgress,
    _table_rows,
    make_sweep_progress,
    sweep_line,
    sweep_summary,
)
from optjob_sdk.testing import Durations, FakeOptimizationService


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def frames(out: str) -> list[list[str]]:
    """Terminal output as lines, each the list of frames drawn on it with ``\\r``."""
    return [[f.rstrip() for f in line.split("\r")[1:]] for line in out.split("\n") if line]


def view(
    rows: Sequence[SweepRow],
    *,
    elapsed: float = 0.0,
    left: float | None = None,
    next_poll: float | None = 30.0,
) -> SweepView:
    """The view the waiter would pass for these rows: the counts follow from them."""
    ended = Counter(row.status for row in rows if row.ended)
    running = sum(not row.ended for row in rows)
    return SweepView(rows, dict(ended), running, elapsed, left, next_poll)


def sweep(
    n: int, ended: dict[str, int] | None = None, reason: str = "ClientError: out of memory"
) -> list[SweepRow]:
    """``n`` jobs, the first ones ended as ``ended`` says, the others INPROGRESS."""
    rows: list[SweepRow] = []
    for status, count in (ended or {}).items():
        for _ in range(count):
            why = reason if status == "FAILED" else None
            rows.append(SweepRow(f"sweep-{len(rows):03d}", status, True, why))
    rows += [SweepRow(f"sweep-{i:03d}", "INPROGRESS", False) for i in range(len(rows), n)]
    return rows


# -- the summary line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "next_poll", "left", "expected"),
    [
        (
            sweep(250, {"COMPLETED": 200, "FAILED": 8, "STOPPED": 4}),
            100,
            None,
            "212/250 ended: 200 COMPLETED, 8 FAILED, 4 STOPPED; 38 running; next poll in 01:40",
        ),
        (sweep(3), 30, None, "0/3 ended; 3 running; next poll in 00:30"),
        (sweep(5, {"FAILED": 2}), None, None, "2/5 ended: 2 FAILED; 3 running; polling..."),
        (
            sweep(4, {"COMPLETED": 1, "STOPPED": 1}),
            5,
            3723,
            "2/4 ended: 1 COMPLETED, 1 STOPPED; 2 running; next poll in 00:05; 1:02:03 left",
        ),
        (
            # Newer ends than the SDK knows are counted under their own names, after the
            # known ones; whatever order the view's counts come in, the line is the same.
            sweep(6, {"ARCHIVED": 2, "COMPLETED": 1, "EXPIRED": 1}),
            60,
            None,
            "4/6 ended: 1 COMPLETED, 2 ARCHIVED, 1 EXPIRED; 2 running; next poll in 01:00",
        ),
        (sweep(2, {"COMPLETED": 2}), None, 10, "2/2 ended: 2 COMPLETED; polling...; 00:10 left"),
    ],
)
def test_the_summary_line(
    rows: list[SweepRow], next_poll: float | None, left: float | None, expected: str
) -> None:
    assert sweep_summary(view(rows, next_poll=next_poll, left=left)) == expected


def test_zero_counts_are_left_out() -> None:
    rows = sweep(3, {"COMPLETED": 1})
    counts = SweepView(rows, {"COMPLETED": 1, "FAILED": 0, "STOPPED": 0}, 2, 0, None, 1)
    assert sweep_summary(counts) == "1/3 ended: 1 COMPLETED; 2 running; next poll in 00:01"


def test_the_final_summary_tells_the_time_taken_and_what_still_runs() -> None:
    done = sweep(250, {"COMPLETED": 240, "FAILED": 10})
    assert (
        sweep_summary(view(done, elapsed=3600, left=100, next_poll=None), final=True)
        == "250/250 ended: 240 COMPLETED, 10 FAILED; elapsed 1:00:00"
    )
    timed_out = sweep(10, {"COMPLETED": 7})
    assert (
        sweep_summary(view(timed_out, elapsed=600, left=0), final=True)
        == "7/10 ended: 7 COMPLETED; 3 still running; elapsed 10:00"
    )


def test_the_time_left_is_shown_only_if_it_fits() -> None:
    rows = sweep(250, {"COMPLETED": 200, "FAILED": 8, "STOPPED": 4})
    full = sweep_summary(view(rows, next_poll=100, left=7200))
    assert full.endswith("; next poll in 01:40; 2:00:00 left")
    assert sweep_summary(view(rows, next_poll=100, left=7200), width=len(full)) == full
    short = sweep_summary(view(rows, next_poll=100, left=7200), width=len(full) - 1)
    assert short == full.removesuffix("; 2:00:00 left")  # dropped whole, not cut


def test_a_summary_too_wide_for_the_terminal_is_cut() -> None:
    rows = sweep(250, {"COMPLETED": 200, "FAILED": 8, "STOPPED": 4})
    cut = sweep_summary(view(rows, next_poll=100), width=40)
    assert cut == "212/250 ended: 200 COMPLETED, 8 FAILE..."
    assert len(cut) == 40


# -- the line a job's end leaves ------------------------------------------------------------


def test_an_ended_line_names_the_job_its_end_the_time_and_the_reason() -> None:
    failed = SweepRow("llama3-g6-awq", "FAILED", True, "ClientError: out of memory")
    assert sweep_line(failed, 842) == (
        "llama3-g6-awq: FAILED     elapsed 14:02; ClientError: out of memory"
    )
    completed = SweepRow("llama3-g5-awq", "COMPLETED", True)
    assert sweep_line(completed, 3725) == "llama3-g5-awq: COMPLETED  elapsed 1:02:05"


def test_an_ended_line_cuts_the_reason_first_then_the_name() -> None:
    failed = SweepRow("llama3-g6-awq", "FAILED", True, "ClientError: " + "x" * 200)
    line = sweep_line(failed, 842, width=60)
    assert len(line) == 60
    assert line.startswith("llama3-g6-awq: FAILED     elapsed 14:02; ClientError: xx")
    assert line.endswith("x...")
    long_name = SweepRow("a" * 63, "COMPLETED", True, None)
    line = sweep_line(long_name, 5, width=40)
    assert line == "a" * 11 + "...: COMPLETED  elapsed 00:05"
    assert len(line) == 40


# -- a terminal -------------------------------------------------------------------------------


def test_a_terminal_keeps_one_line_per_end_above_a_live_summary() -> None:
    stream = FakeTTY()
    display = TerminalSweepProgress(stream, columns=lambda: 120)
    rows = sweep(3)
    display.update(view(rows, next_poll=None))
    display.update(view(rows, elapsed=1, next_poll=29))
    rows[1] = SweepRow("sweep-001", "FAILED", True, "ClientError: no GPU")
    display.job_ended(rows[1], view(rows, elapsed=30, next_poll=None))
    display.update(view(rows, elapsed=31, next_poll=44))
    rows[0] = SweepRow("sweep-000", "COMPLETED", True)
    rows[2] = SweepRow("sweep-002", "STOPPED", True)
    display.job_ended(rows[0], view(rows[:1] + sweep(3)[1:], elapsed=75, next_poll=None))
    display.job_ended(rows[2], view(rows, elapsed=75, next_poll=None))
    display.close(view(rows, elapsed=75, next_poll=None))
    out = stream.getvalue()
    assert out.endswith("\n")  # the shell's prompt starts on a line of its own
    assert frames(out) == [
        [
            "0/3 ended; 3 running; polling...",
            "0/3 ended; 3 running; next poll in 00:29",
            "sweep-001: FAILED     elapsed 00:30; ClientError: no GPU",
        ],
        [
            "1/3 ended: 1 FAILED; 2 running; polling...",
            "1/3 ended: 1 FAILED; 2 running; next poll in 00:44",
            "sweep-000: COMPLETED  elapsed 01:15",
        ],
        ["1/3 ended: 1 COMPLETED; 2 running; polling...", "sweep-002: STOPPED    elapsed 01:15"],
        [
            "3/3 ended: 1 COMPLETED, 1 FAILED, 1 STOPPED; polling...",
            "3/3 ended: 1 COMPLETED, 1 FAILED, 1 STOPPED; elapsed 01:15",
        ],
    ]
    display.close(view(rows))  # a second close writes nothing
    display.update(view(rows))
    assert stream.getvalue() == out


def test_an_ended_line_wipes_the_longer_summary_it_replaces() -> None:
    stream = FakeTTY()
    display = TerminalSweepProgress(stream, columns=lambda: 200)
    rows = sweep(250, {"COMPLETED": 200})
    display.update(view(rows, left=3600))
    summary = stream.getvalue().removeprefix("\r")
    display.job_ended(SweepRow("j", "COMPLETED", True), view(rows))
    ended = stream.getvalue()[len(summary) + 1 :].split("\n")[0]
    assert ended.startswith("\rj: COMPLETED")
    assert len(ended) == 1 + len(summary)  # padded with spaces over the old summary


def test_terminal_lines_fit_the_width() -> None:
    stream = FakeTTY()
    display = TerminalSweepProgress(stream, columns=lambda: 50)
    rows = sweep(250, {"COMPLETED": 200, "FAILED": 8, "STOPPED": 4}, reason="E" * 300)
    display.update(view(rows, left=3600))
    display.job_ended(rows[205], view(rows, left=3600))
    display.close(view(rows))
    drawn = [frame for line in frames(stream.getvalue()) for frame in line]
    assert len(drawn) == 4
    assert all(len(frame) <= 49 for frame in drawn)
    assert drawn[1].startswith("sweep-205: FAILED     elapsed 00:00; EEE")


#: A name, status and reason as a hostile or broken service could send them: an escape
#: sequence that clears the screen, a carriage return that would overwrite the line, a bell.
HOSTILE_NAME = "job\x1b]0;pwned\x07-\u2028x"
HOSTILE_STATUS = "ARCH\x1b[2JIVED\r"
HOSTILE_REASON = "ClientError:\x1b[31m red\r\nfake line\x1b[0m"


def _no_control_characters(text: str) -> bool:
    # \r and \n are the display's own (rewriting its line, ending it); nothing else.
    return all(char.isprintable() or char in "\r\n" for char in text)


@pytest.mark.parametrize("kind", ["terminal", "line"])
def test_what_the_service_sends_is_shown_escaped(kind: str) -> None:
    stream = FakeTTY() if kind == "terminal" else io.StringIO()
    display = (
        TerminalSweepProgress(stream, columns=lambda: 300)
        if kind == "terminal"
        else LineSweepProgress(stream)
    )
    rows = [
        SweepRow(HOSTILE_NAME, "FAILED", True, HOSTILE_REASON),
        SweepRow("other", HOSTILE_STATUS, True),
    ]
    display.update(view(rows))
    display.job_ended(rows[0], view(rows))
    display.job_ended(rows[1], view(rows))
    display.close(view(rows))
    out = stream.getvalue()
    assert _no_control_characters(out), repr(out)
    assert "job\\x1b]0;pwned\\x07-\\u2028x: FAILED" in out
    assert "ClientError:\\x1b[31m red\\r\\nfake line\\x1b[0m" in out
    assert "1 ARCH\\x1b[2JIVED\\r" in out  # a newer status, counted under its (escaped) name
    assert out.count("\n") == 3  # two ends and the final summary, one line each


def test_a_terminal_that_cannot_encode_a_reason_gets_it_escaped() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", newline="")
    display = TerminalSweepProgress(stream, columns=lambda: 120)
    rows = [SweepRow("j", "FAILED", True, "Fehler: Speicher \u00fcberl\u00e4uft \u2014 \U0001f525")]
    display.job_ended(rows[0], view(rows))
    display.close(view(rows))
    text = raw.getvalue().decode("ascii")
    assert "Speicher \\xfcberl\\xe4uft \\u2014 \\U0001f525" in text


# -- plain lines (not a terminal, progress=True) ---------------------------------------------


def test_line_mode_writes_one_line_per_end_and_a_final_summary() -> None:
    stream = io.StringIO()
    display = make_sweep_progress(True, stream)
    assert isinstance(display, LineSweepProgress)
    assert display.live is False  # nothing to refresh between polls
    rows = sweep(3)
    display.update(view(rows))
    rows[2] = SweepRow("sweep-002", "FAILED", True, "ClientError: " + "x" * 300)
    display.job_ended(rows[2], view(rows, elapsed=90))
    display.update(view(rows, elapsed=91))
    rows[0] = SweepRow("sweep-000", "COMPLETED", True)
    rows[1] = SweepRow("sweep-001", "COMPLETED", True)
    display.job_ended(rows[0], view(rows, elapsed=120))
    display.job_ended(rows[1], view(rows, elapsed=120))
    display.close(view(rows, elapsed=121, next_poll=None))
    display.close(view(rows, elapsed=121, next_poll=None))  # once only
    out = stream.getvalue()
    assert "\r" not in out
    assert out.splitlines() == [
        "sweep-002: FAILED     elapsed 01:30; ClientError: " + "x" * 300,  # a log keeps it all
        "sweep-000: COMPLETED  elapsed 02:00",
        "sweep-001: COMPLETED  elapsed 02:00",
        "3/3 ended: 2 COMPLETED, 1 FAILED; elapsed 02:01",
    ]


# -- which display -----------------------------------------------------------------------------


def _exercise(display: Any) -> None:
    rows = sweep(2, {"COMPLETED": 1})
    display.update(view(rows))
    display.job_ended(rows[0], view(rows))
    display.close(view(rows))


def test_silent_when_piped_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    quiet = make_sweep_progress(None, pipe)
    assert quiet.live is False
    _exercise(quiet)
    assert pipe.getvalue() == ""
    # stderr is where it looks by default
    monkeypatch.setattr("sys.stderr", pipe)
    _exercise(make_sweep_progress(None))
    assert pipe.getvalue() == ""
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    shown = make_sweep_progress(None)
    assert isinstance(shown, TerminalSweepProgress)
    assert shown.live is True
    _exercise(shown)
    assert tty.getvalue().count("\n") == 2
    assert isinstance(make_sweep_progress(True, FakeTTY()), TerminalSweepProgress)
    silenced = FakeTTY()
    _exercise(make_sweep_progress(False, silenced))
    assert silenced.getvalue() == ""
    monkeypatch.setattr("sys.stderr", None)  # pythonw: nowhere to write, even when asked
    _exercise(make_sweep_progress(True))


# -- a notebook ---------------------------------------------------------------------------------


class FakeDisplay:
    """IPython.display.display with display_id=True: one area, a handle to update it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def __call__(self, obj: Any, *, display_id: bool) -> Any:
        assert display_id is True
        self.calls.append(("display", obj))
        return types.SimpleNamespace(update=lambda new: self.calls.append(("update", new)))


def test_a_notebook_shows_one_table_updated_in_place() -> None:
    display = FakeDisplay()
    progress = NotebookSweepProgress(display)
    rows = sweep(3)
    progress.update(view(rows, next_poll=None))
    rows[1] = SweepRow("sweep-001", "FAILED", True, "ClientError: no GPU")
    progress.job_ended(rows[1], view(rows))
    assert len(display.calls) == 1  # an end is drawn by the update after the poll
    progress.update(view(rows, next_poll=30))
    rows[0] = SweepRow("sweep-000", "COMPLETED", True)
    rows[2] = SweepRow("sweep-002", "STOPPED", True)
    progress.job_ended(rows[0], view(rows))
    progress.job_ended(rows[2], view(rows))
    progress.close(view(rows, elapsed=65, next_poll=None))
    assert [kind for kind, _ in display.calls] == ["display", "update", "update"]
    tables: list[SweepTable] = [table for _, table in display.calls]
    first, last = tables[0]._repr_html_(), tables[-1]._repr_html_()
    assert "0/3 ended; 3 running; polling..." in first
    assert first.count("<tr>") == 4  # a heading and the three jobs, in the order given
    assert first.index("sweep-000") < first.index("sweep-001") < first.index("sweep-002")
    assert "3/3 ended: 1 COMPLETED, 1 FAILED, 1 STOPPED; elapsed 01:05" in last
    assert '<span style="color:#1a7f37">COMPLETED</span>' in last  # green
    assert '<span style="color:#cf222e">FAILED</span>' in last  # red
    assert '<span style="color:#6e7781">STOPPED</span>' in last  # grey
    assert '<span style="color:#0969da">INPROGRESS</span>' in first  # blue
    assert "ClientError: no GPU" in last
    # The plain-text form, for front ends that show no HTML.
    assert repr(tables[-1]).splitlines() == [
        "3/3 ended: 1 COMPLETED, 1 FAILED, 1 STOPPED; elapsed 01:05",
        "sweep-000  COMPLETED",
        "sweep-001  FAILED     ClientError: no GPU",
        "sweep-002  STOPPED",
    ]


def test_the_notebook_table_escapes_html_and_control_characters() -> None:
    rows = [
        SweepRow("<img src=x onerror=alert(1)>", "FAILED", True, "<script>x()</script> & \x1b[2J"),
        SweepRow("j", "<b>NEW</b>", False),
        SweepRow("k", "", False),
    ]
    table = SweepTable(view(rows))
    page = table._repr_html_()
    assert "<img" not in page
    assert "<script>" not in page
    assert "<b>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;x()&lt;/script&gt; &amp; \\x1b[2J" in page
    assert '<span style="color:#0969da">&lt;b&gt;NEW&lt;/b&gt;</span>' in page  # unknown: blue
    assert "not seen yet" in page  # a job not listed yet
    assert "\x1b" not in page
    assert "\x1b" not in repr(table)


def test_a_big_sweep_shows_the_running_jobs_and_the_latest_ends() -> None:
    rows = sweep(250, {"COMPLETED": 200, "FAILED": 8, "STOPPED": 4})
    ends = [row.name for row in rows if row.ended]  # in the order given, say
    ends.append(ends.pop(0))  # sweep-000 ended last
    shown, hidden = _table_rows(rows, ends)
    assert len(shown) == TABLE_ROWS
    assert hidden == 200
    names = [row.name for row in shown]
    assert names == sorted(names)  # still in the order given
    assert sum(not row.ended for row in shown) == 38  # every running job
    # the room left: the 12 latest ends
    assert [row.name for row in shown if row.ended] == [
        "sweep-000",
        *(f"sweep-{i:03d}" for i in range(201, 212)),
    ]
    table = SweepTable(view(rows), ends)
    assert "... 200 more (200 ended, 0 running)" in table._repr_html_()
    assert repr(table).splitlines()[-1] == "... 200 more (200 ended, 0 running)"


def test_a_big_sweep_keeps_room_for_the_latest_ends() -> None:
    rows = sweep(300, {"FAILED": 5})
    shown, hidden = _table_rows(rows, [row.name for row in rows if row.ended])
    assert [row.name for row in shown if row.ended] == [f"sweep-{i:03d}" for i in range(5)]
    assert sum(not row.ended for row in shown) == TABLE_ROWS - 5
    assert hidden == 250
    rows = sweep(300, {"FAILED": 30})
    shown, _ = _table_rows(rows, [row.name for row in rows if row.ended])
    assert [row.name for row in shown if row.ended] == [f"sweep-{i:03d}" for i in range(20, 30)]
    assert "... 250 more (20 ended, 230 running)" in repr(SweepTable(view(rows)))


@given(
    st.lists(st.tuples(st.booleans(), st.sampled_from(["COMPLETED", "FAILED", "X"])), max_size=90),
    st.randoms(use_true_random=False),
    st.integers(1, 60),
)
def test_table_rows_always_fit_and_account_for_every_job(
    states: list[tuple[bool, str]], rng: Any, limit: int
) -> None:
    rows = [
        SweepRow(f"j{i}", status if ended else "INPROGRESS", ended)
        for i, (ended, status) in enumerate(states)
    ]
    ends = [row.name for row in rows if row.ended]
    rng.shuffle(ends)
    shown, hidden = _table_rows(rows, ends, limit)
    assert len(shown) == min(len(rows), limit)
    assert len(shown) + hidden == len(rows)
    assert [rows.index(row) for row in shown] == sorted(rows.index(row) for row in shown)
    running = sum(not row.ended for row in rows)
    running_shown = sum(not row.ended for row in shown)
    ended_shown = [row.name for row in shown if row.ended]
    # The ends shown are the latest ones...
    assert set(ended_shown) == set(ends[len(ends) - len(ended_shown) :])
    # ... taking no more than their guaranteed room while running jobs are left out...
    if running_shown < running:
        assert len(ended_shown) <= min(10, limit)
    # ... and at least it, unless every running job is shown.
    if len(ended_shown) < len(ends):
        assert running_shown == running or len(ended_shown) >= min(10, limit)


def _fake_ipython(monkeypatch: pytest.MonkeyPatch) -> FakeDisplay:
    """IPython as a kernel loads it, minus IPython: get_ipython and IPython.display."""
    display = FakeDisplay()

    class ZMQInteractiveShell:  # ipykernel's shell, by name
        pass

    ipython = types.ModuleType("IPython")
    ipython.get_ipython = ZMQInteractiveShell  # type: ignore[attr-defined]
    display_module = types.ModuleType("IPython.display")
    display_module.display = display  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", display_module)
    return display


def test_a_notebook_kernel_gets_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    display = _fake_ipython(monkeypatch)
    stderr = FakeTTY()  # even with a terminal behind the kernel
    monkeypatch.setattr("sys.stderr", stderr)
    for enabled in (None, True):
        progress = make_sweep_progress(enabled)
        assert isinstance(progress, NotebookSweepProgress)
        assert progress.live is True
    _exercise(make_sweep_progress(None))
    assert [kind for kind, _ in display.calls] == ["display", "update"]
    display.calls.clear()
    _exercise(make_sweep_progress(False))
    assert display.calls == []
    assert stderr.getvalue() == ""


# -- properties ---------------------------------------------------------------------------------

statuses = st.one_of(st.sampled_from(["COMPLETED", "FAILED", "STOPPED", "INPROGRESS"]), st.text())
job_rows = st.builds(
    SweepRow, st.text(), statuses, st.booleans(), st.one_of(st.none(), st.text(max_size=300))
)
views = st.builds(
    lambda rows, elapsed, left, next_poll: view(
        rows, elapsed=elapsed, left=left, next_poll=next_poll
    ),
    st.lists(job_rows, max_size=8),
    st.floats(0, 10**7),
    st.one_of(st.none(), st.floats(0, 10**7)),
    st.one_of(st.none(), st.floats(0, 10**4)),
)


@given(views, st.integers(1, 400), st.booleans())
def test_summary_and_ended_lines_fit_any_width(seen: SweepView, width: int, final: bool) -> None:
    summary = sweep_summary(seen, final=final, width=width)
    assert len(summary) <= width
    assert summary.isprintable()
    for row in seen.rows:
        line = sweep_line(row, seen.elapsed, width)
        assert len(line) <= width
        assert line.isprintable()


_OWN_TAGS = re.compile(r"</?(div|table|thead|tbody|tr|th|td|span)( [^<>]*)?>")


@given(st.lists(job_rows, max_size=8))
def test_the_notebook_table_never_passes_markup_or_control_characters(
    rows: list[SweepRow],
) -> None:
    table = SweepTable(view(rows))
    page = table._repr_html_()
    # Once the table's own tags are gone, no markup is left: every value was escaped.
    assert not {"<", ">"} & set(_OWN_TAGS.sub("", page))
    assert page.count("<tr>") == len(rows) + 1  # one row per job, under the heading
    lines = repr(table).splitlines()
    assert len(lines) == len(rows) + 1  # the summary, one line per job
    assert all(line.isprintable() for line in [*page.split("\n"), *lines])


@given(views, st.integers(0, 400))
def test_a_terminal_never_writes_past_its_width_or_a_control_character(
    seen: SweepView, columns: int
) -> None:
    stream = FakeTTY()
    display = TerminalSweepProgress(stream, columns=lambda: columns)
    display.update(seen)
    for row in seen.rows:
        display.job_ended(row, seen)
        display.update(seen)
    display.close(seen)
    out = stream.getvalue()
    assert _no_control_characters(out)
    assert out.endswith("\n")
    width = max(20, columns - 1)  # the display's floor, as the single-job one has
    drawn = [frame for line in out.split("\n") for frame in line.split("\r")]
    assert all(len(frame) <= width for frame in drawn)
    assert len(frames(out)) == len(seen.rows) + 1  # one line per end, and the summary


# -- wait_many and as_completed on the emulator ---------------------------------------------------

#: A sweep of four jobs: one fails (its reason holding an escape sequence), one is stopped,
#: one takes longer than the others.
SWEEP = ("llama3-awq-g5", "llama3-awq-g6", "llama3-awq-g6e", "llama3-awq-inf2")


@pytest.fixture
def swept() -> tuple[FakeOptimizationService, OptimizationJobClient]:
    service = FakeOptimizationService(seed=7)
    service.set_outcome("llama3-awq-g6", "FAILED", reason="ClientError: out of memory\x1b[2J")
    service.set_outcome("llama3-awq-g6e", "STOPPED")
    service.set_outcome("llama3-awq-inf2", "COMPLETED", durations=Durations(in_progress=3000))
    client = OptimizationJobClient(service.client())
    data = json.loads((EXAMPLES / "awq-quantization.json").read_text())
    for name in SWEEP:
        client.create(
            from_dict(CreateOptimizationJobRequest, {**data, "OptimizationJobName": name})
        )
    return service, client


_ENDED_LINE = re.compile(
    r"(?P<name>\S+): (?P<status>[A-Z]+) +elapsed (?P<clock>[\d:]+)(?P<rest>.*)"
)


def test_wait_many_draws_into_a_terminal(
    swept: tuple[FakeOptimizationService, OptimizationJobClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    service, client = swept
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    monkeypatch.setenv("COLUMNS", "100")
    jobs = client.wait_many(
        SWEEP, sleep=service.advance, clock=service.monotonic, rng=random.Random(0)
    )
    out = tty.getvalue()
    assert out.endswith("\n")
    assert _no_control_characters(out), repr(out)
    lines = frames(out)
    assert all(len(frame) <= 99 for line in lines for frame in line)
    # One permanent line per job, as its end was confirmed (the long job last)...
    ended = [_ENDED_LINE.fullmatch(line[-1]) for line in lines[:-1]]
    assert all(ended), lines
    assert sorted(m["name"] for m in ended if m) == sorted(SWEEP)
    assert ended[-1] is not None
    assert ended[-1]["name"] == "llama3-awq-inf2"
    outcomes = {m["name"]: (m["status"], m["rest"]) for m in ended if m}
    assert outcomes == {
        "llama3-awq-g5": ("COMPLETED", ""),
        "llama3-awq-g6": ("FAILED", "; ClientError: out of memory\\x1b[2J"),
        "llama3-awq-g6e": ("STOPPED", ""),
        "llama3-awq-inf2": ("COMPLETED", ""),
    }
    assert {name: job.optimization_job_status for name, job in jobs.items()} == {
        name: status for name, (status, _) in outcomes.items()
    }
    # ... above the live summary, drawn after each poll, and ending on the final one.
    summaries = [frame for line in lines for frame in line if "ended" in frame]
    # After the first poll: 30 s plus jitter to the next; after the second, 45 s plus jitter.
    assert re.fullmatch(r"0/4 ended; 4 running; next poll in 00:3\d; [\d:]+ left", summaries[0])
    assert re.fullmatch(r"0/4 ended; 4 running; next poll in 00:[45]\d; [\d:]+ left", summaries[1])
    assert any(
        s.startswith("3/4 ended: 1 COMPLETED, 1 FAILED, 1 STOPPED; 1 running; next poll in")
        for s in summaries
    )
    final = lines[-1][-1]
    assert re.fullmatch(r"4/4 ended: 2 COMPLETED, 1 FAILED, 1 STOPPED; elapsed [\d:]+", final)
    assert final.endswith(f"elapsed {ended[-1]['clock']}")  # the wait ended with its last end


def test_wait_many_writes_plain_lines_when_asked_off_a_terminal(
    swept: tuple[FakeOptimizationService, OptimizationJobClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    service, client = swept
    log = io.StringIO()
    monkeypatch.setattr("sys.stderr", log)
    client.wait_many(SWEEP, progress=True, sleep=service.advance, clock=service.monotonic)
    out = log.getvalue()
    assert "\r" not in out
    lines = out.splitlines()
    assert len(lines) == len(SWEEP) + 1
    assert sorted(line.split(":")[0] for line in lines[:-1]) == sorted(SWEEP)
    assert lines[-1].startswith("4/4 ended: 2 COMPLETED, 1 FAILED, 1 STOPPED; elapsed ")


def test_wait_many_is_silent_when_piped(
    swept: tuple[FakeOptimizationService, OptimizationJobClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    service, client = swept
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    client.wait_many(SWEEP, sleep=service.advance, clock=service.monotonic)
    assert pipe.getvalue() == ""


def test_as_completed_leaves_the_display_tidy_when_the_loop_stops_early(
    swept: tuple[FakeOptimizationService, OptimizationJobClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    service, client = swept
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    for job in client.as_completed(SWEEP, sleep=service.advance, clock=service.monotonic):
        assert job.optimization_job_status == "COMPLETED"
        break  # the first good one will do
    out = tty.getvalue()
    assert out.endswith("\n")  # closed: the prompt starts on a line of its own
    assert re.search(r"\r1/4 ended: 1 COMPLETED; 3 still running; elapsed [\d:]+ *\n$", out)


def test_at_the_deadline_the_summary_says_what_still_runs(
    swept: tuple[FakeOptimizationService, OptimizationJobClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    service, client = swept
    log = io.StringIO()
    monkeypatch.setattr("sys.stderr", log)
    with pytest.raises(WaitTimeoutError) as raised:
        client.wait_many(
            SWEEP, timeout=2400, progress=True, sleep=service.advance, clock=service.monotonic
        )
    assert list(raised.value.names) == ["llama3-awq-inf2"]
    assert log.getvalue().splitlines()[-1] == (
        "3/4 ended: 1 COMPLETED, 1 FAILED, 1 STOPPED; 1 still running; elapsed 40:00"
    )


# -- a real terminal ----------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_real_pseudo_terminal_gets_the_live_display() -> None:
    """wait_many in a child process whose stderr is a pty: detected, drawn with \\r, cut
    to the pty's own width."""
    program = textwrap.dedent(
        f"""
        import json, sys
        sys.path[:0] = {[os.path.dirname(os.path.dirname(__file__))]!r}
        from examples import EXAMPLES
        from optjob_sdk import CreateOptimizationJobRequest, OptimizationJobClient, from_dict
        from optjob_sdk.testing import FakeOptimizationService
        service = FakeOptimizationService(seed=7)
        service.set_outcome("pty-sweep-2", "FAILED", reason="ClientError: " + "x" * 200)
        client = OptimizationJobClient(service.client())
        data = json.loads((EXAMPLES / "awq-quantization.json").read_text())
        names = [f"pty-sweep-{{i}}" for i in range(3)]
        for name in names:
            data["OptimizationJobName"] = name
            client.create(from_dict(CreateOptimizationJobRequest, data))
        jobs = client.wait_many(names, sleep=service.advance, clock=service.monotonic)
        print("RESULT", len(jobs), flush=True)
        """
    )
    # A 60-column terminal: the failure reason has to be cut.
    returncode, stdout, terminal = run_in_pty(program, columns=60)
    assert returncode == 0
    assert stdout.strip() == "RESULT 3"
    lines = frames(terminal)
    assert all(len(frame) <= 59 for line in lines for frame in line)
    ended = sorted(line[-1].split(":")[0] for line in lines[:-1])
    assert ended == ["pty-sweep-0", "pty-sweep-1", "pty-sweep-2"]
    failed = next(line[-1] for line in lines if line[-1].startswith("pty-sweep-2:"))
    assert re.fullmatch(r"pty-sweep-2: FAILED     elapsed [\d:]+; ClientError: x+\.\.\.", failed)
    assert len(failed) == 59  # the width of the pty, less its last column
    assert lines[-1][-1].startswith("3/3 ended: 2 COMPLETED, 1 FAILED; elapsed ")
