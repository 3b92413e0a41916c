"""``client.wait_many`` / ``client.as_completed`` end to end: a real boto3 client (retries
off) against the emulator, in-process and over HTTP, on its virtual clock, with faults."""

from __future__ import annotations

import json
import logging
import random
from collections import Counter

import pytest

from examples import EXAMPLES
from optjob_sdk import (
    CreateOptimizationJobRequest,
    JobNotFoundError,
    OptimizationJobClient,
    WaitTimeoutError,
    from_dict,
)
from optjob_sdk.testing import Durations, FakeOptimizationService

SECRET = "hf_sweepSecretValue0123456789"


def request(name: str) -> CreateOptimizationJobRequest:
    data = json.loads((EXAMPLES / "awq-quantization.json").read_text())
    data["OptimizationJobName"] = name
    data["StoppingCondition"] = {"MaxRuntimeInSeconds": 36000}
    data.setdefault("OptimizationEnvironment", {})["HF_TOKEN"] = SECRET
    return from_dict(CreateOptimizationJobRequest, data)


def sweep(
    client: OptimizationJobClient, service: FakeOptimizationService, count: int, prefix: str
) -> dict[str, str]:
    """Create ``count`` jobs, each with its own duration; some FAILED, some STOPPED.
    Returns each job's planned end."""
    rng = random.Random(count)
    planned: dict[str, str] = {}
    for i in range(count):
        name = f"{prefix}-{i:03d}"
        outcome = "FAILED" if i % 9 == 4 else "STOPPED" if i % 13 == 6 else "COMPLETED"
        service.set_outcome(
            name,
            outcome,
            reason="ClientError: CUDA out of memory" if outcome == "FAILED" else None,
            durations=Durations(in_progress=rng.uniform(600, 4 * 3600)),
        )
        client.create(request(name))
        planned[name] = outcome
    return planned


def calls(service: FakeOptimizationService) -> dict[str, int]:
    return {
        operation: service.calls(operation)
        for operation in ("ListOptimizationJobs", "DescribeOptimizationJob")
    }


