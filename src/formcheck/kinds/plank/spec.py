"""The plank analysis as the pipeline sees it: measure -> result (metrics, events, findings, overlay).

The measurement (and SciPy under it) is imported when the analysis first runs, not with the
registry (see kinds/run/spec.py)."""

from __future__ import annotations

from ...analysis import AnalysisContext, KindResult, KindSpec
from ...config import CommonSettings
from ...sequence import PoseSequence
from .settings import PlankSettings


def clean(raw: PoseSequence) -> PoseSequence:
    """The plank's cleaning (`measure.clean_plank`)."""
    from .measure import clean_plank

    return clean_plank(raw)


def recognise(ctx: AnalysisContext) -> float:
    """0-1: a plank held (`recognise.recognise`)."""
    from .recognise import recognise as plank_score

    return plank_score(ctx)


def analyse_sequence(
    raw: PoseSequence,
    settings: CommonSettings = CommonSettings(),
    options: PlankSettings = PlankSettings(),
    source: str = "",
) -> KindResult:
    """The plank analysis of a raw sequence without a pipeline (a recorded track, a generated plank)."""
    from .measure import measure_plank
    from .result import build_result

    return build_result(measure_plank(raw, settings, options, source=source))


def analyse(ctx: AnalysisContext) -> KindResult:
    """The plank analysis on the context's person; raises ActivityNotFound when there is no plank."""
    from .measure import measure_plank
    from .result import build_result

    options = ctx.options
    assert isinstance(options, PlankSettings)
    return build_result(measure_plank(ctx.raw, ctx.settings, options, source=ctx.info.path, seq=ctx.seq))


SPEC = KindSpec(
    name="plank",
    label="Plank hold",
    headline=("variant", "hold_s", "good_form_pct", "score"),
    settings=PlankSettings,
    clean=clean,
    recognise=recognise,
    analyse=analyse,
    summary="how long a plank is held, how long in good form, sag and pike, steadiness",
    compare_by=("variant",),
)
