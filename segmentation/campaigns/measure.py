"""From a dataset to a campaign's result: customers at the start, their weekly activity,
the estimate (the path of the app, the report and the CLI)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa

from ..access import Scope
from ..sql import TableNames
from .estimate import EffectConfig, estimate
from .model import Campaign, CampaignError
from .panel import build_panel, read_activity
from .results import CampaignResult

__all__ = ["measure", "measure_latest", "post_weeks_for"]

#: weeks after the end of the contact still counted, by default
TAIL_WEEKS = 8


def post_weeks_for(campaign: Campaign, data_end: dt.date, config: EffectConfig) -> int:
    """Weeks after the start to count: ``config.post_weeks`` or the campaign's length plus
    :data:`TAIL_WEEKS`, cut to the whole weeks the data hold.

    Raises
    ------
    CampaignError
        ``too_recent`` when the data hold less than one week after the start.
    """
    wanted = config.post_weeks or math.ceil(((campaign.end - campaign.start).days + 1) / 7) \
        + TAIL_WEEKS
    held = ((pd.Timestamp(data_end) - pd.Timestamp(campaign.start)).days + 1) // 7
    if held < 1:
        raise CampaignError("too_recent", start=campaign.start.isoformat(),
                            end=pd.Timestamp(data_end).date().isoformat())
    return int(min(wanted, held))


def measure(bind: sa.Engine | sa.Connection, campaign: Campaign, customers: pd.DataFrame, *,
            data_start: dt.date, data_end: dt.date, config: EffectConfig | None = None,
            table_names: TableNames | None = None, scope: Scope | None = None,
            in_scope: Iterable[str] | None = None) -> CampaignResult:
    """Measure ``campaign`` on the customers of ``scope``.

    Parameters
    ----------
    bind : the engine of the dataset.
    customers : the scope's customers as they were the day before the start (the
        customer view at ``start - 1 day``, index ``customer_id``), with ``tier``,
        ``branch``, ``region`` and ``recency_days``.
    data_start, data_end : the first and last day of the transactions.
    config : how to measure (:class:`~segmentation.campaigns.EffectConfig`).
    in_scope : ids of every customer of the scope (also those who first shipped after
        the start), so that targets of other branches are not counted as missing;
        ``None``: every listed target counts.

    Raises
    ------
    CampaignError
        ``too_recent``, ``too_early``, ``too_few``, ``no_holdout``.
    """
    config = config or EffectConfig()
    post = post_weeks_for(campaign, data_end, config)
    history = (pd.Timestamp(campaign.start) - pd.Timestamp(data_start)).days // 7
    min_pre = config.check_weeks + 4
    if history < min_pre:
        raise CampaignError("too_early", first=pd.Timestamp(data_start).date().isoformat(),
                            start=campaign.start.isoformat(), weeks=min_pre)
    pre = int(min(config.pre_weeks, history))
    retention = int(min(config.retention_days, 7 * post, 7 * pre))
    config = EffectConfig(pre_weeks=pre, post_weeks=post, retention_days=retention,
                          check_weeks=config.check_weeks, confidence=config.confidence,
                          method=config.method, min_group=config.min_group,
                          breakdowns=config.breakdowns)
    activity = read_activity(bind, start=campaign.start, pre_weeks=pre, post_weeks=post,
                             table_names=table_names, scope=scope)
    panel = build_panel(customers, activity, campaign, pre_weeks=pre, post_weeks=post,
                        retention_days=config.retention_days)
    result = estimate(panel, config)
    known = set(panel.customers.index)
    listed = list(campaign.targets)
    if in_scope is not None:
        inside = set(map(str, in_scope)) | known
        listed = [c for c in listed if c in inside]
    n_contacted = sum(1 for c in listed if c in known)
    return CampaignResult(campaign, result, n_contacted, len(listed) - n_contacted)


def measure_latest(bind: sa.Engine | sa.Connection, workspace: object, *,
                   scope: Scope | None = None, settings: object = None,
                   table_names: TableNames | None = None) -> CampaignResult | None:
    """The latest campaign of ``workspace``'s store that touches ``scope``, measured on the
    scope's customers (held-out group when it has one); ``None`` without one or when it
    cannot be measured (too recent, too few customers). The batch report's path.

    Parameters
    ----------
    settings : :class:`~segmentation.tiers.TierSettings` the customers are graded with
        at the start (network-wide); ``None``: the defaults.
    """
    import warnings

    from ..access import ALL
    from ..features import customer_view, date_range
    from ..tiers import score_customers
    from .store import CampaignStore, visible_campaigns

    scope = scope or ALL
    campaigns = CampaignStore.for_workspace(workspace).list()
    if not campaigns:  # nothing to read from the database
        return None
    first, last = date_range(bind, table_names)
    in_scope = None
    if not scope.is_all:
        in_scope = customer_view(bind, as_of=last, table_names=table_names,
                                 scope=scope).index.astype(str)
        campaigns = visible_campaigns(campaigns, scope, in_scope)
    if not campaigns:
        return None
    campaign = campaigns[0]
    view = customer_view(bind, as_of=pd.Timestamp(campaign.start) - pd.Timedelta(days=1),
                         table_names=table_names)
    with warnings.catch_warnings():  # grading notes belong to the tiers page
        warnings.simplefilter("ignore", UserWarning)
        customers = scope.apply(score_customers(view, settings))
    try:
        return measure(bind, campaign, customers, data_start=first.date(),
                       data_end=last.date(), table_names=table_names, scope=scope,
                       in_scope=in_scope)
    except CampaignError:
        return None
