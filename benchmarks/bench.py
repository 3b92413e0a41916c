"""optjob-sdk against raw boto3 (and ``optjob`` against the AWS CLI), every figure in one run.

    python benchmarks/bench.py                      # every figure, printed as a table
    python benchmarks/bench.py --write benchmarks/RESULTS.md
    python benchmarks/bench.py --only describe,list --rounds 5
    python benchmarks/bench.py --quick              # a tiny run (seconds): does it work?
    python benchmarks/bench.py --profile create     # where the SDK side's time goes
    python benchmarks/bench.py --instructions       # instructions per call, callgrind

``nox -s bench`` runs it on an installed (not editable) package and writes RESULTS.md.

Figures (FIGURES below, in order): ``cold`` (a fresh process: import, build the client,
first describe), ``describe`` and ``create`` (per call, warm), ``list`` (10,000 jobs),
``cli`` (``optjob describe`` against ``aws sagemaker describe-optimization-job``, whole
process), ``import`` (``import optjob_sdk`` alone). Each is a median of several rounds, the
two sides interleaved (raw, sdk, sdk, raw, ...) so that the machine's noise hits both alike;
the ratio is sdk/raw. Only ratios measured in the same run mean anything: the machines are
shared and noisy.

So the in-process figures (describe, create, list) are also counted in instructions: the
same work run by a child process under valgrind's callgrind, once without the measured
calls and once with them; the difference per call is the same from run to run, whatever
else the machine does (``--instructions`` alone; in the full run when valgrind is found).

No AWS account is needed: the in-process figures are answered by
``_endpoint.FakeEndpoint`` (a botocore ``before-send`` handler: botocore's real serializer
and parser, no network), the CLI figure by the SDK's emulator served over loopback HTTP.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import cProfile
import dataclasses
import datetime
import importlib.metadata
import itertools
import json
import math
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from _endpoint import ARN_PREFIX, NAME, FakeEndpoint, make_client

from optjob_sdk import (
    CreateOptimizationJobRequest,
    InstanceType,
    OptimizationConfigsBuilder,
    OptimizationJobClient,
    OptimizationJobModelSource,
    OptimizationJobModelSourceS3,
    OptimizationJobOutputConfig,
    OptimizationModelAccessConfig,
    StoppingCondition,
    Tag,
)

HERE = Path(__file__).resolve().parent
T = TypeVar("T")

# -- settings ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Settings:
    """How much to measure. ``rounds``: samples per side of every figure (fresh processes
    for cold/cli/import, timed repetitions for describe/create/list), each figure's own
    default when None; ``calls``: calls per timed repetition of describe and create;
    ``ir_calls`` and ``ir_listings``: the calls (describe, create) and whole listings (list)
    a child counted by callgrind makes after its warm-up."""

    rounds: int | None = None
    calls: int = 100
    jobs: int = 10_000
    ir_calls: int = 200
    ir_listings: int = 2

    def rounds_for(self, figure: str) -> int:
        return self.rounds if self.rounds is not None else DEFAULT_ROUNDS[figure]


DEFAULT_ROUNDS = {"cold": 21, "describe": 41, "create": 41, "list": 11, "cli": 15, "import": 21}
QUICK = Settings(rounds=2, calls=20, jobs=250, ir_calls=10, ir_listings=1)


# -- results and their arithmetic -------------------------------------------------------


@dataclasses.dataclass
class Figure:
    """One row of the results: the two sides' figures and what is targeted. With ``unit``
    ``"s"`` the figures are medians in seconds, with ``"Ir"`` instructions executed per
    unit of work (callgrind's counts).

    ``limit`` is the highest acceptable sdk/raw ratio, or with ``absolute`` the highest
    acceptable SDK time in seconds; ``raw`` (or both sides) is None when the side could not
    run (``raw_note``/``sdk_note`` say why). ``ok`` is False when a side broke a rule of
    the figure (the list's call count, say), whatever the times."""

    key: str
    label: str
    raw: float | None
    sdk: float | None
    target: str
    limit: float | None
    how: str
    absolute: bool = False
    raw_note: str = ""
    sdk_note: str = ""
    ok: bool = True
    unit: str = "s"

    @property
    def ratio(self) -> float | None:
        return ratio(self.sdk, self.raw)

    @property
    def met(self) -> bool | None:
        """Whether the target is met (None: no target, or nothing to compare with)."""
        if self.limit is None:
            return None
        if self.absolute:
            return None if self.sdk is None else self.ok and self.sdk < self.limit
        value = self.ratio
        return None if value is None else self.ok and value <= self.limit


def median(samples: Sequence[float]) -> float:
    """The median of the samples (the middle one, or the mean of the two middle ones)."""
    if not samples:
        raise ValueError("no samples")
    return statistics.median(samples)


def ratio(sdk: float | None, raw: float | None) -> float | None:
    """sdk/raw: below 1 the SDK is faster. None when a side has no figure."""
    if sdk is None or raw is None or raw <= 0:
        return None
    return sdk / raw


def interleaved(sides: Mapping[str, Callable[[], T]], rounds: int) -> dict[str, list[T]]:
    """``rounds`` samples of each side, taken in turns; which side goes first alternates,
    so that neither always gets the warmer (or the colder) machine."""
    order = list(sides)
    samples: dict[str, list[T]] = {name: [] for name in order}
    for round_ in range(rounds):
        for name in order if round_ % 2 == 0 else reversed(order):
            samples[name].append(sides[name]())
    return samples


#: The in-process figures' clock: this process's CPU time. Everything they time is CPU work
#: in this process (the endpoint answers from memory, no I/O), and on a shared machine the
#: wall clock also counts the time other tenants' work takes the CPU away.
CLOCK = time.process_time


def per_call(fn: Callable[[], object], calls: int) -> Callable[[], float]:
    """A sampler: the mean CPU time of one ``fn()`` over ``calls`` calls, in seconds."""

    def sample() -> float:
        start = CLOCK()
        for _ in range(calls):
            fn()
        return (CLOCK() - start) / calls

    return sample


# -- the in-process figures --------------------------------------------------------------


@dataclasses.dataclass
class Work:
    """One in-process figure's work, set up: ``sides`` maps ``raw`` and ``sdk`` to one unit
    of their work (one call; for the list, one whole listing, which returns the number of
    jobs listed), ``warm_up`` is how many units of each side run (interleaved) before any
    is measured, with the endpoint holding ``warm_up_jobs`` jobs meanwhile when given (a
    listing warms up on two pages: 98 more would only cost time, under callgrind minutes).
    The timed figures and the instruction counts both run this, so that both measure the
    same work."""

    endpoint: FakeEndpoint
    sides: dict[str, Callable[[], object]]
    warm_up: int
    warm_up_jobs: int | None = None


def warm(work: Work) -> None:
    """The warm-up: ``work.warm_up`` units of each side, interleaved; their results are
    dropped at once (kept, they would be more objects for every later garbage collection
    to visit)."""

    def dropping(fn: Callable[[], object]) -> Callable[[], None]:
        def unit() -> None:
            fn()

        return unit

    jobs = work.endpoint.jobs
    if work.warm_up_jobs is not None:
        work.endpoint.jobs = work.warm_up_jobs
    try:
        interleaved({name: dropping(fn) for name, fn in work.sides.items()}, work.warm_up)
    finally:
        work.endpoint.jobs = jobs


def describe_work(settings: Settings) -> Work:
    """describe's work: one boto3 client, one endpoint; a unit is one describe."""
    endpoint = FakeEndpoint()
    raw_client = make_client(endpoint)
    client = OptimizationJobClient(raw_client)
    sides: dict[str, Callable[[], object]] = {
        "raw": lambda: raw_client.describe_optimization_job(OptimizationJobName=NAME),
        "sdk": lambda: client.describe(NAME),
    }
    return Work(endpoint, sides, warm_up=25)  # botocore's caches, the SDK's structure hooks


def describe_figure(settings: Settings) -> Figure:
    """describe, per call, warm: the SDK's ``describe`` against boto3's
    ``describe_optimization_job``, on one client and one endpoint."""
    work = describe_work(settings)
    warm(work)
    rounds, calls = settings.rounds_for("describe"), settings.calls
    samples = interleaved({name: per_call(fn, calls) for name, fn in work.sides.items()}, rounds)
    return Figure(
        key="describe",
        label="describe, per call (warm)",
        raw=median(samples["raw"]),
        sdk=median(samples["sdk"]),
        target="<= 1.05x",
        limit=1.05,
        how=(
            f"One boto3 client and one in-process endpoint. Raw: "
            f"`describe_optimization_job(OptimizationJobName=...)`, the parsed dict. SDK: "
            f"`OptimizationJobClient(that client).describe(name)`, a typed model. Both warmed "
            f"up first (25 calls each); then {rounds} interleaved repetitions of {calls} "
            f"calls a side; the figure is the median repetition's CPU time per call (this "
            f"process's: the work is all in it, and other tenants of a shared machine don't "
            f"count)."
        ),
    )


def sdk_request(number: int) -> CreateOptimizationJobRequest:
    """A realistic request as a user writes it (docs/quickstart.md, the shared examples):
    the models, the builder for the techniques, a secret in the environment, tags."""
    name = f"llama3-8b-awq-{number}"
    return CreateOptimizationJobRequest(
        optimization_job_name=name,
        role_arn="arn:aws:iam::111122223333:role/service-role/SageMakerOptimizationRole",
        model_source=OptimizationJobModelSource(
            s3=OptimizationJobModelSourceS3(
                s3_uri="s3://example-models/meta-llama-3-8b-instruct/",
                model_access_config=OptimizationModelAccessConfig(accept_eula=True),
            )
        ),
        deployment_instance_type=InstanceType.ML_G5_12XLARGE,
        optimization_environment={"HF_TOKEN": "hf_exampleSecretValue0123456789"},
        optimization_configs=OptimizationConfigsBuilder().quantization(method="awq").build(),
        output_config=OptimizationJobOutputConfig(
            s3_output_location=f"s3://example-models/optimized/{name}/"
        ),
        stopping_condition=StoppingCondition(max_runtime_in_seconds=7200),
        tags=(Tag(key="team", value="inference"), Tag(key="model", value="llama3-8b")),
    )


def raw_request(number: int) -> dict[str, Any]:
    """The same request as boto3's keyword arguments, the cheapest way: a dict literal."""
    name = f"llama3-8b-awq-{number}"
    return {
        "OptimizationJobName": name,
        "RoleArn": "arn:aws:iam::111122223333:role/service-role/SageMakerOptimizationRole",
        "ModelSource": {
            "S3": {
                "S3Uri": "s3://example-models/meta-llama-3-8b-instruct/",
                "ModelAccessConfig": {"AcceptEula": True},
            }
        },
        "DeploymentInstanceType": "ml.g5.12xlarge",
        "OptimizationEnvironment": {"HF_TOKEN": "hf_exampleSecretValue0123456789"},
        "OptimizationConfigs": [
            {"ModelQuantizationConfig": {"OverrideEnvironment": {"OPTION_QUANTIZE": "awq"}}}
        ],
        "OutputConfig": {"S3OutputLocation": f"s3://example-models/optimized/{name}/"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 7200},
        "Tags": [{"Key": "team", "Value": "inference"}, {"Key": "model", "Value": "llama3-8b"}],
    }


def create_work(settings: Settings) -> Work:
    """create's work: one boto3 client, one endpoint; a unit builds a new request (a new
    job name each time) and sends it."""
    endpoint = FakeEndpoint()
    raw_client = make_client(endpoint)
    client = OptimizationJobClient(raw_client)
    counter = iter(range(sys.maxsize))

    def raw_create() -> object:
        return raw_client.create_optimization_job(**raw_request(next(counter)))

    def sdk_create() -> object:
        response = client.create(sdk_request(next(counter)))
        assert response.optimization_job_arn.startswith(ARN_PREFIX)
        return response

    return Work(endpoint, {"raw": raw_create, "sdk": sdk_create}, warm_up=25)


def create_figure(settings: Settings) -> Figure:
    """create, per call, building and validating the request included."""
    work = create_work(settings)
    warm(work)
    rounds, calls = settings.rounds_for("create"), settings.calls
    # Each side's calls, counted apart: create must make one call, no more (no describe).
    counts = {}
    for name, fn in work.sides.items():
        work.endpoint.calls.clear()
        fn()
        counts[name] = dict(work.endpoint.calls)
    samples = interleaved({name: per_call(fn, calls) for name, fn in work.sides.items()}, rounds)
    one = {"CreateOptimizationJob": 1}
    return Figure(
        key="create",
        label="create, building and validating the request included",
        raw=median(samples["raw"]),
        sdk=median(samples["sdk"]),
        target="<= 1.15x",
        limit=1.15,
        raw_note="" if counts["raw"] == one else _ops(counts["raw"]),
        sdk_note="" if counts["sdk"] == one else _ops(counts["sdk"]),
        ok=counts["raw"] == one and counts["sdk"] == one,
        how=(
            f"Each call builds a new request (a new job name each time) and sends it. Raw: "
            f"a dict literal, `create_optimization_job(**request)`. SDK: "
            f"`CreateOptimizationJobRequest(...)` from the models, its `OptimizationConfigs` "
            f"from `OptimizationConfigsBuilder().quantization(method='awq').build()`, with an "
            f"`HF_TOKEN` environment, two tags, an output config and a stopping condition "
            f"(docs/quickstart.md's request), then `client.create(request)`, which validates "
            f"it. One CreateOptimizationJob call per create on each side, and nothing else "
            f"(counted: raw {_ops(counts['raw'])}, SDK {_ops(counts['sdk'])}). Warmed up, "
            f"then {rounds} interleaved repetitions of {calls} calls a side; median CPU time per "
            f"call."
        ),
    )


def _ops(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{n} {operation}" for operation, n in counts.items()) or "no call"


def list_work(settings: Settings) -> Work:
    """The list's work: ``settings.jobs`` jobs on one endpoint; a unit is a whole listing,
    the SDK's pager against boto3's cheapest loop, each returning how many jobs it saw."""
    endpoint = FakeEndpoint(settings.jobs)
    raw_client = make_client(endpoint)
    client = OptimizationJobClient(raw_client)

    def raw_list() -> int:
        count, params = 0, {"MaxResults": 100}
        while True:
            page = raw_client.list_optimization_jobs(**params)
            count += len(page["OptimizationJobSummaries"])
            if "NextToken" not in page:
                return count
            params = {"MaxResults": 100, "NextToken": page["NextToken"]}

    def sdk_list() -> int:
        return sum(1 for _ in client.list())

    # The warm-up: one listing a side, of two pages (one with a NextToken, one without).
    return Work(endpoint, {"raw": raw_list, "sdk": sdk_list}, warm_up=1, warm_up_jobs=200)


def list_figure(settings: Settings) -> Figure:
    """Listing ``settings.jobs`` jobs: the SDK's pager against boto3's cheapest loop."""
    jobs = settings.jobs
    work = list_work(settings)
    endpoint = work.endpoint
    calls: dict[str, list[int]] = {"raw": [], "sdk": []}

    def sampler(name: str, fn: Callable[[], object]) -> Callable[[], float]:
        def sample() -> float:
            endpoint.calls.clear()
            start = CLOCK()
            count = fn()
            elapsed = CLOCK() - start
            if count != jobs:
                raise AssertionError(f"{name} listed {count} jobs, not {jobs}")
            calls[name].append(endpoint.calls.get("ListOptimizationJobs", 0))
            return elapsed

        return sample

    rounds = settings.rounds_for("list")
    warm(work)
    samples = interleaved({name: sampler(name, fn) for name, fn in work.sides.items()}, rounds)
    ideal = math.ceil(jobs / 100)
    raw_calls, sdk_calls = set(calls["raw"]), set(calls["sdk"])
    return Figure(
        key="list",
        label=f"listing {jobs:,} jobs",
        raw=median(samples["raw"]),
        sdk=median(samples["sdk"]),
        target=f"<= 1.05x, {ideal} calls",
        limit=1.05,
        raw_note=_calls_note(raw_calls),
        sdk_note=_calls_note(sdk_calls),
        ok=raw_calls == {ideal} and sdk_calls == {ideal},
        how=(
            f"{jobs:,} jobs on the in-process endpoint, 100 a page at most. Raw: a loop of "
            f"`list_optimization_jobs(MaxResults=100[, NextToken=...])` until no `NextToken`, "
            f"counting the summaries (the least work boto3 code can do). SDK: "
            f"`sum(1 for _ in client.list())`, each summary a typed model. The "
            f"ListOptimizationJobs calls of every round are counted (ideal: {ideal}). One "
            f"warm-up listing a side (of 200 jobs: two pages), then {rounds} interleaved rounds; "
            f"median CPU time of a whole listing."
        ),
    )


def _calls_note(counts: set[int]) -> str:
    return f"{'/'.join(map(str, sorted(counts)))} calls"


# -- instruction counts (callgrind) ------------------------------------------------------

#: Each in-process figure's work, set up (the children of the instruction counts run it).
WORK: dict[str, Callable[[Settings], Work]] = {
    "describe": describe_work,
    "create": create_work,
    "list": list_work,
}


def unit_calls(figure: str, settings: Settings) -> dict[str, int]:
    """The calls to the endpoint that one unit of ``figure``'s work must make."""
    if figure == "list":
        return {"ListOptimizationJobs": math.ceil(settings.jobs / 100)}
    return {"describe": {"DescribeOptimizationJob": 1}, "create": {"CreateOptimizationJob": 1}}[
        figure
    ]


def child(figure: str, side: str, units: int, settings: Settings) -> dict[str, int]:
    """What a child counted by callgrind runs (``bench.py --child FIGURE SIDE UNITS``): the
    figure's set-up and warm-up, exactly as the timed figure does them, then ``units``
    units of ``side``'s work; the endpoint calls made, all told."""
    work = WORK[figure](settings)
    warm(work)
    fn = work.sides[side]
    for _ in range(units):
        fn()
    return dict(work.endpoint.calls)


def callgrind_total(text: str) -> int:
    """The instructions executed (Ir), all told, from a callgrind output file's text: its
    ``totals:`` line (else its ``summary:`` line), at the place of ``Ir`` among the
    ``events:`` (the first one, and the only one unless a simulation was asked for)."""
    events: list[str] | None = None
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, colon, rest = line.partition(":")
        if not colon:
            continue
        if key == "events":
            events = rest.split()
        elif key in ("totals", "summary"):
            found.setdefault(key, rest.split())
    if events is None or "Ir" not in events:
        raise ValueError("not a callgrind output file with Ir counted: no 'events:' with Ir")
    for key in ("totals", "summary"):
        if key in found:
            return int(found[key][events.index("Ir")])
    raise ValueError("no 'totals:' or 'summary:' line in the callgrind output")


def per_unit(setup: int, total: int, units: int) -> float:
    """Instructions per unit of work: (Ir with ``units`` units - Ir without) / units."""
    if units < 1:
        raise ValueError(f"units must be at least 1, not {units}")
    if total < setup:
        raise ValueError(f"fewer instructions with the work ({total}) than without ({setup})")
    return (total - setup) / units


def count_instructions(
    valgrind: str, figure: str, side: str, units: int, settings: Settings
) -> tuple[int, dict[str, int]]:
    """Runs ``bench.py --child figure side units`` under callgrind; the instructions it
    executed (Ir, all told) and the endpoint calls it made."""
    with tempfile.TemporaryDirectory(prefix="optjob-bench-") as tmp:
        out = Path(tmp) / "callgrind.out"
        argv = [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", *CALLGRIND_OPTIONS]
        argv += [sys.executable, str(Path(__file__).resolve()), "--child", figure, side]
        argv += [str(units), "--jobs", str(settings.jobs)]
        # The same hashes in every child (set and dict layouts, hence the work, alike), and no
        # bytecode written: every child finds the same files, so the set-up is the same work.
        env = fake_aws_environment() | {"PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
        _, stdout = run_process(argv, env)
        return callgrind_total(out.read_text(encoding="utf-8")), json.loads(stdout)


#: Only the totals are read: no per-line or per-instruction detail, a plain file.
CALLGRIND_OPTIONS = ("--dump-line=no", "--dump-instr=no", "--compress-strings=no")


def units_for(figure: str, settings: Settings) -> int:
    """Units of work a counted child runs after its warm-up: calls, or whole listings."""
    return settings.ir_listings if figure == "list" else settings.ir_calls


def instruction_figures(figures: Sequence[str], settings: Settings) -> list[Figure]:
    """Instructions per unit of each in-process figure's work, raw and SDK, counted by
    valgrind's callgrind: a child with no unit of work (set-up and warm-up only: the same
    for both sides, as the warm-up warms both) and, for each side, one with ``units_for``
    units after the same set-up and warm-up; the difference, divided by the units. The
    children run in parallel, one a core (counts do not depend on what else runs)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return [
            _instruction_row(figure, settings, None, None, "valgrind not installed", "")
            for figure in figures
        ]
    # The list's children first: they take longest (whole listings of 10,000 jobs).
    tasks = [
        (figure, side, units)
        for figure in sorted(figures, key=lambda f: f != "list")
        for side, units in (
            ("raw", 0),
            ("raw", units_for(figure, settings)),
            ("sdk", units_for(figure, settings)),
        )
    ]
    workers = max(1, min(len(tasks), os.cpu_count() or 1))
    started = time.perf_counter()
    finished = itertools.count(1)  # next() on it is atomic: the threads share it

    def task(figure: str, side: str, units: int) -> tuple[int, dict[str, int]]:
        result = count_instructions(valgrind, figure, side, units, settings)
        print(
            f"  callgrind {next(finished)}/{len(tasks)}: {figure} "
            f"{f'{side}, {units} unit(s)' if units else 'set-up and warm-up only'}: "
            f"{result[0]:,} Ir ({time.perf_counter() - started:.0f} s so far)",
            file=sys.stderr,
            flush=True,
        )
        return result

    print(
        f"counting instructions: {len(tasks)} children under callgrind, {workers} at a time",
        file=sys.stderr,
        flush=True,
    )
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        counted = dict(zip(tasks, pool.map(lambda t: task(*t), tasks), strict=True))
    rows = []
    for figure in figures:
        units = units_for(figure, settings)
        expected = {op: n * units for op, n in unit_calls(figure, settings).items()}
        per: dict[str, float] = {}
        notes: dict[str, str] = {}
        for side in ("raw", "sdk"):
            # Without units, the child runs no side's work: its side is a placeholder.
            (setup, setup_calls), (total, total_calls) = (
                counted[figure, "raw", 0],
                counted[figure, side, units],
            )
            per[side] = per_unit(setup, total, units)
            made = {op: n - setup_calls.get(op, 0) for op, n in total_calls.items()}
            made = {op: n for op, n in made.items() if n}
            notes[side] = "" if made == expected else f"calls: {_ops(made)}"
        row = _instruction_row(figure, settings, per["raw"], per["sdk"], notes["raw"], notes["sdk"])
        rows.append(row)
    return rows


def _instruction_row(
    figure: str,
    settings: Settings,
    raw: float | None,
    sdk: float | None,
    raw_note: str,
    sdk_note: str,
) -> Figure:
    units = units_for(figure, settings)
    what = "listing" if figure == "list" else "call"
    labels = {
        "describe": "describe: instructions per call",
        "create": "create: instructions per call, request built and validated",
        "list": f"listing {settings.jobs:,} jobs: instructions per listing",
    }
    return Figure(
        key=figure,
        label=labels[figure],
        raw=raw,
        sdk=sdk,
        target={"describe": "<= 1.05x", "create": "<= 1.15x", "list": "<= 1.05x"}[figure],
        limit={"describe": 1.05, "create": 1.15, "list": 1.05}[figure],
        unit="Ir",
        raw_note=raw_note,
        sdk_note=sdk_note,
        ok=not raw_note and not sdk_note,
        how=(
            f"the {figure} figure's work; N = {units} {what}(s) after the warm-up "
            f"({_ops(unit_calls(figure, settings))} a {what}, checked)"
        ),
    )


# -- the fresh-process figures -----------------------------------------------------------


def fake_aws_environment() -> dict[str, str]:
    """The environment of every process measured: this one's, without any AWS setting,
    plus placeholder credentials and a region, and no configuration file or instance
    metadata to look up (both sides pay the same lookups)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BOTO_"))}
    env.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-west-2",
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def run_process(
    argv: Sequence[str], env: Mapping[str, str], *, keep_output: bool = True
) -> tuple[float, str]:
    """Runs a process to its end; its wall time (spawn to exit) and its stdout (with
    ``keep_output=False`` stdout goes to /dev/null: nothing to read). A failure (non-zero
    exit status) is an error: a figure of a broken run would mean nothing."""
    stdout = subprocess.PIPE if keep_output else subprocess.DEVNULL
    start = time.perf_counter()
    done = subprocess.run(
        list(argv), env=dict(env), stdout=stdout, stderr=subprocess.PIPE, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{argv[:3]} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


# What each side of the cold figure runs: import, client, first describe. The endpoint
# is registered after the client is built (its module imports only json and botocore's
# awsrequest, loaded already), and found by appending this directory to sys.path *after*
# the imports measured, so that it lengthens no lookup of theirs.
_COLD_PREFIX = "import time; _t0 = time.perf_counter()\n"
_COLD_SUFFIX = (
    "import sys; sys.path.append({here!r})\n"
    "from _endpoint import FakeEndpoint\n"
    "{events}.register('before-send.sagemaker', FakeEndpoint())\n"
    "{describe}\n"
    "print(time.perf_counter() - _t0)\n"
)
COLD_SCRIPTS = {
    "raw": _COLD_PREFIX
    + "import boto3\nc = boto3.client('sagemaker')\n"
    + _COLD_SUFFIX.format(
        here=str(HERE),
        events="c.meta.events",
        describe=f"c.describe_optimization_job(OptimizationJobName={NAME!r})",
    ),
    "sdk": _COLD_PREFIX
    + "from optjob_sdk import OptimizationJobClient\nclient = OptimizationJobClient()\n"
    + _COLD_SUFFIX.format(
        here=str(HERE),
        events="client.sagemaker_client.meta.events",
        describe=f"client.describe({NAME!r})",
    ),
}


def cold_figures(settings: Settings) -> list[Figure]:
    """A fresh process: import, build the client, first describe; whole-process wall time,
    and the script's own perf_counter from its first line to its last (a second row)."""
    env = fake_aws_environment()
    rounds = settings.rounds_for("cold")

    def side(name: str) -> Callable[[], tuple[float, float]]:
        def sample() -> tuple[float, float]:
            wall, out = run_process([sys.executable, "-c", COLD_SCRIPTS[name]], env)
            return wall, float(out)

        return sample

    samples = interleaved({"raw": side("raw"), "sdk": side("sdk")}, rounds)
    wall = {name: median([s[0] for s in values]) for name, values in samples.items()}
    inner = {name: median([s[1] for s in values]) for name, values in samples.items()}
    how = (
        f"`{Path(sys.executable).name} -c SCRIPT`, spawn to exit, in {rounds} interleaved "
        f"rounds a side; median. Raw: `import boto3; c = boto3.client('sagemaker')`, then "
        f"`c.describe_optimization_job(...)`. SDK: `from optjob_sdk import "
        f"OptimizationJobClient; client = OptimizationJobClient()` (it builds its own boto3 "
        f"client, as a Lambda function or a CLI would), then `client.describe(...)`. Both "
        f"answered by the in-process endpoint, registered on the boto3 client after it is "
        f"built; both with placeholder credentials and region in the environment, "
        f"`AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` at /dev/null, no instance "
        f"metadata. The second row is the script's own time (perf_counter from its first "
        f"line to its last): the same work without the interpreter's start and exit."
    )
    return [
        Figure(
            key="cold",
            label="a fresh process: import, client, first describe",
            raw=wall["raw"],
            sdk=wall["sdk"],
            target="<= 1.05x",
            limit=1.05,
            how=how,
        ),
        Figure(
            key="cold",
            label="(the same, inside the script: import to describe)",
            raw=inner["raw"],
            sdk=inner["sdk"],
            target="(for information)",
            limit=None,
            how="",
        ),
    ]


def cli_figure(settings: Settings) -> Figure:
    """``optjob describe NAME`` against ``aws sagemaker describe-optimization-job``, whole
    process, both at one emulator served over loopback HTTP by this process."""
    from optjob_sdk.testing import FakeOptimizationService

    bin_dir = Path(sys.executable).parent
    optjob, aws = bin_dir / "optjob", bin_dir / "aws"
    rounds = settings.rounds_for("cli")
    env = fake_aws_environment()
    service = FakeOptimizationService()
    OptimizationJobClient(service.client()).create(sdk_request(0))
    name = sdk_request(0).optimization_job_name
    how = (
        f"Whole process (spawn to exit), {rounds} interleaved rounds a side; median. SDK: "
        f"`optjob --endpoint-url URL describe {name}` (its default output: a table). Raw: "
        f"`aws sagemaker describe-optimization-job --optimization-job-name {name} "
        f"--endpoint-url URL` (its default output: JSON). Both found next to this Python "
        f"(`{bin_dir}`), with the cold figure's environment, stdout to /dev/null, exit status "
        f"0 checked, at one emulator (`FakeOptimizationService().serve()`) on 127.0.0.1 "
        f"served by the benchmark's own process."
    )
    with service.serve() as url:
        optjob_argv = [str(optjob), "--endpoint-url", url, "describe", name]
        aws_argv = [str(aws), "sagemaker", "describe-optimization-job"]
        aws_argv += ["--optimization-job-name", name, "--endpoint-url", url]
        sides: dict[str, Callable[[], float]] = {}
        if aws.exists():
            sides["raw"] = lambda: run_process(aws_argv, env, keep_output=False)[0]
        sides["sdk"] = lambda: run_process(optjob_argv, env, keep_output=False)[0]
        samples = interleaved(sides, rounds)
    return Figure(
        key="cli",
        label="`optjob describe` vs `aws sagemaker describe-optimization-job`",
        raw=median(samples["raw"]) if "raw" in samples else None,
        sdk=median(samples["sdk"]),
        target="<= 0.75x",
        limit=0.75,
        raw_note="" if aws.exists() else "aws CLI not installed",
        how=how,
    )


def import_figure(settings: Settings) -> Figure:
    """``import optjob_sdk`` alone, in fresh processes (``import boto3`` beside it)."""
    env = fake_aws_environment()
    rounds = settings.rounds_for("import")

    def side(module: str) -> Callable[[], float]:
        script = f"import time; t = time.perf_counter(); import {module}; "
        script += "print(time.perf_counter() - t)"
        return lambda: float(run_process([sys.executable, "-c", script], env)[1])

    samples = interleaved({"raw": side("boto3"), "sdk": side("optjob_sdk")}, rounds)
    return Figure(
        key="import",
        label="`import optjob_sdk` alone",
        raw=median(samples["raw"]),
        sdk=median(samples["sdk"]),
        target="< 5 ms (absolute)",
        limit=0.005,
        absolute=True,
        how=(
            f"perf_counter around the import statement in a fresh `python -c` process, "
            f"{rounds} interleaved rounds; median. The target is the SDK's own time; the raw "
            f"column is `import boto3` in the same way, for scale (the package imports boto3 "
            f"and its models only when first used)."
        ),
    )


FIGURES: dict[str, Callable[[Settings], Figure | list[Figure]]] = {
    "cold": cold_figures,
    "describe": describe_figure,
    "create": create_figure,
    "list": list_figure,
    "cli": cli_figure,
    "import": import_figure,
}


def run(figures: Iterable[str], settings: Settings) -> list[Figure]:
    """Runs the named figures in order; their rows."""
    rows: list[Figure] = []
    for key in figures:
        print(f"measuring {key} ...", file=sys.stderr, flush=True)
        result = FIGURES[key](settings)
        rows += result if isinstance(result, list) else [result]
    return rows


# -- the machine -------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """What the figures were measured on: platform, CPU, Python, package versions, load."""

    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {
        "platform": platform.platform(),
        "CPU": f"{cpu_model()}, {os.cpu_count()} cores",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": ", ".join(
            f"{name} {version(name)}" for name in ("boto3", "botocore", "awscli", "optjob-sdk")
        )
        + source_note(),
        "load average at start": load_average(),
    }


def precompile() -> str:
    """Compile optjob_sdk's modules to bytecode, as ``pip install`` does for a wheel (and as
    boto3, botocore and awscli are, installed): a checkout run with
    PYTHONDONTWRITEBYTECODE set would otherwise compile the SDK from source in every fresh
    process, and the cold figures would measure Python's compiler, not the SDK."""
    import compileall

    import optjob_sdk

    package = Path(optjob_sdk.__file__).parent
    done = compileall.compile_dir(package, quiet=1)
    state = "compiled beforehand" if done else "could not be compiled (figures include it)"
    return f"optjob_sdk {state}, as pip install does"


def load_average() -> str:
    """The 1, 5 and 15-minute load averages (at the core count, every core is busy)."""
    if not hasattr(os, "getloadavg"):
        return "unknown"
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def source_note() -> str:
    """Where optjob_sdk was imported from, with its git commit when it is a checkout (an
    editable install or PYTHONPATH measures the source, not the installed version)."""
    import optjob_sdk

    where = Path(optjob_sdk.__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f" (optjob_sdk from {where})"
    return f" (optjob_sdk from a checkout, commit {commit})"


# -- output ------------------------------------------------------------------------------


def duration(seconds: float) -> str:
    """A time in the unit that suits it, to 3 or 4 digits: 1.23 s, 12.3 ms, 1.23 ms,
    456.7 µs."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-2:
        return f"{seconds * 1e3:.1f} ms"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def amount(value: float, unit: str) -> str:
    """A side's figure as shown: a time (``unit`` "s"), or a count of instructions."""
    return f"{value:,.0f}" if unit == "Ir" else duration(value)


def cells(row: Figure) -> list[str]:
    """The row as the table's cells: figure, raw, sdk, ratio, target, met."""

    def side(value: float | None, note: str) -> str:
        shown = "" if value is None else amount(value, row.unit)
        return f"{shown} ({note})" if shown and note else shown or note or "-"

    value = row.ratio
    # Counts are the same from run to run, to 0.1%: a third decimal means something.
    shown = "-" if value is None else f"{value:.3f}x" if row.unit == "Ir" else f"{value:.2f}x"
    met = {True: "yes", False: "**no**", None: "-"}[row.met]
    return [
        row.label,
        side(row.raw, row.raw_note),
        side(row.sdk, row.sdk_note),
        shown,
        row.target,
        met,
    ]


HEADER = ["figure", "raw boto3 (or aws CLI)", "optjob-sdk", "ratio", "target", "met"]
IR_HEADER = ["instructions (callgrind)", "raw boto3", "optjob-sdk", "ratio", "target", "met"]


def split(rows: Sequence[Figure]) -> list[tuple[list[str], list[Figure]]]:
    """The rows by kind, each with its table's header: the times (CPU or wall), then the
    instruction counts; a kind without rows is left out."""
    kinds = [(HEADER, [r for r in rows if r.unit != "Ir"])]
    kinds.append((IR_HEADER, [r for r in rows if r.unit == "Ir"]))
    return [(header, chosen) for header, chosen in kinds if chosen]


def table(rows: Sequence[Figure], header: Sequence[str] = HEADER) -> str:
    """The rows as a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def text_table(rows: Sequence[Figure]) -> str:
    """The rows as aligned plain text, for the terminal (one table per kind of row)."""
    tables = []
    for header, chosen in split(rows):
        grid = [list(header), *(cells(row) for row in chosen)]
        widths = [max(len(line[i]) for line in grid) for i in range(len(header))]
        tables.append(
            "\n".join(
                "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in grid
            )
        )
    return "\n\n".join(tables)


INSTRUCTIONS_HOW = (
    "The work of the timed describe, create and list figures (the same functions: the "
    "same endpoint and client, the same SDK request built per call, the same raw loop, the "
    "same warm-up), run by a child process, `python bench.py --child FIGURE SIDE N`, under "
    "valgrind's callgrind (`valgrind --tool=callgrind`), which counts the machine "
    "instructions the process executes (Ir). One child runs with N = 0 (set-up only: the "
    "interpreter, the imports, the client and endpoint, the warm-up of both sides, as in "
    "the timed figure), and one a side with N units of that side's work after the same "
    "set-up and warm-up; a side's figure is (Ir(N) - Ir(0)) / N, so that only the measured "
    "units remain. The endpoint calls the N units made are checked. The children run "
    "with `PYTHONHASHSEED=0` and write no bytecode, so that a count is the same from run "
    "to run (to 0.1%) whatever else the machine is "
    "doing. Why: this machine is shared, and its CPU times swing by tens of percent from "
    "run to run, far more than the SDK's extra work; the counts show that work exactly. "
    "What they do not capture is what an instruction costs: cache misses and memory "
    "stalls (the SDK's typed models are more objects to allocate and visit), branch "
    "mispredictions; hence both are reported, and the two ratios may differ."
)


def markdown(rows: Sequence[Figure], about: Mapping[str, str], when: datetime.datetime) -> str:
    """RESULTS.md: title, date and machine, the tables (times, then instruction counts),
    how each figure was measured."""
    parts = [
        "# Benchmarks: optjob-sdk against raw boto3",
        "",
        "Written by `python benchmarks/bench.py --write benchmarks/RESULTS.md` (`nox -s bench`). "
        "Ratios are optjob-sdk / raw, measured in the same run (below 1: the SDK is "
        "faster); absolute times vary from machine to machine and run to run.",
        "",
        f"- date: {when.astimezone(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        *(f"- {key}: {value}" for key, value in about.items()),
        "",
        "## Results",
        "",
    ]
    counted = [row for row in rows if row.unit == "Ir"]
    for header, chosen in split(rows):
        if header is IR_HEADER:
            parts += [
                "### Instructions per call (callgrind)",
                "",
                "Instructions executed per call (per listing for the list), counted by "
                "valgrind: the same from run to run, whatever else the machine is doing.",
                "",
            ]
        parts += [table(chosen, header), ""]
    parts += ["## How each figure is measured", ""]
    for row in rows:
        if row.how and row.unit != "Ir":
            parts += [f"**{row.label}**: {row.how}", ""]
    if counted:
        parts += [f"**Instructions per call (callgrind)**: {INSTRUCTIONS_HOW}", ""]
        parts += [f"- {row.label}: {row.how}." for row in counted if row.how] + [""]
    return "\n".join(parts[:-1]) + "\n"


# -- profiling ---------------------------------------------------------------------------


def profile(figure: str, settings: Settings) -> None:
    """Prints where the SDK side's time goes: cProfile's top functions for an in-process
    figure, ``-X importtime`` of what only the SDK side imports for ``cold``."""
    if figure == "cold":
        import_profile()
        return
    endpoint = FakeEndpoint(settings.jobs)
    client = OptimizationJobClient(make_client(endpoint))
    counter = iter(range(sys.maxsize))
    work: dict[str, Callable[[], object]] = {
        "describe": lambda: client.describe(NAME),
        "create": lambda: client.create(sdk_request(next(counter))),
        "list": lambda: sum(1 for _ in client.list()),
    }
    if figure not in work:
        raise SystemExit(f"--profile: one of cold, {', '.join(work)}, not {figure!r}")
    fn = work[figure]
    fn()  # warm
    repeat = 1 if figure == "list" else settings.calls
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        fn()
    profiler.disable()
    print(f"{figure}: the SDK side, {repeat} time(s), cProfile's top 30 by own time")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def import_times(script: str) -> dict[str, tuple[int, int]]:
    """``python -X importtime``: each module imported, with its (self, cumulative) µs."""
    env = fake_aws_environment()
    argv = [sys.executable, "-X", "importtime", "-c", script]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    times: dict[str, tuple[int, int]] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, total, module = (part.strip() for part in line[len("import time:") :].split("|"))
        times[module.strip()] = (int(own), int(total))
    return times


def import_profile() -> None:
    """The cold figure's imports that only the SDK side makes: optjob_sdk's modules and the
    third-party packages boto3 alone does not bring, by cumulative time."""
    raw = import_times(COLD_SCRIPTS["raw"].split("import sys;")[0])
    sdk = import_times(COLD_SCRIPTS["sdk"].split("import sys;")[0])
    raw_packages = {module.partition(".")[0] for module in raw}
    only_sdk = {m: t for m, t in sdk.items() if m not in raw}

    def third_party_or_ours(module: str) -> bool:
        top = module.partition(".")[0]
        return top == "optjob_sdk" or (
            top not in sys.stdlib_module_names and top not in raw_packages
        )

    shown = sorted(
        ((m, t) for m, t in only_sdk.items() if third_party_or_ours(m)), key=lambda x: -x[1][1]
    )
    print("cold: imports only the SDK side makes (optjob_sdk and third-party), by cumulative")
    print(f"{'cumulative':>12} {'self':>10}  module")
    for module, (own, total) in shown:
        print(f"{total / 1e3:10.2f}ms {own / 1e3:8.2f}ms  {module}")
    stdlib = [t for m, t in only_sdk.items() if not third_party_or_ours(m)]
    print(
        f"plus {len(stdlib)} more modules only the SDK side imports (standard library, or "
        f"more of the packages the raw side imports too): "
        f"{sum(own for own, _ in stdlib) / 1e3:.2f} ms of their own time"
    )
    raw_total = sum(own for own, _ in raw.values()) / 1e3
    sdk_total = sum(own for own, _ in sdk.values()) / 1e3
    print(f"all imports' own time: raw {raw_total:.1f} ms, SDK {sdk_total:.1f} ms")


# -- the command line --------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The options; ``timed`` and ``counted`` name the figures to time and those whose
    instructions to count (both in FIGURES' order)."""
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--rounds",
        type=int,
        help=f"rounds (samples) a side of every figure; defaults: {DEFAULT_ROUNDS}",
    )
    parser.add_argument("--calls", type=int, default=100, help="calls per describe/create round")
    parser.add_argument("--jobs", type=int, default=10_000, help="jobs to list")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a tiny run: does it all work? (no instruction counts, unless --instructions)",
    )
    parser.add_argument("--only", help=f"comma-separated figures, of: {', '.join(FIGURES)}")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help=(
            f"only count instructions (valgrind's callgrind) per call of the in-process "
            f"figures ({', '.join(WORK)}, or those of --only among them): deterministic, "
            f"where CPU times are noisy. The full run (no --only, no --quick) counts them "
            f"too, after the times, when valgrind is installed"
        ),
    )
    parser.add_argument("--write", type=Path, metavar="PATH", help="write the Markdown here")
    parser.add_argument(
        "--profile", metavar="FIGURE", help="profile the SDK side of one figure instead"
    )
    # What a child counted by callgrind runs: FIGURE's set-up and warm-up, then UNITS units
    # of SIDE's work; it prints the endpoint calls made, as JSON.
    parser.add_argument(
        "--child", nargs=3, metavar=("FIGURE", "SIDE", "UNITS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(FIGURES)
    unknown = [name for name in chosen if name not in FIGURES]
    if unknown:
        parser.error(f"unknown figure(s) {unknown}; known: {', '.join(FIGURES)}")
    args.figures = [name for name in FIGURES if name in chosen]  # always in FIGURES' order
    if args.child:
        figure, side, units = args.child
        if figure not in WORK or side not in ("raw", "sdk") or not units.isdigit():
            parser.error(f"--child: one of {', '.join(WORK)}, raw or sdk, a count")
        args.child = (figure, side, int(units))
    if args.instructions:
        args.timed = []
        args.counted = [name for name in args.figures if name in WORK]
        if not args.counted:
            parser.error(f"--instructions counts {', '.join(WORK)}; --only names none of them")
        if shutil.which("valgrind") is None:
            parser.error("--instructions: valgrind is not installed (not on PATH)")
    else:
        args.timed = args.figures
        args.counted = [] if args.only or args.quick else list(WORK)
    return args


def valgrind_version() -> str:
    """``valgrind --version``, or that it is not installed."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return "not installed"
    done = subprocess.run([valgrind, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown version"


def main(argv: Sequence[str] | None = None) -> None:
    started = time.perf_counter()
    args = parse_args(argv)
    if args.quick:
        settings = dataclasses.replace(QUICK, rounds=args.rounds or QUICK.rounds)
    else:
        settings = Settings(rounds=args.rounds, calls=args.calls, jobs=args.jobs)
    if args.child:
        figure, side, units = args.child
        print(json.dumps(child(figure, side, units, settings)))
        return
    if args.profile:
        profile(args.profile, settings)
        return
    when = datetime.datetime.now(datetime.timezone.utc)
    about = machine()  # before measuring: the load average is the one the run started with
    about["bytecode"] = precompile()
    rows = run(args.timed, settings)
    about["load average at the end"] = load_average()  # how busy the machine was meanwhile
    if args.counted:
        # After the times (the children would take the cores the timed figures run on).
        about["valgrind"] = valgrind_version()
        rows += instruction_figures(args.counted, settings)
    about["the whole run took"] = f"{time.perf_counter() - started:.0f} s"
    print(text_table(rows))
    if args.write:
        args.write.write_text(markdown(rows, about, when), encoding="utf-8")
        print(f"written: {args.write}", file=sys.stderr)


if __name__ == "__main__":
    main()
