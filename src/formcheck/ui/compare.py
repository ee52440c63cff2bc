"""Compare two analyses (before/after a cue, left vs right, two shoes): a difference table that fits a
phone, the two clips side by side started in sync at an aligned event, the top findings of each."""

from __future__ import annotations

import streamlit as st

from .formatting import activity_mismatch, compare_table_markdown, md_escape, metric_differences
from .video import has_video, media_tools
from .view import ResultView


def compare_panel(results: list[ResultView]) -> tuple[ResultView, ResultView] | None:
    """Pick two of this session's results and compare them. Returns the pair compared, or None."""
    st.subheader("Compare two analyses")
    if len(results) < 2:
        st.info(
            "Analyse two clips or photos of the same activity (for example before and after a cue, the left and "
            "the right side plank, or two pairs of shoes) on the Analyse page; both then appear here to compare. "
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
    if a == b:
        st.info("Choose two different results.")
        return None
    first, second = results[a], results[b]
    mismatch = activity_mismatch(first, second)
    if mismatch:
        st.warning(f"These are not the same activity: {mismatch}. The figures below may not be comparable.")
    rows = metric_differences(first, second)
    if rows:
        st.markdown(compare_table_markdown(rows))
        st.caption("✓ within its reference range · ↑ above it · ↓ below it · no mark: no range. B − A: the change.")
    else:
        st.info("These results have no headline figures in common to compare.")
    if has_video(first) and has_video(second):
        media_tools(
            [(first, f"A: {first.name}"), (second, f"B: {second.name}")],
            key=f"compare_{first.key}_{second.key}",
            note="Both start half a second before their aligned event; frame steps move both.",
        )
    columns = st.columns(2)
    for column, view, name in ((columns[0], first, "A"), (columns[1], second, "B")):
        with column:
            _side(view, name, show_media=not (has_video(first) and has_video(second)))
    return first, second


def _side(view: ResultView, name: str, show_media: bool) -> None:
    """One side: the photo (when the two are not both videos) and the top findings."""
    st.markdown(f"**{name}: {md_escape(view.name)}**")
    path = view.files.annotated
    if show_media and path is not None and path.is_file():
        if path.suffix.lower() == ".mp4":
            st.video(path.read_bytes(), format="video/mp4")
        else:
            st.image(path.read_bytes(), width="stretch")
    for finding in view.findings[:3]:
        st.markdown(f"- **{md_escape(finding.title)}**" + (f" Cue: {finding.cue}" if finding.cue else ""))
