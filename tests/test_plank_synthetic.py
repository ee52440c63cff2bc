"""Plank analysis on synthetic sequences with analytically known answers.

The generator (plank_sequence): the body is a chain of segments with anthropometric lengths (fractions of stature from calibrate.py)
so the cm scale is known: ankle on the floor, straight legs rising at `leg_elevation_deg`, then the
trunk bent at the hip by `bend_deg` (+ pike: hips above the shoulder-ankle line, - sag). With straight
legs the shoulder-hip-ankle deviation equals |bend_deg| exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import plank_result

from formcheck.calibrate import SHANK_FRACTION, THIGH_FRACTION, TRUNK_FRACTION
from formcheck.errors import ActivityNotFound
from formcheck.kinds.plank import body as pm
from formcheck.kinds.plank import hold
from formcheck.kinds.plank import recognise as kp_recognise
from formcheck.kinds.plank.thresholds import REFERENCES, THRESHOLDS
from formcheck.landmarks import NUM_LANDMARKS
from formcheck.landmarks import Landmark as L
from formcheck.sequence import PoseSequence
from formcheck.settings import Settings

PX_PER_CM = 3.0
STATURE_CM = 170.0
H_PX = STATURE_CM * PX_PER_CM
TRUNK = TRUNK_FRACTION * H_PX
THIGH = THIGH_FRACTION * H_PX
SHANK = SHANK_FRACTION * H_PX
UPPER_ARM = 0.186 * H_PX
FOREARM = 0.146 * H_PX
SIZE = (1280, 720)


def _unit(elev_deg: np.ndarray) -> np.ndarray:
    """(T, 2) unit vectors at an elevation angle (deg, counter-clockwise on screen from +x; y down)."""
    e = np.radians(elev_deg)
    return np.stack([np.cos(e), -np.sin(e)], axis=1)


def plank_sequence(
    bend_deg: np.ndarray,
    fps: float = 30.0,
    leg_elevation_deg: float = 12.0,
    variant: str = "forearm",
    floor_y: float = 620.0,
    ankle_x: float = 250.0,
) -> PoseSequence:
    """A plank seen from the side (head toward +x) or, for side variants, from the front.

    bend_deg: (T,) signed bend at the hip (+ pike, - sag). variant: 'forearm', 'high', 'knee',
    'side_left' (left arm on the floor: left shoulder lower in the image) or 'side_right'.
    """
    bend = np.asarray(bend_deg, float)
    n = bend.size
    xy = np.full((n, NUM_LANDMARKS, 2), np.nan)
    legs = _unit(np.full(n, leg_elevation_deg))
    if variant == "knee":
        knee = np.tile([ankle_x + SHANK, floor_y - 5.0], (n, 1))
        ankle = knee + _unit(np.full(n, 180.0 - 80.0)) * SHANK  # shin up and back: knee flexion ~90
        hip = knee + legs * THIGH
    else:
        ankle = np.tile([ankle_x, floor_y - 10.0], (n, 1))
        knee = ankle + legs * SHANK
        hip = knee + legs * THIGH
    trunk_dir = _unit(leg_elevation_deg - bend)
    shoulder = hip + trunk_dir * TRUNK
    ear = shoulder + trunk_dir * 0.12 * H_PX
    if variant == "high":
        elbow = shoulder + np.array([0.0, UPPER_ARM])
        wrist = elbow + np.array([0.0, FOREARM])
    else:
        elbow = shoulder + np.array([0.0, UPPER_ARM])
        wrist = elbow + np.array([FOREARM, 0.0])
    parts = {
        "SHOULDER": shoulder,
        "ELBOW": elbow,
        "WRIST": wrist,
        "HIP": hip,
        "KNEE": knee,
        "ANKLE": ankle,
        "HEEL": ankle + np.array([-15.0, 5.0]),
        "FOOT_INDEX": ankle + np.array([10.0, 10.0]),
    }
    # Side view: the two sides overlap (a few px apart). Side plank from the front: stacked vertically.
    spread = 0.3 * TRUNK if variant.startswith("side") else 3.0
    lower_is_left = variant != "side_right"
    for name, p in parts.items():
        left_off = np.array([0.0, spread if lower_is_left else -spread])
        if not variant.startswith("side"):
            left_off = np.array([spread, 0.0])
        if variant.startswith("side") and name in ("ELBOW", "WRIST"):
            # Only the supporting (lower) arm is under the body; the top arm rests on the hip.
            lower = shoulder + (left_off if lower_is_left else -left_off)
            support = (
                lower + np.array([0.0, UPPER_ARM])
                if name == "ELBOW"
                else lower + np.array([0.0, UPPER_ARM]) + np.array([FOREARM, 0.0])
            )
            top = hip - (left_off if lower_is_left else -left_off)
            xy[:, L[f"LEFT_{name}"]] = support if lower_is_left else top
            xy[:, L[f"RIGHT_{name}"]] = top if lower_is_left else support
            continue
        xy[:, L[f"LEFT_{name}"]] = p + left_off
        xy[:, L[f"RIGHT_{name}"]] = p - left_off
    for name in ("LEFT_EAR", "RIGHT_EAR"):
        xy[:, L[name]] = ear
    for name in (
        "NOSE",
        "LEFT_EYE",
        "RIGHT_EYE",
        "LEFT_EYE_INNER",
        "RIGHT_EYE_INNER",
        "LEFT_EYE_OUTER",
        "RIGHT_EYE_OUTER",
        "MOUTH_LEFT",
        "MOUTH_RIGHT",
    ):
        xy[:, L[name]] = ear + trunk_dir * 10.0 + np.array([0.0, 8.0])
    for name in ("PINKY", "INDEX", "THUMB"):
        for side in ("LEFT", "RIGHT"):
            xy[:, L[f"{side}_{name}"]] = xy[:, L[f"{side}_WRIST"]] + np.array([8.0, 0.0])
    vis = np.where(np.isfinite(xy[..., 0]), 0.99, 0.0)
    ts = np.arange(n) / fps
    return PoseSequence(
        xy=xy, z=np.zeros((n, NUM_LANDMARKS)), visibility=vis, timestamps_s=ts, frame_size=SIZE, fps=fps
    )


def expected_offset_cm(bend_deg: float, leg_elevation_deg: float = 12.0, knee_variant: bool = False) -> float:
    """Signed distance (cm, + above) of the hip from the shoulder-distal line, computed directly."""
    seq = plank_sequence(
        np.array([bend_deg]), leg_elevation_deg=leg_elevation_deg, variant="knee" if knee_variant else "forearm"
    )
    s = seq.midpoint(L.LEFT_SHOULDER, L.RIGHT_SHOULDER)[0]
    h = seq.midpoint(L.LEFT_HIP, L.RIGHT_HIP)[0]
    d = seq.midpoint(L.LEFT_KNEE, L.RIGHT_KNEE)[0] if knee_variant else seq.midpoint(L.LEFT_ANKLE, L.RIGHT_ANKLE)[0]
    u = (d - s) / np.linalg.norm(d - s)
    cross = u[0] * (h - s)[1] - u[1] * (h - s)[0]  # > 0: h below the line when d is to the left of s
    dist = abs(cross)
    # Above the line = smaller y than the line's y at the hip's x.
    line_y = s[1] + (h[0] - s[0]) * (d[1] - s[1]) / (d[0] - s[0])
    return float(np.sign(line_y - h[1]) * dist / PX_PER_CM)


def standing_frames(n: int, fps: float = 30.0) -> PoseSequence:
    """An upright person (not a plank), same frame size."""
    bend = np.zeros(n)
    seq = plank_sequence(bend, fps=fps, leg_elevation_deg=88.0)
    return seq


def concat(*parts: PoseSequence) -> PoseSequence:
    """Sequences one after the other, timestamps continued at the first one's fps."""
    fps = parts[0].fps
    xy = np.concatenate([p.xy for p in parts])
    n = xy.shape[0]
    return PoseSequence(
        xy=xy,
        z=np.concatenate([p.z for p in parts]),
        visibility=np.concatenate([p.visibility for p in parts]),
        timestamps_s=np.arange(n) / fps,
        frame_size=parts[0].frame_size,
        fps=fps,
    )


