"""wait_many / as_completed on a scripted account (many_support.World): what comes back, what
it costs, how fast ends are seen, and every way it can end. The emulator tests are in
test_many_emulator.py."""

from __future__ import annotations

import itertools
import logging
import math
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from many_support import Job, World, found_at, schedule

from optjob_sdk import (
    InvalidResponseError,
    JobNotFoundError,
    ServiceError,
    ThrottlingError,
    ValidationError,
    WaitTimeoutError,
)
from optjob_sdk._many import check_names, common_substring
from optjob_sdk.waiting import wait_for_jobs

HOUR = 3600.0


def sweep_jobs(count: int, *, prefix: str = "sweep-", start: float = -1200.0) -> list[Job]:
    """``count`` jobs created a second apart, ending between 10 minutes and 3 hours later;
    every 7th FAILED, every 11th STOPPED."""
    rng = random.Random(count)
    jobs = []
    for i in range(count):
        outcome = "FAILED" if i % 7 == 3 else "STOPPED" if i % 11 == 5 else "COMPLETED"
        created = start + i
        jobs.append(
            Job(
                f"{prefix}{i:04d}",
                created,
                created + rng.uniform(600, 3 * HOUR),
                outcome,
                "out of memory" if outcome == "FAILED" else None,
            )
        )
    return jobs


def wait_many(world: World, names: list[str], **kw: Any) -> Any:
    kw.setdefault("progress", False)
    return wait_for_jobs(
        world.describe, world.list_page, names, sleep=world.sleep, clock=world.clock, **kw
    )


def rounds(world: World) -> list[list[tuple[float, str, Any]]]:
    """The calls, grouped by round (a round's calls share a time on the fake clock)."""
    grouped: dict[float, list[tuple[float, str, Any]]] = {}
    for call in world.calls:
        grouped.setdefault(call[0], []).append(call)
    return list(grouped.values())


# -- what comes back --------------------------------------------------------------------


def test_every_job_comes_back_once_in_the_order_given_whatever_its_end() -> None:
    jobs = sweep_jobs(30)
    world = World(jobs)
    names = [job.name for job in reversed(jobs)]
    result = wait_many(world, names)
    assert list(result) == names
    for job in jobs:
        final = result[job.name]
        assert final.optimization_job_status == job.outcome
        assert final.failure_reason == job.reason
        # Returned once it had ended, not before.
        assert final.optimization_end_time is not None


def test_duplicates_count_once_and_no_names_cost_nothing() -> None:
    world = World(sweep_jobs(3))
    result = wait_many(world, ["sweep-0001", "sweep-0000", "sweep-0001"])
    assert list(result) == ["sweep-0001", "sweep-0000"]
    empty = World(sweep_jobs(3))
    assert wait_many(empty, []) == {}
    assert empty.calls == []
    assert list(empty.as_completed([])) == []


def test_a_str_or_bad_names_are_refused_before_any_call() -> None:
    world = World(sweep_jobs(3))
    with pytest.raises(ValidationError) as raised:
        wait_many(world, "sweep-0000")  # type: ignore[arg-type]
    assert raised.value.errors[0].path == "names"
    assert "not a str" in str(raised.value)
    with pytest.raises(ValidationError) as raised:
        wait_many(world, ["ok-name", "bad name!", "", "x" * 64])
    assert {problem.path for problem in raised.value.errors} == {
        "names[1]",
        "names[2]",
        "names[3]",
    }
    with pytest.raises(ValidationError) as raised:
        wait_many(world, 42)  # type: ignore[arg-type]
    assert "iterable" in str(raised.value)
    assert world.calls == []


def test_as_completed_checks_at_the_call_and_sends_nothing_until_advanced() -> None:
    world = World(sweep_jobs(5))
    with pytest.raises(ValidationError):
        world.as_completed(["sweep-0000"], poll_interval=0)
    iterator = world.as_completed([job for job in world.jobs])
    assert world.calls == []
    first = next(iterator)
    assert first.optimization_job_name in world.jobs
    calls = len(world.calls)
    iterator.close()  # breaking out of the loop ends the wait: no call after it
    assert len(world.calls) == calls
    with pytest.raises(StopIteration):
        next(iterator)


