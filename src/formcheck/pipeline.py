"""`analyse()`: the one orchestrator. Each stage is one call; front ends (CLI, app, batch) use it."""

from __future__ import annotations

import contextlib
import importlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .analysis import AnalysisContext, KindResult, available_kinds, kind_module
from .clean import CleanConfig, QualityReport, clean, quality_report
from .config import Settings
from .decoder_process import open_frames
from .errors import ActivityNotFound, FormCheckError, InsufficientData, NoPersonDetected, UsageError
from .media import DecodeReport, Frame, iter_frames, probe
from .model import ModelBundle, load_model
from .pose import SegmentedFrame, estimate_poses, segment_frames
from .sequence import MediaInfo, PoseSequence

log = logging.getLogger(__name__)

#: on_progress(stage, done, total): stage is "pose" or "render"; total is 0 when unknown.
ProgressCallback = Callable[[str, int, int], None]

#: Below this share of frames with a person, a clip cannot be analysed.
MIN_PERSON_FRACTION = 0.2


@dataclass
class AnalysisResult:
    """Everything one analysis produced. `to_json()` gives the documented JSON layout."""

    info: MediaInfo
    settings: Settings
    model: ModelBundle
    raw: PoseSequence
    seq: PoseSequence
    quality: QualityReport
    kind: str
    result: KindResult
    warnings: list[str] = field(default_factory=list)
    kind_scores: dict[str, float] = field(default_factory=dict)
    live_video: Path | None = None
    version: str = __version__

    def to_json(self) -> dict[str, Any]:
        from .export import result_to_json

        return result_to_json(self)


def analyse(
    path: str | Path,
    settings: Settings = Settings(),
    on_progress: ProgressCallback | None = None,
    live_video: Path | None = None,
) -> AnalysisResult:
    """Analyse one photo or video: probe, pose, clean, pick the analysis, measure, give feedback.

    live_video: for `--kind pose`, write the annotated MP4 there during the pose pass (drawn by the
    decoder process); `result.live_video` says whether it was (else draw it afterwards).
    """
    info = probe(path, settings.capture_fps)
    report = DecodeReport()
    with open_frames(info, settings.start_s, settings.end_s, settings.max_side_px, report, live_video) as source:
        model = load_model(settings.model_path)  # while the decoder process starts
        run = estimate_poses(
            source.frames(),
            info,
            model,
            on_frame=_on_pose_frame(info, settings, on_progress),
            on_detections=source.draw,
        )
    release_freed_memory()  # the landmarker and the per-frame detections are gone: give the heap back
    _check_complete(report, expected_frames(info, settings))
    info = _with_decoded_facts(info, report, run.sequence)
    with _blaming_truncation(report):
        _require_person(run.sequence, info)
        contexts = [
            _context(info, settings, raw, model, run.max_people, run.multi_person_fraction) for raw in run.candidates
        ]
        kind, ctx, scores = choose_analysis(contexts)
        main_subject = ctx.raw is run.sequence
        del contexts, run  # the people not analysed: a long clip's tracks are tens of MB each
        result = _measure(kind, ctx)
    warnings = capture_warnings(info, report, ctx.quality, main_subject=main_subject)
    return AnalysisResult(
        info=info,
        settings=settings,
        model=model,
        raw=ctx.raw,
        seq=ctx.seq,
        quality=ctx.quality,
        kind=kind,
        result=result,
        warnings=warnings,
        kind_scores=scores,
        live_video=source.live_video,
    )


