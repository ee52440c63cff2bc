"""Walking or running, from the gait's cues (votes): peak knee flexion in swing, elbow angle and a
flight phase (steps with both feet off the ground)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...landmarks import Landmark as L
from ...metrics.geometry import joint_angle_deg
from ...sequence import PoseSequence
from .rows import StepRow
from .signals import FEET, rounded
from .thresholds import RUN_ELBOW_ANGLE_DEG, RUN_SWING_KNEE_DEG


def classify_gait(
    rows: Sequence[StepRow], knee: dict[str, np.ndarray], seq: PoseSequence
) -> tuple[str, dict[str, Any]]:
    """'running' or 'walking' from three cues (votes): peak knee flexion in swing, elbow angle,
    and a flight phase (some steps with both feet off the ground)."""
    swing_peak = float(np.nanmedian([np.nanpercentile(knee[f], 95) for f in FEET if np.isfinite(knee[f]).any()]))
    elbows = [
        joint_angle_deg(seq.xy[:, s], seq.xy[:, e], seq.xy[:, w])
        for s, e, w in ((L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST), (L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST))
    ]
    elbow = float(np.nanmedian(np.concatenate(elbows)))
    flights = [r.flight_ms for r in rows if r.flight_ms is not None]
    doubles = [r.double_support_ms for r in rows if r.double_support_ms is not None]
    flight_share = float(np.mean([f > 0 for f in flights])) if flights else float("nan")
    votes = 0.0
    votes += 2.0 if swing_peak > RUN_SWING_KNEE_DEG else -2.0
    if np.isfinite(elbow):
        votes += 1.0 if elbow < RUN_ELBOW_ANGLE_DEG else -1.0
    if np.isfinite(flight_share):
        votes += 1.0 if flight_share > 0.5 else -1.0
    evidence = {
        "swing_knee_flexion_peak_deg": rounded(swing_peak),
        "elbow_angle_deg": rounded(elbow),
        "flight_step_share": rounded(flight_share, 2),
        "median_double_support_ms": rounded(float(np.median(doubles)), 0) if doubles else None,
        "votes": votes,
    }
    return ("running" if votes > 0 else "walking"), evidence
