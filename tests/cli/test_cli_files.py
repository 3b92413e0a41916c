"""Request files: ``optjob_sdk.load_request`` and the CLI's ``--file`` on top of it.

Hostile or broken files end as a clean ValidationError (exit 2 in the CLI), quickly and
without quoting content: too large, endless, alias bombs, deep nesting, huge numbers.
"""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_support import DATA, Cli

import optjob_sdk
from optjob_sdk import CreateOptimizationJobRequest, ValidationError, from_dict, load_request
from optjob_sdk.cli._main import EXIT_USAGE
from optjob_sdk.loading import MAX_FILE_BYTES

SECRET = "hf_fileTestSecret0123456789"


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "awq-quantization.json").read_text())
    return data


def refused(source: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        load_request(source)
    return caught.value


def test_load_request_takes_a_path_a_pathlike_a_stream_or_a_mapping() -> None:
    path = DATA / "awq-quantization.json"
    expected = from_dict(CreateOptimizationJobRequest, example())
    assert load_request(path) == expected
    assert load_request(str(path)) == expected
    assert load_request(io.BytesIO(path.read_bytes())) == expected
    assert load_request(example()) == expected
    assert load_request(DATA / "fp8-trtllm-compilation.yaml") == load_request(
        DATA / "fp8-trtllm-compilation.json"
    )
    assert optjob_sdk.load_request is load_request


def test_load_request_is_strict_and_reports_every_problem_at_once() -> None:
    data = example()
    data["ModelSource"]["S3"]["ModelAccessConfig"]["AcceptEula"] = "false"
    data["OptimizationEnvironment"] = [{"Name": "HF_TOKEN", "Value": SECRET}]
    data["RoleArn"] = "arn:aws:iam::1:role/x"
    data["StopingCondition"] = data.pop("StoppingCondition")
    error = refused(data)
    assert {e.path for e in error.errors} == {
        "",
        "model_source.s3.model_access_config.accept_eula",
        "optimization_environment",
        "role_arn",
        "stopping_condition",
    }
    assert "did you mean 'StoppingCondition'?" in str(error)
    assert SECRET not in str(error)


def test_a_file_past_the_size_cap_is_refused_at_once(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("w") as file:
        file.write('{"Tags": [')
        file.write('{"Key": "k", "Value": 1},' * 1_000_000)  # about 24 MB
        file.write("]}")
    start = time.perf_counter()
    error = refused(big)
    assert time.perf_counter() - start < 2
    assert [e.message for e in error.errors] == [
        f"the file is larger than {MAX_FILE_BYTES:,} bytes, and a request is a few KB "
        "(is this the right file?)"
    ]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
def test_an_endless_file_is_refused_at_once(local_cli: Cli) -> None:
    start = time.perf_counter()
    error = refused("/dev/zero")
    assert "larger than" in str(error)
    result = local_cli("create", "--file", "/dev/zero")
    assert time.perf_counter() - start < 5
    assert result.code == EXIT_USAGE
    assert result.err.count("\n") == 1
    assert result.err.startswith("optjob: error: /dev/zero is larger than")


# A "billion laughs": 366 bytes that expand to 9**9 strings.
ALIAS_BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "OptimizationJobName: *i",
    ]
)


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path: Path, local_cli: Cli) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    assert bomb.stat().st_size < 400
    start = time.perf_counter()
    error = refused(bomb)
    assert time.perf_counter() - start < 3  # it took 30 s and 3 GB
    assert "YAML aliases" in str(error)
    result = local_cli("create", "--file", str(bomb))
    assert result.code == EXIT_USAGE
    assert result.err.count("\n") == 1


