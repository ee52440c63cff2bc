"""`MediaPipeSource`: a photo or video through the pose model (the PoseSource of real files).

Probe -> decode (in a decoder process for a video, see `decoder_process`; a long enough clip as two
parts side by side, see `clip_parts`) -> PoseLandmarker -> people linked into tracks; plus what
decoding found (truncation, variable frame rate) and how to get the frames back for drawing and
for person masks.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .clip_parts import PARTS, ClipPart, PartMismatch, frame_table, iter_part_frames, rest_of
from .config import CommonSettings
from .decoder_process import open_frames
from .frames import DecodeReport, Frame, SegmentedFrame
from .media import iter_frames, prefetch, probe
from .model import ModelBundle, load_model
from .pose import PartFrames, PoseEstimator, estimate_poses, segment_frames
from .sequence import MediaInfo
from .sources import MIN_PERSON_FRACTION, ModelFacts, PoseRun, ProgressCallback

log = logging.getLogger(__name__)


@dataclass
class MediaPipeSource:
    """path: a photo or video. live_video: for landmarks only (`kind = pose`), an MP4 path that the
    decoder process draws the skeleton video into during the pose pass (`PoseRun.live_video` says
    whether it did)."""

    path: str | Path
    live_video: Path | None = None

    def estimate(self, settings: CommonSettings, on_progress: ProgressCallback | None = None) -> PoseRun:
        """The pose pass; when it finds a person in fewer than MIN_PERSON_FRACTION of a clip's frames
        (too few to analyse), a second pass that looks closer for a person too small for the model's
        detector (`refind`), kept when it finds the person in more frames."""
        info = probe(self.path, settings.capture_fps)
        try:
            run = self._estimate(info, settings, on_progress, PARTS)
        except PartMismatch as exc:  # the file does not decode as its packets say: one stream, as ever
            log.info("%s: pose pass as one stream (%s)", Path(info.path).name, exc)
            run = self._estimate(info, settings, on_progress, 1)
        found = person_fraction(run)
        if info.is_photo or found >= MIN_PERSON_FRACTION:
            return run
        closer = self._estimate(info, settings, on_progress, 1, closer_look=True)
        log.info(
            "%s: a person in %.0f%% of frames, %.0f%% with the closer look",
            info.path,
            100 * found,
            100 * person_fraction(closer),
        )
        return closer if person_fraction(closer) > found else run

    def _estimate(
        self,
        info: MediaInfo,
        settings: CommonSettings,
        on_progress: ProgressCallback | None,
        parts: int,
        closer_look: bool = False,
    ) -> PoseRun:
        report = DecodeReport()
        total = expected_frames(info, settings)
        start_s, end_s, max_side = settings.start_s, settings.end_s, settings.max_side_px
        with open_frames(info, start_s, end_s, max_side, report, self.live_video, parts) as src:
            # While the decoder process starts and plans the parts (on the other core): the model,
            # mediapipe's import and the first part's landmarker (the others are made in their threads).
            model = load_model(settings.model_path)
            first = PoseEstimator(model, video=not info.is_photo)
            try:
                pose_parts = [
                    PartFrames(s.frames(), s.keep, s.draw, _frames_after(info, src.plan, k, max_side))
                    for k, s in enumerate(src.streams())
                ]
            except BaseException:
                first.close()
                raise
            stage = "closer" if closer_look else "pose"
            run = estimate_poses(
                pose_parts,
                info,
                model,
                on_frame=_on_pose_frame(total, on_progress, stage),
                first=first,
                closer_look=closer_look,
            )
        release_freed_memory()  # the landmarkers and the per-frame detections are gone: give the heap back
        check_complete(report, total)
        info = with_decoded_facts(info, report, len(run.sequence))
        return PoseRun(
            info=info,
            people=run.candidates,
            max_people=run.max_people,
            multi_person_fraction=run.multi_person_fraction,
            decode=report,
            model=ModelFacts(model.path.name, model.sha256),
            frames=_frames_getter(info, settings),
            segment=_segmenter(info, settings, model),
            live_video=None if run.resumed else src.live_video,  # drawn from the dropped part's people
            closer_finds=run.closer_finds,
        )


def _frames_after(
    info: MediaInfo, plan: list[ClipPart], k: int, max_side: int | None
) -> Callable[[], Iterator[Frame]] | None:
    """For part k's landmarker to go on through the rest of the clip: those frames, decoded here."""
    if not plan or k == len(plan) - 1:
        return None

    def frames() -> Iterator[Frame]:
        table = frame_table(info)
        if table is None:
            raise PartMismatch("the frame table could not be read again")
        return prefetch(iter_part_frames(info, table, rest_of(plan, k), max_side, DecodeReport(), threads=2))

    return frames


