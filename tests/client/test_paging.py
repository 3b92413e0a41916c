"""client.list at the wire: laziness, splits, max_items, repeated tokens, per-page retries."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wire_support import Answer, Wire, error_body

from optjob_sdk import (
    JobPager,
    ListOptimizationJobsResponse,
    OptimizationJobClient,
    PaginationError,
    ThrottlingError,
    ValidationError,
)
from optjob_sdk.errors import ConnectionFailedError, ServiceError, ServiceValidationError
from optjob_sdk.paging import RetryPolicy

SETTINGS = settings(max_examples=40, deadline=None)


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


class Listing:
    """A ListOptimizationJobs service over ``total`` jobs.

    ``split`` fixes each page's size (the service may return fewer than MaxResults);
    without it, each page is exactly MaxResults. The token is the offset.
    """

    def __init__(self, total: int, split: list[int] | None = None) -> None:
        self.total = total
        self.split = split
        self.calls = 0

    def __call__(self, operation: str, body: dict[str, Any]) -> Answer:
        assert operation == "ListOptimizationJobs"
        offset = int(body.get("NextToken", "0-0").split("-")[0])
        size = body["MaxResults"]
        if self.split is not None:
            size = min(size, self.split[self.calls])
        self.calls += 1
        end = min(offset + size, self.total)
        page: dict[str, Any] = {
            "OptimizationJobSummaries": [summary(i) for i in range(offset, end)]
        }
        if end < self.total:
            page["NextToken"] = f"{end}-{self.calls}"  # distinct even for empty pages
        return 200, page


def names(items: Any) -> list[str]:
    return [item.optimization_job_name for item in items]


@st.composite
def splits(draw: st.DrawFn) -> tuple[int, list[int]]:
    sizes = draw(st.lists(st.integers(min_value=0, max_value=7), min_size=1, max_size=12))
    if sizes[-1] == 0:
        sizes[-1] = 1  # a final empty page would end the listing early by design
    # Empty pages with a NextToken are allowed in the middle; the last page must end it.
    total = sum(sizes)
    return total, sizes


@SETTINGS
@given(splits())
def test_any_page_split_yields_every_item_once_in_order(
    wire: Wire, split_case: tuple[int, list[int]]
) -> None:
    total, sizes = split_case
    # The last page has no token: cut the split where the items run out.
    listing = Listing(total, sizes)
    wire.reset(listing)
    items = list(OptimizationJobClient(wire.client).list(page_size=7))
    assert names(items) == [f"job-{i:05d}" for i in range(total)]
    assert listing.calls == len(wire.requests)


@SETTINGS
@given(
    total=st.integers(min_value=0, max_value=60),
    page_size=st.integers(min_value=1, max_value=100),
    max_items=st.none() | st.integers(min_value=0, max_value=80),
)
def test_max_items_is_honoured_with_the_fewest_calls(
    wire: Wire, total: int, page_size: int, max_items: int | None
) -> None:
    wire.reset(Listing(total))
    pager = OptimizationJobClient(wire.client).list(page_size=page_size, max_items=max_items)
    items = list(pager)
    wanted = total if max_items is None else min(total, max_items)
    assert names(items) == [f"job-{i:05d}" for i in range(wanted)]
    expected_calls = 0 if max_items == 0 else max(1, math.ceil(wanted / page_size))
    assert len(wire.requests) == expected_calls
    asked = [body["MaxResults"] for _, body in wire.requests]
    assert all(size <= page_size for size in asked)
    if max_items is not None:
        assert sum(asked) <= max_items


def test_default_page_size_is_the_api_maximum(fresh_wire: Wire) -> None:
    fresh_wire.reset(Listing(250))
    assert len(list(OptimizationJobClient(fresh_wire.client).list())) == 250
    assert [body["MaxResults"] for _, body in fresh_wire.requests] == [100, 100, 100]


def test_max_items_last_page_asks_only_for_the_rest(fresh_wire: Wire) -> None:
    fresh_wire.reset(Listing(1000))
    items = list(OptimizationJobClient(fresh_wire.client).list(page_size=100, max_items=250))
    assert len(items) == 250
    assert [body["MaxResults"] for _, body in fresh_wire.requests] == [100, 100, 50]


def test_nothing_is_sent_until_iterated_and_each_iteration_starts_over(
    fresh_wire: Wire,
) -> None:
    fresh_wire.reset(Listing(5))
    pager = OptimizationJobClient(fresh_wire.client).list(page_size=2)
    assert isinstance(pager, JobPager)
    iterator = iter(pager)
    assert fresh_wire.requests == []
    assert next(iterator).optimization_job_name == "job-00000"
    assert len(fresh_wire.requests) == 1  # one page fetched, not all
    assert len(list(pager)) == 5
    assert len(list(pager)) == 5


def test_by_page_yields_pages_and_resumes_from_a_token(fresh_wire: Wire) -> None:
    fresh_wire.reset(Listing(5))
    pager = OptimizationJobClient(fresh_wire.client).list(page_size=2)
    pages = pager.by_page()
    first = next(pages)
    assert isinstance(first, ListOptimizationJobsResponse)
    assert names(first.optimization_job_summaries) == ["job-00000", "job-00001"]
    assert first.next_token == "2-1"
    rest = list(pager.by_page(continuation_token=first.next_token))
    assert [names(page.optimization_job_summaries) for page in rest] == [
        ["job-00002", "job-00003"],
        ["job-00004"],
    ]
    assert rest[-1].next_token is None
    assert fresh_wire.requests[1][1] == {"MaxResults": 2, "NextToken": "2-1"}


def test_by_page_validates_the_token(fresh_wire: Wire) -> None:
    pager = OptimizationJobClient(fresh_wire.client).list()
    with pytest.raises(ValidationError) as caught:
        pager.by_page("x" * 8193)
    assert caught.value.errors[0].path == "continuation_token"
    assert fresh_wire.requests == []


@pytest.mark.parametrize("cycle", [1, 2])
def test_a_repeated_next_token_raises_instead_of_looping(fresh_wire: Wire, cycle: int) -> None:
    # cycle 1: the service sends back the token it got; cycle 2: A -> B -> A.
    tokens = ["A", "B"][:cycle]

    def handler(operation: str, body: dict[str, Any]) -> Answer:
        number = len(fresh_wire.requests)
        return 200, {
            "OptimizationJobSummaries": [summary(number)],
            "NextToken": tokens[(number - 1) % cycle],
        }

    fresh_wire.reset(handler)
    seen: list[str] = []

    def consume() -> None:
        for item in OptimizationJobClient(fresh_wire.client).list():
            seen.append(item.optimization_job_name)

    with pytest.raises(PaginationError):
        consume()
    assert len(fresh_wire.requests) == cycle + 1
    assert len(seen) == len(set(seen)) == cycle + 1


def test_a_repeated_token_after_max_items_is_not_an_error(fresh_wire: Wire) -> None:
    fresh_wire.reset(
        lambda op, body: (200, {"OptimizationJobSummaries": [summary(0)], "NextToken": "A"})
    )
    assert len(list(OptimizationJobClient(fresh_wire.client).list(max_items=1))) == 1


# -- per-page retries -------------------------------------------------------------------


class Flaky(Listing):
    """Fails the calls whose numbers (1-based) are in ``failures`` with the given answer."""

    def __init__(self, total: int, failures: dict[int, Answer | Exception]) -> None:
        super().__init__(total)
        self.failures = failures
        self.attempts = 0

    def __call__(self, operation: str, body: dict[str, Any]) -> Answer:
        self.attempts += 1
        failure = self.failures.get(self.attempts)
        if isinstance(failure, Exception):
            raise failure
        if failure is not None:
            return failure
        return super().__call__(operation, body)


def client_with_fake_sleep(wire: Wire, **policy: Any) -> tuple[OptimizationJobClient, list[float]]:
    sleeps: list[float] = []
    retry = RetryPolicy(sleep=sleeps.append, **policy)
    return OptimizationJobClient(wire.client, retry_policy=retry), sleeps


def test_throttling_is_retried_per_page_and_yielded_pages_are_never_refetched(
    fresh_wire: Wire,
) -> None:
    throttled = (400, error_body("ThrottlingException", "Rate exceeded"))
    flaky = Flaky(5, {2: throttled, 3: (503, error_body("ServiceUnavailable"))})
    fresh_wire.reset(flaky)
    client, sleeps = client_with_fake_sleep(fresh_wire)
    items = names(client.list(page_size=2))
    assert items == [f"job-{i:05d}" for i in range(5)]
    offsets = [body.get("NextToken", "").split("-")[0] for _, body in fresh_wire.requests]
    # Page 1 once; page 2 three times (two failures, then success); page 3 once.
    assert offsets == ["", "2", "2", "2", "4"]
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.5
    assert 1.0 <= sleeps[1] <= 2.0


def test_a_dropped_connection_is_retried(fresh_wire: Wire) -> None:
    from botocore.exceptions import ConnectionClosedError, EndpointConnectionError  # type: ignore[import-untyped]

    flaky = Flaky(
        3,
        {
            1: EndpointConnectionError(endpoint_url="https://x"),
            2: ConnectionClosedError(endpoint_url="https://x"),
        },
    )
    fresh_wire.reset(flaky)
    client, sleeps = client_with_fake_sleep(fresh_wire)
    assert len(list(client.list())) == 3
    assert len(sleeps) == 2


def test_retries_are_bounded_and_the_last_error_is_raised(fresh_wire: Wire) -> None:
    throttled = (400, error_body("ThrottlingException", "Rate exceeded"))
    fresh_wire.reset(lambda op, body: throttled)
    client, sleeps = client_with_fake_sleep(fresh_wire, max_attempts=4, max_backoff=3.0)
    with pytest.raises(ThrottlingError) as caught:
        list(client.list())
    assert len(fresh_wire.requests) == 4
    assert len(sleeps) == 3
    assert all(wait <= 3.0 for wait in sleeps)
    assert caught.value.request_id == "req-4"


def test_a_connection_that_stays_down_names_the_endpoint(fresh_wire: Wire) -> None:
    from botocore.exceptions import EndpointConnectionError

    def down(operation: str, body: dict[str, Any]) -> Answer:
        raise EndpointConnectionError(endpoint_url="https://api.sagemaker.us-west-2.amazonaws.com/")

    fresh_wire.reset(down)
    client, _ = client_with_fake_sleep(fresh_wire, max_attempts=2)
    with pytest.raises(ConnectionFailedError) as caught:
        list(client.list())
    assert caught.value.endpoint == "https://api.sagemaker.us-west-2.amazonaws.com/"
    assert "api.sagemaker.us-west-2.amazonaws.com" in str(caught.value)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ((400, error_body("ValidationException", "bad filter")), ServiceValidationError),
        ((400, error_body("AccessDeniedException", "no")), ServiceError),
    ],
)
def test_other_errors_are_not_retried(
    fresh_wire: Wire, answer: Answer, error: type[Exception]
) -> None:
    fresh_wire.reset(lambda op, body: answer)
    client, sleeps = client_with_fake_sleep(fresh_wire)
    with pytest.raises(error):
        list(client.list())
    assert len(fresh_wire.requests) == 1
    assert sleeps == []


def test_retry_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="initial_backoff"):
        RetryPolicy(initial_backoff=-1)
    policy = RetryPolicy(initial_backoff=1.0, max_backoff=5.0, jitter=0.0)
    assert [policy.backoff(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]


def test_pages_that_succeed_build_no_retrying(
    fresh_wire: Wire, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tenacity's Retrying holds reference cycles, garbage for the cyclic collector: a
    listing whose pages all succeed makes none (it made one a page)."""
    import tenacity

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a Retrying was built for a page that succeeded")

    monkeypatch.setattr(tenacity.Retrying, "__init__", refuse)
    fresh_wire.reset(Flaky(7, {}))
    client, sleeps = client_with_fake_sleep(fresh_wire)
    assert len(names(client.list(page_size=2))) == 7
    assert sleeps == []


def test_one_attempt_raises_the_first_transient_error_without_a_pause(fresh_wire: Wire) -> None:
    throttled = (400, error_body("ThrottlingException", "Rate exceeded"))
    fresh_wire.reset(lambda op, body: throttled)
    client, sleeps = client_with_fake_sleep(fresh_wire, max_attempts=1)
    with pytest.raises(ThrottlingError):
        list(client.list())
    assert len(fresh_wire.requests) == 1
    assert sleeps == []
