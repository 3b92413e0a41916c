"""A scripted job under a fake clock: describe() answers from a timeline, sleep() moves time."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs

from examples import EXAMPLES
from optjob_sdk import DescribeOptimizationJobResponse, from_dict

EXAMPLE = EXAMPLES / "describe-completed.json"
CREATED = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)


@functools.cache
def _example() -> DescribeOptimizationJobResponse:
    return from_dict(DescribeOptimizationJobResponse, json.loads(EXAMPLE.read_text()))


def description(
    status: str, *, reason: str | None = None, at: float = 0.0
) -> DescribeOptimizationJobResponse:
    """describe-completed.json, with this status, created at CREATED, modified ``at`` s later."""
    return attrs.evolve(
        _example(),
        optimization_job_status=status,
        failure_reason=reason,
        creation_time=CREATED,
        last_modified_time=CREATED + timedelta(seconds=at),
    )


class Script:
    """A job whose status follows ``timeline`` [(from_second, status or exception), ...]."""

    def __init__(self, timeline: list[tuple[float, Any]], *, reason: str | None = None) -> None:
        self.timeline = sorted(timeline, key=lambda item: item[0])
        self.reason = reason
        self.now = 0.0
        self.calls: list[float] = []
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    def describe(self, name: str) -> DescribeOptimizationJobResponse:
        self.calls.append(self.now)
        current: Any = None
        for start, what in self.timeline:
            if self.now >= start:
                current = what
        if isinstance(current, BaseException):
            raise current
        if callable(current):
            return current(self.now)  # type: ignore[no-any-return]
        return description(str(current), reason=self.reason, at=self.now)


def failing(make: Callable[[], BaseException]) -> Callable[[float], Any]:
    def raise_it(_: float) -> Any:
        raise make()

    return raise_it
