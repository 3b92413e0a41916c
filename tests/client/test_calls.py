"""The per-call core (_calls): a bad name is refused every time; mapped_errors maps and
always ends the call."""

from __future__ import annotations

import pytest

from optjob_sdk import _calls
from optjob_sdk._botocore_logs import _CALL
from optjob_sdk.errors import ValidationError
from optjob_sdk.models import DeleteOptimizationJobRequest, DescribeOptimizationJobRequest


@pytest.mark.parametrize("name", ["", "-bad", "a" * 64, "has space", "ünïcode"])
def test_a_bad_name_is_refused_every_time(name: str) -> None:
    _calls.check_name(DescribeOptimizationJobRequest, "a-good-name")
    for _ in range(2):
        with pytest.raises(ValidationError, match="optimization_job_name"):
            _calls.check_name(DeleteOptimizationJobRequest, name)


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
