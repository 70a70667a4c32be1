"""Strings of the clusters (personas) page."""

from segmentation import i18n

i18n.register({
    "nav.clusters": {"en": "Clusters", "zh": "聚类画像"},
    "cl.title": {"en": "Customer clusters and personas", "zh": "客户聚类与画像"},
    "cl.caption": {
        "en": "Tiers rank customers by value; clusters find the kinds of customers you have, so that each kind gets the right service. Customers selected in the sidebar, as of {as_of}.",
        "zh": "分级按价值给客户排序；聚类找出有哪几类客户，让每类客户得到合适的服务。范围为侧边栏筛选出的客户，分析日期 {as_of}。",
    },
    "cl.no_features_in_data": {
        "en": "This dataset has none of the columns the clusters are learned from (frequency, spend, service or channel mix …). Load transactions with amounts and dates on the Data page.",
        "zh": "当前数据缺少聚类所需的字段（寄件频次、消费、服务或渠道结构等）。请在“数据管理”页面导入含金额和日期的交易数据。",
    },
    # settings
    "cl.k": {"en": "Number of clusters", "zh": "客群数量"},
    "cl.k.help": {
        "en": "More clusters give finer personas; fewer are easier to present. Cluster 0 is always the one with the highest median spend.",
        "zh": "客群越多，画像越细；越少越便于汇报。客群 0 始终是消费中位数最高的一类。",
    },
    "cl.features": {"en": "Describe customers by", "zh": "聚类依据的特征"},
    "cl.features.help": {
        "en": "The default describes what kind of sender a customer is (how often, how much, what and how they ship, enterprise or individual). Recency, tenure, satisfaction and complaints describe where a customer is in its life cycle; adding them mixes the two questions. Amounts and counts are log-scaled and scaled by their interquartile range, so a few very large senders do not dominate.",
        "zh": "默认特征描述客户是哪一类寄件人（寄得多频繁、花多少、寄什么、怎么寄、企业还是个人）。最近寄件、合作时长、满意度和投诉反映客户所处的生命周期阶段，加入后会把两个问题混在一起。金额和次数先取对数，再按四分位距缩放，少数超大客户不会左右结果。",
    },
    "cl.features.placeholder": {"en": "Choose features", "zh": "请选择特征"},
    "cl.features.none": {"en": "Choose at least one feature to form clusters.",
                         "zh": "请至少选择一个特征来划分客群。"},
    "cl.use_suggested": {"en": "Use suggested k", "zh": "使用建议客群数"},
    "cl.use_suggested.help": {
        "en": "Sets the number of clusters whose silhouette score stands out most above that of structureless data, on a sample of customers (takes a few seconds the first time). See the “Choosing k” tab.",
        "zh": "将客群数设为抽样客户上轮廓系数高出无结构数据最多的值（首次需要几秒钟），详见“如何选择客群数”标签页。",
    },
    "cl.k.known": {"en": "Suggested by the silhouette score against structureless data: {k} "
                         "clusters.",
                   "zh": "按轮廓系数（对比无结构数据）建议的客群数：{k}。"},
    "cl.running": {"en": "Forming the clusters…", "zh": "正在划分客群…"},
    "cl.too_few": {
        "en": "Too few customers for personas: {n} customers are selected, and a persona "
              "needs at least {min} customers to describe a kind of sender rather than a few "
              "individuals, so at least {need} for two. Widen the sidebar filters, or load "
              "the whole branch or network.",
        "zh": "客户太少，无法形成客户画像：当前选中 {n} 位客户，而一个画像至少需要 {min} 位客户"
              "才能代表一类寄件客户而不是几个个体，两个画像至少需要 {need} 位。请放宽侧边栏筛选，"
              "或导入整个网点或全网数据。"},
    "cl.small": {
        "en": "Clusters {clusters} have fewer than {min} customers: too few to describe as "
              "personas. Choose at most {k} clusters for these customers.",
        "zh": "客群 {clusters} 不足 {min} 位客户，不足以形成客户画像。对这些客户，客群数请不要超过 "
              "{k}。"},
    # cards and names
    "cl.cluster_label": {"en": "{n} · {name}", "zh": "{n} · {name}"},
    "cl.card.cluster": {"en": "Cluster {n}", "zh": "客群 {n}"},
    "cl.card.customers": {"en": "Customers", "zh": "客户数"},
    "cl.card.shares": {"en": "{customers} of customers · {revenue} of revenue",
                       "zh": "客户占比 {customers} · 收入占比 {revenue}"},
    "cl.rename": {"en": "Rename personas", "zh": "重命名客群画像"},
    "cl.rename.help": {
        "en": "Names are kept with this dataset for this number of clusters, features and filters, in both languages. Leave a box empty for the automatic name.",
        "zh": "名称随当前数据集保存，对应当前的客群数、特征和筛选条件，中英文界面通用。留空则使用自动名称。",
    },
    "cl.rename.label": {"en": "Name of cluster {n}", "zh": "客群 {n} 的名称"},
    "cl.rename.auto": {"en": "Automatic name: {name}", "zh": "自动名称：{name}"},
    "cl.rename.save": {"en": "Save names", "zh": "保存名称"},
    "cl.rename.reset": {"en": "Automatic names", "zh": "恢复自动名称"},
    "cl.rename.saved": {"en": "Persona names saved.", "zh": "客群名称已保存。"},
    # tabs
    "cl.tab.profiles": {"en": "Profiles", "zh": "客群画像"},
    "cl.tab.mix": {"en": "Tier mix & branches", "zh": "等级构成与网点"},
    "cl.tab.map": {"en": "Map", "zh": "客户分布图"},
    "cl.tab.k": {"en": "Choosing k", "zh": "如何选择客群数"},
    "cl.tab.download": {"en": "Download", "zh": "下载"},
    # profiles
    "cl.col.cluster": {"en": "Cluster", "zh": "客群"},
    "cl.col.persona": {"en": "Persona", "zh": "客群画像"},
    "cl.col.size": {"en": "Customers", "zh": "客户数"},
    "cl.col.share": {"en": "Share of customers", "zh": "客户占比"},
    "cl.col.revenue": {"en": "Revenue (¥)", "zh": "收入（元）"},
    "cl.col.revenue_share": {"en": "Share of revenue", "zh": "收入占比"},
    "cl.col.median_help": {"en": "Median of the cluster's customers.",
                           "zh": "该客群客户的中位数。"},
    "cl.col.mean_help": {"en": "Average share among the cluster's customers.",
                         "zh": "该客群客户的平均占比。"},
    "cl.col.rank": {"en": "Rank", "zh": "排名"},
    "cl.col.branch": {"en": "Branch", "zh": "网点"},
    "cl.col.branch_share": {"en": "Share of the cluster", "zh": "占该客群比例"},
    "cl.col.customer_type": {"en": "Customer type", "zh": "客户类型"},
    "cl.col.spend": {"en": "Total spend (¥)", "zh": "累计消费（元）"},
    "cl.profiles.note": {
        "en": "Amounts, frequencies and sizes are the median customer of each cluster; service mix, channel mix and customer type are averages (a share of purchases or of customers).",
        "zh": "金额、频次、件数为各客群的中位数客户；服务结构、渠道结构和客户类型为平均占比（占寄件或客户的比例）。",
    },
    "cl.heatmap.title": {"en": "How each cluster differs from the average customer",
                         "zh": "各客群与平均客户的差异"},
    "cl.heatmap.colorbar": {"en": "z-score", "zh": "标准分"},
    "cl.heatmap.help": {
        "en": "In standard deviations from the average customer (amounts and counts on a log scale): green above average, orange below; ±2 or more is very distinctive.",
        "zh": "以偏离平均客户多少个标准差表示（金额和次数按对数计算）：绿色高于平均，橙色低于平均；达到 ±2 即非常突出。",
    },
    "cl.shares.title": {"en": "Share of customers and of revenue", "zh": "客户占比与收入占比"},
    "cl.shares.x": {"en": "Share", "zh": "占比"},
    "cl.bars.pick": {"en": "Cluster to look at", "zh": "查看客群"},
    "cl.bars.title": {"en": "What sets {name} apart", "zh": "{name} 的突出特征"},
    "cl.bars.x": {"en": "Standard deviations from the average customer",
                  "zh": "偏离平均客户的标准差"},
    # tier mix and branches
    "cl.mix.title": {"en": "Value tiers within each cluster", "zh": "各客群的价值等级构成"},
    "cl.mix.x": {"en": "Share of the cluster's customers", "zh": "占该客群客户的比例"},
    "cl.mix.help": {
        "en": "Tiers as currently set on the Tiers page (or the default preset). A cluster can hold several tiers: the tier says how valuable a customer is, the cluster what kind of customer it is.",
        "zh": "等级采用“客户分级”页面当前的设置（或默认方案）。一个客群可以包含多个等级：等级反映客户价值，客群反映客户类型。",
    },
    "cl.branches": {"en": "Branches with the most customers of each cluster",
                    "zh": "各客群客户最多的网点"},
    # map
    "cl.map.title": {"en": "Customer map ({n} customers sampled)",
                     "zh": "客户分布图（抽样 {n} 位客户）"},
    "cl.map.axis": {"en": "Component {n} ({pct} of the variation)",
                    "zh": "主成分 {n}（解释 {pct} 的差异）"},
    "cl.map.help": {
        "en": "Each dot is a customer; customers close together behave alike. The axes combine the chosen features (principal component analysis) and have no unit. Hover over a dot for details; click a cluster in the legend to hide it.",
        "zh": "每个点代表一位客户，距离越近的客户行为越相似。坐标轴是所选特征的组合（主成分分析），没有单位。鼠标悬停可查看详情，点击图例可隐藏某个客群。",
    },
    "cl.map.density.title": {"en": "Customer map ({n} customers sampled, counted per cell)",
                             "zh": "客户分布图（抽样 {n} 位客户，按网格计数）"},
    "cl.map.density.customers": {"en": "Customers", "zh": "客户数"},
    "cl.map.density.help": {
        "en": "Each circle counts the customers of one cluster in one cell of the map (cells with fewer than {min} customers are left out); your role sees counts, not single customers. Customers close together behave alike. The axes combine the chosen features (principal component analysis) and have no unit.",
        "zh": "每个圆圈表示某客群在地图一个网格中的客户数（少于 {min} 位客户的网格不显示）；您的角色只能查看计数，看不到单个客户。距离越近的客户行为越相似。坐标轴是所选特征的组合（主成分分析），没有单位。",
    },
    # choosing k
    "cl.k.running": {"en": "Scoring 2 to 10 clusters on a sample…",
                     "zh": "正在抽样评估 2 至 10 个客群…"},
    "cl.k.sentence": {
        "en": "The silhouette score, against that of structureless data, suggests "
              "**{k} clusters**.",
        "zh": "对比无结构数据的轮廓系数，建议分为 **{k} 个客群**。",
    },
    "cl.k.title": {"en": "Silhouette score by number of clusters",
                   "zh": "不同客群数的轮廓系数"},
    "cl.k.x": {"en": "Number of clusters (k)", "zh": "客群数（k）"},
    "cl.k.y": {"en": "Silhouette score", "zh": "轮廓系数"},
    "cl.k.suggested_mark": {"en": "suggested", "zh": "建议"},
    "cl.k.reference": {"en": "structureless data of the same spread",
                       "zh": "同等分布范围的无结构数据"},
    "cl.k.current_mark": {"en": "chosen: {k}", "zh": "当前：{k}"},
    "cl.k.guide": {
        "en": "A guide, not a rule: higher is better separated; more clusters give finer personas. Any data, even without groups, score well when split in two (the dashed line: the same number of clusters on structureless data of the same spread), so the suggestion is the k that stands out most above that line. Overlapping kinds of senders can stay hard to tell apart at any k. Scored on a sample of up to 5,000 customers.",
        "zh": "仅供参考：数值越高，客群之间区分越清楚；客群越多，画像越细。任何数据（即使没有分群结构）分成两类时得分都较高（虚线：同等分布范围的无结构数据在相同客群数下的得分），因此建议值取高出虚线最多的客群数。相互重叠的客户类型在任何客群数下都可能难以区分。基于最多 5,000 位客户的抽样计算。",
    },
    # download
    "cl.download.caption": {
        "en": "Cluster and persona of each of the {n} customers selected in the sidebar, with branch and value tier. The Excel file also holds the profile table.",
        "zh": "侧边栏筛选出的 {n} 位客户各自所属的客群与画像，以及网点和价值等级。Excel 文件另含客群画像表。",
    },
    "cl.download.csv": {"en": "Download CSV", "zh": "下载 CSV"},
    "cl.download.xlsx": {"en": "Download Excel", "zh": "下载 Excel"},
    "cl.download.too_big": {
        "en": "Excel is offered for up to {max} customers (a larger workbook takes minutes to write): download the CSV, or narrow the customers with the sidebar filters.",
        "zh": "客户数不超过 {max} 时提供 Excel 下载（更大的工作簿需要数分钟生成）：请下载 CSV，或用侧边栏筛选缩小范围。",
    },
    "cl.sheet.customers": {"en": "customers", "zh": "客户"},
    "cl.sheet.profiles": {"en": "profiles", "zh": "客群画像"},
    "cl.export.customer_id": {"en": "customer_id", "zh": "客户编号"},
    "cl.export.cluster": {"en": "cluster", "zh": "客群"},
    "cl.export.persona": {"en": "persona", "zh": "客群画像"},
    "cl.export.branch": {"en": "branch", "zh": "网点"},
    "cl.export.tier": {"en": "tier", "zh": "价值等级"},
    "cl.export.description": {"en": "description", "zh": "描述"},
    "cl.export.size": {"en": "customers", "zh": "客户数"},
    "cl.export.share": {"en": "share of customers", "zh": "客户占比"},
    "cl.export.revenue": {"en": "revenue", "zh": "收入"},
    "cl.export.revenue_share": {"en": "share of revenue", "zh": "收入占比"},
})
