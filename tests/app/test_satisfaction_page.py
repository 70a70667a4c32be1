"""The satisfaction page on the sample: figures checked against pandas on the raw files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from segmentation import formatting
from tests.app.conftest import app_state

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "satisfaction.py")
DAYS = 90
SLA = 7


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _texts(elements) -> list[str]:
    return [e.value for e in elements]


def _expected(tables, as_of: pd.Timestamp, customers: pd.Index | None = None) -> dict:
    """CSAT, answers, complaints per 1,000 shipments and open past the SLA, by hand."""
    sv, cp, tx = tables["surveys"], tables["complaints"], tables["transactions"]
    if customers is not None:
        sv, cp, tx = (f[f["customer_id"].isin(customers)] for f in (sv, cp, tx))
    start = as_of - pd.Timedelta(days=DAYS)
    now = sv[(sv["date"] > start) & (sv["date"] <= as_of)]
    cp_now = cp[(cp["date"] > start) & (cp["date"] <= as_of)]
    shipped = tx[(tx["date"] > start) & (tx["date"] <= as_of) & (tx["amount"] > 0)]
    upto = cp[cp["date"] <= as_of]
    is_open = upto["resolved_date"].gt(as_of) | (
        upto["resolved_date"].isna() & upto["status"].fillna("open").eq("open"))
    age = (as_of - upto["date"]).dt.days
    return {
        "csat": float((now["score"] >= 4).mean()),
        "answers": len(now),
        "rate": 1000 * len(cp_now) / len(shipped),
        "past_sla": int((is_open & (age > SLA)).sum()),
    }


def _check(at, expected: dict, lang: str = "en") -> None:
    labels = {"en": ("CSAT", "Survey answers", "Complaints / 1k shipments",
                     "Open past deadline"),
              "zh": ("满意率 CSAT", "调查答卷", "每千件投诉数", "超时未结投诉")}[lang]
    shown = _metrics(at)
    assert shown[labels[0]] == formatting.percent(expected["csat"], lang)
    assert shown[labels[1]] == formatting.number(expected["answers"], lang)
    assert shown[labels[2]] == formatting.decimal(expected["rate"], lang, 1)
    assert shown[labels[3]] == formatting.number(expected["past_sla"], lang)


@pytest.fixture
def page(app):
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


@pytest.fixture(scope="module")
def grade(sample_workspace):
    """Tiers as the page computes them: default grading, ranked within the filters."""
    from segmentation.features import customer_view
    from segmentation.filters import apply_filters
    from segmentation.tiers import assign, prepare_scoring
    from segmentation.workspace import Workspace

    view = customer_view(Workspace().engine(), as_of=pd.Timestamp(sample_workspace.date_max))

    def _grade(filters: dict | None = None) -> pd.Series:
        return assign(prepare_scoring(apply_filters(view, filters))).scored["tier"].astype(str)

    return _grade


def test_headline_figures_match_the_raw_files(page, sample_tables):
    as_of = pd.Timestamp(sample_tables["transactions"]["date"].max())
    _check(page, _expected(sample_tables, as_of))
    assert page.title[0].value == "Satisfaction and complaints"
    assert "CSAT (share of 4–5)" in page.caption[0].value
    assert len(page.get("plotly_chart")) >= 8
    assert not page.error


def test_drivers_recover_the_planted_order(page):
    summary = [m for m in _texts(page.markdown) if m.startswith("What moves")]
    assert summary, "driver summary missing"
    assert summary[0].index("Speed") < summary[0].index("Accuracy") < summary[0].index(
        "Attitude")
    assert "Fix first: Speed" in summary[0]


def test_churn_comparison_without_a_visit_to_the_churn_page(page):
    """The link reads the churn scores under the session's definition itself."""
    assert not any("once churn warnings exist" in i for i in _texts(page.info))
    assert any("-day horizon" in c for c in _texts(page.caption))
    tables = [d.value for d in page.dataframe]
    labels = {label for frame in tables if "label" in frame for label in frame["label"]}
    assert {"Churn warning", "No warning", "Other tiers"} <= labels


