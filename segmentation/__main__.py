"""Batch CLI: ``python -m segmentation score ...`` (the contract is in DESIGN.md).

Exit codes: 0 success, 2 bad input or usage, 1 an unexpected failure (always one line on
stderr saying why, never a traceback; no output file is left behind on failure).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from . import i18n

OUTPUT_COLUMNS = (
    "customer_id", "recency_days", "frequency", "monetary_total", "tier", "rfm_segment",
    "churn_risk", "p_alive", "clv_12m", "risk_reasons", "cluster", "persona",
)


#: churn columns copied into the output (after the contract's columns)
CHURN_COLUMNS = ("churn_risk", "p_alive", "clv_12m", "risk_reasons", "status",
                 "value_at_risk", "reason_codes")


class CliError(Exception):
    """Bad input: printed as one line, exit code 2."""


i18n.register({
    "cli.db.both": {
        "en": "use either --database or files (--transactions ...), not both",
        "zh": "请只使用 --database 或文件（--transactions ...）其中之一，不要同时使用",
    },
    "cli.db.need_input": {
        "en": "--transactions PATH is required (or --database NAME)",
        "zh": "需要 --transactions 文件路径（或 --database 连接名）",
    },
    "cli.db.unknown": {
        "en": "--database {name}: no [connections.{name}] in {secrets} and no connection of "
              "that name saved in {folder}",
        "zh": "--database {name}：{secrets} 中没有 [connections.{name}]，{folder} 中也没有保存"
              "该名称的连接",
    },
    "cli.db.no_password": {
        "en": "--database {name}: saved without its password; save it in the app with "
              "'Remember the password', or put it in {secrets} under [connections.{name}]",
        "zh": "--database {name}：保存时未记住密码；请在应用中勾选“记住密码”后保存，"
              "或把它写入 {secrets} 的 [connections.{name}]",
    },
    "cli.write_failed": {
        "en": "--out {path}: the file could not be written ({reason}); nothing was written",
        "zh": "--out {path}：无法写入文件（{reason}），未写入任何内容",
    },
    "cli.internal": {
        "en": "unexpected problem ({kind}: {reason}); no output file was written",
        "zh": "发生意外问题（{kind}：{reason}），未写入输出文件",
    },
    "cli.db.failed": {
        "en": "--database {name}: {message}",
        "zh": "--database {name}：{message}",
    },
})


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m segmentation",
                                     description="Score customers of a branch network.")
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="one row per customer with tier, segment and risk")
    score.add_argument("--transactions", type=Path,
                       help="transactions file (required unless --database)")
    score.add_argument("--customers", type=Path)
    score.add_argument("--surveys", type=Path)
    score.add_argument("--complaints", type=Path)
    score.add_argument("--database", metavar="NAME",
                       help="read a company database instead of files: a [connections.NAME] "
                            "block of the secrets file, or a connection saved in the app "
                            "(with its password), each with the table mapping saved in the app "
                            "or guessed from table and column names")
    score.add_argument("--secrets", type=Path, default=Path(".streamlit/secrets.toml"),
                       help="secrets file for --database (default: .streamlit/secrets.toml)")
    score.add_argument("--timeout", type=float, default=600,
                       help="statement time limit in the database, seconds (default 600)")
    score.add_argument("--as-of", dest="as_of", help="analysis date YYYY-MM-DD "
                       "(default: the last transaction date)")
    score.add_argument("--preset", type=Path, help="tier settings (JSON) saved from the app")
    score.add_argument("--horizon", type=int, choices=(30, 60, 90, 180),
                       help="churn horizon H in days (default: from the purchase cycle)")
    score.add_argument("--lost-after", dest="lost_after", type=int,
                       help="days without a shipment after which a customer counts as lost")
    score.add_argument("--calls-per-branch", dest="calls_per_branch", type=int, metavar="N",
                       help="also write the week's call list: each branch's N warned customers "
                            "with the highest value at risk first, the other warnings below, "
                            "to OUT with '.calls' before the extension (default: the "
                            "capacity saved with --preset, if any)")
    score.add_argument("--no-churn", dest="churn", action="store_false",
                       help="skip the churn model (churn_risk, p_alive, clv_12m stay empty)")
    score.add_argument("--clusters", type=int, default=6,
                       help="number of customer clusters (personas), 2-10 (default 6)")
    score.add_argument("--encoding", help="CSV encoding, e.g. gbk (default: detected)")
    score.add_argument("--date-order", dest="date_order", default="auto",
                       choices=("auto", "day-first", "month-first"),
                       help="order of dates written like 01/03/2024 (default: decided per "
                            "column, stated when nothing in the column settles it)")
    score.add_argument("--lang", choices=("en", "zh"), default="en",
                       help="language of messages and reasons")
    score.add_argument("--out", required=True, type=Path,
                       help="output file: .csv, .xlsx or .parquet")
    _scope_arguments(score)
    _users_parser(sub)
    return parser


# --------------------------------------------------------------------------- who is asking
# (kept together so the users store can be wired in at one place)

i18n.register({
    "cli.user.unknown": {
        "en": "--as-user {name}: no such user (or the user is disabled) in {folder}",
        "zh": "--as-user {name}：{folder} 中没有该用户（或该用户已停用）",
    },
    "cli.user.no_store": {
        "en": "--as-user {name}: this installation keeps no users",
        "zh": "--as-user {name}：本安装未保存任何用户",
    },
    "cli.user.both": {
        "en": "use either --as-user or --scope-branch / --scope-region, not both",
        "zh": "请只使用 --as-user 或 --scope-branch / --scope-region 其中之一",
    },
    "cli.user.no_rows": {
        "en": "{name}: the {role} role sees aggregates only; no customer file is written",
        "zh": "{name}：{role}角色只能查看汇总数据，不生成客户明细文件",
    },
})


def _scope_arguments(score: argparse.ArgumentParser) -> None:
    score.add_argument("--as-user", dest="as_user", metavar="NAME",
                       help="score as this workspace user: only the customers of the "
                            "user's branch / region, names and phones masked for roles "
                            "without that right (tiers and risk stay network-wide)")
    # the scope without a users store (tests, schedulers); not a way around --as-user
    score.add_argument("--scope-branch", dest="scope_branch", action="append",
                       default=[], help=argparse.SUPPRESS)
    score.add_argument("--scope-region", dest="scope_region", action="append",
                       default=[], help=argparse.SUPPRESS)


def cli_user(args: argparse.Namespace):
    """The :class:`~segmentation.access.User` the CLI acts as, or ``None`` (everything).

    ``--as-user NAME`` looks the user up in the workspace's users store;
    ``--scope-branch`` / ``--scope-region`` act as a branch manager / regional
    lead of those branches / regions.
    """
    from .access import Role, User

    branches, regions = list(args.scope_branch or []), list(args.scope_region or [])
    if args.as_user and (branches or regions):
        raise CliError(i18n.t("cli.user.both", args.lang))
    if args.as_user:
        return _lookup_user(args.as_user, args.lang)
    if branches and not regions and len(branches) == 1:
        return User("cli", Role.BRANCH, branch=branches[0])
    if regions and not branches and len(regions) == 1:
        return User("cli", Role.REGIONAL, region=regions[0])
    if branches or regions:
        return _ScopedCliUser(branches, regions)
    return None


class _ScopedCliUser:
    """Several branches / regions at once (no stored role has that; the CLI may)."""

    name = "cli"

    def __init__(self, branches, regions):
        from .access import Role, Scope

        self.role = Role.REGIONAL
        self.scope = Scope(regions=tuple(regions), branches=tuple(branches))

    def can(self, right: str) -> bool:
        from .access import can

        return can(self.role, right)


def _lookup_user(name: str, lang: str):
    from .workspace import default_folder

    try:
        from .users import UserStore
    except ImportError:  # an installation without the users store
        raise CliError(i18n.t("cli.user.no_store", lang, name=name)) from None
    from .users import UserError

    folder = default_folder()
    try:
        user = UserStore(folder).user(name)
    except UserError as err:  # an unreadable users file: say so, in one line
        raise CliError(f"--as-user {name}: {err.message(lang)}") from None
    if user is None:
        raise CliError(i18n.t("cli.user.unknown", lang, name=name, folder=folder))
    return user


def scoped_output(frame: pd.DataFrame, user, lang: str = "en") -> pd.DataFrame:
    """The rows of ``frame`` (the output, one row per customer) that ``user`` may see.

    Tiers, risk and clusters were computed over every customer; here only the
    user's customers are kept (their home ``branch`` / ``region``), names and
    phones masked without the ``see_pii`` right. A role without customer rows
    gets no file (:class:`CliError`).
    """
    from .access import mask_frame

    if user is None:
        return frame
    if not user.can("see_customers"):
        raise CliError(i18n.t("cli.user.no_rows", lang, name=user.name,
                              role=i18n.t(f"cli.role.{user.role.value}", lang)))
    out = user.scope.apply(frame).reset_index(drop=True)
    return mask_frame(out, user)


i18n.register({
    "cli.role.hq": {"en": "HQ analyst", "zh": "总部分析师"},
    "cli.role.regional": {"en": "regional lead", "zh": "区域负责人"},
    "cli.role.branch": {"en": "branch manager", "zh": "网点负责人"},
    "cli.role.viewer": {"en": "viewer", "zh": "只读查看者"},
})


def score(args: argparse.Namespace) -> pd.DataFrame:
    """Run the scoring pipeline for parsed CLI arguments; returns the output frame."""
    return score_and_calls(args)[0]


def score_and_calls(args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The output frame and, with ``--calls-per-branch`` (or a preset's capacity), the
    call list."""
    from .cleaning import load_files
    from .tiers import score_customers
    from .workspace import Workspace

    as_of = None
    if args.as_of:
        try:
            as_of = pd.Timestamp(args.as_of).normalize()
        except ValueError as err:
            raise CliError(f"--as-of {args.as_of!r} is not a date like 2025-06-30") from err
    if args.out.suffix.lower() not in (".csv", ".xlsx", ".parquet"):
        raise CliError(f"--out {args.out}: use a .csv, .xlsx or .parquet file name")
    paths = {name: getattr(args, name) for name in
             ("transactions", "customers", "surveys", "complaints") if getattr(args, name)}
    if args.database and paths:
        raise CliError(i18n.t("cli.db.both", args.lang))
    if not args.database and "transactions" not in paths:
        raise CliError(i18n.t("cli.db.need_input", args.lang))
    for name, path in paths.items():
        if not path.exists():
            raise CliError(f"--{name} {path}: file not found")
    if not 2 <= args.clusters <= 10:
        raise CliError(f"--clusters {args.clusters}: choose between 2 and 10")
    if args.lost_after is not None and args.lost_after < 1:
        raise CliError(f"--lost-after {args.lost_after}: give a number of days above 0")
    if args.calls_per_branch is not None and not 1 <= args.calls_per_branch <= 10_000:
        raise CliError(f"--calls-per-branch {args.calls_per_branch}: give a number of calls "
                       "from 1 to 10000")
    settings, preset_calls = _load_preset(args.preset) if args.preset else (None, None)
    if args.calls_per_branch is None:
        args.calls_per_branch = preset_calls
    user = cli_user(args)
    if user is not None and not user.can("see_customers"):
        scoped_output(pd.DataFrame(), user, args.lang)  # refuses before any work
    if args.database:
        view, churn = _from_database(args, as_of)
    else:
        dataset = load_files(paths, encoding=args.encoding, as_of=as_of,
                             today=pd.Timestamp.today().normalize(),
                             day_first={"auto": None, "day-first": True,
                                        "month-first": False}[args.date_order])
        for problem in dataset.problems:
            print("warning: " + problem.message(args.lang).replace("\n", " "), file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="segmentation-") as tmp:
            ws = Workspace(tmp)
            ws.replace(dataset.tables, source="cli")
            try:
                view, churn = _view_and_churn(ws.engine(), args, as_of)
            finally:
                ws.engine().dispose()
    scored = score_customers(view, settings)
    if len(view) >= args.clusters:
        import warnings

        from .clusters import cluster_assignments

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scored = scored.join(cluster_assignments(view, args.clusters, lang=args.lang))
    if churn is not None:
        columns = [c for c in CHURN_COLUMNS if c in churn.columns]
        scored = scored.join(churn[columns], how="left")
    calls = (_calls_frame(scored, churn, args.calls_per_branch)
             if args.calls_per_branch is not None else None)
    out = scoped_output(_output_frame(scored), user, args.lang)
    if user is not None and calls is not None:  # the user's customers only, ranks kept
        calls = calls[calls["customer_id"].astype(str).isin(out["customer_id"].astype(str))]
        calls = calls.reset_index(drop=True)
    return out, calls