def test_a_yaml_alias_that_refers_to_itself_is_refused(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.write_text("Tags: &t [*t]\n")
    assert "refer to themselves" in str(refused(loop))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000),
        ("deep.yaml", "a: " + "[" * 20_000 + "]" * 20_000),
        ("deepmap.json", '{"a":' * 50_000 + "1" + "}" * 50_000),
    ],
)
def test_deep_nesting_is_a_validation_error_and_exit_2(
    tmp_path: Path, local_cli: Cli, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    # Python's recursion limit, or libyaml's own depth limit (PyYAML >= 6.0.2) for YAML
    assert "nest" in str(refused(path))
    result = local_cli("create", "--file", str(path))
    assert result.code == EXIT_USAGE, result.err
    assert "internal error" not in result.err
    assert "nest" in result.err


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_number_too_long_to_read_is_a_validation_error_and_exit_2(
    tmp_path: Path, local_cli: Cli, suffix: str
) -> None:
    path = tmp_path / f"huge{suffix}"
    number = "9" * 5000
    if suffix == ".json":
        path.write_text('{"StoppingCondition": {"MaxRuntimeInSeconds": ' + number + "}}")
    else:
        path.write_text("StoppingCondition:\n  MaxRuntimeInSeconds: " + number + "\n")
    assert "more than 4,300 digits" in str(refused(path))
    result = local_cli("create", "--file", str(path))
    assert result.code == EXIT_USAGE, result.err
    assert "internal error" not in result.err


def test_a_number_past_int32_is_named_with_its_path(tmp_path: Path) -> None:
    data = example()
    data["StoppingCondition"]["MaxRuntimeInSeconds"] = 2**31
    path = tmp_path / "big-number.json"
    path.write_text(json.dumps(data))
    error = refused(path)
    assert [(e.path, e.message) for e in error.errors] == [
        (
            "stopping_condition.max_runtime_in_seconds",
            "2147483648 does not fit the wire type, a 32-bit integer (-2147483648 to 2147483647)",
        )
    ]


@pytest.mark.parametrize(
    ("name", "content", "position"),
    [
        (
            "bad.yaml",
            f'OptimizationEnvironment:\n  HF_TOKEN: "{SECRET}\n  OTHER: [x\n',
            "line 4, column 1",
        ),
        ("bad.yml", f"OptimizationEnvironment:\n  HF_TOKEN: {SECRET}\n   bad: [\n", "line 3"),
        (
            "bad.json",
            '{"OptimizationEnvironment": {"HF_TOKEN": "' + SECRET + '" "x": 1}}',
            "line 1",
        ),
    ],
)
def test_syntax_errors_quote_positions_never_content(
    tmp_path: Path, local_cli: Cli, name: str, content: str, position: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    error = refused(path)
    assert position in str(error)
    assert SECRET not in str(error)
    assert SECRET[3:12] not in str(error)
    result = local_cli("create", "--file", str(path))
    assert result.code == EXIT_USAGE
    assert SECRET[3:12] not in result.err
    assert position in result.err


def test_yaml_is_read_with_the_c_loader_when_there_is_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert hasattr(yaml, "CSafeLoader"), "this test environment's PyYAML has libyaml"
    loaders: list[Any] = []
    real_load = yaml.load

    def spy(stream: Any, Loader: Any) -> Any:  # PyYAML's own keyword
        loaders.append(Loader)
        return real_load(stream, Loader=Loader)

    monkeypatch.setattr(yaml, "load", spy)
    load_request(DATA / "fp8-trtllm-compilation.yaml")
    assert len(loaders) == 1
    assert issubclass(loaders[0], yaml.CSafeLoader)


def test_a_json_member_given_twice_is_refused_not_silently_dropped(tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    text = json.dumps(example())
    path.write_text(text[:-1] + ', "OptimizationJobName": "other-name"}')
    assert "'OptimizationJobName' appears twice" in str(refused(path))


def test_a_yaml_member_given_twice_is_refused_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text(
        "OptimizationJobName: a\nModelSource:\n  S3:\n    S3Uri: s3://a/\n    S3Uri: s3://b/\n"
    )
    message = str(refused(path))
    assert "member 'S3Uri' appears twice in one mapping (line 5, column 5)" in message


def test_the_secret_placeholder_in_a_request_file_warns_once(
    tmp_path: Path, local_cli: Cli
) -> None:
    data = example()
    data["OptimizationEnvironment"] = {"HF_TOKEN": "***"}
    path = tmp_path / "masked.json"
    path.write_text(json.dumps(data))
    result = local_cli("create", "--file", str(path))
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if "warning" in line]
    assert len(warnings) == 1, result.err
    assert "optimization_environment['HF_TOKEN']: '***' is the placeholder" in warnings[0]


def test_the_list_of_problems_is_capped_and_counted(tmp_path: Path, local_cli: Cli) -> None:
    data = example()
    data["Tags"] = [{"Key": 1, "Value": 2}] * 20_000  # two problems per tag, and the size
    path = tmp_path / "many.json"
    path.write_text(json.dumps(data))
    error = refused(path)
    assert error.total == 40_001
    assert len(error.errors) == 1000  # the first thousand are kept, every one is counted
    message = str(error).splitlines()
    assert message[0] == "40,001 problems in the request in " + str(path) + ":"
    assert message[-1] == "  ... and 39,981 more"
    assert len(message) == 22
    result = local_cli("create", "--file", str(path))
    assert result.code == EXIT_USAGE
    lines = result.err.splitlines()
    assert len(lines) == 22  # the head, the first 20 problems, the count of the rest
    assert lines[-1] == "  ... and 39,981 more"
