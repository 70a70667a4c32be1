"""Messages of the customer view's problems (English and Chinese)."""

from __future__ import annotations

from .. import i18n

i18n.register({
    "problem.view_missing_table": {
        "en": "The {table} table ({name}) was not found in the database.",
        "zh": "数据库中找不到{table}表（{name}）。",
    },
    "problem.view_missing_column": {
        "en": "The {table} table ({name}) has no column '{column}'.",
        "zh": "{table}表（{name}）缺少列“{column}”。",
    },
    "problem.view_no_dates": {
        "en": "The {table} table ({name}) has no dated rows, so there is no analysis date.",
        "zh": "{table}表（{name}）没有带日期的记录，无法确定分析日期。",
    },
})
