"""`formcheck batch DIR --out OUT`: every photo and video under a folder, in parallel, resumable.

Stages, one function each:

    discover(DIR)        every file under DIR (recursive, sorted): media to analyse, the rest skipped with a reason
    plan(...)            one Job per media file: where its outputs go (mirroring DIR's folders under OUT,
                         never outside OUT), and whether an earlier run already finished it (resume)
    run_job(job)         the per-clip function: hash, analyse, save outputs, write the done-record;
                         every exception becomes an error row (one bad clip never stops the others)
    LocalEngine / Ray    run the jobs: a process pool here, or Ray tasks (`batch_ray.py`) on a cluster
    write_summary(...)   OUT/summary.csv (fixed columns) and OUT/summary.json

Resume: after a clip's outputs are complete, its worker writes `OUT/.formcheck/<rel>.done.json`
(atomically) with the input's sha256, the settings hash, the package version and the model sha256.
A later run with the same command skips every clip whose record matches and whose JSON result exists,
and redoes the rest (new clips, changed clips, failed clips, clips of an interrupted run).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import json
import logging
import multiprocessing
import os
import signal
import stat
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from . import __version__
from .analysis import HEADLINE_METRICS
from .cli import EXIT_FAILED, EXIT_OK, add_settings_arguments, settings_from_args
from .config import Settings
from .errors import FormCheckError, UsageError
from .export import csv_text, to_jsonable, write_json, write_text_atomic
from .media import PHOTO_EXTENSIONS, SUPPORTED_TEXT, VIDEO_EXTENSIONS
from .model import file_sha256

log = logging.getLogger(__name__)

#: summary.csv has one column per headline metric of every kind (analysis.HEADLINE_METRICS). A clip
#: fills the columns of its own kind (a value is looked up in the result's metrics, then in its
#: details); the others stay empty.
METRIC_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(m for ms in HEADLINE_METRICS.values() for m in ms))
SUMMARY_COLUMNS: tuple[str, ...] = ("path", "status", "kind", "error", "duration_s", "fps", *METRIC_COLUMNS,
                                    "version", "model_sha256", "settings_hash", "input_sha256")
STATUSES = ("ok", "error", "skipped")

#: Hidden folder under OUT holding one done-record per finished clip (and the lock of a running batch).
STATE_DIR = ".formcheck"
RECORD_SUFFIX = ".done.json"
#: Decimal places kept for float metrics in the summary (well below any metric's precision).
SUMMARY_DECIMALS = 4
#: Seconds between two frame-progress messages from one worker.
PROGRESS_INTERVAL_S = 0.25

EXIT_INTERRUPTED = 130


# ---------------------------------------------------------------- discovery

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
                entries.append(Entry(_rel(root, full), full, "", "a link to a folder: links to folders are not "
                                     "followed; move or copy the folder itself into the batch folder"))
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
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


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


def output_location(out_root: Path, rel: str, stem: str) -> tuple[Path, Path]:
    """(output folder, done-record path) of the clip at `rel` (relative to DIR) under OUT.

    Raises UsageError when the location would leave OUT: a '..' or absolute component, or a link
    inside OUT (to a folder elsewhere) on the way.
    """
    parts = rel.split("/")
    if not parts or any(p in ("", ".", "..") for p in parts) or os.path.isabs(rel):
        raise UsageError(f"{display_path(rel)}: odd path component; rename it")
    out_dir = out_root.joinpath(*parts[:-1])
    record = out_root.joinpath(STATE_DIR, *parts[:-1], parts[-1] + RECORD_SUFFIX)
    real_root = os.path.realpath(out_root)
    for target in (out_dir, record.parent):
        real = os.path.realpath(target)
        if os.path.commonpath([real_root, real]) != real_root:
            raise UsageError(f"the output folder for {display_path(rel)} would be {real}, outside {out_root} "
                             f"(a link inside the output folder?); remove the link or choose another --out")
    return out_dir, record


def output_stems(entries: Sequence[Entry]) -> dict[int, str]:
    """Output file stem per media entry index: the file's stem, or stem_ext when two media files in one
    folder share a stem (clip.mp4 and clip.jpg would otherwise write the same clip.json)."""
    seen: dict[tuple[str, str], int] = {}
    for e in entries:
        if e.media:
            key = (os.path.dirname(e.rel), os.path.splitext(os.path.basename(e.rel))[0])
            seen[key] = seen.get(key, 0) + 1
    stems = {}
    for i, e in enumerate(entries):
        if e.media:
            base, ext = os.path.splitext(os.path.basename(e.rel))
            clash = seen[(os.path.dirname(e.rel), base)] > 1
            stems[i] = f"{base}_{ext.lstrip('.').lower()}" if clash else base
    return stems


def plan(entries: Sequence[Entry], out_root: Path, settings: Settings, model_sha256: str,
         force: bool = False, retry_failed: bool = False) -> Plan:
    """Jobs for the media entries that need (re)doing; rows for the rest.

    force: redo every clip; retry_failed: redo clips whose recorded outcome is an error (by default an
    error recorded for the same input, settings and version is kept: it would come out the same).
    """
    rows: dict[int, dict[str, Any]] = {}
    jobs: list[Job] = []
    resumed = resumed_failed = 0
    stems = output_stems(entries)
    for i, e in enumerate(entries):
        if not e.media:
            rows[i] = skipped_row(e)
            continue
        base = base_row(display_path(e.rel), settings, model_sha256)
        try:
            out_dir, record = output_location(out_root, e.rel, stems[i])
        except UsageError as exc:
            rows[i] = base | {"error": str(exc), "error_code": exc.code}
            continue
        job = Job(index=i, rel=display_path(e.rel), source=str(e.path), out_root=str(out_root),
                  out_dir=str(out_dir), stem=stems[i],
                  record=str(record), settings=settings, model_sha256=model_sha256)
        done, sha = (None, "") if force else finished_row(job)
        if done is not None and retry_failed and done.get("status") != "ok":
            done = None
        if done is not None:
            rows[i] = done
            resumed += 1
            resumed_failed += done.get("status") != "ok"
        else:
            jobs.append(replace(job, known_sha256=sha))
    jobs.sort(key=_largest_first)  # long clips first: fewer idle workers at the end (rows keep path order)
    return Plan(rows=rows, jobs=jobs, resumed=resumed, resumed_failed=resumed_failed, total=len(entries))


def _largest_first(job: Job) -> tuple[int, int]:
    try:
        size = os.path.getsize(job.source)
    except OSError:
        size = 0
    return -size, job.index


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
    same_run = (record.get("version") == job.version and record.get("settings_hash") == job.settings.digest()
                and record.get("model_sha256") == job.model_sha256
                and record.get("render_video") == job.settings.render_video)
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
    """Delete temp files (`.<stem>.<random>.part<ext>`, see export.atomic_path) left by a killed run in
    the folders the jobs will write to. Run before any job starts. Returns how many were removed."""
    folders = {Path(j.out_dir) for j in jobs} | {Path(j.record).parent for j in jobs} | {out_root}
    removed = 0
    for folder in folders:
        for tmp in folder.glob(".*.part*") if folder.is_dir() else ():
            with contextlib.suppress(OSError):
                tmp.unlink()
                removed += 1
    return removed


# ---------------------------------------------------------------- rows

def base_row(rel: str, settings: Settings, model_sha256: str) -> dict[str, Any]:
    """A row with every summary column (empty), status 'error' until the clip succeeds."""
    row: dict[str, Any] = {c: None for c in SUMMARY_COLUMNS}
    row.update(path=rel, status="error", kind=settings.kind if settings.kind != "auto" else None,
               version=__version__, model_sha256=model_sha256, settings_hash=settings.digest())
    return row


def skipped_row(entry: Entry) -> dict[str, Any]:
    row: dict[str, Any] = {c: None for c in SUMMARY_COLUMNS}
    row.update(path=display_path(entry.rel), status="skipped", error=entry.reason, error_code="skipped")
    return row


def headline_values(kind: str, metrics: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
    """The summary's metric columns of `kind`, from the result's metrics (else its details)."""
    values = {}
    for name in HEADLINE_METRICS.get(kind, ()):
        value = metrics.get(name, details.get(name))
        values[name] = _summary_value(value)
    return values


def _summary_value(value: Any) -> Any:
    value = to_jsonable(value)
    if isinstance(value, float):
        return round(value, SUMMARY_DECIMALS)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


# ---------------------------------------------------------------- the per-clip function

@dataclass
class JobOutcome:
    """What `run_job` returns: the summary row, and measurements for the benchmark (not in the summary).

    stats: pid, seconds (wall clock of this clip), cpu_s (CPU time of the worker during it, all threads),
           frames (through the pose model), peak_rss_mb (of the worker so far)
    """

    index: int
    row: dict[str, Any]
    stats: dict[str, Any] = field(default_factory=dict)


ProgressCallback = Callable[[str, int, int], None]


def run_job(job: Job, on_progress: ProgressCallback | None = None) -> JobOutcome:
    """Analyse one clip and write its outputs and done-record. Never raises for a bad clip: every
    exception becomes an error row carrying its message."""
    from .media import probe
    from .outputs import save_outputs
    from .pipeline import analyse

    started, cpu_started = time.perf_counter(), time.process_time()
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
            raise UsageError(f"this worker runs formcheck {__version__} but the batch was started with "
                             f"{job.version}: install the same version on every machine")
        if not os.path.exists(job.source):
            raise UsageError(f"{job.source} is not visible to this worker; on a cluster, DIR and OUT "
                             f"must be on a file system every machine mounts at the same path")
        forget_previous_result(job)
        st = os.stat(job.source)
        sha = job.known_sha256 or file_sha256(Path(job.source))
        row["input_sha256"] = sha
        info = probe(job.source, job.settings.capture_fps)
        row.update(_media_columns(info))
        result = analyse(job.source, job.settings, on_progress=progress)
        if result.model.sha256 != job.model_sha256:
            raise UsageError(f"this worker's pose model has sha256 {result.model.sha256[:12]}..., the batch "
                             f"was started with {job.model_sha256[:12]}...: use the same model everywhere")
        row.update(_media_columns(result.info))
        stats["frames"] = len(result.raw)
        files = save_outputs(result, job.out_dir, stem=job.stem, on_progress=progress,
                             render=job.settings.render_video)
        row.update(status="ok", kind=result.kind,
                   **headline_values(result.kind, result.result.metrics, result.result.details))
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
    except Exception as exc:  # noqa: BLE001 - one bad clip must never stop the batch: it becomes a row
        log.debug("internal error on %s:\n%s", job.rel, traceback.format_exc())
        row.update(status="error", error=f"internal error ({type(exc).__name__}: {exc}); please report it "
                   f"with the clip if you can", error_code="internal")
    stats["seconds"] = time.perf_counter() - started
    stats["cpu_s"] = time.process_time() - cpu_started  # all threads of this worker
    stats["peak_rss_mb"] = _peak_rss_mb()
    return JobOutcome(job.index, row, stats)


def write_record(job: Job, row: dict[str, Any], st: os.stat_result) -> None:
    """The clip's done-record (atomically): its row and what it was computed from."""
    write_json(job.record, {"row": row, "input_sha256": row["input_sha256"], "size": st.st_size,
                            "mtime_ns": st.st_mtime_ns, "settings_hash": job.settings.digest(),
                            "version": __version__, "model_sha256": job.model_sha256,
                            "render_video": job.settings.render_video, "source": job.rel})


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
    return {"duration_s": round(float(info.duration_s), 3), "fps": round(float(info.fps), 3),
            "frames": int(info.frames)}


