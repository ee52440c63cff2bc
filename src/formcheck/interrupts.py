"""`kill` (SIGTERM) stops a command-line run as cleanly as Ctrl-C: the same KeyboardInterrupt, so temporary
files are removed and batch workers stopped on the way out. The interruption is raised once; whether one
was asked for is kept (`interrupt_requested`), so that a front end can recognise an interruption that a
library turned into another error (a KeyboardInterrupt inside an import or a class body surfaces as a
RuntimeError)."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

_requested = threading.Event()


def interrupt_requested() -> bool:
    """Whether SIGTERM asked this process to stop (within `sigterm_as_interrupt`)."""
    return _requested.is_set()


def stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt if SIGTERM asked to stop (for loops that run long: the handler's own
    KeyboardInterrupt can be swallowed, when it lands in a callback whose errors Python ignores)."""
    if _requested.is_set():
        raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, the first SIGTERM raises KeyboardInterrupt (main thread only; elsewhere nothing
    changes); a later one is ignored, so the cleanup on the way out is not cut short."""

    def handler(signum: int, frame: Any) -> None:
        if _requested.is_set():
            return
        _requested.set()
        raise KeyboardInterrupt

    _requested.clear()  # a new command: an earlier one's interruption is not this one's
    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