FPS = 30.0
DT = 1.0 / FPS
SETTINGS = Settings.build(kind="plank", height_cm=170.0)


def _ramp(*pieces: tuple[float, float, int]) -> np.ndarray:
    """Concatenated linear pieces (start_deg, end_deg, frames)."""
    return np.concatenate([np.linspace(a, b, n, endpoint=False) if a != b else np.full(n, a) for a, b, n in pieces])


def test_good_hold_whole_clip_is_one_hold_of_exact_length() -> None:
    seq = plank_sequence(np.zeros(150), fps=FPS)
    r = plank_result(seq, SETTINGS)
    m = r.metrics
    assert m["variant"] == "forearm"
    assert abs(m["hold_s"] - 5.0) <= DT
    assert m["good_form_pct"] == 100.0
    assert abs(m["longest_good_streak_s"] - 5.0) <= DT
    assert m["form_breaks"] == 0
    assert abs(m["mean_body_line_deg"]) < 0.1
    assert m["max_sag_cm"] < 0.1 and m["max_pike_cm"] < 0.1
    assert m["score"] > 95
    labels = [e["label"] for e in r.events]
    assert labels == ["hold start", "hold end"]


def test_hold_start_and_end_from_the_state_machine_within_one_frame() -> None:
    """Hips resting on the floor (-35 deg), rise over 0.5 s, hold 4 s, lower over 0.5 s, rest 1 s."""
    bend = _ramp((-35, -35, 30), (-35, 0, 15), (0, 0, 120), (0, -35, 15), (-35, -35, 30))
    seq = plank_sequence(bend, fps=FPS)
    r = plank_result(seq, SETTINGS)
    t = seq.timestamps_s
    # Truth from the definitions: the hold starts at the first frame within the entry limits and ends at
    # the last frame within the exit limits.
    first = int(np.flatnonzero(bend >= -THRESHOLDS.entry_sag_deg)[0])
    last = int(np.flatnonzero(bend >= -THRESHOLDS.exit_sag_deg)[-1])
    expected = t[last] - t[first] + DT
    assert abs(r.metrics["hold_s"] - expected) <= DT + 1e-9
    assert abs(r.metrics["hold_start_s"] - t[first]) <= DT + 1e-9


