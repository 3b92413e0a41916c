"""Sessions: ``nox`` runs them all; ``nox -s tests-3.12`` runs one.

- ``tests``: the suite on every Python 3.10-3.13 found (a missing one is skipped);
- ``tests_oldest``: the suite against boto3/botocore 1.37.18, the oldest supported API;
- ``lint``: ruff check and ruff format --check;
- ``typecheck``: mypy --strict and pyright on src/ and on the public-API typing test;
- ``notebook``: the waiter's progress display in a real IPython kernel (tests/notebook).
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "tests_oldest", "lint", "typecheck", "notebook"]
# On a user's machine a missing interpreter is skipped, not an error (CI sets CI=true,
# which would otherwise make nox strict; .ci/run makes every version visible first).
nox.options.error_on_missing_interpreters = False
nox.options.reuse_venv = "yes"

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
OLDEST_BOTO = "1.37.18"
PYPROJECT = nox.project.load_toml("pyproject.toml")
TEST_DEPS = nox.project.dependency_groups(PYPROJECT, "test")
TYPECHECK_DEPS = nox.project.dependency_groups(PYPROJECT, "typecheck")
NOTEBOOK_DEPS = nox.project.dependency_groups(PYPROJECT, "notebook")
# tests/notebook needs ipykernel, which only the notebook session installs.
NOT_NOTEBOOK = "--ignore=tests/notebook"


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole test suite, against the newest boto3."""
    session.install("-e", ".[yaml]", *TEST_DEPS)
    session.run("pytest", NOT_NOTEBOOK, *session.posargs)


@nox.session(python=PYTHONS[0])
def tests_oldest(session: nox.Session) -> None:
    """The whole test suite against the oldest supported boto3/botocore."""
    session.install("-e", ".[yaml]", *TEST_DEPS)
    session.install(f"boto3=={OLDEST_BOTO}", f"botocore=={OLDEST_BOTO}")
    session.run("pytest", NOT_NOTEBOOK, *session.posargs)


@nox.session(python=PYTHONS[-1])
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over everything."""
    session.install("ruff==0.17.6")  # the same ruff as the generator's
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHONS[0])
def typecheck(session: nox.Session) -> None:
    """mypy --strict and pyright (strict) on src/ and tests/typing_check.py."""
    session.install("-e", ".[yaml]", *TYPECHECK_DEPS)
    session.run("mypy")
    session.run("pyright", "--pythonpath", session.virtualenv.bin + "/python")


@nox.session(python=PYTHONS[-1])
def notebook(session: nox.Session) -> None:
    """The progress display in a real (in-process) IPython kernel, with the notebook extra."""
    session.install("-e", ".[notebook]", *TEST_DEPS, *NOTEBOOK_DEPS)
    session.run("pytest", "tests/notebook", *session.posargs)
