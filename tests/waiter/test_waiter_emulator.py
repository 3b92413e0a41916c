"""``client.wait`` end to end: a real boto3 client (retries off) against the emulator, on its
virtual clock (``sleep=service.advance``, ``clock=service.monotonic``)."""

from __future__ import annotations

import doctest
import json
import random
from typing import Any

import pytest

from boto3_support import NO_RETRIES
from examples import EXAMPLES
from optjob_sdk import (
    CreateOptimizationJobRequest,
    DescribeOptimizationJobResponse,
    JobFailedError,
    JobNotFoundError,
    JobStoppedError,
    OptimizationJobClient,
    ValidationError,
    WaitTimeoutError,
    from_dict,
)
from optjob_sdk import waiting as waiting_module
from optjob_sdk.testing import Durations, FakeOptimizationService


def request(name: str, **stopping: int) -> CreateOptimizationJobRequest:
    data = json.loads((EXAMPLES / "awq-quantization.json").read_text())
    data["OptimizationJobName"] = name
    if stopping:
        data["StoppingCondition"] = stopping
    return from_dict(CreateOptimizationJobRequest, data)


class Recorder:
    """``sleep=`` that records each pause and the Describe calls made so far, then advances."""

    def __init__(self, service: FakeOptimizationService) -> None:
        self.service = service
        self.pauses: list[float] = []
        self.start = service.monotonic()

    def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.service.advance(seconds)

    @property
    def elapsed(self) -> float:
        return self.service.monotonic() - self.start


def wait(
    client: OptimizationJobClient, service: FakeOptimizationService, name: str, **kw: Any
) -> Any:
    kw.setdefault("sleep", service.advance)
    return client.wait(name, clock=service.monotonic, progress=False, **kw)


