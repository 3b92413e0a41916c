"""Input is never silently changed: strict structuring, one error listing every problem."""

from __future__ import annotations

import copy
import json
import logging
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from examples import EXAMPLES
from optjob_sdk import (
    CreateOptimizationJobRequest,
    DescribeOptimizationJobResponse,
    InstanceType,
    ListOptimizationJobsResponse,
    MaskedValueWarning,
    ModelQuantizationConfig,
    ModelSpeculativeDecodingConfig,
    OptimizationVpcConfig,
    StoppingCondition,
    Tag,
    UnknownEnumValueWarning,
    ValidationError,
    from_dict,
    to_dict,
    validate,
)

SECRET = "hf_strictTestSecret0123456789"


def request_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "awq-quantization.json").read_text())
    return data


def problems(cls: type[Any], data: Any, *, strict: bool = False) -> dict[str, str]:
    def parse() -> object:
        if strict:
            return from_dict(cls, data, strict=True)
        return from_dict(cls, data)  # the default: what boto3 answers go through

    with pytest.raises(ValidationError) as caught:
        parse()
    return {error.path: error.message for error in caught.value.errors}


# -- a wrong JSON type is refused with its path ------------------------------------------


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize(
    ("where", "value", "path", "message"),
    [
        (
            ("ModelSource", "S3", "ModelAccessConfig", "AcceptEula"),
            "false",
            "model_source.s3.model_access_config.accept_eula",
            'must be a boolean, not the string "false"',
        ),
        (
            ("ModelSource", "S3", "ModelAccessConfig", "AcceptEula"),
            0,
            "model_source.s3.model_access_config.accept_eula",
            "must be a boolean, not an integer",
        ),
        (
            ("StoppingCondition", "MaxRuntimeInSeconds"),
            "7200",
            "stopping_condition.max_runtime_in_seconds",
            'must be an integer, not the string "7200"',
        ),
        (
            ("StoppingCondition", "MaxRuntimeInSeconds"),
            7200.9,
            "stopping_condition.max_runtime_in_seconds",
            "must be an integer, not a number (7200.9)",
        ),
        (
            ("StoppingCondition", "MaxRuntimeInSeconds"),
            7200.0,
            "stopping_condition.max_runtime_in_seconds",
            "must be an integer, not a number (7200.0)",
        ),
        (
            ("StoppingCondition", "MaxRuntimeInSeconds"),
            True,
            "stopping_condition.max_runtime_in_seconds",
            "must be an integer, not a boolean",
        ),
        (("OptimizationJobName",), None, "optimization_job_name", "is required"),
        (("OptimizationJobName",), ["a"], "optimization_job_name", "must be a string, not a list"),
        (("RoleArn",), 12, "role_arn", "must be a string, not an integer"),
        (("Tags", 0, "Value"), None, "tags[0].value", "is required"),
        (("Tags", 0), "team", "tags[0]", "must be a mapping (a Tag), not a string"),
        (("Tags", 0), None, "tags[0]", "must not be null"),
        (("Tags",), {"Key": "a", "Value": "b"}, "tags", "must be a list, not a mapping"),
        (("StoppingCondition",), [7200], "stopping_condition", "must be a mapping"),
        (
            ("OptimizationConfigs", 0, "ModelQuantizationConfig", "Image"),
            ["repo/image:1"],
            "optimization_configs[0].model_quantization_config.image",
            "must be a string, not a list",
        ),
    ],
)
def test_a_wrong_json_type_is_refused_with_its_path(
    where: tuple[Any, ...], value: Any, path: str, message: str, strict: bool
) -> None:
    data = request_data()
    target: Any = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    found = problems(CreateOptimizationJobRequest, data, strict=strict)
    assert path in found, found
    assert found[path].startswith(message)


@pytest.mark.parametrize("strict", [False, True])
def test_an_environment_list_is_refused_not_turned_into_a_map(strict: bool) -> None:
    # The ECS/Kubernetes spelling; cattrs' dict() made it {"Name": "Value"}, losing the token.
    data = request_data()
    data["OptimizationEnvironment"] = [{"Name": "HF_TOKEN", "Value": SECRET}]
    found = problems(CreateOptimizationJobRequest, data, strict=strict)
    assert found == {"optimization_environment": "must be a mapping, not a list"}
    with pytest.raises(ValidationError) as caught:
        from_dict(CreateOptimizationJobRequest, data)
    assert SECRET not in str(caught.value)


