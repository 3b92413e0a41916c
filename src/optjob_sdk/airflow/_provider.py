"""What Airflow's providers manager reads of this package (the ``apache_airflow_provider``
entry point): it lists optjob-sdk among the installed providers, with its operator, sensor
and trigger. Imports nothing, so that Airflow loading it costs nothing and works even
where the ``airflow`` extra is not installed.

No connection type of its own: the pieces use Airflow's ``aws`` connection (the Amazon
provider's), as every AWS operator does.
"""

from __future__ import annotations

from typing import Any

__all__ = ["get_provider_info"]

_INTEGRATION = "Amazon SageMaker AI inference optimization jobs"


def get_provider_info() -> dict[str, Any]:
    """The provider's description, in the shape of Airflow's ``provider_info.schema.json``."""
    from optjob_sdk import __version__

    return {
        "package-name": "optjob-sdk",
        "name": "optjob-sdk",
        "description": (
            "Amazon SageMaker AI inference optimization jobs (quantization, compilation, "
            "sharding, speculative decoding): a deferrable operator, a trigger and a sensor "
            "on optjob-sdk's typed, validated client."
        ),
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": _INTEGRATION,
                "external-doc-url": (
                    "https://docs.aws.amazon.com/sagemaker/latest/dg/model-optimize.html"
                ),
                "tags": ["aws"],
            }
        ],
        "operators": [
            {"integration-name": _INTEGRATION, "python-modules": ["optjob_sdk.airflow.operators"]}
        ],
        "sensors": [
            {"integration-name": _INTEGRATION, "python-modules": ["optjob_sdk.airflow.sensors"]}
        ],
        "triggers": [
            {"integration-name": _INTEGRATION, "python-modules": ["optjob_sdk.airflow.triggers"]}
        ],
    }
