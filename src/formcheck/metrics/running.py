"""Running and walking gait metrics from a cleaned PoseSequence (pixels, y down): view, setting,
gait type, per-step table and summaries. Pure numpy; events come from `gait_events`.

Every position is taken relative to the pelvis (hip centre) and scaled per frame from the leg length
in pixels, so where the runner is in the frame, and how far from the camera, does not matter.
Angle conventions are written next to each definition below.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..calibrate import SHANK_FRACTION, THIGH_FRACTION, TRUNK_FRACTION
from ..clean import near_side
from ..errors import ActivityNotFound, InsufficientData
from ..landmarks import Landmark as L
from ..sequence import PoseSequence
from . import gait_events as ge
from .geometry import angle_from_vertical_deg, flexion_deg, joint_angle_deg

#: Leg length (hip joint to ankle joint) as a fraction of stature (Winter 2009, see calibrate.py).
LEG_FRACTION = THIGH_FRACTION + SHANK_FRACTION
#: Shoulder width over torso length above which the view is frontal (rear or front), else side.
FRONTAL_SHOULDER_RATIO = 0.45
#: Hip-centre travel (in leg lengths) above which the runner crosses the frame (overground).
CROSSING_TRAVEL_LEGS = 1.5
#: Far-leg landmarks below this raw visibility count as occluded in that frame.
OCCLUDED_VISIBILITY = 0.5
#: A gait needs this much foot separation (leg lengths, robust range) and this periodicity.
MIN_SEPARATION_AMPLITUDE = {"side": 0.2, "rear": 0.08, "front": 0.08}
MIN_PERIODICITY = 0.3
#: Upright body: the ankles at least this many leg lengths below the hip centre (median); a plank
#: or a lying exercise has its feet level with the hips.
MIN_UPRIGHT_LEGS = 0.6
#: Above this share of frames with the far leg hidden, headline per-leg figures use the near leg.
NEAR_LEG_ONLY_OCCLUSION = 0.2
#: Steps needed for a result: two strides = four steps (five contacts).
MIN_STEPS = 4
#: Share of stance (from contact) searched for the peak stance knee flexion.
LOADING_SHARE = 0.6
#: Foot strike from the foot strike angle (contact minus flat-foot angle), after Altman & Davis 2012.
RFS_MIN_DEG = 8.0
FFS_MAX_DEG = -1.6
#: Gait type cues. Peak knee flexion in swing: running typically > 90 deg, walking ~60-70 deg
#: (Novacheck 1998, Gait Posture 7:77-95); elbow: runners hold it bent (~90 deg), walkers nearly
#: straight. A threshold between the two groups:
RUN_SWING_KNEE_DEG = 85.0
RUN_ELBOW_ANGLE_DEG = 125.0
#: Plausible real-time cadence ranges (steps/min) for each gait; far below them a clip is almost
#: certainly slow motion (running cadences lie ~150-200 spm at endurance speeds, walking ~90-130).
MIN_RUNNING_CADENCE_SPM = 130.0
MIN_WALKING_CADENCE_SPM = 70.0
TYPICAL_CADENCE_SPM = {"running": 165.0, "walking": 110.0}
#: Cadence from contacts and from the autocorrelation should agree within this share.
CADENCE_CHECK_TOLERANCE = 0.03
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
    events: list[ge.GaitEvent]
    metrics: dict[str, Any]
    series: dict[str, np.ndarray]
    reliability: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    slow_motion_factor: float | None = None
    occluded_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


# -- view, setting ----------------------------------------------------------------------------------

def detect_view(seq: PoseSequence) -> str:
    """'side', 'rear' or 'front' from the shoulders' width relative to the torso (narrow in a side
    view) and, when frontal, whether the person's left shoulder is on the image's left (rear)."""
    sh_w = np.abs(seq.xy[:, L.LEFT_SHOULDER, 0] - seq.xy[:, L.RIGHT_SHOULDER, 0])
    torso = np.linalg.norm(seq.midpoint(L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - ge.hip_centre(seq), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.nanmedian(sh_w / torso) if np.isfinite(sh_w / torso).any() else np.nan
    if not np.isfinite(ratio) or ratio <= FRONTAL_SHOULDER_RATIO:
        return "side"
    dx = np.nanmedian(seq.xy[:, L.LEFT_SHOULDER, 0] - seq.xy[:, L.RIGHT_SHOULDER, 0])
    return "rear" if dx < 0 else "front"


def detect_setting(seq: PoseSequence, leg_px: np.ndarray) -> tuple[str, float]:
    """('overground', travel) when the hip centre travels more than CROSSING_TRAVEL_LEGS leg
    lengths across the frame, else ('in place', travel): a treadmill or a camera panning with
    the runner (the two look the same in the landmarks)."""
    hip_x = ge.hip_centre(seq)[:, 0]
    ok = np.isfinite(hip_x) & np.isfinite(leg_px)
    if ok.sum() < 2:
        return "in place", 0.0
    travel = float((np.percentile(hip_x[ok], 98) - np.percentile(hip_x[ok], 2)) / np.nanmedian(leg_px[ok]))
    return ("overground" if travel > CROSSING_TRAVEL_LEGS else "in place"), travel


# -- per-frame quantities ---------------------------------------------------------------------------

def knee_flexion_series(seq: PoseSequence) -> dict[str, np.ndarray]:
    """Knee flexion per foot, deg, 0 = straight, positive = bent (hip-knee-ankle)."""
    return {f: flexion_deg(seq.xy[:, ids[0]], seq.xy[:, ids[1]], seq.xy[:, ids[2]]) for f, ids in ge.LEG_IDS.items()}


def trunk_lean_series(seq: PoseSequence, fwd: np.ndarray) -> np.ndarray:
    """Trunk lean, deg from vertical: hip centre to shoulder centre; positive = leaning forward
    (towards the direction of travel), 0 = upright."""
    return angle_from_vertical_deg(ge.hip_centre(seq), seq.midpoint(L.LEFT_SHOULDER, L.RIGHT_SHOULDER)) * fwd


def foot_angle_series(seq: PoseSequence, fwd: np.ndarray) -> dict[str, np.ndarray]:
    """Foot angle per foot, deg from the image horizontal, heel to toe; positive = toes up
    (dorsiflexed foot, heel lower than the toes), along the direction of travel."""
    out = {}
    for f, ids in ge.LEG_IDS.items():
        d = seq.xy[:, ids[4]] - seq.xy[:, ids[3]]
        out[f] = np.degrees(np.arctan2(-d[:, 1], d[:, 0] * fwd))
    return out


def shank_angle_series(seq: PoseSequence, fwd: np.ndarray) -> dict[str, np.ndarray]:
    """Shank angle per foot, deg from vertical (ankle to knee); positive = ankle ahead of the knee
    (shin inclined forward of vertical at landing, i.e. reaching out), 0 = vertical shin."""
    return {f: -angle_from_vertical_deg(seq.xy[:, ids[2]], seq.xy[:, ids[1]]) * fwd for f, ids in ge.LEG_IDS.items()}


def far_leg_occluded(raw: PoseSequence, near: str) -> np.ndarray:
    """(T,) bool: frames where a far-leg landmark (knee, ankle, heel, toe) has raw visibility below
    OCCLUDED_VISIBILITY (its position is then an estimate)."""
    far = "L" if near == "right" else "R"
    ids = list(ge.LEG_IDS[far][1:])
    return np.any(raw.visibility[:, ids] < OCCLUDED_VISIBILITY, axis=1) & raw.present


def _at(series: np.ndarray, row: float) -> float:
    """Value of a (T,) series at a fractional row (linear interpolation; NaN if a neighbour is NaN)."""
    i = int(np.floor(row))
    if i < 0 or i + 1 >= len(series):
        return float(series[min(max(i, 0), len(series) - 1)])
    w = row - i
    return float(series[i] * (1 - w) + series[i + 1] * w)


def _r(value: float | None, nd: int = 1) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), nd)


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


def gait_periodicity(seq: PoseSequence, view: str) -> tuple[ge.Periodicity, np.ndarray, np.ndarray]:
    """(periodicity of the legs' alternation, forward sign (T,), leg length px (T,))."""
    fwd = ge.forward_sign(seq) if view == "side" else np.ones(len(seq))
    leg_px = ge.leg_length_px(seq)
    signals = ge.leg_signals(seq, fwd, leg_px)
    return ge.step_periodicity(signals, view, seq.timestamps_s), fwd, leg_px


def uprightness(seq: PoseSequence, leg_px: np.ndarray) -> float:
    """Median over frames of how far the ankles are below the hip centre, in leg lengths (about 0.9
    when upright, about 0 when lying or in a plank)."""
    hip_y = ge.hip_centre(seq)[:, 1]
    ankle_y = seq.midpoint(L.LEFT_ANKLE, L.RIGHT_ANKLE)[:, 1]
    v = (ankle_y - hip_y) / leg_px
    return float(np.nanmedian(v)) if np.isfinite(v).any() else 0.0


def gait_score(seq: PoseSequence) -> float:
    """0-1: how much the clip shows cyclic, alternating leg motion (walking or running)."""
    if len(seq) < 8 or not seq.present.any():
        return 0.0
    view = detect_view(seq)
    per, _, leg_px = gait_periodicity(seq, view)
    if not np.isfinite(per.step_rows) or uprightness(seq, leg_px) < MIN_UPRIGHT_LEGS:
        return 0.0
    floor = MIN_SEPARATION_AMPLITUDE[view]
    amp = float(np.clip((per.amplitude - floor / 2) / (1.5 * floor), 0.0, 1.0))
    cycles = float(np.clip(len(seq) / per.step_rows / 3.0, 0.0, 1.0))
    strength = per.strength
    if view != "side":
        # From behind or in front, the pelvis's bounce and sway and the feet's alternation, scaled by
        # the trunk length, show the gait more clearly than the feet's separation alone (which a
        # runner going away from the camera shrinks).
        frontal, _ = ge.frontal_period(ge.frontal_signals(seq, per.step_rows), seq.timestamps_s)
        strength = max(strength, frontal.strength)
    periodic = float(np.clip((strength - 0.1) / 0.4, 0.0, 1.0))  # 0.1 -> 0, >= 0.5 -> 1
    return periodic * amp * cycles


def analyse_gait(inputs: GaitInputs) -> GaitAnalysis:
    """The whole gait analysis. Raises ActivityNotFound (no cyclic leg motion) or InsufficientData
    (fewer than two strides)."""
    seq = inputs.seq
    if len(seq) < 8:
        raise ActivityNotFound(f"no running or walking found: this is a {'photo' if len(seq) == 1 else 'very short clip'}; "
                               f"gait analysis needs a video of at least two strides (about 3 s), filmed from the side")
    view = detect_view(seq) if inputs.view == "auto" else inputs.view
    per, fwd, leg_px = gait_periodicity(seq, view)
    if per.amplitude < MIN_SEPARATION_AMPLITUDE[view] or per.strength < MIN_PERIODICITY or not np.isfinite(per.step_rows):
        raise ActivityNotFound(
            f"no running or walking found in this clip: the feet do not alternate back and forth "
            f"(foot separation range {per.amplitude:.2f} leg lengths, periodicity {per.strength:.2f}; a gait gives "
            f"> {MIN_SEPARATION_AMPLITUDE[view]} and > {MIN_PERIODICITY}); film at least two strides of running or walking, "
            f"whole body in view, or choose another analysis with --kind")
    upright = uprightness(seq, leg_px)
    if upright < MIN_UPRIGHT_LEGS:
        raise ActivityNotFound(
            f"no running or walking found in this clip: the body is not upright (ankles {upright:.2f} leg lengths "
            f"below the hips; standing or running gives about 0.9): this looks like a floor exercise; choose "
            f"another analysis with --kind")
    stride_rows = 2.0 * per.step_rows
    fixed, swapped = ge.repair_swaps(seq, fwd, leg_px, stride_rows, view)
    sharp, _ = ge.repair_swaps(inputs.sharp, fwd, leg_px, stride_rows, view)
    signals = ge.leg_signals(fixed, fwd, leg_px)
    rate = 1.0 / float(np.median(np.diff(seq.timestamps_s)))
    frontal: FrontalDetection | None = None
    if view == "side":
        refine = max(2, int(round(0.02 * rate)))
        events = ge.side_events(signals, seq.timestamps_s, per.step_rows, ge.leg_signals(sharp, fwd, leg_px), refine)
        steps = ge.build_steps(events, per.step_s)
        simple_spm, n_steps, _ = ge.cadence_from_steps(steps)
        pelvis = ge.frontal_signals(fixed, per.step_rows, inputs.raw.present)
        lows, _, highs, _ = ge.frontal_midstances(pelvis, per.step_rows, view)
        est = cadence_by_pass({"contacts": [e.time_s for e in events if e.kind == "contact"],
                               "pelvis_lows": [_time_at_row(r, seq.timestamps_s) for r in lows],
                               "pelvis_highs": [_time_at_row(r, seq.timestamps_s) for r in highs]},
                              "contacts", per.step_s)
    else:
        frontal = detect_frontal(fixed, per, view, inputs.raw.present)
        per = frontal.period if np.isfinite(frontal.period.step_rows) else per
        steps = []  # the side-view step loop below is skipped; rows come from `frontal_rows`
        events = frontal.events
        simple_spm, n_steps, _ = frontal_cadence(frontal)
        est = cadence_by_pass({"pelvis_lows": [s.midstance.time_s for s in frontal.steps],
                               "pelvis_highs": frontal.highs_s}, "pelvis_lows", per.step_s)
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
            f"the runner, ideally on a treadmill so the runner does not shrink into the distance, or film from the side")
    if n_steps < MIN_STEPS:
        apparent = 60.0 / per.step_s
        gait_guess, _ = classify_gait([], knee_flexion_series(fixed), fixed)
        floor = MIN_RUNNING_CADENCE_SPM if gait_guess == "running" else MIN_WALKING_CADENCE_SPM
        slow = (f"; note: the legs cycle at about {apparent:.0f} steps/min at the file's frame rate, implausibly slow "
                f"for {gait_guess}: if this is a slow-motion clip, give the real capture rate with --capture-fps"
                if apparent < floor else "")
        raise InsufficientData(
            f"the clip is too short for two strides: {n_steps} complete step(s) were found "
            f"({sum(e.kind == 'contact' for e in events)} foot contacts in {seq.timestamps_s[-1] - seq.timestamps_s[0]:.1f} s); "
            f"gait analysis needs at least {MIN_STEPS} steps in a row: film 5-10 s of steady running or walking{slow}")

    px_per_cm = leg_px / (LEG_FRACTION * inputs.stature_cm)
    if frontal is not None:
        # Rear/front view: scaled from the trunk length frame by frame (the legs bend and swing in
        # depth; a runner going away from the camera changes size quickly).
        px_per_cm = frontal.signals.size_px / (TRUNK_FRACTION * inputs.stature_cm)
    knee = knee_flexion_series(fixed)
    trunk = trunk_lean_series(fixed, fwd)
    foot = foot_angle_series(fixed, fwd)
    shank = shank_angle_series(fixed, fwd)
    hip = ge.hip_centre(fixed)
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
            mids.extend(stance[lo - int(np.floor(a)):hi - int(np.floor(a)) + 1].tolist())
    flat_deg = float(np.nanmedian(mids)) if np.isfinite(mids).any() else 0.0

    rows: list[dict[str, Any]] = []
    for s in steps:
        rc = s.contact.row
        rt = s.toe_off.row if s.toe_off is not None else None
        leg = legs[s.index]
        ids = ge.LEG_IDS[leg]
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
            y = hip[a:b + 1, 1]
            if b - a >= 2 and np.isfinite(y).all():
                trend = np.linspace(y[0], y[-1], len(y))
                osc_cm = float((np.max(y - trend) - np.min(y - trend)) / scale)
        occl = bool(occluded[int(np.clip(round(rc), 0, len(seq) - 1))])
        rows.append({
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
            "trunk_lean_deg": _r(float(np.nanmedian(trunk[int(rc):int(end_row or rc) + 1])))
            if view == "side" and np.isfinite(trunk[int(rc):int(end_row or rc) + 1]).any() else None,
            "vertical_oscillation_cm": _r(osc_cm),
            "leg_to_camera": (("near" if (s.foot == "R") == (near == "right") else "far") if view == "side" else None),
            "far_leg_occluded": occl,
        })
    if frontal is not None:
        rows = frontal_rows(frontal, fixed, px_per_cm, inputs.stature_cm)

    gait, evidence = classify_gait(rows, knee, fixed) if view == "side" else ("undetermined", {})
    near_foot = ("R" if near == "right" else "L") if view == "side" and occluded.mean() > NEAR_LEG_ONLY_OCCLUSION else None
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
            f"capture rate with --capture-fps (e.g. {_suggest_fps(rate * slow_factor):g})")
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
        reliability.append(f"the cadence from the foot contacts ({cadence:.1f}) and from the legs' periodicity "
                           f"({periodic_spm:.1f} steps/min at the file's frame rate) differ by more than "
                           f"{CADENCE_CHECK_TOLERANCE:.0%}: some contacts were irregular or missed")
    if rate < LOW_FPS:
        reliability.append(f"frame rate {rate:.0f} fps: one frame is {1000 / rate:.0f} ms, so contact, flight and "
                           f"step times are low-confidence; film at 60 fps or more (120-240 fps for contact times)")
    if view == "side":
        reliability.append("contact and toe-off come from foot kinematics relative to the pelvis (heel most forward, "
                           "toe most backward), moved to where the heel stops descending / the toe starts rising; "
                           "with phone video expect contact and flight times to be off by a frame or two per step "
                           "(read the medians, not single steps)")
    if occluded.mean() > 0.05:
        reliability.append(f"the far leg was partly hidden in {occluded.mean():.0%} of frames: its positions there are "
                           f"the model's guesses, so the far foot's figures are less certain"
                           + ("; headline figures use the near leg's steps (both are in the steps table)"
                              if near_foot else ""))
    if swapped.any():
        reliability.append(f"left/right leg labels were exchanged back in {int(swapped.sum())} frames "
                           f"(the model confused the legs; repaired from the stride pattern)")
    if frontal is not None:
        reliability.extend(frontal_notes(frontal, rate))
    if inputs.scale_assumed:
        reliability.append(f"distances in cm assume a stature of {inputs.stature_cm:.0f} cm: give --height for "
                           f"accurate overstride and oscillation")

    setting, travel = detect_setting(fixed, leg_px)
    series = {"knee_flexion_left_deg": knee["L"], "knee_flexion_right_deg": knee["R"],
              "pelvis_height_cm": -(hip[:, 1] - np.nanmedian(hip[:, 1])) / px_per_cm}
    if frontal is not None:
        # Perspective moves the whole runner in the image as the distance changes: the pelvis
        # oscillation around its own trend line is what is meaningful here.
        series["pelvis_height_cm"] = frontal.signals.pelvis * TRUNK_FRACTION * inputs.stature_cm
    details = {
        "view": view, "view_detected": inputs.view == "auto", "setting": setting, "travel_leg_lengths": round(travel, 2),
        "facing": ("right" if np.nanmedian(fwd) > 0 else "left") if view == "side" else ("away" if view == "rear" else "camera"),
        "near_side": near, "gait": gait, "gait_evidence": evidence, "fps_used": round(rate, 3),
        "step_period_s": round(per.step_s, 4), "periodicity": round(per.strength, 3),
        "cadence_from_periodicity_spm": round(periodic_spm, 1),
        "flat_foot_angle_deg": round(flat_deg, 1), "swap_repaired_frames": int(swapped.sum()),
        "far_leg_occluded_fraction": round(float(occluded.mean()), 3),
        "far_leg_occluded_intervals_s": [[round(float(seq.timestamps_s[a]), 3), round(float(seq.timestamps_s[b - 1]), 3)]
                                         for a, b in ge.runs_of(occluded)],
        "time_metrics_low_confidence": bool(rate < LOW_FPS or slow_factor is not None),
        "slow_motion_suspected": slow_factor is not None,
        "slow_motion_factor_estimate": _r(slow_factor, 1) if slow_factor else None,
    }
    details["passes"] = est.passes
    details["cadence_first_to_last_spm"] = _r(simple_spm)
    if frontal is not None:
        details.update(frontal_details(frontal, rate))
    return GaitAnalysis(view=view, gait=gait, setting=setting, facing=details["facing"], near_side=near, fps=rate,
                        steps=rows, events=events, metrics=metrics, series=series, reliability=reliability,
                        details=details, slow_motion_factor=slow_factor, occluded_rows=occluded)


