"""`formcheck batch --athlete NAME` or `--athletes-from-folders`: which athlete each clip belongs to,
their stored stature as the clip's `height_cm`, and each finished clip recorded as a session.

Sessions are recorded by the main process as clips finish (`RecordingSink` wraps the progress sink),
from the result JSON each clip wrote, so workers never touch the store (a Ray worker on another
machine could not) and an interrupted batch keeps the sessions of the clips it finished. Clips an
earlier run already finished are recorded too (recording the same input again updates its session).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..cli_args import given_setting
from ..errors import FormCheckError, UsageError
from ..settings import Settings
from .discovery import Entry
from .jobs import Job, JobOutcome


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`--athlete NAME` and `--athletes-from-folders`."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--athlete",
        metavar="NAME",
        help="keep every clip's analysis in this athlete's history (formcheck history NAME)",
    )
    group.add_argument(
        "--athletes-from-folders",
        action="store_true",
        help="each first-level subfolder of DIR is an athlete (DIR/Ann/run.mp4 belongs to Ann); clips "
        "directly in DIR belong to no one and are not recorded",
    )


@dataclass
class BatchAthletes:
    """fixed: the one athlete of every clip (`--athlete`), or None with `from_folders`;
    statures: athlete name (lower case) -> stored stature, read once at the start."""

    fixed: str | None = None
    from_folders: bool = False
    statures: dict[str, float] = field(default_factory=dict)
    recorded: dict[str, int] = field(default_factory=dict)
    unassigned: int = 0
    failures: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> BatchAthletes | None:
        """None when neither option is given. `--height-cm` with `--athlete` becomes the athlete's
        stature (as with `formcheck analyse`); with `--athletes-from-folders` it is refused."""
        fixed, from_folders = getattr(args, "athlete", None), bool(getattr(args, "athletes_from_folders", False))
        if not fixed and not from_folders:
            return None
        from ..store import open_store

        height = given_setting(args, "height_cm")
        if from_folders and height is not None:
            raise UsageError(
                "`height_cm` with --athletes-from-folders would give every athlete the same stature: set each "
                "athlete's once with `formcheck athlete NAME --height-cm CM` (their analyses then use it)"
            )
        with open_store() as store:
            if fixed and height is not None:
                store.upsert_athlete(fixed, stature_cm=height)
            statures = {a.name.lower(): a.stature_cm for a in store.athletes() if a.stature_cm}
        return cls(fixed=fixed, from_folders=from_folders, statures=statures)

    def athlete_of(self, rel: str) -> str | None:
        """The athlete of the clip at `rel` (relative to DIR, '/'-separated): the fixed one, or the
        first-level folder's name (None for a clip directly in DIR)."""
        if self.fixed:
            return self.fixed
        parts = rel.split("/")
        if len(parts) < 2:
            return None
        return " ".join(parts[0].split()) or None

    def settings_for(self, settings: Settings, height_given: bool) -> Callable[[Entry], Settings]:
        """Each clip's settings: the batch's, with the athlete's stored stature as `height_cm` unless
        the command line gave one."""

        def choose(entry: Entry) -> Settings:
            name = self.athlete_of(entry.rel)
            stature = self.statures.get(name.lower()) if name else None
            if height_given or stature is None:
                return settings
            return replace(settings, height_cm=stature)

        return choose

    def record(self, row: dict[str, Any], entry: Entry, out_root: Path) -> None:
        """Record one finished clip's row (status ok) as a session of its athlete."""
        from ..store import clip_date, open_store

        source = Path(entry.path)
        name = self.athlete_of(entry.rel)
        if name is None:
            self.unassigned += 1
            return
        try:
            result_path = out_root / str((row.get("outputs") or {})["json"])
            result_json = json.loads(result_path.read_text(encoding="utf-8"))
            when = clip_date(source)
            with open_store() as store:
                session = store.record(name, result_json, str(row["input_sha256"]), when.when, source.name, when.source)
            self.recorded[session.athlete] = self.recorded.get(session.athlete, 0) + 1
        except (FormCheckError, OSError, KeyError, ValueError) as exc:
            self.failures.append(f"{row.get('path')}: {exc}")
            print(f"formcheck: {row.get('path')} is analysed but not recorded for {name}: {exc}", file=sys.stderr)

    def summary(self) -> list[str]:
        """Lines for the end of the batch."""
        lines = []
        if self.recorded:
            who = ", ".join(f"{name} {n}" for name, n in sorted(self.recorded.items(), key=lambda kv: kv[0].lower()))
            lines.append(f"recorded in the athletes' history: {sum(self.recorded.values())} sessions ({who})")
        if self.unassigned:
            lines.append(
                f"{self.unassigned} clip(s) directly in DIR belong to no athlete folder: not recorded in any history"
            )
        if self.failures:
            lines.append(f"{len(self.failures)} clip(s) could not be recorded (see the messages above)")
        return lines


class RecordingSink:
    """A batch sink that records each clip finished with status ok, then passes every call on."""

    def __init__(self, inner: Any, athletes: BatchAthletes, entries: Sequence[Entry], out_root: Path) -> None:
        self.inner = inner
        self.athletes = athletes
        self.entries = dict(enumerate(entries))
        self.out_root = out_root

    def record_done(self, rows: dict[int, dict[str, Any]]) -> None:
        """Record the clips an earlier run finished (their rows are in the plan)."""
        for index, row in sorted(rows.items()):
            if row.get("status") == "ok" and index in self.entries:
                self.athletes.record(row, self.entries[index], self.out_root)

    def started(self, job: Job) -> None:
        self.inner.started(job)

    def progress(self, job: Job, stage: str, done: int, total: int) -> None:
        self.inner.progress(job, stage, done, total)

    def finished(self, job: Job, outcome: JobOutcome) -> None:
        self.inner.finished(job, outcome)
        if outcome.row.get("status") == "ok":
            self.athletes.record(outcome.row, self.entries[job.index], self.out_root)
