"""The signed-in user of this browser session.

The user lives on the session's state object (``state().auth.user``), which no
widget edits, so the browser cannot set it; only the sign-in code (``ui/auth.py``)
calls :func:`sign_in`.
With no users configured the app runs open: :func:`current_user` is the
open-mode HQ user and every page shows a banner saying so.
"""

from __future__ import annotations

import streamlit as st

from segmentation.access import OPEN_USER, User
from ui.state import state


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
    from ui import auth  # late: auth builds on this module

    if auth.required():  # fail closed: nobody signed in while sign-in is required
        st.stop()
    return OPEN_USER


def sign_in(user: User) -> None:
    state().auth.user = user


def sign_out() -> None:
    state().auth.user = None


def is_signed_in() -> bool:
    return isinstance(state().auth.user, User)