def _relative(path: Path, root: Path) -> str:
    return display_path(os.path.relpath(path, root).replace(os.sep, "/"))


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


# ---------------------------------------------------------------- engines

class Sink(Protocol):
    """Where an engine reports: a clip started, frames progressed, a clip finished."""

    def started(self, job: Job) -> None: ...

    def progress(self, job: Job, stage: str, done: int, total: int) -> None: ...

    def finished(self, job: Job, outcome: JobOutcome) -> None: ...


JobFunction = Callable[[Job, "ProgressCallback | None"], JobOutcome]


def crash_outcome(job: Job, what: str) -> JobOutcome:
    row = base_row(job.rel, job.settings, job.model_sha256)
    row.update(error=f"the worker process {what} while analysing this clip (out of memory, or a crash in the "
                     f"video decoder or pose model); the other clips were not affected",
               error_code="worker_crashed")
    return JobOutcome(job.index, row)


def failed_outcome(job: Job, exc: BaseException) -> JobOutcome:
    """An error row for an exception that escaped the job function (e.g. a result that cannot be sent back)."""
    row = base_row(job.rel, job.settings, job.model_sha256)
    row.update(error=f"internal error ({type(exc).__name__}: {exc})", error_code="internal")
    return JobOutcome(job.index, row)


class Interrupted(Exception):
    """Ctrl-C (or SIGTERM) during a batch: the engine stopped its workers."""


