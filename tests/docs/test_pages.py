"""The documentation's pages as a whole, and the harness that runs their examples.

The examples themselves are Sybil's items (tests/markdown_examples.py, collected from the
pages by the root conftest.py); these tests check what no single example can: that every
page is read, that a block left out says why where readers see it, that the harness fails
when an example is wrong, and that the README's command lines run.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from markdown_examples import (
    PATTERNS,
    ROOT,
    SHELLS,
    SYBIL,
    WORLD,
    World,
    fenced_blocks,
    make_world,
    named_things_missing,
    shell_commands,
    shown_output,
    shows,
)
from optjob_sdk.cli import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, main

PAGES = sorted(
    {path for pattern in PATTERNS for path in ROOT.glob(pattern)},
    key=lambda path: str(path.relative_to(ROOT)),
)
PAGE_IDS = [str(page.relative_to(ROOT)) for page in PAGES]
_SKIP = re.compile(r"^<!--\s*skip:\s*next\s+(?P<reason>.*?)\s*-->", re.DOTALL | re.MULTILINE)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with make_world(tmp_path) as made:
        yield made


def kinds(page: Path) -> list[str]:
    """The kind of each example Sybil finds in ``page`` (its evaluator's name)."""
    return [
        getattr(example.region.evaluator, "__name__", type(example.region.evaluator).__name__)
        for example in SYBIL.parse(page).examples()
    ]


def test_every_page_is_read() -> None:
    assert {"README.md", "docs/client.md", "docs/testing.md", "docs/airflow.md"} <= set(PAGE_IDS)
    for page in PAGES:
        assert SYBIL.should_parse(page), page
    # The pages with the SDK's main flows show Python.
    for name in ("README.md", "client.md", "builder.md", "testing.md", "waiting.md"):
        page = ROOT / name if name == "README.md" else ROOT / "docs" / name
        assert "evaluate_python" in kinds(page), name
    # docs/testing.md defines the reader's own tests: they run as one more example, last.
    assert kinds(ROOT / "docs" / "testing.md")[-1] == "evaluate_page_tests"


def test_pytest_hands_sybil_the_pages_and_nothing_else() -> None:
    """The root conftest.py decides which Markdown files pytest gives Sybil: the pages,
    never another README (tests/data/examples has one)."""
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    assert spec is not None
    assert spec.loader is not None
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)
    everywhere = [p for p in ROOT.rglob("*.md") if not {".nox", ".venv", "site"} & set(p.parts)]
    assert (ROOT / "tests" / "data" / "examples" / "README.md") in everywhere
    assert sorted(p for p in everywhere if conftest.is_page(p)) == sorted(PAGES)


