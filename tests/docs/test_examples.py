"""Every example in README.md and docs/*.md runs as written, imports included.

How a page's Python runs: its ```python blocks, **in order, in one namespace**, as a reader
pastes them one after the other into one interpreter session (so a later block may use what
an earlier block of the same page imported or defined, and nothing else). Tracebacks point
at the Markdown file's own lines. Output a block shows as ``# -> text`` (at the end of a
statement, or in comment lines right below it) must be what that statement prints.

A page that defines pytest tests (``def test_...``, its fixtures) then has them collected
and run by a real, in-process pytest, with the ``optjob_service`` fixture of the installed
plugin, as the reader's own test suite would: every one of them must pass.

The world a block runs in (no AWS account, no network, no waiting):

- The working directory holds the request files the pages name: the shared examples
  (``awq-quantization.json``, ``bad-request.json``, ...) and ``job.json``/``job.yaml``, the
  request of docs/cli.md's request-file example.
- A block that brings its own emulator or endpoint (``FakeOptimizationService``,
  ``optjob_service``, ``endpoint_url``, ``--endpoint-url``, ``.serve(``) runs on a machine
  with **no AWS configuration at all**: no credentials or region in the environment,
  ``AWS_SHARED_CREDENTIALS_FILE`` and ``AWS_CONFIG_FILE`` pointing at a missing file, no
  instance metadata, a fresh boto3 default session.
- Any other block talks to "AWS" the way it would for real: through boto3's own lookup,
  which finds placeholder credentials, a region and ``AWS_ENDPOINT_URL_SAGEMAKER`` pointing
  at the SDK's emulator served over HTTP on 127.0.0.1.
- Waiting is instant: the examples wait for jobs that run for many minutes (up to hours) of
  service time, so the waiter's real sleep (``optjob_sdk.waiting._real_sleep``, the one
  function through which it waits when no ``sleep=`` is given) moves the emulator's virtual
  clock instead of the wall clock. The async client's real sleep
  (``optjob_sdk.aio.waiting._real_sleep``, an ``async def``) does the same, then lets the
  event loop run its other tasks once, as ``asyncio.sleep`` would. The examples themselves
  are not changed for this.
- Async examples run as a reader runs them: ``asyncio.run(main())`` in a block makes a fresh
  event loop for that statement and closes it (none is running between statements), and a
  page's ``async def test_...`` (``@pytest.mark.asyncio``) run like its plain tests.

A block that cannot run is marked in the Markdown, right before its fence, with
``<!-- not run: the reason -->``; it is left out and counted (see
``test_blocks_not_run_are_marked_with_a_reason``). There are none today; every unmarked
block must run.

Shell blocks (bash, console) are not run as a whole (they install packages, start servers),
but every ``optjob ...`` command in them, and in inline code in the prose, must parse with
the real ``optjob`` parser, so a renamed option or command fails here. The README's
command-line block runs against the emulator, and so does every ``$ optjob ...`` of a
console block that shows its output, which must then be what ``optjob`` prints. ``nox -s``
names must be sessions of the noxfile, and ``python path.py`` scripts must exist.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import importlib
import importlib.util
import io
import json
import re
import shlex
import shutil
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import yaml

from boto3_support import forget_aws_setup
from optjob_sdk import waiting
from optjob_sdk.cli import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, build_parser, main
from optjob_sdk.testing import FakeOptimizationService

pytest_plugins = ["pytester"]

# The async client's loops, with the aio extra (the docs session installs it). Imported here,
# at collection: pytester (under the `world` fixture) restores sys.modules after each test,
# so a module first imported during one test is imported anew by the next, whose patch of
# the new module would miss the client classes kept from the first import.
aio_waiting = (
    importlib.import_module("optjob_sdk.aio.waiting")
    if importlib.util.find_spec("aiobotocore") is not None
    else None
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "data" / "examples"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PAGE_IDS = [str(page.relative_to(ROOT)) for page in PAGES]

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_NOT_RUN = re.compile(r"^<!--\s*not run:\s*(?P<reason>.*?)\s*-->$")
# A block that names its own emulator or endpoint needs no AWS configuration to run.
_OWN_ENDPOINT = re.compile(r"FakeOptimizationService|optjob_service|endpoint[-_]url|\.serve\(")
#: The most (virtual) time the examples of one page may wait in all: three days.
_LONGEST_WAIT = 3 * 24 * 3600.0
_SHELL = frozenset({"bash", "sh", "shell", "console"})


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown page."""

    page: Path
    lang: str
    line: int  # the line of its first code line, 1-based
    code: str
    not_run: str | None  # the reason given by a `<!-- not run: ... -->` marker

    def __str__(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of ``page``, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        lang = opening["info"].strip().split(" ")[0].lower()
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        code = "\n".join(line[indent:] for line in lines[index + 1 : end]) + "\n"
        previous = index - 1
        while previous >= 0 and not lines[previous].strip():
            previous -= 1
        marker = _NOT_RUN.match(lines[previous].strip()) if previous >= 0 else None
        reason = marker["reason"] if marker else None
        found.append(Block(page, lang, index + 2, code, reason))
        index = end + 1
    return found


def python_blocks(page: Path) -> list[Block]:
    return [block for block in blocks(page) if block.lang in ("python", "py")]


# -- the world the examples run in --------------------------------------------------------


@dataclass
class World:
    service: FakeOptimizationService
    url: str
    monkeypatch: pytest.MonkeyPatch
    home: Path

    def without_aws(self) -> None:
        """A machine with no AWS configuration at all."""
        forget_aws_setup(self.monkeypatch, self.home)

    def _fresh_default_session(self) -> None:
        # boto3's default session caches the credentials it found: a new configuration
        # starts from a new session, as in a new process.
        self.monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)

    def with_aws(self) -> None:
        """An AWS account as boto3 finds it, whose SageMaker endpoint is the emulator."""
        self.without_aws()
        self.monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDPLACEHOLDER")
        self.monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "placeholder-secret")
        self.monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
        self.monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", self.url)
        self._fresh_default_session()

    def for_block(self, block: Block) -> None:
        if _OWN_ENDPOINT.search(block.code):
            self.without_aws()
        else:
            self.with_aws()


