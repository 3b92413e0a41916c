"""The SDK's models against the installed botocore's model, side by side.

With the botocore the models were generated from (or a newer one) the two must agree
exactly: every structure, member, required flag, enum value and constraint. With an older
botocore (down to 1.37.18) the SDK must be a superset: everything botocore knows is there
with the same constraints, except the relaxations recorded in ``scripts/since.json``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import attrs
import botocore
import botocore.session
import pytest
from botocore import xform_name
from botocore.model import ListShape, MapShape, ServiceModel, Shape, StructureShape

import optjob_sdk
from optjob_sdk import enums, models
from optjob_sdk._modelbase import MEMBER_KEY, MemberInfo, shape_of
from optjob_sdk._schema import GENERATED_FROM, OPERATIONS, SHAPES, SINCE

ROOT = Path(__file__).resolve().parents[2]
ENUM_CLASSES = {
    "OptimizationJobDeploymentInstanceType": enums.InstanceType,
    "OptimizationJobStatus": enums.JobStatus,
    "ListOptimizationJobsSortBy": enums.SortBy,
    "SortOrder": enums.SortOrder,
    "ModelSpeculativeDecodingTechnique": enums.SpeculativeDecodingTechnique,
    "ModelSpeculativeDecodingS3DataType": enums.SpeculativeDecodingS3DataType,
}


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3])


INSTALLED_IS_OLDER = _version(botocore.__version__) < _version(GENERATED_FROM)


def _botocore_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("sagemaker")


def _reachable(model: ServiceModel) -> dict[str, Shape]:
    seen: dict[str, Shape] = {}

    def walk(shape: Shape) -> None:
        if shape.name in seen:
            return
        seen[shape.name] = shape
        if isinstance(shape, StructureShape):
            for child in shape.members.values():
                walk(child)
        elif isinstance(shape, ListShape):
            walk(shape.member)
        elif isinstance(shape, MapShape):
            walk(shape.key)
            walk(shape.value)

    for name in OPERATIONS:
        operation = model.operation_model(name)
        for shape in (operation.input_shape, operation.output_shape):
            if shape is not None:
                walk(shape)
    return seen


def _normal_pattern(pattern: str | None) -> str | None:
    # Older models anchor patterns with ^...$; matching is full either way.
    if pattern is None:
        return None
    if pattern.startswith("^"):
        pattern = pattern[1:]
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    return pattern


def _constraints(kind: str, meta: dict[str, Any]) -> dict[str, Any]:
    """Constraints in a normal form: an absent min on a string/list/map means 0."""
    result = {key: meta.get(key) for key in ("min", "max")}
    if result["min"] is None and kind in ("string", "list", "map"):
        result["min"] = 0
    result["pattern"] = _normal_pattern(meta.get("pattern"))
    return result


def describe_botocore(model: ServiceModel) -> dict[str, Any]:
    """A plain description of botocore's shapes, in the same form as :func:`describe_sdk`."""
    out: dict[str, Any] = {}
    for name, shape in _reachable(model).items():
        if isinstance(shape, StructureShape):
            out[name] = {
                "kind": "structure",
                "union": bool(shape.metadata.get("union")),
                "members": {
                    wire: (child.name, wire in shape.required_members)
                    for wire, child in shape.members.items()
                },
            }
            continue
        entry: dict[str, Any] = {"kind": shape.type_name}
        entry.update(_constraints(shape.type_name, dict(shape.metadata)))
        entry["enum"] = tuple(shape.metadata["enum"]) if "enum" in shape.metadata else None
        if isinstance(shape, ListShape):
            entry["member"] = shape.member.name
        if isinstance(shape, MapShape):
            entry["key"], entry["value"] = shape.key.name, shape.value.name
        out[name] = entry
    return out


def describe_sdk() -> dict[str, Any]:
    """The same description, read off the SDK's classes, enums and shape table."""
    out: dict[str, Any] = {}
    for name in models.__all__:
        cls = getattr(models, name)
        if not attrs.has(cls):
            continue
        members = {}
        for field in attrs.fields(cls):
            info: MemberInfo = field.metadata[MEMBER_KEY]
            members[info.wire] = (info.shape, info.required)
        out[shape_of(cls).name] = {
            "kind": "structure",
            "union": shape_of(cls).union,
            "members": members,
        }
    for name, shape in SHAPES.items():
        entry: dict[str, Any] = {"kind": shape.kind}
        entry.update(
            _constraints(shape.kind, {"min": shape.min, "max": shape.max, "pattern": shape.pattern})
        )
        enum_cls = ENUM_CLASSES.get(name)
        entry["enum"] = tuple(m.value for m in enum_cls) if enum_cls else shape.enum
        if shape.member is not None:
            entry["member"] = shape.member
        if shape.key is not None:
            entry["key"], entry["value"] = shape.key, shape.value
        out[name] = entry
    return out


def _since() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "scripts" / "since.json").read_text())
    return data


