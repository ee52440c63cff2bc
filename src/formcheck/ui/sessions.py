"""The app's results and the athletes' store (`formcheck.store`), without Streamlit: record a result
as a session of an athlete, and show a stored session again (from the result cache while its files
are there, else from the JSON the store keeps).

    record_view(store, athlete, view) -> Recorded    the session (added or updated) and what it says
    session_view(session, cache_root) -> ResultView  a stored session, ready for the results panel
    date_words(when, source) -> str                  '1 March 2026, 10:05 (from the clip's metadata: ...)'
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..kinds.plank.live import LiveSummary
from ..result_document import ResultDocument
from ..store import Athlete, Session, Store
from .cache import UPLOAD_TIME
from .view import ENTRY_FILE, ResultFiles, ResultView, read_entry

log = logging.getLogger(__name__)

#: The origin of a ResultView read back from the store without its files.
STORED = "stored"
#: The date source of a result whose cache entry kept no upload date (made by an earlier version).
ANALYSED_TIME = "time of recording"
#: The date source of a live session (the Live page): when its first camera frame came.
LIVE_TIME = "live session start"
#: Where a date came from (`store.dates` and `cache.upload_date` sources), in a reader's words.
SOURCE_WORDS = {
    "QuickTime creation date": "from the clip's metadata: its QuickTime creation date",
    "container creation_time": "from the clip's metadata: its creation time",
    "EXIF DateTimeOriginal": "from the photo's metadata: EXIF date taken",
    "EXIF DateTime": "from the photo's metadata: EXIF date",
    "file modification time": "the file's modification time: it has no recording date in its metadata",
    UPLOAD_TIME: "the time of upload: the file has no recording date in its metadata",
    ANALYSED_TIME: "the time it was recorded here: the upload's date was not kept",
    LIVE_TIME: "when the live session started",
}


def local_text(when: datetime) -> str:
    """A date in this machine's time zone: '1 March 2026, 10:05'."""
    local = when.astimezone()
    return f"{local.day} {local.strftime('%B %Y, %H:%M')}"


def date_words(when: datetime, source: str) -> str:
    """A recorded date and where it came from: '1 March 2026, 10:05 (from the clip's metadata: ...)'."""
    words = SOURCE_WORDS.get(source) or (f"from its {source}" if source else "")
    return local_text(when) + (f" ({words})" if words else "")


@dataclass(frozen=True)
class Recorded:
    """A result kept as a session: the session, the athlete as stored now, whether the session was
    new (False: the same file and analysis were recorded before and were updated), and whether the
    athlete's stature was changed by this recording."""

    session: Session
    athlete: Athlete
    new: bool
    stature_changed: bool


def record_view(store: Store, athlete_name: str, view: ResultView, stature_cm: float | None = None) -> Recorded:
    """Keep an upload's result as a session of the athlete (added if new): the input's sha256 is the
    cache key's, the date the one the cache read from the upload (its metadata, else the upload
    time). The same file with the same analysis again updates its session. stature_cm: the stature
    the analysis was made with; it becomes the athlete's stature when it differs from it (as
    `formcheck analyse --athlete NAME --height-cm` does). ValueError for an example (not a clip of
    the athlete)."""
    if view.origin != "upload":
        raise ValueError(f"only uploads are recorded for an athlete, not {view.origin} results")
    before = store.athlete(athlete_name)
    changed = stature_cm is not None and (before is None or before.stature_cm != stature_cm)
    athlete = store.upsert_athlete(athlete_name, stature_cm=stature_cm if changed else None)
    sha256 = view.input_sha256
    existing = {
        s.id for s in store.sessions(athlete.name, kind=view.kind, with_result=False) if s.input_sha256 == sha256
    }
    when, source = view.recorded_at, view.date_source
    if when is None:
        when, source = datetime.now(timezone.utc), ANALYSED_TIME
    session = store.record(athlete.name, view.result_json(), sha256, when, view.name, source)
    return Recorded(session=session, athlete=athlete, new=session.id not in existing, stature_changed=changed)


def record_live(
    store: Store, athlete_name: str, summary: LiveSummary, started_at: datetime, stature_cm: float | None = None
) -> Recorded:
    """Keep a live plank session (the Live page's summary) as a session of the athlete, dated when it
    started. Its identity (the store's input sha256) is that of the session itself: its start time
    and summary, so the page saving it again updates it and another session is another entry."""
    before = store.athlete(athlete_name)
    changed = stature_cm is not None and (before is None or before.stature_cm != stature_cm)
    athlete = store.upsert_athlete(athlete_name, stature_cm=stature_cm if changed else None)
    result = summary.result_json()
    identity = json.dumps({"started_at": started_at.isoformat(), "summary": summary.to_json()}, sort_keys=True)
    sha256 = hashlib.sha256(identity.encode("utf-8")).hexdigest()
    existing = {s.id for s in store.sessions(athlete.name, kind="plank", with_result=False) if s.input_sha256 == sha256}
    session = store.record(athlete.name, result, sha256, started_at, "live session", LIVE_TIME)
    return Recorded(session=session, athlete=athlete, new=session.id not in existing, stature_changed=changed)


def session_view(session: Session, cache_root: Path) -> ResultView:
    """The ResultView of a stored session (with its result JSON): its cache entry when one holds the
    same file analysed with the same settings (the video and its tools then work), else the stored
    JSON alone (origin STORED, no files)."""
    cached = cached_entry(session, cache_root)
    if cached is not None:
        return replace(cached, recorded_at=session.date, date_source=session.date_source)
    return ResultView(
        key=f"session-{session.id}",
        name=session.source_name,
        origin=STORED,
        doc=ResultDocument.from_json(session.result),
        times_s=np.zeros(0),
        series={},
        files=ResultFiles(json=None),
        recorded_at=session.date,
        date_source=session.date_source,
        stored_json=session.result,
    )


def cached_entry(session: Session, cache_root: Path) -> ResultView | None:
    """The cache entry of the session's file analysed with the session's settings, or None."""
    if not session.input_sha256 or not cache_root.is_dir():
        return None
    settings = session.result.get("settings")
    for folder in sorted(cache_root.glob(f"{session.input_sha256[:32]}-*")):
        if not (folder / ENTRY_FILE).is_file():
            continue
        try:
            view = read_entry(folder, folder.name, from_cache=True)
            if view.kind == session.kind and view.doc.settings == settings:
                return view
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
            log.warning("ignoring an unreadable cache entry %s: %s", folder, exc)
    return None
