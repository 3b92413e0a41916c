"""What the async client costs over raw aiobotocore, measured in one run.

    python benchmarks/aio_bench.py [--rounds 300] [--repeats 9] [--jobs 10000]

Needs the aio extra. On the same in-process endpoint as ``client_bench.py`` (a ``before-send``
handler answering from memory, so both go through aiobotocore's real serializer and parser):

- list: the ListOptimizationJobs requests ``async for`` over ``client.list()`` makes to go
  through 10,000 jobs (ideal: 100), and the time it takes against raw aiobotocore pages;
- describe: ``await client.describe`` against a raw ``await describe_optimization_job``.

Repetitions are interleaved; the figures are median per-call times and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiobotocore.awsrequest import AioAWSResponse  # type: ignore[import-untyped]
from aiobotocore.session import get_session  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from client_bench import NAME, FakeEndpoint

from optjob_sdk import AsyncOptimizationJobClient


class _AsyncRaw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self) -> bytes:
        return self._data


class AsyncEndpoint:
    """client_bench's FakeEndpoint, answering aiobotocore (whose responses read async)."""

    def __init__(self, jobs: int) -> None:
        self.sync = FakeEndpoint(jobs)

    def __call__(self, request: Any, **_: Any) -> Any:
        answer = self.sync(request)
        return AioAWSResponse(
            answer.url, answer.status_code, answer.headers, _AsyncRaw(b"".join(answer.raw.stream()))
        )


async def timed(fn: Callable[[], Awaitable[Any]], rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        await fn()
    return (time.perf_counter() - start) / rounds


async def compare(
    label: str,
    raw: Callable[[], Awaitable[Any]],
    sdk: Callable[[], Awaitable[Any]],
    rounds: int,
    repeats: int,
) -> None:
    raw_times: list[float] = []
    sdk_times: list[float] = []
    for repeat in range(repeats):
        # Alternate which goes first, so neither always benefits from a warm cache.
        pair = [(raw_times, raw), (sdk_times, sdk)]
        if repeat % 2:
            pair.reverse()
        for times, fn in pair:
            times.append(await timed(fn, rounds))
    raw_median = statistics.median(raw_times)
    sdk_median = statistics.median(sdk_times)
    print(f"{label}, aiobotocore raw: {raw_median * 1e6:10.1f} us (median of {repeats})")
    print(f"{label}, optjob async:    {sdk_median * 1e6:10.1f} us (median of {repeats})")
    print(f"{label}, ratio async client/raw: {sdk_median / raw_median:.2f}")


async def main(rounds: int, repeats: int, jobs: int) -> None:
    endpoint = AsyncEndpoint(jobs)
    session = get_session()
    config = Config(retries={"total_max_attempts": 1})
    async with session.create_client(
        "sagemaker",
        region_name="us-west-2",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=config,
    ) as raw:
        raw.meta.events.register("before-send.sagemaker", endpoint)
        client = AsyncOptimizationJobClient(raw)

        count = len([summary async for summary in client.list()])
        calls = endpoint.sync.calls.get("ListOptimizationJobs", 0)
        print(f"list: {count} jobs in {calls} ListOptimizationJobs calls (ideal {-(-jobs // 100)})")

        async def raw_listing() -> None:
            token: str | None = None
            while True:
                page = await raw.list_optimization_jobs(
                    MaxResults=100, **({"NextToken": token} if token else {})
                )
                token = page.get("NextToken")
                if not token:
                    return

        async def sdk_listing() -> None:
            async for _ in client.list():
                pass

        await compare(f"list {jobs}", raw_listing, sdk_listing, 1, max(3, repeats // 3))

        async def raw_describe() -> None:
            await raw.describe_optimization_job(OptimizationJobName=NAME)

        async def sdk_describe() -> None:
            await client.describe(NAME)

        for _ in range(50):  # warm botocore's caches and the SDK's structure hooks
            await raw_describe()
            await sdk_describe()
        await compare("describe", raw_describe, sdk_describe, rounds, repeats)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300, help="calls per timed repetition")
    parser.add_argument("--repeats", type=int, default=9, help="interleaved repetitions")
    parser.add_argument("--jobs", type=int, default=10_000, help="jobs to list")
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.repeats, args.jobs))
