"""Running / walking gait: synthetic gaits with known answers, recorded real tracks, error cases,
and a few real-model runs on the real footage."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from formcheck.errors import ActivityNotFound, InsufficientData
from formcheck.gaitsim import GaitSpec, context_for, simulate
from formcheck.kinds.run import spec as running
from formcheck.landmarks import Landmark as L
from formcheck.sequence import PoseSequence
from formcheck.settings import Settings

TRACKS = Path(__file__).resolve().parent / "data" / "tracks"
STEP_KEYS = [
    "step",
    "foot",
    "contact_s",
    "toe_off_s",
    "contact_ms",
    "flight_ms",
    "double_support_ms",
    "step_time_ms",
    "overstride_cm",
    "overstride_pct_leg",
    "shank_angle_at_contact_deg",
    "knee_flexion_contact_deg",
    "knee_flexion_peak_deg",
    "strike",
]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def track(stem: str) -> PoseSequence:
    return PoseSequence.load_npz(TRACKS / f"{stem}.npz")


def event_errors_frames(result, truth, fps: float) -> list[float]:
    """Signed error (frames) of each detected event against the nearest true event of its foot/kind."""
    errs = []
    for ev in result.events:
        true = (truth.contacts if ev["kind"] == "contact" else truth.toe_offs)[ev["foot"]]
        errs.append(float((ev["time_s"] - true[np.argmin(np.abs(true - ev["time_s"]))]) * fps))
    return errs


# -- synthetic ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0, 240.0])
@pytest.mark.parametrize("cadence,contact_ms,speed", [(160.0, 260.0, 2.5), (180.0, 200.0, 4.0)])
def test_synthetic_side_noise_free(fps, cadence, contact_ms, speed):
    spec = GaitSpec(fps=fps, cadence_spm=cadence, contact_ms=contact_ms, speed_m_s=speed, duration_s=5.0)
    seq, truth = simulate(spec)
    r = running.analyse(context_for(seq))
    assert r.metrics["view"] == "side" and r.metrics["gait"] == "running"
    assert r.metrics["cadence_spm"] == pytest.approx(cadence, rel=0.01)
    errs = np.abs(event_errors_frames(r, truth, fps))
    assert len(errs) >= 4 * 5 * cadence / 120 - 4
    assert errs.max() <= 1.0
    assert r.metrics["contact_ms"] == pytest.approx(contact_ms, abs=1000 / fps + 2)
    assert r.metrics["trunk_lean_deg"] == pytest.approx(spec.trunk_lean_deg, abs=1.0)
    assert r.metrics["vertical_oscillation_cm"] == pytest.approx(spec.vertical_oscillation_cm, rel=0.25)
    assert r.metrics["overstride_cm"] == pytest.approx(spec.overstride_cm, rel=0.25)
    assert r.metrics["foot_strike"] == "rearfoot"
    assert list(r.steps[0])[: len(STEP_KEYS)] == STEP_KEYS
    assert r.details["time_metrics_low_confidence"] == (fps < 60)


@pytest.mark.parametrize(
    "gait",
    [
        {"cadence_spm": 170.0, "contact_ms": 220.0},
        {"cadence_spm": 160.0, "contact_ms": 260.0, "speed_m_s": 2.5},
        {"cadence_spm": 110.0, "contact_ms": 660.0, "speed_m_s": 1.3, "vertical_oscillation_cm": 3.0},
    ],
    ids=["run170", "run160", "walk110"],
)
def test_contact_time_does_not_depend_on_the_frame_rate(gait):
    """The same generated gait filmed at 30, 60, 120 and 240 fps: contact times within 5 ms of each
    other and 15 ms of the truth. (The corner fit over a fixed number of frames spanned twice the time
    at 30 fps and read 253 against 225 ms at 60 fps for a 220-ms contact.)"""
    measured = {}
    for fps in (30.0, 60.0, 120.0, 240.0):
        seq, _ = simulate(GaitSpec(fps=fps, duration_s=8.0, **gait))
        measured[fps] = running.analyse(context_for(seq)).metrics["contact_ms"]
    assert max(measured.values()) - min(measured.values()) <= 5.0, measured
    assert all(abs(v - gait["contact_ms"]) <= 15.0 for v in measured.values()), measured


@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0, 240.0])
def test_synthetic_noise_gaps_swaps(fps):
    spec = GaitSpec(fps=fps, noise_px=2.0, gaps=3, swaps=3, swap_frames=max(2, int(fps / 15)), duration_s=6.0, seed=3)
    seq, truth = simulate(spec)
    assert truth.swapped_rows.size > 0
    r = running.analyse(context_for(seq))
    assert r.metrics["cadence_spm"] == pytest.approx(spec.cadence_spm, rel=0.01)
    errs = np.abs(event_errors_frames(r, truth, fps))
    # Swapped labels left in place would put a contact on the wrong foot (an error of half a stride).
    assert errs.max() < 0.25 * fps * 120 / spec.cadence_spm
    # With 2 px noise (unsmoothed corner fit) most events stay within a frame; none beyond 50 ms (events next to an occlusion gap or a swap).
    assert np.mean(errs <= 1.0) >= 0.7
    assert np.all(errs <= max(2.0, 0.05 * fps))


def test_synthetic_overground_facing_left():
    spec = GaitSpec(fps=120.0, facing=-1, overground=True, noise_px=1.0)
    seq, _truth = simulate(spec)
    r = running.analyse(context_for(seq))
    assert r.details["setting"] == "overground" and r.details["facing"] == "left"
    assert r.metrics["cadence_spm"] == pytest.approx(spec.cadence_spm, rel=0.01)
    assert r.metrics["trunk_lean_deg"] == pytest.approx(spec.trunk_lean_deg, abs=1.0)


@pytest.mark.parametrize("view", ["rear", "front"])
def test_synthetic_frontal_views(view):
    spec = GaitSpec(fps=60.0, view=view)
    seq, _ = simulate(spec)
    r = running.analyse(context_for(seq))
    assert r.metrics["view"] == view
    assert r.metrics["cadence_spm"] == pytest.approx(spec.cadence_spm, rel=0.01)
    assert r.metrics["step_width_cm"] == pytest.approx(spec.step_width_cm, abs=3.0)
    assert r.metrics["pelvic_drop_deg"] == pytest.approx(spec.pelvic_drop_deg, abs=1.5)
    assert any("2D proxies" in note for note in r.reliability)


@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0, 240.0])
@pytest.mark.parametrize("view,cadence", [("rear", 165.0), ("front", 180.0)])
def test_synthetic_frontal_receding_runner(fps, view, cadence):
    """A runner going away from (rear) or coming towards (front) a fixed low camera, seen in
    perspective: the figure changes size about 4-5x over the clip, with landmark noise. The
    trunk-scaled pelvis / feet / sway detector must still give the cadence within 1%."""
    spec = GaitSpec(
        fps=fps, view=view, recede=True, cadence_spm=cadence, noise_px=1.0, px_per_cm=5.0, duration_s=5.0, seed=int(fps)
    )
    seq, truth = simulate(spec)
    r = running.analyse(context_for(seq))
    assert r.metrics["view"] == view and r.details["size_change_factor"] > 3.0
    assert r.metrics["cadence_spm"] == pytest.approx(cadence, rel=0.01)
    assert r.metrics["steps_counted"] >= 10
    # Mid-stance instants (pelvis lowest) land on the true mid stance within 40 ms, a tenth of a step (the last one,
    # next to the clip's end where the trend line is extrapolated, is the worst), feet right.
    mids = {f: c + spec.contact_ms / 2000.0 for f, c in truth.contacts.items()}
    for ev in (e for e in r.events if e["kind"] == "midstance"):
        assert np.min(np.abs(mids[ev["foot"]] - ev["time_s"])) <= 0.04
    assert r.metrics["pelvic_drop_deg"] == pytest.approx(spec.pelvic_drop_deg, abs=1.5)
    assert r.metrics["step_width_cm"] == pytest.approx(spec.step_width_cm, abs=2.0)
    assert r.metrics["vertical_oscillation_cm"] == pytest.approx(spec.vertical_oscillation_cm, rel=0.2)
    assert any("changed by a factor" in note for note in r.reliability)


@pytest.mark.parametrize("view", ["rear", "front"])
def test_the_generated_stance_foot_stands_still_in_the_picture_of_a_fixed_camera(view):
    """A foot on the ground does not move while the body passes over it, so a fixed camera sees it
    still, however the runner goes away or comes nearer; the swing foot moves. The generator once put
    the foot ahead of the pelvis nearer to the camera from behind (and farther in front), so a stance
    foot drifted by 3 px in 0.1 s (a receding walker seemed to leave the ground)."""
    spec = GaitSpec(fps=60.0, view=view, recede=True, duration_s=3.0, px_per_cm=2.0)
    seq, truth = simulate(spec)
    t = seq.timestamps_s
    c, o = truth.contacts["L"][0], truth.toe_offs["L"][0]
    flat = (t > c + 0.27 * (o - c)) & (t < c + 0.53 * (o - c))  # the foot flat: after the heel strike, before heel rise
    foot = seq.xy[:, [L.LEFT_HEEL, L.LEFT_FOOT_INDEX]]
    assert np.all(np.ptp(foot[flat], axis=0) < 0.5)  # pixels, heel and toe, x and y
    swing = (t > o + 0.05) & (t < o + 0.2)
    assert np.ptp(foot[swing, 1, 1]) > 3.0  # the swing toe moves, by 5-10 px


def test_frontal_too_short_says_fewer_than_two_strides():
    seq, _ = simulate(GaitSpec(fps=60.0, view="rear", duration_s=1.0))
    with pytest.raises(InsufficientData) as info:  # 1 s at 170 steps/min: under 3 steps
        running.analyse(context_for(seq))
    message = str(info.value)
    assert "fewer than two strides" in message and "2 regular step(s) in a row" in message
    assert "at least 4 steps in a row" in message and "film 5-10 s" in message


def test_gait_passes_known_answers():
    """Step instants every 0.5 s (120 steps/min) with one contact found twice, one missed and a
    3 s pause (a turn) in between: two passes, each fitted to exactly 0.5 s a step."""
    from formcheck.kinds.run import cadence

    first = [0.0, 0.5, 0.52, 1.0, 2.0, 2.5, 3.0]  # 0.52: found twice; 1.5: missed
    second = [6.0 + 0.5 * k for k in range(7)]
    passes = cadence.gait_passes(first + second, 0.5)
    assert len(passes) == 2
    assert [p.steps for p in passes] == [6, 6]
    assert passes[0].dropped == 1 and passes[0].instants == 6
    for p in passes:
        assert p.cadence_spm == pytest.approx(120.0, rel=1e-6)
    assert cadence.pooled_cadence(passes)[0] == pytest.approx(120.0, rel=1e-6)


def test_a_pace_change_stands_only_where_every_clock_sees_it():
    """Contacts of a steady 200 steps/min run (0.3 s) whose last 6 steps come 10% quicker (0.27 s:
    the contacts alone split, `pace_parts`), while the pelvis's lowest and highest points stay at
    0.3 s: one pass at about 200 (the contacts, within 4% of the pelvis's clocks, weigh in). When every clock quickens (a real pace change) there are two passes, at
    200 and 222.2 steps/min."""
    from formcheck.kinds.run.cadence import cadence_by_pass

    steady = [0.3 * k for k in range(17)]
    quicker = [0.3 * k for k in range(11)] + [3.0 + 0.27 * k for k in range(1, 7)]

    def clocks(contacts: list[float], pelvis: list[float]) -> dict[str, list[float]]:
        return {
            "contacts": contacts,
            "pelvis_lows": [t + 0.1 for t in pelvis],
            "pelvis_highs": [t + 0.25 for t in pelvis],
        }

    one = cadence_by_pass(clocks(quicker, steady), "contacts", 0.3)
    assert len(one.passes) == 1 and one.passes[0]["cadence_spm"] == pytest.approx(200.0, rel=0.01)
    two = cadence_by_pass(clocks(quicker, quicker), "contacts", 0.3)
    assert [p["cadence_spm"] for p in two.passes] == [200.0, 222.2]
    assert [p["start_s"] for p in two.passes] == [0.0, 3.0]


def test_cadence_standard_error_known_answers():
    """Two clocks of 0.5 s steps, each with a 5 ms standard error: pooled 5 / sqrt(2) = 3.54 ms, i.e.
    60 / 0.5^2 x 0.00354 = 0.85 steps/min. When they disagree (0.49 and 0.51 s: 2 standard errors
    each side of the mean, chi2 = 8 on 1 degree of freedom) the Birge ratio sqrt(8) widens it to
    2.4 steps/min (at the mean 0.5 s)."""
    from formcheck.kinds.run.cadence import GaitPass, pooled_cadence_se

    agree = [GaitPass(0.0, 5.0, 10, 0.5, 11, 0, 0.005), GaitPass(0.0, 5.0, 10, 0.5, 11, 0, 0.005)]
    assert pooled_cadence_se(agree) == pytest.approx(60 / 0.25 * 0.005 / np.sqrt(2), rel=1e-6)
    apart = [GaitPass(0.0, 5.0, 10, 0.49, 11, 0, 0.005), GaitPass(0.0, 5.0, 10, 0.51, 11, 0, 0.005)]
    assert pooled_cadence_se(apart) == pytest.approx(np.sqrt(8) * 60 / 0.25 * 0.005 / np.sqrt(2), rel=1e-6)


def test_a_cadence_less_precise_than_one_percent_is_unreliable_and_gets_no_finding():
    """A cadence of 110.9 steps/min known to +-1.49 (1.3%: the indoor walker's hand-held copy, 6
    steps) is marked, with 6 x 1.34^(2/3) = 7.3, so 8 steps; +-0.8 (0.7%) is not."""
    from formcheck.kinds.run.findings import cadence_imprecision, mark_unreliable
    from formcheck.kinds.run.thresholds import RANGES

    why = cadence_imprecision(110.9, 1.49, 6)
    assert "+-1.5 steps/min only (1.3%" in why and "about 8 steps" in why
    assert cadence_imprecision(110.9, 0.8, 6) == ""
    details = {"spreads": {"cadence_spm": {"median": 110.9, "se": 1.49, "steps": 6}}}
    assert set(mark_unreliable(details, RANGES, "side")) == {"cadence_spm"}
    assert details["spreads"]["cadence_spm"]["reliable"] is False
    r = running.analyse(context_for(simulate(GaitSpec(fps=60.0, duration_s=6.0))[0]))
    spread = r.details["spreads"]["cadence_spm"]
    assert spread["reliable"] is True and 0 < spread["se"] < 0.01 * spread["median"]
    assert "cadence_spm" in {f.metric for f in r.findings}


def test_view_override_is_used():
    seq, _ = simulate(GaitSpec(fps=60.0, view="rear"))
    r = running.analyse(context_for(seq, Settings.build(kind="run", view="rear")))
    assert r.details["view"] == "rear" and r.details["view_detected"] is False


def test_slow_motion_without_capture_rate_is_flagged():
    """A 240 fps capture stored at 30 fps (8x slow motion): no confident cadence, a warning instead."""
    spec = GaitSpec(fps=240.0, duration_s=6.0)
    seq, _ = simulate(spec)
    seq.timestamps_s = np.arange(len(seq)) / 30.0
    seq.fps = 30.0
    r = running.analyse(context_for(seq))
    assert r.metrics["cadence_spm"] is None and r.metrics["contact_ms"] is None
    assert r.metrics["cadence_at_file_rate_spm"] == pytest.approx(spec.cadence_spm / 8, rel=0.02)
    assert r.details["slow_motion_suspected"] and r.details["slow_motion_factor_estimate"] > 5
    warning = [f for f in r.findings if f.severity == "warning"]
    assert warning and "`capture_fps`" in warning[0].cue
    assert all(s["contact_ms"] is None for s in r.steps)


def test_short_clip_says_too_short():
    seq, _ = simulate(GaitSpec(fps=60.0, duration_s=1.0))
    with pytest.raises(InsufficientData, match="too short for two strides"):
        running.analyse(context_for(seq))


def test_events_series_and_overlay():
    from formcheck.landmarks import Landmark as L
    from formcheck.overlay import Label, Marker

    seq, _ = simulate(GaitSpec(fps=60.0))
    r = running.analyse(context_for(seq))
    labels = {e["label"] for e in r.events}
    assert {"L contact", "R contact", "L toe-off", "R toe-off"} <= labels
    for name in ("knee_flexion_left_deg", "knee_flexion_right_deg", "pelvis_height_cm"):
        assert r.series[name].shape == (len(seq),)
    contact = next(e for e in r.events if e["kind"] == "contact" and e["time_s"] > 1.0)
    row = int(round(contact["time_s"] * 60))
    drawing = r.overlay.drawing(row)
    heel = L.LEFT_HEEL if contact["foot"] == "L" else L.RIGHT_HEEL
    dots = [m for m in drawing.shapes if isinstance(m, Marker) and m.shape == "dot"]
    assert any(
        np.allclose(m.at, seq.xy[row, heel], atol=3.0) and m.role == {"L": "left", "R": "right"}[contact["foot"]]
        for m in dots
    ), "no contact marker on the contact heel"
    assert any(isinstance(t, Label) and t.text == contact["label"] for t in drawing.shapes)
    assert drawing.panel[0][0].startswith("running, side view")
    assert any(text.startswith("step ") for text, _ in drawing.panel)  # the current step's figures
    # Between events (0.2 s after this contact, before the toe-off of a 160-190 spm gait) no marker is drawn.
    times = np.array([e["time_s"] for e in r.events])
    quiet = next(i for i in range(row, len(seq)) if np.min(np.abs(times - i / 60)) > 0.13)
    assert not [m for m in r.overlay.drawing(quiet).shapes if isinstance(m, Marker)]


# -- recorded real tracks -----------------------------------------------------------------------

GAIT_TRACKS = [
    "running__treadmill_side_phone60fps_mhuang",
    "running__treadmill_side_lab_slowmo_mhuang",
    "running__outdoor_side_silhouette_panning_becklabs",
    "running__jogging_side_short_sports2d_demo3",
    "running__walking_side_indoor_wall_sports2d_demo4",
    "running__outdoor_rear_lowcam_openpose_overlay_radluy",
]
OTHER_TRACKS = sorted(p.stem for p in TRACKS.glob("*.npz") if not p.stem.startswith("running__"))


@pytest.mark.parametrize("stem", GAIT_TRACKS)
def test_recognise_gait_tracks(stem):
    assert running.recognise(context_for(track(stem))) > 0.5


@pytest.mark.parametrize("stem", OTHER_TRACKS)
def test_recognise_and_reject_plank_and_posture_tracks(stem):
    ctx = context_for(track(stem))
    assert running.recognise(ctx) < 0.2
    with pytest.raises(ActivityNotFound, match="no running or walking found"):
        running.analyse(ctx)


def test_treadmill_60fps_track():
    r = running.analyse(context_for(track("running__treadmill_side_phone60fps_mhuang")))
    assert not [e for e in r.events if e["kind"] == "segment"]  # one steady segment: the whole clip
    m = r.metrics
    assert m["gait"] == "running" and m["view"] == "side" and r.details["setting"] == "in place"
    # Reference 167 spm (labeled/cadence_reference.csv, +-3); our own count of the ankle peaks gives ~169.
    assert m["cadence_spm"] == pytest.approx(167.0, rel=0.02)
    assert m["steps_counted"] >= 16
    assert r.details["facing"] == "right" and r.details["near_side"] == "right"
    assert 10 <= m["knee_flexion_contact_deg"] <= 30
    assert r.details["far_leg_occluded_fraction"] > 0.05
    assert not r.details["slow_motion_suspected"]


def test_the_toe_offs_common_offset_makes_a_contact_time_less_certain():
    """Every toe-off is moved by one offset, the median over the clip of how far the toe's vertical
    corner lies from its hindmost point (`events.shifted_by_median`); its standard error is shared
    by every step and does not average out over them. The 2-people walker's offsets scatter from
    0 to -5 frames (+-29.7 ms on the median), so her 755-ms contact time (5 steps, IQR 5 ms: +-2 ms
    from the steps alone) is marked unreliable; its hand-held copy read 816.5 ms. The 60 fps
    treadmill's offsets agree within +-5.2 ms, and its contact time (17 steps) is not marked."""
    from formcheck.kinds.run.findings import imprecision

    walker = running.analyse(context_for(track("running__walking_side_2people_sports2d_demo.other1")))
    spread = walker.details["spreads"]["contact_ms"]
    assert (walker.metrics["contact_ms"], spread["iqr"], spread["steps"]) == (755.0, 5.0, 5)
    assert spread["shared_se"] == pytest.approx(29.7, abs=0.5)
    assert spread["reliable"] is False and "common timing offset" in spread["unreliable_why"]
    assert imprecision({"iqr": 5.0, "steps": 5}, 20.0, "ms") == ""  # the steps alone would pass
    assert not any(f.metric == "contact_ms" for f in walker.findings)
    treadmill = running.analyse(context_for(track("running__treadmill_side_phone60fps_mhuang")))
    spread = treadmill.details["spreads"]["contact_ms"]
    assert spread["shared_se"] == pytest.approx(5.2, abs=0.5)
    assert (spread["steps"], spread["reliable"]) == (17, True)


def test_far_leg_steps_count_where_the_leg_was_seen_at_their_events():
    """The 60 fps treadmill's far leg is hidden in 31% of its frames, where the legs cross in the
    picture (the other leg's mid stance), but at none of its 9 contacts and toe-offs, where the
    legs are apart: all 17 steps count in the headline (the near leg's 8 alone, before: contact
    275 ms, IQR 78.5, marked unreliable; its copies read 246-278). A far-leg step whose contact or
    toe-off falls on a hidden frame is left out and the note says so (it stays in the table)."""
    from formcheck.kinds.run.gait import steps_seen
    from formcheck.kinds.run.rows import StepRow

    r = running.analyse(context_for(track("running__treadmill_side_phone60fps_mhuang")))
    assert r.details["far_leg_occluded_fraction"] == pytest.approx(0.31, abs=0.01)
    assert (r.metrics["contact_ms"], r.details["spreads"]["contact_ms"]["steps"]) == (273.0, 17)
    assert not any("left out of the headline" in n for n in r.reliability)
    ts = np.arange(100) / 50.0
    hidden = np.zeros(100, dtype=bool)
    hidden[40:45] = True  # 0.80-0.88 s
    rows = [
        StepRow(step=1, foot="L", contact_s=0.2, toe_off_s=0.5),
        StepRow(step=2, foot="R", contact_s=0.6, toe_off_s=0.84),  # far, its toe-off hidden
        StepRow(step=3, foot="L", contact_s=0.82, toe_off_s=1.1),  # near: the near leg is seen
        StepRow(step=4, foot="R", contact_s=1.2, toe_off_s=None),  # far, seen at its contact
    ]
    assert [row.step for row in steps_seen(rows, hidden, ts, "R")] == [1, 3, 4]


def test_walking_indoor_track():
    r = running.analyse(context_for(track("running__walking_side_indoor_wall_sports2d_demo4")))
    assert r.metrics["gait"] == "walking"
    # Reference 114 +- 4 (cadence_reference.csv: 114.3 / 113.0 for frames 50-140, 114.6 for 200-340);
    # our own count of heel strikes, frame by frame: 112.5-113.2 on both passes.
    assert r.metrics["cadence_spm"] == pytest.approx(114.0, rel=0.01)
    passes = r.details["passes"]
    assert len(passes) == 2  # the turn (frames ~150-200) separates two passes
    first, second = passes
    assert first["end_s"] < 160 / 30 and second["start_s"] > 190 / 30
    # The steady parts leave out the first and last step of each pass (entering the frame, stopping
    # to turn, starting again).
    assert first["steady_to_s"] < 150 / 30 and second["steady_from_s"] > 200 / 30
    for p in passes:
        assert p["cadence_spm"] == pytest.approx(112.8, rel=0.015)
    assert any(f.title.startswith("Walking recognised") for f in r.findings)
    # 7 timed steps of a slow-rolling walking toe-off (IQR ~150 ms): the median's standard error is
    # more than twice the 20 ms a contact time must hold between recordings; the user is told how
    # many steps would do (in the spreads and the reliability notes).
    contact = r.details["spreads"]["contact_ms"]
    assert contact["steps"] <= 8 and contact["reliable"] is False
    assert "steps of steady gait would give that" in contact["unreliable_why"]
    assert any(n.startswith("contact_ms is unreliable here: the median of its") for n in r.reliability)
    # The two passes are on the timeline as intervals (the app's charts shade them, its video seeks to them).
    segments = [e for e in r.events if e["kind"] == "segment"]
    assert [(e["start_s"], e["end_s"]) for e in segments] == [(p["start_s"], p["end_s"]) for p in passes]
    assert segments[0]["label"].endswith("headline") and segments[1]["label"].endswith("backwards")


def test_rear_lowcam_track():
    """The rear-view clip (runner passing a low camera and running away, 2.6x smaller by the end,
    an OpenPose skeleton baked into the frames). Our own count, frame by frame: contacts at frames
    10, 21, 32, 42.5, 53, 62.5 (10.5 frames a step: 171 steps/min at the assumed 30 fps); the
    pelvis's lowest points fall about 2-3 frames before the other foot's contact."""
    r = running.analyse(context_for(track("running__outdoor_rear_lowcam_openpose_overlay_radluy")))
    m = r.metrics
    assert m["cadence_spm"] == pytest.approx(170.0, rel=0.03)
    # From behind the cadence tells the gait: only running reaches 168 steps/min.
    assert (m["view"], m["gait"], r.details["gait_evidence"]["decided_by"]) == ("rear", "running", "cadence")
    assert m["steps_counted"] >= 4
    mids = [e for e in r.events if e["kind"] == "midstance"]
    assert [e["foot"] for e in mids] == ["L", "R", "L", "R"]
    for e, frame in zip(mids, (18.5, 29, 40, 50.5), strict=False):
        assert e["time_s"] * 30 == pytest.approx(frame, abs=1.5)
    # Our own figures from this track (2D proxies; the conventions are checked on the synthetic
    # runner's known answers above): a change here means the method changed.
    assert m["pelvic_drop_deg"] == pytest.approx(-2.5, abs=1.0)
    assert m["step_width_cm"] == pytest.approx(5.6, abs=1.5)
    assert m["knee_frontal_angle_deg"] == pytest.approx(1.6, abs=1.5)
    drop = r.details["spreads"]["pelvic_drop_deg"]
    assert drop["steps"] == 4 and (drop["left"]["steps"], drop["right"]["steps"]) == (2, 2)
    assert drop["q1"] <= drop["median"] <= drop["q3"]
    assert r.details["size_change_factor"] > 2.0
    notes = " ".join(r.reliability)
    assert "changed by a factor" in notes and "real capture rate" in notes and "2D proxies" in notes
    assert r.series["pelvis_height_cm"].shape == (79,)


def test_the_rear_views_ground_band_allows_for_the_feet_s_noise():
    """Seen from behind, a foot is on the ground while its height above the ground line is in the
    bottom of its range: the bottom 15%, or twice the height's own noise where that is more. On the
    rear clip the stance foot reads 0.00-0.04 of a trunk length with noise of about 0.02, so a 15%
    band (0.02-0.03) missed the stance at 2 of its 4 mid stances; now each has its toe-off. The
    noise is measured from the height's second differences, which a foot's smooth lift barely moves:
    white noise of 0.02 on a 0.3-high lift, sampled 11 times a step, reads within 15%."""
    from formcheck.kinds.run.rear import height_noise

    r = running.analyse(context_for(track("running__outdoor_rear_lowcam_openpose_overlay_radluy")))
    assert (r.details["toe_offs_found"], r.details["toe_offs_expected"]) == (4, 4)
    assert 150.0 <= r.metrics["contact_ms"] <= 260.0  # a runner's contact at ~170 steps/min
    rng = np.random.default_rng(1)
    rows = np.arange(200)
    lift = 0.3 * np.clip(np.sin(2 * np.pi * rows / 22.0), 0, None)
    assert height_noise(lift + rng.normal(0.0, 0.02, rows.size)) == pytest.approx(0.02, rel=0.15)
    assert height_noise(lift) < 0.005


def test_slow_motion_track_is_flagged():
    r = running.analyse(context_for(track("running__treadmill_side_lab_slowmo_mhuang")))
    assert r.metrics["cadence_spm"] is None and r.details["slow_motion_suspected"]
    assert r.metrics["gait"] == "running"
    # Our own frame count: a step every ~96-100 frames (about 18-19 steps/min at file rate), i.e.
    # about 9x slow motion for a ~165 steps/min runner (MANIFEST: 8-10x). Contacts on this clip are
    # irregular (far-leg label confusion), so only the order of magnitude is asserted.
    assert 15.0 <= r.metrics["cadence_at_file_rate_spm"] <= 20.0
    assert r.details["cadence_from_periodicity_spm"] == pytest.approx(18.3, rel=0.05)
    assert 7 <= r.details["slow_motion_factor_estimate"] <= 11


def test_panning_slow_motion_track_is_flagged():
    """Our own frame count: a contact every ~42 frames at 23.976 fps (34 steps/min at file rate)."""
    r = running.analyse(context_for(track("running__outdoor_side_silhouette_panning_becklabs")))
    assert r.metrics["gait"] == "running" and r.details["setting"] == "overground"
    assert r.metrics["cadence_spm"] is None and r.details["slow_motion_suspected"]
    assert r.metrics["cadence_at_file_rate_spm"] == pytest.approx(34.3, rel=0.05)
    assert any("`capture_fps`" in f.cue for f in r.findings if f.severity == "warning")


def sped_up(seq: PoseSequence, factor: int) -> PoseSequence:
    """`seq` as a `factor`x time-lapse export at the same frame rate: every `factor`-th frame kept,
    played at the file's rate (the timestamps over `factor`)."""
    kept = seq[np.arange(0, len(seq), factor)]
    return PoseSequence(
        xy=kept.xy,
        z=kept.z,
        visibility=kept.visibility,
        timestamps_s=kept.timestamps_s / factor,
        frame_size=kept.frame_size,
        fps=seq.fps,
    )


def played_faster(seq: PoseSequence, factor: float) -> PoseSequence:
    """The same frames `factor` x faster (a faster runner, every frame kept)."""
    return PoseSequence(
        xy=seq.xy,
        z=seq.z,
        visibility=seq.visibility,
        timestamps_s=seq.timestamps_s / factor,
        frame_size=seq.frame_size,
        fps=seq.fps * factor,
    )


def filmed_at(seq: PoseSequence, rate_fps: float) -> PoseSequence:
    """`seq` as if filmed in real time at `rate_fps`: every landmark interpolated linearly in time
    (NaN next to a missing sample)."""
    t = seq.timestamps_s
    grid = np.arange(t[0], t[-1], 1.0 / rate_fps)

    def resampled(a: np.ndarray) -> np.ndarray:
        flat = a.reshape(len(t), -1)
        cols = [np.interp(grid, t, flat[:, j]) for j in range(flat.shape[1])]
        return np.stack(cols, axis=1).reshape((grid.size, *a.shape[1:])).astype(a.dtype)

    return PoseSequence(
        xy=resampled(seq.xy),
        z=resampled(seq.z),
        visibility=resampled(seq.visibility),
        timestamps_s=grid,
        frame_size=seq.frame_size,
        fps=rate_fps,
    )


@pytest.fixture(scope="module")
def treadmill_real_time():
    return running.analyse(context_for(track("running__treadmill_side_phone60fps_mhuang")))


@pytest.mark.parametrize("factor", [2, 3])
def test_a_sped_up_clip_is_flagged_with_its_file_rate_cadence(treadmill_real_time, factor):
    """The 60 fps treadmill run (167.5 steps/min) sped up 2x and 3x: 335 and 503 steps/min at the
    file's timing, faster than any person steps (MAX_HUMAN_CADENCE_SPM, 333). The step is then
    shorter than the step search allows (MIN_STEP_PERIOD_S, 0.18 s), and the stride (or three
    steps) was taken for it: the 2x copy read as running at 166.8 steps/min, unflagged, the 3x
    copy at 167.4. Now the step is found (`periodicity.sped_up_lag`), the cadence is kept at the
    file's rate, the timing figures are withheld and the user is told to give `capture_fps`."""
    base = treadmill_real_time.metrics["cadence_spm"]
    r = running.analyse(context_for(sped_up(track("running__treadmill_side_phone60fps_mhuang"), factor)))
    assert r.metrics["cadence_spm"] is None and r.metrics["contact_ms"] is None
    assert r.metrics["cadence_at_file_rate_spm"] == pytest.approx(factor * base, rel=0.01)
    assert r.details["sped_up_suspected"] and not r.details["slow_motion_suspected"]
    assert r.details["sped_up_factor_estimate"] == pytest.approx(factor * base / 165.0, abs=0.1)
    assert any("sped up" in n and f"`capture_fps` (e.g. {60 // factor})" in n for n in r.reliability)
    assert (
        next(f.title for f in r.findings if f.severity == "warning") == "This looks sped up: give the real frame rate"
    )
    # Angles and distances do not depend on the timing.
    for key, tol in (("overstride_cm", 4.0), ("vertical_oscillation_cm", 1.5), ("trunk_lean_deg", 2.5)):
        assert r.metrics[key] == pytest.approx(treadmill_real_time.metrics[key], abs=tol)


def test_a_sprinters_cadence_is_not_taken_for_a_sped_up_clip(treadmill_real_time):
    """The same run played 1.5x fast (251 steps/min: a sprinter's rate, under 333): real time, its
    cadence 1.5x the original's within 1%, no flag."""
    r = running.analyse(context_for(played_faster(track("running__treadmill_side_phone60fps_mhuang"), 1.5)))
    assert r.metrics["cadence_spm"] == pytest.approx(1.5 * treadmill_real_time.metrics["cadence_spm"], rel=0.01)
    assert not r.details["sped_up_suspected"]


def test_uprightness_does_not_depend_on_how_fast_the_runner_goes_away():
    """The rear sample: the runner goes away from the camera and halves in size within 2 s (legs of
    320 px, then 150). With the leg length taken over a window of seconds, the stance ankle read
    0.66 leg lengths below the hips (threshold 0.6), and played 1.5x (the same frames: a faster
    runner) 0.56: refused as a floor exercise. Each frame's own leg length gives the same value at
    both timings, as a stance leg seen from behind does (straight in the picture: about 1)."""
    from formcheck.kinds.run.view import uprightness

    seq = track("running__outdoor_rear_lowcam_openpose_overlay_radluy")
    values = [uprightness(context_for(s).seq).lower_foot_legs for s in (seq, played_faster(seq, 1.5))]
    assert values[0] == pytest.approx(values[1], abs=0.02)
    assert values[0] > 0.9
    r = running.analyse(context_for(played_faster(seq, 1.5)))
    base = running.analyse(context_for(seq))
    assert r.metrics["cadence_spm"] == pytest.approx(1.5 * base.metrics["cadence_spm"], rel=0.01)


@pytest.mark.parametrize("rate", [120.0, 240.0])
def test_the_treadmill_run_filmed_at_a_higher_rate_gives_the_same_figures(treadmill_real_time, rate):
    """The 60 fps treadmill run as if filmed at 120 and 240 fps (every landmark interpolated in
    time): the same motion, so the same class, cadence within 1% and each headline figure within
    the invariance tolerances (`clipvariants`). Every window, filter and event rule has to be in
    time (or in steps), not in frames, for this to hold."""
    r = running.analyse(context_for(filmed_at(track("running__treadmill_side_phone60fps_mhuang"), rate)))
    base = treadmill_real_time.metrics
    assert r.metrics["gait"] == "running" and r.details["fps_used"] == pytest.approx(rate, rel=0.01)
    assert r.metrics["cadence_spm"] == pytest.approx(base["cadence_spm"], rel=0.01)
    for key, tol in (
        ("contact_ms", 20.0),
        ("overstride_cm", 4.0),
        ("vertical_oscillation_cm", 1.5),
        ("trunk_lean_deg", 2.5),
        ("knee_flexion_contact_deg", 5.0),
    ):
        assert r.metrics[key] == pytest.approx(base[key], abs=tol), key


def seen_obliquely(seq: PoseSequence, deg: float) -> PoseSequence:
    """`seq` as if the camera were turned `deg` from square-on: the 3D world landmarks turned about
    the vertical axis, the picture's x foreshortened by cos(deg) about the hips' mean x."""
    a = np.radians(deg)
    out = seq.copy()
    assert out.world is not None
    x, z = out.world[..., 0].copy(), out.world[..., 2].copy()
    out.world[..., 0] = x * np.cos(a) + z * np.sin(a)
    out.world[..., 2] = -x * np.sin(a) + z * np.cos(a)
    cx = float(np.nanmean(seq.xy[:, [L.LEFT_HIP, L.RIGHT_HIP], 0]))
    out.xy[..., 0] = cx + (seq.xy[..., 0] - cx) * np.cos(a)
    return out


def test_a_runner_filmed_obliquely_has_the_overstride_marked_and_is_told_why(treadmill_real_time):
    """The treadmill run as if the camera were turned 45 deg from square-on: overstride, a distance
    along the run, reads cos 45 = 0.71 of its length (32.4 cm read 22.5 with no word of it), the
    shank at contact 11.7 deg (16.2), the knee at contact 11.8 (15.6). The body's turn is read from
    MediaPipe's 3D landmarks (`signals.body_yaw_deg`: 11 deg on the original, the side-view samples
    0-16, the rear one 86-89); past OBLIQUE_VIEW_DEG (30) a figure in the plane of the run that may
    read short by more than its tolerance is marked unreliable, and a note says why and what to do."""
    base = treadmill_real_time
    assert base.details["camera_yaw_deg_estimate"] < 16
    assert all(base.details["spreads"][k]["reliable"] for k in ("overstride_cm", "shank_angle_at_contact_deg"))
    r = running.analyse(context_for(seen_obliquely(track("running__treadmill_side_phone60fps_mhuang"), 45.0)))
    yaw = r.details["camera_yaw_deg_estimate"]
    assert yaw == pytest.approx(45.0 + base.details["camera_yaw_deg_estimate"], abs=3.0)
    assert r.metrics["cadence_spm"] == pytest.approx(base.metrics["cadence_spm"], rel=0.01)
    spreads = r.details["spreads"]
    for metric in ("overstride_cm", "shank_angle_at_contact_deg", "knee_flexion_contact_deg"):
        assert spreads[metric]["reliable"] is False
        assert spreads[metric]["unreliable_why"].startswith(f"the runner is turned about {yaw:.0f} deg from square-on")
    # The trunk is upright (0.3 deg): an upright segment reads the same from any side.
    assert abs(spreads["trunk_lean_deg"]["median"]) < 1 and spreads["trunk_lean_deg"]["reliable"] is True
    assert any("square-on" in n and "line of sight at right angles to the run" in n for n in r.reliability)
    # The shank's angle from the vertical reads smaller when turned, so "overstriding" stays true, as a
    # lower bound; the finding no longer quotes the distance and the note says the finding holds.
    over = next(f for f in r.findings if f.metric == "shank_angle_at_contact_deg")
    assert "cm ahead" not in over.detail and "at least" in over.detail and "turned from square-on" in over.detail
    assert any(n.startswith("shank_angle_at_contact_deg is unreliable") and "finding holds" in n for n in r.reliability)
    assert not any(f.metric == "knee_flexion_contact_deg" for f in r.findings)


def test_an_oblique_view_marks_a_figure_by_how_short_it_may_read():
    """square_on: a distance / cos(yaw), an angle atan(tan / cos(yaw)); marked past 30 deg only when
    the difference exceeds the figure's tolerance (overstride 4 cm, trunk and shank 2.5 deg, knee 5)."""
    from formcheck.kinds.run.oblique import oblique_doubt, square_on

    assert square_on("overstride_cm", 20.0, 60.0) == pytest.approx(40.0)
    assert square_on("trunk_lean_deg", 10.0, 60.0) == pytest.approx(19.43, abs=0.01)
    assert oblique_doubt("overstride_cm", 30.0, 35.0).endswith(
        "30 cm here would be about 36.6 square-on, "
        + ("more than the 4 cm it may move between two recordings of the same run")
    )
    assert oblique_doubt("overstride_cm", 10.0, 35.0) == ""  # 12.2 square-on: within 4 cm
    assert oblique_doubt("overstride_cm", 30.0, 29.0) == ""  # not turned past 30 deg
    assert oblique_doubt("trunk_lean_deg", -1.0, 60.0) == ""  # 2.0 square-on
    assert oblique_doubt("knee_flexion_contact_deg", 20.0, 45.0) != ""  # 27.2: 7.2 short
    assert oblique_doubt("knee_flexion_contact_deg", 20.0, 31.0) == ""  # 23.0: 3.0 short
    assert oblique_doubt("vertical_oscillation_cm", 8.0, 60.0) == ""  # vertical: not foreshortened


def test_short_jogging_track_too_short():
    with pytest.raises(InsufficientData, match="too short for two strides"):
        running.analyse(context_for(track("running__jogging_side_short_sports2d_demo3")))


# -- real model on real footage -------------------------------------------------------------------


@pytest.mark.real
def test_real_treadmill_clip(real_pose_run):
    from formcheck.pipeline import analyse

    res = analyse(real_pose_run("running/treadmill_side_phone60fps_mhuang.mp4"), Settings.build(kind="run"))
    m = res.result.metrics
    assert res.kind == "run" and m["gait"] == "running"
    assert m["cadence_spm"] == pytest.approx(167.0, rel=0.02)
    assert res.result.steps and list(res.result.steps[0])[:4] == STEP_KEYS[:4]


@pytest.mark.real
def test_real_rear_view_clip(real_pose_run):
    from formcheck.pipeline import analyse

    res = analyse(real_pose_run("running/outdoor_rear_lowcam_openpose_overlay_radluy.mp4"), Settings.build(kind="run"))
    m = res.result.metrics
    assert res.kind == "run" and m["view"] == "rear"
    # Own count: 171 steps/min at the assumed 30 fps (the true frame rate is unknown).
    assert m["cadence_spm"] == pytest.approx(170.0, rel=0.04)
    # The recorded track of this clip gives -2.5 deg and 5.6 cm (test_rear_lowcam_track): the same model.
    assert m["pelvic_drop_deg"] == pytest.approx(-2.5, abs=1.0)
    assert m["step_width_cm"] == pytest.approx(5.6, abs=1.5)
    assert any("real capture rate" in note for note in res.result.reliability)


@pytest.mark.real
def test_real_short_jogging_clip(real_pose_run):
    from formcheck.pipeline import analyse

    with pytest.raises(InsufficientData, match="too short"):
        analyse(real_pose_run("running/jogging_side_short_sports2d_demo3.mp4"), Settings.build(kind="run"))


@pytest.mark.real
def test_real_plank_photo_with_kind_run(samples_dir):
    from formcheck.pipeline import analyse

    with pytest.raises(ActivityNotFound, match="no running or walking found"):
        analyse(samples_dir / "plank" / "photo_plank_correct_usama.jpg", Settings.build(kind="run"))


@pytest.mark.real
def test_real_split_screen_clip_is_refused_as_not_one_body(real_pose_run):
    """An edited split screen (upper body above, legs below): the model follows the upper body and
    guesses its legs outside the picture; whatever `gait` says, it is not measured as one body. (`gait`
    is a setting of the analysis, not of the pose pass: both analyses read the one shared pass.)"""
    from formcheck.pipeline import analyse

    for gait in ("auto", "walking"):
        with pytest.raises(InsufficientData, match="legs were out of the picture") as info:
            analyse(
                real_pose_run("running/treadmill_walk_60fps_splitscreen_sebitzu.mp4"),
                Settings.build(kind="run", gait=gait),
            )
        assert "split screen" in str(info.value)


@pytest.mark.real
def test_real_short_overground_clip_says_how_long_is_enough(samples_dir):
    """The runner is in view for about 1.9 s (frames 3-60): two strides, the least that is analysed;
    the result says it is short and how long is enough at his pace."""
    from formcheck.pipeline import analyse

    res = analyse(
        samples_dir / "running" / "outdoor_side_overground_openpose_overlay_radluy.mp4", Settings.build(kind="run")
    )
    assert res.result.metrics["steps_counted"] < 6
    short = [f for f in res.result.findings if f.title.startswith("A short clip")]
    assert short and short[0].severity == "warning"
    assert "needs 6, about" in short[0].detail and "s of steady running or walking" in short[0].detail
