"""UI strings of the Campaigns page."""

from segmentation import i18n

i18n.register({
    "nav.campaigns": {"en": "Campaigns", "zh": "营销活动"},
    "cg.title": {"en": "Campaign effect", "zh": "营销活动效果"},
    "cg.caption": {
        "en": "Did the campaign work? Targeted customers compared with a held-out group or "
              "with matched comparable customers, with intervals.",
        "zh": "活动有效吗？将目标客户与对照组或匹配的可比客户比较，并给出置信区间。"},
    "cg.tab.results": {"en": "Results", "zh": "效果"},
    "cg.tab.new": {"en": "New campaign", "zh": "新建活动"},
    "cg.none": {"en": "No campaign within your scope yet.", "zh": "您的权限范围内暂无营销活动。"},
    "cg.none.create": {"en": "No campaign yet: create one in the “New campaign” tab.",
                       "zh": "暂无营销活动：请在“新建活动”标签页中创建。"},
    "cg.pick": {"en": "Campaign", "zh": "活动"},
    "cg.pick.label": {"en": "{name} · {start} – {end}", "zh": "{name} · {start} 至 {end}"},
    "cg.method": {"en": "Comparison", "zh": "比较方式"},
    "cg.method.holdout": {"en": "Held-out group", "zh": "对照组"},
    "cg.method.matched": {"en": "Matched comparable customers", "zh": "匹配可比客户"},
    "cg.method.help": {
        "en": "The held-out group (customers deliberately not contacted) is the cleanest "
              "comparison. Matching pairs each target with a similar customer who was not "
              "targeted.",
        "zh": "对照组（有意未触达的客户）是最可靠的比较方式；匹配则为每位目标客户找一位未被选中的相似客户。"},
    "cg.defined": {
        "en": "{targets} targeted, {holdout} held out · {cost} per contact · created by "
              "{who}",
        "zh": "目标 {targets} 位，对照 {holdout} 位 · 单次触达成本 {cost} · 创建人 {who}"},
    "cg.in_scope": {"en": "In your scope: {targets} contacted customers, compared with "
                           "{comparison} ({group}).",
                     "zh": "您的权限范围内：触达客户 {targets} 位，对比客户 {comparison} 位（{group}）。"},
    "cg.metric.retained": {"en": "Extra active customers", "zh": "多留住的活跃客户"},
    "cg.metric.revenue": {"en": "Incremental revenue", "zh": "增量收入"},
    "cg.metric.cost": {"en": "Cost", "zh": "成本"},
    "cg.metric.roi": {"en": "ROI", "zh": "投资回报率"},
    "cg.metric.per_retained": {"en": "Cost per retained customer", "zh": "每留住一位客户的成本"},
    "cg.metric.interval": {"en": "{conf} interval {low} to {high}",
                           "zh": "{conf} 置信区间 {low} 至 {high}"},
    "cg.metric.roi.help": {"en": "(incremental revenue − cost) / cost",
                           "zh": "（增量收入 − 成本）/ 成本"},
    "cg.sentence": {"en": "To read out", "zh": "汇报口径"},
    "cg.assumptions": {"en": "Assumptions, in plain words", "zh": "前提假设（通俗说明）"},
    "cg.by_tier": {"en": "Uplift per tier", "zh": "各等级的提升"},
    "cg.by_branch": {"en": "Uplift per branch", "zh": "各网点的提升"},
    "cg.by.caption": {
        "en": "Per targeted customer; “–” where a group has too few customers to compare.",
        "zh": "按每位目标客户计；客户太少无法比较的组显示“–”。"},
    "cg.chart.outcome": {"en": "Chart", "zh": "图表"},
    "cg.computing": {"en": "Measuring the campaign…", "zh": "正在评估活动效果…"},
    # creating
    "cg.new.only_hq": {
        "en": "Only HQ analysts create campaigns; you see those within your scope.",
        "zh": "只有总部分析师可以创建活动；您可以查看权限范围内的活动。"},
    "cg.new.name": {"en": "Name", "zh": "活动名称"},
    "cg.new.start": {"en": "First day of contact", "zh": "触达开始日期"},
    "cg.new.end": {"en": "Last day of contact", "zh": "触达结束日期"},
    "cg.new.cost": {"en": "Cost per contact (yuan)", "zh": "单次触达成本（元）"},
    "cg.new.source": {"en": "Target customers", "zh": "目标客户"},
    "cg.new.source.tier": {"en": "A tier", "zh": "某个等级"},
    "cg.new.source.segment": {"en": "An RFM segment", "zh": "某个 RFM 细分"},
    "cg.new.source.persona": {"en": "A persona", "zh": "某个客群画像"},
    "cg.new.personas": {"en": "Personas (the Clusters page's clustering)",
                        "zh": "客群画像（聚类画像页的当前聚类）"},
    "cg.new.personas.none": {"en": "No clustering of these customers; open the Clusters page.",
                             "zh": "这些客户尚无聚类结果，请打开聚类画像页。"},
    "cg.new.source.warnings": {"en": "The churn warning list", "zh": "流失预警名单"},
    "cg.new.source.file": {"en": "A file", "zh": "上传文件"},
    "cg.new.tiers": {"en": "Tiers", "zh": "等级"},
    "cg.new.segments": {"en": "Segments", "zh": "细分"},
    "cg.new.file": {"en": "Customer list (CSV or Excel)", "zh": "客户名单（CSV 或 Excel）"},
    "cg.new.file.help": {
        "en": "One customer id per row (column customer_id or 客户编号); an optional column "
              "group marks held-out customers with “holdout”.",
        "zh": "每行一个客户编号（列名 customer_id 或 客户编号）；可选列 group 中标为“holdout”或“对照”的客户为对照组。"},
    "cg.new.holdout": {"en": "Hold out at random", "zh": "随机留出对照组"},
    "cg.new.holdout.help": {
        "en": "Share of the list not contacted, kept for an honest comparison (0: none; "
              "the result then uses matched comparable customers).",
        "zh": "名单中不触达、用于可靠比较的比例（0 表示不留对照组，届时使用匹配可比客户）。"},
    "cg.new.file.unknown": {
        "en": "{missing} of the {n} customer ids in {file} are not customers of the data in "
              "use (or not in your scope), so they cannot be measured. Check that the file's "
              "id column holds the same ids as the transactions.",
        "zh": "{file} 中的 {n} 个客户编号里有 {missing} 个不是当前数据（或您的权限范围）中的客户，"
              "无法衡量效果。请检查文件的编号列是否与交易数据中的客户编号一致。",
    },
    "cg.new.count": {"en": "{targets} to contact, {holdout} held out",
                     "zh": "触达 {targets} 位，对照 {holdout} 位"},
    "cg.new.warnings.none": {"en": "No churn scores for these data.",
                             "zh": "当前数据没有流失评分。"},
    "cg.new.save": {"en": "Save campaign", "zh": "保存活动"},
    "cg.new.saved": {"en": "Campaign “{name}” saved.", "zh": "活动“{name}”已保存。"},
})
