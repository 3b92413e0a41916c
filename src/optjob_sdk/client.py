"""``OptimizationJobClient``: create, describe, list, wait, stop and delete optimization jobs.

Every request is validated before anything is sent; every botocore exception is mapped onto
the SDK's hierarchy (see ``docs/client.md``), the original kept as ``__cause__``.

>>> from optjob_sdk import OptimizationJobClient
>>> client = OptimizationJobClient(region_name="us-west-2")   # doctest: +SKIP
>>> client.describe("llama3-8b-awq-2026-11-24").optimization_job_status  # doctest: +SKIP
<JobStatus.COMPLETED: 'COMPLETED'>
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timezone
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from optjob_sdk._botocore_logs import (
    begin_call,
    end_call,
    install,
    known_secrets,
    scrub_exception,
)
from optjob_sdk._client_compat import FIELD_NAMES, check_supported
from optjob_sdk._errors_map import is_transient, map_error, parse_response
from optjob_sdk._reconcile import differences, retry_attempts
from optjob_sdk._validation import check
from optjob_sdk.converter import to_dict, validate
from optjob_sdk.enums import JobStatus, SortBy, SortOrder
from optjob_sdk.errors import (
    CreateOutcomeUnknownError,
    JobAlreadyExistsError,
    JobNotFoundError,
    OptjobError,
    ValidationError,
)
from optjob_sdk.models import (
    CreateOptimizationJobRequest,
    CreateOptimizationJobResponse,
    DeleteOptimizationJobRequest,
    DescribeOptimizationJobRequest,
    DescribeOptimizationJobResponse,
    ListOptimizationJobsResponse,
    StopOptimizationJobRequest,
)
from optjob_sdk.paging import MAX_PAGE_SIZE, JobPager, RetryPolicy, list_request
from optjob_sdk.waiting import (
    DEFAULT_MAX_POLL_INTERVAL,
    JobObservation,
    jobs_as_completed,
    wait_for_job,
    wait_for_jobs,
)

if TYPE_CHECKING:
    import random

    from mypy_boto3_sagemaker import SageMakerClient

__all__ = ["OptimizationJobClient", "RetryPolicy"]

logger = logging.getLogger("optjob_sdk")

_CREATE: Final = "CreateOptimizationJob"
_DESCRIBE: Final = "DescribeOptimizationJob"
_LIST: Final = "ListOptimizationJobs"
_STOP: Final = "StopOptimizationJob"
_DELETE: Final = "DeleteOptimizationJob"

_NameRequest = type[
    DescribeOptimizationJobRequest | StopOptimizationJobRequest | DeleteOptimizationJobRequest
]


class OptimizationJobClient:
    """The SageMaker AI inference-optimization-job API, typed and validated.

    Give it a boto3 SageMaker client (used as is: no event handler is registered on it and
    its config is not changed), or a boto3 ``Session``, a ``region_name`` and an
    ``endpoint_url``; with none, it builds a client the way ``boto3.client("sagemaker")``
    would (default session, environment, ``~/.aws/config``). For an ``endpoint_url`` on this
    machine (an emulator: ``optjob emulator``, ``FakeOptimizationService.serve()``), a region
    and credentials that are not configured are filled in with placeholders. A malformed
    endpoint URL (``127.0.0.1:8765``, without a scheme) is a
    :class:`~optjob_sdk.ConfigurationError`. The boto3 client stays reachable as
    :attr:`sagemaker_client`.

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

    def __init__(
        self,
        sagemaker_client: SageMakerClient | None = None,
        *,
        session: Any = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        if sagemaker_client is not None:
            if session is not None or region_name is not None or endpoint_url is not None:
                raise TypeError(
                    "pass either a sagemaker_client or session=/region_name=/endpoint_url=, "
                    "not both: an existing client already has its session, region and endpoint"
                )
            self.sagemaker_client = sagemaker_client
        else:
            from optjob_sdk._endpoint import make_client

            self.sagemaker_client = make_client(session, region_name, endpoint_url)
        self.retry_policy: RetryPolicy = retry_policy if retry_policy is not None else RetryPolicy()
        install()  # secrets out of botocore's DEBUG records of this client's calls

    def __repr__(self) -> str:
        meta = self.sagemaker_client.meta
        region = str(getattr(meta, "region_name", None))  # not in the stubs' ClientMeta
        endpoint: str = meta.endpoint_url
        return f"OptimizationJobClient(region={region!r}, endpoint={endpoint!r})"

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
        validate(request)
        name = request.optimization_job_name
        check_supported(self.sagemaker_client.meta.service_model, _CREATE, request)
        started = datetime.now(timezone.utc)
        try:
            # The body is built inside _call, so no frame holds it during the call.
            raw = self._call(
                _CREATE, self.sagemaker_client.create_optimization_job, _body(request), name
            )
        except JobAlreadyExistsError as conflict:
            if not retry_attempts(conflict):
                raise  # the first attempt met it: the job was there before this call
            return self._reconcile(request, conflict, started)
        return parse_response(CreateOptimizationJobResponse, raw, _CREATE)

    def _reconcile(
        self,
        request: CreateOptimizationJobRequest,
        conflict: JobAlreadyExistsError,
        started: datetime,
    ) -> CreateOptimizationJobResponse:
        """After a retried create met ResourceInUse: this call's job, or the conflict."""
        name = request.optimization_job_name
        try:
            job = self.retry_policy.call(
                partial(self._describe_for_wait, name),
                what=f"{_DESCRIBE} {name} (checking a retried create)",
                # Just created, it may not be visible yet (eventual consistency).
                transient=_transient_or_not_found,
            )
        except OptjobError as error:
            raise CreateOutcomeUnknownError(
                f"{_CREATE} {name}: botocore retried the call and the retry met "
                f"{conflict.code or 'ResourceInUse'} ({conflict.message}), so an earlier "
                "attempt may have created the job; describing it to tell failed "
                f"({type(error).__name__}: {error}). The job may be running, and billing: "
                f"describe it (`optjob describe {name}`) before creating it again",
                job_name=name,
                conflict=conflict,
            ) from error
        found = differences(request, job, started)
        if not found:
            logger.info(
                "%s %s: an earlier attempt's answer was lost and the retry met %s; the job "
                "is the one this call asked for, returning its ARN",
                _CREATE,
                name,
                conflict.code or "ResourceInUse",
            )
            return CreateOptimizationJobResponse(optimization_job_arn=job.optimization_job_arn)
        differing = ", ".join(found)
        raise JobAlreadyExistsError(
            f"{conflict.message} (botocore retried the call; the job of that name is not "
            f"the one this request asks for: it differs in {differing})",
            **conflict.answer,
        ) from conflict.__cause__

    def describe(self, name: str) -> DescribeOptimizationJobResponse:
        """The job's full description. :class:`~optjob_sdk.JobNotFoundError` if there is none."""
        _check_name(DescribeOptimizationJobRequest, name)
        return self._describe_for_wait(name)

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
    ) -> JobPager:
        """A lazy iterable of job summaries matching the filters (see :class:`JobPager`).

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
        return JobPager(self._list_page, request, max_items=max_items, retry=self.retry_policy)

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
        _check_name(DescribeOptimizationJobRequest, name)
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

    def as_completed(
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
    ) -> Iterator[DescribeOptimizationJobResponse]:
        """Each job's final description as soon as its end is seen, each once, in the order
        the ends are seen: the streaming form of :meth:`wait_many`, like
        ``concurrent.futures.as_completed``. The arguments are checked at the call; nothing
        is sent until the iterator is advanced. At the deadline the iterator raises
        :class:`~optjob_sdk.WaitTimeoutError` (the jobs still running are ``.names``).

        ::

            for job in client.as_completed(names, timeout=3 * 3600):
                print(job.optimization_job_name, job.optimization_job_status)
        """
        return jobs_as_completed(
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
        _check_name(StopOptimizationJobRequest, name)
        self._call(_STOP, self.sagemaker_client.stop_optimization_job, _named(name), name)

    def delete(self, name: str) -> None:
        """Delete the job's record. :class:`~optjob_sdk.JobNotFoundError` if there is none."""
        _check_name(DeleteOptimizationJobRequest, name)
        self._call(_DELETE, self.sagemaker_client.delete_optimization_job, _named(name), name)

    # -- plumbing -----------------------------------------------------------------------

    def _describe_for_wait(self, name: str) -> DescribeOptimizationJobResponse:
        """Describe without re-validating the name; raises the SDK's mapped errors."""
        raw = self._call(
            _DESCRIBE, self.sagemaker_client.describe_optimization_job, _named(name), name
        )
        return parse_response(DescribeOptimizationJobResponse, raw, _DESCRIBE)

    def _parsed_list_page(self, params: dict[str, Any]) -> ListOptimizationJobsResponse:
        return parse_response(ListOptimizationJobsResponse, self._list_page(params), _LIST)

    def _list_page(self, params: dict[str, Any]) -> Mapping[str, Any]:
        subject = f"MaxResults={params.get('MaxResults')}"
        return self._call(
            _LIST, self.sagemaker_client.list_optimization_jobs, _Params(params), subject
        )

    def _call(
        self,
        operation: str,
        method: Callable[..., Any],
        params: _Params,
        subject: str,
    ) -> Mapping[str, Any]:
        """One botocore call: errors mapped, one DEBUG line (operation, subject, outcome,
        time). ``params`` keeps the request body out of this frame's locals (``repr``)."""
        start = time.perf_counter()
        # botocore's DEBUG records of this call get their environment values masked.
        token = begin_call(params.secrets)
        try:
            result: Mapping[str, Any] = method(**params.build())
        except Exception as error:
            end_call(token)
            scrub_exception(error, params.secrets)
            endpoint: str = self.sagemaker_client.meta.endpoint_url
            mapped = map_error(
                error,
                operation=operation,
                endpoint=endpoint,
                field_names=FIELD_NAMES,
            )
            if mapped is None:
                raise  # not botocore's: a bug to see as it is
            if logger.isEnabledFor(logging.DEBUG):
                code = getattr(mapped, "code", "")
                outcome = f"{type(mapped).__name__}{f' ({code})' if code else ''}"
                _log(operation, subject, outcome, start)
            raise mapped from error
        end_call(token)
        if logger.isEnabledFor(logging.DEBUG):
            _log(operation, subject, "ok", start)
        return result


