"""Decode a video in a separate process, so that the pose pass's process does nothing but run the model.

Why a process and not a thread: mediapipe's Python API hands each frame to a dispatcher thread and
back; with decoding (and drawing) in threads of the same process those hand-offs wait for the GIL,
and the model ran 10-15% slower here. The decoder process writes each upright frame into a small
ring of shared buffers (anonymous shared memory) and, for `kind = pose`, also draws and encodes the
annotated video (`render.live`) from the people the pose pass sends back for each frame.

A long enough clip is decoded as the parts of `clip_parts` (one stream and one ring each, side by
side), one landmarker per part in the pose pass.

Use: `with DecoderProcess(info, ...) as decoder: for stream in decoder.streams(): ... stream.frames()`.
A frame's image is valid until the next frame of its stream is taken.
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .clip_parts import ClipPart, PartReports, frame_table, iter_part_frames, plan_parts
from .frames import Detection
from .media import DecodeReport, Frame, frame_shape, iter_frames, prefetch
from .sequence import MediaInfo

if TYPE_CHECKING:
    from .render.live import LiveSkeletonVideo

log = logging.getLogger(__name__)

#: Frame buffers per stream (6 MB each at 1080p): the one the model is on and the next, decoded
#: meanwhile (decoding a frame takes about a fifth of the model's time on it).
SLOTS = 2

#: One person as sent back for the live video: xy (33, 2) full-resolution pixels and visibility (33,).
Person = tuple[np.ndarray, np.ndarray]


class DecoderUnavailable(RuntimeError):
    """The decoder process could not be started here (the caller decodes in-process instead)."""


class DecoderDied(RuntimeError):
    """The decoder process ended without saying why (killed, or it could not start)."""


class FrameStream(Protocol):
    """One stream of the pose pass: its frames, the first frame index whose results are kept, and
    where the people found in each frame go (the live video, if any)."""

    keep: int

    def frames(self) -> Iterator[Frame]: ...

    def draw(self, frame: Frame, people: Sequence[Detection]) -> None: ...


class DecoderProcess:
    """A video decoded (and, with `live_video`, drawn) in a child process.

    live_video: where to write the annotated MP4 of `kind = pose`; each stream's `draw(frame, people)`
    gives the people found in the frame last taken. parts: decode the clip as `clip_parts` parts when
    it is long enough (else one stream). `streams()` gives the streams once the decoder has planned
    them; `frames()` and `draw()` are the single stream's (parts=1). `close()` waits for the video."""

    def __init__(
        self,
        info: MediaInfo,
        start_s: float | None,
        end_s: float | None,
        max_side: int | None,
        report: DecodeReport,
        live_video: Path | None = None,
        parts: int = 1,
    ) -> None:
        self.report = report
        self.live_video = live_video
        self.shape = frame_shape(info, max_side)
        self.plan: list[ClipPart] = []
        self._streams_max = max(1, parts)  # streams the decoder may plan (a ring and a connection each)
        fd = _ring_file(self._streams_max * SLOTS * int(np.prod(self.shape)))
        try:
            self._ring: list[np.ndarray] | None = _map_ring(fd, self.shape, self._streams_max * SLOTS)
            self._process, self._conns = _start(fd, self._streams_max)
        finally:
            os.close(fd)  # mapped here; the child was given its own copy of the descriptor
        self._job = (info, start_s, end_s, max_side)
        self._decoding_here: InProcessFrames | None = None  # the decoder process died at the start
        self._streams: list[FrameStream] | None = None
        with contextlib.suppress(OSError):  # a child that died at once shows up at the first message
            self._conns[0].send((self.shape, *self._job, parts, None if live_video is None else str(live_video)))

    def streams(self) -> list[FrameStream]:
        """The streams of the pose pass, in clip order (one, or the planned parts). If the decoder
        process died before planning (it could not start here: no usable Python interpreter, say),
        the frames are decoded in this process instead, without the video outputs."""
        if self._streams is not None:
            return self._streams
        try:
            message = _receive(self._conns[0], self._process)
        except DecoderDied as exc:
            log.warning("decoding in this process instead: %s", exc)
            self.live_video = None
            self._decoding_here = InProcessFrames(*self._job, self.report, parts=self._streams_max)
            self._streams = self._decoding_here.streams()
            self.plan = self._decoding_here.plan
            return self._streams
        self.plan = message[1]
        assert self._ring is not None
        if not self.plan:
            self._streams = [_RingStream(self, 0, self.report, 0, lambda: None)]
            return self._streams
        reports = PartReports(self.plan, self.report)
        self._streams = [
            _RingStream(self, k, reports.reports[k], part.keep, reports.done) for k, part in enumerate(self.plan)
        ]
        return self._streams

    def frames(self) -> Iterator[Frame]:
        """The frames of a single-stream decoder (parts=1), as `media.iter_frames` gives them."""
        (stream,) = self.streams()
        return stream.frames()

    def draw(self, frame: Frame, people: Sequence[Detection]) -> None:
        """The people found in the frame last taken (single stream), for the live video."""
        (stream,) = self.streams()
        stream.draw(frame, people)

    def close(self) -> None:
        """Wait for the decoder to finish (and the videos to be written); raise what went wrong there."""
        if self._decoding_here is None:
            message = _receive(self._conns[0], self._process)
            if message[0] != "closed":
                raise RuntimeError(f"the decoder process sent {message[0]!r} after the last frame")
        self._process.wait()
        self._release_ring()

    def __enter__(self) -> DecoderProcess:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.close()
            return
        self._process.kill()  # the pose pass failed or was interrupted: nothing more is wanted
        self._process.wait()
        self._release_ring()

    def _release_ring(self) -> None:
        self._ring = None  # the views go first; the mapping closes when the last frame is collected
        for conn in self._conns:
            conn.close()


