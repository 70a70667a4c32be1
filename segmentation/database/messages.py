"""The messages of the table mapping and the saved connections (``conn.error.*``,
the codes of :class:`~segmentation.connections.ConnectionError_`), in English and
Simplified Chinese, and :func:`table_error` that fills in the table's name."""

from __future__ import annotations

from .. import i18n
from ..connections import ConnectionError_

i18n.register({
    "conn.error.mapping_incomplete": {
        "en": "The {table_en} table is chosen but not every required column is mapped: choose "
              "the database column for {columns}.",
        "zh": "已选择{table_zh}表，但必需的列尚未全部映射：请为 {columns_zh} 选择数据库中的列。",
    },
    "conn.error.need_transactions": {
        "en": "Choose the table (or write a SELECT) that holds the transactions: it is the one "
              "table every page needs.",
        "zh": "请选择存放交易明细的表（或编写一条 SELECT）：这是每个页面都需要的表。",
    },
    "conn.error.column_missing": {
        "en": "The {table_en} source has no column “{source}” (mapped to {column}). Choose "
              "another column in the mapping; the table may have changed.",
        "zh": "{table_zh}数据源中没有列“{source}”（映射为 {column_zh}）。请在列映射中重新选择；"
              "该表的结构可能已变化。",
    },
    "conn.error.wrong_type": {
        "en": "Column “{source}” of the {table_en} source ({column}) holds {found}, for example "
              "“{example}”, but {expected} are needed. Map another column, or choose “Write a "
              "SELECT” and convert it there, e.g. {cast}.",
        "zh": "{table_zh}数据源的列“{source}”（{column_zh}）存放的是{found_zh}，例如“{example}”，"
              "而这里需要{expected_zh}。请映射其他列，"
              "或改用“编写 SELECT”并在其中转换，例如 {cast}。",
    },
    "conn.error.too_many_raw_rows": {
        "en": "The {table_en} source has {rows:,} rows; this page reads them one by one and "
              "stops above {limit:,} to keep the app responsive. Choose “Write a SELECT” for it "
              "on the Data page and keep the rows this analysis needs (e.g. the last two years).",
        "zh": "{table_zh}数据源共有 {rows:,} 行；本页面需要逐行读取，超过 {limit:,} 行即停止，"
              "以保证应用响应速度。请在“数据管理”页面为它改用“编写 SELECT”，"
              "只保留分析所需的行（例如最近两年）。",
    },
    "conn.error.too_many_customers": {
        "en": "The transactions source has {customers:,} different customer ids, more than "
              "{limit:,}. Check that the customer ID is mapped to the customer's number and not "
              "to a shipment or order number; or narrow the data with a SELECT.",
        "zh": "交易明细数据源共有 {customers:,} 个不同的客户编号，超过 {limit:,}。"
              "请检查“客户编号”是否映射到了客户的编号，而不是运单号或订单号；"
              "也可以用 SELECT 缩小数据范围。",
    },
    "conn.error.no_rows": {
        "en": "The transactions source returns no rows with a date. Check the table or the "
              "WHERE condition of the SELECT.",
        "zh": "交易明细数据源没有任何带日期的行。请检查所选的表或 SELECT 中的 WHERE 条件。",
    },
    "conn.error.password_needed": {
        "en": "The password of the connection “{name}” is not saved. Open the Data page, choose "
              "the connection and enter the password.",
        "zh": "连接“{name}”的密码没有保存。请打开“数据”页面，选择该连接并输入密码。",
    },
    "conn.error.bad_table": {
        "en": "The table name “{name}” cannot be chosen directly: only letters, digits and _ "
              "are accepted (a schema may come first, as in sales.orders). Choose “Write a "
              "SELECT” instead and select from the table there, in the database's own quoting.",
        "zh": "表名“{name}”不能直接选择：只接受字母、数字和下划线"
              "（可在前面加 schema，例如 sales.orders）。请改用“编写 SELECT”，"
              "在查询中按数据库自己的引号规则从该表读取。",
    },
    "conn.error.password_again": {
        "en": "The saved password of “{name}” is only sent to {target}, the server, port, "
              "database and user it was saved for. You changed one of them: enter the "
              "password again.",
        "zh": "“{name}”保存的密码只会发送到保存时的 {target}（服务器、端口、数据库和用户）。"
              "您修改了其中某项：请重新输入密码。",
    },
    "conn.error.no_name": {
        "en": "Give the connection a name before saving it.",
        "zh": "保存前请为该连接命名。",
    },
})


def _table_words(table: str) -> tuple[str, str]:
    return i18n.t(f"table.{table}", "en"), i18n.t(f"table.{table}", "zh")


def table_error(code: str, table: str | None = None, **params: object) -> ConnectionError_:
    """A :class:`ConnectionError_` ``code``; with ``table``, its English and Chinese names
    fill ``table_en`` / ``table_zh``."""
    if table is not None:
        params["table_en"], params["table_zh"] = _table_words(table)
    return ConnectionError_(code, **params)
