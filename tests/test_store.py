"""The athletes' store: athletes, sessions (the same input updates its session), trends, headline
figures with spreads, clip dates, schema migrations, and safety with real processes: two writers at
once lose nothing, a writer killed inside its commit loses nothing that was committed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from formcheck.errors import UsageError
from formcheck.store import (
    SCHEMA_VERSION,
    StoreError,
    UnknownAthlete,
    clip_date,
    formcheck_home,
    headline_figures,
    open_store,
    store_path,
)
from formcheck.store.schema import migrate

REPO = Path(__file__).resolve().parents[1]
WRITER = REPO / "tests" / "store_writer.py"
DAY = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def run_result(cadence: float, contact_iqr: float, gait: str = "running") -> dict:
    """A result JSON of the running analysis, as far as the store reads it."""
    return {
        "kind": "run",
        "metrics": {
            "gait": gait,
            "view": "side",
            "cadence_spm": cadence,
            "contact_ms": 250.0,
            "contact_ms_iqr": contact_iqr,
            "trunk_lean_deg": 5.0,
        },
        "details": {},
        "references": {
            "cadence_spm": {"label": "Cadence", "unit": "steps/min", "low": 150.0, "high": 190.0},
            "contact_ms": {"label": "Ground contact time", "unit": "ms", "low": 160.0, "high": 300.0},
        },
    }


def sha(n: int) -> str:
    return f"{n:064x}"


@pytest.fixture()
def store(tmp_path: Path):
    with open_store(tmp_path / "store.sqlite3") as s:
        yield s


def test_where_the_store_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path / "home"))
    assert formcheck_home() == tmp_path / "home"
    assert store_path() == tmp_path / "home" / "formcheck.sqlite3"
    assert store_path(tmp_path) == tmp_path / "formcheck.sqlite3"  # a folder: the file in it
    monkeypatch.delenv("FORMCHECK_HOME")
    assert formcheck_home().name == "formcheck" and formcheck_home() != tmp_path / "home"
    with open_store(tmp_path / "home") as s:
        assert s.path == tmp_path / "home" / "formcheck.sqlite3"
        assert s._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_athletes_are_matched_ignoring_case_and_keep_their_stature(store) -> None:
    ann = store.upsert_athlete("  Ann   Lee ", stature_cm=168)
    assert (ann.name, ann.stature_cm, ann.notes) == ("Ann Lee", 168.0, None)
    again = store.upsert_athlete("ann lee", notes="left knee surgery 2024")
    assert (again.name, again.stature_cm, again.notes) == ("Ann Lee", 168.0, "left knee surgery 2024")
    store.upsert_athlete("ANN LEE", stature_cm=169.5)
    store.upsert_athlete("bob")
    assert [(a.name, a.stature_cm) for a in store.athletes()] == [("Ann Lee", 169.5), ("bob", None)]
    with pytest.raises(UsageError, match="not a human stature"):
        store.upsert_athlete("Ann Lee", stature_cm=1.69)
    with pytest.raises(UsageError, match="empty"):
        store.upsert_athlete("   ")
    with pytest.raises(UsageError, match="control characters"):
        store.upsert_athlete("Ann\x00")
    with pytest.raises(UnknownAthlete, match=r"no athlete named 'Cleo'.*athletes: Ann Lee, bob"):
        store.sessions("Cleo")


def test_the_same_input_updates_its_session_and_sessions_come_oldest_first(store) -> None:
    late = store.record("Ann", run_result(170, 20), sha(1), DAY + timedelta(days=30), "b.mp4")
    early = store.record("Ann", run_result(160, 30), sha(2), DAY, "a.mp4")
    again = store.record("ann", run_result(172, 18), sha(1), DAY + timedelta(days=31), "b-renamed.mp4")
    assert again.id == late.id and again.id != early.id
    sessions = store.sessions("Ann")
    assert [(s.id, s.source_name, s.headline["cadence_spm"]["value"]) for s in sessions] == [
        (early.id, "a.mp4", 160),
        (late.id, "b-renamed.mp4", 172),
    ]
    assert sessions[1].date == DAY + timedelta(days=31)
    assert sessions[1].result["metrics"]["cadence_spm"] == 172
    # The same input under another analysis is another session; under another athlete too.
    store.record("Ann", {"kind": "pose", "metrics": {}}, sha(1), DAY, "b.mp4")
    store.record("Bob", run_result(150, 10), sha(1), DAY, "b.mp4")
    assert [s.kind for s in store.sessions("Ann")] == ["run", "pose", "run"]
    assert len(store.sessions("Ann", "run")) == 2 and len(store.sessions("Bob")) == 1
    assert store.sessions("Ann", "run", with_result=False)[0].result == {}
    with pytest.raises(UsageError, match="64 hex digits"):
        store.record("Ann", run_result(1, 1), "abc", DAY, "x.mp4")


def test_record_input_reads_the_sha256_and_the_date_from_the_file(store, tmp_path: Path) -> None:
    import hashlib

    upload = tmp_path / "tmp-upload-1234.jpg"
    Image.new("RGB", (8, 8)).save(upload)
    os.utime(upload, (1_700_000_000, 1_700_000_000))
    s = store.record_input("Ann", {"kind": "wall", "metrics": {"lumbar_gap_cm": float("nan")}}, upload, "side.jpg")
    assert s.input_sha256 == hashlib.sha256(upload.read_bytes()).hexdigest()
    assert (s.source_name, s.date_source) == ("side.jpg", "file modification time")
    assert s.date == datetime.fromtimestamp(1_700_000_000, timezone.utc)
    assert s.result["metrics"]["lumbar_gap_cm"] is None  # NaN kept as JSON null


def test_naive_times_are_local_and_every_date_is_kept_in_utc(store) -> None:
    naive = datetime(2026, 5, 1, 12, 0)
    s = store.record("Ann", run_result(160, 1), sha(5), naive, "x.mp4")
    assert s.date == naive.astimezone() and s.date.utcoffset() == timedelta(0)


def test_headline_figures_carry_units_ranges_and_spreads() -> None:
    figures = headline_figures(run_result(165, 22))
    assert list(figures) == [
        "gait",
        "view",
        "cadence_spm",
        "contact_ms",
        "trunk_lean_deg",
        "overstride_cm",
        "vertical_oscillation_cm",
    ]
    assert figures["contact_ms"] == {
        "label": "Ground contact time",
        "value": 250.0,
        "unit": "ms",
        "low": 160.0,
        "high": 300.0,
        "spread": 22.0,
        "spread_kind": "iqr",
    }
    assert figures["gait"]["value"] == "running" and figures["overstride_cm"]["value"] is None
    wall = {
        "kind": "wall",
        "metrics": {"lumbar_gap_cm": 3.7, "lumbar_gap_hands": 1.2},
        "details": {"uncertainty": {"lumbar_gap_cm": 0.8}, "spread": {"lumbar_gap_cm": 1.5}},
    }
    gap = headline_figures(wall)["lumbar_gap_cm"]
    assert (gap["spread"], gap["spread_kind"]) == (0.8, "sd")  # the uncertainty before the frames' range
    assert headline_figures({"kind": "yoga"}) == {}


def test_a_trend_gives_the_change_since_the_first_and_the_previous_within_one_gait(store) -> None:
    store.record("Ann", run_result(160, 30), sha(1), DAY, "a.mp4")
    store.record("Ann", run_result(110, 40, gait="walking"), sha(2), DAY + timedelta(days=5), "walk.mp4")
    store.record("Ann", run_result(166, 25), sha(3), DAY + timedelta(days=10), "b.mp4")
    store.record("Ann", run_result(171.5, 20), sha(4), DAY + timedelta(days=20), "c.mp4")
    trend = store.trend("Ann", "run")
    cadence = trend.metrics["cadence_spm"]
    assert [(p.value, p.since_first, p.since_previous, p.group) for p in cadence.points] == [
        (160.0, None, None, "running, side"),
        (110.0, None, None, "walking, side"),  # a walk is not compared with runs
        (166.0, 6.0, 6.0, "running, side"),
        (171.5, 11.5, 5.5, "running, side"),
    ]
    assert (cadence.change_since_first, cadence.change_since_previous) == (11.5, 5.5)
    assert (cadence.low, cadence.high, cadence.unit) == (150.0, 190.0, "steps/min")
    assert [p.spread for p in trend.metrics["contact_ms"].points] == [30.0, 40.0, 25.0, 20.0]
    assert "gait" not in trend.metrics  # classes have no trend
    assert trend.changes(trend.sessions[3].id)["cadence_spm"].since_first == 11.5


def test_a_clips_date_comes_from_its_metadata_else_the_file_time(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    with av.open(str(clip), "w") as out:
        out.metadata["creation_time"] = "2025-06-07T08:09:10.000000Z"
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(3):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, 30)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    found = clip_date(clip)
    assert found.when == datetime(2025, 6, 7, 8, 9, 10, tzinfo=timezone.utc)
    assert found.source == "container creation_time"

    photo = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2024:05:06 07:08:09"
    exif.get_ifd(0x8769)[0x9011] = "+02:00"
    Image.new("RGB", (8, 8)).save(photo, exif=exif)
    found = clip_date(photo)
    assert found.when == datetime(2024, 5, 6, 5, 8, 9, tzinfo=timezone.utc)
    assert found.source == "EXIF DateTimeOriginal"

    bare = tmp_path / "bare.png"
    Image.new("RGB", (8, 8)).save(bare)
    os.utime(bare, (1_700_000_000, 1_700_000_000))
    found = clip_date(bare)
    assert found.when == datetime.fromtimestamp(1_700_000_000, timezone.utc)
    assert found.source == "file modification time"

    unset = tmp_path / "unset.jpg"  # a camera whose clock was never set
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "1904:01:01 00:00:00"
    Image.new("RGB", (8, 8)).save(unset, exif=exif)
    assert clip_date(unset).source == "file modification time"


def test_migration_from_schema_version_1_fills_the_headline_figures(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    assert migrate(db, target=1) == 0
    db.execute("INSERT INTO athletes (name, stature_cm, created_at, updated_at) VALUES ('Ann', 168, 't', 't')")
    db.execute(
        "INSERT INTO sessions (athlete_id, input_sha256, kind, recorded_at, source_name, result_json, created_at, "
        "updated_at) VALUES (1, ?, 'run', '2025-01-02T03:04:05.000000+00:00', 'old.mp4', ?, 't', 't')",
        (sha(9), json.dumps(run_result(158, 12))),
    )
    db.close()
    with open_store(path) as store:
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == 2
        (old,) = store.sessions("Ann")
        assert old.headline["cadence_spm"]["value"] == 158 and old.headline["contact_ms"]["spread"] == 12
        assert old.date == datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
        new = store.record("ann", run_result(163, 10), sha(10), DAY, "new.mp4")
        assert store.trend("Ann", "run").metrics["cadence_spm"].points[-1].since_first == 5.0
        assert new.id == 2


def test_a_store_from_a_newer_formcheck_or_a_damaged_file_is_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    db = sqlite3.connect(newer)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="schema version 99, newer than this formcheck knows"):
        open_store(newer)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"cannot be read.*move it away"):
        open_store(junk)


def _writer(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    return subprocess.Popen(
        [sys.executable, str(WRITER), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite3")
    open_store(path).close()  # created and migrated; both writers then race on the same file
    a = _writer(path, "write", "Ann", "60", "0")
    b = _writer(path, "write", "ann", "60", "1000")
    outs = [p.communicate(timeout=300) for p in (a, b)]
    assert [p.returncode for p in (a, b)] == [0, 0], [o[1][-2000:] for o in outs]
    committed = {int(line.split()[1]) for out, _ in outs for line in out.split("\n") if line.startswith("committed")}
    assert committed == set(range(60)) | set(range(1000, 1060))
    with open_store(path) as store:
        stored = {s.result["marker"] for s in store.sessions("Ann")}
        assert stored == committed
        assert [a.name.lower() for a in store.athletes()] == ["ann"]  # one athlete, named by the first writer


def test_a_writer_killed_inside_its_commit_loses_nothing_committed(tmp_path: Path) -> None:
    path = str(tmp_path / "killed.sqlite3")
    proc = _writer(path, "hang", "Ann", "5")
    lines: list[str] = []
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if line.strip() == "inside commit":
            break
    assert lines[-1] == "inside commit", (lines, proc.stderr.read() if proc.stderr else "")
    wal = Path(path + "-wal")
    assert wal.stat().st_size > 2_000_000  # the unfinished transaction's pages are already in the WAL
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with open_store(path) as store:
        assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [s.result["marker"] for s in store.sessions("Ann")] == [0, 1, 2, 3, 4]
        store.record("Ann", {"kind": "plank", "metrics": {"hold_s": 9.0}}, sha(77), DAY, "after.mp4")
        assert len(store.sessions("Ann")) == 6  # no lock left behind
