"""Pose estimation: the only module that imports mediapipe.

`estimate_poses()` runs MediaPipe's PoseLandmarker over a stream of frames (VIDEO mode for clips,
IMAGE mode for a photo) and returns the main subject's `PoseSequence`. Up to `num_poses` people are
detected per frame; the subject is the track that is largest and most consistently present.
`segment_frames()` gives the person mask of a few chosen frames (for body contours).
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from .media import Frame
from .model import ModelBundle
from .sequence import MediaInfo, PoseSequence

log = logging.getLogger(__name__)

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: Two people per frame are detected so that a bystander can be told apart from the subject.
DEFAULT_NUM_POSES = 2


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send the C++ libraries' own stderr lines (TFLite/XNNPACK banners, absl warnings) to /dev/null."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (e.g. some GUI hosts): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def divert_native_stderr() -> TextIO:
    """For a command-line process: point file descriptor 2 at /dev/null for good, so that native
    libraries' log lines (which can appear at any frame) never reach the terminal, and return a text
    stream on the original stderr for the program's own messages. Call once, early."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:
        return sys.stderr
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    return os.fdopen(saved, "w", buffering=1, encoding=sys.stderr.encoding or "utf-8", errors="replace")


class Detection:
    """One person found in one frame, stored compactly (a long clip holds one per person per frame).

    values: (33, 7) float32: x, y in full-resolution pixels; z (pixel-scaled depth); visibility;
    world x, y, z in metres (hip-centred).
    """

    __slots__ = ("values", "centre", "size")

    def __init__(self, values: np.ndarray) -> None:
        self.values = np.asarray(values, dtype=np.float32)
        xy = self.values[:, :2]
        lo, hi = np.nanmin(xy, axis=0), np.nanmax(xy, axis=0)
        self.centre = ((lo + hi) / 2.0).astype(np.float64)  # bounding-box centre, pixels
        self.size = float(np.hypot(*(hi - lo)))  # bounding-box diagonal, pixels

    @classmethod
    def from_arrays(cls, xy: np.ndarray, z: np.ndarray, visibility: np.ndarray,
                    world: np.ndarray | None = None) -> Detection:
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


class PoseEstimator:
    """A PoseLandmarker opened for one file; use as a context manager (it must be closed explicitly)."""

    def __init__(self, model: ModelBundle, video: bool, num_poses: int = DEFAULT_NUM_POSES,
                 segmentation: bool = False) -> None:
        with native_stderr_silenced():
            import mediapipe as mp
            from mediapipe.tasks.python import BaseOptions, vision

            self._mp = mp
            options = vision.PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(model.path)),
                running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
                num_poses=num_poses,
                output_segmentation_masks=segmentation,
            )
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        self._video = video
        self._last_ms = -1
        self._warmed_up = False

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._landmarker is not None:
            with native_stderr_silenced():
                self._landmarker.close()
            self._landmarker = None

    def detect(self, frame: Frame, width: int, height: int) -> tuple[list[Detection], list[np.ndarray]]:
        """People in one frame, in full-resolution pixels (width x height), and their masks if asked for.

        Masks are float32 (h, w) in [0, 1] at the frame's (possibly downscaled) size.
        """
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(frame.image))
        quiet = native_stderr_silenced() if not self._warmed_up else contextlib.nullcontext()
        with quiet:
            if self._video:
                ms = max(int(round(frame.time_s * 1000.0)), self._last_ms + 1)
                self._last_ms = ms
                result = self._landmarker.detect_for_video(image, ms)
            else:
                result = self._landmarker.detect(image)
        self._warmed_up = True
        people = [_to_detection(lms, wlms, width, height)
                  for lms, wlms in zip(result.pose_landmarks, result.pose_world_landmarks)]
        masks = [m.numpy_view().astype(np.float32).reshape(m.height, m.width)
                 for m in (result.segmentation_masks or [])]
        return people, masks


def _to_detection(landmarks: list, world_landmarks: list, width: int, height: int) -> Detection:
    values = np.full((len(landmarks), 7), np.nan)
    values[:, :4] = [(p.x * width, p.y * height, p.z * width, p.visibility or 0.0) for p in landmarks]
    values[:, 3] = np.clip(values[:, 3], 0.0, 1.0)
    if world_landmarks:
        values[:, 4:] = [(p.x, p.y, p.z) for p in world_landmarks]
    return Detection(values)


ProgressCallback = Callable[[int, float], None]


@dataclass(frozen=True)
class PoseRun:
    """What the landmarker found.

    sequence: the main subject (largest and most consistently present person);
    others: other people tracked through at least `MIN_OTHER_FRACTION` of the frames, main first
    excluded, most present first (an analysis may prefer one of them: the person who runs, say);
    max_people: most people seen at once; multi_person_fraction: share of frames with more than one.
    """

    sequence: PoseSequence
    others: tuple[PoseSequence, ...]
    max_people: int
    multi_person_fraction: float

    @property
    def candidates(self) -> tuple[PoseSequence, ...]:
        return (self.sequence,) + self.others


