"""What the sync and the async client share above their calls: the constructor's rules,
``repr``, and the two methods that send nothing when called (``list`` and ``as_completed``
return lazy iterables, sync or async). Each client names its own pager, stream and sleep."""

from __future__ import annotations

import abc
import random
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from optjob_sdk._botocore_logs import install
from optjob_sdk._defaults import DEFAULT_MAX_POLL_INTERVAL
from optjob_sdk.enums import JobStatus, SortBy, SortOrder
from optjob_sdk.models import ListOptimizationJobsRequest
from optjob_sdk.paging import MAX_PAGE_SIZE, RetryPolicy, list_request

if TYPE_CHECKING:  # at run time, loaded with the first wait or sweep
    from optjob_sdk import _many
    from optjob_sdk._waits import JobObservation

__all__ = ["ClientBase"]

ClientT = TypeVar("ClientT")
PagerT = TypeVar("PagerT")
StreamT = TypeVar("StreamT")
SleepT = TypeVar("SleepT")


class ClientBase(abc.ABC, Generic[ClientT, PagerT, StreamT, SleepT]):
    """The client's parts that do no I/O: ``ClientT`` is the botocore-style client
    underneath (boto3's or aiobotocore's), ``PagerT`` what :meth:`list` returns, ``StreamT``
    what :meth:`as_completed` returns, ``SleepT`` the ``sleep=`` it takes."""

    #: Whether the methods are coroutines (``sleep=`` must then be async).
    _asynchronous: ClassVar[bool] = False

    retry_policy: RetryPolicy
    """How each page of :meth:`list` is retried (:class:`~optjob_sdk.RetryPolicy`)."""

    def __init__(
        self,
        sagemaker_client: ClientT | None = None,
        *,
        session: Any = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        if sagemaker_client is not None and (
            session is not None or region_name is not None or endpoint_url is not None
        ):
            raise TypeError(
                "pass either a sagemaker_client or session=/region_name=/endpoint_url=, "
                "not both: an existing client already has its session, region and endpoint"
            )
        self.retry_policy = retry_policy if retry_policy is not None else RetryPolicy()
        install()  # secrets out of botocore's DEBUG records of this client's calls
        self._connect(sagemaker_client, session, region_name, endpoint_url)

    @abc.abstractmethod
    def _connect(
        self,
        sagemaker_client: ClientT | None,
        session: Any,
        region_name: str | None,
        endpoint_url: str | None,
    ) -> None:
        """Take the client given, or make one (or get ready to) from the other settings."""

    def __repr__(self) -> str:
        region, endpoint = self._where()
        return f"{type(self).__name__}(region={region!r}, endpoint={endpoint!r})"

    @abc.abstractmethod
    def _where(self) -> tuple[str, str]:
        """The region and the endpoint URL, for ``repr``."""

    @abc.abstractmethod
    def _pager(self, request: ListOptimizationJobsRequest, max_items: int | None) -> PagerT:
        """The lazy listing for a validated first request."""

    @abc.abstractmethod
    def _stream(self, steps: _many.Steps | None, sleep: SleepT | None) -> StreamT:
        """The loop that does what a sweep says (``None``: no job to wait for)."""

    def list(
        self,
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
    ) -> PagerT:
        """A lazy iterable of job summaries matching the filters (a
        :class:`~optjob_sdk.paging.JobPager`; async: an ``AsyncJobPager``).

        The arguments are validated here, at the call (a mistake fails fast, not at the
        first iteration); no request is sent until the result is iterated. ``page_size``
        (1-100, default 100) is each request's ``MaxResults``; ``max_items`` caps the
        summaries yielded and the requests made.
        """
        request = list_request(
            name_contains=name_contains,
            status=status,
            optimization_contains=optimization_contains,
            creation_time_after=creation_time_after,
            creation_time_before=creation_time_before,
            last_modified_time_after=last_modified_time_after,
            last_modified_time_before=last_modified_time_before,
            sort_by=sort_by,
            sort_order=sort_order,
            page_size=page_size,
            max_items=max_items,
        )
        return self._pager(request, max_items)

    def as_completed(
        self,
        names: Iterable[str],
        *,
        timeout: float | None = None,
        poll_interval: float = 30.0,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        on_update: Callable[[JobObservation], None] | None = None,
        progress: bool | None = None,
        sleep: SleepT | None = None,
        clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
    ) -> StreamT:
        """Each job's final description as soon as its end is seen, each once, in the order
        the ends are seen: the streaming form of ``wait_many``, like
        ``concurrent.futures.as_completed`` (async: an async iterator, like
        ``asyncio.as_completed``). The arguments are checked at the call; nothing is sent
        until the iterator is advanced. At the deadline the iterator raises
        :class:`~optjob_sdk.WaitTimeoutError` (the jobs still running are ``.names``).

        ::

            for job in client.as_completed(names, timeout=3 * 3600):
                print(job.optimization_job_name, job.optimization_job_status)
        """
        from optjob_sdk._waits import plan_sweep  # the sweep machinery, when first swept

        steps = plan_sweep(
            names,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_update=on_update,
            progress=progress,
            sleep=sleep,
            clock=clock,
            rng=rng,
            asynchronous=self._asynchronous,
        )
        return self._stream(steps, sleep)
