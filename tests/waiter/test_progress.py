"""The progress display: frames in a fake terminal, a real pty, a (fake) notebook kernel."""

from __future__ import annotations

import io
import logging
import os
import sys
import textwrap
import types
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from waiter_support import Script, run_in_pty

from optjob_sdk import _waits, waiting
from optjob_sdk._progress import (
    LineProgress,
    NotebookProgress,
    TerminalProgress,
    in_notebook_kernel,
    make_progress,
    render,
)
from optjob_sdk._waits import ticks
from optjob_sdk.waiting import wait_for_job

NAME = "llama3-8b-awq-2026-11-24"


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def frames(out: str) -> list[list[str]]:
    """Terminal output as lines, each the list of frames drawn on it with ``\\r``."""
    return [[f.rstrip() for f in line.split("\r")[1:]] for line in out.split("\n") if line]


def test_a_terminal_line_is_updated_in_place() -> None:
    stream = FakeTTY()
    display = TerminalProgress(stream, columns=lambda: 120)
    display.update(NAME, "STARTING", 5, 595)
    display.update(NAME, "STARTING", 35, 565)
    display.close()
    out = stream.getvalue()
    assert out.endswith("\n")
    assert frames(out) == [
        [
            f"optimization job {NAME}: STARTING   elapsed 00:05, 09:55 left",
            f"optimization job {NAME}: STARTING   elapsed 00:35, 09:25 left",
        ]
    ]


def test_a_shorter_frame_wipes_the_longer_one_before_it() -> None:
    stream = FakeTTY()
    display = TerminalProgress(stream, columns=lambda: 200)
    display.update(NAME, "INPROGRESS", 3725, None)
    long = len(stream.getvalue()) - 1
    display.update(NAME, "INPROGRESS", 5, 10)
    last = stream.getvalue().split("\r")[-1]
    assert len(last) >= long


def test_frames_fit_the_terminal_width_shortening_the_name_first() -> None:
    stream = FakeTTY()
    display = TerminalProgress(stream, columns=lambda: 80)
    display.update("a" * 63, "INPROGRESS", 5, 10)
    frame = stream.getvalue().split("\r")[-1]
    assert len(frame) == 79
    assert frame.startswith("job aaaa")
    assert frame.endswith("...: INPROGRESS elapsed 00:05, 00:10 left")
    narrow = FakeTTY()
    TerminalProgress(narrow, columns=lambda: 30).update(NAME, "INPROGRESS", 5, 10)
    assert len(narrow.getvalue()) == 1 + 29
    assert narrow.getvalue().endswith("...")


def test_render_fits_a_width() -> None:
    full = render(NAME, "STARTING", 5, 10)
    assert render(NAME, "STARTING", 5, 10, width=len(full)) == full
    short = render(NAME, "STARTING", 5, 10, width=len(full) - 1)
    assert len(short) <= len(full) - 1
    assert short.startswith("job llama3")
    assert short.endswith(": STARTING   elapsed 00:05, 00:10 left")


def test_a_status_change_keeps_the_previous_line() -> None:
    stream = FakeTTY()
    display = TerminalProgress(stream, columns=lambda: 120)
    display.update(NAME, "STARTING", 5, None)
    display.settle()
    display.update(NAME, "INPROGRESS", 65, None)
    display.close()
    lines = frames(stream.getvalue())
    assert [line[-1].split(": ")[1].split()[0] for line in lines] == ["STARTING", "INPROGRESS"]


