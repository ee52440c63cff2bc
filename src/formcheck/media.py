"""Open a photo or a video: `probe()` says what it is, `iter_frames()` streams upright RGB frames.

Timestamps come from the container (variable frame rate comes out right), rescaled to real time
for slow-motion clips (`capture_fps`). Portrait phone clips stored with a display matrix are rotated
upright here. Frames are streamed, never collected.
"""

from __future__ import annotations

import errno
import logging
import os
import queue
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .errors import MediaNotFound, MediaTooLarge, UnreadableMedia, UnsupportedMedia, UsageError
from .frames import DecodeReport, Frame
from .sequence import MediaInfo

log = logging.getLogger(__name__)

PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp")
VIDEO_EXTENSIONS = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")
SUPPORTED_TEXT = "photos (jpg, png, webp, bmp) or videos (mp4, mov, m4v, avi, mkv, webm)"

#: Most pixels formcheck decodes of one photo or video frame. PNG, WebP and BMP are decoded whole (their
#: decoders have no reduced-size mode); a JPEG is decoded at 1/2, 1/4 or 1/8 of its size when the
#: analysis needs no more (`max_side_px`). 50 MP is the largest standard output of phone cameras;
#: Pillow holds it in 200 MB (4 bytes a pixel).
MAX_DECODED_PIXELS = 50_000_000
#: Most pixels a photo may have at all: Pillow's decompression-bomb limit (2 x Image.MAX_IMAGE_PIXELS),
#: above which it refuses to open a file. formcheck checks both limits itself, from the file's header.
MAX_PHOTO_PIXELS = 178_956_970
#: Formats whose decoder can scale down while decoding (Pillow's `draft`).
_DRAFT_FORMATS = ("JPEG",)
#: Pillow modes of 16-bit grey images (PNG); their values run 0-65535.
_SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I")

# formcheck checks image sizes itself (above); Pillow's warning between its two limits is noise here.
warnings.filterwarnings("ignore", message="Image size .* could be decompression bomb", module="PIL")


def media_kind(path: Path) -> str:
    """'photo' or 'video' from the file name; raises UnsupportedMedia for anything else."""
    ext = path.suffix.lower()
    if ext in PHOTO_EXTENSIONS:
        return "photo"
    if ext in VIDEO_EXTENSIONS:
        return "video"
    raise UnsupportedMedia(
        f"{path.name}: '{ext or 'no extension'}' is not a supported format; formcheck reads {SUPPORTED_TEXT}"
    )


def check_file(path: str | Path) -> Path:
    """The path as a Path if it is a non-empty regular file this process can read; else a clear error."""
    p = Path(path)
    try:
        st = os.stat(p)
    except OSError as exc:
        raise _stat_error(p, exc) from None
    if p.is_dir():
        raise UsageError(
            f"{p} is a folder, not a photo or video; to analyse every clip in it use `formcheck batch {p} --out DIR`"
        )
    try:
        with open(p, "rb"):
            pass
    except PermissionError:
        raise UnreadableMedia(
            f"{p.name} cannot be read: permission denied; give yourself read access (e.g. chmod u+r) or copy "
            f"the file somewhere you can read it"
        ) from None
    except OSError as exc:
        raise UnreadableMedia(f"{p.name} cannot be opened ({exc.strerror or exc}); copy it again") from None
    if st.st_size == 0:
        raise UnreadableMedia(f"{p.name} is empty (0 bytes): the copy or upload did not complete; copy it again")
    return p


def _stat_error(p: Path, exc: OSError) -> Exception:
    """The error for a path that cannot even be looked at, by cause."""
    if exc.errno == errno.ELOOP:
        return UnreadableMedia(
            f"{p}: the link points at itself, or at links that lead back to it (a loop); point it at the "
            f"real file or use the file itself"
        )
    if exc.errno == errno.EACCES:
        return UnreadableMedia(
            f"{p}: permission denied on a folder on the way to the file; give yourself access to that "
            f"folder or copy the file somewhere you can read it"
        )
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        if p.is_symlink():
            return MediaNotFound(f"{p} is a link to {os.readlink(p)}, which does not exist; fix or remove the link")
        return MediaNotFound(f"{p}: no such file; check the path (or the upload)")
    return UnreadableMedia(f"{p}: cannot be read ({exc.strerror or exc}); check the path")


