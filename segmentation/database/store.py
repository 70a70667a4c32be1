"""Saved connections: :class:`ConnectionStore` keeps named connections and their
mappings in the workspace folder (a password is only written there when asked for);
:func:`named_connection`, :func:`reuse_password` and the ``secrets.toml`` readers of
the batch CLI."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..connections import ConnectionError_, ConnectionSpec
from ..locking import file_lock
from ..storage import atomic_write
from .mapping import DatabaseMapping
from .messages import table_error

# --------------------------------------------------------------------------- saved connections


@dataclass(frozen=True)
class SavedConnection:
    """A named connection: its settings (password only if it was asked to be kept)
    and its table mapping."""

    name: str
    spec: ConnectionSpec | None
    mapping: DatabaseMapping
    has_password: bool = False


class ConnectionStore:
    """Named connections and mappings in ``<workspace>/connections.json`` (mode 0600).

    Connections from ``secrets.toml`` keep only their mapping here (``spec`` is
    ``None``); their credentials stay in the secrets file.
    """

    FILE = "connections.json"

    def __init__(self, folder: str | Path):
        self.path = Path(folder) / self.FILE

    def _load(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}

    def _write(self, data: dict) -> None:
        # created 0600 from the start: it may hold passwords
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode(),
                     mode=0o600)

    def names(self) -> list[str]:
        """Names of the connections entered in the app (not the secrets ones)."""
        return sorted(n for n, entry in self._load().items() if entry.get("spec"))

    def get(self, name: str) -> SavedConnection | None:
        entry = self._load().get(name)
        if entry is None:
            return None
        spec_data = entry.get("spec")
        spec = ConnectionSpec(**spec_data) if spec_data else None
        return SavedConnection(name, spec, DatabaseMapping.from_json(entry.get("mapping") or {}),
                               has_password=bool(spec_data and spec_data.get("password")))

    def save(self, name: str, spec: ConnectionSpec | None, mapping: DatabaseMapping, *,
             keep_password: bool = False) -> None:
        """Save a connection entered in the app (``spec``) or a secrets connection's mapping
        (``spec=None``). The password is written only with ``keep_password``."""
        name = (name or "").strip()
        if not name:
            raise table_error("no_name")
        entry: dict = {"mapping": mapping.to_json()}
        if spec is not None:
            fields = {"driver": spec.driver, "host": spec.host, "port": spec.port,
                      "database": spec.database, "user": spec.user, "schema": spec.schema}
            if keep_password and spec.password:
                fields["password"] = spec.password
            entry["spec"] = {k: v for k, v in fields.items() if v is not None}
        with file_lock(self.path):  # read-modify-write: two saves at once keep both
            data = self._load()
            data[name] = entry
            self._write(data)

    def delete(self, name: str) -> None:
        with file_lock(self.path):
            data = self._load()
            if data.pop(name, None) is not None:
                self._write(data)


# --------------------------------------------------------------------------- named connections


def read_secrets_file(path: str | Path) -> dict[str, dict]:
    """The ``[connections.<name>]`` blocks of a ``secrets.toml`` (``{}`` without the file).

    For the batch CLI; the app reads the same file through ``st.secrets``. A file
    that is not valid TOML raises :class:`ConnectionError_` (``bad_spec``) naming
    the file, never its content.
    """
    import tomllib

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConnectionError_("bad_spec",
                               detail=f"{path} is not a readable TOML file ({type(exc).__name__})"
                               ) from None
    blocks = data.get("connections", {})
    return {str(n): dict(b) for n, b in blocks.items() if isinstance(b, dict)}


def named_connection(origin: str, name: str, *, store: ConnectionStore,
                     secrets: Mapping[str, Mapping]) -> tuple[ConnectionSpec | None,
                                                             DatabaseMapping]:
    """A ``"secrets"`` or ``"saved"`` connection: its spec and its saved mapping.

    The spec is ``None`` when a saved connection needs its password entered (it
    was saved without one); the mapping is empty when none was saved yet.
    """
    from ..connections import spec_from_secrets

    saved = store.get(name if origin == "saved" else f"secrets:{name}")
    mapping = saved.mapping if saved is not None else DatabaseMapping()
    if origin == "secrets":
        block = secrets.get(name)
        if block is None:
            raise ConnectionError_("bad_spec", detail=f"no [connections.{name}] in secrets.toml")
        return spec_from_secrets(block), mapping
    if saved is None or saved.spec is None:
        raise ConnectionError_("bad_spec", detail=f"no saved connection named {name!r}")
    needs_password = saved.spec.driver not in ("sqlite", "duckdb") and not saved.has_password \
        and saved.spec.user
    return (None if needs_password else saved.spec), mapping


def reuse_password(saved: ConnectionSpec | None, typed: ConnectionSpec, *,
                   name: str) -> ConnectionSpec:
    """``typed`` with the saved password filled in, when the password field was left empty.

    A saved password is only ever sent to the target it was saved for: the same
    driver, host, port, database and user (:meth:`ConnectionSpec.target`). When
    any of them changed, the password must be typed again.

    Raises
    ------
    ConnectionError_
        ``password_again`` when ``typed`` has no password, ``saved`` has one, and
        the targets differ.
    """
    if typed.password or saved is None or not saved.password:
        return typed
    if saved.target() != typed.target():
        raise ConnectionError_("password_again", name=name, target=saved.safe_label())
    return replace(typed, password=saved.password)


def read_allowed_folders(path: str | Path) -> list[str]:
    """``[database] allowed_folders`` of a ``secrets.toml`` (``[]`` without it), for the CLI;
    the app reads the same key through ``st.secrets``."""
    import tomllib

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    folders = (data.get("database") or {}).get("allowed_folders") or []
    return [str(f) for f in folders] if isinstance(folders, list) else []
