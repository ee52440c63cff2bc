"""The report as one self-contained HTML page (Jinja2; images embedded as data URIs, styles inline;
readable on a phone)."""

from __future__ import annotations

from .parts import Report

TEMPLATE = "report.html.j2"


def report_html(report: Report) -> str:
    """The HTML text of `report` (every value escaped)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("formcheck.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(TEMPLATE).render(r=report)