def _contact_leg(signals: dict[str, dict[str, np.ndarray]], step: ge.Step, view: str) -> str:
    """The leg whose landmarks describe a step's contact: in a side view the one whose heel is
    foremost at the contact (by position, so an unrepaired label swap cannot put the rear leg's
    angles in the table); else the step's foot."""
    if view != "side":
        return step.foot
    vals = {f: _at(signals[f]["heel_fwd"], step.contact.row) for f in ge.FEET}
    if not all(np.isfinite(v) for v in vals.values()):
        return step.foot
    return max(vals, key=vals.get)


def _stance_series(series: dict[str, np.ndarray], rc: float, rt: float, leg: str) -> np.ndarray:
    """Values of a per-foot series over a stance, rows floor(rc)..ceil(rt), from the contact leg.
    (Choosing the leg frame by frame by position was tried: where the legs cross in mid stance the
    pose noise then picks the swing leg's much larger knee flexion.)"""
    return series[leg][int(np.floor(rc)):int(np.ceil(rt)) + 1]


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


def classify_gait(rows: list[dict[str, Any]], knee: dict[str, np.ndarray], seq: PoseSequence
                  ) -> tuple[str, dict[str, Any]]:
    """'running' or 'walking' from three cues (votes): peak knee flexion in swing, elbow angle,
    and a flight phase (some steps with both feet off the ground)."""
    swing_peak = float(np.nanmedian([np.nanpercentile(knee[f], 95) for f in ge.FEET if np.isfinite(knee[f]).any()]))
    elbows = [joint_angle_deg(seq.xy[:, s], seq.xy[:, e], seq.xy[:, w])
              for s, e, w in ((L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST), (L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST))]
    elbow = float(np.nanmedian(np.concatenate(elbows)))
    flights = [r["flight_ms"] for r in rows if r["flight_ms"] is not None]
    doubles = [r["double_support_ms"] for r in rows if r["double_support_ms"] is not None]
    flight_share = float(np.mean([f > 0 for f in flights])) if flights else float("nan")
    votes = 0.0
    votes += 2.0 if swing_peak > RUN_SWING_KNEE_DEG else -2.0
    if np.isfinite(elbow):
        votes += 1.0 if elbow < RUN_ELBOW_ANGLE_DEG else -1.0
    if np.isfinite(flight_share):
        votes += 1.0 if flight_share > 0.5 else -1.0
    evidence = {"swing_knee_flexion_peak_deg": _r(swing_peak), "elbow_angle_deg": _r(elbow),
                "flight_step_share": _r(flight_share, 2),
                "median_double_support_ms": _r(float(np.median(doubles)), 0) if doubles else None, "votes": votes}
    return ("running" if votes > 0 else "walking"), evidence