_events: Any = None  # the worker's queue to the main process (set by _worker_init)


def _worker_init(events: Any, log_level: int) -> None:
    """Process-pool worker set-up: Ctrl-C is the main process's business; log like the main process;
    report our pid."""
    global _events
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if log_level > logging.INFO:
        _silence_native_stderr()
    logging.basicConfig(level=log_level, format="formcheck: %(levelname)s: %(message)s")
    logging.captureWarnings(True)  # numpy RuntimeWarnings etc. go to the log, not the terminal
    _events = events
    events.put(("hello", os.getpid()))


def _silence_native_stderr() -> None:
    """Send the C++ libraries' own log lines (mediapipe/TFLite/absl warnings, which pose.py silences only
    around model start-up) to /dev/null in this worker; Python's sys.stderr keeps the terminal."""
    try:
        sys.stderr.flush()
        terminal = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError):  # no real stderr: nothing to silence
        return
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(terminal, "w", buffering=1, encoding=sys.stderr.encoding or "utf-8",
                           errors="backslashreplace")


def worker_log_level() -> int:
    """Workers log errors only (a clip's warnings are in its row and JSON), unless -v asked for more."""
    level = logging.getLogger().getEffectiveLevel()
    return level if level <= logging.INFO else logging.ERROR


def _pool_task(job: Job, job_function: JobFunction) -> JobOutcome:
    events = _events
    events.put(("start", job.index, os.getpid()))
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL_S or (total and done >= total):
            last[0] = now
            events.put(("progress", job.index, stage, done, total))

    return job_function(job, progress)


