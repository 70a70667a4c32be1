"""Batch CLI: ``python -m segmentation score ...`` (the contract is in DESIGN.md).

One module per command (``score``, ``users``, ``database`` for ``score --database``),
``parser`` for the arguments, ``run`` for :func:`main`.

Exit codes: 0 success, 2 bad input or usage, 1 an unexpected failure (always one line on
stderr saying why, never a traceback; no output file is left behind on failure).
"""

from __future__ import annotations

from .errors import CliError
from .output import CALL_COLUMNS, CHURN_COLUMNS, OUTPUT_COLUMNS, calls_path, write_output
from .parser import build_parser
from .run import main
from .scope import cli_user, lookup_user, scoped_output
from .score import score, score_and_calls
from .users import read_password, run_users

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
