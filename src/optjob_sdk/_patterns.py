"""The service model's patterns are Java regular expressions; this compiles them for Python.

Where Java and Python differ, Java wins (the service is the authority):

- ``\\d``, ``\\s``, ``\\w`` (and their negations) are ASCII-only in Java, Unicode in Python;
- Java's ``.`` stops at every line terminator (``\\n``, ``\\r``, U+0085, U+2028, U+2029),
  Python's only at ``\\n``;
- ``\\p{L}``, ``\\p{Z}``, ``\\p{N}`` (Unicode general categories) have no ``re`` spelling;
  they are expanded into explicit ranges from :mod:`unicodedata` (the running Python's
  Unicode database, the same one the emulator uses), computed once, on first use.

Patterns are matched in full, as the service does.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable

__all__ = ["full_matcher", "scan_category_ranges", "translate"]

# Java's ASCII classes as Python character-class contents: "inside" fits in [...], and the
# negations are spelled as ranges so that they can stand inside a class too.
_CLASSES = {
    "d": "0-9",
    "D": "\\x00-/:-\\U0010ffff",
    "s": " \\t\\n\\x0b\\f\\r",
    "S": "\\x00-\\x08\\x0e-\\x1f\\x21-\\U0010ffff",
    "w": "a-zA-Z0-9_",
    "W": "\\x00-/:-@\\[-^`{-\\U0010ffff",
}
_DOT = "[^\\n\\r\\x85\\u2028\\u2029]"


class UnsupportedPatternError(ValueError):
    """A construct this translator does not know; a test walks every pattern of the model."""


# Planes 4-13 hold no assigned characters in any Unicode version so far; skipping them
# makes the one-off scan about three times faster. A test scans them on every supported
# Python to prove they hold no letter, separator or number.
SKIPPED_PLANES = range(0x40000, 0xE0000)


def scan_category_ranges() -> dict[str, list[tuple[int, int]]]:
    """Every run of code points whose category starts with L, Z or N, by scanning them
    all with this Python's :mod:`unicodedata` (about 0.2 s)."""
    ranges: dict[str, list[list[int]]] = {"L": [], "Z": [], "N": []}
    category = unicodedata.category
    for code in itertools.chain(range(SKIPPED_PLANES.start), range(SKIPPED_PLANES.stop, 0x110000)):
        runs = ranges.get(category(chr(code))[0])
        if runs is None:
            continue
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return {major: [(low, high) for low, high in runs] for major, runs in ranges.items()}


@functools.cache
def _all_category_ranges() -> dict[str, str]:
    # The generated table of this Python's Unicode version when there is one (a lookup);
    # otherwise the scan (a newer Python), once per process.
    from optjob_sdk._unicode import RANGES

    known = RANGES.get(unicodedata.unidata_version)
    if known is not None:
        runs = {
            major: list(zip(bounds[::2], bounds[1::2], strict=True))
            for major, bounds in known.items()
        }
    else:
        runs = scan_category_ranges()
    return {
        major: "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in pairs)
        for major, pairs in runs.items()
    }


def _category_ranges(major: str) -> str:
    """Character-class contents for every code point whose category starts with ``major``."""
    return _all_category_ranges()[major]


def translate(pattern: str) -> str:
    """Translate a Java pattern into an equivalent Python ``re`` pattern."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 >= len(pattern):
                raise UnsupportedPatternError(f"trailing backslash in {pattern!r}")
            escape = pattern[i + 1]
            if escape in _CLASSES:
                body = _CLASSES[escape]
                out.append(body if in_class else f"[{body}]")
                i += 2
                continue
            if escape == "p":
                end = pattern.find("}", i)
                category = pattern[i + 3 : end]
                if pattern[i + 2 : i + 3] != "{" or end < 0 or category not in "LZN":
                    raise UnsupportedPatternError(f"unsupported \\p class in {pattern!r}")
                body = _category_ranges(category)
                out.append(body if in_class else f"[{body}]")
                i = end + 1
                continue
            if escape.isalnum() and escape not in "tnrfxu":
                raise UnsupportedPatternError(f"unsupported escape \\{escape} in {pattern!r}")
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            elif char == "[":
                raise UnsupportedPatternError(f"nested class in {pattern!r}")
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1 : i + 2] == "]":  # a leading ] is a literal in both dialects
                out.append("\\]")
                i += 1
        elif char == ".":
            out.append(_DOT)
        else:
            out.append(char)
        i += 1
    if in_class:
        raise UnsupportedPatternError(f"unterminated class in {pattern!r}")
    return "".join(out)


@functools.cache
def full_matcher(pattern: str) -> Callable[[str], bool]:
    """A cached predicate: does the whole string match the Java ``pattern``?"""
    compiled = re.compile(translate(pattern))
    return lambda value: compiled.fullmatch(value) is not None
