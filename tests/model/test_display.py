"""The models' notebook forms: Jupyter's HTML (``_repr_html_``) and IPython's pretty text
(``_repr_pretty_``). No IPython needed: the pretty text is written to a small fake printer
with IPython's ``text``/``break_`` methods (and to IPython's own when it is installed: the
notebook session also shows them in a real kernel).

What must hold: text from the service is escaped; secrets (environment values) are masked as
``repr`` masks them, in every model, however it is made; statuses have the waiters' colours;
unset optional fields leave no empty rows.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optjob_sdk import models
from optjob_sdk._display import pretty_lines, technique_options
from optjob_sdk._modelbase import EnvironmentMap
from optjob_sdk._progress import _COLOURS, _RUNNING_COLOUR
from optjob_sdk.enums import JobStatus, SpeculativeDecodingTechnique
from strategies import model

SECRET = "hf_sEcReT0123456789abcdef"
T0 = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


class FakePrinter:
    """The part of IPython's ``PrettyPrinter`` the models use: ``text`` and ``break_``."""

    def __init__(self, indentation: int = 0) -> None:
        self.out = ""
        self.indentation = indentation

    def text(self, text: str) -> None:
        self.out += text

    def break_(self) -> None:
        self.out += "\n" + " " * self.indentation


def pretty(value: Any, indentation: int = 0) -> str:
    printer = FakePrinter(indentation)
    value._repr_pretty_(printer, False)
    return printer.out


def quantization(env: dict[str, str] | None = None) -> models.OptimizationConfig:
    return models.OptimizationConfig(
        model_quantization_config=models.ModelQuantizationConfig(
            image="lmi:0.29", override_environment=env or {"OPTION_QUANTIZE": "awq"}
        )
    )


def speculative() -> models.OptimizationConfig:
    return models.OptimizationConfig(
        model_speculative_decoding_config=models.ModelSpeculativeDecodingConfig(
            technique=SpeculativeDecodingTechnique.EAGLE,
            training_data_source=models.ModelSpeculativeDecodingTrainingDataSource(
                s3_uri="s3://data/eagle/", s3_data_type="S3Prefix"
            ),
        )
    )


def description(**changes: Any) -> models.DescribeOptimizationJobResponse:
    fields: dict[str, Any] = {
        "optimization_job_arn": "arn:aws:sagemaker:us-west-2:111122223333:optimization-job/j",
        "optimization_job_status": "COMPLETED",
        "optimization_start_time": T0 + timedelta(minutes=1),
        "optimization_end_time": T0 + timedelta(minutes=1, hours=1, seconds=5),
        "creation_time": T0,
        "last_modified_time": T0 + timedelta(hours=2),
        "optimization_job_name": "llama-awq",
        "model_source": models.OptimizationJobModelSource(
            s3=models.OptimizationJobModelSourceS3(
                s3_uri="s3://models/llama/",
                model_access_config=models.OptimizationModelAccessConfig(accept_eula=True),
            )
        ),
        "optimization_environment": {"HF_TOKEN": SECRET, "OPTION_DTYPE": "fp16"},
        "deployment_instance_type": "ml.g5.12xlarge",
        "max_instance_count": 2,
        "optimization_configs": (
            quantization({"OPTION_QUANTIZE": "awq", "HF_TOKEN": SECRET}),
            speculative(),
        ),
        "output_config": models.OptimizationJobOutputConfig(
            s3_output_location="s3://out/llama/",
            sage_maker_model=models.OptimizationSageMakerModel(model_name="llama-opt"),
        ),
        "optimization_output": models.OptimizationOutput(recommended_inference_image="lmi:0.30"),
        "role_arn": "arn:aws:iam::111122223333:role/R",
        "stopping_condition": models.StoppingCondition(max_runtime_in_seconds=3600),
    }
    fields.update(changes)
    return models.DescribeOptimizationJobResponse(**fields)


def summary(**changes: Any) -> models.OptimizationJobSummary:
    fields: dict[str, Any] = {
        "optimization_job_name": "llama-awq",
        "optimization_job_arn": "arn:aws:sagemaker:us-west-2:111122223333:optimization-job/j",
        "creation_time": T0,
        "optimization_job_status": "FAILED",
        "optimization_start_time": T0 + timedelta(minutes=1),
        "optimization_end_time": T0 + timedelta(minutes=21),
        "deployment_instance_type": "ml.g6.12xlarge",
        "optimization_types": ("Quantization", "SpeculativeDecoding"),
    }
    fields.update(changes)
    return models.OptimizationJobSummary(**fields)


