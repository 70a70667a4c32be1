"""Who may see what: roles, their rights, a user's data scope, and masking of personal data.

The library applies a :class:`Scope` inside its queries (see ``features.customer_view``)
and masks names and phones with :func:`mask_frame` for users without the
``see_pii`` right. Nothing here knows about Streamlit; ``ui/identity.py`` keeps the
signed-in user of a browser session.

>>> hq = User("wang", Role.HQ)
>>> hq.can("load_data"), hq.scope.is_all
(True, True)
>>> manager = User("li", Role.BRANCH, branch="北京朝阳")
>>> manager.can("load_data"), manager.scope.branches
(False, ('北京朝阳',))
>>> mask_name("张伟"), mask_name("Jones"), mask_phone("13812341234")
('张*', 'J****', '138****1234')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas loads where a frame is masked, not for a sign-in
    import pandas as pd


class Role(enum.StrEnum):
    HQ = "hq"              # HQ analyst: all data; loads data, connects databases, saves
    #                        defaults, creates campaigns
    REGIONAL = "regional"  # regional lead: own region
    BRANCH = "branch"      # branch manager: own branch
    VIEWER = "viewer"      # aggregates only: no customer rows, no names or phones


#: the rights of each role
PERMISSIONS: Mapping[Role, frozenset[str]] = {
    Role.HQ: frozenset({"load_data", "connect_db", "save_default_preset", "import_preset",
                        "edit_personas", "see_pii", "see_customers", "export", "see_audit",
                        "manage_campaigns"}),
    Role.REGIONAL: frozenset({"see_pii", "see_customers", "export"}),
    Role.BRANCH: frozenset({"see_pii", "see_customers", "export"}),
    Role.VIEWER: frozenset({"export"}),
}

RIGHTS: frozenset[str] = frozenset().union(*PERMISSIONS.values())


def can(role: Role | str, right: str) -> bool:
    """Whether ``role`` has ``right`` (an unknown right is an error, not a silent no)."""
    if right not in RIGHTS:
        raise KeyError(f"unknown right {right!r}")
    return right in PERMISSIONS[Role(role)]


@dataclass(frozen=True)
class Scope:
    """The branches and regions whose customers a user may see; empty tuples mean "all".

    A customer is in scope when the customer's branch (the home branch of the
    customer view) is one of ``branches`` or the customer's region is one of
    ``regions``. A scope is a cache key: it is hashable and normalised.
    """

    regions: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "regions", tuple(sorted({str(r) for r in self.regions})))
        object.__setattr__(self, "branches", tuple(sorted({str(b) for b in self.branches})))

    @property
    def is_all(self) -> bool:
        return not self.regions and not self.branches

    def key(self) -> tuple:
        """A hashable form for cache keys."""
        return ("regions", self.regions, "branches", self.branches)

    def restrict(self, filters: Iterable[tuple[str, tuple[str, ...]]]
                 ) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Sidebar filters (normalised) narrowed to this scope: a filter can only narrow.

        A selected branch or region outside the scope is dropped; when nothing of the
        selection is left, the scope itself stands.
        """
        out = dict(filters)
        for column, allowed in (("branch", self.branches), ("region", self.regions)):
            if not allowed or column not in out:
                continue
            kept = tuple(v for v in out[column] if v in allowed)
            if kept:
                out[column] = kept
            else:
                del out[column]
        return tuple((c, v) for c, v in out.items())

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        """Boolean mask of the rows of a customer-level ``frame`` inside the scope."""
        import pandas as pd

        if self.is_all:
            return pd.Series(True, index=frame.index)
        inside = pd.Series(False, index=frame.index)
        for column, allowed in (("branch", self.branches), ("region", self.regions)):
            if allowed and column in frame.columns:
                inside |= frame[column].astype("string").isin(allowed).fillna(False)
        return inside

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``frame`` inside the scope (all rows for an unlimited scope)."""
        if self.is_all:
            return frame
        return frame[self.mask(frame).to_numpy()]


ALL = Scope()


@dataclass(frozen=True)
class User:
    """A signed-in user (or the open-mode user when no users are configured)."""

    name: str
    role: Role
    region: str | None = None
    branch: str | None = None
    display_name: str = ""
    open_mode: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))

    @property
    def scope(self) -> Scope:
        """The user's data scope: one branch, one region, or all."""
        if self.role is Role.BRANCH:
            return Scope(branches=(self.branch,) if self.branch else ("\x00none",))
        if self.role is Role.REGIONAL:
            return Scope(regions=(self.region,) if self.region else ("\x00none",))
        if self.role is Role.VIEWER and (self.branch or self.region):
            return Scope(regions=(self.region,) if self.region else (),
                         branches=(self.branch,) if self.branch else ())
        return ALL

    def can(self, right: str) -> bool:
        return can(self.role, right)


#: who runs the app when no users are configured: everything, with a banner saying so
OPEN_USER = User("open", Role.HQ, open_mode=True)


def _isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def mask_name(value: object) -> object:
    """张伟 → 张*, 欧阳娜娜 → 欧***, Jones → J****; missing values stay missing."""
    if value is None or (not isinstance(value, str) and _isna(value)):
        return value
    text = str(value).strip()
    if not text:
        return text
    return text[0] + "*" * max(len(text) - 1, 1)


def mask_phone(value: object) -> object:
    """13812341234 → 138****1234; short numbers keep only their last two digits."""
    if value is None or (not isinstance(value, str) and _isna(value)):
        return value
    text = str(value).strip()
    if len(text) >= 11:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    if len(text) > 2:
        return "*" * (len(text) - 2) + text[-2:]
    return "*" * len(text)


#: columns holding personal data, masked for users without ``see_pii``
PII_COLUMNS: Mapping[str, object] = {"name": mask_name, "phone": mask_phone}


def mask_frame(frame: pd.DataFrame, user: User | None) -> pd.DataFrame:
    """``frame`` with names and phones masked unless ``user`` may see them (a copy)."""
    if user is not None and user.can("see_pii"):
        return frame
    present = [c for c in PII_COLUMNS if c in frame.columns]
    if not present:
        return frame
    out = frame.copy()
    for column in present:
        out[column] = out[column].map(PII_COLUMNS[column]).astype("string")
    return out
