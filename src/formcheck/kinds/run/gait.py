"""Running and walking gait analysis from a cleaned PoseSequence (pixels, y down): view, setting,
gait type, per-step table and summaries (`analyse_gait`). Pure numpy; the parts live in their own
modules: signals (`gait_signals`), swap repair (`gait_swaps`), side-view events (`gait_events`),
rear/front-view steps (`gait_rear`), cadence (`cadence`), view and gait type (`gait_classify`),
per-frame series (`gait_series`), rear/front-view metrics (`running_rear`) and summaries
(`gait_summary`).

Every position is taken relative to the pelvis (hip centre) and scaled per frame from the leg length
in pixels, so where the runner is in the frame, and how far from the camera, does not matter.
Angle conventions are written next to each definition (the per-frame series: `gait_series`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...calibrate import SHANK_FRACTION, THIGH_FRACTION, TRUNK_FRACTION
from ...clean import near_side
from ...errors import ActivityNotFound, InsufficientData
from ...sequence import PoseSequence
from .cadence import CADENCE_CHECK_TOLERANCE, cadence_by_pass, cadence_from_steps, frontal_cadence
from .classify import (
    MIN_PERIODICITY,
    MIN_SEPARATION_AMPLITUDE,
    MIN_UPRIGHT_LEGS,
    classify_gait,
    detect_setting,
    detect_view,
    gait_periodicity,
    uprightness,
)
from .events import GaitEvent, Step, _time_at, build_steps, side_events
from .rear import FrontalDetection, detect_frontal, frontal_midstances, frontal_signals
from .rear_metrics import frontal_details, frontal_notes, frontal_rows
from .series import (
    _at,
    _r,
    far_leg_occluded,
    foot_angle_series,
    knee_flexion_series,
    shank_angle_series,
    trunk_lean_series,
)
from .signals import FEET, LEG_IDS, hip_centre, leg_signals, runs_of
from .summary import arm_swing, summarise
from .swaps import repair_swaps

#: Leg length (hip joint to ankle joint) as a fraction of stature (Winter 2009, see calibrate.py).
LEG_FRACTION = THIGH_FRACTION + SHANK_FRACTION
#: Above this share of frames with the far leg hidden, headline per-leg figures use the near leg.
NEAR_LEG_ONLY_OCCLUSION = 0.2
#: Steps needed for a result: two strides = four steps (five contacts).
MIN_STEPS = 4
#: Share of stance (from contact) searched for the peak stance knee flexion.
LOADING_SHARE = 0.6
#: Foot strike from the foot strike angle (contact minus flat-foot angle), after Altman & Davis 2012.
RFS_MIN_DEG = 8.0
FFS_MAX_DEG = -1.6
#: Plausible real-time cadence ranges (steps/min) for each gait; far below them a clip is almost
#: certainly slow motion (running cadences lie ~150-200 spm at endurance speeds, walking ~90-130).
MIN_RUNNING_CADENCE_SPM = 130.0
MIN_WALKING_CADENCE_SPM = 70.0
TYPICAL_CADENCE_SPM = {"running": 165.0, "walking": 110.0}
#: Below this frame rate, timing figures are coarse (one frame at 30 fps is ~13% of a contact).
LOW_FPS = 60.0


@dataclass
class GaitAnalysis:
    """Everything measured. steps: the per-step table (list of dicts, fixed key order); events:
    [(time_s, label, foot, kind)]; series: per-frame curves (T,); metrics: flat summary."""

    view: str
    gait: str
    setting: str
    facing: str
    near_side: str
    fps: float
    steps: list[dict[str, Any]]
    events: list[GaitEvent]
    metrics: dict[str, Any]
    series: dict[str, np.ndarray]
    reliability: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    slow_motion_factor: float | None = None
    occluded_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


# -- analysis ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GaitInputs:
    """seq: cleaned and smoothed; sharp: cleaned without smoothing (event refinement); raw: the
    model's output (visibility); view: 'auto' or forced; stature_cm; scale_assumed."""

    seq: PoseSequence
    sharp: PoseSequence
    raw: PoseSequence
    view: str = "auto"
    stature_cm: float = 170.0
    scale_assumed: bool = True


