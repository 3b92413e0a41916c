"""The lazy, auto-paginating iterator behind :meth:`OptimizationJobClient.list`.

Usage (``client`` is an :class:`~optjob_sdk.OptimizationJobClient`)::

    for job in client.list(status="COMPLETED", max_items=5):
        print(job.optimization_job_name)

    pager = client.list(sort_by="CreationTime", sort_order="Descending")
    for page in pager.by_page():          # whole pages; page.next_token resumes later
        ...

* Lazy: nothing is sent until the pager is iterated; each iteration starts from the top.
* Frugal: ``MaxResults`` is ``page_size`` (default 100, the API's maximum, so the fewest
  round trips); with ``max_items`` the last request asks only for what is still missing,
  and no request is made once ``max_items`` summaries were yielded.
* One page in memory at a time.
* Resilient per page: throttling, 5xx answers, dropped connections and answers that cannot
  be read are retried with exponential backoff and jitter (:class:`RetryPolicy`), page by
  page, so a page already yielded is never fetched again, whatever retry settings the boto3
  client has.
* A ``NextToken`` the service already handed out raises :class:`PaginationError` instead of
  looping for ever.
"""

from __future__ import annotations

import inspect
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from optjob_sdk._errors_map import is_transient, parse_response
from optjob_sdk._validation import check
from optjob_sdk.converter import to_dict
from optjob_sdk.enums import JobStatus, SortBy, SortOrder
from optjob_sdk.errors import FieldError, PaginationError, ValidationError
from optjob_sdk.models import (
    ListOptimizationJobsRequest,
    ListOptimizationJobsResponse,
    OptimizationJobSummary,
)

if TYPE_CHECKING:
    import pandas
    import tenacity

__all__ = ["JobPager", "PageCursor", "PagerBase", "RetryPolicy", "list_request"]

logger = logging.getLogger("optjob_sdk")

_OPERATION = "ListOptimizationJobs"

M = TypeVar("M")

#: The service's own page-size limit (shape MaxResults: 1..100).
MAX_PAGE_SIZE = 100


def _non_negative(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value}")


