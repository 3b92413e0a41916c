"""Secrets stay out of botocore's own DEBUG records of the SDK's calls, and out of the SDK's
frame locals during a call; other clients' records and the user's logging setup are left
alone."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import boto3  # type: ignore[import-untyped]
import pytest
from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st
from wire_support import Wire, error_body, load_example

from optjob_sdk import (
    CreateOptimizationJobRequest,
    JobNotFoundError,
    OptimizationJobClient,
    from_dict,
)
from optjob_sdk._botocore_logs import _FILTER, begin_call, end_call
from optjob_sdk.errors import ServiceValidationError
from optjob_sdk.testing import FakeOptimizationService

SECRET = "hf_exampleSecretValue0123456789"
SHORT_SECRET = "pw"  # masked inside the map all the same
NAME = "llama3-8b-awq-2026-11-24"
CREATE_PARAMS = "Making request for OperationModel(name=CreateOptimizationJob)"


def secret_request() -> CreateOptimizationJobRequest:
    request = from_dict(CreateOptimizationJobRequest, load_example("awq-quantization"))
    return attrs.evolve(
        request,
        optimization_environment={
            "HF_TOKEN": SECRET,
            "DB_PASSWORD": SHORT_SECRET,
            "OPTION_QUANTIZE": "awq-shown",
        },
    )


class Capture(logging.Handler):
    """Every record, formatted as a user's handler would (traceback included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))

    def of(self, name: str, needle: str) -> list[str]:
        return [line for line in self.lines if line.startswith(name + " ") and needle in line]


@pytest.fixture
def capture() -> Iterator[Capture]:
    """A root handler at DEBUG, as logging.basicConfig(level=logging.DEBUG) gives."""
    root = logging.getLogger()
    handler = Capture()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@contextmanager
def over(transport: str, service: FakeOptimizationService) -> Iterator[OptimizationJobClient]:
    if transport == "in-process":
        yield OptimizationJobClient(service.client())
        return
    with service.serve() as url:
        yield OptimizationJobClient(endpoint_url=url)


def exercise(client: OptimizationJobClient) -> None:
    client.create(secret_request())
    client.describe(NAME)
    list(client.list())
    with pytest.raises(JobNotFoundError):
        client.describe("missing-job")


@pytest.mark.parametrize("transport", ["in-process", "http"])
def test_no_secret_in_any_debug_record_of_the_sdks_calls(capture: Capture, transport: str) -> None:
    service = FakeOptimizationService(seed=0)
    with over(transport, service) as client:
        exercise(client)
    assert capture.records  # botocore did log at DEBUG
    leaks = [line for line in capture.lines if SECRET in line]
    assert leaks == []
    # The records are still there, masked as the models' reprs mask: keys kept, values
    # hidden, the LMI OPTION_* values shown.
    [sent] = capture.of("botocore.endpoint", CREATE_PARAMS)
    assert '"HF_TOKEN": "***"' in sent
    assert '"DB_PASSWORD": "***"' in sent
    assert '"OPTION_QUANTIZE": "awq-shown"' in sent
    [answer] = [
        line
        for line in capture.of("botocore.parsers", "Response body")
        if NAME in line and "HF_TOKEN" in line
    ]
    assert '"HF_TOKEN": "***"' in answer
    assert '"DB_PASSWORD": "***"' in answer
    # What was sent is untouched.
    assert service.call_log[0][1]["OptimizationEnvironment"]["HF_TOKEN"] == SECRET


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def test_other_clients_records_are_left_alone(capture: Capture) -> None:
    service = FakeOptimizationService(seed=0)
    exercise(OptimizationJobClient(service.client()))  # the filter is in place
    # A plain DynamoDB client in the same process (JSON too), with a body that looks like
    # ours: an item with an environment map.
    dynamodb = boto3.client(
        "dynamodb", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="x"
    )
    dynamodb.meta.events.register(
        "before-send.dynamodb", lambda request, **_: AWSResponse(request.url, 200, {}, _Raw(b"{}"))
    )
    item = {"OptimizationEnvironment": {"M": {"HF_TOKEN": {"S": SECRET}}}}
    dynamodb.put_item(TableName="table", Item=item)
    # And the SDK's own boto3 client used directly (the escape hatch): not the SDK's call.
    raw = service.client()
    raw.create_optimization_job(
        **{
            **load_example("awq-quantization"),
            "OptimizationJobName": "raw-job",
            "OptimizationEnvironment": {"HF_TOKEN": SECRET},
        }
    )
    [put_line] = capture.of("botocore.endpoint", "Making request for OperationModel(name=PutItem)")
    assert f'"HF_TOKEN": {{"S": "{SECRET}"}}' in put_line
    [raw_line] = [
        line
        for line in capture.of("botocore.endpoint", "CreateOptimizationJob")
        if "raw-job" in line
    ]
    assert SECRET in raw_line


