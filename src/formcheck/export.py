"""Results as JSON and CSV with fixed layouts, written atomically (temp file + rename)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .feedback import SCREENING_NOTICE, worst_first
from .kinds import kind_spec

if TYPE_CHECKING:
    from .pipeline import AnalysisResult

METRIC_CSV_COLUMNS = ("metric", "value", "unit", "reference_range", "status", "convention", "source")


def to_jsonable(value: Any) -> Any:
    """numpy scalars/arrays to Python, NaN/inf to None, recursively."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "to_json"):
        return to_jsonable(value.to_json())
    return value


def result_to_json(result: AnalysisResult) -> dict[str, Any]:
    """The documented JSON layout: media, quality, kind, metrics, findings, version, and the rest."""
    kr = result.result
    info = result.info
    media = {
        "file": Path(info.path).name,
        "kind": info.kind,
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "playback_fps": info.playback_fps,
        "rotation": info.rotation,
        "frames": info.frames,
        "duration_s": info.duration_s,
        "codec": info.codec,
        "time_scale": info.time_scale,
        "variable_frame_rate": info.variable_frame_rate,
    }
    return to_jsonable(
        {
            "version": result.version,
            "kind": result.kind,
            "kind_label": kind_spec(result.kind).label,
            "media": media,
            "quality": result.quality,
            "metrics": kr.metrics,
            "references": dict(kr.references.items()),
            "findings": worst_first(kr.findings),
            "events": kr.events,
            "steps": kr.steps,
            "details": kr.details,
            "reliability": kr.reliability,
            "warnings": result.warnings,
            "notice": SCREENING_NOTICE,
            "kind_scores": result.kind_scores,
            "settings": result.settings,
            "model": {"file": result.model.file, "sha256": result.model.sha256} if result.model else None,
        }
    )


def metric_rows(result: AnalysisResult) -> list[dict[str, Any]]:
    """One row per metric: value with its unit, range, status against the range, convention, source."""
    rows = []
    for name, value in result.result.metrics.items():
        ref = result.result.references.get(name)
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        rows.append(
            {
                "metric": name,
                "value": to_jsonable(value),
                "unit": ref.unit if ref else "",
                "reference_range": ref.range_text() if ref else "",
                "status": ref.status(float(value)) if ref and isinstance(value, (int, float)) and numeric else "",
                "convention": ref.convention if ref else "",
                "source": ref.source if ref else "",
            }
        )
    return rows


def csv_text(rows: list[dict[str, Any]], columns: tuple[str, ...] | None = None) -> str:
    """CSV with a header; column order fixed by `columns`, else every key in order of first appearance."""
    if not rows:
        return ""
    columns = columns or tuple(dict.fromkeys(k for row in rows for k in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: to_jsonable(row.get(k)) for k in columns})
    return buffer.getvalue()


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it is renamed onto `path`, on error removed.

    A killed process therefore never leaves a half-written file under the final name.
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=f".part{final.suffix}", dir=final.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; results are ordinary files
    try:
        yield Path(tmp)
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: str | Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json(path: str | Path, data: dict[str, Any]) -> Path:
    return write_text_atomic(path, json.dumps(to_jsonable(data), indent=2, ensure_ascii=False) + "\n")
