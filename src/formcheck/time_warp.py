"""Why a result has no real-time timing figures: a gait clip that looks slow motion or sped up
(`details.slow_motion_suspected` / `sped_up_suspected`, written by `kinds.run.gait`) has its cadence
and contact time withheld until its capture rate is given. The CLI's summary, the batch's
summary.csv and the app say so in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: (details flag, details factor estimate, how the clip looks)
_WARPS = (
    ("slow_motion_suspected", "slow_motion_factor_estimate", "like slow motion"),
    ("sped_up_suspected", "sped_up_factor_estimate", "sped up"),
)


def time_warp_reason(details: Mapping[str, Any]) -> str | None:
    """'the clip looks like slow motion (about 9.5x), so its timing is not real time', or None when
    the clip looks real time."""
    for flag, factor, looks in _WARPS:
        if details.get(flag):
            return f"the clip looks {looks} (about {details.get(factor)}x), so its timing is not real time"
    return None


def suggested_capture_fps(details: Mapping[str, Any]) -> float | None:
    """The capture rate (fps) the analysis suggests giving (`details.capture_fps_suggested`)."""
    fps = details.get("capture_fps_suggested")
    return float(fps) if isinstance(fps, (int, float)) and not isinstance(fps, bool) else None


def withheld_words(empty: list[str], details: Mapping[str, Any], to_do: str) -> str | None:
    """'cadence_spm, contact_ms: the clip looks like slow motion (about 9.5x), so its timing is not
    real time; <to_do> (probably 240)' for the headline figures left empty (`empty`) of a clip whose
    timing is not real time; None when nothing is empty or the clip looks real time."""
    reason = time_warp_reason(details)
    if not empty or reason is None:
        return None
    fps = suggested_capture_fps(details)
    example = f" (probably {fps:g})" if fps is not None else ""
    return f"{', '.join(empty)}: {reason}; {to_do}{example}"
