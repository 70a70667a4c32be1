"""``python -m segmentation users ...`` as a real subprocess, and the password prompt."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from segmentation.cli import CliError, read_password
from segmentation.users import USERS_FILE, UserStore

ROOT = Path(__file__).resolve().parents[2]


def users(folder: Path, *args: str, stdin: str | None = None, lang: str = "en"):
    return subprocess.run(
        [sys.executable, "-m", "segmentation", "users", "--workspace", str(folder),
         "--lang", lang, *args],
        cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120)


def test_add_list_and_sign_in(tmp_path):
    proc = users(tmp_path, "add", "wang", "--role", "hq", "--display-name", "王分析",
                 "--password-stdin", stdin="hq-password-1\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "added user wang (hq)"
    proc = users(tmp_path, "add", "li", "--role", "branch", "--branch", "北京朝阳",
                 "--allow-unknown", "--password-stdin", stdin="branch-pass-1\n", lang="zh")
    assert proc.stdout.strip() == "已添加用户 li（branch, 北京朝阳）"
    listing = users(tmp_path, "list")
    assert listing.returncode == 0
    lines = listing.stdout.splitlines()
    assert lines[0].split()[:4] == ["name", "role", "region", "branch"]
    assert any(line.split()[:3] == ["li", "branch", "北京朝阳"] for line in lines[1:])
    assert "argon2" not in listing.stdout and "password_hash" not in listing.stdout
    store = UserStore(tmp_path)
    assert store.authenticate("wang", "hq-password-1", now=time.time()).ok
    assert store.get("wang").display_name == "王分析"
    assert "hq-password-1" not in (tmp_path / USERS_FILE).read_text()


def test_set_role_passwd_disable_enable(tmp_path):
    users(tmp_path, "add", "li", "--role", "branch", "--branch", "A", "--password-stdin",
          "--allow-unknown", stdin="branch-pass-1\n")
    proc = users(tmp_path, "set-role", "li", "--role", "regional", "--region", "华北",
                 "--allow-unknown")
    assert (proc.returncode, proc.stdout.strip()) == (0, "user li is now regional, 华北")
    proc = users(tmp_path, "passwd", "li", "--password-stdin", stdin="new-password-2\n")
    assert (proc.returncode, proc.stdout.strip()) == (0, "password of li changed")
    assert UserStore(tmp_path).authenticate("li", "new-password-2", now=time.time()).ok
    assert users(tmp_path, "disable", "li").stdout.strip() == "user li disabled (cannot sign in)"
    assert UserStore(tmp_path).user("li") is None
    assert users(tmp_path, "enable", "li", lang="zh").stdout.strip() == "已启用用户 li"
    assert UserStore(tmp_path).user("li").scope.regions == ("华北",)


def test_oidc_only_user(tmp_path):
    proc = users(tmp_path, "add", "chen", "--role", "viewer", "--email", "chen@example.com",
                 "--no-password")
    assert proc.returncode == 0, proc.stderr
    assert UserStore(tmp_path).by_email("chen@example.com").name == "chen"
    proc = users(tmp_path, "set-email", "chen", "Chen.W@Example.com")
    assert (proc.returncode, proc.stdout.strip()) == (0, "e-mail of chen: chen.w@example.com")
    assert UserStore(tmp_path).by_email("chen.w@example.com").name == "chen"
    proc = users(tmp_path, "set-email", "chen", lang="zh")
    assert proc.stdout.strip() == "chen 的电子邮件：—"
    assert UserStore(tmp_path).get("chen").email is None


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (("add", "li", "--role", "branch", "--password-stdin"), "branch-pass-1\n",
     "error: a branch manager needs --branch (the branch whose customers the user sees)"),
    (("add", "li", "--role", "hq", "--password-stdin"), "short\n",
     "error: the password is too short: use at least 8 characters"),
    (("add", "li", "--role", "hq", "--password-stdin"), "",
     "error: no password given (empty input); nothing changed"),
    (("passwd", "ghost", "--password-stdin"), "whatever-pass\n", "error: no user “ghost”"),
    (("disable", "ghost"), None, "error: no user “ghost”"),
    (("add", "a/b", "--role", "hq", "--no-password"), None,
     "error: “a/b” is not a valid user name: use 1–64 letters, digits or . _ @ -"),
], ids=["no-branch", "short", "empty", "passwd-unknown", "disable-unknown", "bad-name"])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, stdin, message):
    proc = users(tmp_path, *args, stdin=stdin)
    assert proc.returncode == 2
    assert proc.stderr.strip() == message
    assert not UserStore(tmp_path).has_users()


def test_list_without_users_says_the_app_is_open(tmp_path):
    proc = users(tmp_path, "list")
    assert proc.returncode == 0
    assert "the app runs open (anyone who opens it sees all data)" in proc.stdout


def test_unknown_role_is_refused_by_the_parser(tmp_path):
    proc = users(tmp_path, "add", "li", "--role", "boss", "--no-password")
    assert proc.returncode == 2 and "invalid choice: 'boss'" in proc.stderr


def _args(**kw) -> argparse.Namespace:
    return argparse.Namespace(**{"lang": "en", "name": "li", "password_stdin": False, **kw})


def test_prompt_asks_twice_and_refuses_a_mismatch(monkeypatch):
    answers = iter(["first-password", "second-password"])
    prompts = []
    monkeypatch.setattr("getpass.getpass", lambda p: (prompts.append(p), next(answers))[1])
    with pytest.raises(CliError, match="the two passwords differ; nothing changed"):
        read_password(_args())
    assert prompts == ["Password for li: ", "Repeat the password: "]
    monkeypatch.setattr("getpass.getpass", lambda p: "same-password")
    assert read_password(_args()) == "same-password"


def test_users_file_lists_no_secret_in_public_records(tmp_path):
    store = UserStore(tmp_path)
    store.add("wang", role="hq", password="hq-password-1")
    assert "password_hash" not in json.dumps(store.get("wang").public())


# --------------------------------------------------------------------------- scope in the data


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    """A workspace holding the bundled sample (5 regions, 40 branches)."""
    from segmentation.workspace import Workspace, load_sample

    folder = tmp_path_factory.mktemp("loaded")
    load_sample(Workspace(folder))
    return folder


def test_a_branch_missing_from_the_data_is_refused_with_close_names(loaded):
    proc = users(loaded, "add", "li2", "--role", "branch", "--branch", "不存在网点",
                 "--no-password")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == (
        "error: branch “不存在网点” is not in the current data (sample); nothing changed "
        "(check the spelling, or pass --allow-unknown to keep it anyway)")
    assert UserStore(loaded).get("li2") is None
    proc = users(loaded, "add", "li2", "--role", "branch", "--branch", "华东-上海浦东",
                 "--no-password", lang="zh")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "error: 当前数据（sample）中没有网点“华东-上海浦东”（是否指：华东-上海浦东网点、"
        "华东-金华浦江网点？）；未做任何修改（请检查拼写，或加上 --allow-unknown 仍然保存）")
    proc = users(loaded, "add", "li2", "--role", "branch", "--branch", "华东-上海浦东网点",
                 "--no-password")
    assert proc.returncode == 0
    assert proc.stdout.strip() == "added user li2 (branch, 华东-上海浦东网点)"


def test_set_role_checks_the_region_and_allow_unknown_keeps_it(loaded):
    assert users(loaded, "add", "zhou", "--role", "regional", "--region", "华东",
                 "--no-password").returncode == 0
    proc = users(loaded, "set-role", "zhou", "--role", "regional", "--region", "华中")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: region “华中” is not in the current data (sample) "
                                  "(did you mean: ")
    assert UserStore(loaded).get("zhou").region == "华东"
    proc = users(loaded, "set-role", "zhou", "--role", "regional", "--region", "华中",
                 "--allow-unknown")
    assert proc.returncode == 0 and UserStore(loaded).get("zhou").region == "华中"
    listing = users(loaded, "list")
    rows = {line.split()[0]: line.split()[-1] for line in listing.stdout.splitlines()[1:]
            if not line.startswith("!")}
    assert listing.stdout.splitlines()[0].split()[-1] == "scope_in_data"
    assert rows["zhou"] == "no"
    assert listing.stdout.splitlines()[-1] == (
        "! 1 user(s) see a branch or region that is not in the current data "
        "(scope_in_data = no): fix with users set-role")


def test_without_a_dataset_the_check_says_so(tmp_path):
    proc = users(tmp_path, "add", "li", "--role", "branch", "--branch", "A", "--no-password")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"error: no dataset is loaded in {tmp_path} yet, so branch “A” cannot be checked; "
        "nothing changed (load the data first, or pass --allow-unknown)")
    hq = users(tmp_path, "add", "wang", "--role", "hq", "--no-password")  # nothing to check
    assert hq.returncode == 0, hq.stderr
