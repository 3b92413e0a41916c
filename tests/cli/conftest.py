"""Fixtures for the CLI tests; they live in cli_support (a unique module name: several test
folders have a conftest, and `from conftest import` would pick any of them)."""

from __future__ import annotations

from cli_support import clean_aws_environment, cli, local_cli, service, url

__all__ = ["clean_aws_environment", "cli", "local_cli", "service", "url"]
