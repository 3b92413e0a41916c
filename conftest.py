"""The documentation's examples as tests: pytest hands README.md, CONTRIBUTING.md and
docs/*.md to Sybil (``nox -s docs`` runs ``pytest README.md CONTRIBUTING.md docs
tests/docs``); tests/markdown_examples.py says how each kind of example runs.

Loaded by every pytest run in the repository: it imports Sybil and the examples' world only
when a Markdown page is asked for (pytest 8 offers the hook every file of a directory it
walks, the root's README.md included, even when the run asked for one test file).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent


def is_page(file_path: Path) -> bool:
    """Whether ``file_path`` is a page of the documentation: README.md, CONTRIBUTING.md or
    docs/*.md (not the README of a test-data folder, nor docs/reference/*.md, which holds
    only mkdocstrings directives)."""
    try:
        relative = file_path.resolve().relative_to(ROOT)
    except ValueError:
        return False
    return relative.as_posix() in ("README.md", "CONTRIBUTING.md") or (
        relative.parent.as_posix() == "docs" and relative.suffix == ".md"
    )


def _asked_for(file_path: Path, config: pytest.Config) -> bool:
    for arg in config.args:
        asked = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if asked == file_path or asked in file_path.parents:
            return True
    return False


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Any:
    if not is_page(file_path) or not _asked_for(file_path, parent.config):
        return None
    from markdown_examples import SYBIL  # tests/ is on pytest's path (pyproject)

    return SYBIL.pytest()(file_path, parent)


@pytest.fixture(scope="module")  # Sybil's module is the page: one world per page
def docs_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The emulator, AWS configuration and working directory a page's examples run in."""
    from markdown_examples import make_world

    with make_world(tmp_path_factory.mktemp("page")) as world:
        yield world