def rows(markup: str) -> dict[str, str]:
    """A card's rows: header text to cell HTML (one level: the card's own table)."""
    card = markup.split("<details>", maxsplit=1)[0]
    return dict(re.findall(r"<tr><th [^>]*>(.*?)</th><td [^>]*>(.*?)</td></tr>", card))


# -- the description's card -------------------------------------------------------------------


def test_the_card_shows_what_a_person_looks_for() -> None:
    markup = description()._repr_html_()
    card = rows(markup)
    assert "<b>llama-awq</b>" in markup
    assert f'<span style="color:{_COLOURS["COMPLETED"]};font-weight:bold">COMPLETED</span>' in (
        markup
    )
    assert card["Instance type"] == "ml.g5.12xlarge, up to 2 instances"
    assert card["Techniques"] == (
        "Quantization (image=lmi:0.29, OPTION_QUANTIZE=awq, HF_TOKEN=***)<br>"
        "Speculative decoding (technique=EAGLE, s3_uri=s3://data/eagle/, s3_data_type=S3Prefix)"
    )
    assert card["Model"] == "s3://models/llama/ (EULA accepted)"
    assert card["Created"] == "2026-11-30 08:00:00+00:00"
    assert card["Started"] == "2026-11-30 08:01:00+00:00"
    assert card["Ended"] == "2026-11-30 09:01:05+00:00"
    assert card["Duration"] == "1:00:05"
    assert card["Output"] == (
        "s3://out/llama/<br>SageMaker model llama-opt<br>recommended image lmi:0.30"
    )
    assert card["Environment"] == "HF_TOKEN=***<br>OPTION_DTYPE=fp16"
    assert "Failure reason" not in card
    # Every field, folded below the card.
    assert "<details><summary>All fields</summary>" in markup
    for field in attrs.fields(models.DescribeOptimizationJobResponse):
        if getattr(description(), field.name) is not None:
            assert f">{field.name}</th>" in markup


def test_a_job_just_created_has_no_empty_rows() -> None:
    job = description(
        optimization_job_status="STARTING",
        optimization_start_time=None,
        optimization_end_time=None,
        optimization_environment=None,
        optimization_output=None,
        max_instance_count=None,
        output_config=models.OptimizationJobOutputConfig(s3_output_location="s3://out/"),
        model_source=models.OptimizationJobModelSource(
            sage_maker_model=models.OptimizationSageMakerModel(model_name="my-model")
        ),
    )
    card = rows(job._repr_html_())
    assert set(card) == {"Instance type", "Techniques", "Model", "Created", "Output"}
    assert card["Instance type"] == "ml.g5.12xlarge"
    assert card["Model"] == "SageMaker model my-model"
    assert card["Output"] == "s3://out/"
    assert f"color:{_RUNNING_COLOUR}" in job._repr_html_()


def test_a_failure_reason_is_escaped_and_in_the_failure_colour() -> None:
    reason = '<script>alert("x")</script> & <b>bold</b>\x1b[2J'
    markup = description(optimization_job_status="FAILED", failure_reason=reason)._repr_html_()
    assert "<script>" not in markup
    assert "<b>bold</b>" not in markup
    assert "\x1b" not in markup
    escaped = html.escape('<script>alert("x")</script> & <b>bold</b>\\x1b[2J')
    assert rows(markup)["Failure reason"] == (
        f'<span style="color:{_COLOURS["FAILED"]}">{escaped}</span>'
    )


def test_every_text_from_the_service_is_escaped() -> None:
    evil = "<img src=x onerror=alert(1)>"
    job = description(
        optimization_job_name=evil,
        optimization_job_status=evil,  # a status this SDK doesn't know
        deployment_instance_type=evil,
        optimization_environment={evil: evil, "OPTION_" + evil: evil},
        optimization_configs=(quantization({"OPTION_QUANTIZE": evil}),),
        output_config=models.OptimizationJobOutputConfig(s3_output_location=evil),
        optimization_output=models.OptimizationOutput(recommended_inference_image=evil),
    )
    for markup in (
        job._repr_html_(),
        job.optimization_configs[0]._repr_html_(),
        models.ListOptimizationJobsResponse(
            optimization_job_summaries=[summary(optimization_job_name=evil)], next_token=evil
        )._repr_html_(),
    ):
        assert "<img" not in markup
        assert html.escape(evil) in markup


@pytest.mark.parametrize("status", [*JobStatus, "PAUSED"])
def test_each_status_has_the_waiters_colour(status: str) -> None:
    colour = _COLOURS.get(str(status), _RUNNING_COLOUR)
    expected = f'<span style="color:{colour};font-weight:bold">{status}</span>'
    assert expected in description(optimization_job_status=status)._repr_html_()
    assert expected in summary(optimization_job_status=status)._repr_html_()


