"""When a clip or photo was recorded: its own metadata, else the file's modification time.

    video  the container's `creation_time` (or Apple's `com.apple.quicktime.creationdate`, which
           keeps the local time and its offset), read by PyAV without decoding
    photo  EXIF `DateTimeOriginal` (with `OffsetTimeOriginal` when given; else the time is taken as
           this machine's local time), then EXIF `DateTime`, read by Pillow
    else   the file's modification time

A date before 2000 is an unset camera clock (QuickTime writes 1904-01-01 or 1970-01-01 for "none")
and is ignored, as is one more than a day in the future.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

log = logging.getLogger(__name__)

#: Earliest date accepted from metadata.
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
#: EXIF tags: the Exif IFD, DateTimeOriginal, OffsetTimeOriginal (in the Exif IFD), DateTime (IFD0).
EXIF_IFD, DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL, DATE_TIME = 0x8769, 0x9003, 0x9011, 0x0132
#: The source of a date taken from the file's modification time (no date in its metadata).
FILE_TIME = "file modification time"
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".heic")
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")


@dataclass(frozen=True)
class ClipDate:
    """when: timezone-aware; source: where it came from, in words ("EXIF DateTimeOriginal", ...)."""

    when: datetime
    source: str


def clip_date(path: str | Path) -> ClipDate:
    """When the clip or photo at `path` was recorded (see the module docstring). Raises OSError when
    the file cannot be read at all."""
    p = Path(path)
    suffix = p.suffix.lower()
    found: ClipDate | None = None
    if suffix in VIDEO_SUFFIXES:
        found = _video_date(p)
    elif suffix in PHOTO_SUFFIXES:
        found = _photo_date(p)
    if found is not None:
        return found
    return ClipDate(datetime.fromtimestamp(os.stat(p).st_mtime, timezone.utc), FILE_TIME)


def parse_iso(text: str) -> datetime | None:
    """An ISO 8601 date-time (`Z`, `+02:00` or `+0200` offsets; none = UTC) as an aware datetime."""
    text = text.strip()
    m = re.fullmatch(r"(.+?)(Z|[+-]\d\d:?\d\d)?", text)
    if not m:
        return None
    base, offset = m.group(1), m.group(2)
    try:
        when = datetime.fromisoformat(base.replace(" ", "T"))
    except ValueError:
        return None
    if when.tzinfo is None:
        tz = timezone.utc
        if offset and offset != "Z":
            sign = 1 if offset[0] == "+" else -1
            digits = offset[1:].replace(":", "")
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        when = when.replace(tzinfo=tz)
    return when


def plausible(when: datetime | None) -> datetime | None:
    """`when` if it lies between 2000 and tomorrow, else None (an unset or wrong camera clock)."""
    if when is None:
        return None
    if EARLIEST <= when <= datetime.now(timezone.utc) + timedelta(days=1):
        return when
    return None


def _video_date(p: Path) -> ClipDate | None:
    import av

    try:
        with av.open(str(p)) as container:
            tags = [dict(container.metadata)] + [dict(s.metadata) for s in container.streams.video[:1]]
    except (av.error.FFmpegError, OSError) as exc:
        log.info("%s: no container metadata (%s)", p.name, exc)
        return None
    for key, source in (
        ("com.apple.quicktime.creationdate", "QuickTime creation date"),
        ("creation_time", "container creation_time"),
    ):
        for t in tags:
            when = plausible(parse_iso(str(t[key]))) if key in t else None
            if when is not None:
                return ClipDate(when, source)
    return None


def _photo_date(p: Path) -> ClipDate | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(p) as im:
            exif = im.getexif()
            sub = exif.get_ifd(EXIF_IFD)
    except (UnidentifiedImageError, OSError) as exc:
        log.info("%s: no EXIF (%s)", p.name, exc)
        return None
    for value, offset, source in (
        (sub.get(DATE_TIME_ORIGINAL), sub.get(OFFSET_TIME_ORIGINAL), "EXIF DateTimeOriginal"),
        (exif.get(DATE_TIME), None, "EXIF DateTime"),
    ):
        when = plausible(_exif_time(value, offset))
        if when is not None:
            return ClipDate(when, source)
    return None


def _exif_time(value: object, offset: object) -> datetime | None:
    """EXIF 'YYYY:MM:DD HH:MM:SS' with an optional '+HH:MM' offset; without one, this machine's local time."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.strptime(value.strip().rstrip("\x00"), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if isinstance(offset, str) and re.fullmatch(r"[+-]\d\d:\d\d", offset.strip()):
        parsed = parse_iso(when.isoformat() + offset.strip())
        return parsed
    return when.astimezone()  # naive: the local time of this machine
