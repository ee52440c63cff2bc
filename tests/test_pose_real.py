"""The real pose model on the real footage: the person is found, tracks match the recorded ones,
multi-person clips keep the right subject, and the CLI writes its outputs."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest
from conftest import load_track, write_test_video

from formcheck.cli import main
from formcheck.pipeline import analyse
from formcheck.sequence import PoseSequence
from formcheck.settings import Settings

pytestmark = pytest.mark.real

CLIPS = {  # clip -> minimum share of frames with the person (the manifest's figures, less a margin)
    "running/treadmill_side_phone60fps_mhuang.mp4": 0.95,
    "running/jogging_side_short_sports2d_demo3.mp4": 0.6,
    "running/walking_side_indoor_wall_sports2d_demo4.mp4": 0.65,
    "running/outdoor_rear_lowcam_openpose_overlay_radluy.mp4": 0.75,
    "plank/front_plank_side_studio_wahoo.mp4": 0.95,
    "plank/side_plank_knee_and_full_dedham.mp4": 0.95,
}


@pytest.mark.parametrize("clip, min_fraction", list(CLIPS.items())[:3])
def test_person_found_in_most_frames(real_pose_run, clip: str, min_fraction: float) -> None:
    result = analyse(real_pose_run(clip), Settings.build(kind="pose"))
    assert result.quality.person_fraction >= min_fraction
    assert len(result.raw) == result.info.frames
    # Our recorded regression track agrees with a fresh run (same model, same code).
    stem = clip.replace("/", "__").rsplit(".", 1)[0]
    recorded, _ = load_track(stem)
    both = recorded.present & result.raw.present
    assert both.mean() > 0.9 * min_fraction
    err = np.nanmedian(np.abs(recorded.xy[both] - result.raw.xy[both]))
    assert err < 2.0, f"landmarks moved by {err:.1f} px against the recorded track"


def test_recorded_tracks_cover_every_sample(samples_dir: Path, tracks_dir: Path) -> None:
    for sub in ("running", "plank", "posture"):
        for path in (samples_dir / sub).iterdir():
            meta = json.loads((tracks_dir / f"{sub}__{path.stem}.json").read_text())
            assert meta["source"] == f"{sub}/{path.name}"
            track, _ = load_track(f"{sub}__{path.stem}")
            assert len(track) == meta["media"]["frames"] or meta["media"]["kind"] == "photo", path.name
            if sub != "posture" or "side" in path.stem:
                # the overground side clip has the runner in view for about 60 of its 88 frames
                assert meta["person_fraction"] >= 0.55, path.name


def test_portrait_phone_clip_is_upright(samples_dir: Path) -> None:
    result = analyse(
        samples_dir / "running/treadmill_side_phone60fps_mhuang.mp4", Settings.build(kind="pose", end_s=1.0)
    )
    assert (result.info.width, result.info.height) == (1080, 1920)
    head_y = np.nanmedian(result.raw.xy[:, 0, 1])
    ankle_y = np.nanmedian(result.raw.xy[:, 27:29, 1])
    assert head_y < ankle_y, "head above feet"


def test_rotated_copy_gives_the_same_landmarks(samples_dir: Path, tmp_path: Path) -> None:
    """A landscape clip stored sideways with a display matrix: landmarks land on the upright image."""
    src = samples_dir / "running/jogging_side_short_sports2d_demo3.mp4"
    rotated = tmp_path / "rotated.mp4"
    with av.open(str(src)) as inp, av.open(str(rotated), "w") as out:
        s_in = inp.streams.video[0]
        s_out = out.add_stream("libx264", rate=s_in.average_rate)
        s_out.width, s_out.height, s_out.pix_fmt = s_in.height, s_in.width, "yuv420p"
        s_out.set_display_rotation(270)  # stored turned 90 deg counter-clockwise; players turn it back
        for frame in inp.decode(s_in):
            stored = np.rot90(frame.to_ndarray(format="rgb24"), 1)  # 90 deg counter-clockwise
            for packet in s_out.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(stored), format="rgb24")):
                out.mux(packet)
        for packet in s_out.encode():
            out.mux(packet)
    a = analyse(src, Settings.build(kind="pose"))
    b = analyse(rotated, Settings.build(kind="pose"))
    assert (b.info.width, b.info.height, b.info.rotation) == (a.info.width, a.info.height, 270)
    both = a.raw.present & b.raw.present
    assert both.sum() > 20
    assert np.nanmedian(np.abs(a.raw.xy[both] - b.raw.xy[both])) < 4.0


def test_two_people_clip_analyses_the_walker_not_the_bystander(tracks_dir: Path) -> None:
    """The lawn clip's recorded people: the largest one stands still on a box, the second one walks
    across. The running analysis must take the walker (our own count: 6 steps from frame 73.5 to 185
    at 30 fps, 96.9 steps/min)."""
    from formcheck.sources import TrackSource

    meta = json.loads((tracks_dir / "running__walking_side_2people_sports2d_demo.json").read_text())
    assert meta["max_people"] == 2 and meta["others"] == 1
    result = analyse(TrackSource(tracks_dir / "running__walking_side_2people_sports2d_demo.npz"), Settings.build())
    walker = PoseSequence.load_npz(tracks_dir / "running__walking_side_2people_sports2d_demo.other1.npz")
    assert result.kind == "run" and result.raw.present.sum() == walker.present.sum()
    assert np.array_equal(result.raw.xy, walker.xy, equal_nan=True)
    assert result.result.metrics["gait"] == "walking"
    assert result.result.metrics["cadence_spm"] == pytest.approx(96.9, rel=0.05)
    assert any("the person doing the activity" in w for w in result.warnings)


def test_cli_writes_json_landmarks_and_h264(samples_dir: Path, tmp_path: Path) -> None:
    clip = samples_dir / "running/jogging_side_short_sports2d_demo3.mp4"
    assert main(["analyse", str(clip), "--kind", "pose", "--out", str(tmp_path), "-q"]) == 0
    data = json.loads((tmp_path / f"{clip.stem}.json").read_text())
    assert set(data) >= {"media", "quality", "kind", "metrics", "findings", "version"}
    assert set(data["media"]) >= {"width", "height", "fps", "rotation", "frames", "duration_s"}
    assert 0.6 <= data["quality"]["person_fraction"] <= 1.0
    assert (tmp_path / f"{clip.stem}.landmarks.npz").is_file()
    with av.open(str(tmp_path / f"{clip.stem}.mp4")) as video:
        stream = video.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert sum(1 for _ in video.decode(stream)) == data["media"]["frames"]


def test_photo_gives_annotated_jpeg(samples_dir: Path, tmp_path: Path) -> None:
    photo = samples_dir / "posture/standing_side_studio_physio.jpg"
    assert main(["analyse", str(photo), "--kind", "pose", "--out", str(tmp_path), "-q"]) == 0
    assert (tmp_path / f"{photo.stem}.jpg").stat().st_size > 10_000


@pytest.mark.parametrize(
    "case, code, words",
    [
        ("missing", 1, "no such file"),
        ("empty", 1, "empty"),
        ("text", 1, "text file"),
        ("folder", 2, "is a folder"),
        ("no_person", 1, "no person found"),
        ("bad_height", 2, "not a human stature"),
    ],
)
def test_cli_bad_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, code: int, words: str) -> None:
    args = ["--kind", "pose", "--out", str(tmp_path / "out"), "-q"]
    path = tmp_path / "clip.mp4"
    if case == "empty":
        path.write_bytes(b"")
    elif case == "text":
        path.write_text("hello\n" * 50)
    elif case == "folder":
        path = tmp_path
    elif case == "no_person":
        path = write_test_video(tmp_path / "nobody.mp4", frames=15, size=(320, 240))
    elif case == "bad_height":
        path = write_test_video(tmp_path / "nobody.mp4", frames=3)
        args += ["--height-cm", "5.8"]
    assert main(["analyse", str(path), *args]) == code
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_cli_output_is_clean_of_library_noise(samples_dir: Path, tmp_path: Path) -> None:
    """mediapipe/TFLite print banners and warnings to stderr; none of it may reach the user."""
    import subprocess
    import sys

    photo = samples_dir / "posture/standing_side_studio_physio.jpg"
    done = subprocess.run(
        [sys.executable, "-m", "formcheck.cli", "analyse", str(photo), "--kind", "pose", "--out", str(tmp_path), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "written:" in done.stdout and "INFO" not in done.stdout


def test_segmentation_mask_covers_the_person(samples_dir: Path) -> None:
    from formcheck.media import iter_frames, probe
    from formcheck.model import load_model
    from formcheck.pose import segment_frames

    info = probe(samples_dir / "posture/standing_side_studio_physio.jpg")
    (seg,) = list(segment_frames(iter_frames(info), info, load_model()))
    assert seg.mask.shape == (info.height, info.width)
    person = seg.mask > 0.5
    assert 0.05 < person.mean() < 0.6
    hip = seg.detection.xy[23:25].mean(axis=0).astype(int)
    assert person[hip[1], hip[0]], "the hip lies inside the mask"
