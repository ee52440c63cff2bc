"""What `formcheck analyse` prints: headline figures with their spreads and unreliable marks, the
steady segments, and why a figure is unreliable (issue 11: "the CLI shows segments, spreads and
unreliable marks")."""

from __future__ import annotations

from pathlib import Path

from formcheck.cli_summary import spread_words, summary_text
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
