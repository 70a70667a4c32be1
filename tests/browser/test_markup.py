"""End to end in chromium: markup in the data makes the browser fetch nothing.

A tiny HTTP server records every request; the dataset's customer ids, names, branches,
channels, comments, the upload's file name and the default preset's tier names and
actions all carry a markdown image, a markdown link and an HTML image pointing at it.
"""

from __future__ import annotations

import http.server
import threading

import pytest

from tests.browser.conftest import _free_port, _require_chromium, run_app, shot, wait_idle
from tests.hostile import markup_workspace

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def trap():
    """``(host, requests)``: a server on 127.0.0.1 that records the paths asked of it."""
    requests: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), Record)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()


@pytest.fixture(scope="module")
def markup_server(tmp_path_factory, trap):
    _require_chromium()
    folder = tmp_path_factory.mktemp("markup-browser-ws")
    markup_workspace(folder, host=trap[0])
    yield from run_app(folder)


@pytest.mark.parametrize("path", ["/tiers", "/churn", "/satisfaction"])
def test_markup_in_data_fetches_nothing(markup_server, trap, page, path):
    host, requests = trap
    page.goto(markup_server + path)
    wait_idle(page)
    page.wait_for_timeout(1500)  # images would have been requested by now
    shot(page, f"08-markup{path.replace('/', '-')}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator(f'img[src*="{host}"]').count() == 0
    assert page.locator(f'a[href*="{host}"]').count() == 0
    assert requests == []
    # the data is there, shown as text
    assert page.get_by_text(host, exact=False).count() > 0
