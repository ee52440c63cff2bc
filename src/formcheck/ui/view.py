"""What the results panel shows, as plain values read back from a cache entry (no Streamlit here).

A cache entry is a folder written by `cache.analyse_cached`: the files of `outputs.save_outputs`
(`<stem>.json`, the annotated `<stem>.mp4` or `<stem>.jpg`, `<stem>.chart.png`, CSV tables), plus
`series.npz` (the per-frame curves for the interactive charts) and `entry.json` (which file is which).
A fresh result and a cached one are therefore shown by the same code. A session read back from the
athletes' store whose cache entry is gone is a ResultView too, with its JSON and without files
(`sessions.session_view`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np

from ..analysis import MetricValue
from ..feedback import Finding
from ..reference import ReferenceRange
from ..result_document import ResultDocument, key_frames

ENTRY_FILE = "entry.json"
SERIES_FILE = "series.npz"
_SERIES_PREFIX = "series__"


@dataclass(frozen=True)
class ResultFiles:
    """Paths of one cache entry's files (None where the analysis has none, or, for a stored session
    whose cache entry is gone, all of them)."""

    json: Path | None
    annotated: Path | None = None
    chart: Path | None = None
    tables: dict[str, Path] = field(default_factory=dict)

    @property
    def csv(self) -> Path | None:
        """The CSV to offer first: the per-step table where there is one, else the metrics."""
        return self.tables.get("steps") or self.tables.get("metrics")


@dataclass
class ResultView:
    """One analysis, ready to show.

    key:     the cache key (file sha256 + settings digest + code version)
    name:    the input's file name as the user knows it
    origin:  'upload' or 'example'
    doc:     the result JSON, typed (`ResultDocument`)
    times_s: (T,) seconds of the sequence rows; series: name -> (T,) per-frame curves
    key_frames: the key-frame images written beside the result, by time
    recorded_at / date_source: when the input was recorded (an upload's metadata, else the time it
        was uploaded) and where that came from, in words; None for an example
    input_sha256: the input file's sha256 (an upload's; "" for an example)
    stored_json: the result JSON itself when it is not on disk (a stored session without its files)
    """

    key: str
    name: str
    origin: str
    doc: ResultDocument
    times_s: np.ndarray
    series: dict[str, np.ndarray]
    files: ResultFiles
    from_cache: bool = False
    key_frames: list[KeyFrame] = field(default_factory=list)
    recorded_at: datetime | None = None
    date_source: str = ""
    input_sha256: str = ""
    stored_json: dict[str, Any] | None = None

    @property
    def kind(self) -> str:
        return self.doc.kind

    @property
    def kind_label(self) -> str:
        return self.doc.kind_label

    @property
    def is_photo(self) -> bool:
        return self.doc.media.is_photo

    @property
    def is_track(self) -> bool:
        return self.doc.media.is_track

    @property
    def metrics(self) -> dict[str, MetricValue]:
        return self.doc.metrics

    @property
    def references(self) -> dict[str, ReferenceRange]:
        return self.doc.references

    @property
    def findings(self) -> list[Finding]:
        return self.doc.findings

    @property
    def label(self) -> str:
        """Short label for pick lists: file name and analysis."""
        return f"{self.name} ({self.kind_label})"

    @property
    def stem(self) -> str:
        """The outputs' stem (`<stem>.json`, `<stem>.report.pdf`)."""
        if self.files.json is not None:
            return self.files.json.name.removesuffix(".json")
        return Path(self.name).stem or "result"

    @property
    def folder(self) -> Path | None:
        """The folder of the result's files (None when it has none)."""
        return self.files.json.parent if self.files.json is not None else None

    def result_json(self) -> dict[str, Any]:
        """The result JSON as written (from its file, else the stored copy)."""
        if self.files.json is not None and self.files.json.is_file():
            data: dict[str, Any] = json.loads(self.files.json.read_text(encoding="utf-8"))
            return data
        if self.stored_json is not None:
            return self.stored_json
        raise ValueError(f"the result of {self.name} is neither on disk nor stored")


