"""Which files under DIR a batch analyses: every file (recursive, sorted), as media or skipped with a reason."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..media import PHOTO_EXTENSIONS, SUPPORTED_TEXT, VIDEO_EXTENSIONS
from ..names import display_text


@dataclass(frozen=True)
class Entry:
    """One file found under DIR.

    rel:    path relative to DIR, '/'-separated, as found on disk (may hold any character but '/')
    path:   absolute path of the file (a link is kept as the link: it is read, never written)
    media:  'photo' or 'video', or '' when the file is skipped (then `reason` says why)
    """

    rel: str
    path: Path
    media: str
    reason: str = ""


def media_of(name: str) -> str:
    """'photo', 'video' or '' from a file name's extension (case-insensitive)."""
    ext = os.path.splitext(name)[1].lower()
    return "photo" if ext in PHOTO_EXTENSIONS else "video" if ext in VIDEO_EXTENSIONS else ""


def discover(root: Path, exclude: Sequence[Path] = ()) -> list[Entry]:
    """Every file under `root`, recursively, sorted by path. Folders in `exclude` (e.g. OUT when it lies
    inside DIR) are not entered and not listed; links to folders and hidden folders (`.git`, ...) are
    listed as skipped, never entered; hidden files (`.DS_Store`, macOS `._clip.mp4`) are skipped."""
    excluded = {os.path.realpath(p) for p in exclude}
    entries: list[Entry] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            full = here / name
            if os.path.realpath(full) in excluded:
                continue
            if full.is_symlink():
                entries.append(
                    Entry(
                        _rel(root, full),
                        full,
                        "",
                        "a link to a folder: links to folders are not "
                        "followed; move or copy the folder itself into the batch folder",
                    )
                )
                continue
            if name.startswith("."):
                entries.append(Entry(_rel(root, full), full, "", "a hidden folder: not searched"))
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            entries.append(_entry(root, here / name))
    return sorted(entries, key=lambda e: e.rel.split("/"))


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _entry(root: Path, path: Path) -> Entry:
    rel = _rel(root, path)
    if path.name.startswith("."):
        return Entry(rel, path, "", "a hidden file (system or editor metadata, e.g. macOS ._ files)")
    try:
        st = path.stat()
    except OSError as exc:
        what = "a broken link" if path.is_symlink() else "unreadable"
        return Entry(rel, path, "", f"{what} ({exc.strerror or exc}): fix or remove it")
    if not stat.S_ISREG(st.st_mode):
        return Entry(rel, path, "", "not a regular file (device, pipe or socket)")
    media = media_of(path.name)
    if not media:
        ext = path.suffix.lower() or "no extension"
        return Entry(rel, path, "", f"not a photo or video ({ext}); formcheck reads {SUPPORTED_TEXT}")
    return Entry(rel, path, media)


def display_path(rel: str) -> str:
    """A relative path as printable UTF-8 text (bytes that are not UTF-8 shown as \\xNN)."""
    return display_text(rel)
