"""The skeleton: bones and joints of one person, coloured by visibility."""

from __future__ import annotations

import cv2
import numpy as np

from ..landmarks import SKELETON_EDGES
from ..sequence import PoseSequence
from .style import line_width, visibility_colour

#: Face points other than nose and ears are not drawn (they crowd the head).
DRAWN_POINTS = sorted({i for edge in SKELETON_EDGES for i in edge} - {1, 3, 4, 6})


def draw_skeleton(
    image: np.ndarray, xy: np.ndarray, visibility: np.ndarray, thickness_fraction: float = 0.004
) -> np.ndarray:
    """Draw one person in place. xy: (33, 2) image pixels (NaN = not drawn); visibility: (33,) 0-1.
    Colours: green = high visibility, red = low."""
    width = line_width(image, thickness_fraction)
    for a, b in SKELETON_EDGES:
        if np.all(np.isfinite(xy[[a, b]])):
            colour = visibility_colour(min(visibility[a], visibility[b]))
            cv2.line(image, _pt(xy[a]), _pt(xy[b]), colour, width, cv2.LINE_AA)
    for i in DRAWN_POINTS:
        if np.all(np.isfinite(xy[i])):
            cv2.circle(image, _pt(xy[i]), width + 1, visibility_colour(visibility[i]), -1, cv2.LINE_AA)
    return image


class SkeletonAnnotator:
    """Draws the skeleton of `seq`'s rows on frames."""

    def __init__(self, seq: PoseSequence, thickness_fraction: float = 0.004) -> None:
        self.seq = seq
        self.thickness_fraction = thickness_fraction

    def annotate(self, image: np.ndarray, row: int | None, scale: float) -> np.ndarray:
        if row is None:
            return image
        return draw_skeleton(image, self.seq.xy[row] * scale, self.seq.visibility[row], self.thickness_fraction)


def _pt(p: np.ndarray) -> tuple[int, int]:
    return int(round(p[0])), int(round(p[1]))
