"""The audit log: who signed in, loaded, connected, exported or changed shared settings.

One JSON object per line in ``<workspace>/audit.jsonl`` (mode 0600)::

    {"time": "2025-06-30T08:15:02+00:00", "user": "wang", "role": "hq",
     "action": "export", "details": {"what": "tiers.csv", "rows": 1200}}

The file is append-only: every record is one ``write`` of a whole line with
``O_APPEND`` under :func:`segmentation.locking.file_lock`, so records of several
sessions and processes never interleave, and nothing ever rewrites the file.
Details are small scalars (what, how many rows, a label); anything that looks
like a secret (a key naming a password, token or secret) is refused, so a
careless caller cannot write one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from . import i18n
from .access import User
from .locking import file_lock
from .storage import private_folder

__all__ = ["ACTIONS", "AUDIT_FILE", "AuditLog", "format_details"]

AUDIT_FILE = "audit.jsonl"

#: what is recorded
ACTIONS: frozenset[str] = frozenset({
    "sign_in", "sign_in_failed", "sign_out", "load", "connect", "export", "preset_saved",
    "persona_changed", "campaign_saved",
})
#: longest text kept in a detail value
MAX_TEXT = 300
_SECRET_WORDS = ("password", "passwd", "secret", "token", "cookie", "hash", "credential")
#: columns of :meth:`AuditLog.read`
COLUMNS = ("time", "user", "role", "action", "details")

i18n.register({
    "audit.action.sign_in": {"en": "signed in", "zh": "登录"},
    "audit.action.sign_in_failed": {"en": "sign-in failed", "zh": "登录失败"},
    "audit.action.sign_out": {"en": "signed out", "zh": "退出登录"},
    "audit.action.load": {"en": "loaded data", "zh": "加载数据"},
    "audit.action.connect": {"en": "connected a database", "zh": "连接数据库"},
    "audit.action.export": {"en": "exported", "zh": "导出"},
    "audit.action.preset_saved": {"en": "saved a preset", "zh": "保存方案"},
    "audit.action.persona_changed": {"en": "changed persona names", "zh": "修改客群名称"},
    "audit.action.campaign_saved": {"en": "saved a campaign", "zh": "保存营销活动"},
})


def _is_secret_key(key: str) -> bool:
    low = key.lower()
    return any(word in low for word in _SECRET_WORDS)


def _clean_value(value: object) -> object:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if value == value else None  # NaN is not JSON
    if isinstance(value, str):
        return value[:MAX_TEXT]
    if isinstance(value, Mapping):
        return {str(k)[:60]: _clean_value(v) for k, v in list(value.items())[:20]
                if not _is_secret_key(str(k))}
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean_value(v) for v in list(value)[:50]]
    if hasattr(value, "item"):  # numpy scalars
        return _clean_value(value.item())
    return str(value)[:MAX_TEXT]


def _clean_details(details: Mapping[str, object]) -> dict[str, object]:
    out = {}
    for key, value in details.items():
        if _is_secret_key(str(key)):
            raise ValueError(f"audit details may not hold a secret ({key!r})")
        out[str(key)[:60]] = _clean_value(value)
    return out


def _utc(when: datetime) -> pd.Timestamp:
    ts = pd.Timestamp(when)
    return ts.tz_convert(UTC) if ts.tzinfo else ts.tz_localize(UTC)


def format_details(details: Mapping[str, object]) -> str:
    """``{"what": "tiers.csv", "rows": 12}`` → ``what=tiers.csv, rows=12`` (for the table)."""
    parts = []
    for key, value in details.items():
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, Mapping):
            value = json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}={value}")
    return "; ".join(parts)


class AuditLog:
    """The append-only audit log of a workspace folder.

    Parameters
    ----------
    folder : the workspace folder.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.path = self.folder / AUDIT_FILE

    def append(self, action: str, user: User | str | None, *, at: datetime,
               **details: object) -> dict:
        """Append one record; returns it.

        Parameters
        ----------
        action : one of :data:`ACTIONS`.
        user : who did it (a :class:`User`, or a bare name for a failed sign-in).
        at : when (timezone-aware; naive times are taken as UTC).
        details : small facts (``what=``, ``rows=``, ``name=`` ...); never a secret.

        Raises
        ------
        ValueError : an unknown action, or a detail named like a secret.
        """
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        when = at if at.tzinfo else at.replace(tzinfo=UTC)
        if isinstance(user, User):
            name, role = user.name, user.role.value
        else:
            name, role = str(user or "")[:80], ""
        record = {"time": when.astimezone(UTC).isoformat(timespec="seconds"),
                  "user": name, "role": role, "action": action,
                  "details": _clean_details(details)}
        line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode()
        private_folder(self.folder)
        with file_lock(self.path):
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    line = b"\n" + line  # after a crash mid-line: start a fresh one
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        return record

    def records(self) -> list[dict]:
        """Every record, oldest first; a damaged line (a crash mid-write) is skipped."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        out = []
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and "action" in record:
                out.append(record)
        return out

    def read(self, *, users: Iterable[str] = (), actions: Iterable[str] = (),
             since: datetime | None = None, until: datetime | None = None,
             limit: int | None = None) -> pd.DataFrame:
        """Records as a table, newest first, optionally filtered.

        Returns
        -------
        DataFrame with ``time`` (datetime64, UTC), ``user``, ``role``, ``action`` and
        ``details`` (text: ``what=...; rows=...``), at most ``limit`` rows.
        """
        users, actions = set(users), set(actions)
        rows = [r for r in self.records()
                if (not users or r.get("user") in users)
                and (not actions or r.get("action") in actions)]
        frame = pd.DataFrame({
            "time": pd.to_datetime([r.get("time") for r in rows], utc=True, errors="coerce"),
            "user": [str(r.get("user", "")) for r in rows],
            "role": [str(r.get("role", "")) for r in rows],
            "action": [str(r.get("action", "")) for r in rows],
            "details": [format_details(r.get("details") or {}) for r in rows],
        }, columns=list(COLUMNS))
        if since is not None:
            frame = frame[frame["time"] >= _utc(since)]
        if until is not None:
            frame = frame[frame["time"] <= _utc(until)]
        # stable: records of one second keep their file order, newest first
        frame = frame.iloc[::-1].sort_values("time", ascending=False, kind="stable")
        frame = frame.reset_index(drop=True)
        return frame.head(limit) if limit is not None else frame
