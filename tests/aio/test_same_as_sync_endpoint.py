"""tests/client/test_endpoint.py, the very same tests, against the async client that makes
its own aiobotocore client (``async with AsyncOptimizationJobClient(endpoint_url=...)``):
an emulator on this machine works without credentials or region, a malformed endpoint is a
ConfigurationError naming it, configured credentials and region win."""

from __future__ import annotations

import pytest
from sync_facade import Stand, exclude, facade_loop, stand

import client.test_endpoint as sync_tests
from client.test_endpoint import *  # noqa: F403

__all__ = ["facade_loop", "stand"]

_COMMAND_LINE = "the optjob command line, which runs on the sync client"
_SYNC_SESSION = (
    "the sync client's default session (boto3's, else a botocore one of the SDK's); the "
    "async client makes its aiobotocore session as aiobotocore does"
)

exclude(
    globals(),
    {
        "test_every_endpoint_the_check_passes_is_one_botocore_accepts": "the URL check "
        "alone (_endpoint.check_endpoint_url), no client: the same for both clients",
        "test_the_command_line_says_so_with_exit_2": _COMMAND_LINE,
        "test_the_command_line_reaches_an_emulator_without_any_setup": _COMMAND_LINE,
        "test_the_command_line_names_a_malformed_endpoint_variable_with_exit_2": _COMMAND_LINE,
        "test_the_over_http_example_runs_as_written_without_credentials": "runs the docs' "
        "sync example as written (it imports OptimizationJobClient itself)",
        "test_without_boto3_the_client_is_built_on_botocore_alone": _SYNC_SESSION,
        "test_boto3s_default_session_is_used_when_the_application_has_one": _SYNC_SESSION,
        "test_the_sdks_own_session_reads_the_environment_as_boto3_does": _SYNC_SESSION,
        "test_a_botocore_session_is_taken_too": _SYNC_SESSION,
        "test_credentials_from_a_file_or_a_session_win_and_the_instance_role_is_not_probed": (
            "gives the client boto3 Sessions: the sync constructor's (the async one takes an "
            "aiobotocore session)"
        ),
    },
)


@pytest.fixture(autouse=True)
def _async_client(monkeypatch: pytest.MonkeyPatch, stand: Stand) -> None:
    monkeypatch.setattr(sync_tests, "OptimizationJobClient", stand)
