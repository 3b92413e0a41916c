"""Hypothesis strategies that build valid models from the service model's shape table.

Shared by the model, converter, client and emulator tests.
"""

from __future__ import annotations

import re
from datetime import timezone
from functools import cache
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st

from optjob_sdk import enums, models
from optjob_sdk._modelbase import MEMBER_KEY, MemberInfo, shape_of
from optjob_sdk._patterns import translate
from optjob_sdk._schema import SHAPES

M = TypeVar("M")

ENUM_CLASSES: dict[str, type[Any]] = {
    "OptimizationJobDeploymentInstanceType": enums.InstanceType,
    "OptimizationJobStatus": enums.JobStatus,
    "ListOptimizationJobsSortBy": enums.SortBy,
    "SortOrder": enums.SortOrder,
    "ModelSpeculativeDecodingTechnique": enums.SpeculativeDecodingTechnique,
    "ModelSpeculativeDecodingS3DataType": enums.SpeculativeDecodingS3DataType,
}

MODEL_CLASSES: dict[str, type[Any]] = {
    shape_of(cls).name: cls
    for cls in (getattr(models, name) for name in models.__all__)
    if attrs.has(cls)
}

JAVA_LINE_TERMINATORS = "\n\r\x85\u2028\u2029"
JAVA_WHITESPACE = " \t\n\x0b\f\r"

# Characters that make validation interesting: ASCII edges, Unicode letters/digits/spaces.
TRICKY = "aZ09-_ .:/=+@!#é日ßΩ١٣½Ⅻ\u00a0\u3000\t\n\r\u2028😀"


def tag_text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    """Strings valid for TagKey/TagValue: Unicode letters, spaces, digits and _.:/=+-@."""
    alphabet = st.characters(categories=["L", "Z", "N"]) | st.sampled_from("_.:/=+-@")
    return st.text(alphabet, min_size=min_size, max_size=max_size)


def _non_empty_string(max_size: int) -> st.SearchStrategy[str]:
    alphabet = st.characters(blacklist_characters=JAVA_LINE_TERMINATORS, codec="utf-8")
    return st.text(alphabet, min_size=1, max_size=max_size).filter(
        lambda s: any(ch not in JAVA_WHITESPACE for ch in s)
    )


SPECIAL: dict[str, st.SearchStrategy[str]] = {
    # [\S]+ (Java's ASCII \S); from_regex would enumerate a million code points for it.
    "OptimizationContainerImage": st.text(
        st.characters(blacklist_characters=JAVA_WHITESPACE, codec="utf-8"), min_size=1, max_size=80
    ),
    "TagKey": tag_text(1, 40),
    "TagValue": tag_text(0, 40),
    "NonEmptyString256": _non_empty_string(40),
}


@cache
def scalar(shape_name: str) -> st.SearchStrategy[Any]:
    """Valid values of a non-structure shape."""
    shape = SHAPES[shape_name]
    if shape_name in ENUM_CLASSES:
        return st.sampled_from(list(ENUM_CLASSES[shape_name]))
    if shape.kind == "string":
        if shape_name in SPECIAL:
            return SPECIAL[shape_name]
        low, high = shape.min or 0, min(shape.max or 200, 200)
        if shape.pattern is None:
            return st.text(min_size=low, max_size=high)
        pattern = translate(shape.pattern)
        return st.from_regex(re.compile(pattern), fullmatch=True).filter(
            lambda s: low <= len(s) <= high
        )
    if shape.kind in ("integer", "long"):
        low = shape.min if shape.min is not None else -(2**31)
        high = shape.max if shape.max is not None else max(low, 0) + 10**7
        return st.integers(low, high)
    if shape.kind == "boolean":
        return st.booleans()
    if shape.kind == "timestamp":
        return st.datetimes(timezones=st.just(timezone.utc))
    if shape.kind == "list":
        assert shape.member is not None
        return st.lists(
            value(shape.member),
            min_size=shape.min or 0,
            max_size=min(shape.max if shape.max is not None else 3, 3),
        ).map(tuple)
    if shape.kind == "map":
        assert shape.key is not None
        assert shape.value is not None
        return st.dictionaries(
            scalar(shape.key),
            scalar(shape.value),
            min_size=shape.min or 0,
            max_size=min(shape.max if shape.max is not None else 4, 4),
        ).map(models.EnvironmentMap)
    raise AssertionError(shape.kind)


def value(shape_name: str) -> st.SearchStrategy[Any]:
    if shape_name in MODEL_CLASSES:
        return st.deferred(lambda: model(MODEL_CLASSES[shape_name]))
    return scalar(shape_name)


@cache
def model(cls: type[M]) -> st.SearchStrategy[M]:
    """Valid instances of a model class: required members set, unions with one member."""
    fields = attrs.fields(cls)
    infos: dict[str, MemberInfo] = {f.name: f.metadata[MEMBER_KEY] for f in fields}
    if shape_of(cls).union:
        options = [st.builds(cls, **{name: value(info.shape)}) for name, info in infos.items()]
        return st.one_of(options)
    kwargs: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in infos.items():
        strategy = value(info.shape)
        kwargs[name] = strategy if info.required else st.none() | strategy
    return st.builds(cls, **kwargs)
