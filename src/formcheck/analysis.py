"""The contract between the pipeline and each analysis (wall test, plank, running).

Each analysis lives in `formcheck.kinds.<name>` and exposes:

    NAME: str                                   # "wall", "plank" or "run"
    CLEAN: CleanConfig                          # how its landmarks are cleaned
    def recognise(ctx: AnalysisContext) -> float  # 0-1: how much the clip looks like this activity
    def analyse(ctx: AnalysisContext) -> KindResult

`recognise` is used by `--kind auto`; `analyse` raises a FormCheckError (ActivityNotFound, WrongView,
InsufficientData, ...) when the clip cannot give this analysis.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol

import numpy as np

from .clean import QualityReport
from .config import Settings
from .feedback import Finding
from .media import Frame
from .model import ModelBundle
from .pose import SegmentedFrame
from .reference import ReferenceRange
from .sequence import MediaInfo, PoseSequence

MetricValue = float | int | str | bool | None


class FrameAnnotator(Protocol):
    """Draws an analysis's overlay on one output frame (in place or returning a new array).

    image: (H, W, 3) uint8 RGB at output size; row: the PoseSequence row of this frame (None when the
    frame is not in the sequence); scale: output pixels per full-resolution pixel.
    """

    def annotate(self, image: np.ndarray, row: int | None, scale: float) -> np.ndarray: ...


@dataclass
class AnalysisContext:
    """Everything an analysis may use. `seq` is cleaned with the analysis's CLEAN config; `raw` is
    the model's output (only visibility-free, unsmoothed). `segment(rows)` runs the person
    segmentation on the frames of the given sequence rows (one at a time, nothing accumulates)."""

    info: MediaInfo
    settings: Settings
    raw: PoseSequence
    seq: PoseSequence
    quality: QualityReport
    model: ModelBundle
    frames: Callable[[Iterable[int]], Iterator[Frame]]
    segment: Callable[[Iterable[int]], Iterator[SegmentedFrame | None]]


@dataclass
class KindResult:
    """What an analysis returns.

    metrics:    flat name -> value; units in the names (`hold_s`, `gap_cm`, `trunk_lean_deg`)
    references: metric name -> ReferenceRange, for every metric that has a range or a convention
    findings:   plain-language findings (any order; front ends sort worst first)
    events:     a timeline (list of dicts with at least start_s, end_s or time_s, and label)
    steps:      a per-step (or per-rep) table: list of dicts with the same keys in the same order
    series:     per-frame curves for charts: name -> (T,) aligned with the sequence's timestamps
    details:    anything else worth the JSON: view, variant, reliability notes, frames used
    reliability: plain-language notes on what to trust less (low frame rate, occlusion, ...)
    annotator:  draws this analysis's overlay on the annotated video or photo (None: skeleton only)
    sequence:   the cleaned sequence the analysis measured, when it cleaned `ctx.raw` its own way
                (the annotated video and the landmarks file then use it); None = ctx.seq
    """

    kind: str
    metrics: dict[str, MetricValue]
    references: dict[str, ReferenceRange] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    series: dict[str, np.ndarray] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    reliability: list[str] = field(default_factory=list)
    annotator: FrameAnnotator | None = None
    sequence: PoseSequence | None = None


#: Every analysis formcheck knows, by its --kind name, with the module that implements it.
KIND_MODULES = {
    "wall": "formcheck.kinds.wall",
    "plank": "formcheck.kinds.plank",
    "run": "formcheck.kinds.running",
    "pose": "formcheck.kinds.pose",
}

#: The figures that summarise each analysis (batch summary columns, the CLI's summary line), in order.
HEADLINE_METRICS: dict[str, tuple[str, ...]] = {
    "wall": ("lumbar_gap_cm", "lumbar_gap_hands", "lordosis_class", "craniovertebral_angle_deg"),
    "plank": ("variant", "hold_s", "good_form_pct", "score"),
    "run": ("gait", "view", "cadence_spm", "contact_ms", "trunk_lean_deg", "overstride_cm", "vertical_oscillation_cm"),
    "pose": ("person_fraction", "mean_visibility"),
}

KIND_LABELS = {
    "wall": "Wall test and standing posture",
    "plank": "Plank hold",
    "run": "Running / walking gait",
    "pose": "Landmarks only",
}


def kind_module(kind: str) -> ModuleType | None:
    """The module implementing an analysis, or None if this build does not have it."""
    try:
        return importlib.import_module(KIND_MODULES[kind])
    except ModuleNotFoundError as exc:
        if exc.name == KIND_MODULES[kind]:
            return None
        raise


def available_kinds() -> list[str]:
    """The analyses this build can run, in a stable order."""
    return [k for k in KIND_MODULES if kind_module(k) is not None]
