"""``optjob completion SHELL``: the shell's completion script, generated from the parser.

The script comes from the parser itself, by shtab (https://github.com/iterative/shtab), so a
new command or option completes without anything written here. What argparse cannot say
is marked where the argument is declared, with the two argument types below: ``Known``
(values completed, though any is accepted) and ``path`` (files completed).

Only :func:`completion_script` imports shtab, and only the ``completion`` command calls it:
``optjob --help`` and the other commands never import it.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from typing import Final, cast

__all__ = ["SHELLS", "Known", "completion_script", "path"]

#: The shells ``optjob completion`` writes a script for.
SHELLS: Final = ("bash", "zsh", "tcsh")


class Known:
    """An argument type for values that the service defines, matched case-insensitively.

    Known values come out in their canonical spelling; unknown ones pass through (the
    service may know values newer than this SDK, and validation reports a malformed one).
    ``choices`` are the values that shell completion offers.
    """

    def __init__(self, choices: Sequence[str]) -> None:
        self.choices: tuple[str, ...] = tuple(choices)
        self._canonical = {choice.lower(): choice for choice in self.choices}

    def __call__(self, text: str) -> str:
        return self._canonical.get(text.lower(), text)

    def __repr__(self) -> str:
        return f"Known({self.choices!r})"


def path(text: str) -> str:
    """An argument type for a file's path: the text as given; shell completion offers files."""
    return text


def _actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    """Every action of ``parser`` and of its subcommands' parsers."""
    for action in parser._actions:
        yield action
        choices: object = action.choices
        if isinstance(choices, dict):  # a subparsers action: name -> parser
            for sub in cast("dict[str, object]", choices).values():
                if isinstance(sub, argparse.ArgumentParser):
                    yield from _actions(sub)


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script for ``shell`` (one of :data:`SHELLS`) of ``parser``.

    ``parser`` is marked for completion in place (its ``Known`` arguments get their values as
    ``choices``, which argparse would then enforce): give a parser built for this alone.
    """
    import shtab

    for action in _actions(parser):
        if isinstance(action.type, Known):
            action.choices = action.type.choices
        elif action.type is path:
            # argparse's Action declares no such attribute; shtab reads it if present.
            setattr(action, "complete", shtab.FILE)  # noqa: B010
    return shtab.complete(parser, shell=shell)
