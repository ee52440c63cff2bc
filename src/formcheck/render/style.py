"""Shared drawing helpers: colours (RGB), sizes relative to the image, text with a dark backing."""

from __future__ import annotations

import cv2
import numpy as np

GREEN = (46, 204, 113)
AMBER = (243, 156, 18)
RED = (231, 76, 60)
WHITE = (255, 255, 255)
BLUE = (52, 152, 219)
GREY = (160, 160, 160)


def line_width(image: np.ndarray, fraction: float = 0.004) -> int:
    """A line thickness proportional to the image height, at least 1 px."""
    return max(1, int(round(image.shape[0] * fraction)))


#: Text on a landscape frame is sized from its width times this, so that it stays legible when the
#: frame is shown at a phone's width (a 1280x720 frame at 358 px: text about 9 px high on screen).
LANDSCAPE_TEXT_FACTOR = 1.25


def text_basis_px(image: np.ndarray) -> float:
    """The length text sizes are fractions of: the image height, or for a landscape frame its width x
    LANDSCAPE_TEXT_FACTOR (a frame shown at a phone's width is scaled by its width, not its height)."""
    height, width = image.shape[:2]
    return float(max(height, LANDSCAPE_TEXT_FACTOR * width))


def font_scale(image: np.ndarray, fraction: float = 0.0009) -> float:
    """An OpenCV font scale giving text about 2% of `text_basis_px` (3% of a portrait frame's height)."""
    return max(0.35, text_basis_px(image) * fraction)


def text_box_height(image: np.ndarray, scale: float | None = None) -> int:
    """Height (px) of one line of `put_label` text at this font scale, with its backing box."""
    scale = font_scale(image) if scale is None else scale
    thickness = max(1, int(round(scale * 1.6)))
    (_, h), base = cv2.getTextSize("Hg", cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    return h + base + 2 * max(2, h // 4)


def visibility_colour(visibility: float) -> tuple[int, int, int]:
    """Red (0) through amber (0.5) to green (1), RGB."""
    v = float(np.clip(visibility, 0.0, 1.0))
    if v < 0.5:
        a, b, w = RED, AMBER, v / 0.5
    else:
        a, b, w = AMBER, GREEN, (v - 0.5) / 0.5
    return tuple(int(round(a[i] * (1 - w) + b[i] * w)) for i in range(3))  # type: ignore[return-value]


def put_label(
    image: np.ndarray,
    text: str,
    origin: tuple[int, int],
    colour: tuple[int, int, int] = WHITE,
    scale: float | None = None,
) -> tuple[int, int]:
    """Draw text with a dark box behind it at `origin` (top-left); returns the box's (width, height)."""
    scale = font_scale(image) if scale is None else scale
    thickness = max(1, int(round(scale * 1.6)))
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    x, y = int(origin[0]), int(origin[1])
    pad = max(2, h // 4)
    overlay = image[max(0, y) : y + h + base + 2 * pad, max(0, x) : x + w + 2 * pad]
    if overlay.size:
        overlay[:] = (overlay * 0.35).astype(np.uint8)
    cv2.putText(image, text, (x + pad, y + h + pad), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA)
    return w + 2 * pad, h + base + 2 * pad


def wrapped(image: np.ndarray, text: str, max_width_px: int, scale: float | None = None) -> list[str]:
    """`text` split at spaces into lines whose labels (`put_label`, box padding included) are at most
    `max_width_px` wide on `image`; a single word wider than that keeps a line of its own."""
    scale = font_scale(image) if scale is None else scale
    thickness = max(1, int(round(scale * 1.6)))

    def width(line: str) -> int:
        (w, h), _ = cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
        return int(w + 2 * max(2, h // 4))

    lines: list[str] = []
    for word in text.split():
        if lines and width(f"{lines[-1]} {word}") <= max_width_px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def put_lines(image: np.ndarray, lines: list[tuple[str, tuple[int, int, int]]], origin: tuple[int, int]) -> None:
    """Several labels stacked downwards from `origin`."""
    x, y = origin
    for text, colour in lines:
        _, h = put_label(image, text, (x, y), colour)
        y += h + 2


def put_clock(image: np.ndarray, time_s: float) -> None:
    """The 'formcheck m:ss.s' label in the bottom-left corner of a video frame."""
    minutes, seconds = divmod(time_s, 60.0)
    put_label(image, f"formcheck  {int(minutes)}:{seconds:04.1f}", (4, image.shape[0] - 4 - text_box_height(image)))


#: RGB of each colour role an overlay may use (formcheck.overlay.Role).
ROLE_COLOURS: dict[str, tuple[int, int, int]] = {
    "text": WHITE,
    "muted": GREY,
    "good": GREEN,
    "attention": AMBER,
    "warning": RED,
    "left": (60, 140, 255),
    "right": (255, 120, 40),
    "outline": (0, 220, 255),
    "line": AMBER,
    "measure": RED,
    "plumb": BLUE,
    "head": (255, 235, 59),
    "wall": (200, 80, 255),
    "note": (255, 200, 0),
}
