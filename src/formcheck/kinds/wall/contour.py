"""Body outline from a person mask, the back profile, the back line and the lumbar gap.

Pixels, x right, **y down**. A mask is (H, W) float in [0, 1] (MediaPipe person segmentation).

The **back line** is a supporting line of the back of the body: a line that touches the back
profile at two points (the buttocks and the upper back, where a wall would touch) with no part of
the back beyond it. It is an edge of the convex hull of the back profile. The **lumbar gap** is the
largest perpendicular distance from that line to the back contour between the two contact points.
Both are defined by the outline alone, so they do not change when the camera is rolled (tilted
about its axis) or when the person is scaled: only which part of the outline counts as "back" uses
the trunk axis (hip -> shoulder landmarks), which turns with the body.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

#: Mask probability above which a pixel belongs to the person.
MASK_THRESHOLD = 0.5

#: Zones along the trunk axis, as t = (s - s_hip) / (s_shoulder - s_hip): 0 at the hip landmark,
#: 1 at the shoulder landmark. The back profile searched for the back line runs from below the
#: buttocks to the top of the shoulders; the deepest point of the gap must lie in the lumbar window.
PROFILE_T = (-0.45, 1.05)
LUMBAR_WINDOW_T = (0.0, 0.6)
BUTTOCKS_ZONE_T = (-0.45, 0.2)
UPPER_BACK_ZONE_T = (0.4, 1.05)


def mask_contour(mask: np.ndarray, threshold: float = MASK_THRESHOLD) -> np.ndarray:
    """(N, 2) float pixel outline of the largest connected region of the mask (empty if none).

    Points are the centres of the region's boundary pixels, in order around the region.
    """
    import cv2

    binary = (np.asarray(mask) >= threshold).astype(np.uint8)
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return np.zeros((0, 2))
    largest = max(contours, key=cv2.contourArea)
    return largest.reshape(-1, 2).astype(np.float64)


def largest_region(mask: np.ndarray, threshold: float = MASK_THRESHOLD) -> np.ndarray:
    """(H, W) bool: the largest connected region of the thresholded mask (the person)."""
    import cv2

    binary = (np.asarray(mask) >= threshold).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n <= 1:
        return np.zeros(binary.shape, dtype=bool)
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return labels == k


@dataclass(frozen=True)
class BodyAxes:
    """An orthonormal frame attached to the trunk.

    origin: (2,) px, the hip landmark; up: (2,) unit vector hip -> shoulder; back: (2,) unit vector
    perpendicular to `up`, pointing out of the person's back; trunk_px: hip-to-shoulder distance.
    """

    origin: np.ndarray
    up: np.ndarray
    back: np.ndarray
    trunk_px: float

    def t_of(self, points: np.ndarray) -> np.ndarray:
        """(N,) position along the trunk: 0 at the hip, 1 at the shoulder."""
        return ((np.asarray(points, float) - self.origin) @ self.up) / self.trunk_px

    def b_of(self, points: np.ndarray) -> np.ndarray:
        """(N,) pixels toward the back, from the hip landmark."""
        return (np.asarray(points, float) - self.origin) @ self.back


def body_axes(hip: np.ndarray, shoulder: np.ndarray, front_point: np.ndarray) -> BodyAxes:
    """Trunk frame from the hip and shoulder points (px) and a point in front of the trunk (px,
    e.g. the nose): the back direction is the trunk axis's perpendicular pointing away from it."""
    hip, shoulder = np.asarray(hip, float), np.asarray(shoulder, float)
    d = shoulder - hip
    length = float(np.linalg.norm(d))
    if not np.isfinite(length) or length <= 0:
        raise ValueError("hip and shoulder points must be distinct and finite")
    up = d / length
    back = np.array([-up[1], up[0]])
    if (np.asarray(front_point, float) - hip) @ back > 0:
        back = -back
    return BodyAxes(origin=hip, up=up, back=back, trunk_px=length)


def back_profile(
    contour: np.ndarray, axes: BodyAxes, t_range: tuple[float, float] = PROFILE_T, mask: np.ndarray | None = None
) -> np.ndarray:
    """(M, 2) px: for each 1-px step along the trunk axis within `t_range`, the outline point
    furthest toward the back, ordered from low (hip side) to high (shoulder side).

    Only outline points behind the trunk axis (hip-shoulder line) count, so that a step with no
    back point (a steep stretch of the outline) is left out rather than filled from the front.
    With the soft `mask`, each point is moved along the back direction to where the mask crosses
    MASK_THRESHOLD (sub-pixel), which removes the pixel staircase of a tilted edge."""
    pts = np.asarray(contour, float)
    if pts.size == 0:
        return np.zeros((0, 2))
    t = axes.t_of(pts)
    b = axes.b_of(pts)
    keep = (t >= t_range[0]) & (t <= t_range[1]) & (b > 0)
    pts, b = pts[keep], b[keep]
    if not pts.size:
        return np.zeros((0, 2))
    s_bin = np.round((pts - axes.origin) @ axes.up).astype(np.int64)
    order = np.lexsort((-b, s_bin))  # by bin, then most posterior first
    s_sorted = s_bin[order]
    first = np.concatenate([[True], s_sorted[1:] != s_sorted[:-1]])
    profile = pts[order][first]
    return refine_edge(mask, profile, axes.back) if mask is not None else profile


#: Sub-pixel edge search: samples from -REFINE_REACH_PX to +REFINE_REACH_PX along the normal.
REFINE_REACH_PX = 2.0
REFINE_STEP_PX = 0.125


