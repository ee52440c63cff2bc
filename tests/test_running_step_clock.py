"""The step clock (issue 11): numbering step instants when one is spurious, the rear view's step
period when the feet's height difference takes the stride (or half a step) for the step, and the
local trend line its signals are detrended with."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from formcheck.gaitsim import GaitSpec, simulate
from formcheck.kinds.run.cadence import cadence_by_pass, gait_passes
from formcheck.kinds.run.periodicity import Periodicity, step_periodicity
from formcheck.kinds.run.rear import detect_frontal, frontal_periodicity, local_line
from formcheck.kinds.run.signals import leg_signals
from formcheck.kinds.run.view import leg_length_px


def steady_instants(step_s: float, n: int, jitter_s: float = 0.004, seed: int = 0) -> np.ndarray:
    """(n,) instants of a steady gait, one per step, with a little timing jitter (s)."""
    rng = np.random.default_rng(seed)
    return 1.0 + step_s * np.arange(n) + rng.normal(0.0, jitter_s, n)


@pytest.mark.parametrize("after,late", [(0.55, 0.1), (0.58, 0.11)])
def test_a_spurious_instant_does_not_shift_the_later_steps(after, late):
    """A spurious instant just past half a step after a true one (a doubled contact, a wobble in the
    pelvis's height), the next true instant a tenth of a step late (the indoor walker's contacts
    9.343, 9.652, 9.934 s at 0.53 s a step): the spurious one shares the step's number and is
    dropped, and the pass keeps every true instant and its step time. Rounded from the instant
    before it, each of the two intervals counted a step, every later instant was a step ahead and
    the line lost them (the walker's second pass ended 1.2 s early)."""
    step_s = 0.5
    t = steady_instants(step_s, 9)
    t[6] += late * step_s
    with_spurious = np.sort(np.append(t, t[5] + after * step_s))
    passes = gait_passes(with_spurious.tolist(), step_s)
    assert len(passes) == 1
    p = passes[0]
    assert (p.instants, p.dropped) == (9, 1)
    assert (p.start_s, p.end_s) == (pytest.approx(t[0]), pytest.approx(t[-1]))
    assert p.step_s == pytest.approx(step_s, rel=0.01)


def test_a_spurious_last_instant_leaves_the_cadence_to_the_clocks():
    """A rear view's pelvis lows with a spurious last minimum (the runner leaving the picture) and
    the pelvis highs, 210 steps/min: both clocks agree and give it within 0.5%. With the spurious
    instant counted as a step the lows read ~230 and, two clocks disagreeing, no cadence came out."""
    step_s = 60.0 / 210.0
    lows = steady_instants(step_s, 4, jitter_s=0.001, seed=1)
    lows = np.append(lows, lows[-1] + 0.58 * step_s)
    highs = steady_instants(step_s, 4, jitter_s=0.001, seed=2) - 0.5 * step_s
    est = cadence_by_pass({"pelvis_lows": lows.tolist(), "pelvis_highs": highs.tolist()}, "pelvis_lows", step_s)
    assert est.cadence_spm == pytest.approx(210.0, rel=0.005)
    assert est.passes[0]["clocks_used"] == ["pelvis_lows", "pelvis_highs"]


def test_the_other_clocks_are_fitted_over_the_whole_pass_when_its_last_instant_is_dropped():
    """Contacts of a slow-motion run (3.44 s a step at the file's rate) whose last one is 0.55 step
    after the one before (the lab clip's mirrored copy: its contacts scatter so): it shares that
    step's number and the line drops it, but the runner was running then, so the pelvis's clocks
    are fitted up to one step before it (plus the margin), not to the last contact kept. Before,
    the steady window ended where the kept contacts did, which moved with every dropped one."""
    step_s = 3.44
    contacts = steady_instants(step_s, 9, jitter_s=0.01, seed=5)
    contacts[8] = contacts[7] + 0.55 * step_s
    lows = steady_instants(step_s, 10, jitter_s=0.01, seed=6) + 0.4 * step_s
    highs = lows - 0.5 * step_s
    est = cadence_by_pass(
        {"contacts": contacts.tolist(), "pelvis_lows": lows.tolist(), "pelvis_highs": highs.tolist()},
        "contacts",
        step_s,
    )
    (row,) = est.passes
    assert row["end_s"] == pytest.approx(contacts[7], abs=1e-3)  # the last contact on the line
    assert row["steady_to_s"] == pytest.approx(contacts[8] - 0.4 * step_s, abs=0.02 * step_s)
    assert est.cadence_spm == pytest.approx(60.0 / step_s, rel=0.005)


def rear_run(fps: float = 30.0, cadence: float = 170.0):
    spec = GaitSpec(fps=fps, view="rear", cadence_spm=cadence, duration_s=4.0, noise_px=1.0, seed=4)
    seq, _ = simulate(spec)
    return spec, seq


@pytest.mark.parametrize("factor", [0.5, 1.0, 2.0])
def test_the_rear_view_period_settles_a_seed_that_is_a_stride_or_half_a_step(factor):
    """Seeded with the step (1), the stride (2) or half a step (0.5), the combined rear-view signals
    give the true step within 2%. Searched only within 0.6-1.6 x the seed, the stride's seed found
    no step at all and half a step's found none or a wrong one."""
    spec, seq = rear_run()
    true_rows = spec.fps * 60.0 / spec.cadence_spm
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        _, period, _ = frontal_periodicity(seq, factor * true_rows)
        det = detect_frontal(seq, Periodicity(factor * true_rows, factor * true_rows / spec.fps, 0.5, 0.2), "rear")
    assert period.step_rows == pytest.approx(true_rows, rel=0.02)
    assert det.period.step_rows == pytest.approx(true_rows, rel=0.02)
    assert period.strength > 0.5


def test_no_step_period_is_searched_below_the_fastest_human_step():
    """A separation signal with a strong 0.1 s wobble (600 steps/min: no person steps that fast)
    on top of a 170 steps/min gait: the step found is the gait's, within 2%."""
    spec, seq = rear_run(fps=60.0)
    fwd = np.ones(len(seq))
    signals = leg_signals(seq, fwd, leg_length_px(seq))
    t = seq.timestamps_s
    wobble = 0.6 * np.sin(2 * np.pi * t / 0.1)
    for foot, sign in (("L", 1.0), ("R", -1.0)):
        down = signals[foot]["ankle_down"]
        signals[foot]["ankle_down"] = down + sign * wobble * np.nanstd(down)
    per = step_periodicity(signals, "rear", t)
    assert 60.0 / per.step_s == pytest.approx(spec.cadence_spm, rel=0.02)


def test_the_local_line_is_each_windows_least_squares_line():
    """`local_line` (from window sums) against a line fitted to each row's window directly: centred
    windows inside each finite stretch, shifted inward at its ends, NaN in gaps and in stretches
    shorter than half the width; equal within 1e-6 px on a 300 px random walk."""
    rng = np.random.default_rng(0)
    x = np.cumsum(rng.normal(size=400)) + 300.0
    x[[5, 6, 7, 90]] = np.nan
    x[200:205] = np.nan
    x[300:303] = np.nan
    x[303:306] = 1.0  # a 3-row stretch between gaps: shorter than half of 11 rows
    x[306:309] = np.nan
    width = 10.6
    w = 11
    got = local_line(x, width)
    for start, stop in ((0, 5), (8, 90), (91, 200), (205, 300), (309, 400)):
        for i in range(start, stop):
            a = max(start, min(i - w // 2, stop - w))
            t = np.arange(a, min(stop, a + w))
            slope, intercept = np.polyfit(t, x[t], 1)
            assert got[i] == pytest.approx(slope * i + intercept, abs=1e-6), i
    assert np.isnan(got[[5, 6, 7, 90, 202, 304]]).all()


def test_two_alike_paces_joined_do_not_pull_a_distinct_pace_in():
    """Contacts of three paces, 0.357, 0.275 and 0.256 s a step (a runner at 168 steps/min, then
    218 and 234: the last two 7.5% apart, under PACE_CHANGE, so one pace by the rule), a little
    timing jitter. The last two are joined; one line through them leaves residuals of a pace's
    drift, and when that counted as irregular the joined part was joined to the first pace too (30%
    slower): one part, a blend. Judged by the scatter of its step-to-step intervals
    (`cadence._timing_scatter`), the joined part is regular: two parts, split at the change."""
    from formcheck.kinds.run.cadence import pace_parts

    rng = np.random.default_rng(3)
    first = 0.357 * np.arange(18)
    second = first[-1] + 0.275 * np.arange(1, 19)
    third = second[-1] + 0.256 * np.arange(1, 14)
    t = np.concatenate([first, second, third]) + rng.normal(0.0, 0.008, 49)
    parts = pace_parts(t, 0.3)
    assert [p.size for p in parts] == [18, 32]
    assert float(np.mean(np.diff(parts[0]))) == pytest.approx(0.357, rel=0.01)
    assert 0.256 < float(np.mean(np.diff(parts[1]))) < 0.275


def test_the_feet_fill_in_a_missing_step_only_where_a_step_is_missing():
    """From behind, the feet's alternation fills in mid-stance instants where the pelvis shows no
    minimum. An alternation extreme that a noisy frame put half a step from a pelvis minimum is not a
    step: filled in between two minima one step apart it made two half steps, which broke the run
    of regular steps in two. Here the pelvis is lowest every 10 rows (5, 15, ..., 95) but for row
    55, where it stays high; the alternation's extremes lie at the same rows, except that a noisy
    bump puts the one near row 25 at row 29.5. Row 55 is filled in; row 29.5 is not (it was: 4.5
    rows from row 25, more than the 0.4 step asked before)."""
    from formcheck.kinds.run.rear import FrontalSignals, frontal_midstances

    n, step = 100, 10.0
    t = np.arange(n, dtype=float)
    pelvis = -np.cos(2 * np.pi * (t - 5.0) / step)
    pelvis[50:61] = 1.0  # no dip between the highest points at 50 and 60
    alternation = np.cos(np.pi * (t - 5.0) / step) + 1.5 * np.exp(-(((t - 30.0) / 1.5) ** 2))
    sig = FrontalSignals(
        size_px=np.full(n, 100.0),
        pelvis=pelvis,
        alternation=alternation,
        sway=np.zeros(n),
        path_x=np.full(n, 500.0),
        height={"L": np.zeros(n), "R": np.zeros(n)},
        step_rows=step,
        observed=np.ones(n, dtype=bool),
    )
    rows, _, _, sources = frontal_midstances(sig, step, "rear")
    assert [round(r) for r in rows] == [5, 15, 25, 35, 45, 55, 65, 75, 85, 95]
    assert sources["alternation"] == 1
