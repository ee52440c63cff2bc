"""Summary metrics of a gait: the per-step table summarised (median, IQR, left/right, asymmetry,
duty factor, foot strike) and the arm swing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...landmarks import Landmark as L
from ...metrics.geometry import angle_from_vertical_deg, joint_angle_deg
from ...sequence import PoseSequence
from .rows import StepRow
from .signals import rounded

#: Per-step columns summarised as metrics (median, IQR, left, right).
SUMMARISED = (
    "step_time_ms",
    "contact_ms",
    "flight_ms",
    "overstride_cm",
    "overstride_pct_leg",
    "shank_angle_at_contact_deg",
    "knee_flexion_contact_deg",
    "knee_flexion_peak_deg",
    "foot_strike_angle_deg",
    "vertical_oscillation_cm",
    "pelvic_drop_deg",
    "step_width_cm",
    "knee_frontal_angle_deg",
)
#: Columns whose left/right asymmetry is reported: |L - R| / mean(L, R) * 100.
ASYMMETRY = ("step_time_ms", "contact_ms", "knee_flexion_peak_deg", "overstride_cm", "pelvic_drop_deg")


def summarise(rows: Sequence[StepRow], cadence_spm: float, view: str, prefer_foot: str | None = None) -> dict[str, Any]:
    """Metric name -> value: median of each per-step column, its IQR (`_iqr`), left and right
    medians (`_left`, `_right`), asymmetry (`_asymmetry_pct`), duty factor and foot strike.

    prefer_foot: when given ('L'/'R', the leg nearer the camera), the headline median and IQR of
    the per-leg measures (all but step time) use that foot's steps if it has at least 3 values: the
    far leg's landmarks are guessed more often."""
    out: dict[str, Any] = {}
    for key in SUMMARISED:
        vals = np.array([r.get(key) for r in rows if r.get(key) is not None], float)
        if prefer_foot and key != "step_time_ms":
            near = np.array([r[key] for r in rows if r.get(key) is not None and r["foot"] == prefer_foot], float)
            if near.size >= 3:
                vals = near
        if not vals.size:
            continue
        out[key] = rounded(float(np.median(vals)))
        out[f"{key}_iqr"] = rounded(float(np.percentile(vals, 75) - np.percentile(vals, 25)))
        for foot, name in (("L", "left"), ("R", "right")):
            side = np.array([r[key] for r in rows if r.get(key) is not None and r["foot"] == foot], float)
            out[f"{key}_{name}"] = rounded(float(np.median(side))) if side.size else None
        if key in ASYMMETRY and out.get(f"{key}_left") is not None and out.get(f"{key}_right") is not None:
            lv, rv = out[f"{key}_left"], out[f"{key}_right"]
            mean = (abs(lv) + abs(rv)) / 2
            out[f"{key}_asymmetry_pct"] = rounded(100 * abs(lv - rv) / mean) if mean > 0 else None
    if out.get("contact_ms") is not None and out.get("step_time_ms"):
        out["duty_factor"] = rounded(out["contact_ms"] / (2 * out["step_time_ms"]), 3)
    strikes = [str(r.strike) for r in rows if r.strike]
    if strikes:
        labels, counts = np.unique(strikes, return_counts=True)
        out["foot_strike"] = str(labels[np.argmax(counts)])
        out["foot_strike_share"] = rounded(float(counts.max() / counts.sum()), 2)
    return out


def arm_swing(seq: PoseSequence, fwd: np.ndarray) -> dict[str, Any]:
    """elbow_angle_deg: median interior elbow angle (shoulder-elbow-wrist), 180 = straight arm;
    shoulder_swing_range_deg: 5-95th percentile range of the upper arm's angle from vertical
    (shoulder to elbow), the larger of the two arms; with left/right values."""
    out: dict[str, Any] = {}
    ranges = []
    for name, (s, e, w) in (
        ("left", (L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST)),
        ("right", (L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST)),
    ):
        elbow = joint_angle_deg(seq.xy[:, s], seq.xy[:, e], seq.xy[:, w])
        upper = angle_from_vertical_deg(seq.xy[:, e], seq.xy[:, s]) * fwd
        ok = np.isfinite(upper)
        rng = float(np.percentile(upper[ok], 95) - np.percentile(upper[ok], 5)) if ok.sum() > 4 else float("nan")
        out[f"elbow_angle_deg_{name}"] = rounded(float(np.nanmedian(elbow))) if np.isfinite(elbow).any() else None
        out[f"shoulder_swing_range_deg_{name}"] = rounded(rng)
        ranges.append(rng)
    elbows = [v for k, v in out.items() if k.startswith("elbow") and v is not None]
    out["elbow_angle_deg"] = rounded(float(np.median(elbows))) if elbows else None
    out["shoulder_swing_range_deg"] = rounded(float(np.nanmax(ranges))) if np.isfinite(ranges).any() else None
    return out
