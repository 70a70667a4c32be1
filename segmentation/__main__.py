"""Batch CLI: ``python -m segmentation score ...`` (the contract is in DESIGN.md).

Exit codes: 0 success, 2 bad input or usage (one line on stderr saying why).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

OUTPUT_COLUMNS = (
    "customer_id", "recency_days", "frequency", "monetary_total", "tier", "rfm_segment",
    "churn_risk", "p_alive", "clv_12m", "risk_reasons", "cluster", "persona",
)


#: churn columns copied into the output (after the contract's columns)
CHURN_COLUMNS = ("churn_risk", "p_alive", "clv_12m", "risk_reasons", "status",
                 "value_at_risk", "reason_codes")


class CliError(Exception):
    """Bad input: printed as one line, exit code 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m segmentation",
                                     description="Score customers of a branch network.")
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="one row per customer with tier, segment and risk")
    score.add_argument("--transactions", required=True, type=Path)
    score.add_argument("--customers", type=Path)
    score.add_argument("--surveys", type=Path)
    score.add_argument("--complaints", type=Path)
    score.add_argument("--as-of", dest="as_of", help="analysis date YYYY-MM-DD "
                       "(default: the last transaction date)")
    score.add_argument("--preset", type=Path, help="tier settings (JSON) saved from the app")
    score.add_argument("--horizon", type=int, choices=(30, 60, 90, 180),
                       help="churn horizon H in days (default: from the purchase cycle)")
    score.add_argument("--lost-after", dest="lost_after", type=int,
                       help="days without a shipment after which a customer counts as lost")
    score.add_argument("--no-churn", dest="churn", action="store_false",
                       help="skip the churn model (churn_risk, p_alive, clv_12m stay empty)")
    score.add_argument("--clusters", type=int, default=6,
                       help="number of customer clusters (personas), 2-10 (default 6)")
    score.add_argument("--encoding", help="CSV encoding, e.g. gbk (default: detected)")
    score.add_argument("--lang", choices=("en", "zh"), default="en",
                       help="language of messages and reasons")
    score.add_argument("--out", required=True, type=Path,
                       help="output file: .csv, .xlsx or .parquet")
    return parser


def score(args: argparse.Namespace) -> pd.DataFrame:
    """Run the scoring pipeline for parsed CLI arguments; returns the output frame."""
    from .churn import score_churn
    from .cleaning import load_files
    from .features import customer_view
    from .tiers import score_customers
    from .workspace import Workspace

    as_of = None
    if args.as_of:
        try:
            as_of = pd.Timestamp(args.as_of).normalize()
        except ValueError as err:
            raise CliError(f"--as-of {args.as_of!r} is not a date like 2025-06-30") from err
    if args.out.suffix.lower() not in (".csv", ".xlsx", ".parquet"):
        raise CliError(f"--out {args.out}: use a .csv, .xlsx or .parquet file name")
    paths = {name: getattr(args, name) for name in
             ("transactions", "customers", "surveys", "complaints") if getattr(args, name)}
    for name, path in paths.items():
        if not path.exists():
            raise CliError(f"--{name} {path}: file not found")
    if not 2 <= args.clusters <= 10:
        raise CliError(f"--clusters {args.clusters}: choose between 2 and 10")
    if args.lost_after is not None and args.lost_after < 1:
        raise CliError(f"--lost-after {args.lost_after}: give a number of days above 0")
    settings = _load_preset(args.preset) if args.preset else None
    dataset = load_files(paths, encoding=args.encoding, as_of=as_of)
    for problem in dataset.problems:
        print("warning: " + problem.message(args.lang).replace("\n", " "), file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="segmentation-") as tmp:
        ws = Workspace(tmp)
        ws.replace(dataset.tables, source="cli")
        view = customer_view(ws.engine(), as_of=as_of)
        churn = None
        if args.churn:
            try:
                churn = score_churn(ws.engine(), as_of=as_of, view=view, lang=args.lang,
                                    horizon_days=args.horizon,
                                    lost_after_days=args.lost_after).scores
            except ValueError as err:  # too little history to learn churn from
                print(f"warning: churn columns left empty: {err}", file=sys.stderr)
        ws.engine().dispose()
    scored = score_customers(view, settings)
    if len(view) >= args.clusters:
        import warnings

        from .clusters import cluster_assignments

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scored = scored.join(cluster_assignments(view, args.clusters, lang=args.lang))
    if churn is not None:
        columns = [c for c in CHURN_COLUMNS if c in churn.columns]
        scored = scored.join(churn[columns], how="left")
    return _output_frame(scored)


def _load_preset(path: Path):
    """Tier settings for ``--preset``: a JSON file, a saved preset's name, or ``@default``.

    A settings / preset JSON file saved or exported from the app is read as it is;
    otherwise ``path`` names a preset saved in the workspace (``$SEG_WORKSPACE`` or
    ``data/workspace``), and ``@default`` is the workspace's default preset. Any
    problem becomes a one-line :class:`CliError`.
    """
    from .presets import PresetStore, read_preset_file
    from .tiers import SettingsError
    from .workspace import default_folder

    try:
        if path.is_file():
            return read_preset_file(path)
        store = PresetStore.for_workspace(default_folder())
        if str(path) == "@default":
            settings = store.default_settings()
            if settings is None:
                raise CliError(f"--preset @default: no default preset in {store.folder}")
            return settings
        if str(path) in store:
            return store.load(str(path))
        raise CliError(f"--preset {path}: no such file, and no saved preset of that name "
                       f"in {store.folder}")
    except OSError as err:
        raise CliError(f"--preset {path}: cannot read the file ({err.strerror})") from err
    except SettingsError as err:
        raise CliError(f"--preset {path}: not a valid preset: {err.message('en')}") from err


def _output_frame(scored: pd.DataFrame) -> pd.DataFrame:
    out = scored.reset_index()
    out.attrs = {}  # run metadata (e.g. as_of) is not part of the file format
    for col in OUTPUT_COLUMNS:
        if col not in out.columns:
            out[col] = "" if col == "risk_reasons" else float("nan")
    rest = [c for c in out.columns if c not in OUTPUT_COLUMNS]
    out = out[list(OUTPUT_COLUMNS) + rest]
    for col in ("tier", "rfm_segment"):
        out[col] = out[col].astype(str)
    return out


def write_output(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_parquet(path, index=False)


def main(argv: Sequence[str] | None = None) -> int:
    from .schema import DataError

    args = _parser().parse_args(argv)
    try:
        frame = score(args)
        write_output(frame, args.out)
    except CliError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except DataError as err:
        lines = err.message(args.lang).splitlines()
        print("error: " + " | ".join(lines), file=sys.stderr)
        return 2
    print(f"scored {len(frame):,} customers -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