def _audit_export(args: argparse.Namespace, frame: pd.DataFrame,
                  calls: pd.DataFrame | None) -> None:
    """A CLI run as a workspace user is an export of that user's customers: record it in
    the workspace's audit log, like a download in the app."""
    from datetime import UTC, datetime

    from .audit import AuditLog
    from .workspace import default_folder

    user = _lookup_user(args.as_user, args.lang)
    AuditLog(default_folder()).append("export", user, at=datetime.now(UTC), what="cli score",
                                      file=Path(args.out).name, rows=len(frame),
                                      call_rows=None if calls is None else len(calls))


def calls_path(out: Path) -> Path:
    """Where ``--calls-per-branch`` writes the call list: ``scores.csv`` -> ``scores.calls.csv``."""
    return out.with_name(f"{out.stem}.calls{out.suffix}")


#: Columns of the call list file, in order (those present).
CALL_COLUMNS = ("customer_id", "branch", "call_this_week", "branch_rank", "tier",
                "churn_risk", "value_at_risk", "clv_12m", "recency_days", "risk_reasons")


def _calls_frame(scored: pd.DataFrame, churn: pd.DataFrame | None,
                 calls_per_branch: int) -> pd.DataFrame:
    """The call list of the Churn page (warnings only, capped per branch, the rest below)."""
    from .churn import call_list

    if churn is None or "status" not in scored.columns:
        return pd.DataFrame(columns=list(CALL_COLUMNS))
    warned = scored[scored["status"] == "warning"]
    if "branch" not in warned.columns and "branch" in churn.columns:
        warned = warned.join(churn["branch"])
    listed = call_list(warned, calls_per_branch=calls_per_branch).reset_index()
    return listed[[c for c in CALL_COLUMNS if c in listed.columns]]


