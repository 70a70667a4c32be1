"""The ``score`` command: one row per customer with tier, segment and risk."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from .. import i18n
from .database import from_database
from .errors import CliError
from .inputs import as_of_argument, file_arguments
from .output import CHURN_COLUMNS, calls_frame, output_frame
from .pipeline import view_and_churn, with_files
from .scope import cli_user, lookup_user, scoped_output


def score(args: argparse.Namespace) -> pd.DataFrame:
    """Run the scoring pipeline for parsed CLI arguments; returns the output frame."""
    return score_and_calls(args)[0]


def score_and_calls(args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The output frame and, with ``--calls-per-branch`` (or a preset's capacity), the
    call list."""
    from ..tiers import score_customers

    as_of = as_of_argument(args)
    write_table = getattr(args, "write_table", None)
    if args.out is None and not write_table:
        raise CliError(i18n.t("cli.out.missing", args.lang))
    if write_table and not args.database:
        raise CliError(i18n.t("cli.write_table.no_database", args.lang))
    if write_table:  # a bad name stops the run before any work, not after the scoring
        from ..connections import ConnectionError_, validate_identifier

        try:
            validate_identifier(write_table, "table")
        except ConnectionError_ as err:
            raise CliError("--write-table: " + err.message(args.lang)) from None
    if args.out is not None and args.out.suffix.lower() not in (".csv", ".xlsx", ".parquet"):
        raise CliError(f"--out {args.out}: use a .csv, .xlsx or .parquet file name")
    paths = file_arguments(args)
    if sum(map(bool, (args.database, paths, args.workspace))) > 1:
        raise CliError(i18n.t("cli.db.both", args.lang))
    if not (args.database or args.workspace) and "transactions" not in paths:
        raise CliError(i18n.t("cli.db.need_input", args.lang))
    for name, path in paths.items():
        if not path.exists():
            raise CliError(f"--{name} {path}: file not found")
    if not 2 <= args.clusters <= 10:
        raise CliError(f"--clusters {args.clusters}: choose between 2 and 10")
    if args.lost_after is not None and args.lost_after < 1:
        raise CliError(f"--lost-after {args.lost_after}: give a number of days above 0")
    if args.calls_per_branch is not None and not 1 <= args.calls_per_branch <= 10_000:
        raise CliError(f"--calls-per-branch {args.calls_per_branch}: give a number of calls "
                       "from 1 to 10000")
    settings, preset_calls = (load_preset(args.preset, workspace_folder(args)) if args.preset
                              else (None, None))
    if args.calls_per_branch is None:
        args.calls_per_branch = preset_calls
    user = cli_user(args)
    if user is not None and not user.can("see_customers"):
        scoped_output(pd.DataFrame(), user, args.lang)  # refuses before any work
    if args.database:
        result = from_database(args, as_of, settings=settings, user=user)
        if isinstance(result, int):  # scored in buckets, every bucket written back already
            from .. import formatting
            from .buckets import empty_result

            print(i18n.t("cli.write_table.done", args.lang,
                         rows=formatting.number(result, args.lang), table=write_table,
                         name=args.database))
            return empty_result(result), None
        view, churn = result
    elif args.workspace:
        view, churn = from_workspace(args, as_of)
    else:
        view, churn = with_files(args, paths, as_of,
                                 lambda engine: view_and_churn(engine, args, as_of))
    scored = score_customers(view, settings)
    if len(view) >= args.clusters:
        import warnings

        from ..clusters import cluster_assignments

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scored = scored.join(cluster_assignments(view, args.clusters, lang=args.lang))
    if churn is not None:
        columns = [c for c in CHURN_COLUMNS if c in churn.columns]
        scored = scored.join(churn[columns], how="left")
    calls = (calls_frame(scored, churn, args.calls_per_branch)
             if args.calls_per_branch is not None else None)
    out = scoped_output(output_frame(scored), user, args.lang)
    if user is not None and calls is not None:  # the user's customers only, ranks kept
        calls = calls[calls["customer_id"].astype(str).isin(out["customer_id"].astype(str))]
        calls = calls.reset_index(drop=True)
    if write_table:
        from .database import write_table as write_back

        rows = write_back(args, out, view.attrs.get("as_of", as_of))
        from .. import formatting

        print(i18n.t("cli.write_table.done", args.lang,
                     rows=formatting.number(rows, args.lang), table=write_table,
                     name=args.database))
    return out, calls


def workspace_folder(args: argparse.Namespace) -> Path:
    """The workspace of the run: ``--workspace``, else ``$SEG_WORKSPACE`` or
    ``data/workspace`` (its users, presets and audit log)."""
    from ..workspace import default_folder

    return getattr(args, "workspace", None) or default_folder()


def from_workspace(args: argparse.Namespace, as_of):
    """``--workspace DIR``: the view and churn of the dataset loaded there (held by a lease,
    so that a load meanwhile does not remove it)."""
    from ..workspace import Workspace

    workspace = Workspace(args.workspace)
    try:
        lease = workspace.lease()
    except LookupError:
        raise CliError(i18n.t("cli.workspace.empty", args.lang,
                              folder=args.workspace)) from None
    with lease:
        engine = workspace.engine(lease.snapshot)
        try:
            return view_and_churn(engine, args, as_of)
        finally:
            engine.dispose()


def audit_export(args: argparse.Namespace, frame: pd.DataFrame,
                  calls: pd.DataFrame | None) -> None:
    """A CLI run as a workspace user is an export of that user's customers: record it in
    the workspace's audit log, like a download in the app."""
    from datetime import UTC, datetime

    from ..audit import AuditLog

    folder = workspace_folder(args)
    user = lookup_user(args.as_user, args.lang, folder)
    AuditLog(folder).append("export", user, at=datetime.now(UTC), what="cli score",
                                      file=(Path(args.out).name if args.out
                                            else f"table {args.write_table}"),
                                      rows=len(frame),
                                      call_rows=None if calls is None else len(calls))


def load_preset(path: Path, folder: Path):
    """Tier settings and the saved weekly calls per branch (or ``None``) for ``--preset``:
    a JSON file, a saved preset's name, or ``@default``.

    A settings / preset JSON file saved or exported from the app is read as it is;
    otherwise ``path`` names a preset saved in the workspace ``folder``, and
    ``@default`` is the workspace's default preset. Any
    problem becomes a one-line :class:`CliError`.
    """
    from ..presets import PresetStore, read_preset_calls, read_preset_file
    from ..tiers import SettingsError

    try:
        if path.is_file():
            return read_preset_file(path), read_preset_calls(path)
        store = PresetStore.for_workspace(folder)
        if str(path) == "@default":
            settings = store.default_settings()
            if settings is None:
                raise CliError(f"--preset @default: no default preset in {store.folder}")
            return settings, store.default_calls_per_branch()
        if str(path) in store:
            return store.load(str(path)), store.calls_per_branch(str(path))
        raise CliError(f"--preset {path}: no such file, and no saved preset of that name "
                       f"in {store.folder}")
    except OSError as err:
        raise CliError(f"--preset {path}: cannot read the file ({err.strerror})") from err
    except SettingsError as err:
        raise CliError(f"--preset {path}: not a valid preset: {err.message('en')}") from err
