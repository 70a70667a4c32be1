"""Churn warning: signals, reasons, a time-shifted model, an honest backtest, lifecycle stages.

Definitions (the page lets the user choose ``H`` and the lost cutoff):

* **Churn within H days.** A customer scored at ``as_of`` *churns* when they
  make no purchase (transaction with ``amount >= 0``, see
  :func:`segmentation.sql.is_purchase`) in the days ``(as_of, as_of + H]``.
  ``H`` is one of :data:`HORIZON_OPTIONS`; :func:`default_horizon` derives a
  default from the data's purchase cycle and the history available.
* **Lost.** A customer whose last purchase is more than ``lost_after_days``
  before ``as_of`` is *lost*: shown as lost, never as a warning, and left out
  of training and of the backtest (:func:`default_lost_after`).
* **Status.** ``"lost"`` as above; ``"warning"`` when ``churn_risk`` is at
  least the model's ``warning_threshold`` (0.5: churn is more likely than
  not); ``"ok"`` otherwise.

The model uses a *time-shifted design* so that it never learns from the
future it is judged on. For a model applied at ``as_of``:

* features are computed at the cutoff ``as_of - H`` from
  :func:`segmentation.features.customer_view` (which reads nothing dated after
  its ``as_of``), the explainable signals of :func:`churn_signals` and BG/NBD
  quantities (``p_alive``, expected purchases, CLV) fitted on that view only;
* labels are read with one separate query: who purchased in
  ``(as_of - H, as_of]``;
* the fitted model is then applied to the same features computed at ``as_of``.

:func:`backtest` shifts everything back once more: it trains with features at
``as_of - 2H`` and labels in ``(as_of - 2H, as_of - H]``, then scores at
``as_of - H`` and compares with what happened in ``(as_of - H, as_of]``, which
the model never saw. The baseline it must beat is the plain "days since the
last shipment".

Which score ranks is decided by evidence (:func:`score_churn`): the
:data:`CANDIDATES` are the time-shifted gradient boosting (:class:`ChurnModel`,
with BTYD quantities among its features), the BG/NBD probability of no
purchase in the next H days (needs no shifted labels), the recency rule and a
blend of ranks. :func:`backtest` judges every candidate that the history
allows on the latest window, ``(as_of - H, as_of]``; the chosen one beats the
recency rule on ROC-AUC without trailing it in the top 10 %, or the recency
rule ranks. The chosen score is calibrated on that backtest (isotonic, Platt
on small data). Too short a history for any check falls back to BG/NBD (or,
without repeat buyers, the recency rank) and says so; below
:data:`MIN_HISTORY_DAYS` days or :data:`MIN_CUSTOMERS` customers,
:class:`ChurnUnavailable` says what is missing.

Reasons per customer (:func:`reason_codes`) name the two or three signals
that stand out most on the risky side (or, for low-risk customers, the
reassuring side) against the whole customer base; :func:`render_reasons`
words the codes and their values in English or Chinese at the edge, so that
scoring never depends on the language.

Lifecycle stages (:func:`lifecycle_stages`) classify every customer at each
month end (new, active, at risk, lapsed, reactivated) and count the flows
between consecutive months.

Honest limits, as the backtest shows them:

* The calibration is learnt on the latest window, ``(as_of - H, as_of]``, and
  applied to the next one. When churn moves between windows (seasonality, a
  wave of departures) the probabilities are off by about as much; the ranking
  is not. The reliability curve of :class:`Backtest` is cross-fitted (each half
  calibrated on the other), so it shows the calibration's own noise, not the
  drift to the next window.
* The BG/NBD probability treats a customer without a repeat purchase as alive
  (its blind spot); only the rate term ranks those customers, which is why it
  competes on the backtest rather than being trusted by default.
* The reasons are the signals where a customer stands out most (population
  percentiles), not the model's internal attributions; they are guaranteed
  never to contradict the signal values or the customer's risk level.

Scale: the customer views and the label / same-season / lifecycle queries run
inside the database; BG/NBD and the classifier are fitted on seeded samples
(``sample_size``, 200,000 by default), the backtest judges a sample of that
size, and every customer is scored. The backtest's window is the final
model's training window, so its features and labels are computed once
(``bench/bench_churn.py`` times the whole :func:`score_churn` at 1,000,000
customers).

Nothing here imports Streamlit or reads the clock: ``as_of`` is an argument.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from . import i18n
from .clv import BetaGeoModel, btyd_summary, score_clv

# besides the view itself, its table lookup and fetch helpers: the label, complaint and
# lifecycle queries resolve tables and columns exactly as the view does
from .features import customer_view, data_as_of
from .sql import (
    as_text,
    connected,
    day_of,
    fetch,
    is_purchase,
    resolve_tables,
    transactions_source,
)

__all__ = [
    "CANDIDATES",
    "DEFAULT_CALLS_PER_BRANCH",
    "FEATURE_COLUMNS",
    "MIN_CUSTOMERS",
    "MIN_HISTORY_DAYS",
    "HORIZON_OPTIONS",
    "REASON_RULES",
    "SIGNAL_COLUMNS",
    "STAGES",
    "STATUSES",
    "Backtest",
    "Calibration",
    "ChurnModel",
    "ChurnResult",
    "ChurnUnavailable",
    "Lifecycle",
    "backtest",
    "call_list",
    "churn_features",
    "churn_labels",
    "churn_signals",
    "default_horizon",
    "default_lost_after",
    "history_days",
    "lifecycle_stages",
    "ranking_explanation",
    "ranking_metrics",
    "reason_candidates",
    "reason_codes",
    "reasons",
    "render_reasons",
    "score_churn",
    "top_share_metrics",
    "training_set",
    "typical_interval",
    "warning_list",
]

#: The horizons the page offers, in days.
HORIZON_OPTIONS: tuple[int, ...] = (30, 60, 90, 180)
#: The rankings :func:`backtest` compares, in display order.
CANDIDATES: tuple[str, ...] = ("gbm", "btyd", "recency", "blend")
#: Below this much history (days from the first transaction to ``as_of``) or
#: this many customers with a purchase, no churn warning is computed.
MIN_HISTORY_DAYS = 60
MIN_CUSTOMERS = 20
#: Days of history needed before the earliest feature day of a design.
_MIN_FEATURE_DAYS = 30
#: The time-shifted model needs this many training customers, this many of each outcome.
_MIN_GBM_TRAIN = 100
_MIN_GBM_CLASS = 10
#: A backtest judges rankings with at least this many customers of each outcome.
_MIN_BACKTEST_CLASS = 3
#: Isotonic calibration from this many backtest customers (and 50 of each outcome); Platt below.
_ISOTONIC_FROM = 1000
#: Customer statuses, in display order.
STATUSES: tuple[str, ...] = ("warning", "ok", "lost")
#: Lifecycle stages, in display order.
STAGES: tuple[str, ...] = ("new", "active", "reactivated", "at_risk", "lapsed")
#: ``from_stage`` of a flow for customers who had not bought yet at the previous month end.
NOT_YET = "not_yet"

#: Columns of :func:`churn_signals`, in order (see its docstring).
SIGNAL_COLUMNS: tuple[str, ...] = (
    "recency_days", "frequency", "usual_interval_days", "overdue_ratio", "interval_to_horizon",
    "frequency_recent", "frequency_prior", "frequency_change", "spend_change", "ticket_change",
    "satisfaction_from", "satisfaction_last", "satisfaction_drop",
    "complaints_open", "complaints_recent", "complaint_category", "tenure_days",
)

#: View and signal columns the classifier may use (those present at fit time).
#: ``customer_type`` and ``area_type`` are categorical; ``service_share_*`` and
#: ``channel_share_*`` columns are added when the view has them.
FEATURE_COLUMNS: tuple[str, ...] = (
    "recency_days", "frequency", "usual_interval_days", "overdue_ratio", "tenure_days",
    "monetary_total", "monetary_avg", "avg_interval_days", "refund_count",
    "frequency_recent", "frequency_prior", "frequency_change",
    "spend_recent", "spend_prior", "spend_change", "ticket_change",
    "n_surveys", "satisfaction_avg", "satisfaction_last", "satisfaction_from",
    "satisfaction_drop", "n_complaints", "complaints_recent", "complaints_open",
    "p_alive", "expected_purchases_12m", "expected_spend", "clv_12m", "p_no_purchase",
    "last_year_frequency",
)
_CATEGORICAL: tuple[str, ...] = ("customer_type", "area_type")
#: A cache of customer views keyed by ``(day, window_days)``.
ViewCache = MutableMapping[tuple[pd.Timestamp, int], pd.DataFrame]
_SHARE_PREFIXES: tuple[str, ...] = ("service_share_", "channel_share_")

#: Reason rules: a reason ``code`` is a candidate for a customer when
#: ``signal <op> threshold`` holds (``op`` ">=" or "<="); ``side`` says whether
#: it raises the risk ("risk") or reassures ("safe"). ``rank_by`` is the signal
#: whose population percentile orders the candidates; ``direction`` +1 when a
#: higher value is riskier (or, for a safe reason, safer). Text keys are
#: ``churn.reason.<code>``. Edit the thresholds here, not in code. Satisfaction
#: thresholds are on a 1-5 scale (other scales are mapped onto it).
REASON_RULES = pd.DataFrame(
    [
        ("overdue", "overdue_ratio", ">=", 1.5, "risk", "overdue_ratio", 1),
        ("infrequent", "interval_to_horizon", ">=", 1.0, "risk", "interval_to_horizon", 1),
        ("single_overdue", "overdue_ratio", ">=", 1.5, "risk", "overdue_ratio", 1),
        ("frequency_down", "frequency_change", "<=", -0.3, "risk", "frequency_change", -1),
        ("spend_down", "spend_change", "<=", -0.3, "risk", "spend_change", -1),
        ("ticket_down", "ticket_change", "<=", -0.2, "risk", "ticket_change", -1),
        ("satisfaction_down", "satisfaction_drop", ">=", 1.0, "risk", "satisfaction_drop", 1),
        ("satisfaction_low", "satisfaction_last", "<=", 2.0, "risk", "satisfaction_last", -1),
        ("complaints_open", "complaints_open", ">=", 1, "risk", "complaints_open", 1),
        ("complaints_recent", "complaints_recent", ">=", 1, "risk", "complaints_recent", 1),
        ("new_customer", "tenure_days", "<=", 90, "risk", "tenure_days", -1),
        ("recent", "overdue_ratio", "<=", 0.5, "safe", "overdue_ratio", -1),
        ("frequency_up", "frequency_change", ">=", 0.2, "safe", "frequency_change", 1),
        ("spend_up", "spend_change", ">=", 0.2, "safe", "spend_change", 1),
        ("satisfied", "satisfaction_last", ">=", 4.5, "safe", "satisfaction_last", 1),
        ("loyal", "tenure_days", ">=", 730, "safe", "tenure_days", 1),
    ],
    columns=["code", "signal", "op", "threshold", "side", "rank_by", "direction"],
)
#: Satisfaction thresholds in :data:`REASON_RULES` are on a 1-5 scale; scores
#: on 0-10 or 0-100 (see ``segmentation.cleaning.SCORE_SCALES``) are mapped onto it.
_SATISFACTION_SIGNALS = {"satisfaction_last": "level", "satisfaction_drop": "difference"}
_SCORE_SCALES: tuple[tuple[float, float], ...] = ((1.0, 5.0), (0.0, 10.0), (0.0, 100.0))
#: Extra condition per code on ``frequency`` (repeat vs one-time buyers).
_REPEAT_ONLY = {"overdue": True, "single_overdue": False}
#: A code listed here is dropped when the other one is already a candidate.
_SUPERSEDED_BY = {"complaints_recent": "complaints_open", "spend_down": "frequency_down",
                  "spend_up": "frequency_up"}
#: The reason shown for a high-risk customer without any risky candidate, and the
#: neutral one for any other customer without a candidate.
_FALLBACK_CODE = "quiet"
_NEUTRAL_CODE = "pace"

_MAX_REASONS = 3
#: Share of the training customers held out to calibrate the probabilities.
_CALIBRATION_SHARE = 0.25
#: With ``calibration_folds="auto"``: cross-calibrate with this many folds below
#: this many training customers, hold out a quarter from there on.
_CALIBRATION_FOLDS = 3
_CROSS_CALIBRATE_BELOW = 50_000
_TOP_SHARE = 0.1
#: Grade margins: the model must lead the baseline's ROC-AUC by this much to be "better".
_AUC_MARGIN = 0.01


# --------------------------------------------------------------------------- i18n

i18n.register({
    "churn.status.warning": {"en": "warning", "zh": "预警"},
    "churn.status.ok": {"en": "ok", "zh": "正常"},
    "churn.status.lost": {"en": "lost", "zh": "已流失"},
    "churn.stage.new": {"en": "new", "zh": "新客户"},
    "churn.stage.active": {"en": "active", "zh": "活跃"},
    "churn.stage.reactivated": {"en": "reactivated", "zh": "回流"},
    "churn.stage.at_risk": {"en": "at risk", "zh": "有流失风险"},
    "churn.stage.lapsed": {"en": "lapsed", "zh": "已沉睡"},
    "churn.stage.not_yet": {"en": "not yet a customer", "zh": "尚未成交"},
    "churn.stage_help.new": {
        "en": "first shipment in this month",
        "zh": "本月首次寄件"},
    "churn.stage_help.active": {
        "en": "shipping at about their usual pace",
        "zh": "按平时的节奏寄件"},
    "churn.stage_help.reactivated": {
        "en": "shipped again this month after a lapse of more than {days} days",
        "zh": "超过 {days} 天未寄件后，本月重新寄件"},
    "churn.stage_help.at_risk": {
        "en": "no shipment for more than {factor:g} times their usual interval",
        "zh": "未寄件时长已超过平时间隔的 {factor:g} 倍"},
    "churn.stage_help.lapsed": {
        "en": "no shipment for more than {days} days",
        "zh": "超过 {days} 天未寄件"},
    # reasons: one sentence each, numbers filled in per customer
    "churn.reason.overdue": {
        "en": "no shipment for {days} days (usually every {interval})",
        "zh": "已 {days} 天未寄件（平时约每 {interval} 天一次）"},
    "churn.reason.single_overdue": {
        "en": "only one shipment so far, {days} days ago (customers usually ship every "
              "{interval} days)",
        "zh": "至今仅寄件一次，距今 {days} 天（客户一般每 {interval} 天寄件一次）"},
    "churn.reason.infrequent": {
        "en": "ships rarely: usually every {interval} days",
        "zh": "寄件很少：平时约每 {interval} 天一次"},
    "churn.reason.recent_today": {
        "en": "shipped today (usually every {interval} days)",
        "zh": "今天刚寄过件（平时约每 {interval} 天一次）"},
    "churn.reason.pace": {
        "en": "last shipment {days} days ago (usually every {interval})",
        "zh": "上次寄件在 {days} 天前（平时约每 {interval} 天一次）"},
    "churn.reason.quiet": {
        "en": "no shipment for {days} days",
        "zh": "已 {days} 天未寄件"},
    "churn.reason.frequency_down": {
        "en": "shipments down {pct}% against the previous {window} days",
        "zh": "寄件次数比前 {window} 天减少 {pct}%"},
    "churn.reason.spend_down": {
        "en": "spend down {pct}% against the previous {window} days",
        "zh": "寄件金额比前 {window} 天减少 {pct}%"},
    "churn.reason.ticket_down": {
        "en": "spend per shipment down {pct}% (cheaper services or smaller parcels)",
        "zh": "单次寄件金额下降 {pct}%（改用更便宜的服务或寄件变小）"},
    "churn.reason.satisfaction_down": {
        "en": "satisfaction fell from {before} to {last}",
        "zh": "满意度从 {before} 降至 {last}"},
    "churn.reason.satisfaction_low": {
        "en": "last satisfaction score {last} of {top}",
        "zh": "最近一次满意度仅 {last} 分（满分 {top} 分）"},
    "churn.reason.complaints_open": {
        "en": "{n} open {complaints} ({category})",
        "zh": "{n} 件投诉未解决（{category}）"},
    "churn.reason.complaints_open_nocat": {
        "en": "{n} open {complaints}",
        "zh": "{n} 件投诉未解决"},
    "churn.reason.complaints_recent": {
        "en": "{n} {complaints} in the last {window} days ({category})",
        "zh": "近 {window} 天投诉 {n} 次（{category}）"},
    "churn.reason.complaints_recent_nocat": {
        "en": "{n} {complaints} in the last {window} days",
        "zh": "近 {window} 天投诉 {n} 次"},
    "churn.reason.new_customer": {
        "en": "new customer: first shipment {tenure} days ago",
        "zh": "新客户：首次寄件在 {tenure} 天前"},
    "churn.reason.recent": {
        "en": "shipped {days} days ago (usually every {interval})",
        "zh": "{days} 天前刚寄过件（平时约每 {interval} 天一次）"},
    "churn.reason.frequency_up": {
        "en": "shipments up {pct}% against the previous {window} days",
        "zh": "寄件次数比前 {window} 天增加 {pct}%"},
    "churn.reason.spend_up": {
        "en": "spend up {pct}% against the previous {window} days",
        "zh": "寄件金额比前 {window} 天增加 {pct}%"},
    "churn.reason.satisfied": {
        "en": "satisfied: last survey score {last} of {top}",
        "zh": "满意：最近一次评分 {last} 分（满分 {top} 分）"},
    "churn.reason.loyal": {
        "en": "customer for {years} years",
        "zh": "已合作 {years} 年"},
    "churn.reason.lost": {
        "en": "lost: no shipment for {days} days",
        "zh": "已流失：{days} 天未寄件"},
    # short labels of the reason codes (filters, legends)
    "churn.reason_label.overdue": {"en": "overdue", "zh": "超期未寄件"},
    "churn.reason_label.single_overdue": {"en": "one-time buyer, overdue",
                                          "zh": "仅寄一次且已超期"},
    "churn.reason_label.infrequent": {"en": "ships rarely", "zh": "寄件稀少"},
    "churn.reason_label.pace": {"en": "no change", "zh": "无明显变化"},
    "churn.reason_label.quiet": {"en": "quiet", "zh": "近期未寄件"},
    "churn.reason_label.frequency_down": {"en": "fewer shipments", "zh": "寄件减少"},
    "churn.reason_label.spend_down": {"en": "lower spend", "zh": "金额下降"},
    "churn.reason_label.ticket_down": {"en": "cheaper shipments", "zh": "单票金额下降"},
    "churn.reason_label.satisfaction_down": {"en": "satisfaction falling", "zh": "满意度下降"},
    "churn.reason_label.satisfaction_low": {"en": "low satisfaction", "zh": "满意度低"},
    "churn.reason_label.complaints_open": {"en": "open complaints", "zh": "投诉未解决"},
    "churn.reason_label.complaints_recent": {"en": "recent complaints", "zh": "近期投诉"},
    "churn.reason_label.new_customer": {"en": "new customer", "zh": "新客户"},
    "churn.reason_label.recent": {"en": "shipped recently", "zh": "近期寄过件"},
    "churn.reason_label.frequency_up": {"en": "more shipments", "zh": "寄件增加"},
    "churn.reason_label.spend_up": {"en": "higher spend", "zh": "金额上升"},
    "churn.reason_label.satisfied": {"en": "satisfied", "zh": "满意"},
    "churn.reason_label.loyal": {"en": "long-standing customer", "zh": "老客户"},
    "churn.reason_label.lost": {"en": "lost", "zh": "已流失"},
    # complaint categories of the data contract's examples; others are shown as stored
    "churn.category.delay": {"en": "delay", "zh": "延误"},
    "churn.category.damage": {"en": "damage", "zh": "破损"},
    "churn.category.loss": {"en": "loss", "zh": "丢件"},
    "churn.category.attitude": {"en": "attitude", "zh": "服务态度"},
    "churn.category.billing": {"en": "billing", "zh": "计费"},
    # signals (column headers and help)
    "churn.signal.recency_days": {"en": "days since last shipment", "zh": "距上次寄件天数"},
    "churn.signal.frequency": {"en": "shipment days", "zh": "寄件天数"},
    "churn.signal.usual_interval_days": {"en": "usual interval (days)",
                                         "zh": "平时寄件间隔（天）"},
    "churn.signal.overdue_ratio": {"en": "overdue ratio", "zh": "超期倍数"},
    "churn.signal.interval_to_horizon": {"en": "usual interval / horizon",
                                         "zh": "平时间隔 / 预测期"},
    "churn.signal.frequency_recent": {"en": "shipment days, recent window",
                                      "zh": "近期寄件天数"},
    "churn.signal.frequency_prior": {"en": "shipment days, prior window",
                                     "zh": "前期寄件天数"},
    "churn.signal.frequency_change": {"en": "change in shipments", "zh": "寄件次数变化"},
    "churn.signal.spend_change": {"en": "change in spend", "zh": "寄件金额变化"},
    "churn.signal.ticket_change": {"en": "change in spend per shipment",
                                   "zh": "单次寄件金额变化"},
    "churn.signal.satisfaction_from": {"en": "earlier satisfaction", "zh": "此前满意度"},
    "churn.signal.satisfaction_last": {"en": "last satisfaction", "zh": "最近满意度"},
    "churn.signal.satisfaction_drop": {"en": "satisfaction drop", "zh": "满意度降幅"},
    "churn.signal.complaints_open": {"en": "open complaints", "zh": "未解决投诉"},
    "churn.signal.complaints_recent": {"en": "recent complaints", "zh": "近期投诉"},
    "churn.signal.complaint_category": {"en": "last complaint category",
                                        "zh": "最近投诉类别"},
    "churn.signal.tenure_days": {"en": "days since first shipment", "zh": "首次寄件至今天数"},
    # output columns
    "churn.column.churn_risk": {"en": "churn risk", "zh": "流失风险"},
    "churn.column.value_at_risk": {"en": "value at risk", "zh": "风险价值"},
    "churn.column.risk_reasons": {"en": "reasons", "zh": "预警原因"},
    "churn.column.status": {"en": "status", "zh": "状态"},
    # backtest
    "churn.backtest.calibration": {
        "en": "Calibration: on average the model predicted {predicted} churn and {observed} "
              "of these customers churned.",
        "zh": "校准：模型平均预测流失率 {predicted}，实际流失率 {observed}。"},
    "churn.backtest.design": {
        "en": "Trained on features at {train_cutoff} with what happened up to "
              "{eval_cutoff}; judged on features at {eval_cutoff} against what happened "
              "up to {as_of}, which the model never saw.",
        "zh": "用 {train_cutoff} 的特征及其后至 {eval_cutoff} 的结果训练；再用 "
              "{eval_cutoff} 的特征预测、与截至 {as_of} 的实际结果对比（模型训练时从未见过）。"},
    "churn.backtest.design_label_free": {
        "en": "Judged on features at {eval_cutoff} against what happened up to {as_of}, "
              "which none of the rankings saw.",
        "zh": "用 {eval_cutoff} 的特征预测，与截至 {as_of} 的实际结果对比"
              "（各种排序都未见过这些结果）。"},
    "churn.metric.roc_auc": {"en": "ROC-AUC", "zh": "ROC-AUC"},
    "churn.metric.precision_top10": {"en": "precision in top 10%", "zh": "前 10% 命中率"},
    "churn.metric.recall_top10": {"en": "recall in top 10%", "zh": "前 10% 覆盖率"},
    "churn.metric.lift_top10": {"en": "lift in top 10%", "zh": "前 10% 提升度"},
    "churn.metric.base_rate": {"en": "churn rate", "zh": "流失率"},
    "churn.metric.n": {"en": "customers", "zh": "客户数"},
    # candidates and the choice between them
    "churn.candidate.gbm": {"en": "time-shifted model (gradient boosting)",
                            "zh": "时移模型（梯度提升）"},
    "churn.candidate.btyd": {"en": "BG/NBD probability of no purchase",
                             "zh": "BG/NBD 未购买概率"},
    "churn.candidate.recency": {"en": "days since the last shipment", "zh": "距上次寄件天数"},
    "churn.candidate.blend": {"en": "blend of ranks", "zh": "排名组合"},
    "churn.why.best": {
        "en": "Ranked by the {model}: the best of {n} rankings checked on the latest {horizon} "
              "days (ROC-AUC {auc} against {auc_base} for days since the last shipment; "
              "{prec} against {prec_base} churned in the top 10%).",
        "zh": "按{model}排序：在最近 {horizon} 天的回测中，它是 {n} 种排序里最好的"
              "（ROC-AUC {auc}，按距上次寄件天数为 {auc_base}；风险最高的 10% 中实际流失 "
              "{prec}，对比 {prec_base}）。"},
    "churn.why.no_better": {
        "en": "Ranked by days since the last shipment: no model beat it on the latest {horizon} "
              "days (best: the {best}, ROC-AUC {auc} against {auc_base}; top 10% {prec} "
              "against {prec_base}).",
        "zh": "按距上次寄件天数排序：在最近 {horizon} 天的回测中没有模型胜过它"
              "（最好的是{best}，ROC-AUC {auc} 对 {auc_base}；前 10% 命中率 {prec} 对 "
              "{prec_base}）。"},
    "churn.why.no_outcome": {
        "en": "Ranked by the {model}, unchecked: in the latest {horizon} days {outcome}, so "
              "no ranking could be compared with what happened.",
        "zh": "按{model}排序（未经检验）：最近 {horizon} 天内{outcome}，无法用实际结果比较"
              "各种排序。"},
    "churn.why.outcome_all": {"en": "every customer checked churned",
                              "zh": "所有被检验的客户都流失了"},
    "churn.why.outcome_none": {"en": "no customer checked churned",
                               "zh": "没有被检验的客户流失"},
    "churn.why.outcome_few": {"en": "too few customers churned or stayed ({churned} and "
                                    "{stayed})",
                              "zh": "流失或留存的客户太少（分别为 {churned} 和 {stayed} 位）"},
    "churn.why.short": {
        "en": "Ranked by the {model}, unchecked: checking a {horizon}-day warning needs "
              "{need} days of history and the data cover {have}; the BG/NBD probability "
              "needs no past outcomes. Load more history for a checked ranking.",
        "zh": "按{model}排序（未经检验）：检验 {horizon} 天的预警需要 {need} 天历史数据，"
              "当前数据仅覆盖 {have} 天；BG/NBD 概率无需历史结果。导入更长的历史数据即可"
              "得到经过检验的排序。"},
    "churn.why.rank_only": {
        "en": "Ranked by days since the last shipment, unchecked; the risk shown is the "
              "customer's rank between 0 and 1, not a probability: {detail}. Load more "
              "history for a checked probability.",
        "zh": "按距上次寄件天数排序（未经检验）；显示的风险是客户在 0 到 1 之间的排名，"
              "并非概率：{detail}。导入更长的历史数据即可得到经过检验的概率。"},
    "churn.why.rank_note": {
        "en": "The risk shown is the customer's rank between 0 and 1, not a probability.",
        "zh": "显示的风险是客户在 0 到 1 之间的排名，并非概率。"},
    "churn.why.no_btyd": {"en": "BG/NBD cannot be fitted without repeat buyers",
                          "zh": "没有重复购买的客户，无法拟合 BG/NBD"},
    "churn.why.calibrated": {
        "en": "Its probabilities are calibrated on that backtest ({method}).",
        "zh": "其概率已在该回测上校准（{method}）。"},
    "churn.calibration.isotonic": {"en": "isotonic regression", "zh": "保序回归"},
    "churn.calibration.platt": {"en": "Platt scaling", "zh": "Platt 缩放"},
    "churn.unused.history": {
        "en": "The time-shifted model was not trained: it needs {need} days of history for a "
              "{horizon}-day horizon and the data cover {have} (a shorter horizon or more "
              "history makes it possible).",
        "zh": "未训练时移模型：{horizon} 天的预测期需要 {need} 天历史数据，当前数据仅覆盖 "
              "{have} 天（缩短预测期或导入更长历史即可）。"},
    "churn.unused.few": {
        "en": "The time-shifted model was not trained: only {n} customers to learn from "
              "(it needs {min}, with at least {min_class} of each outcome).",
        "zh": "未训练时移模型：可供学习的客户只有 {n} 位（至少需要 {min} 位，且流失与留存"
              "各不少于 {min_class} 位）。"},
    "churn.unused.failed": {
        "en": "The time-shifted model could not be trained ({detail}).",
        "zh": "时移模型训练失败（{detail}）。"},
    "churn.unused.btyd": {
        "en": "The BG/NBD probability is not available: no customer bought twice.",
        "zh": "BG/NBD 概率不可用：没有客户购买过两次。"},
    "churn.unavailable.history": {
        "en": "Churn warnings need at least {min} days of history; the data cover {days} days "
              "({start} to {as_of}). Load a longer history or choose a later analysis date.",
        "zh": "流失预警至少需要 {min} 天的历史数据；当前数据仅覆盖 {days} 天（{start} 至 "
              "{as_of}）。请导入更长的历史数据或选择更晚的分析日期。"},
    "churn.unavailable.customers": {
        "en": "Churn warnings need at least {min} customers with a purchase; the data have "
              "{n}. Load the whole branch or network, or widen the filters.",
        "zh": "流失预警至少需要 {min} 位有购买记录的客户；当前数据只有 {n} 位。请导入整个网点"
              "或全网数据，或放宽筛选条件。"},
    "churn.definition": {
        "en": "A customer churns when they make no shipment in the {horizon} days after the "
              "analysis date; customers without a shipment for more than {lost} days count "
              "as lost.",
        "zh": "分析日之后 {horizon} 天内没有寄件即视为流失；超过 {lost} 天未寄件的客户视为"
              "已流失客户。"},
})


# --------------------------------------------------------------------------- defaults


def typical_interval(view: pd.DataFrame) -> float:
    """The median ``avg_interval_days`` of repeat buyers (``frequency >= 2``); NaN if none.

    The typical purchase cycle of the customer base, used for the default
    horizon and as the expected interval of one-time buyers.
    """
    _require(view, ("frequency", "avg_interval_days"))
    rep = view["avg_interval_days"].to_numpy(dtype="float64")[
        view["frequency"].to_numpy() >= 2]
    rep = rep[np.isfinite(rep)]
    return float(np.median(rep)) if len(rep) else math.nan


def history_days(view: pd.DataFrame) -> int:
    """Days from the first transaction in the view to its ``as_of`` (0 for an empty view)."""
    _require(view, ("first_date",))
    if view.empty or "as_of" not in view.attrs:
        return 0
    first = pd.to_datetime(view["first_date"]).min()
    return int((as_day(view.attrs["as_of"]) - first).days) if pd.notna(first) else 0


def _shifted_need(horizon_days: int) -> int:
    """History the time-shifted model needs to be trained and checked: ``2 H`` plus a month."""
    return 2 * int(horizon_days) + _MIN_FEATURE_DAYS


def _backtest_need(horizon_days: int) -> int:
    """History a backtest of the label-free rankings needs: ``H`` plus a month."""
    return int(horizon_days) + _MIN_FEATURE_DAYS


def default_horizon(view: pd.DataFrame, *, history: int | None = None) -> int:
    """The default churn horizon H, from the purchase cycle and the history available.

    The cycle: the smallest of :data:`HORIZON_OPTIONS` (30, 60, 90, 180) that
    is at least 2 x :func:`typical_interval` (the median purchase interval of
    repeat buyers), so that a customer on their usual rhythm would normally buy
    twice within the horizon and one missed purchase is not yet "churn"; the
    largest option (180) when the cycle is longer, or when there are no repeat
    buyers to measure it.

    The history: the time-shifted model is trained on features at ``as_of - H``
    and checked on features at ``as_of - 2 H``, so it needs ``2 H + 30`` days.
    When ``history`` (days, see :func:`history_days`) is given, H is the
    largest option up to the cycle's that fits; the smallest option when none
    does (the label-free rankings then take over, see :func:`score_churn`).

    Parameters
    ----------
    view : customer view with ``frequency`` and ``avg_interval_days``.
    history : days of history; ``None`` ignores it.

    Returns
    -------
    int, one of :data:`HORIZON_OPTIONS`.
    """
    cycle = typical_interval(view)
    by_cycle = HORIZON_OPTIONS[-1]
    if np.isfinite(cycle):
        by_cycle = next((h for h in HORIZON_OPTIONS if h >= 2 * cycle), HORIZON_OPTIONS[-1])
    if history is None:
        return by_cycle
    fitting = [h for h in HORIZON_OPTIONS if h <= by_cycle and _shifted_need(h) <= history]
    return max(fitting) if fitting else HORIZON_OPTIONS[0]


class ChurnUnavailable(ValueError):
    """Too little data for any churn warning; :meth:`message` says what is missing.

    ``code`` is "history" or "customers" (text key ``churn.unavailable.<code>``).
    """

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        return i18n.t(f"churn.unavailable.{self.code}", lang, **self.params)


def check_enough_data(view: pd.DataFrame) -> None:
    """Raise :class:`ChurnUnavailable` below :data:`MIN_HISTORY_DAYS` / :data:`MIN_CUSTOMERS`."""
    buyers = int((view["frequency"].to_numpy() > 0).sum()) if "frequency" in view else 0
    if buyers < MIN_CUSTOMERS:
        raise ChurnUnavailable("customers", min=MIN_CUSTOMERS, n=buyers)
    days = history_days(view)
    if days < MIN_HISTORY_DAYS:
        as_of = as_day(view.attrs["as_of"])
        raise ChurnUnavailable("history", min=MIN_HISTORY_DAYS, days=days,
                               start=(as_of - pd.Timedelta(days=days)).date().isoformat(),
                               as_of=as_of.date().isoformat())


def default_lost_after(view: pd.DataFrame, horizon_days: int) -> int:
    """The default "lost" cutoff in days: ``max(2 H, 90th percentile of intervals)``.

    A customer is lost when they have not bought for longer than two horizons
    *and* longer than nine in ten repeat buyers' usual interval (so that the
    rare but regular shippers are not written off), rounded up to a multiple of
    30 days.

    Parameters
    ----------
    view : customer view with ``frequency`` and ``avg_interval_days``.
    horizon_days : the churn horizon H.
    """
    _require(view, ("frequency", "avg_interval_days"))
    rep = view["avg_interval_days"].to_numpy(dtype="float64")[
        view["frequency"].to_numpy() >= 2]
    rep = rep[np.isfinite(rep)]
    q90 = float(np.quantile(rep, 0.9)) if len(rep) else 0.0
    days = max(2 * int(horizon_days), q90)
    return int(math.ceil(days / 30.0) * 30)


def _require(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the customer view lacks the column(s) {missing}; build it with "
                         "segmentation.features.customer_view")


def _check_horizon(horizon_days: int) -> int:
    if int(horizon_days) != horizon_days or horizon_days < 1:
        raise ValueError(f"horizon_days must be a positive whole number of days, got "
                         f"{horizon_days!r}")
    return int(horizon_days)


# --------------------------------------------------------------------------- signals


def churn_signals(view: pd.DataFrame, *, horizon_days: int | None = None,
                  typical_interval_days: float | None = None,
                  complaint_category: pd.Series | None = None) -> pd.DataFrame:
    """The explainable warning signals per customer, each readable in one sentence.

    Parameters
    ----------
    view : customer view (:func:`segmentation.features.customer_view`) at some
        ``as_of``; its ``attrs["as_of"]`` and ``attrs["window_days"]`` are used.
    horizon_days : the churn horizon H, for ``interval_to_horizon`` (NaN without).
    typical_interval_days : the expected interval of one-time buyers and the
        prior of the usual interval; default :func:`typical_interval` of
        ``view`` (a fitted :class:`ChurnModel` passes the value it learned).
    complaint_category : optional category of each customer's latest
        complaint (indexed by ``customer_id``), only used to word reasons.

    Returns
    -------
    DataFrame
        Indexed like ``view``, ``float64`` unless noted, columns
        :data:`SIGNAL_COLUMNS`:

        - ``recency_days``: days since the last purchase (since the last
          transaction of any kind for a customer without purchases).
        - ``frequency``: purchase days so far (``int64``).
        - ``usual_interval_days``: the customer's usual gap between purchase
          days, ``(last - first purchase day + typical) / frequency``: the own
          average gap with one typical gap mixed in, so that two purchases a
          day apart do not make an "every day" customer. One-time buyers get
          the typical interval.
        - ``overdue_ratio``: ``recency_days / usual_interval_days`` (1 = due
          now, 3 = three usual gaps without a purchase).
        - ``interval_to_horizon``: ``usual_interval_days / H``; at 1 or more
          the customer's normal rhythm alone makes a quiet horizon likely.
        - ``frequency_recent`` / ``frequency_prior``: purchase days in the
          recent / prior window (``int64``).
        - ``frequency_change`` / ``spend_change``: the view's
          ``frequency_trend`` / ``spend_trend`` (recent window against the
          prior one; -0.7 = down 70 %); NaN without a prior base.
        - ``ticket_change``: spend per purchase day in the recent window
          against the prior one, minus 1. Negative when the customer moves to
          cheaper services or smaller parcels (the view's service shares cover
          the whole history, so a switch shows here, in the money). NaN
          unless both windows have purchases and positive spend.
        - ``satisfaction_from``: the average score of the earlier surveys
          (``(n * avg - last) / (n - 1)``, exact when the last survey day had
          one survey); ``satisfaction_last``: the score of the last survey day;
          ``satisfaction_drop`` = ``from - last`` (positive = fell). NaN
          without a surveys table; ``from`` / ``drop`` NaN with fewer than two
          surveys.
        - ``complaints_open`` / ``complaints_recent``: open complaints /
          complaints in the recent window; NaN without a complaints table
          (``complaints_open`` also without its status columns).
        - ``complaint_category``: text (``str``), the latest complaint's
          category when ``complaint_category`` is given, else missing.
        - ``tenure_days``: days since the first purchase.

        ``attrs``: ``as_of``, ``window_days``, ``typical_interval_days``,
        ``horizon_days``, ``satisfaction_scale`` (``(low, high)``: 1-5, 0-10
        or 0-100, the smallest holding 95 % of the last scores).
    """
    _require(view, ("recency_days", "frequency", "last_purchase_date", "first_purchase_date",
                    "frequency_recent", "frequency_prior", "frequency_trend", "spend_trend",
                    "spend_recent", "spend_prior"))
    as_of = pd.Timestamp(view.attrs.get("as_of")) if "as_of" in view.attrs else None
    if as_of is None:
        raise ValueError("the view has no attrs['as_of']; build it with customer_view")
    typical = (typical_interval(view) if typical_interval_days is None
               else float(typical_interval_days))
    if not np.isfinite(typical) or typical <= 0:
        typical = float(HORIZON_OPTIONS[-1])  # no repeat buyers: a long cycle is the safe guess
    day = np.timedelta64(1, "D")
    as_of64 = np.datetime64(as_of.to_datetime64(), "ns")
    last = view["last_purchase_date"].to_numpy(dtype="datetime64[ns]")
    first = view["first_purchase_date"].to_numpy(dtype="datetime64[ns]")
    recency = (as_of64 - last) / day
    recency = np.where(np.isnan(recency), view["recency_days"].to_numpy(dtype="float64"),
                       recency)
    freq = view["frequency"].to_numpy(dtype="int64")
    span = np.nan_to_num((last - first) / day)
    usual = np.where(freq >= 1, (span + typical) / np.maximum(freq, 1), typical)
    f_recent = view["frequency_recent"].to_numpy(dtype="int64")
    f_prior = view["frequency_prior"].to_numpy(dtype="int64")
    s_recent = view["spend_recent"].to_numpy(dtype="float64")
    s_prior = view["spend_prior"].to_numpy(dtype="float64")
    valid = (f_recent > 0) & (f_prior > 0) & (s_recent > 0) & (s_prior > 0)
    ticket = np.full(len(view), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ticket[valid] = ((s_recent[valid] / f_recent[valid])
                         / (s_prior[valid] / f_prior[valid]) - 1.0)
    out: dict[str, object] = {
        "recency_days": recency,
        "frequency": freq,
        "usual_interval_days": usual,
        "overdue_ratio": recency / usual,
        "interval_to_horizon": usual / horizon_days if horizon_days else np.full(len(view),
                                                                                 np.nan),
        "frequency_recent": f_recent,
        "frequency_prior": f_prior,
        "frequency_change": view["frequency_trend"].to_numpy(dtype="float64"),
        "spend_change": view["spend_trend"].to_numpy(dtype="float64"),
        "ticket_change": ticket,
    }
    nan = np.full(len(view), np.nan)
    if {"n_surveys", "satisfaction_avg", "satisfaction_last"} <= set(view.columns):
        n = view["n_surveys"].to_numpy(dtype="float64")
        avg = view["satisfaction_avg"].to_numpy(dtype="float64")
        last_score = view["satisfaction_last"].to_numpy(dtype="float64")
        before = np.full(len(view), np.nan)
        two = n >= 2
        before[two] = (n[two] * avg[two] - last_score[two]) / (n[two] - 1)
        out.update(satisfaction_from=before, satisfaction_last=last_score,
                   satisfaction_drop=before - last_score)
    else:
        out.update(satisfaction_from=nan, satisfaction_last=nan, satisfaction_drop=nan)
    for col in ("complaints_open", "complaints_recent"):
        out[col] = view[col].to_numpy(dtype="float64") if col in view.columns else nan
    if complaint_category is not None:
        category = pd.Series(complaint_category, copy=False)
        category.index = category.index.astype("str")
        out["complaint_category"] = category.reindex(view.index).astype("str").array
    else:
        out["complaint_category"] = pd.array([None] * len(view), dtype="str")
    out["tenure_days"] = (as_of64 - first) / day
    signals = pd.DataFrame(out, index=view.index)[list(SIGNAL_COLUMNS)]
    scale = _score_scale(out["satisfaction_last"])
    signals.attrs.update(as_of=as_of, window_days=int(view.attrs.get("window_days", 90)),
                         typical_interval_days=typical, horizon_days=horizon_days,
                         satisfaction_scale=scale)
    return signals


# --------------------------------------------------------------------------- features & labels


def as_day(value) -> pd.Timestamp:
    day = pd.Timestamp(value)
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return day.normalize()


def _resolve_as_of(bind, as_of, table_names) -> pd.Timestamp:
    return data_as_of(bind, table_names) if as_of is None else as_day(as_of)


def _latest_complaint_category(bind, *, as_of: pd.Timestamp,
                               table_names: Mapping[str, str] | None) -> pd.Series | None:
    """Per customer, the category of the latest complaint dated on or before ``as_of``."""
    with connected(bind) as conn:
        found = resolve_tables(conn, table_names)
        src = found.get("complaints")
        if src is None or not src.has("customer_id", "date", "category"):
            return None
        cid, date, cat = src.c("customer_id"), src.c("date"), src.c("category")
        end = sa.bindparam("end_excl", (as_of + pd.Timedelta(days=1)).date(), type_=sa.Date())
        query = (sa.select(cid.label("customer_id"), cat.label("category"),
                           sa.func.max(day_of(date)).label("day"))
                 .select_from(src.table)
                 .where(date < end, cid.is_not(None), cat.is_not(None))
                 .group_by(cid, cat))
        raw = fetch(conn, query)
    if raw.empty:
        return pd.Series([], dtype="str", index=pd.Index([], dtype="str", name="customer_id"))
    raw["customer_id"] = as_text(raw["customer_id"])
    raw["category"] = as_text(raw["category"])
    raw["day"] = pd.to_datetime(raw["day"])
    # latest day wins; on the same day the category first in text order
    raw = raw.sort_values(["customer_id", "day", "category"], ascending=[True, False, True])
    latest = raw.drop_duplicates("customer_id")
    return pd.Series(latest["category"].to_numpy(), index=pd.Index(
        latest["customer_id"].to_numpy(), dtype="str", name="customer_id"), dtype="str")


def churn_features(bind: sa.Engine | sa.Connection, *, as_of, horizon_days: int = 90,
                   window_days: int = 90, typical_interval_days: float | None = None,
                   table_names: Mapping[str, str] | None = None,
                   view: pd.DataFrame | None = None, views: ViewCache | None = None,
                   sample_size: int | None = 200_000, random_state: int = 7) -> pd.DataFrame:
    """Everything the churn model knows about each customer at ``as_of``.

    Reads only data dated on or before ``as_of``: the customer view at
    ``as_of``, the :func:`churn_signals` computed from it, BG/NBD and
    Gamma-Gamma quantities (:func:`segmentation.clv.score_clv`) fitted on that
    view alone, the latest complaint category, and the customer's purchases in
    the same season a year earlier.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : the day the features describe.
    horizon_days : H, for the same-season feature (at most 365).
    window_days : W of the recent / prior windows of the view.
    typical_interval_days : passed to :func:`churn_signals`.
    table_names : canonical table -> actual name, as in ``customer_view``.
    view : the customer view at ``as_of`` with ``window_days``, when the
        caller already has it (saves the aggregation).
    views : a cache of customer views keyed by ``(day, window_days)``: read
        first, filled with the view computed here (lets a pipeline that needs
        the same day twice aggregate it once).
    sample_size, random_state : the BG/NBD / Gamma-Gamma sample (see ``score_clv``).

    Returns
    -------
    DataFrame
        The view's columns, then the signal columns (replacing view columns of
        the same name), then ``p_alive``, ``expected_purchases_12m``,
        ``expected_spend``, ``clv_12m``, then ``last_year_frequency``: purchase
        days in ``(as_of - 365, as_of - 365 + H]``, the window a year before
        the one being predicted (NaN for customers whose first purchase came
        later). It carries the season: the model learns at one time of year
        and is applied at another, and "did they ship at this time last year"
        tells it how the coming months usually go for this customer.
        Indexed by ``customer_id``.
    """
    day = as_day(as_of)
    horizon = _check_horizon(horizon_days)
    if horizon > 365:
        raise ValueError(f"horizon_days must be at most 365, got {horizon}")
    if view is None and views is not None:
        view = views.get((day, int(window_days)))
    if view is None:
        view = customer_view(bind, as_of=day, window_days=window_days, table_names=table_names)
        if views is not None:
            views[(day, int(window_days))] = view
    elif as_day(view.attrs.get("as_of", day)) != day:
        raise ValueError("the view passed was built for another as_of")
    category = _latest_complaint_category(bind, as_of=day, table_names=table_names)
    signals = churn_signals(view, horizon_days=horizon,
                            typical_interval_days=typical_interval_days,
                            complaint_category=category)
    clv = score_clv(view, as_of=day, sample_size=sample_size, random_state=random_state)
    clv["p_no_purchase"] = _p_no_purchase(view, clv.attrs.get("bgnbd"), as_of=day,
                                          horizon_days=horizon)
    keep = [c for c in view.columns if c not in signals.columns and c not in clv.columns]
    features = pd.concat([view[keep], signals, clv], axis=1)
    year_ago = day - pd.Timedelta(days=365)
    counts = _purchase_days(bind, after=year_ago, until=year_ago + pd.Timedelta(days=horizon),
                            index=features.index, table_names=table_names)
    first = features["first_purchase_date"].to_numpy(dtype="datetime64[ns]")
    existed = first <= np.datetime64(year_ago.to_datetime64(), "ns")
    features["last_year_frequency"] = np.where(existed, counts.to_numpy(dtype="float64"),
                                               np.nan)
    features.attrs.update(view.attrs)
    features.attrs.update(signals.attrs)
    features.attrs["horizon_days"] = horizon
    return features


def _p_no_purchase(view: pd.DataFrame, params: Mapping[str, float] | None, *,
                   as_of: pd.Timestamp, horizon_days: int, unit_days: float = 7.0) -> np.ndarray:
    """BG/NBD probability of no purchase in the next H days (NaN without a fitted BG/NBD)."""
    if not params or view.empty:
        return np.full(len(view), np.nan)
    summary = btyd_summary(view, as_of=as_of, unit_days=unit_days)
    bg = BetaGeoModel()
    bg.r_, bg.alpha_, bg.a_, bg.b_ = (float(params[k]) for k in ("r", "alpha", "a", "b"))
    return bg.p_no_purchase(horizon_days / unit_days, summary["frequency_btyd"],
                            summary["recency_btyd"], summary["T_btyd"])


def _purchase_days(bind: sa.Engine | sa.Connection, *, after: pd.Timestamp,
                   until: pd.Timestamp, index: pd.Index,
                   table_names: Mapping[str, str] | None) -> pd.Series:
    """Distinct purchase days per customer of ``index`` in the days ``(after, until]``."""
    with connected(bind) as conn:
        tx = transactions_source(resolve_tables(conn, table_names), table_names)
        cid, date = tx.c("customer_id"), tx.c("date")
        lo = sa.bindparam("window_start", (after + pd.Timedelta(days=1)).date(),
                          type_=sa.Date())
        hi = sa.bindparam("window_end", (until + pd.Timedelta(days=1)).date(), type_=sa.Date())
        query = (sa.select(cid.label("customer_id"),
                           sa.func.count(sa.distinct(day_of(date))).label("days"))
                 .select_from(tx.table)
                 .where(date >= lo, date < hi, is_purchase(tx.c("amount")), cid.is_not(None))
                 .group_by(cid))
        raw = fetch(conn, query)
    counts = pd.Series(pd.to_numeric(raw["days"]).to_numpy(dtype="int64"),
                       index=pd.Index(as_text(raw["customer_id"]), dtype="str"))
    return counts.reindex(pd.Index(index, copy=False).astype("str"), fill_value=0)


def churn_labels(bind: sa.Engine | sa.Connection, *, start, horizon_days: int,
                 index: pd.Index, table_names: Mapping[str, str] | None = None) -> pd.Series:
    """Who churned: no purchase in the days ``(start, start + H]``.

    One small query (purchase days per customer in the window). This is the
    only place that reads data after ``start``.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    start : the cutoff; the window starts the day after it.
    horizon_days : H.
    index : the customers to label (``customer_id`` as text).
    table_names : canonical table -> actual name.

    Returns
    -------
    Series of bool, indexed like ``index``, named ``churned``: True when the
    customer made no purchase in the window.
    """
    horizon = _check_horizon(horizon_days)
    start = as_day(start)
    days = _purchase_days(bind, after=start, until=start + pd.Timedelta(days=horizon),
                          index=index, table_names=table_names)
    return pd.Series(days.to_numpy() == 0, index=index, name="churned")


def training_set(bind: sa.Engine | sa.Connection, *, as_of, horizon_days: int,
                 lost_after_days: int | None = None, window_days: int = 90,
                 table_names: Mapping[str, str] | None = None, views: ViewCache | None = None,
                 sample_size: int | None = 200_000, random_state: int = 7
                 ) -> tuple[pd.DataFrame, pd.Series]:
    """Features at the cutoff ``as_of - H`` and labels from ``(as_of - H, as_of]``.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : the last day whose data may be used (the labels end here).
    horizon_days : H.
    lost_after_days : customers lapsed longer than this at the cutoff are
        dropped (they are "lost", not churn candidates); default
        :func:`default_lost_after` of the cutoff's view.
    window_days, table_names, views, sample_size, random_state : as in
        :func:`churn_features`.

    Returns
    -------
    (features, labels)
        ``features``: :func:`churn_features` at the cutoff for every customer
        who is not lost there (all rows, never sampled), ``attrs`` with
        ``cutoff``, ``lost_after_days`` and ``n_lost`` / ``lost_churn_rate``
        (the customers left out and how many of them did not come back);
        ``labels``: :func:`churn_labels` for those customers.
    """
    horizon = _check_horizon(horizon_days)
    cutoff = as_day(as_of) - pd.Timedelta(days=horizon)
    features = churn_features(bind, as_of=cutoff, horizon_days=horizon,
                              window_days=window_days, table_names=table_names, views=views,
                              sample_size=sample_size, random_state=random_state)
    lost_after = (default_lost_after(features, horizon) if lost_after_days is None
                  else int(lost_after_days))
    labels = churn_labels(bind, start=cutoff, horizon_days=horizon, index=features.index,
                          table_names=table_names)
    lost = features["recency_days"].to_numpy() > lost_after
    attrs = dict(features.attrs)
    kept, kept_labels = features.loc[~lost], labels.loc[~lost]
    kept.attrs.update(attrs, cutoff=cutoff, lost_after_days=lost_after,
                      n_lost=int(lost.sum()),
                      lost_churn_rate=float(labels.to_numpy()[lost].mean()) if lost.any()
                      else 1.0)
    return kept, kept_labels


# --------------------------------------------------------------------------- the model


def _feature_names(features: pd.DataFrame) -> list[str]:
    shares = [c for c in features.columns if c.startswith(_SHARE_PREFIXES)]
    return [c for c in FEATURE_COLUMNS if c in features.columns] + sorted(shares)


def _matrix(features: pd.DataFrame, names: Sequence[str],
            categories: Mapping[str, Sequence[str]]) -> np.ndarray:
    """Numeric columns (missing -> NaN), categories as their codes.

    Values are rounded to float32 precision (about 7 significant digits): the
    database's parallel sums differ in the last bits from run to run, and a
    value sitting on a bin edge of the boosted trees would otherwise flip
    between runs, so that the page and the CLI could disagree.
    """
    n = len(features)
    cols = []
    for name in names:
        if name in features.columns:
            cols.append(pd.to_numeric(features[name], errors="coerce")
                        .to_numpy(dtype="float32", na_value=np.nan).astype("float64"))
        else:
            cols.append(np.full(n, np.nan))
    for name, cats in categories.items():
        if name in features.columns:
            codes = pd.Categorical(features[name].astype("str"), categories=list(cats)).codes
            cols.append(np.where(codes >= 0, codes, np.nan).astype("float64"))
        else:
            cols.append(np.full(n, np.nan))
    return np.column_stack(cols) if cols else np.empty((n, 0))


def _baseline_x(recency: np.ndarray) -> np.ndarray:
    return np.log1p(np.clip(np.nan_to_num(recency, nan=0.0), 0, None)).reshape(-1, 1)


class ChurnModel(BaseEstimator):
    """Gradient-boosted, calibrated churn probability with a time-shifted training design.

    Parameters
    ----------
    horizon_days : H: churn = no purchase in the H days after the scoring day.
    lost_after_days : customers without a purchase for longer than this are
        "lost": left out of training and shown as lost. ``None``: learned at
        fit with :func:`default_lost_after`.
    window_days : W of the view's recent / prior windows (the trend signals).
    warning_threshold : ``churn_risk`` from which a customer's status is "warning".
    sample_size : fit the classifier on a seeded random sample of this many
        training customers when there are more (and the BG/NBD features on at
        most this many); every customer is scored.
    calibration : "isotonic" or "sigmoid", the probability calibration of
        :class:`sklearn.calibration.CalibratedClassifierCV`.
    calibration_folds : an integer k: k-fold cross-calibration, an ensemble
        of k boosted models (k times the fitting and scoring time). ``None``:
        one boosted model fitted on three quarters of the training customers,
        calibrated on the held-out quarter (stratified); one model to apply,
        which matters at a million customers. ``"auto"`` (default): 3 folds
        below 50,000 training customers (slightly better figures on small
        data, where it costs little), ``None`` from there on.
    max_iter, learning_rate, max_leaf_nodes : passed to
        :class:`sklearn.ensemble.HistGradientBoostingClassifier`.
    n_threads : OpenMP threads for the gradient boosting (``None``: all
        cores). 1 by default: on a small machine shared with other work,
        OpenMP's busy-waiting threads make two threads many times slower than
        one (measured here: 22 s against 0.5 s for the same fit).
    random_state : seed of every random step.

    Attributes
    ----------
    classifier_ : the calibrated gradient-boosting classifier.
    baseline_ : a logistic regression of churn on ``log(1 + recency_days)``:
        the baseline ranking turned into a calibrated probability.
    feature_names_, categories_ : the numeric feature columns and the
        categories of the categorical ones, in model order.
    lost_after_days_ : the lost cutoff used.
    typical_interval_days_ : the typical purchase interval at the cutoff,
        reused for the signals at scoring time.
    cutoff_, as_of_ : the feature day and the last label day of the training data.
    n_train_, base_rate_ : training customers (after sampling) and their churn rate.
    lost_churn_rate_ : share of the customers lost at the cutoff who did not
        buy in the horizon either: the ``churn_risk`` given to lost customers.
    """

    def __init__(self, horizon_days: int = 90, lost_after_days: int | None = None, *,
                 window_days: int = 90, warning_threshold: float = 0.5,
                 sample_size: int | None = 200_000, calibration: str = "isotonic",
                 calibration_folds: int | str | None = "auto",
                 max_iter: int = 100, learning_rate: float = 0.05, max_leaf_nodes: int = 31,
                 n_threads: int | None = 1, random_state: int = 7):
        self.horizon_days = horizon_days
        self.lost_after_days = lost_after_days
        self.window_days = window_days
        self.warning_threshold = warning_threshold
        self.sample_size = sample_size
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.n_threads = n_threads
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------
    def fit(self, bind: sa.Engine | sa.Connection, *, as_of=None,
            table_names: Mapping[str, str] | None = None,
            views: ViewCache | None = None) -> ChurnModel:
        """Train on features at ``as_of - H`` and labels in ``(as_of - H, as_of]``.

        Parameters
        ----------
        bind : engine or connection holding the canonical tables.
        as_of : the scoring day the model is for (default: the last
            transaction day); no data after it is read.
        table_names : canonical table -> actual name.
        views : a cache of customer views (see :func:`churn_features`).

        Returns
        -------
        self

        Raises
        ------
        ValueError
            When the training set holds only one class (everybody churned or
            nobody did), or fewer than 20 customers.
        """
        if self.calibration not in ("isotonic", "sigmoid"):
            raise ValueError(f"calibration must be 'isotonic' or 'sigmoid', got "
                             f"{self.calibration!r}")
        horizon = _check_horizon(self.horizon_days)
        day = _resolve_as_of(bind, as_of, table_names)
        features, labels = training_set(
            bind, as_of=day, horizon_days=horizon, lost_after_days=self.lost_after_days,
            window_days=self.window_days, table_names=table_names, views=views,
            sample_size=self.sample_size, random_state=self.random_state)
        self._fit_frame(features, labels)
        self.as_of_ = day
        return self

    def _calibrated(self, hgb: HistGradientBoostingClassifier, x: np.ndarray,
                    y: np.ndarray) -> CalibratedClassifierCV:
        """The boosted model with calibrated probabilities (see ``calibration_folds``)."""
        folds = self.calibration_folds
        if folds == "auto":
            folds = _CALIBRATION_FOLDS if len(y) < _CROSS_CALIBRATE_BELOW else None
        if folds is not None:
            folds = int(folds)
            if min(y.sum(), (~y).sum()) < folds:
                folds = 2
            return CalibratedClassifierCV(hgb, method=self.calibration, cv=folds).fit(x, y)
        # one boosted model on three quarters, the calibration map on the held-out quarter
        # (stratified, seeded): a single model to fit and to apply at a million customers
        rng = np.random.default_rng(self.random_state)
        held = np.zeros(len(y), dtype=bool)
        for cls in (False, True):
            idx = np.flatnonzero(y == cls)
            held[rng.choice(idx, size=max(1, int(round(len(idx) * _CALIBRATION_SHARE))),
                            replace=False)] = True
        hgb.fit(x[~held], y[~held])
        return CalibratedClassifierCV(FrozenEstimator(hgb), method=self.calibration).fit(
            x[held], y[held])

    def _fit_frame(self, features: pd.DataFrame, labels: pd.Series) -> None:
        y = labels.to_numpy(dtype=bool)
        if len(y) < 20:
            raise ValueError(f"only {len(y)} customers to learn from at the cutoff "
                             f"{features.attrs.get('cutoff')}; the data are too short for "
                             f"a {self.horizon_days}-day horizon")
        if y.all() or not y.any():
            raise ValueError("every training customer has the same outcome (all churned or "
                             "none did); a model cannot be learned from that")
        rows = np.arange(len(y))
        if self.sample_size is not None and len(y) > self.sample_size:
            rng = np.random.default_rng(self.random_state)
            rows = np.sort(rng.choice(len(y), size=int(self.sample_size), replace=False))
        names = _feature_names(features)
        categories = {c: sorted(features[c].dropna().astype("str").unique())
                      for c in _CATEGORICAL if c in features.columns}
        x = _matrix(features.iloc[rows], names, categories)
        # a column without any value (a missing optional table) carries no information
        # (and the binner of the gradient boosting cannot handle it): leave it out
        present = ~np.isnan(x).all(axis=0)
        names = [c for c, ok in zip(names, present[:len(names)], strict=True) if ok]
        categories = {c: cats for (c, cats), ok in
                      zip(categories.items(), present[len(present) - len(categories):],
                          strict=True) if ok}
        x = x[:, present]
        y = y[rows]
        is_cat = np.r_[np.zeros(len(names), bool), np.ones(len(categories), bool)]
        hgb = HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=40, l2_regularization=1.0,
            categorical_features=is_cat if is_cat.any() else None,
            early_stopping=False, random_state=self.random_state)
        with threadpool_limits(self.n_threads, user_api="openmp"):
            self.classifier_ = self._calibrated(hgb, x, y)
        recency = features["recency_days"].to_numpy(dtype="float64")[rows]
        self.baseline_ = LogisticRegression().fit(_baseline_x(recency), y)
        self.feature_names_ = names
        self.categories_ = categories
        self.lost_after_days_ = int(features.attrs["lost_after_days"])
        self.typical_interval_days_ = float(features.attrs["typical_interval_days"])
        self.cutoff_ = features.attrs["cutoff"]
        self.n_train_ = len(y)
        self.base_rate_ = float(y.mean())
        self.lost_churn_rate_ = float(features.attrs["lost_churn_rate"])

    # -- applying ------------------------------------------------------------
    def features_at(self, bind: sa.Engine | sa.Connection, *, as_of=None,
                    table_names: Mapping[str, str] | None = None,
                    view: pd.DataFrame | None = None,
                    views: ViewCache | None = None) -> pd.DataFrame:
        """:func:`churn_features` at ``as_of`` with the fitted typical interval."""
        check_is_fitted(self, "classifier_")
        day = _resolve_as_of(bind, as_of, table_names)
        return churn_features(bind, as_of=day, horizon_days=self.horizon_days,
                              window_days=self.window_days,
                              typical_interval_days=self.typical_interval_days_,
                              table_names=table_names, view=view, views=views,
                              sample_size=self.sample_size, random_state=self.random_state)

    def predict_features(self, features: pd.DataFrame) -> pd.DataFrame:
        """Model and baseline churn probabilities for a frame of :func:`churn_features`.

        Returns
        -------
        DataFrame indexed like ``features`` with ``model_risk``,
        ``baseline_risk`` (both calibrated probabilities in [0, 1]) and ``lost``
        (bool: lapsed longer than ``lost_after_days_``; their probabilities are
        ``lost_churn_rate_``).
        """
        check_is_fitted(self, "classifier_")
        lost = features["recency_days"].to_numpy(dtype="float64") > self.lost_after_days_
        model = np.full(len(features), self.lost_churn_rate_)
        base = np.full(len(features), self.lost_churn_rate_)
        live = ~lost
        if live.any():
            x = _matrix(features.loc[live], self.feature_names_, self.categories_)
            with threadpool_limits(self.n_threads, user_api="openmp"):
                model[live] = self.classifier_.predict_proba(x)[:, 1]
            recency = features["recency_days"].to_numpy(dtype="float64")[live]
            base[live] = self.baseline_.predict_proba(_baseline_x(recency))[:, 1]
        return pd.DataFrame({"model_risk": model, "baseline_risk": base, "lost": lost},
                            index=features.index)

    def predict_proba_at(self, bind: sa.Engine | sa.Connection, *, as_of=None,
                         table_names: Mapping[str, str] | None = None) -> pd.Series:
        """The model's churn probability of every customer at ``as_of`` (named ``churn_risk``)."""
        risk = self.predict_features(self.features_at(bind, as_of=as_of,
                                                      table_names=table_names))
        return risk["model_risk"].rename("churn_risk")

    def score(self, bind: sa.Engine | sa.Connection, *, as_of=None, lang: str | None = "en",
              use_baseline: bool = False, table_names: Mapping[str, str] | None = None,
              view: pd.DataFrame | None = None) -> pd.DataFrame:
        """Risk, value at risk, status and reasons for every customer at ``as_of``.

        Parameters
        ----------
        bind : engine or connection holding the canonical tables.
        as_of : scoring day (default: the last transaction day).
        lang : "en" or "zh", the language of ``risk_reasons``.
        use_baseline : rank by the baseline probability (a logistic on days
            since the last shipment) instead of the model, as
            :class:`Backtest` advises when the model does not beat it.
        table_names : canonical table -> actual name.
        view : the customer view at ``as_of`` with this model's ``window_days``,
            when the caller already has it.

        Returns
        -------
        DataFrame
            Indexed by ``customer_id`` (every customer of the view), sorted by
            ``value_at_risk`` (highest first, lost customers last), with:

            - ``status``: "warning", "ok" or "lost" (:data:`STATUSES`).
            - ``churn_risk``: calibrated probability of no purchase in the next
              H days (the baseline's when ``use_baseline``); lost customers get
              ``lost_churn_rate_``.
            - ``model_risk`` / ``baseline_risk``: both probabilities.
            - ``p_alive``, ``expected_purchases_12m``, ``clv_12m``: BG/NBD at
              ``as_of`` (:func:`segmentation.clv.score_clv`).
            - ``expected_value``: ``clv_12m``; where BG/NBD gives none, the
              customer's spend of the last 365 days annualised from the
              history: ``monetary_total * 365 / max(tenure_days, 365)``.
            - ``value_at_risk``: ``churn_risk * expected_value`` (0 for lost
              customers: nothing is left to keep).
            - ``reason_codes`` (codes joined by ``","``, see
              :data:`REASON_RULES`) and ``risk_reasons`` (text in ``lang``).
            - the :data:`SIGNAL_COLUMNS`, plus ``branch``, ``region``,
              ``customer_type`` when the view has them (for filtering).

            ``attrs``: ``as_of``, ``horizon_days``, ``lost_after_days``,
            ``ranked_by`` ("model" / "baseline"), ``high_risk_threshold``
            (the top-decile ``churn_risk`` among customers not lost).
        """
        features = self.features_at(bind, as_of=as_of, table_names=table_names, view=view)
        return self.score_features(features, lang=lang, use_baseline=use_baseline)

    def score_features(self, features: pd.DataFrame, *, lang: str | None = "en",
                       use_baseline: bool = False) -> pd.DataFrame:
        """:meth:`score` on a frame of :func:`churn_features` (see :meth:`score`)."""
        risk = self.predict_features(features)
        lost = risk["lost"].to_numpy()
        churn = (risk["baseline_risk"] if use_baseline else risk["model_risk"]).to_numpy()
        out = _assemble_scores(features, churn, lost, warning_threshold=self.warning_threshold,
                               extra={"model_risk": risk["model_risk"].to_numpy(),
                                      "baseline_risk": risk["baseline_risk"].to_numpy()})
        out.attrs.update(horizon_days=int(self.horizon_days),
                         lost_after_days=self.lost_after_days_,
                         ranked_by="baseline" if use_baseline else "model")
        if lang is not None:
            out["risk_reasons"] = render_reasons(out, lang)
        return out


