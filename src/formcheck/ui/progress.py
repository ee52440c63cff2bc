"""A progress bar for `on_progress(stage, done, total)`: frames done and the time left."""

from __future__ import annotations

import time

import streamlit as st

from .formatting import progress_text


class ProgressBar:
    """Shows the pipeline's progress in an st.progress bar, at most every `interval_s` seconds.

    Call it as the pipeline's `on_progress(stage, done, total)`; the rate (and so the time left)
    is measured per stage, from the first report of that stage.
    """

    def __init__(self, text: str = "Starting the analysis...", interval_s: float = 0.2) -> None:
        self._bar = st.progress(0.0, text=text)
        self._interval_s = interval_s
        self._stage = ""
        self._stage_start = 0.0
        self._shown_at = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage != self._stage:
            self._stage, self._stage_start = stage, now
        finished = total > 0 and done >= total
        if now - self._shown_at < self._interval_s and not finished:
            return
        self._shown_at = now
        fraction, text = progress_text(stage, done, total, now - self._stage_start)
        self._bar.progress(fraction, text=text)

    def clear(self) -> None:
        self._bar.empty()
