"""The steps stage of a side view: the per-step table (`StepRow`s) from the steps and the per-frame
series: contact time, flight or double support, step time, overstride, shank angle, knee flexion at
contact and its peak in loading, foot strike, trunk lean and the pelvis's vertical oscillation.

Distances are scaled from the leg length in pixels (its fraction of stature, `calibrate`); angles
follow the conventions of `series`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...calibrate import SHANK_FRACTION, THIGH_FRACTION
from ...numbers import rounded
from ...sequence import PoseSequence
from .events import Step
from .rows import StepRow
from .signals import FEET, LEG_IDS, interp_at, step_excursion
from .thresholds import FFS_MAX_DEG, LOADING_SHARE, RFS_MIN_DEG

#: Leg length (hip joint to ankle joint) as a fraction of stature (Winter 2009, see calibrate.py).
LEG_FRACTION = THIGH_FRACTION + SHANK_FRACTION


@dataclass(frozen=True)
class SideSeries:
    """The per-frame inputs of the side-view table, each (T,) or per foot {'L', 'R'} -> (T,):
    knee flexion, trunk lean, foot angle and shank angle (deg, see `series`), the hip centre (T, 2)
    pixels, the scale (T,) pixels per cm, which foot was nearer the camera ('left'/'right') and
    the rows where the far leg was hidden."""

    knee: dict[str, np.ndarray]
    trunk: np.ndarray
    foot: dict[str, np.ndarray]
    shank: dict[str, np.ndarray]
    hip: np.ndarray
    px_per_cm: np.ndarray
    near: str
    occluded: np.ndarray


def contact_leg(signals: dict[str, dict[str, np.ndarray]], step: Step) -> str:
    """The leg whose landmarks describe a step's contact in a side view: the one whose heel is
    foremost at the contact (by position, so an unrepaired label swap cannot put the rear leg's
    angles in the table); the step's foot when either heel is missing."""
    vals = {f: interp_at(signals[f]["heel_fwd"], step.contact.row) for f in FEET}
    if not all(np.isfinite(v) for v in vals.values()):
        return step.foot
    return max(vals, key=lambda f: vals[f])


def stance_series(series: dict[str, np.ndarray], rc: float, rt: float, leg: str) -> np.ndarray:
    """Values of a per-foot series over a stance, rows floor(rc)..ceil(rt), from the contact leg.
    (Choosing the leg frame by frame by position was tried: where the legs cross in mid stance the
    pose noise then picks the swing leg's much larger knee flexion.)"""
    return series[leg][int(np.floor(rc)) : int(np.ceil(rt)) + 1]


def strike_type(fsa_deg: float) -> str | None:
    """Foot strike from the foot strike angle (deg, + = toes up relative to flat): Altman & Davis 2012
    thresholds: > 8 rearfoot, -1.6..8 midfoot, < -1.6 forefoot."""
    if not np.isfinite(fsa_deg):
        return None
    if fsa_deg > RFS_MIN_DEG:
        return "rearfoot"
    if fsa_deg < FFS_MAX_DEG:
        return "forefoot"
    return "midfoot"


def flat_foot_deg(steps: Sequence[Step], foot: dict[str, np.ndarray], legs: dict[int, str]) -> float:
    """The flat-foot reference of the strike angle: the median foot angle over the middle third of
    every stance with a toe-off (0 when none)."""
    mids: list[float] = []
    for s in steps:
        if s.toe_off is not None:
            a, b = s.contact.row, s.toe_off.row
            lo, hi = int(np.ceil(a + (b - a) / 3)), int(np.floor(a + 2 * (b - a) / 3))
            stance = stance_series(foot, a, b, legs[s.index])
            mids.extend(stance[lo - int(np.floor(a)) : hi - int(np.floor(a)) + 1].tolist())
    return float(np.nanmedian(mids)) if np.isfinite(mids).any() else 0.0


def side_rows(
    seq: PoseSequence,
    steps: Sequence[Step],
    signals: dict[str, dict[str, np.ndarray]],
    fwd: np.ndarray,
    series: SideSeries,
    stature_cm: float,
) -> tuple[list[StepRow], float]:
    """(the per-step table, the flat-foot angle in deg) of a side view. seq: the repaired sequence
    (pixels); signals: its leg signals; fwd: (T,) forward sign."""
    legs = {s.index: contact_leg(signals, s) for s in steps}
    flat_deg = flat_foot_deg(steps, series.foot, legs)
    rows: list[StepRow] = []
    for s in steps:
        rc = s.contact.row
        rt = s.toe_off.row if s.toe_off is not None else None
        leg = legs[s.index]
        ids = LEG_IDS[leg]
        scale = interp_at(series.px_per_cm, rc)
        over_px = (interp_at(seq.xy[:, ids[2], 0], rc) - interp_at(series.hip[:, 0], rc)) * interp_at(fwd, rc)
        over_cm = over_px / scale
        peak = float("nan")
        if rt is not None:
            # Loading phase only (first LOADING_SHARE of stance): the peak of stance knee flexion
            # falls there in running; later the knee extends for push-off, and a toe-off found a
            # little late would otherwise add the swing leg's flexion.
            seg = stance_series(series.knee, rc, rc + LOADING_SHARE * (rt - rc), leg)
            peak = float(np.nanmax(seg)) if np.isfinite(seg).any() else float("nan")
        fsa = interp_at(series.foot[leg], rc) - flat_deg
        end_row = None
        if s.next_contact_s is not None:
            end_row = float(np.interp(s.next_contact_s, seq.timestamps_s, np.arange(len(seq))))
        osc_cm = float("nan")
        if end_row is not None and s.next_contact_s is not None:
            a, b = int(np.floor(rc)), int(np.ceil(end_row))
            y = series.hip[a : b + 1, 1]
            if np.isfinite(y).all():
                osc_cm = step_excursion(seq.timestamps_s[a : b + 1], y, s.contact.time_s, s.next_contact_s) / scale
        lean = series.trunk[int(rc) : int(end_row or rc) + 1]
        rows.append(
            StepRow(
                step=s.index,
                foot=s.foot,
                contact_s=rounded(s.contact.time_s, 3),
                toe_off_s=rounded(s.toe_off.time_s, 3) if s.toe_off is not None else None,
                contact_ms=rounded(1000 * s.contact_s, 0) if s.contact_s is not None else None,
                flight_ms=rounded(1000 * max(0.0, s.flight_s), 0) if s.flight_s is not None else None,
                double_support_ms=rounded(1000 * max(0.0, -s.flight_s), 0) if s.flight_s is not None else None,
                step_time_ms=rounded(1000 * s.step_s, 0) if s.step_s is not None else None,
                overstride_cm=rounded(over_cm),
                overstride_pct_leg=rounded(100 * over_cm / (LEG_FRACTION * stature_cm)),
                shank_angle_at_contact_deg=rounded(interp_at(series.shank[leg], rc)),
                knee_flexion_contact_deg=rounded(interp_at(series.knee[leg], rc)),
                knee_flexion_peak_deg=rounded(peak),
                strike=strike_type(fsa),
                foot_strike_angle_deg=rounded(fsa),
                trunk_lean_deg=rounded(float(np.nanmedian(lean))) if np.isfinite(lean).any() else None,
                vertical_oscillation_cm=rounded(osc_cm),
                leg_to_camera="near" if (s.foot == "R") == (series.near == "right") else "far",
                far_leg_occluded=bool(series.occluded[int(np.clip(round(rc), 0, len(seq) - 1))]),
            )
        )
    return rows, flat_deg
