"""Plank hold measurements: pure numpy on a cleaned PoseSequence (pixels, x right, **y down**).

Pipeline of this module (each step one function):
  frame_features()   per-frame geometry: body line, hip offset, axis tilt, thighs, knees, elbows, head
  detect_cuts()      camera cuts (landmarks jump in one frame) on the *raw* sequence
  detect_variant()   forearm / high / knee / side_left / side_right / side_knee
  position_masks()   'entry' (a hold may start) and 'sustain' (a hold goes on) per frame
  trunk_only_mask()  frames where only the trunk is seen (the hold goes on, the line is not judged)
  fault_masks()      per-frame fault flags (the hold state machine, hold.py, makes breaks of them)
  steadiness(), plank_score()

Every per-frame function works on any number of rows: a whole clip, or one camera frame (Live).

Conventions (repeated in reference/plank.py):
  body_line_deg: 180 - angle(shoulder, hip, distal) where distal is the ankle (the knee for a knee
    plank, or when the feet are not visible). 0 = straight; **positive = pike** (hip above the
    shoulder-distal line in the image), **negative = sag** (hip below it; for a side plank seen from the
    front: the hips dropping toward the floor).
  hip_offset_px: the hip's perpendicular distance from the shoulder-distal line, same sign.
  axis_tilt_deg: the shoulder->distal line from horizontal, 0-90 (0 = horizontal).
  thigh_from_vertical_deg: hip->knee from vertical, 0-90 (0 = thigh hanging straight down).
  shoulder_stack_deg: support (elbow or wrist) -> shoulder from vertical; 0 = stacked, positive =
    shoulder ahead of the support toward the head.
  neck_deg: shoulder->ear relative to hip->shoulder; 0 = in line, positive = head up (craned),
    negative = head dropped.
  knee_flexion_deg / elbow_flexion_deg: 0 = straight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.ndimage import uniform_filter1d

from ...landmarks import Landmark as L
from ...masks import true_runs
from ...metrics.geometry import flexion_deg, joint_angle_deg, mean_of_present
from ...sequence import PoseSequence
from .thresholds import PlankThresholds

VARIANTS = ("forearm", "high", "knee", "side_left", "side_right", "side_knee")
KNEE_VARIANTS = ("knee", "side_knee")
SIDE_VARIANTS = ("side_left", "side_right", "side_knee")
BODY_LINE_FAULTS = ("sag", "pike", "hip_drop")


# ---------------------------------------------------------------------------------------------------
# landmarks
def mask_out_of_frame(seq: PoseSequence, margin_fraction: float = 0.01) -> PoseSequence:
    """Landmarks outside the image (MediaPipe extrapolates cut-off limbs) become NaN, visibility 0."""
    out = seq.copy()
    w, h = seq.frame_size
    mx, my = margin_fraction * w, margin_fraction * h
    x, y = out.xy[..., 0], out.xy[..., 1]
    with np.errstate(invalid="ignore"):
        outside = (x < -mx) | (x > w + mx) | (y < -my) | (y > h + my)
    out.xy[outside] = np.nan
    out.z[outside] = np.nan
    out.visibility[outside] = 0.0
    if out.world is not None:
        out.world[outside] = np.nan
    return out


def _up_offset(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Perpendicular distance of p from the line a->b, positive when p is *above* the line in the image
    (the side of the normal whose y component is negative: y points down). Pixels, (T,)."""
    d = b - a
    n = np.stack([d[..., 1], -d[..., 0]], axis=-1)
    n = np.where(n[..., 1:2] > 0, -n, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        n = n / np.linalg.norm(n, axis=-1, keepdims=True)
    return np.sum((p - a) * n, axis=-1)


def _from_vertical_abs(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Unsigned angle of the segment from vertical, 0-90 deg."""
    d = upper - lower
    return np.degrees(np.arctan2(np.abs(d[..., 0]), np.abs(d[..., 1])))


# ---------------------------------------------------------------------------------------------------
# per-frame features
@dataclass
class PlankFrames:
    """Per-frame plank geometry, every array (T,) unless noted; NaN where not measurable.

    shoulder, hip, ankle, knee: (T, 2) pixel midpoints of the left/right landmarks.
    head_dir: +1 when the head is toward image +x of the hips, -1 toward -x.
    side_ratio: shoulder separation / trunk length (large = shoulders stacked = side plank).
    lower_side: 'left'/'right' per frame: the side whose shoulder is lower in the image.
    """

    t: np.ndarray
    shoulder: np.ndarray
    hip: np.ndarray
    knee: np.ndarray
    ankle: np.ndarray
    ear: np.ndarray
    trunk_px: np.ndarray
    head_dir: np.ndarray
    side_ratio: np.ndarray
    left_shoulder_lower: np.ndarray
    knee_flexion_deg: np.ndarray
    elbow_flexion_deg: np.ndarray
    thigh_from_vertical_deg: np.ndarray
    shoulder_over_elbow_deg: np.ndarray
    shoulder_over_wrist_deg: np.ndarray
    neck_deg: np.ndarray
    stack_elbow_lr: np.ndarray  # (T, 2) per side (left, right), deg
    stack_wrist_lr: np.ndarray  # (T, 2)
    elbow_flexion_lr: np.ndarray  # (T, 2)

    def __len__(self) -> int:
        return int(self.t.shape[0])


def frame_features(seq: PoseSequence) -> PlankFrames:
    """Per-frame geometry of a (cleaned, out-of-frame-masked) sequence. See the module docstring."""
    xy = seq.xy
    shoulder = mean_of_present(xy[:, L.LEFT_SHOULDER], xy[:, L.RIGHT_SHOULDER])
    hip = mean_of_present(xy[:, L.LEFT_HIP], xy[:, L.RIGHT_HIP])
    knee = mean_of_present(xy[:, L.LEFT_KNEE], xy[:, L.RIGHT_KNEE])
    ankle = mean_of_present(xy[:, L.LEFT_ANKLE], xy[:, L.RIGHT_ANKLE])
    ear = mean_of_present(xy[:, L.LEFT_EAR], xy[:, L.RIGHT_EAR])
    trunk = np.linalg.norm(shoulder - hip, axis=1)
    head_dir = np.where(shoulder[:, 0] >= hip[:, 0], 1.0, -1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        side_ratio = np.linalg.norm(xy[:, L.LEFT_SHOULDER] - xy[:, L.RIGHT_SHOULDER], axis=1) / trunk
        left_lower = xy[:, L.LEFT_SHOULDER, 1] > xy[:, L.RIGHT_SHOULDER, 1]
    knee_flex = mean_of_present(
        flexion_deg(xy[:, L.LEFT_HIP], xy[:, L.LEFT_KNEE], xy[:, L.LEFT_ANKLE]),
        flexion_deg(xy[:, L.RIGHT_HIP], xy[:, L.RIGHT_KNEE], xy[:, L.RIGHT_ANKLE]),
    )
    elbow_lr = np.stack(
        [
            flexion_deg(xy[:, L.LEFT_SHOULDER], xy[:, L.LEFT_ELBOW], xy[:, L.LEFT_WRIST]),
            flexion_deg(xy[:, L.RIGHT_SHOULDER], xy[:, L.RIGHT_ELBOW], xy[:, L.RIGHT_WRIST]),
        ],
        axis=1,
    )
    elbow_flex = mean_of_present(elbow_lr[:, 0], elbow_lr[:, 1])
    thigh = _from_vertical_abs(knee, hip)
    stack_e: list[np.ndarray] = []
    stack_w: list[np.ndarray] = []
    for s_id, e_id, w_id in (
        (L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST),
        (L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST),
    ):
        for support, out in ((e_id, stack_e), (w_id, stack_w)):
            d = xy[:, s_id] - xy[:, support]
            # 0 = shoulder straight above the support; + = shoulder toward the head.
            out.append(np.degrees(np.arctan2(d[:, 0] * head_dir, -d[:, 1])))
    # Neck: angle of shoulder->ear relative to hip->shoulder, + when the ear is above that line.
    trunk_dir = shoulder - hip
    neck_vec = ear - shoulder
    cross = trunk_dir[:, 0] * neck_vec[:, 1] - trunk_dir[:, 1] * neck_vec[:, 0]
    dot = np.sum(trunk_dir * neck_vec, axis=1)
    neck = np.degrees(np.arctan2(cross, dot))  # + = clockwise on screen from the trunk direction
    # Clockwise on screen turns 'up' when the head points to +x; mirror for a head toward -x.
    neck = -neck * head_dir
    return PlankFrames(
        t=seq.timestamps_s.copy(),
        shoulder=shoulder,
        hip=hip,
        knee=knee,
        ankle=ankle,
        ear=ear,
        trunk_px=trunk,
        head_dir=head_dir,
        side_ratio=side_ratio,
        left_shoulder_lower=left_lower,
        knee_flexion_deg=knee_flex,
        elbow_flexion_deg=elbow_flex,
        thigh_from_vertical_deg=thigh,
        shoulder_over_elbow_deg=mean_of_present(*stack_e),
        shoulder_over_wrist_deg=mean_of_present(*stack_w),
        neck_deg=neck,
        stack_elbow_lr=np.stack(stack_e, axis=1),
        stack_wrist_lr=np.stack(stack_w, axis=1),
        elbow_flexion_lr=elbow_lr,
    )


@dataclass
class BodyLine:
    """The body line of each frame for one choice of distal point.

    distal: (T, 2) the far end of the line (ankle, or knee where used); uses_knee: (T,) bool.
    body_line_deg: signed (+ pike, - sag); hip_offset_px: signed (+ above the line);
    axis_tilt_deg: the shoulder->distal line from horizontal (0-90).
    """

    distal: np.ndarray
    uses_knee: np.ndarray
    body_line_deg: np.ndarray
    hip_offset_px: np.ndarray
    axis_tilt_deg: np.ndarray


def body_line(f: PlankFrames, knee_variant: bool) -> BodyLine:
    """Shoulder-hip-ankle line (shoulder-hip-knee for a knee variant, or where the ankles are missing)."""
    ankle_ok = np.isfinite(f.ankle[:, 0])
    uses_knee = np.full(len(f), True) if knee_variant else ~ankle_ok
    distal = np.where(uses_knee[:, None], f.knee, f.ankle)
    offset = _up_offset(f.hip, f.shoulder, distal)
    deviation = 180.0 - joint_angle_deg(f.shoulder, f.hip, distal)
    signed = np.where(offset >= 0, deviation, -deviation)
    signed = np.where(np.isfinite(offset), signed, np.nan)
    d = distal - f.shoulder
    tilt = np.degrees(np.arctan2(np.abs(d[:, 1]), np.abs(d[:, 0])))
    return BodyLine(
        distal=distal,
        uses_knee=uses_knee & np.isfinite(f.knee[:, 0]),
        body_line_deg=signed,
        hip_offset_px=offset,
        axis_tilt_deg=tilt,
    )


def line_class(body_line_deg: np.ndarray, th: PlankThresholds, neutral_deg: float = 0.0) -> np.ndarray:
    """(T,) 'C' (within tolerance), 'H' (pike: above +pike_tolerance_deg) or 'L' (sag: below
    -sag_tolerance_deg), around `neutral_deg` (0 = a straight line); NaN -> ''."""
    d = np.asarray(body_line_deg, float) - neutral_deg
    out = np.full(d.shape, "", dtype=object)
    with np.errstate(invalid="ignore"):
        out[np.isfinite(d)] = "C"
        out[d > th.pike_tolerance_deg] = "H"
        out[d < -th.sag_tolerance_deg] = "L"
    return out


# ---------------------------------------------------------------------------------------------------
# camera cuts
def detect_cuts(raw: PoseSequence, th: PlankThresholds) -> np.ndarray:
    """(T,) bool: True at row t when a camera cut happened between rows t-1 and t.

    A cut is a one-frame jump of the torso centre by more than `cut_jump_trunk` trunk lengths, or a
    change of the trunk length by more than `cut_scale_change` (a zoom), between consecutive frames
    that both have a person. Uses raw (unsmoothed) landmarks: smoothing spreads a cut over frames.
    """
    n = len(raw)
    cuts = np.zeros(n, dtype=bool)
    if n < 2:
        return cuts
    s = mean_of_present(raw.xy[:, L.LEFT_SHOULDER], raw.xy[:, L.RIGHT_SHOULDER])
    h = mean_of_present(raw.xy[:, L.LEFT_HIP], raw.xy[:, L.RIGHT_HIP])
    centre = (s + h) / 2.0
    trunk = np.linalg.norm(s - h, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ref = np.fmax(trunk[1:], trunk[:-1])
        jump = np.linalg.norm(np.diff(centre, axis=0), axis=1) / ref
        scale_change = np.abs(np.diff(trunk)) / ref
        cuts[1:] = (jump > th.cut_jump_trunk) | (scale_change > th.cut_scale_change)
    return cuts


def segments_between_cuts(cuts: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) row ranges between cuts."""
    starts = [0] + [int(i) for i in np.flatnonzero(cuts)]
    stops = [*starts[1:], int(cuts.shape[0])]
    return [(a, b) for a, b in zip(starts, stops, strict=False) if b > a]


def near_cut(t: np.ndarray, cuts: np.ndarray, guard_s: float) -> np.ndarray:
    """(T,) bool: rows within guard_s of a cut (their landmarks may mix the two shots)."""
    out = np.zeros(t.shape[0], dtype=bool)
    for i in np.flatnonzero(cuts):
        cut_time = (t[i] + t[i - 1]) / 2.0
        out |= np.abs(t - cut_time) <= guard_s
    return out


# ---------------------------------------------------------------------------------------------------
# variant
@dataclass(frozen=True)
class VariantDecision:
    """variant: one of VARIANTS; evidence: the medians it was decided from; source: 'detected' or 'override'."""

    variant: str
    source: str
    evidence: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def median_over(values: np.ndarray, rows: np.ndarray) -> float:
    """Median of the finite values in the selected rows (bool (T,)), NaN when none."""
    v = values[rows]
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else float("nan")


def detect_variant(
    f: PlankFrames, rows: np.ndarray, th: PlankThresholds, fallback_knee_flexion_deg: np.ndarray | None = None
) -> VariantDecision:
    """The plank variant from the medians over `rows` (bool (T,), e.g. the hold's frames).

    Side plank: shoulders stacked (separation > side_ratio x trunk); the supporting side is the one
    whose shoulder is lower in the image (side_left = lying on the left side, left arm on the floor).
    Knee variants: knee flexion > bent_knee_deg. Forearm vs high: elbow flexion > bent_elbow_deg.
    `fallback_knee_flexion_deg` (e.g. from MediaPipe's extrapolated ankles) is used when the ankles
    are not visible.
    """
    notes: list[str] = []
    side_ratio = median_over(f.side_ratio, rows)
    knee_flex = median_over(f.knee_flexion_deg, rows)
    if not np.isfinite(knee_flex) and fallback_knee_flexion_deg is not None:
        knee_flex = median_over(fallback_knee_flexion_deg, rows)
        if np.isfinite(knee_flex):
            notes.append(
                "feet out of frame: full or knee plank was told from the model's estimate of the hidden ankles"
            )
    elbow_flex = median_over(f.elbow_flexion_deg, rows)
    knee_down = bool(np.isfinite(knee_flex) and knee_flex > th.bent_knee_deg)
    evidence = {"side_ratio": side_ratio, "knee_flexion_deg": knee_flex, "elbow_flexion_deg": elbow_flex}
    if np.isfinite(side_ratio) and side_ratio > th.side_ratio:
        if knee_down:
            variant = "side_knee"
        else:
            left_lower = float(np.mean(f.left_shoulder_lower[rows])) if rows.any() else 0.5
            variant = "side_left" if left_lower >= 0.5 else "side_right"
    elif knee_down:
        variant = "knee"
    elif np.isfinite(elbow_flex) and elbow_flex <= th.bent_elbow_deg:
        variant = "high"
    else:
        variant = "forearm"
        if not np.isfinite(elbow_flex):
            notes.append("elbows not visible: assumed a forearm plank")
    return VariantDecision(variant=variant, source="detected", evidence=evidence, notes=tuple(notes))


# ---------------------------------------------------------------------------------------------------
# position and hold
def position_masks(f: PlankFrames, line: BodyLine, th: PlankThresholds) -> tuple[np.ndarray, np.ndarray]:
    """(entry, sustain), each (T,) bool.

    sustain: the person is in a plank-like position: body line measurable, the shoulder-distal line
      within max_axis_tilt_deg of horizontal, thighs not hanging (not on all fours), the body line
      between -exit_sag_deg and +exit_pike_deg.
    entry: sustain and the body line between -entry_sag_deg and +entry_pike_deg (a hold may start).
    """
    bl = line.body_line_deg
    with np.errstate(invalid="ignore"):
        thigh_ok = ~(f.thigh_from_vertical_deg < th.min_thigh_from_vertical_deg)  # NaN thighs: no evidence
        sustain = (
            np.isfinite(bl)
            & (line.axis_tilt_deg <= th.max_axis_tilt_deg)
            & thigh_ok
            & (bl >= -th.exit_sag_deg)
            & (bl <= th.exit_pike_deg)
        )
        entry = sustain & (bl >= -th.entry_sag_deg) & (bl <= th.entry_pike_deg)
    return entry, sustain


def trunk_only_mask(f: PlankFrames, line: BodyLine, th: PlankThresholds) -> np.ndarray:
    """(T,) bool: only the trunk is seen (no body line) and it lies within max_axis_tilt_deg of horizontal."""
    d = f.shoulder - f.hip
    with np.errstate(invalid="ignore"):
        tilt = np.degrees(np.arctan2(np.abs(d[:, 1]), np.abs(d[:, 0])))
        return ~np.isfinite(line.body_line_deg) & (tilt <= th.max_axis_tilt_deg)


def frame_interval_s(t: np.ndarray) -> float:
    """Median frame interval, seconds (0 for a single frame)."""
    return float(np.median(np.diff(t))) if t.shape[0] > 1 else 0.0


def span_s(t: np.ndarray, first: int, last: int) -> float:
    """Duration of rows first..last inclusive: each frame lasts one frame interval."""
    return float(t[last] - t[first] + frame_interval_s(t))


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) inclusive of each run of True."""
    return [(start, stop - 1) for start, stop in true_runs(mask)]


# ---------------------------------------------------------------------------------------------------
# faults
def fault_masks(f: PlankFrames, line: BodyLine, variant: str, th: PlankThresholds) -> dict[str, np.ndarray]:
    """Per-frame fault flags (T,) bool for every check that applies to the variant.

    sag / pike (hip_drop instead of sag for side planks): body line beyond the tolerance.
    knees_bent: full prone plank with knee flexion > knees_bent_deg (ankles visible only).
    head_dropped / head_craned: neck beyond +-neck_tolerance_deg.
    shoulders_ahead / shoulders_behind: prone planks, shoulder stack beyond the tolerance.
    """
    bl = line.body_line_deg
    with np.errstate(invalid="ignore"):
        faults = {
            "hip_drop" if variant in SIDE_VARIANTS else "sag": bl < -th.sag_tolerance_deg,
            "pike": bl > th.pike_tolerance_deg,
        }
        if variant in ("forearm", "high"):
            faults["knees_bent"] = f.knee_flexion_deg > th.knees_bent_deg
        if variant not in SIDE_VARIANTS:
            faults["head_dropped"] = f.neck_deg < -th.neck_tolerance_deg
            faults["head_craned"] = f.neck_deg > th.neck_tolerance_deg
            stack = shoulder_stack_deg(f, variant)
            faults["shoulders_ahead"] = stack > th.shoulder_stack_tolerance_deg
            faults["shoulders_behind"] = stack < -th.shoulder_stack_tolerance_deg
    return faults


def shoulder_stack_deg(f: PlankFrames, variant: str, bent_elbow_deg: float = 45.0) -> np.ndarray:
    """Shoulder over the elbows (forearm, knee planks) or the wrists (high plank), deg (+ ahead).

    Side planks: the supporting (lower) arm only, over its elbow when that elbow is bent more than
    bent_elbow_deg (forearm side plank), else over its wrist."""
    if variant in SIDE_VARIANTS:
        side = np.where(f.left_shoulder_lower, 0, 1)
        rows = np.arange(len(f))
        elbow_bent = f.elbow_flexion_lr[rows, side] > bent_elbow_deg
        return np.where(elbow_bent, f.stack_elbow_lr[rows, side], f.stack_wrist_lr[rows, side])
    return f.shoulder_over_wrist_deg if variant == "high" else f.shoulder_over_elbow_deg


def fault_value(name: str, f: PlankFrames, line: BodyLine, variant: str) -> np.ndarray:
    """The per-frame value a fault is judged on (deg)."""
    if name in BODY_LINE_FAULTS:
        return line.body_line_deg
    if name == "knees_bent":
        return f.knee_flexion_deg
    if name.startswith("head"):
        return f.neck_deg
    return shoulder_stack_deg(f, variant)


def longest_streak_s(t: np.ndarray, mask: np.ndarray) -> float:
    """Longest run of True, seconds (0 when none)."""
    return max((span_s(t, a, b) for a, b in runs(mask)), default=0.0)


def time_s(t: np.ndarray, mask: np.ndarray) -> float:
    """Total time of the True rows, seconds (each row lasts one frame interval)."""
    return float(mask.sum()) * frame_interval_s(t)


# ---------------------------------------------------------------------------------------------------
# steadiness and fatigue
@dataclass(frozen=True)
class Steadiness:
    """hip_sway_cm: RMS of the hip offset after removing a moving average over sway_detrend_s;
    shaking_cm: RMS of the raw (unsmoothed) hip offset minus its 1/3 s moving average (about 3 Hz and
    up: tremor plus landmark jitter); sag_trend_cm_per_min: minus the slope of the hip offset over the
    hold (positive = the hips drop over time); sag_growth_cm: that slope times the hold's duration."""

    hip_sway_cm: float | None
    shaking_cm: float | None
    sag_trend_cm_per_min: float | None
    sag_growth_cm: float | None


def _moving_average(x: np.ndarray, window: int) -> np.ndarray:
    return uniform_filter1d(x, size=max(1, window), mode="nearest")


def steadiness(
    t: np.ndarray,
    offset_cm: np.ndarray,
    raw_offset_cm: np.ndarray,
    rows: np.ndarray,
    th: PlankThresholds,
    cuts: np.ndarray | None = None,
) -> Steadiness:
    """Steadiness over the usable rows (bool (T,): in the hold, no cut nearby).

    The sag trend is one slope shared by every stretch between camera cuts, each stretch with its own
    intercept (a cut changes the camera angle and so the apparent offset)."""
    dt = frame_interval_s(t)
    usable = rows & np.isfinite(offset_cm)
    stretches = [(a, b) for a, b in runs(usable) if b - a + 1 >= 5]
    if not stretches or dt <= 0:
        return Steadiness(None, None, None, None)
    sway_sq, shake_sq, n_sway, n_shake = 0.0, 0.0, 0, 0
    for a, b in stretches:
        seg = offset_cm[a : b + 1]
        resid = seg - _moving_average(seg, int(round(th.sway_detrend_s / dt)))
        sway_sq += float(np.sum(resid**2))
        n_sway += resid.size
        raw = raw_offset_cm[a : b + 1]
        if np.all(np.isfinite(raw)):
            hf = raw - _moving_average(raw, max(3, int(round(1.0 / (th.shake_band_hz[0] * dt)))))
            shake_sq += float(np.sum(hf**2))
            n_shake += hf.size
    rows_all = np.flatnonzero(usable)
    shot = np.cumsum(cuts) if cuts is not None else np.zeros(t.shape[0], dtype=int)
    tc, yc = [], []
    for k in np.unique(shot[rows_all]):
        r = rows_all[shot[rows_all] == k]
        if r.size >= 3:
            tc.append(t[r] - t[r].mean())
            yc.append(offset_cm[r] - offset_cm[r].mean())
    slope = np.nan
    if tc:
        tcat, ycat = np.concatenate(tc), np.concatenate(yc)
        if tcat.size >= 5 and np.sum(tcat**2) > 0:
            slope = float(np.sum(tcat * ycat) / np.sum(tcat**2))
    duration = float(t[rows_all[-1]] - t[rows_all[0]]) if rows_all.size else 0.0
    return Steadiness(
        hip_sway_cm=float(np.sqrt(sway_sq / n_sway)) if n_sway else None,
        shaking_cm=float(np.sqrt(shake_sq / n_shake)) if n_shake else None,
        sag_trend_cm_per_min=float(-slope * 60.0) if np.isfinite(slope) else None,
        sag_growth_cm=float(-slope * duration) if np.isfinite(slope) else None,
    )


# ---------------------------------------------------------------------------------------------------
# score
@dataclass(frozen=True)
class ScoreParts:
    """Points 0-100 per part and the weighted total. Weights: form time 0.5, alignment 0.3,
    steadiness 0.1, fatigue 0.1 (a photo: alignment only)."""

    form_time: float | None
    alignment: float
    steadiness: float | None
    fatigue: float | None
    total: float

    def to_json(self) -> dict[str, Any]:
        return {
            "form_time": self.form_time,
            "alignment": self.alignment,
            "steadiness": self.steadiness,
            "fatigue": self.fatigue,
            "total": self.total,
        }


SCORE_WEIGHTS = {"form_time": 0.5, "alignment": 0.3, "steadiness": 0.1, "fatigue": 0.1}


def tolerance_units(body_line_deg: np.ndarray, th: PlankThresholds) -> np.ndarray:
    """Body line deviation in units of its side's tolerance: (T,) >= 0, 1.0 = at the good-form edge
    (sag side: sag_tolerance_deg; pike side: pike_tolerance_deg)."""
    bl = np.asarray(body_line_deg, float)
    return np.where(bl < 0, -bl / th.sag_tolerance_deg, bl / th.pike_tolerance_deg)


def plank_score(
    good_form_pct: float | None,
    mean_tolerance_units: float,
    hip_sway_cm: float | None,
    sag_growth_cm: float | None,
    th: PlankThresholds,
) -> ScoreParts:
    """Score parts: form time = % of the hold in good form; alignment = 100 at a straight line, 0 at a
    mean deviation of 3 tolerances (see tolerance_units); steadiness = 100 at no sway, 0 at 3 cm;
    fatigue = 100 with no sag growth, 0 at 5 cm growth. Missing parts are left out and the weights
    renormalised."""
    parts: dict[str, float | None] = {
        "form_time": None if good_form_pct is None else float(np.clip(good_form_pct, 0, 100)),
        "alignment": float(np.clip(100.0 * (1.0 - mean_tolerance_units / 3.0), 0, 100))
        if np.isfinite(mean_tolerance_units)
        else 0.0,
        "steadiness": None if hip_sway_cm is None else float(np.clip(100.0 * (1.0 - hip_sway_cm / 3.0), 0, 100)),
        "fatigue": None
        if sag_growth_cm is None
        else float(np.clip(100.0 * (1.0 - max(0.0, sag_growth_cm) / 5.0), 0, 100)),
    }
    weight = sum(SCORE_WEIGHTS[k] for k, v in parts.items() if v is not None)
    total = sum(SCORE_WEIGHTS[k] * v for k, v in parts.items() if v is not None) / weight
    r = {k: (None if v is None else round(v, 1)) for k, v in parts.items()}
    return ScoreParts(
        form_time=r["form_time"],
        alignment=r["alignment"] or 0.0,
        steadiness=r["steadiness"],
        fatigue=r["fatigue"],
        total=round(float(total), 1),
    )


def format_time(seconds: float) -> str:
    """m:ss (e.g. 0:41)."""
    total = int(round(max(0.0, seconds)))
    return f"{total // 60}:{total % 60:02d}"


def fault_tolerance_deg(name: str, th: PlankThresholds) -> float:
    """The tolerance (deg) of a fault: beyond it the fault is a form break."""
    if name in ("sag", "hip_drop"):
        return th.sag_tolerance_deg
    if name == "pike":
        return th.pike_tolerance_deg
    if name == "knees_bent":
        return th.knees_bent_deg
    return th.neck_tolerance_deg if name.startswith("head") else th.shoulder_stack_tolerance_deg


def fault_severity(name: str, value_deg: float, th: PlankThresholds) -> str:
    """'warning' beyond `warning_factor` times the fault's tolerance, else 'attention': the one rule
    for a break's severity (its event, its finding) and for the overlay's colour frame by frame."""
    return "warning" if abs(value_deg) > th.warning_factor * fault_tolerance_deg(name, th) else "attention"
