"""Churn warning: leakage, metrics on hand-made data, the sample backtest, reasons, lifecycle."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from data.generate_sample import generate
from segmentation import i18n
from segmentation.churn import (
    CANDIDATES,
    HORIZON_OPTIONS,
    REASON_RULES,
    SIGNAL_COLUMNS,
    STAGES,
    STATUSES,
    Calibration,
    ChurnConfig,
    ChurnModel,
    ChurnUnavailable,
    Ranking,
    backtest,
    call_list,
    call_sheet,
    choose,
    churn_labels,
    churn_signals,
    default_horizon,
    default_lost_after,
    lifecycle_stages,
    paired_differences,
    ranking_metrics,
    reasons,
    render_reasons,
    score_churn,
    summarize,
    top_share_metrics,
    training_set,
    warning_list,
    window_cutoffs,
)
from segmentation.churn.choice import WindowData
from segmentation.clv import BetaGeoModel, CLVWarning
from segmentation.features import customer_view
from segmentation.workspace import SAMPLE_FOLDER, Workspace, load_sample
from tests.conftest import write_tables

AS_OF = pd.Timestamp("2025-06-30")
RISK_CODES = set(REASON_RULES.loc[REASON_RULES["side"] == "risk", "code"]) | {
    "quiet", "pattern", "lost"}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _quiet_clv():
    # small or short data make the BG/NBD fit warn; that is clv's business, tested there
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CLVWarning)
        yield


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sample_engine(tmp_path_factory):
    ws = Workspace(tmp_path_factory.mktemp("churn-sample"))
    load_sample(ws)
    engine = ws.engine()
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def sample_view(sample_engine):
    return customer_view(sample_engine, as_of=AS_OF)


@pytest.fixture(scope="module")
def sample_backtest(sample_engine, sample_view):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CLVWarning)
        return backtest(sample_engine, as_of=AS_OF, horizon_days=default_horizon(sample_view))


@pytest.fixture(scope="module")
def sample_model(sample_engine, sample_view):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CLVWarning)
        return ChurnModel(default_horizon(sample_view)).fit(sample_engine, as_of=AS_OF)


@pytest.fixture(scope="module")
def sample_scores(sample_engine, sample_model, sample_view):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CLVWarning)
        return sample_model.score(sample_engine, as_of=AS_OF, view=sample_view)


@pytest.fixture(scope="module")
def small_tables() -> dict[str, pd.DataFrame]:
    tables = generate(2_000, with_text=False)
    tables.pop("truth")
    return tables


def _engine(folder: Path, tables: dict[str, pd.DataFrame]):
    ws = Workspace(folder)
    ws.replace(tables, source="test")
    return ws.engine()


# --------------------------------------------------------------------------- leakage


def test_training_features_never_read_after_the_cutoff(tmp_path, small_tables):
    horizon = 90
    cutoff = AS_OF - pd.Timedelta(days=horizon)
    rng = np.random.default_rng(7)
    changed = {name: frame.copy() for name, frame in small_tables.items()}
    tx = changed["transactions"]
    after = tx["date"] > cutoff
    # after the cutoff: drop half of the rows, change the amounts of the rest, add new
    # rows for existing and for brand-new customers
    keep = ~after | (rng.random(len(tx)) < 0.5)
    tx = tx.loc[keep].copy()
    tx.loc[tx["date"] > cutoff, "amount"] *= 3.0
    extra = tx.sample(300, random_state=7).copy()
    extra["date"] = cutoff + pd.to_timedelta(rng.integers(1, horizon + 1, len(extra)), "D")
    extra.loc[extra.index[:50], "customer_id"] = [f"NEW{i:03d}" for i in range(50)]
    changed["transactions"] = pd.concat([tx, extra], ignore_index=True)
    # complaints: open ones get resolved after the cutoff, new ones are filed after it
    cp = changed["complaints"]
    still_open = (cp["date"] <= cutoff) & cp["resolved_date"].isna()
    assert still_open.any()
    cp.loc[still_open, "status"] = "resolved"
    cp.loc[still_open, "resolved_date"] = cutoff + pd.Timedelta(days=10)
    late = cp.head(40).copy()
    late["date"] = cutoff + pd.Timedelta(days=5)
    changed["complaints"] = pd.concat([cp, late], ignore_index=True)
    # surveys after the cutoff all score 1
    sv = changed["surveys"]
    sv.loc[sv["date"] > cutoff, "score"] = 1.0

    first = _engine(tmp_path / "a", small_tables)
    second = _engine(tmp_path / "b", changed)
    f1, y1 = training_set(first, as_of=AS_OF, horizon_days=horizon)
    f2, y2 = training_set(second, as_of=AS_OF, horizon_days=horizon)
    assert f1.attrs["cutoff"] == cutoff
    pd.testing.assert_frame_equal(f1, f2)
    assert f1.attrs["lost_after_days"] == f2.attrs["lost_after_days"]
    # only the labels see what happened after the cutoff
    assert not y1.equals(y2)
    assert y1.index.equals(f1.index)


def test_model_fit_reads_only_up_to_as_of(tmp_path, small_tables):
    """Rows after the model's as_of change nothing: same fitted probabilities."""
    as_of = AS_OF - pd.Timedelta(days=60)
    changed = {name: frame.copy() for name, frame in small_tables.items()}
    tx = changed["transactions"]
    changed["transactions"] = tx.loc[tx["date"] <= as_of]
    first = _engine(tmp_path / "a", small_tables)
    second = _engine(tmp_path / "b", changed)
    quick = ChurnConfig(max_iter=20)
    p1 = ChurnModel(60, config=quick).fit(first, as_of=as_of).predict_proba_at(first,
                                                                               as_of=as_of)
    p2 = ChurnModel(60, config=quick).fit(second, as_of=as_of).predict_proba_at(second,
                                                                                as_of=as_of)
    pd.testing.assert_series_equal(p1, p2)


def test_labels_on_every_backend(db_engine):
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "c", "d"],
        "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-15", "2024-01-10",
                                "2024-01-31", "2024-03-01"]),
        "amount": [10.0, 5.0, 10.0, 10.0, -10.0, 10.0],
    })
    free = pd.DataFrame({"customer_id": ["f", "f"], "amount": [10.0, 0.0],
                         "date": pd.to_datetime(["2024-01-02", "2024-01-20"])})
    write_tables(db_engine, {"transactions": pd.concat([tx, free], ignore_index=True)})
    index = pd.Index(["a", "b", "c", "d", "e", "f"], name="customer_id")
    got = churn_labels(db_engine, start="2024-01-15", horizon_days=17, index=index)
    # (Jan 15, Feb 1]: a bought on Feb 1 (the last day counts), b only on the start day,
    # c only refunded, d came later, e never bought, f placed a free order (amount 0)
    assert got.tolist() == [False, True, True, True, True, False]
    assert got.index.equals(index)


# --------------------------------------------------------------------------- metrics


def test_top_share_metrics_exact():
    score = np.arange(20, 0, -1, dtype=float)  # 20, 19, ..., 1: no ties
    y = np.zeros(20, dtype=bool)
    y[[0, 5, 9, 14, 19]] = True  # 5 churners, one of them in the top 2
    got = top_share_metrics(y, score)
    assert got == {"precision": 0.5, "recall": 0.2, "lift": 2.0, "base_rate": 0.25, "k": 2,
                   "n": 20}


