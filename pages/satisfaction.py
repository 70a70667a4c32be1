"""Satisfaction and complaints: where service slips, for whom, and what drives it."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import ui.strings_satisfaction  # noqa: F401  (registers the page strings)
from segmentation import i18n
from segmentation import satisfaction as sat
from segmentation.satisfaction import charts
from segmentation.tiers import assign
from ui import context
from ui.scoping import customer_rows, scope_caption
from ui.tier_state import current_tier_settings

DAYS = context.PERIOD_DAYS
MONTHS = 24
BASELINE_PERIODS = 2
MIN_RESPONSES = 10
MIN_DRIVER_RESPONSES = 30


@st.cache_resource(show_spinner=False, max_entries=8)
def _graded(dataset_id: str, as_of: date, with_surveys: bool, filters: tuple, grading: str,
            scope_key: tuple, _all: sat.SatisfactionData,
            _tiers: pd.Series) -> sat.SatisfactionData:
    """The customers of the sidebar filters (within the user's scope, which ``_all``
    already is), with the tiers of the current grading."""
    return _all.select(dict(filters)).with_tiers(_tiers)


ctx = context.current()
lang, t = ctx.lang, ctx.t
filters = ctx.filters

st.title(t("sat.title"))
dataset = ctx.snap.dataset_id
with st.spinner(t("common.loading")):
    try:
        everything = ctx.satisfaction()
        scale_problem = None
    except sat.SatisfactionError as err:  # scores on no known scale: complaints still work
        scale_problem = err.message(lang)
        everything = ctx.satisfaction(False)
with_surveys = scale_problem is None
# tiers as on the tiers and churn pages: the current grading, ranked within the filters
SETTINGS = current_tier_settings(lang)
graded = _graded(dataset, ctx.as_of, with_surveys, filters, SETTINGS.to_json(), ctx.scope_key,
                 everything,
                 assign(ctx.scoring_base(), SETTINGS).scored["tier"])

# ---------------------------------------------------------------- page controls
tier_options = [tier for tier in SETTINGS.tiers
                if tier in set(graded.attributes["tier"].dropna())]


def reseed(key: str, options: list) -> None:
    """Set a choice widget's state again before drawing it (dropping stale choices).

    Its option labels follow the language: a value set by the script is redrawn
    with the current labels, a value kept by the browser would not be.
    """
    if key not in st.session_state:
        return
    value = st.session_state[key]
    if isinstance(value, list):
        st.session_state[key] = [v for v in value if v in options]
    elif value in options:
        st.session_state[key] = value
    else:
        del st.session_state[key]


reseed("sat_tier", tier_options)
reseed("sat_scale", ["auto", *sat.SCALES])
c_tier, c_scale, c_sla = st.columns([2, 1, 1])
with c_tier:
    chosen_tiers = st.multiselect(t("sat.tier_filter"), options=tier_options,
                                  format_func=lambda k: SETTINGS.label(k, lang),
                                  placeholder=t("filter.all"), key="sat_tier",
                                  help=t("sat.tier_filter.help"))
with c_scale:
    detected = everything.scale
    scale_key = st.selectbox(
        t("sat.scale_choice"), options=["auto", *sat.SCALES],
        format_func=lambda k: (t("sat.scale_choice.auto", scale=detected.label(lang))
                               if k == "auto" and detected is not None
                               else sat.SCALES[k].label(lang) if k != "auto" else "–"),
        key="sat_scale", help=t("sat.scale_choice.help"), disabled=not everything.has_surveys)
with c_sla:
    sla = int(st.number_input(t("sat.sla"), min_value=1, max_value=365, value=7, step=1,
                              key="sat_sla", help=t("sat.sla.help")))

data = graded.select(tiers=chosen_tiers).with_scale(None if scale_key == "auto" else scale_key)
scale = data.scale
if scale is not None:
    st.caption(t("sat.caption", days=DAYS, as_of=ctx.as_of.isoformat(), scale=scale.label(lang)))
else:
    st.caption(t("sat.caption.no_surveys", days=DAYS, as_of=ctx.as_of.isoformat()))
scope_caption(ctx)
if scale_problem:
    st.error(t("sat.scale_error", message=scale_problem))
if not data.has_surveys and not data.has_complaints:
    st.info(t("sat.need_surveys"))
    st.info(t("sat.need_complaints"))
    st.stop()

kind = scale.kind if scale is not None else "csat"
index_name = t(f"sat.metric.{kind}")


def fmt_index(value: float) -> str:
    if pd.isna(value):
        return "–"
    return f"{value * 100:+.0f}" if kind == "nps" else i18n.fmt_pct(value, lang)


def fmt_change(value: float) -> str | None:
    if pd.isna(value):
        return None
    if kind == "nps":
        return f"{value * 100:+.0f}"
    return t("sat.pp", value=f"{value * 100:+.1f}")


def group_label(column: str, value: object) -> str:
    if column == "tier":
        return SETTINGS.label(str(value), lang)
    if column in ("category", "severity"):
        return sat.label(column, value, lang)
    return context.value_label(value, lang)


def group_title(column: str) -> str:
    if column == "tier":
        return t("sat.group.tier")
    if column in ("category", "severity"):
        return t(f"sat.cp.by.{column}")
    return t(f"filter.{column}")


def dim_label(dim: str) -> str:
    return sat.label("dimension", dim, lang)


# ---------------------------------------------------------------- headline
figures = sat.headline(data, period_days=DAYS, sla_days=sla)
cols = st.columns(4)
with cols[0]:
    if "index" in figures.index:
        row = figures.loc["index"]
        st.metric(index_name, fmt_index(row["current"]),
                  delta=fmt_change(row["current"] - row["previous"]), border=True,
                  help=t("sat.metric.index.help", scale=scale.label(lang), days=DAYS,
                         value=fmt_index(row["current"]), lo=fmt_index(row["lo"]),
                         hi=fmt_index(row["hi"]),
                         n=i18n.fmt_int(figures.loc["responses", "current"], lang)))
    else:
        st.metric(t("sat.metric.csat"), "–", border=True, help=t("sat.metric.need_surveys"))
with cols[1]:
    if "responses" in figures.index:
        row = figures.loc["responses"]
        st.metric(t("sat.metric.responses"), i18n.fmt_int(row["current"], lang),
                  delta=f"{row['current'] - row['previous']:+,.0f}", delta_color="off",
                  border=True, help=t("sat.metric.responses.help", days=DAYS))
    else:
        st.metric(t("sat.metric.responses"), "–", border=True,
                  help=t("sat.metric.need_surveys"))
with cols[2]:
    if "complaint_rate" in figures.index:
        row = figures.loc["complaint_rate"]
        delta = row["current"] - row["previous"]
        st.metric(t("sat.metric.rate"), i18n.fmt_float(row["current"], lang, decimals=1),
                  delta=None if pd.isna(delta) else f"{delta:+.1f}", delta_color="inverse",
                  border=True, help=t(
                      "sat.metric.rate.help", days=DAYS,
                      n=i18n.fmt_int(figures.loc["complaints", "current"], lang),
                      shipments=i18n.fmt_int(data.shipment_total(sat.CURRENT), lang)))
    else:
        st.metric(t("sat.metric.rate"), "–", border=True, help=t("sat.metric.need_complaints"))
with cols[3]:
    if "open_past_sla" in figures.index:
        st.metric(t("sat.metric.past_sla"),
                  i18n.fmt_int(figures.loc["open_past_sla", "current"], lang), border=True,
                  help=t("sat.metric.past_sla.help", sla=sla,
                         open=i18n.fmt_int(figures.loc["open", "current"], lang)))
    else:
        st.metric(t("sat.metric.past_sla"), "–", border=True,
                  help=t("sat.metric.need_complaints"))

tabs = st.tabs([t("sat.tab.trends"), t("sat.tab.drivers"), t("sat.tab.complaints"),
                t("sat.tab.voice"), t("sat.tab.links")])


def surveys_ready() -> bool:
    """Explain and return False when there is nothing to show from surveys."""
    if not data.has_surveys:
        st.info(t("sat.need_surveys"))
        return False
    if data.surveys.empty:
        no_ids = (everything.surveys is not None and not everything.surveys.empty
                  and "customer_id" not in everything.surveys.columns)
        st.info(t("sat.need_customer_id") if no_ids else t("sat.no_answers"))
        return False
    return True


def complaints_ready() -> bool:
    if not data.has_complaints:
        st.info(t("sat.need_complaints"))
        return False
    if data.complaints.empty:
        st.info(t("sat.no_complaints_selected"))
        return False
    return True


GROUPS = [c for c in sat.GROUP_COLUMNS if c in graded.attributes.columns]
PCT = dict(format="percent")
COUNT = dict(format="localized")
IDX = dict(format="%+.0f") if kind == "nps" else PCT
#: differences of a CSAT in percentage points, of an NPS in points
DIFF = dict(format="%+.0f") if kind == "nps" else dict(format="%+.1f")
MARGIN = dict(format="%.0f") if kind == "nps" else dict(format="%.1f")
POINTS = "nps" if kind == "nps" else "pp"  # the unit of differences in column labels


def index_columns(frame: pd.DataFrame, columns: list[str],
                  differences: tuple[str, ...] = ()) -> pd.DataFrame:
    """For display: NPS as -100..+100 and differences in points (CSAT levels stay shares)."""
    out = frame.copy()
    for col in (*columns, *differences):
        if col in out and (kind == "nps" or col in differences):
            out[col] = out[col] * 100
    return out


# ---------------------------------------------------------------- trends
with tabs[0]:
    if surveys_ready():
        trend = sat.survey_trend(data, months=MONTHS)
        st.plotly_chart(charts.score_trend(
            trend, kind=kind, title=t("sat.trend.title", index=index_name),
            month_label=t("sat.trend.month"), index_label=index_name,
            responses_label=t("sat.trend.responses"), band_label=t("sat.trend.band")),
            key="sat_trend_chart")
        st.caption(t("sat.trend.caption"))
        if data.dimensions:
            dims = sat.dimension_trend(data, months=MONTHS)
            st.plotly_chart(charts.dimension_panels(
                dims, names={d: dim_label(d) for d in ("score", *data.dimensions)},
                title=t("sat.dims.title"), y_label=t("sat.dims.axis")),
                key="sat_dims_chart")

        st.subheader(t("sat.compare.header"))
        by = None
        if GROUPS:
            reseed("sat_compare_by", GROUPS)
            st.session_state.setdefault("sat_compare_by", GROUPS[0])
            by = st.segmented_control(t("sat.compare.by"), options=GROUPS,
                                      format_func=group_title, key="sat_compare_by")
        if by:
            cmp = sat.compare_groups(data, by, period_days=DAYS,
                                     baseline_periods=BASELINE_PERIODS,
                                     min_responses=MIN_RESPONSES)
            if cmp.empty:
                st.info(t("sat.no_answers"))
            else:
                shown = cmp.reset_index()
                shown["label"] = [group_label(by, v) for v in shown[by]]
                st.plotly_chart(charts.group_intervals(
                    shown, group="label", kind=kind,
                    title=t("sat.compare.title", index=index_name, group=group_title(by),
                            days=DAYS),
                    value_label=index_name, now_label=t("sat.compare.now", days=DAYS),
                    baseline_label=t("sat.compare.baseline", days=DAYS * BASELINE_PERIODS),
                    alert_label=t("sat.compare.alert")), key="sat_compare_chart")
                st.caption(t("sat.compare.caption", days=DAYS, base=DAYS * BASELINE_PERIODS))
                shown = index_columns(shown, ["index", "index_lo", "index_hi", "baseline_index"],
                                      ("change", "margin"))
                config = {
                    "label": st.column_config.TextColumn(group_title(by)),
                    "responses": st.column_config.NumberColumn(t("sat.col.responses"), **COUNT),
                    "index": st.column_config.NumberColumn(index_name, **IDX),
                    "index_lo": st.column_config.NumberColumn(t("sat.col.index_lo"), **IDX),
                    "index_hi": st.column_config.NumberColumn(t("sat.col.index_hi"), **IDX),
                    "mean": st.column_config.NumberColumn(t("sat.col.mean"), format="%.2f"),
                    "baseline_responses": st.column_config.NumberColumn(
                        t("sat.col.baseline_responses"), **COUNT),
                    "baseline_index": st.column_config.NumberColumn(t("sat.col.baseline_index"),
                                                                    **IDX),
                    "change": st.column_config.NumberColumn(t(f"sat.col.change.{POINTS}"), **DIFF),
                    "margin": st.column_config.NumberColumn(t(f"sat.col.margin.{POINTS}"),
                                                            **MARGIN),
                    "alert": st.column_config.CheckboxColumn(t("sat.col.alert")),
                    **{d: st.column_config.NumberColumn(dim_label(d), format="%.2f")
                       for d in data.dimensions},
                }
                st.dataframe(shown, column_order=list(config), column_config=config,
                             hide_index=True, key="sat_compare_table")

        st.subheader(t("sat.alerts.header"))
        alerts = sat.score_alerts(data, by=GROUPS, period_days=DAYS,
                                  baseline_periods=BASELINE_PERIODS,
                                  min_responses=MIN_RESPONSES)
        if alerts.empty:
            st.success(t("sat.alerts.none"))
        else:
            st.warning(t("sat.alerts.some", n=len(alerts)))
            shown = alerts.assign(
                grouping=[group_title(g) for g in alerts["grouping"]],
                group=[group_label(g, v) for g, v in zip(alerts["grouping"], alerts["group"],
                                                          strict=True)])
            shown = index_columns(shown, ["index", "baseline_index"], ("change", "margin"))
            config = {
                "grouping": st.column_config.TextColumn(t("sat.col.grouping")),
                "group": st.column_config.TextColumn(t("sat.col.group")),
                "responses": st.column_config.NumberColumn(t("sat.col.responses"), **COUNT),
                "index": st.column_config.NumberColumn(index_name, **IDX),
                "baseline_responses": st.column_config.NumberColumn(
                    t("sat.col.baseline_responses"), **COUNT),
                "baseline_index": st.column_config.NumberColumn(t("sat.col.baseline_index"),
                                                                **IDX),
                "change": st.column_config.NumberColumn(t(f"sat.col.change.{POINTS}"), **DIFF),
                "margin": st.column_config.NumberColumn(t(f"sat.col.margin.{POINTS}"), **MARGIN),
            }
            st.dataframe(shown, column_order=list(config), column_config=config,
                         hide_index=True, key="sat_alert_table")
        with st.expander(t("sat.alerts.rule_title")):
            st.markdown(t("sat.alerts.rule", index=index_name, days=DAYS,
                          base=DAYS * BASELINE_PERIODS, min_n=MIN_RESPONSES))

# ---------------------------------------------------------------- drivers
with tabs[1]:
    if surveys_ready():
        tiers_here = [k for k in tier_options
                      if not chosen_tiers or k in chosen_tiers]
        reseed("sat_driver_group", ["_all", *tiers_here])
        choice = st.selectbox(
            t("sat.drivers.group"), options=["_all", *tiers_here],
            format_func=lambda k: (t("sat.drivers.all") if k == "_all"
                                   else t("sat.drivers.tier", tier=SETTINGS.label(k, lang))),
            key="sat_driver_group")
        if choice == "_all":
            drivers = sat.key_drivers(data, min_responses=MIN_DRIVER_RESPONSES)
        else:
            drivers = sat.key_drivers(data.select(tiers=[choice]),
                                      min_responses=MIN_DRIVER_RESPONSES)
        if drivers.empty:
            st.info(t("sat.drivers.none", n=MIN_DRIVER_RESPONSES))
        else:
            top = [f"{dim_label(d)} ({i18n.fmt_pct(s, lang, decimals=0)})"
                   for d, s in zip(drivers["dimension"][:3], drivers["share"][:3],
                                   strict=True)]
            fix = [dim_label(d) for d in drivers.loc[drivers["quadrant"] == "fix", "dimension"]]
            sep = "、" if lang == "zh" else ", "
            st.markdown(t("sat.drivers.summary", drivers=sep.join(top), fix=sep.join(fix))
                        if fix else t("sat.drivers.summary_nofix", drivers=sep.join(top)))
            st.plotly_chart(charts.driver_quadrant(
                drivers, names={d: dim_label(d) for d in drivers["dimension"]},
                quadrant_names={q: sat.label("quadrant", q, lang)
                                for q in sat.DRIVER_QUADRANTS},
                title=t("sat.drivers.title"), importance_label=t("sat.drivers.importance"),
                performance_label=t("sat.drivers.performance")), key="sat_driver_chart")
            st.caption(t("sat.drivers.caption", n=i18n.fmt_int(drivers["responses"].iloc[0],
                                                                 lang)))
            shown = drivers.assign(dimension=[dim_label(d) for d in drivers["dimension"]],
                                   quadrant=[sat.label("quadrant", q, lang)
                                             for q in drivers["quadrant"]])
            config = {
                "dimension": st.column_config.TextColumn(t("sat.col.dimension")),
                "importance": st.column_config.NumberColumn(t("sat.col.importance"),
                                                            format="%.3f"),
                "share": st.column_config.ProgressColumn(t("sat.col.importance_share"),
                                                         format="percent", min_value=0.0,
                                                         max_value=1.0),
                "correlation": st.column_config.NumberColumn(t("sat.col.correlation"),
                                                             format="%.2f"),
                "performance": st.column_config.NumberColumn(t("sat.col.performance"),
                                                             format="%.2f"),
                "quadrant": st.column_config.TextColumn(t("sat.col.quadrant")),
            }
            st.dataframe(shown, column_order=list(config), column_config=config,
                         hide_index=True, key="sat_driver_table")

# ---------------------------------------------------------------- complaints
with tabs[2]:
    if complaints_ready():
        cp_trend = sat.complaint_trend(data, months=MONTHS)
        mix = sat.complaint_mix(data, "category", months=MONTHS)
        st.plotly_chart(charts.complaint_trend(
            cp_trend, mix, by="category",
            names={c: sat.label("category", c, lang) for c in mix["category"].unique()},
            title=t("sat.cp.trend.title"), month_label=t("sat.trend.month"),
            count_label=t("sat.cp.count"), rate_label=t("sat.cp.rate")),
            key="sat_cp_trend_chart")

        options = [c for c in ("category", "severity", "branch", "tier")
                   if c in data.complaints.columns]
        reseed("sat_cp_by", options)
        st.session_state.setdefault("sat_cp_by", options[0])
        cp_by = st.segmented_control(t("sat.cp.by"), options=options, format_func=group_title,
                                     key="sat_cp_by")
        if cp_by:
            table = sat.complaint_breakdown(data, cp_by, period_days=DAYS, sla_days=sla)
            if not table.empty:
                shown = table.reset_index()
                shown["label"] = [group_label(cp_by, v) for v in shown[cp_by]]
                rate = "per_1000" in shown and shown["per_1000"].notna().any()
                value = "per_1000" if rate else "complaints"
                ordered = shown.sort_values(value, ascending=False).head(25)
                st.plotly_chart(charts.count_bars(
                    ordered, label="label", value=value,
                    title=t("sat.cp.by.title" if rate else "sat.cp.by.title_count",
                            by=group_title(cp_by), days=DAYS),
                    value_label=t("sat.cp.rate" if rate else "sat.cp.count"),
                    text=[f"{n:,}" for n in ordered["complaints"]] if rate else None),
                    key="sat_cp_by_chart")
                config = {
                    "label": st.column_config.TextColumn(group_title(cp_by)),
                    "complaints": st.column_config.NumberColumn(t("sat.col.complaints"), **COUNT),
                    "share": st.column_config.NumberColumn(t("sat.col.share"), **PCT),
                    "per_1000": st.column_config.NumberColumn(t("sat.col.per_1000"),
                                                              format="%.1f"),
                    "open": st.column_config.NumberColumn(t("sat.col.open"), **COUNT),
                    "open_past_sla": st.column_config.NumberColumn(t("sat.col.open_past_sla"),
                                                                   **COUNT),
                    "median_days": st.column_config.NumberColumn(t("sat.col.median_days"),
                                                                 format="%.1f"),
                    "p90_days": st.column_config.NumberColumn(t("sat.col.p90_days"),
                                                              format="%.1f"),
                    "within_sla": st.column_config.NumberColumn(t("sat.col.within_sla"), **PCT),
                }
                st.dataframe(shown, column_order=[c for c in config if c in shown],
                             column_config=config, hide_index=True, key="sat_cp_table")
            else:
                st.info(t("sat.no_complaints_selected"))

        res = sat.resolution_summary(data, sla_days=sla)
        if not res["resolved"]:
            st.info(t("sat.cp.res.none"))
        else:
            st.plotly_chart(charts.resolution_histogram(
                data.complaints, sla_days=sla, by="severity",
                names={s: sat.label("severity", s, lang) for s in ("low", "medium", "high")},
                title=t("sat.cp.res.title"), days_label=t("sat.cp.res.days"),
                count_label=t("sat.cp.res.count"), sla_label=t("sat.cp.res.sla", days=sla)),
                key="sat_res_chart")
            st.caption(t("sat.cp.res.caption", n=i18n.fmt_int(res["resolved"], lang),
                         median=i18n.fmt_float(res["median_days"], lang, decimals=0),
                         p90=i18n.fmt_float(res["p90_days"], lang, decimals=0),
                         share=i18n.fmt_pct(res["within_sla"], lang), sla=sla))

        st.subheader(t("sat.cp.sla.header"))
        late = sat.sla_breaches(data, sla_days=sla)
        if late.empty:
            st.success(t("sat.cp.sla.none", sla=sla))
        else:
            st.warning(t("sat.cp.sla.some", n=i18n.fmt_int(len(late), lang), sla=sla))
        if not late.empty and customer_rows(ctx):
            shown = late.assign(**{c: [group_label(c, v) if pd.notna(v) else "" for v in late[c]]
                                   for c in ("category", "severity", "tier") if c in late})
            config = {c: st.column_config.TextColumn(t(f"sat.col.{c}")) for c in
                      ("complaint_id", "customer_id", "category", "severity")}
            config.update({
                "date": st.column_config.DateColumn(t("sat.col.date"), format="YYYY-MM-DD"),
                "branch": st.column_config.TextColumn(t("filter.branch")),
                "tier": st.column_config.TextColumn(t("sat.group.tier")),
                "age_days": st.column_config.NumberColumn(t("sat.col.age_days")),
                "days_over": st.column_config.NumberColumn(t("sat.col.days_over")),
            })
            st.dataframe(shown, column_order=[c for c in config if c in shown],
                         column_config=config, hide_index=True, key="sat_sla_table")

        st.subheader(t("sat.cp.repeat.header"))
        repeat = sat.repeat_complainers(data, min_complaints=2, window_days=365)
        if repeat.empty:
            st.info(t("sat.cp.repeat.none"))
        else:
            st.caption(t("sat.cp.repeat.caption", n=i18n.fmt_int(len(repeat), lang)))
        if not repeat.empty and customer_rows(ctx):
            shown = repeat.reset_index()
            shown["categories"] = [
                ("、" if lang == "zh" else ", ").join(
                    sat.label("category", c, lang) for c in cats.split(", "))
                for cats in shown["categories"]]
            for c in ("tier", "customer_type"):
                if c in shown:
                    shown[c] = [group_label(c, v) if pd.notna(v) else "" for v in shown[c]]
            config = {
                "customer_id": st.column_config.TextColumn(t("sat.col.customer_id")),
                "complaints": st.column_config.NumberColumn(t("sat.col.complaints"), **COUNT),
                "open": st.column_config.NumberColumn(t("sat.col.open"), **COUNT),
                "categories": st.column_config.TextColumn(t("sat.col.categories")),
                "first_date": st.column_config.DateColumn(t("sat.col.first_date"),
                                                          format="YYYY-MM-DD"),
                "last_date": st.column_config.DateColumn(t("sat.col.last_date"),
                                                         format="YYYY-MM-DD"),
                "branch": st.column_config.TextColumn(t("filter.branch")),
                "tier": st.column_config.TextColumn(t("sat.group.tier")),
                "customer_type": st.column_config.TextColumn(t("filter.customer_type")),
            }
            st.dataframe(shown, column_order=[c for c in config if c in shown],
                         column_config=config, hide_index=True, key="sat_repeat_table")

# ---------------------------------------------------------------- voice of the customer
with tabs[3]:
    if surveys_ready():
        if "comment" not in data.surveys.columns:
            st.info(t("sat.voice.no_comment_column"))
        else:
            step = 1 if scale.high <= 10 else 5
            choices = list(range(int(scale.low), int(scale.good_min), step))
            default = min(choices, key=lambda v: abs(v - scale.low_max))
            max_score = st.select_slider(t("sat.voice.max_score"), options=choices,
                                         value=default, key="sat_voice_max")
            low = sat.low_score_comments(data, max_score=max_score)
            if low.empty:
                st.info(t("sat.voice.none", max=max_score))
            else:
                st.caption(t("sat.voice.caption", n=i18n.fmt_int(len(low), lang),
                             max=max_score))
                terms = sat.top_terms(low["comment"], n=15)
                if not terms.empty:
                    st.plotly_chart(charts.share_bars(
                        terms, label="term", share="share", count="comments",
                        title=t("sat.voice.title"), value_label=t("sat.voice.share")),
                        key="sat_voice_chart")
                if low["weakest"].notna().any():
                    st.markdown(f"**{t('sat.voice.by_dim')}**")
                    by_dim = sat.top_terms(low["comment"], groups=low["weakest"], n=3)
                    by_dim["group"] = [dim_label(g) for g in by_dim["group"]]
                    config = {
                        "group": st.column_config.TextColumn(t("sat.col.weakest")),
                        "term": st.column_config.TextColumn(t("sat.col.term")),
                        "comments": st.column_config.NumberColumn(t("sat.col.comments"),
                                                                  **COUNT),
                        "share": st.column_config.NumberColumn(t("sat.col.share"), **PCT),
                        "example": st.column_config.TextColumn(t("sat.col.example")),
                    }
                    st.dataframe(by_dim, column_order=list(config), column_config=config,
                                 hide_index=True, key="sat_voice_dims")
    st.subheader(t("sat.voice.complaints.header"))
    texts = sat.complaint_texts(data)
    if not data.has_complaints:
        st.info(t("sat.need_complaints"))
    elif texts is None:
        st.info(t("sat.voice.complaints.none"))
    else:
        by_cat = sat.top_terms(texts["text"], groups=texts["category"], n=5)
        by_cat["group"] = [group_label("category", g) for g in by_cat["group"]]
        config = {
            "group": st.column_config.TextColumn(t("sat.col.category")),
            "term": st.column_config.TextColumn(t("sat.col.term")),
            "comments": st.column_config.NumberColumn(t("sat.col.comments")),
            "share": st.column_config.NumberColumn(t("sat.col.share"), **PCT),
            "example": st.column_config.TextColumn(t("sat.col.example")),
        }
        st.dataframe(by_cat, column_order=list(config), column_config=config,
                     hide_index=True, key="sat_voice_complaints")

# ---------------------------------------------------------------- value and churn


@st.cache_resource(show_spinner=False, max_entries=8)
def _summary(*key, _data: sat.SatisfactionData, _groups: pd.Series,
             order: tuple) -> pd.DataFrame:
    """Segment summaries do not depend on the page's tier choice or deadline: cache them."""
    return sat.segment_summary(_data, _groups, period_days=DAYS, order=list(order))


