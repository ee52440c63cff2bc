"""`--kind pose`: landmarks only. Pose estimation, cleaning and the skeleton video, no form analysis.

Useful for recording landmark tracks, checking a capture before filming more, and for the
throughput benchmark. Never chosen by `--kind auto`.
"""

from __future__ import annotations

import numpy as np

from ..analysis import AnalysisContext, KindResult
from ..clean import CleanConfig
from ..feedback import Finding
from ..landmarks import Landmark

NAME = "pose"
CLEAN = CleanConfig()


def recognise(ctx: AnalysisContext) -> float:
    """Landmarks-only is asked for explicitly, never recognised."""
    return 0.0


def analyse(ctx: AnalysisContext) -> KindResult:
    q = ctx.quality
    hips = ctx.seq.midpoint(Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    metrics = {
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
            why="No form analysis was asked for (--kind pose).",
            cue="Choose --kind wall, plank or run (or auto) for feedback on form.",
        )
    ]
    return KindResult(
        kind=NAME,
        metrics=metrics,
        findings=findings,
        series={"hip_height_px": ctx.info.height - hips[:, 1]} if len(ctx.seq) > 1 else {},
        details={"frames_with_person": int(np.sum(ctx.seq.present))},
    )
