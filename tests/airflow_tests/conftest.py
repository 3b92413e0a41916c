"""tests/airflow_tests: the Airflow operator, trigger and sensor against the emulator over
HTTP, through an Airflow AWS connection that points at it. Run by the nox session
``airflow`` (the ``airflow`` extra); elsewhere this directory is left out of collection.

Airflow reads its home, its database and its settings when it is first imported, so this
module points it at a fresh temporary home (per process: xdist workers each get one) before
anything imports Airflow.
"""

from __future__ import annotations

import importlib.util
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest

if importlib.util.find_spec("airflow") is None or importlib.util.find_spec("aiobotocore") is None:
    collect_ignore_glob = ["*.py"]
else:
    _HOME = tempfile.mkdtemp(prefix="optjob-airflow-home-")
    os.environ["AIRFLOW_HOME"] = _HOME
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = os.path.join(_HOME, "dags")
    os.environ.pop("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", None)

from optjob_sdk.testing import Durations, FakeOptimizationService

#: The connection every test uses: not ``aws_default``, so that a piece ignoring
#: ``aws_conn_id`` fails.
CONN_ID = "optjob_emulator"

#: A job's states, in emulator seconds: a few polls of the schedule below.
FAST = Durations(starting=1.0, in_progress=2.0, stopping=1.0)

#: Polling for tests: the SDK's schedule, shrunk.
POLL = {"poll_interval": 0.2, "max_poll_interval": 0.4}


def example(name: str = "awq-quantization", **changes: Any) -> dict[str, Any]:
    """A request from the shared examples (the AWS CLI's shape), with top-level changes."""
    from examples import load_example  # tests/examples.py (the copy in tests/data)

    data: dict[str, Any] = load_example(name)
    data.update(changes)
    return data


@pytest.fixture
def service() -> FakeOptimizationService:
    """The emulator, on its virtual clock: jobs move only as the waits below pause."""
    return FakeOptimizationService(durations=FAST)


@pytest.fixture
def emulator_url(
    service: FakeOptimizationService, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The service over HTTP, and the Airflow AWS connection ``optjob_emulator`` pointing at
    it (its ``endpoint_url`` extra; dummy keys in login and password).

    The SDK's waits (in the worker and in the trigger) pause and read their deadlines on the
    emulator's virtual clock, through the two functions by which they sleep and the one by
    which they read the time when given none: a pause moves the jobs on at once, so that no
    test depends on how fast a loaded machine runs it. Nothing else is changed: the pieces
    under test, Airflow, botocore and the HTTP round trips are real.
    """
    import optjob_sdk._waits
    import optjob_sdk.aio.waiting
    import optjob_sdk.waiting

    monkeypatch.setattr(optjob_sdk.waiting, "_real_sleep", service.advance)
    monkeypatch.setattr(optjob_sdk.aio.waiting, "_real_sleep", service.advance_async)
    monkeypatch.setattr(optjob_sdk._waits, "_real_clock", service.monotonic)
    with service.serve() as url:
        monkeypatch.setenv(
            f"AIRFLOW_CONN_{CONN_ID.upper()}",
            json.dumps(
                {
                    "conn_type": "aws",
                    "login": "AKIDOPTJOBTEST",
                    "password": "not-a-real-secret-key",
                    "extra": {"endpoint_url": url, "region_name": "us-west-2"},
                }
            ),
        )
        yield url


def context(*, try_number: int = 1, run_start: datetime | None = None) -> dict[str, Any]:
    """The part of an Airflow task context the pieces read: the task instance's try and
    the DAG run's start."""
    started = run_start or datetime.now(timezone.utc) - timedelta(minutes=1)
    return {
        "ti": SimpleNamespace(try_number=try_number, start_date=datetime.now(timezone.utc)),
        "dag_run": SimpleNamespace(start_date=started),
    }
