"""The live plank coach's loop on this machine: frames per second kept and frame-to-overlay latency.

    python bench/live_loop.py [CLIP] [--side 640] [--seconds 0]

A camera is played by a thread that decodes CLIP (default: the pike plank sample) and offers each
frame at its real time, downscaled so that its longer side is --side pixels (a webcam's 640x480 by
default), into a one-frame mailbox: a frame not taken before the next one comes is dropped, as the
Live page's WebRTC worker does (it never queues). A worker thread takes the newest frame and runs
`coach.LiveCoach.process` on it: the pose model, the plank coach and the overlay. Latency is from a
frame's arrival in the mailbox to its overlay being drawn (what the page adds to the camera's own
delay); the network and the browser are not included. Targets (issue 16): >= 15 frames/s, < 150 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

import av
import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("FORMCHECK_SAMPLES", ROOT.parent / "shared" / "samples"))
DEFAULT_CLIP = SAMPLES / "plank" / "elbow_plank_pike_alternating_wahoo.mp4"


class Mailbox:
    """One frame at most: a new frame replaces one not yet taken (which counts as dropped)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: tuple[np.ndarray, float, float] | None = None
        self.closed = False
        self.offered = 0
        self.dropped = 0

    def put(self, image: np.ndarray, time_s: float) -> None:
        with self._cond:
            self.offered += 1
            if self._item is not None:
                self.dropped += 1
            self._item = (image, time_s, time.perf_counter())
            self._cond.notify()

    def take(self) -> tuple[np.ndarray, float, float] | None:
        with self._cond:
            while self._item is None and not self.closed:
                self._cond.wait()
            item, self._item = self._item, None
            return item

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify()


def camera(clip: Path, side: int, box: Mailbox, seconds: float) -> None:
    """Offer the clip's frames at their real times (repeating the clip until `seconds` if given)."""
    start = time.perf_counter()
    offset = 0.0
    while True:
        with av.open(str(clip)) as container:
            stream = container.streams.video[0]
            last = 0.0
            for frame in container.decode(stream):
                t = offset + float(frame.time or 0.0)
                delay = start + t - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                image = frame.to_ndarray(format="rgb24")
                h, w = image.shape[:2]
                scale = side / max(h, w)
                if scale < 1:
                    image = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
                box.put(image, t)
                last = t
        offset = last + 1 / 30
        if offset >= seconds:
            break
    box.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--side", type=int, default=640, help="longer side of the camera frames, px")
    parser.add_argument("--seconds", type=float, default=0.0, help="play the clip repeatedly for this long")
    args = parser.parse_args(argv)
    if not args.clip.is_file():
        print(f"live_loop: no clip at {args.clip}: give a plank clip or set FORMCHECK_SAMPLES", file=sys.stderr)
        return 2
    from formcheck.coach import LiveCoach
    from formcheck.pose import divert_native_stderr

    out = divert_native_stderr()
    coach = LiveCoach(variant="auto")
    box = Mailbox()
    latencies: list[float] = []
    stages: list[float] = []

    def worker() -> None:
        while (item := box.take()) is not None:
            image, t, arrived = item
            began = time.perf_counter()
            coach.process(image, t, arrived)
            done = time.perf_counter()
            latencies.append(done - arrived)
            stages.append(done - began)

    # Warm the model up (its first frame loads it) before the camera starts.
    warm = LiveCoach(variant="auto")
    warm.process(np.zeros((360, 640, 3), np.uint8), 0.0)
    warm.finish()
    thread = threading.Thread(target=worker)
    thread.start()
    began = time.perf_counter()
    camera(args.clip, args.side, box, args.seconds)
    thread.join()
    wall = time.perf_counter() - began
    summary = coach.finish()
    kept = len(latencies)
    lat = np.array(latencies) * 1000
    print(f"clip: {args.clip.name}, frames {args.side} px on the longer side, {os.cpu_count()} cores", file=out)
    print(
        f"frames offered: {box.offered} ({box.offered / wall:.1f}/s), kept: {kept} ({kept / wall:.1f}/s), "
        f"dropped: {box.offered - kept}",
        file=out,
    )
    print(
        f"frame-to-overlay latency: mean {lat.mean():.0f} ms, median {np.median(lat):.0f} ms, "
        f"95th percentile {np.percentile(lat, 95):.0f} ms, max {lat.max():.0f} ms",
        file=out,
    )
    print(f"per kept frame (model + coach + overlay): mean {1000 * np.mean(stages):.1f} ms", file=out)
    if summary is not None:
        print(
            f"hold {summary.hold_s} s, good form {summary.good_form_pct} %, breaks {[b.fault for b in summary.breaks]}",
            file=out,
        )
    ok = kept / wall >= 15 and np.percentile(lat, 95) < 150
    print("targets (>= 15 frames/s, < 150 ms at the 95th percentile):", "met" if ok else "NOT met", file=out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
