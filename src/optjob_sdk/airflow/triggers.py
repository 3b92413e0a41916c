"""``OptimizationJobTrigger``: the deferrable wait for an optimization job, run by
Airflow's triggerer on :class:`~optjob_sdk.AsyncOptimizationJobClient`."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from optjob_sdk._schedule import DEFAULT_MAX_POLL_INTERVAL, check_wait_arguments
from optjob_sdk.airflow import _connection, _outcome
from optjob_sdk.airflow._compat import BaseTrigger, TriggerEvent
from optjob_sdk.errors import OptjobError

if TYPE_CHECKING:
    from optjob_sdk.models import DescribeOptimizationJobResponse

__all__ = ["OptimizationJobTrigger"]


class OptimizationJobTrigger(BaseTrigger):
    """Wait for optimization job ``job_name`` to end, on the triggerer's event loop.

    The wait is :meth:`AsyncOptimizationJobClient.wait
    <optjob_sdk.AsyncOptimizationJobClient.wait>`: one DescribeOptimizationJob per poll,
    ``poll_interval`` apart at first, the spacing growing (with jitter) up to
    ``max_poll_interval``; throttling, 5xx answers, dropped connections and unreadable
    answers are ridden out with backoff; every pause is an ``await``, and the connection is
    read in a thread, so the triggerer's loop is never blocked. The client comes from the
    Airflow AWS connection ``aws_conn_id``.

    It yields one event (see :mod:`optjob_sdk.airflow._outcome`): ``success`` with the
    description, ``failed`` / ``stopped`` with the service's reason, ``timeout`` when
    ``deadline`` (a UNIX time, so that a trigger moved to another triggerer keeps the same
    deadline) passes first, or ``error``.

    With ``stop_on_kill``, a user killing the deferred task (mark failed, clear; Airflow
    3.3 and later call the trigger's ``on_kill``) stops the job; a triggerer restarting or
    handing the trigger to another one does not.
    """

    def __init__(
        self,
        *,
        job_name: str,
        aws_conn_id: str | None = "aws_default",
        region_name: str | None = None,
        poll_interval: float = 30.0,
        max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
        deadline: float | None = None,
        stop_on_kill: bool = False,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Airflow's, untyped
        # Checked here, in the worker that defers: a wrong argument fails the task there,
        # not later in the triggerer. (Imported here: a DAG file importing the operator
        # must not pay for the converter at every parse.)
        from optjob_sdk._calls import check_name
        from optjob_sdk.models import DescribeOptimizationJobRequest

        check_name(DescribeOptimizationJobRequest, job_name)
        check_wait_arguments(
            timeout=None, poll_interval=poll_interval, max_poll_interval=max_poll_interval
        )
        self.job_name = job_name
        self.aws_conn_id = aws_conn_id
        self.region_name = region_name
        self.poll_interval = float(poll_interval)
        self.max_poll_interval = float(max_poll_interval)
        self.deadline = None if deadline is None else float(deadline)
        self.stop_on_kill = bool(stop_on_kill)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The class path and the keyword arguments that rebuild this trigger (JSON)."""
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "job_name": self.job_name,
                "aws_conn_id": self.aws_conn_id,
                "region_name": self.region_name,
                "poll_interval": self.poll_interval,
                "max_poll_interval": self.max_poll_interval,
                "deadline": self.deadline,
                "stop_on_kill": self.stop_on_kill,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Wait, then yield the one event that says how the wait ended."""
        name = self.job_name
        timeout = None if self.deadline is None else max(0.0, self.deadline - time.time())
        try:
            async with _connection.async_client(self.aws_conn_id, self.region_name) as client:
                job = await client.wait(
                    name,
                    timeout=timeout,
                    poll_interval=self.poll_interval,
                    max_poll_interval=self.max_poll_interval,
                    on_update=self._report,
                    progress=False,
                )
        except Exception as error:
            # Not BaseException: a cancelled trigger (the triggerer stopping, the task
            # killed) must stay cancelled, with no event.
            event = _outcome.error_event(name, error)
        else:
            event = _outcome.job_event(job)
        self.log.info("%s", event["message"])
        yield TriggerEvent(event)  # type: ignore[no-untyped-call]

    def _report(self, job: DescribeOptimizationJobResponse) -> None:
        # Status and reason only: a description holds environment maps (secrets).
        reason = f" ({job.failure_reason})" if job.failure_reason else ""
        self.log.info(
            "optimization job %s is %s%s",
            job.optimization_job_name,
            job.optimization_job_status,
            reason,
        )

    async def on_kill(self) -> None:
        """Stop the job when a user kills the deferred task (``stop_on_kill`` only)."""
        if not self.stop_on_kill:
            return
        try:
            async with _connection.async_client(self.aws_conn_id, self.region_name) as client:
                await client.stop(self.job_name)
        except OptjobError as error:
            self.log.warning("could not stop optimization job %s: %s", self.job_name, error)
        else:
            self.log.info("stopped optimization job %s (the task was killed)", self.job_name)
