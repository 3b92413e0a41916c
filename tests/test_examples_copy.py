"""The in-repo copy of the examples is the shared one."""

from __future__ import annotations

import pytest

from examples import EXAMPLES, SHARED


def test_the_copy_matches_shared() -> None:
    if not SHARED.is_dir():
        pytest.skip("no shared/examples beside this clone to compare with")
    shared = {p.name: p.read_bytes() for p in SHARED.glob("*.json")}
    copied = {p.name: p.read_bytes() for p in EXAMPLES.glob("*.json")}
    assert copied == shared