def _expected_value(features: pd.DataFrame) -> np.ndarray:
    """``clv_12m``, else the spend of the last year annualised from the history."""
    clv = features["clv_12m"].to_numpy(dtype="float64")
    fallback = (features["monetary_total"].to_numpy(dtype="float64") * 365.0
                / np.maximum(features["tenure_days"].to_numpy(dtype="float64"), 365.0))
    return np.where(np.isfinite(clv), clv, np.clip(np.nan_to_num(fallback), 0, None))


def _assemble_scores(features: pd.DataFrame, churn: np.ndarray, lost: np.ndarray, *,
                     warning_threshold: float, extra: Mapping[str, np.ndarray] | None = None
                     ) -> pd.DataFrame:
    """The scores frame (see :meth:`ChurnModel.score`), reason codes without words."""
    status = np.where(lost, "lost", np.where(churn >= warning_threshold, "warning", "ok"))
    value = _expected_value(features)
    live = churn[~lost]
    high = float(np.quantile(live, 1 - _TOP_SHARE)) if len(live) else math.nan
    signals = features[list(SIGNAL_COLUMNS)]
    signals.attrs.update(features.attrs)
    why = reason_codes(signals, pd.Series(churn, index=features.index), high_risk=high,
                       lost=pd.Series(lost, index=features.index))
    columns: dict[str, object] = {
        "status": pd.array(status, dtype="str"),
        "churn_risk": churn,
        **(extra or {}),
        "p_alive": features["p_alive"].to_numpy(dtype="float64"),
        "expected_purchases_12m": features["expected_purchases_12m"].to_numpy(
            dtype="float64"),
        "clv_12m": features["clv_12m"].to_numpy(dtype="float64"),
        "expected_value": value,
        "value_at_risk": np.where(lost, 0.0, churn * value),
        "reason_codes": why["reason_codes"].array,
    }
    out = pd.DataFrame(columns, index=features.index)
    attributes = [c for c in ("branch", "region", "customer_type") if c in features.columns]
    out = pd.concat([out, signals, features[attributes]], axis=1)
    # lost last, then by value at risk; the stable sort keeps customer_id order in ties
    order = np.lexsort((-out["value_at_risk"].to_numpy(), lost))
    out = out.iloc[order]
    out.attrs.update(as_of=features.attrs.get("as_of"), high_risk_threshold=high,
                     window_days=features.attrs.get("window_days"),
                     typical_interval_days=features.attrs.get("typical_interval_days"),
                     satisfaction_scale=features.attrs.get("satisfaction_scale", (1.0, 5.0)),
                     warning_threshold=float(warning_threshold))
    return out


