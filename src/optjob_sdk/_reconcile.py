"""Safe create: is the job that holds a name the one a create call asked for?

A create whose answer is lost (the request reached the service, the job was created, the
answer never came back) is retried by botocore, and the retry meets ``ResourceInUse``. The
client then describes the job and asks :func:`differences`; an empty answer means that the
job is this call's, and the create returns its ARN.

Plain functions with no I/O, so that a sync and an async client share them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final, cast

import attrs

from optjob_sdk.errors import CreateOutcomeUnknownError, JobAlreadyExistsError
from optjob_sdk.models import (
    CreateOptimizationJobRequest,
    CreateOptimizationJobResponse,
    DescribeOptimizationJobResponse,
)

__all__ = [
    "CLOCK_SKEW",
    "ECHOED",
    "differences",
    "outcome_unknown",
    "reconciled",
    "retry_attempts",
]

logger = logging.getLogger("optjob_sdk")

_CREATE: Final = "CreateOptimizationJob"

#: How far before the call's start (by the local clock) the job's CreationTime (by the
#: service's clock) may be. AWS refuses a SigV4-signed request whose time is more than five
#: minutes off its own, so a call that got an answer had a local clock within that of the
#: service's.
CLOCK_SKEW: Final = timedelta(minutes=5)

#: The request's members that DescribeOptimizationJob echoes back (all but ``Tags``), by
#: field name.
ECHOED: Final[tuple[str, ...]] = tuple(
    field.name
    for field in attrs.fields(CreateOptimizationJobRequest)
    if field.name in attrs.fields_dict(DescribeOptimizationJobResponse)
)

#: Lists that are sets of IDs: a VPC's subnets and security groups have no order in EC2 (an
#: ENI's groups, a subnet list), so a job that echoes them in another order is the same.
_UNORDERED: Final = frozenset({"security_group_ids", "subnets"})


def retry_attempts(error: BaseException) -> int | None:
    """How many times botocore retried the call that raised ``error`` (an SDK error whose
    ``__cause__`` is botocore's ``ClientError``); ``None`` when botocore did not say.

    botocore counts its attempts in the endpoint, whatever its retry mode, and reports the
    retries in the answer's ``ResponseMetadata.RetryAttempts``, error answers included.
    """
    metadata = _member(getattr(error.__cause__, "response", None), "ResponseMetadata")
    attempts = _member(metadata, "RetryAttempts")
    if isinstance(attempts, bool) or not isinstance(attempts, int):
        return None
    return attempts


def _member(container: object, key: str) -> object:
    return cast("dict[str, object]", container).get(key) if isinstance(container, dict) else None


def differences(
    request: CreateOptimizationJobRequest,
    job: DescribeOptimizationJobResponse,
    started: datetime,
) -> list[str]:
    """The field paths where ``job`` is not what ``request`` asked for, at a call that
    ``started`` then (an aware datetime); empty when it is the same job.

    The same job: every member the request sets and DescribeOptimizationJob echoes
    (:data:`ECHOED`) is equal, recursively (a member the request leaves unset is not
    compared: the service may fill in its default); lists in order, except a VPC's subnets
    and security group IDs; and the job was created no earlier than :data:`CLOCK_SKEW`
    before the call started. Only paths are returned, never values (they may be secrets).
    """
    found: list[str] = []
    for name in ECHOED:
        _compare(getattr(request, name), getattr(job, name), name, found)
    created = job.creation_time
    if created is None or created < started - CLOCK_SKEW:  # pyright: ignore[reportUnnecessaryComparison]
        found.append("creation_time")
    return found


def _compare(wanted: Any, got: Any, path: str, found: list[str]) -> None:
    if wanted is None:
        return
    if attrs.has(wanted.__class__):
        if got is None or not attrs.has(got.__class__):
            found.append(path)
            return
        for field in attrs.fields(wanted.__class__):
            sub = f"{path}.{field.name}"
            _compare(getattr(wanted, field.name), getattr(got, field.name, None), sub, found)
        return
    if isinstance(wanted, tuple):
        wanted_items: tuple[Any, ...] = wanted  # pyright: ignore[reportUnknownVariableType]
        is_sequence = isinstance(got, (tuple, list))
        got_items: tuple[Any, ...] = tuple(cast("Iterable[Any]", got)) if is_sequence else ()
        if path.rsplit(".", 1)[-1] in _UNORDERED:
            if sorted(map(str, wanted_items)) != sorted(map(str, got_items)):
                found.append(path)
            return
        if len(wanted_items) != len(got_items):
            found.append(path)
            return
        for index, (item, other) in enumerate(zip(wanted_items, got_items, strict=True)):
            _compare(item, other, f"{path}[{index}]", found)
        return
    if isinstance(wanted, Mapping):
        wanted_map: Mapping[Any, Any] = wanted  # pyright: ignore[reportUnknownVariableType]
        # An empty map and no map say the same: the service may drop an empty one.
        if dict(wanted_map) != (dict(got) if isinstance(got, Mapping) else {}):  # pyright: ignore[reportUnknownArgumentType]
            found.append(path)
        return
    if wanted != got:
        found.append(path)


def reconciled(
    request: CreateOptimizationJobRequest,
    conflict: JobAlreadyExistsError,
    job: DescribeOptimizationJobResponse,
    started: datetime,
) -> CreateOptimizationJobResponse:
    """After a retried create met ResourceInUse and ``job`` was described: the create's
    answer when ``job`` is this call's (see :func:`differences`); otherwise the conflict, as
    a :class:`~optjob_sdk.JobAlreadyExistsError` naming the paths that differ."""
    found = differences(request, job, started)
    if not found:
        logger.info(
            "%s %s: an earlier attempt's answer was lost and the retry met %s; the job "
            "is the one this call asked for, returning its ARN",
            _CREATE,
            request.optimization_job_name,
            conflict.code or "ResourceInUse",
        )
        return CreateOptimizationJobResponse(optimization_job_arn=job.optimization_job_arn)
    raise JobAlreadyExistsError(
        f"{conflict.message} (botocore retried the call; the job of that name is not "
        f"the one this request asks for: it differs in {', '.join(found)})",
        **conflict.answer,
    ) from conflict.__cause__


def outcome_unknown(
    name: str, conflict: JobAlreadyExistsError, error: Exception
) -> CreateOutcomeUnknownError:
    """The error of a create whose retry met ResourceInUse and whose job could not be
    described to tell whether it is this call's (``error``: why not)."""
    unknown = CreateOutcomeUnknownError(
        f"{_CREATE} {name}: botocore retried the call and the retry met "
        f"{conflict.code or 'ResourceInUse'} ({conflict.message}), so an earlier "
        "attempt may have created the job; describing it to tell failed "
        f"({type(error).__name__}: {error}). The job may be running, and billing: "
        f"describe it (`optjob describe {name}`) before creating it again",
        job_name=name,
        conflict=conflict,
    )
    unknown.__cause__ = error
    return unknown
