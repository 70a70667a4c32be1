"""Shared by the report tests: a generated network of 2,000 customers in a workspace, and
the report inputs of three users (the whole network, a branch manager, a viewer), the
churn model fitted once and reused.

Import the fixtures into a test module (``from tests.segmentation.reports import ...``).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation

from segmentation.access import Role, User
from segmentation.report import build_report, gather_inputs
from segmentation.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
N_CUSTOMERS = 2_000


@pytest.fixture(scope="session")
def network(tmp_path_factory) -> dict:
    """The generated network's workspace, engine, tables and its busiest branch."""
    from data.generate_sample import generate

    tables = generate(N_CUSTOMERS)
    tables.pop("truth")
    folder = tmp_path_factory.mktemp("report-ws")
    ws = Workspace(folder)
    snap = ws.replace(tables, source="test", label="generated")
    branch = tables["customers"]["branch"].value_counts().index[0]
    return {"ws": ws, "folder": folder, "engine": ws.engine(snap), "tables": tables,
            "branch": str(branch), "snap": snap}


@pytest.fixture(scope="session")
def inputs_all(network):
    """Everything, English reasons (no user: every right)."""
    return gather_inputs(network["engine"], user=None, lang="en")


@pytest.fixture(scope="session")
def inputs_zh(network, inputs_all):
    return gather_inputs(network["engine"], user=None, lang="zh", churn=inputs_all.churn)


@pytest.fixture(scope="session")
def branch_user(network) -> User:
    return User("bm", Role.BRANCH, branch=network["branch"], display_name="Branch manager")


@pytest.fixture(scope="session")
def inputs_branch(network, inputs_all, branch_user):
    return gather_inputs(network["engine"], user=branch_user, lang="zh",
                         churn=inputs_all.churn)


@pytest.fixture(scope="session")
def viewer() -> User:
    return User("v", Role.VIEWER)


@pytest.fixture(scope="session")
def inputs_viewer(network, inputs_all, viewer):
    return gather_inputs(network["engine"], user=viewer, lang="en", churn=inputs_all.churn)


def deck_of(report) -> Presentation:
    """The report written as PPTX and opened again with python-pptx."""
    from segmentation.report import report_bytes

    return Presentation(io.BytesIO(report_bytes(report, "pptx")))


def deck_texts(deck) -> list[str]:
    """Every text of a deck: shapes, table cells, chart titles, categories, series names
    and speaker notes."""
    out: list[str] = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_table:
                out += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                chart = shape.chart
                if chart.has_title:
                    out.append(chart.chart_title.text_frame.text)
                plot = chart.plots[0]
                out += [str(c) for c in plot.categories]
                out += [s.name for s in plot.series]
        if slide.has_notes_slide:
            out.append(slide.notes_slide.notes_text_frame.text)
    return out


def report_for(inputs, lang: str, user=None, source: str = "generated"):
    return build_report(inputs, lang=lang, user=user, source=source,
                        created=pd.Timestamp("2025-07-01").date())


__all__ = ["N_CUSTOMERS", "ROOT", "branch_user", "deck_of", "deck_texts", "inputs_all",
           "inputs_branch", "inputs_viewer", "inputs_zh", "network", "report_for", "viewer"]