#: Another person must be tracked through this share of frames to be offered as a candidate subject.
MIN_OTHER_FRACTION = 0.2


def estimate_poses(frames: Iterable[Frame], info: MediaInfo, model: ModelBundle,
                   num_poses: int = DEFAULT_NUM_POSES,
                   on_frame: ProgressCallback | None = None) -> PoseRun:
    """Run the landmarker over streamed frames and split the detections into people.

    `on_frame(frames_done, time_s)` is called after each frame (progress)."""
    times: list[float] = []
    indices: list[int] = []
    per_frame: list[list[Detection]] = []
    with PoseEstimator(model, video=not info.is_photo, num_poses=num_poses) as estimator:
        for n, frame in enumerate(frames, start=1):
            people, _ = estimator.detect(frame, info.width, info.height)
            per_frame.append(people)
            times.append(frame.time_s)
            indices.append(frame.index)
            if on_frame is not None:
                on_frame(n, frame.time_s)
    timestamps = np.asarray(times, dtype=np.float64)
    frame_index = np.asarray(indices, dtype=np.int64)
    tracks = link_tracks(per_frame)
    sequences = [_track_sequence(track, len(per_frame), info, timestamps, frame_index) for track in tracks]
    if not sequences:
        sequences = [_track_sequence({}, len(per_frame), info, timestamps, frame_index)]
    others = tuple(s for s in sequences[1:3] if s.present.mean() >= MIN_OTHER_FRACTION)
    counts = np.array([len(p) for p in per_frame])
    return PoseRun(sequences[0], others, int(counts.max(initial=0)),
                   float(np.mean(counts > 1)) if len(counts) else 0.0)


def _track_sequence(track: dict[int, Detection], n: int, info: MediaInfo, timestamps: np.ndarray,
                    frame_index: np.ndarray) -> PoseSequence:
    seq = PoseSequence.empty(n, (info.width, info.height), info.fps, timestamps_s=timestamps)
    seq.frame_index = frame_index
    for t, det in track.items():
        seq.xy[t], seq.z[t], seq.visibility[t] = det.values[:, :2], det.values[:, 2], det.values[:, 3]
        seq.world[t] = det.values[:, 4:]  # type: ignore[index]
    return seq


def link_tracks(per_frame: list[list[Detection]], max_jump: float = 0.6) -> list[dict[int, Detection]]:
    """People linked frame to frame into tracks ({row: detection}), main subject first.

    Linking: nearest bounding-box centre, within `max_jump` of the track's size. Order: by the sum
    of sizes over frames, i.e. people who are both large and consistently present come first.
    """
    tracks: list[dict] = []  # {"last": Detection, "rows": {t: Detection}, "score": float}
    for t, people in enumerate(per_frame):
        free = list(range(len(tracks)))
        for det in sorted(people, key=lambda d: -d.size):
            best, best_dist = None, np.inf
            for k in free:
                last = tracks[k]["last"]
                dist = float(np.linalg.norm(det.centre - last.centre)) / max(last.size, 1.0)
                if dist < best_dist:
                    best, best_dist = k, dist
            if best is not None and best_dist <= max_jump:
                free.remove(best)
                track = tracks[best]
            else:
                track = {"rows": {}, "score": 0.0}
                tracks.append(track)
            track["last"] = det
            track["rows"][t] = det
            track["score"] += det.size
    return [tr["rows"] for tr in sorted(tracks, key=lambda tr: -tr["score"])]


@dataclass(frozen=True)
class SegmentedFrame:
    """A frame's subject and its person mask. mask: (height, width) float32 in [0, 1], full resolution."""

    frame: Frame
    detection: Detection
    mask: np.ndarray


def segment_frames(frames: Iterable[Frame], info: MediaInfo, model: ModelBundle,
                   num_poses: int = DEFAULT_NUM_POSES) -> Iterator[SegmentedFrame | None]:
    """Person masks of the given frames (IMAGE mode, one frame at a time: nothing accumulates).

    Yields None for a frame without a person. With several people, the largest one's mask is given.
    """
    import cv2

    with PoseEstimator(model, video=False, num_poses=num_poses, segmentation=True) as estimator:
        for frame in frames:
            people, masks = estimator.detect(frame, info.width, info.height)
            if not people:
                yield None
                continue
            k = int(np.argmax([p.size for p in people]))
            mask = masks[k] if k < len(masks) else np.zeros(frame.image.shape[:2], np.float32)
            if mask.shape != (info.height, info.width):
                mask = cv2.resize(mask, (info.width, info.height), interpolation=cv2.INTER_LINEAR)
            yield SegmentedFrame(frame=frame, detection=people[k], mask=mask)


