"""A SIGTERM whose KeyboardInterrupt was swallowed (it landed in a C callback) still stops the annotated
video at its next frame (interrupts.stop_if_interrupted in the render loop), not at the end of the clip."""

from __future__ import annotations

from pathlib import Path

import pytest

from formcheck import interrupts
from formcheck.pipeline import analyse
from formcheck.render.annotated import render_video
from formcheck.settings import Settings
from formcheck.sources import TrackSource

TRACK = Path(__file__).parent / "data" / "tracks" / "running__treadmill_side_phone60fps_mhuang.npz"


def test_rendering_stops_at_the_frame_after_a_remembered_sigterm(tmp_path):
    result = analyse(TrackSource(TRACK), Settings.build(kind="run"))
    drawn: list[int] = []

    def on_frame(n: int) -> None:
        drawn.append(n)
        if n == 5:
            interrupts._requested.set()  # what the SIGTERM handler sets before its KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            render_video(result, tmp_path / "out.mp4", on_frame=on_frame)
    finally:
        interrupts._requested.clear()
    assert drawn == [1, 2, 3, 4, 5] and len(result.seq) > 100
