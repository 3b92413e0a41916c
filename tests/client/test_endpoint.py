"""`OptimizationJobClient(endpoint_url=...)`: an emulator on this machine works without any
AWS setup; a malformed endpoint is a clear ConfigurationError (exit 2 on the command line)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wire_support import load_example

from boto3_support import forget_aws_setup
from optjob_sdk import (
    ConfigurationError,
    CreateOptimizationJobRequest,
    OptimizationJobClient,
    _endpoint,
    from_dict,
)
from optjob_sdk.cli import main
from optjob_sdk.testing import FakeOptimizationService

DOCS = Path(__file__).resolve().parents[2] / "docs"
NAME = "llama3-8b-awq-2026-11-24"


@pytest.fixture
def no_aws_setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine without credentials, region, profile or configured endpoint."""
    forget_aws_setup(monkeypatch, tmp_path)


def credentials(client: OptimizationJobClient) -> Any:
    return credentials_of(client.sagemaker_client)


def credentials_of(sagemaker: Any) -> Any:
    return sagemaker._request_signer._credentials


def awq_request() -> CreateOptimizationJobRequest:
    return from_dict(CreateOptimizationJobRequest, load_example("awq-quantization"))


@pytest.mark.usefixtures("no_aws_setup")
def test_an_emulator_endpoint_works_without_credentials_or_region() -> None:
    service = FakeOptimizationService(seed=0)
    with service.serve() as url:
        client = OptimizationJobClient(endpoint_url=url)
        client.create(awq_request())
        assert client.describe(NAME).optimization_job_name == NAME
        assert [job.optimization_job_name for job in client.list()] == [NAME]
    assert client.sagemaker_client.meta.endpoint_url == url
    assert client.sagemaker_client.meta.region_name == "us-west-2"
    assert credentials(client).access_key == "optjob-emulator"


@pytest.mark.usefixtures("no_aws_setup")
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.1.2.3", "[::1]"])
def test_placeholders_for_any_loopback_host(host: str) -> None:
    client = OptimizationJobClient(endpoint_url=f"http://{host}:8765")
    assert credentials(client).access_key == "optjob-emulator"


@pytest.mark.usefixtures("no_aws_setup")
def test_no_placeholders_for_a_remote_endpoint() -> None:
    client = OptimizationJobClient(
        region_name="us-east-1", endpoint_url="https://sagemaker.example.com"
    )
    assert credentials(client) is None  # a call would be a ConfigurationError, not a guess
    with pytest.raises(ConfigurationError):
        OptimizationJobClient(endpoint_url="https://sagemaker.example.com")  # no region


@pytest.mark.usefixtures("no_aws_setup")
def test_configured_credentials_and_region_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    client = OptimizationJobClient(endpoint_url="http://127.0.0.1:1")
    assert credentials(client).access_key == "AKIAREALKEY"
    assert client.sagemaker_client.meta.region_name == "eu-west-1"


@pytest.mark.usefixtures("no_aws_setup")
def test_an_emulator_endpoint_from_the_environment_works_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", "http://127.0.0.1:8765")
    client = OptimizationJobClient()
    assert client.sagemaker_client.meta.endpoint_url == "http://127.0.0.1:8765"
    assert credentials(client).access_key == "optjob-emulator"


def test_a_client_and_an_endpoint_is_a_type_error() -> None:
    sagemaker = FakeOptimizationService().client()
    with pytest.raises(TypeError, match="endpoint_url"):
        OptimizationJobClient(sagemaker, endpoint_url="http://127.0.0.1:1")


MALFORMED = [
    "127.0.0.1:8765",
    "localhost:8765",
    "sagemaker.us-west-2.amazonaws.com",
    "ftp://127.0.0.1:8765",
    "http://",
    "http://:8765",
    "http://127.0.0.1:99999",
    "http://127.0.0.1:port",
    "http://127.0.0.1:8765\n",
    " http://127.0.0.1:8765",
    "",
]


