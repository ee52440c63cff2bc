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
    CUTOFF_STEPS,
    GRID_JITTER,
    GRID_MAX_BRIDGE_S,
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
    """CLEAN with its low-pass cut-off at CUTOFF_STEPS step frequencies, the gait's own bandwidth,
    from the step period of the sequence cleaned with CLEAN (12 Hz for a run at 160 steps/min, 8.4 Hz
    for a walk at 113, 15.8 Hz at 210; a fixed cut-off in Hz would smooth a faster runner's stride
    more than a slower one's and move its events); when the legs cycle slowly in file time (slow
    motion) the filled gaps are scaled to the step too."""
    if len(seq) < 8:
        return CLEAN
    rate = uniform_rate(seq.timestamps_s)
    if rate is not None:
        # The step period in rows of a clip with uneven frames is not a period in time: measure it
        # on the uniform grid (a 30%-dropped clip would otherwise read 30% fast).
        seq = on_grid(seq, rate, max_bridge_s=SLOW_MAX_GAP_S)
    per, _, _ = gait_periodicity(seq, detect_view(seq))
    if not np.isfinite(per.step_s) or per.step_s <= 0:
        return CLEAN
    cutoff = float(CUTOFF_STEPS / per.step_s)
    if per.step_s <= SLOW_STEP_S:
        return replace(CLEAN, cutoff_hz=cutoff)
    return replace(CLEAN, max_gap_s=float(min(SLOW_MAX_GAP_S, SLOW_GAP_STEPS * per.step_s)), cutoff_hz=cutoff)


def _smoothed(unsmoothed: PoseSequence, config: CleanConfig) -> PoseSequence:
    """The last step of `clean` (the low-pass filter) on an already cleaned sequence."""
    if len(unsmoothed) < 3 or not config.cutoff_hz:
        return unsmoothed
    return smooth(unsmoothed, config.cutoff_hz, config.filter_order)


def clean_for_gait(raw: PoseSequence) -> GaitSequence:
    """The gait's cleaning of `raw` (its KindSpec.clean): CLEAN without smoothing, smoothed at 12 Hz
    to measure the step period, then smoothed at the gait's own cut-off (`adapted_config`; a
    slow-motion clip cleaned again with its longer gaps). The result carries its unsmoothed copy."""
    unsmoothed = clean(raw, replace(CLEAN, cutoff_hz=None))
    seq = _smoothed(unsmoothed, CLEAN)
    config = adapted_config(seq)
    if config.max_gap_s != CLEAN.max_gap_s:
        unsmoothed = clean(raw, replace(config, cutoff_hz=None))
    if config != CLEAN:
        seq = _smoothed(unsmoothed, config)
    return gait_sequence(seq, unsmoothed, config)


def unsmoothed_copy(seq: PoseSequence, raw: PoseSequence) -> PoseSequence:
    """The unsmoothed copy of the gait's cleaned `seq`; for a sequence that was not cleaned by
    `clean_for_gait` (a context built by hand), made from `raw` here."""
    if isinstance(seq, GaitSequence) and seq.unsmoothed is not None and len(seq.unsmoothed) == len(seq):
        return seq.unsmoothed
    return clean_for_gait(raw).unsmoothed or raw


def uniform_rate(timestamps_s: np.ndarray) -> float | None:
    """The rate (1 / median interval, Hz) to resample a clip at when its frames are not evenly spaced
    in time (a variable frame rate: dropped frames, a phone's low-light rate), else None. Evenly
    spaced: every interval within GRID_JITTER of the median (millisecond rounding of 29.97 fps
    timestamps is 3%)."""
    if len(timestamps_s) < 3:
        return None
    dt = np.diff(timestamps_s)
    median = float(np.median(dt))
    if median <= 0 or float(np.max(np.abs(dt - median))) <= GRID_JITTER * median:
        return None
    return 1.0 / median


def on_grid(seq: PoseSequence, rate_hz: float, max_bridge_s: float = GRID_MAX_BRIDGE_S) -> PoseSequence:
    """`seq` resampled on a uniform time grid at `rate_hz` from its first timestamp: positions (and
    world landmarks) linearly between the two frames around each grid time, visibility the lower of
    the two, frame_index the nearer one; NaN where the two frames are further apart than
    `max_bridge_s` (a long gap stays a gap). Filtering and event detection assume equally spaced
    samples: this is what lets them run on a variable-frame-rate clip."""
    t = seq.timestamps_s
    grid = t[0] + np.arange(int(np.floor((t[-1] - t[0]) * rate_hz + 1e-6)) + 1) / rate_hz
    hi = np.clip(np.searchsorted(t, grid, side="right"), 1, len(t) - 1)
    lo = hi - 1
    span = t[hi] - t[lo]
    w = np.clip((grid - t[lo]) / np.where(span > 0, span, 1.0), 0.0, 1.0)
    bridged = span <= max_bridge_s

    def mix(a: np.ndarray) -> np.ndarray:
        shape = (-1,) + (1,) * (a.ndim - 1)
        out = a[lo] * (1 - w).reshape(shape) + a[hi] * w.reshape(shape)
        out[~bridged] = np.nan
        return out

    nearest = np.where(w < 0.5, lo, hi)
    visibility = np.minimum(seq.visibility[lo], seq.visibility[hi])
    visibility[~bridged] = 0.0
    return PoseSequence(
        xy=mix(seq.xy),
        z=mix(seq.z),
        visibility=visibility,
        timestamps_s=grid,
        frame_size=seq.frame_size,
        fps=rate_hz,
        world=None if seq.world is None else mix(seq.world),
        frame_index=seq.frame_index[nearest],
    )


def gridded(seq: PoseSequence, raw: PoseSequence, rate_hz: float) -> tuple[PoseSequence, PoseSequence, PoseSequence]:
    """(smoothed, unsmoothed, raw) on the uniform grid: the unsmoothed cleaned copy resampled, then
    low-pass filtered on the grid with the cleaning's cut-off (see `on_grid`)."""
    config = seq.config if isinstance(seq, GaitSequence) else CLEAN
    # A gap the cleaning would fill is bridged on the grid too: in slow motion the movement's own
    # time scale is longer and so is the gap that loses nothing of it (see `adapted_config`).
    bridge = max(GRID_MAX_BRIDGE_S, config.max_gap_s)
    unsmoothed = on_grid(unsmoothed_copy(seq, raw), rate_hz, bridge)
    return _smoothed(unsmoothed, config), unsmoothed, on_grid(raw, rate_hz, bridge)
