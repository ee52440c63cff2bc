"""One Job per media file: where its outputs go, whether an earlier run already finished it (resume), and
`run_job`, the per-clip function that analyses it and writes its outputs and done-record.

Resume: after a clip's outputs are complete, its worker writes its done-record,
`OUT/.formcheck/done/<folders>/<stem>.done.json` (atomically; see naming.py), with the input's sha256, the settings hash, the package version and the model sha256.
A later run with the same command skips every clip whose record matches and whose JSON result exists,
and redoes the rest (new clips, changed clips, failed clips, clips of an interrupted run).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import FormCheckError, UsageError
from ..export import sweep_stale_parts, write_json
from ..media import PHOTO_EXTENSIONS
from ..model import file_sha256
from ..settings import Settings
from .discovery import Entry, display_path
from .naming import STATE_DIR, output_location, output_stems, records_root
from .summary import base_row, headline_values, skipped_row

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- planning and resume


@dataclass(frozen=True)
class Job:
    """One clip to analyse: everything the per-clip function needs (picklable, plain paths as str).

    index:         position of the clip in the summary
    rel:           path relative to DIR (display form)
    source:        absolute input path
    out_root:      OUT
    out_dir:       folder for this clip's outputs (inside OUT)
    stem:          file name stem of its outputs
    record:        path of its done-record
    known_sha256:  the input's sha256 when the planner already computed it ('' otherwise)
    """

    index: int
    rel: str
    source: str
    out_root: str
    out_dir: str
    stem: str
    record: str
    settings: Settings
    model_sha256: str
    version: str = __version__
    known_sha256: str = ""


@dataclass
class Plan:
    """Rows already known (skipped files, clips done by an earlier run, unsafe paths) and the jobs to run."""

    rows: dict[int, dict[str, Any]]
    jobs: list[Job]
    resumed: int = 0
    resumed_failed: int = 0
    total: int = 0


def plan(
    entries: Sequence[Entry],
    out_root: Path,
    settings: Settings,
    model_sha256: str,
    force: bool = False,
    retry_failed: bool = False,
    settings_for: Callable[[Entry], Settings] | None = None,
) -> Plan:
    """Jobs for the media entries that need (re)doing; rows for the rest.

    force: redo every clip; retry_failed: redo clips whose recorded outcome is an error (by default an
    error recorded for the same input, settings and version is kept: it would come out the same);
    settings_for: each clip's own settings (e.g. its athlete's stature), else `settings` for all.
    """
    rows: dict[int, dict[str, Any]] = {}
    jobs: list[Job] = []
    resumed = resumed_failed = 0
    stems = output_stems(entries)
    for i, e in enumerate(entries):
        if not e.media:
            rows[i] = skipped_row(e)
            continue
        clip_settings = settings_for(e) if settings_for else settings
        base = base_row(display_path(e.rel), clip_settings, model_sha256)
        try:
            out_dir, record = output_location(out_root, e.rel, stems[i])
        except UsageError as exc:
            rows[i] = base | {"error": str(exc), "error_code": exc.code}
            continue
        job = Job(
            index=i,
            rel=display_path(e.rel),
            source=str(e.path),
            out_root=str(out_root),
            out_dir=str(out_dir),
            stem=stems[i],
            record=str(record),
            settings=clip_settings,
            model_sha256=model_sha256,
        )
        done, sha = (None, "") if force else finished_row(job)
        if done is not None and retry_failed and done.get("status") != "ok":
            done = None
        if done is not None:
            rows[i] = done
            resumed += 1
            resumed_failed += done.get("status") != "ok"
        else:
            jobs.append(replace(job, known_sha256=sha))
    jobs.sort(key=_most_work_first)  # long clips first: fewer idle workers at the end (rows keep path order)
    return Plan(rows=rows, jobs=jobs, resumed=resumed, resumed_failed=resumed_failed, total=len(entries))


#: A photo counts as this many video frames of work when ordering jobs (a 12 MP JPEG to decode and
#: downscale, the model, the annotated JPEG).
PHOTO_FRAMES = 30


def _most_work_first(job: Job) -> tuple[float, int]:
    return -work_in_frames(Path(job.source)), job.index


def work_in_frames(path: Path) -> float:
    """About how many frames of work a file is: a video's frame count from its container header (no
    decoding; the file size is no guide, a 720p clip can be smaller than a phone photo), a photo
    PHOTO_FRAMES, an unreadable file 0 (it fails fast)."""
    if path.suffix.lower() in PHOTO_EXTENSIONS:
        return PHOTO_FRAMES
    try:
        import av

        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            if stream.frames:
                return float(stream.frames)
            seconds = (
                float(stream.duration * stream.time_base)
                if stream.duration and stream.time_base
                else (container.duration or 0) / 1e6
            )
            return seconds * float(stream.average_rate or 30)
    except Exception:
        return 0.0


def finished_row(job: Job) -> tuple[dict[str, Any] | None, str]:
    """(the summary row recorded by an earlier run, sha256) when that run finished this clip with the
    same input, settings, version and model (and, for an ok clip, its JSON result still exists);
    else (None, sha256 or '').

    The input is re-hashed only when its size or modification time differ from the record's.
    """
    try:
        record = json.loads(Path(job.record).read_text(encoding="utf-8"))
        st = os.stat(job.source)
    except (OSError, ValueError):
        return None, ""
    if not isinstance(record, dict) or not isinstance(record.get("row"), dict):
        return None, ""
    same_run = (
        record.get("source") == job.rel
        and record.get("version") == job.version
        and record.get("settings_hash") == job.settings.digest()
        and record.get("model_sha256") == job.model_sha256
        and record.get("render_video") == job.settings.render_video
    )
    if not same_run:
        return None, ""
    if record.get("size") == st.st_size and record.get("mtime_ns") == st.st_mtime_ns:
        sha = record.get("input_sha256", "")
    else:
        sha = file_sha256(Path(job.source))
    result_json = Path(job.out_dir) / f"{job.stem}.json"
    if sha != record.get("input_sha256") or (record["row"].get("status") == "ok" and not result_json.is_file()):
        return None, sha
    if record.get("size") != st.st_size or record.get("mtime_ns") != st.st_mtime_ns:
        with contextlib.suppress(OSError):  # same content, new time stamp: no need to hash it next time
            write_json(job.record, record | {"size": st.st_size, "mtime_ns": st.st_mtime_ns})
    return record["row"], sha


def sweep_partial_files(jobs: Sequence[Job], out_root: Path) -> int:
    """Delete the temporary files (see export.atomic_path) that a killed run left in the folders the jobs
    will write to, and in OUT and its state folder. Run before any job starts. Returns how many were removed."""
    folders = {Path(j.out_dir) for j in jobs} | {Path(j.record).parent for j in jobs}
    folders |= {out_root, out_root / STATE_DIR, records_root(out_root)}
    return sum(sweep_stale_parts(folder) for folder in folders)


# ---------------------------------------------------------------- the per-clip function


@dataclass
class JobOutcome:
    """What `run_job` returns: the summary row, and measurements for the benchmark (not in the summary).

    stats: pid, seconds (wall clock of this clip), cpu_s (CPU time of the worker during it, all threads,
           its decoder process included), frames (through the pose model), peak_rss_mb (of the worker so far)
    """

    index: int
    row: dict[str, Any]
    stats: dict[str, Any] = field(default_factory=dict)


ProgressCallback = Callable[[str, int, int], None]


def run_job(job: Job, on_progress: ProgressCallback | None = None) -> JobOutcome:
    """Analyse one clip and write its outputs and done-record. Never raises for a bad clip: every
    exception becomes an error row carrying its message."""
    from ..media import probe
    from ..model import load_model
    from ..outputs import analyse_to

    started, cpu_started = time.perf_counter(), _cpu_s()
    row = base_row(job.rel, job.settings, job.model_sha256)
    stats: dict[str, Any] = {"pid": os.getpid(), "frames": 0}

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "pose":
            stats["frames"] = max(stats["frames"], done)
        if on_progress is not None:
            on_progress(stage, done, total)

    st: os.stat_result | None = None
    try:
        if job.version != __version__:
            raise UsageError(
                f"this worker runs formcheck {__version__} but the batch was started with "
                f"{job.version}: install the same version on every machine"
            )
        if not os.path.exists(job.source):
            raise UsageError(
                f"{job.source} is not visible to this worker; on a cluster, DIR and OUT "
                f"must be on a file system every machine mounts at the same path"
            )
        forget_previous_result(job)
        st = os.stat(job.source)
        sha = job.known_sha256 or file_sha256(Path(job.source))
        row["input_sha256"] = sha
        info = probe(job.source, job.settings.capture_fps)
        row.update(_media_columns(info))
        model_sha256 = load_model(job.settings.model_path).sha256
        if model_sha256 != job.model_sha256:
            raise UsageError(
                f"this worker's pose model has sha256 {model_sha256[:12]}..., the batch "
                f"was started with {job.model_sha256[:12]}...: use the same model everywhere"
            )
        result, files = analyse_to(job.source, job.settings, job.out_dir, stem=job.stem, on_progress=progress)
        row.update(_media_columns(result.info))
        stats["frames"] = len(result.raw)
        row.update(
            status="ok", kind=result.kind, **headline_values(result.kind, result.result.metrics, result.result.details)
        )
        row["outputs"] = {name: _relative(p, Path(job.out_root)) for name, p in files.named().items()}
        row["warnings"] = list(result.warnings)
        write_record(job, row, st)
    except FormCheckError as exc:
        row.update(status="error", error=str(exc), error_code=exc.code)
        if not isinstance(exc, UsageError) and st is not None and row["input_sha256"]:
            # The clip itself cannot be analysed (unreadable, no person, ...): the same input with the
            # same settings and version fails the same way, so a re-run keeps this row (--retry-failed).
            with contextlib.suppress(OSError):
                write_record(job, row, st)
    except Exception as exc:
        log.debug("internal error on %s:\n%s", job.rel, traceback.format_exc())
        row.update(
            status="error",
            error=f"internal error ({type(exc).__name__}: {exc}); please report it with the clip if you can",
            error_code="internal",
        )
    stats["seconds"] = time.perf_counter() - started
    stats["cpu_s"] = _cpu_s() - cpu_started
    stats["peak_rss_mb"] = _peak_rss_mb()
    return JobOutcome(job.index, row, stats)


def write_record(job: Job, row: dict[str, Any], st: os.stat_result) -> None:
    """The clip's done-record (atomically): its row and what it was computed from."""
    write_json(
        job.record,
        {
            "row": row,
            "input_sha256": row["input_sha256"],
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "settings_hash": job.settings.digest(),
            "version": __version__,
            "model_sha256": job.model_sha256,
            "render_video": job.settings.render_video,
            "source": job.rel,
        },
    )


def forget_previous_result(job: Job) -> None:
    """Before a clip is redone: remove its old done-record and the outputs that record lists, so a clip
    that now fails leaves no stale result from other settings or an older file."""
    record = Path(job.record)
    try:
        old = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    record.unlink(missing_ok=True)
    outputs = old.get("row", {}).get("outputs", {}) if isinstance(old, dict) else {}
    root = os.path.realpath(job.out_root)
    for rel in outputs.values() if isinstance(outputs, dict) else ():
        target = os.path.realpath(os.path.join(job.out_root, str(rel)))
        if os.path.commonpath([root, target]) == root and os.path.isfile(target):
            os.unlink(target)


def _media_columns(info: Any) -> dict[str, Any]:
    if info.is_photo:
        return {"duration_s": None, "fps": None, "frames": 1}
    return {
        "duration_s": round(float(info.duration_s), 3),
        "fps": round(float(info.fps), 3),
        "frames": int(info.frames),
    }


def _relative(path: Path, root: Path) -> str:
    return display_path(os.path.relpath(path, root).replace(os.sep, "/"))


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _cpu_s() -> float:
    """CPU seconds of this process (all threads) and its finished child processes (the decoders)."""
    try:
        import resource
    except ImportError:
        return time.process_time()
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
