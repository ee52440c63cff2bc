"""Compare two analyses of the same kind side by side (before/after a cue, left vs right, two shoes)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .formatting import card_status, findings_for, format_value, md_escape, metric_differences, metric_label, unit_of
from .results import media_panel
from .view import ResultView, headline_metrics, is_number


def compare_panel(results: list[ResultView]) -> tuple[ResultView, ResultView] | None:
    """Pick two of this session's results; show the differences of their headline figures and the
    two side by side. Returns the pair compared, or None."""
    st.subheader("Compare two analyses")
    if len(results) < 2:
        st.info(
            "Analyse two clips or photos of the same kind (for example before and after a cue, the left and "
            "the right side plank, or two pairs of shoes); both then appear here to compare. "
            f"Results so far in this session: {len(results)}."
        )
        return None
    labels = [f"{i + 1}. {view.label}" for i, view in enumerate(results)]
    left, right = st.columns(2)
    with left:
        a = st.selectbox(
            "First (A)", range(len(results)), index=len(results) - 2, format_func=labels.__getitem__, key="compare_a"
        )
    with right:
        b = st.selectbox(
            "Second (B)", range(len(results)), index=len(results) - 1, format_func=labels.__getitem__, key="compare_b"
        )
    first, second = results[a], results[b]
    if a == b:
        st.info("Choose two different results.")
        return None
    if first.kind != second.kind:
        st.warning(
            f"These are different analyses ({first.kind_label} and {second.kind_label}): only two results "
            f"of the same kind can be compared. Choose two of the same kind."
        )
        return None
    rows = metric_differences(first, second)
    if rows:
        table = (
            pd.DataFrame(rows)
            .rename(
                columns={
                    "figure": "Figure",
                    "unit": "Unit",
                    "first": "A",
                    "second": "B",
                    "difference": "B - A",
                    "first_status": "A vs range",
                    "second_status": "B vs range",
                }
            )
            .drop(columns=["metric"])
        )
        st.dataframe(table, hide_index=True, width="stretch")
    else:
        st.info("These results have no headline figures to compare.")
    columns = st.columns(2, gap="large")
    for column, view, other, name in ((columns[0], first, None, "A"), (columns[1], second, first, "B")):
        with column:
            _side(view, other, name)
    return first, second


def _side(view: ResultView, other: ResultView | None, name: str) -> None:
    """One side: media, cards (B's with the difference from A) and the top findings."""
    st.markdown(f"**{name}: {md_escape(view.name)}**")
    media_panel(view)
    refs = view.references
    for metric in headline_metrics(view):
        ref = refs.get(metric)
        value = view.metrics.get(metric)
        unit = unit_of(metric, ref)
        status = card_status(value, ref, findings_for(view, metric))
        delta, colour = status.text or None, status.colour
        if other is not None and is_number(value) and is_number(other.metrics.get(metric)):
            diff = float(value) - float(other.metrics[metric])
            delta = f"{'+' if diff >= 0 else '-'}{format_value(abs(diff), unit)} vs A; {status.text}".rstrip("; ")
        st.metric(
            metric_label(metric, ref),
            format_value(value, unit),
            delta=delta,
            delta_color=colour,  # type: ignore[arg-type]  # one of Streamlit's colour names
            delta_arrow="off",
            help=status.help or None,
            border=True,
        )
    for finding in view.findings[:3]:
        st.markdown(f"- **{finding.title}**" + (f" Cue: {finding.cue}" if finding.cue else ""))