def test_one_describe_per_poll_and_the_final_description(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    client.create(request("job-1"))
    sleep = Recorder(service)
    seen: list[str] = []

    def on_update(job: DescribeOptimizationJobResponse) -> None:
        seen.append(str(job.optimization_job_status))

    job = wait(client, service, "job-1", sleep=sleep, on_update=on_update)
    assert job.optimization_job_status == "COMPLETED"
    assert job.optimization_output is not None
    assert seen == ["STARTING", "INPROGRESS", "COMPLETED"]
    assert service.calls("DescribeOptimizationJob") == len(sleep.pauses) + 1
    assert all(30 <= pause <= 120 for pause in sleep.pauses)
    # detected within one spacing of the end (the job ends 21 minutes after creation)
    assert job.optimization_end_time is not None
    delay = (service.now - job.optimization_end_time).total_seconds()
    assert 0 <= delay <= 120


def test_an_already_finished_job_costs_one_call(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    client.create(request("done"))
    service.advance(3600)
    before = service.calls("DescribeOptimizationJob")
    assert wait(client, service, "done").optimization_job_status == "COMPLETED"
    assert service.calls("DescribeOptimizationJob") - before == 1


def test_failed_with_the_services_reason(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    service.set_outcome("bad", "FAILED", reason="ClientError: CUDA out of memory")
    client.create(request("bad"))
    with pytest.raises(JobFailedError, match="'bad' FAILED: ClientError: CUDA out of memory"):
        wait(client, service, "bad")


def test_the_service_ending_a_job_at_its_runtime_limit_is_a_failure(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    service.set_outcome("long", "COMPLETED", durations=Durations(in_progress=7200))
    client.create(request("long", MaxRuntimeInSeconds=600))
    with pytest.raises(JobFailedError, match="MaxRuntimeInSeconds") as caught:
        wait(client, service, "long")
    assert caught.value.failure_reason is not None


def test_stopped_while_waiting(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    client.create(request("halt"))

    def stop_once_running(job: DescribeOptimizationJobResponse) -> None:
        if job.optimization_job_status == "INPROGRESS":
            client.stop("halt")

    with pytest.raises(JobStoppedError, match="STOPPED"):
        wait(client, service, "halt", on_update=stop_once_running)


def test_the_deadline_with_the_last_poll_on_it(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    client.create(request("slow"))
    sleep = Recorder(service)
    with pytest.raises(WaitTimeoutError, match="still running on the service") as caught:
        wait(client, service, "slow", timeout=600, sleep=sleep)
    assert sleep.elapsed == pytest.approx(600)
    assert caught.value.last_job is not None
    assert caught.value.last_job.optimization_job_status == "INPROGRESS"
    client.stop("slow")  # what the message says to do works
    with pytest.raises(JobStoppedError):
        wait(client, service, "slow")


def test_no_timeout_ends_by_the_jobs_own_limit(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    # The emulator ends the job at MaxRuntimeInSeconds, as the service does, so the bound
    # (limit + margin) is never reached: the wait ends with the service's verdict.
    service.set_outcome("capped", "COMPLETED", durations=Durations(in_progress=10**6))
    client.create(request("capped", MaxRuntimeInSeconds=3600))
    sleep = Recorder(service)
    with pytest.raises(JobFailedError):
        wait(client, service, "capped", sleep=sleep)
    assert 3600 <= sleep.elapsed <= 3600 + 60 + 120 + 1


@pytest.mark.parametrize("fault", ["throttle", "server_error", "unavailable", "drop"])
def test_faults_are_ridden_out_with_client_retries_off(
    client: OptimizationJobClient, service: FakeOptimizationService, fault: str
) -> None:
    client.create(request("flaky"))
    service.inject("DescribeOptimizationJob", fault, times=3)
    sleep = Recorder(service)
    assert wait(client, service, "flaky", sleep=sleep).optimization_job_status == "COMPLETED"
    assert service.calls("DescribeOptimizationJob") == len(sleep.pauses) + 1


def test_a_flaky_service_costs_no_extra_calls(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    client.create(request("flaky"))
    service.inject("DescribeOptimizationJob", "throttle", times=None, rate=0.3, seed=1)
    sleep = Recorder(service)
    assert wait(client, service, "flaky", sleep=sleep).optimization_job_status == "COMPLETED"
    assert service.calls("DescribeOptimizationJob") == len(sleep.pauses) + 1


def test_a_job_that_never_appears(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    sleep = Recorder(service)
    with pytest.raises(JobNotFoundError, match="did not appear within 60s") as caught:
        wait(client, service, "never-created", sleep=sleep)
    assert sleep.elapsed == pytest.approx(60)
    assert service.calls("DescribeOptimizationJob") == 2
    assert caught.value.request_id  # the service's, from the last answer


def test_a_job_appearing_late_is_waited_for(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    # Eventual consistency: the first Describe misses, the job shows up 20 s later.
    def sleep(seconds: float) -> None:
        if not service.job_names():
            client.create(request("late"))
        service.advance(seconds)

    assert wait(client, service, "late", sleep=sleep).optimization_job_status == "COMPLETED"


def test_a_job_deleted_while_waiting(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    client.create(request("doomed"))
    sleep = Recorder(service)

    def delete_after_a_while(seconds: float) -> None:
        sleep(seconds)
        if sleep.elapsed > 200 and service.job_names():
            service.client().delete_optimization_job(OptimizationJobName="doomed")

    with pytest.raises(JobNotFoundError, match="disappeared"):
        wait(client, service, "doomed", sleep=delete_after_a_while)
    assert 200 < sleep.elapsed <= 200 + 120 + 1


def test_the_name_is_checked_before_any_call(
    client: OptimizationJobClient, service: FakeOptimizationService
) -> None:
    with pytest.raises(ValidationError):
        wait(client, service, "not a valid name")
    assert service.calls() == 0


def test_two_hour_job_on_default_settings(service: FakeOptimizationService) -> None:
    service.set_outcome("two-hours", "COMPLETED", durations=Durations(in_progress=7140))
    client = OptimizationJobClient(service.client(config=NO_RETRIES))
    client.create(request("two-hours", MaxRuntimeInSeconds=36000))
    job = client.wait("two-hours", sleep=service.advance, clock=service.monotonic, progress=False)
    assert job.optimization_job_status == "COMPLETED"
    calls = service.calls("DescribeOptimizationJob")
    assert 60 <= calls <= 66  # about one call per max_poll_interval (120 s)


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(waiting_module, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5
    assert result.failed == 0


def test_client_wait_takes_a_seeded_rng_for_repeatable_pauses() -> None:
    def pauses(seed: int) -> list[float]:
        service = FakeOptimizationService(seed=7)
        client = OptimizationJobClient(service.client(config=NO_RETRIES))
        client.create(request("seeded"))
        sleep = Recorder(service)
        wait(client, service, "seeded", sleep=sleep, rng=random.Random(seed))
        return sleep.pauses

    first = pauses(1)
    assert len(first) > 3
    assert pauses(1) == first
    assert pauses(2) != first  # the jitter really comes from the rng