def test_environment_values_of_the_wrong_type_are_named_but_never_shown() -> None:
    data = request_data()
    data["OptimizationEnvironment"] = {"HF_TOKEN": [SECRET], "N": 3, "OPTION_X": None}
    found = problems(CreateOptimizationJobRequest, data)
    assert found == {
        "optimization_environment['HF_TOKEN']": "must be a string, not a list",
        "optimization_environment['N']": "must be a string, not an integer",
        "optimization_environment['OPTION_X']": "must be a string, not null",
    }


@pytest.mark.parametrize("data", [[], "x", 3, None, True])
def test_a_non_mapping_is_a_validation_error_not_a_type_error(data: Any) -> None:
    for cls in (CreateOptimizationJobRequest, DescribeOptimizationJobResponse, Tag):
        found = problems(cls, data)
        assert list(found) == [""]
        assert found[""].startswith("must be a mapping")


def test_every_problem_at_once_structure_and_constraints_together() -> None:
    data = request_data()
    data["ModelSource"]["S3"]["ModelAccessConfig"]["AcceptEula"] = "false"  # structure
    data["RoleArn"] = "arn:aws:iam::1:role/x"  # constraint (pattern)
    data["StoppingCondition"]["MaxRuntimeInSeconds"] = 0  # constraint (min)
    data["Tags"][0]["Key"] = ""  # constraint (length)
    data["Tags"].append({"Key": "a"})  # structure (missing Value)
    data["OptimizationConfigs"].append({})  # constraint (union)
    data["OptimizationJobNme"] = "typo"  # unknown member
    with pytest.raises(ValidationError) as caught:
        from_dict(CreateOptimizationJobRequest, data, strict=True)
    paths = {error.path for error in caught.value.errors}
    assert paths == {
        "",
        "model_source.s3.model_access_config.accept_eula",
        "role_arn",
        "stopping_condition.max_runtime_in_seconds",
        "tags[0].key",
        "tags[1].value",
        "optimization_configs[1]",
    }
    unknown = [e.message for e in caught.value.errors if e.path == ""]
    assert unknown == ["unknown member 'OptimizationJobNme' (did you mean 'OptimizationJobName'?)"]


def test_strict_refuses_unknown_members_at_any_depth_the_default_ignores_them() -> None:
    data = request_data()
    data["OutputConfig"]["S3OutputLocaton"] = "s3://x/"
    data["Tags"][0]["Vaule"] = "x"
    found = problems(CreateOptimizationJobRequest, data, strict=True)
    assert found == {
        "output_config": "unknown member 'S3OutputLocaton' (did you mean 'S3OutputLocation'?)",
        "tags[0]": "unknown member 'Vaule' (did you mean 'Value'?)",
    }
    assert from_dict(CreateOptimizationJobRequest, data) == from_dict(
        CreateOptimizationJobRequest, request_data()
    )


def test_service_answers_still_parse_leniently() -> None:
    data = json.loads((EXAMPLES / "describe-completed.json").read_text())
    data["ResponseMetadata"] = {"RequestId": "r", "HTTPStatusCode": 200}
    data["SomethingNew"] = {"X": [1]}
    data["OptimizationConfigs"].append({"SDK_UNKNOWN_MEMBER": {"name": "Pruning"}})
    job = from_dict(DescribeOptimizationJobResponse, data)
    assert job.creation_time.year >= 2026
    listed = from_dict(
        ListOptimizationJobsResponse,
        {
            "OptimizationJobSummaries": [
                {
                    "OptimizationJobName": "a",
                    "OptimizationJobArn": "arn",
                    "CreationTime": "2026-01-01T00:00:00Z",
                    "OptimizationJobStatus": "COMPLETED",
                    "DeploymentInstanceType": "ml.g5.xlarge",
                    "OptimizationTypes": [],
                }
            ]
        },
    )
    assert (
        listed.optimization_job_summaries[0].deployment_instance_type is InstanceType.ML_G5_XLARGE
    )


