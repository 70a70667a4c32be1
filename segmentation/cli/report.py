"""The ``report`` command: the deck, the HTML report or the workbook of a user's scope.

Reads what the app reads: the workspace's current dataset (the bundled sample in a new
workspace), or ``--database NAME``, or input files as ``score`` does.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from .. import i18n
from .errors import CliError
from .inputs import as_of_argument, file_arguments


def run_report(args: argparse.Namespace) -> int:
    """Build and write the report; one line on stderr for any problem (exit code 2, or 1
    for an unexpected failure), no file left behind."""
    import warnings

    from .run import failed, one_line_warning

    warnings.showwarning = one_line_warning
    try:
        path, sections = build_report_file(args)
    except Exception as err:  # noqa: BLE001 - one line, never a traceback
        return failed(args, err)
    print(f"report: {sections} sections -> {path}")
    return 0


def build_report_file(args: argparse.Namespace) -> tuple[Path, int]:
    """Check the arguments, gather the figures, write the file; ``(path, sections)``."""

    from ..report import FORMATS, build_report, gather_inputs, report_bytes, source_text
    from ..storage import atomic_write
    from .database import with_database
    from .pipeline import with_files
    from .scope import cli_user
    from .score import load_preset

    suffix = FORMATS[args.format][0]
    if args.out.suffix.lower() != suffix:
        raise CliError(f"--out {args.out}: a {args.format} report needs a {suffix} file name")
    as_of = as_of_argument(args)
    if not 2 <= args.clusters <= 10:
        raise CliError(f"--clusters {args.clusters}: choose between 2 and 10")
    paths = file_arguments(args)
    if args.database and paths:
        raise CliError(i18n.t("cli.db.both", args.lang))
    if paths and "transactions" not in paths:
        raise CliError(i18n.t("cli.db.need_input", args.lang))
    for name, path in paths.items():
        if not path.exists():
            raise CliError(f"--{name} {path}: file not found")
    settings, calls = load_preset(args.preset) if args.preset else _default_preset()
    user = cli_user(args)

    def progress(done: float, key: str) -> None:
        print(f"{done:4.0%} {i18n.t(f'report.step.{key}', args.lang)}", file=sys.stderr)

    def work(engine, table_names=None):
        from dataclasses import replace

        from ..campaigns import measure_latest
        from ..workspace import default_folder

        inputs = gather_inputs(engine, user=user, lang=args.lang, settings=settings,
                               as_of=as_of, table_names=table_names, clusters=args.clusters,
                               calls_per_branch=calls or 20, progress=progress)
        # the latest campaign kept in the workspace that touches the user's scope
        scope = user.scope if user is not None else None
        return replace(inputs, campaign=measure_latest(engine, default_folder(), scope=scope,
                                                       settings=settings,
                                                       table_names=table_names))

    if args.database:
        inputs = with_database(args, work)
        source = source_text("database", args.database, args.lang)
    elif paths:
        inputs = with_files(args, paths, as_of, work)
        source = source_text("files", ", ".join(p.name for p in paths.values()), args.lang)
    else:
        inputs, source = _from_workspace(work, args.lang)
    report = build_report(inputs, lang=args.lang, user=user, source=source,
                          created=date.today())
    atomic_write(args.out, report_bytes(report, args.format))
    if args.as_user:
        _audit(args, user)
    return args.out, len(report.sections)


def _default_preset():
    """The workspace's default preset, if one is saved (as the app starts with it)."""
    from ..presets import PresetStore
    from ..workspace import default_folder

    store = PresetStore.for_workspace(default_folder())
    return store.default_settings(), store.default_calls_per_branch()


def _from_workspace(work, lang: str):
    """``work(engine)`` on the workspace's current dataset (the sample in a new one), and
    the dataset as the title page names it."""
    from ..report import source_text
    from ..workspace import Workspace, default_folder, ensure_dataset

    ws = Workspace(default_folder())
    snap = ensure_dataset(ws)
    with ws.lease(snap):
        engine = ws.engine(snap)
        try:
            return work(engine), source_text(snap.source, snap.label, lang,
                                             loaded=snap.loaded_at)
        finally:
            engine.dispose()


def _audit(args: argparse.Namespace, user) -> None:
    """A report made as a workspace user is an export of that user's figures."""
    from datetime import UTC, datetime

    from ..audit import AuditLog
    from ..workspace import default_folder

    AuditLog(default_folder()).append("export", user, at=datetime.now(UTC),
                                      what=f"cli report {args.format}",
                                      file=Path(args.out).name)
