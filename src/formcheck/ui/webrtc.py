"""The camera link of the Live page (streamlit-webrtc on aiortc), without Streamlit calls.

- `RTC_CONFIGURATION`: ICE without any STUN or TURN server. The browser and this server offer their
  own addresses (host candidates): enough on the same machine (localhost) and on a local network,
  and nothing is asked of a server on the internet.
- `LiveRecorder`: streamlit-webrtc's `in_recorder_factory` product: every camera frame (not only
  those the model processed) written to an H.264 MP4 with its own timestamp, encoded in a thread so
  that the WebRTC event loop never waits for the encoder.
- `frame_rgb`: a received frame as RGB pixels, converted with the calling thread's own scaler. The
  relay hands the same frame object to the model's thread and to the recorder's, and PyAV keeps one
  scaler (SwsContext) per frame: two threads converting the same frame at once used it together and
  hung in FFmpeg's slice threads, taking the server's event loop with them (seen on 2026-12-01).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from pathlib import Path
from typing import Any

import numpy as np

from ..render.video import H264Writer

log = logging.getLogger(__name__)

#: No ICE servers at all: host candidates only (localhost and the local network).
RTC_CONFIGURATION: dict[str, Any] = {"iceServers": []}
#: What the page asks of the camera: a webcam's usual 640x480 (the model works on 256x256 anyway).
MEDIA_CONSTRAINTS: dict[str, Any] = {
    "video": {"width": {"ideal": 640}, "height": {"ideal": 480}, "frameRate": {"ideal": 30}},
    "audio": False,
}
_thread_scalers = threading.local()


def frame_rgb(frame: Any) -> np.ndarray:
    """(H, W, 3) uint8 RGB pixels of a received `av.VideoFrame`, converted by this thread's own
    `VideoReformatter` (never the frame's, which other threads may be using)."""
    from av.video.reformatter import VideoReformatter

    scaler = getattr(_thread_scalers, "scaler", None)
    if scaler is None:
        scaler = _thread_scalers.scaler = VideoReformatter()
    rgb: np.ndarray = scaler.reformat(frame, format="rgb24").to_ndarray()
    return rgb


#: Frames waiting for the encoder before new ones are dropped (about 3 s at 30 frames/s).
RECORDER_QUEUE = 90


class LiveRecorder:
    """Record the camera track to `path` (H.264 MP4, the frames' own times, starting at 0).

    frames / dropped: written, and dropped because the encoder was more than RECORDER_QUEUE frames
    behind; error: why the recording failed ('' when it did not); done: set once the file is complete
    (or has failed), after `stop()`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.frames = 0
        self.dropped = 0
        self.error = ""
        self._track: Any = None
        self._task: asyncio.Task[None] | None = None
        self.done = threading.Event()
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=RECORDER_QUEUE)
        self._thread = threading.Thread(target=self._encode, name="formcheck-live-recorder", daemon=True)

    def addTrack(self, track: Any) -> None:  # aiortc's recorder interface
        if track.kind == "video":
            self._track = track

    async def start(self) -> None:
        if self._track is None:
            self.done.set()
            return
        self._thread.start()
        self._task = asyncio.ensure_future(self._pull())

    async def _pull(self) -> None:
        from aiortc.mediastreams import MediaStreamError

        while True:
            try:
                frame = await self._track.recv()
            except MediaStreamError:
                return
            try:
                self._queue.put_nowait(frame)
            except queue.Full:
                self.dropped += 1

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._thread.is_alive():
            # Off the event loop: with the queue full, put() waits until the encoder takes a frame.
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, self._queue.put, None)
            await loop.run_in_executor(None, self._thread.join)

    def _encode(self) -> None:
        writer: H264Writer | None = None
        t0 = None
        try:
            while (frame := self._queue.get()) is not None:
                image = frame_rgb(frame)
                if writer is None:
                    h, w = image.shape[:2]
                    # x264 needs even sizes.
                    writer = H264Writer(self.path, w - w % 2, h - h % 2, 30.0, threads=1, b_frames=False)
                t = float(frame.time or 0.0)
                t0 = t if t0 is None else t0
                writer.write(image[: writer.height, : writer.width], t - t0)
                self.frames += 1
        except Exception as exc:  # a failed recording must not end the session
            self.error = f"{type(exc).__name__}: {exc}"
            log.error("live recording failed: %s", self.error)
            while self._queue.get() is not None:  # drain until stop()
                pass
        finally:
            try:
                if writer is not None:
                    writer.close()
            finally:
                self.done.set()