@pytest.mark.parametrize("stamp", ["garbage", 1e20, float("nan"), True, [1]])
def test_a_broken_timestamp_is_a_validation_error(stamp: Any) -> None:
    data = json.loads((EXAMPLES / "describe-completed.json").read_text())
    data["CreationTime"] = stamp
    found = problems(DescribeOptimizationJobResponse, data)
    assert list(found) == ["creation_time"]


def test_valid_requests_load_strictly_and_round_trip() -> None:
    for name in ("awq-quantization", "neuron-compilation", "eagle-speculative-decoding"):
        data = json.loads((EXAMPLES / f"{name}.json").read_text())
        request = from_dict(CreateOptimizationJobRequest, copy.deepcopy(data), strict=True)
        assert to_dict(request) == data


# -- int32 on the wire ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2**31, "2147483648"),
        (-(2**31) - 1, "-2147483649"),
        (10**5000, "a number of about 5,001 digits"),
        (-(10**5000), "-a number of about 5,001 digits"),
    ],
    ids=["int32-max+1", "int32-min-1", "5001-digits", "minus-5001-digits"],
)
def test_integers_past_int32_are_clean_validation_errors(value: int, shown: str) -> None:
    expected = f"{shown} does not fit the wire type, a 32-bit integer (-2147483648 to 2147483647)"
    condition = StoppingCondition(max_runtime_in_seconds=value)
    with pytest.raises(ValidationError) as caught:
        validate(condition)
    assert [(e.path, e.message) for e in caught.value.errors] == [
        ("max_runtime_in_seconds", expected)
    ]
    for strict in (False, True):
        found = problems(StoppingCondition, {"MaxRuntimeInSeconds": value}, strict=strict)
        assert found == {"max_runtime_in_seconds": expected}
    # The largest int32 is fine: no maximum in the model, so the wire type is the limit.
    validate(StoppingCondition(max_runtime_in_seconds=2**31 - 1))


# -- unknown enum values in a request: one warning, that says where the value came from -----


def test_an_unknown_instance_type_in_a_request_warns_once_and_never_says_the_service_sent_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = request_data()
    data["DeploymentInstanceType"] = "ml.g5.12xlarg"
    caplog.set_level(logging.DEBUG, logger="optjob_sdk")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        request = from_dict(CreateOptimizationJobRequest, data, strict=True)
    assert request.deployment_instance_type == "ml.g5.12xlarg"
    assert caplog.records == []  # no log record beside the warning
    assert len(caught) == 1
    assert caught[0].category is UnknownEnumValueWarning
    text = str(caught[0].message)
    assert "service sent" not in text
    assert "the request's 'ml.g5.12xlarg'" in text
    assert "did you mean 'ml.g5.12xlarge'" in text
    assert caught[0].filename == __file__  # attributed to the caller, not to the SDK


