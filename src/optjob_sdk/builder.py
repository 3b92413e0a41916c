"""``OptimizationConfigsBuilder``: the ``OptimizationConfigs`` of a job, one technique a call.

Each call appends one :class:`OptimizationConfig` holding exactly one technique; ``env`` is
that technique's ``OverrideEnvironment`` and the typed knobs write the LMI container's
variables for you (``method`` -> ``OPTION_QUANTIZE``, ``tensor_parallel_degree`` ->
``OPTION_TENSOR_PARALLEL_DEGREE``).

The API's own limits are errors, raised by the call that breaks them
(:class:`~optjob_sdk.ValidationError`, with paths such as ``optimization_configs[10]``): at
most 10 configs, the environment-map limits (25 entries, key and value lengths and
patterns), a training-data type without a URI. The combination rules the service enforces
server-side, which have changed over time, are :class:`CombinationWarning` s from
:meth:`~OptimizationConfigsBuilder.build` that explain themselves.

AWQ quantization of an 8B model (the commonest request):

>>> from optjob_sdk import OptimizationConfigsBuilder
>>> LMI = "763104351884.dkr.ecr.us-west-2.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124"
>>> configs = OptimizationConfigsBuilder().quantization(image=LMI, method="awq").build()
>>> configs[0].model_quantization_config.override_environment
EnvironmentMap({'OPTION_QUANTIZE': 'awq'})

FP8 quantization plus TensorRT-LLM compilation, tensor parallel 4, on ``ml.g6e.12xlarge``:

>>> TRTLLM = ("763104351884.dkr.ecr.us-west-2.amazonaws.com/"
...           "djl-inference:0.29.0-tensorrtllm0.11.0-cu124")
>>> configs = (
...     OptimizationConfigsBuilder(instance_type="ml.g6e.12xlarge")
...     .quantization(method="fp8", env={"OPTION_TENSOR_PARALLEL_DEGREE": "4"})
...     .compilation(image=TRTLLM, env={"OPTION_ROLLING_BATCH": "trtllm",
...                                     "OPTION_TENSOR_PARALLEL_DEGREE": "4",
...                                     "OPTION_MAX_INPUT_LEN": "4096",
...                                     "OPTION_MAX_OUTPUT_LEN": "1024"})
...     .build()
... )
>>> [type(c.model_compilation_config or c.model_quantization_config).__name__ for c in configs]
['ModelQuantizationConfig', 'ModelCompilationConfig']

Neuron compilation for ``ml.inf2.48xlarge`` (tensor parallel 24, 8192 positions, fp16):

>>> configs = (
...     OptimizationConfigsBuilder(instance_type="ml.inf2.48xlarge")
...     .compilation(env={"OPTION_TENSOR_PARALLEL_DEGREE": "24", "OPTION_N_POSITIONS": "8192",
...                       "OPTION_DTYPE": "fp16", "OPTION_ROLLING_BATCH": "auto"})
...     .build()
... )
>>> configs[0].model_compilation_config.override_environment["OPTION_N_POSITIONS"]
'8192'

EAGLE speculative decoding, with the service's own draft model, or trained on your data:

>>> spec = OptimizationConfigsBuilder().speculative_decoding().build()[0]
>>> eagle = spec.model_speculative_decoding_config
>>> eagle.technique, eagle.training_data_source
(<SpeculativeDecodingTechnique.EAGLE: 'EAGLE'>, None)
>>> configs = (
...     OptimizationConfigsBuilder()
...     .speculative_decoding(training_data_s3_uri="s3://example-data/eagle-train/")
...     .build()
... )
>>> configs[0].model_speculative_decoding_config.training_data_source.s3_data_type
<SpeculativeDecodingS3DataType.S3_PREFIX: 'S3Prefix'>

Sharding (for LMI's fast model loading) on its own:

>>> sharding = OptimizationConfigsBuilder().sharding(tensor_parallel_degree=8).build()[0]
>>> sharding.model_sharding_config.override_environment
EnvironmentMap({'OPTION_TENSOR_PARALLEL_DEGREE': '8'})
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from optjob_sdk._modelbase import EnvironmentMap
from optjob_sdk._schema import SHAPES
from optjob_sdk._validation import check
from optjob_sdk.enums import (
    InstanceType,
    SpeculativeDecodingS3DataType,
    SpeculativeDecodingTechnique,
)
from optjob_sdk.errors import FieldError, ValidationError
from optjob_sdk.models import (
    ModelCompilationConfig,
    ModelQuantizationConfig,
    ModelShardingConfig,
    ModelSpeculativeDecodingConfig,
    ModelSpeculativeDecodingTrainingDataSource,
    OptimizationConfig,
)

if TYPE_CHECKING:
    import sys

    if sys.version_info >= (3, 11):
        from typing import Self
    else:
        from typing_extensions import Self

__all__ = ["CombinationWarning", "OptimizationConfigsBuilder"]

#: The service model's limit on OptimizationConfigs (shape ``OptimizationConfigs``).
MAX_CONFIGS: Final = SHAPES["OptimizationConfigs"].max or 10

QUANTIZE_KEY: Final = "OPTION_QUANTIZE"
TENSOR_PARALLEL_KEY: Final = "OPTION_TENSOR_PARALLEL_DEGREE"

#: Instance families of AWS Inferentia and Trainium (Neuron): no quantization there.
_NEURON_PREFIXES: Final = ("ml.inf1.", "ml.inf2.", "ml.trn1.", "ml.trn1n.", "ml.trn2.")

_ENFORCED: Final = (
    "The service enforces this rule when the job is created (and has changed such rules "
    "before), so the request is left as it is; if the service accepts it now, silence this "
    "warning with warnings.filterwarnings('ignore', category=optjob_sdk.CombinationWarning)."
)


class CombinationWarning(UserWarning):
    """A combination of techniques the service refused when this SDK was written.

    A warning, not an error: the service enforces these rules itself and has changed them
    over time. The message says which rule, and why it may still be worth sending.
    """


class OptimizationConfigsBuilder:
    """Builds the ``OptimizationConfigs`` of a :class:`CreateOptimizationJobRequest`.

    ``instance_type`` (optional; or pass it to :meth:`build`) is the job's
    ``DeploymentInstanceType``, which the Neuron rule needs (no quantization on
    ``ml.inf2``/``ml.trn1``). Each method appends one config and returns the builder, so
    calls chain; limits are checked by the call that breaks them.
    """

    __slots__ = ("_configs", "_instance_type")

    def __init__(self, *, instance_type: InstanceType | str | None = None) -> None:
        self._configs: list[OptimizationConfig] = []
        self._instance_type = instance_type

    def __len__(self) -> int:
        return len(self._configs)

    def __repr__(self) -> str:
        kinds = ", ".join(_technique(config) for config in self._configs)
        return f"OptimizationConfigsBuilder([{kinds}])"

    # -- the techniques -------------------------------------------------------------------

    def quantization(
        self,
        *,
        image: str | None = None,
        env: Mapping[str, str] | None = None,
        method: str | None = None,
    ) -> Self:
        """Quantize the weights: ``method`` (``"awq"``, ``"fp8"``, ``"gptq"``, ...) is
        written to ``OPTION_QUANTIZE``; ``image`` overrides the service's container."""
        index = self._next_index()
        field = "model_quantization_config"
        knobs: dict[str, str] = {}
        if method is not None:
            if not isinstance(method, str) or not method.strip():  # pyright: ignore[reportUnnecessaryIsInstance]
                raise _error(index, field, "method", f"must be a non-empty string, not {method!r}")
            knobs[QUANTIZE_KEY] = method
        merged = _merge(index, field, env, knobs)
        return self._append(
            OptimizationConfig(
                model_quantization_config=ModelQuantizationConfig(
                    image=image, override_environment=merged
                )
            )
        )

    def compilation(
        self, *, image: str | None = None, env: Mapping[str, str] | None = None
    ) -> Self:
        """Compile the model for the instance: TensorRT-LLM on GPUs, Neuron on
        Inferentia/Trainium (the service picks the container unless ``image`` is given)."""
        index = self._next_index()
        merged = _merge(index, "model_compilation_config", env, {})
        return self._append(
            OptimizationConfig(
                model_compilation_config=ModelCompilationConfig(
                    image=image, override_environment=merged
                )
            )
        )

    def sharding(
        self,
        *,
        image: str | None = None,
        env: Mapping[str, str] | None = None,
        tensor_parallel_degree: int | None = None,
    ) -> Self:
        """Pre-shard the weights for ``tensor_parallel_degree`` accelerators (written to
        ``OPTION_TENSOR_PARALLEL_DEGREE``), for fast loading by LMI."""
        index = self._next_index()
        field = "model_sharding_config"
        knobs: dict[str, str] = {}
        if tensor_parallel_degree is not None:
            degree = tensor_parallel_degree
            if isinstance(degree, bool) or not isinstance(degree, int) or degree < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
                raise _error(
                    index,
                    field,
                    "tensor_parallel_degree",
                    f"must be an integer >= 1, not {degree!r}",
                )
            knobs[TENSOR_PARALLEL_KEY] = str(degree)
        merged = _merge(index, field, env, knobs)
        return self._append(
            OptimizationConfig(
                model_sharding_config=ModelShardingConfig(image=image, override_environment=merged)
            )
        )

    def speculative_decoding(
        self,
        *,
        technique: SpeculativeDecodingTechnique | str = SpeculativeDecodingTechnique.EAGLE,
        training_data_s3_uri: str | None = None,
        s3_data_type: SpeculativeDecodingS3DataType | str | None = None,
    ) -> Self:
        """Speculative decoding (EAGLE): without training data the service uses its own
        draft model; with ``training_data_s3_uri`` it trains one on your data
        (``s3_data_type`` defaults to ``S3Prefix``; ``ManifestFile`` for a manifest)."""
        index = self._next_index()
        source = None
        if training_data_s3_uri is not None:
            source = ModelSpeculativeDecodingTrainingDataSource(
                s3_uri=training_data_s3_uri,
                s3_data_type=s3_data_type
                if s3_data_type is not None
                else SpeculativeDecodingS3DataType.S3_PREFIX,
            )
        elif s3_data_type is not None:
            raise _error(
                index,
                "model_speculative_decoding_config",
                "training_data_source",
                f"s3_data_type={str(s3_data_type)!r} was given without training_data_s3_uri: "
                "say where the training data is, or leave both unset to use the service's "
                "draft model",
            )
        return self._append(
            OptimizationConfig(
                model_speculative_decoding_config=ModelSpeculativeDecodingConfig(
                    technique=technique, training_data_source=source
                )
            )
        )

    # -- the result -----------------------------------------------------------------------

    def build(
        self, *, instance_type: InstanceType | str | None = None
    ) -> tuple[OptimizationConfig, ...]:
        """The configs, in call order, for ``CreateOptimizationJobRequest.optimization_configs``.

        ``instance_type`` overrides the one given to the constructor. Emits a
        :class:`CombinationWarning` for each combination rule the configs break.
        """
        instance = instance_type if instance_type is not None else self._instance_type
        for message in combination_problems(self._configs, instance):
            warnings.warn(message, CombinationWarning, stacklevel=2)
        return tuple(self._configs)

    # -- helpers --------------------------------------------------------------------------

    def _next_index(self) -> int:
        index = len(self._configs)
        if index >= MAX_CONFIGS:
            raise ValidationError(
                [
                    FieldError(
                        f"optimization_configs[{index}]",
                        f"one config too many: the API takes at most {MAX_CONFIGS} "
                        "optimization configs per job",
                    )
                ],
                subject="optimization configs",
            )
        return index

    def _append(self, config: OptimizationConfig) -> Self:
        index = len(self._configs)
        # The validation layer's own checks (environment-map size, key/value lengths and
        # patterns, image, S3 URI), reported under this config's path.
        problems = check(config)
        if problems:
            raise ValidationError(
                [
                    FieldError(f"optimization_configs[{index}].{p.path}".rstrip("."), p.message)
                    for p in problems
                ],
                subject="optimization configs",
            )
        self._configs.append(config)
        return self


