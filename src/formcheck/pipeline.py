"""`analyse(source, settings)`: the one orchestrator. Each stage is one call; the CLI, the app and
batch all use it (through `outputs.analyse_to` when they write files).

    source -> poses (PoseRun) -> a context per candidate person (cleaned for recognition) ->
    the analysis and the person (recognise, or the kind asked for) -> the analysis's own cleaning ->
    measure (KindResult) -> capture warnings
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .analysis import AnalysisContext, KindResult
from .clean import QualityReport, clean, quality_report
from .config import setting_ref
from .errors import ActivityNotFound, FormCheckError, InsufficientData, NoPersonDetected
from .frames import DecodeReport, SegmentedFrame
from .kinds import auto_kinds, kind_spec
from .sequence import MediaInfo, PoseSequence
from .settings import Settings
from .sources import MIN_PERSON_FRACTION, ModelFacts, PoseRun, PoseSource, ProgressCallback, TrackSource

log = logging.getLogger(__name__)

#: With kind = auto, the best-scoring analysis must reach this score.
MIN_RECOGNITION_SCORE = 0.5
#: File names read as recorded landmark tracks rather than media.
TRACK_SUFFIX = ".npz"


@dataclass
class AnalysisResult:
    """Everything one analysis produced (`export.result_to_json` gives the documented JSON).

    run: what the source found (media facts, the model, how to get the frames back); raw / seq: the
    analysed person, as found and as measured; quality: how much of them was seen; kind: the
    analysis that ran; result: its KindResult; kind_scores: the main subject's recognition score
    per analysis; warnings: notes on the capture."""

    run: PoseRun
    settings: Settings
    raw: PoseSequence
    seq: PoseSequence
    quality: QualityReport
    kind: str
    result: KindResult
    warnings: list[str] = field(default_factory=list)
    kind_scores: dict[str, float] = field(default_factory=dict)
    version: str = __version__

    @property
    def info(self) -> MediaInfo:
        return self.run.info

    @property
    def model(self) -> ModelFacts | None:
        return self.run.model

    @property
    def live_video(self) -> Path | None:
        return self.run.live_video


def open_source(path: str | Path, live_video: Path | None = None) -> PoseSource:
    """The source for a file: a recorded landmark track (.npz), else a photo or video through the
    pose model. live_video: see MediaPipeSource."""
    if Path(path).suffix.lower() == TRACK_SUFFIX:
        return TrackSource(Path(path))
    from .mediapipe_source import MediaPipeSource  # mediapipe loads only when a model is needed

    return MediaPipeSource(path, live_video)


def analyse(
    source: PoseSource | str | Path, settings: Settings = Settings(), on_progress: ProgressCallback | None = None
) -> AnalysisResult:
    """Analyse one source (a PoseSource, or a file path: see `open_source`): poses, the analysis
    and the person to analyse, measurement, findings."""
    if isinstance(source, (str, Path)):
        source = open_source(source)
    run = source.estimate(settings.common(), on_progress)
    with _blaming_truncation(run.decode):
        _require_person(run.people[0], run.info)
        contexts = [_context(run, settings, raw) for raw in run.people]
        kind, ctx, scores = choose_analysis(contexts, settings)
        main_subject = ctx.raw is run.people[0]
        del contexts  # the people not analysed: a long clip's tracks are tens of MB each
        result = measure(kind, ctx, settings)
    run.people = (ctx.raw,)
    warnings = capture_warnings(
        run.info, run.decode, ctx.quality, main_subject=main_subject, closer=run.closer_finds > 0
    )
    return AnalysisResult(
        run=run,
        settings=settings,
        raw=ctx.raw,
        seq=result.sequence if result.sequence is not None else ctx.seq,
        quality=ctx.quality,
        kind=kind,
        result=result,
        warnings=warnings,
        kind_scores=scores,
    )


def measure(kind: str, ctx: AnalysisContext, settings: Settings) -> KindResult:
    """Run analysis `kind` on the context's person: its own cleaning, its own settings, its analysis."""
    spec = kind_spec(kind)
    ctx.seq = ctx.raw  # let the recognition copy go before the analysis's own is made
    ctx.seq = spec.clean(ctx.raw)
    ctx.options = settings.of(kind)
    ctx.quality = quality_report(ctx.raw, ctx.seq, ctx.quality.max_people, ctx.quality.multi_person_fraction)
    return spec.analyse(ctx)


@contextlib.contextmanager
def _blaming_truncation(report: DecodeReport) -> Iterator[None]:
    """When a truncated file cannot be analysed, say that it was truncated: that is the likely cause."""
    try:
        yield
    except FormCheckError as exc:
        if not report.truncated:
            raise
        raise type(exc)(
            f"{exc} (the file is truncated or damaged: only its first {report.frames} frames, "
            f"{report.last_time_s:.1f} s, could be read; copy or export the whole clip again)"
        ) from exc