def _frames_getter(info: MediaInfo, settings: CommonSettings) -> Callable[[int | None, bool], Iterator[Frame]]:
    """PoseRun.frames: the clip decoded again (for the annotated video)."""

    def frames(max_side: int | None, fast: bool) -> Iterator[Frame]:
        return iter_frames(info, settings.start_s, settings.end_s, max_side, fast_scaling=fast)

    return frames


def _segmenter(
    info: MediaInfo, settings: CommonSettings, model: ModelBundle
) -> Callable[[Iterable[int]], Iterator[SegmentedFrame | None]]:
    """PoseRun.segment: person masks of chosen frames (decoded again, at the pose pass's size)."""

    def frames_by_index(indices: Iterable[int]) -> Iterator[Frame]:
        wanted = set(indices)
        if not wanted:
            return
        for frame in iter_frames(info, settings.start_s, settings.end_s, settings.max_side_px):
            if frame.index in wanted:
                yield frame
                wanted.discard(frame.index)
                if not wanted:
                    return

    def segment(indices: Iterable[int]) -> Iterator[SegmentedFrame | None]:
        return segment_frames(frames_by_index(indices), info, model)

    return segment


#: What the analyses import when they first run (with SciPy, about 1 s), imported during the pose pass.
ANALYSIS_MODULES = (
    "formcheck.kinds.run.gait",
    "formcheck.kinds.run.findings",
    "formcheck.kinds.plank.measure",
    "formcheck.kinds.plank.result",
    "formcheck.kinds.plank.recognise",
)


def import_analyses() -> None:
    """Import ANALYSIS_MODULES (in the background thread of `_on_pose_frame`)."""
    for name in ANALYSIS_MODULES:
        importlib.import_module(name)


def person_fraction(run: PoseRun) -> float:
    """The share of frames in which the main person was found."""
    seq = run.people[0] if run.people else None
    return float(seq.present.mean()) if seq is not None and len(seq) else 0.0


def _on_pose_frame(
    total: int, on_progress: ProgressCallback | None, stage: str = "pose"
) -> Callable[[int, float], None]:
    """Called after each frame of the pose pass: reports progress, and after the first frame starts
    importing what the analyses need next (ANALYSIS_MODULES) in a background thread: while the model
    runs, this process's interpreter is mostly idle."""

    def report(done: int, _time_s: float) -> None:
        if done == 1:
            threading.Thread(target=import_analyses, daemon=True).start()
        if on_progress is not None:
            on_progress(stage, done, max(total, done))

    return report


def release_freed_memory() -> None:
    """Return freed heap memory to the operating system (glibc's malloc_trim), so that the peak
    resident memory of the pose pass and of the video pass do not add up. No-op elsewhere."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def expected_frames(info: MediaInfo, settings: CommonSettings) -> int:
    """Frames the trimmed clip should have (from the container; exact for constant frame rate)."""
    if info.is_photo:
        return 1
    start = settings.start_s or 0.0
    end = settings.end_s if settings.end_s is not None else info.duration_s / info.time_scale
    span = max(0.0, min(end, info.duration_s / info.time_scale) - start)
    return max(1, min(info.frames, int(round(span * info.playback_fps)))) if info.frames else 0


def check_complete(report: DecodeReport, expected: int) -> None:
    """Flag a video that ended well before the frame count its container announces (a cut file whose
    index survived decodes without an error, just short)."""
    if not report.truncated and expected > 10 and report.frames < 0.9 * expected:
        report.truncated = True
        report.error = f"only {report.frames} of the {expected} frames the file announces could be decoded"


def with_decoded_facts(info: MediaInfo, report: DecodeReport, rows: int) -> MediaInfo:
    """MediaInfo updated with what decoding found: real frame count, variable frame rate."""
    if info.is_photo:
        return info
    intervals = np.asarray(report.intervals_s)
    vfr = bool(
        intervals.size > 2
        and (np.percentile(intervals, 95) - np.percentile(intervals, 5)) > 0.25 * np.median(intervals)
    )
    frames = report.frames if report.truncated or info.frames == 0 else info.frames
    return replace(info, frames=max(frames, rows) if not report.truncated else report.frames, variable_frame_rate=vfr)