def _view_and_churn(engine, args: argparse.Namespace, as_of, table_names=None):
    """The customer view and (unless ``--no-churn``) the churn scores, from ``engine``."""
    from .churn import ChurnUnavailable, render_reasons, score_churn
    from .features import customer_view

    view = customer_view(engine, as_of=as_of, table_names=table_names)
    churn = None
    if args.churn:
        try:
            result = score_churn(engine, as_of=as_of, view=view, lang=None,
                                 horizon_days=args.horizon, lost_after_days=args.lost_after,
                                 table_names=table_names)
        except ChurnUnavailable as err:  # too little data: say what is missing
            print(f"warning: churn columns left empty: {err.message(args.lang)}",
                  file=sys.stderr)
        except ValueError as err:
            print(f"warning: churn columns left empty: {err}", file=sys.stderr)
        else:
            # the words come last, in the language asked for (scoring has none)
            churn = result.scores.assign(risk_reasons=render_reasons(result.scores,
                                                                     args.lang))
            print(f"churn: {result.explanation(args.lang)}", file=sys.stderr)
    return view, churn


def _from_database(args: argparse.Namespace, as_of):
    """``--database NAME``: the view and churn computed inside the named database.

    Resolves NAME in the secrets file first, then among the connections saved in
    the workspace; checks the mapping like the app does. Every connection or
    mapping problem becomes a one-line :class:`CliError` in ``--lang``, without
    the password.
    """
    import sqlalchemy as sa

    from .connections import ConnectionError_, allowed_folders, classify_error, open_engine
    from .database import (
        ConnectionStore,
        check_mapping,
        guess_mapping,
        named_connection,
        read_allowed_folders,
        read_secrets_file,
    )
    from .workspace import default_folder

    name = args.database
    try:
        secrets = read_secrets_file(args.secrets)
        store = ConnectionStore(default_folder())
        if name in secrets:
            origin = "secrets"
        elif name in store.names():
            origin = "saved"
        else:
            raise CliError(i18n.t("cli.db.unknown", args.lang, name=name, secrets=args.secrets,
                                  folder=store.path.parent))
        spec, mapping = named_connection(origin, name, store=store, secrets=secrets)
        if spec is None:  # saved in the app without its password
            raise CliError(i18n.t("cli.db.no_password", args.lang, name=name,
                                  secrets=args.secrets))
        engine = open_engine(spec, statement_timeout_s=args.timeout,
                             folders=allowed_folders(read_allowed_folders(args.secrets)),
                             refused=(store.path.parent,))
        try:
            if not mapping.tables:
                mapping = guess_mapping(engine, spec)
            check_mapping(engine, spec, mapping)
            return _view_and_churn(engine, args, as_of, table_names=mapping.table_names())
        except sa.exc.SQLAlchemyError as exc:
            raise classify_error(exc, spec) from None
        finally:
            engine.dispose()
    except ConnectionError_ as err:
        raise CliError(i18n.t("cli.db.failed", args.lang, name=name,
                              message=" ".join(err.message(args.lang).split()))) from None


