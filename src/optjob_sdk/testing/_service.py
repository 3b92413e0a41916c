"""The emulated service: jobs, a virtual clock, faults, and the five operations on raw JSON."""

from __future__ import annotations

import base64
import binascii
import bisect
import dataclasses
import fnmatch
import functools
import hashlib
import hmac
import itertools
import json
import logging
import math
import random
import re
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Final, cast

from optjob_sdk.testing._validation import InputError, fits, validate_input

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient
    from types_aiobotocore_sagemaker import SageMakerClient as AioSageMakerClient

__all__ = [
    "FAULT_KINDS",
    "Answer",
    "Durations",
    "FakeOptimizationService",
    "Fault",
    "error_answer",
    "is_job_name_or_pattern",
]

_log = logging.getLogger("optjob_sdk.testing")

OPERATIONS: Final = (
    "CreateOptimizationJob",
    "DescribeOptimizationJob",
    "ListOptimizationJobs",
    "StopOptimizationJob",
    "DeleteOptimizationJob",
)
_TECHNIQUES: Final = (
    ("ModelQuantizationConfig", "Quantization"),
    ("ModelCompilationConfig", "Compilation"),
    ("ModelShardingConfig", "Sharding"),
    ("ModelSpeculativeDecodingConfig", "SpeculativeDecoding"),
)
_DEFAULT_IMAGE: Final = (
    "763104351884.dkr.ecr.{region}.{dns_suffix}/djl-inference:0.29.0-lmi11.0.0-cu124"
)
#: Fault kinds that answer in place of the operation (it is not applied).
_BEFORE: Final = ("throttle", "server_error", "unavailable", "drop", "latency")
#: Fault kinds that apply the operation, then spoil its answer.
_AFTER: Final = (
    "answer_lost",
    "null_answer",
    "list_answer",
    "garbage_timestamp",
    "huge_timestamp",
)
#: Every fault kind :meth:`FakeOptimizationService.inject` knows.
FAULT_KINDS: Final = _BEFORE + _AFTER
_OUTCOMES: Final = ("COMPLETED", "FAILED", "STOPPED")
_REGION: Final = re.compile(r"[a-z]{2,}(-[a-z0-9]+)*-[0-9]+")
_GLOB: Final = frozenset("*?[")
_ACTIVE: Final = frozenset({"STARTING", "INPROGRESS"})
_TERMINAL: Final = frozenset({"COMPLETED", "FAILED", "STOPPED"})


@dataclass(frozen=True)
class Durations:
    """How long a job spends in each state, in (virtual) seconds.

    The defaults are short and realistic: a minute STARTING, twenty minutes INPROGRESS
    (always capped well within the job's own ``MaxRuntimeInSeconds``: at most half of it),
    thirty seconds STOPPING.
    """

    starting: float = 60.0
    in_progress: float = 1200.0
    stopping: float = 30.0


@dataclass
class Answer:
    """A raw protocol answer: HTTP status, headers, body."""

    status: int
    headers: dict[str, str]
    body: bytes


class _Dropped(Exception):
    """The connection is to be dropped without an answer (a fault)."""


@dataclass
class Fault:
    """One fault rule for an operation (see :meth:`FakeOptimizationService.inject`)."""

    kind: str  # one of FAULT_KINDS
    remaining: int | None = None  # the next N calls; None: every call (subject to rate)
    rate: float = 1.0
    seconds: float = 0.0  # for latency
    rng: random.Random = field(default_factory=random.Random)

    def fires(self) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.rate < 1.0 and self.rng.random() >= self.rate:
            return False
        if self.remaining is not None:
            self.remaining -= 1
        return True


