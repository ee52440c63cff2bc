"""The contract between the pipeline and each analysis (wall test, plank, running, landmarks only).

Each analysis is a package `formcheck.kinds.<name>` whose `spec.py` defines a `KindSpec`: its name,
label, headline metrics, its own settings dataclass, how its landmarks are cleaned, `recognise`
(for `kind = auto`) and `analyse`. `formcheck.kinds.KINDS` is the one list of them.

An analysis sees an `AnalysisContext` (numpy data, no model, no frames other than through
`segment`) and returns a `KindResult` (typed; `export.result_to_json` gives the documented JSON).
It raises a FormCheckError (ActivityNotFound, WrongView, InsufficientData, ...) when the clip cannot
give this analysis. Analyses never import `render`, `pose`, mediapipe or a front end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .clean import CleanConfig, QualityReport, clean
from .config import CommonSettings, KindSettings
from .feedback import Finding
from .frames import SegmentedFrame
from .overlay import Drawing, Overlay
from .reference import ReferenceRange
from .sequence import MediaInfo, PoseSequence

#: A metric's value: a number (unit in the metric's name), a class name, a flag, or None (not measured).
MetricValue = float | int | str | bool | None
#: JSON-like data (what the `details` of a result may hold).
JsonValue = MetricValue | Sequence["JsonValue"] | Mapping[str, "JsonValue"]


class Row(Protocol):
    """One row of a result's table (a step, an event): `to_json()` gives its columns in order."""

    def to_json(self) -> dict[str, JsonValue]: ...


class TableRow(Mapping[str, JsonValue]):
    """A row given as a mapping (columns in order); read-only."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, JsonValue]) -> None:
        self._values = dict(values)

    def __getitem__(self, key: str) -> JsonValue:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"TableRow({self._values!r})"

    def to_json(self) -> dict[str, JsonValue]:
        return dict(self._values)


#: segment(rows) -> the person mask of the frames of those sequence rows, one at a time (None where
#: no person was found). Empty for a landmark track without its media.
Segmenter = Callable[[Iterable[int]], Iterator[SegmentedFrame | None]]


def no_segmentation(rows: Iterable[int]) -> Iterator[SegmentedFrame | None]:
    """The segmenter of a source without frames (a recorded track, a generated sequence)."""
    return iter(())


@dataclass
class AnalysisContext:
    """Everything an analysis may use.

    info: the media; settings: the settings every analysis shares; options: this analysis's own
    settings (its spec's `settings` type); raw: the model's output for this person (pixels, NaN where
    missing); seq: `raw` cleaned by this analysis's `clean`; quality: how much of the person was seen;
    segment: person masks of chosen rows (see `Segmenter`).
    """

    info: MediaInfo
    settings: CommonSettings
    options: KindSettings
    raw: PoseSequence
    seq: PoseSequence
    quality: QualityReport
    segment: Segmenter = no_segmentation


@dataclass(frozen=True)
class KeyFrame:
    """A frame worth looking at (the report and the app's key-frame strip show it).

    row:     the row of the analysed sequence; time_s: its time (s, the clip's real-time clock)
    label:   a few words, also its file name ("left contact", "hold start", "worst moment")
    caption: one line on what it shows, with its figures
    extra:   shapes drawn on it beyond the overlay's usual drawing of that row (the running contacts'
             knee, shank and trunk angles); None: the usual drawing only
    """

    row: int
    label: str
    time_s: float
    caption: str = ""
    extra: Drawing | None = None

    def to_json(self) -> dict[str, JsonValue]:
        return {"row": self.row, "label": self.label, "time_s": round(self.time_s, 4), "caption": self.caption}


@dataclass
class KindResult:
    """What an analysis returns.

    metrics:     flat name -> value; units in the names (`hold_s`, `gap_cm`, `trunk_lean_deg`)
    references:  metric name -> ReferenceRange, for every metric that has a range or a convention
    findings:    plain-language findings (any order; front ends sort worst first)
    events:      the timeline: rows with at least `label` and `time_s` or `start_s`/`end_s`
    steps:       a per-step (or per-repetition) table, rows with the same columns in the same order
    series:      per-frame curves for charts: name -> (T,) aligned with the sequence's timestamps
    details:     anything else worth the JSON: view, variant, method, frames used
    reliability: plain-language notes on what to trust less (low frame rate, occlusion, ...)
    overlay:     what to draw on the annotated video or photo (None: the skeleton only)
    sequence:    the cleaned sequence the analysis measured when it differs from `ctx.seq` (the
                 annotated video and the landmarks file then use it); None = ctx.seq
    key_frames:  the frames that show the result best, in time order (written as JPEGs beside the
                 outputs, shown in the report)
    """

    kind: str
    metrics: dict[str, MetricValue]
    references: dict[str, ReferenceRange] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    steps: list[Row] = field(default_factory=list)
    series: dict[str, np.ndarray] = field(default_factory=dict)
    details: dict[str, JsonValue] = field(default_factory=dict)
    reliability: list[str] = field(default_factory=list)
    overlay: Overlay | None = None
    sequence: PoseSequence | None = None
    key_frames: list[KeyFrame] = field(default_factory=list)


def cleaner(config: CleanConfig) -> Callable[[PoseSequence], PoseSequence]:
    """The usual `KindSpec.clean`: the cleaning chain with this analysis's config."""

    def run(raw: PoseSequence) -> PoseSequence:
        return clean(raw, config)

    return run


@dataclass(frozen=True)
class KindSpec:
    """One analysis, as the pipeline and the front ends see it.

    name:      its `kind` setting value ("wall"); label: what a person reads ("Wall test ...")
    headline:  the metrics that summarise it (batch columns, the CLI's summary line), in order
    settings:  its own settings dataclass (a KindSettings subclass; defaults when not given)
    clean:     raw PoseSequence -> the cleaned sequence it measures (called once per analysis)
    recognise: context -> 0-1, how much the clip looks like this activity (for kind = auto)
    analyse:   context -> KindResult
    auto:      whether kind = auto may choose it
    summary:   one sentence for the guide: what it measures
    compare_by: headline classes that must match for two sessions to be compared in an athlete's
               history (a walk is not a slow run, a knee plank not a short full plank)
    prefer:    context -> a finer score, to choose between people `recognise` scores the same (two
               walkers both at 1: the one whose legs move more cyclically); None: the main subject
    """

    name: str
    label: str
    headline: tuple[str, ...]
    settings: type[KindSettings]
    clean: Callable[[PoseSequence], PoseSequence]
    recognise: Callable[[AnalysisContext], float]
    analyse: Callable[[AnalysisContext], KindResult]
    auto: bool = True
    summary: str = ""
    compare_by: tuple[str, ...] = ()
    prefer: Callable[[AnalysisContext], float] | None = None