def combination_problems(
    configs: list[OptimizationConfig] | tuple[OptimizationConfig, ...],
    instance_type: InstanceType | str | None,
) -> list[str]:
    """The combination rules ``configs`` break, one self-explaining message each."""
    kinds = [_technique(config) for config in configs]
    problems: list[str] = []
    if "sharding" in kinds and len(kinds) > 1:
        others = sorted({kind for kind in kinds if kind != "sharding"}) or ["another sharding"]
        problems.append(
            "sharding is combined with "
            + ", ".join(others)
            + ": the service has required a sharding config to stand alone in a job "
            "(shard in one job, apply other techniques in another). " + _ENFORCED
        )
    if "compilation" in kinds and "speculative_decoding" in kinds:
        problems.append(
            "compilation is combined with speculative decoding: the service has not "
            "supported compiling a model that uses speculative decoding (pick one per "
            "job). " + _ENFORCED
        )
    if "quantization" in kinds and instance_type is not None:
        value = str(instance_type)
        if value.startswith(_NEURON_PREFIXES):
            problems.append(
                f"quantization is requested for {value}, an AWS Inferentia/Trainium "
                "(Neuron) instance type: the service has not supported quantization for "
                "Neuron (use compilation, or a GPU instance type for quantization). " + _ENFORCED
            )
    return problems


