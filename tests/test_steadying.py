"""Steadying a shaking camera's landmarks (formcheck.steadying) and what it does to the gait's
figures: a generated run filmed by a camera that bobs at 2.3 Hz (near the step frequency) reads a
larger bounce unless the camera's path, known from the background, is taken out."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from formcheck.gaitsim import GaitSpec, context_for, simulate
from formcheck.kinds.run import spec as running
from formcheck.sequence import PoseSequence
from formcheck.steadying import MIN_SHAKE_PX, intended_path, steadied


def shaken(seq: PoseSequence, amplitude_px: float, drift_px_s: float = 0.0) -> PoseSequence:
    """`seq` as a camera sees it that bobs vertically by `amplitude_px` at 2.3 Hz and 1.9 Hz
    sideways (half as much) while drifting up at `drift_px_s`, with that camera's path recorded
    (as the pose pass records it: frame t's point -> the first frame's picture)."""
    t = seq.timestamps_s - seq.timestamps_s[0]
    dx = 0.5 * amplitude_px * np.sin(2 * np.pi * 1.9 * t)
    dy = amplitude_px * np.sin(2 * np.pi * 2.3 * t + 0.5) - drift_px_s * t
    out = seq.copy()
    out.xy = seq.xy - np.stack([dx, dy], axis=1)[:, None, :]  # the scene moves against the camera
    camera = np.zeros((len(seq), 5))
    camera[:, 2], camera[:, 3], camera[:, 4] = dx - dx[0], dy - dy[0], 1.0
    out.camera = camera
    return out


def figures(seq: PoseSequence) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return dict(running.analyse(context_for(seq)).metrics)


def test_the_intended_path_keeps_a_pan_and_drops_a_shake():
    t = np.arange(0, 8, 1 / 30)
    pan = np.stack([np.zeros_like(t), np.zeros_like(t), 40 * t, -5 * t], axis=1)
    assert intended_path(pan, t) == pytest.approx(pan, abs=1e-6)
    shake = pan.copy()
    shake[:, 3] += 10 * np.sin(2 * np.pi * 2.3 * t)
    left = intended_path(shake, t)[:, 3] - pan[:, 3]
    assert np.sqrt(np.mean(left**2)) < 0.1 * 10 / np.sqrt(2)  # under a tenth of the shake's RMS


def test_steadying_puts_the_landmarks_back_where_a_steady_camera_saw_them():
    seq, _ = simulate(GaitSpec(cadence_spm=170, fps=60, noise_px=1.0, seed=3))
    shook = shaken(seq, amplitude_px=12.0, drift_px_s=6.0)
    fixed, report = steadied(shook)
    assert report.applied and report.rms_px == pytest.approx(12.0 * np.sqrt(1.25 / 2), rel=0.15)
    # The slow drift is the intended path and stays; what is left is the drift alone.
    t = seq.timestamps_s - seq.timestamps_s[0]
    expected = seq.xy.copy()
    expected[:, :, 1] += 6.0 * t[:, None]
    error = np.nanmedian(np.abs(fixed.xy - expected))
    assert error < 0.6 < np.nanmedian(np.abs(shook.xy - expected))


def test_a_steady_camera_is_left_as_it_is():
    seq, _ = simulate(GaitSpec(cadence_spm=170, fps=60, noise_px=1.0, seed=3))
    still = shaken(seq, amplitude_px=0.5 * MIN_SHAKE_PX)
    fixed, report = steadied(still)
    assert fixed is still and not report.applied and "steady" in report.reason
    unmeasured = still.copy()
    unmeasured.camera = None
    assert steadied(unmeasured)[0] is unmeasured


def test_a_mostly_guessed_path_is_not_used():
    seq, _ = simulate(GaitSpec(cadence_spm=170, fps=60, seed=3))
    shook = shaken(seq, amplitude_px=12.0)
    assert shook.camera is not None
    shook.camera[: int(0.6 * len(seq)), 4] = 0.0
    fixed, report = steadied(shook)
    assert fixed is shook and not report.applied and "too little background" in report.reason


@pytest.mark.parametrize(
    "spec,blind_off",
    [
        (GaitSpec(cadence_spm=170, fps=30, noise_px=1.0, seed=5), {"vertical_oscillation_cm": 1.0}),
        (
            GaitSpec(cadence_spm=110, contact_ms=660, speed_m_s=1.3, fps=30, noise_px=1.0, seed=5, duration_s=8),
            {"vertical_oscillation_cm": 1.0},
        ),
    ],
)
def test_a_bobbing_camera_no_longer_adds_to_the_bounce(spec, blind_off):
    """A 4 cm bob at 2.3 Hz (16 px at 4 px/cm; a step is 0.35 s running, 0.55 s walking) adds to the
    vertical oscillation (running 8.4 -> 10.0 cm; walking, where the bob and the pelvis's vault
    beat, 7.6 -> 13.8) unless the camera's path is known; with it, the figures are the steady
    camera's."""
    seq, _ = simulate(spec)
    steady = figures(seq)
    shook = shaken(seq, amplitude_px=16.0)
    unknown = shook.copy()
    unknown.camera = None
    blind, seen = figures(unknown), figures(shook)
    for metric, off in blind_off.items():
        assert abs(blind[metric] - steady[metric]) > off, metric
    assert seen["gait"] == steady["gait"]
    assert seen["vertical_oscillation_cm"] == pytest.approx(steady["vertical_oscillation_cm"], abs=0.3)
    assert seen["contact_ms"] == pytest.approx(steady["contact_ms"], abs=5)
    assert seen["cadence_spm"] == pytest.approx(steady["cadence_spm"], rel=0.003)
