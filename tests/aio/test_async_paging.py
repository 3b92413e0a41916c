"""``AsyncOptimizationJobClient.list``: the same listing as the sync pager's (items, pages and
calls, for any job count, page size and ``max_items``), ``by_page(token)`` resuming, arguments
checked at the call, a repeated NextToken an error, each page retried by the RetryPolicy, and
a listing cancelled in the middle leaving nothing behind.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime
from typing import Any

import pytest
from aio_support import *  # noqa: F403 (its fixtures: client, service, url, leaks...)
from aio_support import (
    LIST,
    NO_RETRIES,
    Leaks,
    aio_http_client,
    aio_session,
    before_call,
    create_jobs,
    other_tasks,
    settle,
)
from aiobotocore.awsrequest import AioAWSResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optjob_sdk import (
    AsyncOptimizationJobClient,
    ListOptimizationJobsResponse,
    OptimizationJobClient,
    OptimizationJobSummary,
    PaginationError,
    RetryPolicy,
    ThrottlingError,
    UnknownEnumValueWarning,
    ValidationError,
)
from optjob_sdk.errors import ServiceValidationError
from optjob_sdk.testing import FakeOptimizationService

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def names(summaries: Iterable[OptimizationJobSummary]) -> list[str]:
    return [summary.optimization_job_name for summary in summaries]


def page_names(pages: Iterable[ListOptimizationJobsResponse]) -> list[list[str]]:
    return [names(page.optimization_job_summaries) for page in pages]


async def collect_pages(pages: AsyncIterator[ListOptimizationJobsResponse]) -> list[Any]:
    return [page async for page in pages]


# -- the same listing as the sync pager -------------------------------------------------------


def test_async_for_yields_what_the_sync_pager_yields_with_as_many_calls() -> None:
    # One emulator and one server for every example (starting and stopping a server costs
    # half a second); each example lists its own jobs, by a name prefix of its own.
    service = FakeOptimizationService(seed=1)
    sync = OptimizationJobClient(service.client())
    examples = itertools.count()

    def sync_calls(run: Callable[[], object]) -> tuple[Any, int]:
        before = service.calls(LIST)
        result = run()
        return result, service.calls(LIST) - before

    @SETTINGS
    @given(
        total=st.integers(min_value=0, max_value=40),
        page_size=st.integers(min_value=1, max_value=15),
        max_items=st.none() | st.integers(min_value=0, max_value=45),
        sort_order=st.sampled_from([None, "Ascending", "Descending"]),
        resume_at=st.integers(min_value=0, max_value=5),
    )
    def the_same_listing(
        total: int, page_size: int, max_items: int | None, sort_order: str | None, resume_at: int
    ) -> None:
        prefix = f"ex{next(examples):04d}-"
        create_jobs(service, [f"{prefix}{i:03d}" for i in range(total)], spacing=1)
        options: dict[str, Any] = {
            "name_contains": prefix,
            "page_size": page_size,
            "max_items": max_items,
            "sort_order": sort_order,
            "sort_by": "CreationTime" if sort_order else None,
        }
        items, item_calls = sync_calls(lambda: names(sync.list(**options)))
        pages, page_calls = sync_calls(lambda: list(sync.list(**options).by_page()))
        token = pages[min(resume_at, len(pages) - 1)].next_token if pages else None
        resumed, resumed_calls = sync_calls(lambda: list(sync.list(**options).by_page(token)))

        async def the_same_with_the_async_client() -> None:
            async with aio_http_client(endpoint) as sm:
                client = AsyncOptimizationJobClient(sm)
                before = service.calls(LIST)
                got = names([summary async for summary in client.list(**options)])
                assert got == items
                assert service.calls(LIST) - before == item_calls

                before = service.calls(LIST)
                got_pages = await collect_pages(client.list(**options).by_page())
                assert page_names(got_pages) == page_names(pages)
                assert [page.next_token is None for page in got_pages] == [
                    page.next_token is None for page in pages
                ]
                assert service.calls(LIST) - before == page_calls

                # Resuming from a token (the sync pager's: the service made it) gives the
                # same pages as the sync pager's resume.
                before = service.calls(LIST)
                got_resumed = await collect_pages(client.list(**options).by_page(token))
                assert page_names(got_resumed) == page_names(resumed)
                assert service.calls(LIST) - before == resumed_calls

        asyncio.run(the_same_with_the_async_client())
        # The sanity of the comparison: the sync pager's own rules.
        wanted = total if max_items is None else min(total, max_items)
        assert len(items) == wanted
        assert [name for page in page_names(pages) for name in page] == items

    with service.serve() as endpoint:
        the_same_listing()


async def test_by_page_resumes_after_a_page(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    create_jobs(service, [f"job-{i}" for i in range(7)])
    pages = await collect_pages(client.list(page_size=3).by_page())
    assert page_names(pages) == [
        ["job-0", "job-1", "job-2"],
        ["job-3", "job-4", "job-5"],
        ["job-6"],
    ]
    token = pages[0].next_token
    assert token is not None
    again = await collect_pages(client.list(page_size=3).by_page(token))
    assert page_names(again) == page_names(pages[1:])
    # max_items counts from where the resumed listing starts.
    capped = await collect_pages(client.list(page_size=3, max_items=2).by_page(token))
    assert page_names(capped) == [["job-3", "job-4"]]


async def test_the_listing_is_lazy_and_each_iteration_starts_afresh(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    create_jobs(service, ["job-a", "job-b"])
    pager = client.list(page_size=1)
    pages = pager.by_page()
    assert service.calls(LIST) == 0  # nothing sent until iterated
    assert len(await collect_pages(pages)) == 2
    assert [s.optimization_job_name async for s in pager] == ["job-a", "job-b"]
    assert [s.optimization_job_name async for s in pager] == ["job-a", "job-b"]
    assert service.calls(LIST) == 2 + 2 + 2


# -- arguments: checked at the call ------------------------------------------------------------


BAD_LIST_ARGUMENTS: list[tuple[dict[str, Any], str]] = [
    ({"page_size": 0}, "page_size"),
    ({"page_size": 101}, "page_size"),
    ({"max_items": -1}, "max_items"),
    ({"page_size": True}, "page_size"),
    ({"max_items": 1.5}, "max_items"),
    ({"status": 5}, "status"),
    ({"sort_by": 3}, "sort_by"),
    ({"name_contains": "x" * 64}, "name_contains"),
    ({"creation_time_after": "2026-01-01"}, "creation_time_after"),
]


@pytest.mark.parametrize(("arguments", "path"), BAD_LIST_ARGUMENTS)
async def test_bad_list_arguments_are_refused_at_the_call(
    client: AsyncOptimizationJobClient,
    service: FakeOptimizationService,
    arguments: dict[str, Any],
    path: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        client.list(**arguments)  # not awaited, not iterated: at the call
    assert path in {error.path for error in caught.value.errors}
    assert service.calls() == 0


async def test_an_unknown_status_warns_at_the_call_and_is_sent_as_is(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    # Forward compatible, as the sync client: a newer service may know it.
    with pytest.warns(UnknownEnumValueWarning, match="'DONE'"):
        listing = client.list(status="DONE")
    assert service.calls() == 0
    with pytest.raises(ServiceValidationError):
        await collect_pages(listing.by_page())
    assert service.call_log[0][1]["StatusEquals"] == "DONE"


async def test_a_bad_continuation_token_is_refused_at_the_call(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    pager = client.list()
    with pytest.raises(ValidationError) as caught:
        pager.by_page("x" * 8193)
    assert caught.value.errors[0].path == "continuation_token"
    assert service.calls() == 0


async def test_filters_are_sent_as_the_sync_client_sends_them(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    after = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    listing = client.list(
        status="COMPLETED", name_contains="llama", creation_time_after=after, page_size=5
    )
    assert [summary async for summary in listing] == []
    sync = OptimizationJobClient(service.client())
    assert (
        list(
            sync.list(
                status="COMPLETED", name_contains="llama", creation_time_after=after, page_size=5
            )
        )
        == []
    )
    (_, sent_async), (_, sent_sync) = service.call_log
    assert sent_async == sent_sync
    assert sent_async["StatusEquals"] == "COMPLETED"
    assert sent_async["MaxResults"] == 5


# -- the wire: repeated tokens, per-page retries ---------------------------------------------------


Answer = tuple[int, dict[str, Any]]


def summary(index: int) -> dict[str, Any]:
    name = f"job-{index:05d}"
    return {
        "OptimizationJobName": name,
        "OptimizationJobArn": f"arn:aws:sagemaker:us-west-2:111122223333:optimization-job/{name}",
        "CreationTime": 1795996800 + index,
        "OptimizationJobStatus": "COMPLETED",
        "DeploymentInstanceType": "ml.g5.12xlarge",
        "OptimizationTypes": ["Quantization"],
    }


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self) -> bytes:
        return self._data


class AioWire:
    """An aiobotocore client whose sends ``handler(operation, body)`` answers in-process, at
    the wire: aiobotocore's real serializer and parser run; ``requests`` records each."""

    def __init__(self, sm: Any, handler: Callable[[str, dict[str, Any]], Answer]) -> None:
        self.sm = sm
        self.handler = handler
        self.requests: list[tuple[str, dict[str, Any]]] = []
        sm.meta.events.register("before-send.sagemaker", self._send)

    async def _send(self, request: Any, **_: Any) -> AioAWSResponse:
        target = request.headers["X-Amz-Target"]
        operation = (target.decode() if isinstance(target, bytes) else target).split(".")[-1]
        body = json.loads(request.body or b"{}")
        self.requests.append((operation, body))
        status, payload = self.handler(operation, body)
        headers = {
            "x-amzn-RequestId": f"req-{len(self.requests)}",
            "Content-Type": "application/x-amz-json-1.1",
        }
        return AioAWSResponse(request.url, status, headers, _Body(json.dumps(payload).encode()))


