"""Decode a video in a separate process, so that the pose pass's process does nothing but run the model.

Why a process and not a thread: mediapipe's Python API hands each frame to a dispatcher thread and
back; with decoding (and drawing) in threads of the same process those hand-offs wait for the GIL,
and the model ran 10-15% slower here. The decoder process writes each upright frame into a small
ring of shared buffers (anonymous shared memory) and, for `kind = pose`, also draws and encodes the
annotated video (`render.live`) from the people the pose pass sends back for each frame.

Use: `with DecoderProcess(info, ...) as decoder: for frame in decoder.frames(): ...`. A frame's image
is valid until the next frame is taken.
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
from collections import deque
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

from .frames import Detection
from .media import DecodeReport, Frame, frame_shape, iter_frames, prefetch
from .sequence import MediaInfo

log = logging.getLogger(__name__)

#: Frames decoded ahead of the model.
SLOTS = 3


class DecoderUnavailable(RuntimeError):
    """The decoder process could not be started here (the caller decodes in-process instead)."""


class DecoderDied(RuntimeError):
    """The decoder process ended without saying why (killed, or it could not start)."""


class DecoderProcess:
    """A video decoded (and, with `live_video`, drawn) in a child process.

    live_video: where to write the annotated MP4 of `kind = pose`; `draw(frame, people)` gives the
    people found in the frame last taken. `close()` waits for the video to be finished.
    """

    def __init__(
        self,
        info: MediaInfo,
        start_s: float | None,
        end_s: float | None,
        max_side: int | None,
        report: DecodeReport,
        live_video: Path | None = None,
    ) -> None:
        self.report = report
        self.live_video = live_video
        self.shape = frame_shape(info, max_side)
        self._people: list[tuple[np.ndarray, np.ndarray]] = []
        fd = _ring_file(SLOTS * int(np.prod(self.shape)))
        try:
            self._ring: list[np.ndarray] | None = _map_ring(fd, self.shape, SLOTS)
            self._process, self._conn = _start(fd)
        finally:
            os.close(fd)  # mapped here; the child was given its own copy of the descriptor
        self._job = (info, start_s, end_s, max_side)
        self._decoding_here = False  # the decoder process died at the start: frames are decoded here
        with contextlib.suppress(OSError):  # a child that died at once shows up at the first frame
            self._conn.send((self.shape, *self._job, None if live_video is None else str(live_video)))

    def frames(self) -> Iterator[Frame]:
        """Upright RGB frames, as `media.iter_frames` gives them (the decode report is filled in at the end).

        If the decoder process dies before its first frame (it could not start here: no usable
        Python interpreter, say), the frames are decoded in this process instead, without live video."""
        try:
            message = self._receive()
        except DecoderDied as exc:
            log.warning("decoding in this process instead: %s", exc)
            self.live_video, self._decoding_here = None, True
            yield from InProcessFrames(*self._job, self.report).frames()
            return
        while True:
            if message[0] == "end":
                vars(self.report).update(vars(message[1]))
                return
            _, slot, index, time_s, scale = message
            assert self._ring is not None  # released only after the stream
            yield Frame(index, time_s, self._ring[slot], scale)
            self._conn.send(("done", slot, self._people))
            self._people = []
            message = self._receive()

    def draw(self, frame: Frame, people: Sequence[Detection]) -> None:
        """The people found in the frame last taken, for the live video (sent when the next frame is taken)."""
        if self.live_video is not None:
            self._people = [(p.values[:, :2], p.values[:, 3]) for p in people]

    def close(self) -> None:
        """Wait for the decoder to finish (and the live video to be written); raise what went wrong there."""
        if not self._decoding_here:
            message = self._receive()
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

    def _receive(self) -> tuple:
        try:
            message = self._conn.recv()
        except (EOFError, ConnectionResetError):
            code = self._process.wait()
            raise DecoderDied(f"the decoder process stopped unexpectedly (exit code {code})") from None
        if message[0] == "error":
            raise message[1]
        return message

    def _release_ring(self) -> None:
        self._ring = None  # the views go first; the mapping closes when the last frame is collected
        self._conn.close()


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


def _start(ring_fd: int) -> tuple[subprocess.Popen, Connection]:
    """Start `python -m formcheck.decoder_process` with the ring and one end of a socket pair."""
    ours, theirs = socket.socketpair()
    package_root = str(Path(__file__).resolve().parents[1])  # this formcheck, however it was imported
    paths = [package_root, os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "formcheck.decoder_process", str(theirs.fileno()), str(ring_fd)],
            pass_fds=[theirs.fileno(), ring_fd],
            stdin=subprocess.DEVNULL,
            env=env,
        )
    except OSError as exc:
        ours.close()
        raise DecoderUnavailable(str(exc)) from exc
    finally:
        theirs.close()
    return process, Connection(ours.detach())


def _map_ring(fd: int, shape: tuple[int, int, int], slots: int) -> list[np.ndarray]:
    buffer = mmap.mmap(fd, slots * int(np.prod(shape)))
    frames = np.frombuffer(buffer, np.uint8).reshape(slots, *shape)
    return [frames[k] for k in range(slots)]


def decode_into_ring(conn: Connection, ring_fd: int) -> None:
    """The decoder process: decode into the ring, announce each frame, draw the live video from the
    people sent back. Messages in: the job (shape, info, start_s, end_s, max_side, live video path),
    then ("done", slot, people) per frame; out: ("frame", slot, index, time_s, scale),
    ("end", DecodeReport), ("closed",), or ("error", exception)."""
    try:
        shape, info, start_s, end_s, max_side, live_video = conn.recv()
        try:
            ring = _map_ring(ring_fd, shape, SLOTS)
        finally:
            os.close(ring_fd)
        video = None
        if live_video is not None:
            from .render.live import LiveSkeletonVideo

            video = LiveSkeletonVideo(live_video, info)
        free = deque(range(SLOTS))
        waiting: dict[int, tuple[np.ndarray | None, float]] = {}  # slot -> (shrunk frame, time_s)

        def finish_one() -> None:
            _, slot, people = conn.recv()
            shrunk, time_s = waiting.pop(slot)
            if video is not None and shrunk is not None:
                video.draw(shrunk, people, time_s)
            free.append(slot)

        report = DecodeReport()
        frames = iter_frames(info, start_s, end_s, max_side, report, threads=1, into=lambda: ring[free[0]])
        while True:
            while not free:  # a free slot before decoding: the next frame is written straight into it
                finish_one()
            frame = next(frames, None)
            if frame is None:
                break
            slot = free.popleft()
            waiting[slot] = (video.shrink(frame.image) if video is not None else None, frame.time_s)
            conn.send(("frame", slot, frame.index, frame.time_s, frame.scale))
        conn.send(("end", report))
        while waiting:
            finish_one()
        if video is not None:
            video.close()
        conn.send(("closed",))
    except (KeyboardInterrupt, EOFError, BrokenPipeError):
        pass  # interrupted, or the pose pass stopped early: it has what it needs
    except BaseException as exc:  # handed to the pose pass, raised there
        try:
            conn.send(("error", exc))
        except Exception:
            with contextlib.suppress(Exception):
                conn.send(("error", RuntimeError(f"decoding failed: {type(exc).__name__}: {exc}")))


class InProcessFrames:
    """The fallback (and the path for photos): decode in a thread of this process. No live video:
    the annotated video is then drawn after the analysis."""

    live_video = None

    def __init__(
        self, info: MediaInfo, start_s: float | None, end_s: float | None, max_side: int | None, report: DecodeReport
    ) -> None:
        frames = iter_frames(info, start_s, end_s, max_side, report)
        self._frames = frames if info.is_photo else prefetch(frames)

    def frames(self) -> Iterator[Frame]:
        return self._frames

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
) -> DecoderProcess | InProcessFrames:
    """The frames of the pose pass: from a decoder process for a video (drawing `live_video` if
    given), else decoded in this process."""
    if not info.is_photo:
        try:
            return DecoderProcess(info, start_s, end_s, max_side, report, live_video)
        except DecoderUnavailable as exc:
            log.info("decoding in this process (no decoder process: %s)", exc)
    return InProcessFrames(info, start_s, end_s, max_side, report)


if __name__ == "__main__":
    decode_into_ring(Connection(int(sys.argv[1])), int(sys.argv[2]))
