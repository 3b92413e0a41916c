"""The lazy, auto-paginating async iterable behind :meth:`AsyncOptimizationJobClient.list`.

The sync :class:`~optjob_sdk.paging.JobPager`'s rules hold (lazy, frugal with ``MaxResults``,
one page in memory, each page retried by the :class:`~optjob_sdk.RetryPolicy`, a repeated
``NextToken`` an error): the paging state is the same :class:`~optjob_sdk.paging.PageCursor`;
only the loop awaits::

    async for job in client.list(status="COMPLETED", max_items=5):
        print(job.optimization_job_name)

    async for page in client.list(sort_by="CreationTime").by_page():
        ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from optjob_sdk._errors_map import parse_response
from optjob_sdk.models import (
    ListOptimizationJobsRequest,
    ListOptimizationJobsResponse,
    OptimizationJobSummary,
)
from optjob_sdk.paging import PageCursor, PagerBase, RetryPolicy

if TYPE_CHECKING:
    import pandas

__all__ = ["AsyncJobPager"]

_OPERATION = "ListOptimizationJobs"


class AsyncJobPager(PagerBase):
    """A lazy async iterable of :class:`~optjob_sdk.OptimizationJobSummary`, fetched page by
    page: ``async for summary in pager``, or ``async for page in pager.by_page()`` for whole
    pages and a ``next_token`` to resume from later. Every iteration starts a fresh listing.
    """

    __slots__ = ("_fetch",)

    def __init__(
        self,
        fetch: Callable[[dict[str, Any]], Awaitable[Mapping[str, Any]]],
        request: ListOptimizationJobsRequest,
        *,
        max_items: int | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        """``fetch`` sends one ListOptimizationJobs request (boto3 keyword arguments) and
        returns the answer, raising the SDK's errors; ``request`` is the validated first
        request (its ``max_results`` is the page size, its ``next_token`` is ignored)."""
        super().__init__(request, max_items=max_items, retry=retry)
        self._fetch = fetch

    async def __aiter__(self) -> AsyncIterator[OptimizationJobSummary]:
        async for page in self._pages(self._cursor(None)):
            for summary in page.optimization_job_summaries:
                yield summary

    def by_page(
        self, continuation_token: str | None = None
    ) -> AsyncIterator[ListOptimizationJobsResponse]:
        """The pages themselves, starting after ``continuation_token`` when given (checked
        here, at the call); ``max_items`` counts from where this call starts."""
        return self._pages(self._cursor(continuation_token))

    async def to_pandas(self) -> pandas.DataFrame:
        """Every summary of the listing (within ``max_items``), as a pandas DataFrame:
        ``await client.list(...).to_pandas()``. The frame is the sync
        :meth:`~optjob_sdk.paging.JobPager.to_pandas`'s (same columns, same conversions);
        without pandas, :class:`ModuleNotFoundError` before any call is made."""
        from optjob_sdk._frame import frame, require_pandas

        require_pandas()  # before listing: a missing extra costs no calls
        return frame([summary async for summary in self])

    async def _fetch_page(self, params: dict[str, Any]) -> ListOptimizationJobsResponse:
        return parse_response(ListOptimizationJobsResponse, await self._fetch(params), _OPERATION)

    async def _pages(self, cursor: PageCursor) -> AsyncIterator[ListOptimizationJobsResponse]:
        while (params := cursor.next_params()) is not None:
            fetch = partial(self._fetch_page, params)
            yield cursor.took(await self._retry.acall(fetch, what=cursor.what))