@pytest.mark.usefixtures("no_aws_setup")
@pytest.mark.parametrize("url", MALFORMED)
def test_a_malformed_endpoint_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        OptimizationJobClient(endpoint_url=url, region_name="us-west-2")
    message = str(caught.value)
    assert repr(url) in message
    assert "http://HOST:PORT" in message


def test_a_missing_scheme_suggests_one() -> None:
    with pytest.raises(
        ConfigurationError, match=re.escape("did you mean 'http://127.0.0.1:8765'?")
    ):
        OptimizationJobClient(endpoint_url="127.0.0.1:8765")


@pytest.mark.usefixtures("no_aws_setup")
def test_a_malformed_endpoint_in_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", "127.0.0.1:8765")
    with pytest.raises(ConfigurationError, match="AWS_ENDPOINT_URL_SAGEMAKER"):
        OptimizationJobClient(region_name="us-west-2")


@settings(max_examples=300, deadline=None)
@given(url=st.text(max_size=40) | st.from_regex(r"\Ahttps?://[a-z0-9.:\[\]@%/-]{0,20}\Z"))
def test_every_endpoint_the_check_passes_is_one_botocore_accepts(url: str) -> None:
    # What botocore checks when it builds a client: a URL passing the SDK's check never
    # meets botocore's raw ValueError("Invalid endpoint").
    from botocore.utils import (  # type: ignore[import-untyped]
        is_valid_endpoint_url,
        is_valid_ipv6_endpoint_url,
    )

    from optjob_sdk._endpoint import BadEndpointError, check_endpoint_url

    try:
        check_endpoint_url(url, source="endpoint_url")
    except BadEndpointError:
        return
    assert is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url)


