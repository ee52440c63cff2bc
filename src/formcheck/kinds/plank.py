"""`--kind plank`: plank hold analysis (forearm, high, knee and side planks).

measure() turns a raw PoseSequence into a PlankMeasurement (pure numpy, no model needed: the tests
feed recorded tracks and synthetic sequences straight into it); build_result() turns that into the
KindResult of the analysis contract (metrics, events, series, findings, annotator).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy.ndimage import minimum_filter1d

from ..analysis import AnalysisContext, KindResult
from ..calibrate import TRUNK_FRACTION, stature_px_from_segments
from ..clean import CleanConfig, clean
from ..config import DEFAULT_HEIGHT_CM, Settings
from ..errors import ActivityNotFound, InsufficientData
from ..feedback import Finding
from ..metrics import plank as pm
from ..reference.plank import (
    FAULT_ADVICE,
    MCGILL_SIDE_BRIDGE_S,
    PROGRESSION_ADVICE,
    REFERENCES,
    SRC_COACHING,
    SRC_MCGILL_1999,
    SRC_OPEN_PROJECTS,
    SRC_SEED,
    THRESHOLDS,
    PlankThresholds,
)
from ..render.plank import PlankAnnotator
from ..sequence import PoseSequence

NAME = "plank"
#: Low visibility gate: knees and the far side are often seen at 0.1-0.3 in a side view; landmarks
#: outside the image are removed separately (metrics.plank.mask_out_of_frame).
CLEAN = CleanConfig(min_visibility=0.1, max_gap_s=0.25, cutoff_hz=6.0)

VARIANT_LABELS = {
    "forearm": "forearm plank",
    "high": "straight-arm (high) plank",
    "knee": "knee plank",
    "side_left": "side plank on the left side",
    "side_right": "side plank on the right side",
    "side_knee": "side plank with the bottom knee down",
}
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


# ---------------------------------------------------------------------------------------------------
@dataclass
class PlankMeasurement:
    """Everything measured on one clip or photo; arrays are (T,) aligned with `seq.timestamps_s`."""

    seq: PoseSequence
    frames: pm.PlankFrames
    line: pm.BodyLine
    variant: pm.VariantDecision
    entry: np.ndarray
    sustain: np.ndarray
    unjudged: np.ndarray  # in the hold but the body line could not be measured (legs out of frame)
    near_cut: np.ndarray
    cuts: np.ndarray
    holds: list[tuple[int, int]]
    in_hold: np.ndarray  # the main (longest) hold
    faults: dict[str, np.ndarray]
    breaks: dict[str, list[tuple[int, int]]]
    good: np.ndarray
    px_per_cm: np.ndarray
    offset_cm: np.ndarray
    offset_pct_trunk: np.ndarray
    steadiness: pm.Steadiness
    score: pm.ScoreParts
    is_photo: bool
    scale_assumed: bool
    stature_cm: float
    notes: list[str] = field(default_factory=list)

    @property
    def t(self) -> np.ndarray:
        return self.frames.t

    @property
    def main_hold(self) -> tuple[int, int] | None:
        rows = np.flatnonzero(self.in_hold)
        return (int(rows[0]), int(rows[-1])) if rows.size else None


# ---------------------------------------------------------------------------------------------------
def _concat(parts: list[PoseSequence], like: PoseSequence) -> PoseSequence:
    return replace(
        like,
        xy=np.concatenate([p.xy for p in parts]),
        z=np.concatenate([p.z for p in parts]),
        visibility=np.concatenate([p.visibility for p in parts]),
        timestamps_s=np.concatenate([p.timestamps_s for p in parts]),
        world=None if like.world is None else np.concatenate([p.world for p in parts]),
        frame_index=np.concatenate([p.frame_index for p in parts]),
    )


def prepare(
    raw: PoseSequence, th: PlankThresholds = THRESHOLDS, config: CleanConfig = CLEAN
) -> tuple[PoseSequence, PoseSequence, np.ndarray]:
    """(cleaned, raw_masked, cuts): out-of-frame landmarks removed, camera cuts found on the raw
    landmarks, and each stretch between cuts cleaned on its own (no smoothing across a cut)."""
    raw_masked = pm.mask_out_of_frame(raw)
    cuts = pm.detect_cuts(raw_masked, th)
    if len(raw) < 3:
        return clean(raw_masked, config), raw_masked, cuts
    parts = [clean(raw_masked[a:b], config) for a, b in pm.segments_between_cuts(cuts)]
    return _concat(parts, raw_masked), raw_masked, cuts


def _px_per_cm(seq: PoseSequence, cuts: np.ndarray, stature_cm: float) -> np.ndarray:
    """(T,) pixels per cm, from the segment lengths of each stretch between camera cuts (a cut may zoom)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _px_per_cm_quiet(seq, cuts, stature_cm)


