"""Issue 14 for `formcheck analyse`: nothing lost, nothing escapes. Each bad input gets one line on stderr,
no traceback and the documented exit code (1 the input, 2 usage), before the analysis where it can be known;
no output ever replaces an input; a killed run leaves no temporary file behind after the next run; huge
images are refused from their header (or decoded at reduced size) with bounded memory.

Every test runs the real command in a subprocess on real footage (the samples) or on files made here.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import REPO, formcheck, one_line, sha256s

JOG = "running/jogging_side_short_sports2d_demo3.mp4"
WALK = "running/walking_side_indoor_wall_sports2d_demo4.mp4"
POSTURE = "posture/standing_side_studio_physio.jpg"


@pytest.fixture
def folder(tmp_path: Path, samples_dir: Path) -> Path:
    """A user's folder with a real clip and a real photo in it (writable copies)."""
    shutil.copyfile(samples_dir / JOG, tmp_path / "clip.mp4")
    shutil.copyfile(samples_dir / POSTURE, tmp_path / "photo.jpg")
    return tmp_path


# ---------------------------------------------------------------- 1. the input is never overwritten


@pytest.mark.parametrize(
    "name, options",
    [
        ("clip.mp4", ("--kind", "pose")),
        ("photo.jpg", ("--kind", "wall")),
        ("clip.mp4", ("--kind", "pose", "--no-video")),
    ],
)
def test_out_in_the_inputs_folder_never_replaces_the_input(folder: Path, name: str, options: tuple[str, ...]) -> None:
    before = sha256s([folder / "clip.mp4", folder / "photo.jpg"])
    line = one_line(formcheck("analyse", name, "--out", ".", *options, cwd=folder), 2)
    assert f"would replace the input {name}" in line and "choose another output folder" in line
    assert sha256s(before) == before
    assert sorted(p.name for p in folder.iterdir()) == ["clip.mp4", "photo.jpg"]  # refused before writing anything


def test_the_same_folder_through_a_link_is_recognised(folder: Path) -> None:
    os.symlink(folder, folder.parent / "same-folder")
    before = sha256s([folder / "photo.jpg"])
    line = one_line(
        formcheck("analyse", folder / "photo.jpg", "--out", folder.parent / "same-folder", "--kind", "pose"), 2
    )
    assert "would replace the input" in line
    assert sha256s(before) == before


