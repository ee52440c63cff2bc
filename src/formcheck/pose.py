"""Pose estimation: the only module that imports mediapipe.

`estimate_poses()` runs MediaPipe's PoseLandmarker over a clip's frames (VIDEO mode for clips, IMAGE
mode for a photo), as one stream or as the parts of `clip_parts` side by side (one landmarker each),
and returns the people found, main subject first (the track that is largest and most consistently
present). Up to `num_poses` people are detected per frame. `segment_frames()` gives the person mask
of a few chosen frames (for body contours).

Why two people, and why not the model's one-person tracking: with `num_poses = 2` and one person in
view the detector runs on every frame and the landmarks are those of IMAGE mode, frame by frame
(measured: identical), so the parts of a clip give exactly the landmarks of one stream. The
one-person mode tracks the person from the previous frame's landmarks and smooths them; measured on
the samples it is 1.7x quicker but moves the landmarks (median 4.9 px a coordinate on the 60 fps
treadmill clip) and the running figures well beyond their tolerances (contact time 310 -> 186-213
ms there), so it is not used.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from .camera_motion import UNKNOWN, CameraTracker, camera_path
from .errors import ModelError
from .frames import Detection, Frame, SegmentedFrame
from .interrupts import stop_if_interrupted
from .model import ModelBundle
from .refind import CloserLook, tile_interval_s
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


class PoseEstimator:
    """A PoseLandmarker opened for one file; use as a context manager (it must be closed explicitly)."""

    def __init__(
        self,
        model: ModelBundle,
        video: bool,
        num_poses: int = DEFAULT_NUM_POSES,
        segmentation: bool = False,
    ) -> None:
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
            try:
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
            except (ValueError, RuntimeError) as exc:  # a bundle that passed load_model's checks, still damaged
                raise ModelError(
                    f"the pose model {model.path} cannot be loaded ({exc}); use an intact PoseLandmarker .task file"
                ) from exc
        self._video = video
        self._last_ms = -1
        # detect() and close() from two threads (a part's thread still on its frame while an interrupted
        # pass closes the landmarkers) crashed the process: one at a time.
        self._lock = threading.Lock()
        self._warmed_up = False

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the landmarker (once; from any thread, after a detect() under way has returned)."""
        with self._lock:
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
        with self._lock, quiet:
            if self._landmarker is None:
                raise RuntimeError("the pose landmarker was closed")
            if self._video:
                ms = max(int(round(frame.time_s * 1000.0)), self._last_ms + 1)
                self._last_ms = ms
                result = self._landmarker.detect_for_video(image, ms)
            else:
                result = self._landmarker.detect(image)
        self._warmed_up = True
        people = [
            _to_detection(lms, wlms, width, height)
            for lms, wlms in zip(result.pose_landmarks, result.pose_world_landmarks, strict=False)
        ]
        masks = [
            m.numpy_view().astype(np.float32).reshape(m.height, m.width) for m in (result.segmentation_masks or [])
        ]
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
    resumed: bool = False  # a part's landmarker went on through the later parts (see estimate_poses)
    closer_finds: int = 0  # people found by the closer look (`refind`), summed over frames

    @property
    def candidates(self) -> tuple[PoseSequence, ...]:
        return (self.sequence, *self.others)


#: Another person must be tracked through this share of frames to be offered as a candidate subject.
MIN_OTHER_FRACTION = 0.2


#: on_detections(frame, people): called after each frame of the pose pass (e.g. to draw it live).
DetectionsCallback = Callable[[Frame, list[Detection]], None]


@dataclass
class PartFrames:
    """One part of a clip for `estimate_poses`: its frames in order, the first frame index whose
    results are kept (earlier ones warm the landmarker up), what to call after each frame, and the
    frames after the part (from its end to the clip's), should its landmarker have to go on."""

    frames: Iterable[Frame]
    keep: int = 0
    on_detections: DetectionsCallback | None = None
    rest: Callable[[], Iterable[Frame]] | None = None


