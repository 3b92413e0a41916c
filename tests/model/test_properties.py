"""Hypothesis properties of the model layer: round trips, validation exactness, parsing."""

from __future__ import annotations

import unicodedata
import warnings
from datetime import datetime
from enum import Enum
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examples import EXAMPLES
from optjob_sdk import (
    CreateOptimizationJobRequest,
    DescribeOptimizationJobResponse,
    ListOptimizationJobsResponse,
    Tag,
    ValidationError,
    from_dict,
    to_dict,
    validate,
)
from optjob_sdk._modelbase import MEMBER_KEY
from optjob_sdk._schema import SHAPES
from optjob_sdk._validation import check
from strategies import JAVA_LINE_TERMINATORS, JAVA_WHITESPACE, MODEL_CLASSES, TRICKY, model

MODELS = sorted(MODEL_CLASSES)
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("shape_name", MODELS)
@PROPERTY
@given(data=st.data())
def test_round_trip_and_valid(shape_name: str, data: st.DataObject) -> None:
    """from_dict(to_dict(x)) == x for every generated valid model, and it validates."""
    cls = MODEL_CLASSES[shape_name]
    instance = data.draw(model(cls))
    wire = to_dict(instance)
    assert not _has_enum_or_tuple(wire), "boto3 gets plain str and list"
    assert from_dict(cls, wire) == instance
    assert hash(from_dict(cls, wire)) == hash(instance)
    assert check(instance) == []
    validate(instance)


def _has_enum_or_tuple(data: Any) -> bool:
    if isinstance(data, (Enum, tuple)):
        return True
    if isinstance(data, dict):
        return any(_has_enum_or_tuple(v) for v in data.values())
    if isinstance(data, list):
        return any(_has_enum_or_tuple(v) for v in data)
    return False


# -- accept/reject exactly as the service model does ------------------------------------
# Each oracle is written out by hand from the pattern, independent of the SDK's translator.

ASCII_ALNUM = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def entity_name_ok(s: str) -> bool:
    # [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}, length 1..63
    return (
        1 <= len(s) <= 63
        and all(ch in ASCII_ALNUM or ch == "-" for ch in s)
        and s[0] in ASCII_ALNUM
        and s[-1] in ASCII_ALNUM
    )


ROLE_CHARS = ASCII_ALNUM | set("_+=,.@-/")


def role_arn_ok(s: str) -> bool:
    # arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+, length 20..2048
    if not 20 <= len(s) <= 2048 or not s.startswith("arn:aws"):
        return False
    rest = s[len("arn:aws") :]
    partition, sep, rest = rest.partition(":iam::")
    if not sep or any(not ("a" <= ch <= "z" or ch == "-") for ch in partition):
        return False
    digits, rest = rest[:12], rest[12:]
    if len(digits) != 12 or any(ch not in "0123456789" for ch in digits):
        return False
    if not rest.startswith(":role"):
        return False
    name = rest[len(":role") :]
    return len(name) >= 1 and all(ch in ROLE_CHARS for ch in name)


def s3_uri_ok(s: str) -> bool:
    # (https|s3)://([^/]+)/?(.*) with Java's '.', length 0..1024
    if len(s) > 1024:
        return False
    for scheme in ("https://", "s3://"):
        if s.startswith(scheme):
            rest = s[len(scheme) :]
            host, _, tail = rest.partition("/")
            return bool(host) and not any(ch in JAVA_LINE_TERMINATORS for ch in tail)
    return False


def tag_key_ok(s: str) -> bool:
    # ([\p{L}\p{Z}\p{N}_.:/=+\-@]*), length 1..128
    return 1 <= len(s) <= 128 and all(
        unicodedata.category(ch)[0] in "LZN" or ch in "_.:/=+-@" for ch in s
    )


