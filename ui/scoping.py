"""What a page says about the user's data scope, and the gate in front of customer rows."""

from __future__ import annotations

import streamlit as st

from segmentation import i18n
from segmentation.access import Scope
from segmentation.textsafe import md

i18n.register({
    "scope.caption": {
        "en": "Tiers and risk are computed across the whole network; you see the customers "
              "of {scope}.",
        "zh": "客户等级和流失风险按全网计算；您看到的是{scope}的客户。",
    },
    "scope.branch": {"en": "branch {name}", "zh": "网点“{name}”"},
    "scope.region": {"en": "region {name}", "zh": "区域“{name}”"},
    "scope.nothing": {"en": "no branch (none is assigned to you)",
                      "zh": "无网点（您尚未被分配网点）"},
    "side.source.summary.scoped": {
        "en": "{customers} customers in your scope  \n{start} – {end}",
        "zh": "您的范围内共 {customers} 位客户  \n{start} 至 {end}",
    },
    "scope.absent": {
        "en": "There are no customers of your {scope} in the current data. The data may "
              "spell it differently, or it may be missing since the last load. Ask an HQ "
              "analyst to check your account or the data (they see this in `users list`).",
        "zh": "当前数据中没有您的{scope}的客户：数据中的名称可能写法不同，"
              "或最近一次加载后已不存在。"
              "请联系总部分析员核对您的账号或数据（总部可在 `users list` 中看到此情况）。",
    },
    "scope.unassigned": {
        "en": "No branch or region is assigned to your account, so there is nothing to show. "
              "Ask an HQ analyst to assign one (`users set-role`).",
        "zh": "您的账号尚未分配网点或区域，因此没有可显示的内容。请联系总部分析员分配"
              "（`users set-role`）。",
    },
    "side.filters.fixed": {"en": "Set by your role; only HQ sees other values.",
                           "zh": "由您的角色决定；只有总部可查看其他值。"},
    "scope.no_rows": {
        "en": "Your role sees aggregates only: customer lists and customer downloads are not "
              "shown.",
        "zh": "您的角色只能查看汇总数据：不显示客户名单，也不能下载客户明细。",
    },
})


def describe(scope: Scope, lang: str) -> str:
    """``branch X and region Y`` / ``网点“X”、区域“Y”`` (the unlimited scope: empty), as
    markdown (names escaped)."""
    parts = [i18n.t("scope.branch", lang, name=md(b)) for b in scope.branches if b[:1] != "\x00"]
    parts += [i18n.t("scope.region", lang, name=md(r)) for r in scope.regions if r[:1] != "\x00"]
    if not parts and not scope.is_all:
        return i18n.t("scope.nothing", lang)
    return (" and " if lang == "en" else "、").join(parts)


def scope_caption(ctx) -> None:
    """For a limited scope: say that tiers and risk are network-wide and whose customers
    the page shows."""
    if not ctx.scope.is_all:
        st.caption(ctx.t("scope.caption", scope=describe(ctx.scope, ctx.lang)))


def customer_rows(ctx) -> bool:
    """Whether the user may see customer-level rows; if not, a short note takes their place."""
    if ctx.see_customers:
        return True
    st.info(ctx.t("scope.no_rows"), icon=":material/visibility_off:")
    return False


def scope_absent(ctx) -> bool:
    """Whether the user's limited scope holds no customer at all in the current data
    (a misspelt branch or region, or one a load removed)."""
    return not ctx.scope.is_all and ctx.customer_count(filtered=False) == 0


def absent_message(scope: Scope, lang: str) -> str:
    """Why a limited scope shows nobody: no branch assigned, or one the data lacks."""
    named = [v for v in (*scope.branches, *scope.regions) if v[:1] != "\x00"]
    if not named:
        return i18n.t("scope.unassigned", lang)
    return i18n.t("scope.absent", lang, scope=describe(scope, lang))


def no_customers(ctx) -> None:
    """The message for an empty page: the scope is missing from the data (the user cannot
    fix that with filters), or the filters match nobody."""
    if scope_absent(ctx):
        st.warning(absent_message(ctx.scope, ctx.lang), icon=":material/location_off:")
    else:
        st.warning(ctx.t("common.no_customers"))
