"""Reading ``optjob create --file``: the AWS CLI's ``--cli-input-json`` shape, as JSON or YAML.

Every problem is reported at once, before anything is sent: members the request has no
place for (a typo silently ignored would be worse than an error), structurally broken
parts, and every constraint :func:`~optjob_sdk.validate` checks.
"""

from __future__ import annotations

import difflib
import importlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import attrs

from optjob_sdk import models
from optjob_sdk._modelbase import MEMBER_KEY, MemberInfo
from optjob_sdk._schema import SHAPES
from optjob_sdk._validation import check
from optjob_sdk.converter import from_dict
from optjob_sdk.errors import FieldError, ValidationError
from optjob_sdk.models import CreateOptimizationJobRequest

__all__ = ["FileProblem", "load_request", "read_document"]

YAML_HINT = "pip install 'optjob-sdk[yaml]'"


class FileProblem(Exception):
    """The file could not be read or parsed (a usage error: exit status 2)."""


def read_document(path: str) -> dict[str, Any]:
    """The top-level mapping in a JSON or YAML file (``-``: standard input).

    ``.yaml``/``.yml`` files are YAML, ``.json`` files JSON; anything else is JSON if it
    starts with ``{`` and YAML otherwise.
    """
    label = "standard input" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise FileProblem(f"cannot read {label}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise FileProblem(f"cannot read {label}: not UTF-8 text ({error.reason})") from error
    suffix = Path(path).suffix.lower()
    is_yaml = suffix in (".yaml", ".yml") or (
        suffix != ".json" and not text.lstrip().startswith("{")
    )
    data = _parse_yaml(text, label) if is_yaml else _parse_json(text, label)
    if not isinstance(data, dict):
        kind = "nothing" if data is None else f"a {type(data).__name__}"
        raise FileProblem(
            f"{label} must hold one object (the CreateOptimizationJob request), not {kind}"
        )
    return cast("dict[str, Any]", data)


def _parse_json(text: str, label: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FileProblem(f"{label} is not valid JSON: {error}") from error


def _parse_yaml(text: str, label: str) -> Any:
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError as error:
        raise FileProblem(
            f"{label} is YAML, and reading YAML needs PyYAML, which is not installed: "
            f"{YAML_HINT} (or give the request as JSON)"
        ) from error
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        # PyYAML's messages span several lines (with a caret drawing); keep one.
        detail = " ".join(str(error).split())
        raise FileProblem(f"{label} is not valid YAML: {detail}") from error


def load_request(path: str) -> CreateOptimizationJobRequest:
    """The validated request in ``path``; :class:`ValidationError` lists every problem."""
    data = read_document(path)
    problems = unknown_members(CreateOptimizationJobRequest, data)
    subject = f"request in {'standard input' if path == '-' else path}"
    try:
        request = from_dict(CreateOptimizationJobRequest, data)
    except ValidationError as error:
        broken = [_readable(problem) for problem in error.errors]
        raise ValidationError([*problems, *broken], subject=subject) from error
    problems += check(request)
    if problems:
        raise ValidationError(problems, subject=subject)
    return request


def _readable(problem: FieldError) -> FieldError:
    # cattrs words a structural problem as "<what> @ $.<path>"; say it as validation does.
    what, at, where = problem.message.rpartition(" @ $")
    if not at or problem.path:
        return problem
    path = where.lstrip(".")
    if what == "required field missing":
        what = "is required"
    return FieldError(path, what)


def unknown_members(cls: type[Any], data: Mapping[str, Any], path: str = "") -> list[FieldError]:
    """Members of ``data`` (wire names) that ``cls`` has no field for, at any depth.

    ``from_dict`` ignores them (responses may carry members newer than the SDK); in a
    request someone wrote, one is almost always a typo.
    """
    fields = {info.wire: (field.name, info) for field, info in _members(cls)}
    problems: list[FieldError] = []
    for key, value in data.items():
        known = fields.get(key)
        if known is None:
            close = difflib.get_close_matches(str(key), list(fields), n=1, cutoff=0.6)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"{cls.__name__} has {', '.join(fields)}"
            )
            problems.append(FieldError(path, f"unknown member {key!r} ({hint})"))
            continue
        name, info = known
        child = f"{path}.{name}" if path else name
        problems += _unknown_in_value(info.shape, value, child)
    return problems


def _unknown_in_value(shape: str, value: Any, path: str) -> list[FieldError]:
    if shape in SHAPES:
        spec = SHAPES[shape]
        if spec.kind == "list" and spec.member is not None and isinstance(value, list):
            items: list[Any] = value  # pyright: ignore[reportUnknownVariableType]
            problems: list[FieldError] = []
            for index, item in enumerate(items):
                problems += _unknown_in_value(spec.member, item, f"{path}[{index}]")
            return problems
        return []
    cls: Any = getattr(models, shape, None)
    if cls is not None and attrs.has(cls) and isinstance(value, Mapping):
        return unknown_members(cls, cast("Mapping[str, Any]", value), path)
    return []


def _members(cls: type[Any]) -> list[tuple[attrs.Attribute[Any], MemberInfo]]:
    return [(field, field.metadata[MEMBER_KEY]) for field in attrs.fields(cls)]
