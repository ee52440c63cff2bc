"""Does the clip look like a wall test? Standing upright and still, side-on (a front view scores
weakly, so that the analysis can explain the view instead of another analysis being picked)."""

from __future__ import annotations

import numpy as np

from ...analysis import AnalysisContext
from ...landmarks import Landmark as L
from ...metrics.geometry import flexion_deg, mean_of_present, nan_percentile
from ...sequence import PoseSequence
from . import geometry as W
from . import thresholds as R

# -- recognition -----------------------------------------------------------------------------------


def _ramp(value: float, good: float, bad: float) -> float:
    """1 at `good` or better, 0 at `bad` or worse, linear between (works for either direction)."""
    if not np.isfinite(value):
        return 0.0
    return float(np.clip((value - bad) / (good - bad), 0.0, 1.0))


def standing_scores(seq: PoseSequence, th: R.StandingRecognition = R.STANDING) -> dict[str, float]:
    """0-1 scores of how much the sequence looks like standing still, upright, side-on (the cues and
    their reasons: thresholds.StandingRecognition).

    upright: the trunk near vertical; legs: knees straight and feet well below the hips; still: the
    share of frames in which the hips and ankles hardly move (photos: 1); side: 1 side-on, lower for a
    front or rear view (see CAPTURE's width ratios).
    """
    s = seq[seq.present]
    if not len(s):
        return {"upright": 0.0, "legs": 0.0, "still": 0.0, "side": 0.0}
    upright = _ramp(W.trunk_from_vertical_deg(s.xy), th.trunk_good_deg, th.trunk_bad_deg)
    knees = np.concatenate(
        [
            flexion_deg(s.point(h), s.point(k), s.point(a))
            for h, k, a in ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE))
        ]
    )
    knee = float(np.median(knees[np.isfinite(knees)])) if np.isfinite(knees).any() else float("nan")
    hips = mean_of_present(s.point(L.LEFT_HIP), s.point(L.RIGHT_HIP))
    ankles = mean_of_present(s.point(L.LEFT_ANKLE), s.point(L.RIGHT_ANKLE))
    shoulders = mean_of_present(s.point(L.LEFT_SHOULDER), s.point(L.RIGHT_SHOULDER))
    with np.errstate(all="ignore"):
        ratio = (ankles[:, 1] - hips[:, 1]) / np.linalg.norm(shoulders - hips, axis=1)
    drop = float(np.median(ratio[np.isfinite(ratio)])) if np.isfinite(ratio).any() else float("nan")
    legs = _ramp(knee, th.knee_good_deg, th.knee_bad_deg) * _ramp(drop, th.drop_good_trunks, th.drop_bad_trunks)
    still = 1.0
    if len(s) > 2:
        body = nan_percentile(np.nanmax(s.xy[:, :, 1], axis=1) - np.nanmin(s.xy[:, :, 1], axis=1), 50)
        dt = np.diff(s.timestamps_s)
        speed = (
            np.fmax(np.linalg.norm(np.diff(hips, axis=0), axis=1), np.linalg.norm(np.diff(ankles, axis=0), axis=1))
            / dt
            / max(body, 1.0)
        )
        still_share = float(np.mean(speed < th.still_speed_heights_per_s))
        still = _ramp(still_share, th.still_share_good, th.still_share_bad)
    shoulder_ratio, hip_ratio = W.width_ratios(s.xy)
    side_on = shoulder_ratio <= R.CAPTURE.max_shoulder_width_ratio and hip_ratio <= R.CAPTURE.max_hip_width_ratio
    side = 1.0 if side_on else th.front_view_score
    return {"upright": upright, "legs": legs, "still": still, "side": side}


def recognise(ctx: AnalysisContext) -> float:
    """0-1: standing upright and still; side-on scores high, a front view only weakly."""
    scores = standing_scores(ctx.seq)
    return float(np.prod(list(scores.values())))
