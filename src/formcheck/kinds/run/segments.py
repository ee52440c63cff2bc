"""Steady segments of a clip: each pass of steady gait (between pauses such as a turn or a stop, and
split where the pace changes; `cadence.gait_passes`) with its cadence, contact time, duty factor and
gait type. The headline figures come from the longest one (most steps), never from a blend of
different paces or gaits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...numbers import rounded
from .rows import StepRow
from .thresholds import DUTY_FACTOR_RUNNING, MIXED_CADENCE_SHARE, SEGMENT_MARGIN_STEPS


@dataclass(frozen=True)
class Segment:
    """One steady segment: index (1-based), start_s / end_s (its first and last step instant),
    steps spanned, cadence (steps/min), contact time (median, ms, None when not measured), duty
    factor (median contact / stride), gait ('running', 'walking' or the clip's class when the duty
    factor is unknown); backward: the pelvis travels against the way the body faces over most of it
    (walking or running backwards: the events assume a forward gait); cadence_se_spm: the cadence's
    standard error (steps/min)."""

    index: int
    start_s: float
    end_s: float
    steps: int
    cadence_spm: float | None
    contact_ms: float | None
    duty_factor: float | None
    gait: str
    backward: bool = False
    cadence_se_spm: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "segment": self.index,
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "steps": self.steps,
            "cadence_spm": self.cadence_spm,
            "cadence_se_spm": self.cadence_se_spm,
            "contact_ms": self.contact_ms,
            "duty_factor": self.duty_factor,
            "gait": self.gait,
            "backward": self.backward,
        }


def step_time_s(row: StepRow) -> float | None:
    """The instant that times a step: its contact (side view) or its mid stance (rear/front)."""
    when = getattr(row, "midstance_s", None) if row.contact_s is None else row.contact_s
    return float(when) if when is not None else None


def rows_in(rows: Sequence[StepRow], start_s: float, end_s: float, margin_s: float) -> list[StepRow]:
    """The steps whose timing instant lies within [start_s - margin_s, end_s + margin_s]."""
    out: list[StepRow] = []
    for r in rows:
        t = step_time_s(r)
        if t is not None and start_s - margin_s <= t <= end_s + margin_s:
            out.append(r)
    return out


def segments(
    passes: Sequence[dict[str, Any]],
    rows: Sequence[StepRow],
    step_s: float,
    gait: str,
    backward: Callable[[float, float], bool] = lambda start_s, end_s: False,
) -> list[Segment]:
    """The steady segments from the cadence's passes and the per-step table; `backward(start_s,
    end_s)`: whether the gait goes backwards over that span."""
    out: list[Segment] = []
    for p in passes:
        inside = rows_in(rows, p["start_s"], p["end_s"], SEGMENT_MARGIN_STEPS * step_s)
        contacts = [float(r.contact_ms) for r in inside if r.contact_ms is not None]
        contact = float(np.median(contacts)) if contacts else float("nan")
        cadence = p.get("cadence_spm")
        duty = contact / 1000.0 / (120.0 / cadence) if cadence and np.isfinite(contact) else float("nan")
        kind = gait
        if np.isfinite(duty) and gait in ("running", "walking") and len(contacts) >= 2:
            kind = "running" if duty < DUTY_FACTOR_RUNNING else "walking"
        out.append(
            Segment(
                len(out) + 1,
                float(p["start_s"]),
                float(p["end_s"]),
                int(p["steps"]),
                cadence,
                rounded(contact, 0),
                rounded(duty, 3),
                kind,
                backward(float(p["start_s"]), float(p["end_s"])),
                p.get("cadence_se_spm"),
            )
        )
    return out


def headline_segment(found: Sequence[Segment]) -> Segment | None:
    """The longest forward segment (most steps; the earlier of equals); the longest backward one
    when the clip has no other. A backward pass is another movement: its foot events (the heel
    foremost at landing, the toe hindmost at push-off) do not hold, however long it is."""
    forward = [s for s in found if not s.backward] or list(found)
    return max(forward, key=lambda s: (s.steps, -s.index)) if forward else None


def mixed(found: Sequence[Segment]) -> bool:
    """Whether the segments differ in gait, or in cadence by more than MIXED_CADENCE_SHARE."""
    if len(found) < 2:
        return False
    rates = [s.cadence_spm for s in found if s.cadence_spm]
    spread = (max(rates) / min(rates) - 1) if len(rates) >= 2 else 0.0
    return len({s.gait for s in found}) > 1 or spread > MIXED_CADENCE_SHARE
