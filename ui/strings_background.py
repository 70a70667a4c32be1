"""UI strings of the background preparation of a dataset's default figures (en / zh)."""

from segmentation import i18n

i18n.register({
    "bg.title": {"en": "Preparing the default figures", "zh": "正在准备默认指标"},
    "bg.progress": {"en": "Step {i} of {n}: {what}", "zh": "第 {i} 步，共 {n} 步：{what}"},
    "bg.step.queued": {"en": "starting…", "zh": "即将开始…"},
    "bg.step.view": {"en": "customer view at {as_of}", "zh": "{as_of} 的客户视图"},
    "bg.step.cubes": {"en": "overview figures", "zh": "总览指标"},
    "bg.step.churn": {"en": "churn scores, backtest and customer value",
                      "zh": "流失评分、回测与客户价值"},
    "bg.step.lifecycle": {"en": "lifecycle stages", "zh": "生命周期阶段"},
    "bg.step.done": {"en": "done", "zh": "已完成"},
    "bg.failed": {
        "en": "Preparing the default figures failed at step {i} ({what}); the details are "
              "in the server log. Pages compute what they show instead; reload the data to "
              "try again.",
        "zh": "准备默认指标在第 {i} 步（{what}）失败，详细信息见服务器日志。各页面将在打开时自行计算；"
              "重新加载数据可再次尝试。",
    },
    "bg.at_risk.preparing": {"en": "being prepared…", "zh": "正在准备…"},
    "bg.at_risk.preparing.help": {
        "en": "The churn scores of this dataset are computed in the background (see the "
              "sidebar); the count appears here when they are ready.",
        "zh": "本数据的流失评分正在后台计算（见侧边栏），完成后将在此显示人数。",
    },
    "bg.scoring": {"en": "Scoring churn at {as_of}, {h}-day horizon…",
                   "zh": "正在计算 {as_of} 的流失评分（{h} 天预测期）…"},
    "bg.waiting": {"en": "Waiting for the churn scores being prepared ({what})…",
                   "zh": "正在等待后台准备的流失评分（{what}）…"},
})
