"""The ``optjob`` command's parser, dispatch and the client-facing commands."""

from __future__ import annotations

import argparse
import logging
import math
import os
import shlex
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Final, NoReturn, TextIO

from optjob_sdk.cli._common import (
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SERVICE_ERROR,
    EXIT_STOPPED,
    EXIT_TIMEOUT,
    EXIT_USAGE,
    PROG,
)
from optjob_sdk.cli._completion import SHELLS, Known, path
from optjob_sdk.cli._emulator import add_emulator_arguments, run_emulator
from optjob_sdk.cli._text import one_line
from optjob_sdk.errors import (
    ConfigurationError,
    JobFailedError,
    JobStoppedError,
    OptjobError,
    ServiceError,
    ValidationError,
    WaitTimeoutError,
)

if TYPE_CHECKING:
    from optjob_sdk.client import OptimizationJobClient
    from optjob_sdk.models import DescribeOptimizationJobResponse, OptimizationJobSummary

__all__ = ["ClientOptions", "build_parser", "default_client_factory", "main"]


#: The distribution whose version ``optjob --version`` prints.
_DISTRIBUTION: Final = "optjob-sdk"


@dataclass(frozen=True)
class ClientOptions:
    """What the global options say about the client to build."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None


ClientFactory = Callable[[ClientOptions], "OptimizationJobClient"]


class _Version(argparse.Action):
    """``--version``: the installed distribution's version, looked up only when asked for
    (importlib.metadata reads the installed files; ``optjob list`` need not pay for it)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(
            option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=kwargs.get("help")
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version(_DISTRIBUTION)
        except PackageNotFoundError:  # run from a source tree that was never installed
            text = "(version unknown: optjob-sdk is not installed)"
        sys.stdout.write(f"{PROG} {text}\n")
        sys.stdout.flush()
        parser.exit(EXIT_OK)


class _UsageError(Exception):
    """A mistake on the command line (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse, with errors as one line on stderr (no usage dump) and no exit."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message} (see `{self.prog} --help`)")


# -- the parser ---------------------------------------------------------------------------------

_STATUSES: Final = ("STARTING", "INPROGRESS", "COMPLETED", "FAILED", "STOPPING", "STOPPED")


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _positive_float(text: str) -> float:
    value = _number(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _interval(text: str) -> float:
    # Seconds between polls: positive and finite (an infinite pause is no poll at all).
    value = _positive_float(text)
    if math.isinf(value):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds, got {text}")
    return value


def _speed(text: str) -> float:
    # Emulated seconds per real second: 1 is real time; inf, no real pauses at all. Below
    # 1 the ~21-minute demo job would take hours (and 1e-300 days past the end of time).
    value = _number(text)
    if not value >= 1:
        raise argparse.ArgumentTypeError(
            f"must be at least 1 (1 is real time, inf no pauses at all), got {text}"
        )
    return value


def _non_negative_float(text: str) -> float:
    value = _number(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text}")
    return value


def _timestamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO-8601 date or time: {text!r} (e.g. 2026-11-24 or 2026-11-24T10:00Z)"
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _add_globals(parser: argparse.ArgumentParser, *, hidden: bool) -> None:
    # The same options on every subcommand too, with SUPPRESS defaults: given after the
    # command they still count, and not given they leave the top-level value alone.
    def text(value: str) -> str:
        return argparse.SUPPRESS if hidden else value

    default: Any = argparse.SUPPRESS if hidden else None
    parser.add_argument(
        "--region", default=default, help=text("AWS region (default: as boto3 finds it)")
    )
    parser.add_argument("--profile", default=default, help=text("AWS profile from ~/.aws/config"))
    parser.add_argument(
        "--endpoint-url",
        default=default,
        metavar="URL",
        help=text(
            "send requests to URL (an `optjob emulator`, say); AWS_ENDPOINT_URL_SAGEMAKER "
            "is honoured as by boto3 when this is not given"
        ),
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if hidden else False,
        help=text("log every call to stderr and show tracebacks of errors"),
    )


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output",
        "-o",
        choices=("table", "json"),
        default="table",
        help="json: one JSON document on stdout (ISO-8601 times, enums as strings); "
        "table (default): for people",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``optjob`` argument parser."""
    parser = _Parser(
        prog=PROG,
        allow_abbrev=False,  # `--regio` is a typo, not --region
        description="Amazon SageMaker AI inference-optimization jobs from the command line.",
        epilog=(
            "exit status: 0 done/COMPLETED, 1 FAILED, 2 usage, validation or configuration "
            "error (nothing sent), 3 STOPPED, 4 wait timed out, 5 other service error, "
            "130 interrupted; a wait for many jobs exits with the worst end among them "
            "(FAILED, then STOPPED, then timed out). "
            "Start with `optjob demo` (no AWS account needed)."
        ),
    )
    parser.add_argument(
        "--version", action=_Version, help="print the installed optjob-sdk version and exit"
    )
    _add_globals(parser, hidden=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str, description: str | None = None) -> _Parser:
        sub: _Parser = commands.add_parser(
            name, help=help_text, description=description or help_text, allow_abbrev=False
        )
        _add_globals(sub, hidden=True)
        return sub

    demo = command(
        "demo",
        "create, wait for, describe and list a job on the built-in emulator",
        "One optimization job from start to finish on the built-in emulator (no AWS "
        "account, nothing leaves this machine), in a few seconds of real time.",
    )
    demo.add_argument(
        "--speed",
        type=_speed,
        default=None,
        help="emulated seconds per real second, at least 1 (real time); inf: no pauses "
        "(default: 600)",
    )
    _add_output(demo)

    create = command(
        "create",
        "start an optimization job from a JSON or YAML request file",
        "Start an optimization job. The file holds a CreateOptimizationJob request in the "
        "AWS CLI's --cli-input-json shape (PascalCase), as JSON or YAML (YAML needs "
        "`pip install 'optjob-sdk[yaml]'`). Every problem is reported before anything is sent.",
    )
    _add_request_file(create)
    create.add_argument("--wait", action="store_true", help="then wait for the job to end")
    _add_wait_options(create)
    _add_show_secrets(create)
    _add_output(create)

    validate = command(
        "validate",
        "check a request file completely; send nothing",
        "Check a CreateOptimizationJob request file exactly as `optjob create --file` "
        "reads it (JSON or YAML, the AWS CLI's --cli-input-json shape): every problem is "
        "reported, with exit status 2; exit status 0 when create would send it. Nothing is "
        "sent and no AWS configuration is needed.",
    )
    _add_request_file(validate)
    _add_output(validate)

    describe = command("describe", "show an optimization job")
    describe.add_argument("name", metavar="NAME")
    _add_show_secrets(describe)
    _add_output(describe)

    listing = command("list", "list optimization jobs (oldest first, as the service sorts)")
    listing.add_argument(
        "--status",
        type=Known(_STATUSES),
        metavar="STATUS",
        help=f"only jobs in this status ({', '.join(_STATUSES)})",
    )
    listing.add_argument("--name-contains", metavar="TEXT", help="only names containing TEXT")
    listing.add_argument(
        "--optimization-contains",
        metavar="TEXT",
        help="only jobs with an optimization type containing TEXT (Quantization, ...)",
    )
    listing.add_argument(
        "--created-after", type=_timestamp, metavar="TIME", help="ISO-8601 (UTC if no zone)"
    )
    listing.add_argument(
        "--created-before", type=_timestamp, metavar="TIME", help="ISO-8601 (UTC if no zone)"
    )
    listing.add_argument(
        "--sort-by",
        type=Known(("Name", "CreationTime", "Status")),
        metavar="FIELD",
        help="Name, CreationTime (default) or Status",
    )
    listing.add_argument(
        "--sort-order",
        type=Known(("Ascending", "Descending")),
        metavar="ORDER",
        help="Ascending (default) or Descending",
    )
    listing.add_argument("--max-items", type=_positive_int, metavar="N", help="at most N jobs")
    _add_output(listing)

    wait = command(
        "wait",
        "wait for one or many optimization jobs to end",
        "Poll the jobs until they end; exit status 0 COMPLETED, 1 FAILED, 3 STOPPED, 4 timed "
        "out, 5 the service never answered (the message names the endpoint and the error). "
        "For many jobs (two or more NAMEs, or --name-contains), the worst end among them: "
        "any FAILED 1, else any STOPPED 3, else timed out 4; 0 only if all COMPLETED; the "
        "jobs are polled together (a few ListOptimizationJobs calls a round) and printed "
        "one row each (with -o json, one document: Jobs, Running, ExitStatus). "
        "Progress shows on stderr in a terminal. Ctrl-C stops the waiting, not the jobs "
        "(exit 130, with the command that stops one).",
    )
    wait.add_argument(
        "names",
        metavar="NAME",
        nargs="*",
        help="the jobs to wait for (a name given twice counts once)",
    )
    wait.add_argument(
        "--name-contains",
        metavar="TEXT",
        help="also every job whose name contains TEXT and that has not ended yet (none: "
        "nothing to wait for, exit 0)",
    )
    _add_wait_options(wait)
    _add_show_secrets(wait)
    _add_output(wait)

    stop = command("stop", "stop an optimization job (it goes STOPPING, then STOPPED)")
    stop.add_argument("name", metavar="NAME")
    _add_output(stop)

    delete = command("delete", "delete an optimization job's record")
    delete.add_argument("name", metavar="NAME")
    _add_output(delete)

    emulator = command(
        "emulator",
        "serve the emulator on 127.0.0.1 until Ctrl-C",
        "Serve the SageMaker AI optimization-job emulator on 127.0.0.1 (only) until "
        "interrupted; point the other commands at it with --endpoint-url.",
    )
    add_emulator_arguments(
        emulator,
        port=_port,
        positive_float=_positive_float,
        non_negative_float=_non_negative_float,
    )
    _add_output(emulator)

    completion = command(
        "completion",
        "print the shell completion script for bash, zsh or tcsh",
        "Print the shell completion script for SHELL on stdout.\n\n"
        "Commands, options, the values of --status, --sort-by, --sort-order, --output\n"
        "and files for --file then complete. To install it:\n\n"
        "  bash  optjob completion bash > ~/.local/share/bash-completion/completions/optjob\n"
        "        (loaded by bash-completion when needed), or in ~/.bashrc:\n"
        '        eval "$(optjob completion bash)"\n'
        "  zsh   optjob completion zsh > ~/.zfunc/_optjob, with fpath=(~/.zfunc $fpath)\n"
        "        in ~/.zshrc before compinit; or, after compinit in ~/.zshrc:\n"
        '        eval "$(optjob completion zsh)"\n'
        "  tcsh  optjob completion tcsh > ~/.optjob.tcsh, and in ~/.tcshrc:\n"
        "        source ~/.optjob.tcsh\n\n"
        "Open a new shell then. Regenerate the script after upgrading optjob-sdk.",
    )
    completion.formatter_class = argparse.RawDescriptionHelpFormatter  # keep those lines
    completion.add_argument("shell", metavar="SHELL", choices=SHELLS, help=", ".join(SHELLS))
    return parser


def _add_request_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--file",
        "-f",
        required=True,
        type=path,  # completes as a file name
        metavar="PATH",
        help="job.json, job.yaml, or - for stdin",
    )


