"""Sessions: ``nox`` runs them all; ``nox -s tests-3.12`` runs one.

- ``tests``: the suite on every Python 3.10-3.13 found (a missing one is skipped);
- ``tests_oldest``: the suite against boto3/botocore 1.37.18, the oldest supported API (and
  the oldest shtab, which writes ``optjob completion``'s scripts);
- ``aio``: the suite with the ``aio`` extra (aiobotocore, and the botocore it pins), the
  async client's tests (tests/aio) included; ``aio_oldest``: tests/aio on the oldest
  aiobotocore the extra allows;
- ``airflow``: the Airflow operator, trigger and sensor (tests/airflow_tests) against the
  emulator over HTTP, the Airflow guide's DAG under ``dag.test()`` included, on the newest
  Airflow; ``airflow_oldest``: the same on the oldest Airflow, Amazon provider and
  aiobotocore the extra allows;
- ``lint``: ruff check and ruff format --check;
- ``typecheck``: mypy --strict and pyright on src/ and on the public-API typing test;
- ``notebook``: the waiter's progress display and the models' notebook forms in a real
  IPython kernel, and docs/sweep.ipynb run as Jupyter runs it (tests/notebook);
- ``pandas``: ``to_pandas()`` on the list iterators, sync and async (tests/dataframe);
- ``docs``: the documentation site, built strictly (MkDocs), and every example of its
  pages and the README run as a test (Sybil);
- ``package``: the built wheel, installed as users get it.

Run by hand only (not in ``nox.options.sessions``):

- ``bench``: benchmarks/bench.py, every figure of the SDK against raw boto3 (and ``optjob``
  against the AWS CLI), written to benchmarks/RESULTS.md; minutes, on a quiet machine.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nox

nox.options.sessions = [
    "tests",
    "tests_oldest",
    "aio",
    "aio_oldest",
    "airflow",
    "airflow_oldest",
    "lint",
    "typecheck",
    "notebook",
    "pandas",
    "docs",
    "package",
]
# On a user's machine a missing interpreter is skipped, not an error (CI sets CI=true,
# which would otherwise make nox strict; .ci/run makes every version visible first).
nox.options.error_on_missing_interpreters = False
nox.options.reuse_venv = "yes"

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
OLDEST_BOTO = "1.37.18"
OLDEST_SHTAB = "1.11.0"
OLDEST_AIOBOTOCORE = "2.23.0"
# Airflow 3.0.0 and the Amazon provider of its release month (9.6.0, 2025-04); it brings
# botocore 1.38.x, which the oldest aiobotocore above pins.
OLDEST_AIRFLOW = "3.0.0"
OLDEST_AIRFLOW_AMAZON = "9.6.0"
PYPROJECT = nox.project.load_toml("pyproject.toml")
TEST_DEPS = nox.project.dependency_groups(PYPROJECT, "test")
TYPECHECK_DEPS = nox.project.dependency_groups(PYPROJECT, "typecheck")
NOTEBOOK_DEPS = nox.project.dependency_groups(PYPROJECT, "notebook")
DOCS_DEPS = nox.project.dependency_groups(PYPROJECT, "docs")
BENCH_DEPS = nox.project.dependency_groups(PYPROJECT, "bench")
# tests/notebook needs ipykernel, which only the notebook session installs; tests/docs runs
# the documentation's examples, which do not depend on the Python version: once, in `docs`;
# tests/dataframe needs pandas (its conftest skips it without), once, in `pandas`.
SUITE_ONLY = ("--ignore=tests/notebook", "--ignore=tests/docs", "--ignore=tests/dataframe")
# The suite on every core (pytest-xdist): about 1.7x faster on CI's two cores, five times
# over (four Pythons and the oldest boto3). The notebook and docs sessions stay serial.
PARALLEL = ("-n", "auto")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite against the newest boto3 (tests/notebook, tests/docs: own sessions)."""
    session.install("-e", ".[yaml]", *TEST_DEPS)
    session.run("pytest", *PARALLEL, *SUITE_ONLY, *session.posargs)


