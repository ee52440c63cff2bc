"""What `formcheck analyse` prints in the terminal after an analysis: the kind, the headline figures
with their spreads over the steps (or the cadence's standard error) and an "unreliable" mark where
the analysis gives one, the steady segments when there are several, the findings, what is
unreliable and why, and the input's warnings. The JSON and CSV files hold everything; this is the
part a user reads first.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .cli_args import cli_wording
from .names import display_text
from .time_warp import withheld_words

#: Findings shown (worst first); the rest are in the JSON.
SHOWN_FINDINGS = 5
#: Figures at the file's own timing, given when the real timing is not known (slow motion, sped up).
FILE_TIMING_FIGURES = ("cadence_at_file_rate_spm",)


def summary_text(result: Any) -> str:
    """A few lines for the terminal (see the module docstring). result: an `AnalysisResult`."""
    from .feedback import worst_first
    from .kinds import kind_spec

    details: Mapping[str, Any] = result.result.details
    values = {**details, **result.result.metrics}
    found = details.get("spreads")
    spreads: dict[str, Any] = found if isinstance(found, dict) else {}
    headline = kind_spec(result.kind).headline
    lines = [f"{display_text(Path(result.info.path).name)}: {result.kind}"]
    words = [f"{k}={_fmt(values.get(k))}" for k in headline if isinstance(values.get(k), str)]
    if words:
        lines.append("  " + ", ".join(words))
    for key in (*headline, *FILE_TIMING_FIGURES):
        value = values.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            lines.append(f"  {key} = {_fmt(value)}{spread_words(spreads.get(key))}")
    lines.extend(withheld_lines([k for k in headline if k in values and values[k] is None], details))
    lines.extend(segment_lines(details.get("segments")))
    for finding in worst_first(result.result.findings)[:SHOWN_FINDINGS]:
        lines.append(f"  [{finding.severity}] {cli_wording(finding.title)}")
    for key, spread in spreads.items():
        if isinstance(spread, dict) and spread.get("reliable") is False:
            lines.append(f"  unreliable: {key}: {cli_wording(str(spread.get('unreliable_why', '')))}")
    for warning in result.warnings:
        lines.append(f"  note: {cli_wording(warning)}")
    return "\n".join(lines)


def spread_words(spread: Any) -> str:
    """' (half the steps q1-q3, n steps)' or ' (+-se, n steps)', with ' UNRELIABLE' when the analysis
    marks the figure; '' without a spread (a figure made from another, such as the duty factor from
    the contact time, gets the mark alone)."""
    if not isinstance(spread, dict):
        return ""
    if spread.get("q1") is not None:
        text = f" (half the steps {spread['q1']:g}-{spread['q3']:g}, {spread['steps']} steps)"
    elif spread.get("se") is not None:
        text = f" (+-{spread['se']:g}, {spread['steps']} steps)"
    elif spread.get("derived_from"):  # a figure made from another (the duty factor from the contact time)
        text = ""
    else:
        return ""
    return text + (" UNRELIABLE" if spread.get("reliable") is False else "")


def segment_lines(segments: Any) -> list[str]:
    """One line per steady segment when the clip has several (a single one is the whole clip)."""
    if not isinstance(segments, list) or len(segments) < 2:
        return []
    lines = ["  segments:"]
    for s in segments:
        cadence = f", {s['cadence_spm']:g} steps/min" if s.get("cadence_spm") else ""
        contact = f", contact {s['contact_ms']:g} ms" if s.get("contact_ms") else ""
        lines.append(
            f"    {s['segment']}: {s['start_s']:.1f}-{s['end_s']:.1f} s, {s['steps']} steps, {s['gait']}{cadence}"
            f"{contact}" + (", backwards" if s.get("backward") else "")
        )
    return lines


def withheld_lines(empty: list[str], details: Mapping[str, Any]) -> list[str]:
    """Which headline figures have no value (`empty`) and why, with what to do: a slow-motion or
    sped-up clip's timing figures are withheld until its capture rate is given."""
    if not empty:
        return []
    words = withheld_words(empty, details, "rerun with --capture-fps <the camera's capture rate>")
    return [f"  withheld: {words}"] if words else [f"  not measured: {', '.join(empty)}"]


def _fmt(value: Any) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)
