"""A video's frame table and its split into parts that are pose-estimated side by side.

The pose model runs on one core. To use both cores, a long enough clip is cut into two parts, each
decoded by its own stream and run through its own landmarker, at the same time. With one person in
view the landmarker finds the person afresh on every frame (no state: the parts give exactly the
landmarks of one stream); with two people it follows them from frame to frame, so the second part
starts `WARMUP_FRAMES` frames early and its landmarker has picked them up by its first kept frame.

Where each part starts must not depend on decoding, so the frame table is read from the container's
packets (no decoding): every frame's presentation timestamp, hence its index and time exactly as
`media.iter_frames` gives them. A part's stream seeks to its first frame and checks each decoded
frame against the table (`PartMismatch` if the file does not decode as its packets say; the caller
then runs the clip as one part).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .frames import DecodeReport, Frame
from .media import _downscale_size, _open_container, _Upright
from .sequence import MediaInfo

#: Parts a clip is cut into (one landmarker each); fixed, so that the landmarks never depend on the machine.
PARTS = 2
#: A part has at least this many kept frames (shorter clips run as one part: a second landmarker's
#: start-up, about 0.1 s, would not pay back).
MIN_PART_FRAMES = 60
#: Frames a later part is decoded and tracked before its first kept frame.
WARMUP_FRAMES = 5


class PartMismatch(RuntimeError):
    """A part's stream did not decode the frames the container's table lists."""


@dataclass(frozen=True)
class FrameTable:
    """Every frame of a video in presentation order, from the container's packets.

    pts: (N,) int64 presentation timestamps, strictly increasing, in `time_base` units.
    index_of: pts -> frame index (0-based from the file's first frame, as `Frame.index`).
    """

    pts: np.ndarray
    time_base: Fraction
    index_of: dict[int, int]

    def __len__(self) -> int:
        return len(self.pts)

    def container_times_s(self) -> np.ndarray:
        """(N,) seconds since the first frame, in the file's own time (as PyAV's `frame.time` minus the first)."""
        num, den = self.time_base.numerator, self.time_base.denominator
        raw = np.array([float(p) * num / den for p in self.pts.tolist()])
        return raw - raw[0]


def frame_table(info: MediaInfo) -> FrameTable | None:
    """The frame table of a video, or None when its packets do not give every frame its own
    timestamp (then the clip is not split)."""
    container = _open_container(Path(info.path))
    try:
        stream = container.streams.video[0]
        if stream.time_base is None:
            return None
        pts: list[int] = []
        for packet in container.demux(stream):
            if packet.size == 0:
                continue  # the demuxer's end-of-stream marker
            if packet.pts is None:
                return None
            pts.append(int(packet.pts))
        time_base = Fraction(stream.time_base.numerator, stream.time_base.denominator)
    except Exception:  # any damage: decode the clip as one part, which reports it
        return None
    finally:
        container.close()
    if len(pts) < 2:
        return None
    ordered = np.sort(np.asarray(pts, dtype=np.int64))
    if np.any(np.diff(ordered) <= 0):
        return None  # repeated timestamps: frames cannot be told apart by their time
    return FrameTable(ordered, time_base, {int(p): i for i, p in enumerate(ordered.tolist())})


@dataclass(frozen=True)
class ClipPart:
    """Frames [first, end) of a video (file frame indices), of which [keep, end) are kept.

    times_s: the real-time seconds of frames [first, end), as `media.iter_frames` gives them.
    number: 0 for the part that starts the span (decoded from the file's start, no seeking).
    """

    number: int
    first: int
    keep: int
    end: int
    times_s: tuple[float, ...]

    @property
    def kept(self) -> int:
        return self.end - self.keep

    def time_of(self, index: int) -> float:
        return self.times_s[index - self.first]


def span_times(
    table: FrameTable, info: MediaInfo, start_s: float | None, end_s: float | None
) -> tuple[int, np.ndarray]:
    """(file index of the span's first frame, real-time seconds of the span's frames) with the
    trimming and the strictly-increasing rule of `media.iter_frames`."""
    file_t = table.container_times_s()
    keep = np.ones(len(file_t), dtype=bool)
    if start_s is not None:
        keep &= file_t >= start_s - 1e-9
    if end_s is not None:
        keep &= np.cumsum(file_t > end_s + 1e-9) == 0  # iter_frames stops at the first frame past the end
    indices = np.flatnonzero(keep)
    if not len(indices) or np.any(np.diff(indices) != 1):
        return 0, np.empty(0)
    times, prev = [], -np.inf
    for t in (file_t[indices] * info.time_scale).tolist():
        if t <= prev:
            t = prev + 1e-6
        times.append(t)
        prev = t
    return int(indices[0]), np.asarray(times)


def plan_parts(
    table: FrameTable | None, info: MediaInfo, start_s: float | None, end_s: float | None, parts: int = PARTS
) -> list[ClipPart]:
    """The parts of the analysed span, in order; [] when the clip runs as one ordinary stream (too
    short, or no usable frame table)."""
    if table is None or parts < 2:
        return []
    first, times = span_times(table, info, start_s, end_s)
    n = len(times)
    if n < parts * MIN_PART_FRAMES:
        return []
    # Later parts also decode and track their warm-up frames: split so that the work is even.
    bounds = [first + round(k * (n + (parts - 1) * WARMUP_FRAMES) / parts) for k in range(parts)] + [first + n]
    plan = []
    for k in range(parts):
        keep, end = bounds[k], bounds[k + 1]
        start = keep if k == 0 else keep - WARMUP_FRAMES
        plan.append(ClipPart(k, start, keep, end, tuple(times[start - first : end - first].tolist())))
    return plan


def rest_of(plan: list[ClipPart], k: int) -> ClipPart:
    """The frames after part k to the end of the span, as one part (for part k's landmarker to go on)."""
    later = plan[k + 1 :]
    times = [t for part in later for t in part.times_s[part.keep - part.first :]]
    return ClipPart(k + 1, plan[k].end, plan[k].end, plan[-1].end, tuple(times))


def iter_part_frames(
    info: MediaInfo,
    table: FrameTable,
    part: ClipPart,
    max_side: int | None,
    report: DecodeReport,
    threads: int = 1,
    into: Callable[[], np.ndarray] | None = None,
) -> Iterator[Frame]:
    """The frames [part.first, part.end) of a video, upright RGB as `media.iter_frames` gives them.

    The first part decodes from the file's start; later ones seek to the keyframe before their
    first frame. Every decoded frame is checked against the table (`PartMismatch`). `report` counts
    the kept frames; a decoding error ends the part (truncated) as in `iter_frames`."""
    import av

    container = _open_container(Path(info.path))
    try:
        stream = container.streams.video[0]
        stream.thread_type = "FRAME"
        stream.thread_count = threads
        k = (info.rotation // 90) % 4
        stored_w, stored_h = (info.height, info.width) if k % 2 else (info.width, info.height)
        out_w, out_h, scale = _downscale_size(stored_w, stored_h, max_side)
        upright = _Upright(k, (out_w, out_h) if scale != 1.0 else None, False, into)
        first_pts = int(table.pts[part.first])
        if part.number > 0:
            container.seek(first_pts, stream=stream, backward=True, any_frame=False)
        previous: int | None = None
        frames = decoded_frames(container, stream, first_pts if part.number > 0 else None)
        while True:
            try:
                vframe = next(frames)
            except StopIteration:
                break
            except av.error.FFmpegError as exc:
                report.truncated, report.error = True, str(exc)
                break
            index = table.index_of.get(-1 if vframe.pts is None else int(vframe.pts))
            if previous is None:
                starts_right = index == 0 if part.number == 0 else index is not None and index <= part.first
            if index is None:
                raise PartMismatch(f"frame (pts {vframe.pts}) is not in the container's frame table")
            # Before a later part's first frame, the frames nothing refers to were not decoded.
            skipped_before_part = part.number > 0 and previous is not None and previous < index <= part.first
            if (previous is None and not starts_right) or (
                previous is not None and index != previous + 1 and not skipped_before_part
            ):
                raise PartMismatch(f"frame (pts {vframe.pts}) decoded out of the order of the container's frame table")
            previous = index
            if index < part.first:
                continue  # before the part (the first part also skips the frames before `start_s`)
            if index >= part.end:
                break
            rgb = upright(vframe.to_ndarray(format="rgb24"))
            if index >= part.keep:
                report.frames += 1
                report.last_time_s = part.time_of(index)
            yield Frame(index, part.time_of(index), rgb, scale)
    finally:
        container.close()
    if not report.truncated and (previous is None or previous + 1 < part.end):
        raise PartMismatch(f"the part ended before frame {part.end}, which the container's frame table lists")


def decoded_frames(container: Any, stream: Any, skip_before_pts: int | None = None) -> Iterator[Any]:
    """The stream's frames (PyAV VideoFrames) from where the container is. skip_before_pts: up to the
    first packet at or after this timestamp, frames that no other frame is predicted from (FFmpeg's
    non-reference frames: most B-frames) are not decoded at all. A later part seeks to the keyframe
    before its first frame and shows none of the frames before it; skipping the ones that nothing
    refers to leaves every later frame's pixels as they were (measured: about half of the 60 fps
    treadmill clip's frames, whose later part starts 191 frames after its keyframe)."""
    codec = stream.codec_context
    skipping = skip_before_pts is not None
    if skipping:
        codec.skip_frame = "NONREF"
    try:
        for packet in container.demux(stream):
            if skipping and (packet.pts is None or packet.pts >= skip_before_pts):  # None: the final flush
                codec.skip_frame = "DEFAULT"
                skipping = False
            yield from packet.decode()
    finally:
        if skipping:
            codec.skip_frame = "DEFAULT"


def merge_part_reports(plan: list[ClipPart], reports: list[DecodeReport]) -> DecodeReport:
    """The decode report of the whole span from its parts' reports (kept frames, in order). A part
    that ended early before the last one leaves a gap: `PartMismatch` (the clip is then run as one
    stream, which reports the damage as usual)."""
    merged = DecodeReport()
    times: list[float] = []
    for k, (part, report) in enumerate(zip(plan, reports, strict=True)):
        if k < len(plan) - 1 and report.frames < part.kept:
            raise PartMismatch(f"part {k} ended after {report.frames} of its {part.kept} frames")
        merged.frames += report.frames
        offset = part.keep - part.first
        times.extend(part.times_s[offset : offset + report.frames])
        merged.truncated, merged.error = report.truncated, report.error
    merged.last_time_s = times[-1] if times else 0.0
    merged.intervals_s = np.diff(times).tolist()
    return merged


class PartReports:
    """The parts' decode reports as they come in (from their threads); the whole span's report is
    filled in when the last one is in."""

    def __init__(self, plan: list[ClipPart], report: DecodeReport) -> None:
        self.plan, self.report = plan, report
        self.reports = [DecodeReport() for _ in plan]
        self._left = len(plan)
        self._lock = threading.Lock()

    def done(self) -> None:
        with self._lock:
            self._left -= 1
            if self._left == 0:
                vars(self.report).update(vars(merge_part_reports(self.plan, self.reports)))
