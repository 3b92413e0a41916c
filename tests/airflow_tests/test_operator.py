"""OptimizationJobOperator against the emulator over HTTP, through an Airflow connection."""

from __future__ import annotations

import json
import math
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from af_support import resume
from conftest import CONN_ID, POLL, context, example

from optjob_sdk import ValidationError, load_request
from optjob_sdk.airflow import OptimizationJobOperator, OptimizationJobTrigger
from optjob_sdk.airflow._compat import AirflowException, AirflowFailException, TaskDeferred
from optjob_sdk.testing import Durations, FakeOptimizationService

pytestmark = pytest.mark.usefixtures("emulator_url")

NAME = "llama3-8b-awq-2026-11-24"


def operator(request: Any = None, **kwargs: Any) -> OptimizationJobOperator:
    kwargs = {"aws_conn_id": CONN_ID, **POLL, **kwargs}
    return OptimizationJobOperator(
        task_id="optimize", request=example() if request is None else request, **kwargs
    )


def run_to_the_end(op: OptimizationJobOperator) -> Any:
    """The task's outcome, whether it waits in the worker or defers."""
    try:
        return op.execute(context())
    except TaskDeferred as deferred:
        return resume(op, deferred, context())


def test_execute_defers_then_the_rebuilt_trigger_finishes_the_task(
    service: FakeOptimizationService,
) -> None:
    op = operator(deferrable=True)
    with pytest.raises(TaskDeferred) as deferred:
        op.execute(context())
    # Deferred right after the create: the worker waited for nothing.
    assert service.calls("CreateOptimizationJob") == 1
    assert service.calls("DescribeOptimizationJob") == 0
    trigger = deferred.value.trigger
    assert isinstance(trigger, OptimizationJobTrigger)
    assert deferred.value.method_name == "execute_complete"
    _, kwargs = trigger.serialize()
    assert kwargs["job_name"] == NAME
    assert kwargs["aws_conn_id"] == CONN_ID
    assert kwargs["stop_on_kill"] is True

    result = resume(op, deferred.value, context())

    assert result["OptimizationJobName"] == NAME
    assert result["OptimizationJobStatus"] == "COMPLETED"
    assert result["OptimizationJobArn"].endswith(f":optimization-job/{NAME}")
    assert result["OptimizationOutput"]  # what a downstream task compares
    # JSON-ready as it is: Airflow stores it as the XCom value.
    assert json.loads(json.dumps(result)) == result
    assert datetime.fromisoformat(result["CreationTime"]).tzinfo is not None


def test_the_non_deferrable_path_completes_in_the_worker(service: FakeOptimizationService) -> None:
    op = operator(deferrable=False)
    result = op.execute(context())
    assert result["OptimizationJobStatus"] == "COMPLETED"
    assert service.calls("CreateOptimizationJob") == 1
    # The SDK's schedule: a Describe per poll, polls spaced out (1.5 s of job, 0.2-0.4 s).
    assert 2 <= service.calls("DescribeOptimizationJob") <= 12


@pytest.mark.parametrize("deferrable", [True, False])
def test_a_failed_job_fails_the_task_with_the_reason_and_no_retry(
    service: FakeOptimizationService, deferrable: bool
) -> None:
    service.set_outcome(NAME, "FAILED", reason="ClientError: the model is not AWQ-compatible")
    with pytest.raises(AirflowFailException, match="not AWQ-compatible") as failed:
        run_to_the_end(operator(deferrable=deferrable))
    assert "FAILED" in str(failed.value)


@pytest.mark.parametrize("deferrable", [True, False])
def test_a_stopped_job_fails_the_task(service: FakeOptimizationService, deferrable: bool) -> None:
    service.set_outcome(NAME, "STOPPED")
    with pytest.raises(AirflowFailException, match="STOPPED"):
        run_to_the_end(operator(deferrable=deferrable))


