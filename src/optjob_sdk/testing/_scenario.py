"""Scenario files: job outcomes and faults for an emulator, written down instead of coded.

What ``optjob emulator --scenario FILE`` and :meth:`FakeOptimizationService.load_scenario`
read (JSON; YAML with PyYAML installed)::

    {
      "durations": {"starting": 5, "in_progress": 60, "stopping": 5},
      "jobs": [
        {"name": "sweep-*-bad", "outcome": "FAILED", "reason": "ClientError: out of memory"},
        {"name": "nightly", "outcome": "STOPPED", "durations": {"in_progress": 10}}
      ],
      "faults": [
        {"operation": "DescribeOptimizationJob", "kind": "throttle", "times": 2},
        {"operation": "*", "kind": "latency", "seconds": 0.2, "times": null, "rate": 0.5}
      ],
      "list_lag": 5
    }

The check is strict: an unknown key, a value of the wrong type, or one out of range is a
:class:`ScenarioError` whose one-line message names the place (``faults[1].kind``).
"""

from __future__ import annotations

import difflib
import importlib
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

from optjob_sdk.testing._service import FAULT_KINDS, OPERATIONS, Durations

if TYPE_CHECKING:
    from optjob_sdk.testing._service import FakeOptimizationService

__all__ = ["Scenario", "ScenarioError", "load_scenario"]

#: A scenario file is a few rules; anything larger is a mistake (or an attack).
MAX_FILE_BYTES: Final = 1024 * 1024
MAX_RULES: Final = 1000
_OUTCOMES: Final = ("COMPLETED", "FAILED", "STOPPED")
_DURATIONS: Final = ("starting", "in_progress", "stopping")


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message is one line and names the place."""


@dataclass(frozen=True)
class _JobRule:
    name: str
    outcome: str
    reason: str | None
    durations: dict[str, float]


@dataclass(frozen=True)
class _FaultRule:
    operation: str
    kind: str
    times: int | None
    rate: float
    seconds: float
    seed: int | None


@dataclass(frozen=True)
class Scenario:
    """A checked scenario; :meth:`apply` sets it up on a service."""

    durations: dict[str, float]
    jobs: tuple[_JobRule, ...]
    faults: tuple[_FaultRule, ...]
    list_lag: float | None = None  # None: the service's own stays

    def apply(self, service: FakeOptimizationService) -> None:
        """Set the default durations, the job outcomes, the faults and the list lag on
        ``service``."""
        base = Durations(**{**_as_dict(service.durations), **self.durations})
        service.durations = base
        for job in self.jobs:
            durations = Durations(**{**_as_dict(base), **job.durations}) if job.durations else None
            service.set_outcome(job.name, job.outcome, reason=job.reason, durations=durations)
        for fault in self.faults:
            service.inject(
                fault.operation,
                fault.kind,
                times=fault.times,
                rate=fault.rate,
                seconds=fault.seconds,
                seed=fault.seed,
            )
        if self.list_lag is not None:
            service.list_lag = self.list_lag


def _as_dict(durations: Durations) -> dict[str, float]:
    return {name: getattr(durations, name) for name in _DURATIONS}


def load_scenario(source: str | os.PathLike[str] | Mapping[str, Any]) -> Scenario:
    """Read and check a scenario: a path (``.yaml``/``.yml`` as YAML, else JSON) or a mapping.

    Raises :class:`ScenarioError` (one line, naming the file and the place) for anything
    wrong with it, and OSError when the file cannot be read.
    """
    if isinstance(source, Mapping):
        return _check(source, "scenario")
    path = Path(source)
    with path.open("rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(f"{path}: larger than {MAX_FILE_BYTES} bytes; not a scenario")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {error.start})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        data = _parse_yaml(text, path)
    else:
        data = _parse_json(text, path)
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{path}: a scenario is a mapping, not {_kind(data)}")
    return _check(cast("Mapping[str, Any]", data), str(path))


def _parse_json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        # The position, never the text: the file is the user's.
        raise ScenarioError(
            f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except (ValueError, RecursionError):
        raise ScenarioError(
            f"{path}: not valid JSON (nested too deep or a number too long)"
        ) from None


def _parse_yaml(text: str, path: Path) -> Any:
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError:
        raise ScenarioError(
            f"{path}: reading YAML needs PyYAML (pip install 'optjob-sdk[yaml]'), "
            "or write the scenario as JSON"
        ) from None
    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    try:
        return yaml.load(text, Loader=loader)  # a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(f"{path}: not valid YAML{where}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: not valid YAML (nested too deep)") from None


# -- the check ------------------------------------------------------------------------------


def _kind(value: Any) -> str:
    """What ``value`` is, for messages: scalars shown (shortened), containers named."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        text = repr(value)
        return text if len(text) <= 30 else text[:30] + "..."
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:40] + "...")
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _fail(where: str, problem: str) -> ScenarioError:
    return ScenarioError(f"{where}: {problem}")