def test_as_completed_yields_in_the_order_the_ends_are_seen() -> None:
    jobs = sweep_jobs(40)
    world = World(jobs)
    found = found_at(world, [job.name for job in jobs])
    order = list(found)
    times = [found[name][0] for name in order]
    assert times == sorted(times)
    # And by end time across rounds: a job that ended a round earlier is yielded earlier.
    ends = {job.name: job.ends for job in jobs}
    for earlier, later in itertools.pairwise(order):
        if found[earlier][0] < found[later][0]:
            assert ends[earlier] < found[later][0]


def test_the_names_common_substring() -> None:
    assert common_substring(["llama3-g5", "llama3-g6e", "mistral-llama3"]) == "llama3"
    assert common_substring(["sweep-g5", "sweep-g6e"]) == "sweep-g"
    assert common_substring(["abc"]) == "abc"
    assert common_substring(["abc", "xyz"]) == ""
    assert common_substring([]) == ""
    assert check_names(("b", "a", "b")) == ("b", "a")


@given(st.lists(st.text("ab-1", min_size=1, max_size=12), min_size=1, max_size=8))
def test_common_substring_is_in_every_name_and_none_longer_is(names: list[str]) -> None:
    found = common_substring(names)
    assert all(found in name for name in names)
    shortest = min(names, key=len)
    longer = {shortest[i : i + len(found) + 1] for i in range(len(shortest) - len(found))}
    assert not any(all(piece in name for name in names) for piece in longer)


# -- what it costs ----------------------------------------------------------------------


def test_a_round_of_250_jobs_costs_three_list_calls_not_250_describes() -> None:
    jobs = sweep_jobs(250)
    world = World(jobs)
    result = wait_many(world, [job.name for job in jobs])
    assert len(result) == 250
    # Exactly one Describe per job: the one that confirms its end and fetches it whole.
    described = [name for _, op, name in world.calls if op == "Describe"]
    assert sorted(described) == sorted(job.name for job in jobs)
    for calls in rounds(world):
        lists = [params for _, op, params in calls if op == "List"]
        assert len(lists) <= 3
    # Every listing is narrowed to the sweep: by name, and to the pending jobs' span.
    for _, op, params in world.calls:
        if op == "List":
            assert params["NameContains"] == common_substring([job.name for job in jobs])
            assert params["MaxResults"] == 100
    single = sum(len(world.single_poll_times(job.name)) for job in jobs[:25]) * 10
    assert len(world.calls) * 10 < single  # ten times fewer than a waiter per job (est.)


def test_listings_are_narrowed_to_the_pending_jobs_creation_times() -> None:
    jobs = sweep_jobs(12)
    world = World(jobs)
    pending_spans: list[tuple[float, float]] = []

    def on_update(_: Any) -> None:
        return None

    wait_many(world, [job.name for job in jobs], on_update=on_update)
    windowed = [
        params for _, op, params in world.calls if op == "List" and "CreationTimeAfter" in params
    ]
    assert windowed, "after the first round, listings carry the pending jobs' span"
    for params in windowed:
        assert params["SortOrder"] == "Ascending"
        assert params["CreationTimeAfter"] < params["CreationTimeBefore"]
        pending_spans.append((params["CreationTimeAfter"], params["CreationTimeBefore"]))
    # The span shrinks as the earliest jobs end, never grows.
    lows = [low for low, _ in pending_spans]
    assert lows == sorted(lows)


