"""Benchmark: customer clusters at 1,000,000 customers (fit on a sample, assign everyone).

Generates the sample network at benchmark size (default 1,000,000 customers,
about 10,000,000 transactions), loads it into a workspace, builds the
customer view, then times with the default settings of
:mod:`segmentation.clusters` (k = 6, the default features):

* ``fit``: :class:`CustomerClusterer` fitted on its seeded 100,000-customer
  sample, with 1 thread (the default) and with all cores (``n_threads=None``);
* ``predict``: every customer assigned;
* ``suggest_k``: silhouettes for k = 2..10 on a 5,000-customer sample;
* profiles, z-scores and persona names on all customers; the 3,000-point map.

Quality: the adjusted Rand index against the planted archetypes, and on a
200,000-customer subset the agreement (ARI) between a fit on all of them and
fits on samples of 10k .. 100k: how much sampling costs.

Prints figures; not a test.

    .venv/bin/python bench/bench_clusters.py [--customers 1000000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench._workspace import peak_mb

ROOT = Path(__file__).resolve().parents[1]


class _Timer:
    def __init__(self, label: str):
        self.label = label

    def __enter__(self) -> _Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
        print(f"  {self.label:<52}{self.seconds:>8.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--k", type=int, default=6)
    parser.add_argument("--subset", type=int, default=200_000,
                        help="customers of the sample-versus-full comparison")
    args = parser.parse_args()

    import numpy as np
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    from data.generate_sample import generate
    from segmentation.clusters import (
        CustomerClusterer,
        cluster_profiles,
        cluster_zscores,
        persona_names,
        projection,
        suggest_k,
    )
    from segmentation.features import customer_view
    from segmentation.workspace import Workspace

    print(f"CPUs: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    print("data")
    with _Timer(f"generate {args.customers:,} customers"):
        tables = generate(args.customers, with_text=False)
    truth = tables.pop("truth").set_index("customer_id")["archetype"].astype(str)
    n_tx = len(tables["transactions"])
    folder = Path(tempfile.mkdtemp(prefix="bench-clusters-"))
    ws = Workspace(folder)
    with _Timer(f"workspace ({n_tx:,} transactions)"):
        ws.replace(tables, source="bench")
    del tables
    try:
        with _Timer("customer view"):
            view = customer_view(ws.engine())
        ws.engine().dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    truth = truth.reindex(view.index)
    print(f"  view: {len(view):,} customers x {view.shape[1]} columns")

    k = args.k
    print(f"clustering (k = {k}, default features, sample 100,000)")
    with _Timer("fit on the sample, 1 thread (default)") as t_fit:
        model = CustomerClusterer(k).fit(view)
    with _Timer("fit on the sample, all cores (n_threads=None)") as t_fit_all:
        model_all = CustomerClusterer(k, n_threads=None).fit(view)
    with _Timer(f"predict all {len(view):,}") as t_pred:
        labels = model.predict(view)
    same = bool((model_all.predict(view) == labels).all())
    with _Timer("suggest_k, k = 2..10 on 5,000") as t_k:
        scores, best = suggest_k(view)
    with _Timer("profiles + z-scores + names (en, zh), all customers") as t_prof:
        profiles = cluster_profiles(view, labels, model.features_)
        zscores = cluster_zscores(view, labels, model.features_)
        names = {lang: persona_names(profiles, zscores, lang) for lang in ("en", "zh")}
    with _Timer("projection, 3,000 customers") as t_map:
        projection(view, labels, model=model)
    ari = adjusted_rand_score(truth, labels)

    print(f"quality on {args.subset:,} customers: sample fit vs full fit")
    rng = np.random.default_rng(7)
    subset = view.iloc[np.sort(rng.choice(len(view), size=min(args.subset, len(view)),
                                          replace=False))]
    sub_truth = truth.reindex(subset.index)
    t0 = time.perf_counter()
    full = CustomerClusterer(k, sample_size=None).fit(subset).predict(subset)
    full_seconds = time.perf_counter() - t0
    rows = [("full", len(subset), full_seconds, 1.0, adjusted_rand_score(sub_truth, full))]
    for size in (10_000, 25_000, 50_000, 100_000):
        t0 = time.perf_counter()
        part = CustomerClusterer(k, sample_size=size).fit(subset).predict(subset)
        rows.append((f"sample {size:,}", min(size, len(subset)), time.perf_counter() - t0,
                     adjusted_rand_score(full, part), adjusted_rand_score(sub_truth, part)))

    print()
    print(f"customers {len(view):,}, k = {k}, features: {', '.join(model.features_)}")
    print(f"fit (100k sample, 1 thread)     {t_fit.seconds:8.2f} s")
    print(f"fit (100k sample, all cores)    {t_fit_all.seconds:8.2f} s  (same labels: {same})")
    print(f"predict (all customers)         {t_pred.seconds:8.2f} s")
    print(f"suggest_k (2..10, 5k sample)    {t_k.seconds:8.2f} s  suggested k = {best}")
    print(f"profiles + personas             {t_prof.seconds:8.2f} s")
    print(f"projection (3k)                 {t_map.seconds:8.2f} s")
    print(f"fit + predict + suggest_k       {t_fit.seconds + t_pred.seconds + t_k.seconds:8.2f} s")
    print(f"peak RSS                        {peak_mb():8.0f} MB")
    print(f"ARI vs planted archetypes (all customers): {ari:.3f}")
    print()
    print(scores.round(3).to_string(index=False))
    print()
    print(f"{'fit on':<16}{'customers':>10}{'seconds':>9}{'ARI vs full':>13}{'ARI vs truth':>14}")
    for label, n, seconds, vs_full, vs_truth in rows:
        print(f"{label:<16}{n:>10,}{seconds:>9.2f}{vs_full:>13.3f}{vs_truth:>14.3f}")
    print()
    table = profiles[["size", "revenue_share"]].join(names["en"]).join(
        names["zh"]["name"].rename("name_zh"))
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(table.to_string())


if __name__ == "__main__":
    main()
