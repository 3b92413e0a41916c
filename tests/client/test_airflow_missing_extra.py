"""Without the ``airflow`` extra: ``optjob_sdk.airflow``'s names are a clear error naming
``pip install 'optjob-sdk[airflow]'``; Airflow's provider information still loads (it
imports nothing); ``import optjob_sdk`` never imports Airflow.

"Without" is a fresh interpreter whose path finder misses the hidden packages, as if they
had never been installed (so this runs the same wherever the extra is or is not).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from hiding import run_python

#: What optjob_sdk.airflow needs, in the order it checks.
NEEDED = ("airflow.sdk", "airflow.providers.amazon", "aiobotocore")


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.parametrize("hidden", [{"airflow"}, {"aiobotocore"}])
@pytest.mark.parametrize("name", ["OptimizationJobOperator", "OptimizationJobSensor"])
def test_a_name_without_the_extra_says_what_to_install(
    tmp_path: Path, hidden: set[str], name: str
) -> None:
    out = run_python(
        f"""
        try:
            from optjob_sdk.airflow import {name}
        except ModuleNotFoundError as error:
            print("MISSING", error.name, "|", error)
        """,
        hide=tuple(hidden),
        where=tmp_path,
    )
    assert out.startswith("MISSING"), out
    assert "pip install 'optjob-sdk[airflow]'" in out
    # The first of what the pieces need that is missing there (hidden, or not installed).
    assert out.split("|")[0].split()[1] == next(
        module for module in NEEDED if module.partition(".")[0] in hidden or not installed(module)
    )


def test_the_provider_information_loads_without_the_extra(tmp_path: Path) -> None:
    out = run_python(
        """
        import sys
        from optjob_sdk.airflow._provider import get_provider_info
        info = get_provider_info()
        print(info["package-name"], sorted(info))
        print(sorted(m for m in sys.modules if m.startswith(("airflow", "boto", "aiobotocore"))))
        """,
        hide=("airflow", "aiobotocore"),
        where=tmp_path,
    )
    first, loaded = out.splitlines()
    assert first.startswith("optjob-sdk ")
    assert loaded == "[]"  # nothing imported: free for Airflow to read


def test_importing_the_sdk_never_imports_airflow(tmp_path: Path) -> None:
    out = run_python(
        """
        import sys
        import optjob_sdk
        from optjob_sdk import OptimizationJobClient, load_request
        print(sorted(m for m in sys.modules if m.startswith(("airflow", "optjob_sdk.airflow"))))
        """
    )
    assert out.strip() == "[]"
