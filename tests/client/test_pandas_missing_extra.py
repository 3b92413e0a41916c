"""Without the ``pandas`` extra: ``to_pandas()`` is a clear error naming
``pip install 'optjob-sdk[pandas]'``, raised before any call is made; everything else works;
``import optjob_sdk``, listing and showing a model in a notebook never import pandas (nor
IPython).

"Without" is a fresh interpreter whose path finder misses pandas, as if it had never been
installed (so this runs the same wherever the extra is or is not). The frame itself is
tested in tests/dataframe (the nox session ``pandas``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from hiding import run_python

SETUP = """
import json, pathlib
from optjob_sdk import CreateOptimizationJobRequest, OptimizationJobClient, from_dict
from optjob_sdk.testing import FakeOptimizationService

service = FakeOptimizationService()
client = OptimizationJobClient(service.client())
data = json.loads(pathlib.Path({example!r}).read_text())
client.create(from_dict(CreateOptimizationJobRequest, data))
"""

EXAMPLE = Path(__file__).parents[1] / "data" / "examples" / "awq-quantization.json"


def test_to_pandas_without_pandas_names_the_extra_and_calls_nothing(tmp_path: Path) -> None:
    out = run_python(
        SETUP.format(example=str(EXAMPLE))
        + """
before = service.calls("ListOptimizationJobs")
try:
    client.list(max_items=5).to_pandas()
except ModuleNotFoundError as error:
    print("MISSING", error.name, "|", error)
print("calls", service.calls("ListOptimizationJobs") - before)
print("listed", [job.optimization_job_name for job in client.list()])  # the rest works
""",
        hide=("pandas",),
        where=tmp_path,
    )
    missing, calls, listed = out.splitlines()
    assert missing.startswith("MISSING pandas |")
    assert "pip install 'optjob-sdk[pandas]'" in missing
    assert calls == "calls 0"
    assert listed == "listed ['llama3-8b-awq-2026-11-24']"


@pytest.mark.skipif(
    importlib.util.find_spec("aiobotocore") is None, reason="the async client needs the aio extra"
)
def test_async_to_pandas_without_pandas_names_the_extra(tmp_path: Path) -> None:
    out = run_python(
        """
import asyncio
from optjob_sdk import AsyncOptimizationJobClient
from optjob_sdk.testing import FakeOptimizationService

async def main():
    service = FakeOptimizationService()
    async with service.aio_client() as sagemaker:
        client = AsyncOptimizationJobClient(sagemaker)
        try:
            await client.list().to_pandas()
        except ModuleNotFoundError as error:
            print("MISSING", error.name, "|", error)
        print("calls", service.calls("ListOptimizationJobs"))

asyncio.run(main())
""",
        hide=("pandas",),
        where=tmp_path,
    )
    missing, calls = out.splitlines()
    assert missing.startswith("MISSING pandas |")
    assert "pip install 'optjob-sdk[pandas]'" in missing
    assert calls == "calls 0"


def test_importing_listing_and_showing_never_import_pandas_or_ipython() -> None:
    out = run_python(
        """
import sys
import optjob_sdk
print(sorted(m for m in sys.modules if m.startswith(("optjob_sdk._display", "optjob_sdk._frame"))))
"""
        + SETUP.format(example=str(EXAMPLE))
        + """
job = client.describe(data["OptimizationJobName"])
page = next(iter(client.list().by_page()))
for shown in (job, page, page.optimization_job_summaries[0], job.optimization_configs[0]):
    assert shown._repr_html_().startswith("<div")
print(sorted(m for m in sys.modules if m.partition(".")[0] in ("pandas", "IPython", "numpy")))
"""
    )
    before, after = out.splitlines()
    assert before == "[]"  # the notebook forms and the frame load at first use
    assert after == "[]"
