"""The documentation's examples as tests, with Sybil: README.md, CONTRIBUTING.md, docs/*.md.

Sybil reads the pages (its Markdown lexers find the fenced blocks, its ``skip`` directive
leaves a block out) and makes each example a pytest item; this module says how an example
of each kind is *evaluated*. ``nox -s docs`` runs them: ``pytest README.md CONTRIBUTING.md
docs tests/docs`` (the repository's root ``conftest.py`` hands ``.md`` files to Sybil).

How a page's Python runs: its ```python blocks, **in order, in one namespace**, as a reader
pastes them one after the other into one interpreter session (so a later block may use what
an earlier block of the same page imported or defined, and nothing else). Tracebacks point
at the Markdown file's own lines. Output a block shows as ``# -> text`` (at the end of a
statement, or in comment lines right below it) must be what that statement prints.

A page that defines pytest tests (``def test_...``, its fixtures) then has them collected
and run by a real, in-process pytest, with the ``optjob_service`` fixture of the installed
plugin, as the reader's own test suite would (one more item, after the page's last block):
every one of them must pass.

The world a page runs in (no AWS account, no network, no waiting):

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
  event loop for that statement and closes it, and a page's ``async def test_...``
  (``@pytest.mark.asyncio``) run like its plain tests.

A block that cannot run as written is left out with Sybil's directive, right before its
fence: ``<!-- skip: next "the reason" -->``; the reason must also be said in the page's
visible text (tests/docs/test_pages.py checks it), so that a reader knows why.

Shell blocks (bash, sh, console) are not run as a whole (they install packages, start
servers), but every ``optjob ...`` command in them, and in inline code in the prose, must
parse with the real ``optjob`` parser, so a renamed option or command fails here; ``nox -s``
names must be sessions of the noxfile, and ``python path.py`` scripts must exist. Every
``$ optjob ...`` of a console block that shows its output runs against the emulator and
must print what the page shows. The README's command-line block runs against the emulator
(tests/docs/test_pages.py).
"""

from __future__ import annotations

import ast
import asyncio
import collections
import contextlib
import importlib
import importlib.util
import io
import itertools
import json
import os
import re
import shlex
import shutil
import sys
import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from sybil import Document, Example, Region, Sybil
from sybil.evaluators.python import pad
from sybil.parsers.markdown import CodeBlockParser, SkipParser
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer

from boto3_support import forget_aws_setup
from optjob_sdk import _endpoint, waiting
from optjob_sdk.cli import build_parser, main
from optjob_sdk.testing import FakeOptimizationService

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "tests" / "data" / "examples"
#: The pages whose examples run, as Sybil matches them (relative to the repository).
PATTERNS = ("README.md", "CONTRIBUTING.md", "docs/*.md")
#: The name under which a page's namespace holds its world (a pytest fixture).
WORLD = "docs_world"

# A block that names its own emulator or endpoint needs no AWS configuration to run.
_OWN_ENDPOINT = re.compile(r"FakeOptimizationService|optjob_service|endpoint[-_]url|\.serve\(")
#: The most (virtual) time the examples of one page may wait in all: three days.
_LONGEST_WAIT = 3 * 24 * 3600.0
SHELLS = ("bash", "sh", "shell")

# The async client's loops, with the aio extra (the docs session installs it). Imported
# here, once: a page's tests run in a nested pytest that restores sys.modules after it, so
# a module first imported there would be imported anew later, and a patch of the new
# module would miss the client classes kept from the first import.
aio_waiting = (
    importlib.import_module("optjob_sdk.aio.waiting")
    if importlib.util.find_spec("aiobotocore") is not None
    else None
)