def probe(path: str | Path, capture_fps: float | None = None) -> MediaInfo:
    """Read what a file is without decoding it all (a photo's header only; a video's first frame is
    decoded for its rotation). Raises MediaTooLarge for images formcheck will not decode."""
    p = check_file(path)
    if media_kind(p) == "photo":
        return _probe_photo(p)
    return _probe_video(p, capture_fps)


def _probe_photo(p: Path) -> MediaInfo:
    with _open_image(p) as im:
        orientation = _orientation(im)
        _check_photo_size(p, im.size, im.format)
        width, height = _turned(im.size, orientation)
    return MediaInfo(
        path=str(p),
        kind="photo",
        width=width,
        height=height,
        fps=0.0,
        duration_s=0.0,
        frames=1,
        rotation=_EXIF_ROTATION.get(orientation, 0),
        codec=p.suffix.lower().lstrip("."),
    )


_EXIF_ROTATION = {3: 180, 6: 270, 8: 90}  # EXIF orientation -> degrees counter-clockwise to turn upright
#: EXIF orientation -> the Pillow transpose that turns the stored image upright (as ImageOps.exif_transpose).
_ORIENTATION_TRANSPOSE = {2: 0, 3: 3, 4: 1, 5: 5, 6: 4, 7: 6, 8: 2}  # Image.Transpose values
#: EXIF orientations that turn the stored image a quarter (width and height swap).
_QUARTER_TURNS = (5, 6, 7, 8)


def _orientation(im: Any) -> int:
    """The EXIF orientation (1: as stored) from the header. A PNG's eXIf chunk is read only when it comes
    before the pixels: Pillow would decode the whole image to look for one after them."""
    if im.format == "PNG" and "exif" not in im.info:
        return 1
    return int(im.getexif().get(0x0112, 1) or 1)


