"""What the store holds, as plain values: an Athlete and their Sessions (one analysis each)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Athlete:
    """name: as first given (names match ignoring case); stature_cm: the default stature of their
    analyses (None: not known); notes: free text."""

    name: str
    stature_cm: float | None = None
    notes: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "stature_cm": self.stature_cm, "notes": self.notes}


@dataclass(frozen=True)
class Session:
    """One analysis of one clip for one athlete.

    id: the store's number for it; athlete: the athlete's name; date: when the clip was recorded
    (timezone-aware, see `dates.clip_date`); kind: the analysis ("run"); source_name: the input's
    file name; headline: headline metric -> {label, value, unit, low, high, spread, spread_kind}
    (`headline.headline_figures`); result: the whole result JSON (empty when listed without it);
    input_sha256: the input's digest; date_source: where the date came from, in words.
    """

    id: int
    athlete: str
    date: datetime
    kind: str
    source_name: str
    headline: dict[str, dict[str, Any]]
    result: dict[str, Any] = field(default_factory=dict)
    input_sha256: str = ""
    date_source: str = ""

    def to_json(self, with_result: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "athlete": self.athlete,
            "date": self.date.isoformat(),
            "date_source": self.date_source,
            "kind": self.kind,
            "source_name": self.source_name,
            "input_sha256": self.input_sha256,
            "metrics": self.headline,
        }
        if with_result:
            out["result"] = self.result
        return out
