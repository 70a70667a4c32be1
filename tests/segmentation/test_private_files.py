"""Files readable by no one else (issue 21, item 7): the workspace folder is 0700 and every
file in it 0600, whatever the umask."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher

from segmentation.access import Role, User
from segmentation.audit import AuditLog
from segmentation.database.mapping import DatabaseMapping
from segmentation.database.store import ConnectionStore
from segmentation.personas_store import PersonaStore
from segmentation.presets import PresetStore
from segmentation.tiers import TierSettings
from segmentation.users import UserStore
from segmentation.workspace import Workspace, load_sample

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def usual_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _shared(folder: Path) -> list[str]:
    """Everything under ``folder`` (itself included) with a group or other permission bit."""
    found = []
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(folder.parent)} {mode:o}")
    return found


def test_every_workspace_file_is_private_under_the_usual_umask(tmp_path, usual_umask):
    """Regression: dataset files and current.json were created 0644 (names and phones)."""
    folder = tmp_path / "deep" / "workspace"
    workspace = Workspace(folder)
    snap = load_sample(workspace)
    tx = pd.DataFrame({"customer_id": ["A"], "date": pd.to_datetime(["2025-01-01"]),
                       "amount": [1.0]})
    workspace.replace({"transactions": tx}, source="test")  # a second load: history, lock
    presets = PresetStore.for_workspace(workspace)
    presets.save("mine", TierSettings())
    presets.set_default("mine")
    PersonaStore.for_workspace(workspace, snap.dataset_id).save("all", {0: "Big senders"})
    UserStore(folder, hasher=FAST).add("wang", role="hq", password="hq-password-1")
    AuditLog(folder).append("load", User("wang", Role.HQ), at=datetime.now(UTC))
    ConnectionStore(folder).save("hq", None, DatabaseMapping())
    names = {p.name for p in folder.rglob("*")}
    assert {"current.json", "history.jsonl", "presets", "mine.json", "users.json",
            "audit.jsonl", "connections.json", ".current.json.lock"} <= names
    assert any(n.startswith("dataset-") and n.endswith(".duckdb") for n in names)
    assert _shared(folder) == []
    assert stat.S_IMODE((tmp_path / "deep").stat().st_mode) == 0o700  # created by the app


def test_an_existing_workspace_folder_is_made_private(tmp_path, usual_umask):
    folder = tmp_path / "ws"
    folder.mkdir(mode=0o755)
    tx = pd.DataFrame({"customer_id": ["A"], "date": pd.to_datetime(["2025-01-01"]),
                       "amount": [1.0]})
    Workspace(folder).replace({"transactions": tx}, source="test")
    assert _shared(folder) == []


def test_a_file_written_into_an_existing_folder_leaves_the_folder_as_it_was(tmp_path):
    """A report or score file written to a folder the user has (``~/reports``, ``/tmp``)
    is private; the folder keeps its mode. (Run as root, the old code made ``/tmp``
    itself ``0700``, and MariaDB, another user, could no longer write its temporary
    tables there.)"""
    import stat

    from segmentation.storage import atomic_write, private_folder

    shared = tmp_path / "reports"
    shared.mkdir()
    shared.chmod(0o755)
    atomic_write(shared / "scores.csv", b"a,b\n")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    assert stat.S_IMODE((shared / "scores.csv").stat().st_mode) == 0o600

    sticky = tmp_path / "tmp"
    sticky.mkdir()
    sticky.chmod(0o1777)
    atomic_write(sticky / "deck.pptx", b"x")
    private_folder(sticky)  # not even when asked for the folder itself: it is shared
    assert stat.S_IMODE(sticky.stat().st_mode) == 0o1777

    new = tmp_path / "new" / "deeper"
    atomic_write(new / "f.csv", b"x")  # what it creates is private
    assert stat.S_IMODE(new.stat().st_mode) == 0o700
    assert stat.S_IMODE(new.parent.stat().st_mode) == 0o700
