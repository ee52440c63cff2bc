"""The per-step table as typed rows: `StepRow` (side view) and `FrontalStepRow` (rear/front view: the
same leading columns, side-only ones empty, then its own). Each row is also a read-only mapping of
its columns in order (`row["contact_ms"]`, `row.get(...)`), and `to_json()` gives them as the JSON
and CSV tables have them. Units are in the column names; conventions are in `thresholds.RANGES`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace

from ...analysis import JsonValue

#: The timing columns, withheld together when the clip's time base is not real time (slow motion).
TIMING_COLUMNS = ("contact_ms", "flight_ms", "double_support_ms", "step_time_ms")


@dataclass(frozen=True)
class StepRow(Mapping[str, JsonValue]):
    """One step, from a contact of `foot` to the next contact of the other foot.

    contact_s / toe_off_s: event times (s); contact_ms: toe-off - contact; flight_ms: next contact
    - toe-off when positive (else 0), double_support_ms: its negative part (walking); step_time_ms:
    next contact - contact; overstride_cm (and % of leg length): ankle ahead of the hip centre at
    contact; shank_angle_at_contact_deg, knee_flexion_contact_deg, knee_flexion_peak_deg (first 60%
    of stance), strike and foot_strike_angle_deg, trunk_lean_deg (median over the step),
    vertical_oscillation_cm (pelvis, over the step, `signals.step_excursion`); leg_to_camera: 'near'/'far'; far_leg_occluded:
    the far leg was hidden at the contact. None where not measured.
    """

    step: int
    foot: str
    contact_s: float | None = None
    toe_off_s: float | None = None
    contact_ms: float | None = None
    flight_ms: float | None = None
    double_support_ms: float | None = None
    step_time_ms: float | None = None
    overstride_cm: float | None = None
    overstride_pct_leg: float | None = None
    shank_angle_at_contact_deg: float | None = None
    knee_flexion_contact_deg: float | None = None
    knee_flexion_peak_deg: float | None = None
    strike: str | None = None
    foot_strike_angle_deg: float | None = None
    trunk_lean_deg: float | None = None
    vertical_oscillation_cm: float | None = None
    leg_to_camera: str | None = None
    far_leg_occluded: bool = False

    def __getitem__(self, key: str) -> JsonValue:
        if key not in self._names():
            raise KeyError(key)
        value: JsonValue = getattr(self, key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def to_json(self) -> dict[str, JsonValue]:
        return {name: getattr(self, name) for name in self._names()}

    def without_timing(self) -> StepRow:
        """The row with its timing columns emptied (the clip's time base is not real time)."""
        return replace(self, contact_ms=None, flight_ms=None, double_support_ms=None, step_time_ms=None)


@dataclass(frozen=True)
class FrontalStepRow(StepRow):
    """One step of a rear/front view, centred on its mid stance (pelvis lowest), `midstance_s`;
    pelvic_drop_deg, step_width_cm and knee_frontal_angle_deg are 2D proxies (see rear_steps)."""

    midstance_s: float | None = None
    pelvic_drop_deg: float | None = None
    step_width_cm: float | None = None
    knee_frontal_angle_deg: float | None = None
