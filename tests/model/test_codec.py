"""The generated codec (``_codec.py``) against the general walkers and cattrs.

The codec's functions take the common case and raise ``Fallback`` at anything else; the
general walkers (``_structure``, ``_validation.Checker``) explain every problem. These
properties hold them to one another: whatever the codec accepts, the general path accepts
and turns into the same thing; whatever the general path accepts without a word, the codec
accepts too. ``to_dict`` is held to cattrs, the converter it replaced.
"""

from __future__ import annotations

import logging
import warnings
from datetime import datetime
from enum import Enum
from typing import Any

import attrs
import cattrs
import pytest
from cattrs.gen import make_dict_unstructure_fn, override
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optjob_sdk import _codec, to_dict
from optjob_sdk._botocore_logs import known_secrets
from optjob_sdk._modelbase import MEMBER_KEY, EnvironmentMap, MemberInfo
from optjob_sdk._structure import structure
from optjob_sdk._validation import Checker, Problems
from optjob_sdk.enums import InstanceType
from optjob_sdk.errors import ValidationError
from optjob_sdk.models import DescribeOptimizationJobResponse, Tag
from strategies import ENUM_CLASSES, MODEL_CLASSES, model

MODELS = sorted(MODEL_CLASSES)
PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BAD_VALUES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**31, -(2**31) - 1, 2**63, 0, -1, 1800, 2419201, 101])
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["", " ", "***", "ml.g5.xlarge", "ml.future.xlarge", "7200", "a" * 300])
    | st.lists(st.text(max_size=3), max_size=3).map(tuple)
    | st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2).map(EnvironmentMap)
    | st.just(Tag(key="k", value="v"))
)


def _cattrs_converter() -> cattrs.Converter:
    """The converter ``to_dict`` used before the codec (converter.py, issue 12's tree)."""
    converter = cattrs.Converter()

    def plain(value: Any) -> Any:
        return value.value if isinstance(value, Enum) else value

    for enum in ENUM_CLASSES.values():
        converter.register_unstructure_hook(enum | str, plain)
        converter.register_unstructure_hook(enum | str | None, plain)
    converter.register_unstructure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, Enum), plain
    )
    converter.register_unstructure_hook(datetime, lambda value: value)
    converter.register_unstructure_hook(EnvironmentMap, EnvironmentMap.to_dict)

    def factory(cls: type[Any]) -> Any:
        renames = {
            field.name: override(rename=field.metadata[MEMBER_KEY].wire)
            for field in attrs.fields(cls)
        }
        return make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True, **renames)

    converter.register_unstructure_hook_factory(
        lambda cls: attrs.has(cls) and hasattr(cls, "__optjob_shape__"), factory
    )
    return converter


CATTRS = _cattrs_converter()


def _general_check(instance: object) -> Checker:
    """The general walk over a model, quietly: its problems and the "***" it saw."""
    checker = Checker(Problems(), quiet=True)
    checker.structure(instance, "")
    return checker


def _unknown_enum_values(instance: object) -> bool:
    """Whether the model holds a string in an enum member that the enum doesn't know."""
    for field in attrs.fields(type(instance)):
        info: MemberInfo = field.metadata[MEMBER_KEY]
        value = getattr(instance, field.name)
        enum = ENUM_CLASSES.get(info.shape)
        known = {member.value for member in enum} if enum is not None else set()
        if enum is not None and isinstance(value, str) and value not in known:
            return True
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if attrs.has(type(item)) and _unknown_enum_values(item):
                return True
    return False


@pytest.mark.parametrize("shape_name", MODELS)
@PROPERTY
@given(data=st.data())
def test_to_dict_is_what_cattrs_made(shape_name: str, data: st.DataObject) -> None:
    instance = data.draw(model(MODEL_CLASSES[shape_name]))
    assert to_dict(instance) == CATTRS.unstructure(instance)


@pytest.mark.parametrize("shape_name", MODELS)
@PROPERTY
@given(data=st.data())
def test_a_valid_model_is_checked_and_serialised_in_one_pass(
    shape_name: str, data: st.DataObject
) -> None:
    """The checker passes every valid model with nothing to warn about, and gives exactly
    to_dict's data and known_secrets' secrets."""
    instance = data.draw(model(MODEL_CLASSES[shape_name]))
    general = _general_check(instance)
    assert general.problems.count == 0
    secrets: list[str] = []
    try:
        out = _codec.CHECKERS[type(instance)](instance, secrets)
    except _codec.Fallback:
        # Only a value worth a warning (the "***" placeholder) leaves the common case.
        assert general.masked
        return
    assert not general.masked
    assert out == to_dict(instance)
    assert tuple(secrets) == known_secrets(instance)


