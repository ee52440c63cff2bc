"""The wall test as the pipeline sees it: measure -> summarise -> findings -> overlay."""

from __future__ import annotations

from ...analysis import AnalysisContext, KindResult, KindSpec, cleaner
from . import thresholds as R
from .findings import build_findings
from .key_frames import wall_key_frames
from .measure import CLEAN, measure, summarise
from .overlay import WallOverlay
from .recognise import recognise
from .settings import WallSettings


def analyse(ctx: AnalysisContext) -> KindResult:
    """The wall test on the context's person (raises ActivityNotFound, WrongView, InsufficientData)."""
    options = ctx.options
    assert isinstance(options, WallSettings)
    measured = measure(ctx)
    rule = R.LORDOSIS_RULES[options.lordosis_rule]
    s = summarise(ctx, measured, options.hand_cm, rule)
    return KindResult(
        kind=SPEC.name,
        metrics=s.metrics,
        references=s.references,
        findings=build_findings(s.metrics, s.references, s.sigma_cm, rule, options.hand_cm),
        events=s.events,
        series=s.series,
        details=s.details,
        reliability=s.reliability,
        overlay=WallOverlay(
            measured.measures,
            gap_label_cm=measured.gap_cm,
            hand_cm=options.hand_cm,
            seq=ctx.seq,
            stretch=measured.stretch,
        ),
        key_frames=wall_key_frames(measured.measures, s.metrics, ctx.info.is_photo),
    )


SPEC = KindSpec(
    name="wall",
    label="Wall test and standing posture",
    headline=("lumbar_gap_cm", "lumbar_gap_hands", "lordosis_class", "craniovertebral_angle_deg"),
    settings=WallSettings,
    clean=cleaner(CLEAN),
    recognise=recognise,
    analyse=analyse,
    summary="the gap between the lower back and the wall, and standing posture from the side",
)
