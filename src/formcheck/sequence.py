"""The core data types: `MediaInfo` (what a file is) and `PoseSequence` (landmarks over time).

Shapes: T frames, 33 landmarks. Pixel coordinates, x right, **y down** (image convention).
A frame without a person is a row of NaN (coordinates) and 0 (visibility), never `None`.
A photo is a sequence with T == 1.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .landmarks import NUM_LANDMARKS


@dataclass(frozen=True)
class MediaInfo:
    """What an input file is, after rotation to upright.

    `fps` is the real-time frame rate used for timing: the container's average rate, or the
    capture rate given for a slow-motion clip (then `playback_fps` keeps the container's rate).
    """

    path: str
    kind: str  # "photo", "video", or "track" (a recorded landmark track without its media)
    width: int  # pixels, after rotation
    height: int
    fps: float  # frames per real second (0.0 for a photo)
    duration_s: float  # real-time seconds (0.0 for a photo)
    frames: int  # frame count (estimated from the container for a video until decoded)
    rotation: int  # degrees clockwise applied to make the stored pixels upright: 0, 90, 180, 270
    codec: str
    playback_fps: float = 0.0  # the container's own rate; differs from fps for slow motion
    time_scale: float = 1.0  # real seconds per container second (capture-fps override)
    variable_frame_rate: bool = False

    @property
    def is_photo(self) -> bool:
        return self.kind == "photo"

    @property
    def is_track(self) -> bool:
        return self.kind == "track"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _as_float_array(values: Any, shape_tail: tuple[int, ...], name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 + len(shape_tail) or arr.shape[1:] != shape_tail:
        raise ValueError(f"{name} must have shape (T, {', '.join(map(str, shape_tail))}), got {arr.shape}")
    return arr


@dataclass
class PoseSequence:
    """Landmarks of one person over time.

    xy:           (T, 33, 2) pixels, NaN where missing
    z:            (T, 33) MediaPipe's relative depth (same scale as x in pixels), NaN where missing
    visibility:   (T, 33) in [0, 1], 0 where missing
    timestamps_s: (T,) real-time seconds from the start of the clip, strictly increasing
    world:        (T, 33, 3) metres, hip-centred (MediaPipe world landmarks), or None
    frame_size:   (width, height) in pixels
    fps:          the source's real-time frame rate (0.0 for a photo)
    frame_index:  (T,) index of each row in the decoded frame stream
    camera:       (T, 5) the camera's path measured from the background (`camera_motion.camera_path`:
                  each row's log scale, rotation (rad) and shift x, y (px) to the first frame's
                  picture; then 1 where the motion into the row was measured, 0 where it was
                  guessed), or None when not measured (a photo, an old recorded track, a drawn one)
    """

    xy: np.ndarray
    z: np.ndarray
    visibility: np.ndarray
    timestamps_s: np.ndarray
    frame_size: tuple[int, int]
    fps: float
    world: np.ndarray | None = None
    frame_index: np.ndarray = field(default=None)  # type: ignore[arg-type]  # filled in __post_init__
    camera: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.xy = _as_float_array(self.xy, (NUM_LANDMARKS, 2), "xy")
        n = self.xy.shape[0]
        self.z = _as_float_array(self.z, (NUM_LANDMARKS,), "z")
        self.visibility = _as_float_array(self.visibility, (NUM_LANDMARKS,), "visibility")
        self.timestamps_s = np.asarray(self.timestamps_s, dtype=np.float64).reshape(-1)
        if self.world is not None:
            self.world = _as_float_array(self.world, (NUM_LANDMARKS, 3), "world")
        if self.frame_index is None:
            self.frame_index = np.arange(n, dtype=np.int64)
        self.frame_index = np.asarray(self.frame_index, dtype=np.int64).reshape(-1)
        for name, arr in (
            ("z", self.z),
            ("visibility", self.visibility),
            ("timestamps_s", self.timestamps_s),
            ("frame_index", self.frame_index),
        ):
            if arr.shape[0] != n:
                raise ValueError(f"{name} has {arr.shape[0]} rows but xy has {n}")
        if self.world is not None and self.world.shape[0] != n:
            raise ValueError(f"world has {self.world.shape[0]} rows but xy has {n}")
        if self.camera is not None:
            self.camera = np.asarray(self.camera, dtype=np.float64).reshape(-1, 5)
            if self.camera.shape[0] != n:
                raise ValueError(f"camera has {self.camera.shape[0]} rows but xy has {n}")
        if n > 1 and not np.all(np.diff(self.timestamps_s) > 0):
            raise ValueError("timestamps_s must be strictly increasing")
        self.frame_size = (int(self.frame_size[0]), int(self.frame_size[1]))
        self.fps = float(self.fps)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def empty(
        cls,
        n_frames: int,
        frame_size: tuple[int, int],
        fps: float,
        timestamps_s: np.ndarray | None = None,
        with_world: bool = True,
    ) -> PoseSequence:
        """A sequence of `n_frames` rows with nobody in them (NaN coordinates, zero visibility)."""
        ts = np.arange(n_frames) / fps if timestamps_s is None else timestamps_s
        return cls(
            xy=np.full((n_frames, NUM_LANDMARKS, 2), np.nan),
            z=np.full((n_frames, NUM_LANDMARKS), np.nan),
            visibility=np.zeros((n_frames, NUM_LANDMARKS)),
            timestamps_s=ts,
            frame_size=frame_size,
            fps=fps,
            world=np.full((n_frames, NUM_LANDMARKS, 3), np.nan) if with_world else None,
        )

    # -- basic views ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.xy.shape[0])

    @property
    def present(self) -> np.ndarray:
        """(T,) bool: a person was found in the frame (any landmark has coordinates)."""
        return ~np.all(np.isnan(self.xy[:, :, 0]), axis=1)

    def point(self, landmark: int) -> np.ndarray:
        """(T, 2) pixel track of one landmark."""
        return self.xy[:, int(landmark), :]

    def midpoint(self, a: int, b: int) -> np.ndarray:
        """(T, 2) midpoint of two landmarks (e.g. the hip centre)."""
        return (self.xy[:, int(a), :] + self.xy[:, int(b), :]) / 2.0

    def __getitem__(self, item: slice | np.ndarray) -> PoseSequence:
        """Rows selected by a slice or a boolean/index array, as a new sequence."""
        if isinstance(item, int):
            item = slice(item, item + 1)
        return replace(
            self,
            xy=self.xy[item].copy(),
            z=self.z[item].copy(),
            visibility=self.visibility[item].copy(),
            timestamps_s=self.timestamps_s[item].copy(),
            world=None if self.world is None else self.world[item].copy(),
            frame_index=self.frame_index[item].copy(),
            camera=None if self.camera is None else self.camera[item].copy(),
        )

    def between(self, start_s: float | None = None, end_s: float | None = None) -> PoseSequence:
        """Rows whose timestamp lies in [start_s, end_s]."""
        keep = np.ones(len(self), dtype=bool)
        if start_s is not None:
            keep &= self.timestamps_s >= start_s
        if end_s is not None:
            keep &= self.timestamps_s <= end_s
        return self[keep]

    def copy(self) -> PoseSequence:
        return self[slice(None)]

    # -- persistence ----------------------------------------------------------------------------
    def save_npz(self, path: str | Path) -> None:
        """Write a compressed `.npz` (float32 coordinates) that `load_npz` reads back."""
        arrays: dict[str, Any] = {
            "xy": self.xy.astype(np.float32),
            "z": self.z.astype(np.float32),
            "visibility": self.visibility.astype(np.float32),
            "timestamps_s": self.timestamps_s,
            "frame_index": self.frame_index,
            "frame_size": np.asarray(self.frame_size, dtype=np.int64),
            "fps": np.float64(self.fps),
            "format_version": np.int64(1),
        }
        if self.world is not None:
            arrays["world"] = self.world.astype(np.float32)
        if self.camera is not None:
            arrays["camera"] = self.camera
        with open(path, "wb") as fh:
            np.savez_compressed(fh, **arrays)

    @classmethod
    def load_npz(cls, path: str | Path) -> PoseSequence:
        with np.load(path) as data:
            return cls(
                xy=data["xy"],
                z=data["z"],
                visibility=data["visibility"],
                timestamps_s=data["timestamps_s"],
                frame_index=data["frame_index"],
                frame_size=tuple(int(v) for v in data["frame_size"]),  # type: ignore[arg-type]
                fps=float(data["fps"]),
                world=data["world"] if "world" in data.files else None,
                camera=data["camera"] if "camera" in data.files else None,
            )
