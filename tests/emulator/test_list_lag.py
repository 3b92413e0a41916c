"""ListOptimizationJobs lagging Describe (``list_lag``), as the eventually consistent service's
listings can: a listing answers as of ``now - list_lag``, Describe stays current.

The property compares a lagged service with a twin that saw the same history but whose clock
stopped ``list_lag`` seconds earlier: their listings must be the same, page for page.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from emulator_support import request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optjob_sdk.testing import Durations, FakeOptimizationService, ScenarioError

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
DURATIONS = Durations(starting=60, in_progress=600, stopping=30)


def call(service: FakeOptimizationService, operation: str, params: dict[str, Any]) -> Any:
    answer = service.handle(f"SageMaker.{operation}", json.dumps(params).encode())
    return answer.status, json.loads(answer.body)


def create(service: FakeOptimizationService, name: str) -> None:
    status, body = call(service, "CreateOptimizationJob", request(name))
    assert status == 200, body


def summaries(service: FakeOptimizationService, **params: Any) -> dict[str, dict[str, Any]]:
    status, body = call(service, "ListOptimizationJobs", params)
    assert status == 200, body
    return {s["OptimizationJobName"]: s for s in body["OptimizationJobSummaries"]}


def describe(service: FakeOptimizationService, name: str) -> dict[str, Any]:
    status, body = call(service, "DescribeOptimizationJob", {"OptimizationJobName": name})
    assert status == 200, body
    return dict(body)


# -- the behaviour, through both transports (the `sm` fixture) -----------------------------


def test_lag_hides_new_jobs_and_shows_old_statuses(
    sm: Any, service: FakeOptimizationService
) -> None:
    service.durations = DURATIONS
    service.list_lag = 30
    sm.create_optimization_job(**request("old"))
    service.advance(60 + 600 - 10)  # "old" ends in 10 s
    sm.create_optimization_job(**request("new"))
    service.advance(20)  # "old" ended 10 s ago; "new" was created 20 s ago
    assert sm.describe_optimization_job(OptimizationJobName="new")["OptimizationJobStatus"] == (
        "STARTING"
    )
    old = sm.describe_optimization_job(OptimizationJobName="old")
    assert old["OptimizationJobStatus"] == "COMPLETED"
    (listed,) = sm.list_optimization_jobs()["OptimizationJobSummaries"]
    # As of 30 s ago: "new" did not exist yet, "old" was still running.
    assert listed["OptimizationJobName"] == "old"
    assert listed["OptimizationJobStatus"] == "INPROGRESS"
    assert listed["LastModifiedTime"] == old["OptimizationStartTime"]
    assert "OptimizationEndTime" not in listed
    # The filters see the lagged state too.
    assert sm.list_optimization_jobs(StatusEquals="COMPLETED")["OptimizationJobSummaries"] == []
    ended_after = old["OptimizationEndTime"] - timedelta(seconds=1)
    assert (
        sm.list_optimization_jobs(LastModifiedTimeAfter=ended_after)["OptimizationJobSummaries"]
        == []
    )
    service.advance(10)  # now 30 s after "new" was created: its creation is in view
    now = {
        s["OptimizationJobName"]: s for s in sm.list_optimization_jobs()["OptimizationJobSummaries"]
    }
    assert list(now) == ["old", "new"]
    assert now["new"]["OptimizationJobStatus"] == "STARTING"
    assert now["old"]["OptimizationJobStatus"] == "INPROGRESS"  # ended 20 s ago; lag 30 s
    service.advance(10)
    (done,) = sm.list_optimization_jobs(StatusEquals="COMPLETED")["OptimizationJobSummaries"]
    assert done["OptimizationEndTime"] == old["OptimizationEndTime"]
    assert done["LastModifiedTime"] == old["LastModifiedTime"]


def test_no_lag_lists_what_describe_says(sm: Any, service: FakeOptimizationService) -> None:
    service.durations = DURATIONS
    sm.create_optimization_job(**request("job"))
    service.advance(60 + 600)  # it ends this very second
    (listed,) = sm.list_optimization_jobs()["OptimizationJobSummaries"]
    described = sm.describe_optimization_job(OptimizationJobName="job")
    assert listed["OptimizationJobStatus"] == described["OptimizationJobStatus"] == "COMPLETED"
    assert listed["OptimizationEndTime"] == described["OptimizationEndTime"]


def test_a_stop_shows_in_listings_after_the_lag(sm: Any, service: FakeOptimizationService) -> None:
    service.durations = DURATIONS
    service.list_lag = 5
    sm.create_optimization_job(**request("job"))
    service.advance(100)
    sm.stop_optimization_job(OptimizationJobName="job")
    assert sm.describe_optimization_job(OptimizationJobName="job")["OptimizationJobStatus"] == (
        "STOPPING"
    )
    assert summaries(service)["job"]["OptimizationJobStatus"] == "INPROGRESS"
    service.advance(5)
    assert summaries(service)["job"]["OptimizationJobStatus"] == "STOPPING"
    service.advance(29)  # STOPPED 4 s ago
    assert summaries(service)["job"]["OptimizationJobStatus"] == "STOPPING"
    assert describe(service, "job")["OptimizationJobStatus"] == "STOPPED"
    service.advance(1)
    assert summaries(service)["job"]["OptimizationJobStatus"] == "STOPPED"


def test_a_deleted_job_vanishes_from_lagged_listings_at_once() -> None:
    service = FakeOptimizationService(start_time=START, list_lag=3600)
    create(service, "job")
    service.advance(3600)
    assert list(summaries(service)) == ["job"]
    assert call(service, "DeleteOptimizationJob", {"OptimizationJobName": "job"})[0] == 200
    assert summaries(service) == {}


def test_the_lag_is_settable_and_checked() -> None:
    service = FakeOptimizationService(start_time=START, list_lag=10)
    assert service.list_lag == 10.0
    create(service, "job")
    assert summaries(service) == {}
    service.list_lag = 0
    assert list(summaries(service)) == ["job"]
    assert FakeOptimizationService().list_lag == 0.0
    for bad in (-1, float("nan"), float("inf"), "5", True, None):
        with pytest.raises(ValueError, match="list_lag is a finite, non-negative number"):
            service.list_lag = bad  # type: ignore[assignment]
        with pytest.raises(ValueError, match="list_lag"):
            FakeOptimizationService(list_lag=bad)  # type: ignore[arg-type]
    assert service.list_lag == 0.0


def test_a_scenario_sets_the_lag() -> None:
    service = FakeOptimizationService(start_time=START)
    service.load_scenario({"list_lag": 2.5})
    assert service.list_lag == 2.5
    service.load_scenario({"jobs": []})  # not named: left as it is
    assert service.list_lag == 2.5
    for bad, problem in (
        (-1, "must be a finite number of at least 0"),
        ("5", "must be a number"),
        (True, "must be a number"),
    ):
        with pytest.raises(ScenarioError, match=f"list_lag: {problem}"):
            service.load_scenario({"list_lag": bad})
    with pytest.raises(ScenarioError, match="did you mean 'list_lag'"):
        service.load_scenario({"list_lags": 1})
    assert service.list_lag == 2.5


def test_many_jobs_page_by_creation_window() -> None:
    """The creation index: windows and positions found by bisection, equal to a plain
    filter over Describe (5,000 jobs, a few pages)."""
    service = FakeOptimizationService(start_time=START, durations=DURATIONS, list_lag=60)
    for index in range(5000):
        create(service, f"other-{index}")
        service.advance(index % 2)  # pairs created at the same time: the name breaks ties
    boundary = service.now.timestamp()
    for index in range(3):
        create(service, f"mine-{index}")
    service.advance(60)
    window = {"CreationTimeAfter": boundary - 0.5, "NameContains": "mine"}
    assert list(summaries(service, **window)) == ["mine-0", "mine-1", "mine-2"]
    before = {"CreationTimeBefore": START.timestamp() + 3, "SortOrder": "Descending"}
    # Creation times 0, 0, 1, 1, 2, 2, 3...: strictly before 3, newest first.
    assert list(summaries(service, **before)) == [f"other-{i}" for i in (5, 4, 3, 2, 1, 0)]


# -- the property: a lagged listing is the listing of the past ------------------------------

NAMES = st.sampled_from(["a1", "a2", "b1", "b2", "ab", "c"])
EVENTS = st.lists(
    st.one_of(
        st.tuples(st.just("create"), NAMES, st.sampled_from(["COMPLETED", "FAILED", "STOPPED"])),
        st.tuples(st.just("stop"), NAMES),
        st.tuples(st.just("advance"), st.sampled_from([0, 1, 29, 30, 31, 60, 300, 600, 700])),
    ),
    max_size=30,
)
QUERIES = st.fixed_dictionaries(
    {},
    optional={
        "NameContains": st.sampled_from(["a", "b", "1", "ab"]),
        "StatusEquals": st.sampled_from(
            ["STARTING", "INPROGRESS", "COMPLETED", "FAILED", "STOPPING", "STOPPED"]
        ),
        "CreationTimeAfter": st.integers(-1, 2000),
        "CreationTimeBefore": st.integers(0, 3000),
        "LastModifiedTimeAfter": st.integers(-1, 2000),
        "LastModifiedTimeBefore": st.integers(0, 3000),
        "SortBy": st.sampled_from(["Name", "CreationTime", "Status"]),
        "SortOrder": st.sampled_from(["Ascending", "Descending"]),
        "MaxResults": st.integers(1, 4),
    },
)


def _play(service: FakeOptimizationService, events: list[Any], until: float | None) -> float:
    """Play ``events`` on ``service`` (up to virtual second ``until``, then stop the clock
    there); the virtual seconds elapsed."""
    elapsed = 0.0
    for event in events:
        if event[0] == "advance":
            if until is not None and elapsed + event[1] > until:
                break
            service.advance(event[1])
            elapsed += event[1]
        elif event[0] == "create":
            if event[1] not in service.job_names():
                service.set_outcome(event[1], event[2])
                create(service, event[1])
        else:
            call(service, "StopOptimizationJob", {"OptimizationJobName": event[1]})
    if until is not None:
        service.advance(until - elapsed)
        elapsed = until
    return elapsed


def _pages(service: FakeOptimizationService, query: dict[str, Any]) -> list[list[dict[str, Any]]]:
    params = {
        key: START.timestamp() + value if key.endswith(("After", "Before")) else value
        for key, value in query.items()
    }
    pages: list[list[dict[str, Any]]] = []
    token = None
    while len(pages) < 50:
        status, body = call(
            service, "ListOptimizationJobs", {**params, **({"NextToken": token} if token else {})}
        )
        assert status == 200, body
        pages.append(body["OptimizationJobSummaries"])
        token = body.get("NextToken")
        if token is None:
            return pages
    raise AssertionError("paging did not end")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=EVENTS, lag=st.sampled_from([0, 1, 30, 60, 601]), query=QUERIES)
def test_a_lagged_listing_is_the_listing_of_the_past(
    events: list[Any], lag: int, query: dict[str, Any]
) -> None:
    lagged = FakeOptimizationService(start_time=START, durations=DURATIONS, list_lag=lag)
    elapsed = _play(lagged, events, until=None)
    if lag > elapsed:
        # Before the service's first second: nothing is in view yet.
        assert _pages(lagged, query) == [[]]
        return
    past = FakeOptimizationService(start_time=START, durations=DURATIONS)
    _play(past, events, until=elapsed - lag)
    assert _pages(lagged, query) == _pages(past, query)
    # Describe was current all along; with the lag gone, listings are current too.
    current = FakeOptimizationService(start_time=START, durations=DURATIONS)
    _play(current, events, until=None)
    for name in lagged.job_names():
        assert describe(lagged, name) == describe(current, name)
    lagged.list_lag = 0
    assert _pages(lagged, query) == _pages(current, query)


@settings(max_examples=100, deadline=None)
@given(events=EVENTS, query=QUERIES)
def test_an_unlagged_listing_is_what_describe_says(
    events: list[Any], query: dict[str, Any]
) -> None:
    """Lag 0, the index-based listing against a plain filter and sort over Describe."""
    service = FakeOptimizationService(start_time=START, durations=DURATIONS)
    _play(service, events, until=None)
    jobs = [describe(service, name) for name in service.job_names()]
    base = START.timestamp()

    def within(value: float, member: str) -> bool:
        after, before = query.get(f"{member}After"), query.get(f"{member}Before")
        return (after is None or value > base + after) and (before is None or value < base + before)

    matching = [
        job
        for job in jobs
        if query.get("NameContains", "") in job["OptimizationJobName"]
        and query.get("StatusEquals", job["OptimizationJobStatus"]) == job["OptimizationJobStatus"]
        and within(job["CreationTime"], "CreationTime")
        and within(job["LastModifiedTime"], "LastModifiedTime")
    ]
    by = query.get("SortBy", "CreationTime")
    keys = {"Name": (), "CreationTime": ("CreationTime",), "Status": ("OptimizationJobStatus",)}
    matching.sort(
        key=lambda job: (*(job[k] for k in keys[by]), job["OptimizationJobName"]),
        reverse=query.get("SortOrder") == "Descending",
    )
    listed = [summary for page in _pages(service, query) for summary in page]
    fields = (
        "OptimizationJobName",
        "OptimizationJobStatus",
        "CreationTime",
        "LastModifiedTime",
        "OptimizationStartTime",
        "OptimizationEndTime",
    )
    assert [{k: s.get(k) for k in fields} for s in listed] == [
        {k: j.get(k) for k in fields} for j in matching
    ]
