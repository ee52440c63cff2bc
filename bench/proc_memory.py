"""Memory of a process tree (a command and the processes it starts: batch workers, decoder processes),
sampled from Linux's /proc.

PSS (proportional set size) is used for the tree: each shared page (libraries, the decoder's frame
ring) is split between the processes that map it, so the sum is the memory the tree really holds.
Summing RSS would count those pages once per process.
"""

from __future__ import annotations

import os
import threading


def descendants(pid: int) -> list[int]:
    """pid and all its descendants (those alive now)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return found


def pss_mib(pid: int) -> float:
    """Proportional set size of one process, MiB (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0) / 1024.0
    except OSError:
        return 0.0


def tree_pss_mib(pid: int) -> float:
    return sum(pss_mib(p) for p in descendants(pid))


class PeakTreeMemory:
    """Samples a process tree's PSS every `interval_s` in a thread while in a `with` block; `.peak_mib`."""

    def __init__(self, pid: int | None = None, interval_s: float = 0.05) -> None:
        self.pid = os.getpid() if pid is None else pid
        self.interval_s = interval_s
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mib = max(self.peak_mib, tree_pss_mib(self.pid))
            self._stop.wait(self.interval_s)

    def __enter__(self) -> PeakTreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
