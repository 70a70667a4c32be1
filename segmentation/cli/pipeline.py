"""The customer view and the churn scores of a ``score`` run, from any engine."""

from __future__ import annotations

import argparse
import sys


def view_and_churn(engine, args: argparse.Namespace, as_of, table_names=None):
    """The customer view and (unless ``--no-churn``) the churn scores, from ``engine``."""
    from ..churn import ChurnUnavailable, render_reasons, score_churn
    from ..features import customer_view

    view = customer_view(engine, as_of=as_of, table_names=table_names)
    churn = None
    if args.churn:
        try:
            result = score_churn(engine, as_of=as_of, view=view, lang=None,
                                 horizon_days=args.horizon, lost_after_days=args.lost_after,
                                 table_names=table_names)
        except ChurnUnavailable as err:  # too little data: say what is missing
            print(f"warning: churn columns left empty: {err.message(args.lang)}",
                  file=sys.stderr)
        else:
            # the words come last, in the language asked for (scoring has none)
            churn = result.scores.assign(risk_reasons=render_reasons(result.scores,
                                                                     args.lang))
            print(f"churn: {result.explanation(args.lang)}", file=sys.stderr)
    return view, churn


def with_files(args: argparse.Namespace, paths, as_of, work):
    """``work(engine)`` on the input files ``paths`` (table -> path), read and cleaned like an
    upload, then held by an in-memory DuckDB database for the queries (no workspace file is
    written); problems become ``warning:`` lines."""
    import pandas as pd

    from ..cleaning import load_files
    from ..workspace import memory_engine

    dataset = load_files(paths, encoding=args.encoding, as_of=as_of,
                         today=pd.Timestamp.today().normalize(),
                         day_first={"auto": None, "day-first": True,
                                    "month-first": False}[args.date_order])
    for problem in dataset.problems:
        print("warning: " + problem.message(args.lang).replace("\n", " "), file=sys.stderr)
    # each frame is dropped as soon as DuckDB holds its rows: they would double the peak
    engine = memory_engine(dataset.tables, release=True)
    del dataset
    try:
        return work(engine)
    finally:
        engine.dispose()
