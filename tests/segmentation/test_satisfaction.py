"""Satisfaction and complaints on small hand-written frames with exact expected results."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from segmentation import i18n
from segmentation import satisfaction as sat
from segmentation.workspace import Workspace

AS_OF = pd.Timestamp("2025-06-30")
NO_ATTRS = pd.DataFrame(index=pd.Index([], name="customer_id"))


def _surveys(scores, dates=None, **columns) -> pd.DataFrame:
    n = len(scores)
    dates = dates if dates is not None else [AS_OF] * n
    return pd.DataFrame({"date": pd.to_datetime(dates), "score": scores, **columns})


def _data(surveys=None, complaints=None, attributes=NO_ATTRS, shipments=None, **kw):
    return sat.prepare(surveys, complaints, attributes, shipments, as_of=AS_OF, **kw)


# --------------------------------------------------------------------------- scales


@pytest.mark.parametrize(("scores", "key"), [
    ([1, 2, 3, 4, 5], "1-5"),
    ([3, 4, 4], "1-5"),
    ([1, 6, 7], "1-7"),
    ([0, 3, 10], "0-10"),
    ([2, 8, 9], "0-10"),
    ([40, 75, 100], "0-100"),
    ([4.5, 3.2, np.nan], "1-5"),
], ids=["csat5", "csat5-partial-range", "csat7", "nps", "nps-no-zero", "pct", "decimals"])
def test_detect_scale(scores, key):
    assert sat.detect_scale(scores).key == key


def test_detect_scale_errors_name_the_range_in_both_languages():
    with pytest.raises(sat.SatisfactionError, match="from -1 to 5") as err:
        sat.detect_scale([-1, 5])
    assert "-1 至 5" in err.value.message("zh")
    with pytest.raises(sat.SatisfactionError, match="no scores"):
        sat.detect_scale([np.nan])
    with pytest.raises(sat.SatisfactionError, match="Unknown scale '1-9'"):
        sat.get_scale("1-9")


def test_scale_override_changes_the_index():
    data = _data(_surveys([9, 10, 7, 3]))
    assert data.scale.key == "0-10"
    nps = sat.headline(data).loc["index", "current"]
    assert nps == pytest.approx((2 - 1) / 4)
    pct = sat.headline(data.with_scale("0-100")).loc["index", "current"]
    assert pct == 0.0  # nothing reaches 80 on a 0-100 reading


def test_survey_dimensions_known_first_then_other_numbers():
    frame = _surveys([4, 5], courtesy=[3, 4], speed=[4, 4], channel=["app", "sms"],
                     empty=[np.nan, np.nan], customer_id=["a", "b"])
    assert sat.survey_dimensions(frame) == ["speed", "courtesy"]


# --------------------------------------------------------------------------- CSAT, NPS, bands


def test_csat_is_the_share_of_top_two_boxes():
    est = sat.index_estimates(_surveys([5, 4, 3, 2, 1, 4]), sat.SCALES["1-5"]).iloc[0]
    assert est["responses"] == 6
    assert est["index"] == pytest.approx(0.5)
    assert est["mean"] == pytest.approx(19 / 6)


@pytest.mark.parametrize(("x", "n", "lo", "hi"), [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
], ids=["81/263", "15/148", "0/20", "1/29"])
def test_wilson_interval_matches_newcombe_1998(x, n, lo, hi):
    got_lo, got_hi = sat.wilson_interval(x, n)
    assert float(got_lo) == pytest.approx(lo, abs=1e-4)
    assert float(got_hi) == pytest.approx(hi, abs=1e-4)


def test_wilson_interval_without_answers_is_missing():
    lo, hi = sat.wilson_interval(np.array([0]), np.array([0]))
    assert np.isnan(lo[0]) and np.isnan(hi[0])


def test_nps_promoters_minus_detractors_with_normal_band():
    est = sat.index_estimates(_surveys([10, 10, 9, 8, 0]), sat.SCALES["0-10"]).iloc[0]
    assert est["index"] == pytest.approx(0.4)
    half = 1.959964 * math.sqrt((0.6 + 0.2 - 0.16) / 5)
    assert est["index_lo"] == pytest.approx(0.4 - half, abs=1e-6)
    assert est["index_hi"] == 1.0  # clipped


def test_nps_balanced():
    est = sat.index_estimates(_surveys([10, 9, 8, 7, 6, 0, 10, 9, 5, 3]),
                              sat.SCALES["0-10"]).iloc[0]
    assert est["index"] == 0.0


def test_mean_band_is_students_t():
    est = sat.index_estimates(_surveys([3, 4, 5]), sat.SCALES["1-5"]).iloc[0]
    half = 4.302653 / math.sqrt(3)  # t(0.975, 2) * sd 1 / sqrt(3)
    assert est["mean_lo"] == pytest.approx(4 - half, abs=1e-5)
    assert est["mean_hi"] == pytest.approx(4 + half, abs=1e-5)
    one = sat.index_estimates(_surveys([4]), sat.SCALES["1-5"]).iloc[0]
    assert np.isnan(one["mean_lo"]) and np.isnan(one["mean_hi"])


def test_band_narrows_with_more_answers():
    small = sat.index_estimates(_surveys([5, 4, 3, 2] * 2), sat.SCALES["1-5"]).iloc[0]
    large = sat.index_estimates(_surveys([5, 4, 3, 2] * 50), sat.SCALES["1-5"]).iloc[0]
    assert small["index"] == large["index"] == 0.5
    assert (large["index_hi"] - large["index_lo"]) < (small["index_hi"] - small["index_lo"]) / 4


def test_survey_trend_per_month_with_empty_months():
    frame = _surveys([5, 4, 2, 5, 1], dates=["2025-03-02", "2025-03-20", "2025-03-31",
                                             "2025-05-05", "2025-06-30"])
    trend = sat.survey_trend(_data(frame), months=6)
    assert trend["month"].dt.strftime("%Y-%m").tolist() == ["2025-03", "2025-04", "2025-05",
                                                            "2025-06"]
    assert trend["responses"].tolist() == [3, 0, 1, 1]
    assert trend["index"].iloc[0] == pytest.approx(2 / 3)
    assert np.isnan(trend["index"].iloc[1])
    assert trend["partial"].tolist() == [False, False, False, False]  # 30 June ends June
    lo, hi = sat.wilson_interval(2, 3)
    assert trend["index_lo"].iloc[0] == pytest.approx(float(lo))
    assert trend["index_hi"].iloc[0] == pytest.approx(float(hi))


def test_dimension_trend_long_format():
    frame = _surveys([5, 3], dates=["2025-06-01", "2025-06-02"], speed=[4, 2], price=[5, 5])
    dims = sat.dimension_trend(_data(frame), months=1)
    assert dims["dimension"].tolist() == ["score", "speed", "price"]
    assert dims["mean"].tolist() == [4.0, 3.0, 5.0]
    assert dims["responses"].tolist() == [2, 2, 2]
    price = dims.set_index("dimension").loc["price"]
    assert price["lo"] == price["hi"] == 5.0  # no spread, no band


# --------------------------------------------------------------------------- alerts


def _alert_frame() -> pd.DataFrame:
    """Branch A falls clearly, B falls on too few answers, C wobbles within the noise."""
    now, base = AS_OF - pd.Timedelta(days=10), AS_OF - pd.Timedelta(days=120)
    rows = []
    rows += [("A", base, 5)] * 40 + [("A", now, 5)] * 20 + [("A", now, 2)] * 20
    rows += [("B", base, 5)] * 5 + [("B", now, 1)] * 5
    rows += [("C", base, 5)] * 15 + [("C", base, 3)] * 5 + [("C", now, 5)] * 13 \
        + [("C", now, 3)] * 7
    frame = pd.DataFrame(rows, columns=["branch", "date", "score"])
    frame["customer_id"] = frame["branch"].str.lower()
    return frame


def _branch_attrs() -> pd.DataFrame:
    return pd.DataFrame({"branch": ["A", "B", "C"]},
                        index=pd.Index(["a", "b", "c"], name="customer_id"))


def test_alert_when_the_drop_exceeds_the_combined_noise():
    data = _data(_alert_frame(), attributes=_branch_attrs())
    cmp = sat.compare_groups(data, "branch", period_days=90, baseline_periods=2,
                             min_responses=10)
    assert cmp.loc["A", "index"] == 0.5
    assert cmp.loc["A", "baseline_index"] == 1.0
    assert cmp.loc["A", "change"] == -0.5
    # Agresti-Caffo: 21/42 now against 41/42 before
    p1, p0 = 21 / 42, 41 / 42
    margin = 1.959964 * math.sqrt(p1 * (1 - p1) / 42 + p0 * (1 - p0) / 42)
    assert cmp.loc["A", "margin"] == pytest.approx(margin, abs=1e-6)
    assert cmp.loc["A", "alert"]
    assert not cmp.loc["B", "alert"]  # fell to 0, but only 5 answers each
    assert cmp.loc["C", "change"] == pytest.approx(0.65 - 0.75)
    assert not cmp.loc["C", "alert"]  # a 10-point dip on 20 answers is noise
    alerts = sat.score_alerts(data, by=("branch",), min_responses=10)
    assert alerts[["grouping", "group"]].values.tolist() == [["branch", "A"]]


def test_alert_on_few_answers_when_the_minimum_allows_it():
    data = _data(_alert_frame(), attributes=_branch_attrs())
    alerts = sat.score_alerts(data, by=("branch",), min_responses=5)
    assert sorted(alerts["group"]) == ["A", "B"]


def test_no_alerts_is_an_empty_frame_with_columns():
    data = _data(_surveys([5, 4]))
    alerts = sat.score_alerts(data)
    assert alerts.empty and "change" in alerts.columns


# --------------------------------------------------------------------------- drivers


def test_driver_importance_is_the_standardised_coefficient():
    rng = np.random.default_rng(7)
    n = 400
    x = rng.normal(size=(n, 3)) * [1.0, 2.0, 1.0]
    y = 3.0 * x[:, 0] + 1.0 * x[:, 1] + 0.0 * x[:, 2]
    frame = _surveys(y, speed=x[:, 0], price=x[:, 1], attitude=x[:, 2])
    drivers = sat.key_drivers(_data(frame, scale="0-100")).set_index("dimension")
    expected = {"speed": 3.0 * x[:, 0].std() / y.std(), "price": 1.0 * x[:, 1].std() / y.std(),
                "attitude": 0.0}
    for dim, beta in expected.items():
        assert drivers.loc[dim, "importance"] == pytest.approx(beta, abs=1e-9)
    assert drivers.index.tolist() == ["speed", "price", "attitude"]  # most important first
    assert drivers["share"].sum() == pytest.approx(1.0)
    assert drivers.loc["speed", "performance"] == pytest.approx(x[:, 0].mean())


def test_driver_regression_discounts_a_dimension_that_only_moves_along():
    rng = np.random.default_rng(7)
    a = rng.normal(size=500)
    b = a + 0.3 * rng.normal(size=500)  # moves with a, no effect of its own
    frame = _surveys(2 * a, speed=a, attitude=b)
    drivers = sat.key_drivers(_data(frame, scale="0-100")).set_index("dimension")
    assert drivers.loc["attitude", "correlation"] > 0.9
    assert drivers.loc["attitude", "importance"] == pytest.approx(0.0, abs=1e-9)


def test_driver_quadrants_split_at_the_medians():
    rng = np.random.default_rng(7)
    n = 300
    # importance: speed > accuracy > price > convenience; means set by the offsets
    base = rng.normal(size=(n, 4))
    y = 4 * base[:, 0] + 3 * base[:, 1] + 2 * base[:, 2] + 1 * base[:, 3]
    frame = _surveys(y, speed=base[:, 0] + 1, accuracy=base[:, 1] + 4,
                     price=base[:, 2] + 3, convenience=base[:, 3])
    drivers = sat.key_drivers(_data(frame, scale="0-100")).set_index("dimension")
    assert drivers["quadrant"].to_dict() == {"speed": "fix", "accuracy": "keep",
                                             "price": "overkill",
                                             "convenience": "low_priority"}


def test_drivers_per_tier_and_too_few_answers():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(80, 2))
    ids = [f"c{i % 4}" for i in range(80)]
    frame = _surveys(x[:, 0] + 0.5 * x[:, 1], speed=x[:, 0], price=x[:, 1], customer_id=ids)
    attrs = pd.DataFrame({"tier": ["vip", "vip", "low", "low"]},
                         index=pd.Index(["c0", "c1", "c2", "c3"], name="customer_id"))
    per_tier = sat.key_drivers(_data(frame, attributes=attrs, scale="0-100"), by="tier",
                               min_responses=30)
    assert sorted(per_tier["tier"].unique()) == ["low", "vip"]
    assert (per_tier.groupby("tier")["dimension"].first() == "speed").all()
    assert sat.key_drivers(_data(frame.head(20), scale="0-100"), min_responses=30).empty


# --------------------------------------------------------------------------- complaints


def _complaints() -> pd.DataFrame:
    return pd.DataFrame({
        "complaint_id": ["K1", "K2", "K3", "K4", "K5", "K6", "K7"],
        "customer_id": ["a", "a", "b", "b", "c", "a", "c"],
        "date": pd.to_datetime(["2025-06-01", "2025-06-25", "2025-05-10", "2025-06-28",
                                "2025-04-15", "2025-07-05", "2025-03-01"]),
        "category": ["delay", "delay", "damage", "loss", "billing", "delay", "delay"],
        "severity": ["low", "high", "medium", "high", "low", "low", "medium"],
        "status": ["resolved", "open", "open", "resolved", None, "open", "open"],
        "resolved_date": pd.to_datetime(["2025-06-04", None, "2025-07-03", "2025-06-29",
                                         None, None, "2025-03-11"]),
    })


def test_complaint_state_at_as_of():
    cp = sat.prepare_complaints(_complaints(), as_of=AS_OF).set_index("complaint_id")
    assert "K6" not in cp.index  # after as_of
    # resolved after as_of -> open; no status -> open; a resolved date wins over "open"
    assert cp["is_open"].to_dict() == {"K1": False, "K2": True, "K3": True, "K4": False,
                                       "K5": True, "K7": False}
    assert cp.loc["K1", "resolution_days"] == 3
    assert cp.loc["K7", "resolution_days"] == 10
    assert np.isnan(cp.loc["K3", "resolution_days"])
    assert cp.loc["K3", "age_days"] == 51 and cp.loc["K2", "age_days"] == 5


def test_sla_breaches_are_open_complaints_past_the_deadline():
    data = _data(complaints=_complaints())
    late = sat.sla_breaches(data, sla_days=7)
    assert late["complaint_id"].tolist() == ["K5", "K3"]  # oldest first
    assert late["age_days"].tolist() == [76, 51]
    assert late["days_over"].tolist() == [69, 44]
    assert sat.sla_breaches(data, sla_days=60)["complaint_id"].tolist() == ["K5"]
    assert sat.headline(data, sla_days=7).loc["open_past_sla", "current"] == 2
    assert sat.headline(data, sla_days=7).loc["open", "current"] == 3


def test_resolution_summary():
    res = sat.resolution_summary(_data(complaints=_complaints()), sla_days=5)
    assert res["resolved"] == 3  # K1 3 days, K4 1 day, K7 10 days
    assert res["median_days"] == 3
    assert res["within_sla"] == pytest.approx(2 / 3)


def _shipments() -> pd.DataFrame:
    windows = sat.shipment_windows(AS_OF, period_days=90, months=4)
    frame = pd.DataFrame(0, index=pd.Index(["a", "b", "c"], name="customer_id"),
                         columns=list(windows))
    frame[sat.CURRENT] = [100, 300, 600]
    frame[sat.PREVIOUS] = [50, 50, 100]
    frame["2025-06"] = [40, 100, 60]
    frame["2025-05"] = [30, 100, 70]
    return frame


def test_complaint_rates_per_1000_shipments():
    attrs = pd.DataFrame({"branch": ["X", "X", "Y"]},
                         index=pd.Index(["a", "b", "c"], name="customer_id"))
    data = _data(complaints=_complaints(), attributes=attrs, shipments=_shipments())
    head = sat.headline(data, period_days=90)
    # current window (Apr 2 .. Jun 30): K1, K2, K3, K4, K5; previous (Jan 2 .. Apr 1): K7
    assert head.loc["complaints", "current"] == 5
    assert head.loc["complaint_rate", "current"] == pytest.approx(1000 * 5 / 1000)
    assert head.loc["complaint_rate", "previous"] == pytest.approx(1000 * 1 / 200)
    trend = sat.complaint_trend(data, months=4).set_index(
        sat.complaint_trend(data, months=4)["month"].dt.strftime("%Y-%m"))
    assert trend.loc["2025-06", "complaints"] == 3
    assert trend.loc["2025-06", "per_1000"] == pytest.approx(1000 * 3 / 200)
    assert trend.loc["2025-05", "per_1000"] == pytest.approx(1000 * 1 / 200)
    by_branch = sat.complaint_breakdown(data, "branch", period_days=90)
    assert by_branch.loc["X", "complaints"] == 4
    assert by_branch.loc["X", "per_1000"] == pytest.approx(1000 * 4 / 400)
    assert by_branch.loc["Y", "per_1000"] == pytest.approx(1000 * 1 / 600)
    by_cat = sat.complaint_breakdown(data, "category", period_days=90, sla_days=7)
    assert by_cat.loc["delay", "complaints"] == 2
    assert by_cat.loc["delay", "per_1000"] == pytest.approx(1000 * 2 / 1000)
    assert by_cat.loc["delay", "share"] == pytest.approx(2 / 5)
    assert by_cat.loc["damage", "open_past_sla"] == 1


def test_selecting_customers_restricts_complaints_and_shipments():
    attrs = pd.DataFrame({"branch": ["X", "X", "Y"], "tier": ["vip", "low", "low"]},
                         index=pd.Index(["a", "b", "c"], name="customer_id"))
    data = _data(complaints=_complaints(), attributes=attrs, shipments=_shipments())
    vip = data.select(tiers=["vip"])
    assert vip.complaints["customer_id"].unique().tolist() == ["a"]
    assert vip.shipment_total(sat.CURRENT) == 100
    y_low = data.select({"branch": ["Y"]}, tiers=["low"])
    assert sorted(y_low.complaints["complaint_id"]) == ["K5", "K7"]
    assert y_low.shipment_total(sat.CURRENT) == 600
    assert data.select() is data


def test_repeat_complainers():
    attrs = pd.DataFrame({"branch": ["X", "X", "Y"]},
                         index=pd.Index(["a", "b", "c"], name="customer_id"))
    rep = sat.repeat_complainers(_data(complaints=_complaints(), attributes=attrs),
                                 min_complaints=2, window_days=365)
    assert rep.index.tolist() == ["b", "a", "c"]  # 2 each, latest complaint first
    assert rep.loc["a", "categories"] == "delay"
    assert rep.loc["b", "categories"] == "damage, loss"
    assert rep.loc["c", "open"] == 1
    assert rep.loc["a", "branch"] == "X"
    short = sat.repeat_complainers(_data(complaints=_complaints()), window_days=60)
    assert short.index.tolist() == ["b", "a"]


def test_shipment_counts_in_the_database(tmp_path):
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "b", "b", "c"],
        "date": pd.to_datetime(["2025-03-31", "2025-04-01", "2025-06-30", "2025-06-15",
                                "2025-06-15", "2025-07-01"]),
        "amount": [10.0, 20.0, 5.0, 7.0, -7.0, 3.0],
    })
    ws = Workspace(tmp_path)
    ws.replace({"transactions": tx}, source="test")
    counts = sat.shipment_counts(ws.engine(),
                                 sat.shipment_windows(AS_OF, period_days=90, months=3))
    assert counts.index.tolist() == ["a", "b"]  # c ships after as_of only
    # the current window is (as_of - 90 days, as_of] = 2 April .. 30 June
    assert counts.loc["a"].to_dict() == {"current": 1, "previous": 2, "2025-04": 1,
                                         "2025-05": 0, "2025-06": 1}
    assert counts.loc["b", "current"] == 1  # the refund is no shipment


def test_read_table_filters_dates_in_the_database(tmp_path):
    ws = Workspace(tmp_path)
    tx = pd.DataFrame({"customer_id": ["a"], "date": [AS_OF], "amount": [1.0]})
    ws.replace({"transactions": tx, "complaints": _complaints()}, source="test")
    cp = sat.read_table(ws.engine(), "complaints", as_of=AS_OF)
    assert len(cp) == 6 and cp["date"].dtype == "datetime64[ns]"
    assert sat.read_table(ws.engine(), "surveys") is None


# --------------------------------------------------------------------------- voice


@pytest.mark.parametrize(("text", "expected"), [
    ("物流太慢了", ["物流", "流太", "太慢", "物流太", "流太慢", "物流太慢"]),
    ("网点太远，不方便", ["网点", "点太", "太远", "网点太", "点太远", "网点太远", "不方", "方便",
                      "不方便"]),
    ("Delivery was late, too slow!", ["delivery", "late", "slow", "too slow"]),
    ("The app keeps crashing", ["app", "keeps", "crashing", "app keeps", "keeps crashing"]),
    ("包裹破损 package arrived damaged", ["包裹", "裹破", "破损", "包裹破", "裹破损", "包裹破损",
                                     "package", "arrived", "damaged", "package arrived",
                                     "arrived damaged"]),
    ("", []),
    (None, []),
], ids=["zh", "zh-punctuation", "en-clauses", "en", "mixed", "blank", "none"])
def test_tokenize(text, expected):
    assert sat.tokenize(text) == expected


def test_tokenize_long_run_kept_whole():
    terms = sat.tokenize("说好的次日达没做到")
    assert "说好的次日达没做到" in terms
    assert all(not t.startswith("的") and not t.endswith("的") for t in terms)


def test_top_terms_merges_fragments_and_counts_comments_once():
    texts = ["快递太慢了", "快递太慢了，太慢", "物流太慢", "too slow", "Too slow!!", "服务很好",
             None, "  ", "rude courier", "rude courier, rude"]
    terms = sat.top_terms(texts, n=5)
    assert terms["term"].tolist() == ["太慢", "rude courier", "too slow", "快递太慢"]
    assert terms["comments"].tolist() == [3, 2, 2, 2]
    assert terms["share"].iloc[0] == pytest.approx(3 / 8)  # 8 non-blank comments
    assert terms.set_index("term").loc["快递太慢", "example"] == "快递太慢了"


def test_top_terms_per_group():
    texts = ["包裹破损", "包裹破损了", "late delivery", "late delivery", "late"]
    groups = ["damage", "damage", "delay", "delay", "delay"]
    terms = sat.top_terms(texts, groups=groups, n=3)
    assert terms[["group", "term", "comments"]].values.tolist() == [
        ["damage", "包裹破损", 2], ["delay", "late", 3], ["delay", "late delivery", 2]]


def test_low_score_comments_and_weakest_dimension():
    frame = _surveys([1, 2, 5, 3, 2], comment=["太慢", "", "很好", "一般", "贵"],
                     speed=[1, 3, 5, 3, 4], price=[4, 3, 5, 3, 1])
    data = _data(frame)
    low = sat.low_score_comments(data)
    assert low["comment"].tolist() == ["太慢", "贵"]  # score <= 2 with text
    assert low["weakest"].tolist() == ["speed", "price"]
    assert sat.low_score_comments(data, max_score=3)["comment"].tolist() == ["太慢", "一般",
                                                                            "贵"]


# --------------------------------------------------------------------------- value & churn


def test_churn_groups_from_whatever_the_view_has():
    view = pd.DataFrame({"churn_risk": [0.9, 0.2, 0.5]}, index=pd.Index(["a", "b", "c"]))
    assert sat.churn_groups(view).tolist() == ["warning", "other", "warning"]
    status = pd.DataFrame({"status": ["warning", "ok", "lost"]}, index=pd.Index(["a", "b", "c"]))
    groups = sat.churn_groups(status)
    assert groups.to_dict() == {"a": "warning", "b": "other"}  # lost customers are left out
    assert sat.churn_groups(pd.DataFrame(index=pd.Index(["a"]))) is None


def test_segment_summary_top_tier_against_the_rest():
    attrs = pd.DataFrame({"tier": ["vip", "low", "low"]},
                         index=pd.Index(["a", "b", "c"], name="customer_id"))
    surveys = _surveys([5, 5, 4, 2, 1], customer_id=["a", "a", "b", "c", "c"])
    data = _data(surveys, _complaints(), attributes=attrs, shipments=_shipments())
    groups = attrs["tier"].map({"vip": "top", "low": "rest"})
    summary = sat.segment_summary(data, groups, period_days=90, order=["top", "rest"])
    assert summary.index.tolist() == ["top", "rest"]
    assert summary.loc["top", "customers"] == 1 and summary.loc["rest", "customers"] == 2
    assert summary.loc["top", "index"] == 1.0
    assert summary.loc["rest", "index"] == pytest.approx(1 / 3)
    assert summary.loc["top", "complaints"] == 2  # K1, K2
    assert summary.loc["rest", "complaints"] == 3  # K3, K4, K5
    assert summary.loc["rest", "per_1000"] == pytest.approx(1000 * 3 / 900)
    assert summary.loc["rest", "complainants"] == 1.0
    assert summary.loc["rest", "open"] == 2  # K3, K5


def test_surveys_without_customer_ids_count_only_without_a_selection():
    attrs = pd.DataFrame({"branch": ["X"]}, index=pd.Index(["a"], name="customer_id"))
    data = _data(_surveys([5, 4, 1]), attributes=attrs)
    assert sat.headline(data).loc["responses", "current"] == 3
    assert data.select({"branch": ["X"]}).surveys.empty


def test_every_library_message_exists_in_both_languages():
    for key in i18n.keys():
        if key.startswith("sat."):
            assert i18n.t(key, "en") and i18n.t(key, "zh")
    assert sat.SCALES["0-10"].label("zh") == "NPS（0–10 分）"
    assert sat.SCALES["1-5"].label("en") == "CSAT (share of 4–5)"


def test_attributes_cover_customers_outside_the_view():
    view = pd.DataFrame({"branch": ["X", "Y"]}, index=pd.Index(["a", "b"], name="customer_id"))
    customers = pd.DataFrame({"customer_id": ["a", "b", "z"], "branch": ["X", "Y", "Y"],
                              "region": ["N", "S", "S"], "name": ["A", "B", "Z"]})
    tiers = pd.Series(["vip", "low"], index=pd.Index(["a", "b"]))
    attrs = sat.customer_attributes(view, tiers, customers)
    assert attrs.index.tolist() == ["a", "b", "z"]
    assert attrs["branch"].tolist() == ["X", "Y", "Y"]
    assert attrs["tier"].iloc[:2].tolist() == ["vip", "low"]
    assert pd.isna(attrs["tier"].iloc[2])
    # a complaint of z counts for branch Y, but for no tier
    cp = pd.DataFrame({"customer_id": ["z", "b"], "date": [AS_OF, AS_OF],
                       "category": ["delay", "loss"]})
    data = _data(complaints=cp, attributes=attrs)
    assert sorted(data.select({"branch": ["Y"]}).complaints["customer_id"]) == ["b", "z"]
    assert data.select(tiers=["low"]).complaints["customer_id"].tolist() == ["b"]


def test_with_tiers_replaces_the_grading():
    attrs = pd.DataFrame({"branch": ["X", "Y"]}, index=pd.Index(["a", "b"], name="customer_id"))
    surveys = _surveys([5, 1], customer_id=["a", "b"])
    data = _data(surveys, attributes=attrs)
    assert "tier" not in data.surveys.columns
    graded = data.with_tiers(pd.Series(["vip", "low"], index=["a", "b"]))
    assert graded.surveys["tier"].tolist() == ["vip", "low"]
    assert graded.select(tiers=["vip"]).surveys["score"].tolist() == [5]
    regraded = graded.with_tiers(pd.Series(["low"], index=["a"]))
    assert regraded.surveys["tier"].iloc[0] == "low" and pd.isna(regraded.surveys["tier"].iloc[1])


# --------------------------------------------------------------------------- page-ready pieces


def test_headline_cards_carry_change_band_and_counts():
    attrs = pd.DataFrame({"branch": ["X", "X", "Y"]},
                         index=pd.Index(["a", "b", "c"], name="customer_id"))
    surveys = _surveys([5, 4, 2, 5], dates=[AS_OF, AS_OF, AS_OF, AS_OF - pd.Timedelta(days=100)],
                       customer_id=["a", "b", "c", "a"])
    data = _data(surveys, _complaints(), attrs, _shipments())
    cards = sat.headline_cards(data, period_days=90, sla_days=7)
    head = sat.headline(data, period_days=90, sla_days=7)
    assert cards["index"].value == pytest.approx(2 / 3)
    assert cards["index"].change == pytest.approx(2 / 3 - 1.0)
    assert (cards["index"].lo, cards["index"].hi) == (head.loc["index", "lo"],
                                                      head.loc["index", "hi"])
    assert cards["index"].count == 3
    assert (cards["responses"].value, cards["responses"].change) == (3, 2)
    rate = cards["complaint_rate"]
    assert (rate.value, rate.count, rate.base) == (pytest.approx(5.0), 5, 1000)
    assert rate.change == pytest.approx(5.0 - 5.0)
    assert (cards["open_past_sla"].value, cards["open_past_sla"].count) == (2, 3)
    only_complaints = sat.headline_cards(_data(complaints=_complaints()))
    assert only_complaints["index"] is None and only_complaints["responses"] is None
    assert math.isnan(only_complaints["complaint_rate"].value)  # no shipments


def test_display_points_scale_nps_and_differences_only():
    frame = pd.DataFrame({"index": [0.25], "change": [-0.05], "responses": [10]})
    nps = sat.display_points(frame, "nps", ["index"], ("change",))
    csat = sat.display_points(frame, "csat", ["index"], ("change",))
    assert nps.iloc[0].tolist() == pytest.approx([25, -5, 10])
    assert csat.iloc[0].tolist() == pytest.approx([0.25, -5, 10])
    assert frame.iloc[0, 0] == 0.25  # the input is left alone


def test_complaint_ranking_by_rate_or_by_count():
    attrs = pd.DataFrame({"branch": ["X", "X", "Y"]},
                         index=pd.Index(["a", "b", "c"], name="customer_id"))
    data = _data(complaints=_complaints(), attributes=attrs, shipments=_shipments())
    by_branch = sat.complaint_ranking(data, "branch", period_days=90, sla_days=7, top=1)
    assert by_branch.by_rate and by_branch.value == "per_1000"
    assert by_branch.top["branch"].tolist() == ["X"]  # 10 per 1,000 against 1.7
    assert set(by_branch.table["branch"]) == {"X", "Y"}
    plain = sat.complaint_ranking(_data(complaints=_complaints()), "category", period_days=90,
                                  sla_days=7)
    assert not plain.by_rate and plain.value == "complaints"
    assert plain.top["category"].iloc[0] == "delay"
    assert sat.complaint_ranking(data, "category", period_days=1, sla_days=7) is None
    assert sat.complaint_options(data) == ["category", "severity", "branch"]


def test_driver_highlights_and_low_score_choices():
    drivers = pd.DataFrame({"dimension": ["speed", "price", "attitude", "accuracy"],
                            "share": [0.5, 0.3, 0.15, 0.05],
                            "quadrant": ["fix", "keep", "fix", "low_priority"]})
    top, fix = sat.driver_highlights(drivers)
    assert top == [("speed", 0.5), ("price", 0.3), ("attitude", 0.15)]
    assert fix == ["speed", "attitude"]
    assert sat.low_score_choices(sat.SCALES["1-5"]) == ([1, 2, 3], 2)
    assert sat.low_score_choices(sat.SCALES["0-10"]) == (list(range(9)), 6)
    assert sat.low_score_choices(sat.SCALES["0-100"]) == (list(range(0, 80, 5)), 50)


def test_top_tier_groups_leave_customers_without_a_tier_out():
    attrs = pd.DataFrame({"tier": ["vip", "low", None]},
                         index=pd.Index(["a", "b", "c"], name="customer_id"))
    assert sat.top_tier_groups(attrs, "vip").to_dict() == {"a": "top", "b": "rest"}
