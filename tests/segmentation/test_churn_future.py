"""The default ranking against what really happened next, on generated histories of three
shapes: never below "days since the last purchase" by more than 0.005 ROC-AUC or 0.01
top-decile precision, at the product's horizon and at a longer one.

The workspace holds only the data up to the cut; the future is kept in the test.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from segmentation.churn import score_churn
from segmentation.churn.metrics import ranking_metrics
from segmentation.clv import CLVWarning
from segmentation.workspace import Workspace
from tests.segmentation.histories import START, churned_after, history

AUC_MARGIN, TOP_MARGIN = 0.005, 0.01


@pytest.mark.parametrize(("shape", "cut_days"), [
    ("cohort", 270),    # one acquisition quarter, nine months in
    ("cohort", 180),    # and six months in
    ("seasonal", 700),
    ("steady", 700),
], ids=["cohort-9-months", "cohort-6-months", "seasonal", "steady"])
def test_default_ranking_never_trails_days_since_the_last_purchase(tmp_path, shape, cut_days):
    transactions = history(shape, n=3000)
    as_of = START + pd.Timedelta(days=cut_days)
    ws = Workspace(tmp_path)
    ws.replace({"transactions": transactions[transactions["date"] <= as_of]}, source="test")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CLVWarning)
        result = score_churn(ws.engine(), lang=None)
    scores = result.scores
    assert result.backtest is not None and len(result.backtest.cutoffs) == 3
    live = (scores["status"] != "lost").to_numpy()
    for days in (result.horizon_days, 273):
        y = churned_after(transactions, as_of=as_of, days=days,
                          customers=scores.index).to_numpy()
        # every customer (the CLI's output), and the live ones (the call list's)
        for rows in (slice(None), live):
            product = ranking_metrics(y[rows], scores["churn_risk"].to_numpy()[rows])
            rule = ranking_metrics(y[rows], scores["recency_days"].to_numpy()[rows])
            print(f"{shape} {cut_days} d, next {days} d, ranked by {result.ranked_by}: "
                  f"{product['roc_auc']:.3f} / {product['precision_top10']:.3f} against "
                  f"{rule['roc_auc']:.3f} / {rule['precision_top10']:.3f}")
            assert product["roc_auc"] >= rule["roc_auc"] - AUC_MARGIN
            assert product["precision_top10"] >= rule["precision_top10"] - TOP_MARGIN
