"""What the clip shows: the view (side, rear or front), the setting (in place or overground),
whether there is a gait at all (`gait_score`) and whether it is walking or running.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...landmarks import Landmark as L
from ...metrics.geometry import joint_angle_deg
from ...sequence import PoseSequence
from .rear import frontal_period, frontal_signals
from .series import _r
from .signals import FEET, Periodicity, forward_sign, hip_centre, leg_length_px, leg_signals, step_periodicity

#: Shoulder width over torso length above which the view is frontal (rear or front), else side.
FRONTAL_SHOULDER_RATIO = 0.45
#: Hip-centre travel (in leg lengths) above which the runner crosses the frame (overground).
CROSSING_TRAVEL_LEGS = 1.5
#: A gait needs this much foot separation (leg lengths, robust range) and this periodicity.
MIN_SEPARATION_AMPLITUDE = {"side": 0.2, "rear": 0.08, "front": 0.08}
MIN_PERIODICITY = 0.3
#: Upright body: the ankles at least this many leg lengths below the hip centre (median); a plank
#: or a lying exercise has its feet level with the hips.
MIN_UPRIGHT_LEGS = 0.6
#: Gait type cues. Peak knee flexion in swing: running typically > 90 deg, walking ~60-70 deg
#: (Novacheck 1998, Gait Posture 7:77-95); elbow: runners hold it bent (~90 deg), walkers nearly
#: straight. A threshold between the two groups:
RUN_SWING_KNEE_DEG = 85.0
RUN_ELBOW_ANGLE_DEG = 125.0


# -- view, setting ----------------------------------------------------------------------------------


def detect_view(seq: PoseSequence) -> str:
    """'side', 'rear' or 'front' from the shoulders' width relative to the torso (narrow in a side
    view) and, when frontal, whether the person's left shoulder is on the image's left (rear)."""
    sh_w = np.abs(seq.xy[:, L.LEFT_SHOULDER, 0] - seq.xy[:, L.RIGHT_SHOULDER, 0])
    torso = np.linalg.norm(seq.midpoint(L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - hip_centre(seq), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.nanmedian(sh_w / torso) if np.isfinite(sh_w / torso).any() else np.nan
    if not np.isfinite(ratio) or ratio <= FRONTAL_SHOULDER_RATIO:
        return "side"
    dx = np.nanmedian(seq.xy[:, L.LEFT_SHOULDER, 0] - seq.xy[:, L.RIGHT_SHOULDER, 0])
    return "rear" if dx < 0 else "front"


def detect_setting(seq: PoseSequence, leg_px: np.ndarray) -> tuple[str, float]:
    """('overground', travel) when the hip centre travels more than CROSSING_TRAVEL_LEGS leg
    lengths across the frame, else ('in place', travel): a treadmill or a camera panning with
    the runner (the two look the same in the landmarks)."""
    hip_x = hip_centre(seq)[:, 0]
    ok = np.isfinite(hip_x) & np.isfinite(leg_px)
    if ok.sum() < 2:
        return "in place", 0.0
    travel = float((np.percentile(hip_x[ok], 98) - np.percentile(hip_x[ok], 2)) / np.nanmedian(leg_px[ok]))
    return ("overground" if travel > CROSSING_TRAVEL_LEGS else "in place"), travel


def gait_periodicity(seq: PoseSequence, view: str) -> tuple[Periodicity, np.ndarray, np.ndarray]:
    """(periodicity of the legs' alternation, forward sign (T,), leg length px (T,))."""
    fwd = forward_sign(seq) if view == "side" else np.ones(len(seq))
    leg_px = leg_length_px(seq)
    signals = leg_signals(seq, fwd, leg_px)
    return step_periodicity(signals, view, seq.timestamps_s), fwd, leg_px


def uprightness(seq: PoseSequence, leg_px: np.ndarray) -> float:
    """Median over frames of how far the ankles are below the hip centre, in leg lengths (about 0.9
    when upright, about 0 when lying or in a plank)."""
    hip_y = hip_centre(seq)[:, 1]
    ankle_y = seq.midpoint(L.LEFT_ANKLE, L.RIGHT_ANKLE)[:, 1]
    v = (ankle_y - hip_y) / leg_px
    return float(np.nanmedian(v)) if np.isfinite(v).any() else 0.0


def gait_score(seq: PoseSequence) -> float:
    """0-1: how much the clip shows cyclic, alternating leg motion (walking or running)."""
    if len(seq) < 8 or not seq.present.any():
        return 0.0
    view = detect_view(seq)
    per, _, leg_px = gait_periodicity(seq, view)
    if not np.isfinite(per.step_rows) or uprightness(seq, leg_px) < MIN_UPRIGHT_LEGS:
        return 0.0
    floor = MIN_SEPARATION_AMPLITUDE[view]
    amp = float(np.clip((per.amplitude - floor / 2) / (1.5 * floor), 0.0, 1.0))
    cycles = float(np.clip(len(seq) / per.step_rows / 3.0, 0.0, 1.0))
    strength = per.strength
    if view != "side":
        # From behind or in front, the pelvis's bounce and sway and the feet's alternation, scaled by
        # the trunk length, show the gait more clearly than the feet's separation alone (which a
        # runner going away from the camera shrinks).
        frontal, _ = frontal_period(frontal_signals(seq, per.step_rows), seq.timestamps_s)
        strength = max(strength, frontal.strength)
    periodic = float(np.clip((strength - 0.1) / 0.4, 0.0, 1.0))  # 0.1 -> 0, >= 0.5 -> 1
    return periodic * amp * cycles


def classify_gait(
    rows: list[dict[str, Any]], knee: dict[str, np.ndarray], seq: PoseSequence
) -> tuple[str, dict[str, Any]]:
    """'running' or 'walking' from three cues (votes): peak knee flexion in swing, elbow angle,
    and a flight phase (some steps with both feet off the ground)."""
    swing_peak = float(np.nanmedian([np.nanpercentile(knee[f], 95) for f in FEET if np.isfinite(knee[f]).any()]))
    elbows = [
        joint_angle_deg(seq.xy[:, s], seq.xy[:, e], seq.xy[:, w])
        for s, e, w in ((L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST), (L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST))
    ]
    elbow = float(np.nanmedian(np.concatenate(elbows)))
    flights = [r["flight_ms"] for r in rows if r["flight_ms"] is not None]
    doubles = [r["double_support_ms"] for r in rows if r["double_support_ms"] is not None]
    flight_share = float(np.mean([f > 0 for f in flights])) if flights else float("nan")
    votes = 0.0
    votes += 2.0 if swing_peak > RUN_SWING_KNEE_DEG else -2.0
    if np.isfinite(elbow):
        votes += 1.0 if elbow < RUN_ELBOW_ANGLE_DEG else -1.0
    if np.isfinite(flight_share):
        votes += 1.0 if flight_share > 0.5 else -1.0
    evidence = {
        "swing_knee_flexion_peak_deg": _r(swing_peak),
        "elbow_angle_deg": _r(elbow),
        "flight_step_share": _r(flight_share, 2),
        "median_double_support_ms": _r(float(np.median(doubles)), 0) if doubles else None,
        "votes": votes,
    }
    return ("running" if votes > 0 else "walking"), evidence
