"""``OptimizationJobClient``: create, describe, list, wait, stop and delete optimization jobs.

Every request is validated before anything is sent; every botocore exception is mapped onto
the SDK's hierarchy (see ``docs/client.md``), the original kept as ``__cause__``.

>>> from optjob_sdk import OptimizationJobClient
>>> client = OptimizationJobClient(region_name="us-west-2")   # doctest: +SKIP
>>> client.describe("llama3-8b-awq-2026-11-24").optimization_job_status  # doctest: +SKIP
<JobStatus.COMPLETED: 'COMPLETED'>
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from datetime import datetime, timezone
from functools import partial
from typing import TYPE_CHECKING, Any

from optjob_sdk import _calls
from optjob_sdk._calls import CREATE, DELETE, DESCRIBE, LIST, STOP, Params
from optjob_sdk._client_base import ClientBase
from optjob_sdk._client_compat import check_supported
from optjob_sdk._defaults import DEFAULT_MAX_POLL_INTERVAL
from optjob_sdk._errors_map import parse_response
from optjob_sdk._reconcile import outcome_unknown, reconciled, retry_attempts
from optjob_sdk.errors import JobAlreadyExistsError, OptjobError
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
from optjob_sdk.paging import JobPager, RetryPolicy

if TYPE_CHECKING:
    import random

    from mypy_boto3_sagemaker import SageMakerClient

    from optjob_sdk import _many
    from optjob_sdk.waiting import JobObservation

__all__ = ["OptimizationJobClient", "RetryPolicy"]

_Sleep = Callable[[float], None]
# A generator, so that a caller can close() it (stop the sweep) at once.
_Stream = Generator[DescribeOptimizationJobResponse, None, None]


class OptimizationJobClient(
    # The client type in quotes: it exists for type checkers only (the stubs).
    ClientBase["SageMakerClient", JobPager, _Stream, _Sleep]
):
    """The SageMaker AI inference-optimization-job API, typed and validated.

    Give it a boto3 SageMaker client (used as is: no event handler is registered on it and
    its config is not changed), or a boto3 ``Session``, a ``region_name`` and an
    ``endpoint_url``; with none, it builds a client the way ``boto3.client("sagemaker")``
    would (default session, environment, ``~/.aws/config``): on boto3's default session when
    the application has one, else on a botocore session of its own, once per process,
    without importing boto3. For an ``endpoint_url`` on this machine (an emulator:
    ``optjob emulator``, ``FakeOptimizationService.serve()``), a region and credentials that
    are not configured are filled in with placeholders. A malformed endpoint URL
    (``127.0.0.1:8765``, without a scheme) is a :class:`~optjob_sdk.ConfigurationError`.
    The boto3 client stays reachable as :attr:`sagemaker_client`.

    ``retry_policy`` (a :class:`RetryPolicy`) is how the SDK retries each page of
    :meth:`list` on throttling, 5xx answers and dropped connections, on top of botocore's
    own retries. ``create``, ``describe``, ``stop`` and ``delete`` rely on botocore's
    retries alone (configure them on the boto3 client); :meth:`wait` has its own.

    >>> import boto3
    >>> sm = boto3.client("sagemaker", region_name="us-west-2",
    ...                   aws_access_key_id="x", aws_secret_access_key="x")
    >>> OptimizationJobClient(sm).sagemaker_client is sm
    True
    """

    sagemaker_client: SageMakerClient
    """The boto3 SageMaker client underneath (the escape hatch to the rest of the API)."""

    def _connect(
        self,
        sagemaker_client: SageMakerClient | None,
        session: Any,
        region_name: str | None,
        endpoint_url: str | None,
    ) -> None:
        if sagemaker_client is None:
            from optjob_sdk._endpoint import make_client

            sagemaker_client = make_client(session, region_name, endpoint_url)
        else:
            _calls.check_client(sagemaker_client, asynchronous=False)
        self.sagemaker_client = sagemaker_client

    def _where(self) -> tuple[str, str]:
        meta = self.sagemaker_client.meta
        region = str(getattr(meta, "region_name", None))  # not in the stubs' ClientMeta
        return region, meta.endpoint_url

    # -- the operations ---------------------------------------------------------------

    def create(self, request: CreateOptimizationJobRequest) -> CreateOptimizationJobResponse:
        """Start an optimization job; returns its ARN.

        Raises :class:`~optjob_sdk.ValidationError` (nothing sent) for any broken
        constraint, or a member the installed botocore does not know yet;
        :class:`~optjob_sdk.JobAlreadyExistsError` when the name is taken;
        :class:`~optjob_sdk.ResourceLimitExceededError` at a quota.

        Safe to retry: when botocore's retry of this call meets ``ResourceInUse`` (the answer
        to an earlier attempt was lost, the job created all the same), the job is described
        and, if it is the one this request asked for (see ``docs/client.md``, "Safe
        create"), its ARN is returned. If that check itself fails:
        :class:`~optjob_sdk.errors.CreateOutcomeUnknownError`.
        """
        # Validated and serialised in one pass (ValidationError, nothing sent). The body is
        # kept inside Params, whose repr shows none of it, so no frame shows it while the
        # call waits on the network.
        params = _calls.body(request)
        check_supported(self.sagemaker_client.meta.service_model, CREATE, request)
        name = request.optimization_job_name
        started = datetime.now(timezone.utc)
        try:
            raw = self._call(CREATE, self.sagemaker_client.create_optimization_job, params, name)
        except JobAlreadyExistsError as conflict:
            if not retry_attempts(conflict):
                raise  # the first attempt met it: the job was there before this call
            try:
                job = self.retry_policy.call(
                    partial(self._describe_for_wait, name),
                    what=f"{DESCRIBE} {name} (checking a retried create)",
                    # Just created, it may not be visible yet (eventual consistency).
                    transient=_calls.transient_or_not_found,
                )
            except OptjobError as error:
                raise outcome_unknown(name, conflict, error) from error
            return reconciled(request, conflict, job, started)
        return parse_response(CreateOptimizationJobResponse, raw, CREATE)

    def describe(self, name: str) -> DescribeOptimizationJobResponse:
        """The job's full description. :class:`~optjob_sdk.JobNotFoundError` if there is none."""
        _calls.check_name(DescribeOptimizationJobRequest, name)
        return self._describe_for_wait(name)

    def wait(
        self,
        name: str,
        *,
        timeout: float | None = None,
        poll_interval: float = 30.0,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        on_update: Callable[[DescribeOptimizationJobResponse], None] | None = None,
        progress: bool | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
    ) -> DescribeOptimizationJobResponse:
        """Poll until the job completes; returns its last description.

        Raises :class:`~optjob_sdk.JobFailedError`, :class:`~optjob_sdk.JobStoppedError` or
        :class:`~optjob_sdk.WaitTimeoutError`; see :func:`optjob_sdk.waiting.wait_for_job`
        for the polling (one Describe call per poll, growing spacing with jitter, transient
        errors ridden out). ``sleep``, ``clock`` and ``rng`` (the jitter's randomness) are
        injectable, so code that waits can be tested without waiting.
        """
        _calls.check_name(DescribeOptimizationJobRequest, name)
        # The waiter (and tenacity) load with the first wait, not with the client.
        from optjob_sdk.waiting import wait_for_job

        return wait_for_job(
            self._describe_for_wait,
            name,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_update=on_update,
            progress=progress,
            sleep=sleep,
            clock=clock,
            rng=rng,
        )

    def wait_many(
        self,
        names: Iterable[str],
        *,
        timeout: float | None = None,
        poll_interval: float = 30.0,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        on_update: Callable[[JobObservation], None] | None = None,
        progress: bool | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
    ) -> dict[str, DescribeOptimizationJobResponse]:
        """Wait until every job has ended; returns each job's final description, by name, in
        the order given (each name once). A FAILED or STOPPED job is returned, not raised: a
        sweep expects some.

        Polls a few calls a round rather than one per job: each round lists the pending
        jobs' statuses (100 a call, narrowed by name and creation time) when that costs
        fewer calls than describing each, and describes a job once when its end is seen
        (see ``docs/sweeps.md``). The keywords are :meth:`wait`'s, with the same schedule,
        deadline plan, not-found grace and riding out of transient faults; ``on_update``
        gets a description or a list summary (:data:`~optjob_sdk.waiting.JobObservation`)
        at each status change of each job.

        Raises :class:`~optjob_sdk.WaitTimeoutError` at the deadline, naming the jobs still
        running (``.names``) and keeping those that ended (``.ended``);
        :class:`~optjob_sdk.JobNotFoundError` for a name that does not appear within the
        not-found grace (or is deleted while waited for); a
        :class:`~optjob_sdk.ValidationError` for wrong arguments, before any call.

        >>> from optjob_sdk import OptimizationJobClient
        >>> from optjob_sdk.testing import FakeOptimizationService
        >>> service = FakeOptimizationService()
        >>> client = OptimizationJobClient(service.client())
        >>> client.wait_many([], sleep=service.advance, clock=service.monotonic)
        {}
        """
        from optjob_sdk.waiting import wait_for_jobs

        return wait_for_jobs(
            self._describe_for_wait,
            self._parsed_list_page,
            names,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_update=on_update,
            progress=progress,
            sleep=sleep,
            clock=clock,
            rng=rng,
        )

    def stop(self, name: str) -> None:
        """Ask the service to stop the job (it goes STOPPING, then STOPPED)."""
        _calls.check_name(StopOptimizationJobRequest, name)
        self._call(STOP, self.sagemaker_client.stop_optimization_job, _calls.named(name), name)

    def delete(self, name: str) -> None:
        """Delete the job's record. :class:`~optjob_sdk.JobNotFoundError` if there is none."""
        _calls.check_name(DeleteOptimizationJobRequest, name)
        self._call(DELETE, self.sagemaker_client.delete_optimization_job, _calls.named(name), name)

    # -- plumbing -----------------------------------------------------------------------

    def _pager(self, request: ListOptimizationJobsRequest, max_items: int | None) -> JobPager:
        return JobPager(self._list_page, request, max_items=max_items, retry=self.retry_policy)

    def _stream(self, steps: _many.Steps | None, sleep: _Sleep | None) -> _Stream:
        from optjob_sdk.waiting import _drive

        return _drive(steps, self._describe_for_wait, self._parsed_list_page, sleep)

    def _describe_for_wait(self, name: str) -> DescribeOptimizationJobResponse:
        """Describe without re-validating the name; raises the SDK's mapped errors."""
        raw = self._call(
            DESCRIBE, self.sagemaker_client.describe_optimization_job, _calls.named(name), name
        )
        return parse_response(DescribeOptimizationJobResponse, raw, DESCRIBE)

    def _parsed_list_page(self, params: dict[str, Any]) -> ListOptimizationJobsResponse:
        return parse_response(ListOptimizationJobsResponse, self._list_page(params), LIST)

    def _list_page(self, params: dict[str, Any]) -> Mapping[str, Any]:
        method = self.sagemaker_client.list_optimization_jobs
        return self._call(LIST, method, Params(params), _calls.list_subject(params))

    def _call(
        self, operation: str, method: Callable[..., Any], params: Params, subject: str
    ) -> Mapping[str, Any]:
        """One botocore call, its errors mapped (see :func:`optjob_sdk._calls.mapped_errors`).
        ``params`` keeps the request body out of this frame's locals (``repr``)."""
        endpoint: str = self.sagemaker_client.meta.endpoint_url
        with _calls.mapped_errors(operation, params, subject, endpoint):
            result: Mapping[str, Any] = method(**params.build())
        return result
