"""OptimizationJobTrigger: the deferrable wait, on the async client, over HTTP."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from af_support import events, rebuilt
from conftest import CONN_ID, POLL

from optjob_sdk import ValidationError
from optjob_sdk.airflow import OptimizationJobTrigger
from optjob_sdk.testing import Durations, FakeOptimizationService

pytestmark = pytest.mark.usefixtures("emulator_url")

NAME = "llama3-8b-awq-2026-11-24"


def trigger(**kwargs: Any) -> OptimizationJobTrigger:
    return OptimizationJobTrigger(**{"job_name": NAME, "aws_conn_id": CONN_ID, **POLL, **kwargs})


@pytest.fixture
def job(service: FakeOptimizationService) -> str:
    """A job just created on the service (as the operator does before deferring)."""
    from conftest import example

    from optjob_sdk.converter import to_dict
    from optjob_sdk.loading import load_request

    service.client().create_optimization_job(**to_dict(load_request(example())))
    return NAME


def test_it_serialises_to_kwargs_that_rebuild_it_elsewhere() -> None:
    original = trigger(region_name="eu-west-1", deadline=1_900_000_000.5, stop_on_kill=True)
    classpath, kwargs = original.serialize()
    assert classpath == "optjob_sdk.airflow.triggers.OptimizationJobTrigger"
    assert json.loads(json.dumps(kwargs)) == kwargs  # JSON as it is
    again = rebuilt(original)
    assert again.serialize() == (classpath, kwargs)
    assert kwargs == {
        "job_name": NAME,
        "aws_conn_id": CONN_ID,
        "region_name": "eu-west-1",
        "poll_interval": 0.2,
        "max_poll_interval": 0.4,
        "deadline": 1_900_000_000.5,
        "stop_on_kill": True,
    }


def test_wrong_arguments_fail_in_the_worker_not_the_triggerer() -> None:
    with pytest.raises(ValidationError, match="max_poll_interval"):
        trigger(poll_interval=10, max_poll_interval=1)
    with pytest.raises(ValidationError, match="optimization_job_name"):
        trigger(job_name="bad name")


def test_it_yields_one_success_event_with_the_description(
    job: str, service: FakeOptimizationService
) -> None:
    found = events(trigger())
    assert len(found) == 1
    event = found[0]
    assert event["status"] == "success"
    assert event["job_name"] == job
    assert event["description"]["OptimizationJobStatus"] == "COMPLETED"
    assert json.loads(json.dumps(event)) == event


def test_failed_and_stopped_events_carry_the_reason(
    job: str, service: FakeOptimizationService
) -> None:
    service.set_outcome(job, "FAILED", reason="ClientError: out of GPU memory")
    (event,) = events(trigger())
    assert event["status"] == "failed"
    assert "out of GPU memory" in event["message"]
    assert event["description"]["FailureReason"] == "ClientError: out of GPU memory"


def test_a_missing_job_is_an_error_event_not_a_crash(
    service: FakeOptimizationService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The waiter tolerates ResourceNotFound for a minute after a create (the service is
    # eventually consistent); shorten that minute.
    monkeypatch.setattr("optjob_sdk._waits.NOT_FOUND_GRACE", 0.5)
    (event,) = events(trigger(job_name="never-created"))
    assert event["status"] == "error"
    assert "never-created" in event["message"]
    assert event["description"] is None


def test_a_passed_deadline_is_a_timeout_event_with_the_last_description(
    job: str, service: FakeOptimizationService
) -> None:
    (event,) = events(trigger(deadline=time.time() - 1))
    assert event["status"] == "timeout"
    assert event["description"]["OptimizationJobStatus"] in ("STARTING", "INPROGRESS")
    assert service.calls("DescribeOptimizationJob") == 1


@pytest.mark.parametrize(
    "kind", ["throttle", "server_error", "unavailable", "drop", "garbage_timestamp"]
)
def test_it_rides_out_transient_faults(
    job: str, service: FakeOptimizationService, kind: str
) -> None:
    service.inject("DescribeOptimizationJob", kind, times=3)
    (event,) = events(trigger())
    assert event["status"] == "success"
    assert service.calls("DescribeOptimizationJob") >= 4


def test_it_never_blocks_the_triggerers_loop(job: str, service: FakeOptimizationService) -> None:
    # Every Describe takes 0.6 s to answer. A trigger that called or slept without
    # awaiting would hold the loop for that long; the heartbeat would see the gap.
    service.inject("DescribeOptimizationJob", "latency", seconds=0.6, times=None)
    service.set_outcome(job, "COMPLETED", durations=Durations(starting=0.3, in_progress=0.3))

    async def main() -> tuple[list[dict[str, Any]], float, int]:
        stop = asyncio.Event()
        gaps: list[float] = []

        async def heartbeat() -> None:
            last = time.monotonic()
            while not stop.is_set():
                await asyncio.sleep(0.02)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        beating = asyncio.create_task(heartbeat())
        found = [event.payload async for event in trigger().run()]
        stop.set()
        await beating
        return found, max(gaps), len(gaps)

    found, worst, beats = asyncio.run(main())
    assert found[0]["status"] == "success"
    assert service.calls("DescribeOptimizationJob") >= 2  # at least 1.2 s of answers
    # The loop went on beating all along: far more beats than Describes, no 0.6 s gap.
    assert beats > 20
    assert worst < 0.45, f"the loop was held for {worst:.2f} s"


def test_a_cancelled_trigger_yields_nothing_and_stays_cancelled(
    job: str, service: FakeOptimizationService
) -> None:
    service.set_outcome(job, "COMPLETED", durations=Durations(in_progress=3e6))  # weeks

    async def main() -> list[Any]:
        found: list[Any] = []

        async def consume() -> None:
            async for event in trigger().run():
                found.append(event)

        task = asyncio.create_task(consume())
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return found

    assert asyncio.run(main()) == []


@pytest.mark.parametrize("stop_on_kill", [True, False])
def test_on_kill_stops_the_job_only_when_asked(
    job: str, service: FakeOptimizationService, stop_on_kill: bool
) -> None:
    asyncio.run(trigger(stop_on_kill=stop_on_kill).on_kill())
    assert service.calls("StopOptimizationJob") == (1 if stop_on_kill else 0)
    status = service.client().describe_optimization_job(OptimizationJobName=job)
    assert (status["OptimizationJobStatus"] in ("STOPPING", "STOPPED")) is stop_on_kill


def test_status_changes_are_logged_without_secrets(
    service: FakeOptimizationService, caplog: pytest.LogCaptureFixture
) -> None:
    from conftest import example

    from optjob_sdk.converter import to_dict
    from optjob_sdk.loading import load_request

    secret = "hf_zyxwvutsrqponmlkjihgfedcba9876543210"
    request = load_request(example(OptimizationEnvironment={"HF_TOKEN": secret}))
    service.client().create_optimization_job(**to_dict(request))
    caplog.set_level("INFO")
    (event,) = events(trigger())
    assert event["status"] == "success"
    assert secret not in json.dumps(event)
    for status in ("STARTING", "INPROGRESS", "COMPLETED"):
        assert any(status in record.getMessage() for record in caplog.records), status
    assert secret not in caplog.text
