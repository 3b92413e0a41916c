"""ListOptimizationJobs: the documented default order, and NextTokens that hold a position.

Driven through ``service.handle`` (the raw protocol, no boto3) so that hypothesis can run
many examples quickly; the transports are covered in test_emulator.py.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any

import botocore.session
from emulator_support import request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optjob_sdk.testing import Durations, FakeOptimizationService

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
LIST_INPUT = (
    botocore.session.get_session()
    .get_service_model("sagemaker")
    .operation_model("ListOptimizationJobs")
    .input_shape
)


def call(service: FakeOptimizationService, operation: str, params: dict[str, Any]) -> Any:
    answer = service.handle(f"SageMaker.{operation}", json.dumps(params).encode())
    return answer.status, json.loads(answer.body)


def create(service: FakeOptimizationService, name: str) -> None:
    status, body = call(service, "CreateOptimizationJob", request(name))
    assert status == 200, body


def listed(service: FakeOptimizationService, **params: Any) -> list[str]:
    status, body = call(service, "ListOptimizationJobs", params)
    assert status == 200, body
    return [summary["OptimizationJobName"] for summary in body["OptimizationJobSummaries"]]


# -- the default order --------------------------------------------------------------------


def test_botocore_documents_ascending_and_creation_time_as_defaults() -> None:
    # The emulator follows this documentation; if botocore ever changes it, so must we.
    assert "default is <code>Ascending</code>" in LIST_INPUT.members["SortOrder"].documentation
    assert "default is <code>CreationTime</code>" in LIST_INPUT.members["SortBy"].documentation


def test_default_order_is_creation_time_ascending() -> None:
    service = FakeOptimizationService(start_time=START)
    create(service, "b-old")
    service.advance(5)
    create(service, "c-newer")
    service.advance(5)
    create(service, "a-newest")
    oldest_first = ["b-old", "c-newer", "a-newest"]
    assert listed(service) == oldest_first
    assert listed(service, SortOrder="Ascending") == oldest_first
    assert listed(service, SortOrder="Descending") == oldest_first[::-1]
    assert listed(service, SortBy="Name") == ["a-newest", "b-old", "c-newer"]


# -- tokens ---------------------------------------------------------------------------------


def test_creates_between_pages_neither_repeat_nor_skip() -> None:
    """The finding as first seen: offsets shift when a job sorts in before the position."""
    service = FakeOptimizationService(start_time=START)
    for name in ("b", "d", "f", "h"):
        create(service, name)
    status, first = call(service, "ListOptimizationJobs", {"SortBy": "Name", "MaxResults": 2})
    assert [s["OptimizationJobName"] for s in first["OptimizationJobSummaries"]] == ["b", "d"]
    create(service, "a")  # sorts in before the page already seen
    create(service, "e")  # sorts in after it
    status, second = call(
        service,
        "ListOptimizationJobs",
        {"SortBy": "Name", "MaxResults": 2, "NextToken": first["NextToken"]},
    )
    assert status == 200
    assert [s["OptimizationJobName"] for s in second["OptimizationJobSummaries"]] == ["e", "f"]


def test_deletes_between_pages_skip_nothing_that_remains() -> None:
    service = FakeOptimizationService(start_time=START)
    for name in ("a", "b", "c", "d"):
        create(service, name)
    _, first = call(service, "ListOptimizationJobs", {"SortBy": "Name", "MaxResults": 2})
    assert call(service, "DeleteOptimizationJob", {"OptimizationJobName": "b"})[0] == 200
    assert call(service, "DeleteOptimizationJob", {"OptimizationJobName": "a"})[0] == 200
    _, second = call(
        service,
        "ListOptimizationJobs",
        {"SortBy": "Name", "MaxResults": 2, "NextToken": first["NextToken"]},
    )
    assert [s["OptimizationJobName"] for s in second["OptimizationJobSummaries"]] == ["c", "d"]


def _token_problems(service: FakeOptimizationService, token: Any) -> tuple[int, str]:
    status, body = call(service, "ListOptimizationJobs", {"NextToken": token})
    return status, body.get("__type", "")


def test_crafted_and_garbled_tokens_are_validation_errors() -> None:
    service = FakeOptimizationService(start_time=START)
    for index in range(3):
        create(service, f"job-{index}")
    _, page = call(service, "ListOptimizationJobs", {"MaxResults": 1})
    genuine: str = page["NextToken"]
    deep = base64.urlsafe_b64encode(b"[" * 6000).decode()  # within the 8,192 characters allowed
    crafted = [
        "garbage",
        "!!!",
        genuine[:-3],
        genuine + "A",
        genuine[::-1],
        deep,
        base64.urlsafe_b64encode(json.dumps({"o": 1, "f": "x"}).encode()).decode(),
        base64.urlsafe_b64encode(b"\xff\xfe" * 50).decode(),
        "\u00e9\U0001f600",
        "x" * 8192,
    ]
    for token in crafted:
        assert _token_problems(service, token) == (400, "ValidationException"), token
    # A token for one query is foreign to another (other filters or another sort).
    for other in ({"NameContains": "job"}, {"SortBy": "Name"}, {"SortOrder": "Descending"}):
        status, body = call(
            service, "ListOptimizationJobs", {"MaxResults": 1, "NextToken": genuine, **other}
        )
        assert (status, body["__type"]) == (400, "ValidationException"), other
    # ... and a token from another service instance is foreign too.
    other_service = FakeOptimizationService(start_time=START)
    for index in range(3):
        create(other_service, f"job-{index}")
    assert _token_problems(other_service, genuine) == (400, "ValidationException")
    # The genuine token still works, with another page size too.
    assert listed(service, MaxResults=5, NextToken=genuine) == ["job-1", "job-2"]


def test_default_and_explicit_sort_share_tokens() -> None:
    # SortOrder omitted and SortOrder=Ascending are the same query.
    service = FakeOptimizationService(start_time=START)
    for index in range(3):
        create(service, f"job-{index}")
    _, page = call(service, "ListOptimizationJobs", {"MaxResults": 1})
    assert listed(service, MaxResults=1, NextToken=page["NextToken"], SortOrder="Ascending") == [
        "job-1"
    ]


# -- the property ---------------------------------------------------------------------------

NAMES = st.text(alphabet="abcxyz0", min_size=1, max_size=4).map(lambda s: f"j{s}")
SORT_BY = st.sampled_from([None, "Name", "CreationTime", "Status"])
SORT_ORDER = st.sampled_from([None, "Ascending", "Descending"])
FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "NameContains": st.sampled_from(["a", "x", "j", "b0"]),
        "StatusEquals": st.sampled_from(["STARTING", "INPROGRESS", "COMPLETED"]),
    },
)


def _sort_key(sort_by: str, job: dict[str, Any]) -> tuple[Any, ...]:
    name = job["OptimizationJobName"]
    if sort_by == "Name":
        return (name,)
    if sort_by == "Status":
        return (job["OptimizationJobStatus"], name)
    return (job["CreationTime"], name)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    jobs=st.lists(
        st.tuples(NAMES, st.sampled_from([0, 0, 1, 30, 70, 2000])),
        max_size=25,
        unique_by=lambda t: t[0],
    ),
    sort_by=SORT_BY,
    sort_order=SORT_ORDER,
    filters=FILTERS,
    page_sizes=st.lists(st.integers(1, 6), min_size=1, max_size=30),
    inserts=st.lists(st.lists(NAMES, max_size=3), max_size=30),
)
def test_pages_hold_every_preexisting_job_once_in_order(
    jobs: list[tuple[str, int]],
    sort_by: str | None,
    sort_order: str | None,
    filters: dict[str, str],
    page_sizes: list[int],
    inserts: list[list[str]],
) -> None:
    """Creates between pages (before, inside and after the position) change nothing about the
    jobs that existed when paging began: each comes exactly once, in the requested order."""
    service = FakeOptimizationService(start_time=START, durations=Durations(60, 1200, 30))
    for name, gap in jobs:
        service.advance(gap)  # 0: same CreationTime as the previous job (the name breaks ties)
        create(service, name)
    # What existed, described independently of ListOptimizationJobs.
    existing = [
        call(service, "DescribeOptimizationJob", {"OptimizationJobName": name})[1]
        for name, _ in jobs
    ]
    matching = [
        job
        for job in existing
        if filters.get("NameContains", "").lower() in job["OptimizationJobName"].lower()
        and filters.get("StatusEquals", job["OptimizationJobStatus"])
        == job["OptimizationJobStatus"]
    ]
    by = sort_by or "CreationTime"
    expected = [
        job["OptimizationJobName"]
        for job in sorted(
            matching, key=lambda j: _sort_key(by, j), reverse=sort_order == "Descending"
        )
    ]
    params: dict[str, Any] = dict(filters)
    if sort_by is not None:
        params["SortBy"] = sort_by
    if sort_order is not None:
        params["SortOrder"] = sort_order
    existed = {name for name, _ in jobs}
    seen: list[str] = []
    token: str | None = None
    for page in range(200):
        size = page_sizes[page % len(page_sizes)]
        query = {**params, "MaxResults": size, **({"NextToken": token} if token else {})}
        status, body = call(service, "ListOptimizationJobs", query)
        assert status == 200, body
        summaries = body["OptimizationJobSummaries"]
        assert len(summaries) <= size
        seen += [summary["OptimizationJobName"] for summary in summaries]
        token = body.get("NextToken")
        if not token:
            break
        for name in inserts[page] if page < len(inserts) else []:
            if name not in existed and name not in seen:
                call(service, "CreateOptimizationJob", request(name))
    assert token is None, "paging did not end"
    assert len(seen) == len(set(seen)), f"a job came twice: {seen}"
    assert [name for name in seen if name in existed] == expected


def test_null_members_are_not_set() -> None:
    # Found by the any-request property (test_http.py): MaxResults null was a crash.
    service = FakeOptimizationService(start_time=START)
    create(service, "job-1")
    assert listed(service, MaxResults=None, SortBy=None, NextToken=None) == ["job-1"]
    status, body = call(
        service, "CreateOptimizationJob", {**request("job-2"), "OptimizationEnvironment": None}
    )
    assert status == 200, body
    _, job = call(service, "DescribeOptimizationJob", {"OptimizationJobName": "job-2"})
    assert None not in job.values()
