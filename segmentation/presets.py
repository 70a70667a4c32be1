"""Named tier presets kept in the workspace folder, with JSON export and import.

Layout of ``<workspace folder>/presets/``::

    <name>.json      one preset: {"name": <name>, **TierSettings.to_dict(),
                     "churn": {"calls_per_branch": <int>}}   (the "churn" block optional)
    _default.json    {"name": <name>}: the preset marked as the default

Every preset file is a settings file that :meth:`TierSettings.from_dict
<segmentation.tiers.TierSettings.from_dict>` reads (the ``name`` key is
metadata, the ``churn`` block holds the Churn page's weekly call capacity per
branch and is read by :func:`read_preset_calls`), so the batch CLI's
``--preset PATH`` takes a preset file as it is,
and an exported preset is the same bytes format.

Writes are atomic: the new content goes to a temporary file in the same folder,
is flushed to disk, and only then renamed over the old file with
:func:`os.replace`. A failed or interrupted save leaves the previous preset
intact. Every change (save, delete, default mark, import) holds the folder's
:func:`~segmentation.locking.file_lock` (``<workspace>/.presets.lock``) for its
whole read-modify-write, so two sessions or a session and the CLI never
interleave, e.g. a delete that clears the default mark and a concurrent
``set_default``; readers need no lock. Loading a dataset (:meth:`Workspace.replace
<segmentation.workspace.Workspace.replace>`) only replaces ``dataset-*.duckdb``
files, so presets survive dataset changes and restarts.
"""

from __future__ import annotations

import builtins
import json
import re
from pathlib import Path
from typing import Any

from . import i18n
from .locking import file_lock
from .storage import atomic_write
from .tiers import SettingsError, TierSettings

__all__ = ["MAX_CALLS_PER_BRANCH", "MAX_IMPORT_BYTES", "MAX_JSON_DEPTH", "PresetStore",
           "read_preset_calls", "read_preset_file", "validate_name"]

PRESETS_FOLDER = "presets"
DEFAULT_POINTER = "_default.json"
#: Largest JSON accepted by :meth:`PresetStore.import_json` and ``--preset`` (a preset is a
#: few KB), and the deepest nesting of ``[`` / ``{`` (a preset nests 3 levels): both
#: checked before the JSON is parsed, so a hostile file is refused at once.
MAX_IMPORT_BYTES = 64 * 1024
MAX_JSON_DEPTH = 20
#: The key of the churn options in a preset file, and the largest weekly call capacity.
CHURN_KEY = "churn"
MAX_CALLS_PER_BRANCH = 10_000
#: Letters (any script), digits, space, ``- _ . ( )`` and full-width brackets;
#: starts with a letter or digit; at most 64 characters.
_NAME = re.compile(r"^[^\W_][\w\- .()（）]{0,63}$")


def validate_name(name: object) -> str:
    """The preset name with surrounding spaces removed.

    Raises
    ------
    SettingsError
        ``preset_name`` when the name is empty, too long, or has characters
        that cannot be part of a file name (``/``, ``\\``, ``:`` ...), starts
        with ``.`` or ``_``, or ends with ``.``.
    """
    text = name.strip() if isinstance(name, str) else ""
    if not _NAME.match(text) or text.endswith("."):
        raise SettingsError("preset_name", name=repr(name))
    return text


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str, limit: int) -> bool:
    """Whether ``[`` / ``{`` nest deeper than ``limit`` outside strings (a linear scan)."""
    depth = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _parse(data: bytes | str) -> tuple[dict[str, Any], TierSettings]:
    """The JSON object and the settings it holds; size and nesting are checked first."""
    if len(data) > MAX_IMPORT_BYTES or (
            isinstance(data, str) and len(data.encode("utf-8")) > MAX_IMPORT_BYTES):
        raise SettingsError("preset_too_large", max=f"{MAX_IMPORT_BYTES:,}")
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        if _too_deep(text, MAX_JSON_DEPTH):
            raise SettingsError("preset_too_deep", max=MAX_JSON_DEPTH)
        obj = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SettingsError("bad_json", detail=str(err).splitlines()[0]) from err
    if not isinstance(obj, dict):
        raise SettingsError("bad_type", field="settings", expected="object")
    _calls(obj)  # checked before anything is saved
    return obj, TierSettings.from_dict({k: v for k, v in obj.items() if k != CHURN_KEY})


