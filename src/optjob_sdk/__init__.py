"""optjob-sdk: a typed SDK for Amazon SageMaker AI inference-optimization jobs.

>>> from optjob_sdk import OptimizationJobClient, InstanceType

Names are loaded on first use, so ``import optjob_sdk`` stays cheap (boto3 is imported only
when a client is built).
"""

from __future__ import annotations

import importlib

# Not typing.TYPE_CHECKING: importing typing would triple this module's import time.
# Type checkers treat a module-level TYPE_CHECKING = False as True all the same.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from optjob_sdk.aio import (
        AsyncOptimizationJobClient as AsyncOptimizationJobClient,
    )
    from optjob_sdk.builder import (
        CombinationWarning,
        OptimizationConfigsBuilder,
    )
    from optjob_sdk.client import (
        OptimizationJobClient,
    )
    from optjob_sdk.converter import (
        MaskedValueWarning,
        UnknownEnumValueWarning,
        from_dict,
        to_dict,
        validate,
    )
    from optjob_sdk.enums import (
        InstanceType,
        JobStatus,
        SortBy,
        SortOrder,
        SpeculativeDecodingS3DataType,
        SpeculativeDecodingTechnique,
    )
    from optjob_sdk.errors import (
        ConfigurationError,
        ConnectionFailedError,
        CreateOutcomeUnknownError,
        FieldError,
        InvalidResponseError,
        JobAlreadyExistsError,
        JobFailedError,
        JobNotFoundError,
        JobStoppedError,
        OptjobError,
        PaginationError,
        ResourceLimitExceededError,
        ServiceError,
        ServiceValidationError,
        ThrottlingError,
        ValidationError,
        WaitTimeoutError,
    )
    from optjob_sdk.loading import (
        load_request,
    )
    from optjob_sdk.models import (
        CreateOptimizationJobRequest,
        CreateOptimizationJobResponse,
        DeleteOptimizationJobRequest,
        DescribeOptimizationJobRequest,
        DescribeOptimizationJobResponse,
        EnvironmentMap,
        ListOptimizationJobsRequest,
        ListOptimizationJobsResponse,
        ModelCompilationConfig,
        ModelQuantizationConfig,
        ModelShardingConfig,
        ModelSpeculativeDecodingConfig,
        ModelSpeculativeDecodingTrainingDataSource,
        OptimizationConfig,
        OptimizationJobModelSource,
        OptimizationJobModelSourceS3,
        OptimizationJobOutputConfig,
        OptimizationJobSummary,
        OptimizationModelAccessConfig,
        OptimizationOutput,
        OptimizationSageMakerModel,
        OptimizationVpcConfig,
        StopOptimizationJobRequest,
        StoppingCondition,
        Tag,
    )
    from optjob_sdk.paging import (
        JobPager,
        RetryPolicy,
    )
    from optjob_sdk.waiting import (
        TERMINAL_STATUSES,
        wait_for_job,
    )

__version__ = "0.1.0"

