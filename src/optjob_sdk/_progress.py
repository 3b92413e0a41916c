"""The waiter's progress display: one line updated in place, in a terminal or a notebook.

No dependency: in a terminal it rewrites one line of stderr with a carriage return; in a
Jupyter kernel it updates one output cell through IPython's display (imported only there).
Where output is neither, it stays silent unless asked for, and then prints one line per
status change.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, Protocol, TextIO

__all__ = ["Progress", "make_progress"]


class Progress(Protocol):
    """What the waiter tells the display."""

    def update(self, name: str, status: str, elapsed: float, left: float | None) -> None: ...

    def close(self) -> None: ...


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def render(name: str, status: str, elapsed: float, left: float | None) -> str:
    """One line: the job, its status, time elapsed and time left before the deadline."""
    budget = f"{_clock(left)} left" if left is not None else "no deadline"
    return f"optimization job {name}: {status:<10} elapsed {_clock(elapsed)}, {budget}"


class _Silent:
    def update(self, name: str, status: str, elapsed: float, left: float | None) -> None:
        return None

    def close(self) -> None:
        return None


class TerminalProgress:
    """Rewrites one line of a terminal stream in place."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._width = 0

    def update(self, name: str, status: str, elapsed: float, left: float | None) -> None:
        line = render(name, status, elapsed, left)
        padding = " " * max(0, self._width - len(line))  # wipe what a longer line left
        self.stream.write(f"\r{line}{padding}")
        self.stream.flush()
        self._width = len(line)

    def close(self) -> None:
        if self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0


class LineProgress:
    """One line per status change, for streams that are not terminals (when asked for)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._last: str | None = None

    def update(self, name: str, status: str, elapsed: float, left: float | None) -> None:
        if status != self._last:
            self.stream.write(render(name, status, elapsed, left) + "\n")
            self.stream.flush()
            self._last = status

    def close(self) -> None:
        return None


class NotebookProgress:
    """Updates one output area of a Jupyter notebook in place."""

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

    def close(self) -> None:
        return None


def _notebook() -> NotebookProgress | None:
    ipython_module = sys.modules.get("IPython")
    if ipython_module is None:  # not imported: certainly no kernel running
        return None
    # importlib: IPython is optional and untyped here; only three names are used.
    try:
        core: Any = importlib.import_module("IPython")
        display_module: Any = importlib.import_module("IPython.display")
    except ImportError:  # pragma: no cover - IPython half there
        return None
    shell: Any = core.get_ipython()
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        return None
    return NotebookProgress(display_module.display, display_module.Pretty)


def make_progress(enabled: bool | None, stream: TextIO | None = None) -> Progress:
    """The display for ``progress=enabled``: ``None`` decides (terminal or notebook, else
    silent), ``True`` forces one, ``False`` silences it."""
    if enabled is False:
        return _Silent()
    notebook = _notebook()
    if notebook is not None:
        return notebook
    out = stream if stream is not None else sys.stderr
    is_tty = bool(getattr(out, "isatty", lambda: False)())
    if is_tty:
        return TerminalProgress(out)
    return LineProgress(out) if enabled else _Silent()