@nox.session(python=PYTHONS[0])
def tests_oldest(session: nox.Session) -> None:
    """The test suite against the oldest supported boto3/botocore and shtab (as ``tests``)."""
    session.install("-e", ".[yaml]", *TEST_DEPS)
    session.install(f"boto3=={OLDEST_BOTO}", f"botocore=={OLDEST_BOTO}", f"shtab=={OLDEST_SHTAB}")
    session.run("pytest", *PARALLEL, *SUITE_ONLY, *session.posargs)


@nox.session(python=PYTHONS[-1])
def aio(session: nox.Session) -> None:
    """The whole suite with the ``aio`` extra installed: tests/aio (the async client, the
    emulator's async way in) and everything else on the botocore that aiobotocore pins (the
    conformance test's superset mode covers it). Once, on the newest Python."""
    session.install("-e", ".[yaml,aio]", *TEST_DEPS)
    session.run("pytest", *PARALLEL, *SUITE_ONLY, *session.posargs)


@nox.session(python=PYTHONS[0])
def aio_oldest(session: nox.Session) -> None:
    """tests/aio on the oldest aiobotocore the extra allows (and the botocore it pins), on
    the oldest Python."""
    # One resolution: pip then picks the botocore that aiobotocore pins and a boto3 of the
    # same release (a boto3 left from a newer install would not import on that botocore).
    session.install(
        "-e",
        ".[yaml,aio]",
        f"aiobotocore=={OLDEST_AIOBOTOCORE}",
        f"types-aiobotocore-sagemaker=={OLDEST_AIOBOTOCORE}",
        *TEST_DEPS,
    )
    session.run("pytest", *PARALLEL, "tests/aio", *session.posargs)


@nox.session(python=PYTHONS[-1])
def airflow(session: nox.Session) -> None:
    """The Airflow pieces (tests/airflow_tests: each against the emulator over HTTP through
    an Airflow connection, a DAG and the Airflow guide's DAG under ``dag.test()``), on the
    newest Airflow and Amazon provider. Once: Airflow is heavy, and Python adds nothing."""
    session.install("-e", ".[yaml,airflow]", *TEST_DEPS)
    session.run("pytest", *PARALLEL, "tests/airflow_tests", *session.posargs)


@nox.session(python=PYTHONS[0])
def airflow_oldest(session: nox.Session) -> None:
    """tests/airflow_tests on the oldest Airflow, Amazon provider and aiobotocore the extra
    allows, on the oldest Python (one resolution, as ``aio_oldest``)."""
    session.install(
        "-e",
        ".[yaml,airflow]",
        f"apache-airflow=={OLDEST_AIRFLOW}",
        f"apache-airflow-providers-amazon=={OLDEST_AIRFLOW_AMAZON}",
        f"aiobotocore=={OLDEST_AIOBOTOCORE}",
        *TEST_DEPS,
    )
    session.run("pytest", *PARALLEL, "tests/airflow_tests", *session.posargs)


