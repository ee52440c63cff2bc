"""Analyse an upload or a bundled example once per (file, settings): a disk cache of output folders.

Each result is a folder `<root>/<key>/` (see `view.py`), keyed by the file's sha256, the settings'
digest and the code (formcheck version and the analyses it has). It is built in a hidden temporary
folder and renamed into place when complete, so a half-written entry is never served and two
sessions analysing the same file at once do not clash. Nothing stateful is shared between runs:
each analysis loads its own pose model. No Streamlit here.

Bounds: at most KEEP_ENTRIES entries and `cache_budget_bytes()` bytes (least recently used removed
first). A work folder (with the upload's copy in it) whose server process has ended (a restart, a
crash) is removed at the next analysis, and so is any left for more than STALE_WORK_S.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..kinds import kind_names
from ..processes import TAG_PATTERN, process_tag, writer_alive
from ..settings import Settings
from ..store.dates import FILE_TIME, ClipDate, clip_date
from .view import ENTRY_FILE, ResultFiles, ResultView, read_entry, write_entry

log = logging.getLogger(__name__)

#: Environment variable naming the cache folder (default: <system temp>/formcheck-app-cache).
CACHE_ENV = "FORMCHECK_APP_CACHE"
#: Entries kept; the least recently used beyond this are removed.
KEEP_ENTRIES = 40
#: Environment variable: the cache's size limit in MB (default DEFAULT_CACHE_MB).
CACHE_LIMIT_ENV = "FORMCHECK_APP_CACHE_MB"
#: Size limit of the cache by default: about ten results of 2-3 minute clips (an annotated 3-minute
#: MP4 is about 100 MB); the cache lives in the temporary folder, which may be held in memory.
DEFAULT_CACHE_MB = 1024
#: Unfinished work folders older than this are removed whoever made them (a hung run).
STALE_WORK_S = 6 * 3600.0
#: `.<key>.<pid>.<token>-<random>.work`: an unfinished entry and the server process building it.
_WORK_NAME = re.compile(rf"^\.(?P<key>[^.]+)\.{TAG_PATTERN}-[a-z0-9_]+\.work$")

ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Source:
    """What to analyse.

    name:   file name shown to the user and used to name the outputs
    sha256: hex digest of the file's bytes (an upload's content or an example's .npz)
    origin: 'upload' (data holds the bytes) or 'example' (track is a recorded .npz, media its
            MediaInfo fields from the .json beside it)
    kind:   the analysis an example is meant for, used when the user leaves the analysis on auto
    generator: a synthetic example's name (`formcheck.synthetic.EXAMPLES`) instead of a track
    """

    name: str
    sha256: str
    origin: str
    data: bytes | None = None
    track: Path | None = None
    media: dict[str, Any] | None = None
    kind: str | None = None
    generator: str | None = None


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_source(name: str, data: bytes, sha256: str | None = None) -> Source:
    return Source(name=name, sha256=sha256 or sha256_bytes(data), origin="upload", data=data)


def cache_root() -> Path:
    """$FORMCHECK_APP_CACHE, else a folder in the system's temporary directory (created)."""
    root = Path(os.environ.get(CACHE_ENV) or Path(tempfile.gettempdir()) / "formcheck-app-cache")
    root.mkdir(parents=True, exist_ok=True)
    return root


def code_digest() -> str:
    """Changes when results could change without the file or settings changing."""
    text = f"{__version__}|{','.join(kind_names())}"
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def effective_settings(source: Source, settings: Settings) -> Settings:
    """The settings an analysis runs with: an example left on auto runs the analysis it is meant for."""
    if settings.kind == "auto" and source.kind and source.kind in kind_names():
        return settings.with_kind(source.kind)
    return settings


def cache_key(source: Source, settings: Settings) -> str:
    """The file's hash, the digest of the settings it runs with, and the code's digest."""
    return f"{source.sha256[:32]}-{effective_settings(source, settings).digest()}-{code_digest()}"


def safe_file_name(name: str, limit: int = 100) -> str:
    """The base name with anything but letters, digits, '-', '_' and '.' replaced by '_'."""
    base = Path(name.replace("\\", "/")).name
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".") or "upload"
    stem, suffix = os.path.splitext(clean)
    return (stem[: max(1, limit - len(suffix))] or "upload") + suffix


def cached_result(key: str, root: Path | None = None) -> ResultView | None:
    """The cached result for `key`, or None."""
    folder = (root or cache_root()) / key
    if not (folder / ENTRY_FILE).is_file():
        return None
    try:
        os.utime(folder)  # most recently used
        return read_entry(folder, key, from_cache=True)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("ignoring a damaged cache entry %s: %s", folder, exc)
        shutil.rmtree(folder, ignore_errors=True)
        return None


