"""The report's deck opened with python-pptx: slides, native charts holding the library's own
figures, language, scope and masking; the workbook's formats; the ``report`` command."""

from __future__ import annotations

import html
import io
import itertools
import os
import re
import subprocess
import sys
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from pptx.parts.chart import ChartPart

from segmentation import formatting as fmt
from segmentation.report import SECTION_KEYS, report_bytes
from tests.segmentation import reports
from tests.segmentation.reports import ROOT, deck_of, deck_texts, report_for

# the shared fixtures (a generated network, the inputs of three users)
network, inputs_all, inputs_zh = reports.network, reports.inputs_all, reports.inputs_zh
branch_user, inputs_branch = reports.branch_user, reports.inputs_branch
viewer, inputs_viewer = reports.viewer, reports.inputs_viewer

CJK = re.compile(r"[\u4e00-\u9fff]")


def _charts(deck) -> dict[str, object]:
    """Chart title (first line) -> chart, over the whole deck."""
    out = {}
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_chart and shape.chart.has_title:
                out[shape.chart.chart_title.text_frame.paragraphs[0].text] = shape.chart
    return out


def _values(chart, series: int = 0) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in chart.plots[0].series[series].values],
                    dtype="float64")


@pytest.fixture(scope="module")
def report_en(inputs_all):
    return report_for(inputs_all, "en")


@pytest.fixture(scope="module")
def deck_en(report_en):
    return deck_of(report_en)


def test_deck_slides_follow_the_sections(report_en, deck_en):
    titles = [s.shapes.title.text_frame.text for s in deck_en.slides]
    assert titles[0] == "Customer tiering report"
    sections = [k for k, _ in itertools.groupby(titles[1:])]
    assert sections == [s.title for s in report_en.sections]
    assert [s.key for s in report_en.sections] == list(SECTION_KEYS)
    cover = deck_en.slides[0].placeholders[1].text_frame.text
    assert "Whole network" in cover and "2025-06-30" in cover and "generated" in cover


def test_deck_charts_are_chart_parts_with_the_library_figures(network, inputs_all, deck_en):
    from segmentation.features import customer_view
    from segmentation.overview import activity_cube, breakdown
    from segmentation.tiers import TierSettings, assign, pareto, prepare_scoring

    engine, as_of = network["engine"], inputs_all.as_of
    charts = _charts(deck_en)
    for chart in charts.values():  # native charts: a chart part with its workbook inside
        assert isinstance(chart.part, ChartPart)
        assert chart.part.chart_workbook.xlsx_part is not None
    view = customer_view(engine, as_of=as_of, window_days=90)
    summary = assign(prepare_scoring(view), TierSettings.default(4)).summary()
    shares = charts["Share of customers and of revenue by tier"]
    np.testing.assert_allclose(_values(shares, 0), summary["share"].to_numpy())
    np.testing.assert_allclose(_values(shares, 1), summary["revenue_share"].to_numpy())
    assert list(shares.plots[0].categories) == ["VIP", "High", "Medium", "Low"]
    curve = pareto(view).set_index(pareto(view)["customer_share"].round(2))["revenue_share"]
    np.testing.assert_allclose(_values(charts["Revenue concentration (Pareto)"]),
                               curve.loc[np.round(np.arange(0, 1.001, 0.05), 2)].to_numpy())
    regions = breakdown(view, activity_cube(engine, as_of=as_of), by="region", as_of=as_of)
    by_region = charts["Revenue by region, last 90 days"]
    assert list(by_region.plots[0].categories) == list(regions.index)
    np.testing.assert_allclose(_values(by_region), regions["revenue"].to_numpy())
    scores = inputs_all.churn.scores
    warned = scores[scores["status"] == "warning"]
    risk = warned.groupby("region")["value_at_risk"].sum().sort_values(ascending=False)
    chart = charts["Value at risk by region"]
    assert list(chart.plots[0].categories) == list(risk.index)
    np.testing.assert_allclose(_values(chart), risk.to_numpy())
    metrics = inputs_all.churn.backtest.metrics
    backtest = charts["Share churned among the top 10% ranked (backtest windows)"]
    np.testing.assert_allclose(_values(backtest, 1), metrics["precision_top10"].to_numpy())
    np.testing.assert_allclose(_values(backtest, 0), metrics["precision_top10_min"].to_numpy())
    subtitle = shares.chart_title.text_frame.paragraphs[1].text
    assert subtitle == "Whole network · analysis date 2025-06-30"