@pytest.mark.usefixtures("no_aws_setup")
@pytest.mark.parametrize("url", ["127.0.0.1:8765", "http://127.0.0.1:99999"])
def test_the_command_line_says_so_with_exit_2(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--endpoint-url", url, "list"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert repr(url) in captured.err
    assert "internal error" not in captured.err
    assert "credentials" not in captured.err  # not a credentials problem
    assert captured.err.count("\n") == 1


@pytest.mark.usefixtures("no_aws_setup")
def test_the_command_line_reaches_an_emulator_without_any_setup(
    capsys: pytest.CaptureFixture[str],
) -> None:
    service = FakeOptimizationService(seed=0)
    OptimizationJobClient(service.client()).create(awq_request())
    with service.serve() as url:
        code = main(["--endpoint-url", url, "list", "--output", "json"])
    captured = capsys.readouterr()
    assert (code, captured.err) == (0, "")
    assert NAME in captured.out


def python_block_after(page: str, heading: str) -> str:
    text = (DOCS / page).read_text()
    section = text.split(f"\n{heading}\n", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


@pytest.mark.usefixtures("no_aws_setup")
@pytest.mark.parametrize("page", ["client.md", "testing.md"])
def test_the_over_http_example_runs_as_written_without_credentials(page: str) -> None:
    code = python_block_after(page, "## Over HTTP" if page == "testing.md" else "### Over HTTP")
    namespace: dict[str, Any] = {}
    exec(compile(code, f"docs/{page}", "exec"), namespace)
    client = namespace["client"]
    assert isinstance(client, OptimizationJobClient)
    assert credentials(client).access_key == "optjob-emulator"


def test_credentials_from_a_file_or_a_session_win_and_the_instance_role_is_not_probed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from botocore.credentials import InstanceMetadataProvider  # type: ignore[import-untyped]

    for variable in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
    probed: list[object] = []

    def load(self: object) -> None:
        probed.append(self)

    monkeypatch.setattr(InstanceMetadataProvider, "load", load)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    # Off EC2 the metadata probe costs seconds: an emulator needs no instance role.
    nothing = OptimizationJobClient(
        session=boto3.session.Session(), endpoint_url="http://127.0.0.1:1"
    )
    assert credentials(nothing).access_key == "optjob-emulator"
    assert probed == []
    (tmp_path / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAFROMFILE\naws_secret_access_key = s\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    from_file = OptimizationJobClient(
        session=boto3.session.Session(), endpoint_url="http://127.0.0.1:1"
    )
    assert credentials(from_file).access_key == "AKIAFROMFILE"
    given_session = boto3.session.Session(aws_access_key_id="AKIAGIVEN", aws_secret_access_key="s")
    explicit = OptimizationJobClient(session=given_session, endpoint_url="http://127.0.0.1:1")
    assert credentials(explicit).access_key == "AKIAGIVEN"
    assert probed == []


@pytest.mark.usefixtures("no_aws_setup")
def test_the_command_line_names_a_malformed_endpoint_variable_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", "localhost:8765")
    code = main(["list"])
    captured = capsys.readouterr()
    assert code == 2
    assert "AWS_ENDPOINT_URL_SAGEMAKER" in captured.err
    assert "did you mean 'http://localhost:8765'?" in captured.err
    assert captured.err.count("\n") == 1


# -- the default session: boto3's when the application has one, else the SDK's own ----------


def test_without_boto3_the_client_is_built_on_botocore_alone(tmp_path: Path) -> None:
    """A process that never imports boto3 (a CLI call, a Lambda function using the SDK
    alone) gets the same SageMaker client without paying for boto3's import."""
    script = tmp_path / "cold.py"
    script.write_text(
        "import sys\n"
        "from optjob_sdk import OptimizationJobClient\n"
        "from optjob_sdk.testing import FakeOptimizationService\n"
        "client = OptimizationJobClient(region_name='eu-west-1')\n"
        "sm = client.sagemaker_client\n"
        "assert type(sm).__name__ == 'SageMaker', type(sm)\n"
        "assert sm.meta.region_name == 'eu-west-1'\n"
        "assert hasattr(sm, 'create_model')  # the whole API: the escape hatch\n"
        "from optjob_sdk import _endpoint\n"
        "shared = _endpoint._session\n"
        "OptimizationJobClient()\n"
        "assert _endpoint._session is shared is not None  # one session, as boto3's\n"
        "ua = sm._user_agent_creator.to_string()\n"
        "assert 'optjob-sdk/' in ua and 'Botocore/' in ua, ua\n"
        "assert 'boto3' not in sys.modules, sorted(m for m in sys.modules if 'boto3' in m)\n"
        "print('ok')\n"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": "AKIDPLACEHOLDER",
        "AWS_SECRET_ACCESS_KEY": "placeholder",
        "AWS_DEFAULT_REGION": "us-west-2",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.usefixtures("no_aws_setup")
def test_boto3s_default_session_is_used_when_the_application_has_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "placeholder")
    boto3.setup_default_session(region_name="ap-southeast-2")
    client = OptimizationJobClient()
    assert client.sagemaker_client.meta.region_name == "ap-southeast-2"
    assert _endpoint._session is None  # the SDK made no session of its own


@pytest.mark.usefixtures("no_aws_setup")
def test_the_sdks_own_session_reads_the_environment_as_boto3_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "placeholder")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "sa-east-1")
    ours = OptimizationJobClient().sagemaker_client
    theirs = boto3.Session().client("sagemaker")
    assert ours.meta.region_name == theirs.meta.region_name == "sa-east-1"
    assert ours.meta.endpoint_url == theirs.meta.endpoint_url
    assert credentials_of(ours).access_key == credentials_of(theirs).access_key == "AKIDFROMENV"
    shared = _endpoint._session
    assert shared is not None
    OptimizationJobClient()
    assert _endpoint._session is shared  # one session (its loader: one model) per process


def test_a_botocore_session_is_taken_too() -> None:
    session = _endpoint.new_session(region_name="eu-central-1")
    client = OptimizationJobClient(session=session, endpoint_url="http://127.0.0.1:8765")
    assert client.sagemaker_client.meta.region_name == "eu-central-1"
    assert client.sagemaker_client.meta.endpoint_url == "http://127.0.0.1:8765"