@dataclass
class _Job:
    request: dict[str, Any]
    arn: str
    created: float
    durations: Durations
    outcome: str = "COMPLETED"
    failure_reason: str | None = None
    status: str = "STARTING"
    started: float | None = None
    ended: float | None = None
    modified: float = 0.0
    stop_at: float | None = None

    @property
    def name(self) -> str:
        return str(self.request["OptimizationJobName"])

    @functools.cached_property
    def _types(self) -> tuple[str, ...]:
        # The request never changes: its techniques are worked out once.
        found: list[str] = []
        for config in self.request.get("OptimizationConfigs", []):
            for member, label in _TECHNIQUES:
                if config.get(member) is not None and label not in found:
                    found.append(label)
        return tuple(found)

    def types(self) -> list[str]:
        return list(self._types)

    def as_of(self, when: float) -> _Job:
        """The job as it was at ``when`` (at most the time of its last :meth:`refresh`).

        Itself when nothing has changed since ``when``; otherwise a copy whose timeline is
        replayed from creation to ``when`` (the timeline is a function of the virtual clock,
        so the past is computed, not stored). The job itself is untouched.
        """
        if when >= self.modified:
            return self
        past = dataclasses.replace(
            self, status="STARTING", started=None, ended=None, modified=self.created
        )
        past.refresh(when)
        return past

    def refresh(self, now: float) -> None:
        """Replay every transition due by ``now``, in order."""
        while True:
            due = self._next_transition()
            if due is None or due[0] > now:
                return
            at, status = due
            if status == "INPROGRESS":
                self.started = at
            if status == "STOPPING" and self.stop_at is None:
                self.stop_at = at  # the STOPPED outcome: stopped by someone else
            if status in _TERMINAL:
                self.ended = at
            if status == "FAILED" and self.failure_reason is None:
                self.failure_reason = "The optimization job failed."
            self.status = status
            self.modified = at

    def _next_transition(self) -> tuple[float, str] | None:
        if self.status == "STARTING":
            started = self.created + self.durations.starting
            # Compared, not assumed: a replay (as_of) sees a stop made later, while INPROGRESS.
            if self.stop_at is not None and self.stop_at < started:
                return self.stop_at, "STOPPING"
            return started, "INPROGRESS"
        if self.status == "INPROGRESS":
            assert self.started is not None
            runtime = self._runtime_limit()
            finish = self.started + self.durations.in_progress
            candidates = [(finish, "STOPPING" if self.outcome == "STOPPED" else self.outcome)]
            if runtime is not None and self.started + runtime < finish:
                candidates = [(self.started + runtime, "FAILED")]
                self.failure_reason = (
                    f"The job exceeded its MaxRuntimeInSeconds ({runtime}s) and was ended."
                )
            if self.stop_at is not None and self.stop_at < candidates[0][0]:
                return self.stop_at, "STOPPING"
            return candidates[0]
        if self.status == "STOPPING":
            assert self.stop_at is not None
            return self.stop_at + self.durations.stopping, "STOPPED"
        return None

    def _runtime_limit(self) -> int | None:
        condition: dict[str, Any] = self.request.get("StoppingCondition") or {}
        value = condition.get("MaxRuntimeInSeconds")
        return int(value) if isinstance(value, int) else None


