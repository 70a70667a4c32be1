"""Data: what is loaded, and loading new files with a column mapping and a validation report."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from segmentation import i18n
from segmentation.cleaning import prepare_dataset
from segmentation.schema import TABLES, DataError
from segmentation.sources import read_any, read_workbook_tables, suggest_mapping
from segmentation.workspace import load_sample
from ui import context, db_page
from ui.mapping import column_choices, examples
from ui.state import relabel
from ui.strings import COLUMN_LABELS

ctx = context.current()
lang, t = ctx.lang, ctx.t
MAX_MB = int(st.get_option("server.maxUploadSize"))
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk", "gb18030")


def _md(text: str) -> str:
    """Escape what Streamlit markdown would interpret inside a data message."""
    for ch in ("\\", "$", "*", "_", "`", "[", "]", "<", ">"):
        text = text.replace(ch, "\\" + ch)
    return text


def table_name(table: str) -> str:
    return t(f"table.{table}")


st.title(t("data.title"))

# -- the dataset in use ----------------------------------------------------------------------
snap = ctx.snap
st.subheader(t("data.current"))
c1, c2, c3, c4 = st.columns([1, 1, 1, 2.3])
c1.metric(t("data.summary.customers"), i18n.fmt_int(snap.n_customers, lang), border=True)
c2.metric(t("data.summary.shipments"), i18n.fmt_int(snap.rows.get("transactions", 0), lang),
          border=True)
c3.metric(t("data.summary.branches"), i18n.fmt_int(snap.n_branches, lang), border=True)
c4.metric(t("data.summary.range"), f"{snap.date_min} – {snap.date_max}", border=True)
st.caption(t("data.loaded_at", when=snap.loaded_at.replace("T", " ").removesuffix("+00:00")))
st.dataframe(
    pd.DataFrame({
        "table": [table_name(tb) for tb in TABLES],
        "rows": [i18n.fmt_int(snap.rows[tb], lang) if tb in snap.rows else "–" for tb in TABLES],
        "status": [(t("db.status.mapped") if ctx.source.is_database else t("data.loaded"))
                   if tb in snap.rows else t("data.missing") for tb in TABLES],
        "unlocks": [t(f"data.unlock.{tb}") for tb in TABLES],
    }),
    hide_index=True, key="data_tables",
    column_config={
        "table": t("data.table"), "status": t("data.status"), "unlocks": t("data.unlocks"),
        "rows": t("data.rows"),
    },
)

result = st.session_state.get("data_result")
if result and result.get("dataset_id") == snap.dataset_id:
    if result["problems"]:
        st.success(t("data.success"))
        with st.expander(t("data.warnings", n=len(result["problems"])), expanded=True):
            st.markdown("\n".join(f"- {_md(p.message(lang))}" for p in result["problems"]))
    else:
        st.success(t("data.success"))
    if result.get("restored"):
        st.info(t("data.restored"))

db_result = st.session_state.get("db_result")
if db_result and db_result.get("dataset_id") == snap.dataset_id:
    st.success(t("db.in_use", name=ctx.source.name))
    if db_result.get("saved"):
        st.caption(t("db.saved", name=db_result["saved"]))
if ctx.source.is_database:
    db_page.render_current(ctx)
elif snap.source != "sample":
    if st.button(t("data.restore_sample"), key="data_restore_sample"):
        new = load_sample(context.workspace())
        context.sources.loaded_here(new)
        st.session_state["data_result"] = {"dataset_id": new.dataset_id, "problems": [],
                                           "restored": True}
        st.rerun()

# -- loading new data ------------------------------------------------------------------------
st.divider()
st.subheader(t("data.new"))
st.caption(t("data.new.help", mb=MAX_MB))
relabel("data_mode")
if "data_mode" not in st.session_state and ctx.source.is_database:
    st.session_state["data_mode"] = "database"  # back on this page: stay with the database
mode = st.radio(t("data.mode"), ["files", "workbook", "database"], key="data_mode",
                horizontal=True, format_func=lambda m: t(f"data.mode.{m}"))
if mode == "database":
    db_page.render_connect(ctx)
    st.stop()


@st.cache_data(show_spinner=False, max_entries=8)
def _read(file_id: str, name: str, data: bytes, encoding: str | None, sheet):
    return read_any(io.BytesIO(data), filename=name, encoding=encoding, sheet=sheet)


@st.cache_data(show_spinner=False, max_entries=4)
def _read_workbook(file_id: str, data: bytes):
    return read_workbook_tables(io.BytesIO(data))


def _sheet_names(data: bytes) -> list[str]:
    return pd.ExcelFile(io.BytesIO(data)).sheet_names


def _mapping_editor(table: str, raw: pd.DataFrame, key: str) -> dict[str, str]:
    """One choice per field: which column of the file holds it (pre-filled from the aliases).

    Returns ``{raw header: canonical field}``, with every header not chosen mapped
    to ``""`` (ignored), so the choices on screen are exactly what is loaded.
    """
    headers = [str(c) for c in raw.columns]
    guess = {field: header for header, field in suggest_mapping(headers, table).items()}
    chosen, clashes = column_choices(
        table, headers, examples(raw), guess, key=key, lang=lang,
        title=t("data.mapping", table=table_name(table)), none_label=t("data.mapping.none"))
    st.session_state["_data_mapping_clash"].extend((table, *c) for c in clashes)
    fields = {header: field for field, header in chosen.items()}
    return {h: fields.get(h, "") for h in headers}


def _show_table(table: str, raw: pd.DataFrame, key: str) -> dict[str, str]:
    with st.expander(t("data.preview", table=table_name(table), rows=i18n.fmt_int(len(raw), lang)),
                     expanded=False):
        st.dataframe(raw.head(20), key=f"{key}_preview")
    return _mapping_editor(table, raw, key=f"{key}_mapping")


raws: dict[str, pd.DataFrame] = {}
mappings: dict[str, dict[str, str]] = {}
st.session_state["_data_mapping_clash"] = []
read_errors = False
if mode == "files":
    for table in TABLES:
        label_key = "data.upload.required" if table == "transactions" else "data.upload"
        upload = st.file_uploader(t(label_key, table=table_name(table)),
                                  type=["csv", "txt", "tsv", "xlsx", "xlsm", "parquet"],
                                  key=f"data_upload_{table}", help=t("data.size_limit", mb=MAX_MB))
        if upload is None:
            continue
        data = upload.getvalue()
        encoding, sheet = None, None
        suffix = upload.name.lower().rsplit(".", 1)[-1]
        if suffix in ("csv", "txt", "tsv"):
            choice = st.selectbox(t("data.encoding"), ENCODINGS, key=f"data_enc_{table}",
                                  format_func=lambda e: t("data.encoding.auto") if e == "auto"
                                  else e.upper())
            encoding = None if choice == "auto" else choice
        elif suffix in ("xlsx", "xlsm"):
            try:
                sheet = st.selectbox(t("data.sheet"), _sheet_names(data), key=f"data_sheet_{table}")
            except Exception:  # unreadable workbook: read_any below reports it properly
                sheet = None
        try:
            raw = _read(upload.file_id, upload.name, data, encoding, sheet)
        except DataError as err:
            st.error(t("data.read_error", message=err.message(lang)))
            read_errors = True
            continue
        raws[table] = raw
        mappings[table] = _show_table(table, raw, key=f"data_{table}_{upload.file_id}")
else:
    upload = st.file_uploader(t("data.upload.workbook"), type=["xlsx", "xlsm"],
                              key="data_upload_workbook", help=t("data.size_limit", mb=MAX_MB))
    if upload is not None:
        try:
            found, unplaced = _read_workbook(upload.file_id, upload.getvalue())
        except DataError as err:
            st.error(t("data.read_error", message=err.message(lang)))
            found, unplaced, read_errors = {}, [], True
        if found:
            st.caption(t("data.workbook.sheets",
                         found=", ".join(table_name(tb) for tb in found)))
        if unplaced:
            st.warning(t("data.workbook.unplaced", sheets=", ".join(unplaced)))
        for table, raw in found.items():
            raws[table] = raw
            mappings[table] = _show_table(table, raw, key=f"data_wb_{table}_{upload.file_id}")

clashes = st.session_state["_data_mapping_clash"]
for table, header, first, second in clashes:
    st.error(t("data.mapping.clash", table=table_name(table), header=header,
               first=COLUMN_LABELS[first][lang], second=COLUMN_LABELS[second][lang]))
if st.button(t("data.load"), type="primary", key="data_load", disabled=not raws or bool(clashes)):
    if "transactions" not in raws:
        st.error(t("data.load.need_transactions"))
    else:
        with st.status(t("data.status.running"), expanded=True) as status:
            progress = st.progress(0.0)
            status.write(t("data.status.validating",
                           table="、".join(table_name(tb) for tb in raws) if lang == "zh"
                           else ", ".join(table_name(tb) for tb in raws)))
            try:
                dataset = prepare_dataset(raws, mappings=mappings)
            except DataError as err:
                status.update(label=t("data.status.failed"), state="error")
                st.session_state["data_errors"] = err.problems
            else:
                progress.progress(0.6)
                status.write(t("data.status.writing"))
                names = ", ".join(sorted({getattr(st.session_state.get(k), "name", "")
                                          for k in st.session_state.keys()
                                          if str(k).startswith("data_upload_")} - {""}))
                new = context.workspace().replace(dataset.tables, source="upload",
                                                  label=names or "upload")
                context.sources.loaded_here(new)
                context.sources.deactivate()  # the new files replace a connected database
                progress.progress(1.0)
                status.update(label=t("data.status.done"), state="complete")
                st.session_state.pop("data_errors", None)
                st.session_state["data_result"] = {"dataset_id": new.dataset_id,
                                                   "problems": dataset.problems}
                st.rerun()

errors = st.session_state.get("data_errors")
if errors:
    st.error(t("data.failed") + "\n\n" + "\n".join(f"- {_md(p.message(lang))}" for p in errors))