def test_top_share_metrics_split_ties_fractionally():
    score = np.array([5.0, 4.0, 4.0, 4.0] + [0.0] * 16)
    y = np.zeros(20, dtype=bool)
    y[[0, 1, 10, 11]] = True  # the top one, one of the three tied at the cut, two below
    got = top_share_metrics(y, score)
    # k = 2: the 5 (a churner) plus one of three tied 4s, one of which churned
    assert got["precision"] == pytest.approx((1 + 1 / 3) / 2)
    assert got["recall"] == pytest.approx((1 + 1 / 3) / 4)
    assert got["base_rate"] == pytest.approx(0.2)
    assert got["lift"] == pytest.approx((2 / 3) / 0.2)
    # the order of tied rows does not matter
    perm = np.r_[0, 3, 2, 1, np.arange(4, 20)]
    assert top_share_metrics(y[perm], score[perm]) == got


def test_ranking_metrics_auc_and_missing_scores():
    y = np.array([1, 0, 1, 0, 0, 1, 0, 0, 0, 0], dtype=bool)
    s = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, np.nan])
    got = ranking_metrics(y, s)
    filled = np.where(np.isnan(s), -1.0, s)
    assert got["roc_auc"] == pytest.approx(roc_auc_score(y, filled))
    assert got["precision_top10"] == 1.0  # k = 1: the 0.9, a churner
    assert got["recall_top10"] == pytest.approx(1 / 3)
    assert got["lift_top10"] == pytest.approx(1 / 0.3)
    assert got["n"] == 10
    assert np.isnan(ranking_metrics(np.ones(4, bool), np.arange(4.0))["roc_auc"])


# --------------------------------------------------------------------------- defaults


def _view(intervals: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"frequency": [3] * len(intervals) + [1],
                         "avg_interval_days": intervals + [np.nan]})


@pytest.mark.parametrize(("intervals", "horizon"), [
    ([8.0, 10.0, 12.0], 30), ([20.0, 20.0, 25.0], 60), ([35.0, 40.0, 45.0], 90),
    ([50.0, 70.0, 90.0], 180), ([200.0, 300.0, 400.0], 180), ([], 180),
], ids=["weekly", "fortnightly", "monthly", "bimonthly", "rare", "no-repeat-buyers"])
def test_default_horizon(intervals, horizon):
    assert default_horizon(_view(intervals)) == horizon
    assert horizon in HORIZON_OPTIONS


def test_default_lost_after():
    view = _view([float(x) for x in range(1, 101)])  # 90th percentile 90.1
    assert default_lost_after(view, 30) == 120  # 90.1 -> rounded up to 120
    assert default_lost_after(view, 90) == 180  # two horizons


# --------------------------------------------------------------------------- the sample


def _print_backtest(bt, title: str) -> None:
    print(f"\n{title}: H={bt.horizon_days} lost_after={bt.lost_after_days} "
          f"eval {bt.eval_cutoff.date()} n_train={bt.n_train} chosen={bt.chosen} ({bt.why}, "
          f"{bt.calibration.method})")
    print(bt.metrics[["roc_auc", "roc_auc_min", "roc_auc_max", "precision_top10",
                      "precision_top10_min", "precision_top10_max", "n", "windows"]]
          .round(3).to_string())
    print(bt.comparison.round(3).to_string())


def test_sample_backtest_checks_every_candidate(sample_backtest):
    bt = sample_backtest
    _print_backtest(bt, "sample")
    assert list(bt.metrics.index) == list(CANDIDATES) and bt.unused == {}
    assert len(bt.cutoffs) == 3 and bt.step_days == bt.horizon_days  # two years of history
    m, b = bt.metrics.loc["gbm"], bt.metrics.loc["recency"]
    assert bt.eval_cutoff == AS_OF - pd.Timedelta(days=bt.horizon_days)
    assert bt.train_cutoff == AS_OF - pd.Timedelta(days=2 * bt.horizon_days)
    assert m["roc_auc"] > b["roc_auc"] + 0.03
    assert m["precision_top10"] > b["precision_top10"]
    assert m["lift_top10"] > 1.5
    latest = bt.windows[bt.windows["window"] == 0]
    assert (latest["n"] == len(bt.scores)).all()
    chosen = bt.metrics.loc[bt.chosen]
    assert bt.why == "best"
    assert chosen["roc_auc"] > b["roc_auc"] and chosen["precision_top10"] >= b["precision_top10"]
    # chosen only because it beat the rule on every window or beyond the interval
    for metric in ("precision_top10", "roc_auc"):
        row = bt.comparison.loc[(bt.chosen, metric)]
        assert row["wins"] == row["windows"] == 3 or row["low"] > 0
    assert bt.grade == "better" and not bt.use_baseline
    # the BG/NBD probability alone already beats days since the last shipment here
    assert bt.metrics.loc["btyd", "roc_auc"] > b["roc_auc"]


def test_sample_backtest_calibration(sample_backtest):
    bt = sample_backtest
    print("\n" + bt.calibration_sentence("en"))
    print(bt.reliability.round(3).to_string())
    # cross-fitted: each half calibrated on the other, so this is not true by construction
    assert bt.calibration.method == "isotonic"
    assert abs(bt.mean_predicted - bt.observed_rate) < 0.02
    rel = bt.reliability
    assert rel["n"].sum() == len(bt.scores)  # the latest window
    assert np.all(np.diff(rel["observed"].to_numpy()) > -0.05)
    assert rel["observed"].iloc[-1] - rel["observed"].iloc[0] > 0.5
    assert np.abs(rel["mean_predicted"] - rel["observed"]).max() < 0.05


def test_sample_backtest_at_90_days(sample_engine):
    bt = backtest(sample_engine, as_of=AS_OF, horizon_days=90)
    _print_backtest(bt, "sample, H=90")
    assert abs(bt.mean_predicted - bt.observed_rate) < 0.02
    assert bt.why == "best" and bt.chosen != "recency"
    assert bt.metrics.loc[bt.chosen, "roc_auc"] >= bt.metrics.loc["recency", "roc_auc"]


def test_sample_decliners_fill_the_top_decile(sample_backtest):
    truth = pd.read_parquet(SAMPLE_FOLDER / "truth.parquet").set_index("customer_id")
    scores = sample_backtest.scores
    decliner = truth["decliner"].reindex(scores.index).to_numpy(dtype=bool)
    chosen = scores[sample_backtest.chosen].to_numpy()
    top = chosen >= np.quantile(chosen, 0.9)
    print(f"\ndecliners: {decliner[top].mean():.1%} of the top decile, "
          f"{decliner.mean():.1%} of all scored")
    assert decliner[top].mean() > 2 * decliner.mean()


