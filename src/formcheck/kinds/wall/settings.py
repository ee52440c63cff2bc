"""The wall test's own settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...config import KindSettings, setting
from .thresholds import LORDOSIS_RULES

#: Thickness of a flat adult hand (palm, across the metacarpals), used to express the wall gap in hands.
DEFAULT_HAND_CM = 3.0


@dataclass(frozen=True)
class WallSettings(KindSettings):
    """hand_cm: the flat hand's thickness, the wall gap's unit; lordosis_rule: the classification
    (thresholds and sources in `thresholds.LORDOSIS_RULES`)."""

    KIND: ClassVar[str] = "wall"

    hand_cm: float = setting(
        DEFAULT_HAND_CM,
        "Hand thickness for the wall test (cm)",
        "the thickness of a flat hand across the knuckles, in cm; the wall gap is also given in hands",
        "--hand-cm",
        unit="cm",
        low=0.5,
        high=10.0,
        hint="a flat adult hand is about 2-4 cm thick",
    )
    lordosis_rule: str = setting(
        "seed_rule",
        "Wall test rule",
        "how the wall gap is classified: the hand rule (more than one hand's thickness is "
        "possible excess lordosis) or the popular 2.5-5 cm band",
        "--lordosis-rule",
        choices=tuple(LORDOSIS_RULES),
        choice_labels={
            "seed_rule": "The hand rule: more than one hand's thickness",
            "popular_2.5_5cm": "The popular 2.5-5 cm band",
        },
    )
