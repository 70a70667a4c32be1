"""Batch CLI: ``python -m segmentation score ...`` (the contract is in DESIGN.md).

One module per command (``score``, ``users``, ``database`` for ``score --database``),
``parser`` for the arguments, ``run`` for :func:`main`.

Exit codes: 0 success, 2 bad input or usage, 1 an unexpected failure (always one line on
stderr saying why, never a traceback; no output file is left behind on failure).
"""

from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "CALL_COLUMNS",
    "CHURN_COLUMNS",
    "OUTPUT_COLUMNS",
    "CliError",
    "build_parser",
    "calls_path",
    "cli_user",
    "lookup_user",
    "main",
    "read_password",
    "run_users",
    "score",
    "score_and_calls",
    "scoped_output",
    "write_output",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".errors": ("CliError",),
    ".output": ("CALL_COLUMNS", "CHURN_COLUMNS", "OUTPUT_COLUMNS", "calls_path", "write_output"),
    ".parser": ("build_parser",),
    ".run": ("main",),
    ".scope": ("cli_user", "lookup_user", "scoped_output"),
    ".score": ("score", "score_and_calls"),
    ".users": ("read_password", "run_users"),
})
