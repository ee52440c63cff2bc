"""Shared signals of the gait analysis, measured relative to the pelvis: the legs' landmarks, the
pelvis reference (hip centre), the leg length in pixels, the direction of travel, the per-foot
position signals, the step period from the legs' alternation, and small helpers for signals with
NaN gaps.

Positions are measured along the direction of travel and divided by the leg length in pixels, so
neither where the runner is in the frame nor how far from the camera matters.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter
from scipy.signal import find_peaks

from ...landmarks import Landmark as L
from ...sequence import PoseSequence

#: Leg landmarks used per foot: (hip, knee, ankle, heel, toe).
LEG_IDS = {
    "L": (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    "R": (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
}
FEET = ("L", "R")


# -- basic signals ----------------------------------------------------------------------------------


def hip_centre(seq: PoseSequence) -> np.ndarray:
    """(T, 2) pixels: midpoint of the two hip joint centres (the pelvis reference)."""
    return seq.midpoint(L.LEFT_HIP, L.RIGHT_HIP)


def leg_length_px(seq: PoseSequence, window_s: float = 2.0) -> np.ndarray:
    """(T,) leg length (hip-knee plus knee-ankle) in pixels, per frame: the 90th percentile over a
    window of `window_s` (foreshortening only shortens segments), so it follows a runner who comes
    nearer or goes away. NaN where no leg was seen nearby."""
    lengths = []
    for hip, knee, ankle, _, _ in LEG_IDS.values():
        lengths.append(
            np.linalg.norm(seq.xy[:, hip] - seq.xy[:, knee], axis=1)
            + np.linalg.norm(seq.xy[:, knee] - seq.xy[:, ankle], axis=1)
        )
    per_frame = _nan_reduce(np.nanmax, np.stack(lengths, axis=1), axis=1) if len(seq) else np.zeros(0)
    half = max(1, int(round(window_s * _rate(seq) / 2)))
    out = np.full(len(seq), np.nan)
    for i in range(len(seq)):
        chunk = per_frame[max(0, i - half) : i + half + 1]
        chunk = chunk[np.isfinite(chunk)]
        if chunk.size:
            out[i] = np.percentile(chunk, 90)
    return out


def _nan_reduce(func: Callable[..., np.ndarray], values: np.ndarray, axis: int) -> np.ndarray:
    """np.nanmax / np.nanmean along an axis, NaN (without a RuntimeWarning) where all are NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return func(values, axis=axis)


def _rate(seq: PoseSequence) -> float:
    """Frames per second of the sequence's timeline (median interval)."""
    if len(seq) < 2:
        return max(seq.fps, 1.0)
    return float(1.0 / np.median(np.diff(seq.timestamps_s)))


def forward_sign(seq: PoseSequence) -> np.ndarray:
    """(T,) +1 where the person faces image right, -1 image left (side view), from the nose ahead
    of the ears' midpoint, median-filtered over ~0.5 s; frames without a face use the direction of
    travel of the hip centre, then the nearest decided frame. 0 only when nothing is known."""
    n = len(seq)
    ears = seq.midpoint(L.LEFT_EAR, L.RIGHT_EAR)
    dx = seq.xy[:, L.NOSE, 0] - ears[:, 0]
    sign = np.sign(dx)
    hip = hip_centre(seq)[:, 0]
    if n > 2:
        vel = np.gradient(np.where(np.isfinite(hip), hip, np.nan))
        sign = np.where(np.isfinite(sign) & (sign != 0), sign, np.sign(vel))
    sign = np.where(np.isfinite(sign), sign, 0.0)
    known = sign != 0
    if not known.any():
        return np.zeros(n)
    idx = np.arange(n)
    filled = np.interp(idx, idx[known], sign[known])
    width = max(3, int(round(0.5 * _rate(seq))) | 1)
    smoothed = median_filter(np.sign(filled), size=min(width, max(1, n) | 1), mode="nearest")
    smoothed[smoothed == 0] = 1.0
    return smoothed


