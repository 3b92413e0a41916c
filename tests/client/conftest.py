"""Fixtures for the client tests; the helpers live in wire_support (a unique module name:
several test folders have a conftest, and `from conftest import` would pick any of them)."""

from __future__ import annotations

from wire_support import fresh_wire, wire

__all__ = ["fresh_wire", "wire"]
