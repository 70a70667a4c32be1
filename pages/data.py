"""Data: what is loaded, and loading new files with a column mapping and a validation report."""

from __future__ import annotations

import streamlit as st

from segmentation.sources import check_secrets_files
from segmentation.textsafe import md
from ui import auth, context, data_page, db_page, upload

ctx = context.current()
t = ctx.t
can_load, why_not = auth.permission("load_data")

st.title(t("data.title"))
for problem in check_secrets_files(st.get_option("secrets.files")):
    st.error(t("data.secrets_error", message=md(problem.message(ctx.lang))))

# -- the dataset in use ----------------------------------------------------------------------
data_page.render_current(ctx)
data_page.render_outcome(ctx, can_load, why_not)
data_page.render_users_missing(ctx)
auth.audit_panel()

# -- loading new data ------------------------------------------------------------------------
st.divider()
st.subheader(t("data.new"))
st.caption(t("data.new.help", mb=int(st.get_option("server.maxUploadSize"))))
if not can_load:
    st.info(why_not, icon=":material/lock:")
mode = data_page.choose_mode(ctx)
if mode == "database":
    db_page.render_connect(ctx)
    st.stop()

found = (upload.read_files if mode == "files" else upload.read_workbook)(ctx, can_load)
day_first = upload.choose_day_first(ctx, found)
upload.render_load(ctx, found, day_first, can_load, why_not)