def _px_per_cm_quiet(seq: PoseSequence, cuts: np.ndarray, stature_cm: float) -> np.ndarray:
    whole = stature_px_from_segments(seq) / stature_cm
    out = np.full(len(seq), whole)
    for a, b in pm.segments_between_cuts(cuts):
        local = stature_px_from_segments(seq[a:b]) / stature_cm
        if np.isfinite(local):
            out[a:b] = local
    if not np.isfinite(out).all():
        # Last resort: the trunk (shoulder-hip) length as TRUNK_FRACTION of the stature.
        f = pm.frame_features(seq)
        trunk = np.nanpercentile(f.trunk_px, 90) if np.isfinite(f.trunk_px).any() else np.nan
        out = np.where(np.isfinite(out), out, trunk / (TRUNK_FRACTION * stature_cm))
    return out


def _trunk_only(f: pm.PlankFrames, line: pm.BodyLine, th: PlankThresholds) -> np.ndarray:
    """Rows where only the trunk is seen (no distal point) and it lies within the axis tolerance."""
    d = f.shoulder - f.hip
    with np.errstate(invalid="ignore"):
        tilt = np.degrees(np.arctan2(np.abs(d[:, 1]), np.abs(d[:, 0])))
        return ~np.isfinite(line.body_line_deg) & (tilt <= th.max_axis_tilt_deg)


