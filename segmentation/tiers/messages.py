"""The bilingual message catalogue of the tiers package (registered on import)."""

from __future__ import annotations

from .. import i18n

i18n.register({
    "tier.vip": {"en": "VIP", "zh": "钻石"},
    "tier.premium": {"en": "Premium", "zh": "铂金"},
    "tier.high": {"en": "High", "zh": "黄金"},
    "tier.medium": {"en": "Medium", "zh": "白银"},
    "tier.low": {"en": "Low", "zh": "普通"},
    "segment.champions": {"en": "Champions", "zh": "重要价值客户"},
    "segment.loyal": {"en": "Loyal", "zh": "忠诚客户"},
    "segment.potential_loyalists": {"en": "Potential loyalists", "zh": "潜力客户"},
    "segment.new": {"en": "New", "zh": "新客户"},
    "segment.promising": {"en": "Promising", "zh": "有前景客户"},
    "segment.need_attention": {"en": "Need attention", "zh": "需要关注"},
    "segment.about_to_sleep": {"en": "About to sleep", "zh": "即将沉睡"},
    "segment.at_risk": {"en": "At risk", "zh": "流失风险客户"},
    "segment.cant_lose": {"en": "Can't lose them", "zh": "不能失去的客户"},
    "segment.hibernating": {"en": "Hibernating", "zh": "沉睡客户"},
    "segment.lost": {"en": "Lost", "zh": "已流失客户"},
    "freq_class.high": {"en": "High frequency", "zh": "高频客户"},
    "freq_class.medium": {"en": "Medium frequency", "zh": "中频客户"},
    "freq_class.low": {"en": "Low frequency", "zh": "低频客户"},
    "tiers.measure.r": {"en": "recency", "zh": "最近消费间隔"},
    "tiers.measure.f": {"en": "frequency", "zh": "消费频次"},
    "tiers.measure.m": {"en": "monetary value", "zh": "消费金额"},
    "tiers.measure.t": {"en": "tenure", "zh": "客户年限"},
    "tiers.count.one": {"en": "{n} customer", "zh": "{n} 位客户"},
    "tiers.count.many": {"en": "{n} customers", "zh": "{n} 位客户"},
    "tiers.list_sep": {"en": ", ", "zh": "、"},
    "tiers.actions_sep": {"en": "; ", "zh": "；"},
    "tiers.flow.new": {"en": "New", "zh": "新增"},
    "tiers.flow.gone": {"en": "Gone", "zh": "离开"},
    "tiers.rule.spend": {"en": "annual spend at least {spend}", "zh": "年消费额不低于 {spend}"},
    "tiers.rule.shipments": {"en": "at least {shipments} shipments a year",
                             "zh": "年寄件不少于 {shipments} 次"},
    "tiers.rule.and": {"en": " and ", "zh": "且"},
    "tiers.rule.none": {"en": "no condition", "zh": "无条件"},
    # notes
    "tiers.note.empty_view": {
        "en": "No customers to grade: the current selection holds none.",
        "zh": "没有可分层的客户：当前筛选结果为空。",
    },
    "tiers.note.single_customer": {
        "en": "Only one customer: every score is 3 and the customer is in {tier}.",
        "zh": "只有一位客户：各项得分均为 3，该客户归入{tier}。",
    },
    "tiers.note.constant_measure": {
        "en": "All customers have the same {measure}; the {score} score is 3 for everyone.",
        "zh": "所有客户的{measure}相同；{score} 得分均为 3。",
    },
    "tiers.note.missing_measure": {
        "en": "No {measure} for {count}: the lowest {score} score (1) was given.",
        "zh": "{count}缺少{measure}数据，{score} 得分记为最低分 1。",
    },
    "tiers.note.no_tenure": {
        "en": "The customer view has no tenure_days: annual spend and shipments are lifetime "
              "totals, and the tenure score is 3 for everyone.",
        "zh": "客户视图缺少客户年限（tenure_days）：年消费额和年寄件次数按累计值计算，"
              "年限得分均为 3。",
    },
    "tiers.note.share_all_equal": {
        "en": "All {n} have the same value score, so all are in {tier}: customers with the "
              "same score always share a tier.",
        "zh": "{n}的价值分全部相同，因此全部归入{tier}（价值分相同的客户总在同一层级）。",
    },
    "tiers.note.share_too_few": {
        "en": "Only {distinct} different value scores among {n} for {k} tiers: customers with "
              "the same score always share a tier, so these tiers stay empty: {empty}.",
        "zh": "{n}只有 {distinct} 个不同的价值分，少于 {k} 个层级：价值分相同的客户总在同一"
              "层级，因此以下层级为空：{empty}。",
    },
    "tiers.note.share_tie": {
        "en": "Ties at the {tier} cut: {count} with the same value score as the last {tier} "
              "customer also joined {tier}, so {tier} holds {actual} of customers instead of "
              "{target}.",
        "zh": "{tier}分界处有并列：与{tier}最后一位客户价值分相同的 {count}也归入{tier}，"
              "因此{tier}占客户的 {actual}，而非设定的 {target}。",
    },
    "tiers.note.share_min_one": {
        "en": "At {target} of {n}, {tier} would hold no customer; it holds the best {count} "
              "instead ({actual}), so that no tier is empty.",
        "zh": "按 {target} 计算，{n}中没有客户能进入{tier}；为避免空层级，价值分最高的 {count}"
              "归入{tier}（占 {actual}）。",
    },
    "tiers.note.share_cut_raised": {
        "en": "The {tier} cut was raised so that every lower tier keeps at least one customer; "
              "{tier} holds {actual} of customers instead of {target}.",
        "zh": "为使以下各层级至少保留一位客户，{tier}的分界线被提高；{tier}占客户的 {actual}，"
              "而非设定的 {target}。",
    },
    "tiers.note.threshold_none": {
        "en": "No customer reaches the {tier} thresholds ({rule}); {tier} is empty.",
        "zh": "没有客户达到{tier}的门槛（{rule}）；{tier}为空。",
    },
    "tiers.note.threshold_taken": {
        "en": "Every customer who reaches the {tier} thresholds ({rule}) also reaches a higher "
              "tier's; {tier} is empty.",
        "zh": "达到{tier}门槛（{rule}）的客户也都达到了更高层级的门槛；{tier}为空。",
    },
    "tiers.note.threshold_last_empty": {
        "en": "Every customer reaches the thresholds of a higher tier; {tier} is empty.",
        "zh": "所有客户都达到了更高层级的门槛；{tier}为空。",
    },
    # migration sentences
    "tiers.move.down": {
        "en": "This change moves {count} ({revenue} revenue) from {src} to {dst}.",
        "zh": "此调整使 {count}（收入 {revenue}）从{src}降至{dst}。",
    },
    "tiers.move.up": {
        "en": "This change moves {count} ({revenue} revenue) from {src} to {dst}.",
        "zh": "此调整使 {count}（收入 {revenue}）从{src}升至{dst}。",
    },
    "tiers.move.other": {
        "en": "This change moves {count} ({revenue} revenue) from {src} to {dst}.",
        "zh": "此调整使 {count}（收入 {revenue}）从{src}调整为{dst}。",
    },
    "tiers.move.total": {
        "en": "In total, this change moves {count} ({revenue} revenue) to another tier.",
        "zh": "此调整共使 {count}（收入 {revenue}）变更层级。",
    },
    "tiers.move.none": {
        "en": "This change moves no customer to another tier.",
        "zh": "此调整不改变任何客户的层级。",
    },
    # settings errors
    "tiers.error.bad_json": {
        "en": "The settings are not valid JSON ({detail}).",
        "zh": "设置不是有效的 JSON（{detail}）。",
    },
    "tiers.error.bad_type": {
        "en": "Settings field '{field}' must be a JSON {expected}.",
        "zh": "设置项“{field}”必须是 JSON {expected}。",
    },
    "tiers.error.bad_number": {
        "en": "Settings field '{field}' must be a finite number, got {value}.",
        "zh": "设置项“{field}”必须是有限数值，实际为 {value}。",
    },
    "tiers.error.unknown_field": {
        "en": "Unknown settings field '{field}' (expected one of: {allowed}).",
        "zh": "未知的设置项“{field}”（应为以下之一：{allowed}）。",
    },
    "tiers.error.bad_version": {
        "en": "Settings version {version} is not supported (this app reads version 1).",
        "zh": "不支持版本为 {version} 的设置（本应用读取版本 1）。",
    },
    "tiers.error.tier_count": {
        "en": "There must be {min} to {max} tiers, got {count}.",
        "zh": "层级数量应为 {min} 到 {max} 个，实际为 {count} 个。",
    },
    "tiers.error.tier_key": {
        "en": "Tier key {key} must be a short lower-case identifier such as 'vip' or 'gold_2'.",
        "zh": "层级代码 {key} 必须是简短的小写标识符，例如“vip”或“gold_2”。",
    },
    "tiers.error.tier_duplicate": {
        "en": "Tier '{key}' appears more than once.",
        "zh": "层级“{key}”重复出现。",
    },
    "tiers.error.weight_key": {
        "en": "Unknown weight {key} (expected {allowed}).",
        "zh": "未知的权重 {key}（应为 {allowed}）。",
    },
    "tiers.error.weight_negative": {
        "en": "Weight '{key}' must not be negative, got {value}.",
        "zh": "权重“{key}”不能为负数，实际为 {value}。",
    },
    "tiers.error.weights_zero": {
        "en": "At least one weight must be positive.",
        "zh": "至少需要一个权重大于 0。",
    },
    "tiers.error.bad_mode": {
        "en": "Mode must be 'share' or 'threshold', got {value}.",
        "zh": "分层方式必须是“share”（按比例）或“threshold”（按门槛），实际为 {value}。",
    },
    "tiers.error.share_count": {
        "en": "{tiers} tiers need {tiers} shares, got {count}.",
        "zh": "{tiers} 个层级需要 {tiers} 个比例，实际为 {count} 个。",
    },
    "tiers.error.share_value": {
        "en": "The share of tier '{tier}' must be above 0 and at most 1, got {value}.",
        "zh": "层级“{tier}”的比例必须大于 0 且不超过 1，实际为 {value}。",
    },
    "tiers.error.share_sum": {
        "en": "The tier shares must add up to 100%, got {total}.",
        "zh": "各层级比例之和必须为 100%，实际为 {total}。",
    },
    "tiers.error.threshold_count": {
        "en": "Thresholds are needed for every tier except the last: {expected}, got {count}.",
        "zh": "除最后一个层级外每个层级都需要门槛：应为 {expected} 个，实际为 {count} 个。",
    },
    "tiers.error.threshold_negative": {
        "en": "Threshold {field} of tier '{tier}' must not be negative, got {value}.",
        "zh": "层级“{tier}”的门槛 {field} 不能为负数，实际为 {value}。",
    },
    "tiers.error.unknown_tier": {
        "en": "{field} names tier {key}, which is not one of the tiers.",
        "zh": "{field} 中的层级 {key} 不在层级列表中。",
    },
    "tiers.error.label_lang": {
        "en": "Tier labels can be given in 'en' and 'zh' only, got {lang}.",
        "zh": "层级名称只能使用“en”和“zh”两种语言，实际为 {lang}。",
    },
    "tiers.error.label_text": {
        "en": "The {lang} label of tier '{tier}' must be one line of at most 40 characters.",
        "zh": "层级“{tier}”的 {lang} 名称必须为单行且不超过 40 个字符。",
    },
    "tiers.error.bad_min_days": {
        "en": "annualize_min_days must be a whole number of days from 1 to 365, got {value}.",
        "zh": "annualize_min_days 必须是 1 到 365 之间的整数天数，实际为 {value}。",
    },
    "tiers.error.frequency_classes": {
        "en": "Frequency classes need high ≥ medium ≥ 0 shipments a year, got high {high} and "
              "medium {medium}.",
        "zh": "频次分类要求高频门槛 ≥ 中频门槛 ≥ 0（次/年），实际为高频 {high}、中频 {medium}。",
    },
    "tiers.error.rule_missing": {
        "en": "RFM rule {row} lacks '{field}'.",
        "zh": "第 {row} 条 RFM 规则缺少“{field}”。",
    },
    "tiers.error.rule_segment": {
        "en": "RFM rule {row} needs a segment name of at most 40 characters.",
        "zh": "第 {row} 条 RFM 规则需要不超过 40 个字符的细分名称。",
    },
    "tiers.error.rule_range": {
        "en": "RFM rule {row} ({segment}): the {axis} range must be whole scores with "
              "1 ≤ min ≤ max ≤ 5.",
        "zh": "第 {row} 条 RFM 规则（{segment}）：{axis} 范围必须为整数分值，且 1 ≤ 最小值 ≤ "
              "最大值 ≤ 5。",
    },
    "tiers.error.rules_cells": {
        "en": "Every R×F cell must belong to exactly one segment; cells (r, f) without a "
              "segment: {gaps}; cells with several: {overlaps}.",
        "zh": "每个 R×F 单元格必须恰好属于一个细分；没有细分的单元格 (r, f)：{gaps}；"
              "属于多个细分的单元格：{overlaps}。",
    },
    "tiers.error.playbook_count": {
        "en": "Tier '{tier}' can have at most {max} recommended actions.",
        "zh": "层级“{tier}”最多可设置 {max} 条建议措施。",
    },
    "tiers.error.playbook_action": {
        "en": "Each action of tier '{tier}' must be one line of at most {max} characters.",
        "zh": "层级“{tier}”的每条措施必须为单行且不超过 {max} 个字符。",
    },
    # default playbook
    "playbook.vip.1": {
        "en": "Assign a dedicated account manager and review the account every quarter",
        "zh": "配备专属客户经理，每季度回访并复盘业务",
    },
    "playbook.vip.2": {
        "en": "Offer door-to-door pickup with priority handling",
        "zh": "提供优先上门揽收与优先处理",
    },
    "playbook.vip.3": {
        "en": "Agree tailored contract prices and monthly settlement",
        "zh": "签订定制协议价，支持月结",
    },
    "playbook.vip.4": {
        "en": "Resolve complaints within 24 hours through a named contact",
        "zh": "投诉 24 小时内由专人闭环处理",
    },
    "playbook.premium.1": {
        "en": "Visit or call every month; review volumes and service issues",
        "zh": "每月走访或电话回访，梳理业务量和服务问题",
    },
    "playbook.premium.2": {
        "en": "Offer volume-tiered discounts to consolidate their shipments with us",
        "zh": "提供阶梯量价折扣，争取集中发件",
    },
    "playbook.premium.3": {
        "en": "Introduce the express and international services that fit their flows",
        "zh": "推荐适合其业务的特快及国际业务",
    },
    "playbook.high.1": {
        "en": "Call every quarter and check satisfaction",
        "zh": "每季度电话回访，了解满意度",
    },
    "playbook.high.2": {
        "en": "Offer a volume discount for regular shipments",
        "zh": "针对稳定寄件提供量价优惠",
    },
    "playbook.high.3": {
        "en": "Cross-sell pickup, packaging and insurance services",
        "zh": "交叉推荐上门揽收、包装和保价服务",
    },
    "playbook.medium.1": {
        "en": "Send targeted coupons to raise sending frequency",
        "zh": "定向发放优惠券，提升寄件频次",
    },
    "playbook.medium.2": {
        "en": "Invite them to order through the app or mini program",
        "zh": "引导使用 App 或小程序自助下单",
    },
    "playbook.medium.3": {
        "en": "Run a short satisfaction survey after shipments",
        "zh": "寄件后开展简短满意度调查",
    },
    "playbook.low.1": {
        "en": "Serve through low-cost digital channels (SMS, mini program)",
        "zh": "通过短信、小程序等低成本渠道服务",
    },
    "playbook.low.2": {
        "en": "Send a win-back offer after 90 days without a shipment",
        "zh": "对 90 天未寄件的客户推送召回优惠",
    },
    "playbook.low.3": {
        "en": "Keep standard counter service without dedicated follow-up",
        "zh": "保持标准柜台服务，不安排专人跟进",
    },
})
