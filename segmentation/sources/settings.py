"""Checking the app's settings files (``secrets.toml``) parse, without quoting them."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..schema import Problem
from .files import FILE_TABLE

_TOML_WHERE = re.compile(r"at line (\d+), column (\d+)")


def check_secrets_files(paths: Iterable[str | os.PathLike]) -> list[Problem]:
    """A problem for every existing ``.toml`` file among ``paths`` that does not parse.

    ``bad_secrets_file`` names the file and the line and column of the error
    only (the parser's own message could quote a value, and the file holds
    passwords); ``secrets_not_utf8`` when it is not UTF-8. Missing files and
    folders (Kubernetes-style secret directories) are skipped.
    """
    import tomllib

    problems = []
    for path in paths:
        path = Path(os.fspath(path))
        if path.suffix.lower() != ".toml" or not path.is_file():
            continue
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            problems.append(Problem(FILE_TABLE, "secrets_not_utf8", "error",
                                    params={"file": str(path)}))
        except tomllib.TOMLDecodeError as err:
            match = _TOML_WHERE.search(str(err))
            problems.append(Problem(FILE_TABLE, "bad_secrets_file", "error", params={
                "file": str(path), "line": match.group(1) if match else "?",
                "col": match.group(2) if match else "?"}))
        except OSError:
            continue
    return problems