def measure(
    raw: PoseSequence, settings: Settings = Settings(kind="plank"), th: PlankThresholds = THRESHOLDS
) -> PlankMeasurement:
    """Measure a plank on a raw PoseSequence (T == 1: a photo)."""
    seq, raw_masked, cuts = prepare(raw, th)
    is_photo = len(seq) == 1
    f = pm.frame_features(seq)
    notes: list[str] = []
    near = pm.near_cut(f.t, cuts, th.cut_guard_s)

    # Variant: from the frames that look like a plank with either choice of distal point.
    provisional = pm.body_line(f, knee_variant=False)
    _, sustain0 = pm.position_masks(f, provisional, th)
    if settings.variant != "auto":
        variant = pm.VariantDecision(settings.variant, "override")
    else:
        raw_f = pm.frame_features(clean(raw, replace(CLEAN, min_visibility=0.0)) if len(raw) >= 3 else raw)
        rows = sustain0 if sustain0.any() else np.isfinite(provisional.body_line_deg)
        variant = pm.detect_variant(f, rows, th, fallback_knee_flexion_deg=raw_f.knee_flexion_deg)
    notes.extend(variant.notes)
    line = pm.body_line(f, knee_variant=variant.variant in pm.KNEE_VARIANTS)
    entry, sustain = pm.position_masks(f, line, th)
    trunk_only = _trunk_only(f, line, th)

    if is_photo:
        holds: list[tuple[int, int]] = [(0, 0)] if sustain[0] else []
    else:
        holds = pm.hold_intervals(f.t, entry, sustain, th, carry=near | trunk_only, bridge=near)
    in_hold = np.zeros(len(seq), dtype=bool)
    if holds:
        a, b = max(holds, key=lambda h: pm.span_s(f.t, *h) if not is_photo else 1.0)
        in_hold[a : b + 1] = True
    unjudged = in_hold & trunk_only & ~near
    uncertain = near | unjudged

    faults = {
        k: pm.carry_over(np.where(np.isfinite(pm.fault_value(k, f, line, variant.variant)), v, False), uncertain)
        for k, v in pm.fault_masks(f, line, variant.variant, th).items()
    }
    if is_photo:
        breaks = {k: ([(0, 0)] if (v & in_hold).any() else []) for k, v in faults.items()}
    else:
        breaks = {k: pm.fault_breaks(f.t, v, in_hold & ~unjudged, th) for k, v in faults.items()}
    good = pm.good_form_mask(in_hold & ~unjudged, breaks)

    stature = settings.stature_cm
    px_cm = _px_per_cm(seq, cuts, stature)
    offset_cm = line.hip_offset_px / px_cm
    with np.errstate(invalid="ignore", divide="ignore"):
        offset_pct = 100.0 * line.hip_offset_px / f.trunk_px
    raw_f = pm.frame_features(raw_masked)
    raw_line = pm.body_line(raw_f, knee_variant=variant.variant in pm.KNEE_VARIANTS)
    settled = in_hold & ~uncertain
    if in_hold.any():
        settled &= f.t >= f.t[np.flatnonzero(in_hold)[0]] + th.settle_s
    steady = (
        pm.steadiness(f.t, offset_cm, raw_line.hip_offset_px / px_cm, settled, th, cuts)
        if not is_photo
        else pm.Steadiness(None, None, None, None)
    )

    judged = in_hold & ~unjudged
    bl = line.body_line_deg[judged]
    mean_units = float(np.nanmean(pm.tolerance_units(bl, th))) if np.isfinite(bl).any() else float("nan")
    good_pct = None  # a photo has no time: its score is the alignment part only
    if not is_photo and judged.any():
        good_pct = 100.0 * pm.time_s(f.t, good) / pm.time_s(f.t, judged)
    score = pm.plank_score(good_pct, mean_units, steady.hip_sway_cm, steady.sag_growth_cm, th)

    if (in_hold & line.uses_knee).any() and variant.variant not in pm.KNEE_VARIANTS:
        share = (in_hold & line.uses_knee).sum() / max(1, in_hold.sum())
        notes.append(
            f"feet out of frame or hidden in {share:.0%} of the hold: the body line used the knees "
            f"instead of the ankles (shoulder-hip-knee), which misses a bend at the knees"
        )
    if unjudged.any():
        notes.append(
            f"legs out of frame for {pm.time_s(f.t, unjudged):.1f} s of the hold: the hold was timed "
            f"from the trunk alone and the body line was not judged then"
        )
    if cuts.any():
        notes.append(
            f"{int(cuts.sum())} camera cut(s) found (landmarks jump between frames): "
            f"{th.cut_guard_s:g} s around each cut keeps the status from before the cut, and the cm "
            f"scale is measured again after each cut"
        )
    if settings.scale_assumed:
        notes.append(
            f"centimetres assume a stature of {DEFAULT_HEIGHT_CM:g} cm: give your height for "
            f"accurate cm figures (angles do not depend on it)"
        )
    return PlankMeasurement(
        seq=seq,
        frames=f,
        line=line,
        variant=variant,
        entry=entry,
        sustain=sustain,
        unjudged=unjudged,
        near_cut=near,
        cuts=cuts,
        holds=holds,
        in_hold=in_hold,
        faults=faults,
        breaks=breaks,
        good=good,
        px_per_cm=px_cm,
        offset_cm=offset_cm,
        offset_pct_trunk=offset_pct,
        steadiness=steady,
        score=score,
        is_photo=is_photo,
        scale_assumed=settings.scale_assumed,
        stature_cm=stature,
        notes=notes,
    )