class _Params:
    """A request's keyword arguments, built when the call is made; ``repr`` shows none.

    Request bodies hold environment maps, whose values may be secrets: a frame that keeps
    one as a local shows it to anything that captures locals (Sentry, ``pytest -l``) while
    the call waits on the network.
    """

    __slots__ = ("_build", "_data", "secrets")

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        build: Callable[[], dict[str, Any]] | None = None,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self._data = data
        self._build = build
        self.secrets = secrets  # values to mask in botocore's records of this call

    def build(self) -> dict[str, Any]:
        if self._build is not None:
            return self._build()
        return self._data if self._data is not None else {}

    def __repr__(self) -> str:
        return "<request parameters: not shown>"

    __str__ = __repr__


def _body(request: CreateOptimizationJobRequest) -> _Params:
    return _Params(build=partial(to_dict, request), secrets=known_secrets(request))


def _named(name: str) -> _Params:
    return _Params({"OptimizationJobName": name})


def _transient_or_not_found(error: BaseException) -> bool:
    return isinstance(error, JobNotFoundError) or is_transient(error)


def _log(operation: str, subject: str, outcome: str, start: float) -> None:
    # Only the operation, the job name (or the page size), the outcome and the duration:
    # request bodies carry environment maps, whose values may be secrets.
    elapsed = (time.perf_counter() - start) * 1000
    logger.debug("%s %s: %s in %.1f ms", operation, subject, outcome, elapsed)


def _check_name(request_cls: _NameRequest, name: str) -> None:
    problems = check(request_cls(optimization_job_name=name))
    if problems:
        raise ValidationError(problems, subject=request_cls.__name__)
