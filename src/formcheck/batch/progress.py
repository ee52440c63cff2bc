"""What the user sees while a batch runs: tqdm bars (clips with ETA, frames/s) and one line per finished clip."""

from __future__ import annotations

import sys
from typing import Any

from .jobs import Job, JobOutcome, Plan


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
