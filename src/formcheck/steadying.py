"""Taking the camera's shake out of the landmarks, as a video stabiliser does: the camera's path
(measured from the background during the pose pass, `PoseSequence.camera`) is smoothed into the
path the camera was meant to take (a tripod, a steady pan), and each frame's landmarks are moved
from where the shaking camera saw them to where the steady one would have.

Why: a hand-held phone's bob and shake move every landmark together; a vertical shake near the step
frequency reads as the pelvis's bounce (vertical oscillation) and moves the feet's heights that time
contact and toe-off. A pan or a slow drift is kept: the analyses measure relative to the body or to
a trend over the step, which a slow camera motion does not change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .sequence import PoseSequence

#: Half the window (s, real time) over which the camera's intended path is a straight line (a local
#: linear fit over +-1 s). A moving average 2 s wide passes at most 7% of a motion at step frequencies
#: (1.4 Hz, a slow walk at 85 steps/min, and above), and follows a pan whose speed changes over a few
#: seconds.
INTENDED_HALF_WINDOW_S = 1.0
#: A shake whose correction moves the hips by less than this (px, root mean square) is left alone: it
#: is below the landmarks' own frame-to-frame noise (2-5 px on a phone clip), so steadying could not
#: change a figure, and a fixed camera's clip stays exactly as the model saw it.
MIN_SHAKE_PX = 1.0
#: With more of the frame-to-frame motions unknown than this (too little background to follow: a
#: plain wall, a runner filling the frame), the path is mostly guessed and is not used.
MAX_UNKNOWN_SHARE = 0.5


@dataclass(frozen=True)
class Steadying:
    """What steadying did: applied or not; the correction's size at the hips (px, RMS and max); why
    it was not applied (empty when it was)."""

    applied: bool
    rms_px: float = 0.0
    max_px: float = 0.0
    reason: str = ""


def intended_path(path: np.ndarray, times_s: np.ndarray, half_window_s: float = INTENDED_HALF_WINDOW_S) -> np.ndarray:
    """(T, 4) each row's local straight-line fit of `path` (T, 4) over the rows within `half_window_s`
    of it (times_s (T,) s, increasing; any spacing): a constant or steadily changing path comes back
    unchanged, a shake faster than the window is removed."""
    t = np.asarray(times_s, dtype=np.float64) - float(times_s[0])
    lo = np.searchsorted(t, t - half_window_s, side="left")
    hi = np.searchsorted(t, t + half_window_s, side="right")

    def window_sum(v: np.ndarray) -> np.ndarray:
        c = np.concatenate([np.zeros((1, *v.shape[1:])), np.cumsum(v, axis=0)])
        return c[hi] - c[lo]

    n = (hi - lo).astype(np.float64)
    st, stt = window_sum(t), window_sum(t * t)
    sy, sty = window_sum(path), window_sum(path * t[:, None])
    var = stt - st * st / n
    slope = np.where(
        var[:, None] > 1e-12, (sty - st[:, None] * sy / n[:, None]) / np.where(var > 1e-12, var, 1.0)[:, None], 0.0
    )
    mean_t, mean_y = st / n, sy / n[:, None]
    return mean_y + slope * (t - mean_t)[:, None]


def steadied(seq: PoseSequence) -> tuple[PoseSequence, Steadying]:
    """`seq` with each frame's landmarks (xy; z scaled alike) moved from the measured camera path to
    the intended one, and what was done. Unchanged (the same object) when the camera was not
    measured, barely shook (MIN_SHAKE_PX) or its path is mostly unknown (MAX_UNKNOWN_SHARE)."""
    if seq.camera is None or len(seq) < 3:
        return seq, Steadying(False, reason="the camera's motion was not measured")
    unknown_share = float(np.mean(seq.camera[1:, 4] < 0.5))
    if unknown_share > MAX_UNKNOWN_SHARE:
        return seq, Steadying(
            False,
            reason=f"too little background to follow the camera in {unknown_share:.0%} of the frames",
        )
    centre = np.asarray(seq.frame_size, dtype=np.float64) / 2.0
    path = seq.camera[:, :4]
    wanted = intended_path(path, seq.timestamps_s)
    xy = _to_path(_from_path(seq.xy - centre, path), wanted) + centre
    hips = seq.xy[:, 23:25].mean(axis=1)  # (T, 2), NaN where either hip is missing
    moved = np.linalg.norm(xy[:, 23:25].mean(axis=1) - hips, axis=1)
    moved = moved[np.isfinite(moved)]
    if not len(moved):
        return seq, Steadying(False, reason="no hips were seen")
    rms, peak = float(np.sqrt(np.mean(moved**2))), float(np.max(moved))
    if rms < MIN_SHAKE_PX:
        return seq, Steadying(False, rms, peak, reason=f"the camera was steady (under {MIN_SHAKE_PX:g} px)")
    out = seq.copy()
    out.xy = xy
    out.z = seq.z * np.exp(path[:, 0] - wanted[:, 0])[:, None]
    return out, Steadying(True, rms, peak)


def _from_path(p: np.ndarray, path: np.ndarray) -> np.ndarray:
    """(T, K, 2) centred points of each frame -> where they are in the first frame's picture."""
    return np.exp(path[:, 0])[:, None, None] * _rotated(p, path[:, 1]) + path[:, None, 2:]


def _to_path(q: np.ndarray, path: np.ndarray) -> np.ndarray:
    """(T, K, 2) points of the first frame's picture -> where a camera on `path` sees them (centred)."""
    return _rotated(q - path[:, None, 2:], -path[:, 1]) / np.exp(path[:, 0])[:, None, None]


def _rotated(p: np.ndarray, angle: np.ndarray) -> np.ndarray:
    c, s = np.cos(angle)[:, None], np.sin(angle)[:, None]
    return np.stack([c * p[..., 0] - s * p[..., 1], s * p[..., 0] + c * p[..., 1]], axis=-1)
