"""Churn warning: signals, reasons, a time-shifted model, an honest backtest, lifecycle stages.

Definitions (the page lets the user choose ``H`` and the lost cutoff):

* **Churn within H days.** A customer scored at ``as_of`` *churns* when they
  make no purchase (transaction with ``amount > 0``) in the days
  ``(as_of, as_of + H]``. ``H`` is one of :data:`HORIZON_OPTIONS`;
  :func:`default_horizon` derives a default from the data's purchase cycle.
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

Reasons per customer (:func:`reasons`) word the two or three signals that
stand out most on the risky side (or, for low-risk customers, the reassuring
side) against the whole customer base, in English and Chinese.

Lifecycle stages (:func:`lifecycle_stages`) classify every customer at each
month end (new, active, at risk, lapsed, reactivated) and count the flows
between consecutive months.

Honest limits, as the backtest shows them:

* Calibration holds for the period the model learnt from. When churn moves
  between that period and the next (seasonality, a wave of departures), the
  probabilities are off by about as much: on the bundled sample at H = 180 the
  model predicts 28 % churn where 34.5 % happened, because the half-year
  after New Year (Spring Festival dip, a planted late wave of decliners)
  loses more customers than the half-year before it. The ranking is not
  affected (the model still leads the baseline clearly); read the reliability
  curve of :class:`Backtest` before quoting a probability as a forecast.
* The reasons are the signals where a customer stands out most (population
  percentiles), not the model's internal attributions; they are guaranteed
  never to contradict the signal values or the customer's risk level.

Scale: the customer views and the label / same-season / lifecycle queries run
inside the database; the classifier is fitted on a seeded sample
(``sample_size``, 200,000 by default) and applied to every customer. At
1,000,000 customers (10 million transactions) fitting and scoring take about
half a minute on two cores (``bench/bench_churn.py``).

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
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from . import i18n
from .clv import score_clv

# besides the view itself, its table lookup and fetch helpers: the label, complaint and
# lifecycle queries resolve tables and columns exactly as the view does
from .features import (
    _connected,
    _fetch,
    _find_tables,
    _text,
    _transactions,
    customer_view,
    data_as_of,
    day_of,
)

__all__ = [
    "FEATURE_COLUMNS",
    "HORIZON_OPTIONS",
    "REASON_RULES",
    "SIGNAL_COLUMNS",
    "STAGES",
    "STATUSES",
    "Backtest",
    "ChurnModel",
    "ChurnResult",
    "Lifecycle",
    "backtest",
    "churn_features",
    "churn_labels",
    "churn_signals",
    "default_horizon",
    "default_lost_after",
    "lifecycle_stages",
    "ranking_metrics",
    "reason_candidates",
    "reasons",
    "score_churn",
    "top_share_metrics",
    "training_set",
    "typical_interval",
    "warning_list",
]

#: The horizons the page offers, in days.
HORIZON_OPTIONS: tuple[int, ...] = (30, 60, 90, 180)
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
    "p_alive", "expected_purchases_12m", "expected_spend", "clv_12m", "last_year_frequency",
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
    "churn.grade.better": {"en": "better than the baseline", "zh": "优于基准"},
    "churn.grade.similar": {"en": "similar to the baseline", "zh": "与基准相当"},
    "churn.grade.worse": {"en": "worse than the baseline", "zh": "不如基准"},
    "churn.backtest.sentence.better": {
        "en": "Backtest over {horizon} days: the model finds churners better than simply "
              "sorting by days since the last shipment (ROC-AUC {auc_model} vs {auc_base}; "
              "in the top 10% of scores {prec_model} vs {prec_base} churned). The list is "
              "ranked by the model.",
        "zh": "{horizon} 天回测：模型识别流失客户的效果优于单纯按“距上次寄件天数”排序"
              "（ROC-AUC {auc_model} 对 {auc_base}；风险最高的 10% 客户中实际流失 "
              "{prec_model} 对 {prec_base}）。名单按模型排序。"},
    "churn.backtest.sentence.similar": {
        "en": "Backtest over {horizon} days: the model does no better than simply sorting "
              "by days since the last shipment (ROC-AUC {auc_model} vs {auc_base}; in the "
              "top 10% of scores {prec_model} vs {prec_base} churned). The list is ranked "
              "by days since the last shipment instead.",
        "zh": "{horizon} 天回测：模型并不比单纯按“距上次寄件天数”排序更好"
              "（ROC-AUC {auc_model} 对 {auc_base}；风险最高的 10% 客户中实际流失 "
              "{prec_model} 对 {prec_base}）。名单改按距上次寄件天数排序。"},
    "churn.backtest.sentence.worse": {
        "en": "Backtest over {horizon} days: the model is worse than simply sorting by days "
              "since the last shipment (ROC-AUC {auc_model} vs {auc_base}; in the top 10% "
              "of scores {prec_model} vs {prec_base} churned). The list is ranked by days "
              "since the last shipment instead.",
        "zh": "{horizon} 天回测：模型不如单纯按“距上次寄件天数”排序"
              "（ROC-AUC {auc_model} 对 {auc_base}；风险最高的 10% 客户中实际流失 "
              "{prec_model} 对 {prec_base}）。名单改按距上次寄件天数排序。"},
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
    "churn.model.model": {"en": "model", "zh": "模型"},
    "churn.model.baseline": {"en": "days since last shipment", "zh": "距上次寄件天数"},
    "churn.ranked_by.model": {"en": "ranked by the churn model", "zh": "按流失模型排序"},
    "churn.ranked_by.baseline": {
        "en": "ranked by days since the last shipment (the model did not beat this baseline "
              "in the backtest)",
        "zh": "按距上次寄件天数排序（回测中模型未能胜过这一基准）"},
    "churn.metric.roc_auc": {"en": "ROC-AUC", "zh": "ROC-AUC"},
    "churn.metric.precision_top10": {"en": "precision in top 10%", "zh": "前 10% 命中率"},
    "churn.metric.recall_top10": {"en": "recall in top 10%", "zh": "前 10% 覆盖率"},
    "churn.metric.lift_top10": {"en": "lift in top 10%", "zh": "前 10% 提升度"},
    "churn.metric.base_rate": {"en": "churn rate", "zh": "流失率"},
    "churn.metric.n": {"en": "customers", "zh": "客户数"},
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


def default_horizon(view: pd.DataFrame) -> int:
    """The default churn horizon H: the smallest option at least twice the typical cycle.

    ``H`` = the smallest of :data:`HORIZON_OPTIONS` (30, 60, 90, 180) that is
    at least 2 x :func:`typical_interval` (the median purchase interval of
    repeat buyers), so that a customer on their usual rhythm would normally buy
    twice within the horizon and one missed purchase is not yet "churn". The
    largest option (180) when the cycle is longer, or when there are no
    repeat buyers to measure it.

    Parameters
    ----------
    view : customer view with ``frequency`` and ``avg_interval_days``.

    Returns
    -------
    int, one of :data:`HORIZON_OPTIONS`.
    """
    cycle = typical_interval(view)
    if not np.isfinite(cycle):
        return HORIZON_OPTIONS[-1]
    for option in HORIZON_OPTIONS:
        if option >= 2 * cycle:
            return option
    return HORIZON_OPTIONS[-1]


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


def _as_day(value) -> pd.Timestamp:
    day = pd.Timestamp(value)
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return day.normalize()


def _resolve_as_of(bind, as_of, table_names) -> pd.Timestamp:
    return data_as_of(bind, table_names) if as_of is None else _as_day(as_of)


def _latest_complaint_category(bind, *, as_of: pd.Timestamp,
                               table_names: Mapping[str, str] | None) -> pd.Series | None:
    """Per customer, the category of the latest complaint dated on or before ``as_of``."""
    with _connected(bind) as conn:
        found = _find_tables(conn, table_names)
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
        raw = _fetch(conn, query)
    if raw.empty:
        return pd.Series([], dtype="str", index=pd.Index([], dtype="str", name="customer_id"))
    raw["customer_id"] = _text(raw["customer_id"])
    raw["category"] = _text(raw["category"])
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
    day = _as_day(as_of)
    horizon = _check_horizon(horizon_days)
    if horizon > 365:
        raise ValueError(f"horizon_days must be at most 365, got {horizon}")
    if view is None and views is not None:
        view = views.get((day, int(window_days)))
    if view is None:
        view = customer_view(bind, as_of=day, window_days=window_days, table_names=table_names)
        if views is not None:
            views[(day, int(window_days))] = view
    elif _as_day(view.attrs.get("as_of", day)) != day:
        raise ValueError("the view passed was built for another as_of")
    category = _latest_complaint_category(bind, as_of=day, table_names=table_names)
    signals = churn_signals(view, horizon_days=horizon,
                            typical_interval_days=typical_interval_days,
                            complaint_category=category)
    clv = score_clv(view, as_of=day, sample_size=sample_size, random_state=random_state)
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


def _purchase_days(bind: sa.Engine | sa.Connection, *, after: pd.Timestamp,
                   until: pd.Timestamp, index: pd.Index,
                   table_names: Mapping[str, str] | None) -> pd.Series:
    """Distinct purchase days per customer of ``index`` in the days ``(after, until]``."""
    with _connected(bind) as conn:
        tx = _transactions(_find_tables(conn, table_names), table_names)
        cid, date = tx.c("customer_id"), tx.c("date")
        lo = sa.bindparam("window_start", (after + pd.Timedelta(days=1)).date(),
                          type_=sa.Date())
        hi = sa.bindparam("window_end", (until + pd.Timedelta(days=1)).date(), type_=sa.Date())
        query = (sa.select(cid.label("customer_id"),
                           sa.func.count(sa.distinct(day_of(date))).label("days"))
                 .select_from(tx.table)
                 .where(date >= lo, date < hi, tx.c("amount") > 0, cid.is_not(None))
                 .group_by(cid))
        raw = _fetch(conn, query)
    counts = pd.Series(pd.to_numeric(raw["days"]).to_numpy(dtype="int64"),
                       index=pd.Index(_text(raw["customer_id"]), dtype="str"))
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
    start = _as_day(start)
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
    cutoff = _as_day(as_of) - pd.Timedelta(days=horizon)
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

    def score(self, bind: sa.Engine | sa.Connection, *, as_of=None, lang: str = "en",
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

    def score_features(self, features: pd.DataFrame, *, lang: str = "en",
                       use_baseline: bool = False) -> pd.DataFrame:
        """:meth:`score` on a frame of :func:`churn_features` (see :meth:`score`)."""
        risk = self.predict_features(features)
        lost = risk["lost"].to_numpy()
        churn = (risk["baseline_risk"] if use_baseline else risk["model_risk"]).to_numpy()
        status = np.where(lost, "lost",
                          np.where(churn >= self.warning_threshold, "warning", "ok"))
        clv = features["clv_12m"].to_numpy(dtype="float64")
        fallback = (features["monetary_total"].to_numpy(dtype="float64") * 365.0
                    / np.maximum(features["tenure_days"].to_numpy(dtype="float64"), 365.0))
        value = np.where(np.isfinite(clv), clv, np.clip(np.nan_to_num(fallback), 0, None))
        live = churn[~lost]
        high = float(np.quantile(live, 1 - _TOP_SHARE)) if len(live) else math.nan
        signals = features[list(SIGNAL_COLUMNS)]
        signals.attrs.update(features.attrs)
        why = reasons(signals, pd.Series(churn, index=features.index), lang=lang,
                      high_risk=high, lost=pd.Series(lost, index=features.index))
        out = pd.DataFrame({
            "status": pd.array(status, dtype="str"),
            "churn_risk": churn,
            "model_risk": risk["model_risk"].to_numpy(),
            "baseline_risk": risk["baseline_risk"].to_numpy(),
            "p_alive": features["p_alive"].to_numpy(dtype="float64"),
            "expected_purchases_12m": features["expected_purchases_12m"].to_numpy(
                dtype="float64"),
            "clv_12m": clv,
            "expected_value": value,
            "value_at_risk": np.where(lost, 0.0, churn * value),
            "reason_codes": why["reason_codes"].array,
            "risk_reasons": why["risk_reasons"].array,
        }, index=features.index)
        extra = [c for c in ("branch", "region", "customer_type") if c in features.columns]
        out = pd.concat([out, signals, features[extra]], axis=1)
        # lost last, then by value at risk; the stable sort keeps customer_id order in ties
        order = np.lexsort((-out["value_at_risk"].to_numpy(), lost))
        out = out.iloc[order]
        out.attrs.update(as_of=features.attrs.get("as_of"), horizon_days=int(self.horizon_days),
                         lost_after_days=self.lost_after_days_, high_risk_threshold=high,
                         ranked_by="baseline" if use_baseline else "model",
                         window_days=features.attrs.get("window_days"))
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
class Backtest:
    """The out-of-time check of the churn model against the recency baseline.

    Attributes
    ----------
    as_of, eval_cutoff, train_cutoff : the last label day, the scoring day of
        the evaluation (``as_of - H``) and of the training features (``as_of - 2H``).
    horizon_days, lost_after_days : H and the lost cutoff used.
    metrics : DataFrame indexed by "model" / "baseline" with ``roc_auc``,
        ``precision_top10``, ``recall_top10``, ``lift_top10``, ``base_rate``, ``n``.
    reliability : DataFrame with ``mean_predicted``, ``observed`` and ``n`` per
        bin of the model's probability (quantile bins, from
        :func:`sklearn.calibration.calibration_curve`).
    mean_predicted, observed_rate, brier : calibration summary of the model.
    grade : "better", "similar" or "worse" (the model against the baseline).
    use_baseline : True unless the model is "better": rank by the baseline.
    n_train : training customers of the backtest model.
    scores : per evaluated customer ``model_risk``, ``baseline_risk``,
        ``recency_days`` and ``churned`` (for charts and further checks).
    """

    as_of: pd.Timestamp
    eval_cutoff: pd.Timestamp
    train_cutoff: pd.Timestamp
    horizon_days: int
    lost_after_days: int
    metrics: pd.DataFrame
    reliability: pd.DataFrame
    mean_predicted: float
    observed_rate: float
    brier: float
    grade: str
    use_baseline: bool
    n_train: int
    scores: pd.DataFrame = field(repr=False)

    def sentence(self, lang: str = "en") -> str:
        """The plain-language verdict, with the figures, in ``lang``."""
        m, b = self.metrics.loc["model"], self.metrics.loc["baseline"]
        return i18n.t(f"churn.backtest.sentence.{self.grade}", lang, horizon=self.horizon_days,
                      auc_model=f"{m['roc_auc']:.2f}", auc_base=f"{b['roc_auc']:.2f}",
                      prec_model=i18n.fmt_pct(m["precision_top10"], lang, decimals=0),
                      prec_base=i18n.fmt_pct(b["precision_top10"], lang, decimals=0))

    def calibration_sentence(self, lang: str = "en") -> str:
        """Mean predicted against observed churn, in ``lang``."""
        return i18n.t("churn.backtest.calibration", lang,
                      predicted=i18n.fmt_pct(self.mean_predicted, lang),
                      observed=i18n.fmt_pct(self.observed_rate, lang))

    def design_sentence(self, lang: str = "en") -> str:
        """Which dates were used for what, in ``lang``."""
        return i18n.t("churn.backtest.design", lang,
                      train_cutoff=self.train_cutoff.date().isoformat(),
                      eval_cutoff=self.eval_cutoff.date().isoformat(),
                      as_of=self.as_of.date().isoformat())


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


def backtest(bind: sa.Engine | sa.Connection, *, as_of=None, horizon_days: int | None = None,
             lost_after_days: int | None = None, n_bins: int = 10,
             table_names: Mapping[str, str] | None = None, views: ViewCache | None = None,
             **model_params) -> Backtest:
    """Train at ``as_of - 2H``, judge at ``as_of - H`` on what happened up to ``as_of``.

    The model is a :class:`ChurnModel` fitted with ``as_of - H`` as its last
    label day (features at ``as_of - 2H``, labels in ``(as_of - 2H, as_of - H]``).
    It then scores the customers at ``as_of - H`` (those not lost there), and
    its probabilities are compared with the outcome in ``(as_of - H, as_of]``,
    fully observed and never seen in training. The baseline ranks the same
    customers by days since their last shipment.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : the last day of data used (default: the last transaction day).
    horizon_days : H; default :func:`default_horizon` of the view at ``as_of``.
    lost_after_days : lost cutoff; default :func:`default_lost_after` at the
        training cutoff (as :class:`ChurnModel` learns it).
    n_bins : bins of the reliability curve (quantile bins).
    table_names : canonical table -> actual name.
    views : a cache of customer views (see :func:`churn_features`).
    **model_params : further :class:`ChurnModel` parameters.

    Returns
    -------
    Backtest
    """
    day = _resolve_as_of(bind, as_of, table_names)
    if horizon_days is None:
        horizon_days = default_horizon(customer_view(bind, as_of=day, table_names=table_names))
    horizon = _check_horizon(horizon_days)
    eval_cutoff = day - pd.Timedelta(days=horizon)
    model = ChurnModel(horizon, lost_after_days, **model_params)
    model.fit(bind, as_of=eval_cutoff, table_names=table_names, views=views)
    features = model.features_at(bind, as_of=eval_cutoff, table_names=table_names,
                                 views=views)
    risk = model.predict_features(features)
    live = ~risk["lost"].to_numpy()
    y = churn_labels(bind, start=eval_cutoff, horizon_days=horizon,
                     index=features.index[live], table_names=table_names)
    scores = pd.DataFrame({
        "model_risk": risk["model_risk"].to_numpy()[live],
        "baseline_risk": risk["baseline_risk"].to_numpy()[live],
        "recency_days": features["recency_days"].to_numpy(dtype="float64")[live],
        "churned": y.to_numpy(),
    }, index=features.index[live])
    yv = scores["churned"].to_numpy()
    m = ranking_metrics(yv, scores["model_risk"].to_numpy())
    b = ranking_metrics(yv, scores["recency_days"].to_numpy())
    metrics = pd.DataFrame([m, b], index=pd.Index(["model", "baseline"], name="score"))
    p = scores["model_risk"].to_numpy()
    if 0 < yv.sum() < len(yv):
        observed, predicted = calibration_curve(yv, p, n_bins=n_bins, strategy="quantile")
        # the bin sizes, with calibration_curve's own binning
        edges = np.percentile(p, np.linspace(0, 100, n_bins + 1))
        counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=n_bins)
        reliability = pd.DataFrame({"mean_predicted": predicted, "observed": observed,
                                    "n": counts[counts > 0].astype("int64")})
        brier = float(brier_score_loss(yv, p))
    else:
        reliability = pd.DataFrame(columns=["mean_predicted", "observed", "n"], dtype="float64")
        brier = math.nan
    grade = _grade(m, b)
    return Backtest(as_of=day, eval_cutoff=eval_cutoff, train_cutoff=model.cutoff_,
                    horizon_days=horizon, lost_after_days=model.lost_after_days_,
                    metrics=metrics, reliability=reliability,
                    mean_predicted=float(p.mean()) if len(p) else math.nan,
                    observed_rate=float(yv.mean()) if len(yv) else math.nan, brier=brier,
                    grade=grade, use_baseline=grade != "better", n_train=model.n_train_,
                    scores=scores)


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


def reasons(signals: pd.DataFrame, risk: pd.Series, *, lang: str = "en",
            high_risk: float | None = None, lost: pd.Series | None = None,
            max_reasons: int = _MAX_REASONS) -> pd.DataFrame:
    """The two or three signals that drive each customer's risk, in plain words.

    How they are chosen: every rule of :data:`REASON_RULES` that holds for a
    customer is a candidate, ranked by how far out the customer is against all
    customers not lost on that signal (percentile). Customers with risk at
    or above the mean risk get the risk-raising candidates first, the others
    the reassuring ones first. A high-risk customer (``risk >= high_risk``)
    gets only risk-raising reasons, at least one: when no rule holds, "no
    shipment for N days" (code ``quiet``). Lost customers get "lost: no
    shipment for N days". Anyone else without a candidate gets the neutral
    "last shipment N days ago (usually every M)" (code ``pace``).

    Parameters
    ----------
    signals : :func:`churn_signals` output (``attrs`` ``window_days`` and
        ``typical_interval_days`` are used in the wording).
    risk : churn probability per customer, indexed like ``signals``.
    lang : "en" or "zh".
    high_risk : the threshold of "high risk"; default the 90th percentile of
        ``risk`` among customers not lost.
    lost : bool per customer; default nobody.
    max_reasons : at most this many reasons per customer.

    Returns
    -------
    DataFrame indexed like ``signals``: ``reason_codes`` (``str``, codes joined
    by ``","``, most important first), ``risk_reasons`` (``str``, the sentences
    joined by "; " or "；") and ``n_risk_reasons`` (int, how many raise risk).
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
    sep = "；" if lang == "zh" else "; "
    slot_text = []
    for k in range(slots.shape[1]):
        text = np.full(n, "", dtype=object)
        for c, code in enumerate(all_codes):
            rows = np.flatnonzero(slots[:, k] == c)
            if len(rows):
                text[rows] = _reason_text(code, signals, rows, lang).to_numpy(dtype=object)
        slot_text.append(pd.Series(text, dtype="str"))
    code_arr = np.array(all_codes + [""], dtype=object)
    code_names = code_arr[np.where(slots >= 0, slots, len(all_codes))]
    joined_text = slot_text[0]
    joined_codes = pd.Series(code_names[:, 0], dtype="str")
    for k in range(1, slots.shape[1]):
        filled = slots[:, k] >= 0  # slots are filled from the left
        joined_text = joined_text + pd.Series(np.where(filled, sep, ""), dtype="str") \
            + slot_text[k]
        joined_codes = joined_codes + pd.Series(np.where(filled, ",", ""), dtype="str") \
            + pd.Series(code_names[:, k], dtype="str")
    risk_codes = set(REASON_RULES.loc[REASON_RULES["side"] == "risk", "code"]) | {
        _FALLBACK_CODE, "lost"}
    n_risk = np.isin(code_names, list(risk_codes)).sum(axis=1)
    return pd.DataFrame({"reason_codes": joined_codes.array,
                         "risk_reasons": joined_text.array,
                         "n_risk_reasons": n_risk.astype("int64")}, index=signals.index)


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