def _visible(text: str) -> str:
    return " ".join(re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL).split())


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_a_block_left_out_says_why_in_the_page(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    visible = _visible(text).lower()
    for found in _SKIP.finditer(text):
        reason = ast.literal_eval(found["reason"])
        assert isinstance(reason, str), f"{page.name}: a skip needs a reason"
        assert reason.strip(), f"{page.name}: a skip needs a reason"
        assert " ".join(reason.split()).lower() in visible, (
            f"{page.name}: the reason {reason!r} is not in the page's visible text"
        )
    # Only Sybil's `skip: next` leaves a block out (the old marker would be ignored).
    assert "<!-- not run" not in text


def test_the_blocks_left_out_are_few_and_known() -> None:
    skipped = {
        name: len(_SKIP.findall(page.read_text(encoding="utf-8")))
        for name, page in zip(PAGE_IDS, PAGES, strict=True)
    }
    assert {name: n for name, n in skipped.items() if n} == {
        "docs/airflow.md": 1,  # a DAG file, run by tests/airflow_tests/test_dags.py
        "docs/from-boto3.md": 3,  # sagemaker-core, which is not installed
    }


def _run_page(tmp_path: Path, text: str) -> list[BaseException | None]:
    """Evaluate a made-up page's examples as the docs session does: each one's error."""
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    document = SYBIL.parse(page)
    errors: list[BaseException | None] = []
    with make_world(tmp_path / "world") as world:
        document.namespace[WORLD] = world
        for example in document.examples():
            try:
                example.evaluate()
            except BaseException as error:
                errors.append(error)
            else:
                errors.append(None)
    return errors


def test_the_harness_checks_shown_output_and_keeps_one_namespace(tmp_path: Path) -> None:
    (tmp_path / "world").mkdir()
    errors = _run_page(
        tmp_path,
        "# t\n\n```python\nx = 2\nprint(x * 2)  # -> 4\n```\n\ntext\n\n"
        "```python\nprint(x)  # -> 3\n```\n\n```python\nprint(y)\n```\n",
    )
    assert errors[0] is None
    assert isinstance(errors[1], AssertionError)
    assert "shows what it does not print" in str(errors[1])
    assert isinstance(errors[2], NameError)


def test_the_harness_skips_checks_commands_and_runs_the_pages_tests(tmp_path: Path) -> None:
    (tmp_path / "world").mkdir()
    errors = _run_page(
        tmp_path,
        '<!-- skip: next "needs a GPU" -->\n\n```python\nraise SystemExit(1)\n```\n\n'
        "```bash\noptjob describe my-job --no-such-option\n```\n\n"
        "Run `optjob list --status COMPLETED`, not `optjob frobnicate`.\n\n"
        "```python\ndef test_passes():\n    assert True\n\n\n"
        "def test_fails(optjob_service):\n    assert optjob_service.job_names() == ['x']\n```\n",
    )
    names = [type(error).__name__ if error else None for error in errors]
    # The directive, the block it skips, the bash block, two inline commands, the tests'
    # block, then the page's tests.
    assert names == [
        None,
        "SkipTest",
        "AssertionError",
        None,
        "AssertionError",
        None,
        "AssertionError",
    ], errors
    assert "line 8: `optjob describe my-job --no-such-option`" in str(errors[2])
    assert "frobnicate" in str(errors[4])
    assert "test_fails" in str(errors[6])
    assert "test_passes" not in str(errors[6])


def test_the_fenced_blocks_keep_order_and_lines(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# t\n\n```python\nx = 1\n```\n\ntext\n\n```bash\noptjob demo\n```\n", encoding="utf-8"
    )
    assert [(b.lang, b.line, b.code) for b in fenced_blocks(page)] == [
        ("python", 4, "x = 1\n"),
        ("bash", 10, "optjob demo\n"),
    ]


def test_some_optjob_commands_are_checked() -> None:
    def commands(page: Path) -> int:
        return kinds(page).count("evaluate_inline_command") + sum(
            len(shell_commands(block.code, console=block.lang == "console"))
            for block in fenced_blocks(page)
            if block.lang in (*SHELLS, "console")
        )

    assert commands(ROOT / "README.md") >= 7
    assert commands(ROOT / "docs" / "cli.md") >= 5


def test_the_readme_command_lines_run(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's command-line block, line by line, against the emulator (as an AWS
    account): every command is understood and its input valid; `optjob demo` and
    `optjob emulator` run their own emulator in real time and are only parsed (by Sybil)."""
    (block,) = [
        b
        for b in fenced_blocks(ROOT / "README.md")
        if b.lang == "bash" and b.code.startswith("optjob demo")
    ]
    world.with_aws()
    statuses = []
    for line in block.code.splitlines():
        command = line.partition("#")[0]
        for piece in command.split("&&"):
            argv = shlex.split(piece)
            if argv[1] in ("demo", "emulator"):
                continue
            status = main(argv[1:])
            statuses.append((piece.strip(), status))
            assert status not in (EXIT_USAGE, EXIT_INTERNAL), (statuses, capsys.readouterr().err)
            if status != EXIT_OK:
                break  # `&&`
    assert ("optjob validate --file job.json", EXIT_OK) in statuses, statuses
    assert ("optjob create --file job.json --wait", EXIT_OK) in statuses, statuses
    assert len(statuses) >= 5


def test_nox_runs_the_docs_once_and_the_suite_without_them() -> None:
    """`nox` (what CI runs) includes the docs session, on one Python, which builds the site
    strictly and runs every page; the per-Python test sessions leave tests/docs out, so the
    examples run once per CI run, not four times."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    selected: list[str] = []
    suite_only: tuple[str, ...] = ()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            target = ast.unparse(node.targets[0])
            if target == "nox.options.sessions":
                selected = ast.literal_eval(node.value)
            elif target == "SUITE_ONLY":
                suite_only = ast.literal_eval(node.value)
    assert "docs" in selected
    assert "--ignore=tests/docs" in suite_only
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    docs_session = ast.unparse(functions["docs"])
    assert "@nox.session(python=PYTHONS[-1])" in docs_session
    for pages in ("'README.md'", "'CONTRIBUTING.md'", "'docs'", "'tests/docs'"):
        assert pages in docs_session, pages
    assert "'mkdocs', 'build', '--strict'" in docs_session
    for name in ("tests", "tests_oldest"):
        assert "*SUITE_ONLY" in ast.unparse(functions[name]), name
    # Every session defined is one that `nox` runs, but `bench`: it takes minutes on a
    # quiet machine and writes benchmarks/RESULTS.md, so it is run by hand.
    assert {n for n in functions if not n.startswith("_")} - {"bench"} == set(selected)
    assert "bench" in functions


def test_a_block_without_aws_finds_no_credentials(world: World) -> None:
    """The world switches between blocks: what a block with AWS configuration left in
    boto3's default session (it caches credentials) must not reach a block without."""
    world.with_aws()
    boto3.client("sagemaker")
    assert boto3.DEFAULT_SESSION is not None
    assert boto3.DEFAULT_SESSION.get_credentials() is not None
    world.without_aws()
    client = boto3.client("sagemaker", region_name="us-west-2")
    assert boto3.DEFAULT_SESSION.get_credentials() is None
    assert client.meta.endpoint_url == "https://api.sagemaker.us-west-2.amazonaws.com"


def test_shown_output_is_read_inline_and_below() -> None:
    source = "x = 1\nprint(x)  # -> 1\nprint(x, x)\n# -> 1 1\n#  -> two\ny = 2  # a comment\n"
    lines = source.splitlines()
    statements = ast.parse(source).body
    assert [shown_output(lines, s) for s in statements] == [None, "1", "1 1\ntwo", None]


def test_shows_reads_prefixes_and_gaps() -> None:
    assert shows(["a", "b, ...", "..."], ["a", "b, c", "d"])
    assert shows(["a", "d"], ["a", "b", "d"])
    assert not shows(["b"], ["a", "b"])
    assert not shows(["a", "e"], ["a", "b"])
    assert not shows(["a", "c, ..."], ["a", "b, c"])


def test_nox_sessions_and_scripts_named_are_checked() -> None:
    assert named_things_missing("python3 -m nox -s tests-3.12 lint -- -n 0 -x", console=False) == []
    assert named_things_missing("nox -s no-such-session", console=False) == [
        "nox session 'no-such-session'"
    ]
    assert named_things_missing("python benchmarks/nope.py", console=False) == [
        "script benchmarks/nope.py"
    ]
    assert named_things_missing("$ python scripts/generate_models.py --check", console=True) == []