def estimate_poses(
    frames: Iterable[Frame] | Sequence[PartFrames],
    info: MediaInfo,
    model: ModelBundle,
    on_frame: ProgressCallback | None = None,
    on_detections: DetectionsCallback | None = None,
    first: PoseEstimator | None = None,
    closer_look: bool = False,
) -> PoseRun:
    """Run the landmarker over a clip's frames and link the detections into people.

    frames: one stream of frames, or the parts of a clip, run side by side (one landmarker and one
    thread each): the landmarks are those of one stream (see `_run_parts_side_by_side`).
    `on_frame(frames_done, time_s)` is called after each frame, from the calling thread;
    `on_detections(frame, people)` too for a single stream (a part has its own). first: a landmarker
    made beforehand for the first part (`PoseEstimator(model, video=not info.is_photo)`, e.g. while
    the decoder starts; the same options, so the same landmarks); it is closed here. closer_look:
    look closer for people too small for the detector (`refind.CloserLook`; one stream only)."""
    if isinstance(frames, Sequence) and frames and isinstance(frames[0], PartFrames):
        parts = list(frames)
    else:
        parts = [PartFrames(frames, on_detections=on_detections)]  # type: ignore[arg-type]
    if closer_look and len(parts) > 1:
        raise ValueError("the closer look runs on one stream of frames, not on parts")
    closer_finds = 0
    with first if first is not None else contextlib.nullcontext():
        if len(parts) == 1:
            logs = [DetectionLog()]
            closer_finds = _run_part(parts[0], logs[0], info, model, on_frame, first, closer_look)
            resumed = False
        else:
            logs, resumed = _run_parts_side_by_side(parts, info, model, on_frame, first)
    linker = TrackLinker()
    times, indices = array("d"), array("l")
    motions = []
    for log in logs:
        for index, time_s, people in log.replay():
            linker.add(people)
            times.append(time_s)
            indices.append(index)
        motions.append(log.motions())
        log.clear()
    timestamps = np.asarray(times, dtype=np.float64)
    frame_index = np.asarray(indices, dtype=np.int64)
    n = len(times)
    camera = None if info.is_photo or n == 0 else camera_path(np.concatenate(motions))
    tracks = linker.tracks() or [Track()]
    others = [tr for tr in tracks[1:3] if len(tr.rows) >= MIN_OTHER_FRACTION * n]
    found = [_track_sequence(tr, n, info, timestamps, frame_index, camera) for tr in [tracks[0], *others]]
    counts = np.asarray(linker.counts)
    return PoseRun(
        found[0],
        tuple(found[1:]),
        int(counts.max(initial=0)),
        float(np.mean(counts > 1)) if len(counts) else 0.0,
        resumed,
        closer_finds,
    )


def _run_part(
    part: PartFrames,
    log: DetectionLog,
    info: MediaInfo,
    model: ModelBundle,
    on_frame: ProgressCallback | None = None,
    first: PoseEstimator | None = None,
    closer_look: bool = False,
) -> int:
    """The pose pass over a single stream (or a photo), with `first` if given (else a landmarker of
    its own), looking closer for small people with `closer_look` (a clip); returns how many people
    the closer look found (summed over frames)."""
    camera = None if info.is_photo else CameraTracker()
    closer = closer_look and not info.is_photo
    with (
        first or PoseEstimator(model, video=not info.is_photo) as estimator,
        PoseEstimator(model, video=False, num_poses=1) if closer else contextlib.nullcontext() as finder,
    ):
        look = (
            CloserLook(finder, DEFAULT_NUM_POSES, tile_interval_s(info.duration_s / info.time_scale))
            if finder is not None
            else None
        )
        for frame in part.frames:
            stop_if_interrupted()
            people, _ = estimator.detect(frame, info.width, info.height)
            if look is not None:
                people = look.people(frame, people)
            log.add(frame.index, frame.time_s, people, camera.step(frame, people) if camera else UNKNOWN)
            if part.on_detections is not None:
                part.on_detections(frame, people)
            if on_frame is not None:
                on_frame(len(log), frame.time_s)
    return look.added if look is not None else 0


def _same_people(a: list[Detection], b: list[Detection]) -> bool:
    return len(a) == len(b) and all(
        np.array_equal(x.values, y.values, equal_nan=True) for x, y in zip(a, b, strict=True)
    )


#: How long an interrupted pose pass waits for each part's thread to finish its frame (s): one frame
#: takes well under a second even at 4K on one core.
PART_STOP_WAIT_S = 10.0


