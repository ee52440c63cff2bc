"""The running analysis's own settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...config import KindSettings, setting

#: Where the camera was, as a person names it.
VIEW_LABELS = {"auto": "Auto-detect", "side": "Side", "rear": "From behind", "front": "From the front"}


@dataclass(frozen=True)
class RunSettings(KindSettings):
    """view: the camera view, or auto (recognised from the pose)."""

    KIND: ClassVar[str] = "run"

    view: str = setting(
        "auto",
        "Camera view (running)",
        "where the camera was, when auto-detection is unsure",
        "--view",
        choices=tuple(VIEW_LABELS),
        choice_labels=VIEW_LABELS,
    )
