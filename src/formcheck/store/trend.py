"""An athlete's headline figures over time for one analysis, with the change since the first session
and since the previous one. Only numeric figures have a trend (a class such as `gait` does not).

Sessions are compared only with sessions of the same group: the same values of the analysis's
`KindSpec.compare_by` classes (a walk is compared with walks, a knee plank with knee planks). The
first and the previous session of a point are therefore the first and previous of its group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .headline import is_number
from .records import Athlete, Session


@dataclass(frozen=True)
class TrendPoint:
    """One session's value of one figure. since_first / since_previous: value minus the first /
    the previous session's value of this figure (None for the first, or when that one had none)."""

    session_id: int
    date: datetime
    value: float
    spread: float | None = None
    since_first: float | None = None
    since_previous: float | None = None
    group: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "date": self.date.isoformat(),
            "value": self.value,
            "spread": self.spread,
            "since_first": self.since_first,
            "since_previous": self.since_previous,
            "group": self.group,
        }


@dataclass(frozen=True)
class MetricTrend:
    """One headline figure over the sessions that measured it (oldest first). label, unit, low, high:
    from the latest session (a range can differ between sessions, e.g. walking and running)."""

    name: str
    label: str
    unit: str
    low: float | None
    high: float | None
    spread_kind: str | None
    points: tuple[TrendPoint, ...]

    @property
    def latest(self) -> TrendPoint | None:
        return self.points[-1] if self.points else None

    def in_group(self, group: str) -> tuple[TrendPoint, ...]:
        """The points of one comparison group, oldest first."""
        return tuple(p for p in self.points if p.group == group)

    @property
    def change_since_first(self) -> float | None:
        return self.points[-1].since_first if self.points else None

    @property
    def change_since_previous(self) -> float | None:
        return self.points[-1].since_previous if self.points else None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "unit": self.unit,
            "low": self.low,
            "high": self.high,
            "spread_kind": self.spread_kind,
            "change_since_first": self.change_since_first,
            "change_since_previous": self.change_since_previous,
            "points": [p.to_json() for p in self.points],
        }


@dataclass(frozen=True)
class Trend:
    """athlete; kind: the analysis; sessions: its sessions, oldest first (headline figures only);
    metrics: headline metric -> its trend (numeric figures measured at least once); compare_by: the
    classes sessions are grouped by; groups: each session's group ("running, side"), by session id."""

    athlete: Athlete
    kind: str
    sessions: tuple[Session, ...]
    metrics: dict[str, MetricTrend]
    compare_by: tuple[str, ...] = ()
    groups: dict[int, str] = field(default_factory=dict)

    def changes(self, session_id: int) -> dict[str, TrendPoint]:
        """Figure name -> that session's point (with its changes), for the figures it measured."""
        return {n: p for n, m in self.metrics.items() for p in m.points if p.session_id == session_id}

    def to_json(self) -> dict[str, Any]:
        return {
            "athlete": self.athlete.to_json(),
            "kind": self.kind,
            "sessions": len(self.sessions),
            "compare_by": list(self.compare_by),
            "metrics": {k: m.to_json() for k, m in self.metrics.items()},
        }


def session_group(session: Session, compare_by: tuple[str, ...]) -> str:
    """The session's comparison group: its values of the `compare_by` classes, joined ("running, side")."""
    return ", ".join(str((session.headline.get(k) or {}).get("value")) for k in compare_by)


def build_trend(athlete: Athlete, kind: str, sessions: list[Session], compare_by: tuple[str, ...] = ()) -> Trend:
    """The trend of `sessions` (one analysis, oldest first), compared within `compare_by` groups."""
    groups = {s.id: session_group(s, compare_by) for s in sessions}
    names: list[str] = []
    for s in sessions:
        names.extend(n for n in s.headline if n not in names)
    metrics: dict[str, MetricTrend] = {}
    for name in names:
        measured = [(s, s.headline[name]) for s in sessions if is_number((s.headline.get(name) or {}).get("value"))]
        if not measured:
            continue
        first: dict[str, float] = {}
        previous: dict[str, float] = {}
        points = []
        for s, figure in measured:
            value, group = float(figure["value"]), groups[s.id]
            points.append(
                TrendPoint(
                    session_id=s.id,
                    date=s.date,
                    value=value,
                    spread=float(figure["spread"]) if is_number(figure.get("spread")) else None,
                    since_first=_rounded(value - first[group]) if group in first else None,
                    since_previous=_rounded(value - previous[group]) if group in previous else None,
                    group=group,
                )
            )
            first.setdefault(group, value)
            previous[group] = value
        latest = measured[-1][1]
        metrics[name] = MetricTrend(
            name=name,
            label=str(latest.get("label") or name),
            unit=str(latest.get("unit") or ""),
            low=latest.get("low"),
            high=latest.get("high"),
            spread_kind=latest.get("spread_kind"),
            points=tuple(points),
        )
    return Trend(
        athlete=athlete, kind=kind, sessions=tuple(sessions), metrics=metrics, compare_by=compare_by, groups=groups
    )


def _rounded(value: float) -> float:
    """A difference without float noise (figures carry at most 4 decimals)."""
    return round(value, 6) + 0.0
