"""User-facing strings of the satisfaction and complaints page (the library registers its own)."""

from segmentation import i18n

i18n.register({
    "nav.satisfaction": {"en": "Satisfaction", "zh": "满意度与投诉"},
    "sat.title": {"en": "Satisfaction and complaints", "zh": "满意度与投诉"},
    "sat.caption": {
        "en": "Last {days} days up to {as_of}, compared with the {days} days before. "
              "Survey scale: {scale}.",
        "zh": "截至 {as_of} 的近 {days} 天，与之前 {days} 天对比。评分量表：{scale}。",
    },
    "sat.caption.no_surveys": {
        "en": "Last {days} days up to {as_of}, compared with the {days} days before.",
        "zh": "截至 {as_of} 的近 {days} 天，与之前 {days} 天对比。",
    },
    # page controls
    "sat.tier_filter": {"en": "Tiers", "zh": "客户层级"},
    "sat.tier_filter.help": {
        "en": "Only customers of these value tiers (as graded on the Tiers page), on top of "
              "the sidebar filters. Leave empty for all.",
        "zh": "在侧边栏筛选之外，只看这些价值层级（按“客户分级”页面的分级）的客户；"
              "留空表示全部。",
    },
    "sat.scale_choice": {"en": "Survey scale", "zh": "评分量表"},
    "sat.scale_choice.auto": {"en": "Automatic: {scale}", "zh": "自动识别：{scale}"},
    "sat.scale_choice.help": {
        "en": "Detected from the range of the scores. 1–5 and 1–7 give a CSAT (share of the "
              "top two boxes); 0–10 gives an NPS (promoters 9–10 minus detractors 0–6).",
        "zh": "根据评分范围自动识别。1–5 分与 1–7 分计算 CSAT（最高两档占比）；"
              "0–10 分计算 NPS（推荐者 9–10 分占比减去贬损者 0–6 分占比）。",
    },
    "sat.sla": {"en": "Resolution deadline (days)", "zh": "投诉处理时限（天）"},
    "sat.sla.help": {
        "en": "Service level for resolving a complaint. Open complaints older than this are "
              "past the deadline.",
        "zh": "投诉处理的服务时限。超过该天数仍未解决的投诉计为超时。",
    },
    # headline
    "sat.metric.csat": {"en": "CSAT", "zh": "满意率 CSAT"},
    "sat.metric.nps": {"en": "NPS", "zh": "净推荐值 NPS"},
    "sat.metric.index.help": {
        "en": "{scale}, last {days} days: {value} (95% interval {lo} – {hi}) from {n} "
              "answers. The change compares with the {days} days before.",
        "zh": "{scale}，近 {days} 天：{value}（95% 区间 {lo} – {hi}），共 {n} 份答卷。"
              "变化与之前 {days} 天对比。",
    },
    "sat.metric.responses": {"en": "Survey answers", "zh": "调查答卷"},
    "sat.metric.responses.help": {
        "en": "Survey answers in the last {days} days.",
        "zh": "近 {days} 天收到的满意度调查答卷数。",
    },
    "sat.metric.rate": {"en": "Complaints / 1k shipments", "zh": "每千件投诉数"},
    "sat.metric.rate.help": {
        "en": "{n} complaints against {shipments} shipments of the same customers in the last "
              "{days} days.",
        "zh": "近 {days} 天同一批客户的投诉 {n} 件，寄件 {shipments} 笔。",
    },
    "sat.metric.past_sla": {"en": "Open past deadline", "zh": "超时未结投诉"},
    "sat.metric.past_sla.help": {
        "en": "Open complaints older than {sla} days, of {open} open complaints.",
        "zh": "超过 {sla} 天仍未解决的投诉（共 {open} 件未结）。",
    },
    "sat.metric.need_surveys": {
        "en": "Upload a surveys table on the Data page to see this figure.",
        "zh": "在“数据管理”页面上传满意度调查表后显示此指标。",
    },
    "sat.metric.need_complaints": {
        "en": "Upload a complaints table on the Data page to see this figure.",
        "zh": "在“数据管理”页面上传投诉记录表后显示此指标。",
    },
    "sat.pp": {"en": "{value} pp", "zh": "{value} 个百分点"},
    # tabs
    "sat.tab.trends": {"en": "Trends", "zh": "趋势"},
    "sat.tab.drivers": {"en": "Drivers", "zh": "驱动因素"},
    "sat.tab.complaints": {"en": "Complaints", "zh": "投诉"},
    "sat.tab.voice": {"en": "Voice of the customer", "zh": "客户之声"},
    "sat.tab.links": {"en": "Value and churn", "zh": "价值与流失"},
    # degradation
    "sat.need_surveys": {
        "en": "No surveys table is loaded. Upload one on the Data page (columns date and "
              "score; optional customer_id, dimension scores such as speed or attitude, and "
              "comment) to unlock satisfaction trends, key drivers and the voice of the "
              "customer.",
        "zh": "尚未加载满意度调查表。请在“数据管理”页面上传（列：日期、评分；可选：客户编号、"
              "时效、服务态度等分项评分、评价内容），即可查看满意度趋势、驱动因素与客户之声。",
    },
    "sat.need_complaints": {
        "en": "No complaints table is loaded. Upload one on the Data page (columns "
              "customer_id, date and category; optional severity, status and resolved_date) "
              "to unlock complaint volumes and rates, resolution times, deadline breaches and "
              "repeat complainers.",
        "zh": "尚未加载投诉记录表。请在“数据管理”页面上传（列：客户编号、日期、投诉类别；"
              "可选：严重程度、处理状态、解决日期），即可查看投诉量与投诉率、处理时长、"
              "超时投诉和重复投诉客户。",
    },
    "sat.need_customer_id": {
        "en": "The surveys have no customer_id, so they cannot be matched to customers: with "
              "a filter or tier selection no answer remains.",
        "zh": "满意度调查表没有客户编号，无法与客户关联：设置筛选或层级后没有答卷。",
    },
    "sat.no_answers": {
        "en": "No survey answer from the selected customers up to the analysis date.",
        "zh": "所选客户在分析日期之前没有满意度答卷。",
    },
    "sat.no_complaints_selected": {
        "en": "No complaint from the selected customers up to the analysis date.",
        "zh": "所选客户在分析日期之前没有投诉。",
    },
    "sat.scale_error": {
        "en": "Satisfaction figures are off: {message}",
        "zh": "无法计算满意度指标：{message}",
    },
    # trends
    "sat.trend.title": {"en": "Monthly {index} with its 95% band",
                        "zh": "每月{index}及 95% 置信区间"},
    "sat.trend.month": {"en": "Month", "zh": "月份"},
    "sat.trend.responses": {"en": "Answers", "zh": "答卷数（份）"},
    "sat.trend.band": {"en": "95% interval", "zh": "95% 区间"},
    "sat.trend.caption": {
        "en": "The band is where the true monthly figure lies with 95% confidence given the "
              "number of answers (grey bars): a wide band means too few answers to read a "
              "month-to-month move as a trend. A hollow marker is an incomplete month.",
        "zh": "阴影带表示在当月答卷数量（灰色柱）下，真实值有 95% 把握落在的范围：带越宽，"
              "答卷越少，月度波动越不宜解读为趋势。空心点表示该月数据不完整。",
    },
    "sat.dims.title": {"en": "Monthly mean score per dimension (95% band)",
                       "zh": "各分项每月平均得分（95% 区间）"},
    "sat.dims.axis": {"en": "Mean score", "zh": "平均得分"},
    "sat.compare.header": {"en": "Comparison", "zh": "分组对比"},
    "sat.compare.by": {"en": "Compare by", "zh": "对比维度"},
    "sat.compare.title": {"en": "{index} by {group}, last {days} days",
                          "zh": "各{group}近 {days} 天{index}"},
    "sat.compare.now": {"en": "Last {days} days", "zh": "近 {days} 天"},
    "sat.compare.baseline": {"en": "Baseline ({days} days before)",
                             "zh": "基准（此前 {days} 天）"},
    "sat.compare.alert": {"en": "Fell beyond noise", "zh": "显著下降"},
    "sat.compare.caption": {
        "en": "Dots: last {days} days with the 95% interval; diamonds: the baseline (the "
              "{base} days before). Orange: fell by more than the noise allows.",
        "zh": "圆点：近 {days} 天及 95% 区间；菱形：基准（此前 {base} 天）。"
              "橙色：下降幅度超出随机波动范围。",
    },
    "sat.alerts.header": {"en": "Alerts", "zh": "预警"},
    "sat.alerts.none": {
        "en": "No branch, tier, region or customer type fell by more than the noise allows.",
        "zh": "没有网点、层级、区域或客户类型的满意度出现超出随机波动的下降。",
    },
    "sat.alerts.some": {
        "en": "{n} groups fell by more than the noise allows.",
        "zh": "{n} 个分组的满意度下降超出随机波动范围。",
    },
    "sat.alerts.rule_title": {"en": "How alerts are decided", "zh": "预警规则说明"},
    "sat.alerts.rule": {
        "en": "For each branch, tier, region and customer type, the {index} of the last "
              "{days} days is compared with its baseline, the {base} days before. A group is "
              "flagged when the drop is larger than 1.96 standard errors of the difference "
              "(a one-sided test at about 2.5%), each side counted with one satisfied and one "
              "unsatisfied pseudo-answer so that a small branch with 5 of 5 happy customers "
              "does not look certain. Both periods need at least {min_n} answers. With many "
              "branches, about one in forty may be flagged by chance: check the answers "
              "before acting.",
        "zh": "对每个网点、层级、区域和客户类型，比较近 {days} 天的{index}与基准（此前 {base} "
              "天）。当下降幅度超过差值标准误的 1.96 倍（单侧约 2.5% 显著性）时预警；每个时期"
              "各加入一份满意、一份不满意的虚拟答卷，避免“5 份全满意”的小网点显得毫无波动。"
              "两个时期都至少需要 {min_n} 份答卷。网点较多时，约每 40 个中可能有 1 个"
              "属于偶然预警，行动前请查看具体答卷。",
    },
    "sat.group.tier": {"en": "Tier", "zh": "客户层级"},
    # drivers
    "sat.drivers.group": {"en": "Customers", "zh": "客户范围"},
    "sat.drivers.all": {"en": "All selected customers", "zh": "全部所选客户"},
    "sat.drivers.tier": {"en": "Tier: {tier}", "zh": "层级：{tier}"},
    "sat.drivers.title": {"en": "Key drivers: importance against performance",
                          "zh": "关键驱动因素：重要性与表现"},
    "sat.drivers.importance": {"en": "Importance (standardised coefficient)",
                               "zh": "重要性（标准化回归系数）"},
    "sat.drivers.performance": {"en": "Performance (mean score)", "zh": "表现（平均得分）"},
    "sat.drivers.summary": {
        "en": "What moves overall satisfaction most: {drivers}. Fix first: {fix}.",
        "zh": "对总体满意度影响最大的是：{drivers}。优先改进：{fix}。",
    },
    "sat.drivers.summary_nofix": {
        "en": "What moves overall satisfaction most: {drivers}.",
        "zh": "对总体满意度影响最大的是：{drivers}。",
    },
    "sat.drivers.caption": {
        "en": "Importance: the standardised coefficient of a regression of the overall score "
              "on all dimension scores ({n} complete answers), so a dimension that only moves "
              "with the others gets little credit. Performance: the dimension's mean score. "
              "The dotted lines are the medians.",
        "zh": "重要性：总体评分对全部分项评分回归的标准化系数（{n} 份完整答卷），"
              "仅随其他分项同步变化的分项得分较低。表现：该分项的平均得分。虚线为中位数。",
    },
    "sat.drivers.none": {
        "en": "Key drivers need dimension scores (such as speed or attitude) and at least {n} "
              "complete answers.",
        "zh": "驱动因素分析需要分项评分（如时效、服务态度）且至少 {n} 份完整答卷。",
    },
    # complaints
    "sat.cp.trend.title": {"en": "Complaints per month and per 1,000 shipments",
                           "zh": "每月投诉量与每千件投诉数"},
    "sat.cp.count": {"en": "Complaints", "zh": "投诉量（件）"},
    "sat.cp.rate": {"en": "Per 1,000 shipments", "zh": "每千件投诉数"},
    "sat.cp.by": {"en": "Break down by", "zh": "分类维度"},
    "sat.cp.by.category": {"en": "Category", "zh": "投诉类别"},
    "sat.cp.by.severity": {"en": "Severity", "zh": "严重程度"},
    "sat.cp.by.title": {"en": "Complaints per 1,000 shipments by {by}, last {days} days",
                        "zh": "近 {days} 天各{by}每千件投诉数"},
    "sat.cp.by.title_count": {"en": "Complaints by {by}, last {days} days",
                              "zh": "近 {days} 天各{by}投诉量"},
    "sat.cp.res.title": {"en": "Days to resolve", "zh": "投诉处理时长分布"},
    "sat.cp.res.days": {"en": "Days from complaint to resolution", "zh": "从投诉到解决的天数"},
    "sat.cp.res.count": {"en": "Resolved complaints", "zh": "已解决投诉（件）"},
    "sat.cp.res.sla": {"en": "Deadline: {days} days", "zh": "时限：{days} 天"},
    "sat.cp.res.caption": {
        "en": "{n} resolved complaints: median {median} days, 90% within {p90} days; {share} "
              "resolved within the {sla}-day deadline.",
        "zh": "已解决投诉 {n} 件：中位处理时长 {median} 天，90% 在 {p90} 天内解决；"
              "{share} 在 {sla} 天时限内解决。",
    },
    "sat.cp.res.none": {"en": "No resolved complaint yet.", "zh": "暂无已解决的投诉。"},
    "sat.cp.sla.header": {"en": "Open past the deadline", "zh": "超时未结投诉"},
    "sat.cp.sla.none": {"en": "No open complaint is older than {sla} days.",
                        "zh": "没有超过 {sla} 天未解决的投诉。"},
    "sat.cp.sla.some": {"en": "{n} open complaints are older than {sla} days, oldest first.",
                        "zh": "{n} 件投诉超过 {sla} 天仍未解决（按时长从长到短）。"},
    "sat.cp.repeat.header": {"en": "Repeat complainers", "zh": "重复投诉客户"},
    "sat.cp.repeat.caption": {
        "en": "{n} customers complained at least twice in the last 365 days.",
        "zh": "近 365 天内投诉两次及以上的客户共 {n} 位。",
    },
    "sat.cp.repeat.none": {"en": "No customer complained twice in the last 365 days.",
                           "zh": "近 365 天内没有投诉两次及以上的客户。"},
    # voice of the customer
    "sat.voice.max_score": {"en": "Comments from answers scoring at most",
                            "zh": "分析评分不高于以下分值的评价"},
    "sat.voice.caption": {
        "en": "{n} comments from answers scoring {max} or less. Chinese is cut into character "
              "sequences, English into words and two-word phrases; fragments of longer "
              "phrases are merged.",
        "zh": "共 {n} 条评分不高于 {max} 分的评价。中文按字符片段切分，英文按单词与双词短语"
              "切分；较长短语的片段已合并。",
    },
    "sat.voice.title": {"en": "Most frequent phrases in low-score comments",
                        "zh": "低分评价中的高频词句"},
    "sat.voice.share": {"en": "Share of comments", "zh": "提及该词的评价占比"},
    "sat.voice.by_dim": {"en": "By weakest dimension of the answer",
                         "zh": "按答卷中得分最低的分项"},
    "sat.voice.none": {"en": "No comment from answers scoring {max} or less.",
                       "zh": "没有评分不高于 {max} 分的评价。"},
    "sat.voice.no_comment_column": {
        "en": "The surveys have no comment column, so there are no words to count.",
        "zh": "满意度调查表没有评价内容列，无法统计高频词。",
    },
    "sat.voice.complaints.header": {"en": "Complaint texts by category",
                                    "zh": "各类投诉的高频词句"},
    "sat.voice.complaints.none": {
        "en": "The complaints carry no text. Once complaints come with a comment or "
              "description column, their most frequent phrases per category appear here.",
        "zh": "投诉记录不含文字描述。投诉表带有描述列后，此处将按类别显示高频词句。",
    },
    # value and churn
    "sat.links.top.header": {"en": "Top tier against the rest", "zh": "最高层级与其他客户对比"},
    "sat.links.top.caption": {
        "en": "Last {days} days, sidebar filters applied, all tiers (the tier selection above "
              "is ignored here).",
        "zh": "近 {days} 天，已应用侧边栏筛选，包含全部层级（不受上方层级选择影响）。",
    },
    "sat.links.top": {"en": "Top tier ({tier})", "zh": "最高层级（{tier}）"},
    "sat.links.rest": {"en": "Other tiers", "zh": "其他层级"},
    "sat.links.churn.header": {"en": "Churn warnings against the others",
                               "zh": "流失预警客户与其他客户对比"},
    "sat.links.churn.pending": {
        "en": "This comparison appears once churn warnings exist for the customers; the "
              "Churn warnings page says what the data lacks for them.",
        "zh": "客户流失预警生成后，此处将显示该对比；如无法生成，“流失预警”页面会说明"
              "数据缺少什么。",
    },
    "sat.links.churn.caption": {
        "en": "Churn warnings from the Churn warnings page ({h}-day horizon); customers "
              "already lost are left out. Last {days} days, sidebar filters applied.",
        "zh": "流失预警来自“流失预警”页面（{h} 天预测期），已流失客户不计入。"
              "近 {days} 天，已应用侧边栏筛选。",
    },
    "sat.links.churn.warning": {"en": "Churn warning", "zh": "流失预警"},
    "sat.links.churn.other": {"en": "No warning", "zh": "无预警"},
    "sat.links.chart": {"en": "{index} by group, last {days} days (95% interval)",
                        "zh": "各组近 {days} 天{index}（95% 区间）"},
    # table columns
    "sat.col.group": {"en": "Group", "zh": "分组"},
    "sat.col.responses": {"en": "Answers", "zh": "答卷数"},
    "sat.col.index_lo": {"en": "95% low", "zh": "95% 下限"},
    "sat.col.index_hi": {"en": "95% high", "zh": "95% 上限"},
    "sat.col.mean": {"en": "Mean score", "zh": "平均分"},
    "sat.col.baseline_responses": {"en": "Baseline answers", "zh": "基准答卷数"},
    "sat.col.baseline_index": {"en": "Baseline", "zh": "基准值"},
    "sat.col.change.pp": {"en": "Change (pp)", "zh": "变化（百分点）"},
    "sat.col.change.nps": {"en": "Change (points)", "zh": "变化（分）"},
    "sat.col.margin.pp": {"en": "Noise margin (pp)", "zh": "波动容限（百分点）"},
    "sat.col.margin.nps": {"en": "Noise margin (points)", "zh": "波动容限（分）"},
    "sat.col.alert": {"en": "Alert", "zh": "预警"},
    "sat.col.grouping": {"en": "Grouped by", "zh": "分组维度"},
    "sat.col.complaints": {"en": "Complaints", "zh": "投诉量"},
    "sat.col.share": {"en": "Share", "zh": "占比"},
    "sat.col.per_1000": {"en": "Per 1,000 shipments", "zh": "每千件投诉"},
    "sat.col.open": {"en": "Open", "zh": "未结"},
    "sat.col.open_past_sla": {"en": "Open past deadline", "zh": "超时未结"},
    "sat.col.resolved": {"en": "Resolved", "zh": "已解决"},
    "sat.col.median_days": {"en": "Median days", "zh": "中位天数"},
    "sat.col.p90_days": {"en": "90% within (days)", "zh": "90% 解决天数"},
    "sat.col.within_sla": {"en": "Within deadline", "zh": "时限内解决"},
    "sat.col.term": {"en": "Word or phrase", "zh": "词句"},
    "sat.col.comments": {"en": "Comments", "zh": "评价数"},
    "sat.col.example": {"en": "Most common comment", "zh": "最常见的评价"},
    "sat.col.weakest": {"en": "Weakest dimension", "zh": "最低分项"},
    "sat.col.customer_id": {"en": "Customer", "zh": "客户编号"},
    "sat.col.complaint_id": {"en": "Complaint", "zh": "投诉编号"},
    "sat.col.date": {"en": "Date", "zh": "日期"},
    "sat.col.age_days": {"en": "Open for (days)", "zh": "已等待（天）"},
    "sat.col.days_over": {"en": "Days over", "zh": "超时（天）"},
    "sat.col.category": {"en": "Category", "zh": "投诉类别"},
    "sat.col.severity": {"en": "Severity", "zh": "严重程度"},
    "sat.col.categories": {"en": "Categories", "zh": "投诉类别"},
    "sat.col.first_date": {"en": "First", "zh": "首次投诉"},
    "sat.col.last_date": {"en": "Latest", "zh": "最近投诉"},
    "sat.col.customers": {"en": "Customers", "zh": "客户数"},
    "sat.col.complainants": {"en": "Customers who complained", "zh": "投诉客户占比"},
    "sat.col.dimension": {"en": "Dimension", "zh": "分项"},
    "sat.col.importance": {"en": "Importance", "zh": "重要性"},
    "sat.col.importance_share": {"en": "Share of importance", "zh": "重要性占比"},
    "sat.col.correlation": {"en": "Correlation", "zh": "相关系数"},
    "sat.col.performance": {"en": "Performance", "zh": "表现"},
    "sat.col.quadrant": {"en": "Action", "zh": "建议"},
})