class _RingStream:
    """Stream k of a decoder process: frames announced on its connection, read from its ring slots."""

    def __init__(
        self, decoder: DecoderProcess, k: int, report: DecodeReport, keep: int, on_end: Callable[[], None]
    ) -> None:
        self._decoder, self._k, self.report, self.keep, self._on_end = decoder, k, report, keep, on_end
        self._people: list[Person] = []

    def frames(self) -> Iterator[Frame]:
        decoder, k = self._decoder, self._k
        conn = decoder._conns[k]
        message = _receive(conn, decoder._process)
        while True:
            if message[0] == "end":
                vars(self.report).update(vars(message[1]))
                self._on_end()
                return
            _, slot, index, time_s, scale = message
            assert decoder._ring is not None  # released only after the streams
            yield Frame(index, time_s, decoder._ring[k * SLOTS + slot], scale)
            conn.send(("done", slot, self._people))
            self._people = []
            message = _receive(conn, decoder._process)

    def draw(self, frame: Frame, people: Sequence[Detection]) -> None:
        if self._decoder.live_video is not None:
            self._people = [(p.values[:, :2], p.values[:, 3]) for p in people]


def _receive(conn: Connection, process: subprocess.Popen) -> tuple:
    try:
        message = conn.recv()
    except (EOFError, ConnectionResetError, OSError):
        code = process.wait()
        raise DecoderDied(f"the decoder process stopped unexpectedly (exit code {code})") from None
    if message[0] == "error":
        raise message[1]
    return message


def _ring_file(size: int) -> int:
    """A file descriptor of `size` bytes of shared memory with no name (so nothing is left behind,
    however the processes end): memfd on Linux, else an unlinked temporary file."""
    try:
        fd = os.memfd_create("formcheck-frames")
    except (AttributeError, OSError):
        fd, path = tempfile.mkstemp(prefix="formcheck-frames-")
        os.unlink(path)
    os.ftruncate(fd, size)
    return fd