# ---------------------------------------------------------------------------------------------------
def recognition_score(raw: PoseSequence, th: PlankThresholds = THRESHOLDS) -> float:
    """0-1: how much the clip looks like a plank (body near horizontal, supported, held still).

    Video: 0.7 x (longest run of 'entry' frames / 2 x confirm_s, capped at 1) + 0.3 x the share of
    frames with a person that are in a plank-like position. Photo: 1 when the one frame is in a
    plank-like position (with the body line near straight), 0.8 when plank-like but badly bent,
    else 0.1 per criterion met (at most 0.3).
    """
    if not raw.present.any():
        return 0.0
    seq, _, _ = prepare(raw, th, replace(CLEAN, repair_swaps=False))  # swaps do not matter for a yes/no
    f = pm.frame_features(seq)
    line = pm.body_line(f, knee_variant=False)
    entry, sustain = pm.position_masks(f, line, th)
    # A knee plank bends at the knee: judge its line shoulder-hip-knee too, keep whichever fits.
    entry_k, sustain_k = pm.position_masks(f, pm.body_line(f, knee_variant=True), th)
    entry, sustain = entry | entry_k, sustain | sustain_k
    if len(seq) == 1:
        if sustain[0]:
            return 1.0 if entry[0] else 0.8
        with np.errstate(invalid="ignore"):
            met = [
                bool(line.axis_tilt_deg[0] <= th.max_axis_tilt_deg),
                bool(~(f.thigh_from_vertical_deg[0] < th.min_thigh_from_vertical_deg)),
                bool(np.isfinite(line.body_line_deg[0])),
            ]
        return 0.1 * sum(met) if met[0] else 0.0
    run_s = max((pm.span_s(f.t, a, b) for a, b in pm.runs(entry)), default=0.0)
    present = seq.present
    share = float(sustain[present].mean()) if present.any() else 0.0
    return float(np.clip(0.7 * min(1.0, run_s / (2.0 * th.confirm_s)) + 0.3 * share, 0.0, 1.0))


def recognise(ctx: AnalysisContext) -> float:
    return recognition_score(ctx.raw)


def analyse(ctx: AnalysisContext) -> KindResult:
    """The plank analysis of the contract; raises ActivityNotFound when there is no plank."""
    return analyse_sequence(ctx.raw, ctx.settings, source=ctx.info.path)


def analyse_sequence(
    raw: PoseSequence, settings: Settings = Settings(kind="plank"), source: str = "", th: PlankThresholds = THRESHOLDS
) -> KindResult:
    """measure() + the checks that there is a plank + build_result()."""
    if not raw.present.any():
        raise InsufficientData(
            "no person in any frame: film the whole body from the side, camera at floor or hip height, 2-4 m away"
        )
    m = measure(raw, settings, th)
    if not m.in_hold.any():
        raise ActivityNotFound(_no_plank_message(m, source, th))
    return build_result(m, th)


def _no_plank_message(m: PlankMeasurement, source: str, th: PlankThresholds) -> str:
    f, line = m.frames, m.line
    what = "the photo" if m.is_photo else f"{len(m.seq)} frames"
    name = f" of {source.rsplit('/', 1)[-1]}" if source else ""
    tilt = pm.median_over(line.axis_tilt_deg, m.seq.present) if m.seq.present.any() else float("nan")
    if np.isfinite(tilt) and tilt > th.max_axis_tilt_deg:
        found = f"the body is upright (shoulder-to-feet line {tilt:.0f} deg from horizontal)"
    elif m.entry.any() and not m.is_photo:
        found = (
            f"a plank-like position lasted at most "
            f"{max(pm.span_s(f.t, a, b) for a, b in pm.runs(m.entry)):.1f} s (a hold needs "
            f"{th.confirm_s:g} s in position)"
        )
    else:
        found = "no horizontal body supported on forearms, hands or knees"
    return (
        f"no plank found in {what}{name}: {found}. Film or photograph the plank from the side "
        f"(the side plank from the front), whole body in view, camera at floor or hip height."
    )