@pytest.mark.parametrize("shape_name", MODELS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_checker_passes_nothing_the_general_check_refuses(
    shape_name: str, data: st.DataObject
) -> None:
    cls = MODEL_CLASSES[shape_name]
    instance = data.draw(model(cls))
    fields = attrs.fields(cls)
    if fields:  # a member set to anything at all, kept as given by the constructor
        field = data.draw(st.sampled_from(fields))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            instance = attrs.evolve(instance, **{field.name: data.draw(BAD_VALUES)})
    general = _general_check(instance)
    try:
        out = _codec.CHECKERS[cls](instance, [])
    except _codec.Fallback:
        # Refused: the general check has something to say (a problem or a warning).
        assert general.problems.count or general.masked or _unknown_enum_values(instance)
        return
    assert general.problems.count == 0
    assert not general.masked
    assert not _unknown_enum_values(instance)
    assert out == to_dict(instance)


FELL_BACK = object()


def _both_walks(cls: type[Any], wire: Any) -> tuple[Any, Any]:
    """The general walk's model (None where it refuses the data) and the reader's (or
    FELL_BACK), quietly: unknown values are logged and warned about on purpose."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.WARNING)
        try:
            try:
                general = structure(cls, wire, strict=False)
            except ValidationError:
                general = None
            try:
                fast = _codec.READERS[cls](wire)
            except _codec.Fallback:
                fast = FELL_BACK
        finally:
            logging.disable(logging.NOTSET)
    return general, fast


def _corrupt(data: st.DataObject, wire: Any) -> Any:
    """The wire data with one value somewhere replaced by anything JSON-like."""
    if isinstance(wire, dict) and wire and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(wire)))
        return {**wire, key: _corrupt(data, wire[key])}
    if isinstance(wire, list) and wire and data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(wire) - 1))
        return [*wire[:index], _corrupt(data, wire[index]), *wire[index + 1 :]]
    return data.draw(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats()
        | st.text(max_size=5)
        | st.sampled_from(["ml.future.xlarge", "NEWSTATUS", "2026-01-01T00:00:00Z"])
        | st.sampled_from([1795996800, 2**31, -(2**31) - 1, 2**63, 7200.5, True])
        | st.lists(st.text(max_size=3), max_size=2)
        | st.dictionaries(st.text(max_size=3), st.integers() | st.text(max_size=3), max_size=2)
    )


@pytest.mark.parametrize("shape_name", MODELS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_reader_makes_what_the_general_walk_makes(shape_name: str, data: st.DataObject) -> None:
    """On valid answers and on answers broken anywhere: when the reader gives a model, the
    general walk gives the same one; when it falls back, the general walk decides."""
    cls = MODEL_CLASSES[shape_name]
    wire: Any = to_dict(data.draw(model(cls)))
    if data.draw(st.booleans()):
        wire = _corrupt(data, wire)
    general, fast = _both_walks(cls, wire)
    if fast is FELL_BACK:
        return
    assert general is not None, "the reader took data the general walk refuses"
    assert fast == general
    assert [type(getattr(fast, f.name)) for f in attrs.fields(cls)] == [
        type(getattr(general, f.name)) for f in attrs.fields(cls)
    ]


def test_the_reader_leaves_unknown_enum_values_to_the_general_walk(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A newer value falls back, so that it is kept as a str and logged, as before."""
    wire = {
        "OptimizationJobArn": "arn:aws:sagemaker:us-west-2:111122223333:optimization-job/x",
        "OptimizationJobStatus": "PAUSED-IN-2030",
        "CreationTime": datetime(2026, 1, 1),
        "LastModifiedTime": datetime(2026, 1, 1),
        "OptimizationJobName": "x",
        "ModelSource": {"S3": {"S3Uri": "s3://b/m/"}},
        "DeploymentInstanceType": "ml.g5.xlarge",
        "OptimizationConfigs": [],
        "OutputConfig": {"S3OutputLocation": "s3://b/o/"},
        "RoleArn": "arn:aws:iam::111122223333:role/r",
        "StoppingCondition": {"MaxRuntimeInSeconds": 60},
    }
    with pytest.raises(_codec.Fallback):
        _codec.read_DescribeOptimizationJobResponse(wire)
    from optjob_sdk import from_dict

    with caplog.at_level(logging.WARNING, logger="optjob_sdk"):
        job = from_dict(DescribeOptimizationJobResponse, wire)
    assert job.optimization_job_status == "PAUSED-IN-2030"
    assert job.deployment_instance_type is InstanceType.ML_G5_XLARGE
    assert "PAUSED-IN-2030" in caplog.text


def test_every_structure_has_its_three_functions() -> None:
    for cls in MODEL_CLASSES.values():
        assert _codec.READERS[cls].__name__ == f"read_{cls.__name__}"
        assert _codec.WRITERS[cls].__name__ == f"write_{cls.__name__}"
        assert _codec.CHECKERS[cls].__name__ == f"check_{cls.__name__}"
    assert set(_codec.READERS) == set(MODEL_CLASSES.values())


def test_a_subclass_of_a_model_uses_its_base_functions() -> None:
    @attrs.frozen(kw_only=True, slots=True, repr=False, unsafe_hash=False)
    class MyTag(Tag):
        pass

    assert to_dict(MyTag(key="k", value="v")) == {"Key": "k", "Value": "v"}
    assert _codec.writer_for(int) is None
    with pytest.raises(TypeError, match="expected an optjob_sdk model"):
        to_dict(42)


WIRE_BAD = (
    None,
    True,
    0,
    -1,
    2**31,
    -(2**31) - 1,
    2**63,
    7200.5,
    "",
    "7200",
    "ml.future.xlarge",
    "2026-01-01T00:00:00Z",
    [],
    ["x", 1],
    [None],
    {},
    {"k": 1},
    {"S3Uri": "s3://b/"},
)


@pytest.mark.parametrize("shape_name", MODELS)
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_member_with_every_wrong_value(shape_name: str, data: st.DataObject) -> None:
    """Each member of a valid answer, in turn, set to each value of WIRE_BAD: the reader
    falls back, or makes exactly what the general walk makes."""
    cls = MODEL_CLASSES[shape_name]
    wire = to_dict(data.draw(model(cls)))
    for field in attrs.fields(cls):
        member = field.metadata[MEMBER_KEY].wire
        for bad in WIRE_BAD:
            general, fast = _both_walks(cls, {**wire, member: bad})
            if fast is FELL_BACK:
                continue
            assert general is not None, (member, bad)
            assert fast == general, (member, bad)
