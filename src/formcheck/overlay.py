"""Overlays as data: what an analysis wants drawn on a frame, in full-resolution pixels (y down).

An analysis returns an `Overlay` (anything with `drawing(row) -> Drawing`); `render.draw.annotate`
turns a `Drawing` into pixels. Analyses therefore never import OpenCV or the renderer, and a new
analysis needs no drawing code of its own.

Colours are *roles* (`"good"`, `"warning"`, `"left"`, ...), mapped to RGB in `render.style`; sizes are
fractions of the output image height (text: of the height, or for a landscape frame of 1.25 x its width,
`render.style.text_basis_px`, so that text stays legible at a phone's width), so a drawing looks the
same at any output size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

#: Colour roles an overlay may use (render.style.ROLE_COLOURS gives their RGB).
Role = Literal[
    "text",  # white
    "muted",  # grey: not judged, not holding
    "good",  # green
    "attention",  # amber
    "warning",  # red
    "left",  # the left foot/side
    "right",  # the right foot/side
    "outline",  # a body outline (cyan)
    "line",  # a reference line (amber)
    "measure",  # a measured distance (red)
    "plumb",  # a plumb line (blue)
    "head",  # head and neck angle (yellow)
    "wall",  # a detected wall (magenta)
    "note",  # a caution written on the frame (yellow-orange)
]


@dataclass(frozen=True)
class Line:
    """A polyline through `points` ((N, 2) px). width: fraction of the image height; backed: drawn
    over a dark, wider line so that it stands out on any background; dashed: every other piece."""

    points: np.ndarray
    role: Role
    width: float = 0.004
    closed: bool = False
    dashed: bool = False
    backed: bool = False


@dataclass(frozen=True)
class Arrow:
    """A straight arrow from `start` to `end` (px), with heads at both ends when `both_ends`."""

    start: np.ndarray
    end: np.ndarray
    role: Role
    width: float = 0.003
    both_ends: bool = True


@dataclass(frozen=True)
class Marker:
    """A mark at `at` (px): a filled dot, a ring or a diamond; size: radius as a fraction of the image
    height, with `min_px` as the smallest radius in pixels."""

    at: np.ndarray
    role: Role
    shape: Literal["dot", "ring", "diamond"] = "dot"
    size: float = 0.006
    min_px: int = 2


@dataclass(frozen=True)
class Label:
    """Text beside a point: to its right (`side="right"`) or left, shifted by `dy` (fraction of the
    image height, + = down). size: text height as a fraction of the image height."""

    text: str
    at: np.ndarray
    role: Role = "text"
    side: Literal["right", "left"] = "right"
    dy: float = 0.0
    size: float = 0.02


@dataclass(frozen=True)
class Angle:
    """An angle at `vertex` (px) from the reference ray towards `reference` to the measured ray towards
    `measured`: the measured ray is drawn solid, the reference ray dashed, an arc joins them at
    `radius` (fraction of the image height) and `text` is written beside the arc (`text_outside`: on
    the other side of the vertex, where a neighbouring angle's text would not be)."""

    vertex: np.ndarray
    reference: np.ndarray
    measured: np.ndarray
    role: Role
    text: str
    radius: float = 0.045
    width: float = 0.004
    size: float = 0.022
    text_outside: bool = False


Shape = Line | Arrow | Marker | Label | Angle


@dataclass
class Drawing:
    """Everything drawn on one frame: shapes in full-resolution pixels, the panel (lines of text
    stacked in the top-left corner) and the footer (lines in the bottom-left corner, above the clock)."""

    shapes: list[Shape] = field(default_factory=list)
    panel: list[tuple[str, Role]] = field(default_factory=list)
    footer: list[tuple[str, Role]] = field(default_factory=list)


class Overlay(Protocol):
    """An analysis's overlay. row: the PoseSequence row of the frame (None: the frame is not in the
    analysed sequence)."""

    def drawing(self, row: int | None) -> Drawing: ...


def finite(*points: np.ndarray) -> bool:
    """True when every coordinate of every point is finite (NaN marks a point that was not seen)."""
    return all(bool(np.all(np.isfinite(p))) for p in points)
