"""Gait events from landmark kinematics relative to the pelvis: initial contact and toe-off per foot.

Side view (coordinate-based, after Zeni, Richards & Higginson 2008, Gait Posture 27:710-714, as used
for treadmill gait): initial contact is located where the heel is most anterior relative to the
pelvis (hip centre), toe-off where the toe (foot index) is most posterior. Positions are measured
along the direction of travel and divided by the leg length in pixels, so neither where the runner
is in the frame nor how far from the camera matters. The extremes are found on label-free tracks
(the foremost heel, the hindmost toe), so a left/right label swap cannot move or drop an event; feet
are then assigned by alternation. In running the heel is most anterior just before it lands and
the toe most posterior after it has left the ground, so each event is then moved to where the heel
stops descending / the toe starts rising (the vertical-toe idea used for treadmill toe-off).

Rear / front view (see the section below): steps from the pelvis's vertical oscillation, the two
feet's alternating height and the pelvis's lateral sway, each scaled frame by frame by the trunk
length so a runner going away from the camera does not change them; an instant at about mid stance
per step; contact and toe-off where the stance foot's height above a local ground line enters and
leaves the bottom 15% of its range (approximate, marked as such in the results).

Events are located to a fraction of a frame by a continuous two-line (hinge) fit on the unsmoothed
landmarks (`refine_peak`) and converted to seconds through the sequence's own timestamps (never
frame index / fps). Steps whose duration is far from the clip's step period (a missed or spurious
contact) are kept in the table but left out of the timing figures.

Left/right label swaps of the legs that the general cleaning missed are repaired with the gait's
periodicity: each leg at time t should look like the same leg one and two strides away and the
other leg half a stride away.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter
from scipy.signal import find_peaks

from ..landmarks import Landmark as L
from ..sequence import PoseSequence

#: Leg landmarks used per foot: (hip, knee, ankle, heel, toe).
LEG_IDS = {
    "L": (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    "R": (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
}
FEET = ("L", "R")

#: Rear/front view: the foot counts as on the ground in the bottom share of its height range.
FRONTAL_GROUND_BAND = 0.15
#: Event labels by kind.
KIND_LABELS = {"contact": "contact", "toe_off": "toe-off", "midstance": "mid stance"}
#: A step counts for timing when its duration is within these factors of the clip's step period
#: (step-to-step variability of steady gait is a few per cent).
STEP_TOLERANCE = (0.6, 1.45)
#: Vertical refinement searches this many step periods after a contact / before a toe-off, for
#: where the heel / toe is within VERTICAL_TOLERANCE leg lengths (~2 cm) of its ground level.
VERTICAL_SEARCH = 0.35
VERTICAL_TOLERANCE = 0.02
#: A contact peak must stand out by this share of the signal's robust range.
MIN_PROMINENCE_FRACTION = 0.25


@dataclass(frozen=True)
class GaitEvent:
    """One event. time_s: seconds (sequence timestamps, sub-frame); row: fractional row index into
    the sequence; foot: 'L' or 'R'; kind: 'contact', 'toe_off' or 'midstance' (rear/front view)."""

    time_s: float
    row: float
    foot: str
    kind: str

    @property
    def label(self) -> str:
        return f"{self.foot} {KIND_LABELS.get(self.kind, self.kind)}"


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
        lengths.append(np.linalg.norm(seq.xy[:, hip] - seq.xy[:, knee], axis=1)
                       + np.linalg.norm(seq.xy[:, knee] - seq.xy[:, ankle], axis=1))
    per_frame = _nan_reduce(np.nanmax, np.stack(lengths, axis=1), axis=1) if len(seq) else np.zeros(0)
    half = max(1, int(round(window_s * _rate(seq) / 2)))
    out = np.full(len(seq), np.nan)
    for i in range(len(seq)):
        chunk = per_frame[max(0, i - half): i + half + 1]
        chunk = chunk[np.isfinite(chunk)]
        if chunk.size:
            out[i] = np.percentile(chunk, 90)
    return out


def _nan_reduce(func, values: np.ndarray, axis: int) -> np.ndarray:
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
    for k in range(0, min(max_lag, len(x) - 2) + 1):
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


def step_periodicity(signals: dict[str, dict[str, np.ndarray]], view: str,
                     timestamps_s: np.ndarray) -> Periodicity:
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
    if i <= 0 or i >= len(y) - 1 or not np.all(np.isfinite(y[i - 1: i + 2])):
        return float(i)
    a, b, c = y[i - 1], y[i], y[i + 1]
    den = a - 2 * b + c
    if den == 0:
        return float(i)
    return float(i + np.clip(0.5 * (a - c) / den, -0.5, 0.5))


# -- swap repair ------------------------------------------------------------------------------------

def _leg_features(seq: PoseSequence, fwd: np.ndarray, leg_px: np.ndarray, view: str) -> np.ndarray:
    """(2, T, 4, 2) knee, ankle, heel, toe of each leg relative to the hip centre, in leg lengths;
    x along the direction of travel in a side view."""
    hip = hip_centre(seq)
    feats = []
    for foot in FEET:
        ids = list(LEG_IDS[foot][1:])
        rel = (seq.xy[:, ids] - hip[:, None, :]) / leg_px[:, None, None]
        if view == "side":
            rel[..., 0] *= fwd[:, None]
        feats.append(rel)
    return np.stack(feats)


def _shifted(feat: np.ndarray, shift: float) -> np.ndarray:
    """feat (T, K, 2) sampled at row t + shift (linear interpolation; NaN outside)."""
    n = feat.shape[0]
    pos = np.arange(n) + shift
    lo = np.floor(pos).astype(int)
    w = (pos - lo)[:, None, None]
    ok = (lo >= 0) & (lo + 1 < n)
    out = np.full_like(feat, np.nan)
    lo_ok = lo[ok]
    out[ok] = feat[lo_ok] * (1 - w[ok]) + feat[lo_ok + 1] * w[ok]
    return out


def swap_rows(seq: PoseSequence, fwd: np.ndarray, leg_px: np.ndarray, stride_rows: float, view: str,
              switch_cost: float = 0.15) -> np.ndarray:
    """(T,) bool: rows whose leg labels look exchanged, judged against the same legs one and two
    strides away and the opposite leg half a stride away (a 2-state Viterbi with a cost per switch)."""
    feats = _leg_features(seq, fwd, leg_px, view)
    n = feats.shape[1]
    same = [-2 * stride_rows, -stride_rows, stride_rows, 2 * stride_rows]
    anti = [-stride_rows / 2, stride_rows / 2]
    keep_cost, swap_cost = np.zeros(n), np.zeros(n)
    counts = np.zeros(n)
    for shift, opposite in [(s, False) for s in same] + [(s, True) for s in anti]:
        ref_l, ref_r = _shifted(feats[0], shift), _shifted(feats[1], shift)
        if opposite:
            ref_l, ref_r = ref_r, ref_l
        d_keep = (_nan_reduce(np.nanmean, np.linalg.norm(feats[0] - ref_l, axis=-1), axis=1)
                  + _nan_reduce(np.nanmean, np.linalg.norm(feats[1] - ref_r, axis=-1), axis=1))
        d_swap = (_nan_reduce(np.nanmean, np.linalg.norm(feats[1] - ref_l, axis=-1), axis=1)
                  + _nan_reduce(np.nanmean, np.linalg.norm(feats[0] - ref_r, axis=-1), axis=1))
        ok = np.isfinite(d_keep) & np.isfinite(d_swap)
        keep_cost[ok] += np.minimum(d_keep[ok], 1.0)
        swap_cost[ok] += np.minimum(d_swap[ok], 1.0)
        counts[ok] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        keep_cost = np.where(counts > 0, keep_cost / counts, 0.0)
        swap_cost = np.where(counts > 0, swap_cost / counts, 0.0)
    # Viterbi over two states.
    acc = np.array([keep_cost[0], swap_cost[0] + switch_cost])
    back = np.zeros((n, 2), dtype=np.int8)
    for t in range(1, n):
        new = np.empty(2)
        for s, c in ((0, keep_cost[t]), (1, swap_cost[t])):
            stay, switch = acc[s], acc[1 - s] + switch_cost
            back[t, s] = s if stay <= switch else 1 - s
            new[s] = min(stay, switch) + c
        acc = new
    states = np.zeros(n, dtype=bool)
    s = int(np.argmin(acc))
    for t in range(n - 1, -1, -1):
        states[t] = bool(s)
        s = back[t, s]
    return states


def repair_swaps(seq: PoseSequence, fwd: np.ndarray, leg_px: np.ndarray, stride_rows: float, view: str,
                 passes: int = 2) -> tuple[PoseSequence, np.ndarray]:
    """The sequence with periodicity-detected leg swaps undone, and the (T,) bool rows repaired."""
    out = seq.copy()
    total = np.zeros(len(seq), dtype=bool)
    if not np.isfinite(stride_rows) or stride_rows < 4 or len(seq) < 2 * stride_rows:
        return out, total
    for _ in range(passes):
        rows = swap_rows(out, fwd, leg_px, stride_rows, view)
        if rows.mean() > 0.5:
            rows = ~rows
        if not rows.any():
            break
        for arrays in (out.xy, out.z, out.visibility) + ((out.world,) if out.world is not None else ()):
            left, right = list(LEG_IDS["L"][1:]), list(LEG_IDS["R"][1:])
            a = arrays[rows][:, left].copy()
            sub = arrays[rows]
            sub[:, left] = sub[:, right]
            sub[:, right] = a
            arrays[rows] = sub
        total ^= rows
    return out, total


# -- events -----------------------------------------------------------------------------------------

def _time_at(row: float, timestamps_s: np.ndarray) -> float:
    return float(np.interp(row, np.arange(len(timestamps_s)), timestamps_s))


def runs_of(mask: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


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


def refine_peak(sharp: np.ndarray | None, row: float, half_window: int) -> float:
    """Re-locate a peak found on the smoothed signal on the unsmoothed one, as the corner of a
    continuous two-line (hinge) least-squares fit over `2 * half_window` samples each side, the
    corner searched within `half_window` rows of `row` in steps of 0.05 row.

    A foot landing or pushing off is a corner (one side nearly flat, the other a steady slope):
    low-pass filtering rounds it and shifts its maximum towards the flat side, and a parabola
    through the top three samples is biased the same way; the hinge's corner is not. For a smooth,
    symmetric peak the corner falls on the peak too. Returns `row` unchanged without usable samples.
    """
    if sharp is None:
        return row
    w = max(2, half_window)
    i = int(round(row))
    a, b = max(0, i - 2 * w), min(len(sharp), i + 2 * w + 1)
    y = sharp[a:b]
    if b - a < 2 * w + 1 or not np.all(np.isfinite(y)):
        return row
    x = np.arange(a, b, dtype=float)
    best, best_sse = row, np.inf
    for c in np.arange(max(a + 1.0, row - w), min(b - 2.0, row + w) + 1e-9, 0.05):
        design = np.stack([np.ones_like(x), x - c, np.maximum(0.0, x - c)], axis=1)
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        sse = float(np.sum((design @ coef - y) ** 2))
        if coef[2] < 0 and sse < best_sse:  # slope decreases across the corner: a maximum
            best, best_sse = float(c), sse
    return best


def _envelope(signals: dict[str, dict[str, np.ndarray]], key: str, front: bool) -> np.ndarray:
    """(T,) the larger (front=True) or smaller of the two feet's `key` signal: a label-free track of
    whichever foot is foremost / hindmost. Where one foot is missing the other is used (a hidden far
    foot is rarely the foremost one at a contact); NaN where neither is seen."""
    a, b = signals["L"][key], signals["R"][key]
    return np.fmax(a, b) if front else np.fmin(a, b)


def _label_alternating(rows: list[float], values: dict[str, np.ndarray], pick_max: bool,
                       step_rows: float) -> list[str]:
    """Foot labels for a sequence of events that must alternate (contacts, or toe-offs): each event
    votes for the foot whose value is larger (or smaller) at its row; within each run of events
    spaced less than 1.6 steps apart the alternating pattern that agrees with more votes is kept.
    Occasional label swaps by the pose model therefore do not change which foot an event is."""
    votes = []
    for r in rows:
        la, ra = _at_row(values["L"], r), _at_row(values["R"], r)
        if not (np.isfinite(la) and np.isfinite(ra)):
            votes.append(0)
        else:
            votes.append(1 if (la > ra) == pick_max else -1)  # +1: left
    labels = [""] * len(rows)
    start = 0
    for k in range(1, len(rows) + 1):
        if k == len(rows) or rows[k] - rows[k - 1] > 1.6 * step_rows:
            idx = range(start, k)
            score = sum(votes[i] * (1 if (i - start) % 2 == 0 else -1) for i in idx)
            first_left = score >= 0
            for i in idx:
                labels[i] = "L" if ((i - start) % 2 == 0) == first_left else "R"
            start = k
    return labels


def _at_row(x: np.ndarray, row: float) -> float:
    i = int(np.clip(round(row), 0, len(x) - 1))
    return float(x[i])


def _vertical_corner(source: dict[str, dict[str, np.ndarray]], signals: dict[str, dict[str, np.ndarray]],
                     row: float, part: str, step_rows: float, after: bool, refine_rows: int) -> float:
    """Refine a horizontal (Zeni) event with the foot's vertical motion. Contact: from `row` walk
    forward while the heel is still above its landing level (smoothed track); toe-off: walk back
    while the toe was already above its stance level; at most VERTICAL_SEARCH steps, the level
    being the foot's lowest image position within that reach, with VERTICAL_TOLERANCE. The corner there is then located on the unsmoothed track (`refine_peak`).
    The foot is the one foremost (contact) or hindmost (toe-off) at `row`, by position, so a label
    swap elsewhere does not matter. Returns `row` when the foot's vertical track is missing."""
    vals = {f: _at_row(signals[f][f"{part}_fwd"], row) for f in FEET}
    if not all(np.isfinite(v) for v in vals.values()):
        return row
    foot = max(vals, key=vals.get) if after else min(vals, key=vals.get)
    down = signals[foot][f"{part}_down"]  # + = lower in the image
    n = len(down)
    limit = max(1, int(round(VERTICAL_SEARCH * step_rows)))
    k = int(round(row))
    if not 0 <= k < n or not np.isfinite(down[k]):
        return row
    window = down[k:min(n, k + limit + 1)] if after else down[max(0, k - limit):k + 1]
    if not np.isfinite(window).any():
        return row
    ground = float(np.nanmax(window))  # the foot's lowest image position near the event
    tolerance = VERTICAL_TOLERANCE * _at_row(signals[foot]["leg_px"], row)
    if not np.isfinite(tolerance):
        return row
    step = 1 if after else -1
    moved = 0
    # Contact: move forward while the heel is still above its landing level; toe-off: move back
    # while the toe was already above its stance level.
    while moved < limit and 0 <= k + step < n and np.isfinite(down[k]) and down[k] < ground - tolerance:
        k += step
        moved += 1
    if moved == 0:
        return row
    refined = refine_peak(source[foot][f"{part}_down"], float(k), refine_rows)
    return refined if abs(refined - k) <= refine_rows else float(k)