def test_deck_notes_hold_the_sentence(report_en, deck_en):
    sentences = {s.title: s.sentence for s in report_en.sections}
    for slide in list(deck_en.slides)[1:]:
        title = slide.shapes.title.text_frame.text
        notes = slide.notes_slide.notes_text_frame.text
        assert notes in (sentences[title], *report_en.section(
            next(s.key for s in report_en.sections if s.title == title)).notes)
    kpis = report_en.section("overview").tables[0].frame.set_index("kind")
    assert fmt.money(kpis.at["money", "current"], "en") in report_en.section("overview").sentence


def test_chinese_deck_titles_and_notes(inputs_zh):
    report = report_for(inputs_zh, "zh")
    deck = deck_of(report)
    assert deck.slides[0].shapes.title.text_frame.text == "客户分层报告"
    for slide in deck.slides:
        assert CJK.search(slide.shapes.title.text_frame.text)
        assert CJK.search(slide.notes_slide.notes_text_frame.text)
    months = list(_charts(deck)["每月收入"].plots[0].categories)
    assert months[-1] == "2025年6月" and not any("Jun" in m for m in months)
    texts = " ".join(deck_texts(deck))
    assert "Whole network" not in texts and "Revenue" not in texts


def test_branch_manager_deck_holds_one_branch(network, inputs_branch, branch_user):
    report = report_for(inputs_branch, "zh", branch_user)
    texts = "\n".join(deck_texts(deck_of(report)))
    mine = network["branch"]
    others = set(network["tables"]["customers"]["branch"].dropna()) - {mine}
    assert mine in texts and "网点 " + mine in report.scope
    leaked = [b for b in others if b in texts]
    assert leaked == []
    assert set(inputs_branch.view["branch"]) == {mine}
    calls = report.section("churn").tables[-1].frame
    assert len(calls) and set(calls["branch"]) == {mine}


def test_viewer_deck_holds_no_name_or_phone(network, inputs_viewer, viewer):
    report = report_for(inputs_viewer, "en", viewer)
    texts = "\n".join(deck_texts(deck_of(report)))
    customers = network["tables"]["customers"]
    names = [n for n in customers["name"].dropna() if len(n) >= 2]
    assert [n for n in names if n in texts] == []
    assert [p for p in customers["phone"].dropna().astype(str) if p in texts] == []
    assert "calls" not in [t.key for t in report.section("churn").tables]
    assert "Customer rows are not part of reports for your role." in texts


def test_full_deck_names_the_accounts_to_call(network, inputs_all, report_en):
    from segmentation.churn import call_sheet

    calls = report_en.section("churn").tables[-1]
    assert calls.key == "calls" and len(calls.frame) > 0
    settings = inputs_all.tiers.settings
    page = call_sheet(inputs_all.churn_scores, tiers=inputs_all.tiers.scored["tier"],
                      tier_labels=settings.tier_labels("en"),
                      actions={k: settings.actions(k, "en") for k in settings.tiers},
                      contacts=inputs_all.view).calls(calls_per_branch=20).week
    expected = page[list(calls.frame.columns)].head(len(calls.frame)).reset_index(drop=True)
    pd.testing.assert_frame_equal(calls.frame, expected, check_dtype=False)  # the page's list
    customers = network["tables"]["customers"].set_index("customer_id")
    first = calls.frame.iloc[0]
    assert first["name"] == customers.at[first["customer_id"], "name"]
    assert (calls.frame["value_at_risk"].diff().dropna() <= 0).all()


def test_workbook_cells_have_number_formats(report_en):
    book = load_workbook(io.BytesIO(report_bytes(report_en, "xlsx")))
    assert book.sheetnames == ["About", *[s.title[:31].replace(":", " ")
                                          for s in report_en.sections]]
    sheet = book["Customer tiers"]
    assert sheet.freeze_panes == "A6"
    table = sheet.tables["T_tiers_0"]
    assert table.autoFilter is not None and table.ref.startswith("A5:G")
    header = [c.value for c in sheet[5]][:7]
    assert header == ["Tier", "Customers", "Share of customers", "Revenue", "Share of revenue",
                      "Spend per customer", "Shipping days per customer"]
    row = sheet[6]
    assert isinstance(row[1].value, int) and row[1].number_format == fmt.excel_format("int")
    assert row[2].number_format == fmt.excel_format("percent") and 0 < row[2].value < 1
    assert row[3].number_format == fmt.excel_format("money")
    assert row[6].number_format == fmt.excel_format("decimal")
    assert sheet.column_dimensions["G"].width >= len("Shipping days per customer")
    trend = book["Headline figures"]
    months = [r[0] for r in trend.iter_rows(min_row=1) if r[0].number_format == "mmm yyyy"]
    assert len(months) == 13 and all(isinstance(c.value, datetime) for c in months)