def test_a_config_list_of_the_wrong_type_is_shown_not_raised() -> None:
    job = description(optimization_configs=None, optimization_job_name=12)
    card = rows(job._repr_html_())
    assert card["Techniques"] == "<i>none</i>"
    assert "<b>12</b>" in job._repr_html_()


# -- summaries, pages, configs, other models --------------------------------------------------


def _table_rows(markup: str) -> list[list[str]]:
    body = markup.split("<tbody>")[1]
    return [re.findall(r"<td [^>]*>(.*?)</td>", row) for row in body.split("</tr>")[:-1]]


def test_a_summary_is_one_row() -> None:
    markup = summary()._repr_html_()
    assert re.findall(r"<th [^>]*>(.*?)</th>", markup) == [
        "Job",
        "Status",
        "Instance type",
        "Techniques",
        "Created",
        "Started",
        "Ended",
        "Duration",
    ]
    (row,) = _table_rows(markup)
    assert row == [
        "llama-awq",
        f'<span style="color:{_COLOURS["FAILED"]};font-weight:bold">FAILED</span>',
        "ml.g6.12xlarge",
        "Quantization, SpeculativeDecoding",
        "2026-11-30 08:00:00+00:00",
        "2026-11-30 08:01:00+00:00",
        "2026-11-30 08:21:00+00:00",
        "20:00",
    ]
    (running,) = _table_rows(
        summary(optimization_end_time=None, optimization_start_time=None)._repr_html_()
    )
    assert running[5:] == ["", "", ""]  # not started: empty cells, no made-up duration


def test_a_page_lists_its_summaries_and_notes_the_next_token() -> None:
    page = models.ListOptimizationJobsResponse(
        optimization_job_summaries=[summary(optimization_job_name=f"job-{i}") for i in range(3)],
        next_token="tok<1>",
    )
    table = _table_rows(page._repr_html_())
    assert [row[0] for row in table[:3]] == ["job-0", "job-1", "job-2"]
    assert table[3] == ["3 jobs on this page; more to come: next_token <code>tok&lt;1&gt;</code>"]
    last = models.ListOptimizationJobsResponse(optimization_job_summaries=[summary()])
    assert _table_rows(last._repr_html_())[-1] == ["1 job on this page; the last page"]
    empty = models.ListOptimizationJobsResponse(optimization_job_summaries=[])
    assert _table_rows(empty._repr_html_()) == [["0 jobs on this page; the last page"]]


def test_a_config_shows_its_technique_and_options() -> None:
    markup = quantization({"OPTION_QUANTIZE": "fp8", "HF_TOKEN": SECRET})._repr_html_()
    assert "<b>Quantization</b>" in markup
    assert rows(markup) == {"image": "lmi:0.29", "OPTION_QUANTIZE": "fp8", "HF_TOKEN": "***"}
    assert SECRET not in markup
    assert rows(speculative()._repr_html_()) == {
        "technique": "EAGLE",
        "s3_uri": "s3://data/eagle/",
        "s3_data_type": "S3Prefix",
    }
    for member, name in (
        ("model_compilation_config", "Compilation"),
        ("model_sharding_config", "Sharding"),
    ):
        config = models.OptimizationConfig(**{member: models.ModelShardingConfig()})
        assert technique_options(config) == [(name, [])]
        assert f"<b>{name}</b>" in config._repr_html_()
    assert "no technique set" in models.OptimizationConfig()._repr_html_()


def test_other_models_are_a_nested_table() -> None:
    markup = models.OptimizationJobModelSource(
        s3=models.OptimizationJobModelSourceS3(s3_uri="s3://m/")
    )._repr_html_()
    assert "<b>OptimizationJobModelSource</b>" in markup
    assert markup.count('<table class="optjob-fields">') == 2  # the source's and the S3's
    assert ">s3_uri</th>" in markup
    assert ">model_access_config</th>" not in markup  # unset: no row
    assert "nothing set" in models.StoppingCondition()._repr_html_()


# -- the pretty text --------------------------------------------------------------------------


