"""The annotated output: every frame of the analysed span again, the skeleton and the analysis's
overlay drawn, then encoded as H.264 (video) or written as JPEG (photo). Frames are streamed, never
collected. The frames come from the source (`PoseRun.frames`): the decoded clip, or a plain canvas
for a landmark track."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ..frames import Frame
from ..interrupts import stop_if_interrupted
from ..media import prefetch
from .draw import annotate
from .skeleton import SkeletonAnnotator
from .style import put_clock
from .video import OUTPUT_MAX_SIDE, H264Writer, output_size

if TYPE_CHECKING:
    from ..pipeline import AnalysisResult

#: Photos are written at up to this many pixels on the longest side.
PHOTO_MAX_SIDE = 1600


def draw_frame(
    result: AnalysisResult, image: np.ndarray, row: int | None, scale: float, time_s: float, skeleton: SkeletonAnnotator
) -> np.ndarray:
    """One frame as the annotated output shows it: the skeleton, the analysis's overlay of `row`, the clock."""
    image = skeleton.annotate(image, row, scale)
    overlay = result.result.overlay
    if overlay is not None:
        image = annotate(image, overlay.drawing(row), scale)
    if not result.info.is_photo:
        put_clock(image, time_s)
    return image


def render_photo(result: AnalysisResult, out_path: str | Path) -> Path:
    """Write the annotated photo as JPEG (longest side at most PHOTO_MAX_SIDE)."""
    frame = next(result.run.frames(PHOTO_MAX_SIDE, False))
    image = draw_frame(result, frame.image.copy(), 0, frame.scale, 0.0, SkeletonAnnotator(result.seq))
    out = Path(out_path)
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise OSError(f"could not encode the annotated photo for {out.name}")
    out.write_bytes(encoded.tobytes())  # not cv2.imwrite: it crashes on paths that are not UTF-8
    return out


def render_video(
    result: AnalysisResult,
    out_path: str | Path,
    on_frame: Callable[[int], None] | None = None,
    tap: Callable[[Frame], None] | None = None,
) -> Path:
    """Write the annotated H.264 MP4 (longest side at most OUTPUT_MAX_SIDE), in the file's own timing
    (a slow-motion clip stays slow motion). tap: sees each frame at the output size before anything is
    drawn on it (its image is reused afterwards: copy what you keep), e.g. to keep the key frames."""
    info = result.info
    out_w, out_h, _ = output_size(info.width, info.height, OUTPUT_MAX_SIDE)
    rows = {int(index): row for row, index in enumerate(result.seq.frame_index)}
    skeleton = SkeletonAnnotator(result.seq)
    frames = prefetch(result.run.frames(OUTPUT_MAX_SIDE, True))
    with H264Writer(out_path, out_w, out_h, info.playback_fps or info.fps) as writer:
        for n, frame in enumerate(frames, start=1):
            stop_if_interrupted()  # a SIGTERM whose KeyboardInterrupt a C callback swallowed still stops here
            image = frame.image  # this stream's own buffer: drawn on in place
            if image.shape[1] != out_w or image.shape[0] != out_h:
                image = cv2.resize(image, (out_w, out_h), interpolation=cv2.INTER_AREA)
            scale = out_w / info.width
            if tap is not None:
                tap(Frame(frame.index, frame.time_s, image, scale))
            image = draw_frame(result, image, rows.get(frame.index), scale, frame.time_s, skeleton)
            writer.write(image, frame.time_s / info.time_scale)
            if on_frame is not None:
                on_frame(n)
    return Path(out_path)
