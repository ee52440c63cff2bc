"""Running and walking gait as the pipeline sees it: the gait's cleaning (once, adapted to slow
motion; `cleaning`) -> the gait analysis in stages (`gait`) -> the result (ranges, findings,
overlay; `findings`).

Side view: cadence, step/contact/flight times, trunk lean, overstride, shank angle, knee flexion,
foot strike, vertical oscillation, arm swing, left/right symmetry. Rear/front view: pelvic drop,
step width, knee medial collapse (2D proxies). Walking is recognised (no flight phase) and gets the
metrics that apply.

The stages (and SciPy under them, about 0.7 s to import) are imported when the analysis first runs,
not with the registry: the command line and the app read the registry at start-up, and the pose
pass imports them in the background (the pose source's ANALYSIS_MODULES).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ...analysis import AnalysisContext, KindResult, KindSpec
from ...sequence import PoseSequence
from .settings import RunSettings

if TYPE_CHECKING:
    from ...steadying import Steadying
    from .gait import GaitAnalysis


def clean(raw: PoseSequence) -> PoseSequence:
    """The gait's cleaning (`cleaning.clean_for_gait`)."""
    from .cleaning import clean_for_gait

    return clean_for_gait(raw)


def recognise(ctx: AnalysisContext) -> float:
    """0-1: cyclic, alternating leg motion of an upright person (walking or running)."""
    if ctx.info.is_photo or len(ctx.seq) < 8:
        return 0.0
    from .view import gait_score

    return gait_score(ctx.seq)


def prefer(ctx: AnalysisContext) -> float:
    """0-1, between people both recognised as walking or running: how cyclically their legs move
    (`view.gait_strength`, the periodicity at the step) times the share of the frames they are seen
    in (the cycles seen). A walker crossing the picture repeats every step; a bystander who shifts
    about, or a track that strays from one person to another, less so; and of one runner's track
    broken in two, the longer piece."""
    from .view import detect_view, gait_periodicity, gait_strength

    seq = ctx.seq
    if len(seq) < 8 or not seq.present.any():
        return 0.0
    view = detect_view(seq)
    per, _, _ = gait_periodicity(seq, view)
    if not np.isfinite(per.step_rows):
        return 0.0
    return gait_strength(seq, per, view) * float(ctx.raw.present.mean())


def analyse(ctx: AnalysisContext) -> KindResult:
    """Gait analysis of the clip in `ctx` (raises ActivityNotFound / InsufficientData). A shaking
    camera's landmarks are steadied against the background first (`steadying`), then cleaned again.
    A clip whose frames are not evenly spaced in time is analysed on a uniform time grid
    (`cleaning.on_grid`); the result's per-frame series and marks are then read back at the frames'
    own times. The drawn skeleton and markers stay where the camera saw them (`ctx.seq`)."""
    from ...steadying import steadied
    from .cleaning import clean_for_gait, gridded, uniform_rate, unsmoothed_copy
    from .findings import build_result
    from .gait import GaitInputs, analyse_gait

    options = ctx.options
    assert isinstance(options, RunSettings)
    raw, steadying = steadied(ctx.raw)
    measured = clean_for_gait(raw) if steadying.applied else ctx.seq
    rate = uniform_rate(measured.timestamps_s)
    if rate is None:
        seq, sharp = measured, unsmoothed_copy(measured, raw)
    else:
        seq, sharp, raw = gridded(measured, raw, rate)
    gait = analyse_gait(
        GaitInputs(
            seq=seq,
            sharp=sharp,
            raw=raw,
            view=options.view,
            gait=options.gait,
            stature_cm=ctx.settings.stature_cm,
            scale_assumed=ctx.settings.scale_assumed,
        )
    )
    if rate is not None:
        gait = at_frames(gait, seq.timestamps_s, ctx.seq.timestamps_s, rate)
    return build_result(with_steadying(gait, steadying), ctx.seq)


def with_steadying(gait: GaitAnalysis, steadying: Steadying) -> GaitAnalysis:
    """`gait` with what steadying did in its details (`camera_steadied`) and, when it moved the
    landmarks, a note saying so."""
    details = dict(gait.details) | {
        "camera_steadied": {
            "applied": steadying.applied,
            "hip_correction_rms_px": round(steadying.rms_px, 2),
            "hip_correction_max_px": round(steadying.max_px, 2),
            "reason": steadying.reason,
        }
    }
    notes = gait.reliability
    if steadying.applied:
        notes = [
            *notes,
            f"the camera shook or drifted (measured from the background: it moved the hips by "
            f"{steadying.rms_px:.1f} px RMS, up to {steadying.max_px:.0f} px, against a steady camera): the "
            f"landmarks were steadied before measuring; a tripod or a phone held still measures better",
        ]
    return replace(gait, details=details, reliability=notes)


def at_frames(gait: GaitAnalysis, grid_s: np.ndarray, frames_s: np.ndarray, rate_hz: float) -> GaitAnalysis:
    """A result measured on the uniform grid `grid_s` with its per-frame series and far-leg marks read
    at the frames' times `frames_s`, and the resampling said in its details and notes."""
    series = {
        name: np.interp(frames_s, grid_s, values, left=np.nan, right=np.nan) for name, values in gait.series.items()
    }
    rows = np.clip(np.searchsorted(grid_s, frames_s), 0, len(grid_s) - 1)
    occluded = gait.occluded_rows[rows] if gait.occluded_rows.size == len(grid_s) else gait.occluded_rows
    intervals = np.diff(frames_s)
    details = dict(gait.details) | {
        "resampled_to_fps": round(rate_hz, 3),
        "frame_interval_max_ms": round(1000 * float(intervals.max()), 1),
    }
    note = (
        f"the frames are not evenly spaced in time (variable frame rate: intervals of "
        f"{1000 * intervals.min():.0f}-{1000 * intervals.max():.0f} ms): the landmarks were resampled on a uniform "
        f"{rate_hz:.3g} Hz time grid before filtering and event detection"
    )
    return replace(gait, series=series, occluded_rows=occluded, details=details, reliability=[*gait.reliability, note])


SPEC = KindSpec(
    name="run",
    label="Running / walking gait",
    headline=(
        "gait",
        "view",
        "cadence_spm",
        "contact_ms",
        "trunk_lean_deg",
        "overstride_cm",
        "vertical_oscillation_cm",
    ),
    settings=RunSettings,
    clean=clean,
    recognise=recognise,
    prefer=prefer,
    analyse=analyse,
    summary="cadence, contact time, trunk lean, overstride, knee flexion, oscillation, pelvic drop, symmetry",
    compare_by=("gait", "view"),
)