def _require_person(raw: PoseSequence, info: MediaInfo) -> None:
    present = raw.present
    if not present.any():
        where = "in the photo" if info.is_photo else f"in any of the {len(raw)} frames"
        raise NoPersonDetected(
            f"no person found {where} of {Path(info.path).name}: film or photograph the "
            f"whole body, well lit, with the camera at hip height and 2-4 m away"
        )
    if not info.is_photo and present.mean() < MIN_PERSON_FRACTION:
        raise InsufficientData(
            f"a person was found in only {present.mean():.0%} of the frames "
            f"({present.sum()} of {len(raw)}): keep the whole body in view for the whole clip "
            f"(at least {MIN_PERSON_FRACTION:.0%} of frames are needed)"
        )


def _context(run: PoseRun, settings: Settings, raw: PoseSequence) -> AnalysisContext:
    """The context an analysis sees for one candidate person, cleaned with the default config (for
    recognition; `measure` cleans again with the chosen analysis's own cleaning)."""
    seq = clean(raw)

    def segment(rows: Iterable[int]) -> Iterator[SegmentedFrame | None]:
        return run.segment([int(raw.frame_index[r]) for r in rows])

    kind = settings.kind if settings.kind != "auto" else auto_kinds()[0].name
    return AnalysisContext(
        info=run.info,
        settings=settings.common(),
        options=settings.of(kind),
        raw=raw,
        seq=seq,
        quality=quality_report(raw, seq, run.max_people, run.multi_person_fraction),
        segment=segment,
    )


def choose_analysis(
    contexts: list[AnalysisContext], settings: Settings
) -> tuple[str, AnalysisContext, dict[str, float]]:
    """The analysis to run and the person to run it on.

    With a kind given, the person it recognises best; with kind = auto, the (kind, person) pair
    whose `recognise` scores best. On a tie, the person the kind's `prefer` scores higher, else the
    main subject (`contexts[0]`). Returns (kind, context, the main subject's score per kind).
    """
    wanted = [settings.kind] if settings.kind != "auto" else [k.name for k in auto_kinds()]
    scores = []
    for ctx in contexts:
        person: dict[str, float] = {}
        for k in wanted:
            ctx.options = settings.of(k)
            person[k] = float(kind_spec(k).recognise(ctx))
        scores.append(person)
    best_kind, best_person = wanted[0], 0
    for person_index, person_scores in enumerate(scores):
        for k, v in person_scores.items():
            if v > scores[best_person][best_kind] + 1e-9:
                best_kind, best_person = k, person_index
    spec = kind_spec(best_kind)
    tied = [i for i, person in enumerate(scores) if abs(person[best_kind] - scores[best_person][best_kind]) <= 1e-9]
    if len(tied) > 1 and spec.prefer is not None:
        finer = {}
        for i in tied:
            contexts[i].options = settings.of(best_kind)
            finer[i] = float(spec.prefer(contexts[i]))
        best_person = max(tied, key=lambda i: (finer[i], -i))
    if settings.kind == "auto" and scores[best_person][best_kind] < MIN_RECOGNITION_SCORE:
        found = ", ".join(f"{k} {v:.2f}" for k, v in scores[0].items())
        raise ActivityNotFound(
            f"could not tell which analysis fits this clip (scores: {found}): "
            f"choose one with {setting_ref('kind')} (wall, plank or run)"
        )
    return best_kind, contexts[best_person], scores[0]


def capture_warnings(
    info: MediaInfo, report: DecodeReport, quality: QualityReport, main_subject: bool = True, closer: bool = False
) -> list[str]:
    """Plain-language notes on the capture that make results less reliable. `main_subject`: the
    analysed person is the largest, most consistently visible one (else the one doing the activity);
    `closer`: the person was found by looking closer (`refind`: too small for the model's detector)."""
    notes: list[str] = []
    if report.truncated:
        notes.append(
            f"the file is truncated or damaged: only the first {report.frames} frames "
            f"({report.last_time_s:.1f} s) could be read and were analysed"
        )
    if info.time_scale != 1.0:
        notes.append(
            f"slow-motion clip: time rescaled from {info.playback_fps:g} fps playback to {info.fps:g} fps capture"
        )
    if info.variable_frame_rate:
        notes.append("variable frame rate: per-frame timestamps from the file were used")
    if quality.multi_person_fraction > 0.05 or not main_subject:
        who = (
            "the largest, most consistently visible person"
            if main_subject
            else "the person doing the activity (not the largest one in view)"
        )
        notes.append(f"more than one person in {quality.multi_person_fraction:.0%} of frames: {who} was analysed")
    if closer:
        notes.append(
            "the person is small in the picture: the pose model's detector missed them, and they were found by "
            "looking closer at parts of each frame; a small person's landmarks are less precise: film closer, "
            "or zoom in, so that the person fills at least a third of the frame's height"
        )
    if not info.is_photo and quality.person_fraction < 0.8:
        notes.append(f"the person was found in {quality.person_fraction:.0%} of frames only")
    if quality.mean_visibility < 0.6:
        notes.append(
            f"low landmark visibility ({quality.mean_visibility:.2f} of 1): lighting, clothing or "
            f"occlusion make the landmarks less certain"
        )
    return notes
