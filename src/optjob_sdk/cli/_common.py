"""What every part of the command line shares: exit statuses and the program's name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SERVICE_ERROR",
    "EXIT_STOPPED",
    "EXIT_TIMEOUT",
    "EXIT_USAGE",
    "PROG",
    "worst_end",
]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
EXIT_STOPPED: Final = 3
EXIT_TIMEOUT: Final = 4
EXIT_SERVICE_ERROR: Final = 5
EXIT_INTERRUPTED: Final = 130
#: An unexpected exception: a bug in optjob, to be reported (run with --debug for details).
EXIT_INTERNAL: Final = 70

PROG: Final = "optjob"


def worst_end(statuses: Iterable[str], *, timed_out: bool = False) -> int:
    """The exit status of a wait for many jobs: the worst end among them.

    ``statuses``: the final statuses of the jobs that ended; ``timed_out``: some were still
    running at the deadline. Any FAILED gives 1, then any STOPPED 3, then the timeout 4;
    0 only if every job COMPLETED. An end newer than this SDK counts as FAILED: only
    COMPLETED is success.

    >>> worst_end(["COMPLETED", "STOPPED", "FAILED"], timed_out=True)
    1
    """
    ends = set(statuses)
    if ends - {"COMPLETED", "STOPPED"}:
        return EXIT_FAILED
    if "STOPPED" in ends:
        return EXIT_STOPPED
    return EXIT_TIMEOUT if timed_out else EXIT_OK