# --------------------------------------------------------------------------- one call


@dataclass(frozen=True)
class ChurnResult:
    """What :func:`score_churn` returns: the scores, the fitted model, the backtest."""

    scores: pd.DataFrame
    model: ChurnModel
    backtest: Backtest | None


def score_churn(bind: sa.Engine | sa.Connection, *, as_of=None,
                horizon_days: int | None = None, lost_after_days: int | None = None,
                lang: str = "en", check: bool = True, view: pd.DataFrame | None = None,
                table_names: Mapping[str, str] | None = None, **model_params) -> ChurnResult:
    """The whole pipeline the page and the CLI share: backtest, fit, score.

    1. ``H`` defaults to :func:`default_horizon` of the view at ``as_of``.
    2. With ``check`` the :func:`backtest` runs first; when the model does not
       beat the baseline there, the scores rank by the baseline probability
       (``attrs["ranked_by"] == "baseline"``).
    3. A :class:`ChurnModel` is fitted for ``as_of`` and scores every customer.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : scoring day (default: the last transaction day).
    horizon_days, lost_after_days : see :class:`ChurnModel`.
    lang : language of the reasons.
    check : run the backtest (doubles the work; ``False`` always ranks by the model).
    view : the customer view at ``as_of`` (``window_days`` 90 unless given in
        ``model_params``), when the caller already has it.
    table_names : canonical table -> actual name.
    **model_params : further :class:`ChurnModel` parameters.

    Returns
    -------
    ChurnResult
    """
    day = _resolve_as_of(bind, as_of, table_names)
    window = int(model_params.get("window_days", 90))
    if view is None:
        view = customer_view(bind, as_of=day, window_days=window, table_names=table_names)
    if horizon_days is None:
        horizon_days = default_horizon(view)
    # the backtest's evaluation day is the model's training cutoff: aggregate it once
    views: ViewCache = {(day, window): view}
    bt = None
    if check:
        bt = backtest(bind, as_of=day, horizon_days=horizon_days,
                      lost_after_days=lost_after_days, table_names=table_names, views=views,
                      **model_params)
    model = ChurnModel(horizon_days, lost_after_days, **model_params)
    model.fit(bind, as_of=day, table_names=table_names, views=views)
    scores = model.score(bind, as_of=day, lang=lang, use_baseline=bool(bt and bt.use_baseline),
                         table_names=table_names, view=view)
    return ChurnResult(scores=scores, model=model, backtest=bt)


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
    with _connected(bind) as conn:
        tx = _transactions(_find_tables(conn, table_names), table_names)
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
                 .where(date < end, tx.c("amount") > 0, cid.is_not(None))
                 .group_by(cid, bucket))
        raw = _fetch(conn, query)
    ids, cust = np.unique(_text(raw["customer_id"]).to_numpy(dtype=object).astype(str),
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

