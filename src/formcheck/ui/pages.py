"""The app's pages, each one function that lays out its panels (app.py lists them in st.navigation)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from .. import __version__
from .athletes import athlete_picker, chosen_athlete, record_for_athlete
from .compare import compare_panel
from .examples import list_examples
from .guide import guide_panel
from .history import history_panel
from .inputs import settings_panel, source_panel
from .live import live_panel
from .results import results_panel
from .runner import analysis_panel, history, remember


def _title() -> None:
    st.title("formcheck")
    st.caption(
        f"Form feedback from a phone photo or video: the wall test, plank holds and running gait "
        f"(version {__version__})."
    )


def analyse_page(samples_dir: Path) -> None:
    """Settings and what to analyse at the top (in view on a phone), then the result. samples_dir:
    the folder of the bundled examples."""
    _title()
    settings = settings_panel(lead=athlete_picker)
    athlete = chosen_athlete()
    source = source_panel(list_examples(samples_dir))
    if source is not None and settings is not None:
        view = analysis_panel(source, settings)
        if view is not None:
            remember(view)
            recorded = record_for_athlete(view, athlete, settings.height_cm) if athlete else None
            results_panel(view, athlete=recorded.athlete.name if recorded else None)
    elif source is not None:
        st.info("Fix the settings above to analyse this file.")


def compare_page() -> None:
    _title()
    compare_panel(history())


def guide_page() -> None:
    _title()
    guide_panel()


def live_page() -> None:
    """A plank coached from the camera (formcheck.ui.live)."""
    _title()
    live_panel()


def history_page() -> None:
    """An athlete's sessions: trend charts, the session list and any session's whole result."""
    _title()
    history_panel()
