"""Fixtures for the emulator tests; helpers live in emulator_support (a unique module name)."""

from __future__ import annotations

from emulator_support import service, sm

__all__ = ["service", "sm"]
