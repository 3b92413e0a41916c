"""The waiter's progress display: one line updated in place, in a terminal or a notebook.

No dependency: in a terminal it rewrites one line of stderr with a carriage return; in a
Jupyter kernel it updates one output area through IPython's display (imported only when
IPython is loaded already, which a kernel always has). Where output is neither, it stays
silent unless asked for, and then prints one line per status change.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol, TextIO

from optjob_sdk._text import printable

__all__ = [
    "LineProgress",
    "NotebookProgress",
    "Progress",
    "SweepProgress",
    "SweepRow",
    "SweepView",
    "TerminalProgress",
    "in_notebook_kernel",
    "make_progress",
    "make_sweep_progress",
    "render",
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


def _notebook() -> NotebookProgress | None:
    if not in_notebook_kernel():
        return None
    try:
        # importlib: IPython is optional and untyped here; two names are used.
        display_module: Any = importlib.import_module("IPython.display")
    except ImportError:  # pragma: no cover - IPython half there
        return None
    return NotebookProgress(display_module.display, display_module.Pretty)


def make_progress(enabled: bool | None, stream: TextIO | None = None) -> Progress:
    """The display for ``progress=enabled``: ``None`` decides (a notebook kernel or a
    terminal on ``stream``, default stderr; else silent), ``True`` forces one, ``False``
    silences it."""
    if enabled is False:
        return _Silent()
    notebook = _notebook()
    if notebook is not None:
        return notebook
    out: TextIO | None = stream if stream is not None else getattr(sys, "stderr", None)
    if out is None:  # pythonw and the like: nowhere to write
        return _Silent()
    isatty = getattr(out, "isatty", None)
    try:
        is_tty = bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # a closed or detached stream
        is_tty = False
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


def make_sweep_progress(enabled: bool | None, stream: TextIO | None = None) -> SweepProgress:
    """The many-job display for ``progress=enabled`` (decided as :func:`make_progress`
    decides)."""
    return _SilentSweep()