# -- the pages' fenced blocks, as Sybil's lexer finds them ----------------------------------


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown page."""

    page: Path
    lang: str
    line: int  # the line of its first code line, 1-based
    code: str

    def __str__(self) -> str:
        return f"{_name(self.page)}:{self.line}"


def _name(page: Path | str) -> str:
    path = Path(page)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def fenced_blocks(page: Path) -> list[Block]:
    """The fenced code blocks of ``page``, in order (Sybil's Markdown lexer)."""
    document = Document(page.read_text(encoding="utf-8"), str(page))
    lexer = FencedCodeBlockLexer(language=r"[^\n]*", mapping={"language": "lang", "source": "code"})
    found = []
    for region in lexer(document):
        lang = str(region.lexemes["lang"]).strip().split(" ")[0].lower()
        code = region.lexemes["code"]
        line = document.text.count("\n", 0, region.start + code.offset) + 1
        found.append(Block(page, lang, line, str(code)))
    return found


def cli_request_file() -> dict[str, Any]:
    """The request of docs/cli.md's request-file example (its YAML block)."""
    (block,) = [b for b in fenced_blocks(ROOT / "docs" / "cli.md") if b.lang == "yaml"]
    data = yaml.safe_load(block.code)
    assert isinstance(data, dict)
    return data


# -- the world the examples run in ----------------------------------------------------------


@dataclass
class World:
    """A page's emulator, the machine's AWS configuration, and its working directory."""

    service: FakeOptimizationService
    url: str
    monkeypatch: pytest.MonkeyPatch
    home: Path
    work: Path

    def without_aws(self) -> None:
        """A machine with no AWS configuration at all."""
        forget_aws_setup(self.monkeypatch, self.home)
        # boto3's default session caches the credentials it found: a new configuration
        # starts from a new session, as in a new process.
        self.monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        self.monkeypatch.setattr(_endpoint, "_session", None)

    def with_aws(self) -> None:
        """An AWS account as boto3 finds it, whose SageMaker endpoint is the emulator."""
        self.without_aws()
        self.monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDPLACEHOLDER")
        self.monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "placeholder-secret")
        self.monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
        self.monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", self.url)

    def for_code(self, code: str) -> None:
        """The configuration a block (or command) of this code runs with."""
        if _OWN_ENDPOINT.search(code):
            self.without_aws()
        else:
            self.with_aws()


@contextlib.contextmanager
def make_world(scratch: Path) -> Iterator[World]:
    """A fresh world for one page (see the module docstring), undone on exit."""
    service = FakeOptimizationService()
    work, home = scratch / "work", scratch / "home"
    work.mkdir()
    home.mkdir()
    for example in EXAMPLES.glob("*.json"):
        shutil.copy(example, work / example.name)
    request = cli_request_file()
    (work / "job.json").write_text(json.dumps(request, indent=2), encoding="utf-8")
    (work / "job.yaml").write_text(yaml.safe_dump(request), encoding="utf-8")
    slept = 0.0

    def sleep(seconds: float) -> None:
        # A wait that would never end (its deadline is on the real clock, which does not
        # move here) fails instead of hanging: no example waits for days.
        nonlocal slept
        slept += seconds
        assert slept <= _LONGEST_WAIT, f"an example waited more than {_LONGEST_WAIT} s"
        service.advance(seconds)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(work)
        monkeypatch.setattr(waiting, "_real_sleep", sleep)
        if aio_waiting is not None:

            async def async_sleep(seconds: float) -> None:
                sleep(seconds)
                await asyncio.sleep(0)  # other tasks run, as during a real pause

            monkeypatch.setattr(aio_waiting, "_real_sleep", async_sleep)
        with service.serve() as url:
            world = World(service, url, monkeypatch, home, work)
            world.without_aws()
            yield world


def _world(example: Example) -> World:
    world = example.namespace[WORLD]
    assert isinstance(world, World)
    os.chdir(world.work)  # as a reader's session: in the project's directory
    return world


def page_module(example: Example) -> types.ModuleType:
    """The module the page's blocks run in (one per page, in ``sys.modules`` while the page
    runs, as a reader's ``__main__`` is: attrs, dataclasses and typing look classes up
    there)."""
    module = example.namespace.get("__page__")
    if module is None:
        module = types.ModuleType(_module_name(example.path))
        module.__file__ = example.path
        _world(example).monkeypatch.setitem(sys.modules, module.__name__, module)
        example.namespace["__page__"] = module
    assert isinstance(module, types.ModuleType)
    return module


# -- Python blocks ---------------------------------------------------------------------------

_SHOWN = re.compile(r"#\s*->\s?(?P<text>.*)$")


def shown_output(lines: list[str], statement: ast.stmt) -> str | None:
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