def _run_parts_side_by_side(
    parts: list[PartFrames],
    info: MediaInfo,
    model: ModelBundle,
    on_frame: ProgressCallback | None,
    first: PoseEstimator | None = None,
) -> tuple[list[DetectionLog], bool]:
    """Each part in its own thread with its own landmarker (mediapipe's calls release the GIL: they
    run on separate cores; the first part's is `first` if given); progress is reported from this thread.

    A landmarker's output depends on the previous frame only through the regions it tracks from it.
    Part k+1 starts a few frames early; if on its last warm-up frame it found exactly what part k
    found there, it tracks from the same regions and every later frame is what one stream gives.
    Otherwise (two people tracked across the seam, say) part k's landmarker goes on through the rest
    of the clip and the later parts are dropped, so the landmarks are always one stream's.
    Returns the logs to use and whether a landmarker went on (`PoseRun.resumed`)."""
    logs = [DetectionLog() for _ in parts]
    seams: list[list[Detection] | None] = [None] * len(parts)  # part k's people on frame keep - 1
    warmed = [threading.Event() for _ in parts]
    stop = threading.Event()
    dropped_from = [len(parts)]
    errors: list[BaseException] = []

    def detect_all(estimator: PoseEstimator, camera: CameraTracker, k: int, frames: Iterable[Frame]) -> None:
        part, log = parts[k], logs[k]
        for frame in frames:
            if stop.is_set():
                return
            if k >= dropped_from[0]:
                continue  # dropped: its stream is still taken to its end, so that its decoder finishes
            people, _ = estimator.detect(frame, info.width, info.height)
            motion = camera.step(frame, people)  # warm-up frames too: a part's first kept frame has its motion
            if frame.index >= part.keep:
                log.add(frame.index, frame.time_s, people, motion)
            elif frame.index == part.keep - 1:
                seams[k] = people
                warmed[k].set()
            if part.on_detections is not None:
                part.on_detections(frame, people)

    def work(k: int) -> None:
        try:
            with first if k == 0 and first is not None else PoseEstimator(model, video=True) as estimator:
                camera = CameraTracker()
                detect_all(estimator, camera, k, parts[k].frames)
                warmed[k].set()
                if k + 1 < len(parts):
                    warmed[k + 1].wait()
                    seam = seams[k + 1]
                    if not stop.is_set() and (seam is None or not _same_people(logs[k].last_people, seam)):
                        dropped_from[0] = min(dropped_from[0], k + 1)
                        rest = parts[k].rest
                        if rest is None:
                            raise ValueError(f"part {k} cannot go on: no frames after it were given")
                        detect_all(estimator, camera, k, rest())
        except BaseException as exc:  # handed to the calling thread, raised there
            errors.append(exc)
            stop.set()
        finally:
            warmed[k].set()

    threads = [
        threading.Thread(target=work, args=(k,), name=f"formcheck-pose-{k}", daemon=True) for k in range(len(parts))
    ]
    for thread in threads:
        thread.start()
    try:
        reported = 0
        while alive := [t for t in threads if t.is_alive()]:
            alive[0].join(timeout=0.05)
            stop_if_interrupted()
            done = sum(len(log) for log in logs[: dropped_from[0]])
            if on_frame is not None and done > reported:
                on_frame(done, logs[0].last_time_s)
                reported = done
    except BaseException:
        stop.set()  # interrupted: the parts stop at their next frame
        # A landmarker closed while its thread is inside detect() crashes the process (SIGTERM mid-clip
        # ended in SIGSEGV with the half-written video left behind): let each part leave its frame first.
        for thread in threads:
            thread.join(timeout=PART_STOP_WAIT_S)
        raise
    if errors:
        raise errors[0]
    return logs[: dropped_from[0]], dropped_from[0] < len(parts)


def _track_sequence(
    track: Track,
    n: int,
    info: MediaInfo,
    timestamps: np.ndarray,
    frame_index: np.ndarray,
    camera: np.ndarray | None = None,
) -> PoseSequence:
    seq = PoseSequence.empty(n, (info.width, info.height), info.fps, timestamps_s=timestamps)
    seq.frame_index = frame_index
    seq.camera = None if camera is None else camera.copy()
    if track.rows:
        rows, values = np.asarray(track.rows), track.values()
        seq.xy[rows], seq.z[rows], seq.visibility[rows] = values[:, :, :2], values[:, :, 2], values[:, :, 3]
        seq.world[rows] = values[:, :, 4:]  # type: ignore[index]
    return seq


