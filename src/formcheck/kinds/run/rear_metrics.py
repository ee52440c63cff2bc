"""Rear/front-view metrics: the per-step table (pelvic drop, step width, knee collapse, vertical
oscillation, times at mid stance), its reliability notes and JSON details.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...calibrate import TRUNK_FRACTION
from ...metrics.geometry import joint_angle_deg
from ...sequence import PoseSequence
from .cadence import CADENCE_CHECK_TOLERANCE
from .rear import FrontalDetection
from .series import _at, _r
from .signals import LEG_IDS


def frontal_rows(
    det: FrontalDetection, seq: PoseSequence, px_per_cm: np.ndarray, stature_cm: float
) -> list[dict[str, Any]]:
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
    vertical_oscillation_cm: range of the pelvis's height around its trend from this mid stance to
    the next, cm (scaled from the trunk length)."""
    sig = det.signals
    n = len(seq)
    rows: list[dict[str, Any]] = []
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
        st_hip = np.array([_at(seq.xy[:, stance_ids[0], k], m) for k in (0, 1)])
        sw_hip = np.array([_at(seq.xy[:, swing_ids[0], k], m) for k in (0, 1)])
        drop = float(np.degrees(np.arctan2(sw_hip[1] - st_hip[1], abs(sw_hip[0] - st_hip[0]))))
        drop -= float(np.sign(sw_hip[0] - st_hip[0])) * det.roll_deg
        outward = float(np.sign(st_hip[0] - sw_hip[0]))  # image direction of the stance side
        lat = (_at(seq.xy[:, stance_ids[2], 0], m) - _at(sig.path_x, m)) * outward / _at(px_per_cm, m)
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
            seg = sig.pelvis[int(np.floor(m)) : int(np.ceil(nxt.midstance.row)) + 1]
            if seg.size >= 3 and np.isfinite(seg).all():
                osc = float(np.max(seg) - np.min(seg)) * trunk_cm
        rows.append(
            {
                "step": s.index,
                "foot": s.foot,
                "contact_s": _r(s.contact.time_s, 3) if s.contact is not None else None,
                "toe_off_s": _r(s.toe_off.time_s, 3) if s.toe_off is not None else None,
                "contact_ms": _r(1000 * s.contact_s, 0) if s.contact_s is not None else None,
                "flight_ms": _r(1000 * max(0.0, flight), 0) if flight is not None else None,
                "double_support_ms": _r(1000 * max(0.0, -flight), 0) if flight is not None else None,
                "step_time_ms": _r(1000 * s.step_s, 0) if s.step_s is not None else None,
                "overstride_cm": None,
                "overstride_pct_leg": None,
                "shank_angle_at_contact_deg": None,
                "knee_flexion_contact_deg": None,
                "knee_flexion_peak_deg": None,
                "strike": None,
                "foot_strike_angle_deg": None,
                "trunk_lean_deg": None,
                "vertical_oscillation_cm": _r(osc),
                "leg_to_camera": None,
                "far_leg_occluded": False,
                "midstance_s": _r(s.midstance.time_s, 3),
                "pelvic_drop_deg": _r(drop) if np.isfinite(drop) else None,
                "step_width_cm": _r(width) if width is not None and np.isfinite(width) else None,
                "knee_frontal_angle_deg": _r(knee),
            }
        )
    return rows


def frontal_scale_change(det: FrontalDetection) -> float:
    """How much the runner's size changed over the frames used (largest / smallest trunk length)."""
    size = det.signals.size_px[np.isfinite(det.signals.size_px)]
    return float(size.max() / size.min()) if size.size else 1.0


def frontal_notes(det: FrontalDetection, rate: float) -> list[str]:
    """Reliability notes for a rear/front view."""
    notes = [
        f"{det.view} view: steps come from the pelvis's up-down motion, the feet's alternating height and the "
        f"pelvis's sway, scaled by the trunk length frame by frame; each step is timed at about mid stance "
        f"(pelvis lowest), so cadence and step time are the figures to trust; contact and toe-off (from the "
        f"foot's height above the ground) are approximate, and pelvic drop, step width and knee collapse are "
        f"2D proxies (hip landmarks are joint centres, not the iliac crests)"
    ]
    change = frontal_scale_change(det)
    if change > 1.3:
        notes.append(
            f"the runner's size in the image changed by a factor of {change:.1f} (moving away from or towards "
            f"the camera): positions are scaled frame by frame from the trunk length, but the last, smallest "
            f"frames carry a few pixels of foot motion only, and perspective from a low or near camera "
            f"distorts the frontal angles; film behind a treadmill for these figures"
        )
    own = {k: 60.0 * rate / v for k, v in det.own_rows.items() if np.isfinite(v)}
    if len(own) >= 2 and (max(own.values()) / min(own.values()) - 1) > CADENCE_CHECK_TOLERANCE:
        notes.append(
            "the signals disagree on the step rate ("
            + ", ".join(f"{k} {v:.0f}" for k, v in own.items())
            + " steps/min): the cadence is less certain"
        )
    notes.append(
        f"cadence and all times assume the file's frame rate ({rate:.3g} fps) is the real capture rate: "
        f"if the clip was rebuilt from images, re-timed or is slow motion, give `capture_fps`"
    )
    if abs(det.roll_deg) > 1.0:
        notes.append(
            f"the hip line was tilted by {det.roll_deg:+.1f} deg on average (camera roll or perspective): "
            f"removed from the pelvic drop figures"
        )
    return notes


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