#: A pass's first and last step (entering or leaving the frame, starting or stopping at a turn) are
#: left out of its cadence when the pass spans at least this many steps.
STEADY_MIN_STEPS = 5
#: Within a pass, a clock whose cadence is further than this share from the clocks' median is left out.
CLOCK_AGREEMENT = 0.04
#: Instants within this many steps outside a pass's steady span belong to it (the pelvis's highest
#: point falls about half a step from a contact or a lowest point).
PASS_MARGIN_STEPS = 0.6


@dataclass(frozen=True)
class CadenceEstimate:
    """cadence_spm: steps/min (both feet), pooled over the passes and the clocks; steps: steps
    spanned by the primary clock's passes; passes: per pass, its span, steps and the cadence by
    each clock (JSON-ready)."""

    cadence_spm: float
    steps: int
    passes: list[dict[str, Any]]


def cadence_by_pass(clocks: dict[str, list[float]], primary: str, step_s: float) -> CadenceEstimate:
    """Cadence per pass of steady gait. `clocks`: name -> instants (s) that each mark every step
    (contacts, the pelvis's lowest points, its highest points); passes are found on the `primary`
    clock (split at pauses such as a turn, `ge.gait_passes`). Within each pass the steady part runs
    from one fitted step after its first primary instant to one before its last (when it spans at
    least STEADY_MIN_STEPS; else the whole pass), widened by PASS_MARGIN_STEPS; each clock's
    instants there are fitted by least squares (step time = slope of time against step number); a
    clock further than CLOCK_AGREEMENT from the clocks' median is left out, and the rest are combined
    by inverse-variance weighting (`ge.pooled_cadence`). Several independent clocks, and every
    instant rather than the first and the last, keep a few mis-placed instants from biasing it."""
    passes = ge.gait_passes(clocks[primary], step_s)
    fits: list[ge.GaitPass] = []
    table = []
    for p in passes:
        trim = p.step_s if p.steps >= STEADY_MIN_STEPS else 0.0
        a, b = p.start_s + trim - PASS_MARGIN_STEPS * p.step_s, p.end_s - trim + PASS_MARGIN_STEPS * p.step_s
        row: dict[str, Any] = {"start_s": round(p.start_s, 3), "end_s": round(p.end_s, 3), "steps": p.steps,
                               "steady_from_s": round(max(a, p.start_s), 3), "steady_to_s": round(min(b, p.end_s), 3)}
        by_clock = {name: ge.gait_passes([t for t in instants if a <= t <= b], step_s)
                    for name, instants in clocks.items()}
        by_clock = {name: sub for name, sub in by_clock.items() if sub}
        for name in clocks:
            row[f"cadence_{name}_spm"] = _r(ge.pooled_cadence(by_clock[name])[0]) if name in by_clock else None
        # Consensus: a clock that disagrees with the clocks' median by more than CLOCK_AGREEMENT is
        # left out (e.g. the pelvis's bounce blurred by glare, or contacts scattered by noisy feet).
        rates = {name: ge.pooled_cadence(sub)[0] for name, sub in by_clock.items()}
        median = float(np.median(list(rates.values()))) if rates else float("nan")
        agreeing = [name for name, v in rates.items() if abs(v / median - 1) <= CLOCK_AGREEMENT]
        row["clocks_used"] = agreeing
        pass_fits = [f for name in agreeing for f in by_clock[name]]
        row["cadence_spm"] = _r(ge.pooled_cadence(pass_fits)[0]) if pass_fits else None
        fits += pass_fits
        table.append(row)
    return CadenceEstimate(ge.pooled_cadence(fits)[0] if fits else float("nan"), sum(p.steps for p in passes), table)


