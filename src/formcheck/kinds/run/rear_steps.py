"""The steps stage of a rear/front view: the per-step table (pelvic drop, step width, knee collapse,
vertical oscillation, times at mid stance) and its JSON details.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...calibrate import TRUNK_FRACTION
from ...metrics.geometry import joint_angle_deg
from ...numbers import rounded
from ...sequence import PoseSequence
from .rear import FrontalDetection
from .rows import FrontalStepRow
from .signals import LEG_IDS, interp_at, step_excursion


def frontal_rows(
    det: FrontalDetection, seq: PoseSequence, px_per_cm: np.ndarray, stature_cm: float
) -> list[FrontalStepRow]:
    """The steps table of a rear/front view (same leading columns as the side view; side-only
    columns empty), with per step:

    midstance_s: the step's instant at about mid stance (pelvis lowest), s.
    pelvic_drop_deg: at mid stance, the swing-side hip's drop below the stance-side hip, deg from
    the image horizontal, after removing the clip's median hip-line tilt (camera roll and
    perspective); + = swing side lower (contralateral pelvic drop). A 2D proxy: MediaPipe's hip
    landmarks are joint centres, not the iliac crests.
    step_width_cm: lateral distance between this foot's ankle at its mid stance and the previous
    (other) foot's ankle at its mid stance, each measured from the pelvis's path (its trend line,
    so the sway does not count); negative = the feet cross the midline (crossover).
    knee_frontal_angle_deg: peak over the stance (contact to toe-off, else mid stance +- a quarter
    step) of 180 - hip-knee-ankle angle, + when the knee lies medial to the hip-ankle line (medial
    collapse proxy, 2D).
    vertical_oscillation_cm: peak-to-peak of the pelvis's height from this mid stance to the next
    (`signals.step_excursion`: a line and two harmonics of the step fitted), cm (scaled from the
    trunk length)."""
    sig = det.signals
    n = len(seq)
    rows: list[FrontalStepRow] = []
    lateral: dict[int, float] = {}
    trunk_cm = TRUNK_FRACTION * stature_cm
    quarter = 0.25 * det.period.step_rows if np.isfinite(det.period.step_rows) else 2.0
    for i, s in enumerate(det.steps):
        m = s.midstance.row
        nxt = det.steps[i + 1] if i + 1 < len(det.steps) else None
        flight = None
        if s.toe_off is not None and nxt is not None and nxt.contact is not None and s.next_midstance_s is not None:
            flight = nxt.contact.time_s - s.toe_off.time_s
        stance_ids, swing_ids = LEG_IDS[s.foot], LEG_IDS["R" if s.foot == "L" else "L"]
        st_hip = np.array([interp_at(seq.xy[:, stance_ids[0], k], m) for k in (0, 1)])
        sw_hip = np.array([interp_at(seq.xy[:, swing_ids[0], k], m) for k in (0, 1)])
        drop = float(np.degrees(np.arctan2(sw_hip[1] - st_hip[1], abs(sw_hip[0] - st_hip[0]))))
        drop -= float(np.sign(sw_hip[0] - st_hip[0])) * det.roll_deg
        outward = float(np.sign(st_hip[0] - sw_hip[0]))  # image direction of the stance side
        lat = (interp_at(seq.xy[:, stance_ids[2], 0], m) - interp_at(sig.path_x, m)) * outward / interp_at(px_per_cm, m)
        lateral[s.index] = lat
        width = None
        prev = det.steps[i - 1] if i > 0 else None
        if prev is not None and prev.foot != s.foot and prev.next_midstance_s is not None and prev.index in lateral:
            width = lat + lateral[prev.index]
        if s.contact is not None and s.toe_off is not None:
            a, b = s.contact.row, s.toe_off.row
        else:
            a, b = m - quarter, m + quarter
        a, b = max(0, int(np.ceil(a))), min(n - 1, int(np.floor(b)))
        h, k, an = (seq.xy[a : b + 1, stance_ids[j]] for j in (0, 1, 2))
        dev = 180.0 - joint_angle_deg(h, k, an)
        tproj = np.clip(np.sum((k - h) * (an - h), axis=1) / np.maximum(np.sum((an - h) ** 2, axis=1), 1e-9), 0, 1)
        foot_line = h + (an - h) * tproj[:, None]
        signed = dev * np.sign((foot_line[:, 0] - k[:, 0]) * outward)
        knee = float(np.nanmax(signed)) if np.isfinite(signed).any() else float("nan")
        osc = float("nan")
        if s.next_midstance_s is not None and nxt is not None:
            a, b = int(np.floor(m)), int(np.ceil(nxt.midstance.row))
            seg = sig.pelvis[a : b + 1]
            if np.isfinite(seg).all():
                t = seq.timestamps_s[a : b + 1]
                osc = step_excursion(t, seg, s.midstance.time_s, s.next_midstance_s) * trunk_cm
        rows.append(
            FrontalStepRow(
                step=s.index,
                foot=s.foot,
                contact_s=rounded(s.contact.time_s, 3) if s.contact is not None else None,
                toe_off_s=rounded(s.toe_off.time_s, 3) if s.toe_off is not None else None,
                contact_ms=rounded(1000 * s.contact_s, 0) if s.contact_s is not None else None,
                flight_ms=rounded(1000 * max(0.0, flight), 0) if flight is not None else None,
                double_support_ms=rounded(1000 * max(0.0, -flight), 0) if flight is not None else None,
                step_time_ms=rounded(1000 * s.step_s, 0) if s.step_s is not None else None,
                vertical_oscillation_cm=rounded(osc),
                midstance_s=rounded(s.midstance.time_s, 3),
                pelvic_drop_deg=rounded(drop) if np.isfinite(drop) else None,
                step_width_cm=rounded(width) if width is not None and np.isfinite(width) else None,
                knee_frontal_angle_deg=rounded(knee),
            )
        )
    return rows


def frontal_scale_change(det: FrontalDetection) -> float:
    """How much the runner's size changed over the frames used (largest / smallest trunk length)."""
    size = det.signals.size_px[np.isfinite(det.signals.size_px)]
    return float(size.max() / size.min()) if size.size else 1.0


def frontal_details(det: FrontalDetection, rate: float) -> dict[str, Any]:
    """JSON details of a rear/front-view detection."""
    return {
        "frontal_step_period_by_signal_spm": {
            k: (round(60.0 * rate / v, 1) if np.isfinite(v) else None) for k, v in det.own_rows.items()
        },
        "frontal_instants_from": dict(det.sources),
        "size_change_factor": round(frontal_scale_change(det), 2),
        "camera_roll_deg_estimate": round(det.roll_deg, 1),
        "frames_used": int(np.isfinite(det.signals.size_px).sum()),
    }
