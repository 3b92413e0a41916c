"""Raw data (boto3 dicts, parsed request files) to models, without ever coercing a value.

One walk over the data builds the model and collects every problem with its snake_case
path: a value of the wrong JSON type, a missing required member, and (for input) members
the shape doesn't have and every constraint of the service model. Nothing is converted
that the wire format doesn't define: a string is never read as a boolean or an integer, a
list is never read as a map. The one representation change is the wire format's own:
a timestamp may come as epoch seconds or an ISO 8601 string and becomes a ``datetime``.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Final

import attrs

from optjob_sdk import models
from optjob_sdk._modelbase import MEMBER_KEY, MemberInfo, Shape, shape_of
from optjob_sdk._schema import OPERATIONS, SHAPES
from optjob_sdk._validation import (
    Checker,
    Problems,
    close_matches,
    mark_checked,
    path_key,
    type_message,
)
from optjob_sdk.errors import ValidationError

__all__ = ["structure"]

logger = logging.getLogger("optjob_sdk")

#: Output shapes: data structured as one of these is the service's answer.
_ANSWERS: Final = frozenset(output for _, output in OPERATIONS.values() if output is not None)

#: Members that boto3 adds to every answer, or puts in a union it cannot read; never ours.
_BOTO3_EXTRAS: Final = frozenset({"ResponseMetadata", "SDK_UNKNOWN_MEMBER"})

# Unknown enum values in answers are logged once per distinct value per process.
_seen_unknown: set[tuple[str, str]] = set()
_seen_lock = threading.Lock()


@attrs.frozen
class _Member:
    name: str
    info: MemberInfo
    spec: Shape | None  # None for a structure
    cls: type[Any] | None  # the model class of a structure member


_MEMBERS: dict[type[Any], dict[str, _Member]] = {}
_REQUIRED: dict[type[Any], tuple[_Member, ...]] = {}


def _members(cls: type[Any]) -> dict[str, _Member]:
    """The members of a model class by wire name (computed once per class)."""
    known = _MEMBERS.get(cls)
    if known is not None:
        return known
    out: dict[str, _Member] = {}
    for field in attrs.fields(cls):
        info: MemberInfo = field.metadata[MEMBER_KEY]
        spec = SHAPES.get(info.shape)
        out[info.wire] = _Member(
            field.name, info, spec, None if spec is not None else getattr(models, info.shape)
        )
    _MEMBERS[cls] = out
    _REQUIRED[cls] = tuple(member for member in out.values() if member.info.required)
    return out


def _is_mapping(value: object) -> bool:
    # type() first: the Mapping ABC check costs a few times more, and JSON gives dicts.
    return type(value) is dict or isinstance(value, Mapping)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Structurer:
    """One pass over the data. ``checker`` is set for input: constraints are checked too."""

    def __init__(self, *, strict: bool, checker: Checker | None, answer: bool) -> None:
        self.strict = strict
        self.checker = checker
        self.answer = answer
        self.problems = checker.problems if checker is not None else Problems()
        # Without constraints, integers are still checked against the wire type's range.
        self.integers = checker if checker is not None else Checker(self.problems, quiet=True)

    def fail(self, path: str, message: str) -> None:
        self.problems.add(path, message)

    def wrong_type(self, path: str, expected: str, value: object) -> None:
        self.fail(path, type_message(expected, value))

    # -- structures ------------------------------------------------------------------------

    def structure(self, cls: type[Any], data: Any, path: str) -> Any:
        if not _is_mapping(data):
            self.wrong_type(path, f"a mapping (a {shape_of(cls).name})", data)
            return None
        members = _members(cls)
        entries: Mapping[Any, Any] = data  # pyright: ignore[reportUnknownVariableType]
        kwargs: dict[str, Any] = {}
        broken = False
        for wire, raw in entries.items():
            member = members.get(wire)
            if member is None:
                if self.strict:
                    self.unknown(cls, wire, path)
                continue
            if raw is None:
                continue  # null is "not set"; a required member is reported below
            value, ok = self.value(member, raw, _join(path, member.name))
            if ok:
                kwargs[member.name] = value
            else:
                broken = True
        for member in _REQUIRED[cls]:
            if member.name not in kwargs:
                given = member.info.wire in entries and entries[member.info.wire] is not None
                if not given:
                    self.fail(_join(path, member.name), "is required")
                broken = True
        if self.checker is not None and shape_of(cls).union:
            given_names = [m.name for w, m in members.items() if entries.get(w) is not None]
            self.checker.union(cls, given_names, path)
        if broken:
            return None
        return cls(**kwargs)

    def unknown(self, cls: type[Any], key: object, path: str) -> None:
        if key in _BOTO3_EXTRAS:
            hint = "boto3 adds it to answers; a request has no place for it"
        else:
            known = list(_members(cls))
            close = close_matches(key, known, n=1, cutoff=0.6) if isinstance(key, str) else []
            hint = (
                f"did you mean {close[0]!r}?" if close else f"{cls.__name__} has {', '.join(known)}"
            )
        self.fail(path, f"unknown member {path_key(key)} ({hint})")

    # -- members ---------------------------------------------------------------------------

    def value(self, member: _Member, raw: Any, path: str) -> tuple[Any, bool]:
        spec = member.spec
        if spec is None:
            assert member.cls is not None
            result = self.structure(member.cls, raw, path)
            return result, result is not None
        return self.shaped(raw, spec, member.info.shape, path, secret=False)

    def shaped(
        self, raw: Any, spec: Shape, shape_name: str, path: str, *, secret: bool
    ) -> tuple[Any, bool]:
        kind = spec.kind
        if kind == "string":
            if not isinstance(raw, str):
                self.wrong_type(path, "a string", raw)
                return None, False
            if self.checker is not None:
                self.checker.string(raw, spec, shape_name, path, secret=secret)
            elif spec.enum is not None and self.answer and raw not in spec.enum:
                _log_unknown(shape_name, raw)
            return raw, True
        if kind in ("integer", "long"):
            if isinstance(raw, bool) or not isinstance(raw, int):
                self.wrong_type(path, "an integer", raw)
                return None, False
            return raw, self.integers.integer(raw, spec, path, constraints=self.checker is not None)
        if kind == "boolean":
            if not isinstance(raw, bool):
                self.wrong_type(path, "a boolean", raw)
                return None, False
            return raw, True
        if kind == "timestamp":
            return self.timestamp(raw, path)
        if kind == "list":
            return self.sequence(raw, spec, path)
        if kind == "map":
            return self.mapping(raw, spec, path)
        raise AssertionError(f"unhandled shape kind {kind}")  # pragma: no cover

    def timestamp(self, raw: Any, path: str) -> tuple[Any, bool]:
        # boto3 hands over datetimes; the JSON wire format (and request files) carry epoch
        # seconds; ISO 8601 strings are what people write (the AWS CLI takes both).
        if isinstance(raw, datetime):
            return raw, True
        try:
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                if isinstance(raw, float) and not math.isfinite(raw):
                    raise ValueError
                return datetime.fromtimestamp(raw, tz=timezone.utc), True
            if isinstance(raw, str):
                return datetime.fromisoformat(raw.replace("Z", "+00:00")), True
        except (ValueError, OverflowError, OSError):
            self.fail(path, "is not a valid timestamp (ISO 8601, or seconds since the epoch)")
            return None, False
        self.wrong_type(path, "a timestamp (ISO 8601, or seconds since the epoch)", raw)
        return None, False

    def sequence(self, raw: Any, spec: Shape, path: str) -> tuple[Any, bool]:
        if not isinstance(raw, (list, tuple)):
            self.wrong_type(path, "a list", raw)
            return None, False
        items: list[Any] | tuple[Any, ...] = raw  # pyright: ignore[reportUnknownVariableType]
        if self.checker is not None:
            self.checker.size(len(items), spec, path, "items")
        assert spec.member is not None
        member_spec = SHAPES.get(spec.member)
        cls = None if member_spec is not None else getattr(models, spec.member)
        out: list[Any] = []
        ok = True
        for index, item in enumerate(items):
            item_path = f"{path}[{index}]"
            if item is None:
                self.fail(item_path, "must not be null")
                ok = False
                continue
            if cls is not None:
                value = self.structure(cls, item, item_path)
                good = value is not None
            else:
                assert member_spec is not None
                value, good = self.shaped(item, member_spec, spec.member, item_path, secret=False)
            ok = ok and good
            out.append(value)
        return tuple(out), ok

    def mapping(self, raw: Any, spec: Shape, path: str) -> tuple[Any, bool]:
        if not _is_mapping(raw):
            self.wrong_type(path, "a mapping", raw)
            return None, False
        entries: Mapping[Any, Any] = raw  # pyright: ignore[reportUnknownVariableType]
        if self.checker is not None:
            self.checker.size(len(entries), spec, path, "entries")
        assert spec.key is not None
        assert spec.value is not None
        key_spec, value_spec = SHAPES[spec.key], SHAPES[spec.value]
        ok = True
        for key, item in entries.items():
            entry = f"{path}[{path_key(key)}]"
            # Keys are shown (they name variables); values never are: they hold secrets.
            _, good_key = self.shaped(key, key_spec, spec.key, f"{entry} (key)", secret=False)
            _, good_value = self.shaped(item, value_spec, spec.value, entry, secret=True)
            ok = ok and good_key and good_value
        return (models.EnvironmentMap(entries) if ok else None), ok


def _log_unknown(shape_name: str, value: str) -> None:
    key = (shape_name, value)
    with _seen_lock:
        first = key not in _seen_unknown
        _seen_unknown.add(key)
    if first:
        logger.warning(
            "the service's answer has %s value %r, which this SDK does not know; it is kept "
            "as a plain string (a newer optjob-sdk may know it)",
            shape_name,
            value,
        )


def structure(cls: type[Any], data: Any, *, strict: bool, subject: str | None = None) -> Any:
    """The model of ``data``, or :class:`ValidationError` listing every problem.

    ``strict``: the data is input (a request someone wrote): members the shape doesn't have
    are refused and every constraint is checked too, in the same pass. Otherwise unknown
    members are ignored and constraints are left to :func:`~optjob_sdk.validate` (answers
    are never refused for a constraint: the service is the authority on what it sends).
    """
    if not hasattr(cls, "__optjob_shape__"):
        raise TypeError(f"expected an optjob_sdk model class, not {cls!r}")
    checker = Checker(Problems()) if strict else None
    walker = _Structurer(
        strict=strict, checker=checker, answer=not strict and cls.__name__ in _ANSWERS
    )
    result = walker.structure(cls, data, "")
    problems = walker.problems
    if checker is not None:
        checker.warn_masked()
    if problems.count:
        raise ValidationError(
            problems.kept, subject=subject or f"{cls.__name__} data", total=problems.count
        )
    if checker is not None:
        mark_checked(result)
    return result
