"""The CLI's one error type."""

from __future__ import annotations


class CliError(Exception):
    """Bad input: printed as one line, exit code 2."""
