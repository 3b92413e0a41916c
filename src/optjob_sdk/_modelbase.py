"""What the generated models stand on: member metadata, the shape table, the redacted map.

Kept apart from ``models.py`` (which is generated) so that the hand-written parts stay
readable and reviewable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from enum import Enum
from typing import Any, Final, TypeVar, cast

import attrs

__all__ = [
    "MIN_SCRUBBED",
    "REDACTED",
    "SHOWN_PREFIX",
    "EnvironmentMap",
    "MemberInfo",
    "Shape",
    "ShapeInfo",
    "as_environment",
    "as_enum",
    "as_tuple",
    "masked_items",
    "member_metadata",
    "model_fields",
    "model_hash",
    "model_repr",
    "model_repr_html",
    "model_repr_pretty",
    "not_shown",
    "safe_repr",
    "shape_of",
]

#: The metadata key under which each attrs field keeps its :class:`MemberInfo`.
MEMBER_KEY: Final = "optjob_member"

REDACTED: Final = "***"

#: Environment keys whose values are harmless configuration and may be shown: the LMI
#: container's ``OPTION_*`` knobs (quantization method, tensor-parallel degree, ...).
SHOWN_PREFIX: Final = "OPTION_"

#: Secret values shorter than this are masked inside environment maps only, not wherever
#: else they occur in a log record ("1" or "true" would garble every line).
MIN_SCRUBBED: Final = 8


@attrs.frozen
class MemberInfo:
    """How one field maps to the service model: wire name, target shape, required."""

    wire: str
    shape: str
    required: bool


@attrs.frozen
class ShapeInfo:
    """Class-level facts about a structure shape."""

    name: str
    union: bool = False


@attrs.frozen(kw_only=True)
class Shape:
    """A non-structure shape of the service model and its constraints."""

    kind: str  # string, integer, long, boolean, timestamp, list, map
    min: int | None = None
    max: int | None = None
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    member: str | None = None  # list member shape
    key: str | None = None  # map key shape
    value: str | None = None  # map value shape


def member_metadata(wire: str, shape: str, *, required: bool = False) -> dict[str, MemberInfo]:
    """The attrs field metadata that ties a field to its wire name and shape."""
    return {MEMBER_KEY: MemberInfo(wire, shape, required)}


def shape_of(cls: type[Any]) -> ShapeInfo:
    """The :class:`ShapeInfo` of a model class."""
    info: ShapeInfo = cls.__optjob_shape__
    return info


E = TypeVar("E", bound=Enum)
T = TypeVar("T")


# -- what the generated models call ------------------------------------------------------------
# Constructors convert only what is unambiguous (any iterable to a tuple, any mapping to an
# EnvironmentMap, a known value to its enum member) and keep anything else as given:
# validate() then names the problem with its path. They never raise and never reshape a
# value (a string is not a list of characters; a list of {"Name", "Value"} is not a map).


def as_tuple(value: Iterable[T]) -> tuple[T, ...]:
    """A tuple of the items of a list, tuple or other iterable; anything else as given."""
    kept: Any = value  # typed for callers; at run time anything may come
    # A tuple or a list, the usual cases, without the ABC checks (they cost several times more).
    if kept.__class__ is tuple:
        return cast("tuple[T, ...]", kept)
    if kept.__class__ is list:
        return tuple(value)
    if isinstance(kept, (str, bytes, Mapping)) or not isinstance(kept, Iterable):
        return cast("tuple[T, ...]", kept)
    return tuple(value)


def as_environment(value: Mapping[str, str]) -> EnvironmentMap:
    """An :class:`EnvironmentMap` of a mapping; anything else as given."""
    kept: Any = value
    if kept.__class__ is dict:  # the usual case, without the ABC check
        return EnvironmentMap(value)
    if isinstance(kept, EnvironmentMap) or not isinstance(kept, Mapping):
        return cast("EnvironmentMap", kept)
    return EnvironmentMap(value)


def as_enum(enum: type[E], value: E | str) -> E | str:
    """The member of ``enum`` with this value; a value it doesn't know, as given."""
    if value.__class__ is enum:  # a member already: Enum's own lookup costs a call or two
        return value
    try:
        return enum(value)
    except (ValueError, TypeError):  # TypeError: an unhashable value, such as a list
        return value


def safe_repr(value: object) -> str:
    """``repr(value)``, or a description where repr raises (an int of 5,000 digits)."""
    try:
        return repr(value)
    except Exception:  # repr of a bad value must not hide the model around it
        if isinstance(value, int):
            return f"<an int of about {int(value.bit_length() * 0.30103) + 1:,} digits>"
        return f"<a {type(value).__name__}>"


