"""The wall test's key frame: the annotated photo, or for a clip the measured frame nearest the middle
of the frames measured (the overlay draws the gap and the head angle on it)."""

from __future__ import annotations

from ...analysis import KeyFrame, MetricValue
from .measure import FrameMeasure


def wall_key_frames(measures: list[FrameMeasure], metrics: dict[str, MetricValue], is_photo: bool) -> list[KeyFrame]:
    """One key frame: the photo, or the middle measured frame of a clip (none if nothing was measured)."""
    if not measures:
        return []
    ordered = sorted(measures, key=lambda m: m.row)
    m = ordered[len(ordered) // 2]
    return [
        KeyFrame(m.row, "photo" if is_photo else "measured frame", 0.0 if is_photo else m.time_s, _caption(metrics))
    ]


def _caption(metrics: dict[str, MetricValue]) -> str:
    parts = []
    gap, hands = metrics.get("lumbar_gap_cm"), metrics.get("lumbar_gap_hands")
    if isinstance(gap, (int, float)) and not isinstance(gap, bool):
        against = "the wall" if metrics.get("gap_reference") == "wall" else "the line buttocks-upper back"
        in_hands = f" ({hands:g} hands)" if isinstance(hands, float) else ""
        parts.append(f"lower back {gap:g} cm from {against}{in_hands}")  # as the metrics give them
    cva = metrics.get("craniovertebral_angle_deg")
    if isinstance(cva, (int, float)) and not isinstance(cva, bool):
        parts.append(f"head angle (CVA) {cva:.0f} deg")
    lordosis = metrics.get("lordosis_class")
    if isinstance(lordosis, str):
        parts.append(f"lower-back curve: {lordosis}")
    return "; ".join(parts)
