"""The waiter under a fake clock: outcomes, faults, deadlines, callbacks, logs, progress."""

from __future__ import annotations

import contextlib
import io
import logging
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from waiter_support import Script, failing

from optjob_sdk import (
    ConnectionFailedError,
    JobFailedError,
    JobNotFoundError,
    JobStoppedError,
    OptjobError,
    ServiceError,
    ThrottlingError,
    WaitTimeoutError,
)
from optjob_sdk._progress import LineProgress, TerminalProgress, make_progress, render
from optjob_sdk.waiting import (
    DEFAULT_MAX_POLL_INTERVAL,
    NOT_FOUND_GRACE,
    TIMEOUT_MARGIN,
    wait_for_job,
)

NAME = "llama3-8b-awq-2026-11-24"


def run(script: Script, **kwargs: Any) -> Any:
    kwargs.setdefault("progress", False)
    kwargs.setdefault("rng", random.Random(0))
    return wait_for_job(script.describe, NAME, sleep=script.sleep, clock=script.clock, **kwargs)


def not_found() -> JobNotFoundError:
    return JobNotFoundError("no such job", code="ResourceNotFound", http_status=400)


def test_completed_returns_the_final_description() -> None:
    script = Script([(0, "STARTING"), (60, "INPROGRESS"), (1260, "COMPLETED")])
    job = run(script)
    assert job.optimization_job_status == "COMPLETED"
    assert len(script.calls) == len(script.sleeps) + 1


def test_already_terminal_costs_exactly_one_call() -> None:
    for status, error in (
        ("COMPLETED", None),
        ("FAILED", JobFailedError),
        ("STOPPED", JobStoppedError),
    ):
        script = Script([(0, status)], reason="boom")
        if error is None:
            run(script)
        else:
            with pytest.raises(error):
                run(script)
        assert len(script.calls) == 1
        assert script.sleeps == []


def test_failed_raises_with_the_reason() -> None:
    script = Script([(0, "INPROGRESS"), (100, "FAILED")], reason="ClientError: out of memory")
    with pytest.raises(JobFailedError) as caught:
        run(script)
    assert caught.value.failure_reason == "ClientError: out of memory"
    assert caught.value.job.optimization_job_status == "FAILED"
    assert NAME in str(caught.value)
    assert "FAILED" in str(caught.value)
    assert "out of memory" in str(caught.value)


def test_stopped_raises() -> None:
    script = Script([(0, "STOPPING"), (40, "STOPPED")])
    with pytest.raises(JobStoppedError, match="STOPPED") as caught:
        run(script)
    assert caught.value.job.optimization_job_status == "STOPPED"


def test_unknown_statuses_keep_polling() -> None:
    script = Script([(0, "QUEUED_SOMEWHERE_NEW"), (200, "COMPLETED")])
    assert run(script).optimization_job_status == "COMPLETED"
    assert len(script.calls) >= 3


def test_spacing_starts_at_poll_interval_and_grows_to_the_cap() -> None:
    script = Script([(0, "INPROGRESS"), (3600, "COMPLETED")])
    run(script, poll_interval=30, max_poll_interval=120)
    assert script.sleeps[0] >= 30
    assert script.sleeps[0] <= 30 * 1.2
    assert all(30 <= s <= 120 for s in script.sleeps)
    assert script.sleeps[-1] == 120
    assert script.sleeps == sorted(script.sleeps)  # it only grows


@pytest.mark.parametrize(
    "make",
    [
        lambda: ThrottlingError("Rate exceeded", code="ThrottlingException", http_status=400),
        lambda: ServiceError("oops", code="InternalFailure", http_status=500),
        lambda: ServiceError("later", code="ServiceUnavailable", http_status=503),
        lambda: ConnectionFailedError("dropped", endpoint="https://x"),
    ],
    ids=["throttling", "500", "503", "dropped-connection"],
)
def test_transient_faults_are_ridden_out(make: Any) -> None:
    script = Script(
        [(0, "INPROGRESS"), (30, failing(make)), (200, "INPROGRESS"), (400, "COMPLETED")]
    )
    assert run(script).optimization_job_status == "COMPLETED"


def test_non_transient_errors_raise_at_once() -> None:
    error = ServiceError("denied", code="AccessDeniedException", http_status=400)
    script = Script([(0, failing(lambda: error))])
    with pytest.raises(ServiceError, match="denied"):
        run(script)
    assert len(script.calls) == 1


