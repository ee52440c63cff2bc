"""Plank overlay: the body line (shoulder-hip-ankle) coloured by status, a live hold timer with the
good-form time so far, and the current fault. Draw only: everything is precomputed per row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from .style import AMBER, GREEN, GREY, RED, WHITE, line_width, put_lines

if TYPE_CHECKING:
    from ..kinds.plank import PlankMeasurement
    from ..reference.plank import PlankThresholds

STATUS_COLOURS = {"idle": GREY, "good": GREEN, "attention": AMBER, "warning": RED, "unjudged": GREY}
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


def _clock(seconds: float) -> str:
    total = int(max(0.0, seconds))
    return f"{total // 60}:{total % 60:02d}"


@dataclass
class PlankAnnotator:
    """points: (T, 3, 2) shoulder, hip, distal in full-resolution pixels (NaN where missing);
    status: (T,) one of STATUS_COLOURS; fault: (T,) text; hold_s / good_s: (T,) seconds so far
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
    def from_measurement(cls, m: PlankMeasurement, th: PlankThresholds) -> PlankAnnotator:
        n = len(m.seq)
        points = np.stack([m.frames.shoulder, m.frames.hip, m.line.distal], axis=1)
        status = np.full(n, "idle", dtype=object)
        fault = np.full(n, "", dtype=object)
        status[m.in_hold] = "good"
        status[m.unjudged] = "unjudged"
        for name, spans in m.breaks.items():
            tol = th.pike_tolerance_deg if name == "pike" else th.sag_tolerance_deg
            for a, b in spans:
                for r in range(a, b + 1):
                    if fault[r]:
                        fault[r] += ", "
                    fault[r] += FAULT_TEXT.get(name, name)
                    if name in ("sag", "pike", "hip_drop") and abs(m.line.body_line_deg[r]) > th.warning_factor * tol:
                        status[r] = "warning"
                    elif status[r] != "warning":
                        status[r] = "attention"
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
        from ..kinds.plank import VARIANT_LABELS

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

    def annotate(self, image: np.ndarray, row: int | None, scale: float) -> np.ndarray:
        lines: list[tuple[str, tuple[int, int, int]]] = [(self.variant, WHITE)]
        if row is not None and 0 <= row < self.points.shape[0]:
            status = str(self.status[row])
            colour = STATUS_COLOURS.get(status, GREY)
            pts = self.points[row] * scale
            width = line_width(image, 0.008)
            for p, q in ((pts[0], pts[1]), (pts[1], pts[2])):
                if np.isfinite(p).all() and np.isfinite(q).all():
                    a, b = (int(p[0]), int(p[1])), (int(q[0]), int(q[1]))
                    cv2.line(image, a, b, (20, 20, 20), width + 4, cv2.LINE_AA)  # dark outline: stands out
                    cv2.line(image, a, b, colour, width, cv2.LINE_AA)
            for p in pts:
                if np.isfinite(p).all():
                    cv2.circle(image, (int(p[0]), int(p[1])), width + 2, colour, -1, cv2.LINE_AA)
            if np.isfinite(self.hold_s[row]):
                lines.append((f"HOLD {_clock(self.hold_s[row])}   good {_clock(self.good_s[row])}", WHITE))
            elif not self.is_photo:
                lines.append(("not in a plank", GREY))
            bl = self.body_line_deg[row]
            if np.isfinite(bl):
                lines.append((f"body line {bl:+.0f} deg (+ pike, - sag)", colour))
            if self.fault[row]:
                lines.append((str(self.fault[row]), colour))
            elif status == "good":
                lines.append(("good line", GREEN))
        put_lines(image, lines, (int(image.shape[1] * 0.02), int(image.shape[0] * 0.02)))
        return image