@pytest.fixture
def no_churn(monkeypatch):
    """Churn cannot be scored (the Churn page would say why)."""
    from ui.context import Context

    monkeypatch.setattr(Context, "current_churn", lambda self: None)


def test_alerts_and_churn_placeholder(app, no_churn):
    page = app.switch_page(PAGE).run()
    assert not page.exception, page.exception
    infos = _texts(page.info)
    assert any("once churn warnings exist" in i for i in infos)
    assert any("complaints carry no text" in i for i in infos)
    assert (any("fell by more than the noise" in s for s in _texts(page.success))
            or any("fell by more than the noise" in w for w in _texts(page.warning)))


def test_branch_filter_shows_that_branch(app, sample_tables):
    as_of = pd.Timestamp(sample_tables["transactions"]["date"].max())
    customers = sample_tables["customers"]
    branch = sorted(customers["branch"].unique())[3]
    app_state(app).sidebar.filters["branch"] = [branch]
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    ids = pd.Index(customers.loc[customers["branch"] == branch, "customer_id"])
    expected = _expected(sample_tables, as_of, ids)
    _check(app, expected)
    assert expected["answers"] < _expected(sample_tables, as_of)["answers"] / 10


def test_tier_filter_on_the_page(page, sample_tables, grade):
    as_of = pd.Timestamp(sample_tables["transactions"]["date"].max())
    page.multiselect(key="_w_sat_tier").set_value(["vip"]).run()
    assert not page.exception, page.exception
    tiers = grade()
    ids = pd.Index(tiers.index[tiers == "vip"])
    _check(page, _expected(sample_tables, as_of, ids))


def test_branch_and_tier_together(app, sample_tables, grade):
    as_of = pd.Timestamp(sample_tables["transactions"]["date"].max())
    customers = sample_tables["customers"]
    branch = sorted(customers["branch"].unique())[0]
    app_state(app).sidebar.filters["branch"] = [branch]
    app.switch_page(PAGE).run()
    app.multiselect(key="_w_sat_tier").set_value(["vip", "high"]).run()
    assert not app.exception, app.exception
    tiers = grade({"branch": [branch]})  # ranked within the branch, as on the tiers page
    ids = pd.Index(tiers.index[tiers.isin(["vip", "high"])])
    _check(app, _expected(sample_tables, as_of, ids))


def test_sla_input_changes_the_breaches(page, sample_tables):
    as_of = pd.Timestamp(sample_tables["transactions"]["date"].max())
    page.number_input(key="_w_sat_sla").set_value(30).run()
    cp = sample_tables["complaints"]
    is_open = cp["resolved_date"].gt(as_of) | (cp["resolved_date"].isna()
                                                & cp["status"].eq("open"))
    expected = int((is_open & ((as_of - cp["date"]).dt.days > 30)).sum())
    assert _metrics(page)["Open past deadline"] == formatting.number(expected, "en")


def test_chinese(app, sample_tables, no_churn):
    as_of = pd.Timestamp(sample_tables["transactions"]["date"].max())
    app_state(app).sidebar.lang = "zh"
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert app.title[0].value == "满意度与投诉"
    _check(app, _expected(sample_tables, as_of), "zh")
    assert "评分量表" in app.caption[0].value
    tabs = [t.label for t in app.tabs]
    assert tabs[:5] == ["趋势", "驱动因素", "投诉", "客户之声", "价值与流失"]
    assert any("对总体满意度影响最大的是：时效" in m for m in _texts(app.markdown))
    assert any("客户流失预警生成后" in i for i in _texts(app.info))


def test_nps_reading_by_hand(page, sample_tables):
    page.selectbox(key="_w_sat_scale").set_value("0-10").run()
    assert not page.exception, page.exception
    as_of = pd.Timestamp(sample_tables["transactions"]["date"].max())
    sv = sample_tables["surveys"]
    now = sv[(sv["date"] > as_of - pd.Timedelta(days=DAYS)) & (sv["date"] <= as_of)]
    nps = (now["score"] >= 9).mean() - (now["score"] <= 6).mean()
    assert _metrics(page)["NPS"] == f"{nps * 100:+.0f}"


