"""Cleaning on synthetic sequences with known answers: gates, gaps, outliers, swaps, smoothing."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.clean import (
    CleanConfig,
    clean,
    facing_direction,
    gate_visibility,
    interpolate_gaps,
    near_side,
    quality_report,
    reject_outliers,
    repair_left_right_swaps,
    smooth,
)
from formcheck.landmarks import LEFT_LEG, RIGHT_LEG
from formcheck.landmarks import Landmark as L
from formcheck.sequence import PoseSequence


def walker(
    n: int = 120, fps: float = 30.0, stride_hz: float = 1.4, seed: int = 0, noise_px: float = 0.0
) -> PoseSequence:
    """A side-view stick figure walking in place: legs swing in antiphase (so they cross)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fps
    seq = PoseSequence.empty(n, (640, 480), fps, timestamps_s=t)
    base = {
        L.NOSE: (330, 80),
        L.LEFT_EAR: (315, 85),
        L.RIGHT_EAR: (315, 85),
        L.LEFT_SHOULDER: (320, 130),
        L.RIGHT_SHOULDER: (322, 130),
        L.LEFT_ELBOW: (320, 190),
        L.RIGHT_ELBOW: (322, 190),
        L.LEFT_WRIST: (325, 240),
        L.RIGHT_WRIST: (327, 240),
        L.LEFT_HIP: (320, 250),
        L.RIGHT_HIP: (322, 250),
    }
    for j, (x, y) in base.items():
        seq.xy[:, j] = (x, y)
    phase = 2 * np.pi * stride_hz * t
    for leg, sign in ((LEFT_LEG, 1.0), (RIGHT_LEG, -1.0)):
        swing = sign * 60 * np.sin(phase)
        seq.xy[:, leg[1]] = np.stack([320 + swing * 0.5, np.full(n, 340.0)], axis=1)  # knee
        seq.xy[:, leg[2]] = np.stack([320 + swing, np.full(n, 430.0)], axis=1)  # ankle
        seq.xy[:, leg[3]] = np.stack([310 + swing, np.full(n, 440.0)], axis=1)  # heel
        seq.xy[:, leg[4]] = np.stack([345 + swing, np.full(n, 440.0)], axis=1)  # toe
    present = np.isfinite(seq.xy[:, :, 0])
    seq.xy[~present] = 0.0
    seq.xy += rng.normal(0, noise_px, seq.xy.shape)
    seq.z[:] = 0.0
    seq.z[:, [a for a, _ in _pairs()]] = -10.0  # left side nearer the camera
    seq.visibility[:] = 0.95
    return seq


def _pairs():
    from formcheck.landmarks import LEFT_RIGHT_PAIRS

    return LEFT_RIGHT_PAIRS


def test_visibility_gate_sets_nan() -> None:
    seq = walker(10)
    seq.visibility[3, L.LEFT_ANKLE] = 0.1
    out = gate_visibility(seq, 0.3)
    assert np.isnan(out.xy[3, L.LEFT_ANKLE]).all()
    assert np.isfinite(seq.xy[3, L.LEFT_ANKLE]).all(), "input must not be modified"


@pytest.mark.parametrize("gap_frames, filled", [(2, True), (5, True), (7, False), (30, False)])
def test_only_short_gaps_are_interpolated(gap_frames: int, filled: bool) -> None:
    seq = walker(90)
    truth = seq.xy.copy()
    seq.xy[40 : 40 + gap_frames, L.LEFT_KNEE] = np.nan
    out = interpolate_gaps(seq, max_gap_s=0.2)  # 0.2 s at 30 fps = gaps up to 5 frames (6 intervals)
    gap = out.xy[40 : 40 + gap_frames, L.LEFT_KNEE]
    assert np.isfinite(gap).all() == filled
    if filled:
        assert np.abs(gap - truth[40 : 40 + gap_frames, L.LEFT_KNEE]).max() < 20


