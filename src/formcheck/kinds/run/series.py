"""Per-frame quantities of the gait analysis (angle conventions next to each definition)."""

from __future__ import annotations

import numpy as np

from ...landmarks import Landmark as L
from ...metrics.geometry import angle_from_vertical_deg, flexion_deg
from ...sequence import PoseSequence
from .signals import LEG_IDS, hip_centre
from .thresholds import OCCLUDED_VISIBILITY

# -- per-frame quantities ---------------------------------------------------------------------------


def knee_flexion_series(seq: PoseSequence) -> dict[str, np.ndarray]:
    """Knee flexion per foot, deg, 0 = straight, positive = bent (hip-knee-ankle)."""
    return {f: flexion_deg(seq.xy[:, ids[0]], seq.xy[:, ids[1]], seq.xy[:, ids[2]]) for f, ids in LEG_IDS.items()}


def trunk_lean_series(seq: PoseSequence, fwd: np.ndarray) -> np.ndarray:
    """Trunk lean, deg from vertical: hip centre to shoulder centre; positive = leaning forward
    (towards the direction of travel), 0 = upright."""
    return angle_from_vertical_deg(hip_centre(seq), seq.midpoint(L.LEFT_SHOULDER, L.RIGHT_SHOULDER)) * fwd


def foot_angle_series(seq: PoseSequence, fwd: np.ndarray) -> dict[str, np.ndarray]:
    """Foot angle per foot, deg from the image horizontal, heel to toe; positive = toes up
    (dorsiflexed foot, heel lower than the toes), along the direction of travel."""
    out = {}
    for f, ids in LEG_IDS.items():
        d = seq.xy[:, ids[4]] - seq.xy[:, ids[3]]
        out[f] = np.degrees(np.arctan2(-d[:, 1], d[:, 0] * fwd))
    return out


def shank_angle_series(seq: PoseSequence, fwd: np.ndarray) -> dict[str, np.ndarray]:
    """Shank angle per foot, deg from vertical (ankle to knee); positive = ankle ahead of the knee
    (shin inclined forward of vertical at landing, i.e. reaching out), 0 = vertical shin."""
    return {f: -angle_from_vertical_deg(seq.xy[:, ids[2]], seq.xy[:, ids[1]]) * fwd for f, ids in LEG_IDS.items()}


def far_leg_occluded(raw: PoseSequence, near: str) -> np.ndarray:
    """(T,) bool: frames where a far-leg landmark (knee, ankle, heel, toe) has raw visibility below
    OCCLUDED_VISIBILITY (its position is then an estimate)."""
    far = "L" if near == "right" else "R"
    ids = list(LEG_IDS[far][1:])
    return np.any(raw.visibility[:, ids] < OCCLUDED_VISIBILITY, axis=1) & raw.present
