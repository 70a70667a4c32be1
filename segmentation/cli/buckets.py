"""``score --database NAME --write-table TABLE`` on a network larger than the row bound:
scored bucket by bucket (:mod:`segmentation.netscore`), each bucket written back at once."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from .. import formatting, i18n
from .output import CHURN_COLUMNS, output_frame


def needs_buckets(args: argparse.Namespace, engine, as_of, names) -> int | None:
    """The network's customer count when this run scores in buckets (``--write-table``
    without ``--out``, more customers than :func:`~segmentation.limits.max_customer_rows`),
    else ``None``."""
    from ..limits import max_customer_rows
    from ..netscore import network_size

    if not getattr(args, "write_table", None) or args.out is not None:
        return None
    n = network_size(engine, as_of=as_of, table_names=names)
    return n if n > max_customer_rows() else None


def output_of(scored: pd.DataFrame, churn: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    """The output rows of scored customers (:meth:`segmentation.netscore.NetworkScorer.
    score`), as the in-memory run writes them: the churn columns joined, reasons in
    ``lang``."""
    from ..churn import render_reasons

    if churn is not None:
        churn = churn.assign(risk_reasons=render_reasons(churn, lang))
        columns = [c for c in CHURN_COLUMNS if c in churn.columns]
        scored = scored.join(churn[columns], how="left")
    return output_frame(scored)


def score_in_buckets(args: argparse.Namespace, engine, names, *, as_of, customers: int,
                     settings, user) -> int | Spool:
    """Learn once, then score and write back one range of hash buckets at a time; returns
    the rows written. The first range replaces the table (when this product wrote it),
    the others are appended. On DuckDB the parts are written once the reading engine is
    closed: a :class:`Spool` to :meth:`~Spool.write` then."""
    from ..churn.defaults import resolve_as_of
    from ..limits import max_customer_rows
    from ..netscore import bucket_ranges, fit_network, score_buckets
    from .scope import scoped_output

    bound = max_customer_rows()
    day = resolve_as_of(engine, as_of, names)
    scorer = fit_network(
        engine, as_of=day, customers=customers, bound=bound, settings=settings,
        churn=args.churn, horizon_days=args.horizon, lost_after_days=args.lost_after,
        clusters=args.clusters, lang=args.lang, table_names=names,
        on_warning=lambda text: print(f"warning: churn columns left empty: {text}",
                                      file=sys.stderr))
    if scorer.churn is not None:
        print(f"churn: {scorer.churn.result.explanation(args.lang)}", file=sys.stderr)
    ranges = bucket_ranges(customers, bound)
    print(i18n.t("cli.buckets.start", args.lang, n=formatting.number(customers, args.lang),
                 parts=len(ranges), limit=formatting.number(bound, args.lang)),
          file=sys.stderr)
    parts = (scoped_output(output_of(scored, churn, args.lang), user, args.lang)
             for scored, churn in score_buckets(engine, scorer, ranges))
    if engine.dialect.name == "duckdb":
        # a DuckDB file cannot be open read-only (the reader) and writable at once in one
        # process: each part goes to a Parquet file, written back once the reader is closed
        return Spool.of(parts, day)
    return write_parts(args, parts, day)


def write_parts(args: argparse.Namespace, parts, day) -> int:
    """Write scored parts back: the first replaces the table, the others are appended."""
    from .database import append_table, write_table

    written, first = 0, True
    for out in parts:
        if first:
            written += write_table(args, out, day)
            first = False
        elif len(out):
            written += append_table(args, out, day)
        del out  # one part in memory at a time
    return written


class Spool:
    """Scored parts kept as Parquet files in a private temporary folder until they can be
    written back (:meth:`write`, which removes the folder)."""

    def __init__(self, folder, paths, day):
        self.folder, self.paths, self.day = folder, paths, day

    @classmethod
    def of(cls, parts, day) -> Spool:
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp(prefix="seg-buckets-"))
        paths = []
        for i, out in enumerate(parts):
            path = folder / f"part{i:05d}.parquet"
            out.to_parquet(path)
            paths.append(path)
        return cls(folder, paths, day)

    def write(self, args: argparse.Namespace) -> int:
        import shutil

        try:
            return write_parts(args, (pd.read_parquet(p) for p in self.paths), self.day)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)



def empty_result(rows: int) -> pd.DataFrame:
    """A frame of ``rows`` rows and no columns: what the audit log counts for a bucketed
    run, whose rows are in the database, not in memory."""
    return pd.DataFrame(index=pd.RangeIndex(rows))
