"""The live plank coach's loop, without a front end: camera frame (RGB) -> pose model -> the plank
frame by frame (`kinds.plank.live.LivePlank`) -> the frame with its overlay drawn.

`LiveCoach.process(image, time_s)` is called by one thread (the Live page's WebRTC worker, or
bench/live_loop.py) with the newest frame only: that caller drops the frames that arrive while the
model is busy, so nothing queues. `snapshot()` may be called from any thread (the page's timer).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from .config import CommonSettings
from .frames import Frame
from .kinds.plank.hold import HoldState
from .kinds.plank.live import LiveFrame, LivePlank, LiveSummary
from .kinds.plank.overlay import clock
from .model import ModelBundle, load_model
from .overlay import Drawing, Role
from .pose import PoseEstimator
from .render.draw import annotate

log = logging.getLogger(__name__)

#: Frames per second and latency are averaged over this many recent frames.
RATE_WINDOW = 30
#: Default target hold (s): "build up to a minute or more" (kinds/plank/thresholds.SRC_SEED).
DEFAULT_TARGET_S = 60.0


@dataclass(frozen=True)
class CoachSnapshot:
    """What the page shows, as of the newest processed frame.

    state: the hold state machine's state (None before the first frame); cue / cue_key: the advice
    (the key changes when the advice does); variant: the plank variant (None while deciding);
    target_s: the target hold; target_reached: the running (or last) hold reached it;
    frames: frames processed; fps: frames processed per second (recent); latency_ms: time from a
    frame's arrival to its overlay being drawn (recent mean); error: a one-line message when the last
    frame failed."""

    state: HoldState | None
    cue: str
    cue_key: str
    variant: str | None
    target_s: float
    target_reached: bool
    frames: int
    fps: float
    latency_ms: float
    error: str = ""


class LiveCoach:
    """One live session: the pose model (opened on the first frame, in the thread that processes
    frames), the plank coach, timing figures. variant: 'auto' or a plank variant; target_s: seconds."""

    def __init__(
        self,
        variant: str = "auto",
        target_s: float = DEFAULT_TARGET_S,
        settings: CommonSettings = CommonSettings(),
        model: ModelBundle | None = None,
    ) -> None:
        self.variant = variant
        self.target_s = float(target_s)
        self.settings = settings
        self._model = model
        self._estimator: PoseEstimator | None = None
        self._plank: LivePlank | None = None
        self._lock = threading.Lock()  # the snapshot's figures
        self._model_lock = threading.Lock()  # the model: frames and the end of the session
        self._last: LiveFrame | None = None
        self._t0: float | None = None
        self._done: deque[float] = deque(maxlen=RATE_WINDOW)
        self._latency: deque[float] = deque(maxlen=RATE_WINDOW)
        self._frames = 0
        self._reached = False
        self._error = ""
        self._closed = False

    # -- the worker thread -------------------------------------------------------------------------
    def process(self, image: np.ndarray, time_s: float, arrived: float | None = None) -> np.ndarray:
        """Run the model and the coach on one frame ((H, W, 3) uint8 RGB, its time in seconds) and
        draw the overlay on it (in place; returned). arrived: time.perf_counter() when the frame came
        (default: now), for the latency figure. A failure is logged and reported in the snapshot; the
        frame is then returned as it came."""
        arrived = time.perf_counter() if arrived is None else arrived
        try:
            with self._model_lock:
                frame = self._coach(image, time_s)
        except Exception as exc:  # a broken frame must not end the session: say it and go on
            message = f"{type(exc).__name__}: {exc}"
            if message != self._error:
                log.error("live coach: frame at %.2f s failed: %s", time_s, message)
            with self._lock:
                self._error = message
            return image
        drawing = self.drawing(frame)
        annotate(image, drawing, 1.0)
        done = time.perf_counter()
        with self._lock:
            self._last, self._error = frame, ""
            self._frames += 1
            self._done.append(done)
            self._latency.append(done - arrived)
            if frame.state.holding and frame.state.hold_s >= self.target_s - 1e-9:
                self._reached = True
        return image

    def _coach(self, image: np.ndarray, time_s: float) -> LiveFrame:
        if self._closed:
            raise RuntimeError("the session has ended: press Start for a new one")
        h, w = image.shape[:2]
        if self._plank is None:
            self._plank = LivePlank((w, h), variant=self.variant, settings=self.settings)
            self._t0 = time_s
            # One person: the landmarker then tracks them from frame to frame.
            self._estimator = PoseEstimator(
                self._model or load_model(self.settings.model_path), video=True, num_poses=1
            )
        assert self._estimator is not None and self._t0 is not None
        t = time_s - self._t0
        people, _ = self._estimator.detect(Frame(self._frames, t, image), w, h)
        if people:
            values = max(people, key=lambda p: p.size).values
            xy, vis = values[:, :2].astype(float), values[:, 3].astype(float)
        else:
            xy, vis = np.full((33, 2), np.nan), np.zeros(33)
        return self._plank.push(t, xy, vis)

    def drawing(self, frame: LiveFrame) -> Drawing:
        """The frame's overlay: the plank overlay (body line coloured by form, hold and good-form time,
        the fault), the cue at the bottom and the target."""
        drawing = frame.overlay.drawing(0)
        state = frame.state
        role: Role = "good" if frame.cue_key == "good" else ("warning" if state.severity == "warning" else "text")
        drawing.footer.append((frame.cue, role))
        if self._reached or (state.holding and state.hold_s >= self.target_s - 1e-9):
            drawing.panel.append((f"TARGET {clock(self.target_s)} REACHED", "good"))
        else:
            drawing.panel.append((f"target {clock(self.target_s)}", "muted"))
        return drawing

    # -- any thread --------------------------------------------------------------------------------
    def snapshot(self) -> CoachSnapshot:
        with self._lock:
            last, done, latency = self._last, list(self._done), list(self._latency)
            fps = (len(done) - 1) / (done[-1] - done[0]) if len(done) > 1 and done[-1] > done[0] else 0.0
            return CoachSnapshot(
                state=last.state if last else None,
                cue=last.cue if last else "press Start and get into your plank, side-on to the camera",
                cue_key=last.cue_key if last else "start",
                variant=last.variant if last else None,
                target_s=self.target_s,
                target_reached=self._reached,
                frames=self._frames,
                fps=fps,
                latency_ms=1000.0 * float(np.mean(latency)) if latency else 0.0,
                error=self._error,
            )

    def finish(self) -> LiveSummary | None:
        """End the session: close the model and summarise (None when no frame was processed).
        Call after the worker has stopped sending frames."""
        with self._model_lock:
            self._closed = True
            if self._estimator is not None:
                self._estimator.close()
                self._estimator = None
            return self._plank.summary() if self._plank is not None else None
