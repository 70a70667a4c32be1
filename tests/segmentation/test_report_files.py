"""The report files as people open them: the deck converted to PDF by LibreOffice and its
pages rendered to PNG; the HTML report in chromium (no console error, printed to A4 with
every section on its own pages)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from segmentation.report import report_bytes
from tests.segmentation import reports
from tests.segmentation.reports import report_for

network, inputs_all, inputs_zh = reports.network, reports.inputs_all, reports.inputs_zh

CHROMIUM = "/usr/bin/chromium"


def _need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        reason = f"{tool} is not installed (Debian package {package}; .ci/run installs it)"
        if os.environ.get("SEG_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_deck_converts_to_pdf_and_renders(inputs_all, inputs_zh, lang, tmp_path):
    soffice = _need("soffice", "libreoffice-impress-nogui")
    pdftoppm = _need("pdftoppm", "poppler-utils")
    report = report_for(inputs_all if lang == "en" else inputs_zh, lang)
    deck = tmp_path / f"report_{lang}.pptx"
    deck.write_bytes(report_bytes(report, "pptx"))
    from pptx import Presentation

    slides = len(Presentation(str(deck)).slides)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
                   check=True, capture_output=True, timeout=300)
    pdf = tmp_path / f"report_{lang}.pdf"
    assert pdf.exists()
    subprocess.run([pdftoppm, "-r", "50", "-png", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == slides
    # a chart slide is drawn (not a blank page): its PNG is far from one colour
    from PIL import Image

    colours = Image.open(pages[1]).convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50
    keep = os.environ.get("SEG_REPORT_PNG_DIR")  # to look at the pages after a run
    if keep:
        for page in pages:
            shutil.copy(page, Path(keep) / f"{lang}-{page.name}")


def _text_of_pages(pdf: Path) -> list[str]:
    pdftotext = _need("pdftotext", "poppler-utils")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def test_html_report_opens_offline_and_prints_sections_on_their_own_pages(inputs_all,
                                                                          tmp_path):
    if not Path(CHROMIUM).exists():
        _need("chromium", "chromium")
    from playwright.sync_api import sync_playwright

    report = report_for(inputs_all, "en")
    page_file = tmp_path / "report.html"
    page_file.write_bytes(report_bytes(report, "html"))
    text = page_file.read_text(encoding="utf-8")
    assert len(re.findall(r"plotly\.js v\d", text)) == 1  # the bundle, once, inline
    assert "<script src=" not in text
    errors: list[str] = []
    pdf = tmp_path / "report.pdf"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page()
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.route("**/*", lambda route: route.abort() if not route.request.url.startswith(
                "file:") else route.continue_())  # offline: nothing but the file itself
            tab.goto(page_file.as_uri())
            charts = len(report.charts)
            tab.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}")
            titles = tab.eval_on_selector_all(".js-plotly-plot .gtitle",
                                              "els => els.map(e => e.textContent)")
            tab.emulate_media(media="print")
            tab.pdf(path=str(pdf), format="A4", print_background=True)
        finally:
            browser.close()
    assert errors == []
    assert "Revenue per month" in titles
    pages = _text_of_pages(pdf)
    firsts = [next((line.strip() for line in page.splitlines() if line.strip()), "")
              for page in pages]
    starts = [firsts.index(s.title) for s in report.sections]  # each opens a page
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    footer = report.context
    assert all(footer in page for page in pages[1:])