def analyse_cached(
    source: Source, settings: Settings, on_progress: ProgressCallback | None = None, root: Path | None = None
) -> ResultView:
    """The result for (source, settings): from the cache, else analysed, rendered and cached.

    Raises what `pipeline.analyse` raises (FormCheckError for inputs that cannot
    be analysed); nothing is cached then.
    """
    root = root or cache_root()
    settings = effective_settings(source, settings)
    key = cache_key(source, settings)
    hit = cached_result(key, root)
    if hit is not None:
        return hit
    prune(root, keep=KEEP_ENTRIES - 1)
    work = Path(tempfile.mkdtemp(prefix=f".{key}.{process_tag()}-", suffix=".work", dir=root))
    try:
        _analyse_into(work, source, settings, on_progress)
        final = root / key
        try:
            os.rename(work, final)
        except OSError:  # another session finished the same analysis first
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    prune(root, keep=KEEP_ENTRIES, protect=key)  # the new entry counts now (and stays, however large)
    return read_entry(final, key, from_cache=False)


def _analyse_into(work: Path, source: Source, settings: Settings, on_progress: ProgressCallback | None) -> None:
    from ..outputs import analyse_to, save_outputs
    from ..pipeline import analyse
    from ..sources import PoseSource, TrackSource
    from ..synthetic import example_source as example_pose_source

    recorded: ClipDate | None = None
    stem = Path(safe_file_name(source.name)).stem
    if source.origin == "example":
        if source.generator is not None:
            pose_source: PoseSource = example_pose_source(source.generator)
        elif source.track is not None:
            pose_source = TrackSource(source.track, source.media)
        else:
            raise ValueError("an example source needs its track path or generator")
        result = analyse(pose_source, settings, on_progress)
        outputs = save_outputs(result, work, stem=stem, on_progress=on_progress, render=settings.render_video)
    else:
        if source.data is None:
            raise ValueError("an upload source needs its bytes")
        inputs = work / "input"
        inputs.mkdir()
        path = inputs / safe_file_name(source.name)
        path.write_bytes(source.data)
        result, outputs = analyse_to(path, settings, work, stem=stem, on_progress=on_progress)
        recorded = upload_date(path)
    shutil.rmtree(work / "input", ignore_errors=True)
    files = ResultFiles(json=outputs.json, annotated=outputs.annotated, chart=outputs.chart, tables=outputs.tables)
    write_entry(
        work,
        name=source.name,
        origin=source.origin,
        stem=stem,
        files=files,
        times_s=result.seq.timestamps_s,
        series=result.result.series,
        recorded_at=recorded.when if recorded else None,
        date_source=recorded.source if recorded else "",
        input_sha256=source.sha256 if source.origin == "upload" else "",
    )


#: Where an upload's date came from when its metadata has none (the copy's file time is the upload's).
UPLOAD_TIME = "time of upload"


def upload_date(path: Path) -> ClipDate:
    """When an upload (its temporary copy at `path`) was recorded: its metadata's date (`clip_date`),
    else the time it was uploaded (the copy was just written), said so in `source`."""
    found = clip_date(path)
    return ClipDate(found.when, UPLOAD_TIME) if found.source == FILE_TIME else found


def cache_budget_bytes() -> int:
    """The cache's size limit: $FORMCHECK_APP_CACHE_MB if set, else DEFAULT_CACHE_MB, in bytes."""
    text = os.environ.get(CACHE_LIMIT_ENV, "").strip()
    mb = int(text) if text.isdigit() and int(text) > 0 else DEFAULT_CACHE_MB
    return mb * 1024 * 1024


def prune(root: Path, keep: int = KEEP_ENTRIES, max_bytes: int | None = None, protect: str = "") -> None:
    """Remove the least recently used entries until at most `keep` are left and they take at most
    `max_bytes` (default `cache_budget_bytes()`), never the entry `protect`; and remove abandoned work
    folders (`is_abandoned_work`)."""
    budget = cache_budget_bytes() if max_bytes is None else max_bytes
    entries = []
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        if folder.name.startswith("."):
            if is_abandoned_work(folder):
                shutil.rmtree(folder, ignore_errors=True)
            continue
        try:
            entries.append((folder.stat().st_mtime, folder, folder_bytes(folder)))
        except OSError:
            continue
    entries.sort(key=lambda e: e[0], reverse=True)  # most recently used first
    total = 0
    for count, (_, folder, size) in enumerate(entries, start=1):
        total += size
        if folder.name != protect and (count > keep or total > budget):
            shutil.rmtree(folder, ignore_errors=True)
            total -= size


def is_abandoned_work(folder: Path) -> bool:
    """True for an unfinished work folder whose server process has ended, or that is older than
    STALE_WORK_S (a hung run, or one another machine left in a shared cache)."""
    try:
        age = time.time() - folder.stat().st_mtime
    except OSError:
        return False
    if age > STALE_WORK_S:
        return True
    match = _WORK_NAME.match(folder.name)
    return match is not None and not writer_alive(int(match["pid"]), match["token"])


def folder_bytes(folder: Path) -> int:
    """Bytes of the files in a folder and its subfolders."""
    total = 0
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total
