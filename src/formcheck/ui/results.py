"""The results panel, phone first (one column, read top to bottom): the annotated media with its video
tools, metric cards, findings, charts, tables, reliability, downloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from ..feedback import SCREENING_NOTICE, Finding
from ..time_warp import suggested_capture_fps, time_warp_reason
from ..verdict import range_words, verdict
from .athletes import athlete_trend
from .charts import plottable_series, series_chart
from .errors import show_error
from .formatting import (
    SEVERITY_COLOURS,
    SEVERITY_ICONS,
    app_wording,
    card_status,
    format_value,
    md_escape,
    metric_label,
    unit_of,
    value_words,
)
from .reports import report_buttons
from .sessions import STORED
from .video import has_video, media_tools
from .view import ResultView, headline_metrics, text_metrics

SEVERITY_WORDS = {"warning": "Act on it", "attention": "Worth a look", "info": "For context", "ok": "Good"}
CARD_COLUMNS = 2
MIME = {
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".json": "application/json",
    ".csv": "text/csv",
}


ORIGIN_WORDS = {"example": "the bundled example", "upload": "your upload", STORED: "the athletes' store"}


def results_panel(view: ResultView, key: str = "main", athlete: str | None = None) -> None:
    """Everything about one result; `key` keeps widget keys unique when shown more than once;
    athlete: whose session the result is (the report then has their name and trend). A fault while
    showing it is reported as a message (and logged), never as a traceback."""
    try:
        _results(view, key, athlete)
    except Exception as exc:
        show_error(exc, view.name)


def _results(view: ResultView, key: str, athlete: str | None) -> None:
    origin = ORIGIN_WORDS.get(view.origin, view.origin)
    cached = " · served from the cache (same file and settings)" if view.from_cache else ""
    st.subheader(f"{view.kind_label}: {md_escape(view.name)}")
    st.caption(f"From {origin}{cached}{_scores_text(view)}")
    if view.kind == "wall":
        st.warning(SCREENING_NOTICE, icon=":material/medical_services:")
    media_panel(view, key)
    metric_cards(view)
    findings_panel(view.findings)
    charts_panel(view, key)
    tables_panel(view, key)
    reliability_panel(view)
    downloads_panel(view, key, athlete)
    if view.kind != "wall":
        st.caption(SCREENING_NOTICE)


def _scores_text(view: ResultView) -> str:
    scores = view.doc.kind_scores
    if not view.doc.auto_detected or not scores:
        return ""
    found = ", ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items(), key=lambda kv: -kv[1]))
    return f" · auto-detected (scores: {found})"


def media_panel(view: ResultView, key: str) -> None:
    """The annotated video with its tools (frame stepping, events, steps, key frames), or the photo."""
    path = view.files.annotated
    if view.origin == STORED:
        st.info(
            "The video is not kept: the athletes' store keeps each session's figures and findings, not the clip. "
            "The annotated " + ("photo" if view.is_photo else "video") + " and its key frames were in the app's "
            "temporary cache, which no longer has them; analyse the file again to see them.",
            icon=":material/videocam_off:",
        )
        return
    if path is None or not path.is_file():
        st.info("No annotated video or photo for this result.")
        return
    if has_video(view):
        media_tools([(view, view.name)], key=f"{key}_media_{view.key}")
    else:
        st.image(path.read_bytes(), caption="Annotated photo", width="stretch")
    if view.is_track:
        st.caption(
            "Skeleton only: this example is a landmark track (recorded or generated); there is no original video."
        )


def metric_cards(view: ResultView) -> None:
    """The headline figures as cards: value with unit, and its verdict against the reference range
    (`verdict.verdict`: green within, orange outside, none without a range); the range's source in
    the tooltip. Figures the input could not give are listed below them."""
    refs, metrics = view.references, view.metrics
    headline = headline_metrics(view)
    names = [n for n in headline if metrics.get(n) is not None]
    if names:
        columns = st.columns(min(CARD_COLUMNS, len(names)))
        for i, name in enumerate(names):
            ref = refs.get(name)
            status = card_status(metrics.get(name), ref)
            spread, unreliable = spread_words(view, name, unit_of(name, ref))
            with columns[i % len(columns)]:
                st.metric(
                    metric_label(name, ref),
                    format_value(metrics.get(name), unit_of(name, ref)),
                    delta=("unreliable" if unreliable else status.text) or None,
                    delta_color="gray" if unreliable else status.colour,  # type: ignore[arg-type]  # Streamlit's
                    delta_arrow="off",
                    help="  \n".join(t for t in (spread, status.help) if t) or None,
                    border=True,
                )
    else:
        st.info("This analysis gives no headline figures for this input.")
    missing = [metric_label(n, refs.get(n)) for n in headline if metrics.get(n) is None]
    if missing:
        st.caption(missing_words(missing, view.doc.details, view.is_photo))
    words = text_metrics(view)
    if words:
        st.caption(
            " · ".join(
                f"{metric_label(name, refs.get(name))}: **{md_escape(value_words(name, value))}**"
                for name, value in words.items()
            )
        )
    if not view.doc.stature_given and any(unit_of(n, refs.get(n)) == "cm" for n in names):
        st.caption("Centimetres assume a stature of 170 cm: give the stature in the settings above.")


def missing_words(labels: list[str], details: dict[str, Any], is_photo: bool) -> str:
    """The caption under the cards for the headline figures without a value (`labels`): withheld,
    with the reason and what to set, for a slow-motion or sped-up clip; else not measured."""
    reason = time_warp_reason(details)
    if reason is None:
        return "Not measured in this " + ("photo" if is_photo else "clip") + ": " + ", ".join(labels)
    fps = suggested_capture_fps(details)
    example = f" (probably {fps:g} fps)" if fps is not None else ""
    return (
        f"Withheld: {', '.join(labels)}: {reason}. Give the capture frame rate in the settings{example} "
        "and analyse again."
    )


def spread_words(view: ResultView, name: str, unit: str) -> tuple[str, bool]:
    """(the spread of a per-step headline figure over its steps, or the cadence's standard error,
    and whether it is marked unreliable), from the result's `details.spreads` (running); ('', False)
    where there is none."""
    spreads = view.doc.details.get("spreads") or {}
    spread = spreads.get(name) if isinstance(spreads, dict) else None
    if not isinstance(spread, dict):
        return "", False
    if spread.get("q1") is not None:
        text = f"Half the steps between {spread['q1']:g} and {spread['q3']:g} {unit} ({spread['steps']} steps)."
    elif spread.get("se") is not None:
        text = f"Known to +-{spread['se']:g} {unit} (standard error over {spread['steps']} steps)."
    elif spread.get("derived_from"):  # a figure made from another (the duty factor from the contact time)
        text = ""
    else:
        return "", False
    if spread.get("reliable") is False:
        text = f"{text} Unreliable: {spread.get('unreliable_why', '')}.".strip()
    return text, spread.get("reliable") is False


def findings_panel(findings: list[Finding]) -> None:
    """The findings, worst first, each with why it matters, a cue and a drill."""
    st.subheader("What to work on")
    if not findings:
        st.info("No findings for this result.")
        return
    for finding in findings:
        with st.container(border=True):
            colour = SEVERITY_COLOURS[finding.severity]
            badge = f":{colour}-badge[{SEVERITY_ICONS[finding.severity]} {SEVERITY_WORDS[finding.severity]}]"
            st.markdown(f"{badge} **{app_wording(finding.title)}**")
            lines = [app_wording(finding.detail)] if finding.detail else []
            if finding.why:
                lines.append(f"*Why it matters:* {app_wording(finding.why)}")
            if finding.cue:
                lines.append(f"**Cue:** {app_wording(finding.cue)}")
            if finding.drill:
                lines.append(f"**Drill:** {app_wording(finding.drill)}")
            st.markdown("\n\n".join(lines))
            if finding.source:
                st.caption(f"Source: {finding.source}")


def charts_panel(view: ResultView, key: str) -> None:
    """The per-frame curves over time with the events and the reference band, and the saved PNG."""
    curves = plottable_series(view.times_s, view.series)
    if not curves:
        return
    st.subheader("Over time")
    names = list(curves)
    if len(names) > 4:
        names = st.multiselect(
            "Curves",
            list(curves),
            default=list(curves)[:4],
            key=f"{key}_curves",
            format_func=lambda n: metric_label(n, view.references.get(n)),
        )
    for name in names:
        chart = series_chart(view.times_s, name, curves[name], view.doc.events, view.references.get(name))
        st.altair_chart(chart, width="stretch")
    chart_png = view.files.chart
    if chart_png is not None and chart_png.is_file():
        with st.expander("The chart as saved with the results (PNG)"):
            st.image(chart_png.read_bytes(), width="stretch")


def tables_panel(view: ResultView, key: str) -> None:
    """The per-step (or per-repetition) table, the events and every figure with its verdict, range
    and source. The first column stays in view when a table scrolls sideways on a phone."""
    doc = view.doc
    if doc.steps:
        st.subheader("Per step" if view.kind == "run" else "Per repetition")
        steps = pd.DataFrame(doc.steps)
        first = str(steps.columns[0])
        st.dataframe(
            steps, hide_index=True, width="stretch", column_config={first: st.column_config.Column(pinned=True)}
        )
    segments = segment_rows(doc.details)
    if segments:
        st.subheader("Steady segments")
        st.caption(
            "The clip has several steady parts (pace changes, turns, stops); the headline figures come from the one "
            "marked headline. To analyse another, set its start and end times."
        )
        st.dataframe(pd.DataFrame(segments), hide_index=True, width="stretch")
    if doc.events:
        with st.expander(f"Timeline ({len(doc.events)} events)"):
            rows = [
                {"event": e.label, "time (s)": e.at_s, "until (s)": e.end_s, "severity": e.severity or ""}
                for e in doc.events
            ]
            st.dataframe(
                pd.DataFrame(rows),
                hide_index=True,
                width="stretch",
                column_config={"event": st.column_config.Column(pinned=True)},
            )
    with st.expander("All figures, with verdicts, reference ranges and sources"):
        rows = []
        for name, value in view.metrics.items():
            ref = view.references.get(name)
            rows.append(
                {
                    "figure": metric_label(name, ref),
                    "value": format_value(value, unit_of(name, ref)),
                    "verdict": verdict(value, ref).text,
                    "reference range": range_words(ref) if ref else "",
                    "convention": ref.convention if ref else "",
                    "source": ref.source if ref else "",
                    "metric": name,
                }
            )
        st.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            width="stretch",
            column_config={"figure": st.column_config.Column(pinned=True)},
        )
    if doc.details:
        with st.expander("Analysis details (view, variant, frames used, ...)"):
            st.json(doc.details, expanded=False)


def segment_rows(details: dict[str, Any]) -> list[dict[str, Any]]:
    """The running analysis's steady segments as table rows (when there are several): span, steps,
    gait, cadence with its standard error, contact time, duty factor, direction, headline."""
    found = details.get("segments")
    if not isinstance(found, list) or len(found) < 2:
        return []
    head = details.get("headline_segment")
    return [
        {
            "segment": s.get("segment"),
            "from (s)": s.get("start_s"),
            "to (s)": s.get("end_s"),
            "steps": s.get("steps"),
            "gait": s.get("gait"),
            "cadence (steps/min)": s.get("cadence_spm"),
            "+- (steps/min)": s.get("cadence_se_spm"),
            "contact (ms)": s.get("contact_ms"),
            "duty factor": s.get("duty_factor"),
            "direction": "backwards" if s.get("backward") else "forwards",
            "headline": s.get("segment") == head,
        }
        for s in found
        if isinstance(s, dict)
    ]


def reliability_panel(view: ResultView) -> None:
    """How far to trust the figures: frame rate, visibility, people in view, the analysis's notes."""
    st.subheader("Reliability")
    media, quality = view.doc.media, view.doc.quality
    facts = []
    if media.is_photo:
        facts.append(f"photo {media.width}x{media.height}")
    else:
        facts.append(f"{media.fps:.0f} fps, {media.frames} frames, {media.width}x{media.height}")
        if quality.person_fraction is not None:
            facts.append(f"person found in {quality.person_fraction:.0%} of frames")
    if quality.mean_visibility is not None:
        facts.append(f"mean landmark visibility {quality.mean_visibility:.2f} of 1")
    st.caption(" · ".join(facts))
    notes = view.doc.notes
    if notes:
        st.info("\n".join(f"- {app_wording(note)}" for note in notes), icon=":material/info:")
    else:
        st.success("No capture problem was found.", icon=":material/check_circle:")


