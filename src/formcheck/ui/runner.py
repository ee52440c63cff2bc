"""Run the analysis with a progress bar (or serve it from the cache) and keep recent results."""

from __future__ import annotations

import streamlit as st

from ..settings import Settings
from .cache import Source, analyse_cached, cache_key, cached_result
from .errors import show_error
from .formatting import md_escape
from .progress import ProgressBar
from .view import ResultView

HISTORY_KEY = "formcheck_history"
#: Results kept in the session for the Compare tab.
HISTORY_SIZE = 10


def analysis_panel(source: Source, settings: Settings) -> ResultView | None:
    """The result for (source, settings): from the cache, else analysed with a progress bar.
    Errors are shown (st.error) and give None."""
    hit = cached_result(cache_key(source, settings))
    if hit is not None:
        return hit
    bar = ProgressBar(f"Analysing {md_escape(source.name)}...")
    try:
        return analyse_cached(source, settings, on_progress=bar)
    except Exception as exc:
        show_error(exc, source.name)
        return None
    finally:
        bar.clear()


def history() -> list[ResultView]:
    """The session's recent results, oldest first."""
    return list(st.session_state.get(HISTORY_KEY, []))


def remember(view: ResultView) -> None:
    """Add a result to the session's history (a result already there moves to the end)."""
    kept = [v for v in history() if v.key != view.key]
    st.session_state[HISTORY_KEY] = [*kept, view][-HISTORY_SIZE:]
