"""Plank measurement: a raw PoseSequence -> PlankMeasurement (pure numpy, no model: the tests feed
recorded tracks and synthetic sequences straight into it). Cleaning (`clean_plank`) removes landmarks
outside the image, finds camera cuts and cleans each shot on its own; `measure` decides the variant,
the body line, the holds, the form breaks, steadiness and the score.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np

from ...calibrate import TRUNK_FRACTION, stature_px_from_segments
from ...clean import CleanConfig, clean
from ...config import DEFAULT_HEIGHT_CM, CommonSettings
from ...errors import ActivityNotFound, InsufficientData
from ...sequence import PoseSequence
from . import body as pm
from . import hold
from .settings import PlankSettings
from .thresholds import (
    THRESHOLDS,
    PlankThresholds,
)

#: Low visibility gate: knees and the far side are often seen at 0.1-0.3 in a side view; landmarks
#: outside the image are removed separately (body.mask_out_of_frame).
CLEAN = CleanConfig(min_visibility=0.1, max_gap_s=0.25, cutoff_hz=6.0)


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
    judgements: hold.Judgements  # the per-frame input of the hold state machine
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


@dataclass(frozen=True)
class HoldQuality:
    """The hold's figures that need the whole hold: px_per_cm, offset_cm, offset_pct_trunk (T,) and
    steadiness and score (see body.steadiness, body.plank_score)."""

    px_per_cm: np.ndarray
    offset_cm: np.ndarray
    offset_pct_trunk: np.ndarray
    steadiness: pm.Steadiness
    score: pm.ScoreParts


def hold_quality(
    seq: PoseSequence,
    raw_masked: PoseSequence,
    f: pm.PlankFrames,
    line: pm.BodyLine,
    variant: str,
    cuts: np.ndarray,
    near: np.ndarray,
    in_hold: np.ndarray,
    unjudged: np.ndarray,
    good_pct: float | None,
    settings: CommonSettings,
    th: PlankThresholds = THRESHOLDS,
) -> HoldQuality:
    """Scale, hip offsets, steadiness and score of the main hold (`in_hold`, (T,) bool) of a cleaned
    sequence `seq` (its rows: `f`, `line`) and the same rows unsmoothed (`raw_masked`, for shaking).
    good_pct: % of the judged time in good form (None for a photo). Used by the clip analysis and by
    the Live page at the end of a session."""
    is_photo = len(seq) == 1
    px_cm = _px_per_cm(seq, cuts, settings.stature_cm)
    offset_cm = line.hip_offset_px / px_cm
    with np.errstate(invalid="ignore", divide="ignore"):
        offset_pct = 100.0 * line.hip_offset_px / f.trunk_px
    raw_f = pm.frame_features(raw_masked)
    raw_line = pm.body_line(raw_f, knee_variant=variant in pm.KNEE_VARIANTS)
    settled = in_hold & ~(near | unjudged)
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
    score = pm.plank_score(good_pct, mean_units, steady.hip_sway_cm, steady.sag_growth_cm, th)
    return HoldQuality(px_cm, offset_cm, offset_pct, steady, score)


def clean_plank(raw: PoseSequence) -> PoseSequence:
    """The plank's cleaning (its KindSpec.clean): see `prepare`."""
    return prepare(raw)[0]


def measure(
    raw: PoseSequence,
    settings: CommonSettings = CommonSettings(),
    options: PlankSettings = PlankSettings(),
    th: PlankThresholds = THRESHOLDS,
    seq: PoseSequence | None = None,
) -> PlankMeasurement:
    """Measure a plank on a raw PoseSequence (T == 1: a photo). seq: `raw` already cleaned by
    `clean_plank` (cleaned here when not given)."""
    raw_masked = pm.mask_out_of_frame(raw)
    cuts = pm.detect_cuts(raw_masked, th)
    if seq is None:
        seq = prepare(raw, th)[0]
    is_photo = len(seq) == 1
    f = pm.frame_features(seq)
    notes: list[str] = []
    near = pm.near_cut(f.t, cuts, th.cut_guard_s)

    # Variant: from the frames that look like a plank with either choice of distal point.
    provisional = pm.body_line(f, knee_variant=False)
    _, sustain0 = pm.position_masks(f, provisional, th)
    if options.variant != "auto":
        variant = pm.VariantDecision(options.variant, "override")
    else:
        raw_f = pm.frame_features(clean(raw, replace(CLEAN, min_visibility=0.0)) if len(raw) >= 3 else raw)
        rows = sustain0 if sustain0.any() else np.isfinite(provisional.body_line_deg)
        variant = pm.detect_variant(f, rows, th, fallback_knee_flexion_deg=raw_f.knee_flexion_deg)
    notes.extend(variant.notes)
    line = pm.body_line(f, knee_variant=variant.variant in pm.KNEE_VARIANTS)
    judged_frames = hold.judge(f, line, variant.variant, near, th)
    entry, sustain, trunk_only = judged_frames.entry, judged_frames.sustain, judged_frames.trunk_only

    if is_photo:
        holds: list[tuple[int, int]] = [(0, 0)] if sustain[0] else []
        in_hold = sustain.copy()
        unjudged = in_hold & trunk_only & ~near
        judged = in_hold & ~unjudged
        breaks = {k: ([(0, 0)] if (v & judged).any() else []) for k, v in judged_frames.faults.items()}
        good = judged & (not any(breaks.values()))
    else:
        run = hold.run_clip(judged_frames, pm.frame_interval_s(f.t), th)
        holds = [(h.first, h.last) for h in run.holds]
        in_hold, good, breaks = run.in_hold, run.good, run.breaks
        unjudged = in_hold & trunk_only & ~near
        judged = in_hold & ~unjudged
    good_pct = None  # a photo has no time: its score is the alignment part only
    if not is_photo and judged.any():
        good_pct = 100.0 * pm.time_s(f.t, good) / pm.time_s(f.t, judged)
    q = hold_quality(seq, raw_masked, f, line, variant.variant, cuts, near, in_hold, unjudged, good_pct, settings, th)

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
        judgements=judged_frames,
        breaks=breaks,
        good=good,
        px_per_cm=q.px_per_cm,
        offset_cm=q.offset_cm,
        offset_pct_trunk=q.offset_pct_trunk,
        steadiness=q.steadiness,
        score=q.score,
        is_photo=is_photo,
        scale_assumed=settings.scale_assumed,
        stature_cm=settings.stature_cm,
        notes=notes,
    )


def measure_plank(
    raw: PoseSequence,
    settings: CommonSettings = CommonSettings(),
    options: PlankSettings = PlankSettings(),
    source: str = "",
    th: PlankThresholds = THRESHOLDS,
    seq: PoseSequence | None = None,
) -> PlankMeasurement:
    """measure() and the checks that there is a plank (raises InsufficientData, ActivityNotFound)."""
    if not raw.present.any():
        raise InsufficientData(
            "no person in any frame: film the whole body from the side, camera at floor or hip height, 2-4 m away"
        )
    m = measure(raw, settings, options, th, seq)
    if not m.in_hold.any():
        raise ActivityNotFound(_no_plank_message(m, source, th))
    return m


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
