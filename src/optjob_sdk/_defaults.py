"""Defaults that the clients' signatures name, kept apart from the waiter that uses them:
building a client (and describing a job) loads no waiter, no sweep and no tenacity."""

from __future__ import annotations

from typing import Final

__all__ = ["DEFAULT_MAX_POLL_INTERVAL"]

#: The longest spacing between two polls, by default: a job's status changes a handful of
#: times in its life, so two minutes loses little and saves calls.
DEFAULT_MAX_POLL_INTERVAL: Final = 120.0
