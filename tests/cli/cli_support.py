"""Helpers and fixtures for the CLI tests: the ``optjob`` command run in-process against the
emulator (a unique module name; see conftest.py).

``cli`` runs ``main(argv)`` and captures its exit status, stdout and stderr. It comes in two
transports: ``in-process`` (the client factory hands out a boto3 client answered at
botocore's ``before-send`` hook) and ``http`` (the real client factory, pointed with
``--endpoint-url`` at the emulator served on 127.0.0.1). Either way the waiter's ``sleep``
and ``clock`` drive the emulator's virtual clock, so nothing sleeps for real.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config

from boto3_support import forget_aws_setup
from optjob_sdk import OptimizationJobClient, RetryPolicy
from optjob_sdk.cli import ClientOptions, main
from optjob_sdk.testing import FakeOptimizationService

DATA = Path(__file__).parent / "data"
SECRETS = ("hf_SECRETdoNotPrint1234", "hf_SECRETdoNotPrint5678")


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Cli:
    """Runs ``optjob`` in-process against ``service``."""

    def __init__(
        self,
        service: FakeOptimizationService,
        capsys: pytest.CaptureFixture[str],
        transport: str,
        url: str | None,
    ) -> None:
        self.service = service
        self.capsys = capsys
        self.transport = transport
        self.url = url
        self.options: list[ClientOptions] = []

    def _factory(self, options: ClientOptions) -> OptimizationJobClient:
        self.options.append(options)
        sm = self.service.client(config=Config(retries={"total_max_attempts": 1}))
        # The SDK's own per-page retries sleep on the emulator's clock too.
        return OptimizationJobClient(sm, retry_policy=RetryPolicy(sleep=self.service.advance))

    def __call__(self, *argv: str) -> Result:
        self.capsys.readouterr()  # drop anything printed before
        if self.transport == "http":
            assert self.url is not None
            code = main(
                ["--endpoint-url", self.url, *argv],
                sleep=self.service.advance,
                clock=self.service.monotonic,
            )
        else:
            code = main(
                list(argv),
                client_factory=self._factory,
                sleep=self.service.advance,
                clock=self.service.monotonic,
            )
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def create(self, file: str = "awq-quantization.json") -> str:
        """Create the job in ``data/file``; returns its name."""
        result = self("create", "--file", str(DATA / file), "--output", "json")
        assert result.code == 0, result.err
        arn: str = result.json()["OptimizationJobArn"]
        return arn.rsplit("/", 1)[1]


@pytest.fixture(autouse=True)
def clean_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No AWS configuration from the machine: no profile, credentials, region or endpoint;
    no instance-metadata lookups; one attempt per call (no real backoff sleeps)."""
    forget_aws_setup(monkeypatch, tmp_path)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")


@pytest.fixture
def service() -> FakeOptimizationService:
    return FakeOptimizationService(seed=7)


@pytest.fixture
def url(service: FakeOptimizationService) -> Iterator[str]:
    with service.serve() as served:
        yield served


@pytest.fixture(params=["in-process", "http"])
def cli(
    request: pytest.FixtureRequest,
    service: FakeOptimizationService,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Cli]:
    """``optjob`` on the emulator, through each transport in turn."""
    if request.param == "http":
        with service.serve() as served:
            yield Cli(service, capsys, "http", served)
    else:
        yield Cli(service, capsys, "in-process", None)


@pytest.fixture
def local_cli(service: FakeOptimizationService, capsys: pytest.CaptureFixture[str]) -> Cli:
    """``optjob`` on the emulator in-process only (for tests about the CLI's own logic)."""
    return Cli(service, capsys, "in-process", None)
