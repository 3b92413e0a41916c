"""The waiters' progress displays, in a terminal or a notebook.

No dependency: in a terminal the single-job display rewrites one line of stderr with a
carriage return; in a Jupyter kernel it updates one output area through IPython's display
(imported only when IPython is loaded already, which a kernel always has). Where output is
neither, it stays silent unless asked for, and then prints one line per status change.

The many-job display (``wait_many``, ``as_completed``) works the same way: in a terminal,
one line per job as it ends above one live summary line; in a notebook, one table updated
in place; when asked for elsewhere, one line per end and a summary at the end.
"""

from __future__ import annotations

import html
import importlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol, TextIO

from optjob_sdk._text import printable

__all__ = [
    "LineProgress",
    "LineSweepProgress",
    "NotebookProgress",
    "NotebookSweepProgress",
    "Progress",
    "SweepProgress",
    "SweepRow",
    "SweepTable",
    "SweepView",
    "TerminalProgress",
    "TerminalSweepProgress",
    "in_notebook_kernel",
    "make_progress",
    "make_sweep_progress",
    "render",
    "sweep_line",
    "sweep_summary",
]


class Progress(Protocol):
    """What the waiter tells the display."""

    #: Whether the display shows clocks worth refreshing between polls.
    live: bool

    def update(self, name: str, status: str, elapsed: float, left: float | None) -> None:
        """Show the job's status, the time elapsed and the time left before the deadline."""

    def settle(self) -> None:
        """The status is about to change: keep the current line as history."""

    def close(self) -> None:
        """The wait is over (whichever way): leave the output tidy."""


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def render(
    name: str, status: str, elapsed: float, left: float | None, width: int | None = None
) -> str:
    """One line: the job, its status, time elapsed and time left before the deadline.

    With ``width``, the line fits in it: the job's name is shortened first (the status and
    the clocks are what changes), then the line is cut. The name and the status come from
    the service: control characters in them are escaped (``\\x1b``...), never written.
    """
    name, status = printable(name), printable(status)
    budget = f"{_clock(left)} left" if left is not None else "no deadline"
    tail = f": {status:<10} elapsed {_clock(elapsed)}, {budget}"
    line = f"optimization job {name}{tail}"
    if width is None or len(line) <= width:
        return line
    room = width - len(tail) - len("job ")
    if room >= 8:  # enough for a recognisable piece of the name
        return f"job {name[: room - 3]}...{tail}" if len(name) > room else f"job {name}{tail}"
    return line[: max(0, width - 3)] + "..."


class _Silent:
    live = False

    def update(self, name: str, status: str, elapsed: float, left: float | None) -> None:
        return None

    def settle(self) -> None:
        return None

    def close(self) -> None:
        return None


def _columns(stream: TextIO) -> int:
    # As shutil.get_terminal_size, but for this stream: COLUMNS first, then the terminal;
    # 80 when neither says (a pty whose size was never set reports 0).
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, OSError, ValueError):  # not a real terminal (io.StringIO...)
            columns = 0
    return columns if columns > 0 else 80


class TerminalProgress:
    """Rewrites one line of a terminal stream in place (``\\r``); a status change keeps the
    finished line above. Lines are cut to the terminal's width: a wrapped line could not be
    rewritten with ``\\r``."""

    live = True

    def __init__(self, stream: TextIO, columns: Callable[[], int] | None = None) -> None:
        self.stream = stream
        self._columns = columns if columns is not None else lambda: _columns(stream)
        self._width = 0  # characters on the open line; 0: no open line

    def update(self, name: str, status: str, elapsed: float, left: float | None) -> None:
        # The last column would wrap on some terminals, and a wrapped line cannot be
        # rewritten with \r. ASCII only: the stream's encoding may be.
        line = render(name, status, elapsed, left, width=max(20, self._columns() - 1))
        padding = " " * max(0, self._width - len(line))  # wipe what a longer line left
        self.stream.write(f"\r{line}{padding}")
        self.stream.flush()
        self._width = len(line)

    def settle(self) -> None:
        self.close()

    def close(self) -> None:
        if self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0


