"""Plank analysis on the landmark tracks recorded from the real samples (fast regression tests).

Frame figures come from labeled/plank_clip_phase_annotations.csv (+-6 frames) and from looking at the
clips (see bench/RESULTS_plank.md for the full comparison)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from conftest import TRACKS, plank_result

from formcheck.errors import ActivityNotFound
from formcheck.kinds.plank import recognise as kp_recognise
from formcheck.sequence import PoseSequence
from formcheck.settings import Settings

SETTINGS = Settings.build(kind="plank")
PLANK_TRACKS = sorted(p.stem for p in TRACKS.glob("plank__*.npz"))
OTHER_TRACKS = sorted(p.stem for p in TRACKS.glob("*.npz") if not p.stem.startswith("plank__"))


def load_track(name: str) -> tuple[PoseSequence, None]:
    return PoseSequence.load_npz(TRACKS / f"{name}.npz"), None


def _analyse(name: str):
    raw, _ = load_track(name)
    return raw, plank_result(raw, SETTINGS)


def _frames(result, key: str, fps: float) -> int:
    return int(round(result.metrics[key] * fps))


def test_front_plank_good_form_hold() -> None:
    raw, r = _analyse("plank__front_plank_side_studio_wahoo")
    m = r.metrics
    assert m["variant"] == "forearm"
    assert abs(_frames(r, "hold_start_s", raw.fps) - 102) <= 6
    assert abs(_frames(r, "hold_end_s", raw.fps) - 334) <= 6
    assert m["good_form_pct"] >= 90 and abs(m["mean_body_line_deg"]) < 5
    assert m["camera_cuts"] == 2 and m["form_breaks"] == 0  # the cuts at 182 and 292 are not form breaks
    assert m["score"] >= 80


def test_elbow_plank_pikes_found_at_the_labelled_times() -> None:
    raw, r = _analyse("plank__elbow_plank_pike_alternating_wahoo")
    assert r.metrics["variant"] == "forearm"
    assert abs(_frames(r, "hold_start_s", raw.fps) - 78) <= 6
    assert abs(_frames(r, "hold_end_s", raw.fps) - 291) <= 6
    pikes = [e for e in r.events if e.get("label") == "pike"]
    assert len(pikes) == 2 and all(p["severity"] == "warning" for p in pikes)
    for p, (a, b) in zip(pikes, [(126, 162), (216, 252)], strict=False):
        assert abs(p["peak_phase_start_s"] * raw.fps - a) <= 6
        assert abs(p["peak_phase_end_s"] * raw.fps - b) <= 6
        assert p["peak_value"] > 45
    assert any("knees" in note for note in r.reliability)  # feet out of frame
    assert r.metrics["good_form_pct"] < 50


def test_side_plank_studio() -> None:
    raw, r = _analyse("plank__side_plank_studio_wahoo")
    m = r.metrics
    assert m["variant"] == "side_left"
    # Labelled 124-318; the hips reach the line at about frame 130-135 (checked on the video).
    assert 118 <= _frames(r, "hold_start_s", raw.fps) <= 140
    assert abs(_frames(r, "hold_end_s", raw.fps) - 318) <= 6
    assert m["good_form_pct"] >= 90
    assert m["camera_cuts"] >= 1  # the close-up at frame 228


def test_side_plank_dedham_full_side_plank() -> None:
    raw, r = _analyse("plank__side_plank_knee_and_full_dedham")
    m = r.metrics
    assert m["variant"] == "side_right"
    start = _frames(r, "hold_start_s", raw.fps)
    assert 590 <= start <= 636  # labelled about 630; the hips are up by frame 610 on the video
    assert _frames(r, "hold_end_s", raw.fps) >= 720
    assert m["hold_s"] >= 3.0


def test_photos() -> None:
    _, correct = _analyse("plank__photo_plank_correct_usama")
    _, pike = _analyse("plank__photo_plank_pike_bad_usama")
    assert correct.metrics["variant"] == pike.metrics["variant"] == "forearm"
    assert abs(correct.metrics["body_line_deg"]) <= 10
    assert pike.metrics["body_line_deg"] > 20 and pike.metrics["hip_offset_cm"] > 0
    assert correct.metrics["hold_s"] is None and correct.metrics["score"] > pike.metrics["score"]


@pytest.mark.parametrize("name", PLANK_TRACKS)
def test_recognised_as_plank(name: str) -> None:
    raw, _ = load_track(name)
    assert kp_recognise.recognise(SimpleNamespace(raw=raw)) >= 0.7


@pytest.mark.parametrize("name", OTHER_TRACKS)
def test_running_and_standing_are_not_planks(name: str) -> None:
    raw, _ = load_track(name)
    assert kp_recognise.recognition_score(raw) < 0.1
    with pytest.raises(ActivityNotFound, match="no plank found"):
        plank_result(raw, SETTINGS)


def test_series_aligned_and_conventions_stated() -> None:
    raw, r = _analyse("plank__front_plank_side_studio_wahoo")
    for name, values in r.series.items():
        assert values.shape == (len(raw),), name
    assert "pike" in r.details["series_conventions"]["body_line_deg"]
    for key in (
        "variant",
        "hold_s",
        "good_form_s",
        "good_form_pct",
        "longest_good_streak_s",
        "mean_body_line_deg",
        "max_sag_cm",
        "max_pike_cm",
        "hip_sway_cm",
        "score",
    ):
        assert key in r.metrics
    assert np.isfinite(r.metrics["hip_sway_cm"])
