"""The forecast library's texts (levels, metrics, methods, reasons, events, notes)."""

from __future__ import annotations

from .. import i18n

i18n.register({
    "fc.level.branch": {"en": "branch", "zh": "网点"},
    "fc.level.region": {"en": "region", "zh": "区域"},
    "fc.level.network": {"en": "network", "zh": "全网"},
    "fc.network": {"en": "Whole network", "zh": "全网"},
    "fc.metric.shipments": {"en": "Shipments", "zh": "业务量（件）"},
    "fc.metric.revenue": {"en": "Revenue", "zh": "收入"},
    "fc.method.model": {"en": "harmonic regression with holidays",
                        "zh": "含节假日的谐波回归"},
    "fc.method.snaive": {"en": "seasonal naive (same week last year)",
                         "zh": "季节性朴素法（去年同周）"},
    "fc.method.recent": {"en": "recent average (last 8 weeks)", "zh": "近期平均（最近 8 周）"},
    "fc.method.bottom_up": {"en": "sum of its branches", "zh": "下属网点之和"},
    "fc.reason.beats": {
        "en": "the model beat seasonal naive in the backtest",
        "zh": "回测中模型优于季节性朴素法"},
    "fc.reason.no_better": {
        "en": "the model did not beat seasonal naive in the backtest, so seasonal naive is used",
        "zh": "回测中模型未优于季节性朴素法，因此采用季节性朴素法"},
    "fc.reason.untested": {
        "en": "too little history for a backtest, so seasonal naive is used",
        "zh": "历史数据不足以回测，因此采用季节性朴素法"},
    "fc.reason.short": {
        "en": "less than a year of history, so the recent average is used",
        "zh": "历史数据不足一年，因此采用近期平均"},
    "fc.event.sf_rush": {"en": "Spring Festival rush", "zh": "春节前寄件高峰"},
    "fc.event.sf_eve": {"en": "days before Spring Festival", "zh": "春节前夕"},
    "fc.event.sf_holiday": {"en": "Spring Festival holiday", "zh": "春节假期"},
    "fc.event.sf_after": {"en": "after Spring Festival", "zh": "春节后恢复期"},
    "fc.event.d618": {"en": "618 shopping festival", "zh": "618 购物节"},
    "fc.event.d11": {"en": "Double 11", "zh": "双11"},
    "fc.event.d11_after": {"en": "after Double 11", "zh": "双11 之后"},
    "fc.capacity.note": {
        "en": "Week of {week}: {ratio}x the usual volume ({point} expected, {usual} in a "
              "usual week){event}.",
        "zh": "{week} 当周：约为平常的 {ratio} 倍（预计 {point}，平常每周 {usual}）{event}。"},
    "fc.capacity.event": {"en": ", {event}", "zh": "，{event}"},
    "fc.capacity.none": {
        "en": "No week of the next {h} reaches {ratio}x the usual volume ({usual} a week).",
        "zh": "未来 {h} 周内没有一周达到平常的 {ratio} 倍（平常每周 {usual}）。"},
    "fc.fallback.some": {
        "en": "{n} of {total} branches are forecast by seasonal naive (the same week last "
              "year): the model did not beat it for them in the backtest: {names}.",
        "zh": "{total} 个网点中有 {n} 个采用季节性朴素法（去年同周）预测："
              "回测中模型对它们并未优于该方法：{names}。"},
    "fc.fallback.none": {
        "en": "The model beat seasonal naive in the backtest for every branch shown.",
        "zh": "回测中模型对所显示的每个网点都优于季节性朴素法。"},
    "fc.fallback.short": {
        "en": "{n} branches have too little history for the model and use {method}.",
        "zh": "{n} 个网点历史数据不足，采用{method}。"},
    "fc.unassigned": {
        "en": "{n} shipments name no branch; they are left out of the forecast.",
        "zh": "有 {n} 件业务未注明网点，未计入预测。"},
    "fc.unavailable.history": {
        "en": "Only {weeks} complete weeks (Monday to Sunday) of shipments up to the analysis "
              "date; a forecast needs at least {min}. Load a longer history or choose a later "
              "analysis date.",
        "zh": "截至分析日期只有 {weeks} 个完整周（周一至周日）的业务数据，预测至少需要 {min} 周。"
              "请加载更长的历史数据或选择更晚的分析日期。"},
    "fc.unavailable.columns": {
        "en": "The activity data lack the columns {columns}; reload the transactions.",
        "zh": "业务数据缺少列 {columns}，请重新加载交易数据。"},
    "fc.unavailable.calendar": {
        "en": "The data reach the years {first}-{last}, for which no Spring Festival date is "
              "known (the table covers 2000-2060). Check the transaction dates.",
        "zh": "数据涉及 {first}-{last} 年，这些年份没有已知的春节日期（日期表覆盖 2000-2060 年）。"
              "请检查交易日期。"},
})
