"""The running key frames: one representative foot contact per side.

Side view: the contact of each foot whose knee and shank angles are nearest that foot's medians (a
typical step, not an outlier), with the knee flexion, shank angle and trunk lean drawn as angles on
the leg in contact. Rear/front view: each foot's typical mid-stance instant (pelvic drop and the
knee's frontal angle are the figures there; no sagittal angles are drawn).

The angles are drawn on the leg whose heel is foremost at the contact (by position, so a left/right
label the model swapped cannot put them on the trailing leg); their values are the step's own figures
from the steps table, measured at the sub-frame contact instant; the frame shown is the first at or
after it (at most one frame later), so the drawn lines can differ from the figures by a degree or so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...analysis import KeyFrame
from ...landmarks import Landmark as L
from ...overlay import Angle, Drawing, Role, Shape, finite
from ...sequence import PoseSequence

#: The per-step figures a typical contact is chosen by, per view (the first is the instant's column).
TYPICAL_BY = {
    "side": ("contact_s", ("knee_flexion_contact_deg", "shank_angle_at_contact_deg")),
    "rear": ("midstance_s", ("pelvic_drop_deg", "knee_frontal_angle_deg")),
    "front": ("midstance_s", ("pelvic_drop_deg", "knee_frontal_angle_deg")),
}
#: Each angle drawn at a side-view contact: (steps-table column, name on the frame, colour role).
CONTACT_ANGLES: tuple[tuple[str, str, Role], ...] = (
    ("knee_flexion_contact_deg", "knee", "head"),
    ("shank_angle_at_contact_deg", "shank", "outline"),
    ("trunk_lean_deg", "trunk", "wall"),
)
#: The figures in a key frame's caption, per view: (steps-table column, words, unit).
CAPTION_FIGURES = {
    "side": (
        ("knee_flexion_contact_deg", "knee flexion", "deg"),
        ("shank_angle_at_contact_deg", "shank angle", "deg"),
        ("trunk_lean_deg", "trunk lean over the step", "deg"),
        ("overstride_cm", "ankle ahead of the hip by", "cm"),
    ),
    "rear": (("pelvic_drop_deg", "pelvic drop", "deg"), ("knee_frontal_angle_deg", "knee frontal angle", "deg")),
}
SIDES = (("L", "left"), ("R", "right"))
#: hip, knee, ankle, heel of each leg.
LEG = {
    "L": (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL),
    "R": (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL),
}


def contact_key_frames(steps: Sequence[Mapping[str, Any]], seq: PoseSequence, view: str, facing: str) -> list[KeyFrame]:
    """One key frame per foot (time order): its typical contact (side view) or mid-stance (rear/front).

    steps: the per-step table; seq: the analysed sequence (pixels); view: 'side', 'rear' or 'front';
    facing: 'right' or 'left' (side view: the direction of travel in the image).
    """
    if view not in TYPICAL_BY or len(seq) == 0:
        return []
    instant, figures = TYPICAL_BY[view]
    frames = []
    for foot, side in SIDES:
        step = typical_step([s for s in steps if s.get("foot") == foot and s.get(instant) is not None], figures)
        if step is None:
            continue
        time_s = float(step[instant])
        row = first_row_from(seq.timestamps_s, time_s)
        what = "contact" if view == "side" else "mid-stance"
        extra = contact_angles(seq, row, step, 1.0 if facing == "right" else -1.0) if view == "side" else None
        frames.append(
            KeyFrame(
                row=row,
                label=f"{side} {what}",
                time_s=float(seq.timestamps_s[row]),
                caption=_caption(step, side, what, time_s, view),
                extra=extra,
            )
        )
    return sorted(frames, key=lambda k: k.time_s)


def first_row_from(times_s: np.ndarray, time_s: float) -> int:
    """The first row at or after `time_s` (the last row if none): the frame where the overlay already
    shows this step (its panel starts a step at its contact time)."""
    after = np.flatnonzero(times_s >= time_s - 1e-9)
    return int(after[0]) if after.size else len(times_s) - 1


def typical_step(steps: Sequence[Mapping[str, Any]], figures: tuple[str, ...]) -> Mapping[str, Any] | None:
    """The step nearest the medians of `figures` (each distance in units of that figure's IQR, at
    least 1), preferring steps whose leg was not hidden; the middle step when no figure is known."""
    if not steps:
        return None
    seen = [s for s in steps if not s.get("far_leg_occluded")] or steps
    known = [f for f in figures if any(isinstance(s.get(f), (int, float)) for s in seen)]
    if not known:
        return seen[len(seen) // 2]
    centre, scale = {}, {}
    for f in known:
        values = np.array([s[f] for s in seen if isinstance(s.get(f), (int, float))], float)
        centre[f] = float(np.median(values))
        scale[f] = max(1.0, float(np.percentile(values, 75) - np.percentile(values, 25)))

    def distance(s: Mapping[str, Any]) -> float:
        parts = [abs(s[f] - centre[f]) / scale[f] for f in known if isinstance(s.get(f), (int, float))]
        return float(np.mean(parts)) if parts else float("inf")

    return min(seen, key=distance)


def contact_angles(seq: PoseSequence, row: int, step: Mapping[str, Any], fwd: float) -> Drawing:
    """The knee flexion, shank angle and trunk lean of `step`, drawn on the leg in contact at `row`.

    Knee: between the thigh's extension past the knee (0 deg = straight leg, dashed) and the shank.
    Shank: between the vertical through the ankle (dashed) and the ankle-to-knee line.
    Trunk: between the vertical through the hip centre (dashed) and the hip-to-shoulder centre line.
    """
    xy = seq.xy[row]
    leg = _leg_in_contact(xy, fwd)
    if leg is None:
        return Drawing()
    hip, knee, ankle, _ = (xy[i] for i in LEG[leg])
    hips = (xy[L.LEFT_HIP] + xy[L.RIGHT_HIP]) / 2
    shoulders = (xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER]) / 2
    shank_px = float(np.hypot(*(knee - ankle)))
    thigh = knee - hip
    straight = knee + thigh / max(float(np.hypot(*thigh)), 1e-9) * shank_px
    up = np.array([0.0, -1.0])
    geometry = {
        "knee": (knee, straight, ankle),
        "shank": (ankle, ankle + up * shank_px, knee),
        "trunk": (hips, hips + up * float(np.hypot(*(shoulders - hips))), shoulders),
    }
    shapes: list[Shape] = []
    for column, name, role in CONTACT_ANGLES:
        value = step.get(column)
        vertex, reference, measured = geometry[name]
        if isinstance(value, (int, float)) and finite(vertex, reference, measured):
            text = f"{name} {_whole(value)} deg"
            shapes.append(Angle(vertex, reference, measured, role, text, text_outside=name == "knee"))
    return Drawing(shapes=shapes)


def _leg_in_contact(xy: np.ndarray, fwd: float) -> str | None:
    """'L' or 'R': the leg whose heel is foremost along the direction of travel."""
    ahead = {foot: float(xy[ids[3], 0]) * fwd for foot, ids in LEG.items() if finite(xy[ids[3]])}
    usable = {f: v for f, v in ahead.items() if finite(*(xy[i] for i in LEG[f]))}
    return max(usable, key=lambda f: usable[f]) if usable else None


def _caption(step: Mapping[str, Any], side: str, what: str, time_s: float, view: str) -> str:
    figures = []
    for column, words, unit in CAPTION_FIGURES["side" if view == "side" else "rear"]:
        value = step.get(column)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            figures.append(f"{words} {_whole(value)} {unit}")
    where = f"step {step.get('step')}, {side} foot, {what} at {time_s:.2f} s"
    return where + (": " + ", ".join(figures) if figures else "")


def _whole(value: float) -> str:
    """A figure rounded to a whole number, without a "-0"."""
    return str(round(value) or 0)
