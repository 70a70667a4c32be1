"""Shared by the page benchmarks: AppTest sessions of ``app.py`` run as the server runs them."""

from __future__ import annotations

from bench._workspace import ROOT

APP = ROOT / "app.py"


def frame_on_every_run() -> None:
    """Run ``app.py`` (frame and sidebar) on every AppTest run, as the server does.

    AppTest resets ``PagesManager.uses_pages_directory`` before each run; with a
    ``pages/`` folder beside ``app.py`` a rerun would execute the page file alone. The
    same patch as the ``frame_on_every_run`` fixture of ``tests/app/conftest.py``.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    if app_test.PagesManager is PagesManager:
        app_test.PagesManager = type("PagesManager", (PagesManager,), {})


def new_session(timeout: float = 900):
    """A new AppTest session of the app (not run yet)."""
    from streamlit.testing.v1 import AppTest

    frame_on_every_run()
    return AppTest.from_file(str(APP), default_timeout=timeout)


def app_state(at):
    """The session's :class:`ui.state.AppState` (what the app keeps between runs)."""
    from ui.state import _KEY, AppState

    current = at.session_state[_KEY] if _KEY in at.session_state else None
    if not isinstance(current, AppState):
        current = AppState()
        at.session_state[_KEY] = current
    return current


def figures(at) -> dict[str, str]:
    """The run's headline figures: metric label -> value."""
    return {m.label: m.value for m in at.metric}


def check(at) -> None:
    """Stop the benchmark when the run raised or showed an error."""
    if at.exception:
        raise SystemExit(f"the app raised: {at.exception}")
    if at.error:
        raise SystemExit(f"the app showed an error: {[e.value for e in at.error]}")