# ---------------------------------------------------------------------------------------------------
def _round(value: Any, digits: int = 2) -> Any:
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if np.isfinite(value) else None


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
        "hold_s": _round(pm.span_s(t, a, b)),
        "hold_start_s": _round(t[a]),
        "hold_end_s": _round(t[b] + pm.frame_interval_s(t)),
        "holds": len(m.holds),
        "good_form_s": _round(pm.time_s(t, m.good)),
        "good_form_pct": _round(100.0 * pm.time_s(t, m.good) / pm.time_s(t, judged), 1) if judged.any() else None,
        "longest_good_streak_s": _round(pm.longest_streak_s(t, m.good)),
        "unjudged_s": _round(pm.time_s(t, m.unjudged)),
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
        "mean_body_line_deg": _round(np.nanmean(bl), 1) if has else None,
        "mean_abs_body_line_deg": _round(np.nanmean(np.abs(bl)), 1) if has else None,
        "max_sag_deg": _round(nanmax0(-bl), 1),
        "max_pike_deg": _round(nanmax0(bl), 1),
        "mean_hip_offset_cm": _round(np.nanmean(off), 1) if has else None,
        "max_sag_cm": _round(nanmax0(-off), 1),
        "max_pike_cm": _round(nanmax0(off), 1),
        "max_sag_pct_trunk": _round(nanmax0(-pct), 1),
        "max_pike_pct_trunk": _round(nanmax0(pct), 1),
        "shoulder_stack_deg": _round(pm.median_over(stack, judged), 1),
        "neck_deg": _round(pm.median_over(f.neck_deg, judged), 1),
        "knee_flexion_deg": _round(pm.median_over(f.knee_flexion_deg, judged), 1),
    }
    if m.variant.variant in pm.SIDE_VARIANTS:
        out["max_hip_drop_cm"] = out["max_sag_cm"]
    return out


def _break_events(m: PlankMeasurement, th: PlankThresholds) -> list[dict[str, Any]]:
    t, dt = m.t, pm.frame_interval_s(m.t)
    events: list[dict[str, Any]] = []
    for name, spans in m.breaks.items():
        value = pm.fault_value(name, m.frames, m.line, m.variant.variant)
        tol = {
            "sag": th.sag_tolerance_deg,
            "hip_drop": th.sag_tolerance_deg,
            "pike": th.pike_tolerance_deg,
            "knees_bent": th.knees_bent_deg,
        }.get(name, th.neck_tolerance_deg if name.startswith("head") else th.shoulder_stack_tolerance_deg)
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
                "start_s": _round(t[a], 3),
                "end_s": _round(t[b] + dt, 3),
                "label": name,
                "severity": "warning" if peak > th.warning_factor * tol else "attention",
                "peak_value": _round(peak, 1),
                "peak_unit": "deg",
                "peak_time_s": _round(t[k], 3),
                "peak_phase_start_s": _round(t[p0], 3),
                "peak_phase_end_s": _round(t[p1] + dt, 3),
            }
            if name in pm.BODY_LINE_FAULTS:
                ev["peak_cm"] = _round(abs(m.offset_cm[k]), 1)
                ev["peak_pct_trunk"] = _round(abs(m.offset_pct_trunk[k]), 1)
            events.append(ev)
    return sorted(events, key=lambda e: e["start_s"])


def _events(m: PlankMeasurement, th: PlankThresholds) -> list[dict[str, Any]]:
    if m.is_photo:
        return []
    t, dt = m.t, pm.frame_interval_s(m.t)
    events: list[dict[str, Any]] = []
    for a, b in m.holds:
        main = bool(m.in_hold[a])
        events.append({"time_s": _round(t[a], 3), "label": "hold start", "main_hold": main})
        events.append({"time_s": _round(t[b] + dt, 3), "label": "hold end", "main_hold": main})
    events.extend(_break_events(m, th))
    for i in np.flatnonzero(m.cuts):
        events.append({"time_s": _round(t[i], 3), "label": "camera cut"})
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


def _break_finding(ev: dict[str, Any], variant: str) -> Finding:
    name = ev["label"]
    title, why, cue, drill = FAULT_ADVICE[name]
    when = f"from {pm.format_time(ev['start_s'])} to {pm.format_time(ev['end_s'])}"
    if name in pm.BODY_LINE_FAULTS:
        size = (
            f"{ev['peak_cm']:.0f} cm ({ev['peak_value']:.0f} deg)"
            if ev.get("peak_cm") is not None
            else f"{ev['peak_value']:.0f} deg"
        )
        detail = f"{title} {size} {when}: {cue}"
    else:
        detail = f"{title} (up to {ev['peak_value']:.0f} deg) {when}: {cue}"
    return Finding(
        severity=ev["severity"],
        title=title[0].upper() + title[1:] + f" ({pm.format_time(ev['start_s'])})",
        detail=detail,
        why=why,
        cue=cue,
        drill=drill,
        source=SRC_OPEN_PROJECTS if name in pm.BODY_LINE_FAULTS else SRC_COACHING,
        metric="body_line_deg" if name in pm.BODY_LINE_FAULTS else None,
    )