def model_fields(self: object) -> list[tuple[str, Any, bool]]:
    """Each field of a model as ``(name, value, hidden)``, in declaration order.

    ``hidden``: a map member (every one is an environment) that holds something other
    than an :class:`EnvironmentMap` (a list given by mistake) is not to be shown at all: it
    may hold secrets. The one rule for ``repr``, the pretty text and the HTML.
    """
    from optjob_sdk._schema import SHAPES  # _schema imports this module

    fields: tuple[Any, ...] = getattr(type(self), "__attrs_attrs__", ())
    out: list[tuple[str, Any, bool]] = []
    for field in fields:
        value = getattr(self, field.name)
        info: MemberInfo = field.metadata[MEMBER_KEY]
        spec = SHAPES.get(info.shape)
        hidden = spec is not None and spec.kind == "map"
        if hidden and (value is None or isinstance(value, EnvironmentMap)):
            hidden = False
        out.append((field.name, value, hidden))
    return out


def not_shown(value: object) -> str:
    """What stands for a value that is not shown (see :func:`model_fields`)."""
    return f"<a {type(value).__name__}, not shown>"


def model_repr(self: object) -> str:
    """``Tag(key='team', value='inference')``, for any field values.

    A map member (every one is an environment) that holds something other than an
    :class:`EnvironmentMap` (a list given by mistake) is not shown: it may hold secrets.
    """
    parts = [
        f"{name}={not_shown(value) if hidden else safe_repr(value)}"
        for name, value, hidden in model_fields(self)
    ]
    return f"{type(self).__name__}({', '.join(parts)})"


# The notebook forms are rendered by _display, imported at first use: ``import optjob_sdk``
# stays as cheap as it was, and a script that never shows a model never loads it.


def model_repr_html(self: object) -> str:
    """The HTML Jupyter shows for a model (a card for a job, a table for a listing)."""
    from optjob_sdk._display import html_of

    return html_of(self)


def model_repr_pretty(self: object, p: Any, cycle: bool) -> None:
    """IPython's pretty form: one field per line, nested models indented (``p`` is
    IPython's ``PrettyPrinter``; ``cycle`` cannot happen: models are frozen trees)."""
    from optjob_sdk._display import pretty_to

    pretty_to(self, p)


def model_hash(self: object) -> int:
    """The hash of the field values; equal models hash equal, whatever the values hold."""
    fields: tuple[Any, ...] = getattr(type(self), "__attrs_attrs__", ())
    values = tuple(getattr(self, field.name) for field in fields)
    try:
        return hash((type(self).__name__, values))
    except TypeError:  # an unhashable value (a list where a string belongs)
        return hash((type(self).__name__, len(values)))


class EnvironmentMap(Mapping[str, str]):
    """A read-only, hashable ``str -> str`` map whose ``repr`` hides secret values.

    Environment maps carry secrets (``HF_TOKEN``); ``repr``/``str`` show every key but mask
    each value except the LMI ``OPTION_*`` configuration knobs. The data itself is untouched.

    >>> env = EnvironmentMap({"HF_TOKEN": "hf_secret", "OPTION_QUANTIZE": "awq"})
    >>> env
    EnvironmentMap({'HF_TOKEN': '***', 'OPTION_QUANTIZE': 'awq'})
    >>> env["HF_TOKEN"]
    'hf_secret'
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, str] | None = None) -> None:
        self._data: dict[str, str] = dict(data) if data else {}
        self._hash: int | None = None

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EnvironmentMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)  # pyright: ignore[reportUnknownArgumentType]
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            try:
                self._hash = hash(frozenset(self._data.items()))
            except TypeError:  # an unhashable value (validate names it); keys always hash
                self._hash = hash(frozenset(self._data))
        return self._hash

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{safe_repr(key)}: {safe_repr(value)}" for key, value in masked_items(self)
        )
        return f"EnvironmentMap({{{shown}}})"

    __str__ = __repr__

    def to_dict(self) -> dict[str, str]:
        """A plain ``dict`` copy, secrets included (for sending to the service)."""
        return dict(self._data)


def masked_items(env: EnvironmentMap) -> list[tuple[str, str]]:
    """The items of ``env`` as everything that shows it shows them (``repr``, the pretty
    text, the HTML): each value masked as ``'***'`` but the ``OPTION_*`` knobs'."""
    return [
        (
            key,
            value
            if isinstance(key, str)  # pyright: ignore[reportUnnecessaryIsInstance]
            and key.startswith(SHOWN_PREFIX)
            else REDACTED,
        )
        for key, value in env._data.items()
    ]
