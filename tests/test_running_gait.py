"""The running analysis on what broke on unseen clips (issue 11), with generated gaits whose answers
are known: running vs walking from the foot events, long fast strides, a slow jog with a short
flight, a strong heel kick, a hidden far leg, a variable frame rate, the `gait` setting, segments,
spreads, unreliable marks, cue directions, a body whose legs are not in the picture."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pytest

from formcheck.errors import ActivityNotFound, InsufficientData
from formcheck.gaitsim import GaitSpec, context_for, simulate
from formcheck.kinds.run import spec as running
from formcheck.kinds.run.cleaning import on_grid, uniform_rate
from formcheck.kinds.run.findings import findings_for, mark_unreliable
from formcheck.kinds.run.gait import GaitInputs, analyse_gait, longest_legs_seen_s
from formcheck.kinds.run.series import knee_flexion_series
from formcheck.kinds.run.summary import sides_differ
from formcheck.kinds.run.thresholds import RANGES
from formcheck.landmarks import Landmark as L
from formcheck.sequence import PoseSequence
from formcheck.settings import Settings

TRACKS = Path(__file__).resolve().parent / "data" / "tracks"


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def run(spec: GaitSpec, **settings):
    seq, truth = simulate(spec)
    return running.analyse(context_for(seq, Settings.build(kind="run", **settings))), truth, seq


def toe_off_share(result) -> float:
    """Share of the steps that have a toe-off, leaving out the last one (the clip may end in it)."""
    steps = list(result.steps)[:-1]
    return sum(s["toe_off_s"] is not None for s in steps) / len(steps)


# -- running or walking, from the events ----------------------------------------------------------


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_treadmill_runner_with_a_flight_phase_is_running_from_the_events(fps):
    """Issue 11 case 1: a runner with flight in every step (duty factor 0.28) and a swing knee well
    under the old 85-degree vote: the events decide, and they say running. Its toe-offs fall at
    phase 2 x 0.28 = 0.56 of a step, which a very slow walk shares: the pelvis, lowest as the feet
    pass (a bounce), settles it where the measured phase is in that band."""
    spec = GaitSpec(fps=fps, cadence_spm=170.0, contact_ms=200.0, swing_lift=0.12, duration_s=6.0)
    r, _, _ = run(spec)
    evidence = r.details["gait_evidence"]
    assert evidence["swing_knee_flexion_peak_deg"] < 85.0 and evidence["gait_from_body_cues"] == "walking"
    assert r.metrics["gait"] == "running" and evidence["gait_from_events"] == "running"
    assert evidence["decided_by"] == ("foot events" if evidence["toe_off_phase"] > 0.6 else "pelvis motion")
    assert evidence["pelvis_midstance_score"] < -0.8
    stride_ms = 2 * 60000 / 170.0
    # Within a frame (and 2%) of the true duty factor 0.28.
    assert r.metrics["duty_factor"] == pytest.approx(200.0 / stride_ms, abs=1000 / fps / stride_ms + 0.02)
    assert r.references["cadence_spm"].low == 150.0  # the running range, not walking's 100-130


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_walker_with_double_support_is_walking_from_the_events(fps):
    spec = GaitSpec(
        fps=fps, cadence_spm=110.0, contact_ms=660.0, speed_m_s=1.3, vertical_oscillation_cm=3.0, duration_s=8.0
    )
    r, _, _ = run(spec)
    assert r.metrics["gait"] == "walking" and r.details["gait_evidence"]["decided_by"] == "foot events"
    assert r.metrics["cadence_spm"] == pytest.approx(110.0, rel=0.01)
    stride_ms = 2 * 60000 / 110.0
    assert r.metrics["duty_factor"] == pytest.approx(660.0 / stride_ms, abs=1000 / fps / stride_ms + 0.03)
    assert r.references["cadence_spm"].low == 100.0  # the walking range
    assert r.references["contact_ms"].low is None  # no running range for a walker


def test_slow_jog_with_a_short_flight_at_160_spm_is_running():
    """Issue 11 case 2's slowest segment: a jog with a short flight (duty factor 0.45)."""
    spec = GaitSpec(fps=60.0, cadence_spm=160.0, contact_ms=335.0, speed_m_s=2.4, swing_lift=0.3, duration_s=6.0)
    r, _, _ = run(spec)
    assert r.metrics["gait"] == "running"
    assert r.metrics["contact_ms"] == pytest.approx(335.0, abs=25.0)
    assert 0 < r.metrics["flight_ms"] < 80


