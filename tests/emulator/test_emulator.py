"""The emulator's semantics, driven with plain boto3 over both transports."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError
from emulator_support import MODEL, check_output, example, request

from boto3_support import NO_RETRIES, http_client
from optjob_sdk.testing import Durations, FakeOptimizationService


def status(sm: Any, name: str = "job-1") -> str:
    response = sm.describe_optimization_job(OptimizationJobName=name)
    check_output("DescribeOptimizationJob", response)
    return str(response["OptimizationJobStatus"])


def error_code(call: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    assert response["ResponseMetadata"]["RequestId"]
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_lifecycle_to_completed(sm: Any, service: FakeOptimizationService) -> None:
    created = sm.create_optimization_job(**request())
    check_output("CreateOptimizationJob", created)
    assert created["OptimizationJobArn"].endswith(":optimization-job/job-1")
    assert status(sm) == "STARTING"
    service.advance(59)
    assert status(sm) == "STARTING"
    service.advance(2)
    assert status(sm) == "INPROGRESS"
    service.advance(3600)
    job = sm.describe_optimization_job(OptimizationJobName="job-1")
    assert job["OptimizationJobStatus"] == "COMPLETED"
    assert job["CreationTime"] < job["OptimizationStartTime"] < job["OptimizationEndTime"]
    assert job["LastModifiedTime"] == job["OptimizationEndTime"]
    # Finished well within an hour and within its own MaxRuntimeInSeconds (7200 s).
    assert job["OptimizationEndTime"] - job["CreationTime"] < timedelta(hours=1)
    assert job["OptimizationOutput"]["RecommendedInferenceImage"].startswith("763104351884")
    assert job["OptimizationEnvironment"] == {}
    assert job["OptimizationConfigs"] == example("awq-quantization")["OptimizationConfigs"]


def test_outcome_failed_with_reason(sm: Any, service: FakeOptimizationService) -> None:
    service.set_outcome("job-1", "FAILED", reason="ClientError: out of memory")
    sm.create_optimization_job(**request())
    service.advance(7200)
    job = sm.describe_optimization_job(OptimizationJobName="job-1")
    assert job["OptimizationJobStatus"] == "FAILED"
    assert job["FailureReason"] == "ClientError: out of memory"


def test_durations_per_job(sm: Any, service: FakeOptimizationService) -> None:
    service.set_outcome("job-1", "COMPLETED", durations=Durations(10, 20, 5))
    sm.create_optimization_job(**request())
    service.advance(11)
    assert status(sm) == "INPROGRESS"
    service.advance(20)
    assert status(sm) == "COMPLETED"


def test_max_runtime_ends_the_job(sm: Any, service: FakeOptimizationService) -> None:
    service.set_outcome("job-1", "COMPLETED", durations=Durations(60, 5000, 30))
    sm.create_optimization_job(**request(StoppingCondition={"MaxRuntimeInSeconds": 600}))
    service.advance(60 + 600 + 1)
    job = sm.describe_optimization_job(OptimizationJobName="job-1")
    assert job["OptimizationJobStatus"] == "FAILED"
    assert "MaxRuntimeInSeconds" in job["FailureReason"]


def test_default_duration_fits_in_a_short_max_runtime(
    sm: Any, service: FakeOptimizationService
) -> None:
    sm.create_optimization_job(**request(StoppingCondition={"MaxRuntimeInSeconds": 300}))
    service.advance(60 + 300)
    assert status(sm) == "COMPLETED"


def test_stop_then_stopped_within_a_minute(sm: Any, service: FakeOptimizationService) -> None:
    sm.create_optimization_job(**request())
    service.advance(120)
    check_output("StopOptimizationJob", sm.stop_optimization_job(OptimizationJobName="job-1"))
    assert status(sm) == "STOPPING"
    service.advance(60)
    assert status(sm) == "STOPPED"
    code, http = error_code(lambda: sm.stop_optimization_job(OptimizationJobName="job-1"))
    assert (code, http) == ("ValidationException", 400)


def test_stop_while_starting(sm: Any, service: FakeOptimizationService) -> None:
    sm.create_optimization_job(**request())
    sm.stop_optimization_job(OptimizationJobName="job-1")
    service.advance(60)
    assert status(sm) == "STOPPED"


def test_delete_then_not_found(sm: Any) -> None:
    sm.create_optimization_job(**request())
    check_output("DeleteOptimizationJob", sm.delete_optimization_job(OptimizationJobName="job-1"))
    for call in (
        lambda: sm.describe_optimization_job(OptimizationJobName="job-1"),
        lambda: sm.stop_optimization_job(OptimizationJobName="job-1"),
        lambda: sm.delete_optimization_job(OptimizationJobName="job-1"),
    ):
        assert error_code(call) == ("ResourceNotFound", 400)


def test_duplicate_name_is_resource_in_use(sm: Any) -> None:
    sm.create_optimization_job(**request())
    assert error_code(lambda: sm.create_optimization_job(**request())) == ("ResourceInUse", 400)


def test_every_example_is_accepted(sm: Any) -> None:
    names = ["awq-quantization", "fp8-trtllm-compilation", "neuron-compilation"]
    if "ModelSpeculativeDecodingConfig" in MODEL.shape_for("OptimizationConfig").members:
        names.append("eagle-speculative-decoding")
    for name in names:
        sm.create_optimization_job(**example(name))
    listed = sm.list_optimization_jobs()
    check_output("ListOptimizationJobs", listed)
    types = {
        s["OptimizationJobName"]: s["OptimizationTypes"] for s in listed["OptimizationJobSummaries"]
    }
    assert types["llama3-70b-fp8-trtllm"] == ["Quantization", "Compilation"]
    assert types["llama2-70b-neuron"] == ["Compilation"]


def test_server_side_validation_of_what_botocore_lets_through(sm: Any) -> None:
    bad = request(
        OptimizationJobName="llama3_8b awq",
        RoleArn="arn:aws:iam::1111:role/Short",
        OutputConfig={"S3OutputLocation": "example-models/out/"},
        Tags=[{"Key": "team!", "Value": "x"}],
    )
    with pytest.raises(ClientError) as caught:
        sm.create_optimization_job(**bad)
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException"
    message = error["Message"]
    assert message.startswith("4 validation errors detected: ")
    for path in (
        "optimizationJobName",
        "roleArn",
        "outputConfig.s3OutputLocation",
        "tags.1.member.key",
    ):
        assert f"at '{path}' failed to satisfy constraint" in message


def test_secrets_are_not_echoed_in_validation_errors(sm: Any) -> None:
    bad = request(OptimizationEnvironment={"HF_TOKEN": "hf_secret_" + "x" * 300})
    with pytest.raises(ClientError) as caught:
        sm.create_optimization_job(**bad)
    assert "hf_secret" not in str(caught.value)
    assert "length less than or equal to 256" in str(caught.value)


def test_unicode_tags_are_accepted(sm: Any) -> None:
    sm.create_optimization_job(**request(Tags=[{"Key": "équipe 日本 ½", "Value": "Ⅻ:@"}]))


def test_paging_sorting_and_tokens(sm: Any, service: FakeOptimizationService) -> None:
    for index in range(7):
        sm.create_optimization_job(**request(f"job-{index}"))
        service.advance(1)
    assert len(sm.list_optimization_jobs()["OptimizationJobSummaries"]) == 7
    seen: list[str] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"MaxResults": 3, "SortBy": "Name", "SortOrder": "Ascending"}
        if token:
            kwargs["NextToken"] = token
        page = sm.list_optimization_jobs(**kwargs)
        check_output("ListOptimizationJobs", page)
        seen += [s["OptimizationJobName"] for s in page["OptimizationJobSummaries"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == [f"job-{i}" for i in range(7)]
    oldest_first = sm.list_optimization_jobs()["OptimizationJobSummaries"]
    assert [s["OptimizationJobName"] for s in oldest_first] == [f"job-{i}" for i in range(7)]
    newest_first = sm.list_optimization_jobs(SortOrder="Descending")["OptimizationJobSummaries"]
    assert [s["OptimizationJobName"] for s in newest_first] == [
        f"job-{i}" for i in range(6, -1, -1)
    ]
    assert error_code(lambda: sm.list_optimization_jobs(NextToken="garbage")) == (
        "ValidationException",
        400,
    )
    foreign = sm.list_optimization_jobs(MaxResults=1)["NextToken"]
    assert error_code(lambda: sm.list_optimization_jobs(NextToken=foreign, NameContains="job-1"))[
        0
    ] == ("ValidationException")


def test_max_results_bounds(sm: Any, service: FakeOptimizationService) -> None:
    for index in range(60):
        service.handle("SageMaker.CreateOptimizationJob", _body(request(f"j{index}")))
    assert len(sm.list_optimization_jobs()["OptimizationJobSummaries"]) == 50
    assert len(sm.list_optimization_jobs(MaxResults=100)["OptimizationJobSummaries"]) == 60
    assert error_code(lambda: sm.list_optimization_jobs(MaxResults=101))[0] == "ValidationException"


def _body(data: dict[str, Any]) -> bytes:
    import json

    return json.dumps(data).encode()


def test_filters(sm: Any, service: FakeOptimizationService) -> None:
    sm.create_optimization_job(**request("alpha-awq"))
    start = service.now
    service.advance(100)
    sm.create_optimization_job(**example("neuron-compilation"))
    service.advance(10)
    sm.stop_optimization_job(OptimizationJobName="alpha-awq")

    def names(**kwargs: Any) -> list[str]:
        page = sm.list_optimization_jobs(SortOrder="Ascending", **kwargs)
        return [s["OptimizationJobName"] for s in page["OptimizationJobSummaries"]]

    assert names(NameContains="ALPHA") == ["alpha-awq"]
    assert names(StatusEquals="STOPPING") == ["alpha-awq"]
    assert names(OptimizationContains="compil") == ["llama2-70b-neuron"]
    assert names(OptimizationContains="Quantization") == ["alpha-awq"]
    assert names(CreationTimeAfter=start + timedelta(seconds=1)) == ["llama2-70b-neuron"]
    assert names(CreationTimeBefore=start + timedelta(seconds=1)) == ["alpha-awq"]
    assert names(LastModifiedTimeAfter=start + timedelta(seconds=105)) == ["alpha-awq"]
    assert names(SortBy="Status") == ["llama2-70b-neuron", "alpha-awq"]  # STARTING < STOPPING


@pytest.mark.parametrize(
    ("kind", "code", "http"),
    [
        ("throttle", "ThrottlingException", 400),
        ("server_error", "InternalFailure", 500),
        ("unavailable", "ServiceUnavailable", 503),
    ],
)
def test_faults_answer_errors(
    sm: Any, service: FakeOptimizationService, kind: str, code: str, http: int
) -> None:
    service.inject("ListOptimizationJobs", kind, times=2)
    assert error_code(sm.list_optimization_jobs) == (code, http)
    assert error_code(sm.list_optimization_jobs) == (code, http)
    sm.list_optimization_jobs()  # the third call goes through
    assert service.calls("ListOptimizationJobs") == 3


def test_dropped_connections(sm: Any, service: FakeOptimizationService) -> None:
    service.inject("DescribeOptimizationJob", "drop", times=1)
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        sm.describe_optimization_job(OptimizationJobName="job-1")
    assert error_code(lambda: sm.describe_optimization_job(OptimizationJobName="job-1"))[0] == (
        "ResourceNotFound"
    )


def test_throttling_rate_is_seeded(service: FakeOptimizationService) -> None:
    def run() -> list[bool]:
        fake = FakeOptimizationService()
        fake.inject("ListOptimizationJobs", "throttle", times=None, rate=0.5, seed=7)
        return [
            fake.handle("SageMaker.ListOptimizationJobs", b"{}").status == 400 for _ in range(40)
        ]

    first = run()
    assert first == run()
    assert 5 < sum(first) < 35


def test_latency_is_real_delay(service: FakeOptimizationService) -> None:
    import time

    service.inject("ListOptimizationJobs", "latency", seconds=0.05)
    start = time.perf_counter()
    assert service.handle("SageMaker.ListOptimizationJobs", b"{}").status == 200
    assert time.perf_counter() - start >= 0.05


def test_unknown_operation_and_bad_json(service: FakeOptimizationService) -> None:
    assert b"UnknownOperationException" in service.handle("SageMaker.Nope", b"{}").body
    assert b"SerializationException" in service.handle("SageMaker.ListOptimizationJobs", b"{").body


def test_retries_by_botocore_ride_out_throttling(service: FakeOptimizationService) -> None:
    from botocore.config import Config

    sm = service.client(config=Config(retries={"mode": "standard", "max_attempts": 3}))
    service.inject("ListOptimizationJobs", "throttle", times=1)
    sm.meta.events.register("before-sleep", lambda **_: None)
    response = sm.list_optimization_jobs()
    assert response["ResponseMetadata"]["RetryAttempts"] == 1


def test_threads_polling_at_once(service: FakeOptimizationService) -> None:
    sm = service.client(config=NO_RETRIES)
    for index in range(4):
        sm.create_optimization_job(**request(f"job-{index}"))
    errors: list[BaseException] = []

    with service.serve() as url:

        def poll(name: str) -> None:
            client = http_client(url)
            try:
                for _ in range(25):
                    client.describe_optimization_job(OptimizationJobName=name)
                    service.advance(10)
            except BaseException as error:  # collected and asserted below
                errors.append(error)

        threads = [threading.Thread(target=poll, args=(f"job-{i}",)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert service.calls("DescribeOptimizationJob") == 100
    assert {status(sm, f"job-{i}") for i in range(4)} == {"INPROGRESS"}


def test_server_binds_loopback_only(service: FakeOptimizationService) -> None:
    with service.serve() as url:
        assert url.startswith("http://127.0.0.1:")


def test_in_process_client_never_uses_real_credentials(
    service: FakeOptimizationService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    sm = service.client()
    credentials = sm._request_signer._credentials
    assert credentials.access_key == "testing"
    assert sm.meta.endpoint_url.startswith("http://127.0.0.1")


def test_pytest_fixture_is_available(
    optjob_service: FakeOptimizationService, optjob_sagemaker_client: Any
) -> None:
    optjob_sagemaker_client.create_optimization_job(**request())
    assert optjob_service.job_names() == ["job-1"]


def test_realtime_mode_moves_with_the_clock() -> None:
    import time

    fake = FakeOptimizationService(realtime=True, speed=1000.0)
    before = fake.now
    time.sleep(0.02)
    assert fake.now - before >= timedelta(seconds=15)
