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


def run_in_pty(program: str, *, columns: int | None = None) -> tuple[int, str, str]:
    """Run ``python -c program`` with its stderr on a pseudo-terminal (``columns`` wide, if
    given; COLUMNS unset, so the terminal's own size counts). Returns the exit status, the
    child's stdout, and what it drew on the terminal (the pty's ``\\r\\n`` made ``\\n``)."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    leader, follower = pty.openpty()
    if columns is not None:
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    child = subprocess.Popen(
        [sys.executable, "-c", program],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
        env={key: value for key, value in os.environ.items() if key != "COLUMNS"},
    )
    os.close(follower)
    stdout, _ = child.communicate(timeout=60)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the pty's other end is closed: all read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    terminal = b"".join(chunks).decode().replace("\r\n", "\n")
    return child.returncode, stdout.decode(), terminal
