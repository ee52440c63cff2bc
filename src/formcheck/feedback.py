"""Findings: what the user reads. A finding states what was measured, how it compares with its
reference range, why it matters, what to do (a cue) and a drill, with the source of the range."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

#: Severity order, worst first (the UI sorts by it).
SEVERITIES = ("warning", "attention", "info", "ok")


@dataclass(frozen=True)
class Finding:
    """severity: 'warning' (act on it), 'attention' (worth a look), 'info' (context), 'ok' (good).
    title: one line; detail: what was seen, with numbers and times; why: the reason it matters;
    cue: what to do while moving; drill: an exercise; source: where the range or advice comes from."""

    severity: str
    title: str
    detail: str
    why: str = ""
    cue: str = ""
    drill: str = ""
    source: str = ""
    metric: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def worst_first(findings: list[Finding]) -> list[Finding]:
    """Findings sorted by severity, worst first (stable within a severity)."""
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))


SCREENING_NOTICE = (
    "formcheck is a screening and coaching aid, not a diagnosis. Pain, numbness or a "
    "result that worries you is a reason to see a physiotherapist or doctor."
)
