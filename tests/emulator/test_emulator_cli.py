"""`optjob emulator` and the command line's view of the emulator: help, region, port, scenario."""

from __future__ import annotations

import pytest

from optjob_sdk.cli import main


def test_list_help_states_the_documented_default_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Ascending (default) or Descending" in text
    assert "newest first" not in text
    assert "oldest first" in text