def analyse_track(
    track_path: str | Path, settings: Settings = Settings(), media: dict[str, Any] | None = None
) -> AnalysisResult:
    """Analyse a recorded landmark track (`.npz` from `PoseSequence.save_npz`) without its video.

    Used for the bundled examples: the media files they came from are not redistributed. `media`
    holds the MediaInfo fields of the original (from the track's .json), else they are derived from
    the track. The annotated output is then a skeleton drawn on a plain background.
    """
    path = Path(track_path)
    raw = PoseSequence.load_npz(path)
    fields = dict(media or {})
    fields.update(path=str(path), kind="track", codec="landmarks")
    fields.setdefault("width", raw.frame_size[0])
    fields.setdefault("height", raw.frame_size[1])
    fields.setdefault("fps", raw.fps)
    fields.setdefault("playback_fps", raw.fps)
    fields.setdefault("duration_s", float(raw.timestamps_s[-1]) if len(raw) else 0.0)
    fields.setdefault("frames", len(raw))
    fields.setdefault("rotation", 0)
    known = MediaInfo.__dataclass_fields__
    info = MediaInfo(**{k: v for k, v in fields.items() if k in known})
    model = load_model(settings.model_path)
    _require_person(raw, info)
    ctx = _context(info, settings, raw, model, 1, 0.0)
    kind, ctx, scores = choose_analysis([ctx])
    result = _measure(kind, ctx)
    warnings = capture_warnings(info, DecodeReport(frames=len(raw)), ctx.quality)
    return AnalysisResult(
        info=info,
        settings=settings,
        model=model,
        raw=raw,
        seq=ctx.seq,
        quality=ctx.quality,
        kind=kind,
        result=result,
        warnings=warnings,
        kind_scores=scores,
    )


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


