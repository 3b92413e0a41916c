"""Airflow's names, wherever the installed Airflow 3 keeps them.

Airflow 3.1 moved the task-facing exceptions to ``airflow.sdk.exceptions`` and deprecated
the old ``airflow.exceptions`` names (a warning at each use); 3.0 has only the old ones.
"""

from __future__ import annotations

import importlib.util
from typing import Any

# Each of these, missing, would fail deep inside an import; say what to install instead.
for _needed in ("airflow.sdk", "airflow.providers.amazon", "aiobotocore"):
    try:
        _found = importlib.util.find_spec(_needed) is not None
    except ModuleNotFoundError:  # its parent package is missing
        _found = False
    if not _found:
        raise ModuleNotFoundError(
            f"optjob_sdk.airflow needs Apache Airflow 3, its Amazon provider and aiobotocore "
            f"({_needed} is missing): pip install 'optjob-sdk[airflow]'",
            name=_needed,
        )

try:
    from airflow.sdk.exceptions import (
        AirflowException,
        AirflowFailException,
        AirflowSensorTimeout,
        TaskDeferred,
    )
except ImportError:  # Airflow 3.0
    from airflow.exceptions import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        AirflowException,  # pyright: ignore[reportPrivateImportUsage]
        AirflowFailException,  # pyright: ignore[reportPrivateImportUsage]
        AirflowSensorTimeout,  # pyright: ignore[reportPrivateImportUsage]
        TaskDeferred,  # pyright: ignore[reportPrivateImportUsage]
    )

try:
    from airflow.sdk.log import mask_secret
except ImportError:  # Airflow 3.0
    from airflow.sdk.execution_time.secrets_masker import (  # type: ignore[no-redef,import-not-found,unused-ignore]
        mask_secret,
    )

from airflow.sdk import BaseOperator, BaseSensorOperator  # noqa: E402
from airflow.triggers.base import BaseTrigger, TriggerEvent  # noqa: E402

__all__ = [
    "AirflowException",
    "AirflowFailException",
    "AirflowSensorTimeout",
    "BaseOperator",
    "BaseSensorOperator",
    "BaseTrigger",
    "TaskDeferred",
    "TriggerEvent",
    "default_deferrable",
    "mask_secret",
]


def default_deferrable() -> bool:
    """Airflow's ``[operators] default_deferrable`` setting (``False`` when unset), read
    when an operator is made, as Airflow's own operators read it."""
    try:
        from airflow.sdk.configuration import conf
    except ImportError:  # Airflow 3.0
        from airflow.configuration import conf
    parser: Any = conf  # Airflow's config parser is partly untyped
    return bool(parser.getboolean("operators", "default_deferrable", fallback=False))
