"""Key frames: which frames each analysis picks (running contacts, plank start / worst / end, the wall
photo), the angles drawn on running contacts, and the JPEGs `save_outputs` writes with their names in
the result JSON. Recorded tracks for the choices; the real model on real footage for the JPEGs."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from formcheck.analysis import KeyFrame
from formcheck.kinds.run.key_frames import contact_angles, first_row_from, typical_step
from formcheck.landmarks import Landmark as L
from formcheck.outputs import OutputFiles, analyse_to, save_outputs
from formcheck.overlay import Angle, Drawing
from formcheck.pipeline import analyse
from formcheck.render.draw import annotate
from formcheck.render.key_frames import key_frame_file_names
from formcheck.render.style import ROLE_COLOURS
from formcheck.sequence import PoseSequence
from formcheck.settings import Settings
from formcheck.sources import TrackSource

TREADMILL = "running__treadmill_side_phone60fps_mhuang"
PIKE = "plank__elbow_plank_pike_alternating_wahoo"
GOOD_PLANK = "plank__front_plank_side_studio_wahoo"


def _angle_deg(vertex: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    u, v = a - vertex, b - vertex
    return math.degrees(math.acos(float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))))


def test_the_typical_step_is_the_one_nearest_the_medians_and_a_hidden_leg_is_avoided() -> None:
    steps = [
        {"step": 1, "knee": 10.0, "shank": 5.0},
        {"step": 2, "knee": 20.0, "shank": 9.0},
        {"step": 3, "knee": 21.0, "shank": 8.0},
        {"step": 4, "knee": 22.0, "shank": 30.0},
        {"step": 5, "knee": 40.0, "shank": 8.5},
    ]
    # medians: knee 21, shank 8.5; step 3 is 0 + 0.5/IQR away, every other step is further.
    assert typical_step(steps, ("knee", "shank"))["step"] == 3
    steps[2]["far_leg_occluded"] = True
    assert typical_step(steps, ("knee", "shank"))["step"] == 2
    assert typical_step([{"step": 7}, {"step": 8}, {"step": 9}], ("knee",))["step"] == 8  # no figures: the middle
    assert typical_step([], ("knee",)) is None


def test_the_frame_shown_is_the_first_at_or_after_the_contact() -> None:
    t = np.array([0.0, 1 / 60, 2 / 60, 3 / 60])
    assert first_row_from(t, 0.02) == 2
    assert first_row_from(t, 2 / 60) == 2
    assert first_row_from(t, 1.0) == 3


def _runner(knee_flexion_deg: float, shank_deg: float, trunk_deg: float) -> PoseSequence:
    """One frame of a runner facing right (image x forward, y down): the right leg in contact ahead,
    thigh at 20 deg ahead of vertical, the shank and trunk at the given angles."""
    seq = PoseSequence.empty(1, (1000, 1000), 30)
    xy = seq.xy[0]
    hip = np.array([500.0, 500.0])
    thigh_dir = np.radians(20.0)  # thigh forward of vertical
    knee = hip + 200 * np.array([math.sin(thigh_dir), math.cos(thigh_dir)])
    # shank from the knee down, forward of vertical by shank_deg (ankle ahead of the knee)
    ankle = knee + 200 * np.array([math.sin(np.radians(shank_deg)), math.cos(np.radians(shank_deg))])
    shoulders = hip + 300 * np.array([math.sin(np.radians(trunk_deg)), -math.cos(np.radians(trunk_deg))])
    for side, offset in (("RIGHT", 0.0), ("LEFT", -150.0)):
        xy[L[f"{side}_HIP"]] = hip
        xy[L[f"{side}_SHOULDER"]] = shoulders
        xy[L[f"{side}_KNEE"]] = knee + np.array([offset, 0.0])
        xy[L[f"{side}_ANKLE"]] = ankle + np.array([offset, 0.0])
        xy[L[f"{side}_HEEL"]] = ankle + np.array([offset - 10, 10.0])
    return seq


def test_contact_angles_are_drawn_on_the_leg_ahead_with_the_steps_figures() -> None:
    # Thigh 20 deg forward, shank 10 deg forward: the knee is flexed by 20 - 10 = 10 deg.
    seq = _runner(knee_flexion_deg=10.0, shank_deg=10.0, trunk_deg=6.0)
    step = {"knee_flexion_contact_deg": 10.4, "shank_angle_at_contact_deg": 9.6, "trunk_lean_deg": 6.2}
    drawing = contact_angles(seq, 0, step, fwd=1.0)
    angles = {a.text.split()[0]: a for a in drawing.shapes if isinstance(a, Angle)}
    assert [angles[k].text for k in ("knee", "shank", "trunk")] == ["knee 10 deg", "shank 10 deg", "trunk 6 deg"]
    right_knee, right_ankle = seq.xy[0, L.RIGHT_KNEE], seq.xy[0, L.RIGHT_ANKLE]
    assert np.allclose(angles["knee"].vertex, right_knee) and np.allclose(angles["shank"].vertex, right_ankle)
    for name, expected in (("knee", 10.0), ("shank", 10.0), ("trunk", 6.0)):
        a = angles[name]
        assert _angle_deg(a.vertex, a.reference, a.measured) == pytest.approx(expected, abs=1e-6)
    # Facing left, the left leg (150 px further left) is the one ahead.
    mirrored = contact_angles(seq, 0, step, fwd=-1.0)
    knee = next(a for a in mirrored.shapes if isinstance(a, Angle) and a.text.startswith("knee"))
    assert np.allclose(knee.vertex, seq.xy[0, L.LEFT_KNEE])


def test_an_angle_is_drawn_as_an_arc_between_its_rays() -> None:
    image = np.zeros((400, 400, 3), np.uint8)
    vertex = np.array([200.0, 300.0])
    # reference straight up, measured 40 deg towards +x: the arc lies up and to the right of the vertex
    measured = vertex + 200 * np.array([math.sin(math.radians(40)), -math.cos(math.radians(40))])
    shape = Angle(vertex, vertex + np.array([0.0, -200.0]), measured, "head", "x", radius=0.1)
    annotate(image, Drawing(shapes=[shape]), 1.0)
    colour = np.array(ROLE_COLOURS["head"])
    near = np.all(np.abs(image.astype(int) - colour) < 40, axis=2)
    r = 40  # 0.1 of the image height
    inside = vertex + r * np.array([math.sin(math.radians(20)), -math.cos(math.radians(20))])
    outside = vertex + r * np.array([math.sin(math.radians(-40)), -math.cos(math.radians(-40))])
    window = lambda p: near[int(p[1]) - 2 : int(p[1]) + 3, int(p[0]) - 2 : int(p[0]) + 3]  # noqa: E731
    assert window(inside).any(), "the arc between the rays is drawn"
    assert not window(outside).any(), "nothing on the far side of the reference ray"


def _track_result(name: str, kind: str):
    return analyse(TrackSource(Path("tests/data/tracks") / f"{name}.npz"), Settings.build(kind=kind))


def test_running_key_frames_are_a_typical_contact_per_foot() -> None:
    result = _track_result(TREADMILL, "run")
    frames = result.result.key_frames
    assert sorted(k.label for k in frames) == ["left contact", "right contact"]
    assert frames[0].time_s < frames[1].time_s  # in time order
    steps = {s["step"]: s.to_json() for s in result.result.steps}
    t = result.seq.timestamps_s
    for kf in frames:
        number = int(kf.caption.split(",")[0].removeprefix("step "))
        step = steps[number]
        assert step["foot"] == kf.label[0].upper()
        assert t[kf.row] >= step["contact_s"] - 1e-3 and (kf.row == 0 or t[kf.row - 1] < step["contact_s"])
        texts = sorted(s.text for s in kf.extra.shapes if isinstance(s, Angle))
        assert texts == sorted(
            [
                f"knee {round(step['knee_flexion_contact_deg'])} deg",
                f"shank {round(step['shank_angle_at_contact_deg'])} deg",
                f"trunk {round(step['trunk_lean_deg']) or 0} deg",
            ]
        )


def test_plank_key_frames_are_hold_start_worst_break_and_end() -> None:
    result = _track_result(PIKE, "plank")
    start, worst, end = result.result.key_frames
    t = result.seq.timestamps_s
    metrics = result.result.metrics
    assert (start.label, worst.label, end.label) == ("hold start", "worst moment", "hold end")
    assert t[start.row] == pytest.approx(metrics["hold_start_s"], abs=0.006)  # rounded to 0.01 s
    assert metrics["hold_end_s"] - 0.1 < t[end.row] < metrics["hold_end_s"]
    breaks = [e.to_json() for e in result.result.events if e["severity"] == "warning"]
    peak = max(breaks, key=lambda e: e["peak_value"])
    assert t[worst.row] == pytest.approx(peak["peak_time_s"], abs=1e-3)
    assert worst.caption.startswith(f"hips piked, {peak['peak_value']:g} deg")


def test_a_plank_without_a_break_shows_its_largest_deviation_held_for_half_a_second() -> None:
    result = _track_result(GOOD_PLANK, "plank")
    assert result.result.metrics["form_breaks"] == 0
    worst = result.result.key_frames[1]
    line = result.result.series["body_line_deg"]
    hold = np.flatnonzero(result.result.series["in_hold"] > 0)
    t = result.seq.timestamps_s
    window = round(0.5 / float(np.median(np.diff(t))))  # min_break_s of THRESHOLDS
    units = np.where(line < 0, -line / 10.0, line / 30.0)  # sag and pike tolerances of THRESHOLDS
    held = {}  # brute force: the least deviation over each full window inside the hold
    for k in hold:
        lo, hi = k - window // 2, k - window // 2 + window
        if lo >= hold[0] and hi - 1 <= hold[-1]:
            held[int(k)] = float(np.min(units[lo:hi]))
    best = max(held, key=lambda k: held[k])
    assert worst.row == best
    side, tolerance = ("pike", 30) if line[best] > 0 else ("sag", 10)
    assert worst.caption == (
        f"no form break; the largest deviation held for 0.5 s: {held[best] * tolerance:.0f} deg of {side} "
        f"around {t[best]:.1f} s, within the {tolerance} deg tolerance"
    )


def test_key_frame_names_are_numbered_slugs() -> None:
    frames = [KeyFrame(3, "left contact", 0.1), KeyFrame(9, "Worst moment!", 0.3), KeyFrame(12, "***", 0.5)]
    assert key_frame_file_names(frames) == ["01_left_contact.jpg", "02_worst_moment.jpg", "03_frame.jpg"]


def test_key_frames_are_written_and_named_in_the_json(tmp_path: Path) -> None:
    track = Path("tests/data/tracks") / f"{PIKE}.npz"
    result, files = analyse_to(track, Settings.build(kind="plank", render_video=False), tmp_path)
    folder = tmp_path / f"{PIKE}.keyframes"
    assert [p.name for p in files.key_frames] == ["01_hold_start.jpg", "02_worst_moment.jpg", "03_hold_end.jpg"]
    data = json.loads(files.json.read_text())
    assert data["outputs"]["key_frames"] == [f"{PIKE}.keyframes/{p.name}" for p in files.key_frames]
    assert [k["file"] for k in data["key_frames"]] == data["outputs"]["key_frames"]
    assert [k["label"] for k in data["key_frames"]] == ["hold start", "worst moment", "hold end"]
    for path in files.key_frames:
        with Image.open(path) as im:
            assert im.format == "JPEG" and max(im.size) == 1280
    assert OutputFiles.from_json(data, tmp_path).key_frames == files.key_frames
    # Another analysis of the same file under the same stem leaves no stale key frames; other files stay.
    (folder / "07_old.jpg").write_bytes(b"x")
    (folder / "my notes.txt").write_text("keep")
    save_outputs(result, tmp_path, PIKE, render=False)
    assert sorted(p.name for p in folder.iterdir()) == [
        "01_hold_start.jpg",
        "02_worst_moment.jpg",
        "03_hold_end.jpg",
        "my notes.txt",
    ]


@pytest.mark.real
def test_key_frames_from_the_video_pass_match_those_decoded_alone(real_pose_run, tmp_path: Path) -> None:
    result = analyse(real_pose_run("running/treadmill_side_phone60fps_mhuang.mp4"), Settings.build(kind="run"))
    with_video = save_outputs(result, tmp_path / "a", "clip", render=True)
    alone = save_outputs(result, tmp_path / "b", "clip", render=False)
    assert with_video.annotated is not None and alone.annotated is None
    names = [p.name for p in with_video.key_frames]  # numbered in time order, one per foot
    assert [n[:3] for n in names] == ["01_", "02_"]
    assert sorted(n[3:] for n in names) == ["left_contact.jpg", "right_contact.jpg"]
    for a, b in zip(with_video.key_frames, alone.key_frames, strict=True):
        pa, pb = (np.asarray(Image.open(p).convert("RGB"), float) for p in (a, b))
        assert pa.shape == pb.shape == (1280, 720, 3)
        assert np.abs(pa - pb).mean() < 1.0  # the same frame, scaled the same way (JPEG noise only)
        assert pa.std() > 20  # real footage, not a plain canvas
