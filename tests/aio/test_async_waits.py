"""The async waits: many at once on one event loop, none blocking another; cancellation that
leaves nothing behind (no task, no open aiohttp session, no open display); the same errors
as the sync waits, through the async paths; ``sleep=`` must be async.

Every wait sleeps on the emulator's virtual clock: nothing here is timed.
"""

from __future__ import annotations

import asyncio
import functools
import random
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aio_support import *  # noqa: F403 (its fixtures: client, service, url, leaks...)
from aio_support import (
    DESCRIBE,
    LIST,
    FakeTTY,
    Leaks,
    Parked,
    Rounds,
    SessionLog,
    before_call,
    create_jobs,
    other_tasks,
    settle,
    virtual_sleep,
)

from optjob_sdk import (
    AsyncOptimizationJobClient,
    DescribeOptimizationJobResponse,
    JobFailedError,
    JobNotFoundError,
    JobStatus,
    JobStoppedError,
    ValidationError,
    WaitTimeoutError,
)
from optjob_sdk._schedule import DEFAULT_MAX_POLL_INTERVAL, NOT_FOUND_GRACE
from optjob_sdk.testing import Durations, FakeOptimizationService

NAME = "llama3-8b-awq-2026-11-24"

#: A guard against a hang (a round that never ends), not a measure of anything.
HANG_GUARD = 120.0


def status(job: DescribeOptimizationJobResponse) -> str:
    return str(job.optimization_job_status)


def rounds_of(log: list[tuple[str, str, float]]) -> list[tuple[list[str], list[str]]]:
    """The log cut into rounds: (the tasks that paused, the tasks that resumed)."""
    found: list[tuple[list[str], list[str]]] = []
    for kind, name, _ in log:
        if kind == "pause":
            if not found or found[-1][1]:
                found.append(([], []))
            found[-1][0].append(name)
        else:
            found[-1][1].append(name)
    return found


# -- many waits on one loop -------------------------------------------------------------------


