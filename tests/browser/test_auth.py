"""Sign-in in a real browser: two users at once, the throttle, the open-mode banner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, _free_port, _require_chromium, shot, wait_idle

pytestmark = pytest.mark.browser

BRANCH = "华东-上海浦东网点"


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    """The dashboard on the sample with three local users; yields (url, workspace folder)."""
    _require_chromium()
    from argon2 import PasswordHasher

    from segmentation.users import UserStore
    from segmentation.workspace import Workspace, load_sample

    folder = tmp_path_factory.mktemp("browser-auth-ws")
    load_sample(Workspace(folder))
    store = UserStore(folder, hasher=PasswordHasher(time_cost=1, memory_cost=1024,
                                                    parallelism=1))
    store.add("wang", role="hq", password="hq-password-1", display_name="王分析")
    store.add("li", role="branch", branch=BRANCH, password="branch-pass-1")
    store.add("zhao", role="viewer", password="viewer-pass-1")
    port = _free_port()
    log = open(folder / "streamlit.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=str(folder), env={**os.environ, "SEG_WORKSPACE": str(folder)},
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + (folder / "streamlit.log").read_text())
    yield url, folder
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _context(browser, timezone_id: str | None = None):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US",
                                  accept_downloads=True, timezone_id=timezone_id)
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def _sign_in(page, name: str, password: str) -> None:
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_timeout(500)
    wait_idle(page)


def _user_box(page) -> str:
    return page.locator(".st-key-auth_user_box").inner_text()


def _scope_counts(folder) -> tuple[int, int]:
    """Customers of BRANCH (the branch manager's scope) and of the whole network."""
    from segmentation.access import Scope
    from segmentation.features import customer_view
    from segmentation.workspace import Workspace

    engine = Workspace(folder).engine()
    try:
        return (len(customer_view(engine, scope=Scope(branches=(BRANCH,)))),
                len(customer_view(engine)))
    finally:
        engine.dispose()


def test_two_users_signed_in_at_once(browser, auth_server):
    url, folder = auth_server
    hq_ctx, hq = _context(browser)
    bm_ctx, bm = _context(browser)
    try:
        for page in (hq, bm):
            page.goto(url + "/tiers")
            wait_idle(page)
            assert page.locator("h1").first.inner_text() == "Sign in"
            assert page.locator(".st-key-auth_open_banner").count() == 0
        _sign_in(hq, "wang", "hq-password-1")
        _sign_in(bm, "li", "branch-pass-1")
        # each lands on the page it asked for, as itself (a page may rerun once more when
        # the dataset's background job ends: wait for the title)
        for page in (hq, bm):
            expect(page.locator("h1").first).to_have_text("Customer tiers", timeout=60_000)
            wait_idle(page)
        assert "王分析 · HQ analyst" in _user_box(hq)
        assert "li · Branch manager" in _user_box(bm)
        assert f"Branch: {BRANCH}" in _user_box(bm)
        # each sees its own scope: the network for HQ, the branch's customers for li
        mine, everyone = _scope_counts(folder)
        assert 0 < mine < everyone
        sidebar_hq = hq.locator('[data-testid="stSidebar"]').inner_text()
        sidebar_bm = bm.locator('[data-testid="stSidebar"]').inner_text()
        assert f"{everyone:,} customers ·" in sidebar_hq
        assert f"{mine:,} customers in your scope" in sidebar_bm
        assert "in your scope" not in sidebar_hq
        caption = f"you see the customers of branch {BRANCH}"
        assert caption in bm.locator('[data-testid="stMain"]').inner_text()
        assert caption not in hq.locator('[data-testid="stMain"]').inner_text()
        # moving on in one session does not change the other
        bm.get_by_role("link", name="Data").click()
        wait_idle(bm)
        hq.get_by_role("link", name="Overview").click()
        wait_idle(hq)
        assert "li · Branch manager" in _user_box(bm)
        assert "王分析 · HQ analyst" in _user_box(hq)
        reason = "Only HQ analysts may replace the dataset (you are signed in as Branch manager)."
        # the page may rerun once more when the dataset's background job ends: wait for it
        bm.get_by_text(reason).wait_for(timeout=60_000)
        assert bm.get_by_text(reason).count() == 1
        shot(hq, "auth_hq_overview")
        shot(bm, "auth_branch_data")
        # the dataset's background job reruns the page when it ends: sign out after it
        bm.wait_for_function("() => !document.body.innerText.includes("
                             "'Preparing the default figures')", timeout=180_000)
        wait_idle(bm)
        bm.locator(".st-key-auth_sign_out button").click()
        bm.get_by_role("heading", name="Sign in").wait_for(timeout=60_000)
        wait_idle(bm)
        assert bm.locator("h1").first.inner_text() == "Sign in"
        hq.reload()  # a reload is a new session: sign in again
        wait_idle(hq)
        assert hq.locator("h1").first.inner_text() == "Sign in"
    finally:
        hq_ctx.close()
        bm_ctx.close()


def test_five_wrong_passwords_are_throttled(browser, auth_server):
    url, _ = auth_server
    ctx, page = _context(browser, timezone_id="Asia/Shanghai")  # the browser's zone is shown
    try:
        page.goto(url)
        wait_idle(page)
        for i in range(5):
            _sign_in(page, "zhao", f"wrong-password-{i}")
        alert = page.locator('[data-testid="stAlertContentError"]').inner_text()
        assert "Too many failed sign-ins. Try again after " in alert
        assert "UTC" not in alert and "(your time, in 15 min)." in alert
        expected = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=15)
        clock = alert.split("after ")[1][:5]
        assert clock in {(expected - timedelta(minutes=d)).strftime("%H:%M") for d in (0, 1)}
        _sign_in(page, "zhao", "viewer-pass-1")  # right password, still refused
        assert page.locator("h1").first.inner_text() == "Sign in"
        assert "Too many failed sign-ins" in page.locator(
            '[data-testid="stAlertContentError"]').inner_text()
        shot(page, "auth_throttled")
    finally:
        ctx.close()


