"""Cleaning a PoseSequence: visibility gating, outlier rejection, left/right swap repair,
interpolation across short gaps only, and zero-phase low-pass smoothing. Plus a quality report.

All functions take and return `PoseSequence` (pixels, y down) and never modify their input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .landmarks import LEFT_ARM, LEFT_LEG, LEFT_RIGHT_PAIRS, NUM_LANDMARKS, RIGHT_ARM, RIGHT_LEG, Landmark
from .masks import true_runs
from .sequence import PoseSequence


@dataclass(frozen=True)
class CleanConfig:
    """min_visibility: landmarks below it are treated as missing (MediaPipe visibility, 0-1).
    max_gap_s: gaps up to this long are interpolated; longer ones stay empty.
    cutoff_hz: low-pass cut-off of the zero-phase Butterworth filter (None: no smoothing).
    outlier_mad: a point further than this many median absolute deviations from the median-filtered
    track (and more than outlier_min_px) is rejected."""

    min_visibility: float = 0.3
    max_gap_s: float = 0.2
    cutoff_hz: float | None = 6.0
    filter_order: int = 2
    outlier_mad: float = 6.0
    outlier_min_px: float = 0.03  # as a fraction of the person's size (median body height)
    repair_swaps: bool = True


def clean(seq: PoseSequence, config: CleanConfig = CleanConfig()) -> PoseSequence:
    """The whole cleaning chain, in order. A photo (T == 1) is only gated."""
    out = gate_visibility(seq, config.min_visibility)
    if len(out) < 3:
        return out
    out = reject_outliers(out, config.outlier_mad, config.outlier_min_px)
    if config.repair_swaps:
        out = repair_left_right_swaps(out)
    out = interpolate_gaps(out, config.max_gap_s)
    if config.cutoff_hz:
        out = smooth(out, config.cutoff_hz, config.filter_order)
    return out


def gate_visibility(seq: PoseSequence, min_visibility: float) -> PoseSequence:
    """Landmarks with visibility below `min_visibility` become NaN."""
    out = seq.copy()
    low = out.visibility < min_visibility
    out.xy[low] = np.nan
    out.z[low] = np.nan
    if out.world is not None:
        out.world[low] = np.nan
    return out


def body_size_px(seq: PoseSequence) -> float:
    """Median over frames of the landmarks' bounding-box height, pixels (a scale for tolerances)."""
    ys = seq.xy[seq.present][:, :, 1]
    if not ys.size:
        return float(seq.frame_size[1])
    heights = np.nanmax(ys, axis=1) - np.nanmin(ys, axis=1)
    heights = heights[np.isfinite(heights)]
    return float(np.median(heights)) if heights.size else float(seq.frame_size[1])


def reject_outliers(seq: PoseSequence, k_mad: float = 6.0, min_fraction: float = 0.03, window: int = 7) -> PoseSequence:
    """Points that jump away from a running median of their own track are set to NaN.

    A point is an outlier when its distance from the `window`-frame running median exceeds both
    `k_mad` median absolute deviations of that distance and `min_fraction` of the body size. The
    window is in frames on purpose: a single-frame glitch is what it removes, and a window in
    seconds would clip the true peaks of fast limbs at high frame rates. At 30 fps a fast foot's
    turning point can move more than 3% of the body height from the median: gait raises the floor.
    """
    out = seq.copy()
    floor = min_fraction * body_size_px(seq)
    for j in range(NUM_LANDMARKS):
        track = out.xy[:, j, :]
        valid = np.isfinite(track[:, 0])
        if valid.sum() < window:
            continue
        filled = _fill_nan_linear(track, valid)
        med = running_median(filled, window)
        dist = np.linalg.norm(track - med, axis=1)
        d = dist[valid]
        mad = np.median(np.abs(d - np.median(d))) * 1.4826
        bad = valid & (dist > max(k_mad * mad + np.median(d), floor))
        out.xy[bad, j] = np.nan
        out.z[bad, j] = np.nan
    return out


