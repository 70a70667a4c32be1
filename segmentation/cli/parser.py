"""Argument parsing: the ``score``, ``report``, ``forecast`` and ``users`` commands."""

from __future__ import annotations

import argparse
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m segmentation",
                                     description="Score customers of a branch network.")
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="one row per customer with tier, segment and risk")
    score.add_argument("--transactions", type=Path,
                       help="transactions file (required unless --database or --workspace)")
    score.add_argument("--customers", type=Path)
    score.add_argument("--surveys", type=Path)
    score.add_argument("--complaints", type=Path)
    score.add_argument("--database", metavar="NAME",
                       help="read a company database instead of files: a [connections.NAME] "
                            "block of the secrets file, or a connection saved in the app "
                            "(with its password), each with the table mapping saved in the app "
                            "or guessed from table and column names")
    score.add_argument("--workspace", type=Path, metavar="DIR",
                       help="score the dataset already loaded in this workspace folder (its "
                            "current dataset) instead of files; its users, presets and audit "
                            "log serve --as-user and --preset (default for those: "
                            "$SEG_WORKSPACE or data/workspace)")
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
    score.add_argument("--out", type=Path,
                       help="output file: .csv, .xlsx or .parquet (required unless "
                            "--write-table)")
    score.add_argument("--write-table", dest="write_table", metavar="TABLE",
                       help="with --database: write the scores back as this table of the "
                            "database (letters, digits and _; created, or replaced only when "
                            "this program wrote it), so that they stay where the data is")
    _scope_arguments(score)
    _report_parser(sub)
    _forecast_parser(sub)
    _users_parser(sub)
    return parser


def _report_parser(sub) -> None:
    """``report``: the deck, the HTML report or the workbook of a user's scope."""
    report = sub.add_parser(
        "report", help="the report for headquarters: an editable deck (pptx), a one-file "
                       "HTML report or a workbook (xlsx)",
        description="Build the report of the workspace's current dataset (the bundled "
                    "sample in a new workspace), of --database NAME, or of input files.")
    report.add_argument("--format", required=True, choices=("pptx", "html", "xlsx"))
    report.add_argument("--out", required=True, type=Path,
                        help="output file, with the format's extension")
    report.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the report")
    report.add_argument("--preset", type=Path, help="tier settings (JSON) saved from the "
                        "app, a saved preset's name or @default (default: the workspace's "
                        "default preset, else four tiers by share)")
    report.add_argument("--as-of", dest="as_of", help="analysis date YYYY-MM-DD "
                        "(default: the last transaction date)")
    report.add_argument("--transactions", type=Path,
                        help="read files instead of the workspace's dataset")
    for name in ("customers", "surveys", "complaints"):
        report.add_argument(f"--{name}", type=Path)
    report.add_argument("--database", metavar="NAME", help="read a company database (as "
                        "for score --database)")
    report.add_argument("--secrets", type=Path, default=Path(".streamlit/secrets.toml"))
    report.add_argument("--timeout", type=float, default=600,
                        help="statement time limit in the database, seconds (default 600)")
    report.add_argument("--encoding", help="CSV encoding, e.g. gbk (default: detected)")
    report.add_argument("--date-order", dest="date_order", default="auto",
                        choices=("auto", "day-first", "month-first"))
    report.add_argument("--clusters", type=int, default=6, help="personas, 2-10 (default 6)")
    _scope_arguments(report)


def _forecast_parser(sub) -> None:
    """``forecast``: weekly volumes ahead per branch, region and network."""
    fc = sub.add_parser(
        "forecast", help="weekly shipments and revenue per branch, region and network, 13 "
                         "weeks ahead with 80%% and 95%% intervals",
        description="Forecast the workspace's current dataset (the bundled sample in a new "
                    "workspace), --workspace DIR, --database NAME, or input files: one row "
                    "per branch, region and network and week ahead.")
    fc.add_argument("--out", required=True, type=Path,
                    help="output file: .csv, .xlsx or .parquet")
    fc.add_argument("--transactions", type=Path,
                    help="read files instead of the workspace's dataset")
    for name in ("customers", "surveys", "complaints"):
        fc.add_argument(f"--{name}", type=Path)
    fc.add_argument("--database", metavar="NAME", help="read a company database (as for "
                    "score --database)")
    fc.add_argument("--workspace", type=Path, metavar="DIR",
                    help="the current dataset of this workspace folder")
    fc.add_argument("--secrets", type=Path, default=Path(".streamlit/secrets.toml"))
    fc.add_argument("--timeout", type=float, default=600,
                    help="statement time limit in the database, seconds (default 600)")
    fc.add_argument("--as-of", dest="as_of", help="analysis date YYYY-MM-DD (default: the "
                    "last transaction date); the forecast starts after the last complete "
                    "week up to it")
    fc.add_argument("--encoding", help="CSV encoding, e.g. gbk (default: detected)")
    fc.add_argument("--date-order", dest="date_order", default="auto",
                    choices=("auto", "day-first", "month-first"))
    fc.add_argument("--lang", choices=("en", "zh"), default="en",
                    help="language of messages")
    _scope_arguments(fc)


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
    for p in (add, role):
        p.add_argument("--allow-unknown", dest="allow_unknown", action="store_true",
                       help="keep a --branch / --region that the workspace's current data "
                            "does not hold (default: refuse, with the closest names)")
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
