"""Strings of the churn warnings page."""

from segmentation import i18n

i18n.register({
    "nav.churn": {"en": "Churn warnings", "zh": "流失预警"},
    "cp.title": {"en": "Churn warnings", "zh": "流失预警"},
    "cp.caption": {
        "en": "Customers likely to stop shipping within the next {h} days after {as_of}, the "
              "signals behind each warning and what to offer. Sorted by value at risk.",
        "zh": "{as_of} 之后 {h} 天内可能停止寄件的客户、每条预警背后的信号及建议措施，按风险价值排序。",
    },
    "cp.horizon": {"en": "Churn means no shipment within", "zh": "流失定义：之后多少天内未寄件"},
    "cp.horizon.days": {"en": "{d} days", "zh": "{d} 天"},
    "cp.horizon.help": {
        "en": "A customer counts as churned when no shipment follows within this many days. "
              "The default ({d} days) comes from how often your customers usually ship and "
              "how much history the data hold: checking the model needs about twice the "
              "horizon plus a month.",
        "zh": "客户在此天数内没有再寄件即视为流失。默认值（{d} 天）根据客户通常的寄件间隔和数据"
              "的历史长度确定：检验模型大约需要两倍预测期再加一个月的历史数据。",
    },
    "cp.lost": {"en": "Already lost after (days without shipment)",
                "zh": "超过多少天未寄件视为已流失"},
    "cp.lost.help": {
        "en": "Customers silent for longer are listed as lost, not as warnings: calling them "
              "is win-back, not retention.",
        "zh": "超过该天数未寄件的客户视为已流失，不再列入预警；联系他们属于召回而非挽留。",
    },
    "cp.too_short": {
        "en": "A churn model cannot be learned for a {h}-day horizon from this data: it needs "
              "customers with known outcomes over {h} days before the analysis date. Choose a "
              "shorter horizon, an earlier analysis date, or load more history. (Detail: "
              "{detail})",
        "zh": "无法基于当前数据学习 {h} 天的流失模型：需要在分析日期之前有足够客户的 {h} 天结果。"
              "请选择更短的时间范围、更早的分析日期，或导入更长的历史数据。（详情：{detail}）",
    },
    "cp.running": {"en": "Training and checking the churn model…",
                   "zh": "正在训练并检验流失模型…"},
    "cp.metric.warnings": {"en": "Customers with a warning", "zh": "预警客户"},
    "cp.metric.warnings.help": {"en": "Customers with a churn risk of 50% or more who are not "
                                      "yet lost.",
                                "zh": "流失风险不低于 50% 且尚未流失的客户。"},
    "cp.metric.value": {"en": "Value at risk", "zh": "风险价值"},
    "cp.metric.value.help": {
        "en": "Sum over warned customers of churn risk × expected value of the next 12 months.",
        "zh": "预警客户的“流失风险 × 未来 12 个月预期价值”之和。",
    },
    "cp.metric.lost": {"en": "Already lost", "zh": "已流失"},
    "cp.metric.avg": {"en": "Avg. churn risk", "zh": "平均流失风险"},
    "cp.trust": {"en": "How far can you trust this list?", "zh": "这份名单有多可信？"},
    "cp.trust.metric": {"en": "Measure", "zh": "指标"},
    "cp.trust.roc_auc": {"en": "ROC-AUC (0.5 = guessing, 1 = perfect)",
                         "zh": "ROC-AUC（0.5 为随机，1 为完美）"},
    "cp.trust.precision_top10": {"en": "Share who churned among the top 10% flagged",
                                 "zh": "风险最高 10% 中实际流失的比例"},
    "cp.trust.recall_top10": {"en": "Share of all churners caught in the top 10%",
                              "zh": "风险最高 10% 覆盖的流失客户比例"},
    "cp.trust.lift_top10": {"en": "Lift in the top 10% (× the average rate)",
                            "zh": "前 10% 提升度（相对平均流失率的倍数）"},
    "cp.trust.base_rate": {"en": "Churn rate overall", "zh": "整体流失率"},
    "cp.trust.n": {"en": "Customers checked", "zh": "检验客户数"},
    "cp.trust.reliability": {"en": "Predicted against observed churn (backtest)",
                             "zh": "预测流失率与实际流失率（回测）"},
    "cp.trust.predicted": {"en": "Predicted churn risk", "zh": "预测流失风险"},
    "cp.trust.observed": {"en": "Observed churn rate", "zh": "实际流失率"},
    "cp.filters": {"en": "Narrow the list", "zh": "筛选名单"},
    "cp.filter.tier": {"en": "Tier", "zh": "等级"},
    "cp.filter.min_risk": {"en": "Minimum churn risk (%)", "zh": "最低流失风险（%）"},
    "cp.filter.reason": {"en": "Reason", "zh": "预警原因"},
    "cp.list": {"en": "Customers to call this week: {n} in {branches} branches (up to {cap} "
                      "per branch)",
                "zh": "本周需联系的客户：{branches} 个网点共 {n} 位（每个网点最多 {cap} 位）"},
    "cp.list.one": {"en": "Customers to call this week: {n} in 1 branch (up to {cap} per branch)",
                "zh": "本周需联系的客户：{branches} 个网点共 {n} 位（每个网点最多 {cap} 位）"},
    "cp.list.rest": {"en": "Further warnings, beyond this week's capacity ({n})",
                     "zh": "超出本周联系能力的其他预警客户（{n} 位）"},
    "cp.list.rest.more": {"en": "Showing the {shown} with the most value at risk; the "
                                "downloads below hold all {n}.",
                          "zh": "仅显示风险价值最高的 {shown} 位；下方下载的文件包含全部 {n} 位。"},
    "cp.list.rest.none": {"en": "Every warned customer fits into this week's calls.",
                          "zh": "所有预警客户都已排入本周的联系名单。"},
    "cp.calls": {"en": "Calls per week per branch", "zh": "每个网点每周可联系客户数"},
    "cp.calls.help": {
        "en": "How many customers one branch can call in a week. The list takes each branch's "
              "customers with the highest value at risk up to this number; the others follow "
              "below. Saved with a preset of the Tiers page.",
        "zh": "一个网点一周能联系的客户数。名单按风险价值从高到低，为每个网点选取不超过该数量的"
              "客户，其余客户列在下方。可随客户分级页面的方案一起保存。"},
    "cp.calls.preset": {"en": "Preset to save the capacity with", "zh": "保存到方案"},
    "cp.calls.save": {"en": "Save with the preset", "zh": "随方案保存"},
    "cp.calls.saved": {"en": "Saved {n} calls per week per branch with the preset '{name}'.",
                       "zh": "已将每个网点每周 {n} 次联系保存到方案“{name}”。"},
    "cp.calls.no_preset": {
        "en": "Save a preset on the Tiers page to keep this capacity with it.",
        "zh": "请先在客户分级页面保存一个方案，即可把该联系能力随方案保存。"},
    "cp.col.week": {"en": "Call this week", "zh": "本周联系"},
    "cp.col.branch_rank": {"en": "Rank in branch", "zh": "网点内排名"},
    "cp.trust.candidates": {"en": "Every ranking, checked side by side",
                            "zh": "各种排序的并列检验"},
    "cp.trust.chosen": {"en": "{name} (ranks the list)", "zh": "{name}（用于名单排序）"},
    "cp.trust.none": {
        "en": "No backtest: the history is too short to compare the rankings with what "
              "happened.",
        "zh": "未做回测：历史数据太短，无法用实际结果比较各种排序。"},
    "cp.trust.col.windows": {"en": "Windows", "zh": "窗口数"},
    "cp.trust.col.top10": {"en": "Churned in the top 10%, mean (lowest–highest)",
                           "zh": "前 10% 实际流失，平均（最低–最高）"},
    "cp.trust.col.capacity": {"en": "Churned within the call list, mean (lowest–highest)",
                              "zh": "呼叫名单内实际流失，平均（最低–最高）"},
    "cp.trust.col.auc": {"en": "ROC-AUC, mean (lowest–highest)",
                         "zh": "ROC-AUC，平均（最低–最高）"},
    "cp.trust.col.diff": {"en": "Top 10% against days since the last shipment ({conf} interval)",
                          "zh": "前 10% 与按距上次寄件天数之差（{conf} 区间）"},
    "cp.trust.col.wins": {"en": "Windows ahead on the top 10%", "zh": "前 10% 领先的窗口"},
    "cp.trust.per_window": {"en": "Every window", "zh": "各回测窗口"},
    "cp.trust.col.cutoff": {"en": "Scoring day", "zh": "评分日"},
    "cp.trust.col.candidate": {"en": "Ranking", "zh": "排序"},
    "cp.trust.precision_capacity": {"en": "Share who churned within the call list",
                                    "zh": "呼叫名单内实际流失的比例"},
    "cp.trust.churned": {"en": "Churned", "zh": "流失客户数"},
    "cp.trust.capacity": {"en": "Call-list capacity (customers)", "zh": "呼叫名单容量（客户数）"},
    "cp.trust.uncertain": {"en": "Few customers or churners: these figures are uncertain.",
                           "zh": "客户或流失客户较少：这些数字并不确定。"},
    "cp.list.empty": {"en": "No customer matches these filters.",
                      "zh": "没有符合筛选条件的客户。"},
    "cp.col.customer": {"en": "Customer", "zh": "客户"},
    "cp.col.name": {"en": "Name", "zh": "名称"},
    "cp.col.branch": {"en": "Branch", "zh": "网点"},
    "cp.col.tier": {"en": "Tier", "zh": "等级"},
    "cp.col.risk": {"en": "Churn risk", "zh": "流失风险"},
    "cp.col.value_at_risk": {"en": "At risk (¥)", "zh": "风险价值（元）"},
    "cp.col.value_at_risk.help": {
        "en": "Value at risk: churn risk × expected value of the next 12 months (¥).",
        "zh": "风险价值：流失风险 × 未来 12 个月预期价值（元）。"},
    "cp.col.clv": {"en": "Expected value, 12 months (¥)", "zh": "未来 12 个月预期价值（元）"},
    "cp.col.reasons": {"en": "All reasons", "zh": "全部原因"},
    "cp.col.main_reason": {"en": "Main reason", "zh": "主要原因"},
    "cp.col.phone": {"en": "Phone", "zh": "电话"},
    "cp.col.account_manager": {"en": "Manager", "zh": "客户经理"},
    "cp.col.account_manager.help": {"en": "The customer's account manager.",
                                    "zh": "负责该客户的客户经理。"},
    "cp.col.last_shipment": {"en": "Last shipment", "zh": "上次寄件"},
    "cp.col.interval": {"en": "Interval (d)", "zh": "间隔（天）"},
    "cp.col.interval.help": {"en": "Usual days between two shipments of this customer.",
                             "zh": "该客户平时两次寄件之间的天数。"},
    "cp.col.action": {"en": "Suggested action", "zh": "建议措施"},
    "cp.col.recency": {"en": "Days since last shipment", "zh": "未寄件天数"},
    "cp.detail": {"en": "Customer detail", "zh": "客户详情"},
    "cp.detail.pick": {"en": "Select a row in the list, or choose a customer",
                       "zh": "在名单中选择一行，或选择客户"},
    "cp.detail.timeline": {"en": "Shipments, satisfaction and complaints of {id}",
                           "zh": "{id} 的寄件、满意度与投诉"},
    "cp.detail.spend": {"en": "Spend per month (¥)", "zh": "每月消费（元）"},
    "cp.detail.score": {"en": "Survey score", "zh": "调查评分"},
    "cp.detail.complaint": {"en": "Complaint", "zh": "投诉"},
    "cp.download.csv": {"en": "Download the list (CSV)", "zh": "下载名单（CSV）"},
    "cp.download.xlsx": {"en": "Download the list (Excel)", "zh": "下载名单（Excel）"},
    "cp.lifecycle": {"en": "Lifecycle stages over the last 12 months",
                     "zh": "近 12 个月客户生命周期"},
    "cp.lifecycle.chart": {"en": "Customers per stage at each month end",
                           "zh": "各月末各阶段客户数"},
    "cp.lifecycle.flows": {"en": "Moves between stages, {start} → {end}",
                           "zh": "阶段流向 {start} → {end}"},
    "cp.lifecycle.month": {"en": "Month end", "zh": "月末"},
    "cp.lifecycle.customers": {"en": "Customers", "zh": "客户数"},
    "cp.tab.list": {"en": "Warning list", "zh": "预警名单"},
    "cp.tab.trust": {"en": "Model check", "zh": "模型检验"},
    "cp.tab.lifecycle": {"en": "Lifecycle", "zh": "生命周期"},
})

#: The call list's columns and their header keys (tables and downloads).
COLUMN_KEYS = {
    "customer_id": "cp.col.customer", "name": "cp.col.name", "branch": "cp.col.branch",
    "phone": "cp.col.phone", "account_manager": "cp.col.account_manager",
    "last_purchase_date": "cp.col.last_shipment", "usual_interval_days": "cp.col.interval",
    "main_reason": "cp.col.main_reason",
    "branch_rank": "cp.col.branch_rank", "call_this_week": "cp.col.week",
    "tier_label": "cp.col.tier", "churn_risk": "cp.col.risk",
    "value_at_risk": "cp.col.value_at_risk", "clv_12m": "cp.col.clv",
    "recency_days": "cp.col.recency", "risk_reasons": "cp.col.reasons",
    "action": "cp.col.action",
}