def _load_preset(path: Path):
    """Tier settings and the saved weekly calls per branch (or ``None``) for ``--preset``:
    a JSON file, a saved preset's name, or ``@default``.

    A settings / preset JSON file saved or exported from the app is read as it is;
    otherwise ``path`` names a preset saved in the workspace (``$SEG_WORKSPACE`` or
    ``data/workspace``), and ``@default`` is the workspace's default preset. Any
    problem becomes a one-line :class:`CliError`.
    """
    from .presets import PresetStore, read_preset_calls, read_preset_file
    from .tiers import SettingsError
    from .workspace import default_folder

    try:
        if path.is_file():
            return read_preset_file(path), read_preset_calls(path)
        store = PresetStore.for_workspace(default_folder())
        if str(path) == "@default":
            settings = store.default_settings()
            if settings is None:
                raise CliError(f"--preset @default: no default preset in {store.folder}")
            return settings, store.default_calls_per_branch()
        if str(path) in store:
            return store.load(str(path)), store.calls_per_branch(str(path))
        raise CliError(f"--preset {path}: no such file, and no saved preset of that name "
                       f"in {store.folder}")
    except OSError as err:
        raise CliError(f"--preset {path}: cannot read the file ({err.strerror})") from err
    except SettingsError as err:
        raise CliError(f"--preset {path}: not a valid preset: {err.message('en')}") from err