def test_the_cli_prints_the_unknown_instance_type_warning_once(tmp_path: Path) -> None:
    data = request_data()
    data["DeploymentInstanceType"] = "ml.g5.12xlarg"
    path = tmp_path / "job.json"
    path.write_text(json.dumps(data))
    code = (
        "import sys\n"
        "from optjob_sdk.cli import main\n"
        "from optjob_sdk.testing import FakeOptimizationService\n"
        "from optjob_sdk import OptimizationJobClient\n"
        "service = FakeOptimizationService()\n"
        "sys.exit(main(['create', '--file', sys.argv[1]],"
        " client_factory=lambda options: OptimizationJobClient(service.client())))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [line for line in result.stderr.splitlines() if line.startswith("optjob: warning")]
    assert len(lines) == 1, result.stderr
    assert "service sent" not in result.stderr
    assert "the request's" in lines[0]


def test_an_unknown_status_in_an_answer_is_logged_as_the_services(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = json.loads((EXAMPLES / "describe-completed.json").read_text())
    data["OptimizationJobStatus"] = "STRICT_TEST_NEW_STATUS"
    caplog.set_level(logging.WARNING, logger="optjob_sdk")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an answer warns nobody: it is logged
        job = from_dict(DescribeOptimizationJobResponse, data)
    assert type(job.optimization_job_status) is str
    [record] = [r for r in caplog.records if "STRICT_TEST_NEW_STATUS" in r.getMessage()]
    assert "the service's answer" in record.getMessage()


# -- constructors never crash where validate explains ----------------------------------------

# Built in the test, not at import: before the fix, some constructors raised.
BAD_MODELS: list[tuple[Callable[[], Any], str, str]] = [
    (
        lambda: ModelQuantizationConfig(override_environment={1: "x"}),  # type: ignore[dict-item]
        "override_environment[1] (key)",
        "must be a string, not an integer",
    ),
    (
        lambda: ModelQuantizationConfig(override_environment={"HF_TOKEN": [SECRET]}),  # type: ignore[dict-item]
        "override_environment['HF_TOKEN']",
        "must be a string, not a list",
    ),
    (
        lambda: ModelQuantizationConfig(
            override_environment=[{"Name": "HF_TOKEN", "Value": SECRET}]  # type: ignore[arg-type]
        ),
        "override_environment",
        "must be a mapping, not a list",
    ),
    (
        lambda: Tag(key=["a"], value={"b": 1}),  # type: ignore[arg-type]
        "key",
        "must be a string, not a list",
    ),
    (
        lambda: OptimizationVpcConfig(security_group_ids="sg-1", subnets=["a"]),  # type: ignore[arg-type]
        "security_group_ids",
        "must be a list, not a string",
    ),
    (
        lambda: OptimizationVpcConfig(security_group_ids=5, subnets=["a"]),  # type: ignore[arg-type]
        "security_group_ids",
        "must be a list, not an integer",
    ),
    (
        lambda: StoppingCondition(max_runtime_in_seconds=10**5000),
        "max_runtime_in_seconds",
        "a number of about 5,001 digits does not fit the wire type",
    ),
    (
        lambda: ModelSpeculativeDecodingConfig(technique=["EAGLE"]),  # type: ignore[arg-type]
        "technique",
        "must be a string, not a list",
    ),
]


@pytest.mark.parametrize(
    ("build", "path", "message"), BAD_MODELS, ids=[p for _, p, _ in BAD_MODELS]
)
def test_models_built_with_bad_values_repr_hash_and_compare_and_validate_explains(
    build: Callable[[], Any], path: str, message: str
) -> None:
    model = build()
    for text in (repr(model), str(model), f"{model}"):
        assert SECRET not in text
    assert isinstance(hash(model), int)
    assert model == build()
    assert hash(model) == hash(build())
    with pytest.raises(ValidationError) as caught:
        validate(model)
    found = {e.path: e.message for e in caught.value.errors}
    assert path in found, found
    assert found[path].startswith(message)
    assert SECRET not in str(caught.value)


def test_a_list_given_for_a_map_is_kept_as_given_not_turned_into_a_map() -> None:
    given = [{"Name": "HF_TOKEN", "Value": SECRET}]
    config = ModelQuantizationConfig(override_environment=given)  # type: ignore[arg-type]
    assert config.override_environment == given


# -- "***", the mask optjob prints for secrets, fed back as input ----------------------------


def test_the_secret_placeholder_as_an_input_value_warns_naming_every_path() -> None:
    data = request_data()
    data["OptimizationEnvironment"] = {"HF_TOKEN": "***", "OTHER": "***"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        request = from_dict(CreateOptimizationJobRequest, data, strict=True)
        validate(request)  # checked already: no second warning
    assert request.optimization_environment == {"HF_TOKEN": "***", "OTHER": "***"}
    [warning] = caught
    assert warning.category is MaskedValueWarning
    assert str(warning.message).startswith(
        "optimization_environment['HF_TOKEN'], optimization_environment['OTHER']: '***' is the "
        "placeholder optjob prints for a hidden secret"
    )
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        validate(attrs.evolve(request))  # a new model: checked, and warned about, afresh
    assert [w.category for w in again] == [MaskedValueWarning]
