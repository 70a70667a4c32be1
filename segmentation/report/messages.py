"""The report's texts (``report.*``), in English and Simplified Chinese."""

from __future__ import annotations

from .. import i18n

i18n.register({
    # ------------------------------------------------------------------ frame
    "report.title": {"en": "Customer tiering report", "zh": "客户分层报告"},
    "report.context": {"en": "{scope} · analysis date {as_of}",
                       "zh": "{scope} · 分析日期 {as_of}"},
    "report.scope.all": {"en": "Whole network", "zh": "全网"},
    "report.scope.branch": {"en": "Branch {name}", "zh": "网点 {name}"},
    "report.scope.region": {"en": "Region {name}", "zh": "区域 {name}"},
    "report.scope.filtered": {"en": "{scope} (filters: {filters})",
                              "zh": "{scope}（筛选：{filters}）"},
    "report.meta.scope": {"en": "Scope", "zh": "范围"},
    "report.meta.as_of": {"en": "Analysis date", "zh": "分析日期"},
    "report.meta.source": {"en": "Data source", "zh": "数据来源"},
    "report.meta.author": {"en": "Prepared by", "zh": "制作人"},
    "report.meta.created": {"en": "Created", "zh": "生成日期"},
    "report.author.cli": {"en": "scheduled report (command line)",
                          "zh": "定时报告（命令行）"},
    "report.contents": {"en": "Contents", "zh": "目录"},
    "report.sheet.about": {"en": "About", "zh": "说明"},
    "report.page": {"en": "Page", "zh": "页"},
    "report.rows_shown": {"en": "The first {shown} of {total} rows; the workbook holds all.",
                          "zh": "仅显示前 {shown} 行（共 {total} 行）；工作簿中有全部数据。"},
    "report.empty": {"en": "Nothing to show for this scope.", "zh": "此范围内没有可显示的内容。"},
    # ------------------------------------------------------------------ overview
    "report.overview": {"en": "Headline figures", "zh": "核心指标"},
    "report.overview.sentence": {
        "en": "In the last {days} days revenue was {revenue} ({change} on the {days} days "
              "before), from {shipments} shipments of {active} active customers.",
        "zh": "近 {days} 天收入 {revenue}（较前 {days} 天 {change}），"
              "来自 {active} 位活跃客户的 {shipments} 件寄件。"},
    "report.overview.kpis": {"en": "Headline figures against the previous period",
                             "zh": "核心指标与上期对比"},
    "report.overview.trend": {"en": "Revenue per month", "zh": "每月收入"},
    "report.overview.regions": {"en": "Revenue by region, last {days} days",
                                "zh": "各区域收入（近 {days} 天）"},
    "report.overview.branches": {"en": "Revenue by branch, last {days} days",
                                 "zh": "各网点收入（近 {days} 天）"},
    "report.col.metric": {"en": "Figure", "zh": "指标"},
    "report.col.current": {"en": "Last {days} days", "zh": "近 {days} 天"},
    "report.col.previous": {"en": "{days} days before", "zh": "前 {days} 天"},
    "report.col.change": {"en": "Change", "zh": "变化"},
    "report.col.month": {"en": "Month", "zh": "月份"},
    "report.col.region": {"en": "Region", "zh": "区域"},
    "report.col.branch": {"en": "Branch", "zh": "网点"},
    "report.col.revenue": {"en": "Revenue", "zh": "收入"},
    "report.col.customer_type": {"en": "Customer type", "zh": "客户类型"},
    "report.col.area_type": {"en": "Urban / rural", "zh": "城乡"},
    "report.col.revenue_previous": {"en": "Revenue, previous period", "zh": "上期收入"},
    "report.col.customers": {"en": "Customers", "zh": "客户数"},
    "report.col.active_customers": {"en": "Active customers", "zh": "活跃客户"},
    "report.col.shipments": {"en": "Shipments", "zh": "寄件量"},
    "report.metric.customers": {"en": "Customers", "zh": "客户数"},
    "report.metric.active_customers": {"en": "Active customers", "zh": "活跃客户"},
    "report.metric.revenue": {"en": "Revenue", "zh": "收入"},
    "report.metric.shipments": {"en": "Shipments", "zh": "寄件量"},
    "report.metric.avg_satisfaction": {"en": "Avg. satisfaction", "zh": "平均满意度"},
    "report.up": {"en": "up {pct}", "zh": "上升 {pct}"},
    "report.down": {"en": "down {pct}", "zh": "下降 {pct}"},
    "report.flat": {"en": "no change", "zh": "持平"},
    "report.no_change": {"en": "no earlier period to compare", "zh": "无上期可比"},
    # ------------------------------------------------------------------ tiers
    "report.tiers": {"en": "Customer tiers", "zh": "客户分层"},
    "report.tiers.sentence": {
        "en": "The top {pct} of customers bring {rev} of revenue; the {tier} tier is "
              "{share} of customers and {tier_rev} of revenue.",
        "zh": "前 {pct} 的客户贡献了 {rev} 的收入；"
              "{tier}占客户的 {share}，贡献收入的 {tier_rev}。"},
    "report.tiers.shares": {"en": "Share of customers and of revenue by tier",
                            "zh": "各层级的客户占比与收入占比"},
    "report.tiers.pareto": {"en": "Revenue concentration (Pareto)", "zh": "收入集中度（帕累托）"},
    "report.tiers.summary": {"en": "Tier summary", "zh": "分层汇总"},
    "report.col.tier": {"en": "Tier", "zh": "层级"},
    "report.col.customer_share": {"en": "Share of customers", "zh": "客户占比"},
    "report.col.revenue_share": {"en": "Share of revenue", "zh": "收入占比"},
    "report.col.avg_spend": {"en": "Spend per customer", "zh": "人均消费"},
    "report.col.avg_frequency": {"en": "Shipping days per customer", "zh": "人均寄件天数"},
    "report.col.top_customers": {"en": "Top customers", "zh": "头部客户"},
    "report.col.cum_revenue": {"en": "Cumulative share of revenue", "zh": "累计收入占比"},
    # ------------------------------------------------------------------ movement
    "report.movement": {"en": "Tier movement", "zh": "层级变动"},
    "report.movement.sentence": {
        "en": "From {start} to {end}: {up} customers moved up a tier, {down} moved down, "
              "{new} are new and {lost} stopped shipping.",
        "zh": "{start} 至 {end}：{up} 位客户升级，{down} 位降级，"
              "{new} 位新客户，{lost} 位停止寄件。"},
    "report.movement.none": {
        "en": "The tier history needs at least two month ends of data.",
        "zh": "层级历史至少需要两个月末的数据。"},
    "report.movement.chart": {"en": "Customers moving between tiers, per month",
                              "zh": "每月层级变动客户数"},
    "report.col.up": {"en": "Moved up", "zh": "升级"},
    "report.col.down": {"en": "Moved down", "zh": "降级"},
    "report.col.new": {"en": "New", "zh": "新客户"},
    "report.col.lost": {"en": "Stopped shipping", "zh": "停止寄件"},
    "report.col.stayed": {"en": "Same tier", "zh": "层级不变"},
    # ------------------------------------------------------------------ personas
    "report.personas": {"en": "Customer personas", "zh": "客户画像"},
    "report.personas.sentence": {
        "en": "{n} personas; the largest, “{largest}”, is {share} of customers; "
              "“{richest}” brings the most revenue ({rev}).",
        "zh": "共 {n} 类客户画像；最大的一类“{largest}”占客户的 {share}；"
              "“{richest}”贡献收入最多（{rev}）。"},
    "report.personas.none": {
        "en": "Too few customers in this scope to describe personas.",
        "zh": "此范围内客户太少，无法形成客户画像。"},
    "report.personas.chart": {"en": "Personas: share of customers and of revenue",
                              "zh": "客户画像：客户占比与收入占比"},
    "report.col.persona": {"en": "Persona", "zh": "画像"},
    "report.col.description": {"en": "Description", "zh": "描述"},
    # ------------------------------------------------------------------ satisfaction
    "report.satisfaction": {"en": "Satisfaction and complaints", "zh": "满意度与投诉"},
    "report.satisfaction.sentence.index": {
        "en": "{index} in the last {days} days: {value} ({change}), from {n} answers.",
        "zh": "近 {days} 天{index}：{value}（{change}），共 {n} 份答卷。"},
    "report.satisfaction.sentence.rate": {
        "en": "Complaints per 1,000 shipments: {rate} (previous period {previous}).",
        "zh": "每千件投诉数：{rate}（上期 {previous}）。"},
    "report.satisfaction.none": {
        "en": "No surveys or complaints in the data.", "zh": "数据中没有满意度调查或投诉记录。"},
    "report.satisfaction.trend": {"en": "{index} per month", "zh": "每月{index}"},
    "report.satisfaction.drivers": {"en": "What drives the overall score (importance)",
                                    "zh": "影响总体评分的因素（重要性）"},
    "report.satisfaction.complaints": {"en": "Complaints per 1,000 shipments, per month",
                                       "zh": "每月每千件投诉数"},
    "report.satisfaction.headline": {"en": "Service figures against the previous period",
                                     "zh": "服务指标与上期对比"},
    "report.col.dimension": {"en": "Dimension", "zh": "维度"},
    "report.col.importance": {"en": "Importance", "zh": "重要性"},
    "report.col.performance": {"en": "Mean score", "zh": "平均得分"},
    "report.col.responses": {"en": "Answers", "zh": "答卷数"},
    "report.col.complaints": {"en": "Complaints", "zh": "投诉数"},
    "report.col.per_1000": {"en": "Per 1,000 shipments", "zh": "每千件投诉"},
    "report.sat.index": {"en": "Satisfaction index", "zh": "满意度指数"},
    "report.sat.mean": {"en": "Mean score", "zh": "平均得分"},
    "report.sat.responses": {"en": "Survey answers", "zh": "调查答卷"},
    "report.sat.complaints": {"en": "Complaints", "zh": "投诉数"},
    "report.sat.complaint_rate": {"en": "Complaints per 1,000 shipments", "zh": "每千件投诉数"},
    "report.sat.open": {"en": "Open complaints", "zh": "未结投诉"},
    "report.sat.open_past_sla": {"en": "Open past the deadline", "zh": "超时未结投诉"},
    "report.sat.csat": {"en": "CSAT", "zh": "满意率 CSAT"},
    "report.sat.nps": {"en": "NPS", "zh": "净推荐值 NPS"},
    # ------------------------------------------------------------------ churn
    "report.churn": {"en": "Churn exposure", "zh": "流失风险敞口"},
    "report.churn.sentence": {
        "en": "{warnings} customers show a churn warning, with {value} of value at risk; "
              "the most is at stake in {top} ({top_value}).",
        "zh": "{warnings} 位客户出现流失预警，风险价值 {value}；"
              "风险最大的是{top}（{top_value}）。"},
    "report.churn.none": {
        "en": "Churn cannot be scored on this data (too few customers or too short a history; "
              "the Churn page says what is missing).",
        "zh": "此数据无法进行流失评分（客户太少或历史太短；流失预警页面会说明缺少什么）。"},
    "report.churn.by_region": {"en": "Value at risk by region", "zh": "各区域风险价值"},
    "report.churn.by_branch": {"en": "Value at risk by branch (highest {n})",
                               "zh": "各网点风险价值（前 {n}）"},
    "report.churn.calls": {"en": "Top accounts to call this week", "zh": "本周优先致电客户"},
    "report.churn.calls.none": {
        "en": "Customer rows are not part of reports for your role.",
        "zh": "您的角色不能在报告中查看客户明细。"},
    "report.col.value_at_risk": {"en": "Value at risk", "zh": "风险价值"},
    "report.col.warnings": {"en": "Warnings", "zh": "预警客户"},
    "report.col.customer_id": {"en": "Customer", "zh": "客户编号"},
    "report.col.name": {"en": "Name", "zh": "姓名"},
    "report.col.phone": {"en": "Phone", "zh": "电话"},
    "report.col.churn_risk": {"en": "Churn risk", "zh": "流失风险"},
    "report.col.reason": {"en": "Main reason", "zh": "主要原因"},
    "report.col.action": {"en": "Suggested action", "zh": "建议行动"},
    # ------------------------------------------------------------------ method
    "report.method": {"en": "Method: how far to trust the churn ranking",
                      "zh": "方法：流失排名的可信度"},
    "report.method.none": {"en": "The history is too short for a backtest.",
                           "zh": "历史数据太短，无法回测。"},
    "report.method.chart": {
        "en": "Share churned among the top 10% ranked (backtest windows)",
        "zh": "排名前 10% 客户中实际流失的比例（回测窗口）"},
    "report.method.low": {"en": "Lowest window", "zh": "最低窗口"},
    "report.method.mean": {"en": "Mean", "zh": "平均"},
    "report.method.high": {"en": "Highest window", "zh": "最高窗口"},
    "report.col.candidate": {"en": "Ranking", "zh": "排名方法"},
    "report.col.windows": {"en": "Windows", "zh": "窗口数"},
    "report.col.top10": {"en": "Churned in top 10%", "zh": "前 10% 流失率"},
    "report.col.top10_low": {"en": "lowest", "zh": "最低"},
    "report.col.top10_high": {"en": "highest", "zh": "最高"},
    "report.col.auc": {"en": "ROC-AUC", "zh": "ROC-AUC"},
    "report.col.diff": {"en": "Gain over recency", "zh": "相对最近寄件规则的提升"},
    "report.col.diff_low": {"en": "Interval low", "zh": "区间下限"},
    "report.col.diff_high": {"en": "Interval high", "zh": "区间上限"},
    "report.col.chosen": {"en": "Used", "zh": "采用"},
    "report.yes": {"en": "yes", "zh": "是"},
    # ------------------------------------------------------------------ builders
    "report.step.view": {"en": "Reading the customers", "zh": "读取客户"},
    "report.step.cubes": {"en": "Summing the activity", "zh": "汇总业务量"},
    "report.step.tiers": {"en": "Grading the tiers", "zh": "计算分层"},
    "report.step.churn": {"en": "Scoring churn", "zh": "流失评分"},
    "report.step.history": {"en": "Tier history", "zh": "层级历史"},
    "report.step.personas": {"en": "Finding personas", "zh": "生成客户画像"},
    "report.step.satisfaction": {"en": "Reading surveys and complaints",
                                 "zh": "读取满意度与投诉"},
    "report.step.done": {"en": "Figures ready", "zh": "数据就绪"},
    "report.step.deck": {"en": "Writing the deck", "zh": "生成演示文稿"},
    "report.step.html": {"en": "Writing the HTML report", "zh": "生成 HTML 报告"},
    "report.step.xlsx": {"en": "Writing the workbook", "zh": "生成 Excel 工作簿"},
})
