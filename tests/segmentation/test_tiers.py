"""Default tiers and RFM segments on small hand-written data."""

import pandas as pd
import pytest

from segmentation.tiers import (
    RFM_SEGMENT_RULES,
    TierSettings,
    assign_tiers_by_share,
    rfm_scores,
    rfm_segments,
    score_customers,
    segment_grid,
)


def _view(recency, frequency, monetary):
    idx = pd.Index([f"C{i}" for i in range(len(recency))], name="customer_id")
    return pd.DataFrame({"recency_days": recency, "frequency": frequency,
                         "monetary_total": monetary}, index=idx)


def test_scores_rank_and_direction():
    view = _view([1, 10, 20, 30, 40], [50, 40, 30, 20, 10], [5, 4, 3, 2, 1])
    scores = rfm_scores(view)
    assert scores["r_score"].tolist() == [5, 4, 3, 2, 1]  # recent = high
    assert scores["f_score"].tolist() == [5, 4, 3, 2, 1]
    assert scores["m_score"].tolist() == [5, 4, 3, 2, 1]


def test_ties_share_a_score():
    view = _view([5, 5, 5, 5, 100], [1, 1, 1, 1, 9], [1, 1, 1, 1, 9])
    scores = rfm_scores(view)
    assert scores["r_score"].iloc[:4].nunique() == 1
    assert scores["f_score"].iloc[4] == 5


def test_constant_column_warns_and_scores_middle():
    view = _view([3, 3, 3], [2, 2, 2], [7.0, 8.0, 9.0])
    with pytest.warns(UserWarning, match="same frequency; its score is 3"):
        scores = rfm_scores(view)
    assert scores["f_score"].tolist() == [3, 3, 3]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([9, 8, 7, 6, 5, 4, 3, 2, 1, 0], ["a"] * 2 + ["b"] * 3 + ["c"] * 5),
        ([9, 9, 9, 1, 1, 1, 1, 1, 1, 1], ["a"] * 3 + ["b"] * 7),  # ties join the better tier
        ([4] * 4, ["a"] * 4),
    ],
    ids=["distinct", "tie-at-cut", "all-equal"],
)
def test_assign_by_share(values, expected):
    value = pd.Series(values, dtype="float64")
    tiers = assign_tiers_by_share(value, ["a", "b", "c"], [0.2, 0.3, 0.5])
    assert tiers.astype(str).tolist() == expected


def test_assign_by_share_empty():
    assert assign_tiers_by_share(pd.Series([], dtype="float64"), ["a", "b"], [0.5, 0.5]).empty


def test_every_cell_has_exactly_one_segment_and_every_segment_is_reachable():
    grid = segment_grid()
    assert grid.shape == (5, 5)
    assert set(grid.to_numpy().ravel()) == set(RFM_SEGMENT_RULES["segment"])


def test_overlapping_rules_are_rejected():
    rules = pd.concat([RFM_SEGMENT_RULES, pd.DataFrame(
        [("extra", 5, 5, 5, 5)], columns=RFM_SEGMENT_RULES.columns)])
    with pytest.raises(ValueError, match=r"\(5, 5\)"):
        segment_grid(rules)


def test_segments_from_scores():
    scores = pd.DataFrame({"r_score": [5, 5, 1, 1, 3], "f_score": [5, 1, 5, 1, 3]})
    assert rfm_segments(scores).astype(str).tolist() == [
        "champions", "new", "cant_lose", "lost", "need_attention"]


def test_score_customers_default_shares():
    n = 100
    view = _view(list(range(n)), list(range(n, 0, -1)), [float(i) for i in range(n, 0, -1)])
    out = score_customers(view)
    counts = out["tier"].value_counts().reindex(["vip", "high", "medium", "low"]).tolist()
    assert counts == [10, 20, 30, 40]
    assert out.loc["C0", "tier"] == "vip" and out.loc["C99", "tier"] == "low"
    custom = score_customers(view, TierSettings(tiers=("top", "rest"), shares=(0.5, 0.5)))
    assert custom["tier"].value_counts()["top"] == 50
