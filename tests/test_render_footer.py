"""The footer of an overlay (the live coach's cue at the bottom of the video) is wrapped to the
frame's width: on a 480-px-wide camera frame the cue used to run off the right edge."""

from __future__ import annotations

import cv2
import numpy as np

from formcheck.kinds.plank.live import fault_cue
from formcheck.overlay import Drawing
from formcheck.render.draw import annotate
from formcheck.render.style import font_scale, wrapped


def _label_width(image: np.ndarray, text: str) -> int:
    scale = font_scale(image)
    (w, h), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, max(1, int(round(scale * 1.6))))
    return int(w + 2 * max(2, h // 4))


def test_a_long_cue_is_wrapped_into_lines_that_fit() -> None:
    image = np.zeros((640, 480, 3), np.uint8)
    cue = fault_cue("pike")  # "hips piked: lower the hips until shoulders, hips and heels line up"
    assert _label_width(image, cue) > 480  # one line would not fit
    lines = wrapped(image, cue, 460)
    assert len(lines) == 2
    assert " ".join(lines) == cue
    assert all(_label_width(image, line) <= 460 for line in lines)


def test_short_text_and_a_single_long_word_stay_whole() -> None:
    image = np.zeros((640, 480, 3), np.uint8)
    assert wrapped(image, "good form", 460) == ["good form"]
    word = "x" * 80
    assert wrapped(image, f"a {word} b", 460) == ["a", word, "b"]


def test_the_footer_is_drawn_inside_the_frame() -> None:
    image = np.zeros((640, 480, 3), np.uint8)
    annotate(image, Drawing(footer=[(fault_cue("pike"), "warning")]), 1.0)
    drawn = np.argwhere(image.max(axis=2) > 0)
    assert drawn.size
    assert drawn[:, 1].max() < 480 - 1  # nothing reaches the right edge: the text box ends inside
    red = (image[:, :, 0] > 150) & (image[:, :, 1] < 120)  # the warning colour's text
    text_rows = np.unique(np.argwhere(red)[:, 0])
    assert np.count_nonzero(np.diff(text_rows) > 3) == 1  # two separate runs of text rows: two lines