@nox.session(python=PYTHONS[-1])
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over everything."""
    session.install("ruff==0.17.6")  # the same ruff as the generator's
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHONS[0])
def typecheck(session: nox.Session) -> None:
    """mypy --strict and pyright (strict) on src/ (optjob_sdk.airflow included: the extra is
    installed) and tests/typing_check.py."""
    # pandas itself, not only its stubs: pyright warns of an import with no source.
    session.install("-e", ".[yaml,airflow,pandas]", *TYPECHECK_DEPS)
    session.run("mypy")
    session.run("pyright", "--pythonpath", session.virtualenv.bin + "/python")


@nox.session(python=PYTHONS[-1])
def notebook(session: nox.Session) -> None:
    """The progress display and the models' HTML and pretty text in a real (in-process)
    IPython kernel, and docs/sweep.ipynb executed by nbclient (it ends on ``to_pandas()``:
    the pandas extra too); the models' pretty text against IPython's printer."""
    session.install("-e", ".[notebook,pandas]", *TEST_DEPS, *NOTEBOOK_DEPS)
    # test_display.py again, with IPython: its check against IPython's own pretty printer
    # is skipped in the sessions without IPython.
    session.run("pytest", "tests/notebook", "tests/model/test_display.py", *session.posargs)


@nox.session(python=PYTHONS[-1])
def pandas(session: nox.Session) -> None:
    """``to_pandas()``, sync and async, against the emulator (tests/dataframe), with the
    ``pandas`` extra. Once, on the newest Python: the frame is built the same everywhere."""
    session.install("-e", ".[yaml,aio,pandas]", *TEST_DEPS)
    session.run("pytest", *PARALLEL, "tests/dataframe", *session.posargs)


@nox.session(python=PYTHONS[-1])
def docs(session: nox.Session) -> None:
    """The documentation site, built strictly (``mkdocs build --strict``: any warning, a
    broken link or a reference to a missing object fails), and every example of README.md,
    CONTRIBUTING.md and docs/*.md run as a test (Sybil; tests/markdown_examples.py), with
    the reference's coverage of every public name (tests/docs).

    Once, on the newest Python: the pages do not change with the Python version."""
    # pandas and IPython: docs/client.md and docs/notebooks.md show to_pandas() and the
    # models' pretty text.
    session.install("-e", ".[yaml,aio,pandas,notebook]", *TEST_DEPS, *DOCS_DEPS)
    # Material for MkDocs prints a notice about MkDocs 2 on every build; the build is what
    # matters here.
    session.run("mkdocs", "build", "--strict", env={"NO_MKDOCS_2_WARNING": "1"})
    session.run("pytest", "README.md", "CONTRIBUTING.md", "docs", "tests/docs", *session.posargs)


#: A user's mistake that the installed package's types must catch.
_MISTYPED = """
from optjob_sdk import OptimizationJobClient

name: int = OptimizationJobClient(region_name="us-west-2").describe("job").optimization_job_name
"""


@nox.session(python=PYTHONS[-1])
def package(session: nox.Session) -> None:
    """The wheel as users get it, installed (not editable) and used outside the source tree:
    mypy --strict sees the types through py.typed and the lazy package root, and the console
    script and the pytest plugin are registered."""
    root = Path.cwd()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)  # outside the repository: no src/, no project config
        session.run("python", "-m", "pip", "wheel", "--no-deps", "--wheel-dir", scratch, ".")
        (wheel,) = work.glob("optjob_sdk-*.whl")
        # With the aio extra: typing_check.py checks the async client's types too. And
        # botocore's stubs, as a user who type-checks boto3 code has them: without them
        # botocore's BaseClient is Any to mypy, so any client fits any client parameter.
        session.install(f"{wheel}[aio]", "botocore-stubs", "mypy>=1.13", "pytest>=8")
        # Same version as a reused environment may hold already: replace it for certain.
        session.install("--force-reinstall", "--no-deps", str(wheel))
        shutil.copy(root / "tests" / "typing_check.py", work / "typing_check.py")
        (work / "mistyped.py").write_text(_MISTYPED)
        session.chdir(work)
        session.run("mypy", "--strict", "--no-incremental", "typing_check.py")
        output = session.run(
            "mypy", "--strict", "--no-incremental", "mistyped.py", success_codes=[1], silent=True
        )
        if "mistyped.py:4: error: Incompatible types in assignment" not in str(output):
            session.error(f"mypy did not catch the mistyped assignment:\n{output}")
        session.run("optjob", "--help", silent=True)
        # shtab comes with the wheel's dependencies: completion works after a plain install.
        session.run("optjob", "completion", "bash", silent=True)
        output = session.run("pytest", "--fixtures", "-p", "no:cacheprovider", silent=True)
        if "optjob_service" not in str(output):
            session.error("the pytest plugin's optjob_service fixture is not registered")
        session.chdir(root)


@nox.session(python=PYTHONS[-1])
def bench(session: nox.Session) -> None:
    """The benchmarks (benchmarks/bench.py): each figure, optjob-sdk against raw boto3 in the
    same run, written to benchmarks/RESULTS.md with the machine and the date. Not among the
    default sessions: it takes minutes and writes a file. Arguments after ``--`` go to the
    script (``nox -s bench -- --only describe,list``)."""
    # Installed, not editable, as users get it: an editable install's .pth puts src/ on
    # every fresh process's sys.path, one more place where each import looks, which the
    # cold figures would measure.
    session.install(".", *BENCH_DEPS)
    # Same version as a reused environment may hold already: replace it for certain.
    session.install("--force-reinstall", "--no-deps", ".")
    session.run(
        "python", "benchmarks/bench.py", "--write", "benchmarks/RESULTS.md", *session.posargs
    )