def _turned(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """(width, height) of an image of stored `size` once its EXIF orientation is applied (and back)."""
    return (size[1], size[0]) if orientation in _QUARTER_TURNS else size


def _open_image(p: Path) -> Any:
    """The photo opened with Pillow: its header read, no pixel decoded yet."""
    from PIL import Image, UnidentifiedImageError

    try:
        return Image.open(p)
    except Image.DecompressionBombError:
        raise MediaTooLarge(
            f"{p.name} has more than {MAX_PHOTO_PIXELS / 1e6:.0f} million pixels, more than formcheck "
            f"opens; save it smaller (a phone photo has 12-50 million; the pose model needs 2)"
        ) from None
    except UnidentifiedImageError as exc:
        raise UnreadableMedia(
            f"{p.name} is not a readable image (the file may be corrupt or another format "
            f"with an image extension); export it again as JPEG or PNG"
        ) from exc
    except OSError as exc:
        raise _read_error(p, exc) from exc


def _read_error(p: Path, exc: OSError) -> UnreadableMedia:
    if isinstance(exc, PermissionError):
        return UnreadableMedia(f"{p.name} cannot be read: permission denied; give yourself read access")
    return UnreadableMedia(
        f"{p.name} could not be read as an image ({exc}); it may be truncated; copy or export it again"
    )


def _check_photo_size(
    p: Path, header: tuple[int, int], fmt: str | None, decoded: tuple[int, int] | None = None
) -> None:
    """Refuse a photo, from its header alone, whose size is over MAX_PHOTO_PIXELS, or whose decoded
    image would be over MAX_DECODED_PIXELS. `decoded`: the size it will be decoded at (a JPEG's is
    smaller when decoded at reduced size); None: the smallest its format allows."""
    w, h = header
    if decoded is None:
        decoded = (-(-w // 8), -(-h // 8)) if fmt in _DRAFT_FORMATS else header
    if w * h > MAX_PHOTO_PIXELS:
        limit = f"{MAX_PHOTO_PIXELS / 1e6:.0f} million pixels"
    elif decoded[0] * decoded[1] > MAX_DECODED_PIXELS:
        limit = f"{MAX_DECODED_PIXELS / 1e6:.0f} million pixels decoded"
    else:
        return
    raise MediaTooLarge(
        f"{p.name} is {w} x {h} pixels ({w * h / 1e6:.0f} million), more than formcheck reads (at most "
        f"{limit}); save it smaller, or as JPEG (a phone photo has 12-50 million pixels; the pose model needs 2)"
    )


def _read_photo(p: Path, max_side: int | None = None) -> tuple[np.ndarray, int]:
    """(H, W, 3) uint8 RGB upright (EXIF orientation applied), at most `max_side` pixels on its longest
    side (exactly the size `_downscale_size` gives), and the rotation applied in degrees.

    Memory stays near the output's size where the format allows: a JPEG is decoded at 1/2, 1/4 or 1/8
    of its size when that is enough (Pillow's draft mode); other formats are decoded whole (at most
    MAX_DECODED_PIXELS, checked from the header first) and reduced by box averaging, and the full-size
    image is let go at once. 16-bit grey PNGs are scaled to 8 bits (Pillow's own conversion clips them).
    """
    with _open_image(p) as im:
        orientation = _orientation(im)
        header = im.size
        out_w, out_h, scale = _downscale_size(*_turned(header, orientation), max_side)
        target = _turned((out_w, out_h), orientation)  # the output size, as stored
        if im.format in _DRAFT_FORMATS and scale != 1.0:
            im.draft(im.mode if im.mode in ("L", "CMYK") else "RGB", target)
        _check_photo_size(p, header, im.format, decoded=im.size)
        try:
            image = _eight_bit(im)
        except OSError as exc:
            raise _read_error(p, exc) from exc
    del im  # `image` holds the decoded pixels; the full-size image goes as soon as it is reduced
    factor = int(min(image.width / target[0], image.height / target[1]))
    if factor >= 2:
        image = image.reduce(factor)
    if orientation in _ORIENTATION_TRANSPOSE:
        image = image.transpose(_ORIENTATION_TRANSPOSE[orientation])
    rgb = np.asarray(image.convert("RGB"))
    if rgb.shape[:2] != (out_h, out_w):
        import cv2

        rgb = cv2.resize(rgb, (out_w, out_h), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(rgb), _EXIF_ROTATION.get(orientation, 0)


def _eight_bit(im: Any) -> Any:
    """The decoded image in a mode of 8 bits per channel that Pillow can reduce ('L', 'RGB' or 'RGBA').
    16-bit grey is scaled by 255/65535."""
    from PIL import Image

    im.load()
    if im.mode in _SIXTEEN_BIT_MODES:
        values = np.asarray(im).astype(np.uint32)
        return Image.fromarray(((np.clip(values, 0, 65535) * 255 + 32767) // 65535).astype(np.uint8))
    if im.mode in ("L", "RGB", "RGBA"):
        return im
    return im.convert("RGBA" if "A" in im.mode or "transparency" in im.info else "RGB")


def _open_container(p: Path) -> Any:  # av.container.InputContainer
    import av

    try:
        container = av.open(str(p), mode="r")
    except av.error.InvalidDataError as exc:
        with open(p, "rb") as fh:
            head = fh.read(512)
        looks_text = bool(head) and all(32 <= b < 127 or b in (9, 10, 13) for b in head)
        if looks_text:
            what = "a text file"
        elif head[4:8] == b"ftyp":
            what = "an MP4/MOV whose index is missing: the file is truncated (an interrupted copy, upload or recording)"
        else:
            what = "not a video formcheck can read (corrupt or unknown format)"
        raise UnreadableMedia(
            f"{p.name} is {what}, although it is named {p.suffix}; export or copy the original clip again"
        ) from exc
    except av.error.FFmpegError as exc:
        raise UnreadableMedia(
            f"{p.name} could not be opened as a video ({exc}); export or copy the original clip again"
        ) from exc
    if not container.streams.video:
        container.close()
        raise UnreadableMedia(f"{p.name} has no video stream (audio only?); record or export it as a video")
    return container


def _probe_video(p: Path, capture_fps: float | None) -> MediaInfo:
    import av

    container = _open_container(p)
    try:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        playback_fps = float(rate) if rate else 0.0
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1e6
        else:
            duration = 0.0
        frames = int(stream.frames or round(duration * playback_fps))
        stored_w, stored_h = stream.codec_context.width, stream.codec_context.height
        if stored_w * stored_h > MAX_DECODED_PIXELS:  # from the header, before a frame is decoded
            raise MediaTooLarge(
                f"{p.name}: its frames are {stored_w} x {stored_h} pixels, more than formcheck decodes "
                f"(at most {MAX_DECODED_PIXELS / 1e6:.0f} million); export it at 4K or less"
            )
        try:
            first = next(container.decode(stream))
        except (StopIteration, av.error.FFmpegError) as exc:
            raise UnreadableMedia(
                f"{p.name}: no frame could be decoded (the file is corrupt or truncated); "
                f"copy or export the original clip again"
            ) from exc
        rotation = int(getattr(first, "rotation", 0) or 0) % 360
        width, height = (first.height, first.width) if rotation in (90, 270) else (first.width, first.height)
        codec = stream.codec_context.name
    finally:
        container.close()
    if playback_fps <= 0:
        raise UnreadableMedia(f"{p.name}: the video has no frame rate; re-export it as MP4")
    real_fps = float(capture_fps) if capture_fps else playback_fps
    time_scale = playback_fps / real_fps
    return MediaInfo(
        path=str(p),
        kind="video",
        width=width,
        height=height,
        fps=real_fps,
        duration_s=duration * time_scale,
        frames=frames,
        rotation=rotation,
        codec=codec,
        playback_fps=playback_fps,
        time_scale=time_scale,
    )


def frame_shape(info: MediaInfo, max_side: int | None = None) -> tuple[int, int, int]:
    """(height, width, 3) of the upright frames `iter_frames(info, max_side=max_side)` streams."""
    w, h, _ = _downscale_size(info.width, info.height, max_side)
    return h, w, 3


def _downscale_size(width: int, height: int, max_side: int | None) -> tuple[int, int, float]:
    if not max_side or max(width, height) <= max_side:
        return width, height, 1.0
    scale = max_side / max(width, height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2), scale


def iter_frames(
    info: MediaInfo,
    start_s: float | None = None,
    end_s: float | None = None,
    max_side: int | None = None,
    report: DecodeReport | None = None,
    fast_scaling: bool = False,
    threads: int = 2,
    into: Callable[[], np.ndarray] | None = None,
) -> Iterator[Frame]:
    """Stream upright RGB frames of a photo (one frame) or a video.

    start_s / end_s trim in the file's own (container) seconds. A decoding error part-way through a
    video ends the stream and is recorded in `report` (truncated=True) instead of raising, unless no
    frame at all could be decoded. fast_scaling: downscale with bilinear interpolation (quicker than
    the default area averaging; fine for display, not used for pose estimation). threads: decoding
    threads (1 where another core is busy anyway: less memory and CPU per frame). into: for a video,
    gives the array each frame is written into, shaped `frame_shape(info, max_side)` (by default,
    buffers reused once nobody holds them).
    """
    report = report if report is not None else DecodeReport()
    if info.is_track:
        raise UnreadableMedia(
            f"{Path(info.path).name} is a landmark track without its video: this step needs the original photo or video"
        )
    if info.is_photo:
        image, _ = _read_photo(Path(info.path), max_side)
        scale = _downscale_size(info.width, info.height, max_side)[2]
        report.frames = 1
        yield Frame(0, 0.0, np.ascontiguousarray(image), scale)
        return
    yield from _iter_video(info, start_s, end_s, max_side, report, fast_scaling, threads, into)


def _iter_video(
    info: MediaInfo,
    start_s: float | None,
    end_s: float | None,
    max_side: int | None,
    report: DecodeReport,
    fast_scaling: bool = False,
    threads: int = 2,
    into: Callable[[], np.ndarray] | None = None,
) -> Iterator[Frame]:
    import av

    p = Path(info.path)
    container = _open_container(p)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "FRAME"  # measured here: faster and leaner than AUTO's default thread count
        stream.thread_count = threads
        k = (info.rotation // 90) % 4
        # Decode size before rotation: a 90/270 rotation swaps width and height.
        stored_w, stored_h = (info.height, info.width) if k % 2 else (info.width, info.height)
        out_w, out_h, scale = _downscale_size(stored_w, stored_h, max_side)
        upright = _Upright(k, (out_w, out_h) if scale != 1.0 else None, fast_scaling, into)
        t0: float | None = None
        prev_t = -np.inf
        index = -1
        frames = container.decode(stream)
        while True:
            try:
                vframe = next(frames)
            except StopIteration:
                break
            except av.error.FFmpegError as exc:
                report.truncated, report.error = True, str(exc)
                log.warning("%s: decoding stopped early (%s)", p.name, exc)
                break
            index += 1
            raw_t = vframe.time if vframe.time is not None else index / (info.playback_fps or 30.0)
            if t0 is None:
                t0 = raw_t
            file_t = raw_t - t0
            if start_s is not None and file_t < start_s - 1e-9:
                continue
            if end_s is not None and file_t > end_s + 1e-9:
                break
            t = file_t * info.time_scale
            if t <= prev_t:  # repeated or reordered timestamps: keep time strictly increasing
                t = prev_t + 1e-6
            if np.isfinite(prev_t):
                report.intervals_s.append(t - prev_t)
            prev_t = t
            rgb = upright(vframe.to_ndarray(format="rgb24"))
            report.frames += 1
            report.last_time_s = t
            yield Frame(index, t, rgb, scale)
    finally:
        container.close()
    if report.frames == 0:
        if report.truncated:
            raise UnreadableMedia(
                f"{p.name}: no frame could be decoded ({report.error}); the file is corrupt "
                f"or truncated; copy or export the original clip again"
            )
        raise UnreadableMedia(
            f"{p.name}: no frames in the chosen time range; check `start_s` / `end_s` "
            f"(the clip lasts {info.duration_s / max(info.time_scale, 1e-9):.1f} s)"
        )


#: Most frame buffers one stream keeps for reuse.
POOL_SIZE = 16


class FrameBuffers:
    """Reusable (H, W, 3) uint8 frame arrays for one stream.

    Writing every decoded frame into a fresh multi-megabyte array costs page faults (about 4 ms a
    1080p frame here) and fragments the heap over a long clip. A buffer is handed out again only when
    nothing refers to it any more (CPython's reference count shows that; views count too), so a
    consumer that keeps a frame keeps it intact. Past `size` buffers in use, fresh arrays are made.
    """

    def __init__(self, shape: tuple[int, int, int], size: int = POOL_SIZE) -> None:
        self.shape = shape
        self.size = size
        self._buffers: list[np.ndarray] = []
        for buffer in [np.empty(0, np.uint8)]:  # the same expression as in take(), on an unshared array
            self._idle_refs = sys.getrefcount(buffer)

    def take(self) -> np.ndarray:
        for buffer in self._buffers:
            if sys.getrefcount(buffer) == self._idle_refs:
                return buffer
        fresh = np.empty(self.shape, np.uint8)
        if len(self._buffers) < self.size:
            self._buffers.append(fresh)
        return fresh


class _Upright:
    """Turns a decoded RGB frame (its rows may be padded) upright and to the output size, written into
    a contiguous array from `into()`, else a reused buffer (mediapipe misreads arrays whose rows are
    padded)."""

    def __init__(
        self,
        quarter_turns: int,
        size: tuple[int, int] | None,
        fast_scaling: bool,
        into: Callable[[], np.ndarray] | None = None,
    ) -> None:
        import cv2

        self._cv2 = cv2
        self._rotate = {1: cv2.ROTATE_90_COUNTERCLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_CLOCKWISE}.get(
            quarter_turns % 4
        )
        self._size = size  # (width, height) before rotation, or None to keep the decoded size
        self._interpolation = cv2.INTER_LINEAR if fast_scaling else cv2.INTER_AREA
        self._into = into
        self._buffers: FrameBuffers | None = None
        self._scaled: np.ndarray | None = None  # intermediate of a frame both scaled and rotated

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        cv2 = self._cv2
        if self._size is not None and self._rotate is not None:
            self._scaled = cv2.resize(rgb, self._size, dst=self._scaled, interpolation=self._interpolation)
            rgb = self._scaled
        out = self._buffer_for(rgb)
        if self._rotate is not None:
            return cv2.rotate(rgb, self._rotate, dst=out)
        if self._size is not None:
            return cv2.resize(rgb, self._size, dst=out, interpolation=self._interpolation)
        np.copyto(out, rgb)
        return out

    def _buffer_for(self, rgb: np.ndarray) -> np.ndarray:
        if self._into is not None:
            return self._into()
        if self._buffers is None:
            h, w = rgb.shape[:2] if self._size is None or self._rotate is not None else self._size[::-1]
            quarter = self._rotate in (self._cv2.ROTATE_90_CLOCKWISE, self._cv2.ROTATE_90_COUNTERCLOCKWISE)
            self._buffers = FrameBuffers((w, h, 3) if quarter else (h, w, 3))
        return self._buffers.take()


T = TypeVar("T")


def prefetch(items: Iterable[T], depth: int = 3) -> Iterator[T]:
    """Run an iterator in a background thread, `depth` items ahead (overlaps decoding with inference).

    Exceptions raised by the producer are re-raised in the consumer. Stopping early is safe.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(done)
        except BaseException as exc:  # handed to the consumer, re-raised there
            q.put(exc)

    worker = threading.Thread(target=produce, name="formcheck-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                worker.join(timeout=0.05)
