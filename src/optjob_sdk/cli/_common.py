"""What every part of the command line shares: exit statuses and the program's name."""

from __future__ import annotations

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
