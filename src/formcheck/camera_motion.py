"""The camera's own motion between consecutive frames, from the background (a hand-held phone's shake
and drift, a pan that follows the runner), measured during the pose pass.

Corners of the background (outside every person's box) are followed from frame to frame by
pyramidal Lucas-Kanade optical flow (found again when too few are left), and a similarity (scale,
rotation, shift) is fitted to each frame's pairs with RANSAC: the background moves as one picture when the camera moves, a person does not. The
motion is in full-resolution pixels about the frame's centre; `camera_path` chains the motions
into the camera's path relative to the first frame (`steadying` takes the shake out of it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import cv2
import numpy as np

from .frames import Detection, Frame

#: The long side of the grey picture the motion is measured on (px). Lucas-Kanade follows corners to
#: about a tenth of a pixel, so 360 px measure a 1920-px frame to about half a pixel (and the fitted
#: motion, over a hundred corners, better).
WORK_SIDE_PX = 360
#: Corners followed in the background (at least 8 px apart on the working picture); new ones are
#: looked for when fewer than REFILL_CORNERS are left (corners are followed from frame to frame).
MAX_CORNERS = 200
REFILL_CORNERS = 120
#: A corner's strength, as a share of the strongest one's, to be taken: low, because a plain wall's
#: faint mortar lines are the only background there is (an indoor walking clip: at 0.01 no motion
#: could be measured in 99% of the frames, at 0.001 in all of them, 0.09 px apart on a fixed camera);
#: RANSAC drops the corners that do not move with the rest.
CORNER_QUALITY = 0.001
#: A person's box is widened by this share of its diagonal on every side before corners are excluded
#: (the landmarks are joints: hair, clothes and a swinging hand reach beyond them).
PERSON_MARGIN = 0.15
#: Fewest corner pairs that agree with the fitted motion for it to be taken (a textureless wall, a
#: frame filled by the runner: the motion is then unknown, not zero).
MIN_INLIERS = 25
#: RANSAC's reprojection threshold on the working picture (px).
RANSAC_PX = 1.0

#: A frame-to-frame motion: (log of the scale, rotation in radians (positive = the picture turns
#: clockwise on screen, y down), shift x, shift y in full-resolution px), taking a point of the
#: previous frame (centred coordinates) to this frame.
UNKNOWN = np.full(4, np.nan)
STILL = np.zeros(4)


class CameraTracker:
    """Measures each frame's motion from the previous one (`step`), one tracker per stream of frames.
    The background's corners are followed from frame to frame (found again when too few are left)."""

    def __init__(self) -> None:
        self._prev: np.ndarray | None = None  # the previous working picture (grey, uint8)
        self._prev_scale = 1.0  # working px per full-resolution px of the previous picture
        self._prev_boxes: list[tuple[float, float, float, float]] = []
        self._corners = np.zeros((0, 1, 2), np.float32)  # background corners in the previous picture

    def step(self, frame: Frame, people: Sequence[Detection]) -> np.ndarray:
        """(4,) the motion from the previous frame given to this one (see UNKNOWN's layout): STILL for
        the first frame, UNKNOWN when too little background could be followed."""
        grey, scale = _working_picture(frame)
        boxes = [_box(det, scale) for det in people]
        prev, prev_scale, prev_boxes = self._prev, self._prev_scale, self._prev_boxes
        self._prev, self._prev_scale, self._prev_boxes = grey, scale, boxes
        if prev is None or prev.shape != grey.shape or prev_scale != scale:
            self._corners = np.zeros((0, 1, 2), np.float32)
            return STILL.copy() if prev is None else UNKNOWN.copy()
        corners = _outside(self._corners, prev_boxes)
        if len(corners) < REFILL_CORNERS:
            found = cv2.goodFeaturesToTrack(
                prev,
                maxCorners=MAX_CORNERS,
                qualityLevel=CORNER_QUALITY,
                minDistance=8,
                mask=_background_mask(prev.shape, prev_boxes),
            )
            corners = found.astype(np.float32) if found is not None else np.zeros((0, 1, 2), np.float32)
        motion, kept = _motion(prev, grey, corners, scale)
        self._corners = kept
        return motion


def _working_picture(frame: Frame) -> tuple[np.ndarray, float]:
    """(grey picture with its long side at most WORK_SIDE_PX, its px per full-resolution px): a
    bilinear shrink to twice that, then a Gaussian pyramid step (which filters before it halves)."""
    image = frame.image
    h, w = image.shape[:2]
    shrink = min(1.0, 2 * WORK_SIDE_PX / max(h, w))
    if shrink < 1.0:
        image = cv2.resize(
            image, (max(2, round(w * shrink)), max(2, round(h * shrink))), interpolation=cv2.INTER_LINEAR
        )
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    if max(grey.shape) > WORK_SIDE_PX:
        grey = cv2.pyrDown(grey)
    return grey, frame.scale * grey.shape[1] / w


def _outside(corners: np.ndarray, boxes: Iterable[tuple[float, float, float, float]]) -> np.ndarray:
    """The corners (N, 1, 2) not inside any of the boxes."""
    keep = np.ones(len(corners), dtype=bool)
    pts = corners.reshape(-1, 2)
    for x0, y0, x1, y1 in boxes:
        keep &= ~((pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1))
    return corners[keep]