def test_score_columns_and_statuses(sample_scores, sample_model):
    sc = sample_scores
    assert sc.index.name == "customer_id"
    for col in ("status", "churn_risk", "p_alive", "clv_12m", "value_at_risk", "risk_reasons",
                "reason_codes", *SIGNAL_COLUMNS):
        assert col in sc.columns
    assert set(sc["status"]) <= set(STATUSES)
    risk = sc["churn_risk"].to_numpy()
    assert np.all((risk >= 0) & (risk <= 1))
    lost = sc["status"] == "lost"
    assert (sc.loc[lost, "recency_days"] > sample_model.lost_after_days_).all()
    assert (sc.loc[~lost, "recency_days"] <= sample_model.lost_after_days_).all()
    warn = sc["status"] == "warning"
    assert (sc.loc[warn, "churn_risk"] >= sample_model.warning_threshold).all()
    assert (sc.loc[lost, "value_at_risk"] == 0).all()
    # sorted by value at risk, lost customers last
    live = sc.loc[~lost, "value_at_risk"].to_numpy()
    assert np.all(np.diff(live) <= 0)
    assert not lost.iloc[: (~lost).sum()].any()
    assert sc.attrs["ranked_by"] == "model"  # ChurnModel.score on its own


def test_warning_list_filters(sample_scores):
    sc = sample_scores.copy()
    sc["tier"] = np.where(sc["clv_12m"] > sc["clv_12m"].median(), "high", "low")
    branch = sc["branch"].dropna().iloc[0]
    out = warning_list(sc, tiers=["high"], branches=[branch], min_risk=0.6,
                       reason_codes=["overdue", "frequency_down"])
    assert len(out) > 0
    assert (out["status"] == "warning").all() and (out["churn_risk"] >= 0.6).all()
    assert (out["tier"] == "high").all() and (out["branch"] == branch).all()
    assert out["reason_codes"].str.contains("overdue|frequency_down").all()
    assert np.all(np.diff(out["value_at_risk"].to_numpy()) <= 0)
    with pytest.raises(ValueError, match="tier"):
        warning_list(sample_scores.drop(columns=[c for c in ("tier",) if c in sample_scores]),
                     tiers=["high"])


# --------------------------------------------------------------------------- reasons


def _rule_holds(values: np.ndarray, op: str, threshold: float) -> np.ndarray:
    return values >= threshold if op == ">=" else values <= threshold


def test_reasons_agree_with_scores(sample_scores):
    sc = sample_scores
    live = sc["status"] != "lost"
    high = live & (sc["churn_risk"] >= sc.attrs["high_risk_threshold"])
    assert high.sum() >= 0.09 * live.sum()
    codes = sc["reason_codes"].str.split(",")
    # every high-risk customer has a risk-raising reason, first, and no reassuring one
    assert codes[high].map(lambda c: c[0] in RISK_CODES and set(c) <= RISK_CODES).all()
    # everybody gets at least one reason; never more than three
    assert codes.map(len).between(1, 3).all() and (sc["risk_reasons"] != "").all()
    # no reason contradicts its signal
    for rule in REASON_RULES.itertuples():
        has = codes.map(lambda c, code=rule.code: code in c).to_numpy(dtype=bool)
        values = sc.loc[has, rule.signal].to_numpy(dtype="float64")
        assert _rule_holds(values, rule.op, rule.threshold).all(), rule.code
    # the numbers in the text are the customer's own
    overdue = sc[codes.map(lambda c: "overdue" in c)].head(50)
    for _, row in overdue.iterrows():
        assert f"no shipment for {round(row['recency_days'])} days" in row["risk_reasons"]


def test_reasons_in_both_languages(sample_scores, sample_model, sample_engine, sample_view):
    zh = sample_model.score(sample_engine, as_of=AS_OF, lang="zh", view=sample_view)
    assert zh["reason_codes"].equals(sample_scores["reason_codes"])
    assert zh["risk_reasons"].map(lambda s: bool(CJK.search(s))).all()
    assert not sample_scores["risk_reasons"].map(lambda s: bool(CJK.search(s))).any()
    for key in [k for k in i18n.keys() if k.startswith("churn.")]:
        assert i18n.t(key, "en") and i18n.t(key, "zh")
    for stage in (*STAGES, "not_yet"):
        assert i18n.has(f"churn.stage.{stage}")
    for code in (*REASON_RULES["code"], "quiet", "pattern", "lost", "pace"):
        assert i18n.has(f"churn.reason.{code}") and i18n.has(f"churn.reason_label.{code}")


def test_reason_wording_hand_made():
    signals = pd.DataFrame({
        "recency_days": [64.0, 2.0, 30.0],
        "frequency": [20, 30, 1],
        "usual_interval_days": [9.0, 10.0, 70.0],
        "overdue_ratio": [64 / 9, 0.2, 30 / 70],
        "interval_to_horizon": [0.1, 0.1, 0.8],
        "frequency_recent": [2, 12, 1],
        "frequency_prior": [7, 8, 0],
        "frequency_change": [-5 / 7, 0.5, np.nan],
        "spend_change": [-0.6, 0.4, np.nan],
        "ticket_change": [0.1, 0.0, np.nan],
        "satisfaction_from": [4.6, 4.0, np.nan],
        "satisfaction_last": [2.8, 5.0, np.nan],
        "satisfaction_drop": [1.8, -1.0, np.nan],
        "complaints_open": [2.0, 0.0, 0.0],
        "complaints_recent": [2.0, 0.0, 0.0],
        "complaint_category": pd.array(["delay", None, None], dtype="str"),
        "tenure_days": [400.0, 800.0, 30.0],
    }, index=pd.Index(["a", "b", "c"], name="customer_id"))
    signals.attrs.update(window_days=90, typical_interval_days=70.0)
    risk = pd.Series([0.9, 0.1, 0.5], index=signals.index)
    en = reasons(signals, risk, lang="en", high_risk=0.8)
    zh = reasons(signals, risk, lang="zh", high_risk=0.8)
    a = en.loc["a", "risk_reasons"].split("; ")
    assert set(a) <= {"no shipment for 64 days (usually every 9)",
                      "shipments down 71% against the previous 90 days",
                      "satisfaction fell from 4.6 to 2.8",
                      "2 open complaints (delay)"}
    assert len(a) == 3
    assert "已 64 天未寄件（平时约每 9 天一次）" in zh.loc["a", "risk_reasons"] or \
        "2 件投诉未解决（延误）" in zh.loc["a", "risk_reasons"]
    # the low-risk customer is reassured first
    b = en.loc["b", "reason_codes"].split(",")
    assert b[0] in {"recent", "frequency_up", "spend_up", "satisfied", "loyal"}
    assert "shipped 2 days ago (usually every 10)" in en.loc["b", "risk_reasons"]
    # the new one-time buyer: new customer (risk above the mean of 0.5)
    assert en.loc["c", "reason_codes"].split(",")[0] == "new_customer"
    assert en.loc["c", "risk_reasons"].startswith("new customer: first shipment 30 days ago")
    assert (en["n_risk_reasons"] >= 0).all() and en.loc["a", "n_risk_reasons"] == 3


def test_missing_surveys_and_complaints_remove_their_signals(tmp_path, small_tables):
    tables = {k: small_tables[k] for k in ("transactions", "customers")}
    engine = _engine(tmp_path, tables)
    result = score_churn(engine, as_of=AS_OF, horizon_days=90)
    sc = result.scores
    for col in ("satisfaction_from", "satisfaction_last", "satisfaction_drop",
                "complaints_open", "complaints_recent"):
        assert sc[col].isna().all()
    used = set(",".join(sc["reason_codes"]).split(","))
    assert not used & {"satisfaction_down", "satisfaction_low", "satisfied", "complaints_open",
                       "complaints_recent"}
    assert sc["churn_risk"].between(0, 1).all()
    assert result.backtest is not None
    assert result.ranked_by == result.backtest.chosen
    assert result.ranked_by in CANDIDATES


