"""The model layer on realistic data: examples, validation messages, redaction, parsing."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest

import optjob_sdk
from examples import EXAMPLES
from optjob_sdk import (
    CreateOptimizationJobRequest,
    DescribeOptimizationJobResponse,
    EnvironmentMap,
    InstanceType,
    JobStatus,
    ModelQuantizationConfig,
    OptimizationConfig,
    StoppingCondition,
    Tag,
    UnknownEnumValueWarning,
    ValidationError,
    from_dict,
    to_dict,
    validate,
)
from optjob_sdk._patterns import SKIPPED_PLANES, UnsupportedPatternError, full_matcher, translate

EXAMPLE_REQUEST = (
    Path(__file__).resolve().parents[1] / "data" / "examples" / "awq-quantization.json"
)

REQUESTS = [
    "awq-quantization",
    "fp8-trtllm-compilation",
    "neuron-compilation",
    "eagle-speculative-decoding",
]
SECRET = "hf_exampleSecretValue0123456789"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return data


@pytest.mark.parametrize("name", REQUESTS)
def test_example_requests_round_trip_and_validate(name: str) -> None:
    data = load(name)
    request = from_dict(CreateOptimizationJobRequest, data)
    assert to_dict(request) == data
    validate(request)


def test_bad_request_reports_all_seven_mistakes_with_paths() -> None:
    request = from_dict(CreateOptimizationJobRequest, load("bad-request"))
    with pytest.raises(ValidationError) as caught:
        validate(request)
    assert [error.path for error in caught.value.errors] == [
        "optimization_job_name",
        "role_arn",
        "model_source.s3.s3_uri",
        "optimization_configs[0]",
        "optimization_configs[1].model_compilation_config.image",
        "stopping_condition.max_runtime_in_seconds",
        "tags[0].key",
    ]
    message = str(caught.value)
    assert message.startswith("7 problems in the CreateOptimizationJobRequest")
    assert "model_quantization_config, model_compilation_config" in message
    assert isinstance(caught.value, ValueError)


def test_describe_example_parses_with_epoch_timestamps() -> None:
    job = from_dict(DescribeOptimizationJobResponse, load("describe-completed"))
    assert job.optimization_job_status is JobStatus.COMPLETED
    assert job.creation_time == datetime.fromtimestamp(1795996800.0, tz=timezone.utc)
    assert job.optimization_end_time is not None
    assert job.optimization_end_time > job.creation_time
    assert job.deployment_instance_type is InstanceType.ML_G5_12XLARGE


def test_repr_and_str_mask_environment_values_but_keep_keys() -> None:
    job = from_dict(DescribeOptimizationJobResponse, load("describe-completed"))
    for text in (repr(job), str(job), repr(job.optimization_environment), f"{job}"):
        assert SECRET not in text
        assert "'HF_TOKEN': '***'" in text
    config = job.optimization_configs[0].model_quantization_config
    assert config is not None
    assert "'OPTION_QUANTIZE': 'awq'" in repr(config)
    # The data itself is untouched, and is what is sent.
    assert job.optimization_environment is not None
    assert job.optimization_environment["HF_TOKEN"] == SECRET
    assert to_dict(job)["OptimizationEnvironment"]["HF_TOKEN"] == SECRET


def test_validation_messages_never_show_environment_values() -> None:
    secret = "s3cr3t-" + "x" * 300
    config = ModelQuantizationConfig(override_environment={"HF_TOKEN": secret, "": "v"})
    with pytest.raises(ValidationError) as caught:
        validate(config)
    paths = [error.path for error in caught.value.errors]
    assert "override_environment['HF_TOKEN']" in paths
    assert "override_environment[''] (key)" in paths
    assert "s3cr3t" not in str(caught.value)


def test_models_take_any_iterable_and_mapping_and_stay_hashable() -> None:
    vpc = optjob_sdk.OptimizationVpcConfig(security_group_ids=["sg-1"], subnets=iter(["a", "b"]))
    assert vpc.security_group_ids == ("sg-1",)
    assert vpc.subnets == ("a", "b")
    config = ModelQuantizationConfig(override_environment={"OPTION_QUANTIZE": "awq"})
    assert isinstance(config.override_environment, EnvironmentMap)
    assert config.override_environment == {"OPTION_QUANTIZE": "awq"}
    same = ModelQuantizationConfig(override_environment=EnvironmentMap({"OPTION_QUANTIZE": "awq"}))
    assert config == same
    assert hash(config) == hash(same)
    assert len({config, same}) == 1
    with pytest.raises(TypeError):
        config.override_environment["X"] = "y"  # type: ignore[index]


def test_enum_fields_take_strings_and_store_members() -> None:
    tag_free = StoppingCondition(max_runtime_in_seconds=10)
    assert tag_free.max_pending_time_in_seconds is None
    request = attrs.evolve(
        from_dict(CreateOptimizationJobRequest, load("awq-quantization")),
        deployment_instance_type="ml.g6e.xlarge",
    )
    assert request.deployment_instance_type is InstanceType.ML_G6E_XLARGE


def test_newer_instance_type_in_a_request_warns_with_close_values() -> None:
    request = attrs.evolve(
        from_dict(CreateOptimizationJobRequest, load("awq-quantization")),
        deployment_instance_type="ml.g6e.96xlarge",
    )
    assert request.deployment_instance_type == "ml.g6e.96xlarge"
    with pytest.warns(UnknownEnumValueWarning, match=r"ml\.g6e\.96xlarge.*did you mean") as got:
        validate(request)  # no error
    assert "ml.g6e." in str(got[0].message)
    assert to_dict(request)["DeploymentInstanceType"] == "ml.g6e.96xlarge"


def test_unknown_enum_value_from_the_service_is_a_str_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = load("describe-completed")
    data["OptimizationJobStatus"] = "PAUSED_FOR_TEST"
    caplog.set_level(logging.WARNING, logger="optjob_sdk")
    first = from_dict(DescribeOptimizationJobResponse, data)
    second = from_dict(DescribeOptimizationJobResponse, data)
    assert first.optimization_job_status == "PAUSED_FOR_TEST"
    assert type(first.optimization_job_status) is str
    assert first == second
    records = [r for r in caplog.records if "PAUSED_FOR_TEST" in r.getMessage()]
    assert len(records) == 1
    data["OptimizationJobStatus"] = "RESUMING_FOR_TEST"
    from_dict(DescribeOptimizationJobResponse, data)
    assert len([r for r in caplog.records if "RESUMING_FOR_TEST" in r.getMessage()]) == 1


def test_unknown_members_metadata_and_sdk_unknown_member_are_ignored() -> None:
    data = load("describe-completed")
    data["ResponseMetadata"] = {"RequestId": "r-1", "HTTPStatusCode": 200}
    data["BrandNewMember"] = {"Nested": [1, 2]}
    data["OptimizationConfigs"].append({"SDK_UNKNOWN_MEMBER": {"name": "ModelPruningConfig"}})
    job = from_dict(DescribeOptimizationJobResponse, data)
    assert len(job.optimization_configs) == 2
    assert job.optimization_configs[1] == OptimizationConfig()


def test_responses_are_never_refused_for_constraints() -> None:
    data = load("describe-completed")
    data["OptimizationJobName"] = "not a valid name!"  # the service is the authority
    data["FailureReason"] = "x" * 5000
    job = from_dict(DescribeOptimizationJobResponse, data)
    assert job.optimization_job_name == "not a valid name!"


def test_structurally_broken_data_is_a_clear_error() -> None:
    data = load("describe-completed")
    del data["OptimizationJobArn"]
    with pytest.raises(ValidationError, match="optimization_job_arn"):
        from_dict(DescribeOptimizationJobResponse, data)


def test_type_errors_are_reported_not_raised() -> None:
    condition = StoppingCondition(max_runtime_in_seconds="10")  # type: ignore[arg-type]
    tag = Tag(key=True, value="v")  # type: ignore[arg-type]
    for model, path, text in (
        (condition, "max_runtime_in_seconds", 'must be an integer, not the string "10"'),
        (tag, "key", "must be a string, not a boolean"),
    ):
        with pytest.raises(ValidationError) as caught:
            validate(model)
        assert [(e.path, e.message) for e in caught.value.errors] == [(path, text)]


def test_to_dict_leaves_out_unset_members_and_keeps_datetimes() -> None:
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    request = optjob_sdk.ListOptimizationJobsRequest(creation_time_after=when, sort_by="Name")
    assert to_dict(request) == {"CreationTimeAfter": when, "SortBy": "Name"}
    assert type(to_dict(request)["SortBy"]) is str


def test_import_is_cheap_and_lazy() -> None:
    code = (
        "import sys, optjob_sdk; "
        "heavy = [m for m in ('boto3', 'botocore', 'cattrs', 'tenacity', 'attrs') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert "OptimizationJobClient" in dir(optjob_sdk)
    with pytest.raises(AttributeError):
        _ = optjob_sdk.NoSuchName  # type: ignore[attr-defined]


# -- Java patterns ----------------------------------------------------------------------


def test_java_semantics_of_classes_and_dot() -> None:
    assert full_matcher(r"\d{3}")("123")
    assert not full_matcher(r"\d{3}")("١٢٣")  # Arabic-Indic digits: not Java's \d
    assert full_matcher(r"[\S]+")("a\u00a0b") is not False  # NBSP is not Java \s
    assert not full_matcher(r"[\S]+")("a b")
    assert not full_matcher(".*")("a\u2028b")  # a Java line terminator
    assert full_matcher(r"[\p{L}]+")("éßΩ日")
    assert not full_matcher(r"[\p{L}]+")("a1")


def test_unknown_constructs_are_refused_loudly() -> None:
    for pattern in (r"\bword", r"\p{Lu}", "[a[b]]"):
        with pytest.raises(UnsupportedPatternError):
            translate(pattern)


def test_the_skipped_planes_hold_no_letters_separators_or_numbers() -> None:
    # The category scan skips planes 4-13; prove the shortcut on this Python's Unicode.
    found = [code for code in SKIPPED_PLANES if unicodedata.category(chr(code))[0] in "LZN"]
    assert found == []


def test_the_unicode_table_is_this_pythons_unicode() -> None:
    """_unicode.RANGES (generated) holds exactly what a scan of this Python's unicodedata
    finds; a Python whose Unicode is missing fails here: run scripts/generate_unicode.py."""
    from optjob_sdk._patterns import scan_category_ranges
    from optjob_sdk._unicode import RANGES

    table = RANGES.get(unicodedata.unidata_version)
    assert table is not None, f"no table for Unicode {unicodedata.unidata_version}"
    pairs = {major: list(zip(b[::2], b[1::2], strict=True)) for major, b in table.items()}
    assert pairs == scan_category_ranges()


def test_create_describe_stop_and_delete_load_no_waiter_no_sweep_and_no_cattrs() -> None:
    """A process that only creates and describes (a CLI call, a Lambda function) pays for
    none of the waiter (tenacity), the sweep machinery or cattrs: they load at the first
    wait, sweep or listing. (difflib, for the SDK's suggestions, loads at the first mistake;
    the emulator used here imports it for its own.)"""
    code = (
        "import sys, json\n"
        "from optjob_sdk import OptimizationJobClient, load_request\n"
        "from optjob_sdk.testing import FakeOptimizationService\n"
        "service = FakeOptimizationService()\n"
        "client = OptimizationJobClient(service.client())\n"
        f"request = load_request({str(EXAMPLE_REQUEST)!r})\n"
        "client.create(request)\n"
        "client.describe(request.optimization_job_name)\n"
        "client.stop(request.optimization_job_name)\n"
        "loaded = [m for m in ('tenacity', 'cattrs', 'optjob_sdk._many',\n"
        "    'optjob_sdk._waits', 'optjob_sdk.waiting', 'optjob_sdk._schedule',\n"
        "    'optjob_sdk._progress') if m in sys.modules]\n"
        "print(json.dumps(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
