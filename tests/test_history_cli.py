"""`--athlete` on `formcheck analyse` and `formcheck batch`, `formcheck history` and `formcheck athlete`:
two analyses of one athlete show up with the change between them, the same file analysed twice is one
session, the stature given once is the athlete's default, batch takes athletes from folders."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from formcheck.cli import main
from formcheck.sequence import PoseSequence
from formcheck.store import open_store

TRACK = Path("tests/data/tracks/running__treadmill_side_phone60fps_mhuang")


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def track_variant(folder: Path, name: str, drop_rows: int, mtime: float) -> Path:
    """A copy of the treadmill track without its first rows (another input, other figures), dated `mtime`."""
    folder.mkdir(parents=True, exist_ok=True)
    seq = PoseSequence.load_npz(TRACK.with_suffix(".npz"))
    path = folder / f"{name}.npz"
    seq[drop_rows:].save_npz(path)
    shutil.copy(TRACK.with_suffix(".json"), path.with_suffix(".json"))
    os.utime(path, (mtime, mtime))
    return path


def analyse(path: Path, out: Path, *extra: str) -> dict:
    assert main(["analyse", str(path), "--out", str(out), "--no-video", "-q", *extra]) == 0
    return json.loads((out / f"{path.stem}.json").read_text())


def test_two_analyses_show_in_history_with_the_change_between_them(home: Path, tmp_path: Path, capsys) -> None:
    first = track_variant(tmp_path / "in", "monday", 0, 1_760_000_000)
    second = track_variant(tmp_path / "in", "friday", 90, 1_760_000_000 + 4 * 86400)
    a = analyse(second, tmp_path / "out", "--athlete", "Ann Lee", "--height-cm", "168")  # analysed first, dated later
    b = analyse(first, tmp_path / "out", "--athlete", "ann lee")
    assert a["settings"]["height_cm"] == 168 and b["settings"]["height_cm"] == 168  # stature entered once
    out = capsys.readouterr().out
    assert "recorded: session 2 of Ann Lee, stature 168 cm" in out and "2 run sessions" in out

    assert main(["history", "Ann Lee", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["athlete"] == {"name": "Ann Lee", "stature_cm": 168.0, "notes": None}
    assert [s["source_name"] for s in data["sessions"]] == ["monday.npz", "friday.npz"]  # oldest first
    older, newer = data["sessions"]
    assert older["date"] < newer["date"] and older["kind"] == newer["kind"] == "run"
    cadence_then, cadence_now = b["metrics"]["cadence_spm"], a["metrics"]["cadence_spm"]
    assert cadence_then != cadence_now
    assert newer["metrics"]["cadence_spm"]["value"] == cadence_now
    assert newer["metrics"]["cadence_spm"]["since_first"] == pytest.approx(cadence_now - cadence_then)
    assert newer["metrics"]["cadence_spm"]["since_previous"] == pytest.approx(cadence_now - cadence_then)
    assert older["metrics"]["cadence_spm"]["since_first"] is None
    contact = newer["metrics"]["contact_ms"]
    assert (contact["spread"], contact["spread_kind"]) == (a["metrics"]["contact_ms_iqr"], "iqr")
    assert (contact["low"], contact["high"], contact["unit"]) == (160.0, 300.0, "ms")

    assert main(["history", "ANN LEE"]) == 0
    text = capsys.readouterr().out
    assert text.index("monday.npz") < text.index("friday.npz")
    change = cadence_now - cadence_then
    assert f"{change:+.2f}".rstrip("0").rstrip(".") + " since the first" in text


def test_the_same_file_analysed_twice_is_one_session(home: Path, tmp_path: Path, capsys) -> None:
    clip = track_variant(tmp_path / "in", "clip", 0, 1_760_000_000)
    analyse(clip, tmp_path / "out", "--athlete", "Bo")
    analyse(clip, tmp_path / "out2", "--athlete", "Bo", "--height-cm", "181")
    with open_store() as store:
        (session,) = store.sessions("Bo")
        assert session.result["settings"]["height_cm"] == 181  # updated with the second analysis
        assert store.athlete("bo").stature_cm == 181


def test_history_without_a_name_lists_athletes_and_unknown_names_are_usage_errors(home: Path, capsys) -> None:
    assert main(["history"]) == 0
    assert "no athletes yet" in capsys.readouterr().out
    assert main(["athlete", "Cleo", "--height-cm", "172", "--notes", "sprinter"]) == 0
    assert capsys.readouterr().out.strip() == "Cleo: stature 172 cm, 0 sessions; sprinter"
    assert main(["history"]) == 0
    assert "Cleo: stature 172 cm, 0 sessions; sprinter" in capsys.readouterr().out
    assert main(["history", "Dan"]) == 2
    assert "no athlete named 'Dan'" in capsys.readouterr().err
    assert main(["athlete", "Cleo", "--height-cm", "17.2"]) == 2
    assert "--height-cm 17.2 is not a human stature" in capsys.readouterr().err


def test_a_store_that_cannot_be_opened_is_reported_before_the_analysis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the home folder should be")
    monkeypatch.setenv("FORMCHECK_HOME", str(blocker / "home"))
    clip = track_variant(tmp_path / "in", "clip", 0, 1_760_000_000)
    assert main(["analyse", str(clip), "--out", str(tmp_path / "out"), "--no-video", "-q", "--athlete", "Ann"]) == 1
    assert "cannot open the athletes' store" in capsys.readouterr().err
    assert not (tmp_path / "out" / "clip.json").exists()  # nothing analysed for nothing


def test_a_store_busy_for_too_long_leaves_the_results_and_says_so(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import sqlite3

    open_store().close()
    monkeypatch.setattr("formcheck.store.store.BUSY_TIMEOUT_S", 0.3)
    other = sqlite3.connect(home / "formcheck.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        clip = track_variant(tmp_path / "in", "clip", 0, 1_760_000_000)
        code = main(["analyse", str(clip), "--out", str(tmp_path / "out"), "--no-video", "-q", "--athlete", "Ann"])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 1
    err = capsys.readouterr().err
    assert "the results are written, but not recorded for Ann" in err and "stayed busy for 0.3 s" in err
    assert (tmp_path / "out" / "clip.json").is_file()


@pytest.mark.real
def test_batch_takes_athletes_from_first_level_folders(home: Path, tmp_path: Path, samples_dir: Path, capsys) -> None:
    src = tmp_path / "clips"
    (src / "Ann" / "week1").mkdir(parents=True)
    (src / "Bob").mkdir()
    shutil.copy(samples_dir / "running/jogging_side_short_sports2d_demo3.mp4", src / "Ann" / "week1" / "jog.mp4")
    shutil.copy(samples_dir / "plank/photo_plank_correct_usama.jpg", src / "Bob" / "plank.jpg")
    shutil.copy(samples_dir / "plank/photo_plank_pike_bad_usama.jpg", src / "loose.jpg")
    assert main(["athlete", "Bob", "--height-cm", "185"]) == 0
    args = ["batch", str(src), "--out", str(tmp_path / "out"), "--kind", "pose", "--no-video", "--workers", "1", "-q"]
    assert main([*args, "--athletes-from-folders"]) == 0
    out = capsys.readouterr().out
    assert "recorded in the athletes' history: 2 sessions (Ann 1, Bob 1)" in out
    assert "1 clip(s) directly in DIR belong to no athlete folder" in out
    with open_store() as store:
        assert [a.name for a in store.athletes()] == ["Ann", "Bob"]
        (bob,) = store.sessions("Bob")
        assert bob.source_name == "plank.jpg" and bob.result["settings"]["height_cm"] == 185  # his stature
        (ann,) = store.sessions("Ann")
        assert ann.source_name == "jog.mp4" and ann.result["settings"]["height_cm"] is None
    # A second run resumes (nothing analysed again) and still has one session per clip.
    assert main([*args, "--athletes-from-folders"]) == 0
    assert "0 analysed now, 3 already done" in capsys.readouterr().out
    with open_store() as store:
        assert len(store.sessions("Ann")) == 1 and len(store.sessions("Bob")) == 1
    # --athlete puts every clip in one history; --height-cm with folders is refused.
    assert main([*args, "--athlete", "Cleo"]) == 0
    with open_store() as store:
        assert sorted(s.source_name for s in store.sessions("Cleo")) == ["jog.mp4", "loose.jpg", "plank.jpg"]
    assert main([*args, "--athletes-from-folders", "--height-cm", "170"]) == 2
    assert "would give every athlete the same stature" in capsys.readouterr().err
