"""Walking or running from the pelvis's motion, not the feet's: a walker vaults over the stance leg
(an inverted pendulum: the body highest at mid stance, lowest in double support), a runner bounces
on it (a spring: lowest at mid stance, highest in flight) (Cavagna, Heglund & Taylor 1977; Farley &
Ferris 1998). In a side view mid stance is when the feet pass each other under the hips (their
horizontal separation smallest), and the feet are furthest apart at double support (walking) or in
flight (running), so the pelvis's height at the one against the other tells the two mechanics apart
without timing a single contact or toe-off: the cue for clips whose toe-offs leave the gait open.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .signals import interior_peaks, robust_range, value_at_row
from .thresholds import MIN_PROMINENCE_FRACTION, MIN_STEPS, PELVIS_MECHANICS_MARGIN


@dataclass(frozen=True)
class PelvisMechanics:
    """score: the median over steps of the pelvis's height where the feet pass each other minus its
    mean height at the feet's widest stance either side, in units of the pelvis's 5-95% range
    (-1: lowest at mid stance, a bounce; +1: highest, a vault); steps: the steps measured."""

    score: float
    steps: int

    @property
    def flight(self) -> bool | None:
        """True (running), False (walking), or None when too few steps or too small a score decide."""
        if self.steps < MIN_STEPS or not np.isfinite(self.score) or abs(self.score) < PELVIS_MECHANICS_MARGIN:
            return None
        return bool(self.score < 0)


def pelvis_mechanics(ankle_fwd: dict[str, np.ndarray], pelvis_up: np.ndarray, step_rows: float) -> PelvisMechanics:
    """The pelvis's height at mid stance against its height with the feet apart. ankle_fwd: per foot
    'L'/'R', (T,) forward position of the ankle relative to the hips (any unit); pelvis_up: (T,) the
    pelvis's height with its drift removed (+ = up, any unit); step_rows: the step period in rows."""
    sep = np.abs(ankle_fwd["L"] - ankle_fwd["R"])
    prom = MIN_PROMINENCE_FRACTION * robust_range(sep)
    amplitude = robust_range(pelvis_up)
    if prom <= 0 or amplitude <= 0 or not np.isfinite(step_rows):
        return PelvisMechanics(float("nan"), 0)
    passing = interior_peaks(-sep, 0.6 * step_rows, prom)
    apart = np.array(interior_peaks(sep, 0.6 * step_rows, prom))
    scores = []
    for row in passing:
        before, after = apart[apart < row], apart[apart > row]
        if not before.size or not after.size or after[0] - before[-1] > 1.5 * step_rows:
            continue  # a feet-apart instant missed: not one step
        mid, a, b = (value_at_row(pelvis_up, r) for r in (row, before[-1], after[0]))
        if np.isfinite([mid, a, b]).all():
            scores.append((mid - (a + b) / 2) / amplitude)
    return PelvisMechanics(float(np.median(scores)) if scores else float("nan"), len(scores))
