"""A listing as a table: the columns and rows behind ``to_pandas()``, written once for the sync
and the async pager (they differ only in how they collect the summaries).

The rows are built here without pandas and without I/O; pandas is imported only to make the
frame, and only by ``to_pandas()`` (the ``pandas`` extra): ``import optjob_sdk`` never loads
it.

The columns are :class:`~optjob_sdk.OptimizationJobSummary`'s fields, in its order, under
their snake_case names:

- times (``creation_time``, ``optimization_start_time``, ``optimization_end_time``,
  ``last_modified_time``) as timezone-aware ``datetime64`` columns in UTC (``NaT`` where a
  job has none yet);
- enums (``optimization_job_status``, ``deployment_instance_type``) as their plain string
  values (``"COMPLETED"``, ``"ml.g5.12xlarge"``); a value newer than this SDK stays the
  string the service sent;
- ``max_instance_count`` as a nullable integer (``Int64``, ``<NA>`` where unset);
- ``optimization_types`` as one string, the types joined with ``", "``
  (``"Quantization, SpeculativeDecoding"``): a cell that groups, sorts, compares and
  de-duplicates like any string (``df.optimization_types.str.contains("Quantization")``;
  ``.str.split(", ")`` gives the lists back).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, cast

import attrs

from optjob_sdk._modelbase import MEMBER_KEY, MemberInfo, model_fields, not_shown
from optjob_sdk._schema import SHAPES
from optjob_sdk.models import OptimizationJobSummary

if TYPE_CHECKING:
    import pandas

__all__ = ["COLUMNS", "INSTALL", "frame", "require_pandas", "summary_row"]

#: What to run for ``to_pandas()``, as the error without pandas says it.
INSTALL: Final = "pip install 'optjob-sdk[pandas]'"

#: The separator of ``optimization_types`` (and any other list field) in a cell.
LIST_SEPARATOR: Final = ", "


def _kinds() -> dict[str, str]:
    fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(OptimizationJobSummary)
    kinds: dict[str, str] = {}
    for field in fields:
        info: MemberInfo = field.metadata[MEMBER_KEY]
        spec = SHAPES.get(info.shape)
        kinds[field.name] = spec.kind if spec is not None else "structure"
    return kinds


#: Each column's shape kind (string, timestamp, integer, list...), in the summary's order.
_KINDS: Final = _kinds()

#: The frame's columns: the summary's fields, in its order.
COLUMNS: Final = tuple(_KINDS)


def require_pandas() -> ModuleType:
    """pandas, or a :class:`ModuleNotFoundError` that says what to install."""
    try:
        import pandas
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            f"to_pandas() needs pandas, which is not installed: {INSTALL}", name="pandas"
        ) from error
    return pandas


def _cell(value: object, hidden: bool) -> object:
    if hidden:  # no map field in a summary today; the same rule as repr if one comes
        return not_shown(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        items = cast("tuple[object, ...]", value)
        return LIST_SEPARATOR.join(
            str(item.value if isinstance(item, Enum) else item) for item in items
        )
    return value


def summary_row(summary: OptimizationJobSummary) -> dict[str, object]:
    """One summary as a row: column name to cell (see the module's docstring)."""
    return {name: _cell(value, hidden) for name, value, hidden in model_fields(summary)}


def frame(summaries: Iterable[OptimizationJobSummary]) -> pandas.DataFrame:
    """The summaries as a DataFrame, one row each in the order given, with every column
    even when there are none."""
    pd: Any = require_pandas()
    rows = [summary_row(summary) for summary in summaries]
    text = pd.Series(["text"]).dtype  # what pandas makes of strings, for an empty column
    columns: dict[str, Any] = {}
    for name, kind in _KINDS.items():
        cells = [row[name] for row in rows]
        try:
            if kind == "timestamp":
                # Microseconds, as datetime holds them: every date a model can hold fits
                # (nanoseconds end in 2262), and an empty column has the same unit, so
                # frames concatenate without a change of type.
                series = pd.Series(cells, dtype=pd.DatetimeTZDtype(unit="us", tz="UTC"))
            elif kind in ("integer", "long"):
                series = pd.Series(cells, dtype=object).astype("Int64")
            else:  # text: pandas' own string dtype (object in pandas 2, str in 3)
                series = pd.Series(cells) if cells else pd.Series(cells, dtype=text)
        except (TypeError, ValueError, OverflowError):  # a value of the wrong type: as it is
            series = pd.Series(cells, dtype=object)
        columns[name] = series
    result: pandas.DataFrame = pd.DataFrame(columns)
    return result
