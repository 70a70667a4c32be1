"""Raw tables -> canonical tables: column mapping, parsing and validation.

:func:`prepare_table` maps a raw table's headers to canonical columns, parses
dates and numbers, and checks the rows. It returns the clean table with the
warnings beside it, or raises one :class:`~segmentation.schema.DataError` that
lists every fatal problem. :func:`prepare_dataset` does the same for all tables
at once and adds checks across tables.

Problem codes (messages ``problem.<code>`` in English and Chinese):

=========================  ========  ===========================================
code                       severity  what happens to the rows
=========================  ========  ===========================================
``missing_columns``        fatal     a required column is absent
``duplicate_mapping``      fatal     two headers are mapped to one column
``unknown_target``         fatal     a header is mapped to a column the table lacks
``empty_table``            fatal     no data rows
``no_transactions``        fatal     the dataset has no transactions table
``bad_dates``              *         unreadable required date: row skipped
``bad_numbers``            *         non-numeric required number: row skipped
``missing_ids``            *         empty customer_id: row skipped
``missing_values``         *         empty required date / number / text: row skipped
``bad_optional_dates``     warning   unreadable optional date: value left empty
``bad_optional_numbers``   warning   non-numeric optional number: value left empty
``duplicate_rows``         warning   exact copy of an earlier row: removed
``duplicate_customers``    warning   customers table repeats an id: first row kept
``scientific_ids``         fatal     ids a spreadsheet wrote as ``1.2E+10``
``formula_without_values`` fatal     Excel formulas never calculated (no saved values)
``control_characters``     warning   NUL, ``\x01``, ``\x0b`` … in an id or text:
                                     removed (ids: zero-width spaces too)
``competing_columns``      warning   a second header fits a mapped column: ignored
``implausible_dates``      *         date after ``today`` or far after the other
                                     rows: row set aside
``ambiguous_date_order``   warning   ``01/03/2024``-style dates, order undecidable:
                                     read month/day, stated
``future_dates``           warning   date after ``as_of``: kept (analysis ignores it)
``refunds``                warning   negative amount: kept as a refund
``score_out_of_range``     warning   score off the scale the others use: kept
``resolved_before_opened`` warning   complaint resolved before it was opened: kept
``unknown_customers``      warning   survey / complaint for a customer without
                                     transactions: kept
``customers_unmatched``    warning   no id of the customers table has transactions
=========================  ========  ===========================================

\\* fatal when more than :data:`FATAL_SHARE` of the table's rows are affected,
else a warning.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from . import i18n, sources
from .schema import (
    ALIASES,
    COLUMN_KINDS,
    REQUIRED,
    SURVEY_DIMENSIONS,
    TABLES,
    DataError,
    Problem,
    canonical_name,
    columns_of,
    normalize_header,
)

#: Share of a table's rows above which a row-level problem stops the load.
FATAL_SHARE = 0.2
#: Number of example rows a problem quotes.
MAX_EXAMPLES = 5

#: Dates outside [DATE_MIN, DATE_MAX) are treated as unreadable (placeholders
#: such as 1900-01-00 or 9999-12-31, and values beyond datetime64[ns]).
DATE_MIN = pd.Timestamp("1900-01-01")
DATE_MAX = pd.Timestamp("2200-01-01")
#: Excel's day 0 (its serial numbers count days from here, 1900 date system).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: Numbers accepted as Excel serial dates: 1990-01-01 up to 2100-01-01.
SERIAL_MIN = (pd.Timestamp("1990-01-01") - EXCEL_EPOCH).days
SERIAL_MAX = (pd.Timestamp("2100-01-01") - EXCEL_EPOCH).days

#: Scales a score can be on; a column's scale is the smallest one that holds
#: 95% of its answers.
SCORE_SCALES: tuple[tuple[float, float], ...] = ((1, 5), (0, 10), (0, 100))

#: Known spellings of categorical values -> canonical value (compared in lower
#: case). Values not listed are kept as written.
VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "customer_type": {
        "enterprise": "enterprise", "business": "enterprise", "corporate": "enterprise",
        "company": "enterprise", "b2b": "enterprise", "企业": "enterprise",
        "企业客户": "enterprise", "公司": "enterprise", "单位": "enterprise",
        "对公": "enterprise", "协议客户": "enterprise", "大客户": "enterprise",
        "individual": "individual", "personal": "individual", "private": "individual",
        "consumer": "individual", "b2c": "individual", "个人": "individual",
        "个人客户": "individual", "散户": "individual", "散客": "individual",
    },
    "area_type": {
        "urban": "urban", "city": "urban", "城市": "urban", "城镇": "urban", "城区": "urban",
        "市区": "urban", "rural": "rural", "countryside": "rural", "village": "rural",
        "农村": "rural", "乡村": "rural", "乡镇": "rural",
    },
    "status": {
        "open": "open", "pending": "open", "in progress": "open", "new": "open",
        "未解决": "open", "未处理": "open", "待处理": "open", "处理中": "open",
        "resolved": "resolved", "closed": "resolved", "done": "resolved", "solved": "resolved",
        "已解决": "resolved", "已处理": "resolved", "已办结": "resolved", "办结": "resolved",
        "已结案": "resolved", "已关闭": "resolved",
    },
}

#: The string dtype of clean id and text columns (pandas 3's default ``str``).
TEXT_DTYPE = pd.StringDtype(na_value=np.nan)

_ROW_RULE = ("These rows are skipped; if more than 20% of the rows are affected the table is "
             "not loaded.")
_ROW_RULE_ZH = "这些行已跳过；若超过 20% 的行有此问题，该表将不予加载。"

i18n.register({
    "problem.missing_columns": {
        "en": "{table}: the required column '{column}' was not found. Closest headers in the "
              "file: {suggestions}. Choose the right one in the column mapping, or rename the "
              "header to '{column}' or '{zh_name}'.",
        "zh": "{table}：找不到必需的列“{zh_name}”（{column}）。文件中最接近的列：{suggestions}。"
              "请在列映射中选择正确的列，或把表头改为“{zh_name}”或“{column}”。",
    },
    "problem.duplicate_mapping": {
        "en": "{table}: the columns {headers} are all mapped to '{column}'. Map only one of them "
              "to '{column}' and set the others to \"ignore\".",
        "zh": "{table}：列 {headers} 都被映射到了“{column}”。请只保留其中一列映射到“{column}”，"
              "其余设为“忽略”。",
    },
    "problem.unknown_target": {
        "en": "{table}: the column '{header}' is mapped to '{column}', which this table does not "
              "have. Choose one of: {valid}.",
        "zh": "{table}：列“{header}”被映射到“{column}”，但该表没有这一列。"
              "请从以下列中选择：{valid}。",
    },
    "problem.empty_table": {
        "en": "{table}: there are no data rows. Check that you chose the right file or sheet.",
        "zh": "{table}：没有任何数据行。请确认选择了正确的文件或工作表。",
    },
    "problem.no_transactions": {
        "en": "No transactions table was given. Load a file with the columns customer_id, date "
              "and amount (客户编号, 交易日期, 金额); the other tables are optional.",
        "zh": "缺少交易明细表。请上传包含客户编号、交易日期、金额（customer_id、date、amount）"
              "三列的文件；其他表可选。",
    },
    "problem.bad_dates": {
        "en": "{table}: column {col}: {rows} of {total} rows have a date that could not be read "
              "({examples}). Use a form such as 2024-03-01, 2024/3/1, 20240301 or 2024年3月1日. "
              + _ROW_RULE,
        "zh": "{table}：列 {col} 中有 {rows} 行（共 {total} 行）的日期无法识别（{examples}）。"
              "请使用 2024-03-01、2024/3/1、20240301 或 2024年3月1日 等格式。" + _ROW_RULE_ZH,
    },
    "problem.bad_numbers": {
        "en": "{table}: column {col}: {rows} of {total} rows have a value that is not a number "
              "({examples}). Write numbers such as 1234.5, 1,234.50 or ¥1,234.50. " + _ROW_RULE,
        "zh": "{table}：列 {col} 中有 {rows} 行（共 {total} 行）的值不是数字（{examples}）。"
              "请写成 1234.5、1,234.50 或 ¥1,234.50 这样的数字。" + _ROW_RULE_ZH,
    },
    "problem.missing_ids": {
        "en": "{table}: {rows} of {total} rows have no customer id in column {col} "
              "(rows {examples}). Fill in the customer id. " + _ROW_RULE,
        "zh": "{table}：有 {rows} 行（共 {total} 行）的客户编号（列 {col}）为空"
              "（第 {examples} 行）。请补全客户编号。" + _ROW_RULE_ZH,
    },
    "problem.missing_values": {
        "en": "{table}: column {col} is empty in {rows} of {total} rows (rows {examples}). "
              "Fill it in. " + _ROW_RULE,
        "zh": "{table}：列 {col} 有 {rows} 行（共 {total} 行）为空（第 {examples} 行）。请补全。"
              + _ROW_RULE_ZH,
    },
    "problem.bad_optional_dates": {
        "en": "{table}: column {col}: {rows} rows have a date that could not be read "
              "({examples}). Use a form such as 2024-03-01 or 2024/3/1; these values were left "
              "empty.",
        "zh": "{table}：列 {col} 中有 {rows} 行的日期无法识别（{examples}）。"
              "请使用 2024-03-01 或 2024/3/1 等格式；这些值已按空值处理。",
    },
    "problem.bad_optional_numbers": {
        "en": "{table}: column {col}: {rows} rows have a value that is not a number "
              "({examples}). Write numbers such as 1234.5; these values were left empty.",
        "zh": "{table}：列 {col} 中有 {rows} 行的值不是数字（{examples}）。"
              "请写成 1234.5 这样的数字；这些值已按空值处理。",
    },
    "problem.duplicate_rows": {
        "en": "{table}: {rows} rows are exact copies of an earlier row (rows {examples}) and were "
              "removed. If they are genuine repeat orders, include the time of day in the date "
              "so that they differ.",
        "zh": "{table}：有 {rows} 行与前面某行完全相同（第 {examples} 行），已删除。"
              "如果确实是重复下单，请在日期中带上具体时间以便区分。",
    },
    "problem.duplicate_customers": {
        "en": "{table}: {rows} rows repeat a customer id listed earlier ({examples}); only the "
              "first row of each customer was kept. List each customer once.",
        "zh": "{table}：有 {rows} 行的客户编号与前面的行重复（{examples}），"
              "每个客户只保留了第一行。请确保每个客户只出现一次。",
    },
    "problem.future_dates": {
        "en": "{table}: column {col}: {rows} rows are dated after the analysis date {as_of} "
              "({examples}). They were kept, but the analysis ignores them; check these dates "
              "or choose a later analysis date.",
        "zh": "{table}：列 {col} 中有 {rows} 行的日期晚于分析日期 {as_of}（{examples}）。"
              "这些行已保留，但分析时会忽略；请核对日期或选择更晚的分析日期。",
    },
    "problem.refunds": {
        "en": "{table}: column {col}: {rows} rows have a negative amount, {amount} in total "
              "({examples}). They were kept as refunds and reduce the customer's spend; if they "
              "are not refunds, correct the sign in the file.",
        "zh": "{table}：列 {col} 中有 {rows} 行金额为负数，合计 {amount}（{examples}）。"
              "这些行已作为退款保留，会抵减客户的消费额；如果不是退款，请在文件中更正符号。",
    },
    "problem.score_out_of_range": {
        "en": "{table}: column {col}: {rows} rows are outside the {low}–{high} scale that the "
              "other answers use ({examples}). They were kept; correct them if they are typing "
              "errors.",
        "zh": "{table}：列 {col} 中有 {rows} 行超出了其他答卷所用的 {low}–{high} 分制"
              "（{examples}）。这些行已保留；如为录入错误请更正。",
    },
    "problem.resolved_before_opened": {
        "en": "{table}: {rows} complaints were resolved before they were opened (column {col} is "
              "earlier than the complaint date; {examples}). They were kept; check the two dates.",
        "zh": "{table}：有 {rows} 条投诉的解决日期（列 {col}）早于投诉日期（{examples}）。"
              "这些行已保留；请核对这两个日期。",
    },
    "problem.scientific_ids": {
        "en": "{table}: column {col}: {rows} customer ids are written in scientific notation "
              "({examples}): a spreadsheet turned long numbers into values such as 1.2E+10 and "
              "lost their last digits, so different customers would merge into one. Nothing was "
              "loaded from this table. In Excel, format the id column as Text (or export it "
              "from the source system again) and save the file anew.",
        "zh": "{table}：列 {col} 中有 {rows} 个客户编号是科学计数法（{examples}）："
              "电子表格把长数字变成了 1.2E+10 这样的值并丢掉了末尾数字，不同客户会被合并成一个。"
              "此表未导入。请在 Excel 中把客户编号列设置为“文本”格式（或从源系统重新导出），"
              "再重新保存文件。",
    },
    "problem.formula_without_values": {
        "en": "{table}: column {col} holds {rows} Excel formulas without a calculated value "
              "(cells {examples}): the workbook was written by a program and never opened and "
              "saved in Excel, so these cells are empty when read. Open the workbook in Excel "
              "(or WPS / LibreOffice), save it, and load it again.",
        "zh": "{table}：列 {col} 中有 {rows} 个 Excel 公式没有计算结果（单元格 {examples}）："
              "该工作簿由程序生成，从未在 Excel 中打开并保存过，读取时这些单元格为空。"
              "请用 Excel（或 WPS、LibreOffice）打开并保存该工作簿后重新上传。",
    },
    "problem.control_characters": {
        "en": "{table}: column {col}: {rows} values contained {chars} invisible control "
              "characters such as NUL or vertical tab ({examples}). They were removed; values "
              "that differed only by them are now the same (one customer, not two).",
        "zh": "{table}：列 {col} 中有 {rows} 个值含有 {chars} 个不可见的控制字符"
              "（如 NUL、垂直制表符；{examples}）。这些字符已删除；仅因这些字符而不同的值现在视为"
              "相同（同一个客户）。",
    },
    "problem.competing_columns": {
        "en": "{table}: the columns {used} and {others} both look like '{column}' but hold "
              "different values; {used} was used and {others} ignored. If the other one is "
              "right, choose it in the column mapping, or remove the extra column from the file.",
        "zh": "{table}：列 {used} 和 {others} 看起来都是“{column}”，但内容不同；"
              "已使用 {used}，忽略了 {others}。如果另一列才是正确的，请在列映射中选择它，"
              "或从文件中删除多余的列。",
    },
    "problem.implausible_dates": {
        "en": "{table}: column {col}: {rows} of {total} rows are dated in the future (after "
              "{today}) or far after the other rows, which end on {bulk_end} ({examples}). "
              "These rows were set aside so that they do not become the analysis date and make "
              "every customer look lapsed; correct the dates and load again. If more than 20% "
              "of the rows are affected the table is not loaded.",
        "zh": "{table}：列 {col} 中有 {rows} 行（共 {total} 行）的日期在未来（晚于 {today}），"
              "或远晚于其他行（其他行截至 {bulk_end}）（{examples}）。"
              "这些行已暂不导入，以免它们被当作分析日期、让所有客户都显得已流失；"
              "请更正日期后重新上传。若超过 20% 的行有此问题，该表将不予加载。",
    },
    "problem.ambiguous_date_order": {
        "en": "{table}: column {col}: {rows} dates such as {examples} could be day/month or "
              "month/day, and no date in the column settles it; they were read as month/day "
              "(for example {sample} = {read}). If the file means day/month, choose that date "
              "order (on the Data page, or --date-order day-first in the batch command), or "
              "write the dates year first (2024-03-01).",
        "zh": "{table}：列 {col} 中有 {rows} 个日期（如 {examples}）既可理解为“日/月”也可理解为"
              "“月/日”，且该列中没有能确定顺序的日期；已按“月/日”读取（例如 {sample} = {read}）。"
              "如果文件的意思是“日/月”，请选择该日期顺序（在数据管理页面，或在批处理命令中使用 "
              "--date-order day-first），或把日期写成年份在前的格式（2024-03-01）。",
    },
    "problem.customers_unmatched": {
        "en": "{table}: none of its {customers} customer ids appears in the transactions "
              "(for example {examples}), so no customer gets its attributes (branch, type, "
              "region). Check that the right column is mapped as the customer id and that "
              "both files write the ids the same way (leading zeros, prefixes).",
        "zh": "{table}：其中的 {customers} 个客户编号没有一个出现在交易明细中（例如 {examples}），"
              "因此没有客户能获得其属性（网点、类型、区域）。请检查映射为客户编号的列是否正确，"
              "以及两个文件中的编号写法是否一致（前导零、前缀等）。",
    },
    "problem.unknown_customers": {
        "en": "{table}: {rows} rows belong to {customers} customer ids that have no transactions "
              "(for example {examples}). They were kept; check that the ids are written the "
              "same way in both files (leading zeros, prefixes).",
        "zh": "{table}：有 {rows} 行属于 {customers} 个在交易明细中不存在的客户编号"
              "（例如 {examples}）。这些行已保留；请检查两个文件中的客户编号写法是否一致"
              "（前导零、前缀等）。",
    },
})


@dataclass(frozen=True)
class PreparedTable:
    """A clean canonical table, its warnings, and the header mapping that was used.

    ``mapping`` is ``{raw header: canonical column}``; ``problems`` holds only
    warnings (fatal problems raise instead).
    """

    frame: pd.DataFrame
    problems: list[Problem]
    mapping: dict[str, str]


@dataclass(frozen=True)
class Dataset:
    """Clean canonical tables by name, every warning found while loading them, and the
    header mapping used per table (``{table: {raw header: canonical column}}``)."""

    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)


# --------------------------------------------------------------------------- text helpers


def _is_texty(values: pd.Series) -> bool:
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


def _as_text(values: pd.Series) -> pd.Series:
    """Values as stripped ``str`` with empty strings as missing."""
    text = values if values.dtype == TEXT_DTYPE else values.astype(TEXT_DTYPE)
    text = text.str.strip()
    return text.where(text != "")


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- dates

# Regexes here avoid \s, \d on non-ASCII text, look-arounds and \u escapes, so that
# pandas runs them in pyarrow (RE2) instead of Python's re: 10-20x faster on 1M rows.
_WS = "[ \t\u00a0\u2009\u202f\u3000]"  # literal characters, not \u escapes
_TZ_SUFFIX = r"([0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?) ?(?:Z|[+-][0-9]{2}:?[0-9]{2})$"
_YEAR_LAST = r"^([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})(.*)$"
_NAT = np.datetime64("NaT", "ns")


def _to_ns(parsed: pd.Series) -> np.ndarray:
    """Parsed datetimes as a naive datetime64[ns] array, NaT outside [DATE_MIN, DATE_MAX)."""
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    parsed = parsed.where((parsed >= DATE_MIN) & (parsed < DATE_MAX))
    return parsed.to_numpy(dtype="datetime64[ns]", na_value=_NAT)


def _iso(text: pd.Series) -> np.ndarray:
    """ISO-like strings (pandas' lenient ISO 8601 parser) -> datetime64[ns]; NaT where not."""
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except (ValueError, OverflowError):
        # Mixed UTC offsets: keep each value's wall-clock time, as written.
        text = text.str.replace(_TZ_SUFFIX, r"\1", regex=True)
        try:
            parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
        except (ValueError, OverflowError):
            parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    out = _to_ns(parsed)
    # The ISO parser also takes "2024" and "2024-03"; a date needs a day.
    out[(text.str.len() < 8).to_numpy(dtype=bool, na_value=True)] = _NAT
    return out


def _from_numbers(num: np.ndarray) -> np.ndarray:
    """Excel serial days and yyyymmdd integers -> datetime64[ns]; NaT elsewhere."""
    out = np.full(len(num), _NAT)
    with np.errstate(invalid="ignore"):
        serial = (num >= SERIAL_MIN) & (num < SERIAL_MAX)
        ymd = (num >= 19000101) & (num < 22000101) & (num == np.floor(num))
    if serial.any():
        seconds = np.round(num[serial] * 86400).astype("int64")
        out[serial] = EXCEL_EPOCH.to_datetime64() + seconds.astype("timedelta64[s]")
    if ymd.any():
        ints = num[ymd].astype("int64")
        parts = pd.DataFrame({"year": ints // 10000, "month": ints // 100 % 100,
                              "day": ints % 100})
        out[ymd] = pd.to_datetime(parts, errors="coerce").to_numpy(dtype="datetime64[ns]")
    return out


def _year_last(text: pd.Series, day_first: bool | None = None) -> np.ndarray:
    """``m/d/yyyy`` or ``d/m/yyyy``, one order for the whole column (see :func:`parse_dates`)."""
    out = np.full(len(text), _NAT)
    match = np.flatnonzero(text.str.match(_YEAR_LAST).to_numpy(dtype=bool, na_value=False))
    if len(match):
        sub = text.iloc[match]
        month_first = _iso(sub.str.replace(_YEAR_LAST, r"\3-\1-\2\4", regex=True))
        day_first_ = _iso(sub.str.replace(_YEAR_LAST, r"\3-\2-\1\4", regex=True))
        if day_first is None:
            day_first = (~np.isnat(day_first_)).sum() > (~np.isnat(month_first)).sum()
        out[match] = day_first_ if day_first else month_first
    return out


def _fill(out: np.ndarray, todo: np.ndarray, pos: np.ndarray, parsed: np.ndarray) -> None:
    """Write the parsed values at ``pos`` into ``out`` and mark them done."""
    ok = ~np.isnat(parsed)
    out[pos[ok]] = parsed[ok]
    todo[pos[ok]] = False


def _chinese(text: pd.Series) -> np.ndarray:
    """``2024年3月1日`` (with an optional time)."""
    out = np.full(len(text), _NAT)
    pos = np.flatnonzero(text.str.contains("[年月]", regex=True).to_numpy(dtype=bool))
    if len(pos):
        sub = text.iloc[pos].str.replace("[年月]", "-", regex=True)
        out[pos] = _iso(sub.str.replace("[日号]", " ", regex=True).str.strip())
    return out


def _serials(text: pd.Series) -> np.ndarray:
    """Excel serial days written as text (``45352``, ``45352.5``)."""
    numeric = text.str.fullmatch(r"[0-9]+(?:\.[0-9]+)?").to_numpy(dtype=bool, na_value=False)
    num = np.full(len(text), np.nan)
    num[numeric] = _plain_numbers(text[numeric])
    return _from_numbers(num)


def _folded(text: pd.Series, day_first: bool | None = None) -> np.ndarray:
    """Full-width characters and stray spaces folded, then every form again (slow; few rows)."""
    text = text.str.normalize("NFKC")
    text = text.str.replace(f"{_WS}*[年月/\\-]{_WS}*", "-", regex=True)
    text = text.str.replace(f"{_WS}*[日号]{_WS}*", " ", regex=True).str.strip()
    out = np.full(len(text), _NAT)
    todo = np.ones(len(text), dtype=bool)
    for parse in (_iso, _serials, partial(_year_last, day_first=day_first)):
        pos = np.flatnonzero(todo)
        if not len(pos):
            break
        _fill(out, todo, pos, parse(text.iloc[pos]))
    return out


def parse_dates(values: pd.Series, *, day_first: bool | None = None
                ) -> tuple[pd.Series, pd.Series]:
    """Parse a column of dates written in the common ways.

    Accepted: ``2024-03-01``, ``2024/3/1``, ``2024.3.1``, ``20240301``,
    ``2024年3月1日`` (full-width digits too), each with an optional time
    (``2024-03-01 14:05``, ``2024-03-01T14:05:33``; a UTC offset is dropped and
    the written wall-clock time kept), Excel serial day numbers from 1990 to
    2100 (``45352`` is 2024-03-01; fractions are times of day), and values that
    are already datetimes. Dates with the year last (``01/02/2024``) are
    ambiguous: the order is decided once for the whole column, month/day unless
    more values are valid as day/month (US exports such as the Online Retail
    data write ``12/1/2010 8:26``), or as ``day_first`` says when it is given.
    Dates before 1900 or from 2200 on count as unreadable.

    Parameters
    ----------
    values : strings, datetimes, or numbers (Excel serials / yyyymmdd).
    day_first : the order of year-last dates: ``True`` day/month, ``False``
        month/day, ``None`` decided per column as above.

    Returns
    -------
    dates : datetime64[ns] Series (naive) on the same index; NaT where empty or
        unreadable.
    failed : bool Series, True where a value was present but could not be read.
    """
    index = values.index
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = _to_ns(values)
        failed = values.notna().to_numpy() & np.isnat(out)
        return pd.Series(out, index=index), pd.Series(failed, index=index)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        num = values.to_numpy(dtype="float64", na_value=np.nan, copy=True)
        out = _from_numbers(num)
        failed = ~np.isnan(num) & np.isnat(out)
        return pd.Series(out, index=index), pd.Series(failed, index=index)

    text = _as_text(values)
    todo = text.notna().to_numpy(copy=True)
    out = np.full(len(text), _NAT)
    for parse in (_iso, _chinese, _serials, partial(_year_last, day_first=day_first),
                  partial(_folded, day_first=day_first)):
        pos = np.flatnonzero(todo)
        if not len(pos):
            break
        _fill(out, todo, pos, parse(text.iloc[pos]))
    return pd.Series(out, index=index), pd.Series(todo, index=index)


# --------------------------------------------------------------------------- numbers

_CURRENCY = r"(?i)rmb|cny|元|[¥￥$€£]"
_GROUPED_NUMBER = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]+)?"


