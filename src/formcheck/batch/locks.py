"""One batch at a time per OUT, and no worker of an earlier batch still writing into it.

    OUT/.formcheck/lock          held (exclusive) by the batch's main process while it runs
    OUT/.formcheck/workers.lock  held (shared) by each of its worker processes for their whole life
    OUT/.formcheck/workers/<pid> one empty file per worker that ever held it (for the message below)

A local worker dies with its batch however the batch ends (`die_with_parent`: Linux sends it SIGKILL when
the batch's process ends, even by `kill -9`). Where that cannot be arranged (not Linux) or a worker
outlived its batch anyway, the next batch on the same OUT finds `workers.lock` still held, waits a few
seconds for the workers to end, and otherwise stops with a message naming them: it never runs beside them.
Advisory locks (fcntl.flock); on Windows there are none and these checks do nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import UsageError
from ..processes import pid_alive
from .naming import STATE_DIR

log = logging.getLogger(__name__)

LOCK_NAME = "lock"
WORKERS_LOCK_NAME = "workers.lock"
WORKERS_DIR = "workers"
#: Seconds a new batch waits for the workers of an earlier one to end (the kernel kills them within
#: milliseconds of their batch's end; a worker that was writing a large video needs a moment to exit).
LEFTOVER_WAIT_S = 10.0
#: prctl option: the signal this process gets when its parent ends (linux/prctl.h).
PR_SET_PDEATHSIG = 1

try:
    import fcntl
except ImportError:  # Windows: no advisory locks
    fcntl = None  # type: ignore[assignment]

#: The worker's open workers.lock (kept open, hence locked, for the worker's whole life).
_held: IO[str] | None = None


@contextlib.contextmanager
def batch_lock(out_root: Path) -> Iterator[None]:
    """Hold OUT's batch lock; raises UsageError when another batch holds it, or when workers of an
    earlier batch are still running (`check_no_leftover_workers`)."""
    if fcntl is None:
        yield
        return
    lock_path = out_root / STATE_DIR / LOCK_NAME
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UsageError(
                f"another formcheck batch is writing into {out_root}; wait for it to finish or choose another --out"
            ) from None
        try:
            check_no_leftover_workers(out_root)
            yield
        finally:
            forget_ended_workers(out_root / STATE_DIR)  # this batch's workers have ended by now
            fcntl.flock(fh, fcntl.LOCK_UN)


def check_no_leftover_workers(out_root: Path, wait_s: float | None = None) -> None:
    """Raise UsageError when worker processes of an earlier batch on OUT still hold workers.lock after
    `wait_s` seconds (default LEFTOVER_WAIT_S); else forget the earlier workers' pid files."""
    state = out_root / STATE_DIR
    deadline = time.monotonic() + (LEFTOVER_WAIT_S if wait_s is None else wait_s)
    while not forget_ended_workers(state):
        if time.monotonic() >= deadline:
            pids = _leftover_pids(state / WORKERS_DIR)
            named = f" (pid {', '.join(map(str, pids))})" if pids else ""
            stop = f"kill {' '.join(map(str, pids))}" if pids else "stop them"
            raise UsageError(
                f"worker processes of an earlier formcheck batch{named} are still writing into "
                f"{out_root}; wait for them to end or stop them ({stop}), then run the command again"
            )
        time.sleep(0.1)


def forget_ended_workers(state: Path) -> bool:
    """True when no worker holds `state`/workers.lock (their pid files are then removed); False when
    some still do. Always True where there are no advisory locks."""
    if fcntl is None:
        return True
    state.mkdir(parents=True, exist_ok=True)
    with open(state / WORKERS_LOCK_NAME, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        try:
            for stale in (state / WORKERS_DIR).glob("*") if (state / WORKERS_DIR).is_dir() else ():
                with contextlib.suppress(OSError):
                    stale.unlink()
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    return True


def _leftover_pids(folder: Path) -> list[int]:
    pids = []
    for entry in folder.glob("*") if folder.is_dir() else ():
        if entry.name.isdigit() and pid_alive(int(entry.name)):
            pids.append(int(entry.name))
    return sorted(pids)


def hold_worker_lock(out_root: str | Path) -> None:
    """In a worker process: take workers.lock (shared) for the rest of this process's life, and leave
    its pid beside it."""
    global _held
    if fcntl is None or _held is not None:
        return
    state = Path(out_root) / STATE_DIR
    (state / WORKERS_DIR).mkdir(parents=True, exist_ok=True)
    fh = open(state / WORKERS_LOCK_NAME, "a+")  # noqa: SIM115 (held open until the process ends)
    fcntl.flock(fh, fcntl.LOCK_SH)
    (state / WORKERS_DIR / str(os.getpid())).touch()
    _held = fh


def die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to kill this process (SIGKILL) when its parent ends, however it ends (Linux's
    PR_SET_PDEATHSIG). SIGKILL because the worker has nothing to save once its batch is gone (its
    temporary files are removed by the next run) and native code cannot block it. If the parent
    has already gone by now, end at once."""
    if sys.platform.startswith("linux"):
        try:
            libc: Any = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
                log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
        except (OSError, AttributeError) as exc:
            log.warning("cannot tie this worker's life to its batch: %s", exc)
    if os.getppid() != parent_pid:
        os._exit(1)
