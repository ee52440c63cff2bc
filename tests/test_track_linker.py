"""Linking the people of each frame into tracks (`pose.TrackLinker`): one person found twice in a
frame stays one track; two people stay two."""

from __future__ import annotations

import numpy as np

from formcheck.frames import Detection
from formcheck.pose import TrackLinker


def person_at(cx: float, cy: float, height: float) -> Detection:
    """A person whose 33 landmarks span a box `height` px tall and a third as wide, centred on (cx, cy)."""
    xy = np.column_stack(
        [np.linspace(cx - height / 6, cx + height / 6, 33), np.linspace(cy - height / 2, cy + height / 2, 33)]
    )
    return Detection.from_arrays(xy, np.zeros(33), np.ones(33))


def test_a_person_found_twice_in_a_frame_stays_one_track() -> None:
    """A small runner (a 120-px box) the model returns twice on a few frames, the second pose a
    smaller box 13 px off (as on the lab treadmill filmed from further away): before, the second
    started a track beside the first and the runner's later frames went to one or the other."""
    linker = TrackLinker()
    for k in range(60):
        people = [person_at(240 + (k % 3), 190, 113)]
        if k in (20, 21, 40):
            people.append(person_at(244, 178, 88))  # the duplicate
        linker.add(people)
    tracks = linker.tracks()
    assert len(tracks) == 1
    assert list(tracks[0].rows) == list(range(60))
    assert max(linker.counts) == 1


def test_two_people_side_by_side_stay_two_tracks() -> None:
    linker = TrackLinker()
    for k in range(30):
        linker.add([person_at(300 + 3 * k, 400, 200), person_at(300 + 3 * k + 80, 400, 190)])  # 80 px apart: 0.38 size
    tracks = linker.tracks()
    assert [len(t.rows) for t in tracks] == [30, 30]
    assert max(linker.counts) == 2
    assert abs(tracks[0].centre[0] - tracks[1].centre[0]) > 70


def test_the_small_lab_runner_is_one_track_and_analysed() -> None:
    """The lab's slow-motion treadmill clip from further away (the real model's track, this linker):
    his 945 frames are one track (they were shared out 512 / 433 between two, and the clip was
    refused as too short for two strides in a row); his cadence at the file's rate is the
    original's within 1%."""
    from pathlib import Path

    import pytest

    from formcheck.pipeline import analyse
    from formcheck.sequence import PoseSequence
    from formcheck.settings import Settings
    from formcheck.sources import TrackSource

    data = Path(__file__).resolve().parent / "data"
    far_path = data / "variant_tracks" / "treadmill_side_lab_slowmo_mhuang.farther.npz"
    assert PoseSequence.load_npz(far_path).present.sum() == 945
    far = analyse(TrackSource(far_path), Settings.build(kind="run")).result
    original = analyse(
        TrackSource(data / "tracks" / "running__treadmill_side_lab_slowmo_mhuang.npz"), Settings.build(kind="run")
    ).result
    assert far.metrics["gait"] == original.metrics["gait"] == "running"
    assert far.metrics["cadence_at_file_rate_spm"] == pytest.approx(
        original.metrics["cadence_at_file_rate_spm"], rel=0.01
    )
