"""The legs' periodicity: the step period from the autocorrelation of a label-free signal of the
feet's alternation (their forward separation in a side view, their height difference from behind).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from .signals import parabolic_vertex
from .thresholds import MIN_STEP_PERIOD_S, OCTAVE_SHARE


def autocorrelation(x: np.ndarray, max_lag: int) -> np.ndarray:
    """Normalised autocorrelation of a signal with NaN gaps, lags 0..max_lag (each lag uses only the
    pairs where both samples exist)."""
    x = np.asarray(x, float)
    m = np.isfinite(x)
    if m.sum() < 3:
        return np.full(max_lag + 1, np.nan)
    xc = np.where(m, x - np.nanmean(x), 0.0)
    mf = m.astype(float)
    ac = np.full(max_lag + 1, np.nan)
    for k in range(min(max_lag, len(x) - 2) + 1):
        a, b = xc[: len(x) - k], xc[k:]
        pair = mf[: len(x) - k] * mf[k:]
        if pair.sum() < max(3, 0.2 * len(x)) and k > 0:
            break
        num = np.sum(a * b * pair)
        den = np.sqrt(np.sum(a * a * pair) * np.sum(b * b * pair))
        ac[k] = num / den if den > 0 else np.nan
    return ac


@dataclass(frozen=True)
class Periodicity:
    """step_rows: step period in rows (fractional); step_s: the same in seconds; strength: the
    autocorrelation at that lag, or at the stride's when higher (0-1: how cyclic the legs move); amplitude: robust range of the
    feet's separation in leg lengths (how much the legs move at all)."""

    step_rows: float
    step_s: float
    strength: float
    amplitude: float


def separation_signal(signals: dict[str, dict[str, np.ndarray]], view: str) -> np.ndarray:
    """(T,) a label-free signal of the legs' alternation: the feet's forward separation (side view)
    or their height difference (rear/front), in leg lengths. Its period is one step."""
    key = "ankle_fwd" if view == "side" else "ankle_down"
    return np.abs(signals["L"][key] - signals["R"][key])


def fundamental_lag(ac: np.ndarray, peaks: np.ndarray, lag: int) -> int:
    """The step lag given a chosen autocorrelation peak `lag`: a peak at about half of it (0.4-0.6)
    with a positive autocorrelation is the step, and `lag` a stride. The feet's separation repeats
    every step (the legs alternate); a difference between the legs (a limp, or the model placing the
    far leg's ankle off) adds a component that repeats only every stride and can make the stride's
    peak the higher one. A signal whose true period is `lag` is anti-correlated at half of it (the
    separation's single hump per step: about -0.9), so a positive peak there means the movement
    repeats at the half lag: the legs' alternation is the fundamental. Applied again while it holds."""
    while True:
        near = [int(p) for p in peaks if 0.4 * lag <= p <= 0.6 * lag and np.isfinite(ac[p]) and ac[p] > 0.0]
        if not near:
            return lag
        lag = max(near, key=lambda p: float(ac[p]))


def sped_up_lag(ac: np.ndarray, quick: np.ndarray, lag: int) -> int:
    """The step lag when the legs cycle faster than any person steps (a sped-up clip): the shortest
    peak `quick` (below MIN_STEP_PERIOD_S) that divides the chosen `lag` a whole number of times
    (within a tenth of itself or a row) with at least OCTAVE_SHARE of its periodicity, or that
    halves it with a positive one (as `fundamental_lag` reads a stride); else `lag`. A 2x
    time-lapse of a 170 steps/min run shows 340: its step is shorter than the search allows, and the
    stride (or three steps) would be taken for it. A jitter of the landmarks at a period that does
    not divide the step is no step."""
    for p in sorted(int(q) for q in quick):
        k = round(lag / p)
        if k < 2 or abs(lag - k * p) > max(1.0, 0.1 * p) or not np.isfinite(ac[p]):
            continue
        if ac[p] >= OCTAVE_SHARE * ac[lag] or (k == 2 and ac[p] > 0.0):
            return p
    return lag


def step_periodicity(signals: dict[str, dict[str, np.ndarray]], view: str, timestamps_s: np.ndarray) -> Periodicity:
    """The step period from the autocorrelation of the feet's separation (label-free, so label swaps
    do not matter): its first strong peak (at least OCTAVE_SHARE of the strongest) between
    MIN_STEP_PERIOD_S (at least 3 rows) and half the clip (compared with peaks up to 2.2 x the
    first one). A left/right asymmetry adds a stride peak; the share rule keeps the step, and a
    chosen stride peak gives way to a positive peak at half its lag (`fundamental_lag`). A shorter
    peak that divides the chosen one is the step of a sped-up clip (`sped_up_lag`)."""
    sep = separation_signal(signals, view)
    n = len(sep)
    finite = sep[np.isfinite(sep)]
    amplitude = float(np.percentile(finite, 95) - np.percentile(finite, 5)) if finite.size > 4 else 0.0
    dt = float(np.median(np.diff(timestamps_s))) if n > 1 else 0.0
    nothing = Periodicity(float("nan"), float("nan"), 0.0, amplitude)
    if n < 8 or finite.size < 8:
        return nothing
    ac = autocorrelation(sep, n // 2)
    valid = np.isfinite(ac)
    peaks, _ = find_peaks(np.where(valid, ac, -1.0))
    quick = peaks[peaks >= 3]
    peaks = peaks[peaks >= max(3.0, MIN_STEP_PERIOD_S / dt if dt > 0 else 0.0)]
    all_peaks = peaks
    if not peaks.size:
        return nothing
    positive = peaks[np.nan_to_num(ac[peaks], nan=-1.0) > 0.1]
    if not positive.size:
        return nothing
    # Compare only with the peaks up to 2.2 x the first one (the stride, if the step comes first):
    # peaks at long lags rest on few pairs and can be spuriously high.
    peaks = peaks[peaks <= 2.2 * positive[0]]
    vals = ac[peaks]
    best = float(np.nanmax(vals)) if np.isfinite(vals).any() else 0.0
    if best <= 0:
        return nothing
    first = int(peaks[np.flatnonzero(np.nan_to_num(vals, nan=-1.0) >= OCTAVE_SHARE * best)[0]])
    first = sped_up_lag(ac, quick[quick < peaks[0]], first)
    chosen = first
    first = fundamental_lag(ac, all_peaks, first)
    step = parabolic_vertex(ac, first)
    # How cyclic: at the step, or at the stride when the legs differ (the stride repeats either way).
    strength = float(np.nanmax([ac[first], ac[chosen] if chosen != first else -1.0]))
    return Periodicity(step, step * dt, max(0.0, strength), amplitude)
