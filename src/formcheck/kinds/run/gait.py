"""Running and walking gait analysis from a cleaned PoseSequence (pixels, y down), as stages:

1. periodicity and view (`view`, `periodicity`): the camera view, the legs' step period, upright;
2. swap repair (`swaps`): left/right leg labels the model exchanged, undone with the periodicity;
3. events (`events` side view, `rear` rear/front view): contacts, toe-offs, mid stances, steps;
4. cadence (`cadence`): per pass of steady gait, from several step clocks;
5. steps (`steps`, `rear_steps`): the per-step table (`rows.StepRow`);
6. summary (`summary`, `classify`): medians, spreads, left/right, gait type;
7. reliability (`reliability`): what to trust less, and the slow-motion check.

`analyse_gait` runs them in order and returns a `GaitAnalysis`. Pure numpy. Every position is taken
relative to the pelvis (hip centre) and scaled per frame from the leg length in pixels, so where the
runner is in the frame, and how far from the camera, does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ...analysis import JsonValue, MetricValue
from ...calibrate import TRUNK_FRACTION
from ...clean import near_side
from ...errors import ActivityNotFound, InsufficientData
from ...masks import true_runs
from ...numbers import rounded
from ...sequence import PoseSequence
from .cadence import CadenceEstimate, cadence_by_pass, cadence_from_steps, frontal_cadence
from .classify import body_cues, classify_gait, frontal_gait
from .events import GaitEvent, Step, ToeOffOwners, build_steps, side_events
from .mechanics import pelvis_mechanics
from .periodicity import Periodicity
from .rear import FrontalDetection, detect_frontal, frontal_midstances, frontal_signals
from .rear_steps import frontal_details, frontal_rows
from .reliability import (
    GaitFacts,
    capture_fps_for,
    gait_notes,
    gait_type_notes,
    segment_notes,
    slow_motion_factor,
    sped_up_factor,
    toe_off_coverage,
    toe_off_notes,
    withhold_timing,
)
from .rows import StepRow
from .segments import headline_segment, rows_in, segments
from .series import far_leg_occluded, foot_angle_series, knee_flexion_series, shank_angle_series, trunk_lean_series
from .signals import FEET, LEG_IDS, body_yaw_deg, hip_centre, leg_signals, time_at_row, travel_direction
from .steps import LEG_FRACTION, SideSeries, side_rows
from .summary import arm_swing, spreads, summarise
from .swaps import repair_swaps
from .thresholds import (
    LOW_FPS,
    MAX_UPRIGHT_TRUNK_DEG,
    MIN_LEGS_SEEN,
    MIN_PERIODICITY,
    MIN_RUNNING_CADENCE_SPM,
    MIN_SEPARATION_AMPLITUDE,
    MIN_STEPS,
    MIN_WALKING_CADENCE_SPM,
    REFINE_FIT_STEPS,
    REFINE_HALF_WINDOW_S,
    SEGMENT_MARGIN_STEPS,
)
from .view import detect_setting, detect_view, gait_periodicity, gait_strength, legs_in_picture, uprightness


@dataclass
class GaitAnalysis:
    """Everything measured. steps: the per-step table; events: contacts, toe-offs, mid stances;
    series: per-frame curves (T,); metrics: flat summary; details: JSON-ready extras."""

    view: str
    gait: str
    setting: str
    facing: str
    near_side: str
    fps: float
    steps: list[StepRow]
    events: list[GaitEvent]
    metrics: dict[str, MetricValue]
    series: dict[str, np.ndarray]
    reliability: list[str] = field(default_factory=list)
    details: dict[str, JsonValue] = field(default_factory=dict)
    slow_motion_factor: float | None = None
    sped_up_factor: float | None = None
    occluded_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


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
    gait: str = "auto"


@dataclass(frozen=True)
class Detected:
    """The events stage's output: steps (side view), events, the cadence estimate, the simple cadence
    (first to last contact), the steps counted and, rear/front view, the detection."""

    steps: list[Step]
    events: list[GaitEvent]
    estimate: CadenceEstimate
    simple_spm: float
    n_steps: int
    frontal: FrontalDetection | None
    period: Periodicity
    signals: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    owners: ToeOffOwners = field(default_factory=lambda: ToeOffOwners([], float("nan"), True, 0))


def check_length(seq: PoseSequence) -> None:
    """Raises ActivityNotFound for a photo or a clip of fewer than 8 frames."""
    if len(seq) < 8:
        raise ActivityNotFound(
            f"no running or walking found: this is a {'photo' if len(seq) == 1 else 'very short clip'}; "
            f"gait analysis needs a video of at least two strides (about 3 s), filmed from the side"
        )


def check_gait(
    seq: PoseSequence, raw: PoseSequence, view: str, gait: str
) -> tuple[Periodicity, np.ndarray, np.ndarray, list[str]]:
    """Stage 1: (periodicity, forward sign, leg length px, notes) of a clip that shows a gait in this
    view. Raises ActivityNotFound for a clip without alternating legs or a body that is not upright,
    unless the gait was set (`gait`): then the doubt becomes a note. Raises InsufficientData when the
    legs were not in the picture in at least MIN_LEGS_SEEN of the frames (whatever the setting)."""
    per, fwd, leg_px = gait_periodicity(seq, view)
    requested = gait in ("running", "walking")
    upright = uprightness(seq)
    seen = legs_in_picture(raw)
    if seen < MIN_LEGS_SEEN and (requested or upright.trunk_deg <= MAX_UPRIGHT_TRUNK_DEG):
        # An upright body whose legs are not in the picture: say that, not that there is no gait.
        raise legs_not_seen(seen)
    notes: list[str] = []
    if not np.isfinite(per.step_rows):
        raise (InsufficientData if requested else ActivityNotFound)(
            f"no running or walking found in this clip: the feet show no repeating step (periodicity "
            f"{per.strength:.2f}; both legs were seen for at most {longest_legs_seen_s(seq):.1f} s in a row); film at "
            f"least two strides (about 3 s at a run, 4 s walking), whole body in view"
            + ("" if requested else ", or choose another analysis with `kind`")
        )
    strength = gait_strength(seq, per, view)
    weak = per.amplitude < MIN_SEPARATION_AMPLITUDE[view] or strength < MIN_PERIODICITY
    if weak and not requested:
        raise ActivityNotFound(
            f"no running or walking found in this clip: the feet do not alternate back and forth "
            f"(foot separation range {per.amplitude:.2f} leg lengths, periodicity {strength:.2f}; a gait gives "
            f"> {MIN_SEPARATION_AMPLITUDE[view]} and > {MIN_PERIODICITY}); film at least two strides of running or walking, "
            f"whole body in view, or choose another analysis with `kind`; if it is a run or a walk (seen small, or "
            f"from behind), set `gait` to analyse it with that doubt noted"
        )
    if weak:
        notes.append(
            f"the feet's alternation is weak (foot separation range {per.amplitude:.2f} leg lengths, periodicity "
            f"{per.strength:.2f}; a clear gait gives > {MIN_SEPARATION_AMPLITUDE[view]} and > {MIN_PERIODICITY}): "
            f"analysed as {gait} because `gait` says so, but the steps are less certain"
        )
    if not upright.upright and not requested:
        raise ActivityNotFound(
            f"no running or walking found in this clip: the body is not upright (trunk {upright.trunk_deg:.0f} deg "
            f"from vertical, lower ankle {upright.lower_foot_legs:.2f} leg lengths below the hips; running or "
            f"walking gives under {MAX_UPRIGHT_TRUNK_DEG:.0f} deg and about 0.9): this looks like a floor exercise; "
            f"choose another analysis with `kind`, or set `gait` if this is a gait"
        )
    if not upright.upright:
        notes.append(
            f"the body looked less upright than in a gait (trunk {upright.trunk_deg:.0f} deg from vertical, lower "
            f"ankle {upright.lower_foot_legs:.2f} leg lengths below the hips): analysed as {gait} because `gait` "
            f"says so"
        )
    if seen < MIN_LEGS_SEEN:
        raise legs_not_seen(seen)
    return per, fwd, leg_px, notes


def longest_legs_seen_s(seq: PoseSequence) -> float:
    """The longest stretch of the clip (s) in which both legs' hip, knee and ankle were placed."""
    ids = [i for f in FEET for i in LEG_IDS[f][:3]]
    both = np.isfinite(seq.xy[:, ids, 0]).all(axis=1)
    runs = true_runs(both)
    if not runs:
        return 0.0
    ts = seq.timestamps_s
    return max(float(ts[stop - 1] - ts[start]) for start, stop in runs)