def test_hq_downloads_the_audit_log_and_the_download_is_recorded(browser, auth_server):
    url, folder = auth_server
    ctx, page = _context(browser)
    try:
        page.goto(url + "/data")
        wait_idle(page)
        _sign_in(page, "wang", "hq-password-1")
        page.get_by_text("Audit log", exact=True).click()
        page.wait_for_timeout(500)
        with page.expect_download() as info:
            page.get_by_role("button", name="Download the audit log (CSV)").click()
        text = open(info.value.path(), encoding="utf-8-sig").read()
        assert text.splitlines()[0] == "time,user,role,action,details"
        assert "sign_in_failed" not in text  # actions are shown by their label
        assert "sign-in failed" in text and "signed in" in text
        records = [json.loads(line) for line in (folder / "audit.jsonl").read_text()
                   .splitlines()]
        exports = [r for r in records if r["action"] == "export"]
        assert exports and exports[-1]["user"] == "wang"
        assert exports[-1]["details"]["what"] == "audit_log.csv"
        assert "hq-password-1" not in (folder / "audit.jsonl").read_text()
    finally:
        ctx.close()


def test_open_mode_banner_on_every_page(page, server):
    for path, heading in (("", "Overview"), ("/tiers", "Customer tiers"), ("/data", "Data")):
        page.goto(server + path)
        wait_idle(page)
        assert page.locator("h1").first.inner_text() == heading
        banner = page.locator(".st-key-auth_open_banner").inner_text()
        assert "Open mode:" in banner and "anyone who opens this app sees all data" in banner
    assert page.locator(".st-key-auth_user_box").count() == 0


def test_branch_manager_reads_their_branchs_forecast_in_chinese(browser, auth_server):
    """The forecast page as the branch manager, in Chinese: only the own branch, the chart
    with its bands, the capacity notes and the backtest."""
    url, _ = auth_server
    context, page = _context(browser)
    try:
        page.goto(url + "/forecast")
        _sign_in(page, "li", "branch-pass-1")
        page.get_by_text("简体中文").click()
        page.get_by_role("heading", name="业务量预测", exact=True).wait_for(timeout=120_000)
        wait_idle(page, timeout=180_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        main = page.locator('[data-testid="stMain"]')
        # the series picker offers the own branch, labelled in the new language
        picker = main.locator(".st-key-forecast_series input").first.input_value()
        assert f"网点 {BRANCH}" in picker and "Branch" not in picker, picker
        expect(main.get_by_text("运力提示：未来高峰周")).to_be_visible()
        expect(main.locator(".js-plotly-plot")).to_have_count(1)
        expect(main.get_by_text("您看到的是网点")).to_be_visible()  # the scope is said
        shot(page, "forecast-branch-zh")
    finally:
        context.close()
