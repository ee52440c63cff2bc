"""A session's headline figures, read from its result JSON: for each of the analysis's headline
metrics (`KindSpec.headline`), its value with unit, reference range and spread.

Spreads, in order of preference (the first one the result has):

    iqr    `<metric>_iqr` in the metrics: the interquartile range over the steps (running)
    sd     `details.uncertainty[<metric>]`: one standard deviation of the measurement error (wall test)
    range  `details.spread[<metric>]`: max - min over the frames measured (a wall-test clip)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..kinds import kind_spec

#: What each kind of spread is, in words.
SPREAD_KINDS = {
    "iqr": "interquartile range over the steps",
    "sd": "± one standard deviation of the measurement error",
    "range": "range over the frames measured",
}


def headline_figures(result_json: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Headline metric name -> {label, value, unit, low, high, spread, spread_kind}, in the analysis's
    headline order. value: a number, a class name (`variant`, `gait`) or None (not measured); low /
    high: the reference range (None = open or none); spread / spread_kind: see the module docstring
    (None when the result has none). An unknown analysis gives {}."""
    try:
        names = kind_spec(str(result_json.get("kind"))).headline
    except KeyError:
        return {}
    metrics = dict(result_json.get("metrics") or {})
    details = dict(result_json.get("details") or {})
    references = dict(result_json.get("references") or {})
    figures: dict[str, dict[str, Any]] = {}
    for name in names:
        ref = dict(references.get(name) or {})
        spread, spread_kind = spread_of(name, metrics, details)
        figures[name] = {
            "label": ref.get("label") or name.replace("_", " "),
            "value": metrics[name] if name in metrics else details.get(name),
            "unit": ref.get("unit", ""),
            "low": ref.get("low"),
            "high": ref.get("high"),
            "spread": spread,
            "spread_kind": spread_kind,
        }
    return figures


def spread_of(name: str, metrics: Mapping[str, Any], details: Mapping[str, Any]) -> tuple[float | None, str | None]:
    """(spread, its kind) of one metric, or (None, None)."""
    candidates: tuple[tuple[str, Any], ...] = (
        ("iqr", metrics.get(f"{name}_iqr")),
        ("sd", (details.get("uncertainty") or {}).get(name)),
        ("range", (details.get("spread") or {}).get(name)),
    )
    for kind, value in candidates:
        if is_number(value):
            return float(value), kind
    return None, None


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