def leg_signals(seq: PoseSequence, fwd: np.ndarray, leg_px: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """Per foot, (T,) signals in leg lengths relative to the hip centre:
    heel_fwd / toe_fwd / ankle_fwd: forward position along the direction of travel (+ = ahead);
    ankle_down: how far the ankle is below the hip (+ = below);
    heel_down / toe_down: image y of heel / toe in pixels (+ = lower in the image); leg_px: the leg
    length in pixels used for the others."""
    hip = hip_centre(seq)
    out: dict[str, dict[str, np.ndarray]] = {}
    for foot, (_, _, ankle, heel, toe) in LEG_IDS.items():
        heel_fwd = (seq.xy[:, heel, 0] - hip[:, 0]) * fwd / leg_px
        ankle_fwd = (seq.xy[:, ankle, 0] - hip[:, 0]) * fwd / leg_px
        out[foot] = {
            "heel_fwd": np.where(np.isfinite(heel_fwd), heel_fwd, ankle_fwd),
            "toe_fwd": (seq.xy[:, toe, 0] - hip[:, 0]) * fwd / leg_px,
            "ankle_fwd": ankle_fwd,
            "ankle_down": (seq.xy[:, ankle, 1] - hip[:, 1]) / leg_px,
            # Image height of heel and toe in pixels (y down), not relative to the pelvis (the
            # ground does not bob with the pelvis) and not divided by the slowly varying leg length.
            "heel_down": seq.xy[:, heel, 1],
            "toe_down": seq.xy[:, toe, 1],
            "leg_px": leg_px,
        }
    return out


# -- periodicity ------------------------------------------------------------------------------------


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
    autocorrelation at that lag (0-1: how cyclic the legs move); amplitude: robust range of the
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


def step_periodicity(signals: dict[str, dict[str, np.ndarray]], view: str, timestamps_s: np.ndarray) -> Periodicity:
    """The step period from the autocorrelation of the feet's separation (label-free, so label swaps
    do not matter): its first strong peak (at least 80% of the strongest) between 3 rows and half
    the clip (compared with peaks up to 2.2 x the first one). A left/right asymmetry adds a stride
    peak; the 80% rule keeps the step."""
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
    peaks = peaks[peaks >= 3]
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
    first = int(peaks[np.flatnonzero(np.nan_to_num(vals, nan=-1.0) >= 0.8 * best)[0]])
    step = _parabolic_vertex(ac, first)
    return Periodicity(step, step * dt, float(max(0.0, ac[first])), amplitude)


def _parabolic_vertex(y: np.ndarray, i: int) -> float:
    """Fractional index of the extremum of the parabola through y[i-1], y[i], y[i+1]."""
    if i <= 0 or i >= len(y) - 1 or not np.all(np.isfinite(y[i - 1 : i + 2])):
        return float(i)
    a, b, c = y[i - 1], y[i], y[i + 1]
    den = a - 2 * b + c
    if den == 0:
        return float(i)
    return float(i + np.clip(0.5 * (a - c) / den, -0.5, 0.5))


# -- helpers ----------------------------------------------------------------------------------------


def runs_of(mask: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=False))


def _robust_range(x: np.ndarray) -> float:
    f = x[np.isfinite(x)]
    return float(np.percentile(f, 95) - np.percentile(f, 5)) if f.size > 4 else 0.0


def _interior_peaks(x: np.ndarray, min_distance: float, prominence: float) -> list[float]:
    """Fractional rows of peaks of x, found within each stretch of valid samples, at least two
    samples away from the stretch's ends (a maximum at an edge is not an observed peak)."""
    found: list[float] = []
    for start, stop in runs_of(np.isfinite(x)):
        if stop - start < 5:
            continue
        seg = x[start:stop]
        peaks, _ = find_peaks(seg, distance=max(1, int(min_distance)), prominence=prominence)
        for p in peaks:
            if 2 <= p <= len(seg) - 3:
                found.append(start + _parabolic_vertex(seg, int(p)))
    return found


def _at_row(x: np.ndarray, row: float) -> float:
    i = int(np.clip(round(row), 0, len(x) - 1))
    return float(x[i])
