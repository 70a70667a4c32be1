"""Data: what is loaded, and loading new files with a column mapping and a validation report."""

from __future__ import annotations

import hashlib
import io

import pandas as pd
import streamlit as st

from segmentation import i18n
from segmentation.cleaning import ambiguous_date_order, prepare_dataset
from segmentation.schema import COLUMN_KINDS, TABLES, DataError
from segmentation.sources import (
    MAX_WORKBOOK_MB,
    MAX_WORKBOOK_ROWS,
    check_secrets_files,
    pick_sheet,
    read_any,
    read_excel_sheets,
    suggest_mapping,
    tables_of_sheets,
)
from segmentation.workspace import load_sample
from ui import auth, context, db_page
from ui.mapping import column_choices, examples
from ui.state import relabel
from ui.strings import COLUMN_LABELS

ctx = context.current()
lang, t = ctx.lang, ctx.t
can_load, why_not = auth.permission("load_data")
MAX_MB = int(st.get_option("server.maxUploadSize"))
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16")
UPLOAD_HELP = t("data.size_limit", mb=MAX_MB, rows=f"{MAX_WORKBOOK_ROWS:,}",
                wb_mb=MAX_WORKBOOK_MB)


def _md(text: str) -> str:
    """Escape what Streamlit markdown would interpret inside a data message."""
    for ch in ("\\", "$", "*", "_", "`", "[", "]", "<", ">"):
        text = text.replace(ch, "\\" + ch)
    return text


def table_name(table: str) -> str:
    return t(f"table.{table}")


st.title(t("data.title"))
for problem in check_secrets_files(st.get_option("secrets.files")):
    st.error(t("data.secrets_error", message=_md(problem.message(lang))))

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
    if st.button(t("data.restore_sample"), key="data_restore_sample", disabled=not can_load,
                 help=why_not) and auth.allowed("load_data"):
        new = load_sample(context.workspace())
        auth.record("load", source="sample", rows=sum(new.rows.values()),
                    customers=new.n_customers)
        context.sources.loaded_here(new)
        st.session_state["data_result"] = {"dataset_id": new.dataset_id, "problems": [],
                                           "restored": True}
        st.rerun()

auth.audit_panel()

# -- loading new data ------------------------------------------------------------------------
st.divider()
st.subheader(t("data.new"))
st.caption(t("data.new.help", mb=MAX_MB))
if not can_load:
    st.info(why_not, icon=":material/lock:")
relabel("data_mode")
if "data_mode" not in st.session_state and ctx.source.is_database:
    st.session_state["data_mode"] = "database"  # back on this page: stay with the database
mode = st.radio(t("data.mode"), ["files", "workbook", "database"], key="data_mode",
                horizontal=True, format_func=lambda m: t(f"data.mode.{m}"))
if mode == "database":
    db_page.render_connect(ctx)
    st.stop()


def _digest(upload) -> str:
    """The content digest of an upload, computed once per upload (the cache key of its reads)."""
    digests = st.session_state.setdefault("_data_digests", {})
    if upload.file_id not in digests:
        while len(digests) >= 8:  # a few uploads at once at most: forget the oldest
            digests.pop(next(iter(digests)))
        digests[upload.file_id] = hashlib.sha256(upload.getvalue()).hexdigest()
    return digests[upload.file_id]


def _named(data: bytes, name: str) -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


@st.cache_data(show_spinner=False, max_entries=8)
def _read(digest: str, name: str, _data: bytes, encoding: str | None):
    """A CSV / Parquet upload read once per content (refusals are cached too)."""
    try:
        return read_any(_named(_data, name), filename=name, encoding=encoding), []
    except DataError as err:
        return None, err.problems


@st.cache_data(show_spinner=False, max_entries=4)
def _read_sheets(digest: str, name: str, _data: bytes):
    """Every sheet of a workbook upload, read once per content: the sheet list, the chosen
    sheet and the one-sheet-per-table mode all come from this one read."""
    try:
        return read_excel_sheets(_named(_data, name)), []
    except DataError as err:
        return None, err.problems


