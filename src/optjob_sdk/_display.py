"""How models look in a notebook: Jupyter's HTML (``_repr_html_``) and IPython's pretty text
(``_repr_pretty_``).

No dependency, and imported only when a model is first shown (the models' methods import it
at the call), so ``import optjob_sdk`` does not pay for it. What is shown:

- a job's description: a card (name, status in its colour, instance type, techniques, model,
  times and duration, failure reason, output), with every field in a folded table below;
- a list summary: a one-row table; a list page: a table of its summaries, the next token
  noted; an optimization config: its technique and options;
- any other model: a table of its fields, nested models as nested tables.

Values come from the service: every piece of text is escaped (``html.escape``, after
:func:`~optjob_sdk._text.printable` has escaped control characters). Secrets are masked by the
rules ``repr`` follows (:func:`~optjob_sdk._modelbase.masked_items`,
:func:`~optjob_sdk._modelbase.model_fields`): an environment map's values show as ``***``
but the ``OPTION_*`` knobs', and a map field holding something other than an environment map
is not shown at all. Rendering never raises on a field of the wrong type (constructors keep
such values as given, for validation to name): it shows the value's ``repr``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any, cast

from optjob_sdk import models  # loaded already: only a model's methods import this module
from optjob_sdk._modelbase import EnvironmentMap, masked_items, model_fields, not_shown, safe_repr
from optjob_sdk._progress import _COLOURS, _RUNNING_COLOUR, _clock
from optjob_sdk._text import printable

__all__ = ["html_of", "pretty_lines", "pretty_to", "technique_options"]

#: Indentation of nested values in the pretty text.
_INDENT = "    "

# Left-aligned and top-aligned: Jupyter's style aligns table cells right (for numbers), and
# a nested table would otherwise float in the middle of its row.
_TH = 'style="text-align:left;vertical-align:top;padding-right:1em;white-space:nowrap"'
_TD = 'style="text-align:left;vertical-align:top"'
_CARD = (
    'style="border:1px solid #d0d7de;border-radius:6px;padding:6px 12px;'
    'display:inline-block;max-width:100%"'
)
_FAILURE_COLOUR = _COLOURS["FAILED"]

#: The union members of an OptimizationConfig and how a person calls each technique.
_TECHNIQUES = {
    "model_quantization_config": "Quantization",
    "model_compilation_config": "Compilation",
    "model_sharding_config": "Sharding",
    "model_speculative_decoding_config": "Speculative decoding",
}


# -- shared ---------------------------------------------------------------------------------


def _is_model(value: object) -> bool:
    return hasattr(type(value), "__optjob_shape__")


def _shown_fields(model: object) -> list[tuple[str, Any, bool]]:
    """The fields worth showing: those set (``None`` is an unset optional member)."""
    return [field for field in model_fields(model) if field[1] is not None]


def _text(value: object) -> str:
    """A value as a person reads it (not escaped): an enum as its value, a time in ISO
    form, a string as itself, anything else (a wrong type included) as its ``repr``."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return _text(value.value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (bool, float)):
        return repr(value)
    return safe_repr(value)  # an int of 5,000 digits: str() would raise


def _items(value: object) -> tuple[object, ...] | None:
    """``value``'s items if it is a tuple (a list field), else ``None``."""
    return cast("tuple[object, ...]", value) if isinstance(value, tuple) else None


def _esc(text: str) -> str:
    return html.escape(printable(text))


def _get(value: object, *path: str) -> Any:
    """``value.a.b`` for ``path`` ``("a", "b")``; ``None`` where a step is missing (a field
    of the wrong type has no such attribute)."""
    for name in path:
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def _status(value: object) -> tuple[str, str]:
    """The status's text and its colour (the waiters' display's colours)."""
    text = _text(value) or "?"
    return text, _COLOURS.get(text, _RUNNING_COLOUR)


def _status_html(value: object) -> str:
    text, colour = _status(value)
    return f'<span style="color:{colour};font-weight:bold">{_esc(text)}</span>'


def _duration(start: object, end: object) -> str | None:
    """How long the job ran (``H:MM:SS``, ``MM:SS`` under an hour), when both ends are
    known times."""
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return None
    try:
        return _clock((end - start).total_seconds())
    except TypeError:  # one naive, one aware: not comparable
        return None


def technique_options(config: object) -> list[tuple[str, list[tuple[str, str]]]]:
    """``(technique, options)`` for each technique an :class:`OptimizationConfig` sets
    (exactly one in a valid config), options as ``(name, text)``: the container image, the
    environment's items masked, the speculative decoding technique and its training data."""
    if not _is_model(config):
        return [("?", [("value", safe_repr(config))])]
    found: list[tuple[str, list[tuple[str, str]]]] = []
    for name, value, hidden in _shown_fields(config):
        technique = _TECHNIQUES.get(name, name)
        if hidden or not _is_model(value):
            found.append((technique, [("value", not_shown(value) if hidden else _text(value))]))
        else:
            found.append((technique, _options(value)))
    return found


