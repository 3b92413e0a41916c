"""What the ``optjob`` command prints: JSON documents and readable tables.

Both come from the models, never from raw boto3 dicts, so environment maps are always
recognised (by type) and masked: keys are shown, values hidden, except the LMI ``OPTION_*``
configuration knobs, exactly as the models' ``repr`` does. ``show_secrets`` turns masking off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, cast

from optjob_sdk._json import jsonable
from optjob_sdk.cli._text import printable
from optjob_sdk.models import DescribeOptimizationJobResponse, OptimizationJobSummary

__all__ = [
    "describe_table",
    "dumps",
    "format_duration",
    "format_time",
    "jsonable",
    "key_value_table",
    "list_table",
    "outline",
    "outcome_rows",
    "sweep_document",
    "sweep_table",
    "sweep_verdict",
]


def format_time(value: datetime) -> str:
    """A datetime for people: UTC, to the second (``2026-11-24 10:03:12 UTC``)."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def format_duration(seconds: float) -> str:
    """``75`` -> ``1m 15s``; ``3725`` -> ``1h 2m 5s``."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m {secs}s"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"


#: A lone surrogate (U+D800-U+DFFF): a str can hold one (a service answer's ``"\\ud800"``
#: escape decodes to it), UTF-8 cannot encode it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(data: Any, *, ascii_only: bool = False) -> str:
    """The JSON text printed with ``--output json`` (already JSON-ready data).

    Non-ASCII text is written as is (``ascii_only``: as ``\\u`` escapes, for a stream
    that cannot encode it), except lone surrogates, always escaped (``\\ud800``): valid
    JSON that reads back as the same string, where writing them raw would fail."""
    text = json.dumps(data, indent=2, ensure_ascii=ascii_only)
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


# -- tables ----------------------------------------------------------------------------------

#: The describe table's first rows, in this order; every other member follows in the
#: model's order (so members added to the API later still show up).
_FIRST = (
    "OptimizationJobName",
    "OptimizationJobStatus",
    "FailureReason",
    "OptimizationJobArn",
    "CreationTime",
    "OptimizationStartTime",
    "OptimizationEndTime",
    "LastModifiedTime",
    "DeploymentInstanceType",
)


def _tree(key: str, value: Any, depth: int, rows: list[tuple[int, str, str | None]]) -> None:
    """Rows (depth, key, value) of a YAML-like outline; ``None`` values head nested parts."""
    if isinstance(value, Mapping):
        mapping = cast("Mapping[str, Any]", value)
        if not mapping:
            return
        rows.append((depth, key, None))
        for name, item in mapping.items():
            _tree(name, item, depth + 1, rows)
        return
    if isinstance(value, list):
        sequence: list[Any] = value  # pyright: ignore[reportUnknownVariableType]
        if not sequence:
            return
        if _is_tag_list(sequence):
            tags = ", ".join(
                f"{_scalar(tag['Key'])}={_scalar(tag.get('Value', ''))}" for tag in sequence
            )
            rows.append((depth, key, tags))
        elif all(not isinstance(item, (Mapping, list)) for item in sequence):
            rows.append((depth, key, ", ".join(_scalar(item) for item in sequence)))
        else:
            rows.append((depth, key, None))
            for index, item in enumerate(sequence):
                label: str = f"[{index}]"
                shown: Any = item
                # An OptimizationConfig holds one technique: "[0] ModelQuantizationConfig".
                if isinstance(item, Mapping):
                    members = list(cast("Mapping[str, Any]", item).items())
                    inner: Any = members[0][1] if len(members) == 1 else None
                    if isinstance(inner, Mapping):
                        label = f"{label} {members[0][0]}"
                        shown = cast("Mapping[str, Any]", inner)
                _tree(label, shown, depth + 1, rows)
        return
    rows.append((depth, key, _scalar(value)))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return printable(str(value))


def _is_tag_list(items: list[Any]) -> bool:
    return all(
        isinstance(item, Mapping) and set(item) <= {"Key", "Value"} and "Key" in item  # pyright: ignore[reportUnknownArgumentType]
        for item in items
    )


def outline(data: Mapping[str, Any]) -> str:
    """JSON-ready data as an indented outline, leaf values in one aligned column."""
    rows: list[tuple[int, str, str | None]] = []
    for key, value in data.items():
        _tree(key, value, 0, rows)
    if not rows:
        return ""
    width = max(
        (2 * depth + len(printable(key)) for depth, key, value in rows if value is not None),
        default=0,
    )
    lines: list[str] = []
    for depth, key, value in rows:
        label = "  " * depth + printable(key)
        lines.append(label if value is None else f"{label.ljust(width)}  {value}".rstrip())
    return "\n".join(lines)


def describe_table(job: DescribeOptimizationJobResponse, *, show_secrets: bool = False) -> str:
    """``optjob describe`` for people: the key facts first, then every other member in the
    model's order (so members added to the API later show up too), nested parts indented,
    tags as ``key=value``, empty members left out, environment values masked."""
    data: dict[str, Any] = jsonable(job, show_secrets=show_secrets, time_format=format_time)
    ordered = {key: data[key] for key in _FIRST if key in data}
    ordered.update((key, value) for key, value in data.items() if key not in ordered)
    return outline(ordered)


def outcome_rows(job: DescribeOptimizationJobResponse) -> list[tuple[str, str]]:
    """The short key/value rows printed when ``wait`` ends: what happened, and where the
    result is."""
    rows = [
        ("OptimizationJobName", job.optimization_job_name),
        ("OptimizationJobStatus", str(jsonable(job.optimization_job_status))),
    ]
    if job.failure_reason:
        rows.append(("FailureReason", job.failure_reason))
    duration = _duration(job)
    if duration is not None:
        rows.append(("Duration", f"{duration} optimizing"))
    if job.optimization_output is not None and job.optimization_output.recommended_inference_image:
        rows.append(
            ("RecommendedInferenceImage", job.optimization_output.recommended_inference_image)
        )
    rows.append(("S3OutputLocation", job.output_config.s3_output_location))
    model = job.output_config.sage_maker_model
    if model is not None and model.model_name:
        rows.append(("SageMakerModel", model.model_name))
    return rows


def _duration(job: DescribeOptimizationJobResponse) -> str | None:
    start = job.optimization_start_time
    end = job.optimization_end_time
    if start is None or end is None:
        return None
    return format_duration((end - start).total_seconds())


def key_value_table(rows: Iterable[tuple[str, str]]) -> str:
    """Rows as two aligned columns."""
    materialised = list(rows)
    if not materialised:
        return ""
    width = max(len(key) for key, _ in materialised)
    return "\n".join(
        f"{key.ljust(width)}  {printable(value)}".rstrip() for key, value in materialised
    )


def _columns(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *body]
    ]
    return "\n".join(lines)


def list_table(summaries: Iterable[OptimizationJobSummary]) -> str:
    """Aligned columns: name, status, instance type, optimization types, created."""
    body = [
        [
            printable(cell)
            for cell in (
                summary.optimization_job_name,
                str(jsonable(summary.optimization_job_status)),
                str(jsonable(summary.deployment_instance_type)),
                ", ".join(summary.optimization_types) or "-",
                format_time(summary.creation_time),
            )
        ]
        for summary in summaries
    ]
    if not body:
        return "No optimization jobs."
    return _columns(["NAME", "STATUS", "INSTANCE TYPE", "OPTIMIZATIONS", "CREATED"], body)


# -- many jobs (optjob wait NAME NAME ...) ---------------------------------------------------

#: What a many-job wait learnt of a job still running: its last description, its last list
#: summary, or nothing at all (never seen before the deadline).
LastSeen = DescribeOptimizationJobResponse | OptimizationJobSummary | None


def _status(job: DescribeOptimizationJobResponse | OptimizationJobSummary) -> str:
    return str(jsonable(job.optimization_job_status))


def _result(job: DescribeOptimizationJobResponse) -> str:
    """The RESULT cell of an ended job: why it failed, or where its output is."""
    status = _status(job)
    if status == "COMPLETED":
        result = job.output_config.s3_output_location
        output = job.optimization_output
        if output is not None and output.recommended_inference_image:
            result += f"; image {output.recommended_inference_image}"
        model = job.output_config.sage_maker_model
        if model is not None and model.model_name:
            result += f"; model {model.model_name}"
        return result
    return job.failure_reason or "-"


def sweep_table(
    names: Sequence[str],
    ended: Mapping[str, DescribeOptimizationJobResponse],
    running: Mapping[str, LastSeen],
) -> str:
    """``optjob wait`` for many jobs, for people: one row per job in ``names``' order:
    name, final status, time spent optimizing, and the failure reason (FAILED, STOPPED) or
    the output (COMPLETED). A job still running shows its last status seen."""
    body: list[list[str]] = []
    for name in names:
        job = ended.get(name)
        if job is not None:
            cells = [name, _status(job), _duration(job) or "-", _result(job)]
        else:
            seen = running.get(name)
            cells = [name, _status(seen) if seen is not None else "-", "-", "still running"]
        body.append([printable(cell) for cell in cells])
    return _columns(["NAME", "STATUS", "DURATION", "RESULT"], body)


def sweep_document(
    names: Sequence[str],
    ended: Mapping[str, DescribeOptimizationJobResponse],
    running: Mapping[str, LastSeen],
    exit_status: int,
    *,
    show_secrets: bool = False,
) -> dict[str, Any]:
    """``optjob wait -o json`` for many jobs: one document.

    ``Jobs``: one entry per job in ``names``' order: an ended job's final description
    (as ``describe -o json`` prints it, environment values masked unless
    ``show_secrets``); for a job still running, what was last learnt of it (a description,
    or a ListOptimizationJobs summary), or only its name if nothing was. ``Running``: the
    names of the jobs still running (a timed-out wait). ``ExitStatus``: the command's.
    """
    jobs: list[Any] = []
    for name in names:
        job: LastSeen = ended.get(name)
        if job is None:
            job = running.get(name)
        jobs.append(
            jsonable(job, show_secrets=show_secrets)
            if job is not None
            else {"OptimizationJobName": name}
        )
    return {
        "Jobs": jobs,
        "Running": [name for name in names if name not in ended],
        "ExitStatus": exit_status,
    }


def sweep_verdict(
    names: Sequence[str],
    ended: Mapping[str, DescribeOptimizationJobResponse],
    elapsed: float | None,
    stop_command: str = "optjob stop NAME",
) -> str | None:
    """The one line for stderr when not every job COMPLETED (``None`` when all did):
    how many ended how, and how many are still running after ``elapsed`` seconds (a
    timed-out wait; ``stop_command`` says how to stop one)."""
    counts: dict[str, int] = {}
    for job in ended.values():
        status = _status(job)
        counts[status] = counts.get(status, 0) + 1
    running = len(names) - len(ended)
    if not running and set(counts) <= {"COMPLETED"}:
        return None
    # The worst ends first, as the exit status ranks them.
    rank = {"FAILED": 1, "STOPPED": 2, "COMPLETED": 4}
    ends = ", ".join(
        f"{count} {printable(status)}"
        for status, count in sorted(counts.items(), key=lambda item: rank.get(item[0], 0))
    )
    total = len(names)
    if not running:
        return f"not every optimization job completed: {ends} (of {total})"
    seconds = f" after {elapsed:g}s" if elapsed is not None else ""
    ended_text = f"; ended: {ends}" if ends else ""
    return (
        f"gave up waiting{seconds}: {running} of {total} optimization "
        f"job{'s' if total != 1 else ''} still running on "
        f"the service{ended_text}; `{stop_command}` stops one"
    )
