"""``client.list(...).to_pandas()`` (sync) and ``await client.list(...).to_pandas()`` (async)
against the emulator: the columns and their types, the rows in the order listed, filters and
``max_items`` respected with the fewest List calls, an empty listing's empty frame with every
column."""

from __future__ import annotations

import importlib.util
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pandas as pd
import pytest
from hypothesis import given, settings

from optjob_sdk import (
    CreateOptimizationJobRequest,
    InstanceType,
    OptimizationJobClient,
    OptimizationJobSummary,
    from_dict,
)
from optjob_sdk._frame import COLUMNS, frame
from optjob_sdk.testing import FakeOptimizationService
from strategies import model

EXAMPLES = Path(__file__).parents[1] / "data" / "examples"

#: The summary's fields, in its order: the frame's columns.
EXPECTED_COLUMNS = [
    "optimization_job_name",
    "optimization_job_arn",
    "creation_time",
    "optimization_job_status",
    "optimization_start_time",
    "optimization_end_time",
    "last_modified_time",
    "deployment_instance_type",
    "max_instance_count",
    "optimization_types",
]
TIMES = ["creation_time", "optimization_start_time", "optimization_end_time", "last_modified_time"]


def request(name: str, instance_type: str = "ml.g5.12xlarge") -> CreateOptimizationJobRequest:
    data = json.loads((EXAMPLES / "awq-quantization.json").read_text())
    data["OptimizationJobName"] = name
    data["DeploymentInstanceType"] = instance_type
    return from_dict(CreateOptimizationJobRequest, data)


@pytest.fixture
def service() -> FakeOptimizationService:
    """Three jobs ended (one FAILED), a fourth still starting."""
    service = FakeOptimizationService()
    client = OptimizationJobClient(service.client())
    service.set_outcome("sweep-g6", "FAILED", reason="ClientError: out of memory")
    for name, instance_type in (
        ("sweep-g5", "ml.g5.12xlarge"),
        ("sweep-g6", "ml.g6.12xlarge"),
        ("sweep-g6e", "ml.g6e.12xlarge"),
    ):
        client.create(request(name, instance_type))
        service.advance(60)
    service.advance(3 * 3600)
    client.create(request("late-inf2", "ml.inf2.48xlarge"))
    return service


def test_the_columns_and_their_types(service: FakeOptimizationService) -> None:
    client = OptimizationJobClient(service.client())
    df = client.list(sort_by="Name", sort_order="Ascending").to_pandas()
    assert list(df.columns) == EXPECTED_COLUMNS == list(COLUMNS)
    assert list(df.optimization_job_name) == ["late-inf2", "sweep-g5", "sweep-g6", "sweep-g6e"]
    assert list(df.optimization_job_status) == ["STARTING", "COMPLETED", "FAILED", "COMPLETED"]
    assert all(type(status) is str for status in df.optimization_job_status)  # not the enum
    assert list(df.deployment_instance_type) == [
        "ml.inf2.48xlarge",
        "ml.g5.12xlarge",
        "ml.g6.12xlarge",
        "ml.g6e.12xlarge",
    ]
    assert list(df.optimization_types) == ["Quantization"] * 4
    assert str(df.max_instance_count.dtype) == "Int64"
    for column in TIMES:
        assert isinstance(df[column].dtype, pd.DatetimeTZDtype), column
        assert str(df[column].dt.tz) == "UTC"
    # The times are the summaries' own instants, to the microsecond.
    summaries = {job.optimization_job_name: job for job in client.list()}
    for row in df.itertuples():
        job = summaries[row.optimization_job_name]
        assert row.creation_time.to_pydatetime() == job.creation_time
        if job.optimization_end_time is None:
            assert pd.isna(row.optimization_end_time)
        else:
            assert row.optimization_end_time.to_pydatetime() == job.optimization_end_time
    # Times compare and subtract as times: the ended jobs ran 20 minutes each.
    ran = (df.optimization_end_time - df.optimization_start_time).dropna()
    assert set(ran) == {pd.Timedelta(minutes=20)}
    assert df.loc[df.optimization_job_status == "FAILED", "optimization_job_name"].tolist() == [
        "sweep-g6"
    ]


def test_an_empty_listing_is_an_empty_frame_with_every_column() -> None:
    service = FakeOptimizationService()
    df = OptimizationJobClient(service.client()).list().to_pandas()
    assert df.empty
    assert list(df.columns) == EXPECTED_COLUMNS
    for column in TIMES:
        assert isinstance(df[column].dtype, pd.DatetimeTZDtype), column
    assert str(df.max_instance_count.dtype) == "Int64"
    assert service.calls("ListOptimizationJobs") == 1
    # It concatenates with a full frame without changing the columns' types.
    client = OptimizationJobClient(service.client())
    client.create(request("one"))
    full = client.list().to_pandas()
    assert (pd.concat([df, full]).dtypes == full.dtypes).all()