def _options(model: object) -> list[tuple[str, str]]:
    """A technique's settings, flat: nested models' fields under their own names."""
    out: list[tuple[str, str]] = []
    for name, value, hidden in _shown_fields(model):
        if hidden:
            out.append((name, not_shown(value)))
        elif isinstance(value, EnvironmentMap):
            out.extend((_text(key), _text(shown)) for key, shown in masked_items(value))
        elif _is_model(value):
            out.extend(_options(value))
        elif (items := _items(value)) is not None:
            out.append((name, ", ".join(_text(item) for item in items)))
        else:
            out.append((name, _text(value)))
    return out


def _technique_text(technique: str, options: list[tuple[str, str]]) -> str:
    if not options:
        return technique
    return f"{technique} ({', '.join(f'{key}={value}' for key, value in options)})"


# -- pretty text ----------------------------------------------------------------------------


def pretty_lines(value: object) -> list[str]:
    """``value`` as the lines of its pretty form: a model as ``Name(``, one ``field=value,``
    per line (unset optional fields left out: ``repr`` shows all), ``)``; nested models,
    tuples of models and environment maps indented the same way; anything else as its
    ``repr``."""
    if _is_model(value):
        fields = _shown_fields(value)
        if not fields:
            return [f"{type(value).__name__}()"]
        lines = [f"{type(value).__name__}("]
        for name, field_value, hidden in fields:
            inner = [not_shown(field_value)] if hidden else pretty_lines(field_value)
            lines.append(f"{_INDENT}{name}={inner[0]}")
            lines.extend(_INDENT + line for line in inner[1:])
            lines[-1] += ","
        lines.append(")")
        return lines
    if isinstance(value, EnvironmentMap):
        masked = masked_items(value)
        if not masked:
            return ["EnvironmentMap({})"]
        shown = (f"{_INDENT}{safe_repr(key)}: {safe_repr(item)}," for key, item in masked)
        return ["EnvironmentMap({", *shown, "})"]
    items = _items(value)
    if items is not None and any(_is_model(item) for item in items):
        lines = ["("]
        for item in items:
            inner = pretty_lines(item)
            lines.extend(_INDENT + line for line in inner)
            lines[-1] += ","
        lines.append(")")
        return lines
    return [safe_repr(value)]


def pretty_to(value: object, printer: Any) -> None:
    """Write ``value``'s pretty form to IPython's ``PrettyPrinter`` (``text`` and
    ``break_``, which keeps the indentation of where the value is printed)."""
    for number, line in enumerate(pretty_lines(value)):
        if number:
            printer.break_()
        printer.text(line)


# -- HTML -----------------------------------------------------------------------------------


def _row(title: str, cell_html: str) -> str:
    return f"<tr><th {_TH}>{_esc(title)}</th><td {_TD}>{cell_html}</td></tr>"


def _cell(value: object, hidden: bool = False) -> str:
    """A field's value as HTML: nested models as tables, environment maps masked."""
    if hidden:
        return _esc(not_shown(value))
    if _is_model(value):
        return _fields_table(value)
    if isinstance(value, EnvironmentMap):
        return "<br>".join(
            f"{_esc(_text(key))}={_esc(_text(shown))}" for key, shown in masked_items(value)
        )
    items = _items(value)
    if items is not None:
        joiner = "" if any(_is_model(item) for item in items) else "<br>"
        return joiner.join(_cell(item) for item in items)
    return _esc(_text(value))


def _fields_table(model: object) -> str:
    rows = [_row(name, _cell(value, hidden)) for name, value, hidden in _shown_fields(model)]
    if not rows:
        return f"<i>{_esc(type(model).__name__)}: nothing set</i>"
    return f'<table class="optjob-fields">{"".join(rows)}</table>'


def _card(kind: str, head: str, rows: list[str], tail: str = "") -> str:
    body = f"<table>{''.join(rows)}</table>" if rows else ""
    return f'<div class="optjob-{kind}" {_CARD}><div>{head}</div>{body}{tail}</div>'


def _model_source(source: object) -> str | None:
    uri = _get(source, "s3", "s3_uri")
    if uri is not None:
        eula = _get(source, "s3", "model_access_config", "accept_eula")
        return _text(uri) + (" (EULA accepted)" if eula is True else "")
    name = _get(source, "sage_maker_model", "model_name")
    if name is not None:
        return f"SageMaker model {_text(name)}"
    return None if source is None else _text(source)


def _output(job: object) -> list[str]:
    parts: list[str] = []
    location = _get(job, "output_config", "s3_output_location")
    if location is not None:
        parts.append(_esc(_text(location)))
    model = _get(job, "output_config", "sage_maker_model", "model_name")
    if model is not None:
        parts.append(f"SageMaker model {_esc(_text(model))}")
    image = _get(job, "optimization_output", "recommended_inference_image")
    if image is not None:
        parts.append(f"recommended image {_esc(_text(image))}")
    return parts