def evaluate_python(example: Example) -> None:
    """Run one block in the page's namespace, statement by statement, checking what each
    statement prints against its ``# ->`` comment."""
    _world(example).for_code(example.parsed)
    namespace = page_module(example).__dict__
    # Padded so that line numbers in tracebacks are the Markdown file's own.
    source = pad(example.parsed, example.line + example.parsed.line_offset)
    lines = source.splitlines()
    tree = ast.parse(source, example.path)
    for statement in tree.body:
        code = compile(ast.Module([statement], []), example.path, "exec", dont_inherit=True)
        expected = shown_output(lines, statement)
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                exec(code, namespace)
        finally:
            sys.stdout.write(printed.getvalue())
        if expected is not None:
            assert printed.getvalue().rstrip("\n") == expected, (
                f"{_name(example.path)}:{statement.lineno} shows what it does not print"
            )


def _module_name(path: str) -> str:
    return "_docs_" + re.sub(r"\W", "_", _name(path))


# -- a page's own pytest tests ----------------------------------------------------------------


def page_test_names(document: Document) -> list[str]:
    """The names of the tests a page's Python blocks define (``def test_...``)."""
    names: list[str] = []
    for region in PYTHON(document):
        tree = ast.parse(str(region.parsed))
        names += [
            node.name
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name.startswith("test")
        ]
    return names


class _Outcomes:
    """A pytest plugin that counts a nested run's outcomes."""

    def __init__(self) -> None:
        self.counts: collections.Counter[str] = collections.Counter()
        self.failures: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or report.outcome != "passed":
            self.counts[report.outcome] += 1
        if report.failed:
            self.failures.append(f"{report.nodeid} ({report.when}):\n{report.longreprtext}")


def evaluate_page_tests(example: Example) -> None:
    """Collect and run the page's tests with pytest, in process, as the reader's suite."""
    world = _world(example)
    world.without_aws()
    names = example.parsed
    assert isinstance(names, list)
    name = page_module(example).__name__
    project = world.work / "reader-tests"
    project.mkdir(exist_ok=True)
    (project / f"test_{name}.py").write_text(f"from {name} import *\n", encoding="utf-8")
    ini = "[pytest]\n"
    if importlib.util.find_spec("pytest_asyncio") is not None:
        # The reader's project sets what pytest-asyncio asks to be set (else it warns).
        ini += "asyncio_default_fixture_loop_scope = function\n"
    (project / "pytest.ini").write_text(ini, encoding="utf-8")
    outcomes = _Outcomes()
    modules, path = dict(sys.modules), list(sys.path)
    try:
        code = pytest.main(
            ["-p", "no:cacheprovider", "-q", "--rootdir", str(project), str(project)],
            plugins=[outcomes],
        )
    finally:
        # As pytester does: the nested run's imports and path entries go with it.
        for added in set(sys.modules) - set(modules):
            del sys.modules[added]
        sys.modules.update(modules)
        sys.path[:] = path
    failures = "\n".join(outcomes.failures)
    assert code == 0, f"the tests of {_name(example.path)} fail:\n{failures}"
    assert dict(outcomes.counts) == {"passed": len(names)}, (names, dict(outcomes.counts))


def parse_page_tests(document: Document) -> Iterable[Region]:
    """One more example after a page's last block, when the page defines tests."""
    names = page_test_names(document)
    if names:
        end = len(document.text)
        yield Region(end, end, names, evaluate_page_tests)


# -- shell blocks and inline commands ---------------------------------------------------------

_REDIRECTION = re.compile(r"\s\d*[<>]{1,2}&?\s*\S+")
_INLINE = re.compile(r"`(optjob [^`\n]+)`")


def shell_commands(code: str, *, console: bool) -> list[tuple[int, str]]:
    """The ``optjob ...`` commands of a shell block, by line offset: after a ``$`` prompt
    (console), in ``&&`` chains, in comments; split at the shell's operators, with the
    shell's redirections dropped."""
    commands = []
    for offset, line in enumerate(code.splitlines()):
        if console and not line.startswith("$ "):
            continue  # the output of a command
        command, _, comment = line.removeprefix("$ ").partition("#")
        pieces = [*re.split(r"&&|\|\||;|\||&", command), *re.findall(r"optjob [^;#]*", comment)]
        pieces = [_REDIRECTION.sub("", piece).strip() for piece in pieces]
        commands += [
            (offset, piece) for piece in pieces if piece.startswith("optjob ") or piece == "optjob"
        ]
    return commands