def analyse_gait(inputs: GaitInputs) -> GaitAnalysis:
    """The whole gait analysis. Raises ActivityNotFound (no cyclic leg motion) or InsufficientData
    (fewer than two strides)."""
    seq = inputs.seq
    if len(seq) < 8:
        raise ActivityNotFound(
            f"no running or walking found: this is a {'photo' if len(seq) == 1 else 'very short clip'}; "
            f"gait analysis needs a video of at least two strides (about 3 s), filmed from the side"
        )
    view = detect_view(seq) if inputs.view == "auto" else inputs.view
    per, fwd, leg_px = gait_periodicity(seq, view)
    if (
        per.amplitude < MIN_SEPARATION_AMPLITUDE[view]
        or per.strength < MIN_PERIODICITY
        or not np.isfinite(per.step_rows)
    ):
        raise ActivityNotFound(
            f"no running or walking found in this clip: the feet do not alternate back and forth "
            f"(foot separation range {per.amplitude:.2f} leg lengths, periodicity {per.strength:.2f}; a gait gives "
            f"> {MIN_SEPARATION_AMPLITUDE[view]} and > {MIN_PERIODICITY}); film at least two strides of running or walking, "
            f"whole body in view, or choose another analysis with `kind`"
        )
    upright = uprightness(seq, leg_px)
    if upright < MIN_UPRIGHT_LEGS:
        raise ActivityNotFound(
            f"no running or walking found in this clip: the body is not upright (ankles {upright:.2f} leg lengths "
            f"below the hips; standing or running gives about 0.9): this looks like a floor exercise; choose "
            f"another analysis with `kind`"
        )
    stride_rows = 2.0 * per.step_rows
    fixed, swapped = repair_swaps(seq, fwd, leg_px, stride_rows, view)
    sharp, _ = repair_swaps(inputs.sharp, fwd, leg_px, stride_rows, view)
    signals = leg_signals(fixed, fwd, leg_px)
    rate = 1.0 / float(np.median(np.diff(seq.timestamps_s)))
    frontal: FrontalDetection | None = None
    if view == "side":
        refine = max(2, int(round(0.02 * rate)))
        events = side_events(signals, seq.timestamps_s, per.step_rows, leg_signals(sharp, fwd, leg_px), refine)
        steps = build_steps(events, per.step_s)
        simple_spm, n_steps, _ = cadence_from_steps(steps)
        pelvis = frontal_signals(fixed, per.step_rows, inputs.raw.present)
        lows, _, highs, _ = frontal_midstances(pelvis, per.step_rows, view)
        est = cadence_by_pass(
            {
                "contacts": [e.time_s for e in events if e.kind == "contact"],
                "pelvis_lows": [_time_at(r, seq.timestamps_s) for r in lows],
                "pelvis_highs": [_time_at(r, seq.timestamps_s) for r in highs],
            },
            "contacts",
            per.step_s,
        )
    else:
        frontal = detect_frontal(fixed, per, view, inputs.raw.present)
        per = frontal.period if np.isfinite(frontal.period.step_rows) else per
        steps = []  # the side-view step loop below is skipped; rows come from `frontal_rows`
        events = frontal.events
        simple_spm, n_steps, _ = frontal_cadence(frontal)
        est = cadence_by_pass(
            {"pelvis_lows": [s.midstance.time_s for s in frontal.steps], "pelvis_highs": frontal.highs_s},
            "pelvis_lows",
            per.step_s,
        )
    cadence = est.cadence_spm
    if n_steps < MIN_STEPS and frontal is not None:
        duration_s = float(seq.timestamps_s[-1] - seq.timestamps_s[0])
        upright_s = float(np.isfinite(frontal.signals.size_px).sum() / rate)
        raise InsufficientData(
            f"fewer than two strides could be followed in this {view}-view clip: {n_steps} regular step(s) in a row "
            f"were found ({len(frontal.steps)} mid-stance instants: {frontal.sources['pelvis']} from the pelvis's "
            f"up-down motion, {frontal.sources['alternation']} more from the feet's alternation) in {duration_s:.1f} s, "
            f"of which the whole body was seen upright for {upright_s:.1f} s; gait analysis needs at least {MIN_STEPS} "
            f"steps in a row: film 5-10 s with the whole body in view, camera at hip height behind (or in front of) "
            f"the runner, ideally on a treadmill so the runner does not shrink into the distance, or film from the side"
        )
    if n_steps < MIN_STEPS:
        apparent = 60.0 / per.step_s
        gait_guess, _ = classify_gait([], knee_flexion_series(fixed), fixed)
        floor = MIN_RUNNING_CADENCE_SPM if gait_guess == "running" else MIN_WALKING_CADENCE_SPM
        slow = (
            f"; note: the legs cycle at about {apparent:.0f} steps/min at the file's frame rate, implausibly slow "
            f"for {gait_guess}: if this is a slow-motion clip, give the real capture rate with `capture_fps`"
            if apparent < floor
            else ""
        )
        raise InsufficientData(
            f"the clip is too short for two strides: {n_steps} complete step(s) were found "
            f"({sum(e.kind == 'contact' for e in events)} foot contacts in {seq.timestamps_s[-1] - seq.timestamps_s[0]:.1f} s); "
            f"gait analysis needs at least {MIN_STEPS} steps in a row: film 5-10 s of steady running or walking{slow}"
        )

    px_per_cm = leg_px / (LEG_FRACTION * inputs.stature_cm)
    if frontal is not None:
        # Rear/front view: scaled from the trunk length frame by frame (the legs bend and swing in
        # depth; a runner going away from the camera changes size quickly).
        px_per_cm = frontal.signals.size_px / (TRUNK_FRACTION * inputs.stature_cm)
    knee = knee_flexion_series(fixed)
    trunk = trunk_lean_series(fixed, fwd)
    foot = foot_angle_series(fixed, fwd)
    shank = shank_angle_series(fixed, fwd)
    hip = hip_centre(fixed)
    near = near_side(inputs.raw[inputs.raw.present]) if inputs.raw.present.any() else "right"
    occluded = far_leg_occluded(inputs.raw, near) if view == "side" else np.zeros(len(seq), dtype=bool)

    # Flat-foot reference for the strike angle: the median foot angle in mid stance.
    mids = []
    legs = {s.index: _contact_leg(signals, s, view) for s in steps}
    for s in steps:
        if s.toe_off is not None:
            a, b = s.contact.row, s.toe_off.row
            lo, hi = int(np.ceil(a + (b - a) / 3)), int(np.floor(a + 2 * (b - a) / 3))
            stance = _stance_series(foot, a, b, legs[s.index])
            mids.extend(stance[lo - int(np.floor(a)) : hi - int(np.floor(a)) + 1].tolist())
    flat_deg = float(np.nanmedian(mids)) if np.isfinite(mids).any() else 0.0

    rows: list[dict[str, Any]] = []
    for s in steps:
        rc = s.contact.row
        rt = s.toe_off.row if s.toe_off is not None else None
        leg = legs[s.index]
        ids = LEG_IDS[leg]
        scale = _at(px_per_cm, rc)
        over_px = (_at(fixed.xy[:, ids[2], 0], rc) - _at(hip[:, 0], rc)) * _at(fwd, rc)
        over_cm = over_px / scale if view == "side" else float("nan")
        peak = float("nan")
        if rt is not None:
            # Loading phase only (first LOADING_SHARE of stance): the peak of stance knee flexion
            # falls there in running; later the knee extends for push-off, and a toe-off found a
            # little late would otherwise add the swing leg's flexion.
            seg = _stance_series(knee, rc, rc + LOADING_SHARE * (rt - rc), leg)
            peak = float(np.nanmax(seg)) if np.isfinite(seg).any() else float("nan")
        fsa = _at(foot[leg], rc) - flat_deg
        end_row = None
        if s.next_contact_s is not None:
            end_row = float(np.interp(s.next_contact_s, seq.timestamps_s, np.arange(len(seq))))
        osc_cm = float("nan")
        if end_row is not None:
            a, b = int(np.floor(rc)), int(np.ceil(end_row))
            y = hip[a : b + 1, 1]
            if b - a >= 2 and np.isfinite(y).all():
                trend = np.linspace(y[0], y[-1], len(y))
                osc_cm = float((np.max(y - trend) - np.min(y - trend)) / scale)
        occl = bool(occluded[int(np.clip(round(rc), 0, len(seq) - 1))])
        rows.append(
            {
                "step": s.index,
                "foot": s.foot,
                "contact_s": _r(s.contact.time_s, 3),
                "toe_off_s": _r(s.toe_off.time_s, 3) if s.toe_off is not None else None,
                "contact_ms": _r(1000 * s.contact_s, 0) if s.contact_s is not None else None,
                "flight_ms": _r(1000 * max(0.0, s.flight_s), 0) if s.flight_s is not None else None,
                "double_support_ms": _r(1000 * max(0.0, -s.flight_s), 0) if s.flight_s is not None else None,
                "step_time_ms": _r(1000 * s.step_s, 0) if s.step_s is not None else None,
                "overstride_cm": _r(over_cm),
                "overstride_pct_leg": _r(100 * over_cm / (LEG_FRACTION * inputs.stature_cm)),
                "shank_angle_at_contact_deg": _r(_at(shank[leg], rc)) if view == "side" else None,
                "knee_flexion_contact_deg": _r(_at(knee[leg], rc)) if view == "side" else None,
                "knee_flexion_peak_deg": _r(peak) if view == "side" else None,
                "strike": _strike(fsa) if view == "side" else None,
                "foot_strike_angle_deg": _r(fsa) if view == "side" else None,
                "trunk_lean_deg": _r(float(np.nanmedian(trunk[int(rc) : int(end_row or rc) + 1])))
                if view == "side" and np.isfinite(trunk[int(rc) : int(end_row or rc) + 1]).any()
                else None,
                "vertical_oscillation_cm": _r(osc_cm),
                "leg_to_camera": (
                    ("near" if (s.foot == "R") == (near == "right") else "far") if view == "side" else None
                ),
                "far_leg_occluded": occl,
            }
        )
    if frontal is not None:
        rows = frontal_rows(frontal, fixed, px_per_cm, inputs.stature_cm)

    gait, evidence = classify_gait(rows, knee, fixed) if view == "side" else ("undetermined", {})
    near_foot = (
        ("R" if near == "right" else "L") if view == "side" and occluded.mean() > NEAR_LEG_ONLY_OCCLUSION else None
    )
    metrics = summarise(rows, cadence, view, near_foot)
    metrics.update(arm_swing(fixed, fwd) if view == "side" else {})
    if view == "side":
        metrics["trunk_lean_deg"] = _r(float(np.nanmedian(trunk)))
    metrics["cadence_spm"] = _r(cadence)
    metrics["steps_counted"] = n_steps
    metrics["gait"] = gait
    metrics["view"] = view
    metrics["fps_used"] = _r(rate, 2)

    reliability: list[str] = []
    slow_factor = None
    floor = MIN_RUNNING_CADENCE_SPM if gait == "running" else MIN_WALKING_CADENCE_SPM
    if np.isfinite(cadence) and cadence < floor:
        slow_factor = TYPICAL_CADENCE_SPM.get(gait, TYPICAL_CADENCE_SPM["walking"]) / cadence
        reliability.append(
            f"implausibly low cadence for {gait} ({cadence:.0f} steps/min at the file's {rate:.3g} fps): the clip "
            f"is probably slow motion (about {slow_factor:.1f}x); timing figures are withheld; give the real "
            f"capture rate with `capture_fps` (e.g. {_suggest_fps(rate * slow_factor):g})"
        )
        metrics["cadence_at_file_rate_spm"] = metrics.pop("cadence_spm")
        metrics["cadence_spm"] = None
        for key in list(metrics):
            if key.startswith(("step_time_ms", "contact_ms", "flight_ms", "double_support_ms")):
                metrics[key] = None
        for row in rows:
            for key in ("contact_ms", "flight_ms", "double_support_ms", "step_time_ms"):
                row[key] = None
    periodic_spm = 60.0 / per.step_s
    if np.isfinite(cadence) and abs(periodic_spm / cadence - 1) > CADENCE_CHECK_TOLERANCE:
        reliability.append(
            f"the cadence from the foot contacts ({cadence:.1f}) and from the legs' periodicity "
            f"({periodic_spm:.1f} steps/min at the file's frame rate) differ by more than "
            f"{CADENCE_CHECK_TOLERANCE:.0%}: some contacts were irregular or missed"
        )
    if rate < LOW_FPS:
        reliability.append(
            f"frame rate {rate:.0f} fps: one frame is {1000 / rate:.0f} ms, so contact, flight and "
            f"step times are low-confidence; film at 60 fps or more (120-240 fps for contact times)"
        )
    if view == "side":
        reliability.append(
            "contact and toe-off come from foot kinematics relative to the pelvis (heel most forward, "
            "toe most backward), moved to where the heel stops descending / the toe starts rising; "
            "with phone video expect contact and flight times to be off by a frame or two per step "
            "(read the medians, not single steps)"
        )
    if occluded.mean() > 0.05:
        reliability.append(
            f"the far leg was partly hidden in {occluded.mean():.0%} of frames: its positions there are "
            f"the model's guesses, so the far foot's figures are less certain"
            + ("; headline figures use the near leg's steps (both are in the steps table)" if near_foot else "")
        )
    if swapped.any():
        reliability.append(
            f"left/right leg labels were exchanged back in {int(swapped.sum())} frames "
            f"(the model confused the legs; repaired from the stride pattern)"
        )
    if frontal is not None:
        reliability.extend(frontal_notes(frontal, rate))
    if inputs.scale_assumed:
        reliability.append(
            f"distances in cm assume a stature of {inputs.stature_cm:.0f} cm: give the stature (`height_cm`) for "
            f"accurate overstride and oscillation"
        )

    setting, travel = detect_setting(fixed, leg_px)
    series = {
        "knee_flexion_left_deg": knee["L"],
        "knee_flexion_right_deg": knee["R"],
        "pelvis_height_cm": -(hip[:, 1] - np.nanmedian(hip[:, 1])) / px_per_cm,
    }
    if frontal is not None:
        # Perspective moves the whole runner in the image as the distance changes: the pelvis
        # oscillation around its own trend line is what is meaningful here.
        series["pelvis_height_cm"] = frontal.signals.pelvis * TRUNK_FRACTION * inputs.stature_cm
    details = {
        "view": view,
        "view_detected": inputs.view == "auto",
        "setting": setting,
        "travel_leg_lengths": round(travel, 2),
        "facing": ("right" if np.nanmedian(fwd) > 0 else "left")
        if view == "side"
        else ("away" if view == "rear" else "camera"),
        "near_side": near,
        "gait": gait,
        "gait_evidence": evidence,
        "fps_used": round(rate, 3),
        "step_period_s": round(per.step_s, 4),
        "periodicity": round(per.strength, 3),
        "cadence_from_periodicity_spm": round(periodic_spm, 1),
        "flat_foot_angle_deg": round(flat_deg, 1),
        "swap_repaired_frames": int(swapped.sum()),
        "far_leg_occluded_fraction": round(float(occluded.mean()), 3),
        "far_leg_occluded_intervals_s": [
            [round(float(seq.timestamps_s[a]), 3), round(float(seq.timestamps_s[b - 1]), 3)]
            for a, b in runs_of(occluded)
        ],
        "time_metrics_low_confidence": bool(rate < LOW_FPS or slow_factor is not None),
        "slow_motion_suspected": slow_factor is not None,
        "slow_motion_factor_estimate": _r(slow_factor, 1) if slow_factor else None,
    }
    details["passes"] = est.passes
    details["cadence_first_to_last_spm"] = _r(simple_spm)
    if frontal is not None:
        details.update(frontal_details(frontal, rate))
    return GaitAnalysis(
        view=view,
        gait=gait,
        setting=setting,
        facing=str(details["facing"]),
        near_side=near,
        fps=rate,
        steps=rows,
        events=events,
        metrics=metrics,
        series=series,
        reliability=reliability,
        details=details,
        slow_motion_factor=slow_factor,
        occluded_rows=occluded,
    )


