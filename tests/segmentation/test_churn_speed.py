"""Churn at scale: the backtest's customer sample drawn in the database, outcomes read from
cached views, the vectorised bootstrap's figures, the uncalibrated pipeline models."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

from data.generate_sample import generate
from segmentation.churn import ChurnConfig, ChurnModel, backtest, score_churn
from segmentation.churn.choice import _Ranked
from segmentation.churn.features import SAMPLE_BUCKETS, churn_features, sampled_tables
from segmentation.churn.labels import churn_labels, training_set
from segmentation.clv import CLVWarning
from segmentation.features import customer_view
from segmentation.workspace import Workspace
from tests.conftest import write_tables

AS_OF = pd.Timestamp("2025-06-30")


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    tables = generate(3_000, with_text=False)
    tables.pop("truth")
    ws = Workspace(tmp_path_factory.mktemp("churn-speed"))
    ws.replace(tables, source="test")
    return ws.engine()


def test_customer_sample_is_drawn_in_the_database_on_every_backend(db_engine):
    rng = np.random.default_rng(7)
    n = 2_000
    ids = np.array([f"K{i:05d}" for i in range(n)])
    tx = pd.DataFrame({"customer_id": np.repeat(ids, 3),
                       "date": pd.Timestamp("2024-01-01")
                       + pd.to_timedelta(rng.integers(0, 300, 3 * n), unit="D"),
                       "amount": rng.uniform(-5, 50, 3 * n).round(2)})
    customers = pd.DataFrame({"customer_id": ids, "branch": rng.choice(["B1", "B2"], n)})
    write_tables(db_engine, {"transactions": tx, "customers": customers})
    drawn = sampled_tables(db_engine, share=0.3, seed=7)
    if db_engine.dialect.name == "sqlite":  # no hash function: the caller reads everyone
        assert drawn is None
        return
    names, share = drawn
    assert share == math.ceil(0.3 * SAMPLE_BUCKETS) / SAMPLE_BUCKETS
    day = pd.Timestamp("2024-10-01")
    full = customer_view(db_engine, as_of=day)
    sample = customer_view(db_engine, as_of=day, table_names=names)
    # about 30 % of the customers (binomial: within five standard deviations)
    assert abs(len(sample) - share * len(full)) < 5 * math.sqrt(len(full) * share * (1 - share))
    # each sampled customer with all of their rows: the same figures as in the full view
    pd.testing.assert_frame_equal(sample, full.loc[sample.index], check_exact=False)
    # the same customers at another day and with another draw of the same seed
    earlier = customer_view(db_engine, as_of=day - pd.Timedelta(days=60), table_names=names)
    assert set(earlier.index) <= set(sample.index)
    again = customer_view(db_engine, as_of=day, table_names=sampled_tables(
        db_engine, share=0.3, seed=7)[0])
    assert again.index.equals(sample.index)
    other = customer_view(db_engine, as_of=day, table_names=sampled_tables(
        db_engine, share=0.3, seed=8)[0])
    assert not other.index.equals(sample.index)


def test_outcomes_from_a_cached_view_match_the_query(network):
    start = AS_OF - pd.Timedelta(days=90)
    index = customer_view(network, as_of=start).index
    queried = churn_labels(network, start=start, horizon_days=90, index=index)
    views = {(AS_OF, 90): customer_view(network, as_of=AS_OF)}
    cached = churn_labels(network, start=start, horizon_days=90, index=index, views=views)
    pd.testing.assert_series_equal(cached, queried)
    assert 0 < queried.mean() < 1


def test_backtest_above_the_sample_size_reads_a_database_sample(network):
    config = ChurnConfig(backtest_sample=1_000, max_iter=20, n_boot=50)
    view = customer_view(network, as_of=AS_OF)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CLVWarning)
        bt = backtest(network, as_of=AS_OF, horizon_days=90, config=config)
        result = score_churn(network, as_of=AS_OF, horizon_days=90, lang=None, view=view,
                             config=config)
    share = math.ceil(1_000 / len(view) * SAMPLE_BUCKETS) / SAMPLE_BUCKETS
    assert bt.sample_share == share and len(bt.cutoffs) == 3
    names, _ = sampled_tables(network, share=share, seed=config.random_state)
    at_eval = customer_view(network, as_of=bt.eval_cutoff, table_names=names)
    assert bt.sampled == len(at_eval) < 1_000 + 200
    # every sampled customer not lost at the latest window's day is judged, no one else
    features = churn_features(network, as_of=bt.eval_cutoff, horizon_days=90,
                              table_names=names)
    assert features.index.equals(at_eval.index)
    assert bt.scores.index.equals(features.index[features["recency_days"]
                                                 <= bt.lost_after_days])
    assert (bt.windows["n"] <= bt.sampled * 1.2).all()
    # the call list's capacity scaled to the sample, as it is to every customer not lost
    branches = features.loc[bt.scores.index, "branch"].nunique()
    latest = bt.windows[bt.windows["window"] == 0]
    assert (latest["capacity"] == round(config.calls_per_branch * branches * share)).all()
    assert bt.n_train < bt.sampled and bt.unused == {}
    assert "sample" in bt.design_sentence("en") and "抽样" in bt.design_sentence("zh")
    # the backtest inside score_churn is the same; every customer is scored
    assert result.backtest.sampled == bt.sampled
    pd.testing.assert_frame_equal(result.backtest.windows, bt.windows)
    assert len(result.scores) == len(view) and result.scores["churn_risk"].notna().all()
    # below the sample size, every customer is read
    small = backtest(network, as_of=AS_OF, horizon_days=90,
                     config=config.with_(backtest_sample=None))
    assert small.sampled is None and small.sample_share is None
    assert small.windows["n"].max() > bt.windows["n"].max()


@pytest.mark.parametrize("sample", [1_000, None], ids=["db-sample", "everyone"])
def test_backtest_aggregates_the_transactions_once(network, sample):
    """The backtest's customer views (window days, training days, outcome days) of every
    customer come from one aggregation pass over the transactions (issue 23); those of a
    sample drawn in the database from one plain pass per day (cheaper than the conditional
    aggregates of days far apart over the sample's rows), each day read once."""
    import re

    import sqlalchemy as sa

    config = ChurnConfig(backtest_sample=sample, max_iter=20, n_boot=50)
    view = customer_view(network, as_of=AS_OF)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()).lower())

    sa.event.listen(network, "before_cursor_execute", seen)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CLVWarning)
            result = score_churn(network, as_of=AS_OF, horizon_days=90, lang=None, view=view,
                                 config=config)
    finally:
        sa.event.remove(network, "before_cursor_execute", seen)
    assert len(result.backtest.cutoffs) == 3
    passes = [s for s in statements
              if re.search(r"group by (\w+)\.customer_id\b.* order by agg\.customer_id$", s)]
    if sample is None:
        assert len(passes) == 1, passes
    else:  # windows H apart: their three days, and the training day of the earliest (the
        # outcome days are the next window's day, the latest's is as_of, in the view given)
        assert len(passes) == 4, passes


