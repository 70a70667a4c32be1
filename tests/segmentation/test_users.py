"""Local users: records, Argon2 passwords, the sign-in throttle, the idle timeout."""

from __future__ import annotations

import json
import multiprocessing as mp
import stat
import threading

import pytest
from argon2 import PasswordHasher

from segmentation.access import Role, User
from segmentation.users import (
    FAILURES_FILE,
    USERS_FILE,
    AuthResult,
    ThrottlePolicy,
    UserError,
    UserStore,
    session_expired,
)

#: cheap parameters so that tests hash quickly (the store's default is argon2's)
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
T0 = 1_750_000_000.0  # 2025-06-15 15:06:40 UTC


@pytest.fixture
def store(tmp_path):
    s = UserStore(tmp_path, hasher=FAST)
    s.add("Wang", role="hq", password="hq-password-1", display_name="王分析")
    s.add("li", role="branch", branch="北京朝阳", password="branch-pass-1")
    return s


def test_add_and_get_round_trip(store, tmp_path):
    record = store.get("  WANG ")  # names match case-insensitively
    assert (record.name, record.role, record.display_name) == ("wang", Role.HQ, "王分析")
    assert record.has_password and record.password_hash.startswith("$argon2id$")
    assert "hq-password-1" not in (tmp_path / USERS_FILE).read_text()
    assert "password_hash" not in repr(record)
    li = store.user("li")
    assert li == User("li", Role.BRANCH, branch="北京朝阳", display_name="li")
    assert li.scope.branches == ("北京朝阳",)
    assert [r.name for r in store.list()] == ["li", "wang"]
    assert store.has_users() and not UserStore(tmp_path / "other").has_users()


def test_files_are_private(store, tmp_path):
    store.authenticate("li", "wrong-password", now=T0)
    for name in (USERS_FILE, FAILURES_FILE):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


@pytest.mark.parametrize(("kwargs", "code", "text"), [
    ({"name": "a b", "role": "hq"}, "bad_name", "not a valid user name"),
    ({"name": "x" * 65, "role": "hq"}, "bad_name", "not a valid user name"),
    ({"name": "zhang", "role": "boss"}, "bad_role", "unknown role “boss”; choose one of: hq"),
    ({"name": "zhang", "role": "branch"}, "need_branch", "needs --branch"),
    ({"name": "zhang", "role": "regional"}, "need_region", "needs --region"),
    ({"name": "zhang", "role": "hq", "password": "short"}, "short_password", "at least 8"),
    ({"name": "zhang", "role": "hq", "email": "nope"}, "bad_email", "not an e-mail"),
    ({"name": "WANG", "role": "hq"}, "exists", "user “wang” already exists"),
], ids=["space", "long", "role", "branch", "region", "password", "email", "exists"])
def test_add_refuses_bad_input_with_a_message(store, kwargs, code, text):
    with pytest.raises(UserError, match=text) as info:
        store.add(**kwargs)
    assert info.value.code == code
    assert info.value.message("zh") != info.value.message("en")


def test_chinese_names_are_valid(tmp_path):
    store = UserStore(tmp_path, hasher=FAST)
    assert store.add("张伟", role="viewer").name == "张伟"


def test_changes(store):
    store.set_role("li", "regional", region="华北")
    assert store.user("li").scope.regions == ("华北",)
    with pytest.raises(UserError, match="needs --branch"):
        store.set_role("wang", "branch")  # wang has no branch
    store.disable("li")
    assert store.get("li").disabled and store.user("li") is None
    store.enable("li")
    assert store.user("li") is not None
    with pytest.raises(UserError, match="no user “nobody”"):
        store.disable("nobody")


def test_password_change(store):
    store.set_password("li", "new-password-2")
    assert not store.authenticate("li", "branch-pass-1", now=T0).ok
    assert store.authenticate("li", "new-password-2", now=T0).ok
    with pytest.raises(UserError, match="too short"):
        store.set_password("li", "1234567")


def test_authenticate(store):
    ok = store.authenticate("LI", "branch-pass-1", now=T0)
    assert ok.ok and ok.user.name == "li" and ok.message("en") == ""
    bad = store.authenticate("li", "branch-pass-X", now=T0)
    unknown = store.authenticate("ghost", "whatever-pass", now=T0)
    # an unknown name and a wrong password look the same
    assert (bad.reason, unknown.reason) == ("invalid", "invalid")
    assert bad.message("en") == unknown.message("en") == "Wrong user name or password."
    assert bad.message("zh") == "用户名或密码错误。"


def test_disabled_user_is_told_only_with_the_right_password(store):
    store.disable("li")
    assert store.authenticate("li", "wrong-password", now=T0).reason == "invalid"
    result = store.authenticate("li", "branch-pass-1", now=T0)
    assert result.reason == "disabled" and result.user is None
    assert "disabled" in result.message("en") and "停用" in result.message("zh")