class LineProgress:
    """One line per status change, for streams that are not terminals (when asked for)."""

    live = False

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._last: str | None = None

    def update(self, name: str, status: str, elapsed: float, left: float | None) -> None:
        if status != self._last:
            self.stream.write(render(name, status, elapsed, left) + "\n")
            self.stream.flush()
            self._last = status

    def settle(self) -> None:
        return None

    def close(self) -> None:
        return None


class NotebookProgress:
    """Updates one output area of a Jupyter notebook in place (``display_id``)."""

    live = True

    def __init__(self, display: Any, text_type: Any) -> None:
        self._display = display
        self._text = text_type
        self._handle: Any = None

    def update(self, name: str, status: str, elapsed: float, left: float | None) -> None:
        text = self._text(render(name, status, elapsed, left))
        if self._handle is None:
            self._handle = self._display(text, display_id=True)
        else:
            self._handle.update(text)

    def settle(self) -> None:
        return None  # log records go to their own output area in a notebook

    def close(self) -> None:
        return None  # the area keeps the final status


def in_notebook_kernel() -> bool:
    """Whether this process is a Jupyter kernel (without importing IPython)."""
    ipython: Any = sys.modules.get("IPython")
    if ipython is None:  # not loaded: certainly no kernel running
        return False
    get_ipython = getattr(ipython, "get_ipython", None)
    shell: Any = get_ipython() if callable(get_ipython) else None
    if shell is None:
        return False
    # ipykernel's shell, or a subclass of it (Google Colab's, VS Code's); the terminal
    # IPython shell has no kernel.
    names = {cls.__name__ for cls in type(shell).__mro__}
    return "ZMQInteractiveShell" in names or getattr(shell, "kernel", None) is not None


def _ipython_display() -> Any:
    """IPython.display's module in a notebook kernel; ``None`` anywhere else."""
    if not in_notebook_kernel():
        return None
    try:
        # importlib: IPython is optional and untyped here.
        return importlib.import_module("IPython.display")
    except ImportError:  # pragma: no cover - IPython half there
        return None


def _notebook() -> NotebookProgress | None:
    display_module = _ipython_display()
    if display_module is None:
        return None
    return NotebookProgress(display_module.display, display_module.Pretty)


def _output(stream: TextIO | None) -> tuple[TextIO | None, bool]:
    """Where a display writes (``stream``, default stderr; ``None``: nowhere) and whether
    it is a terminal."""
    out: TextIO | None = stream if stream is not None else getattr(sys, "stderr", None)
    if out is None:  # pythonw and the like: nowhere to write
        return None, False
    isatty = getattr(out, "isatty", None)
    try:
        is_tty = bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # a closed or detached stream
        is_tty = False
    return out, is_tty


def make_progress(enabled: bool | None, stream: TextIO | None = None) -> Progress:
    """The display for ``progress=enabled``: ``None`` decides (a notebook kernel or a
    terminal on ``stream``, default stderr; else silent), ``True`` forces one, ``False``
    silences it."""
    if enabled is False:
        return _Silent()
    notebook = _notebook()
    if notebook is not None:
        return notebook
    out, is_tty = _output(stream)
    if out is None:
        return _Silent()
    if is_tty:
        return TerminalProgress(out)
    return LineProgress(out) if enabled else _Silent()


# -- many jobs at once (wait_many, as_completed) ------------------------------------------


class SweepRow(NamedTuple):
    """One job of a many-job wait, as the display shows it."""

    name: str
    #: The last status learnt ("" before the job was first seen).
    status: str
    #: Whether the end is confirmed (the job's final description is in hand).
    ended: bool
    #: The service's FailureReason, for a FAILED job.
    reason: str | None = None


class SweepView(NamedTuple):
    """Everything a many-job display shows, at one moment."""

    #: Every job, in the order given.
    rows: Sequence[SweepRow]
    #: How many jobs ended, by final status (COMPLETED, FAILED, STOPPED, or newer).
    ended: Mapping[str, int]
    #: Jobs not ended yet.
    running: int
    #: Seconds since the wait began.
    elapsed: float
    #: Seconds left before the deadline (``None``: no finite deadline).
    left: float | None
    #: Seconds before the next poll (``None``: polling now, or the wait is over).
    next_poll: float | None


