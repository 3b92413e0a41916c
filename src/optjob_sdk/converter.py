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

from collections.abc import Mapping
from typing import Any, TypeVar

from optjob_sdk import _codec
from optjob_sdk._modelbase import shape_of
from optjob_sdk._structure import structure
from optjob_sdk._validation import MaskedValueWarning, UnknownEnumValueWarning, problems_of
from optjob_sdk.errors import ValidationError

__all__ = [
    "MaskedValueWarning",
    "UnknownEnumValueWarning",
    "from_dict",
    "to_dict",
    "validate",
]

M = TypeVar("M")


def to_dict(model: object) -> dict[str, Any]:
    """The boto3 shape of a model: PascalCase keys, unset members left out, enums as strings.

    Datetimes stay datetimes and environment maps become plain dicts (secrets included:
    this is the data that is sent).
    """
    writer = _codec.writer_for(type(model))
    if writer is None:
        raise TypeError(f"expected an optjob_sdk model, not {type(model).__name__}")
    result: dict[str, Any] = writer(model)
    return result


def from_dict(cls: type[M], data: Mapping[str, Any], *, strict: bool = False) -> M:
    """Build a model from a boto3-shaped dict (PascalCase keys), never coercing a value.

    A value of the wrong JSON type is a :class:`~optjob_sdk.ValidationError` naming its
    field path: ``"false"`` is not a boolean, ``"7200"`` or ``7200.9`` not an integer, a
    list not a map, and ``null`` for a required member is "missing". Every problem is
    reported at once. Timestamps may be datetimes, epoch seconds or ISO 8601 strings.

    By default the data may be a service answer as boto3 returns it: ``ResponseMetadata``
    and members this SDK doesn't know are ignored (a newer service adds members), unknown
    enum values come through as plain ``str`` (logged once per value at WARNING), and no
    constraint is checked (the service is the authority on what it sends).

    ``strict=True`` is for input someone wrote: members the shape doesn't have are refused
    with a did-you-mean, and every constraint :func:`validate` checks is checked in the
    same pass, so one :class:`~optjob_sdk.ValidationError` lists every problem.

    >>> from optjob_sdk import StoppingCondition, from_dict
    >>> from_dict(StoppingCondition, {"MaxRuntimeInSeconds": 7200.9})
    Traceback (most recent call last):
    ...
    optjob_sdk.errors.ValidationError: 1 problem in the StoppingCondition data:
      - max_runtime_in_seconds: must be an integer, not a number (7200.9)
    """
    if not strict:
        reader = _codec.READERS.get(cls)
        if reader is not None:
            try:
                fast: M = reader(data)
            except _codec.Fallback:
                pass  # not plain, well-typed data: the general walk explains what is wrong
            else:
                return fast
    result: M = structure(cls, data, strict=strict)
    return result


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
    problems = problems_of(model)
    if problems is not None and problems.count:
        raise ValidationError(
            problems.kept, subject=shape_of(type(model)).name, total=problems.count
        )