def _findings(
    m: PlankMeasurement, metrics: dict[str, Any], events: list[dict[str, Any]], th: PlankThresholds
) -> list[Finding]:
    findings: list[Finding] = []
    variant = m.variant.variant
    label = VARIANT_LABELS[variant]
    if m.is_photo:
        bl = m.line.body_line_deg[0]
        kind = (
            "pike (hips high)"
            if bl > th.pike_tolerance_deg
            else "sag (hips low)"
            if bl < -th.sag_tolerance_deg
            else "straight line"
        )
        findings.append(
            Finding(
                severity="ok"
                if kind == "straight line"
                else (
                    "warning"
                    if abs(bl) > th.warning_factor * max(th.sag_tolerance_deg, th.pike_tolerance_deg)
                    else "attention"
                ),
                title=f"{label.capitalize()}: {kind}",
                detail=(
                    f"Body line {bl:+.0f} deg (0 = straight, + pike, - sag); the hip is {abs(m.offset_cm[0]):.0f} cm "
                    f"{'above' if m.offset_cm[0] > 0 else 'below'} the shoulder-ankle line "
                    f"({abs(m.offset_pct_trunk[0]):.0f}% of the trunk length). A photo shows form only: film a "
                    f"video for hold time and steadiness."
                ),
                why="A straight line from shoulders to heels makes the trunk muscles do the work.",
                cue=FAULT_ADVICE["pike"][2]
                if bl > th.pike_tolerance_deg
                else FAULT_ADVICE["sag"][2]
                if bl < -th.sag_tolerance_deg
                else "keep it: shoulders, hips and heels in one line",
                source=SRC_OPEN_PROJECTS,
                metric="body_line_deg",
            )
        )
        for name, spans in m.breaks.items():
            if spans and name not in pm.BODY_LINE_FAULTS:
                title, why, cue, drill = FAULT_ADVICE[name]
                findings.append(
                    Finding(
                        "attention", title.capitalize(), f"{title} in the photo: {cue}", why, cue, drill, SRC_COACHING
                    )
                )
        return findings

    hold_s, good_s, pct = metrics["hold_s"], metrics["good_form_s"], metrics["good_form_pct"]
    findings.append(
        Finding(
            severity="ok" if (pct or 0) >= 80 else "attention" if (pct or 0) >= 50 else "warning",
            title=f"{label.capitalize()} held {pm.format_time(hold_s)} ({hold_s:.1f} s)",
            detail=(
                f"Hold from {pm.format_time(metrics['hold_start_s'])} to {pm.format_time(metrics['hold_end_s'])}; "
                f"good form for {good_s:.1f} s ({pct:.0f}% of the judged time), longest good streak "
                f"{metrics['longest_good_streak_s']:.1f} s; mean body line {metrics['mean_body_line_deg']:+.1f} deg "
                f"(0 = straight, + pike, - sag). Score {m.score.total:.0f}/100 (form time {m.score.form_time}, "
                f"alignment {m.score.alignment}, steadiness {m.score.steadiness}, fatigue {m.score.fatigue})."
                if pct is not None
                else f"Hold from {pm.format_time(metrics['hold_start_s'])} to "
                f"{pm.format_time(metrics['hold_end_s'])}; the body line could not be judged."
            ),
            why="Time in good form, not total time, is what trains the trunk.",
            cue="stop the hold when the line goes, rather than holding on with a sagging back",
            source=SRC_OPEN_PROJECTS,
            metric="good_form_pct",
        )
    )
    breaks = [e for e in events if e["start_s"] is not None]
    for ev in sorted(breaks, key=lambda e: (e["severity"] != "warning", -(e["end_s"] - e["start_s"])))[:6]:
        findings.append(_break_finding(ev, variant))
    s = m.steadiness
    if s.sag_growth_cm is not None and s.sag_growth_cm > th.sag_growth_flag_cm and (hold_s or 0) >= 10:
        findings.append(
            Finding(
                "attention",
                "Hips sank as the hold went on",
                f"The hips dropped {s.sag_growth_cm:.1f} cm over the hold ({s.sag_trend_cm_per_min:.1f} cm/min): "
                f"fatigue. Stop a few seconds earlier, rest and repeat.",
                "A line that fades shows where endurance ends.",
                "squeeze the glutes and brace the abdominals",
                "Sets of shorter holds with perfect form.",
                REFERENCES["sag_trend_cm_per_min"].source,
                "sag_trend_cm_per_min",
            )
        )
    if s.hip_sway_cm is not None and s.hip_sway_cm > (REFERENCES["hip_sway_cm"].high or 1.5):
        findings.append(
            Finding(
                "attention",
                "Unsteady hips",
                f"Hip sway {s.hip_sway_cm:.1f} cm (RMS after removing the slow trend).",
                "Sway shows the trunk muscles losing control.",
                "breathe steadily and keep the brace",
                "",
                REFERENCES["hip_sway_cm"].source,
                "hip_sway_cm",
            )
        )
    findings.append(_progression(m, metrics, th))
    return findings


