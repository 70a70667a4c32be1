"""Imports cost nothing until used: lazy package re-exports and message catalogues.

Each check runs in a fresh interpreter (a subprocess): in the pytest process the heavy
libraries are already imported by other tests.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

from segmentation import i18n

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy", "plotly", "streamlit", "pandas", "sqlalchemy", "duckdb", "babel")
PACKAGES = ["segmentation"] + sorted(
    f"segmentation.{p.parent.name}" for p in (ROOT / "segmentation").glob("*/__init__.py"))


def python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def imported_by(*argv: str) -> set[str]:
    """Top-level packages imported by ``python -m segmentation *argv``, from ``-X importtime``."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "segmentation", *argv],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
             if line.startswith("import time:") and "|" in line}
    return {name.split(".")[0] for name in names}


def test_help_imports_no_heavy_library():
    assert not imported_by("--help") & set(HEAVY)


def test_users_list_imports_no_data_library(tmp_path):
    add = subprocess.run(
        [sys.executable, "-m", "segmentation", "users", "--workspace", str(tmp_path), "add",
         "li", "--role", "branch", "--branch", "北京朝阳", "--allow-unknown", "--no-password"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert add.returncode == 0, add.stderr
    assert not imported_by("users", "--workspace", str(tmp_path), "list") & set(HEAVY)


def test_users_list_checking_scopes_imports_only_duckdb(tmp_path):
    """With a dataset loaded, ``users list`` reads its branches and regions (to say whether
    each user's scope is in the data) through DuckDB alone: no SQLAlchemy, no pandas."""
    import pandas as pd

    from segmentation.workspace import Workspace

    Workspace(tmp_path).replace({
        "transactions": pd.DataFrame({"customer_id": ["a", "b"], "branch": ["北京朝阳", "x"],
                                      "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                                      "amount": [1.0, 2.0]}),
        "customers": pd.DataFrame({"customer_id": ["a", "b"], "region": ["华北", "华东"]}),
    }, source="test")
    for name, scope in (("li", ["--branch", "北京朝阳"]), ("wu", ["--branch", "nowhere"])):
        add = subprocess.run(
            [sys.executable, "-m", "segmentation", "users", "--workspace", str(tmp_path), "add",
             name, "--role", "branch", *scope, "--allow-unknown", "--no-password"],
            cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert add.returncode == 0, add.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "segmentation", "users", "--workspace", str(tmp_path), "list"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    rows = {line.split()[0]: line.split()[-1] for line in listed.stdout.splitlines()[1:3]}
    assert rows == {"li": "yes", "wu": "no"}, listed.stdout
    imported = imported_by("users", "--workspace", str(tmp_path), "list")
    assert "duckdb" in imported
    assert not imported & (set(HEAVY) - {"duckdb"})


def test_every_public_name_resolves_in_a_fresh_process():
    """Through ``getattr``, ``from ... import *`` and ``dir()``, for every package."""
    proc = python(
        "import importlib, json, sys\n"
        "bad = {}\n"
        "for name in sys.argv[1:]:\n"
        "    pkg = importlib.import_module(name)\n"
        "    star = {}\n"
        "    exec(f'from {name} import *', star)\n"
        "    names = set(pkg.__all__)\n"
        "    bad[name] = sorted({n for n in names if getattr(pkg, n, None) is None}\n"
        "                       | (names - set(star)) | (names - set(dir(pkg))))\n"
        "print(json.dumps(bad))", *PACKAGES)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout) == {name: [] for name in PACKAGES}


def test_importing_a_package_loads_none_of_its_submodules():
    proc = python(
        "import sys\n"
        "import segmentation, segmentation.churn, segmentation.tiers, segmentation.clusters\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('segmentation.'))))")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["segmentation._lazy", "segmentation.churn",
                                   "segmentation.clusters", "segmentation.tiers"]


def test_a_name_that_is_also_a_submodule_stays_the_function():
    """``tiers.migration`` / ``clusters.projection``: the function, whichever loads first."""
    proc = python(
        "import segmentation.clusters.results, segmentation.tiers.migration\n"
        "from segmentation.clusters import projection\n"
        "from segmentation.tiers import migration\n"
        "import segmentation.cli.score as cli_score\n"
        "from segmentation.cli import score\n"
        "print(callable(projection), callable(migration), callable(score),"
        " projection.__module__, migration.__module__)")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["True", "True", "True", "segmentation.clusters.projection",
                                   "segmentation.tiers.migration"]


def test_subpackages_are_attributes_of_the_package():
    proc = python("import segmentation\nprint(segmentation.tiers.assign.__name__)")
    assert proc.stdout.strip() == "assign", proc.stderr


def test_a_message_loads_its_catalogue_on_first_lookup():
    proc = python(
        "import sys\n"
        "from segmentation import i18n\n"
        "print(i18n.t('cli.users.none', 'en', folder='X'))\n"
        "print(i18n.has('problem.missing_columns'), i18n.has('nothing.such'))\n"
        "print('segmentation.tiers.messages' in sys.modules)")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("no users in X")
    assert lines[1:] == ["True False", "False"]


def _registered_domains(path: Path) -> set[str]:
    """Domains of the literal keys that ``path`` registers with ``i18n.register``."""
    domains: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "register"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "i18n"):
            table = node.args[0]
            assert isinstance(table, ast.Dict), f"{path}: register a literal table"
            for key in table.keys:
                assert isinstance(key, ast.Constant), f"{path}: literal keys only"
                domains.add(key.value.split(".", 1)[0])
    return domains


def test_every_registered_domain_is_declared_for_its_module():
    importlib.import_module("ui")  # declares the app's catalogues

    undeclared = []
    for path in sorted([*(ROOT / "segmentation").rglob("*.py"), *(ROOT / "ui").glob("*.py")]):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for domain in _registered_domains(path):
            if module not in i18n.CATALOGUES.get(domain, ()):
                undeclared.append(f"{module}: {domain}")
    assert undeclared == []
    declared = {m for modules in i18n.CATALOGUES.values() for m in modules}
    assert all((ROOT / (m.replace(".", "/") + ".py")).exists() for m in declared)


def test_the_overviews_modules_import_no_model_library():
    """The Overview's first render in a new server process imports what the page draws
    with, not scikit-learn or SciPy (issue 23: first figures within 2 s): counting the
    warnings (``summarize``) and the precomputed results need neither."""
    code = ("import sys\n"
            "from segmentation.churn import summarize\n"
            "import segmentation.overview, segmentation.charts, segmentation.precompute\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy'}))")
    proc = python(code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"