_PLAIN_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"


def _plain_numbers(text: pd.Series) -> np.ndarray:
    """Plain decimal strings -> float64; NaN for anything else (and for infinities)."""
    ok = text.str.fullmatch(_PLAIN_NUMBER).to_numpy(dtype=bool, na_value=False)
    out = np.full(len(text), np.nan)
    if ok.any():
        matched = text[ok]
        try:
            out[ok] = matched.astype("float64").to_numpy()
        except (ValueError, TypeError):
            out[ok] = pd.to_numeric(matched, errors="coerce").to_numpy(dtype="float64")
    out[~np.isfinite(out)] = np.nan
    return out


def parse_amounts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column of amounts or other numbers written as people write them.

    Accepted besides plain numbers: currency signs and words (``¥ ￥ $ € £ RMB
    CNY 元``), thousands separators (``,``, full-width ``，``, spaces; groups must
    be of three digits, so ``1.234,50`` and ``12,50`` are refused rather than
    misread), accounting negatives ``(123.00)``, the unicode minus ``−`` and
    full-width digits. A lone dash (``-``, ``—``), as spreadsheets show an empty
    amount, counts as missing, not as a failure.

    Parameters
    ----------
    values : strings or numbers.

    Returns
    -------
    numbers : float64 Series on the same index; NaN where empty or unreadable.
    failed : bool Series, True where a value was present but is not a number.
    """
    index = values.index
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        num = values.to_numpy(dtype="float64", na_value=np.nan, copy=True)
        failed = ~np.isnan(num) & ~np.isfinite(num)
        num[failed] = np.nan
        return pd.Series(num, index=index), pd.Series(failed, index=index)

    text = _as_text(values)
    present = text.notna().to_numpy()
    num = _plain_numbers(text)
    pos = np.flatnonzero(present & np.isnan(num))
    blank = np.zeros(len(text), dtype=bool)
    if len(pos):
        # Only simple regexes without back-references below: they run in pyarrow.
        sub = text.iloc[pos]
        wide = np.flatnonzero(sub.str.contains("[\u3000\uff01-\uff5e]", regex=True))
        if len(wide):  # full-width digits, commas, brackets: NFKC is slow, so only there
            sub = sub.copy()
            sub.iloc[wide] = sub.iloc[wide].str.normalize("NFKC")
        sub = sub.str.replace("\u2212", "-", regex=False)
        dash = sub.str.fullmatch(r"[-–—]+").to_numpy(dtype=bool, na_value=False)
        sub = sub.str.replace(_CURRENCY, "", regex=True).str.strip()
        negative = sub.str.fullmatch(r"\(.*\)").to_numpy(dtype=bool, na_value=False)
        sub = sub.where(~negative, sub.str.strip("()").str.strip())
        sub = sub.str.replace(f"^-{_WS}+", "-", regex=True)
        sub = sub.str.replace(f"^\\+{_WS}*", "", regex=True)
        sub = sub.str.replace(f"{_WS}+", ",", regex=True)
        valid = sub.str.fullmatch(_GROUPED_NUMBER) & sub.str.contains("[0-9]", regex=True)
        sub = sub.where(valid.to_numpy(dtype=bool)).str.replace(",", "", regex=False)
        parsed = _plain_numbers(sub)
        parsed = np.where(negative, -np.abs(parsed), parsed)
        num[pos] = parsed
        blank[pos[dash]] = True
    failed = present & np.isnan(num) & ~blank
    return pd.Series(num, index=index), pd.Series(failed, index=index)


# --------------------------------------------------------------------------- mapping


def _resolve_mapping(headers: Sequence[str], table: str,
                     mapping: Mapping[str, str | None] | None) -> tuple[dict[str, str],
                                                                        list[Problem]]:
    """The header mapping to use, with fatal mapping problems.

    Explicit entries win: a header mapped explicitly keeps that target (or is
    ignored when the target is empty), and no other header is mapped to a
    target chosen explicitly. Explicit entries for headers not in the table
    are ignored, so one mapping can serve several files.
    """
    valid = columns_of(table)
    present = set(headers)
    explicit = {h: (c or None) for h, c in (mapping or {}).items() if h in present}
    problems: list[Problem] = []
    for header, target in explicit.items():
        if target is not None and target not in valid:
            problems.append(Problem(table, "unknown_target", "error", column=target,
                                    params={"header": header,
                                            "valid": ", ".join(valid)}))
    taken = {c for c in explicit.values() if c in valid}
    resolved: dict[str, str] = {}
    for header in headers:
        if header in explicit:
            if explicit[header] in valid:
                resolved[header] = explicit[header]
            continue
        target = canonical_name(header, table)
        if target is not None and target not in taken:
            resolved[header] = target
            taken.add(target)
    by_target: dict[str, list[str]] = {}
    for header, target in resolved.items():
        by_target.setdefault(target, []).append(header)
    for target, group in by_target.items():
        if len(group) > 1:
            problems.append(Problem(table, "duplicate_mapping", "error", column=target,
                                    params={"headers": ", ".join(f"'{h}'" for h in group)}))
    return resolved, problems


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; expected one of {TABLES}")


def _select(raw: pd.DataFrame, table: str, resolved: Mapping[str, str]) -> pd.DataFrame:
    order = {c: i for i, c in enumerate(columns_of(table))}
    pairs = sorted(resolved.items(), key=lambda item: order[item[1]])
    positions = [list(raw.columns).index(h) for h, _ in pairs]
    frame = raw.iloc[:, positions]
    return frame.set_axis([c for _, c in pairs], axis=1)


def apply_mapping(raw: pd.DataFrame, table: str,
                  mapping: Mapping[str, str | None] | None = None) -> pd.DataFrame:
    """Rename raw headers to canonical columns and keep only those.

    Parameters
    ----------
    raw : the table as read.
    table : canonical table name.
    mapping : ``{raw header: canonical column}`` overriding the alias
        suggestions of :func:`segmentation.sources.suggest_mapping`; a target
        of ``""`` or ``None`` ignores that header.

    Returns
    -------
    DataFrame with the mapped canonical columns of ``table`` in the order of
    :func:`segmentation.schema.columns_of`; values unchanged.

    Raises
    ------
    DataError
        ``duplicate_mapping`` when two headers map to one column,
        ``unknown_target`` for a target that is not a column of ``table``.
    """
    _check_table(table)
    resolved, problems = _resolve_mapping([str(c) for c in raw.columns], table, mapping)
    if problems:
        raise DataError(problems)
    return _select(raw.set_axis([str(c) for c in raw.columns], axis=1), table, resolved)


def _zh_name(column: str) -> str:
    return next((a for a in ALIASES.get(column, ()) if re.search(r"[\u4e00-\u9fff]", a)),
                column)


def _suggestions(column: str, raw: pd.DataFrame, unmapped: Sequence[str]) -> str:
    """Unmapped headers most like ``column``: by name, else by content, else all of them."""
    names = [normalize_header(v) for v in (column, *ALIASES.get(column, ()))]
    scored = []
    for header in unmapped:
        key = normalize_header(header)
        ratio = max(difflib.SequenceMatcher(None, key, name).ratio() for name in names)
        if ratio >= 0.6:
            scored.append((ratio, header))
    picks = [h for _, h in sorted(scored, key=lambda item: -item[0])][:3]
    kind = COLUMN_KINDS.get(column)
    if not picks and kind in ("date", "number"):
        parse = parse_dates if kind == "date" else parse_amounts
        for header in unmapped:
            sample = raw.iloc[:, list(raw.columns).index(header)].dropna().head(50)
            if len(sample):
                parsed, _ = parse(sample)
                if parsed.notna().mean() >= 0.8:
                    picks.append(header)
        picks = picks[:3]
    if not picks:
        picks = list(unmapped)[:6]
    return ", ".join(f"'{h}'" for h in picks) if picks else "–"



# --------------------------------------------------------------------------- hostile text

#: Control characters removed from ids: C0, DEL, and zero-width characters that
#: make two ids look the same but compare different.
_ID_CONTROLS = "[\x00-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff]"
#: Control characters removed from other text (tab, line feed, carriage return
#: stay: a comment may hold several lines). These are the ones an .xlsx cannot hold.
_TEXT_CONTROLS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
#: An id a spreadsheet wrote in scientific notation (Excel writes ``1.23457E+10``).
_SCIENTIFIC_ID = r"[0-9](?:\.[0-9]+)?[eE]\+[0-9]{1,3}"
#: A header pandas or a spreadsheet de-duplicated (``amount.1``, ``amount_2``).
_DEDUPED_HEADER = re.compile(r"^(.*?)[ ._]?\(?[0-9]{1,2}\)?$")
#: Rows needed before a date counts as "far after the bulk" of a column.
BULK_MIN_ROWS = 10


def _visible(value: object) -> str:
    """``value`` with control characters shown as ``\\x00`` (for messages)."""
    return re.sub("[\x00-\x1f\x7f\u200b-\u200d\u2060\ufeff]",
                  lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                  else f"\\u{ord(m.group()):04x}", str(value))


def _strip_controls(text: pd.Series, kind: str) -> tuple[pd.Series, np.ndarray, int]:
    """``text`` without control characters; the rows that had some, and how many there were."""
    pattern = _ID_CONTROLS if kind == "id" else _TEXT_CONTROLS
    found = text.str.contains(pattern, regex=True).to_numpy(dtype=bool, na_value=False)
    if not found.any():
        return text, found, 0
    sub = text[found]
    count = int(sub.str.count(pattern).sum())
    clean = text.copy()
    clean[found] = sub.str.replace(pattern, "", regex=True)
    return clean, found, count


def _year_last_parts(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For ``a/b/yyyy`` values: the mask of such values and their first and second numbers."""
    match = text.str.match(_YEAR_LAST).to_numpy(dtype=bool, na_value=False)
    first = np.full(len(text), np.nan)
    second = np.full(len(text), np.nan)
    if match.any():  # replace runs in pyarrow; extract would run Python's re per value
        sub = text[match]
        first[match] = sub.str.replace(_YEAR_LAST, r"\1", regex=True).astype("float64")
        second[match] = sub.str.replace(_YEAR_LAST, r"\2", regex=True).astype("float64")
    return match, first, second


