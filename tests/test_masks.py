import numpy as np

from formcheck.masks import true_runs


def test_true_runs_are_half_open_row_ranges() -> None:
    mask = np.array([False, True, True, False, True, False, False, True])
    assert true_runs(mask) == [(1, 3), (4, 5), (7, 8)]
    assert true_runs(np.ones(3, bool)) == [(0, 3)]
    assert true_runs(np.zeros(4, bool)) == []
    assert true_runs(np.array([], bool)) == []
    assert all(isinstance(v, int) for run in true_runs(mask) for v in run)
