"""Secrets out of botocore's own DEBUG records, for the calls the SDK makes.

With ``logging.basicConfig(level=logging.DEBUG)``, botocore logs each request's parameters
(``botocore.endpoint``: "Making request for ... with params: {... 'body': b'...'}") and each
answer's body (``botocore.parsers``: "Response body: b'...'"), environment values such as
``HF_TOKEN`` included.

A :class:`logging.Filter` on botocore's loggers rewrites those records, and only those
emitted while an SDK call is in flight (a context variable set around the call, so another
client's records in the same process, another thread's or another task's are untouched):
in every JSON body, the values of environment maps (``OptimizationEnvironment``,
``OverrideEnvironment``) are masked as the models' ``repr`` masks them (the keys stay, the
LMI ``OPTION_*`` values stay); any other place a create request's own secret values appear
is masked too. What is sent is untouched, and so are the user's handlers, levels and
formatters: the filter sits on botocore's loggers and only changes a record's ``args``.

When no DEBUG record is made (the usual case) the filter never runs; the cost per call is
setting and resetting one context variable.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from contextvars import ContextVar, Token
from typing import Any, Final

import attrs

from optjob_sdk import models
from optjob_sdk._modelbase import MEMBER_KEY, MIN_SCRUBBED, REDACTED, SHOWN_PREFIX, EnvironmentMap

__all__ = [
    "ENV_MEMBERS",
    "LOGGERS",
    "begin_call",
    "end_call",
    "install",
    "known_secrets",
    "scrub_exception",
]

#: The loggers the filter sits on: those that print bodies (endpoint, parsers), and the
#: others botocore and urllib3 log through during a call, should a future release print a
#: body there.
LOGGERS: Final = (
    "botocore.endpoint",
    "botocore.parsers",
    "botocore.auth",
    "botocore.hooks",
    "botocore.httpsession",
    "botocore.retryhandler",
    "botocore.retries.standard",
    "botocore.retries.adaptive",
    "urllib3.connectionpool",
)

#: The wire names of the environment-map members (``OptimizationEnvironment``,
#: ``OverrideEnvironment``), from the models: every member whose shape is the map's.
ENV_MEMBERS: Final[frozenset[str]] = frozenset(
    info.wire
    for cls in (getattr(models, name) for name in models.__all__)
    if attrs.has(cls)
    for field in attrs.fields(cls)
    if (info := field.metadata.get(MEMBER_KEY)) is not None
    and info.shape == "OptimizationJobEnvironmentVariables"
)

# None: no SDK call in flight. A tuple: in a call, with the request's own secret values.
_CALL: ContextVar[tuple[str, ...] | None] = ContextVar("optjob_sdk_call", default=None)


class _RedactSdkCalls(logging.Filter):
    """Rewrites a record's ``args`` while an SDK call is in flight; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = _CALL.get()
        if secrets is not None and record.args:
            record.args = _masked_args(record.args, secrets)
        return True


_FILTER: Final = _RedactSdkCalls("optjob_sdk")


def install() -> None:
    """Put the filter on botocore's loggers (once: it is idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def begin_call(secrets: tuple[str, ...] = ()) -> Token[tuple[str, ...] | None]:
    """Mark what follows, until :func:`end_call`, as an SDK call; ``secrets`` are values
    to mask wherever they appear (see :func:`known_secrets`)."""
    return _CALL.set(secrets)


def end_call(token: Token[tuple[str, ...] | None]) -> None:
    """The end of the call :func:`begin_call` began."""
    _CALL.reset(token)


def known_secrets(model: object) -> tuple[str, ...]:
    """The secret values of every environment map in ``model`` (an attrs model), long
    enough to be masked wherever they appear."""
    found: list[str] = []
    _collect(model, found)
    return tuple(found)


def _collect(value: object, found: list[str]) -> None:
    if isinstance(value, EnvironmentMap):
        found.extend(
            secret
            for key, secret in value.items()
            if not key.startswith(SHOWN_PREFIX) and len(secret) >= MIN_SCRUBBED
        )
    elif attrs.has(value.__class__):
        for field in attrs.fields(value.__class__):
            if MEMBER_KEY in field.metadata:
                _collect(getattr(value, field.name), found)
    elif isinstance(value, tuple):
        items: tuple[object, ...] = value  # pyright: ignore[reportUnknownVariableType]
        for item in items:
            _collect(item, found)


def scrub_exception(error: BaseException, secrets: tuple[str, ...]) -> None:
    """Mask ``secrets`` in botocore's exception for a call (its message and its ``response``):
    a service's validation message may quote the value it refused."""
    if not secrets:
        return
    response: object = getattr(error, "response", None)
    if not any(secret in str(error) or secret in repr(response) for secret in secrets):
        return
    error.args = tuple(_masked(arg, secrets) for arg in error.args)
    if isinstance(response, Mapping):
        error.response = _masked(response, secrets)  # type: ignore[attr-defined]


def _masked_args(args: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(args, tuple):
        items: tuple[object, ...] = args  # pyright: ignore[reportUnknownVariableType]
        return tuple(_masked(arg, secrets) for arg in items)
    return _masked(args, secrets)


def _masked(value: object, secrets: tuple[str, ...]) -> object:
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
        text = data.decode("utf-8", "replace")
        masked = _masked_text(text, secrets)
        return data if masked is text else masked.encode("utf-8")
    if isinstance(value, str):
        return _masked_text(value, secrets)
    if isinstance(value, Mapping):
        mapping: Mapping[object, object] = value  # pyright: ignore[reportUnknownVariableType]
        return {key: _masked(item, secrets) for key, item in mapping.items()}
    if isinstance(value, (list, tuple)):
        sequence: list[object] | tuple[object, ...] = value  # pyright: ignore[reportUnknownVariableType]
        return [_masked(item, secrets) for item in sequence]
    if secrets and not isinstance(value, (int, float, bool, type(None))):
        text = str(value)
        if any(secret in text for secret in secrets):
            return _scrubbed(text, secrets)
    return value


def _masked_text(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with environment values and ``secrets`` masked (the same object when there
    was nothing to mask)."""
    result = text
    if any(member in text for member in ENV_MEMBERS):
        try:
            data = json.loads(text)
        except ValueError:
            # Not JSON (a truncated body, say) yet it names an environment map: its values
            # cannot be told apart, so none of it is shown.
            return f"<{len(text)} characters not shown: not JSON, and it holds environment values>"
        result = json.dumps(_masked_json(data))
    if secrets and any(secret in result for secret in secrets):
        result = _scrubbed(result, secrets)
    return result


def _masked_json(data: Any) -> Any:
    if isinstance(data, dict):
        items: dict[str, Any] = data  # pyright: ignore[reportUnknownVariableType]
        return {
            key: (_masked_env(value) if key in ENV_MEMBERS else _masked_json(value))
            for key, value in items.items()
        }
    if isinstance(data, list):
        entries: list[Any] = data  # pyright: ignore[reportUnknownVariableType]
        return [_masked_json(item) for item in entries]
    return data


def _masked_env(env: Any) -> Any:
    if isinstance(env, dict):
        items: dict[Any, Any] = env  # pyright: ignore[reportUnknownVariableType]
        return {
            key: (value if isinstance(key, str) and key.startswith(SHOWN_PREFIX) else REDACTED)
            for key, value in items.items()
        }
    return REDACTED  # not a map: nothing in it can be told harmless


def _scrubbed(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text