def test_oidc_only_user_has_no_password_and_cannot_use_the_form(store):
    store.add("chen", role="viewer", email="Chen@Example.com")
    assert store.by_email("chen@example.COM").name == "chen"
    assert store.by_email("other@example.com") is None
    assert not store.get("chen").has_password
    assert store.authenticate("chen", "", now=T0).reason == "invalid"
    with pytest.raises(UserError, match="already belongs to user “chen”"):
        store.add("chen2", role="viewer", email="chen@example.com")


def test_five_failures_lock_the_name_even_for_the_right_password(store):
    results = [store.authenticate("li", f"wrong-{i}-xxxx", now=T0 + i) for i in range(5)]
    assert [r.reason for r in results] == ["invalid"] * 4 + ["locked"]
    locked = store.authenticate("li", "branch-pass-1", now=T0 + 10)
    assert locked.reason == "locked" and locked.user is None
    assert locked.retry_at == T0 + 4 + 15 * 60
    # T0 + 4 + 900 s = 15:21:44 UTC; 890 s left -> 15 min
    assert locked.message("en") == ("Too many failed sign-ins. Try again after 15:21 UTC "
                                    "(in 15 min).")
    assert locked.message("zh") == "登录失败次数过多。请在 UTC 15:21 之后（15 分钟后）再试。"
    # another user is not affected; after the lockout the right password works again
    assert store.authenticate("wang", "hq-password-1", now=T0 + 10).ok
    assert store.authenticate("li", "branch-pass-1", now=T0 + 4 + 15 * 60 + 1).ok
    assert store.failures("li", now=T0 + 4 + 15 * 60 + 1) == 0  # a good sign-in clears them


def test_failures_spread_beyond_the_window_do_not_lock(store):
    for i in range(8):  # one failure every 4 minutes: never 5 within 15 minutes
        assert store.authenticate("li", "wrong-password", now=T0 + i * 240).reason == "invalid"


def test_the_throttle_is_shared_by_every_store_on_the_folder(store, tmp_path):
    for i in range(5):
        store.authenticate("li", "wrong-password", now=T0 + i)
    other = UserStore(tmp_path, hasher=FAST)  # another session or process
    assert other.authenticate("li", "branch-pass-1", now=T0 + 6).reason == "locked"


def test_per_client_limit_stops_one_client_trying_many_names(tmp_path):
    store = UserStore(tmp_path, hasher=FAST, policy=ThrottlePolicy(client_max_failures=6))
    store.add("wang", role="hq", password="hq-password-1")
    for i in range(6):
        assert store.authenticate(f"guess{i}", "pw-guess-xx", now=T0 + i,
                                  client="10.1.2.3").reason in ("invalid", "locked")
    assert store.authenticate("wang", "hq-password-1", now=T0 + 7,
                              client="10.1.2.3").reason == "locked"
    assert store.authenticate("wang", "hq-password-1", now=T0 + 7, client="10.9.9.9").ok


def _fail_many(folder: str, n: int) -> None:
    store = UserStore(folder, hasher=FAST, policy=ThrottlePolicy(max_failures=1000))
    for i in range(n):
        store.authenticate("li", "wrong-password", now=T0 + i * 0.001)


