"""The closer look for a person too small for the pose model's detector (`formcheck.refind`): the
tiles' geometry, the identity checks of the second look, and the real model finding a small
person that its whole-frame detector misses, through the source and into the result's notes."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from formcheck.frames import Detection, Frame
from formcheck.mediapipe_source import MediaPipeSource
from formcheck.model import load_model
from formcheck.pipeline import analyse
from formcheck.pose import PoseEstimator
from formcheck.refind import (
    MAX_TILE_SEARCHES,
    TILE_SEARCH_EVERY_S,
    CloserLook,
    look_again,
    look_in_tiles,
    tile_boxes,
    tile_interval_s,
)
from formcheck.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def person_at(x0: float, y0: float, width: float, height: float) -> Detection:
    """A person whose landmarks span the box (x0, y0)-(x0 + width, y0 + height), full-resolution px."""
    xy = np.column_stack([np.linspace(x0, x0 + width, 33), np.linspace(y0, y0 + height, 33)])
    return Detection.from_arrays(xy, np.zeros(33), np.ones(33))


class FakeFinder:
    """A landmarker that sees `person` (full-frame px) in any crop that holds their box wholly,
    and records the crops it was given (their width and height in px, as passed)."""

    def __init__(self, person: Detection | None, origin: list[tuple[int, int]]) -> None:
        self.person, self.origin, self.calls = person, origin, 0

    def detect(self, frame: Frame, width: int, height: int) -> tuple[list[Detection], list[np.ndarray]]:
        self.calls += 1
        x0, y0 = self.origin.pop(0) if self.origin else (0, 0)
        if self.person is None:
            return [], []
        local = self.person.values.copy()
        local[:, 0] -= x0
        local[:, 1] -= y0
        inside = (local[:, 0] >= 0).all() and (local[:, 1] >= 0).all()
        inside = inside and (local[:, 0] <= width).all() and (local[:, 1] <= height).all()
        return ([Detection(local)] if inside else []), []


def test_the_tiles_cover_a_landscape_and_a_portrait_frame_overlapping_by_half() -> None:
    for width, height in ((1768, 994), (1080, 1920)):
        boxes = tile_boxes(width, height)
        side = round(2 / 3 * min(width, height))
        assert len(boxes) == 10, (width, height)
        assert {b[2] - b[0] for b in boxes} == {side} and {b[3] - b[1] for b in boxes} == {side}
        covered = np.zeros((height, width), bool)
        for x0, y0, x1, y1 in boxes:
            covered[y0:y1, x0:x1] = True
        assert covered.all()
        for axis in (0, 1):
            starts = sorted({b[axis] for b in boxes})
            assert max(np.diff(starts)) <= side / 2 + 1  # a person up to half a tile lies wholly in one


def test_the_second_look_maps_its_find_back_to_the_frame_and_checks_it_is_the_same_person() -> None:
    image = np.zeros((540, 960, 3), np.uint8)  # the frame decoded at half its 1920 x 1080 resolution
    frame = Frame(5, 0.2, image, scale=0.5)
    lost = person_at(1000, 500, 60, 200)  # full-resolution px; box diagonal 209 px
    moved = person_at(1012, 503, 60, 198)  # one frame later: 12 px on
    # The search square is 2 x 200 px around the box centre (1030, 600): x 830-1230, y 400-800 in
    # full resolution (415-615, 200-400 in the image); the finder reports crop-relative full-res px.
    finder = FakeFinder(moved, [(830, 400)])
    found = look_again(finder, frame, [lost], [], max_people=2)
    assert len(found) == 1
    np.testing.assert_allclose(found[0].xy, moved.xy, atol=1.0)
    # A find twice the size (two people merged into one box) is not the same person.
    double = FakeFinder(person_at(990, 420, 110, 370), [(830, 400)])
    assert look_again(double, frame, [lost], [], max_people=2) == []
    # Someone the whole-frame pass already found near the lost person: not looked for again.
    finder = FakeFinder(moved, [(830, 400)])
    assert look_again(finder, frame, [lost], [moved], max_people=2) == [moved]
    assert finder.calls == 0


def test_the_tiles_are_searched_at_most_every_fifth_of_a_second_while_someone_is_missing() -> None:
    finder = FakeFinder(None, [])
    look = CloserLook(finder, max_people=2)
    image = np.zeros((108, 192, 3), np.uint8)
    for k in range(30):  # one second at 30 fps, nobody anywhere
        assert look.people(Frame(k, k / 30.0, image), []) == []
    tiles = len(tile_boxes(192, 108))
    assert finder.calls == tiles * int(np.ceil(1.0 / TILE_SEARCH_EVERY_S))
    assert look.added == 0
    # A 10-minute clip: at most MAX_TILE_SEARCHES searches, every 4 s.
    assert tile_interval_s(600.0) == pytest.approx(600.0 / MAX_TILE_SEARCHES) == pytest.approx(4.0)
    assert tile_interval_s(6.5) == TILE_SEARCH_EVERY_S


def small_person_frame(samples_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """A 1920 x 1080 frame holding the treadmill runner at 15% (about 190 px of box diagonal) on a
    grey ground, and where his hip centre is (px)."""
    with av.open(str(samples_dir / "running/treadmill_side_phone60fps_mhuang.mp4")) as container:
        for k, frame in enumerate(container.decode(video=0)):
            if k == 30:
                image = frame.to_ndarray(format="rgb24")
                break
    model = load_model(REPO / "models/pose_landmarker_full.task")
    with PoseEstimator(model, video=False, num_poses=1) as estimator:
        (ref,), _ = estimator.detect(Frame(0, 0.0, image), image.shape[1], image.shape[0])
    small = cv2.resize(image, None, fx=0.15, fy=0.15, interpolation=cv2.INTER_AREA)
    canvas = np.full((1080, 1920, 3), 120, np.uint8)
    canvas[600 : 600 + small.shape[0], 1200 : 1200 + small.shape[1]] = small
    hip = (ref.xy[23] + ref.xy[24]) / 2 * 0.15 + [1200, 600]
    return canvas, hip


@pytest.mark.real
def test_the_tiles_find_a_person_the_whole_frame_detector_misses(samples_dir: Path) -> None:
    canvas, hip = small_person_frame(samples_dir)
    model = load_model(REPO / "models/pose_landmarker_full.task")
    with PoseEstimator(model, video=False, num_poses=1) as estimator:
        whole, _ = estimator.detect(Frame(0, 0.0, canvas), 1920, 1080)
        assert whole == []  # 190 px of 1920 is about 22 px at the detector's 224
        (found,) = look_in_tiles(estimator, Frame(0, 0.0, canvas), max_people=2)
    assert np.linalg.norm((found.xy[23] + found.xy[24]) / 2 - hip) < 0.05 * found.size
    assert 150 < found.size < 250


@pytest.mark.real
def test_a_clip_of_a_small_person_is_found_by_the_closer_pass_and_says_so(samples_dir: Path, tmp_path: Path) -> None:
    canvas, hip = small_person_frame(samples_dir)
    path = tmp_path / "far.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(30))
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
        for k in range(15):  # half a second, the runner drifting 2 px a frame
            shifted = np.roll(canvas, 2 * k, axis=1)
            for packet in stream.encode(av.VideoFrame.from_ndarray(shifted, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    settings = Settings.build(kind="pose")
    run = MediaPipeSource(path).estimate(settings.common())
    seq = run.people[0]
    assert seq.present.all()
    assert run.closer_finds == 15  # the ordinary pass found him in none of the frames
    hips = (seq.xy[:, 23] + seq.xy[:, 24]) / 2
    slope, _ = np.polyfit(np.arange(15), hips[:, 0], 1)
    assert 1.5 < slope < 2.5  # px a frame: the same runner followed, not a find elsewhere
    assert abs(hips[0, 1] - hip[1]) < 10
    result = analyse(path, settings)
    assert any("small in the picture" in w for w in result.warnings)


def test_of_two_people_found_small_the_one_walking_across_the_picture_is_analysed() -> None:
    """The 2-people walking sample from further away (the real model's track, with the closer look):
    the ordinary pass found someone in 2% of the frames; the closer look finds the woman walking
    across the lawn (65% of the frames) and the man on the roofed box behind her, whose track also
    takes in a box read across both of them. Both are recognised as gaits at 1; of the two, her legs
    repeat every step (periodicity 0.88 against 0.62, over as much of the clip): she is analysed, with
    the original's figures (cadence within 1%); the man would read as a front view at 102 steps/min."""
    from formcheck.sources import TrackSource

    variant = REPO / "tests" / "data" / "variant_tracks" / "walking_side_2people_sports2d_demo.farther.npz"
    tracks = REPO / "tests" / "data" / "tracks"
    far = analyse(TrackSource(variant), Settings.build(kind="run"))
    original = analyse(
        TrackSource(tracks / "running__walking_side_2people_sports2d_demo.npz"), Settings.build(kind="run")
    )
    assert far.result.metrics["view"] == original.result.metrics["view"] == "side"
    assert far.result.metrics["gait"] == "walking"
    assert far.result.metrics["cadence_spm"] == pytest.approx(original.result.metrics["cadence_spm"], rel=0.01)
    assert far.result.metrics["overstride_cm"] == pytest.approx(original.result.metrics["overstride_cm"], abs=4.0)
    assert any("small in the picture" in w for w in far.warnings)
    assert any("the person doing the activity" in w for w in far.warnings)