def _box(det: Detection, scale: float) -> tuple[float, float, float, float]:
    """A person's landmark box widened by PERSON_MARGIN, in working-picture px: (x0, y0, x1, y1)."""
    xy = det.xy[np.isfinite(det.xy).all(axis=1)] * scale
    if not len(xy):
        return (0.0, 0.0, 0.0, 0.0)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    pad = PERSON_MARGIN * float(np.hypot(*(hi - lo)))
    return (lo[0] - pad, lo[1] - pad, hi[0] + pad, hi[1] + pad)


def _background_mask(shape: tuple[int, ...], boxes: Iterable[tuple[float, float, float, float]]) -> np.ndarray:
    mask = np.full(shape[:2], 255, np.uint8)
    h, w = shape[:2]
    for x0, y0, x1, y1 in boxes:
        mask[max(0, int(y0)) : min(h, math.ceil(y1)), max(0, int(x0)) : min(w, math.ceil(x1))] = 0
    return mask


def _motion(prev: np.ndarray, grey: np.ndarray, corners: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """(the motion from `prev` to `grey` fitted to the corners' flow, or UNKNOWN; the corners that
    agreed with it, where they are in `grey`, to follow into the next frame)."""
    none = np.zeros((0, 1, 2), np.float32)
    if len(corners) < MIN_INLIERS:
        return UNKNOWN.copy(), none
    moved, status, _ = cv2.calcOpticalFlowPyrLK(prev, grey, corners, None, winSize=(15, 15), maxLevel=3)
    ok = status.reshape(-1) == 1
    if int(ok.sum()) < MIN_INLIERS:
        return UNKNOWN.copy(), none
    src, dst = corners.reshape(-1, 2)[ok], moved.reshape(-1, 2)[ok]
    fitted, inliers = cv2.estimateAffinePartial2D(
        src, dst, method=cv2.RANSAC, ransacReprojThreshold=RANSAC_PX, maxIters=500, confidence=0.995
    )
    if fitted is None or inliers is None or int(inliers.sum()) < MIN_INLIERS:
        return UNKNOWN.copy(), none
    h, w = grey.shape[:2]
    kept = dst[inliers.reshape(-1) == 1]
    inside = (kept[:, 0] >= 0) & (kept[:, 0] < w) & (kept[:, 1] >= 0) & (kept[:, 1] < h)
    return _about_centre(fitted, prev.shape, scale), kept[inside].reshape(-1, 1, 2).astype(np.float32)


def _about_centre(fitted: np.ndarray, shape: tuple[int, ...], scale: float) -> np.ndarray:
    """The working picture's similarity [[a, -b, tx], [b, a, ty]] (about its corner) as (log scale,
    rotation, shift x, shift y) about the frame's centre in full-resolution px."""
    a, b = float(fitted[0, 0]), float(fitted[1, 0])
    centre = np.array([shape[1], shape[0]], dtype=np.float64) / 2.0
    rot = np.array([[a, -b], [b, a]])
    shift = rot @ centre + fitted[:, 2] - centre  # q - c = R (p - c) + shift
    return np.array([math.log(math.hypot(a, b)), math.atan2(b, a), shift[0] / scale, shift[1] / scale])


def camera_path(steps: np.ndarray) -> np.ndarray:
    """(T, 4) frame-to-frame motions (UNKNOWN rows allowed) -> (T, 5) the path (`PoseSequence.camera`):
    each frame's similarity to the first frame's picture, as (log scale, rotation, shift x, shift y)
    taking a point of that frame (centred, full-resolution px) to where it was in the first frame,
    then 1.0 where the motion was measured, 0.0 where not. An unknown motion is taken as the mean of
    the known motions around it (a camera does not jump in one frame), STILL if none is known."""
    steps = np.asarray(steps, dtype=np.float64).reshape(-1, 4)
    n = len(steps)
    path = np.zeros((n, 5))
    if n == 0:
        return path
    known = np.isfinite(steps).all(axis=1)
    filled = steps.copy()
    if not known.any():
        filled[:] = 0.0
    elif not known.all():
        rows = np.arange(n)
        for k in range(4):
            filled[~known, k] = np.interp(rows[~known], rows[known], steps[known, k])
    filled[0] = 0.0
    for t in range(1, n):
        path[t, :4] = _compose_inverse(path[t - 1, :4], filled[t])
    path[:, 4] = known
    return path


def _compose_inverse(to_first: np.ndarray, step: np.ndarray) -> np.ndarray:
    """The path of frame t from the path of frame t-1 (`to_first`: frame t-1 -> first) and the motion
    `step` (frame t-1 -> frame t): first <- t-1 <- t, i.e. to_first o step^-1."""
    s1, r1, t1 = math.exp(to_first[0]), to_first[1], to_first[2:]
    s2, r2, t2 = math.exp(step[0]), step[1], step[2:]
    # step^-1: p = R2^-1 (q - t2) / s2
    inv_r = -r2
    inv_t = -_rotate(t2, inv_r) / s2
    shift = s1 * _rotate(inv_t, r1) + t1
    return np.array([math.log(s1 / s2), r1 + inv_r, shift[0], shift[1]])


def _rotate(v: np.ndarray, angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])
