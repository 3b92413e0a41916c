"""Whole DAGs under ``dag.test()`` (Airflow's own in-process run: the scheduler's decisions,
the task runner, XComs, deferral with the trigger run in line), on the emulator over HTTP.

- a small DAG: the operator, deferred, then a deferrable sensor on the same job, then a task
  reading both XComs;
- the Airflow guide's DAG, read from docs/airflow.md as a reader copies it, with one of its
  three jobs made to fail.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import CONN_ID

from optjob_sdk.testing import FakeOptimizationService

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "airflow.md"


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """Airflow's metadata database (SQLite, in this process's temporary AIRFLOW_HOME),
    created once: ``dag.test()`` records its runs there."""
    home = Path(os.environ["AIRFLOW_HOME"])
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        check=True,
        capture_output=True,
        env=dict(os.environ),
        timeout=600,
    )
    dags = Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    dags.mkdir(parents=True, exist_ok=True)
    return home


def load_dag(folder: Path, name: str, source: str) -> Any:
    """Write ``source`` into the DAGs folder as ``name``.py and import it (dag.test() reads
    the folder to record the DAG; the test runs the object imported here)."""
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"dag_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_test(dag: Any) -> Any:
    """``dag.test()``; on Airflow 3.0, whose Task SDK DAG has no ``test``, what its
    ``airflow dags test`` does: the same on the scheduler's DAG made from it."""
    if hasattr(dag, "test"):
        return dag.test()
    from airflow.models.dag import DAG

    return DAG.from_sdk_dag(dag).test()  # pyright: ignore[reportAttributeAccessIssue]


def xcom(run: Any, task_id: str, map_index: int = -1) -> Any:
    """What task ``task_id`` of ``run`` returned (its XCom), from Airflow's database."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = (
            session.query(XComModel)
            .filter_by(dag_id=run.dag_id, run_id=run.run_id, task_id=task_id, key="return_value")
            .filter_by(map_index=map_index)
            .one()
        )
        return XComModel.deserialize_value(row)


def states(run: Any) -> dict[tuple[str, int], str]:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(TaskInstance).filter_by(dag_id=run.dag_id, run_id=run.run_id).all()
        return {(ti.task_id, ti.map_index): str(ti.state) for ti in rows}


SMALL_DAG = textwrap.dedent(
    f"""
    import json

    import pendulum
    from airflow.sdk import DAG, task

    from optjob_sdk.airflow import OptimizationJobOperator, OptimizationJobSensor

    REQUEST = json.loads({{request!r}})
    POLL = dict(poll_interval=0.2, max_poll_interval=0.4)

    with DAG("optjob_small", schedule=None, start_date=pendulum.datetime(2026, 11, 1)) as dag:
        optimize = OptimizationJobOperator(
            task_id="optimize", request=REQUEST, deferrable=True, aws_conn_id="{CONN_ID}", **POLL
        )
        watch = OptimizationJobSensor(
            task_id="watch",
            job_name="{{{{ ti.xcom_pull('optimize')['OptimizationJobName'] }}}}",
            aws_conn_id="{CONN_ID}",
            deferrable=True,
            poke_interval=0.2,
        )

        @task
        def report(job: dict, seen: dict) -> str:
            assert job["OptimizationJobArn"] == seen["OptimizationJobArn"]
            return job["OptimizationJobStatus"] + " " + seen["OptimizationJobStatus"]

        optimize >> watch
        report(optimize.output, watch.output)
    """
)


@pytest.mark.usefixtures("emulator_url")
def test_a_small_dag_with_deferral_runs_to_the_end(
    airflow_db: Path, service: FakeOptimizationService
) -> None:
    import json

    from conftest import example

    folder = Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    source = SMALL_DAG.replace("{request!r}", repr(json.dumps(example())))
    module = load_dag(folder, "optjob_small", source)
    run = run_test(module.dag)

    assert str(run.state) in ("success", "DagRunState.SUCCESS"), states(run)
    assert xcom(run, "report") == "COMPLETED COMPLETED"
    described = xcom(run, "optimize")
    assert described["OptimizationJobStatus"] == "COMPLETED"
    assert service.calls("CreateOptimizationJob") == 1
    assert service.job_names() == [described["OptimizationJobName"]]


def guide_dag_source() -> str:
    """The DAG of docs/airflow.md: the Python block right after its skip directive."""
    text = GUIDE.read_text(encoding="utf-8")
    found = re.search(
        r"<!-- skip: next [^>]*tests/airflow_tests/test_dags\.py[^>]*-->\n```python\n(.*?)\n```",
        text,
        re.DOTALL,
    )
    assert found, "docs/airflow.md lost its DAG block (or its marker)"
    return found[1] + "\n"


def test_the_guides_dag_picks_the_cheapest_instance_type_that_worked(
    airflow_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Real job durations (twenty minutes) and the guide's own poll interval (60 s): the
    # trigger's sleeps move the emulator's clock instead of the wall clock, as the docs'
    # examples do. The cheapest type's job fails: the next cheapest must be chosen.
    import optjob_sdk.aio.waiting

    service = FakeOptimizationService()
    service.set_outcome("llama3-8b-awq-g6-12xlarge-*", "FAILED", reason="ClientError: OOM")
    monkeypatch.setattr(optjob_sdk.aio.waiting, "_real_sleep", service.advance_async)
    with service.serve() as url:
        monkeypatch.setenv(
            "AIRFLOW_CONN_AWS_DEFAULT",
            '{"conn_type": "aws", "login": "placeholder", "password": "placeholder", '
            f'"extra": {{"endpoint_url": "{url}", "region_name": "us-west-2"}}}}',
        )
        folder = Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
        module = load_dag(folder, "optimize_three_ways", guide_dag_source())
        # The page calls its @dag function at the end, unassigned (as DAG files do); the
        # same call again gives this test the DAG object.
        run = run_test(module.optimize_three_ways())

    found = states(run)
    assert found[("optimize", 0)].endswith("success"), found
    assert found[("optimize", 1)].endswith("failed"), found  # ml.g6: its job FAILED
    assert found[("optimize", 2)].endswith("success"), found
    assert found[("pick_best", -1)].endswith("success"), found
    best = xcom(run, "pick_best")
    assert best["instance_type"] == "ml.g5.12xlarge"  # the cheapest that completed
    assert best["job"].startswith("llama3-8b-awq-g5-12xlarge-")
    assert best["model"].startswith("s3://example-models/optimized/g5-12xlarge/")
    assert best["image"]
    assert sorted(n.rsplit("-", 1)[0] for n in service.job_names()) == [
        "llama3-8b-awq-g5-12xlarge",
        "llama3-8b-awq-g6-12xlarge",
        "llama3-8b-awq-g6e-12xlarge",
    ]
    assert service.calls("CreateOptimizationJob") == 3
