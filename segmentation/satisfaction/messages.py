"""The library's satisfaction messages (scale names, dimension, category, severity and
quadrant labels, errors) in English and Simplified Chinese.
"""

from __future__ import annotations

from .. import i18n

i18n.register({
    "sat.scale.csat": {"en": "CSAT (share of {good}–{high})",
                       "zh": "CSAT（{good}–{high} 分占比）"},
    "sat.scale.nps": {"en": "NPS ({low}–{high})", "zh": "NPS（{low}–{high} 分）"},
    "sat.quadrant.fix": {"en": "Fix first", "zh": "优先改进"},
    "sat.quadrant.keep": {"en": "Keep it up", "zh": "继续保持"},
    "sat.quadrant.overkill": {"en": "Possible overkill", "zh": "可能过度投入"},
    "sat.quadrant.low_priority": {"en": "Low priority", "zh": "次要关注"},
    "sat.dimension.speed": {"en": "Speed", "zh": "时效"},
    "sat.dimension.attitude": {"en": "Attitude", "zh": "服务态度"},
    "sat.dimension.accuracy": {"en": "Accuracy", "zh": "准确性"},
    "sat.dimension.price": {"en": "Price", "zh": "价格"},
    "sat.dimension.convenience": {"en": "Convenience", "zh": "便利性"},
    "sat.dimension.score": {"en": "Overall", "zh": "总体评价"},
    "sat.category.delay": {"en": "Delay", "zh": "延误"},
    "sat.category.damage": {"en": "Damage", "zh": "破损"},
    "sat.category.loss": {"en": "Loss", "zh": "丢失"},
    "sat.category.attitude": {"en": "Attitude", "zh": "服务态度"},
    "sat.category.billing": {"en": "Billing", "zh": "计费"},
    "sat.severity.low": {"en": "Low", "zh": "轻微"},
    "sat.severity.medium": {"en": "Medium", "zh": "一般"},
    "sat.severity.high": {"en": "High", "zh": "严重"},
    "sat.error.no_scores": {"en": "The surveys table has no scores to read a scale from.",
                            "zh": "满意度调查表中没有评分，无法判断评分量表。"},
    "sat.error.scale_unknown": {
        "en": "Scores run from {low} to {high}, which fits none of the scales 1–5, 1–7, "
              "0–10 or 0–100. Choose the scale by hand or rescale the scores.",
        "zh": "评分范围为 {low} 至 {high}，不属于 1–5、1–7、0–10 或 0–100 中的任何量表。"
              "请手动选择量表或换算评分。",
    },
    "sat.mismatch.outside": {
        "en": "The scale {scale} does not fit these scores: {n} of {total} lie outside "
              "{range} (the scores run from {low} to {high}). The figures below would be "
              "wrong; choose the scale the survey used, or “automatic”.",
        "zh": "所选量表 {scale} 与评分不符：{total} 条评分中有 {n} 条超出 {range}（评分范围为 "
              "{low} 至 {high}）。下方数字将不正确；请选择调查实际使用的量表，或选择“自动”。"},
    "sat.mismatch.unreachable": {
        "en": "The scale {scale} does not fit these scores: they run from {low} to {high}, "
              "so none can reach {good} and every figure below would read as zero. They fit "
              "{fits}; choose the scale the survey used, or “automatic”.",
        "zh": "所选量表 {scale} 与评分不符：评分范围为 {low} 至 {high}，没有一条能达到 {good} 分，"
              "下方所有数字都会显示为零。这些评分符合 {fits}；请选择调查实际使用的量表，"
              "或选择“自动”。"},
    "sat.error.unknown_scale_key": {"en": "Unknown scale '{key}'; choose one of {keys}.",
                                    "zh": "未知量表“{key}”，可选：{keys}。"},
})
