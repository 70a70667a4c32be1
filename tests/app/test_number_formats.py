"""Every page, in English and Chinese, shows numbers only as segmentation.formatting writes
them: no ungrouped 12457, no 0.5222, no "Jul 2023" on a Chinese page, no ¥306K there, no
axis whose ticks plotly formats itself (tests/app/number_scan.py says what is checked)."""

from __future__ import annotations

import pytest

from tests.app.conftest import app_state
from tests.app.number_scan import chart_problems, scan, text_problems

PAGES = ["overview", "data", "tiers", "clusters", "satisfaction", "churn", "report",
         "forecast"]


@pytest.fixture(scope="module")
def preset(sample_workspace):
    """A saved preset, so that the Tiers page shows its what-if matrices."""
    from segmentation.presets import PresetStore
    from segmentation.tiers import TierSettings
    from segmentation.workspace import Workspace

    store = PresetStore.for_workspace(Workspace())
    store.save("numbers-check", TierSettings.default(3))
    yield "numbers-check"
    store.delete("numbers-check")


def _open(app, page: str, lang: str):
    app_state(app).sidebar.lang = lang
    app.switch_page(f"pages/{page}.py").run()
    assert not app.exception, app.exception
    if page == "tiers":  # the what-if matrices and the twelve-month movement too
        app.button(key="tiers_history_run").click().run()
        assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_page_shows_numbers_in_one_format(app, preset, page, lang):
    shown = _open(app, page, lang)
    if page == "tiers":  # the what-if matrices (tiers as columns) were scanned too
        best = "VIP" if lang == "en" else "钻石"
        assert sum(best in map(str, d.value.columns) for d in shown.dataframe) == 2
    assert scan(shown, lang) == []


@pytest.mark.parametrize(("text", "lang", "found"), [
    ("Revenue ¥1,121,532.13 and 887,743.5", "en", []),
    ("12457 customers", "en", ["ungrouped '12457'"]),
    ("23432371", "zh", ["ungrouped '23432371'"]),
    ("risk 0.5222222", "en", ["decimals '0.5222222'"]),
    ("0.7, 1.546, 2.392", "en", ["decimals '1.546'", "decimals '2.392'"]),
    ("Jul 2023", "zh", ["English month 'Jul 2023'"]),
    ("Jul 2023", "en", []),
    ("收入 ¥306K", "zh", ["English compact '306K'"]),
    ("revenue 250万", "en", ["Chinese compact '250万'"]),
    ("¥62,123, ¥306K and ¥2.52M", "en", ["mixed money styles '¥62,123' / '¥306K'"]),
    ("call 13812345678, customer C10023, 2024-06-30", "zh", []),
], ids=["grouped", "count", "zh-count", "decimals", "ticks", "zh-month", "en-month",
        "zh-K", "en-万", "mixed-money", "not-numbers"])
def test_the_scan_finds_each_forbidden_form(text, lang, found):
    assert text_problems(text, lang) == found


def test_the_scan_finds_plotly_formatted_axes_and_hover():
    spec = {"data": [{"type": "bar", "x": ["2023-07-01", "2023-08-01"], "y": [12457, 3],
                      "hovertemplate": "%{x|%b %Y}<br>%{y:,.0f}<extra></extra>"}],
            "layout": {"yaxis": {"tickformat": "~s"}}}
    assert chart_problems(spec, "zh") == [
        "bar hovertemplate formats with d3: '%{x|%b %Y}'",
        "bar hovertemplate formats with d3: '%{y:,.0f}'",
        "xaxis (date): tick texts made by plotly (tickformat None)",
        "yaxis (number): tick texts made by plotly (tickformat '~s')"]
