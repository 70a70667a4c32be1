"""The data contract: canonical tables, their columns, header aliases and data errors.

Four canonical tables (see DESIGN.md). Only ``transactions`` is required.
Incoming headers are matched to canonical names through :data:`ALIASES`
(English and Chinese variants); an explicit mapping overrides the aliases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from . import i18n

TableName = Literal["transactions", "customers", "surveys", "complaints"]
TABLES: tuple[TableName, ...] = ("transactions", "customers", "surveys", "complaints")

REQUIRED: dict[str, tuple[str, ...]] = {
    "transactions": ("customer_id", "date", "amount"),
    "customers": ("customer_id",),
    "surveys": ("date", "score"),
    "complaints": ("customer_id", "date", "category"),
}

OPTIONAL: dict[str, tuple[str, ...]] = {
    "transactions": ("quantity", "weight_kg", "service", "channel", "branch", "destination"),
    "customers": ("name", "phone", "customer_type", "branch", "region", "area_type",
                  "signup_date", "account_manager"),
    "surveys": ("customer_id", "speed", "attitude", "accuracy", "price", "convenience",
                "channel", "comment"),
    "complaints": ("complaint_id", "severity", "status", "resolved_date"),
}

#: Canonical dtype kind per column: "id" and "text" are strings, "date" is
#: datetime64 (day precision), "number" is float64.
COLUMN_KINDS: dict[str, str] = {
    "customer_id": "id", "date": "date", "amount": "number", "quantity": "number",
    "weight_kg": "number", "service": "text", "channel": "text", "branch": "text",
    "destination": "text", "name": "text", "phone": "text", "customer_type": "text",
    "region": "text", "area_type": "text", "signup_date": "date", "account_manager": "text",
    "score": "number", "speed": "number", "attitude": "number", "accuracy": "number",
    "price": "number", "convenience": "number", "comment": "text", "category": "text",
    "complaint_id": "text", "severity": "text", "status": "text", "resolved_date": "date",
}

#: Survey dimension columns recognised by name; other numeric survey columns
#: are treated as dimensions as well.
SURVEY_DIMENSIONS: tuple[str, ...] = ("speed", "attitude", "accuracy", "price", "convenience")

#: canonical name -> header variants (compared after :func:`normalize_header`).
ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer_id", "customerid", "customer", "cust_id", "custid", "client_id",
                    "clientid", "customer_no", "customer_number", "member_id", "user_id",
                    "客户编号", "客户id", "客户号", "客户代码", "客户编码", "会员编号", "用户id"),
    "date": ("date", "invoicedate", "invoice_date", "order_date", "orderdate", "txn_date",
             "transaction_date", "ship_date", "shipment_date", "send_date", "created_at",
             "survey_date", "complaint_date", "日期", "交易日期", "寄件日期", "下单日期",
             "订单日期", "发货日期", "收寄日期", "调查日期", "投诉日期", "时间"),
    "amount": ("amount", "revenue", "sales", "total", "price_total", "total_amount",
               "order_amount", "value", "spend", "fee", "金额", "交易金额", "资费", "邮费",
               "运费", "销售额", "实收金额", "订单金额"),
    "quantity": ("quantity", "qty", "pieces", "items", "parcels", "件数", "数量", "票数"),
    "weight_kg": ("weight_kg", "weight", "kg", "重量", "重量kg", "重量(kg)", "计费重量"),
    "service": ("service", "service_type", "product", "product_type", "业务类型", "产品类型",
                "服务类型", "业务种类", "产品"),
    "channel": ("channel", "sales_channel", "source", "渠道", "下单渠道", "寄件渠道"),
    "branch": ("branch", "outlet", "store", "branch_name", "branch_id", "station", "office",
               "网点", "营业网点", "网点名称", "营业部", "门店", "支局"),
    "destination": ("destination", "dest", "dest_city", "目的地", "寄达地", "收件城市"),
    "name": ("name", "customer_name", "client_name", "客户名称", "客户姓名", "姓名", "名称"),
    "phone": ("phone", "mobile", "telephone", "tel", "phone_number", "电话", "手机",
              "手机号", "联系电话"),
    "customer_type": ("customer_type", "type", "segment", "client_type", "客户类型",
                      "客户类别", "客户性质"),
    "region": ("region", "area", "district", "province", "branch_region", "区域", "地区",
               "分公司", "大区", "片区"),
    "area_type": ("area_type", "urban_rural", "urbanrural", "城乡", "城乡类型", "区域类型"),
    "signup_date": ("signup_date", "join_date", "registration_date", "created_date",
                    "开户日期", "注册日期", "签约日期", "入网日期"),
    "account_manager": ("account_manager", "manager", "sales_rep", "客户经理", "营销经理"),
    "score": ("score", "satisfaction", "csat", "rating", "overall", "overall_score", "nps",
              "满意度", "评分", "满意度评分", "总体满意度", "综合评分"),
    "speed": ("speed", "时效", "速度", "时效性"),
    "attitude": ("attitude", "service_attitude", "服务态度", "态度"),
    "accuracy": ("accuracy", "准确性", "准确", "投递准确"),
    "price": ("price", "价格", "资费满意度"),
    "convenience": ("convenience", "便利性", "便捷性", "便利"),
    "comment": ("comment", "comments", "feedback", "remark", "text", "评价", "意见",
                "留言", "备注", "评论"),
    "category": ("category", "complaint_type", "complaint_category", "issue", "reason",
                 "投诉类别", "投诉类型", "投诉原因", "问题类型"),
    "complaint_id": ("complaint_id", "ticket_id", "case_id", "投诉编号", "工单号", "工单编号"),
    "severity": ("severity", "priority", "level", "严重程度", "等级", "紧急程度"),
    "status": ("status", "state", "处理状态", "状态"),
    "resolved_date": ("resolved_date", "closed_date", "resolution_date", "close_date",
                      "解决日期", "办结日期", "结案日期", "处理完成日期"),
}

Severity = Literal["error", "warning"]


def normalize_header(header: object) -> str:
    """Lower-case, width-fold and strip a header so that aliases match loosely.

    ``" Customer ID "``, ``"customer-id"`` and ``"CustomerID"`` all become
    ``"customerid"``-like keys; full-width characters and brackets are folded.
    """
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    text = text.lstrip("\ufeff")
    return re.sub(r"[\s_\-./（）()\[\]:：]+", "", text)


_ALIAS_INDEX: dict[str, str] = {}
for _canonical, _variants in ALIASES.items():
    for _variant in (_canonical, *_variants):
        _ALIAS_INDEX.setdefault(normalize_header(_variant), _canonical)


def columns_of(table: str) -> tuple[str, ...]:
    """All canonical columns of ``table``: required first, then optional."""
    return REQUIRED[table] + OPTIONAL[table]


def canonical_name(header: object, table: str | None = None) -> str | None:
    """The canonical column a raw header stands for, or ``None``.

    When ``table`` is given, only that table's columns are considered.
    """
    name = _ALIAS_INDEX.get(normalize_header(header))
    if name is None or table is None:
        return name
    return name if name in columns_of(table) else None


@dataclass(frozen=True)
class Problem:
    """One data problem found while loading a table.

    ``code`` names an i18n message ``problem.<code>``; ``params`` fill it.
    ``rows`` is the number of rows affected, ``examples`` a few row numbers
    (1-based, as a spreadsheet shows them, header = row 1) or values; a
    ``(row, value)`` pair is shown as "row 7: '2024-13-45'" in the message's language.
    """

    table: str
    code: str
    severity: Severity
    column: str | None = None
    rows: int = 0
    examples: tuple = ()
    params: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: str = i18n.DEFAULT_LANG) -> str:
        examples = ", ".join(_format_example(e, lang) for e in self.examples)
        return i18n.t(f"problem.{self.code}", lang, table=i18n.t(f"table.{self.table}", lang),
                      column=self.column or "", rows=self.rows, examples=examples,
                      **self.params)


def _format_example(example: object, lang: str) -> str:
    """A ``(row, value)`` pair reads "row 7: '2024-13-45'" (第 7 行：…); anything else as is."""
    if isinstance(example, tuple) and len(example) == 2:
        return i18n.t("problem.example_row", lang, row=example[0], value=example[1])
    return str(example)


class DataError(ValueError):
    """Input that cannot be loaded. Lists every fatal problem, not only the first.

    ``str(err)`` is English; :meth:`message` gives either language.
    """

    def __init__(self, problems: Sequence[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__(self.message("en"))

    def message(self, lang: str = i18n.DEFAULT_LANG) -> str:
        return "\n".join(p.message(lang) for p in self.problems)


i18n.register({
    "table.transactions": {"en": "transactions", "zh": "交易明细"},
    "table.customers": {"en": "customers", "zh": "客户资料"},
    "table.surveys": {"en": "surveys", "zh": "满意度调查"},
    "table.complaints": {"en": "complaints", "zh": "投诉记录"},
    "problem.example_row": {"en": "row {row}: '{value}'", "zh": "第 {row} 行：'{value}'"},
})