def _calls(obj: dict[str, Any]) -> int | None:
    """The ``churn.calls_per_branch`` of a preset object (``None`` when absent)."""
    block = obj.get(CHURN_KEY)
    if block is None:
        return None
    value = block.get("calls_per_branch") if isinstance(block, dict) else block
    if isinstance(value, bool) or not isinstance(value, int) \
            or not 1 <= value <= MAX_CALLS_PER_BRANCH:
        raise SettingsError("bad_type", field="churn.calls_per_branch",
                            expected=f"a whole number from 1 to {MAX_CALLS_PER_BRANCH:,}")
    return int(value)


def read_preset_calls(path: str | Path) -> int | None:
    """The weekly call capacity per branch saved in a preset file (``None`` when absent).

    Raises
    ------
    OSError, SettingsError
        As :func:`read_preset_file`.
    """
    return _calls(_parse(Path(path).read_bytes())[0])


def read_preset_file(path: str | Path) -> TierSettings:
    """Settings from a preset / settings JSON file (what the CLI's ``--preset`` reads).

    Raises
    ------
    OSError
        When the file cannot be read.
    SettingsError
        When its content is not valid settings.
    """
    return _parse(Path(path).read_bytes())[1]


def _preset_object(name: str, settings: TierSettings,
                   calls_per_branch: int | None) -> dict[str, Any]:
    """What a preset file holds: name, settings and (optionally) the churn block."""
    obj: dict[str, Any] = {"name": name, **settings.to_dict()}
    if calls_per_branch is not None:
        obj[CHURN_KEY] = {"calls_per_branch": int(calls_per_branch)}
        _calls(obj)
    return obj


