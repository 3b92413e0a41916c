"""The per-call core (_calls): the valid-name memo stays bounded and never admits a bad name;
mapped_errors maps and always ends the call."""

from __future__ import annotations

import pytest

from optjob_sdk import _calls
from optjob_sdk._botocore_logs import _CALL
from optjob_sdk.errors import ValidationError
from optjob_sdk.models import DeleteOptimizationJobRequest, DescribeOptimizationJobRequest


def test_valid_names_are_remembered_within_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_calls, "_valid_names", {})
    for number in range(_calls._VALID_NAMES_KEPT + 10):
        _calls.check_name(DescribeOptimizationJobRequest, f"job-{number}")
    assert 0 < len(_calls._valid_names) <= _calls._VALID_NAMES_KEPT
    assert (DescribeOptimizationJobRequest, f"job-{_calls._VALID_NAMES_KEPT + 9}") in (
        _calls._valid_names
    )


@pytest.mark.parametrize("name", ["", "-bad", "a" * 64, "has space", "ünïcode"])
def test_a_bad_name_is_refused_every_time_and_never_remembered(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_calls, "_valid_names", {})
    for _ in range(2):
        with pytest.raises(ValidationError, match="optimization_job_name"):
            _calls.check_name(DeleteOptimizationJobRequest, name)
    assert not _calls._valid_names


def test_mapped_errors_ends_the_call_whatever_happens() -> None:
    params = _calls.Params({}, secrets=("s3cr3t-value",))
    with _calls.mapped_errors("DescribeOptimizationJob", params, "x", "http://e"):
        assert _CALL.get() == ("s3cr3t-value",)
    assert _CALL.get() is None
    with (
        pytest.raises(KeyboardInterrupt),
        _calls.mapped_errors("DescribeOptimizationJob", params, "x", "http://e"),
    ):
        raise KeyboardInterrupt
    assert _CALL.get() is None
    with (
        pytest.raises(ZeroDivisionError),  # not botocore's: passes through as it is
        _calls.mapped_errors("DescribeOptimizationJob", params, "x", "http://e"),
    ):
        _ = 1 / 0
    assert _CALL.get() is None
