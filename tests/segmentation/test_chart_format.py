"""Charts read like the page around them: ticks, months and hover texts from
segmentation.formatting, in the page's language."""

from __future__ import annotations

import pandas as pd
import pytest

from segmentation import charts
from segmentation.chart_format import month_starts
from segmentation.satisfaction import charts as sat_charts


def _trend() -> pd.DataFrame:
    months = pd.date_range("2023-07-01", "2025-06-01", freq="MS")
    return pd.DataFrame({"month": months, "shipments": [5005 + 400 * i for i in range(24)],
                         "revenue": [746_983.0 + 60_000 * i for i in range(24)],
                         "partial": [False] * 23 + [True]})


@pytest.mark.parametrize(("lang", "months", "money", "top"), [
    ("en", ["Jul 2023", "Oct 2023"], ["¥0", "¥500K", "¥1M", "¥1.5M", "¥2M", "¥2.5M"], "16K"),
    ("zh", ["2023年7月", "2023年10月"], ["¥0", "¥50万", "¥100万", "¥150万", "¥200万",
                                     "¥250万"], "16,000"),
], ids=["en", "zh"])
def test_monthly_activity_axes_and_hover_in_the_language(lang, months, money, top):
    fig = charts.monthly_activity(_trend(), title="t", month_label="m", shipments_label="s",
                                  revenue_label="r", lang=lang)
    assert list(fig.layout.xaxis.ticktext[:2]) == months
    assert list(fig.layout.yaxis2.ticktext) == money
    assert fig.layout.yaxis.ticktext[-1] == top  # 10,000 and more: 万 only from 10万
    bar, line = fig.data
    assert list(bar.customdata[0]) == [months[0], "5,005"]
    assert "%{y" not in bar.hovertemplate and "%{x" not in line.hovertemplate


def test_customer_timeline_score_ticks_are_whole_scores():
    """Not the "0.7, 1.546, 2.392 …" of an axis plotly ticked between 0.7 and 5.3."""
    monthly = pd.DataFrame({"month": pd.date_range("2024-01-01", periods=6, freq="MS"),
                            "amount": [1200.0, 0.0, 560.5, 2300.0, 80.0, 990.0]})
    surveys = pd.DataFrame({"date": pd.to_datetime(["2024-02-03", "2024-05-20"]),
                            "score": [4, 2]})
    fig = charts.customer_timeline(monthly, surveys, None, title="t", spend_label="s",
                                   score_label="c", complaint_label="x", lang="zh")
    assert list(fig.layout.yaxis2.ticktext) == ["1", "2", "3", "4", "5"]
    assert list(fig.layout.yaxis.ticktext) == ["¥0", "¥500", "¥1,000", "¥1,500", "¥2,000",
                                               "¥2,500"]
    assert list(fig.data[1].customdata[0]) == ["2024年2月3日", "4.0"]


def test_group_intervals_keep_the_table_order_top_down():
    """The tier chart lists the tiers as the table beside it does, best first."""
    frame = pd.DataFrame({"label": ["VIP", "High", "Medium", "Low"],
                          "index": [0.80, 0.92, 0.70, 0.85], "index_lo": [0.7, 0.85, 0.6, 0.8],
                          "index_hi": [0.9, 0.97, 0.8, 0.9], "responses": [40, 900, 12000, 7],
                          "alert": [False, False, True, False]})
    fig = sat_charts.group_intervals(frame, group="label", kind="csat", title="t",
                                     value_label="v", now_label="n", baseline_label="b",
                                     alert_label="a", lang="en")
    assert list(fig.layout.yaxis.categoryarray) == ["VIP", "High", "Medium", "Low"]
    assert fig.layout.yaxis.autorange == "reversed"
    hover = {row[0] for trace in fig.data for row in trace.customdata}
    assert hover == {"80.0%", "92.0%", "70.0%", "85.0%"}


def test_month_ticks_are_thinned_on_quarter_or_half_year_starts():
    days = pd.date_range("2023-02-01", "2025-06-30", freq="D")
    assert [t.strftime("%Y-%m") for t in month_starts(days, max_ticks=8)] == [
        "2023-07", "2024-01", "2024-07", "2025-01"]
    assert [t.strftime("%Y-%m") for t in month_starts(days[-200:], max_ticks=8)] == [
        "2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