def test_long_fast_strides_are_upright_and_analysed():
    """Issue 11 case 2: long strides at a fast pace (6 m/s, 230 spm): the ankles' midpoint rises,
    the stance foot and the trunk do not; the runner is analysed, not refused."""
    spec = GaitSpec(fps=120.0, cadence_spm=230.0, contact_ms=150.0, speed_m_s=6.0, overstride_cm=25.0, duration_s=4.0)
    r, _, _ = run(spec)
    assert r.metrics["gait"] == "running"
    assert r.metrics["cadence_spm"] == pytest.approx(230.0, rel=0.01)
    assert r.metrics["contact_ms"] == pytest.approx(150.0, abs=1000 / 120 + 5)
    assert r.metrics["trunk_lean_deg"] == pytest.approx(spec.trunk_lean_deg, abs=1.0)


def test_strong_heel_kick():
    spec = GaitSpec(fps=60.0, cadence_spm=180.0, contact_ms=210.0, swing_lift=0.65, speed_m_s=4.0)
    r, _, _ = run(spec)
    assert r.metrics["gait"] == "running"
    assert r.details["gait_evidence"]["swing_knee_flexion_peak_deg"] > 100
    assert r.metrics["cadence_spm"] == pytest.approx(180.0, rel=0.01)
    assert r.metrics["contact_ms"] == pytest.approx(210.0, abs=1000 / 60 + 5)
    assert toe_off_share(r) >= 0.9


def test_hidden_far_leg():
    """The far leg hidden (low visibility, guessed positions) in 40% of the frames."""
    spec = GaitSpec(fps=60.0, far_leg_hidden=0.4, noise_px=1.0, duration_s=6.0, seed=5)
    r, _, _ = run(spec)
    assert r.details["far_leg_occluded_fraction"] >= 0.35
    assert r.metrics["gait"] == "running"
    assert r.metrics["cadence_spm"] == pytest.approx(spec.cadence_spm, rel=0.01)
    assert toe_off_share(r) >= 0.9
    assert r.metrics["contact_ms"] == pytest.approx(spec.contact_ms, abs=25.0)


# -- time, not samples ------------------------------------------------------------------------------


def drop_frames(seq: PoseSequence, share: float, seed: int = 0) -> PoseSequence:
    keep = np.random.default_rng(seed).random(len(seq)) > share
    keep[0] = keep[-1] = True
    return seq[keep]


def test_uniform_grid_resamples_only_uneven_clips():
    seq, _ = simulate(GaitSpec(fps=60.0, duration_s=2.0))
    assert uniform_rate(seq.timestamps_s) is None
    assert uniform_rate(np.round(np.arange(90) / 29.97, 3)) is None  # millisecond timestamps of 29.97 fps
    dropped = drop_frames(seq, 0.3)
    assert uniform_rate(dropped.timestamps_s) == pytest.approx(60.0)
    grid = on_grid(dropped, 60.0)
    assert np.allclose(np.diff(grid.timestamps_s), 1 / 60)
    # A linear bridge over dropped frames misses a sinusoid's curve by at most A w^2 gap^2 / 8: the
    # pelvis (16 px amplitude at the step frequency, 170 / 60 Hz) over the longest gap.
    rows = np.round(grid.timestamps_s * 60).astype(int)
    gap = float(np.max(np.diff(dropped.timestamps_s)))
    bound = 16.0 * (2 * np.pi * 170 / 60) ** 2 * gap**2 / 8
    pelvis, truth = grid.midpoint(23, 24)[:, 1], seq.midpoint(23, 24)[rows, 1]
    assert np.nanmax(np.abs(pelvis - truth)) <= bound + 0.05


@pytest.mark.parametrize("fps,share", [(60.0, 0.3), (30.0, 0.38)])
def test_variable_frame_rate_keeps_class_and_cadence(fps, share):
    """Issue 11 case 4: frames dropped at random with their true timestamps."""
    spec = GaitSpec(fps=fps, cadence_spm=168.0, contact_ms=200.0, duration_s=7.0, noise_px=1.0, seed=2)
    seq, _ = simulate(spec)
    whole = running.analyse(context_for(seq))
    vfr = running.analyse(context_for(drop_frames(seq, share, seed=4)))
    assert vfr.metrics["gait"] == whole.metrics["gait"] == "running"
    assert vfr.metrics["cadence_spm"] == pytest.approx(whole.metrics["cadence_spm"], rel=0.015)
    assert vfr.metrics["cadence_spm"] == pytest.approx(168.0, rel=0.015)
    assert vfr.details["resampled_to_fps"] == pytest.approx(fps)
    assert vfr.series["knee_flexion_left_deg"].shape == (len(drop_frames(seq, share, seed=4)),)


# -- what the user asks for -------------------------------------------------------------------------