def wire_client() -> Any:
    """aiobotocore's client context manager for a client on no network at all (an
    :class:`AioWire` answers), retries off."""
    return aio_session().create_client(
        "sagemaker",
        region_name="us-west-2",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=NO_RETRIES,
    )


@pytest.mark.parametrize("cycle", [1, 2])
async def test_a_repeated_next_token_raises_instead_of_looping(cycle: int) -> None:
    # cycle 1: the service sends back the token it got; cycle 2: A -> B -> A.
    tokens = ["A", "B"][:cycle]
    async with wire_client() as sm:
        wire = AioWire(sm, lambda *_: (200, {}))

        def handler(operation: str, body: dict[str, Any]) -> Answer:
            number = len(wire.requests)
            return 200, {
                "OptimizationJobSummaries": [summary(number)],
                "NextToken": tokens[(number - 1) % cycle],
            }

        wire.handler = handler
        seen: list[str] = []

        async def consume() -> None:
            async for item in AsyncOptimizationJobClient(sm).list():
                seen.append(item.optimization_job_name)

        with pytest.raises(PaginationError):
            await consume()
    assert len(wire.requests) == cycle + 1
    assert len(seen) == len(set(seen)) == cycle + 1


async def test_a_repeated_token_after_max_items_is_not_an_error() -> None:
    async with wire_client() as sm:
        wire = AioWire(
            sm, lambda *_: (200, {"OptimizationJobSummaries": [summary(0)], "NextToken": "A"})
        )
        listing = AsyncOptimizationJobClient(sm).list(max_items=1)
        assert len([item async for item in listing]) == 1
    assert len(wire.requests) == 1