def _add_show_secrets(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--show-secrets",
        action="store_true",
        help="show environment values in the job printed (masked as *** by default, "
        "except the OPTION_* settings)",
    )


def _add_wait_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout",
        type=_non_negative_float,
        metavar="S",
        help="give up after S seconds (exit 4; the job keeps running); inf: never. Default: "
        "the job's own MaxRuntimeInSeconds plus a margin",
    )
    parser.add_argument(
        "--poll-interval",
        type=_interval,
        default=30.0,
        metavar="S",
        help="at least S seconds between polls (default 30)",
    )
    parser.add_argument(
        "--max-poll-interval",
        type=_interval,
        metavar="S",
        help="the spacing between polls grows up to S seconds (default 120, or the "
        "poll interval if longer)",
    )


# -- running a command ------------------------------------------------------------------------


@dataclass
class _Context:
    args: argparse.Namespace
    client_factory: ClientFactory
    sleep: Callable[[float], None] | None
    clock: Callable[[], float] | None
    _client: OptimizationJobClient | None = None

    @property
    def out(self) -> TextIO:
        return sys.stdout

    @property
    def err(self) -> TextIO:
        return sys.stderr

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "output", "table") == "json")

    def client(self) -> OptimizationJobClient:
        if self._client is None:
            options = ClientOptions(
                region=self.args.region,
                profile=self.args.profile,
                endpoint_url=self.args.endpoint_url,
            )
            self._client = self.client_factory(options)
        return self._client

    def print(self, text: str, *, ascii_text: Callable[[], str] | None = None) -> None:
        """``text`` and a line break on stdout. Where stdout cannot encode it (an ASCII
        locale), ``ascii_text()`` instead, or ``text`` with backslash escapes: shown
        escaped rather than failing."""
        try:
            self.out.write(text + "\n")
        except UnicodeEncodeError:  # raised before anything is written
            encoding = getattr(self.out, "encoding", None) or "ascii"
            safe = (
                ascii_text()
                if ascii_text is not None
                else text.encode(encoding, "backslashreplace").decode(encoding)
            )
            self.out.write(safe + "\n")
        self.out.flush()

    def print_json(self, data: Any) -> None:
        from optjob_sdk.cli._output import dumps

        self.print(dumps(data), ascii_text=lambda: dumps(data, ascii_only=True))