def side_events(signals: dict[str, dict[str, np.ndarray]], timestamps_s: np.ndarray, step_rows: float,
                sharp: dict[str, dict[str, np.ndarray]] | None = None, refine_rows: int = 2,
                vertical_refine: bool = True) -> list[GaitEvent]:
    """Side view. Contacts: peaks of the foremost heel's forward position relative to the pelvis (the
    heel most anterior); toe-offs: the deepest point of the hindmost toe's position between two
    contacts (the toe most posterior). Both are found on label-free envelopes, so a left/right
    label swap cannot move or drop an event; feet are then assigned by alternation (see
    `_label_alternating`). signals: from the smoothed sequence; sharp: the same from the unsmoothed
    one, for the sub-frame corner fit (`refine_peak`) within `refine_rows` rows.

    vertical_refine: in running the heel is most anterior slightly before it lands and the toe most
    posterior after it has left the ground (the foot keeps moving back), so each event is then moved
    to the corner of the foot's vertical track nearby (`_vertical_corner`): the heel stops
    descending, the toe starts rising (the vertical-toe idea of treadmill toe-off detection)."""
    n = len(timestamps_s)
    front = _envelope(signals, "heel_fwd", True)
    back = _envelope(signals, "toe_fwd", False)
    sharp_front = _envelope(sharp, "heel_fwd", True) if sharp else None
    sharp_back = -_envelope(sharp, "toe_fwd", False) if sharp else None
    prom = MIN_PROMINENCE_FRACTION * _robust_range(front)
    if prom <= 0:
        return []
    contacts = [refine_peak(sharp_front, c, refine_rows) for c in _interior_peaks(front, 0.6 * step_rows, prom)]
    bounds = [(contacts[i], contacts[i + 1]) for i in range(len(contacts) - 1)
              if contacts[i + 1] - contacts[i] < 1.6 * step_rows]
    if contacts:
        bounds.insert(0, (contacts[0] - step_rows, contacts[0]))
        bounds.append((contacts[-1], contacts[-1] + step_rows))
    back_prom = MIN_PROMINENCE_FRACTION * _robust_range(back)
    toe_offs = []
    for lo, hi in bounds:
        a, b = max(int(np.ceil(lo)), 0), min(int(np.floor(hi)), n - 1)
        if b - a < 3:
            continue
        seg = -back[a:b + 1]
        if not np.isfinite(seg).any():
            continue
        k = int(np.nanargmax(seg))
        if k < 1 or k > len(seg) - 2 or not np.all(np.isfinite(seg[k - 1:k + 2])):
            continue  # minimum at the window's edge or next to a gap: not observed
        if seg[k] - np.nanmin(seg) < back_prom:
            continue
        toe_offs.append(refine_peak(sharp_back, a + _parabolic_vertex(seg, k), refine_rows))
    c_feet = _label_alternating(contacts, {f: signals[f]["heel_fwd"] for f in FEET}, True, step_rows)
    t_feet = _label_alternating(toe_offs, {f: signals[f]["toe_fwd"] for f in FEET}, False, step_rows)
    if vertical_refine:
        source = sharp if sharp else signals
        contacts = [_vertical_corner(source, signals, r, "heel", step_rows, True, refine_rows) for r in contacts]
        toe_offs = [_vertical_corner(source, signals, r, "toe", step_rows, False, refine_rows) for r in toe_offs]
    events = [GaitEvent(_time_at(r, timestamps_s), r, f, "contact") for r, f in zip(contacts, c_feet)]
    events += [GaitEvent(_time_at(r, timestamps_s), r, f, "toe_off") for r, f in zip(toe_offs, t_feet)]
    return sorted(events, key=lambda e: e.time_s)