def _positive_int(_: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(f"{attribute.name} must be an integer >= 1, got {value!r}")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How the SDK itself retries transient failures (per page of ``list``).

    Transient means: throttling (:class:`~optjob_sdk.ThrottlingError`), a 5xx answer, a
    dropped or refused connection, an unreadable answer (``InvalidResponseError``). Other
    errors are raised at once. The wait before retry
    *n* is ``min(initial_backoff * 2**(n-1) + uniform(0, jitter), max_backoff)`` seconds.

    ``max_attempts`` counts the first try: the default 5 means up to 4 retries.
    ``sleep`` replaces :func:`time.sleep` (tests pass a fake that records the waits); for
    the async client it replaces :func:`asyncio.sleep` and may be an ``async def`` too.

    These retries come on top of botocore's own (its ``retries`` config); they make a page
    survive even a client built with ``Config(retries={"total_max_attempts": 1})``.

    >>> RetryPolicy()
    RetryPolicy(max_attempts=5, initial_backoff=0.5, max_backoff=20.0, jitter=1.0)
    >>> RetryPolicy(max_attempts=1)  # the SDK doesn't retry; botocore's retries remain
    RetryPolicy(max_attempts=1, initial_backoff=0.5, max_backoff=20.0, jitter=1.0)
    """

    max_attempts: int = attrs.field(default=5, validator=_positive_int)
    initial_backoff: float = attrs.field(default=0.5, validator=_non_negative)
    max_backoff: float = attrs.field(default=20.0, validator=_non_negative)
    jitter: float = attrs.field(default=1.0, validator=_non_negative)
    sleep: Callable[[float], object] | None = attrs.field(default=None, eq=False, repr=False)

    def backoff(self, retry_number: int) -> float:
        """The wait in seconds before retry ``retry_number`` (1 for the first retry)."""
        exponential = self.initial_backoff * 2.0 ** (retry_number - 1)
        return min(exponential + random.uniform(0.0, self.jitter), self.max_backoff)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        # Our own formula rather than tenacity's wait_exponential_jitter, whose parameters
        # changed names across the tenacity releases this package supports.
        return self.backoff(state.attempt_number)

    def call(
        self,
        function: Callable[[], M],
        *,
        what: str,
        transient: Callable[[BaseException], bool] = is_transient,
    ) -> M:
        """Run ``function``, retrying ``transient`` errors (by default: throttling, 5xx, a
        dropped connection, an unreadable answer); the last error is re-raised."""
        try:
            return function()  # the usual case: no retry, no tenacity (see _FirstAttempt)
        except Exception as error:
            first = _FirstAttempt.after(error, transient, self.max_attempts)
        import tenacity  # with the first retry, not with the client

        sleep = _plain(self.sleep) if self.sleep is not None else time.sleep
        retrying = tenacity.Retrying(sleep=sleep, **self._options(what, transient))
        result: M = retrying(first.then(function))
        return result

    async def acall(
        self,
        function: Callable[[], Awaitable[M]],
        *,
        what: str,
        transient: Callable[[BaseException], bool] = is_transient,
    ) -> M:
        """:meth:`call` for a coroutine function, pausing with ``asyncio.sleep`` (or with
        :attr:`sleep` when given, awaited when it is async)."""
        try:
            return await function()  # the usual case, as in call()
        except Exception as error:
            first = _FirstAttempt.after(error, transient, self.max_attempts)
        import asyncio

        import tenacity

        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        if self.sleep is not None:
            sleep = _awaitable(self.sleep)
        retrying = tenacity.AsyncRetrying(sleep=sleep, **self._options(what, transient))
        result: M = await retrying(first.then_async(function))
        return result

    def _options(self, what: str, transient: Callable[[BaseException], bool]) -> dict[str, Any]:
        """tenacity's arguments, but for ``sleep`` (the sync and the async loop's own)."""
        import tenacity

        def log_retry(state: tenacity.RetryCallState) -> None:
            outcome = state.outcome
            error = outcome.exception() if outcome is not None else None
            wait = state.next_action.sleep if state.next_action is not None else 0.0
            logger.debug(
                "%s: attempt %d failed (%s); retrying in %.2fs",
                what,
                state.attempt_number,
                type(error).__name__,
                wait,
            )

        return {
            "stop": tenacity.stop_after_attempt(self.max_attempts),
            "wait": self._wait,
            "retry": tenacity.retry_if_exception(transient),
            "before_sleep": log_retry,
            "reraise": True,
        }


class _FirstAttempt:
    """A first attempt made outside tenacity, failed: tenacity is given it back as its own
    first attempt, so the retries (their number, waits and log lines) are exactly those of
    a loop that made every attempt.

    The attempt that succeeds (nearly every page) never builds a ``tenacity.Retrying``:
    each one holds reference cycles (bound methods in its state), garbage that only the
    cyclic collector frees, and a listing of 10,000 jobs made a hundred of them, enough to
    set off full collections of the whole process (botocore's models included)."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error: Exception | None = error

    @classmethod
    def after(
        cls, error: Exception, transient: Callable[[BaseException], bool], attempts: int
    ) -> _FirstAttempt:
        """The failed first attempt, to retry; ``error`` is raised again at once when it is
        not transient or no attempt is left."""
        if attempts <= 1 or not transient(error):
            raise error
        return cls(error)

    def _replay(self) -> None:
        error, self.error = self.error, None
        if error is not None:
            raise error

    def then(self, function: Callable[[], M]) -> Callable[[], M]:
        def attempt() -> M:
            self._replay()
            return function()

        return attempt

    def then_async(self, function: Callable[[], Awaitable[M]]) -> Callable[[], Awaitable[M]]:
        async def attempt() -> M:
            self._replay()
            return await function()

        return attempt


def _awaitable(sleep: Callable[[float], object]) -> Callable[[float], Awaitable[None]]:
    async def asleep(seconds: float) -> None:
        pause = sleep(seconds)
        if inspect.isawaitable(pause):
            await pause

    return asleep


def _plain(sleep: Callable[[float], object]) -> Callable[[float], None]:
    def checked(seconds: float) -> None:
        pause = sleep(seconds)
        if inspect.isawaitable(pause):
            if inspect.iscoroutine(pause):
                pause.close()  # never awaited: no "coroutine was never awaited" warning
            raise TypeError(
                f"RetryPolicy(sleep={sleep!r}) is async: the sync client needs a plain sleep "
                "(an async one is for AsyncOptimizationJobClient)"
            )

    return checked


#: list() argument names for the request fields they fill, to report errors in the
#: caller's words.
_ARGUMENT_NAMES: Mapping[str, str] = {"max_results": "page_size", "status_equals": "status"}


def list_request(
    *,
    name_contains: str | None = None,
    status: JobStatus | str | None = None,
    optimization_contains: str | None = None,
    creation_time_after: datetime | None = None,
    creation_time_before: datetime | None = None,
    last_modified_time_after: datetime | None = None,
    last_modified_time_before: datetime | None = None,
    sort_by: SortBy | str | None = None,
    sort_order: SortOrder | str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    max_items: int | None = None,
) -> ListOptimizationJobsRequest:
    """The first page's request for these filters, validated like any request.

    Problems are reported under the ``list()`` argument names (``page_size``, ``status``).
    """
    request = ListOptimizationJobsRequest(
        max_results=page_size,
        name_contains=name_contains,
        status_equals=status,
        optimization_contains=optimization_contains,
        creation_time_after=creation_time_after,
        creation_time_before=creation_time_before,
        last_modified_time_after=last_modified_time_after,
        last_modified_time_before=last_modified_time_before,
        sort_by=sort_by,
        sort_order=sort_order,
    )
    problems = [_renamed(problem) for problem in check(request)]
    if max_items is not None and (
        isinstance(max_items, bool)
        or not isinstance(max_items, int)  # pyright: ignore[reportUnnecessaryIsInstance]
        or max_items < 0
    ):
        problems.append(
            FieldError("max_items", f"must be None or an integer >= 0, not {max_items!r}")
        )
    if problems:
        raise ValidationError(problems, subject="list() arguments")
    return request


def _renamed(problem: FieldError) -> FieldError:
    head, dot, tail = problem.path.partition(".")
    name = _ARGUMENT_NAMES.get(head)
    return FieldError(name + dot + tail, problem.message) if name else problem


class PageCursor:
    """Where a listing is, between its pages: the next request, and each page as yielded
    (trimmed to ``max_items``). No I/O: the sync and the async pager drive it.

    >>> cursor = PageCursor({"SortBy": "Name"}, page_size=100, max_items=150, token=None)
    >>> cursor.next_params()
    {'SortBy': 'Name', 'MaxResults': 100}
    """

    __slots__ = ("_base", "_page_size", "_remaining", "_seen", "_token", "done", "number")

    def __init__(
        self,
        base: Mapping[str, Any],
        *,
        page_size: int,
        max_items: int | None,
        token: str | None,
    ) -> None:
        self._base = base
        self._page_size = page_size
        self._remaining = max_items
        self._token = token
        self._seen: set[str] = {token} if token else set()
        self.number = 0  # pages asked for so far
        self.done = max_items is not None and max_items <= 0

    @property
    def what(self) -> str:
        """The page being fetched, for retry logs."""
        return f"{_OPERATION} page {self.number}"

    def next_params(self) -> dict[str, Any] | None:
        """The next page's request (boto3 keyword arguments), or ``None``: the listing is
        over. Raises :class:`PaginationError` for a ``NextToken`` handed out before (after
        the page that carried it was yielded)."""
        if self.done:
            return None
        token = self._token
        if token is not None and self.number > 0:
            if token in self._seen:
                raise PaginationError(
                    f"{_OPERATION} returned a NextToken it had already returned (after page "
                    f"{self.number}); stopping instead of listing the same jobs again"
                )
            self._seen.add(token)
        remaining = self._remaining
        params = dict(self._base)
        params["MaxResults"] = (
            self._page_size if remaining is None else min(self._page_size, remaining)
        )
        if token:
            params["NextToken"] = token
        self.number += 1
        return params

    def took(self, page: ListOptimizationJobsResponse) -> ListOptimizationJobsResponse:
        """``page`` as it is to be yielded, trimmed to ``max_items``; moves the cursor on."""
        if self._remaining is not None:
            if len(page.optimization_job_summaries) > self._remaining:
                page = attrs.evolve(
                    page,
                    optimization_job_summaries=page.optimization_job_summaries[: self._remaining],
                )
            self._remaining -= len(page.optimization_job_summaries)
        self._token = page.next_token or None
        self.done = self._token is None or (self._remaining is not None and self._remaining <= 0)
        return page


class PagerBase:
    """What the sync and the async pager share: the validated request, the page size,
    ``max_items``, the retries, and the cursor a listing starts from."""

    __slots__ = ("_base", "_max_items", "_page_size", "_retry")

    def __init__(
        self,
        request: ListOptimizationJobsRequest,
        *,
        max_items: int | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._page_size = request.max_results or MAX_PAGE_SIZE
        base = to_dict(request)
        base.pop("NextToken", None)
        base.pop("MaxResults", None)
        self._base: Mapping[str, Any] = base
        self._max_items = max_items
        self._retry = retry if retry is not None else RetryPolicy()

    @property
    def page_size(self) -> int:
        """``MaxResults`` of each request (the last may ask for fewer, with ``max_items``)."""
        return self._page_size

    @property
    def max_items(self) -> int | None:
        """At most this many summaries are yielded (``None``: all of them)."""
        return self._max_items

    def _cursor(self, continuation_token: str | None) -> PageCursor:
        if continuation_token is not None:
            problems = check(ListOptimizationJobsRequest(next_token=continuation_token))
            if problems:
                raise ValidationError(
                    [FieldError("continuation_token", p.message) for p in problems],
                    subject="by_page() arguments",
                )
        return PageCursor(
            self._base,
            page_size=self._page_size,
            max_items=self._max_items,
            token=continuation_token or None,
        )


class JobPager(PagerBase):
    """A lazy iterable of :class:`OptimizationJobSummary`, fetched page by page.

    Made by :meth:`OptimizationJobClient.list`, whose arguments were validated when it was
    called (so mistakes surface there, not at the first iteration). Iterate it for
    summaries, or call :meth:`by_page` for whole :class:`ListOptimizationJobsResponse`
    pages and a ``next_token`` to resume from later. Every iteration starts a fresh
    listing; nothing is cached.
    """

    __slots__ = ("_fetch",)

    def __init__(
        self,
        fetch: Callable[[dict[str, Any]], Mapping[str, Any]],
        request: ListOptimizationJobsRequest,
        *,
        max_items: int | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """``fetch`` sends one ListOptimizationJobs request (boto3 keyword arguments) and
        returns boto3's answer, raising the SDK's errors; ``request`` is the validated first
        request (its ``max_results`` is the page size, its ``next_token`` is ignored).
        """
        super().__init__(request, max_items=max_items, retry=retry)
        self._fetch = fetch

    def __iter__(self) -> Iterator[OptimizationJobSummary]:
        for page in self._pages(self._cursor(None)):
            yield from page.optimization_job_summaries

    def by_page(
        self, continuation_token: str | None = None
    ) -> Iterator[ListOptimizationJobsResponse]:
        """The pages themselves, starting after ``continuation_token`` when given.

        Each page's ``next_token`` (``None`` on the last) resumes the listing later:
        ``pager.by_page(page.next_token)``. ``max_items`` counts from where this call
        starts; a page is trimmed to it when the service returns more than was asked for.
        """
        return self._pages(self._cursor(continuation_token))

    def to_pandas(self) -> pandas.DataFrame:
        """Every summary of the listing (within ``max_items``), as a pandas DataFrame: one
        row per job, in the order listed, one column per summary field (snake_case names;
        times timezone-aware, enums plain strings, ``optimization_types`` joined with
        ``", "``). An empty listing gives an empty frame with the same columns.

        Lists as iterating does (the same calls, page by page). Needs pandas
        (``pip install 'optjob-sdk[pandas]'``): without it, :class:`ModuleNotFoundError`,
        before any call is made.
        """
        from optjob_sdk._frame import frame, require_pandas

        require_pandas()  # before listing: a missing extra costs no calls
        return frame(self)

    def _fetch_page(self, params: dict[str, Any]) -> ListOptimizationJobsResponse:
        return parse_response(ListOptimizationJobsResponse, self._fetch(params), _OPERATION)

    def _pages(self, cursor: PageCursor) -> Iterator[ListOptimizationJobsResponse]:
        while (params := cursor.next_params()) is not None:
            # Reading the answer is part of the attempt: an answer that cannot be read is
            # asked for again like any transient failure.
            yield cursor.took(self._retry.call(partial(self._fetch_page, params), what=cursor.what))