def ambiguous_date_order(values: pd.Series) -> np.ndarray:
    """Where a column's ``a/b/yyyy`` dates could be read either way, with nothing to decide.

    :func:`parse_dates` decides the order once per column; when no value of the
    column has a first or second number above 12, both orders are valid for all
    of them and month/day is taken. Returns the mask of the values whose reading
    depends on that choice (``a != b``, both at most 12); all False when some
    value settles the order, or for non-text columns.
    """
    if not _is_texty(values):
        return np.zeros(len(values), dtype=bool)
    text = _as_text(values)
    match, first, second = _year_last_parts(text)
    if not match.any():
        return np.zeros(len(values), dtype=bool)
    with np.errstate(invalid="ignore"):
        if (first[match] > 12).any() or (second[match] > 12).any():
            return np.zeros(len(values), dtype=bool)
        return match & (first != second) & (first >= 1) & (second >= 1)


def implausible_dates(dates: pd.Series, *, today: pd.Timestamp | None) -> tuple[np.ndarray,
                                                                              pd.Timestamp]:
    """Dates that cannot be real: after ``today``, or far after the bulk of the column.

    The bulk ends at the column's 99th percentile (the lower value); a date counts
    as far after it when it is later than the bulk's end by more than a year and
    by more than the bulk's whole span (only with :data:`BULK_MIN_ROWS` dates or
    more). Returns the mask and the last date that is kept.
    """
    mask = np.zeros(len(dates), dtype=bool)
    present = dates.dropna()
    if present.empty:
        return mask, pd.NaT
    if today is not None:
        mask |= (dates > pd.Timestamp(today).normalize() + pd.Timedelta(days=1)).to_numpy()
    if len(present) >= BULK_MIN_ROWS:
        bulk_end = present.quantile(0.99, interpolation="lower")
        gap = max(pd.Timedelta(days=366), bulk_end - present.min())
        mask |= (dates > bulk_end + gap).to_numpy()
    kept = dates[~mask].dropna()
    return mask, (kept.max() if len(kept) else pd.NaT)


