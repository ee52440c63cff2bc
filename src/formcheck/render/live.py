"""The annotated video of `kind = pose`, drawn frame by frame while the pose pass runs.

It is drawn in the decoder process (`decoder_process`), from the frames it has decoded anyway and
the people the pose pass sends back, so the clip is decoded once and the model's process does
nothing else. What it shows is what the model found in each frame: every person, raw landmarks
coloured by visibility (the cleaned track of the subject exists only once the whole clip is done).
The analyses (wall, plank, running) draw their overlays after the analysis, in `annotated`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import numpy as np

from ..sequence import MediaInfo
from .skeleton import draw_skeleton
from .style import put_clock
from .video import OUTPUT_MAX_SIDE, H264Writer, concat_videos, output_size, shrink

#: One person as sent by the pose pass: xy (33, 2) full-resolution pixels and visibility (33,).
Person = tuple[np.ndarray, np.ndarray]


class LiveSkeletonVideo:
    """`take(image, time_s)` each decoded frame as it comes (a shrunk copy is kept), then
    `finish(shrunk, people, time_s)` once its people are known (in frame order); `close()` finishes
    the file. path: a file path, or `/proc/self/fd/N` of an unnamed temporary file."""

    def __init__(self, path: str | Path, info: MediaInfo) -> None:
        self.info = info
        self.width, self.height, _ = output_size(info.width, info.height, OUTPUT_MAX_SIDE)
        self.scale = self.width / info.width  # output pixels per full-resolution pixel
        # One encoder thread, no B-frames: the other core runs the model, whose process needs the memory.
        self._writer = H264Writer(
            path, self.width, self.height, info.playback_fps or info.fps, threads=1, b_frames=False
        )
        self.frames = 0

    def take(self, image: np.ndarray, time_s: float) -> np.ndarray:
        """A copy of an upright (H, W, 3) RGB frame at the output size."""
        return shrink(image, self.width, self.height)

    def finish(self, shrunk: np.ndarray, people: Sequence[Person], time_s: float) -> None:
        """Draw the people and the clock on a shrunk frame and encode it. time_s: real-time seconds."""
        for xy, visibility in people:
            draw_skeleton(shrunk, xy * self.scale, visibility)
        put_clock(shrunk, time_s)
        self._writer.write(shrunk, time_s / self.info.time_scale)  # the file's own timing, as the source
        self.frames += 1

    def close(self) -> None:
        self._writer.close()


def fd_path(fd: int) -> str:
    """A path that opens file descriptor `fd` of this process (Linux), for FFmpeg."""
    return f"/proc/self/fd/{fd}"


class LiveVideoParts:
    """The live video of a pose pass in `streams` streams: one `LiveSkeletonVideo` per stream, written
    to `path` directly (one stream) or in parts (unnamed temporary files, gone however the process
    ends) that `close()` joins into `path` once every part is closed."""

    def __init__(self, path: str | Path, info: MediaInfo, streams: int) -> None:
        self._target = path
        self._files: list[IO[bytes]] = []
        if streams == 1:
            self.parts = [LiveSkeletonVideo(path, info)]
            return
        self._files = [tempfile.TemporaryFile(prefix="formcheck-live-") for _ in range(streams)]  # noqa: SIM115
        self.parts = [LiveSkeletonVideo(fd_path(f.fileno()), info) for f in self._files]

    def close(self) -> None:
        if self._files:
            concat_videos([fd_path(f.fileno()) for f in self._files], self._target)
        for f in self._files:
            f.close()