def test_workbook_neutralises_formulas_from_the_data(inputs_all):
    renamed = inputs_all.personas.__class__(inputs_all.personas.profiles,
                                            inputs_all.personas.zscores,
                                            {0: "=HYPERLINK(\"http://x\")"})
    hostile = inputs_all.__class__(**{**inputs_all.__dict__, "personas": renamed})
    book = load_workbook(io.BytesIO(report_bytes(report_for(hostile, "en"), "xlsx")))
    cells = [c.value for row in book["Customer personas"].iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(v.startswith("'") for v in cells)


def test_html_shows_names_from_the_data_as_text(inputs_all):
    from segmentation.report import Personas

    hostile = '<img src=x onerror="alert(1)">'
    renamed = Personas(inputs_all.personas.profiles, inputs_all.personas.zscores, {0: hostile})
    inputs = inputs_all.__class__(**{**inputs_all.__dict__, "personas": renamed})
    page = report_bytes(report_for(inputs, "en"), "html").decode("utf-8")
    assert "<img" not in page
    assert f"<td>{html.escape(hostile)}</td>" in page  # the table cell, as text
    # the chart's category: plotly draws tags in texts, so it gets the text escaped
    assert '"&lt;img src=x onerror=\\"alert(1)\\"&gt;"' in page


def test_report_scope_line_names_filters_in_the_language(inputs_all):
    from segmentation.report import scope_label

    filters = (("customer_type", ("enterprise",)), ("region", ("华东",)))
    assert scope_label(None, filters, "zh") == "全网（筛选：客户类型: enterprise；区域: 华东）"
    assert scope_label(None, (), "en") == "Whole network"


def run_report_cli(*args: str, workspace) -> subprocess.CompletedProcess:
    env = {**os.environ, "SEG_WORKSPACE": str(workspace),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "segmentation", "report", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)


def test_cli_report_of_the_workspace_as_a_branch_manager(network, tmp_path):
    out = tmp_path / "weekly.xlsx"
    proc = run_report_cli("--format", "xlsx", "--out", str(out), "--lang", "zh",
                          "--scope-branch", network["branch"], workspace=network["folder"])
    assert proc.returncode == 0, proc.stderr
    assert "7 sections" in proc.stdout
    book = load_workbook(out)
    assert book.sheetnames[0] == "说明"
    about = {r[0].value: r[1].value for r in book["说明"].iter_rows(min_row=3, max_row=6)}
    assert about["范围"] == f"网点 {network['branch']}"
    assert about["数据来源"].startswith("generated（") and about["数据来源"].endswith("载入）")


def test_cli_report_as_a_viewer_is_audited_and_holds_no_names(network, tmp_path):
    from argon2 import PasswordHasher

    from segmentation.audit import AuditLog
    from segmentation.users import UserStore

    store = UserStore(network["folder"], hasher=PasswordHasher(time_cost=1, memory_cost=8,
                                                                parallelism=1))
    if store.user("zhao") is None:
        store.add("zhao", role="viewer", password="a-long-password-3")
    out = tmp_path / "viewer.html"
    proc = run_report_cli("--format", "html", "--out", str(out), "--as-user", "zhao",
                          workspace=network["folder"])
    assert proc.returncode == 0, proc.stderr
    page = out.read_text(encoding="utf-8")
    customers = network["tables"]["customers"]
    assert [p for p in customers["phone"].dropna().astype(str) if p in page] == []
    assert [n for n in customers["name"].dropna() if len(n) >= 3 and n in page] == []
    last = AuditLog(network["folder"]).records()[-1]
    assert (last["user"], last["action"]) == ("zhao", "export")
    assert last["details"] == {"what": "cli report html", "file": "viewer.html"}


def test_cli_report_refuses_a_wrong_extension(network, tmp_path):
    proc = run_report_cli("--format", "pptx", "--out", str(tmp_path / "deck.html"),
                          workspace=network["folder"])
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: --out {tmp_path / 'deck.html'}: a pptx report needs a .pptx file name"]
    assert not (tmp_path / "deck.html").exists()