def _competing(raw: pd.DataFrame, table: str, resolved: Mapping[str, str],
               by_column: Mapping[str, str]) -> list[Problem]:
    """Headers left unmapped that fit a column another header was mapped to, with other values."""
    problems: list[Problem] = []
    others: dict[str, list[str]] = {}
    for header in raw.columns:
        if header in resolved:
            continue
        target = canonical_name(header, table)
        if target is None:
            match = _DEDUPED_HEADER.match(str(header))
            target = canonical_name(match.group(1), table) if match else None
        if target is None or target not in by_column:
            continue
        used = raw[by_column[target]]
        other = raw[header]
        if used.astype(TEXT_DTYPE).fillna("").equals(other.astype(TEXT_DTYPE).fillna("")):
            continue  # an exact copy changes nothing
        others.setdefault(target, []).append(str(header))
    for target, headers in others.items():
        problems.append(Problem(table, "competing_columns", "warning", column=target,
                                params={"used": f"'{by_column[target]}'",
                                        "others": ", ".join(f"'{h}'" for h in headers)}))
    return problems


def _formula_problems(raw: pd.DataFrame, table: str,
                      by_column: Mapping[str, str]) -> list[Problem]:
    """Mapped columns whose Excel cells hold formulas never calculated (see sources)."""
    cells = raw.attrs.get(sources.FORMULA_CELLS_ATTR) or {}
    problems = []
    for column, header in by_column.items():
        if header in cells:
            count, refs = cells[header]
            problems.append(Problem(table, "formula_without_values", "error", column=column,
                                    rows=int(count), examples=tuple(refs),
                                    params={"col": f"'{header}'"}))
    return problems