def _technique(config: OptimizationConfig) -> str:
    if config.model_quantization_config is not None:
        return "quantization"
    if config.model_compilation_config is not None:
        return "compilation"
    if config.model_sharding_config is not None:
        return "sharding"
    return "speculative_decoding"


def _merge(
    index: int, field: str, env: Mapping[str, str] | None, knobs: Mapping[str, str]
) -> EnvironmentMap | None:
    """``env`` plus the typed knobs' variables; a knob that contradicts ``env`` is an error."""
    if env is not None and not isinstance(env, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise _error(
            index, field, "override_environment", f"must be a mapping, not {type(env).__name__}"
        )
    merged: dict[str, str] = dict(env) if env else {}
    for key, value in knobs.items():
        given = merged.get(key)
        if given is not None and given != value:
            argument = "method" if key == QUANTIZE_KEY else "tensor_parallel_degree"
            raise ValidationError(
                [
                    FieldError(
                        f"optimization_configs[{index}].{field}.override_environment[{key!r}]",
                        f"{argument} sets {key} to {value!r} but env sets it to {given!r}: "
                        f"give it in one place only",
                    )
                ],
                subject="optimization configs",
            )
        merged[key] = value
    if env is None and not knobs:
        return None
    return EnvironmentMap(merged)


def _error(index: int, field: str, member: str, message: str) -> ValidationError:
    return ValidationError(
        [FieldError(f"optimization_configs[{index}].{field}.{member}", message)],
        subject="optimization configs",
    )