def test_not_found_just_after_create_is_tolerated() -> None:
    script = Script([(0, failing(not_found)), (40, "STARTING"), (100, "COMPLETED")])
    assert run(script).optimization_job_status == "COMPLETED"


def test_a_job_that_never_appears_raises_within_the_grace_period() -> None:
    script = Script([(0, failing(not_found))])
    with pytest.raises(JobNotFoundError):
        run(script, poll_interval=5)
    # Tolerated up to the end of the grace period; the first poll after it raises.
    assert script.calls[-2] < NOT_FOUND_GRACE <= script.calls[-1]
    assert len(script.calls) > 1


def test_a_job_deleted_while_waiting_raises_at_once() -> None:
    script = Script([(0, "INPROGRESS"), (100, failing(not_found))])
    with pytest.raises(JobNotFoundError):
        run(script, poll_interval=30)
    first_miss = [t for t in script.calls if t >= 100]
    assert len(first_miss) == 1


def test_timeout_is_a_deadline() -> None:
    script = Script([(0, "INPROGRESS")])
    with pytest.raises(WaitTimeoutError) as caught:
        run(script, timeout=600, poll_interval=30, max_poll_interval=120)
    assert script.now <= 600
    assert caught.value.last_job is not None
    assert caught.value.last_job.optimization_job_status == "INPROGRESS"
    message = str(caught.value)
    assert "still running" in message
    assert f"optjob stop {NAME}" in message
    assert isinstance(caught.value, TimeoutError)


def test_timeout_zero_polls_once() -> None:
    script = Script([(0, "INPROGRESS")])
    with pytest.raises(WaitTimeoutError):
        run(script, timeout=0)
    assert len(script.calls) == 1


def test_no_timeout_is_bounded_by_the_jobs_own_limits() -> None:
    script = Script([(0, "INPROGRESS")])  # never ends: a broken service
    with pytest.raises(WaitTimeoutError):
        run(script)
    # describe-completed.json: MaxRuntime 7200 + MaxPending 7200, plus the margin.
    assert script.now <= 7200 + 7200 + TIMEOUT_MARGIN
    assert script.now >= 7200 + 7200 + TIMEOUT_MARGIN - DEFAULT_MAX_POLL_INTERVAL * 1.2


def test_on_update_on_every_change_and_info_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="optjob_sdk")
    seen: list[str] = []
    script = Script([(0, "STARTING"), (60, "INPROGRESS"), (600, "COMPLETED")])
    run(script, on_update=lambda job: seen.append(str(job.optimization_job_status)))
    assert seen == ["STARTING", "INPROGRESS", "COMPLETED"]
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert messages == [
        f"optimization job {NAME} is STARTING",
        f"optimization job {NAME}: STARTING -> INPROGRESS",
        f"optimization job {NAME}: INPROGRESS -> COMPLETED",
    ]
    assert not any("hf_example" in r.getMessage() for r in caplog.records)


