"""Charts of an analysis's per-frame curves over time, with its events shaded (intervals) or
marked (instants). Written as PNG with matplotlib's Agg backend (no display needed)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..reference import ReferenceRange
from ..verdict import has_range

MAX_PANELS = 4


def plottable(times_s: np.ndarray, series: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The curves that can be drawn: aligned with the timestamps and not all missing."""
    if len(times_s) < 2:
        return {}
    return {
        k: np.asarray(v, float)
        for k, v in series.items()
        if np.asarray(v).shape == times_s.shape and np.isfinite(np.asarray(v, float)).any()
    }


def has_curves(times_s: np.ndarray, series: dict[str, np.ndarray]) -> bool:
    return bool(plottable(times_s, series))


def plot_series(
    times_s: np.ndarray,
    series: dict[str, np.ndarray],
    events: list[dict[str, Any]],
    out_path: str | Path,
    title: str = "",
    references: Mapping[str, ReferenceRange] | None = None,
) -> Path | None:
    """One panel per curve (at most MAX_PANELS), sharing the time axis: the curve, its reference range
    as a shaded band (where `references` has one for it), the events (shaded intervals, vertical
    lines), and one legend naming them all. Returns None when there is nothing to plot."""
    curves = plottable(times_s, series)
    if not curves:
        return None
    import matplotlib  # slow to import: only when a chart is drawn

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(curves)[:MAX_PANELS]
    colours = _event_colours(events)
    fig, axes = plt.subplots(len(names), 1, figsize=(9, 2.2 * len(names) + 1.2), sharex=True, squeeze=False)
    legend: dict[str, Any] = {}
    for ax, name in zip(axes[:, 0], names, strict=False):
        ref = (references or {}).get(name)
        ax.plot(times_s, curves[name], lw=1.4, color="#2c7fb8")
        label = ref.label if ref is not None and ref.label else name.replace("_", " ")
        ax.set_ylabel(label + (f" ({ref.unit})" if ref is not None and ref.unit else ""), fontsize=8)
        ax.grid(alpha=0.3)
        if ref is not None and has_range(ref):
            legend.setdefault("reference range (shaded)", _band(ax, ref))
        _draw_events(ax, events, colours, legend)
    axes[-1, 0].set_xlabel("time (s)")
    if title:
        axes[0, 0].set_title(title, fontsize=10)
    if legend:
        fig.legend(
            list(legend.values()), list(legend), loc="lower center", ncol=min(4, len(legend)), fontsize=8, frameon=False
        )
    fig.tight_layout(rect=(0, 0.06 if legend else 0, 1, 1))
    out = Path(out_path)
    fig.savefig(out, dpi=110, format="png")
    plt.close(fig)
    return out


def _band(ax: Any, ref: ReferenceRange) -> Any:
    """Shade the reference range (an open side runs to the panel's edge); the bounds stay in view."""
    bottom, top = ax.get_ylim()
    bounds = [b for b in (ref.low, ref.high) if b is not None]
    bottom, top = min(bottom, *bounds), max(top, *bounds)
    pad = 0.05 * (top - bottom or 1.0)
    bottom, top = bottom - pad, top + pad
    band = ax.axhspan(
        ref.low if ref.low is not None else bottom,
        ref.high if ref.high is not None else top,
        color="#2ca02c",
        alpha=0.12,
        lw=0,
    )
    ax.set_ylim(bottom, top)
    return band


#: Event colours: by severity where the event has one, else one colour per event label.
SEVERITY_COLOURS = {"warning": "#e74c3c", "attention": "#f39c12"}
LABEL_COLOURS = ("#7f8c8d", "#8e44ad", "#16a085", "#d35400", "#2c3e50", "#c0392b")


def _event_colours(events: list[dict[str, Any]]) -> dict[str, str]:
    """A colour per event label (the severity's colour for events that have one)."""
    colours: dict[str, str] = {}
    for event in events:
        label = str(event.get("label", ""))
        if label not in colours:
            severity = str(event.get("severity") or "")
            colours[label] = SEVERITY_COLOURS.get(severity) or LABEL_COLOURS[len(colours) % len(LABEL_COLOURS)]
    return colours


def _draw_events(ax: Any, events: list[dict[str, Any]], colours: dict[str, str], legend: dict[str, Any]) -> None:
    for event in events:
        label = str(event.get("label", ""))
        start, end, at = event.get("start_s"), event.get("end_s"), event.get("time_s")
        if start is not None and end is not None:
            artist = ax.axvspan(start, end, color=colours[label], alpha=0.18, lw=0)
        elif at is not None or start is not None:
            artist = ax.axvline(at if at is not None else start, color=colours[label], alpha=0.6, lw=0.9)
        else:
            continue
        legend.setdefault(label, artist)
