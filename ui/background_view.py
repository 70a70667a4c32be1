"""What the user sees of the background job (ui/background.py): its progress in the
sidebar, the Overview's "being prepared" at-risk metric, the step in words."""

from __future__ import annotations

from datetime import date

import streamlit as st

from segmentation import formatting, i18n
from segmentation import precompute as pc
from ui import source as sources
from ui.background import POLL_S, Job, churn_pending, ensure, job


def _step_words(job_: Job, lang: str) -> str:
    return i18n.t(f"bg.step.{job_.name if job_.name in (*pc.STEPS, 'done') else 'queued'}",
                  lang, as_of=formatting.day(job_.key.as_of, lang))


def progress_text(job_: Job, lang: str) -> str:
    """``Step i of n: what`` in ``lang``."""
    return i18n.t("bg.progress", lang, i=max(job_.step, 1), n=job_.n_steps,
                  what=_step_words(job_, lang))


def sidebar_status(dataset_id: str, lang: str) -> None:
    """Start the dataset's job if its defaults are not stored, and show its progress (a
    fragment that refreshes itself until the job ends) or its failure."""
    current = ensure(dataset_id)
    if current is None or current.name == "cancelled":
        return
    with st.sidebar:
        if current.error is not None:
            # the step in words, never the exception's text: a database error can name
            # hosts, users or the query (the server log has the details)
            st.error(i18n.t("bg.failed", lang, i=max(current.step, 1), what=_step_words(
                current, lang)), icon=":material/error:")
        elif current.running:
            _progress_fragment(dataset_id, lang)


@st.fragment(run_every=POLL_S)
def _progress_fragment(dataset_id: str, lang: str) -> None:
    current = job(dataset_id)
    if current is None or not current.running:
        sources.rerun_quietly()  # the whole page: it reads the stored results now
    st.progress(current.step / current.n_steps,
                text=f"**{i18n.t('bg.title', lang)}**  \n{progress_text(current, lang)}")


@st.fragment(run_every=POLL_S)
def at_risk_preparing(dataset_id: str, as_of: date, label: str, lang: str) -> None:
    """The Overview's at-risk metric while the job still prepares the churn scores: a
    "being prepared" state that reruns the page once they are stored."""
    if churn_pending(dataset_id, as_of) is None:
        sources.rerun_quietly()
    st.metric(label, i18n.t("bg.at_risk.preparing", lang), border=True,
              help=i18n.t("bg.at_risk.preparing.help", lang))
