"""What a report says, as plain values: `build_report(result_json, files, history)` -> Report.

The report is built from the result JSON that `save_outputs` wrote (the same one the app and the
store hold) and the key-frame JPEGs beside it, so a result read back later gives the same report.
Verdicts come from `ReferenceRange.status()` (below / within / above a metric's range); a metric
without a range gets none.
"""

from __future__ import annotations

import io
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

from ..feedback import SCREENING_NOTICE
from ..outputs import OutputFiles
from ..reference import ReferenceRange
from ..store.headline import SPREAD_KINDS, headline_figures, is_number
from ..store.trend import Trend
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
    kind = str(result_json.get("kind", ""))
    kind_label = str(result_json.get("kind_label") or kind)
    media = dict(result_json.get("media") or {})
    source_name = str(media.get("file") or "")
    if athlete is None and history is not None:
        athlete = history.athlete.name
    if date is None and history is not None:
        same = [s for s in history.sessions if s.source_name == source_name] or list(history.sessions)
        date = same[-1].date if same else None
    sources = Sources()
    references = _references(result_json)
    headline = headline_figures(result_json)
    figures = [_figure_row(name, figure, references.get(name), sources) for name, figure in headline.items()]
    findings = [_finding(f, sources) for f in result_json.get("findings") or []]
    notes = list(dict.fromkeys([*(result_json.get("warnings") or []), *(result_json.get("reliability") or [])]))
    used_spreads = {str(f["spread_kind"]) for f in headline.values() if f.get("spread_kind")}
    return Report(
        title=f"formcheck report: {kind_label}",
        kind=kind,
        kind_label=kind_label,
        athlete=athlete,
        date=_date_text(date) if date is not None else "",
        source_name=source_name,
        media=_media_text(media),
        key_frames=_key_frames(result_json, files),
        figures=figures,
        findings=findings,
        notes=[str(n) for n in notes],
        trend=_trend_section(history) if history is not None and history.sessions else None,
        notice=str(result_json.get("notice") or SCREENING_NOTICE),
        sources=sources.items,
        footer=_footer(result_json),
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


def verdict(ref: ReferenceRange, value: Any) -> tuple[str | None, str | None]:
    """(words, status) of a value against its range: status from `ReferenceRange.status()` (below,
    within, above); words say it plainly, for a two-sided range ("below the typical range") or a
    one-sided one ("above the limit", "below the minimum"). (None, None) for a range with neither end,
    or a value that is not a number: no verdict then."""
    if (ref.low is None and ref.high is None) or not is_number(value):
        return None, None
    status = ref.status(float(value))
    if status == "unknown":
        return None, None
    if ref.low is not None and ref.high is not None:
        words = {
            "below": "below the typical range",
            "within": "within the typical range",
            "above": "above the typical range",
        }
    elif ref.high is not None:
        words = {"within": "within the limit", "above": "above the limit"}
    else:
        words = {"below": "below the minimum", "within": "at or above the minimum"}
    return words[status], status


def _references(result_json: dict[str, Any]) -> dict[str, ReferenceRange]:
    known = {f.name for f in fields(ReferenceRange)}
    return {
        name: ReferenceRange(**{k: v for k, v in ref.items() if k in known})
        for name, ref in (result_json.get("references") or {}).items()
        if isinstance(ref, dict)
    }


def _number(value: float) -> str:
    return f"{round(float(value), 2):g}"


def _figure_row(name: str, figure: dict[str, Any], ref: ReferenceRange | None, sources: Sources) -> FigureRow:
    value = figure.get("value")
    unit = str(figure.get("unit") or "")
    if value is None:
        shown = "not measured"
    elif is_number(value):
        shown = f"{_number(value)} {unit}".strip()
    else:
        shown = str(value)
    spread = ""
    if is_number(figure.get("spread")):
        prefix = SPREAD_PREFIX.get(str(figure.get("spread_kind")), "spread")
        spread = f"{prefix} {_number(figure['spread'])} {unit}"
    words, status = verdict(ref, value) if ref is not None else (None, None)
    typical = ref.range_text() if ref is not None and (ref.low is not None or ref.high is not None) else ""
    return FigureRow(
        name=name,
        label=str(figure.get("label") or name),
        value=shown,
        spread=spread.strip(),
        typical=typical,
        verdict=words,
        status=status,
        source=sources.cite(ref.source) if ref is not None and typical else None,
    )


def _finding(f: dict[str, Any], sources: Sources) -> FindingItem:
    severity = str(f.get("severity") or "info")
    return FindingItem(
        severity=severity,
        severity_words=SEVERITY_WORDS.get(severity, severity),
        title=str(f.get("title") or ""),
        detail=str(f.get("detail") or ""),
        why=str(f.get("why") or ""),
        cue=str(f.get("cue") or ""),
        drill=str(f.get("drill") or ""),
        source=sources.cite(str(f.get("source") or "")),
    )


def _key_frames(result_json: dict[str, Any], files: OutputFiles) -> list[ReportImage]:
    """The key frames named in the JSON, read from their files (downscaled to IMAGE_MAX_SIDE)."""
    from PIL import Image

    by_name = {p.name: p for p in files.key_frames}
    images = []
    for entry in result_json.get("key_frames") or []:
        name = Path(str(entry.get("file") or "")).name
        path = by_name.get(name)
        if path is None or not path.is_file():
            continue
        with Image.open(path) as opened:
            im = opened.convert("RGB")
        im.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
        buffer = io.BytesIO()
        im.save(buffer, "JPEG", quality=85)
        size = im.size
        time_s = entry.get("time_s")
        label = str(entry.get("label") or "")
        if is_number(time_s) and result_json.get("media", {}).get("kind") != "photo":
            label += f" ({float(time_s):.2f} s)"
        images.append(ReportImage(label, str(entry.get("caption") or ""), buffer.getvalue(), "image/jpeg", *size))
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


def _media_text(media: dict[str, Any]) -> str:
    kind = media.get("kind")
    size = f"{media.get('width')}x{media.get('height')}" if media.get("width") else ""
    if kind == "photo":
        return f"photo {size}".strip()
    if kind == "track":
        return "recorded landmark track"
    parts = [f"video {size}".strip()]
    if is_number(media.get("duration_s")):
        parts.append(f"{float(media['duration_s']):.1f} s")
    if is_number(media.get("fps")):
        parts.append(f"{float(media['fps']):g} fps")
    return ", ".join(parts)


def _footer(result_json: dict[str, Any]) -> str:
    model = result_json.get("model") or {}
    sha = str(model.get("sha256") or "")[:12]
    parts = [f"formcheck {result_json.get('version', '')}".strip()]
    if model.get("file"):
        parts.append(f"pose model {model['file']} ({sha})")
    parts.append(f"written {_date_text(datetime.now().astimezone())}")
    return "; ".join(parts)
