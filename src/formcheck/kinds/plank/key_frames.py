"""The plank's key frames: the main hold's start, its worst moment and its end (a photo: the photo).

The worst moment is the peak of the main hold's most severe form break (`body.fault_severity`, the
rule the break events use; the larger peak among equally severe ones). Without a form break it is
the middle of the largest body-line deviation held for `min_break_s` (in units of its side's
tolerance, `body.tolerance_units`; the judged rows only, as for `max_sag_deg`), so a good hold still
shows where it came closest to the edge.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.ndimage import minimum_filter1d

from ...analysis import KeyFrame
from . import body as pm
from .measure import PlankMeasurement
from .overlay import FAULT_TEXT
from .settings import VARIANT_LABELS
from .thresholds import PlankThresholds

#: Break severities, worst first.
SEVERITY_ORDER = ("warning", "attention")


def hold_key_frames(m: PlankMeasurement, events: list[dict[str, Any]], th: PlankThresholds) -> list[KeyFrame]:
    """Key frames of a measured plank: start, worst moment, end of the main hold (time order).

    events: the result's events (break events carry label, severity, peak_value, peak_time_s)."""
    variant = VARIANT_LABELS[m.variant.variant]
    if m.is_photo:
        bl = float(m.line.body_line_deg[0])
        line = f": body line {bl:+.0f} deg (+ pike, - sag)" if np.isfinite(bl) else ""
        return [KeyFrame(0, "photo", 0.0, caption=f"{variant}{line}")]
    hold = m.main_hold
    if hold is None:
        return []
    a, b = hold
    t = m.t
    held = pm.span_s(t, a, b)
    worst_row, worst_caption = worst_moment(m, events, th, a, b)
    return [
        KeyFrame(a, "hold start", float(t[a]), caption=f"{variant}: the hold starts at {t[a]:.1f} s"),
        KeyFrame(worst_row, "worst moment", float(t[worst_row]), caption=worst_caption),
        KeyFrame(b, "hold end", float(t[b]), caption=f"the hold ends at {t[b]:.1f} s after {pm.format_time(held)}"),
    ]


def worst_moment(
    m: PlankMeasurement, events: list[dict[str, Any]], th: PlankThresholds, first: int, last: int
) -> tuple[int, str]:
    """(row, caption) of the main hold's worst moment (rows first..last)."""
    t = m.t
    breaks = [
        e
        for e in events
        if e.get("severity") in SEVERITY_ORDER
        and e.get("peak_time_s") is not None
        and t[first] - 1e-6 <= e["peak_time_s"] <= t[last] + 1e-6
    ]
    if breaks:
        worst = min(breaks, key=lambda e: (SEVERITY_ORDER.index(e["severity"]), -float(e.get("peak_value") or 0.0)))
        row = first + int(np.argmin(np.abs(t[first : last + 1] - worst["peak_time_s"])))
        what = FAULT_TEXT.get(str(worst["label"]), str(worst["label"]))
        cm = f" ({worst['peak_cm']:g} cm)" if worst.get("peak_cm") is not None else ""
        return row, f"{what}, {worst['peak_value']:g} deg{cm} at {t[row]:.1f} s: the hold's worst form break"
    found = held_worst(m, th, first, last)
    if found is None:
        middle = (first + last) // 2
        return middle, f"the body line could not be measured in this hold; the middle of the hold, {t[middle]:.1f} s"
    row, held_units = found
    side = "pike" if m.line.body_line_deg[row] > 0 else "sag"
    tolerance = pm.fault_tolerance_deg(side, th)
    within = "within" if held_units <= 1.0 else "beyond"
    return row, (
        f"no form break; the largest deviation held for {th.min_break_s:g} s: {held_units * tolerance:.0f} deg "
        f"of {side} around {t[row]:.1f} s, {within} the {tolerance:g} deg tolerance"
    )


def held_worst(m: PlankMeasurement, th: PlankThresholds, first: int, last: int) -> tuple[int, float] | None:
    """(row, deviation) of the largest body-line deviation held for `min_break_s` among the judged rows
    of first..last (not unjudged, not next to a cut, as for the line metrics): the deviation is in
    units of its side's tolerance (`body.tolerance_units`), the least over the `min_break_s` around
    `row`. A shorter excursion is not a form break, and not what `max_sag_deg` reports either.
    None when the body line was never measured there."""
    rows = np.arange(first, last + 1)
    judged = m.in_hold[rows] & ~m.unjudged[rows] & ~m.near_cut[rows]
    units = np.where(judged, pm.tolerance_units(m.line.body_line_deg[rows], th), np.nan)
    if not np.isfinite(units).any():
        return None
    window = max(1, int(round(th.min_break_s / pm.frame_interval_s(m.t))))
    # Outside the rows counts as no deviation: a stretch must be held inside the hold.
    held = minimum_filter1d(np.nan_to_num(units, nan=0.0), size=min(window, len(units)), mode="constant", cval=0.0)
    if held.max() <= 0:
        k = int(np.nanargmax(units))
        return int(rows[k]), float(units[k])
    k = int(np.argmax(held))
    return int(rows[k]), float(held[k])
