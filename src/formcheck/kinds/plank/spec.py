"""The plank analysis as the pipeline sees it: measure -> result (metrics, events, findings, overlay)."""

from __future__ import annotations

from ...analysis import AnalysisContext, KindResult, KindSpec
from ...config import CommonSettings
from ...sequence import PoseSequence
from .measure import clean_plank, measure_plank
from .recognise import recognise
from .result import build_result
from .settings import PlankSettings


def analyse_sequence(
    raw: PoseSequence,
    settings: CommonSettings = CommonSettings(),
    options: PlankSettings = PlankSettings(),
    source: str = "",
) -> KindResult:
    """The plank analysis of a raw sequence without a pipeline (a recorded track, a generated plank)."""
    return build_result(measure_plank(raw, settings, options, source=source))


def analyse(ctx: AnalysisContext) -> KindResult:
    """The plank analysis on the context's person; raises ActivityNotFound when there is no plank."""
    options = ctx.options
    assert isinstance(options, PlankSettings)
    return build_result(measure_plank(ctx.raw, ctx.settings, options, source=ctx.info.path, seq=ctx.seq))


SPEC = KindSpec(
    name="plank",
    label="Plank hold",
    headline=("variant", "hold_s", "good_form_pct", "score"),
    settings=PlankSettings,
    clean=clean_plank,
    recognise=recognise,
    analyse=analyse,
    summary="how long a plank is held, how long in good form, sag and pike, steadiness",
    compare_by=("variant",),
)