def _start(ring_fd: int, streams: int) -> tuple[subprocess.Popen, list[Connection]]:
    """Start `python -m formcheck.decoder_process` with the ring and one end of a socket pair per stream."""
    pairs = [socket.socketpair() for _ in range(streams)]
    package_root = str(Path(__file__).resolve().parents[1])  # this formcheck, however it was imported
    paths = [package_root, os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    theirs = [b.fileno() for _, b in pairs]
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "formcheck.decoder_process", str(ring_fd), ",".join(map(str, theirs))],
            pass_fds=[*theirs, ring_fd],
            stdin=subprocess.DEVNULL,
            env=env,
        )
    except OSError as exc:
        for a, _ in pairs:
            a.close()
        raise DecoderUnavailable(str(exc)) from exc
    finally:
        for _, b in pairs:
            b.close()
    return process, [Connection(a.detach()) for a, _ in pairs]


def _map_ring(fd: int, shape: tuple[int, int, int], slots: int) -> list[np.ndarray]:
    buffer = mmap.mmap(fd, slots * int(np.prod(shape)))
    frames = np.frombuffer(buffer, np.uint8).reshape(slots, *shape)
    return [frames[k] for k in range(slots)]


def _decode_stream(
    conn: Connection,
    slots: list[np.ndarray],
    make_frames: Callable[[Callable[[], np.ndarray], DecodeReport], Iterator[Frame]],
    keep: int,
    video: LiveSkeletonVideo | None,
) -> None:
    """Decode one stream into its ring slots and announce each frame; the kept frames (index >=
    keep) are drawn into the live video, if any, once their people come back. Out: ("frame", slot, index, time_s, scale), then ("end", DecodeReport);
    in: ("done", slot, people) per frame."""
    free = deque(range(len(slots)))
    waiting: dict[int, tuple[np.ndarray, float] | None] = {}  # slot -> (shrunk frame, time_s)

    def finish_one() -> None:
        _, slot, people = conn.recv()
        taken = waiting.pop(slot)
        if video is not None and taken is not None:
            video.finish(taken[0], people, taken[1])
        free.append(slot)

    report = DecodeReport()
    frames = make_frames(lambda: slots[free[0]], report)  # the next frame is written straight into a free slot
    while True:
        while not free:
            finish_one()
        frame = next(frames, None)
        if frame is None:
            break
        slot = free.popleft()
        kept = video is not None and frame.index >= keep
        waiting[slot] = (video.take(frame.image, frame.time_s), frame.time_s) if kept and video is not None else None
        conn.send(("frame", slot, frame.index, frame.time_s, frame.scale))
    conn.send(("end", report))
    while waiting:
        finish_one()
    if video is not None:
        video.close()


def _send_error(conn: Connection, exc: BaseException) -> None:
    try:
        conn.send(("error", exc))
    except Exception:
        with contextlib.suppress(Exception):
            conn.send(("error", RuntimeError(f"decoding failed: {type(exc).__name__}: {exc}")))


