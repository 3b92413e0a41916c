"""``optjob create --file`` / ``validate --file``: :func:`optjob_sdk.load_request`, plus
standard input (``-``) and a one-line usage error for a file that cannot be read at all."""

from __future__ import annotations

import sys

from optjob_sdk.errors import ValidationError
from optjob_sdk.loading import DocumentError
from optjob_sdk.loading import load_request as _load_request
from optjob_sdk.models import CreateOptimizationJobRequest

__all__ = ["FileProblem", "load_request"]


class FileProblem(Exception):
    """The file could not be read, or not as a request (a usage error: exit status 2)."""


def load_request(path: str) -> CreateOptimizationJobRequest:
    """The request in ``path`` (``-``: standard input), checked completely.

    :class:`~optjob_sdk.ValidationError` lists every problem in the request;
    :class:`FileProblem` says in one line why the file is no request at all.
    """
    label = "standard input" if path == "-" else path
    try:
        if path == "-":
            return _load_request(getattr(sys.stdin, "buffer", sys.stdin))
        return _load_request(path)
    except OSError as error:
        raise FileProblem(f"cannot read {label}: {error.strerror or error}") from error
    except ValidationError as error:
        if isinstance(error.__cause__, DocumentError):
            raise FileProblem(f"{label} {error.__cause__}") from error
        raise
