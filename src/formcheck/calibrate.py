"""Pixels to centimetres from the person's stature.

Segment lengths as fractions of stature H come from Drillis & Contini's anthropometric model as
tabulated by Winter (Biomechanics and Motor Control of Human Movement, 4th ed., 2009, fig. 4.1):
thigh (hip to knee) 0.245 H, shank (knee to ankle) 0.246 H, trunk (shoulder to hip joint) 0.288 H.
Foreshortening only shortens a segment in the image, so a high percentile over frames is used.

Each analysis takes its scale from what it sees best, always through these fractions and the
stature: the wall test from the body outline's height (the mask shows the whole body standing
straight), the plank from the segment lengths of each camera shot (`stature_px_from_segments`; a cut
may zoom), the gait frame by frame from the leg length (thigh + shank; the runner's distance changes).
"""

from __future__ import annotations

import numpy as np

from .landmarks import Landmark as L
from .sequence import PoseSequence

THIGH_FRACTION = 0.245
SHANK_FRACTION = 0.246
TRUNK_FRACTION = 0.288

SEGMENT_FRACTIONS = (
    ((L.LEFT_HIP, L.LEFT_KNEE), THIGH_FRACTION),
    ((L.RIGHT_HIP, L.RIGHT_KNEE), THIGH_FRACTION),
    ((L.LEFT_KNEE, L.LEFT_ANKLE), SHANK_FRACTION),
    ((L.RIGHT_KNEE, L.RIGHT_ANKLE), SHANK_FRACTION),
    ((L.LEFT_SHOULDER, L.LEFT_HIP), TRUNK_FRACTION),
    ((L.RIGHT_SHOULDER, L.RIGHT_HIP), TRUNK_FRACTION),
)


def stature_px_from_segments(seq: PoseSequence, percentile: float = 90.0) -> float:
    """Stature in pixels from thigh, shank and trunk lengths (per frame, then a high percentile)."""
    estimates = []
    for (a, b), fraction in SEGMENT_FRACTIONS:
        length = np.linalg.norm(seq.xy[:, a] - seq.xy[:, b], axis=1)
        estimates.append(length / fraction)
    per_frame = np.nanmedian(np.stack(estimates, axis=1), axis=1) if len(seq) else np.array([])
    per_frame = per_frame[np.isfinite(per_frame)]
    if not per_frame.size:
        return float("nan")
    return float(np.percentile(per_frame, percentile))
