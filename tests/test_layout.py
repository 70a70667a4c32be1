"""The code's shape, checked so that it stays the one the README describes: small modules
in the library, thin pages, the library free of Streamlit, every cache in ui/context.py,
one session-state object, and an installed package instead of sys.path patching."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted((ROOT / "segmentation").rglob("*.py"))
PAGES = sorted((ROOT / "pages").glob("*.py"))
UI = sorted((ROOT / "ui").rglob("*.py"))
MAX_MODULE_LINES = 600
MAX_PAGE_LINES = 200


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_library_modules_stay_small():
    assert len(LIBRARY) > 20  # the glob found the library
    too_long = {_rel(p): _lines(p) for p in LIBRARY if _lines(p) > MAX_MODULE_LINES}
    assert not too_long, f"split these modules (over {MAX_MODULE_LINES} lines): {too_long}"


def test_pages_stay_thin():
    assert len(PAGES) >= 6
    too_long = {_rel(p): _lines(p) for p in PAGES if _lines(p) > MAX_PAGE_LINES}
    assert not too_long, f"move logic out of these pages (over {MAX_PAGE_LINES}): {too_long}"


def test_the_library_never_imports_streamlit():
    offenders = [_rel(p) for p in LIBRARY
                 if any(n == "streamlit" or n.startswith("streamlit.") for n in _imports(p))]
    assert not offenders


def test_every_cache_lives_in_ui_context():
    cached = [_rel(p) for p in (*PAGES, *UI, ROOT / "app.py")
              if "st.cache_" in p.read_text(encoding="utf-8")]
    assert cached == ["ui/context.py"]


def test_no_sys_path_patching():
    patched = [_rel(p) for p in ROOT.rglob("*.py")
               if ".venv" not in p.parts and "tests" not in p.relative_to(ROOT).parts
               and "sys.path.insert" in p.read_text(encoding="utf-8")]
    assert not patched


def test_the_package_is_installable_and_installed():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["build-system"]["build-backend"] == "setuptools.build_meta"
    # imported from another folder, without the repository on sys.path
    probe = subprocess.run(
        [sys.executable, "-c", "import segmentation.sql, ui.state; print(segmentation.__file__)"],
        cwd="/", capture_output=True, text=True, timeout=60, check=False)
    assert probe.returncode == 0, probe.stderr
    assert Path(probe.stdout.strip()).parent == ROOT / "segmentation"


@pytest.mark.parametrize("path", PAGES, ids=_rel)
def test_pages_keep_no_raw_session_keys(path):
    """Pages read and write the typed ``ui.state.state()``; only widgets own raw keys."""
    text = path.read_text(encoding="utf-8")
    assert "st.session_state[" not in text and "session_state.get(" not in text


def test_every_chart_goes_through_the_escaping_layer():
    """Plotly renders tags in texts: every figure is drawn by ``ui.show.chart``, which
    escapes what came with the data (``segmentation.textsafe.safe_figure``)."""
    direct = [_rel(p) for p in (*PAGES, *UI, ROOT / "app.py")
              if "st.plotly_chart(" in p.read_text(encoding="utf-8")]
    assert direct == ["ui/show.py"]
