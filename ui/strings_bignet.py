"""Texts of a network too large to fetch (``big.*``), in English and Simplified Chinese."""

from __future__ import annotations

from segmentation import i18n

i18n.register({
    "big.title": {
        "en": "Too many customers to show one by one",
        "zh": "客户数量过多，无法逐一显示",
    },
    "big.rows": {
        "en": "{whose} holds {n} customers; the app brings at most {limit} customer rows "
              "from the database, and this page needs one row per customer, so it was not "
              "computed. What to do: pick a region or a branch in the sidebar filters (the "
              "database then reads only those customers) or sign in with a regional or "
              "branch login. The Overview shows the whole network's figures, computed in "
              "the database.",
        "zh": "{whose}共有 {n} 位客户；应用最多从数据库读取 {limit} 行客户数据，而本页需要"
              "每位客户一行，因此未计算。请在侧边栏筛选中选择一个区域或网点（数据库随后只读取"
              "这些客户），或使用区域或网点账号登录。概览页显示在数据库中计算的全网指标。",
    },
    "big.churn": {
        "en": "The churn model learns from every customer of the network ({n}), more than "
              "the {limit} customer rows the app may bring from the database, so churn risk "
              "is not computed here. Score the network where the data lives: `python -m "
              "segmentation score --database NAME --write-table TABLE` writes every "
              "customer's risk and reasons into a table of the database (in parts, in "
              "bounded memory); then name that table as `scores_table = \"TABLE\"` in the "
              "connection's block of secrets.toml, and this page shows each branch's calls "
              "from it.",
        "zh": "流失模型需要学习全网每一位客户（{n} 位），超过应用可从数据库读取的 {limit} "
              "行客户数据，因此此处不计算流失风险。请在数据所在处为全网评分：运行 `python -m "
              "segmentation score --database NAME --write-table TABLE`，把每位客户的风险和"
              "原因写入数据库中的一张表（分批进行，内存占用有上限）；然后在 secrets.toml 中该连接"
              "的配置块里写上 `scores_table = \"TABLE\"`，本页即从该表显示各网点的呼叫名单。",
    },
    "big.scores.source": {
        "en": "Scores from the table “{table}” that `python -m segmentation score "
              "--write-table` wrote in the database, as of {as_of}; {n} customers in your "
              "scope. Ranked in the database: only the calls below travel to the app.",
        "zh": "评分来自数据库中由 `python -m segmentation score --write-table` 写入的表"
              "“{table}”，评分日期 {as_of}；您的范围内共 {n} 位客户。名单在数据库中排序，只有"
              "以下呼叫名单传到应用。",
    },
    "big.scores.filtered": {
        "en": "Narrowed by the sidebar filters.",
        "zh": "已按侧边栏筛选条件缩小范围。",
    },
    "big.scores.unapplied": {
        "en": "The scores table has no column for these filters, so they are not applied "
              "to this list: {columns}.",
        "zh": "评分表中没有以下筛选条件对应的列，因此未应用于本名单：{columns}。",
    },
    "big.scores.run_language": {
        "en": "The table has no reason codes, so the reasons are shown as that run wrote "
              "them, in its language.",
        "zh": "该表没有原因代码，原因文字按该次运行写入的原样显示，使用该次运行的语言。",
    },
    "big.scores.bad_name": {
        "en": "The `scores_table` setting of this connection in secrets.toml is not a plain "
              "table name, so no stored scores are read. Write the table's name with "
              "letters, digits and underscores only (optionally `schema.table`), as given "
              "to `--write-table`.",
        "zh": "secrets.toml 中此连接的 `scores_table` 设置不是合法的表名，因此未读取已存的"
              "评分。请只用字母、数字和下划线写表名（可写作 `schema.table`），与 "
              "`--write-table` 所用名称一致。",
    },
    "big.scores.missing": {
        "en": "The database has no scores table `{table}` (the `scores_table` setting of "
              "this connection) that this product wrote. Run the command below to create "
              "it, or correct the setting.",
        "zh": "数据库中没有本产品写入的评分表 `{table}`（此连接的 `scores_table` 设置）。"
              "请运行下方的命令创建该表，或更正该设置。",
    },
    "big.scores.no_day": {"en": "an unknown day", "zh": "日期未知"},
    "big.scores.calls": {
        "en": "This week's calls: up to {per} per branch ({n})",
        "zh": "本周呼叫名单：每个网点最多 {per} 位（共 {n} 位）",
    },
    "big.scores.no_rows": {
        "en": "Your role may not see customer rows; ask a branch manager or HQ for the list.",
        "zh": "您的角色无权查看客户明细；请向网点负责人或总部索取名单。",
    },
    "big.scores.col.customer_id": {"en": "Customer", "zh": "客户"},
    "big.scores.col.branch": {"en": "Branch", "zh": "网点"},
    "big.scores.col.region": {"en": "Region", "zh": "区域"},
    "big.scores.col.tier": {"en": "Tier", "zh": "等级"},
    "big.scores.col.churn_risk": {"en": "Churn risk", "zh": "流失风险"},
    "big.scores.col.value_at_risk": {"en": "Value at risk", "zh": "风险价值"},
    "big.scores.col.clv_12m": {"en": "12-month value", "zh": "12 个月价值"},
    "big.scores.col.recency_days": {"en": "Days since last shipment", "zh": "距上次寄件天数"},
    "big.scores.col.risk_reasons": {"en": "Reasons", "zh": "原因"},
    "big.whose.network": {"en": "The network", "zh": "全网"},
    "big.whose.selection": {"en": "Your selection", "zh": "您选择的范围"},
    "big.ranked_within": {
        "en": "The network is too large to rank every customer in the app: tiers here are "
              "ranked within the customers you selected.",
        "zh": "全网客户过多，无法在应用中统一排名：此处的等级按您所选客户排名。",
    },
})
