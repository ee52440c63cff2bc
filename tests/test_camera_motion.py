"""The camera's motion from the background (formcheck.camera_motion): known motions of a textured
picture with a person moving otherwise in front of it; the path chained from the motions."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from formcheck.camera_motion import STILL, CameraTracker, camera_path
from formcheck.frames import Detection, Frame

W, H = 720, 1280  # a portrait phone frame (px)


def background(seed: int = 0) -> np.ndarray:
    """A textured scene larger than the frame (grey noise blurred into blobs and corners), RGB."""
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 255, (H + 200, W + 200), dtype=np.uint8)
    grey = cv2.GaussianBlur(noise, (0, 0), 3)
    grey = cv2.normalize(grey, None, 0, 255, cv2.NORM_MINMAX)
    return np.repeat(grey[:, :, None], 3, axis=2)


def similarity(log_scale: float, angle: float, shift: tuple[float, float]) -> np.ndarray:
    """The 2x3 matrix of (log scale, rotation, shift) about the frame's centre, as CameraTracker states it."""
    s = math.exp(log_scale)
    rot = s * np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    c = np.array([W / 2, H / 2])
    return np.hstack([rot, (c + np.asarray(shift) - rot @ c)[:, None]])


def frame_of(scene: np.ndarray, index: int, motion: np.ndarray, person_at: tuple[int, int]) -> tuple[Frame, Detection]:
    """The scene seen through `motion` (2x3, scene px of the frame's window -> frame px), with a
    textured 'person' (300 x 700 px, its own texture) pasted at `person_at`, and that person's
    landmarks (a box of points over it)."""
    window = scene[100 : 100 + H, 100 : 100 + W]
    image = cv2.warpAffine(window, motion, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    x, y = person_at
    image[y : y + 700, x : x + 300] = background(seed=9)[:700, :300]
    pts = np.stack(np.meshgrid(np.linspace(x, x + 300, 6), np.linspace(y, y + 700, 6)), -1).reshape(-1, 2)[:33]
    det = Detection.from_arrays(pts, np.zeros(33), np.ones(33))
    return Frame(index, index / 30.0, np.ascontiguousarray(image)), det


@pytest.mark.parametrize(
    "log_scale,angle,shift", [(0.0, 0.0, (4.0, -6.0)), (0.01, 0.004, (-2.5, 3.0)), (-0.006, -0.003, (0.0, 9.0))]
)
def test_the_backgrounds_motion_is_measured_not_the_persons(log_scale, angle, shift):
    scene = background()
    tracker = CameraTracker()
    first, person = frame_of(scene, 0, similarity(0, 0, (0, 0)), (200, 300))
    assert np.array_equal(tracker.step(first, [person]), STILL)
    # The person moves 40 px right and 15 px down while the camera makes the known motion.
    second, person2 = frame_of(scene, 1, similarity(log_scale, angle, shift), (240, 315))
    measured = tracker.step(second, [person2])
    assert measured[0] == pytest.approx(log_scale, abs=1e-3)
    assert measured[1] == pytest.approx(angle, abs=1e-3)
    assert measured[2:] == pytest.approx(shift, abs=0.35)


def test_a_plain_wall_gives_an_unknown_motion_not_a_still_one():
    plain = np.full((H, W, 3), 128, np.uint8)
    tracker = CameraTracker()
    tracker.step(Frame(0, 0.0, plain), [])
    assert np.isnan(tracker.step(Frame(1, 1 / 30, plain.copy()), [])).all()


def test_the_path_chains_the_motions_back_to_the_first_frame():
    """A camera panning so that the scene moves 2 px right and 1 px up per frame: frame t's point
    was 2t px further left and t px lower in the first frame; an unknown motion in between is the
    mean of its neighbours, and is flagged."""
    steps = np.tile([0.0, 0.0, 2.0, -1.0], (6, 1))
    steps[3] = np.nan
    path = camera_path(steps)
    assert path[:, 2] == pytest.approx([0, -2, -4, -6, -8, -10])
    assert path[:, 3] == pytest.approx([0, 1, 2, 3, 4, 5])
    assert path[:, 4].tolist() == [1, 1, 1, 0, 1, 1]


def test_the_path_composes_rotation_and_scale_as_the_matrices_do():
    """Two motions with rotation and zoom: the path maps a point of the last frame to where the
    matrices' product says it was in the first."""
    a = np.array([0.02, 0.01, 5.0, -3.0])
    b = np.array([-0.01, -0.03, -2.0, 4.0])
    path = camera_path(np.stack([STILL, a, b]))

    def matrix(m: np.ndarray) -> np.ndarray:
        s = math.exp(m[0])
        return np.array(
            [[s * math.cos(m[1]), -s * math.sin(m[1]), m[2]], [s * math.sin(m[1]), s * math.cos(m[1]), m[3]], [0, 0, 1]]
        )

    p_last = np.array([120.0, -340.0, 1.0])  # centred px
    expected = np.linalg.inv(matrix(b) @ matrix(a)) @ p_last
    got = matrix(path[2, :4]) @ p_last
    assert got[:2] == pytest.approx(expected[:2], abs=1e-9)
