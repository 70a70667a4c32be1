"""The ``users`` command: the local users of the workspace."""

from __future__ import annotations

import argparse
import sys
import unicodedata

from .. import i18n
from .errors import CliError


def read_password(args: argparse.Namespace) -> str:
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


def _scope_fields(role: str, region: str | None, branch: str | None
                  ) -> tuple[str | None, str | None]:
    """``(branch, region)`` that decide what a user of ``role`` sees (as ``User.scope``)."""
    if role == "branch":
        return branch, None
    if role == "regional":
        return None, region
    if role == "viewer":
        return branch, region
    return None, None


def _known_scope(folder):
    """``(values per column, dataset label)`` of the workspace's current dataset, or
    ``(None, None)`` when nothing was loaded yet."""
    from ..workspace import Workspace

    workspace = Workspace(folder)
    snap = workspace.current()
    if snap is None:
        return None, None
    try:
        return workspace.scope_values(snap), snap.label or snap.source
    except LookupError:  # replaced and collected meanwhile: read the new current one
        snap = workspace.current()
        return workspace.scope_values(snap), snap.label or snap.source


def check_scope(args: argparse.Namespace, folder, role: str, region: str | None,
                branch: str | None) -> None:
    """Refuse (``CliError``) a branch / region the current data does not hold, unless
    ``--allow-unknown``."""
    from ..scope_names import missing_scope

    branch, region = _scope_fields(role, region, branch)
    if args.allow_unknown or not (branch or region):
        return
    lang = args.lang
    known, dataset = _known_scope(folder)
    if known is None:
        column, value = ("branch", branch) if branch else ("region", region)
        raise CliError(i18n.t("cli.users.no_dataset", lang, folder=folder, value=value,
                              column=i18n.t(f"scope.missing.column.{column}", lang)))
    problem = missing_scope(branch=branch, region=region, known=known)
    if problem is not None:
        raise CliError(i18n.t("cli.users.unknown_scope", lang,
                              problem=problem.message(lang, dataset)))


def _listing(records, folder, lang: str) -> tuple[list[dict], int]:
    """The users as rows, with ``scope_in_data`` (yes / no; empty for HQ or when no
    dataset is loaded), and how many are missing."""
    from ..scope_names import missing_scope

    rows = [{k: "" if v is None else v for k, v in r.public().items()} for r in records]
    scopes = [_scope_fields(r.role.value, r.region, r.branch) for r in records]
    # the data is read only when some user's scope needs checking
    known = _known_scope(folder)[0] if any(b or r for b, r in scopes) else None
    missing = 0
    for (branch, region), row in zip(scopes, rows, strict=True):
        if known is None or not (branch or region):
            row["scope_in_data"] = ""
        else:
            found = missing_scope(branch=branch, region=region, known=known) is None
            row["scope_in_data"] = "yes" if found else "no"
            missing += not found
    return rows, missing


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_table(rows: list[dict]) -> str:
    """``rows`` (dicts with the same keys) as a plain text table, a header line first."""
    columns = list(rows[0])
    cells = [columns] + [[str(row[c]) for c in columns] for row in rows]
    widths = [max(_width(line[i]) for line in cells) for i in range(len(columns))]
    return "\n".join("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(
        line, widths, strict=True)).rstrip() for line in cells)


def run_users(args: argparse.Namespace) -> int:
    """The ``users`` command; exit 0, or 2 with one line on stderr."""
    from ..users import UserError, UserStore
    from ..workspace import default_folder

    lang = args.lang
    store = UserStore(args.workspace or default_folder())
    try:
        command = args.users_command
        if command == "add":
            check_scope(args, store.folder, args.role, args.region, args.branch)
            password = None if args.no_password else read_password(args)
            record = store.add(args.name, role=args.role, password=password, region=args.region,
                               branch=args.branch, display_name=args.display_name,
                               email=args.email)
            print(i18n.t("cli.users.added", lang, name=record.name, role=record.role.value,
                         scope=_scope_text(record)))
        elif command == "set-role":
            current = store.get(args.name)
            if current is not None:
                check_scope(args, store.folder, args.role,
                            args.region if args.region is not None else current.region,
                            args.branch if args.branch is not None else current.branch)
            record = store.set_role(args.name, args.role, region=args.region,
                                    branch=args.branch)
            print(i18n.t("cli.users.role_set", lang, name=record.name, role=record.role.value,
                         scope=_scope_text(record)))
        elif command == "passwd":
            if store.get(args.name) is None:
                raise UserError("unknown", name=args.name)
            record = store.set_password(args.name, read_password(args))
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
            rows, missing = _listing(records, store.folder, lang)
            print(text_table(rows))
            if missing:
                print(i18n.t("cli.users.missing_note", lang, n=missing))
    except CliError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except UserError as err:
        print(f"error: {err.message(lang)}", file=sys.stderr)
        return 2
    return 0
