"""``AsyncOptimizationJobClient``: the SDK's client for asyncio, on aiobotocore.

The same requests, validation, answers, errors, redaction, paging and poll schedules as
:class:`~optjob_sdk.OptimizationJobClient`, from the same code: only the calls are awaited
and the pauses are ``await sleep(...)``.

>>> import asyncio
>>> from optjob_sdk import AsyncOptimizationJobClient
>>> async def main() -> None:
...     async with AsyncOptimizationJobClient(region_name="us-west-2") as client:
...         job = await client.describe("llama3-8b-awq-2026-11-24")
...         print(job.optimization_job_status)
>>> asyncio.run(main())  # doctest: +SKIP
COMPLETED
"""

from __future__ import annotations

import contextlib
import importlib
import random
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping
from datetime import datetime, timezone
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any

from optjob_sdk import _calls, _many
from optjob_sdk._calls import CREATE, DELETE, DESCRIBE, LIST, STOP, Params, check_client
from optjob_sdk._client_base import ClientBase
from optjob_sdk._client_compat import check_supported
from optjob_sdk._defaults import DEFAULT_MAX_POLL_INTERVAL
from optjob_sdk._endpoint import client_options, creating_client, effective_endpoint
from optjob_sdk._errors_map import parse_response
from optjob_sdk._reconcile import outcome_unknown, reconciled, retry_attempts
from optjob_sdk._waits import JobObservation, make_waiter
from optjob_sdk.aio.paging import AsyncJobPager
from optjob_sdk.aio.waiting import AsyncSleep, drive, wait_for_job
from optjob_sdk.errors import ConfigurationError, JobAlreadyExistsError, OptjobError
from optjob_sdk.models import (
    CreateOptimizationJobRequest,
    CreateOptimizationJobResponse,
    DeleteOptimizationJobRequest,
    DescribeOptimizationJobRequest,
    DescribeOptimizationJobResponse,
    ListOptimizationJobsRequest,
    ListOptimizationJobsResponse,
    StopOptimizationJobRequest,
)

if TYPE_CHECKING:
    from types_aiobotocore_sagemaker import SageMakerClient
    from typing_extensions import Self

__all__ = ["AsyncOptimizationJobClient"]


