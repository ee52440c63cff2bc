"""The key frames of a result as JPEGs: `<stem>.keyframes/NN_label.jpg` (NN from 01, in time order).

Each is drawn as the annotated video draws that frame (skeleton, the analysis's overlay, the clock),
plus the key frame's own shapes (`KeyFrame.extra`: the running contacts' angles). The frames come
from the annotated video's pass when there is one (`FrameGrabber` as its `tap`), else from a pass of
their own that stops after the last key frame. Frames are streamed; only the key frames are kept.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ..analysis import KeyFrame
from ..export import atomic_path
from ..frames import Frame
from .annotated import draw_frame
from .draw import annotate
from .skeleton import SkeletonAnnotator
from .video import OUTPUT_MAX_SIDE

if TYPE_CHECKING:
    from ..pipeline import AnalysisResult

#: The folder beside the outputs: `<stem>` + this.
FOLDER_SUFFIX = ".keyframes"
#: Key frames are written at the annotated video's size (longest side, px).
KEY_FRAME_MAX_SIDE = OUTPUT_MAX_SIDE
JPEG_QUALITY = 88
#: Files this module writes into the folder: its JPEGs and their temporary files (export.atomic_path).
_FILE = re.compile(r"^(\d\d_[a-z0-9_]+\.jpg|\.\d\d_[a-z0-9_]+\..*\.part\.jpg)$")


def key_frame_folder(out_dir: str | Path, stem: str) -> Path:
    return Path(out_dir) / f"{stem}{FOLDER_SUFFIX}"


def key_frame_file_names(key_frames: Iterable[KeyFrame]) -> list[str]:
    """`NN_label.jpg` for each key frame: NN its position from 01, the label in lower case with
    anything but letters and digits as `_`."""
    names = []
    for i, kf in enumerate(key_frames, start=1):
        slug = re.sub(r"[^a-z0-9]+", "_", kf.label.lower()).strip("_") or "frame"
        names.append(f"{i:02d}_{slug}.jpg")
    return names


class FrameGrabber:
    """Keeps a copy of the frames with the wanted file frame indices while another pass streams them
    (pass it as `render_video(..., tap=grabber)`)."""

    def __init__(self, indices: Iterable[int]) -> None:
        self.wanted = {int(i) for i in indices}
        self.frames: dict[int, Frame] = {}

    def __call__(self, frame: Frame) -> None:
        if frame.index in self.wanted and frame.index not in self.frames:
            self.frames[frame.index] = Frame(frame.index, frame.time_s, frame.image.copy(), frame.scale)


def key_frame_indices(result: AnalysisResult) -> set[int]:
    """The file frame indices of the result's key frames."""
    return {int(result.seq.frame_index[kf.row]) for kf in result.result.key_frames}


def write_key_frames(result: AnalysisResult, folder: Path, grabbed: dict[int, Frame] | None = None) -> list[Path]:
    """Write the result's key frames into `folder` (created; JPEGs of an earlier analysis that are
    not among them are removed). grabbed: frames already kept by the video pass (file frame index ->
    frame); the others are decoded here. Returns the paths, in key-frame order."""
    key_frames = result.result.key_frames
    frames = dict(grabbed or {})
    missing = key_frame_indices(result) - frames.keys()
    if missing:
        frames.update(_fetch(result, missing))
    written: list[Path] = []
    if key_frames:
        folder.mkdir(parents=True, exist_ok=True)
        skeleton = SkeletonAnnotator(result.seq)
        for kf, name in zip(key_frames, key_frame_file_names(key_frames), strict=True):
            frame = frames.get(int(result.seq.frame_index[kf.row]))
            if frame is None:  # the file ended before it (a truncated clip read differently the second time)
                continue
            image = draw_frame(result, frame.image.copy(), kf.row, frame.scale, frame.time_s, skeleton)
            if kf.extra is not None:
                annotate(image, kf.extra, frame.scale)
            written.append(_write_jpeg(image, folder / name))
    _remove_stale(folder, {p.name for p in written})
    return written


def _fetch(result: AnalysisResult, indices: set[int]) -> dict[int, Frame]:
    """The frames with these file frame indices, from one pass that stops after the last of them."""
    found: dict[int, Frame] = {}
    stream = result.run.frames(KEY_FRAME_MAX_SIDE, True)  # bilinear scaling, as the video pass
    try:
        for frame in stream:
            if frame.index in indices:
                found[frame.index] = Frame(frame.index, frame.time_s, frame.image.copy(), frame.scale)
                if len(found) == len(indices):
                    break
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # a generator over a video: closes the container now, not when collected
    return found


def _write_jpeg(image: np.ndarray, path: Path) -> Path:
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise OSError(f"could not encode the key frame {path.name}")
    with atomic_path(path) as tmp:
        tmp.write_bytes(encoded.tobytes())
    return path


def _remove_stale(folder: Path, keep: set[str]) -> None:
    if not folder.is_dir():
        return
    for old in folder.iterdir():
        if _FILE.match(old.name) and old.name not in keep:
            with contextlib.suppress(OSError):
                old.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty
