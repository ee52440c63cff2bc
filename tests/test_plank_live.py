"""The plank's hold state machine (kinds/plank/hold.py) and the live coach's per-frame path
(kinds/plank/live.py): the live machine gives the clip's holds and breaks on the same per-frame
measurements; its causal smoothing stays close to the clip's zero-phase one on the recorded tracks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import TRACKS
from scipy import signal

from formcheck.kinds.plank import body as pm
from formcheck.kinds.plank import hold, live
from formcheck.kinds.plank import measure as km
from formcheck.kinds.plank.findings import progression_text
from formcheck.kinds.plank.thresholds import THRESHOLDS
from formcheck.sequence import PoseSequence

PLANK_VIDEO_TRACKS = sorted(
    p.stem for p in TRACKS.glob("plank__*.npz") if "photo" not in p.stem and ".other" not in p.name
)
FPS = 30.0
DT = 1.0 / FPS


def _live_durations(t: np.ndarray) -> np.ndarray:
    """What the live page gives each frame: the time since the previous frame (0 for the first)."""
    return np.concatenate([[0.0], np.diff(t)])


@pytest.mark.parametrize("name", PLANK_VIDEO_TRACKS)
def test_live_machine_gives_the_clips_holds_and_breaks_on_the_same_frames(name: str) -> None:
    """Frame by frame, with live timing (each frame = the time since the previous one), on the clip's
    own per-frame measurements: the same holds, the same main-hold breaks, the same good-form frames."""
    raw = PoseSequence.load_npz(TRACKS / f"{name}.npz")
    m = km.measure(raw)
    j = m.judgements
    machine = hold.HoldMachine(THRESHOLDS)
    shown_good: list[float] = []
    for i, d in enumerate(_live_durations(j.t)):
        state = machine.push(j.frame(i, float(d)))
        if state.holding:
            shown_good.append(state.good_s)
    records = machine.finish()
    assert [(h.first, h.last) for h in records] == m.holds
    main = hold.main_hold(records)
    assert main is not None and (main.first, main.last) == m.main_hold
    assert {k: [(b.first, b.last) for b in v] for k, v in main.breaks.items()} == m.breaks
    good = np.zeros(len(j), dtype=bool)
    for a, b in main.good_runs:
        good[a : b + 1] = True
    assert np.array_equal(good, m.good)
    # Times: each frame stands for its own interval (live) instead of the clip's median interval.
    d = _live_durations(j.t)
    a, b = m.main_hold
    assert main.hold_s == pytest.approx(j.t[b] - j.t[a] + d[a], abs=1e-9)
    assert main.good_s == pytest.approx(float(d[m.good].sum()), abs=1e-9)
    streaks = [j.t[y] - j.t[x] + d[x] for x, y in pm.runs(m.good)]
    assert main.longest_good_s == pytest.approx(max(streaks, default=0.0), abs=1e-9)
    # ... which differs from the clip's figures by the timestamps' jitter only.
    jitter = float(np.max(np.abs(d[1:] - pm.frame_interval_s(j.t))))
    assert abs(main.good_s - pm.time_s(m.t, m.good)) <= m.good.sum() * jitter + 1e-9
    assert abs(main.hold_s - pm.span_s(m.t, a, b)) <= jitter + 1e-9
    # The good-form time shown while holding never goes back within a hold.
    assert len(records) > 1 or np.all(np.diff(shown_good) >= -1e-12)


def _judgement(t: float, in_position: bool, faults: dict[str, bool] | None = None, d: float = DT):
    flags = faults or {"sag": False, "pike": False}
    values = {k: (-25.0 if k == "sag" else 45.0) if v else 0.0 for k, v in flags.items()}
    return hold.FrameJudgement(t, d, in_position, in_position, False, False, False, flags, values)


def _run(frames: list[hold.FrameJudgement]) -> tuple[list[hold.HoldState], list[hold.HoldRecord]]:
    machine = hold.HoldMachine(THRESHOLDS)
    states = [machine.push(f) for f in frames]
    return states, machine.finish()


def test_hold_starts_after_the_confirmation_time_dated_back() -> None:
    t = np.arange(90) * DT
    states, holds = _run([_judgement(x, True) for x in t])
    n_confirm = int(round(THRESHOLDS.confirm_s * FPS))  # 30 frames = 1 s
    assert [s.phase for s in states[: n_confirm - 1]] == ["confirming"] * (n_confirm - 1)
    assert states[n_confirm - 1].phase == "holding"
    assert states[n_confirm - 1].hold_s == pytest.approx(THRESHOLDS.confirm_s)
    assert [(h.first, h.last) for h in holds] == [(0, 89)] and holds[0].hold_s == pytest.approx(3.0)


def test_position_shorter_than_confirmation_is_no_hold() -> None:
    t = np.arange(60) * DT
    ok = (np.arange(60) < 25) | (np.arange(60) >= 35) & (np.arange(60) < 55)
    states, holds = _run([_judgement(x, bool(k)) for x, k in zip(t, ok, strict=True)])
    assert holds == [] and not any(s.holding for s in states)


@pytest.mark.parametrize(
    ("run_frames", "breaks"),
    [(12, 0), (18, 1)],  # 0.4 s < min_break_s (0.5 s) <= 0.6 s
)
def test_a_fault_counts_once_it_lasts_the_minimum_break(run_frames: int, breaks: int) -> None:
    t = np.arange(150) * DT
    sag = (np.arange(150) >= 60) & (np.arange(150) < 60 + run_frames)
    states, holds = _run([_judgement(x, True, {"sag": bool(s), "pike": False}) for x, s in zip(t, sag, strict=True)])
    (h,) = holds
    assert h.break_count == breaks
    assert h.good_s == pytest.approx((150 - breaks * run_frames) * DT)
    shown = [s.faults for s in states]
    if breaks:
        first_shown = next(i for i, f in enumerate(shown) if f == ("sag",))
        assert first_shown == 60 + int(round(THRESHOLDS.min_break_s * FPS)) - 1  # as soon as it counts
        assert states[first_shown].severity == "warning"  # -25 deg > 2 x the 10 deg tolerance
    else:
        assert all(f == () for f in shown)
    good_shown = [s.good_s for s in states if s.holding]
    assert np.all(np.diff(good_shown) >= -1e-12) and good_shown[-1] <= h.good_s + 1e-9


def test_two_short_runs_closer_than_the_merge_gap_are_one_break() -> None:
    t = np.arange(150) * DT
    idx = np.arange(150)
    pike = ((idx >= 60) & (idx < 69)) | ((idx >= 75) & (idx < 84))  # 0.3 s, a 0.2 s gap, 0.3 s
    _, holds = _run([_judgement(x, True, {"sag": False, "pike": bool(p)}) for x, p in zip(t, pike, strict=True)])
    (h,) = holds
    (b,) = h.breaks["pike"]
    assert (b.first, b.last) == (60, 83) and b.end_s - b.start_s == pytest.approx(24 * DT)
    assert h.good_s == pytest.approx((150 - 24) * DT)


def test_out_of_position_within_grace_pauses_and_longer_ends_the_hold() -> None:
    t = np.arange(200) * DT
    idx = np.arange(200)
    ok = ~((idx >= 80) & (idx < 100)) & ~((idx >= 140) & (idx < 180))  # 0.67 s, then 1.33 s out
    states, holds = _run([_judgement(x, bool(k)) for x, k in zip(t, ok, strict=True)])
    assert states[90].phase == "out_of_position" and states[90].hold_s == pytest.approx(80 * DT)
    # 1.33 s out ends the hold at its last kept frame; the 0.67 s after it is too short for a new one.
    assert [(h.first, h.last) for h in holds] == [(0, 139)]
    assert holds[0].hold_s == pytest.approx(140 * DT)  # the 0.67 s inside the grace time counts
    assert states[175].phase == "idle" and states[175].hold_s == pytest.approx(140 * DT)


def test_dropped_frames_do_not_shorten_the_live_hold() -> None:
    """The model drops frames when it falls behind: each frame then stands for the time since the
    previous one, so a 10 s hold reads 10 s whatever the share of frames kept."""
    rng = np.random.default_rng(3)
    t = np.sort(rng.choice(np.arange(300) * DT, size=170, replace=False))
    frames = [_judgement(float(x), True, d=float(d)) for x, d in zip(t, _live_durations(t), strict=True)]
    _, holds = _run(frames)
    assert holds[0].hold_s == pytest.approx(t[-1] - t[0], abs=1e-9)
    assert holds[0].good_s == pytest.approx(t[-1] - t[0], abs=1e-9)


def test_knee_plank_progression_after_a_minute_of_good_form() -> None:
    t = np.arange(int(62 * FPS)) * DT
    states, holds = _run([_judgement(x, True) for x in t])
    assert states[-1].longest_good_s >= THRESHOLDS.progression_knee_hold_s
    assert "ready to try a full plank" in progression_text("knee", holds[0].longest_good_s, 62.0, THRESHOLDS)
    assert "ready" not in progression_text("knee", 45.0, 62.0, THRESHOLDS)


# ---------------------------------------------------------------------------------------------------
def test_causal_smoother_is_the_butterworth_filter_at_any_frame_rate() -> None:
    """A step sampled at irregular times: the output is the continuous 2nd-order Butterworth's step
    response (input held at each new sample), exactly."""
    cutoff = 6.0
    smoother = live.CausalSmoother(cutoff_hz=cutoff, max_gap_s=1.0)
    rng = np.random.default_rng(0)
    times = np.cumsum(rng.uniform(0.02, 0.07, size=40))
    xy = np.zeros((33, 2))
    smoother(0.0, xy)  # at rest at 0
    out = np.array([smoother(float(ti), xy + 10.0)[0, 0] for ti in times])
    w = 2 * np.pi * cutoff
    b, a = signal.butter(2, w, analog=True)
    grid = np.linspace(0.0, times[-1], 400_001)  # scipy's step response needs an even grid
    _, response = signal.step((b, a), T=grid)
    assert np.allclose(out, 10.0 * np.interp(times, grid, response), atol=1e-6)
    assert out[0] < 10.0 * 0.9  # it is a low-pass: the first sample (<= 70 ms) is well below the step


def test_causal_smoother_holds_short_gaps_and_empties_long_ones() -> None:
    smoother = live.CausalSmoother(cutoff_hz=6.0, max_gap_s=0.25)
    xy = np.full((33, 2), 100.0)
    for k in range(10):
        smoother(k * DT, xy)
    gap = xy.copy()
    gap[5] = np.nan
    held = smoother(10 * DT, gap)
    assert held[5, 0] == pytest.approx(100.0)
    for k in range(11, 19):
        out = smoother(k * DT, gap)
    assert np.isnan(out[5]).all() and out[4, 0] == pytest.approx(100.0)


# ---------------------------------------------------------------------------------------------------
def test_live_coach_on_the_pike_track_finds_the_clips_hold_and_pikes() -> None:
    """The whole live path (causal smoothing, variant from the first second, the machine) fed the
    recorded landmarks one frame at a time: the hold within 3 frames of the clip's, and the clip's two
    pikes, both at the warning level, at the clip's times within 0.25 s."""
    raw = PoseSequence.load_npz(TRACKS / "plank__elbow_plank_pike_alternating_wahoo.npz")
    m = km.measure(raw)
    coach = live.LivePlank(raw.frame_size, variant="auto")
    cues = set()
    for i in range(len(raw)):
        frame = coach.push(float(raw.timestamps_s[i]), raw.xy[i], raw.visibility[i])
        cues.add(frame.cue)
    s = coach.summary()
    assert s.variant == m.variant.variant == "forearm"
    (h,) = coach.machine.holds
    assert abs(h.first - m.main_hold[0]) <= 3 and abs(h.last - m.main_hold[1]) <= 3
    pikes = [b for b in s.breaks if b.fault == "pike"]
    clip_pikes = m.breaks["pike"]
    assert len(pikes) == len(clip_pikes) == 2 and all(p.severity == "warning" for p in pikes)
    hold_start = m.t[h.first]
    for p, (a, b) in zip(pikes, clip_pikes, strict=True):
        assert abs(hold_start + p.start_s - m.t[a]) <= 0.25
        assert abs(hold_start + p.end_s - (m.t[b] + pm.frame_interval_s(m.t))) <= 0.25
    assert live.fault_cue("pike") in cues
    assert s.score is not None and s.hold_s == pytest.approx(h.hold_s)
    entry = json.loads(json.dumps(s.to_json(), allow_nan=False))  # what a history entry stores
    assert entry["form_breaks"] == len(s.breaks) and entry["variant"] == "forearm"
    assert [b["label"] for b in entry["breaks"]].count("pike") == 2
