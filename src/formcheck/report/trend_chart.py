"""The athlete's trend as a small PNG chart: one panel per numeric headline figure, its sessions over
time (one line per comparison group, error bars: the spread), the typical range shaded, the latest
session marked, with a legend."""

from __future__ import annotations

import io

from ..store.trend import Trend
from .parts import ReportImage

#: At most this many figures are charted (the headline's first numeric ones).
MAX_PANELS = 4


def trend_chart(history: Trend) -> ReportImage | None:
    """The chart of `history` (None when no figure has a value)."""
    metrics = [m for m in history.metrics.values() if m.points][:MAX_PANELS]
    if not metrics:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    columns = 2 if len(metrics) > 1 else 1
    rows = (len(metrics) + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 2.4 * rows), squeeze=False)
    for ax in axes.flat[len(metrics) :]:
        ax.set_visible(False)
    colours = ("#2c7fb8", "#8e44ad", "#16a085", "#c0392b")
    for ax, m in zip(axes.flat, metrics, strict=False):
        values = [p.value for p in m.points]
        if m.low is not None or m.high is not None:
            lo = m.low if m.low is not None else min([*values, m.high or 0.0]) - 1.0
            hi = m.high if m.high is not None else max([*values, m.low or 0.0]) + 1.0
            ax.axhspan(lo, hi, color="#2ecc71", alpha=0.15, label="typical range")
        for i, group in enumerate(dict.fromkeys(p.group for p in m.points)):
            points = m.in_group(group)
            spreads = [p.spread or 0.0 for p in points]
            ax.errorbar(
                [p.date for p in points],
                [p.value for p in points],
                yerr=spreads if any(spreads) else None,
                fmt="-o",
                color=colours[i % len(colours)],
                ms=4,
                lw=1.4,
                capsize=3,
                label=f"sessions: {group}" if group else "sessions",
            )
        latest = m.points[-1]
        ax.plot([latest.date], [latest.value], "o", ms=9, mfc="none", mec="#e67e22", mew=2, label="latest")
        ax.set_title(f"{m.label}" + (f" ({m.unit})" if m.unit else ""), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %y"))
        ax.grid(alpha=0.3)
        if len({p.date for p in m.points}) == 1:
            ax.set_xticks([latest.date])
    axes.flat[0].legend(fontsize=7, loc="best")
    fig.autofmt_xdate()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120)
    width, height = (int(v) for v in fig.get_size_inches() * 120)
    plt.close(fig)
    caption = f"{history.athlete.name}: {len(history.sessions)} {history.kind} session(s)"
    return ReportImage("trend", caption, buffer.getvalue(), "image/png", width, height)
