"""Where a batch writes: each clip's output folder (mirroring DIR under OUT), the stem of its output files,
and its done-record; names that never collide, not even on a case-insensitive file system.

    OUT/<folders of the clip>/<stem>.json, .mp4 / .jpg, ...   the clip's outputs (outputs.OUTPUT_SUFFIXES)
    OUT/summary.csv, OUT/summary.json                          the batch summary
    OUT/.formcheck/lock, OUT/.formcheck/workers.lock           the locks of a running batch (locks.py)
    OUT/.formcheck/done/<folders>/<stem>.done.json             one done-record per finished clip

A stem is the clip's own file stem unless another clip of the same output folder would write a file of
the same name (ignoring case and Unicode normalisation: macOS and Windows file systems do) or the name is
taken (the summary's at the top of OUT, a mirrored subfolder's); then it is `<stem>_<ext>`, and if that
is taken too `<stem>_<ext>_2`, `_3`, ... in path order.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import UsageError
from ..names import MAX_STEM_BYTES, OUTPUT_SUFFIXES, fit_stem, truncate_name
from .discovery import Entry, display_path

#: Hidden folder under OUT holding the locks and the done-records.
STATE_DIR = ".formcheck"
#: Folder of the done-records inside STATE_DIR (apart from the lock files, whatever DIR's folders are called).
RECORDS_DIR = "done"
RECORD_SUFFIX = ".done.json"
#: Names at the top of OUT that belong to the batch itself.
SUMMARY_NAMES = ("summary.csv", "summary.json")
RESERVED_TOP_NAMES = (*SUMMARY_NAMES, STATE_DIR)


def name_key(name: str) -> str:
    """A file name as a case-insensitive, normalisation-insensitive file system compares it."""
    return unicodedata.normalize("NFC", name).casefold()


def output_location(out_root: Path, rel: str, stem: str) -> tuple[Path, Path]:
    """(output folder, done-record path) of the clip at `rel` (relative to DIR) under OUT.

    Raises UsageError when the location would leave OUT (a '..' or absolute component, or a link inside
    OUT to a folder elsewhere on the way) or would be one of the batch's own names (a folder called
    summary.json at the top of DIR).
    """
    parts = rel.split("/")
    if not parts or any(p in ("", ".", "..") for p in parts) or os.path.isabs(rel):
        raise UsageError(f"{display_path(rel)}: odd path component; rename it")
    if len(parts) > 1 and name_key(parts[0]) in {name_key(n) for n in RESERVED_TOP_NAMES}:
        raise UsageError(
            f"{display_path(rel)}: the folder {display_path(parts[0])} has the name of a file the batch writes "
            f"at the top of the output folder; rename the folder"
        )
    out_dir = out_root.joinpath(*parts[:-1])
    record = out_root.joinpath(STATE_DIR, RECORDS_DIR, *parts[:-1], stem + RECORD_SUFFIX)
    real_root = os.path.realpath(out_root)
    for target in (out_dir, record.parent):
        real = os.path.realpath(target)
        if os.path.commonpath([real_root, real]) != real_root:
            raise UsageError(
                f"the output folder for {display_path(rel)} would be {real}, outside {out_root} "
                f"(a link inside the output folder?); remove the link or choose another --out"
            )
    return out_dir, record


def output_names(stem: str) -> list[str]:
    """The keys (`name_key`) of every file a clip with this stem may write."""
    return [name_key(stem + suffix) for suffix in OUTPUT_SUFFIXES]


def output_stems(entries: Sequence[Entry]) -> dict[int, str]:
    """Output file stem per media entry index, unique within each output folder ignoring case (see the
    module docstring): clip.mp4 + clip.jpg give clip_mp4 and clip_jpg, clip.jpg + clip.JPG give clip_jpg
    and clip_jpg_2, a clip named summary.jpg at the top gives summary_jpg. Every stem fits in a file
    name with the longest output suffix (outputs.MAX_STEM_BYTES)."""
    folders: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(entries):
        if e.media:
            folders[name_key(os.path.dirname(e.rel))].append(i)
    subfolders = _subfolder_names(e.rel for e in entries if e.media)
    stems: dict[int, str] = {}
    for folder, indices in folders.items():
        taken = set(subfolders.get(folder, ()))
        if folder == "":
            taken |= {name_key(n) for n in RESERVED_TOP_NAMES}
        natural = {i: fit_stem(os.path.splitext(os.path.basename(entries[i].rel))[0]) for i in indices}
        count = Counter(name_key(s) for s in natural.values())
        later = []
        for i in indices:  # first, every clip whose own stem is unique and free keeps it
            names = output_names(natural[i])
            if count[name_key(natural[i])] == 1 and taken.isdisjoint(names):
                stems[i] = natural[i]
                taken.update(names)
            else:
                later.append(i)
        for i in later:  # then the others, in path order
            stems[i] = _free_stem(natural[i], os.path.splitext(entries[i].rel)[1], taken)
            taken.update(output_names(stems[i]))
    return stems


def _free_stem(stem: str, ext: str, taken: set[str]) -> str:
    """The first of <stem>_<ext>, <stem>_<ext>_2, ... whose output names are all free."""
    base = f"_{ext.lstrip('.').lower()}" if ext else ""
    n = 1
    while True:
        tail = base if n == 1 else f"{base}_{n}"
        candidate = truncate_name(stem, MAX_STEM_BYTES - len(tail.encode())) + tail
        if taken.isdisjoint(output_names(candidate)):
            return candidate
        n += 1


def _subfolder_names(rels: Iterable[str]) -> dict[str, set[str]]:
    """For each output folder (as a `name_key` path), the keys of the subfolders mirrored into it."""
    names: dict[str, set[str]] = defaultdict(set)
    for rel in rels:
        parts = rel.split("/")[:-1]
        for depth in range(len(parts)):
            names[name_key("/".join(parts[:depth]))].add(name_key(parts[depth]))
    return names


def records_root(out_root: Path) -> Path:
    """The folder of the done-records."""
    return out_root / STATE_DIR / RECORDS_DIR


def is_batch_output(folder: Path) -> bool:
    """True when `folder` was written by a formcheck batch (it holds the batch's state folder)."""
    return (folder / STATE_DIR).is_dir()
