"""Frames and what the pose model found in them: plain data (numpy only), shared by decoding,
pose estimation and the analyses (which never import the model or the decoder).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Frame:
    """One decoded frame.

    index:  position in the file's frame stream (0-based, counted from the first frame of the file)
    time_s: real-time seconds since the file's first frame
    image:  (H, W, 3) uint8 RGB, upright, possibly downscaled (see `scale`)
    scale:  image pixels per full-resolution pixel (1.0 when not downscaled)
    """

    index: int
    time_s: float
    image: np.ndarray
    scale: float = 1.0


@dataclass
class DecodeReport:
    """Filled while frames are streamed: what came out and whether the file ended early."""

    frames: int = 0
    truncated: bool = False
    error: str = ""
    last_time_s: float = 0.0
    intervals_s: list[float] = field(default_factory=list)


class Detection:
    """One person found in one frame, stored compactly (a long clip holds one per person per frame).

    values: (33, 7) float32: x, y in full-resolution pixels; z (pixel-scaled depth); visibility;
    world x, y, z in metres (hip-centred).
    """

    __slots__ = ("centre", "size", "values")

    def __init__(self, values: np.ndarray) -> None:
        self.values = np.asarray(values, dtype=np.float32)
        xy = self.values[:, :2]
        lo, hi = np.nanmin(xy, axis=0), np.nanmax(xy, axis=0)
        self.centre = ((lo + hi) / 2.0).astype(np.float64)  # bounding-box centre, pixels
        self.size = float(np.hypot(*(hi - lo)))  # bounding-box diagonal, pixels

    @classmethod
    def from_arrays(
        cls, xy: np.ndarray, z: np.ndarray, visibility: np.ndarray, world: np.ndarray | None = None
    ) -> Detection:
        """From xy (33, 2) px, z (33,), visibility (33,) and world (33, 3) metres (NaN if None)."""
        values = np.full((len(xy), 7), np.nan)
        values[:, :2], values[:, 2], values[:, 3] = xy, z, visibility
        if world is not None:
            values[:, 4:] = world
        return cls(values)

    @property
    def xy(self) -> np.ndarray:
        return self.values[:, :2].astype(np.float64)

    @property
    def z(self) -> np.ndarray:
        return self.values[:, 2].astype(np.float64)

    @property
    def visibility(self) -> np.ndarray:
        return self.values[:, 3].astype(np.float64)

    @property
    def world(self) -> np.ndarray:
        return self.values[:, 4:7].astype(np.float64)


@dataclass(frozen=True)
class SegmentedFrame:
    """A frame's subject and its person mask. mask: (height, width) float32 in [0, 1], full resolution."""

    frame: Frame
    detection: Detection
    mask: np.ndarray
