"""Write everything an analysis produced into a folder: `<stem>.json`, `<stem>.landmarks.npz`,
the annotated `<stem>.mp4` (video) or `<stem>.jpg` (photo), `<stem>.chart.png`, CSV tables
(`<stem>.metrics.csv`, `<stem>.steps.csv`, `<stem>.events.csv` where there are steps or events) and
the key frames (`<stem>.keyframes/NN_label.jpg`).

Before anything is analysed, `prepare_output_folder` checks that the folder can be written and that no
output would replace the input, and removes temporary files a killed run left there.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FormCheckError, UsageError
from .export import (
    METRIC_CSV_COLUMNS,
    atomic_path,
    csv_text,
    metric_rows,
    result_to_json,
    sweep_stale_parts,
    write_json,
    write_text_atomic,
)
from .media import media_kind
from .names import OUTPUT_SUFFIXES, display_text, fit_stem, output_stem
from .pipeline import AnalysisResult, analyse, open_source
from .render.annotated import render_photo, render_video
from .render.charts import has_curves, plot_series
from .render.key_frames import (
    FrameGrabber,
    key_frame_file_names,
    key_frame_folder,
    key_frame_indices,
    write_key_frames,
)
from .settings import Settings
from .sources import ProgressCallback


@dataclass
class OutputFiles:
    """Paths written for one input (None where not applicable)."""

    json: Path
    landmarks: Path
    annotated: Path | None = None
    chart: Path | None = None
    tables: dict[str, Path] = field(default_factory=dict)
    key_frames: list[Path] = field(default_factory=list)

    def named(self) -> dict[str, Path]:
        """What was written, by role: json, landmarks, annotated, chart, <table>_csv, key_frame_NN."""
        named = {"json": self.json, "landmarks": self.landmarks}
        if self.annotated:
            named["annotated"] = self.annotated
        if self.chart:
            named["chart"] = self.chart
        named.update({f"{k}_csv": v for k, v in self.tables.items()})
        named.update({f"key_frame_{i:02d}": p for i, p in enumerate(self.key_frames, start=1)})
        return named

    def all(self) -> list[Path]:
        paths = [self.json, self.landmarks, self.annotated, self.chart, *self.tables.values(), *self.key_frames]
        return [p for p in paths if p is not None]

    @classmethod
    def from_json(cls, result_json: dict[str, Any], out_dir: str | Path) -> OutputFiles:
        """The files of a result written by `save_outputs` into `out_dir`, from its JSON's `outputs`
        (names relative to `out_dir`). json: the `<stem>.json` beside them."""
        out = Path(out_dir)
        names = dict(result_json.get("outputs") or {})
        key_frames = [out / str(n) for n in names.pop("key_frames", None) or []]
        stem = str(names.get("landmarks", "result.landmarks.npz")).removesuffix(".landmarks.npz")
        tables = {k.removesuffix("_csv"): out / str(v) for k, v in names.items() if k.endswith("_csv")}
        return cls(
            json=out / f"{stem}.json",
            landmarks=out / str(names.get("landmarks", f"{stem}.landmarks.npz")),
            annotated=out / str(names["annotated"]) if names.get("annotated") else None,
            chart=out / str(names["chart"]) if names.get("chart") else None,
            tables=tables,
            key_frames=key_frames,
        )


def output_paths(out_dir: str | Path, stem: str) -> list[Path]:
    """Every file an analysis of one input may write into `out_dir` under `stem`."""
    return [Path(out_dir) / f"{stem}{suffix}" for suffix in OUTPUT_SUFFIXES]


def check_output_folder(out_dir: str | Path) -> None:
    """Raise UsageError unless `out_dir` is a folder this process can write into, or can be made
    (its nearest existing ancestor is a writable folder). Creates nothing."""
    out = Path(out_dir)
    existing = out
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    where = "" if existing == out else f" (its parent {display_text(str(existing))})"
    if not existing.is_dir():
        what = "a file" if existing.is_file() else "not a folder"
        raise UsageError(
            f"the output folder {display_text(str(out))}{where} is {what}: choose a folder (a new one is created)"
        )
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        raise UsageError(
            f"cannot write into the output folder {display_text(str(out))}{where}: "
            f"{exc.strerror or exc}; choose a folder you can write to"
        ) from None


def refuse_overwriting_input(path: str | Path, out_dir: str | Path, stem: str) -> None:
    """Raise UsageError when an output of `stem` in `out_dir` would be the input file itself
    (the same file by inode, whatever the path or link that leads to it)."""
    source = Path(path)
    for target in output_paths(out_dir, stem):
        try:
            same = target.exists() and os.path.samefile(target, source)
        except OSError:
            same = False
        if same:
            raise UsageError(
                f"the results in {display_text(str(out_dir))} would replace the input "
                f"{display_text(str(source))}: its output {display_text(target.name)} has the same name; "
                f"choose another output folder (a new one is created)"
            )


def prepare_output_folder(path: str | Path, out_dir: str | Path, stem: str) -> None:
    """Before an analysis: the output folder can be written, no output replaces the input, and the
    temporary files of a killed earlier run are removed."""
    check_output_folder(out_dir)
    refuse_overwriting_input(path, out_dir, stem)
    sweep_stale_parts(out_dir)


def analyse_to(
    path: str | Path,
    settings: Settings,
    out_dir: str | Path,
    stem: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> tuple[AnalysisResult, OutputFiles]:
    """`analyse()` one photo or video and write its outputs (`save_outputs`) into `out_dir`.

    With `kind = pose`, a video's annotated MP4 is drawn during the pose pass (`render.live`, in the
    decoder process), so the clip is decoded once; the analyses draw theirs after the analysis, in a
    second pass. Raises UsageError before the analysis when `out_dir` cannot be written or an output
    would replace the input (`prepare_output_folder`).
    """
    stem = fit_stem(stem) if stem else output_stem(Path(path).name)
    prepare_output_folder(path, out_dir, stem)
    if not (settings.kind == "pose" and settings.render_video and _is_video(path)):
        result = analyse(open_source(path), settings, on_progress)
        return result, save_outputs(result, out_dir, stem, on_progress, render=settings.render_video)
    target = Path(out_dir) / f"{stem}.mp4"
    with atomic_path(target) as tmp:
        result = analyse(open_source(path, live_video=tmp), settings, on_progress)
        if result.live_video is None:  # no decoder process here: draw it now
            _render_video(result, tmp, on_progress)
    return result, save_outputs(result, out_dir, stem, on_progress, render=False, annotated=target)


def _is_video(path: str | Path) -> bool:
    try:
        return media_kind(Path(path)) == "video"
    except FormCheckError:
        return False  # analyse() says what is wrong with it


def save_outputs(
    result: AnalysisResult,
    out_dir: str | Path,
    stem: str | None = None,
    on_progress: ProgressCallback | None = None,
    render: bool = True,
    annotated: Path | None = None,
) -> OutputFiles:
    """Write all outputs of `result` into `out_dir` (created if needed). The JSON is written last,
    so its presence means the rest is complete. `annotated`: an annotated video already written
    (no rendering then)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = fit_stem(stem) if stem else output_stem(Path(result.info.path).name)
    files = OutputFiles(json=out / f"{stem}.json", landmarks=out / f"{stem}.landmarks.npz")
    with atomic_path(files.landmarks) as tmp:
        result.seq.save_npz(tmp)
    kr = result.result
    tables = {
        "metrics": csv_text(metric_rows(result), METRIC_CSV_COLUMNS),
        "steps": csv_text([r.to_json() for r in kr.steps]),
        "events": csv_text([r.to_json() for r in kr.events]),
    }
    for name, text in tables.items():
        if text:
            files.tables[name] = write_text_atomic(out / f"{stem}.{name}.csv", text)
    if not result.info.is_photo and has_curves(result.seq.timestamps_s, kr.series):
        files.chart = out / f"{stem}.chart.png"
        with atomic_path(files.chart) as tmp:
            plot_series(
                result.seq.timestamps_s,
                kr.series,
                [r.to_json() for r in kr.events],
                tmp,
                title=f"{Path(result.info.path).name}: {result.kind}",
                references=kr.references,
            )
    grabber = FrameGrabber(key_frame_indices(result))
    if annotated is not None:
        files.annotated = annotated
    elif render:
        files.annotated = _render(result, out, stem, on_progress, grabber)
    files.key_frames = write_key_frames(result, key_frame_folder(out, stem), grabber.frames)
    write_json(files.json, result_json_with_files(result, files, out))
    return files