def release_freed_memory() -> None:
    """Return freed heap memory to the operating system (glibc's malloc_trim), so that the peak
    resident memory of the pose pass and of the video pass do not add up. No-op elsewhere."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _measure(kind: str, ctx: AnalysisContext) -> KindResult:
    """Run the chosen analysis on its person: clean with its settings, measure, and keep the
    sequence it measured (for the annotated video and the landmarks file) in `ctx.seq`."""
    module = kind_module(kind)
    _clean_for(ctx, module.CLEAN)
    result = module.analyse(ctx)
    if result.sequence is not None:
        ctx.seq = result.sequence
    return result


def _clean_for(ctx: AnalysisContext, config: CleanConfig) -> None:
    """Re-clean the context's person with the analysis's own settings (unless they are the defaults
    it was cleaned with already) and refresh the quality report."""
    if config == CleanConfig():
        return
    ctx.seq = ctx.raw  # let the default-cleaned copy go before the new one is made
    ctx.seq = clean(ctx.raw, config)
    ctx.quality = quality_report(ctx.raw, ctx.seq, ctx.quality.max_people, ctx.quality.multi_person_fraction)


def _on_pose_frame(
    info: MediaInfo, settings: Settings, on_progress: ProgressCallback | None
) -> Callable[[int, float], None]:
    """Called after each frame of the pose pass: reports progress, and after the first frame starts
    importing what the analysis needs next (SciPy's signal package takes about 0.5 s to import) in a
    background thread: while the model runs, this process's interpreter is mostly idle."""
    total = expected_frames(info, settings)

    def report(done: int, _time_s: float) -> None:
        if done == 1:
            threading.Thread(target=importlib.import_module, args=("scipy.signal",), daemon=True).start()
        if on_progress is not None:
            on_progress("pose", done, max(total, done))

    return report


def expected_frames(info: MediaInfo, settings: Settings) -> int:
    """Frames the trimmed clip should have (from the container; exact for constant frame rate)."""
    if info.is_photo:
        return 1
    start = settings.start_s or 0.0
    end = settings.end_s if settings.end_s is not None else info.duration_s / info.time_scale
    span = max(0.0, min(end, info.duration_s / info.time_scale) - start)
    return max(1, min(info.frames, int(round(span * info.playback_fps)))) if info.frames else 0


def _check_complete(report: DecodeReport, expected: int) -> None:
    """Flag a video that ended well before the frame count its container announces (a cut file whose
    index survived decodes without an error, just short)."""
    if not report.truncated and expected > 10 and report.frames < 0.9 * expected:
        report.truncated = True
        report.error = f"only {report.frames} of the {expected} frames the file announces could be decoded"


def _with_decoded_facts(info: MediaInfo, report: DecodeReport, seq: PoseSequence) -> MediaInfo:
    """MediaInfo updated with what decoding found: real frame count, variable frame rate."""
    if info.is_photo:
        return info
    intervals = np.asarray(report.intervals_s)
    vfr = bool(
        intervals.size > 2
        and (np.percentile(intervals, 95) - np.percentile(intervals, 5)) > 0.25 * np.median(intervals)
    )
    frames = report.frames if report.truncated or info.frames == 0 else info.frames
    return replace(
        info, frames=max(frames, len(seq)) if not report.truncated else report.frames, variable_frame_rate=vfr
    )


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


def _context(
    info: MediaInfo,
    settings: Settings,
    raw: PoseSequence,
    model: ModelBundle,
    max_people: int,
    multi_person_fraction: float,
) -> AnalysisContext:
    """The context an analysis sees, for one candidate person, cleaned with the default config."""
    seq = clean(raw)

    def frames_of(rows: Iterable[int]) -> Iterator[Frame]:
        wanted = {int(raw.frame_index[r]) for r in rows}
        for frame in iter_frames(info, settings.start_s, settings.end_s, settings.max_side_px):
            if frame.index in wanted:
                yield frame
                wanted.discard(frame.index)
                if not wanted:
                    return

    def segment(rows: Iterable[int]) -> Iterator[SegmentedFrame | None]:
        return segment_frames(frames_of(rows), info, model)

    return AnalysisContext(
        info=info,
        settings=settings,
        raw=raw,
        seq=seq,
        quality=quality_report(raw, seq, max_people, multi_person_fraction),
        model=model,
        frames=frames_of,
        segment=segment,
    )


#: With --kind auto, the best-scoring analysis must reach this score.
MIN_RECOGNITION_SCORE = 0.5


def choose_analysis(contexts: list[AnalysisContext]) -> tuple[str, AnalysisContext, dict[str, float]]:
    """The analysis to run and the person to run it on.

    With a kind given, the person it recognises best (the main subject on a tie); with --kind auto,
    the (kind, person) pair whose `recognise` scores best. `contexts[0]` is the main subject.
    Returns (kind, context, the main subject's score per kind).
    """
    requested = contexts[0].settings.kind
    if requested != "auto":
        if kind_module(requested) is None:
            raise UsageError(
                f"the '{requested}' analysis is not available in this version of formcheck "
                f"(available: {', '.join(available_kinds())})"
            )
        wanted = [requested]
    else:
        wanted = [k for k in available_kinds() if k != "pose"]
        if not wanted:
            raise UsageError("no analysis is available in this version of formcheck")
    scores = [{k: float(kind_module(k).recognise(ctx)) for k in wanted} for ctx in contexts]
    best_kind, best_person = wanted[0], 0
    for person, person_scores in enumerate(scores):
        for k, v in person_scores.items():
            if v > scores[best_person][best_kind] + 1e-9:
                best_kind, best_person = k, person
    if requested == "auto" and scores[best_person][best_kind] < MIN_RECOGNITION_SCORE:
        found = ", ".join(f"{k} {v:.2f}" for k, v in scores[0].items())
        raise ActivityNotFound(
            f"could not tell which analysis fits this clip (scores: {found}): choose one with --kind wall, plank or run"
        )
    return best_kind, contexts[best_person], scores[0]


def capture_warnings(
    info: MediaInfo, report: DecodeReport, quality: QualityReport, main_subject: bool = True
) -> list[str]:
    """Plain-language notes on the capture that make results less reliable. `main_subject`: the
    analysed person is the largest, most consistently visible one (else the one doing the activity)."""
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
    if not info.is_photo and quality.person_fraction < 0.8:
        notes.append(f"the person was found in {quality.person_fraction:.0%} of frames only")
    if quality.mean_visibility < 0.6:
        notes.append(
            f"low landmark visibility ({quality.mean_visibility:.2f} of 1): lighting, clothing or "
            f"occlusion make the landmarks less certain"
        )
    return notes
