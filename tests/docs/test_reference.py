"""The API reference (docs/reference/*.md, rendered by mkdocstrings) covers every public name.

The site's build (``mkdocs build --strict`` in the docs session) fails on a reference to
an object that does not exist; this test fails on a public object the reference leaves out:
every name in the ``__all__`` of every public module must be documented, under that module
or under the one that defines it.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "reference"
PUBLIC_MODULES = [
    "optjob_sdk",
    "optjob_sdk.client",
    "optjob_sdk.aio",
    "optjob_sdk.aio.client",
    "optjob_sdk.aio.paging",
    "optjob_sdk.aio.waiting",
    "optjob_sdk.builder",
    "optjob_sdk.models",
    "optjob_sdk.enums",
    "optjob_sdk.errors",
    "optjob_sdk.converter",
    "optjob_sdk.loading",
    "optjob_sdk.paging",
    "optjob_sdk.waiting",
    "optjob_sdk.testing",
    "optjob_sdk.testing.pytest_plugin",
    "optjob_sdk.airflow",
    "optjob_sdk.cli",
]
# Importing these needs Airflow, which the docs session does not install (mkdocstrings
# reads their source); their names are checked as written.
_BY_NAME_ONLY = "optjob_sdk.airflow"
_DIRECTIVE = re.compile(r"^::: (?P<path>[\w.]+)\s*$")
_MEMBER = re.compile(r"^ {8}- (?P<name>\w+)\s*$")


def documented_paths() -> set[str]:
    """Every dotted path the reference documents: ``::: path`` and its ``members:`` list."""
    paths: set[str] = set()
    for page in sorted(REFERENCE.glob("*.md")):
        current = None
        for line in page.read_text(encoding="utf-8").splitlines():
            if (directive := _DIRECTIVE.match(line)) is not None:
                current = directive["path"]
                paths.add(current)
            elif (member := _MEMBER.match(line)) is not None and current is not None:
                paths.add(f"{current}.{member['name']}")
            elif line and not line.startswith(" "):
                current = None
    return paths


def _resolve(path: str) -> object:
    module, _, name = path.rpartition(".")
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError:
        return getattr(importlib.import_module(module), name)


def test_every_public_name_is_in_the_reference() -> None:
    paths = documented_paths()
    objects = [_resolve(path) for path in paths if not path.startswith(_BY_NAME_ONLY)]
    missing = []
    for module_name in PUBLIC_MODULES:
        if module_name.startswith(_BY_NAME_ONLY):
            module = importlib.import_module(module_name)  # lazy: imports no Airflow
            lazy: dict[str, str] = module._LAZY
            for name in module.__all__:
                if f"{module_name}.{lazy[name]}.{name}" not in paths:
                    missing.append(f"{module_name}.{name}")
            continue
        if module_name == "optjob_sdk.aio":
            pytest.importorskip("aiobotocore")
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if f"{module_name}.{name}" in paths:
                continue
            value = getattr(module, name)
            if not any(value is documented for documented in objects):
                missing.append(f"{module_name}.{name}")
    assert not missing, f"public names the API reference leaves out: {missing}"


def test_the_reference_pages_are_in_the_site() -> None:
    site = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in REFERENCE.glob("*.md"):
        assert f"reference/{page.name}" in site, page.name
    # And every guide: a page left out of the navigation is a warning, which --strict fails.
    for page in (ROOT / "docs").glob("*.md"):
        assert f": {page.name}" in site, page.name


def test_the_coverage_check_reads_directives_and_members() -> None:
    paths = documented_paths()
    assert "optjob_sdk.client.OptimizationJobClient" in paths
    assert "optjob_sdk.waiting.TERMINAL_STATUSES" in paths
    assert "optjob_sdk.cli.EXIT_OK" in paths
    assert "optjob_sdk.models" in paths  # a module heading
    assert not any(path.endswith(".options") for path in paths)


def _modules_with_examples() -> list[str]:
    """Every module of the package but the Airflow world (not installed in the docs
    session; its two docstring examples are imports that tests/airflow_tests makes)."""
    import pkgutil

    import optjob_sdk

    names = []
    for info in pkgutil.walk_packages(optjob_sdk.__path__, "optjob_sdk."):
        if info.name.startswith("optjob_sdk.airflow") or info.name.endswith("__main__"):
            continue
        if (
            info.name.startswith("optjob_sdk.aio")
            and importlib.util.find_spec("aiobotocore") is None
        ):
            continue
        names.append(info.name)
    return ["optjob_sdk", *names]


@pytest.mark.parametrize("module_name", _modules_with_examples())
def test_the_docstring_examples_run(
    module_name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The reference shows the docstrings' examples: each runs as written (doctest), on a
    machine with no AWS configuration (they bring their own emulator)."""
    import doctest

    from boto3_support import forget_aws_setup

    forget_aws_setup(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True)
    assert result.failed == 0, f"{module_name}: {result}"


def test_most_of_the_docstring_examples_are_found() -> None:
    import doctest

    finder = doctest.DocTestFinder()
    examples = sum(
        len(test.examples)
        for name in _modules_with_examples()
        for test in finder.find(importlib.import_module(name))
    )
    assert examples >= 80, examples