def _dumps(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class PresetStore:
    """The named presets of one folder (normally ``<workspace folder>/presets``).

    Parameters
    ----------
    folder : where the preset files live; created on the first save.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    @classmethod
    def for_workspace(cls, workspace: Any) -> PresetStore:
        """The store of a :class:`~segmentation.workspace.Workspace` (or a workspace folder)."""
        folder = getattr(workspace, "folder", workspace)
        return cls(Path(folder) / PRESETS_FOLDER)

    def path(self, name: str) -> Path:
        """The file of preset ``name`` (whether or not it exists); usable with ``--preset``."""
        return self.folder / f"{validate_name(name)}.json"

    def list(self) -> builtins.list[str]:
        """Names of the saved presets, in text order."""
        if not self.folder.is_dir():
            return []
        names = []
        for path in self.folder.glob("*.json"):
            try:
                names.append(validate_name(path.stem))
            except SettingsError:  # the default pointer, temporary or foreign files
                continue
        return sorted(names)

    def __contains__(self, name: object) -> bool:
        try:
            return self.path(str(name)).is_file()
        except SettingsError:
            return False

    def save(self, name: str, settings: TierSettings, *,
             calls_per_branch: int | None = None) -> Path:
        """Save (or overwrite) preset ``name`` atomically; returns its path.

        ``calls_per_branch``: the Churn page's weekly call capacity per branch;
        ``None`` keeps the one already saved with the preset (if any).
        """
        path = self.path(name)
        with file_lock(self.folder):
            if calls_per_branch is None and name in self:
                try:
                    calls_per_branch = self.calls_per_branch(name)
                except SettingsError:
                    calls_per_branch = None
            atomic_write(path, _dumps(_preset_object(validate_name(name), settings,
                                                     calls_per_branch)))
        return path

    def calls_per_branch(self, name: str) -> int | None:
        """The weekly call capacity per branch saved with preset ``name`` (``None``: none)."""
        try:
            data = self.path(name).read_bytes()
        except FileNotFoundError as err:
            raise SettingsError("preset_missing", name=name) from err
        return _calls(_parse(data)[0])

    def set_calls_per_branch(self, name: str, calls: int) -> Path:
        """Save ``calls`` per branch and week with preset ``name``, its tiers unchanged."""
        path = self.path(name)
        with file_lock(self.folder):  # read and write under one lock: no tiers are lost
            settings = self.load(name)
            atomic_write(path, _dumps(_preset_object(validate_name(name), settings, calls)))
        return path

    def default_calls_per_branch(self) -> int | None:
        """The capacity saved with the default preset, or ``None``."""
        name = self.default()
        try:
            return self.calls_per_branch(name) if name is not None else None
        except SettingsError:
            return None

    def load(self, name: str) -> TierSettings:
        """The settings of preset ``name``.

        Raises
        ------
        SettingsError
            ``preset_missing`` when there is no such preset; ``bad_json`` and
            the other settings codes when the file is damaged.
        """
        try:
            data = self.path(name).read_bytes()
        except FileNotFoundError as err:
            raise SettingsError("preset_missing", name=name) from err
        return _parse(data)[1]

    def delete(self, name: str) -> None:
        """Remove preset ``name`` (and the default mark if it was the default)."""
        path = self.path(name)
        with file_lock(self.folder):
            if self.default() == validate_name(name):
                (self.folder / DEFAULT_POINTER).unlink(missing_ok=True)
            try:
                path.unlink()
            except FileNotFoundError as err:
                raise SettingsError("preset_missing", name=name) from err

    def set_default(self, name: str | None) -> None:
        """Mark preset ``name`` as the default (``None`` clears the mark)."""
        pointer = self.folder / DEFAULT_POINTER
        with file_lock(self.folder):
            if name is None:
                pointer.unlink(missing_ok=True)
                return
            if name not in self:
                raise SettingsError("preset_missing", name=name)
            atomic_write(pointer, _dumps({"name": validate_name(name)}))

    def default(self) -> str | None:
        """The name of the default preset, or ``None`` (also when its file was removed)."""
        try:
            name = json.loads((self.folder / DEFAULT_POINTER).read_text(encoding="utf-8"))["name"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return name if name in self else None

    def default_settings(self) -> TierSettings | None:
        """The settings of the default preset, or ``None`` when no default is marked."""
        name = self.default()
        return self.load(name) if name is not None else None

    def export_json(self, name: str) -> bytes:
        """Preset ``name`` as JSON bytes (UTF-8) for download; :meth:`import_json` reads it."""
        obj: dict[str, Any] = {"name": validate_name(name), **self.load(name).to_dict()}
        calls = self.calls_per_branch(name)
        if calls is not None:
            obj[CHURN_KEY] = {"calls_per_branch": calls}
        return _dumps(obj)

    def import_json(self, data: bytes | str, name: str | None = None, *,
                    overwrite: bool = True) -> str:
        """Save a preset from JSON (an exported preset or a settings file); returns its name.

        Parameters
        ----------
        data : the JSON text or bytes (UTF-8, a BOM is accepted).
        name : the name to save under; default the ``name`` field of the JSON.
        overwrite : replace a preset of the same name (else ``preset_exists``).

        Raises
        ------
        SettingsError
            ``preset_too_large``, ``bad_json``, ``bad_type``, the settings
            codes (``unknown_field``, ``share_sum`` ...), ``preset_no_name``,
            ``preset_name`` or ``preset_exists``; nothing is saved then.
        """
        obj, settings = _parse(data)
        target = name if name is not None else obj.get("name")
        if target is None or (isinstance(target, str) and not target.strip()):
            raise SettingsError("preset_no_name")
        target = validate_name(target)
        with file_lock(self.folder):
            if not overwrite and target in self:
                raise SettingsError("preset_exists", name=target)
            atomic_write(self.path(target),
                         _dumps(_preset_object(target, settings, _calls(obj))))
        return target


i18n.register({
    "tiers.error.preset_name": {
        "en": "{name} is not a usable preset name: use 1 to 64 letters, digits, spaces, "
              "'-', '_', '.' or brackets, starting with a letter or digit.",
        "zh": "{name} 不能作为方案名称：请使用 1 到 64 个字母、数字、空格、“-”、“_”、“.”或括号，"
              "并以字母或数字开头。",
    },
    "tiers.error.preset_missing": {
        "en": "There is no saved preset named '{name}'.",
        "zh": "没有名为“{name}”的已保存方案。",
    },
    "tiers.error.preset_exists": {
        "en": "A preset named '{name}' already exists.",
        "zh": "名为“{name}”的方案已存在。",
    },
    "tiers.error.preset_no_name": {
        "en": "The preset has no name: give one to import it.",
        "zh": "该方案没有名称：请指定名称后再导入。",
    },
    "tiers.error.preset_too_deep": {
        "en": "The file nests lists or objects more than {max} levels deep, which no preset "
              "does; it was not read. Export the preset again from the Tiers page.",
        "zh": "该文件的列表或对象嵌套超过 {max} 层，方案不会如此嵌套，因此未读取。"
              "请在“客户分级”页面重新导出方案。",
    },
    "tiers.error.preset_too_large": {
        "en": "The file is too large for a preset (at most {max} bytes).",
        "zh": "文件过大，不是有效的方案（最多 {max} 字节）。",
    },
})