def test_gait_setting_is_used_and_a_disagreement_is_said():
    spec = GaitSpec(fps=60.0, cadence_spm=110.0, contact_ms=660.0, speed_m_s=1.3, duration_s=8.0)
    r, _, _ = run(spec, gait="running")
    assert r.metrics["gait"] == "running" and r.details["gait_evidence"]["decided_by"] == "setting"
    assert any("`gait` says so" in note and "look like walking" in note for note in r.reliability)


def test_requested_running_is_analysed_although_not_upright_looking():
    """A runner filmed with the camera tilted far (trunk 50 deg from the image vertical): refused as
    not upright with `gait = auto`, analysed with a note when running is asked for."""
    seq, _ = simulate(GaitSpec(fps=60.0, trunk_lean_deg=50.0))
    with pytest.raises(ActivityNotFound, match="not upright"):
        running.analyse(context_for(seq))
    r = running.analyse(context_for(seq, Settings.build(kind="run", gait="running")))
    assert r.metrics["gait"] == "running" and r.metrics["cadence_spm"] == pytest.approx(170.0, rel=0.01)
    assert any("less upright" in note for note in r.reliability)


def test_legs_out_of_the_picture_are_refused_even_when_asked():
    """An edited clip whose legs are elsewhere (a split screen): the model marks them unseen."""
    seq, _ = simulate(GaitSpec(fps=60.0))
    legs = [23, 24, 25, 26, 27, 28, 29, 30, 31, 32]
    seq.visibility[:, legs] = np.where(np.arange(len(seq))[:, None] % 3 == 0, 0.9, 0.05)
    for gait in ("auto", "running"):
        with pytest.raises(InsufficientData, match="legs were out of the picture"):
            running.analyse(context_for(seq, Settings.build(kind="run", gait=gait)))


def test_too_short_clip_says_how_long_is_enough():
    seq, _ = simulate(GaitSpec(fps=60.0, cadence_spm=180.0, duration_s=1.0))
    with pytest.raises(InsufficientData) as info:
        running.analyse(context_for(seq))
    text = str(info.value)
    # Six steps at 180 steps/min: 2.0 s.
    assert "at least 2.0 s of steady running or walking" in text and "film 5-10 s" in text


def test_legs_seen_only_in_short_stretches_say_how_long():
    """A 4-s run whose left ankle is placed only in 0.25-s stretches (a runner crossing behind
    posts, or a far leg the model keeps losing): no step can be found from a quarter of a stride,
    and the message says how long both legs were seen in a row, not only that no step repeats."""
    seq, _ = simulate(GaitSpec(fps=60.0, duration_s=4.0))
    xy = seq.xy.copy()
    hidden = (np.arange(len(seq)) % 60) >= 15  # seen 15 rows (0.25 s) of every 60
    xy[hidden, L.LEFT_ANKLE] = np.nan
    seq = dataclasses.replace(seq, xy=xy)
    assert longest_legs_seen_s(seq) == pytest.approx(14 / 60)
    with pytest.raises(ActivityNotFound) as info:
        running.analyse(context_for(seq))
    assert "both legs were seen for at most 0.2 s in a row" in str(info.value)


# -- segments ---------------------------------------------------------------------------------------


def test_two_paces_make_two_segments_and_the_headline_is_the_longer():
    slow, _ = simulate(GaitSpec(fps=60.0, cadence_spm=160.0, contact_ms=260.0, duration_s=4.0))
    fast, _ = simulate(GaitSpec(fps=60.0, cadence_spm=190.0, contact_ms=200.0, duration_s=7.0, seed=1))
    joined = PoseSequence(
        xy=np.concatenate([slow.xy, fast.xy]),
        z=np.concatenate([slow.z, fast.z]),
        visibility=np.concatenate([slow.visibility, fast.visibility]),
        timestamps_s=np.concatenate([slow.timestamps_s, fast.timestamps_s + 4.0]),
        frame_size=slow.frame_size,
        fps=60.0,
    )
    r = running.analyse(context_for(joined))
    segs = r.details["segments"]
    assert len(segs) >= 2
    rates = sorted(s["cadence_spm"] for s in segs)
    assert rates[0] == pytest.approx(160.0, rel=0.02) and rates[-1] == pytest.approx(190.0, rel=0.02)
    head = next(s for s in segs if s["segment"] == r.details["headline_segment"])
    assert head["cadence_spm"] == pytest.approx(190.0, rel=0.02) == r.metrics["cadence_spm"]
    notes = " ".join(r.reliability)
    assert "steady segments" in notes and "`start_s` and `end_s`" in notes


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_five_paces_make_five_segments(fps):
    """Issue 11 case 2: a runner through five paces, 163 to 236 steps/min, 3 s each (about 9-10%
    apart). A line through either half of such a run is no pace at all, so a split judged by the
    halves' regularity never came (one blended 'segment' at 205, fitted to 9 of its 50 contacts):
    the pass is split first and neighbouring parts joined again only where they are alike."""
    paces = [163.0, 180.0, 197.0, 215.0, 236.0]
    parts = [
        simulate(GaitSpec(fps=fps, cadence_spm=c, contact_ms=0.7 * 60000 / c, duration_s=3.0, noise_px=1.0, seed=k))[0]
        for k, c in enumerate(paces)
    ]
    offsets = np.cumsum([0.0] + [p.timestamps_s[-1] + 1 / fps for p in parts[:-1]])
    joined = PoseSequence(
        xy=np.concatenate([p.xy for p in parts]),
        z=np.concatenate([p.z for p in parts]),
        visibility=np.concatenate([p.visibility for p in parts]),
        timestamps_s=np.concatenate([p.timestamps_s + o for p, o in zip(parts, offsets, strict=True)]),
        frame_size=parts[0].frame_size,
        fps=fps,
    )
    r = running.analyse(context_for(joined))
    segs = r.details["segments"]
    assert [s["cadence_spm"] for s in segs] == pytest.approx(paces, rel=0.01)
    assert all(s["gait"] == "running" for s in segs)
    head = max(segs, key=lambda s: s["steps"])
    assert r.details["headline_segment"] == head["segment"] and r.metrics["cadence_spm"] == head["cadence_spm"]


