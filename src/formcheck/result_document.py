"""The documented result JSON (`export.result_to_json`, `<stem>.json`) read back as typed values.

Front ends (the app, the report) read a saved result through `ResultDocument.from_json(data)`, never
as loose dicts: each part has its type (media facts, capture quality, metrics, reference ranges,
findings, events, the per-step table, details, reliability notes, warnings, the files written).
A document that does not have the documented layout raises ValueError naming the part that is wrong.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from .analysis import JsonValue, MetricValue
from .feedback import SEVERITIES, Finding, worst_first
from .reference import ReferenceRange

#: A row of a result's table (a step, an event): column -> value, in the JSON's column order.
RowValues = dict[str, JsonValue]


def _part(data: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise ValueError(f"result JSON: `{key}` must be {kind.__name__}, got {type(value).__name__}")
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _known(cls: type, values: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The entries of `values` that are fields of the dataclass `cls` (others are ignored)."""
    if not isinstance(values, Mapping):
        raise ValueError(f"result JSON: each of `{where}` must be an object, got {type(values).__name__}")
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in values.items() if k in names}


@dataclass(frozen=True)
class MediaFacts:
    """What the input was. kind: 'photo', 'video' or 'track'; fps: real-time frames per second
    (0 for a photo); duration_s: real seconds; width/height: pixels after rotation."""

    file: str = ""
    kind: str = ""
    width: int = 0
    height: int = 0
    fps: float = 0.0
    playback_fps: float = 0.0
    rotation: int = 0
    frames: int = 0
    duration_s: float = 0.0
    codec: str = ""
    time_scale: float = 1.0
    variable_frame_rate: bool = False

    @property
    def is_photo(self) -> bool:
        return self.kind == "photo"

    @property
    def is_track(self) -> bool:
        return self.kind == "track"

    @property
    def portrait(self) -> bool:
        return self.height > self.width


@dataclass(frozen=True)
class CaptureQuality:
    """How much of the person was seen: person_fraction and mean_visibility 0-1, longest_gap_s,
    the side nearer the camera, where the person faces, most people seen at once, capture notes."""

    frames: int = 0
    person_fraction: float | None = None
    mean_visibility: float | None = None
    longest_gap_s: float | None = None
    near_side: str = ""
    facing: str = ""
    max_people: int = 1
    multi_person_fraction: float = 0.0
    landmark_valid_fraction: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Event:
    """One entry of the timeline: an instant (`time_s`) or an interval (`start_s`-`end_s`), seconds
    of the clip's real time; severity (warning, attention, ...) where the analysis gives one; the
    rest of the row's columns in `values`."""

    label: str
    time_s: float | None = None
    start_s: float | None = None
    end_s: float | None = None
    severity: str | None = None
    values: RowValues = field(default_factory=dict)

    @property
    def at_s(self) -> float | None:
        """When it happens (the instant, else the interval's start)."""
        return self.time_s if self.time_s is not None else self.start_s

    @property
    def is_interval(self) -> bool:
        return self.start_s is not None and self.end_s is not None

    @classmethod
    def from_json(cls, row: Mapping[str, Any]) -> Event:
        if not isinstance(row, Mapping):
            raise ValueError(f"result JSON: each event must be an object, got {type(row).__name__}")
        severity = row.get("severity")
        return cls(
            label=str(row.get("label") or "event"),
            time_s=_number(row.get("time_s")),
            start_s=_number(row.get("start_s")),
            end_s=_number(row.get("end_s")),
            severity=str(severity) if severity else None,
            values=dict(row),
        )


#: Columns that say when a table row happens, in order of preference (seconds).
ROW_TIME_COLUMNS = ("time_s", "contact_s", "start_s", "hold_start_s")


def row_time_s(row: Mapping[str, JsonValue]) -> float | None:
    """When a table row (a step, a repetition) happens: its first time column, seconds."""
    for column in ROW_TIME_COLUMNS:
        value = _number(row.get(column))
        if value is not None:
            return value
    return None


@dataclass(frozen=True)
class ModelUsed:
    """The pose model that produced the landmarks."""

    file: str
    sha256: str


def _reference(name: str, values: Any) -> ReferenceRange:
    known = _known(ReferenceRange, values, "references")
    known.setdefault("metric", name)
    for key in ("label", "unit", "convention", "source", "note"):
        known[key] = str(known.get(key) or "")
    for key in ("low", "high"):
        known[key] = _number(known.get(key))
    return ReferenceRange(**known)


def _finding(values: Any) -> Finding:
    known = _known(Finding, values, "findings")
    if known.get("severity") not in SEVERITIES:
        raise ValueError(
            f"result JSON: a finding's severity must be one of {SEVERITIES}, got {known.get('severity')!r}"
        )
    for key in ("title", "detail", "why", "cue", "drill", "source"):
        known[key] = str(known.get(key) or "")
    return Finding(**known)


def _metric(name: str, value: Any) -> MetricValue:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError(f"result JSON: metric `{name}` must be a number, a text, true/false or null")