class SweepProgress(Protocol):
    """What a many-job wait tells its display."""

    #: Whether the display shows clocks worth refreshing between polls.
    live: bool

    def job_ended(self, row: SweepRow, view: SweepView) -> None:
        """``row``'s job has ended (its final description is in hand)."""

    def update(self, view: SweepView) -> None:
        """Show the current state (called after each poll, and each second between polls
        when ``live``)."""

    def close(self, view: SweepView) -> None:
        """The wait is over (whichever way): leave the output tidy."""


class _SilentSweep:
    live = False

    def job_ended(self, row: SweepRow, view: SweepView) -> None:
        return None

    def update(self, view: SweepView) -> None:
        return None

    def close(self, view: SweepView) -> None:
        return None


#: The ends every service version has, in the order the summary lists them; a newer end
#: is counted under its own name after these.
_KNOWN_ENDS = ("COMPLETED", "FAILED", "STOPPED")


def _cut(text: str, width: int | None) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    if width is None or len(text) <= width:
        return text
    return text[: width - 3] + "..." if width > 3 else text[: max(0, width)]


def sweep_summary(view: SweepView, *, final: bool = False, width: int | None = None) -> str:
    """The one-line summary of a many-job wait.

    While waiting: ``212/250 ended: 200 COMPLETED, 8 FAILED, 4 STOPPED; 38 running; next
    poll in 01:40; 1:02:03 left`` (zero counts left out; ``polling...`` while a poll is
    under way; the time left only when there is a deadline, and only if it fits in
    ``width``). ``final``: the line the wait ends on, with the time it took instead of the
    poll and the deadline. Statuses come from the service: control characters are escaped.
    """
    done = sum(view.ended.values())
    total = max(len(view.rows), done + view.running)
    counts = [status for status in _KNOWN_ENDS if view.ended.get(status)]
    counts += sorted(status for status, n in view.ended.items() if n and status not in counts)
    head = f"{done}/{total} ended"
    if counts:
        head += ": " + ", ".join(f"{view.ended[s]} {printable(s)}" for s in counts)
    parts = [head]
    if final:
        if view.running:
            parts.append(f"{view.running} still running")
        optional = f"elapsed {_clock(view.elapsed)}"
    else:
        if view.running:
            parts.append(f"{view.running} running")
        nxt = view.next_poll
        parts.append("polling..." if nxt is None else f"next poll in {_clock(nxt)}")
        optional = f"{_clock(view.left)} left" if view.left is not None else ""
    line = "; ".join(parts)
    if optional and (width is None or len(line) + 2 + len(optional) <= width):
        line = f"{line}; {optional}"
    return _cut(line, width)


def sweep_line(row: SweepRow, elapsed: float, width: int | None = None) -> str:
    """The line a job's end leaves: ``name: FAILED     elapsed 14:02; <failure reason>``.

    ``elapsed`` is the time since the wait began. With ``width``, the line fits in it: the
    reason is cut first, then the name is shortened, then the line is cut. The name, the
    status and the reason come from the service: control characters are escaped.
    """
    name, status = printable(row.name), printable(row.status) or "?"
    tail = f": {status:<10} elapsed {_clock(elapsed)}"
    if width is not None and len(name) + len(tail) > width:
        room = width - len(tail)
        if room < 8:  # not enough for a recognisable piece of the name
            return _cut(name + tail, width)
        name = name[: room - 3] + "..."
    line = name + tail
    if row.reason:
        line += "; " + printable(row.reason)
    return _cut(line, width)


def _encodable(text: str, stream: TextIO) -> str:
    # A failure reason may hold any character, and a terminal's encoding may be ASCII:
    # escape what the stream cannot encode rather than fail the wait.
    encoding = getattr(stream, "encoding", None)
    if not isinstance(encoding, str) or text.isascii():
        return text
    try:
        return text.encode(encoding, "backslashreplace").decode(encoding)
    except LookupError:  # an encoding Python doesn't know: keep ASCII
        return text.encode("ascii", "backslashreplace").decode("ascii")


