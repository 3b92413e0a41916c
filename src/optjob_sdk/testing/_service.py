"""The emulated service: jobs, a virtual clock, faults, and the five operations on raw JSON."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Final, cast

from optjob_sdk.testing._validation import InputError, validate_input

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

__all__ = ["Answer", "Durations", "FakeOptimizationService", "Fault"]

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
    "763104351884.dkr.ecr.{region}.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124"
)
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

    kind: str  # "throttle", "server_error", "unavailable", "drop", "latency"
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

    def types(self) -> list[str]:
        found: list[str] = []
        for config in self.request.get("OptimizationConfigs", []):
            for member, label in _TECHNIQUES:
                if config.get(member) is not None and label not in found:
                    found.append(label)
        return found

    def refresh(self, now: float) -> None:
        """Replay every transition due by ``now``, in order."""
        while True:
            due = self._next_transition()
            if due is None or due[0] > now:
                return
            at, status = due
            if status == "INPROGRESS":
                self.started = at
            if status in _TERMINAL:
                self.ended = at
            if status == "FAILED" and self.failure_reason is None:
                self.failure_reason = "The optimization job failed."
            self.status = status
            self.modified = at

    def _next_transition(self) -> tuple[float, str] | None:
        if self.status == "STARTING":
            if self.stop_at is not None:
                return self.stop_at, "STOPPING"
            return self.created + self.durations.starting, "INPROGRESS"
        if self.status == "INPROGRESS":
            assert self.started is not None
            runtime = self._runtime_limit()
            finish = self.started + self.durations.in_progress
            candidates = [(finish, self.outcome)]
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
        region, account_id: what ARNs carry.
        durations: default :class:`Durations` for every job.
        realtime: let virtual time flow with real time, ``speed`` times faster (demos).
        seed: seeds fault injection's randomness.
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
    ) -> None:
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
        self._planned: dict[str, tuple[str, str | None, Durations | None]] = {}
        self._faults: dict[str, list[Fault]] = {}
        self._rng = random.Random(seed)
        self._calls: Counter[str] = Counter()
        self.call_log: list[tuple[str, dict[str, Any]]] = []
        """Every call received, in order: (operation, request parameters)."""

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

    def monotonic(self) -> float:
        """The virtual clock as a monotonic reading (for a waiter's ``clock=``)."""
        return self._now()

    # -- outcomes, durations, faults ------------------------------------------------------

    def set_outcome(
        self,
        name: str,
        status: str = "FAILED",
        *,
        reason: str | None = None,
        durations: Durations | None = None,
    ) -> None:
        """Decide how job ``name`` ends (COMPLETED or FAILED, with a FailureReason), and
        optionally its durations. Works before or after the job is created."""
        if status not in ("COMPLETED", "FAILED"):
            raise ValueError("a job's outcome is COMPLETED or FAILED (STOPPED comes from stop)")
        if status == "FAILED" and reason is None:
            reason = "ClientError: the model could not be quantized."
        with self._lock:
            job = self._jobs.get(name)
            if job is not None:
                job.outcome, job.failure_reason = status, reason
                if durations is not None:
                    job.durations = durations
            else:
                self._planned[name] = (status, reason, durations)

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

        ``kind``: ``"throttle"`` (ThrottlingException, HTTP 400), ``"server_error"`` (500
        InternalFailure), ``"unavailable"`` (503 ServiceUnavailable), ``"drop"`` (the
        connection is dropped without an answer) or ``"latency"`` (``seconds`` of real
        delay before answering). ``times``: the next N calls (``None``: every call);
        ``rate``: the share of calls hit, drawn from ``seed``. ``operation="*"`` hits all.
        """
        if kind not in ("throttle", "server_error", "unavailable", "drop", "latency"):
            raise ValueError(f"unknown fault kind {kind!r}")
        if operation != "*" and operation not in OPERATIONS:
            raise ValueError(f"unknown operation {operation!r}")
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

    # -- transports ------------------------------------------------------------------------

    def client(self, **kwargs: Any) -> SageMakerClient:
        """A real boto3 SageMaker client whose requests this service answers in-process.

        Dummy credentials are used (never yours); ``kwargs`` (``config=`` for retries, say)
        go to ``boto3.client``.
        """
        from optjob_sdk.testing._transport import in_process_client

        client: SageMakerClient = in_process_client(self, **kwargs)
        return client

    def serve(self, port: int = 0) -> AbstractContextManager[str]:
        """Serve this service over HTTP on 127.0.0.1 (a context manager yielding the URL).

        >>> with FakeOptimizationService().serve() as url:   # doctest: +SKIP
        ...     boto3.client("sagemaker", endpoint_url=url, ...)
        """
        from optjob_sdk.testing._transport import serve

        return serve(self, port)

    # -- the protocol ----------------------------------------------------------------------

    def handle(self, target: str, body: bytes) -> Answer:
        """Answer one AWS JSON 1.1 request (``X-Amz-Target`` and body) as the service would.

        Raises an internal exception for a dropped connection, which transports turn into
        a closed socket.
        """
        request_id = str(uuid.uuid4())
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
                return _error(400, "ThrottlingException", "Rate exceeded", request_id)
            if fault.kind == "server_error":
                return _error(500, "InternalFailure", "An internal error occurred.", request_id)
            if fault.kind == "unavailable":
                return _error(503, "ServiceUnavailable", "Service unavailable.", request_id)
        if prefix != "SageMaker" or operation not in OPERATIONS:
            return _error(
                400, "UnknownOperationException", f"Unknown operation {target}", request_id
            )
        try:
            decoded: Any = json.loads(body or b"{}")
        except ValueError:
            return _error(400, "SerializationException", "Malformed JSON body", request_id)
        if not isinstance(decoded, dict):
            return _error(400, "SerializationException", "Expected a JSON object", request_id)
        params = cast("dict[str, Any]", decoded)
        with self._lock:
            self.call_log.append((operation, params))
            try:
                validate_input(_operation_model(operation).input_shape, params)
                result = getattr(self, f"_op_{operation}")(params)
            except InputError as error:
                return _error(400, "ValidationException", str(error), request_id)
            except _ServiceFault as error:
                return _error(400, error.code, error.message, request_id)
        return Answer(200, _headers(request_id), json.dumps(result).encode())

    # -- the operations ----------------------------------------------------------------------

    def _op_CreateOptimizationJob(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["OptimizationJobName"]
        if name in self._jobs:
            raise _ServiceFault("ResourceInUse", f"Optimization job {name} already exists.")
        now = self._now()
        arn = f"arn:aws:sagemaker:{self.region}:{self.account_id}:optimization-job/{name}"
        outcome, reason, durations = self._planned.pop(name, ("COMPLETED", None, None))
        chosen = durations if durations is not None else self._default_durations(params)
        job = _Job(params, arn, now, chosen, outcome, reason, modified=now)
        self._jobs[name] = job
        return {"OptimizationJobArn": arn}

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
        image = _DEFAULT_IMAGE.format(region=self.region)
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
        summary_shape = (
            _operation_model("ListOptimizationJobs")
            .output_shape.members["OptimizationJobSummaries"]
            .member
        )
        if "MaxInstanceCount" in summary_shape.members and "MaxInstanceCount" in job.request:
            out["MaxInstanceCount"] = job.request["MaxInstanceCount"]
        return out

    def _op_ListOptimizationJobs(self, params: dict[str, Any]) -> dict[str, Any]:
        now = self._now()
        for job in self._jobs.values():
            job.refresh(now)
        jobs = [job for job in self._jobs.values() if _matches(job, params)]
        sort_by = params.get("SortBy", "CreationTime")
        descending = params.get("SortOrder", "Descending") == "Descending"
        keys: dict[str, Callable[[_Job], tuple[Any, ...]]] = {
            "Name": lambda j: (j.name,),
            "CreationTime": lambda j: (j.created, j.name),
            "Status": lambda j: (j.status, j.name),
        }
        key = keys[sort_by]
        jobs.sort(key=key, reverse=descending)
        fingerprint = _fingerprint(params)
        offset = 0
        if params.get("NextToken"):
            offset = _read_token(params["NextToken"], fingerprint)
        size = params.get("MaxResults", 50)
        page = jobs[offset : offset + size]
        out: dict[str, Any] = {"OptimizationJobSummaries": [self._summary(j) for j in page]}
        if offset + size < len(jobs):
            out["NextToken"] = _make_token(offset + size, fingerprint)
        return out

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
        return {}


class _ServiceFault(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _headers(request_id: str) -> dict[str, str]:
    return {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id}


def _error(status: int, code: str, message: str, request_id: str) -> Answer:
    body = json.dumps({"__type": code, "message": message}).encode()
    return Answer(status, _headers(request_id), body)


def _matches(job: _Job, params: dict[str, Any]) -> bool:
    name_filter = params.get("NameContains")
    if name_filter and name_filter.lower() not in job.name.lower():
        return False
    status = params.get("StatusEquals")
    if status and job.status != status:
        return False
    optimization = params.get("OptimizationContains")
    if optimization and not any(optimization.lower() in t.lower() for t in job.types()):
        return False
    windows = (
        ("CreationTimeAfter", job.created, 1),
        ("CreationTimeBefore", job.created, -1),
        ("LastModifiedTimeAfter", job.modified, 1),
        ("LastModifiedTimeBefore", job.modified, -1),
    )
    # After: strictly later than the bound; Before: strictly earlier.
    return all(
        params.get(key) is None or (value - float(params[key])) * sign > 0
        for key, value, sign in windows
    )


def _fingerprint(params: dict[str, Any]) -> str:
    relevant = {k: v for k, v in params.items() if k not in ("NextToken", "MaxResults")}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


def _make_token(offset: int, fingerprint: str) -> str:
    raw = json.dumps({"o": offset, "f": fingerprint}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _read_token(token: str, fingerprint: str) -> int:
    offset: Any = None
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        offset = data["o"]
        valid = isinstance(offset, int) and offset >= 0 and data["f"] == fingerprint
    except (ValueError, KeyError, TypeError, binascii.Error):
        valid = False
    if not valid:
        raise _ServiceFault("ValidationException", "The NextToken is invalid.")
    return int(offset)


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
