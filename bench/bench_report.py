"""Benchmark: the report deck for the whole network once the figures are cached, and on the
bundled sample.

Times, on a generated network (``--customers``, default 1,000,000; ``--workspace DIR``
reuses one):

* the figures the report reads (the customer view, cubes, tiers, churn, tier history,
  personas, satisfaction: what the pages cache), once, as :func:`gather_inputs`;
* the deck from those cached figures: :func:`build_report` then the PPTX (budget 30 s
  at 1,000,000 customers), and the HTML report and the workbook;
* the baseline: a plain python-pptx deck with the same charts (the same categories and
  values, no titles, notes, tables or formatting), the floor of writing the charts.

Then the same deck on the bundled sample (budget 5 s).

    .venv/bin/python -m bench.bench_report [--customers 1000000] [--workspace DIR]
        [--lang en] [--no-sample]

(from the repository root; at 1,000,000 customers run it under ``flock /work/bench.lock``).
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time

from bench._workspace import add_common_args, bench_workspace, peak_mb


def plain_deck(report) -> bytes:
    """The baseline: every chart of ``report`` as a bare python-pptx column chart."""
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    deck = Presentation()
    for chart in report.charts:
        data = CategoryChartData()
        data.categories = list(chart.categories)
        for name, values in chart.series.items():
            data.add_series(name, [None if v != v else v for v in values])
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(0.5), Inches(0.5),
                               Inches(9), Inches(6.5), data)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def time_files(inputs, lang: str, label: str, budget: float) -> None:
    """The deck (and the other two files) from cached figures, next to the baseline."""
    from segmentation.report import build_report, report_bytes

    start = time.perf_counter()
    report = build_report(inputs, lang=lang, source=label)
    built = time.perf_counter() - start
    start = time.perf_counter()
    deck = report_bytes(report, "pptx")
    written = time.perf_counter() - start
    start = time.perf_counter()
    plain = plain_deck(report)
    baseline = time.perf_counter() - start
    rows = [("build_report (sections from cached figures)", built),
            ("write the deck (pptx)", written)]
    for name in ("html", "xlsx"):
        start = time.perf_counter()
        report_bytes(report, name)
        rows.append((f"write the {name} file", time.perf_counter() - start))
    rows.append(("baseline: bare python-pptx deck of the same charts", baseline))
    print(f"\n{label}: {len(report.sections)} sections, {len(report.charts)} charts, "
          f"deck {len(deck) / 1e6:.1f} MB (baseline {len(plain) / 1e6:.1f} MB)")
    print(f"{'step':56}{'s':>8}")
    for name, seconds in rows:
        print(f"{name:56}{seconds:>8.2f}")
    total = built + written
    verdict = "within" if total <= budget else "OVER"
    print(f"deck after the figures are cached: {total:.2f} s ({verdict} the {budget:.0f} s "
          f"budget; {total / max(baseline, 1e-9):.1f}x the bare deck)")


def figures(engine, lang: str):
    """The report's figures, timed step by step (what the pages cache)."""
    from segmentation.report import gather_inputs

    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    inputs = gather_inputs(engine, user=None, lang=lang,
                           progress=lambda done, key: marks.append((key, time.perf_counter())))
    print(f"{'figures (once; the pages cache them)':56}{'s':>8}")
    for (key, begun), (_, ended) in zip(marks, marks[1:], strict=False):
        print(f"  {key:54}{ended - begun:>8.2f}")
    print(f"{'  all figures':56}{time.perf_counter() - start:>8.2f}")
    return inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    parser.add_argument("--no-sample", dest="sample", action="store_false",
                        help="skip the deck on the bundled sample")
    args = parser.parse_args()

    ws = bench_workspace(args.workspace, args.customers, "bench-report-")
    snap = ws.current()
    with ws.lease(snap):
        inputs = figures(ws.engine(snap), args.lang)
    time_files(inputs, args.lang, f"network of {snap.n_customers:,} customers", 30.0)
    del inputs
    if args.sample:
        from segmentation.workspace import Workspace, load_sample

        with tempfile.TemporaryDirectory(prefix="bench-report-sample-") as folder:
            sample = Workspace(folder)
            snap = load_sample(sample)
            with sample.lease(snap):
                inputs = figures(sample.engine(snap), args.lang)
                time_files(inputs, args.lang, f"bundled sample ({snap.n_customers:,} "
                           "customers)", 5.0)
            sample.engine(snap).dispose()
    print(f"\npeak memory {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
