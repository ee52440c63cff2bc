"""`formcheck batch`: discovery, rows and statuses, outputs, resume, interruption, crashes, Ray.

The real-footage tests copy short real clips from the samples folder into a temporary folder with a
corrupt clip, a text file named .mp4, an empty file, a nested folder, a link to a folder and a name
with spaces and non-ASCII characters. `--kind pose` keeps them independent of the analyses (wall,
plank, run) that may or may not be installed; one test runs `--kind auto`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from formcheck import batch
from formcheck.batch import (
    SUMMARY_COLUMNS,
    JobOutcome,
    LocalEngine,
    SerialEngine,
    base_row,
    discover,
    output_location,
    output_stems,
    plan,
    run_batch,
)
from formcheck.batch.summary import headline_values
from formcheck.cli import main
from formcheck.errors import UsageError
from formcheck.model import load_model
from formcheck.pipeline import analyse
from formcheck.settings import Settings

JOG = "running/jogging_side_short_sports2d_demo3.mp4"
POSTURE_PHOTO = "posture/standing_side_studio_physio.jpg"
PLANK_PHOTO = "plank/photo_plank_correct_usama.jpg"
ODD_NAME = "nested/deeper/Läufer clip é 1.mp4"
TRACKS = Path(__file__).resolve().parent / "data" / "tracks"

#: path -> (status, error_code) of every row of the mixed folder, in summary order.
EXPECTED = {
    "corrupt.mp4": ("error", "unreadable"),
    "empty.mov": ("error", "unreadable"),
    "jogging_side_short_sports2d_demo3.mp4": ("ok", None),
    "linked": ("skipped", "skipped"),
    ODD_NAME: ("ok", None),
    "nested/photo_plank_correct_usama.jpg": ("ok", None),
    "notes.mp4": ("error", "unreadable"),
    "posture/standing_side_studio_physio.jpg": ("ok", None),
    "readme.txt": ("skipped", "skipped"),
}


def test_a_summary_row_names_its_unreliable_figures_and_why_figures_are_withheld() -> None:
    """summary.csv's `unreliable` lists the headline figures the analysis marks (the indoor walker's
    7 slow-rolling toe-offs: contact time), and `withheld` says why a slow-motion clip's cadence and
    contact time are empty and what to do; the batch's --capture-fps would apply to every clip."""
    walk = analyse(TRACKS / "running__walking_side_indoor_wall_sports2d_demo4.npz")
    row = headline_values("run", walk.result.metrics, walk.result.details)
    spreads = walk.result.details["spreads"]
    figures = ("cadence_spm", "contact_ms", "trunk_lean_deg", "overstride_cm", "vertical_oscillation_cm")
    marked = [m for m in figures if spreads[m]["reliable"] is False]
    assert row["unreliable"] == "; ".join(marked) and "contact_ms" in marked
    assert row["withheld"] is None and row["cadence_spm"] == pytest.approx(walk.result.metrics["cadence_spm"])
    slow = analyse(TRACKS / "running__treadmill_side_lab_slowmo_mhuang.npz")
    row = headline_values("run", slow.result.metrics, slow.result.details)
    assert row["cadence_spm"] is None and row["contact_ms"] is None
    assert row["withheld"] == (
        f"cadence_spm, contact_ms: the clip looks like slow motion (about "
        f"{slow.result.details['slow_motion_factor_estimate']}x), so its timing is not real time; analyse this "
        "clip alone with `formcheck analyse CLIP --capture-fps <the camera's capture rate>` (probably 240)"
    )
    assert set(row) <= set(SUMMARY_COLUMNS)


def make_mixed_folder(root: Path, samples: Path) -> Path:
    (root / "nested" / "deeper").mkdir(parents=True)
    (root / "posture").mkdir()
    shutil.copy(samples / JOG, root / "jogging_side_short_sports2d_demo3.mp4")
    shutil.copy(samples / JOG, root / ODD_NAME)
    shutil.copy(samples / PLANK_PHOTO, root / "nested" / "photo_plank_correct_usama.jpg")
    shutil.copy(samples / POSTURE_PHOTO, root / POSTURE_PHOTO)
    # A real clip cut after its header: no frame can be decoded.
    (root / "corrupt.mp4").write_bytes((samples / JOG).read_bytes()[:2000])
    (root / "notes.mp4").write_text("training notes, not a video\n")
    (root / "empty.mov").write_bytes(b"")
    (root / "readme.txt").write_text("clips of the Tuesday group\n")
    os.symlink(root / "nested", root / "linked", target_is_directory=True)
    return root


