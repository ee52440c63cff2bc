"""Figures as results report them: rounded, with NaN and missing values as None (JSON null)."""

from __future__ import annotations

import math
from typing import SupportsFloat


def rounded(value: SupportsFloat | None, digits: int = 1) -> float | None:
    """`value` rounded to `digits` decimals as a Python float; None for None or a non-finite value."""
    if value is None:
        return None
    number = float(value)
    return round(number, digits) if math.isfinite(number) else None
