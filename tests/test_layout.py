"""The code's shape, checked so that it stays the one the README describes: small modules
in the library, thin pages, the library free of Streamlit, ``ui`` in layers whose imports
point down (session <- caches <- widgets <- pages) without a cycle, every cache in
``ui/caches/`` keyed by a frozen key object, one session-state object, and an installed
package instead of sys.path patching."""

from __future__ import annotations

import ast
import dataclasses
import graphlib
import importlib
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


# ------------------------------------------------------------------- ui: layers and caches

APP_FILES = (*PAGES, *UI, ROOT / "app.py")
#: the session layer of ``ui``: typed state, who is signed in, the active data source
#: (and what they rest on: the package, the cancel hook of engines, the catalogues)
SESSION = {"ui", "ui.state", "ui.identity", "ui.source", "ui.query_cancel"}
LAYERS = ("session", "caches", "widgets", "pages")
CACHE_DECORATORS = {"cache_data", "cache_resource"}


def _module(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    if module.startswith("pages.") or module == "app":
        return "pages"
    if module == "ui.caches" or module.startswith("ui.caches."):
        return "caches"
    if module in SESSION or module.startswith("ui.strings"):
        return "session"
    return "widgets"


def _ui_imports(path: Path, known: set[str], root: Path = ROOT) -> set[str]:
    """The ``ui`` modules ``path`` imports, at any level (module, function, ``if``)."""
    module = _module(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # ``from ui import auth`` imports the module ui.auth; ``from ui.x import f``, ui.x
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in known)
    found.discard(module)
    return found


def _ui_graph() -> dict[str, set[str]]:
    known = {_module(p) for p in APP_FILES}
    return {_module(p): _ui_imports(p, known) for p in APP_FILES}


def test_the_import_graph_reader_sees_hidden_imports(tmp_path):
    hidden = tmp_path / "ui" / "probe.py"
    hidden.parent.mkdir()
    hidden.write_text("def f():\n    from ui import auth\n    from . import state\n"
                      "    import ui.caches.views as v\n")
    found = _ui_imports(hidden, {"ui.auth", "ui.state", "ui.caches.views", "ui.probe"},
                        tmp_path)
    assert found == {"ui.auth", "ui.state", "ui.caches.views"}


def test_ui_imports_form_no_cycle():
    """No import cycle among ``ui`` modules and pages, counting imports inside functions
    (a function-level import that hides a cycle is a cycle)."""
    graph = _ui_graph()
    assert len(graph) > 30 and "ui.context" in graph
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        pytest.fail(f"import cycle in ui/: {' -> '.join(err.args[1])}")


def test_ui_imports_point_down_the_layers():
    """session (state, identity, the active source) <- caches <- widgets <- pages."""
    rank = {name: i for i, name in enumerate(LAYERS)}
    upward = sorted(f"{module} ({_layer(module)}) imports {target} ({_layer(target)})"
                    for module, targets in _ui_graph().items() for target in targets
                    if rank[_layer(target)] > rank[_layer(module)])
    assert not upward, "\n".join(upward)


def _cached_functions(path: Path) -> list[ast.FunctionDef]:
    """Functions of ``path`` decorated with ``st.cache_data`` / ``st.cache_resource``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name in CACHE_DECORATORS:
                found.append(node)
                break
    return found


def test_every_cache_lives_in_the_cache_layer():
    """``st.cache_data`` / ``st.cache_resource`` only in ``ui/caches/`` (not even a
    ``.clear()`` elsewhere: tests and benchmarks may)."""
    outside = sorted(_rel(p) for p in APP_FILES
                     if _layer(_module(p)) != "caches"
                     and any(f"cache_{kind}" in p.read_text(encoding="utf-8")
                             for kind in ("data", "resource")))
    assert not outside, f"caches outside ui/caches/: {outside}"
    assert any(_cached_functions(p) for p in UI)  # the finder finds the caches


def test_every_cached_function_takes_a_frozen_key_first():
    """The first parameter of every cached function is annotated with a frozen
    dataclass (``AnalysisKey``, ``ChurnKey``, a login or upload key): one object that
    says what decides the result, never loose ids and tuples."""
    loose = []
    for path in APP_FILES:
        functions = _cached_functions(path)
        if not functions:
            continue
        namespace = vars(importlib.import_module(_module(path)))
        for fn in functions:
            params = [*fn.args.posonlyargs, *fn.args.args]
            annotation = params[0].annotation if params else None
            where = f"{_rel(path)}:{fn.name}"
            if annotation is None:
                loose.append(f"{where} (no annotated first parameter)")
                continue
            key = eval(ast.unparse(annotation), dict(namespace))  # noqa: S307 - our own code
            if not (isinstance(key, type) and dataclasses.is_dataclass(key)
                    and key.__dataclass_params__.frozen):
                loose.append(f"{where} (first parameter: {ast.unparse(annotation)})")
    assert not loose, "cached functions without a frozen key first:\n" + "\n".join(loose)


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