def test_a_steady_run_with_noisy_contacts_is_one_segment():
    r, _, _ = run(GaitSpec(fps=30.0, cadence_spm=175.0, duration_s=12.0, noise_px=2.0, gaps=3, swaps=3, seed=4))
    assert len(r.details["segments"]) == 1
    assert r.metrics["cadence_spm"] == pytest.approx(175.0, rel=0.01)


# -- spreads, unreliable figures, cues --------------------------------------------------------------


def test_spreads_are_in_the_details_and_the_metrics():
    r, _, _ = run(GaitSpec(fps=60.0, noise_px=1.0, seed=3))
    contact = r.details["spreads"]["contact_ms"]
    assert contact["steps"] >= 10 and contact["q1"] <= contact["median"] <= contact["q3"]
    assert contact["iqr"] == pytest.approx(contact["q3"] - contact["q1"], abs=0.11)
    assert contact["reliable"] is True
    assert r.metrics["contact_ms_iqr"] == contact["iqr"] and r.metrics["trunk_lean_deg_iqr"] is not None
    # Step time is the passes' fitted step time: 60000 / cadence.
    assert r.metrics["step_time_ms"] == pytest.approx(60000 / r.metrics["cadence_spm"], abs=0.1)


def test_a_spread_wider_than_the_range_is_unreliable_and_gets_no_finding():
    details = {
        "spreads": {
            "knee_flexion_contact_deg": {"median": 16.0, "q1": 5.0, "q3": 27.0, "iqr": 22.0, "steps": 12},
            "trunk_lean_deg": {"median": 7.0, "q1": 6.0, "q3": 8.0, "iqr": 2.0, "steps": 3},
            "vertical_oscillation_cm": {"median": 7.0, "q1": 6.5, "q3": 7.5, "iqr": 1.0, "steps": 12},
        }
    }
    why = mark_unreliable(details, RANGES, "side")
    assert set(why) == {"knee_flexion_contact_deg", "trunk_lean_deg"}
    assert (
        "wider than the whole typical range" in why["knee_flexion_contact_deg"]
        and "only 3 step" in why["trunk_lean_deg"]
    )
    assert details["spreads"]["vertical_oscillation_cm"]["reliable"] is True


def test_a_walkers_knee_at_contact_has_the_walking_range_and_a_wide_scatter_is_marked():
    """The indoor walker filmed with display rotation (the real model's track of that variant): her
    7 steps' knee flexion at contact scatter over an IQR of 11.2 deg (median 9.7; the original clip
    reads 3.9, IQR 4.5). That is wider than the whole walking range (0-10 deg: about 5 deg at initial
    contact, Perry & Burnfield 2010), so the figure is marked unreliable; the original is not. A
    walker's card gives the walking range, not the running one (11-21 deg)."""
    from formcheck.pipeline import analyse
    from formcheck.sources import TrackSource

    variant = Path(__file__).resolve().parent / "data" / "variant_tracks"
    stem = "walking_side_indoor_wall_sports2d_demo4"
    turned = analyse(TrackSource(variant / f"{stem}.rotated.npz"), Settings.build(kind="run")).result
    original = analyse(TrackSource(TRACKS / f"running__{stem}.npz"), Settings.build(kind="run")).result
    assert turned.metrics["gait"] == original.metrics["gait"] == "walking"
    knee = turned.details["spreads"]["knee_flexion_contact_deg"]
    assert knee["iqr"] == pytest.approx(11.2, abs=0.05) and knee["reliable"] is False
    assert "wider than the whole typical range (0-10 deg)" in knee["unreliable_why"]
    assert original.details["spreads"]["knee_flexion_contact_deg"]["reliable"] is True
    assert original.metrics["knee_flexion_contact_deg"] == pytest.approx(3.9, abs=0.05)
    ref = original.references["knee_flexion_contact_deg"]
    assert (ref.low, ref.high) == (0.0, 10.0) and "Perry" in ref.source and "walking" in ref.label


