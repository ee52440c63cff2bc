"""Does the clip look like a plank? Body near horizontal, supported, held still."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...analysis import AnalysisContext
from ...sequence import PoseSequence
from . import body as pm
from .measure import CLEAN, prepare
from .thresholds import (
    THRESHOLDS,
    PlankThresholds,
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
    """0-1 (see recognition_score), from the raw landmarks: the plank's own cleaning is applied."""
    return recognition_score(ctx.raw)
