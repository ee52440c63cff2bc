"""File names of outputs: the suffixes one analysis writes after its stem, stems cut to fit a file name,
and file names that are not UTF-8 shown as text. Standard library only (the batch planner imports it)."""

from __future__ import annotations

import os

#: The longest file name most file systems allow (ext4, APFS, NTFS: 255 bytes).
NAME_MAX_BYTES = 255
#: What follows the stem in the name of each file one analysis may write.
OUTPUT_SUFFIXES = (
    ".json",
    ".landmarks.npz",
    ".mp4",
    ".jpg",
    ".chart.png",
    ".metrics.csv",
    ".steps.csv",
    ".events.csv",
    ".keyframes",  # a folder of NN_label.jpg
    ".report.html",
    ".report.pdf",
)
#: The longest stem whose every output name still fits in a file name.
MAX_STEM_BYTES = NAME_MAX_BYTES - max(len(suffix) for suffix in OUTPUT_SUFFIXES)


def name_bytes(name: str) -> int:
    """Length of a file name on disk, in bytes (bytes that are not UTF-8 count one each)."""
    return len(os.fsencode(name))


def truncate_name(name: str, max_bytes: int) -> str:
    """`name` cut to at most `max_bytes` bytes on disk, never inside a character."""
    kept, used = [], 0
    for char in name:
        size = name_bytes(char)
        if used + size > max_bytes:
            break
        kept.append(char)
        used += size
    return "".join(kept)


def output_stem(name: str) -> str:
    """The stem of an input file's outputs: its name without the extension, fitted (`fit_stem`)."""
    return fit_stem(os.path.splitext(name)[0])


def fit_stem(stem: str) -> str:
    """`stem` cut to MAX_STEM_BYTES bytes, so that `<stem>.landmarks.npz` is still a valid file name."""
    return truncate_name(stem, MAX_STEM_BYTES) or "clip"


def display_text(text: str) -> str:
    """`text` as printable UTF-8: bytes of a file name that are not UTF-8 (which Python holds as
    surrogate escapes) shown as \\xNN."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    return os.fsencode(text).decode("utf-8", "backslashreplace")