def test_use_baseline_ranks_by_recency(sample_model, sample_engine, sample_view):
    sc = sample_model.score(sample_engine, as_of=AS_OF, use_baseline=True, view=sample_view)
    assert sc.attrs["ranked_by"] == "baseline"
    live = sc[sc["status"] != "lost"].sort_values("recency_days")
    assert np.all(np.diff(live["churn_risk"].to_numpy()) >= -1e-12)
    assert (sc["churn_risk"] == sc["baseline_risk"]).all()


def test_signals_from_a_view(sample_view):
    sig = churn_signals(sample_view, horizon_days=90)
    assert list(sig.columns) == list(SIGNAL_COLUMNS)
    assert sig.index.equals(sample_view.index)
    one = sig["frequency"] == 1
    typical = sig.attrs["typical_interval_days"]
    assert np.allclose(sig.loc[one, "usual_interval_days"], typical)
    assert np.allclose(sig["overdue_ratio"], sig["recency_days"] / sig["usual_interval_days"])
    assert np.allclose(sig["interval_to_horizon"], sig["usual_interval_days"] / 90)


# --------------------------------------------------------------------------- lifecycle


def _hand_lifecycle_tables() -> dict[str, pd.DataFrame]:
    days = {
        "a": pd.date_range("2024-01-01", "2024-06-29", freq="10D"),  # steady, every 10 days
        "b": pd.to_datetime(["2024-05-10", "2024-06-20"]),  # new in May
        "c": pd.to_datetime(["2024-01-05", "2024-01-15", "2024-05-20"]),  # back in May
        "d": pd.to_datetime(["2024-01-10", "2024-01-20"]),  # gone
        "e": pd.to_datetime(["2024-03-01", "2024-03-11", "2024-03-21"]),  # fading
    }
    rows = [(cid, d, 10.0) for cid, ds in days.items() for d in ds]
    rows.append(("d", pd.Timestamp("2024-06-01"), -5.0))  # a refund is no purchase
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    return {"transactions": tx}


def test_lifecycle_hand_made(db_engine):
    write_tables(db_engine, _hand_lifecycle_tables())
    lc = lifecycle_stages(db_engine, as_of="2024-06-30", months=3, lost_after_days=60)
    assert lc.typical_interval_days == 10.0  # median of 10, 41, 68, 10, 10
    expected = pd.DataFrame(
        {"new": [0, 1, 0], "active": [1, 1, 3], "reactivated": [0, 1, 0],
         "at_risk": [1, 0, 0], "lapsed": [2, 2, 2]},
        index=pd.DatetimeIndex(["2024-04-30", "2024-05-31", "2024-06-30"], name="month_end"))
    pd.testing.assert_frame_equal(lc.counts, expected)
    april = lc.flows[lc.flows["month_end"] == pd.Timestamp("2024-04-30")]
    got = {(r.from_stage, r.to_stage): r.customers for r in april.itertuples()}
    assert got == {("active", "active"): 1, ("lapsed", "lapsed"): 2, ("new", "at_risk"): 1}
    may = lc.flows[lc.flows["month_end"] == pd.Timestamp("2024-05-31")]
    got = {(r.from_stage, r.to_stage): r.customers for r in may.itertuples()}
    assert got == {("active", "active"): 1, ("lapsed", "lapsed"): 1, ("at_risk", "lapsed"): 1,
                   ("lapsed", "reactivated"): 1, ("not_yet", "new"): 1}
    assert lc.current.to_dict() == {"a": "active", "b": "active", "c": "active",
                                    "d": "lapsed", "e": "lapsed"}


def test_lifecycle_counts_and_flows_add_up(sample_engine):
    lc = lifecycle_stages(sample_engine, as_of=AS_OF, months=12)
    assert list(lc.counts.columns) == list(STAGES)
    assert len(lc.counts) == 12 and lc.counts.index[-1] == AS_OF
    for month_end in lc.counts.index[[0, 5, -1]]:
        view = customer_view(sample_engine, as_of=month_end)
        assert lc.counts.loc[month_end].sum() == (view["frequency"] > 0).sum()
    totals = lc.counts.sum(axis=1)
    for i, month_end in enumerate(lc.counts.index):
        flows = lc.flows[lc.flows["month_end"] == month_end]
        assert flows["customers"].sum() == totals.iloc[i]
        into = flows.groupby("to_stage")["customers"].sum()
        assert into.reindex(list(STAGES), fill_value=0).tolist() == \
            lc.counts.loc[month_end].tolist()
        if i > 0:
            out_of = flows[flows["from_stage"] != "not_yet"].groupby("from_stage")["customers"]
            assert out_of.sum().reindex(list(STAGES), fill_value=0).tolist() == \
                lc.counts.iloc[i - 1].tolist()
        # only newcomers come from "not yet", and newcomers only from there
        assert set(flows.loc[flows["from_stage"] == "not_yet", "to_stage"]) <= {"new"}
    assert lc.current.value_counts().reindex(list(STAGES), fill_value=0).tolist() == \
        lc.counts.iloc[-1].tolist()


def test_satisfaction_reasons_follow_the_score_scale():
    """Scores on 0-10: the 1-5 thresholds are mapped onto it and the text says "of 10"."""
    n = 3
    signals = pd.DataFrame({c: np.full(n, np.nan) for c in SIGNAL_COLUMNS},
                           index=pd.Index(["x", "y", "z"], name="customer_id"))
    signals["frequency"] = 5
    signals["recency_days"] = 20.0
    signals["usual_interval_days"] = 20.0
    signals["overdue_ratio"] = 1.0
    signals["tenure_days"] = 300.0
    signals["complaint_category"] = pd.array([None] * n, dtype="str")
    signals["satisfaction_last"] = [9.5, 1.5, 6.0]
    signals.attrs.update(window_days=90, typical_interval_days=20.0,
                         satisfaction_scale=(0.0, 10.0))
    got = reasons(signals, pd.Series([0.1, 0.9, 0.5], index=signals.index), high_risk=0.8)
    assert got.loc["x", "risk_reasons"] == "satisfied: last survey score 9.5 of 10"
    assert got.loc["y", "risk_reasons"] == "last satisfaction score 1.5 of 10"
    assert got.loc["z", "reason_codes"] == "pace"  # 6 of 10 is neither low nor high
    zh = reasons(signals, pd.Series([0.1, 0.9, 0.5], index=signals.index), lang="zh",
                 high_risk=0.8)
    assert zh.loc["y", "risk_reasons"] == "最近一次满意度仅 1.5 分（满分 10 分）"


# --------------------------------------------------------------------------- issue 14


@pytest.mark.parametrize(("intervals", "history", "horizon"), [
    ([50.0, 70.0, 90.0], None, 180), ([50.0, 70.0, 90.0], 900, 180),
    ([50.0, 70.0, 90.0], 270, 90), ([50.0, 70.0, 90.0], 180, 60),
    ([8.0, 10.0, 12.0], 270, 30), ([50.0, 70.0, 90.0], 70, 30),
], ids=["no-history", "long", "nine-months", "six-months", "weekly", "too-short"])
def test_default_horizon_fits_the_history(intervals, history, horizon):
    """2 H + 30 days must fit: the time-shifted model trains at as_of - H, is checked at
    as_of - 2H."""
    assert default_horizon(_view(intervals), history=history) == horizon


