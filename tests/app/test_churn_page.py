"""The churn page: the ranking it names, the call list per branch, languages, small data."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation import formatting
from tests.app.conftest import APP, SAMPLE, app_state, shown


@pytest.fixture
def churn(app):
    app.switch_page("pages/churn.py").run()
    assert not app.exception, app.exception
    return app


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _tables(app) -> list[pd.DataFrame]:
    return [df.value for df in app.dataframe if "risk_reasons" in df.value.columns]


def _list_table(app) -> pd.DataFrame:
    """This week's calls (the first list)."""
    return _tables(app)[0]


def _all_warned(app) -> pd.DataFrame:
    """The customers with a warning on the page: this week's, then the first further ones
    (the page sends at most ``REST_ROWS`` of those)."""
    return pd.concat(_tables(app), ignore_index=True)


def _n_warned(app) -> int:
    """The customers with a warning in the list: this week's and the further ones, as the
    heading of the further warnings counts them."""
    import re

    heading = next(m.value for m in app.markdown if m.value.startswith("**Further warnings"))
    return len(_list_table(app)) + int(re.search(r"\(([\d,]+)\)", heading)[1].replace(",", ""))


def test_call_list_is_capped_per_branch_and_sorted(churn):
    from ui.churn_panels import REST_ROWS

    week = _list_table(churn)
    everyone = _all_warned(churn)
    n = _n_warned(churn)
    assert _metrics(churn)["Customers with a warning"] == formatting.number(n, "en")
    # a bounded page of the further warnings travels to the browser, and says so
    assert n - len(week) > REST_ROWS == len(everyone) - len(week)
    assert (f"Showing the {REST_ROWS:,} with the most value at risk; the downloads below "
            f"hold all {n - len(week):,}.") in [c.value for c in churn.caption]
    per_branch = week.groupby("branch").size()
    # 20 calls per branch by default; the sample's branches all have that many warnings
    assert per_branch.max() == 20 and len(week) == 20 * per_branch.size
    assert len(everyone) > len(week) > 100
    assert week["value_at_risk"].is_monotonic_decreasing
    assert (everyone["churn_risk"] >= 0.5).all()
    assert everyone["risk_reasons"].str.len().gt(0).all()
    # the rest are below each branch's 20th call in value at risk
    rest = everyone.iloc[len(week):]
    last = week.groupby("branch")["value_at_risk"].min()
    assert (rest["value_at_risk"].to_numpy()
            <= last.reindex(rest["branch"]).to_numpy() + 1e-9).all()
    header = next(h.value for h in churn.subheader if h.value.startswith("Customers to call"))
    assert header == (f"Customers to call this week: {formatting.number(len(week), 'en')} in "
                      f"{per_branch.size} branches (up to 20 per branch)")
    assert f"**Further warnings, beyond this week's capacity ({n - len(week):,})**" in \
        [m.value for m in churn.markdown]
    # the page names the ranking and why, and shows every candidate side by side
    assert "Ranked by the time-shifted model (gradient boosting)" in churn.success[0].value
    assert "ROC-AUC" in churn.success[0].value
    # every candidate's figures with their spread across the windows, in the message ...
    assert "Backtest, mean over 3 windows (lowest to highest)" in churn.success[0].value
    # ... and side by side in the model check, with the difference to the recency rule
    metrics = next(df.value for df in churn.dataframe if "Ranking" in df.value.columns)
    assert metrics["Ranking"].tolist() == [
        "time-shifted model (gradient boosting) (ranks the list)",
        "BG/NBD probability of no purchase", "days since the last shipment",
        "blend of ranks"]
    assert metrics["Windows"].tolist() == [3, 3, 3, 3]
    top = metrics["Churned in the top 10%, mean (lowest–highest)"]
    assert top.str.fullmatch(r"\d+% \(\d+%–\d+%\)").all()
    diff = metrics["Top 10% against days since the last shipment (90% interval)"]
    assert diff.iloc[2] == "" and diff.iloc[0].endswith("· 3/3")
    windows = next(df.value for df in churn.dataframe if "Scoring day" in df.value.columns)
    assert len(windows) == 12
    assert "**Every ranking, checked side by side**" in [m.value for m in churn.markdown]
    churn.slider(key="churn_f_risk").set_value(80).run()
    high = _all_warned(churn)
    assert 0 < _n_warned(churn) < n and (high["churn_risk"] >= 0.8).all()
    churn.multiselect(key="churn_f_tier").set_value(["vip"]).run()
    vip = _all_warned(churn)
    assert set(vip["tier_label"]) <= {"VIP"} and len(vip) <= len(high)


