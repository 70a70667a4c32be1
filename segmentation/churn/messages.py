"""The churn library's texts (statuses, stages, reasons, signals, backtest, choices)."""

from __future__ import annotations

from .. import i18n

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
    "churn.reason.pattern": {
        "en": "no single warning sign stands out: the risk is the model's reading of the "
              "whole shipping history",
        "zh": "没有单一的预警信号：风险来自模型对整体寄件记录的综合判断"},
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
    "churn.reason_label.quiet": {"en": "past the usual interval", "zh": "超过平时间隔未寄件"},
    "churn.reason_label.pattern": {"en": "overall pattern (no single sign)",
                                   "zh": "综合判断（无单一信号）"},
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
    "churn.backtest.windows": {
        "en": "Judged on {n} windows, {step} days apart: on each scoring day from {first} "
              "to {eval_cutoff}, every ranking scored the customers as the product would "
              "have then (the time-shifted model trained on the {horizon} days before) and "
              "was compared with what happened in the {horizon} days after, which it never "
              "saw (the latest up to {as_of}).",
        "zh": "在 {n} 个回测窗口上检验（间隔 {step} 天）：从 {first} 到 {eval_cutoff} 的每个"
              "评分日，各种排序都按当时产品的做法为客户评分（时移模型用之前 {horizon} 天的"
              "结果训练），再与其后 {horizon} 天的实际结果对比（最近一个截至 {as_of}），这些"
              "结果在评分时从未见过。"},
    "churn.backtest.window": {
        "en": "Judged on one window: every ranking scored the customers at {eval_cutoff} as "
              "the product would have then and was compared with what happened up to "
              "{as_of}, which it never saw (a longer history gives more windows).",
        "zh": "仅在一个回测窗口上检验：各种排序按当时产品的做法在 {eval_cutoff} 为客户评分，"
              "再与截至 {as_of} 的实际结果对比（评分时从未见过）；历史数据更长即可有更多窗口。"},
    "churn.backtest.sampled": {
        "en": "Each window judges a seeded sample of {sample} customers.",
        "zh": "每个窗口检验固定随机抽样的 {sample} 位客户。"},
    "churn.backtest.sampled_db": {
        "en": "The backtest reads a seeded sample of {share} of the customers, the same in "
              "every window ({sampled} at the latest window's day).",
        "zh": "回测读取固定随机抽样的 {share} 客户，各窗口相同（最近窗口当日 {sampled} 位）。"},
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
        "en": "Ranked by the {model}: it beat days since the last shipment {how} "
              "({horizon}-day outcomes): {prec} against {prec_base} churned in the top 10% "
              "(difference {diff} points, {conf} interval {low} to {high}), ROC-AUC {auc} "
              "against {auc_base}.",
        "zh": "按{model}排序：它{how}胜过按距上次寄件天数排序（{horizon} 天内的实际结果）："
              "风险最高的 10% 中实际流失 {prec}，对比 {prec_base}（相差 {diff} 个百分点，"
              "{conf} 区间 {low} 至 {high}），ROC-AUC {auc} 对 {auc_base}。"},
    "churn.why.how_every": {"en": "on every one of the {windows} backtest windows",
                            "zh": "在全部 {windows} 个回测窗口上都"},
    "churn.why.how_interval": {
        "en": "by more than the {conf} bootstrap interval of the difference",
        "zh": "以超出差值的 {conf} 自助法区间的幅度"},
    "churn.why.no_better": {
        "en": "Ranked by days since the last shipment: no other ranking beat it on every "
              "backtest window nor by more than the {conf} bootstrap interval, on the top 10% "
              "and on ROC-AUC ({horizon}-day outcomes, {windows} windows). Closest: the "
              "{best}, {prec} against {prec_base} churned in the top 10% (ahead on {wins} of "
              "{shared} windows; difference {low} to {high} points), ROC-AUC {auc} against "
              "{auc_base}.",
        "zh": "按距上次寄件天数排序：在前 10% 命中率和 ROC-AUC 上，没有其他排序在每个回测窗口"
              "都胜过它，也没有超出 {conf} 自助法区间的优势（{horizon} 天内的实际结果，"
              "{windows} 个窗口）。最接近的是{best}：前 10% 实际流失 {prec} 对 {prec_base}"
              "（{shared} 个窗口中领先 {wins} 个；差值 {low} 至 {high} 个百分点），ROC-AUC "
              "{auc} 对 {auc_base}。"},
    "churn.why.alone": {
        "en": "Ranked by days since the last shipment: no other ranking could be checked on "
              "the {horizon}-day outcomes ({windows} windows).",
        "zh": "按距上次寄件天数排序：没有其他排序可在 {horizon} 天内的实际结果上检验"
              "（{windows} 个窗口）。"},
    "churn.figures.head": {
        "en": "Backtest, mean over {windows} windows (lowest to highest): ",
        "zh": "回测结果，{windows} 个窗口的平均值（最低至最高）："},
    "churn.figures.head_one": {"en": "Backtest, one window: ", "zh": "回测结果（一个窗口）："},
    "churn.figures.candidate": {
        "en": "{name}: top 10% {prec} ({prec_min} to {prec_max}), call list {cap} ({cap_min} "
              "to {cap_max}), ROC-AUC {auc} ({auc_min} to {auc_max})",
        "zh": "{name}：前 10% 命中率 {prec}（{prec_min} 至 {prec_max}），呼叫名单命中率 {cap}"
              "（{cap_min} 至 {cap_max}），ROC-AUC {auc}（{auc_min} 至 {auc_max}）"},
    "churn.figures.uncertain": {
        "en": "These figures come from few customers (the smallest window: {n} customers, "
              "{churned} churned or stayed): they are uncertain.",
        "zh": "这些数字来自较少的客户（最小的窗口：{n} 位客户，流失或留存 {churned} 位），"
              "并不确定。"},
    "churn.figures.uncertain_interval": {
        "en": "These figures come from few customers (the smallest window: {n} customers, "
              "{churned} churned or stayed): they are uncertain; the {conf} interval of the "
              "top-10% difference of the {best} is {low} to {high} points.",
        "zh": "这些数字来自较少的客户（最小的窗口：{n} 位客户，流失或留存 {churned} 位），"
              "并不确定；{best}与按距上次寄件天数排序的前 10% 命中率之差，其 {conf} 区间为 "
              "{low} 至 {high} 个百分点。"},
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
        "en": "Its probabilities are calibrated on the latest backtest window ({method}).",
        "zh": "其概率已在最近一个回测窗口上校准（{method}）。"},
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
    "churn.unused.not_final": {
        "en": "The time-shifted model is not used today, so it is not judged.",
        "zh": "当前不使用时移模型，因此不检验它。"},
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
    "churn.thin_evidence": {
        "en": "Small data: the check of this ranking rests on {n} customers ({churned} "
              "churned, {stayed} stayed). At this size chance alone moves a ROC-AUC or a "
              "share in the top 10% by tens of points, so read the figures as a rough "
              "indication, not as a grade. A firm check needs at least {min} customers with "
              "{min_outcome} of each outcome: load the whole network or a longer history.",
        "zh": "数据量小：对该排序的检验仅基于 {n} 位客户（流失 {churned} 位，留存 {stayed} 位）。"
              "在这种规模下，仅随机波动就能让 ROC-AUC 或前 10% 命中率相差数十个百分点，"
              "因此这些数字只能作为粗略参考，不能作为评价。可靠的检验至少需要 {min} 位客户，"
              "且流失与留存各不少于 {min_outcome} 位：请导入全网数据或更长的历史。"},
    "churn.definition": {
        "en": "A customer churns when they make no shipment in the {horizon} days after the "
              "analysis date; customers without a shipment for more than {lost} days count "
              "as lost.",
        "zh": "分析日之后 {horizon} 天内没有寄件即视为流失；超过 {lost} 天未寄件的客户视为"
              "已流失客户。"},
})
