"""The proxy: a downscaled copy of the clip, made by the decoder process during the pose pass, that
the analyses' annotated video is drawn on afterwards (so the clip is decoded once, at full
resolution, for the model, and the video pass decodes a small, quick-to-decode stream instead).

The copy is at the annotated video's own size (`video.OUTPUT_MAX_SIDE`) and near-lossless (x264
`ultrafast`, constant quality `PROXY_CRF`), in unnamed temporary files (one per stream of the pose
pass): they take disk space, not memory (about 15-40 kB a frame at 720x1280), and disappear with
the last file descriptor, however the processes end.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from ..sequence import MediaInfo
from .video import OUTPUT_MAX_SIDE, H264Writer, output_size, shrink

#: x264 constant-quality factor of the proxy (0 lossless, 51 worst; 23 is the annotated video's own).
PROXY_CRF = 14


def fd_path(fd: int) -> str:
    """A path that opens file descriptor `fd` of this process (Linux), for FFmpeg."""
    return f"/proc/self/fd/{fd}"


def proxy_supported() -> bool:
    """Whether unnamed temporary files can be reopened by path here (Linux's /proc/self/fd)."""
    return Path("/proc/self/fd").is_dir()


class ProxyFiles:
    """The unnamed temporary files a proxy is written into, one per stream; kept open by this object
    (the files are gone once it is closed or collected)."""

    def __init__(self, streams: int) -> None:
        self._files = [tempfile.TemporaryFile(prefix="formcheck-proxy-") for _ in range(streams)]  # noqa: SIM115  # held open by this object

    @property
    def fds(self) -> tuple[int, ...]:
        return tuple(f.fileno() for f in self._files)

    def images(self, streams: int) -> Iterator[np.ndarray]:
        """The proxy's frames, (H, W, 3) uint8 RGB, the first `streams` files one after the other."""
        for f in self._files[:streams]:
            with av.open(fd_path(f.fileno()), format="mp4") as container:
                stream = container.streams.video[0]
                stream.thread_type = "FRAME"
                for frame in container.decode(stream):
                    yield frame.to_ndarray(format="rgb24")

    def close(self) -> None:
        for f in self._files:
            f.close()
        self._files = []


class ProxyWriter:
    """Writes one stream's kept frames, shrunk to the annotated video's size, into file descriptor
    `fd` (`take(image, time_s)` per frame, in order; `close()` at the end)."""

    def __init__(self, fd: int, info: MediaInfo) -> None:
        self.width, self.height, _ = output_size(info.width, info.height, OUTPUT_MAX_SIDE)
        os.ftruncate(fd, 0)
        self._writer = H264Writer(
            fd_path(fd),
            self.width,
            self.height,
            info.playback_fps or info.fps,
            crf=PROXY_CRF,
            preset="ultrafast",
            threads=1,
            b_frames=False,
            faststart=False,
        )
        self._n = 0

    def take(self, image: np.ndarray, time_s: float) -> None:
        frame = shrink(image, self.width, self.height) if image.shape[:2] != (self.height, self.width) else image
        self._writer.write(frame, self._n / 1000.0)  # frames in order; their times live in the pose pass
        self._n += 1

    def finish(self, taken: object, people: object, time_s: float) -> None:
        pass

    def close(self) -> None:
        self._writer.close()
