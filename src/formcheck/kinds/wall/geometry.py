"""Wall test and standing posture measures: camera roll and wall edge from image lines, wall
contacts, scale from the body outline, standing posture from landmarks, lordosis classification.

Pixels, x right, **y down**. Landmark points are (2,) or (33, 2) pixel arrays. "Facing sign" f is
+1 when the person faces image right (+x) and -1 when facing left; "forward" means toward the face.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...landmarks import Landmark as L
from ...metrics.geometry import angle_from_vertical_deg, flexion_deg, nan_percentile, rotate_points
from .contour import BodyAxes, side_extent_px
from .thresholds import CAPTURE, GAP_UNCERTAINTY, CaptureLimits, GapUncertainty, LordosisThresholds

#: Line search settings (image analysis, formcheck heuristics): the longest side images are
#: reduced to before edge detection, Canny thresholds, and how far from vertical a line may lean.
LINE_WORK_SIDE_PX = 1000
CANNY_LOW, CANNY_HIGH = 20, 60
MAX_LINE_LEAN_DEG = 15.0
MIN_ROLL_LINES = 2
ROLL_CLUSTER_DEG = 1.0
ROLL_MIN_SHARE = 0.3


# -- image lines: camera roll and the wall edge ------------------------------------------------


def vertical_segments(image_rgb: np.ndarray, person: np.ndarray, min_length_px: float, exclude_px: float) -> np.ndarray:
    """(K, 4) near-vertical line segments x1, y1, x2, y2 (full-resolution px) found by Canny + the
    probabilistic Hough transform, leaning at most MAX_LINE_LEAN_DEG from the image vertical, at
    least `min_length_px` long, with the person's own outline (the region grown by `exclude_px`)
    removed first. `person` is the (H, W) bool person region."""
    import cv2

    h, w = image_rgb.shape[:2]
    f = min(1.0, LINE_WORK_SIDE_PX / max(h, w))
    small = (
        cv2.resize(image_rgb, (max(1, int(round(w * f))), max(1, int(round(h * f)))), interpolation=cv2.INTER_AREA)
        if f < 1.0
        else image_rgb
    )
    gray = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(gray, CANNY_LOW, CANNY_HIGH)
    person_small = cv2.resize(person.astype(np.uint8), (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    grow = max(1, int(round(exclude_px * f)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
    edges[cv2.dilate(person_small, kernel) > 0] = 0
    min_len = max(10, int(min_length_px * f))
    lines = cv2.HoughLinesP(
        edges, 1, np.pi / 720, threshold=max(20, min_len // 3), minLineLength=min_len, maxLineGap=max(3, min_len // 8)
    )
    if lines is None:
        return np.zeros((0, 4))
    seg = lines.reshape(-1, 4).astype(np.float64) / f
    lean = segment_lean_deg(seg)
    return seg[np.abs(lean) <= MAX_LINE_LEAN_DEG]


def segment_lean_deg(seg: np.ndarray) -> np.ndarray:
    """(K,) lean of each segment from the image vertical, deg: 0 = vertical, positive = top end to
    the right of the bottom end (a clockwise lean on screen)."""
    seg = np.asarray(seg, float).reshape(-1, 4)
    p1, p2 = seg[:, :2], seg[:, 2:]
    upper = np.where((p1[:, 1] < p2[:, 1])[:, None], p1, p2)
    lower = np.where((p1[:, 1] < p2[:, 1])[:, None], p2, p1)
    return angle_from_vertical_deg(lower, upper)


@dataclass(frozen=True)
class Roll:
    """Camera roll from vertical lines in the background.

    roll_deg: how far the scene's verticals lean on screen (positive = tops to the right), NaN when
    it could not be found; lines: how many lines agreed; corrected: whether measurements were
    turned back by roll_deg (only when min_roll_to_correct_deg <= |roll| <= max_roll_correction_deg)."""

    roll_deg: float
    lines: int
    corrected: bool

    @property
    def applied_deg(self) -> float:
        return self.roll_deg if self.corrected else 0.0


def camera_roll(segments: np.ndarray, limits: CaptureLimits = CAPTURE) -> Roll:
    """Camera roll from the background's near-vertical lines: the largest group of lines leaning
    alike (within ROLL_CLUSTER_DEG of each other, by total length) must hold MIN_ROLL_LINES lines and
    ROLL_MIN_SHARE of all the lines' length; the roll is the group's length-weighted median lean.
    Clutter (a bag, a plant) gives lines at scattered angles and no such group."""
    seg = np.asarray(segments, float).reshape(-1, 4)
    if len(seg) < MIN_ROLL_LINES:
        return Roll(float("nan"), len(seg), False)
    lean = segment_lean_deg(seg)
    length = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    near = np.abs(lean[:, None] - lean[None, :]) <= ROLL_CLUSTER_DEG
    support = near @ length
    group = near[int(np.argmax(support))]
    if group.sum() < MIN_ROLL_LINES or length[group].sum() < ROLL_MIN_SHARE * length.sum():
        return Roll(float("nan"), int(group.sum()), False)
    roll = _weighted_median(lean[group], length[group])
    corrected = limits.min_roll_to_correct_deg <= abs(roll) <= limits.max_roll_correction_deg
    return Roll(float(roll), int(group.sum()), bool(corrected))


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, 0.5 * cum[-1])])


@dataclass(frozen=True)
class WallEdge:
    """A wall seen edge-on behind the person: a point on it and its unit direction (pixels),
    and its visible length."""

    point: np.ndarray
    direction: np.ndarray
    length_px: float

    def signed_gap_px(self, p: np.ndarray, back: np.ndarray) -> float:
        """Distance from the wall to p, positive when p is in front of the wall (away from it)."""
        normal = np.array([-self.direction[1], self.direction[0]])
        if normal @ back < 0:
            normal = -normal
        return float((self.point - np.asarray(p, float)) @ normal)


def find_wall_edge(
    segments: np.ndarray, axes: BodyAxes, back_b_px: float, stature_px: float, limits: CaptureLimits = CAPTURE
) -> WallEdge | None:
    """The wall edge among near-vertical segments: behind the back (from `back_b_px` - tolerance
    to `wall_search_fraction` x stature further back, measured along `axes.back` from the hip),
    roughly parallel to the trunk, with collinear pieces adding up to `min_wall_length_fraction`
    of the stature. The nearest such group to the back wins. None when there is none."""
    seg = np.asarray(segments, float).reshape(-1, 4)
    if not len(seg):
        return None
    mid = (seg[:, :2] + seg[:, 2:]) / 2
    direction = seg[:, 2:] - seg[:, :2]
    length = np.linalg.norm(direction, axis=1)
    direction = direction / length[:, None]
    direction[direction @ axes.up < 0] *= -1
    # offset of each segment's line along `back` at the hip's height on the trunk axis
    along = (mid - axes.origin) @ axes.up
    denom = direction @ axes.up
    at_hip = mid - direction * (along / denom)[:, None]
    b = (at_hip - axes.origin) @ axes.back
    tolerance = 0.01 * stature_px
    keep = (b >= back_b_px - tolerance) & (b <= back_b_px + limits.wall_search_fraction * stature_px)
    keep &= np.degrees(np.arccos(np.clip(denom, -1, 1))) <= MAX_LINE_LEAN_DEG
    if not keep.any():
        return None
    idx = np.flatnonzero(keep)
    best: tuple[float, np.ndarray] | None = None
    for i in idx[np.argsort(b[idx])]:
        group = idx[
            (np.abs(b[idx] - b[i]) <= tolerance)
            & (np.degrees(np.arccos(np.clip(direction[idx] @ direction[i], -1, 1))) <= 3.0)
        ]
        total = float(length[group].sum())
        if total >= limits.min_wall_length_fraction * stature_px:
            best = (total, group)
            break
    if best is None:
        return None
    total, group = best
    pts = np.concatenate([seg[group, :2], seg[group, 2:]])
    weights = np.repeat(length[group], 1)
    weights = np.concatenate([weights, weights])
    centre = np.average(pts, axis=0, weights=weights)
    cov = np.cov((pts - centre).T, aweights=weights)
    evals, evecs = np.linalg.eigh(cov)
    d = evecs[:, int(np.argmax(evals))]
    if d @ axes.up < 0:
        d = -d
    return WallEdge(point=centre, direction=d, length_px=total)


# -- scale ---------------------------------------------------------------------------------------


def stature_px_from_mask(person: np.ndarray, roll_deg: float, extent_per_stature: float) -> float:
    """Stature in pixels from the person region's extent along the true vertical (the image vertical
    turned by the camera roll), divided by `extent_per_stature` (hair and shoes)."""
    th = math.radians(roll_deg)
    up_down = np.array([-math.sin(th), math.cos(th)])  # the scene's downward direction on screen
    lo, hi = side_extent_px(person, up_down)
    return (hi - lo + 1.0) / extent_per_stature


# -- standing posture --------------------------------------------------------------------------


@dataclass(frozen=True)
class Posture:
    """Standing posture from one side view (see the reference ranges for the conventions).

    craniovertebral_angle_deg: at the C7 proxy, between the horizontal and the line to the ear (tragus);
    90 = ear straight above, smaller = head further forward. trunk_inclination_deg: hip->shoulder from vertical, + forward. knee_extension_deg: 0 =
    straight, + flexed, - hyperextended. *_offset_cm: horizontal distance from the vertical through the
    ankle, + in front (toward the face)."""

    craniovertebral_angle_deg: float
    trunk_inclination_deg: float
    knee_extension_deg: float
    ear_offset_cm: float
    shoulder_offset_cm: float
    hip_offset_cm: float
    knee_offset_cm: float

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.__dict__.items()}


def side_points(xy: np.ndarray, near: str) -> dict[str, np.ndarray]:
    """Ear, shoulder, hip, knee, ankle (2,) px of the near side, falling back to the far side
    where the near one is missing."""
    names = ("EAR", "SHOULDER", "HIP", "KNEE", "ANKLE")
    first, second = ("LEFT", "RIGHT") if near != "right" else ("RIGHT", "LEFT")
    out = {}
    for n in names:
        p = xy[L[f"{first}_{n}"]]
        if not np.all(np.isfinite(p)):
            p = xy[L[f"{second}_{n}"]]
        out[n.lower()] = np.asarray(p, float)
    return out


def facing_sign(xy: np.ndarray) -> int:
    """+1 when the person faces image right, -1 when facing left: from the nose relative to the
    ears (else the shoulders), or failing that from the toes relative to the heels."""
    pairs = (
        ((L.NOSE,), (L.LEFT_EAR, L.RIGHT_EAR)),
        ((L.NOSE,), (L.LEFT_SHOULDER, L.RIGHT_SHOULDER)),
        ((L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX), (L.LEFT_HEEL, L.RIGHT_HEEL)),
    )
    for front, back in pairs:
        f = np.asarray(xy, float)[list(front), 0]
        b = np.asarray(xy, float)[list(back), 0]
        f, b = f[np.isfinite(f)], b[np.isfinite(b)]
        if f.size and b.size:
            return 1 if f.mean() - b.mean() >= 0 else -1
    return 1


#: Height of the C7 spinous process (cervicale) above the shoulder landmark, as a share of stature.
#: ANSUR II (Gordon CC et al. 2014, NATICK/TR-15/007): cervicale height minus acromial height is about
#: 0.047 of stature; MediaPipe's shoulder point sits a little below the acromion: 0.05 is used.
C7_ABOVE_SHOULDER_FRACTION = 0.05


def c7_proxy(
    contour: np.ndarray, shoulder: np.ndarray, stature_px: float, facing: int, roll_deg: float = 0.0
) -> np.ndarray:
    """(2,) px: the back-most outline point C7_ABOVE_SHOULDER_FRACTION x stature above the shoulder
    landmark (levels taken along the scene's vertical): the skin over C7 at the base of the neck.
    NaN when the outline has no point at that level."""
    pts = np.asarray(contour, float)
    if not len(pts) or not np.all(np.isfinite(shoulder)):
        return np.full(2, np.nan)
    centre = np.asarray(shoulder, float)
    upright = rotate_points(pts, roll_deg, centre) if roll_deg else pts
    level = centre[1] - C7_ABOVE_SHOULDER_FRACTION * stature_px
    near = np.abs(upright[:, 1] - level) <= 1.0
    if not near.any():
        return np.full(2, np.nan)
    cand = np.flatnonzero(near)
    return pts[cand[int(np.argmax(-facing * upright[cand, 0]))]].copy()


def standing_posture(
    xy: np.ndarray, near: str, facing: int, px_per_cm: float, roll_deg: float = 0.0, c7: np.ndarray | None = None
) -> Posture:
    """Posture measures from one frame's (33, 2) landmarks, after turning them by `roll_deg` so the
    scene's verticals are vertical. `c7`: the C7 proxy point (px) for the craniovertebral angle;
    None or NaN: the shoulder landmark stands in for it."""
    centre = np.nanmean(xy, axis=0)
    upright = rotate_points(xy, roll_deg, centre) if roll_deg else np.asarray(xy, float)
    p = side_points(upright, near)
    f = float(facing)
    ear, sh, hip, knee, ankle = p["ear"], p["shoulder"], p["hip"], p["knee"], p["ankle"]
    base = sh
    if c7 is not None and np.all(np.isfinite(c7)):
        base = rotate_points(np.asarray(c7, float), roll_deg, centre) if roll_deg else np.asarray(c7, float)
    cva = math.degrees(math.atan2(base[1] - ear[1], f * (ear[0] - base[0])))
    trunk = math.degrees(math.atan2(f * (sh[0] - hip[0]), hip[1] - sh[1]))
    flex = float(flexion_deg(hip, knee, ankle))
    # knee behind the hip-ankle line (toward the back) = hyperextension: negative
    w = (knee[1] - hip[1]) / (ankle[1] - hip[1]) if ankle[1] != hip[1] else 0.5
    line_x = hip[0] + w * (ankle[0] - hip[0])
    knee_ext = -flex if f * (knee[0] - line_x) < 0 else flex

    def offset(q: np.ndarray) -> float:
        return float(f * (q[0] - ankle[0]) / px_per_cm)

    return Posture(
        craniovertebral_angle_deg=cva,
        trunk_inclination_deg=trunk,
        knee_extension_deg=knee_ext,
        ear_offset_cm=offset(ear),
        shoulder_offset_cm=offset(sh),
        hip_offset_cm=offset(hip),
        knee_offset_cm=offset(knee),
    )


# -- view, standing and steadiness checks --------------------------------------------------------


def width_ratios(xy: np.ndarray) -> tuple[float, float]:
    """(shoulder, hip) left-right image distance over the trunk length (shoulder mid to hip mid):
    near 0 side-on, 0.35-0.7 in a front or rear view. Works on (33, 2) or (T, 33, 2) (median)."""
    xy = np.asarray(xy, float).reshape(-1, 33, 2)
    sh = np.abs(xy[:, L.LEFT_SHOULDER, 0] - xy[:, L.RIGHT_SHOULDER, 0])
    hp = np.abs(xy[:, L.LEFT_HIP, 0] - xy[:, L.RIGHT_HIP, 0])
    trunk = np.linalg.norm(
        (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER]) / 2 - (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP]) / 2, axis=1
    )
    with np.errstate(all="ignore"):
        return nan_percentile(sh / trunk, 50), nan_percentile(hp / trunk, 50)


def trunk_from_vertical_deg(xy: np.ndarray) -> float:
    """Unsigned angle of the hip-mid -> shoulder-mid line from straight up, deg (median over frames);
    0 = upright, 90 = lying (a plank)."""
    xy = np.asarray(xy, float).reshape(-1, 33, 2)
    sh = (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER]) / 2
    hp = (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP]) / 2
    return nan_percentile(np.abs(angle_from_vertical_deg(hp, sh)), 50)


def steadiest_window(xy: np.ndarray, window: int) -> tuple[int, int, float]:
    """[start, stop) of the `window` consecutive rows whose key landmarks (shoulders, hips, knees,
    ankles, ears) move least, and that motion: the mean over landmarks of the positional standard
    deviation within the window, pixels. Rows with missing landmarks count as moving a lot."""
    keys = [
        L.LEFT_EAR,
        L.RIGHT_EAR,
        L.LEFT_SHOULDER,
        L.RIGHT_SHOULDER,
        L.LEFT_HIP,
        L.RIGHT_HIP,
        L.LEFT_KNEE,
        L.RIGHT_KNEE,
        L.LEFT_ANKLE,
        L.RIGHT_ANKLE,
    ]
    pts = np.asarray(xy, float)[:, keys]
    n = len(pts)
    window = max(1, min(window, n))
    best = (0, window, float("inf"))
    for start in range(n - window + 1):
        chunk = pts[start : start + window]
        if not np.all(np.isfinite(chunk)):
            continue
        motion = float(np.mean(np.linalg.norm(chunk.std(axis=0), axis=-1)))
        if motion < best[2]:
            best = (start, start + window, motion)
    return best


# -- classification ------------------------------------------------------------------------------

LORDOSIS_CLASSES = ("flat", "typical", "possible excess lordosis")


def gap_sigma_cm(
    gap_cm: float,
    px_per_cm: float,
    scale_assumed: bool,
    loose_clothing: bool,
    contacts_off: bool,
    spread_cm: float = 0.0,
    u: GapUncertainty = GAP_UNCERTAINTY,
) -> float:
    """One standard deviation of the gap's error, cm, from the parts listed in GapUncertainty."""
    rel = u.scale_assumed if scale_assumed else u.scale_given
    parts = [u.edge_px / px_per_cm, rel * gap_cm, spread_cm]
    if loose_clothing:
        parts.append(u.clothing_cm)
    if contacts_off:
        parts.append(u.contacts_off_cm)
    return float(math.sqrt(sum(p * p for p in parts)))


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def classify_lordosis(gap_cm: float, hand_cm: float, sigma_cm: float, rule: LordosisThresholds) -> tuple[str, float]:
    """The class of the gap and a confidence in [0, 1]: the probability that the true gap falls in
    that class's interval if the measurement error is normal with `sigma_cm`."""
    flat, excess = rule.bounds_cm(hand_cm)
    sigma = max(sigma_cm, 1e-6)
    if gap_cm < flat:
        return LORDOSIS_CLASSES[0], _phi((flat - gap_cm) / sigma)
    if gap_cm > excess:
        return LORDOSIS_CLASSES[2], _phi((gap_cm - excess) / sigma)
    return LORDOSIS_CLASSES[1], _phi((excess - gap_cm) / sigma) - _phi((flat - gap_cm) / sigma)