def test_a_median_less_precise_than_its_tolerance_is_unreliable_and_says_how_many_steps_would_do():
    """7 steps with contact times spread over an IQR of 130 ms (the indoor walker's is 154): the
    median's standard error, 1.253 x 130 / 1.349 / sqrt(7) = 45.6 ms, exceeds the 20 ms contact time
    must hold between recordings; 7 x (45.6 / 20)^2 = 36.4, so 37 steps would bring it within. The same
    spread over 60 steps (standard error 15.6 ms) is precise enough."""
    few = {"spreads": {"contact_ms": {"median": 250.0, "q1": 190.0, "q3": 320.0, "iqr": 130.0, "steps": 7}}}
    why = mark_unreliable(few, RANGES, "side")
    assert set(why) == {"contact_ms", "duty_factor"}  # the duty factor is made from the contact time
    assert "+-46 ms" in why["contact_ms"] and "about 37 steps" in why["contact_ms"]
    assert why["duty_factor"] == f"it is the contact time over the stride, and {why['contact_ms']}"
    many = {"spreads": {"contact_ms": {"median": 250.0, "q1": 190.0, "q3": 320.0, "iqr": 130.0, "steps": 60}}}
    assert mark_unreliable(many, RANGES, "side") == {} and many["spreads"]["contact_ms"]["reliable"] is True


def test_knee_flexion_above_the_range_does_not_get_the_too_straight_cue():
    """Issue 11 case 5: a knee flexion at contact above the range (38 deg) got the cue for a knee
    that is too straight."""
    seq, _ = simulate(GaitSpec(fps=60.0))
    ctx = context_for(seq)
    result = analyse_gait(GaitInputs(seq=ctx.seq, sharp=ctx.seq, raw=ctx.raw))
    result.metrics["knee_flexion_contact_deg"] = 38.0
    result.metrics["knee_flexion_peak_deg"] = 25.0
    found = {f.metric: f for f in findings_for(result, RANGES, {})}
    above, below = found["knee_flexion_contact_deg"], found["knee_flexion_peak_deg"]
    assert above.detail.startswith("Above") and "softly bent" not in above.cue and "Run tall" in above.cue
    assert below.detail.startswith("Below") and "soft" in below.cue


def test_asymmetry_needs_more_than_the_spreads_allow():
    noisy = {"left": {"median": 250.0, "iqr": 80.0, "steps": 8}, "right": {"median": 210.0, "iqr": 80.0, "steps": 8}}
    clear = {"left": {"median": 250.0, "iqr": 10.0, "steps": 8}, "right": {"median": 210.0, "iqr": 10.0, "steps": 8}}
    assert not sides_differ(noisy) and sides_differ(clear)


def test_an_undecided_gait_gets_no_gait_ranges_until_set():
    """From behind the flight phase is not measured: at 137 steps/min, which a brisk walk and a slow
    jog share (walking up to 135, running from 140), no running range is applied to what may be a
    walker; with `gait` set, that gait's ranges are."""
    seq, _ = simulate(GaitSpec(fps=60.0, view="rear", cadence_spm=137.0, contact_ms=330.0))
    undecided = running.analyse(context_for(seq))
    assert undecided.metrics["cadence_spm"] == pytest.approx(137.0, rel=0.01)
    assert undecided.metrics["gait"] == "undetermined"
    assert "140 steps/min and more, walking 70-135" in undecided.findings[0].detail
    assert undecided.references["cadence_spm"].low is None and "not decided" in undecided.references["cadence_spm"].note
    ran = running.analyse(context_for(seq, Settings.build(kind="run", gait="running")))
    assert ran.metrics["gait"] == "running" and ran.references["cadence_spm"].low == 150.0
    walked = running.analyse(context_for(seq, Settings.build(kind="run", gait="walking")))
    assert walked.references["cadence_spm"].low == 100.0


