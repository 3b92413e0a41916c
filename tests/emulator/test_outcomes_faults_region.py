"""Outcome rules (names, patterns, STOPPED), scenarios in Python, the region, and the fault
kinds that spoil an answer after the action (answer lost, malformed answers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError
from emulator_support import request

from boto3_support import NO_RETRIES
from optjob_sdk.testing import FAULT_KINDS, Durations, FakeOptimizationService, ScenarioError


def call(service: FakeOptimizationService, operation: str, params: dict[str, Any]) -> Any:
    answer = service.handle(f"SageMaker.{operation}", json.dumps(params).encode())
    return answer.status, answer.body


def describe(service: FakeOptimizationService, name: str) -> dict[str, Any]:
    status, body = call(service, "DescribeOptimizationJob", {"OptimizationJobName": name})
    assert status == 200, body
    result: dict[str, Any] = json.loads(body)
    return result


def create(service: FakeOptimizationService, name: str) -> None:
    status, body = call(service, "CreateOptimizationJob", request(name))
    assert status == 200, body


# -- outcomes ----------------------------------------------------------------------------------


def test_stopped_outcome_ends_the_run_stopped() -> None:
    service = FakeOptimizationService(durations=Durations(10, 100, 5))
    service.set_outcome("job-1", "STOPPED")
    create(service, "job-1")
    service.advance(10 + 100)
    assert describe(service, "job-1")["OptimizationJobStatus"] == "STOPPING"
    service.advance(5)
    job = describe(service, "job-1")
    assert job["OptimizationJobStatus"] == "STOPPED"
    assert "FailureReason" not in job


def test_pattern_rules_apply_to_matching_jobs_created_later() -> None:
    service = FakeOptimizationService(durations=Durations(10, 100, 5))
    service.set_outcome("sweep-*-bad", "FAILED", reason="ClientError: OOM")
    service.set_outcome("sweep-?", "STOPPED")
    service.set_outcome("sweep-1-bad", "COMPLETED")  # an exact name wins over patterns
    for name in ("sweep-0-bad", "sweep-1-bad", "sweep-2", "other"):
        create(service, name)
    service.advance(200)
    statuses = {
        name: describe(service, name)["OptimizationJobStatus"]
        for name in ("sweep-0-bad", "sweep-1-bad", "sweep-2", "other")
    }
    assert statuses == {
        "sweep-0-bad": "FAILED",
        "sweep-1-bad": "COMPLETED",
        "sweep-2": "STOPPED",
        "other": "COMPLETED",
    }
    assert describe(service, "sweep-0-bad")["FailureReason"] == "ClientError: OOM"


def test_outcome_arguments_are_checked() -> None:
    service = FakeOptimizationService()
    with pytest.raises(ValueError, match="STOPPED"):
        service.set_outcome("a", "DONE")
    with pytest.raises(ValueError, match="reason"):
        service.set_outcome("a", "COMPLETED", reason="why")


# -- scenarios in Python ----------------------------------------------------------------------


def test_scenario_mapping_sets_durations_outcomes_and_faults() -> None:
    service = FakeOptimizationService()
    service.load_scenario(
        {
            "durations": {"starting": 5, "in_progress": 50},
            "jobs": [
                {"name": "bad-*", "outcome": "FAILED", "reason": "ClientError: nope"},
                {"name": "slow", "outcome": "COMPLETED", "durations": {"in_progress": 500}},
            ],
            "faults": [{"operation": "ListOptimizationJobs", "kind": "throttle", "times": 2}],
        }
    )
    assert service.durations == Durations(5, 50, 30)
    for name in ("bad-1", "slow", "fine"):
        create(service, name)
    service.advance(60)
    assert describe(service, "bad-1")["FailureReason"] == "ClientError: nope"
    assert describe(service, "slow")["OptimizationJobStatus"] == "INPROGRESS"
    assert describe(service, "fine")["OptimizationJobStatus"] == "COMPLETED"
    codes = [call(service, "ListOptimizationJobs", {})[0] for _ in range(3)]
    assert codes == [400, 400, 200]


def test_scenario_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yml"
    path.write_text(
        "faults:\n  - {operation: '*', kind: latency, seconds: 0, times: null, rate: 0.5}\n"
    )
    FakeOptimizationService().load_scenario(path)


@pytest.mark.parametrize(
    ("scenario", "place"),
    [
        ({"jobs": {}}, "jobs: must be a list, not a mapping"),
        ({"jobs": [{"outcome": "FAILED"}]}, "jobs[0]: 'name' is required"),
        ({"jobs": [{"name": "x", "outcome": "COMPLETED", "reason": "r"}]}, "jobs[0].reason"),
        ({"jobs": [{"name": "x" * 64, "outcome": "FAILED"}]}, "jobs[0].name"),
        (
            {"jobs": [{"name": "x", "outcome": "FAILED"}, {"name": "x", "outcome": "STOPPED"}]},
            "'x' appears more than once",
        ),
        ({"jobs": [{"name": "x", "outcome": "FAILED", "durations": {"start": 1}}]}, "'starting'"),
        ({"faults": [{"operation": "*", "kind": "throttle", "times": 0}]}, "faults[0].times"),
        ({"faults": [{"operation": "*", "kind": "throttle", "times": 1.5}]}, "faults[0].times"),
        ({"faults": [{"operation": "*", "kind": "throttle", "rate": 2}]}, "faults[0].rate"),
        ({"faults": [{"operation": "*", "kind": "throttle", "seconds": 1}]}, "faults[0].seconds"),
        ({"faults": [{"operation": "*", "kind": "latency"}]}, "needs 'seconds'"),
        ({"faults": [{"operation": "*", "kind": "drop", "seed": "7"}]}, "faults[0].seed"),
        ({"faults": [{"kind": "drop"}]}, "'operation' is required"),
        ({"durations": {"in_progress": float("nan")}}, "durations.in_progress"),
        ({"faults": [{"operation": "*", "kind": "drop"}]} | {"extra": 1}, "unknown key 'extra'"),
    ],
)
def test_scenario_problems_name_their_place(scenario: dict[str, Any], place: str) -> None:
    service = FakeOptimizationService()
    with pytest.raises(ScenarioError) as caught:
        service.load_scenario(scenario)
    message = str(caught.value)
    assert place in message
    assert "\n" not in message
    assert service.calls() == 0
    assert service._faults == {}  # nothing applied


def test_scenario_files_are_capped_and_never_quoted(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (1024 * 1024 + 1))
    with pytest.raises(ScenarioError, match="larger than"):
        FakeOptimizationService().load_scenario(big)
    secret = tmp_path / "secret.json"
    secret.write_text('{"jobs": [hf_SECRET]}')
    with pytest.raises(ScenarioError) as caught:
        FakeOptimizationService().load_scenario(secret)
    assert "hf_SECRET" not in str(caught.value)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    with pytest.raises(ScenarioError, match="not valid JSON"):
        FakeOptimizationService().load_scenario(deep)


# -- the region --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "prefix"),
    [
        ("eu-west-1", "arn:aws:sagemaker:eu-west-1:"),
        ("cn-northwest-1", "arn:aws-cn:sagemaker:cn-northwest-1:"),
        ("us-gov-west-1", "arn:aws-us-gov:sagemaker:us-gov-west-1:"),
        ("xx-future-9", "arn:aws:sagemaker:xx-future-9:"),  # unknown to botocore: aws
    ],
)
def test_region_sets_arns_and_partition(region: str, prefix: str) -> None:
    service = FakeOptimizationService(region=region)
    sm = service.client(config=NO_RETRIES)
    arn = sm.create_optimization_job(**request("job-1"))["OptimizationJobArn"]
    assert arn.startswith(prefix)
    assert sm.list_optimization_jobs()["OptimizationJobSummaries"][0]["OptimizationJobArn"] == arn


def test_client_signing_for_another_region_is_answered() -> None:
    service = FakeOptimizationService(region="eu-west-1")
    sm = service.client(region_name="ap-south-1", config=NO_RETRIES)
    arn = sm.create_optimization_job(**request("job-1"))["OptimizationJobArn"]
    assert ":eu-west-1:" in arn


@pytest.mark.parametrize("region", ["", "us west 2", "US-WEST-2", "us-west", "a:b-1", "x/y-1"])
def test_bad_region_is_refused(region: str) -> None:
    with pytest.raises(ValueError, match="region"):
        FakeOptimizationService(region=region)


# -- answers lost and spoiled ------------------------------------------------------------------


def test_answer_lost_after_create_the_job_exists() -> None:
    service = FakeOptimizationService()
    service.inject("CreateOptimizationJob", "answer_lost")
    sm = service.client(config=NO_RETRIES)
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        sm.create_optimization_job(**request("job-1"))
    assert service.job_names() == ["job-1"]  # applied, though nobody was told
    with pytest.raises(ClientError) as caught:  # the naive retry meets its own job
        sm.create_optimization_job(**request("job-1"))
    assert caught.value.response["Error"]["Code"] == "ResourceInUse"


def test_answer_lost_over_http() -> None:
    from boto3_support import http_client

    service = FakeOptimizationService()
    service.inject("CreateOptimizationJob", "answer_lost")
    with (
        service.serve() as url,
        pytest.raises((ConnectionClosedError, EndpointConnectionError)),
    ):
        http_client(url).create_optimization_job(**request("job-1"))
    assert service.job_names() == ["job-1"]


def test_answer_lost_on_an_error_is_lost_too() -> None:
    service = FakeOptimizationService()
    service.inject("DescribeOptimizationJob", "answer_lost")
    sm = service.client(config=NO_RETRIES)
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        sm.describe_optimization_job(OptimizationJobName="nope")


@pytest.mark.parametrize(("kind", "body"), [("null_answer", b"null"), ("list_answer", b"[]")])
def test_malformed_answers_after_the_action(kind: str, body: bytes) -> None:
    service = FakeOptimizationService()
    service.inject("CreateOptimizationJob", kind)
    assert call(service, "CreateOptimizationJob", request("job-1")) == (200, body)
    assert service.job_names() == ["job-1"]
    # once (times=1 by default): the next call is whole again
    assert call(service, "DescribeOptimizationJob", {"OptimizationJobName": "job-1"})[0] == 200


@pytest.mark.parametrize(
    ("kind", "value"), [("garbage_timestamp", "garbage"), ("huge_timestamp", 1e20)]
)
def test_spoiled_timestamps(kind: str, value: object) -> None:
    service = FakeOptimizationService()
    create(service, "job-1")
    create(service, "job-2")
    service.inject("*", kind, times=2)
    assert describe(service, "job-1")["CreationTime"] == value
    _, body = call(service, "ListOptimizationJobs", {})
    summaries = json.loads(body)["OptimizationJobSummaries"]
    assert summaries[0]["CreationTime"] == value
    assert isinstance(summaries[1]["CreationTime"], float)  # only the first
    assert isinstance(describe(service, "job-1")["CreationTime"], float)  # used up


def test_spoiling_faults_leave_error_answers_and_timestampless_ones_alone() -> None:
    service = FakeOptimizationService()
    service.inject("*", "null_answer", times=None)
    status, body = call(service, "DescribeOptimizationJob", {"OptimizationJobName": "nope"})
    assert (status, json.loads(body)["__type"]) == (400, "ResourceNotFound")
    service.clear_faults()
    service.inject("*", "garbage_timestamp", times=None)
    assert call(service, "CreateOptimizationJob", request("job-1"))[0] == 200
    assert json.loads(call(service, "ListOptimizationJobs", {"NameContains": "zz"})[1]) == {
        "OptimizationJobSummaries": []
    }


def test_boto3_does_not_take_a_spoiled_answer_as_a_good_one() -> None:
    # What the SDK makes of these is the client's business; here: they reach botocore.
    service = FakeOptimizationService()
    sm = service.client(config=NO_RETRIES)
    sm.create_optimization_job(**request("job-1"))
    for kind in ("garbage_timestamp", "huge_timestamp"):
        service.inject("DescribeOptimizationJob", kind)
        with pytest.raises(Exception) as caught:  # noqa: PT011 - botocore's own, varies
            sm.describe_optimization_job(OptimizationJobName="job-1")
        assert not isinstance(caught.value, ClientError)


def test_fault_arguments_are_checked() -> None:
    service = FakeOptimizationService()
    with pytest.raises(ValueError, match="answer_lost"):
        service.inject("*", "explode")
    with pytest.raises(ValueError, match="times"):
        service.inject("*", "drop", times=0)
    with pytest.raises(ValueError, match="rate"):
        service.inject("*", "drop", rate=1.5)
    with pytest.raises(ValueError, match="seconds"):
        service.inject("*", "latency", seconds=float("inf"))
    assert set(FAULT_KINDS) >= {"answer_lost", "null_answer", "list_answer", "throttle"}
