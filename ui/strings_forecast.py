"""Strings of the forecast page."""

from segmentation import i18n

i18n.register({
    "nav.forecast": {"en": "Volume forecast", "zh": "业务量预测"},
    "fp.title": {"en": "Shipment-volume forecast", "zh": "业务量预测"},
    "fp.caption": {
        "en": "Weekly shipments and revenue for the {h} weeks after the week of {last} "
              "(the last complete week up to {as_of}), with 80% and 95% intervals. Spring "
              "Festival, 618 and Double 11 are known events. Branch forecasts add up to "
              "their region and the network.",
        "zh": "{as_of} 之前最后一个完整周（{last} 当周）之后 {h} 周的每周业务量和收入，含 80% 和 95% "
              "区间。春节、618 和双11 作为已知事件纳入模型。各网点的预测相加等于所属区域和全网的预测。",
    },
    "fp.scope": {
        "en": "You see the forecast of {scope}: the network's reconciled forecast, cut to your "
              "scope, so your numbers agree with headquarters'.",
        "zh": "您看到的是{scope}的预测：取自全网统一调和后的预测，因此与总部的数字一致。",
    },
    "fp.filters": {
        "en": "The forecast is of each branch's whole volume: the customer type and "
              "urban / rural filters do not apply to it (the branch and region filters pick "
              "the series shown).",
        "zh": "预测针对各网点的全部业务量：客户类型和城乡筛选不适用（网点和区域筛选决定默认显示的序列）。",
    },
    "fp.metric": {"en": "Volume", "zh": "指标"},
    "fp.series": {"en": "Show", "zh": "查看"},
    "fp.series.network": {"en": "Whole network", "zh": "全网"},
    "fp.series.region": {"en": "Region {name}", "zh": "区域 {name}"},
    "fp.series.branch": {"en": "Branch {name}", "zh": "网点 {name}"},
    "fp.m.next": {"en": "Next {h} weeks", "zh": "未来 {h} 周合计"},
    "fp.m.next.help": {
        "en": "The sum of the weekly point forecasts; the same weeks a year earlier: {prior}.",
        "zh": "每周点预测之和；去年同期：{prior}。"},
    "fp.m.peak": {"en": "Busiest week ahead", "zh": "未来最忙的一周"},
    "fp.m.peak.help": {"en": "Week of {week}.", "zh": "{week} 当周。"},
    "fp.m.mase": {"en": "Backtest error (MASE)", "zh": "回测误差（MASE）"},
    "fp.m.mase.help": {
        "en": "Mean absolute error over the last year's backtest, scaled by the error of "
              "\"same week last year\" in the training data. Below 1 beats that rule of "
              "thumb; seasonal naive itself scored {snaive} on the same weeks.",
        "zh": "过去一年回测的平均绝对误差，以训练数据中“去年同周”法的误差为尺度。小于 1 即优于该经验法；"
              "同样的周次上季节性朴素法的得分为 {snaive}。"},
    "fp.m.coverage": {"en": "80% interval held", "zh": "80% 区间命中率"},
    "fp.m.coverage.help": {
        "en": "Share of the backtest weeks whose actual volume fell inside the 80% interval "
              "(95% interval: {c95}).",
        "zh": "回测各周实际值落在 80% 区间内的比例（95% 区间：{c95}）。"},
    "fp.chart.title": {"en": "{metric}: history and forecast · {series}",
                       "zh": "{metric}：历史与预测 · {series}"},
    "fp.chart.actual": {"en": "actual", "zh": "实际"},
    "fp.chart.forecast": {"en": "forecast", "zh": "预测"},
    "fp.chart.band80": {"en": "80% interval", "zh": "80% 区间"},
    "fp.chart.band95": {"en": "95% interval", "zh": "95% 区间"},
    "fp.chart.hover": {"en": "Week of {week}", "zh": "{week} 当周"},
    "fp.capacity": {"en": "Capacity notes: peak weeks ahead", "zh": "运力提示：未来高峰周"},
    "fp.capacity.help": {
        "en": "Weeks whose forecast is at least {ratio}x the usual week (the median week of "
              "the last year) of {series}: plan staff and transport for them.",
        "zh": "{series}预测值达到平常（过去一年的中位周）{ratio} 倍及以上的周次：请提前安排人员和运力。"},
    "fp.backtest": {"en": "How good is the forecast? Backtest on the last year",
                    "zh": "预测有多准？过去一年的回测"},
    "fp.backtest.help": {
        "en": "Four forecasts made 52, 39, 26 and 13 weeks ago, each for the {h} weeks that "
              "followed, compared with what happened. MASE below 1 beats \"same week last "
              "year\" (seasonal naive); the coverage columns show how often the 80% and 95% "
              "intervals held (ideally 80% and 95%).",
        "zh": "分别在 52、39、26 和 13 周前各做一次预测，每次预测其后 {h} 周，并与实际比较。"
              "MASE 小于 1 即优于“去年同周”（季节性朴素法）；命中率列显示 80% 和 95% 区间实际覆盖的比例"
              "（理想值为 80% 和 95%）。"},
    "fp.col.level": {"en": "Level", "zh": "层级"},
    "fp.col.series": {"en": "Series", "zh": "序列数"},
    "fp.col.mase": {"en": "MASE (shipped)", "zh": "MASE（采用的方法）"},
    "fp.col.mase_snaive": {"en": "MASE seasonal naive", "zh": "MASE 季节性朴素法"},
    "fp.col.mase_model": {"en": "MASE model", "zh": "MASE 模型"},
    "fp.col.model_share": {"en": "Branches on the model", "zh": "采用模型的网点占比"},
    "fp.col.coverage_80": {"en": "80% interval held", "zh": "80% 区间命中率"},
    "fp.col.coverage_95": {"en": "95% interval held", "zh": "95% 区间命中率"},
    "fp.col.points": {"en": "Weeks checked", "zh": "检验周数"},
    "fp.col.region": {"en": "Region", "zh": "区域"},
    "fp.col.branch": {"en": "Branch", "zh": "网点"},
    "fp.col.week": {"en": "Week of", "zh": "周（起始日）"},
    "fp.col.point": {"en": "Forecast", "zh": "预测值"},
    "fp.col.lower_80": {"en": "80% low", "zh": "80% 下限"},
    "fp.col.upper_80": {"en": "80% high", "zh": "80% 上限"},
    "fp.col.lower_95": {"en": "95% low", "zh": "95% 下限"},
    "fp.col.upper_95": {"en": "95% high", "zh": "95% 上限"},
    "fp.col.method": {"en": "Method", "zh": "方法"},
    "fp.col.reason": {"en": "Why", "zh": "原因"},
    "fp.table": {"en": "Forecast per branch and week", "zh": "各网点每周预测"},
    "fp.table.methods": {"en": "Method per branch", "zh": "各网点采用的方法"},
    "fp.download.csv": {"en": "Download the forecast (CSV)", "zh": "下载预测（CSV）"},
    "fp.download.xlsx": {"en": "Download the forecast (Excel)", "zh": "下载预测（Excel）"},
    "fp.empty": {"en": "No branch of your scope has shipments to forecast.",
                 "zh": "您权限范围内没有可预测的网点业务数据。"},
})
