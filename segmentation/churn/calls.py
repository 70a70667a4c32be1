"""Whom to call: the filtered warnings, each branch's calls within its weekly capacity."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .. import i18n
from .reasoning import RISK_CODES


def warning_list(scored: pd.DataFrame, *, tiers: Sequence[str] | None = None,
                 branches: Sequence[str] | None = None, min_risk: float = 0.0,
                 reason_codes: Sequence[str] | None = None,
                 statuses: Sequence[str] = ("warning",), tier_column: str = "tier"
                 ) -> pd.DataFrame:
    """The customers to call: filtered, sorted by value at risk (highest first).

    Parameters
    ----------
    scored : :meth:`ChurnModel.score` output, optionally joined with a
        ``tier`` column (:func:`segmentation.tiers.score_customers`).
    tiers, branches : keep these tiers / branches only (``None``: all).
    min_risk : keep ``churn_risk >= min_risk``.
    reason_codes : keep customers whose reasons include any of these codes.
    statuses : keep these statuses (default only "warning"; add "ok" to see
        everyone above ``min_risk``).
    tier_column : name of the tier column.

    Returns
    -------
    DataFrame, a filtered copy of ``scored`` sorted by ``value_at_risk``
    (descending), ties by ``churn_risk`` then ``customer_id``.
    """
    keep = scored["status"].isin(list(statuses)).to_numpy(copy=True)
    keep &= scored["churn_risk"].to_numpy(dtype="float64") >= min_risk
    if tiers is not None:
        if tier_column not in scored.columns:
            raise ValueError(f"no {tier_column!r} column to filter tiers by; join the tiers "
                             "first")
        keep &= scored[tier_column].astype("str").isin([str(t) for t in tiers]).to_numpy()
    if branches is not None:
        if "branch" not in scored.columns:
            raise ValueError("no 'branch' column to filter branches by")
        keep &= scored["branch"].isin(list(branches)).to_numpy()
    if reason_codes is not None:
        pattern = ",(?:" + "|".join(re.escape(str(c)) for c in reason_codes) + "),"
        codes = "," + scored["reason_codes"].astype("str") + ","
        keep &= codes.str.contains(pattern, regex=True).to_numpy(dtype=bool)
    out = scored.loc[keep]
    out = out.sort_index(kind="stable")
    order = np.lexsort((-out["churn_risk"].to_numpy(), -out["value_at_risk"].to_numpy()))
    return out.iloc[order]


#: Default weekly call capacity of a branch (calls per week).
DEFAULT_CALLS_PER_BRANCH = 20


def call_list(warnings: pd.DataFrame, *, calls_per_branch: int = DEFAULT_CALLS_PER_BRANCH,
              branch_column: str = "branch") -> pd.DataFrame:
    """A call list a branch can work: each branch's top customers within its weekly capacity.

    Parameters
    ----------
    warnings : the customers to call, e.g. :func:`warning_list` output, with
        ``value_at_risk`` and ``churn_risk`` (and ``branch_column``; without
        it the whole network is one branch).
    calls_per_branch : calls a branch can make in a week (at least 1).
    branch_column : the branch of each customer; customers without one form
        one group of their own.

    Returns
    -------
    DataFrame, a copy of ``warnings`` with ``branch_rank`` (1 = the highest
    value at risk of the branch; ties by ``churn_risk``, then
    ``customer_id``) and ``call_this_week`` (``branch_rank <=
    calls_per_branch``); sorted with this week's calls first, then the rest,
    each part by value at risk (highest first).
    """
    capacity = int(calls_per_branch)
    if capacity != calls_per_branch or capacity < 1:
        raise ValueError(f"calls_per_branch must be a whole number of at least 1, got "
                         f"{calls_per_branch!r}")
    out = warnings.sort_index(kind="stable")
    order = np.lexsort((-out["churn_risk"].to_numpy(dtype="float64"),
                        -out["value_at_risk"].to_numpy(dtype="float64")))
    out = out.iloc[order].copy()
    if branch_column in out.columns:
        groups = out[branch_column].astype("object").where(out[branch_column].notna(), "")
    else:
        groups = pd.Series("", index=out.index)
    out["branch_rank"] = groups.groupby(groups.to_numpy(), sort=False).cumcount().to_numpy() + 1
    out["call_this_week"] = out["branch_rank"].to_numpy() <= capacity
    first = np.flatnonzero(out["call_this_week"].to_numpy())
    rest = np.flatnonzero(~out["call_this_week"].to_numpy())
    return out.iloc[np.r_[first, rest]]


@dataclass(frozen=True)
class ChurnSummary:
    """The headline figures of a set of churn scores (the Churn page's metrics, the
    Overview's customers at risk)."""

    #: customers with a warning (``status == "warning"``)
    warnings: int
    #: their summed ``value_at_risk``
    value_at_risk: float
    #: customers counted as lost
    lost: int
    #: mean ``churn_risk`` of the customers not lost (NaN when everyone is lost)
    avg_risk: float


def summarize(scores: pd.DataFrame) -> ChurnSummary:
    """The :class:`ChurnSummary` of scores (:func:`score_churn`'s, or a subset of them)."""
    status = scores["status"]
    warned, lost = (status == "warning").to_numpy(), (status == "lost").to_numpy()
    return ChurnSummary(warnings=int(warned.sum()),
                        value_at_risk=float(scores.loc[warned, "value_at_risk"].sum()),
                        lost=int(lost.sum()),
                        avg_risk=float(scores.loc[~lost, "churn_risk"].mean()))


#: The columns a call list shows, in order (those present): first what a branch
#: manager works from (whom to call, how, whose account, how overdue, how much is at
#: stake, why, what to offer), then the figures behind the ranking.
SHEET_COLUMNS: tuple[str, ...] = (
    "name", "phone", "account_manager", "last_purchase_date", "usual_interval_days",
    "tier_label", "value_at_risk", "main_reason", "action",
    "customer_id", "branch", "branch_rank", "churn_risk", "clv_12m", "recency_days",
    "risk_reasons")
#: The contact columns a call sheet joins from the customer view (those present).
CONTACT_COLUMNS: tuple[str, ...] = ("name", "phone", "account_manager", "last_purchase_date")
#: Spreadsheet number formats of the call list's columns (Excel download).
SHEET_FORMATS: Mapping[str, str] = {
    "last_purchase_date": "yyyy-mm-dd", "usual_interval_days": "0",
    "value_at_risk": '"¥"#,##0', "clv_12m": '"¥"#,##0', "churn_risk": "0%",
    "branch_rank": "0", "recency_days": "0"}


@dataclass(frozen=True)
class CallList:
    """A filtered call list as the Churn page draws it (:meth:`CallSheet.calls`).

    ``table``: :func:`call_list` of the filtered :func:`warning_list`, one row per
    customer with ``customer_id`` as a column, this week's calls first; with
    ``tier_label`` and ``action`` (the tier's first action) when the sheet has tiers and
    the :data:`CONTACT_COLUMNS` it has contacts for. ``calls_per_branch``: the weekly
    capacity it was cut with.
    """

    table: pd.DataFrame
    calls_per_branch: int

    @property
    def columns(self) -> list[str]:
        """The :data:`SHEET_COLUMNS` the table has."""
        return [c for c in SHEET_COLUMNS if c in self.table.columns]

    # cut once per list: a cached list is read on every rerun of the page
    @cached_property
    def week(self) -> pd.DataFrame:
        """This week's calls."""
        return self.table[self.table["call_this_week"].to_numpy(dtype=bool)]

    @cached_property
    def rest(self) -> pd.DataFrame:
        """The further warnings, beyond this week's capacity."""
        return self.table[~self.table["call_this_week"].to_numpy(dtype=bool)]

    @cached_property
    def n_branches(self) -> int:
        """Branches with a call this week (1 without a branch column)."""
        return int(self.week["branch"].nunique()) if "branch" in self.table.columns else 1

    @property
    def export(self) -> pd.DataFrame:
        """The table as downloaded: ``call_this_week`` then the shown columns."""
        return self.table[["call_this_week", *self.columns]]

    @cached_property
    def _positions(self) -> pd.Index:
        return pd.Index(self.table["customer_id"].astype(str).to_numpy())

    def row(self, customer_id: str) -> pd.Series | None:
        """One customer's row of the list (``None`` when not on it)."""
        ids = self._positions
        if ids.is_unique:  # one row per customer: a hash lookup
            at = int(ids.get_indexer([str(customer_id)])[0])
        else:
            hit = np.flatnonzero(ids == str(customer_id))
            at = int(hit[0]) if len(hit) else -1
        return self.table.iloc[at] if at >= 0 else None


@dataclass(frozen=True)
class CallSheet:
    """The Churn page's warnings: the summary figures, the reasons to filter by, and the
    call lists (:meth:`calls`) under the page's filters.

    ``summary`` covers all the scores given; ``reason_codes`` are the risk-raising reason
    codes (:data:`RISK_CODES`) among the customers with a warning (sorted).
    """

    summary: ChurnSummary
    reason_codes: list[str]
    scored: pd.DataFrame = field(repr=False)
    tier_labels: Mapping[str, str] = field(default_factory=dict, repr=False)
    actions: Mapping[str, Sequence[str]] = field(default_factory=dict, repr=False)
    contacts: pd.DataFrame | None = field(default=None, repr=False)

    def calls(self, *, pick_tiers: Sequence[str] | None = None, min_risk: float = 0.5,
              pick_reasons: Sequence[str] | None = None,
              calls_per_branch: int = DEFAULT_CALLS_PER_BRANCH) -> CallList:
        """The warnings of these tiers / with any of these reason codes (``None`` or empty:
        all) and ``churn_risk >= min_risk``, cut by a branch's weekly capacity."""
        listed = call_list(warning_list(self.scored, tiers=pick_tiers or None,
                                        min_risk=min_risk, reason_codes=pick_reasons or None),
                           calls_per_branch=calls_per_branch)
        if "tier" in listed.columns:
            first = {k: (list(v) or [""])[0] for k, v in self.actions.items()}
            listed = listed.assign(
                tier_label=listed["tier"].map(dict(self.tier_labels)),
                action=listed["tier"].map(lambda k: first.get(k, "") if isinstance(k, str)
                                          else ""))
        table = listed.reset_index()
        if self.contacts is not None:
            table = table.join(self.contacts, on="customer_id")
        return CallList(table=table, calls_per_branch=int(calls_per_branch))


def call_sheet(scores: pd.DataFrame, *, tiers: pd.Series | None = None,
               tier_labels: Mapping[str, str] | None = None,
               actions: Mapping[str, Sequence[str]] | None = None,
               names: pd.Series | None = None,
               contacts: pd.DataFrame | None = None) -> CallSheet:
    """The :class:`CallSheet` of scores.

    Parameters
    ----------
    scores : :func:`score_churn` scores (with ``risk_reasons``), indexed by ``customer_id``.
    tiers : each customer's tier (joined as ``tier``; customers without one keep none).
    tier_labels, actions : per tier, its label and its suggested actions (in the user's
        language), for the lists' ``tier_label`` and ``action`` columns.
    names : customer names by ``customer_id`` (joined to the lists as ``name``).
    contacts : by ``customer_id``, any of :data:`CONTACT_COLUMNS` (the customer view's,
        masked as the user's rights ask): joined to the lists; ``names`` is ignored then.
    """
    scored = scores if tiers is None else scores.join(tiers.rename("tier"), how="left")
    warned = scored[scored["status"] == "warning"]
    codes = sorted({c for cs in warned["reason_codes"].astype(str) for c in cs.split(",")
                    if c in RISK_CODES})
    if contacts is not None:
        contacts = contacts[[c for c in CONTACT_COLUMNS if c in contacts.columns
                             and c not in scored.columns]]
    elif names is not None:
        contacts = names.rename("name").to_frame()
    return CallSheet(summary=summarize(scored), reason_codes=codes, scored=scored,
                     tier_labels=dict(tier_labels or {}), actions=dict(actions or {}),
                     contacts=contacts)


#: Fewest customers a backtest must check, and churners and stayers among them, before
#: its figures (ROC-AUC, share churned in the top 10 %) read as a grade of the ranking:
#: below that, chance alone moves them by tens of points (the top 10 % of 200 customers
#: is 20 people; a share among 20 has a 95 % interval of about ±20 points).
MIN_CHECKED, MIN_CHECKED_OUTCOME = 200, 30


@dataclass(frozen=True)
class ThinEvidence:
    """A backtest too small to grade the ranking: how many customers it checked."""

    checked: int
    churned: int

    @property
    def stayed(self) -> int:
        return self.checked - self.churned

    def message(self, lang: str = "en") -> str:
        """What is missing, in ``lang``."""
        return i18n.t("churn.thin_evidence", lang, n=i18n.fmt_int(self.checked, lang),
                      churned=i18n.fmt_int(self.churned, lang),
                      stayed=i18n.fmt_int(self.stayed, lang),
                      min=i18n.fmt_int(MIN_CHECKED, lang),
                      min_outcome=i18n.fmt_int(MIN_CHECKED_OUTCOME, lang))


def thin_evidence(churned: pd.Series | np.ndarray | None) -> ThinEvidence | None:
    """:class:`ThinEvidence` when the customers a backtest checked (``churned``: one bool
    per customer, e.g. ``Backtest.scores["churned"]``) are too few to grade the ranking
    (fewer than :data:`MIN_CHECKED`, or fewer than :data:`MIN_CHECKED_OUTCOME` churners
    or stayers); ``None`` when they suffice or nothing was checked."""
    if churned is None:
        return None
    flags = np.asarray(churned, dtype=bool)
    n, positive = len(flags), int(flags.sum())
    if n >= MIN_CHECKED and min(positive, n - positive) >= MIN_CHECKED_OUTCOME:
        return None
    return ThinEvidence(checked=n, churned=positive)
