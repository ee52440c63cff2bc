"""The wall test's overlay as data: body outline, back line, the lumbar gap as an arrow with its cm
label, the wall edge (when one was found), contact points, the head angle and the plumb line through
the ankle. Full-resolution pixels; drawn by `render.draw`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ...overlay import Arrow, Drawing, Label, Line, Marker, Shape, finite
from ...sequence import PoseSequence
from .measure import FrameMeasure

#: Line width of the wall overlay, as a fraction of the image height.
WIDTH = 0.003


@dataclass
class WallOverlay:
    """Draws one measured frame's geometry on the frames of the measured stretch (a photo: its one
    frame); other frames of a clip get the skeleton only.

    measures: the per-frame measures; gap_label_cm: the reported (median) gap; hand_cm: the hand
    thickness; seq: the cleaned sequence; stretch: [start, stop) rows measured.
    """

    measures: list[FrameMeasure]
    gap_label_cm: float
    hand_cm: float
    seq: PoseSequence | None = None
    stretch: tuple[int, int] = (0, 1)

    def _measure_for(self, row: int | None) -> FrameMeasure | None:
        """The measure nearest to `row`; None for rows outside a clip's measured stretch."""
        if row is None or not self.measures:
            return None
        is_clip = self.seq is not None and len(self.seq) > 1
        if is_clip and not self.stretch[0] <= row < self.stretch[1]:
            return None
        return min(self.measures, key=lambda m: abs(m.row - row))

    def drawing(self, row: int | None) -> Drawing:
        m = self._measure_for(row)
        if m is None:
            return Drawing()
        shapes: list[Shape] = [*self._plumb(m), Line(m.contour, "outline", WIDTH * 0.6, closed=True)]
        if m.wall is not None:
            d, half = m.wall.direction, 0.55 * m.stature_px
            shapes.append(Line(np.stack([m.wall.point - d * half, m.wall.point + d * half]), "wall", WIDTH))
        a, c = m.back.lower_contact, m.back.upper_contact
        ext = 0.15 * (c - a)
        if m.gap_reference == "back_line" or m.wall is None:
            shapes.append(Line(np.stack([a - ext, c + ext]), "line", WIDTH))
        for name, p in (("buttocks", a), ("shoulder_blades", c)):
            shapes.append(Marker(p, "good" if m.contacts.get(name) else "text", "ring", size=2.2 * WIDTH))
        shapes.extend(self._gap(m))
        shapes.extend(self._head_angle(m))
        return Drawing(shapes=shapes)

    def _gap(self, m: FrameMeasure) -> list[Shape]:
        gap_cm = m.gap_px / m.px_per_cm if len(self.measures) == 1 else self.gap_label_cm
        text = f"{gap_cm:.1f} cm ({gap_cm / self.hand_cm:.1f} hands)"
        side: Literal["right", "left"] = "right" if m.axes.back[0] >= 0 else "left"
        return [
            Arrow(m.gap_foot, m.gap_deepest, "measure", WIDTH),
            Label(text, m.gap_foot, "measure" if gap_cm > 0 else "plumb", side=side, dy=-0.04, size=0.024),
        ]

    def _head_angle(self, m: FrameMeasure) -> list[Shape]:
        """The craniovertebral angle: C7 proxy -> ear, and a horizontal from C7 toward the face."""
        if not finite(m.c7, m.ear):
            return []
        reach = abs(float(m.ear[0] - m.c7[0])) + 0.01 * m.stature_px
        shapes: list[Shape] = [
            Line(np.stack([m.c7, m.ear]), "head", WIDTH * 0.6),
            Line(np.stack([m.c7, m.c7 + np.array([m.facing * reach, 0.0])]), "head", WIDTH * 0.6),
            Marker(m.c7, "head", "dot", size=1.2 * WIDTH),
        ]
        angle = m.posture.craniovertebral_angle_deg
        if np.isfinite(angle):
            shapes.append(
                Label(f"CVA {angle:.0f} deg", m.c7, "head", side="right" if m.facing < 0 else "left", size=0.018)
            )
        return shapes

    def _plumb(self, m: FrameMeasure) -> list[Shape]:
        if not finite(m.ankle):
            return []
        r = math.radians(m.roll.applied_deg)
        top = m.ankle + np.array([math.sin(r), -math.cos(r)]) * 1.05 * m.stature_px
        return [
            Line(np.stack([m.ankle, top]), "plumb", WIDTH * 0.6, dashed=True),
            Label("plumb line", m.ankle, "plumb", side="right", dy=-0.08, size=0.018),
        ]
