"""A synthetic wall-test photo: a person drawn side-on with their back against a wall, with a known
lumbar gap, rendered by formcheck itself as an image, a person mask and pose landmarks.

The wall test measures the gap on the body's outline in the photo (`kinds/wall/measure.py`), which a
landmark track cannot give, so this example is a whole scene: `WallScene` is a `PoseSource` whose
frame is the drawn photo and whose segmentation is the drawn mask (no pose model runs).

Body coordinates: cm, x forward (toward the face), y up from the floor. The back between the
buttocks contact (y = 88) and the upper-back contact (y = 125) bulges away from the wall by
`gap_cm` at its deepest, so the lumbar gap is exactly `gap_cm`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from ..config import CommonSettings
from ..frames import DecodeReport, Detection, Frame, SegmentedFrame
from ..landmarks import NUM_LANDMARKS
from ..landmarks import Landmark as L
from ..sequence import MediaInfo, PoseSequence
from ..sources import PoseRun, ProgressCallback

Y_BUTTOCKS, Y_UPPER_BACK, X_BACK = 88.0, 125.0, -14.0
HEAD_TOP_CM = 172.0
SUPERSAMPLE = 4
#: Where the landmarks are on the drawn body (cm), as a side view shows them (both sides together).
LANDMARKS_CM = {
    "NOSE": (13, 160),
    "EYE": (9, 162),
    "EAR": (1, 158),
    "SHOULDER": (0, 140),
    "ELBOW": (1, 112),
    "WRIST": (4, 86),
    "HIP": (0, 90),
    "KNEE": (1, 48),
    "ANKLE": (0, 8),
    "HEEL": (-5, 2),
    "FOOT_INDEX": (16, 1),
}
WALL_RGB, FLOOR_RGB, BODY_RGB, SKIN_RGB, FRAME_RGB = (
    (214, 206, 190),
    (150, 120, 90),
    (52, 78, 140),
    (222, 180, 150),
    (90, 80, 70),
)


def back_curve(gap_cm: float, n: int = 400) -> np.ndarray:
    """(n, 2) cm: the back from mid-thigh (y = 70) to the top of the upper back (y = 140)."""
    y = np.linspace(70.0, 140.0, n)
    x = np.full_like(y, X_BACK)
    low, mid, high = y < Y_BUTTOCKS, (y >= Y_BUTTOCKS) & (y <= Y_UPPER_BACK), y > Y_UPPER_BACK
    x[low] += 0.015 * (Y_BUTTOCKS - y[low]) ** 2
    x[mid] += gap_cm * np.sin(np.pi * (y[mid] - Y_BUTTOCKS) / (Y_UPPER_BACK - Y_BUTTOCKS))
    x[high] += 0.02 * (y[high] - Y_UPPER_BACK) ** 2
    return np.stack([x, y], axis=1)


def outline_cm(gap_cm: float) -> np.ndarray:
    """(N, 2) cm: the closed body outline, toe -> heel -> back of the legs -> back -> head -> front."""
    legs_back = np.array([[18, 0], [-6, 0], [-6, 5], [-7, 30], [-5, 48], [-8, 62]], float)
    head_front = np.array(
        [[-6, 146], [-5, 150], [-10, 160], [-6, 169], [0, HEAD_TOP_CM], [8, 169], [11, 163], [13, 159], [10, 154],
         [8, 151], [4, 148], [10, 135], [9, 105], [10, 90], [9, 70], [6, 48], [5, 20], [6, 8], [18, 3]],
        float,
    )  # fmt: skip
    return np.concatenate([legs_back, back_curve(gap_cm), head_front])


@dataclass
class WallScene:
    """The drawn photo as a pose source. gap_cm: the lumbar gap drawn; px_per_cm: the drawing's
    scale; size: (width, height) px, portrait like a phone photo."""

    gap_cm: float = 4.0
    px_per_cm: float = 8.0
    size: tuple[int, int] = (1200, 1600)
    name: str = "synthetic_wall_test.jpg"

    def draw(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(image (H, W, 3) uint8 RGB, mask (H, W) float32 0-1, landmarks (33, 2) px)."""
        w, h = self.size
        s = self.px_per_cm
        floor_y = h - 0.5 * (h - HEAD_TOP_CM * s)
        x_wall = w * 0.42

        def to_px(p_cm: np.ndarray) -> np.ndarray:
            p = np.asarray(p_cm, float)
            return np.stack([x_wall + (p[..., 0] - X_BACK) * s, floor_y - p[..., 1] * s], axis=-1)

        image = np.empty((h, w, 3), np.uint8)
        image[:] = WALL_RGB
        image[int(floor_y) :] = FLOOR_RGB
        image[:, : int(x_wall)] = (170, 164, 150)  # the wall, seen edge-on behind the person
        for x in (0.85 * w, 0.88 * w):  # a door frame in the background: vertical lines to check the level
            cv2.line(image, (int(x), int(0.04 * h)), (int(x), int(floor_y)), FRAME_RGB, max(2, w // 200))
        big = np.zeros((h * SUPERSAMPLE, w * SUPERSAMPLE), np.uint8)
        poly = np.round(to_px(outline_cm(self.gap_cm)) * SUPERSAMPLE * 16).astype(np.int32)
        cv2.fillPoly(big, [poly], 255, lineType=cv2.LINE_8, shift=4)
        mask = cv2.resize(big.astype(np.float32) / 255.0, (w, h), interpolation=cv2.INTER_AREA)
        body = mask >= 0.5
        image[body] = BODY_RGB
        head = body & (np.arange(h)[:, None] < floor_y - 146 * s)
        image[head] = SKIN_RGB
        xy = np.full((NUM_LANDMARKS, 2), np.nan)
        for name, p in LANDMARKS_CM.items():
            ids = [L[name]] if name == "NOSE" else [L[f"LEFT_{name}"], L[f"RIGHT_{name}"]]
            for landmark in ids:
                xy[landmark] = to_px(np.array(p, float))
        for index in range(NUM_LANDMARKS):  # the rest of the face and hands beside their neighbours
            if not np.isfinite(xy[index, 0]):
                other = L(index).name
                near = "EYE" if "EYE" in other or "MOUTH" in other else "WRIST"
                side = "RIGHT" if other.startswith("RIGHT") else "LEFT"
                xy[index] = xy[L[f"{side}_{near}"]]
        return image, mask.astype(np.float32), xy

    def estimate(self, settings: CommonSettings, on_progress: ProgressCallback | None = None) -> PoseRun:
        image, mask, xy = self.draw()
        h, w = mask.shape
        visibility = np.full(NUM_LANDMARKS, 0.99)
        seq = PoseSequence(
            xy=xy[None],
            z=np.zeros((1, NUM_LANDMARKS)),
            visibility=visibility[None],
            timestamps_s=np.zeros(1),
            frame_size=(w, h),
            fps=0.0,
        )
        info = MediaInfo(path=self.name, kind="photo", width=w, height=h, fps=0.0, duration_s=0.0, frames=1, rotation=0, codec="synthetic")  # fmt: skip
        detection = Detection.from_arrays(xy=xy, z=np.zeros(NUM_LANDMARKS), visibility=visibility)
        if on_progress is not None:
            on_progress("pose", 1, 1)

        def frames(max_side: int | None, fast: bool) -> Iterator[Frame]:
            scale = min(1.0, (max_side or max(w, h)) / max(w, h))
            small = (
                image
                if scale == 1.0
                else cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
            )
            yield Frame(0, 0.0, small.copy(), scale)

        def segment(rows: Iterable[int]) -> Iterator[SegmentedFrame | None]:
            for _ in rows:
                yield SegmentedFrame(Frame(0, 0.0, image.copy(), 1.0), detection, mask)

        return PoseRun(info=info, people=(seq,), decode=DecodeReport(frames=1), frames=frames, segment=segment)