def read_summary(out: Path) -> list[dict[str, str]]:
    text = (out / "summary.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == SUMMARY_COLUMNS
    return list(reader)


def json_rows(out: Path) -> list[dict]:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))["rows"]


def part_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if ".part" in p.name]


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "formcheck.cli", *args]


def wait_for_records(out: Path, n: int, proc: subprocess.Popen, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if len(list((out / ".formcheck").rglob("*.done.json"))) >= n:
            return
        if proc.poll() is not None:
            pytest.fail(f"the batch ended (exit {proc.returncode}) before {n} clip(s) were done")
        time.sleep(0.05)
    pytest.fail(f"no {n} clip(s) done within {timeout_s} s")


def group_gone(pgid: int, timeout_s: float) -> bool:
    """True once no process of the group is alive (zombies awaiting their reaper count as gone)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ps = subprocess.run(["ps", "-o", "stat=", "-g", str(pgid)], capture_output=True, text=True).stdout.split()
        if all(state.startswith("Z") for state in ps):
            return True
        time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def mixed_dir(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Path:
    return make_mixed_folder(tmp_path_factory.mktemp("clips"), samples_dir)


@pytest.fixture(scope="module")
def pose_run(tmp_path_factory: pytest.TempPathFactory, mixed_dir: Path) -> tuple[Path, int, str]:
    """One uninterrupted `--kind pose` batch with 2 workers: (OUT, exit code, printed summary)."""
    out = tmp_path_factory.mktemp("out") / "results"
    stdout = io.StringIO()
    saved = sys.stdout
    sys.stdout = stdout
    try:
        code = main(["batch", str(mixed_dir), "--out", str(out), "--kind", "pose", "--workers", "2", "-q"])
    finally:
        sys.stdout = saved
    return out, code, stdout.getvalue()


# ---------------------------------------------------------------- real clips, local process pool


@pytest.mark.real
def test_rows_statuses_exit_code_and_summary(pose_run, mixed_dir: Path) -> None:
    out, code, printed = pose_run
    assert code == 1  # some clips failed
    rows = read_summary(out)
    assert [r["path"] for r in rows] == list(EXPECTED)
    assert {r["path"]: r["status"] for r in rows} == {p: s for p, (s, _) in EXPECTED.items()}
    assert {r["path"]: r.get("error_code") for r in json_rows(out)} == {p: c for p, (_, c) in EXPECTED.items()}
    by_path = {r["path"]: r for r in rows}
    assert "no frame could be decoded" in by_path["corrupt.mp4"]["error"]
    assert "empty (0 bytes)" in by_path["empty.mov"]["error"]
    assert "text file" in by_path["notes.mp4"]["error"]
    assert "not a photo or video (.txt)" in by_path["readme.txt"]["error"]
    assert "link to a folder" in by_path["linked"]["error"]
    model_sha = load_model().sha256
    settings_hash = Settings.build(kind="pose").digest()
    for path, row in by_path.items():
        if row["status"] == "skipped":
            assert row["input_sha256"] == row["model_sha256"] == ""
            continue
        assert row["version"] == "0.1.0" and row["model_sha256"] == model_sha
        assert row["settings_hash"] == settings_hash
        assert row["input_sha256"] == hashlib.sha256((mixed_dir / path).read_bytes()).hexdigest()
        if row["status"] == "ok":
            assert row["kind"] == "pose" and row["error"] == ""
            assert 0.5 <= float(row["person_fraction"]) <= 1.0 and 0.5 <= float(row["mean_visibility"]) <= 1.0
            assert row["cadence_spm"] == row["hold_s"] == row["lumbar_gap_cm"] == ""  # other kinds' columns
    jog = by_path[ODD_NAME]
    assert float(jog["duration_s"]) == pytest.approx(1.568, abs=0.01) and float(jog["fps"]) == pytest.approx(29.97)
    assert by_path["nested/photo_plank_correct_usama.jpg"]["duration_s"] == ""  # a photo has no duration
    assert "4 ok, 3 failed, 2 skipped" in printed and str(out / "summary.csv") in printed
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"ok": 4, "error": 3, "skipped": 2}


@pytest.mark.real
def test_per_clip_outputs_mirror_the_folders(pose_run) -> None:
    out, _, _ = pose_run
    clip = out / "nested" / "deeper"
    for suffix in (".json", ".mp4", ".landmarks.npz", ".metrics.csv"):
        assert (clip / f"Läufer clip é 1{suffix}").stat().st_size > 0
    assert (out / "posture" / "standing_side_studio_physio.jpg").stat().st_size > 0  # annotated photo
    assert json.loads((clip / "Läufer clip é 1.json").read_text(encoding="utf-8"))["kind"] == "pose"
    row = next(r for r in json_rows(out) if r["path"] == ODD_NAME)
    assert row["outputs"]["annotated"] == "nested/deeper/Läufer clip é 1.mp4"
    assert not (out / "corrupt.json").exists() and not (out / "linked").exists()
    assert part_files(out) == []
    assert (out / ".formcheck" / "done" / "nested" / "deeper" / "Läufer clip é 1.done.json").is_file()


@pytest.mark.real
def test_rerun_skips_done_clips_and_processes_new_ones(pose_run, mixed_dir: Path, tmp_path: Path) -> None:
    out0, _, _ = pose_run
    out = tmp_path / "out"
    shutil.copytree(out0, out)
    before = (out / "summary.csv").read_text(encoding="utf-8")
    settings = Settings.build(kind="pose")
    report = run_batch(mixed_dir, out, settings, LocalEngine(workers=1))
    assert (report.resumed, report.processed, report.resumed_failed) == (7, 0, 3)  # nothing redone
    assert (out / "summary.csv").read_text(encoding="utf-8") == before
    assert report.seconds < 10
    report = run_batch(mixed_dir, out, settings, LocalEngine(workers=1), retry_failed=True)
    assert (report.resumed, report.processed) == (4, 3)  # the 3 failed inputs are tried again
    assert (out / "summary.csv").read_text(encoding="utf-8") == before
    # Touching a file (same content) does not redo it; new or changed content does; so do new settings.
    os.utime(mixed_dir / POSTURE_PHOTO)
    entries = discover(mixed_dir)
    sha = load_model().sha256
    record = out / ".formcheck" / "done" / POSTURE_PHOTO.replace(".jpg", ".done.json")
    assert len(plan(entries, out, settings, sha).jobs) == 0
    assert json.loads(record.read_text())["mtime_ns"] == (mixed_dir / POSTURE_PHOTO).stat().st_mtime_ns
    assert len(plan(entries, out, settings, sha, retry_failed=True).jobs) == 3
    assert len(plan(entries, out, Settings.build(kind="pose", height_cm=180), sha).jobs) == 7
    assert len(plan(entries, out, Settings.build(kind="pose", render_video=False), sha).jobs) == 7
    assert len(plan(entries, out, settings, sha, force=True).jobs) == 7
    new_dir = tmp_path / "more"
    shutil.copytree(mixed_dir, new_dir, symlinks=True)
    shutil.copy(new_dir / "nested" / "photo_plank_correct_usama.jpg", new_dir / "nested" / "new photo.jpg")
    (new_dir / "posture" / "standing_side_studio_physio.jpg").write_bytes(
        (new_dir / "nested" / "photo_plank_correct_usama.jpg").read_bytes()
    )
    (new_dir / ODD_NAME).write_text("now a text file")  # a done clip replaced by a bad file
    report = run_batch(new_dir, out, settings, LocalEngine(workers=2))
    assert (report.resumed, report.processed) == (5, 3)  # new photo + changed photo + replaced clip
    rows = {r["path"]: r for r in read_summary(out)}
    assert rows["nested/new photo.jpg"]["status"] == "ok"
    assert rows[ODD_NAME]["status"] == "error"
    assert not (out / "nested" / "deeper" / "Läufer clip é 1.mp4").exists()  # no stale result left
    assert not (out / "nested" / "deeper" / "Läufer clip é 1.json").exists()
    assert (
        rows["posture/standing_side_studio_physio.jpg"]["input_sha256"]
        == rows["nested/photo_plank_correct_usama.jpg"]["input_sha256"]
    )


@pytest.mark.real
def test_killed_batch_resumed_equals_uninterrupted(pose_run, mixed_dir: Path, tmp_path: Path) -> None:
    out0, _, _ = pose_run
    out = tmp_path / "out"
    proc = subprocess.Popen(
        cli_command("batch", str(mixed_dir), "--out", str(out), "--kind", "pose", "--workers", "1", "-q"),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_records(out, 1, proc)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the whole batch: main process and worker, mid-clip
        proc.wait()
    assert group_gone(proc.pid, timeout_s=15)  # the worker too (a zombie if nobody reaps it)
    assert not (out / "summary.csv").exists()
    done = len(list((out / ".formcheck").rglob("*.done.json")))
    assert 1 <= done < 7  # 7 media files get a record (4 ok, 3 recorded failures)
    code = main(["batch", str(mixed_dir), "--out", str(out), "--kind", "pose", "--workers", "2", "-q"])
    assert code == 1
    assert (out / "summary.csv").read_text(encoding="utf-8") == (out0 / "summary.csv").read_text(encoding="utf-8")
    assert json_rows(out) == json_rows(out0)
    assert part_files(out) == []


@pytest.mark.real
def test_ctrl_c_stops_cleanly_and_says_how_to_resume(pose_run, mixed_dir: Path, tmp_path: Path) -> None:
    out0, _, _ = pose_run
    out = tmp_path / "out"
    proc = subprocess.Popen(
        cli_command("batch", str(mixed_dir), "--out", str(out), "--kind", "pose", "--workers", "1", "-q"),
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_records(out, 1, proc)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the whole foreground group
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130
    assert "run the same command again to resume" in stderr and "Traceback" not in stderr
    assert group_gone(proc.pid, timeout_s=15), "a worker was left running after Ctrl-C"
    report = run_batch(mixed_dir, out, Settings.build(kind="pose"), LocalEngine(workers=2))
    assert report.resumed >= 1
    assert (out / "summary.csv").read_text(encoding="utf-8") == (out0 / "summary.csv").read_text(encoding="utf-8")


@pytest.mark.real
def test_kind_auto_picks_each_clips_analysis(samples_dir: Path, tmp_path: Path) -> None:
    clips = tmp_path / "auto"
    clips.mkdir()
    shutil.copy(samples_dir / JOG, clips / "jog.mp4")
    shutil.copy(samples_dir / POSTURE_PHOTO, clips / "side.jpg")
    shutil.copy(samples_dir / PLANK_PHOTO, clips / "plank.jpg")
    out = tmp_path / "out"
    code = main(["batch", str(clips), "--out", str(out), "--workers", "2", "-q", "--no-video"])
    assert code == 1  # the jog is too short: one error row, the others analysed
    rows = {r["path"]: r for r in json_rows(out)}
    assert list(rows) == ["jog.mp4", "plank.jpg", "side.jpg"]
    assert (rows["plank.jpg"]["status"], rows["plank.jpg"]["kind"]) == ("ok", "plank")
    assert (rows["side.jpg"]["status"], rows["side.jpg"]["kind"]) == ("ok", "wall")
    assert (rows["jog.mp4"]["status"], rows["jog.mp4"]["error_code"]) == ("error", "insufficient_data")
    assert "too short for two strides" in rows["jog.mp4"]["error"]
    for name in ("plank", "side"):
        assert json.loads((out / f"{name}.json").read_text())["kind"] == rows[f"{name}.jpg"]["kind"]


# ---------------------------------------------------------------- Ray


@pytest.mark.real
def test_ray_engine_gives_the_same_summary(pose_run, mixed_dir: Path, tmp_path: Path) -> None:
    import ray  # the optional extra: pip install -e '.[ray]'

    out0, _, _ = pose_run
    out = tmp_path / "out"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    try:
        address = ray.get_runtime_context().gcs_address
        proc = subprocess.run(
            cli_command(
                "batch",
                str(mixed_dir),
                "--out",
                str(out),
                "--kind",
                "pose",
                "--engine",
                "ray",
                "--address",
                address,
                "-q",
            ),
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        ray.shutdown()
    assert proc.returncode == 1, proc.stderr
    assert (out / "summary.csv").read_text(encoding="utf-8") == (out0 / "summary.csv").read_text(encoding="utf-8")
    assert json_rows(out) == json_rows(out0)


# ---------------------------------------------------------------- no model: discovery, paths, usage, crashes


def test_discovery_is_recursive_sorted_and_explains_skips(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "b").mkdir(parents=True)
    (root / "a dir").mkdir()
    for rel in ("b/z.MP4", "b/a.jpeg", "a dir/x.txt", "c.webm", "A.PNG"):
        (root / rel).write_bytes(b"x")
    os.symlink(tmp_path / "missing.mp4", root / "broken.mp4")
    os.symlink(root / "b", root / "loop")
    os.mkfifo(root / "pipe.mp4")
    (root / "out").mkdir()
    (root / "out" / "old.mp4").write_bytes(b"x")
    (root / ".git").mkdir()
    (root / ".git" / "x.mp4").write_bytes(b"x")
    (root / "b" / "._z.MP4").write_bytes(b"x")  # macOS metadata beside a clip
    entries = discover(root, exclude=[root / "out"])
    assert [(e.rel, e.media) for e in entries] == [
        (".git", ""),
        ("A.PNG", "photo"),
        ("a dir/x.txt", ""),
        ("b/._z.MP4", ""),
        ("b/a.jpeg", "photo"),
        ("b/z.MP4", "video"),
        ("broken.mp4", ""),
        ("c.webm", "video"),
        ("loop", ""),
        ("pipe.mp4", ""),
    ]
    reasons = {e.rel: e.reason for e in entries}
    assert "broken link" in reasons["broken.mp4"] and "not followed" in reasons["loop"]
    assert "not a regular file" in reasons["pipe.mp4"] and "(.txt)" in reasons["a dir/x.txt"]
    assert "hidden folder" in reasons[".git"] and "hidden file" in reasons["b/._z.MP4"]


def test_output_paths_never_escape_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert output_location(out, "a b/é.mp4", "é") == (out / "a b", out / ".formcheck" / "done" / "a b" / "é.done.json")
    for bad in ("../x.mp4", "a/../../x.mp4", "/etc/x.mp4", "a//x.mp4"):
        with pytest.raises(UsageError):
            output_location(out, bad, "x")
    os.symlink(outside, out / "linked")  # a link inside OUT pointing elsewhere
    with pytest.raises(UsageError, match="outside"):
        output_location(out, "linked/x.mp4", "x")
    # Such a clip becomes an error row, not a write outside OUT.
    src = tmp_path / "in"
    (src / "linked").mkdir(parents=True)
    (src / "linked" / "x.mp4").write_bytes(b"x")
    the_plan = plan(discover(src), out, Settings.build(kind="pose"), "0" * 64)
    assert the_plan.jobs == [] and the_plan.rows[0]["status"] == "error" and "outside" in the_plan.rows[0]["error"]


def test_same_stem_in_one_folder_gets_distinct_outputs(tmp_path: Path) -> None:
    for name in ("clip.mp4", "clip.jpg", "other.mov", "sub/clip.mp4"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    entries = discover(tmp_path)
    stems = output_stems(entries)
    assert {entries[i].rel: s for i, s in stems.items()} == {
        "clip.jpg": "clip_jpg",
        "clip.mp4": "clip_mp4",
        "other.mov": "other",
        "sub/clip.mp4": "clip",
    }


@pytest.mark.parametrize(
    "make_args, message",
    [
        (lambda d, o: [str(d / "missing"), "--out", str(o)], "does not exist"),
        (lambda d, o: [str(d), "--out", str(d)], "must not be the input folder"),
        (lambda d, o: [str(d / "empty"), "--out", str(o)], "no photos or videos"),
        (lambda d, o: [str(d), "--out", str(o), "--address", "1.2.3.4:6379"], "--address is for --engine ray"),
        (lambda d, o: [str(d), "--out", str(o), "--height-cm", "12"], "not a human stature"),
        (lambda d, o: [str(d), "--out", str(d / "clip.mp4")], "is a file"),
    ],
)
def test_bad_usage_exits_2(tmp_path: Path, capsys, make_args, message) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("x")
    (tmp_path / "clip.mp4").write_bytes(b"x")
    assert main(["batch", *make_args(tmp_path, tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err


def test_a_second_batch_on_the_same_out_is_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jpg").write_bytes(b"x")
    out = tmp_path / "out"
    out.mkdir()
    with batch.batch_lock(out), pytest.raises(UsageError, match="another formcheck batch"):
        run_batch(tmp_path / "in", out, Settings.build(kind="pose"), SerialEngine(fake_job))


def fake_job(job: batch.Job, on_progress=None) -> JobOutcome:
    """A stand-in for run_job without the model: kills its worker for names containing 'crash',
    raises for 'raise', else returns an ok row."""
    if "crash" in job.rel:
        os._exit(3)
    if "raise" in job.rel:
        raise RuntimeError("boom")
    row = base_row(job.rel, job.settings, job.model_sha256) | {"status": "ok", "kind": "pose"}
    return JobOutcome(job.index, row, {"frames": 1})


def test_a_crashing_or_raising_clip_becomes_an_error_row(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    names = ["a.jpg", "b.jpg", "crash.jpg", "d.jpg", "e.jpg", "raise.jpg"]
    for name in names:
        (src / name).write_bytes(b"x")
    report = run_batch(
        src, tmp_path / "out", Settings.build(kind="pose"), LocalEngine(workers=2, job_function=fake_job)
    )
    status = {r["path"]: (r["status"], r.get("error_code")) for r in report.rows}
    assert status == {
        "a.jpg": ("ok", None),
        "b.jpg": ("ok", None),
        "crash.jpg": ("error", "worker_crashed"),
        "d.jpg": ("ok", None),
        "e.jpg": ("ok", None),
        "raise.jpg": ("error", "internal"),
    }
    assert "boom" in next(r for r in report.rows if r["path"] == "raise.jpg")["error"]


def test_an_exception_inside_the_analysis_becomes_an_error_row(tmp_path: Path, monkeypatch, samples_dir: Path) -> None:
    import formcheck.outputs

    def broken(*args, **kwargs):
        raise ZeroDivisionError("inside the analysis")

    monkeypatch.setattr(formcheck.outputs, "analyse", broken)
    (tmp_path / "in").mkdir()
    shutil.copy(samples_dir / PLANK_PHOTO, tmp_path / "in" / "p.jpg")
    report = run_batch(tmp_path / "in", tmp_path / "out", Settings.build(kind="pose"), SerialEngine())
    (row,) = report.rows
    assert row["status"] == "error" and row["error_code"] == "internal"
    assert "ZeroDivisionError: inside the analysis" in row["error"]
    assert row["input_sha256"] == hashlib.sha256((samples_dir / PLANK_PHOTO).read_bytes()).hexdigest()


def test_out_inside_dir_is_not_searched(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(b"x")
    (tmp_path / "results" / "nested").mkdir(parents=True)
    (tmp_path / "results" / "nested" / "old.mp4").write_bytes(b"x")  # an output of an earlier run
    (tmp_path / "results" / ".formcheck").mkdir()  # ... which a batch wrote
    report = run_batch(tmp_path, tmp_path / "results", Settings.build(kind="pose"), SerialEngine(fake_job))
    assert [r["path"] for r in report.rows] == ["a.jpg"]
    assert (tmp_path / "results" / "summary.csv").is_file()


def progress_job(job: batch.Job, on_progress=None) -> JobOutcome:
    """A stand-in for run_job that reports frame progress like the pipeline does."""
    for done in (1, 5, 10):
        on_progress("pose", done, 10)
    return fake_job(job)


class RecordingSink:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def started(self, job) -> None:
        self.events.append(("started", job.rel))

    def progress(self, job, stage, done, total) -> None:
        self.events.append(("progress", job.rel, stage, done, total))

    def finished(self, job, outcome) -> None:
        self.events.append(("finished", job.rel, outcome.row["status"]))


def test_workers_report_start_frames_and_end_of_each_clip(tmp_path: Path) -> None:
    (tmp_path / "a.jpg").write_bytes(b"x")
    the_plan = plan(discover(tmp_path), tmp_path / "out", Settings.build(kind="pose"), "0" * 64)
    sink = RecordingSink()
    LocalEngine(workers=1, job_function=progress_job).run(the_plan.jobs, sink)
    assert sink.events[0] == ("started", "a.jpg") and sink.events[-1] == ("finished", "a.jpg", "ok")
    assert ("progress", "a.jpg", "pose", 10, 10) in sink.events  # the last frame always gets through


def sleeping_job(job: batch.Job, on_progress=None) -> JobOutcome:
    """A stand-in for run_job that takes 1 s of wall time (not CPU) and says when it ran."""
    start = time.time()
    time.sleep(1.0)
    outcome = fake_job(job)
    outcome.stats.update(pid=os.getpid(), start=start, end=time.time())
    return outcome


def test_two_workers_run_clips_at_the_same_time(tmp_path: Path) -> None:
    for name in ("a.jpg", "b.jpg", "c.jpg", "d.jpg"):
        (tmp_path / name).write_bytes(b"x")
    the_plan = plan(discover(tmp_path), tmp_path / "out", Settings.build(kind="pose"), "0" * 64)
    sink = batch.BatchProgress(the_plan, bars=False, lines=False)
    LocalEngine(workers=2, job_function=sleeping_job).run(the_plan.jobs, sink)
    stats = list(sink.stats.values())
    assert len({s["pid"] for s in stats}) == 2
    first, second = sorted(stats, key=lambda s: s["start"])[:2]
    assert second["start"] < first["end"]  # the second clip started before the first one finished
    assert max(s["end"] for s in stats) - min(s["start"] for s in stats) < 3.5  # 4 x 1 s on 2 workers


def test_jobs_with_most_frames_start_first_whatever_their_file_size(tmp_path: Path) -> None:
    """A short clip can be a smaller file than a phone photo but much more work: order by frames."""
    from conftest import write_test_video

    from formcheck.batch.jobs import PHOTO_FRAMES, plan, work_in_frames

    (tmp_path / "in").mkdir()
    write_test_video(tmp_path / "in" / "long.mp4", frames=60, fps=30)
    write_test_video(tmp_path / "in" / "short.mp4", frames=10, fps=30)
    (tmp_path / "in" / "photo.jpg").write_bytes(os.urandom(2_000_000))  # a big file, little work
    (tmp_path / "in" / "broken.mp4").write_bytes(b"not a video")
    assert work_in_frames(tmp_path / "in" / "long.mp4") == 60
    assert work_in_frames(tmp_path / "in" / "photo.jpg") == PHOTO_FRAMES
    assert work_in_frames(tmp_path / "in" / "broken.mp4") == 0
    jobs = plan(discover(tmp_path / "in"), tmp_path / "out", Settings.build(), "0" * 64).jobs
    assert [Path(j.source).name for j in jobs] == ["long.mp4", "photo.jpg", "short.mp4", "broken.mp4"]


def test_a_swallowed_ctrl_c_is_still_remembered() -> None:
    """Ctrl-C during the pool's loop: its KeyboardInterrupt may land in code that swallows it (the
    batch then ran to its end with exit 1 instead of stopping with 130, seen once in CI); the
    engine's loop also checks the remembered signal. The previous handler is back afterwards."""
    from formcheck.batch.engines import _remembering_ctrl_c

    before = signal.getsignal(signal.SIGINT)
    with _remembering_ctrl_c() as asked:
        assert not asked.is_set()
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)  # the handler runs here, in the main thread
        except KeyboardInterrupt:
            pass  # swallowed, as a library's callback might
        assert asked.is_set()
    assert signal.getsignal(signal.SIGINT) is before
