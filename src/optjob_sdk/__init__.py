"""optjob-sdk: a typed SDK for Amazon SageMaker AI inference-optimization jobs.

>>> from optjob_sdk import OptimizationJobClient, InstanceType

Names are loaded on first use, so ``import optjob_sdk`` stays cheap (boto3 is imported only
when a client is built).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from optjob_sdk.builder import (
        CombinationWarning as CombinationWarning,
    )
    from optjob_sdk.builder import (
        OptimizationConfigsBuilder as OptimizationConfigsBuilder,
    )
    from optjob_sdk.client import (
        OptimizationJobClient as OptimizationJobClient,
    )
    from optjob_sdk.converter import (
        UnknownEnumValueWarning as UnknownEnumValueWarning,
    )
    from optjob_sdk.converter import (
        from_dict as from_dict,
    )
    from optjob_sdk.converter import (
        to_dict as to_dict,
    )
    from optjob_sdk.converter import (
        validate as validate,
    )
    from optjob_sdk.enums import (
        InstanceType as InstanceType,
    )
    from optjob_sdk.enums import (
        JobStatus as JobStatus,
    )
    from optjob_sdk.enums import (
        SortBy as SortBy,
    )
    from optjob_sdk.enums import (
        SortOrder as SortOrder,
    )
    from optjob_sdk.enums import (
        SpeculativeDecodingS3DataType as SpeculativeDecodingS3DataType,
    )
    from optjob_sdk.enums import (
        SpeculativeDecodingTechnique as SpeculativeDecodingTechnique,
    )
    from optjob_sdk.errors import (
        ConnectionFailedError as ConnectionFailedError,
    )
    from optjob_sdk.errors import (
        FieldError as FieldError,
    )
    from optjob_sdk.errors import (
        JobAlreadyExistsError as JobAlreadyExistsError,
    )
    from optjob_sdk.errors import (
        JobFailedError as JobFailedError,
    )
    from optjob_sdk.errors import (
        JobNotFoundError as JobNotFoundError,
    )
    from optjob_sdk.errors import (
        JobStoppedError as JobStoppedError,
    )
    from optjob_sdk.errors import (
        OptjobError as OptjobError,
    )
    from optjob_sdk.errors import (
        PaginationError as PaginationError,
    )
    from optjob_sdk.errors import (
        ResourceLimitExceededError as ResourceLimitExceededError,
    )
    from optjob_sdk.errors import (
        ServiceError as ServiceError,
    )
    from optjob_sdk.errors import (
        ThrottlingError as ThrottlingError,
    )
    from optjob_sdk.errors import (
        ValidationError as ValidationError,
    )
    from optjob_sdk.errors import (
        WaitTimeoutError as WaitTimeoutError,
    )
    from optjob_sdk.models import (
        CreateOptimizationJobRequest as CreateOptimizationJobRequest,
    )
    from optjob_sdk.models import (
        CreateOptimizationJobResponse as CreateOptimizationJobResponse,
    )
    from optjob_sdk.models import (
        DeleteOptimizationJobRequest as DeleteOptimizationJobRequest,
    )
    from optjob_sdk.models import (
        DescribeOptimizationJobRequest as DescribeOptimizationJobRequest,
    )
    from optjob_sdk.models import (
        DescribeOptimizationJobResponse as DescribeOptimizationJobResponse,
    )
    from optjob_sdk.models import (
        EnvironmentMap as EnvironmentMap,
    )
    from optjob_sdk.models import (
        ListOptimizationJobsRequest as ListOptimizationJobsRequest,
    )
    from optjob_sdk.models import (
        ListOptimizationJobsResponse as ListOptimizationJobsResponse,
    )
    from optjob_sdk.models import (
        ModelCompilationConfig as ModelCompilationConfig,
    )
    from optjob_sdk.models import (
        ModelQuantizationConfig as ModelQuantizationConfig,
    )
    from optjob_sdk.models import (
        ModelShardingConfig as ModelShardingConfig,
    )
    from optjob_sdk.models import (
        ModelSpeculativeDecodingConfig as ModelSpeculativeDecodingConfig,
    )
    from optjob_sdk.models import (
        ModelSpeculativeDecodingTrainingDataSource as ModelSpeculativeDecodingTrainingDataSource,
    )
    from optjob_sdk.models import (
        OptimizationConfig as OptimizationConfig,
    )
    from optjob_sdk.models import (
        OptimizationJobModelSource as OptimizationJobModelSource,
    )
    from optjob_sdk.models import (
        OptimizationJobModelSourceS3 as OptimizationJobModelSourceS3,
    )
    from optjob_sdk.models import (
        OptimizationJobOutputConfig as OptimizationJobOutputConfig,
    )
    from optjob_sdk.models import (
        OptimizationJobSummary as OptimizationJobSummary,
    )
    from optjob_sdk.models import (
        OptimizationModelAccessConfig as OptimizationModelAccessConfig,
    )
    from optjob_sdk.models import (
        OptimizationOutput as OptimizationOutput,
    )
    from optjob_sdk.models import (
        OptimizationSageMakerModel as OptimizationSageMakerModel,
    )
    from optjob_sdk.models import (
        OptimizationVpcConfig as OptimizationVpcConfig,
    )
    from optjob_sdk.models import (
        StopOptimizationJobRequest as StopOptimizationJobRequest,
    )
    from optjob_sdk.models import (
        StoppingCondition as StoppingCondition,
    )
    from optjob_sdk.models import (
        Tag as Tag,
    )
    from optjob_sdk.paging import (
        JobPager as JobPager,
    )
    from optjob_sdk.waiting import (
        WaitProgress as WaitProgress,
    )

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "CombinationWarning": "builder",
    "ConnectionFailedError": "errors",
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
    "ServiceError": "errors",
    "SortBy": "enums",
    "SortOrder": "enums",
    "SpeculativeDecodingS3DataType": "enums",
    "SpeculativeDecodingTechnique": "enums",
    "StopOptimizationJobRequest": "models",
    "StoppingCondition": "models",
    "Tag": "models",
    "ThrottlingError": "errors",
    "UnknownEnumValueWarning": "converter",
    "ValidationError": "errors",
    "WaitProgress": "waiting",
    "WaitTimeoutError": "errors",
    "from_dict": "converter",
    "to_dict": "converter",
    "validate": "converter",
}

__all__ = [
    "CombinationWarning",
    "ConnectionFailedError",
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
    "ServiceError",
    "SortBy",
    "SortOrder",
    "SpeculativeDecodingS3DataType",
    "SpeculativeDecodingTechnique",
    "StopOptimizationJobRequest",
    "StoppingCondition",
    "Tag",
    "ThrottlingError",
    "UnknownEnumValueWarning",
    "ValidationError",
    "WaitProgress",
    "WaitTimeoutError",
    "from_dict",
    "to_dict",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'optjob_sdk' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"optjob_sdk.{module}"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
