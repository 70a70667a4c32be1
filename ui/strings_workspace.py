"""UI strings about the shared workspace (en / zh)."""

from segmentation import i18n

i18n.register({
    "side.replaced": {
        "en": "The data were replaced by another user at {time}; you now see {label} "
              "({customers} customers).",
        "zh": "数据已于 {time} 被其他用户替换；您现在看到的是：{label}（{customers} 位客户）。",
    },
})
