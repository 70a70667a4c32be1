"""segmentation.formatting: one CLDR (Babel) formatting layer, English and Chinese."""

from __future__ import annotations

import datetime
import doctest
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segmentation import formatting as fmt

ROOT = Path(__file__).resolve().parents[2]


def test_doctests():
    result = doctest.testmod(fmt)
    assert result.attempted > 10 and result.failed == 0


@pytest.mark.parametrize(("value", "lang", "digits", "expected"), [
    (12457, "en", 0, "12,457"),
    (7870, "zh", 0, "7,870"),
    (23432371, "zh", 0, "23,432,371"),
    (1121532.126, "en", 2, "1,121,532.13"),
    (887743.5, "en", 2, "887,743.50"),
    (-0.004, "en", 2, "0.00"),
    (1234.5, "zh", 1, "1,234.5"),
], ids=["en-grouping", "zh-grouping", "zh-large", "two-decimals", "padded", "no-minus-zero",
        "zh-one-decimal"])
def test_number_groups_always(value, lang, digits, expected):
    assert fmt.number(value, lang, digits) == expected


@pytest.mark.parametrize(("value", "lang", "kind", "expected"), [
    (62_123, "en", "money", "¥62.1K"),
    (306_123, "en", "money", "¥306K"),
    (2_523_456, "en", "money", "¥2.52M"),
    (1_500_000_000, "en", "number", "1.5B"),
    (999, "en", "number", "999"),
    (999_999, "en", "number", "1M"),
    (9_940, "zh", "number", "9,940"),
    (9_999, "zh", "number", "1万"),
    (62_123, "zh", "money", "¥6.21万"),
    (2_500_000, "zh", "number", "250万"),
    (252_345_678, "zh", "money", "¥2.52亿"),
    (-306_123, "zh", "money", "-¥30.6万"),
], ids=lambda v: str(v))
def test_compact_three_significant_digits(value, lang, kind, expected):
    assert fmt.compact(value, lang, money=kind == "money") == expected


def test_compact_styles_never_cross_languages():
    values = [1.2e3, 6.2e4, 3.06e5, 2.5e6, 4.4e7, 2.5e8, 1.5e9]
    en = "".join(fmt.compact(v, "en", money=True) for v in values)
    zh = "".join(fmt.compact(v, "zh", money=True) for v in values)
    assert not set("万亿") & set(en) and not set("KMB") & set(zh)
    assert "CN" not in en + zh  # the narrow yuan sign in both languages


@pytest.mark.parametrize(("value", "digits", "signed", "expected"), [
    (0.099, 1, False, "9.9%"),
    (0.3089, 1, False, "30.9%"),
    (0.3089, 2, False, "30.89%"),
    (0.149, 1, True, "+14.9%"),
    (-0.02, 1, True, "-2.0%"),
    (0.0, 1, True, "0.0%"),
    (-0.00001, 1, False, "0.0%"),
    (1.5, 0, False, "150%"),
], ids=["one-digit", "rounded", "two-digits", "signed", "negative", "zero-unsigned",
        "no-minus-zero", "above-one"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_percent(value, digits, signed, expected, lang):
    assert fmt.percent(value, lang, digits, signed=signed) == expected


def test_money_and_decimal():
    assert fmt.money(1234567.5, "en") == "¥1,234,568"
    assert fmt.money(1234567.5, "zh", 2) == "¥1,234,567.50"
    assert fmt.money(-12.5, "en", 2) == "-¥12.50"
    assert fmt.decimal(4.2666, "zh") == "4.27"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT, np.float64("nan")],
                         ids=["None", "nan", "np.nan", "pd.NA", "NaT", "float64-nan"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_missing_values_are_a_dash(missing, lang):
    funcs = [fmt.number, fmt.decimal, fmt.money, fmt.compact, fmt.percent, fmt.day, fmt.month]
    assert {f(missing, lang) for f in funcs} == {"–"}


def test_dates_and_months():
    d = datetime.date(2024, 6, 30)
    assert fmt.day(d, "en") == "2024-06-30"
    assert fmt.day(pd.Timestamp("2024-06-30 13:00"), "zh") == "2024年6月30日"
    assert fmt.day(np.datetime64("2024-06-30"), "zh") == "2024年6月30日"
    months_en = [fmt.month(datetime.date(2023, m, 1), "en") for m in (1, 7, 12)]
    months_zh = [fmt.month(pd.Timestamp(2023, m, 1), "zh") for m in (1, 7, 12)]
    assert months_en == ["Jan 2023", "Jul 2023", "Dec 2023"]
    assert months_zh == ["2023年1月", "2023年7月", "2023年12月"]


@pytest.mark.parametrize(("lo", "hi", "lang", "kind", "texts"), [
    (0.7, 4.5, "en", "number", ["1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5"]),
    (0, 2_400_000, "en", "money", ["¥0", "¥500K", "¥1M", "¥1.5M", "¥2M"]),
    (0, 2_400_000, "zh", "money", ["¥0", "¥50万", "¥100万", "¥150万", "¥200万"]),
    (0, 12_457, "zh", "number", ["0", "2,000", "4,000", "6,000", "8,000", "10,000", "12,000"]),
    (1_000_000, 1_010_000, "en", "number",
     ["1,000,000", "1,002,000", "1,004,000", "1,006,000", "1,008,000", "1,010,000"]),
    (-0.2, 0.35, "zh", "percent", ["-20%", "-10%", "0%", "10%", "20%", "30%"]),
    (0, 0.004, "en", "percent", ["0.0%", "0.1%", "0.2%", "0.3%", "0.4%"]),
], ids=["decimals", "en-money", "zh-money", "zh-below-10万", "narrow-range", "percent",
        "small-percent"])
def test_axis_ticks(lo, hi, lang, kind, texts):
    values, ticktext = fmt.axis_ticks(lo, hi, lang, kind=kind, n=5 if kind != "number" else 6)
    assert ticktext == texts
    assert len(values) == len(texts) and values == sorted(values)
    assert lo - 1e-9 <= values[0] and values[-1] <= hi + 1e-9


def test_axis_ticks_of_an_empty_or_flat_range():
    assert fmt.axis_ticks(float("nan"), 3, "en") == ([], [])
    assert fmt.axis_ticks(5, 5, "zh", kind="money") == ([5.0], ["¥5"])


def test_excel_formats_read_back_with_openpyxl(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for col, (kind, value) in enumerate([("int", 12457), ("decimal", 4.2666),
                                         ("money", 1121532.125), ("percent", 0.5222222),
                                         ("date", datetime.date(2024, 6, 30))], start=1):
        cell = ws.cell(row=1, column=col, value=value)
        cell.number_format = fmt.excel_format(kind)
    wb.save(tmp_path / "f.xlsx")
    cells = openpyxl.load_workbook(tmp_path / "f.xlsx").active[1]
    assert [c.number_format for c in cells] == [
        "#,##0", "#,##0.00", '"¥"#,##0.00;-"¥"#,##0.00', "0.0%", "yyyy-mm-dd"]
    with pytest.raises(ValueError, match="unknown number kind"):
        fmt.excel_format("General")


def test_babel_is_imported_on_first_use_only():
    code = ("import sys, segmentation.formatting as f\n"
            "print('babel' in sys.modules)\n"
            "f.number(1, 'en')\n"
            "print('babel' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.stdout.split() == ["False", "True"], proc.stderr
