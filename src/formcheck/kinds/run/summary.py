"""Summary metrics of a gait: the per-step table summarised (median, IQR, left/right, asymmetry,
duty factor, foot strike) and the arm swing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...landmarks import Landmark as L
from ...metrics.geometry import angle_from_vertical_deg, joint_angle_deg
from ...numbers import rounded
from ...sequence import PoseSequence
from .rows import StepRow

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
    "trunk_lean_deg",
)
#: Columns whose left/right asymmetry is reported: |L - R| / mean(L, R) * 100.
ASYMMETRY = ("step_time_ms", "contact_ms", "knee_flexion_peak_deg", "overstride_cm", "pelvic_drop_deg")


def column_values(rows: Sequence[StepRow], key: str, foot: str | None = None) -> np.ndarray:
    """The finite values of one per-step column: of one foot's steps (`foot`), or of all steps."""
    vals = [r.get(key) for r in rows if r.get(key) is not None and (foot is None or r.foot == foot)]
    return np.array([float(v) for v in vals if isinstance(v, (int, float))], float)


def spread_of(values: np.ndarray) -> dict[str, float | int | None]:
    """median, first and third quartile, IQR and the number of steps of a column's values (JSON-ready)."""
    if not values.size:
        return {"median": None, "q1": None, "q3": None, "iqr": None, "steps": 0}
    q1, med, q3 = (float(np.percentile(values, q)) for q in (25, 50, 75))
    return {
        "median": rounded(med),
        "q1": rounded(q1),
        "q3": rounded(q3),
        "iqr": rounded(q3 - q1),
        "steps": int(values.size),
    }


def spreads(rows: Sequence[StepRow]) -> dict[str, dict[str, Any]]:
    """Per summarised column: its spread over the steps used for the headline (`spread_of`), and
    each foot's (`left`, `right`). Columns without values are left out."""
    out: dict[str, dict[str, Any]] = {}
    for key in SUMMARISED:
        both = column_values(rows, key)
        if not both.size:
            continue
        out[key] = spread_of(both) | {
            "left": spread_of(column_values(rows, key, foot="L")),
            "right": spread_of(column_values(rows, key, foot="R")),
        }
    return out


def sides_differ(spread: dict[str, Any]) -> bool:
    """Whether the left and right medians of a column differ by more than their spreads allow: the
    difference exceeds twice the standard error of the difference of two medians (each median's
    standard error ~ 1.253 sigma / sqrt(n), sigma ~ IQR / 1.349 for a normal spread), i.e. about
    95% confidence. Needs at least 3 steps a side."""
    left, right = spread.get("left") or {}, spread.get("right") or {}
    if (
        min(left.get("steps", 0), right.get("steps", 0)) < 3
        or left.get("median") is None
        or right.get("median") is None
    ):
        return False
    se = [median_standard_error(side["iqr"] or 0.0, side["steps"]) for side in (left, right)]
    return abs(left["median"] - right["median"]) > 2.0 * float(np.hypot(se[0], se[1]))


def median_standard_error(iqr: float, steps: int) -> float:
    """The standard error of a median of `steps` values whose IQR is `iqr` (same unit): ~1.253 sigma /
    sqrt(n), sigma ~ IQR / 1.349 for a normal spread."""
    return 1.253 * iqr / 1.349 / float(np.sqrt(max(steps, 1)))


def summarise(rows: Sequence[StepRow], cadence_spm: float, view: str) -> dict[str, Any]:
    """Metric name -> value: median of each per-step column, its IQR (`_iqr`), left and right
    medians (`_left`, `_right`), asymmetry (`_asymmetry_pct`), duty factor and foot strike; the
    step time is 60000 / cadence (the passes' fitted step time), its IQR that of the single steps.
    `rows`: the steps the headline uses (a side view's far-leg steps timed where that leg was
    hidden are left out before: `gait.steps_seen`)."""
    out: dict[str, Any] = {}
    for key in SUMMARISED:
        if key == "trunk_lean_deg":
            continue  # the headline is the median over frames (gait.py); its spread over steps is in `spreads`
        vals = column_values(rows, key)
        if not vals.size:
            continue
        out[key] = rounded(float(np.median(vals)))
        out[f"{key}_iqr"] = rounded(float(np.percentile(vals, 75) - np.percentile(vals, 25)))
        for foot, name in (("L", "left"), ("R", "right")):
            side = column_values(rows, key, foot=foot)
            out[f"{key}_{name}"] = rounded(float(np.median(side))) if side.size else None
        if key in ASYMMETRY and out.get(f"{key}_left") is not None and out.get(f"{key}_right") is not None:
            lv, rv = out[f"{key}_left"], out[f"{key}_right"]
            mean = (abs(lv) + abs(rv)) / 2
            out[f"{key}_asymmetry_pct"] = rounded(100 * abs(lv - rv) / mean) if mean > 0 else None
    if np.isfinite(cadence_spm) and cadence_spm > 0:
        # The step time of the fitted passes (what the cadence is), not the median of single steps:
        # one contact found a frame late lengthens one step and shortens the next.
        out["step_time_ms"] = rounded(60000.0 / cadence_spm)
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
