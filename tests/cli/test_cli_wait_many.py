"""``optjob wait`` for many jobs: NAME NAME ..., --name-contains, the worst end as the exit
status, one row (or one JSON document) for all of them."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
from datetime import datetime, timezone
from typing import Any

import pytest
import yaml
from cli_support import DATA, SECRETS, Cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optjob_sdk import (
    DescribeOptimizationJobResponse,
    OptimizationJobClient,
    OptimizationJobSummary,
    WaitTimeoutError,
    from_dict,
)
from optjob_sdk.cli import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SERVICE_ERROR,
    EXIT_STOPPED,
    EXIT_TIMEOUT,
    EXIT_USAGE,
    build_parser,
    main,
)
from optjob_sdk.cli._common import worst_end
from optjob_sdk.testing import Durations, FakeOptimizationService

REQUEST: dict[str, Any] = json.loads((DATA / "awq-quantization.json").read_text())
GATED: dict[str, Any] = yaml.safe_load((DATA / "gated-model-token.yaml").read_text())

#: Durations of a job that is still INPROGRESS when a 2000 s wait gives up (the emulator
#: caps a run at half the job's MaxRuntimeInSeconds of 7200 s).
LONG = Durations(in_progress=3500.0)


def start(
    service: FakeOptimizationService,
    name: str,
    outcome: str = "COMPLETED",
    *,
    reason: str | None = None,
    durations: Durations | None = None,
    request: dict[str, Any] = REQUEST,
) -> str:
    """Create job ``name`` on the emulator, ending with ``outcome``."""
    service.set_outcome(name, outcome, reason=reason, durations=durations)
    service.client().create_optimization_job(**{**request, "OptimizationJobName": name})
    return name


def rows(out: str) -> dict[str, list[str]]:
    """The table's rows by job name: [STATUS, DURATION, RESULT], cut at the header's
    column starts."""
    header, *body = out.splitlines()
    assert header.split() == ["NAME", "STATUS", "DURATION", "RESULT"]
    starts = [header.index(title) for title in ("STATUS", "DURATION", "RESULT")]
    table: dict[str, list[str]] = {}
    for line in body:
        cuts = [0, *starts, len(line)]
        cells = [line[a:b].strip() for a, b in itertools.pairwise(cuts)]
        table[cells[0]] = cells[1:]
    return table


# -- the exit status: the worst end -------------------------------------------------------


def test_all_completed_exits_0(cli: Cli, service: FakeOptimizationService) -> None:
    names = [start(service, f"sweep-{n}") for n in range(3)]
    result = cli("wait", *names)
    assert result.code == EXIT_OK
    assert result.err == ""
    table = rows(result.out)
    assert list(table) == names  # one row each, in the order given
    for name in names:
        status, duration, output = table[name]
        assert (status, duration) == ("COMPLETED", "20m 0s")
        assert output.startswith("s3://example-models/optimized/llama3-8b-awq/")
        assert "; image " in output  # the recommended inference image, as wait shows it


def test_one_failed_exits_1_with_its_reason(cli: Cli, service: FakeOptimizationService) -> None:
    start(service, "sweep-a")
    start(service, "sweep-b", "FAILED", reason="ClientError: out of memory on g5")
    result = cli("wait", "sweep-a", "sweep-b")
    assert result.code == EXIT_FAILED
    table = rows(result.out)
    assert table["sweep-a"][0] == "COMPLETED"
    assert table["sweep-b"][0] == "FAILED"
    assert table["sweep-b"][2] == "ClientError: out of memory on g5"
    assert result.err == (
        "optjob: not every optimization job completed: 1 FAILED, 1 COMPLETED (of 2)\n"
    )


def test_stopped_and_completed_exits_3(cli: Cli, service: FakeOptimizationService) -> None:
    start(service, "sweep-a")
    start(service, "sweep-b", "STOPPED")
    result = cli("wait", "sweep-a", "sweep-b")
    assert result.code == EXIT_STOPPED
    assert rows(result.out)["sweep-b"][0] == "STOPPED"
    assert "1 STOPPED, 1 COMPLETED" in result.err


def test_failed_beats_stopped(local_cli: Cli, service: FakeOptimizationService) -> None:
    start(service, "sweep-a", "STOPPED")
    start(service, "sweep-b", "FAILED")
    result = local_cli("wait", "sweep-a", "sweep-b")
    assert result.code == EXIT_FAILED
    assert "1 FAILED, 1 STOPPED (of 2)" in result.err


def test_a_timeout_with_a_failed_job_exits_1(cli: Cli, service: FakeOptimizationService) -> None:
    start(service, "sweep-a", "FAILED", reason="ClientError: bad weights")
    start(service, "sweep-b", durations=LONG)
    result = cli("wait", "sweep-a", "sweep-b", "--timeout", "2000", "--poll-interval", "60")
    assert result.code == EXIT_FAILED  # FAILED outranks the timeout
    table = rows(result.out)
    assert table["sweep-a"] == ["FAILED", "20m 0s", "ClientError: bad weights"]
    assert table["sweep-b"] == ["INPROGRESS", "-", "still running"]  # its last status
    (line,) = result.err.splitlines()
    assert line.startswith("optjob: gave up waiting after ")
    assert "1 of 2 optimization jobs still running on the service; ended: 1 FAILED" in line


def test_a_timeout_with_the_rest_completed_exits_4(
    cli: Cli, service: FakeOptimizationService
) -> None:
    start(service, "sweep-a")
    start(service, "sweep-b", durations=LONG)
    result = cli("wait", "sweep-a", "sweep-b", "--timeout", "2000", "--poll-interval", "60")
    assert result.code == EXIT_TIMEOUT
    assert rows(result.out)["sweep-b"][0] == "INPROGRESS"
    assert " stop NAME` stops one" in result.err  # how to stop one (global options kept)
    assert "ended: 1 COMPLETED" in result.err
    assert result.err.count("\n") == 1


def test_the_stop_command_carries_the_global_options(
    local_cli: Cli, service: FakeOptimizationService, capsys: pytest.CaptureFixture[str]
) -> None:
    start(service, "sweep-a", durations=LONG)
    start(service, "sweep-b", durations=LONG)
    capsys.readouterr()
    code = main(
        ["--profile", "my team", "wait", "sweep-a", "sweep-b", "--timeout", "600"],
        client_factory=local_cli._factory,
        sleep=service.advance,
        clock=service.monotonic,
    )
    assert code == EXIT_TIMEOUT
    assert "`optjob --profile 'my team' stop NAME` stops one" in capsys.readouterr().err


def test_a_name_given_twice_counts_once(local_cli: Cli, service: FakeOptimizationService) -> None:
    start(service, "sweep-a")
    start(service, "sweep-b", "FAILED")
    result = local_cli("wait", "sweep-a", "sweep-b", "sweep-a", "-o", "json")
    assert result.code == EXIT_FAILED
    document = result.json()
    assert [job["OptimizationJobName"] for job in document["Jobs"]] == ["sweep-a", "sweep-b"]


def test_one_name_given_twice_is_the_single_wait(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    start(service, "sweep-a")
    once = local_cli("wait", "sweep-a", "-o", "json")
    twice = local_cli("wait", "sweep-a", "sweep-a", "-o", "json")
    assert twice.code == once.code == EXIT_OK
    assert twice.json() == once.json()  # the description itself, not the many-job document
    assert twice.json()["OptimizationJobName"] == "sweep-a"


def test_a_missing_job_exits_5(local_cli: Cli, service: FakeOptimizationService) -> None:
    start(service, "sweep-a")
    result = local_cli("wait", "sweep-a", "never-created")
    assert result.code == EXIT_SERVICE_ERROR
    assert "never-created" in result.err
    assert result.err.count("\n") == 1


def test_an_invalid_name_is_refused_before_any_call(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    result = local_cli("wait", "good-name", "not a name")
    assert result.code == EXIT_USAGE
    assert "not a name" in result.err
    assert service.calls() == 0


def test_nothing_to_wait_for_is_a_usage_error(local_cli: Cli) -> None:
    result = local_cli("wait")
    assert result.code == EXIT_USAGE
    assert result.out == ""
    assert result.err == (
        "optjob: error: wait: give the NAME of a job (or several), or --name-contains TEXT\n"
    )


def test_ctrl_c_says_the_jobs_keep_running(
    local_cli: Cli, service: FakeOptimizationService, capsys: pytest.CaptureFixture[str]
) -> None:
    start(service, "sweep-a")
    start(service, "sweep-b")

    def sleep(seconds: float) -> None:
        raise KeyboardInterrupt

    capsys.readouterr()
    code = main(
        ["--region", "eu-west-1", "wait", "sweep-a", "sweep-b"],
        client_factory=local_cli._factory,
        sleep=sleep,
        clock=service.monotonic,
    )
    err = capsys.readouterr().err
    assert code == EXIT_INTERRUPTED
    assert err == (
        "optjob: interrupted: the 2 optimization jobs keep running on the service; to stop "
        "one: optjob --region eu-west-1 stop NAME\n"
    )


def test_the_jobs_are_polled_together(local_cli: Cli, service: FakeOptimizationService) -> None:
    names = [start(service, f"sweep-{n:02d}") for n in range(20)]
    result = local_cli("wait", *names, "--poll-interval", "60")
    assert result.code == EXIT_OK
    assert len(rows(result.out)) == 20
    # Listings learn the statuses; each end is confirmed with one Describe: far fewer
    # calls than one waiter per job (about 20 polls each here).
    assert service.calls("ListOptimizationJobs") >= 1
    assert service.calls("DescribeOptimizationJob") <= 2 * len(names)


def test_throttling_is_ridden_out(cli: Cli, service: FakeOptimizationService) -> None:
    start(service, "sweep-a")
    start(service, "sweep-b", "FAILED")
    service.inject("*", "throttle", times=4)
    result = cli("wait", "sweep-a", "sweep-b")
    assert result.code == EXIT_FAILED
    assert list(rows(result.out)) == ["sweep-a", "sweep-b"]


# -- --name-contains ----------------------------------------------------------------------


def test_name_contains_waits_for_the_running_matching_jobs(
    cli: Cli, service: FakeOptimizationService
) -> None:
    start(service, "sweep-done")
    service.advance(3600)  # sweep-done has ended: not waited for
    start(service, "sweep-g5", "FAILED")
    start(service, "sweep-g6")
    start(service, "other-g5")  # running, but not matching
    result = cli("wait", "--name-contains", "sweep", "-o", "json")
    assert result.code == EXIT_FAILED
    document = result.json()
    assert [job["OptimizationJobName"] for job in document["Jobs"]] == ["sweep-g5", "sweep-g6"]
    assert document["ExitStatus"] == EXIT_FAILED
    listed = [params for op, params in service.call_log if op == "ListOptimizationJobs"]
    assert listed
    assert listed[0]["NameContains"] == "sweep"


def test_name_contains_keeps_stopping_jobs(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    start(service, "sweep-a")
    start(service, "sweep-b")
    service.advance(120)
    service.client().stop_optimization_job(OptimizationJobName="sweep-b")  # STOPPING now
    result = local_cli("wait", "--name-contains", "sweep")
    assert result.code == EXIT_STOPPED
    assert list(rows(result.out)) == ["sweep-a", "sweep-b"]


def test_name_contains_with_no_match_exits_0(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    start(service, "sweep-done")
    service.advance(3600)
    result = local_cli("wait", "--name-contains", "sweep")
    assert result.code == EXIT_OK
    assert result.out == ""
    assert result.err == (
        "optjob: no optimization job whose name contains 'sweep' is running; nothing to wait for\n"
    )
    as_json = local_cli("wait", "--name-contains", "sweep", "-o", "json")
    assert as_json.code == EXIT_OK
    assert as_json.json() == {"Jobs": [], "Running": [], "ExitStatus": EXIT_OK}


def test_names_and_name_contains_are_the_union(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    start(service, "baseline", "STOPPED")
    start(service, "sweep-a")
    start(service, "sweep-b")
    result = local_cli("wait", "baseline", "sweep-b", "--name-contains", "sweep", "-o", "json")
    assert result.code == EXIT_STOPPED
    names = [job["OptimizationJobName"] for job in result.json()["Jobs"]]
    assert names == ["baseline", "sweep-b", "sweep-a"]  # the names given first, each once


def test_a_name_given_is_waited_for_even_when_ended(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    start(service, "baseline", "FAILED")
    service.advance(3600)
    result = local_cli("wait", "baseline", "--name-contains", "sweep")
    assert result.code == EXIT_FAILED
    assert list(rows(result.out)) == ["baseline"]
    assert "no optimization job whose name contains 'sweep' is running\n" in result.err


@pytest.mark.parametrize("text", ["no spaces allowed", ""])
def test_a_bad_name_contains_is_refused_as_list_refuses_it(
    local_cli: Cli, service: FakeOptimizationService, text: str
) -> None:
    waited = local_cli("wait", "--name-contains", text)
    listed = local_cli("list", "--name-contains", text)
    assert waited.code == listed.code == EXIT_USAGE
    assert "name_contains" in waited.err
    assert service.calls() == 0


def test_a_bad_name_beside_name_contains_is_refused_before_the_listing(
    local_cli: Cli, service: FakeOptimizationService
) -> None:
    result = local_cli("wait", "not a name", "--name-contains", "sweep")
    assert result.code == EXIT_USAGE
    assert service.calls() == 0


# -- JSON: one document -------------------------------------------------------------------


def test_json_is_one_document_holding_every_job(cli: Cli, service: FakeOptimizationService) -> None:
    start(service, "sweep-a")
    start(service, "sweep-b", "FAILED", reason="ClientError: bad weights")
    start(service, "sweep-c", durations=LONG)
    result = cli("wait", "sweep-a", "sweep-b", "sweep-c", "--timeout", "2000", "-o", "json")
    assert result.code == EXIT_FAILED
    document = result.json()
    assert set(document) == {"Jobs", "Running", "ExitStatus"}
    assert document["Running"] == ["sweep-c"]
    assert document["ExitStatus"] == EXIT_FAILED
    a, b, c = document["Jobs"]
    # An ended job: its final description, as `optjob describe -o json` prints it.
    assert a == cli("describe", "sweep-a", "-o", "json").json()
    assert b["FailureReason"] == "ClientError: bad weights"
    # A running job: what was last learnt of it (a description or a list summary).
    assert c["OptimizationJobName"] == "sweep-c"
    assert c["OptimizationJobStatus"] == "INPROGRESS"


@pytest.mark.parametrize("output", ["json", "table"])
def test_secrets_are_masked_unless_asked(
    local_cli: Cli, service: FakeOptimizationService, output: str
) -> None:
    for name in ("gated-a", "gated-b"):
        start(service, name, request=GATED)
    hidden = local_cli("wait", "gated-a", "gated-b", "-o", output)
    assert hidden.code == EXIT_OK
    for secret in SECRETS:
        assert secret not in hidden.out + hidden.err
    if output == "json":
        jobs = hidden.json()["Jobs"]
        assert jobs[0]["OptimizationEnvironment"]["HF_TOKEN"] == "***"
        shown = local_cli("wait", "gated-a", "gated-b", "-o", "json", "--show-secrets")
        env = shown.json()["Jobs"][1]["OptimizationEnvironment"]
        assert env["HF_TOKEN"] == SECRETS[0]


def test_service_text_is_escaped(local_cli: Cli, service: FakeOptimizationService) -> None:
    start(service, "sweep-a", "FAILED", reason="bad\nweights \x1b[2Jgone")
    start(service, "sweep-b")
    result = local_cli("wait", "sweep-a", "sweep-b")
    assert result.code == EXIT_FAILED
    assert "\x1b" not in result.out
    assert rows(result.out)["sweep-a"][2] == "bad\\nweights \\x1b[2Jgone"


# -- help ---------------------------------------------------------------------------------


def test_help_describes_many_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wait", "--help"]) == EXIT_OK
    text = " ".join(capsys.readouterr().out.split())
    assert "[NAME ...]" in text
    assert "--name-contains TEXT" in text
    assert "the worst end among them" in text
    assert main(["--help"]) == EXIT_OK
    assert "the worst end among them" in " ".join(capsys.readouterr().out.split())


def test_the_parser_takes_names_and_name_contains() -> None:
    args = build_parser().parse_args(["wait", "a", "b", "--name-contains", "x", "-o", "json"])
    assert (args.names, args.name_contains, args.output) == (["a", "b"], "x", "json")


# -- the worst end, for any mix -----------------------------------------------------------

OUTCOMES = ("COMPLETED", "FAILED", "STOPPED", "RUNNING")


def expected_status(outcomes: list[str]) -> int:
    """The documented rule, spelled out: FAILED 1, then STOPPED 3, then timed out 4."""
    if "FAILED" in outcomes:
        return EXIT_FAILED
    if "STOPPED" in outcomes:
        return EXIT_STOPPED
    if "RUNNING" in outcomes:
        return EXIT_TIMEOUT
    return EXIT_OK


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(outcomes=st.lists(st.sampled_from(OUTCOMES), min_size=2, max_size=6))
def test_the_exit_status_is_the_worst_end(outcomes: list[str]) -> None:
    service = FakeOptimizationService(seed=3)
    names = [
        start(
            service,
            f"mix-{index}",
            "COMPLETED" if outcome == "RUNNING" else outcome,
            durations=LONG if outcome == "RUNNING" else None,
        )
        for index, outcome in enumerate(outcomes)
    ]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(
            ["wait", *names, "--timeout", "2000", "--poll-interval", "60", "-o", "json"],
            client_factory=lambda _: OptimizationJobClient(service.client()),
            sleep=service.advance,
            clock=service.monotonic,
        )
    assert code == expected_status(outcomes), stderr.getvalue()
    document = json.loads(stdout.getvalue())
    assert document["ExitStatus"] == code
    running = [name for name, outcome in zip(names, outcomes, strict=True) if outcome == "RUNNING"]
    assert document["Running"] == running
    statuses = [job["OptimizationJobStatus"] for job in document["Jobs"]]
    for status, outcome in zip(statuses, outcomes, strict=True):
        assert status == ("INPROGRESS" if outcome == "RUNNING" else outcome)


@given(
    ends=st.lists(st.sampled_from(["COMPLETED", "FAILED", "STOPPED", "NEWER_END"])),
    timed_out=st.booleans(),
)
def test_worst_end_ranks_failed_then_stopped_then_the_timeout(
    ends: list[str], timed_out: bool
) -> None:
    status = worst_end(ends, timed_out=timed_out)
    # Adding a job never makes the verdict better, and the order of the jobs never matters.
    rank = [EXIT_OK, EXIT_TIMEOUT, EXIT_STOPPED, EXIT_FAILED]
    for extra in ("COMPLETED", "FAILED", "STOPPED"):
        assert rank.index(worst_end([*ends, extra], timed_out=timed_out)) >= rank.index(status)
    assert worst_end(list(reversed(ends)), timed_out=timed_out) == status
    assert (status == EXIT_OK) == (set(ends) <= {"COMPLETED"} and not timed_out)
    if "NEWER_END" in ends:  # only COMPLETED is success: an unknown end counts as FAILED
        assert status == EXIT_FAILED


# -- any text from the service ------------------------------------------------------------

#: Text as a service answer can carry it: control characters and lone surrogates included.
SERVICE_TEXT = st.lists(
    st.one_of(
        st.characters(),
        st.characters(categories=["Cs"]),
        st.sampled_from("\x1b\r\n\x07\u2028\x00"),
    )
).map("".join)


class _Sweep:
    """A client whose many-job wait answers ``ended`` (and, given ``running``, times out
    with those still running): what a service could send."""

    def __init__(
        self,
        ended: dict[str, DescribeOptimizationJobResponse],
        running: dict[str, OptimizationJobSummary | None],
    ) -> None:
        self.ended, self.running = ended, running

    def wait_many(self, names: list[str], **_: Any) -> dict[str, DescribeOptimizationJobResponse]:
        if self.running:
            raise WaitTimeoutError.for_many(self.running, self.ended, 60.0, timeout=60.0)
        return self.ended


def described(name: str, status: str, reason: str) -> DescribeOptimizationJobResponse:
    summary = {
        "OptimizationJobArn": f"arn:aws:sagemaker:us-west-2:111122223333:optimization-job/{name}",
        "OptimizationJobStatus": status,
        "CreationTime": "2026-11-24T10:00:00Z",
        "LastModifiedTime": "2026-11-24T10:30:00Z",
        "OptimizationJobName": name,
        "ModelSource": {"S3": {"S3Uri": "s3://b/m/"}},
        "DeploymentInstanceType": "ml.g5.12xlarge",
        "OptimizationConfigs": [],
        "OutputConfig": {"S3OutputLocation": "s3://b/out/"},
        "RoleArn": "arn:aws:iam::111122223333:role/R",
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "FailureReason": reason,
        "OptimizationEnvironment": {"HF_TOKEN": SECRETS[0]},
    }
    return from_dict(DescribeOptimizationJobResponse, summary)


@settings(max_examples=60, deadline=None)
@given(
    reason=SERVICE_TEXT,
    status=st.one_of(st.sampled_from(["COMPLETED", "FAILED", "STOPPED"]), SERVICE_TEXT),
    running_status=st.one_of(st.none(), SERVICE_TEXT),
    output=st.sampled_from(["json", "table"]),
)
def test_any_text_from_the_service_is_printed_escaped(
    reason: str, status: str, running_status: str | None, output: str
) -> None:
    ended = {"a": described("a", status, reason), "b": described("b", "COMPLETED", "")}
    running: dict[str, OptimizationJobSummary | None] = {}
    if running_status is not None:
        running["c"] = OptimizationJobSummary(
            optimization_job_name="c",
            optimization_job_arn="arn:aws:sagemaker:us-west-2:111122223333:optimization-job/c",
            optimization_job_status=running_status,
            creation_time=datetime(2026, 11, 24, tzinfo=timezone.utc),
            deployment_instance_type="ml.g5.12xlarge",
            optimization_types=(),
        )
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    stderr = io.StringIO()
    argv = ["wait", "a", "b", *running, "-o", output]
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(argv, client_factory=lambda _: _Sweep(ended, running))  # type: ignore[arg-type,return-value]
    ends = [status, "COMPLETED"]
    assert code == worst_end(ends, timed_out=bool(running)), stderr.getvalue()
    stdout.seek(0)
    out = stdout.read()
    assert SECRETS[0] not in out
    if output == "json":
        document = json.loads(out)
        assert document["ExitStatus"] == code
        assert document["Running"] == list(running)
        assert len(document["Jobs"]) == 2 + len(running)
    else:
        assert all(line.isprintable() for line in out.splitlines())
        assert len(out.splitlines()) == 1 + 2 + len(running)
    assert all(line.isprintable() for line in stderr.getvalue().splitlines())
    assert "internal error" not in stderr.getvalue()


class _Listing:
    """A client whose listing holds one job in each status (and one newer than the SDK);
    its many-job wait records the names asked for and answers them COMPLETED."""

    STATUSES = ("COMPLETED", "FAILED", "STOPPED", "STARTING", "INPROGRESS", "STOPPING", "PAUSED")

    def __init__(self) -> None:
        self.waited: list[str] = []

    def list(self, *, name_contains: str | None = None) -> list[OptimizationJobSummary]:
        return [
            OptimizationJobSummary(
                optimization_job_name=f"{name_contains}-{status.lower()}",
                optimization_job_arn=f"arn:aws:sagemaker:us-west-2:1:optimization-job/{status}",
                optimization_job_status=status,
                creation_time=datetime(2026, 11, 24, tzinfo=timezone.utc),
                deployment_instance_type="ml.g5.12xlarge",
                optimization_types=(),
            )
            for status in self.STATUSES
        ]

    def wait_many(self, names: list[str], **_: Any) -> dict[str, DescribeOptimizationJobResponse]:
        self.waited = list(names)
        return {name: described(name, "COMPLETED", "") for name in names}


def test_name_contains_keeps_every_status_that_has_not_ended(
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = _Listing()
    code = main(["wait", "--name-contains", "sweep"], client_factory=lambda _: client)  # type: ignore[arg-type,return-value]
    assert code == EXIT_OK, capsys.readouterr().err
    # STARTING, INPROGRESS, STOPPING, and a status newer than this SDK: not ended.
    assert client.waited == ["sweep-starting", "sweep-inprogress", "sweep-stopping", "sweep-paused"]


@pytest.mark.parametrize("output", ["json", "table"])
def test_a_job_never_seen_before_the_timeout(
    capsys: pytest.CaptureFixture[str], output: str
) -> None:
    client = _Sweep({"a": described("a", "COMPLETED", "")}, {"b": None})
    code = main(["wait", "a", "b", "-o", output], client_factory=lambda _: client)  # type: ignore[arg-type,return-value]
    out, err = capsys.readouterr()
    assert code == EXIT_TIMEOUT
    if output == "json":
        document = json.loads(out)
        assert document["Jobs"][1] == {"OptimizationJobName": "b"}
        assert document["Running"] == ["b"]
    else:
        assert rows(out)["b"] == ["-", "-", "still running"]
    assert err.startswith("optjob: gave up waiting after 60s: 1 of 2 optimization jobs")
