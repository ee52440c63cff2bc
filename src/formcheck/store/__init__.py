"""Athletes and their history: an embedded SQLite store under `$FORMCHECK_HOME` (default: the
platform's user-data folder).

    open_store(path=None) -> Store
    Store.athletes() -> [Athlete(name, stature_cm, notes)]
    Store.upsert_athlete(name, stature_cm=None, notes=None) -> Athlete
    Store.record(athlete_name, result_json, input_sha256, recorded_at, source_name) -> Session
    Store.record_input(athlete_name, result_json, input_path, source_name=None) -> Session (sha and date from the file)
    Store.sessions(athlete_name, kind=None) -> [Session(id, athlete, date, kind, source_name, headline, result)]
    Store.trend(athlete_name, kind) -> Trend (headline figures over time, change since first / previous)
    clip_date(path) -> ClipDate(when, source): when a clip was recorded (its metadata, else the file time)

One module each: paths (where), schema (versions and migrations), headline (a session's headline
figures from its result JSON), records (Athlete, Session), trend (Trend), dates (clip_date), store
(Store), errors. The CLI (`formcheck history`, `--athlete`), batch and the app use this package; it
never imports a front end.
"""

from __future__ import annotations

from .dates import ClipDate, clip_date
from .errors import StoreError, UnknownAthlete
from .headline import SPREAD_KINDS, headline_figures
from .paths import HOME_ENV, STORE_FILE, formcheck_home, store_path
from .records import Athlete, Session
from .schema import LATEST as SCHEMA_VERSION
from .store import Store, open_store
from .trend import MetricTrend, Trend, TrendPoint

__all__ = [
    "HOME_ENV",
    "SCHEMA_VERSION",
    "SPREAD_KINDS",
    "STORE_FILE",
    "Athlete",
    "ClipDate",
    "MetricTrend",
    "Session",
    "Store",
    "StoreError",
    "Trend",
    "TrendPoint",
    "UnknownAthlete",
    "clip_date",
    "formcheck_home",
    "headline_figures",
    "open_store",
    "store_path",
]
