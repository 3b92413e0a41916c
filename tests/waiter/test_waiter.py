"""The waiter under a fake clock: outcomes, faults, deadlines, callbacks, logs, progress."""

from __future__ import annotations

import fractions
import io
import logging
import random
from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from waiter_support import Script, description, failing

from optjob_sdk import (
    ConnectionFailedError,
    DescribeOptimizationJobResponse,
    JobFailedError,
    JobNotFoundError,
    JobStoppedError,
    OptimizationJobClient,
    OptjobError,
    ServiceError,
    ThrottlingError,
    ValidationError,
    WaitTimeoutError,
    _waits,
    waiting,
)
from optjob_sdk.models import StoppingCondition
from optjob_sdk.testing import FakeOptimizationService
from optjob_sdk.waiting import (
    FIRST_CONTACT_LIMIT,
    NOT_FOUND_GRACE,
    TIMEOUT_MARGIN,
    own_bound,
    wait_for_job,
)

NAME = "llama3-8b-awq-2026-11-24"


def run(script: Script, **kwargs: Any) -> Any:
    kwargs.setdefault("progress", False)
    kwargs.setdefault("rng", random.Random(0))
    kwargs.setdefault("sleep", script.sleep)
    kwargs.setdefault("clock", script.clock)
    return wait_for_job(script.describe, NAME, **kwargs)


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


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
    assert NAME in str(caught.value)
    assert "StopOptimizationJob request" in str(caught.value)


def test_stopped_message_names_the_runtime_limit_when_that_stopped_it() -> None:
    job = description("STOPPED")
    assert job.optimization_start_time is not None
    runtime = attrs.evolve(
        job,
        stopping_condition=StoppingCondition(max_runtime_in_seconds=3600),
        optimization_end_time=job.optimization_start_time + timedelta(seconds=3600),
    )
    assert "MaxRuntimeInSeconds (3600 s)" in str(JobStoppedError(runtime))
    early = attrs.evolve(
        runtime, optimization_end_time=job.optimization_start_time + timedelta(seconds=3599)
    )
    assert "StopOptimizationJob request" in str(JobStoppedError(early))
    explained = attrs.evolve(job, failure_reason="stopped by the operator")
    assert str(JobStoppedError(explained)).endswith("STOPPED: stopped by the operator")


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


@pytest.mark.parametrize("poll", [5.0, 7.0, 30.0, 45.0])
def test_a_job_that_never_appears_raises_at_the_end_of_the_grace_period(poll: float) -> None:
    script = Script([(0, failing(not_found))])
    with pytest.raises(JobNotFoundError, match=f"did not appear within {NOT_FOUND_GRACE:g}s"):
        run(script, poll_interval=poll)
    # Tolerated for the grace period; the last poll lands on its end, and raises.
    assert script.calls[-1] == pytest.approx(NOT_FOUND_GRACE)
    assert all(poll <= pause <= 120 for pause in script.sleeps)


def test_default_settings_check_a_missing_job_twice() -> None:
    script = Script([(0, failing(not_found))])
    with pytest.raises(JobNotFoundError) as caught:
        run(script)
    assert script.calls == [0, pytest.approx(NOT_FOUND_GRACE)]
    assert caught.value.code == "ResourceNotFound"
    assert isinstance(caught.value.__cause__, JobNotFoundError)  # the service's own answer


def test_a_poll_interval_longer_than_the_grace_period_still_checks_again() -> None:
    script = Script([(0, failing(not_found)), (80, "STARTING"), (200, "COMPLETED")])
    assert run(script, poll_interval=90, max_poll_interval=300).optimization_job_status == (
        "COMPLETED"
    )
    missing = Script([(0, failing(not_found))])
    with pytest.raises(JobNotFoundError):
        run(missing, poll_interval=90, max_poll_interval=300)
    assert len(missing.calls) == 2
    assert missing.calls[1] >= 90


def test_a_timeout_inside_the_grace_period_is_still_not_found() -> None:
    script = Script([(0, failing(not_found))])
    with pytest.raises(JobNotFoundError, match="did not appear within 30s"):
        run(script, timeout=30, poll_interval=10)
    assert script.now == pytest.approx(30)


def test_a_job_deleted_while_waiting_raises_at_once() -> None:
    script = Script([(0, "INPROGRESS"), (100, failing(not_found))])
    with pytest.raises(JobNotFoundError, match=r"disappeared .*last seen INPROGRESS") as caught:
        run(script, poll_interval=30)
    first_miss = [t for t in script.calls if t >= 100]
    assert len(first_miss) == 1
    assert caught.value.code == "ResourceNotFound"


