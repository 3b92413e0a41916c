"""The poll schedule: the backoff, fitting pauses to a deadline, and properties of whole waits."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from waiter_support import Script, failing

from optjob_sdk import (
    ConnectionFailedError,
    JobNotFoundError,
    OptjobError,
    ServiceError,
    ThrottlingError,
)
from optjob_sdk.waiting import JitteredBackoff, fit_pause, wait_for_job

NAME = "llama3-8b-awq-2026-11-24"


def test_backoff_grows_by_half_with_upward_jitter_to_the_cap() -> None:
    plain = JitteredBackoff(30, 120, random.Random(0), jitter=0.0)
    assert [plain.pause(n) for n in range(1, 6)] == [30, 45, 67.5, 101.25, 120]
    jittered = JitteredBackoff(30, 120, random.Random(0))
    for attempt in range(1, 10):
        pause = jittered.pause(attempt)
        assert plain.pause(attempt) <= pause <= min(120, plain.pause(attempt) * 1.2)
    assert JitteredBackoff(30, 120, random.Random(0)).pause(10**9) == 120  # no overflow


def test_backoff_is_a_tenacity_wait() -> None:
    import tenacity

    backoff = JitteredBackoff(1, 4, random.Random(0), jitter=0.0)
    pauses: list[float] = []
    attempts = iter(range(4))

    def flaky() -> int:
        if next(attempts) < 3:
            raise ValueError
        return 7

    retrying = tenacity.Retrying(wait=backoff, sleep=pauses.append)
    assert retrying(flaky) == 7
    assert pauses == [1, 1.5, 2.25]


def test_fit_pause_cases() -> None:
    low, high = 30.0, 120.0
    assert fit_pause(45, 1000, low, high) == 45  # far from the deadline: as planned
    assert fit_pause(45, 29, low, high) is None  # no poll fits: stop
    assert fit_pause(45, 40, low, high) == 40  # the last pause, shortened onto the deadline
    assert fit_pause(45, 30, low, high) == 30
    assert fit_pause(45, 60, low, high) == 60  # 45 would leave 15: stretched onto it
    assert fit_pause(100, 125, low, high) == 95  # 100 would leave 25, 125 > high: leave 30
    assert fit_pause(100, 130, low, high) == 100  # leaves exactly 30
    assert fit_pause(45, 0, low, high) is None


@settings(max_examples=200, deadline=None)
@given(
    desired=st.floats(1, 200),
    left=st.floats(0, 5000),
    low=st.floats(1, 60),
    factor=st.floats(1, 10),
)
def test_fit_pause_stays_within_the_bounds(
    desired: float, left: float, low: float, factor: float
) -> None:
    high = low * factor
    desired = max(low, min(desired, high))
    pause = fit_pause(desired, left, low, high)
    if left < low - 1e-6:
        assert pause is None
        return
    assert pause is not None
    assert low - 1e-9 <= pause <= high + 1e-9
    assert pause <= max(left, low) + 1e-9


@settings(max_examples=200, deadline=None)
@given(
    left=st.floats(0, 5000),
    low=st.floats(1, 60),
    factor=st.floats(2, 10),
    seed=st.integers(0, 100),
)
def test_fitted_polls_end_on_the_deadline(
    left: float, low: float, factor: float, seed: int
) -> None:
    """With high >= 2 * low, the polls end exactly on the deadline whenever one fits."""
    high = low * factor
    backoff = JitteredBackoff(low, high, random.Random(seed))
    now, attempt = 0.0, 1
    while (pause := fit_pause(backoff.pause(attempt), left - now, low, high)) is not None:
        assert low - 1e-9 <= pause <= high + 1e-9
        now += pause
        attempt += 1
        assert now <= left + 1e-6
    if left >= low:
        assert now == pytest.approx(left, abs=1e-6)


# -- properties of whole waits ------------------------------------------------------------

timelines = st.lists(
    st.tuples(
        st.floats(1, 20000, allow_nan=False),
        st.sampled_from(
            ["STARTING", "INPROGRESS", "SOMETHING_NEW", "throttle", "500", "drop", "missing"]
        ),
    ),
    max_size=8,
)
ENDINGS = st.sampled_from(["COMPLETED", "FAILED", "STOPPED", None])


def _script(first: str, steps: list[tuple[float, str]], ending: str | None, end_at: float) -> Any:
    faults = {
        "throttle": lambda: ThrottlingError("slow down", http_status=400),
        "500": lambda: ServiceError("oops", http_status=500),
        "drop": lambda: ConnectionFailedError("dropped"),
        "missing": lambda: JobNotFoundError("no such job", code="ResourceNotFound"),
    }
    timeline: list[tuple[float, Any]] = [(0, failing(faults[first]) if first in faults else first)]
    for at, what in steps:
        timeline.append((at, failing(faults[what]) if what in faults else what))
    if ending is not None:
        timeline.append((end_at, ending))
    return Script(timeline, reason="scripted")


@settings(max_examples=100, deadline=None)
@given(
    first=st.sampled_from(["STARTING", "missing", "throttle"]),
    steps=timelines,
    ending=ENDINGS,
    end_at=st.floats(0, 30000),
    timeout=st.none() | st.floats(0, 20000),
    poll=st.floats(5, 60),  # smaller is the same schedule scaled, with more polls to run
    cap_factor=st.floats(1, 8),
    seed=st.integers(0, 1000),
)
def test_schedule_properties(
    first: str,
    steps: list[tuple[float, str]],
    ending: str | None,
    end_at: float,
    timeout: float | None,
    poll: float,
    cap_factor: float,
    seed: int,
) -> None:
    """Calls == polls; no sleep passes the deadline; every sleep within the backoff bounds."""
    script = _script(first, steps, ending, end_at)
    cap = poll * cap_factor
    outcome: BaseException | None = None
    try:
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
    except OptjobError as error:
        outcome = error
    assert len(script.calls) == len(script.sleeps) + 1  # one Describe per poll, no more
    assert script.calls[0] == 0.0  # the first poll is immediate
    for pause in script.sleeps:
        assert poll - 1e-9 <= pause <= cap + 1e-9
    if timeout is not None:
        assert script.now <= timeout + 1e-6  # never past the deadline
        if type(outcome).__name__ == "WaitTimeoutError" and timeout >= poll and cap >= 2 * poll:
            assert script.calls[-1] == pytest.approx(timeout, abs=1e-6)  # on it


@settings(max_examples=30, deadline=None)
@given(poll=st.floats(1, 60), cap_factor=st.floats(1, 8), seed=st.integers(0, 1000))
def test_a_missing_job_is_given_up_on_by_one_poll_after_the_grace_period(
    poll: float, cap_factor: float, seed: int
) -> None:
    script = Script([(0, failing(lambda: JobNotFoundError("gone", code="ResourceNotFound")))])
    with pytest.raises(JobNotFoundError):
        wait_for_job(
            script.describe,
            NAME,
            poll_interval=poll,
            max_poll_interval=poll * cap_factor,
            sleep=script.sleep,
            clock=script.clock,
            progress=False,
            rng=random.Random(seed),
        )
    assert script.calls[-1] >= 60 - 1e-6
    assert script.calls[-1] <= 60 + poll * cap_factor + 1e-6
    assume(cap_factor >= 2 and poll <= 60)
    assert script.calls[-1] == pytest.approx(60, abs=1e-6)