def test_gap_rule_uses_timestamps_not_frames() -> None:
    seq = walker(90, fps=120)
    seq.xy[40:60, L.LEFT_KNEE] = np.nan  # 20 frames at 120 fps = 0.17 s
    assert np.isfinite(interpolate_gaps(seq, 0.2).xy[40:60, L.LEFT_KNEE]).all()


def test_outliers_are_rejected() -> None:
    seq = walker(90, noise_px=1.0)
    seq.xy[50, L.LEFT_WRIST] += (150, -90)
    out = reject_outliers(seq)
    assert np.isnan(out.xy[50, L.LEFT_WRIST]).all()
    assert np.isfinite(out.xy[:, L.NOSE]).all(), "clean points stay"


@pytest.mark.parametrize("swap_rows", [[30], [31, 32, 33], list(range(60, 75)), [10, 50, 51, 100]])
def test_left_right_swaps_are_repaired(swap_rows: list[int]) -> None:
    truth = walker(120, noise_px=1.5, seed=1)
    seq = truth.copy()
    rows = np.array(swap_rows)
    legs = list(LEFT_LEG[1:]) + list(RIGHT_LEG[1:])
    swapped = list(RIGHT_LEG[1:]) + list(LEFT_LEG[1:])
    seq.xy[rows[:, None], legs] = truth.xy[rows[:, None], swapped]
    out = repair_left_right_swaps(seq)
    assert np.abs(seq.xy[:, legs] - truth.xy[:, legs]).max() > 40, "the injected swap is visible"
    # Where the legs cross they coincide (to within the noise), so either labelling is right there.
    assert np.abs(out.xy[:, legs] - truth.xy[:, legs]).max() < 8


def test_swap_repair_leaves_a_clean_sequence_alone() -> None:
    truth = walker(150, noise_px=2.0, seed=3)
    out = repair_left_right_swaps(truth)
    assert np.abs(out.xy - truth.xy).max() < 8


def test_smoothing_is_zero_phase_and_reduces_noise() -> None:
    clean_seq = walker(240, fps=60)
    noisy = walker(240, fps=60, noise_px=3.0, seed=2)
    out = smooth(noisy, cutoff_hz=6.0)
    j = L.LEFT_ANKLE
    err_before = np.abs(noisy.xy[20:-20, j, 0] - clean_seq.xy[20:-20, j, 0]).mean()
    err_after = np.abs(out.xy[20:-20, j, 0] - clean_seq.xy[20:-20, j, 0]).mean()
    assert err_after < 0.6 * err_before
    # Zero phase: the smoothed swing peaks at the same time as the true one.
    lag = (
        np.argmax(
            np.correlate(
                out.xy[:, j, 0] - out.xy[:, j, 0].mean(), clean_seq.xy[:, j, 0] - clean_seq.xy[:, j, 0].mean(), "full"
            )
        )
        - 239
    )
    assert lag == 0


def test_clean_chain_keeps_long_gaps_empty_and_photo_untouched() -> None:
    seq = walker(120)
    seq.xy[50:80] = np.nan
    seq.visibility[50:80] = 0.0
    out = clean(seq, CleanConfig())
    assert np.isnan(out.xy[55:75]).all()
    photo = walker(1)
    assert np.allclose(clean(photo).xy, photo.xy)


def test_quality_report_and_sides() -> None:
    seq = walker(60)
    seq.xy[10:20] = np.nan
    seq.visibility[10:20] = 0
    report = quality_report(seq, clean(seq))
    assert report.person_fraction == pytest.approx(50 / 60)
    assert report.longest_gap_s == pytest.approx(11 / 30, abs=1e-6)
    assert report.near_side == "left"
    assert near_side(seq[30:]) == "left"
    assert facing_direction(seq) == "right"
    js = report.to_json()
    assert set(js) >= {"person_fraction", "landmark_valid_fraction", "longest_gap_s", "near_side"}