@dataclass
class LocalEngine:
    """A process pool on this machine ('spawn' start method: each worker a fresh interpreter with its
    own landmarker; mediapipe is never forked). A worker that dies (segfault, out of memory) costs only
    the clip it was on: the pool is rebuilt, the clips that were running are retried one at a time,
    and a clip that kills its worker again becomes an error row."""

    workers: int
    job_function: JobFunction = run_job
    start_method: str = "spawn"

    def run(self, jobs: Sequence[Job], sink: Sink) -> None:
        pending = list(jobs)
        suspects: list[Job] = []
        while pending:
            crashed, left = self._run_pool(pending, self.workers, sink)
            if crashed == [] and len(left) == len(pending):  # the pool cannot even start
                for job in left:
                    sink.finished(job, crash_outcome(job, "could not start"))
                left = []
            suspects += crashed
            pending = left
        for job in suspects:  # alone, so a crash is this clip's own
            crashed, left = self._run_pool([job], 1, sink)
            for lost in crashed + left:
                sink.finished(lost, crash_outcome(lost, "crashed twice"))

    def _run_pool(self, jobs: Sequence[Job], workers: int, sink: Sink) -> tuple[list[Job], list[Job]]:
        """Run jobs until done or the pool breaks. Returns (jobs running when it broke, jobs not started)."""
        ctx = multiprocessing.get_context(self.start_method)
        events = ctx.SimpleQueue()  # unbuffered: a 'start' sent just before a crash is not lost
        pids: set[int] = set()
        running: dict[int, Job] = {}
        by_index = {j.index: j for j in jobs}
        pool = cf.ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))), mp_context=ctx,
                                      initializer=_worker_init,
                                      initargs=(events, worker_log_level()))
        futures = {pool.submit(_pool_task, job, self.job_function): job for job in jobs}
        broken = False
        try:
            while futures and not broken:
                done, _ = cf.wait(list(futures), timeout=0.2, return_when=cf.FIRST_COMPLETED)
                self._drain(events, pids, running, by_index, sink)
                for fut in done:
                    exc = fut.exception()
                    if isinstance(exc, cf.process.BrokenProcessPool):
                        broken = True
                        continue
                    job = futures.pop(fut)
                    running.pop(job.index, None)
                    sink.finished(job, fut.result() if exc is None else failed_outcome(job, exc))
        except KeyboardInterrupt:
            self._drain(events, pids, running, by_index, sink)
            self._stop(pool, pids)
            events.close()
            raise Interrupted from None
        pool.shutdown(wait=True, cancel_futures=True)
        self._drain(events, pids, running, by_index, sink)
        events.close()
        unfinished = []
        for fut, job in futures.items():
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                running.pop(job.index, None)
                sink.finished(job, fut.result())
            else:
                unfinished.append(job)
        crashed = [j for j in unfinished if j.index in running]
        return crashed, [j for j in unfinished if j.index not in running]

    @staticmethod
    def _drain(events: Any, pids: set[int], running: dict[int, Job], by_index: dict[int, Job], sink: Sink) -> None:
        while True:
            try:
                if events.empty():
                    return
                event = events.get()
            except (OSError, ValueError, EOFError):
                return
            if event[0] == "hello":
                pids.add(event[1])
            elif event[0] == "start":
                job = by_index[event[1]]
                running[job.index] = job
                pids.add(event[2])
                sink.started(job)
            elif event[0] == "progress":
                sink.progress(by_index[event[1]], *event[2:])

    @staticmethod
    def _stop(pool: cf.ProcessPoolExecutor, pids: set[int]) -> None:
        """Ctrl-C: stop the workers now (their half-written temp files are swept by the next run)."""
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
        pool.shutdown(wait=True, cancel_futures=True)


