"""`kind = pose`: landmarks only. Pose estimation, cleaning and the skeleton video, no form analysis.

Useful for recording landmark tracks, checking a capture before filming more, and for the
throughput benchmark. Never chosen by `kind = auto`.
"""

from __future__ import annotations

import numpy as np

from ...analysis import AnalysisContext, KindResult, KindSpec, MetricValue, cleaner
from ...clean import CleanConfig
from ...config import NoSettings, setting_ref
from ...feedback import Finding
from ...landmarks import Landmark


def recognise(ctx: AnalysisContext) -> float:
    """Landmarks-only is asked for explicitly, never recognised."""
    return 0.0


def analyse(ctx: AnalysisContext) -> KindResult:
    q = ctx.quality
    hips = ctx.seq.midpoint(Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    metrics: dict[str, MetricValue] = {
        "person_fraction": round(q.person_fraction, 4),
        "mean_visibility": round(q.mean_visibility, 4),
        "longest_gap_s": round(q.longest_gap_s, 3),
        "near_side": q.near_side,
        "facing": q.facing,
    }
    findings = [
        Finding(
            severity="info",
            title="Landmarks only",
            detail=(
                f"A person was found in {q.person_fraction:.0%} of {q.frames} frames (mean visibility "
                f"{q.mean_visibility:.2f}); the {q.near_side} side is nearer the camera."
            ),
            why=f"No form analysis was asked for ({setting_ref('kind')} is pose).",
            cue=f"Set {setting_ref('kind')} to wall, plank or run (or auto) for feedback on form.",
        )
    ]
    return KindResult(
        kind="pose",
        metrics=metrics,
        findings=findings,
        series={"hip_height_px": ctx.info.height - hips[:, 1]} if len(ctx.seq) > 1 else {},
        details={"frames_with_person": int(np.sum(ctx.seq.present))},
    )


SPEC = KindSpec(
    name="pose",
    label="Landmarks only",
    headline=("person_fraction", "mean_visibility"),
    settings=NoSettings,
    clean=cleaner(CleanConfig()),
    recognise=recognise,
    analyse=analyse,
    auto=False,
    summary="the pose landmarks and a skeleton video, without a form analysis",
)