def test_short_position_is_not_a_hold() -> None:
    """In position for less than the confirmation time: no plank found."""
    frames = int(THRESHOLDS.confirm_s * FPS) - 6
    bend = _ramp((-35, -35, 30), (-35, 0, 6), (0, 0, frames), (0, -35, 6), (-35, -35, 30))
    with pytest.raises(ActivityNotFound, match="no plank found"):
        plank_result(plank_sequence(bend, fps=FPS), SETTINGS)


SAG_TOL, PIKE_TOL = THRESHOLDS.sag_tolerance_deg, THRESHOLDS.pike_tolerance_deg


@pytest.mark.parametrize(
    "bend", [-24.0, -18.0, -12.0, -SAG_TOL - 0.5, PIKE_TOL + 0.5, PIKE_TOL + 2, PIKE_TOL + 10, 60.0, 70.0]
)
def test_sag_and_pike_sign_always_right_beyond_tolerance(bend: float) -> None:
    seq = plank_sequence(np.concatenate([np.zeros(40), np.full(60, bend)]), fps=FPS)
    r = plank_result(seq, SETTINGS)
    series = r.series["body_line_deg"]
    assert np.allclose(series[50:], bend, atol=0.05)
    offset = r.series["hip_offset_cm"][70]
    assert np.sign(offset) == np.sign(bend)
    assert abs(offset - expected_offset_cm(bend)) < 0.3  # px->cm from anthropometric segment lengths
    labels = {e["label"] for e in r.events if e["start_s"] is not None}
    assert labels == {"pike" if bend > 0 else "sag"}
    if bend > 0:
        assert r.metrics["max_pike_cm"] > 0 and r.metrics["max_sag_cm"] == 0
    else:
        assert r.metrics["max_sag_cm"] > 0 and r.metrics["max_pike_cm"] == 0


