"""Client-side validation: every constraint of the service model, all problems at once.

The constraints come from the generated shape table (``_schema.SHAPES``) and the member
metadata on each model field, both derived from botocore's model; a conformance test keeps
them equal to the installed botocore's.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from optjob_sdk._modelbase import MEMBER_KEY, MemberInfo, Shape, shape_of
from optjob_sdk._patterns import full_matcher
from optjob_sdk._schema import SHAPES
from optjob_sdk.errors import FieldError

__all__ = ["UnknownEnumValueWarning", "check"]

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

_KIND_NAMES: Final[Mapping[str, str]] = {
    "string": "a string",
    "integer": "an integer",
    "long": "an integer",
    "boolean": "a boolean",
    "timestamp": "a datetime",
    "list": "a sequence",
    "map": "a mapping",
}

_SHOWN_LIMIT = 60


class UnknownEnumValueWarning(UserWarning):
    """A request uses an enum value this SDK doesn't know; it is sent as is.

    The service may know it (it may be newer than this SDK); if not, the service rejects it.
    """


def _show(value: str) -> str:
    return repr(value if len(value) <= _SHOWN_LIMIT else value[:_SHOWN_LIMIT] + "...")


class _Checker:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

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
        if shape_of(cls).union and len(set_members) != 1:
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
                self.fail(path, f"must be a {shape_name}, not {type(value).__name__}")
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
        self.fail(path, f"must be {_KIND_NAMES[kind]}, not {type(value).__name__}")

    def string(self, value: Any, shape: Shape, name: str, path: str, *, secret: bool) -> None:
        if not isinstance(value, str):
            self.type_error(path, "string", value)
            return
        shown = "the value" if secret else _show(value)
        if shape.min is not None and len(value) < shape.min:
            self.fail(path, f"{shown} is shorter than {shape.min} characters")
        if shape.max is not None and len(value) > shape.max:
            self.fail(path, f"{shown} is longer than {shape.max} characters ({len(value)})")
        if shape.pattern is not None and not full_matcher(shape.pattern)(value):
            hint = _HINTS.get(name)
            expected = f"{hint} (pattern {shape.pattern})" if hint else f"pattern {shape.pattern}"
            self.fail(path, f"{shown} is not valid: expected {expected}")
        if shape.enum is not None and value not in shape.enum:
            _warn_unknown(value, name, shape.enum, path)

    def integer(self, value: Any, shape: Shape, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.type_error(path, "integer", value)
            return
        if shape.min is not None and value < shape.min:
            self.fail(path, f"{value} is less than the minimum {shape.min}")
        if shape.max is not None and value > shape.max:
            self.fail(path, f"{value} is more than the maximum {shape.max}")

    def size(self, count: int, shape: Shape, path: str, noun: str) -> None:
        if shape.min is not None and count < shape.min:
            self.fail(path, f"has {count} {noun}, fewer than the minimum {shape.min}")
        if shape.max is not None and count > shape.max:
            self.fail(path, f"has {count} {noun}, more than the maximum {shape.max}")

    def sequence(self, value: Any, shape: Shape, path: str) -> None:
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            self.type_error(path, "list", value)
            return
        items: list[Any] = list(value)  # pyright: ignore[reportUnknownArgumentType]
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
            self.value(key, shape.key, f"{path}[{key!r}] (key)", secret=False)
            self.value(item, shape.value, f"{path}[{key!r}]", secret=True)


def _warn_unknown(value: str, shape_name: str, known: tuple[str, ...], path: str) -> None:
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    warnings.warn(
        f"{path}: {value!r} is not a {shape_name} value this SDK knows; it is sent as is, "
        f"and the service rejects it unless it is newer than this SDK{hint}",
        UnknownEnumValueWarning,
        stacklevel=4,
    )


def check(model: object) -> list[FieldError]:
    """Every constraint the model breaks, with snake_case field paths; empty when valid."""
    if not attrs.has(type(model)):
        raise TypeError(f"expected an optjob_sdk model, not {type(model).__name__}")
    checker = _Checker()
    checker.structure(model, "")
    return checker.errors
