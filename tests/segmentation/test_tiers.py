"""Value tiers, RFM segments, summaries, migration and history on small hand-written data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation import formatting, i18n
from segmentation.features import customer_view
from segmentation.tiers import (
    GONE,
    NEW,
    OUTPUT_COLUMNS,
    RFM_SEGMENT_RULES,
    SettingsError,
    Threshold,
    TierSettings,
    assign,
    assign_tiers_by_share,
    assign_tiers_by_threshold,
    available_breakdowns,
    customer_list,
    default_tier_label,
    history_counts,
    history_flows,
    migration,
    migration_flows,
    migration_sentences,
    month_ends,
    moved_customers,
    movement_summary,
    pareto,
    percentile_ranks,
    playbook_frame,
    prepare_scoring,
    rfm_grid,
    rfm_grid_text,
    rfm_scores,
    rfm_segments,
    score_customers,
    segment_grid,
    suggest_thresholds,
    tier_history,
    tier_mix,
    tier_summary,
    top_share,
)
from segmentation.workspace import Workspace

M_ONLY = {"r": 0, "f": 0, "m": 1}


def _view(recency, frequency, monetary, tenure=None, **extra) -> pd.DataFrame:
    n = len(recency)
    idx = pd.Index([f"C{i}" for i in range(n)], name="customer_id")
    return pd.DataFrame({"recency_days": np.asarray(recency, dtype="float64"),
                         "frequency": frequency,
                         "monetary_total": np.asarray(monetary, dtype="float64"),
                         "tenure_days": np.asarray(tenure if tenure is not None else [364] * n,
                                                   dtype="float64"),
                         **extra}, index=idx)


def _ten() -> pd.DataFrame:
    """Ten customers, C0 best on every measure, C9 worst."""
    return _view(range(10), list(range(10, 0, -1)), [v * 100 for v in range(10, 0, -1)],
                 branch=["b1"] * 5 + ["b2"] * 5)


def _tiers(result) -> list[str]:
    return result.scored["tier"].astype(str).tolist()


def _codes(result) -> list[str]:
    return [n.code for n in result.notes]


# --------------------------------------------------------------------------- settings


def test_settings_round_trip_through_dict_and_json():
    settings = TierSettings(
        weights={"r": 1, "f": 2, "m": 3, "t": 1}, tiers=("vip", "high", "low"),
        labels={"vip": {"en": "Diamond", "zh": "钻石卡"}}, mode="threshold",
        shares=(0.2, 0.3, 0.5), thresholds=[Threshold(50_000, 24), {"min_spend": 1000}],
        annualize_min_days=30, frequency_classes={"high": 12, "medium": 2},
        playbook={"vip": ["Call weekly"]})
    data = settings.to_dict()
    assert data["thresholds"][1] == {"min_spend": 1000.0, "min_shipments": None}
    assert TierSettings.from_dict(data) == settings
    assert TierSettings.from_json(settings.to_json()) == settings
    assert hash(TierSettings.from_dict(data)) == hash(settings)
    assert TierSettings() == TierSettings.from_dict({})


def test_partial_and_legacy_dicts_take_defaults():
    legacy = TierSettings.from_dict({"tiers": ["gold", "rest"], "shares": [0.25, 0.75],
                                     "weights": {"r_score": 0.2, "f_score": 0.3,
                                                 "m_score": 0.5}})
    assert legacy.weights == {"r": 0.2, "f": 0.3, "m": 0.5, "t": 0.0}
    assert legacy.thresholds == (Threshold(500.0, 4.0),)
    assert legacy.mode == "share" and legacy.label("gold") == "gold"
    assert TierSettings(tiers=("a", "b", "c")).shares == pytest.approx((1 / 3,) * 3)
    assert TierSettings(weights={"monetary": 2}).weights == {"r": 0, "f": 0, "m": 2, "t": 0}


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        ({"colour": "red"}, "unknown_field", "Unknown settings field 'colour'"),
        ({"version": 2}, "bad_version", "Settings version 2 is not supported"),
        ({"weights": [1, 2]}, "bad_type", "'weights' must be a JSON object"),
        ({"weights": {"x": 1}}, "weight_key", "Unknown weight 'x'"),
        ({"weights": {"r": -1, "m": 1}}, "weight_negative", "must not be negative"),
        ({"weights": {"r": 0, "f": 0, "m": 0}}, "weights_zero", "At least one weight"),
        ({"weights": {"m": "high"}}, "bad_number", "'weights.m' must be a finite number"),
        ({"tiers": ["a", "b", "c", "d", "e", "f"]}, "tier_count", "2 to 5 tiers, got 6"),
        ({"tiers": ["VIP!", "low"]}, "tier_key", "Tier key 'VIP!'"),
        ({"tiers": ["a", "a", "b"]}, "tier_duplicate", "Tier 'a' appears more than once"),
        ({"mode": "rank"}, "bad_mode", "'share' or 'threshold', got 'rank'"),
        ({"shares": [0.5, 0.5]}, "share_count", "4 tiers need 4 shares, got 2"),
        ({"shares": [0.05, 0.2, 0.3, 0.4]}, "share_sum", "add up to 100%, got 95%"),
        ({"shares": [0, 0.3, 0.3, 0.4]}, "share_value", "share of tier 'vip' must be above 0"),
        ({"thresholds": [{"min_spend": 1}]}, "threshold_count", "except the last: 3, got 1"),
        ({"thresholds": [{"min_spend": -1}, {}, {}]}, "threshold_negative",
         "min_spend of tier 'vip' must not be negative"),
        ({"thresholds": [{"spend": 1}, {}, {}]}, "unknown_field", "'thresholds.spend'"),
        ({"frequency_classes": {"high": 2, "medium": 6}}, "frequency_classes",
         "high 2.0 and medium 6.0"),
        ({"annualize_min_days": 0}, "bad_min_days", "from 1 to 365, got 0"),
        ({"labels": {"gold": {"en": "Gold"}}}, "unknown_tier", "labels names tier 'gold'"),
        ({"labels": {"vip": {"fr": "VIP"}}}, "label_lang", "got 'fr'"),
        ({"rfm_rules": RFM_SEGMENT_RULES.iloc[1:].to_dict("records")}, "rules_cells",
         r"without a segment: (5, 4) (5, 5); cells with several: -"),
        ({"rfm_rules": [*RFM_SEGMENT_RULES.to_dict("records"),
                        {"segment": "x", "r_min": 1, "r_max": 1, "f_min": 1, "f_max": 1}]},
         "rules_cells", r"without a segment: -; cells with several: (1, 1)"),
        ({"rfm_rules": [{"segment": "all", "r_min": 0, "r_max": 5, "f_min": 1, "f_max": 5}]},
         "rule_range", "RFM rule 1 (all): the R range"),
        ({"rfm_rules": [{"segment": "all", "r_min": 1}]}, "rule_missing",
         "RFM rule 1 lacks 'r_max'"),
        ({"playbook": {"gold": ["x"]}}, "unknown_tier", "playbook names tier 'gold'"),
        ({"playbook": {"vip": ["x"] * 11}}, "playbook_count", "at most 10"),
    ],
    ids=lambda v: v if isinstance(v, str) and " " not in v else None,
)
def test_invalid_settings_are_rejected_with_a_clear_message(data, code, message):
    with pytest.raises(SettingsError, match=None) as info:
        TierSettings.from_dict(data)
    assert info.value.code == code
    assert message in str(info.value)
    zh = info.value.message("zh")
    assert zh and zh != str(info.value) and "\n" not in zh


def test_bad_json_text():
    with pytest.raises(SettingsError, match="not valid JSON"):
        TierSettings.from_json(b"{not json")


def test_tier_count_change_keeps_what_still_applies():
    base = TierSettings(labels={"vip": {"en": "Diamond"}, "low": {"en": "Basic"}},
                        playbook={"low": ["SMS only"]}, weights={"m": 1})
    three = base.with_tier_count(3)
    assert three.tiers == ("high", "medium", "low") and three.shares == (0.2, 0.3, 0.5)
    assert three.labels == {"low": {"en": "Basic"}} and three.playbook == {"low": ("SMS only",)}
    assert three.thresholds == (Threshold(2000, 12), Threshold(500, 4))
    assert three.weights == base.weights
    five = TierSettings.default(5)
    assert five.tiers == ("vip", "premium", "high", "medium", "low")
    assert [five.label(t, "zh") for t in five.tiers] == ["钻石", "铂金", "黄金", "白银", "普通"]
    assert five.thresholds[0] == Threshold(20000, 36)


def test_labels_and_playbook_defaults_and_overrides():
    settings = TierSettings(labels={"vip": {"zh": "至尊"}}, playbook={"high": ["Call"]})
    assert settings.tier_labels("en") == {"vip": "VIP", "high": "High", "medium": "Medium",
                                          "low": "Low"}
    assert settings.label("vip", "zh") == "至尊" and settings.label("vip", "en") == "VIP"
    assert settings.label(NEW, "en") == "New" and settings.label(GONE, "zh") == "离开"
    assert settings.actions("high", "zh") == ["Call"]
    assert settings.actions("vip", "en")[0].startswith("Assign a dedicated account manager")
    assert settings.actions("vip", "zh")[0] == "配备专属客户经理，每季度回访并复盘业务"
    table = playbook_frame(settings, "en")
    assert list(table.columns) == ["tier", "label", "step", "action"]
    assert table.groupby("tier", sort=False).size().to_dict() == {
        "vip": 4, "high": 1, "medium": 3, "low": 3}


# --------------------------------------------------------------------------- scores


def test_scores_rank_and_direction():
    view = _view([1, 10, 20, 30, 40], [50, 40, 30, 20, 10], [5, 4, 3, 2, 1],
                 tenure=[500, 400, 300, 200, 100])
    scores = rfm_scores(view)
    for col in ("r_score", "f_score", "m_score", "t_score"):
        assert scores[col].tolist() == [5, 4, 3, 2, 1], col


def test_ties_share_a_score():
    view = _view([5, 5, 5, 5, 100], [1, 1, 1, 1, 9], [1, 1, 1, 1, 9], tenure=[1, 2, 3, 4, 5])
    scores = rfm_scores(view)
    assert scores["r_score"].tolist() == [4, 4, 4, 4, 1]  # mean rank 3.5 of 5 -> 0.7
    assert scores["f_score"].tolist() == [3, 3, 3, 3, 5]  # mean rank 2.5 of 5 -> 0.5


def test_constant_measure_scores_three_and_is_explained():
    view = _view([3, 3, 3], [2, 2, 2], [7.0, 8.0, 9.0])
    with pytest.warns(UserWarning) as caught:
        assert percentile_ranks(view)["f_score"].tolist() == [0.5] * 3
    assert "all customers have the same frequency; the F score is 3 for everyone" in [
        str(w.message) for w in caught]
    result = assign(prepare_scoring(view))
    assert result.scored["f_score"].tolist() == [3, 3, 3]
    messages = result.messages("en")
    assert "All customers have the same frequency; the F score is 3 for everyone." in messages
    assert "所有客户的消费频次相同；F 得分均为 3。" in result.messages("zh")
    # tenure is constant too, but has no weight: not worth a note
    assert not any("tenure" in m for m in messages)
    with_tenure = assign(prepare_scoring(view), TierSettings(weights={"m": 1, "t": 1}))
    assert "All customers have the same tenure; the T score is 3 for everyone." in (
        with_tenure.messages("en"))


def test_missing_values_rank_lowest_with_a_note():
    view = _view([1, 2, np.nan], [3, 2, 1], [30, 20, 10])
    result = assign(prepare_scoring(view), TierSettings.default(3))
    assert result.scored["r_score"].tolist() == [5, 3, 1]  # ranked among the known values
    assert result.messages("en") == [
        "No recency for 1 customer: the lowest R score (1) was given."]
    assert result.notes[0].params == {"measure": "r", "column": "recency_days", "customers": 1}


def test_assign_adds_documented_columns_without_touching_the_view():
    view = _ten()
    before = view.copy()
    scored = assign(prepare_scoring(view)).scored
    pd.testing.assert_frame_equal(view, before)
    assert list(scored.columns) == list(view.columns) + list(OUTPUT_COLUMNS)
    assert scored["r_score"].dtype == "int64" and scored["value_score"].dtype == "float64"
    assert list(scored["tier"].cat.categories) == ["vip", "high", "medium", "low"]
    assert list(scored["frequency_class"].cat.categories) == ["high", "medium", "low"]
    assert scored["value_score"].between(0, 5).all()
    # C0 is best on every measure: value 5 x the top percentile (1.0) = 5
    assert scored.loc["C0", "value_score"] == pytest.approx(5.0)


def test_score_customers_is_prepare_plus_assign():
    view = _ten().assign(tenure_days=np.arange(10) * 50.0)
    settings = TierSettings(weights={"r": 1, "f": 1, "m": 1, "t": 1}, shares=(.2, .2, .2, .4))
    pd.testing.assert_frame_equal(score_customers(view, settings),
                                  assign(prepare_scoring(view), settings).scored)


# --------------------------------------------------------------------------- share mode


@pytest.mark.parametrize(
    ("values", "shares", "expected"),
    [
        ([9, 8, 7, 6, 5, 4, 3, 2, 1, 0], [.2, .3, .5], "aabbbccccc"),
        ([9, 9, 9, 5, 1, 1, 1, 1, 1, 1], [.2, .3, .5], "aaabcccccc"),
        ([9, 9, 9, 1, 1, 1, 1, 1, 1, 1], [.2, .3, .5], "aaabbbbbbb"),
        ([5, 4, 3, 3, 3, 3, 3, 3, 3, 3], [.1, .2, .7], "abcccccccc"),
        ([3, 2, 1], [.1, .2, .3, .4], "abc"),
        ([4, 4, 4, 4], [.2, .3, .5], "aaaa"),
        ([1, 2, 3, 4, 5, 6], [.5, .5], "bbbaaa"),
    ],
    ids=["distinct", "tie-at-cut", "two-values-for-three-tiers", "cut-raised-for-room",
         "fewer-customers-than-tiers", "all-equal", "order-of-input-kept"],
)
def test_assign_by_share(values, shares, expected):
    tiers = "abcd"[: len(shares)]
    result = assign_tiers_by_share(pd.Series(values, dtype="float64"), list(tiers), shares)
    assert "".join(result.astype(str)) == expected


def test_assign_by_share_empty():
    assert assign_tiers_by_share(pd.Series([], dtype="float64"), ["a", "b"], [.5, .5]).empty


def _reference_share_codes(values: np.ndarray, shares: list[float]) -> np.ndarray:
    """The share rule written plainly: sort, walk tie boundaries, pick cuts one by one."""
    n, k = len(values), len(shares)
    order = np.argsort(-values, kind="stable")
    s = values[order]
    boundaries = [p for p in range(1, n) if s[p - 1] != s[p]]  # cut after position p - 1
    cum = np.cumsum(np.asarray(shares) / sum(shares))
    ends, prev = [], 0
    for i in range(k - 1):
        target = int(np.floor(cum[i] * n + 0.5))
        candidates = [b for b in boundaries if b >= max(target, prev + 1)]
        if len(boundaries) >= k - 1:  # enough distinct values: leave room below
            room = boundaries[len(boundaries) - (k - 1 - i)]
            end = min(candidates[0], room) if candidates else room
        else:
            end = candidates[0] if candidates else n
        ends.append(end)
        prev = end
    codes_sorted = np.searchsorted(np.asarray(ends), np.arange(n), side="right")
    out = np.empty(n, dtype=np.int64)
    out[order] = codes_sorted
    return out


def test_share_cuts_match_the_plain_reference_and_fill_every_tier_when_possible():
    rng = np.random.default_rng(7)
    for _ in range(400):
        n = int(rng.integers(1, 40))
        k = int(rng.integers(2, 6))
        values = rng.integers(0, int(rng.integers(1, 12)), n).astype("float64")
        shares = list(rng.dirichlet(np.ones(k)) + 0.01)
        got = assign_tiers_by_share(pd.Series(values), [f"t{i}" for i in range(k)], shares)
        expected = _reference_share_codes(values, shares)
        assert got.cat.codes.tolist() == expected.tolist(), (values, shares)
        for v in np.unique(values):  # equal values always share a tier
            assert got[values == v].nunique() == 1
        if len(np.unique(values)) >= k:
            assert (np.bincount(got.cat.codes, minlength=k) > 0).all()


def test_ties_and_rounding_at_cuts_are_explained():
    view = _view(range(10), [1] * 10, [100, 100, 100, 50, 40, 30, 20, 10, 5, 1])
    result = assign(prepare_scoring(view), TierSettings(weights=M_ONLY))
    assert _tiers(result) == ["vip"] * 3 + ["high"] + ["medium"] * 2 + ["low"] * 4
    assert _codes(result) == ["constant_measure", "share_tie", "share_min_one"]
    tie, min_one = result.notes[1:]
    assert tie.message("en") == (
        "Ties at the VIP cut: 2 customers with the same value score as the last VIP customer "
        "also joined VIP, so VIP holds 30.0% of customers instead of 10.0%.")
    assert tie.message("zh") == (
        "钻石分界处有并列：与钻石最后一位客户价值分相同的 2 位客户也归入钻石，"
        "因此钻石占客户的 30.0%，而非设定的 10.0%。")
    assert min_one.message("en") == (
        "At 20.0% of 10 customers, High would hold no customer; it holds the best 1 customer "
        "instead (10.0%), so that no tier is empty.")
    assert tie.params == {"tier": "vip", "extra": 2, "share": 0.3, "target": 0.1}


def test_cut_raised_to_keep_lower_tiers_is_explained():
    view = _view(range(10), [1] * 10, [5, 4, 3, 3, 3, 3, 3, 3, 3, 3])
    settings = TierSettings(tiers=("a", "b", "c"), shares=(.1, .2, .7), weights=M_ONLY)
    result = assign(prepare_scoring(view), settings)
    assert _tiers(result) == ["a", "b"] + ["c"] * 8
    assert result.messages("en") == [
        "The b cut was raised so that every lower tier keeps at least one customer; b holds "
        "10.0% of customers instead of 20.0%.",
        "All customers have the same frequency; the F score is 3 for everyone."][::-1]


def test_single_customer():
    result = assign(prepare_scoring(_view([4], [2], [50.0])))
    assert _tiers(result) == ["vip"]
    assert result.scored[["r_score", "f_score", "m_score", "t_score"]].iloc[0].tolist() == [3] * 4
    assert result.messages("en") == [
        "Only one customer: every score is 3 and the customer is in VIP."]


def test_all_equal_customers_share_the_best_tier_with_an_explanation():
    result = assign(prepare_scoring(_view([7] * 5, [3] * 5, [9.0] * 5)))
    assert _tiers(result) == ["vip"] * 5
    assert _codes(result) == ["share_all_equal", "constant_measure", "constant_measure",
                              "constant_measure"]
    assert result.notes[0].message("en") == (
        "All 5 customers have the same value score, so all are in VIP: customers with the same "
        "score always share a tier.")


def test_fewer_distinct_values_than_tiers_names_the_empty_tiers():
    view = _view([1, 1, 1, 9, 9, 9], [5, 5, 5, 1, 1, 1], [9, 9, 9, 1, 1, 1])
    result = assign(prepare_scoring(view))
    assert _tiers(result) == ["vip"] * 3 + ["high"] * 3
    assert result.notes[0].message("en") == (
        "Only 2 different value scores among 6 customers for 4 tiers: customers with the same "
        "score always share a tier, so these tiers stay empty: Medium, Low.")
    assert result.notes[0].message("zh").endswith("因此以下层级为空：白银、普通。")


def test_empty_view():
    view = _ten().iloc[:0]
    result = assign(prepare_scoring(view))
    assert result.scored.empty and list(result.scored.columns)[-len(OUTPUT_COLUMNS):] == list(
        OUTPUT_COLUMNS)
    assert list(result.scored["tier"].cat.categories) == ["vip", "high", "medium", "low"]
    assert result.messages("en") == ["No customers to grade: the current selection holds none."]
    summary = tier_summary(result.scored)
    assert summary["customers"].tolist() == [0, 0, 0, 0]
    assert summary["share"].isna().all()
    assert np.isnan(top_share(result.scored, 0.1))
    assert pareto(result.scored, points=3)["revenue_share"].isna().all()
    assert assign(prepare_scoring(view), TierSettings(mode="threshold")).scored.empty


def test_default_shares_on_distinct_values():
    n = 100
    view = _view(list(range(n)), list(range(n, 0, -1)), [float(i) for i in range(n, 0, -1)])
    result = assign(prepare_scoring(view))
    assert result.scored["tier"].value_counts(sort=False).tolist() == [10, 20, 30, 40]
    assert result.notes == ()
    assert result.scored.loc["C0", "tier"] == "vip" and result.scored.loc["C99", "tier"] == "low"


# --------------------------------------------------------------------------- threshold mode

THRESHOLDS = [Threshold(50_000, 24), Threshold(5_000, 12), Threshold(500, 4)]


def test_threshold_mode_takes_the_best_tier_whose_thresholds_hold():
    # tenure 364 days: a year of history, so the annual figures are the totals
    view = _view(range(5), [30, 10, 12, 50, 4], [60_000, 60_000, 6_000, 100, 500])
    result = assign(prepare_scoring(view),
                    TierSettings(mode="threshold", thresholds=THRESHOLDS))
    assert _tiers(result) == ["vip", "medium", "high", "low", "medium"]
    assert result.scored["annual_spend"].tolist() == [60_000, 60_000, 6_000, 100, 500]
    assert result.notes == ()
    direct = assign_tiers_by_threshold(result.scored["annual_spend"],
                                       result.scored["annual_shipments"],
                                       ["vip", "high", "medium", "low"], THRESHOLDS)
    assert direct.astype(str).tolist() == _tiers(result)


def test_empty_threshold_tiers_are_explained():
    view = _view(range(3), [30, 10, 2], [60_000, 6_000, 100])
    settings = TierSettings(mode="threshold", thresholds=[
        Threshold(200_000, 24), Threshold(1_000, None), Threshold(5_000, None)])
    result = assign(prepare_scoring(view), settings)
    assert _tiers(result) == ["high", "high", "low"]
    assert result.messages("en") == [
        "No customer reaches the VIP thresholds (annual spend at least ¥200,000 and at least 24 "
        "shipments a year); VIP is empty.",
        "Every customer who reaches the Medium thresholds (annual spend at least ¥5,000) also "
        "reaches a higher tier's; Medium is empty."]
    assert result.messages("zh")[0] == (
        "没有客户达到钻石的门槛（年消费额不低于 ¥200,000且年寄件不少于 24 次）；钻石为空。")
    everyone = settings.thresholds[:2] + (Threshold(None, None),)
    last = assign(prepare_scoring(view), TierSettings(mode="threshold", thresholds=everyone))
    assert last.messages("en")[-1] == (
        "Every customer reaches the thresholds of a higher tier; Low is empty.")


def test_annual_figures_use_the_exposure_floor():
    view = _view([1, 1, 1], [3, 3, 3], [900, 900, 900], tenure=[29, 364, 729])
    spend = assign(prepare_scoring(view)).scored["annual_spend"]
    assert spend.tolist() == pytest.approx([900 * 365 / 90, 900, 450])
    short = assign(prepare_scoring(view), TierSettings(annualize_min_days=1)).scored
    assert short["annual_spend"].tolist() == pytest.approx([900 * 365 / 30, 900, 450])
    assert short["annual_shipments"].tolist() == pytest.approx([3 * 365 / 30, 3, 1.5])


def test_view_without_tenure_uses_totals_and_says_so():
    view = _view([1, 2], [3, 4], [10, 20]).drop(columns="tenure_days")
    result = assign(prepare_scoring(view))
    assert result.scored["annual_spend"].tolist() == [10, 20]
    assert result.scored["t_score"].tolist() == [3, 3]
    assert "no_tenure" in _codes(result)


def test_suggested_thresholds_follow_the_shares():
    view = _view([1] * 10, list(range(1, 11)), [100 * i for i in range(1, 11)])
    base = prepare_scoring(view)
    got = suggest_thresholds(base, TierSettings(tiers=("a", "b"), shares=(.2, .8)))
    assert got == (Threshold(820.0, 8.0),)  # 80th percentile of 100..1000 = 820


# --------------------------------------------------------------------------- frequency classes


def test_frequency_classes_from_annual_shipments():
    view = _view([1] * 6, [30, 24, 23, 6, 5, 0], [10] * 6)
    scored = assign(prepare_scoring(view)).scored
    assert scored["frequency_class"].astype(str).tolist() == [
        "high", "high", "medium", "medium", "low", "low"]
    custom = assign(prepare_scoring(view),
                    TierSettings(frequency_classes={"high": 10, "medium": 1})).scored
    assert custom["frequency_class"].astype(str).tolist() == [
        "high", "high", "high", "medium", "medium", "low"]
    assert i18n.t("freq_class.high", "zh") == "高频客户"


# --------------------------------------------------------------------------- RFM


def test_every_cell_has_exactly_one_segment_and_every_segment_is_reachable():
    grid = segment_grid()
    assert grid.shape == (5, 5) and grid.notna().all().all()
    segments = list(RFM_SEGMENT_RULES["segment"])
    assert len(segments) == 11
    assert set(grid.to_numpy().ravel()) == set(segments)
    cells = pd.DataFrame([(r, f) for r in range(1, 6) for f in range(1, 6)],
                         columns=["r_score", "f_score"])
    reached = rfm_segments(cells)
    assert set(reached.astype(str)) == set(segments)
    for seg in segments:
        assert i18n.has(f"segment.{seg}")
        assert i18n.t(f"segment.{seg}", "zh") != i18n.t(f"segment.{seg}", "en")


def test_rule_gaps_and_overlaps_are_rejected_naming_the_cells():
    rules = pd.concat([RFM_SEGMENT_RULES, pd.DataFrame(
        [("extra", 5, 5, 5, 5)], columns=RFM_SEGMENT_RULES.columns)])
    with pytest.raises(SettingsError, match=r"with several: \(5, 5\)"):
        segment_grid(rules)
    with pytest.raises(SettingsError, match=r"without a segment: \(1, 1\) \(1, 2\)"):
        segment_grid(RFM_SEGMENT_RULES[RFM_SEGMENT_RULES["segment"] != "lost"])


def test_segments_from_scores():
    scores = pd.DataFrame({"r_score": [5, 5, 1, 1, 3], "f_score": [5, 1, 5, 1, 3]})
    assert rfm_segments(scores).astype(str).tolist() == [
        "champions", "new", "cant_lose", "lost", "need_attention"]


def test_edited_rules_drive_the_segments():
    rules = RFM_SEGMENT_RULES.copy()
    rules.loc[rules["segment"].isin(["new", "promising"]), "segment"] = "newcomers"
    settings = TierSettings(rfm_rules=rules.to_dict("records"))
    assert "newcomers" in settings.segments and "new" not in settings.segments
    view = _view([1, 20, 40, 60, 80], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5])
    scored = assign(prepare_scoring(view), settings).scored
    assert list(scored["rfm_segment"].cat.categories) == list(settings.segments)
    assert scored.loc["C0", "rfm_segment"] == "newcomers"


def test_rfm_grid_counts_and_revenue():
    scored = assign(prepare_scoring(_ten())).scored
    grid = rfm_grid(scored)
    assert len(grid) == 25 and grid["customers"].sum() == 10
    assert grid["revenue"].sum() == pytest.approx(scored["monetary_total"].sum())
    top = grid[(grid["r_score"] == 5) & (grid["f_score"] == 5)].iloc[0]
    assert (top["segment"], top["customers"], top["revenue"]) == ("champions", 2, 1900.0)
    assert rfm_grid(scored, TierSettings()).equals(grid)
    text = rfm_grid_text(grid, "customers", "en")
    assert len(text) == 5 and all(len(row) == 5 for row in text)
    assert text[4][4] == "Champions<br>2"  # r 5, f 5
    money = formatting.compact(1900.0, "en", money=True)
    assert rfm_grid_text(grid, "revenue", "en")[4][4] == f"Champions<br>{money}"


# --------------------------------------------------------------------------- summaries


def test_tier_summary_exact():
    scored = assign(prepare_scoring(_ten())).scored
    summary = tier_summary(scored)
    assert summary.index.tolist() == ["vip", "high", "medium", "low"]
    assert summary["customers"].tolist() == [1, 2, 3, 4]
    assert summary["revenue"].tolist() == [1000, 1700, 1800, 1000]
    assert summary["revenue_share"].tolist() == pytest.approx([1000 / 5500, 1700 / 5500,
                                                               1800 / 5500, 1000 / 5500])
    assert summary["avg_spend"].tolist() == [1000, 850, 600, 250]
    assert summary["avg_frequency"].tolist() == [10, 8.5, 6, 2.5]
    assert summary["avg_recency_days"].tolist() == [0, 1.5, 4, 7.5]
    assert summary["cum_share"].tolist() == pytest.approx([0.1, 0.3, 0.6, 1.0])
    by_class = tier_summary(scored, by="frequency_class")
    assert by_class.index.tolist() == ["high", "medium", "low"]
    assert by_class["customers"].tolist() == [0, 5, 5]


def test_pareto_and_top_share():
    view = _view([1, 2, 3], [1, 1, 1], [20, 50, 30])
    scored = assign(prepare_scoring(view)).scored
    curve = pareto(scored, points=4)
    assert curve["customer_share"].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert curve["revenue_share"].tolist() == pytest.approx([0, 0.5, 0.8, 1.0])
    assert top_share(scored, 1 / 3) == pytest.approx(0.5)
    assert top_share(scored, 0.01) == pytest.approx(0.5)  # at least one customer
    assert top_share(scored, 0) == 0
    # by value score: C0 is most recent (R) and M weighs 0.5 -> order C1, C0, C2 or similar
    by_value = pareto(scored, by="value_score", points=4)["revenue_share"]
    order = scored.sort_values("value_score", ascending=False)["monetary_total"]
    assert by_value.tolist() == pytest.approx((np.r_[0, order.cumsum()] / 100).tolist())
    with pytest.raises(ValueError, match="between 0 and 1"):
        top_share(scored, 5)


def test_tier_mix_long_form():
    scored = assign(prepare_scoring(_ten())).scored
    mix = tier_mix(scored, "branch")
    assert list(mix.columns) == ["branch", "tier", "customers", "share", "revenue",
                                 "revenue_share"]
    b1 = mix[mix["branch"] == "b1"]
    assert b1["tier"].astype(str).tolist() == ["vip", "high", "medium", "low"]
    assert b1["customers"].tolist() == [1, 2, 2, 0]
    assert b1["share"].tolist() == pytest.approx([0.2, 0.4, 0.4, 0.0])
    assert b1["revenue"].tolist() == [1000, 1700, 1300, 0]
    assert mix["customers"].sum() == 10
    assert tier_mix(scored, "frequency_class")["frequency_class"].unique().tolist() == [
        "high", "medium", "low"]
    assert available_breakdowns(scored) == ["frequency_class", "branch"]
    with pytest.raises(ValueError, match="no 'region' column"):
        tier_mix(scored, "region")


# --------------------------------------------------------------------------- migration


def test_migration_matrix_sums():
    n = 100
    view = _view(list(range(n)), list(range(n, 0, -1)), [float(i) for i in range(n, 0, -1)])
    base = prepare_scoring(view)
    before = assign(base).scored
    after = assign(base, TierSettings(shares=(.05, .25, .3, .4), weights={"f": 1})).scored
    counts, revenue = migration(before["tier"], after["tier"], before["monetary_total"])
    assert counts.index.name == "before" and counts.columns.name == "after"
    assert counts.sum(axis=1).tolist() == before["tier"].value_counts(sort=False).tolist()
    assert counts.sum(axis=0).tolist() == after["tier"].value_counts(sort=False).tolist()
    assert counts.to_numpy().sum() == n
    assert revenue.to_numpy().sum() == pytest.approx(before["monetary_total"].sum())
    assert counts.at["vip", "high"] == 5 and counts.at["vip", "vip"] == 5
    diagonal = sum(counts.at[k, k] for k in counts.index)
    assert moved_customers(counts) == n - diagonal > 0
    assert moved_customers(migration(before["tier"], before["tier"])[0]) == 0
    flows = migration_flows(counts, revenue)
    assert flows["customers"].sum() == n and (flows["customers"] > 0).all()
    assert list(flows.columns) == ["from_tier", "to_tier", "customers", "revenue"]


def test_migration_aligns_customers_and_refuses_others():
    before = pd.Series(["a", "b"], index=["x", "y"])
    after = pd.Series(["b", "b"], index=["y", "x"])
    counts, _ = migration(before, after)
    assert counts.loc["a", "b"] == 1 and counts.loc["b", "b"] == 1
    with pytest.raises(ValueError, match="same customers"):
        migration(before, pd.Series(["a", "b"], index=["x", "z"]))


def _moves() -> tuple[pd.DataFrame, pd.DataFrame]:
    cats = ["vip", "high", "medium", "low"]
    before = pd.Categorical(["high"] * 3 + ["medium"] + ["low"] * 2, categories=cats)
    after = pd.Categorical(["medium"] * 3 + ["high"] + ["low"] * 2, categories=cats)
    revenue = pd.Series([1_000_000, 800_000, 500_000, 100, 5, 5], dtype="float64")
    return migration(pd.Series(before), pd.Series(after), revenue)


def test_migration_sentences_in_both_languages():
    counts, revenue = _moves()
    assert migration_sentences(counts, revenue, lang="en") == [
        "In total, this change moves 4 customers (¥2.3M revenue) to another tier.",
        "This change moves 3 customers (¥2.3M revenue) from High to Medium.",
        "This change moves 1 customer (¥100 revenue) from Medium to High.",
    ]
    assert migration_sentences(counts, revenue, lang="zh") == [
        "此调整共使 4 位客户（收入 ¥230万）变更层级。",
        "此调整使 3 位客户（收入 ¥230万）从黄金降至白银。",
        "此调整使 1 位客户（收入 ¥100）从白银升至黄金。",
    ]
    labelled = TierSettings(labels={"high": {"en": "Gold"}, "medium": {"en": "Silver"}})
    assert migration_sentences(counts, revenue, settings=labelled, top=1,
                               include_total=False) == [
        "This change moves 3 customers (¥2.3M revenue) from Gold to Silver."]
    same, money = migration(pd.Series(["a", "b"]), pd.Series(["a", "b"]))
    assert migration_sentences(same, money, lang="zh") == ["此调整不改变任何客户的层级。"]


# --------------------------------------------------------------------------- history


def test_month_ends():
    assert month_ends("2025-03-15", 3) == [pd.Timestamp("2024-12-31"),
                                           pd.Timestamp("2025-01-31"),
                                           pd.Timestamp("2025-02-28")]
    assert month_ends("2025-03-31", 2)[-1] == pd.Timestamp("2025-03-31")


@pytest.fixture
def tiny_workspace(tmp_path) -> Workspace:
    rows = [("A", "2024-12-15", 2000), ("B", "2024-12-20", 150), ("B", "2025-02-10", 900),
            ("C", "2025-01-05", 50), ("C", "2025-03-01", 100), ("D", "2025-02-15", 500),
            ("E", "2024-12-01", 300), ("E", "2025-03-10", -250)]
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    tx["date"] = pd.to_datetime(tx["date"])
    tx["amount"] = tx["amount"].astype("float64")
    ws = Workspace(tmp_path / "ws")
    ws.replace({"transactions": tx}, source="test")
    yield ws
    ws.engine().dispose()


HISTORY_SETTINGS = TierSettings(
    tiers=("high", "medium", "low"), mode="threshold", annualize_min_days=365,
    thresholds=[{"min_spend": 1000}, {"min_spend": 100}])


def test_tier_history_on_a_tiny_workspace(tiny_workspace):
    history = tier_history(tiny_workspace.engine(), as_of="2025-03-31",
                           settings=HISTORY_SETTINGS, months=3)
    jan, feb, mar = history.periods
    assert mar == pd.Timestamp("2025-03-31")
    table = history.tiers.astype(object).where(history.tiers.notna(), None)
    assert table.to_dict("index") == {
        "A": {jan: "high", feb: "high", mar: "high"},
        "B": {jan: "medium", feb: "high", mar: "high"},      # bought more in February
        "C": {jan: "low", feb: "low", mar: "medium"},
        "D": {jan: None, feb: "medium", mar: "medium"},      # first seen in February
        "E": {jan: "medium", feb: "medium", mar: "low"},     # refund in March
    }
    summary = movement_summary(history)
    assert summary[["customers", "stayed", "up", "down", "new", "gone"]].to_numpy().tolist() == [
        [5, 3, 1, 0, 1, 0], [5, 3, 1, 1, 0, 0]]
    flows = history_flows(history)
    first = flows[flows["period_to"] == feb]
    assert sorted(zip(first["from_tier"], first["to_tier"], first["customers"], strict=True)) == [
        (NEW, "medium", 1), ("high", "high", 1), ("low", "low", 1), ("medium", "high", 1),
        ("medium", "medium", 1)]
    assert history_counts(history).to_numpy().tolist() == [[1, 2, 1], [2, 2, 1], [2, 2, 1]]


def test_tier_history_with_a_filtering_view_counts_gone_customers(tiny_workspace):
    def recent_only(bind, *, as_of):
        view = customer_view(bind, as_of=as_of)
        return view[view["recency_days"] <= 45]

    history = tier_history(tiny_workspace.engine(), as_of="2025-03-31",
                           settings=HISTORY_SETTINGS, months=3, view_fn=recent_only)
    summary = movement_summary(history)
    assert summary[["customers", "stayed", "up", "down", "new", "gone"]].to_numpy().tolist() == [
        [2, 0, 1, 0, 1, 1], [3, 1, 0, 0, 2, 1]]
    flows = history_flows(history)
    assert ((flows["to_tier"] == GONE) & (flows["from_tier"] == "low")).sum() == 1


# --------------------------------------------------------------------------- export


def test_customer_list_carries_labels_and_actions():
    scored = assign(prepare_scoring(_ten())).scored
    out = customer_list(scored, TierSettings(playbook={"vip": ["Visit", "Call"]}), lang="en",
                        tiers=["vip", "high"])
    assert out["customer_id"].tolist() == ["C0", "C1", "C2"]
    assert out["tier_label"].tolist() == ["VIP", "High", "High"]
    assert out.loc[0, "actions"] == "Visit; Call"
    assert "phone" not in out.columns and "branch" in out.columns
    zh = customer_list(scored, TierSettings(), lang="zh")
    assert len(zh) == 10 and zh.loc[9, "tier_label"] == "普通"
    assert zh.loc[0, "segment_label"] == "重要价值客户"


def test_cached_summaries_equal_the_plain_functions():
    view = _ten().assign(region=["north"] * 3 + [None] + ["south"] * 6,
                         monetary_total=[1000, np.nan, 800, 700, 600, 500, 400, 300, 200, 100])
    result = assign(prepare_scoring(view), TierSettings(shares=(.2, .2, .2, .4)))
    scored = result.scored
    for by in ("tier", "rfm_segment", "frequency_class"):
        pd.testing.assert_frame_equal(result.summary(by), tier_summary(scored, by))
    for by in ("branch", "region", "frequency_class"):
        pd.testing.assert_frame_equal(result.mix(by), tier_mix(scored, by))
    assert result.mix("region")["customers"].sum() == 9  # no region: left out
    pd.testing.assert_frame_equal(result.grid(), rfm_grid(scored))
    with pytest.raises(ValueError, match="no 'area_type' column"):
        result.mix("area_type")


def test_default_tier_label_ignores_overrides():
    settings = TierSettings(labels={"vip": {"en": "Gold"}})
    assert settings.label("vip", "en") == "Gold"
    assert default_tier_label("vip", "en") == "VIP" and default_tier_label("vip", "zh") == "钻石"
    assert default_tier_label(NEW, "en") == settings.label(NEW, "en")
    assert default_tier_label("custom", "en") == "custom"
