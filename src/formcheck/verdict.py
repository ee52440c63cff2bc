"""One verdict per metric: how a value compares with its reference range, decided in one place.

The app's cards and chips, the report, `metrics.csv`'s status column and the analyses' findings all
ask `verdict(value, ref)`, so a figure never reads "within" in one place and "above" in another.
A metric without a range (or without a value) has no verdict at all: `status` is None.

Words are plain: "within the 2.5–5 cm range", "below the 48° threshold", "above the 10° limit".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from .reference import ReferenceRange

#: A value against its range; None = no verdict (no range, or nothing measured).
Status = Literal["below", "within", "above"]


def with_unit(text: str, unit: str) -> str:
    """'12' + 'deg' -> '12°'; '40' + '%' -> '40%'; '3.8' + 'cm' -> '3.8 cm'."""
    if not unit:
        return text
    if unit in ("deg", "°"):
        return f"{text}°"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}"


def has_range(ref: ReferenceRange | None) -> bool:
    """True when the reference gives at least one bound."""
    return ref is not None and (ref.low is not None or ref.high is not None)


def range_words(ref: ReferenceRange) -> str:
    """The range for reading: '2.5–5 cm', '-5 to 5°', 'at least 48°', 'at most 10°', 'no reference range'."""
    low, high = ref.low, ref.high
    if low is not None and high is not None:
        joined = f"{low:g} to {high:g}" if low < 0 or high < 0 else f"{low:g}–{high:g}"
        return with_unit(joined, ref.unit)
    if low is not None:
        return "at least " + with_unit(f"{low:g}", ref.unit)
    if high is not None:
        return "at most " + with_unit(f"{high:g}", ref.unit)
    return "no reference range"


@dataclass(frozen=True)
class Verdict:
    """status: 'below', 'within', 'above' or None (no verdict); text: the verdict in plain words
    ("" when there is none); outside: the value is outside its range."""

    status: Status | None
    text: str

    @property
    def outside(self) -> bool:
        return self.status in ("below", "above")


NO_VERDICT = Verdict(None, "")


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def verdict(value: object, ref: ReferenceRange | None) -> Verdict:
    """The verdict of `value` against `ref`: a number below, within or above the range (bounds
    inclusive); no verdict for a missing or non-numeric value or a reference without bounds."""
    number = _number(value)
    if ref is None or number is None or not has_range(ref):
        return NO_VERDICT
    low, high = ref.low, ref.high
    if low is not None and high is not None:
        span = f"the {range_words(ref)} range"
        if number < low:
            return Verdict("below", f"below {span}")
        if number > high:
            return Verdict("above", f"above {span}")
        return Verdict("within", f"within {span}")
    if low is not None:
        threshold = f"the {with_unit(f'{low:g}', ref.unit)} threshold"
        if number < low:
            return Verdict("below", f"below {threshold}")
        return Verdict("within", f"at or above {threshold}")
    assert high is not None
    limit = f"the {with_unit(f'{high:g}', ref.unit)} limit"
    if number > high:
        return Verdict("above", f"above {limit}")
    return Verdict("within", f"at or below {limit}")
