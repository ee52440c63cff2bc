"""Shared signals of the gait analysis, measured relative to the pelvis: the legs' landmarks, the
pelvis reference (hip centre), the leg length in pixels, the direction of travel, the per-foot
position signals, and small helpers for signals with NaN gaps (runs, robust range, interior peaks,
values at fractional rows, rounding, one step's peak-to-peak).

Positions are measured along the direction of travel and divided by the leg length in pixels, so
neither where the runner is in the frame nor how far from the camera matters.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from scipy.ndimage import median_filter
from scipy.signal import find_peaks

from ...landmarks import Landmark as L
from ...masks import true_runs
from ...sequence import PoseSequence
from .thresholds import FACING_WINDOW_S, LEG_LENGTH_WINDOW_S, TRAVEL_SPEED_LEGS_S, TRAVEL_WINDOW_S

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


def frame_leg_length_px(seq: PoseSequence) -> np.ndarray:
    """(T,) the longer leg's hip-knee plus knee-ankle length in pixels in each frame (NaN where
    neither leg was placed). Knee flexion does not shorten it; foreshortening does."""
    lengths = []
    for hip, knee, ankle, _, _ in LEG_IDS.values():
        lengths.append(
            np.linalg.norm(seq.xy[:, hip] - seq.xy[:, knee], axis=1)
            + np.linalg.norm(seq.xy[:, knee] - seq.xy[:, ankle], axis=1)
        )
    return nan_reduce(np.nanmax, np.stack(lengths, axis=1), axis=1) if len(seq) else np.zeros(0)


def leg_length_px(seq: PoseSequence, window_s: float = LEG_LENGTH_WINDOW_S) -> np.ndarray:
    """(T,) leg length (hip-knee plus knee-ankle) in pixels, per frame: the 90th percentile over a
    window of `window_s` (foreshortening only shortens segments), so it follows a runner who comes
    nearer or goes away. NaN where no leg was seen nearby."""
    per_frame = frame_leg_length_px(seq)
    half = max(1, int(round(window_s * frame_rate(seq) / 2)))
    out = np.full(len(seq), np.nan)
    for i in range(len(seq)):
        chunk = per_frame[max(0, i - half) : i + half + 1]
        chunk = chunk[np.isfinite(chunk)]
        if chunk.size:
            out[i] = np.percentile(chunk, 90)
    return out


def body_yaw_deg(seq: PoseSequence, frames: np.ndarray) -> float | None:
    """How far the body is turned from square-on to the camera (deg, 0 = a true side view, 90 = seen
    from behind or in front): the direction of the left-right axis of the hips and of the
    shoulders (pelvis and thorax counter-rotate over a stride) in the horizontal plane of
    MediaPipe's 3D world landmarks (metres, camera-aligned axes), measured from the camera's depth
    axis, averaged over `frames` ((T,) bool) as axes are (the mean of the doubled angle, so that
    noise around 0 averages out and an axis at 90 is the same pointing either way), as a magnitude.
    None without world landmarks or a finite frame."""
    if seq.world is None:
        return None
    world = seq.world[frames]
    doubled = []
    for left, right in ((L.LEFT_HIP, L.RIGHT_HIP), (L.LEFT_SHOULDER, L.RIGHT_SHOULDER)):
        axis = world[:, right] - world[:, left]
        doubled.append(2.0 * np.arctan2(axis[:, 0], axis[:, 2]))
    angles = np.concatenate(doubled)
    angles = angles[np.isfinite(angles)]
    if not angles.size:
        return None
    mean = 0.5 * np.degrees(np.arctan2(np.mean(np.sin(angles)), np.mean(np.cos(angles))))
    return float(abs(mean))


def nan_reduce(func: Callable[..., np.ndarray], values: np.ndarray, axis: int) -> np.ndarray:
    """np.nanmax / np.nanmean along an axis, NaN (without a RuntimeWarning) where all are NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return func(values, axis=axis)


def frame_rate(seq: PoseSequence) -> float:
    """Frames per second of the sequence's timeline (median interval)."""
    if len(seq) < 2:
        return max(seq.fps, 1.0)
    return float(1.0 / np.median(np.diff(seq.timestamps_s)))


def forward_sign(seq: PoseSequence) -> np.ndarray:
    """(T,) +1 where the person faces image right, -1 image left (side view), from the nose ahead
    of the ears' midpoint, median-filtered over ~0.5 s; frames without a face use the direction of
    travel of the hip centre, then the nearest decided frame. 0 only when nothing is known. (Not
    the direction of travel where both are known: people also walk backwards; see
    `travel_direction`.)"""
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
    width = max(3, int(round(FACING_WINDOW_S * frame_rate(seq))) | 1)
    smoothed = median_filter(np.sign(filled), size=min(width, max(1, n) | 1), mode="nearest")
    smoothed[smoothed == 0] = 1.0
    return smoothed