def test_a_bad_request_sends_nothing_and_names_every_path(service: FakeOptimizationService) -> None:
    request = example(RoleArn=12, DeploymentInstanceTyp="ml.g5.12xlarge")
    request["OutputConfig"]["S3OutputLocation"] = "not-s3"
    with pytest.raises(AirflowFailException) as failed:
        operator(request).execute(context())
    message = str(failed.value)
    assert "role_arn" in message
    assert "DeploymentInstanceTyp" in message  # an unknown member, with a did-you-mean
    assert "output_config.s3_output_location" in message
    assert isinstance(failed.value.__cause__, ValidationError)
    assert service.calls() == 0


def test_a_model_request_is_checked_when_the_dag_is_parsed(
    service: FakeOptimizationService,
) -> None:
    bad = attrs.evolve(load_request(example()), optimization_job_name="not_a_valid_name!")
    with pytest.raises(ValidationError, match="optimization_job_name"):
        operator(bad)
    assert service.calls() == 0
    # A good model goes through as it is.
    result = operator(load_request(example()), deferrable=False).execute(context())
    assert result["OptimizationJobStatus"] == "COMPLETED"


def test_wrong_wait_arguments_fail_when_the_dag_is_parsed() -> None:
    with pytest.raises(ValidationError, match="max_poll_interval"):
        operator(poll_interval=60, max_poll_interval=10)
    with pytest.raises(ValidationError, match="timeout"):
        operator(timeout=-1)


def test_without_waiting_it_returns_the_description_at_once(
    service: FakeOptimizationService,
) -> None:
    result = operator(wait_for_completion=False).execute(context())
    assert result["OptimizationJobStatus"] in ("STARTING", "INPROGRESS")
    assert service.calls("DescribeOptimizationJob") == 1


def test_the_deadline_fails_the_task_retryably(service: FakeOptimizationService) -> None:
    with pytest.raises(AirflowException, match="gave up waiting") as worker:
        operator(deferrable=False, timeout=0.3).execute(context())
    assert not isinstance(worker.value, AirflowFailException)  # a retry takes the job over


def test_the_deferred_deadline_is_kept_by_the_trigger(service: FakeOptimizationService) -> None:
    op = operator(deferrable=True, timeout=0.3)
    with pytest.raises(TaskDeferred) as deferred:
        op.execute(context())
    deadline = deferred.value.trigger.deadline
    assert deadline == pytest.approx(time.time() + 0.3, abs=5)
    with pytest.raises(AirflowException, match="gave up waiting") as failed:
        resume(op, deferred.value, context())
    assert not isinstance(failed.value, AirflowFailException)


@pytest.mark.parametrize("timeout", [None, math.inf])
def test_no_deadline_defers_without_one(timeout: float | None) -> None:
    with pytest.raises(TaskDeferred) as deferred:
        operator(deferrable=True, timeout=timeout).execute(context())
    _, kwargs = deferred.value.trigger.serialize()
    assert kwargs["deadline"] is None
    json.dumps(kwargs, allow_nan=False)  # strict JSON, as Airflow's database needs


def test_default_deferrable_follows_airflows_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", "True")
    assert operator().deferrable is True
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", "False")
    assert operator().deferrable is False
    assert operator(deferrable=True).deferrable is True


# -- retries: the lost-create rule ------------------------------------------------------------


def test_a_retry_takes_over_the_job_its_first_try_created(service: FakeOptimizationService) -> None:
    # Try 1 created the job, then its worker died (nothing came back from it).
    with pytest.raises(TaskDeferred):
        operator(deferrable=True).execute(context(try_number=1))
    op = operator(deferrable=False)
    result = op.execute(context(try_number=2))
    assert result["OptimizationJobStatus"] == "COMPLETED"
    assert service.job_names() == [NAME]
    assert service.calls("CreateOptimizationJob") == 2  # the second met ResourceInUse


def test_a_first_try_meeting_an_existing_job_fails_without_retry(
    service: FakeOptimizationService,
) -> None:
    operator(wait_for_completion=False).execute(context())
    with pytest.raises(AirflowFailException, match="first try"):
        operator().execute(context(try_number=1))


