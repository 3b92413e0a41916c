"""Apache Airflow: an operator, a trigger and a sensor for optimization jobs (extra
``optjob-sdk[airflow]``; Airflow 3 with its Amazon provider).

>>> from optjob_sdk.airflow import OptimizationJobOperator      # doctest: +SKIP
>>> optimize = OptimizationJobOperator(                          # doctest: +SKIP
...     task_id="optimize",
...     request={"OptimizationJobName": "llama3-8b-awq-{{ dag_run.run_after | ts_nodash }}", ...},
...     deferrable=True,
... )

- :class:`OptimizationJobOperator` creates a job from a request (validated before anything
  is sent), waits for it in the worker or deferred to the triggerer, and returns its
  description as the XCom value;
- :class:`OptimizationJobTrigger` is the deferrable wait, on the async client;
- :class:`OptimizationJobSensor` waits for a job created elsewhere (poke or deferred).

Credentials, region and endpoint come from an Airflow AWS connection (``aws_conn_id``),
through the Amazon provider's hook, as for Airflow's own AWS operators.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False

if TYPE_CHECKING:
    from optjob_sdk.airflow.operators import OptimizationJobOperator
    from optjob_sdk.airflow.sensors import OptimizationJobSensor
    from optjob_sdk.airflow.triggers import OptimizationJobTrigger

__all__ = ["OptimizationJobOperator", "OptimizationJobSensor", "OptimizationJobTrigger"]

# Each name is imported on first use: a DAG file that uses the operator does not import the
# sensor, and Airflow reading this package's provider information (``_provider``) imports
# nothing else.
_LAZY = {
    "OptimizationJobOperator": "operators",
    "OptimizationJobSensor": "sensors",
    "OptimizationJobTrigger": "triggers",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