@dataclass(frozen=True)
class KeyFrame:
    """A key-frame image of a result: its file, what it shows, when (seconds, None if unknown) and its
    caption (one line with its figures)."""

    path: Path
    label: str
    time_s: float | None
    caption: str = ""


def is_number(value: Any) -> TypeGuard[int | float]:
    """A finite int or float (not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(float(value))


def headline_metrics(view: ResultView, limit: int = 16) -> list[str]:
    """The metrics to show as cards: the numeric ones that have a reference range, in the order of
    the analysis's references (every analysis gives one for each headline figure, most important
    first); if none has one, the numeric metrics in their own order."""
    metrics = view.metrics
    numeric = [name for name, value in metrics.items() if is_number(value) or value is None]
    with_ref = [name for name in view.references if name in numeric]
    chosen = with_ref or [name for name in numeric if metrics[name] is not None]
    return chosen[:limit]


def text_metrics(view: ResultView) -> dict[str, str]:
    """The metrics that are words (e.g. foot strike 'rearfoot', view 'side')."""
    return {name: value for name, value in view.metrics.items() if isinstance(value, str) and value}


def write_entry(
    folder: Path,
    name: str,
    origin: str,
    stem: str,
    files: ResultFiles,
    times_s: np.ndarray,
    series: dict[str, np.ndarray],
    recorded_at: datetime | None = None,
    date_source: str = "",
    input_sha256: str = "",
) -> None:
    """Write `series.npz` and `entry.json` into a cache entry folder (file names relative);
    recorded_at, date_source, input_sha256: an upload's date, its source and the file's sha256 (see
    ResultView)."""
    arrays = {f"{_SERIES_PREFIX}{k}": np.asarray(v, dtype=float) for k, v in series.items()}
    arrays["times_s"] = np.asarray(times_s, dtype=float)
    np.savez_compressed(folder / SERIES_FILE, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as bool
    entry = {
        "name": name,
        "origin": origin,
        "stem": stem,
        "recorded_at": recorded_at.isoformat() if recorded_at is not None else None,
        "date_source": date_source,
        "input_sha256": input_sha256,
        "files": {
            "json": files.json.name if files.json else None,
            "annotated": files.annotated.name if files.annotated else None,
            "chart": files.chart.name if files.chart else None,
            "tables": {k: p.name for k, p in files.tables.items()},
        },
    }
    (folder / ENTRY_FILE).write_text(json.dumps(entry, indent=1), encoding="utf-8")


def read_entry(folder: Path, key: str, from_cache: bool) -> ResultView:
    """The ResultView of a complete cache entry folder."""
    entry = json.loads((folder / ENTRY_FILE).read_text(encoding="utf-8"))
    names = entry["files"]
    recorded = entry.get("recorded_at")
    json_path = folder / names["json"]
    files = ResultFiles(
        json=json_path,
        annotated=folder / names["annotated"] if names.get("annotated") else None,
        chart=folder / names["chart"] if names.get("chart") else None,
        tables={k: folder / v for k, v in (names.get("tables") or {}).items()},
    )
    doc = ResultDocument.from_json(json.loads(json_path.read_text(encoding="utf-8")))
    with np.load(folder / SERIES_FILE) as arrays:
        times_s = arrays["times_s"]
        series = {k[len(_SERIES_PREFIX) :]: arrays[k] for k in arrays.files if k.startswith(_SERIES_PREFIX)}
    return ResultView(
        key=key,
        name=entry["name"],
        origin=entry["origin"],
        doc=doc,
        times_s=times_s,
        series=series,
        files=files,
        from_cache=from_cache,
        recorded_at=datetime.fromisoformat(recorded) if recorded else None,
        date_source=str(entry.get("date_source") or ""),
        input_sha256=str(entry.get("input_sha256") or ""),
        key_frames=[
            KeyFrame(folder / k.file, k.label, k.time_s, k.caption)
            for k in key_frames(doc)
            if k.file and (folder / k.file).is_file()
        ],
    )