class AsyncOptimizationJobClient(
    ClientBase[
        "SageMakerClient",  # in quotes: it exists for type checkers only (the stubs)
        AsyncJobPager,
        # An async generator, so that a caller can aclose() it (stop the sweep) at once.
        AsyncGenerator[DescribeOptimizationJobResponse, None],
        AsyncSleep,
    ]
):
    """The SageMaker AI inference-optimization-job API for asyncio, typed and validated.

    Give it an aiobotocore SageMaker client, which it uses as it is and never closes (its
    lifetime is yours); or let it make its own from an aiobotocore ``session``, a
    ``region_name`` and an ``endpoint_url`` (none: the way
    ``get_session().create_client("sagemaker")`` would, from the environment and
    ``~/.aws/config``), inside ``async with``, which closes it::

        async with AsyncOptimizationJobClient(region_name="us-west-2") as client:
            job = await client.wait("llama3-8b-awq")

    Everything else is :class:`~optjob_sdk.OptimizationJobClient`'s: the methods, their
    arguments, results and errors, the retries (``retry_policy``) and the waits' schedules.
    The differences: the methods that call are coroutines; :meth:`list` and
    :meth:`as_completed` are async iterables; ``sleep=`` takes an async callable (``clock=``
    stays a plain one). Many waits can run at once on one event loop, and a cancelled task
    leaves nothing running.
    """

    _asynchronous = True

    def _connect(
        self,
        sagemaker_client: SageMakerClient | None,
        session: Any,
        region_name: str | None,
        endpoint_url: str | None,
    ) -> None:
        if sagemaker_client is None:
            effective_endpoint(endpoint_url)  # a malformed URL fails here, not at first use
        else:
            check_client(sagemaker_client, asynchronous=True)
        self._client = sagemaker_client
        self._owned = sagemaker_client is None
        self._settings = (session, region_name, endpoint_url)
        self._stack: contextlib.AsyncExitStack | None = None
        self._open = False  # inside `async with` (set before its first await: no race)

    @property
    def sagemaker_client(self) -> SageMakerClient:
        """The aiobotocore SageMaker client underneath (the escape hatch to the rest of the
        API). A client made by this one exists inside ``async with`` only."""
        if self._client is None:
            raise ConfigurationError(
                "AsyncOptimizationJobClient makes its own aiobotocore client inside `async "
                "with`: use `async with AsyncOptimizationJobClient(...) as client:`, or pass "
                "an aiobotocore client you manage yourself"
            )
        return self._client

    async def __aenter__(self) -> Self:
        if self._owned:
            if self._open:
                # A second block would close the client under the first one's feet.
                raise RuntimeError(
                    "this AsyncOptimizationJobClient is already open in another `async with`:"
                    " share that one, or make a client per block"
                )
            self._open = True
            try:
                await self._make_client()
            except BaseException:
                self._open = False
                raise
        return self

    async def _make_client(self) -> None:
        session, region_name, endpoint_url = self._settings
        async with contextlib.AsyncExitStack() as stack:
            with creating_client(endpoint_url):
                if session is None:
                    # aiobotocore has no type stubs of its own (types-aiobotocore-sagemaker
                    # types the client, not the session).
                    aiobotocore: Any = importlib.import_module("aiobotocore.session")
                    session = aiobotocore.get_session()
                region = session.get_config_variable("region")
                options = client_options(session, region, region_name, endpoint_url)
                creating = session.create_client("sagemaker", **options)
                self._client = await stack.enter_async_context(creating)
            self._stack = stack.pop_all()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the aiobotocore client this one made (``async with`` does it); a client
        that was passed in is left open. Closing twice is harmless."""
        stack, self._stack = self._stack, None
        if self._owned:
            self._open = False
        if stack is not None:
            self._client = None
            await stack.aclose()

    def _where(self) -> tuple[str, str]:
        if self._client is None:
            _, region_name, endpoint_url = self._settings
            return str(region_name), str(endpoint_url)
        meta = self._client.meta
        return str(getattr(meta, "region_name", None)), meta.endpoint_url

    # -- the operations ---------------------------------------------------------------

    async def create(self, request: CreateOptimizationJobRequest) -> CreateOptimizationJobResponse:
        """Start an optimization job; returns its ARN. As
        :meth:`OptimizationJobClient.create <optjob_sdk.OptimizationJobClient.create>`:
        validated before anything is sent, and safe to retry (a retried create that meets
        its own job returns that job's ARN)."""
        params = _calls.body(request)  # validated: ValidationError, nothing sent
        client = self.sagemaker_client
        check_supported(client.meta.service_model, CREATE, request)
        name = request.optimization_job_name
        started = datetime.now(timezone.utc)
        try:
            raw = await self._call(CREATE, client.create_optimization_job, params, name)
        except JobAlreadyExistsError as conflict:
            if not retry_attempts(conflict):
                raise  # the first attempt met it: the job was there before this call
            try:
                job = await self.retry_policy.acall(
                    partial(self._describe_for_wait, name),
                    what=f"{DESCRIBE} {name} (checking a retried create)",
                    # Just created, it may not be visible yet (eventual consistency).
                    transient=_calls.transient_or_not_found,
                )
            except OptjobError as error:
                raise outcome_unknown(name, conflict, error) from error
            return reconciled(request, conflict, job, started)
        return parse_response(CreateOptimizationJobResponse, raw, CREATE)

    async def describe(self, name: str) -> DescribeOptimizationJobResponse:
        """The job's full description. :class:`~optjob_sdk.JobNotFoundError` if there is none."""
        _calls.check_name(DescribeOptimizationJobRequest, name)
        return await self._describe_for_wait(name)

    async def wait(
        self,
        name: str,
        *,
        timeout: float | None = None,
        poll_interval: float = 30.0,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        on_update: Callable[[DescribeOptimizationJobResponse], None] | None = None,
        progress: bool | None = None,
        sleep: AsyncSleep | None = None,
        clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
    ) -> DescribeOptimizationJobResponse:
        """Poll until the job completes; returns its last description. The schedule, the
        deadline, the errors (:class:`~optjob_sdk.JobFailedError`,
        :class:`~optjob_sdk.JobStoppedError`, :class:`~optjob_sdk.WaitTimeoutError`, ...)
        and the display are :meth:`OptimizationJobClient.wait
        <optjob_sdk.OptimizationJobClient.wait>`'s; ``sleep`` is async."""
        _calls.check_name(DescribeOptimizationJobRequest, name)
        waiter = make_waiter(
            name,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_update=on_update,
            progress=progress,
            sleep=sleep,
            clock=clock,
            rng=rng,
            asynchronous=True,
        )
        return await wait_for_job(self._describe_for_wait, waiter, sleep)

    async def wait_many(
        self,
        names: Iterable[str],
        *,
        timeout: float | None = None,
        poll_interval: float = 30.0,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        on_update: Callable[[JobObservation], None] | None = None,
        progress: bool | None = None,
        sleep: AsyncSleep | None = None,
        clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
    ) -> dict[str, DescribeOptimizationJobResponse]:
        """Wait until every job has ended; returns each job's final description, by name,
        in the order given, whatever the end. As :meth:`OptimizationJobClient.wait_many
        <optjob_sdk.OptimizationJobClient.wait_many>` (a few calls a round, not one per job);
        ``sleep`` is async."""
        checked = _many.check_names(names)
        stream = self.as_completed(
            checked,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_update=on_update,
            progress=progress,
            sleep=sleep,
            clock=clock,
            rng=rng,
        )
        ended = {job.optimization_job_name: job async for job in stream}
        return {name: ended[name] for name in checked}

    async def stop(self, name: str) -> None:
        """Ask the service to stop the job (it goes STOPPING, then STOPPED)."""
        _calls.check_name(StopOptimizationJobRequest, name)
        method = self.sagemaker_client.stop_optimization_job
        await self._call(STOP, method, _calls.named(name), name)

    async def delete(self, name: str) -> None:
        """Delete the job's record. :class:`~optjob_sdk.JobNotFoundError` if there is none."""
        _calls.check_name(DeleteOptimizationJobRequest, name)
        method = self.sagemaker_client.delete_optimization_job
        await self._call(DELETE, method, _calls.named(name), name)

    # -- plumbing -----------------------------------------------------------------------

    def _pager(self, request: ListOptimizationJobsRequest, max_items: int | None) -> AsyncJobPager:
        return AsyncJobPager(self._list_page, request, max_items=max_items, retry=self.retry_policy)

    def _stream(
        self, steps: _many.Steps | None, sleep: AsyncSleep | None
    ) -> AsyncGenerator[DescribeOptimizationJobResponse, None]:
        return drive(steps, self._describe_for_wait, self._parsed_list_page, sleep)

    async def _describe_for_wait(self, name: str) -> DescribeOptimizationJobResponse:
        method = self.sagemaker_client.describe_optimization_job
        raw = await self._call(DESCRIBE, method, _calls.named(name), name)
        return parse_response(DescribeOptimizationJobResponse, raw, DESCRIBE)

    async def _parsed_list_page(self, params: dict[str, Any]) -> ListOptimizationJobsResponse:
        return parse_response(ListOptimizationJobsResponse, await self._list_page(params), LIST)

    async def _list_page(self, params: dict[str, Any]) -> Mapping[str, Any]:
        method = self.sagemaker_client.list_optimization_jobs
        return await self._call(LIST, method, Params(params), _calls.list_subject(params))

    async def _call(
        self, operation: str, method: Callable[..., Any], params: Params, subject: str
    ) -> Mapping[str, Any]:
        """One aiobotocore call, its errors mapped as the sync client's."""
        endpoint: str = self.sagemaker_client.meta.endpoint_url
        with _calls.mapped_errors(operation, params, subject, endpoint):
            result: Mapping[str, Any] = await method(**params.build())
        return result