def _description_html(job: Any) -> str:
    head = (
        f"<b>{_esc(_text(job.optimization_job_name))}</b> "
        f"{_status_html(job.optimization_job_status)}"
    )
    rows: list[str] = []
    instance = _esc(_text(job.deployment_instance_type))
    if job.max_instance_count is not None:
        instance += f", up to {_esc(_text(job.max_instance_count))} instances"
    rows.append(_row("Instance type", instance))
    configs = _items(job.optimization_configs)
    techniques = (
        [
            _esc(_technique_text(technique, options))
            for config in configs
            for technique, options in technique_options(config)
        ]
        if configs is not None
        else [_esc(_text(job.optimization_configs))]
    )
    rows.append(_row("Techniques", "<br>".join(techniques) or "<i>none</i>"))
    source = _model_source(job.model_source)
    if source is not None:
        rows.append(_row("Model", _esc(source)))
    for title, when in (
        ("Created", job.creation_time),
        ("Started", job.optimization_start_time),
        ("Ended", job.optimization_end_time),
    ):
        if when is not None:
            rows.append(_row(title, _esc(_text(when))))
    took = _duration(job.optimization_start_time, job.optimization_end_time)
    if took is not None:
        rows.append(_row("Duration", _esc(took)))
    if job.failure_reason is not None:
        reason = _esc(_text(job.failure_reason))
        rows.append(
            _row("Failure reason", f'<span style="color:{_FAILURE_COLOUR}">{reason}</span>')
        )
    output = _output(job)
    if output:
        rows.append(_row("Output", "<br>".join(output)))
    if job.optimization_environment is not None:
        rows.append(_row("Environment", _cell(job.optimization_environment, _hidden(job))))
    everything = f"<details><summary>All fields</summary>{_fields_table(job)}</details>"
    return _card("job", head, rows, everything)


def _hidden(model: object, field: str = "optimization_environment") -> bool:
    return any(hidden for name, _, hidden in model_fields(model) if name == field)


_SUMMARY_COLUMNS = (
    "Job",
    "Status",
    "Instance type",
    "Techniques",
    "Created",
    "Started",
    "Ended",
    "Duration",
)


def _summary_cells(summary: Any) -> list[str]:
    types = _items(summary.optimization_types)
    techniques = (
        ", ".join(_text(kind) for kind in types)
        if types is not None
        else _text(summary.optimization_types)
    )
    return [
        _esc(_text(summary.optimization_job_name)),
        _status_html(summary.optimization_job_status),
        _esc(_text(summary.deployment_instance_type)),
        _esc(techniques),
        _esc(_text(summary.creation_time)),
        _esc(_text(summary.optimization_start_time)),
        _esc(_text(summary.optimization_end_time)),
        _esc(_duration(summary.optimization_start_time, summary.optimization_end_time) or ""),
    ]


def _summaries_table(summaries: list[Any], footer: str) -> str:
    head = "".join(f"<th {_TD}>{title}</th>" for title in _SUMMARY_COLUMNS)
    rows = [
        "<tr>" + "".join(f"<td {_TD}>{cell}</td>" for cell in _summary_cells(summary)) + "</tr>"
        for summary in summaries
    ]
    tail = f'<tr><td {_TD} colspan="{len(_SUMMARY_COLUMNS)}">{footer}</td></tr>' if footer else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}{tail}</tbody></table>"


def _summary_html(summary: Any) -> str:
    return f'<div class="optjob-summary">{_summaries_table([summary], "")}</div>'


def _page_html(page: Any) -> str:
    summaries = _items(page.optimization_job_summaries)
    if summaries is None:
        return _generic_html(page)
    count = len(summaries)
    jobs = f"{count} job{'' if count == 1 else 's'} on this page"
    token: Any = page.next_token
    more = (
        f"; more to come: next_token <code>{_esc(_text(token))}</code>"
        if token
        else "; the last page"
    )
    return f'<div class="optjob-page">{_summaries_table(list(summaries), jobs + more)}</div>'


def _config_html(config: object) -> str:
    parts: list[str] = []
    for technique, options in technique_options(config):
        rows = [_row(key, _esc(value)) for key, value in options]
        parts.append(_card("config", f"<b>{_esc(technique)}</b>", rows))
    return "".join(parts) or _card("config", "<i>no technique set</i>", [])


def _generic_html(model: object) -> str:
    return _card("model", f"<b>{_esc(type(model).__name__)}</b>", [], _fields_table(model))


_RENDERERS: dict[type[Any], Callable[[Any], str]] = {
    models.DescribeOptimizationJobResponse: _description_html,
    models.OptimizationJobSummary: _summary_html,
    models.ListOptimizationJobsResponse: _page_html,
    models.OptimizationConfig: _config_html,
}


def html_of(model: object) -> str:
    """The HTML Jupyter shows for ``model`` (see the module's docstring)."""
    return _RENDERERS.get(type(model), _generic_html)(model)