def download_offers(view: ResultView) -> list[tuple[str, Path]]:
    """(label, file) of each download: the JSON result, the CSV (per-step table where there is one),
    the annotated media, the chart."""
    files = view.files
    annotated = files.annotated
    offers: list[tuple[str, Path | None]] = [
        ("Result (JSON)", files.json),
        ("Per-step table (CSV)" if "steps" in files.tables else "Figures (CSV)", files.csv),
        ("Annotated video (MP4)" if annotated and annotated.suffix == ".mp4" else "Annotated photo (JPEG)", annotated),
        ("Chart (PNG)", files.chart),
    ]
    return [(label, path) for label, path in offers if path is not None and path.is_file()]


def downloads_panel(view: ResultView, key: str, athlete: str | None = None) -> None:
    """The report to share (HTML and PDF, with the athlete's trend when the result is one of their
    sessions), then every file of the result as a download button (two to a row: readable on a phone)."""
    st.subheader("Downloads")
    report_buttons(view, key, athlete_trend(athlete, view.kind) if athlete else None, athlete)
    offered = download_offers(view)
    if view.origin == STORED and view.stored_json is not None:
        st.download_button(
            "Result (JSON)",
            json.dumps(view.stored_json, indent=1, ensure_ascii=False),
            file_name=f"{view.stem}.json",
            mime=MIME[".json"],
            key=f"{key}_download_{view.key}_json",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )
    columns = st.columns(2)
    for i, (label, path) in enumerate(offered):
        with columns[i % 2]:
            st.download_button(
                label,
                path.read_bytes(),
                file_name=path.name,
                mime=MIME.get(path.suffix.lower(), "application/octet-stream"),
                key=f"{key}_download_{view.key}_{path.name}",
                on_click="ignore",
                icon=":material/download:",
                width="stretch",
            )