# --------------------------------------------------------------------------- preparing


@dataclass
class _Rows:
    """Bookkeeping for row-level problems of one table."""

    table: str
    headers: Mapping[str, str]  # canonical -> raw header
    rownum: np.ndarray  # spreadsheet row number per current row
    total: int
    fatal: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def col(self, column: str) -> str:
        header = self.headers.get(column, column)
        return f"'{header}'" if header == column else f"'{header}' ({column})"

    def report(self, code: str, column: str | None, mask: np.ndarray, *,
               values: pd.Series | None = None, can_be_fatal: bool = False,
               fatal_share: float = FATAL_SHARE, **params: object) -> None:
        count = int(mask.sum())
        if not count:
            return
        pos = np.flatnonzero(mask)[:MAX_EXAMPLES]
        if values is not None:
            examples = tuple((int(self.rownum[p]), _short(values.iloc[p])) for p in pos)
        else:
            examples = tuple(int(self.rownum[p]) for p in pos)
        fatal = can_be_fatal and count > fatal_share * self.total
        problem = Problem(self.table, code, "error" if fatal else "warning", column=column,
                          rows=count, examples=examples,
                          params={"col": self.col(column) if column else "",
                                  "total": self.total, **params})
        (self.fatal if fatal else self.warnings).append(problem)