def test_a_retry_does_not_take_over_a_different_job(service: FakeOptimizationService) -> None:
    operator(wait_for_completion=False).execute(context())
    other = example(DeploymentInstanceType="ml.g6e.12xlarge")
    with pytest.raises(AirflowFailException, match="deployment_instance_type"):
        operator(other).execute(context(try_number=2))


def test_a_retry_does_not_take_over_a_job_older_than_its_dag_run(
    service: FakeOptimizationService,
) -> None:
    operator(wait_for_completion=False).execute(context())
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    with pytest.raises(AirflowFailException, match="creation_time"):
        operator().execute(context(try_number=2, run_start=later))


# -- on_kill ---------------------------------------------------------------------------------


def test_on_kill_stops_the_job_the_task_waits_for(service: FakeOptimizationService) -> None:
    # A job that runs for weeks: it is surely running when the task is killed.
    service.set_outcome(NAME, "COMPLETED", durations=Durations(in_progress=3e6))
    op = operator(deferrable=False)
    outcome: list[BaseException | dict[str, Any]] = []

    def run() -> None:
        try:
            outcome.append(op.execute(context()))
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    for _ in range(200):
        if service.calls("DescribeOptimizationJob"):
            break
        time.sleep(0.02)
    op.on_kill()
    worker.join(30)
    assert service.calls("StopOptimizationJob") == 1
    assert isinstance(outcome[0], AirflowFailException)
    assert "STOPPED" in str(outcome[0])


def test_on_kill_before_any_job_sends_nothing(service: FakeOptimizationService) -> None:
    operator().on_kill()
    assert service.calls() == 0


# -- secrets --------------------------------------------------------------------------------


SECRET = "hf_abcdefghijklmnopqrstuvwxyz0123456789"


@pytest.mark.parametrize("deferrable", [True, False])
def test_status_changes_reach_the_log_at_info_without_secrets(
    service: FakeOptimizationService, caplog: pytest.LogCaptureFixture, deferrable: bool
) -> None:
    request = example(OptimizationEnvironment={"HF_TOKEN": SECRET})
    caplog.set_level("INFO")
    result = run_to_the_end(operator(request, deferrable=deferrable))
    assert result["OptimizationJobStatus"] == "COMPLETED"
    infos = [r.getMessage() for r in caplog.records if r.levelname == "INFO"]
    for status in ("STARTING", "INPROGRESS", "COMPLETED"):
        assert any(NAME in line and status in line for line in infos), (status, infos)
    assert SECRET not in caplog.text


def test_secrets_stay_out_of_the_xcom_the_logs_and_airflows_masker(
    service: FakeOptimizationService, caplog: pytest.LogCaptureFixture
) -> None:
    try:
        from airflow.sdk.log import redact
    except ImportError:  # Airflow 3.0
        from airflow.sdk.execution_time.secrets_masker import redact

    request = example(OptimizationEnvironment={"HF_TOKEN": SECRET, "OPTION_DTYPE": "fp16"})
    caplog.set_level("DEBUG")
    op = operator(request, deferrable=True)
    with pytest.raises(TaskDeferred) as deferred:
        op.execute(context())
    result = resume(op, deferred.value, context())
    env = result["OptimizationEnvironment"]
    assert env["OPTION_DTYPE"] == "fp16"  # harmless configuration stays readable
    assert env["HF_TOKEN"] != SECRET
    assert SECRET not in json.dumps(result)
    assert SECRET not in caplog.text
    # Registered with Airflow's masker: no log line or rendered field shows it.
    assert SECRET not in str(redact(f"token={SECRET}"))
    # ...while the service was sent the real value.
    sent = [params for op_name, params in service.call_log if op_name == "CreateOptimizationJob"]
    assert sent[0]["OptimizationEnvironment"]["HF_TOKEN"] == SECRET


def test_the_request_is_a_templated_field() -> None:
    assert "request" in OptimizationJobOperator.template_fields
    op = operator(example(OptimizationJobName="llama-{{ ds_nodash }}"))
    op.render_template_fields({"ds_nodash": "20261130"})
    assert op.request["OptimizationJobName"] == "llama-20261130"
