"""Running and walking gait as the pipeline sees it: the gait's cleaning (once, adapted to slow
motion; `cleaning`) -> the gait analysis in stages (`gait`) -> the result (ranges, findings,
overlay; `findings`).

Side view: cadence, step/contact/flight times, trunk lean, overstride, shank angle, knee flexion,
foot strike, vertical oscillation, arm swing, left/right symmetry. Rear/front view: pelvic drop,
step width, knee medial collapse (2D proxies). Walking is recognised (no flight phase) and gets the
metrics that apply.
"""

from __future__ import annotations

from ...analysis import AnalysisContext, KindResult, KindSpec
from .cleaning import clean_for_gait, unsmoothed_copy
from .findings import build_result
from .gait import GaitInputs, analyse_gait
from .settings import RunSettings
from .view import gait_score


def recognise(ctx: AnalysisContext) -> float:
    """0-1: cyclic, alternating leg motion of an upright person (walking or running)."""
    if ctx.info.is_photo or len(ctx.seq) < 8:
        return 0.0
    return gait_score(ctx.seq)


def analyse(ctx: AnalysisContext) -> KindResult:
    """Gait analysis of the clip in `ctx` (raises ActivityNotFound / InsufficientData)."""
    options = ctx.options
    assert isinstance(options, RunSettings)
    gait = analyse_gait(
        GaitInputs(
            seq=ctx.seq,
            sharp=unsmoothed_copy(ctx.seq, ctx.raw),
            raw=ctx.raw,
            view=options.view,
            stature_cm=ctx.settings.stature_cm,
            scale_assumed=ctx.settings.scale_assumed,
        )
    )
    return build_result(gait, ctx.seq)


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
    clean=clean_for_gait,
    recognise=recognise,
    analyse=analyse,
    summary="cadence, contact time, trunk lean, overstride, knee flexion, oscillation, pelvic drop, symmetry",
)