def _clean_ids(values: pd.Series) -> pd.Series:
    """Ids as stripped text; whole-number floats and Excel's trailing ``.0`` lose the ``.0``."""
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna()
        if (finite == np.floor(finite)).all():
            values = values.astype("Int64")
    text = _as_text(values)
    return text.str.replace(r"^([0-9]+)\.0+$", r"\1", regex=True)


def _clean_text(values: pd.Series, column: str) -> pd.Series:
    text = _as_text(values)
    synonyms = VALUE_SYNONYMS.get(column)
    if synonyms:
        mapped = text.str.lower().map(synonyms)
        text = text.where(mapped.isna(), mapped).astype(TEXT_DTYPE)
    return text


def _score_scale(scores: pd.Series) -> tuple[float, float] | None:
    present = scores.dropna()
    if present.empty:
        return None
    top = present.quantile(0.95)
    return next(((lo, hi) for lo, hi in SCORE_SCALES if top <= hi), None)


def prepare_table(raw: pd.DataFrame, table: str, *,
                  mapping: Mapping[str, str | None] | None = None,
                  as_of: pd.Timestamp | str | None = None,
                  today: pd.Timestamp | str | None = None,
                  day_first: bool | None = None) -> PreparedTable:
    """Map, parse and check one raw table.

    Parameters
    ----------
    raw : the table as read (any dtypes; see :mod:`segmentation.sources`).
        Row ``i`` is reported as spreadsheet row ``i + 2`` (header = row 1), or
        later when ``raw.attrs["header_row"]`` says the header sits lower.
    table : ``transactions``, ``customers``, ``surveys`` or ``complaints``.
    mapping : explicit ``{raw header: canonical column}`` (see :func:`apply_mapping`).
    as_of : analysis date; rows dated later get a ``future_dates`` warning.
    today : the real date (the library never reads the clock); rows dated after
        it are set aside (``implausible_dates``), as are rows dated far after the
        rest of the column even without it.
    day_first : order of ``01/03/2024``-style dates (see :func:`parse_dates`);
        with ``None`` an order nothing in a column settles is stated
        (``ambiguous_date_order``).

    Returns
    -------
    PreparedTable
        ``frame`` has the table's mapped canonical columns in canonical order,
        a fresh RangeIndex and rows in file order: ``customer_id`` and text
        columns ``str`` (stripped, empty = missing), date columns
        datetime64[ns] (the transactions ``date`` floored to the day), number
        columns float64. Blank lines, rows skipped for row problems and exact
        duplicate rows are gone. ``problems`` lists warnings only.

    Raises
    ------
    DataError
        Listing every fatal problem of the table (see the module docstring).
    """
    _check_table(table)
    first_row = int(raw.attrs.get(sources.HEADER_ROW_ATTR, 1)) + 1
    headers = [str(c) for c in raw.columns]
    raw = raw.set_axis(headers, axis=1) if headers != list(raw.columns) else raw
    resolved, fatal = _resolve_mapping(headers, table, mapping)
    by_column = {c: h for h, c in resolved.items()}
    unmapped = [h for h in headers if h not in resolved]
    for column in REQUIRED[table]:
        if column not in by_column:
            fatal.append(Problem(table, "missing_columns", "error", column=column,
                                 params={"suggestions": _suggestions(column, raw, unmapped),
                                         "zh_name": _zh_name(column)}))
    if fatal:
        if not (len(raw.columns) and raw.notna().any(axis=1).any()):
            fatal.append(Problem(table, "empty_table", "error"))
        raise DataError(fatal)
    formulas = _formula_problems(raw, table, by_column)
    competing = _competing(raw, table, resolved, by_column)
    selected = _select(raw, table, resolved)
    columns: dict[str, pd.Series] = {}
    controls: dict[str, tuple[np.ndarray, int, pd.Series]] = {}
    for column, values in selected.items():
        if not _is_texty(values):
            columns[column] = values
            continue
        kind = COLUMN_KINDS.get(column, "text")
        if kind not in ("id", "text"):  # dates and numbers: a control character fails parsing
            columns[column] = _as_text(values)
            continue
        text = values if values.dtype == TEXT_DTYPE else values.astype(TEXT_DTYPE)
        clean, found, count = _strip_controls(text, kind)
        if count:
            controls[column] = (found, count, text)
        columns[column] = _as_text(clean)
    frame = pd.DataFrame(columns, index=selected.index)
    keep = frame.notna().any(axis=1).to_numpy()
    if not keep.any():
        raise DataError([*formulas, Problem(table, "empty_table", "error")])

    rownum = np.flatnonzero(keep) + first_row
    keep_pos = np.flatnonzero(keep)
    frame = frame.iloc[keep_pos].reset_index(drop=True)
    rows = _Rows(table, by_column, rownum, total=len(frame))
    rows.fatal.extend(formulas)
    rows.warnings.extend(competing)
    for column, (found, count, text) in controls.items():
        found = found[keep_pos]
        shown = text.iloc[keep_pos].reset_index(drop=True).where(found)
        rows.report("control_characters", column, found,
                    values=shown.map(_visible, na_action="ignore"), chars=count)
    required = set(REQUIRED[table])
    drop = np.zeros(len(frame), dtype=bool)
    clean: dict[str, pd.Series] = {}
    for column in frame.columns:
        values = frame[column]
        kind = COLUMN_KINDS.get(column, "text")
        is_required = column in required
        failed = np.zeros(len(frame), dtype=bool)
        if kind == "id":
            clean[column] = _clean_ids(values)
            if _is_texty(values):
                scientific = values.str.fullmatch(_SCIENTIFIC_ID).to_numpy(
                    dtype=bool, na_value=False)
                rows.report("scientific_ids", column, scientific, values=values,
                            can_be_fatal=True, fatal_share=0.0)
        elif kind == "text":
            clean[column] = _clean_text(values, column)
        else:
            if kind == "date":
                parsed, failed_s = parse_dates(values, day_first=day_first)
            else:
                parsed, failed_s = parse_amounts(values)
            failed = failed_s.to_numpy()
            clean[column] = parsed
            if kind == "date" and day_first is None:
                ambiguous = ambiguous_date_order(values) & ~failed
                if ambiguous.any():
                    first = int(np.flatnonzero(ambiguous)[0])
                    rows.report("ambiguous_date_order", column, ambiguous, values=values,
                                sample=str(values.iloc[first]),
                                read=parsed.iloc[first].strftime("%Y-%m-%d"))
            if is_required:
                code = "bad_dates" if kind == "date" else "bad_numbers"
                rows.report(code, column, failed, values=values, can_be_fatal=True)
                drop |= failed
            else:
                code = "bad_optional_dates" if kind == "date" else "bad_optional_numbers"
                rows.report(code, column, failed, values=values)
        if is_required:
            empty = clean[column].isna().to_numpy() & ~failed
            code = "missing_ids" if column == "customer_id" else "missing_values"
            rows.report(code, column, empty, can_be_fatal=True)
            drop |= empty
    if rows.fatal:
        raise DataError(rows.fatal)

    result = pd.DataFrame(clean, index=frame.index)
    raw_values = frame
    if drop.any():
        keep_pos = np.flatnonzero(~drop)
        result, raw_values = result.iloc[keep_pos], raw_values.iloc[keep_pos]
        rows.rownum = rows.rownum[keep_pos]
    if "date" in result and "date" in required:
        implausible, last_kept = implausible_dates(
            result["date"], today=None if today is None else pd.Timestamp(today))
        rows.report("implausible_dates", "date", implausible, values=raw_values["date"],
                    can_be_fatal=True,
                    today="–" if today is None else pd.Timestamp(today).strftime("%Y-%m-%d"),
                    bulk_end="–" if pd.isna(last_kept) else last_kept.strftime("%Y-%m-%d"))
        if rows.fatal:
            raise DataError(rows.fatal)
        if implausible.any():
            keep_pos = np.flatnonzero(~implausible)
            result, raw_values = result.iloc[keep_pos], raw_values.iloc[keep_pos]
            rows.rownum = rows.rownum[keep_pos]
    duplicated = result.duplicated(keep="first").to_numpy()
    rows.report("duplicate_rows", None, duplicated)
    if duplicated.any():
        keep_pos = np.flatnonzero(~duplicated)
        result, raw_values = result.iloc[keep_pos], raw_values.iloc[keep_pos]
        rows.rownum = rows.rownum[keep_pos]
    _table_checks(table, result, raw_values, rows, as_of)
    if table == "transactions":
        result["date"] = result["date"].dt.floor("D")
    if table == "customers":
        repeated = result["customer_id"].duplicated(keep="first").to_numpy()
        rows.report("duplicate_customers", "customer_id", repeated,
                    values=raw_values["customer_id"])
        if repeated.any():
            result = result.iloc[np.flatnonzero(~repeated)]
    result = result.reset_index(drop=True)
    for column in result.columns:
        kind = COLUMN_KINDS.get(column, "text")
        if kind in ("id", "text"):
            result[column] = result[column].astype(TEXT_DTYPE)
        elif kind == "date":
            result[column] = result[column].astype("datetime64[ns]")
        else:
            result[column] = result[column].astype("float64")
    return PreparedTable(result, rows.warnings, dict(resolved))


