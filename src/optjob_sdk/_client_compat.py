"""The SDK as a superset of an older botocore: members the installed model doesn't know.

The SDK models the newest API. Against an older botocore (down to 1.37.18) a request that
sets a member botocore's model lacks would fail inside botocore with a raw "Unknown
parameter"; this check finds such members first and names them, their field path and the
boto3 release that added them.

The check is cached per botocore service model and operation; when the installed model knows
every member the SDK models for an operation (the usual case: a current botocore), the
per-call check is a dictionary lookup and nothing more.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any, Final

import attrs

from optjob_sdk import models
from optjob_sdk._modelbase import MEMBER_KEY, MemberInfo, shape_of
from optjob_sdk._schema import SHAPES, SINCE
from optjob_sdk.errors import FieldError, ValidationError

__all__ = ["FIELD_NAMES", "check_supported"]

_MODEL_CLASSES: Final[Mapping[str, type[Any]]] = {
    shape_of(cls).name: cls
    for cls in (getattr(models, name) for name in models.__all__)
    if attrs.has(cls) and hasattr(cls, "__optjob_shape__")
}

#: Wire member name -> snake_case field name, over every model (to translate botocore's
#: wire paths into the SDK's field paths).
FIELD_NAMES: Final[Mapping[str, str]] = {
    field.metadata[MEMBER_KEY].wire: field.name
    for cls in _MODEL_CLASSES.values()
    for field in attrs.fields(cls)
}


@attrs.frozen
class _Known:
    """What an installed botocore model knows of one operation's input."""

    complete: bool  # it knows every member the SDK models: nothing to check per call
    shape: Any  # botocore's input shape (walked only when not complete)


# Keyed by botocore's ServiceModel object: one entry per loaded model, gone with it.
_cache: weakref.WeakKeyDictionary[Any, dict[str, _Known]] = weakref.WeakKeyDictionary()


def _botocore_version() -> str:
    import botocore

    return str(botocore.__version__)


def _covers(cls: type[Any], shape: Any, seen: frozenset[str]) -> bool:
    """Whether botocore's ``shape`` has every member of the SDK class ``cls``, recursively."""
    name = shape_of(cls).name
    if name in seen:
        return True
    seen = seen | {name}
    members: Mapping[str, Any] = shape.members
    for field in attrs.fields(cls):
        info: MemberInfo = field.metadata[MEMBER_KEY]
        sub = members.get(info.wire)
        if sub is None:
            return False
        target = _structure_under(info.shape)
        if target is not None:
            inner = sub.member if sub.type_name == "list" else sub
            if inner.type_name != "structure" or not _covers(target, inner, seen):
                return False
    return True


def _structure_under(shape_name: str) -> type[Any] | None:
    """The model class a member holds (directly or as list items), if any."""
    shape = SHAPES.get(shape_name)
    if shape is None:
        return _MODEL_CLASSES.get(shape_name)
    if shape.kind == "list" and shape.member is not None:
        return _MODEL_CLASSES.get(shape.member)
    return None


def _known(service_model: Any, operation: str, request_cls: type[Any]) -> _Known:
    per_model = _cache.get(service_model)
    if per_model is None:
        per_model = {}
        _cache[service_model] = per_model
    known = per_model.get(operation)
    if known is None:
        shape = service_model.operation_model(operation).input_shape
        known = _Known(complete=_covers(request_cls, shape, frozenset()), shape=shape)
        per_model[operation] = known
    return known


def check_supported(service_model: Any, operation: str, request: object) -> None:
    """Raise :class:`ValidationError` for members set in ``request`` botocore doesn't know."""
    known = _known(service_model, operation, request.__class__)
    if known.complete:
        return
    problems: list[FieldError] = []
    _walk(request, known.shape, "", problems)
    if problems:
        raise ValidationError(problems, subject=f"{operation} request")


def _walk(model: Any, shape: Any, path: str, problems: list[FieldError]) -> None:
    cls: type[Any] = model.__class__
    owner = shape_of(cls).name
    members: Mapping[str, Any] = shape.members
    for field in attrs.fields(cls):
        value = getattr(model, field.name)
        if value is None:
            continue
        info: MemberInfo = field.metadata[MEMBER_KEY]
        field_path = f"{path}.{field.name}" if path else field.name
        sub = members.get(info.wire)
        if sub is None:
            problems.append(FieldError(field_path, _unknown_message(owner, info)))
            continue
        if attrs.has(value.__class__):
            if sub.type_name == "structure":
                _walk(value, sub, field_path, problems)
        elif isinstance(value, tuple) and sub.type_name == "list":
            items: tuple[Any, ...] = value  # pyright: ignore[reportUnknownVariableType]
            if sub.member.type_name == "structure":
                for index, item in enumerate(items):
                    if attrs.has(item.__class__):
                        _walk(item, sub.member, f"{field_path}[{index}]", problems)


def _unknown_message(owner: str, info: MemberInfo) -> str:
    since = SINCE.get(f"{owner}.{info.wire}") or SINCE.get(info.shape)
    added = f"boto3 {since}" if since else "a newer boto3"
    return (
        f"{info.wire} is not known to the installed botocore {_botocore_version()}: it was "
        f"added to the API in {added}; upgrade boto3 and botocore "
        f"(pip install -U boto3) to use it, or leave it unset"
    )
