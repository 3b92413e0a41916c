"""OptimizationConfigsBuilder: the recipes, the API's limits as errors, the rules as warnings."""

from __future__ import annotations

import warnings

import attrs
import pytest
from wire_support import Wire, installed_knows, load_example

from optjob_sdk import (
    CombinationWarning,
    CreateOptimizationJobRequest,
    OptimizationConfigsBuilder,
    OptimizationJobClient,
    SpeculativeDecodingS3DataType,
    ValidationError,
    from_dict,
    to_dict,
)

LMI = "763104351884.dkr.ecr.us-west-2.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124"
TRTLLM = "763104351884.dkr.ecr.us-west-2.amazonaws.com/djl-inference:0.29.0-tensorrtllm0.11.0-cu124"


def wire_configs(name: str) -> list[object]:
    configs: list[object] = load_example(name)["OptimizationConfigs"]
    return configs


def as_wire(builder: OptimizationConfigsBuilder, **kwargs: object) -> list[object]:
    return [to_dict(config) for config in builder.build(**kwargs)]  # type: ignore[arg-type]


# -- the recipes reproduce the example requests -----------------------------------------


def test_awq_recipe_matches_the_example() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        built = as_wire(OptimizationConfigsBuilder().quantization(image=LMI, method="awq"))
    assert built == wire_configs("awq-quantization")


