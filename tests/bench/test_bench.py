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


# -- instruction counts (callgrind is never run here) ------------------------------------

CALLGRIND_OUT = """\
# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4242
cmd:  python bench.py --child describe raw 0
part: 1

desc: I1 cache:
desc: Timerange: Basic block 0 - 123
positions: line
events: {events}
summary: {summary}

fn=(1) main
0 {summary}

totals: {totals}
"""


def test_callgrind_total_reads_the_totals_at_the_place_of_ir(bench: ModuleType) -> None:
    text = CALLGRIND_OUT.format(events="Ir", summary="1844866829", totals="1844866829")
    assert bench.callgrind_total(text) == 1_844_866_829
    # Other events counted beside Ir (a cache simulation, say): Ir's column, not the first.
    text = CALLGRIND_OUT.format(events="Dr Ir Dw", summary="5 17 9", totals="6 18 10")
    assert bench.callgrind_total(text) == 18  # totals first, when both are there
    no_totals = CALLGRIND_OUT.format(events="Ir", summary="77", totals="1").replace(
        "totals: 1\n", ""
    )
    assert bench.callgrind_total(no_totals) == 77


def test_callgrind_total_refuses_what_is_not_a_count_of_ir(bench: ModuleType) -> None:
    with pytest.raises(ValueError, match="Ir"):
        bench.callgrind_total(CALLGRIND_OUT.format(events="Dr Dw", summary="1 2", totals="1 2"))
    with pytest.raises(ValueError, match="totals"):
        bench.callgrind_total("events: Ir\nfn=(1) main\n0 5\n")
    with pytest.raises(ValueError, match="Ir"):
        bench.callgrind_total("")


@given(setup=st.integers(0, 10**10), per=st.integers(0, 10**8), units=st.integers(1, 1000))
def test_per_unit_subtracts_the_setup(bench: ModuleType, setup: int, per: int, units: int) -> None:
    assert bench.per_unit(setup, setup + per * units, units) == per


def test_per_unit_refuses_no_units_and_lost_instructions(bench: ModuleType) -> None:
    assert bench.per_unit(1000, 1500, 2) == 250.0
    with pytest.raises(ValueError, match="units"):
        bench.per_unit(1000, 1500, 0)
    with pytest.raises(ValueError, match="fewer"):
        bench.per_unit(1500, 1000, 1)


