"""``optjob completion SHELL``: the scripts complete what the parser knows, in real shells.

The bash script is sourced in a real bash and its completion function driven as bash drives
it on <TAB> (``COMP_WORDS``, ``COMP_CWORD``; the answer read from ``COMPREPLY``), for cases
derived from the parser itself, so that a new command, option or known value is checked
without a test written for it. The zsh and tcsh scripts are checked for what they hold, and
by the shell's own syntax check where that shell is installed (reported as skipped where it
is not).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from optjob_sdk.cli import EXIT_OK, EXIT_USAGE, build_parser, main
from optjob_sdk.cli._completion import SHELLS, Known, path

PYTHON = sys.executable
BASH = shutil.which("bash")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        choices: object = action.choices
        if isinstance(choices, dict):  # the subparsers action: name -> parser
            return cast("dict[str, argparse.ArgumentParser]", choices)
    raise AssertionError("the parser has no subcommands")


def offered(action: argparse.Action) -> tuple[str, ...]:
    """The values completion must offer for ``action``: its choices or its known values."""
    if isinstance(action.type, Known):
        return action.type.choices
    return tuple(action.choices or ())


def generate(shell: str) -> str:
    """The script as a user gets it: ``optjob completion SHELL`` in a fresh process."""
    done = subprocess.run(
        [PYTHON, "-m", "optjob_sdk.cli", "completion", shell],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stderr == ""
    return done.stdout


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("completion")
    written: dict[str, Path] = {}
    for shell in SHELLS:
        written[shell] = folder / f"optjob.{shell}"
        written[shell].write_text(generate(shell), encoding="utf-8")
    return written


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A directory holding request files, a scenario and a folder, for file completion."""
    for name in ("job.json", "job.yaml", "scenario.json", "notes.txt"):
        (tmp_path / name).write_text("{}\n", encoding="utf-8")
    (tmp_path / "jobs").mkdir()
    return tmp_path


# The words of each case joined by \x1f (a trailing END keeps an empty last word), one case
# a line; for each, the replies joined by \x1f, one line each.
_DRIVER = r"""
source "$1"
spec=$(complete -p optjob)
function=${spec##*-F }
function=${function%% *}
while IFS=$'\x1f' read -r -a COMP_WORDS; do
  unset 'COMP_WORDS[${#COMP_WORDS[@]}-1]'
  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
  COMP_LINE="${COMP_WORDS[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  "$function" optjob "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  printf '%s\x1f' "${COMPREPLY[@]}"
  printf '\n'
done
"""


def bash_complete(script: Path, lines: list[str], cwd: Path | None = None) -> list[set[str]]:
    """What bash offers on <TAB> at the end of each command line (its last word, possibly
    empty, being completed)."""
    assert BASH is not None, "bash is needed to test the bash completion script"
    cases = "".join("\x1f".join([*line.split(" "), "END"]) + "\n" for line in lines)
    done = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", _DRIVER, "driver", str(script)],
        input=cases,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        check=True,
    )
    replies = done.stdout.splitlines()
    assert len(replies) == len(lines), (done.stdout, done.stderr)
    return [{word for word in reply.split("\x1f") if word} for reply in replies]


def completes(script: Path, line: str, cwd: Path | None = None) -> set[str]:
    (replies,) = bash_complete(script, [line], cwd)
    return replies


# -- bash, in a real bash -----------------------------------------------------------------


def test_a_command_completes_from_its_first_letters(scripts: dict[str, Path]) -> None:
    assert completes(scripts["bash"], "optjob cr") == {"create"}
    assert completes(scripts["bash"], "optjob comp") == {"completion"}
    assert completes(scripts["bash"], "optjob de") == {"demo", "describe", "delete"}


def test_every_command_is_offered(scripts: dict[str, Path]) -> None:
    commands = set(subcommands(build_parser()))
    assert "completion" in commands
    assert completes(scripts["bash"], "optjob ") == commands


def test_global_options_complete_before_the_command(scripts: dict[str, Path]) -> None:
    assert completes(scripts["bash"], "optjob --reg") == {"--region"}
    assert {"--region", "--profile", "--endpoint-url", "--debug", "--version"} <= completes(
        scripts["bash"], "optjob --"
    )
    # A global option's value is skipped over: the command after it completes.
    assert completes(scripts["bash"], "optjob --region us-west-2 li") == {"list"}