class TerminalSweepProgress:
    """A terminal's many-job display: one permanent line per job as it ends, above one
    summary line rewritten in place (``\\r``). Lines are cut to the terminal's width: a
    wrapped line could not be rewritten with ``\\r``."""

    live = True

    def __init__(self, stream: TextIO, columns: Callable[[], int] | None = None) -> None:
        self.stream = stream
        self._columns = columns if columns is not None else lambda: _columns(stream)
        self._width = 0  # characters on the open summary line; 0: none open
        self._closed = False

    def _line_width(self) -> int:
        return max(20, self._columns() - 1)  # the last column would wrap on some terminals

    def _draw(self, line: str, width: int, end: str = "") -> None:
        line = _cut(_encodable(line, self.stream), width)  # escaping may lengthen it
        padding = " " * max(0, self._width - len(line))  # wipe what a longer line left
        self.stream.write(f"\r{line}{padding}{end}")
        self._width = 0 if end else len(line)

    def job_ended(self, row: SweepRow, view: SweepView) -> None:
        if self._closed:
            return
        width = self._line_width()
        self._draw(sweep_line(row, view.elapsed, width), width, "\n")  # over the summary
        self._draw(sweep_summary(view, width=width), width)
        self.stream.flush()

    def update(self, view: SweepView) -> None:
        if self._closed:
            return
        width = self._line_width()
        self._draw(sweep_summary(view, width=width), width)
        self.stream.flush()

    def close(self, view: SweepView) -> None:
        if self._closed:
            return
        # The final summary stays, and the newline lets the shell's prompt start clean.
        width = self._line_width()
        self._draw(sweep_summary(view, final=True, width=width), width, "\n")
        self.stream.flush()
        self._closed = True


class LineSweepProgress:
    """One line per job as it ends and one summary line at the end, for streams that are
    not terminals (when asked for): nothing is rewritten, so logs read top to bottom."""

    live = False

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._closed = False

    def job_ended(self, row: SweepRow, view: SweepView) -> None:
        if not self._closed:
            self.stream.write(_encodable(sweep_line(row, view.elapsed), self.stream) + "\n")
            self.stream.flush()

    def update(self, view: SweepView) -> None:
        return None

    def close(self, view: SweepView) -> None:
        if not self._closed:
            self.stream.write(_encodable(sweep_summary(view, final=True), self.stream) + "\n")
            self.stream.flush()
            self._closed = True


#: Above this many jobs, the notebook table shows a selection (see _table_rows).
TABLE_ROWS = 50
#: Of them, at least this many are the latest ends, however many jobs are running.
_TABLE_RECENT = 10

_COLOURS = {"COMPLETED": "#1a7f37", "FAILED": "#cf222e", "STOPPED": "#6e7781"}
_RUNNING_COLOUR = "#0969da"


def _table_rows(
    rows: Sequence[SweepRow], ends: Sequence[str], limit: int = TABLE_ROWS
) -> tuple[list[SweepRow], int]:
    """The rows a notebook table shows, in the order given, and how many it leaves out.

    Up to ``limit`` rows, all of them; above, the latest ends (at least ``_TABLE_RECENT``
    of them, more when fewer jobs are running) and the running jobs in the room left.
    ``ends``: job names in the order their ends were seen.
    """
    rows = list(rows)  # once: a waiter's rows may be made as they are read
    if len(rows) <= limit:
        return rows, 0
    index = {row.name: i for i, row in enumerate(rows)}
    running = [i for i, row in enumerate(rows) if not row.ended]
    # Newest first; ended rows the display was not told of count as the oldest.
    latest: dict[int, None] = {}  # an ordered set
    for name in [*reversed(ends), *(row.name for row in reversed(rows) if row.ended)]:
        i = index.get(name)
        if i is not None and rows[i].ended:
            latest.setdefault(i)
    recent = min(len(latest), max(min(_TABLE_RECENT, limit), limit - len(running)))
    chosen = sorted({*list(latest)[:recent], *running[: limit - recent]})
    return [rows[i] for i in chosen], len(rows) - len(chosen)