def test_timeout_is_a_deadline() -> None:
    script = Script([(0, "INPROGRESS")])
    with pytest.raises(WaitTimeoutError) as caught:
        run(script, timeout=600, poll_interval=30, max_poll_interval=120)
    assert script.now == pytest.approx(600)  # the last poll lands on the deadline, not past
    assert script.calls[-1] == pytest.approx(600)
    assert all(30 <= pause <= 120 for pause in script.sleeps)
    assert caught.value.timeout == 600
    assert caught.value.elapsed == pytest.approx(600)
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
    assert script.sleeps == []


def test_a_timeout_shorter_than_poll_interval_polls_once_and_gives_up_at_once() -> None:
    # No second poll could be poll_interval later and still before the deadline.
    script = Script([(0, "INPROGRESS")])
    with pytest.raises(WaitTimeoutError):
        run(script, timeout=20, poll_interval=30)
    assert script.calls == [0]
    assert script.sleeps == []


def test_a_job_finishing_at_the_deadline_is_seen() -> None:
    script = Script([(0, "INPROGRESS"), (600, "COMPLETED")])
    assert run(script, timeout=600).optimization_job_status == "COMPLETED"
    assert script.now == pytest.approx(600)


def test_no_timeout_is_bounded_by_the_jobs_own_limits() -> None:
    script = Script([(0, "INPROGRESS")])  # never ends: a broken service
    with pytest.raises(WaitTimeoutError, match="still running") as caught:
        run(script)
    # describe-completed.json: MaxRuntime 7200 + MaxPending 7200, plus the margin; the
    # last poll lands on that bound.
    assert script.now == pytest.approx(7200 + 7200 + TIMEOUT_MARGIN)
    assert caught.value.timeout is None  # none given: the job's own bound applied
    assert caught.value.elapsed == pytest.approx(script.now)


def test_no_timeout_counts_the_time_the_job_has_already_spent() -> None:
    # First seen 1000 s after its creation (LastModifiedTime - CreationTime).
    def late(now: float) -> Any:
        return description("INPROGRESS", at=1000 + now)

    script = Script([(0, late)])
    with pytest.raises(WaitTimeoutError):
        run(script)
    assert script.now == pytest.approx(7200 + 7200 + TIMEOUT_MARGIN - 1000)


def test_own_bound_reads_the_stopping_condition() -> None:
    job = description("INPROGRESS")
    cases = [
        (StoppingCondition(max_runtime_in_seconds=3600), 3600),
        (StoppingCondition(max_runtime_in_seconds=3600, max_pending_time_in_seconds=600), 4200),
        (StoppingCondition(max_runtime_in_seconds=3600, max_wait_time_in_seconds=9000), 9000),
        (StoppingCondition(), waiting.DEFAULT_RUNTIME_BOUND),
    ]
    for condition, limit in cases:
        assert own_bound(attrs.evolve(job, stopping_condition=condition)) == limit + TIMEOUT_MARGIN
    spent = attrs.evolve(description("INPROGRESS", at=500), stopping_condition=cases[0][0])
    assert own_bound(spent) == 3600 + TIMEOUT_MARGIN - 500
    ancient = attrs.evolve(description("INPROGRESS", at=10**6), stopping_condition=cases[0][0])
    assert own_bound(ancient) == 0


def test_no_timeout_and_no_description_is_bounded_by_the_first_contact_limit() -> None:
    script = Script([(0, failing(lambda: ThrottlingError("Rate exceeded", http_status=400)))])
    with pytest.raises(ThrottlingError, match="Rate exceeded") as caught:
        run(script)
    assert script.now == pytest.approx(FIRST_CONTACT_LIMIT)
    assert f"after {FIRST_CONTACT_LIMIT:g}s without a single description" in str(caught.value)


ENDPOINT = "http://127.0.0.1:9/"


def refused() -> ConnectionFailedError:
    return ConnectionFailedError(
        f"could not reach {ENDPOINT} for DescribeOptimizationJob after every retry: "
        "Connection refused",
        endpoint=ENDPOINT,
        operation="DescribeOptimizationJob",
    )


def test_a_wait_that_never_got_a_description_names_the_endpoint_and_the_error() -> None:
    # Not "timed out": nothing is known about the job; what went wrong is the connection.
    script = Script([(0, failing(refused))])
    with pytest.raises(ConnectionFailedError) as caught:
        run(script, timeout=300)
    error = caught.value
    assert not isinstance(error, WaitTimeoutError)
    assert isinstance(error.__cause__, ConnectionFailedError)
    assert error.endpoint == ENDPOINT
    assert error.code == "ConnectionFailed"
    message = str(error)
    assert f"gave up waiting for optimization job {NAME!r} after 300s" in message
    assert "without a single description" in message
    assert ENDPOINT in message
    assert "Connection refused" in message
    assert script.now == pytest.approx(300)


