"""Text and colours the panels show: values with units, card status against the reference range,
progress lines and the differences between two results (no Streamlit here)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..feedback import SEVERITIES, Finding
from ..reference import ReferenceRange
from ..settings import settings_catalogue
from .view import ResultView, headline_metrics, is_number

#: Streamlit's named colours for a finding's severity and for a value against its range.
SEVERITY_COLOURS = {"warning": "red", "attention": "orange", "info": "blue", "ok": "green"}
RANGE_COLOURS = {"within": "green", "below": "orange", "above": "orange", "unknown": "gray"}
SEVERITY_ICONS = {
    "warning": ":material/error:",
    "attention": ":material/warning:",
    "info": ":material/info:",
    "ok": ":material/check_circle:",
}

#: Unit suffixes of metric names (units are in the names) -> unit shown, for metrics without a range.
NAME_UNITS = {
    "_deg": "deg",
    "_s": "s",
    "_ms": "ms",
    "_cm": "cm",
    "_px": "px",
    "_spm": "spm",
    "_pct": "%",
    "_hands": "hands",
    "_hz": "Hz",
    "_m": "m",
}

STAGE_LABELS = {"pose": "Finding the pose", "render": "Drawing the annotated video"}


_SETTING_REF = re.compile(r"`([a-z][a-z0-9_]*)`")
#: Where each setting is in the app, for messages that name it.
APP_PLACES = {
    "kind": "the Analysis (sidebar)",
    "height_cm": "the stature (sidebar)",
    "capture_fps": "the capture frame rate (sidebar)",
    "view": "the camera view (sidebar)",
    "gait": "the gait (sidebar)",
    "variant": "the plank variant (sidebar)",
    "hand_cm": "the hand thickness (sidebar, More options)",
    "start_s": "Start at (sidebar, More options)",
    "end_s": "End at (sidebar, More options)",
}


def app_wording(text: str) -> str:
    """A library message with each setting it names (`` `height_cm` ``) written as the app's field."""
    labels = {e.name: f"'{e.spec.label}'" for e in settings_catalogue()} | APP_PLACES

    def place(m: re.Match[str]) -> str:
        return labels.get(m.group(1), m.group(0))

    return _SETTING_REF.sub(place, text)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*$\[\]<>|~])")


def md_escape(text: str) -> str:
    """A user-given text (a file name) safe inside Streamlit markdown: no emphasis, links or maths."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def unit_of(name: str, ref: ReferenceRange | None) -> str:
    if ref is not None:
        return ref.unit
    for suffix, unit in NAME_UNITS.items():
        if name.endswith(suffix):
            return unit
    return ""


def metric_label(name: str, ref: ReferenceRange | None) -> str:
    """The reference's label, else the name in words without its unit suffix."""
    if ref is not None and ref.label:
        return ref.label
    base = name
    for suffix in NAME_UNITS:
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            break
    words = base.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def with_unit(text: str, unit: str) -> str:
    """'12' + 'deg' -> '12°'; '40' + '%' -> '40%'; '3.8' + 'cm' -> '3.8 cm'."""
    if not unit:
        return text
    if unit in ("deg", "°"):
        return f"{text}°"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}"


def range_words(ref: ReferenceRange) -> str:
    """The reference range for reading: '2.5–5 cm', '-5 to 5°', '≥ 48°', or 'no reference range'."""
    low, high = ref.low, ref.high
    if low is not None and high is not None:
        joined = f"{low:g} to {high:g}" if low < 0 or high < 0 else f"{low:g}–{high:g}"
        return with_unit(joined, ref.unit)
    if low is not None:
        return "≥ " + with_unit(f"{low:g}", ref.unit)
    if high is not None:
        return "≤ " + with_unit(f"{high:g}", ref.unit)
    return "no reference range"


def format_value(value: Any, unit: str = "") -> str:
    """A value for a card: about three significant figures, with its unit ('deg' shown as °)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, int) or value == 0:
        text = f"{int(value):d}"
    else:
        size = abs(float(value))
        text = f"{value:.0f}" if size >= 100 else f"{value:.1f}" if size >= 1 else f"{value:.2f}"
    return with_unit(text, unit)


@dataclass(frozen=True)
class CardStatus:
    """text: e.g. 'within 2.5-5 cm'; colour: a Streamlit colour name; help: the tooltip."""

    text: str
    colour: str
    help: str


def card_status(value: Any, ref: ReferenceRange | None, findings: list[Finding]) -> CardStatus:
    """How a metric compares with its reference range. A finding about the metric (warning,
    attention, ok) sets the colour, since the analysis knows which direction is bad; else within
    the range is green and outside it orange."""
    if ref is None:
        return CardStatus("", "gray", "")
    tip = [f"Reference: {range_words(ref)}.", f"Source: {_sentence(ref.source)}"]
    if ref.convention:
        tip.append(f"Convention: {_sentence(ref.convention)}")
    if ref.note:
        tip.append(_sentence(ref.note))
    status = ref.status(float(value)) if is_number(value) else "unknown"
    if ref.low is None and ref.high is None:
        text, status = "no reference range", "unknown"
    elif status == "unknown":
        text = "not measured"
    else:
        text = f"{status} {range_words(ref)}"
    colour = RANGE_COLOURS[status]
    severities = [f.severity for f in findings if f.severity in ("warning", "attention", "ok")]
    if severities:
        colour = SEVERITY_COLOURS[min(severities, key=SEVERITIES.index)]
    return CardStatus(text, colour, "  \n".join(tip))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ")")) else f"{text}."


def findings_for(view: ResultView, metric: str) -> list[Finding]:
    return [f for f in view.findings if f.metric == metric]


def duration_text(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s"


def progress_text(stage: str, done: int, total: int, elapsed_s: float) -> tuple[float, str]:
    """(fraction 0-1, text) for a progress bar: frames done and the time left at the rate so far."""
    label = STAGE_LABELS.get(stage, stage)
    if total <= 0:
        return 0.0, f"{label}: frame {done}"
    fraction = min(1.0, max(0.0, done / total))
    text = f"{label}: frame {done} of {total}"
    if 0 < done < total and elapsed_s > 0:
        text += f", about {duration_text(elapsed_s / done * (total - done))} left"
    return fraction, text


def metric_differences(first: ResultView, second: ResultView) -> list[dict[str, Any]]:
    """Rows comparing the headline metrics of two results: figure, unit, the two values, the
    difference (second - first) and each value's status against its range."""
    names = headline_metrics(first, limit=100)
    names += [n for n in headline_metrics(second, limit=100) if n not in names]
    refs_a, refs_b = first.references, second.references
    rows = []
    for name in names:
        ref = refs_a.get(name) or refs_b.get(name)
        a, b = first.metrics.get(name), second.metrics.get(name)
        diff = float(b) - float(a) if is_number(a) and is_number(b) else None
        rows.append(
            {
                "figure": metric_label(name, ref),
                "unit": unit_of(name, ref),
                "first": _rounded(a),
                "second": _rounded(b),
                "difference": _rounded(diff),
                "first_status": card_status(a, refs_a.get(name), findings_for(first, name)).text,
                "second_status": card_status(b, refs_b.get(name), findings_for(second, name)).text,
                "metric": name,
            }
        )
    return rows


def _rounded(value: Any) -> float | None:
    return round(float(value), 2) if is_number(value) else None
