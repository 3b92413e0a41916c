"""optjob-sdk as an Airflow provider: its information, as Airflow's providers manager
reads it from the installed package's entry point; and what importing the pieces costs."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from importlib import resources
from importlib.metadata import entry_points

import jsonschema
import pytest

import optjob_sdk
from optjob_sdk.airflow._provider import get_provider_info


def test_the_entry_point_gives_information_airflows_schema_accepts() -> None:
    (point,) = [
        p
        for p in entry_points(group="apache_airflow_provider")
        if p.dist and p.dist.name == "optjob-sdk"
    ]
    info = point.load()()
    assert info == get_provider_info()
    schema = json.loads(
        resources.files("airflow").joinpath("provider_info.schema.json").read_text()
    )
    jsonschema.validate(info, schema)
    assert info["package-name"] == "optjob-sdk"
    assert info["versions"] == [optjob_sdk.__version__]


def test_airflows_providers_manager_lists_the_operator_sensor_and_trigger() -> None:
    from airflow.providers_manager import ProvidersManager

    manager = ProvidersManager()
    provider = manager.providers["optjob-sdk"]
    assert provider.version == optjob_sdk.__version__
    triggers = [t for t in manager.trigger if t.package_name == "optjob-sdk"]
    assert [t.trigger_class_name for t in triggers] == ["optjob_sdk.airflow.triggers"]
    # Every module named holds the piece it is listed for.
    info = get_provider_info()
    for kind, cls in (
        ("operators", "OptimizationJobOperator"),
        ("sensors", "OptimizationJobSensor"),
        ("triggers", "OptimizationJobTrigger"),
    ):
        (entry,) = info[kind]
        (module,) = entry["python-modules"]
        assert hasattr(importlib.import_module(module), cls)
        assert entry["integration-name"] in {i["integration-name"] for i in info["integrations"]}


def test_a_dag_file_importing_the_operator_does_not_pay_for_the_rest() -> None:
    # DAG files are parsed again and again: the operator's import must not bring in
    # the sensor, boto3's client machinery or aiobotocore.
    code = (
        "import sys\n"
        "from optjob_sdk.airflow import OptimizationJobOperator\n"
        "print(sorted(m for m in sys.modules if m in ('optjob_sdk.airflow.sensors', "
        "'optjob_sdk.client', 'optjob_sdk.aio.client', 'aiobotocore.session', "
        "'airflow.providers.amazon.aws.hooks.base_aws')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_dir_and_all_list_the_three_pieces() -> None:
    import optjob_sdk.airflow as pieces

    assert pieces.__all__ == [
        "OptimizationJobOperator",
        "OptimizationJobSensor",
        "OptimizationJobTrigger",
    ]
    assert set(pieces.__all__) <= set(dir(pieces))
    with pytest.raises(AttributeError, match="NoSuchThing"):
        pieces.NoSuchThing  # noqa: B018
