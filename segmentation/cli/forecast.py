"""The ``forecast`` command: weekly shipments and revenue per branch, region and network,
13 weeks ahead with 80 % / 95 % intervals, one row per series and week.

Reads what ``score`` reads: input files, ``--database NAME``, ``--workspace DIR``, or
(with none of them) the workspace's current dataset, the bundled sample in a new one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import i18n
from .errors import CliError
from .inputs import as_of_argument, file_arguments


def run_forecast(args: argparse.Namespace) -> int:
    """Forecast and write the file; one line on stderr for any problem (exit code 2, or 1
    for an unexpected failure), no file left behind."""
    import warnings

    import pandas as pd

    from .run import failed, one_line_warning

    warnings.showwarning = one_line_warning
    try:
        frame, result = forecast_frame(args)
        from .output import write_output

        write_output(frame, args.out)
        if args.as_user:
            _audit(args, len(frame))
    except Exception as err:  # noqa: BLE001 - one line, never a traceback
        return failed(args, err)
    for line in _summary(result, args.lang):
        print(line, file=sys.stderr)
    first = (result.last_week + pd.Timedelta(weeks=1)).date()
    print(f"forecast: {len(frame):,} rows ({result.config.horizon} weeks from {first}) "
          f"-> {args.out}")
    return 0


def forecast_frame(args: argparse.Namespace):
    """Check the arguments, forecast, cut to ``--as-user``'s scope: ``(frame, result)``."""

    from ..forecast import ForecastUnavailable, forecast_from_engine, output_frame
    from .database import with_database
    from .pipeline import with_files
    from .scope import cli_user

    if args.out.suffix.lower() not in (".csv", ".xlsx", ".parquet"):
        raise CliError(f"--out {args.out}: use a .csv, .xlsx or .parquet file name")
    as_of = as_of_argument(args)
    paths = file_arguments(args)
    if sum(map(bool, (args.database, paths, args.workspace))) > 1:
        raise CliError(i18n.t("cli.db.both", args.lang))
    if paths and "transactions" not in paths:
        raise CliError(i18n.t("cli.db.need_input", args.lang))
    for name, path in paths.items():
        if not path.exists():
            raise CliError(f"--{name} {path}: file not found")
    user = cli_user(args)

    def work(engine, table_names=None):
        try:
            return forecast_from_engine(engine, as_of=as_of, table_names=table_names)
        except ForecastUnavailable as err:
            raise CliError(err.message(args.lang)) from None

    if args.database:
        result = with_database(args, work)
    elif paths:
        result = with_files(args, paths, as_of, work)
    else:
        result = _from_workspace(args.workspace, work, args.lang)
    if user is not None:
        result = result.scoped(user.scope)
    return output_frame(result), result


def _from_workspace(folder: Path | None, work, lang: str):
    """``work(engine)`` on the current dataset of ``folder`` (default: ``$SEG_WORKSPACE``
    or ``data/workspace``, where a new workspace gets the bundled sample)."""
    from ..workspace import Workspace, default_folder, ensure_dataset

    if folder is not None:
        ws = Workspace(folder)
        try:
            lease = ws.lease()
        except LookupError:
            raise CliError(i18n.t("cli.workspace.empty", lang, folder=folder)) from None
    else:
        ws = Workspace(default_folder())
        lease = ws.lease(ensure_dataset(ws))
    with lease:
        engine = ws.engine(lease.snapshot)
        try:
            return work(engine)
        finally:
            engine.dispose()


def _audit(args: argparse.Namespace, rows: int) -> None:
    """A forecast made as a workspace user is an export of that user's figures."""
    from datetime import UTC, datetime

    from ..audit import AuditLog
    from ..workspace import default_folder
    from .scope import lookup_user

    folder = args.workspace or default_folder()
    AuditLog(folder).append("export", lookup_user(args.as_user, args.lang, folder),
                            at=datetime.now(UTC), what="cli forecast",
                            file=Path(args.out).name, rows=rows)


def _summary(result, lang: str) -> list[str]:
    """The backtest per level and the fallbacks, for the log (stderr)."""
    from .. import formatting
    from ..forecast import method_note

    lines = []
    for row in result.accuracy().itertuples(index=False):
        lines.append(i18n.t("cli.forecast.backtest", lang,
                            metric=i18n.t(f"fc.metric.{row.metric}", lang),
                            level=i18n.t(f"fc.level.{row.level}", lang),
                            mase=formatting.decimal(row.mase, lang),
                            snaive=formatting.decimal(row.mase_snaive, lang),
                            c80=formatting.percent(row.coverage_80, lang),
                            c95=formatting.percent(row.coverage_95, lang)))
    lines += method_note(result, lang)
    return lines