def legs_not_seen(seen: float) -> InsufficientData:
    """The error for a clip whose legs were in the picture in only `seen` of the frames."""
    return InsufficientData(
        f"the legs were out of the picture or hidden in {1 - seen:.0%} of the frames with a person (a leg's hip, "
        f"knee and ankle seen in only {seen:.0%}; at least {MIN_LEGS_SEEN:.0%} are needed): gait analysis needs "
        f"the whole body, head to feet, in one picture; an edited clip (a split screen, close-ups) cannot be "
        f"measured as one body"
    )


def detect_events(
    fixed: PoseSequence,
    sharp: PoseSequence,
    raw: PoseSequence,
    per: Periodicity,
    fwd: np.ndarray,
    leg_px: np.ndarray,
    view: str,
    prefer_flight: bool = True,
    backward: np.ndarray | None = None,
    vault: bool = False,
) -> Detected:
    """Stages 3-4: events, steps and cadence of the repaired sequence `fixed` (and its unsmoothed
    copy `sharp`) in this view; `prefer_flight`: whether toe-offs end the last contact's stance when
    their timing does not decide (see `events.toe_off_owners`); backward: (T,) bool, the rows where the
    gait goes backwards (`backward_gait`), whose toe-offs do not vote for the gait; vault: (rear/front
    view) a walker's steps, timed at the pelvis's highest points (`rear.frontal_midstances`)."""
    ts = fixed.timestamps_s
    rate = 1.0 / float(np.median(np.diff(ts)))
    if view == "side":
        refine = max(2, int(round(REFINE_HALF_WINDOW_S * rate)))
        fit = max(2, int(round(REFINE_FIT_STEPS * per.step_rows)))
        signals = leg_signals(fixed, fwd, leg_px)
        pelvis = frontal_signals(fixed, per.step_rows, raw.present)
        mechanics = pelvis_mechanics({f: signals[f]["ankle_fwd"] for f in FEET}, pelvis.pelvis, per.step_rows)
        events, owners = side_events(
            signals,
            ts,
            per.step_rows,
            leg_signals(sharp, fwd, leg_px),
            refine,
            fit,
            prefer_flight=prefer_flight,
            cadence_spm=60.0 / per.step_s,
            pelvis_flight=mechanics.flight,
            backward=backward,
        )
        owners = replace(owners, pelvis_score=mechanics.score)
        steps = build_steps(events, per.step_s, owners.stance_of)
        simple_spm, n_steps, _ = cadence_from_steps(steps)
        lows, _, highs, _ = frontal_midstances(pelvis, per.step_rows, view)
        est = cadence_by_pass(
            {
                "contacts": [e.time_s for e in events if e.kind == "contact"],
                "pelvis_lows": [time_at_row(r, ts) for r in lows],
                "pelvis_highs": [time_at_row(r, ts) for r in highs],
            },
            "contacts",
            per.step_s,
        )
        return Detected(steps, events, est, simple_spm, n_steps, None, per, signals, owners)
    frontal = detect_frontal(fixed, per, view, raw.present, vault)
    per = frontal.period if np.isfinite(frontal.period.step_rows) else per
    simple_spm, n_steps, _ = frontal_cadence(frontal)
    est = cadence_by_pass(
        {"pelvis_lows": [s.midstance.time_s for s in frontal.steps], "pelvis_highs": frontal.highs_s},
        "pelvis_lows",
        per.step_s,
    )
    return Detected([], frontal.events, est, simple_spm, n_steps, frontal, per)


