"""Whether a temporary file's writer still runs: a running process, an ended one, and a zombie
(ended but not reaped, as a killed batch's worker is under a container's pid 1 that never reaps)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from formcheck.export import sweep_stale_parts
from formcheck.processes import is_zombie, pid_alive


def _wait_until_zombie(proc: subprocess.Popen[bytes], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if is_zombie(proc.pid):
            return
        time.sleep(0.02)
    raise AssertionError(f"process {proc.pid} never became a zombie")


def test_a_zombie_has_ended_and_its_parts_are_swept(tmp_path: Path) -> None:
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    ended = subprocess.Popen([sys.executable, "-c", "pass"])  # not waited for: a zombie until reaped
    try:
        _wait_until_zombie(ended)
        assert (pid_alive(running.pid), is_zombie(running.pid)) == (True, False)
        assert pid_alive(ended.pid) is False
        zombie_part = tmp_path / f".clip.{ended.pid}.abcdef-x1234567.part.mp4"
        live_part = tmp_path / f".clip.{running.pid}.abcdef-x7654321.part.mp4"
        zombie_part.write_bytes(b"half")
        live_part.write_bytes(b"half")
        assert sweep_stale_parts(tmp_path) == 1
        assert [p.name for p in tmp_path.iterdir()] == [live_part.name]
    finally:
        running.kill()
        running.wait()
        ended.wait()
    assert pid_alive(ended.pid) is False  # reaped: no such process (or another user's, never ours)
