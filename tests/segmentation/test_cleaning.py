"""Column mapping, date / amount parsing and the validation report."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segmentation import cleaning, i18n, sources
from segmentation.cleaning import parse_amounts, parse_dates, prepare_table
from segmentation.schema import DataError

STR = pd.StringDtype(na_value=np.nan)
NAT = pd.NaT


def _text(values: list) -> pd.Series:
    return pd.Series(values, dtype=STR)


def _raw(data: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame({k: _text(v) for k, v in data.items()})


def _ts(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), format="ISO8601"), dtype="datetime64[ns]")


def _codes(problems) -> list[str]:
    return [p.code for p in problems]


# --------------------------------------------------------------------------- dates

DATE_FORMS = [
    ("2024-03-01", "2024-03-01"),
    ("2024/3/1", "2024-03-01"),
    ("2024/03/01", "2024-03-01"),
    ("2024.3.1", "2024-03-01"),
    ("20240301", "2024-03-01"),
    ("2024年3月1日", "2024-03-01"),
    ("2024年03月01日 14:05", "2024-03-01 14:05"),
    ("２０２４年３月１日", "2024-03-01"),
    ("2024-03-01 14:05", "2024-03-01 14:05"),
    ("2024-03-01T14:05:33", "2024-03-01 14:05:33"),
    ("2024/3/1 14:05:33", "2024-03-01 14:05:33"),
    ("2024-03-01 14:05:33.250", "2024-03-01 14:05:33.250"),
    ("2024-03-01T14:05:33+08:00", "2024-03-01 14:05:33"),
    ("2024-03-01T14:05:33Z", "2024-03-01 14:05:33"),
    ("45352", "2024-03-01"),
    ("45352.5", "2024-03-01 12:00"),
    (" 2024-03-01 ", "2024-03-01"),
]


@pytest.mark.parametrize(("text", "expected"), DATE_FORMS, ids=[f[0] for f in DATE_FORMS])
def test_parse_dates_forms(text, expected):
    dates, failed = parse_dates(_text([text]))
    pd.testing.assert_series_equal(dates, _ts(expected))
    assert not failed.iloc[0]


def test_parse_dates_mixed_column_with_failures_and_blanks():
    values = _text(["2024-03-01", "2024年3月2日", None, "", "2024-13-45", "soon", "2024",
                    "45352", "1899-12-31", "9999-12-31", "2024-03-01T08:00:00+08:00"])
    dates, failed = parse_dates(values)
    pd.testing.assert_series_equal(dates, _ts(
        "2024-03-01", "2024-03-02", None, None, None, None, None, "2024-03-01", None, None,
        "2024-03-01 08:00"))
    assert failed.tolist() == [False, False, False, False, True, True, True, False, True, True,
                               False]


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["12/1/2010 8:26", "1/2/2011"], ["2010-12-01 08:26", "2011-01-02"]),
     (["13/01/2024", "01/02/2024"], ["2024-01-13", "2024-02-01"])],
    ids=["month-first-default", "day-first-when-more-fit"],
)
def test_parse_dates_year_last_order_is_decided_per_column(values, expected):
    dates, failed = parse_dates(_text(values))
    pd.testing.assert_series_equal(dates, _ts(*expected))
    assert not failed.any()


def test_parse_dates_already_datetime_and_objects():
    aware = pd.Series(pd.to_datetime(["2024-03-01 10:00"]).tz_localize("Asia/Shanghai"))
    dates, failed = parse_dates(aware)
    pd.testing.assert_series_equal(dates, _ts("2024-03-01 10:00"))
    assert not failed.any()
    mixed = pd.Series([dt.datetime(2024, 3, 1, 9, 30), dt.date(2024, 3, 2), "2024/3/3", 45355.0,
                       None], dtype=object)
    dates, failed = parse_dates(mixed)
    pd.testing.assert_series_equal(dates, _ts("2024-03-01 09:30", "2024-03-02", "2024-03-03",
                                              "2024-03-04", None))
    assert not failed.any()


def test_parse_dates_numbers_serials_and_yyyymmdd():
    dates, failed = parse_dates(pd.Series([45352, 20240301, 12, np.nan]))
    pd.testing.assert_series_equal(dates, _ts("2024-03-01", "2024-03-01", None, None))
    assert failed.tolist() == [False, False, True, False]


def test_parse_dates_keeps_index():
    dates, failed = parse_dates(pd.Series(["2024-03-01", "x"], index=[10, 10], dtype=STR))
    assert dates.index.tolist() == [10, 10]
    assert failed.tolist() == [False, True]


# --------------------------------------------------------------------------- amounts

AMOUNT_FORMS = [
    ("1234.5", 1234.5), ("¥1,234.50", 1234.5), ("￥1，234.50", 1234.5), ("RMB 1,234.50", 1234.5),
    ("CNY1234.5", 1234.5), ("1,234.50元", 1234.5), ("$12", 12.0), ("€12", 12.0),
    ("1 234 567.25", 1234567.25), ("(123.00)", -123.0), ("-123", -123.0), ("\u2212123", -123.0),
    ("-¥1,234.50", -1234.5), ("¥-12", -12.0), ("１２３", 123.0), ("（１２３）", -123.0),
    ("+5", 5.0), ("+ 5", 5.0), ("- 5", -5.0), (" 7 ", 7.0), ("1\u00a0234.50", 1234.5),
    ("1.5e3", 1500.0), (".5", 0.5),
]


@pytest.mark.parametrize(("text", "expected"), AMOUNT_FORMS, ids=[f[0] for f in AMOUNT_FORMS])
def test_parse_amounts_forms(text, expected):
    numbers, failed = parse_amounts(_text([text]))
    pd.testing.assert_series_equal(numbers, pd.Series([expected]))
    assert not failed.iloc[0]


def test_parse_amounts_failures_blanks_and_dashes():
    values = _text(["abc", "1.234,50", "12,50", "12%", "", None, "-", "—", "inf", "5"])
    numbers, failed = parse_amounts(values)
    pd.testing.assert_series_equal(numbers, pd.Series([np.nan] * 9 + [5.0]))
    assert failed.tolist() == [True, True, True, True, False, False, False, False, True, False]


def test_parse_amounts_numeric_input_is_not_mutated():
    values = pd.Series([1.0, np.inf, np.nan])
    numbers, failed = parse_amounts(values)
    pd.testing.assert_series_equal(numbers, pd.Series([1.0, np.nan, np.nan]))
    assert failed.tolist() == [False, True, False]
    assert np.isinf(values.iloc[1])


# --------------------------------------------------------------------------- mapping


def test_apply_mapping_aliases_keep_canonical_columns_only():
    raw = _raw({"备注": ["x"], "邮费": ["5"], "寄件日期": ["2024-03-01"], "客户号": ["1"],
                "营业网点": ["A"]})
    mapped = cleaning.apply_mapping(raw, "transactions")
    pd.testing.assert_frame_equal(mapped, _raw({"customer_id": ["1"], "date": ["2024-03-01"],
                                                "amount": ["5"], "branch": ["A"]}))


def test_apply_mapping_explicit_overrides_aliases_and_ignores():
    raw = _raw({"Kundennr": ["1"], "客户编号": ["2"], "日期": ["2024-03-01"],
                "Datum": ["2024-03-02"], "金额": ["5"], "网点": ["A"]})
    mapping = {"Kundennr": "customer_id", "Datum": "date", "网点": "", "not there": "branch"}
    mapped = cleaning.apply_mapping(raw, "transactions", mapping)
    pd.testing.assert_frame_equal(mapped, _raw({"customer_id": ["1"], "date": ["2024-03-02"],
                                                "amount": ["5"]}))
    assert cleaning.apply_mapping(raw, "transactions", {"网点": None}).columns.tolist() == [
        "customer_id", "date", "amount"]


def test_duplicate_mapping_is_fatal():
    raw = _raw({"a": ["1"], "b": ["2"], "日期": ["2024-03-01"], "金额": ["5"]})
    with pytest.raises(DataError, match="the columns 'a', 'b' are all mapped to 'customer_id'") \
            as err:
        cleaning.apply_mapping(raw, "transactions", {"a": "customer_id", "b": "customer_id"})
    assert _codes(err.value.problems) == ["duplicate_mapping"]
    assert "列 'a', 'b' 都被映射到了“customer_id”" in err.value.message("zh")


def test_unknown_mapping_target_is_fatal():
    raw = _raw({"客户编号": ["1"], "日期": ["2024-03-01"], "金额": ["5"], "x": ["1"]})
    with pytest.raises(DataError, match="'x' is mapped to 'score', which this table does not"):
        prepare_table(raw, "transactions", mapping={"x": "score"})


# --------------------------------------------------------------------------- clean tables


def test_prepare_transactions_clean_frame():
    raw = _raw({"交易日期": ["2024/3/1 14:05", "2024年3月2日", "20240303", "", "45355"],
                "客户编号": ["007", " 008 ", "1003.0", None, "009"],
                "金额": ["¥1,234.50", "(20.00)", "5", None, "0"],
                "营业网点": ["朝阳", "", "浦东", None, "朝阳"], "备注": ["a", "b", "c", None, "d"]})
    prepared = prepare_table(raw, "transactions")
    expected = pd.DataFrame({
        "customer_id": _text(["007", "008", "1003", "009"]),
        "date": _ts("2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"),
        "amount": [1234.5, -20.0, 5.0, 0.0],
        "branch": _text(["朝阳", np.nan, "浦东", "朝阳"]),
    })
    pd.testing.assert_frame_equal(prepared.frame, expected)
    assert prepared.mapping == {"交易日期": "date", "客户编号": "customer_id", "金额": "amount",
                                "营业网点": "branch"}
    assert _codes(prepared.problems) == ["refunds"]  # the blank line is dropped silently


def test_prepare_transactions_from_typed_frame():
    raw = pd.DataFrame({"CustomerID": [17850.0, 13047.0], "InvoiceDate": pd.to_datetime(
        ["2010-12-01 08:26", "2010-12-01 09:00"]), "revenue": [15.3, 20]})
    frame = prepare_table(raw, "transactions").frame
    pd.testing.assert_frame_equal(frame, pd.DataFrame({
        "customer_id": _text(["17850", "13047"]), "date": _ts("2010-12-01", "2010-12-01"),
        "amount": [15.3, 20.0]}))


def test_customer_ids_from_numbers_lose_excel_float_suffix():
    raw = pd.DataFrame({"客户编号": [1001.0, np.nan, 13800138000.0, 1.0, 2.0, 3.0],
                        "金额": [1, 2, 3, 4, 5, 6], "日期": ["2024-03-01"] * 6})
    prepared = prepare_table(raw, "transactions")
    assert prepared.frame["customer_id"].tolist() == ["1001", "13800138000", "1", "2", "3"]
    assert _codes(prepared.problems) == ["missing_ids"]


def test_prepare_customers_value_synonyms_and_dtypes():
    raw = _raw({"客户编号": ["1", "2", "3"], "客户类型": ["企业", "个人", "VIP"],
                "城乡": ["农村", "城市", None], "开户日期": ["2020-01-05", "2021/2/3", None],
                "分公司": ["华北", "华东", "华南"]})
    prepared = prepare_table(raw, "customers")
    expected = pd.DataFrame({
        "customer_id": _text(["1", "2", "3"]),
        "customer_type": _text(["enterprise", "individual", "VIP"]),
        "region": _text(["华北", "华东", "华南"]),
        "area_type": _text(["rural", "urban", np.nan]),
        "signup_date": _ts("2020-01-05", "2021-02-03", None),
    })
    pd.testing.assert_frame_equal(prepared.frame, expected)
    assert prepared.problems == []


def test_prepare_surveys_without_customer_id():
    raw = _raw({"调查日期": ["2024-03-01 10:00"], "评分": ["4"], "时效": ["5"], "意见": ["ok"]})
    prepared = prepare_table(raw, "surveys")
    pd.testing.assert_frame_equal(prepared.frame, pd.DataFrame({
        "date": _ts("2024-03-01 10:00"), "score": [4.0], "speed": [5.0],
        "comment": _text(["ok"])}))


def test_prepare_complaints_from_excel_cells():
    book = openpyxl.Workbook()
    book.active.append(["客户编号", "日期", "投诉类别", "处理状态", "解决日期"])
    book.active.append([1001, dt.datetime(2024, 3, 1, 9, 0), "延误", "已解决",
                        dt.datetime(2024, 3, 2)])
    book.active.append(["1002", 45352, "破损", "处理中", None])
    buffer = io.BytesIO()
    book.save(buffer)
    raw = sources.read_any(buffer.getvalue(), filename="投诉.xlsx")
    frame = prepare_table(raw, "complaints").frame
    pd.testing.assert_frame_equal(frame, pd.DataFrame({
        "customer_id": _text(["1001", "1002"]), "date": _ts("2024-03-01 09:00", "2024-03-01"),
        "category": _text(["延误", "破损"]), "status": _text(["resolved", "open"]),
        "resolved_date": _ts("2024-03-02", None)}))


# --------------------------------------------------------------------------- problems

TXN = {"customer_id": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
       "date": ["2024-03-01"] * 10,
       "amount": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]}


def _txn(**changes: dict[int, str | None]) -> pd.DataFrame:
    data = {k: list(v) for k, v in TXN.items()}
    for column, rows in changes.items():
        for i, value in rows.items():
            data[column][i] = value
    return _raw(data)


def _only(problems, code):
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, _codes(problems)
    return found[0]


def test_bad_dates_warning_rows_skipped():
    prepared = prepare_table(_txn(date={5: "2024-13-45", 8: "next week"}), "transactions")
    assert len(prepared.frame) == 8
    problem = _only(prepared.problems, "bad_dates")
    assert (problem.severity, problem.column, problem.rows) == ("warning", "date", 2)
    assert problem.examples == ((7, "2024-13-45"), (10, "next week"))
    assert problem.message("en") == (
        "transactions: column 'date': 2 of 10 rows have a date that could not be read "
        "(row 7: '2024-13-45', row 10: 'next week'). Use a form such as 2024-03-01, 2024/3/1, "
        "20240301 or 2024年3月1日. These rows are skipped; if more than 20% of the rows are "
        "affected the table is not loaded.")
    assert problem.message("zh") == (
        "交易明细：列 'date' 中有 2 行（共 10 行）的日期无法识别（第 7 行：'2024-13-45', "
        "第 10 行：'next week'）。请使用 2024-03-01、2024/3/1、20240301 或 2024年3月1日 等格式。"
        "这些行已跳过；若超过 20% 的行有此问题，该表将不予加载。")


def test_bad_dates_above_threshold_is_fatal():
    raw = _txn(date={0: "x", 1: "y", 2: "z"})
    with pytest.raises(DataError, match=r"column 'date': 3 of 10 rows have a date") as err:
        prepare_table(raw, "transactions")
    assert [(p.code, p.severity) for p in err.value.problems] == [("bad_dates", "error")]
    assert "第 2 行：'x', 第 3 行：'y', 第 4 行：'z'" in err.value.message("zh")


def test_bad_numbers_names_the_raw_header():
    raw = _txn(amount={1: "abc", 2: "12,50"}).rename(columns={"amount": "金额"})
    prepared = prepare_table(raw, "transactions")
    problem = _only(prepared.problems, "bad_numbers")
    assert problem.message("en").startswith(
        "transactions: column '金额' (amount): 2 of 10 rows have a value that is not a number "
        "(row 3: 'abc', row 4: '12,50'). Write numbers such as 1234.5, 1,234.50 or ¥1,234.50.")
    assert "列 '金额' (amount) 中有 2 行（共 10 行）的值不是数字" in problem.message("zh")
    with pytest.raises(DataError, match="3 of 10 rows have a value that is not a number"):
        prepare_table(_txn(amount={1: "abc", 2: "x", 3: "y"}), "transactions")


def test_missing_ids():
    prepared = prepare_table(_txn(customer_id={0: None, 4: "  "}), "transactions")
    assert prepared.frame["customer_id"].tolist() == ["2", "3", "4", "6", "7", "8", "9", "10"]
    problem = _only(prepared.problems, "missing_ids")
    assert (problem.rows, problem.examples) == (2, (2, 6))
    assert "2 of 10 rows have no customer id in column 'customer_id' (rows 2, 6)" in \
        problem.message("en")
    assert "有 2 行（共 10 行）的客户编号（列 'customer_id'）为空（第 2, 6 行）" in \
        problem.message("zh")
    with pytest.raises(DataError, match="3 of 10 rows have no customer id"):
        prepare_table(_txn(customer_id={0: None, 1: None, 2: None}), "transactions")


def test_missing_values_and_dash_amounts():
    prepared = prepare_table(_txn(amount={3: "-"}, date={6: None}), "transactions")
    problems = [p for p in prepared.problems if p.code == "missing_values"]
    assert [(p.column, p.rows, p.examples) for p in problems] == [("date", 1, (8,)),
                                                                 ("amount", 1, (5,))]
    assert problems[1].message("en").startswith(
        "transactions: column 'amount' is empty in 1 of 10 rows (rows 5). Fill it in.")
    assert "列 'amount' 有 1 行（共 10 行）为空（第 5 行）。请补全。" in problems[1].message("zh")


def test_duplicate_rows_are_dropped_with_a_warning():
    raw = pd.concat([_txn(), _txn().iloc[[2, 5]]], ignore_index=True)
    raw.loc[len(raw)] = ["1", "2024-03-01 10:00", "1"]  # same day, other time: kept
    prepared = prepare_table(raw, "transactions")
    assert len(prepared.frame) == 11
    problem = _only(prepared.problems, "duplicate_rows")
    assert (problem.rows, problem.examples, problem.severity) == (2, (12, 13), "warning")
    assert problem.message("en").startswith(
        "transactions: 2 rows are exact copies of an earlier row (rows 12, 13) and were removed.")
    assert "有 2 行与前面某行完全相同（第 12, 13 行），已删除。" in problem.message("zh")


def test_future_dates_kept_and_warned():
    raw = _txn(date={9: "2024-04-02", 3: "2024-03-31 23:00"})
    prepared = prepare_table(raw, "transactions", as_of="2024-03-31")
    assert len(prepared.frame) == 10
    problem = _only(prepared.problems, "future_dates")
    assert (problem.rows, problem.examples) == (1, ((11, "2024-04-02"),))
    assert problem.message("en").startswith(
        "transactions: column 'date': 1 rows are dated after the analysis date 2024-03-31 "
        "(row 11: '2024-04-02'). They were kept, but the analysis ignores them;")
    assert "晚于分析日期 2024-03-31（第 11 行：'2024-04-02'）" in problem.message("zh")


def test_refunds_kept_and_flagged():
    prepared = prepare_table(_txn(amount={1: "(12.50)", 4: "-100"}), "transactions")
    assert prepared.frame["amount"].tolist()[:5] == [1.0, -12.5, 3.0, 4.0, -100.0]
    problem = _only(prepared.problems, "refunds")
    assert problem.message("en").startswith(
        "transactions: column 'amount': 2 rows have a negative amount, -112.50 in total "
        "(row 3: '(12.50)', row 6: '-100'). They were kept as refunds")
    assert "有 2 行金额为负数，合计 -112.50（第 3 行：'(12.50)', 第 6 行：'-100'）" in \
        problem.message("zh")


def test_score_out_of_range():
    # The scale is the smallest of 1–5, 0–10, 0–100 that holds 95% of the answers.
    scores = ["5", "4", "55", "3", "0", "4"] + ["5", "4", "3", "2", "1"] * 4
    raw = _raw({"日期": [f"2024-03-{i:02d}" for i in range(1, 27)], "满意度": scores})
    prepared = prepare_table(raw, "surveys")
    problem = _only(prepared.problems, "score_out_of_range")
    assert (problem.column, problem.rows) == ("score", 2)
    assert problem.message("en").startswith(
        "surveys: column '满意度' (score): 2 rows "
        "are outside the 1–5 scale that the other answers use (row 4: '55', row 6: '0').")
    assert "超出了其他答卷所用的 1–5 分制" in problem.message("zh")
    ten = prepare_table(_raw({"date": ["2024-03-01"] * 3, "nps": ["0", "10", "7"]}), "surveys")
    assert ten.problems == []


def test_resolved_before_opened():
    raw = _raw({"customer_id": ["1", "2"], "complaint_date": ["2024-03-05", "2024-03-05"],
                "category": ["延误", "破损"], "结案日期": ["2024-03-01", "2024-03-06"]})
    problem = _only(prepare_table(raw, "complaints").problems, "resolved_before_opened")
    assert problem.message("en").startswith(
        "complaints: 1 complaints were resolved before they were opened (column '结案日期' "
        "(resolved_date) is earlier than the complaint date; row 2: '2024-03-01').")
    assert "投诉记录：有 1 条投诉的解决日期（列 '结案日期' (resolved_date)）早于投诉日期" in \
        problem.message("zh")


def test_bad_optional_values_are_blanked():
    raw = _raw({"客户编号": ["1", "2"], "开户日期": ["2020-01-01", "someday"]})
    prepared = prepare_table(raw, "customers")
    assert prepared.frame["signup_date"].isna().tolist() == [False, True]
    problem = _only(prepared.problems, "bad_optional_dates")
    assert "column '开户日期' (signup_date): 1 rows have a date that could not be read " \
        "(row 3: 'someday')" in problem.message("en")
    assert "这些值已按空值处理" in problem.message("zh")
    raw = _raw({"日期": ["2024-03-01"] * 5, "评分": ["4"] * 5, "时效": ["x", "1", "2", "3", "4"]})
    prepared = prepare_table(raw, "surveys")
    problem = _only(prepared.problems, "bad_optional_numbers")
    assert problem.severity == "warning" and problem.rows == 1
    assert "(row 2: 'x'). Write numbers such as 1234.5; these values were left empty." in \
        problem.message("en")


def test_duplicate_customers_keep_first():
    raw = _raw({"客户编号": ["1", "2", "1"], "客户类型": ["企业", "个人", "个人"]})
    prepared = prepare_table(raw, "customers")
    assert prepared.frame["customer_type"].tolist() == ["enterprise", "individual"]
    problem = _only(prepared.problems, "duplicate_customers")
    assert "1 rows repeat a customer id listed earlier (row 4: '1')" in problem.message("en")
    assert "每个客户只保留了第一行" in problem.message("zh")


def test_row_numbers_follow_a_title_row():
    raw = _txn(date={0: "bad"})
    raw.attrs[sources.HEADER_ROW_ATTR] = 3
    problem = _only(prepare_table(raw, "transactions").problems, "bad_dates")
    assert problem.examples == ((4, "bad"),)


def test_missing_columns_suggest_closest_headers():
    raw = _raw({"Kundennr": ["1"], "客户编码号": ["1"], "Datum": ["2024-03-01"],
                "Betrag": ["5"]})
    with pytest.raises(DataError) as err:
        prepare_table(raw, "transactions")
    problems = err.value.problems
    assert [(p.code, p.column) for p in problems] == [
        ("missing_columns", "customer_id"), ("missing_columns", "date"),
        ("missing_columns", "amount")]
    assert problems[0].message("en") == (
        "transactions: the required column 'customer_id' was not found. Closest headers in the "
        "file: '客户编码号'. Choose the right one in the column mapping, or rename the header to "
        "'customer_id' or '客户编号'.")
    # Nothing close by name: columns whose values look like dates / numbers are offered.
    assert "Closest headers in the file: 'Datum'." in problems[1].message("en")
    assert "Closest headers in the file: 'Kundennr', '客户编码号', 'Betrag'." in \
        problems[2].message("en")
    assert problems[0].message("zh") == (
        "交易明细：找不到必需的列“客户编号”（customer_id）。文件中最接近的列：'客户编码号'。"
        "请在列映射中选择正确的列，或把表头改为“客户编号”或“customer_id”。")
    assert "rename the header" in str(err.value)


def test_missing_column_suggests_english_misspelling():
    raw = _raw({"custmer_id": ["1"], "date": ["2024-03-01"], "amount": ["1"]})
    with pytest.raises(DataError, match="Closest headers in the file: 'custmer_id'"):
        prepare_table(raw, "transactions")


@pytest.mark.parametrize(
    "raw",
    [_raw({"customer_id": [], "date": [], "amount": []}),
     _raw({"customer_id": [None, ""], "date": [None, " "], "amount": [None, None]})],
    ids=["no-rows", "blank-rows"],
)
def test_empty_table(raw):
    with pytest.raises(DataError, match="transactions: there are no data rows") as err:
        prepare_table(raw, "transactions")
    assert _codes(err.value.problems) == ["empty_table"]
    assert "交易明细：没有任何数据行" in err.value.message("zh")


def test_all_fatal_problems_of_a_table_are_listed():
    raw = _raw({"a": ["1"], "b": ["2"], "金额": ["5"]})
    with pytest.raises(DataError) as err:
        prepare_table(raw, "transactions", mapping={"a": "customer_id", "b": "customer_id"})
    assert _codes(err.value.problems) == ["duplicate_mapping", "missing_columns"]
    fatal = _txn(customer_id={0: None, 1: None, 2: None}, date={3: "x", 4: "y", 5: "z"})
    with pytest.raises(DataError) as err:
        prepare_table(fatal, "transactions")
    assert _codes(err.value.problems) == ["missing_ids", "bad_dates"]


# --------------------------------------------------------------------------- datasets


def test_prepare_dataset_cross_checks_and_warnings():
    raws = {
        "transactions": _txn(amount={0: "-1"}),
        "surveys": _raw({"customer_id": ["1", "99", "98", "99"], "date": ["2024-03-01"] * 4,
                         "score": ["5", "4", "3", "2"]}),
        "complaints": _raw({"customer_id": ["2"], "date": ["2024-03-01"], "category": ["x"]}),
    }
    dataset = cleaning.prepare_dataset(raws, as_of="2024-03-31")
    assert list(dataset.tables) == ["transactions", "surveys", "complaints"]
    assert [(p.table, p.code) for p in dataset.problems] == [
        ("transactions", "refunds"), ("surveys", "unknown_customers")]
    problem = dataset.problems[1]
    assert problem.message("en") == (
        "surveys: 3 rows belong to 2 customer ids that have no transactions (for example 99, 98)."
        " They were kept; check that the ids are written the same way in both files (leading "
        "zeros, prefixes).")
    assert "满意度调查：有 3 行属于 2 个在交易明细中不存在的客户编号（例如 99, 98）" in \
        problem.message("zh")
    assert dataset.mappings["surveys"] == {"customer_id": "customer_id", "date": "date",
                                           "score": "score"}


def test_prepare_dataset_requires_transactions():
    with pytest.raises(DataError, match="No transactions table was given") as err:
        cleaning.prepare_dataset({"customers": _raw({"客户编号": ["1"]})})
    assert _codes(err.value.problems) == ["no_transactions"]
    assert "缺少交易明细表" in err.value.message("zh")


def test_prepare_dataset_lists_fatal_problems_of_every_table():
    raws = {"transactions": _raw({"客户编号": ["1"], "金额": ["5"]}),
            "complaints": _raw({"客户编号": ["1"], "日期": ["2024-03-01"]}),
            "surveys": _raw({"date": ["x", "y"], "score": ["1", "2"]})}
    with pytest.raises(DataError) as err:
        cleaning.prepare_dataset(raws)
    assert [(p.table, p.code, p.column) for p in err.value.problems] == [
        ("transactions", "missing_columns", "date"), ("surveys", "bad_dates", "date"),
        ("complaints", "missing_columns", "category")]
    text = err.value.message("en").splitlines()
    assert text[0].startswith("transactions: the required column 'date' was not found.")
    assert text[1].startswith("surveys: column 'date': 2 of 2 rows have a date")
    assert text[2].startswith("complaints: the required column 'category' was not found.")
    zh = err.value.message("zh")
    assert "交易明细：找不到必需的列“日期”" in zh and "投诉记录：找不到必需的列“投诉类别”" in zh


def test_load_files_csv_and_excel_paths(tmp_path):
    txn = tmp_path / "交易.csv"
    txn.write_bytes("客户编号,交易日期,金额\n001,2024/3/1,￥12.50\n".encode("gbk"))
    book = openpyxl.Workbook()
    book.active.append(["客户编号", "客户类型"])
    book.active.append(["001", "企业"])
    customers = tmp_path / "客户.xlsx"
    book.save(customers)
    dataset = cleaning.load_files({"transactions": txn, "customers": customers})
    pd.testing.assert_frame_equal(dataset.tables["transactions"], pd.DataFrame({
        "customer_id": _text(["001"]), "date": _ts("2024-03-01"), "amount": [12.5]}))
    assert dataset.tables["customers"]["customer_type"].tolist() == ["enterprise"]


def test_load_files_workbook_with_all_tables(tmp_path):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in {"交易明细": [["客户编号", "交易日期", "金额"], ["1", "2024-03-01", "5"]],
                       "客户资料": [["客户编号", "区域"], ["1", "华北"]],
                       "投诉记录": [["客户编号", "日期", "投诉类别"], ["1", "2024-03-02", "延误"]],
                       "备忘": [["随便"], ["x"]]}.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "全部.xlsx"
    book.save(path)
    dataset = cleaning.load_files({"transactions": path})
    assert list(dataset.tables) == ["transactions", "customers", "complaints"]
    problem = _only(dataset.problems, "ignored_sheets")
    assert problem.message("en").startswith(
        "The workbook '全部.xlsx' has sheets that were not recognised as any table and were "
        "ignored: '备忘'.")
    assert "已忽略：'备忘'" in problem.message("zh")
    other = tmp_path / "customers.csv"
    other.write_text("customer_id,region\n1,华南\n", encoding="utf-8")
    dataset = cleaning.load_files({"transactions": path, "customers": other})
    assert dataset.tables["customers"]["region"].tolist() == ["华南"]


def test_load_files_reports_every_file(tmp_path):
    empty = tmp_path / "t.csv"
    empty.write_bytes(b"")
    bad = tmp_path / "c.csv"
    bad.write_text("客户编号,日期\n1,2024-03-01\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        cleaning.load_files({"transactions": empty, "complaints": bad,
                             "surveys": tmp_path / "s.xlsb"})
    assert [(p.table, p.code) for p in err.value.problems] == [
        ("transactions", "empty_file"), ("surveys", "unsupported_format"),
        ("complaints", "missing_columns")]
    assert err.value.message("en").splitlines()[0] == (
        "The file 't.csv' is empty: it has no data rows. Check that you picked the right file "
        "or sheet.")


# --------------------------------------------------------------------------- messages

CODES = ["missing_columns", "duplicate_mapping", "unknown_target", "empty_table",
         "no_transactions", "bad_dates", "bad_numbers", "missing_ids", "missing_values",
         "bad_optional_dates", "bad_optional_numbers", "duplicate_rows", "duplicate_customers",
         "future_dates", "refunds", "score_out_of_range", "resolved_before_opened",
         "unknown_customers", "ignored_sheets", "file_not_found", "unsupported_format",
         "empty_file", "unreadable_file", "unreadable_encoding", "sheet_not_found",
         "csv_field_count"]


@pytest.mark.parametrize("code", CODES)
def test_every_problem_message_exists_in_both_languages(code):
    assert i18n.has(f"problem.{code}")
    en, zh = i18n.t(f"problem.{code}", "en"), i18n.t(f"problem.{code}", "zh")
    assert en != zh and any("\u4e00" <= ch <= "\u9fff" for ch in zh)


# --------------------------------------------------------------------------- hostile values


def _tx(ids=None, dates=None, amounts=None, **extra) -> pd.DataFrame:
    n = len(ids or dates or amounts)
    data = {"customer_id": ids or [f"C{i % 3}" for i in range(n)],
            "date": dates or [f"2024-01-{i % 28 + 1:02d}" for i in range(n)],
            "amount": amounts or [str(i + 1) for i in range(n)], **extra}
    return _raw(data)


def test_control_characters_are_removed_and_counted():
    raw = _tx(ids=["C1", "C\x001", "\x0bC2", "C2\u200b", "C3", "C3"],
              name=["Zhang\x00Wei", "a\nb", "x", "y", "z\x01\x02", "w"])
    prepared = prepare_table(raw, "customers")
    frame = prepared.frame
    assert frame["customer_id"].tolist() == ["C1", "C2", "C3"]  # merged: first row kept
    problems = {(p.code, p.column): p for p in prepared.problems}
    ids = problems[("control_characters", "customer_id")]
    assert (ids.rows, ids.params["chars"]) == (3, 3)
    assert ids.examples == ((3, "C\\x001"), (4, "\\x0bC2"), (5, "C2\\u200b"))
    names = problems[("control_characters", "name")]
    assert (names.rows, names.params["chars"]) == (2, 3)
    assert "3 values contained 3 invisible control characters" in ids.message("en")
    assert "3 个值含有 3 个不可见的控制字符" in ids.message("zh")
    assert ("duplicate_customers", "customer_id") in problems


def test_text_keeps_line_breaks_and_tabs():
    raw = _tx(ids=["C1"], dates=["2024-01-01"], amounts=["1"])
    raw["comment"] = _text(["line 1\nline\t2"])
    surveys = _raw({"date": ["2024-01-01"], "score": ["5"], "comment": ["line 1\nline\t2"]})
    prepared = prepare_table(surveys, "surveys")
    assert prepared.frame["comment"].tolist() == ["line 1\nline\t2"]
    assert not prepared.problems


@pytest.mark.parametrize("value", ["1.23457E+10", "8.8E+11", "1E+15", "4.5e+9"])
def test_scientific_notation_ids_are_refused(value):
    raw = _tx(ids=["100", "200", value, "300", "400", "500"])
    with pytest.raises(DataError) as err:
        prepare_table(raw, "transactions")
    problem = err.value.problems[0]
    assert problem.code == "scientific_ids" and problem.examples == ((4, value),)
    assert "format the id column as Text" in problem.message("en")
    assert "设置为“文本”格式" in problem.message("zh")


@pytest.mark.parametrize("value", ["1E5", "E+10", "12E", "C1.2E+10", "1.2E-3"])
def test_ids_that_only_look_scientific_are_kept(value):
    prepared = prepare_table(_tx(ids=["100", value]), "transactions")
    assert value in prepared.frame["customer_id"].tolist()


def test_dates_after_today_are_set_aside():
    # one day of slack: "tomorrow" can be today in another time zone
    dates = ["2024-01-02", "2024-01-03", "2024-01-06", "2024-01-07", "2024-01-05",
             "2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-04"]
    prepared = prepare_table(_tx(dates=dates), "transactions", today="2024-01-04")
    assert prepared.frame["date"].max() == pd.Timestamp("2024-01-05")
    assert len(prepared.frame) == 8
    problem = prepared.problems[0]
    assert problem.code == "implausible_dates" and problem.rows == 2
    assert problem.examples == ((4, "2024-01-06"), (5, "2024-01-07"))
    assert "dated in the future (after 2024-01-04)" in problem.message("en")
    assert "晚于 2024-01-04" in problem.message("zh")


def test_a_date_far_after_the_bulk_is_set_aside_even_without_today():
    dates = [f"2024-02-{d:02d}" for d in range(1, 13)] + ["2099-01-01"]
    prepared = prepare_table(_tx(dates=dates), "transactions")
    assert prepared.frame["date"].max() == pd.Timestamp("2024-02-12")
    assert _codes(prepared.problems) == ["implausible_dates"]
    assert "which end on 2024-02-12" in prepared.problems[0].message("en")


@pytest.mark.parametrize(
    "dates",
    [[f"{y}-03-01" for y in range(2010, 2024)] + ["2024-06-01"],  # long history: plausible
     ["2024-01-01", "2099-01-01"],  # too few rows to tell what the bulk is
     [f"2024-0{m}-01" for m in range(1, 10)] + ["2025-06-01"]],
    ids=["gap-shorter-than-history", "too-few-rows", "within-a-year-and-a-half"],
)
def test_late_dates_that_are_plausible_are_kept(dates):
    prepared = prepare_table(_tx(dates=dates), "transactions")
    assert len(prepared.frame) == len(dates) and not prepared.problems


def test_mostly_future_dates_refuse_the_table():
    dates = ["2024-01-01", "2030-01-01", "2030-01-02", "2030-01-03"]
    with pytest.raises(DataError) as err:
        prepare_table(_tx(dates=dates), "transactions", today="2026-12-03")
    assert _codes(err.value.problems) == ["implausible_dates"]


def test_a_second_amount_column_with_other_values_warns():
    raw = _tx(ids=["C1", "C2"], amounts=["1", "2"])
    raw["amount.1"] = _text(["100", "200"])
    raw["Amount"] = _text(["1", "2"])  # an exact copy: nothing to say
    prepared = prepare_table(raw, "transactions")
    assert prepared.frame["amount"].tolist() == [1.0, 2.0]
    problem = prepared.problems[0]
    assert (problem.code, problem.column) == ("competing_columns", "amount")
    assert problem.params["others"] == "'amount.1'"
    assert "'amount' was used and 'amount.1' ignored" in problem.message("en")


def test_a_second_customer_id_column_warns_even_when_mapped_by_hand():
    raw = _raw({"客户编号": ["K1", "K2"], "customer_id": ["9", "8"], "date": ["2024-01-01"] * 2,
                "amount": ["1", "2"]})
    prepared = prepare_table(raw, "transactions",
                             mapping={"客户编号": "customer_id", "customer_id": ""})
    assert prepared.frame["customer_id"].tolist() == ["K1", "K2"]
    assert "已使用 '客户编号'，忽略了 'customer_id'" in prepared.problems[0].message("zh")


def test_ambiguous_day_month_order_is_stated():
    raw = _tx(dates=["01/03/2024", "2024-01-05", "02/04/2024", "05/05/2024"])
    prepared = prepare_table(raw, "transactions")
    assert prepared.frame["date"].tolist()[0] == pd.Timestamp("2024-01-03")
    problem = prepared.problems[0]
    assert problem.code == "ambiguous_date_order" and problem.rows == 2  # 05/05 is the same
    assert "read as month/day (for example 01/03/2024 = 2024-01-03)" in problem.message("en")
    assert "已按“月/日”读取（例如 01/03/2024 = 2024-01-03）" in problem.message("zh")


def test_a_date_that_settles_the_order_silences_the_warning():
    raw = _tx(dates=["01/03/2024", "25/03/2024", "02/04/2024"])
    prepared = prepare_table(raw, "transactions")
    assert prepared.frame["date"].tolist()[0] == pd.Timestamp("2024-03-01")  # day first
    assert not prepared.problems


def test_customers_matching_no_transaction_warn():
    tx = _tx(ids=["001", "002"])
    customers = _raw({"customer_id": ["1", "2", "3"], "branch": ["a", "b", "c"]})
    dataset = cleaning.prepare_dataset({"transactions": tx, "customers": customers})
    problem = dataset.problems[0]
    assert (problem.code, problem.table) == ("customers_unmatched", "customers")
    assert problem.examples == ("1", "2", "3")
    assert "none of its 3 customer ids appears in the transactions" in problem.message("en")
    partly = _raw({"customer_id": ["001", "9"]})
    dataset = cleaning.prepare_dataset({"transactions": tx, "customers": partly})
    assert "customers_unmatched" not in _codes(dataset.problems)


def test_formula_cells_of_a_mapped_column_refuse_the_table():
    from tests.hostile import formula_workbook

    raw = sources.read_any(formula_workbook(), filename="generated.xlsx")
    with pytest.raises(DataError) as err:
        prepare_table(raw, "transactions")
    problem = err.value.problems[0]
    assert (problem.code, problem.rows) == ("formula_without_values", 6)
    assert "cells C2, C3, C4, C5, C6" in problem.message("en")
    # the same formulas in a column that is not used do not matter
    from tests.hostile import workbook

    rows = [["customer_id", "date", "amount", "memo"], ["C1", "2024-01-02", 5, "=A2&B2"]]
    raw = sources.read_any(workbook(rows), filename="memo.xlsx")
    assert raw.attrs[sources.FORMULA_CELLS_ATTR] == {"memo": (1, ("D2",))}
    assert prepare_table(raw, "transactions").frame["amount"].tolist() == [5.0]


@pytest.mark.parametrize(("day_first", "expected"), [(True, "2024-03-01"), (False, "2024-01-03"),
                                                     (None, "2024-01-03")])
def test_the_date_order_can_be_chosen(day_first, expected):
    raw = _tx(dates=["01/03/2024", "02/04/2024", "2024-05-06"])
    prepared = prepare_table(raw, "transactions", day_first=day_first)
    assert prepared.frame["date"].tolist()[0] == pd.Timestamp(expected)
    assert _codes(prepared.problems) == ([] if day_first is not None
                                         else ["ambiguous_date_order"])
    assert "--date-order day-first" in (prepared.problems[0].message("en") if
                                         prepared.problems else "--date-order day-first")


def test_a_chosen_order_reads_full_width_dates_too():
    parsed, failed = parse_dates(_text(["０１/０３/２０２４"]), day_first=True)
    assert parsed.tolist() == [pd.Timestamp("2024-03-01")] and not failed.any()


@pytest.mark.parametrize("seed", [1, 2, 3], ids=["seed1", "seed2", "seed3"])
def test_duplicate_rows_are_pandas_duplicated(seed):
    """The two-step match (numbers and dates first, then every column) finds exactly the
    rows ``DataFrame.duplicated`` finds, NaN equal to NaN as there."""
    from segmentation.cleaning.tables import duplicate_rows
    from segmentation.cleaning.text import TEXT_DTYPE

    rng = np.random.default_rng(seed)
    n = 400
    frame = pd.DataFrame({
        "customer_id": pd.array(rng.choice(["a", "b", "c", None], n), dtype=TEXT_DTYPE),
        "date": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 3, n), "D"),
        "amount": rng.choice([1.0, 2.0, np.nan], n),
        "service": pd.array(rng.choice(["x", "y"], n), dtype=TEXT_DTYPE),
    })
    expected = frame.duplicated(keep="first").to_numpy()
    assert expected.any() and not expected.all()
    np.testing.assert_array_equal(duplicate_rows(frame), expected)
    text_only = frame[["customer_id", "service"]]
    np.testing.assert_array_equal(duplicate_rows(text_only),
                                  text_only.duplicated(keep="first").to_numpy())


def test_clean_text_columns_keep_their_buffers():
    """Text that needs no change is not copied (a copy per step tripled the memory of ten
    million transactions); text that does is still cleaned."""
    from segmentation.cleaning.text import TEXT_DTYPE

    def data_buffer(series: pd.Series) -> int:
        (chunk,) = series.array._pa_array.chunks
        return chunk.buffers()[2].address

    raw = pd.DataFrame({
        "customer_id": pd.array(["C1", "C2", "C3"], dtype=TEXT_DTYPE),
        "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
        "amount": [1.0, 2.0, 3.0],
        "branch": pd.array(["北京", "上海", "北京"], dtype=TEXT_DTYPE),
        "service": pd.array([" express", "standard", ""], dtype=TEXT_DTYPE),
    })
    frame = prepare_table(raw, "transactions").frame
    assert data_buffer(frame["customer_id"]) == data_buffer(raw["customer_id"])
    assert data_buffer(frame["branch"]) == data_buffer(raw["branch"])
    assert frame["service"].tolist()[:2] == ["express", "standard"]
    assert pd.isna(frame["service"].iloc[2])