@dataclass(frozen=True)
class ResultDocument:
    """One analysis result as documented (docs/cli.md, "The result JSON").

    metrics: name -> value (unit in the name); references: metric -> ReferenceRange; findings: worst
    first; events: the timeline; steps: the per-step (or per-repetition) table; outputs: role ->
    file name of the other files written beside the JSON (annotated, chart, <table>_csv; key_frames a
    list); raw_key_frames: the JSON's `key_frames` as written (read them with `key_frames(doc)`).
    """

    kind: str
    kind_label: str
    version: str = ""
    media: MediaFacts = field(default_factory=MediaFacts)
    quality: CaptureQuality = field(default_factory=CaptureQuality)
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    references: dict[str, ReferenceRange] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    steps: list[RowValues] = field(default_factory=list)
    details: dict[str, JsonValue] = field(default_factory=dict)
    reliability: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notice: str = ""
    kind_scores: dict[str, float] = field(default_factory=dict)
    settings: dict[str, JsonValue] = field(default_factory=dict)
    model: ModelUsed | None = None
    outputs: dict[str, JsonValue] = field(default_factory=dict)
    raw_key_frames: list[JsonValue] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResultDocument:
        """Read a parsed result JSON. Raises ValueError when a part has the wrong shape."""
        if not isinstance(data, Mapping):
            raise ValueError(f"result JSON must be an object, got {type(data).__name__}")
        kind = data.get("kind")
        if not isinstance(kind, str) or not kind:
            raise ValueError("result JSON: `kind` is missing (not a formcheck result?)")
        media = _part(data, "media", Mapping, {})
        quality = _part(data, "quality", Mapping, {})
        model = _part(data, "model", Mapping, None)
        return cls(
            kind=kind,
            kind_label=str(data.get("kind_label") or kind),
            version=str(data.get("version") or ""),
            media=MediaFacts(**_known(MediaFacts, media, "media")),
            quality=CaptureQuality(**_known(CaptureQuality, quality, "quality")),
            metrics={str(k): _metric(str(k), v) for k, v in _part(data, "metrics", Mapping, {}).items()},
            references={str(k): _reference(str(k), v) for k, v in _part(data, "references", Mapping, {}).items()},
            findings=worst_first([_finding(f) for f in _part(data, "findings", list, [])]),
            events=[Event.from_json(e) for e in _part(data, "events", list, [])],
            steps=[dict(_known_row(r, "steps")) for r in _part(data, "steps", list, [])],
            details=dict(_part(data, "details", Mapping, {})),
            reliability=[str(n) for n in _part(data, "reliability", list, [])],
            warnings=[str(n) for n in _part(data, "warnings", list, [])],
            notice=str(data.get("notice") or ""),
            kind_scores={
                str(k): float(v) for k, v in _part(data, "kind_scores", Mapping, {}).items() if _number(v) is not None
            },
            settings=dict(_part(data, "settings", Mapping, {})),
            model=ModelUsed(str(model.get("file", "")), str(model.get("sha256", ""))) if model else None,
            outputs=dict(_part(data, "outputs", Mapping, {})),
            raw_key_frames=list(_part(data, "key_frames", list, [])),
        )

    @property
    def notes(self) -> list[str]:
        """Capture warnings and the analysis's reliability notes, without repeats."""
        return list(dict.fromkeys(n for n in (*self.warnings, *self.reliability) if n))

    @property
    def stature_given(self) -> bool:
        """True when the person's stature was given (else 170 cm was assumed)."""
        return self.settings.get("height_cm") is not None

    @property
    def auto_detected(self) -> bool:
        return self.settings.get("kind") == "auto"

    def findings_about(self, metric: str) -> list[Finding]:
        return [f for f in self.findings if f.metric == metric]


def _known_row(row: Any, where: str) -> Mapping[str, JsonValue]:
    if not isinstance(row, Mapping):
        raise ValueError(f"result JSON: each row of `{where}` must be an object, got {type(row).__name__}")
    return row


@dataclass(frozen=True)
class KeyFrameRef:
    """One key frame of a result: a frame worth looking at, written beside the JSON as
    `<stem>.keyframes/NN_label.jpg`. file: its path relative to the JSON's folder (None when it was not
    written); label: what it shows ("left contact", "worst moment"); time_s: when (the clip's real
    seconds, None when not known); caption: one line with its figures."""

    file: str | None
    label: str
    time_s: float | None = None
    caption: str = ""


_KEYFRAME_NAME = re.compile(r"^(?:\d+[_-])?(?P<label>.*)$")


def key_frame_from_name(file: str) -> KeyFrameRef:
    """A key frame known by its file name alone (`NN_label.jpg`, e.g. `03_left_contact.jpg` -> 'left contact')."""
    stem = file.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    match = _KEYFRAME_NAME.match(stem)
    label = (match.group("label") if match else stem) or stem
    return KeyFrameRef(file=file, label=label.replace("_", " ").replace("-", " ").strip())


def key_frames(doc: ResultDocument) -> list[KeyFrameRef]:
    """The result's key frames, in time order: the document's `key_frames` (label, time_s, caption,
    file), else the files listed in `outputs["key_frames"]` (names only, no times)."""
    listed = doc.raw_key_frames
    out: list[KeyFrameRef] = []
    for item in listed:
        if isinstance(item, Mapping) and item.get("label"):
            file = item.get("file")
            out.append(
                KeyFrameRef(
                    file=str(file) if isinstance(file, str) and file else None,
                    label=str(item["label"]),
                    time_s=_number(item.get("time_s")),
                    caption=str(item.get("caption") or ""),
                )
            )
    if not out:
        files = doc.outputs.get("key_frames")
        out = [key_frame_from_name(f) for f in files if isinstance(f, str)] if isinstance(files, list) else []
    return sorted(out, key=lambda k: (k.time_s is None, k.time_s or 0.0))