def test_a_description_prints_one_field_per_line_nested_indented() -> None:
    text = pretty(description())
    lines = text.splitlines()
    assert lines[0] == "DescribeOptimizationJobResponse("
    assert lines[-1] == ")"
    assert "    optimization_job_name='llama-awq'," in lines
    assert "    optimization_job_status=<JobStatus.COMPLETED: 'COMPLETED'>," in lines
    assert "    optimization_environment=EnvironmentMap({" in lines
    assert "        'HF_TOKEN': '***'," in lines
    assert "        'OPTION_DTYPE': 'fp16'," in lines
    assert "    stopping_condition=StoppingCondition(" in lines
    assert "        max_runtime_in_seconds=3600," in lines
    assert "    optimization_configs=(" in lines
    assert "        OptimizationConfig(" in lines
    assert "            model_quantization_config=ModelQuantizationConfig(" in lines
    assert "    failure_reason=None," not in lines  # unset fields are left out (repr has them)
    assert SECRET not in text
    assert max(map(len, lines)) < 100
    assert len(lines) > 40


def test_the_pretty_text_keeps_the_indentation_it_is_printed_at() -> None:
    text = pretty(models.StoppingCondition(max_runtime_in_seconds=60), indentation=4)
    assert text == "StoppingCondition(\n        max_runtime_in_seconds=60,\n    )"
    assert pretty(models.StoppingCondition()) == "StoppingCondition()"
    assert pretty(models.Tag(key="k\n", value="v")) == (
        "Tag(\n    key='k\\n',\n    value='v',\n)"  # control characters escaped, as repr
    )


def test_the_pretty_text_with_ipython() -> None:
    lib_pretty = pytest.importorskip("IPython.lib.pretty")
    job = description()
    assert lib_pretty.pretty(job) == "\n".join(pretty_lines(job))
    inside = lib_pretty.pretty([models.StoppingCondition(max_runtime_in_seconds=60)])
    assert inside == "[StoppingCondition(\n     max_runtime_in_seconds=60,\n )]"


# -- secrets, however a model is made ---------------------------------------------------------


def test_a_map_field_of_the_wrong_type_is_not_shown_at_all() -> None:
    # A list of pairs where a map belongs: repr doesn't show it (it may hold secrets), and
    # neither do the notebook forms.
    job = description(optimization_environment=[("HF_TOKEN", SECRET)])
    config = models.OptimizationConfig(
        model_compilation_config=models.ModelCompilationConfig(
            override_environment=[("HF_TOKEN", SECRET)]
        )
    )
    for value in (job, config):
        for text in (repr(value), pretty(value)):
            assert SECRET not in text
            assert "<a list, not shown>" in text
        assert SECRET not in value._repr_html_()
        assert "&lt;a list, not shown&gt;" in value._repr_html_()


#: Found only in the secrets below: where it shows, a secret (or a piece of one) leaked.
MARK = "\u2603SECRET\u2603"


def _with_secrets(value: Any, secret: str) -> Any:
    """``value`` with every environment value but the ``OPTION_*`` ones replaced by
    ``secret``, and an ``HF_TOKEN`` added to every environment map."""
    if isinstance(value, EnvironmentMap):
        masked = {key: value[key] if key.startswith("OPTION_") else secret for key in value}
        return EnvironmentMap({**masked, "HF_TOKEN": secret})
    if isinstance(value, tuple):
        return tuple(_with_secrets(item, secret) for item in value)
    if attrs.has(type(value)):
        changes = {
            field.name: _with_secrets(getattr(value, field.name), secret)
            for field in attrs.fields(type(value))
        }
        return attrs.evolve(value, **changes)
    return value


SECRETS = st.text(max_size=20).map(lambda middle: f"{MARK}{middle}{MARK}")


@settings(max_examples=60, deadline=None)
@given(job=model(models.DescribeOptimizationJobResponse), secret=SECRETS)
def test_no_secret_in_any_form_of_a_description(
    job: models.DescribeOptimizationJobResponse, secret: str
) -> None:
    job = _with_secrets(
        attrs.evolve(job, optimization_environment=job.optimization_environment or {}), secret
    )
    assert job.optimization_environment["HF_TOKEN"] == secret  # the data itself is kept
    for text in (job._repr_html_(), pretty(job), repr(job)):
        assert "\u2603" not in text
        assert html.escape(MARK) not in text


@settings(max_examples=60, deadline=None)
@given(config=model(models.OptimizationConfig), secret=SECRETS)
def test_no_secret_in_any_form_of_a_config(config: models.OptimizationConfig, secret: str) -> None:
    config = _with_secrets(config, secret)
    for text in (config._repr_html_(), pretty(config), repr(config)):
        assert "\u2603" not in text


@settings(max_examples=30, deadline=None)
@given(page=model(models.ListOptimizationJobsResponse))
def test_any_page_renders_every_summary(page: models.ListOptimizationJobsResponse) -> None:
    markup = page._repr_html_()
    summaries = page.optimization_job_summaries
    assert len(_table_rows(markup)) == len(summaries) + 1  # and the footer
    for job in summaries:
        assert html.escape(job.optimization_job_name) in markup