def cli_request_file() -> dict[str, object]:
    """The request of docs/cli.md's request-file example (its YAML block)."""
    (block,) = [b for b in blocks(ROOT / "docs" / "cli.md") if b.lang == "yaml"]
    data = yaml.safe_load(block.code)
    assert isinstance(data, dict)
    return data


@pytest.fixture
def world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pytester: pytest.Pytester
) -> Iterator[World]:
    service = FakeOptimizationService()
    # The reader's project: where the page's tests are run too (pytester's directory).
    work = pytester.path
    for example in EXAMPLES.glob("*.json"):
        shutil.copy(example, work / example.name)
    request = cli_request_file()
    (work / "job.json").write_text(json.dumps(request, indent=2), encoding="utf-8")
    (work / "job.yaml").write_text(yaml.safe_dump(request), encoding="utf-8")
    monkeypatch.chdir(work)  # pytester chdirs there too; said again for clarity
    # The examples wait for jobs of many minutes of service time: the waiter's real sleep
    # moves the emulator's virtual clock instead (see the module docstring).
    slept = 0.0

    def sleep(seconds: float) -> None:
        # A wait that would never end (its deadline is on the real clock, which does not
        # move here) fails instead of hanging: no example waits for days.
        nonlocal slept
        slept += seconds
        assert slept <= _LONGEST_WAIT, f"an example waited more than {_LONGEST_WAIT} s"
        service.advance(seconds)

    monkeypatch.setattr(waiting, "_real_sleep", sleep)
    if aio_waiting is not None:

        async def async_sleep(seconds: float) -> None:
            sleep(seconds)
            await asyncio.sleep(0)  # other tasks run, as during a real pause

        monkeypatch.setattr(aio_waiting, "_real_sleep", async_sleep)
    with service.serve() as url:
        world = World(service, url, monkeypatch, tmp_path)
        world.without_aws()
        yield world


