"""The async loops of the waits: the same waits as :mod:`optjob_sdk.waiting` (the
:class:`~optjob_sdk._waits.Waiter`, the sweep of ``_many``, the schedule), driven with
``await``. Nothing here decides anything; it calls, sleeps and hands results on.

``sleep`` is an async callable (``asyncio.sleep`` by default); ``clock`` a plain one. With
the emulator, ``sleep=service.advance_async, clock=service.monotonic`` makes hours pass in
milliseconds.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import tenacity

from optjob_sdk import _many
from optjob_sdk._waits import Waiter, ticks
from optjob_sdk.errors import JobNotFoundError
from optjob_sdk.models import DescribeOptimizationJobResponse, ListOptimizationJobsResponse

__all__ = ["AsyncSleep", "drive", "wait_for_job"]

AsyncSleep = Callable[[float], Awaitable[Any]]
"""An async ``sleep(seconds)``, such as :func:`asyncio.sleep`."""

_Describe = Callable[[str], Awaitable[DescribeOptimizationJobResponse]]
_ListPage = Callable[[dict[str, Any]], Awaitable[ListOptimizationJobsResponse]]


async def _real_sleep(seconds: float) -> None:
    # Looked up at call time, so that tests (and the docs' runner) can replace it. In slices
    # of at most a day, as the sync loop's.
    while seconds > 0:
        step = min(seconds, 86400.0)
        await asyncio.sleep(step)
        seconds -= step


def _checked(sleep: AsyncSleep) -> AsyncSleep:
    """``sleep``, refusing at its first use one that is not async (``time.sleep`` would
    block the event loop, and every other task on it, for the whole pause)."""

    async def checked(seconds: float) -> None:
        pause = sleep(seconds)
        if not inspect.isawaitable(pause):
            raise TypeError(
                f"sleep= must be an async callable (such as asyncio.sleep), but {sleep!r} "
                f"returned {type(pause).__name__}: a plain sleep would block the event loop"
            )
        await pause

    return checked


async def wait_for_job(
    describe: _Describe, waiter: Waiter, sleep: AsyncSleep | None
) -> DescribeOptimizationJobResponse:
    """Poll ``describe(name)`` on ``waiter``'s schedule until the job ends; the async twin
    of :func:`optjob_sdk.waiting.wait_for_job` (same results and errors)."""

    async def ticking(seconds: float) -> None:
        # Real time with a live display: keep its clocks moving between polls.
        for step in ticks(seconds):
            await _real_sleep(step)
            waiter.show()

    if sleep is None:
        sleep = ticking if waiter.display.live else _real_sleep

    async def poll() -> DescribeOptimizationJobResponse:
        asked_at = waiter.clock()
        try:
            job = await describe(waiter.name)
        except JobNotFoundError as error:
            raise waiter.not_found(error, asked_at) from error
        return waiter.observe(job)

    retrying = tenacity.AsyncRetrying(sleep=_checked(sleep), **waiter.options())
    try:
        job: DescribeOptimizationJobResponse = await retrying(poll)
    except tenacity.RetryError as error:
        raise waiter.gave_up(error)  # noqa: B904 (its __cause__ is set: the last poll's error)
    finally:
        waiter.display.close()
    return waiter.finish(job)


async def drive(
    steps: _many.Steps | None,
    describe: _Describe,
    list_page: _ListPage,
    sleep: AsyncSleep | None,
) -> AsyncGenerator[DescribeOptimizationJobResponse, None]:
    """Do what the sweep says, awaiting each call and pause; yield each end as it is found.
    Closing the iterator (``break``, ``aclose()``, a cancelled task) ends the sweep and its
    display."""
    if steps is None:
        return
    pause = _checked(sleep) if sleep is not None else _real_sleep
    try:
        step = next(steps)
        while True:
            if isinstance(step, _many.Found):
                yield step.job
                step = next(steps)
                continue
            try:
                if isinstance(step, _many.Pause):
                    answer: object = await pause(step.seconds)
                elif isinstance(step, _many.DescribeCall):
                    answer = await describe(step.name)
                else:
                    answer = await list_page(step.params)
            except Exception as error:
                step = steps.throw(error)
            else:
                step = steps.send(answer)
    except StopIteration:
        return
    finally:
        steps.close()
