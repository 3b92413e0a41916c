"""``optjob emulator``: the emulator as a local HTTP endpoint for shell scripts and other tools."""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from optjob_sdk.cli._common import EXIT_OK, PROG

if TYPE_CHECKING:
    from optjob_sdk.cli._main import _Context as Context

__all__ = ["add_emulator_arguments", "run_emulator"]


def add_emulator_arguments(
    parser: argparse.ArgumentParser,
    *,
    port: Callable[[str], int],
    positive_float: Callable[[str], float],
) -> None:
    """The ``emulator`` command's own options (the parser adds ``--output``)."""
    parser.add_argument("--port", type=port, default=0, help="TCP port (default: a free one)")
    parser.add_argument(
        "--speed",
        type=positive_float,
        default=1.0,
        help="emulated seconds per real second (default 1: a job takes ~21 minutes)",
    )


def run_emulator(context: Context) -> int:
    """``optjob emulator``: serve the emulator on 127.0.0.1 until Ctrl-C."""
    from optjob_sdk.testing import FakeOptimizationService, serve_forever

    speed: float = context.args.speed
    service = FakeOptimizationService(realtime=True, speed=speed)

    def ready(url: str) -> None:
        if context.json:
            # One line: a script reads it, then leaves the server running.
            context.print(json.dumps({"EndpointUrl": url}))
            return
        pace = "" if speed == 1 else f", emulated time {speed:g}x faster"
        context.print(f"optjob emulator listening on {url} (127.0.0.1 only{pace})")
        context.print(f"try:  {PROG} --endpoint-url {url} list")
        context.print("Ctrl-C stops it; jobs live in memory and go with it.")

    # serve_forever takes Ctrl-C itself; this covers one that comes before it is serving.
    with contextlib.suppress(KeyboardInterrupt):
        serve_forever(service, context.args.port, ready=ready)
    if not context.json:
        context.err.write("\nemulator stopped\n")
        context.err.flush()
    return EXIT_OK
