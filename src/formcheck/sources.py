"""Where the poses come from: the `PoseSource` seam.

A source turns settings into a `PoseRun`: the people found (as PoseSequences), what the media is,
and how to get back at its frames (for the annotated video and the person masks). The pipeline only
sees this protocol, so the pose model can be swapped or faked:

    MediaPipeSource(path)     a photo or video through the pose model (formcheck.mediapipe_source)
    TrackSource(path)         a recorded landmark track (.npz from PoseSequence.save_npz, + its .json)
    SequenceSource(seq, info) sequences in memory (generated gaits, tests): no model, no media
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .config import CommonSettings, setting_ref
from .errors import MediaNotFound, UnreadableMedia, UsageError
from .frames import DecodeReport, Frame, SegmentedFrame
from .sequence import MediaInfo, PoseSequence

#: on_progress(stage, done, total): stage is "pose", "closer" (the pose pass again, looking closer for a
#: small person: `refind`) or "render"; total is 0 when unknown.
ProgressCallback = Callable[[str, int, int], None]

#: A clip is analysed when a person is found in at least this share of its frames.
MIN_PERSON_FRACTION = 0.2

#: Background of a skeleton-only rendering (a landmark track without its video), RGB.
CANVAS_RGB = (38, 41, 48)


@dataclass(frozen=True)
class ModelFacts:
    """The pose model that produced the landmarks: its file name and sha256."""

    file: str
    sha256: str


@dataclass
class PoseRun:
    """What a source found.

    info:    the media, with what decoding found (real frame count, variable frame rate)
    people:  one PoseSequence per person tracked through enough of the clip, main subject first
             (the largest and most consistently present); an analysis may pick another one
    max_people / multi_person_fraction: most people seen at once; share of frames with several
    decode:  what decoding reported (truncated files); model: the model used (None: no model ran)
    frames(max_side, fast): the frames of the analysed span, upright RGB, for drawing
    segment(frame_indices): person masks of those frames (nothing for a source without media)
    live_video: an annotated video the source already wrote during the pose pass (else None)
    closer_finds: people found only by looking closer (`refind`: the person is small in the picture),
             summed over frames (0: the ordinary pass sufficed)
    """

    info: MediaInfo
    people: tuple[PoseSequence, ...]
    max_people: int = 1
    multi_person_fraction: float = 0.0
    decode: DecodeReport = field(default_factory=DecodeReport)
    model: ModelFacts | None = None
    frames: Callable[[int | None, bool], Iterator[Frame]] = lambda max_side, fast: iter(())
    segment: Callable[[Iterable[int]], Iterator[SegmentedFrame | None]] = lambda indices: iter(())
    live_video: Path | None = None
    closer_finds: int = 0


class PoseSource(Protocol):
    """Anything the pipeline can analyse."""

    def estimate(self, settings: CommonSettings, on_progress: ProgressCallback | None = None) -> PoseRun: ...


def canvas_frames(seq: PoseSequence, max_side: int | None) -> Iterator[Frame]:
    """Plain frames at the sequence's timestamps (at most `max_side` px), to draw a track on."""
    width, height = seq.frame_size
    scale = min(1.0, (max_side or max(width, height)) / max(width, height))
    w, h = max(2, int(round(width * scale))) // 2 * 2, max(2, int(round(height * scale))) // 2 * 2
    for index, time_s in zip(seq.frame_index, seq.timestamps_s, strict=True):
        image = np.empty((h, w, 3), np.uint8)
        image[:] = CANVAS_RGB
        yield Frame(int(index), float(time_s), image, w / width)


def trimmed(seq: PoseSequence, settings: CommonSettings) -> PoseSequence:
    """The rows of `seq` within [start_s, end_s] (seconds of the clip's own timeline)."""
    keep = np.ones(len(seq), dtype=bool)
    if settings.start_s is not None:
        keep &= seq.timestamps_s >= settings.start_s - 1e-9
    if settings.end_s is not None:
        keep &= seq.timestamps_s <= settings.end_s + 1e-9
    if not keep.any():
        raise UnreadableMedia(
            f"no frames in the chosen time range ({setting_ref('start_s')} - {setting_ref('end_s')}): the clip "
            f"runs from {seq.timestamps_s[0]:.2f} to {seq.timestamps_s[-1]:.2f} s"
        )
    return seq if keep.all() else seq[keep]


@dataclass
class SequenceSource:
    """People's sequences in memory (main subject first), with the media they stand for."""

    people: tuple[PoseSequence, ...]
    info: MediaInfo
    max_people: int = 1
    multi_person_fraction: float = 0.0

    def estimate(self, settings: CommonSettings, on_progress: ProgressCallback | None = None) -> PoseRun:
        if settings.capture_fps is not None:
            raise UsageError(
                f"{setting_ref('capture_fps')} cannot be applied to landmarks recorded without their video: "
                f"record them again from the clip with the capture rate given"
            )
        people = tuple(trimmed(p, settings) for p in self.people)
        main = people[0]
        if on_progress is not None:
            on_progress("pose", len(main), len(main))

        def frames(max_side: int | None, fast: bool) -> Iterator[Frame]:
            return canvas_frames(main, max_side)

        return PoseRun(
            info=replace(self.info, frames=len(main)),
            people=people,
            max_people=self.max_people,
            multi_person_fraction=self.multi_person_fraction,
            decode=DecodeReport(frames=len(main)),
            frames=frames,
        )


def media_info_for_track(path: Path, seq: PoseSequence, media: dict[str, Any] | None) -> MediaInfo:
    """The MediaInfo of a track: its recorded media facts where known, else derived from the track."""
    values = dict(media or {})
    values.update(path=str(path), kind="track", codec="landmarks")
    values.setdefault("width", seq.frame_size[0])
    values.setdefault("height", seq.frame_size[1])
    values.setdefault("fps", seq.fps)
    values.setdefault("playback_fps", seq.fps)
    values.setdefault("duration_s", float(seq.timestamps_s[-1]) if len(seq) else 0.0)
    values.setdefault("frames", len(seq))
    values.setdefault("rotation", 0)
    known = MediaInfo.__dataclass_fields__
    return MediaInfo(**{k: v for k, v in values.items() if k in known})


@dataclass
class TrackSource:
    """A recorded landmark track (`<stem>.npz`, PoseSequence.save_npz): the main subject, with other
    people from `<stem>.otherK.npz` beside it, and the media facts from `<stem>.json` beside it when
    there is one (written by bench/record_tracks.py; else given as `media`)."""

    path: Path
    media: dict[str, Any] | None = None

    def estimate(self, settings: CommonSettings, on_progress: ProgressCallback | None = None) -> PoseRun:
        path = Path(self.path)
        if not path.is_file():
            raise MediaNotFound(f"no such landmark track: {path}")
        try:
            main = PoseSequence.load_npz(path)
            others = tuple(PoseSequence.load_npz(p) for p in sorted(path.parent.glob(f"{path.stem}.other*.npz")))
        except (OSError, ValueError, KeyError) as exc:
            raise UnreadableMedia(f"{path.name} is not a formcheck landmark track ({exc})") from exc
        media, max_people, multi, closer = self.media, 1 + len(others), 0.0, 0
        meta_path = path.with_suffix(".json")
        if media is None and meta_path.is_file():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            media = meta.get("media")
            max_people = int(meta.get("max_people", max_people))
            multi = float(meta.get("multi_person_fraction", 0.0))
            closer = int(meta.get("closer_finds", 0))
        info = media_info_for_track(path, main, media)
        run = SequenceSource((main, *others), info, max_people, multi).estimate(settings, on_progress)
        return replace(run, closer_finds=closer)
