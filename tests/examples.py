"""The realistic request/response files, copied from the project's shared/examples.

A copy lives in tests/data/examples so that the suite runs from any clone;
``test_the_copy_matches_shared`` keeps it equal to shared/examples wherever that folder
sits beside the repository.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent / "data" / "examples"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "examples"


def load_example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return data
