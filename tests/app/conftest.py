"""AppTest fixtures: one workspace with the bundled sample for the whole session."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def sample_workspace(tmp_path_factory):
    """Point the app at a fresh workspace holding the sample (env var read by the app)."""
    folder = tmp_path_factory.mktemp("workspace")
    old = os.environ.get("SEG_WORKSPACE")
    os.environ["SEG_WORKSPACE"] = str(folder)
    from segmentation.workspace import Workspace, load_sample

    snap = load_sample(Workspace(folder))
    yield snap
    if old is None:
        os.environ.pop("SEG_WORKSPACE", None)
    else:
        os.environ["SEG_WORKSPACE"] = old


@pytest.fixture(scope="session")
def sample_tables() -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(SAMPLE / f"{name}.parquet")
            for name in ("transactions", "customers", "surveys", "complaints")}


@pytest.fixture
def app(sample_workspace):
    from streamlit.testing.v1 import AppTest

    # caches are keyed by dataset id and settings, so they are shared across tests
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(autouse=True)
def frame_on_every_run(monkeypatch):
    """Run ``app.py`` (sidebar included) on every AppTest run, as the server does.

    AppTest resets ``PagesManager.uses_pages_directory`` before each run; with a
    ``pages/`` folder beside ``app.py`` a rerun then executes the page file alone
    (no frame, no sidebar). Resetting a subclass instead leaves the flag that
    ``st.navigation`` cleared in place.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    monkeypatch.setattr(app_test, "PagesManager", type("PagesManager", (PagesManager,), {}))


def page_text(at) -> str:
    """Everything the run shows (main area and sidebar): every element's protobuf, as text."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def app_state(at):
    """The :class:`ui.state.AppState` of an AppTest session (made before its first run
    if need be), to set or read what the app keeps between runs."""
    from ui.state import _KEY, AppState

    current = at.session_state[_KEY] if _KEY in at.session_state else None
    if not isinstance(current, AppState):
        current = AppState()
        at.session_state[_KEY] = current
    return current


def wait_prepared(at) -> None:
    """Wait for the background jobs (each dataset's default figures, ``ui.background``),
    then rerun ``at``: the at-risk count is shown from then on."""
    from ui import background

    for job in list(background._JOBS.values()):
        assert job.finished.wait(300), f"the job of {job.dataset_id} is still running"
    at.run()


def shown(markdown: str) -> str:
    """What a reader sees of a markdown text made with ``segmentation.textsafe.md``: the
    backslash escapes resolved and the invisible word joiners dropped."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def count_calls(monkeypatch, module, names) -> list[str]:
    """Wrap the functions ``names`` of ``module`` so that each call appends its name to
    the returned list (what a run computed or built)."""
    calls: list[str] = []

    def counted(name, fn):
        def wrapper(*args, **kwargs):
            calls.append(name)
            return fn(*args, **kwargs)
        return wrapper

    for name in names:
        monkeypatch.setattr(module, name, counted(name, getattr(module, name)))
    return calls
