"""The service model's patterns are Java regular expressions; this compiles them for Python.

Where Java and Python differ, Java wins (the service is the authority):

- ``\\d``, ``\\s``, ``\\w`` (and their negations) are ASCII-only in Java, Unicode in Python;
- Java's ``.`` stops at every line terminator (``\\n``, ``\\r``, U+0085, U+2028, U+2029),
  Python's only at ``\\n``;
- ``\\p{L}``, ``\\p{Z}``, ``\\p{N}`` (Unicode general categories) have no ``re`` spelling;
  patterns using them are compiled with the ``regex`` package, imported only then.

Patterns are matched in full, as the service does.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

__all__ = ["full_matcher", "translate"]

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


def translate(pattern: str) -> tuple[str, bool]:
    """Translate a Java pattern; returns the Python pattern and whether it needs ``regex``."""
    out: list[str] = []
    needs_regex = False
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
            if escape in "pP":
                end = pattern.find("}", i)
                if pattern[i + 2 : i + 3] != "{" or end < 0:
                    raise UnsupportedPatternError(f"unsupported \\{escape} in {pattern!r}")
                out.append(pattern[i : end + 1])
                needs_regex = True
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
    return "".join(out), needs_regex


@functools.cache
def full_matcher(pattern: str) -> Callable[[str], bool]:
    """A cached predicate: does the whole string match the Java ``pattern``?"""
    translated, needs_regex = translate(pattern)
    if needs_regex:
        import regex  # only for \p{..} classes; keeps `import optjob_sdk` light

        compiled_regex = regex.compile(translated)
        return lambda value: compiled_regex.fullmatch(value) is not None
    compiled = re.compile(translated)
    return lambda value: compiled.fullmatch(value) is not None
