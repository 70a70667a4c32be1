"""Strings of the tiers page."""

from segmentation import i18n

i18n.register({
    "nav.tiers": {"en": "Tiers", "zh": "客户分级"},
    "tp.title": {"en": "Customer tiers", "zh": "客户分级"},
    "tp.caption": {
        "en": "Grade customers by value and see the consequences at once. Settings apply to the "
              "customers selected in the sidebar, as of {as_of}.",
        "zh": "按价值为客户分级，调整后立即看到结果。设置作用于侧边栏筛选出的客户，分析日期 {as_of}。",
    },
    "tp.settings": {"en": "Grading settings", "zh": "分级设置"},
    "tp.tab.score": {"en": "Value score", "zh": "价值评分"},
    "tp.tab.cuts": {"en": "Tier cut-offs", "zh": "分级标准"},
    "tp.tab.names": {"en": "Names and actions", "zh": "名称与服务策略"},
    "tp.tab.rfm": {"en": "RFM rules", "zh": "RFM 规则"},
    "tp.tab.presets": {"en": "Presets", "zh": "方案"},
    "tp.weights.help": {
        "en": "How much each measure counts in the value score. Each measure is first turned "
              "into a score from 1 to 5 by ranking customers; the weights are then normalised, "
              "so only their proportions matter.",
        "zh": "各指标在价值评分中的权重。每项指标先按客户排名转换为 1–5 分，权重会自动归一化，"
              "只看相对比例。",
    },
    "tp.w.r": {"en": "Recency (recent shipments count more)", "zh": "最近一次寄件（越近越高）"},
    "tp.w.f": {"en": "Frequency (shipping days)", "zh": "寄件频次（寄件天数）"},
    "tp.w.m": {"en": "Spend (total revenue)", "zh": "消费金额（总收入）"},
    "tp.w.t": {"en": "Tenure (how long a customer)", "zh": "客户时长"},
    "tp.n_tiers": {"en": "Number of tiers", "zh": "等级数量"},
    "tp.mode": {"en": "Cut tiers by", "zh": "分级方式"},
    "tp.mode.share": {"en": "Share of customers", "zh": "按客户比例"},
    "tp.mode.threshold": {"en": "Business thresholds", "zh": "按业务门槛"},
    "tp.mode.help": {
        "en": "Share: the best x % of customers by value score form the top tier, and so on. "
              "Thresholds: a customer joins a tier when the annual spend and the shipments per "
              "year both reach its minimums (checked from the top tier down).",
        "zh": "按比例：价值评分最高的 x% 客户进入最高等级，依此类推。按门槛：客户年消费和年寄件次数"
              "同时达到某等级的最低要求即进入该等级（从最高等级开始判断）。",
    },
    "tp.share": {"en": "{tier}: share of customers (%)", "zh": "{tier}：客户占比（%）"},
    "tp.share.help": {
        "en": "The best customers by value score, after the tiers above. Customers with equal "
              "scores always stay together.",
        "zh": "在更高等级之后，按价值评分取该比例的客户；评分相同的客户始终分在同一等级。",
    },
    "tp.share.rest": {"en": "{tier} gets the remaining {pct}.", "zh": "{tier}为其余 {pct} 的客户。"},
    "tp.share.too_much": {
        "en": "The shares above add up to {pct}; lower them so that {tier} keeps at least 1 %.",
        "zh": "以上比例合计 {pct}，请调低，使{tier}至少保留 1%。",
    },
    "tp.min_spend": {"en": "{tier}: annual spend at least (¥)", "zh": "{tier}：年消费不低于（元）"},
    "tp.min_ships": {"en": "{tier}: shipments a year at least",
                     "zh": "{tier}：年寄件次数不低于"},
    "tp.threshold.help": {
        "en": "Annual figures: spend and shipping days over the customer's time with you, scaled "
              "to one year (customers newer than {days} days are scaled as if {days} days old).",
        "zh": "年度口径：客户合作期间的消费与寄件天数折算为一年（合作不足 {days} 天的按 {days} 天折算）。",
    },
    "tp.suggest": {"en": "Suggest thresholds from the shares",
                   "zh": "按当前比例建议门槛"},
    "tp.freq_classes": {"en": "Sending frequency classes (shipments a year)",
                        "zh": "寄件频次分类（每年寄件次数）"},
    "tp.freq.high": {"en": "High frequency from", "zh": "高频：不低于"},
    "tp.freq.medium": {"en": "Medium frequency from", "zh": "中频：不低于"},
    "tp.label": {"en": "Name of tier {n}", "zh": "第 {n} 级名称"},
    "tp.actions": {"en": "Actions for {tier} (one per line)",
                   "zh": "{tier}的服务策略（每行一条）"},
    "tp.rfm.help": {
        "en": "Each RFM segment covers a block of the 5 × 5 grid of recency (R) and frequency "
              "(F) scores. Every cell must belong to exactly one segment.",
        "zh": "每个 RFM 细分覆盖“最近寄件（R）× 寄件频次（F）”5×5 网格中的一块区域，每个格子必须且只能属于一个细分。",
    },
    "tp.rfm.segment": {"en": "Segment", "zh": "细分"},
    "tp.rfm.invalid": {"en": "These rules are not used: {message}",
                       "zh": "该规则未生效：{message}"},
    "tp.settings.invalid": {"en": "These settings cannot be used: {message}",
                            "zh": "该设置无法使用：{message}"},
    "tp.last_valid": {
        "en": "The grading settings on the Tiers page are invalid ({message}); this page uses "
              "the last valid settings.",
        "zh": "“客户分级”页面的分级设置无效（{message}），本页沿用上一次有效的设置。",
    },
    # presets
    "tp.preset.name": {"en": "Preset name", "zh": "方案名称"},
    "tp.preset.save": {"en": "Save current settings", "zh": "保存当前设置"},
    "tp.preset.saved": {"en": "Saved preset “{name}”.", "zh": "已保存方案“{name}”。"},
    "tp.preset.choose": {"en": "Saved presets", "zh": "已保存的方案"},
    "tp.preset.none": {"en": "No preset saved yet.", "zh": "尚未保存任何方案。"},
    "tp.preset.load": {"en": "Load", "zh": "载入"},
    "tp.preset.loaded": {"en": "Loaded preset “{name}”.", "zh": "已载入方案“{name}”。"},
    "tp.preset.delete": {"en": "Delete", "zh": "删除"},
    "tp.preset.default": {"en": "Use for the batch CLI", "zh": "设为批处理默认方案"},
    "tp.preset.is_default": {
        "en": "“{name}” is the default preset: `python -m segmentation score --preset @default`.",
        "zh": "“{name}”是默认方案：`python -m segmentation score --preset @default`。",
    },
    "tp.preset.export": {"en": "Export as JSON", "zh": "导出 JSON"},
    "tp.preset.import": {"en": "Import a preset (JSON)", "zh": "导入方案（JSON）"},
    "tp.preset.imported": {"en": "Imported preset “{name}”.", "zh": "已导入方案“{name}”。"},
    "tp.preset.error": {"en": "Preset not usable: {message}", "zh": "方案无法使用：{message}"},
    # results
    "tp.notes": {"en": "About this grading", "zh": "分级说明"},
    "tp.card.customers": {"en": "{share} of customers", "zh": "占客户 {share}"},
    "tp.card.revenue": {"en": "{share} of revenue", "zh": "贡献 {share} 收入"},
    "tp.card.avg": {"en": "avg. spend {spend} · {freq} shipping days",
                    "zh": "人均消费 {spend} · 寄件 {freq} 天"},
    "tp.summary": {"en": "Tiers at a glance", "zh": "各等级概况"},
    "tp.col.tier": {"en": "Tier", "zh": "等级"},
    "tp.col.customers": {"en": "Customers", "zh": "客户数"},
    "tp.col.share": {"en": "Share of customers", "zh": "客户占比"},
    "tp.col.revenue": {"en": "Revenue (¥)", "zh": "收入（元）"},
    "tp.col.revenue_share": {"en": "Share of revenue", "zh": "收入占比"},
    "tp.col.avg_spend": {"en": "Avg. spend (¥)", "zh": "人均消费（元）"},
    "tp.col.avg_frequency": {"en": "Avg. shipping days", "zh": "人均寄件天数"},
    "tp.col.avg_recency": {"en": "Avg. days since last shipment", "zh": "平均未寄件天数"},
    "tp.pareto.title": {"en": "How concentrated is revenue?", "zh": "收入集中度"},
    "tp.pareto.x": {"en": "Customers, largest spenders first", "zh": "客户（按消费从高到低）"},
    "tp.pareto.y": {"en": "Share of revenue", "zh": "收入占比"},
    "tp.pareto.top": {"en": "Top customers (%)", "zh": "头部客户（%）"},
    "tp.pareto.sentence": {
        "en": "The top {pct} of customers bring {rev} of revenue.",
        "zh": "前 {pct} 的客户贡献了 {rev} 的收入。",
    },
    "tp.mix.title": {"en": "Tier mix by {by}", "zh": "按{by}的等级构成"},
    "tp.mix.by": {"en": "Break tiers down by", "zh": "等级构成维度"},
    "tp.mix.x": {"en": "Share of customers", "zh": "客户占比"},
    "tp.by.region": {"en": "region", "zh": "区域"},
    "tp.by.branch": {"en": "branch", "zh": "网点"},
    "tp.by.customer_type": {"en": "customer type", "zh": "客户类型"},
    "tp.by.area_type": {"en": "urban / rural", "zh": "城乡"},
    "tp.by.frequency_class": {"en": "sending frequency", "zh": "寄件频次"},
    "tp.rfm.title": {"en": "RFM grid: {what} per cell", "zh": "RFM 网格：各格{what}"},
    "tp.rfm.customers": {"en": "customers", "zh": "客户数"},
    "tp.rfm.revenue": {"en": "revenue", "zh": "收入"},
    "tp.rfm.show": {"en": "Show", "zh": "显示"},
    "tp.rfm.x": {"en": "F score (frequency, 5 = most often)", "zh": "F 分（频次，5 = 最高）"},
    "tp.rfm.y": {"en": "R score (recency, 5 = most recent)", "zh": "R 分（最近寄件，5 = 最近）"},
    "tp.rfm.segments": {"en": "Segments", "zh": "客户细分"},
    "tp.whatif": {"en": "What if? Compare with a saved preset", "zh": "对比：与已保存方案比较"},
    "tp.whatif.choose": {"en": "Compare the current settings with", "zh": "将当前设置与以下方案比较"},
    "tp.whatif.none": {
        "en": "Save a preset (Presets tab) to compare the current settings with it.",
        "zh": "请先在“方案”页保存一个方案，再与当前设置对比。",
    },
    "tp.whatif.same": {"en": "No customer changes tier.", "zh": "没有客户的等级发生变化。"},
    "tp.whatif.matrix": {"en": "Customers: rows = preset “{name}”, columns = current settings",
                         "zh": "客户数：行为方案“{name}”，列为当前设置"},
    "tp.whatif.revenue": {"en": "Revenue (¥) moving between tiers",
                          "zh": "在等级间转移的收入（元）"},
    "tp.whatif.sankey": {"en": "From “{name}” to the current settings",
                         "zh": "从方案“{name}”到当前设置"},
    "tp.history": {"en": "Tier movement over the last 12 months", "zh": "近 12 个月等级变化"},
    "tp.history.help": {
        "en": "Grades every customer at each of the last 12 month ends with the current "
              "settings, then counts who moved up or down.",
        "zh": "用当前设置为每个月末的客户分级，统计升级和降级的客户。",
    },
    "tp.history.run": {"en": "Compute tier movement", "zh": "计算等级变化"},
    "tp.history.running": {"en": "Grading 12 month ends…", "zh": "正在计算 12 个月末的分级…"},
    "tp.history.up": {"en": "Moved up", "zh": "升级"},
    "tp.history.down": {"en": "Moved down", "zh": "降级"},
    "tp.history.title": {"en": "Customers moving between tiers, month by month",
                         "zh": "每月升降级客户数"},
    "tp.history.month": {"en": "Month end", "zh": "月末"},
    "tp.history.customers": {"en": "Customers", "zh": "客户数"},
    "tp.history.pair": {"en": "Flows between", "zh": "查看流向"},
    "tp.history.sankey": {"en": "Tier flows {start} → {end}", "zh": "等级流向 {start} → {end}"},
    "tp.history.summary": {
        "en": "From {start} to {end}: {up} customers moved up, {down} moved down, {new} are new "
              "and {lost} stopped shipping (no shipment for more than {lost_after} days, the "
              "Churn page's definition of lost; {lost_total} customers are lost at {end}).",
        "zh": "{start} 至 {end}：{up} 位客户升级，{down} 位降级，新增 {new} 位，{lost} 位不再寄件"
              "（超过 {lost_after} 天未寄件，与流失预警页“已流失”的定义相同；截至 {end} 共有 "
              "{lost_total} 位已流失客户）。",
    },
    "tp.download": {"en": "Customer lists", "zh": "客户名单"},
    "tp.download.tiers": {"en": "Tiers to include", "zh": "包含的等级"},
    "tp.download.csv": {"en": "Download CSV", "zh": "下载 CSV"},
    "tp.download.xlsx": {"en": "Download Excel", "zh": "下载 Excel"},
    "tp.download.caption": {
        "en": "{n} customers with tier, segment and the recommended actions. CSV opens in Excel "
              "with Chinese intact; text that a spreadsheet would run as a formula is neutralised.",
        "zh": "共 {n} 位客户，含等级、细分和建议服务策略。CSV 可直接用 Excel 打开并正确显示中文；"
              "可能被表格软件当作公式执行的内容已做安全处理。",
    },
})