def test_concurrent_failures_are_all_counted(store, tmp_path):
    threads = [threading.Thread(target=_fail_many, args=(str(tmp_path), 10)) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_fail_many, args=(str(tmp_path), 10)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    raw = json.loads((tmp_path / FAILURES_FILE).read_text())
    # each write keeps the newest `limit` (1000) failures: none of the 50 was lost
    assert len(raw["failures"]["user:li"]) == 50


def test_concurrent_adds_lose_no_user(tmp_path):
    def add(prefix: str) -> None:
        store = UserStore(tmp_path, hasher=FAST)
        for i in range(8):
            store.add(f"{prefix}{i}", role="viewer")

    threads = [threading.Thread(target=add, args=(p,)) for p in "abc"]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(UserStore(tmp_path).list()) == 24


def test_an_old_hash_is_upgraded_at_sign_in(tmp_path):
    UserStore(tmp_path, hasher=FAST).add("wang", role="hq", password="hq-password-1")
    old = UserStore(tmp_path).get("wang").password_hash
    strong = UserStore(tmp_path)  # argon2's default parameters
    assert strong.hasher.check_needs_rehash(old)
    assert strong.authenticate("wang", "hq-password-1", now=T0).ok
    new = strong.get("wang").password_hash
    assert new != old and not strong.hasher.check_needs_rehash(new)
    assert strong.authenticate("wang", "hq-password-1", now=T0).ok


def test_a_damaged_user_file_is_an_error_not_open_mode(tmp_path):
    (tmp_path / USERS_FILE).write_text("{not json")
    with pytest.raises(UserError, match="cannot be read"):
        UserStore(tmp_path).has_users()


def test_result_message_for_locked_without_time():
    assert AuthResult("invalid").message("en") == "Wrong user name or password."


@pytest.mark.parametrize(("last_seen", "now", "timeout", "expired"), [
    (None, T0, 1800, False),
    (T0, T0 + 1800, 1800, False),
    (T0, T0 + 1801, 1800, True),
    (T0, T0 + 10_000, 0, False),
], ids=["never-seen", "at-limit", "past-limit", "off"])
def test_session_expired(last_seen, now, timeout, expired):
    assert session_expired(last_seen, now, timeout) is expired


# --------------------------------------------------------------------------- timing oracle


class CountingHasher(PasswordHasher):
    """A PasswordHasher that counts its hash and verify calls."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = {"hash": 0, "verify": 0}

    def hash(self, password, *, salt=None):
        self.calls["hash"] += 1
        return super().hash(password, salt=salt)

    def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
        self.calls["verify"] += 1
        return super().verify(hash, password)


def test_an_unknown_name_costs_one_verification_like_a_known_one(tmp_path):
    hasher = CountingHasher(time_cost=1, memory_cost=1024, parallelism=1)
    lenient = ThrottlePolicy(max_failures=1000, client_max_failures=1000)
    setup = UserStore(tmp_path, hasher=hasher, policy=lenient)
    setup.add("li", role="branch", branch="北京朝阳", password="branch-pass-1")
    setup.add("chen", role="viewer", email="chen@example.com")  # OIDC only: no password
    setup.authenticate("warm-up", "whatever-pass", now=T0)  # the dummy hash may be made once
    for name in ("ghost", "nobody", "chen", "li"):
        for i in range(3):
            hasher.calls.update(hash=0, verify=0)
            # the app opens a new store for every attempt
            store = UserStore(tmp_path, hasher=hasher, policy=lenient)
            assert store.authenticate(name, f"wrong-pass-{i}", now=T0 + i).reason == "invalid"
            assert hasher.calls == {"hash": 0, "verify": 1}, (name, i)


def test_unknown_and_known_names_take_the_same_time(tmp_path):
    import statistics
    import time

    # costly enough that the hash dominates the bookkeeping (files, lock)
    hasher = PasswordHasher(time_cost=2, memory_cost=16 * 1024, parallelism=1)
    lenient = ThrottlePolicy(max_failures=1000, client_max_failures=1000)
    UserStore(tmp_path, hasher=hasher, policy=lenient).add(
        "li", role="branch", branch="北京朝阳", password="branch-pass-1")

    def attempt(name: str, i: int) -> float:
        store = UserStore(tmp_path, hasher=hasher, policy=lenient)
        start = time.perf_counter()
        assert store.authenticate(name, "wrong-password", now=T0 + i).reason == "invalid"
        return time.perf_counter() - start

    attempt("warm-up", 0)
    known, unknown = [], []
    for i in range(7):  # interleaved, so that machine load hits both alike
        known.append(attempt("li", i))
        unknown.append(attempt(f"ghost{i}", i))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.6 < ratio < 1.6, (ratio, known, unknown)


def test_one_attempt_left_is_announced(store):
    results = [store.authenticate("li", f"wrong-{i}-xxxx", now=T0 + i) for i in range(4)]
    assert [r.attempts_left for r in results] == [4, 3, 2, 1]
    assert [bool(r.warning("en")) for r in results] == [False, False, False, True]
    assert results[-1].warning("en") == ("One attempt left before this name is locked for "
                                         "15 minutes.")
    assert results[-1].warning("zh") == "再失败一次，该用户名将被锁定 15 分钟。"
    assert store.authenticate("li", "wrong-5-xxxx", now=T0 + 5).warning("en") == ""


@pytest.mark.parametrize(("zone", "en", "zh"), [
    ({"tz": "Asia/Shanghai"},
     "Too many failed sign-ins. Try again after 23:21 (your time, in 15 min).",
     "登录失败次数过多。请在 23:21（您的本地时间，15 分钟后）之后再试。"),
    ({"tz": None, "offset_minutes": -480},  # JavaScript: minutes behind UTC
     "Too many failed sign-ins. Try again after 23:21 (your time, in 15 min).",
     "登录失败次数过多。请在 23:21（您的本地时间，15 分钟后）之后再试。"),
    ({"tz": "America/New_York"},
     "Too many failed sign-ins. Try again after 11:21 (your time, in 15 min).",
     "登录失败次数过多。请在 11:21（您的本地时间，15 分钟后）之后再试。"),
    ({"tz": "Not/AZone"},
     "Too many failed sign-ins. Try again after 15:21 UTC (in 15 min).",
     "登录失败次数过多。请在 UTC 15:21 之后（15 分钟后）再试。"),
], ids=["shanghai", "offset-only", "new-york-dst", "unknown-zone-utc"])
def test_lockout_time_in_the_viewers_zone(zone, en, zh):
    locked = AuthResult("locked", retry_at=T0 + 4 + 15 * 60, now=T0 + 10)
    assert locked.message("en", **zone) == en
    assert locked.message("zh", **zone) == zh
