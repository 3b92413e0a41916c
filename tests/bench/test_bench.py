"""benchmarks/bench.py (``nox -s bench``) still works: a smoke test, not a benchmark.

The in-process figures run with tiny rounds (the calls they count are checked, never their
times: the machines are shared and noisy); the arithmetic and the Markdown are checked on
fixed inputs. The fresh-process figures are not run (processes are slow, and the CLI figure
needs the AWS CLI); the cold figure's scripts are compiled, and the SDK's is run once.
"""

from __future__ import annotations

import datetime
import importlib.util
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    """benchmarks/bench.py, imported by path (it imports its neighbour ``_endpoint``)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("optjob_bench", BENCHMARKS / "bench.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("optjob_bench", None)
        sys.path.remove(str(BENCHMARKS))


TINY = {"rounds": 1, "calls": 2, "jobs": 250}


# -- the arithmetic ----------------------------------------------------------------------


def test_median_and_ratio(bench: ModuleType) -> None:
    assert bench.median([3.0, 1.0, 2.0]) == 2.0
    assert bench.median([4.0, 1.0, 2.0, 3.0]) == 2.5
    with pytest.raises(ValueError, match="no samples"):
        bench.median([])
    assert bench.ratio(2.0, 1.0) == 2.0  # sdk / raw: above 1, the SDK is slower
    assert bench.ratio(1.0, 4.0) == 0.25
    assert bench.ratio(1.0, None) is None


@given(rounds=st.integers(0, 12), count=st.integers(1, 4))
def test_interleaved_takes_turns_and_alternates_who_goes_first(
    bench: ModuleType, rounds: int, count: int
) -> None:
    names = [f"side{i}" for i in range(count)]
    order: list[str] = []

    def sampler(name: str) -> object:
        def sample() -> int:
            order.append(name)
            return len(order)

        return sample

    samples = bench.interleaved({name: sampler(name) for name in names}, rounds)
    assert list(samples) == names
    assert all(len(values) == rounds for values in samples.values())
    for round_ in range(rounds):
        chunk = order[round_ * count : (round_ + 1) * count]
        assert chunk == (names if round_ % 2 == 0 else names[::-1])
    for name, values in samples.items():  # each sample is the one that side took
        assert [order[v - 1] for v in values] == [name] * rounds


def figure(bench: ModuleType, **changes: object) -> Any:
    fields: dict[str, object] = {
        "key": "describe",
        "label": "describe, per call (warm)",
        "raw": 0.001,
        "sdk": 0.002,
        "target": "<= 1.05x",
        "limit": 1.05,
        "how": "how it is measured",
    }
    return bench.Figure(**(fields | changes))


def test_met_against_a_ratio_or_an_absolute_limit(bench: ModuleType) -> None:
    assert figure(bench, raw=1.0, sdk=1.05).met is True  # at the limit
    assert figure(bench, raw=1.0, sdk=1.06).met is False
    assert figure(bench, raw=1.0, sdk=0.5, ok=False).met is False  # e.g. too many calls
    assert figure(bench, raw=None, raw_note="aws CLI not installed").met is None
    assert figure(bench, limit=None).met is None
    absolute = {"absolute": True, "limit": 0.005, "raw": 0.3}
    assert figure(bench, sdk=0.004, **absolute).met is True
    assert figure(bench, sdk=0.005, **absolute).met is False  # "< 5 ms"


def test_durations_in_the_unit_that_suits_them(bench: ModuleType) -> None:
    assert bench.duration(1.5) == "1.50 s"
    assert bench.duration(0.0123) == "12.3 ms"
    assert bench.duration(0.001234) == "1.23 ms"
    assert bench.duration(0.0004567) == "456.7 µs"


def test_markdown_has_the_header_the_rows_and_the_ratios(bench: ModuleType) -> None:
    rows = [
        figure(bench, raw=0.001, sdk=0.002),
        figure(
            bench,
            key="cli",
            label="cli row",
            raw=None,
            sdk=0.5,
            target="<= 0.75x",
            limit=0.75,
            raw_note="aws CLI not installed",
            how="the cli",
        ),
        figure(bench, key="list", label="list row", raw=0.4, sdk=0.3, raw_note="100 calls"),
    ]
    about = {"platform": "Linux-x", "CPU": "Some CPU, 2 cores", "Python": "CPython 3.12.1"}
    when = datetime.datetime(2026, 11, 30, 10, 54, tzinfo=datetime.timezone.utc)
    text = bench.markdown(rows, about, when)
    assert text.startswith("# Benchmarks: optjob-sdk against raw boto3\n")
    assert "- date: 2026-11-30 10:54 UTC\n" in text
    assert "- CPU: Some CPU, 2 cores\n" in text
    assert "| figure | raw boto3 (or aws CLI) | optjob-sdk | ratio | target | met |" in text
    assert "| describe, per call (warm) | 1.00 ms | 2.00 ms | 2.00x | <= 1.05x | **no** |" in text
    assert "| cli row | aws CLI not installed | 500.0 ms | - | <= 0.75x | - |" in text
    assert "| list row | 400.0 ms (100 calls) | 300.0 ms | 0.75x | <= 1.05x | yes |" in text
    assert "**cli row**: the cli" in text
    assert text.endswith("\n")
    assert not text.endswith("\n\n")


# -- the figures, tiny -------------------------------------------------------------------


def test_in_process_figures_run_and_count_their_calls(bench: ModuleType) -> None:
    settings = bench.Settings(**TINY)
    describe = bench.describe_figure(settings)
    create = bench.create_figure(settings)
    listing = bench.list_figure(settings)
    for row in (describe, create, listing):
        assert row.raw > 0
        assert row.sdk > 0
        assert row.ratio == pytest.approx(row.sdk / row.raw)
        assert row.ok, row
    # One CreateOptimizationJob call per create, on both sides, and no other call.
    assert "raw 1 CreateOptimizationJob, SDK 1 CreateOptimizationJob" in create.how
    ideal = math.ceil(TINY["jobs"] / 100)
    assert listing.raw_note == listing.sdk_note == f"{ideal} calls"
    assert listing.label == "listing 250 jobs"
    text = bench.markdown([describe, create, listing], bench.machine(), datetime.datetime.now())
    for label in (describe.label, create.label, listing.label):
        assert f"| {label} | " in text
        assert f"**{label}**: " in text
    for key in ("date", "platform", "CPU", "Python", "packages", "load average at start"):
        assert f"- {key}: " in text


def test_the_sdk_request_is_the_raw_request(bench: ModuleType) -> None:
    from optjob_sdk import to_dict

    assert to_dict(bench.sdk_request(7)) == bench.raw_request(7)


def test_main_writes_the_results(bench: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    bench.main(["--quick", "--only", "describe", "--write", str(out)])
    text = out.read_text(encoding="utf-8")
    assert "| describe, per call (warm) | " in text
    assert "listing" not in text  # --only


def test_unknown_figures_are_refused(bench: ModuleType) -> None:
    with pytest.raises(SystemExit):
        bench.parse_args(["--only", "describe,nope"])
    assert bench.parse_args(["--only", "list,describe"]).figures == ["describe", "list"]


def test_cold_scripts_are_python_and_the_sdk_side_runs(bench: ModuleType) -> None:
    for script in bench.COLD_SCRIPTS.values():
        compile(script, "<cold>", "exec")
    wall, out = bench.run_process(
        [sys.executable, "-c", bench.COLD_SCRIPTS["sdk"]], bench.fake_aws_environment()
    )
    assert 0 < float(out) < wall  # the script's own time lies within the process's
