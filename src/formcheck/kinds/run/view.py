"""What the clip shows, before any event is detected: the view (side, rear or front), the legs'
periodicity in that view, the setting (in place or overground), whether the body is upright, and
how much the clip looks like a gait at all (`gait_score`, for `kind = auto`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...landmarks import Landmark as L
from ...metrics.geometry import angle_from_vertical_deg
from ...sequence import PoseSequence
from .periodicity import Periodicity, step_periodicity
from .rear import frontal_periodicity
from .signals import forward_sign, frame_leg_length_px, hip_centre, leg_length_px, leg_signals
from .thresholds import (
    CROSSING_TRAVEL_LEGS,
    FRONTAL_SHOULDER_RATIO,
    LEG_SEEN_VISIBILITY,
    MAX_UPRIGHT_TRUNK_DEG,
    MIN_SEPARATION_AMPLITUDE,
    MIN_UPRIGHT_LEGS,
)


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


@dataclass(frozen=True)
class Uprightness:
    """trunk_deg: median angle of the trunk (hip centre to shoulder centre) from the image vertical,
    0 = upright, 90 = horizontal; lower_foot_legs: median over frames of how far the lower ankle
    (the one further down in the image: the stance foot) is below the hip centre, in leg lengths of
    the same frame (about 0.9 when standing or in stance, about 0 in a plank or lying). Neither
    depends on the stride length (the swing foot is left out), on where the camera is, on how fast
    the runner comes nearer or goes away, or on the clip's timing."""

    trunk_deg: float
    lower_foot_legs: float

    @property
    def upright(self) -> bool:
        return self.trunk_deg <= MAX_UPRIGHT_TRUNK_DEG and self.lower_foot_legs >= MIN_UPRIGHT_LEGS


def uprightness(seq: PoseSequence) -> Uprightness:
    """How upright the body is (see `Uprightness`); NaN-free: unseen counts as not upright. The leg
    length is each frame's own (`frame_leg_length_px`), not the running clip-wide one: a runner
    going away from a rear camera halves in size within a second or two, and a length taken over a
    window of seconds then read the stance ankle 0.56-0.66 leg lengths below the hips (the rear
    sample, played 1.5x: refused as a floor exercise)."""
    hip = hip_centre(seq)
    shoulders = seq.midpoint(L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    trunk = np.abs(angle_from_vertical_deg(hip, shoulders))
    lower = np.fmax(seq.xy[:, L.LEFT_ANKLE, 1], seq.xy[:, L.RIGHT_ANKLE, 1])
    below = (lower - hip[:, 1]) / frame_leg_length_px(seq)
    trunk_deg = float(np.nanmedian(trunk)) if np.isfinite(trunk).any() else 90.0
    lower_legs = float(np.nanmedian(below)) if np.isfinite(below).any() else 0.0
    return Uprightness(trunk_deg, lower_legs)


def gait_strength(seq: PoseSequence, per: Periodicity, view: str) -> float:
    """How cyclic the legs move (0-1): the feet's separation's periodicity; from behind or in front
    the stronger of it and the combined periodicity of the pelvis's bounce and sway and the feet's
    alternation, scaled by the trunk length (they show the gait more clearly than the feet's
    separation alone, which a runner going away from the camera shrinks). Recognition and the
    analysis use the same figure."""
    if view == "side" or not np.isfinite(per.step_rows):
        return per.strength
    _, frontal, _ = frontal_periodicity(seq, per.step_rows)
    return max(per.strength, frontal.strength)


def gait_score(seq: PoseSequence) -> float:
    """0-1: how much the clip shows cyclic, alternating leg motion (walking or running)."""
    if len(seq) < 8 or not seq.present.any():
        return 0.0
    view = detect_view(seq)
    per, _, _ = gait_periodicity(seq, view)
    if not np.isfinite(per.step_rows) or not uprightness(seq).upright:
        return 0.0
    floor = MIN_SEPARATION_AMPLITUDE[view]
    amp = float(np.clip((per.amplitude - floor / 2) / (1.5 * floor), 0.0, 1.0))
    cycles = float(np.clip(len(seq) / per.step_rows / 3.0, 0.0, 1.0))
    strength = gait_strength(seq, per, view)
    periodic = float(np.clip((strength - 0.1) / 0.4, 0.0, 1.0))  # 0.1 -> 0, >= 0.5 -> 1
    return periodic * amp * cycles


def legs_in_picture(raw: PoseSequence) -> float:
    """Share of the frames with a person in which at least one leg (hip, knee and ankle) was seen by
    the model (visibility >= 0.5: MediaPipe's visibility is the likelihood of a landmark being in
    the picture and not hidden). Low when the legs are cut off at the frame's edge, hidden, or shown
    elsewhere in an edited clip (a split screen): the model then guesses them outside the picture."""
    present = raw.present
    if not present.any():
        return 0.0
    seen = np.zeros(len(raw), dtype=bool)
    for ids in ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)):
        seen |= np.all(raw.visibility[:, list(ids)] >= LEG_SEEN_VISIBILITY, axis=1)
    return float(seen[present].mean())