def test_capacity_changes_the_list_and_is_saved_with_the_preset(churn, sample_workspace):
    from segmentation.presets import PresetStore
    from segmentation.tiers import TierSettings
    from segmentation.workspace import Workspace

    store = PresetStore.for_workspace(Workspace())
    store.save("weekly", TierSettings())
    try:
        churn.number_input(key="_w_churn_calls").set_value(5).run()
        assert not churn.exception, churn.exception
        week = _list_table(churn)
        assert week.groupby("branch").size().max() == 5
        assert "up to 5 per branch" in next(h.value for h in churn.subheader
                                            if h.value.startswith("Customers to call"))
        churn.selectbox(key="churn_calls_preset").set_value("weekly")
        churn.button(key="churn_calls_save").click().run()
        assert "Saved 5 calls per week per branch with the preset 'weekly'." in \
            [s.value for s in churn.success]
        assert store.calls_per_branch("weekly") == 5
        # saving the tiers again keeps the capacity
        store.save("weekly", TierSettings())
        assert store.calls_per_branch("weekly") == 5
        app_state(churn).sidebar.lang = "zh"
        churn.run()
        assert "每个网点最多 5 位" in next(h.value for h in churn.subheader
                                     if h.value.startswith("本周需联系的客户"))
    finally:
        store.delete("weekly")


def test_horizon_changes_the_definition(churn):
    before = _metrics(churn)["Customers with a warning"]
    churn.button_group(key="_w_churn_h").set_value(60).run()
    assert not churn.exception, churn.exception
    assert "60 days" in churn.caption[0].value
    assert "60-day outcomes" in (churn.success or churn.warning)[0].value
    assert _metrics(churn)["Customers with a warning"] != before


def test_branch_filter_restricts_the_list(churn, sample_tables):
    branch = sorted(sample_tables["customers"]["branch"].unique())[5]
    app_state(churn).sidebar.filters["branch"] = [branch]
    churn.run()
    table = _all_warned(churn)
    assert len(table) > 0 and set(table["branch"]) == {branch}


def test_chinese_reasons(churn):
    app_state(churn).sidebar.lang = "zh"
    churn.run()
    assert not churn.exception
    table = _all_warned(churn)
    assert table["risk_reasons"].str.contains("[\u4e00-\u9fff]").all()
    assert not table["risk_reasons"].str.contains("shipment|days|complaint").any()
    assert "预警客户" in _metrics(churn)
    assert "按时移模型（梯度提升）排序" in churn.success[0].value


def test_language_switch_computes_no_score_again(churn, monkeypatch):
    """Switching the language only re-words the reasons: no fit, no view, no extra SQL."""
    import sys

    from ui.caches import churn as churn_cache
    from ui.caches import views

    calls: dict[str, int] = {}

    def counting(name, fn):
        def wrapper(*args, **kwargs):
            calls[name] = calls.get(name, 0) + 1
            return fn(*args, **kwargs)
        return wrapper

    # every module of the churn package looks these up in its own namespace (the package
    # for ui.context's imports, pipeline / backtesting / labels / model / features inside):
    # patch each one that holds the name, so that no call escapes the count
    patched: dict[str, set[str]] = {}
    churn_modules = [m for n, m in sorted(sys.modules.items())
                     if n == "segmentation.churn" or n.startswith("segmentation.churn.")]
    for name in ("score_churn", "churn_features", "customer_view", "score_clv",
                 "render_reasons"):
        holders = [m for m in churn_modules if name in vars(m)]
        wrapped = counting(name, getattr(holders[0], name))
        for module in holders:
            monkeypatch.setattr(module, name, wrapped)
        patched[name] = {m.__name__.removeprefix("segmentation.churn") for m in holders}
    # the places that call them (a patch elsewhere would count nothing)
    assert {".pipeline", ".backtesting", ".labels", ".model"} <= patched["churn_features"]
    assert {".pipeline", ".backtesting", ".features"} <= patched["customer_view"]
    assert ".features" in patched["score_clv"] and "" in patched["score_churn"]
    assert {"", ".pipeline", ".model"} <= patched["render_reasons"]
    monkeypatch.setattr(views, "customer_view", counting("view", views.customer_view))
    statements: list[str] = []

    def count_sql(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count_sql)
    try:
        # the words of both languages are made afresh (every cache that holds words)
        for cached in (churn_cache.worded_scores, churn_cache._shown_scores,
                       churn_cache.call_sheet):
            cached.clear()
        churn.run()  # the same page again, in English: the baseline of SQL statements
        plain = len(statements)
        statements.clear()
        calls.clear()
        app_state(churn).sidebar.lang = "zh"
        churn.run()
        assert not churn.exception, churn.exception
        assert _list_table(churn)["risk_reasons"].str.contains("[\u4e00-\u9fff]").all()
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count_sql)
    # the Chinese words come from the stored defaults (worded once, in the background) or
    # are made here; nothing is scored again either way
    scored_again = {k: v for k, v in calls.items() if k != "render_reasons"}
    assert scored_again == {}
    assert len(statements) == plain  # only what any rerun reads (the customer detail)


def test_overview_shows_customers_at_risk_after_the_churn_page(churn):
    n = _metrics(churn)["Customers with a warning"]
    churn.switch_page("pages/overview.py").run()
    assert _metrics(churn)["Customers at risk"] == n


def _run_on(tables: dict[str, pd.DataFrame], label: str):
    from streamlit.testing.v1 import AppTest

    from segmentation.workspace import Workspace

    Workspace().replace(tables, source="upload", label=label)
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page("pages/churn.py").run()
    assert not at.exception, at.exception
    return at