def test_every_option_of_every_command_completes(scripts: dict[str, Path]) -> None:
    """Each command's own options (not the hidden repeats of the global ones) are offered
    after ``--``, and each long option completes from its first letters past ``--``."""
    lines: list[str] = []
    expected: list[set[str]] = []
    for name, sub in subcommands(build_parser()).items():
        shown = [a for a in sub._actions if a.option_strings and a.help != argparse.SUPPRESS]
        longs = {o for a in shown for o in a.option_strings if o.startswith("--")}
        lines.append(f"optjob {name} --")
        expected.append(longs)
        for option in sorted(longs):
            stem = option[: option.index("-", 2) + 1] if "-" in option[2:] else option[:4]
            lines.append(f"optjob {name} {stem}")
            expected.append({o for o in longs if o.startswith(stem)})
    assert len(lines) > 30
    assert bash_complete(scripts["bash"], lines) == expected


def test_an_option_of_a_subcommand_completes(scripts: dict[str, Path]) -> None:
    assert completes(scripts["bash"], "optjob list --sort-o") == {"--sort-order"}
    assert completes(scripts["bash"], "optjob wait --max-p") == {"--max-poll-interval"}
    # ... after a value given to another option, too.
    assert completes(scripts["bash"], "optjob list --status COMPLETED --name") == {
        "--name-contains"
    }


def _known_values() -> Iterator[tuple[str, str, tuple[str, ...]]]:
    parser = build_parser()
    for name, sub in subcommands(parser).items():
        for action in sub._actions:
            values = offered(action)
            if values and action.help != argparse.SUPPRESS:
                for option in action.option_strings or [""]:
                    yield name, option, values


def test_every_known_value_completes(scripts: dict[str, Path]) -> None:
    """Every option or argument with values the parser knows (its choices, or the values of
    a case-insensitive ``Known`` type) offers them all, and each from its first letters."""
    cases = list(_known_values())
    assert {(name, option) for name, option, _ in cases} >= {
        ("list", "--status"),
        ("list", "--sort-by"),
        ("list", "--sort-order"),
        ("describe", "--output"),
        ("describe", "-o"),
        ("completion", ""),
    }
    lines: list[str] = []
    expected: list[set[str]] = []
    for name, option, values in cases:
        head = f"optjob {name} {option}".rstrip()
        lines.append(f"{head} ")
        expected.append(set(values))
        for value in values:
            lines.append(f"{head} {value[:2]}")
            expected.append({v for v in values if v.startswith(value[:2])})
    assert bash_complete(scripts["bash"], lines) == expected


def test_status_values_complete(scripts: dict[str, Path]) -> None:
    assert completes(scripts["bash"], "optjob list --status IN") == {"INPROGRESS"}
    assert completes(scripts["bash"], "optjob list --status STO") == {"STOPPING", "STOPPED"}
    assert completes(scripts["bash"], "optjob completion z") == {"zsh"}


def test_files_complete_for_request_and_scenario_files(
    scripts: dict[str, Path], workdir: Path
) -> None:
    lines = [
        "optjob create --file ",
        "optjob create -f j",
        "optjob validate --file job.y",
        "optjob emulator --scenario sc",
    ]
    everything = {"job.json", "job.yaml", "scenario.json", "notes.txt", "jobs"}
    assert bash_complete(scripts["bash"], lines, cwd=workdir) == [
        everything,
        {"job.json", "job.yaml", "jobs"},
        {"job.yaml"},
        {"scenario.json"},
    ]


def test_the_file_options_are_the_path_arguments() -> None:
    """Which options complete files is said where they are declared (``type=path``)."""
    parser = build_parser()
    paths = {
        (name, action.option_strings[0])
        for name, sub in subcommands(parser).items()
        for action in sub._actions
        if action.type is path
    }
    assert paths == {("create", "--file"), ("validate", "--file"), ("emulator", "--scenario")}


def test_the_eval_install_registers_the_completion(tmp_path: Path) -> None:
    """``eval "$(optjob completion bash)"``, as docs/cli.md says, in a fresh bash."""
    assert BASH is not None
    (tmp_path / "optjob").write_text(
        f'#!/bin/sh\nexec {PYTHON} -m optjob_sdk.cli "$@"\n', encoding="utf-8"
    )
    (tmp_path / "optjob").chmod(0o755)
    done = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", 'eval "$(optjob completion bash)" && complete -p'],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": f"{tmp_path}:/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)},
        check=True,
    )
    assert done.stdout.strip().endswith(" optjob")
    assert " -F _shtab_optjob " in done.stdout


