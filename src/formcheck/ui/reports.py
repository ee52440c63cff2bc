"""The report to share, offered in the app: the HTML page and the PDF of the result shown
(`formcheck.report`, the same report `formcheck analyse --report` writes), with the athlete and
their trend when the result is one of their sessions. Both are made when their button is pressed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import streamlit as st

from ..outputs import OutputFiles
from ..report import HTML_SUFFIX, PDF_SUFFIX, Report, build_report, report_html, report_pdf
from ..store import Trend
from .view import ResultView


def result_report(view: ResultView, trend: Trend | None = None, athlete: str | None = None) -> Report:
    """The report of `view`: its key frames when its files are there, the athlete and their trend
    (`trend`, for this analysis) when known, the date the input was recorded when known."""
    result_json = view.result_json()
    folder = view.folder
    files: OutputFiles | Path
    if folder is not None:
        files = folder
    else:  # a stored session without its files: no key frames
        files = OutputFiles(json=Path(f"{view.stem}.json"), landmarks=Path(f"{view.stem}.landmarks.npz"))
    date: datetime | None = view.recorded_at
    return build_report(result_json, files, history=trend, athlete=athlete, date=date)


def report_html_bytes(view: ResultView, trend: Trend | None = None, athlete: str | None = None) -> bytes:
    return report_html(result_report(view, trend, athlete)).encode("utf-8")


def report_pdf_bytes(view: ResultView, trend: Trend | None = None, athlete: str | None = None) -> bytes:
    return report_pdf(result_report(view, trend, athlete))


def report_buttons(view: ResultView, key: str, trend: Trend | None = None, athlete: str | None = None) -> None:
    """Two download buttons side by side: the report as HTML (one self-contained page) and as PDF."""
    offers: list[tuple[str, str, str, Callable[[], bytes]]] = [
        (
            "Report (HTML)",
            HTML_SUFFIX,
            "text/html",
            lambda: report_html_bytes(view, trend, athlete),
        ),
        ("Report (PDF)", PDF_SUFFIX, "application/pdf", lambda: report_pdf_bytes(view, trend, athlete)),
    ]
    columns = st.columns(2)
    for column, (label, suffix, mime, make) in zip(columns, offers, strict=True):
        with column:
            st.download_button(
                label,
                make,
                file_name=f"{view.stem}{suffix}",
                mime=mime,
                key=f"{key}_report_{view.key}_{suffix}",
                on_click="ignore",
                icon=":material/description:",
                width="stretch",
                type="primary",
            )
    who = f" for {athlete}" if athlete else ""
    trend_words = (
        f", with {len(trend.sessions)} {view.kind_label.lower()} session(s) of their trend"
        if trend is not None and trend.sessions
        else ""
    )
    st.caption(
        f"The report{who} to share: the key frames, the headline figures against their ranges, the findings "
        f"with cues and drills, the reliability notes{trend_words} and the screening notice."
    )
