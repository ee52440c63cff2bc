"""The plank analysis's own settings, and the names of the plank variants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...config import KindSettings, setting

#: Each plank variant as a person names it (the one wording used everywhere: settings, results, overlay).
VARIANT_LABELS = {
    "forearm": "forearm plank",
    "high": "straight-arm (high) plank",
    "knee": "knee plank",
    "side_left": "side plank on the left side",
    "side_right": "side plank on the right side",
    "side_knee": "side plank with the bottom knee down",
}


@dataclass(frozen=True)
class PlankSettings(KindSettings):
    """variant: the plank variant, or auto (recognised from the pose)."""

    KIND: ClassVar[str] = "plank"

    variant: str = setting(
        "auto",
        "Plank variant",
        "the plank variant, when auto-detection picks the wrong one",
        "--variant",
        choices=("auto", *VARIANT_LABELS),
        choice_labels={"auto": "Auto-detect", **{k: v.capitalize() for k, v in VARIANT_LABELS.items()}},
    )
