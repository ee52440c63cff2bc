"""The wall test's measurement: landmark checks (standing, side-on) -> frames to segment (the photo,
or a few frames spread over a clip's steadiest stretch) -> per frame: capture checks, camera roll,
scale, body outline, back line and lumbar gap, wall edge and contacts, posture -> medians with their
spread -> classification with a confidence. Pure numpy (and OpenCV for the background's lines): the
geometry is in `contour` and `geometry`, thresholds and ranges in `thresholds`, prose in `findings`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...analysis import AnalysisContext, JsonValue, MetricValue, Row, TableRow
from ...calibrate import stature_px_from_segments
from ...clean import CleanConfig
from ...errors import ActivityNotFound, InsufficientData, WrongView
from ...feedback import SCREENING_NOTICE
from ...frames import SegmentedFrame
from ...landmarks import Landmark as L
from ...metrics.geometry import nan_percentile
from ...numbers import rounded
from ...reference import ReferenceRange
from ...sequence import PoseSequence
from . import contour as C
from . import geometry as W
from . import thresholds as R

#: A person standing still: heavier smoothing than for movement, longer gaps may be bridged.
CLEAN = CleanConfig(min_visibility=0.3, max_gap_s=0.3, cutoff_hz=3.0)

#: A clip: the steadiest stretch this long is looked for, and this many frames of it segmented.
STEADY_WINDOW_S = 1.5
FRAMES_TO_SEGMENT = 5

HEAD_LANDMARKS = (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR)
FEET_LANDMARKS = (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL)
POSTURE_KEYS = (
    "craniovertebral_angle_deg",
    "trunk_inclination_deg",
    "knee_extension_deg",
    "ear_offset_cm",
    "shoulder_offset_cm",
    "hip_offset_cm",
    "knee_offset_cm",
)


# -- per-frame measurement ---------------------------------------------------------------------------


@dataclass
class FrameMeasure:
    """Everything measured on one segmented frame (full-resolution pixels)."""

    row: int
    time_s: float
    contour: np.ndarray
    profile: np.ndarray
    back: C.BackLine
    axes: C.BodyAxes
    roll: W.Roll
    px_per_cm: float
    stature_px: float
    segment_stature_px: float
    wall: W.WallEdge | None
    contacts: dict[str, bool]
    gap_px: float
    gap_reference: str
    gap_deepest: np.ndarray
    gap_foot: np.ndarray
    posture: W.Posture
    c7: np.ndarray
    shoulder_cva_deg: float
    ankle: np.ndarray
    ear: np.ndarray
    facing: int
    back_to_hip_fraction: float
    landmarks_in_mask: float
    notes: list[str] = field(default_factory=list)


def _gated(detection_xy: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    xy = np.asarray(detection_xy, float).copy()
    xy[np.asarray(visibility) < CLEAN.min_visibility] = np.nan
    return xy


def _mean_seen(points: np.ndarray) -> np.ndarray:
    """(2,) mean of the finite rows of (K, 2) points; NaN when none is finite."""
    seen = points[np.all(np.isfinite(points), axis=1)]
    return seen.mean(axis=0) if len(seen) else np.full(2, np.nan)


def check_whole_body(
    person: np.ndarray,
    xy: np.ndarray,
    visibility: np.ndarray,
    width: int,
    height: int,
    limits: R.CaptureLimits = R.CAPTURE,
) -> list[str]:
    """InsufficientData ("cropped") when the head or the feet are cut off by the frame.

    The outline may touch the bottom edge when the heels are seen inside the frame (tight framing
    cuts the soles at most); that returns a note instead, since the scale then reads a little small."""
    margin = max(1, int(math.ceil(limits.border_fraction * height)))
    cut, notes = [], []
    visible = {}
    for name, ids in (("head", HEAD_LANDMARKS), ("feet", FEET_LANDMARKS)):
        pts = xy[list(ids)]
        vis = visibility[list(ids)]
        inside = (pts[:, 0] >= 0) & (pts[:, 0] < width) & (pts[:, 1] >= 0) & (pts[:, 1] < height - margin)
        visible[name] = bool(np.any(inside & (vis >= limits.min_end_visibility)))
        if not visible[name]:
            cut.append(f"the {name} {'is' if name == 'head' else 'are'} not visible")
    if person[:margin].any():
        cut.append("the top of the head touches the top edge")
    if person[-margin:].any():
        if visible["feet"]:
            notes.append(
                "the feet touch the bottom edge of the picture: the soles may be cut off, so the cm scale "
                "may read about 1% small; leave a little floor below the feet"
            )
        else:
            cut.append("the feet are cut off by the bottom edge")
    if person[:, :margin].any() or person[:, -margin:].any():
        cut.append("the body touches a side edge")
    if cut:
        raise InsufficientData(
            f"cropped: the whole body must be in the picture for the wall test, but "
            f"{'; '.join(cut)}. Step back or zoom out so that there is a little space "
            f"above the head and below the feet, and photograph from the side"
        )
    return notes


def measure_frame(
    sf: SegmentedFrame, row: int, near: str, settings_stature_cm: float, limits: R.CaptureLimits = R.CAPTURE
) -> FrameMeasure:
    """All wall-test and posture measures of one segmented frame."""
    h, w = sf.mask.shape
    xy = _gated(sf.detection.xy, sf.detection.visibility)
    person = C.largest_region(sf.mask)
    if not person.any():
        raise InsufficientData(
            "the person segmentation found no body outline: photograph the person "
            "against a plain, contrasting background, well lit"
        )
    notes = check_whole_body(person, xy, sf.detection.visibility, w, h, limits)
    facing = W.facing_sign(xy)
    hip = _mean_seen(xy[[L.LEFT_HIP, L.RIGHT_HIP]])
    shoulder = _mean_seen(xy[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER]])
    if not (np.all(np.isfinite(hip)) and np.all(np.isfinite(shoulder))) or np.allclose(hip, shoulder):
        raise InsufficientData(
            "the hips and shoulders were not seen clearly enough to find the back: photograph "
            "the whole body from the side, well lit, arms hanging by the sides"
        )
    front = xy[L.NOSE] if np.all(np.isfinite(xy[L.NOSE])) else hip + np.array([facing * 10.0, 0.0])
    axes = C.body_axes(hip, shoulder, front)

    image = sf.frame.image
    if sf.frame.scale != 1.0:
        import cv2

        image = cv2.resize(image, (w, h), interpolation=cv2.INTER_LINEAR)
    rough_stature = W.stature_px_from_mask(person, 0.0, R.MASK_EXTENT_PER_STATURE)
    segments = W.vertical_segments(image, person, 0.2 * rough_stature, 0.01 * rough_stature)
    roll = W.camera_roll(segments, limits)
    stature_px = W.stature_px_from_mask(person, roll.applied_deg, R.MASK_EXTENT_PER_STATURE)
    px_per_cm = stature_px / settings_stature_cm
    one = PoseSequence(
        xy=xy[None],
        z=np.zeros((1, 33)),
        visibility=sf.detection.visibility[None],
        timestamps_s=np.zeros(1),
        frame_size=(w, h),
        fps=0.0,
    )
    segment_stature = stature_px_from_segments(one)

    contour = C.mask_contour(sf.mask)
    profile = C.back_profile(contour, axes, mask=sf.mask)
    try:
        back = C.find_back_line(profile, axes)
    except ValueError as exc:
        raise InsufficientData(
            f"the back outline could not be traced ({exc}): photograph the person from "
            f"the side against a plain background, arms hanging by the sides"
        ) from exc

    back_b = float(np.max(axes.b_of(np.stack([back.lower_contact, back.upper_contact]))))
    wall = W.find_wall_edge(segments, axes, back_b, stature_px, limits)
    contacts: dict[str, bool] = {}
    gap_px, reference, deepest, foot = back.gap_px, "back_line", back.deepest, back.foot
    if wall is not None:
        tol = limits.contact_tolerance_cm * px_per_cm
        head_pts = contour[axes.t_of(contour) >= 1.25]
        head_back = head_pts[int(np.argmax(axes.b_of(head_pts)))] if len(head_pts) else None
        contacts = {
            "buttocks": wall.signed_gap_px(back.lower_contact, axes.back) <= tol,
            "shoulder_blades": wall.signed_gap_px(back.upper_contact, axes.back) <= tol,
            "head": bool(head_back is not None and wall.signed_gap_px(head_back, axes.back) <= tol),
        }
        if contacts["buttocks"] and contacts["shoulder_blades"]:
            # The wall passes through both contacts (within the tolerance): the back line through them is
            # the wall's line at sub-pixel precision, where the edge detector only gives whole pixels.
            reference = "wall"
        else:
            notes.append(
                "a wall edge was found behind the person, but the buttocks and shoulder blades do not "
                "both touch it: the gap was measured from the back line instead"
            )

    xy_posture = np.where(np.isfinite(xy), xy, np.nan)
    c7 = W.c7_proxy(contour, W.side_points(xy_posture, near)["shoulder"], stature_px, facing, roll.applied_deg)
    posture = W.standing_posture(xy_posture, near, facing, px_per_cm, roll.applied_deg, c7)
    shoulder_cva = W.standing_posture(xy_posture, near, facing, px_per_cm, roll.applied_deg).craniovertebral_angle_deg
    ankle = W.side_points(xy_posture, near)["ankle"]
    ear = W.side_points(xy_posture, near)["ear"]

    hip_band = np.abs(axes.t_of(profile)) <= 0.1
    back_to_hip = float(np.max(axes.b_of(profile[hip_band]))) / stature_px if hip_band.any() else float("nan")
    keys = [
        L.LEFT_SHOULDER,
        L.RIGHT_SHOULDER,
        L.LEFT_HIP,
        L.RIGHT_HIP,
        L.LEFT_KNEE,
        L.RIGHT_KNEE,
        L.LEFT_ANKLE,
        L.RIGHT_ANKLE,
    ]
    pts = xy[keys]
    pts = pts[np.all(np.isfinite(pts), axis=1)].round().astype(int)
    ok = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
    inside = float(np.mean(person[pts[ok, 1], pts[ok, 0]])) if ok.any() else 0.0
    return FrameMeasure(
        row=row,
        time_s=sf.frame.time_s,
        contour=contour,
        profile=profile,
        back=back,
        axes=axes,
        roll=roll,
        px_per_cm=px_per_cm,
        stature_px=stature_px,
        segment_stature_px=segment_stature,
        wall=wall,
        contacts=contacts,
        gap_px=float(gap_px),
        gap_reference=reference,
        gap_deepest=np.asarray(deepest, float),
        gap_foot=np.asarray(foot, float),
        posture=posture,
        c7=c7,
        shoulder_cva_deg=shoulder_cva,
        ankle=ankle,
        ear=ear,
        facing=facing,
        back_to_hip_fraction=back_to_hip,
        landmarks_in_mask=inside,
        notes=notes,
    )


# -- the analysis ------------------------------------------------------------------------------------


def check_standing_side_on(seq: PoseSequence) -> None:
    """ActivityNotFound when the person is not standing; WrongView when not side-on."""
    s = seq[seq.present]
    trunk = W.trunk_from_vertical_deg(s.xy)
    if not np.isfinite(trunk) or trunk > R.CAPTURE.max_trunk_from_vertical_deg:
        raise ActivityNotFound(
            f"not standing: the trunk is {trunk:.0f} deg from vertical (a standing person is "
            f"within {R.CAPTURE.max_trunk_from_vertical_deg:.0f} deg). The wall test needs a "
            f"person standing upright with the back to a wall; for a plank set `kind` to plank"
        )
    shoulder_ratio, hip_ratio = W.width_ratios(s.xy)
    if shoulder_ratio > R.CAPTURE.max_shoulder_width_ratio or hip_ratio > R.CAPTURE.max_hip_width_ratio:
        raise WrongView(
            f"not side-on: the shoulders are {shoulder_ratio:.2f} and the hips {hip_ratio:.2f} trunk "
            f"lengths wide in the picture (side-on they nearly overlap: at most "
            f"{R.CAPTURE.max_shoulder_width_ratio:.2f} and {R.CAPTURE.max_hip_width_ratio:.2f}). This "
            f"looks like a front or rear view: photograph the person from the side, with the camera "
            f"at hip height, square to the wall"
        )


def rows_to_segment(seq: PoseSequence, fps: float) -> tuple[list[int], tuple[int, int], float]:
    """Rows to segment, the [start, stop) stretch they come from and its motion (px)."""
    present = np.flatnonzero(seq.present)
    if len(seq) == 1:
        return [0], (0, 1), 0.0
    window = max(3, int(round(STEADY_WINDOW_S * fps))) if fps > 0 else 3
    start, stop, motion = W.steadiest_window(seq.xy, window)
    if not np.isfinite(motion):
        start, stop = int(present[0]), int(present[-1]) + 1
    spread = np.unique(np.linspace(start, stop - 1, min(FRAMES_TO_SEGMENT, stop - start)).round().astype(int))
    rows = [int(r) for r in spread if seq.present[r]]
    return rows, (int(start), int(stop)), float(motion)


def _median_spread(values: list[float]) -> tuple[float, float]:
    arr = np.asarray(values, float)
    arr = arr[np.isfinite(arr)]
    if not arr.size:
        return float("nan"), float("nan")
    return float(np.median(arr)), float(arr.max() - arr.min())


@dataclass
class WallMeasurement:
    """The measured frames of a photo or clip: measures (one per segmented frame), stretch ([start,
    stop) rows of a clip's steadiest stretch; (0, 1) for a photo), motion_px (its median motion)."""

    measures: list[FrameMeasure]
    stretch: tuple[int, int]
    motion_px: float

    @property
    def gap_cm(self) -> float:
        """The median lumbar gap over the measured frames, cm."""
        return _median_spread([m.gap_px / m.px_per_cm for m in self.measures])[0]


@dataclass
class WallSummary:
    """Medians with spreads, the classification, and what goes into the result's JSON."""

    metrics: dict[str, MetricValue]
    references: dict[str, ReferenceRange]
    details: dict[str, JsonValue]
    events: list[Row]
    series: dict[str, np.ndarray]
    reliability: list[str]
    sigma_cm: float


def measure(ctx: AnalysisContext) -> WallMeasurement:
    """Check the pose (standing, side-on), choose the frames, segment and measure each one."""
    seq = ctx.seq
    if ctx.info.is_track:
        raise InsufficientData(
            "the wall test measures the body outline in the picture itself, and a landmark track has no "
            "picture: analyse the original photo or video"
        )
    check_standing_side_on(seq)
    rows, (start, stop), motion_px = rows_to_segment(seq, ctx.info.fps)
    if not rows:
        raise InsufficientData(
            "no steady stretch with the whole body seen was found: stand still for a few "
            "seconds with the whole body in view"
        )
    near = ctx.quality.near_side if ctx.quality.near_side in ("left", "right") else "left"
    measures: list[FrameMeasure] = []
    row_of_frame = {int(seq.frame_index[r]): r for r in rows}
    for sf in ctx.segment(rows):
        if sf is not None and sf.frame.index in row_of_frame:
            measures.append(measure_frame(sf, row_of_frame[sf.frame.index], near, ctx.settings.stature_cm))
    if not measures:
        raise InsufficientData(
            "the person segmentation found nobody in the frames chosen for the wall test: "
            "photograph the whole body, well lit, against a plain background"
        )
    return WallMeasurement(measures, (start, stop), motion_px)


def summarise(
    ctx: AnalysisContext,
    measured: WallMeasurement,
    hand_cm: float,
    rule: R.LordosisThresholds = R.DEFAULT_LORDOSIS_RULE,
) -> WallSummary:
    """Medians (with spreads) of the per-frame measures and the classification."""
    settings = ctx.settings
    measures, stretch, motion_px = measured.measures, measured.stretch, measured.motion_px
    gaps_cm = [m.gap_px / m.px_per_cm for m in measures]
    gap_cm, gap_spread = _median_spread(gaps_cm)
    gap_px, _ = _median_spread([m.gap_px for m in measures])
    px_per_cm, _ = _median_spread([m.px_per_cm for m in measures])
    reliability: list[str] = []
    loose = any(m.back_to_hip_fraction > R.CAPTURE.max_back_to_hip_fraction for m in measures)
    contacts_off = any(not m.back.contacts_in_zones for m in measures)
    if loose:
        frac = max(m.back_to_hip_fraction for m in measures)
        reliability.append(
            f"loose or bulky clothing may hide the body outline: the back of the outline is "
            f"{frac:.0%} of the stature behind the hip joint (fitted clothing: under "
            f"{R.CAPTURE.max_back_to_hip_fraction:.0%}); wear fitted clothing for the wall test"
        )
    if min(m.landmarks_in_mask for m in measures) < 0.75:
        reliability.append(
            "the body outline and the pose landmarks disagree (joints outside the outline): the "
            "segmentation may have missed part of the body or included the background"
        )
    if contacts_off:
        reliability.append(
            "the back line does not touch where the buttocks and the upper back are expected "
            "(a belt, a tucked-in shirt or an arm behind the back may change it)"
        )
    wrists_behind = _arm_behind_back(ctx, measures)
    if wrists_behind:
        reliability.append("a hand or elbow is behind the back line: let the arms hang in front of the hips")
    if ctx.quality.max_people > 1:
        reliability.append(
            f"{ctx.quality.max_people} people were seen: the largest person's outline was used; "
            f"photograph the person alone"
        )
    rolls = [m.roll for m in measures]
    roll_deg, _ = _median_spread([r.roll_deg for r in rolls])
    corrected = any(r.corrected for r in rolls)
    if not np.isfinite(roll_deg):
        reliability.append(
            "no long vertical lines (door frame, wall corner) were found to check that the camera "
            "was level: angles and plumb-line offsets assume it was"
        )
    elif abs(roll_deg) > R.CAPTURE.max_roll_correction_deg:
        reliability.append(
            f"the camera looks tilted by {roll_deg:.1f} deg, too much to correct: hold the phone "
            f"upright (use its level) and photograph again"
        )
    elif corrected:
        reliability.append(
            f"camera tilted by {roll_deg:.1f} deg (from vertical lines in the background): angles "
            f"and plumb-line offsets were corrected for it"
        )
    seg_ratio = nan_percentile(np.array([m.segment_stature_px / m.stature_px for m in measures]), 50)
    if np.isfinite(seg_ratio) and abs(seg_ratio - 1.0) > 0.15:
        reliability.append(
            f"the scale from the outline's height and from the limb lengths differ by "
            f"{abs(seg_ratio - 1.0):.0%}: check that the whole body is upright and in view"
        )
    for m in measures:
        for note in m.notes:
            if note not in reliability:
                reliability.append(note)
    wall_detected = any(m.wall is not None for m in measures)
    sigma = W.gap_sigma_cm(
        gap_cm,
        px_per_cm,
        settings.scale_assumed,
        loose,
        contacts_off,
        spread_cm=gap_spread / 2 if np.isfinite(gap_spread) else 0.0,
    )
    # classified as shown (2 decimals), so that the class and the figure's verdict agree
    lordosis, confidence = W.classify_lordosis(round(gap_cm, 2), hand_cm, sigma, rule)

    posture = {k: _median_spread([getattr(m.posture, k) for m in measures]) for k in POSTURE_KEYS}
    metrics: dict[str, Any] = {
        "lumbar_gap_px": round(gap_px, 1),
        "lumbar_gap_cm": round(gap_cm, 2),
        "lumbar_gap_hands": round(gap_cm / hand_cm, 2),
        "lordosis_class": lordosis,
        "lordosis_confidence": round(confidence, 2),
        **{k: rounded(v[0], 1) for k, v in posture.items()},
        "craniovertebral_angle_shoulder_deg": rounded(_median_spread([m.shoulder_cva_deg for m in measures])[0], 1),
        "wall_detected": wall_detected,
        "gap_reference": "wall" if any(m.gap_reference == "wall" for m in measures) else "back_line",
        "camera_roll_deg": round(roll_deg, 1) if np.isfinite(roll_deg) else None,
        "tilt_corrected": corrected,
        "px_per_cm": round(px_per_cm, 3),
        "stature_cm": settings.stature_cm,
        "hand_cm": hand_cm,
        "scale_assumed": settings.scale_assumed,
        "frames_used": len(measures),
    }
    if wall_detected:
        for part in ("buttocks", "shoulder_blades", "head"):
            votes = [m.contacts[part] for m in measures if m.contacts]
            metrics[f"contact_{part}"] = bool(np.mean(votes) >= 0.5)
    references = {k: v for k, v in (R.REFERENCES | R.gap_references(rule, hand_cm)).items() if k in metrics}
    details: dict[str, Any] = {
        "view": "side",
        "facing": "right" if measures[0].facing > 0 else "left",
        "near_side": ctx.quality.near_side,
        "lordosis_rule": {
            "name": rule.name,
            "flat_below_cm": round(rule.bounds_cm(hand_cm)[0], 2),
            "excess_above_cm": round(rule.bounds_cm(hand_cm)[1], 2),
            "source": rule.source,
        },
        "lumbar_gap_sigma_cm": round(sigma, 2),
        # One standard deviation of each figure's measurement error (the history's spread of a photo).
        "uncertainty": {"lumbar_gap_cm": round(sigma, 2), "lumbar_gap_hands": round(sigma / hand_cm, 2)},
        "contacts": (
            {p: metrics[f"contact_{p}"] for p in ("buttocks", "shoulder_blades", "head")} if wall_detected else None
        ),
        "scale_method": "the body outline's top-to-bottom extent = stature "
        f"({'assumed' if settings.scale_assumed else 'given'} {settings.stature_cm:g} cm)",
        "rows_used": [m.row for m in measures],
        "screening_notice": SCREENING_NOTICE,
        "conventions": {k: r.convention for k, r in references.items()},
    }
    if len(measures) > 1:
        details["spread"] = {
            "lumbar_gap_cm": round(gap_spread, 2),
            **{k: rounded(v[1], 1) for k, v in posture.items()},
        }
        details["steady_stretch_s"] = [
            float(ctx.seq.timestamps_s[stretch[0]]),
            float(ctx.seq.timestamps_s[stretch[1] - 1]),
        ]
        details["steady_motion_px"] = round(motion_px, 2)
    events: list[dict[str, Any]] = []
    series: dict[str, np.ndarray] = {}
    if len(ctx.seq) > 1:
        events.append(
            {
                "start_s": details["steady_stretch_s"][0]
                if "steady_stretch_s" in details
                else float(ctx.seq.timestamps_s[stretch[0]]),
                "end_s": float(ctx.seq.timestamps_s[stretch[1] - 1]),
                "label": "steadiest stretch (measured)",
            }
        )
        series = posture_series(ctx.seq, ctx.quality.near_side)
    return WallSummary(
        metrics=metrics,
        references=references,
        details=details,
        events=[TableRow(e) for e in events],
        series=series,
        reliability=reliability,
        sigma_cm=sigma,
    )


def _arm_behind_back(ctx: AnalysisContext, measures: list[FrameMeasure]) -> bool:
    """True when a wrist or elbow lies behind the back line in any measured frame."""
    for m in measures:
        row = ctx.seq.xy[m.row]
        pts = row[[L.LEFT_WRIST, L.RIGHT_WRIST, L.LEFT_ELBOW, L.RIGHT_ELBOW]]
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        if not len(pts):
            continue
        line_b = float(np.max(m.axes.b_of(np.stack([m.back.lower_contact, m.back.upper_contact]))))
        if np.any(m.axes.b_of(pts) > line_b):
            return True
    return False


def posture_series(seq: PoseSequence, near: str) -> dict[str, np.ndarray]:
    """Per-frame trunk inclination and craniovertebral angle (deg) from the landmarks alone."""
    trunk = np.full(len(seq), np.nan)
    cva = np.full(len(seq), np.nan)
    for t in np.flatnonzero(seq.present):
        xy = seq.xy[t]
        if not np.all(np.isfinite(xy[[L.NOSE, L.LEFT_EAR, L.RIGHT_EAR]])):
            continue
        p = W.standing_posture(xy, near, W.facing_sign(xy), 1.0)
        trunk[t], cva[t] = p.trunk_inclination_deg, p.craniovertebral_angle_deg
    return {"trunk_inclination_deg": trunk, "craniovertebral_angle_deg": cva}