# -- Python blocks --------------------------------------------------------------------------


def _run_blocks(page: Path, world: World) -> types.ModuleType:
    """Run the page's Python blocks in order in one namespace (a module, for pytest)."""
    module = types.ModuleType("_docs_" + re.sub(r"\W", "_", str(page.relative_to(ROOT))))
    module.__file__ = str(page)
    world.monkeypatch.setitem(sys.modules, module.__name__, module)
    for block in python_blocks(page):
        if block.not_run is not None:
            continue
        world.for_block(block)
        # Padded so that line numbers in tracebacks are the Markdown file's own.
        source = "\n" * (block.line - 1) + block.code
        lines = source.splitlines()
        tree = ast.parse(source, str(page))
        # Statement by statement, to check what each one prints against its `# -> ` comment.
        for statement in tree.body:
            code = compile(ast.Module([statement], []), str(page), "exec")
            expected = _shown_output(lines, statement)
            printed = io.StringIO()
            try:
                with contextlib.redirect_stdout(printed):
                    exec(code, module.__dict__)
            except Exception as error:
                raise AssertionError(f"the example at {block} fails: {error!r}") from error
            finally:
                sys.stdout.write(printed.getvalue())
            if expected is not None:
                assert printed.getvalue().rstrip("\n") == expected, (
                    f"{page.name}:{statement.lineno} shows what it does not print"
                )
    return module


_SHOWN = re.compile(r"#\s*->\s?(?P<text>.*)$")


def _shown_output(lines: list[str], statement: ast.stmt) -> str | None:
    """The output a statement is documented to print: a ``# -> text`` comment at its end,
    or ``# -> text`` comment lines right below it (one per printed line)."""
    last = statement.end_lineno or statement.lineno
    shown = []
    inline = _SHOWN.search(lines[last - 1])
    if inline is not None:
        shown.append(inline["text"])
    for line in lines[last:]:
        below = _SHOWN.fullmatch(line.strip())
        if below is None:
            break
        shown.append(below["text"])
    return "\n".join(shown) if shown else None


def _page_tests(page: Path) -> list[str]:
    names = []
    for block in python_blocks(page):
        if block.not_run is None:
            tree = ast.parse(block.code)
            names += [
                node.name
                for node in tree.body
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and node.name.startswith("test")
            ]
    return names


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_python_examples_run_as_written(
    page: Path, world: World, pytester: pytest.Pytester
) -> None:
    module = _run_blocks(page, world)
    tests = _page_tests(page)
    if not tests:
        return
    # The page's tests, collected and run by pytest as in the reader's own test suite.
    world.without_aws()
    if importlib.util.find_spec("pytest_asyncio") is not None:
        # The reader's project sets what pytest-asyncio asks to be set (else it warns).
        pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(**{f"test_{module.__name__}": f"from {module.__name__} import *\n"})
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    assert result.ret == 0, f"the tests of {page.name} fail:\n{result.stdout.str()}"
    result.assert_outcomes(passed=len(tests))


def test_the_pages_have_examples() -> None:
    assert ROOT / "README.md" in PAGES
    assert ROOT / "docs" / "client.md" in PAGES
    counts = {page.name: len(python_blocks(page)) for page in PAGES}
    # The pages with the SDK's main flows show Python.
    for name in ("README.md", "client.md", "builder.md", "testing.md", "waiting.md"):
        assert counts[name] > 0, counts


def test_blocks_not_run_are_marked_with_a_reason() -> None:
    not_run = [block for page in PAGES for block in blocks(page) if block.not_run is not None]
    for block in not_run:
        assert block.not_run, f"{block}: `<!-- not run: -->` needs a reason"
        assert block.lang in ("python", "py"), f"{block}: only Python blocks are run"
    # Every block runs: here, or (an Airflow DAG, which needs Airflow and a metadata
    # database) in the test its marker names, which must read the block from this page.
    for block in not_run:
        runner = re.search(r"tests/airflow_tests/\w+\.py", block.not_run or "")
        assert runner, f"{block}: a block not run here names the test that runs it"
        assert block.page.relative_to(ROOT).as_posix() in (ROOT / runner[0]).read_text(), block


