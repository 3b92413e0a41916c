"""What the generated models stand on: member metadata, the shape table, the redacted map.

Kept apart from ``models.py`` (which is generated) so that the hand-written parts stay
readable and reviewable.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

__all__ = ["EnvironmentMap", "MemberInfo", "Shape", "ShapeInfo", "member_metadata", "shape_of"]

#: The metadata key under which each attrs field keeps its :class:`MemberInfo`.
MEMBER_KEY: Final = "optjob_member"

REDACTED: Final = "***"

#: Environment keys whose values are harmless configuration and may be shown: the LMI
#: container's ``OPTION_*`` knobs (quantization method, tensor-parallel degree, ...).
_SHOWN_PREFIX: Final = "OPTION_"


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
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        shown = {
            key: (value if key.startswith(_SHOWN_PREFIX) else REDACTED)
            for key, value in self._data.items()
        }
        return f"EnvironmentMap({shown!r})"

    __str__ = __repr__

    def to_dict(self) -> dict[str, str]:
        """A plain ``dict`` copy, secrets included (for sending to the service)."""
        return dict(self._data)
