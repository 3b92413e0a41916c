"""``OptimizationJobOperator``: create an optimization job from a DAG, and wait for it."""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar

from optjob_sdk._schedule import DEFAULT_MAX_POLL_INTERVAL, check_wait_arguments
from optjob_sdk.airflow import _connection, _outcome
from optjob_sdk.airflow._compat import (
    AirflowFailException,
    BaseOperator,
    default_deferrable,
    mask_secret,
)
from optjob_sdk.airflow.triggers import OptimizationJobTrigger
from optjob_sdk.errors import JobAlreadyExistsError, OptjobError, ValidationError

if TYPE_CHECKING:
    from airflow.sdk import XComArg

    from optjob_sdk.client import OptimizationJobClient
    from optjob_sdk.models import CreateOptimizationJobRequest

__all__ = ["OptimizationJobOperator"]


class OptimizationJobOperator(BaseOperator):
    """Create a SageMaker AI optimization job and (by default) wait for it to end.

    ``request`` is a :class:`~optjob_sdk.CreateOptimizationJobRequest` (checked when the DAG
    is parsed) or a mapping in the AWS CLI's ``--cli-input-json`` shape, a templated field
    (Jinja strings inside it are rendered, an upstream task's XCom may supply it). Either way
    it is checked completely before anything is sent: a bad request fails the task, with no
    retry, naming every field path that is wrong.

    With ``wait_for_completion`` the task then waits for the job: deferred to Airflow's
    triggerer (:class:`OptimizationJobTrigger`, freeing the worker slot) when
    ``deferrable`` (default: Airflow's ``[operators] default_deferrable``), otherwise in the
    worker with the SDK's waiter. Both poll with the SDK's schedule (``poll_interval`` at
    first, growing with jitter to ``max_poll_interval``) and ride out throttling and
    transient faults; ``timeout`` (seconds, ``None``: the job's own bound) ends the wait.

    The task's return value (its XCom) is the job's final description as JSON-ready data:
    wire names (``OptimizationJobStatus``, ``OptimizationOutput``...), ISO-8601 times,
    environment values masked as in ``repr`` (Airflow keeps XComs in its database and shows
    them). FAILED or STOPPED fails the task with the service's reason (no retry: the outcome
    is final). The deadline fails it too, retryably: the job keeps running.

    **Retries never lose or duplicate a job.** A retried task (try 2 and later) whose create
    meets a job of the same name takes that job over when it is the one this request
    describes (every member the service echoes is equal) and was created after the DAG run
    started: the earlier try created it and then died, timed out, or lost its worker. It
    then waits for that job instead of failing. On a first try, or when the job differs,
    the conflict fails the task. Name jobs per run
    (``"llama-awq-{{ dag_run.run_after | ts_nodash }}"``) so that each run makes its own.

    Killing the running task (``on_kill``) stops the job; a deferred task killed by a user
    stops it too, through its trigger (Airflow 3.3 and later).

    Credentials, region and endpoint come from the Airflow AWS connection ``aws_conn_id``
    (the Amazon provider's hook), ``region_name`` overriding the connection's region. The
    environment maps' values are registered with Airflow's secrets masker, so that no log
    line or rendered template shows them.
    """

    template_fields: Collection[str] = ("request", "aws_conn_id", "region_name")
    template_fields_renderers: ClassVar[dict[str, str]] = {"request": "json"}
    ui_color = "#e6f0ff"

    def __init__(
        self,
        *,
        request: CreateOptimizationJobRequest | Mapping[str, Any] | XComArg,
        wait_for_completion: bool = True,
        deferrable: bool | None = None,
        aws_conn_id: str | None = "aws_default",
        region_name: str | None = None,
        poll_interval: float = 30.0,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)  # pyright: ignore[reportUnknownMemberType]  # Airflow's
        from optjob_sdk.converter import validate
        from optjob_sdk.models import CreateOptimizationJobRequest

        if isinstance(request, CreateOptimizationJobRequest):
            validate(request)  # a model is complete at parse time: fail the DAG's import
        check_wait_arguments(
            timeout=timeout, poll_interval=poll_interval, max_poll_interval=max_poll_interval
        )
        self.request = request
        self.wait_for_completion = wait_for_completion
        self.deferrable = default_deferrable() if deferrable is None else deferrable
        self.aws_conn_id = aws_conn_id
        self.region_name = region_name
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.timeout = timeout
        self._job_name: str | None = None  # the job being waited for in the worker

    def execute(self, context: Any) -> dict[str, Any]:
        """Check the request, create the job (or take over the one an earlier try made),
        then wait, defer, or return its description."""
        request = self._checked_request()
        name = request.optimization_job_name
        client = _connection.sync_client(self.aws_conn_id, self.region_name)
        arn = self._create(client, request, context)
        self._job_name = name
        self.log.info("optimization job %s: %s", name, arn)
        if not self.wait_for_completion:
            return _outcome.description(client.describe(name))
        if self.deferrable:
            # A UNIX time, so that another triggerer keeps it; none for no timeout (an
            # infinite one included: JSON has no infinity).
            deadline: float | None = None
            if self.timeout is not None and not math.isinf(self.timeout):
                deadline = time.time() + self.timeout
            self.log.info("optimization job %s: waiting in the triggerer", name)
            self.defer(
                trigger=OptimizationJobTrigger(
                    job_name=name,
                    aws_conn_id=self.aws_conn_id,
                    region_name=self.region_name,
                    poll_interval=self.poll_interval,
                    max_poll_interval=self.max_poll_interval,
                    deadline=deadline,
                    stop_on_kill=True,
                ),
                method_name="execute_complete",
            )
        try:
            job = client.wait(
                name,
                timeout=self.timeout,
                poll_interval=self.poll_interval,
                max_poll_interval=self.max_poll_interval,
                progress=False,  # status changes go to the task log through the SDK's logger
            )
        except OptjobError as error:
            event = _outcome.error_event(name, error)
        else:
            event = _outcome.job_event(job)
        self._job_name = None  # ended: nothing for on_kill to stop
        self.log.info("%s", event["message"])
        return _outcome.conclude(event)

    def execute_complete(self, context: Any, event: Any = None) -> dict[str, Any]:
        """Resume after the trigger's event: the description, or the task's failure."""
        return _outcome.conclude(event)

    def on_kill(self) -> None:
        """Stop the job this task created and is waiting for."""
        name = self._job_name
        if name is None:
            return
        try:
            # A client of its own: Airflow calls this from a signal handler, which may
            # interrupt the waiting client in the middle of a call.
            _connection.sync_client(self.aws_conn_id, self.region_name).stop(name)
        except OptjobError as error:
            self.log.warning("could not stop optimization job %s: %s", name, error)
        else:
            self.log.info("stopped optimization job %s (the task was killed)", name)

    def _checked_request(self) -> CreateOptimizationJobRequest:
        from optjob_sdk._botocore_logs import known_secrets
        from optjob_sdk.loading import load_request
        from optjob_sdk.models import CreateOptimizationJobRequest

        try:
            if isinstance(self.request, CreateOptimizationJobRequest):
                request = self.request  # frozen, and checked by __init__ (in this worker too)
            elif isinstance(self.request, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
                request = load_request(self.request)
            else:
                raise AirflowFailException(
                    "request must be a CreateOptimizationJobRequest or a mapping in the AWS "
                    f"CLI's shape, not {type(self.request).__name__}"
                )
        except ValidationError as error:
            raise AirflowFailException(str(error)) from error
        # Airflow's masker then hides them in every log line and rendered template.
        for secret in known_secrets(request):
            mask_secret(secret)
        return request

    def _create(
        self, client: OptimizationJobClient, request: CreateOptimizationJobRequest, context: Any
    ) -> str:
        from optjob_sdk._reconcile import differences

        name = request.optimization_job_name
        try:
            return client.create(request).optimization_job_arn
        except JobAlreadyExistsError as conflict:
            ti = context.get("ti")
            try_number = getattr(ti, "try_number", 1) or 1
            if try_number <= 1:
                raise AirflowFailException(
                    f"{conflict} (a job of that name existed before this task's first try: "
                    "name each run's job apart, for example with "
                    "{{ dag_run.run_after | ts_nodash }})"
                ) from conflict
            run_start = _run_start(context)
            job = client.describe(name)
            found = differences(request, job, run_start)
            if found:
                raise AirflowFailException(
                    f"try {try_number}: optimization job {name!r} exists but is not the one "
                    "an earlier try of this task created: it differs in "
                    f"{', '.join(found)}"
                ) from conflict
            self.log.info(
                "try %d: taking over optimization job %s, created by an earlier try (%s)",
                try_number,
                name,
                job.optimization_job_status,
            )
            return job.optimization_job_arn


def _run_start(context: Any) -> datetime:
    """When the DAG run started (a job created before it cannot be an earlier try's)."""
    # No run start known: only a job created after this try started is taken over.
    for holder in (context.get("dag_run"), context.get("ti")):
        started = getattr(holder, "start_date", None)
        if isinstance(started, datetime):
            return started if started.tzinfo else started.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)