def test_the_waiter_draws_into_a_terminal(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    caplog.set_level(logging.INFO, logger="optjob_sdk")
    script = Script([(0, "STARTING"), (60, "INPROGRESS"), (300, "COMPLETED")])
    wait_for_job(
        script.describe, NAME, timeout=3600, sleep=script.sleep, clock=script.clock, progress=None
    )
    lines = frames(tty.getvalue())
    statuses = [[frame.split(": ")[1].split()[0] for frame in line] for line in lines]
    # One line per status, each updated in place at every poll in that status.
    assert [set(line) for line in statuses] == [{"STARTING"}, {"INPROGRESS"}, {"COMPLETED"}]
    assert len(statuses[1]) >= 2
    assert lines[0][0].endswith("elapsed 00:00, 1:00:00 left")
    assert tty.getvalue().endswith("\n")


def test_between_real_sleeps_the_clocks_keep_moving(monkeypatch: pytest.MonkeyPatch) -> None:
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    script = Script([(0, "INPROGRESS"), (30, "COMPLETED")])
    monkeypatch.setattr(waiting, "_real_sleep", script.sleep)  # the real sleep, in slices
    monkeypatch.setattr(_waits, "_real_clock", script.clock)
    wait_for_job(script.describe, NAME, progress=True)
    assert len(script.calls) == 2
    assert 30 <= sum(script.sleeps) <= 36  # one pause, sliced
    assert all(0 < piece <= 1.0 for piece in script.sleeps)
    (inprogress, completed) = frames(tty.getvalue())
    elapsed = [frame.split("elapsed ")[1].split(",")[0] for frame in inprogress]
    assert elapsed[:3] == ["00:00", "00:01", "00:02"]
    assert len(inprogress) >= 31
    assert completed[0].split(": ")[1].startswith("COMPLETED")


def test_a_pause_ticks_in_steps_of_a_second_at_most() -> None:
    assert list(ticks(2.5)) == [1.0, 1.0, 0.5]
    assert list(ticks(0.0)) == []
    assert list(ticks(0.75, tick=0.5)) == [0.5, 0.25]


def test_silent_unless_a_terminal_or_asked() -> None:
    quiet = io.StringIO()
    display = make_progress(None, quiet)
    display.update(NAME, "STARTING", 1, None)
    assert quiet.getvalue() == ""
    assert display.live is False
    asked = io.StringIO()
    display = make_progress(True, asked)
    assert isinstance(display, LineProgress)
    assert display.live is False  # nothing to refresh between polls
    display.update(NAME, "STARTING", 1, None)
    display.update(NAME, "STARTING", 2, None)
    display.update(NAME, "COMPLETED", 3, None)
    assert asked.getvalue().splitlines() == [
        render(NAME, "STARTING", 1, None),
        render(NAME, "COMPLETED", 3, None),
    ]
    assert isinstance(make_progress(None, FakeTTY()), TerminalProgress)
    silenced = make_progress(False, FakeTTY())
    silenced.update(NAME, "STARTING", 1, None)
    assert silenced.live is False


def test_the_waiter_is_silent_on_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    script = Script([(0, "STARTING"), (100, "COMPLETED")])
    wait_for_job(script.describe, NAME, sleep=script.sleep, clock=script.clock)
    assert pipe.getvalue() == ""


def test_render_formats_hours() -> None:
    assert render("j", "INPROGRESS", 3725, None).endswith("elapsed 1:02:05, no deadline")
    assert render("j", "INPROGRESS", 59, 61).endswith("elapsed 00:59, 01:01 left")


# -- notebooks -------------------------------------------------------------------------------


class Handle:
    def __init__(self, shown: list[tuple[str, str]]) -> None:
        self.shown = shown

    def update(self, obj: str) -> None:
        self.shown.append(("update", obj))


def test_a_notebook_display_is_updated_in_place() -> None:
    shown: list[tuple[str, str]] = []

    def display(obj: str, *, display_id: bool) -> Handle:
        assert display_id is True
        shown.append(("display", obj))
        return Handle(shown)

    progress = NotebookProgress(display, str)
    progress.update(NAME, "STARTING", 0, 60)
    progress.settle()
    progress.update(NAME, "COMPLETED", 30, 30)
    progress.close()
    assert [kind for kind, _ in shown] == ["display", "update"]
    assert "COMPLETED" in shown[1][1]


def _fake_ipython(monkeypatch: pytest.MonkeyPatch, shell: Any) -> list[tuple[str, Any]]:
    """IPython as a kernel loads it, minus IPython: get_ipython and IPython.display."""
    shown: list[tuple[str, Any]] = []

    def display(obj: Any, *, display_id: bool) -> Any:
        shown.append(("display", obj))

        def update(new: Any) -> None:
            shown.append(("update", new))

        return types.SimpleNamespace(update=update)

    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: shell  # type: ignore[attr-defined]
    display_module = types.ModuleType("IPython.display")
    display_module.display = display  # type: ignore[attr-defined]
    display_module.Pretty = lambda text: f"Pretty({text})"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", display_module)
    return shown


class ZMQInteractiveShell:  # ipykernel's shell, by name
    pass


class Shell(ZMQInteractiveShell):  # Google Colab's subclasses it
    pass


class TerminalInteractiveShell:  # plain `ipython` in a terminal: no kernel
    pass


def test_notebook_kernel_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert not in_notebook_kernel()  # and IPython was not imported to find out
    assert "IPython" not in sys.modules
    for shell, expected in (
        (ZMQInteractiveShell(), True),
        (Shell(), True),
        (types.SimpleNamespace(kernel=object()), True),
        (TerminalInteractiveShell(), False),
        (None, False),
    ):
        _fake_ipython(monkeypatch, shell)
        assert in_notebook_kernel() is expected


def test_the_waiter_shows_progress_in_a_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _fake_ipython(monkeypatch, Shell())
    monkeypatch.setattr("sys.stderr", io.StringIO())
    script = Script([(0, "STARTING"), (60, "INPROGRESS"), (200, "COMPLETED")])
    wait_for_job(script.describe, NAME, sleep=script.sleep, clock=script.clock)
    assert [kind for kind, _ in shown][:2] == ["display", "update"]
    assert [kind for kind, _ in shown].count("display") == 1
    assert shown[0][1].startswith(f"Pretty(optimization job {NAME}: STARTING")
    assert "COMPLETED" in shown[-1][1]
    # progress=False silences it in a notebook too
    shown.clear()
    wait_for_job(Script([(0, "COMPLETED")]).describe, NAME, progress=False)
    assert shown == []


# -- a real terminal ---------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_real_pseudo_terminal_gets_the_in_place_display(tmp_path: Any) -> None:
    """The waiter in a child process whose stderr is a pty: auto-detected, drawn with \\r."""
    program = textwrap.dedent(
        f"""
        import sys
        sys.path[:0] = {[os.path.dirname(__file__), os.path.dirname(os.path.dirname(__file__))]!r}
        from waiter_support import Script
        from optjob_sdk.waiting import wait_for_job
        script = Script([(0, "STARTING"), (60, "INPROGRESS"), (300, "COMPLETED")])
        job = wait_for_job(script.describe, "pty-job", sleep=script.sleep, clock=script.clock)
        print("RESULT", job.optimization_job_status, flush=True)
        """
    )
    returncode, stdout, terminal = run_in_pty(program)
    assert returncode == 0
    assert stdout.strip() == "RESULT COMPLETED"
    assert "\rRESULT" not in terminal
    lines = frames(terminal)
    assert [line[0].split(": ")[1].split()[0] for line in lines] == [
        "STARTING",
        "INPROGRESS",
        "COMPLETED",
    ]
    assert all(frame.startswith("optimization job pty-job: ") for line in lines for frame in line)


def test_the_terminal_width_comes_from_columns_or_the_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from optjob_sdk._progress import _columns

    monkeypatch.setenv("COLUMNS", "132")
    assert _columns(io.StringIO()) == 132
    monkeypatch.setenv("COLUMNS", "wide")
    assert _columns(io.StringIO()) == 80
    monkeypatch.delenv("COLUMNS")
    assert _columns(io.StringIO()) == 80  # no terminal behind it


# -- what the service sends is shown, never obeyed -------------------------------------

#: A status and a name as a hostile or broken service could send them: an escape sequence
#: that clears the screen, a carriage return that would overwrite the line, a bell.
HOSTILE_STATUS = "IN\x1b[2J\x1b[HPROGRESS\r\x07"
HOSTILE_NAME = "job\x1b]0;pwned\x07-\u2028x"


def _no_control_characters(text: str) -> bool:
    # \r and \n are the display's own (rewriting its line, ending it); nothing else.
    return all(char.isprintable() or char in "\r\n" for char in text)


def test_render_escapes_control_characters() -> None:
    line = render(HOSTILE_NAME, HOSTILE_STATUS, 5, 55)
    assert line.isprintable()
    assert "\\x1b[2J" in line  # shown, escaped, as the tables show it
    assert "\\r" in line
    assert "\\x07" in line
    assert "\\u2028" in line


@pytest.mark.parametrize("width", [None, 30, 60, 200])
def test_render_escapes_at_every_width(width: int | None) -> None:
    assert render(HOSTILE_NAME, HOSTILE_STATUS, 5, 55, width=width).isprintable()


@pytest.mark.parametrize("kind", ["terminal", "line"])
def test_terminal_and_line_displays_write_no_control_characters(kind: str) -> None:
    stream = FakeTTY() if kind == "terminal" else io.StringIO()
    display = (
        TerminalProgress(stream, columns=lambda: 120)
        if kind == "terminal"
        else LineProgress(stream)
    )
    display.update(HOSTILE_NAME, HOSTILE_STATUS, 5, 55)
    display.settle()
    display.update(HOSTILE_NAME, "COMPLETED", 65, 0)
    display.close()
    out = stream.getvalue()
    assert "\\x1b" in out
    assert _no_control_characters(out), repr(out)


def test_a_notebook_display_shows_escaped_text() -> None:
    shown: list[tuple[str, str]] = []

    def display(obj: str, *, display_id: bool) -> Handle:
        shown.append(("display", obj))
        return Handle(shown)

    progress = NotebookProgress(display, str)
    progress.update(HOSTILE_NAME, HOSTILE_STATUS, 0, 60)
    progress.update(HOSTILE_NAME, "FAILED\x1b[31m", 30, 30)
    assert all(text.isprintable() for _, text in shown), shown


def test_the_waiter_draws_a_hostile_status_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script([(0, HOSTILE_STATUS), (60, "COMPLETED")])
    stream = FakeTTY()
    monkeypatch.setattr("sys.stderr", stream)
    wait_for_job(script.describe, NAME, progress=None, sleep=script.sleep, clock=script.clock)
    out = stream.getvalue()
    assert "IN\\x1b[2J" in out
    assert _no_control_characters(out), repr(out)


@given(st.text(), st.text())
def test_render_is_always_one_printable_line(name: str, status: str) -> None:
    for width in (None, 40):
        assert render(name, status, 1, 2, width=width).isprintable()