# --------------------------------------------------------------------------- metrics


def top_share_metrics(y_true, score, *, share: float = _TOP_SHARE) -> dict[str, float]:
    """Precision, recall and lift among the ``share`` highest scores.

    The top group holds ``k = ceil(share * n)`` customers. Customers tied at the
    cut score count fractionally (the expected value under a random tie break),
    so a score with many ties (days since the last shipment) is neither favoured
    nor penalised by the order of the rows. Missing scores rank last.

    Parameters
    ----------
    y_true : bools (True = churned), one per customer.
    score : higher = more likely to churn.
    share : the top share, 0 < share <= 1.

    Returns
    -------
    dict with ``precision`` (churners in the top group / k), ``recall``
    (churners in the top group / all churners; NaN without churners), ``lift``
    (precision / base rate), ``base_rate``, ``k`` and ``n``.
    """
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(score, dtype="float64")
    if y.shape != s.shape or y.ndim != 1:
        raise ValueError("y_true and score must be one-dimensional and of equal length")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share!r}")
    n = len(y)
    if n == 0:
        return {"precision": math.nan, "recall": math.nan, "lift": math.nan,
                "base_rate": math.nan, "k": 0, "n": 0}
    s = np.where(np.isnan(s), -np.inf, s)
    k = int(math.ceil(share * n - 1e-9))
    cut = np.sort(s)[::-1][k - 1]
    above = s > cut
    at = s == cut
    hits = y[above].sum() + (k - above.sum()) * y[at].mean()
    positives = y.sum()
    base = positives / n
    precision = hits / k
    return {"precision": float(precision),
            "recall": float(hits / positives) if positives else math.nan,
            "lift": float(precision / base) if base > 0 else math.nan,
            "base_rate": float(base), "k": k, "n": n}


