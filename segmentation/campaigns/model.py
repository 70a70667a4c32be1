"""What a campaign was: whom it targeted, whom it held out, when, and at what cost.

A :class:`Campaign` is a plain, frozen record. Its target list comes from a file
(:func:`read_target_ids`) or from a selection made in the app (a tier, an RFM
segment, a persona, the churn warning list); the app passes the customer ids.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .. import i18n
from ..access import ALL, Scope

__all__ = ["MAX_NAME_LENGTH", "MAX_TARGETS", "Campaign", "CampaignError", "new_campaign_id",
           "read_target_ids", "split_holdout"]

#: longest campaign name kept
MAX_NAME_LENGTH = 80
#: most customers one campaign may list (targets and held-out together)
MAX_TARGETS = 2_000_000
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
#: headers recognised as the customer id column of an uploaded list
ID_HEADERS = ("customer_id", "customer", "id", "客户编号", "客户id", "客户ID", "客户号", "客户代码")


class CampaignError(i18n.LocalizedError):
    """A campaign that cannot be kept or measured; ``code`` names ``campaign.error.<code>``."""

    prefix = "campaign.error"


def new_campaign_id() -> str:
    """A fresh id (12 hex digits)."""
    return uuid.uuid4().hex[:12]


def _ids(values: Iterable[object]) -> tuple[str, ...]:
    """Distinct non-empty ids as text, in first-seen order."""
    seen: dict[str, None] = {}
    for value in values:
        if value is None:
            continue
        text = str(value).strip()
        if text and text.lower() not in ("nan", "none", "<na>"):
            seen.setdefault(text, None)
    return tuple(seen)


@dataclass(frozen=True)
class Campaign:
    """One marketing campaign (营销活动).

    Attributes
    ----------
    campaign_id : file-safe id (letters, digits, ``_ . -``).
    name : what people call it ("March VIP recall").
    start, end : first and last day of contact.
    cost_per_contact : money spent per contacted customer (yuan).
    targets : customer ids that were contacted.
    holdout : customer ids deliberately *not* contacted (a held-out group); empty
        when there is none, and then a matched comparison group is used.
    created_by : user name of the creator.
    scope : the creator's data scope (who the campaign was for).
    source : how the target list was made (``"file"``, ``"tier:gold"`` ...).
    created_at : ISO time stamp of the creation.
    """

    campaign_id: str
    name: str
    start: dt.date
    end: dt.date
    cost_per_contact: float
    targets: tuple[str, ...]
    holdout: tuple[str, ...] = ()
    created_by: str = ""
    scope: Scope = field(default=ALL)
    source: str = ""
    created_at: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.campaign_id, str) or not _ID.match(self.campaign_id):
            raise CampaignError("bad_id", campaign_id=repr(self.campaign_id))
        name = " ".join(str(self.name or "").split())
        if not name:
            raise CampaignError("no_name")
        if len(name) > MAX_NAME_LENGTH:
            raise CampaignError("name_too_long", length=len(name), max=MAX_NAME_LENGTH)
        object.__setattr__(self, "name", name)
        start, end = _day(self.start, "start"), _day(self.end, "end")
        if end < start:
            raise CampaignError("end_before_start", start=start.isoformat(), end=end.isoformat())
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        try:
            cost = float(self.cost_per_contact)
        except (TypeError, ValueError):
            raise CampaignError("bad_cost", value=repr(self.cost_per_contact)) from None
        if not cost >= 0 or cost == float("inf"):
            raise CampaignError("bad_cost", value=repr(self.cost_per_contact))
        object.__setattr__(self, "cost_per_contact", cost)
        targets, holdout = _ids(self.targets), _ids(self.holdout)
        if not targets:
            raise CampaignError("no_targets")
        if len(targets) + len(holdout) > MAX_TARGETS:
            raise CampaignError("too_many", n=len(targets) + len(holdout), max=MAX_TARGETS)
        both = set(targets) & set(holdout)
        if both:
            raise CampaignError("overlap", n=len(both), example=sorted(both)[0])
        object.__setattr__(self, "targets", targets)
        object.__setattr__(self, "holdout", holdout)
        if not isinstance(self.scope, Scope):
            object.__setattr__(self, "scope", Scope(**dict(self.scope or {})))

    @property
    def has_holdout(self) -> bool:
        return bool(self.holdout)

    @property
    def cost(self) -> float:
        """Total cost: every contacted customer times the cost per contact."""
        return self.cost_per_contact * len(self.targets)

    def with_(self, **changes: Any) -> Campaign:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return {"campaign_id": self.campaign_id, "name": self.name,
                "start": self.start.isoformat(), "end": self.end.isoformat(),
                "cost_per_contact": self.cost_per_contact, "targets": list(self.targets),
                "holdout": list(self.holdout), "created_by": self.created_by,
                "scope": {"regions": list(self.scope.regions),
                          "branches": list(self.scope.branches)},
                "source": self.source, "created_at": self.created_at}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Campaign:
        """The campaign of :meth:`to_json`'s output; raises :class:`CampaignError`."""
        if not isinstance(data, Mapping):
            raise CampaignError("bad_file")
        scope = data.get("scope") or {}
        if not isinstance(scope, Mapping):
            scope = {}
        return cls(campaign_id=data.get("campaign_id"), name=data.get("name", ""),
                   start=data.get("start"), end=data.get("end"),
                   cost_per_contact=data.get("cost_per_contact", 0.0),
                   targets=tuple(data.get("targets") or ()),
                   holdout=tuple(data.get("holdout") or ()),
                   created_by=str(data.get("created_by") or ""),
                   scope=Scope(regions=tuple(scope.get("regions") or ()),
                               branches=tuple(scope.get("branches") or ())),
                   source=str(data.get("source") or ""),
                   created_at=str(data.get("created_at") or ""))