@pytest.mark.parametrize("view", ["rear", "front"])
def test_from_behind_or_in_front_the_cadence_tells_a_run_from_a_walk(view):
    """From behind or in front the flight phase is not measured, so the cadence decides where only one
    gait reaches it. A runner going away from (coming towards) the camera at 170 steps/min is running,
    with the running ranges; its contact time, read from the feet's height above the ground (284-289
    ms for 220 here), is marked unreliable and gets no finding. A walker at 115 steps/min is walking,
    and her steps are timed where her pelvis is highest (she vaults over the stance leg): the pelvic
    drop then reads her 5 degrees; timed at the pelvis's lowest point, in double support, it read 0."""
    from formcheck.cli_summary import spread_words
    from formcheck.kinds.run.findings import FRONTAL_TIMING_DOUBT

    runner, _, _ = run(GaitSpec(fps=30.0, view=view, recede=True, noise_px=1.0, duration_s=6.0))
    assert (runner.metrics["gait"], runner.details["gait_evidence"]["decided_by"]) == ("running", "cadence")
    assert runner.references["cadence_spm"].low == 150.0
    assert runner.details["spreads"]["contact_ms"]["unreliable_why"] == FRONTAL_TIMING_DOUBT
    assert runner.details["spreads"]["flight_ms"]["reliable"] is False
    # The duty factor is made from the contact time: it carries its mark (the app's card, the terminal).
    duty = runner.details["spreads"]["duty_factor"]
    assert duty["reliable"] is False and FRONTAL_TIMING_DOUBT in duty["unreliable_why"]
    assert spread_words(duty) == " UNRELIABLE"
    assert not any(f.metric in ("contact_ms", "flight_ms") for f in runner.findings)
    assert any("told from the cadence (1" in n and "only running reaches" in n for n in runner.reliability)
    walk = GaitSpec(
        fps=30.0,
        view=view,
        recede=True,
        noise_px=1.0,
        duration_s=6.0,
        cadence_spm=115.0,
        contact_ms=650.0,
        speed_m_s=1.4,
        swing_lift=0.15,
        vertical_oscillation_cm=4.0,
    )
    walker, _, _ = run(walk)
    assert (walker.metrics["gait"], walker.details["gait_evidence"]["decided_by"]) == ("walking", "cadence")
    assert walker.metrics["cadence_spm"] == pytest.approx(115.0, rel=0.01)
    assert walker.references["cadence_spm"].low == 100.0
    assert walker.metrics["pelvic_drop_deg"] == pytest.approx(walk.pelvic_drop_deg, abs=1.0)
    assert any("pelvis highest: a walk" in note for note in walker.reliability)


def test_peak_knee_flexion_in_stance_is_the_stance_legs_loading_peak():
    """Known answer: the largest flexion of the stance leg's knee in the first 60% of its true stance
    (the generated landmarks, true contact and toe-off times). The measured figure comes from the
    detected events and the stance leg's own knee; the other leg, in swing, is more bent then
    (the test would fail on the wrong leg or a window running on past the stance's loading)."""
    spec = GaitSpec(fps=60.0, cadence_spm=170.0, contact_ms=240.0, swing_lift=0.6)
    r, truth, seq = run(spec)
    t = seq.timestamps_s
    knee = knee_flexion_series(seq)
    true_peaks, swing_peaks = [], []
    for foot, other in (("L", "R"), ("R", "L")):
        for c, o in zip(truth.contacts[foot], truth.toe_offs[foot], strict=False):
            window = (t >= c) & (t <= c + 0.6 * (o - c))
            if window.sum() >= 3:
                true_peaks.append(float(knee[foot][window].max()))
                swing_peaks.append(float(knee[other][window].max()))
    assert r.metrics["knee_flexion_peak_deg"] == pytest.approx(float(np.median(true_peaks)), abs=1.5)
    assert float(np.median(swing_peaks)) > float(np.median(true_peaks)) + 10.0


def _knee_peak_spread(left: float, right: float, iqr: float) -> dict:
    side = {"iqr": iqr, "steps": 8}
    return {
        "median": right,
        "q1": right - iqr / 2,
        "q3": right + iqr / 2,
        "iqr": iqr,
        "steps": 16,
        "left": side | {"median": left},
        "right": side | {"median": right},
    }


def test_legs_that_disagree_at_mid_stance_make_the_knee_peak_less_certain_in_a_side_view():
    """Peak stance knee flexion is taken at mid stance, as the swing leg passes: legs 38.5 and 61 deg
    apart beyond their spreads (the 60 fps treadmill clip's) are marked less certain in a side view;
    legs within their spreads, or the same figures seen from behind, are not."""
    apart = {"spreads": {"knee_flexion_peak_deg": _knee_peak_spread(38.5, 61.2, 7.5)}}
    why = mark_unreliable(apart, RANGES, "side")
    assert set(why) == {"knee_flexion_peak_deg"} and "38.5 and 61.2 deg" in why["knee_flexion_peak_deg"]
    assert apart["spreads"]["knee_flexion_peak_deg"]["reliable"] is False
    together = {"spreads": {"knee_flexion_peak_deg": _knee_peak_spread(40.0, 43.0, 7.5)}}
    assert mark_unreliable(together, RANGES, "side") == {}
    assert (
        mark_unreliable({"spreads": {"knee_flexion_peak_deg": _knee_peak_spread(38.5, 61.2, 7.5)}}, RANGES, "rear")
        == {}
    )