def env_key_ok(s: str) -> bool:
    # (?!\s*$).+ with Java's ASCII \s and '.', length 0..256
    return (
        1 <= len(s) <= 256
        and not any(ch in JAVA_LINE_TERMINATORS for ch in s)
        and any(ch not in JAVA_WHITESPACE for ch in s)
    )


def text_near(pieces: list[str]) -> st.SearchStrategy[str]:
    """Strings built from pieces of valid values and tricky characters."""
    return st.lists(st.sampled_from(pieces) | st.sampled_from(list(TRICKY)), max_size=12).map(
        "".join
    ) | st.text(max_size=70)


def _errors_at(instance: Any, path: str) -> list[str]:
    return [e.message for e in check(instance) if e.path == path]


STRINGS = settings(max_examples=200, deadline=None)


@STRINGS
@given(text_near(["llama3", "-", "8b", "awq", "a" * 30]))
def test_job_names(name: str) -> None:
    from optjob_sdk import DescribeOptimizationJobRequest

    errors = _errors_at(
        DescribeOptimizationJobRequest(optimization_job_name=name), "optimization_job_name"
    )
    assert (errors == []) == entity_name_ok(name), errors


@STRINGS
@given(
    text_near(
        [
            "arn:aws",
            "arn:aws-cn",
            ":iam::",
            "111122223333",
            ":role",
            "/",
            "service-role/",
            "My_Role",
        ]
    )
)
def test_role_arns(arn: str) -> None:
    request = _request(role_arn=arn)
    assert (_errors_at(request, "role_arn") == []) == role_arn_ok(arn)


@STRINGS
@given(text_near(["s3://", "https://", "bucket", "/", "prefix/", "a.b"]))
def test_s3_uris(uri: str) -> None:
    request = _request()
    request = attrs.evolve(
        request, output_config=attrs.evolve(request.output_config, s3_output_location=uri)
    )
    errors = _errors_at(request, "output_config.s3_output_location")
    assert (errors == []) == s3_uri_ok(uri), errors


@STRINGS
@given(text_near(["team", " ", "é", "日本", "½", ":", "@"]))
def test_tag_keys_with_unicode(key: str) -> None:
    errors = _errors_at(Tag(key=key, value="v"), "key")
    assert (errors == []) == tag_key_ok(key), errors


@STRINGS
@given(text_near(["HF_TOKEN", "OPTION_QUANTIZE", " ", "\t", "é"]))
def test_environment_keys(key: str) -> None:
    request = _request(optimization_environment={key: "value"})
    errors = [e for e in check(request) if e.path.startswith("optimization_environment[")]
    assert (errors == []) == env_key_ok(key), errors


def _request(**changes: Any) -> CreateOptimizationJobRequest:
    import json

    example = EXAMPLES / "awq-quantization.json"
    request = from_dict(CreateOptimizationJobRequest, json.loads(example.read_text()))
    return attrs.evolve(request, **changes)


# -- every valid response parses -----------------------------------------------------------

RESPONSES = [DescribeOptimizationJobResponse, ListOptimizationJobsResponse]


def _sprinkle(instance: Any, wire: Any, extra: st.DataObject) -> Any:
    """Add members the SDK doesn't know to every structure (maps are left alone)."""
    if attrs.has(type(instance)):
        out = dict(wire)
        for field in attrs.fields(type(instance)):
            name = field.metadata[MEMBER_KEY].wire
            if name in out:
                out[name] = _sprinkle(getattr(instance, field.name), out[name], extra)
        if extra.draw(st.booleans()):
            out["SomeFutureMember"] = extra.draw(st.integers() | st.text(max_size=5))
        return out
    if isinstance(instance, tuple):
        return [_sprinkle(item, w, extra) for item, w in zip(instance, wire, strict=True)]
    return wire


@pytest.mark.parametrize("cls", RESPONSES)
@PROPERTY
@given(data=st.data())
def test_every_valid_response_parses(cls: type[Any], data: st.DataObject) -> None:
    instance = data.draw(model(cls))
    wire = _sprinkle(instance, to_dict(instance), data)
    wire["ResponseMetadata"] = {"RequestId": "abc", "HTTPStatusCode": 200, "RetryAttempts": 0}
    assert from_dict(cls, wire) == instance


