"""Helpers for tests/airflow_tests: run a deferred task's trigger as the triggerer would."""

from __future__ import annotations

import asyncio
import importlib
import json
from typing import Any

from optjob_sdk.airflow._compat import TaskDeferred


def rebuilt(trigger: Any) -> Any:
    """The trigger as another machine's triggerer makes it: from its serialised class path
    and keyword arguments, after a trip through JSON (what Airflow's database keeps)."""
    classpath, kwargs = trigger.serialize()
    module, _, name = classpath.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    return cls(**json.loads(json.dumps(kwargs)))


def events(trigger: Any) -> list[dict[str, Any]]:
    """Every event the trigger's ``run`` yields, on a fresh event loop, to its end."""

    async def collect() -> list[dict[str, Any]]:
        return [event.payload async for event in trigger.run()]

    return asyncio.run(collect())


def resume(operator: Any, deferred: TaskDeferred, context: dict[str, Any]) -> Any:
    """Finish a deferred task: the rebuilt trigger's one event, to the method it named."""
    found = events(rebuilt(deferred.trigger))
    assert len(found) == 1, found
    return getattr(operator, deferred.method_name)(context, found[0], **(deferred.kwargs or {}))