def test_three_jobs_among_5000_cost_no_more_than_three_waiters() -> None:
    others = [Job(f"unrelated-{i:05d}", -100_000.0 + i, 1e9, "COMPLETED") for i in range(5000)]
    ours = [Job(f"ours-{c}", -60.0 + i, 1000.0 * (i + 1)) for i, c in enumerate("abc")]
    for mine_first in (False, True):
        # Ours the newest (a fresh sweep) and ours the oldest (5,000 created after them).
        shift = -200_000.0 if mine_first else 0.0
        placed = [Job(job.name, job.created + shift, job.ends) for job in ours]
        world = World(others + placed)
        names = [job.name for job in placed]
        wait_many(world, names, timeout=math.inf)
        singles = sum(len(world.single_poll_times(name, timeout=math.inf)) for name in names)
        assert len(world.calls) <= singles
        for calls in rounds(world):
            assert len(calls) <= 3


def test_one_job_costs_what_a_single_waiter_costs() -> None:
    world = World([Job("solo", -10.0, 5000.0)])
    wait_many(world, ["solo"], rng=random.Random(3))
    assert all(op == "Describe" for _, op, _ in world.calls)
    assert [at for at, _, _ in world.calls] == world.single_poll_times("solo", rng=random.Random(3))


# -- how fast ends are seen (a property) --------------------------------------------------

job_specs = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=600),  # created this long before the wait
        st.floats(min_value=1, max_value=6 * HOUR),  # ends this long after the wait began
        st.sampled_from(["COMPLETED", "COMPLETED", "FAILED", "STOPPED"]),
    ),
    min_size=1,
    max_size=24,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=job_specs, seed=st.integers(0, 2**32 - 1), lag=st.sampled_from([0.0, 0.0, 5.0, 90.0]))
def test_each_job_once_with_its_true_end_no_later_than_a_single_waiter(
    specs: list[tuple[float, float, str]], seed: int, lag: float
) -> None:
    jobs = [
        Job(f"job-{i}", -created, max(ends, 1.0), outcome)
        for i, (created, ends, outcome) in enumerate(specs)
    ]
    world = World(jobs, list_lag=lag)
    found = found_at(world, [job.name for job in jobs], timeout=math.inf, rng=random.Random(seed))
    assert set(found) == {job.name for job in jobs}
    for job in jobs:
        at, status = found[job.name]
        assert status == job.outcome
        assert at >= job.ends
        # A single waiter on the same schedule sees the end at its first poll at or after
        # it: so does the sweep. With list results ``lag`` seconds old, no later than the
        # first poll after end + lag.
        polls = schedule(seed, job.ends + lag)
        if lag:
            assert at <= min(p for p in polls if p >= job.ends + lag)
        else:
            assert at == min(p for p in polls if p >= job.ends)


@settings(max_examples=60, deadline=None)
@given(
    specs=job_specs,
    timeout=st.floats(min_value=0, max_value=4 * HOUR),
    seed=st.integers(0, 2**32 - 1),
)
def test_never_sleeps_past_the_deadline_and_keeps_what_ended(
    specs: list[tuple[float, float, str]], timeout: float, seed: int
) -> None:
    jobs = [Job(f"job-{i}", -c, e, o) for i, (c, e, o) in enumerate(specs)]
    world = World(jobs)
    names = [job.name for job in jobs]
    seen: list[str] = []
    timed_out: WaitTimeoutError | None = None
    try:
        for job in world.as_completed(names, timeout=timeout, rng=random.Random(seed)):
            seen.append(job.optimization_job_name)
    except WaitTimeoutError as error:
        timed_out = error
    assert sum(world.sleeps) <= timeout + 1e-6
    if timed_out is None:
        assert sorted(seen) == sorted(names)
    else:
        assert list(timed_out.names) == [name for name in names if name not in seen]
        assert set(timed_out.ended) == set(seen)
        assert all(world.jobs[name].ends > world.now for name in timed_out.names)
        assert timed_out.timeout == timeout
    assert all(30.0 - 1e-6 <= pause <= 120.0 + 1e-6 for pause in world.sleeps)


