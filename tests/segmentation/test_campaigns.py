"""Campaign effect: the estimators recover a planted effect, see none where none was
planted, and matching is not fooled by targets that were already growing."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from segmentation.access import Scope
from segmentation.campaigns import (
    Campaign,
    CampaignError,
    CampaignStore,
    EffectConfig,
    build_panel,
    estimate,
    naive_difference,
    read_target_ids,
    visible_campaigns,
)

from .campaign_sim import START, simulate

FAST = EffectConfig(breakdowns=False)


def _runs(n: int = 100, **kwargs) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    est, low, high = [], [], []
    truth = 0.0
    for seed in range(n):
        panel, truth = simulate(seed, **kwargs)
        effect = estimate(panel, FAST).effects["shipments"]
        est.append(effect.per_customer)
        low.append(effect.low)
        high.append(effect.high)
    return np.array(est), np.array(low), np.array(high), truth


@pytest.mark.parametrize("kwargs", [dict(holdout=0.3), dict()], ids=["holdout", "matched"])
def test_planted_uplift_within_interval_in_90_of_100(kwargs):
    est, low, high, truth = _runs(effect=0.3, **kwargs)
    assert truth == pytest.approx(3.9)
    covered = ((low <= truth) & (truth <= high)).sum()
    assert covered >= 90, covered
    assert abs(est.mean() - truth) < 0.1 * truth
    assert (low > 0).mean() > 0.9  # the effect is told apart from zero


@pytest.mark.parametrize("kwargs", [dict(holdout=0.3), dict()], ids=["holdout", "matched"])
def test_no_effect_where_none_was_planted(kwargs):
    est, low, high, _ = _runs(effect=0.0, **kwargs)
    assert ((low <= 0) & (0 <= high)).sum() >= 90
    assert abs(est.mean()) < 0.25  # shipments per customer over 13 weeks


def test_matching_is_not_fooled_by_customers_already_growing():
    naive, est, covered = [], [], 0
    for seed in range(30):
        panel, _ = simulate(seed, effect=0.0, targeting="growing", trend_sd=0.02)
        effect = estimate(panel, FAST).effects["shipments"]
        naive.append(naive_difference(panel))
        est.append(effect.per_customer)
        covered += effect.low <= 0 <= effect.high
    # a naive comparison sees a large "effect" that is only the targets' own growth
    assert np.mean(naive) > 8
    # matching and difference-in-differences remove nearly all of it
    assert abs(np.mean(est)) < 0.15 * np.mean(naive)
    assert covered >= 18


def test_breakdowns_and_weekly_series():
    panel, truth = simulate(3, effect=0.3, holdout=0.3)
    result = estimate(panel)
    assert set(result.by_tier["tier"]) == {"gold", "silver", "bronze"}
    assert len(result.by_branch) == 4
    assert (result.by_tier["n_targets"] > 0).all()
    inside = (result.by_tier["shipments_low"] <= truth) & (truth <= result.by_tier[
        "shipments_high"])
    assert inside.sum() >= 2
    weekly = result.weekly
    assert len(weekly) == 2 * (panel.pre_weeks + panel.post_weeks)
    means = weekly.groupby(["phase", "group"])["shipments"].mean()
    did = ((means["after", "target"] - means["after", "comparison"])
           - (means["before", "target"] - means["before", "comparison"]))
    assert did == pytest.approx(0.3, abs=0.1)  # the planted 0.3 extra shipments a week


def test_parallel_trend_check_passes_when_the_groups_move_together():
    checks = [estimate(simulate(seed, effect=0.3)[0], FAST).check for seed in range(40)]
    assert all(c is not None and c.weeks == 4 for c in checks)
    assert sum(c.passed for c in checks) >= 34  # a 5 % test: about 38 of 40


def test_parallel_trend_check_flags_a_drift_before_the_start():
    # the chosen customers picked up four weeks before the start, for a reason the data do
    # not show: the matching cannot see it, the check can
    checks = [estimate(simulate(seed, effect=0.3, drift=0.3)[0], FAST).check
              for seed in range(20)]
    assert sum(not c.passed for c in checks) >= 16


def test_method_choice():
    panel, _ = simulate(5, effect=0.3, holdout=0.3)
    assert estimate(panel, FAST).method == "holdout"
    assert estimate(panel, FAST).check is None
    assert estimate(panel, EffectConfig(method="matched", breakdowns=False)).method == "matched"
    panel, _ = simulate(5, effect=0.3)
    with pytest.raises(CampaignError, match="no held-out group"):
        estimate(panel, EffectConfig(method="holdout"))


def test_too_few_customers_is_said():
    panel, _ = simulate(1, n=80, effect=0.3, holdout=0.4)
    assert 0 < len(panel.group("holdout")) < 10
    with pytest.raises(CampaignError, match="Too few customers"):
        estimate(panel, EffectConfig(method="holdout"))


def test_panel_from_daily_activity():
    camp = Campaign("c1", "Test", START, START + dt.timedelta(days=6), 2.0, ("A",), ("B",))
    customers = pd.DataFrame({"tier": ["gold", "gold", "silver"], "branch": "X",
                              "recency_days": [3.0, 10.0, np.nan]},
                             index=pd.Index(["A", "B", "C"], name="customer_id"))
    start = pd.Timestamp(START)
    activity = pd.DataFrame({
        "customer_id": ["A", "A", "B", "C", "Z"],
        "date": [start - pd.Timedelta(days=1), start, start + pd.Timedelta(days=8),
                 start - pd.Timedelta(days=30), start],
        "shipments": [1.0, 2.0, 1.0, 1.0, 5.0], "revenue": [10.0, 20.0, 5.0, 7.0, 1.0]})
    panel = build_panel(customers, activity, camp, pre_weeks=8, post_weeks=2,
                        retention_days=14)
    assert list(panel.customers["group"]) == ["target", "holdout", "pool"]
    assert panel.shipments.shape == (3, 10)
    assert panel.shipments[0, 7] == 1 and panel.shipments[0, 8] == 2
    assert panel.shipments[1, 9] == 1 and panel.revenue[2].sum() == 7.0
    assert list(panel.active_before) == [True, False, False]
    assert list(panel.active_after) == [True, True, False]
    assert panel.customers.loc["C", "recency_days"] == 10.0  # missing -> the largest


def test_campaign_checks_say_what_is_wrong():
    base = dict(campaign_id="c", name="X", start="2025-03-01", end="2025-03-10",
                cost_per_contact=1.0, targets=("A",))
    with pytest.raises(CampaignError, match="before it starts"):
        Campaign(**{**base, "end": "2025-02-01"})
    with pytest.raises(CampaignError, match="both targeted and held out"):
        Campaign(**{**base, "holdout": ("A",)})
    with pytest.raises(CampaignError, match="no target customers"):
        Campaign(**{**base, "targets": ()})
    with pytest.raises(CampaignError, match="not a number"):
        Campaign(**{**base, "cost_per_contact": -1})
    assert CampaignError("no_name").message("zh") == "请填写活动名称。"


def test_store_round_trip_and_scope(tmp_path):
    store = CampaignStore(tmp_path / "campaigns")
    a = Campaign("a", "A", "2025-03-01", "2025-03-10", 1.0, ("C1", "C2"), ("C3",),
                 scope=Scope(regions=("华东",)))
    b = Campaign("b", "B", "2025-04-01", "2025-04-10", 1.0, ("C9",))
    store.save(a)
    store.save(b)
    assert [c.campaign_id for c in store.list()] == ["b", "a"]
    assert store.get("a") == a
    assert not store.add_if_missing(a)
    assert [c.campaign_id for c in visible_campaigns(store.list(), Scope(branches=("X",)),
                                                     ["C3"])] == ["a"]
    assert len(visible_campaigns(store.list(), Scope(), [])) == 2
    assert store.delete("a") and not store.delete("a")


@pytest.mark.parametrize("data,name,targets,holdout", [
    ("customer_id,group\nC1,target\nC2,holdout\nC3,\n", "list.csv", ("C1", "C3"), ("C2",)),
    ("客户编号\nC7\nC8\n", "名单.csv", ("C7", "C8"), ()),
    ("C5\nC6\n", "bare.csv", ("C5", "C6"), ()),
], ids=["group", "chinese", "bare"])
def test_read_target_ids(data, name, targets, holdout):
    assert read_target_ids(data.encode("utf-8"), name) == (targets, holdout)


def test_unreadable_list_is_said():
    with pytest.raises(CampaignError, match="could not be read"):
        read_target_ids(b"", "empty.csv")


def test_sample_campaign_measured_against_its_planted_truth(tmp_path):
    from segmentation.campaigns import measure
    from segmentation.features import customer_view
    from segmentation.tiers import score_customers
    from segmentation.workspace import SAMPLE_FOLDER, Workspace, load_sample

    workspace = Workspace(tmp_path / "ws")
    snap = load_sample(workspace)
    (campaign,) = CampaignStore.for_workspace(workspace).list()  # kept with the sample
    truth = pd.read_parquet(SAMPLE_FOLDER / "campaign_truth.parquet").iloc[0]
    assert campaign.campaign_id == truth["campaign_id"] and campaign.has_holdout
    view = customer_view(workspace.engine(), as_of=pd.Timestamp(campaign.start)
                         - pd.Timedelta(days=1))
    with warnings.catch_warnings():  # grading notes are the tiers page's business
        warnings.simplefilter("ignore", UserWarning)
        customers = score_customers(view)
    result = measure(workspace.engine(), campaign, customers,
                     data_start=pd.Timestamp(snap.date_min).date(),
                     data_end=pd.Timestamp(snap.date_max).date())
    assert result.estimate.method == "holdout" and result.n_contacted == truth["n_contacted"]
    for outcome, planted in (("shipments", "extra_shipments"), ("revenue", "extra_revenue"),
                             ("retained", "extra_retained")):
        effect = result.estimate.effects[outcome]
        assert effect.total_low <= truth[planted] <= effect.total_high, outcome
    assert result.cost == pytest.approx(truth["cost_per_contact"] * truth["n_contacted"])
    assert "more customers active than the held-out customers" in result.sentence("en")
    assert "比对照组客户多留住了" in result.sentence("zh")
    assert len(result.estimate.by_branch) == 40
    # the batch report's path, within one branch: only that branch's contacted customers
    from segmentation.campaigns import measure_latest

    branch = "华东-上海浦东网点"
    own = set(view.index[view["branch"] == branch])
    mine = measure_latest(workspace.engine(), workspace, scope=Scope(branches=(branch,)))
    assert mine.campaign.campaign_id == campaign.campaign_id
    assert mine.n_contacted == len(own & set(campaign.targets)) and mine.n_missing == 0
    assert set(mine.estimate.by_branch["branch"]) == {branch}
    assert measure_latest(workspace.engine(), tmp_path / "empty") is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_section_is_one_slide_and_tables_for_html_and_workbook(lang):
    from io import BytesIO
    from types import SimpleNamespace

    from pptx import Presentation

    from segmentation.campaigns import CampaignResult
    from segmentation.report import report_bytes
    from segmentation.report.deck import deck_bytes
    from segmentation.report.model import Report
    from segmentation.report.sections import Frame
    from segmentation.report.sections_campaign import campaign as campaign_section

    from .campaign_sim import campaign_of
    panel, _ = simulate(2, effect=0.3, holdout=0.3)
    camp = campaign_of(panel)
    result = CampaignResult(camp, estimate(panel), len(panel.group("target")), 0)
    frame = Frame(lang=lang, context="ctx", tier_labels={"gold": "Gold"})
    assert campaign_section(SimpleNamespace(campaign=None), frame) is None
    section = campaign_section(SimpleNamespace(campaign=result), frame)
    assert section.lead == result.sentence(lang)
    assert [t.key for t in section.tables] == ["campaign_figures", "campaign_tier",
                                               "campaign_branch"]
    report = Report(lang=lang, title="T", scope="S", as_of=START, source="", author="",
                    sections=(section,))
    deck = Presentation(BytesIO(deck_bytes(report)))
    assert len(deck.slides) == 2  # the title and the campaign's one slide
    html = report_bytes(report, "html").decode("utf-8")
    assert "Simulated" in html and ("Gold" in html)
    assert report_bytes(report, "xlsx")[:2] == b"PK"