def _cut(tables: dict[str, pd.DataFrame], days: int) -> dict[str, pd.DataFrame]:
    end = tables["transactions"]["date"].max()
    out = {}
    for name, frame in tables.items():
        if name != "customers" and "date" in frame.columns:
            frame = frame[frame["date"] > end - pd.Timedelta(days=days)]
        out[name] = frame
    return out


@pytest.fixture(scope="module")
def sample_tables() -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(SAMPLE_FOLDER / f"{name}.parquet")
            for name in ("transactions", "customers", "surveys", "complaints")}


@pytest.fixture(scope="module")
def nine_months(tmp_path_factory, sample_tables):
    engine = _engine(tmp_path_factory.mktemp("nine"), _cut(sample_tables, 270))
    yield engine
    engine.dispose()


def test_nine_months_are_scored_and_ranked_by_evidence(nine_months):
    """The sample cut to its last 270 days: H drops to 90, every candidate is checked."""
    result = score_churn(nine_months, lang=None)
    sc, bt = result.scores, result.backtest
    _print_backtest(bt, "nine months")
    print(result.explanation("en"))
    assert result.history_days == 269 and result.horizon_days == 90
    assert sc["churn_risk"].notna().all() and sc["churn_risk"].between(0, 1).all()
    assert list(bt.metrics.index) == list(CANDIDATES)
    assert len(bt.cutoffs) == 3 and bt.step_days == 45  # too short for windows 90 days apart
    # the time-shifted model needs 30 days of history before it learns, H before a window
    assert bt.metrics.loc["gbm", "windows"] == 2 and bt.metrics.loc["recency", "windows"] == 3
    assert result.ranked_by == bt.chosen
    if bt.chosen != "recency":
        for metric in ("precision_top10", "roc_auc"):
            row = bt.comparison.loc[(bt.chosen, metric)]
            assert row["wins"] == row["windows"] == 3 or row["low"] > 0
    text = result.explanation("en")
    assert text.startswith("Ranked by ") and "Backtest, mean over 3 windows" in text
    for cand in bt.metrics.index:
        assert i18n.t(f"churn.candidate.{cand}", "en") in text
    assert (sc["status"] == "warning").sum() > 0


def test_one_branch_file_of_60_customers(tmp_path, sample_tables):
    tx = _cut(sample_tables, 180)["transactions"]
    branch = tx["branch"].value_counts().index[0]
    ids = tx.loc[tx["branch"] == branch, "customer_id"].drop_duplicates().head(60)
    engine = _engine(tmp_path, {"transactions": tx[tx["customer_id"].isin(ids)]})
    result = score_churn(engine, lang="en")
    sc, bt = result.scores, result.backtest
    _print_backtest(bt, "one branch, 60 customers")
    assert len(sc) == 60 and sc["churn_risk"].notna().all()
    assert bt.unused["gbm"][0] == "few" and "gbm" not in bt.metrics.index
    assert bt.calibration.method == "platt"  # too few customers for isotonic steps
    assert bt.metrics.loc[bt.chosen, "roc_auc"] >= bt.metrics.loc["recency", "roc_auc"]
    text = result.explanation("en")
    assert "The time-shifted model was not trained: only 60 customers to learn from" in text
    assert "只有 60 位" in result.explanation("zh")
    # from 60 customers the figures are uncertain, and the text says so with the interval
    assert bt.uncertain
    assert "they are uncertain" in text and "interval of the top-10% difference" in text
    assert "并不确定" in result.explanation("zh")
    assert sc["risk_reasons"].str.len().gt(0).all()


def test_short_history_falls_back_to_btyd_and_says_so(tmp_path, sample_tables):
    """100 days cannot check a 90-day warning: BG/NBD ranks, unchecked, and the text says
    what would make a check possible."""
    engine = _engine(tmp_path, {"transactions": _cut(sample_tables, 100)["transactions"]})
    result = score_churn(engine, horizon_days=90, lang=None)
    sc = result.scores
    assert result.backtest is None and result.model is None
    assert result.ranked_by == "btyd" and result.ranking.why == "short"
    assert sc["churn_risk"].notna().all()
    np.testing.assert_allclose(sc.loc[sc["status"] != "lost", "churn_risk"],
                               sc.loc[sc["status"] != "lost", "score_btyd"])
    assert result.explanation("en").startswith(
        "Ranked by the BG/NBD probability of no purchase, unchecked: checking a 90-day "
        "warning needs 120 days of history and the data cover 99")
    assert CJK.search(result.explanation("zh"))


def test_no_repeat_buyers_rank_by_recency_and_say_it_is_a_rank(tmp_path):
    tx = pd.DataFrame({"customer_id": [f"C{i:02d}" for i in range(30)],
                       "date": pd.Timestamp("2025-01-01") + pd.to_timedelta(
                           np.arange(30) * 3, unit="D"),
                       "amount": 10.0})
    engine = _engine(tmp_path, {"transactions": tx})
    # 87 days cannot check a 90-day warning, and BG/NBD needs repeat buyers
    result = score_churn(engine, lang="en", horizon_days=90)
    sc = result.scores
    assert result.ranked_by == "recency" and result.ranking.why == "rank_only"
    live = sc[sc["status"] != "lost"].sort_values("recency_days")
    assert np.all(np.diff(live["churn_risk"].to_numpy()) >= 0)
    assert sc["churn_risk"].notna().all()
    assert "not a probability" in result.explanation("en")
    assert "BG/NBD cannot be fitted without repeat buyers" in result.explanation("en")
    # at 30 days a backtest runs, but everybody churned in it: nothing to compare
    result = score_churn(engine, lang="en")
    assert result.ranking.why == "no_outcome"
    text = result.explanation("en")
    assert "every customer checked churned" in text and "not a probability" in text
    assert "The BG/NBD probability is not available: no customer bought twice." in text


@pytest.mark.parametrize(("n", "days", "message"), [
    (5, 200, "Churn warnings need at least 20 customers with a purchase; the data have 5."),
    (40, 39, "Churn warnings need at least 60 days of history; the data cover 39 days "
             "(2025-01-01 to 2025-02-09)."),
], ids=["few-customers", "short-history"])
def test_too_little_data_says_what_is_missing(tmp_path, n, days, message):
    dates = pd.date_range("2025-01-01", periods=days + 1, freq="D")
    tx = pd.DataFrame({"customer_id": [f"C{i % n}" for i in range(len(dates))],
                       "date": dates, "amount": 10.0})
    with pytest.raises(ChurnUnavailable) as caught:
        score_churn(_engine(tmp_path, {"transactions": tx}))
    assert caught.value.message("en").startswith(message)
    assert CJK.search(caught.value.message("zh"))