class SerialEngine:
    """Jobs one after the other in this process (--workers 0: for debugging and profiling)."""

    def __init__(self, job_function: JobFunction = run_job) -> None:
        self.job_function = job_function

    def run(self, jobs: Sequence[Job], sink: Sink) -> None:
        try:
            for job in jobs:
                sink.started(job)
                sink.finished(job, self.job_function(job, lambda s, d, t, job=job: sink.progress(job, s, d, t)))
        except KeyboardInterrupt:
            raise Interrupted from None


# ---------------------------------------------------------------- progress and summary

class BatchProgress:
    """Collects outcomes in summary order; shows tqdm bars (clips with ETA, frames/s) and one line per clip."""

    def __init__(self, plan_: Plan, bars: bool, lines: bool) -> None:
        self.rows: dict[int, dict[str, Any]] = dict(plan_.rows)
        self.stats: dict[int, dict[str, Any]] = {}
        self.lines = lines
        self._frames: dict[int, int] = {}
        self._totals: dict[int, int] = {}
        self.clip_bar = self.frame_bar = None
        if bars and plan_.jobs:
            from tqdm import tqdm

            self.clip_bar = tqdm(total=len(plan_.jobs), desc="clips", unit="clip", dynamic_ncols=True, position=0)
            self.frame_bar = tqdm(total=0, desc="frames", unit="frame", dynamic_ncols=True, position=1)

    def started(self, job: Job) -> None:
        pass

    def progress(self, job: Job, stage: str, done: int, total: int) -> None:
        if stage != "pose":
            return
        self._totals[job.index] = total
        self._frames[job.index] = done
        self._refresh_frames()

    def finished(self, job: Job, outcome: JobOutcome) -> None:
        self.rows[job.index] = outcome.row
        self.stats[job.index] = outcome.stats
        frames = int(outcome.stats.get("frames") or self._frames.get(job.index, 0))
        self._frames[job.index] = self._totals[job.index] = frames
        self._refresh_frames()
        if self.clip_bar is not None:
            self.clip_bar.update(1)
        if self.lines:
            self._write(clip_line(outcome.row))

    def _refresh_frames(self) -> None:
        if self.frame_bar is None:
            return
        self.frame_bar.total = max(sum(self._totals.values()), 1)
        self.frame_bar.update(sum(self._frames.values()) - self.frame_bar.n)

    def _write(self, text: str) -> None:
        if self.clip_bar is not None:
            from tqdm import tqdm

            tqdm.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        for bar in (self.frame_bar, self.clip_bar):
            if bar is not None:
                bar.close()


def clip_line(row: dict[str, Any]) -> str:
    if row["status"] == "ok":
        return f"ok     {row['path']} ({row['kind']})"
    return f"{row['status']:<6} {row['path']}: {row['error']}"