def check_enough_steps(det: Detected, fixed: PoseSequence, view: str, rate: float) -> None:
    """Raises InsufficientData when fewer than MIN_STEPS regular steps were found."""
    if det.n_steps >= MIN_STEPS:
        return
    seq = fixed
    duration_s = float(seq.timestamps_s[-1] - seq.timestamps_s[0])
    if det.frontal is not None:
        frontal = det.frontal
        upright_s = float(np.isfinite(frontal.signals.size_px).sum() / rate)
        raise InsufficientData(
            f"fewer than two strides could be followed in this {view}-view clip: {det.n_steps} regular step(s) in a row "
            f"were found ({len(frontal.steps)} mid-stance instants: {frontal.sources['pelvis']} from the pelvis's "
            f"up-down motion, {frontal.sources['alternation']} more from the feet's alternation) in {duration_s:.1f} s, "
            f"of which the whole body was seen upright for {upright_s:.1f} s; gait analysis needs at least {MIN_STEPS} "
            f"steps in a row: film 5-10 s with the whole body in view, camera at hip height behind (or in front of) "
            f"the runner, ideally on a treadmill so the runner does not shrink into the distance, or film from the side"
        )
    apparent = 60.0 / det.period.step_s
    gait_guess, _ = body_cues(knee_flexion_series(fixed), fixed)
    floor = MIN_RUNNING_CADENCE_SPM if gait_guess == "running" else MIN_WALKING_CADENCE_SPM
    slow = (
        f"; note: the legs cycle at about {apparent:.0f} steps/min at the file's frame rate, implausibly slow "
        f"for {gait_guess}: if this is a slow-motion clip, give the real capture rate with `capture_fps`"
        if apparent < floor
        else ""
    )
    needed_s = (MIN_STEPS + 2) * det.period.step_s
    pace = f", about {apparent:.0f} steps/min" if apparent >= floor else ""
    raise InsufficientData(
        f"the clip is too short for two strides: {det.n_steps} complete step(s) in a row were found "
        f"({sum(e.kind == 'contact' for e in det.events)} foot contacts in {duration_s:.1f} s{pace}); gait analysis "
        f"needs at least {MIN_STEPS} steps in a row, i.e. at least {needed_s:.1f} s of steady running or walking with the "
        f"whole body in view at this pace (one step more at each end as the runner enters and leaves): film 5-10 s"
        f"{slow}"
    )