@pytest.mark.parametrize("bend", [-9.0, -5.0, 0.0, 5.0, 9.0, 20.0, PIKE_TOL - 1])
def test_within_tolerance_is_good_form(bend: float) -> None:
    r = plank_result(plank_sequence(np.full(90, bend), fps=FPS), SETTINGS)
    assert r.metrics["good_form_pct"] == 100.0
    assert r.metrics["form_breaks"] == 0


def test_break_and_recovery() -> None:
    """Good 2 s, sag -18 deg for 1.5 s, good again 2 s: one sag break at the right time, the hold goes on."""
    bend = _ramp((0, 0, 57), (0, -18, 6), (-18, -18, 39), (-18, 0, 6), (0, 0, 57))
    r = plank_result(plank_sequence(bend, fps=FPS), SETTINGS)
    m = r.metrics
    assert abs(m["hold_s"] - 165 * DT) <= DT
    breaks = [e for e in r.events if e["start_s"] is not None]
    assert [b["label"] for b in breaks] == ["sag"]
    b = breaks[0]
    assert abs(b["start_s"] - 2.0) <= 3 * DT and abs(b["end_s"] - 3.5) <= 3 * DT  # smoothing blurs a step
    assert b["severity"] == "attention"  # 18 deg: not beyond 2 x tolerance
    assert abs(b["peak_value"] - 18.0) < 0.5
    assert abs(m["good_form_s"] - 120 * DT) <= 4 * DT
    assert abs(m["longest_good_streak_s"] - 2.0) <= 3 * DT
    sag = [f for f in r.findings if f.title.lower().startswith("hips sagged")]
    assert sag and "from 0:02 to 0:04" in sag[0].detail and "squeeze the glutes" in sag[0].detail


def test_slow_sag_shows_fatigue_trend() -> None:
    """The hips sink steadily from 0 to -16 deg over 20 s: the sag trend is positive and sag grows."""
    n = int(20 * FPS)
    bend = np.linspace(0.0, -16.0, n)
    r = plank_result(plank_sequence(bend, fps=FPS), SETTINGS)
    m = r.metrics
    growth = -expected_offset_cm(-16.0) * (20.0 - THRESHOLDS.settle_s) / 20.0
    assert m["sag_trend_cm_per_min"] > 0
    assert abs(m["sag_growth_cm"] - growth) < 0.15 * growth + 0.3
    assert any("sank" in f.title for f in r.findings)
    sag = [e for e in r.events if e.get("label") == "sag"]
    assert len(sag) == 1 and abs(sag[0]["start_s"] - 20.0 * 10.0 / 16.0) < 0.2  # crosses -10 deg at 12.5 s
    assert m["hip_sway_cm"] < 0.2  # a smooth drift is not sway


def test_sway_measures_the_oscillation_not_the_trend() -> None:
    t = np.arange(int(10 * FPS)) / FPS
    bend = 4.0 * np.sin(2 * np.pi * 1.0 * t)  # 1 Hz wobble, +-4 deg
    r = plank_result(plank_sequence(bend, fps=FPS), SETTINGS)
    amplitude_cm = expected_offset_cm(4.0)
    assert abs(r.metrics["hip_sway_cm"] - amplitude_cm / np.sqrt(2)) < 0.25 * amplitude_cm


def test_knee_plank_variant_and_line() -> None:
    seq = plank_sequence(np.full(120, 15.0), fps=FPS, variant="knee")
    r = plank_result(seq, SETTINGS)
    assert r.metrics["variant"] == "knee"
    assert r.metrics["body_line_distal"] == "knee"
    assert abs(r.metrics["mean_body_line_deg"] - 15.0) < 0.1
    assert abs(r.metrics["mean_hip_offset_cm"] - expected_offset_cm(15.0, knee_variant=True)) < 0.3
    progression = [f for f in r.findings if f.title == "Next step"]
    assert progression and "full plank" in progression[0].detail


def test_high_plank_variant() -> None:
    r = plank_result(plank_sequence(np.zeros(60), fps=FPS, variant="high"), SETTINGS)
    assert r.metrics["variant"] == "high"