def travel_direction(seq: PoseSequence, leg: np.ndarray) -> np.ndarray:
    """(T,) +1 / -1 where the pelvis moves right / left across the picture by at least
    TRAVEL_SPEED_LEGS_S leg lengths (`leg`: (T,) px) per second over a centred window of
    TRAVEL_WINDOW_S (its displacement over the window, so the within-step speed changes do not
    matter), else 0 (a treadmill, a camera panning with the runner)."""
    n = len(seq)
    out = np.zeros(n)
    hip = hip_centre(seq)[:, 0]
    rate = frame_rate(seq)
    half = max(1, int(round(TRAVEL_WINDOW_S * rate / 2)))
    for i in range(n):
        a, b = max(0, i - half), min(n - 1, i + half)
        if b - a < half or not (np.isfinite(hip[a]) and np.isfinite(hip[b]) and np.isfinite(leg[i])) or leg[i] <= 0:
            continue
        speed = (hip[b] - hip[a]) / leg[i] / ((b - a) / rate)
        if abs(speed) >= TRAVEL_SPEED_LEGS_S:
            out[i] = np.sign(speed)
    return out


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


# -- helpers ----------------------------------------------------------------------------------------


def robust_range(x: np.ndarray) -> float:
    """5th-95th percentile range of the finite values (0 with fewer than five)."""
    f = x[np.isfinite(x)]
    return float(np.percentile(f, 95) - np.percentile(f, 5)) if f.size > 4 else 0.0


def interior_peaks(x: np.ndarray, min_distance: float, prominence: float) -> list[float]:
    """Fractional rows of peaks of x, found within each stretch of valid samples, at least two
    samples away from the stretch's ends (a maximum at an edge is not an observed peak)."""
    found: list[float] = []
    for start, stop in true_runs(np.isfinite(x)):
        if stop - start < 5:
            continue
        seg = x[start:stop]
        peaks, _ = find_peaks(seg, distance=max(1, int(min_distance)), prominence=prominence)
        for p in peaks:
            if 2 <= p <= len(seg) - 3:
                found.append(start + parabolic_vertex(seg, int(p)))
    return found


def value_at_row(x: np.ndarray, row: float) -> float:
    """x at the nearest row to a fractional row (clipped to the ends)."""
    i = int(np.clip(round(row), 0, len(x) - 1))
    return float(x[i])


def parabolic_vertex(y: np.ndarray, i: int) -> float:
    """Fractional index of the extremum of the parabola through y[i-1], y[i], y[i+1]."""
    if i <= 0 or i >= len(y) - 1 or not np.all(np.isfinite(y[i - 1 : i + 2])):
        return float(i)
    a, b, c = y[i - 1], y[i], y[i + 1]
    den = a - 2 * b + c
    if den == 0:
        return float(i)
    return float(i + np.clip(0.5 * (a - c) / den, -0.5, 0.5))


def interp_at(series: np.ndarray, row: float) -> float:
    """Value of a (T,) series at a fractional row (linear interpolation; NaN if a neighbour is NaN)."""
    i = int(np.floor(row))
    if i < 0 or i + 1 >= len(series):
        return float(series[min(max(i, 0), len(series) - 1)])
    w = row - i
    return float(series[i] * (1 - w) + series[i + 1] * w)


def time_at_row(row: float, timestamps_s: np.ndarray) -> float:
    """Seconds at a fractional row, interpolated between the sequence's own timestamps."""
    return float(np.interp(row, np.arange(len(timestamps_s)), timestamps_s))


def step_excursion(t_s: np.ndarray, y: np.ndarray, start_s: float, end_s: float) -> float:
    """Peak-to-peak (y's unit) of one step's periodic motion: y (n,) sampled at t_s (n,) s over the
    step from start_s to end_s, fitted by least squares with a line (the drift) and the first two
    harmonics of the step period (the first only below 10 samples); nan below 5 samples."""
    period = end_s - start_s
    if len(y) < 5 or period <= 0:
        return float("nan")
    harmonics = (1, 2) if len(y) >= 10 else (1,)
    phase = 2 * np.pi * (t_s - start_s) / period
    cols = [np.ones_like(t_s), t_s - start_s]
    for k in harmonics:
        cols += [np.cos(k * phase), np.sin(k * phase)]
    coef, *_ = np.linalg.lstsq(np.column_stack(cols), y, rcond=None)
    grid = np.linspace(0, 2 * np.pi, 181)
    wave = sum(coef[2 * i] * np.cos(k * grid) + coef[2 * i + 1] * np.sin(k * grid) for i, k in enumerate(harmonics, 1))
    return float(np.max(wave) - np.min(wave))