def _read_error(problems) -> None:
    st.error(t("data.read_error", message=_md(DataError(problems).message(lang))))


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
                                  type=["csv", "txt", "tsv", "xlsx", "xlsm", "xls", "parquet"],
                                  key=f"data_upload_{table}", help=UPLOAD_HELP,
                                  disabled=not can_load)
        if upload is None:
            continue
        data, digest = upload.getvalue(), _digest(upload)
        suffix = upload.name.lower().rsplit(".", 1)[-1]
        if suffix in ("xlsx", "xlsm") or data.startswith(b"PK\x03\x04"):
            sheets, problems = _read_sheets(digest, upload.name, data)
            if sheets is not None:
                sheet = st.selectbox(t("data.sheet"), list(sheets), key=f"data_sheet_{table}")
                try:
                    raw = pick_sheet(sheets, sheet, upload.name)
                except DataError as err:
                    raw, problems = None, err.problems
        else:
            encoding = None
            if suffix in ("csv", "txt", "tsv"):
                choice = st.selectbox(t("data.encoding"), ENCODINGS, key=f"data_enc_{table}",
                                      format_func=lambda e: t("data.encoding.auto")
                                      if e == "auto" else e.upper())
                encoding = None if choice == "auto" else choice
            raw, problems = _read(digest, upload.name, data, encoding)
        if problems:
            _read_error(problems)
            read_errors = True
            continue
        raws[table] = raw
        mappings[table] = _show_table(table, raw, key=f"data_{table}_{upload.file_id}")
else:
    upload = st.file_uploader(t("data.upload.workbook"), type=["xlsx", "xlsm", "xls"],
                              key="data_upload_workbook", help=UPLOAD_HELP,
                              disabled=not can_load)
    if upload is not None:
        data = upload.getvalue()
        if upload.name.lower().endswith(".xls") and not data.startswith(b"PK\x03\x04"):
            sheets, problems = _read(_digest(upload), upload.name, data, None)
            sheets = {upload.name: sheets} if sheets is not None else None
        else:
            sheets, problems = _read_sheets(_digest(upload), upload.name, data)
        found, unplaced = tables_of_sheets(sheets) if sheets is not None else ({}, [])
        if problems:
            _read_error(problems)
            read_errors = True
        if found:
            st.caption(t("data.workbook.sheets",
                         found=", ".join(table_name(tb) for tb in found)))
        if unplaced:
            st.warning(t("data.workbook.unplaced", sheets=", ".join(unplaced)))
        for table, raw in found.items():
            raws[table] = raw
            mappings[table] = _show_table(table, raw, key=f"data_wb_{table}_{upload.file_id}")

day_first = None
if any(ambiguous_date_order(raw[header].head(20_000)).any()
       for table, raw in raws.items() for header, field in mappings[table].items()
       if COLUMN_KINDS.get(field) == "date" and header in raw):
    order = st.selectbox(t("data.date_order"), ["auto", "day", "month"], key="data_date_order",
                         help=t("data.date_order.help"),
                         format_func=lambda o: t(f"data.date_order.{o}"))
    day_first = {"auto": None, "day": True, "month": False}[order]

clashes = st.session_state["_data_mapping_clash"]
for table, header, first, second in clashes:
    st.error(t("data.mapping.clash", table=table_name(table), header=header,
               first=COLUMN_LABELS[first][lang], second=COLUMN_LABELS[second][lang]))
if st.button(t("data.load"), type="primary", key="data_load", help=why_not,
             disabled=not raws or bool(clashes) or not can_load) and auth.allowed("load_data"):
    if "transactions" not in raws:
        st.error(t("data.load.need_transactions"))
    else:
        with st.status(t("data.status.running"), expanded=True) as status:
            progress = st.progress(0.0)
            status.write(t("data.status.validating",
                           table="、".join(table_name(tb) for tb in raws) if lang == "zh"
                           else ", ".join(table_name(tb) for tb in raws)))
            try:
                dataset = prepare_dataset(raws, mappings=mappings, day_first=day_first,
                                          today=pd.Timestamp.today().normalize())
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
                auth.record("load", source="upload", what=names or "upload",
                            rows=sum(new.rows.values()), customers=new.n_customers)
                progress.progress(1.0)
                status.update(label=t("data.status.done"), state="complete")
                st.session_state.pop("data_errors", None)
                st.session_state["data_result"] = {"dataset_id": new.dataset_id,
                                                   "problems": dataset.problems}
                st.rerun()

errors = st.session_state.get("data_errors")
if errors:
    st.error(t("data.failed") + "\n\n" + "\n".join(f"- {_md(p.message(lang))}" for p in errors))
