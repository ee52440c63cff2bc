"""Gait annotator: contact / toe-off (and, rear/front view, mid-stance) markers on the feet and the
current step's figures.

Draws on an RGB uint8 frame at output size; landmark pixels are multiplied by `scale`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from ..landmarks import Landmark as L
from ..sequence import PoseSequence

FOOT_COLOURS = {"L": (60, 140, 255), "R": (255, 120, 40)}  # RGB: left blue, right orange
#: How long an event marker stays on screen, seconds.
MARKER_S = 0.12


@dataclass
class GaitAnnotator:
    """seq: the analysed sequence; events: dicts with time_s, label, foot, kind; steps: the per-step
    table; header: a line shown at the top (gait, view, cadence)."""

    seq: PoseSequence
    events: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    header: str
    occluded_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def annotate(self, image: np.ndarray, row: int | None, scale: float) -> np.ndarray:
        h = image.shape[0]
        font = max(0.4, h / 1400)
        thick = max(1, int(round(h / 500)))
        _text(image, self.header, (int(0.02 * image.shape[1]), int(0.05 * h)), font, thick)
        if row is None or row >= len(self.seq):
            return image
        t = float(self.seq.timestamps_s[row])
        for ev in self.events:
            if abs(ev["time_s"] - t) <= MARKER_S / 2 + 1e-9 or (0 <= t - ev["time_s"] <= MARKER_S):
                foot = ev["foot"]
                lm = L.LEFT_HEEL if foot == "L" else L.RIGHT_HEEL
                if ev["kind"] == "toe_off":
                    lm = L.LEFT_FOOT_INDEX if foot == "L" else L.RIGHT_FOOT_INDEX
                elif ev["kind"] == "midstance":
                    lm = L.LEFT_ANKLE if foot == "L" else L.RIGHT_ANKLE
                p = self.seq.xy[row, lm]
                if np.all(np.isfinite(p)):
                    c = (int(p[0] * scale), int(p[1] * scale))
                    r = max(6, int(h / 60))
                    if ev["kind"] == "contact":
                        cv2.circle(image, c, r, FOOT_COLOURS[foot], -1, cv2.LINE_AA)
                    elif ev["kind"] == "midstance":
                        cv2.drawMarker(image, c, FOOT_COLOURS[foot], cv2.MARKER_DIAMOND, 2 * r, thick + 1, cv2.LINE_AA)
                    else:
                        cv2.circle(image, c, r, FOOT_COLOURS[foot], thick + 1, cv2.LINE_AA)
                    _text(image, ev["label"], (c[0] + r + 4, c[1]), font * 0.8, thick, FOOT_COLOURS[foot])
        step = self._current_step(t)
        if step is not None:
            lines = [f"step {step['step']} ({step['foot']})"]
            for key, unit in (
                ("contact_ms", "ms contact"),
                ("flight_ms", "ms flight"),
                ("overstride_cm", "cm overstride"),
                ("knee_flexion_contact_deg", "deg knee at contact"),
                ("strike", ""),
                ("pelvic_drop_deg", "deg pelvic drop (2D)"),
                ("step_width_cm", "cm step width"),
                ("knee_frontal_angle_deg", "deg knee frontal (2D)"),
            ):
                v = step.get(key)
                if v is not None:
                    lines.append(f"{v:g} {unit}" if isinstance(v, (int, float)) else f"{v} strike")
            y = int(0.05 * h) + int(40 * font)
            for line in lines:
                _text(image, line, (int(0.02 * image.shape[1]), y), font * 0.85, thick)
                y += int(32 * font)
        if self.occluded_rows.size > row and self.occluded_rows[row]:
            _text(
                image, "far leg hidden", (int(0.02 * image.shape[1]), int(0.95 * h)), font * 0.8, thick, (255, 200, 0)
            )
        return image

    def _current_step(self, t: float) -> dict[str, Any] | None:
        current = None
        for s in self.steps:
            start = s["contact_s"] if s.get("contact_s") is not None else s.get("midstance_s")
            if start is not None and start <= t:
                current = s
        return current


def _text(
    image: np.ndarray,
    text: str,
    org: tuple[int, int],
    font: float,
    thick: int,
    colour: tuple[int, int, int] = (255, 255, 255),
) -> None:
    """Text with a dark outline, readable on any background."""
    cv2.putText(image, text, org, cv2.FONT_HERSHEY_SIMPLEX, font, (0, 0, 0), thick + 2, cv2.LINE_AA)
    cv2.putText(image, text, org, cv2.FONT_HERSHEY_SIMPLEX, font, colour, thick, cv2.LINE_AA)
