"""The store's schema, as numbered migrations. `PRAGMA user_version` holds the version a database is
at; `migrate` brings it to `LATEST` in one transaction (another process opening the same store at
the same moment waits, then finds it migrated).

    1  athletes (name unique ignoring case, stature, notes) and sessions (one per athlete, input
       sha256 and analysis: the result JSON, the date the clip was recorded and where that date came
       from, the input's file name)
    2  each session's headline figures kept beside its result (`headline_json`), so that histories
       and trends need not parse every result (a long clip's result is a few MB); an index by
       athlete, analysis and date
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from .errors import StoreError
from .headline import headline_figures

Migration = Callable[[sqlite3.Connection], None]


def _v1(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE athletes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            stature_cm REAL,
            notes TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            athlete_id INTEGER NOT NULL REFERENCES athletes(id) ON DELETE CASCADE,
            input_sha256 TEXT NOT NULL,
            kind TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            date_source TEXT NOT NULL DEFAULT '',
            source_name TEXT NOT NULL,
            result_json TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (athlete_id, input_sha256, kind)
        )"""
    )


def _v2(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE sessions ADD COLUMN headline_json TEXT NOT NULL DEFAULT '{}'")
    rows = db.execute("SELECT id, result_json FROM sessions").fetchall()
    for session_id, result_text in rows:
        try:
            figures = headline_figures(json.loads(result_text))
        except (ValueError, TypeError, AttributeError):
            figures = {}
        db.execute("UPDATE sessions SET headline_json = ? WHERE id = ?", (json.dumps(figures), session_id))
    db.execute("CREATE INDEX sessions_by_date ON sessions (athlete_id, kind, recorded_at)")


#: Migration N (1-based) brings a database from version N-1 to N.
MIGRATIONS: tuple[Migration, ...] = (_v1, _v2)
LATEST = len(MIGRATIONS)


def schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, target: int = LATEST, where: str = "the store") -> int:
    """Bring the database to version `target` (default the latest) in one transaction; returns the
    version it was at. Raises StoreError for a database written by a newer formcheck. A database
    already at `target` is only read (no write lock is taken)."""
    if schema_version(db) == target:
        return target
    db.execute("BEGIN IMMEDIATE")
    try:
        found = schema_version(db)
        if found > LATEST:
            raise StoreError(
                f"{where} has schema version {found}, newer than this formcheck knows ({LATEST}): it was "
                f"written by a newer formcheck; upgrade formcheck (pip install -U formcheck) to use it"
            )
        for version in range(found + 1, target + 1):
            MIGRATIONS[version - 1](db)
        if target > found:
            db.execute(f"PRAGMA user_version = {int(target)}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return found
