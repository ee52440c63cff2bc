"""The parts of a report, as plain values (`model.build_report` fills them; `html` and `pdf` write them)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReportImage:
    """An embedded image: data (its bytes), mime ("image/jpeg", "image/png"), label and caption."""

    label: str
    caption: str
    data: bytes
    mime: str = "image/jpeg"
    width: int = 0
    height: int = 0

    def data_uri(self) -> str:
        import base64

        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class FigureRow:
    """One headline figure: value with unit, its spread, its typical range, its verdict (None without
    a range) and the number of its source in `Report.sources` (None without one)."""

    name: str
    label: str
    value: str
    spread: str
    typical: str
    verdict: str | None
    status: str | None
    source: int | None


@dataclass(frozen=True)
class FindingItem:
    severity: str
    severity_words: str
    title: str
    detail: str
    why: str
    cue: str
    drill: str
    source: int | None


@dataclass(frozen=True)
class TrendRow:
    """One figure over the athlete's sessions: first and latest values, the changes, how many sessions."""

    label: str
    first: str
    latest: str
    since_first: str
    since_previous: str
    sessions: int


@dataclass(frozen=True)
class TrendSection:
    sessions: int
    first_date: str
    last_date: str
    chart: ReportImage | None
    rows: list[TrendRow]
    compared: str = ""


@dataclass(frozen=True)
class Report:
    """Everything a report shows, in order (`write_report` writes it as HTML and PDF)."""

    title: str
    kind: str
    kind_label: str
    athlete: str | None
    date: str
    source_name: str
    media: str
    key_frames: list[ReportImage]
    figures: list[FigureRow]
    findings: list[FindingItem]
    notes: list[str]
    trend: TrendSection | None
    notice: str
    sources: list[str]
    footer: str
    spreads: dict[str, str] = field(default_factory=dict)