def _time_at_row(row: float, timestamps_s: np.ndarray) -> float:
    return float(np.interp(row, np.arange(len(timestamps_s)), timestamps_s))


@dataclass(frozen=True)
class FrontalDetection:
    """Rear/front-view step detection: the signals, the combined period, each signal's own step
    period (rows), the steps, the events (mid stances, contacts, toe-offs, sorted), how many step
    instants came from each signal, and the camera roll estimate (deg, + = image right side lower)."""

    signals: ge.FrontalSignals
    period: ge.Periodicity
    own_rows: dict[str, float]
    steps: list[ge.FrontalStep]
    highs_s: list[float]
    highs_next_s: list[float | None]
    events: list[ge.GaitEvent]
    sources: dict[str, int]
    roll_deg: float
    view: str


def hip_line_deg(seq: PoseSequence) -> np.ndarray:
    """(T,) angle of the line from the image-left hip to the image-right hip, deg from the image
    horizontal; + = the image-right hip lower."""
    lh, rh = seq.xy[:, L.LEFT_HIP], seq.xy[:, L.RIGHT_HIP]
    left_first = lh[:, 0] <= rh[:, 0]
    a = np.where(left_first[:, None], lh, rh)
    b = np.where(left_first[:, None], rh, lh)
    return np.degrees(np.arctan2(b[:, 1] - a[:, 1], b[:, 0] - a[:, 0]))


