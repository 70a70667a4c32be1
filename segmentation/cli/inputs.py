"""The input arguments every data command shares (``score``, ``report``, ``forecast``):
the analysis date and the four table files."""

from __future__ import annotations

import argparse

from .errors import CliError

#: the tables a command reads from files (``--transactions PATH`` ...)
FILE_TABLES = ("transactions", "customers", "surveys", "complaints")


def as_of_argument(args: argparse.Namespace):
    """``--as-of`` as a normalised ``pandas.Timestamp`` (``None`` when not given)."""
    if not args.as_of:
        return None
    import pandas as pd

    try:
        return pd.Timestamp(args.as_of).normalize()
    except ValueError as err:
        raise CliError(f"--as-of {args.as_of!r} is not a date like 2025-06-30") from err


def file_arguments(args: argparse.Namespace) -> dict:
    """The table files given, by table name (``transactions`` first when given)."""
    return {name: getattr(args, name) for name in FILE_TABLES if getattr(args, name)}
