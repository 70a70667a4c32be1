"""Local users of the dashboard: who they are, their role and scope, their password.

Users live in the workspace folder, next to the dataset::

    users.json             {"version": 1, "users": {"<name>": {...}}}   (mode 0600)
    signin_failures.json   recent failed sign-ins per user and per client (mode 0600)

Passwords are hashed with Argon2id (``argon2-cffi``'s :class:`PasswordHasher`);
a hash made with older parameters is replaced at the next good sign-in. Every
change is a read-modify-write under :func:`segmentation.locking.file_lock` and
an atomic replace, so several app sessions and CLI runs share the files.

Repeated failures are throttled: after :attr:`ThrottlePolicy.max_failures`
failures for one name within :attr:`ThrottlePolicy.window_s`, that name is
refused (even with the right password) for :attr:`ThrottlePolicy.lockout_s`;
the same holds per client (address) with a higher limit, against one client
trying many names. The counts are kept in the workspace, so a new browser tab,
another session or a restarted server does not reset them.

The library never reads the clock: ``now`` (seconds since the epoch) is an argument.

>>> store = UserStore(tmp_folder)                                     # doctest: +SKIP
>>> store.add("wang", role="hq", password="correct horse")            # doctest: +SKIP
>>> store.authenticate("wang", "correct horse", now=time.time()).ok   # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from . import i18n
from .access import Role, User
from .locking import file_lock
from .storage import atomic_write

__all__ = [
    "DEFAULT_IDLE_TIMEOUT_S", "FAILURES_FILE", "MIN_PASSWORD_LENGTH", "USERS_FILE",
    "AuthResult", "ThrottlePolicy", "UserError", "UserRecord", "UserStore", "session_expired",
]

USERS_FILE = "users.json"
FAILURES_FILE = "signin_failures.json"
MIN_PASSWORD_LENGTH = 8
#: idle time after which a signed-in session is signed out (30 minutes)
DEFAULT_IDLE_TIMEOUT_S = 30 * 60
_VERSION = 1
#: user names: letters (any script), digits and . _ @ -, at most 64 characters
_NAME = re.compile(r"^[\w.@-]{1,64}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
#: distinct throttle keys kept at most (oldest dropped), so junk names cannot grow the file
_MAX_KEYS = 5000

i18n.register({
    "users.error.bad_name": {
        "en": "“{name}” is not a valid user name: use 1–64 letters, digits or . _ @ -",
        "zh": "“{name}” 不是有效的用户名：请使用 1–64 个字母、数字或 . _ @ -",
    },
    "users.error.bad_role": {
        "en": "unknown role “{role}”; choose one of: {roles}",
        "zh": "未知角色“{role}”；可选：{roles}",
    },
    "users.error.exists": {"en": "user “{name}” already exists",
                           "zh": "用户“{name}”已存在"},
    "users.error.unknown": {"en": "no user “{name}”", "zh": "没有用户“{name}”"},
    "users.error.need_branch": {
        "en": "a branch manager needs --branch (the branch whose customers the user sees)",
        "zh": "网点负责人需要指定 --branch（该用户可查看的网点）",
    },
    "users.error.need_region": {
        "en": "a regional lead needs --region (the region whose customers the user sees)",
        "zh": "区域负责人需要指定 --region（该用户可查看的区域）",
    },
    "users.error.short_password": {
        "en": "the password is too short: use at least {n} characters",
        "zh": "密码太短：至少需要 {n} 个字符",
    },
    "users.error.bad_email": {"en": "“{email}” is not an e-mail address",
                              "zh": "“{email}” 不是有效的电子邮件地址"},
    "users.error.email_taken": {"en": "the e-mail {email} already belongs to user “{name}”",
                                "zh": "电子邮件 {email} 已属于用户“{name}”"},
    "users.error.bad_file": {
        "en": "the user file {path} cannot be read ({reason}); fix or remove it",
        "zh": "无法读取用户文件 {path}（{reason}）；请修复或删除该文件",
    },
    "users.signin.invalid": {"en": "Wrong user name or password.",
                             "zh": "用户名或密码错误。"},
    "users.signin.disabled": {
        "en": "This account is disabled. Ask an HQ analyst to enable it.",
        "zh": "该账号已停用，请联系总部分析员启用。",
    },
    "users.signin.locked": {
        "en": "Too many failed sign-ins. Try again after {time} UTC (in {minutes} min).",
        "zh": "登录失败次数过多。请在 UTC {time} 之后（{minutes} 分钟后）再试。",
    },
    "users.signin.locked_local": {
        "en": "Too many failed sign-ins. Try again after {time} (your time, in {minutes} min).",
        "zh": "登录失败次数过多。请在 {time}（您的本地时间，{minutes} 分钟后）之后再试。",
    },
    "users.signin.last_attempt": {
        "en": "One attempt left before this name is locked for {minutes} minutes.",
        "zh": "再失败一次，该用户名将被锁定 {minutes} 分钟。",
    },
})


class UserError(i18n.LocalizedError):
    """A user cannot be added or changed; ``code`` names ``users.error.<code>``."""

    prefix = "users.error"


@dataclass(frozen=True)
class UserRecord:
    """One stored user. ``password_hash`` never leaves this module's files (not in repr)."""

    name: str
    role: Role
    region: str | None = None
    branch: str | None = None
    display_name: str = ""
    disabled: bool = False
    email: str | None = None
    password_hash: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    def to_user(self) -> User:
        """The :class:`~segmentation.access.User` the app and the CLI act as."""
        return User(self.name, self.role, region=self.region, branch=self.branch,
                    display_name=self.display_name or self.name)

    def public(self) -> dict:
        """The record without its password hash (for listings)."""
        out = asdict(self)
        out.pop("password_hash")
        out["role"] = self.role.value
        out["has_password"] = self.has_password
        return out


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures within ``window_s`` lock a name (or a client) for ``lockout_s``."""

    max_failures: int = 5
    client_max_failures: int = 20
    window_s: float = 15 * 60
    lockout_s: float = 15 * 60


@dataclass(frozen=True)
class AuthResult:
    """The outcome of :meth:`UserStore.authenticate`.

    ``reason`` is ``"ok"``, ``"invalid"`` (unknown name or wrong password: the two are
    not told apart), ``"disabled"`` (right password, disabled account) or ``"locked"``
    (throttled; ``retry_at`` says when to try again, seconds since the epoch).
    ``attempts_left`` counts the failures the name may still have before it is
    locked for ``lockout_s`` (``None`` when not counted).
    """

    reason: str
    user: User | None = None
    retry_at: float | None = None
    now: float | None = None
    attempts_left: int | None = None
    lockout_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.reason == "ok"

    def message(self, lang: str = i18n.DEFAULT_LANG, *, tz: str | None = None,
                offset_minutes: int | None = None) -> str:
        """What the sign-in form shows (empty on success).

        ``tz`` (an IANA name, ``st.context.timezone``) or else ``offset_minutes``
        (minutes *behind* UTC, as JavaScript's ``getTimezoneOffset`` and
        ``st.context.timezone_offset``) give the viewer's local time for the
        lockout's end; with neither, the time is given in UTC.
        """
        if self.ok:
            return ""
        if self.reason == "locked" and self.retry_at is not None:
            minutes = max(1, -(-int(self.retry_at - (self.now or self.retry_at)) // 60))
            zone = viewer_zone(tz, offset_minutes)
            if zone is None:
                at = datetime.fromtimestamp(self.retry_at, UTC).strftime("%H:%M")
                return i18n.t("users.signin.locked", lang, time=at, minutes=minutes)
            at = datetime.fromtimestamp(self.retry_at, zone).strftime("%H:%M")
            return i18n.t("users.signin.locked_local", lang, time=at, minutes=minutes)
        return i18n.t(f"users.signin.{self.reason}", lang)

    def warning(self, lang: str = i18n.DEFAULT_LANG) -> str:
        """The warning before the last attempt (empty unless exactly one is left)."""
        if self.reason != "invalid" or self.attempts_left != 1:
            return ""
        minutes = round((self.lockout_s or ThrottlePolicy.lockout_s) / 60)
        return i18n.t("users.signin.last_attempt", lang, minutes=minutes)


def viewer_zone(tz: str | None, offset_minutes: int | None = None):
    """The viewer's time zone from the browser's IANA name, else its UTC offset
    (minutes behind UTC); ``None`` when neither is usable."""
    if tz:
        try:
            return ZoneInfo(str(tz))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if offset_minutes is not None:
        try:
            minutes = int(offset_minutes)
        except (TypeError, ValueError):
            return None
        if abs(minutes) <= 18 * 60:
            return timezone(-timedelta(minutes=minutes))
    return None


def session_expired(last_seen: float | None, now: float,
                    timeout: float = DEFAULT_IDLE_TIMEOUT_S) -> bool:
    """Whether a session last active at ``last_seen`` has been idle for longer than ``timeout``.

    A session never seen (``None``) has not expired; ``timeout <= 0`` turns the
    timeout off.
    """
    if last_seen is None or timeout <= 0:
        return False
    return now - last_seen > timeout


_DUMMY_HASHES: dict[tuple, str] = {}
_DUMMY_LOCK = threading.Lock()


def dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a random secret with ``hasher``'s parameters, made once per process and
    parameter set; unknown and password-less names are checked against it, so that
    they cost one verification, the same as a known name with a wrong password."""
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len,
           hasher.salt_len, hasher.type)
    with _DUMMY_LOCK:
        if key not in _DUMMY_HASHES:
            _DUMMY_HASHES[key] = hasher.hash(secrets.token_hex(16))
        return _DUMMY_HASHES[key]


