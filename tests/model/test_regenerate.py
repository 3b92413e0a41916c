"""The generated files are what the generator makes from the installed botocore."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import botocore
import pytest

from optjob_sdk._schema import GENERATED_FROM

ROOT = Path(__file__).resolve().parents[2]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3])


def _generator() -> object:
    spec = importlib.util.spec_from_file_location(
        "generate_models", ROOT / "scripts" / "generate_models.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_models"] = module
    spec.loader.exec_module(module)
    return module


def _without_version(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("GENERATED_FROM"))


@pytest.mark.skipif(
    _version(botocore.__version__) < _version(GENERATED_FROM),
    reason="regeneration is checked against the newest botocore (this session pins an older one;"
    " test_conformance checks the superset there)",
)
def test_regenerating_changes_nothing() -> None:
    generator = _generator()
    stale = [
        str(path.relative_to(ROOT))
        for path, text in generator.generate().items()  # type: ignore[attr-defined]
        if _without_version(path.read_text()) != _without_version(text)
    ]
    assert stale == [], "run scripts/generate_models.py (see docs/development.md)"
