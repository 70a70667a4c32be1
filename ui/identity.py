"""The signed-in user of this browser session.

The user lives on the session's state object (``state().auth.user``), which no
widget edits, so the browser cannot set it; only the sign-in code (``ui/auth.py``)
calls :func:`sign_in`.
With no users configured the app runs open: :func:`current_user` is the
open-mode HQ user and every page shows a banner saying so. Which mode the app
runs in (:func:`mode`) is decided here, in the session layer, from the secrets
and the workspace's users file; the sign-in forms (``ui/auth.py``) build on it.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from segmentation.access import OPEN_USER, User
from segmentation.users import UserError, UserStore
from ui import source as sources
from ui.state import state


def users() -> UserStore:
    """The users of the app's workspace."""
    return UserStore(sources.workspace().folder)


def auth_section() -> Mapping | None:
    """``[auth]`` of ``.streamlit/secrets.toml`` (``None`` without it)."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no or unreadable secrets file: no OIDC
        return None
    return section if section else None


def oidc_configured() -> bool:
    """Whether ``[auth]`` is set in ``.streamlit/secrets.toml`` (then ``st.login`` is used)."""
    return auth_section() is not None


def mode() -> str:
    """``"oidc"`` (``[auth]`` configured: the company's identity provider), ``"local"``
    (users exist in the workspace: name and password) or ``"open"`` (no users)."""
    if oidc_configured():
        return "oidc"
    return "local" if _has_users() else "open"


_USERS_SEEN: dict[str, tuple[tuple, bool]] = {}


def _has_users() -> bool:
    """``users().has_users()``, read again only when the users file changed."""
    found = users()
    try:
        st_ = found.path.stat()
        stamp = (st_.st_mtime_ns, st_.st_size, st_.st_ino)
    except FileNotFoundError:
        return False
    key = str(found.path)
    cached = _USERS_SEEN.get(key)
    if cached is None or cached[0] != stamp:
        cached = (stamp, found.has_users())
        _USERS_SEEN[key] = cached
    return cached[1]


def required() -> bool:
    """Whether a user must sign in (``False`` only in open mode; ``True`` when the users
    file cannot be read)."""
    try:
        return mode() != "open"
    except UserError:
        return True


def current_user() -> User:
    """The signed-in user, or the open-mode user when the app runs open.

    Anything in session state that is not a :class:`User` (a tampered value) is
    discarded and the session is treated as signed out. When sign-in is required
    and nobody is signed in (a page run outside the ``app.py`` gate), the run
    stops here: no page draws data for nobody.
    """
    signed_in = state().auth
    user = signed_in.user
    if isinstance(user, User):
        return user
    if user is not None:
        signed_in.user = None
    if required():  # fail closed: nobody signed in while sign-in is required
        st.stop()
    return OPEN_USER


def sign_in(user: User) -> None:
    state().auth.user = user


def sign_out() -> None:
    state().auth.user = None


def is_signed_in() -> bool:
    return isinstance(state().auth.user, User)
