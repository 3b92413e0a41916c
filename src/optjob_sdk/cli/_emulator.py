"""``optjob emulator``: the emulator as a local HTTP endpoint for shell scripts and other tools."""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from optjob_sdk.cli._common import EXIT_OK, EXIT_USAGE, PROG
from optjob_sdk.cli._completion import path
from optjob_sdk.cli._text import one_line

if TYPE_CHECKING:
    from optjob_sdk.cli._main import _Context as Context

__all__ = ["DEFAULT_REGION", "add_emulator_arguments", "run_emulator"]

#: The region in the emulator's ARNs when ``--region`` is not given.
DEFAULT_REGION = "us-west-2"


def add_emulator_arguments(
    parser: argparse.ArgumentParser,
    *,
    port: Callable[[str], int],
    positive_float: Callable[[str], float],
    non_negative_float: Callable[[str], float],
) -> None:
    """The ``emulator`` command's own options (the parser adds ``--output``)."""
    parser.add_argument("--port", type=port, default=0, help="TCP port (default: a free one)")
    parser.add_argument(
        "--speed",
        type=positive_float,
        default=1.0,
        help="emulated seconds per real second (default 1: a job takes ~21 minutes)",
    )
    parser.add_argument(
        "--list-lag",
        type=non_negative_float,
        metavar="SECONDS",
        help="ListOptimizationJobs answers as of SECONDS ago, as the eventually consistent "
        "service's listings can (Describe stays current; default 0)",
    )
    parser.add_argument(
        "--scenario",
        type=path,
        metavar="FILE",
        help="job outcomes, durations and faults to play, from a JSON (or YAML) file; "
        "see docs/testing.md",
    )
    # --region is the global option (before or after the command); here it is the region
    # in ARNs. A client signing for another region is answered all the same.
    parser.epilog = (
        f"--region R (before or after the command) sets the region in ARNs (default "
        f"{DEFAULT_REGION}); requests signed for any region are answered."
    )


def _fail(context: Context, message: str) -> int:
    context.err.write(f"{PROG}: error: {one_line(message)}\n")
    context.err.flush()
    return EXIT_USAGE


def run_emulator(context: Context) -> int:
    """``optjob emulator``: serve the emulator on 127.0.0.1 until Ctrl-C."""
    from optjob_sdk.testing import FakeOptimizationService, ScenarioError, serve_forever

    speed: float = context.args.speed
    region: str = context.args.region or DEFAULT_REGION
    scenario: str | None = context.args.scenario
    try:
        service = FakeOptimizationService(realtime=True, speed=speed, region=region)
    except ValueError as error:
        return _fail(context, f"--region: {error}")
    if scenario is not None:
        try:
            service.load_scenario(scenario)
        except ScenarioError as error:
            return _fail(context, f"--scenario: {error}")
        except OSError as error:
            return _fail(context, f"--scenario: cannot read {scenario}: {error.strerror or error}")
    if context.args.list_lag is not None:  # over a scenario's own list_lag
        service.list_lag = context.args.list_lag

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
        try:
            serve_forever(service, context.args.port, ready=ready)
        except OSError as error:
            # The port is taken (or not ours to have): the user's to change, not a bug.
            hint = " (choose another --port, or 0 for a free one)" if context.args.port else ""
            return _fail(context, f"{error.strerror or error}{hint}")
    if not context.json:
        context.err.write("\nemulator stopped\n")
        context.err.flush()
    return EXIT_OK
