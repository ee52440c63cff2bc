"""What the decoder process writes from the frames it decodes, per stream of the pose pass: the
annotated video of `kind = pose` (`live`), or the proxy the analyses draw theirs on (`proxy`)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import IO

from ..sequence import MediaInfo
from .live import LiveSkeletonVideo
from .proxy import ProxyWriter, fd_path
from .video import concat_videos


class VideoSinks:
    """The sinks of `streams` streams. With several streams the live video is written in parts
    (unnamed temporary files), joined into `live_video` by `close()`."""

    def __init__(self, info: MediaInfo, live_video: Path | None, proxy_fds: tuple[int, ...], streams: int) -> None:
        self._target = live_video
        self._parts: list[IO[bytes]] = []
        self._sinks: list[LiveSkeletonVideo | ProxyWriter | None]
        if live_video is not None:
            if streams == 1:
                self._sinks = [LiveSkeletonVideo(live_video, info)]
            else:
                self._parts = [tempfile.TemporaryFile(prefix="formcheck-live-") for _ in range(streams)]  # noqa: SIM115  # closed by close()
                self._sinks = [LiveSkeletonVideo(fd_path(f.fileno()), info) for f in self._parts]
        elif proxy_fds:
            self._sinks = [ProxyWriter(fd, info) for fd in proxy_fds[:streams]]
        else:
            self._sinks = [None] * streams

    def stream(self, k: int) -> LiveSkeletonVideo | ProxyWriter | None:
        return self._sinks[k]

    def close(self) -> None:
        """After every stream's sink is closed: join the live video's parts."""
        if self._parts and self._target is not None:
            concat_videos([fd_path(f.fileno()) for f in self._parts], self._target)
        for f in self._parts:
            f.close()
