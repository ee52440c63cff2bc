"""What a camera turned from square-on does to the side view's figures. The runner's sagittal plane
(the plane of the run) is seen at `yaw` degrees: a distance along the run reads cos(yaw) of its
length, and an angle from the vertical in that plane reads atan(tan(angle) x cos(yaw)), smaller. The
turn is read from the pose model's 3D landmarks (`signals.body_yaw_deg`). A figure is marked when
its square-on value may differ from what the picture shows by more than the figure is promised to
hold between two recordings of the same run (thresholds.OBLIQUE_TOLERANCE).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .thresholds import MAX_OBLIQUE_YAW_DEG, OBLIQUE_TOLERANCE, OBLIQUE_VIEW_DEG

#: Side-view figures seen in the plane of the run: a distance along it, or an angle in it.
IN_RUN_PLANE = {
    "overstride_cm": "distance",
    "trunk_lean_deg": "angle",
    "shank_angle_at_contact_deg": "angle",
    "knee_flexion_contact_deg": "angle",
    "knee_flexion_peak_deg": "angle",
}


def square_on(metric: str, seen: float, yaw_deg: float) -> float:
    """The value of `metric` seen square-on, from `seen` (its unit) with the plane of the run turned
    `yaw_deg` (< 90) from the picture: a distance / cos(yaw); an angle atan(tan(angle) / cos(yaw)).
    A knee angle is taken as if one of its segments stayed vertical (an approximation: the thigh and
    the shank each shrink by their own angle from the vertical)."""
    c = float(np.cos(np.radians(min(yaw_deg, MAX_OBLIQUE_YAW_DEG))))
    if IN_RUN_PLANE[metric] == "distance":
        return seen / c
    return float(np.degrees(np.arctan(np.tan(np.radians(seen)) / c)))


def oblique_doubt(metric: str, seen: Any, yaw_deg: Any) -> str:
    """Why a side view's `metric` (value `seen`) is unreliable because the runner is turned from
    square-on ('' when it is not, or is not a figure in the plane of the run): the turn is past
    OBLIQUE_VIEW_DEG and the figure may read short by more than its OBLIQUE_TOLERANCE."""
    if metric not in IN_RUN_PLANE or not _is_number(seen) or not _is_number(yaw_deg) or yaw_deg <= OBLIQUE_VIEW_DEG:
        return ""
    seen = float(seen)
    truth = square_on(metric, abs(seen), float(yaw_deg))
    if truth - abs(seen) <= OBLIQUE_TOLERANCE[metric]:
        return ""
    what = (
        "a distance along the run reads"
        if IN_RUN_PLANE[metric] == "distance"
        else "an angle in the plane of the run reads"
    )
    unit = "cm" if IN_RUN_PLANE[metric] == "distance" else "deg"
    return (
        f"the runner is turned about {yaw_deg:.0f} deg from square-on to the camera, so {what} short: "
        f"{abs(seen):g} {unit} here would be about {truth:.3g} square-on, more than the "
        f"{OBLIQUE_TOLERANCE[metric]:g} {unit} it may move between two recordings of the same run"
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and bool(np.isfinite(value))