def ranking_metrics(y_true, score, *, share: float = _TOP_SHARE) -> dict[str, float]:
    """ROC-AUC plus :func:`top_share_metrics`, as the backtest reports them.

    Returns
    -------
    dict with ``roc_auc`` (NaN with one class only), ``precision_top10``,
    ``recall_top10``, ``lift_top10``, ``base_rate``, ``n`` (the ``_top10``
    names are kept for any ``share``).
    """
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(score, dtype="float64")
    top = top_share_metrics(y, s, share=share)
    auc = math.nan
    if 0 < y.sum() < len(y):
        finite = s[np.isfinite(s)]
        low = (finite.min() if len(finite) else 0.0) - 1.0
        auc = float(roc_auc_score(y, np.where(np.isfinite(s), s, low)))
    return {"roc_auc": auc, "precision_top10": top["precision"],
            "recall_top10": top["recall"], "lift_top10": top["lift"],
            "base_rate": top["base_rate"], "n": top["n"]}


# --------------------------------------------------------------------------- backtest


@dataclass(frozen=True)
class Calibration:
    """A map from a candidate's score to a churn probability, learned on the backtest.

    ``method``: "isotonic" (:class:`sklearn.isotonic.IsotonicRegression`, from
    :data:`_ISOTONIC_FROM` backtest customers), "platt" (a logistic regression
    on the score: log days for the recency rule, log-odds for probabilities,
    the rank for the blend), "identity" (a probability used as it is) or
    "rank" (the score's percentile among the customers scored: a rank, not a
    probability; only when nothing could be checked).
    """

    candidate: str
    method: str
    model: object = field(default=None, repr=False)

    def __call__(self, score) -> np.ndarray:
        s = np.asarray(score, dtype="float64")
        if len(s) == 0:
            return s
        if self.method == "identity":
            return np.clip(np.nan_to_num(s, nan=0.5), 0.0, 1.0)
        if self.method == "rank":
            return _pct_rank(s)
        x = _calibration_x(self.candidate, s)
        if self.method == "isotonic":
            return np.clip(self.model.predict(x), 0.0, 1.0)
        return self.model.predict_proba(x.reshape(-1, 1))[:, 1]

    @property
    def calibrated(self) -> bool:
        """True when learned from outcomes (isotonic or Platt)."""
        return self.method in ("isotonic", "platt")

    @classmethod
    def fit(cls, candidate: str, score, y, *, method: str = "auto") -> Calibration:
        """Learn the map on backtest scores ``score`` and outcomes ``y`` (bool)."""
        s = np.asarray(score, dtype="float64")
        y = np.asarray(y, dtype=bool)
        if method == "auto":
            few = min(y.sum(), (~y).sum())
            method = "isotonic" if len(y) >= _ISOTONIC_FROM and few >= 50 else "platt"
        x = _calibration_x(candidate, s)
        if method == "isotonic":
            model = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True,
                                       out_of_bounds="clip").fit(x, y.astype("float64"))
        elif method == "platt":
            model = LogisticRegression(C=1e4).fit(x.reshape(-1, 1), y)
        else:
            raise ValueError(f"method must be 'auto', 'isotonic' or 'platt', got {method!r}")
        return cls(candidate, method, model)


