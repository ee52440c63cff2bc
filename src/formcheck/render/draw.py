"""Draw an overlay's `Drawing` (formcheck.overlay) on an RGB image: the one place where analyses'
overlays become pixels. Geometry arrives in full-resolution pixels; `scale` maps it to the image."""

from __future__ import annotations

import itertools
import math
from typing import Literal

import cv2
import numpy as np

from ..overlay import Angle, Arrow, Drawing, Label, Line, Marker
from .style import ROLE_COLOURS, put_label, put_lines, text_basis_px, text_box_height, wrapped

#: Text height of a font scale of 1.0 in OpenCV's simplex font, pixels (about).
_FONT_PX = 22.0


def _pt(p: np.ndarray, scale: float) -> tuple[int, int]:
    return int(round(float(p[0]) * scale)), int(round(float(p[1]) * scale))


def _width(image: np.ndarray, fraction: float) -> int:
    return max(1, int(round(image.shape[0] * fraction)))


def _line(image: np.ndarray, shape: Line, scale: float) -> None:
    pts = np.asarray(shape.points, float)
    keep = np.all(np.isfinite(pts), axis=1)
    if not keep.all():  # a missing point breaks the line: draw each run of seen points on its own
        runs = np.split(np.arange(len(pts)), np.flatnonzero(~keep))
        for run in runs:
            run = run[keep[run]]
            if len(run) >= 2:
                _line(image, Line(pts[run], shape.role, shape.width, False, shape.dashed, shape.backed), scale)
        return
    width = _width(image, shape.width)
    colour = ROLE_COLOURS[shape.role]
    px = np.round(pts * scale).astype(np.int32)
    if shape.dashed:
        for a, b in itertools.pairwise(px):
            n = max(2, int(np.hypot(*(b - a)) / max(4, 3 * width)))
            for i in range(0, n, 2):
                q0 = a + (b - a) * i // n
                q1 = a + (b - a) * (i + 1) // n
                cv2.line(image, (int(q0[0]), int(q0[1])), (int(q1[0]), int(q1[1])), colour, width, cv2.LINE_AA)
        return
    if shape.backed:
        cv2.polylines(image, [px], shape.closed, (20, 20, 20), width + 4, cv2.LINE_AA)
    cv2.polylines(image, [px], shape.closed, colour, width, cv2.LINE_AA)


def _arrow(image: np.ndarray, shape: Arrow, scale: float) -> None:
    if not (np.all(np.isfinite(shape.start)) and np.all(np.isfinite(shape.end))):
        return
    width = _width(image, shape.width)
    colour = ROLE_COLOURS[shape.role]
    a, b = _pt(shape.start, scale), _pt(shape.end, scale)
    length = float(np.hypot(b[0] - a[0], b[1] - a[1]))
    if length < 2:
        cv2.circle(image, b, 2 * width, colour, width, cv2.LINE_AA)
        return
    tip = min(0.45, 6.0 * width / length)
    cv2.arrowedLine(image, a, b, colour, width, cv2.LINE_AA, tipLength=tip)
    if shape.both_ends:
        cv2.arrowedLine(image, b, a, colour, width, cv2.LINE_AA, tipLength=tip)


