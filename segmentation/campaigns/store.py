"""Campaigns kept in the workspace folder, beside the datasets.

Layout: ``<workspace folder>/campaigns/campaigns.json`` (UTF-8 JSON)::

    {"version": 1, "campaigns": [{"campaign_id": "...", "name": "...", ...}, ...]}

A campaign names customers by id, so it outlives a reload of the data (the same
ids in the next extract). Writes are atomic
(:func:`~segmentation.storage.atomic_write`) and every read-modify-write holds
the folder's :func:`~segmentation.locking.file_lock` (``<workspace>/.campaigns.lock``),
so two analysts saving campaigns at once keep both. Readers need no lock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..access import Scope
from ..locking import file_lock
from ..storage import atomic_write
from .model import Campaign, CampaignError

__all__ = ["CAMPAIGNS_FOLDER", "CampaignStore", "visible_campaigns"]

CAMPAIGNS_FOLDER = "campaigns"
_FILE = "campaigns.json"
_VERSION = 1


class CampaignStore:
    """The campaigns of one workspace.

    Parameters
    ----------
    folder : the campaigns folder (normally ``<workspace folder>/campaigns``);
        created on the first save.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    @classmethod
    def for_workspace(cls, workspace: Any) -> CampaignStore:
        """The store of a :class:`~segmentation.workspace.Workspace` (or a workspace folder)."""
        return cls(Path(getattr(workspace, "folder", workspace)) / CAMPAIGNS_FOLDER)

    @property
    def path(self) -> Path:
        return self.folder / _FILE

    def _read(self) -> list[Campaign]:
        """Every stored campaign; an unreadable file or entry is skipped, not fatal."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return []
        out = []
        for entry in data.get("campaigns", []) if isinstance(data, dict) else []:
            try:
                out.append(Campaign.from_json(entry))
            except CampaignError:
                continue
        return out

    def list(self) -> list[Campaign]:
        """Every campaign, newest start first."""
        return sorted(self._read(), key=lambda c: (c.start, c.created_at, c.campaign_id),
                      reverse=True)

    def get(self, campaign_id: str) -> Campaign | None:
        return next((c for c in self._read() if c.campaign_id == campaign_id), None)

    def _write(self, campaigns: Iterable[Campaign]) -> None:
        data = {"version": _VERSION, "campaigns": [c.to_json() for c in campaigns]}
        atomic_write(self.path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n")
                     .encode("utf-8"))

    def save(self, campaign: Campaign) -> Campaign:
        """Add ``campaign`` (or replace the one with its id); others are kept."""
        with file_lock(self.folder):
            kept = [c for c in self._read() if c.campaign_id != campaign.campaign_id]
            self._write([*kept, campaign])
        return campaign

    def add_if_missing(self, campaign: Campaign) -> bool:
        """Save ``campaign`` unless its id is stored already; whether it was saved."""
        with file_lock(self.folder):
            current = self._read()
            if any(c.campaign_id == campaign.campaign_id for c in current):
                return False
            self._write([*current, campaign])
        return True

    def delete(self, campaign_id: str) -> bool:
        """Remove a campaign; whether it existed."""
        with file_lock(self.folder):
            current = self._read()
            kept = [c for c in current if c.campaign_id != campaign_id]
            if len(kept) == len(current):
                return False
            self._write(kept)
        return True


def visible_campaigns(campaigns: Iterable[Campaign], scope: Scope,
                      customers_in_scope: Iterable[str] | None) -> list[Campaign]:
    """The campaigns a user of ``scope`` may see: all for an unlimited scope, else those
    that targeted (or held out) at least one customer of the scope.

    Parameters
    ----------
    customers_in_scope : ids of the scope's customers (ignored for an unlimited scope).
    """
    campaigns = list(campaigns)
    if scope.is_all:
        return campaigns
    inside = set(map(str, customers_in_scope if customers_in_scope is not None else ()))
    return [c for c in campaigns
            if not inside.isdisjoint(c.targets) or not inside.isdisjoint(c.holdout)]
