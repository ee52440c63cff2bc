"""`formcheck batch DIR --out OUT`: every photo and video under a folder, in parallel, resumable.

Stages, one function each:

    discover(DIR)        every file under DIR (recursive, sorted): media to analyse, the rest skipped with a reason
    plan(...)            one Job per media file: where its outputs go (mirroring DIR's folders under OUT,
                         never outside OUT), and whether an earlier run already finished it (resume)
    run_job(job)         the per-clip function: hash, analyse, save outputs, write the done-record;
                         every exception becomes an error row (one bad clip never stops the others)
    LocalEngine / Ray    run the jobs: a process pool here, or Ray tasks on a cluster
    write_summary(...)   OUT/summary.csv (fixed columns) and OUT/summary.json

One module each:

    discovery.py         Entry, discover: which files under DIR are analysed, which are skipped and why
    jobs.py              Job, plan, run_job: output locations, done-records and resume, the per-clip function
    naming.py            output folders, stems that never collide (ignoring case), done-record paths
    locks.py             one batch per OUT, workers that end with their batch, no leftover workers
    engines.py           LocalEngine (process pool), SerialEngine, the Sink they report to
    ray_engine.py        RayEngine (optional: pip install 'formcheck[ray]')
    progress.py          BatchProgress: progress bars and one line per finished clip
    athletes.py          --athlete / --athletes-from-folders: each clip's athlete, their stature, sessions
    summary.py           summary columns and rows, summary.csv and summary.json, the printed summary
    this file            the command: its arguments, run(), run_batch(), folder checks
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from ..cli_args import EXIT_FAILED, EXIT_OK, add_settings_arguments, given_setting, settings_from_args
from ..errors import UsageError
from ..interrupts import sigterm_as_interrupt
from ..media import SUPPORTED_TEXT
from ..outputs import check_output_folder
from ..settings import Settings
from . import athletes as batch_athletes
from .discovery import Entry, discover, display_path, media_of
from .engines import Interrupted, LocalEngine, SerialEngine, Sink
from .jobs import Job, JobOutcome, Plan, plan, run_job, sweep_partial_files
from .locks import batch_lock
from .naming import is_batch_output, output_location, output_stems
from .progress import BatchProgress
from .ray_engine import RayEngine
from .summary import SUMMARY_COLUMNS, BatchReport, base_row, counts, summary_rows, summary_text, write_summary

__all__ = [
    "EXIT_INTERRUPTED",
    "SUMMARY_COLUMNS",
    "BatchProgress",
    "BatchReport",
    "Entry",
    "Interrupted",
    "Job",
    "JobOutcome",
    "LocalEngine",
    "Plan",
    "RayEngine",
    "SerialEngine",
    "Sink",
    "base_row",
    "batch_lock",
    "check_folders",
    "configure_parser",
    "counts",
    "default_workers",
    "discover",
    "display_path",
    "media_of",
    "output_location",
    "output_stems",
    "plan",
    "run",
    "run_batch",
    "run_job",
    "summary_text",
    "write_summary",
]

EXIT_INTERRUPTED = 130


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """The `formcheck batch` arguments."""
    parser.description = (
        "Analyse every photo and video under a folder (recursively), in parallel. Outputs "
        "mirror the folder under --out, with summary.csv and summary.json. Running the "
        "same command again skips the clips already done and processes the rest."
    )
    parser.add_argument("folder", metavar="DIR", help="folder of photos and videos (searched recursively)")
    parser.add_argument("--out", required=True, metavar="OUT", help="output folder (created if needed)")
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="clips analysed at the same time (default: the number of CPU cores; 0: one by one "
        "in this process, for debugging; with --engine ray, the number of tasks in flight, "
        "default all)",
    )
    parser.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local process pool (default) or Ray tasks on a cluster (pip install 'formcheck[ray]')",
    )
    parser.add_argument(
        "--address",
        help="Ray cluster address (e.g. 10.0.0.5:6379 or ray://host:10001); "
        "default: $RAY_ADDRESS, else a Ray instance on this machine",
    )
    parser.add_argument("--force", action="store_true", help="redo every clip, even those already done")
    parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="redo the clips that failed in an earlier run (by default an unchanged clip that "
        "could not be analysed with the same settings is not tried again)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or per-clip lines")
    batch_athletes.add_arguments(parser)
    add_settings_arguments(parser)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(args: argparse.Namespace) -> int:
    """`formcheck batch`: exit 0 when every clip is ok, 1 when any failed, 2 on bad usage, 130 on Ctrl-C."""
    settings = settings_from_args(args)
    athletes = batch_athletes.BatchAthletes.from_args(args)
    input_dir, out_root = Path(args.folder), Path(args.out)
    if args.address and args.engine != "ray":
        raise UsageError("--address is for --engine ray")
    if args.workers is not None and args.workers < (1 if args.engine == "ray" else 0):
        raise UsageError(
            f"--workers must be 1 or more (0 with the local engine: one clip at a time in this "
            f"process, for debugging), got {args.workers}"
        )
    engine: Any
    if args.engine == "ray":
        engine = RayEngine(address=args.address, max_in_flight=args.workers)
    elif args.workers == 0:
        engine = SerialEngine()
    else:
        engine = LocalEngine(workers=args.workers or default_workers())
    show = not args.quiet
    try:
        report = run_batch(
            input_dir,
            out_root,
            settings,
            engine,
            force=args.force,
            retry_failed=args.retry_failed,
            bars=show and sys.stderr.isatty(),
            lines=show,
            athletes=athletes,
            height_given=given_setting(args, "height_cm") is not None,
        )
    except Interrupted:
        print(
            f"formcheck: batch interrupted. Finished clips are saved in {out_root}; run the same command "
            f"again to resume (finished clips are skipped):\n  formcheck batch {_quote(input_dir)} --out "
            f"{_quote(out_root)} [same options]",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    print(summary_text(report, out_root))
    for line in athletes.summary() if athletes else ():
        print(line)
    return EXIT_OK if report.counts["error"] == 0 else EXIT_FAILED


def run_batch(
    input_dir: Path,
    out_root: Path,
    settings: Settings,
    engine: Any,
    force: bool = False,
    retry_failed: bool = False,
    bars: bool = False,
    lines: bool = False,
    athletes: batch_athletes.BatchAthletes | None = None,
    height_given: bool = False,
) -> BatchReport:
    """Discover, plan, run the jobs on `engine`, write the summary. Raises UsageError for a bad folder or
    unavailable analysis, Interrupted on Ctrl-C (finished clips stay recorded). athletes: record each
    clip as a session of its athlete (with their stature unless `height_given`)."""
    from ..model import load_model

    started = time.perf_counter()
    check_folders(input_dir, out_root)
    model_sha = load_model(settings.model_path).sha256
    entries = discover(input_dir, exclude=[out_root])
    if not any(e.media for e in entries):
        raise UsageError(
            f"no photos or videos found under {input_dir} ({len(entries)} other files); formcheck "
            f"reads {SUPPORTED_TEXT}"
        )
    out_root.mkdir(parents=True, exist_ok=True)
    with batch_lock(out_root):
        settings_for = athletes.settings_for(settings, height_given) if athletes else None
        the_plan = plan(
            entries, out_root, settings, model_sha, force=force, retry_failed=retry_failed, settings_for=settings_for
        )
        sweep_partial_files(the_plan.jobs, out_root)
        sink = BatchProgress(the_plan, bars=bars, lines=lines)
        try:
            with sigterm_as_interrupt():
                if athletes is None:
                    engine.run(the_plan.jobs, sink)
                else:
                    recording = batch_athletes.RecordingSink(sink, athletes, entries, out_root)
                    recording.record_done(the_plan.rows)
                    engine.run(the_plan.jobs, recording)
        finally:
            sink.close()
        rows = summary_rows(sink.rows)
        csv_path, json_path = write_summary(out_root, rows, settings, model_sha, input_dir)
    return BatchReport(
        rows=rows,
        stats=sink.stats,
        resumed=the_plan.resumed,
        processed=len(the_plan.jobs),
        seconds=time.perf_counter() - started,
        csv_path=csv_path,
        json_path=json_path,
        resumed_failed=the_plan.resumed_failed,
    )


def check_folders(input_dir: Path, out_root: Path) -> None:
    """Raise UsageError unless DIR is a folder and OUT a folder that can be written and that never
    mixes results with inputs: OUT is not DIR, does not contain DIR, and when it lies inside DIR (it is
    then not searched) it is new, empty or the output of an earlier batch."""
    if not input_dir.is_dir():
        what = "does not exist" if not input_dir.exists() else "is not a folder"
        raise UsageError(
            f"{input_dir} {what}: give the folder of photos and videos (for one file use `formcheck analyse`)"
        )
    check_output_folder(out_root)
    real_in, real_out = os.path.realpath(input_dir), os.path.realpath(out_root)
    if real_out == real_in:
        raise UsageError("--out must not be the input folder itself (use a new folder, e.g. DIR/formcheck-out)")
    if _inside(real_in, real_out):
        raise UsageError(
            f"--out {out_root} contains the input folder {input_dir}: results would be written among the "
            f"clips (and could replace them); choose an output folder outside {input_dir}, e.g. "
            f"{_quote(Path(str(input_dir).rstrip('/') + '-results'))}"
        )
    if _inside(real_out, real_in) and out_root.is_dir() and any(out_root.iterdir()) and not is_batch_output(out_root):
        raise UsageError(
            f"--out {out_root} lies inside the input folder and already holds files that no formcheck batch "
            f"wrote (they would not be analysed, and could be replaced); choose a new or empty folder, e.g. "
            f"{_quote(input_dir / 'formcheck-out')}"
        )


def _inside(path: str, folder: str) -> bool:
    """True when the real path `path` lies strictly inside the real path `folder`."""
    return path != folder and os.path.commonpath([path, folder]) == folder


def _quote(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))