def fault_plan(data: st.DataObject) -> Any:
    kinds = {
        "throttle": lambda: ThrottlingError("Rate exceeded", code="ThrottlingException"),
        "5xx": lambda: ServiceError(
            "We encountered an internal error", code="InternalFailure", http_status=500
        ),
        "garbled": lambda: InvalidResponseError("unreadable answer", operation="x"),
    }
    hits = data.draw(
        st.dictionaries(
            st.tuples(st.sampled_from(["List", "Describe"]), st.integers(0, 60)),
            st.sampled_from(sorted(kinds)),
            max_size=25,
        )
    )
    return lambda operation, index: (
        kinds[hits[(operation, index)]]() if (operation, index) in hits else None
    )


@settings(max_examples=60, deadline=None)
@given(specs=job_specs, data=st.data())
def test_transient_faults_are_ridden_out(
    specs: list[tuple[float, float, str]], data: st.DataObject
) -> None:
    jobs = [Job(f"job-{i}", -c, e, o) for i, (c, e, o) in enumerate(specs)]
    world = World(jobs, fault=fault_plan(data))
    found = found_at(world, [job.name for job in jobs], timeout=math.inf)
    assert {name: status for name, (_, status) in found.items()} == {
        job.name: job.outcome for job in jobs
    }


def test_a_throttled_round_stops_at_once_and_no_job_starves() -> None:
    jobs = [Job(f"t-{i}", -10.0 - 5 * i, 3000.0 + 700 * i) for i in range(3)]

    def throttle_every_second_describe(operation: str, index: int) -> BaseException | None:
        if operation == "Describe" and index % 2 == 1:
            return ThrottlingError("Rate exceeded", code="ThrottlingException")
        return None

    world = World(jobs, fault=throttle_every_second_describe)
    found = found_at(world, [job.name for job in jobs], timeout=3 * HOUR, rng=random.Random(5))
    describes = 0
    for calls in rounds(world):
        for position, (_, operation, _) in enumerate(calls):
            if operation == "Describe":
                describes += 1
                if describes % 2 == 0:  # throttled: the last call of its round
                    assert position == len(calls) - 1
    # Every end is still seen within a few rounds: the least recently heard of go first.
    times = schedule(5, 3 * HOUR)
    for job in jobs:
        assert found[job.name][0] <= [t for t in times if t >= job.ends][2]


# -- every other way it ends --------------------------------------------------------------


def test_a_name_that_never_appears_is_job_not_found_after_the_grace() -> None:
    world = World(sweep_jobs(5))
    with pytest.raises(JobNotFoundError) as raised:
        wait_many(world, ["sweep-0000", "never-created", "sweep-0001"])
    assert "'never-created' did not appear within 60s" in str(raised.value)
    assert world.now == pytest.approx(60.0)


def test_a_job_that_appears_within_the_grace_is_waited_for() -> None:
    jobs = [*sweep_jobs(4), Job("late", 40.0, 2000.0)]
    world = World(jobs)
    result = wait_many(world, [job.name for job in jobs])
    assert result["late"].optimization_job_status == "COMPLETED"


def test_a_job_deleted_while_waited_for_is_job_not_found() -> None:
    jobs = sweep_jobs(6)
    world = World(jobs)
    iterator = world.as_completed([job.name for job in jobs])
    next(iterator)
    victim = next(name for name in world.jobs if world.jobs[name].ends > world.now)
    del world.jobs[victim]
    with pytest.raises(JobNotFoundError, match="disappeared while being waited for"):
        list(iterator)


def test_a_refused_call_is_raised_at_once() -> None:
    def denied(operation: str, index: int) -> BaseException | None:
        return ServiceError("not authorized", code="AccessDeniedException", http_status=400)

    world = World(sweep_jobs(6), fault=denied)
    with pytest.raises(ServiceError, match="not authorized"):
        wait_many(world, list(world.jobs))
    assert len(world.calls) == 1