def _day(value: object, which: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        raise CampaignError("bad_date", which=which, value=repr(value)) from None


def split_holdout(customer_ids: Sequence[str], share: float, *, seed: int = 7
                  ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split a list at random into (contacted, held out) with ``share`` held out.

    For a campaign that is still to be run: a random held-out group is the
    cleanest comparison there is.
    """
    import numpy as np

    ids = _ids(customer_ids)
    if not 0 <= share < 1:
        raise CampaignError("bad_share", value=repr(share))
    rng = np.random.default_rng(seed)
    held = rng.random(len(ids)) < share
    return (tuple(i for i, h in zip(ids, held, strict=True) if not h),
            tuple(i for i, h in zip(ids, held, strict=True) if h))


def read_target_ids(data: bytes, filename: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Customer ids of an uploaded list: CSV or Excel (as on the upload page).

    The id column is the first one whose header is a known id header
    (:data:`ID_HEADERS`); a file with one unnamed column is a bare list of ids
    (its first line is an id too). An optional column ``group`` (or ``分组``)
    marks held-out customers with ``holdout`` / ``control`` / ``对照`` /
    ``对照组``; every other row is a contacted target.

    Returns
    -------
    (targets, holdout) as tuples of id texts.

    Raises
    ------
    CampaignError
        ``bad_upload`` (unreadable) or ``no_targets`` (no id found).
    """
    import pandas as pd

    from ..schema import DataError
    from ..sources import read_any

    try:
        frame = read_any(data, filename=filename or "upload.csv")
    except DataError:
        raise CampaignError("bad_upload", filename=filename) from None
    if not len(frame.columns):
        raise CampaignError("no_targets")
    headers = {str(c).strip().lower(): c for c in frame.columns}
    known = [headers[h.lower()] for h in ID_HEADERS if h.lower() in headers]
    group_col = next((headers[h] for h in ("group", "分组", "组别") if h in headers), None)
    if known:
        ids = frame[known[0]].astype("string")
    elif len(frame.columns) == 1:  # a bare list: the "header" is the first id
        ids = pd.concat([pd.Series([str(frame.columns[0])], dtype="string"),
                         frame.iloc[:, 0].astype("string")], ignore_index=True)
        frame = pd.DataFrame(index=ids.index)
    else:
        ids = frame.iloc[:, 0].astype("string")
    if group_col is None:
        held = pd.Series(False, index=ids.index)
    else:
        held = frame[group_col].astype("string").str.strip().str.lower().isin(
            ["holdout", "hold-out", "held out", "control", "对照", "对照组", "不触达"]
        ).fillna(False).to_numpy()
        held = pd.Series(held, index=ids.index)
    targets, holdout = _ids(ids[~held]), _ids(ids[held])
    if not targets:
        raise CampaignError("no_targets")
    contacted = set(targets)  # once: a set per held-out id made long lists quadratic
    return targets, tuple(h for h in holdout if h not in contacted)
