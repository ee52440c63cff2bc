"""Interactive charts (altair; no Streamlit here), each with its reference range shaded and a legend:
a result's per-frame curves with its events (shaded intervals, vertical lines), and an athlete's
headline figures over their sessions (`trend_chart`)."""

from __future__ import annotations

import itertools
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from ..reference import ReferenceRange
from ..result_document import Event
from ..store.trend import MetricTrend
from ..verdict import has_range, range_words
from .formatting import metric_label, unit_of

#: Longest curve sent to the browser; longer ones are thinned evenly.
MAX_POINTS = 2000
BAND_COLOUR = "#2ca02c"
CURVE_COLOUR = "#31333f"
#: An open-ended band reaches at least this share of the scale (the values' span, else the bound) past its bound.
OPEN_MARGIN = 0.1
#: Date ticks on a trend chart at most (they stay readable on a phone).
MAX_DATE_TICKS = 4


def plottable_series(times_s: np.ndarray, series: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The curves aligned with `times_s` that have at least two finite values."""
    if len(times_s) < 2:
        return {}
    return {
        name: np.asarray(values, dtype=float)
        for name, values in series.items()
        if len(values) == len(times_s) and np.isfinite(np.asarray(values, dtype=float)).sum() >= 2
    }


def event_frames(events: list[Event]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(intervals with start_s/end_s/legend, instants with time_s/legend) of a result's events."""
    spans, instants = [], []
    for event in events:
        if event.is_interval:
            spans.append({"start_s": event.start_s, "end_s": event.end_s, "legend": event.label})
        elif event.at_s is not None:
            instants.append({"time_s": event.at_s, "legend": event.label})
    return (
        pd.DataFrame(spans, columns=["start_s", "end_s", "legend"]),
        pd.DataFrame(instants, columns=["time_s", "legend"]),
    )


def band_frame(ref: ReferenceRange | None, values: np.ndarray) -> pd.DataFrame:
    """The reference band as one row (low, high, legend); an open side ends at the curve's extreme,
    or, when every value lies on the other side of the bound, OPEN_MARGIN of the scale beyond the
    bound (so that the band is seen). Empty without a range."""
    if ref is None or not has_range(ref):
        return pd.DataFrame(columns=["low", "high", "legend"])
    finite = values[np.isfinite(values)]
    bound = ref.high if ref.high is not None else ref.low
    assert bound is not None
    span = float(finite.max() - finite.min()) if finite.size else 0.0
    margin = OPEN_MARGIN * max(span, abs(bound), 1e-9)
    bottom = float(min(finite.min() if finite.size else bound, bound - margin))
    top = float(max(finite.max() if finite.size else bound, bound + margin))
    low = ref.low if ref.low is not None else bottom
    high = ref.high if ref.high is not None else top
    return pd.DataFrame([{"low": low, "high": high, "legend": f"reference range ({range_words(ref)})"}])


def series_chart(
    times_s: np.ndarray,
    name: str,
    values: np.ndarray,
    events: list[Event],
    ref: ReferenceRange | None = None,
    height: int = 300,
) -> Any:  # an Altair layer chart
    """One curve over time (seconds) with the reference band and the events, with a legend below."""
    step = max(1, int(np.ceil(len(times_s) / MAX_POINTS)))
    unit = unit_of(name, ref)
    title = metric_label(name, ref) + (f" ({unit})" if unit else "")
    data = pd.DataFrame(
        {
            "time_s": np.asarray(times_s, dtype=float)[::step],
            "value": np.where(np.isfinite(values), values, np.nan)[::step],
        }
    )
    spans, instants = event_frames(events)
    band = band_frame(ref, np.asarray(values, dtype=float))
    labels = list(dict.fromkeys([*band["legend"], *spans["legend"], *instants["legend"]]))
    palette = ["#1f77b4", "#ff7f0e", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#7f7f7f", "#17becf"]
    cycle = itertools.cycle(palette)
    colours = [BAND_COLOUR if label in set(band["legend"]) else next(cycle) for label in labels]
    colour = alt.Color(
        "legend:N",
        title=None,
        scale=alt.Scale(domain=labels, range=colours),
        legend=alt.Legend(orient="bottom", direction="horizontal", columns=2, labelLimit=260),
    )
    x = alt.X("time_s:Q", title="time (s)")
    layers: list[Any] = []
    if not band.empty:
        layers.append(
            alt.Chart(band)
            .mark_rect(opacity=0.15)
            .encode(y="low:Q", y2="high:Q", color=colour, tooltip=["legend:N", "low:Q", "high:Q"])
        )
    if not spans.empty:
        layers.append(
            alt.Chart(spans)
            .mark_rect(opacity=0.15)
            .encode(x="start_s:Q", x2="end_s:Q", color=colour, tooltip=["legend:N", "start_s:Q", "end_s:Q"])
        )
    if not instants.empty:
        layers.append(
            alt.Chart(instants)
            .mark_rule(opacity=0.7)
            .encode(x="time_s:Q", color=colour, tooltip=["legend:N", "time_s:Q"])
        )
    line = (
        alt.Chart(data)
        .mark_line(color=CURVE_COLOUR)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            tooltip=[alt.Tooltip("time_s:Q", format=".2f"), alt.Tooltip("value:Q", format=".2f", title=title)],
        )
    )
    chart = alt.layer(*layers, line) if layers else line
    # The height is the whole chart's (Streamlit fits the legend in it): the name is the title, not
    # a y-axis title that a phone's width would cut short.
    return chart.properties(height=height, title=alt.TitleParams(title, anchor="start", fontSize=14))


def trend_frame(trend: MetricTrend) -> pd.DataFrame:
    """One row per session of one headline figure: date (ISO, local time), value, low / high (value
    ± spread, or the value itself), since_first, since_previous, legend (the session's group)."""
    rows = []
    for p in trend.points:
        spread = p.spread or 0.0
        rows.append(
            {
                "date": p.date.astimezone().isoformat(),
                "value": p.value,
                "low": p.value - spread,
                "high": p.value + spread,
                "since_first": p.since_first,
                "since_previous": p.since_previous,
                "legend": f"sessions: {p.group}" if p.group else "sessions",
            }
        )
    columns = ["date", "value", "low", "high", "since_first", "since_previous", "legend"]
    return pd.DataFrame(rows, columns=columns)


def trend_chart(trend: MetricTrend, height: int = 280) -> Any:  # an Altair layer chart
    """One headline figure over an athlete's sessions: a line and point per session (one line per
    comparison group), its spread as a bar, the reference range shaded, all named in a legend."""
    data = trend_frame(trend)
    ref = ReferenceRange(trend.name, trend.label, trend.unit, trend.low, trend.high, "", "")
    band = band_frame(ref, data["value"].to_numpy(dtype=float))
    title = trend.label + (f" ({trend.unit})" if trend.unit else "")
    groups = list(dict.fromkeys(data["legend"]))
    labels = [*band["legend"], *groups]
    palette = ["#1f77b4", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"]
    colours = [BAND_COLOUR] * len(band) + [palette[i % len(palette)] for i in range(len(groups))]
    colour = alt.Color(
        "legend:N",
        title=None,
        scale=alt.Scale(domain=labels, range=colours),
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=300, symbolOpacity=1.0),
    )
    axis = alt.Axis(format="%d %b %Y", labelAngle=0, labelOverlap=True, tickCount=MAX_DATE_TICKS)
    x = alt.X("date:T", title=None, axis=axis, scale=alt.Scale(nice=True, padding=12))
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
    layers: list[Any] = []
    if not band.empty:
        layers.append(
            alt.Chart(band)
            .mark_rect(opacity=0.15)
            .encode(y="low:Q", y2="high:Q", color=colour, tooltip=["legend:N", "low:Q", "high:Q"])
        )
    if (data["high"] > data["low"]).any():
        layers.append(alt.Chart(data).mark_rule(opacity=0.6).encode(x=x, y="low:Q", y2="high:Q", color=colour))
    layers.append(
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=70, filled=True))
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip("date:T", format="%d %b %Y %H:%M", title="date"),
                alt.Tooltip("value:Q", format=".2f", title=title),
                alt.Tooltip("since_first:Q", format="+.2f", title="since the first"),
                alt.Tooltip("since_previous:Q", format="+.2f", title="since the previous"),
            ],
        )
    )
    return alt.layer(*layers).properties(height=height, title=alt.TitleParams(title, anchor="start", fontSize=14))