def _output_frame(scored: pd.DataFrame) -> pd.DataFrame:
    out = scored.reset_index()
    out.attrs = {}  # run metadata (e.g. as_of) is not part of the file format
    for col in OUTPUT_COLUMNS:
        if col not in out.columns:
            out[col] = "" if col == "risk_reasons" else float("nan")
    rest = [c for c in out.columns if c not in OUTPUT_COLUMNS]
    out = out[list(OUTPUT_COLUMNS) + rest]
    for col in ("tier", "rfm_segment"):
        out[col] = out[col].astype(str)
    return out


def write_output(frame: pd.DataFrame, path: Path) -> None:
    """The formula-safe writer of the app's downloads, atomically (no partial file)."""
    from .export import write_file

    write_file(frame, path)


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Library warnings as ``warning: ...`` lines, without source file and code line."""
    print("warning: " + " ".join(str(message).split()), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    from .schema import DataError

    args = _parser().parse_args(argv)
    if args.command == "users":
        return run_users(args)
    import warnings

    warnings.showwarning = _one_line_warning
    try:
        frame, calls = score_and_calls(args)
        write_output(frame, args.out)
        if calls is not None:
            write_output(calls, calls_path(args.out))
            week = int(calls["call_this_week"].sum()) if len(calls) else 0
            print(f"call list: {week:,} calls this week (up to {args.calls_per_branch} per "
                  f"branch), {len(calls) - week:,} further warnings -> {calls_path(args.out)}")
        if args.as_user:
            _audit_export(args, frame, calls)
    except CliError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except DataError as err:
        lines = err.message(args.lang).splitlines()
        print("error: " + " | ".join(lines), file=sys.stderr)
        return 2
    except OSError as err:  # the output cannot be written: no file is left behind
        print("error: " + i18n.t("cli.write_failed", args.lang, path=args.out,
                                 reason=err.strerror or type(err).__name__), file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001 - one line, never a traceback
        reason = " ".join(str(err).split())[:300] or type(err).__name__
        print("error: " + i18n.t("cli.internal", args.lang, kind=type(err).__name__,
                                 reason=reason), file=sys.stderr)
        return 1
    print(f"scored {len(frame):,} customers -> {args.out}")
    return 0


# --------------------------------------------------------------------------- users

i18n.register({
    "cli.users.added": {"en": "added user {name} ({role}{scope})",
                        "zh": "已添加用户 {name}（{role}{scope}）"},
    "cli.users.role_set": {"en": "user {name} is now {role}{scope}",
                           "zh": "用户 {name} 的角色已改为 {role}{scope}"},
    "cli.users.password_set": {"en": "password of {name} changed",
                               "zh": "已修改 {name} 的密码"},
    "cli.users.disabled": {"en": "user {name} disabled (cannot sign in)",
                           "zh": "已停用用户 {name}（无法登录）"},
    "cli.users.enabled": {"en": "user {name} enabled", "zh": "已启用用户 {name}"},
    "cli.users.email_set": {"en": "e-mail of {name}: {email}", "zh": "{name} 的电子邮件：{email}"},
    "cli.users.none": {
        "en": "no users in {folder}: the app runs open (anyone who opens it sees all data)",
        "zh": "{folder} 中没有用户：应用以开放模式运行（任何打开它的人都能看到全部数据）",
    },
    "cli.users.prompt": {"en": "Password for {name}: ", "zh": "{name} 的密码："},
    "cli.users.prompt_again": {"en": "Repeat the password: ", "zh": "再次输入密码："},
    "cli.users.mismatch": {"en": "the two passwords differ; nothing changed",
                           "zh": "两次输入的密码不一致；未做任何修改"},
    "cli.users.no_input": {"en": "no password given (empty input); nothing changed",
                           "zh": "未输入密码（输入为空）；未做任何修改"},
})


def _users_parser(sub) -> None:
    """``users add|set-role|passwd|disable|enable|list``: the local users of the workspace."""
    users = sub.add_parser("users", help="manage who may sign in to the dashboard")
    users.add_argument("--workspace", type=Path,
                       help="workspace folder (default: $SEG_WORKSPACE or data/workspace)")
    users.add_argument("--lang", choices=("en", "zh"), default="en")
    actions = users.add_subparsers(dest="users_command", required=True)
    roles = ("hq", "regional", "branch", "viewer")

    def password_options(p) -> None:
        p.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of standard input "
                            "(default: ask for it twice without echo)")

    add = actions.add_parser("add", help="add a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=roles)
    add.add_argument("--region", help="the region a regional lead sees")
    add.add_argument("--branch", help="the branch a branch manager sees")
    add.add_argument("--display-name", default="", help="name shown in the app")
    add.add_argument("--email", help="e-mail of the account for company sign-in (OIDC)")
    add.add_argument("--no-password", action="store_true",
                     help="no password: the user signs in only through OIDC (--email)")
    password_options(add)
    role = actions.add_parser("set-role", help="change a user's role and scope")
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=roles)
    role.add_argument("--region")
    role.add_argument("--branch")
    passwd = actions.add_parser("passwd", help="set a user's password")
    passwd.add_argument("name")
    password_options(passwd)
    email = actions.add_parser("set-email", help="set (or, without EMAIL, clear) the e-mail "
                               "a user signs in with through OIDC")
    email.add_argument("name")
    email.add_argument("email", nargs="?")
    for verb in ("disable", "enable"):
        actions.add_parser(verb, help=f"{verb} a user").add_argument("name")
    actions.add_parser("list", help="list the users (never their passwords)")


def _read_password(args: argparse.Namespace) -> str:
    import getpass

    lang = args.lang
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(i18n.t("cli.users.prompt", lang, name=args.name))
        if password and getpass.getpass(i18n.t("cli.users.prompt_again", lang)) != password:
            raise CliError(i18n.t("cli.users.mismatch", lang))
    if not password:
        raise CliError(i18n.t("cli.users.no_input", lang))
    return password


def _scope_text(record) -> str:
    where = record.branch if record.role.value == "branch" else (
        record.region if record.role.value == "regional" else None)
    return f", {where}" if where else ""


def run_users(args: argparse.Namespace) -> int:
    """The ``users`` command; exit 0, or 2 with one line on stderr."""
    from .users import UserError, UserStore
    from .workspace import default_folder

    lang = args.lang
    store = UserStore(args.workspace or default_folder())
    try:
        command = args.users_command
        if command == "add":
            password = None if args.no_password else _read_password(args)
            record = store.add(args.name, role=args.role, password=password, region=args.region,
                               branch=args.branch, display_name=args.display_name,
                               email=args.email)
            print(i18n.t("cli.users.added", lang, name=record.name, role=record.role.value,
                         scope=_scope_text(record)))
        elif command == "set-role":
            record = store.set_role(args.name, args.role, region=args.region,
                                    branch=args.branch)
            print(i18n.t("cli.users.role_set", lang, name=record.name, role=record.role.value,
                         scope=_scope_text(record)))
        elif command == "passwd":
            if store.get(args.name) is None:
                raise UserError("unknown", name=args.name)
            record = store.set_password(args.name, _read_password(args))
            print(i18n.t("cli.users.password_set", lang, name=record.name))
        elif command == "set-email":
            record = store.set_email(args.name, args.email)
            print(i18n.t("cli.users.email_set", lang, name=record.name,
                         email=record.email or "—"))
        elif command in ("disable", "enable"):
            record = getattr(store, command)(args.name)
            print(i18n.t(f"cli.users.{command}d", lang, name=record.name))
        else:
            records = store.list()
            if not records:
                print(i18n.t("cli.users.none", lang, folder=store.folder))
                return 0
            frame = pd.DataFrame([r.public() for r in records]).fillna("")
            print(frame.to_string(index=False))
    except CliError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except UserError as err:
        print(f"error: {err.message(lang)}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
