"""The pelvis's vertical oscillation per step (`kinds.run.signals.step_excursion`): one step of the
hip centre's height fitted with a line and the first two harmonics of the step period. The range of
the samples themselves is inflated by landmark noise and by a trend drawn between two noisy end
points; the fit is not, so a re-encode (other noise) moves the figure less."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from formcheck.gaitsim import GaitSpec, context_for, simulate
from formcheck.kinds.run import spec as running
from formcheck.kinds.run.signals import step_excursion
from formcheck.settings import Settings


def _step(fps: float, step_s: float, start_s: float = 0.0) -> np.ndarray:
    """Sample times (s) from the frame at or before the contact to the one at or after the next."""
    first = np.floor(start_s * fps) / fps
    return np.arange(first, start_s + step_s + 1.0 / fps, 1.0 / fps)


@pytest.mark.parametrize("fps,step_s", [(30.0, 0.3), (60.0, 60 / 170), (30.0, 60 / 110)])
def test_a_wave_with_a_drift_gives_its_own_peak_to_peak(fps, step_s):
    """Fundamental of 3 (peak-to-peak 6) plus a second harmonic of 0.8, on a drift of 5 per step,
    the window a fraction of a frame longer than the step at each end."""
    start = 0.37
    t = _step(fps, step_s, start)
    ph = 2 * np.pi * (t - start) / step_s
    wave = 3.0 * np.cos(ph + 0.4) + 0.8 * np.sin(2 * ph)
    grid = 2 * np.pi * np.linspace(0, 1, 2001)
    truth = np.ptp(3.0 * np.cos(grid + 0.4) + 0.8 * np.sin(2 * grid))
    y = 100.0 + wave + 5.0 * (t - start) / step_s
    assert step_excursion(t, y, start, start + step_s) == pytest.approx(truth, rel=0.01)


def test_noise_does_not_inflate_it():
    """Landmark noise of 8% of the peak-to-peak at 11 samples a step (a 170-spm run at 30 fps): the
    mean over many steps stays within 3% of the true 8 (the samples' own range reads about 20% high)."""
    rng = np.random.default_rng(3)
    step_s = 60 / 170
    t = _step(30.0, step_s)
    clean = 4.0 * np.cos(2 * np.pi * t / step_s)
    fitted = [step_excursion(t, clean + rng.normal(0, 0.64, len(t)), 0.0, step_s) for _ in range(400)]
    assert np.mean(fitted) == pytest.approx(8.0, rel=0.03)


def test_few_samples_use_the_fundamental_and_too_few_give_nothing():
    step_s = 0.25  # 240 spm at 30 fps: 8 samples, the fundamental only
    t = _step(30.0, step_s)
    y = 2.5 * np.sin(2 * np.pi * t / step_s + 1.0)
    assert step_excursion(t, y, 0.0, step_s) == pytest.approx(5.0, rel=0.01)
    assert np.isnan(step_excursion(t[:4], y[:4], 0.0, step_s))


def test_a_noisy_generated_run_reads_as_its_noise_free_self():
    """The same generated run (8 cm) without and with 2 px of landmark noise: the headline moves by
    under 0.2 cm, and every step of the noise-free run reads the same (the range of the samples
    after an end-to-end trend moved 0.2-0.4 cm with noise and 0.5 cm from step to step)."""

    def figures(noise_px: float) -> tuple[float, list[float]]:
        spec = GaitSpec(fps=60.0, cadence_spm=170, contact_ms=230, speed_m_s=3.5, noise_px=noise_px, seed=1)
        seq, _ = simulate(spec)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = running.analyse(context_for(seq, Settings.build(kind="run", height_cm=spec.stature_cm)))
        return r.metrics["vertical_oscillation_cm"], [s["vertical_oscillation_cm"] for s in r.steps]

    clean, per_step = figures(0.0)
    noisy, _ = figures(2.0)
    assert abs(noisy - clean) < 0.2
    measured = [v for v in per_step if v is not None]
    assert len(measured) >= 12 and np.ptp(measured) <= 0.2