def steps_seen(rows: list[StepRow], occluded: np.ndarray, timestamps_s: np.ndarray, far_foot: str) -> list[StepRow]:
    """The steps whose events were timed on a leg the model saw: a far-leg (`far_foot`) step whose
    contact or toe-off falls on a frame where that leg was hidden (`occluded`, (T,) bool) is left
    out. The far leg is hidden where the legs cross in the picture (the other leg's mid stance), not
    where they are apart, at contact and toe-off: so most far-leg steps are kept."""

    def hidden(t: float | None) -> bool:
        return t is not None and bool(occluded[int(np.argmin(np.abs(timestamps_s - t)))])

    return [r for r in rows if not (r.foot == far_foot and (hidden(r.contact_s) or hidden(r.toe_off_s)))]


def backward_gait(seq: PoseSequence, fwd: np.ndarray, leg_px: np.ndarray) -> np.ndarray:
    """(T,) bool: the pelvis travels across the picture against the way the body faces (`fwd`):
    walking or running backwards (a drill, or a demo's return pass)."""
    travel = travel_direction(seq, leg_px)
    return (travel != 0) & (travel == -np.sign(fwd))


def analyse_gait(inputs: GaitInputs) -> GaitAnalysis:
    """The whole gait analysis. Raises ActivityNotFound (no cyclic leg motion) or InsufficientData
    (fewer than two strides)."""
    seq = inputs.seq
    check_length(seq)
    view = detect_view(seq) if inputs.view == "auto" else inputs.view
    per, fwd, leg_px, doubts = check_gait(seq, inputs.raw, view, inputs.gait)
    stride_rows = 2.0 * per.step_rows
    fixed, swapped = repair_swaps(seq, fwd, leg_px, stride_rows, view)
    sharp, _ = repair_swaps(inputs.sharp, fwd, leg_px, stride_rows, view)
    rate = 1.0 / float(np.median(np.diff(seq.timestamps_s)))
    prior = inputs.gait if inputs.gait != "auto" else body_cues(knee_flexion_series(fixed), fixed)[0]
    backward_rows = backward_gait(fixed, fwd, leg_px) if view == "side" else np.zeros(len(seq), dtype=bool)
    det = detect_events(
        fixed, sharp, inputs.raw, per, fwd, leg_px, view, prefer_flight=prior == "running", backward=backward_rows
    )
    frontal_class = frontal_gait(det.estimate.cadence_spm, inputs.gait) if view != "side" else None
    if frontal_class is not None and frontal_class[0] == "walking":
        # From behind the steps were timed at the pelvis's lowest points, a runner's mid stance; a
        # walker's are at its highest (a vault over the stance leg).
        det = detect_events(fixed, sharp, inputs.raw, per, fwd, leg_px, view, vault=True)
    per = det.period
    frontal = det.frontal
    cadence = det.estimate.cadence_spm
    cadence_se = det.estimate.se_spm
    check_enough_steps(det, fixed, view, rate)

    px_per_cm = leg_px / (LEG_FRACTION * inputs.stature_cm)
    if frontal is not None:
        # Rear/front view: scaled from the trunk length frame by frame (the legs bend and swing in
        # depth; a runner going away from the camera changes size quickly).
        px_per_cm = frontal.signals.size_px / (TRUNK_FRACTION * inputs.stature_cm)
    knee = knee_flexion_series(fixed)
    trunk = trunk_lean_series(fixed, fwd)
    hip = hip_centre(fixed)
    near = near_side(inputs.raw[inputs.raw.present]) if inputs.raw.present.any() else "right"
    occluded = far_leg_occluded(inputs.raw, near) if view == "side" else np.zeros(len(seq), dtype=bool)
    flat_deg = 0.0
    rows: list[StepRow]
    if frontal is None:
        series = SideSeries(
            knee=knee,
            trunk=trunk,
            foot=foot_angle_series(fixed, fwd),
            shank=shank_angle_series(fixed, fwd),
            hip=hip,
            px_per_cm=px_per_cm,
            near=near,
            occluded=occluded,
        )
        rows, flat_deg = side_rows(fixed, det.steps, det.signals, fwd, series, inputs.stature_cm)
    else:
        rows = list(frontal_rows(frontal, fixed, px_per_cm, inputs.stature_cm))

    if frontal_class is None:
        gait, evidence = classify_gait(det.owners, rows, knee, fixed, inputs.gait)
    else:
        gait, evidence = frontal_class
    far_foot = "L" if near == "right" else "R"

    def goes_backward(start_s: float, end_s: float) -> bool:
        inside = (seq.timestamps_s >= start_s) & (seq.timestamps_s <= end_s)
        return bool(inside.any() and backward_rows[inside].mean() > 0.5)

    segs = segments(det.estimate.passes, rows, per.step_s, gait, goes_backward)
    head = headline_segment(segs) if len(segs) > 1 else None
    head_rows: list[StepRow] = rows
    head_frames = np.ones(len(seq), dtype=bool)
    if head is not None and head.cadence_spm:
        margin = SEGMENT_MARGIN_STEPS * per.step_s
        head_rows = rows_in(rows, head.start_s, head.end_s, margin)
        cadence = float(head.cadence_spm)
        cadence_se = float(head.cadence_se_spm) if head.cadence_se_spm is not None else float("nan")
        head_frames = (seq.timestamps_s >= head.start_s - margin) & (seq.timestamps_s <= head.end_s + margin)
    seen_rows = steps_seen(head_rows, occluded, seq.timestamps_s, far_foot) if view == "side" else head_rows
    left_out = len(head_rows) - len(seen_rows)
    head_rows = seen_rows
    metrics: dict[str, MetricValue] = dict(summarise(head_rows, cadence, view))
    metrics.update(arm_swing(fixed, fwd) if view == "side" else {})
    if view == "side":
        metrics["trunk_lean_deg"] = rounded(float(np.nanmedian(trunk[head_frames])))
    metrics["cadence_spm"] = rounded(cadence)
    metrics["steps_counted"] = head.steps if head is not None else det.n_steps
    metrics["gait"] = gait
    metrics["view"] = view
    metrics["fps_used"] = rounded(rate, 2)

    slow_factor = slow_motion_factor(cadence, gait)
    sped_factor = sped_up_factor(cadence, gait)
    time_warped = slow_factor is not None or sped_factor is not None
    if time_warped:
        rows = withhold_timing(metrics, rows)
        # Two decimals: tens of steps/min at the file's rate, to be multiplied by the slow-motion
        # factor; 0.1 would be 0.6% of it, too coarse for the 1% it should hold.
        metrics["cadence_at_file_rate_spm"] = rounded(cadence, 2)
        head_rows = rows_in(rows, head.start_s, head.end_s, SEGMENT_MARGIN_STEPS * per.step_s) if head else rows
    spread = spreads(head_rows)
    if "contact_ms" in spread and det.owners.offset_se_rows > 0:
        # Every toe-off was moved by one offset (events.shifted_by_median): its standard error is
        # shared by every step's contact time and adds to the median's (findings.imprecision).
        spread["contact_ms"]["shared_se"] = rounded(1000.0 * det.owners.offset_se_rows / rate, 1)
    if np.isfinite(cadence) and np.isfinite(cadence_se):
        # The cadence's precision (not a spread over steps: a fitted step time); its key is the
        # metric that holds the value (at the file's rate in slow motion).
        key = "cadence_at_file_rate_spm" if time_warped else "cadence_spm"
        spread[key] = {"median": metrics[key], "se": rounded(cadence_se, 2), "steps": metrics["steps_counted"]}
    if view == "side" and "trunk_lean_deg" in spread:
        metrics["trunk_lean_deg_iqr"] = spread["trunk_lean_deg"]["iqr"]
    periodic_spm = 60.0 / per.step_s
    yaw = body_yaw_deg(seq, head_frames)
    seen_s = seq.timestamps_s[inputs.raw.present] if inputs.raw.present.any() else seq.timestamps_s
    forward_spans = [(g.start_s, g.end_s) for g in segs if not g.backward] or [(float(seen_s[0]), float(seen_s[-1]))]
    head_spans = [(head.start_s, head.end_s)] if head is not None else forward_spans
    toe_found, toe_expected = toe_off_coverage(rows, per.step_s, forward_spans)
    reliability = (
        doubts
        + gait_type_notes(gait, evidence)
        + segment_notes(segs, head)
        + toe_off_notes(*toe_off_coverage(rows, per.step_s, head_spans))
        + gait_notes(
            GaitFacts(
                gait=gait,
                view=view,
                cadence_spm=cadence,
                rate_fps=rate,
                periodic_spm=periodic_spm,
                slow_factor=slow_factor,
                sped_factor=sped_factor,
                occluded_fraction=float(occluded.mean()),
                far_steps_left_out=left_out,
                swapped_frames=int(swapped.sum()),
                stature_cm=inputs.stature_cm,
                scale_assumed=inputs.scale_assumed,
                segmented=head is not None,
                yaw_deg=yaw,
            ),
            frontal,
        )
    )

    setting, travel = detect_setting(fixed, leg_px)
    curves = {
        "knee_flexion_left_deg": knee["L"],
        "knee_flexion_right_deg": knee["R"],
        "pelvis_height_cm": -(hip[:, 1] - np.nanmedian(hip[:, 1])) / px_per_cm,
    }
    if frontal is not None:
        # Perspective moves the whole runner in the image as the distance changes: the pelvis
        # oscillation around its own trend line is what is meaningful here.
        curves["pelvis_height_cm"] = frontal.signals.pelvis * TRUNK_FRACTION * inputs.stature_cm
    facing = (
        ("right" if np.nanmedian(fwd) > 0 else "left") if view == "side" else ("away" if view == "rear" else "camera")
    )
    details: dict[str, JsonValue] = {
        "view": view,
        "view_detected": inputs.view == "auto",
        "setting": setting,
        "travel_leg_lengths": round(travel, 2),
        "facing": facing,
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
            for a, b in true_runs(occluded)
        ],
        "time_metrics_low_confidence": bool(rate < LOW_FPS or time_warped),
        "slow_motion_suspected": slow_factor is not None,
        "slow_motion_factor_estimate": rounded(slow_factor, 1) if slow_factor else None,
        "sped_up_suspected": sped_factor is not None,
        "sped_up_factor_estimate": rounded(sped_factor, 1) if sped_factor else None,
        "capture_fps_suggested": capture_fps_for(rate, slow_factor, sped_factor),
        "camera_yaw_deg_estimate": rounded(yaw, 1) if yaw is not None else None,
        "passes": det.estimate.passes,
        "spreads": spread,
        "segments": [g.to_json() for g in segs],
        "headline_segment": head.index if head is not None else (1 if segs else None),
        "cadence_first_to_last_spm": rounded(det.simple_spm),
        "toe_offs_found": toe_found,
        "toe_offs_expected": toe_expected,
    }
    if frontal is not None:
        details.update(frontal_details(frontal, rate))
    return GaitAnalysis(
        view=view,
        gait=gait,
        setting=setting,
        facing=facing,
        near_side=near,
        fps=rate,
        steps=rows,
        events=det.events,
        metrics=metrics,
        series=curves,
        reliability=reliability,
        details=details,
        slow_motion_factor=slow_factor,
        sped_up_factor=sped_factor,
        occluded_rows=occluded,
    )
