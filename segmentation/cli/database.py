"""``score --database NAME``: the view and churn computed inside a company database."""

from __future__ import annotations

import argparse

from .. import i18n
from .errors import CliError
from .pipeline import view_and_churn


def from_database(args: argparse.Namespace, as_of, *, settings=None, user=None):
    """``--database NAME``: the view and churn computed inside the named database (after
    checking, with ``--write-table``, that the table may be written: before the work).

    A network larger than the row bound, written back with ``--write-table`` and no
    ``--out``, is scored and written in buckets (:mod:`segmentation.cli.buckets`): then
    the number of rows written is returned instead of ``(view, churn)``."""
    from .buckets import needs_buckets, score_in_buckets

    def work(engine, names):
        if getattr(args, "write_table", None):
            _check_target(args, engine)
        customers = needs_buckets(args, engine, as_of, names)
        if customers is not None:
            return score_in_buckets(args, engine, names, as_of=as_of, customers=customers,
                                    settings=settings, user=user)
        return view_and_churn(engine, args, as_of, table_names=names)

    result = with_database(args, work)
    if not isinstance(result, tuple | int):  # parts spooled while DuckDB was open to read
        return result.write(args)
    return result


def _check_target(args: argparse.Namespace, engine) -> None:
    from ..writeback import WriteBackError, check_target

    try:
        with engine.connect() as conn:
            check_target(conn, args.write_table)
    except WriteBackError as err:
        raise CliError(i18n.t("cli.db.failed", args.lang, name=args.database,
                              message=" ".join(err.message(args.lang).split()))) from None


def _resolve(args: argparse.Namespace):
    """``(spec, mapping, store, secrets)`` of the connection ``--database NAME`` names: the
    secrets file first, then the connections saved in the workspace."""
    from ..database import ConnectionStore, named_connection, read_secrets_file
    from ..workspace import default_folder

    name = args.database
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
    return spec, mapping, store, secrets


def with_database(args: argparse.Namespace, work):
    """``work(engine, table_names)`` on the database named by ``--database NAME``.

    Resolves NAME in the secrets file first, then among the connections saved in
    the workspace; checks the mapping like the app does. Every connection or
    mapping problem becomes a one-line :class:`CliError` in ``--lang``, without
    the password.
    """
    import sqlalchemy as sa

    from ..connections import ConnectionError_, allowed_folders, classify_error, open_engine
    from ..database import check_mapping, guess_mapping, read_allowed_folders
    from ..sql import rows_bound

    name = args.database
    try:
        spec, mapping, store, _ = _resolve(args)
        engine = open_engine(spec, statement_timeout_s=args.timeout,
                             folders=allowed_folders(read_allowed_folders(args.secrets)),
                             refused=(store.path.parent,))
        try:
            if not mapping.tables:
                mapping = guess_mapping(engine, spec)
            check_mapping(engine, spec, mapping)
            with rows_bound(None):  # every customer goes to the file (a warehouse bounds
                return work(engine, mapping.table_names())  # what a page may fetch)
        except sa.exc.SQLAlchemyError as exc:
            raise classify_error(exc, spec) from None
        finally:
            engine.dispose()
    except ConnectionError_ as err:
        raise CliError(i18n.t("cli.db.failed", args.lang, name=name,
                              message=" ".join(err.message(args.lang).split()))) from None


def write_table(args: argparse.Namespace, frame, as_of, *, append: bool = False) -> int:
    """``--write-table TABLE``: the scores written back to the database of ``--database``
    (:func:`segmentation.writeback.write_scores`, or with ``append``
    :func:`~segmentation.writeback.append_scores`, through the one writable engine);
    returns the rows written. Problems become a one-line :class:`CliError`."""
    import sqlalchemy as sa

    from ..connections import ConnectionError_, allowed_folders, classify_error, open_writer
    from ..database import read_allowed_folders
    from ..writeback import WriteBackError, append_scores, write_scores

    name = args.database
    try:
        spec, _, store, _ = _resolve(args)
        engine = open_writer(spec, statement_timeout_s=args.timeout,
                             folders=allowed_folders(read_allowed_folders(args.secrets)),
                             refused=(store.path.parent,))
        try:
            write = append_scores if append else write_scores
            return write(engine, frame, args.write_table, as_of=as_of)
        except sa.exc.SQLAlchemyError as exc:
            raise classify_error(exc, spec) from None
        finally:
            engine.dispose()
    except (ConnectionError_, WriteBackError) as err:
        raise CliError(i18n.t("cli.db.failed", args.lang, name=name,
                              message=" ".join(err.message(args.lang).split()))) from None


def append_table(args: argparse.Namespace, frame, as_of) -> int:
    """More rows of the same run added to ``--write-table`` (a later bucket)."""
    return write_table(args, frame, as_of, append=True)
