"""Text made safe for a terminal line: the core's escaping (``optjob_sdk._text``), which
the waiter's log lines and progress display share with the command line."""

from __future__ import annotations

from optjob_sdk._text import one_line, printable

__all__ = ["one_line", "printable"]
