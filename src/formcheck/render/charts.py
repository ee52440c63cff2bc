"""Charts of an analysis's per-frame curves over time, with its events shaded (intervals) or
marked (instants). Written as PNG with matplotlib's Agg backend (no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

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
) -> Path | None:
    """One panel per curve (at most MAX_PANELS), sharing the time axis. Returns None when there is
    nothing to plot (a photo, or no curves)."""
    curves = plottable(times_s, series)
    if not curves:
        return None
    import matplotlib  # slow to import: only when a chart is drawn

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(curves)[:MAX_PANELS]
    fig, axes = plt.subplots(len(names), 1, figsize=(9, 2.2 * len(names) + 0.6), sharex=True, squeeze=False)
    for ax, name in zip(axes[:, 0], names, strict=False):
        ax.plot(times_s, curves[name], lw=1.4, color="#2c7fb8")
        ax.set_ylabel(name.replace("_", " "), fontsize=8)
        ax.grid(alpha=0.3)
        _draw_events(ax, events)
    axes[-1, 0].set_xlabel("time (s)")
    if title:
        axes[0, 0].set_title(title, fontsize=10)
    fig.tight_layout()
    out = Path(out_path)
    fig.savefig(out, dpi=110, format="png")
    plt.close(fig)
    return out


def _draw_events(ax: Any, events: list[dict[str, Any]]) -> None:
    shaded: set[str] = set()
    for event in events:
        label = str(event.get("label", ""))
        if "start_s" in event and "end_s" in event and event["end_s"] is not None:
            ax.axvspan(
                event["start_s"],
                event["end_s"],
                color=_colour(event),
                alpha=0.18,
                label=label if label not in shaded else None,
            )
            shaded.add(label)
        elif "time_s" in event:
            ax.axvline(event["time_s"], color=_colour(event), alpha=0.5, lw=0.8)


def _colour(event: dict[str, Any]) -> str:
    severity = event.get("severity", "")
    return {"warning": "#e74c3c", "attention": "#f39c12"}.get(severity, "#7f8c8d")
