"""The History page: an athlete's sessions from the athletes' store (`formcheck.store`): trend
charts of the headline figures with their reference ranges, the session list with the change since
the first and the previous session, and any session's whole result (the Analyse page's result view)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ..store import Session, Store, Trend
from .athletes import CHOSEN_KEY, chosen_athlete, open_app_store
from .cache import cache_root
from .charts import trend_chart
from .formatting import format_value, md_escape
from .inputs import kind_label
from .results import results_panel
from .sessions import STORED, date_words, local_text, session_view

ATHLETE_KEY = "history_athlete"
KIND_KEY = "history_kind"
SESSION_KEY = "history_session"


def signed(value: float | None) -> str:
    """A change: '+1.2', '-0.5', '±0'; '–' when there is none."""
    if value is None:
        return "–"
    if value == 0:
        return "±0"
    return f"{value:+.2f}".rstrip("0").rstrip(".")


def session_rows(trend: Trend) -> list[dict[str, Any]]:
    """The session list, oldest first: date, file and each headline figure as 'value (change since
    the first / since the previous)' (the figures include the classes sessions are grouped by)."""
    rows = []
    for s in trend.sessions:
        row: dict[str, Any] = {"date": local_text(s.date), "file": s.source_name}
        changes = trend.changes(s.id)
        for name, figure in s.headline.items():
            label = str(figure.get("label") or name)
            text = format_value(figure.get("value"), str(figure.get("unit") or ""))
            point = changes.get(name)
            if point is not None and (point.since_first is not None or point.since_previous is not None):
                text += f" ({signed(point.since_first)} / {signed(point.since_previous)})"
            row[label] = text
        rows.append(row)
    return rows


def _remember_athlete() -> None:
    st.session_state[CHOSEN_KEY] = st.session_state.get(ATHLETE_KEY)


def history_panel() -> None:
    """Pick an athlete (and an analysis when they have sessions of several), then their trend, their
    sessions and one session's result."""
    st.subheader("History")
    store = open_app_store()
    if store is None:
        return
    with store:
        _history(store)


def _history(store: Store) -> None:
    athletes = store.athletes()
    if not athletes:
        st.info(
            "No athletes yet. On the Analyse page, choose **Add an athlete…** under Athlete, then analyse "
            "their clip or photo: each analysis is kept as a session, and their sessions and trend appear here. "
            "`formcheck analyse --athlete NAME` and batch runs add sessions here too."
        )
        return
    names = [a.name for a in athletes]
    chosen = chosen_athlete()
    name = st.selectbox(
        "Athlete",
        names,
        index=names.index(chosen) if chosen in names else 0,
        key=ATHLETE_KEY,
        on_change=_remember_athlete,
    )
    athlete = store.require_athlete(name)
    sessions = store.sessions(athlete.name, with_result=False)
    facts = [f"stature {athlete.stature_cm:g} cm" if athlete.stature_cm else "stature not given"]
    facts.append(f"{len(sessions)} session{'s' if len(sessions) != 1 else ''}")
    if athlete.notes:
        facts.append(md_escape(athlete.notes))
    st.caption(" · ".join(facts))
    if not sessions:
        st.info(f"No sessions of {md_escape(athlete.name)} yet: analyse their clip or photo on the Analyse page.")
        return
    kinds = list(dict.fromkeys(s.kind for s in reversed(sessions)))  # the latest session's first
    kind = kinds[0]
    if len(kinds) > 1:
        kind = st.radio("Analysis", kinds, format_func=kind_label, horizontal=True, key=KIND_KEY)
    trend = store.trend(athlete.name, kind)
    trend_panel(trend)
    sessions_panel(trend)
    _open_session(store, trend)


def trend_panel(trend: Trend) -> None:
    """One chart per numeric headline figure over the sessions, with its reference range shaded."""
    count = len(trend.sessions)
    st.markdown(f"#### {kind_label(trend.kind)}: {count} session{'s' if count != 1 else ''}")
    if count < 2:
        st.info("One session so far: the trend charts start with the second session of this analysis.")
    if trend.compare_by:
        st.caption(
            f"Each session is compared with the earlier ones of the same {' and '.join(trend.compare_by)} "
            f"(one line each)."
        )
    if count >= 2:
        for metric in trend.metrics.values():
            st.altair_chart(trend_chart(metric), width="stretch")


def sessions_panel(trend: Trend) -> None:
    st.markdown("#### Sessions")
    st.dataframe(
        pd.DataFrame(session_rows(trend)),
        hide_index=True,
        width="stretch",
        column_config={"date": st.column_config.Column(pinned=True)},
    )
    st.caption("Each figure: its value (the change since the first session / since the previous one).")


def _open_session(store: Store, trend: Trend) -> None:
    """Pick a session (the latest by default) and show its whole result."""
    listed: list[Session] = list(reversed(trend.sessions))
    ids = [s.id for s in listed]
    labels = {s.id: f"{local_text(s.date)} · {s.source_name}" for s in listed}
    # One picker per athlete and analysis: its choices are theirs (a shared key would keep showing
    # a session of the analysis chosen before).
    chosen = st.selectbox(
        "Open a session", ids, format_func=labels.__getitem__, key=f"{SESSION_KEY}_{trend.athlete.name}_{trend.kind}"
    )
    session = store.session(int(chosen))
    st.caption(f"Recorded {md_escape(date_words(session.date, session.date_source))}.")
    view = session_view(session, cache_root())
    if view.origin == STORED:
        st.caption("Shown from the athletes' store: the figures, findings and notes it keeps with the session.")
    results_panel(view, key="history", athlete=trend.athlete.name)
