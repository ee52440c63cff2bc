"""Walking or running from the pelvis's motion (`kinds.run.mechanics`), and the same landmarks on
another time base: a run played faster or slower is the same run at another pace, so its cadence
and contact time scale and nothing else moves (the cleaning's cut-off is in steps, not Hz). Real
recorded tracks (tests/data/tracks: the real model's landmarks of the samples) re-timed here."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from formcheck.kinds.run.mechanics import pelvis_mechanics
from formcheck.pipeline import analyse
from formcheck.settings import Settings
from formcheck.sources import TrackSource

TRACKS = Path(__file__).parent / "data" / "tracks"
WALKER = TRACKS / "running__walking_side_indoor_wall_sports2d_demo4.npz"
TREADMILL = TRACKS / "running__treadmill_side_phone60fps_mhuang.npz"


def _gait(step_rows: float, steps: int, vault: bool) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Ankles swinging in antiphase about the hips (the feet pass each other every half of a step
    cycle of theirs, i.e. once a step), and a pelvis highest (vault) or lowest where they pass."""
    rows = np.arange(int(steps * step_rows))
    phase = np.pi * rows / step_rows  # the ankles' cycle is a stride: pi per step
    ankle = 0.4 * np.cos(phase)
    pelvis = (1.0 if vault else -1.0) * np.cos(2 * phase + np.pi)  # extreme where cos(phase) = 0
    return {"L": ankle, "R": -ankle}, pelvis


@pytest.mark.parametrize("vault,flight", [(True, False), (False, True)])
def test_pelvis_high_where_the_feet_pass_is_a_walk_low_is_a_run(vault, flight):
    ankles, pelvis = _gait(15.0, 12, vault)
    got = pelvis_mechanics(ankles, pelvis, 15.0)
    assert got.score == pytest.approx(1.0 if vault else -1.0, abs=0.02)
    assert got.steps >= 9 and got.flight is flight


def test_too_few_steps_or_no_bounce_decide_nothing():
    ankles, pelvis = _gait(15.0, 12, True)
    assert pelvis_mechanics({f: a[:50] for f, a in ankles.items()}, pelvis[:50], 15.0).flight is None  # 2 steps
    flat = pelvis_mechanics(ankles, 0.1 * np.cos(np.pi * np.arange(pelvis.size) / 15.0), 15.0)  # once a stride
    assert abs(flat.score) < 0.2 and flat.flight is None


def retimed(track: Path, scale: float, out: Path):
    """The analysis of `track` with its time base played `scale` times faster (same landmarks)."""
    data = dict(np.load(track, allow_pickle=True))
    data["timestamps_s"] = data["timestamps_s"] / scale
    data["fps"] = np.float64(float(data["fps"]) * scale)
    np.savez(out / "retimed.npz", **data)
    meta = json.loads(track.with_suffix(".json").read_text())
    for key in ("fps", "playback_fps"):
        meta["media"][key] *= scale
    meta["media"]["duration_s"] /= scale
    (out / "retimed.json").write_text(json.dumps(meta))
    return _analyse(out / "retimed.npz")


def _analyse(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return analyse(TrackSource(path), Settings.build(kind="run")).result


@pytest.mark.parametrize(
    "track,scale,gait",
    [
        # 113 -> 142 steps/min: faster than the 140 that the cadence rule would call running.
        (WALKER, 1.25, "walking"),
        # 167.5 -> 134 steps/min: inside the walking band of the cadence rule.
        (TREADMILL, 0.8, "running"),
        (TREADMILL, 1.25, "running"),
    ],
)
def test_the_same_landmarks_at_another_pace_scale_only_the_timing(track, scale, gait, tmp_path):
    original, other = _analyse(track), retimed(track, scale, tmp_path)
    assert original.metrics["gait"] == other.metrics["gait"] == gait
    assert other.metrics["cadence_spm"] == pytest.approx(original.metrics["cadence_spm"] * scale, rel=0.001)
    assert other.metrics["contact_ms"] == pytest.approx(original.metrics["contact_ms"] / scale, abs=3.0)
    for metric in ("trunk_lean_deg", "knee_flexion_contact_deg", "overstride_cm", "vertical_oscillation_cm"):
        assert other.metrics[metric] == pytest.approx(original.metrics[metric], abs=0.2), metric


def test_the_walkers_open_phase_is_decided_by_her_pelvis():
    """The indoor walker filmed from further away (the real model's track of her clip at 55% of the
    picture): her forward pass's 4 toe-offs fall at phase 0.52 of a step (the band a very slow walk
    and a sprint share); her pelvis is highest as the feet pass (+0.33 of its range): a walk. On the
    original clip her forward toe-offs (phase 0.31) decide alone; the backward pass's do not vote."""
    far = (
        Path(__file__).resolve().parent
        / "data"
        / "variant_tracks"
        / "walking_side_indoor_wall_sports2d_demo4.farther.npz"
    )
    result = _analyse(far)
    evidence = result.details["gait_evidence"]
    assert evidence["decided_by"] == "pelvis motion" and 0.4 <= evidence["toe_off_phase"] <= 0.6
    assert evidence["pelvis_midstance_score"] > 0.3 and result.metrics["gait"] == "walking"
    original = _analyse(WALKER).details["gait_evidence"]
    assert original["decided_by"] == "foot events" and original["toe_off_phase"] < 0.4
    # The user is told what decided it: in the recognition finding and in a reliability note.
    recognised = next(f for f in result.findings if f.title.startswith("Walking recognised"))
    assert "told from the pelvis's motion" in recognised.detail
    assert any(
        n.startswith("running or walking was told from the pelvis's motion (highest") for n in result.reliability
    )