# -- arbitrary JSON-like data: a model or a ValidationError, and nothing ever changes type ----

WIRE_NAMES = sorted(
    {f.metadata[MEMBER_KEY].wire for cls in MODEL_CLASSES.values() for f in attrs.fields(cls)}
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 2**63])
    # past Python's int max str digits (built, not listed: a strategy's repr shows its values)
    | st.integers(4300, 6000).map(lambda digits: 10**digits)
    | st.integers(4300, 6000).map(lambda digits: -(10**digits))
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["true", "false", "7200", "***", "ml.g5.xlarge", "S3Prefix", "2026-01-01"])
)
KEYS = st.sampled_from(WIRE_NAMES) | st.text(max_size=8)
JSON_LIKE = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=25,
)


def _wire_dict(cls: type[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts that use the class's own member names (so that parsing gets deep), any values."""
    names = [f.metadata[MEMBER_KEY].wire for f in attrs.fields(cls)]
    return st.dictionaries(st.sampled_from(names) | KEYS, JSON_LIKE, max_size=len(names) + 2)


def _check_same_kind(given: Any, parsed: Any, shape: str, path: str) -> None:
    """What ``from_dict`` made of ``given`` holds the same JSON type and value."""
    spec = SHAPES.get(shape)
    if spec is None:  # a structure
        assert isinstance(given, dict), path
        cls = MODEL_CLASSES[shape]
        for field in attrs.fields(cls):
            info = field.metadata[MEMBER_KEY]
            value = getattr(parsed, field.name)
            if given.get(info.wire) is None:
                assert value is None, path
            else:
                _check_same_kind(given[info.wire], value, info.shape, f"{path}.{field.name}")
        return
    if spec.kind == "timestamp":  # the wire format's own: epoch seconds or ISO 8601
        assert isinstance(parsed, datetime), path
        assert isinstance(given, (datetime, int, float, str)), path
        assert not isinstance(given, bool), path
    elif spec.kind == "list":
        assert isinstance(given, list), path
        assert isinstance(parsed, tuple), path
        assert len(given) == len(parsed), path
        assert spec.member is not None
        for index, (item, out) in enumerate(zip(given, parsed, strict=True)):
            _check_same_kind(item, out, spec.member, f"{path}[{index}]")
    elif spec.kind == "map":
        assert isinstance(given, dict), path
        assert dict(parsed) == given, path
    else:
        assert type(given) is type(parsed) or (
            isinstance(parsed, Enum) and type(given) is str and parsed.value == given
        ), (path, given, parsed)
        assert given == parsed, path


@pytest.mark.parametrize("shape_name", MODELS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_json_like_data_gives_a_model_or_a_validation_error(
    shape_name: str, data: st.DataObject
) -> None:
    cls = MODEL_CLASSES[shape_name]
    given_data = data.draw(_wire_dict(cls) | JSON_LIKE)
    for strict in (False, True):
        refused: ValidationError | None = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                parsed = from_dict(cls, given_data, strict=strict)
            except ValidationError as error:
                refused = error
        if refused is not None:
            assert refused.errors
            str(refused)  # the message can always be made
            continue
        assert isinstance(given_data, dict)
        _check_same_kind(given_data, parsed, shape_name, "")
        repr(parsed)
        hash(parsed)


@pytest.mark.parametrize("shape_name", MODELS)
@PROPERTY
@given(data=st.data())
def test_valid_data_round_trips_strictly(shape_name: str, data: st.DataObject) -> None:
    cls = MODEL_CLASSES[shape_name]
    instance = data.draw(model(cls))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "***" may be drawn: a warning, never an error
        assert from_dict(cls, to_dict(instance), strict=True) == instance