def running_median(track: np.ndarray, window: int) -> np.ndarray:
    """(T, D) centred running median over `window` frames, edges padded with the end values."""
    pad = window // 2
    padded = np.pad(track, ((pad, window - 1 - pad), (0, 0)), mode="edge")
    return np.median(np.lib.stride_tricks.sliding_window_view(padded, window, axis=0), axis=-1)


def _fill_nan_linear(track: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """(T, D) with NaN rows filled by linear interpolation (edges held), for filtering only."""
    t = np.arange(track.shape[0])
    return np.stack([np.interp(t, t[valid], track[valid, d]) for d in range(track.shape[1])], axis=1)


def _swap_sides(seq: PoseSequence, rows: np.ndarray, left: tuple[int, ...], right: tuple[int, ...]) -> None:
    """In place: exchange the `left` and `right` landmarks in the given rows."""
    li, ri = list(left), list(right)
    for arr in (seq.xy, seq.z, seq.visibility) + ((seq.world,) if seq.world is not None else ()):
        a = arr[rows][:, li].copy()
        sub = arr[rows]
        sub[:, li] = sub[:, ri]
        sub[:, ri] = a
        arr[rows] = sub


def swap_states(left: np.ndarray, right: np.ndarray, switch_px: float = 0.0) -> np.ndarray:
    """Which frames have the two limbs' labels swapped, by a global (Viterbi) search.

    left, right: (T, K, 2) tracks of the limbs' landmarks. Returns (T,) bool: True where the labels
    should be exchanged. The cost of a labelling is how far each limb lands from where constant
    velocity predicts it (2 x previous - the one before), so crossing limbs (as in a side view of a
    stride) keep their identity through the crossing. Each change of labelling costs `switch_px`
    more, so limbs that overlap (arms in a side view) are not relabelled on noise alone.
    """
    n = left.shape[0]
    if n < 3:
        return np.zeros(n, dtype=bool)
    limbs = np.stack([left, right])  # (2, T, K, 2)

    def pos(t: int, s: int, limb: int) -> np.ndarray:
        return limbs[limb ^ s, t]

    def cost(t: int, s2: int, s1: int, s0: int) -> float:
        """Cost of frame t in state s2 given states s1 (t-1) and s0 (t-2)."""
        total, count = 0.0, 0
        for limb in (0, 1):
            pred = 2 * pos(t - 1, s1, limb) - pos(t - 2, s0, limb)
            d = np.linalg.norm(pos(t, s2, limb) - pred, axis=-1)
            d = d[np.isfinite(d)]
            total += float(d.sum())
            count += d.size
        return total / count if count else 0.0

    # State at t: (s_{t-1}, s_t). First frame is fixed unswapped (labels are relative).
    inf = np.inf
    acc = np.full((n, 2, 2), inf)
    back = np.zeros((n, 2, 2), dtype=np.int8)
    for s1 in (0, 1):
        first = [float(np.nansum(np.linalg.norm(pos(1, s1, limb) - pos(0, 0, limb), axis=-1))) for limb in (0, 1)]
        acc[1, 0, s1] = sum(first) / max(1, 2 * left.shape[1])
    for t in range(2, n):
        for s1 in (0, 1):
            for s2 in (0, 1):
                switch = switch_px if s2 != s1 else 0.0
                options = [acc[t - 1, s0, s1] + cost(t, s2, s1, s0) + switch for s0 in (0, 1)]
                k = int(np.argmin(options))
                acc[t, s1, s2] = options[k]
                back[t, s1, s2] = k
    s1, s2 = (int(i) for i in np.unravel_index(int(np.argmin(acc[n - 1])), (2, 2)))
    states = np.zeros(n, dtype=bool)
    states[n - 1], states[n - 2] = bool(s2), bool(s1)
    for t in range(n - 1, 1, -1):
        s0 = back[t, s1, s2]
        states[t - 2] = bool(s0)
        s1, s2 = s0, s1
    return states


#: Cost of one change of left/right labelling, as a fraction of the body's height in pixels.
SWAP_SWITCH_FRACTION = 0.02


def repair_left_right_swaps(seq: PoseSequence) -> PoseSequence:
    """Undo frames where the model exchanged the left and right leg (or arm) labels.

    Legs and arms are repaired independently. Frames with either limb missing keep their labels.
    Runs over each stretch of consecutive frames where both limbs are seen.
    """
    out = seq.copy()
    switch_px = SWAP_SWITCH_FRACTION * body_size_px(seq)
    for left, right in ((LEFT_LEG[1:], RIGHT_LEG[1:]), (LEFT_ARM[1:3], RIGHT_ARM[1:3])):
        seen = np.isfinite(out.xy[:, list(left), 0]).any(axis=1) & np.isfinite(out.xy[:, list(right), 0]).any(axis=1)
        for start, stop in true_runs(seen):
            states = swap_states(out.xy[start:stop, list(left)], out.xy[start:stop, list(right)], switch_px)
            # Labels are relative within a stretch: keep the majority labelling as it came.
            if states.mean() > 0.5:
                states = ~states
            rows = np.arange(start, stop)[states]
            if rows.size:
                _swap_sides(out, rows, left, right)
    return out


def interpolate_gaps(seq: PoseSequence, max_gap_s: float) -> PoseSequence:
    """Fill NaN gaps of up to `max_gap_s` seconds (by timestamps) linearly; longer gaps stay NaN.

    Filled points get visibility equal to the lower of their two neighbours'.
    """
    out = seq.copy()
    t = out.timestamps_s
    for j in range(NUM_LANDMARKS):
        valid = np.isfinite(out.xy[:, j, 0])
        for start, stop in true_runs(~valid):
            if start == 0 or stop == len(t):
                continue  # leading/trailing gaps have one side only
            if t[stop] - t[start - 1] > max_gap_s + 1e-9:
                continue
            a, b = start - 1, stop
            w = ((t[start:stop] - t[a]) / (t[b] - t[a]))[:, None]
            out.xy[start:stop, j] = out.xy[a, j] * (1 - w) + out.xy[b, j] * w
            out.z[start:stop, j] = out.z[a, j] * (1 - w[:, 0]) + out.z[b, j] * w[:, 0]
            if out.world is not None:
                out.world[start:stop, j] = out.world[a, j] * (1 - w) + out.world[b, j] * w
            out.visibility[start:stop, j] = min(out.visibility[a, j], out.visibility[b, j])
    return out


def smooth(seq: PoseSequence, cutoff_hz: float, order: int = 2) -> PoseSequence:
    """Zero-phase Butterworth low-pass (scipy `sosfiltfilt`) of every landmark track.

    Runs on each stretch of valid samples separately; stretches too short for the filter are left
    as they are. The sampling rate is taken from the median timestamp interval.
    """
    from scipy.signal import butter, sosfiltfilt  # slow to import (about 1 s): only when smoothing

    out = seq.copy()
    dt = np.median(np.diff(seq.timestamps_s))
    fs = 1.0 / dt
    if cutoff_hz >= 0.45 * fs:
        return out  # the cut-off is near Nyquist: nothing to remove
    sos = butter(order, cutoff_hz, btype="low", fs=fs, output="sos")
    padlen = 3 * (2 * len(sos) + 1)
    for j in range(NUM_LANDMARKS):
        valid = np.isfinite(out.xy[:, j, 0])
        for start, stop in true_runs(valid):
            if stop - start <= padlen:
                continue
            out.xy[start:stop, j] = sosfiltfilt(sos, out.xy[start:stop, j], axis=0)
            z = out.z[start:stop, j]
            if np.all(np.isfinite(z)):
                out.z[start:stop, j] = sosfiltfilt(sos, z)
            if out.world is not None and np.all(np.isfinite(out.world[start:stop, j])):
                out.world[start:stop, j] = sosfiltfilt(sos, out.world[start:stop, j], axis=0)
    return out


@dataclass
class QualityReport:
    """How usable the landmarks are.

    person_fraction: share of frames with a person; landmark_valid_fraction: per landmark name, share
    of frames where it passed the visibility gate; longest_gap_s: longest stretch without a person;
    near_side: body side nearer the camera ('left'/'right', from depth and visibility);
    facing: direction the person faces in the image ('left'/'right'/'camera'/'away').
    """

    frames: int
    person_fraction: float
    mean_visibility: float
    landmark_valid_fraction: dict[str, float]
    longest_gap_s: float
    near_side: str
    facing: str
    max_people: int = 1
    multi_person_fraction: float = 0.0
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "frames": self.frames,
            "person_fraction": round(self.person_fraction, 4),
            "mean_visibility": round(self.mean_visibility, 4),
            "longest_gap_s": round(self.longest_gap_s, 3),
            "near_side": self.near_side,
            "facing": self.facing,
            "max_people": self.max_people,
            "multi_person_fraction": round(self.multi_person_fraction, 4),
            "landmark_valid_fraction": {k: round(v, 4) for k, v in self.landmark_valid_fraction.items()},
            "notes": list(self.notes),
        }


