"""The annotated output: every frame re-decoded, the skeleton and the analysis's overlay drawn,
then encoded as H.264 (video) or written as JPEG (photo). Frames are streamed, never collected."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ..media import Frame, iter_frames, prefetch
from ..sequence import PoseSequence
from .skeleton import SkeletonAnnotator
from .style import put_clock
from .video import OUTPUT_MAX_SIDE, H264Writer, output_size

if TYPE_CHECKING:
    from ..pipeline import AnalysisResult

#: Photos are written at up to this many pixels on the longest side.
PHOTO_MAX_SIDE = 1600


def _draw(
    result: AnalysisResult, image: np.ndarray, row: int | None, scale: float, time_s: float, skeleton: SkeletonAnnotator
) -> np.ndarray:
    image = skeleton.annotate(image, row, scale)
    if result.result.annotator is not None:
        image = result.result.annotator.annotate(image, row, scale)
    if not result.info.is_photo:
        put_clock(image, time_s)
    return image


def render_photo(result: AnalysisResult, out_path: str | Path) -> Path:
    """Write the annotated photo as JPEG (longest side at most PHOTO_MAX_SIDE)."""
    frame = next(iter_frames(result.info, max_side=PHOTO_MAX_SIDE))
    image = _draw(result, frame.image.copy(), 0, frame.scale, 0.0, SkeletonAnnotator(result.seq))
    out = Path(out_path)
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise OSError(f"could not encode the annotated photo for {out.name}")
    out.write_bytes(encoded.tobytes())  # not cv2.imwrite: it crashes on paths that are not UTF-8
    return out


#: Background of a skeleton-only rendering (a landmark track without its video), RGB.
CANVAS_RGB = (38, 41, 48)


def blank_frames(seq: PoseSequence, width: int, height: int) -> Iterator[Frame]:
    """Plain frames at the sequence's timestamps, for drawing a track without its video."""
    for _row, (index, time_s) in enumerate(zip(seq.frame_index, seq.timestamps_s, strict=False)):
        image = np.empty((height, width, 3), np.uint8)
        image[:] = CANVAS_RGB
        yield Frame(int(index), float(time_s), image, width / seq.frame_size[0])


def render_video(result: AnalysisResult, out_path: str | Path, on_frame: Callable[[int], None] | None = None) -> Path:
    """Write the annotated H.264 MP4 (longest side at most OUTPUT_MAX_SIDE), in the file's own timing
    (a slow-motion clip stays slow motion)."""
    info, settings = result.info, result.settings
    out_w, out_h, _ = output_size(info.width, info.height, OUTPUT_MAX_SIDE)
    rows = {int(index): row for row, index in enumerate(result.seq.frame_index)}
    skeleton = SkeletonAnnotator(result.seq)
    if info.is_track:
        frames = blank_frames(result.raw, out_w, out_h)
    else:
        frames = prefetch(iter_frames(info, settings.start_s, settings.end_s, OUTPUT_MAX_SIDE, fast_scaling=True))
    with H264Writer(out_path, out_w, out_h, info.playback_fps or info.fps) as writer:
        for n, frame in enumerate(frames, start=1):
            image = frame.image  # this stream's own buffer: drawn on in place
            if image.shape[1] != out_w or image.shape[0] != out_h:
                image = cv2.resize(image, (out_w, out_h), interpolation=cv2.INTER_AREA)
            scale = out_w / info.width
            image = _draw(result, image, rows.get(frame.index), scale, frame.time_s, skeleton)
            writer.write(image, frame.time_s / info.time_scale)
            if on_frame is not None:
                on_frame(n)
    return Path(out_path)