def fake_children(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch, per: dict[tuple[str, str], int]
) -> list[tuple[str, str, int]]:
    """Replaces callgrind: each child 'executes' a set-up of 10**9 instructions plus
    ``per[figure, side]`` a unit, and makes the calls its units should; the children run."""
    runs: list[tuple[str, str, int]] = []
    settings = bench.Settings(**TINY)

    def count(valgrind: str, figure: str, side: str, units: int, _: Any) -> Any:
        runs.append((figure, side, units))
        calls = {op: 50 + n * units for op, n in bench.unit_calls(figure, settings).items()}
        return 10**9 + per[figure, side] * units, calls

    monkeypatch.setattr(bench.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(bench, "count_instructions", count)
    return runs


def test_instruction_rows_are_per_unit_with_ratios(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    per = {
        ("describe", "raw"): 2_000_000,
        ("describe", "sdk"): 2_080_000,
        ("create", "raw"): 2_400_000,
        ("create", "sdk"): 3_000_000,
        ("list", "raw"): 50_000_000,
        ("list", "sdk"): 60_000_000,
    }
    runs = fake_children(bench, monkeypatch, per)
    settings = bench.Settings(**TINY)
    rows = bench.instruction_figures(["describe", "create", "list"], settings)
    # One set-up-only child a figure (the same work for both sides), one a side with units.
    assert sorted(runs) == sorted(
        (figure, side, units)
        for figure, units in (("describe", 200), ("create", 200), ("list", 2))
        for side, units in (("raw", 0), ("raw", units), ("sdk", units))
    )
    by_key = {row.key: row for row in rows}
    assert [row.key for row in rows] == ["describe", "create", "list"]
    assert all(row.unit == "Ir" for row in rows)
    assert (by_key["describe"].raw, by_key["describe"].sdk) == (2_000_000, 2_080_000)
    assert by_key["describe"].ratio == pytest.approx(1.04)
    assert by_key["describe"].met is True
    assert by_key["create"].met is False  # 1.25x > 1.15x
    assert by_key["list"].label == "listing 250 jobs: instructions per listing"
    assert by_key["list"].ok
    assert by_key["list"].met is False  # 1.2x
    assert bench.cells(by_key["describe"]) == [
        "describe: instructions per call",
        "2,000,000",
        "2,080,000",
        "1.040x",
        "<= 1.05x",
        "yes",
    ]
    text = bench.markdown(rows, {"platform": "Linux-x"}, datetime.datetime.now())
    assert "### Instructions per call (callgrind)" in text
    assert "| instructions (callgrind) | raw boto3 | optjob-sdk | ratio | target | met |" in text
    assert "| figure | raw boto3" not in text  # no timed rows: no table of times
    assert "**Instructions per call (callgrind)**: " in text
    assert "- describe: instructions per call: the describe figure's work; N = 200" in text


def test_instruction_rows_flag_wrong_calls(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_children(bench, monkeypatch, {("describe", "raw"): 10, ("describe", "sdk"): 10})
    settings = bench.Settings(**TINY)
    original = bench.count_instructions

    def two_calls_a_describe(valgrind: str, figure: str, side: str, units: int, _: Any) -> Any:
        total, calls = original(valgrind, figure, side, units, _)
        if side == "sdk":
            calls = {"DescribeOptimizationJob": 50 + 2 * units}
        return total, calls

    monkeypatch.setattr(bench, "count_instructions", two_calls_a_describe)
    (row,) = bench.instruction_figures(["describe"], settings)
    assert row.sdk_note == "calls: 400 DescribeOptimizationJob"
    assert not row.raw_note
    assert row.met is False  # the ratio is 1.0, but the SDK made twice the calls


def test_without_valgrind_the_rows_say_so(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench.shutil, "which", lambda name: None)
    rows = bench.instruction_figures(["describe", "list"], bench.Settings(**TINY))
    assert [row.raw_note for row in rows] == ["valgrind not installed"] * 2
    assert all(row.met is None for row in rows)
    assert bench.cells(rows[0])[1:4] == ["valgrind not installed", "-", "-"]
    with pytest.raises(SystemExit):
        bench.parse_args(["--instructions"])  # asked for: an error, not a row


def test_which_figures_are_timed_and_which_counted(
    bench: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench.shutil, "which", lambda name: f"/usr/bin/{name}")
    full = bench.parse_args([])
    assert full.timed == list(bench.FIGURES)
    assert full.counted == ["describe", "create", "list"]
    assert bench.parse_args(["--quick"]).counted == []
    assert bench.parse_args(["--only", "describe"]).counted == []
    only = bench.parse_args(["--instructions", "--only", "list,cold,describe"])
    assert (only.timed, only.counted) == ([], ["describe", "list"])
    with pytest.raises(SystemExit):
        bench.parse_args(["--instructions", "--only", "cold"])
    assert bench.parse_args(["--child", "list", "sdk", "2"]).child == ("list", "sdk", 2)
    with pytest.raises(SystemExit):
        bench.parse_args(["--child", "cold", "sdk", "2"])


def test_a_child_runs_the_warm_up_then_its_units(bench: ModuleType) -> None:
    settings = bench.Settings(**TINY)
    # Warm-up: 25 describes a side; then the units, of one side only.
    assert bench.child("describe", "sdk", 3, settings) == {"DescribeOptimizationJob": 53}
    assert bench.child("create", "raw", 0, settings) == {"CreateOptimizationJob": 50}
    # Warm-up: one listing a side, of two pages; then 1 listing of 250 jobs: 3 pages.
    assert bench.child("list", "raw", 1, settings) == {"ListOptimizationJobs": 7}
