"""Who is using the app: sign-in, sign-out, the idle timeout, rights and the audit trail.

:func:`gate` runs in ``app.py`` before the navigation. It follows the mode that
:func:`ui.identity.mode` reads from the secrets and the users file:

- ``oidc``: ``[auth]`` is configured in ``.streamlit/secrets.toml``; Streamlit's
  ``st.login`` signs the user in with the company's identity provider and the
  e-mail in ``st.user`` is mapped to a local user record (role and scope);
  unknown e-mails are refused with a message.
- ``local``: users exist in the workspace (``python -m segmentation users add``);
  a name and password form, throttled per name and per client.
- ``open``: no users: everyone is the open-mode HQ user and every page shows a
  banner saying so.

Only :func:`gate` calls :func:`ui.identity.sign_in`. Pages ask
:func:`permission` for a control's ``disabled`` / ``help`` and :func:`allowed`
right before acting, and record what they did with :func:`record`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from datetime import UTC, datetime

import streamlit as st

from segmentation import i18n
from segmentation.access import Role, User
from segmentation.audit import ACTIONS, AuditLog
from segmentation.export import to_csv_bytes
from segmentation.proxies import UVICORN_DEFAULT, TrustedProxies, client_address
from segmentation.textsafe import md
from segmentation.users import DEFAULT_IDLE_TIMEOUT_S, UserError, session_expired
from ui import identity
from ui import source as sources
from ui.language import language_switch
from ui.state import state


def _lang() -> str:
    return state().sidebar.lang


def audit_log() -> AuditLog:
    return AuditLog(sources.workspace().folder)


def idle_timeout_s() -> float:
    """Idle time before sign-out: ``[access] idle_minutes`` in secrets.toml, else the
    ``SEG_IDLE_MINUTES`` environment variable, else 30 minutes; 0 turns it off."""
    value = None
    try:
        value = st.secrets.get("access", {}).get("idle_minutes")
    except Exception:  # noqa: BLE001 - no secrets file
        value = None
    if value is None:
        value = os.environ.get("SEG_IDLE_MINUTES")
    try:
        return float(value) * 60 if value is not None else float(DEFAULT_IDLE_TIMEOUT_S)
    except (TypeError, ValueError):
        return float(DEFAULT_IDLE_TIMEOUT_S)


def role_label(user: User, lang: str | None = None) -> str:
    return i18n.t(f"auth.role.{user.role.value}", lang or _lang())


# --------------------------------------------------------------------------- rights


def permission(right: str, user: User | None = None) -> tuple[bool, str | None]:
    """``(allowed, reason)`` for a control: ``disabled=not allowed, help=reason``."""
    user = user or identity.current_user()
    if user.can(right):
        return True, None
    return False, i18n.t(f"auth.denied.{right}", _lang(), role=role_label(user))


def allowed(right: str, *, show: bool = True) -> bool:
    """Check ``right`` right before acting (a disabled button can still be triggered by a
    crafted request); shows the reason when refused and ``show``."""
    user = identity.current_user()
    # the record as it is now: the role may have changed since the page was drawn
    if not user.open_mode and identity.mode() != "open":
        user = identity.users().user(user.name) or User(user.name, Role.VIEWER, branch="\x00none")
    ok, reason = permission(right, user)
    if not ok and show:
        st.error(reason, icon=":material/block:")
    return ok


# --------------------------------------------------------------------------- audit


def may_overwrite_preset(name: str, default: str | None) -> bool:
    """Saving a preset under ``name``: open to every role, except over the default preset
    (every user's starting point), which needs ``save_default_preset``; shows the reason
    when refused."""
    if default is None or name.strip() != default:
        return True
    return allowed("save_default_preset")


def record(action: str, user: User | str | None = None, **details: object) -> None:
    """Append ``action`` by ``user`` (default: the signed-in user) to the audit log."""
    log = audit_log()
    log.append(action, user if user is not None else identity.current_user(),
               at=datetime.now(UTC), **details)


def audited(data, *, log: AuditLog, user: User, what: str, rows=None):
    """A ``data`` callable for ``st.download_button`` that records the export when the
    browser fetches the file.

    Streamlit runs such a callable outside the script (no session state), so
    everything it needs is bound here. ``rows`` is a count, a callable giving it,
    or ``None``.
    """

    def produce():
        payload = data() if callable(data) else data
        n = rows() if callable(rows) else rows
        details = {"what": what} | ({"rows": int(n)} if n is not None else {})
        log.append("export", user, at=datetime.now(UTC), **details)
        return payload

    return produce


def download_button(container, label: str, data, *, file_name: str, what: str | None = None,
                    rows=None, **kwargs):
    """``container.download_button`` whose download is written to the audit log.

    ``data`` may be bytes or a callable (built only when clicked); the page does
    not rerun on a download (``on_click="ignore"``).
    """
    kwargs.setdefault("on_click", "ignore")
    return container.download_button(
        label, audited(data, log=audit_log(), user=identity.current_user(),
                       what=what or file_name, rows=rows),
        file_name=file_name, **kwargs)


def audit_panel() -> None:
    """The audit log for signed-in users with ``see_audit`` (Data page): filters, table, CSV."""
    lang = _lang()
    user = identity.current_user()
    if user.open_mode or not user.can("see_audit"):  # open mode: nobody to hold to account
        return
    with st.expander(i18n.t("audit.title", lang), icon=":material/policy:"):
        st.caption(i18n.t("audit.help", lang))
        frame = audit_log().read()
        if frame.empty:
            st.info(i18n.t("audit.empty", lang))
            return
        c1, c2 = st.columns(2)
        users = c1.multiselect(i18n.t("audit.filter.users", lang),
                               sorted(set(frame["user"]) - {""}), key="audit_users")
        actions = c2.multiselect(i18n.t("audit.filter.actions", lang), sorted(ACTIONS),
                                 key="audit_actions",
                                 format_func=lambda a: i18n.t(f"audit.action.{a}", lang))
        shown = frame
        if users:
            shown = shown[shown["user"].isin(users)]
        if actions:
            shown = shown[shown["action"].isin(actions)]
        shown = shown.assign(
            time=shown["time"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            action=shown["action"].map(
                lambda a: i18n.t(f"audit.action.{a}", lang) if i18n.has(f"audit.action.{a}")
                else a))
        st.caption(i18n.t("audit.shown", lang, n=i18n.fmt_int(len(shown), lang),
                          total=i18n.fmt_int(len(frame), lang)))
        st.dataframe(shown, hide_index=True, key="audit_table", column_config={
            c: i18n.t(f"audit.col.{c}", lang) for c in shown.columns})
        download_button(st, i18n.t("audit.download", lang), lambda: to_csv_bytes(shown),
                        file_name="audit_log.csv", mime="text/csv", key="audit_download",
                        rows=len(shown))


# --------------------------------------------------------------------------- signing in


def trusted_proxies() -> TrustedProxies:
    """The proxies whose ``X-Forwarded-For`` is believed: ``[access] trusted_proxies`` in
    secrets.toml (a list of addresses and CIDR networks), else ``SEG_TRUSTED_PROXIES``
    (comma-separated); none by default."""
    value = None
    try:
        value = (st.secrets.get("access") or {}).get("trusted_proxies")
    except Exception:  # noqa: BLE001 - no secrets file
        value = None
    if value is None:
        value = os.environ.get("SEG_TRUSTED_PROXIES")
    return TrustedProxies.parse(value)


def _connection() -> tuple[str | None, list[str]]:
    """``(address the server reports, X-Forwarded-For values)`` of this session."""
    try:
        return st.context.ip_address, list(st.context.headers.get_all("X-Forwarded-For"))
    except Exception:  # noqa: BLE001 - no client context (tests)
        return None, []


def _client() -> str:
    """The client a failure is counted against: the socket peer, or the client a listed
    proxy forwarded (see :mod:`segmentation.proxies`)."""
    reported, forwarded = _connection()
    # uvicorn (Streamlit's server) trusts these hosts' X-Forwarded-For by itself
    server = TrustedProxies.parse(os.environ.get("FORWARDED_ALLOW_IPS", UVICORN_DEFAULT))
    return client_address(reported, forwarded, trusted=trusted_proxies(), server_trusted=server)


def _viewer_zone() -> dict:
    """The browser's time zone, for times shown on the sign-in form."""
    try:
        return {"tz": st.context.timezone, "offset_minutes": st.context.timezone_offset}
    except Exception:  # noqa: BLE001 - no browser context
        return {}


def _signed_in(user: User, method: str) -> None:
    identity.sign_in(user)
    auth = state().auth
    auth.last_seen, auth.error, auth.notice = time.time(), None, None
    record("sign_in", user, method=method)


def sign_out(notice: str = "signed_out", reason: str = "button") -> None:
    """Sign the session out (and say why on the sign-in page)."""
    user = identity.current_user() if identity.is_signed_in() else None
    identity.sign_out()
    state().auth.last_seen, state().auth.notice = None, notice
    if user is not None:
        record("sign_out", user, reason=reason)


def _try_password() -> None:
    """Form callback: check the name and password, then forget the typed password."""
    widgets = st.session_state
    name = str(widgets.get("auth_name") or "").strip()
    password = str(widgets.get("auth_password") or "")
    widgets["auth_password"] = ""
    if not name or not password:
        state().auth.error = {"key": "auth.empty"}
        return
    result = identity.users().authenticate(name, password, now=time.time(), client=_client())
    if result.ok:
        _signed_in(result.user, "password")
        return
    state().auth.error = {"result": result}
    record("sign_in_failed", name, reason=result.reason)


def _notice(lang: str) -> None:
    notice = state().auth.notice
    if notice == "idle":
        st.info(i18n.t("auth.idle", lang, minutes=round(idle_timeout_s() / 60)),
                icon=":material/schedule:")
    elif notice == "revoked":
        st.warning(i18n.t("auth.revoked", lang))
    elif notice == "signed_out":
        st.info(i18n.t("auth.signed_out", lang))


def _password_page() -> None:
    lang = language_switch()
    identity.users().warm_up()  # the dummy hash exists before the first unknown name is tried
    st.title(i18n.t("auth.title", lang))
    st.caption(i18n.t("auth.intro", lang))
    _notice(lang)
    with st.form("auth_form", border=True, width=420):
        st.text_input(i18n.t("auth.name", lang), key="auth_name", max_chars=64,
                      autocomplete="username")
        st.text_input(i18n.t("auth.password", lang), key="auth_password", type="password",
                      max_chars=256, autocomplete="current-password")
        st.form_submit_button(i18n.t("auth.submit", lang), type="primary", key="auth_submit",
                              on_click=_try_password)
    error = state().auth.error
    if error:
        result = error.get("result")
        text = (result.message(lang, **_viewer_zone()) if result is not None
                else i18n.t(error["key"], lang))
        st.error(md(text), icon=":material/lock:")
        if result is not None and result.warning(lang):
            st.warning(md(result.warning(lang)), icon=":material/warning:")


def _providers(section: Mapping) -> list[str | None]:
    """``[None]`` for one provider in ``[auth]`` itself, else the named ``[auth.<name>]``."""
    named = [k for k, v in section.items() if isinstance(v, Mapping)]
    return [None] if "client_id" in section or not named else named


def _oidc_user() -> tuple[User | None, str | None, str]:
    """``(user, problem, email)`` for the ``st.user`` logged in with the identity provider:
    the local user whose e-mail it is, or the message key saying why there is none."""
    info = st.user
    email = str(info.get("email") or "").strip()
    if not email:
        return None, "auth.oidc.no_email", email
    if info.get("email_verified") is False:
        return None, "auth.oidc.unverified", email
    found = identity.users().by_email(email)
    if found is None:
        return None, "auth.oidc.unknown", email
    if found.disabled:
        return None, "auth.oidc.disabled", email
    return found.to_user(), None, email


def _oidc_page() -> None:
    """The identity provider's sign-in button, or why the account it signed in is refused."""
    lang = language_switch()
    st.title(i18n.t("auth.title", lang))
    if st.user.get("is_logged_in"):
        user, problem, email = _oidc_user()
        if user is not None:  # signed out of this session, still known to the provider
            _notice(lang)
            if st.button(i18n.t("auth.oidc.button", lang), key="auth_oidc_again",
                         type="primary"):
                state().auth.notice = None
                st.rerun()
            return
        st.error(i18n.t(problem, lang, email=md(email)), icon=":material/lock:")
        if not state().auth.oidc_failed:
            state().auth.oidc_failed = True
            record("sign_in_failed", email or "?", reason=problem.rsplit(".", 1)[-1],
                   method="oidc")
        if st.button(i18n.t("auth.oidc.other_account", lang), key="auth_oidc_logout"):
            state().auth.oidc_failed = False
            st.logout()
        return
    st.caption(i18n.t("auth.oidc.intro", lang))
    _notice(lang)
    section = identity.auth_section() or {}
    for provider in _providers(section):
        label = (i18n.t("auth.oidc.button", lang) if provider is None
                 else i18n.t("auth.oidc.provider", lang, provider=provider))
        if st.button(label, key=f"auth_login_{provider or 'default'}", type="primary"):
            if provider:
                st.login(provider)
            else:
                st.login()


def _show_only(page_fn, pages) -> None:
    """Run ``page_fn`` (the sign-in page) at the URL of every page of ``pages`` and stop.

    Each page keeps its URL, so a deep link shows the sign-in form and, once
    signed in, the page that was asked for.
    """
    flat = [p for group in (pages.values() if isinstance(pages, Mapping) else [pages])
            for p in group]
    stand_ins = [st.Page(page_fn, title=p.title, icon=p.icon or None,
                         url_path=p._url_path, default=p._default)  # noqa: SLF001
                 for p in flat]
    st.navigation(stand_ins, position="hidden").run()
    st.stop()


def gate(pages) -> User:
    """The user of this run; draws the sign-in page and stops the run when nobody is.

    Call once per run in ``app.py`` just before ``st.navigation(pages)``, with the same
    ``pages`` (a list of :class:`st.Page`, or sections of them).
    """
    try:
        current_mode = identity.mode()
    except UserError:  # a damaged users file: nobody gets in, and nobody runs open
        st.error(i18n.t("auth.users_broken", _lang()), icon=":material/error:")
        st.stop()
    if current_mode == "open":
        user = identity.current_user()  # the open-mode user (nobody signs in without users)
        if user.open_mode:
            with st.container(key="auth_open_banner"):
                st.markdown(":orange-background[:material/lock_open: "
                            + i18n.t("auth.open_banner", _lang()) + "]")
        return user
    now = time.time()
    if identity.is_signed_in():
        user = identity.current_user()
        if session_expired(state().auth.last_seen, now, idle_timeout_s()):
            sign_out("idle", reason="idle")
            if current_mode == "oidc":
                st.logout()
        else:
            fresh = identity.users().user(user.name)  # role changes apply at once
            if fresh is None:
                sign_out("revoked", reason="disabled")
            else:
                if fresh != user:
                    identity.sign_in(fresh)
                state().auth.last_seen = now
                return fresh
    if current_mode == "oidc":
        if st.user.get("is_logged_in") and not state().auth.notice:
            user, _, _ = _oidc_user()
            if user is not None:
                _signed_in(user, "oidc")
                return user
        _show_only(_oidc_page, pages)
    _show_only(_password_page, pages)
    raise AssertionError("unreachable")  # st.stop() above


def render_sidebar(user: User) -> None:
    """Who is signed in, with the role, and the sign-out button (nothing in open mode)."""
    if user.open_mode:
        return
    lang = _lang()
    bar = st.sidebar.container(key="auth_user_box", border=True)
    name = user.display_name or user.name
    bar.markdown(i18n.t("auth.signed_in_as", lang, name=md(name),
                       role=role_label(user, lang)))
    if user.branch and user.role.value in ("branch", "viewer"):
        bar.caption(i18n.t("auth.scope.branch", lang, value=md(user.branch)))
    elif user.region:
        bar.caption(i18n.t("auth.scope.region", lang, value=md(user.region)))
    bar.button(i18n.t("auth.sign_out", lang), key="auth_sign_out", icon=":material/logout:",
               on_click=_sign_out_clicked)


def _sign_out_clicked() -> None:
    sign_out()
    if identity.mode() == "oidc":
        st.logout()