def _table_checks(table: str, frame: pd.DataFrame, raw: pd.DataFrame, rows: _Rows,
                  as_of: pd.Timestamp | str | None) -> None:
    """Warnings that keep the rows: future dates, refunds, score range, complaint dates."""
    if as_of is not None and "date" in frame:
        limit = pd.Timestamp(as_of).normalize()
        later = (frame["date"].dt.normalize() > limit).to_numpy()
        rows.report("future_dates", "date", later, values=raw["date"],
                    as_of=limit.strftime("%Y-%m-%d"))
    if table == "transactions":
        negative = (frame["amount"] < 0).to_numpy()
        rows.report("refunds", "amount", negative, values=raw["amount"],
                    amount=f"{frame['amount'][negative].sum():,.2f}")
    if table == "surveys":
        for column in ("score", *SURVEY_DIMENSIONS):
            if column in frame:
                scale = _score_scale(frame[column])
                if scale is None:
                    continue
                low, high = scale
                outside = ((frame[column] < low) | (frame[column] > high)).to_numpy()
                rows.report("score_out_of_range", column, outside, values=raw[column],
                            low=f"{low:g}", high=f"{high:g}")
    if table == "complaints" and "resolved_date" in frame:
        early = (frame["resolved_date"] < frame["date"]).to_numpy()
        rows.report("resolved_before_opened", "resolved_date", early,
                    values=raw["resolved_date"])


