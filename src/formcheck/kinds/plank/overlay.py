"""The plank's overlay as data: the body line (shoulder-hip-distal) coloured by status, a live hold
timer with the good-form time so far, and the current fault. Everything is precomputed per row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...overlay import Drawing, Line, Marker, Role, Shape
from . import body as pm
from .measure import PlankMeasurement
from .settings import VARIANT_LABELS
from .thresholds import PlankThresholds

#: Colour role of each per-frame status.
STATUS_ROLES: dict[str, Role] = {
    "idle": "muted",
    "good": "good",
    "attention": "attention",
    "warning": "warning",
    "unjudged": "muted",
}
#: Each fault in plain words, as shown on the frame.
FAULT_TEXT = {
    "sag": "hips sagging",
    "pike": "hips piked",
    "hip_drop": "hips dropping",
    "knees_bent": "knees bent",
    "head_dropped": "head dropped",
    "head_craned": "head craned",
    "shoulders_ahead": "shoulders ahead",
    "shoulders_behind": "shoulders behind",
}
#: Line width of the body line, as a fraction of the image height.
WIDTH = 0.008


def clock(seconds: float) -> str:
    """m:ss of a duration in seconds."""
    total = int(max(0.0, seconds))
    return f"{total // 60}:{total % 60:02d}"


@dataclass
class PlankOverlay:
    """points: (T, 3, 2) shoulder, hip, distal in full-resolution pixels (NaN where missing);
    status: (T,) one of STATUS_ROLES; fault: (T,) text; hold_s / good_s: (T,) seconds so far
    (NaN outside a hold); body_line_deg: (T,) signed (+ pike, - sag); variant: label text."""

    points: np.ndarray
    status: np.ndarray
    fault: np.ndarray
    hold_s: np.ndarray
    good_s: np.ndarray
    body_line_deg: np.ndarray
    variant: str
    is_photo: bool = False

    @classmethod
    def from_measurement(cls, m: PlankMeasurement, th: PlankThresholds) -> PlankOverlay:
        """Per-row status from the form breaks: each break's frames are amber, red where the fault
        exceeds the warning level (`body.fault_severity`, the rule the break events use)."""
        n = len(m.seq)
        points = np.stack([m.frames.shoulder, m.frames.hip, m.line.distal], axis=1)
        status = np.full(n, "idle", dtype=object)
        fault = np.full(n, "", dtype=object)
        status[m.in_hold] = "good"
        status[m.unjudged] = "unjudged"
        for name, spans in m.breaks.items():
            value = pm.fault_value(name, m.frames, m.line, m.variant.variant)
            for a, b in spans:
                for r in range(a, b + 1):
                    fault[r] = f"{fault[r]}, {FAULT_TEXT.get(name, name)}" if fault[r] else FAULT_TEXT.get(name, name)
                    severe = np.isfinite(value[r]) and pm.fault_severity(name, float(value[r]), th) == "warning"
                    status[r] = "warning" if severe or status[r] == "warning" else "attention"
        dt = float(np.median(np.diff(m.t))) if n > 1 else 0.0
        hold_s = np.full(n, np.nan)
        good_s = np.full(n, np.nan)
        hold = m.main_hold
        if hold is not None and not m.is_photo:
            a, b = hold
            hold_s[a : b + 1] = m.t[a : b + 1] - m.t[a] + dt
            good_s[a : b + 1] = np.cumsum(m.good[a : b + 1]) * dt
            hold_s[b + 1 :] = hold_s[b]
            good_s[b + 1 :] = good_s[b]
        return cls(
            points=points,
            status=status,
            fault=fault,
            hold_s=hold_s,
            good_s=good_s,
            body_line_deg=m.line.body_line_deg.copy(),
            variant=VARIANT_LABELS[m.variant.variant],
            is_photo=m.is_photo,
        )

    def drawing(self, row: int | None) -> Drawing:
        panel: list[tuple[str, Role]] = [(self.variant, "text")]
        shapes: list[Shape] = []
        if row is not None and 0 <= row < self.points.shape[0]:
            status = str(self.status[row])
            role = STATUS_ROLES.get(status, "muted")
            pts = self.points[row]
            shapes.append(Line(pts, role, WIDTH, backed=True))
            shapes.extend(Marker(p, role, "dot", size=WIDTH * 1.25) for p in pts)
            if np.isfinite(self.hold_s[row]):
                panel.append((f"HOLD {clock(self.hold_s[row])}   good {clock(self.good_s[row])}", "text"))
            elif not self.is_photo:
                panel.append(("not in a plank", "muted"))
            bl = self.body_line_deg[row]
            if np.isfinite(bl):
                panel.append((f"body line {bl:+.0f} deg (+ pike, - sag)", role))
            if self.fault[row]:
                panel.append((str(self.fault[row]), role))
            elif status == "good":
                panel.append(("good line", "good"))
        return Drawing(shapes=shapes, panel=panel)
