"""What ``optjob`` prints, from the models: JSON data, tables, masking."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from optjob_sdk import (
    DescribeOptimizationJobResponse,
    EnvironmentMap,
    JobStatus,
    OptimizationJobSummary,
    from_dict,
)
from optjob_sdk.cli import EXIT_OK, main
from optjob_sdk.cli._output import (
    describe_table,
    dumps,
    format_duration,
    format_time,
    jsonable,
    key_value_table,
    list_table,
    outcome_rows,
    outline,
)
from optjob_sdk.cli._text import one_line, printable
from strategies import model

EXAMPLE = {
    "OptimizationJobArn": "arn:aws:sagemaker:us-west-2:111122223333:optimization-job/j",
    "OptimizationJobStatus": "COMPLETED",
    "CreationTime": datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc),
    "OptimizationStartTime": datetime(2026, 11, 24, 10, 1, tzinfo=timezone.utc),
    "OptimizationEndTime": datetime(2026, 11, 24, 10, 23, 30, tzinfo=timezone.utc),
    "LastModifiedTime": datetime(2026, 11, 24, 10, 23, 30, tzinfo=timezone.utc),
    "OptimizationJobName": "j",
    "ModelSource": {"S3": {"S3Uri": "s3://b/m/", "ModelAccessConfig": {"AcceptEula": True}}},
    "OptimizationEnvironment": {"HF_TOKEN": "hf_abc", "OPTION_DTYPE": "fp16"},
    "DeploymentInstanceType": "ml.g5.12xlarge",
    "OptimizationConfigs": [
        {"ModelQuantizationConfig": {"OverrideEnvironment": {"OPTION_QUANTIZE": "awq"}}},
        {"ModelCompilationConfig": {"Image": "img:1"}},
    ],
    "OutputConfig": {"S3OutputLocation": "s3://b/out/"},
    "OptimizationOutput": {"RecommendedInferenceImage": "img:2"},
    "RoleArn": "arn:aws:iam::111122223333:role/R",
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
}


def example() -> DescribeOptimizationJobResponse:
    return from_dict(DescribeOptimizationJobResponse, EXAMPLE)


def test_jsonable_uses_wire_names_strings_and_iso_times() -> None:
    data = jsonable(example())
    assert data["OptimizationJobStatus"] == "COMPLETED"
    assert type(data["OptimizationJobStatus"]) is str
    assert data["CreationTime"] == "2026-11-24T10:00:00+00:00"
    assert data["ModelSource"] == {
        "S3": {"S3Uri": "s3://b/m/", "ModelAccessConfig": {"AcceptEula": True}}
    }
    assert "FailureReason" not in data  # unset members are left out
    assert data["OptimizationEnvironment"] == {"HF_TOKEN": "***", "OPTION_DTYPE": "fp16"}
    shown = jsonable(example(), show_secrets=True)
    assert shown["OptimizationEnvironment"] == {"HF_TOKEN": "hf_abc", "OPTION_DTYPE": "fp16"}


def test_times_are_shown_in_utc() -> None:
    later = datetime(2026, 11, 24, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert format_time(later) == "2026-11-24 10:00:00 UTC"
    assert jsonable(later) == "2026-11-24T10:00:00+00:00"


def test_format_duration() -> None:
    assert format_duration(0) == "0s"
    assert format_duration(59.6) == "1m 0s"
    assert format_duration(75) == "1m 15s"
    assert format_duration(3725) == "1h 2m 5s"


def test_describe_table_layout() -> None:
    text = describe_table(example())
    lines = text.splitlines()
    assert [line.split(None, 1) for line in lines[:9]] == [
        ["OptimizationJobName", "j"],
        ["OptimizationJobStatus", "COMPLETED"],
        ["OptimizationJobArn", "arn:aws:sagemaker:us-west-2:111122223333:optimization-job/j"],
        ["CreationTime", "2026-11-24 10:00:00 UTC"],
        ["OptimizationStartTime", "2026-11-24 10:01:00 UTC"],
        ["OptimizationEndTime", "2026-11-24 10:23:30 UTC"],
        ["LastModifiedTime", "2026-11-24 10:23:30 UTC"],
        ["DeploymentInstanceType", "ml.g5.12xlarge"],
        ["ModelSource"],
    ]
    # every value starts in one column, past the longest (indented) key
    column = len("  RecommendedInferenceImage  ")
    assert lines[0][column:] == "j"
    rows = {line.strip().split(None, 1)[0]: line for line in lines}
    assert rows["AcceptEula"] == "      AcceptEula".ljust(column) + "true"
    assert rows["HF_TOKEN"] == "  HF_TOKEN".ljust(column) + "***"
    assert "  [0] ModelQuantizationConfig" in text
    assert "  [1] ModelCompilationConfig" in text
    assert "hf_abc" not in text
    assert "hf_abc" in describe_table(example(), show_secrets=True)


def test_outline_tags_scalars_and_empties() -> None:
    text = outline(
        {
            "Tags": [{"Key": "team", "Value": "ml"}, {"Key": "env", "Value": "prod"}],
            "Types": ["Quantization", "Compilation"],
            "Empty": {},
            "None": [],
            "Flag": False,
        }
    )
    assert text.splitlines() == [
        "Tags   team=ml, env=prod",
        "Types  Quantization, Compilation",
        "Flag   false",
    ]


def test_outcome_rows() -> None:
    rows = dict(outcome_rows(example()))
    assert rows == {
        "OptimizationJobName": "j",
        "OptimizationJobStatus": "COMPLETED",
        "Duration": "22m 30s optimizing",
        "RecommendedInferenceImage": "img:2",
        "S3OutputLocation": "s3://b/out/",
    }
    failed = attrs.evolve(
        example(), optimization_job_status=JobStatus.FAILED, failure_reason="out of memory"
    )
    assert dict(outcome_rows(failed))["FailureReason"] == "out of memory"
    assert key_value_table([("a", "1"), ("long key", "2")]) == "a         1\nlong key  2"


def summary(name: str, status: str, types: list[str]) -> OptimizationJobSummary:
    return OptimizationJobSummary(
        optimization_job_name=name,
        optimization_job_arn=f"arn:aws:sagemaker:us-west-2:111122223333:optimization-job/{name}",
        creation_time=datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc),
        optimization_job_status=status,
        last_modified_time=datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc),
        deployment_instance_type="ml.inf2.48xlarge",
        optimization_types=types,
    )


def test_list_table() -> None:
    text = list_table(
        [
            summary("a-long-job-name", "INPROGRESS", ["Compilation"]),
            summary("b", "SOMETHING_NEW", []),  # an unknown status from a newer service
        ]
    )
    assert text.splitlines() == [
        "NAME             STATUS         INSTANCE TYPE     OPTIMIZATIONS  CREATED",
        "a-long-job-name  INPROGRESS     ml.inf2.48xlarge  Compilation    2026-11-24 10:00:00 UTC",
        "b                SOMETHING_NEW  ml.inf2.48xlarge  -              2026-11-24 10:00:00 UTC",
    ]
    assert list_table([]) == "No optimization jobs."


# -- properties ---------------------------------------------------------------------------

SECRET = "s3cr3t-value-{}-never-shown"


def with_secret_environment(
    job: DescribeOptimizationJobResponse,
) -> DescribeOptimizationJobResponse:
    """The job with every environment value not under OPTION_ replaced by a marker."""
    counter = iter(range(1_000_000))

    def marked(env: EnvironmentMap | None) -> EnvironmentMap | None:
        if env is None:
            return None
        return EnvironmentMap(
            {
                k: v if k.startswith("OPTION_") else SECRET.format(next(counter))
                for k, v in env.items()
            }
        )

    configs = tuple(
        attrs.evolve(
            config,
            **{
                field.name: attrs.evolve(
                    technique, override_environment=marked(technique.override_environment)
                )
                for field in attrs.fields(type(config))
                if (technique := getattr(config, field.name)) is not None
                and hasattr(technique, "override_environment")
            },
        )
        for config in job.optimization_configs
    )
    return attrs.evolve(
        job,
        optimization_environment=marked(job.optimization_environment),
        optimization_configs=configs,
    )


@settings(max_examples=40, deadline=None)
@given(model(DescribeOptimizationJobResponse))
def test_no_output_shows_an_environment_value(job: DescribeOptimizationJobResponse) -> None:
    job = with_secret_environment(job)
    texts = [dumps(jsonable(job)), describe_table(job), key_value_table(outcome_rows(job))]
    for text in texts:
        assert "s3cr3t-value-" not in text


@settings(max_examples=40, deadline=None)
@given(model(DescribeOptimizationJobResponse))
def test_json_output_reads_back_into_the_model(job: DescribeOptimizationJobResponse) -> None:
    data: Any = json.loads(dumps(jsonable(job, show_secrets=True)))
    assert from_dict(DescribeOptimizationJobResponse, data) == job


@settings(max_examples=25, deadline=None)
@given(st.lists(model(OptimizationJobSummary), max_size=5))
def test_list_table_has_a_row_per_job(summaries: list[OptimizationJobSummary]) -> None:
    text = list_table(summaries)
    lines = text.splitlines()
    if not summaries:
        assert lines == ["No optimization jobs."]
    else:
        assert len(lines) == len(summaries) + 1
        assert lines[0].startswith("NAME")
        assert all(line.isprintable() for line in lines)


@settings(max_examples=25, deadline=None)
@given(st.text())
def test_printable_keeps_one_line_and_no_control_characters(text: str) -> None:
    shown = printable(text)
    assert shown.isprintable()
    if text.isprintable():
        assert shown == text
    assert one_line(text).isprintable()


def test_terminal_escapes_in_service_text_are_neutralised() -> None:
    job = attrs.evolve(
        example(),
        optimization_job_status=JobStatus.FAILED,
        failure_reason="line one\nline two \x1b[31mred\x1b[0m",
    )
    text = describe_table(job)
    assert "\x1b" not in text
    (row,) = [line for line in text.splitlines() if line.startswith("FailureReason")]
    assert row.split(None, 1)[1] == "line one\\nline two \\x1b[31mred\\x1b[0m"


def as_json_reads(text: str) -> str:
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


class _Answering:
    """A client whose every description is ``job`` (what a service could send)."""

    def __init__(self, job: DescribeOptimizationJobResponse) -> None:
        self.job = job

    def describe(self, name: str) -> DescribeOptimizationJobResponse:
        return self.job

    def wait(self, name: str, **_: Any) -> DescribeOptimizationJobResponse:
        return self.job


#: Text as a service answer can carry it: any character, lone surrogates (a JSON "\ud800"
#: escape decodes to one) and terminal control characters included.
SERVICE_TEXT = st.lists(  # not st.text, which never yields a surrogate
    st.one_of(
        st.characters(),
        st.characters(categories=["Cs"]),
        st.sampled_from("\x1b\r\n\x07\u2028\x00"),
    )
).map("".join)


@settings(max_examples=60, deadline=None)
@given(
    reason=SERVICE_TEXT,
    status=st.one_of(st.sampled_from(["COMPLETED", "FAILED"]), SERVICE_TEXT.filter(bool)),
    command=st.sampled_from(["describe", "wait"]),
    output=st.sampled_from(["json", "table"]),
)
def test_any_text_from_the_service_is_printed_never_an_internal_error(
    reason: str, status: str, command: str, output: str
) -> None:
    job = attrs.evolve(example(), failure_reason=reason, optimization_job_status=status)
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    stderr = io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main([command, "j", "-o", output], client_factory=lambda _: _Answering(job))  # type: ignore[arg-type,return-value]
    assert code == EXIT_OK, stderr.getvalue()
    stdout.seek(0)
    out = stdout.read()
    if output == "json":
        # Read back as JSON reads a service answer: an escaped surrogate pair is one
        # character (as json.loads gives it to botocore); lone surrogates stay.
        assert json.loads(out)["FailureReason"] == as_json_reads(reason)
        assert json.loads(out)["OptimizationJobStatus"] == as_json_reads(status)
    else:
        assert all(line.isprintable() for line in out.splitlines())
    assert all(line.isprintable() for line in stderr.getvalue().splitlines())
