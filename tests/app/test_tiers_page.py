"""The tiers page: sliders, threshold mode, presets and what-if, checked against pandas."""

from __future__ import annotations

import numpy as np
import pytest

from segmentation import formatting
from tests.app.conftest import app_state, count_calls


@pytest.fixture
def tiers(app):
    app.switch_page("pages/tiers.py").run()
    assert not app.exception, app.exception
    return app


@pytest.fixture(scope="module")
def view(sample_workspace):
    from segmentation.features import customer_view
    from segmentation.workspace import Workspace

    return customer_view(Workspace().engine(), window_days=90)


def _counts(app) -> list[int]:
    """The four big numbers on the tier cards, best tier first."""
    return [int(m.value.replace(",", "")) for m in app.metric][:4]


def test_default_shares(tiers, view):
    n = len(view)
    assert _counts(tiers) == [round(n * s) for s in (0.1, 0.2, 0.3, 0.4)]
    assert [h.value for h in tiers.markdown if h.value.startswith("#### ")][:4] == [
        "#### VIP", "#### High", "#### Medium", "#### Low"]
    assert sum(_counts(tiers)) == n


def test_share_slider_regrades_without_recomputing_the_view(tiers, view, monkeypatch):
    from ui.caches import views

    def fail(*args, **kwargs):
        raise AssertionError("the customer view was recomputed")

    # where the app looks it up: the view cache calls its own ``customer_view`` name
    monkeypatch.setattr(views, "customer_view", fail)
    tiers.slider(key="_w_tiers_share_0").set_value(5).run()
    assert not tiers.exception, tiers.exception
    n = len(view)
    counts = _counts(tiers)
    assert counts[0] == round(n * 0.05)
    assert counts[1] == round(n * 0.25) - round(n * 0.05)
    assert "Low gets the remaining 45%." in [c.value for c in tiers.caption]


def test_a_rerun_assigns_and_draws_nothing_again(tiers, monkeypatch):
    """A rerun with the same settings reads the tiers and their charts from the cache
    layer (issue 23: the Tiers rerun stays in its budget at 1M customers); a slider move
    assigns and draws again."""
    from segmentation import charts
    from ui.caches import views

    calls = count_calls(monkeypatch, views, ("assign",))
    charted = count_calls(monkeypatch, charts, ("pareto_curve", "stacked_shares", "grid_heatmap"))
    before = _counts(tiers)
    tiers.run()
    assert not tiers.exception
    assert _counts(tiers) == before and calls == [] and charted == []
    from ui.caches import figures  # process-wide: an earlier test may have drawn these

    views.tier_result.clear()
    figures.safe_figure.clear()
    tiers.slider(key="_w_tiers_share_0").set_value(15).run()
    assert _counts(tiers) != before
    assert calls == ["assign"] and {"stacked_shares", "grid_heatmap"} <= set(charted)


def test_spend_only_weights_put_the_biggest_spenders_in_vip(tiers, view):
    for key, value in (("r", 0.0), ("f", 0.0), ("m", 1.0)):
        tiers.slider(key=f"_w_tiers_w_{key}").set_value(value).run()
    assert not tiers.exception
    n_vip = _counts(tiers)[0]
    cutoff = view["monetary_total"].sort_values(ascending=False).iloc[n_vip - 1]
    expected = int((view["monetary_total"] >= cutoff).sum())
    assert n_vip == expected


def test_threshold_mode_matches_annual_figures(tiers, view):
    tiers.radio(key="_w_tiers_mode").set_value("threshold").run()
    tiers.number_input(key="_w_tiers_spend_0").set_value(20000.0).run()
    tiers.number_input(key="_w_tiers_ships_0").set_value(30.0).run()
    assert not tiers.exception, tiers.exception
    exposure = np.maximum(view["tenure_days"] + 1, 90)
    annual_spend = view["monetary_total"] * 365 / exposure
    annual_ships = view["frequency"] * 365 / exposure
    expected = int(((annual_spend >= 20000) & (annual_ships >= 30)).sum())
    assert _counts(tiers)[0] == expected
    assert 0 < expected < len(view) * 0.1


def test_preset_save_and_what_if_sentence(tiers, view, sample_workspace):
    from segmentation.presets import PresetStore
    from segmentation.workspace import Workspace

    store = PresetStore.for_workspace(Workspace())
    for name in store.list():
        store.delete(name)
    tiers.text_input(key="tiers_preset_name").input("baseline").run()
    tiers.button(key="tiers_preset_save").click().run()
    assert "baseline" in store.list()
    tiers.slider(key="_w_tiers_share_0").set_value(5).run()
    assert not tiers.exception, tiers.exception
    n = len(view)
    moved = round(n * 0.1) - round(n * 0.05)
    sentences = [m.value for m in tiers.markdown if "this change moves" in m.value.lower()]
    assert any(f"{formatting.number(moved, 'en')} customers" in s and "from VIP to High" in s
               for s in sentences), sentences
    store.delete("baseline")


