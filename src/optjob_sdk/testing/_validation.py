"""Server-side request validation, as the service does it, from botocore's model alone.

This is deliberately independent of the SDK's own validation (it shares no code with it):
the emulator plays the server, so a bug in the SDK's checks must not be cancelled by the
same bug here. Messages follow the service's (Coral) style::

    1 validation error detected: Value 'x y' at 'optimizationJobName' failed to satisfy
    constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any, cast

__all__ = ["InputError", "fits", "validate_input"]


class InputError(Exception):
    """The request does not fit the operation's input shape (a ValidationException)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        super().__init__(f"{count} validation {noun} detected: " + "; ".join(problems))


# -- Java regular expressions -------------------------------------------------------------

_JAVA_SPACE = " \t\n\x0b\f\r"


@functools.cache
def _unicode_class(letter: str) -> str:
    """A character-class body for every code point whose general category starts with
    ``letter`` (L, Z or N), scanned from this Python's unicodedata, once."""
    parts: list[str] = []
    start = -1
    for code in range(0x110001):
        inside = code < 0x110000 and unicodedata.category(chr(code)).startswith(letter)
        if inside and start < 0:
            start = code
        elif not inside and start >= 0:
            parts.append(f"{_escape(start)}-{_escape(code - 1)}")
            start = -1
    return "".join(parts)


def _escape(code: int) -> str:
    return f"\\U{code:08x}"


def _java_to_python(pattern: str) -> str:
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "p" and pattern[i + 2 : i + 3] == "{":
                close = pattern.index("}", i)
                name = pattern[i + 3 : close]
                if name not in ("L", "Z", "N"):
                    raise ValueError(f"unsupported Unicode class \\p{{{name}}}")
                body = _unicode_class(name)
                out.append(body if in_class else f"[{body}]")
                i = close + 1
                continue
            replacement = {
                "d": ("0-9", "[0-9]"),
                "s": (_JAVA_SPACE.encode("unicode_escape").decode(), "[ \\t\\n\\x0b\\f\\r]"),
                "w": ("a-zA-Z0-9_", "[a-zA-Z0-9_]"),
            }.get(nxt)
            if replacement is not None:
                out.append(replacement[0] if in_class else replacement[1])
                i += 2
                continue
            if nxt == "S":
                # Everything but Java's six ASCII white-space characters.
                body = "\\x00-\\x08\\x0e-\\x1f\\x21-\\U0010ffff"
                out.append(body if in_class else f"[{body}]")
                i += 2
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif char == "." and not in_class:
            # Java's '.' stops at all of its line terminators, not only '\n'.
            out.append("[^\\n\\r\\x85\\u2028\\u2029]")
            i += 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


@functools.cache
def _matcher(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(_java_to_python(pattern))
    return lambda value: compiled.fullmatch(value) is not None


# -- the walk -------------------------------------------------------------------------------


def _member_path(parent: str, name: str) -> str:
    camel = name[:1].lower() + name[1:]
    return f"{parent}.{camel}" if parent else camel


def _show(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 100 else text[:100] + "..."


def validate_input(shape: Any, params: dict[str, Any]) -> None:
    """Raise :class:`InputError` listing every constraint ``params`` breaks."""
    problems: list[str] = []
    _walk(shape, params, "", problems, secret=False)
    if problems:
        raise InputError(problems)


def fits(shape: Any, value: Any) -> bool:
    """Whether ``value`` satisfies every constraint of ``shape``."""
    problems: list[str] = []
    _walk(shape, value, "value", problems, secret=True)
    return not problems


def _walk(shape: Any, value: Any, path: str, problems: list[str], *, secret: bool) -> None:
    kind = shape.type_name
    meta = shape.metadata
    shown = "*** (sensitive)" if secret else _show(value)
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(
                f"Value at '{path}' failed to satisfy constraint: Member must be a structure"
            )
            return
        members = cast("dict[str, Any]", value)
        for name in shape.required_members:
            if members.get(name) is None:
                problems.append(
                    f"Value null at '{_member_path(path, name)}' failed to satisfy constraint: "
                    "Member must not be null"
                )
        set_members = [
            name for name, item in members.items() if name in shape.members and item is not None
        ]
        if meta.get("union") and len(set_members) != 1:
            problems.append(
                f"Value at '{path or 'input'}' failed to satisfy constraint: Member must have "
                f"exactly one member set (set: {', '.join(set_members) or 'none'})"
            )
        for name in set_members:
            _walk(
                shape.members[name], value[name], _member_path(path, name), problems, secret=False
            )
        return
    if kind == "list":
        if not isinstance(value, list):
            problems.append(
                f"Value at '{path}' failed to satisfy constraint: Member must be a list"
            )
            return
        items: list[Any] = cast(Any, value)
        _size(meta, len(items), path, problems, shown)
        for index, item in enumerate(items, start=1):
            _walk(shape.member, item, f"{path}.{index}.member", problems, secret=False)
        return
    if kind == "map":
        if not isinstance(value, dict):
            problems.append(f"Value at '{path}' failed to satisfy constraint: Member must be a map")
            return
        entries = cast("dict[str, Any]", value)
        _size(meta, len(entries), path, problems, "map")
        for key, item in entries.items():
            _walk(shape.key, key, f"{path}.key", problems, secret=False)
            # Environment values may be secrets (HF_TOKEN): never echo them back.
            _walk(shape.value, item, f"{path}.{key}", problems, secret=True)
        return
    if kind == "string":
        if not isinstance(value, str):
            problems.append(
                f"Value at '{path}' failed to satisfy constraint: Member must be a string"
            )
            return
        _size(meta, len(value), path, problems, shown)
        pattern = meta.get("pattern")
        if pattern is not None and not _matcher(pattern)(value):
            problems.append(
                f"Value '{shown}' at '{path}' failed to satisfy constraint: "
                f"Member must satisfy regular expression pattern: {pattern}"
            )
        enum = meta.get("enum")
        if enum is not None and value not in enum:
            problems.append(
                f"Value '{shown}' at '{path}' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(enum)}]"
            )
        return
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(
                f"Value at '{path}' failed to satisfy constraint: Member must be a number"
            )
            return
        if "min" in meta and value < meta["min"]:
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: "
                f"Member must have value greater than or equal to {meta['min']}"
            )
        if "max" in meta and value > meta["max"]:
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: "
                f"Member must have value less than or equal to {meta['max']}"
            )
        return
    if kind == "boolean" and not isinstance(value, bool):
        problems.append(f"Value at '{path}' failed to satisfy constraint: Member must be a boolean")
    if kind == "timestamp" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        problems.append(
            f"Value at '{path}' failed to satisfy constraint: Member must be a timestamp"
        )


def _size(meta: Any, size: int, path: str, problems: list[str], shown: str) -> None:
    if "min" in meta and size < meta["min"]:
        problems.append(
            f"Value '{shown}' at '{path}' failed to satisfy constraint: "
            f"Member must have length greater than or equal to {meta['min']}"
        )
    if "max" in meta and size > meta["max"]:
        problems.append(
            f"Value '{shown}' at '{path}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {meta['max']}"
        )
