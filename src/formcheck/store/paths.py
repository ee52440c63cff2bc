"""Where the athletes' store lives: `$FORMCHECK_HOME/formcheck.sqlite3`, by default in the platform's
user-data folder (Linux `~/.local/share/formcheck`, macOS `~/Library/Application Support/formcheck`,
Windows `%LOCALAPPDATA%\\formcheck`), from `platformdirs`."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming formcheck's home folder (the store is a file in it).
HOME_ENV = "FORMCHECK_HOME"
#: The store's file name in the home folder.
STORE_FILE = "formcheck.sqlite3"


def formcheck_home() -> Path:
    """$FORMCHECK_HOME, else the platform's user-data folder for formcheck (not created here)."""
    given = os.environ.get(HOME_ENV)
    if given:
        return Path(given).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("formcheck", appauthor=False))


def store_path(path: str | Path | None = None) -> Path:
    """The database file: `path/formcheck.sqlite3` when `path` is a folder (an existing one, or a new
    path without a file suffix), else `path` itself; by default `formcheck_home()/formcheck.sqlite3`."""
    if path is None:
        return formcheck_home() / STORE_FILE
    p = Path(path).expanduser()
    return p / STORE_FILE if p.is_dir() or (not p.exists() and not p.suffix) else p