def _keys(data: Mapping[str, Any], where: str, allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _fail(where, f"unknown key {_kind(key)}{hint}; known: {', '.join(allowed)}")


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(where, f"must be a mapping, not {_kind(value)}")
    return cast("Mapping[str, Any]", value)


def _rules(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise _fail(where, f"must be a list, not {_kind(value)}")
    items = cast("list[object]", value)
    if len(items) > MAX_RULES:
        raise _fail(where, f"at most {MAX_RULES} entries, not {len(items)}")
    return items


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(where, f"must be a number, not {_kind(value)}")
    if not math.isfinite(value) or value < 0:
        raise _fail(where, f"must be a finite number of at least 0, not {_kind(value)}")
    return float(value)


def _choice(value: Any, where: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        close = (
            difflib.get_close_matches(str(value), choices, n=1) if isinstance(value, str) else []
        )
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise _fail(where, f"{_kind(value)} is not one of {', '.join(choices)}{hint}")
    return value


def _durations(value: Any, where: str) -> dict[str, float]:
    data = _mapping(value, where)
    _keys(data, where, _DURATIONS)
    return {key: _number(item, f"{where}.{key}") for key, item in data.items()}


def _check(data: Mapping[str, Any], label: str) -> Scenario:
    _keys(data, label, ("durations", "jobs", "faults", "list_lag"))
    durations = _durations(data["durations"], f"{label}: durations") if "durations" in data else {}
    jobs = [
        _job(item, f"{label}: jobs[{index}]")
        for index, item in enumerate(_rules(data.get("jobs", []), f"{label}: jobs"))
    ]
    names = [job.name for job in jobs]
    for name in names:
        if names.count(name) > 1:
            raise _fail(f"{label}: jobs", f"{name!r} appears more than once")
    faults = [
        _fault(item, f"{label}: faults[{index}]")
        for index, item in enumerate(_rules(data.get("faults", []), f"{label}: faults"))
    ]
    lag = _number(data["list_lag"], f"{label}: list_lag") if "list_lag" in data else None
    return Scenario(durations, tuple(jobs), tuple(faults), lag)


def _job(value: Any, where: str) -> _JobRule:
    from optjob_sdk.testing._service import is_job_name_or_pattern

    data = _mapping(value, where)
    _keys(data, where, ("name", "outcome", "reason", "durations"))
    for key in ("name", "outcome"):
        if key not in data:
            raise _fail(where, f"{key!r} is required")
    name = data["name"]
    if not isinstance(name, str) or not is_job_name_or_pattern(name):
        raise _fail(
            f"{where}.name",
            f"{_kind(name)} is neither a job name nor a glob pattern (such as 'sweep-*')",
        )
    outcome = _choice(data["outcome"], f"{where}.outcome", _OUTCOMES)
    reason = data.get("reason")
    if reason is not None:
        if outcome != "FAILED":
            raise _fail(f"{where}.reason", f"only a FAILED outcome has a reason, not {outcome}")
        if not isinstance(reason, str) or not reason or len(reason) > 1024:
            raise _fail(
                f"{where}.reason", f"must be text of 1 to 1024 characters, not {_kind(reason)}"
            )
    durations = _durations(data["durations"], f"{where}.durations") if "durations" in data else {}
    return _JobRule(name, outcome, reason, durations)


def _fault(value: Any, where: str) -> _FaultRule:
    data = _mapping(value, where)
    _keys(data, where, ("operation", "kind", "times", "rate", "seconds", "seed"))
    for key in ("operation", "kind"):
        if key not in data:
            raise _fail(where, f"{key!r} is required")
    operation = _choice(data["operation"], f"{where}.operation", ("*", *OPERATIONS))
    kind = _choice(data["kind"], f"{where}.kind", FAULT_KINDS)
    times = data.get("times", 1)
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise _fail(
            f"{where}.times",
            f"must be a whole number of at least 1, or null (every call), not {_kind(times)}",
        )
    rate = _number(data.get("rate", 1.0), f"{where}.rate")
    if rate > 1:
        raise _fail(f"{where}.rate", f"is a share of calls, from 0 to 1, not {_kind(data['rate'])}")
    if "seconds" in data and kind != "latency":
        raise _fail(f"{where}.seconds", f"only a latency fault has seconds, not {kind}")
    if "seconds" not in data and kind == "latency":
        raise _fail(where, "a latency fault needs 'seconds' (the delay before answering)")
    seconds = _number(data.get("seconds", 0.0), f"{where}.seconds")
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise _fail(f"{where}.seed", f"must be a whole number, not {_kind(seed)}")
    return _FaultRule(operation, kind, times, rate, seconds, seed)
