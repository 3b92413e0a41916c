"""OptimizationJobClient at the wire: the five operations, validation first, errors mapped."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

import attrs
import boto3  # type: ignore[import-untyped]
import pytest
from botocore.exceptions import ClientError, ParamValidationError  # type: ignore[import-untyped]
from wire_support import Wire, error_body, installed_knows, load_example, make_boto_client

from optjob_sdk import (
    CreateOptimizationJobRequest,
    DescribeOptimizationJobResponse,
    JobAlreadyExistsError,
    JobNotFoundError,
    JobStatus,
    OptimizationJobClient,
    StoppingCondition,
    ValidationError,
    from_dict,
    to_dict,
)
from optjob_sdk.errors import ConfigurationError, ServiceValidationError

ARN = "arn:aws:sagemaker:us-west-2:111122223333:optimization-job/llama3-8b-awq-2026-11-24"


def awq_request() -> CreateOptimizationJobRequest:
    return from_dict(CreateOptimizationJobRequest, load_example("awq-quantization"))


# -- the five operations ---------------------------------------------------------------


def test_create_sends_the_request_as_boto3_would_and_parses_the_arn(fresh_wire: Wire) -> None:
    fresh_wire.reset(lambda op, body: (200, {"OptimizationJobArn": ARN}))
    client = OptimizationJobClient(fresh_wire.client)
    response = client.create(awq_request())
    assert response.optimization_job_arn == ARN
    [(operation, body)] = fresh_wire.requests
    assert operation == "CreateOptimizationJob"
    assert body == load_example("awq-quantization")


@pytest.mark.parametrize(
    "example", ["fp8-trtllm-compilation", "neuron-compilation", "eagle-speculative-decoding"]
)
def test_create_every_example_or_a_clear_error_on_an_older_botocore(
    fresh_wire: Wire, example: str
) -> None:
    fresh_wire.reset(lambda op, body: (200, {"OptimizationJobArn": ARN}))
    client = OptimizationJobClient(fresh_wire.client)
    data = load_example(example)
    request = from_dict(CreateOptimizationJobRequest, data)
    unknown = [
        key for key in data if not installed_knows(fresh_wire.client, "CreateOptimizationJob", key)
    ]
    known_configs = installed_knows(
        fresh_wire.client,
        "CreateOptimizationJob",
        "OptimizationConfigs",
        "ModelSpeculativeDecodingConfig",
    )
    needs_newer = bool(unknown) or (
        "ModelSpeculativeDecodingConfig" in str(data) and not known_configs
    )
    if needs_newer:
        with pytest.raises(ValidationError) as caught:
            client.create(request)
        assert fresh_wire.requests == []
        assert "installed botocore" in str(caught.value)
    else:
        assert client.create(request).optimization_job_arn == ARN
        assert fresh_wire.requests[0][1] == data


def test_describe_parses_the_answer(fresh_wire: Wire) -> None:
    answer = load_example("describe-completed")
    fresh_wire.reset(lambda op, body: (200, answer))
    job = OptimizationJobClient(fresh_wire.client).describe("llama3-8b-awq-2026-11-24")
    assert fresh_wire.requests == [
        ("DescribeOptimizationJob", {"OptimizationJobName": "llama3-8b-awq-2026-11-24"})
    ]
    assert isinstance(job, DescribeOptimizationJobResponse)
    assert job.optimization_job_status is JobStatus.COMPLETED
    assert job.creation_time == datetime.fromtimestamp(1795996800.0, tz=timezone.utc)
    assert job.optimization_environment is not None
    assert "hf_exampleSecret" not in repr(job)


@pytest.mark.parametrize("method", ["stop", "delete"])
def test_stop_and_delete_send_the_name_and_return_none(fresh_wire: Wire, method: str) -> None:
    client = OptimizationJobClient(fresh_wire.client)
    assert getattr(client, method)("my-job") is None
    operation = "StopOptimizationJob" if method == "stop" else "DeleteOptimizationJob"
    assert fresh_wire.requests == [(operation, {"OptimizationJobName": "my-job"})]


def test_list_sends_filters_as_boto3_would(fresh_wire: Wire) -> None:
    fresh_wire.reset(lambda op, body: (200, {"OptimizationJobSummaries": []}))
    client = OptimizationJobClient(fresh_wire.client)
    after = datetime(2026, 11, 1, tzinfo=timezone.utc)
    pager = client.list(
        name_contains="llama",
        status=JobStatus.COMPLETED,
        creation_time_after=after,
        sort_by="CreationTime",
        sort_order="Descending",
        page_size=25,
    )
    assert fresh_wire.requests == []  # lazy
    assert list(pager) == []
    [(operation, body)] = fresh_wire.requests
    assert operation == "ListOptimizationJobs"
    assert body == {
        "NameContains": "llama",
        "StatusEquals": "COMPLETED",
        "CreationTimeAfter": int(after.timestamp()),
        "SortBy": "CreationTime",
        "SortOrder": "Descending",
        "MaxResults": 25,
    }


# -- validation before anything is sent -------------------------------------------------


@pytest.mark.parametrize("method", ["describe", "stop", "delete", "wait"])
@pytest.mark.parametrize("name", ["", "bad_name", "-x", "a" * 64, "two words"])
def test_an_invalid_name_is_refused_before_any_call(
    fresh_wire: Wire, method: str, name: str
) -> None:
    client = OptimizationJobClient(fresh_wire.client)
    with pytest.raises(ValidationError) as caught:
        getattr(client, method)(name)
    assert caught.value.errors[0].path == "optimization_job_name"
    assert fresh_wire.requests == []


def test_an_invalid_create_request_lists_every_problem_and_sends_nothing(
    fresh_wire: Wire,
) -> None:
    request = attrs.evolve(
        awq_request(),
        optimization_job_name="bad name",
        role_arn="arn:aws:iam::1111:role/Short",
        stopping_condition=StoppingCondition(max_runtime_in_seconds=0),
    )
    with pytest.raises(ValidationError) as caught:
        OptimizationJobClient(fresh_wire.client).create(request)
    paths = {error.path for error in caught.value.errors}
    assert {
        "optimization_job_name",
        "role_arn",
        "stopping_condition.max_runtime_in_seconds",
    } <= paths
    assert fresh_wire.requests == []


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"max_items": -1}, "max_items"),
        ({"name_contains": "no spaces allowed"}, "name_contains"),
        ({"creation_time_after": "yesterday"}, "creation_time_after"),
    ],
)
def test_list_arguments_fail_fast_at_the_call(
    fresh_wire: Wire, kwargs: dict[str, Any], path: str
) -> None:
    client = OptimizationJobClient(fresh_wire.client)
    with pytest.raises(ValidationError) as caught:
        client.list(**kwargs)
    assert [error.path for error in caught.value.errors] == [path]
    assert fresh_wire.requests == []


# -- the older botocore: a superset, never a raw botocore error ------------------------


def test_a_member_the_installed_botocore_lacks_is_a_clear_validation_error(
    fresh_wire: Wire,
) -> None:
    fresh_wire.reset(lambda op, body: (200, {"OptimizationJobArn": ARN}))
    client = OptimizationJobClient(fresh_wire.client)
    request = attrs.evolve(awq_request(), max_instance_count=2)
    if installed_knows(fresh_wire.client, "CreateOptimizationJob", "MaxInstanceCount"):
        client.create(request)
        assert fresh_wire.requests[0][1]["MaxInstanceCount"] == 2
    else:
        with pytest.raises(ValidationError) as caught:
            client.create(request)
        [error] = caught.value.errors
        assert error.path == "max_instance_count"
        assert "MaxInstanceCount" in error.message
        assert "boto3" in error.message
        assert "Unknown parameter" not in str(caught.value)
        assert fresh_wire.requests == []


def test_an_older_botocore_constraint_is_a_validation_error_with_the_field_path(
    fresh_wire: Wire,
) -> None:
    # The oldest botocore's model says MaxPendingTimeInSeconds >= 7200; the newest, 1800.
    fresh_wire.reset(lambda op, body: (200, {"OptimizationJobArn": ARN}))
    client = OptimizationJobClient(fresh_wire.client)
    request = attrs.evolve(
        awq_request(),
        stopping_condition=StoppingCondition(
            max_runtime_in_seconds=7200, max_pending_time_in_seconds=1800
        ),
    )
    model = fresh_wire.client.meta.service_model
    minimum = model.shape_for("MaxPendingTimeInSeconds").metadata.get("min", 0)
    if minimum <= 1800:
        client.create(request)
        assert fresh_wire.requests[0][1]["StoppingCondition"]["MaxPendingTimeInSeconds"] == 1800
    else:
        with pytest.raises(ValidationError) as caught:
            client.create(request)
        assert isinstance(caught.value.__cause__, ParamValidationError)
        paths = [error.path for error in caught.value.errors]
        assert paths == ["stopping_condition.max_pending_time_in_seconds"]
        assert fresh_wire.requests == []


def test_param_validation_error_never_leaks() -> None:
    # Simulated on any botocore: botocore's own client-side validation refuses the call.
    sm = make_boto_client()
    wire = Wire(sm)

    def refuse(**_: Any) -> None:
        raise ParamValidationError(
            report="Invalid length for parameter OptimizationJobName, value: 70, "
            "valid max length: 63"
        )

    sm.meta.events.register("before-parameter-build.sagemaker.DescribeOptimizationJob", refuse)
    with pytest.raises(ValidationError) as caught:
        OptimizationJobClient(sm).describe("fine-name")
    assert [error.path for error in caught.value.errors] == ["optimization_job_name"]
    assert "upgrade boto3" in str(caught.value)
    assert wire.requests == []


# -- errors ----------------------------------------------------------------------------


def test_a_service_error_carries_code_message_request_id_status_and_operation(
    fresh_wire: Wire,
) -> None:
    fresh_wire.reset(lambda op, body: (400, error_body("ResourceNotFound", "Job not found")))
    with pytest.raises(JobNotFoundError) as caught:
        OptimizationJobClient(fresh_wire.client).describe("missing")
    error = caught.value
    assert error.code == "ResourceNotFound"
    assert error.message == "Job not found"
    assert error.request_id == "req-1"
    assert error.http_status == 400
    assert error.operation == "DescribeOptimizationJob"
    assert isinstance(error.__cause__, ClientError)


def test_create_of_an_existing_name(fresh_wire: Wire) -> None:
    fresh_wire.reset(lambda op, body: (400, error_body("ResourceInUse", "exists")))
    with pytest.raises(JobAlreadyExistsError):
        OptimizationJobClient(fresh_wire.client).create(awq_request())


def test_server_side_validation_is_a_service_validation_error(fresh_wire: Wire) -> None:
    fresh_wire.reset(lambda op, body: (400, error_body("ValidationException", "bad combo")))
    with pytest.raises(ServiceValidationError) as caught:
        OptimizationJobClient(fresh_wire.client).create(awq_request())
    assert caught.value.code == "ValidationException"
    assert not isinstance(caught.value, ValidationError)  # not the client-side kind


def test_no_region_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    with pytest.raises(ConfigurationError) as caught:
        OptimizationJobClient(session=boto3.session.Session())
    assert "region" in str(caught.value)
    assert type(caught.value.__cause__).__name__ == "NoRegionError"


def test_no_credentials_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for variable in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = OptimizationJobClient(region_name="us-west-2")
    with pytest.raises(ConfigurationError) as caught:
        client.describe("some-job")
    assert "credentials" in str(caught.value).lower()
    assert type(caught.value.__cause__).__name__ == "NoCredentialsError"


# -- construction ----------------------------------------------------------------------


def test_an_existing_client_is_used_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    sm = make_boto_client()
    wire = Wire(sm)
    wire.reset(lambda op, body: (200, load_example("describe-completed")))
    registered: list[Any] = []
    for method in ("register", "register_first", "register_last", "unregister"):
        monkeypatch.setattr(
            sm.meta.events, method, lambda *a, **k: registered.append((a, k)), raising=True
        )
    config_before = sm.meta.config
    client = OptimizationJobClient(sm)
    client.describe("llama3-8b-awq-2026-11-24")
    list(client.list(max_items=0))
    assert client.sagemaker_client is sm
    assert sm.meta.config is config_before
    assert registered == []
    with pytest.raises(TypeError):
        OptimizationJobClient(sm, region_name="us-east-1")


def test_a_session_or_a_region_builds_the_client() -> None:
    session = boto3.session.Session(
        aws_access_key_id="x", aws_secret_access_key="x", region_name="eu-west-1"
    )
    assert OptimizationJobClient(session=session).sagemaker_client.meta.region_name == "eu-west-1"
    by_region = OptimizationJobClient(session=session, region_name="us-east-2")
    assert by_region.sagemaker_client.meta.region_name == "us-east-2"
    assert "us-east-2" in repr(by_region)


# -- logging ---------------------------------------------------------------------------


def test_one_debug_line_per_call_without_secrets(
    fresh_wire: Wire, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "hf_exampleSecretValue0123456789"
    request = attrs.evolve(awq_request(), optimization_environment={"HF_TOKEN": secret})
    answers = iter(
        [
            (200, {"OptimizationJobArn": ARN}),
            (200, load_example("describe-completed")),
            (400, error_body("ResourceNotFound", "nope")),
        ]
    )
    fresh_wire.reset(lambda op, body: next(answers))
    client = OptimizationJobClient(fresh_wire.client)
    with caplog.at_level(logging.DEBUG, logger="optjob_sdk"):
        client.create(request)
        client.describe("llama3-8b-awq-2026-11-24")
        with pytest.raises(JobNotFoundError):
            client.stop("gone")
    ours = [record for record in caplog.records if record.name == "optjob_sdk"]
    messages = [record.getMessage() for record in ours]
    assert len(messages) == 3
    assert messages[0].startswith("CreateOptimizationJob llama3-8b-awq-2026-11-24: ok in ")
    assert messages[1].startswith("DescribeOptimizationJob llama3-8b-awq-2026-11-24: ok in ")
    assert messages[2].startswith("StopOptimizationJob gone: JobNotFoundError (ResourceNotFound)")
    assert all(record.levelno == logging.DEBUG for record in ours)
    assert all(secret not in text for text in caplog.text.splitlines())
    assert fresh_wire.requests[0][1]["OptimizationEnvironment"]["HF_TOKEN"] == secret
    assert to_dict(request)["OptimizationEnvironment"]["HF_TOKEN"] == secret
