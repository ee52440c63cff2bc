"""Reference ranges and thresholds: data with their sources, one module per analysis.

A `ReferenceRange` says what a metric means (unit, angle convention), what range is typical and
where that range comes from. Every headline metric of every analysis has one. How a value compares
with its range is decided in one place: `formcheck.verdict.verdict(value, ref)`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class ReferenceRange:
    """metric: the JSON metric name (unit in the name); low/high: the typical range (None = open);
    convention: what 0 means and which direction is positive; source: where the range comes from."""

    metric: str
    label: str
    unit: str
    low: float | None
    high: float | None
    convention: str
    source: str
    note: str = ""

    def range_text(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{self.low:g}-{self.high:g} {self.unit}"
        if self.low is not None:
            return f">= {self.low:g} {self.unit}"
        if self.high is not None:
            return f"<= {self.high:g} {self.unit}"
        return "no reference range"

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"range": self.range_text()}