def test_a_wait_that_never_got_a_description_keeps_the_errors_class() -> None:
    def unavailable() -> ServiceError:
        return ServiceError(
            "Service Unavailable", code="ServiceUnavailable", http_status=503, request_id="r-1"
        )

    script = Script([(0, failing(unavailable))])
    with pytest.raises(ServiceError) as caught:
        run(script, timeout=100)
    assert type(caught.value) is ServiceError
    assert (caught.value.code, caught.value.http_status, caught.value.request_id) == (
        "ServiceUnavailable",
        503,
        "r-1",
    )
    assert "after 100s without a single description" in str(caught.value)


def wait_after_one_slow_poll(script: Script) -> DescribeOptimizationJobResponse:
    """A wait whose one call takes 0.4 s: timeout 20 s, polls 30 s apart (no second fits)."""

    def slow_describe(name: str) -> DescribeOptimizationJobResponse:
        script.now += 0.4
        return script.describe(name)

    return wait_for_job(
        slow_describe,
        NAME,
        timeout=20,
        poll_interval=30,
        sleep=script.sleep,
        clock=script.clock,
        progress=False,
    )


def test_every_timeout_message_gives_the_real_elapsed_time() -> None:
    # timeout 20 s, polls 30 s apart: no second poll fits, so the wait ends after the
    # first call, which took 0.4 s. The message says 0.4 s, not 20.
    with pytest.raises(WaitTimeoutError) as caught:
        wait_after_one_slow_poll(Script([(0, "INPROGRESS")]))
    assert "after 0.4s" in str(caught.value)
    assert "20s" not in str(caught.value)
    assert caught.value.timeout == 20  # what was asked
    assert caught.value.elapsed == pytest.approx(0.4)  # what was spent


def test_a_refused_connection_without_a_description_in_the_first_poll_only() -> None:
    # Same with a refused connection: the message gives 0.4 s and names the error.
    with pytest.raises(ConnectionFailedError) as caught:
        wait_after_one_slow_poll(Script([(0, failing(refused))]))
    assert "after 0.4s without a single description" in str(caught.value)
    assert "Connection refused" in str(caught.value)


def test_on_update_on_every_change_and_info_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="optjob_sdk")
    seen: list[str] = []
    script = Script([(0, "STARTING"), (60, "INPROGRESS"), (600, "COMPLETED")])

    def on_update(job: DescribeOptimizationJobResponse) -> None:
        seen.append(str(job.optimization_job_status))

    run(script, on_update=on_update)
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


def test_ctrl_c_in_a_real_sleep_with_a_live_display(monkeypatch: pytest.MonkeyPatch) -> None:
    # The default sleep, sliced so that the display's clocks move; Ctrl-C in any slice.
    script = Script([(0, "INPROGRESS")])
    slices: list[float] = []

    def real_sleep(seconds: float) -> None:
        slices.append(seconds)
        if len(slices) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(waiting, "_real_sleep", real_sleep)
    monkeypatch.setattr(_waits, "_real_clock", script.clock)
    monkeypatch.setattr("sys.stderr", FakeTTY())
    with pytest.raises(KeyboardInterrupt):
        wait_for_job(script.describe, NAME, progress=True)
    assert slices == [1.0, 1.0, 1.0]
    assert len(script.calls) == 1


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


def test_an_error_in_on_update_reaches_the_caller_unchanged() -> None:
    class Boom(Exception):
        pass

    def on_update(job: Any) -> None:
        raise Boom

    script = Script([(0, "INPROGRESS")])
    with pytest.raises(Boom):
        run(script, on_update=on_update)
    assert len(script.calls) == 1


def test_jitter_follows_the_injected_random_source() -> None:
    def pauses(seed: int) -> list[float]:
        script = Script([(0, "INPROGRESS"), (900, "COMPLETED")])
        run(script, rng=random.Random(seed))
        return script.sleeps

    assert pauses(1) == pauses(1)
    assert pauses(1) != pauses(2)


def test_arguments_are_checked() -> None:
    script = Script([(0, "COMPLETED")])
    for kwargs in (
        {"poll_interval": 0},
        {"poll_interval": 10, "max_poll_interval": 5},
        {"timeout": -1},
        {"timeout": float("nan")},
        {"poll_interval": float("nan")},
    ):
        with pytest.raises(ValueError, match="must"):
            run(script, **kwargs)