def test_the_treadmill_clips_mixed_knees_get_no_knee_peak_finding():
    """The 60 fps treadmill track: the near leg's stance knee peaks read 48-86 deg where the far leg's
    swing knee passes it, the far leg's 35-43 deg. The figure is reported, marked unreliable, with
    no finding; the knee at contact (legs apart) keeps its finding."""
    r = running.analyse(context_for(PoseSequence.load_npz(TRACKS / "running__treadmill_side_phone60fps_mhuang.npz")))
    spread = r.details["spreads"]["knee_flexion_peak_deg"]
    assert spread["left"]["median"] < 45.0 < spread["right"]["median"] and spread["reliable"] is False
    assert r.metrics["knee_flexion_peak_deg"] == spread["median"]
    metrics_with_findings = {f.metric for f in r.findings}
    assert "knee_flexion_peak_deg" not in metrics_with_findings and "knee_flexion_contact_deg" in metrics_with_findings
    assert any("knee_flexion_peak_deg is unreliable here: the left and right legs" in n for n in r.reliability)


def test_a_pass_walked_backwards_does_not_vote_for_the_gait():
    """The indoor walker with the camera further away (the real model's track of her clip scaled to
    55% of the picture): her second pass is walked backwards, where the foremost heel and the
    hindmost toe are not contact and toe-off; with its 7 toe-offs in the vote the median phase came
    to 0.66 (a flight phase), she was called a runner, and her 112 steps/min then read as slow
    motion with the cadence withheld. Only the forward pass's toe-offs vote now (4, too few to
    decide alone; the pelvis's vault decides): walking, the cadence of the original within 1%."""
    from formcheck.pipeline import analyse
    from formcheck.sources import TrackSource

    variant = Path(__file__).resolve().parent / "data" / "variant_tracks"
    stem = "walking_side_indoor_wall_sports2d_demo4"
    far = analyse(TrackSource(variant / f"{stem}.farther.npz"), Settings.build(kind="run")).result
    original = analyse(TrackSource(TRACKS / f"running__{stem}.npz"), Settings.build(kind="run")).result
    assert [s["backward"] for s in far.details["segments"]] == [False, True]
    assert far.details["gait_evidence"]["toe_offs_timed"] == 4
    assert far.metrics["gait"] == original.metrics["gait"] == "walking"
    assert far.details["slow_motion_suspected"] is False
    assert far.metrics["cadence_spm"] == pytest.approx(original.metrics["cadence_spm"], rel=0.01)


def test_a_left_right_difference_seen_from_one_side_is_information_with_a_check_not_a_fault():
    """The 60 fps treadmill with the camera further away (the real model's track of the clip scaled
    to 55% of the picture): the far leg's contacts read 331.5 ms against the near leg's 288 (14%,
    beyond the per-side spreads), where the original reads 273 and 275. From one side the far leg is
    seen behind the near one all the clip, so the finding says so and how to check it (film the
    other side), with no drill. From behind both legs are seen alike: the same difference is an
    attention finding with its drill."""
    from types import SimpleNamespace

    from formcheck.kinds.run.findings import asymmetry_findings
    from formcheck.pipeline import analyse
    from formcheck.sources import TrackSource

    variant = Path(__file__).resolve().parent / "data" / "variant_tracks"
    far = analyse(TrackSource(variant / "treadmill_side_phone60fps_mhuang.farther.npz"), Settings.build(kind="run"))
    m = far.result.metrics
    assert (m["contact_ms_left"], m["contact_ms_right"], m["contact_ms_asymmetry_pct"]) == (331.5, 288.0, 14.0)
    (found,) = [f for f in far.result.findings if f.title.startswith("Left/right difference")]
    assert found.severity == "info" and found.drill == ""
    assert found.title == "Left/right difference in ground contact time: 14% (near leg against far leg)"
    assert "other side" in found.cue
    rear = SimpleNamespace(metrics={**m, "view": "rear"}, details=far.result.details)
    (behind,) = asymmetry_findings(rear)  # type: ignore[arg-type]
    assert behind.severity == "attention" and "Single-leg" in behind.drill
    assert behind.title == "Left/right difference in ground contact time: 14%"


