"""The small shared helpers: runs of True (masks), the mean of two sides (metrics.geometry), rounding (numbers)."""

import numpy as np

from formcheck.masks import true_runs


def test_true_runs_are_half_open_row_ranges() -> None:
    mask = np.array([False, True, True, False, True, False, False, True])
    assert true_runs(mask) == [(1, 3), (4, 5), (7, 8)]
    assert true_runs(np.ones(3, bool)) == [(0, 3)]
    assert true_runs(np.zeros(4, bool)) == []
    assert true_runs(np.array([], bool)) == []
    assert all(isinstance(v, int) for run in true_runs(mask) for v in run)


def test_mean_of_present_takes_whichever_side_is_seen() -> None:
    from formcheck.metrics.geometry import mean_of_present

    nan = np.nan
    left = np.array([[0.0, 10.0], [nan, nan], [4.0, 4.0], [nan, nan]])
    right = np.array([[2.0, 20.0], [6.0, 8.0], [nan, nan], [nan, nan]])
    out = mean_of_present(left, right)
    np.testing.assert_array_equal(out[:3], [[1.0, 15.0], [6.0, 8.0], [4.0, 4.0]])
    assert np.isnan(out[3]).all()


def test_rounded_gives_json_ready_figures() -> None:
    from formcheck.numbers import rounded

    assert rounded(np.float32(2.345678), 2) == 2.35 and type(rounded(np.float64(1.26))) is float
    assert rounded(1.26) == 1.3  # one decimal unless told
    assert rounded(None) is None and rounded(float("nan"), 3) is None and rounded(np.inf) is None