def test_filters_and_max_items_with_the_fewest_calls(service: FakeOptimizationService) -> None:
    client = OptimizationJobClient(service.client())
    before = service.calls("ListOptimizationJobs")
    df = client.list(name_contains="sweep", status="COMPLETED").to_pandas()
    assert sorted(df.optimization_job_name) == ["sweep-g5", "sweep-g6e"]
    assert service.calls("ListOptimizationJobs") - before == 1

    before = service.calls("ListOptimizationJobs")
    df = client.list(sort_by="Name", page_size=2, max_items=3).to_pandas()
    assert len(df) == 3
    assert service.calls("ListOptimizationJobs") - before == 2  # 2 + 1: no third page

    before = service.calls("ListOptimizationJobs")
    assert client.list(max_items=0).to_pandas().empty
    assert service.calls("ListOptimizationJobs") == before  # nothing to ask for


def test_the_frame_is_the_listing_in_order(service: FakeOptimizationService) -> None:
    client = OptimizationJobClient(service.client())
    pager = client.list(sort_by="CreationTime", sort_order="Descending", page_size=1)
    before = service.calls("ListOptimizationJobs")
    df = pager.to_pandas()
    assert service.calls("ListOptimizationJobs") - before == 4  # one page per job: no more
    listed = list(pager)
    assert df.optimization_job_name.tolist() == [j.optimization_job_name for j in listed]
    assert df.optimization_job_name.tolist() == ["late-inf2", "sweep-g6e", "sweep-g6", "sweep-g5"]
    assert df.optimization_job_status.tolist() == [str(j.optimization_job_status) for j in listed]
    assert df.creation_time.is_monotonic_decreasing


def test_values_this_sdk_does_not_know_stay_their_strings() -> None:
    job = OptimizationJobSummary(
        optimization_job_name="future",
        optimization_job_arn="arn:aws:sagemaker:us-west-2:111122223333:optimization-job/future",
        creation_time=datetime(2027, 1, 1, tzinfo=timezone.utc),
        optimization_job_status="PAUSED",
        deployment_instance_type="ml.g9.96xlarge",
        max_instance_count=4,
        optimization_types=["Quantization", "Distillation"],
    )
    known = attrs.evolve(
        job, optimization_job_status="COMPLETED", deployment_instance_type=InstanceType.ML_G5_XLARGE
    )
    df = frame([job, known])
    assert df.optimization_job_status.tolist() == ["PAUSED", "COMPLETED"]
    assert df.deployment_instance_type.tolist() == ["ml.g9.96xlarge", "ml.g5.xlarge"]
    assert df.optimization_types.tolist() == ["Quantization, Distillation"] * 2
    assert df.max_instance_count.tolist() == [4, 4]
    assert df.optimization_types.str.split(", ").tolist()[0] == ["Quantization", "Distillation"]


@settings(max_examples=40, deadline=None)
@given(job=model(OptimizationJobSummary))
def test_any_summary_makes_one_row_of_its_values(job: OptimizationJobSummary) -> None:
    df = frame([job])
    (row,) = df.to_dict("records")
    assert row["optimization_job_name"] == job.optimization_job_name
    assert row["optimization_job_status"] == str(job.optimization_job_status)
    assert row["deployment_instance_type"] == str(job.deployment_instance_type)
    assert row["optimization_types"] == ", ".join(job.optimization_types)
    for column in TIMES:
        value: Any = getattr(job, column)
        if value is None:
            assert pd.isna(row[column])
        else:
            assert row[column].to_pydatetime() == value
    if job.max_instance_count is None:
        assert pd.isna(row["max_instance_count"])
    else:
        assert row["max_instance_count"] == job.max_instance_count


@pytest.mark.skipif(
    importlib.util.find_spec("aiobotocore") is None, reason="the async client needs the aio extra"
)
@pytest.mark.asyncio
async def test_the_async_frame_is_the_sync_one(service: FakeOptimizationService) -> None:
    from optjob_sdk import AsyncOptimizationJobClient

    sync = OptimizationJobClient(service.client()).list(sort_by="Name", max_items=3)
    async with service.aio_client() as sagemaker:
        client = AsyncOptimizationJobClient(sagemaker)
        before = service.calls("ListOptimizationJobs")
        df = await client.list(sort_by="Name", page_size=2, max_items=3).to_pandas()
        assert service.calls("ListOptimizationJobs") - before == 2
        pd.testing.assert_frame_equal(df, sync.to_pandas())
        empty = await client.list(name_contains="nothing-matches").to_pandas()
    assert list(empty.columns) == EXPECTED_COLUMNS
    assert empty.empty
    pd.testing.assert_frame_equal(empty, frame([]))


def test_the_frame_holds_no_more_than_the_service_said() -> None:
    # Timestamps from a JSON answer (epoch seconds) and boto3's datetimes end up the same.
    when = datetime(2026, 11, 30, 8, tzinfo=timezone.utc)
    job = from_dict(
        OptimizationJobSummary,
        {
            "OptimizationJobName": "j",
            "OptimizationJobArn": "arn:aws:sagemaker:us-west-2:111122223333:optimization-job/j",
            "CreationTime": when.timestamp(),
            "OptimizationJobStatus": "INPROGRESS",
            "OptimizationStartTime": (when + timedelta(minutes=1)).isoformat(),
            "DeploymentInstanceType": "ml.g5.xlarge",
            "OptimizationTypes": [],
        },
    )
    (row,) = frame([job]).to_dict("records")
    assert row["creation_time"] == pd.Timestamp(when)
    assert row["optimization_start_time"] == pd.Timestamp(when + timedelta(minutes=1))
    assert pd.isna(row["optimization_end_time"])
    assert row["optimization_types"] == ""