def result_json_with_files(result: AnalysisResult, files: OutputFiles, out: Path) -> dict[str, Any]:
    """The result JSON with `outputs` (each file's name relative to `out`; `key_frames` a list) and
    each key frame's `file`."""
    data = result_to_json(result)
    relative = {k: p.relative_to(out).as_posix() for k, p in files.named().items() if k != "json"}
    outputs: dict[str, Any] = {k: v for k, v in relative.items() if not k.startswith("key_frame_")}
    outputs["key_frames"] = [p.relative_to(out).as_posix() for p in files.key_frames]
    by_name = {p.name: p.relative_to(out).as_posix() for p in files.key_frames}
    for entry, name in zip(data.get("key_frames", []), key_frame_file_names(result.result.key_frames), strict=True):
        entry["file"] = by_name.get(name)
    return data | {"outputs": outputs}


def _render(
    result: AnalysisResult, out: Path, stem: str, on_progress: ProgressCallback | None, tap: FrameGrabber | None = None
) -> Path:
    if result.info.is_photo:
        target = out / f"{stem}.jpg"
        with atomic_path(target) as tmp:
            render_photo(result, tmp)
        return target
    target = out / f"{stem}.mp4"
    with atomic_path(target) as tmp:
        _render_video(result, tmp, on_progress, tap)
    return target


def _render_video(
    result: AnalysisResult, path: Path, on_progress: ProgressCallback | None, tap: FrameGrabber | None = None
) -> None:
    total = len(result.raw)

    def progress(done: int) -> None:
        if on_progress is not None:
            on_progress("render", done, max(total, done))

    render_video(result, path, on_frame=progress, tap=tap)
