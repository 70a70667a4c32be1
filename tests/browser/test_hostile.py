"""End to end in chromium: files the browser's uploader used to refuse, or the app misread."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot, wait_idle
from tests.hostile import HTML, OLE2, zip_bomb

pytestmark = pytest.mark.browser


def test_hostile_uploads_get_the_apps_own_advice(server, page, tmp_path):
    page.goto(server + "/data")
    page.get_by_role("heading", name="Data", exact=True).wait_for()
    wait_idle(page)
    dropzone = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    cases = [("2019.xls", OLE2, "old Excel 97-2003 workbook (.xls)"),
             ("report.csv", HTML, "is a web page (HTML), not a table"),
             ("bomb.xlsx", zip_bomb(), "zip bomb")]
    for name, data, message in cases:
        path = tmp_path / name
        path.write_bytes(data)
        dropzone.set_input_files(str(path))
        page.locator('[data-testid="stAlertContentError"]').filter(has_text=message).wait_for()
        wait_idle(page)
        # the uploader took the file: no "file type not allowed" from the widget itself
        assert page.get_by_text("not allowed").count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "07-hostile-uploads")