def normalize_name(name: str) -> str:
    """Names are matched case-insensitively and without surrounding spaces."""
    return str(name).strip().casefold()


def _check_name(name: str) -> str:
    key = normalize_name(name)
    if not _NAME.match(key):
        raise UserError("bad_name", name=str(name)[:80])
    return key


def _check_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise UserError("bad_role", role=str(role)[:40],
                        roles=", ".join(r.value for r in Role)) from None


def _check_scope(role: Role, region: str | None, branch: str | None) -> None:
    if role is Role.BRANCH and not branch:
        raise UserError("need_branch")
    if role is Role.REGIONAL and not region:
        raise UserError("need_region")


def _check_email(email: str | None) -> str | None:
    if email is None or not str(email).strip():
        return None
    value = str(email).strip().casefold()
    if not _EMAIL.match(value):
        raise UserError("bad_email", email=str(email)[:80])
    return value


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("short_password", n=MIN_PASSWORD_LENGTH)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    value = str(text).strip()
    return value or None


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; the file is mode 0600 from its first byte."""
    atomic_write(path, data, mode=0o600)


class UserStore:
    """The users of one workspace folder.

    Parameters
    ----------
    folder : the workspace folder (``segmentation.workspace.default_folder()``).
    hasher : an argon2 :class:`PasswordHasher` (tests pass a cheap one).
    policy : the sign-in throttle.
    """

    def __init__(self, folder: str | Path, *, hasher: PasswordHasher | None = None,
                 policy: ThrottlePolicy | None = None):
        self.folder = Path(folder)
        self.path = self.folder / USERS_FILE
        self.failures_path = self.folder / FAILURES_FILE
        self.hasher = hasher or PasswordHasher()
        self.policy = policy or ThrottlePolicy()

    # -- reading -------------------------------------------------------------
    def _read(self) -> dict[str, UserRecord]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            raise UserError("bad_file", path=str(self.path),
                            reason=type(err).__name__) from None
        try:
            return {key: UserRecord(name=key, **value)
                    for key, value in raw.get("users", {}).items()}
        except (TypeError, ValueError, AttributeError) as err:
            raise UserError("bad_file", path=str(self.path),
                            reason=type(err).__name__) from None

    def _write(self, users: dict[str, UserRecord]) -> None:
        body = {"version": _VERSION, "users": {}}
        for key in sorted(users):
            record = asdict(users[key])
            record.pop("name")
            record["role"] = users[key].role.value
            body["users"][key] = record
        write_private(self.path, json.dumps(body, ensure_ascii=False, indent=1).encode())

    def has_users(self) -> bool:
        """Whether any user is configured (no users: the app runs open)."""
        return bool(self._read())

    def list(self) -> list[UserRecord]:
        """Every user, by name."""
        users = self._read()
        return [users[k] for k in sorted(users)]

    def get(self, name: str) -> UserRecord | None:
        return self._read().get(normalize_name(name))

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def __iter__(self) -> Iterator[UserRecord]:
        return iter(self.list())

    def user(self, name: str) -> User | None:
        """The :class:`User` to act as for ``name`` (``None`` when unknown or disabled)."""
        record = self.get(name)
        if record is None or record.disabled:
            return None
        return record.to_user()

    def by_email(self, email: str) -> UserRecord | None:
        """The user whose e-mail is ``email`` (case-insensitive), for OIDC sign-ins."""
        wanted = str(email or "").strip().casefold()
        if not wanted:
            return None
        for record in self._read().values():
            if record.email and record.email == wanted:
                return record
        return None

    # -- changing ------------------------------------------------------------
    def _change(self, name: str, **changes) -> UserRecord:
        key = normalize_name(name)
        with file_lock(self.path):
            users = self._read()
            if key not in users:
                raise UserError("unknown", name=str(name)[:80])
            record = replace(users[key], **changes)
            _check_scope(record.role, record.region, record.branch)
            users[key] = record
            self._write(users)
        return record

    def add(self, name: str, *, role: Role | str, password: str | None = None,
            region: str | None = None, branch: str | None = None, display_name: str = "",
            email: str | None = None) -> UserRecord:
        """Add a user; ``password=None`` makes an account that signs in only through OIDC.

        Raises
        ------
        UserError : bad name, role, scope, e-mail or password, or the name exists.
        """
        key = _check_name(name)
        role = _check_role(role)
        region, branch = _clean(region), _clean(branch)
        _check_scope(role, region, branch)
        email = _check_email(email)
        password_hash = None
        if password is not None:
            _check_password(password)
            password_hash = self.hasher.hash(password)
        with file_lock(self.path):
            users = self._read()
            if key in users:
                raise UserError("exists", name=key)
            for other in users.values():
                if email and other.email == email:
                    raise UserError("email_taken", email=email, name=other.name)
            record = UserRecord(key, role, region=region, branch=branch,
                                display_name=(display_name or "").strip(), email=email,
                                password_hash=password_hash)
            users[key] = record
            self._write(users)
        return record

    def set_role(self, name: str, role: Role | str, *, region: str | None = None,
                 branch: str | None = None) -> UserRecord:
        """A new role (and, for the scoped roles, the region or branch it sees)."""
        role = _check_role(role)
        record = self.get(name)
        if record is None:
            raise UserError("unknown", name=str(name)[:80])
        region = _clean(region) if region is not None else record.region
        branch = _clean(branch) if branch is not None else record.branch
        return self._change(name, role=role, region=region, branch=branch)

    def set_password(self, name: str, password: str) -> UserRecord:
        _check_password(password)
        return self._change(name, password_hash=self.hasher.hash(password))

    def set_email(self, name: str, email: str | None) -> UserRecord:
        email = _check_email(email)
        for other in self._read().values():
            if email and other.email == email and other.name != normalize_name(name):
                raise UserError("email_taken", email=email, name=other.name)
        return self._change(name, email=email)

    def disable(self, name: str) -> UserRecord:
        return self._change(name, disabled=True)

    def enable(self, name: str) -> UserRecord:
        return self._change(name, disabled=False)

    # -- signing in ----------------------------------------------------------
    def authenticate(self, name: str, password: str, *, now: float,
                     client: str | None = None) -> AuthResult:
        """Check a name and password, counting failures per name and per ``client``.

        A throttled name or client is refused without looking at the password.
        A wrong password and an unknown name take the same time and give the
        same answer. A good sign-in clears the name's failures.
        """
        key = normalize_name(name)[:64] or "?"
        keys = [f"user:{key}"] + ([f"client:{client}"] if client else [])
        with file_lock(self.failures_path):
            failures = self._read_failures(now)
            retry = self._locked_until(failures, keys, now)
            if retry is not None:
                return AuthResult("locked", retry_at=retry, now=now)
            record = self._read().get(key)
            good = self._verify(record, password)
            if not good:
                for k in keys:
                    failures.setdefault(k, []).append(now)
                self._write_failures(failures)
                retry = self._locked_until(failures, keys, now)
                if retry is not None:
                    return AuthResult("locked", retry_at=retry, now=now)
                recent = [t for t in failures[keys[0]] if now - t <= self.policy.window_s]
                return AuthResult("invalid", now=now,
                                  attempts_left=max(0, self.policy.max_failures - len(recent)),
                                  lockout_s=self.policy.lockout_s)
            if failures.pop(f"user:{key}", None) is not None:
                self._write_failures(failures)
        if record.disabled:
            return AuthResult("disabled", now=now)
        if self.hasher.check_needs_rehash(record.password_hash):
            try:
                self._change(key, password_hash=self.hasher.hash(password))
            except UserError:  # removed meanwhile: the sign-in stands, the hash is moot
                pass
        return AuthResult("ok", user=record.to_user(), now=now)

    def failures(self, name: str, *, now: float) -> int:
        """Failed sign-ins of ``name`` within the window (for tests and the CLI)."""
        return len(self._read_failures(now).get(f"user:{normalize_name(name)}", []))

    def warm_up(self) -> None:
        """Compute the dummy hash now (the sign-in form calls this), so that not even the
        first unknown name of a process costs more than a known one."""
        dummy_hash(self.hasher)

    def _verify(self, record: UserRecord | None, password: str) -> bool:
        if record is None or not record.password_hash:
            # one verification, as for a known name: timing does not tell names apart
            try:
                self.hasher.verify(dummy_hash(self.hasher), password)
            except (VerificationError, InvalidHashError):
                pass
            return False
        try:
            return self.hasher.verify(record.password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def _read_failures(self, now: float) -> dict[str, list[float]]:
        """Failures still inside the window or still locking (older ones are dropped)."""
        try:
            raw = json.loads(self.failures_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        keep = max(self.policy.window_s, self.policy.lockout_s)
        out: dict[str, list[float]] = {}
        for key, times in raw.get("failures", {}).items():
            recent = [float(x) for x in times if now - float(x) <= keep]
            if recent:
                out[str(key)] = recent
        return out

    def _write_failures(self, failures: dict[str, list[float]]) -> None:
        if len(failures) > _MAX_KEYS:
            newest = sorted(failures, key=lambda k: max(failures[k]), reverse=True)
            failures = {k: failures[k] for k in newest[:_MAX_KEYS]}
        limit = max(self.policy.max_failures, self.policy.client_max_failures)
        body = {"version": _VERSION,
                "failures": {k: sorted(v)[-limit:] for k, v in failures.items()}}
        write_private(self.failures_path, json.dumps(body).encode())

    def _locked_until(self, failures: dict[str, list[float]], keys: list[str],
                      now: float) -> float | None:
        """When the latest lock among ``keys`` ends, or ``None`` when none is locked.

        A key is locked once it has ``max`` failures within ``window_s``; the lock
        lasts ``lockout_s`` from the failure that reached the limit.
        """
        p = self.policy
        until = None
        for key in keys:
            limit = p.client_max_failures if key.startswith("client:") else p.max_failures
            times = sorted(failures.get(key, []))
            for i in range(limit - 1, len(times)):
                if times[i] - times[i - limit + 1] <= p.window_s:
                    end = times[i] + p.lockout_s
                    if end > now and (until is None or end > until):
                        until = end
        return until