def near_side(seq: PoseSequence) -> str:
    """'left' or 'right': the body side nearer the camera (smaller MediaPipe z, higher visibility)."""
    score = 0.0
    for left, right in LEFT_RIGHT_PAIRS:
        zl, zr = (
            np.nanmedian(seq.z[:, left]) if np.isfinite(seq.z[:, left]).any() else np.nan,
            np.nanmedian(seq.z[:, right]) if np.isfinite(seq.z[:, right]).any() else np.nan,
        )
        if np.isfinite(zl) and np.isfinite(zr):
            score += np.sign(zr - zl)  # z smaller = nearer: positive favours left
        score += 2.0 * (np.mean(seq.visibility[:, left]) - np.mean(seq.visibility[:, right]))
    return "left" if score >= 0 else "right"


def facing_direction(seq: PoseSequence) -> str:
    """Which way the person faces: 'right'/'left' in a side view (nose ahead of the ears' midpoint),
    'camera' or 'away' when the shoulders are wide relative to the torso (front or rear view)."""
    pres = seq.present
    if not pres.any():
        return "unknown"
    s = seq[pres]
    shoulder_w = np.abs(s.xy[:, Landmark.LEFT_SHOULDER, 0] - s.xy[:, Landmark.RIGHT_SHOULDER, 0])
    torso_h = np.linalg.norm(
        s.midpoint(Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER) - s.midpoint(Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
        axis=1,
    )
    ratio = np.nanmedian(shoulder_w / np.maximum(torso_h, 1e-6))
    if ratio > 0.45:
        # Frontal: the person's left shoulder on the image's right means they face the camera.
        dx = np.nanmedian(s.xy[:, Landmark.LEFT_SHOULDER, 0] - s.xy[:, Landmark.RIGHT_SHOULDER, 0])
        return "camera" if dx > 0 else "away"
    ears = s.midpoint(Landmark.LEFT_EAR, Landmark.RIGHT_EAR)
    dx = np.nanmedian(s.xy[:, Landmark.NOSE, 0] - ears[:, 0])
    return "right" if dx > 0 else "left"


def quality_report(
    raw: PoseSequence, cleaned: PoseSequence, max_people: int = 1, multi_person_fraction: float = 0.0
) -> QualityReport:
    """Figures on how much of the person was seen, from the raw and the cleaned sequence."""
    present = raw.present
    n = len(raw)
    gap = 0.0
    for start, stop in true_runs(~present):
        t0 = raw.timestamps_s[start - 1] if start > 0 else raw.timestamps_s[start]
        t1 = raw.timestamps_s[stop] if stop < n else raw.timestamps_s[stop - 1]
        gap = max(gap, float(t1 - t0))
    valid = np.isfinite(cleaned.xy[:, :, 0])
    per_landmark = {lm.name.lower(): float(valid[:, lm].mean()) if n else 0.0 for lm in Landmark}
    vis = raw.visibility[present]
    return QualityReport(
        frames=n,
        person_fraction=float(present.mean()) if n else 0.0,
        mean_visibility=float(vis.mean()) if vis.size else 0.0,
        landmark_valid_fraction=per_landmark,
        longest_gap_s=gap,
        near_side=near_side(raw[present]) if present.any() else "unknown",
        facing=facing_direction(raw),
        max_people=max_people,
        multi_person_fraction=multi_person_fraction,
    )
