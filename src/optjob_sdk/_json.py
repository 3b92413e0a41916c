"""Models as JSON-ready data, with environment values masked (the CLI's ``--output json``,
Airflow's XCom values and trigger events)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from enum import Enum
from typing import Any, cast

import attrs

from optjob_sdk._modelbase import MEMBER_KEY, REDACTED, SHOWN_PREFIX, EnvironmentMap, MemberInfo

__all__ = ["jsonable"]


def _iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat()


def _masked(env: EnvironmentMap, show_secrets: bool) -> dict[str, str]:
    return {
        key: value if show_secrets or key.startswith(SHOWN_PREFIX) else REDACTED
        for key, value in env.items()
    }


def jsonable(
    value: Any,
    *,
    show_secrets: bool = False,
    time_format: Callable[[datetime], str] = _iso,
) -> Any:
    """A model as JSON-ready data: wire (PascalCase) names, unset members left out,
    enums as strings, datetimes through ``time_format`` (ISO-8601 UTC by default),
    environment values masked unless ``show_secrets``."""
    cls: type[Any] = type(cast("object", value))
    if attrs.has(cls):
        out: dict[str, Any] = {}
        for field in attrs.fields(cls):
            member = getattr(value, field.name)
            if member is None:
                continue
            info: MemberInfo = field.metadata[MEMBER_KEY]
            out[info.wire] = jsonable(member, show_secrets=show_secrets, time_format=time_format)
        return out
    if isinstance(value, EnvironmentMap):
        return _masked(value, show_secrets)
    if isinstance(value, Enum):  # before str: the SDK's enums are str subclasses
        return value.value
    if isinstance(value, datetime):
        return time_format(value)
    if isinstance(value, Mapping):
        items: Mapping[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
        return {
            str(key): jsonable(item, show_secrets=show_secrets, time_format=time_format)
            for key, item in items.items()
        }
    if isinstance(value, (list, tuple)):
        sequence = cast("Sequence[Any]", value)
        return [
            jsonable(item, show_secrets=show_secrets, time_format=time_format) for item in sequence
        ]
    return value
