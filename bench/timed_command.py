"""Run `formcheck analyse` (or the app's analysis of an upload) and write when each stage started and
ended, for bench/pose_throughput.py. The command runs exactly as a user runs it; only its progress
callback is watched.

    python bench/timed_command.py TIMINGS.json cli CLIP --out DIR [formcheck analyse options]
    python bench/timed_command.py TIMINGS.json app CLIP DIR [--kind KIND]

TIMINGS.json gets wall-clock times (time.time()): "started" (this script's first line), and per
progress stage ("pose", "render") the first and last callback and the frames reported.
"""

from __future__ import annotations

import time

STARTED = time.time()

import json  # noqa: E402  # the start time comes first
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

stages: dict[str, dict[str, Any]] = {}


def record(stage: str, done: int, total: int) -> None:
    now = time.time()
    entry = stages.setdefault(stage, {"first": now, "frames": 0})
    entry["last"] = now
    entry["frames"] = max(entry["frames"], done)


def run_cli(args: list[str]) -> int:
    from formcheck import cli

    original = cli.ProgressBars.update

    def update(self: Any, stage: str, done: int, total: int) -> None:
        record(stage, done, total)
        original(self, stage, done, total)

    cli.ProgressBars.update = update  # type: ignore[method-assign]
    if not {"-v", "--verbose"} & set(args):
        from formcheck.pose import divert_native_stderr

        sys.stderr = divert_native_stderr()
    return cli.main(["analyse", *args])


def run_app(clip: Path, root: Path, kind: str) -> int:
    from formcheck.settings import Settings
    from formcheck.ui.cache import analyse_cached, upload_source

    source = upload_source(clip.name, clip.read_bytes())
    root.mkdir(parents=True, exist_ok=True)
    analyse_cached(source, Settings.build(kind=kind), on_progress=record, root=root)
    return 0


def main() -> int:
    timings, mode, rest = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
    if mode == "cli":
        code = run_cli(rest)
    else:
        kind = rest[rest.index("--kind") + 1] if "--kind" in rest else "auto"
        code = run_app(Path(rest[0]), Path(rest[1]), kind)
    timings.write_text(json.dumps({"started": STARTED, "ended": time.time(), "stages": stages, "exit": code}))
    return code


if __name__ == "__main__":
    sys.exit(main())
