"""Text made safe for a terminal line (no dependencies: the error path uses it too)."""

from __future__ import annotations

__all__ = ["one_line", "printable"]


def printable(text: str) -> str:
    """``text`` for a table cell: control characters (line breaks, tabs, terminal escape
    sequences, which a service message or a name could carry) escaped as ``\\n``,
    ``\\x1b``..., so that one value stays on one line and cannot drive the terminal."""
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