def test_the_extractor_keeps_order_lines_and_markers(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# t\n\n```python\nx = 1\n```\n\ntext\n\n<!-- not run: needs a GPU -->\n\n"
        "```python\ny = x\n```\n\n```bash\noptjob demo\n```\n",
        encoding="utf-8",
    )
    found = blocks(page)
    assert [(b.lang, b.line, b.code, b.not_run) for b in found] == [
        ("python", 4, "x = 1\n", None),
        ("python", 12, "y = x\n", "needs a GPU"),
        ("bash", 16, "optjob demo\n", None),
    ]


# -- shell blocks and inline commands -------------------------------------------------------

_INLINE = re.compile(r"`(optjob [^`]+)`")
_REDIRECTION = re.compile(r"\s\d*[<>]{1,2}&?\s*\S+")


def optjob_commands(page: Path) -> list[tuple[int, str]]:
    """Every concrete ``optjob ...`` command of the page: in shell blocks (after a ``$``
    prompt, in ``&&`` chains, in comments) and in inline code (placeholders with ``[``,
    ``|`` or ``...`` are syntax summaries, not commands)."""
    commands: list[tuple[int, str]] = []
    for block in blocks(page):
        if block.lang not in _SHELL:
            continue
        for offset, line in enumerate(block.code.splitlines()):
            if block.lang == "console" and not line.startswith("$ "):
                continue  # the output of a command
            text = line.removeprefix("$ ")
            command, _, comment = text.partition("#")
            # A shell line: split at its operators (`&&`, `||`, `;`, `|`, a trailing `&`)
            # and drop redirections (`> out`, `2>&1`), which are the shell's, not optjob's.
            pieces = [*re.split(r"&&|\|\||;|\||&", command), *re.findall(r"optjob [^;#]*", comment)]
            pieces = [_REDIRECTION.sub("", piece).strip() for piece in pieces]
            commands += [
                (block.line + offset, piece)
                for piece in pieces
                if piece.startswith("optjob ") or piece == "optjob"
            ]
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(("```", "    ")):
            continue
        commands += [
            (number, text)
            for text in _INLINE.findall(line)
            if not any(mark in text for mark in ("[", "|", "..."))
        ]
    return commands


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_optjob_commands_parse(page: Path) -> None:
    parser = build_parser()
    problems = []
    for number, command in optjob_commands(page):
        argv = shlex.split(command)[1:]
        try:
            args = parser.parse_args(argv)
        except SystemExit as exit_:
            if exit_.code != 0:  # 0: --help or --version, which print and end there
                problems.append(f"{page.name}:{number}: `{command}`: exit {exit_.code}")
            continue
        except Exception as error:
            problems.append(f"{page.name}:{number}: `{command}`: {error}")
            continue
        if args.command is None:
            problems.append(f"{page.name}:{number}: `{command}`: no command")
    assert not problems, "\n".join(problems)


def test_some_optjob_commands_are_checked() -> None:
    assert len(optjob_commands(ROOT / "README.md")) >= 7
    assert len(optjob_commands(ROOT / "docs" / "cli.md")) >= 5


