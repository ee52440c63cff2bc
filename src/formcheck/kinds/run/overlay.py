"""The gait overlay as data: contact / toe-off (and, rear/front view, mid-stance) markers on the feet,
the gait and cadence, and the current step's figures. Full-resolution pixels; drawn by `render.draw`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...landmarks import Landmark as L
from ...overlay import Drawing, Label, Marker, Role, Shape
from ...sequence import PoseSequence

#: Colour role of each foot's markers.
FOOT_ROLES: dict[str, Role] = {"L": "left", "R": "right"}
#: How long an event marker stays on screen, seconds.
MARKER_S = 0.12
#: The landmark an event is drawn on, per event kind and foot.
EVENT_LANDMARKS = {
    ("contact", "L"): L.LEFT_HEEL,
    ("contact", "R"): L.RIGHT_HEEL,
    ("toe_off", "L"): L.LEFT_FOOT_INDEX,
    ("toe_off", "R"): L.RIGHT_FOOT_INDEX,
    ("midstance", "L"): L.LEFT_ANKLE,
    ("midstance", "R"): L.RIGHT_ANKLE,
}
#: Per-step figures shown while the step lasts: (column, text after the value).
STEP_FIGURES = (
    ("contact_ms", "ms contact"),
    ("flight_ms", "ms flight"),
    ("overstride_cm", "cm overstride"),
    ("knee_flexion_contact_deg", "deg knee at contact"),
    ("strike", "strike"),
    ("pelvic_drop_deg", "deg pelvic drop (2D)"),
    ("step_width_cm", "cm step width"),
    ("knee_frontal_angle_deg", "deg knee frontal (2D)"),
)


@dataclass
class GaitOverlay:
    """seq: the analysed sequence; events: dicts with time_s, label, foot, kind; steps: the per-step
    table (dicts); header: a line shown at the top (gait, view, cadence); occluded_rows: (T,) bool,
    frames where the far leg is hidden."""

    seq: PoseSequence
    events: list[dict[str, Any]]
    steps: Sequence[Mapping[str, Any]]
    header: str
    occluded_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def drawing(self, row: int | None) -> Drawing:
        panel: list[tuple[str, Role]] = [(self.header, "text")]
        if row is None or row >= len(self.seq):
            return Drawing(panel=panel)
        t = float(self.seq.timestamps_s[row])
        shapes: list[Shape] = []
        for ev in self.events:
            if abs(ev["time_s"] - t) <= MARKER_S / 2 + 1e-9 or (0 <= t - ev["time_s"] <= MARKER_S):
                role = FOOT_ROLES[ev["foot"]]
                p = self.seq.xy[row, EVENT_LANDMARKS[(ev["kind"], ev["foot"])]]
                shape = {"contact": "dot", "midstance": "diamond"}.get(ev["kind"], "ring")
                shapes.append(Marker(p, role, shape, size=1 / 60, min_px=6))  # type: ignore[arg-type]
                shapes.append(Label(ev["label"], p, role, side="right", dy=-0.012, size=0.018))
        step = self._current_step(t)
        if step is not None:
            panel.append((f"step {step['step']} ({step['foot']})", "text"))
            for key, unit in STEP_FIGURES:
                v = step.get(key)
                if v is not None:
                    panel.append((f"{v:g} {unit}" if isinstance(v, (int, float)) else f"{v} {unit}", "text"))
        footer: list[tuple[str, Role]] = []
        if self.occluded_rows.size > row and self.occluded_rows[row]:
            footer.append(("far leg hidden", "note"))
        return Drawing(shapes=shapes, panel=panel, footer=footer)

    def _current_step(self, t: float) -> Mapping[str, Any] | None:
        current = None
        for s in self.steps:
            start = s["contact_s"] if s.get("contact_s") is not None else s.get("midstance_s")
            if start is not None and start <= t:
                current = s
        return current
