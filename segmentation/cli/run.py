"""``main()``: parse the arguments, run the command, one line on stderr for any problem.

Only the chosen command's modules are imported, after the arguments are parsed: ``--help``
and ``users`` never load pandas' scoring pipeline, scikit-learn or SciPy.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import i18n
from .errors import CliError
from .parser import build_parser


def one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Library warnings as ``warning: ...`` lines, without source file and code line."""
    print("warning: " + " ".join(str(message).split()), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "users":
        from .users import run_users

        return run_users(args)
    if args.command == "report":
        from .report import run_report

        return run_report(args)
    if args.command == "forecast":
        from .forecast import run_forecast

        return run_forecast(args)
    import warnings

    from .output import calls_path, write_output
    from .score import audit_export, score_and_calls

    warnings.showwarning = one_line_warning
    try:
        frame, calls = score_and_calls(args)
        if args.out is None:  # --write-table only: the scores are in the database
            if args.as_user:
                audit_export(args, frame, None)
            return 0
        write_output(frame, args.out)
        if calls is not None:
            write_output(calls, calls_path(args.out))
            week = int(calls["call_this_week"].sum()) if len(calls) else 0
            print(f"call list: {week:,} calls this week (up to {args.calls_per_branch} per "
                  f"branch), {len(calls) - week:,} further warnings -> {calls_path(args.out)}")
        if args.as_user:
            audit_export(args, frame, calls)
    except Exception as err:  # noqa: BLE001 - one line, never a traceback
        return failed(args, err)
    print(f"scored {len(frame):,} customers -> {args.out}")
    return 0


def failed(args: argparse.Namespace, err: Exception) -> int:
    """The exit code of a command that raised ``err``, after its one line on stderr (2 for
    bad input or an unwritable output, 1 for an unexpected failure; never a traceback)."""
    from ..schema import DataError

    if isinstance(err, CliError):
        print(f"error: {err}", file=sys.stderr)
        return 2
    if isinstance(err, DataError):
        print("error: " + " | ".join(err.message(args.lang).splitlines()), file=sys.stderr)
        return 2
    if isinstance(err, OSError):  # the output cannot be written: no file is left behind
        print("error: " + i18n.t("cli.write_failed", args.lang, path=args.out,
                                 reason=err.strerror or type(err).__name__), file=sys.stderr)
        return 2
    reason = " ".join(str(err).split())[:300] or type(err).__name__
    print("error: " + i18n.t("cli.internal", args.lang, kind=type(err).__name__,
                             reason=reason), file=sys.stderr)
    return 1