def test_pipeline_models_learn_on_every_training_customer_uncalibrated(network):
    x, y = training_set(network, as_of=AS_OF, horizon_days=90)
    config = ChurnConfig(max_iter=20)
    plain = ChurnModel(90, config=config.with_(calibration="none")).fit(x, y)
    assert isinstance(plain.classifier_, HistGradientBoostingClassifier)
    assert plain.classifier_.n_iter_ == 20
    calibrated = ChurnModel(90, config=config).fit(x, y)
    assert not isinstance(calibrated.classifier_, HistGradientBoostingClassifier)
    with pytest.raises(ValueError, match="none"):
        ChurnConfig(calibration="platt")


@pytest.mark.parametrize("ties", [False, True], ids=["continuous", "tied"])
def test_bootstrap_auc_and_shares_with_weights_match_repeated_rows(ties):
    rng = np.random.default_rng(7)
    n = 3_000
    y = rng.random(n) < 0.3
    score = y + rng.normal(0, 1.0, n)
    if ties:
        score = np.round(score * 3)
    score[:10] = np.nan  # missing scores rank lowest
    ranked = _Ranked(score, y, capacity=150)
    w = rng.poisson(1.0, size=(4, n)).astype("float32")
    auc = ranked.auc(w)
    top = ranked.share("precision_top10", w)
    filled = np.where(np.isnan(score), np.nanmin(score) - 1, score)
    for r in range(4):
        rows = np.repeat(np.arange(n), w[r].astype(int))
        assert auc[r] == pytest.approx(roc_auc_score(y[rows], filled[rows]), abs=1e-9)
    # the top group is fixed on the original sample; weights change its churned share
    idx, member, churned = ranked.top["precision_top10"]
    assert member.sum() == pytest.approx(math.ceil(0.1 * n))
    expected = (w[:, idx] * churned).sum(axis=1) / (w[:, idx] * member).sum(axis=1)
    np.testing.assert_allclose(top, expected, rtol=1e-6)
    ones = ranked.auc(np.ones((1, n)))
    assert ones[0] == pytest.approx(roc_auc_score(y, filled), abs=1e-12)


@pytest.mark.parametrize("dtype", ["str", "object", "category"])
def test_category_codes_are_the_categorical_codes_without_building_one(dtype):
    """The model's categorical features become their position among the training
    categories (NaN for missing or unseen values), as ``pd.Categorical(...).codes`` gave,
    but looked up in Arrow: no warning for values unseen in training (pandas will raise
    for them), whatever the column's dtype."""
    from segmentation.churn.model import category_codes

    rng = np.random.default_rng(3)
    values = pd.Series(rng.choice(["rural", "urban", "suburb", "new_type", None], 5000)
                       ).astype(dtype)
    categories = ["rural", "suburb", "urban"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        old = pd.Categorical(values.astype("str"), categories=categories).codes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = category_codes(values, categories)
    assert np.array_equal(new, np.where(old >= 0, old, np.nan), equal_nan=True)
    assert np.isnan(new[(values == "new_type").to_numpy(dtype=bool, na_value=False)]).all()
    assert set(np.unique(new[~np.isnan(new)])) == {0.0, 1.0, 2.0}