def summary_rows(rows: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    return [rows[i] for i in sorted(rows)]


def counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    return {s: sum(r["status"] == s for r in rows) for s in STATUSES}


def write_summary(out_root: Path, rows: Sequence[dict[str, Any]], settings: Settings, model_sha256: str,
                  input_dir: Path) -> tuple[Path, Path]:
    """OUT/summary.csv (SUMMARY_COLUMNS, one row per input in path order) and OUT/summary.json (the same
    rows plus error codes, frame counts, output files and capture warnings)."""
    csv_path = write_text_atomic(out_root / "summary.csv", csv_text(list(rows), SUMMARY_COLUMNS) or
                                 ",".join(SUMMARY_COLUMNS) + "\n")
    json_path = write_json(out_root / "summary.json", {
        "version": __version__, "input_dir": display_path(str(input_dir)), "columns": list(SUMMARY_COLUMNS),
        "counts": counts(rows), "settings": settings.to_json(), "settings_hash": settings.digest(),
        "model_sha256": model_sha256, "rows": list(rows)})
    return csv_path, json_path


# ---------------------------------------------------------------- command line

def configure_parser(parser: argparse.ArgumentParser) -> None:
    """The `formcheck batch` arguments."""
    parser.description = ("Analyse every photo and video under a folder (recursively), in parallel. Outputs "
                          "mirror the folder under --out, with summary.csv and summary.json. Running the "
                          "same command again skips the clips already done and processes the rest.")
    parser.add_argument("folder", metavar="DIR", help="folder of photos and videos (searched recursively)")
    parser.add_argument("--out", required=True, metavar="OUT", help="output folder (created if needed)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="clips analysed at the same time (default: the number of CPU cores; 0: one by one "
                             "in this process, for debugging; with --engine ray, the number of tasks in flight, "
                             "default all)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="local process pool (default) or Ray tasks on a cluster (pip install "
                             "'formcheck[ray]')")
    parser.add_argument("--address", help="Ray cluster address (e.g. 10.0.0.5:6379 or ray://host:10001); "
                                          "default: $RAY_ADDRESS, else a Ray instance on this machine")
    parser.add_argument("--force", action="store_true", help="redo every clip, even those already done")
    parser.add_argument("--retry-failed", action="store_true",
                        help="redo the clips that failed in an earlier run (by default an unchanged clip that "
                             "could not be analysed with the same settings is not tried again)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or per-clip lines")
    add_settings_arguments(parser)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass
class BatchReport:
    """What a batch run produced (for the CLI and the benchmark)."""

    rows: list[dict[str, Any]]
    stats: dict[int, dict[str, Any]]
    resumed: int
    processed: int
    seconds: float
    csv_path: Path
    json_path: Path
    resumed_failed: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.rows)


def run(args: argparse.Namespace) -> int:
    """`formcheck batch`: exit 0 when every clip is ok, 1 when any failed, 2 on bad usage, 130 on Ctrl-C."""
    settings = settings_from_args(args)
    input_dir, out_root = Path(args.folder), Path(args.out)
    if args.address and args.engine != "ray":
        raise UsageError("--address is for --engine ray")
    if args.workers is not None and args.workers < (1 if args.engine == "ray" else 0):
        raise UsageError(f"--workers must be 1 or more (0 with the local engine: one clip at a time in this "
                         f"process, for debugging), got {args.workers}")
    engine: Any
    if args.engine == "ray":
        from .batch_ray import RayEngine

        engine = RayEngine(address=args.address, max_in_flight=args.workers)
    elif args.workers == 0:
        engine = SerialEngine()
    else:
        engine = LocalEngine(workers=args.workers or default_workers())
    show = not args.quiet
    try:
        report = run_batch(input_dir, out_root, settings, engine, force=args.force, retry_failed=args.retry_failed,
                           bars=show and sys.stderr.isatty(), lines=show)
    except Interrupted:
        print(f"formcheck: batch interrupted. Finished clips are saved in {out_root}; run the same command "
              f"again to resume (finished clips are skipped):\n  formcheck batch {_quote(input_dir)} --out "
              f"{_quote(out_root)} [same options]", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(summary_text(report, out_root))
    return EXIT_OK if report.counts["error"] == 0 else EXIT_FAILED


def run_batch(input_dir: Path, out_root: Path, settings: Settings, engine: Any, force: bool = False,
              retry_failed: bool = False, bars: bool = False, lines: bool = False) -> BatchReport:
    """Discover, plan, run the jobs on `engine`, write the summary. Raises UsageError for a bad folder or
    unavailable analysis, Interrupted on Ctrl-C (finished clips stay recorded)."""
    from .analysis import available_kinds
    from .model import load_model

    started = time.perf_counter()
    check_folders(input_dir, out_root)
    kinds = available_kinds()
    if settings.kind != "auto" and settings.kind not in kinds:
        raise UsageError(f"the '{settings.kind}' analysis is not available in this version of formcheck "
                         f"(available: {', '.join(kinds) or 'none'})")
    if settings.kind == "auto" and not [k for k in kinds if k != "pose"]:
        raise UsageError("--kind auto: no analysis is available in this version of formcheck (only "
                         "'pose', landmarks only); use --kind pose")
    model_sha = load_model(settings.model_path).sha256
    entries = discover(input_dir, exclude=[out_root])
    if not any(e.media for e in entries):
        raise UsageError(f"no photos or videos found under {input_dir} ({len(entries)} other files); formcheck "
                         f"reads {SUPPORTED_TEXT}")
    out_root.mkdir(parents=True, exist_ok=True)
    with batch_lock(out_root):
        the_plan = plan(entries, out_root, settings, model_sha, force=force, retry_failed=retry_failed)
        sweep_partial_files(the_plan.jobs, out_root)
        sink = BatchProgress(the_plan, bars=bars, lines=lines)
        try:
            with _sigterm_as_interrupt():
                engine.run(the_plan.jobs, sink)
        finally:
            sink.close()
        rows = summary_rows(sink.rows)
        csv_path, json_path = write_summary(out_root, rows, settings, model_sha, input_dir)
    return BatchReport(rows=rows, stats=sink.stats, resumed=the_plan.resumed, processed=len(the_plan.jobs),
                       seconds=time.perf_counter() - started, csv_path=csv_path, json_path=json_path,
                       resumed_failed=the_plan.resumed_failed)


def check_folders(input_dir: Path, out_root: Path) -> None:
    if not input_dir.is_dir():
        what = "does not exist" if not input_dir.exists() else "is not a folder"
        raise UsageError(f"{input_dir} {what}: give the folder of photos and videos "
                         f"(for one file use `formcheck analyse`)")
    if out_root.exists() and not out_root.is_dir():
        raise UsageError(f"--out {out_root} is a file: give a folder")
    if os.path.realpath(out_root) == os.path.realpath(input_dir):
        raise UsageError("--out must not be the input folder itself (use a new folder, e.g. DIR/formcheck-out)")


@contextlib.contextmanager
def batch_lock(out_root: Path) -> Iterator[None]:
    """One batch at a time per OUT: a second one would redo the same clips and race on the same files."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; documented
        yield
        return
    lock_path = out_root / STATE_DIR / "lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UsageError(f"another formcheck batch is writing into {out_root}; wait for it to finish "
                             f"or choose another --out") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """`kill` (SIGTERM) stops the batch as cleanly as Ctrl-C (main thread only)."""
    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def summary_text(report: BatchReport, out_root: Path) -> str:
    c = report.counts
    lines = [f"{c['ok']} ok, {c['error']} failed, {c['skipped']} skipped ({len(report.rows)} files; "
             f"{report.processed} analysed now, {report.resumed} already done) in {report.seconds:.1f} s"]
    frames = sum(int(s.get("frames") or 0) for s in report.stats.values())
    if frames:
        lines.append(f"{frames} frames analysed ({frames / max(report.seconds, 1e-9):.1f} frames/s)")
    failed = [r for r in report.rows if r["status"] == "error"]
    for row in failed[:10]:
        lines.append(f"  failed: {row['path']}: {row['error']}")
    if len(failed) > 10:
        lines.append(f"  ... and {len(failed) - 10} more (see the summary)")
    if report.resumed_failed:
        lines.append(f"  ({report.resumed_failed} of the failures are from an earlier run of the same files and "
                     f"settings; add --retry-failed to try them again)")
    lines.append(f"summary: {report.csv_path} (and summary.json); per-clip results in {out_root}/")
    return "\n".join(lines)


def _quote(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))
