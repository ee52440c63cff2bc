"""The report as a PDF (fpdf2: pure Python, no system libraries), A4, with the same sections as the
HTML page. Text is set in DejaVu Sans, the TrueType font matplotlib ships (so ±, ° and dashes print
on any machine formcheck installs on)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from .parts import Report, ReportImage

#: Colours (RGB) of a verdict chip and of a finding's bar, by status / severity.
STATUS_FILL = {"within": (223, 245, 231), "below": (253, 233, 210), "above": (253, 233, 210)}
SEVERITY_BAR = {"warning": (231, 76, 60), "attention": (243, 156, 18), "ok": (46, 204, 113), "info": (52, 152, 219)}
GREY = (74, 85, 99)
TEXT = (29, 36, 48)
#: Key frames per row, and the most height (mm) one may take.
FRAMES_PER_ROW = 3
FRAME_MAX_H = 95.0


def font_files() -> dict[str, Path]:
    """DejaVu Sans regular, bold and oblique from matplotlib's data folder."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf", "I": folder / "DejaVuSans-Oblique.ttf"}


def report_pdf(report: Report) -> bytes:
    """The PDF bytes of `report`."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    for style, path in font_files().items():
        pdf.add_font("DejaVu", style, str(path))
    title = report.title + (f": {report.athlete}" if report.athlete else "")
    pdf.set_title(title)
    pdf.set_creator("formcheck")
    pdf.add_page()
    w = _Writer(pdf)
    w.text(report.title, size=16, style="B")
    meta = " · ".join(p for p in (report.athlete or "", f"recorded {report.date}" if report.date else "") if p)
    if meta:
        w.text(meta, size=10, colour=GREY)
    w.text(report.source_name + (f" ({report.media})" if report.media else ""), size=9, colour=GREY)
    if report.key_frames:
        w.heading("Key frames")
        w.images(report.key_frames)
    w.heading("Headline figures")
    w.figures(report)
    if report.findings:
        w.heading("Findings")
        for f in report.findings:
            w.finding(f)
    if report.notes:
        w.heading("How far to trust these figures")
        for note in report.notes:
            w.text(f"• {note}", size=9)
    if report.trend is not None:
        t = report.trend
        chart_w = min(pdf.epw, 170.0)
        chart_h = chart_w * t.chart.height / t.chart.width if t.chart is not None and t.chart.width else 0.0
        w.heading(f"{report.athlete}'s trend", keep_with=chart_h + 10)
        plural = "s" if t.sessions != 1 else ""
        w.text(f"{t.sessions} session{plural} of this analysis, {t.first_date} to {t.last_date}", size=9, colour=GREY)
        if t.chart is not None:
            w.image(t.chart, width=chart_w)
        if t.compared:
            w.text(t.compared, size=8.5, colour=GREY)
        w.table(
            ("Figure", "First", "Latest", "Since the first", "Since the previous"),
            [(r.label, r.first, r.latest, r.since_first, r.since_previous) for r in t.rows],
            (2.2, 1.2, 1.2, 1.2, 1.4),
        )
    w.notice(report.notice)
    if report.sources:
        w.heading("Sources")
        for i, source in enumerate(report.sources, start=1):
            w.text(f"[{i}] {source}", size=8, colour=GREY)
    pdf.ln(3)
    w.text(report.footer, size=7, colour=GREY)
    return bytes(pdf.output())


class _Writer:
    """Small helpers over an FPDF page: text, headings, images, tables, findings."""

    def __init__(self, pdf: Any) -> None:
        self.pdf = pdf

    def text(self, text: str, size: float = 10, style: str = "", colour: tuple[int, int, int] = TEXT) -> None:
        from fpdf.enums import XPos, YPos

        self.pdf.set_font("DejaVu", style, size)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.set_text_color(*TEXT)

    def heading(self, text: str, keep_with: float = 20.0) -> None:
        """A section heading, on a new page unless `keep_with` mm of what follows fit below it."""
        if self.pdf.will_page_break(keep_with + 8):
            self.pdf.add_page()
        self.pdf.ln(3)
        self.text(text, size=12, style="B")
        y = self.pdf.get_y()
        self.pdf.set_draw_color(215, 220, 227)
        self.pdf.line(self.pdf.l_margin, y, self.pdf.l_margin + self.pdf.epw, y)
        self.pdf.ln(1.5)

    def image(self, image: ReportImage, width: float) -> None:
        height = width * (image.height / image.width) if image.width else width * 0.6
        if self.pdf.will_page_break(height):
            self.pdf.add_page()
        self.pdf.image(io.BytesIO(image.data), x=self.pdf.l_margin, y=self.pdf.get_y(), w=width, h=height)
        self.pdf.set_y(self.pdf.get_y() + height + 2)

    def images(self, images: list[ReportImage]) -> None:
        """Key frames in rows of FRAMES_PER_ROW, each with its label and caption below."""
        pdf = self.pdf
        gap = 4.0
        col_w = (pdf.epw - gap * (FRAMES_PER_ROW - 1)) / FRAMES_PER_ROW
        for start in range(0, len(images), FRAMES_PER_ROW):
            row = images[start : start + FRAMES_PER_ROW]
            sizes = []
            for im in row:
                aspect = im.height / im.width if im.width else 0.75
                w = min(col_w, FRAME_MAX_H / aspect)
                sizes.append((w, w * aspect))
            height = max(h for _, h in sizes)
            if pdf.will_page_break(height + 22):
                pdf.add_page()
            top = pdf.get_y()
            bottom = top
            for i, (im, (w, h)) in enumerate(zip(row, sizes, strict=True)):
                x = pdf.l_margin + i * (col_w + gap)
                pdf.image(io.BytesIO(im.data), x=x, y=top, w=w, h=h)
                pdf.set_xy(x, top + height + 1)
                pdf.set_font("DejaVu", "B", 8)
                pdf.multi_cell(col_w, 3.6, im.label, new_x="LEFT", new_y="NEXT")
                pdf.set_font("DejaVu", "", 7.5)
                pdf.set_text_color(*GREY)
                pdf.multi_cell(col_w, 3.4, im.caption, new_x="LEFT", new_y="NEXT")
                pdf.set_text_color(*TEXT)
                bottom = max(bottom, pdf.get_y())
            pdf.set_xy(pdf.l_margin, bottom + 2)

    def _table(self, widths: tuple[float, ...]) -> Any:
        """An fpdf2 table in the report's style (grey heading row, no fill elsewhere)."""
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_font("DejaVu", "", 8.5)
        pdf.set_draw_color(228, 231, 236)
        pdf.set_fill_color(255, 255, 255)
        heading = FontFace(emphasis="BOLD", fill_color=(243, 245, 248))
        return pdf.table(col_widths=widths, text_align="LEFT", line_height=4.6, headings_style=heading)

    def table(self, header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[float, ...]) -> None:
        pdf = self.pdf
        with self._table(widths) as table:
            head = table.row()
            for text in header:
                head.cell(text)
            for values in rows:
                row = table.row()
                for text in values:
                    row.cell(text)
        pdf.ln(1)

    def figures(self, report: Report) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        with self._table((2.2, 1.6, 1.3, 1.6)) as table:
            head = table.row()
            for text in ("Figure", "Value", "Typical", "Verdict"):
                head.cell(text)
            for f in report.figures:
                row = table.row()
                row.cell(f.label + (f" [{f.source}]" if f.source else ""))
                row.cell(f.value + (f"\n{f.spread}" if f.spread else ""))
                row.cell(f.typical)
                fill = STATUS_FILL.get(f.status or "")
                row.cell(f.verdict or "", style=FontFace(fill_color=fill) if fill else None)
        if report.spreads:
            prefix = {"iqr": "IQR", "sd": "±", "range": "range"}
            self.text("; ".join(f"{prefix[k]}: {v}" for k, v in report.spreads.items()) + ".", size=7.5, colour=GREY)
        pdf.ln(1)

    def finding(self, f: Any) -> None:
        pdf = self.pdf
        if pdf.will_page_break(22):
            pdf.add_page()
        top = pdf.get_y()
        pdf.set_left_margin(pdf.l_margin + 3)
        self.text(f.severity_words.upper(), size=7, colour=GREY)
        self.text(f.title + (f" [{f.source}]" if f.source else ""), size=10, style="B")
        for label, value in (("", f.detail), ("Why it matters: ", f.why), ("Cue: ", f.cue), ("Drill: ", f.drill)):
            if value:
                self.text(label + value, size=9)
        pdf.set_left_margin(pdf.l_margin - 3)
        bottom = pdf.get_y()
        if bottom > top:  # the bar beside the finding (skipped when it ran over a page)
            pdf.set_fill_color(*SEVERITY_BAR.get(f.severity, GREY))
            pdf.rect(pdf.l_margin, top, 1.2, bottom - top, style="F")
        pdf.ln(2)

    def notice(self, notice: str) -> None:
        pdf = self.pdf
        pdf.ln(3)
        pdf.set_fill_color(243, 245, 248)
        pdf.set_font("DejaVu", "B", 9)
        pdf.multi_cell(0, 4.6, "Screening, not diagnosis. ", fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(0, 4.6, notice, fill=True, new_x="LMARGIN", new_y="NEXT")