def decode_into_ring(conns: list[Connection], ring_fd: int) -> None:
    """The decoder process: plan the streams, decode each into its ring (a thread each), draw the live
    video. In, on stream 0's connection: the job (shape, info, start_s, end_s, max_side, parts, live
    video path or None); out: ("plan", parts) on stream 0 ([]: one stream), each stream's frames on
    its own connection (`_decode_stream`), and ("closed",) on stream 0 once the video is written.
    Errors go to the stream they happened in as ("error", exception)."""
    try:
        shape, info, start_s, end_s, max_side, parts, live_video = conns[0].recv()
        try:
            ring = _map_ring(ring_fd, shape, len(conns) * SLOTS)
        finally:
            os.close(ring_fd)
        table = frame_table(info) if parts > 1 else None
        plan = plan_parts(table, info, start_s, end_s, parts)
        conns[0].send(("plan", plan))
        live = None
        if live_video is not None:
            from .render.live import LiveVideoParts

            live = LiveVideoParts(live_video, info, streams=len(plan) or 1)

        def make_frames(k: int) -> Callable[[Callable[[], np.ndarray], DecodeReport], Iterator[Frame]]:
            def frames(into: Callable[[], np.ndarray], report: DecodeReport) -> Iterator[Frame]:
                if plan:
                    assert table is not None
                    return iter_part_frames(info, table, plan[k], max_side, report, into=into)
                return iter_frames(info, start_s, end_s, max_side, report, threads=1, into=into)

            return frames

        failed: list[BaseException] = []

        def run(k: int) -> None:
            try:
                slots = ring[k * SLOTS : (k + 1) * SLOTS]
                video = live.parts[k] if live is not None else None
                _decode_stream(conns[k], slots, make_frames(k), plan[k].keep if plan else 0, video)
            except (KeyboardInterrupt, EOFError, BrokenPipeError, ConnectionResetError) as exc:
                failed.append(exc)  # interrupted, or the pose pass stopped early: it has what it needs
            except BaseException as exc:  # handed to the pose pass, raised there
                failed.append(exc)
                _send_error(conns[k], exc)

        threads = [threading.Thread(target=run, args=(k,), daemon=True) for k in range(len(plan) or 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failed:
            return
        if live is not None:
            live.close()
        conns[0].send(("closed",))
    except (KeyboardInterrupt, EOFError, BrokenPipeError, ConnectionResetError):
        pass  # interrupted, or the pose pass stopped early
    except BaseException as exc:  # handed to the pose pass, raised there
        _send_error(conns[0], exc)


class _LocalStream:
    """One stream decoded in this process (a thread ahead of the model); nothing is drawn."""

    def __init__(self, frames: Iterator[Frame], keep: int) -> None:
        self._frames = frames
        self.keep = keep

    def frames(self) -> Iterator[Frame]:
        return self._frames

    def draw(self, frame: Frame, people: Sequence[Detection]) -> None:
        pass


class InProcessFrames:
    """The fallback (and the path for photos): decode in threads of this process, one per stream
    (the same parts as the decoder process would plan). No video outputs: the annotated video is
    then drawn after the analysis, from the clip."""

    live_video = None

    def __init__(
        self,
        info: MediaInfo,
        start_s: float | None,
        end_s: float | None,
        max_side: int | None,
        report: DecodeReport,
        parts: int = 1,
    ) -> None:
        self.report = report
        self._job = (info, start_s, end_s, max_side)
        self._parts = parts
        self._streams: list[FrameStream] | None = None
        self.plan: list[ClipPart] = []

    def streams(self) -> list[FrameStream]:
        if self._streams is not None:
            return self._streams
        info, start_s, end_s, max_side = self._job
        table = frame_table(info) if self._parts > 1 and not info.is_photo else None
        self.plan = plan_parts(table, info, start_s, end_s, self._parts)
        if not self.plan:
            frames = iter_frames(info, start_s, end_s, max_side, self.report)
            self._streams = [_LocalStream(frames if info.is_photo else prefetch(frames), 0)]
            return self._streams
        assert table is not None
        reports = PartReports(self.plan, self.report)

        def part_frames(k: int) -> Iterator[Frame]:
            yield from iter_part_frames(info, table, self.plan[k], max_side, reports.reports[k], threads=1)
            reports.done()

        self._streams = [_LocalStream(prefetch(part_frames(k)), part.keep) for k, part in enumerate(self.plan)]
        return self._streams

    def frames(self) -> Iterator[Frame]:
        (stream,) = self.streams()
        return stream.frames()

    def draw(self, frame: Frame, people: Sequence[Detection]) -> None:
        pass

    def __enter__(self) -> InProcessFrames:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def open_frames(
    info: MediaInfo,
    start_s: float | None,
    end_s: float | None,
    max_side: int | None,
    report: DecodeReport,
    live_video: Path | None = None,
    parts: int = 1,
) -> DecoderProcess | InProcessFrames:
    """The frames of the pose pass: from a decoder process for a video (drawing `live_video` if
    given), else decoded in this process."""
    if not info.is_photo:
        try:
            return DecoderProcess(info, start_s, end_s, max_side, report, live_video, parts)
        except DecoderUnavailable as exc:
            log.info("decoding in this process (no decoder process: %s)", exc)
    return InProcessFrames(info, start_s, end_s, max_side, report, parts)


if __name__ == "__main__":
    decode_into_ring([Connection(int(fd)) for fd in sys.argv[2].split(",")], int(sys.argv[1]))
