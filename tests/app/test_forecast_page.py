"""The forecast page: HQ in English, a branch manager in Chinese (their branch only, with
HQ's numbers), a regional lead, and the capacity notes before Double 11."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from segmentation.access import Role, User

from .conftest import shown
from .test_scope_pages import _app, _branches, _shown, branch, downloads, network  # noqa: F401

PAGE = "pages/forecast.py"


@pytest.fixture(scope="module")
def hq_forecast(sample_workspace):
    """The library's forecast of the sample at its last date (what HQ sees)."""
    from segmentation.forecast import forecast_from_engine
    from segmentation.workspace import Workspace

    return forecast_from_engine(Workspace().engine(), as_of=pd.Timestamp(sample_workspace.date_max))


def _open(at, page: str = PAGE):
    at.run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_hq_sees_network_regions_and_branches_in_english(sample_workspace, hq_forecast,
                                                         downloads):  # noqa: F811
    at = _open(_app(None))
    assert at.title[0].value == "Shipment-volume forecast"
    assert not at.warning, [w.value for w in at.warning]
    options = at.selectbox(key="forecast_series")
    labels = list(options.options)
    assert labels[0] == "Whole network"
    n_regions = int((hq_forecast.backtest["level"] == "region").sum() / 2)
    n_branches = int((hq_forecast.backtest["level"] == "branch").sum() / 2)
    assert len(labels) == 1 + n_regions + n_branches
    metrics = {m.label: m.value for m in at.metric}
    assert "Backtest error (MASE)" in metrics and "Next 13 weeks" in metrics
    assert len(at.get("plotly_chart")) == 1
    assert any(text.startswith("- No week of the next 13") or "x the usual volume" in text
               for text in (m.value for m in at.markdown))
    # the download holds every level, the network's total equals the sum of its branches
    csv = pd.read_csv(io.BytesIO(downloads[0]), encoding="utf-8-sig")
    assert set(csv["level"]) == {"network", "region", "branch"}
    by_week = csv.groupby(["level", "week"])["shipments"].sum().unstack("level")
    assert (by_week["network"] - by_week["branch"]).abs().max() < 1e-6 * by_week["network"].max()


def test_branch_manager_sees_own_branch_in_chinese_with_hqs_numbers(
        sample_workspace, hq_forecast, network, branch, downloads):  # noqa: F811
    at = _app(User("li", Role.BRANCH, branch=branch), lang="zh")
    at.run()
    downloads.clear()
    _open(at)
    assert at.title[0].value == "业务量预测"
    options = at.selectbox(key="forecast_series")
    assert list(options.options) == [f"网点 {branch}"]
    text = _shown(at, downloads)
    assert _branches(text, network) == {branch}
    # neither the region's nor the network's rows: forecast table and backtest summary
    assert set(at.dataframe[-1].value["level"]) == {"网点"}
    assert set(at.dataframe[0].value["level"]) == {"网点"}
    mine = pd.read_csv(io.BytesIO(downloads[0]), encoding="utf-8-sig")
    assert set(mine["level"]) == {"branch"} and set(mine["branch"]) == {branch}
    hq = hq_forecast.forecast
    hq = hq[(hq["branch"] == branch) & (hq["metric"] == "shipments")].sort_values("week")
    assert mine.sort_values("week")["shipments"].to_numpy() == pytest.approx(
        hq["point"].to_numpy())
    assert any("回测" in s.value for s in at.subheader)


def test_regional_lead_sees_region_and_its_branches(sample_workspace, network):  # noqa: F811
    region = str(network["region"].dropna().iloc[0])
    at = _open(_app(User("wang", Role.REGIONAL, region=region)))
    options = at.selectbox(key="forecast_series")
    labels = list(options.options)
    own = set(network.loc[network["region"] == region, "branch"].dropna())
    assert labels[0] == f"Region {region}"
    assert {label.removeprefix("Branch ") for label in labels[1:]} == own


def test_a_branch_filter_picks_the_series_and_a_type_filter_is_explained(sample_workspace,
                                                                        network):  # noqa: F811
    own = str(network["branch"].dropna().iloc[0])
    at = _app(None)
    at.run()
    at.sidebar.multiselect(key="_w_flt_branch").select(own).run()
    at.sidebar.multiselect(key="_w_flt_customer_type").select("enterprise").run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    chosen = at.selectbox(key="forecast_series")
    assert chosen.options[chosen.index] == f"Branch {own}"
    assert any("filters do not apply" in c.value for c in at.caption)


def test_capacity_notes_before_double_11(sample_workspace):
    at = _open(_app(None))
    at.sidebar.date_input(key="_w_as_of").set_value(date(2024, 10, 13)).run()
    assert not at.exception, at.exception
    notes = "\n".join(shown(m.value) for m in at.markdown)
    assert "Week of 2024-11-11:" in notes and "Double 11" in notes
