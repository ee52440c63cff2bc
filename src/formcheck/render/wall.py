"""The wall test's overlay: body outline, back line, the lumbar gap as an arrow with its cm label,
the wall edge (when one was found), contact points and the plumb line through the ankle.

Input geometry is in full-resolution pixels; `scale` maps it to output pixels. Images are RGB.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import cv2
import numpy as np

from .style import AMBER, BLUE, GREEN, RED, WHITE, font_scale, line_width, put_label

if TYPE_CHECKING:
    from ..kinds.wall import FrameMeasure
    from ..sequence import PoseSequence

CONTOUR_COLOUR = (0, 220, 255)  # cyan
BACK_LINE_COLOUR = AMBER
GAP_COLOUR = RED
PLUMB_COLOUR = BLUE
HEAD_COLOUR = (255, 235, 59)  # yellow
WALL_COLOUR = (200, 80, 255)  # magenta


def _pt(p: np.ndarray, scale: float) -> tuple[int, int]:
    return int(round(float(p[0]) * scale)), int(round(float(p[1]) * scale))


class WallAnnotator:
    """Draws one measured frame's geometry on the frames of the measured stretch (a photo: its one
    frame); other frames of a clip are left to the skeleton.

    measures: the per-frame measures (kinds.wall.FrameMeasure); gap_label_cm: the reported (median)
    gap; hand_cm: the hand thickness; seq: the cleaned sequence; stretch: [start, stop) rows measured.
    """

    def __init__(
        self,
        measures: list[FrameMeasure],
        gap_label_cm: float,
        hand_cm: float,
        seq: PoseSequence | None = None,
        stretch: tuple[int, int] = (0, 1),
    ) -> None:
        self.measures = measures
        self.gap_label_cm = gap_label_cm
        self.hand_cm = hand_cm
        self.seq = seq
        self.stretch = stretch

    def _measure_for(self, row: int | None) -> FrameMeasure | None:
        """The measure nearest to `row`; None for rows outside a clip's measured stretch."""
        if row is None or not self.measures:
            return None
        is_clip = self.seq is not None and len(self.seq) > 1
        if is_clip and not self.stretch[0] <= row < self.stretch[1]:
            return None
        return min(self.measures, key=lambda m: abs(m.row - row))

    def annotate(self, image: np.ndarray, row: int | None, scale: float) -> np.ndarray:
        m = self._measure_for(row)
        if m is None:
            return image
        lw = line_width(image, 0.003)
        self._plumb(image, m, scale, lw)
        cv2.polylines(
            image,
            [np.round(m.contour * scale).astype(np.int32)],
            True,
            CONTOUR_COLOUR,
            max(1, lw // 2 + 1),
            cv2.LINE_AA,
        )
        if m.wall is not None:
            d = m.wall.direction
            half = 0.55 * m.stature_px
            cv2.line(
                image,
                _pt(m.wall.point - d * half, scale),
                _pt(m.wall.point + d * half, scale),
                WALL_COLOUR,
                lw,
                cv2.LINE_AA,
            )
        a, c = m.back.lower_contact, m.back.upper_contact
        ext = 0.15 * (c - a)
        if m.gap_reference == "back_line" or m.wall is None:
            cv2.line(image, _pt(a - ext, scale), _pt(c + ext, scale), BACK_LINE_COLOUR, lw, cv2.LINE_AA)
        for name, p in (("buttocks", a), ("shoulder_blades", c)):
            colour = GREEN if m.contacts.get(name) else WHITE
            cv2.circle(image, _pt(p, scale), 2 * lw + 2, colour, lw, cv2.LINE_AA)
        self._gap_arrow(image, m, scale, lw)
        self._head_angle(image, m, scale, lw)
        return image

    def _head_angle(self, image: np.ndarray, m: FrameMeasure, scale: float, lw: int) -> None:
        """The craniovertebral angle: C7 proxy -> ear, and a horizontal from C7 toward the face."""
        if not (np.all(np.isfinite(m.c7)) and np.all(np.isfinite(m.ear))):
            return
        thin = max(1, lw // 2 + 1)
        c7, ear = _pt(m.c7, scale), _pt(m.ear, scale)
        reach = abs(ear[0] - c7[0]) + 2 * lw
        cv2.line(image, c7, ear, HEAD_COLOUR, thin, cv2.LINE_AA)
        cv2.line(image, c7, (c7[0] + m.facing * reach, c7[1]), HEAD_COLOUR, thin, cv2.LINE_AA)
        cv2.circle(image, c7, lw + 1, HEAD_COLOUR, -1, cv2.LINE_AA)
        angle = m.posture.craniovertebral_angle_deg
        if np.isfinite(angle):
            size = font_scale(image, 0.0006)
            (tw, _), _ = cv2.getTextSize("CVA 00 deg", cv2.FONT_HERSHEY_SIMPLEX, size, 1)
            x = c7[0] + 3 * lw if m.facing < 0 else c7[0] - tw - 3 * lw
            put_label(
                image, f"CVA {angle:.0f} deg", (int(np.clip(x, 0, image.shape[1] - tw)), c7[1] + lw), HEAD_COLOUR, size
            )

    def _plumb(self, image: np.ndarray, m: FrameMeasure, scale: float, lw: int) -> None:
        if not np.all(np.isfinite(m.ankle)):
            return
        r = math.radians(m.roll.applied_deg)
        up = np.array([math.sin(r), -math.cos(r)])
        top = m.ankle + up * 1.05 * m.stature_px
        p0, p1 = _pt(m.ankle, scale), _pt(top, scale)
        n = 40
        for i in range(0, n, 2):  # dashed
            q0 = (p0[0] + (p1[0] - p0[0]) * i // n, p0[1] + (p1[1] - p0[1]) * i // n)
            q1 = (p0[0] + (p1[0] - p0[0]) * (i + 1) // n, p0[1] + (p1[1] - p0[1]) * (i + 1) // n)
            cv2.line(image, q0, q1, PLUMB_COLOUR, max(1, lw // 2 + 1), cv2.LINE_AA)
        put_label(
            image,
            "plumb line",
            (p0[0] + 2 * lw, p0[1] - int(image.shape[0] * 0.06)),
            PLUMB_COLOUR,
            font_scale(image, 0.0006),
        )

    def _gap_arrow(self, image: np.ndarray, m: FrameMeasure, scale: float, lw: int) -> None:
        foot, deep = _pt(m.gap_foot, scale), _pt(m.gap_deepest, scale)
        length = math.hypot(foot[0] - deep[0], foot[1] - deep[1])
        if length >= 2:
            tip = min(0.45, 6.0 * lw / length)
            cv2.arrowedLine(image, foot, deep, GAP_COLOUR, lw, cv2.LINE_AA, tipLength=tip)
            cv2.arrowedLine(image, deep, foot, GAP_COLOUR, lw, cv2.LINE_AA, tipLength=tip)
        else:
            cv2.circle(image, deep, 2 * lw, GAP_COLOUR, lw, cv2.LINE_AA)
        gap_cm = m.gap_px / m.px_per_cm if len(self.measures) == 1 else self.gap_label_cm
        text = f"{gap_cm:.1f} cm ({gap_cm / self.hand_cm:.1f} hands)"
        scale_txt = font_scale(image, 0.0008)
        (tw, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale_txt, max(1, int(round(scale_txt * 1.6))))
        back = m.axes.back
        x = foot[0] + int(back[0] * 4 * lw)
        if back[0] < 0:
            x -= tw + 4 * lw
        x = int(np.clip(x, 0, max(0, image.shape[1] - tw - 8)))
        put_label(
            image, text, (x, foot[1] - int(image.shape[0] * 0.015)), GAP_COLOUR if gap_cm > 0 else BLUE, scale_txt
        )
