"""A synthetic person holding a forearm plank, seen from the side: a chain of segments with
anthropometric lengths (fractions of stature, `calibrate`), so every angle and centimetre is known.

Conventions as in the plank analysis: `bend_deg` is the bend at the hip, + pike (hips above the
shoulder-ankle line), - sag. Pixels, y down; the head points to +x.
"""

from __future__ import annotations

import numpy as np

from ..calibrate import SHANK_FRACTION, THIGH_FRACTION, TRUNK_FRACTION
from ..landmarks import NUM_LANDMARKS
from ..landmarks import Landmark as L
from ..sequence import PoseSequence

FRAME_SIZE = (1280, 720)
STATURE_CM = 170.0
PX_PER_CM = 3.0
UPPER_ARM_FRACTION = 0.186
FOREARM_FRACTION = 0.146
FACE = ("NOSE", "LEFT_EYE", "RIGHT_EYE", "LEFT_EYE_INNER", "RIGHT_EYE_INNER", "LEFT_EYE_OUTER", "RIGHT_EYE_OUTER")
MOUTH = ("MOUTH_LEFT", "MOUTH_RIGHT")


def _unit(elevation_deg: np.ndarray) -> np.ndarray:
    """(T, 2) unit vectors at an elevation (deg, counter-clockwise on screen from +x; y down)."""
    e = np.radians(elevation_deg)
    return np.stack([np.cos(e), -np.sin(e)], axis=1)


def forearm_plank(
    bend_deg: np.ndarray, fps: float = 30.0, leg_elevation_deg: float = 12.0, noise_px: float = 0.0, seed: int = 0
) -> PoseSequence:
    """(T, 33) landmarks of a forearm plank whose hip bend follows `bend_deg` ((T,) deg), with
    Gaussian landmark noise of `noise_px`. Ankles on the floor at x = 250 px, floor at y = 620 px."""
    bend = np.asarray(bend_deg, float)
    n = bend.size
    h_px = STATURE_CM * PX_PER_CM
    trunk, thigh, shank = TRUNK_FRACTION * h_px, THIGH_FRACTION * h_px, SHANK_FRACTION * h_px
    upper_arm, forearm = UPPER_ARM_FRACTION * h_px, FOREARM_FRACTION * h_px
    legs = _unit(np.full(n, leg_elevation_deg))
    ankle = np.tile([250.0, 610.0], (n, 1))
    knee = ankle + legs * shank
    hip = knee + legs * thigh
    trunk_dir = _unit(leg_elevation_deg - bend)
    shoulder = hip + trunk_dir * trunk
    ear = shoulder + trunk_dir * 0.12 * h_px
    elbow = shoulder + np.array([0.0, upper_arm])
    wrist = elbow + np.array([forearm, 0.0])
    parts = {
        "SHOULDER": shoulder,
        "ELBOW": elbow,
        "WRIST": wrist,
        "HIP": hip,
        "KNEE": knee,
        "ANKLE": ankle,
        "HEEL": ankle + np.array([-15.0, 5.0]),
        "FOOT_INDEX": ankle + np.array([10.0, 10.0]),
        "EAR": ear,
    }
    xy = np.full((n, NUM_LANDMARKS, 2), np.nan)
    near = np.array([3.0, 0.0])  # the two sides a few pixels apart, as a side view shows them
    for name, p in parts.items():
        xy[:, L[f"LEFT_{name}"]] = p + near
        xy[:, L[f"RIGHT_{name}"]] = p - near
    face = ear + trunk_dir * 10.0 + np.array([0.0, 8.0])
    for name in FACE:
        xy[:, L[name]] = face
    for name in MOUTH:
        xy[:, L[name]] = face + np.array([0.0, 6.0])
    for name in ("PINKY", "INDEX", "THUMB"):
        for side in ("LEFT", "RIGHT"):
            xy[:, L[f"{side}_{name}"]] = xy[:, L[f"{side}_WRIST"]] + np.array([8.0, 0.0])
    if noise_px > 0:
        xy = xy + np.random.default_rng(seed).normal(0.0, noise_px, xy.shape)
    return PoseSequence(
        xy=xy,
        z=np.zeros((n, NUM_LANDMARKS)),
        visibility=np.full((n, NUM_LANDMARKS), 0.99),
        timestamps_s=np.arange(n) / fps,
        frame_size=FRAME_SIZE,
        fps=fps,
    )


def fading_hold(duration_s: float = 30.0, fps: float = 30.0, sag_from_s: float = 22.0, seed: int = 0) -> PoseSequence:
    """A forearm plank held `duration_s` with a slight hip rise (+4 deg) that fades into a sag of
    -16 deg from `sag_from_s` on (fatigue): the form break a coach would point out."""
    t = np.arange(int(round(duration_s * fps))) / fps
    bend = np.where(t < sag_from_s, 4.0, 4.0 - 20.0 * np.clip((t - sag_from_s) / 3.0, 0.0, 1.0))
    sway = 0.6 * np.sin(2 * np.pi * t / 3.7)  # slow breathing sway, deg
    return forearm_plank(bend + sway, fps=fps, noise_px=0.8, seed=seed)
