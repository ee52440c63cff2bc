"""Analyse an upload or a bundled example once per (file, settings): a disk cache of output folders.

Each result is a folder `<root>/<key>/` (see `view.py`), keyed by the file's sha256, the settings'
digest and the code (formcheck version and the analyses it has). It is built in a hidden temporary
folder and renamed into place when complete, so a half-written entry is never served and two
sessions analysing the same file at once do not clash. Nothing stateful is shared between runs:
each analysis loads its own pose model. No Streamlit here.
"""

from __future__ import annotations

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
from ..settings import Settings
from .view import ENTRY_FILE, ResultFiles, ResultView, read_entry, write_entry

log = logging.getLogger(__name__)

#: Environment variable naming the cache folder (default: <system temp>/formcheck-app-cache).
CACHE_ENV = "FORMCHECK_APP_CACHE"
#: Entries kept; the least recently used beyond this are removed.
KEEP_ENTRIES = 40
#: Unfinished work folders older than this are removed (a crashed or killed run).
STALE_WORK_S = 6 * 3600.0

ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Source:
    """What to analyse.

    name:   file name shown to the user and used to name the outputs
    sha256: hex digest of the file's bytes (an upload's content or an example's .npz)
    origin: 'upload' (data holds the bytes) or 'example' (track is a recorded .npz, media its
            MediaInfo fields from the .json beside it)
    kind:   the analysis an example is meant for, used when the user leaves the analysis on auto
    """

    name: str
    sha256: str
    origin: str
    data: bytes | None = None
    track: Path | None = None
    media: dict[str, Any] | None = None
    kind: str | None = None


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
    work = Path(tempfile.mkdtemp(prefix=f".{key}.", suffix=".work", dir=root))
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
    return read_entry(final, key, from_cache=False)


def _analyse_into(work: Path, source: Source, settings: Settings, on_progress: ProgressCallback | None) -> None:
    from ..outputs import analyse_to, save_outputs
    from ..pipeline import analyse
    from ..sources import TrackSource

    stem = Path(safe_file_name(source.name)).stem
    if source.origin == "example":
        if source.track is None:
            raise ValueError("an example source needs its track path")
        result = analyse(TrackSource(source.track, source.media), settings, on_progress)
        outputs = save_outputs(result, work, stem=stem, on_progress=on_progress, render=settings.render_video)
    else:
        if source.data is None:
            raise ValueError("an upload source needs its bytes")
        inputs = work / "input"
        inputs.mkdir()
        path = inputs / safe_file_name(source.name)
        path.write_bytes(source.data)
        result, outputs = analyse_to(path, settings, work, stem=stem, on_progress=on_progress)
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
    )


def prune(root: Path, keep: int = KEEP_ENTRIES) -> None:
    """Remove the least recently used entries beyond `keep`, and stale unfinished work folders."""
    now = time.time()
    entries = []
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        try:
            mtime = folder.stat().st_mtime
        except OSError:
            continue
        if folder.name.startswith("."):
            if now - mtime > STALE_WORK_S:
                shutil.rmtree(folder, ignore_errors=True)
            continue
        entries.append((mtime, folder))
    entries.sort(reverse=True)
    for _, folder in entries[max(0, keep) :]:
        shutil.rmtree(folder, ignore_errors=True)
