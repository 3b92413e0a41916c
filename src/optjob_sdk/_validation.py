"""Client-side validation: every constraint of the service model, all problems at once.

The constraints come from the generated shape table (``_schema.SHAPES``) and the member
metadata on each model field, both derived from botocore's model; a conformance test keeps
them equal to the installed botocore's.
"""

from __future__ import annotations

import json
import sys
import warnings
import weakref
from collections.abc import Mapping
from datetime import datetime
from types import FrameType
from typing import Any, Final

import attrs

from optjob_sdk import _codec
from optjob_sdk._modelbase import MEMBER_KEY, REDACTED, MemberInfo, Shape, shape_of
from optjob_sdk._patterns import full_matcher
from optjob_sdk._schema import SHAPES
from optjob_sdk.errors import FieldError

__all__ = [
    "Checker",
    "MaskedValueWarning",
    "Problems",
    "UnknownEnumValueWarning",
    "check",
    "close_matches",
    "mark_checked",
    "problems_of",
    "was_checked",
]

#: What a pattern means, in words, for the shapes people get wrong most.
_HINTS: Final[Mapping[str, str]] = {
    "EntityName": "1-63 letters, digits and hyphens, starting and ending with a letter or digit",
    "ModelName": "letters, digits and hyphens, starting and ending with a letter or digit",
    "RoleArn": "an IAM role ARN such as arn:aws:iam::111122223333:role/MyRole",
    "S3Uri": "an s3:// or https:// URI such as s3://bucket/prefix/",
    "OptimizationContainerImage": "a container image URI without white space",
    "TagKey": "Unicode letters, digits, spaces and _ . : / = + - @",
    "TagValue": "Unicode letters, digits, spaces and _ . : / = + - @",
    "KmsKeyId": "a KMS key id, alias or ARN",
    "NonEmptyString256": "not empty or only white space, no line breaks",
}

#: The value range of the wire types. botocore's model states ``min``/``max`` where the
#: service narrows them; the JSON protocol's ``integer`` is a 32-bit and ``long`` a 64-bit
#: signed integer (Smithy's types), whatever the model leaves open.
WIRE_RANGES: Final[Mapping[str, tuple[int, int]]] = {
    "integer": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
}

_WIRE_NAMES: Final[Mapping[str, str]] = {"integer": "32-bit", "long": "64-bit"}

_SHOWN_LIMIT = 60

#: At most this many problems are kept (all are counted): a broken 1 MB file can hold
#: hundreds of thousands, and nobody reads past the first screenful.
MAX_KEPT: Final = 1000


class UnknownEnumValueWarning(UserWarning):
    """A request uses an enum value this SDK doesn't know; it is sent as is.

    The service may know it (it may be newer than this SDK); if not, the service rejects it.
    """


class MaskedValueWarning(UserWarning):
    """A request holds ``"***"``, the placeholder optjob prints for a hidden secret.

    It is sent as is (the service accepts it, and it is a valid value), but it is almost
    always output of ``optjob describe`` fed back as input, with the real secret lost.
    """


def _show(value: str) -> str:
    return repr(value if len(value) <= _SHOWN_LIMIT else value[:_SHOWN_LIMIT] + "...")


def show_int(value: int) -> str:
    """An integer as text, even one too long for ``str()`` (more than 4,300 digits)."""
    bits = value.bit_length()
    if bits <= 256:
        return str(value)
    digits = int(bits * 0.30103) + 1
    return f"{'-' if value < 0 else ''}a number of about {digits:,} digits"


def path_key(key: object) -> str:
    """A map key or member name as shown in a path: quoted, shortened, never raising."""
    if isinstance(key, str):
        return _show(key)
    if isinstance(key, bool) or key is None or isinstance(key, float):
        return repr(key)
    if isinstance(key, int):
        return show_int(key)
    return f"<a {type(key).__name__}>"


