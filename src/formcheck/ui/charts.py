"""Interactive charts of a result's per-frame curves with its events (altair; no Streamlit here)."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .formatting import metric_label, unit_of

#: Longest curve sent to the browser; longer ones are thinned evenly.
MAX_POINTS = 2000


def plottable_series(times_s: np.ndarray, series: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The curves aligned with `times_s` that have at least two finite values."""
    if len(times_s) < 2:
        return {}
    return {
        name: np.asarray(values, dtype=float)
        for name, values in series.items()
        if len(values) == len(times_s) and np.isfinite(np.asarray(values, dtype=float)).sum() >= 2
    }


def event_frames(events: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(intervals with start_s/end_s/label, instants with time_s/label) of a result's events."""
    spans, instants = [], []
    for event in events:
        label = str(event.get("label", "event"))
        start, end, time_s = event.get("start_s"), event.get("end_s"), event.get("time_s")
        if start is not None and end is not None:
            spans.append({"start_s": float(start), "end_s": float(end), "event": label})
        elif time_s is not None:
            instants.append({"time_s": float(time_s), "event": label})
        elif start is not None:
            instants.append({"time_s": float(start), "event": label})
    return (
        pd.DataFrame(spans, columns=["start_s", "end_s", "event"]),
        pd.DataFrame(instants, columns=["time_s", "event"]),
    )


def series_chart(
    times_s: np.ndarray, name: str, values: np.ndarray, events: list[dict[str, Any]], height: int = 220
) -> Any:  # an Altair chart (a layer of the curve and the events)
    """One curve over time (seconds) with the events: shaded intervals and vertical rules."""
    step = max(1, int(np.ceil(len(times_s) / MAX_POINTS)))
    unit = unit_of(name, None)
    title = metric_label(name, None) + (f" ({unit})" if unit else "")
    data = pd.DataFrame(
        {
            "time_s": np.asarray(times_s, dtype=float)[::step],
            "value": np.where(np.isfinite(values), values, np.nan)[::step],
        }
    )
    x = alt.X("time_s:Q", title="time (s)")
    line = (
        alt.Chart(data)
        .mark_line(color="#31333f")
        .encode(
            x=x,
            y=alt.Y("value:Q", title=title, scale=alt.Scale(zero=False)),
            tooltip=[alt.Tooltip("time_s:Q", format=".2f"), alt.Tooltip("value:Q", format=".2f", title=title)],
        )
    )
    layers: list[Any] = []
    spans, instants = event_frames(events)
    colour = alt.Color("event:N", title="event")
    if not spans.empty:
        layers.append(
            alt.Chart(spans)
            .mark_rect(opacity=0.15)
            .encode(x="start_s:Q", x2="end_s:Q", color=colour, tooltip=["event:N", "start_s:Q", "end_s:Q"])
        )
    if not instants.empty:
        layers.append(
            alt.Chart(instants)
            .mark_rule(opacity=0.6)
            .encode(x="time_s:Q", color=colour, tooltip=["event:N", "time_s:Q"])
        )
    chart = alt.layer(*layers, line) if layers else line
    return chart.properties(height=height)
