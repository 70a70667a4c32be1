"""The Report page's texts (``rp.*``), in English and Simplified Chinese."""

from __future__ import annotations

from segmentation import i18n

i18n.register({
    "nav.report": {"en": "Report", "zh": "报告"},
    "rp.title": {"en": "Report for headquarters", "zh": "总部汇报材料"},
    "rp.caption": {
        "en": "An editable deck (PowerPoint, native charts), a one-file HTML report and a "
              "workbook, for the current scope, filters and tier settings at {as_of}.",
        "zh": "按当前范围、筛选条件与分层设置（分析日期 {as_of}）生成可编辑的演示文稿"
              "（PowerPoint 原生图表）、单文件 HTML 报告和 Excel 工作簿。"},
    "rp.build": {"en": "Build the report", "zh": "生成报告"},
    "rp.rebuild": {"en": "Build again", "zh": "重新生成"},
    "rp.building": {"en": "Building the report …", "zh": "正在生成报告……"},
    "rp.ready": {"en": "Ready: {sections} sections, built for {context}.",
                 "zh": "已生成：{sections} 个部分，{context}。"},
    "rp.stale": {
        "en": "The scope, filters, settings or language changed since the files were built: "
              "build them again.",
        "zh": "生成后范围、筛选、设置或语言已改变，请重新生成。"},
    "rp.download.pptx": {"en": "Deck (.pptx)", "zh": "演示文稿（.pptx）"},
    "rp.download.html": {"en": "HTML report (.html)", "zh": "HTML 报告（.html）"},
    "rp.download.xlsx": {"en": "Workbook (.xlsx)", "zh": "Excel 工作簿（.xlsx）"},
    "rp.sections": {"en": "What the report holds", "zh": "报告内容"},
    "rp.cli": {
        "en": "The same report every week from a scheduler: `python -m segmentation report "
              "--format pptx --out weekly.pptx --as-user NAME` (see the README).",
        "zh": "每周定时生成同样的报告：`python -m segmentation report --format pptx "
              "--out weekly.pptx --as-user 用户名`（见 README）。"},
})