def _contact_leg(signals: dict[str, dict[str, np.ndarray]], step: Step, view: str) -> str:
    """The leg whose landmarks describe a step's contact: in a side view the one whose heel is
    foremost at the contact (by position, so an unrepaired label swap cannot put the rear leg's
    angles in the table); else the step's foot."""
    if view != "side":
        return step.foot
    vals = {f: _at(signals[f]["heel_fwd"], step.contact.row) for f in FEET}
    if not all(np.isfinite(v) for v in vals.values()):
        return step.foot
    return max(vals, key=lambda f: vals[f])


def _stance_series(series: dict[str, np.ndarray], rc: float, rt: float, leg: str) -> np.ndarray:
    """Values of a per-foot series over a stance, rows floor(rc)..ceil(rt), from the contact leg.
    (Choosing the leg frame by frame by position was tried: where the legs cross in mid stance the
    pose noise then picks the swing leg's much larger knee flexion.)"""
    return series[leg][int(np.floor(rc)) : int(np.ceil(rt)) + 1]


def _suggest_fps(fps: float) -> float:
    """The common capture rate nearest to `fps` (phones film slow motion at 120 or 240 fps)."""
    options = np.array([60.0, 120.0, 240.0, 480.0, 960.0])
    return float(options[np.argmin(np.abs(np.log(options / max(fps, 1.0))))])


def _strike(fsa_deg: float) -> str | None:
    """Foot strike from the foot strike angle (deg, + = toes up relative to flat): Altman & Davis 2012
    thresholds: > 8 rearfoot, -1.6..8 midfoot, < -1.6 forefoot."""
    if not np.isfinite(fsa_deg):
        return None
    if fsa_deg > RFS_MIN_DEG:
        return "rearfoot"
    if fsa_deg < FFS_MAX_DEG:
        return "forefoot"
    return "midfoot"