# -- rear / front view ------------------------------------------------------------------------------
#
# From behind (or in front) the feet move up and down rather than forwards and back, and a runner
# going away from the camera (or coming towards it) changes size by a large factor. Steps are found
# from three signals, each measured relative to the runner's own body size frame by frame:
# the pelvis's vertical oscillation (lowest around mid stance: one minimum per step), the
# alternating height of the two feet (one cycle per stride; the lower foot is the stance foot) and
# the lateral sway of the pelvis towards the stance leg (one cycle per stride). Their common period
# comes from a combined autocorrelation; step instants are the pelvis minima, completed where the
# pelvis is flat by the feet's alternation extremes (shifted by their median phase offset); each
# instant's foot is voted by the feet's heights and the sway, then made to alternate.

#: A frame is used when the ankles are at least this many trunk lengths below the hip centre
#: (standing or running gives about 1.5; drops frames where the model put the legs above the hips).
FRONTAL_UPRIGHT_TRUNKS = 0.5
#: An extremum must stand out by this share of its signal's robust range.
FRONTAL_PROMINENCE_FRACTION = 0.3
#: A signal joins the combined period estimate when its own periodicity at the step lag is above this.
FRONTAL_MIN_SIGNAL_PERIODICITY = 0.2


@dataclass(frozen=True)
class FrontalSignals:
    """Rear/front-view signals, each (T,), NaN where not seen.

    size_px: body size in pixels, the trunk length (shoulder centre to hip centre) smoothed in log
    over a stride; pelvis: the hip centre's height, detrended over one step, / size (+ = up);
    alternation: (left foot image y - right foot image y) / size, detrended over a stride (+ = the
    left foot lower, i.e. the right foot lifted); sway: the hip centre's image x, detrended over a
    stride, / size (+ = image right); path_x: the hip centre's trend line (image x, pixels);
    height: per foot, the lowest foot point's height above the local ground line / size;
    step_rows: the step period used for the windows (rows); observed: (T,) bool, rows the pose model
    saw (the others were filled in by the cleaning: no extremum is located next to them)."""

    size_px: np.ndarray
    pelvis: np.ndarray
    alternation: np.ndarray
    sway: np.ndarray
    path_x: np.ndarray
    height: dict[str, np.ndarray]
    step_rows: float
    observed: np.ndarray