# --------------------------------------------------------------------------- datasets


def _prepare_all(raws: Mapping[str, pd.DataFrame],
                 mappings: Mapping[str, Mapping[str, str | None]] | None,
                 as_of: pd.Timestamp | str | None,
                 today: pd.Timestamp | str | None = None,
                 day_first: bool | None = None) -> tuple[dict[str, PreparedTable],
                                                         list[Problem]]:
    prepared: dict[str, PreparedTable] = {}
    fatal: list[Problem] = []
    for table in TABLES:
        raw = raws.get(table)
        if raw is None:
            continue
        try:
            prepared[table] = prepare_table(raw, table, mapping=(mappings or {}).get(table),
                                            as_of=as_of, today=today, day_first=day_first)
        except DataError as err:
            fatal.extend(err.problems)
    return prepared, fatal


def _cross_checks(tables: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """Surveys and complaints whose customers have no transactions."""
    problems: list[Problem] = []
    if "transactions" not in tables:
        return problems
    known = pd.Index(tables["transactions"]["customer_id"].unique())
    customers = tables.get("customers")
    if customers is not None and len(customers) and not customers["customer_id"].isin(
            known).any():
        distinct = customers["customer_id"].dropna().drop_duplicates()
        problems.append(Problem("customers", "customers_unmatched", "warning",
                                column="customer_id", rows=len(customers),
                                examples=tuple(distinct.head(MAX_EXAMPLES)),
                                params={"customers": len(distinct)}))
    for table in ("surveys", "complaints"):
        frame = tables.get(table)
        if frame is None or "customer_id" not in frame:
            continue
        ids = frame["customer_id"]
        unknown = ids.notna() & ~ids.isin(known)
        if unknown.any():
            distinct = ids[unknown].drop_duplicates()
            problems.append(Problem(table, "unknown_customers", "warning",
                                    column="customer_id", rows=int(unknown.sum()),
                                    examples=tuple(distinct.head(MAX_EXAMPLES)),
                                    params={"customers": len(distinct)}))
    return problems


def _finish(prepared: Mapping[str, PreparedTable], warnings: list[Problem]) -> Dataset:
    tables = {t: p.frame for t, p in prepared.items()}
    problems = [p for t in prepared for p in prepared[t].problems]
    return Dataset(tables, [*warnings, *problems, *_cross_checks(tables)],
                   {t: p.mapping for t, p in prepared.items()})


def prepare_dataset(raws: Mapping[str, pd.DataFrame], *,
                    mappings: Mapping[str, Mapping[str, str | None]] | None = None,
                    as_of: pd.Timestamp | str | None = None,
                    today: pd.Timestamp | str | None = None,
                    day_first: bool | None = None) -> Dataset:
    """Prepare every table of a dataset and check them against each other.

    Parameters
    ----------
    raws : ``{table: raw frame}``; ``transactions`` is required, the others optional.
    mappings : ``{table: {raw header: canonical column}}`` explicit mappings.
    as_of : analysis date for the ``future_dates`` check; ``None`` skips it.
    today : the real date, for the ``implausible_dates`` check (see :func:`prepare_table`).
    day_first : order of ``01/03/2024``-style dates in every table (``None``: per column).

    Returns
    -------
    Dataset
        ``tables`` with the clean frames (see :func:`prepare_table`),
        ``problems`` with all warnings (per table, then ``unknown_customers``
        for surveys and complaints whose customers have no transactions), and
        ``mappings`` with the header mapping used per table.

    Raises
    ------
    DataError
        One error listing the fatal problems of all tables (``no_transactions``
        when that table is absent).
    """
    unknown = set(raws) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; expected some of {TABLES}")
    prepared, fatal = _prepare_all(raws, mappings, as_of, today, day_first)
    if raws.get("transactions") is None:
        fatal.insert(0, Problem("transactions", "no_transactions", "error"))
    if fatal:
        raise DataError(fatal)
    return _finish(prepared, [])


i18n.register({
    "problem.ignored_sheets": {
        "en": "The workbook '{file}' has sheets that were not recognised as any table and were "
              "ignored: {sheets}. Rename them (for example 交易明细, 客户资料, 满意度调查, "
              "投诉记录) or load them separately.",
        "zh": "工作簿“{file}”中有未能识别为任何数据表的工作表，已忽略：{sheets}。"
              "请重命名（例如 交易明细、客户资料、满意度调查、投诉记录）或单独上传。",
    },
})


def _with_table(problems: Sequence[Problem], table: str) -> list[Problem]:
    """File problems re-labelled with the table the file was given for."""
    return [replace(p, table=table) if p.table == sources.FILE_TABLE else p for p in problems]


def load_files(paths: Mapping[str, str | Path], *, encoding: str | None = None,
               as_of: pd.Timestamp | str | None = None,
               mappings: Mapping[str, Mapping[str, str | None]] | None = None,
               today: pd.Timestamp | str | None = None,
               day_first: bool | None = None) -> Dataset:
    """Read and prepare the files of a dataset (the batch CLI's loader).

    Parameters
    ----------
    paths : ``{table: path}``; ``transactions`` is required. An Excel workbook
        given for ``transactions`` whose sheets are recognised as several tables
        (:func:`segmentation.sources.read_workbook_tables`) supplies all of them,
        except tables that have a path of their own; sheets it cannot place
        give an ``ignored_sheets`` warning.
    encoding : CSV text encoding for every file; detected when ``None``.
    as_of, mappings, today, day_first : as for :func:`prepare_dataset`.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        One error listing every file that could not be read and every fatal
        problem of the files that could.
    """
    paths = {t: p for t, p in paths.items() if p}
    unknown = set(paths) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; expected some of {TABLES}")
    raws: dict[str, pd.DataFrame] = {}
    fatal: list[Problem] = []
    warnings: list[Problem] = []
    for table in TABLES:
        if table not in paths:
            continue
        path = Path(paths[table])
        try:
            if table == "transactions" and path.suffix.lower() in sources.EXCEL_SUFFIXES:
                found, unplaced = sources.read_workbook_tables(path)
                if "transactions" in found and len(found) > 1:
                    # Tables with a path of their own are read from that path below.
                    raws.update({t: f for t, f in found.items() if t not in paths or
                                 t == "transactions"})
                    if unplaced:
                        warnings.append(Problem(
                            sources.FILE_TABLE, "ignored_sheets", "warning",
                            params={"file": path.name,
                                    "sheets": ", ".join(f"'{s}'" for s in unplaced)}))
                    continue
            raws[table] = sources.read_any(path, encoding=encoding)
        except DataError as err:
            fatal.extend(_with_table(err.problems, table))
    prepared, table_fatal = _prepare_all(raws, mappings, as_of, today, day_first)
    fatal.extend(table_fatal)
    if "transactions" not in paths:
        fatal.insert(0, Problem("transactions", "no_transactions", "error"))
    if fatal:
        raise DataError(fatal)
    return _finish(prepared, warnings)