def main(
    argv: Sequence[str] | None = None,
    *,
    client_factory: ClientFactory | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
) -> int:
    """Run ``optjob`` with ``argv`` (default: the process's arguments); returns the exit status.

    ``client_factory`` builds the :class:`~optjob_sdk.OptimizationJobClient` from the global
    options (default: through boto3); ``sleep``/``clock`` go to the waiter (``demo`` uses
    ``sleep`` for its real-time pauses). All three are for tests and for embedding; the
    console script uses the defaults.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as error:
        _error_line(str(error))
        return EXIT_USAGE
    except SystemExit as exit_:  # --help, --version: argparse has printed already
        return exit_.code if isinstance(exit_.code, int) else EXIT_OK
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    debug: bool = args.debug
    context = _Context(args, client_factory or default_client_factory, sleep, clock)
    # The SDK's log records on stderr, one line each: warnings (a job re-created under
    # the name being waited for...) always, everything with --debug.
    handler = logging.StreamHandler(sys.stderr)
    logger = logging.getLogger("optjob_sdk")
    if debug:
        handler.setFormatter(logging.Formatter("optjob: %(levelname)s %(message)s"))
        logger.setLevel(logging.DEBUG)
    else:
        handler.setFormatter(logging.Formatter("optjob: warning: %(message)s"))
        handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return _COMMANDS[args.command](context)
    except KeyboardInterrupt:
        _error_line("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`optjob list | head`): not an error worth a message.
        _silence_stdout()
        return EXIT_OK
    except Exception as error:
        if debug:
            traceback.print_exc(file=sys.stderr)
        return _report(error)
    finally:
        logger.removeHandler(handler)
        if debug:
            logger.setLevel(logging.NOTSET)


def _show_warning(message: Warning | str, *_: Any, **__: Any) -> None:
    # One line, without the source location (which is optjob's own code, not the user's).
    _error_line(f"warning: {message}")


def _error_line(text: str) -> None:
    sys.stderr.write(f"{PROG}: {text}\n")
    sys.stderr.flush()


def _report(error: Exception) -> int:
    """Print the error for people (one line; one more per problem for validation) and
    return its exit status."""
    if isinstance(error, ValidationError):
        count = len(error.errors)
        head = str(error).splitlines()[0].rstrip(":") if str(error) else "invalid request"
        _error_line(f"error: {head} (nothing was sent){':' if count else ''}")
        # As many as the error's own message shows: a broken file can hold a million.
        shown = error.errors[: error.SHOWN]
        for problem in shown:
            sys.stderr.write(f"  - {one_line(str(problem))}\n")
        if error.total > len(shown):
            sys.stderr.write(f"  ... and {error.total - len(shown):,} more\n")
        return EXIT_USAGE
    from optjob_sdk.cli._files import FileProblem

    if isinstance(error, (_UsageError, FileProblem)):
        _error_line(f"error: {one_line(str(error))}")
        return EXIT_USAGE
    if isinstance(error, ConfigurationError):
        cause = error.__cause__
        detail = str(cause) if cause is not None else str(error)
        _error_line(
            f"error: {one_line(detail)}: set credentials and a region as boto3 reads them "
            "(AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
            "AWS_REGION or --region, ~/.aws/config)"
        )
        return EXIT_USAGE
    if isinstance(error, JobFailedError):
        _error_line(one_line(str(error)))
        return EXIT_FAILED
    if isinstance(error, JobStoppedError):
        _error_line(one_line(str(error)))
        return EXIT_STOPPED
    if isinstance(error, WaitTimeoutError):
        text = str(error)
        if isinstance(error.__cause__, ServiceError):
            # The job was seen, then the service stopped answering: say what went wrong.
            text += f" The last poll failed: {error.__cause__}"
        _error_line(one_line(text))
        return EXIT_TIMEOUT
    if isinstance(error, (ServiceError, OptjobError)):
        _error_line(f"error: {one_line(str(error))}")
        return EXIT_SERVICE_ERROR
    _error_line(
        f"internal error: {type(error).__name__}: {one_line(str(error))} "
        "(run with --debug for the traceback, and please report it)"
    )
    return EXIT_INTERNAL


def _silence_stdout() -> None:
    # Python would complain again when flushing stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass


# -- the client -----------------------------------------------------------------------------


def default_client_factory(options: ClientOptions) -> OptimizationJobClient:
    """An :class:`~optjob_sdk.OptimizationJobClient` on a SageMaker client built as the AWS CLI
    would (profile, region, endpoint URL), on botocore's session (as the AWS CLI does).

    For an endpoint on this machine (an ``optjob emulator``) missing credentials and region
    are filled in with placeholders (by the client: see ``OptimizationJobClient``). A
    malformed endpoint URL is a usage error (exit 2).
    """
    from optjob_sdk._endpoint import BadEndpointError, new_session
    from optjob_sdk._errors_map import map_error
    from optjob_sdk.client import OptimizationJobClient

    try:
        # botocore's session, as boto3.Session(...) would make it, without boto3's import.
        session: Any = new_session(options.profile, options.region)
    except Exception as error:
        mapped = map_error(
            error, operation="creating the SageMaker client", endpoint=options.endpoint_url
        )
        if mapped is None:
            raise
        raise mapped from error
    try:
        return OptimizationJobClient(session=session, endpoint_url=options.endpoint_url)
    except BadEndpointError as error:
        raise _UsageError(str(error)) from error


# -- the commands -----------------------------------------------------------------------------


def _cmd_demo(context: _Context) -> int:
    from optjob_sdk.cli._demo import DEFAULT_SPEED, run_demo

    speed: float | None = context.args.speed
    return run_demo(
        json_output=context.json,
        speed=speed if speed is not None else DEFAULT_SPEED,
        out=context.out,
        err=context.err,
        real_sleep=context.sleep or time.sleep,
    )


def _cmd_create(context: _Context) -> int:
    from optjob_sdk.cli._files import load_request
    from optjob_sdk.cli._output import jsonable, key_value_table

    request = load_request(context.args.file)  # every problem, before any client exists
    if context.args.wait:
        _wait_intervals(context.args)  # a mistake there is reported before the job exists
    client = context.client()
    name = request.optimization_job_name
    try:
        created = client.create(request)
    except KeyboardInterrupt:
        # The request may have reached the service: say how to find out.
        _error_line(
            f"interrupted: optimization job {one_line(name)} may or may not have been "
            f"created; to find out: {_command(context.args, 'describe', name)}"
        )
        return EXIT_INTERRUPTED
    if not context.args.wait:
        if context.json:
            context.print_json(jsonable(created))
        else:
            context.print(
                key_value_table(
                    [
                        ("OptimizationJobName", name),
                        ("OptimizationJobArn", created.optimization_job_arn),
                    ]
                )
            )
        return EXIT_OK
    if not context.json:
        from optjob_sdk.cli._text import printable

        context.print(f"created {printable(created.optimization_job_arn)}; waiting for it to end")
    return _wait_and_report(context, name)


def _cmd_validate(context: _Context) -> int:
    from optjob_sdk.cli._files import load_request
    from optjob_sdk.cli._text import printable

    path: str = context.args.file
    # The loader create uses: every problem at once (exit 2 through _report); no client.
    request = load_request(path)
    name = request.optimization_job_name
    if context.json:
        context.print_json({"Valid": True, "File": path, "OptimizationJobName": name})
    else:
        label = "standard input" if path == "-" else path
        context.print(
            f"OK: {printable(label)}: optimization job {printable(name)} passes every "
            "check (nothing was sent)"
        )
    return EXIT_OK


def _cmd_describe(context: _Context) -> int:
    from optjob_sdk.cli._output import describe_table, jsonable

    job = context.client().describe(context.args.name)
    secrets: bool = context.args.show_secrets
    if context.json:
        context.print_json(jsonable(job, show_secrets=secrets))
    else:
        context.print(describe_table(job, show_secrets=secrets))
    return EXIT_OK


def _cmd_list(context: _Context) -> int:
    from optjob_sdk.cli._output import jsonable, list_table

    args = context.args
    pager = context.client().list(
        status=args.status,
        name_contains=args.name_contains,
        optimization_contains=args.optimization_contains,
        creation_time_after=args.created_after,
        creation_time_before=args.created_before,
        sort_by=args.sort_by,
        sort_order=args.sort_order,
        max_items=args.max_items,
    )
    summaries = list(pager)
    if context.json:
        context.print_json({"OptimizationJobSummaries": [jsonable(s) for s in summaries]})
    else:
        context.print(list_table(summaries))
    return EXIT_OK


def _cmd_wait(context: _Context) -> int:
    args = context.args
    names = list(dict.fromkeys(args.names))  # a name given twice counts once
    pattern: str | None = args.name_contains
    if pattern is None:
        if not names:
            raise _UsageError("wait: give the NAME of a job (or several), or --name-contains TEXT")
        if len(names) == 1:
            return _wait_and_report(context, names[0])
    return _wait_many_and_report(context, names, pattern)


def _wait_intervals(args: argparse.Namespace) -> tuple[float, float]:
    """``--poll-interval`` and ``--max-poll-interval`` (default: 120 s, or the poll
    interval if longer), checked against each other."""
    poll: float = args.poll_interval
    longest: float | None = args.max_poll_interval
    if longest is not None and longest < poll:
        raise _UsageError(
            f"--max-poll-interval ({longest:g}) must be at least --poll-interval ({poll:g})"
        )
    return poll, longest if longest is not None else max(poll, 120.0)


def _wait_and_report(context: _Context, name: str) -> int:
    from optjob_sdk.cli._output import jsonable, key_value_table, outcome_rows

    args = context.args
    poll, longest = _wait_intervals(args)
    final: DescribeOptimizationJobResponse | None
    try:
        final = context.client().wait(
            name,
            timeout=args.timeout,
            poll_interval=poll,
            max_poll_interval=longest,
            progress=None,  # the waiter's display, when stderr is a terminal
            sleep=context.sleep,
            clock=context.clock,
        )
        error: OptjobError | None = None
    except (JobFailedError, JobStoppedError) as ended:
        final, error = ended.job, ended
    except WaitTimeoutError as timed_out:
        final, error = timed_out.last_job, timed_out
    except KeyboardInterrupt:
        # Waiting is only watching: the job goes on (and bills) on the service.
        _error_line(
            f"interrupted: optimization job {one_line(name)} keeps running on the service; "
            f"to stop it: {_command(args, 'stop', name)}"
        )
        return EXIT_INTERRUPTED
    # The last description goes to stdout whatever the outcome; the verdict, if not
    # COMPLETED, to stderr as one line, with its exit status.
    if final is not None:
        if context.json:
            context.print_json(jsonable(final, show_secrets=args.show_secrets))
        else:
            context.print(key_value_table(outcome_rows(final)))
    if error is not None:
        raise error
    return EXIT_OK


def _running_matches(context: _Context, pattern: str, named: Sequence[str]) -> list[str]:
    """The jobs whose name contains ``pattern`` and that have not ended (STARTING,
    INPROGRESS, STOPPING, or a status newer than this SDK), oldest first, that are not in
    ``named`` already."""
    from optjob_sdk.converter import validate
    from optjob_sdk.models import DescribeOptimizationJobRequest
    from optjob_sdk.waiting import TERMINAL_STATUSES

    # Every name given is checked before the listing is sent (nothing is sent on a mistake);
    # list() checks the pattern as `optjob list --name-contains` does.
    for name in named:
        validate(DescribeOptimizationJobRequest(optimization_job_name=name))
    pager = context.client().list(name_contains=pattern)
    given = set(named)
    return [
        summary.optimization_job_name
        for summary in pager
        if summary.optimization_job_status not in TERMINAL_STATUSES
        and summary.optimization_job_name not in given
    ]


def _wait_many_and_report(context: _Context, names: list[str], pattern: str | None) -> int:
    """``optjob wait`` for many jobs: one wait_many, one row (or JSON entry) per job, the
    worst end as the exit status."""
    from optjob_sdk.cli._common import worst_end
    from optjob_sdk.cli._output import sweep_document, sweep_table, sweep_verdict
    from optjob_sdk.cli._text import printable

    args = context.args
    poll, longest = _wait_intervals(args)
    if pattern is not None:
        matches = _running_matches(context, pattern, names)
        if not matches:
            _error_line(
                f"no optimization job whose name contains {printable(pattern)!r} is running"
                + ("" if names else "; nothing to wait for")
            )
        names = [*names, *matches]
    ended: Mapping[str, DescribeOptimizationJobResponse] = {}
    running: Mapping[str, DescribeOptimizationJobResponse | OptimizationJobSummary | None] = {}
    elapsed: float | None = None
    cause: BaseException | None = None
    if names:
        try:
            ended = context.client().wait_many(
                names,
                timeout=args.timeout,
                poll_interval=poll,
                max_poll_interval=longest,
                progress=None,  # the sweep display, when stderr is a terminal
                sleep=context.sleep,
                clock=context.clock,
            )
        except WaitTimeoutError as timed_out:
            ended, running = timed_out.ended, timed_out.last_seen
            elapsed, cause = timed_out.elapsed, timed_out.__cause__
        except KeyboardInterrupt:
            # Waiting is only watching: the jobs go on (and bill) on the service.
            jobs = (
                "the optimization job keeps"
                if len(names) == 1
                else f"the {len(names)} optimization jobs keep"
            )
            _error_line(
                f"interrupted: {jobs} running on the service; to stop one: "
                f"{_command(args, 'stop', 'NAME')}"
            )
            return EXIT_INTERRUPTED
    last_seen = {name: running.get(name) for name in names if name not in ended}
    status = worst_end(
        (str(job.optimization_job_status) for job in ended.values()), timed_out=bool(last_seen)
    )
    if context.json:
        context.print_json(
            sweep_document(names, ended, last_seen, status, show_secrets=args.show_secrets)
        )
    elif names:
        context.print(sweep_table(names, ended, last_seen))
    verdict = sweep_verdict(names, ended, elapsed, _command(args, "stop", "NAME"))
    if verdict is not None:
        if isinstance(cause, ServiceError):
            # Jobs were seen, then the service stopped answering: say what went wrong.
            verdict += f". The last poll failed: {cause}"
        _error_line(one_line(verdict))
    return status


def _command(args: argparse.Namespace, command: str, name: str) -> str:
    """The ``optjob COMMAND NAME`` command line, with the global options given to this one
    (the environment's AWS settings apply to it as they did here), quoted for a shell."""
    words = [PROG]
    for option, value in (
        ("--region", args.region),
        ("--profile", args.profile),
        ("--endpoint-url", args.endpoint_url),
    ):
        if value is not None:
            words += [option, value]
    words += [command, name]
    return one_line(" ".join(shlex.quote(word) for word in words))


def _cmd_completion(context: _Context) -> int:
    try:
        from optjob_sdk.cli._completion import completion_script

        script = completion_script(build_parser(), context.args.shell)
    except ModuleNotFoundError as error:
        if error.name != "shtab":
            raise
        # A dependency of optjob-sdk; missing only from an install made without them.
        raise _UsageError(
            "shell completion needs shtab, which optjob-sdk depends on: pip install shtab"
        ) from error
    context.out.write(script if script.endswith("\n") else script + "\n")
    context.out.flush()
    return EXIT_OK


def _cmd_stop(context: _Context) -> int:
    name: str = context.args.name
    context.client().stop(name)
    if context.json:
        context.print_json({"OptimizationJobName": name, "StopRequested": True})
    else:
        context.print(f"stopping {name} (it goes STOPPING, then STOPPED)")
    return EXIT_OK


def _cmd_delete(context: _Context) -> int:
    name: str = context.args.name
    context.client().delete(name)
    if context.json:
        context.print_json({"OptimizationJobName": name, "Deleted": True})
    else:
        context.print(f"deleted {name}")
    return EXIT_OK


_COMMANDS: Final[dict[str, Callable[[_Context], int]]] = {
    "demo": _cmd_demo,
    "create": _cmd_create,
    "validate": _cmd_validate,
    "describe": _cmd_describe,
    "list": _cmd_list,
    "wait": _cmd_wait,
    "stop": _cmd_stop,
    "delete": _cmd_delete,
    "emulator": run_emulator,
    "completion": _cmd_completion,
}