def differences(sdk: dict[str, Any], boto: dict[str, Any], *, superset: bool) -> list[str]:
    """Every disagreement; with ``superset`` the SDK may know more than botocore."""
    problems: list[str] = []
    relaxed = set(_since().get("constraints", {})) if superset else set()
    for name, expected in boto.items():
        actual = sdk.get(name)
        if actual is None:
            problems.append(f"shape {name} is missing from the SDK")
            continue
        if expected["kind"] == "structure":
            if actual.get("kind") != "structure":
                problems.append(f"{name}: botocore has a structure, the SDK a {actual['kind']}")
                continue
            if actual["union"] != expected["union"]:
                problems.append(f"{name}: union is {actual['union']}, botocore {expected['union']}")
            for wire, target in expected["members"].items():
                if wire not in actual["members"]:
                    problems.append(f"{name}.{wire} is missing from the SDK")
                elif actual["members"][wire] != target:
                    problems.append(
                        f"{name}.{wire}: SDK (shape, required) {actual['members'][wire]}, "
                        f"botocore {target}"
                    )
            for wire in set(actual["members"]) - set(expected["members"]):
                if not superset:
                    problems.append(f"{name}.{wire} is in the SDK but not in botocore")
            continue
        for key, value in expected.items():
            if key == "enum" and superset and value is not None and actual[key] is not None:
                missing = set(value) - set(actual[key])
                if missing:
                    problems.append(f"{name}: enum values missing from the SDK: {sorted(missing)}")
            elif actual.get(key) != value and f"{name}.{key}={actual.get(key)}" not in relaxed:
                problems.append(f"{name}.{key}: SDK {actual.get(key)!r}, botocore {value!r}")
    if not superset:
        for name in set(sdk) - set(boto):
            problems.append(f"shape {name} is in the SDK but not in botocore")
    return problems


def test_sdk_matches_installed_botocore() -> None:
    boto = describe_botocore(_botocore_model())
    problems = differences(describe_sdk(), boto, superset=INSTALLED_IS_OLDER)
    assert problems == [], "\n".join(problems)


def test_against_an_older_botocore_every_newer_thing_is_recorded() -> None:
    """What the SDK has beyond the installed botocore must be listed in SINCE."""
    boto = describe_botocore(_botocore_model())
    sdk = describe_sdk()
    unrecorded = []
    for name, entry in sdk.items():
        if name not in boto:
            if entry["kind"] == "structure" and name not in SINCE:
                unrecorded.append(name)
            continue
        if entry["kind"] == "structure":
            for wire in set(entry["members"]) - set(boto[name]["members"]):
                if f"{name}.{wire}" not in SINCE:
                    unrecorded.append(f"{name}.{wire}")
        elif entry["enum"] and boto[name]["enum"]:
            unrecorded += [
                v for v in set(entry["enum"]) - set(boto[name]["enum"]) if v not in SINCE
            ]
    assert unrecorded == []


def test_the_checker_catches_a_removed_member_and_a_missing_enum_value() -> None:
    """Drift is caught: drop a member and an enum value from the SDK's side."""
    boto = describe_botocore(_botocore_model())
    sdk = describe_sdk()
    sdk["Tag"]["members"].pop("Value")
    statuses = sdk["OptimizationJobStatus"]
    statuses["enum"] = tuple(v for v in statuses["enum"] if v != "STOPPING")
    for superset in (False, True):
        problems = differences(sdk, boto, superset=superset)
        assert "Tag.Value is missing from the SDK" in problems
        assert any("OptimizationJobStatus" in p and "STOPPING" in p for p in problems)


def test_the_checker_catches_a_changed_constraint() -> None:
    boto = describe_botocore(_botocore_model())
    sdk = describe_sdk()
    sdk["EntityName"]["max"] = 64
    problems = differences(sdk, boto, superset=INSTALLED_IS_OLDER)
    assert "EntityName.max: SDK 64, botocore 63" in problems
    assert len(problems) == len(differences(describe_sdk(), boto, superset=INSTALLED_IS_OLDER)) + 1


@pytest.mark.parametrize("shape_name", sorted(ENUM_CLASSES))
def test_enum_member_names_follow_the_design_rule(shape_name: str) -> None:
    for member in ENUM_CLASSES[shape_name]:
        expected = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", member.value)
        expected = re.sub(r"[.\-]", "_", expected).upper()
        assert member.name == expected
        assert isinstance(member, str)
        assert str(member) == member.value == f"{member}"


def test_design_examples_of_enum_names() -> None:
    assert optjob_sdk.InstanceType.ML_G6E_XLARGE == "ml.g6e.xlarge"
    assert optjob_sdk.JobStatus.INPROGRESS == "INPROGRESS"
    assert optjob_sdk.SortBy.CREATION_TIME == "CreationTime"
    assert optjob_sdk.SpeculativeDecodingS3DataType.S3_PREFIX == "S3Prefix"


def test_field_names_are_the_snake_case_wire_names() -> None:
    for name in models.__all__:
        cls = getattr(models, name)
        if not attrs.has(cls):
            continue
        for field in attrs.fields(cls):
            assert field.name == xform_name(field.metadata[MEMBER_KEY].wire)
            assert field.kw_only
            if field.metadata[MEMBER_KEY].required:
                assert field.default is attrs.NOTHING, f"{name}.{field.name}"
            else:
                assert field.default is None, f"{name}.{field.name}"


def test_every_model_is_public_and_frozen() -> None:
    for name in models.__all__:
        cls = getattr(models, name)
        if not attrs.has(cls):
            continue
        assert getattr(optjob_sdk, name) is cls
        assert "__slots__" in cls.__dict__
        params = attrs.fields(cls)
        assert all(isinstance(p, attrs.Attribute) for p in params)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        optjob_sdk.Tag(key="k", value="v").key = "x"  # type: ignore[misc]