def test_the_users_logging_setup_is_left_alone(capture: Capture) -> None:
    names = ["", "botocore", "botocore.endpoint", "botocore.parsers", "urllib3"]

    def setup() -> list[tuple[int, list[logging.Handler], bool, list[logging.Formatter | None]]]:
        loggers = [logging.getLogger(name) for name in names]
        return [
            (
                logger.level,
                list(logger.handlers),
                logger.propagate,
                [handler.formatter for handler in logger.handlers],
            )
            for logger in loggers
        ]

    before = setup()
    service = FakeOptimizationService(seed=0)
    exercise(OptimizationJobClient(service.client()))
    assert setup() == before


# -- frame locals --------------------------------------------------------------------------


def sdk_frames_with_secret() -> list[str]:
    """The SDK's own frames (the emulator, the server side, aside) whose locals show the
    secret, as Sentry's capture_locals or pytest -l would print them."""
    found: list[str] = []
    frame = sys._getframe(1)
    while frame is not None:
        module = str(frame.f_globals.get("__name__", ""))
        if module.startswith("optjob_sdk") and not module.startswith("optjob_sdk.testing"):
            for name, value in frame.f_locals.items():
                if SECRET in repr(value) or SECRET in str(value):
                    found.append(f"{module}.{frame.f_code.co_name}: {name}")
        frame = frame.f_back
    return found


@pytest.mark.parametrize("transport", ["in-process", "http"])
def test_no_sdk_frame_shows_the_body_during_the_call(transport: str) -> None:
    service = FakeOptimizationService(seed=0)
    seen: list[list[str]] = []

    def look(**_: Any) -> None:
        seen.append(sdk_frames_with_secret())

    with over(transport, service) as client:
        client.sagemaker_client.meta.events.register("before-send.sagemaker", look)
        client.create(secret_request())
        client.describe(NAME)
    assert len(seen) == 2  # the hook ran during both calls
    assert seen == [[], []]


ENV = st.dictionaries(
    st.text(min_size=1, max_size=12) | st.sampled_from(["HF_TOKEN", "OPTION_QUANTIZE"]),
    st.text(max_size=20),
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(top=ENV, override=ENV, as_bytes=st.booleans())
def test_a_logged_body_keeps_the_keys_and_masks_every_value_but_option(
    top: dict[str, str], override: dict[str, str], as_bytes: bool
) -> None:
    body = {
        "OptimizationJobName": "job",
        "OptimizationEnvironment": top,
        "OptimizationConfigs": [{"ModelQuantizationConfig": {"OverrideEnvironment": override}}],
    }
    text = json.dumps(body)
    token = begin_call(())
    try:
        record = logging.LogRecord("botocore.parsers", logging.DEBUG, __file__, 1, "%r", None, None)
        record.args = (text.encode() if as_bytes else text,)
        assert _FILTER.filter(record)  # rewritten, never dropped
    finally:
        end_call(token)
    [arg] = record.args
    shown = json.loads(arg.decode() if isinstance(arg, bytes) else arg)
    for sent, got in (
        (top, shown["OptimizationEnvironment"]),
        (
            override,
            shown["OptimizationConfigs"][0]["ModelQuantizationConfig"]["OverrideEnvironment"],
        ),
    ):
        assert list(got) == list(sent)
        assert got == {
            key: value if key.startswith("OPTION_") else "***" for key, value in sent.items()
        }


def test_a_service_message_that_quotes_a_secret_shows_it_nowhere(
    capture: Capture, fresh_wire: Wire
) -> None:
    # Real AWS validation messages quote the refused value.
    message = f"1 validation error: Value '{{HF_TOKEN={SECRET}}}' at 'optimizationEnvironment'"
    fresh_wire.reset(lambda op, body: (400, error_body("ValidationException", message)))
    with pytest.raises(ServiceValidationError) as caught:
        OptimizationJobClient(fresh_wire.client).create(secret_request())
    error = caught.value
    assert "HF_TOKEN=***" in str(error)
    texts = [str(error), repr(error), str(error.__cause__), repr(error.__cause__.response)]  # type: ignore[union-attr]
    texts += capture.lines
    assert [text for text in texts if SECRET in text] == []
    assert fresh_wire.requests[0][1]["OptimizationEnvironment"]["HF_TOKEN"] == SECRET


def test_a_body_that_is_not_json_but_names_an_environment_is_not_shown() -> None:
    token = begin_call(())
    try:
        record = logging.LogRecord("botocore.parsers", logging.DEBUG, __file__, 1, "%r", None, None)
        record.args = (b'{"OptimizationEnvironment": {"HF_TOKEN": "' + SECRET.encode(),)
        _FILTER.filter(record)
    finally:
        end_call(token)
    assert SECRET not in record.getMessage()
    assert "not shown" in record.getMessage()