def describe_type(value: object) -> str:
    """What a value is, in JSON's words, without showing it (it may be a secret)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return f"a {type(value).__name__}"


def type_message(expected: str, value: object) -> str:
    """``must be <expected>, not <what the value is>``; a quoted literal is quoted back.

    ``"false"`` and ``"7200"`` are shown (they are what a file's author needs to see, and
    never secrets: no boolean or integer member holds one); other values are not.
    """
    actual = describe_type(value)
    if isinstance(value, str) and len(value) <= 20:
        literal = value.strip().lower() in ("true", "false") or value.strip().isdigit()
        if literal and expected in ("a boolean", "an integer"):
            actual = f"the string {json.dumps(value)}"
    return f"must be {expected}, not {actual}"


class Problems:
    """Problems found, each a :class:`FieldError`: the first :data:`MAX_KEPT`, all counted."""

    __slots__ = ("count", "kept")

    def __init__(self) -> None:
        self.kept: list[FieldError] = []
        self.count = 0

    def add(self, path: str, message: str) -> None:
        self.count += 1
        if len(self.kept) < MAX_KEPT:
            self.kept.append(FieldError(path, message))


_KIND_EXPECTED: Final[Mapping[str, str]] = {
    "string": "a string",
    "integer": "an integer",
    "long": "an integer",
    "boolean": "a boolean",
    "timestamp": "a datetime",
    "list": "a list",
    "map": "a mapping",
}


# Models that a strict load has checked (and warned about) already, by identity: the same
# request is checked again when it is sent, and its warnings should not print twice.
_checked: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()


def mark_checked(model: object) -> None:
    """Record that ``model`` was checked, warnings given: later checks stay quiet."""
    _checked[id(model)] = model


def was_checked(model: object) -> bool:
    return _checked.get(id(model)) is model


class Checker:
    """Checks values against the service model's constraints, collecting every problem.

    ``quiet``: give no warnings (the model was checked, and warned about, before).
    """

    def __init__(self, problems: Problems | None = None, *, quiet: bool = False) -> None:
        self.problems = problems if problems is not None else Problems()
        self.quiet = quiet
        self.masked: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.add(path, message)

    def structure(self, model: Any, path: str) -> None:
        cls: type[Any] = model.__class__
        set_members: list[str] = []
        for field in attrs.fields(cls):
            info: MemberInfo = field.metadata[MEMBER_KEY]
            value = getattr(model, field.name)
            field_path = f"{path}.{field.name}" if path else field.name
            if value is None:
                if info.required:
                    self.fail(field_path, "is required")
                continue
            set_members.append(field.name)
            self.value(value, info.shape, field_path, secret=False)
        if shape_of(cls).union:
            self.union(cls, set_members, path)

    def union(self, cls: type[Any], set_members: list[str], path: str) -> None:
        if len(set_members) != 1:
            names = ", ".join(field.name for field in attrs.fields(cls))
            got = ", ".join(set_members) if set_members else "none"
            self.fail(path, f"must set exactly one of {names} (set: {got})")

    def value(self, value: Any, shape_name: str, path: str, *, secret: bool) -> None:
        shape = SHAPES.get(shape_name)
        if shape is None:  # a structure
            value_type: type[Any] = value.__class__
            if attrs.has(value_type) and shape_of(value_type).name == shape_name:
                self.structure(value, path)
            else:
                self.fail(path, type_message(f"a {shape_name}", value))
            return
        kind = shape.kind
        if kind == "string":
            self.string(value, shape, shape_name, path, secret=secret)
        elif kind in ("integer", "long"):
            self.integer(value, shape, path)
        elif kind == "boolean":
            if not isinstance(value, bool):
                self.type_error(path, kind, value)
        elif kind == "timestamp":
            if not isinstance(value, datetime):
                self.type_error(path, kind, value)
        elif kind == "list":
            self.sequence(value, shape, path)
        elif kind == "map":
            self.mapping(value, shape, path)
        else:  # pragma: no cover - the conformance test pins the kinds in use
            raise AssertionError(f"unhandled shape kind {kind}")

    def type_error(self, path: str, kind: str, value: object) -> None:
        self.fail(path, type_message(_KIND_EXPECTED[kind], value))

    def string(self, value: Any, shape: Shape, name: str, path: str, *, secret: bool) -> None:
        if not isinstance(value, str):
            self.type_error(path, "string", value)
            return
        if value == REDACTED:
            self.masked.append(path)
        shown = "the value" if secret else _show(value)
        if shape.min is not None and len(value) < shape.min:
            self.fail(path, f"{shown} is shorter than {shape.min} characters")
        if shape.max is not None and len(value) > shape.max:
            self.fail(path, f"{shown} is longer than {shape.max} characters ({len(value)})")
        if shape.pattern is not None and not full_matcher(shape.pattern)(value):
            hint = _HINTS.get(name)
            expected = f"{hint} (pattern {shape.pattern})" if hint else f"pattern {shape.pattern}"
            self.fail(path, f"{shown} is not valid: expected {expected}")
        if shape.enum is not None and value not in shape.enum and not self.quiet:
            _warn_unknown(value, name, shape.enum, path)

    def integer(self, value: Any, shape: Shape, path: str, *, constraints: bool = True) -> bool:
        """Check an integer; ``constraints=False`` checks only the wire type's range."""
        if isinstance(value, bool) or not isinstance(value, int):
            self.type_error(path, "integer", value)
            return False
        low, high = WIRE_RANGES[shape.kind]
        if not low <= value <= high:
            self.fail(
                path,
                f"{show_int(value)} does not fit the wire type, a {_WIRE_NAMES[shape.kind]} "
                f"integer ({low} to {high})",
            )
            return False
        if not constraints:
            return True
        ok = True
        if shape.min is not None and value < shape.min:
            self.fail(path, f"{value} is less than the minimum {shape.min}")
            ok = False
        if shape.max is not None and value > shape.max:
            self.fail(path, f"{value} is more than the maximum {shape.max}")
            ok = False
        return ok

    def size(self, count: int, shape: Shape, path: str, noun: str) -> None:
        if shape.min is not None and count < shape.min:
            self.fail(path, f"has {count} {noun}, fewer than the minimum {shape.min}")
        if shape.max is not None and count > shape.max:
            self.fail(path, f"has {count} {noun}, more than the maximum {shape.max}")

    def sequence(self, value: Any, shape: Shape, path: str) -> None:
        if not isinstance(value, (tuple, list)):
            self.type_error(path, "list", value)
            return
        items: tuple[Any, ...] | list[Any] = value  # pyright: ignore[reportUnknownVariableType]
        self.size(len(items), shape, path, "items")
        assert shape.member is not None
        for index, item in enumerate(items):
            self.value(item, shape.member, f"{path}[{index}]", secret=False)

    def mapping(self, value: Any, shape: Shape, path: str) -> None:
        if not isinstance(value, Mapping):
            self.type_error(path, "map", value)
            return
        entries: Mapping[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
        self.size(len(entries), shape, path, "entries")
        assert shape.key is not None
        assert shape.value is not None
        for key, item in entries.items():
            # Keys are shown (they name variables); values never are: they hold secrets.
            entry = f"{path}[{path_key(key)}]"
            self.value(key, shape.key, f"{entry} (key)", secret=False)
            self.value(item, shape.value, entry, secret=True)

    def warn_masked(self) -> None:
        """One warning naming every member that holds the ``"***"`` placeholder."""
        if self.masked and not self.quiet:
            shown = ", ".join(self.masked[:10])
            more = f" and {len(self.masked) - 10} more" if len(self.masked) > 10 else ""
            warn_from_caller(
                f"{shown}{more}: {REDACTED!r} is the placeholder optjob prints for a hidden "
                "secret, not the secret; it is sent as is (put the real value in the request)",
                MaskedValueWarning,
            )


def warn_from_caller(message: str, category: type[Warning]) -> None:
    """Warn, attributed to the first frame outside optjob_sdk.

    Python shows a warning once per text and place (its default filter): attributing it
    to the caller's code, not to whichever SDK function found it, means that one request
    checked twice on its way out (``load_request``, then ``create``) warns once.
    """
    frame: FrameType | None = sys._getframe(0)  # pyright: ignore[reportPrivateUsage]
    level = 1
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name != "optjob_sdk" and not name.startswith("optjob_sdk."):
            break
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


def _warn_unknown(value: str, shape_name: str, known: tuple[str, ...], path: str) -> None:
    close = close_matches(value, known, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    warn_from_caller(
        f"{path}: the request's {_show(value)} is not one of the {shape_name} values this SDK "
        "knows; "
        f"it is sent as is, and the service rejects it unless it is newer than this SDK{hint}",
        UnknownEnumValueWarning,
    )


def problems_of(model: object) -> Problems | None:
    """The problems of ``model`` (warnings given), or None when it is valid with nothing
    to warn about. The generated one-pass check decides the common case; only a model it
    refuses is walked again, by :class:`Checker`, to name every problem."""
    fast = _codec.checker_for(model.__class__)
    if fast is None:
        raise TypeError(f"expected an optjob_sdk model, not {type(model).__name__}")
    try:
        fast(model, [])
    except _codec.Fallback:
        pass
    else:
        return None
    checker = Checker(quiet=was_checked(model))
    checker.structure(model, "")
    checker.warn_masked()
    return checker.problems


def check(model: object) -> list[FieldError]:
    """Every constraint the model breaks, with snake_case field paths; empty when valid."""
    problems = problems_of(model)
    return [] if problems is None else problems.kept


def close_matches(
    word: str, possibilities: list[str] | tuple[str, ...], *, n: int, cutoff: float
) -> list[str]:
    # difflib loads only when a problem needs a suggestion.
    import difflib

    return difflib.get_close_matches(word, possibilities, n=n, cutoff=cutoff)
