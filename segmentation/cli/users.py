"""The ``users`` command: the local users of the workspace."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from .. import i18n
from . import messages  # noqa: F401 - registers the cli.* messages
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


def run_users(args: argparse.Namespace) -> int:
    """The ``users`` command; exit 0, or 2 with one line on stderr."""
    from ..users import UserError, UserStore
    from ..workspace import default_folder

    lang = args.lang
    store = UserStore(args.workspace or default_folder())
    try:
        command = args.users_command
        if command == "add":
            password = None if args.no_password else read_password(args)
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
            frame = pd.DataFrame([r.public() for r in records]).fillna("")
            print(frame.to_string(index=False))
    except CliError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except UserError as err:
        print(f"error: {err.message(lang)}", file=sys.stderr)
        return 2
    return 0
