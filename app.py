"""formcheck in the browser: `streamlit run app.py`. Thin on purpose: the panels live in formcheck.ui."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from formcheck import __version__
from formcheck.ui.compare import compare_panel
from formcheck.ui.examples import list_examples
from formcheck.ui.guide import guide_panel
from formcheck.ui.inputs import settings_panel, source_panel
from formcheck.ui.results import results_panel
from formcheck.ui.runner import analysis_panel, history, remember

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


def main() -> None:
    st.set_page_config(page_title="formcheck", page_icon=":material/directions_run:", layout="wide")
    logging.basicConfig(level=logging.WARNING, format="formcheck: %(levelname)s: %(name)s: %(message)s")
    st.title("formcheck")
    st.caption(
        f"Form feedback from a phone photo or video: the wall test, plank holds and running gait "
        f"(version {__version__})."
    )
    settings = settings_panel()
    analyse_tab, compare_tab, guide_tab = st.tabs(["Analyse", "Compare", "How to film"])
    with analyse_tab:
        source = source_panel(list_examples(SAMPLES_DIR))
        if source is not None and settings is not None:
            view = analysis_panel(source, settings)
            if view is not None:
                remember(view)
                results_panel(view)
        elif source is not None:
            st.info("Fix the settings in the sidebar to analyse this file.")
    with compare_tab:
        compare_panel(history())
    with guide_tab:
        guide_panel()


if __name__ == "__main__":
    main()
