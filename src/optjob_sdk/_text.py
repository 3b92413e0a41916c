"""Text from the service made safe for a terminal line (no dependencies).

A job's name, status or failure reason comes from the service and could carry control
characters (a line break, ``\\r``, an ESC that starts a terminal escape sequence). Whatever
shows such text to people (the waiter's log lines and progress display, the command line's
tables and messages) escapes them first, the same way, here.
"""

from __future__ import annotations

__all__ = ["one_line", "printable"]


def printable(text: str) -> str:
    """``text`` with control characters (line breaks, tabs, terminal escape sequences,
    lone surrogates) escaped as ``\\n``, ``\\x1b``..., so that one value stays on one
    line and cannot drive the terminal.

    >>> printable("IN\\x1b[2JPROGRESS\\r")
    'IN\\\\x1b[2JPROGRESS\\\\r'
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def _escape(char: str) -> str:
    escaped = repr(char)[1:-1]  # '\n', '\x1b', '\u2028'
    return escaped if escaped != char else f"\\u{ord(char):04x}"


def one_line(text: str) -> str:
    """``text`` on one line: runs of white space become one space, other control
    characters are escaped (see :func:`printable`)."""
    return printable(" ".join(text.split()))
