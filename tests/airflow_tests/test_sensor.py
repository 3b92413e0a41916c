"""OptimizationJobSensor: poke and deferrable, against the emulator over HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
from af_support import resume
from conftest import CONN_ID, context, example

from optjob_sdk import ValidationError
from optjob_sdk.airflow import OptimizationJobSensor, OptimizationJobTrigger
from optjob_sdk.airflow._compat import AirflowFailException, AirflowSensorTimeout, TaskDeferred
from optjob_sdk.converter import to_dict
from optjob_sdk.loading import load_request
from optjob_sdk.testing import FakeOptimizationService

pytestmark = pytest.mark.usefixtures("emulator_url")

NAME = "llama3-8b-awq-2026-11-24"


@pytest.fixture
def job(service: FakeOptimizationService) -> str:
    """A job created by something else (another DAG, a notebook)."""
    service.client().create_optimization_job(**to_dict(load_request(example())))
    return NAME


def sensor(**kwargs: Any) -> OptimizationJobSensor:
    return OptimizationJobSensor(
        **{
            "task_id": "wait",
            "job_name": NAME,
            "aws_conn_id": CONN_ID,
            "poke_interval": 0.2,
            **kwargs,
        }
    )


def test_poke_is_false_while_the_job_runs_then_true(
    job: str, service: FakeOptimizationService
) -> None:
    probe = sensor(deferrable=False)
    seen = [probe.poke(context())]  # STARTING
    service.advance(1.5)
    seen.append(probe.poke(context()))  # INPROGRESS
    service.advance(10)
    seen.append(probe.poke(context()))  # COMPLETED
    assert seen == [False, False, True]
    assert all(type(value) is bool for value in seen)
    assert service.calls("DescribeOptimizationJob") == 3


@pytest.mark.parametrize(
    ("outcome", "words"), [("FAILED", "out of memory"), ("STOPPED", "STOPPED")]
)
def test_poke_fails_the_task_when_the_job_ends_badly(
    job: str, service: FakeOptimizationService, outcome: str, words: str
) -> None:
    service.set_outcome(
        job, outcome, reason="ClientError: out of memory" if outcome == "FAILED" else None
    )
    service.advance(3600)  # ended long ago
    with pytest.raises(AirflowFailException, match=words):
        sensor(deferrable=False).poke(context())


def test_poke_rides_out_a_transient_fault(job: str, service: FakeOptimizationService) -> None:
    service.advance(3600)
    service.inject("DescribeOptimizationJob", "throttle", times=None)
    probe = sensor(deferrable=False)
    # botocore's own retries give up first; the poke then says "not yet", not "failed".
    assert probe.poke(context()) is False
    service.clear_faults()
    assert probe.poke(context()) is True


def test_the_poke_mode_sensor_returns_the_description(
    job: str, service: FakeOptimizationService
) -> None:
    service.advance(3600)  # Airflow's own pause between pokes is real: ended before the first
    result = sensor(deferrable=False, timeout=30).execute(context())
    assert result["OptimizationJobStatus"] == "COMPLETED"
    assert json.loads(json.dumps(result)) == result


def test_the_deferrable_sensor_defers_then_returns_the_description(
    job: str, service: FakeOptimizationService
) -> None:
    probe = sensor(deferrable=True, timeout=60)
    with pytest.raises(TaskDeferred) as deferred:
        probe.execute(context())
    assert service.calls("DescribeOptimizationJob") == 1  # one poke, then the triggerer
    trigger = deferred.value.trigger
    assert isinstance(trigger, OptimizationJobTrigger)
    _, kwargs = trigger.serialize()
    assert kwargs["stop_on_kill"] is False  # the sensor did not start the job
    assert kwargs["poll_interval"] == 0.2
    result = resume(probe, deferred.value, context())
    assert result["OptimizationJobStatus"] == "COMPLETED"


def test_a_deferrable_sensor_on_an_ended_job_does_not_defer(
    job: str, service: FakeOptimizationService
) -> None:
    service.advance(3600)
    result = sensor(deferrable=True).execute(context())
    assert result["OptimizationJobStatus"] == "COMPLETED"


def test_the_deferred_sensors_timeout_is_a_sensor_timeout(job: str) -> None:
    probe = sensor(deferrable=True, timeout=0.3)
    with pytest.raises(TaskDeferred) as deferred:
        probe.execute(context())
    with pytest.raises(AirflowSensorTimeout, match="gave up waiting"):
        resume(probe, deferred.value, context())


def test_the_sensor_never_stops_the_job(job: str, service: FakeOptimizationService) -> None:
    probe = sensor(deferrable=False)
    probe.poke(context())
    probe.on_kill()
    assert service.calls("StopOptimizationJob") == 0


def test_a_bad_job_name_fails_the_poke_and_sends_nothing(service: FakeOptimizationService) -> None:
    with pytest.raises(ValidationError, match="optimization_job_name"):
        sensor(job_name="not a job name!").poke(context())
    assert service.calls() == 0
