"""A PlankMeasurement as the analysis's result: metrics, events, series, details, findings, overlay."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.ndimage import minimum_filter1d

from ...analysis import JsonValue, KindResult, TableRow
from ...numbers import rounded
from . import body as pm
from .findings import findings_for
from .key_frames import hold_key_frames
from .measure import PlankMeasurement
from .overlay import PlankOverlay
from .settings import VARIANT_LABELS
from .thresholds import (
    REFERENCES,
    THRESHOLDS,
    PlankThresholds,
)

# ---------------------------------------------------------------------------------------------------
#: The keys of every event (None where not applicable): instants have time_s, intervals start_s/end_s.
EVENT_KEYS = (
    "label",
    "time_s",
    "start_s",
    "end_s",
    "severity",
    "peak_value",
    "peak_unit",
    "peak_time_s",
    "peak_cm",
    "peak_pct_trunk",
    "peak_phase_start_s",
    "peak_phase_end_s",
    "main_hold",
)
#: A break's peak phase: where the deviation stays at or above this fraction of its peak.
PEAK_PHASE_FRACTION = 0.75


def _hold_metrics(m: PlankMeasurement) -> dict[str, Any]:
    t = m.t
    hold = m.main_hold
    if m.is_photo or hold is None:
        return {
            "hold_s": None,
            "hold_start_s": None,
            "hold_end_s": None,
            "holds": None,
            "good_form_s": None,
            "good_form_pct": None,
            "longest_good_streak_s": None,
            "unjudged_s": None,
        }
    a, b = hold
    judged = m.in_hold & ~m.unjudged
    return {
        "hold_s": rounded(pm.span_s(t, a, b), 2),
        "hold_start_s": rounded(t[a], 2),
        "hold_end_s": rounded(t[b] + pm.frame_interval_s(t), 2),
        "holds": len(m.holds),
        "good_form_s": rounded(pm.time_s(t, m.good), 2),
        "good_form_pct": rounded(100.0 * pm.time_s(t, m.good) / pm.time_s(t, judged), 1) if judged.any() else None,
        "longest_good_streak_s": rounded(pm.longest_streak_s(t, m.good), 2),
        "unjudged_s": rounded(pm.time_s(t, m.unjudged), 2),
    }


def _line_metrics(m: PlankMeasurement) -> dict[str, Any]:
    judged = m.in_hold & ~m.unjudged & ~m.near_cut
    bl = m.line.body_line_deg[judged]
    off = m.offset_cm[judged]
    pct = m.offset_pct_trunk[judged]
    has = np.isfinite(bl).any()
    window = 1 if m.is_photo else max(1, int(round(THRESHOLDS.min_break_s / pm.frame_interval_s(m.t))))

    def nanmax0(x: np.ndarray) -> float | None:
        """Largest value held for min_break_s (the peak of a running minimum), at least 0."""
        x = x[np.isfinite(x)]
        if not x.size:
            return None
        held = minimum_filter1d(x, size=min(window, x.size), mode="nearest")
        return float(max(0.0, held.max()))

    f = m.frames
    stack = pm.shoulder_stack_deg(f, m.variant.variant, THRESHOLDS.bent_elbow_deg)
    out = {
        "mean_body_line_deg": rounded(np.nanmean(bl), 1) if has else None,
        "mean_abs_body_line_deg": rounded(np.nanmean(np.abs(bl)), 1) if has else None,
        "max_sag_deg": rounded(nanmax0(-bl), 1),
        "max_pike_deg": rounded(nanmax0(bl), 1),
        "mean_hip_offset_cm": rounded(np.nanmean(off), 1) if has else None,
        "max_sag_cm": rounded(nanmax0(-off), 1),
        "max_pike_cm": rounded(nanmax0(off), 1),
        "max_sag_pct_trunk": rounded(nanmax0(-pct), 1),
        "max_pike_pct_trunk": rounded(nanmax0(pct), 1),
        "shoulder_stack_deg": rounded(pm.median_over(stack, judged), 1),
        "neck_deg": rounded(pm.median_over(f.neck_deg, judged), 1),
        "knee_flexion_deg": rounded(pm.median_over(f.knee_flexion_deg, judged), 1),
    }
    if m.variant.variant in pm.SIDE_VARIANTS:
        out["max_hip_drop_cm"] = out["max_sag_cm"]
    return out


def _break_events(m: PlankMeasurement, th: PlankThresholds) -> list[dict[str, Any]]:
    t, dt = m.t, pm.frame_interval_s(m.t)
    events: list[dict[str, Any]] = []
    for name, spans in m.breaks.items():
        value = pm.fault_value(name, m.frames, m.line, m.variant.variant)
        for a, b in spans:
            seg = np.abs(value[a : b + 1])
            k = a + int(np.nanargmax(seg)) if np.isfinite(seg).any() else a
            peak = float(np.abs(value[k]))
            # Peak phase: the stretch around the peak where the fault stays >= PEAK_PHASE_FRACTION of it.
            strong = np.abs(value) >= PEAK_PHASE_FRACTION * peak
            p0, p1 = k, k
            while p0 - 1 >= a and strong[p0 - 1]:
                p0 -= 1
            while p1 + 1 <= b and strong[p1 + 1]:
                p1 += 1
            ev = {
                "start_s": rounded(t[a], 3),
                "end_s": rounded(t[b] + dt, 3),
                "label": name,
                "severity": pm.fault_severity(name, peak, th),
                "peak_value": rounded(peak, 1),
                "peak_unit": "deg",
                "peak_time_s": rounded(t[k], 3),
                "peak_phase_start_s": rounded(t[p0], 3),
                "peak_phase_end_s": rounded(t[p1] + dt, 3),
            }
            if name in pm.BODY_LINE_FAULTS:
                ev["peak_cm"] = rounded(abs(m.offset_cm[k]), 1)
                ev["peak_pct_trunk"] = rounded(abs(m.offset_pct_trunk[k]), 1)
            events.append(ev)
    return sorted(events, key=lambda e: e["start_s"])


def _events(m: PlankMeasurement, th: PlankThresholds) -> list[dict[str, Any]]:
    if m.is_photo:
        return []
    t, dt = m.t, pm.frame_interval_s(m.t)
    events: list[dict[str, Any]] = []
    for a, b in m.holds:
        main = bool(m.in_hold[a])
        events.append({"time_s": rounded(t[a], 3), "label": "hold start", "main_hold": main})
        events.append({"time_s": rounded(t[b] + dt, 3), "label": "hold end", "main_hold": main})
    events.extend(_break_events(m, th))
    for i in np.flatnonzero(m.cuts):
        events.append({"time_s": rounded(t[i], 3), "label": "camera cut"})
    # Every event has the same keys in the same order (CSV export takes its columns from the first row).
    uniform = [{k: e.get(k) for k in EVENT_KEYS} for e in events]
    return sorted(uniform, key=lambda e: e["start_s"] if e["start_s"] is not None else e["time_s"])


def _series(m: PlankMeasurement) -> dict[str, np.ndarray]:
    if m.is_photo:
        return {}
    # Order matters: chart code draws the first few curves.
    return {
        "body_line_deg": m.line.body_line_deg.copy(),
        "hip_offset_cm": m.offset_cm.copy(),
        "neck_deg": m.frames.neck_deg.copy(),
        "shoulder_stack_deg": pm.shoulder_stack_deg(m.frames, m.variant.variant, THRESHOLDS.bent_elbow_deg).copy(),
        "hip_offset_pct_trunk": m.offset_pct_trunk.copy(),
        "in_hold": m.in_hold.astype(float),
        "good_form": m.good.astype(float),
    }


def build_result(m: PlankMeasurement, th: PlankThresholds = THRESHOLDS) -> KindResult:
    """The KindResult of a measured plank."""
    metrics: dict[str, Any] = {"variant": m.variant.variant, "variant_source": m.variant.source}
    metrics.update(_hold_metrics(m))
    metrics.update(_line_metrics(m))
    if m.is_photo:
        metrics["body_line_deg"] = rounded(m.line.body_line_deg[0], 1)
        metrics["hip_offset_cm"] = rounded(m.offset_cm[0], 1)
        metrics["hip_offset_pct_trunk"] = rounded(m.offset_pct_trunk[0], 1)
    s = m.steadiness
    metrics.update(
        {
            "hip_sway_cm": rounded(s.hip_sway_cm, 2),
            "shaking_cm": rounded(s.shaking_cm, 2),
            "sag_trend_cm_per_min": rounded(s.sag_trend_cm_per_min, 2),
            "sag_growth_cm": rounded(s.sag_growth_cm, 2),
            "form_breaks": int(sum(len(v) for v in m.breaks.values())) if not m.is_photo else None,
            "camera_cuts": int(m.cuts.sum()),
            "score": m.score.total,
            "score_form_time": m.score.form_time,
            "score_alignment": m.score.alignment,
            "score_steadiness": m.score.steadiness,
            "score_fatigue": m.score.fatigue,
        }
    )
    uses_knee = m.line.uses_knee[m.in_hold & np.isfinite(m.line.body_line_deg)]
    metrics["body_line_distal"] = (
        ("knee" if uses_knee.all() else "ankle" if not uses_knee.any() else "ankle+knee") if uses_knee.size else None
    )
    events = _events(m, th)
    reliability = list(m.notes)
    if m.is_photo:
        reliability.append("photo: hold time, good-form time, sway and fatigue need a video (reported as null)")
    if m.variant.variant in pm.SIDE_VARIANTS:
        reliability.append(
            "side plank: the body line is judged in the image plane, so film it from the front "
            "(camera facing the chest) or from behind"
        )
    references = {k: v for k, v in REFERENCES.items() if k in metrics or k == "body_line_deg"}
    details: dict[str, JsonValue] = {
        "variant": m.variant.variant,
        "variant_label": VARIANT_LABELS[m.variant.variant],
        "variant_source": m.variant.source,
        "variant_evidence": {k: rounded(v, 2) for k, v in m.variant.evidence.items()},
        "holds": [
            {
                "start_s": rounded(m.t[a], 3),
                "end_s": rounded(m.t[b] + pm.frame_interval_s(m.t), 3),
                "first_frame": int(m.seq.frame_index[a]),
                "last_frame": int(m.seq.frame_index[b]),
            }
            for a, b in m.holds
        ]
        if not m.is_photo
        else [],
        "score_parts": m.score.to_json(),
        "score_weights": dict(pm.SCORE_WEIGHTS),
        "series_conventions": {
            "body_line_deg": "0 = straight; + pike (hips above the shoulder-ankle line), - sag",
            "hip_offset_cm": "hip distance from the shoulder-ankle line; + above (pike), - below (sag)",
            "neck_deg": "0 = ear in line with the trunk; + head up, - head dropped",
            "shoulder_stack_deg": "0 = shoulders over the support; + shoulders ahead toward the head",
        },
        "thresholds": dict(th.__dict__.items()),
        "stature_cm": m.stature_cm,
        "scale_assumed": m.scale_assumed,
    }
    return KindResult(
        kind="plank",
        metrics=metrics,
        references=references,
        findings=findings_for(m, metrics, events, th),
        events=[TableRow(e) for e in events],
        series=_series(m),
        details=details,
        reliability=reliability,
        overlay=PlankOverlay.from_measurement(m, th),
        key_frames=hold_key_frames(m, events, th),
    )
