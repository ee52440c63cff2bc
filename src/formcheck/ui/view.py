"""What the results panel shows, as plain values read back from a cache entry (no Streamlit here).

A cache entry is a folder written by `cache.analyse_cached`: the files of `outputs.save_outputs`
(`<stem>.json`, the annotated `<stem>.mp4` or `<stem>.jpg`, `<stem>.chart.png`, CSV tables), plus
`series.npz` (the per-frame curves for the interactive charts) and `entry.json` (which file is which).
A fresh result and a cached one are therefore shown by the same code.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np

from ..feedback import Finding, worst_first
from ..reference import ReferenceRange

ENTRY_FILE = "entry.json"
SERIES_FILE = "series.npz"
_SERIES_PREFIX = "series__"


@dataclass(frozen=True)
class ResultFiles:
    """Paths of one cache entry's files (None where the analysis has none)."""

    json: Path
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
    data:    the result JSON (the documented layout of `export.result_to_json`)
    times_s: (T,) seconds of the sequence rows; series: name -> (T,) per-frame curves
    """

    key: str
    name: str
    origin: str
    data: dict[str, Any]
    times_s: np.ndarray
    series: dict[str, np.ndarray]
    files: ResultFiles
    from_cache: bool = False

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def kind_label(self) -> str:
        return str(self.data.get("kind_label", self.kind))

    @property
    def media(self) -> dict[str, Any]:
        return dict(self.data.get("media") or {})

    @property
    def is_photo(self) -> bool:
        return self.media.get("kind") == "photo"

    @property
    def is_track(self) -> bool:
        return self.media.get("kind") == "track"

    @property
    def metrics(self) -> dict[str, Any]:
        return dict(self.data.get("metrics") or {})

    @property
    def references(self) -> dict[str, ReferenceRange]:
        known = {f.name for f in fields(ReferenceRange)}
        return {
            name: ReferenceRange(**{k: v for k, v in ref.items() if k in known})
            for name, ref in (self.data.get("references") or {}).items()
        }

    @property
    def findings(self) -> list[Finding]:
        known = {f.name for f in fields(Finding)}
        return worst_first(
            [Finding(**{k: v for k, v in f.items() if k in known}) for f in self.data.get("findings") or []]
        )

    @property
    def events(self) -> list[dict[str, Any]]:
        return list(self.data.get("events") or [])

    @property
    def steps(self) -> list[dict[str, Any]]:
        return list(self.data.get("steps") or [])

    @property
    def notes(self) -> list[str]:
        """Capture warnings and the analysis's own reliability notes, without repeats."""
        notes: list[str] = []
        for note in [*(self.data.get("warnings") or []), *(self.data.get("reliability") or [])]:
            if note and note not in notes:
                notes.append(str(note))
        return notes

    @property
    def quality(self) -> dict[str, Any]:
        return dict(self.data.get("quality") or {})

    @property
    def label(self) -> str:
        """Short label for pick lists: file name and analysis."""
        return f"{self.name} ({self.kind_label})"


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
) -> None:
    """Write `series.npz` and `entry.json` into a cache entry folder (file names relative)."""
    arrays = {f"{_SERIES_PREFIX}{k}": np.asarray(v, dtype=float) for k, v in series.items()}
    arrays["times_s"] = np.asarray(times_s, dtype=float)
    np.savez_compressed(folder / SERIES_FILE, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as bool
    entry = {
        "name": name,
        "origin": origin,
        "stem": stem,
        "files": {
            "json": files.json.name,
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
    files = ResultFiles(
        json=folder / names["json"],
        annotated=folder / names["annotated"] if names.get("annotated") else None,
        chart=folder / names["chart"] if names.get("chart") else None,
        tables={k: folder / v for k, v in (names.get("tables") or {}).items()},
    )
    data = json.loads(files.json.read_text(encoding="utf-8"))
    with np.load(folder / SERIES_FILE) as arrays:
        times_s = arrays["times_s"]
        series = {k[len(_SERIES_PREFIX) :]: arrays[k] for k in arrays.files if k.startswith(_SERIES_PREFIX)}
    return ResultView(
        key=key,
        name=entry["name"],
        origin=entry["origin"],
        data=data,
        times_s=times_s,
        series=series,
        files=files,
        from_cache=from_cache,
    )