def test_out_elsewhere_writes_the_annotated_copy_beside_the_input_name(folder: Path) -> None:
    before = sha256s([folder / "photo.jpg"])
    proc = formcheck("analyse", "photo.jpg", "--out", "results", "--kind", "pose", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert sha256s(before) == before
    annotated = folder / "results" / "photo.jpg"
    assert annotated.is_file() and sha256s([annotated])[annotated] != before[folder / "photo.jpg"]


# ---------------------------------------------------------------- 5. one line instead of a traceback


def test_out_that_is_a_file_is_refused_before_the_analysis(folder: Path) -> None:
    (folder / "taken").write_text("a file, not a folder\n")
    # The input is bad too: the output folder is checked first, so its message is the one shown.
    (folder / "broken.mp4").write_bytes(b"not a video\n" * 50)
    line = one_line(formcheck("analyse", "broken.mp4", "--out", "taken", cwd=folder), 2)
    assert "the output folder taken is a file" in line


def test_unwritable_out_is_refused_before_the_analysis(folder: Path) -> None:
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    started = time.monotonic()
    for out in (locked, locked / "new"):
        line = one_line(
            formcheck("analyse", "clip.mp4", "--out", out, "--kind", "pose", cwd=folder, unprivileged=True), 2
        )
        assert "cannot write into the output folder" in line and "Permission denied" in line
    assert time.monotonic() - started < 30  # no pose pass ran (the clip alone takes longer)
    assert list(locked.iterdir()) == []


def test_a_file_name_that_is_not_utf8(folder: Path) -> None:
    name = os.fsdecode(b"caf\xe9 clip.jpg")  # Latin-1 bytes from an old camera or a Windows share
    shutil.copyfile(folder / "photo.jpg", folder / name)
    proc = formcheck("analyse", name, "--out", "results", "--kind", "pose", cwd=folder)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "caf\\xe9 clip.jpg: pose" in proc.stdout
    stem = os.fsdecode(b"caf\xe9 clip")
    written = {os.fsencode(p.name) for p in (folder / "results").iterdir()}
    assert {b"caf\xe9 clip.json", b"caf\xe9 clip.landmarks.npz", b"caf\xe9 clip.jpg"} <= written
    result = json.loads((folder / "results" / f"{stem}.json").read_text(encoding="utf-8"))
    assert result["media"]["file"] == "caf\\xe9 clip.jpg"
    assert result["outputs"]["landmarks"] == "caf\\xe9 clip.landmarks.npz"


@pytest.mark.parametrize("length", [239, 255])
def test_a_very_long_file_name_gets_every_output(folder: Path, length: int) -> None:
    name = "l" * (length - 4) + ".jpg"
    shutil.copyfile(folder / "photo.jpg", folder / name)
    proc = formcheck("analyse", name, "--out", "results", "--kind", "pose", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (folder / "results").iterdir())
    stem = "l" * min(length - 4, 255 - len(".landmarks.npz"))
    assert names == sorted(f"{stem}{s}" for s in (".jpg", ".json", ".landmarks.npz", ".metrics.csv"))
    assert max(len(n.encode()) for n in names) <= 255


def test_a_damaged_model_with_the_right_member_names(folder: Path) -> None:
    bad = folder / "pose_landmarker_lite.task"
    with zipfile.ZipFile(bad, "w") as bundle:
        bundle.writestr("pose_detector.tflite", b"\x1c\x00\x00\x00XXXX" + b"\x00" * 4000)
        bundle.writestr("pose_landmarks_detector.tflite", b"garbage" * 500)
    line = one_line(formcheck("analyse", "photo.jpg", "--out", "o", "--kind", "pose", "--model", bad, cwd=folder), 1)
    assert "is damaged" in line and "not a TensorFlow Lite model" in line


def test_a_model_whose_networks_are_damaged_inside(folder: Path) -> None:
    """Right names, right TFLite headers, broken graph: mediapipe's own error, as one line."""
    bad = folder / "broken.task"
    with zipfile.ZipFile(REPO / "models" / "pose_landmarker_full.task") as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            data = bytearray(src.read(name))
            data[100:5000] = bytes(4900)
            dst.writestr(name, bytes(data))
    line = one_line(formcheck("analyse", "photo.jpg", "--out", "o", "--kind", "pose", "--model", bad, cwd=folder), 1)
    assert "the pose model" in line and "cannot be loaded" in line


def _make_png(path: Path, width: int, height: int) -> Path:
    from PIL import Image

    Image.new("L", (width, height), 128).save(path)
    return path


def peak_rss_mb(*args: str | Path, cwd: Path) -> tuple[int, float]:
    """(exit code, peak resident memory in MB) of `formcheck ARGS` (its largest process)."""
    probe = (
        "import resource, subprocess, sys; "
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode; "
        "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    out = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "formcheck.cli", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return int(out[0]), float(out[1])


def test_huge_images_are_refused_from_their_header(tmp_path: Path) -> None:
    bomb = _make_png(tmp_path / "bomb.png", 20000, 20000)  # 400 MP, a few hundred KB
    line = one_line(formcheck("analyse", bomb, "--out", tmp_path / "o"), 1)
    assert "more than 179 million pixels" in line and "save it smaller" in line
    big = _make_png(tmp_path / "big.png", 12000, 12000)  # the 144 MP PNG: 2.3 GB before
    line = one_line(formcheck("analyse", big, "--out", tmp_path / "o"), 1)
    assert "12000 x 12000 pixels" in line and "at most 50 million pixels decoded" in line
    code, peak = peak_rss_mb("analyse", big, "--out", tmp_path / "o", cwd=tmp_path)
    # Refused from the header: nothing is decoded (one full decode alone would take 576 MB).
    assert code == 1 and peak < 250, peak


def test_a_huge_jpeg_is_decoded_at_reduced_size(tmp_path: Path, samples_dir: Path) -> None:
    """A 108 MP phone-camera JPEG (the real posture photo scaled up) is analysed from a 1/8-size decode:
    the person is found, and memory stays far below the 432 MB its full decode would need."""
    from PIL import Image

    with Image.open(samples_dir / POSTURE) as im:
        im.convert("RGB").resize((12000 * 494 // 740, 12000), Image.Resampling.BILINEAR).save(tmp_path / "big.jpg")
    code, peak = peak_rss_mb("analyse", "big.jpg", "--out", "o", "--kind", "pose", cwd=tmp_path)
    assert code == 0 and peak < 500, peak
    result = json.loads((tmp_path / "o" / "big.json").read_text())
    assert (result["media"]["width"], result["media"]["height"]) == (12000 * 494 // 740, 12000)
    assert result["quality"]["person_fraction"] == 1.0


# ---------------------------------------------------------------- 6. misleading inputs read right


def test_a_16_bit_grey_png_is_read_not_blank(tmp_path: Path, samples_dir: Path) -> None:
    from PIL import Image

    from formcheck.sequence import PoseSequence

    with Image.open(samples_dir / POSTURE) as im:
        grey = np.asarray(im.convert("L")).astype(np.uint16) * 257  # the same picture with 16-bit depth
    Image.fromarray(grey).save(tmp_path / "grey16.png")
    Image.fromarray((grey // 257).astype(np.uint8)).save(tmp_path / "grey8.png")
    assert Image.open(tmp_path / "grey16.png").mode == "I;16"
    for name in ("grey16.png", "grey8.png"):
        proc = formcheck("analyse", name, "--out", "o", "--kind", "pose", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    sixteen = PoseSequence.load_npz(tmp_path / "o" / "grey16.landmarks.npz")
    eight = PoseSequence.load_npz(tmp_path / "o" / "grey8.landmarks.npz")
    assert sixteen.present.all()
    assert np.nanmax(np.abs(sixteen.xy - eight.xy)) < 2.0  # the same landmarks to within 2 px


def test_a_permission_error_says_so(folder: Path) -> None:
    (folder / "photo.jpg").chmod(0o000)
    line = one_line(formcheck("analyse", "photo.jpg", "--out", "o", cwd=folder, unprivileged=True), 1)
    assert "permission denied" in line and "truncated" not in line and "copy it again" not in line


def test_a_symlink_loop_says_so(tmp_path: Path) -> None:
    os.symlink("b.jpg", tmp_path / "a.jpg")
    os.symlink("a.jpg", tmp_path / "b.jpg")
    line = one_line(formcheck("analyse", "a.jpg", "--out", "o", cwd=tmp_path), 1)
    assert "loop" in line and "no such file" not in line
    os.symlink("gone.jpg", tmp_path / "dangling.jpg")
    line = one_line(formcheck("analyse", "dangling.jpg", "--out", "o", cwd=tmp_path), 1)
    assert "is a link to gone.jpg, which does not exist" in line


# ---------------------------------------------------------------- 8. no leftovers


def _start_pose_video(folder: Path, out: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "formcheck.cli", "analyse", "walk.mp4", "--out", str(out), "--kind", "pose", "-q"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for_part_file(out: Path, proc: subprocess.Popen[str], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if out.is_dir() and any(".part" in p.name for p in out.iterdir()):
            return
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.05)
    pytest.fail("the annotated video was never started")


@pytest.mark.real
def test_sigterm_removes_the_half_written_video(tmp_path: Path, samples_dir: Path) -> None:
    shutil.copyfile(samples_dir / WALK, tmp_path / "walk.mp4")
    out = tmp_path / "o"
    proc = _start_pose_video(tmp_path, out)
    _wait_for_part_file(out, proc)
    os.kill(proc.pid, signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130 and stderr.strip() == "formcheck: interrupted"
    assert [p.name for p in out.iterdir()] == []


def test_an_interruption_that_a_library_wraps_in_another_error_still_ends_as_interrupted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    """SIGTERM during an import (mediapipe's pulls in matplotlib) raised KeyboardInterrupt inside a class
    body, which Python turns into "RuntimeError: Error calling __set_name__": the command printed a
    traceback and ended with status 1 (seen 1 time in 25 under load). After SIGTERM, such an error is
    the interruption; without SIGTERM it is a fault and propagates."""
    import formcheck.cli as cli
    from formcheck import interrupts

    def cut_short(args: object) -> int:
        os.kill(os.getpid(), signal.SIGTERM)  # the handler raises KeyboardInterrupt here ...
        raise AssertionError("SIGTERM did not interrupt")

    def wrapped(args: object) -> int:
        try:
            cut_short(args)
        except KeyboardInterrupt as exc:  # ... which a class body turns into a RuntimeError
            raise RuntimeError("Error calling __set_name__") from exc
        return 0

    monkeypatch.setattr(interrupts, "_requested", interrupts.threading.Event())
    monkeypatch.setattr(cli, "run_analyse", wrapped)
    assert cli.main(["analyse", str(folder / "clip.mp4")]) == 130
    assert capsys.readouterr().err.strip() == "formcheck: interrupted"
    monkeypatch.setattr(interrupts, "_requested", interrupts.threading.Event())

    def fault(args: object) -> int:
        raise RuntimeError("a fault")

    monkeypatch.setattr(cli, "run_analyse", fault)
    with pytest.raises(RuntimeError, match="a fault"):
        cli.main(["analyse", str(folder / "clip.mp4")])


@pytest.mark.real
def test_kill_9_leftovers_are_removed_by_the_next_run(tmp_path: Path, samples_dir: Path) -> None:
    shutil.copyfile(samples_dir / WALK, tmp_path / "walk.mp4")
    shutil.copyfile(samples_dir / POSTURE, tmp_path / "photo.jpg")
    out = tmp_path / "o"
    proc = _start_pose_video(tmp_path, out)
    _wait_for_part_file(out, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    leftovers = [p.name for p in out.iterdir() if ".part" in p.name]
    assert leftovers and all(name.startswith(".walk.") for name in leftovers)
    # The next run into the same folder (of another file) removes them; a live writer's are kept.
    from formcheck.export import atomic_path

    with atomic_path(out / "mine.txt") as live:
        live.write_text("being written\n")
        proc = formcheck("analyse", "photo.jpg", "--out", out, "--kind", "pose", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert [p.name for p in out.iterdir() if ".part" in p.name] == [live.name]
    assert (out / "mine.txt").read_text() == "being written\n"
