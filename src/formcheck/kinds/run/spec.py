"""Running and walking gait as the pipeline sees it: clean (adapted to slow motion) -> gait analysis
(view, swaps, events, steps, summaries) -> result (ranges, findings, overlay).

Side view: cadence, step/contact/flight times, trunk lean, overstride, shank angle, knee flexion,
foot strike, vertical oscillation, arm swing, left/right symmetry. Rear/front view: pelvic drop,
step width, knee medial collapse (2D proxies). Walking is recognised (no flight phase) and gets the
metrics that apply.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...analysis import AnalysisContext, KindResult, KindSpec
from ...clean import CleanConfig, clean
from ...sequence import PoseSequence
from . import classify as gait_classify
from . import gait as mr
from .findings import build_result
from .settings import RunSettings

#: Gait cleaning: a higher cut-off than posture (running kinematics are usually filtered at 10-12 Hz;
#: `clean.smooth` skips filtering when the cut-off nears the Nyquist rate of a low frame rate), short
#: gaps only (0.1 s is under half a contact), and an outlier floor of 10% of body height so that a
#: fast foot at 30 fps is not mistaken for a glitch.
CLEAN = CleanConfig(min_visibility=0.3, max_gap_s=0.1, cutoff_hz=12.0, outlier_min_px=0.1)
#: The same without smoothing, for sub-frame event refinement.
SHARP = CleanConfig(min_visibility=0.3, max_gap_s=0.1, cutoff_hz=None, outlier_min_px=0.1)


def recognise(ctx: AnalysisContext) -> float:
    """0-1: cyclic, alternating leg motion of an upright person (walking or running)."""
    if ctx.info.is_photo or len(ctx.seq) < 8:
        return 0.0
    return gait_classify.gait_score(ctx.seq)


def analyse(ctx: AnalysisContext) -> KindResult:
    """Gait analysis of the clip in `ctx` (raises ActivityNotFound / InsufficientData)."""
    options = ctx.options
    assert isinstance(options, RunSettings)
    config = gait_clean_config(ctx.raw)
    sharp = clean(ctx.raw, replace(config, cutoff_hz=None)) if len(ctx.raw) >= 3 else ctx.raw
    gait = mr.analyse_gait(
        mr.GaitInputs(
            seq=ctx.seq,
            sharp=sharp,
            raw=ctx.raw,
            view=options.view,
            stature_cm=ctx.settings.stature_cm,
            scale_assumed=ctx.settings.scale_assumed,
        )
    )
    return build_result(gait, ctx.seq)


def gait_clean_config(raw: PoseSequence) -> CleanConfig:
    """The cleaning config for this clip: CLEAN, adapted to slow motion (see clean_config_for)."""
    seq = clean(raw, CLEAN)
    return clean_config_for(seq) if len(seq) >= 8 else CLEAN


def clean_gait(raw: PoseSequence) -> PoseSequence:
    """The gait's cleaning (its KindSpec.clean): CLEAN, or CLEAN adapted to a slow-motion clip."""
    return clean(raw, gait_clean_config(raw))


def clean_config_for(seq: PoseSequence) -> CleanConfig:
    """CLEAN scaled to the movement's own time scale when the legs cycle slowly in file time (slow
    motion): gaps up to 0.3 step are filled (0.1 s at 3 steps/s) and the cut-off is 4.5 step
    frequencies (12 Hz at 2.7 steps/s), never above CLEAN's values' real-time meaning."""
    view = gait_classify.detect_view(seq)
    per, _, _ = gait_classify.gait_periodicity(seq, view)
    if not np.isfinite(per.step_s) or per.step_s <= 0.4:
        return CLEAN
    return replace(
        CLEAN,
        max_gap_s=float(min(0.5, 0.3 * per.step_s)),
        cutoff_hz=float(min(CLEAN.cutoff_hz or 12.0, 4.5 / per.step_s)),
    )


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
    clean=clean_gait,
    recognise=recognise,
    analyse=analyse,
    summary="cadence, contact time, trunk lean, overstride, knee flexion, oscillation, pelvic drop, symmetry",
    compare_by=("gait", "view"),
)
