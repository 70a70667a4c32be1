"""Messages of the campaign library (English and Simplified Chinese)."""

from __future__ import annotations

from .. import i18n

i18n.register({
    # errors a user can see
    "campaign.error.bad_id": {"en": "Not a campaign id: {campaign_id}.",
                              "zh": "无效的活动编号：{campaign_id}。"},
    "campaign.error.no_name": {"en": "Give the campaign a name.", "zh": "请填写活动名称。"},
    "campaign.error.name_too_long": {
        "en": "The campaign name is too long ({length} characters; at most {max}).",
        "zh": "活动名称过长（{length} 个字符，最多 {max} 个）。"},
    "campaign.error.bad_date": {
        "en": "The {which} date {value} is not a date; use YYYY-MM-DD.",
        "zh": "{which} 日期 {value} 无效，请使用 YYYY-MM-DD 格式。"},
    "campaign.error.end_before_start": {
        "en": "The campaign ends ({end}) before it starts ({start}); swap the dates.",
        "zh": "活动结束日期（{end}）早于开始日期（{start}），请调换两个日期。"},
    "campaign.error.bad_cost": {
        "en": "The cost per contact {value} is not a number of 0 or more.",
        "zh": "单次触达成本 {value} 不是大于等于 0 的数字。"},
    "campaign.error.no_targets": {
        "en": "The campaign has no target customers. Pick a group or upload a list with a "
              "customer_id column.",
        "zh": "活动没有目标客户。请选择一个客户群，或上传含 customer_id（客户编号）列的名单。"},
    "campaign.error.too_many": {
        "en": "The list has {n} customers; at most {max} are kept.",
        "zh": "名单有 {n} 位客户，最多保留 {max} 位。"},
    "campaign.error.overlap": {
        "en": "{n} customers (e.g. {example}) are both targeted and held out; a customer "
              "can only be in one group.",
        "zh": "有 {n} 位客户（如 {example}）同时在目标组和对照组中；每位客户只能属于一组。"},
    "campaign.error.bad_share": {"en": "The held-out share {value} must be from 0 to 0.9.",
                                 "zh": "对照组比例 {value} 须在 0 到 0.9 之间。"},
    "campaign.error.bad_upload": {
        "en": "{filename} could not be read as a customer list. Upload a CSV or Excel file "
              "with one customer id per row (column customer_id or 客户编号).",
        "zh": "无法将 {filename} 读取为客户名单。请上传 CSV 或 Excel 文件，每行一个客户编号"
              "（列名 customer_id 或 客户编号）。"},
    "campaign.error.bad_file": {"en": "The campaign file is not valid.",
                                "zh": "活动文件无效。"},
    "campaign.error.too_few": {
        "en": "Too few customers to compare: {n_targets} targeted and {n_comparison} for "
              "comparison (at least {min} each).",
        "zh": "可比较的客户太少：目标客户 {n_targets} 位、对照客户 {n_comparison} 位"
              "（每组至少 {min} 位）。"},
    "campaign.error.no_holdout": {
        "en": "This campaign has no held-out group; use the matched comparison.",
        "zh": "该活动没有对照组，请使用匹配对照。"},
    "campaign.error.too_recent": {
        "en": "The campaign started on {start}, but the data end on {end}: at least one "
              "week after the start is needed. Load newer data.",
        "zh": "活动开始于 {start}，但数据截止于 {end}：至少需要开始后一周的数据。请加载更新的数据。"},
    "campaign.error.too_early": {
        "en": "The data begin on {first}: too little history before the start ({start}) to "
              "compare (at least {weeks} weeks are needed).",
        "zh": "数据始于 {first}：活动开始（{start}）前的历史太短，无法比较（至少需要 {weeks} 周）。"},
    # results
    "campaign.group.target": {"en": "Targeted customers", "zh": "目标客户"},
    "campaign.group.comparison.holdout": {"en": "Held-out customers", "zh": "对照组客户"},
    "campaign.group.comparison.matched": {"en": "Matched comparable customers",
                                          "zh": "匹配的可比客户"},
    "campaign.outcome.shipments": {"en": "Shipments", "zh": "发件量"},
    "campaign.outcome.revenue": {"en": "Revenue", "zh": "收入"},
    "campaign.outcome.retained": {"en": "Retention", "zh": "留存"},
    "campaign.sentence.retained": {
        "en": "The {name} campaign kept {n} more customers active than {comparison} "
              "({conf} interval {low} to {high}).",
        "zh": "“{name}”活动比{comparison}多留住了 {n} 位活跃客户（{conf} 置信区间 {low} 至 {high}）。"},
    "campaign.sentence.retained.unclear": {
        "en": "The {name} campaign made no clear difference to how many customers stayed "
              "active compared with {comparison} ({n}; {conf} interval {low} to {high}).",
        "zh": "与{comparison}相比，“{name}”活动对活跃客户数没有明显影响（{n}；{conf} 置信区间 {low} 至 {high}）。"},
    "campaign.sentence.revenue": {
        "en": "It brought {revenue} of extra revenue ({low} to {high}) for {cost} spent: "
              "return on investment {roi}.",
        "zh": "带来额外收入 {revenue}（{low} 至 {high}），投入 {cost}，投资回报率 {roi}。"},
    "campaign.sentence.revenue.unclear": {
        "en": "Its extra revenue is not told apart from zero ({revenue}; {low} to {high}) "
              "for {cost} spent.",
        "zh": "其额外收入与零无明显差别（{revenue}；{low} 至 {high}），投入 {cost}。"},
    "campaign.comparison.holdout": {"en": "the held-out customers", "zh": "对照组客户"},
    "campaign.comparison.matched": {"en": "comparable customers", "zh": "可比客户"},
    "campaign.assume.holdout": {
        "en": "The held-out customers were chosen like the targets (at random from the same "
              "list), so any later difference comes from the contact.",
        "zh": "对照组客户与目标客户按同样方式选出（从同一名单中随机抽取），因此之后的差异来自触达本身。"},
    "campaign.assume.holdout.spill": {
        "en": "Held-out customers heard nothing of the campaign (no spill-over).",
        "zh": "对照组客户没有受到活动的影响（无溢出效应）。"},
    "campaign.assume.matched": {
        "en": "Each targeted customer is compared with a customer who was not targeted, of "
              "the same tier and branch, with the closest shipments, spend, trend and "
              "recency before the start.",
        "zh": "每位目标客户都与一位未被选中的客户比较：同一等级、同一网点，活动前的发件量、消费、趋势和最近一次发件最接近。"},
    "campaign.assume.matched.trend": {
        "en": "Without the campaign both would have changed alike (parallel trends). "
              "Customers chosen for reasons the data do not show (a phone call, a "
              "complaint) can still differ.",
        "zh": "若没有活动，两组的变化会相同（平行趋势）。因数据之外的原因（如电话沟通、投诉）被选中的客户仍可能不同。"},
    "campaign.assume.window": {
        "en": "Effect counted over the {weeks} weeks from the start; retained = at least "
              "one shipment in the {days} days from the start.",
        "zh": "效果按开始后 {weeks} 周统计；留存 = 开始后 {days} 天内至少发件一次。"},
    "campaign.check.passed": {
        "en": "Parallel-trend check passed: in the {weeks} weeks before the start, which the "
              "matching did not use, the two groups moved together ({value} shipments a "
              "week apart, {conf} interval {low} to {high}).",
        "zh": "平行趋势检验通过：在匹配未使用的活动前 {weeks} 周，两组走势一致（每周发件差 {value}，{conf} 置信区间 {low} 至 {high}）。"},
    "campaign.check.failed": {
        "en": "Parallel-trend check failed: in the {weeks} weeks before the start the two "
              "groups already drifted apart ({value} shipments a week, {conf} interval "
              "{low} to {high}); read the effect with care.",
        "zh": "平行趋势检验未通过：活动前 {weeks} 周两组已出现偏离（每周发件差 {value}，{conf} 置信区间 {low} 至 {high}），请谨慎解读效果。"},
    "campaign.note.unmatched": {
        "en": "{n} targeted customers had no comparable customer in their tier and branch "
              "and are left out.",
        "zh": "有 {n} 位目标客户在同等级同网点中找不到可比客户，未计入。"},
    "campaign.note.missing": {
        "en": "{n} listed customers had no shipment before the start (or are outside your "
              "scope) and cannot be measured.",
        "zh": "名单中有 {n} 位客户在活动开始前没有发件记录（或不在您的权限范围内），无法评估。"},
})

i18n.register({
    "campaign.col.tier": {"en": "Tier", "zh": "等级"},
    "campaign.col.branch": {"en": "Branch", "zh": "网点"},
    "campaign.col.n_targets": {"en": "Targeted customers", "zh": "目标客户数"},
    "campaign.col.shipments": {"en": "Extra shipments per customer (interval)",
                               "zh": "人均增量发件（区间）"},
    "campaign.col.revenue": {"en": "Extra revenue per customer (interval)",
                             "zh": "人均增量收入（区间）"},
    "campaign.col.retained": {"en": "Retention uplift (interval)", "zh": "留存提升（区间）"},
})

i18n.register({
    "campaign.chart.start": {"en": "start", "zh": "活动开始"},
    "campaign.chart.title.shipments": {"en": "Weekly shipments per customer",
                                       "zh": "每位客户的周发件量"},
    "campaign.chart.title.revenue": {"en": "Weekly revenue per customer",
                                     "zh": "每位客户的周收入"},
})
