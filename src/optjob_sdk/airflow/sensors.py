"""``OptimizationJobSensor``: wait for an optimization job that something else created."""

from __future__ import annotations

import math
import time
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from optjob_sdk._defaults import DEFAULT_MAX_POLL_INTERVAL
from optjob_sdk.airflow import _connection, _outcome
from optjob_sdk.airflow._compat import BaseSensorOperator, default_deferrable
from optjob_sdk.airflow.triggers import OptimizationJobTrigger
from optjob_sdk.errors import JobFailedError, JobStoppedError, OptjobError

if TYPE_CHECKING:
    from optjob_sdk.client import OptimizationJobClient
    from optjob_sdk.models import DescribeOptimizationJobResponse

__all__ = ["OptimizationJobSensor"]


class OptimizationJobSensor(BaseSensorOperator):
    """Wait until optimization job ``job_name`` (templated) ends.

    :meth:`poke` describes the job once: ``True`` when it is COMPLETED, ``False`` while it
    runs (and when the call met throttling or a transient fault: the next poke asks again);
    FAILED or STOPPED fail the task with the service's reason. The sensor's return value
    (its XCom) is the job's final description as JSON-ready data, as the operator's.

    Everything else is Airflow's sensor: ``poke_interval``, ``timeout``, ``mode``
    (``"poke"`` or ``"reschedule"``), ``soft_fail``, ``exponential_backoff``. With
    ``deferrable`` (default: Airflow's ``[operators] default_deferrable``) the wait runs in
    the triggerer instead (:class:`OptimizationJobTrigger`, ``poke_interval`` apart at
    first, growing to ``max_poll_interval``, until ``timeout``). The sensor never stops the
    job: it did not start it.
    """

    template_fields: Collection[str] = ("job_name", "aws_conn_id", "region_name")
    ui_color = "#e6f0ff"

    def __init__(
        self,
        *,
        job_name: str,
        aws_conn_id: str | None = "aws_default",
        region_name: str | None = None,
        deferrable: bool | None = None,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)  # pyright: ignore[reportUnknownMemberType]  # Airflow's
        self.job_name = job_name
        self.aws_conn_id = aws_conn_id
        self.region_name = region_name
        self.deferrable = default_deferrable() if deferrable is None else deferrable
        self.max_poll_interval = max(float(max_poll_interval), float(self.poke_interval))
        self._client: OptimizationJobClient | None = None
        self._job: DescribeOptimizationJobResponse | None = None

    def poke(self, context: Any) -> bool:
        """``True`` when the job is COMPLETED, ``False`` while it runs; raises when it ended
        otherwise."""
        from optjob_sdk._errors_map import is_transient  # here: DAG parsing need not import it

        if self._client is None:
            self._client = _connection.sync_client(self.aws_conn_id, self.region_name)
        try:
            job = self._client.describe(self.job_name)
        except OptjobError as error:
            if not is_transient(error):
                raise
            self.log.warning("optimization job %s: %s; asking again", self.job_name, error)
            return False
        status = job.optimization_job_status
        if self._job is None or self._job.optimization_job_status != status:
            self.log.info("optimization job %s is %s", self.job_name, status)
        self._job = job
        if status == "COMPLETED":
            return True
        if status == "FAILED":
            _outcome.conclude(_outcome.error_event(self.job_name, JobFailedError(job)))
        if status == "STOPPED":
            _outcome.conclude(_outcome.error_event(self.job_name, JobStoppedError(job)))
        return False

    def execute(self, context: Any) -> dict[str, Any] | None:
        """Poke until the job ends (or defer); returns its description."""
        if not self.deferrable:
            super().execute(context)
            return None if self._job is None else _outcome.description(self._job)
        if self.poke(context):
            assert self._job is not None  # poke saw it COMPLETED
            return _outcome.description(self._job)
        self.defer(
            trigger=OptimizationJobTrigger(
                job_name=self.job_name,
                aws_conn_id=self.aws_conn_id,
                region_name=self.region_name,
                poll_interval=self.poke_interval,
                max_poll_interval=self.max_poll_interval,
                deadline=None if math.isinf(self.timeout) else time.time() + self.timeout,
                stop_on_kill=False,
            ),
            method_name="execute_complete",
        )
        return None  # not reached: defer raises

    def execute_complete(self, context: Any, event: Any = None) -> dict[str, Any]:
        """Resume after the trigger's event: the description, or the task's failure."""
        return _outcome.conclude(event, sensor=True)