def _shown_status(row: SweepRow) -> str:
    return printable(row.status) if row.status else "not seen yet"


class SweepTable:
    """A notebook's view of a many-job wait: an HTML table (``_repr_html_``) with a plain
    text form (``repr``) for front ends that show no HTML."""

    def __init__(self, view: SweepView, ends: Sequence[str] = (), final: bool = False) -> None:
        self.summary = sweep_summary(view, final=final)
        self.rows, self.hidden = _table_rows(view.rows, ends)
        self.hidden_running = view.running - sum(not row.ended for row in self.rows)

    def _more(self) -> str:
        ended = self.hidden - self.hidden_running
        return f"... {self.hidden} more ({ended} ended, {self.hidden_running} running)"

    def _repr_html_(self) -> str:
        # Left-aligned: Jupyter's style aligns table cells right, for numbers.
        cell = 'style="text-align:left"'
        lines = [
            f'<div class="optjob-sweep"><div>{html.escape(self.summary)}</div>',
            "<table><thead><tr>",
            *(f"<th {cell}>{title}</th>" for title in ("Job", "Status", "Failure reason")),
            "</tr></thead><tbody>",
        ]
        for row in self.rows:
            colour = _COLOURS.get(row.status, _RUNNING_COLOUR)
            lines.append(
                f"<tr><td {cell}>{html.escape(printable(row.name))}</td>"
                f'<td {cell}><span style="color:{colour}">'
                f"{html.escape(_shown_status(row))}</span></td>"
                f"<td {cell}>{html.escape(printable(row.reason or ''))}</td></tr>"
            )
        if self.hidden:
            lines.append(f'<tr><td {cell} colspan="3">{html.escape(self._more())}</td></tr>')
        lines.append("</tbody></table></div>")
        return "\n".join(lines)

    def __repr__(self) -> str:
        lines = [self.summary]
        names = [printable(row.name) for row in self.rows]
        statuses = [_shown_status(row) for row in self.rows]
        name_width = max(map(len, names), default=0)
        status_width = max(map(len, statuses), default=0)
        for name, status, row in zip(names, statuses, self.rows, strict=True):
            reason = f"{status:<{status_width}}  {printable(row.reason)}" if row.reason else status
            lines.append(f"{name:<{name_width}}  {reason}")
        if self.hidden:
            lines.append(self._more())
        return "\n".join(lines)


class NotebookSweepProgress:
    """A notebook's many-job display: one output area (``display_id``) holding the summary
    and a table of the jobs, updated in place."""

    live = True

    def __init__(self, display: Any) -> None:
        self._display = display
        self._handle: Any = None
        self._ends: list[str] = []  # job names in the order their ends were seen

    def _show(self, table: SweepTable) -> None:
        if self._handle is None:
            self._handle = self._display(table, display_id=True)
        else:
            self._handle.update(table)

    def job_ended(self, row: SweepRow, view: SweepView) -> None:
        # Drawn by the update that follows each poll: one redraw for the many ends a poll
        # can bring, not one table sent to the browser per job.
        self._ends.append(row.name)

    def update(self, view: SweepView) -> None:
        self._show(SweepTable(view, self._ends))

    def close(self, view: SweepView) -> None:
        self._show(SweepTable(view, self._ends, final=True))  # the area keeps the end


def make_sweep_progress(enabled: bool | None, stream: TextIO | None = None) -> SweepProgress:
    """The many-job display for ``progress=enabled``, decided as :func:`make_progress`
    decides: ``None`` shows a table in a notebook kernel, a live display in a terminal
    (``stream``, default stderr) and nothing elsewhere; ``True`` forces a display (one line
    per end when not a terminal); ``False`` silences it."""
    if enabled is False:
        return _SilentSweep()
    display_module = _ipython_display()
    if display_module is not None:
        return NotebookSweepProgress(display_module.display)
    out, is_tty = _output(stream)
    if out is None:
        return _SilentSweep()
    if is_tty:
        return TerminalSweepProgress(out)
    return LineSweepProgress(out) if enabled else _SilentSweep()
