"""The batch's summary: its fixed columns, one row per input file, OUT/summary.csv and OUT/summary.json,
and the text printed at the end."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..export import csv_text, to_jsonable, write_json, write_text_atomic
from ..kinds import KINDS, kind_spec
from ..settings import Settings
from ..time_warp import withheld_words
from .discovery import Entry, display_path

#: summary.csv has one column per headline metric of every kind (KindSpec.headline). A clip
#: fills the columns of its own kind (a value is looked up in the result's metrics, then in its
#: details); the others stay empty.
METRIC_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(m for k in KINDS for m in k.headline))
SUMMARY_COLUMNS: tuple[str, ...] = (
    "path",
    "status",
    "kind",
    "error",
    "duration_s",
    "fps",
    *METRIC_COLUMNS,
    "unreliable",
    "withheld",
    "version",
    "model_sha256",
    "settings_hash",
    "input_sha256",
)
STATUSES = ("ok", "error", "skipped")
#: Decimal places kept for float metrics in the summary (well below any metric's precision).
SUMMARY_DECIMALS = 4


# ---------------------------------------------------------------- rows


def base_row(rel: str, settings: Settings, model_sha256: str) -> dict[str, Any]:
    """A row with every summary column (empty), status 'error' until the clip succeeds."""
    row: dict[str, Any] = dict.fromkeys(SUMMARY_COLUMNS)
    row.update(
        path=rel,
        status="error",
        kind=settings.kind if settings.kind != "auto" else None,
        version=__version__,
        model_sha256=model_sha256,
        settings_hash=settings.digest(),
    )
    return row


def skipped_row(entry: Entry) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(SUMMARY_COLUMNS)
    row.update(path=display_path(entry.rel), status="skipped", error=entry.reason, error_code="skipped")
    return row


def headline_values(kind: str, metrics: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
    """The summary's metric columns of `kind`, from the result's metrics (else its details), with
    `unreliable` (the headline figures the analysis marks unreliable, '; '-separated: why is in the
    clip's JSON) and `withheld` (the headline figures left empty, why and what to do)."""
    values: dict[str, Any] = {}
    headline = kind_spec(kind).headline if kind else ()
    for name in headline:
        value = metrics.get(name, details.get(name))
        values[name] = _summary_value(value)
    found = details.get("spreads")
    spreads: dict[str, Any] = found if isinstance(found, dict) else {}
    marked = [n for n in headline if isinstance(spreads.get(n), dict) and spreads[n].get("reliable") is False]
    values["unreliable"] = "; ".join(marked) or None
    values["withheld"] = withheld_text([n for n in headline if n in metrics and metrics[n] is None], details)
    return values


def withheld_text(empty: list[str], details: dict[str, Any]) -> str | None:
    """'cadence_spm, contact_ms: the clip looks like slow motion (about 9.5x), so ...; analyse it
    alone with ... --capture-fps' for a clip whose timing is not real time; 'names: not measured in
    this clip' otherwise; None when nothing is empty. (The batch's --capture-fps applies to every clip.)"""
    if not empty:
        return None
    to_do = "analyse this clip alone with `formcheck analyse CLIP --capture-fps <the camera's capture rate>`"
    return withheld_words(empty, details, to_do) or f"{', '.join(empty)}: not measured in this clip"


def _summary_value(value: Any) -> Any:
    value = to_jsonable(value)
    if isinstance(value, float):
        return round(value, SUMMARY_DECIMALS)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


# ---------------------------------------------------------------- summary files


def summary_rows(rows: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    return [rows[i] for i in sorted(rows)]


def counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    return {s: sum(r["status"] == s for r in rows) for s in STATUSES}


def write_summary(
    out_root: Path, rows: Sequence[dict[str, Any]], settings: Settings, model_sha256: str, input_dir: Path
) -> tuple[Path, Path]:
    """OUT/summary.csv (SUMMARY_COLUMNS, one row per input in path order) and OUT/summary.json (the same
    rows plus error codes, frame counts, output files and capture warnings)."""
    csv_path = write_text_atomic(
        out_root / "summary.csv", csv_text(list(rows), SUMMARY_COLUMNS) or ",".join(SUMMARY_COLUMNS) + "\n"
    )
    json_path = write_json(
        out_root / "summary.json",
        {
            "version": __version__,
            "input_dir": display_path(str(input_dir)),
            "columns": list(SUMMARY_COLUMNS),
            "counts": counts(rows),
            "settings": settings.to_json(),
            "settings_hash": settings.digest(),
            "model_sha256": model_sha256,
            "rows": list(rows),
        },
    )
    return csv_path, json_path


# ---------------------------------------------------------------- the report


@dataclass
class BatchReport:
    """What a batch run produced (for the CLI and the benchmark)."""

    rows: list[dict[str, Any]]
    stats: dict[int, dict[str, Any]]
    resumed: int
    processed: int
    seconds: float
    csv_path: Path
    json_path: Path
    resumed_failed: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.rows)


def summary_text(report: BatchReport, out_root: Path) -> str:
    c = report.counts
    lines = [
        f"{c['ok']} ok, {c['error']} failed, {c['skipped']} skipped ({len(report.rows)} files; "
        f"{report.processed} analysed now, {report.resumed} already done) in {report.seconds:.1f} s"
    ]
    frames = sum(int(s.get("frames") or 0) for s in report.stats.values())
    if frames:
        lines.append(f"{frames} frames analysed ({frames / max(report.seconds, 1e-9):.1f} frames/s)")
    failed = [r for r in report.rows if r["status"] == "error"]
    for row in failed[:10]:
        lines.append(f"  failed: {row['path']}: {row['error']}")
    if len(failed) > 10:
        lines.append(f"  ... and {len(failed) - 10} more (see the summary)")
    if report.resumed_failed:
        lines.append(
            f"  ({report.resumed_failed} of the failures are from an earlier run of the same files and "
            f"settings; add --retry-failed to try them again)"
        )
    lines.append(f"summary: {report.csv_path} (and summary.json); per-clip results in {out_root}/")
    return "\n".join(lines)
