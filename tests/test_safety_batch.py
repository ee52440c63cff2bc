"""Issue 14 for `formcheck batch`: no output ever replaces an input (nested DIR and OUT), no result is lost
to a name collision (case, the summary, the lock), no worker outlives its batch (kill -9), and every bad
input gets one line and the right exit code. A property-based test (Hypothesis) plans random folders of
file names and checks that no two outputs, records or batch files can collide.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from cli_helpers import REPO, formcheck, one_line, tree_sha256s
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from formcheck.batch import SerialEngine, batch_lock, discover, plan, run_batch
from formcheck.batch import locks as batch_locks
from formcheck.batch.naming import RESERVED_TOP_NAMES, name_key, output_stems
from formcheck.errors import UsageError
from formcheck.names import MAX_STEM_BYTES, NAME_MAX_BYTES, OUTPUT_SUFFIXES, fit_stem
from formcheck.settings import Settings

POSTURE = "posture/standing_side_studio_physio.jpg"  # 494 x 740
PLANK = "plank/photo_plank_correct_usama.jpg"  # 1269 x 400
PIKE = "plank/photo_plank_pike_bad_usama.jpg"  # 1600 x 789
WALK = "running/walking_side_indoor_wall_sports2d_demo4.mp4"
SIZES = {POSTURE: (494, 740), PLANK: (1269, 400), PIKE: (1600, 789)}


def batch(*args: str | Path, cwd: Path, unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    return formcheck("batch", *args, "--kind", "pose", "--workers", "0", "-q", cwd=cwd, unprivileged=unprivileged)


def place(samples: Path, root: Path, files: dict[str, str]) -> None:
    for rel, sample in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(samples / sample, root / rel)


# ---------------------------------------------------------------- 2. nested DIR and OUT


def test_out_inside_dir_holding_other_files_is_refused(tmp_path: Path, samples_dir: Path) -> None:
    place(samples_dir, tmp_path, {"F/anna.jpg": POSTURE, "F/monday/anna.jpg": PLANK})
    before = tree_sha256s(tmp_path / "F")
    line = one_line(batch("F", "--out", "F/monday", cwd=tmp_path), 2)
    assert "lies inside the input folder and already holds files" in line and "F/formcheck-out" in line
    assert tree_sha256s(tmp_path / "F") == before  # nothing written, nothing replaced


def test_out_containing_dir_is_refused(tmp_path: Path, samples_dir: Path) -> None:
    place(samples_dir, tmp_path, {"G/clips/x.jpg": POSTURE, "G/clips/clips/x.jpg": PLANK})
    before = tree_sha256s(tmp_path / "G")
    line = one_line(batch("G/clips", "--out", "G", cwd=tmp_path), 2)
    assert "contains the input folder G/clips" in line and "G/clips-results" in line
    assert tree_sha256s(tmp_path / "G") == before
    os.symlink(tmp_path / "G", tmp_path / "link-to-G")  # the same through a link
    line = one_line(batch("G/clips", "--out", "link-to-G", cwd=tmp_path), 2)
    assert "contains the input folder" in line
    assert tree_sha256s(tmp_path / "G") == before


def test_a_new_out_inside_dir_is_fine_and_not_searched(tmp_path: Path, samples_dir: Path) -> None:
    place(samples_dir, tmp_path, {"F/anna.jpg": POSTURE, "F/monday/anna.jpg": PLANK})
    before = tree_sha256s(tmp_path / "F")
    proc = batch("F", "--out", "F/results", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    after = tree_sha256s(tmp_path / "F")
    assert {k: after[k] for k in before} == before
    assert "2 ok" in proc.stdout
    rerun = batch("F", "--out", "F/results", cwd=tmp_path)  # its own earlier output: accepted, resumed
    assert rerun.returncode == 0 and "0 analysed now, 2 already done" in rerun.stdout


def test_an_input_linked_into_out_is_never_replaced(tmp_path: Path, samples_dir: Path) -> None:
    """A clip in DIR that is a link to a file where its own output would go: an error row, the file kept."""
    place(samples_dir, tmp_path, {"out/a.jpg": POSTURE})
    (tmp_path / "out" / ".formcheck").mkdir()
    (tmp_path / "in").mkdir()
    os.symlink(tmp_path / "out" / "a.jpg", tmp_path / "in" / "a.jpg")
    before = tree_sha256s(tmp_path / "out")
    proc = batch("in", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 1
    row = json.loads((tmp_path / "out" / "summary.json").read_text())["rows"][0]
    assert row["status"] == "error" and "would replace the input" in row["error"]
    assert tree_sha256s(tmp_path / "out")["a.jpg"] == before["a.jpg"]


# ---------------------------------------------------------------- 3. no result lost to a name


def test_names_that_collide_ignoring_case_or_with_the_batch_files(tmp_path: Path, samples_dir: Path) -> None:
    files = {
        "clip.jpg": POSTURE,
        "clip.JPG": PLANK,
        "clip_jpg.jpg": PIKE,
        "summary.jpg": PLANK,
        "lock/a.jpg": POSTURE,
        "done/b.jpg": PIKE,
    }
    place(samples_dir, tmp_path / "in", files)
    proc = batch("in", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "6 ok, 0 failed" in proc.stdout
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["counts"] == {"ok": 6, "error": 0, "skipped": 0}  # the batch's own summary survived
    jsons = [row["outputs"]["json"] for row in summary["rows"]]
    assert len({name_key(j) for j in jsons}) == 6
    for row in summary["rows"]:  # each result is its own clip's: the file name and the photo's size
        result = json.loads((tmp_path / "out" / row["outputs"]["json"]).read_text())
        assert result["media"]["file"] == row["path"].split("/")[-1]
        sample = files[row["path"]]
        assert (result["media"]["width"], result["media"]["height"]) == SIZES[sample]
    rerun = batch("in", "--out", "out", cwd=tmp_path)
    assert rerun.returncode == 0 and "0 analysed now, 6 already done" in rerun.stdout


def test_odd_file_names_in_a_batch(tmp_path: Path, samples_dir: Path) -> None:
    odd = os.fsdecode(b"caf\xe9.jpg")
    long = "l" * 251 + ".jpg"
    place(samples_dir, tmp_path / "in", {odd: POSTURE, long: PLANK, "LONG/" + long: PIKE})
    proc = batch("in", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {r["path"]: r for r in json.loads((tmp_path / "out" / "summary.json").read_text())["rows"]}
    assert set(rows) == {"caf\\xe9.jpg", long, "LONG/" + long} and all(r["status"] == "ok" for r in rows.values())
    assert rows["caf\\xe9.jpg"]["outputs"]["json"] == "caf\\xe9.json"
    assert rows[long]["outputs"]["landmarks"] == "l" * MAX_STEM_BYTES + ".landmarks.npz"
    names = [os.fsencode(p.name) for p in (tmp_path / "out").rglob("*")]
    assert max(map(len, names)) <= NAME_MAX_BYTES and b"caf\xe9.json" in names


def test_a_huge_image_in_a_batch_is_an_error_row(tmp_path: Path, samples_dir: Path) -> None:
    from PIL import Image

    (tmp_path / "in").mkdir()
    Image.new("L", (20000, 20000)).save(tmp_path / "in" / "bomb.png")
    place(samples_dir, tmp_path / "in", {"ok.jpg": POSTURE})
    proc = batch("in", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    rows = {r["path"]: r for r in json.loads((tmp_path / "out" / "summary.json").read_text())["rows"]}
    assert rows["bomb.png"]["error_code"] == "too_large" and "179 million pixels" in rows["bomb.png"]["error"]
    assert rows["ok.jpg"]["status"] == "ok"


# ---------------------------------------------------------------- 5. bad OUT: one line, exit 2


def test_out_that_is_a_file_or_not_writable(tmp_path: Path, samples_dir: Path) -> None:
    place(samples_dir, tmp_path / "in", {"a.jpg": POSTURE})
    (tmp_path / "file").write_text("x\n")
    assert "the output folder file is a file" in one_line(batch("in", "--out", "file", cwd=tmp_path), 2)
    (tmp_path / "locked").mkdir(mode=0o555)
    line = one_line(batch("in", "--out", "locked/out", cwd=tmp_path, unprivileged=True), 2)
    assert "cannot write into the output folder locked/out" in line and "Permission denied" in line


# ---------------------------------------------------------------- 4. no orphaned workers


def session_processes(sid: int) -> list[tuple[int, str]]:
    """(pid, state) of every process in a session, zombies excluded (they have ended)."""
    ps = subprocess.run(["ps", "-e", "-o", "pid=,sid=,stat="], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in ps.splitlines()]
    return [(int(pid), stat) for pid, s, stat in rows if int(s) == sid and not stat.startswith("Z")]


def first_seconds(source: Path, target: Path, seconds: float) -> Path:
    """The first `seconds` of a real clip, re-encoded (H.264, no sound) with the imageio-ffmpeg binary."""
    from formcheck.clipvariants import ffmpeg_exe

    target.parent.mkdir(parents=True, exist_ok=True)
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(source), "-t", str(seconds)]
    subprocess.run([*command, "-c:v", "libx264", "-preset", "ultrafast", "-an", str(target)], check=True)
    return target


@pytest.mark.real
def test_kill_9_of_the_batch_leaves_no_worker_running(tmp_path: Path, samples_dir: Path) -> None:
    # Four clips of the real walker's first 4 s (120 frames: seconds of pose and video per clip, so
    # both workers are mid-clip when the batch is killed; the whole 13 s clip only made it slower).
    walk = first_seconds(samples_dir / WALK, tmp_path / "walk.mp4", 4.0)
    for i in range(4):
        (tmp_path / "in").mkdir(exist_ok=True)
        shutil.copyfile(walk, tmp_path / "in" / f"walk{i}.mp4")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "formcheck.cli",
            "batch",
            "in",
            "--out",
            "out",
            "--kind",
            "pose",
            "--workers",
            "2",
            "-q",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(out.glob(".*.part*"))) < 2:  # both workers are writing a clip's video
            assert proc.poll() is None and time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        workers = [pid for pid, _ in session_processes(proc.pid) if pid != proc.pid]
        assert len(workers) >= 2
        proc.send_signal(signal.SIGKILL)  # the batch's main process only, as `kill -9 PID` does
        proc.wait()
        deadline = time.monotonic() + 10
        while session_processes(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert session_processes(proc.pid) == [], "workers outlived their batch"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    done_before = len(list((out / ".formcheck").rglob("*.done.json")))
    resumed = formcheck("batch", "in", "--out", "out", "--kind", "pose", "--workers", "2", "-q", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{4 - done_before} analysed now, {done_before} already done" in resumed.stdout
    assert [p for p in out.rglob("*") if ".part" in p.name] == []
    assert not list((out / ".formcheck" / "workers").iterdir())  # no worker left on record


def test_a_leftover_worker_stops_the_next_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that outlived its batch (no parent-death signal: not Linux) still holds OUT's workers
    lock: the next batch waits, then refuses, naming it; once it has gone the batch runs."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jpg").write_bytes(b"x")
    out = tmp_path / "out"
    code = "import sys, time; from formcheck.batch.locks import hold_worker_lock; hold_worker_lock(sys.argv[1]); print(flush=True); time.sleep(120)"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    leftover = subprocess.Popen([sys.executable, "-c", code, str(out)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert leftover.stdout is not None and leftover.stdout.readline() == "\n"  # it holds the lock
        monkeypatch.setattr(batch_locks, "LEFTOVER_WAIT_S", 0.5)
        with pytest.raises(UsageError, match=rf"earlier formcheck batch \(pid {leftover.pid}\) are still writing"):
            run_batch(tmp_path / "in", out, Settings(kind="pose"), SerialEngine(_ok_job))
        assert not (out / "summary.csv").exists()
    finally:
        leftover.kill()
        leftover.wait()
    report = run_batch(tmp_path / "in", out, Settings(kind="pose"), SerialEngine(_ok_job))
    assert report.counts["ok"] == 1
    assert not list((out / ".formcheck" / "workers").iterdir())


def _ok_job(job, on_progress=None):
    from formcheck.batch import JobOutcome, base_row

    return JobOutcome(job.index, base_row(job.rel, job.settings, job.model_sha256) | {"status": "ok"})


def test_the_lock_still_refuses_a_second_batch(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jpg").write_bytes(b"x")
    (tmp_path / "out").mkdir()
    with batch_lock(tmp_path / "out"), pytest.raises(UsageError, match="another formcheck batch"):
        run_batch(tmp_path / "in", tmp_path / "out", Settings(kind="pose"), SerialEngine(_ok_job))


# ---------------------------------------------------------------- property: names never collide

#: Characters that make names collide on case-insensitive or normalising file systems, or look like ours.
NAME_CHARS = st.sampled_from(["a", "A", "b", "é", "É", "e\u0301", "ß", "S", "_", ".", " ", "1", "\udcff"])
STEMS = st.one_of(
    st.sampled_from(["clip", "Clip", "CLIP", "clip_jpg", "clip_JPG", "summary", "Summary", "lock", "done", "x.y"]),
    st.lists(NAME_CHARS, min_size=1, max_size=6).map("".join),
    st.integers(200, 250).map(lambda n: "n" * n),
)
EXTENSIONS = st.sampled_from([".jpg", ".JPG", ".jpeg", ".png", ".mp4", ".MOV", ".webm", ".txt"])
FOLDERS = st.lists(
    st.sampled_from(["A", "a", "sub", "SUB", "summary.json", "Summary.CSV", "lock", "é", "e\u0301"]), max_size=2
)
FILES = st.lists(st.tuples(FOLDERS, STEMS, EXTENSIONS), min_size=1, max_size=12)


def _make_tree(root: Path, files: list[tuple[list[str], str, str]]) -> None:
    for folders, stem, ext in files:
        path = root.joinpath(*folders, stem + ext)
        if len(os.fsencode(path.name)) > NAME_MAX_BYTES or path.name.startswith("."):
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x")
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            continue  # a folder and a file of the same name: only one can exist


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FILES)
# Found by hypothesis: a decomposed "é" folder holding summary.jpg and a subfolder named summary.json
# (which summary's JSON result would collide with): the clip must be renamed, and the test's own
# check must see that subfolder (it sliced the raw path by its normalised key's length).
@example([(["e\u0301"], "summary", ".jpg"), (["e\u0301", "summary.json"], "clip", ".jpg")])
def test_planned_outputs_never_collide(files: list[tuple[list[str], str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root, out = Path(tmp) / "in", Path(tmp) / "out"
        root.mkdir()
        _make_tree(root, files)
        entries = discover(root)
        the_plan = plan(entries, out, Settings(kind="pose"), "0" * 64)
        media = [i for i, e in enumerate(entries) if e.media]
        assert sorted([j.index for j in the_plan.jobs] + [i for i in media if i in the_plan.rows]) == media
        outputs: list[str] = []
        records: list[str] = []
        for job in the_plan.jobs:
            folder = os.path.relpath(job.out_dir, out)
            folder = "" if folder == "." else folder
            assert len(os.fsencode(job.stem)) <= MAX_STEM_BYTES
            for suffix in OUTPUT_SUFFIXES:
                assert len(os.fsencode(job.stem + suffix)) <= NAME_MAX_BYTES
                outputs.append(name_key(os.path.join(folder, job.stem + suffix)))
            records.append(name_key(os.path.relpath(job.record, out)))
            assert os.path.commonpath([job.out_dir, str(out)]) == str(out)
        # No two outputs, no two records, no output and a batch file or mirrored folder share a name.
        assert len(outputs) == len(set(outputs))
        assert len(records) == len(set(records))
        folders = {name_key(os.path.relpath(j.out_dir, out)) for j in the_plan.jobs}
        assert not {name_key(n) for n in RESERVED_TOP_NAMES} & set(outputs)
        assert not folders & set(outputs)
        reserved = {name_key(n) for n in RESERVED_TOP_NAMES}
        stems = output_stems(entries)
        assert stems == output_stems(entries)  # the same folder always gives the same names (resume)
        for i in media:
            rel = entries[i].rel
            if i in the_plan.rows:  # only a clip in a folder named like a batch file is refused
                assert "/" in rel and name_key(rel.split("/")[0]) in reserved
                continue
            natural = fit_stem(os.path.splitext(os.path.basename(rel))[0])
            if _alone(entries, i, natural, reserved):
                assert stems[i] == natural, (rel, stems[i])  # a clip alone with its name keeps it


def _alone(entries, i: int, natural: str, reserved: set[str]) -> bool:
    """True when no other media file in the same output folder has the same stem (ignoring case) and
    none of the stem's output names is taken by a batch file or a mirrored subfolder."""
    folder = name_key(os.path.dirname(entries[i].rel))
    taken = set(reserved) if folder == "" else set()
    for j, e in enumerate(entries):
        if not e.media:
            continue
        parent = name_key(os.path.dirname(e.rel))
        if (
            j != i
            and parent == folder
            and name_key(fit_stem(os.path.splitext(os.path.basename(e.rel))[0])) == name_key(natural)
        ):
            return False
        if parent != folder and (parent + "/").startswith(folder + "/" if folder else ""):
            # The subfolder's key from the keyed path (a raw path's length can differ from its key's:
            # a decomposed "é" is two code points, its key one).
            taken.add(parent[len(folder) + 1 if folder else 0 :].split("/")[0])
    return taken.isdisjoint(name_key(natural + suffix) for suffix in OUTPUT_SUFFIXES)