def _with_tables(sample_tables, names):
    from segmentation.workspace import Workspace

    Workspace().replace({n: sample_tables[n] for n in names}, source="upload", label="test")


@pytest.fixture
def restore_sample():
    yield
    from segmentation.workspace import Workspace, load_sample

    load_sample(Workspace())


def test_without_surveys_or_complaints(app, sample_tables, restore_sample):
    _with_tables(sample_tables, ("transactions", "customers"))
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    infos = _texts(app.info)
    assert any("No surveys table is loaded" in i and "satisfaction trends" in i for i in infos)
    assert any("No complaints table is loaded" in i and "deadline breaches" in i
               for i in infos)


def test_without_surveys_complaints_still_work(app, sample_tables, restore_sample):
    _with_tables(sample_tables, ("transactions", "customers", "complaints"))
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    shown = _metrics(app)
    assert shown["CSAT"] == "–" and shown["Survey answers"] == "–"
    as_of = pd.Timestamp(sample_tables["transactions"]["date"].max())
    expected = _expected(sample_tables, as_of)
    assert shown["Complaints / 1k shipments"] == formatting.decimal(expected["rate"], "en", 1)
    assert any("No surveys table is loaded" in i for i in _texts(app.info))
    assert len(app.get("plotly_chart")) >= 3  # complaint charts


def test_without_complaints_in_chinese(app, sample_tables, restore_sample):
    _with_tables(sample_tables, ("transactions", "customers", "surveys"))
    app_state(app).sidebar.lang = "zh"
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    shown = _metrics(app)
    assert shown["每千件投诉数"] == "–" and shown["超时未结投诉"] == "–"
    assert shown["满意率 CSAT"] not in ("", "–")
    assert any("尚未加载投诉记录表" in i for i in _texts(app.info))


def test_compare_by_branch_keeps_its_choice(page, sample_tables):
    page.segmented_control(key="_w_sat_compare_by").set_value("branch").run()
    page.run()  # and on the next rerun
    assert not page.exception, page.exception
    assert page.session_state["_app_state"].satisfaction.compare_by == "branch"
    table = next(d.value for d in page.dataframe if "branch" in d.value.columns)
    assert set(table["branch"]) <= set(sample_tables["customers"]["branch"])
    assert table["responses"].sum() == _expected(
        sample_tables, pd.Timestamp(sample_tables["transactions"]["date"].max()))["answers"]
    assert not [w for w in _texts(page.warning) if "default value" in w]


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "does not fit these scores: they run from 1 to 5, so none can reach 80"),
    ("zh", "与评分不符：评分范围为 1 至 5，没有一条能达到 80 分"),
])
def test_a_scale_that_does_not_fit_the_scores_is_flagged(page, lang, text):
    """The sample's 1-5 answers read as 0-100 would show "CSAT 0.0%": the page says why."""
    assert not any("does not fit" in w for w in _texts(page.warning))
    app_state(page).sidebar.lang = lang
    page.selectbox(key="_w_sat_scale").set_value("0-100").run()
    assert not page.exception, page.exception
    assert any(text in w for w in _texts(page.warning))


def test_a_rerun_recomputes_no_satisfaction_figure(page, monkeypatch):
    """A rerun with nothing changed reads the trends, the comparison, the alerts and the
    complaint tables from the cache layer (at a million customers they cost seconds); a
    different SLA deadline computes what depends on it again (issue 23)."""
    from segmentation import satisfaction as sat
    from tests.app.conftest import count_calls

    names = ("survey_trend", "compare_groups", "score_alerts", "complaint_trend",
             "repeat_complainers", "sla_breaches", "headline_cards")
    calls = count_calls(monkeypatch, sat, names)
    before = _metrics(page)
    page.run()
    assert not page.exception
    assert _metrics(page) == before
    assert calls == []
    page.number_input(key="_w_sat_sla").set_value(SLA + 3).run()
    assert not page.exception
    assert {"sla_breaches", "headline_cards"} <= set(calls)
    assert "survey_trend" not in calls  # the deadline does not change the trend
