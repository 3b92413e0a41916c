"""Models to and from boto3's dicts, and client-side validation.

>>> from optjob_sdk import Tag, to_dict, from_dict
>>> to_dict(Tag(key="team", value="inference"))
{'Key': 'team', 'Value': 'inference'}
>>> from_dict(Tag, {"Key": "team", "Value": "inference", "Unknown": 1})
Tag(key='team', value='inference')

Validation runs when a request is sent (or when you call :func:`validate`), not when a
model is built: models also carry what the service sends back, which is never refused, and
a request is easiest to fix when every problem is reported at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Final, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from optjob_sdk._modelbase import MEMBER_KEY, EnvironmentMap, MemberInfo, shape_of
from optjob_sdk._validation import UnknownEnumValueWarning, check
from optjob_sdk.enums import (
    InstanceType,
    JobStatus,
    SortBy,
    SortOrder,
    SpeculativeDecodingS3DataType,
    SpeculativeDecodingTechnique,
)
from optjob_sdk.errors import FieldError, ValidationError

__all__ = ["UnknownEnumValueWarning", "from_dict", "to_dict", "validate"]

logger = logging.getLogger("optjob_sdk")

M = TypeVar("M")

_ENUMS: Final = (
    InstanceType,
    JobStatus,
    SortBy,
    SortOrder,
    SpeculativeDecodingS3DataType,
    SpeculativeDecodingTechnique,
)

# Unknown enum values from the service are logged once per distinct value per process.
_seen_unknown: set[tuple[str, str]] = set()
_seen_lock = threading.Lock()


def _enum_hook(enum: type[Enum]) -> Any:
    by_value = {str(member.value): member for member in enum}

    def structure(value: Any, _: Any) -> Any:
        member = by_value.get(value)
        if member is not None:
            return member
        text = str(value)
        key = (enum.__name__, text)
        with _seen_lock:
            first = key not in _seen_unknown
            _seen_unknown.add(key)
        if first:
            logger.warning(
                "the service sent %s value %r, which this SDK does not know; "
                "it is kept as a plain string (upgrade optjob-sdk to get it as %s)",
                enum.__name__,
                text,
                enum.__name__,
            )
        return text

    return structure


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _structure_datetime(value: Any, _: Any) -> datetime:
    # boto3 hands over datetimes; raw service JSON (and our example files) carry epoch
    # seconds; ISO strings come from YAML/JSON files people write.
    if isinstance(value, datetime):
        return value
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    raise TypeError(f"not a timestamp: {value!r}")


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    for enum in _ENUMS:
        converter.register_structure_hook(enum | str, _enum_hook(enum))
        # Fields are typed `Enum | str` (optionally `| None`): send plain strings.
        converter.register_unstructure_hook(enum | str, _plain)
        converter.register_unstructure_hook(enum | str | None, _plain)
    converter.register_unstructure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, Enum), _plain
    )
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(datetime, lambda value: value)
    converter.register_structure_hook(EnvironmentMap, lambda value, _: EnvironmentMap(value))
    converter.register_unstructure_hook(EnvironmentMap, EnvironmentMap.to_dict)

    # Factories, not eager registrations: a class's hook is made when first needed, after
    # every other hook is in place, so nested models get their renames too.
    def unstructure_factory(cls: type[Any]) -> Any:
        return make_dict_unstructure_fn(
            cls, converter, _cattrs_omit_if_default=True, **_renames(cls)
        )

    def structure_factory(cls: type[Any]) -> Any:
        return make_dict_structure_fn(cls, converter, **_renames(cls))

    converter.register_unstructure_hook_factory(_is_model, unstructure_factory)
    converter.register_structure_hook_factory(_is_model, structure_factory)
    return converter


def _is_model(cls: Any) -> bool:
    return attrs.has(cls) and hasattr(cls, "__optjob_shape__")


def _renames(cls: type[Any]) -> dict[str, Any]:
    renames: dict[str, Any] = {}
    for field in attrs.fields(cls):
        info: MemberInfo = field.metadata[MEMBER_KEY]
        renames[field.name] = override(rename=info.wire)
    return renames


_converter: Final = _make_converter()


def to_dict(model: object) -> dict[str, Any]:
    """The boto3 shape of a model: PascalCase keys, unset members left out, enums as strings.

    Datetimes stay datetimes and environment maps become plain dicts (secrets included:
    this is the data that is sent).
    """
    if not attrs.has(type(model)):
        raise TypeError(f"expected an optjob_sdk model, not {type(model).__name__}")
    result: dict[str, Any] = _converter.unstructure(model)
    return result


def from_dict(cls: type[M], data: Mapping[str, Any]) -> M:
    """Build a model from a boto3 dict as boto3 returns it.

    ``ResponseMetadata``, members this SDK doesn't know and botocore's
    ``SDK_UNKNOWN_MEMBER`` entries are ignored; unknown enum values come through as plain
    ``str`` (logged once per value at WARNING). Data is never refused for breaking a
    constraint: the service is the authority on what it sends.
    """
    try:
        return _converter.structure(data, cls)
    except cattrs.BaseValidationError as error:
        # Only a structurally broken document gets here (a missing required member, a
        # string where a structure belongs); name where it broke.
        notes = cattrs.transform_error(error)
        raise ValidationError(
            [FieldError("", note) for note in notes], subject=f"{cls.__name__} data"
        ) from error


def validate(model: object) -> None:
    """Raise :class:`~optjob_sdk.ValidationError` listing every broken constraint.

    This is what the client runs before sending anything; call it yourself to check a
    request early.

    >>> from optjob_sdk import Tag, validate
    >>> validate(Tag(key="", value="x"))
    Traceback (most recent call last):
    ...
    optjob_sdk.errors.ValidationError: 1 problem in the Tag:
      - key: '' is shorter than 1 characters
    """
    errors = check(model)
    if errors:
        raise ValidationError(errors, subject=shape_of(type(model)).name)
