"""Results as JSON and CSV with fixed layouts, written atomically (temp file + rename)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .feedback import SCREENING_NOTICE, worst_first
from .kinds import kind_spec
from .names import display_text, truncate_name
from .processes import TAG_PATTERN, process_tag, writer_alive
from .verdict import verdict

if TYPE_CHECKING:
    from .pipeline import AnalysisResult

METRIC_CSV_COLUMNS = ("metric", "value", "unit", "reference_range", "status", "convention", "source")


def to_jsonable(value: Any) -> Any:
    """numpy scalars/arrays to Python, NaN/inf to None, file-name bytes that are not UTF-8 as \\xNN,
    recursively."""
    if isinstance(value, dict):
        return {display_text(str(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return display_text(value)
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
            "key_frames": kr.key_frames,
            "warnings": result.warnings,
            "notice": SCREENING_NOTICE,
            "kind_scores": result.kind_scores,
            "settings": result.settings,
            "model": {"file": result.model.file, "sha256": result.model.sha256} if result.model else None,
        }
    )


def metric_rows(result: AnalysisResult) -> list[dict[str, Any]]:
    """One row per metric: value with its unit, range, its verdict against the range (below, within,
    above; empty for a metric without a range or a value: `verdict.verdict`), convention, source."""
    rows = []
    for name, value in result.result.metrics.items():
        ref = result.result.references.get(name)
        rows.append(
            {
                "metric": name,
                "value": to_jsonable(value),
                "unit": ref.unit if ref else "",
                "reference_range": ref.range_text() if ref else "",
                "status": verdict(value, ref).status or "",
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


#: Bytes of the final name kept at the start of a temporary file's name (for a human looking at it).
PART_NAME_BYTES = 64
#: `.<start of the name>.<pid>.<token>-<random>.part<suffix>` (processes.process_tag: the writer).
_PART_NAME = re.compile(rf"^\.(?P<name>.*)\.{TAG_PATTERN}-[a-z0-9_]{{8}}\.part(?P<suffix>\.[^.]*)?$")
#: Without a tag (earlier formcheck versions wrote these): always stale.
_LEGACY_PART_NAME = re.compile(r"^\.(?P<name>.*)\.[a-z0-9_]{8}\.part(?P<suffix>\.[^.]*)?$")


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it is renamed onto `path`, on error removed.

    A killed process therefore never leaves a half-written file under the final name. The temporary
    name is `.<start of the name>.<pid>.<token>-<random>.part<suffix>` (short enough for any file
    system; the suffix kept for writers that go by it): `sweep_stale_parts` removes those whose
    process has ended.
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    start = truncate_name(final.stem, PART_NAME_BYTES)
    fd, tmp = tempfile.mkstemp(prefix=f".{start}.{process_tag()}-", suffix=f".part{final.suffix}", dir=final.parent)
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


def is_stale_part(name: str) -> bool:
    """True for a temporary file of `atomic_path` whose writer is no longer running on this machine
    (or that an older formcheck wrote)."""
    match = _PART_NAME.match(name)
    if match is None:
        return _LEGACY_PART_NAME.match(name) is not None
    return not writer_alive(int(match["pid"]), match["token"])


def sweep_stale_parts(folder: str | Path) -> int:
    """Remove the stale temporary files (`is_stale_part`) of a killed writer in `folder` (not
    recursive). Returns how many were removed."""
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        if name.startswith(".") and ".part" in name and is_stale_part(name):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))
                removed += 1
    return removed


def write_text_atomic(path: str | Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json(path: str | Path, data: dict[str, Any]) -> Path:
    return write_text_atomic(path, json.dumps(to_jsonable(data), indent=2, ensure_ascii=False) + "\n")