def _compare(groups: pd.Series, names: dict[str, str], key: str, *source) -> None:
    summary = _summary(dataset, ctx.as_of, with_surveys, filters, ctx.scope_key,
                       SETTINGS.to_json(), scale_key, key, *source,
                       _data=graded.with_scale(None if scale_key == "auto" else scale_key),
                       _groups=groups, order=tuple(names))
    shown = summary.reset_index()
    shown["label"] = [names.get(g, g) for g in shown["group"]]
    if "index" in shown and shown["index"].notna().any():
        st.plotly_chart(charts.group_intervals(
            shown, group="label", kind=kind,
            title=t("sat.links.chart", index=index_name, days=DAYS), value_label=index_name,
            now_label=t("sat.compare.now", days=DAYS), baseline_label="",
            alert_label=""), key=f"{key}_chart")
    shown = index_columns(shown, ["index", "index_lo", "index_hi"])
    config = {
        "label": st.column_config.TextColumn(t("sat.col.group"), width="medium"),
        "customers": st.column_config.NumberColumn(t("sat.col.customers"), **COUNT),
        "responses": st.column_config.NumberColumn(t("sat.col.responses"), **COUNT),
        "index": st.column_config.NumberColumn(index_name, **IDX),
        "index_lo": st.column_config.NumberColumn(t("sat.col.index_lo"), **IDX),
        "index_hi": st.column_config.NumberColumn(t("sat.col.index_hi"), **IDX),
        "mean": st.column_config.NumberColumn(t("sat.col.mean"), format="%.2f"),
        "complaints": st.column_config.NumberColumn(t("sat.col.complaints"), **COUNT),
        "complainants": st.column_config.NumberColumn(t("sat.col.complainants"), **PCT),
        "per_1000": st.column_config.NumberColumn(t("sat.col.per_1000"), format="%.1f"),
        "open": st.column_config.NumberColumn(t("sat.col.open"), **COUNT),
    }
    st.dataframe(shown, column_order=[c for c in config if c in shown], column_config=config,
                 hide_index=True, key=f"{key}_table")