def test_the_info_log_line_escapes_what_the_service_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="optjob_sdk")
    script = Script([(0, "STARTING\x1b[2J\r"), (60, "COMPLETED")])
    run(script)
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert messages == [
        f"optimization job {NAME} is STARTING\\x1b[2J\\r",
        f"optimization job {NAME}: STARTING\\x1b[2J\\r -> COMPLETED",
    ]


# -- the arguments: every problem, named, before the first call -----------------------


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"timeout": "600"}, "timeout"),
        ({"timeout": b"600"}, "timeout"),
        ({"timeout": True}, "timeout"),  # bool is not a number of seconds
        ({"timeout": [600]}, "timeout"),
        ({"poll_interval": "30"}, "poll_interval"),
        ({"poll_interval": False}, "poll_interval"),
        ({"max_poll_interval": "120"}, "max_poll_interval"),
        ({"max_poll_interval": None}, "max_poll_interval"),
        ({"timeout": -1}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": float("-inf")}, "timeout"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"poll_interval": -5}, "poll_interval"),
        ({"poll_interval": float("nan")}, "poll_interval"),
        ({"poll_interval": float("inf")}, "poll_interval"),
        ({"max_poll_interval": float("inf")}, "max_poll_interval"),
        ({"poll_interval": 10, "max_poll_interval": 5}, "max_poll_interval"),
        ({"on_update": "print"}, "on_update"),
        ({"sleep": 5}, "sleep"),
        ({"progress": "yes"}, "progress"),
    ],
)
def test_a_wrong_argument_is_a_validation_error_naming_it(
    kwargs: dict[str, Any], argument: str
) -> None:
    script = Script([(0, "COMPLETED")])
    with pytest.raises(ValidationError) as caught:
        run(script, **kwargs)
    assert isinstance(caught.value, ValueError)
    assert [problem.path for problem in caught.value.errors] == [argument]
    assert script.calls == []  # nothing was asked of the service


def test_every_wrong_argument_is_reported_at_once() -> None:
    script = Script([(0, "COMPLETED")])
    with pytest.raises(ValidationError) as caught:
        run(script, timeout="10", poll_interval=True, max_poll_interval=float("nan"))
    assert {problem.path for problem in caught.value.errors} == {
        "timeout",
        "poll_interval",
        "max_poll_interval",
    }
    assert "str" in str(caught.value)  # says what was given


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": 600},
        {"timeout": 600.5, "poll_interval": 1, "max_poll_interval": 1},
        {"timeout": fractions.Fraction(1201, 2)},
        {"timeout": 0},
        {"timeout": float("inf")},  # no deadline at all
    ],
)
def test_numbers_of_every_kind_are_accepted(kwargs: dict[str, Any]) -> None:
    script = Script([(0, "INPROGRESS"), (60, "COMPLETED")])
    try:
        job = run(script, **kwargs)
    except WaitTimeoutError:
        assert kwargs["timeout"] < 60
    else:
        assert job.optimization_job_status == "COMPLETED"


def test_an_infinite_timeout_waits_past_the_jobs_own_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    # timeout=None gives up at the job's own limit plus a margin; inf never gives up.
    end = 86400 * 3
    script = Script([(0, "INPROGRESS"), (end, "COMPLETED")])
    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    job = run(script, timeout=float("inf"), progress=True, max_poll_interval=3600)
    assert job.optimization_job_status == "COMPLETED"
    assert script.now >= end
    assert "no deadline" in tty.getvalue()


def test_a_clock_without_a_sleep_is_refused() -> None:
    # The real sleep does not move a fake clock: such a wait would poll forever.
    script = Script([(0, "INPROGRESS")])
    with pytest.raises(ValidationError) as caught:
        wait_for_job(script.describe, NAME, clock=script.clock, timeout=60, progress=False)
    (problem,) = caught.value.errors
    assert problem.path == "clock"
    assert "sleep" in problem.message
    assert script.calls == []


def test_a_sleep_without_a_clock_is_fine(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script([(0, "INPROGRESS"), (60, "COMPLETED")])
    monkeypatch.setattr(_waits, "_real_clock", script.clock)
    job = wait_for_job(script.describe, NAME, sleep=script.sleep, progress=False)
    assert job.optimization_job_status == "COMPLETED"


def test_client_wait_checks_its_arguments_before_any_call() -> None:
    service = FakeOptimizationService()
    client = OptimizationJobClient(service.client())
    with pytest.raises(ValidationError, match="timeout"):
        client.wait("some-job", timeout="600", sleep=service.advance, clock=service.monotonic)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="clock"):
        client.wait("some-job", clock=service.monotonic)
    assert service.calls() == 0


_ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.fractions(),
    st.text(max_size=5),
    st.binary(max_size=5),
    st.lists(st.integers(), max_size=2),
)


@given(timeout=_ANYTHING, poll_interval=_ANYTHING, max_poll_interval=_ANYTHING)
def test_wait_arguments_are_floats_or_a_validation_error(
    timeout: Any, poll_interval: Any, max_poll_interval: Any
) -> None:
    problems: tuple[Any, ...] = ()
    checked: Any = None
    try:
        checked = waiting.check_wait_arguments(
            timeout=timeout, poll_interval=poll_interval, max_poll_interval=max_poll_interval
        )
    except ValidationError as error:
        problems = error.errors
    if checked is None:
        assert problems
        assert {problem.path for problem in problems} <= {
            "timeout",
            "poll_interval",
            "max_poll_interval",
        }
        return
    deadline, low, high = checked
    assert deadline is None or (type(deadline) is float and deadline >= 0)
    assert type(low) is float
    assert type(high) is float
    assert 0 < low <= high < float("inf")


# -- a job deleted and re-created under the same name, between two polls ------------------


def recreated(status: str, *, since: float) -> Any:
    """A timeline entry: a new job of the same name, created at ``since``, now ``status``."""

    def describe(now: float) -> DescribeOptimizationJobResponse:
        job = description(status, at=now)
        return attrs.evolve(
            job,
            optimization_job_arn=job.optimization_job_arn + "-2",
            creation_time=job.creation_time + timedelta(seconds=since),
        )

    return describe


def test_a_job_recreated_mid_wait_is_followed_with_a_warning(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO, logger="optjob_sdk")
    script = Script(
        [
            (0, "INPROGRESS"),
            (300, recreated("STARTING", since=300)),
            (400, recreated("INPROGRESS", since=300)),
            (1200, recreated("COMPLETED", since=300)),
        ]
    )
    seen: list[tuple[str, str]] = []

    def on_update(job: DescribeOptimizationJobResponse) -> None:
        seen.append((job.optimization_job_arn[-2:], str(job.optimization_job_status)))

    tty = FakeTTY()
    monkeypatch.setattr("sys.stderr", tty)
    job = run(script, on_update=on_update, progress=True)
    assert job.optimization_job_arn.endswith("-2")  # the new job's end
    assert job.optimization_job_status == "COMPLETED"
    # The callback sees the switch: the new job's first description, then its changes.
    assert [status for _, status in seen] == ["INPROGRESS", "STARTING", "INPROGRESS", "COMPLETED"]
    assert [arn == "-2" for arn, _ in seen] == [False, True, True, True]
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    message = warning.getMessage()
    assert "re-created" in message
    assert NAME in message
    assert job.optimization_job_arn in message  # the new ARN, to tell the jobs apart
    # The display says so for the rest of the wait.
    last_line = tty.getvalue().rstrip("\n").split("\n")[-1]
    assert "(re-created)" in last_line
    assert "COMPLETED" in last_line


def test_a_recreated_job_in_the_same_status_is_still_noticed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    script = Script(
        [
            (0, "INPROGRESS"),
            (300, recreated("INPROGRESS", since=290)),
            (900, recreated("COMPLETED", since=290)),
        ]
    )
    seen: list[str] = []
    job = run(script, on_update=lambda job: seen.append(job.optimization_job_arn))
    assert job.optimization_job_arn.endswith("-2")
    assert len(seen) == 3  # the old job, the new one (same status), its end
    assert seen[0] != seen[1] == seen[2]
    assert any(
        r.levelno == logging.WARNING and "re-created" in r.getMessage() for r in caplog.records
    )


def test_a_recreated_job_brings_its_own_bound() -> None:
    # timeout=None: the wait is bounded by the job it follows, from when it appeared.
    switch = 10_000.0
    script = Script([(0, "INPROGRESS"), (switch, recreated("INPROGRESS", since=switch))])
    with pytest.raises(WaitTimeoutError):
        run(script, max_poll_interval=600)
    # describe-completed.json's StoppingCondition, from the new job's creation (its time
    # spent is LastModifiedTime - CreationTime, as for any job).
    assert script.now == pytest.approx(switch + 7200 + 7200 + TIMEOUT_MARGIN)


def test_an_explicit_timeout_stays_a_deadline_across_a_recreation() -> None:
    script = Script([(0, "INPROGRESS"), (300, recreated("INPROGRESS", since=300))])
    with pytest.raises(WaitTimeoutError):
        run(script, timeout=900)
    assert script.now == pytest.approx(900)
