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
              "customer's risk and reasons into a table of the database.",
        "zh": "流失模型需要学习全网每一位客户（{n} 位），超过应用可从数据库读取的 {limit} "
              "行客户数据，因此此处不计算流失风险。请在数据所在处为全网评分：运行 `python -m "
              "segmentation score --database NAME --write-table TABLE`，把每位客户的风险和"
              "原因写入数据库中的一张表。",
    },
    "big.whose.network": {"en": "The network", "zh": "全网"},
    "big.whose.selection": {"en": "Your selection", "zh": "您选择的范围"},
    "big.ranked_within": {
        "en": "The network is too large to rank every customer in the app: tiers here are "
              "ranked within the customers you selected.",
        "zh": "全网客户过多，无法在应用中统一排名：此处的等级按您所选客户排名。",
    },
})
