"""Text and colours the panels show: values with units, card status against the reference range,
progress lines and the differences between two results (no Streamlit here)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..reference import ReferenceRange
from ..settings import settings_catalogue
from ..verdict import range_words, verdict, with_unit
from .view import ResultView, headline_metrics, is_number

#: Streamlit's named colours for a finding's severity and for a value against its range.
SEVERITY_COLOURS = {"warning": "red", "attention": "orange", "info": "blue", "ok": "green"}
#: A verdict's colour (verdict.Status; None = no verdict).
VERDICT_COLOURS: dict[str | None, str] = {"within": "green", "below": "orange", "above": "orange", None: "gray"}
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

STAGE_LABELS = {
    "pose": "Finding the pose",
    "closer": "Looking closer for a person small in the picture",
    "render": "Drawing the annotated video",
}


_SETTING_REF = re.compile(r"`([a-z][a-z0-9_]*)`")
#: The settings shown in view at the top of the Analyse page; the others are under "More settings".
MAIN_SETTINGS = ("kind", "height_cm", "capture_fps")


def app_wording(text: str) -> str:
    """A library message with each setting it names (`` `height_cm` ``) written as the app's field."""
    labels = {
        e.name: f"'{e.spec.label}' {'in the settings' if e.name in MAIN_SETTINGS else 'under More settings'}"
        for e in settings_catalogue()
    }

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
    """text: the verdict in words ("within the 2.5–5 cm range"); colour: a Streamlit colour name;
    help: the tooltip (range, source, convention)."""

    text: str
    colour: str
    help: str


def card_status(value: Any, ref: ReferenceRange | None) -> CardStatus:
    """A metric's card chip: its verdict (`verdict.verdict`, the one rule every front end and file
    uses) in words and colour, and the reference's range, source and convention as the tooltip.
    No verdict (no range, or nothing measured): no chip text, grey."""
    if ref is None:
        return CardStatus("", "gray", "")
    tip = [f"Reference: {range_words(ref)}.", f"Source: {_sentence(ref.source)}"] if ref.source else []
    if not tip:
        tip = [f"Reference: {range_words(ref)}."]
    if ref.convention:
        tip.append(f"Convention: {_sentence(ref.convention)}")
    if ref.note:
        tip.append(_sentence(app_wording(ref.note)))
    judged = verdict(value, ref)
    colour = VERDICT_COLOURS[judged.status]
    return CardStatus(judged.text, colour, "  \n".join(tip))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ")")) else f"{text}."


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
    difference (second - first) and each value's verdict against its range (`verdict.verdict`)."""
    names = headline_metrics(first, limit=100)
    names += [n for n in headline_metrics(second, limit=100) if n not in names]
    refs_a, refs_b = first.references, second.references
    rows = []
    for name in names:
        ref = refs_a.get(name) or refs_b.get(name)
        a, b = first.metrics.get(name), second.metrics.get(name)
        if a is None and b is None:
            continue
        diff = float(b) - float(a) if is_number(a) and is_number(b) else None
        rows.append(
            {
                "figure": metric_label(name, ref),
                "unit": unit_of(name, ref),
                "first": _rounded(a),
                "second": _rounded(b),
                "difference": _rounded(diff),
                "first_status": verdict(a, refs_a.get(name)).status,
                "second_status": verdict(b, refs_b.get(name)).status,
                "metric": name,
            }
        )
    return rows


#: A verdict as one mark in a narrow table.
VERDICT_MARKS: dict[str | None, str] = {"within": " ✓", "above": " ↑", "below": " ↓", None: ""}


def compare_table_markdown(rows: list[dict[str, Any]]) -> str:
    """The differences as a four-column markdown table (figure, A, B, B − A) that fits a phone:
    values with units and a verdict mark, the change signed."""
    lines = ["| Figure | A | B | B − A |", "|:--|--:|--:|--:|"]
    for row in rows:
        unit = row["unit"]
        a = format_value(row["first"], unit) + VERDICT_MARKS[row["first_status"]]
        b = format_value(row["second"], unit) + VERDICT_MARKS[row["second_status"]]
        diff = row["difference"]
        change = (
            "–" if diff is None else ("+" if diff > 0 else "−" if diff < 0 else "±") + format_value(abs(diff), unit)
        )
        lines.append(f"| {md_escape(row['figure'])} | {a} | {b} | {change} |")
    return "\n".join(lines)


def activity_words(view: ResultView) -> str:
    """The activity in words: the analysis, and for running the gait and view, for a plank its variant."""
    metrics = view.metrics
    parts = [view.kind_label]
    if view.kind == "run":
        parts += [str(v) for v in (metrics.get("gait"), metrics.get("view")) if isinstance(v, str) and v]
    if view.kind == "plank" and isinstance(metrics.get("variant"), str):
        parts.append(str(metrics["variant"]).replace("_", " "))
    return ", ".join(parts)


def activity_mismatch(first: ResultView, second: ResultView) -> str:
    """ "" when the two results are of the same activity, else what differs ("A is ..., B is ...")."""
    a, b = activity_words(first), activity_words(second)
    return "" if a == b else f"A is {a}; B is {b}"


def value_words(name: str, value: str) -> str:
    """A metric that is a setting's value in plain words (variant 'side_left' -> 'Side plank on the
    left side', view 'rear' -> 'From behind'), from that setting's choice labels; else the value."""
    for entry in settings_catalogue():
        if entry.name == name and value in entry.spec.choice_labels:
            return entry.spec.choice_labels[value]
    return value.replace("_", " ")


def _rounded(value: Any) -> float | None:
    return round(float(value), 2) if is_number(value) else None
