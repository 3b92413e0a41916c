"""The superset check against a botocore model that lacks members (on any installed botocore).

The newest members are cut out of the installed model here, so these tests exercise the
older-botocore path under the newest botocore as well.
"""

from __future__ import annotations

import copy
from typing import Any

import botocore.session  # type: ignore[import-untyped]
import pytest
from botocore.model import ServiceModel  # type: ignore[import-untyped]
from wire_support import Wire, error_body, load_example

from optjob_sdk import (
    CreateOptimizationJobRequest,
    JobNotFoundError,
    OptimizationJobClient,
    ValidationError,
    from_dict,
)
from optjob_sdk import _client_compat as compat


@pytest.fixture(scope="module")
def trimmed_model() -> ServiceModel:
    loader = botocore.session.get_session().get_component("data_loader")
    data = copy.deepcopy(loader.load_service_model("sagemaker", "service-2"))
    shapes = data["shapes"]
    shapes["CreateOptimizationJobRequest"]["members"].pop("MaxInstanceCount", None)
    shapes["OptimizationConfig"]["members"].pop("ModelSpeculativeDecodingConfig", None)
    return ServiceModel(data, "sagemaker")


def eagle_request() -> CreateOptimizationJobRequest:
    return from_dict(CreateOptimizationJobRequest, load_example("eagle-speculative-decoding"))


def test_members_the_model_lacks_are_named_with_their_paths(trimmed_model: ServiceModel) -> None:
    with pytest.raises(ValidationError) as caught:
        compat.check_supported(trimmed_model, "CreateOptimizationJob", eagle_request())
    paths = {error.path for error in caught.value.errors}
    assert "max_instance_count" in paths
    assert "optimization_configs[0].model_speculative_decoding_config" in paths
    messages = {error.path: error.message for error in caught.value.errors}
    # The release that added each member, from scripts/since.json (bisected over botocore).
    assert "boto3 1.41.2" in messages["max_instance_count"]
    assert "boto3 1.41.2" in messages["optimization_configs[0].model_speculative_decoding_config"]


def test_without_a_recorded_release_the_message_still_guides(
    trimmed_model: ServiceModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compat, "SINCE", {})
    with pytest.raises(ValidationError) as caught:
        compat.check_supported(trimmed_model, "CreateOptimizationJob", eagle_request())
    assert all("a newer boto3" in error.message for error in caught.value.errors)


def test_the_since_table_names_the_release(
    trimmed_model: ServiceModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        compat,
        "SINCE",
        {
            "CreateOptimizationJobRequest.MaxInstanceCount": "1.38.7",
            "ModelSpeculativeDecodingConfig": "1.39.1",
        },
    )
    with pytest.raises(ValidationError) as caught:
        compat.check_supported(trimmed_model, "CreateOptimizationJob", eagle_request())
    messages = {error.path: error.message for error in caught.value.errors}
    assert "boto3 1.38.7" in messages["max_instance_count"]
    assert "boto3 1.39.1" in messages["optimization_configs[0].model_speculative_decoding_config"]


def test_a_request_without_new_members_passes(trimmed_model: ServiceModel) -> None:
    request = from_dict(CreateOptimizationJobRequest, load_example("awq-quantization"))
    compat.check_supported(trimmed_model, "CreateOptimizationJob", request)


def test_the_model_is_walked_once_per_operation(
    trimmed_model: ServiceModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = ServiceModel(copy.deepcopy(trimmed_model._service_description), "sagemaker")
    calls: list[str] = []
    real = compat._covers

    def counting(cls: type[Any], shape: Any, seen: frozenset[str]) -> bool:
        calls.append(cls.__name__)
        return real(cls, shape, seen)

    monkeypatch.setattr(compat, "_covers", counting)
    request = from_dict(CreateOptimizationJobRequest, load_example("awq-quantization"))
    for _ in range(3):
        compat.check_supported(model, "CreateOptimizationJob", request)
    assert calls.count("CreateOptimizationJobRequest") == 1
    assert compat._cache[model]["CreateOptimizationJob"].complete is False


def test_the_installed_model_is_complete_for_the_newest_botocore(wire: Wire) -> None:
    # On the newest botocore nothing is walked per call; on an older one, the walk runs.
    model = wire.client.meta.service_model
    known = compat._known(model, "CreateOptimizationJob", CreateOptimizationJobRequest)
    members = model.operation_model("CreateOptimizationJob").input_shape.members
    newest_members = {"MaxInstanceCount", "TrainingPlanArns"}
    assert known.complete == (newest_members <= set(members))
    for operation in ("DescribeOptimizationJob", "StopOptimizationJob", "DeleteOptimizationJob"):
        request_cls = compat._MODEL_CLASSES[f"{operation}Request"]
        assert compat._known(model, operation, request_cls).complete


# -- wait delegates to the waiter ------------------------------------------------------


def test_wait_validates_then_delegates_with_a_describe_that_raises_mapped_errors(
    fresh_wire: Wire, monkeypatch: pytest.MonkeyPatch
) -> None:
    received: dict[str, Any] = {}

    def wait_for_job(describe: Any, name: str, **kwargs: Any) -> Any:
        received.update(kwargs, name=name)
        with pytest.raises(JobNotFoundError):
            describe(name)  # the first answer: not found yet (eventual consistency)
        return describe(name)

    monkeypatch.setattr("optjob_sdk.waiting.wait_for_job", wait_for_job)  # loaded at the first wait
    answers = iter(
        [(400, error_body("ResourceNotFound")), (200, load_example("describe-completed"))]
    )
    fresh_wire.reset(lambda op, body: next(answers))

    def on_update(job: object) -> None: ...

    def sleep(seconds: float) -> None: ...

    job = OptimizationJobClient(fresh_wire.client).wait(
        "llama3-8b-awq-2026-11-24",
        timeout=600.0,
        poll_interval=5.0,
        max_poll_interval=60.0,
        on_update=on_update,
        progress=False,
        sleep=sleep,
    )
    assert job.optimization_job_name == "llama3-8b-awq-2026-11-24"
    assert received == {
        "name": "llama3-8b-awq-2026-11-24",
        "timeout": 600.0,
        "poll_interval": 5.0,
        "max_poll_interval": 60.0,
        "on_update": on_update,
        "progress": False,
        "sleep": sleep,
        "clock": None,
        "rng": None,
    }
    assert fresh_wire.operations() == ["DescribeOptimizationJob"] * 2
