"""The gait's cleaning, done once: the unsmoothed cleaned copy (for sub-frame event refinement), the
step period seen in it, and the smoothed sequence the analysis measures, with the config used.

A slow-motion clip cycles slowly in file time: its config is scaled to the movement's own time
scale (gaps up to 0.3 step filled, a cut-off of 4.5 step frequencies), never above the real-time
values' meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ...clean import CleanConfig, clean, smooth
from ...sequence import PoseSequence
from .thresholds import (
    CLEAN_CUTOFF_HZ,
    CLEAN_MAX_GAP_S,
    CLEAN_MIN_VISIBILITY,
    CLEAN_OUTLIER_MIN_FRACTION,
    SLOW_CUTOFF_STEPS,
    SLOW_GAP_STEPS,
    SLOW_MAX_GAP_S,
    SLOW_STEP_S,
)
from .view import detect_view, gait_periodicity

#: The gait's cleaning config in real time (see thresholds for each value's reasoning).
CLEAN = CleanConfig(
    min_visibility=CLEAN_MIN_VISIBILITY,
    max_gap_s=CLEAN_MAX_GAP_S,
    cutoff_hz=CLEAN_CUTOFF_HZ,
    outlier_min_px=CLEAN_OUTLIER_MIN_FRACTION,
)


@dataclass
class GaitSequence(PoseSequence):
    """The gait's cleaned sequence (smoothed), carrying the same before the low-pass filter
    (`unsmoothed`, same rows; None when not known) and the config used (`config`). Selecting rows
    selects them in both."""

    unsmoothed: PoseSequence | None = None
    config: CleanConfig = field(default_factory=CleanConfig)

    def __getitem__(self, item: slice | np.ndarray) -> PoseSequence:
        part = None if self.unsmoothed is None else self.unsmoothed[item]
        return gait_sequence(super().__getitem__(item), part, self.config)


def gait_sequence(seq: PoseSequence, unsmoothed: PoseSequence | None, config: CleanConfig) -> GaitSequence:
    """`seq` as a GaitSequence carrying `unsmoothed` and `config`."""
    return GaitSequence(
        xy=seq.xy,
        z=seq.z,
        visibility=seq.visibility,
        timestamps_s=seq.timestamps_s,
        frame_size=seq.frame_size,
        fps=seq.fps,
        world=seq.world,
        frame_index=seq.frame_index,
        unsmoothed=unsmoothed,
        config=config,
    )


def adapted_config(seq: PoseSequence) -> CleanConfig:
    """CLEAN scaled to the movement's own time scale when the legs cycle slowly in file time (slow
    motion), from the step period of the sequence cleaned with CLEAN."""
    if len(seq) < 8:
        return CLEAN
    per, _, _ = gait_periodicity(seq, detect_view(seq))
    if not np.isfinite(per.step_s) or per.step_s <= SLOW_STEP_S:
        return CLEAN
    return replace(
        CLEAN,
        max_gap_s=float(min(SLOW_MAX_GAP_S, SLOW_GAP_STEPS * per.step_s)),
        cutoff_hz=float(min(CLEAN.cutoff_hz or CLEAN_CUTOFF_HZ, SLOW_CUTOFF_STEPS / per.step_s)),
    )


def _smoothed(unsmoothed: PoseSequence, config: CleanConfig) -> PoseSequence:
    """The last step of `clean` (the low-pass filter) on an already cleaned sequence."""
    if len(unsmoothed) < 3 or not config.cutoff_hz:
        return unsmoothed
    return smooth(unsmoothed, config.cutoff_hz, config.filter_order)


def clean_for_gait(raw: PoseSequence) -> GaitSequence:
    """The gait's cleaning of `raw` (its KindSpec.clean): CLEAN without smoothing, then smoothed; for
    a slow-motion clip again with the adapted config. The result carries its unsmoothed copy."""
    unsmoothed = clean(raw, replace(CLEAN, cutoff_hz=None))
    seq = _smoothed(unsmoothed, CLEAN)
    config = adapted_config(seq)
    if config != CLEAN:
        unsmoothed = clean(raw, replace(config, cutoff_hz=None))
        seq = _smoothed(unsmoothed, config)
    return gait_sequence(seq, unsmoothed, config)


def unsmoothed_copy(seq: PoseSequence, raw: PoseSequence) -> PoseSequence:
    """The unsmoothed copy of the gait's cleaned `seq`; for a sequence that was not cleaned by
    `clean_for_gait` (a context built by hand), made from `raw` here."""
    if isinstance(seq, GaitSequence) and seq.unsmoothed is not None and len(seq.unsmoothed) == len(seq):
        return seq.unsmoothed
    return clean_for_gait(raw).unsmoothed or raw
