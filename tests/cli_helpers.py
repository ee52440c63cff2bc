"""Helpers for the tests that run the real `formcheck` command in a subprocess and check what a user sees:
one line on stderr, no traceback, the exit code, and that no input file changed."""

from __future__ import annotations

import ctypes
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: prctl(PR_CAPBSET_DROP, cap) and the capabilities that let root ignore file permissions.
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def formcheck(
    *args: str | Path, cwd: Path | None = None, unprivileged: bool = False, timeout_s: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run `python -m formcheck.cli ARGS` (the installed command's entry point). unprivileged: as root,
    without the capabilities that bypass file permissions, so that permission errors happen as they do
    for every other user."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run(
        [sys.executable, "-m", "formcheck.cli", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=timeout_s,
        preexec_fn=_drop_file_capabilities if unprivileged and os.geteuid() == 0 else None,
    )


def _drop_file_capabilities() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed: cannot test permission errors as root")


def one_line(proc: subprocess.CompletedProcess[str], code: int) -> str:
    """The single line formcheck printed on stderr, after checking the exit code and that nothing else
    (a traceback, a second message) was printed there."""
    assert proc.returncode == code, (proc.returncode, proc.stderr[-2000:])
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr[-3000:]
    assert lines[0].startswith("formcheck: ") and "Traceback" not in proc.stderr
    return lines[0]


def sha256s(paths: Iterable[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def tree_sha256s(root: Path) -> dict[str, str]:
    """sha256 of every regular file under `root`, by relative path (links not followed)."""
    out = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                out[os.fsdecode(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out
