"""What `formcheck analyse` prints: headline figures with their spreads and unreliable marks, the
steady segments, and why a figure is unreliable (issue 11: "the CLI shows segments, spreads and
unreliable marks")."""

from __future__ import annotations

from pathlib import Path

from formcheck.cli_summary import spread_words, summary_text, withheld_lines
from formcheck.pipeline import analyse

TRACKS = Path(__file__).resolve().parent / "data" / "tracks"


def test_the_summary_of_a_two_pass_walk_shows_spreads_marks_and_segments():
    result = analyse(TRACKS / "running__walking_side_indoor_wall_sports2d_demo4.npz")
    text = summary_text(result)
    lines = text.splitlines()
    spreads = result.result.details["spreads"]
    contact = spreads["contact_ms"]
    assert contact["reliable"] is False  # 7 slow-rolling walking toe-offs (see test_running.py)
    assert (
        f"  contact_ms = {result.result.metrics['contact_ms']:.1f} (half the steps {contact['q1']:g}-{contact['q3']:g}, "
        f"{contact['steps']} steps) UNRELIABLE" in lines
    )
    cadence = spreads["cadence_spm"]
    assert f"  cadence_spm = {cadence['median']:.1f} (+-{cadence['se']:g}, {cadence['steps']} steps)" in lines
    flagged = sorted(k for k, s in spreads.items() if s.get("reliable") is False)
    shown = sorted(line.split(":")[1].strip() for line in lines if line.startswith("  unreliable: "))
    assert shown == flagged and "contact_ms" in shown
    segments = result.result.details["segments"]
    assert len(segments) == 2 and "  segments:" in lines
    assert any(line.startswith("    2: ") and line.endswith("backwards") for line in lines)


def test_spread_words():
    assert spread_words({"q1": 240.0, "q3": 268.5, "steps": 16}) == " (half the steps 240-268.5, 16 steps)"
    assert spread_words({"se": 0.31, "steps": 17, "reliable": True}) == " (+-0.31, 17 steps)"
    assert spread_words({"se": 1.5, "steps": 6, "reliable": False}) == " (+-1.5, 6 steps) UNRELIABLE"
    assert spread_words(None) == "" and spread_words({"median": 3.0}) == ""
    assert spread_words({"derived_from": "contact_ms", "reliable": False}) == " UNRELIABLE"


def test_a_slow_motion_clips_summary_says_why_its_timing_is_withheld_and_what_to_do():
    """The lab clip is 240 fps slow motion stored at 30 fps: its cadence and contact time are
    withheld. The summary printed `cadence_spm=None, contact_ms=None`; it now gives the legs'
    cadence at the file's timing, says why the two are withheld and which --capture-fps to give."""
    result = analyse(TRACKS / "running__treadmill_side_lab_slowmo_mhuang.npz")
    details = result.result.details
    assert details["slow_motion_suspected"] is True and details["capture_fps_suggested"] == 240.0
    lines = summary_text(result).splitlines()
    assert lines[1] == "  gait=running, view=side"
    file_rate = details["spreads"]["cadence_at_file_rate_spm"]
    assert (
        f"  cadence_at_file_rate_spm = {file_rate['median']:.1f} (+-{file_rate['se']:g}, {file_rate['steps']} steps)"
        in lines
    )
    withheld = [line for line in lines if line.startswith("  withheld: ")]
    assert withheld == [
        f"  withheld: cadence_spm, contact_ms: the clip looks like slow motion (about "
        f"{details['slow_motion_factor_estimate']}x), so its timing is not real time; rerun with --capture-fps "
        "<the camera's capture rate> (probably 240)"
    ]
    assert not any("None" in line for line in lines)


def test_withheld_lines():
    sped = {"sped_up_suspected": True, "sped_up_factor_estimate": 2.0, "capture_fps_suggested": 30.0}
    assert withheld_lines(["cadence_spm"], sped) == [
        "  withheld: cadence_spm: the clip looks sped up (about 2.0x), so its timing is not real time; rerun with "
        "--capture-fps <the camera's capture rate> (probably 30)"
    ]
    assert withheld_lines(["contact_ms"], {}) == ["  not measured: contact_ms"]
    assert withheld_lines([], sped) == []