async def test_twenty_waits_on_one_loop_poll_side_by_side(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    names = [f"job-{i:02d}" for i in range(20)]
    for i, name in enumerate(names):  # each its own run: the waits end in different rounds
        service.set_outcome(name, "COMPLETED", durations=Durations(in_progress=600 + 90 * i))
    create_jobs(service, names)
    rounds = Rounds(service, running=len(names))
    start = service.monotonic()

    async def wait(name: str) -> DescribeOptimizationJobResponse:
        try:
            return await client.wait(
                name, sleep=rounds.sleep, clock=service.monotonic, rng=random.Random(0)
            )
        finally:
            rounds.finished()

    tasks = [asyncio.create_task(wait(name), name=name) for name in names]
    results = await asyncio.wait_for(asyncio.gather(*tasks), HANG_GUARD)

    assert [job.optimization_job_name for job in results] == names
    assert {status(job) for job in results} == {"COMPLETED"}
    cut = rounds_of(rounds.log)
    # Every wait polled and was paused before any of them went on: all twenty at once.
    assert sorted(cut[0][0]) == names
    for paused, resumed in cut:
        assert sorted(paused) == sorted(resumed)  # each round: every running wait, once
    running = [len(paused) for paused, _ in cut]
    assert running == sorted(running, reverse=True)
    assert running[-1] < len(names)  # and they did end at different rounds
    # One clock for all: the virtual time spent is one wait's, not twenty waits' in a row.
    assert service.monotonic() - start == pytest.approx(sum(rounds.steps))
    # (Run one after another, they would take over 30,000 s: the sum of the jobs' runs.)
    assert sum(rounds.steps) <= 60 + 600 + 90 * 19 + DEFAULT_MAX_POLL_INTERVAL
    # One Describe per wait per round, plus each wait's first poll.
    assert service.calls(DESCRIBE) == sum(running) + len(names)


async def test_wait_many_and_as_completed_groups_on_one_loop(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    groups = [[f"g{g}-job-{i}" for i in range(4)] for g in range(5)]
    planned: dict[str, str] = {}
    for g, group in enumerate(groups):
        for i, name in enumerate(group):
            outcome = "FAILED" if (g + i) % 5 == 1 else "STOPPED" if (g + i) % 7 == 3 else None
            outcome = outcome or "COMPLETED"
            service.set_outcome(name, outcome, durations=Durations(in_progress=900 + 300 * i + g))
            planned[name] = outcome
    create_jobs(service, planned)
    rounds = Rounds(service, running=len(groups))
    options: dict[str, Any] = {"sleep": rounds.sleep, "clock": service.monotonic}

    async def many(group: list[str]) -> dict[str, str]:
        try:
            ended = await client.wait_many(group, **options)
            return {name: status(job) for name, job in ended.items()}
        finally:
            rounds.finished()

    async def streamed(group: list[str]) -> dict[str, str]:
        try:
            return {
                job.optimization_job_name: status(job)
                async for job in client.as_completed(group, **options)
            }
        finally:
            rounds.finished()

    tasks = [
        asyncio.create_task(many(groups[0]), name="many-0"),
        asyncio.create_task(many(groups[1]), name="many-1"),
        asyncio.create_task(many(groups[2]), name="many-2"),
        asyncio.create_task(streamed(groups[3]), name="stream-3"),
        asyncio.create_task(streamed(groups[4]), name="stream-4"),
    ]
    results = await asyncio.wait_for(asyncio.gather(*tasks), HANG_GUARD)

    for group, result in zip(groups, results, strict=True):
        assert result == {name: planned[name] for name in group}
    for group, result in zip(groups[:3], results[:3], strict=True):
        assert list(result) == group  # wait_many: in the order given
    cut = rounds_of(rounds.log)
    assert sorted(cut[0][0]) == sorted(task.get_name() for task in tasks)
    for paused, resumed in cut:
        assert sorted(paused) == sorted(resumed)
    # A sweep costs a few calls a round, not one Describe per job per round.
    assert service.calls(DESCRIBE) <= len(planned) + 2 * len(cut) * len(groups)


async def test_a_wait_yields_to_the_loop_between_polls(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    # A task that only counts: it runs while the wait pauses, and the wait sees it did.
    create_jobs(service, [NAME])
    ticks: list[int] = []
    seen_at_pauses: list[int] = []
    sleep = virtual_sleep(service)

    async def counting() -> None:
        while True:
            ticks.append(1)
            await asyncio.sleep(0)

    async def pause(seconds: float) -> None:
        seen_at_pauses.append(len(ticks))
        await sleep(seconds)

    counter = asyncio.create_task(counting())
    try:
        job = await client.wait(NAME, sleep=pause, clock=service.monotonic)
    finally:
        counter.cancel()
    assert status(job) == "COMPLETED"
    assert len(seen_at_pauses) >= 3
    assert seen_at_pauses == sorted(seen_at_pauses)
    assert seen_at_pauses[-1] > seen_at_pauses[0]  # the counter ran during the wait


# -- sleep= must be async -----------------------------------------------------------------------


def _run(client: AsyncOptimizationJobClient, how: str, **options: Any) -> Awaitable[object]:
    if how == "wait":
        return client.wait(NAME, **options)
    if how == "wait_many":
        return client.wait_many([NAME], **options)

    async def drain() -> list[DescribeOptimizationJobResponse]:
        return [job async for job in client.as_completed([NAME], **options)]

    return drain()


class _Recorder:
    """Plain sleeps of every kind, each recording its calls."""

    def __init__(self) -> None:
        self.called: list[float] = []

    def method(self, seconds: float) -> None:
        self.called.append(seconds)

    def __call__(self, seconds: float) -> None:
        self.called.append(seconds)


@pytest.mark.parametrize("how", ["wait", "wait_many", "as_completed"])
@pytest.mark.parametrize("kind", ["def", "method", "builtin"])
async def test_a_plain_sleep_is_refused_at_the_call(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    how: str,
    kind: str,
) -> None:
    create_jobs(service, [NAME])
    recorder = _Recorder()

    def plain_sleep(seconds: float) -> None:  # what time.sleep would be, without the wait
        recorder.called.append(seconds)

    sleep: Any = {"def": plain_sleep, "method": recorder.method, "builtin": time.sleep}[kind]
    if how == "as_completed":
        with pytest.raises(ValidationError) as caught:
            client.as_completed([NAME], sleep=sleep, clock=service.monotonic)  # not iterated
    else:
        with pytest.raises(ValidationError) as caught:
            await _run(client, how, sleep=sleep, clock=service.monotonic)
    problems = {error.path: error.message for error in caught.value.errors}
    assert "must be an async callable" in problems["sleep"]
    assert recorder.called == []
    assert service.calls(DESCRIBE) + service.calls(LIST) == 0


@pytest.mark.parametrize("how", ["wait", "wait_many", "as_completed"])
@pytest.mark.parametrize("kind", ["lambda", "partial", "object"])
async def test_a_sleep_that_returns_no_awaitable_is_refused_at_its_first_pause(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    how: str,
    kind: str,
) -> None:
    # A lambda, a partial or a callable object may return a coroutine: known only when
    # called.
    create_jobs(service, [NAME])
    recorder = _Recorder()
    sleep = {
        "lambda": lambda seconds: recorder.method(seconds),  # noqa: PLW0108
        "partial": functools.partial(recorder.method),
        "object": recorder,
    }[kind]
    with pytest.raises(TypeError) as caught:
        await _run(client, how, sleep=sleep, clock=service.monotonic)
    assert "must be an async callable" in str(caught.value)
    assert "event loop" in str(caught.value)
    assert len(recorder.called) == 1  # refused at its first use, before a second poll
    assert service.calls(DESCRIBE) + service.calls(LIST) <= 2


async def test_an_async_callable_object_is_accepted(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    # Not a coroutine function, but it returns awaitables: it is an async sleep.
    create_jobs(service, [NAME])
    sleep = virtual_sleep(service)

    class Sleeper:
        def __call__(self, seconds: float) -> Awaitable[None]:
            return sleep(seconds)

    job = await client.wait(NAME, sleep=Sleeper(), clock=service.monotonic)
    assert status(job) == "COMPLETED"


# -- cancellation --------------------------------------------------------------------------------


def terminal(monkeypatch: pytest.MonkeyPatch) -> FakeTTY:
    """stderr as a terminal, where the waits' live displays draw. Called in the test's
    body: pytest's own capture replaces sys.stderr between a fixture's setup and the test."""
    stream = FakeTTY()
    monkeypatch.setattr(sys, "stderr", stream)
    return stream


async def _cancel_while_parked(
    start: Callable[[Parked], Awaitable[object]], parked: Parked
) -> None:
    task = asyncio.ensure_future(start(parked))
    await asyncio.wait_for(parked.pausing.wait(), HANG_GUARD)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()


async def _assert_nothing_goes_on(service: FakeOptimizationService, leaks: Leaks) -> None:
    await settle()
    assert other_tasks() == set()
    calls = service.calls()
    service.advance(7200)  # the jobs end; nobody polls any more
    await settle()
    assert service.calls() == calls
    assert leaks.collect() == []


async def test_cancelling_a_wait_in_its_pause(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    monkeypatch: pytest.MonkeyPatch,
    leaks: Leaks,
) -> None:
    shown = terminal(monkeypatch)
    create_jobs(service, [NAME])
    parked = Parked()
    await _cancel_while_parked(
        lambda p: client.wait(NAME, sleep=p.sleep, clock=service.monotonic, progress=True), parked
    )
    assert len(parked.pauses) == 1
    await _assert_nothing_goes_on(service, leaks)
    # The display was closed: its line ended, what it showed kept.
    assert shown.getvalue().endswith("\n")
    assert NAME in shown.lines()[-2]
    assert "STARTING" in shown.lines()[-2]
    assert (await client.describe(NAME)).optimization_job_name == NAME  # the client works on


@pytest.mark.parametrize("how", ["wait_many", "as_completed"])
async def test_cancelling_a_sweep_in_its_pause(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    monkeypatch: pytest.MonkeyPatch,
    leaks: Leaks,
    how: str,
) -> None:
    shown = terminal(monkeypatch)
    names = create_jobs(service, [f"job-{i}" for i in range(3)])
    parked = Parked()

    async def start(p: Parked) -> object:
        options: dict[str, Any] = {"sleep": p.sleep, "clock": service.monotonic, "progress": True}
        if how == "wait_many":
            return await client.wait_many(names, **options)
        return [job async for job in client.as_completed(names, **options)]

    await _cancel_while_parked(start, parked)
    await _assert_nothing_goes_on(service, leaks)
    # The display was closed: its final summary drawn, the line ended.
    assert shown.getvalue().endswith("\n")
    assert shown.lines()[-2].startswith("0/3 ended; 3 still running")


async def test_cancelling_a_wait_during_its_call(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    monkeypatch: pytest.MonkeyPatch,
    leaks: Leaks,
) -> None:
    shown = terminal(monkeypatch)
    create_jobs(service, [NAME])
    in_flight = asyncio.Event()
    polls: list[int] = []

    async def hold_the_second_poll(**_: Any) -> None:
        polls.append(1)
        if len(polls) == 2:
            in_flight.set()
            await asyncio.Event().wait()  # the call hangs until cancelled

    sm = client.sagemaker_client
    undo = before_call(sm, DESCRIBE, hold_the_second_poll)
    task = asyncio.ensure_future(
        client.wait(NAME, sleep=virtual_sleep(service), clock=service.monotonic, progress=True)
    )
    await asyncio.wait_for(in_flight.wait(), HANG_GUARD)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    undo()
    await _assert_nothing_goes_on(service, leaks)
    assert shown.getvalue().endswith("\n")
    assert (await client.describe(NAME)).optimization_job_status == JobStatus.COMPLETED


async def test_cancelling_a_wait_inside_async_with_closes_the_client(
    url: str,
    aws_nowhere: None,
    service: FakeOptimizationService,
    sessions: SessionLog,
    leaks: Leaks,
) -> None:
    create_jobs(service, [NAME])
    parked = Parked()

    async def start(p: Parked) -> object:
        async with AsyncOptimizationJobClient(endpoint_url=url) as own:
            return await own.wait(NAME, sleep=p.sleep, clock=service.monotonic)

    await _cancel_while_parked(start, parked)
    assert sessions.made
    assert sessions.open() == []
    await _assert_nothing_goes_on(service, leaks)


async def test_an_as_completed_left_early_closes_with_aclosing(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    monkeypatch: pytest.MonkeyPatch,
    leaks: Leaks,
) -> None:
    from contextlib import aclosing

    shown = terminal(monkeypatch)
    names = create_jobs(service, ["fast", "slow"])
    service.set_outcome("slow", "COMPLETED", durations=Durations(in_progress=5000))
    service.set_outcome("fast", "COMPLETED", durations=Durations(in_progress=300))
    first: list[str] = []
    stream = client.as_completed(
        names, sleep=virtual_sleep(service), clock=service.monotonic, progress=True
    )
    async with aclosing(stream):  # type: ignore[type-var]
        async for job in stream:
            first.append(job.optimization_job_name)
            break
    assert first == ["fast"]
    calls = service.calls()
    await _assert_nothing_goes_on(service, leaks)
    assert service.calls() == calls
    assert shown.lines()[-2].startswith("1/2 ended: 1 COMPLETED; 1 still running")


# -- the same errors and results as the sync waits ----------------------------------------------


async def test_a_wait_reports_each_status_change_and_returns_the_last_description(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    create_jobs(service, [NAME])
    seen: list[str] = []
    job = await client.wait(
        NAME,
        on_update=lambda job: seen.append(status(job)),
        sleep=virtual_sleep(service),
        clock=service.monotonic,
    )
    assert seen == ["STARTING", "INPROGRESS", "COMPLETED"]
    assert job.optimization_job_status == JobStatus.COMPLETED
    assert job.optimization_job_name == NAME


async def test_a_failed_job_raises_job_failed_error(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    service.set_outcome(NAME, "FAILED", reason="ClientError: CUDA out of memory")
    create_jobs(service, [NAME])
    with pytest.raises(JobFailedError) as caught:
        await client.wait(NAME, sleep=virtual_sleep(service), clock=service.monotonic)
    assert caught.value.failure_reason == "ClientError: CUDA out of memory"
    assert caught.value.job.optimization_job_status == JobStatus.FAILED


async def test_a_job_stopped_while_waited_for_raises_job_stopped_error(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    create_jobs(service, [NAME])
    sleep = virtual_sleep(service)
    stopped: list[str] = []

    async def stop_then_sleep(seconds: float) -> None:
        if not stopped:
            await client.stop(NAME)  # from inside the loop, while the wait pauses
            stopped.append(NAME)
        await sleep(seconds)

    with pytest.raises(JobStoppedError) as caught:
        await client.wait(NAME, sleep=stop_then_sleep, clock=service.monotonic)
    assert caught.value.job.optimization_job_status == JobStatus.STOPPED


async def test_a_wait_past_its_timeout_raises_wait_timeout_error(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    create_jobs(service, [NAME])
    start = service.monotonic()
    with pytest.raises(WaitTimeoutError) as caught:
        await client.wait(NAME, timeout=600, sleep=virtual_sleep(service), clock=service.monotonic)
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert error.last_job is not None
    assert error.last_job.optimization_job_status == JobStatus.INPROGRESS
    assert error.timeout == 600
    assert service.monotonic() - start <= 600


async def test_a_sweep_past_its_timeout_names_the_jobs_still_running(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    service.set_outcome("quick", "COMPLETED", durations=Durations(in_progress=300))
    service.set_outcome("long", "COMPLETED", durations=Durations(in_progress=9000))
    service.set_outcome("longer", "COMPLETED", durations=Durations(in_progress=9500))
    names = create_jobs(service, ["long", "quick", "longer"])
    with pytest.raises(WaitTimeoutError) as caught:
        await client.wait_many(
            names, timeout=3600, sleep=virtual_sleep(service), clock=service.monotonic
        )
    error = caught.value
    assert error.names == ("long", "longer")
    assert list(error.ended) == ["quick"]
    assert error.ended["quick"].optimization_job_status == JobStatus.COMPLETED


async def test_as_completed_yields_what_ended_then_raises_at_the_deadline(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    service.set_outcome("quick", "COMPLETED", durations=Durations(in_progress=300))
    service.set_outcome("long", "COMPLETED", durations=Durations(in_progress=9000))
    names = create_jobs(service, ["long", "quick"])
    got: list[str] = []

    async def drain() -> None:
        stream = client.as_completed(
            names, timeout=3600, sleep=virtual_sleep(service), clock=service.monotonic
        )
        async for job in stream:
            got.append(job.optimization_job_name)

    with pytest.raises(WaitTimeoutError) as caught:
        await drain()
    assert got == ["quick"]
    assert caught.value.names == ("long",)


async def test_a_job_that_never_appears_is_not_found_after_the_grace(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    start = service.monotonic()
    with pytest.raises(JobNotFoundError) as caught:
        await client.wait("never-created", sleep=virtual_sleep(service), clock=service.monotonic)
    assert "never-created" in str(caught.value)
    assert service.monotonic() - start >= NOT_FOUND_GRACE - 1
    assert service.calls(DESCRIBE) >= 2  # it asked again within the grace


async def test_a_sweep_with_a_name_that_never_appears_is_not_found(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    create_jobs(service, [NAME])
    with pytest.raises(JobNotFoundError) as caught:
        await client.wait_many(
            [NAME, "never-created"], sleep=virtual_sleep(service), clock=service.monotonic
        )
    assert "never-created" in str(caught.value)


async def test_a_job_created_after_the_wait_began_is_found_within_the_grace(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    sleep = virtual_sleep(service)
    pauses: list[float] = []

    async def create_late(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 1:
            create_jobs(service, [NAME])  # eventual consistency: visible after a poll
        await sleep(seconds)

    job = await client.wait(NAME, sleep=create_late, clock=service.monotonic)
    assert job.optimization_job_status == JobStatus.COMPLETED


@pytest.mark.parametrize("kind", ["throttle", "server_error", "unavailable", "drop"])
async def test_a_wait_rides_out_transient_faults(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService, kind: str
) -> None:
    create_jobs(service, [NAME])
    service.inject(DESCRIBE, kind, times=3)
    job = await client.wait(NAME, sleep=virtual_sleep(service), clock=service.monotonic)
    assert job.optimization_job_status == JobStatus.COMPLETED
    assert service.calls(DESCRIBE) >= 4


@pytest.mark.parametrize("kind", ["throttle", "server_error", "unavailable"])
async def test_a_sweep_rides_out_transient_faults(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService, kind: str
) -> None:
    names = create_jobs(service, [f"job-{i}" for i in range(3)])
    service.inject(LIST, kind, times=2)
    service.inject(DESCRIBE, kind, times=2)
    ended = await client.wait_many(names, sleep=virtual_sleep(service), clock=service.monotonic)
    assert {name: status(job) for name, job in ended.items()} == dict.fromkeys(names, "COMPLETED")


async def test_as_completed_with_no_names_yields_nothing_and_sends_nothing(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    assert [job async for job in client.as_completed([])] == []
    assert await client.wait_many([]) == {}
    assert service.calls() == 0


# -- wait arguments: refused at the call, before anything is sent --------------------------------


BAD_ARGUMENTS: list[tuple[dict[str, Any], str]] = [
    ({"poll_interval": 0}, "poll_interval"),
    ({"timeout": -1}, "timeout"),
    ({"poll_interval": 60, "max_poll_interval": 30}, "max_poll_interval"),
    ({"timeout": "600"}, "timeout"),
    ({"progress": "yes"}, "progress"),
    ({"sleep": 5}, "sleep"),
    ({"clock": lambda: 0.0}, "clock"),  # a clock without a sleep would never move
]


@pytest.mark.parametrize(("arguments", "path"), BAD_ARGUMENTS)
async def test_bad_wait_arguments_are_refused_before_any_call(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    arguments: dict[str, Any],
    path: str,
) -> None:
    for wait in (client.wait, client.wait_many):
        target: Any = NAME if wait == client.wait else [NAME]
        with pytest.raises(ValidationError) as caught:
            await wait(target, **arguments)
        assert path in {error.path for error in caught.value.errors}
    with pytest.raises(ValidationError):
        client.as_completed([NAME], **arguments)  # at the call, not at the first step
    assert service.calls() == 0


@pytest.mark.parametrize("names", [["bad name"], [NAME, "x" * 64], "job-1", 7])
async def test_bad_names_for_a_sweep_are_refused_at_the_call(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService, names: Any
) -> None:
    with pytest.raises(ValidationError):
        client.as_completed(names)
    with pytest.raises(ValidationError):
        await client.wait_many(names)
    assert service.calls() == 0


async def test_a_name_given_twice_is_waited_for_once(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    create_jobs(service, [NAME])
    sleep = virtual_sleep(service)
    ended = await client.wait_many([NAME, NAME], sleep=sleep, clock=service.monotonic)
    assert list(ended) == [NAME]
    stream = client.as_completed([NAME, NAME], sleep=sleep, clock=service.monotonic)
    assert [job.optimization_job_name async for job in stream] == [NAME]


async def test_an_as_completed_left_by_break_is_closed_by_the_loop(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    monkeypatch: pytest.MonkeyPatch,
    leaks: Leaks,
) -> None:
    # Without aclosing: the loop finalizes an async generator dropped unfinished.
    shown = terminal(monkeypatch)
    names = create_jobs(service, ["fast", "slow"])
    service.set_outcome("slow", "COMPLETED", durations=Durations(in_progress=5000))
    service.set_outcome("fast", "COMPLETED", durations=Durations(in_progress=300))
    first: list[str] = []
    async for job in client.as_completed(
        names, sleep=virtual_sleep(service), clock=service.monotonic, progress=True
    ):
        first.append(job.optimization_job_name)
        break
    assert first == ["fast"]
    await _assert_nothing_goes_on(service, leaks)
    assert shown.lines()[-2].startswith("1/2 ended: 1 COMPLETED; 1 still running")


def pausing_on_asyncio_sleep(monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """An event set when a pause of a second or more begins on asyncio.sleep (which is
    still the real one, only watched): the wait is then known to sit in its pause."""
    real_sleep = asyncio.sleep
    pausing = asyncio.Event()

    async def watched(delay: float, result: Any = None) -> Any:
        if delay >= 1:
            pausing.set()
        return await real_sleep(delay, result)

    monkeypatch.setattr(asyncio, "sleep", watched)
    return pausing


@pytest.mark.parametrize("progress", [False, None])
async def test_cancelling_a_wait_on_the_real_sleep(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    monkeypatch: pytest.MonkeyPatch,
    leaks: Leaks,
    progress: bool | None,
) -> None:
    # The default sleep (asyncio.sleep; with a live display, one-second steps that redraw
    # it): cancelled during the first pause, whose end is never waited for.
    shown = terminal(monkeypatch)
    create_jobs(service, [NAME])
    pausing = pausing_on_asyncio_sleep(monkeypatch)
    task = asyncio.ensure_future(client.wait(NAME, progress=progress))
    await asyncio.wait_for(pausing.wait(), HANG_GUARD)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await _assert_nothing_goes_on(service, leaks)
    assert service.calls(DESCRIBE) == 1
    if progress is None:  # a terminal: the live display, closed
        assert shown.getvalue().endswith("\n")
        assert "STARTING" in shown.lines()[-2]
    else:
        assert shown.getvalue() == ""


@pytest.mark.parametrize("how", ["wait_many", "as_completed"])
async def test_cancelling_a_sweep_on_the_real_sleep(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    monkeypatch: pytest.MonkeyPatch,
    leaks: Leaks,
    how: str,
) -> None:
    shown = terminal(monkeypatch)
    names = create_jobs(service, ["job-0", "job-1"])
    pausing = pausing_on_asyncio_sleep(monkeypatch)

    async def start() -> object:
        if how == "wait_many":
            return await client.wait_many(names)
        return [job async for job in client.as_completed(names)]

    task = asyncio.ensure_future(start())
    await asyncio.wait_for(pausing.wait(), HANG_GUARD)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await _assert_nothing_goes_on(service, leaks)
    assert shown.getvalue().endswith("\n")
    assert shown.lines()[-2].startswith("0/2 ended; 2 still running")


async def test_a_clock_without_a_sleep_points_at_the_async_sleep(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.wait(NAME, clock=service.monotonic)
    (problem,) = caught.value.errors
    assert problem.path == "clock"
    assert "sleep=asyncio.sleep" in problem.message
    assert "time.sleep" not in problem.message