def test_fp8_trtllm_recipe_matches_the_example() -> None:
    builder = (
        OptimizationConfigsBuilder(instance_type="ml.g6e.12xlarge")
        .quantization(method="fp8", env={"OPTION_TENSOR_PARALLEL_DEGREE": "4"})
        .compilation(
            image=TRTLLM,
            env={
                "OPTION_ROLLING_BATCH": "trtllm",
                "OPTION_TENSOR_PARALLEL_DEGREE": "4",
                "OPTION_MAX_INPUT_LEN": "4096",
                "OPTION_MAX_OUTPUT_LEN": "1024",
                "OPTION_MAX_ROLLING_BATCH_SIZE": "64",
            },
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert as_wire(builder) == wire_configs("fp8-trtllm-compilation")
    assert len(builder) == 2
    assert "quantization, compilation" in repr(builder)


def test_neuron_recipe_matches_the_example() -> None:
    env = {
        "OPTION_TENSOR_PARALLEL_DEGREE": "24",
        "OPTION_N_POSITIONS": "8192",
        "OPTION_DTYPE": "fp16",
        "OPTION_ROLLING_BATCH": "auto",
        "OPTION_MAX_ROLLING_BATCH_SIZE": "4",
        "OPTION_NEURON_OPTIMIZE_LEVEL": "2",
    }
    builder = OptimizationConfigsBuilder(instance_type="ml.inf2.48xlarge").compilation(env=env)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert as_wire(builder) == wire_configs("neuron-compilation")


def test_eagle_recipe_with_training_data_matches_the_example() -> None:
    builder = OptimizationConfigsBuilder().speculative_decoding(
        training_data_s3_uri="s3://example-data/eagle-train/"
    )
    assert as_wire(builder) == wire_configs("eagle-speculative-decoding")


def test_eagle_without_training_data_and_with_a_manifest() -> None:
    assert as_wire(OptimizationConfigsBuilder().speculative_decoding()) == [
        {"ModelSpeculativeDecodingConfig": {"Technique": "EAGLE"}}
    ]
    [config] = (
        OptimizationConfigsBuilder()
        .speculative_decoding(
            training_data_s3_uri="s3://b/manifest.json",
            s3_data_type=SpeculativeDecodingS3DataType.MANIFEST_FILE,
        )
        .build()
    )
    source = config.model_speculative_decoding_config.training_data_source  # type: ignore[union-attr]
    assert source is not None
    assert source.s3_data_type is SpeculativeDecodingS3DataType.MANIFEST_FILE


def test_sharding_writes_the_tensor_parallel_degree() -> None:
    assert as_wire(OptimizationConfigsBuilder().sharding(tensor_parallel_degree=8)) == [
        {"ModelShardingConfig": {"OverrideEnvironment": {"OPTION_TENSOR_PARALLEL_DEGREE": "8"}}}
    ]


def test_each_call_holds_one_technique_and_build_is_a_tuple() -> None:
    builder = OptimizationConfigsBuilder().quantization(method="awq").compilation()
    with pytest.warns(CombinationWarning):
        configs = builder.speculative_decoding().build()
    assert isinstance(configs, tuple)
    for config in configs:
        set_members = [v for v in attrs.asdict(config, recurse=False).values() if v is not None]
        assert len(set_members) == 1


def test_the_built_configs_are_sent_as_is(wire: Wire) -> None:
    wire.reset(
        lambda op, body: (
            200,
            {"OptimizationJobArn": "arn:aws:sagemaker:us-west-2:111122223333:optimization-job/x"},
        )
    )
    request = from_dict(CreateOptimizationJobRequest, load_example("awq-quantization"))
    configs = OptimizationConfigsBuilder().quantization(image=LMI, method="awq").build()
    OptimizationJobClient(wire.client).create(attrs.evolve(request, optimization_configs=configs))
    assert wire.requests[0][1]["OptimizationConfigs"] == wire_configs("awq-quantization")
    assert installed_knows(wire.client, "CreateOptimizationJob", "OptimizationConfigs")


# -- the API's limits are errors ---------------------------------------------------------


def test_the_eleventh_config_is_an_error_naming_its_index() -> None:
    builder = OptimizationConfigsBuilder()
    for _ in range(10):
        builder.compilation()
    with pytest.raises(ValidationError) as caught:
        builder.quantization(method="awq")
    [error] = caught.value.errors
    assert error.path == "optimization_configs[10]"
    assert "10" in error.message
    assert len(builder) == 10


def test_environment_map_limits_come_from_the_validation_layer() -> None:
    too_many = {f"OPTION_K{i}": "v" for i in range(26)}
    with pytest.raises(ValidationError) as caught:
        OptimizationConfigsBuilder().compilation(env=too_many)
    assert caught.value.errors[0].path == (
        "optimization_configs[0].model_compilation_config.override_environment"
    )
    assert "25" in caught.value.errors[0].message

    builder = OptimizationConfigsBuilder().compilation()
    with pytest.raises(ValidationError) as caught:
        builder.quantization(env={"HF_TOKEN": "x" * 257, "": "v"})
    paths = {error.path for error in caught.value.errors}
    assert (
        "optimization_configs[1].model_quantization_config.override_environment['HF_TOKEN']"
        in paths
    )
    assert any(path.endswith("(key)") for path in paths)
    assert "x" * 257 not in str(caught.value)  # a value is never shown
    assert len(builder) == 1  # the refused config was not appended


def test_an_image_with_spaces_is_an_error() -> None:
    with pytest.raises(ValidationError) as caught:
        OptimizationConfigsBuilder().compilation(image="an image with spaces")
    assert caught.value.errors[0].path == "optimization_configs[0].model_compilation_config.image"


@pytest.mark.parametrize(
    ("make", "path", "words"),
    [
        (
            lambda b: b.quantization(method="awq", env={"OPTION_QUANTIZE": "fp8"}),
            "optimization_configs[0].model_quantization_config.override_environment['OPTION_QUANTIZE']",
            ("method", "'awq'", "'fp8'"),
        ),
        (
            lambda b: b.sharding(
                tensor_parallel_degree=4, env={"OPTION_TENSOR_PARALLEL_DEGREE": "8"}
            ),
            "optimization_configs[0].model_sharding_config.override_environment"
            "['OPTION_TENSOR_PARALLEL_DEGREE']",
            ("tensor_parallel_degree", "'4'", "'8'"),
        ),
        (
            lambda b: b.sharding(tensor_parallel_degree=0),
            "optimization_configs[0].model_sharding_config.tensor_parallel_degree",
            (">= 1",),
        ),
        (
            lambda b: b.quantization(method=""),
            "optimization_configs[0].model_quantization_config.method",
            ("non-empty",),
        ),
        (
            lambda b: b.speculative_decoding(s3_data_type="S3Prefix"),
            "optimization_configs[0].model_speculative_decoding_config.training_data_source",
            ("training_data_s3_uri",),
        ),
        (
            lambda b: b.speculative_decoding(training_data_s3_uri="bucket/no-scheme"),
            "optimization_configs[0].model_speculative_decoding_config.training_data_source.s3_uri",
            ("s3://",),
        ),
    ],
)
def test_argument_errors(make: object, path: str, words: tuple[str, ...]) -> None:
    builder = OptimizationConfigsBuilder()
    with pytest.raises(ValidationError) as caught:
        make(builder)  # type: ignore[operator]
    [error] = caught.value.errors
    assert error.path == path
    for word in words:
        assert word in error.message
    assert len(builder) == 0


def test_a_knob_that_agrees_with_env_is_fine() -> None:
    [config] = (
        OptimizationConfigsBuilder()
        .quantization(method="awq", env={"OPTION_QUANTIZE": "awq"})
        .build()
    )
    assert config.model_quantization_config is not None
    assert dict(config.model_quantization_config.override_environment or {}) == {
        "OPTION_QUANTIZE": "awq"
    }


# -- the service's combination rules are warnings ---------------------------------------


def test_sharding_with_anything_else_warns() -> None:
    builder = (
        OptimizationConfigsBuilder().sharding(tensor_parallel_degree=8).quantization(method="awq")
    )
    with pytest.warns(CombinationWarning) as record:
        configs = builder.build()
    assert len(configs) == 2  # the request is left as it is
    [warning] = record
    text = str(warning.message)
    assert "sharding" in text
    assert "quantization" in text
    assert "stand alone" in text
    assert "service enforces" in text
    assert "changed" in text
    assert warning.filename == __file__  # points at the caller's build()


def test_compilation_with_speculative_decoding_warns() -> None:
    builder = OptimizationConfigsBuilder().compilation().speculative_decoding()
    with pytest.warns(
        CombinationWarning, match="compilation is combined with speculative decoding"
    ):
        builder.build()


@pytest.mark.parametrize("instance_type", ["ml.inf2.48xlarge", "ml.trn1.32xlarge"])
def test_quantization_on_neuron_warns_with_the_instance_type_from_either_place(
    instance_type: str,
) -> None:
    with pytest.warns(CombinationWarning, match=f"{instance_type}.*Neuron"):
        OptimizationConfigsBuilder(instance_type=instance_type).quantization(method="awq").build()
    with pytest.warns(CombinationWarning, match="Neuron"):
        OptimizationConfigsBuilder().quantization(method="awq").build(instance_type=instance_type)
    # build()'s instance type overrides the constructor's
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        OptimizationConfigsBuilder(instance_type=instance_type).quantization(method="awq").build(
            instance_type="ml.g5.12xlarge"
        )


def test_allowed_combinations_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        OptimizationConfigsBuilder(instance_type="ml.g5.12xlarge").quantization(
            method="awq"
        ).compilation().build()
        OptimizationConfigsBuilder().quantization(method="awq").speculative_decoding().build()
        OptimizationConfigsBuilder().sharding(tensor_parallel_degree=2).build()
        OptimizationConfigsBuilder().quantization(method="awq").build()  # no instance type known


def test_combination_warning_is_exported_and_a_user_warning() -> None:
    import optjob_sdk

    assert optjob_sdk.CombinationWarning is CombinationWarning
    assert issubclass(CombinationWarning, UserWarning)


def test_the_docstring_recipes_run() -> None:
    import doctest

    from optjob_sdk import builder, client, paging

    for module in (builder, client, paging):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
    assert doctest.testmod(builder).attempted >= 10