with tabs[4]:
    st.subheader(t("sat.links.top.header"))
    st.caption(t("sat.links.top.caption", days=DAYS))
    if tier_options:
        top_tier = tier_options[0]
        with_tier = graded.attributes["tier"].dropna()  # customers outside the view: no tier
        groups = with_tier.eq(top_tier).map({True: "top", False: "rest"})
        _compare(groups, {"top": t("sat.links.top", tier=SETTINGS.label(top_tier, lang)),
                          "rest": t("sat.links.rest")}, "sat_links_top")
    st.subheader(t("sat.links.churn.header"))
    # the churn page scores once per dataset, date and definition; reuse its scores
    ready = st.session_state.get("churn_ready")
    horizon = None
    if ready and tuple(ready[:2]) == (dataset, ctx.as_of):
        churn = sat.churn_groups(ctx.churn_scores(ready[2], ready[3]))
        horizon = ready[2]
    else:  # a view that already carries churn scores (e.g. from the batch CLI)
        churn = sat.churn_groups(ctx.full_view())
    if churn is None:
        st.info(t("sat.links.churn.pending"))
    else:
        if horizon is not None:
            st.caption(t("sat.links.churn.caption", h=horizon, days=DAYS))
        _compare(churn, {"warning": t("sat.links.churn.warning"),
                         "other": t("sat.links.churn.other")}, "sat_links_churn", ready)