def test_a_median_of_two_legs_that_read_apart_from_one_side_is_marked():
    """From one side the far leg is seen behind the near one all the clip, so the median of both feet's
    steps may be off by half their difference, whichever leg is right. The 60 fps treadmill with the
    camera further away read 303 ms of contact (the original 273: 30 ms off, outside the 20-ms
    tolerance) with its feet at 331.5 and 288: it is now marked, and told to check the legs from the
    other side; the `farther` variant (the invariance table's) read 295 with its feet at 284 and 316.5,
    within what their spreads allow: marked too. The original (273 and 275) is not. From behind, where both legs are seen alike, half
    the difference is not added."""
    from formcheck.kinds.run.findings import imprecision
    from formcheck.pipeline import analyse
    from formcheck.sources import TrackSource

    variant = Path(__file__).resolve().parent / "data" / "variant_tracks"
    far = analyse(TrackSource(variant / "treadmill_side_phone60fps_mhuang.farther.npz"), Settings.build(kind="run"))
    contact = far.result.details["spreads"]["contact_ms"]
    assert (far.result.metrics["contact_ms"], contact["reliable"]) == (303.0, False)
    assert "+-21.75 ms: the left and right feet's steps read 331.5 and 288 ms" in contact["unreliable_why"]
    assert contact["unreliable_why"].endswith("film the other side, or from behind, to check the legs")
    # The `farther` variant itself (another x264 preset): 295 ms, 22 ms off, its feet at 284 and 316.5
    # ms, not apart beyond their spreads (IQRs 34 and 46 ms), yet the median may be off by half of it.
    made = analyse(
        TrackSource(variant / "treadmill_side_phone60fps_mhuang.farther_variant.npz"), Settings.build(kind="run")
    )
    contact = made.result.details["spreads"]["contact_ms"]
    assert (made.result.metrics["contact_ms"], contact["reliable"], sides_differ(contact)) == (295.0, False, False)
    assert "known to about +-20 ms only" in contact["unreliable_why"] and "+-16.25 ms" in contact["unreliable_why"]
    original = running.analyse(
        context_for(PoseSequence.load_npz(TRACKS / "running__treadmill_side_phone60fps_mhuang.npz"))
    )
    assert original.details["spreads"]["contact_ms"]["reliable"] is True
    # Known answers: 9 steps a side, IQR 18 ms (the median's standard error 3.9 ms for the 18 steps),
    # feet 30 ms apart: hypot(3.9, 15) = +-15.5 ms, within 20; 46 ms apart: hypot(3.9, 23) = +-23.
    sides = {"left": {"median": 260.0, "iqr": 18.0, "steps": 9}, "right": {"median": 290.0, "iqr": 18.0, "steps": 9}}
    spread = {"median": 275.0, "iqr": 18.0, "steps": 18, **sides}
    assert imprecision(spread, 20.0, "ms", one_side=True) == ""
    spread["right"] = {"median": 306.0, "iqr": 18.0, "steps": 9}
    assert "known to about +-23 ms" in imprecision(spread, 20.0, "ms", one_side=True)
    assert imprecision(spread, 20.0, "ms", one_side=False) == ""


def test_a_weak_alternation_is_refused_with_the_way_to_analyse_it_as_a_gait():
    """The rear clip with the camera further away (the real model's track of the picture at 55%): the
    runner, 107 px of trunk shrinking to 38, is tracked to the end, but seen from behind and small his
    feet's alternation reads 0.06 leg lengths of range, under the 0.08 a gait gives. Refused, the
    message says how to analyse it anyway (`gait`); with `gait running` it is analysed, with the doubt
    noted, at 164.8 steps/min (the original's 167.9: this copy lacks the runner's first, near frames)."""
    from formcheck.pipeline import analyse
    from formcheck.sources import TrackSource

    path = (
        Path(__file__).resolve().parent
        / "data"
        / "variant_tracks"
        / "outdoor_rear_lowcam_openpose_overlay_radluy.farther.npz"
    )
    with pytest.raises(ActivityNotFound) as refused:
        analyse(TrackSource(path), Settings.build(kind="run"))
    assert "foot separation range 0.06 leg lengths" in str(refused.value)
    assert "set `gait` to analyse it with that doubt noted" in str(refused.value)
    ran = analyse(TrackSource(path), Settings.build(kind="run", gait="running")).result
    assert (ran.metrics["gait"], ran.metrics["view"]) == ("running", "rear")
    assert ran.metrics["cadence_spm"] == pytest.approx(164.8, abs=0.2)
    assert any(
        note.startswith("the feet's alternation is weak (foot separation range 0.06") for note in ran.reliability
    )
