"""The append-only audit log."""

from __future__ import annotations

import json
import multiprocessing as mp
import stat
import threading
from datetime import UTC, datetime, timedelta

import pytest

from segmentation import i18n
from segmentation.access import Role, User
from segmentation.audit import ACTIONS, AUDIT_FILE, AuditLog, format_details

AT = datetime(2025, 6, 30, 8, 15, 2, tzinfo=UTC)
HQ = User("wang", Role.HQ)
LI = User("li", Role.BRANCH, branch="北京朝阳")


def test_append_writes_one_json_line_per_record(tmp_path):
    log = AuditLog(tmp_path)
    log.append("sign_in", HQ, at=AT, method="password")
    log.append("export", LI, at=AT + timedelta(minutes=1), what="tiers.csv", rows=120)
    lines = (tmp_path / AUDIT_FILE).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"time": "2025-06-30T08:15:02+00:00", "user": "wang", "role": "hq",
         "action": "sign_in", "details": {"method": "password"}},
        {"time": "2025-06-30T08:16:02+00:00", "user": "li", "role": "branch",
         "action": "export", "details": {"what": "tiers.csv", "rows": 120}},
    ]
    assert stat.S_IMODE((tmp_path / AUDIT_FILE).stat().st_mode) == 0o600


def test_appending_never_rewrites_earlier_records(tmp_path):
    log = AuditLog(tmp_path)
    log.append("load", HQ, at=AT, rows=10)
    first = (tmp_path / AUDIT_FILE).read_bytes()
    inode = (tmp_path / AUDIT_FILE).stat().st_ino
    log.append("load", HQ, at=AT, rows=11)
    after = (tmp_path / AUDIT_FILE).read_bytes()
    assert after.startswith(first) and (tmp_path / AUDIT_FILE).stat().st_ino == inode


def test_unknown_action_and_secret_details_are_refused(tmp_path):
    log = AuditLog(tmp_path)
    with pytest.raises(ValueError, match="unknown audit action"):
        log.append("drop_table", HQ, at=AT)
    with pytest.raises(ValueError, match="may not hold a secret"):
        log.append("connect", HQ, at=AT, password="hunter2")
    # a nested secret is dropped silently, the rest kept
    log.append("connect", HQ, at=AT, target={"host": "db", "password_hint": "x"})
    assert log.records()[0]["details"] == {"target": {"host": "db"}}
    assert "hunter2" not in (tmp_path / AUDIT_FILE).read_text()


def test_a_failed_sign_in_names_what_was_typed(tmp_path):
    log = AuditLog(tmp_path)
    log.append("sign_in_failed", "ghost", at=AT, reason="invalid")
    assert log.records()[0] == {"time": "2025-06-30T08:15:02+00:00", "user": "ghost",
                                "role": "", "action": "sign_in_failed",
                                "details": {"reason": "invalid"}}


def test_read_is_newest_first_and_filters(tmp_path):
    log = AuditLog(tmp_path)
    for i, (action, user) in enumerate([("sign_in", HQ), ("load", HQ), ("sign_in", LI),
                                        ("export", LI)]):
        log.append(action, user, at=AT + timedelta(minutes=i), rows=i)
    frame = log.read()
    assert list(frame.columns) == ["time", "user", "role", "action", "details"]
    assert list(frame["action"]) == ["export", "sign_in", "load", "sign_in"]
    assert frame["details"].iloc[0] == "rows=3"
    assert list(log.read(users=["li"])["action"]) == ["export", "sign_in"]
    assert list(log.read(actions=["sign_in"])["user"]) == ["li", "wang"]
    since = log.read(since=AT + timedelta(minutes=2))
    assert list(since["action"]) == ["export", "sign_in"]
    assert len(log.read(until=datetime(2025, 6, 30, 8, 16, 2))) == 2  # naive = UTC
    assert len(log.read(limit=1)) == 1


def test_same_second_records_keep_file_order_newest_first(tmp_path):
    log = AuditLog(tmp_path)
    log.append("sign_in", HQ, at=AT)
    log.append("sign_out", HQ, at=AT)
    assert list(log.read()["action"]) == ["sign_out", "sign_in"]


def test_empty_and_damaged_logs(tmp_path):
    log = AuditLog(tmp_path)
    assert log.read().empty and list(log.read().columns)[0] == "time"
    log.append("load", HQ, at=AT)
    with open(tmp_path / AUDIT_FILE, "a", encoding="utf-8") as fh:
        fh.write('{"time": "2025-06-30T08:15')  # a crash mid-line
    log.append("sign_out", HQ, at=AT)  # starts a line of its own
    assert [r["action"] for r in log.records()] == ["load", "sign_out"]


def _append_many(folder: str, tag: str, n: int) -> None:
    log = AuditLog(folder)
    for i in range(n):
        log.append("export", User(tag, Role.HQ), at=AT, what="x" * 200, rows=i)


def test_concurrent_writers_never_interleave(tmp_path):
    threads = [threading.Thread(target=_append_many, args=(str(tmp_path), t, 40))
               for t in ("a", "b", "c")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(str(tmp_path), t, 40)) for t in "de"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    lines = (tmp_path / AUDIT_FILE).read_text().splitlines()
    assert len(lines) == 200
    records = [json.loads(line) for line in lines]  # every line is whole JSON
    assert {u: sum(r["user"] == u for r in records) for u in "abcde"} == dict.fromkeys("abcde", 40)


def test_format_details():
    assert format_details({"what": "tiers.csv", "rows": 12, "tiers": ["gold", "silver"]}) \
        == "what=tiers.csv; rows=12; tiers=gold, silver"


def test_every_action_has_a_label_in_both_languages():
    for action in ACTIONS:
        assert i18n.t(f"audit.action.{action}", "en") != i18n.t(f"audit.action.{action}", "zh")