def refine_edge(
    mask: np.ndarray, points: np.ndarray, outward: np.ndarray, threshold: float = MASK_THRESHOLD
) -> np.ndarray:
    """(M, 2) px: each boundary point moved along the unit `outward` direction to the outermost
    place where the bilinearly interpolated mask crosses `threshold`; points without a crossing
    within REFINE_REACH_PX stay where they are."""
    from scipy.ndimage import map_coordinates

    pts = np.asarray(points, float)
    if not len(pts):
        return pts
    u = np.arange(-REFINE_REACH_PX, REFINE_REACH_PX + 1e-9, REFINE_STEP_PX)
    samples = pts[:, None, :] + u[None, :, None] * np.asarray(outward, float)[None, None, :]
    values = map_coordinates(
        np.asarray(mask, np.float32), [samples[..., 1].ravel(), samples[..., 0].ravel()], order=1, mode="nearest"
    ).reshape(samples.shape[:2])
    inside = values >= threshold
    out = pts.copy()
    for i in range(len(pts)):
        crossings = np.flatnonzero(inside[i, :-1] & ~inside[i, 1:])
        if not crossings.size:
            continue
        k = int(crossings[-1])
        v0, v1 = values[i, k], values[i, k + 1]
        frac = (v0 - threshold) / (v0 - v1) if v0 != v1 else 0.5
        out[i] = pts[i] + (u[k] + frac * REFINE_STEP_PX) * np.asarray(outward, float)
    return out


def _upper_hull(s: np.ndarray, b: np.ndarray) -> list[int]:
    """Indices of the upper convex hull of points sorted by s (monotone chain, maximising b)."""
    hull: list[int] = []
    for i in range(len(s)):
        while len(hull) >= 2:
            o, a = hull[-2], hull[-1]
            cross = (s[a] - s[o]) * (b[i] - b[o]) - (b[a] - b[o]) * (s[i] - s[o])
            if cross >= 0:  # a lies on or below the chord o -> i: not on the upper hull
                hull.pop()
            else:
                break
        hull.append(i)
    return hull


@dataclass(frozen=True)
class BackLine:
    """The back line and the lumbar gap, in full-resolution pixels.

    lower_contact, upper_contact: (2,) where the line touches the back (buttocks, upper back);
    deepest: (2,) the lower-back point furthest from the line; foot: (2,) the foot of the
    perpendicular from `deepest` on the line; gap_px: that distance; contacts_in_zones: the
    contacts lie where the buttocks and the upper back are expected (else clothing or the arm may
    have moved them)."""

    lower_contact: np.ndarray
    upper_contact: np.ndarray
    deepest: np.ndarray
    foot: np.ndarray
    gap_px: float
    contacts_in_zones: bool

    @property
    def direction(self) -> np.ndarray:
        """(2,) unit vector from the lower to the upper contact."""
        d = self.upper_contact - self.lower_contact
        return d / np.linalg.norm(d)


def _distance_to_line(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = (b - a) / np.linalg.norm(b - a)
    rel = points - a
    return np.abs(rel[:, 0] * d[1] - rel[:, 1] * d[0])


def find_back_line(
    profile: np.ndarray, axes: BodyAxes, lumbar_window_t: tuple[float, float] = LUMBAR_WINDOW_T
) -> BackLine:
    """The supporting line of the back profile that bridges the lumbar curve, and the gap under it.

    Among the edges of the back profile's convex hull, the one with the deepest point inside the
    lumbar window is chosen; with a flat back (no point of the window below the hull) the edge
    spanning the window's middle is used and the gap is 0. Raises ValueError on too short a profile.
    """
    if len(profile) < 5:
        raise ValueError("the back outline is too short to find a back line")
    s = (profile - axes.origin) @ axes.up
    b = axes.b_of(profile)
    t = s / axes.trunk_px
    hull = _upper_hull(s, b)
    best: tuple[float, int, int, int] | None = None  # depth, i, j, k
    for i, j in itertools.pairwise(hull):
        if j - i < 2:
            continue
        inner = np.arange(i + 1, j)
        in_window = inner[(t[inner] >= lumbar_window_t[0]) & (t[inner] <= lumbar_window_t[1])]
        if not in_window.size:
            continue
        dist = _distance_to_line(profile[in_window], profile[i], profile[j])
        k = int(in_window[int(np.argmax(dist))])
        depth = float(dist.max())
        if best is None or depth > best[0]:
            best = (depth, i, j, k)
    if best is None:
        mid = 0.5 * (lumbar_window_t[0] + lumbar_window_t[1])
        for i, j in itertools.pairwise(hull):
            if t[i] <= mid <= t[j]:
                k = i if abs(t[i] - mid) <= abs(t[j] - mid) else j
                best = (0.0, i, j, k)
                break
    if best is None:
        raise ValueError("the back outline does not cover the lower back")
    depth, i, j, k = best
    a, c, p = profile[i], profile[j], profile[k]
    d = (c - a) / np.linalg.norm(c - a)
    foot = a + d * float((p - a) @ d)
    in_zones = bool(
        BUTTOCKS_ZONE_T[0] <= t[i] <= BUTTOCKS_ZONE_T[1] and UPPER_BACK_ZONE_T[0] <= t[j] <= UPPER_BACK_ZONE_T[1]
    )
    return BackLine(
        lower_contact=a.copy(),
        upper_contact=c.copy(),
        deepest=p.copy(),
        foot=foot,
        gap_px=depth,
        contacts_in_zones=in_zones,
    )


def side_extent_px(mask_region: np.ndarray, direction: np.ndarray) -> tuple[float, float]:
    """(min, max) of the region's pixels projected on a unit direction (e.g. up), pixels."""
    ys, xs = np.nonzero(mask_region)
    if not xs.size:
        return float("nan"), float("nan")
    proj = xs * direction[0] + ys * direction[1]
    return float(proj.min()), float(proj.max())