def parse_error(command: str) -> str | None:
    """Why ``command`` (``optjob ...``) does not parse with the real parser, if it does not."""
    try:
        args = build_parser().parse_args(shlex.split(command)[1:])
    except SystemExit as exit_:
        return None if exit_.code == 0 else f"exit {exit_.code}"  # 0: --help, --version
    except Exception as error:
        return str(error)
    return None if args.command is not None else "no command"


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


def named_things_missing(code: str, *, console: bool) -> list[str]:
    """The nox sessions and ``python script.py`` paths a shell block names that do not
    exist."""
    sessions = nox_sessions()
    missing = []
    for line in code.splitlines():
        if console and not line.startswith("$ "):
            continue
        command = line.removeprefix("$ ").partition("#")[0]
        for piece in command.split("&&"):
            argv = shlex.split(piece)
            if "nox" in argv[:3] and "-s" in argv:
                named = list(
                    itertools.takewhile(
                        lambda a: not a.startswith("-"), argv[argv.index("-s") + 1 :]
                    )
                )
                missing += [f"nox session {n!r}" for n in named if n not in sessions]
            script = argv[1] if argv and argv[0] in ("python", "python3") and len(argv) > 1 else ""
            if script.endswith(".py") and not (ROOT / script).is_file():
                missing.append(f"script {script}")
    return missing


def _check_shell(example: Example, *, console: bool) -> None:
    code = str(example.parsed)
    problems = [
        f"line {example.line + 1 + offset}: `{command}`: {error}"
        for offset, command in shell_commands(code, console=console)
        if (error := parse_error(command)) is not None
    ]
    problems += named_things_missing(code, console=console)
    assert not problems, f"{_name(example.path)}:{example.line}: " + "; ".join(problems)


def evaluate_shell(example: Example) -> None:
    """Every ``optjob`` command of the block parses; what it names exists."""
    _check_shell(example, console=False)


def console_sessions(code: str) -> list[tuple[str, list[str]]]:
    """Each ``$ optjob ...`` of a console block with the output shown below it."""
    sessions: list[tuple[str, list[str]]] = []
    for line in code.splitlines():
        if line.startswith("$ "):
            sessions.append((line[2:], []))
        elif sessions:
            sessions[-1][1].append(line)
    return [(command, output) for command, output in sessions if command.startswith("optjob")]


def shows(expected: list[str], actual: list[str]) -> bool:
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


def evaluate_console(example: Example) -> None:
    """As a shell block; and each ``$ optjob ...`` that shows output runs against the
    emulator (as an AWS account) and prints what the page shows (``optjob emulator`` serves
    until Ctrl-C and is only parsed)."""
    _check_shell(example, console=True)
    world = _world(example)
    world.with_aws()
    for command, output in console_sessions(str(example.parsed)):
        argv = shlex.split(command)
        if not output or argv[1] == "emulator":
            continue
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(argv[1:])
        actual = (err.getvalue() + out.getvalue()).splitlines()
        assert shows(output, actual), f"`{command}` prints:\n" + "\n".join(actual)


def evaluate_inline_command(example: Example) -> None:
    """An ``optjob ...`` command in the prose's inline code parses."""
    error = parse_error(str(example.parsed))
    assert error is None, f"`{example.parsed}`: {error}"


def parse_inline_commands(document: Document) -> Iterable[Region]:
    """Each concrete ``optjob ...`` of the prose's inline code, outside code blocks
    (placeholders with ``[``, ``|`` or ``...`` are syntax summaries, not commands)."""
    blocks = [(r.start, r.end) for r in FencedCodeBlockLexer(language=r"[^\n]*")(document)]
    for found in _INLINE.finditer(document.text):
        inside = any(start <= found.start() < end for start, end in blocks)
        text = found[1]
        if inside or any(mark in text for mark in ("[", "|", "...")):
            continue
        yield Region(found.start(), found.end(), text, evaluate_inline_command)


# -- the Sybil ------------------------------------------------------------------------------

PYTHON = CodeBlockParser("python", evaluate_python)

SYBIL = Sybil(
    parsers=[
        SkipParser(),
        PYTHON,
        *(CodeBlockParser(shell, evaluate_shell) for shell in SHELLS),
        CodeBlockParser("console", evaluate_console),
        parse_inline_commands,
        parse_page_tests,
    ],
    patterns=list(PATTERNS),
    path=str(ROOT),
    fixtures=[WORLD],
)
