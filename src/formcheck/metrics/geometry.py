"""Planar geometry on pixel tracks. Inputs are (..., 2) arrays in image pixels, x right, **y down**.

Angles are in degrees. NaN in, NaN out (no exceptions for missing points).
"""

from __future__ import annotations

import numpy as np


def mean_of_present(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise mean of two arrays of one shape (e.g. (T, 2) left and right landmarks), or
    whichever value is present where the other is NaN; NaN only where both are."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    with np.errstate(invalid="ignore"):
        both = (a + b) / 2.0
    return np.where(np.isnan(a), b, np.where(np.isnan(b), a, both))


def joint_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle at b between b->a and b->c, 0-180 deg (180 = a, b, c in a straight line)."""
    v1, v2 = np.asarray(a, float) - b, np.asarray(c, float) - b
    dot = np.sum(v1 * v2, axis=-1)
    norm = np.linalg.norm(v1, axis=-1) * np.linalg.norm(v2, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.degrees(np.arccos(np.clip(dot / norm, -1.0, 1.0)))


def flexion_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Flexion at b: 180 minus the joint angle, so 0 = straight (e.g. knee: hip, knee, ankle)."""
    return 180.0 - joint_angle_deg(a, b, c)


def angle_from_vertical_deg(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Signed angle of the segment lower->upper from straight up, deg.

    0 = vertical; positive when the upper end lies toward +x (image right) of the lower end,
    negative toward -x. Range -180..180.
    """
    d = np.asarray(upper, float) - lower
    return np.degrees(np.arctan2(d[..., 0], -d[..., 1]))


def rotate_points(points: np.ndarray, angle_deg: float, centre: np.ndarray) -> np.ndarray:
    """Rotate (..., 2) points by angle_deg counter-clockwise *on screen* about `centre`."""
    th = np.radians(angle_deg)
    c, s = np.cos(th), np.sin(th)
    d = np.asarray(points, float) - centre
    # On screen (y down) a counter-clockwise turn is x' = x c + y s, y' = -x s + y c.
    return np.stack([d[..., 0] * c + d[..., 1] * s, -d[..., 0] * s + d[..., 1] * c], axis=-1) + centre


def nan_percentile(values: np.ndarray, q: float) -> float:
    """Percentile of the finite values, NaN when there are none."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    return float(np.percentile(v, q)) if v.size else float("nan")
