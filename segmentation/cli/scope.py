"""Who is asking: the user a ``score`` run acts as (``--as-user``, ``--scope-*``) and
the rows of the output that user may see."""

from __future__ import annotations

import argparse

import pandas as pd

from .. import i18n
from .errors import CliError


def cli_user(args: argparse.Namespace):
    """The :class:`~segmentation.access.User` the CLI acts as, or ``None`` (everything).

    ``--as-user NAME`` looks the user up in the workspace's users store;
    ``--scope-branch`` / ``--scope-region`` act as a branch manager / regional
    lead of those branches / regions.
    """
    from ..access import Role, User

    branches, regions = list(args.scope_branch or []), list(args.scope_region or [])
    if args.as_user and (branches or regions):
        raise CliError(i18n.t("cli.user.both", args.lang))
    if args.as_user:
        return lookup_user(args.as_user, args.lang, getattr(args, "workspace", None))
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
        from ..access import Role, Scope

        self.role = Role.REGIONAL
        self.scope = Scope(regions=tuple(regions), branches=tuple(branches))

    def can(self, right: str) -> bool:
        from ..access import can

        return can(self.role, right)


def lookup_user(name: str, lang: str, folder=None):
    """The user ``name`` of the workspace ``folder`` (default: ``$SEG_WORKSPACE`` or
    ``data/workspace``); :class:`CliError` when there is none."""
    from ..workspace import default_folder

    try:
        from ..users import UserStore
    except ImportError:  # an installation without the users store
        raise CliError(i18n.t("cli.user.no_store", lang, name=name)) from None
    from ..users import UserError

    folder = folder or default_folder()
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
    from ..access import mask_frame

    if user is None:
        return frame
    if not user.can("see_customers"):
        raise CliError(i18n.t("cli.user.no_rows", lang, name=user.name,
                              role=i18n.t(f"cli.role.{user.role.value}", lang)))
    out = user.scope.apply(frame).reset_index(drop=True)
    return mask_frame(out, user)
