"""The running analysis's own settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...config import KindSettings, setting

#: Where the camera was, as a person names it.
VIEW_LABELS = {"auto": "Auto-detect", "side": "Side", "rear": "From behind", "front": "From the front"}
#: The gait, as a person names it.
GAIT_LABELS = {"auto": "Auto-detect", "running": "Running", "walking": "Walking"}


@dataclass(frozen=True)
class RunSettings(KindSettings):
    """view: the camera view, or auto (recognised from the pose); gait: running or walking, or auto
    (recognised from the foot events: a flight phase or double support)."""

    KIND: ClassVar[str] = "run"

    view: str = setting(
        "auto",
        "Camera view (running)",
        "where the camera was, when auto-detection is unsure",
        "--view",
        choices=tuple(VIEW_LABELS),
        choice_labels=VIEW_LABELS,
    )
    gait: str = setting(
        "auto",
        "Gait (running)",
        "running or walking, when auto-detection is unsure; a chosen gait is analysed as such",
        "--gait",
        choices=tuple(GAIT_LABELS),
        choice_labels=GAIT_LABELS,
    )