def _calibration_x(candidate: str, score: np.ndarray) -> np.ndarray:
    """The score on the scale a Platt fit is linear in."""
    if candidate == "recency":
        return np.log1p(np.clip(np.nan_to_num(score, nan=0.0), 0, None))
    if candidate in ("gbm", "btyd"):
        p = np.clip(np.nan_to_num(score, nan=0.5), 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))
    return np.nan_to_num(score, nan=0.5)


def _pct_rank(values: np.ndarray) -> np.ndarray:
    """Average-rank percentile in (0, 1] (missing values rank lowest)."""
    if len(values) == 0:
        return np.asarray(values, dtype="float64")
    v = pd.Series(np.asarray(values, dtype="float64"))
    return v.rank(pct=True, method="average", na_option="bottom").to_numpy(dtype="float64")


def _candidate_scores(features: pd.DataFrame, gbm: ChurnModel | None) -> dict[str, np.ndarray]:
    """Every available candidate's score (higher = riskier) for the rows of ``features``.

    ``blend``: the mean percentile rank of the two model scores (the
    time-shifted model and the BG/NBD probability), or of the one available
    with the recency rule.
    """
    out: dict[str, np.ndarray] = {}
    if gbm is not None and len(features):
        x = _matrix(features, gbm.feature_names_, gbm.categories_)
        with threadpool_limits(gbm.n_threads, user_api="openmp"):
            out["gbm"] = gbm.classifier_.predict_proba(x)[:, 1]
    p0 = features["p_no_purchase"].to_numpy(dtype="float64")
    if len(p0) and np.isfinite(p0).all():
        out["btyd"] = p0
    out["recency"] = np.nan_to_num(features["recency_days"].to_numpy(dtype="float64"))
    parts = [out[c] for c in ("gbm", "btyd") if c in out]
    if len(parts) == 1:
        parts.append(out["recency"])
    if len(parts) == 2:
        out["blend"] = (_pct_rank(parts[0]) + _pct_rank(parts[1])) / 2.0
    return {c: out[c] for c in CANDIDATES if c in out}


def _gbm_problem(labels: pd.Series) -> tuple[str, dict] | None:
    """Why the time-shifted model cannot be trained on ``labels`` (None when it can)."""
    y = labels.to_numpy(dtype=bool)
    if len(y) < _MIN_GBM_TRAIN or min(y.sum(), (~y).sum()) < _MIN_GBM_CLASS:
        return "few", {"n": len(y), "min": _MIN_GBM_TRAIN, "min_class": _MIN_GBM_CLASS}
    return None