def _window(rng, n: int, noise: float) -> WindowData:
    """Outcomes, the recency rule (a noisy signal of them) and a challenger that is the
    recency rule plus pure noise: no better, except by chance."""
    y = rng.random(n) < 0.4
    recency = y + rng.normal(0, 1.0, n)
    return WindowData(y, {"recency": recency, "btyd": recency + rng.normal(0, noise, n)},
                      capacity=n // 20)


def _figures_of(win: WindowData) -> pd.DataFrame:
    return pd.DataFrame([ranking_metrics(win.y, s, capacity=win.capacity)
                         for s in win.scores.values()], index=list(win.scores))


def test_a_candidate_that_wins_one_window_by_chance_is_not_chosen():
    rng = np.random.default_rng(7)
    lucky, others = None, []
    while lucky is None or len(others) < 2:
        win = _window(rng, 2000, 0.3)
        m = _figures_of(win)
        ahead = (m.loc["btyd", "roc_auc"] > m.loc["recency", "roc_auc"]
                 and m.loc["btyd", "precision_top10"] > m.loc["recency", "precision_top10"])
        if ahead and lucky is None:
            lucky = win
        elif not ahead and len(others) < 2:
            others.append(win)
    windows = [lucky, *others]
    # the old rule (the latest window alone) would have chosen the lucky one
    latest = _figures_of(lucky)
    assert latest.loc["btyd", "roc_auc"] > latest.loc["recency", "roc_auc"]
    comparison = paired_differences(windows, ["btyd", "recency"])
    metrics = pd.concat([_figures_of(w) for w in windows]).groupby(level=0).mean()
    metrics["windows"] = 3
    chosen, why, figures = choose(metrics, comparison)
    assert (chosen, why) == ("recency", "no_better")
    row = comparison.loc[("btyd", "precision_top10")]
    assert row["wins"] < 3 and row["low"] < 0 < row["high"]
    assert figures["best"] == "btyd" and figures["prec_low"] < 0


def test_a_candidate_better_on_every_window_is_chosen():
    rng = np.random.default_rng(7)
    windows = []
    for _ in range(3):
        y = rng.random(3000) < 0.4
        truth = y + rng.normal(0, 1.0, 3000)
        recency = truth + rng.normal(0, 1.0, 3000)  # a noisier view of the same signal
        windows.append(WindowData(y, {"recency": recency, "btyd": truth}, capacity=150))
    comparison = paired_differences(windows, ["btyd", "recency"])
    metrics = pd.concat([_figures_of(w) for w in windows]).groupby(level=0).mean()
    metrics["windows"] = 3
    chosen, why, figures = choose(metrics, comparison)
    assert (chosen, why, figures["how"]) == ("btyd", "best", "every")
    assert comparison.loc[("btyd", "roc_auc"), "low"] > 0


def test_paired_bootstrap_interval_matches_the_spread_of_fresh_samples():
    """The interval of a difference covers the differences seen on fresh windows."""
    rng = np.random.default_rng(7)
    diffs = []
    for _ in range(60):
        m = _figures_of(_window(rng, 1000, 0.5))
        diffs.append(m.loc["btyd", "precision_top10"] - m.loc["recency", "precision_top10"])
    row = paired_differences([_window(rng, 1000, 0.5)], ["btyd", "recency"],
                             n_boot=400).loc[("btyd", "precision_top10")]
    width, spread = row["high"] - row["low"], np.quantile(diffs, 0.95) - np.quantile(diffs,
                                                                                     0.05)
    assert 0.6 * spread < width < 1.6 * spread


@pytest.mark.parametrize(("history", "cutoffs", "step"), [
    (299, ["2025-04-01", "2025-02-15", "2025-01-01"], 45),
    (400, ["2025-04-01", "2025-01-01", "2024-10-03"], 90),
    (130, ["2025-04-01"], 45),
    (100, [], 90),
], ids=["nine-months", "long", "one-window", "too-short"])
def test_window_cutoffs(history, cutoffs, step):
    got, spacing = window_cutoffs(AS_OF, horizon=90, history=history)
    assert [d.date().isoformat() for d in got] == cutoffs
    if cutoffs:
        assert spacing == step


def test_calibration_maps_scores_to_probabilities():
    rng = np.random.default_rng(7)
    recency = rng.integers(0, 300, 4000).astype(float)
    y = rng.random(4000) < 1 / (1 + np.exp(-(np.log1p(recency) - 4)))
    iso = Calibration.fit("recency", recency, y)
    assert iso.method == "isotonic" and iso.calibrated
    small = Calibration.fit("recency", recency[:200], y[:200])
    assert small.method == "platt"
    grid = np.array([0.0, 10, 50, 150, 299, 5000])
    for cal in (iso, small):
        p = cal(grid)
        assert np.all(np.diff(p) >= 0) and np.all((p >= 0) & (p <= 1))
    # Platt recovers the logistic on log(1 + days) it was drawn from
    truth = 1 / (1 + np.exp(-(np.log1p(grid[:5]) - 4)))
    np.testing.assert_allclose(Calibration.fit("recency", recency, y, method="platt")(
        grid[:5]), truth, atol=0.05)
    assert Calibration("btyd", "identity")([0.2, 1.3]).tolist() == [0.2, 1.0]
    assert Calibration("recency", "rank")([5.0, 1.0, 3.0]).tolist() == [1.0, 1 / 3, 2 / 3]


def test_p_no_purchase_matches_a_simulation():
    """BG/NBD P(no purchase in the next t) against customers simulated from the model."""
    r, alpha, a, b = 0.8, 6.0, 0.9, 3.0
    rng = np.random.default_rng(7)
    n, big_t, t = 200_000, 30.0, 10.0
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n, dtype=int)
    tx = np.zeros(n)
    bought_later = np.zeros(n, dtype=bool)
    clock = np.zeros(n)  # the first purchase at 0
    active = np.ones(n, dtype=bool)  # alive and not yet past the future window
    while active.any():
        nxt = clock + rng.exponential(1 / lam)
        later = active & (nxt > big_t) & (nxt <= big_t + t)
        bought_later |= later
        past = active & (nxt > big_t + t)
        seen = active & (nxt <= big_t)  # a repeat purchase in the observation period
        x[seen] += 1
        tx[seen] = nxt[seen]
        clock[seen] = nxt[seen]
        drop = seen & (rng.random(n) < p)  # BG/NBD: dropout right after a repeat purchase
        active &= ~(later | past | drop)
    quiet = ~bought_later
    bg = BetaGeoModel()
    bg.r_, bg.alpha_, bg.a_, bg.b_ = r, alpha, a, b
    pred = bg.p_no_purchase(t, x, tx, np.full(n, big_t))
    for group in (x == 0, (x >= 1) & (x <= 3), x >= 4):
        assert abs(pred[group].mean() - quiet[group].mean()) < 0.01
    assert np.all((pred >= 0) & (pred <= 1))
    # the x = 0 blind spot of P(alive): only the rate term speaks
    np.testing.assert_allclose(bg.p_no_purchase(t, [0], [0.0], [big_t]),
                               ((alpha + big_t) / (alpha + big_t + t)) ** r)