def detect_frontal(seq: PoseSequence, per: ge.Periodicity, view: str, observed: np.ndarray | None = None
                   ) -> FrontalDetection:
    """Steps of a rear/front view (see gait_events' rear/front section). The signals are built with
    the separation-based period `per`, the period is re-estimated from the combined signals, and
    the signals are rebuilt once with it."""
    ts = seq.timestamps_s
    sig = ge.frontal_signals(seq, per.step_rows, observed)
    period, own = ge.frontal_period(sig, ts)
    if np.isfinite(period.step_rows):
        sig = ge.frontal_signals(seq, period.step_rows, observed)
        period, own = ge.frontal_period(sig, ts)
    step_rows = period.step_rows if np.isfinite(period.step_rows) else per.step_rows
    steps, highs, highs_next, sources = ge.frontal_steps(sig, ts, step_rows, view)
    events = [s.midstance for s in steps] + [e for s in steps for e in (s.contact, s.toe_off) if e is not None]
    line = hip_line_deg(seq)[np.isfinite(sig.size_px)]
    roll = float(np.nanmedian(line)) if np.isfinite(line).any() else 0.0
    return FrontalDetection(sig, period, own, steps, highs, highs_next, sorted(events, key=lambda e: e.time_s),
                            sources, roll, view)


