"""The ``optjob`` command: SageMaker AI optimization jobs from the shell.

::

    optjob demo                                   the whole life of a job, on the emulator
    optjob validate --file job.json               check a request file; send nothing
    optjob create --file job.json [--wait]        start a job (the --cli-input-json shape)
    optjob describe NAME
    optjob list [--status S] [--name-contains X] [--sort-by F] [--sort-order O] [--max-items N]
    optjob wait NAME [NAME ...] [--name-contains X] [--timeout S] [--poll-interval S]
    optjob stop NAME | optjob delete NAME
    optjob emulator [--port P]                    serve the emulator on 127.0.0.1
    optjob completion bash|zsh|tcsh               print the shell completion script
    optjob --version

Global options (``--region``, ``--profile``, ``--endpoint-url``, ``--debug``) go before the
command; ``--output json|table`` after it. Exit status: 0 done (COMPLETED), 1 FAILED,
2 usage, validation or local configuration error (nothing was sent), 3 STOPPED, 4 wait timed
out, 5 any other service error, 130 interrupted; waiting for many jobs, the worst end among
them (FAILED, then STOPPED, then timed out).

Importing this module is cheap: boto3 is imported only when a command needs a client, and
shtab only by ``optjob completion``.
"""

from __future__ import annotations

from optjob_sdk.cli._common import (
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SERVICE_ERROR,
    EXIT_STOPPED,
    EXIT_TIMEOUT,
    EXIT_USAGE,
)
from optjob_sdk.cli._main import ClientOptions, build_parser, default_client_factory, main

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SERVICE_ERROR",
    "EXIT_STOPPED",
    "EXIT_TIMEOUT",
    "EXIT_USAGE",
    "ClientOptions",
    "build_parser",
    "default_client_factory",
    "main",
]
