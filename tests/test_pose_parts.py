"""The pose pass in two parts side by side, with the real model on real footage: exactly the landmarks
of one stream, for one person and for two people tracked across the seam, and the fallback to one
stream."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

import formcheck.decoder_process as decoder_process
from formcheck.clip_parts import PartMismatch
from formcheck.media import iter_frames, probe
from formcheck.mediapipe_source import MediaPipeSource
from formcheck.model import load_model
from formcheck.pose import PoseEstimator, TrackLinker
from formcheck.settings import Settings

pytestmark = pytest.mark.real

TREADMILL = "running/treadmill_side_phone60fps_mhuang.mp4"
TWO_PEOPLE = "running/walking_side_2people_sports2d_demo.mp4"


@functools.cache
def one_stream(clip: Path, end_s: float | None = None) -> tuple[np.ndarray, int]:
    """The reference: one landmarker over the whole span (two people, VIDEO mode, full resolution);
    the main track's xy (T, 33, 2) and the most people in a frame. Made once per (clip, span) and
    read-only: two tests compare against the same treadmill span."""
    info = probe(clip)
    linker, rows = TrackLinker(), 0
    with PoseEstimator(load_model(), video=True) as estimator:
        for frame in iter_frames(info, None, end_s):
            people, _ = estimator.detect(frame, info.width, info.height)
            linker.add(people)
            rows += 1
    main = linker.tracks()[0]
    xy = np.full((rows, 33, 2), np.nan)
    xy[np.asarray(main.rows)] = main.values()[:, :, :2]
    xy.flags.writeable = False
    return xy, max(linker.counts)


def test_two_parts_give_exactly_the_landmarks_of_one_stream(samples_dir: Path) -> None:
    clip = samples_dir / TREADMILL
    run = MediaPipeSource(clip).estimate(Settings.build(end_s=2.5).common())
    reference, _ = one_stream(clip, 2.5)
    assert len(run.people[0]) == len(reference) == 151
    assert run.decode.frames == 151 and not run.decode.truncated
    assert np.array_equal(run.people[0].xy, reference.astype(np.float32).astype(np.float64), equal_nan=True)
    assert np.array_equal(run.people[0].frame_index, np.arange(151))


def test_two_people_across_the_seam_give_the_landmarks_of_one_stream(samples_dir: Path, tmp_path: Path) -> None:
    """Tracked people make a landmarker's output depend on earlier frames: the second part found other
    people at the seam, so the first part's landmarker went on through the clip (exactly one stream)."""
    from formcheck.pose import estimate_poses

    clip = samples_dir / TWO_PEOPLE
    run = MediaPipeSource(clip, live_video=tmp_path / "live.mp4").estimate(Settings().common())
    reference, most = one_stream(clip)
    assert run.max_people == most == 2 and len(run.people) >= 2
    assert 0.3 < run.multi_person_fraction < 0.9
    assert np.array_equal(run.people[0].xy, reference.astype(np.float32).astype(np.float64), equal_nan=True)
    assert run.live_video is None  # the live video's second part showed the dropped part's people
    info = probe(clip)
    found = estimate_poses(iter_frames(info), info, load_model())
    assert [int(p.present.sum()) for p in run.people] == [int(p.present.sum()) for p in found.candidates]
    assert run.multi_person_fraction == found.multi_person_fraction


def test_a_part_that_does_not_decode_as_planned_falls_back_to_one_stream(
    samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no processes here")

    def mismatched(*args: object, **kwargs: object):
        raise PartMismatch("the packets list a frame the decoder never gives")
        yield  # pragma: no cover

    monkeypatch.setattr(decoder_process.subprocess, "Popen", refuse)  # decoded in this process
    monkeypatch.setattr(decoder_process, "iter_part_frames", mismatched)
    clip = samples_dir / TREADMILL
    run = MediaPipeSource(clip).estimate(Settings.build(end_s=2.5).common())
    reference, _ = one_stream(clip, 2.5)
    assert np.array_equal(run.people[0].xy, reference.astype(np.float32).astype(np.float64), equal_nan=True)


def test_a_landmarker_made_before_the_frames_gives_the_same_landmarks_and_is_closed(samples_dir: Path) -> None:
    """MediaPipeSource makes the first part's landmarker while the decoder process starts: the same
    options as one made in the pose pass, so the same landmarks, and the pass closes it."""
    from formcheck.pose import estimate_poses

    clip = samples_dir / TREADMILL
    info, model = probe(clip), load_model()
    first = PoseEstimator(model, video=True)
    early = estimate_poses(iter_frames(info, None, 1.0), info, model, first=first)
    assert first._landmarker is None
    late = estimate_poses(iter_frames(info, None, 1.0), info, model)
    assert len(early.sequence) == len(late.sequence) == 61
    assert early.sequence.present.all()
    assert np.array_equal(early.sequence.xy, late.sequence.xy, equal_nan=True)
