"""A report to share: one analysis as a self-contained HTML page and a PDF.

    build_report(result_json, files, history=None) -> Report     what it says (parts.py, model.py)
    write_report(report, out_dir, stem) -> (html_path, pdf_path) `<stem>.report.html`, `<stem>.report.pdf`

Contents: athlete and date; key frames; headline figures against their ranges with spreads; findings
with cue and drill; the reliability notes; the athlete's trend when known (a small chart); the
screening notice; the sources. HTML by Jinja2 (html.py, templates/), PDF by fpdf2 (pdf.py).
"""

from __future__ import annotations

from pathlib import Path

from ..export import atomic_path, write_text_atomic
from .html import report_html
from .model import build_report
from .parts import Report, ReportImage
from .pdf import report_pdf

HTML_SUFFIX = ".report.html"
PDF_SUFFIX = ".report.pdf"

__all__ = [
    "HTML_SUFFIX",
    "PDF_SUFFIX",
    "Report",
    "ReportImage",
    "build_report",
    "report_html",
    "report_pdf",
    "write_report",
]


def write_report(report: Report, out_dir: str | Path, stem: str) -> tuple[Path, Path]:
    """Write `<stem>.report.html` and `<stem>.report.pdf` into `out_dir` (atomically); returns their paths."""
    out = Path(out_dir)
    html_path = write_text_atomic(out / f"{stem}{HTML_SUFFIX}", report_html(report))
    pdf_path = out / f"{stem}{PDF_SUFFIX}"
    data = report_pdf(report)
    with atomic_path(pdf_path) as tmp:
        tmp.write_bytes(data)
    return html_path, pdf_path