@dataclass(frozen=True)
class Backtest:
    """The out-of-time check of every candidate ranking, and the choice between them.

    Attributes
    ----------
    as_of, eval_cutoff : the last label day and the scoring day of the
        evaluation (``as_of - H``); ``train_cutoff`` the feature day of the
        time-shifted model's training (``as_of - 2H``; ``None`` when it was not trained).
    horizon_days, lost_after_days, history_days : H, the lost cutoff, the days of history.
    metrics : DataFrame indexed by the candidates checked (:data:`CANDIDATES`
        order) with ``roc_auc``, ``precision_top10``, ``recall_top10``,
        ``lift_top10``, ``base_rate``, ``n``.
    unused : candidate -> (reason code, parameters) for those not checked
        (text keys ``churn.unused.<code>``).
    chosen : the candidate that ranks; ``why`` the reason code
        ("best", "no_better" or "no_outcome", text keys ``churn.why.<code>``)
        and ``why_params`` its figures.
    calibration : the :class:`Calibration` of the chosen score.
    reliability : ``mean_predicted``, ``observed``, ``n`` per quantile bin of
        the chosen score's calibrated probability, cross-fitted (two halves,
        each calibrated on the other), so that the curve is not flattered by
        the calibration itself; ``mean_predicted``, ``observed_rate``,
        ``brier`` summarise it.
    n_train : training customers of the time-shifted model (0 when not trained).
    lost_churn_rate : share of the customers lost at ``eval_cutoff`` who did not come back.
    scores : per evaluated customer, each candidate's score and ``churned``.
    """

    as_of: pd.Timestamp
    eval_cutoff: pd.Timestamp
    train_cutoff: pd.Timestamp | None
    horizon_days: int
    lost_after_days: int
    history_days: int
    metrics: pd.DataFrame
    unused: dict
    chosen: str
    why: str
    why_params: dict
    calibration: Calibration
    reliability: pd.DataFrame
    mean_predicted: float
    observed_rate: float
    brier: float
    n_train: int
    lost_churn_rate: float
    scores: pd.DataFrame = field(repr=False)

    @property
    def grade(self) -> str:
        """"better" when a model ranks (it beat the recency rule), else "similar"."""
        return "better" if self.chosen != "recency" and self.why == "best" else "similar"

    @property
    def use_baseline(self) -> bool:
        """True when the recency rule ranks."""
        return self.chosen == "recency"

    def sentence(self, lang: str = "en") -> str:
        """Which ranking was chosen and why, with the figures, in ``lang``."""
        return _why_text(self.chosen, self.why, self.why_params, lang)

    def calibration_sentence(self, lang: str = "en") -> str:
        """Mean predicted against observed churn, in ``lang``."""
        return i18n.t("churn.backtest.calibration", lang,
                      predicted=i18n.fmt_pct(self.mean_predicted, lang),
                      observed=i18n.fmt_pct(self.observed_rate, lang))

    def design_sentence(self, lang: str = "en") -> str:
        """Which dates were used for what, in ``lang``."""
        if self.train_cutoff is None:
            return i18n.t("churn.backtest.design_label_free", lang,
                          eval_cutoff=self.eval_cutoff.date().isoformat(),
                          as_of=self.as_of.date().isoformat())
        return i18n.t("churn.backtest.design", lang,
                      train_cutoff=self.train_cutoff.date().isoformat(),
                      eval_cutoff=self.eval_cutoff.date().isoformat(),
                      as_of=self.as_of.date().isoformat())

    def unused_sentences(self, lang: str = "en") -> list[str]:
        """Why candidates were left out, in ``lang``."""
        return [i18n.t(f"churn.unused.{code}", lang, **params)
                for code, params in self.unused.values()]


def _grade(model: Mapping[str, float], base: Mapping[str, float]) -> str:
    """"better" when the model leads on ROC-AUC by the margin and is not behind in the top
    10 %; "worse" when it trails on ROC-AUC by the margin; otherwise "similar"."""
    auc_m, auc_b = model["roc_auc"], base["roc_auc"]
    if not (np.isfinite(auc_m) and np.isfinite(auc_b)):
        return "similar"
    if auc_m >= auc_b + _AUC_MARGIN and model["precision_top10"] >= base["precision_top10"]:
        return "better"
    if auc_m <= auc_b - _AUC_MARGIN:
        return "worse"
    return "similar"


def _choose(metrics: pd.DataFrame) -> tuple[str, str, dict]:
    """The best candidate that beats the recency rule on ROC-AUC and is not behind it in the
    top 10 %, else the recency rule; with the reason code and its figures."""
    rec = metrics.loc["recency"]
    others = metrics.drop(index="recency")
    eligible = others[(others["roc_auc"] > rec["roc_auc"])
                      & (others["precision_top10"] >= rec["precision_top10"] - 1e-12)]
    figures = {"auc_base": float(rec["roc_auc"]), "prec_base": float(rec["precision_top10"]),
               "n": len(metrics)}
    if len(eligible):
        best = eligible.sort_values(["roc_auc", "precision_top10"], ascending=False,
                                    kind="stable").index[0]
        return best, "best", {**figures, "auc": float(eligible.loc[best, "roc_auc"]),
                              "prec": float(eligible.loc[best, "precision_top10"])}
    if len(others):
        best = others.sort_values(["roc_auc", "precision_top10"], ascending=False,
                                  kind="stable").index[0]
        figures.update(best=best, auc=float(others.loc[best, "roc_auc"]),
                       prec=float(others.loc[best, "precision_top10"]))
    else:
        figures.update(best="recency", auc=figures["auc_base"], prec=figures["prec_base"])
    return "recency", "no_better", figures