def test_the_readme_command_lines_run(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's command-line block, line by line, against the emulator (as an AWS
    account): every command is understood and its input valid; `optjob demo` and
    `optjob emulator` run their own emulator in real time and are only parsed here."""
    (block,) = [
        b
        for b in blocks(ROOT / "README.md")
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


# -- nox sessions and scripts named in the docs ---------------------------------------------


def nox_sessions() -> set[str]:
    """The noxfile's session names, with their per-Python names (``tests-3.12``)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    pythons: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "PYTHONS" for t in node.targets
        ):
            pythons = ast.literal_eval(node.value)
    names: set[str] = set()
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "nox.session":
                names.add(node.name)
                python = next((k.value for k in decorator.keywords if k.arg == "python"), None)
                if python is not None and ast.unparse(python) == "PYTHONS":
                    names.update(f"{node.name}-{version}" for version in pythons)
    return names


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_nox_sessions_and_scripts_named_exist(page: Path) -> None:
    sessions = nox_sessions()
    problems = []
    for block in blocks(page):
        if block.lang not in _SHELL:
            continue
        for line in block.code.splitlines():
            if block.lang == "console" and not line.startswith("$ "):
                continue
            command = line.removeprefix("$ ").partition("#")[0]
            for piece in command.split("&&"):
                argv = shlex.split(piece)
                if argv[1:3] == ["-m", "nox"] and "-s" in argv:
                    named = argv[argv.index("-s") + 1 :]
                    problems += [f"nox session {n!r}" for n in named if n not in sessions]
                script = argv[1] if argv[0] in ("python", "python3") and len(argv) > 1 else ""
                if script.endswith(".py") and not (ROOT / script).is_file():
                    problems.append(f"script {script}")
    assert not problems, f"{page.name} names what does not exist: {problems}"


def test_nox_runs_the_docs_once_and_the_suite_without_them() -> None:
    """`nox` (what CI runs) includes the docs session, on one Python; the per-Python test
    sessions leave tests/docs out, so the examples run once per CI run, not four times."""
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
    assert "'pytest', 'tests/docs'" in docs_session
    for name in ("tests", "tests_oldest"):
        assert "*SUITE_ONLY" in ast.unparse(functions[name]), name
    # Every session defined is one that `nox` runs.
    assert {n for n in functions if not n.startswith("_")} == set(selected)


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
    assert [_shown_output(lines, s) for s in statements] == [None, "1", "1 1\ntwo", None]


def console_sessions(page: Path) -> list[tuple[Block, str, list[str]]]:
    """Each ``$ optjob ...`` of the page's console blocks with the output shown below it."""
    sessions: list[tuple[Block, str, list[str]]] = []
    for block in blocks(page):
        if block.lang != "console":
            continue
        for line in block.code.splitlines():
            if line.startswith("$ "):
                sessions.append((block, line[2:], []))
            elif sessions and sessions[-1][0] is block:
                sessions[-1][2].append(line)
    return sessions


def _shows(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is what ``expected`` shows: the same first line, then the shown
    lines in order; a line ending in ``...`` is a prefix, a line ``...`` leaves lines out."""
    shown = [line for line in expected if line.strip() != "..."]
    position = 0
    for index, line in enumerate(shown):
        prefix = line.removesuffix("...").rstrip() if line.endswith("...") else None
        while position < len(actual):
            candidate = actual[position]
            position += 1
            if candidate == line or (prefix is not None and candidate.startswith(prefix)):
                break
            if index == 0:
                return False  # the first line shown is the first line printed
        else:
            return False
    return True


def test_shows_reads_prefixes_and_gaps() -> None:
    assert _shows(["a", "b, ...", "..."], ["a", "b, c", "d"])
    assert _shows(["a", "d"], ["a", "b", "d"])
    assert not _shows(["b"], ["a", "b"])
    assert not _shows(["a", "e"], ["a", "b"])
    assert not _shows(["a", "c, ..."], ["a", "b, c"])


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_console_output_shown_is_what_optjob_prints(
    page: Path, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """Console sessions with output are run (against the emulator as an AWS account) and
    print what the page shows; `optjob emulator` serves until Ctrl-C and is only parsed."""
    world.with_aws()
    for block, command, output in console_sessions(page):
        argv = shlex.split(command)
        if not output or argv[1] == "emulator":
            continue
        capsys.readouterr()
        main(argv[1:])
        printed = capsys.readouterr()
        actual = (printed.err + printed.out).splitlines()
        assert _shows(output, actual), f"{block}: `{command}` prints:\n" + "\n".join(actual)
