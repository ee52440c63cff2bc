"""`Store`: athletes and their sessions in one SQLite file (see `paths` for where).

Safe to share: the database is in WAL mode, every write is one `BEGIN IMMEDIATE` transaction (a
second writer waits up to `BUSY_TIMEOUT_S` for the first), and `synchronous = FULL` makes each commit
durable before `record` returns. A process killed in the middle of a write leaves the last committed
state (SQLite's journal rolls the unfinished transaction back when the store is next opened).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..config import CommonSettings, setting_ref, spec_of
from ..errors import UsageError
from ..export import to_jsonable
from ..kinds import kind_spec
from ..model import file_sha256
from .dates import clip_date
from .errors import StoreError, UnknownAthlete
from .headline import headline_figures
from .paths import store_path
from .records import Athlete, Session
from .schema import migrate
from .trend import Trend, build_trend

#: How long a write waits for another process's write to finish, seconds.
BUSY_TIMEOUT_S = 60.0
#: Longest athlete name, characters.
MAX_NAME = 100


def open_store(path: str | Path | None = None) -> Store:
    """Open (creating and migrating if needed) the store at `path` (a file, or a folder holding
    `formcheck.sqlite3`; default: `$FORMCHECK_HOME`, else the platform's user-data folder)."""
    return Store(store_path(path))


def utc_text(when: datetime) -> str:
    """A date as the store keeps it: UTC, fixed-width ISO 8601, so text order is time order."""
    if when.tzinfo is None:
        when = when.astimezone()  # a naive time is this machine's local time
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def clean_name(name: str) -> str:
    """An athlete's name with surrounding and repeated white space removed; UsageError when empty,
    too long or holding control characters."""
    text = " ".join(str(name).split())
    if not text:
        raise UsageError("the athlete's name is empty: give a name (e.g. a first name or initials)")
    if len(text) > MAX_NAME:
        raise UsageError(f"the athlete's name is {len(text)} characters long: give at most {MAX_NAME}")
    if any(unicodedata.category(c).startswith("C") for c in text):
        raise UsageError(f"the athlete's name {text!r} holds control characters: use letters, digits and spaces")
    return text


def check_stature(stature_cm: float | None) -> float | None:
    """The stature if it is a plausible human one (the `height_cm` setting's range), else UsageError."""
    if stature_cm is None:
        return None
    spec = spec_of(CommonSettings.__dataclass_fields__["height_cm"])
    low, high = (spec.low, spec.high) if spec else (50.0, 250.0)
    value = float(stature_cm)
    if not (value == value and (low is None or value >= low) and (high is None or value <= high)):
        raise UsageError(
            f"{setting_ref('height_cm')} {stature_cm:g} is not a human stature in centimetres "
            f"(expected {low:g}-{high:g} cm)"
        )
    return value


class Store:
    """The athletes' store. Use as a context manager, or call `close()`. One Store may be shared
    between threads (its calls take turns); processes each open their own."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"cannot open the athletes' store {self.path}: {exc}; check that the folder can be written "
                f"(or set FORMCHECK_HOME to another folder)"
            ) from exc
        try:
            self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
            migrate(self._db, where=f"the athletes' store {self.path}")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(
                f"the athletes' store {self.path} cannot be read ({exc}): it is damaged or not a formcheck "
                f"store; move it away and formcheck starts a new one"
            ) from exc
        except BaseException:
            self._db.close()
            raise

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once, so two writers queue instead of deadlocking)."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(
                    f"the athletes' store {self.path} stayed busy for {BUSY_TIMEOUT_S:g} s ({exc}): another "
                    f"formcheck is writing to it; try again when it has finished"
                ) from exc
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cursor = self._db.execute(sql, args)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()

    # ------------------------------------------------------------------ athletes

    def athletes(self) -> list[Athlete]:
        """Every athlete, by name (ignoring case)."""
        rows = self._read("SELECT name, stature_cm, notes FROM athletes ORDER BY name COLLATE NOCASE")
        return [Athlete(r["name"], r["stature_cm"], r["notes"]) for r in rows]

    def athlete(self, name: str) -> Athlete | None:
        """The athlete of this name (ignoring case and extra spaces), or None."""
        rows = self._read("SELECT name, stature_cm, notes FROM athletes WHERE name = ?", (clean_name(name),))
        return Athlete(rows[0]["name"], rows[0]["stature_cm"], rows[0]["notes"]) if rows else None

    def require_athlete(self, name: str) -> Athlete:
        """The athlete of this name; UnknownAthlete (naming the known ones) otherwise."""
        found = self.athlete(name)
        if found is None:
            known = ", ".join(a.name for a in self.athletes()) or "none yet"
            raise UnknownAthlete(
                f"no athlete named {clean_name(name)!r} in the store {self.path} (athletes: {known}); "
                f"an athlete is added by their first analysis"
            )
        return found

    def upsert_athlete(self, name: str, stature_cm: float | None = None, notes: str | None = None) -> Athlete:
        """Add the athlete, or update the stature and notes given (None keeps the stored value)."""
        text = clean_name(name)
        stature = check_stature(stature_cm)
        now = utc_text(datetime.now(timezone.utc))
        with self._write() as db:
            db.execute(
                """INSERT INTO athletes (name, stature_cm, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET
                     stature_cm = COALESCE(excluded.stature_cm, stature_cm),
                     notes = COALESCE(excluded.notes, notes),
                     updated_at = excluded.updated_at""",
                (text, stature, notes, now, now),
            )
        found = self.athlete(text)
        assert found is not None
        return found

    # ------------------------------------------------------------------ sessions

    def record(
        self,
        athlete_name: str,
        result_json: Mapping[str, Any],
        input_sha256: str,
        recorded_at: datetime,
        source_name: str,
        date_source: str = "",
    ) -> Session:
        """Keep one analysis as a session of the athlete (added if new). The same input analysed again
        with the same analysis updates its session (same id), never adds a second one."""
        text = clean_name(athlete_name)
        kind = str(result_json.get("kind") or "")
        if not kind:
            raise UsageError("this result has no `kind`: record the JSON that formcheck wrote for an analysis")
        if len(input_sha256) != 64:
            raise UsageError(f"input_sha256 must be the 64 hex digits of the input's sha256, got {input_sha256!r}")
        now = utc_text(datetime.now(timezone.utc))
        plain = to_jsonable(dict(result_json))  # NaN as null, numpy values as Python ones
        result_text = json.dumps(plain, ensure_ascii=False, allow_nan=False)
        headline_text = json.dumps(headline_figures(plain), ensure_ascii=False, allow_nan=False)
        with self._write() as db:
            db.execute(
                "INSERT INTO athletes (name, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                (text, now, now),
            )
            (athlete_id,) = db.execute("SELECT id FROM athletes WHERE name = ?", (text,)).fetchone()
            (session_id,) = db.execute(
                """INSERT INTO sessions (athlete_id, input_sha256, kind, recorded_at, date_source, source_name,
                                         result_json, headline_json, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (athlete_id, input_sha256, kind) DO UPDATE SET
                     recorded_at = excluded.recorded_at, date_source = excluded.date_source,
                     source_name = excluded.source_name, result_json = excluded.result_json,
                     headline_json = excluded.headline_json, updated_at = excluded.updated_at
                   RETURNING id""",
                (
                    athlete_id,
                    input_sha256.lower(),
                    kind,
                    utc_text(recorded_at),
                    date_source,
                    source_name,
                    result_text,
                    headline_text,
                    now,
                    now,
                ),
            ).fetchone()
        return self.session(int(session_id))

    def record_input(
        self, athlete_name: str, result_json: Mapping[str, Any], input_path: str | Path, source_name: str | None = None
    ) -> Session:
        """`record` for the input file the result was made from: its sha256 and its recorded date
        (`dates.clip_date`: its metadata, else its modification time) are read from the file.
        source_name: the name the user knows it by (default: the file's name; an upload's temporary
        copy is named otherwise)."""
        path = Path(input_path)
        when = clip_date(path)
        return self.record(
            athlete_name, result_json, file_sha256(path), when.when, source_name or path.name, when.source
        )

    def session(self, session_id: int) -> Session:
        """One session with its whole result; StoreError when there is none of that number."""
        rows = self._read(f"{_SESSION_SELECT}, s.result_json FROM {_SESSION_FROM} WHERE s.id = ?", (int(session_id),))
        if not rows:
            raise StoreError(f"no session number {session_id} in the store {self.path}")
        return _session(rows[0], with_result=True)

    def sessions(self, athlete_name: str, kind: str | None = None, with_result: bool = True) -> list[Session]:
        """The athlete's sessions (of one analysis if `kind` is given), oldest first. with_result:
        load each whole result JSON too (False: headline figures only, quicker for long lists)."""
        athlete = self.require_athlete(athlete_name)
        result = ", s.result_json" if with_result else ""
        sql = f"{_SESSION_SELECT}{result} FROM {_SESSION_FROM} WHERE a.name = ?"
        args: tuple[Any, ...] = (athlete.name,)
        if kind is not None:
            sql += " AND s.kind = ?"
            args += (kind,)
        rows = self._read(sql + " ORDER BY s.recorded_at, s.id", args)
        return [_session(r, with_result) for r in rows]

    def trend(self, athlete_name: str, kind: str) -> Trend:
        """The athlete's headline figures of one analysis over time, with the change since the first
        session and since the previous one of the same group (`KindSpec.compare_by`: a walk is compared
        with walks; see `trend.Trend`)."""
        athlete = self.require_athlete(athlete_name)
        try:
            compare_by = kind_spec(kind).compare_by
        except KeyError:
            compare_by = ()
        return build_trend(athlete, kind, self.sessions(athlete.name, kind, with_result=False), compare_by)

    def delete_session(self, session_id: int) -> bool:
        """Remove one session; False when there was none of that number."""
        with self._write() as db:
            return db.execute("DELETE FROM sessions WHERE id = ?", (int(session_id),)).rowcount > 0


_SESSION_SELECT = (
    "SELECT s.id, a.name AS athlete, s.recorded_at, s.kind, s.source_name, s.headline_json, s.input_sha256, "
    "s.date_source"
)
_SESSION_FROM = "sessions s JOIN athletes a ON a.id = s.athlete_id"


def _session(row: sqlite3.Row, with_result: bool) -> Session:
    return Session(
        id=int(row["id"]),
        athlete=str(row["athlete"]),
        date=datetime.fromisoformat(row["recorded_at"]),
        kind=str(row["kind"]),
        source_name=str(row["source_name"]),
        headline=json.loads(row["headline_json"]),
        result=json.loads(row["result_json"]) if with_result else {},
        input_sha256=str(row["input_sha256"]),
        date_source=str(row["date_source"]),
    )
