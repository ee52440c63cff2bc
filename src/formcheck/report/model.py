"""What a report says, as plain values: `build_report(result_json, files, history)` -> Report.

The report is built from the result JSON that `save_outputs` wrote (the same one the app and the
store hold), read as a `ResultDocument`, and the key-frame JPEGs beside it, so a result read back
later gives the same report. Verdicts and ranges are worded by `formcheck.verdict` (the one verdict
the app's cards, metrics.csv and the findings use); a metric without a range gets none.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

from ..feedback import SCREENING_NOTICE, Finding
from ..outputs import OutputFiles
from ..reference import ReferenceRange
from ..result_document import MediaFacts, ResultDocument, key_frames
from ..store.headline import SPREAD_KINDS, headline_figures, is_number
from ..store.trend import Trend
from ..verdict import has_range, range_words, verdict, with_unit
from .parts import FigureRow, FindingItem, Report, ReportImage, TrendRow, TrendSection

#: Key frames are embedded at most this many pixels on their longest side.
IMAGE_MAX_SIDE = 960
#: How each kind of spread is written before its value (SPREAD_KINDS says what each is).
SPREAD_PREFIX = {"iqr": "IQR", "sd": "±", "range": "range"}
#: Severity of a finding in words.
SEVERITY_WORDS = {"warning": "act on it", "attention": "worth a look", "info": "for context", "ok": "good"}


def build_report(
    result_json: dict[str, Any],
    files: OutputFiles | str | Path,
    history: Trend | None = None,
    athlete: str | None = None,
    date: datetime | None = None,
) -> Report:
    """The report of one result.

    result_json: the result as `save_outputs` wrote it; files: its OutputFiles, or the folder its
    `outputs` are in (the key frames are read from there); history: the athlete's trend for this
    analysis (the report then shows it, and the athlete's name); athlete: the athlete's name when
    there is no history; date: when the clip was recorded (default: the latest session's date in
    `history` for this file, else not shown).
    """
    if not isinstance(files, OutputFiles):
        files = OutputFiles.from_json(result_json, files)
    doc = ResultDocument.from_json(result_json)
    source_name = doc.media.file
    if athlete is None and history is not None:
        athlete = history.athlete.name
    if date is None and history is not None:
        same = [s for s in history.sessions if s.source_name == source_name] or list(history.sessions)
        date = same[-1].date if same else None
    sources = Sources()
    headline = headline_figures(result_json)
    figures = [_figure_row(name, figure, doc.references.get(name), sources) for name, figure in headline.items()]
    findings = [_finding(f, sources) for f in doc.findings]
    used_spreads = {str(f["spread_kind"]) for f in headline.values() if f.get("spread_kind")}
    return Report(
        title=f"formcheck report: {doc.kind_label}",
        kind=doc.kind,
        kind_label=doc.kind_label,
        athlete=athlete,
        date=_date_text(date) if date is not None else "",
        source_name=source_name,
        media=_media_text(doc.media),
        key_frames=_key_frames(doc, files),
        figures=figures,
        findings=findings,
        notes=doc.notes,
        trend=_trend_section(history) if history is not None and history.sessions else None,
        notice=doc.notice or SCREENING_NOTICE,
        sources=sources.items,
        footer=_footer(doc),
        spreads={k: SPREAD_KINDS[k] for k in SPREAD_KINDS if k in used_spreads},
    )


class Sources:
    """The sources cited, numbered from 1 in order of first citation."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def cite(self, text: str) -> int | None:
        text = text.strip()
        if not text:
            return None
        if text not in self.items:
            self.items.append(text)
        return self.items.index(text) + 1


def _number(value: float) -> str:
    return f"{round(float(value), 2):g}"


def _figure_row(name: str, figure: dict[str, Any], ref: ReferenceRange | None, sources: Sources) -> FigureRow:
    """One headline figure: its value and spread with their unit, its range and its verdict, both
    worded by `formcheck.verdict` (no range: neither)."""
    value = figure.get("value")
    unit = str(figure.get("unit") or "")
    if value is None:
        shown = "not measured"
    elif is_number(value):
        shown = with_unit(_number(value), unit)
    else:
        shown = str(value)
    spread = ""
    if is_number(figure.get("spread")):
        prefix = SPREAD_PREFIX.get(str(figure.get("spread_kind")), "spread")
        spread = f"{prefix} {with_unit(_number(figure['spread']), unit)}"
    judged = verdict(value, ref)
    return FigureRow(
        name=name,
        label=str(figure.get("label") or name),
        value=shown,
        spread=spread,
        typical=range_words(ref) if ref is not None and has_range(ref) else "",
        verdict=judged.text or None,
        status=judged.status,
        source=sources.cite(ref.source) if ref is not None and has_range(ref) else None,
    )


def _finding(f: Finding, sources: Sources) -> FindingItem:
    return FindingItem(
        severity=f.severity,
        severity_words=SEVERITY_WORDS.get(f.severity, f.severity),
        title=f.title,
        detail=f.detail,
        why=f.why,
        cue=f.cue,
        drill=f.drill,
        source=sources.cite(f.source),
    )


def _key_frames(doc: ResultDocument, files: OutputFiles) -> list[ReportImage]:
    """The result's key frames (`result_document.key_frames`), read from their files and downscaled
    to IMAGE_MAX_SIDE; one whose file is missing is left out."""
    from PIL import Image

    by_name = {p.name: p for p in files.key_frames}
    images = []
    for ref in key_frames(doc):
        path = by_name.get(Path(ref.file).name) if ref.file else None
        if path is None or not path.is_file():
            continue
        with Image.open(path) as opened:
            im = opened.convert("RGB")
        im.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
        buffer = io.BytesIO()
        im.save(buffer, "JPEG", quality=85)
        label = ref.label + (f" ({ref.time_s:.2f} s)" if ref.time_s is not None and not doc.media.is_photo else "")
        images.append(ReportImage(label, ref.caption, buffer.getvalue(), "image/jpeg", *im.size))
    return images


def _trend_section(history: Trend) -> TrendSection:
    """The trend table and chart; each figure's changes are against the sessions of the latest
    session's group (`KindSpec.compare_by`)."""
    from .trend_chart import trend_chart

    newest_group = history.groups.get(history.sessions[-1].id, "")
    rows = []
    for m in history.metrics.values():
        latest = m.points[-1]
        group = m.in_group(latest.group)
        unit = f" {m.unit}" if m.unit else ""
        rows.append(
            TrendRow(
                label=m.label + (f" ({latest.group})" if latest.group != newest_group else ""),
                first=f"{_number(group[0].value)}{unit}",
                latest=f"{_number(latest.value)}{unit}",
                since_first=_signed(latest.since_first),
                since_previous=_signed(latest.since_previous),
                sessions=len(group),
            )
        )
    sessions = history.sessions
    return TrendSection(
        sessions=len(sessions),
        first_date=_date_text(sessions[0].date),
        last_date=_date_text(sessions[-1].date),
        chart=trend_chart(history),
        rows=rows,
        compared=(
            f"Changes are against the sessions of the same {' and '.join(history.compare_by)} ({newest_group})."
            if history.compare_by
            else ""
        ),
    )


def _signed(value: float | None) -> str:
    if value is None:
        return "–"
    return "±0" if value == 0 else f"{value:+.2f}".rstrip("0").rstrip(".")


def _date_text(when: datetime) -> str:
    """A date in this machine's time zone: '1 March 2026, 10:05'."""
    local = when.astimezone()
    return f"{local.day} {local.strftime('%B %Y, %H:%M')}"


def _media_text(media: MediaFacts) -> str:
    size = f"{media.width}x{media.height}" if media.width else ""
    if media.is_photo:
        return f"photo {size}".strip()
    if media.is_track:
        return "recorded landmark track"
    parts = [f"video {size}".strip()]
    if media.duration_s:
        parts.append(f"{media.duration_s:.1f} s")
    if media.fps:
        parts.append(f"{media.fps:g} fps")
    return ", ".join(parts)


def _footer(doc: ResultDocument) -> str:
    parts = [f"formcheck {doc.version}".strip()]
    if doc.model is not None and doc.model.file:
        parts.append(f"pose model {doc.model.file} ({doc.model.sha256[:12]})")
    parts.append(f"written {_date_text(datetime.now().astimezone())}")
    return "; ".join(parts)