class FakeOptimizationService:
    """An in-process emulator of the SageMaker AI optimization-job API.

    It is the server side: it answers the raw AWS JSON 1.1 protocol, checks every request
    against botocore's service model, and runs jobs on a virtual clock.

    >>> service = FakeOptimizationService()
    >>> sm = service.client()                     # a real boto3 client, no socket
    >>> sm.list_optimization_jobs()["OptimizationJobSummaries"]
    []
    >>> service.advance(60)                       # move the virtual clock a minute

    Args:
        start_time: the virtual clock's start (default: now).
        region, account_id: what ARNs carry (the partition follows the region, as botocore's
            endpoint data says: ``cn-north-1`` gives ``arn:aws-cn:...``). The region a client
            signs for is not checked: the real service would never see such a request.
        durations: default :class:`Durations` for every job.
        realtime: let virtual time flow with real time, ``speed`` times faster (demos).
        seed: seeds fault injection's randomness.
        list_lag: seconds by which ListOptimizationJobs lags DescribeOptimizationJob, as the
            eventually consistent service's listings can (see :attr:`list_lag`); default 0.
    """

    def __init__(
        self,
        *,
        start_time: datetime | None = None,
        region: str = "us-west-2",
        account_id: str = "111122223333",
        durations: Durations | None = None,
        realtime: bool = False,
        speed: float = 1.0,
        seed: int | None = None,
        list_lag: float = 0.0,
    ) -> None:
        if not _REGION.fullmatch(str(region)):
            raise ValueError(f"not a region name: {region!r} (for example us-west-2)")
        if not re.fullmatch(r"[0-9]{12}", str(account_id)):
            raise ValueError(f"not an account ID (12 digits): {account_id!r}")
        start = start_time if start_time is not None else datetime.now(timezone.utc)
        self.region = region
        self.account_id = account_id
        self.durations = durations if durations is not None else Durations()
        self._base = start.timestamp()
        self._offset = 0.0
        self._realtime = realtime
        self._speed = speed
        self._mono0 = time.monotonic()
        self._lock = threading.RLock()
        self._jobs: dict[str, _Job] = {}
        # (CreationTime, name) of every job, sorted: ListOptimizationJobs' default order, so
        # that a page (a creation window, a NextToken position) is found by bisection
        # instead of sorting every job on every call.
        self._by_creation: list[tuple[float, str]] = []
        self._list_lag = 0.0
        self.list_lag = list_lag
        self._planned: dict[str, tuple[str, str | None, Durations | None]] = {}
        self._rules: list[tuple[str, tuple[str, str | None, Durations | None]]] = []
        # Signs NextTokens: a token this instance did not make is refused, never trusted.
        self._token_key = secrets.token_bytes(16)
        self._faults: dict[str, list[Fault]] = {}
        self._rng = random.Random(seed)
        self._calls: Counter[str] = Counter()
        self.call_log: list[tuple[str, dict[str, Any]]] = []
        """Every call received, in order: (operation, request parameters)."""

    @property
    def partition(self) -> str:
        """The ARN partition of :attr:`region` (``aws``, ``aws-cn``, ...)."""
        return _partition(self.region)[0]

    @property
    def dns_suffix(self) -> str:
        """The DNS suffix of :attr:`region`'s partition (``amazonaws.com``, ...)."""
        return _partition(self.region)[1]

    # -- the clock ----------------------------------------------------------------------

    def _now(self) -> float:
        elapsed = (time.monotonic() - self._mono0) * self._speed if self._realtime else 0.0
        return self._base + elapsed + self._offset

    @property
    def now(self) -> datetime:
        """The virtual time (timezone-aware, UTC)."""
        with self._lock:
            return datetime.fromtimestamp(self._now(), tz=timezone.utc)

    def advance(self, seconds: float) -> None:
        """Move the virtual clock forward; jobs move through their states accordingly.

        Fits tenacity-style ``sleep=`` hooks: ``client.wait(name, sleep=service.advance)``.
        """
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds

    async def advance_async(self, seconds: float) -> None:
        """The async twin of :meth:`advance`: moves the virtual clock, then lets the event
        loop run its other tasks once, as a real ``asyncio.sleep`` would.

        Fits the async client's ``sleep=``; several tasks sleeping on it each move the
        clock by their own delay.

        >>> import asyncio
        >>> service = FakeOptimizationService()
        >>> before = service.monotonic()
        >>> asyncio.run(service.advance_async(90))
        >>> service.monotonic() - before
        90.0
        """
        import asyncio  # here: importing the emulator stays cheap for sync users

        self.advance(seconds)
        await asyncio.sleep(0)

    def monotonic(self) -> float:
        """The virtual clock as a monotonic reading (for a waiter's ``clock=``)."""
        return self._now()

    @property
    def list_lag(self) -> float:
        """Seconds by which ListOptimizationJobs lags DescribeOptimizationJob (default 0).

        The real service's listings are eventually consistent: a job just created may be
        missing, a job that just ended may still be listed INPROGRESS, while Describe is
        current. With ``list_lag = L`` a listing answers as of virtual time ``now - L``: jobs
        created after it are absent, and every job's status, LastModifiedTime and start and
        end times are those it had then, filters (``StatusEquals``, ``LastModifiedTime*``)
        included. Describe stays current; a deleted job vanishes from both at once. Settable
        at any time (a test can lag only the part that matters).

        >>> service = FakeOptimizationService(list_lag=5)
        >>> service.list_lag = 0                      # listings current again
        """
        return self._list_lag

    @list_lag.setter
    def list_lag(self, seconds: float) -> None:
        value = cast("object", seconds)  # checked as given: "5" or True is not a lag
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not (math.isfinite(value) and value >= 0)
        ):
            raise ValueError(f"list_lag is a finite, non-negative number of seconds, not {value!r}")
        with self._lock:
            self._list_lag = float(seconds)

    # -- outcomes, durations, faults ------------------------------------------------------

    def set_outcome(
        self,
        name: str,
        status: str = "FAILED",
        *,
        reason: str | None = None,
        durations: Durations | None = None,
    ) -> None:
        """Decide how job ``name`` ends, and optionally its durations.

        ``status``: ``"COMPLETED"``, ``"FAILED"`` (with ``reason`` as its FailureReason) or
        ``"STOPPED"`` (someone stops it at the end of its run: STOPPING, then STOPPED).
        For a job name this works before or after the job is created. ``name`` may also be
        a glob pattern (``"sweep-*"``, ``"job-?"``; job names never hold ``*?[``): it then
        applies to every job created later whose name matches. An exact name wins over
        patterns, and an earlier pattern over a later one.

        >>> service = FakeOptimizationService()
        >>> service.set_outcome("sweep-*", "FAILED", reason="ClientError: out of memory")
        """
        if status not in _OUTCOMES:
            raise ValueError(f"a job's outcome is one of {', '.join(_OUTCOMES)}, not {status!r}")
        if reason is not None and status != "FAILED":
            raise ValueError("only a FAILED outcome has a reason")
        if status == "FAILED" and reason is None:
            reason = "ClientError: the model could not be quantized."
        plan = (status, reason, durations)
        with self._lock:
            if _GLOB & set(name):
                self._rules.append((name, plan))
                return
            job = self._jobs.get(name)
            if job is not None:
                job.outcome, job.failure_reason = status, reason
                if durations is not None:
                    job.durations = durations
            else:
                self._planned[name] = plan

    def inject(
        self,
        operation: str,
        kind: str,
        *,
        times: int | None = 1,
        rate: float = 1.0,
        seconds: float = 0.0,
        seed: int | None = None,
    ) -> Fault:
        """Make ``operation`` misbehave.

        ``kind``, in place of the operation (nothing is applied): ``"throttle"``
        (ThrottlingException, HTTP 400), ``"server_error"`` (500 InternalFailure),
        ``"unavailable"`` (503 ServiceUnavailable), ``"drop"`` (the connection is dropped
        without an answer) or ``"latency"`` (``seconds`` of real delay, then the answer).

        ``kind``, after the operation is applied (a created job IS created), its answer
        spoiled: ``"answer_lost"`` (the connection is dropped without an answer),
        ``"null_answer"`` (a 200 whose body is ``null``), ``"list_answer"`` (a JSON list),
        ``"garbage_timestamp"`` / ``"huge_timestamp"`` (the answer's first timestamp becomes
        ``"garbage"`` / ``1e20``; answers without one pass unchanged). The spoiling kinds
        touch successful answers only (error answers pass), except ``answer_lost``.

        ``times``: the next N calls (``None``: every call); ``rate``: the share of calls
        hit, drawn from ``seed``. ``operation="*"`` hits all.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r} (one of {', '.join(FAULT_KINDS)})")
        if operation != "*" and operation not in OPERATIONS:
            raise ValueError(f"unknown operation {operation!r}")
        if times is not None and (isinstance(times, bool) or times < 1):
            raise ValueError(f"times is a positive count or None, not {times!r}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate is a share between 0 and 1, not {rate!r}")
        if not (math.isfinite(seconds) and seconds >= 0):
            raise ValueError(f"seconds is a finite, non-negative delay, not {seconds!r}")
        rng = random.Random(seed if seed is not None else self._rng.random())
        fault = Fault(kind, times, rate, seconds, rng)
        with self._lock:
            self._faults.setdefault(operation, []).append(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            self._faults.clear()

    def calls(self, operation: str | None = None) -> int:
        """How many calls arrived (for one operation, or all), faults included."""
        with self._lock:
            return self._calls[operation] if operation else sum(self._calls.values())

    def job_names(self) -> list[str]:
        """The names of every job the service holds."""
        with self._lock:
            return list(self._jobs)

    def load_scenario(self, source: Any) -> None:
        """Set up outcomes, durations and faults from a scenario: a path to a JSON file (YAML
        for ``.yaml``/``.yml``, with PyYAML) or a mapping of the same shape.

        Raises :class:`~optjob_sdk.testing.ScenarioError` (a ``ValueError`` with a one-line
        message naming the place) when the scenario is wrong; nothing is applied then.

        >>> service = FakeOptimizationService()
        >>> service.load_scenario({"jobs": [{"name": "bad-*", "outcome": "FAILED"}]})
        """
        from optjob_sdk.testing._scenario import load_scenario

        load_scenario(source).apply(self)

    # -- transports ------------------------------------------------------------------------

    def client(self, **kwargs: Any) -> SageMakerClient:
        """A real boto3 SageMaker client whose requests this service answers in-process.

        Dummy credentials are used (never yours); ``kwargs`` (``config=`` for retries, say)
        go to ``boto3.client``.
        """
        from optjob_sdk.testing._transport import in_process_client

        client: SageMakerClient = in_process_client(self, **kwargs)
        return client

    def aio_client(self, **kwargs: Any) -> AbstractAsyncContextManager[AioSageMakerClient]:
        """An aiobotocore SageMaker client whose requests this service answers in-process:
        aiobotocore's own client context manager, no socket (needs the ``aio`` extra).

        Dummy credentials are used (never yours); ``kwargs`` (``config=`` for retries, say)
        go to ``AioSession().create_client``. Every fault of :meth:`inject` reaches it as it
        reaches :meth:`client`; a ``latency`` fault delays its own call only, not the loop.

        >>> import asyncio
        >>> service = FakeOptimizationService()
        >>> async def main() -> list[object]:
        ...     async with service.aio_client() as sm:
        ...         return (await sm.list_optimization_jobs())["OptimizationJobSummaries"]
        >>> asyncio.run(main())
        []

        Raises ModuleNotFoundError (naming ``pip install 'optjob-sdk[aio]'``) without
        aiobotocore.
        """
        from optjob_sdk.testing._transport import in_process_aio_client

        context: AbstractAsyncContextManager[AioSageMakerClient] = in_process_aio_client(
            self, **kwargs
        )
        return context

    def serve(
        self, port: int = 0, *, timeout: float = 15.0, max_connections: int = 64
    ) -> AbstractContextManager[str]:
        """Serve this service over HTTP on 127.0.0.1 (a context manager yielding the URL).

        ``timeout``: seconds a connection may idle (or a request take to arrive) before it
        is closed; ``max_connections``: connections served at once, one more is answered
        503 ServiceUnavailable. Bodies over 8 MiB are answered 413.

        >>> import boto3
        >>> with FakeOptimizationService().serve() as url:
        ...     sm = boto3.client("sagemaker", endpoint_url=url, region_name="us-west-2",
        ...                       aws_access_key_id="x", aws_secret_access_key="x")
        ...     sm.list_optimization_jobs()["OptimizationJobSummaries"]
        []
        """
        from optjob_sdk.testing._transport import serve

        return serve(self, port, timeout=timeout, max_connections=max_connections)

    # -- the protocol ----------------------------------------------------------------------

    def handle(self, target: str, body: bytes) -> Answer:
        """Answer one AWS JSON 1.1 request (``X-Amz-Target`` and body) as the service would.

        Always an answer, never an exception, whatever the body holds: a bug in the emulator
        is a 500 InternalFailure (and an ERROR log record), not a hang. The one exception is
        an internal one for a dropped connection, which transports turn into a closed socket.
        """
        request_id = str(uuid.uuid4())
        try:
            return self._handle(target, body, request_id)
        except _Dropped:
            raise
        except Exception as error:
            _log.exception("the emulator failed to answer %s", target[:100])
            return error_answer(
                500, "InternalFailure", f"The emulator failed: {type(error).__name__}", request_id
            )

    def _handle(self, target: str, body: bytes, request_id: str) -> Answer:
        prefix, _, operation = target.partition(".")
        with self._lock:
            self._calls[operation] += 1
            faults = [*self._faults.get(operation, []), *self._faults.get("*", [])]
            fired = [fault for fault in faults if fault.fires()]
        for fault in fired:
            if fault.kind == "latency":
                time.sleep(fault.seconds)
        for fault in fired:
            if fault.kind == "drop":
                raise _Dropped
            if fault.kind == "throttle":
                return error_answer(400, "ThrottlingException", "Rate exceeded", request_id)
            if fault.kind == "server_error":
                return error_answer(
                    500, "InternalFailure", "An internal error occurred.", request_id
                )
            if fault.kind == "unavailable":
                return error_answer(503, "ServiceUnavailable", "Service unavailable.", request_id)
        answer = self._answer(prefix, operation, body, request_id)
        for fault in fired:
            answer = _spoil(fault.kind, answer)
        return answer

    def _answer(self, prefix: str, operation: str, body: bytes, request_id: str) -> Answer:
        if prefix != "SageMaker" or operation not in OPERATIONS:
            shown = f"{prefix}.{operation}"[:100]
            return error_answer(
                400, "UnknownOperationException", f"Unknown operation {shown}", request_id
            )
        try:
            decoded: Any = json.loads(body or b"{}")
        except (ValueError, RecursionError):
            # RecursionError: a body nested deeper than the parser goes (a "[[[[..." attack).
            return error_answer(400, "SerializationException", "Malformed JSON body", request_id)
        if not isinstance(decoded, dict):
            return error_answer(400, "SerializationException", "Expected a JSON object", request_id)
        sent = cast("dict[str, Any]", decoded)
        # null is "not set", as the service reads JSON: the operations never see it.
        params: dict[str, Any] = _without_nulls(sent)
        with self._lock:
            self.call_log.append((operation, sent))
            try:
                validate_input(_operation_model(operation).input_shape, params)
                result = getattr(self, f"_op_{operation}")(params)
            except InputError as error:
                return error_answer(400, "ValidationException", str(error), request_id)
            except _ServiceFault as error:
                return error_answer(400, error.code, error.message, request_id)
        return Answer(200, _headers(request_id), json.dumps(result).encode())

    # -- the operations ----------------------------------------------------------------------

    def _op_CreateOptimizationJob(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["OptimizationJobName"]
        if name in self._jobs:
            raise _ServiceFault("ResourceInUse", f"Optimization job {name} already exists.")
        now = self._now()
        arn = (
            f"arn:{self.partition}:sagemaker:{self.region}:{self.account_id}"
            f":optimization-job/{name}"
        )
        planned = self._planned.pop(name, None)
        outcome, reason, durations = planned or self._rule_for(name)
        chosen = durations if durations is not None else self._default_durations(params)
        job = _Job(params, arn, now, chosen, outcome, reason, modified=now)
        self._jobs[name] = job
        bisect.insort(self._by_creation, (now, name))
        return {"OptimizationJobArn": arn}

    def _rule_for(self, name: str) -> tuple[str, str | None, Durations | None]:
        for pattern, plan in self._rules:
            if fnmatch.fnmatchcase(name, pattern):
                return plan
        return ("COMPLETED", None, None)

    def _default_durations(self, params: dict[str, Any]) -> Durations:
        condition: dict[str, Any] = params.get("StoppingCondition") or {}
        runtime = condition.get("MaxRuntimeInSeconds")
        base = self.durations
        if isinstance(runtime, int) and base.in_progress > runtime / 2:
            # Finish well within the job's own limit, as a healthy job does.
            return Durations(base.starting, runtime / 2, base.stopping)
        return base

    def _job(self, name: str) -> _Job:
        job = self._jobs.get(name)
        if job is None:
            raise _ServiceFault("ResourceNotFound", f"Optimization job {name} does not exist.")
        job.refresh(self._now())
        return job

    def _op_DescribeOptimizationJob(self, params: dict[str, Any]) -> dict[str, Any]:
        job = self._job(params["OptimizationJobName"])
        request = job.request
        out: dict[str, Any] = {
            "OptimizationJobArn": job.arn,
            "OptimizationJobStatus": job.status,
            "CreationTime": job.created,
            "LastModifiedTime": job.modified,
            "OptimizationJobName": job.name,
        }
        if job.started is not None:
            out["OptimizationStartTime"] = job.started
        if job.ended is not None:
            out["OptimizationEndTime"] = job.ended
        if job.status == "FAILED" and job.failure_reason:
            out["FailureReason"] = job.failure_reason
        output_shape = _operation_model("DescribeOptimizationJob").output_shape
        for member in output_shape.members:
            if member not in out and member in request:
                out[member] = request[member]
        if job.status == "COMPLETED":
            out["OptimizationOutput"] = {"RecommendedInferenceImage": self._image(job)}
        return out

    def _image(self, job: _Job) -> str:
        image = _DEFAULT_IMAGE.format(region=self.region, dns_suffix=self.dns_suffix)
        for config in job.request.get("OptimizationConfigs", []):
            for member, _ in _TECHNIQUES:
                technique: dict[str, Any] = config.get(member) or {}
                if technique.get("Image"):
                    image = str(technique["Image"])
        return image

    def _summary(self, job: _Job) -> dict[str, Any]:
        out: dict[str, Any] = {
            "OptimizationJobName": job.name,
            "OptimizationJobArn": job.arn,
            "CreationTime": job.created,
            "OptimizationJobStatus": job.status,
            "LastModifiedTime": job.modified,
            "DeploymentInstanceType": job.request["DeploymentInstanceType"],
            "OptimizationTypes": job.types(),
        }
        if job.started is not None:
            out["OptimizationStartTime"] = job.started
        if job.ended is not None:
            out["OptimizationEndTime"] = job.ended
        if "MaxInstanceCount" in job.request and "MaxInstanceCount" in _summary_members():
            out["MaxInstanceCount"] = job.request["MaxInstanceCount"]
        return out

    def _op_ListOptimizationJobs(self, params: dict[str, Any]) -> dict[str, Any]:
        now = self._now()
        # The listing's view of the world: ``list_lag`` seconds ago (eventual consistency).
        seen_at = now - self._list_lag
        # botocore documents the defaults: CreationTime, Ascending.
        sort_by = params.get("SortBy") or "CreationTime"
        descending = (params.get("SortOrder") or "Ascending") == "Descending"
        key = _SORT_KEYS[sort_by]
        query = _query(params, sort_by, descending)
        after = self._read_token(params["NextToken"], query) if params.get("NextToken") else None
        size = params.get("MaxResults", 50)
        # The creation window: CreationTimeAfter/Before, and nothing created after seen_at.
        lowest, highest = params.get("CreationTimeAfter"), params.get("CreationTimeBefore")
        index = self._by_creation
        lo = 0 if lowest is None else bisect.bisect_right(index, float(lowest), key=_created)
        hi = bisect.bisect_right(index, seen_at, key=_created)
        if highest is not None:
            hi = min(hi, bisect.bisect_left(index, float(highest), key=_created))
        if sort_by == "CreationTime":
            # The token holds the last position served (not an offset), so jobs created or
            # deleted since cannot shift what comes next: here it narrows the window.
            if after is not None and descending:
                hi = min(hi, bisect.bisect_left(index, tuple(after), lo, max(lo, hi)))
            elif after is not None:
                lo = max(lo, bisect.bisect_right(index, tuple(after), lo, max(lo, hi)))
            # Already in order: read until one job past the page (is there a next page?).
            order = range(hi - 1, lo - 1, -1) if descending else range(lo, hi)
            window = map(index.__getitem__, order)
            jobs = list(itertools.islice(self._listed(window, params, now, seen_at), size + 1))
        else:
            jobs = list(self._listed(index[lo:hi], params, now, seen_at))
            if after is not None:
                position = tuple(after)
                jobs = [j for j in jobs if (key(j) < position if descending else key(j) > position)]
            jobs.sort(key=key, reverse=descending)
        page = jobs[:size]
        out: dict[str, Any] = {"OptimizationJobSummaries": [self._summary(j) for j in page]}
        if len(jobs) > size:
            out["NextToken"] = self._make_token(key(page[-1]), query)
        return out

    def _listed(
        self,
        window: Iterable[tuple[float, str]],
        params: dict[str, Any],
        now: float,
        seen_at: float,
    ) -> Iterator[_Job]:
        """The jobs of ``window`` that match ``params``, each as the listing sees it (as of
        ``seen_at``); the cheap filters first, a job's timeline only for those that pass."""
        for _, name in window:
            job = self._jobs[name]
            if not _matches_request(job, params):
                continue
            job.refresh(now)
            seen = job.as_of(seen_at)
            if _matches_state(seen, params):
                yield seen

    def _make_token(self, position: tuple[Any, ...], query: str) -> str:
        payload = base64.urlsafe_b64encode(json.dumps([query, list(position)]).encode())
        return f"{payload.decode()}.{self._sign(payload)}"

    def _sign(self, payload: bytes) -> str:
        digest = hmac.new(self._token_key, payload, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def _read_token(self, token: str, query: str) -> tuple[Any, ...]:
        """The position in ``token``; ValidationException unless this service made it for
        this very query (same filters and sort). The signature is checked before anything
        in the token is parsed, so a crafted token is never decoded."""
        payload, _, signature = token.rpartition(".")
        try:
            raw = payload.encode("ascii")
            genuine = hmac.compare_digest(self._sign(raw), signature)
            if genuine:
                made_for, position = json.loads(base64.urlsafe_b64decode(raw))
                if made_for == query:
                    return tuple(position)
        except (ValueError, TypeError, binascii.Error):
            pass
        raise _ServiceFault("ValidationException", "The NextToken is invalid.")

    def _op_StopOptimizationJob(self, params: dict[str, Any]) -> dict[str, Any]:
        job = self._job(params["OptimizationJobName"])
        if job.status not in _ACTIVE:
            raise _ServiceFault(
                "ValidationException",
                f"Optimization job {job.name} is in status {job.status} and cannot be stopped.",
            )
        now = self._now()
        job.stop_at = now
        job.refresh(now)
        return {}

    def _op_DeleteOptimizationJob(self, params: dict[str, Any]) -> dict[str, Any]:
        job = self._job(params["OptimizationJobName"])
        del self._jobs[job.name]
        del self._by_creation[bisect.bisect_left(self._by_creation, (job.created, job.name))]
        return {}


class _ServiceFault(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _headers(request_id: str) -> dict[str, str]:
    return {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id}


def error_answer(status: int, code: str, message: str, request_id: str) -> Answer:
    """An error in the AWS JSON 1.1 shape: ``{"__type": code, "message": message}``."""
    body = json.dumps({"__type": code, "message": message}).encode()
    return Answer(status, _headers(request_id), body)


def _matches_request(job: _Job, params: dict[str, Any]) -> bool:
    """The filters on what never changes: the name, the techniques, the creation time."""
    name_filter = params.get("NameContains")
    if name_filter and name_filter.lower() not in job.name.lower():
        return False
    optimization = params.get("OptimizationContains")
    if optimization and not any(optimization.lower() in t.lower() for t in job._types):
        return False
    return _within(job.created, params, "CreationTime")


def _matches_state(job: _Job, params: dict[str, Any]) -> bool:
    """The filters on what moves with the clock: the status and the last modification."""
    status = params.get("StatusEquals")
    if status and job.status != status:
        return False
    return _within(job.modified, params, "LastModifiedTime")


def _within(value: float, params: dict[str, Any], member: str) -> bool:
    # After: strictly later than the bound; Before: strictly earlier.
    after, before = params.get(f"{member}After"), params.get(f"{member}Before")
    return (after is None or value > float(after)) and (before is None or value < float(before))


def _created(entry: tuple[float, str]) -> float:
    return entry[0]


_SORT_KEYS: Final[dict[str, Callable[[_Job], tuple[Any, ...]]]] = {
    # The name breaks ties: a position in this order is then one job, exactly.
    "Name": lambda job: (job.name,),
    "CreationTime": lambda job: (job.created, job.name),
    "Status": lambda job: (job.status, job.name),
}
_FILTERS: Final = (
    "CreationTimeAfter",
    "CreationTimeBefore",
    "LastModifiedTimeAfter",
    "LastModifiedTimeBefore",
    "OptimizationContains",
    "NameContains",
    "StatusEquals",
)


def _without_nulls(value: object, depth: int = 0) -> Any:
    """``value`` with null members of objects left out, as deep as any input shape goes
    (deeper values are members no shape has, which nothing reads)."""
    if depth > 20:
        return value
    if isinstance(value, dict):
        members = cast("dict[str, Any]", value)
        return {
            key: _without_nulls(item, depth + 1)
            for key, item in members.items()
            if item is not None
        }
    if isinstance(value, list):
        items = cast("list[object]", value)
        return [_without_nulls(item, depth + 1) for item in items]
    return value


def _query(params: dict[str, Any], sort_by: str, descending: bool) -> str:
    """What a NextToken is bound to: the filters and the sort, defaults filled in."""
    relevant = {key: params[key] for key in _FILTERS if params.get(key) is not None}
    relevant["SortBy"] = sort_by
    relevant["SortOrder"] = "Descending" if descending else "Ascending"
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


def _spoil(kind: str, answer: Answer) -> Answer:
    """``answer`` as an after-the-fact fault leaves it (see ``inject``)."""
    if kind == "answer_lost":
        raise _Dropped
    if answer.status != 200 or kind not in _AFTER:
        return answer
    if kind == "null_answer":
        return Answer(answer.status, answer.headers, b"null")
    if kind == "list_answer":
        return Answer(answer.status, answer.headers, b"[]")
    data: dict[str, Any] = json.loads(answer.body)
    summaries: list[dict[str, Any]] = data.get("OptimizationJobSummaries") or []
    target = data if "CreationTime" in data else (summaries[0] if summaries else None)
    if target is None:
        return answer
    target["CreationTime"] = "garbage" if kind == "garbage_timestamp" else 1e20
    return Answer(answer.status, answer.headers, json.dumps(data).encode())


def is_job_name_or_pattern(text: str) -> bool:
    """Whether ``text`` is a valid job name (by botocore's model) or a glob pattern made of
    job-name characters and ``*?[]!``."""
    if _GLOB & set(text):
        return 0 < len(text) <= 256 and all(
            char.isascii() and (char.isalnum() or char in "-*?[]!") for char in text
        )
    shape = _operation_model("CreateOptimizationJob").input_shape.members["OptimizationJobName"]
    return fits(shape, text)


@functools.cache
def _partition(region: str) -> tuple[str, str]:
    """The partition (``aws``, ``aws-cn``, ...) and DNS suffix of ``region``, from botocore's
    endpoint data; a region it does not know yet is taken to be in ``aws``."""
    from botocore.loaders import create_loader

    data: dict[str, Any] = create_loader().load_data("endpoints")
    for partition in data.get("partitions", []):
        known = region in partition.get("regions", {})
        if known or re.fullmatch(partition.get("regionRegex", "$^"), region):
            return str(partition["partition"]), str(partition["dnsSuffix"])
    return "aws", "amazonaws.com"


@functools.cache
def _summary_members() -> frozenset[str]:
    """The members of a listing's summaries in botocore's model (asked once, not per job)."""
    shape = _operation_model("ListOptimizationJobs").output_shape
    return frozenset(shape.members["OptimizationJobSummaries"].member.members)


_model_lock = threading.Lock()
_service_model: Any = None


def _operation_model(name: str) -> Any:
    """botocore's model of one operation (the service model is loaded once, lazily)."""
    global _service_model  # noqa: PLW0603 - a process-wide cache of botocore's big model
    with _model_lock:
        if _service_model is None:
            from botocore.session import get_session

            _service_model = get_session().get_service_model("sagemaker")
    return _service_model.operation_model(name)