async def test_each_page_is_retried_by_the_retry_policy_and_never_refetched() -> None:
    throttled: Answer = (400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
    unavailable: Answer = (503, {"__type": "ServiceUnavailable", "message": "try later"})
    failures = {2: throttled, 3: unavailable}
    attempts: list[int] = []

    def handler(operation: str, body: dict[str, Any]) -> Answer:
        attempts.append(1)
        failure = failures.get(len(attempts))
        if failure is not None:
            return failure
        offset = int(body.get("NextToken", "0"))
        end = min(offset + body["MaxResults"], 5)
        page: dict[str, Any] = {
            "OptimizationJobSummaries": [summary(i) for i in range(offset, end)]
        }
        if end < 5:
            page["NextToken"] = str(end)
        return 200, page

    pauses: list[float] = []
    async with wire_client() as sm:
        wire = AioWire(sm, handler)
        client = AsyncOptimizationJobClient(sm, retry_policy=RetryPolicy(sleep=pauses.append))
        items = names([item async for item in client.list(page_size=2)])
    assert items == [f"job-{i:05d}" for i in range(5)]
    # Page 1 once; page 2 three times (two failures, then success); page 3 once.
    assert [body.get("NextToken", "") for _, body in wire.requests] == ["", "2", "2", "2", "4"]
    assert len(pauses) == 2
    assert all(0 < pause <= RetryPolicy().max_backoff for pause in pauses)


@pytest.mark.parametrize("kind", ["throttle", "server_error", "unavailable", "drop"])
async def test_transient_faults_on_the_emulator_are_retried_per_page(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService, kind: str
) -> None:
    create_jobs(service, [f"job-{i}" for i in range(5)])
    pauses: list[float] = []
    client.retry_policy = RetryPolicy(sleep=pauses.append)
    service.inject(LIST, kind, times=2)
    assert len([item async for item in client.list(page_size=2)]) == 5
    assert len(pauses) == 2
    assert service.calls(LIST) == 3 + 2


async def test_throttling_that_outlasts_every_attempt_is_a_throttling_error(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    pauses: list[float] = []
    client.retry_policy = RetryPolicy(max_attempts=3, sleep=pauses.append)
    service.inject(LIST, "throttle", times=None)
    with pytest.raises(ThrottlingError):
        await collect_pages(client.list().by_page())
    assert len(pauses) == 2
    assert service.calls(LIST) == 3


# -- cancellation in the middle of a listing ------------------------------------------------


async def test_cancelling_a_listing_between_pages_leaves_nothing_behind(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService, leaks: Leaks
) -> None:
    create_jobs(service, [f"job-{i}" for i in range(5)])
    in_flight = asyncio.Event()
    lists: list[int] = []

    async def hold_the_second_page(**_: Any) -> None:
        lists.append(1)
        if len(lists) == 2:
            in_flight.set()
            await asyncio.Event().wait()  # the call hangs until cancelled

    sm = client.sagemaker_client
    undo = before_call(sm, LIST, hold_the_second_page)
    got: list[str] = []

    async def consume() -> None:
        async for item in client.list(page_size=2):
            got.append(item.optimization_job_name)

    task = asyncio.create_task(consume())
    await asyncio.wait_for(in_flight.wait(), 120)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    undo()
    await settle()
    assert got == ["job-0", "job-1"]  # the first page, then the cancel
    assert other_tasks() == set()
    assert service.calls(LIST) == 1  # the second request never left
    assert leaks.collect() == []
    assert len([item async for item in client.list()]) == 5  # the client works on


async def test_one_listing_iterated_by_two_tasks_at_once_gives_each_every_job(
    client: AsyncOptimizationJobClient, service: FakeOptimizationService
) -> None:
    # Each iteration has its own cursor: their pages interleave on the loop, not their state.
    expected = create_jobs(service, [f"job-{i:02d}" for i in range(11)], spacing=1)
    listing = client.list(page_size=3)
    started: list[str] = []
    both_started = asyncio.Event()

    async def read(who: str) -> list[str]:
        got: list[str] = []
        async for summary in listing:
            got.append(summary.optimization_job_name)
            if len(got) == 1:  # hold on until the other is in the middle of its listing too
                started.append(who)
                if len(started) == 2:
                    both_started.set()
                await both_started.wait()
        return got

    first, second = await asyncio.wait_for(asyncio.gather(read("a"), read("b")), 120)
    assert first == second == expected
    assert sorted(started) == ["a", "b"]
    assert service.calls(LIST) == 2 * 4
