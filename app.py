"""formcheck in the browser: `streamlit run app.py`. Thin on purpose: each page is one function in
formcheck.ui (`pages.py`), and each panel of a page one function in its own module."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

import streamlit as st

from formcheck.ui.pages import analyse_page, compare_page, guide_page, history_page, live_page

#: The bundled examples (examples.json and the tracks it lists).
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


def main() -> None:
    st.set_page_config(page_title="formcheck", page_icon=":material/directions_run:", layout="wide")
    logging.basicConfig(level=logging.WARNING, format="formcheck: %(levelname)s: %(name)s: %(message)s")
    pages = [
        st.Page(
            partial(analyse_page, SAMPLES_DIR),
            title="Analyse",
            icon=":material/analytics:",
            url_path="analyse",
            default=True,
        ),
        st.Page(compare_page, title="Compare", icon=":material/compare:", url_path="compare"),
        st.Page(live_page, title="Live", icon=":material/timer:", url_path="live"),
        st.Page(history_page, title="History", icon=":material/timeline:", url_path="history"),
        st.Page(guide_page, title="How to film", icon=":material/videocam:", url_path="guide"),
    ]
    st.navigation(pages, position="top").run()


if __name__ == "__main__":
    main()