def test_a_sweep_ends_with_every_job_and_costs_a_few_calls_a_round(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    planned = sweep(client, service, 120, "llama3-8b-sweep")
    before = calls(service)
    log_start = len(service.call_log)
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        service.advance(seconds)

    result = client.wait_many(list(planned), sleep=sleep, clock=service.monotonic, progress=False)
    assert list(result) == list(planned)
    assert {name: str(job.optimization_job_status) for name, job in result.items()} == planned
    for name, job in result.items():
        if planned[name] == "FAILED":
            assert job.failure_reason == "ClientError: CUDA out of memory"
        if planned[name] == "COMPLETED":
            assert job.optimization_output is not None
        assert job.optimization_end_time is not None
        delay = (service.now - job.optimization_end_time).total_seconds()
        assert delay >= 0
    spent = {op: n - before[op] for op, n in calls(service).items()}
    rounds = len(pauses) + 1
    # One Describe per job (its end), except the last one left, which costs what a single
    # waiter costs; and at most two List calls a round (120 jobs).
    described = Counter(
        params["OptimizationJobName"]
        for operation, params in service.call_log[log_start:]
        if operation == "DescribeOptimizationJob"
    )
    last = max(result, key=lambda name: result[name].optimization_end_time or service.now)
    assert {name: count for name, count in described.items() if name != last} == {
        name: 1 for name in planned if name != last
    }
    assert spent["ListOptimizationJobs"] <= 2 * rounds
    # One waiter per job would describe each job every round it runs: at least this many.
    assert sum(spent.values()) * 10 < rounds * len(planned) / 2


def test_as_completed_streams_each_end_once_as_it_is_seen(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    planned = sweep(client, service, 12, "qwen-sweep")
    seen: list[tuple[str, float]] = []
    for job in client.as_completed(
        planned, sleep=service.advance, clock=service.monotonic, progress=False
    ):
        assert job.optimization_end_time is not None
        delay = (service.now - job.optimization_end_time).total_seconds()
        assert 0 <= delay <= 120 + 1e-3  # within one spacing of its end
        seen.append((job.optimization_job_name, service.monotonic()))
    assert sorted(name for name, _ in seen) == sorted(planned)
    assert [at for _, at in seen] == sorted(at for _, at in seen)


def test_throttling_and_5xx_are_ridden_out(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    planned = sweep(client, service, 30, "noisy")
    service.inject("ListOptimizationJobs", "throttle", times=None, rate=0.3, seed=1)
    service.inject("DescribeOptimizationJob", "server_error", times=None, rate=0.2, seed=2)
    service.inject("ListOptimizationJobs", "garbage_timestamp", times=3)
    result = client.wait_many(
        planned, sleep=service.advance, clock=service.monotonic, progress=False
    )
    assert {name: str(job.optimization_job_status) for name, job in result.items()} == planned


def test_the_deadline_names_the_running_jobs_and_keeps_the_ended(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    planned = sweep(client, service, 10, "short-on-time")
    start = service.monotonic()
    with pytest.raises(WaitTimeoutError) as raised:
        client.wait_many(
            planned, timeout=3600, sleep=service.advance, clock=service.monotonic, progress=False
        )
    error = raised.value
    assert service.monotonic() - start <= 3600 + 1e-6
    assert error.ended, "some jobs end within the hour"
    assert error.names, "some do not"
    assert set(error.ended) | set(error.names) == set(planned)
    assert list(error.names) == [name for name in planned if name not in error.ended]
    for name in error.names:
        assert client.describe(name).optimization_job_status in {"STARTING", "INPROGRESS"}
    assert "still running" in str(error)


def test_a_name_never_created_is_not_found_after_the_grace(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    planned = sweep(client, service, 5, "real")
    start = service.monotonic()
    with pytest.raises(JobNotFoundError, match="'typo-job' did not appear within 60s"):
        client.wait_many(
            [*planned, "typo-job"], sleep=service.advance, clock=service.monotonic, progress=False
        )
    assert service.monotonic() - start == pytest.approx(60.0)


def test_secrets_stay_out_of_the_logs(
    client: OptimizationJobClient,
    service: FakeOptimizationService,
    caplog: pytest.LogCaptureFixture,
) -> None:
    planned = sweep(client, service, 6, "secretive")
    with caplog.at_level(logging.DEBUG):
        client.wait_many(planned, sleep=service.advance, clock=service.monotonic, progress=False)
    assert "DescribeOptimizationJob" in caplog.text  # botocore's and the SDK's DEBUG lines
    assert SECRET not in caplog.text


def test_listings_that_lag_cost_no_burst_of_describes_and_lose_no_end(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    service.list_lag = 20.0  # listings show the account as it was 20 s ago
    planned = sweep(client, service, 60, "lagging")  # created just now: not listed yet
    start = len(service.call_log)
    ends: dict[str, float] = {}
    for job in client.as_completed(
        planned, sleep=service.advance, clock=service.monotonic, progress=False
    ):
        assert job.optimization_end_time is not None
        ends[job.optimization_job_name] = (service.now - job.optimization_end_time).total_seconds()
    assert set(ends) == set(planned)
    # An end is seen at most one lag plus one spacing after it.
    assert max(ends.values()) <= 20.0 + 120.0 + 1e-3
    calls = service.call_log[start:]
    described = Counter(
        params["OptimizationJobName"]
        for operation, params in calls
        if operation == "DescribeOptimizationJob"
    )
    # Jobs too new to be listed are not ended: no Describe for them in the first rounds;
    # one per end (the last job left is polled alone, as a single waiter would).
    last = list(ends)[-1]  # the order they were yielded in
    more = {name: count for name, count in described.items() if count > 1 and name != last}
    assert more == {}