def _progression(m: PlankMeasurement, metrics: dict[str, Any], th: PlankThresholds) -> Finding:
    variant = m.variant.variant
    good_streak = metrics.get("longest_good_streak_s") or 0.0
    if variant == "knee":
        text = (
            PROGRESSION_ADVICE["knee_ready"].format(good=good_streak)
            if good_streak >= th.progression_knee_hold_s
            else PROGRESSION_ADVICE["knee"].format(need=th.progression_knee_hold_s)
        )
        return Finding("info", "Next step", text, source=SRC_SEED)
    if variant == "side_knee":
        return Finding("info", "Next step", PROGRESSION_ADVICE["side_knee"], source=SRC_SEED)
    if variant in pm.SIDE_VARIANTS:
        sex_norms = ", ".join(
            f"{sex} {v['right'][0]:.0f} s right / {v['left'][0]:.0f} s left" for sex, v in MCGILL_SIDE_BRIDGE_S.items()
        )
        return Finding(
            "info",
            "Side plank context",
            f"{PROGRESSION_ADVICE['side']} Norms (mean): {sex_norms}. This hold: "
            f"{metrics['hold_s']:.0f} s on the {variant.split('_')[1]} side.",
            source=SRC_MCGILL_1999,
        )
    return Finding("info", "Next step", PROGRESSION_ADVICE["full"], source=SRC_SEED)


def build_result(m: PlankMeasurement, th: PlankThresholds = THRESHOLDS) -> KindResult:
    """The KindResult of a measured plank."""
    metrics: dict[str, Any] = {"variant": m.variant.variant, "variant_source": m.variant.source}
    metrics.update(_hold_metrics(m))
    metrics.update(_line_metrics(m))
    if m.is_photo:
        metrics["body_line_deg"] = _round(m.line.body_line_deg[0], 1)
        metrics["hip_offset_cm"] = _round(m.offset_cm[0], 1)
        metrics["hip_offset_pct_trunk"] = _round(m.offset_pct_trunk[0], 1)
    s = m.steadiness
    metrics.update(
        {
            "hip_sway_cm": _round(s.hip_sway_cm),
            "shaking_cm": _round(s.shaking_cm),
            "sag_trend_cm_per_min": _round(s.sag_trend_cm_per_min),
            "sag_growth_cm": _round(s.sag_growth_cm),
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
    details = {
        "variant": m.variant.variant,
        "variant_label": VARIANT_LABELS[m.variant.variant],
        "variant_source": m.variant.source,
        "variant_evidence": {k: _round(v, 2) for k, v in m.variant.evidence.items()},
        "holds": [
            {
                "start_s": _round(m.t[a], 3),
                "end_s": _round(m.t[b] + pm.frame_interval_s(m.t), 3),
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
        kind=NAME,
        metrics=metrics,
        references=references,
        findings=_findings(m, metrics, events, th),
        events=events,
        series=_series(m),
        details=details,
        reliability=reliability,
        annotator=PlankAnnotator.from_measurement(m, th),
    )