class DetectionLog:
    """The people found in each kept frame of a part, stored compactly (float32 chunks, as `Track`),
    to be linked into tracks once every part is done."""

    def __init__(self) -> None:
        self.counts = array("b")
        self.indices = array("l")
        self.times = array("d")
        self.last_time_s = 0.0
        self.last_people: list[Detection] = []
        self._values = Track()  # every person of every frame, in order (a track used as storage)
        self._motions = array("d")  # each frame's camera motion from the previous frame (4 values)

    def __len__(self) -> int:
        return len(self.counts)

    def add(self, index: int, time_s: float, people: list[Detection], motion: np.ndarray = UNKNOWN) -> None:
        """One kept frame: its index, time, people and camera motion from the previous frame
        (`camera_motion.CameraTracker.step`; UNKNOWN when not measured)."""
        self.counts.append(len(people))
        self._motions.extend(np.asarray(motion, dtype=np.float64).reshape(4).tolist())
        self.indices.append(index)
        self.times.append(time_s)
        self.last_time_s = time_s
        self.last_people = people
        for det in people:
            self._values.add(index, det)

    def replay(self) -> Iterator[tuple[int, float, list[Detection]]]:
        """(frame index, time_s, people) of each frame, in order."""
        values = self._values.values()
        at = 0
        for count, index, time_s in zip(self.counts, self.indices, self.times, strict=True):
            yield index, time_s, [Detection(values[at + k]) for k in range(count)]
            at += count

    def motions(self) -> np.ndarray:
        """(frames, 4) the camera motion of each frame (see `camera_motion.UNKNOWN`)."""
        return np.frombuffer(self._motions, dtype=np.float64).reshape(-1, 4).copy()

    def clear(self) -> None:
        self._values = Track()
        self._motions = array("d")


class Track:
    """One person followed through the frames: the rows where they were found and their (33, 7)
    float32 values (as in Detection), the last detection's box, and a score (sum of box sizes).

    Values are kept in chunks (16 rows, doubling up to 1024), not one small array per frame, whose
    many small allocations fragment the heap over a long clip."""

    MAX_CHUNK = 1024

    def __init__(self) -> None:
        self.rows = array("l")
        self.centre = np.zeros(2)
        self.size = 0.0
        self.score = 0.0
        self._chunks: list[np.ndarray] = []
        self._free = 0  # unused rows in the last chunk

    def add(self, row: int, det: Detection) -> None:
        if not self._free:
            rows = min(self.MAX_CHUNK, 16 << len(self._chunks))
            self._chunks.append(np.empty((rows, *det.values.shape), np.float32))
            self._free = rows
        chunk = self._chunks[-1]
        chunk[len(chunk) - self._free] = det.values
        self._free -= 1
        self.rows.append(row)
        self.centre, self.size = det.centre, det.size
        self.score += det.size

    def values(self) -> np.ndarray:
        """(len(rows), 33, 7) float32."""
        if not self._chunks:
            return np.empty((0, 33, 7), np.float32)
        return np.concatenate(self._chunks)[: len(self.rows)]


#: Two people of one frame whose box centres are nearer than this fraction of the larger one's size
#: are one person found twice: the model's two poses overlap (seen on a small runner, boxes of 117
#: and 91 px 13 px apart). Two real people that close would stand one right in front of the other.
DUPLICATE_SHIFT = 0.25


class TrackLinker:
    """Links the people of each new frame to tracks: nearest bounding-box centre, within `max_jump`
    of the track's size; the largest person is placed first, and a smaller one within DUPLICATE_SHIFT
    of a placed one is left out (the same person twice: otherwise a second track starts beside the
    first, and the person's frames are shared out between the two). Only compact values are kept."""

    def __init__(self, max_jump: float = 0.6) -> None:
        self.max_jump = max_jump
        self.counts = array("b")  # people per frame
        self._tracks: list[Track] = []

    def add(self, people: list[Detection]) -> None:
        row = len(self.counts)
        distinct: list[Detection] = []
        for det in sorted(people, key=lambda d: -d.size):
            if not any(float(np.linalg.norm(det.centre - p.centre)) < DUPLICATE_SHIFT * p.size for p in distinct):
                distinct.append(det)
        self.counts.append(len(distinct))
        free = list(self._tracks)
        for det in distinct:
            best, best_dist = None, np.inf
            for track in free:
                dist = float(np.linalg.norm(det.centre - track.centre)) / max(track.size, 1.0)
                if dist < best_dist:
                    best, best_dist = track, dist
            if best is not None and best_dist <= self.max_jump:
                free.remove(best)
            else:
                best = Track()
                self._tracks.append(best)
            best.add(row, det)

    def tracks(self) -> list[Track]:
        """All tracks, main subject first: people both large and consistently present come first."""
        return sorted(self._tracks, key=lambda tr: -tr.score)


def segment_frames(
    frames: Iterable[Frame], info: MediaInfo, model: ModelBundle, num_poses: int = DEFAULT_NUM_POSES
) -> Iterator[SegmentedFrame | None]:
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