def test_call_list_caps_each_branch():
    warned = pd.DataFrame({
        "branch": ["A", "A", "A", "B", "B", None, "A"],
        "value_at_risk": [50.0, 40, 30, 45, 10, 35, 30],
        "churn_risk": [0.9, 0.8, 0.7, 0.6, 0.9, 0.5, 0.75],
    }, index=pd.Index(list("pqrstuv"), name="customer_id"))
    got = call_list(warned, calls_per_branch=2)
    assert list(got.index) == ["p", "s", "q", "u", "v", "t", "r"][:0] + ["p", "s", "q", "u",
                                                                        "t", "v", "r"]
    assert got["call_this_week"].tolist() == [True, True, True, True, True, False, False]
    # within A: p (50), q (40), v (30, risk 0.75) before r (30, risk 0.7)
    assert got.loc[["p", "q", "v", "r"], "branch_rank"].tolist() == [1, 2, 3, 4]
    assert got.loc["u", "branch_rank"] == 1  # no branch: a group of its own
    assert len(call_list(warned, calls_per_branch=20)) == 7
    with pytest.raises(ValueError, match="calls_per_branch"):
        call_list(warned, calls_per_branch=0)


def test_call_sheet_figures_and_filtered_lists():
    scores = pd.DataFrame({
        "status": ["warning", "warning", "warning", "ok", "lost", "warning"],
        "branch": ["A", "A", "B", "B", "A", "B"],
        "churn_risk": [0.9, 0.6, 0.8, 0.2, 0.95, 0.55],
        "value_at_risk": [50.0, 40, 30, 5, 0, 20],
        "reason_codes": ["overdue,spend_down", "quiet", "overdue", "recent", "lost",
                         "ticket_down"],
        "risk_reasons": ["a", "b", "c", "d", "e", "f"],
    }, index=pd.Index(list("pqrstu"), name="customer_id"))
    sheet = call_sheet(scores, tiers=pd.Series({"p": "vip", "q": "std", "r": "vip"}),
                       tier_labels={"vip": "VIP", "std": "Standard"},
                       actions={"vip": ["call", "visit"], "std": []},
                       names=pd.Series({"p": "Li", "r": "Wu"}))
    assert sheet.summary == summarize(scores)
    assert sheet.summary.warnings == 4 and sheet.summary.lost == 1
    assert sheet.summary.value_at_risk == 140.0
    assert sheet.summary.avg_risk == pytest.approx(np.mean([0.9, 0.6, 0.8, 0.2, 0.55]))
    assert sheet.reason_codes == ["overdue", "quiet", "spend_down", "ticket_down"]
    shown = sheet.calls(calls_per_branch=1)
    assert shown.week["customer_id"].tolist() == ["p", "r"] and shown.n_branches == 2
    assert shown.rest["customer_id"].tolist() == ["q", "u"]
    assert shown.columns == ["name", "tier_label", "value_at_risk", "action", "customer_id",
                             "branch", "branch_rank", "churn_risk", "risk_reasons"]
    assert shown.export.columns[0] == "call_this_week" and len(shown.export) == 4
    p = shown.row("p")
    assert (p["name"], p["tier_label"], p["action"]) == ("Li", "VIP", "call")
    assert shown.row("q")["action"] == "" and shown.row("t") is None
    vip = sheet.calls(pick_tiers=["vip"], min_risk=0.85)
    assert vip.table["customer_id"].tolist() == ["p"]
    assert sheet.calls(pick_reasons=["overdue"]).table["customer_id"].tolist() == ["p", "r"]
    assert sheet.calls(pick_tiers=["std"], min_risk=0.9).table.empty


def test_reason_words_come_from_codes_and_values_only(sample_scores):
    """render_reasons needs nothing but the scores: both languages from the same codes."""
    en = render_reasons(sample_scores, "en")
    zh = render_reasons(sample_scores, "zh")
    assert (en == sample_scores["risk_reasons"]).all()
    assert zh.map(lambda s: bool(CJK.search(s))).all()
    assert (zh.str.count("；") == en.str.count("; ")).all()


def test_ranking_explanation_of_the_sample(sample_engine, sample_view):
    result = score_churn(sample_engine, as_of=AS_OF, view=sample_view, lang=None)
    assert "risk_reasons" not in result.scores.columns
    text = result.ranking.explanation("en")
    assert text == result.explanation("en")
    assert ("Its probabilities are calibrated on the latest backtest window (isotonic "
            "regression).") in text
    if "gbm" in (result.ranked_by, *result.backtest.blend_of):
        assert result.model is not None and result.model.cutoff_ == AS_OF - pd.Timedelta(
            days=result.horizon_days)


def test_nine_months_with_a_long_horizon_explain_the_missing_model(nine_months):
    """H = 180 on 269 days: no time-shifted model, the label-free rankings are checked."""
    result = score_churn(nine_months, horizon_days=180, lang=None)
    bt = result.backtest
    _print_backtest(bt, "nine months, H=180")
    assert "gbm" not in bt.metrics.index and bt.train_cutoff is None
    assert bt.metrics.loc[bt.chosen, "roc_auc"] >= bt.metrics.loc["recency", "roc_auc"]
    assert result.scores["churn_risk"].notna().all()
    assert ("The time-shifted model was not trained: it needs 390 days of history for a "
            "180-day horizon and the data cover 269") in result.explanation("en")
    assert "需要 390 天历史数据" in result.explanation("zh")
    assert bt.design_sentence("en").startswith("Judged on one window")
    assert CJK.search(bt.design_sentence("zh"))


@pytest.mark.parametrize(("chosen", "why", "params", "en", "zh"), [
    ("recency", "no_better",
     {"n": 3, "horizon": 90, "windows": 3, "best": "btyd", "auc": 0.66, "auc_base": 0.7,
      "prec": 0.5, "prec_base": 0.6, "prec_wins": 1, "prec_windows": 3, "prec_low": -0.031,
      "prec_high": 0.012},
     "Ranked by days since the last shipment: no other ranking beat it on every backtest "
     "window nor by more than the 90% bootstrap interval, on the top 10% and on ROC-AUC "
     "(90-day outcomes, 3 windows). Closest: the BG/NBD probability of no purchase, 50% "
     "against 60% churned in the top 10% (ahead on 1 of 3 windows; difference -3.1 to +1.2 "
     "points), ROC-AUC 0.66 against 0.70.",
     "按距上次寄件天数排序：在前 10% 命中率和 ROC-AUC 上，没有其他排序在每个回测窗口都胜过它，"
     "也没有超出 90% 自助法区间的优势（90 天内的实际结果，3 个窗口）。最接近的是BG/NBD "
     "未购买概率：前 10% 实际流失 50% 对 60%（3 个窗口中领先 1 个；差值 -3.1 至 +1.2 "
     "个百分点），ROC-AUC 0.66 对 0.70。"),
    ("btyd", "no_outcome", {"horizon": 30, "outcome": "outcome_few", "churned": 2,
                            "stayed": 40},
     "Ranked by the BG/NBD probability of no purchase, unchecked: in the latest 30 days too "
     "few customers churned or stayed (2 and 40), so no ranking could be compared with what "
     "happened.",
     "按BG/NBD 未购买概率排序（未经检验）：最近 30 天内流失或留存的客户太少（分别为 2 和 40 "
     "位），无法用实际结果比较各种排序。"),
    ("btyd", "no_outcome", {"horizon": 30, "outcome": "outcome_none", "churned": 0,
                            "stayed": 40},
     "Ranked by the BG/NBD probability of no purchase, unchecked: in the latest 30 days no "
     "customer checked churned, so no ranking could be compared with what happened.",
     "按BG/NBD 未购买概率排序（未经检验）：最近 30 天内没有被检验的客户流失，无法用实际结果"
     "比较各种排序。"),
], ids=["no-better", "few-outcomes", "none-churned"])
def test_choice_sentences(chosen, why, params, en, zh):
    ranking = Ranking(chosen, why, params, Calibration(chosen, "identity"),
                      unused={"gbm": ("failed", {"detail": "out of memory"})})
    failed_en = "The time-shifted model could not be trained (out of memory)."
    assert ranking.explanation("en") == f"{en} {failed_en}"
    assert ranking.explanation("zh") == zh + "时移模型训练失败（out of memory）。"