def _marker(image: np.ndarray, shape: Marker, scale: float) -> None:
    if not np.all(np.isfinite(shape.at)):
        return
    colour = ROLE_COLOURS[shape.role]
    c = _pt(shape.at, scale)
    r = max(shape.min_px, int(round(image.shape[0] * shape.size)))
    thick = max(1, r // 3)
    if shape.shape == "dot":
        cv2.circle(image, c, r, colour, -1, cv2.LINE_AA)
    elif shape.shape == "ring":
        cv2.circle(image, c, r, colour, thick, cv2.LINE_AA)
    else:
        cv2.drawMarker(image, c, colour, cv2.MARKER_DIAMOND, 2 * r, thick + 1, cv2.LINE_AA)


def _label(image: np.ndarray, shape: Label, scale: float) -> None:
    if not np.all(np.isfinite(shape.at)):
        return
    font = max(0.35, text_basis_px(image) * shape.size / _FONT_PX)
    thickness = max(1, int(round(font * 1.6)))
    (tw, _), _ = cv2.getTextSize(shape.text, cv2.FONT_HERSHEY_SIMPLEX, font, thickness)
    x, y = _pt(shape.at, scale)
    gap = max(4, int(image.shape[0] * 0.008))
    x = x + gap if shape.side == "right" else x - tw - 3 * gap
    y += int(image.shape[0] * shape.dy)
    x = int(np.clip(x, 0, max(0, image.shape[1] - tw - 8)))
    y = int(np.clip(y, 0, max(0, image.shape[0] - 8)))
    put_label(image, shape.text, (x, y), ROLE_COLOURS[shape.role], font)


def _angle(image: np.ndarray, shape: Angle, scale: float) -> None:
    """The reference ray dashed, the measured ray solid, an arc between them, the text beside the arc."""
    v, ref, meas = (np.asarray(p, float) for p in (shape.vertex, shape.reference, shape.measured))
    if not (np.all(np.isfinite(v)) and np.all(np.isfinite(ref)) and np.all(np.isfinite(meas))):
        return
    _line(image, Line(np.stack([v, ref]), shape.role, shape.width * 0.7, dashed=True), scale)
    _line(image, Line(np.stack([v, meas]), shape.role, shape.width, backed=True), scale)
    a_ref = math.degrees(math.atan2(ref[1] - v[1], ref[0] - v[0]))  # image angles: y down, so clockwise
    a_meas = math.degrees(math.atan2(meas[1] - v[1], meas[0] - v[0]))
    sweep = (a_meas - a_ref + 540.0) % 360.0 - 180.0  # the shorter way round, signed
    shortest_ray = min(np.hypot(*(ref - v)), np.hypot(*(meas - v))) * scale
    radius = int(round(min(image.shape[0] * shape.radius, 0.6 * shortest_ray)))
    centre = _pt(v, scale)
    if radius >= 3:
        cv2.ellipse(
            image,
            centre,
            (radius, radius),
            0.0,
            a_ref,
            a_ref + sweep,
            ROLE_COLOURS[shape.role],
            _width(image, shape.width),
            cv2.LINE_AA,
        )
    middle = math.radians(a_ref + sweep / 2 + (180.0 if shape.text_outside else 0.0))
    reach = (radius + image.shape[0] * 0.01) / scale
    at = v + reach * np.array([math.cos(middle), math.sin(middle)])
    side: Literal["right", "left"] = "right" if math.cos(middle) >= 0 else "left"
    _label(image, Label(shape.text, at, shape.role, side=side, dy=-shape.size / 2, size=shape.size), scale)


def annotate(image: np.ndarray, drawing: Drawing, scale: float) -> np.ndarray:
    """Draw `drawing` on `image` ((H, W, 3) uint8 RGB, in place) and return it. scale: image pixels
    per full-resolution pixel."""
    for shape in drawing.shapes:
        if isinstance(shape, Line):
            _line(image, shape, scale)
        elif isinstance(shape, Arrow):
            _arrow(image, shape, scale)
        elif isinstance(shape, Marker):
            _marker(image, shape, scale)
        elif isinstance(shape, Angle):
            _angle(image, shape, scale)
        else:
            _label(image, shape, scale)
    if drawing.panel:
        put_lines(
            image,
            [(t, ROLE_COLOURS[r]) for t, r in drawing.panel],
            (int(image.shape[1] * 0.02), int(image.shape[0] * 0.02)),
        )
    if drawing.footer:
        # Each footer line wrapped to the frame's width (a cue is a sentence; a phone is narrow).
        left = int(image.shape[1] * 0.02)
        lines = [
            (part, ROLE_COLOURS[r]) for t, r in drawing.footer for part in wrapped(image, t, image.shape[1] - 2 * left)
        ]
        line_h = text_box_height(image) + 2
        top = image.shape[0] - 2 * line_h - line_h * len(lines)  # above the clock
        put_lines(image, lines, (left, top))
    return image
