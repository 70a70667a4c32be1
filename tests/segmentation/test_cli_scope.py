"""``score --as-user`` / ``--scope-branch``: only the user's customers are written, with the
network-wide tiers, from files (DuckDB) and from the local PostgreSQL; a viewer gets no file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation.access import Role, Scope, can
from segmentation.cli import CliError, scoped_output
from tests.conftest import POSTGRES_ENV, copy_into_postgres
from tests.segmentation.test_scoping import EXPECTED, tables

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = f"seg_scope_cli_{os.getpid()}"


def run_cli(*args: str, workspace: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SEG_WORKSPACE": str(workspace),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "segmentation", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("scope-cli")
    for name, frame in tables().items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


def _file_args(folder: Path) -> list[str]:
    return [a for n in ("transactions", "customers", "surveys", "complaints")
            for a in (f"--{n}", str(folder / f"{n}.csv"))]


COMMON = ["--as-of", "2025-03-31", "--no-churn", "--clusters", "2"]


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"customer_id": str, "phone": str}
                       ).set_index("customer_id")


@pytest.fixture(scope="module")
def everyone(files, tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("all") / "all.csv"
    proc = run_cli("score", *_file_args(files), *COMMON, "--out", str(out),
                   workspace=files / "ws")
    assert proc.returncode == 0, proc.stderr
    return _read(out)


@pytest.mark.parametrize("branch", ["A", "B", "C"])
def test_branch_scope_from_files(files, everyone, tmp_path, branch):
    out = tmp_path / "mine.csv"
    proc = run_cli("score", *_file_args(files), *COMMON, "--scope-branch", branch,
                   "--out", str(out), workspace=files / "ws")
    assert proc.returncode == 0, proc.stderr
    mine = _read(out)
    assert set(mine.index) == EXPECTED[branch]
    assert f"scored {len(mine)} customers" in proc.stdout
    # tiers are the network's (a VIP is a VIP everywhere), not re-graded within the branch
    for column in ("tier", "rfm_segment", "monetary_total", "name", "phone"):
        assert mine[column].tolist() == everyone.loc[mine.index, column].tolist(), column


@pytest.mark.db
def test_branch_scope_from_postgres(files, everyone, tmp_path):
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL for the CLI to read")
    copy_into_postgres(url, SCHEMA, tables())
    try:
        u = sa.make_url(url)
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            "[connections.hq]\n"
            'dialect = "postgresql"\n'
            f'host = "{u.host}"\nport = {u.port or 5432}\n'
            f'database = "{u.database}"\nusername = "{u.username}"\n'
            f'password = ""\nschema = "{SCHEMA}"\n', encoding="utf-8")
        out = tmp_path / "pg.csv"
        proc = run_cli("score", "--database", "hq", "--secrets", str(secrets), *COMMON,
                       "--scope-branch", "A", "--out", str(out), workspace=tmp_path / "ws")
        assert proc.returncode == 0, proc.stderr
        mine = _read(out)
        assert set(mine.index) == EXPECTED["A"]
        assert mine["tier"].tolist() == everyone.loc[mine.index, "tier"].tolist()
    finally:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        engine.dispose()


def test_as_user_and_scope_flags_do_not_mix(files, tmp_path):
    proc = run_cli("score", *_file_args(files), *COMMON, "--as-user", "li", "--scope-branch",
                   "A", "--out", str(tmp_path / "x.csv"), workspace=files / "ws")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: use either --as-user or --scope-branch / "
                                   "--scope-region, not both")


@pytest.fixture
def users_workspace(tmp_path):
    users = pytest.importorskip("segmentation.users", reason="the users store is not built yet")
    from argon2 import PasswordHasher

    folder = tmp_path / "ws"
    folder.mkdir()
    store = users.UserStore(folder, hasher=PasswordHasher(time_cost=1, memory_cost=8,
                                                          parallelism=1))
    store.add("li", role="branch", branch="B", password="a-long-password-1")
    store.add("wu", role="regional", region="S", password="a-long-password-2")
    store.add("zhao", role="viewer", password="a-long-password-3")
    return folder


@pytest.mark.parametrize(("user", "expected"), [("li", EXPECTED["B"]), ("wu", {"c3", "c6"})],
                         ids=["branch-manager", "regional-lead"])
def test_as_user_writes_only_the_users_customers(files, everyone, users_workspace, tmp_path,
                                                 user, expected):
    out = tmp_path / "mine.csv"
    proc = run_cli("score", *_file_args(files), *COMMON, "--as-user", user,
                   "--out", str(out), workspace=users_workspace)
    assert proc.returncode == 0, proc.stderr
    mine = _read(out)
    assert set(mine.index) == expected
    assert mine["tier"].tolist() == everyone.loc[mine.index, "tier"].tolist()
    # the export is in the workspace's audit log: who, which file, how many rows
    from segmentation.audit import AuditLog

    last = AuditLog(users_workspace).records()[-1]
    assert (last["user"], last["action"]) == (user, "export")
    assert last["details"]["file"] == "mine.csv"
    assert last["details"]["rows"] == len(mine)


def test_a_viewer_gets_no_customer_file(files, users_workspace, tmp_path):
    out = tmp_path / "viewer.csv"
    proc = run_cli("score", *_file_args(files), *COMMON, "--as-user", "zhao",
                   "--out", str(out), workspace=users_workspace)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: zhao: the viewer role sees aggregates only; "
                                   "no customer file is written")
    assert not out.exists()
    zh = run_cli("score", *_file_args(files), *COMMON, "--as-user", "zhao", "--lang", "zh",
                 "--out", str(out), workspace=users_workspace)
    assert zh.stderr.strip() == "error: zhao：只读查看者角色只能查看汇总数据，不生成客户明细文件"


def test_an_unknown_user_is_refused(files, users_workspace, tmp_path):
    proc = run_cli("score", *_file_args(files), *COMMON, "--as-user", "nobody",
                   "--out", str(tmp_path / "x.csv"), workspace=users_workspace)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: --as-user nobody: no such user (or the user is "
                                  "disabled) in ")


class _Clerk:
    """A role that may list customers but not see their names (none is defined yet)."""

    name = "clerk"
    role = Role.VIEWER
    scope = Scope(branches=("A",))

    def can(self, right: str) -> bool:
        return right == "see_customers" or (right != "see_pii" and can(Role.BRANCH, right))


def test_output_without_the_pii_right_is_masked():
    frame = pd.DataFrame({"customer_id": ["c1", "c2", "c7"], "branch": ["A", "B", "A"],
                          "name": ["张伟", "李娜", "欧阳娜娜"],
                          "phone": ["13812341234", "13900001111", "13500004444"]})
    out = scoped_output(frame, _Clerk())
    assert out.to_dict("list") == {"customer_id": ["c1", "c7"], "branch": ["A", "A"],
                                   "name": ["张*", "欧***"],
                                   "phone": ["138****1234", "135****4444"]}
    assert scoped_output(frame, None) is frame


def test_viewer_output_is_refused_in_the_library():
    from segmentation.access import User

    with pytest.raises(CliError, match="the viewer role sees aggregates only"):
        scoped_output(pd.DataFrame({"customer_id": ["c1"]}), User("v", Role.VIEWER))


def test_as_user_without_a_users_store(monkeypatch):
    import segmentation.cli as cli

    monkeypatch.setitem(sys.modules, "segmentation.users", None)  # import fails
    with pytest.raises(CliError, match=r"^--as-user li: this installation keeps no users$"):
        cli.lookup_user("li", "en")
    with pytest.raises(CliError, match=r"^--as-user li：本安装未保存任何用户$"):
        cli.lookup_user("li", "zh")


@pytest.mark.parametrize(("flags", "role", "scope"), [
    (["--scope-branch", "A"], Role.BRANCH, Scope(branches=("A",))),
    (["--scope-region", "N"], Role.REGIONAL, Scope(regions=("N",))),
    (["--scope-branch", "A", "--scope-branch", "B"], Role.REGIONAL, Scope(branches=("A", "B"))),
    ([], None, None),
], ids=["branch", "region", "two-branches", "none"])
def test_scope_flags_make_a_user(flags, role, scope):
    from segmentation.cli import build_parser, cli_user

    args = build_parser().parse_args(["score", "--transactions", "t.csv", "--out", "o.csv",
                                      *flags])
    user = cli_user(args)
    if role is None:
        assert user is None
    else:
        assert (user.role, user.scope) == (role, scope)
        assert user.can("see_pii") and user.can("see_customers")


def test_call_list_of_a_scope_holds_only_its_customers(tmp_path):
    sample = ROOT / "data" / "sample"
    customers = pd.read_parquet(sample / "customers.parquet")
    branch = sorted(customers["branch"].unique())[7]
    out = tmp_path / "scores.csv"
    proc = run_cli("score", "--transactions", str(sample / "transactions.parquet"),
                   "--customers", str(sample / "customers.parquet"), "--as-of", "2025-03-31",
                   "--calls-per-branch", "5", "--scope-branch", branch, "--out", str(out),
                   workspace=tmp_path / "ws")
    assert proc.returncode == 0, proc.stderr
    scores = _read(out)
    calls = pd.read_csv(tmp_path / "scores.calls.csv", encoding="utf-8-sig",
                        dtype={"customer_id": str})
    mine = set(customers.loc[customers["branch"] == branch, "customer_id"])
    assert set(scores.index) <= mine and len(scores) > 100
    assert len(calls) > 0 and set(calls["customer_id"]) <= set(scores.index)
    assert set(calls["branch"]) == {branch}
    assert int(calls["call_this_week"].astype(str).str.lower().eq("true").sum()) == 5