def test_nothing_ever_answered_is_the_last_error_not_a_timeout() -> None:
    def down(operation: str, index: int) -> BaseException | None:
        return ThrottlingError("Rate exceeded", code="ThrottlingException")

    world = World(sweep_jobs(6), fault=down)
    with pytest.raises(ThrottlingError, match="without a single description") as raised:
        wait_many(world, list(world.jobs), timeout=600)
    assert "6 optimization jobs" in str(raised.value)
    assert not isinstance(raised.value, WaitTimeoutError)


def test_timeout_none_is_bounded_by_the_jobs_own_limits() -> None:
    # describe-completed.json: MaxRuntime 7200 + MaxPending 7200; margin 900.
    world = World([Job(f"stuck-{i}", -5.0, math.inf) for i in range(5)])
    with pytest.raises(WaitTimeoutError) as raised:
        wait_many(world, list(world.jobs))
    # Seen in list summaries only, a job is assumed to have the service's default limit
    # (a day); described when that has passed, its own (shorter) limits end the wait.
    assert 86400 <= world.now <= 86400 + 900 + 120
    assert list(raised.value.names) == list(world.jobs)
    assert raised.value.timeout is None


def test_on_update_gets_each_status_change_once_and_logs_say_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    jobs = sweep_jobs(6)
    world = World(jobs)
    updates: list[tuple[str, str]] = []
    with caplog.at_level(logging.INFO, logger="optjob_sdk"):
        wait_many(
            world,
            [job.name for job in jobs],
            on_update=lambda seen: updates.append(
                (seen.optimization_job_name, str(seen.optimization_job_status))
            ),
        )
    for job in jobs:
        statuses = [status for name, status in updates if name == job.name]
        assert statuses[-1] == job.outcome
        assert all(a != b for a, b in itertools.pairwise(statuses))
        assert any(
            job.name in record.getMessage() and job.outcome in record.getMessage()
            for record in caplog.records
        )


def test_a_repeated_next_token_falls_back_to_describing() -> None:
    jobs = sweep_jobs(150)
    world = World(jobs)
    original = world.list_page

    def stuck(params: dict[str, Any]) -> Any:
        page = original(dict(params, NextToken=None))
        return page.__class__(
            optimization_job_summaries=page.optimization_job_summaries, next_token="same"
        )

    world.list_page = stuck  # type: ignore[method-assign]
    result = wait_many(world, [job.name for job in jobs])
    assert len(result) == 150


def test_a_job_deleted_and_created_again_is_followed_loudly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    jobs = sweep_jobs(6)
    world = World(jobs)
    iterator = world.as_completed([job.name for job in jobs], timeout=math.inf)
    first = next(iterator)
    # Another writer deletes a running job and creates one under its name, ending later.
    victim = next(job for job in jobs if job.ends > world.now + 600)
    again = Job(victim.name, world.now + 1, world.now + 7200, "FAILED", "second try failed")
    world.jobs[victim.name] = again
    with caplog.at_level(logging.WARNING, logger="optjob_sdk"):
        rest = {job.optimization_job_name: job for job in iterator}
    final = rest[victim.name]
    assert final.failure_reason == "second try failed"
    assert final.creation_time > first.creation_time
    assert any("re-created" in record.getMessage() for record in caplog.records)


def test_the_deadline_chains_the_last_rounds_error() -> None:
    def throttled_after_a_while(operation: str, index: int) -> BaseException | None:
        if index >= 3:
            return ThrottlingError("Rate exceeded", code="ThrottlingException")
        return None

    world = World(sweep_jobs(2), fault=throttled_after_a_while)
    with pytest.raises(WaitTimeoutError) as raised:
        wait_many(world, list(world.jobs), timeout=600)
    assert isinstance(raised.value.__cause__, ThrottlingError)
    quiet = World(sweep_jobs(2))
    with pytest.raises(WaitTimeoutError) as raised:
        wait_many(quiet, list(quiet.jobs), timeout=600)
    assert raised.value.__cause__ is None