def _cross_fitted(candidate: str, score: np.ndarray, y: np.ndarray,
                  random_state: int) -> np.ndarray:
    """Calibrated probabilities, each half calibrated on the other (stratified, seeded)."""
    rng = np.random.default_rng(random_state)
    fold = np.zeros(len(y), dtype=int)
    for cls in (False, True):
        idx = np.flatnonzero(y == cls)
        fold[rng.permutation(idx)[: len(idx) // 2]] = 1
    out = np.empty(len(y))
    for k in (0, 1):
        train = fold != k
        if min(y[train].sum(), (~y[train]).sum()) < 1:
            out[~train] = y[train].mean() if train.any() else 0.5
            continue
        # the same method as the final map, decided on the whole backtest
        method = "isotonic" if (len(y) >= _ISOTONIC_FROM
                                and min(y.sum(), (~y).sum()) >= 50) else "platt"
        cal = Calibration.fit(candidate, score[train], y[train], method=method)
        out[~train] = cal(score[~train])
    return out


def _reliability(y: np.ndarray, p: np.ndarray, n_bins: int) -> tuple[pd.DataFrame, float]:
    if 0 < y.sum() < len(y) and len(y) >= 2 * n_bins:
        observed, predicted = calibration_curve(y, p, n_bins=n_bins, strategy="quantile")
        edges = np.percentile(p, np.linspace(0, 100, n_bins + 1))
        counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=n_bins)
        counts = counts[counts > 0].astype("int64")
        if len(counts) == len(observed):
            return (pd.DataFrame({"mean_predicted": predicted, "observed": observed,
                                  "n": counts}), float(brier_score_loss(y, p)))
    brier = float(brier_score_loss(y, p)) if 0 < y.sum() < len(y) else math.nan
    return (pd.DataFrame(columns=["mean_predicted", "observed", "n"], dtype="float64"), brier)


@dataclass(frozen=True)
class _BacktestRun:
    """A backtest plus what the final fit reuses (dropped after :func:`score_churn`)."""

    backtest: Backtest
    features: pd.DataFrame
    labels: pd.Series
    live: np.ndarray


def _run_backtest(bind, *, day: pd.Timestamp, horizon: int, lost_after_days: int | None,
                  history: int, n_bins: int, table_names, views: ViewCache | None,
                  model_params: Mapping[str, object]) -> _BacktestRun:
    window = int(model_params.get("window_days", 90))
    sample_size = model_params.get("sample_size", 200_000)
    random_state = int(model_params.get("random_state", 7))
    eval_cutoff = day - pd.Timedelta(days=horizon)
    features = churn_features(bind, as_of=eval_cutoff, horizon_days=horizon,
                              window_days=window, table_names=table_names, views=views,
                              sample_size=sample_size, random_state=random_state)
    lost_after = (default_lost_after(features, horizon) if lost_after_days is None
                  else int(lost_after_days))
    labels_all = churn_labels(bind, start=eval_cutoff, horizon_days=horizon,
                              index=features.index, table_names=table_names)
    lost = features["recency_days"].to_numpy(dtype="float64") > lost_after
    live = ~lost
    lost_rate = float(labels_all.to_numpy()[lost].mean()) if lost.any() else 1.0
    unused: dict[str, tuple[str, dict]] = {}
    gbm, train_cutoff, n_train = None, None, 0
    need = _shifted_need(horizon)
    if history < need:
        unused["gbm"] = ("history", {"need": need, "horizon": horizon, "have": history})
    else:
        try:
            train_x, train_y = training_set(
                bind, as_of=eval_cutoff, horizon_days=horizon, lost_after_days=lost_after,
                window_days=window, table_names=table_names, views=views,
                sample_size=sample_size, random_state=random_state)
            problem = _gbm_problem(train_y)
            if problem is not None:
                unused["gbm"] = problem
            else:
                gbm = ChurnModel(horizon, lost_after, **model_params)
                gbm._fit_frame(train_x, train_y)
                gbm.as_of_ = eval_cutoff
                train_cutoff, n_train = gbm.cutoff_, gbm.n_train_
        except ValueError as err:
            unused["gbm"] = ("failed", {"detail": str(err)})
    # judged on a seeded sample of the customers not lost (all below sample_size): the
    # figures' standard error is a few thousandths there, and a million need not be scored
    judged = np.flatnonzero(live)
    if sample_size is not None and len(judged) > int(sample_size):
        rng = np.random.default_rng(random_state)
        judged = np.sort(rng.choice(judged, size=int(sample_size), replace=False))
    y = labels_all.to_numpy(dtype=bool)[judged]
    live_features = features.iloc[judged]
    candidates = _candidate_scores(live_features, gbm)
    if "btyd" not in candidates:
        unused["btyd"] = ("btyd", {})
    metrics = pd.DataFrame([ranking_metrics(y, s) for s in candidates.values()],
                           index=pd.Index(list(candidates), name="candidate"))
    churned, stayed = int(y.sum()), int((~y).sum())
    if min(churned, stayed) >= _MIN_BACKTEST_CLASS:
        chosen, why, params = _choose(metrics)
        calibration = Calibration.fit(chosen, candidates[chosen], y)
        p = _cross_fitted(chosen, candidates[chosen], y, random_state)
    else:
        chosen = "btyd" if "btyd" in candidates else "recency"
        why = "no_outcome"
        outcome = "outcome_all" if stayed == 0 else "outcome_none" if churned == 0 \
            else "outcome_few"
        params = {"outcome": outcome, "churned": churned, "stayed": stayed}
        calibration = Calibration(chosen, "identity" if chosen == "btyd" else "rank")
        p = calibration(candidates[chosen])
    params.update(horizon=horizon)
    reliability, brier = _reliability(y, p, n_bins)
    scores = pd.DataFrame({**candidates, "churned": y}, index=live_features.index)
    bt = Backtest(as_of=day, eval_cutoff=eval_cutoff, train_cutoff=train_cutoff,
                  horizon_days=horizon, lost_after_days=lost_after, history_days=history,
                  metrics=metrics, unused=unused, chosen=chosen, why=why, why_params=params,
                  calibration=calibration, reliability=reliability,
                  mean_predicted=float(p.mean()) if len(p) else math.nan,
                  observed_rate=float(y.mean()) if len(y) else math.nan, brier=brier,
                  n_train=n_train, lost_churn_rate=lost_rate, scores=scores)
    return _BacktestRun(bt, features, labels_all, live)


def backtest(bind: sa.Engine | sa.Connection, *, as_of=None, horizon_days: int | None = None,
             lost_after_days: int | None = None, n_bins: int = 10,
             table_names: Mapping[str, str] | None = None, views: ViewCache | None = None,
             **model_params) -> Backtest:
    """Judge every candidate ranking at ``as_of - H`` on what happened up to ``as_of``.

    The candidates (:data:`CANDIDATES`) score the customers not lost at
    ``as_of - H``, and each ranking is compared with the outcome in
    ``(as_of - H, as_of]``, which none of them saw:

    - ``gbm``: a :class:`ChurnModel` trained on features at ``as_of - 2H``
      and labels in ``(as_of - 2H, as_of - H]`` (needs ``2H + 30`` days of
      history and :data:`_MIN_GBM_TRAIN` training customers, else left out
      with the reason in ``unused``);
    - ``btyd``: the BG/NBD probability of no purchase in the next H days,
      fitted on the view at ``as_of - H`` alone (no labels needed);
    - ``recency``: days since the last purchase;
    - ``blend``: the mean percentile rank of the two model scores (of the one
      available and the recency rule).

    With more than ``sample_size`` (200,000) customers not lost, a seeded
    sample of that many is judged.

    The chosen ranking is the best on ROC-AUC among those that beat the
    recency rule on ROC-AUC and are not behind it in the top 10 %; else the
    recency rule. Its score is calibrated on the same backtest
    (:class:`Calibration`). When the window holds fewer than three churners or
    stayers, no comparison is possible: the BG/NBD probability (else the
    recency rank) is chosen, ``why == "no_outcome"``.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : the last day of data used (default: the last transaction day).
    horizon_days : H; default :func:`default_horizon` of the view at ``as_of``
        with its history.
    lost_after_days : lost cutoff; default :func:`default_lost_after` at ``as_of - H``.
    n_bins : bins of the reliability curve (quantile bins).
    table_names : canonical table -> actual name.
    views : a cache of customer views (see :func:`churn_features`).
    **model_params : further :class:`ChurnModel` parameters.

    Returns
    -------
    Backtest

    Raises
    ------
    ChurnUnavailable
        When the history is shorter than ``H + 30`` days.
    """
    day = _resolve_as_of(bind, as_of, table_names)
    window = int(model_params.get("window_days", 90))
    view = views.get((day, window)) if views is not None else None
    if view is None:
        view = customer_view(bind, as_of=day, window_days=window, table_names=table_names)
    history = history_days(view)
    if horizon_days is None:
        horizon_days = default_horizon(view, history=history)
    horizon = _check_horizon(horizon_days)
    if history < _backtest_need(horizon):
        raise ChurnUnavailable("history", min=_backtest_need(horizon), days=history,
                               start=(day - pd.Timedelta(days=history)).date().isoformat(),
                               as_of=day.date().isoformat())
    return _run_backtest(bind, day=day, horizon=horizon, lost_after_days=lost_after_days,
                         history=history, n_bins=n_bins, table_names=table_names,
                         views=views, model_params=model_params).backtest


def _why_text(chosen: str, why: str, params: Mapping[str, object], lang: str) -> str:
    """The sentence of a ranking choice (``churn.why.<why>``) in ``lang``."""
    p = dict(params)
    label = i18n.t(f"churn.candidate.{chosen}", lang)
    if why in ("best", "no_better"):
        return i18n.t(f"churn.why.{why}", lang, model=label, n=p["n"], horizon=p["horizon"],
                      best=i18n.t(f"churn.candidate.{p.get('best', chosen)}", lang),
                      auc=f"{p['auc']:.2f}", auc_base=f"{p['auc_base']:.2f}",
                      prec=i18n.fmt_pct(p["prec"], lang, decimals=0),
                      prec_base=i18n.fmt_pct(p["prec_base"], lang, decimals=0))
    if why == "no_outcome":
        outcome = i18n.t(f"churn.why.{p['outcome']}", lang, churned=p["churned"],
                         stayed=p["stayed"])
        return i18n.t("churn.why.no_outcome", lang, model=label, horizon=p["horizon"],
                      outcome=outcome)
    if why == "short":
        return i18n.t("churn.why.short", lang, model=label, horizon=p["horizon"],
                      need=p["need"], have=p["have"])
    return i18n.t("churn.why.rank_only", lang, detail=i18n.t("churn.why.no_btyd", lang))


def ranking_explanation(attrs: Mapping[str, object], lang: str = "en") -> str:
    """Which score ranks the customers and why, in ``lang``, from scores' ``attrs``.

    Says the chosen ranking with its backtest figures (or why it could not be
    checked), how it is calibrated, and why candidates were left out: what the
    page shows above the list and the CLI prints.
    """
    parts = [_why_text(str(attrs["ranked_by"]), str(attrs["ranked_why"]),
                       attrs.get("why_params", {}), lang)]
    method = attrs.get("calibration")
    if method in ("isotonic", "platt"):
        parts.append(i18n.t("churn.why.calibrated", lang,
                            method=i18n.t(f"churn.calibration.{method}", lang)))
    elif method == "rank" and attrs.get("ranked_why") != "rank_only":
        parts.append(i18n.t("churn.why.rank_note", lang))
    for code, params in dict(attrs.get("unused", {})).values():
        if attrs.get("ranked_why") == "short" and code == "history":
            continue  # the main sentence says it already
        parts.append(i18n.t(f"churn.unused.{code}", lang, **params))
    return ("" if lang == "zh" else " ").join(parts)


# --------------------------------------------------------------------------- reasons


def _score_scale(scores: np.ndarray) -> tuple[float, float]:
    """The smallest scale of :data:`_SCORE_SCALES` holding 95 % of the scores (1-5 if none)."""
    present = scores[np.isfinite(scores)]
    if len(present) == 0:
        return _SCORE_SCALES[0]
    top = float(np.quantile(present, 0.95))
    return next((scale for scale in _SCORE_SCALES if top <= scale[1]), _SCORE_SCALES[-1])


def _five_point(values: np.ndarray, signal: str, scale: tuple[float, float]) -> np.ndarray:
    """Satisfaction values mapped onto the 1-5 scale the rules are written for."""
    lo, hi = scale
    if _SATISFACTION_SIGNALS[signal] == "level":
        return 1.0 + 4.0 * (values - lo) / (hi - lo)
    return 4.0 * values / (hi - lo)


def _rule_holds(values: np.ndarray, op: str, threshold: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return values >= threshold if op == ">=" else values <= threshold


def _percentile(values: np.ndarray, direction: int, population: np.ndarray) -> np.ndarray:
    """Average-rank percentile in (0, 1] of ``direction * values`` within ``population``.

    NaN for missing values and for rows outside the population.
    """
    out = np.full(len(values), np.nan)
    ranked = pd.Series(direction * values[population])
    out[population] = ranked.rank(pct=True, method="average").to_numpy(dtype="float64")
    return out


def reason_candidates(signals: pd.DataFrame, *,
                      population: np.ndarray | None = None) -> pd.DataFrame:
    """Which reason codes apply to each customer, with their strength.

    Parameters
    ----------
    signals : :func:`churn_signals` output.
    population : bool mask of the customers to rank against (default all);
        rows outside it get no candidates (the lost customers, for instance).

    Returns
    -------
    DataFrame indexed like ``signals``, one float column per code of
    :data:`REASON_RULES`: the customer's percentile (0..1) within the
    population on the risky side of the rule's signal (the safe side for safe
    reasons) when the rule holds, NaN when it does not.
    """
    population = (np.ones(len(signals), dtype=bool) if population is None
                  else np.asarray(population, dtype=bool))
    out = {}
    scale = signals.attrs.get("satisfaction_scale", (1.0, 5.0))
    freq = signals["frequency"].to_numpy(dtype="float64")
    ranks: dict[tuple[str, int], np.ndarray] = {}
    for rule in REASON_RULES.itertuples(index=False):
        values = pd.to_numeric(signals[rule.signal]).to_numpy(dtype="float64",
                                                              na_value=np.nan)
        if rule.signal in _SATISFACTION_SIGNALS:
            values = _five_point(values, rule.signal, scale)
        holds = _rule_holds(values, rule.op, rule.threshold)
        if rule.code in _REPEAT_ONLY:
            holds &= (freq >= 2) if _REPEAT_ONLY[rule.code] else (freq < 2)
        key = (rule.rank_by, int(rule.direction))
        if key not in ranks:
            ranks[key] = _percentile(pd.to_numeric(signals[rule.rank_by]).to_numpy(
                dtype="float64", na_value=np.nan), int(rule.direction), population)
        out[rule.code] = np.where(holds, ranks[key], np.nan)
    frame = pd.DataFrame(out, index=signals.index)
    for code, stronger in _SUPERSEDED_BY.items():
        frame.loc[frame[stronger].notna().to_numpy(), code] = np.nan
    return frame


def _num(values: np.ndarray, decimals: int = 0) -> pd.Series:
    """Numbers as text, vectorised (``decimals=0``: whole numbers)."""
    v = np.nan_to_num(np.asarray(values, dtype="float64"))
    if decimals == 0:
        return pd.Series(np.rint(v).astype("int64")).astype("str")
    scaled = np.rint(np.abs(v) * 10**decimals).astype("int64")
    whole = pd.Series(scaled // 10**decimals).astype("str")
    frac = pd.Series(scaled % 10**decimals).astype("str").str.zfill(decimals)
    sign = pd.Series(np.where((v < 0) & (scaled > 0), "-", ""), dtype="str")
    return sign + whole + "." + frac


def _format(template: str, fields: Mapping[str, pd.Series], n: int) -> pd.Series:
    """``template.format(**row)`` for every row, as vectorised string concatenation."""
    out = pd.Series([""] * n, dtype="str")
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            out = out + literal
        if name is not None:
            out = out + fields[name]
    return out


def _template_fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _category_text(categories: pd.Series, lang: str) -> pd.Series:
    """Known complaint categories translated, others as stored."""
    words = {value: i18n.t(f"churn.category.{value}", lang)
             for value in categories.dropna().unique()
             if i18n.has(f"churn.category.{value}")}
    return categories.map(lambda v: words.get(v, v)).astype("str") if words else \
        categories.astype("str")


#: How each template field is computed from the signals of the customers concerned.
_FIELDS: dict[str, object] = {
    "days": lambda s, ctx: _num(s("recency_days")),
    "interval": lambda s, ctx: _num(np.where(s("frequency") >= 2, s("usual_interval_days"),
                                             ctx["typical"])),
    "window": lambda s, ctx: pd.Series([str(ctx["window"])] * ctx["n"], dtype="str"),
    "before": lambda s, ctx: _num(s("satisfaction_from"), 1),
    "last": lambda s, ctx: _num(s("satisfaction_last"), 1),
    "tenure": lambda s, ctx: _num(s("tenure_days")),
    "top": lambda s, ctx: pd.Series([f"{ctx['scale'][1]:g}"] * ctx["n"], dtype="str"),
    "years": lambda s, ctx: _num(s("tenure_days") / 365.25, 1),
}
#: Per reason code, fields that depend on the code: (signal, kind).
_CODE_FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "frequency_down": {"pct": ("frequency_change", "pct")},
    "frequency_up": {"pct": ("frequency_change", "pct")},
    "spend_down": {"pct": ("spend_change", "pct")},
    "spend_up": {"pct": ("spend_change", "pct")},
    "ticket_down": {"pct": ("ticket_change", "pct")},
    "complaints_open": {"n": ("complaints_open", "count"),
                        "complaints": ("complaints_open", "noun")},
    "complaints_recent": {"n": ("complaints_recent", "count"),
                          "complaints": ("complaints_recent", "noun")},
}


def _reason_text(code: str, signals: pd.DataFrame, rows: np.ndarray, lang: str) -> pd.Series:
    """The sentence of reason ``code`` for the customers at positions ``rows``."""
    sub = signals.iloc[rows]

    def col(name: str) -> np.ndarray:
        return pd.to_numeric(sub[name]).to_numpy(dtype="float64", na_value=np.nan)

    ctx = {"n": len(rows), "window": int(signals.attrs.get("window_days", 90)),
           "typical": float(signals.attrs.get("typical_interval_days", math.nan)),
           "scale": signals.attrs.get("satisfaction_scale", _SCORE_SCALES[0])}
    templates = {"main": i18n.t(f"churn.reason.{code}", lang)}
    if code == "recent":
        templates["alt"] = i18n.t("churn.reason.recent_today", lang)
    if code in ("complaints_open", "complaints_recent"):
        templates["alt"] = i18n.t(f"churn.reason.{code}_nocat", lang)
    fields: dict[str, pd.Series] = {}
    for name in {f for t in templates.values() for f in _template_fields(t)}:
        if name in _CODE_FIELDS.get(code, {}):
            signal, kind = _CODE_FIELDS[code][name]
            values = col(signal)
            if kind == "pct":
                fields[name] = _num(np.abs(values) * 100)
            elif kind == "count":
                fields[name] = _num(values)
            else:  # the English noun agreeing with the count; Chinese has no plural
                fields[name] = pd.Series(
                    np.where(values == 1, "complaint", "complaints") if lang != "zh"
                    else np.full(len(rows), ""), dtype="str")
        elif name == "category":
            fields[name] = _category_text(sub["complaint_category"].reset_index(drop=True),
                                          lang)
        else:
            fields[name] = _FIELDS[name](col, ctx)
    text = _format(templates["main"], fields, len(rows))
    if code == "recent":  # "shipped today" rather than "0 days ago"
        text = text.where(np.rint(col("recency_days")) != 0,
                          _format(templates["alt"], fields, len(rows)))
    if "alt" in templates and code != "recent":  # no category known
        category = sub["complaint_category"].to_numpy(dtype=object)
        known = pd.notna(category) & (category != "")
        text = text.where(known, _format(templates["alt"], fields, len(rows)))
    return text


def reason_codes(signals: pd.DataFrame, risk: pd.Series, *, high_risk: float | None = None,
                 lost: pd.Series | None = None, max_reasons: int = _MAX_REASONS
                 ) -> pd.DataFrame:
    """The two or three signals that drive each customer's risk, as codes (no language).

    How they are chosen: every rule of :data:`REASON_RULES` that holds for a
    customer is a candidate, ranked by how far out the customer is against all
    customers not lost on that signal (percentile). Customers with risk at
    or above the mean risk get the risk-raising candidates first, the others
    the reassuring ones first. A high-risk customer (``risk >= high_risk``)
    gets only risk-raising reasons, at least one: when no rule holds, "no
    shipment for N days" (code ``quiet``). Lost customers get "lost: no
    shipment for N days". Anyone else without a candidate gets the neutral
    "last shipment N days ago (usually every M)" (code ``pace``).

    The values behind each code are the signal columns themselves:
    :func:`render_reasons` words codes and values in either language.

    Parameters
    ----------
    signals : :func:`churn_signals` output.
    risk : churn probability per customer, indexed like ``signals``.
    high_risk : the threshold of "high risk"; default the 90th percentile of
        ``risk`` among customers not lost.
    lost : bool per customer; default nobody.
    max_reasons : at most this many reasons per customer.

    Returns
    -------
    DataFrame indexed like ``signals``: ``reason_codes`` (``str``, codes joined
    by ``","``, most important first) and ``n_risk_reasons`` (int, how many
    raise risk).
    """
    n = len(signals)
    r = pd.Series(risk, copy=False).reindex(signals.index).to_numpy(dtype="float64")
    is_lost = (np.zeros(n, bool) if lost is None
               else pd.Series(lost, copy=False).reindex(signals.index).to_numpy(dtype=bool))
    live = ~is_lost
    if high_risk is None:
        high_risk = float(np.quantile(r[live], 1 - _TOP_SHARE)) if live.any() else math.inf
    mean_risk = float(np.mean(r[live])) if live.any() else 0.5
    cand = reason_candidates(signals, population=live)
    codes = list(cand.columns)
    side = REASON_RULES.set_index("code")["side"].reindex(codes).to_numpy()
    strength = cand.to_numpy(dtype="float64")  # in (0, 1] or NaN
    risky_first = (r >= mean_risk)[:, None]
    is_risk = (side == "risk")[None, :]
    # risk-raising reasons first for customers above the mean, reassuring ones otherwise
    key = np.where(np.isnan(strength), -np.inf,
                   strength + np.where(is_risk == risky_first, 2.0, 0.0))
    high = (r >= high_risk) & live
    key[high[:, None] & ~is_risk] = -np.inf
    key[is_lost] = -np.inf
    order = np.argsort(-key, axis=1, kind="stable")[:, :max_reasons]
    picked = np.take_along_axis(key, order, axis=1) > -np.inf
    # slots: code index per customer and slot, -1 empty; extra pseudo-codes after the rules
    all_codes = codes + [_FALLBACK_CODE, "lost", _NEUTRAL_CODE]
    slots = np.where(picked, order, -1)
    no_risk = high & ~(picked & is_risk[0][order]).any(axis=1)
    slots[no_risk, 0] = len(codes)
    slots[no_risk, 1:] = -1
    slots[is_lost, 0] = len(codes) + 1
    slots[is_lost, 1:] = -1
    slots[(slots < 0).all(axis=1), 0] = len(codes) + 2
    code_arr = np.array(all_codes + [""], dtype=object)
    code_names = code_arr[np.where(slots >= 0, slots, len(all_codes))]
    joined_codes = pd.Series(code_names[:, 0], dtype="str")
    for k in range(1, slots.shape[1]):
        filled = slots[:, k] >= 0  # slots are filled from the left
        joined_codes = joined_codes + pd.Series(np.where(filled, ",", ""), dtype="str") \
            + pd.Series(code_names[:, k], dtype="str")
    risk_codes = set(REASON_RULES.loc[REASON_RULES["side"] == "risk", "code"]) | {
        _FALLBACK_CODE, "lost"}
    n_risk = np.isin(code_names, list(risk_codes)).sum(axis=1)
    return pd.DataFrame({"reason_codes": joined_codes.array,
                         "n_risk_reasons": n_risk.astype("int64")}, index=signals.index)


def render_reasons(frame: pd.DataFrame, lang: str = "en") -> pd.Series:
    """The reason sentences of ``frame``'s ``reason_codes``, in ``lang``: the one place
    where reasons get words.

    Parameters
    ----------
    frame : rows with ``reason_codes`` and the :data:`SIGNAL_COLUMNS` (the
        scores of :func:`score_churn`, or :func:`churn_signals` joined with
        :func:`reason_codes`); its ``attrs`` ``window_days``,
        ``typical_interval_days`` and ``satisfaction_scale`` fill the wording.
    lang : "en" or "zh".

    Returns
    -------
    Series of ``str`` indexed like ``frame``, named ``risk_reasons``: the
    sentences joined by "; " (English) or "；" (Chinese). Reads no data and
    fits nothing, so a language switch costs only this.
    """
    n = len(frame)
    signals = frame[list(SIGNAL_COLUMNS)]
    signals.attrs.update(frame.attrs)
    split = frame["reason_codes"].astype("str").str.split(",", expand=True)
    sep = "；" if lang == "zh" else "; "
    joined = pd.Series([""] * n, dtype="str")
    for k in range(split.shape[1] if n else 0):
        slot = split[k].fillna("").to_numpy(dtype=object)
        text = np.full(n, "", dtype=object)
        for code in pd.unique(slot):
            if not code:
                continue
            rows = np.flatnonzero(slot == code)
            text[rows] = _reason_text(str(code), signals, rows, lang).to_numpy(dtype=object)
        piece = pd.Series(text, dtype="str")
        joined = joined + (pd.Series(np.where(slot != "", sep, ""), dtype="str") if k else "") \
            + piece
    return pd.Series(joined.array, index=frame.index, name="risk_reasons", dtype="str")


def reasons(signals: pd.DataFrame, risk: pd.Series, *, lang: str = "en",
            high_risk: float | None = None, lost: pd.Series | None = None,
            max_reasons: int = _MAX_REASONS) -> pd.DataFrame:
    """:func:`reason_codes` worded by :func:`render_reasons` in ``lang``.

    Returns
    -------
    DataFrame indexed like ``signals``: ``reason_codes``, ``risk_reasons``
    (``str``) and ``n_risk_reasons``.
    """
    codes = reason_codes(signals, risk, high_risk=high_risk, lost=lost,
                         max_reasons=max_reasons)
    frame = pd.concat([signals, codes], axis=1)
    frame.attrs.update(signals.attrs)
    text = render_reasons(frame, lang)
    return pd.DataFrame({"reason_codes": codes["reason_codes"].array,
                         "risk_reasons": text.array,
                         "n_risk_reasons": codes["n_risk_reasons"].to_numpy()},
                        index=signals.index)


# --------------------------------------------------------------------------- warning list


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


# --------------------------------------------------------------------------- one call


@dataclass(frozen=True)
class ChurnResult:
    """What :func:`score_churn` returns: the scores, the fitted time-shifted model (``None``
    unless it ranks), the backtest (``None`` when the history is too short for one)."""

    scores: pd.DataFrame
    model: ChurnModel | None
    backtest: Backtest | None

    def explanation(self, lang: str = "en") -> str:
        """Which score ranks and why (:func:`ranking_explanation`)."""
        return ranking_explanation(self.scores.attrs, lang)


def score_churn(bind: sa.Engine | sa.Connection, *, as_of=None,
                horizon_days: int | None = None, lost_after_days: int | None = None,
                lang: str | None = "en", check: bool = True, view: pd.DataFrame | None = None,
                table_names: Mapping[str, str] | None = None, **model_params) -> ChurnResult:
    """The whole pipeline the page and the CLI share: backtest, choose, fit, score.

    1. Below :data:`MIN_CUSTOMERS` customers or :data:`MIN_HISTORY_DAYS` days
       of history, :class:`ChurnUnavailable` says what is missing.
    2. ``H`` defaults to :func:`default_horizon` of the view at ``as_of`` with
       its history.
    3. With ``H + 30`` days of history, :func:`backtest` judges every
       candidate on ``(as_of - H, as_of]`` and chooses one (never ranking
       worse than the recency rule there) with its calibration. The
       time-shifted model, when chosen, is then trained on features at
       ``as_of - H`` with the very labels the backtest judged on, and applied
       at ``as_of``.
    4. With less history, the BG/NBD probability of no purchase in H days
       ranks (``ranked_why == "short"``), or, without repeat buyers, the
       recency rank (``"rank_only"``; a rank, not a probability).

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : scoring day (default: the last transaction day).
    horizon_days, lost_after_days : see :class:`ChurnModel`; the lost cutoff
        defaults to :func:`default_lost_after` at ``as_of - H``.
    lang : language of ``risk_reasons``; ``None`` leaves the words out (the
        scores carry ``reason_codes`` and the signal values, and
        :func:`render_reasons` words them in either language later).
    check : run the backtest; ``False`` skips it (label-free ranking as in 4).
    view : the customer view at ``as_of`` (``window_days`` 90 unless given in
        ``model_params``), when the caller already has it.
    table_names : canonical table -> actual name.
    **model_params : further :class:`ChurnModel` parameters.

    Returns
    -------
    ChurnResult
        ``scores`` as :meth:`ChurnModel.score` describes them, every candidate's
        raw score in ``score_<candidate>``, and ``attrs``: ``ranked_by`` (a
        :data:`CANDIDATES` name), ``ranked_why``, ``why_params``,
        ``calibration`` (``Calibration.method``), ``unused``,
        ``history_days``, ``horizon_days``, ``lost_after_days`` (see
        :func:`ranking_explanation`).

    Raises
    ------
    ChurnUnavailable
        Too few customers or days of history (see 1).
    """
    day = _resolve_as_of(bind, as_of, table_names)
    window = int(model_params.get("window_days", 90))
    if view is None:
        view = customer_view(bind, as_of=day, window_days=window, table_names=table_names)
    check_enough_data(view)
    history = history_days(view)
    if horizon_days is None:
        horizon_days = default_horizon(view, history=history)
    horizon = _check_horizon(horizon_days)
    sample_size = model_params.get("sample_size", 200_000)
    random_state = int(model_params.get("random_state", 7))
    warning_threshold = float(model_params.get("warning_threshold", 0.5))
    views: ViewCache = {(day, window): view}
    run = None
    if check and history >= _backtest_need(horizon):
        run = _run_backtest(bind, day=day, horizon=horizon, lost_after_days=lost_after_days,
                            history=history, n_bins=10, table_names=table_names, views=views,
                            model_params=model_params)
    features = churn_features(bind, as_of=day, horizon_days=horizon, window_days=window,
                              table_names=table_names, view=view, views=views,
                              sample_size=sample_size, random_state=random_state)
    if run is not None:
        bt = run.backtest
        lost_after = bt.lost_after_days
        chosen, why, why_params = bt.chosen, bt.why, dict(bt.why_params)
        calibration, lost_rate, unused = bt.calibration, bt.lost_churn_rate, dict(bt.unused)
    else:
        bt = None
        lost_after = (default_lost_after(features, horizon) if lost_after_days is None
                      else int(lost_after_days))
        lost_rate = math.nan
        unused = {"gbm": ("history", {"need": _shifted_need(horizon), "horizon": horizon,
                                      "have": history})}
        why_params = {"horizon": horizon, "need": _backtest_need(horizon), "have": history}
        chosen, why, calibration = "recency", "rank_only", Calibration("recency", "rank")
    lost = features["recency_days"].to_numpy(dtype="float64") > lost_after
    live = ~lost
    gbm = None
    if bt is not None and (chosen == "gbm" or (chosen == "blend" and "gbm" in bt.metrics.index)):
        # the final model learns from the very window the backtest judged on
        train_x = run.features.loc[run.live]
        train_y = run.labels.loc[run.live]
        train_x.attrs.update(run.features.attrs, cutoff=bt.eval_cutoff,
                             lost_after_days=lost_after, lost_churn_rate=lost_rate,
                             n_lost=int((~run.live).sum()))
        if _gbm_problem(train_y) is None:
            gbm = ChurnModel(horizon, lost_after, **model_params)
            gbm._fit_frame(train_x, train_y)
            gbm.as_of_ = day
        else:  # cannot happen with the backtest's checks; stay safe: the next best label-free
            metrics = bt.metrics.drop(index=[c for c in ("gbm", "blend")
                                             if c in bt.metrics.index])
            chosen, why, why_params = _choose(metrics)
            why_params.update(horizon=horizon)
            calibration = Calibration.fit(chosen, bt.scores[chosen], bt.scores["churned"])
    del run  # the backtest's features are not kept
    candidates = _candidate_scores(features.loc[live], gbm)
    if chosen not in candidates:  # nobody left to score with it (everyone lost)
        chosen, calibration = "recency", Calibration("recency", "rank")
    if bt is None:
        if "btyd" in candidates:  # a probability that needs no past outcomes
            chosen, why, calibration = "btyd", "short", Calibration("btyd", "identity")
        else:
            unused["btyd"] = ("btyd", {})
    churn = np.full(len(features), lost_rate if np.isfinite(lost_rate) else 1.0)
    churn[live] = calibration(candidates[chosen])
    if bt is None and chosen == "btyd":  # no backtest: lost customers keep their probability
        churn[lost] = features["p_no_purchase"].to_numpy(dtype="float64")[lost]
    extra = {f"score_{c}": _spread(candidates[c], live) for c in candidates}
    out = _assemble_scores(features, churn, lost, warning_threshold=warning_threshold,
                           extra=extra)
    out.attrs.update(horizon_days=horizon, lost_after_days=lost_after, ranked_by=chosen,
                     ranked_why=why, why_params=why_params, calibration=calibration.method,
                     unused=unused, history_days=history)
    if lang is not None:
        out["risk_reasons"] = render_reasons(out, lang)
    return ChurnResult(scores=out, model=gbm, backtest=bt)


def _spread(values: np.ndarray, live: np.ndarray) -> np.ndarray:
    """Values of the live rows placed back among all rows (NaN for the others)."""
    out = np.full(len(live), np.nan)
    out[live] = values
    return out


# --------------------------------------------------------------------------- lifecycle


@dataclass(frozen=True)
class Lifecycle:
    """Lifecycle stages over the last months.

    Attributes
    ----------
    counts : DataFrame, one row per month end (index ``month_end``, the last
        one is ``as_of``), one ``int64`` column per stage of :data:`STAGES`;
        each row sums to the customers with a purchase on or before that day.
    flows : DataFrame with ``month_end`` (the later month), ``from_stage``
        (:data:`STAGES` or ``"not_yet"``), ``to_stage`` and ``customers``:
        how many customers moved between the previous month end and this one.
    current : the stage of every known customer at ``as_of`` (``str``,
        indexed by ``customer_id``).
    lost_after_days, overdue_factor, typical_interval_days : the settings used.
    """

    counts: pd.DataFrame
    flows: pd.DataFrame
    current: pd.Series
    lost_after_days: int
    overdue_factor: float
    typical_interval_days: float


def _month_ends(as_of: pd.Timestamp, count: int) -> list[pd.Timestamp]:
    """``count`` evaluation days, oldest first: month ends before ``as_of``, then ``as_of``."""
    current = as_of.to_period("M")
    ends = [(current - i).to_timestamp(how="end").normalize() for i in range(count - 1, 0, -1)]
    return [*ends, as_of]


def lifecycle_stages(bind: sa.Engine | sa.Connection, *, as_of=None, months: int = 12,
                     horizon_days: int | None = None, lost_after_days: int | None = None,
                     overdue_factor: float = 2.0,
                     table_names: Mapping[str, str] | None = None,
                     customers: Iterable[str] | None = None) -> Lifecycle:
    """Each customer's stage at each month end, the counts and the flows between months.

    Stages at a month end ``e`` (for customers whose first purchase is on or
    before ``e``), the first that applies:

    - **new**: the first purchase falls in the month (after the previous month end);
    - **reactivated**: bought in the month after more than ``lost_after_days``
      without a purchase;
    - **lapsed**: no purchase for more than ``lost_after_days``;
    - **at risk**: no purchase for more than ``overdue_factor`` times the usual
      interval (as in :func:`churn_signals`: own gaps with one typical gap mixed in);
    - **active**: everyone else.

    One query reads, per customer and month bucket (the months in the window
    and one bucket for everything before), the first and last purchase day and
    the number of purchase days: at most ``months + 2`` rows per customer,
    computed inside the database (bucketed with bound dates, so portable).

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : the last day (default: the last transaction day); the months are
        the ``months`` calendar months ending with the one holding ``as_of``,
        the last one cut at ``as_of``.
    months : number of month ends reported (flows come from the month end before).
    horizon_days : used only for the default ``lost_after_days``.
    lost_after_days : default :func:`default_lost_after` at ``as_of`` with
        ``horizon_days`` (itself defaulting to :func:`default_horizon`).
    overdue_factor : the "at risk" multiple of the usual interval.
    table_names : canonical table -> actual name.
    customers : count only these customer ids (e.g. the customers of a user's
        scope). Stages, the usual interval and the default ``lost_after_days``
        are still those of all customers (network-wide), so a customer's stage
        does not depend on who looks. ``None``: everyone.

    Returns
    -------
    Lifecycle
    """
    if int(months) != months or months < 1:
        raise ValueError(f"months must be a positive whole number, got {months!r}")
    day = _resolve_as_of(bind, as_of, table_names)
    # two extra month ends before the reported ones: the first is where the
    # history bucket ends, the second is the "from" side of the first flow
    ends = _month_ends(day, int(months) + 2)
    with connected(bind) as conn:
        tx = transactions_source(resolve_tables(conn, table_names), table_names)
        cid, date = tx.c("customer_id"), tx.c("date")
        pday = day_of(date)
        whens = [(date < sa.bindparam(f"b{i}", (e + pd.Timedelta(days=1)).date(),
                                      type_=sa.Date()), i) for i, e in enumerate(ends)]
        bucket = sa.case(*whens, else_=len(ends)).label("bucket")
        end = sa.bindparam("end_excl", (day + pd.Timedelta(days=1)).date(), type_=sa.Date())
        query = (sa.select(cid.label("customer_id"), bucket,
                           sa.func.min(pday).label("first_day"),
                           sa.func.max(pday).label("last_day"),
                           sa.func.count(sa.distinct(pday)).label("days"))
                 .select_from(tx.table)
                 .where(date < end, is_purchase(tx.c("amount")), cid.is_not(None))
                 .group_by(cid, bucket))
        raw = fetch(conn, query)
    ids, cust = np.unique(as_text(raw["customer_id"]).to_numpy(dtype=object).astype(str),
                          return_inverse=True)
    n, m = len(ids), len(ends)
    b = raw["bucket"].to_numpy(dtype="int64")
    day_unit = np.timedelta64(1, "D")
    base = np.datetime64("1970-01-01", "ns")
    first_day = (pd.to_datetime(raw["first_day"]).to_numpy("datetime64[ns]") - base) / day_unit
    last_day = (pd.to_datetime(raw["last_day"]).to_numpy("datetime64[ns]") - base) / day_unit
    n_days = raw["days"].to_numpy(dtype="int64")
    grid_first = np.full((n, m), np.nan)
    grid_last = np.full((n, m), np.nan)
    grid_days = np.zeros((n, m), dtype="int64")
    grid_first[cust, b] = first_day
    grid_last[cust, b] = last_day
    grid_days[cust, b] = n_days
    end_days = np.array([(e.to_datetime64() - base) / day_unit for e in ends])
    # cumulative state at each month end
    first_purchase = np.fmin.accumulate(grid_first, axis=1)
    last_purchase = np.fmax.accumulate(grid_last, axis=1)
    freq = np.cumsum(grid_days, axis=1)
    # usual interval and defaults at as_of (the last column)
    span_now = last_purchase[:, -1] - first_purchase[:, -1]
    repeat = freq[:, -1] >= 2
    intervals = span_now[repeat] / (freq[repeat, -1] - 1)
    typical = float(np.median(intervals)) if len(intervals) else float(HORIZON_OPTIONS[-1])
    if lost_after_days is None:
        stats = pd.DataFrame({"frequency": freq[:, -1],
                              "avg_interval_days": np.where(repeat, span_now / np.maximum(
                                  freq[:, -1] - 1, 1), np.nan)})
        h = default_horizon(stats) if horizon_days is None else _check_horizon(horizon_days)
        lost_after_days = default_lost_after(stats, h)
    lost_after = int(lost_after_days)
    known = np.isfinite(first_purchase)
    recency = end_days[None, :] - last_purchase
    usual = (np.nan_to_num(last_purchase - first_purchase) + typical) / np.maximum(freq, 1)
    # gap before the first purchase in each month: from the last purchase before the month
    prev_last = np.full((n, m), np.nan)
    prev_last[:, 1:] = last_purchase[:, :-1]
    gap = grid_first - prev_last
    bought = grid_days > 0
    new = known & bought & ~np.isfinite(prev_last)
    reactivated = bought & (gap > lost_after)
    lapsed = known & (recency > lost_after)
    at_risk = known & (recency > overdue_factor * usual)
    codes = np.full((n, m), -1, dtype=np.int8)  # -1 = not yet a customer
    stage_index = {s: i for i, s in enumerate(STAGES)}
    for name, mask in (("active", known), ("at_risk", at_risk), ("lapsed", lapsed),
                       ("reactivated", reactivated), ("new", new)):
        codes[mask] = stage_index[name]  # later assignments win: "new" has priority
    if customers is not None:  # counted and listed: only these (stages stay network-wide)
        shown = np.isin(ids, np.asarray(list(customers), dtype=object).astype(str))
        ids, codes = ids[shown], codes[shown]
    months_index = pd.DatetimeIndex(ends[2:], name="month_end")
    counts = pd.DataFrame(
        {s: (codes[:, 2:] == i).sum(axis=0).astype("int64") for s, i in stage_index.items()},
        index=months_index)
    labels = np.array(list(STAGES) + [NOT_YET], dtype=object)
    frames = []
    for j in range(2, m):
        before = np.where(codes[:, j - 1] >= 0, codes[:, j - 1], len(STAGES))
        after = codes[:, j]
        mask = after >= 0
        pair = before[mask] * (len(STAGES) + 1) + after[mask]
        uniq, cnt = np.unique(pair, return_counts=True)
        frames.append(pd.DataFrame({
            "month_end": ends[j],
            "from_stage": labels[uniq // (len(STAGES) + 1)],
            "to_stage": labels[uniq % (len(STAGES) + 1)],
            "customers": cnt.astype("int64"),
        }))
    flows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["month_end", "from_stage", "to_stage", "customers"])
    flows["from_stage"] = flows["from_stage"].astype("str")
    flows["to_stage"] = flows["to_stage"].astype("str")
    now = codes[:, -1]
    current = pd.Series(pd.array(labels[now[now >= 0]], dtype="str"),
                        index=pd.Index(ids[now >= 0], dtype="str", name="customer_id"),
                        name="stage")
    return Lifecycle(counts=counts, flows=flows, current=current, lost_after_days=lost_after,
                     overdue_factor=float(overdue_factor), typical_interval_days=typical)