def _sample(name: str) -> pd.DataFrame:
    return pd.read_parquet(SAMPLE / f"{name}.parquet")


def nine_months() -> dict[str, pd.DataFrame]:
    """The sample cut to its last 270 days (every table with dates)."""
    out = {}
    for name in ("transactions", "customers", "surveys", "complaints"):
        frame = _sample(name)
        if name != "customers":
            end = _sample("transactions")["date"].max()
            frame = frame[frame["date"] > end - pd.Timedelta(days=270)]
        out[name] = frame
    return out


def one_branch_file(n: int = 60, days: int = 180) -> dict[str, pd.DataFrame]:
    """60 customers of one branch with 6 months of transactions, as a branch exports them."""
    tx = _sample("transactions")
    tx = tx[tx["date"] > tx["date"].max() - pd.Timedelta(days=days)]
    branch = tx["branch"].value_counts().index[0]
    ids = tx.loc[tx["branch"] == branch, "customer_id"].drop_duplicates().head(n)
    customers = _sample("customers")
    return {"transactions": tx[tx["customer_id"].isin(ids)],
            "customers": customers[customers["customer_id"].isin(ids)]}


def slow_nine_months() -> dict[str, pd.DataFrame]:
    """Nine months of customers with a longer cycle (every fourth day kept): the cycle alone
    asks for a 180-day horizon, which the old design could not train on 269 days."""
    tx = nine_months()["transactions"]
    return {"transactions": tx[tx["date"].dt.day_of_year % 4 == 0]}


@pytest.mark.parametrize(("tables", "model"), [
    (nine_months, "Ranked by the time-shifted model (gradient boosting)"),
    # 60 customers: nothing is sure to beat the rule, which ranks and says so
    (one_branch_file, "Ranked by days since the last shipment: no other ranking beat it"),
    # a learned ranking beats the rule here (which one depends on the sample's draw)
    (slow_nine_months, re.compile(r"Ranked by the (blend of ranks|time-shifted model "
                                  r"\(gradient boosting\)): it beat days since the last")),
], ids=["nine-months", "one-branch-60", "nine-months-slow"])
def test_short_and_small_data_fill_the_list_and_name_the_model(sample_workspace, tables,
                                                               model):
    from segmentation.workspace import Workspace, load_sample

    try:
        at = _run_on(tables(), "short.csv")
        assert not at.warning or all("cannot" not in shown(w.value) for w in at.warning)
        explanation = (at.success or at.warning)[0].value
        assert (model.search(explanation) if isinstance(model, re.Pattern)
                else model in explanation), explanation
        everyone = _all_warned(at)
        assert len(everyone) > 0 and everyone["churn_risk"].between(0.5, 1).all()
        if tables is nine_months:  # the default horizon fits the 269 days of history
            assert at.session_state["_app_state"].churn.horizon == 90
            assert "The default (90 days) comes from how often your customers usually ship " \
                "and how much history" in at.button_group(key="_w_churn_h").help
        if tables is one_branch_file:
            assert "The time-shifted model was not trained: only" in explanation
            assert len(_list_table(at)) == min(20, len(everyone))
        app_state(at).sidebar.lang = "zh"
        at.run()
        assert "排序" in (at.success or at.warning)[0].value
    finally:
        load_sample(Workspace())


def test_too_little_data_says_what_is_missing(sample_workspace):
    from segmentation.workspace import Workspace, load_sample

    few = pd.DataFrame({"customer_id": [f"C{i % 5}" for i in range(12)],
                        "date": pd.date_range("2025-01-01", periods=12, freq="5D"),
                        "amount": 10.0})
    short = pd.DataFrame({"customer_id": [f"C{i}" for i in range(40)],
                          "date": pd.date_range("2025-01-01", periods=40, freq="D"),
                          "amount": 10.0})
    try:
        at = _run_on({"transactions": few}, "tiny.csv")
        assert ("Churn warnings need at least 20 customers with a purchase; the data have 5."
                in shown(at.warning[0].value))
        app_state(at).sidebar.lang = "zh"
        at.run()
        assert "流失预警至少需要 20 位有购买记录的客户；当前数据只有 5 位" in \
            shown(at.warning[0].value)
        at = _run_on({"transactions": short}, "short.csv")
        assert ("Churn warnings need at least 60 days of history; the data cover 39 days "
                "(2025-01-01 to 2025-02-09)" in shown(at.warning[0].value))
    finally:
        load_sample(Workspace())


def test_one_branch_call_list_says_branch_in_the_singular(app):
    branch = "华东-上海浦东网点"
    app_state(app).sidebar.filters["branch"] = [branch]
    app.switch_page("pages/churn.py").run()
    assert not app.exception, app.exception
    week = _list_table(app)
    assert set(week["branch"]) == {branch}
    header = next(h.value for h in app.subheader if h.value.startswith("Customers to call"))
    assert header == (f"Customers to call this week: {len(week)} in 1 branch "
                      "(up to 20 per branch)")
