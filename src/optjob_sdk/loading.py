"""Load a CreateOptimizationJob request from a JSON or YAML file, or from a mapping.

The shape is the AWS CLI's ``--cli-input-json`` (PascalCase members), so a file that
``aws sagemaker create-optimization-job --cli-input-json file://job.json`` takes is one this
takes too. Loading is strict: a value of the wrong type, a member the request has no place
for (with a did-you-mean) and every constraint of the service model are checked in one
pass, and one :class:`~optjob_sdk.ValidationError` lists every problem.

>>> from optjob_sdk import load_request
>>> load_request({"OptimizationJobNme": "x", "RoleArn": 12})
Traceback (most recent call last):
...
optjob_sdk.errors.ValidationError: 8 problems in the request:
  - unknown member 'OptimizationJobNme' (did you mean 'OptimizationJobName'?)
  - role_arn: must be a string, not an integer
  - optimization_job_name: is required
  - model_source: is required
  - deployment_instance_type: is required
  - optimization_configs: is required
  - output_config: is required
  - stopping_condition: is required
"""

from __future__ import annotations

import functools
import importlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Final, cast

from optjob_sdk._structure import structure
from optjob_sdk.errors import FieldError, ValidationError
from optjob_sdk.models import CreateOptimizationJobRequest

__all__ = ["MAX_FILE_BYTES", "MAX_VALUES", "DocumentError", "load_request"]

#: The largest request file read. A real request is a few KB: ten configs with full
#: 25-entry environments stay well under 200 KB.
MAX_FILE_BYTES: Final = 1_000_000

#: The most values (scalars, lists and maps, counted as YAML aliases expand them) a document
#: may hold. A real request holds a few hundred; a "billion laughs" alias bomb of 366 bytes
#: expands to billions, and is refused here before anything walks it.
MAX_VALUES: Final = 100_000

YAML_HINT: Final = "pip install 'optjob-sdk[yaml]'"


class DocumentError(Exception):
    """Why a file cannot be read as a request at all (the ``__cause__`` of the
    :class:`~optjob_sdk.ValidationError`); its text completes "``<file>`` ...".
    """


def load_request(
    source: str | os.PathLike[str] | IO[bytes] | IO[str] | Mapping[str, Any],
) -> CreateOptimizationJobRequest:
    """The request in ``source``, checked completely; nothing is sent.

    ``source`` is a path (``.json``; ``.yaml``/``.yml`` with the ``yaml`` extra; any other
    name is JSON if it starts with ``{``), an open binary file, or a mapping in the AWS
    CLI's ``--cli-input-json`` shape. Raises :class:`~optjob_sdk.ValidationError` listing
    every problem (including a file that is not JSON/YAML, too large, too deeply nested),
    and :class:`OSError` when the file cannot be read at all. An unknown enum value (an
    instance type newer than this SDK) is a warning, not an error.
    """
    if isinstance(source, Mapping):
        data: Any = source
        subject = "request"
    else:
        label = _label(source)
        subject = f"request in {label}"
        try:
            data = _read_document(source, label)
        except DocumentError as refused:
            raise ValidationError(
                [FieldError("", f"the file {refused}")], subject=subject
            ) from refused
    result: CreateOptimizationJobRequest = structure(
        CreateOptimizationJobRequest, data, strict=True, subject=subject
    )
    return result


def _label(source: str | os.PathLike[str] | IO[bytes] | IO[str]) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    name = getattr(source, "name", None)
    if name in ("<stdin>", 0):
        return "standard input"
    return str(name) if isinstance(name, str) else "the file"


def _read_document(source: str | os.PathLike[str] | IO[bytes] | IO[str], label: str) -> Any:
    # Read at most one byte past the cap: /dev/zero or a 24 MB file is refused at once.
    raw: bytes | str
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
        name = os.fspath(source)
    else:
        raw = source.read(MAX_FILE_BYTES + 1)
        name = label
    if len(raw) > MAX_FILE_BYTES:
        raise DocumentError(
            f"is larger than {MAX_FILE_BYTES:,} bytes, and a request is a few KB "
            "(is this the right file?)"
        )
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DocumentError(
                f"is not UTF-8 text ({error.reason} at byte {error.start:,})"
            ) from None
    else:
        text = raw
    suffix = Path(name).suffix.lower()
    is_yaml = suffix in (".yaml", ".yml") or (
        suffix != ".json" and not text.lstrip().startswith("{")
    )
    # Both parsers fail these two ways on hostile input; their own syntax errors they
    # report themselves (as DocumentError, which is not a ValueError).
    try:
        data: Any = _parse_yaml(text) if is_yaml else _parse_json(text)
    except RecursionError:
        raise DocumentError("is not a request: nested too deeply") from None
    except ValueError:  # an integer past sys.get_int_max_str_digits()
        raise DocumentError(
            "is not a request: it holds a number of more than 4,300 digits"
        ) from None
    if not isinstance(data, Mapping):
        kind = "nothing" if data is None else f"a {type(data).__name__}"
        raise DocumentError(f"must hold one object (the request), not {kind}")
    return cast("Mapping[str, Any]", data)


class _Duplicate(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal keys, silently; a request file that says
    # "AcceptEula" twice is refused instead.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return result


# Messages quote positions, never content: the offending line may hold a token.


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as error:
        raise DocumentError(
            f"is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except _Duplicate as duplicate:
        raise DocumentError(
            f"is not a request: member {duplicate.args[0]!r} appears twice in one object"
        ) from None


def _parse_yaml(text: str) -> Any:
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError:
        raise DocumentError(
            "is YAML, and reading YAML needs PyYAML, which is not installed: "
            f"{YAML_HINT} (or give the request as JSON)"
        ) from None
    try:
        data = yaml.load(text, Loader=_yaml_loader(yaml))  # a safe loader (no Python objects)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise DocumentError(f"is not valid YAML: {error.problem}{where}") from None
    except yaml.YAMLError as error:
        raise DocumentError(f"is not valid YAML ({type(error).__name__})") from None
    _count_values(data)
    return data


@functools.cache
def _yaml_loader(yaml: Any) -> Any:
    """PyYAML's safe loader (the C one when PyYAML has libyaml: about ten times faster),
    refusing a mapping that gives one key twice (PyYAML keeps the last one, silently)."""
    base: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

    class StrictLoader(base):  # type: ignore[misc]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[tuple[str, str]] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None,
                            None,
                            f"member {key_node.value!r} appears twice in one mapping",
                            key_node.start_mark,
                        )
                    seen.add(key)
            return base.construct_mapping(self, node, deep=deep)

    return StrictLoader


def _count_values(data: Any) -> None:
    """Refuse a document whose values, aliases expanded, number more than MAX_VALUES.

    YAML aliases make a small file a huge (or cyclic) tree; counting each visit, with a
    budget, finds that in bounded time without building anything.
    """
    budget = MAX_VALUES
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        budget -= 1
        if budget < 0:
            raise DocumentError(
                f"is not a request: it holds more than {MAX_VALUES:,} values "
                "(YAML aliases expand to that many, or refer to themselves)"
            )
        if isinstance(item, dict):
            stack.extend(item.keys())  # pyright: ignore[reportUnknownArgumentType]
            stack.extend(item.values())  # pyright: ignore[reportUnknownArgumentType]
        elif isinstance(item, list):
            stack.extend(item)  # pyright: ignore[reportUnknownArgumentType]