def frontal_cadence(det: FrontalDetection) -> tuple[float, int, float]:
    """(cadence spm, steps, seconds) of a rear/front view: the pelvis's lowest points (mid stance)
    and its highest points each mark every step; steps / time over the regular runs of both series,
    pooled (two independent clocks halve the effect of one mis-placed extremum). The step count is
    the larger of the two series' counts (they overlap in time)."""
    c1, n1, s1 = ge.cadence_from_intervals([s.midstance.time_s for s in det.steps],
                                           [s.next_midstance_s for s in det.steps])
    c2, n2, s2 = ge.cadence_from_intervals(det.highs_s, det.highs_next_s)
    total_s = s1 + s2
    cadence = 60.0 * (n1 + n2) / total_s if total_s > 0 else float("nan")
    return cadence, max(n1, n2), max(s1, s2)


def frontal_rows(det: FrontalDetection, seq: PoseSequence, px_per_cm: np.ndarray, stature_cm: float
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
        mi = int(np.clip(round(m), 0, n - 1))
        nxt = det.steps[i + 1] if i + 1 < len(det.steps) else None
        flight = None
        if s.toe_off is not None and nxt is not None and nxt.contact is not None and s.next_midstance_s is not None:
            flight = nxt.contact.time_s - s.toe_off.time_s
        stance_ids, swing_ids = ge.LEG_IDS[s.foot], ge.LEG_IDS["R" if s.foot == "L" else "L"]
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
        observed = s.contact is not None and s.toe_off is not None
        a, b = (s.contact.row, s.toe_off.row) if observed else (m - quarter, m + quarter)
        a, b = max(0, int(np.ceil(a))), min(n - 1, int(np.floor(b)))
        h, k, an = (seq.xy[a:b + 1, stance_ids[j]] for j in (0, 1, 2))
        dev = 180.0 - joint_angle_deg(h, k, an)
        tproj = np.clip(np.sum((k - h) * (an - h), axis=1) / np.maximum(np.sum((an - h) ** 2, axis=1), 1e-9), 0, 1)
        foot_line = h + (an - h) * tproj[:, None]
        signed = dev * np.sign((foot_line[:, 0] - k[:, 0]) * outward)
        knee = float(np.nanmax(signed)) if np.isfinite(signed).any() else float("nan")
        osc = float("nan")
        if s.next_midstance_s is not None and nxt is not None:
            seg = sig.pelvis[int(np.floor(m)):int(np.ceil(nxt.midstance.row)) + 1]
            if seg.size >= 3 and np.isfinite(seg).all():
                osc = float(np.max(seg) - np.min(seg)) * trunk_cm
        rows.append({
            "step": s.index, "foot": s.foot,
            "contact_s": _r(s.contact.time_s, 3) if s.contact is not None else None,
            "toe_off_s": _r(s.toe_off.time_s, 3) if s.toe_off is not None else None,
            "contact_ms": _r(1000 * s.contact_s, 0) if s.contact_s is not None else None,
            "flight_ms": _r(1000 * max(0.0, flight), 0) if flight is not None else None,
            "double_support_ms": _r(1000 * max(0.0, -flight), 0) if flight is not None else None,
            "step_time_ms": _r(1000 * s.step_s, 0) if s.step_s is not None else None,
            "overstride_cm": None, "overstride_pct_leg": None, "shank_angle_at_contact_deg": None,
            "knee_flexion_contact_deg": None, "knee_flexion_peak_deg": None, "strike": None,
            "foot_strike_angle_deg": None, "trunk_lean_deg": None,
            "vertical_oscillation_cm": _r(osc),
            "leg_to_camera": None, "far_leg_occluded": False,
            "midstance_s": _r(s.midstance.time_s, 3),
            "pelvic_drop_deg": _r(drop) if np.isfinite(drop) else None,
            "step_width_cm": _r(width) if width is not None and np.isfinite(width) else None,
            "knee_frontal_angle_deg": _r(knee),
        })
    return rows


def frontal_scale_change(det: FrontalDetection) -> float:
    """How much the runner's size changed over the frames used (largest / smallest trunk length)."""
    size = det.signals.size_px[np.isfinite(det.signals.size_px)]
    return float(size.max() / size.min()) if size.size else 1.0


def frontal_notes(det: FrontalDetection, rate: float) -> list[str]:
    """Reliability notes for a rear/front view."""
    notes = [f"{det.view} view: steps come from the pelvis's up-down motion, the feet's alternating height and the "
             f"pelvis's sway, scaled by the trunk length frame by frame; each step is timed at about mid stance "
             f"(pelvis lowest), so cadence and step time are the figures to trust; contact and toe-off (from the "
             f"foot's height above the ground) are approximate, and pelvic drop, step width and knee collapse are "
             f"2D proxies (hip landmarks are joint centres, not the iliac crests)"]
    change = frontal_scale_change(det)
    if change > 1.3:
        notes.append(f"the runner's size in the image changed by a factor of {change:.1f} (moving away from or towards "
                     f"the camera): positions are scaled frame by frame from the trunk length, but the last, smallest "
                     f"frames carry a few pixels of foot motion only, and perspective from a low or near camera "
                     f"distorts the frontal angles; film behind a treadmill for these figures")
    own = {k: 60.0 * rate / v for k, v in det.own_rows.items() if np.isfinite(v)}
    if len(own) >= 2 and (max(own.values()) / min(own.values()) - 1) > CADENCE_CHECK_TOLERANCE:
        notes.append("the signals disagree on the step rate (" + ", ".join(f"{k} {v:.0f}" for k, v in own.items())
                     + " steps/min): the cadence is less certain")
    notes.append(f"cadence and all times assume the file's frame rate ({rate:.3g} fps) is the real capture rate: "
                 f"if the clip was rebuilt from images, re-timed or is slow motion, give --capture-fps")
    if abs(det.roll_deg) > 1.0:
        notes.append(f"the hip line was tilted by {det.roll_deg:+.1f} deg on average (camera roll or perspective): "
                     f"removed from the pelvic drop figures")
    return notes


def frontal_details(det: FrontalDetection, rate: float) -> dict[str, Any]:
    """JSON details of a rear/front-view detection."""
    return {
        "frontal_step_period_by_signal_spm": {k: (round(60.0 * rate / v, 1) if np.isfinite(v) else None)
                                               for k, v in det.own_rows.items()},
        "frontal_instants_from": dict(det.sources),
        "size_change_factor": round(frontal_scale_change(det), 2),
        "camera_roll_deg_estimate": round(det.roll_deg, 1),
        "frames_used": int(np.isfinite(det.signals.size_px).sum()),
    }


#: Per-step columns summarised as metrics (median, IQR, left, right).
SUMMARISED = ("step_time_ms", "contact_ms", "flight_ms", "overstride_cm", "overstride_pct_leg",
              "shank_angle_at_contact_deg", "knee_flexion_contact_deg", "knee_flexion_peak_deg",
              "foot_strike_angle_deg", "vertical_oscillation_cm", "pelvic_drop_deg", "step_width_cm",
              "knee_frontal_angle_deg")
#: Columns whose left/right asymmetry is reported: |L - R| / mean(L, R) * 100.
ASYMMETRY = ("step_time_ms", "contact_ms", "knee_flexion_peak_deg", "overstride_cm", "pelvic_drop_deg")


def summarise(rows: list[dict[str, Any]], cadence_spm: float, view: str, prefer_foot: str | None = None
              ) -> dict[str, Any]:
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
        out[key] = _r(float(np.median(vals)))
        out[f"{key}_iqr"] = _r(float(np.percentile(vals, 75) - np.percentile(vals, 25)))
        for foot, name in (("L", "left"), ("R", "right")):
            side = np.array([r[key] for r in rows if r.get(key) is not None and r["foot"] == foot], float)
            out[f"{key}_{name}"] = _r(float(np.median(side))) if side.size else None
        if key in ASYMMETRY and out.get(f"{key}_left") is not None and out.get(f"{key}_right") is not None:
            lv, rv = out[f"{key}_left"], out[f"{key}_right"]
            mean = (abs(lv) + abs(rv)) / 2
            out[f"{key}_asymmetry_pct"] = _r(100 * abs(lv - rv) / mean) if mean > 0 else None
    if out.get("contact_ms") is not None and out.get("step_time_ms"):
        out["duty_factor"] = _r(out["contact_ms"] / (2 * out["step_time_ms"]), 3)
    strikes = [r["strike"] for r in rows if r.get("strike")]
    if strikes:
        labels, counts = np.unique(strikes, return_counts=True)
        out["foot_strike"] = str(labels[np.argmax(counts)])
        out["foot_strike_share"] = _r(float(counts.max() / counts.sum()), 2)
    return out


def arm_swing(seq: PoseSequence, fwd: np.ndarray) -> dict[str, Any]:
    """elbow_angle_deg: median interior elbow angle (shoulder-elbow-wrist), 180 = straight arm;
    shoulder_swing_range_deg: 5-95th percentile range of the upper arm's angle from vertical
    (shoulder to elbow), the larger of the two arms; with left/right values."""
    out: dict[str, Any] = {}
    ranges = []
    for name, (s, e, w) in (("left", (L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST)),
                            ("right", (L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST))):
        elbow = joint_angle_deg(seq.xy[:, s], seq.xy[:, e], seq.xy[:, w])
        upper = angle_from_vertical_deg(seq.xy[:, e], seq.xy[:, s]) * fwd
        ok = np.isfinite(upper)
        rng = float(np.percentile(upper[ok], 95) - np.percentile(upper[ok], 5)) if ok.sum() > 4 else float("nan")
        out[f"elbow_angle_deg_{name}"] = _r(float(np.nanmedian(elbow))) if np.isfinite(elbow).any() else None
        out[f"shoulder_swing_range_deg_{name}"] = _r(rng)
        ranges.append(rng)
    elbows = [v for k, v in out.items() if k.startswith("elbow") and v is not None]
    out["elbow_angle_deg"] = _r(float(np.median(elbows))) if elbows else None
    out["shoulder_swing_range_deg"] = _r(float(np.nanmax(ranges))) if np.isfinite(ranges).any() else None
    return out