# -- every shell --------------------------------------------------------------------------


@pytest.mark.parametrize("shell", SHELLS)
def test_the_shells_own_syntax_check_accepts_the_script(
    scripts: dict[str, Path], shell: str
) -> None:
    program = shutil.which(shell)
    if program is None:
        pytest.skip(f"{shell} is not installed here: only the script's content is checked")
    done = subprocess.run(
        [program, "-n", str(scripts[shell])],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")


def test_the_zsh_script(scripts: dict[str, Path]) -> None:
    text = scripts["zsh"].read_text(encoding="utf-8")
    assert text.startswith("#compdef optjob\n")
    assert "compdef _shtab_optjob -N optjob" in text  # eval "$(optjob completion zsh)" works
    for name in subcommands(build_parser()):
        assert f"\n    {name}:" in text, name
    assert ":STATUS:(STARTING INPROGRESS COMPLETED FAILED STOPPING STOPPED)" in text
    assert ":ORDER:(Ascending Descending)" in text
    assert '{--file,-f}"[job.json, job.yaml, or - for stdin]:PATH:_files"' in text


def test_the_tcsh_script(scripts: dict[str, Path]) -> None:
    text = scripts["tcsh"].read_text(encoding="utf-8")
    assert "\ncomplete optjob " in text
    assert "'n/--status/(STARTING INPROGRESS COMPLETED FAILED STOPPING STOPPED)/'" in text
    assert "'n/--file/f/'" in text
    assert "'n/--scenario/f/'" in text
    assert "'n/completion/(bash zsh tcsh)/'" in text


# -- the command --------------------------------------------------------------------------


def test_the_script_goes_to_stdout_and_ends_with_a_line_break(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["completion", "bash"]) == EXIT_OK
    printed = capsys.readouterr()
    assert printed.err == ""
    *_, last = printed.out.splitlines()
    assert printed.out.endswith("\n")
    assert last.startswith("complete ")
    assert last.endswith(" -F _shtab_optjob optjob")


def test_an_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "fish"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "invalid choice: 'fish'" in err
    assert err.count("\n") == 1


def test_the_help_says_how_to_install_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "--help"]) == EXIT_OK
    out = capsys.readouterr().out
    for line in (
        "optjob completion bash > ~/.local/share/bash-completion/completions/optjob",
        'eval "$(optjob completion bash)"',
        'eval "$(optjob completion zsh)"',
        "optjob completion tcsh > ~/.optjob.tcsh",
    ):
        assert line in out, line


def test_the_command_is_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == EXIT_OK
    listed = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["completion", "print", "the", "shell", "completion", "script"] in [
        words[:6] for words in listed
    ]


def test_without_shtab_the_command_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "shtab", None)  # import shtab: ModuleNotFoundError
    assert main(["completion", "bash"]) == EXIT_USAGE
    printed = capsys.readouterr()
    assert printed.out == ""
    assert "pip install shtab" in printed.err


def test_completion_does_not_change_how_known_values_parse() -> None:
    """The script's parser gets the known values as choices; the command's own parser
    still takes any spelling and any value (a status newer than this SDK)."""
    parser = build_parser()
    args = parser.parse_args(["list", "--status", "completed", "--sort-by", "NEWFIELD"])
    assert (args.status, args.sort_by) == ("COMPLETED", "NEWFIELD")


# -- what --help and completion import ----------------------------------------------------

_IMPORTED = """
import contextlib, io, sys
from optjob_sdk.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    status = main(sys.argv[1:])
heavy = {"shtab", "boto3", "botocore", "cattrs", "tenacity", "yaml"}
print(status, sorted({name.split(".")[0] for name in sys.modules} & heavy))
"""


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--help"], "0 []"),
        (["list", "--help"], "0 []"),
        (["completion", "--help"], "0 []"),
        (["completion", "bash"], "0 ['shtab']"),
        (["completion", "zsh"], "0 ['shtab']"),
    ],
)
def test_help_imports_neither_shtab_nor_boto3(argv: list[str], expected: str) -> None:
    """``optjob --help`` (and the completion command's own help) stay as cheap as before the
    completion command existed; printing a script imports shtab and nothing heavier."""
    done = subprocess.run(
        [PYTHON, "-c", _IMPORTED, *argv], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == expected