def test_tiers_page_in_chinese(tiers):
    app_state(tiers).sidebar.lang = "zh"
    tiers.run()
    assert not tiers.exception
    assert tiers.title[0].value == "客户分级"
    assert [h.value for h in tiers.markdown if h.value.startswith("#### ")][:4] == [
        "#### 钻石", "#### 黄金", "#### 白银", "#### 普通"]
    assert any("前 20% 的客户贡献了" in m.value for m in tiers.markdown)


def test_three_tiers(tiers, view):
    from segmentation.tiers import TierSettings

    tiers.button_group(key="_w_tiers_n").set_value(3).run()
    assert not tiers.exception, tiers.exception
    shares = TierSettings.default(3).shares
    counts = [int(m.value.replace(",", "")) for m in tiers.metric][:3]
    assert len([h for h in tiers.markdown if h.value.startswith("#### ")]) == 3
    assert sum(counts) == len(view)
    assert counts[0] == round(len(view) * shares[0])


def test_download_has_the_chosen_tier(tiers, view):
    data = tiers.get("download_button")
    assert data  # CSV and Excel buttons are there
    n = len(view)
    caption = next(c.value for c in tiers.caption if "customers with tier" in c.value)
    assert formatting.number(round(n * 0.1), "en") in caption


def test_tier_movement_over_twelve_months(tiers):
    tiers.button(key="tiers_history_run").click().run()
    assert not tiers.exception, tiers.exception
    sentence = next(m.value for m in tiers.markdown if "moved up" in m.value)
    ups = [int(x.replace(",", "")) for x in
           __import__("re").findall(r"([\d,]+) customers moved up", sentence)]
    assert ups and ups[0] > 0
    charts = [c for c in tiers.get("plotly_chart")]
    assert len(charts) >= 5  # pareto, mix, grid, movement bars, movement Sankey


def test_suggested_thresholds_and_preset_load(tiers):
    from segmentation.presets import PresetStore
    from segmentation.tiers import TierSettings
    from segmentation.workspace import Workspace

    tiers.radio(key="_w_tiers_mode").set_value("threshold").run()
    tiers.button(key="tiers_suggest").click().run()
    assert not tiers.exception, tiers.exception
    spend = [tiers.number_input(key=f"_w_tiers_spend_{i}").value for i in (0, 1)]
    assert spend[0] > spend[1] > 0
    rules = tiers.session_state["_app_state"].tiers.settings.thresholds
    assert [r.min_spend for r in rules[:2]] == spend
    store = PresetStore.for_workspace(Workspace())
    store.save("three", TierSettings.default(3))
    tiers.run()
    tiers.selectbox(key="tiers_preset_pick").set_value("three").run()
    tiers.button(key="tiers_preset_load").click().run()
    assert not tiers.exception, tiers.exception
    assert len([h for h in tiers.markdown if h.value.startswith("#### ")]) == 3
    store.delete("three")


def test_invalid_settings_keep_the_last_valid_ones_with_a_notice(tiers):
    tiers.button_group(key="_w_tiers_n").set_value(3).run()  # valid: High, Medium, Low
    tiers.slider(key="_w_tiers_share_0").set_value(60).run()
    tiers.slider(key="_w_tiers_share_1").set_value(60).run()  # 120 %: invalid
    assert not tiers.exception, tiers.exception
    assert any("These settings cannot be used" in e.value for e in tiers.error)
    state = tiers.session_state["_app_state"].tiers
    assert state.settings.tiers == ("high", "medium", "low")
    assert state.settings.shares == (0.6, 0.3, 0.1)  # the last valid shares

    tiers.switch_page("pages/churn.py").run()
    assert not tiers.exception, tiers.exception
    notices = [w.value for w in tiers.warning if "last valid settings" in w.value]
    assert notices and "Tiers page are invalid" in notices[0]
    assert tiers.multiselect(key="churn_f_tier").options == ["High", "Medium", "Low"]

    tiers.switch_page("pages/tiers.py").run()  # the invalid draft is still being edited
    assert tiers.slider(key="_w_tiers_share_1").value == 60
    assert any("These settings cannot be used" in e.value for e in tiers.error)
    tiers.slider(key="_w_tiers_share_1").set_value(20).run()  # valid again: no notice
    tiers.switch_page("pages/churn.py").run()
    assert not [w for w in tiers.warning if "last valid settings" in w.value]