# name -> the module that defines it, imported on first access
_LAZY: dict[str, str] = {
    "AsyncOptimizationJobClient": "aio",
    "CombinationWarning": "builder",
    "ConfigurationError": "errors",
    "ConnectionFailedError": "errors",
    "CreateOutcomeUnknownError": "errors",
    "InvalidResponseError": "errors",
    "CreateOptimizationJobRequest": "models",
    "CreateOptimizationJobResponse": "models",
    "DeleteOptimizationJobRequest": "models",
    "DescribeOptimizationJobRequest": "models",
    "DescribeOptimizationJobResponse": "models",
    "EnvironmentMap": "models",
    "FieldError": "errors",
    "InstanceType": "enums",
    "JobAlreadyExistsError": "errors",
    "JobFailedError": "errors",
    "JobNotFoundError": "errors",
    "JobPager": "paging",
    "JobStatus": "enums",
    "JobStoppedError": "errors",
    "ListOptimizationJobsRequest": "models",
    "ListOptimizationJobsResponse": "models",
    "MaskedValueWarning": "converter",
    "ModelCompilationConfig": "models",
    "ModelQuantizationConfig": "models",
    "ModelShardingConfig": "models",
    "ModelSpeculativeDecodingConfig": "models",
    "ModelSpeculativeDecodingTrainingDataSource": "models",
    "OptimizationConfig": "models",
    "OptimizationConfigsBuilder": "builder",
    "OptimizationJobClient": "client",
    "OptimizationJobModelSource": "models",
    "OptimizationJobModelSourceS3": "models",
    "OptimizationJobOutputConfig": "models",
    "OptimizationJobSummary": "models",
    "OptimizationModelAccessConfig": "models",
    "OptimizationOutput": "models",
    "OptimizationSageMakerModel": "models",
    "OptimizationVpcConfig": "models",
    "OptjobError": "errors",
    "PaginationError": "errors",
    "ResourceLimitExceededError": "errors",
    "RetryPolicy": "paging",
    "ServiceError": "errors",
    "ServiceValidationError": "errors",
    "SortBy": "enums",
    "SortOrder": "enums",
    "SpeculativeDecodingS3DataType": "enums",
    "SpeculativeDecodingTechnique": "enums",
    "StopOptimizationJobRequest": "models",
    "StoppingCondition": "models",
    "TERMINAL_STATUSES": "waiting",
    "Tag": "models",
    "ThrottlingError": "errors",
    "UnknownEnumValueWarning": "converter",
    "ValidationError": "errors",
    "WaitTimeoutError": "errors",
    "from_dict": "converter",
    "load_request": "loading",
    "to_dict": "converter",
    "validate": "converter",
    "wait_for_job": "waiting",
}

# AsyncOptimizationJobClient is importable (lazily, like every name here) but not in
# __all__: it needs the aio extra, and `from optjob_sdk import *` must work without it.
__all__ = [
    "CombinationWarning",
    "ConfigurationError",
    "ConnectionFailedError",
    "CreateOutcomeUnknownError",
    "InvalidResponseError",
    "CreateOptimizationJobRequest",
    "CreateOptimizationJobResponse",
    "DeleteOptimizationJobRequest",
    "DescribeOptimizationJobRequest",
    "DescribeOptimizationJobResponse",
    "EnvironmentMap",
    "FieldError",
    "InstanceType",
    "JobAlreadyExistsError",
    "JobFailedError",
    "JobNotFoundError",
    "JobPager",
    "JobStatus",
    "JobStoppedError",
    "ListOptimizationJobsRequest",
    "ListOptimizationJobsResponse",
    "MaskedValueWarning",
    "ModelCompilationConfig",
    "ModelQuantizationConfig",
    "ModelShardingConfig",
    "ModelSpeculativeDecodingConfig",
    "ModelSpeculativeDecodingTrainingDataSource",
    "OptimizationConfig",
    "OptimizationConfigsBuilder",
    "OptimizationJobClient",
    "OptimizationJobModelSource",
    "OptimizationJobModelSourceS3",
    "OptimizationJobOutputConfig",
    "OptimizationJobSummary",
    "OptimizationModelAccessConfig",
    "OptimizationOutput",
    "OptimizationSageMakerModel",
    "OptimizationVpcConfig",
    "OptjobError",
    "PaginationError",
    "ResourceLimitExceededError",
    "RetryPolicy",
    "ServiceError",
    "ServiceValidationError",
    "SortBy",
    "SortOrder",
    "SpeculativeDecodingS3DataType",
    "SpeculativeDecodingTechnique",
    "StopOptimizationJobRequest",
    "StoppingCondition",
    "TERMINAL_STATUSES",
    "Tag",
    "ThrottlingError",
    "UnknownEnumValueWarning",
    "ValidationError",
    "WaitTimeoutError",
    "from_dict",
    "load_request",
    "to_dict",
    "validate",
    "wait_for_job",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'optjob_sdk' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"optjob_sdk.{module}"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    names = {*globals(), *__all__, *_LAZY}
    # What needs a missing extra is left out, so that help(), inspect.getmembers() and
    # completion work without it (using the name still says which extra to install).
    from importlib.util import find_spec

    if find_spec("aiobotocore") is None:
        names.discard("AsyncOptimizationJobClient")
    return sorted(names)
