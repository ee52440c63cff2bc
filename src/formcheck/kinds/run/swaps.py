"""Left/right label swaps of the legs that the general cleaning missed, repaired with the gait's
periodicity: each leg at time t should look like the same leg one and two strides away and the
other leg half a stride away (a two-state Viterbi).
"""

from __future__ import annotations

import numpy as np

from ...sequence import PoseSequence
from .signals import FEET, LEG_IDS, hip_centre, nan_reduce


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


def swap_rows(
    seq: PoseSequence, fwd: np.ndarray, leg_px: np.ndarray, stride_rows: float, view: str, switch_cost: float = 0.15
) -> np.ndarray:
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
        d_keep = nan_reduce(np.nanmean, np.linalg.norm(feats[0] - ref_l, axis=-1), axis=1) + nan_reduce(
            np.nanmean, np.linalg.norm(feats[1] - ref_r, axis=-1), axis=1
        )
        d_swap = nan_reduce(np.nanmean, np.linalg.norm(feats[1] - ref_l, axis=-1), axis=1) + nan_reduce(
            np.nanmean, np.linalg.norm(feats[0] - ref_r, axis=-1), axis=1
        )
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


def repair_swaps(
    seq: PoseSequence, fwd: np.ndarray, leg_px: np.ndarray, stride_rows: float, view: str, passes: int = 2
) -> tuple[PoseSequence, np.ndarray]:
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
