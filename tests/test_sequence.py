"""PoseSequence: validation, slicing, npz round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.sequence import PoseSequence


def make(n: int = 5) -> PoseSequence:
    seq = PoseSequence.empty(n, (640, 480), 30.0)
    seq.xy[1:] = np.random.default_rng(0).uniform(0, 400, (n - 1, 33, 2))
    seq.visibility[1:] = 0.9
    return seq


def test_empty_rows_are_nan_and_present_mask() -> None:
    seq = make()
    assert np.isnan(seq.xy[0]).all() and seq.visibility[0].max() == 0
    assert seq.present.tolist() == [False, True, True, True, True]


def test_slicing_and_between() -> None:
    seq = make(10)
    part = seq[2:5]
    assert len(part) == 3 and part.frame_index.tolist() == [2, 3, 4]
    assert len(seq.between(0.1, 0.2)) == 4  # frames at 3/30 .. 6/30 s
    part.xy[:] = 0
    assert not np.all(seq.xy[2:5] == 0), "slices are copies"


def test_npz_round_trip(tmp_path: Path) -> None:
    seq = make()
    seq.save_npz(tmp_path / "a.npz")
    back = PoseSequence.load_npz(tmp_path / "a.npz")
    assert np.allclose(back.xy, seq.xy, equal_nan=True, atol=1e-3)
    assert back.frame_size == (640, 480) and back.fps == 30.0
    assert np.array_equal(back.timestamps_s, seq.timestamps_s)


@pytest.mark.parametrize("bad", ["shape", "timestamps", "rows"])
def test_validation(bad: str) -> None:
    kwargs = {
        "xy": np.zeros((3, 33, 2)),
        "z": np.zeros((3, 33)),
        "visibility": np.zeros((3, 33)),
        "timestamps_s": [0.0, 0.1, 0.2],
        "frame_size": (10, 10),
        "fps": 10.0,
    }
    if bad == "shape":
        kwargs["xy"] = np.zeros((3, 17, 2))
    elif bad == "timestamps":
        kwargs["timestamps_s"] = [0.0, 0.2, 0.1]
    else:
        kwargs["z"] = np.zeros((2, 33))
    with pytest.raises(ValueError):
        PoseSequence(**kwargs)
