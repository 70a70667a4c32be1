"""The Report page: one click builds the deck, the HTML report and the workbook of the
user's scope, each offered as a download."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from segmentation.access import Role, User

from .conftest import APP, app_state


@pytest.fixture
def downloads(monkeypatch):
    """The bytes of every download button the page creates, by file name."""
    from streamlit.delta_generator import DeltaGenerator

    captured: dict[str, bytes] = {}
    original = DeltaGenerator.download_button

    def record(self, label, data, *args, **kwargs):
        value = data() if callable(data) else data
        captured[kwargs.get("file_name", label)] = bytes(value)
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    return captured


def _report_page(user: User | None = None, lang: str = "en"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=600)
    if user is not None:
        app_state(at).auth.user = user
    app_state(at).sidebar.lang = lang
    at.run()
    at.switch_page("pages/report.py").run()
    assert not at.exception, at.exception
    return at


def test_report_page_builds_three_files_for_a_branch(sample_workspace, sample_tables,
                                                      downloads):
    branch = sample_tables["customers"]["branch"].value_counts().index[0]
    at = _report_page(User("bm", Role.BRANCH, branch=branch, display_name="王经理"), "zh")
    assert at.title[0].value == "总部汇报材料"
    assert not downloads  # nothing is built before the click
    at.button(key="report_build").click().run()
    assert not at.exception, at.exception
    stem = f"report_{sample_workspace.date_max[:10]}"
    assert sorted(downloads) == sorted(f"{stem}.{x}" for x in ("html", "pptx", "xlsx"))
    deck = Presentation(io.BytesIO(downloads[f"{stem}.pptx"]))
    cover = deck.slides[0].placeholders[1].text_frame.text
    assert f"网点 {branch}" in cover and "王经理" in cover
    # the data source in the user's language, not the dataset's internal kind
    assert "示例网点数据（" in cover and "载入）" in cover and "(sample" not in cover
    others = set(sample_tables["customers"]["branch"]) - {branch}
    html = downloads[f"{stem}.html"].decode("utf-8")
    assert not [b for b in others if b in html]
    book = load_workbook(io.BytesIO(downloads[f"{stem}.xlsx"]))
    assert book.sheetnames[1] == "核心指标"
    downloads.clear()
    at.run()  # the next run offers the files built, and to build them again
    assert at.button(key="report_build").label == "重新生成"
    assert sorted(downloads) == sorted(f"{stem}.{x}" for x in ("html", "pptx", "xlsx"))
