"""Engines that run the jobs on this machine: a process pool (LocalEngine) or one by one in this process
(SerialEngine). An engine reports to a Sink: a clip started, frames progressed, a clip finished."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from .jobs import Job, JobOutcome, ProgressCallback, run_job
from .locks import die_with_parent, hold_worker_lock
from .summary import base_row

#: Seconds between two frame-progress messages from one worker.
PROGRESS_INTERVAL_S = 0.25


class Sink(Protocol):
    """Where an engine reports: a clip started, frames progressed, a clip finished."""

    def started(self, job: Job) -> None: ...

    def progress(self, job: Job, stage: str, done: int, total: int) -> None: ...

    def finished(self, job: Job, outcome: JobOutcome) -> None: ...


JobFunction = Callable[[Job, "ProgressCallback | None"], JobOutcome]


def crash_outcome(job: Job, what: str) -> JobOutcome:
    row = base_row(job.rel, job.settings, job.model_sha256)
    row.update(
        error=f"the worker process {what} while analysing this clip (out of memory, or a crash in the "
        f"video decoder or pose model); the other clips were not affected",
        error_code="worker_crashed",
    )
    return JobOutcome(job.index, row)


def failed_outcome(job: Job, exc: BaseException) -> JobOutcome:
    """An error row for an exception that escaped the job function (e.g. a result that cannot be sent back)."""
    row = base_row(job.rel, job.settings, job.model_sha256)
    row.update(error=f"internal error ({type(exc).__name__}: {exc})", error_code="internal")
    return JobOutcome(job.index, row)


class Interrupted(Exception):
    """Ctrl-C (or SIGTERM) during a batch: the engine stopped its workers."""


_events: Any = None  # the worker's queue to the main process (set by _worker_init)


def _worker_init(events: Any, log_level: int, parent_pid: int, out_root: str) -> None:
    """Process-pool worker set-up: end with the batch however it ends, and hold OUT's workers lock while
    alive (locks.py); Ctrl-C is the main process's business; log like the main process; report our pid."""
    global _events
    die_with_parent(parent_pid)
    hold_worker_lock(out_root)
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
    sys.stderr = os.fdopen(
        terminal, "w", buffering=1, encoding=sys.stderr.encoding or "utf-8", errors="backslashreplace"
    )


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
    own landmarker; mediapipe is never forked). Workers end with this process, even when it is
    killed (locks.die_with_parent). A worker that dies (segfault, out of memory) costs only
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
        pool = cf.ProcessPoolExecutor(
            max_workers=max(1, min(workers, len(jobs))),
            mp_context=ctx,
            initializer=_worker_init,
            # The pool starts its workers from this (the calling) thread, so the kernel's parent-death
            # signal (locks.die_with_parent) fires when this process ends.
            initargs=(events, worker_log_level(), os.getpid(), jobs[0].out_root),
        )
        futures = {pool.submit(_pool_task, job, self.job_function): job for job in jobs}
        broken = False
        with _remembering_ctrl_c() as ctrl_c:
            try:
                while futures and not broken:
                    if ctrl_c.is_set():  # a Ctrl-C whose KeyboardInterrupt was swallowed on its way
                        raise KeyboardInterrupt
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
                if ctrl_c.is_set():
                    raise KeyboardInterrupt
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


@contextlib.contextmanager
def _remembering_ctrl_c() -> Iterator[threading.Event]:
    """Within the block, Ctrl-C (SIGINT) raises KeyboardInterrupt as usual and is also remembered in
    the Event yielded, so a loop that checks it stops even when the KeyboardInterrupt landed in code
    that swallowed it (a batch then ran to its end: exit 1 instead of 130). Main thread only."""
    asked = threading.Event()

    def handler(signum: int, frame: Any) -> None:
        asked.set()
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: nothing to install
        yield asked
        return
    try:
        yield asked
    finally:
        signal.signal(signal.SIGINT, previous)


class SerialEngine:
    """Jobs one after the other in this process (--workers 0: for debugging and profiling)."""

    def __init__(self, job_function: JobFunction = run_job) -> None:
        self.job_function = job_function

    def run(self, jobs: Sequence[Job], sink: Sink) -> None:
        try:
            for job in jobs:
                sink.started(job)
                sink.finished(job, self.job_function(job, partial(sink.progress, job)))
        except KeyboardInterrupt:
            raise Interrupted from None