def local_line(x: np.ndarray, width: float) -> np.ndarray:
    """(T,) the value at each row of a straight line fitted (least squares) to the finite samples of
    `x` in a window of `width` rows centred on the row; at the ends of each finite stretch the window
    is shifted inward to keep its width, so a trend is followed to the ends. In the interior this is
    the centred moving average (which removes an oscillation whose period is the width exactly).
    NaN where x is NaN or the stretch is shorter than half the width."""
    n = len(x)
    out = np.full(n, np.nan)
    w = max(3, int(round(width)))
    for start, stop in runs_of(np.isfinite(x)):
        if stop - start < max(3, w // 2):
            continue
        for i in range(start, stop):
            a = max(start, min(i - w // 2, stop - w))
            b = min(stop, a + w)
            t = np.arange(a, b, dtype=float)
            y = x[a:b]
            tm, ym = t.mean(), y.mean()
            var = float(np.sum((t - tm) ** 2))
            slope = float(np.sum((t - tm) * (y - ym)) / var) if var > 0 else 0.0
            out[i] = ym + slope * (i - tm)
    return out


def frontal_signals(seq: PoseSequence, step_rows: float, observed: np.ndarray | None = None) -> FrontalSignals:
    """The rear/front-view signals of `seq` (pixels, y down) for a step period of `step_rows`;
    `observed`: (T,) bool rows seen by the model (default: all)."""
    n = len(seq)
    hip = hip_centre(seq)
    trunk = np.linalg.norm(seq.midpoint(L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - hip, axis=1)
    ankles_below = seq.midpoint(L.LEFT_ANKLE, L.RIGHT_ANKLE)[:, 1] - hip[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        valid = np.isfinite(trunk) & (trunk > 0) & (ankles_below > FRONTAL_UPRIGHT_TRUNKS * trunk)
        size = np.exp(local_line(np.where(valid, np.log(np.where(valid, trunk, 1.0)), np.nan), 2 * step_rows))
    foot_y = {f: _nan_reduce(np.nanmean, seq.xy[:, list(LEG_IDS[f][2:]), 1], axis=1) for f in FEET}
    lowest = {f: _nan_reduce(np.nanmax, seq.xy[:, list(LEG_IDS[f][3:]), 1], axis=1) for f in FEET}
    for arr in (*foot_y.values(), *lowest.values()):
        arr[~valid] = np.nan
    hip_y = np.where(valid, hip[:, 1], np.nan)
    hip_x = np.where(valid, hip[:, 0], np.nan)
    pelvis = -(hip_y - local_line(hip_y, step_rows)) / size
    diff = foot_y["L"] - foot_y["R"]
    alternation = (diff - local_line(diff, 2 * step_rows)) / size
    path_x = local_line(hip_x, 2 * step_rows)
    sway = (hip_x - path_x) / size
    # Ground line: the lower foot's lowest point, 90th percentile over a stride (y down).
    both = np.fmax(lowest["L"], lowest["R"])
    ground = np.full(n, np.nan)
    half = max(1, int(round(step_rows)))
    for i in np.flatnonzero(np.isfinite(both)):
        chunk = both[max(0, i - half): i + half + 1]
        ground[i] = np.percentile(chunk[np.isfinite(chunk)], 90)
    height = {f: (ground - lowest[f]) / size for f in FEET}
    seen = np.ones(n, dtype=bool) if observed is None else np.asarray(observed, dtype=bool)
    return FrontalSignals(size, pelvis, alternation, sway, path_x, height, float(step_rows), seen & valid)


def frontal_period(sig: FrontalSignals, timestamps_s: np.ndarray) -> tuple[Periodicity, dict[str, float]]:
    """The step period from the combined autocorrelation of the three signals: the pelvis repeats
    every step (+ correlation at one step), the feet's alternation and the sway every stride (-
    correlation at one step); each signal joins when its own periodicity at the best lag is above
    FRONTAL_MIN_SIGNAL_PERIODICITY. Searched within 0.6-1.6 x `sig.step_rows`. Also returns each
    signal's own step period (rows; NaN when it shows none)."""
    n = len(sig.pelvis)
    dt = float(np.median(np.diff(timestamps_s))) if n > 1 else 0.0
    lo, hi = max(2, int(np.floor(0.6 * sig.step_rows))), int(np.ceil(1.6 * sig.step_rows))
    parts = {"pelvis": (sig.pelvis, 1.0), "alternation": (sig.alternation, -1.0), "sway": (sig.sway, -1.0)}
    own: dict[str, float] = {}
    curves = []
    for name, (x, sign) in parts.items():
        ac = autocorrelation(x, hi + 1)
        score = sign * ac
        own[name] = float("nan")
        if not np.isfinite(score[lo:hi + 1]).any():
            continue
        k = lo + int(np.nanargmax(score[lo:hi + 1]))
        if score[k] > FRONTAL_MIN_SIGNAL_PERIODICITY and lo < k < hi:
            own[name] = _parabolic_vertex(score, k)
            curves.append(score)
    amplitude = _robust_range(np.abs(sig.alternation))
    if not curves:
        return Periodicity(float("nan"), float("nan"), 0.0, amplitude), own
    combined = np.nanmean(np.stack(curves), axis=0)
    seg = combined[lo:hi + 1]
    if not np.isfinite(seg).any():
        return Periodicity(float("nan"), float("nan"), 0.0, amplitude), own
    k = lo + int(np.nanargmax(seg))
    step = _parabolic_vertex(combined, k)
    return Periodicity(step, step * dt, float(max(0.0, combined[k])), amplitude), own


def _phase_offset(a: list[float], b: list[float], step_rows: float) -> float:
    """Median of (nearest a) - b over the instants b that have an a within half a step; 0 without
    at least two such pairs."""
    if not a:
        return 0.0
    arr = np.asarray(a)
    d = [float(arr[np.argmin(np.abs(arr - x))] - x) for x in b]
    d = [v for v in d if abs(v) < 0.5 * step_rows]
    return float(np.median(d)) if len(d) >= 2 else 0.0


def _observed_extrema(x: np.ndarray, step_rows: float, min_distance: float, observed: np.ndarray) -> list[float]:
    """Maxima of x (see `_interior_peaks`, prominence FRONTAL_PROMINENCE_FRACTION of its robust
    range), located by a parabola fitted over +- a quarter step (at least +- 1 row: less sensitive
    to one noisy sample at a low frame rate than three points); an extremum with an unobserved row
    in that support (filled in by the cleaning) is dropped: its place is not known."""
    prom = FRONTAL_PROMINENCE_FRACTION * _robust_range(x)
    if prom <= 0:
        return []
    half = max(1, int(round(0.25 * step_rows)))
    out = []
    for r in _interior_peaks(x, min_distance, prom):
        k = int(round(r))
        a, b = k - half, k + half + 1
        if a < 0 or b > len(x) or not observed[a:b].all() or not np.isfinite(x[a:b]).all():
            continue
        t = np.arange(a, b, dtype=float)
        c2, c1, _ = np.polyfit(t - k, x[a:b], 2)
        out.append(float(k + np.clip(-c1 / (2 * c2), -half, half)) if c2 < 0 else r)
    return out


def frontal_midstances(sig: FrontalSignals, step_rows: float, view: str
                       ) -> tuple[list[float], list[str], list[float], dict[str, int]]:
    """Step instants (fractional rows, sorted) at about mid stance, their feet, the pelvis's highest
    points (another instant per step, for the cadence) and how many instants came from each signal.
    Pelvis minima are the instants; the alternation's extremes (the swing foot highest, also about
    the other foot's mid stance), shifted by their median offset from the pelvis minima, fill in
    where the pelvis shows no minimum within 0.4 step. Feet: the lower foot and the side the pelvis
    sways to vote at each instant; the alternating pattern with more votes wins."""
    pelvis = _observed_extrema(-sig.pelvis, step_rows, 0.6 * step_rows, sig.observed)
    highs = _observed_extrema(sig.pelvis, step_rows, 0.6 * step_rows, sig.observed)
    alt = sorted(_observed_extrema(sig.alternation, step_rows, 1.2 * step_rows, sig.observed)
                 + _observed_extrema(-sig.alternation, step_rows, 1.2 * step_rows, sig.observed))
    offset = _phase_offset(pelvis, alt, step_rows)
    merged = list(pelvis)
    added = 0
    n = len(sig.pelvis)
    for r in alt:
        s = r + offset
        if 0 <= s <= n - 1 and np.isfinite(sig.size_px[int(round(s))]) and \
                (not merged or np.min(np.abs(np.asarray(merged) - s)) > 0.4 * step_rows):
            merged.append(s)
            added += 1
    merged.sort()
    # Votes: + = left foot in stance. The left foot lower (alternation > 0); the pelvis over the
    # stance leg: the runner's left is the image's left from behind, the image's right from the front.
    a_scale = float(np.nanstd(sig.alternation)) or 1.0
    s_scale = float(np.nanstd(sig.sway)) or 1.0
    side = -1.0 if view == "rear" else 1.0
    vote = np.nan_to_num(sig.alternation / a_scale) + 0.5 * side * np.nan_to_num(sig.sway / s_scale)
    feet = _label_alternating(merged, {"L": vote, "R": -vote}, True, step_rows)
    return merged, feet, highs, {"pelvis": len(pelvis), "alternation": added, "pelvis_highs": len(highs)}


def _band_crossing(h: np.ndarray, row: float, level: float, limit: float, forward: bool) -> float | None:
    """From `row` (foot on the ground: h <= level) walk back (or forward) to where the foot height
    `h` rises above `level`; the crossing row by linear interpolation, None when not found within
    `limit` rows or the signal is missing on the way."""
    k = int(round(row))
    step = 1 if forward else -1
    n = len(h)
    for _ in range(int(np.ceil(limit))):
        j = k + step
        if not (0 <= j < n) or not (np.isfinite(h[k]) and np.isfinite(h[j])):
            return None
        if h[j] > level:
            return k + step * (level - h[k]) / (h[j] - h[k])
        k = j
    return None


@dataclass(frozen=True)
class FrontalStep:
    """One step in a rear/front view, centred on its mid stance: `midstance` (pelvis lowest),
    `contact` / `toe_off` of the stance foot from its height above the ground (None when not
    observed), `next_midstance_s` (the next step's mid stance when it is of the other foot and
    regular, else None). step_s: mid stance to the next mid stance."""

    index: int
    foot: str
    midstance: GaitEvent
    contact: GaitEvent | None
    toe_off: GaitEvent | None
    next_midstance_s: float | None

    @property
    def step_s(self) -> float | None:
        return None if self.next_midstance_s is None else self.next_midstance_s - self.midstance.time_s

    @property
    def contact_s(self) -> float | None:
        if self.contact is None or self.toe_off is None:
            return None
        return self.toe_off.time_s - self.contact.time_s


def frontal_steps(sig: FrontalSignals, timestamps_s: np.ndarray, step_rows: float, view: str,
                  band: float = FRONTAL_GROUND_BAND
                  ) -> tuple[list[FrontalStep], list[float], list[float | None], dict[str, int]]:
    """Steps of a rear/front view (see `frontal_midstances`), with contact and toe-off of each
    stance foot where its height above the ground line crosses the bottom `band` of its range over
    the surrounding stride (within one step of the mid stance). Also the pelvis's highest points as
    (time, next time when regular, else None) for the cadence, and the instants' sources."""
    rows, feet, highs, sources = frontal_midstances(sig, step_rows, view)
    steps: list[FrontalStep] = []
    step_s = step_rows * (float(np.median(np.diff(timestamps_s))) if len(timestamps_s) > 1 else 0.0)
    mids = [_time_at(r, timestamps_s) for r in rows]
    high_s = [_time_at(r, timestamps_s) for r in highs]
    for i, (r, f) in enumerate(zip(rows, feet)):
        h = sig.height[f]
        a, b = max(0, int(np.floor(r - step_rows))), min(len(h), int(np.ceil(r + step_rows)) + 1)
        window = h[a:b]
        contact = toe_off = None
        if np.isfinite(window).sum() >= 3 and np.isfinite(h[int(round(r))]):
            lo_h, hi_h = float(np.nanmin(window)), float(np.nanmax(window))
            level = lo_h + band * (hi_h - lo_h)
            if h[int(round(r))] <= level and hi_h > lo_h:
                c = _band_crossing(h, r, level, step_rows, forward=False)
                t = _band_crossing(h, r, level, step_rows, forward=True)
                contact = GaitEvent(_time_at(c, timestamps_s), c, f, "contact") if c is not None else None
                toe_off = GaitEvent(_time_at(t, timestamps_s), t, f, "toe_off") if t is not None else None
        nxt = None
        if i + 1 < len(rows) and feet[i + 1] != f and \
                STEP_TOLERANCE[0] * step_s < mids[i + 1] - mids[i] < STEP_TOLERANCE[1] * step_s:
            nxt = mids[i + 1]
        steps.append(FrontalStep(len(steps) + 1, f, GaitEvent(mids[i], r, f, "midstance"), contact, toe_off, nxt))
    regular = [b if STEP_TOLERANCE[0] * step_s < b - a < STEP_TOLERANCE[1] * step_s else None
               for a, b in zip(high_s, high_s[1:])]
    return steps, high_s[:-1], regular, sources


def cadence_from_intervals(starts_s: list[float], next_s: list[float | None]) -> tuple[float, int, float]:
    """(cadence in steps/min counting both feet, steps counted, seconds spanned): over each run of
    consecutive regular steps (start, next start), steps / (last next start - first start), pooled."""
    total_steps, total_s = 0, 0.0
    run_start: float | None = None
    run_steps, run_end = 0, 0.0
    for start, nxt in zip(starts_s, next_s):
        if nxt is not None:
            if run_start is None:
                run_start, run_steps = start, 0
            run_steps += 1
            run_end = nxt
        elif run_start is not None:
            total_steps += run_steps
            total_s += run_end - run_start
            run_start = None
    if run_start is not None:
        total_steps += run_steps
        total_s += run_end - run_start
    cadence = 60.0 * total_steps / total_s if total_s > 0 else float("nan")
    return cadence, total_steps, total_s


# -- steps ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One step: from a contact of `foot` to the next contact of the other foot.

    contact / toe_off: the events (toe_off None when not observed); next_contact_s: the following
    contact of the other foot (None when the next contact is missing or of the same foot).
    contact_s = toe-off - contact; step_s = next contact - contact; flight_s = next contact - toe-off
    (negative: both feet on the ground, i.e. double support as in walking).
    """

    index: int
    foot: str
    contact: GaitEvent
    toe_off: GaitEvent | None
    next_contact_s: float | None

    @property
    def contact_s(self) -> float | None:
        return None if self.toe_off is None else self.toe_off.time_s - self.contact.time_s

    @property
    def step_s(self) -> float | None:
        return None if self.next_contact_s is None else self.next_contact_s - self.contact.time_s

    @property
    def flight_s(self) -> float | None:
        if self.toe_off is None or self.next_contact_s is None:
            return None
        return self.next_contact_s - self.toe_off.time_s


def build_steps(events: list[GaitEvent], step_period_s: float) -> list[Step]:
    """Steps from sorted events. A step's next contact counts only if it is of the other foot and
    its step time lies within STEP_TOLERANCE of the clip's step period (else a contact was missed
    or a spurious one found: the step is left out of timing figures); a toe-off belongs to the contact of the
    same foot before it, within 0.9 of a stride."""
    contacts = [e for e in events if e.kind == "contact"]
    toe_offs = [e for e in events if e.kind == "toe_off"]
    steps: list[Step] = []
    for i, c in enumerate(contacts):
        nxt = contacts[i + 1] if i + 1 < len(contacts) else None
        next_s = None
        if nxt is not None and nxt.foot != c.foot and \
                STEP_TOLERANCE[0] * step_period_s < nxt.time_s - c.time_s < STEP_TOLERANCE[1] * step_period_s:
            next_s = nxt.time_s
        same_next = next((d.time_s for d in contacts[i + 1:] if d.foot == c.foot), np.inf)
        limit = min(same_next, c.time_s + 1.8 * step_period_s)
        to = next((e for e in toe_offs if e.foot == c.foot and c.time_s < e.time_s < limit), None)
        steps.append(Step(len(steps) + 1, c.foot, c, to, next_s))
    return steps


def cadence_from_steps(steps: list[Step]) -> tuple[float, int, float]:
    """(cadence in steps/min counting both feet, steps counted, seconds spanned) the simple way: over
    each run of consecutive alternating steps, steps / (last contact - first contact), pooled over
    runs. Kept as a cross-check of the per-pass fit (`gait_passes`), which the analysis reports."""
    return cadence_from_intervals([s.contact.time_s for s in steps], [s.next_contact_s for s in steps])


# -- cadence by walking / running pass --------------------------------------------------------------

#: A pause longer than this many step periods between two step instants (a turn, standing still)
#: ends a pass; so do two or more missed steps in a row.
PASS_GAP_STEPS = 2.5
#: Step instants further than this share of a step from the pass's fitted line are left out.
PASS_OUTLIER_STEPS = 0.3


@dataclass(frozen=True)
class GaitPass:
    """One pass of steady gait between pauses: start_s / end_s: its first and last step instant
    used; steps: steps spanned (last - first step number); step_s: the fitted step time (s);
    instants: step instants used; dropped: instants left out (off the line by more than
    PASS_OUTLIER_STEPS step, e.g. a contact found twice); step_se_s: standard error of the fitted
    step time (s), from the instants' scatter about the line."""

    start_s: float
    end_s: float
    steps: int
    step_s: float
    instants: int
    dropped: int
    step_se_s: float = 0.0

    @property
    def cadence_spm(self) -> float:
        return 60.0 / self.step_s


def _step_numbers(times_s: np.ndarray, step_s: float) -> np.ndarray:
    """Step numbers for sorted instants: each interval adds round(interval / step) steps (a missed
    instant leaves a gap, one found twice shares the number)."""
    jumps = np.rint(np.diff(times_s) / step_s)
    return np.concatenate([[0.0], np.cumsum(jumps)])


def gait_passes(times_s: list[float], step_s: float) -> list[GaitPass]:
    """Passes of steady gait from step instants (contacts, or mid stances) and the clip's step period
    `step_s`: the instants are split at pauses (more than PASS_GAP_STEPS steps, or two missed steps in
    a row), numbered by step, and in each pass the step time is the slope of a least-squares line
    through (step number, time), refitted without the instants more than PASS_OUTLIER_STEPS step off
    it (and, of two instants sharing a step number, without the one further off). Every instant
    weighs in, so one contact found a frame or two off at either end of a pass (entering or leaving
    the frame, before a turn) moves the cadence far less than in steps / (last - first). Passes
    spanning fewer than two steps are left out."""
    if not np.isfinite(step_s) or step_s <= 0 or len(times_s) < 3:
        return []
    t = np.sort(np.asarray(times_s, float))
    numbers = _step_numbers(t, step_s)
    cuts = np.flatnonzero((np.diff(t) > PASS_GAP_STEPS * step_s) | (np.diff(numbers) > 2)) + 1
    passes = []
    for seg_t in np.split(t, cuts):
        if seg_t.size < 3:
            continue
        num = _step_numbers(seg_t, step_s)
        keep = np.ones(seg_t.size, dtype=bool)
        coef = None
        for _ in range(4):
            if keep.sum() < 3 or np.ptp(num[keep]) < 2:
                coef = None
                break
            coef = np.polyfit(num[keep], seg_t[keep], 1)
            resid = np.abs(seg_t - np.polyval(coef, num))
            new_keep = resid <= PASS_OUTLIER_STEPS * step_s
            for k in np.unique(num):  # an instant found twice: keep the one nearer the line
                same = np.flatnonzero(num == k)
                if same.size > 1:
                    new_keep[same[same != same[np.argmin(resid[same])]]] = False
            if np.array_equal(new_keep, keep):
                break
            keep = new_keep
        if coef is None or keep.sum() < 3 or coef[0] <= 0:
            continue
        used, k = seg_t[keep], num[keep]
        resid = used - np.polyval(coef, k)
        se = float(np.sqrt(np.sum(resid ** 2) / max(1, used.size - 2) / np.sum((k - k.mean()) ** 2)))
        passes.append(GaitPass(float(used[0]), float(used[-1]), int(np.ptp(k)), float(coef[0]),
                               int(keep.sum()), int((~keep).sum()), se))
    return passes


#: Floor of a fit's step-time standard error when weighting (s): a perfectly regular series
#: (synthetic) must not take all the weight; 1 ms is well below a frame at 240 fps.
MIN_STEP_SE_S = 1e-3


def pooled_cadence(passes: list[GaitPass]) -> tuple[float, int, float]:
    """(cadence in steps/min counting both feet, steps, seconds): the fitted step times of all
    passes (and clocks) combined by inverse-variance weighting (each fit's weight 1 / its standard
    error squared, floored at MIN_STEP_SE_S), so a series of jittery instants counts less than a
    regular one; seconds = steps x that step time."""
    if not passes:
        return float("nan"), 0, 0.0
    w = np.array([1.0 / max(p.step_se_s, MIN_STEP_SE_S) ** 2 for p in passes])
    step_s = float(np.sum(w * np.array([p.step_s for p in passes])) / np.sum(w))
    steps = sum(p.steps for p in passes)
    return 60.0 / step_s, steps, steps * step_s