@pytest.mark.parametrize("variant", ["side_left", "side_right"])
def test_side_plank_variant_and_hip_drop(variant: str) -> None:
    bend = _ramp((0, 0, 60), (-15, -15, 45), (0, 0, 60))
    r = plank_result(plank_sequence(bend, fps=FPS, variant=variant), SETTINGS)
    assert r.metrics["variant"] == variant
    drops = [e for e in r.events if e.get("label") == "hip_drop"]
    assert len(drops) == 1 and r.metrics["max_hip_drop_cm"] > 0
    assert any("McGill" in f.detail for f in r.findings)


def test_variant_override() -> None:
    seq = plank_sequence(np.zeros(60), fps=FPS)
    r = plank_result(seq, Settings.build(kind="plank", variant="high"))
    assert r.metrics["variant"] == "high" and r.metrics["variant_source"] == "override"


def test_camera_cut_is_not_a_form_break() -> None:
    """At frame 90 every landmark jumps (a zoom and a shift): the hold goes on, no break, two shots."""
    seq = plank_sequence(np.zeros(180), fps=FPS)
    centre = np.array([640.0, 360.0])
    seq.xy[90:] = (seq.xy[90:] - centre) * 1.35 + centre + np.array([-80.0, -60.0])
    r = plank_result(seq, SETTINGS)
    assert r.metrics["camera_cuts"] == 1
    assert abs(r.metrics["hold_s"] - 6.0) <= DT
    assert r.metrics["form_breaks"] == 0
    assert r.metrics["good_form_pct"] == 100.0
    assert [e["label"] for e in r.events].count("camera cut") == 1


def test_missing_ankles_fall_back_to_knees_with_a_note() -> None:
    seq = plank_sequence(np.full(90, 14.0), fps=FPS)
    for lm in (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX):
        seq.xy[:, lm] = np.nan
        seq.visibility[:, lm] = 0.0
    r = plank_result(seq, SETTINGS)
    assert r.metrics["body_line_distal"] == "knee"
    assert abs(r.metrics["mean_body_line_deg"] - 14.0) < 0.1  # straight legs: the knee is on the hip-ankle line
    assert any("knees" in note for note in r.reliability)


def test_landmarks_outside_the_frame_are_not_used() -> None:
    seq = plank_sequence(np.zeros(90), fps=FPS)
    seq.xy[:, L.LEFT_ANKLE] = (-200.0, 500.0)  # MediaPipe extrapolates cut-off feet
    seq.xy[:, L.RIGHT_ANKLE] = (-210.0, 505.0)
    r = plank_result(seq, SETTINGS)
    assert r.metrics["body_line_distal"] == "knee"


def test_photo_reports_the_line_without_hold_timing() -> None:
    r = plank_result(plank_sequence(np.array([45.0])), SETTINGS)
    m = r.metrics
    assert m["variant"] == "forearm"
    assert m["hold_s"] is None and m["good_form_s"] is None and m["hip_sway_cm"] is None
    assert abs(m["body_line_deg"] - 45.0) < 0.05 and m["hip_offset_cm"] > 0
    assert any("photo" in note for note in r.reliability)
    assert r.findings[0].title.endswith("pike (hips high)")


def test_standing_is_not_a_plank() -> None:
    with pytest.raises(ActivityNotFound, match="no plank found"):
        plank_result(standing_frames(60), SETTINGS)
    assert kp_recognise.recognition_score(standing_frames(60)) < 0.1
    assert kp_recognise.recognition_score(plank_sequence(np.zeros(90))) > 0.9


def test_standing_then_plank_recognised_and_timed() -> None:
    seq = concat(standing_frames(30), plank_sequence(np.zeros(90)))
    r = plank_result(seq, SETTINGS)
    assert abs(r.metrics["hold_s"] - 3.0) <= 2 * DT  # the one-frame jump is a cut-like transition


def _machine_holds(t: np.ndarray, in_position: np.ndarray) -> list[tuple[int, int]]:
    """Holds of the online state machine fed frames that are in position (entry and keep) or not."""
    machine = hold.HoldMachine(THRESHOLDS)
    for ti, ok in zip(t, in_position, strict=True):
        machine.push(hold.FrameJudgement(float(ti), 1.0 / FPS, bool(ok), bool(ok), False, False, False, {}, {}))
    return [(h.first, h.last) for h in machine.finish()]