@pytest.mark.parametrize("days", [65, 100, 200, 400])
@pytest.mark.parametrize("customers", [25, 60, 150, 400])
def test_any_file_above_the_minimum_fills_churn_risk(tmp_path, small_tables, customers, days):
    """Never an empty column: every small or short file gets a score and a stated reason."""
    tx = _cut(small_tables, days)["transactions"]
    ids = tx["customer_id"].drop_duplicates().sample(frac=1.0, random_state=7).head(customers)
    engine = _engine(tmp_path, {"transactions": tx[tx["customer_id"].isin(ids)]})
    result = score_churn(engine, lang="en")
    sc = result.scores
    assert len(sc) == len(ids)
    assert sc["churn_risk"].notna().all() and sc["churn_risk"].between(0, 1).all()
    assert result.ranked_by in CANDIDATES
    assert sc["risk_reasons"].str.len().gt(0).all()
    text = result.explanation("en")
    assert text.startswith("Ranked by ")
    bt = result.backtest
    if bt is not None and bt.why in ("best", "no_better"):
        rec = bt.metrics.loc["recency"]
        assert bt.metrics.loc[bt.chosen, "roc_auc"] >= rec["roc_auc"]
        assert bt.metrics.loc[bt.chosen, "precision_top10"] >= rec["precision_top10"] - 1e-12


def test_nine_months_of_slow_shippers_no_longer_leave_churn_empty(tmp_path, sample_tables):
    """The issue's failure: a purchase cycle asking for H = 180 on 269 days of history.

    Keeping every fourth calendar day of the 9-month cut makes the typical interval
    about 48 days, so the cycle alone says H = 180 and the old design needed 2 x 180
    days: "only 0 customers to learn from at the cutoff". Now H fits the history.
    """
    tx = _cut(sample_tables, 270)["transactions"]
    tx = tx[tx["date"].dt.day_of_year % 4 == 0]
    engine = _engine(tmp_path, {"transactions": tx})
    view = customer_view(engine)
    assert default_horizon(view) == 180  # the cycle alone
    result = score_churn(engine, view=view, lang=None)
    sc, bt = result.scores, result.backtest
    _print_backtest(bt, "nine months, slow shippers")
    assert result.horizon_days == 90 and sc["churn_risk"].notna().all()
    assert bt.metrics.loc[bt.chosen, "roc_auc"] >= bt.metrics.loc["recency", "roc_auc"]


def test_typed_contract():
    """Domain errors are no ValueError; settings are one frozen object; the ranking lives on
    the result, not on DataFrame.attrs."""
    assert not issubclass(ChurnUnavailable, ValueError)
    config = ChurnConfig()
    with pytest.raises(AttributeError):
        config.max_windows = 5  # frozen
    assert config.with_(n_boot=50).n_boot == 50 and config.n_boot == 200
    with pytest.raises(TypeError, match="unknown churn setting"):
        config.with_(max_itre=3)
    model = ChurnModel(60, config=config.with_(max_iter=20))
    assert model.max_iter == 20 and model.window_days == 90
    assert set(model.get_params()) == {"horizon_days", "lost_after_days", "config"}


def test_result_carries_the_ranking_not_the_frame(nine_months):
    result = score_churn(nine_months, horizon_days=180, lang=None)
    assert not {"ranked_by", "ranked_why", "why_params", "calibration", "unused"} & set(
        result.scores.attrs)
    assert result.ranking.chosen == result.backtest.chosen
    assert result.ranking.calibration is result.backtest.calibration
    assert result.lost_after_days == result.backtest.lost_after_days


def test_bootstrap_on_a_subsample_gives_the_same_interval():
    """A large window resampled from a subsample, deviations scaled by sqrt(m / n)."""
    win = _window(np.random.default_rng(7), 40_000, 0.5)
    full = paired_differences([win], ["btyd", "recency"], max_customers=None)
    sub = paired_differences([win], ["btyd", "recency"], max_customers=10_000)
    for metric in ("roc_auc", "precision_top10"):
        a, b = full.loc[("btyd", metric)], sub.loc[("btyd", metric)]
        assert a["diff"] == b["diff"]
        assert b["high"] - b["low"] == pytest.approx(a["high"] - a["low"], rel=0.3)


def test_predictions_do_not_depend_on_the_threads(sample_engine, sample_model, sample_view):
    """The boosting predicts on every core (``predict_threads``): its probabilities must be
    those of one thread to the bit, or the page and the CLI could rank differently."""
    import copy

    features = sample_model.features_at(sample_engine, view=sample_view)
    risks = []
    for threads in (1, None):
        model = copy.copy(sample_model)  # the fixture's model stays as it is
        model.config = sample_model.settings.with_(predict_threads=threads)
        risks.append(model.predict_features(features)["model_risk"].to_numpy())
    assert risks[0].std() > 0
    np.testing.assert_array_equal(risks[0], risks[1])


def test_feature_matrix_of_rows_equals_the_rows_frame(sample_engine, sample_model, sample_view):
    """The matrix of some rows is read from the whole frame without copying it: the same
    values as the matrix of the rows' own frame, in the C order the boosting reads."""
    from segmentation.churn.model import feature_matrix

    features = sample_model.features_at(sample_engine, view=sample_view)
    names, cats = sample_model.feature_names_, sample_model.categories_
    live = (features["recency_days"] < sample_model.lost_after_days_).to_numpy()
    assert 0 < live.sum() < len(live)
    x = feature_matrix(features, names, cats, live)
    assert x.flags.c_contiguous and x.shape == (live.sum(), len(names) + len(cats))
    np.testing.assert_array_equal(x, feature_matrix(features.loc[live], names, cats))
    positions = np.flatnonzero(live)[::3]
    np.testing.assert_array_equal(feature_matrix(features, names, cats, positions),
                                  feature_matrix(features.iloc[positions], names, cats))


def test_predictions_in_chunks_equal_one_go(sample_engine, sample_model, sample_view,
                                            monkeypatch):
    """The boosting predicts a few rows at a time (memory): each row's probability is the
    one it gets when every row is predicted at once."""
    from segmentation.churn import model as model_module

    features = sample_model.features_at(sample_engine, view=sample_view)
    args = (sample_model.classifier_, features, sample_model.feature_names_,
            sample_model.categories_)
    whole = model_module.predict_rows(*args)
    monkeypatch.setattr(model_module, "PREDICT_CHUNK", 777)
    live = (features["recency_days"] < sample_model.lost_after_days_).to_numpy()
    np.testing.assert_array_equal(model_module.predict_rows(*args), whole)
    np.testing.assert_array_equal(model_module.predict_rows(*args, live), whole[live])
    np.testing.assert_array_equal(
        model_module.predict_rows(*args, np.flatnonzero(live)[::5]), whole[live][::5])
