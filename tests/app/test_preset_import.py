"""Importing a preset from a file is for the roles that manage the shared presets (HQ), on
screen and again when the import runs (issue 21, item 6)."""

from __future__ import annotations

import json

from segmentation.presets import PresetStore
from segmentation.tiers import TierSettings
from tests.app import test_auth
from tests.app.test_auth import as_user, new_app

# the sign-in fixtures of the auth tests: users in the app's workspace, server-like routing
folder = test_auth.folder
users = test_auth.users
server_like_page_routing = test_auth.server_like_page_routing

PRESET = json.dumps({"name": "imported", **TierSettings().to_dict()}).encode()


def _uploader(at):
    return next(u for u in at.get("file_uploader") if u.proto.id.endswith("tiers_preset_file"))


def test_branch_manager_cannot_import_a_preset(users):
    at = as_user(new_app(), users.user("li"))
    at.switch_page("pages/tiers.py").run()
    assert not at.exception, at.exception
    uploader = _uploader(at)
    reason = ("Only HQ analysts, who manage the shared presets, may import a preset from a "
              "file (you are signed in as Branch manager).")
    assert uploader.proto.disabled and uploader.proto.help == reason


def test_a_demoted_analyst_cannot_import_even_with_the_file_sent(users, folder):
    store = PresetStore(folder / "presets")
    at = as_user(new_app(), users.user("wang"))
    at.switch_page("pages/tiers.py").run()
    assert not _uploader(at).proto.disabled
    users.set_role("wang", "branch", branch="华东-上海浦东网点")
    _uploader(at).set_value(("imported.json", PRESET, "application/json")).run()
    assert not at.exception, at.exception
    imported = "imported" in store.list()
    if imported:  # do not leave it to the other page tests
        store.delete("imported")
    assert not imported