def test_hold_state_machine_grace_time() -> None:
    """The hold state machine: a gap shorter than grace keeps one hold; a longer one splits it."""
    t = np.arange(300) / FPS
    entry = np.ones(300, bool)
    short_gap = entry.copy()
    short_gap[100 : 100 + int(THRESHOLDS.grace_s * FPS) - 3] = False
    assert _machine_holds(t, short_gap) == [(0, 299)]
    long_gap = entry.copy()
    long_gap[100 : 100 + int(THRESHOLDS.grace_s * FPS) + 3] = False
    assert _machine_holds(t, long_gap) == [(0, 99), (133, 299)]


def test_score_parts_and_references() -> None:
    parts = pm.plank_score(100.0, 0.0, 0.0, 0.0, THRESHOLDS)
    assert parts.total == 100.0
    parts = pm.plank_score(50.0, 1.5, 1.5, 2.5, THRESHOLDS)
    assert parts.form_time == 50.0 and parts.alignment == 50.0 and parts.steadiness == 50.0 and parts.fatigue == 50.0
    assert parts.total == 50.0
    photo = pm.plank_score(None, 0.5, None, None, THRESHOLDS)
    assert photo.alignment == pytest.approx(100 * (1 - 0.5 / 3), abs=0.1)
    assert pm.tolerance_units(np.array([-SAG_TOL, PIKE_TOL, 0.0]), THRESHOLDS).tolist() == [1.0, 1.0, 0.0]
    assert photo.total == photo.alignment
    for key in ("body_line_deg", "max_sag_cm", "max_pike_cm", "hip_sway_cm", "good_form_pct", "score"):
        assert REFERENCES[key].source and REFERENCES[key].convention


def test_overlay_draws_line_and_timer() -> None:
    from formcheck.overlay import Line
    from formcheck.render.draw import annotate

    bend = _ramp((0, 0, 60), (-25, -25, 30), (0, 0, 30))
    r = plank_result(plank_sequence(bend, fps=FPS), SETTINGS)
    drawing = r.overlay.drawing(75)
    line = next(s for s in drawing.shapes if isinstance(s, Line))
    assert line.role == "warning"  # 25 deg of sag, beyond 2 x the 10 deg tolerance
    texts = [t for t, _ in drawing.panel]
    assert texts[0] == "forearm plank" and any(t.startswith("HOLD 0:0") for t in texts) and "hips sagging" in texts
    assert [t for t, _ in r.overlay.drawing(20).panel][-1] == "good line"  # before the sag: good form
    image = np.zeros((360, 640, 3), np.uint8)
    out = annotate(image.copy(), drawing, 0.5)
    # the body line is drawn in red (a warning: 25 deg > 2 x 10 deg) at the hip
    hip = plank_sequence(np.array([-25.0])).midpoint(L.LEFT_HIP, L.RIGHT_HIP)[0] * 0.5
    patch = out[int(hip[1]) - 3 : int(hip[1]) + 4, int(hip[0]) - 3 : int(hip[0]) + 4].reshape(-1, 3)
    assert any((p[0] > 200 and p[1] < 100) for p in patch)
    assert not r.overlay.drawing(None).shapes


def test_time_format() -> None:
    assert pm.format_time(41.2) == "0:41" and pm.format_time(125.0) == "2:05"


def test_every_plank_threshold_has_its_reason() -> None:
    """Each field of PlankThresholds has a source in THRESHOLD_SOURCES, and no source names a
    threshold that is gone."""
    from dataclasses import fields

    from formcheck.kinds.plank.thresholds import THRESHOLD_SOURCES, PlankThresholds

    names = {f.name for f in fields(PlankThresholds)}
    assert names - set(THRESHOLD_SOURCES) == set()
    assert set(THRESHOLD_SOURCES) - names == set()
    assert all(len(text) > 40 for text in THRESHOLD_SOURCES.values())