def test_ctrl_c_in_sleep_is_a_plain_keyboard_interrupt() -> None:
    script = Script([(0, "INPROGRESS")])

    def interrupted(_: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        wait_for_job(script.describe, NAME, sleep=interrupted, clock=script.clock, progress=False)


def test_ctrl_c_in_describe_is_a_plain_keyboard_interrupt() -> None:
    script = Script([(0, failing(KeyboardInterrupt))])
    with pytest.raises(KeyboardInterrupt):
        run(script)
    assert len(script.calls) == 1


def test_no_tenacity_type_reaches_the_caller() -> None:
    script = Script([(0, "INPROGRESS")])
    with pytest.raises(OptjobError) as caught:
        run(script, timeout=100)
    assert "tenacity" not in type(caught.value).__module__
    assert caught.value.__cause__ is None


def test_arguments_are_checked() -> None:
    script = Script([(0, "COMPLETED")])
    for kwargs in (
        {"poll_interval": 0},
        {"poll_interval": 10, "max_poll_interval": 5},
        {"timeout": -1},
    ):
        with pytest.raises(ValueError, match="must"):
            run(script, **kwargs)


# -- the progress display ----------------------------------------------------------------


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_in_a_terminal_updates_one_line_in_place() -> None:
    stream = FakeTTY()
    display = TerminalProgress(stream)
    display.update(NAME, "STARTING", 5, 595)
    display.update(NAME, "INPROGRESS", 75, 525)
    display.close()
    out = stream.getvalue()
    assert out.count("\r") == 2
    assert out.endswith("\n")
    frames = out.strip("\n").split("\r")[1:]
    assert frames[0].startswith(f"optimization job {NAME}: STARTING")
    assert "elapsed 00:05, 09:55 left" in frames[0]
    assert "INPROGRESS" in frames[1]
    assert "elapsed 01:15, 08:45 left" in frames[1]


def test_progress_is_silent_when_not_a_terminal_unless_asked() -> None:
    quiet = io.StringIO()
    make_progress(None, quiet).update(NAME, "STARTING", 1, None)
    assert quiet.getvalue() == ""
    asked = io.StringIO()
    display = make_progress(True, asked)
    assert isinstance(display, LineProgress)
    display.update(NAME, "STARTING", 1, None)
    display.update(NAME, "STARTING", 2, None)
    display.update(NAME, "COMPLETED", 3, None)
    assert asked.getvalue().splitlines() == [
        render(NAME, "STARTING", 1, None),
        render(NAME, "COMPLETED", 3, None),
    ]
    assert isinstance(make_progress(None, FakeTTY()), TerminalProgress)
    assert make_progress(False, FakeTTY()).__class__.__name__ == "_Silent"


def test_render_formats_hours() -> None:
    assert render("j", "INPROGRESS", 3725, None).endswith("elapsed 1:02:05, no deadline")


# -- properties ------------------------------------------------------------------------------

timelines = st.lists(
    st.tuples(
        st.floats(1, 20000, allow_nan=False),
        st.sampled_from(["STARTING", "INPROGRESS", "SOMETHING_NEW", "throttle", "500", "drop"]),
    ),
    max_size=8,
)
ENDINGS = st.sampled_from(["COMPLETED", "FAILED", "STOPPED", None])


def _script(steps: list[tuple[float, str]], ending: str | None, end_at: float) -> Script:
    faults = {
        "throttle": lambda: ThrottlingError("slow down", http_status=400),
        "500": lambda: ServiceError("oops", http_status=500),
        "drop": lambda: ConnectionFailedError("dropped"),
    }
    timeline: list[tuple[float, Any]] = [(0, "STARTING")]
    for at, what in steps:
        timeline.append((at, failing(faults[what]) if what in faults else what))
    if ending is not None:
        timeline.append((end_at, ending))
    return Script(timeline, reason="scripted")


@settings(max_examples=100, deadline=None)
@given(
    steps=timelines,
    ending=ENDINGS,
    end_at=st.floats(0, 30000),
    timeout=st.none() | st.floats(0, 20000),
    poll=st.floats(10, 60),
    cap_factor=st.floats(2, 8),
    seed=st.integers(0, 1000),
)
def test_schedule_properties(
    steps: list[tuple[float, str]],
    ending: str | None,
    end_at: float,
    timeout: float | None,
    poll: float,
    cap_factor: float,
    seed: int,
) -> None:
    """Calls == polls; no sleep passes the deadline; every sleep within the backoff bounds."""
    script = _script(steps, ending, end_at)
    cap = poll * cap_factor
    with contextlib.suppress(OptjobError):
        wait_for_job(
            script.describe,
            NAME,
            timeout=timeout,
            poll_interval=poll,
            max_poll_interval=cap,
            sleep=script.sleep,
            clock=script.clock,
            progress=False,
            rng=random.Random(seed),
        )
    assert len(script.calls) == len(script.sleeps) + 1  # one Describe per poll, no more
    if timeout is not None:
        assert script.now <= timeout + 1e-9
    for pause in script.sleeps:
        assert poll - 1e-9 <= pause <= cap + 1e-9
    # The first poll is immediate.
    assert script.calls[0] == 0.0


def test_progress_in_a_notebook_updates_one_display() -> None:
    from optjob_sdk._progress import NotebookProgress

    shown: list[tuple[str, str]] = []

    class Handle:
        def update(self, obj: str) -> None:
            shown.append(("update", obj))

    def display(obj: str, *, display_id: bool) -> Handle:
        assert display_id is True
        shown.append(("display", obj))
        return Handle()

    progress = NotebookProgress(display, str)
    progress.update(NAME, "STARTING", 0, 60)
    progress.update(NAME, "COMPLETED", 30, 30)
    assert [kind for kind, _ in shown] == ["display", "update"]
    assert "COMPLETED" in shown[1][1]
