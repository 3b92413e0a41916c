"""Random sequences of create, stop, delete, advance and list, against a simple model."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from emulator_support import request
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from optjob_sdk.testing import Durations, FakeOptimizationService

NAMES = st.sampled_from(["a", "b", "c", "d"])
STARTING, IN_PROGRESS, STOPPING = 60.0, 1200.0, 30.0


class ModelJob:
    """The service, as simply as it can be said: a job's status from its timestamps."""

    def __init__(self, created: float) -> None:
        self.created = created
        self.stop_at: float | None = None

    def status(self, now: float) -> str:
        started = self.created + STARTING
        finished = started + IN_PROGRESS
        if self.stop_at is not None:
            return "STOPPED" if now >= self.stop_at + STOPPING else "STOPPING"
        if now < started:
            return "STARTING"
        return "INPROGRESS" if now < finished else "COMPLETED"


class EmulatorMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        start = datetime(2026, 1, 1, tzinfo=timezone.utc)
        self.service = FakeOptimizationService(
            start_time=start, durations=Durations(STARTING, IN_PROGRESS, STOPPING)
        )
        self.now = start.timestamp()
        self.jobs: dict[str, ModelJob] = {}

    def call(self, operation: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        answer = self.service.handle(f"SageMaker.{operation}", json.dumps(params).encode())
        return answer.status, json.loads(answer.body)

    @rule(name=NAMES)
    def create(self, name: str) -> None:
        status, body = self.call("CreateOptimizationJob", request(name))
        if name in self.jobs:
            assert (status, body["__type"]) == (400, "ResourceInUse")
        else:
            assert status == 200
            self.jobs[name] = ModelJob(self.now)

    @rule(name=NAMES)
    def stop(self, name: str) -> None:
        status, body = self.call("StopOptimizationJob", {"OptimizationJobName": name})
        job = self.jobs.get(name)
        if job is None:
            assert body["__type"] == "ResourceNotFound"
        elif job.status(self.now) in ("STARTING", "INPROGRESS"):
            assert status == 200
            job.stop_at = self.now
        else:
            assert body["__type"] == "ValidationException"

    @rule(name=NAMES)
    def delete(self, name: str) -> None:
        status, body = self.call("DeleteOptimizationJob", {"OptimizationJobName": name})
        if name in self.jobs:
            assert status == 200
            del self.jobs[name]
        else:
            assert body["__type"] == "ResourceNotFound"

    @rule(seconds=st.sampled_from([1.0, 29.0, 30.0, 59.0, 60.0, 600.0, 1199.0, 1200.0, 5000.0]))
    def advance(self, seconds: float) -> None:
        self.service.advance(seconds)
        self.now += seconds

    @rule(size=st.integers(1, 3))
    def list_in_pages(self, size: int) -> None:
        seen: list[str] = []
        token: str | None = None
        while True:
            params: dict[str, Any] = {
                "MaxResults": size,
                "SortBy": "Name",
                "SortOrder": "Ascending",
            }
            if token:
                params["NextToken"] = token
            status, body = self.call("ListOptimizationJobs", params)
            assert status == 200
            for summary in body["OptimizationJobSummaries"]:
                seen.append(summary["OptimizationJobName"])
                expected = self.jobs[summary["OptimizationJobName"]].status(self.now)
                assert summary["OptimizationJobStatus"] == expected
            token = body.get("NextToken")
            if not token:
                break
        assert seen == sorted(self.jobs)

    @invariant()
    def descriptions_match(self) -> None:
        for name, job in self.jobs.items():
            status, body = self.call("DescribeOptimizationJob", {"OptimizationJobName": name})
            assert status == 200
            assert body["OptimizationJobStatus"] == job.status(self.now)
            assert body["LastModifiedTime"] <= self.now


EmulatorMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
TestEmulatorMachine = EmulatorMachine.TestCase
