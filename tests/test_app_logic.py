"""The app's logic without Streamlit: formatting, card status, progress text, cache keys and entries,
differences between two results. Values with known answers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.feedback import Finding
from formcheck.reference import ReferenceRange
from formcheck.result_document import Event
from formcheck.settings import Settings
from formcheck.synthetic import EXAMPLES as GENERATORS
from formcheck.ui.cache import (
    Source,
    analyse_cached,
    cache_key,
    cached_result,
    effective_settings,
    prune,
    safe_file_name,
    upload_source,
)
from formcheck.ui.charts import band_frame, event_frames, plottable_series, series_chart
from formcheck.ui.examples import example_source, list_examples
from formcheck.ui.formatting import (
    card_status,
    compare_table_markdown,
    duration_text,
    format_value,
    metric_differences,
    metric_label,
    progress_text,
    range_words,
    unit_of,
)
from formcheck.ui.view import ResultFiles, ResultView, headline_metrics, read_entry, text_metrics, write_entry

REPO = Path(__file__).resolve().parents[1]
GAP = ReferenceRange("gap_cm", "Lumbar gap", "cm", 2.5, 5.0, "distance from the wall, >= 0", "clinic guidance")
LEAN = ReferenceRange("lean_deg", "Trunk lean", "deg", -5.0, 5.0, "0 = vertical, + forward", "a study")
CVA = ReferenceRange("cva_deg", "CVA", "deg", 48.0, None, "angle at C7", "Yip 2008")
OPEN = ReferenceRange("elbow_deg", "Elbow", "deg", None, None, "180 = straight", "none")


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (3.84, "cm", "3.8 cm"),
        (167.4, "spm", "167 spm"),
        (0.834, "", "0.83"),
        (-2.84, "deg", "-2.8°"),
        (12, "%", "12%"),
        (None, "cm", "–"),
        (float("nan"), "cm", "–"),
        (True, "", "yes"),
        ("left", "", "left"),
        (358, "ms", "358 ms"),
        (0.0, "ms", "0 ms"),
    ],
)
def test_format_value(value, unit, expected) -> None:
    assert format_value(value, unit) == expected


@pytest.mark.parametrize(
    "ref, expected",
    [
        (GAP, "2.5–5 cm"),
        (LEAN, "-5 to 5°"),
        (CVA, "at least 48°"),
        (OPEN, "no reference range"),
        (ReferenceRange("d", "D", "", None, 0.5, "", "s"), "at most 0.5"),
    ],
)
def test_range_words(ref, expected) -> None:
    assert range_words(ref) == expected


@pytest.mark.parametrize(
    "value, ref, text, colour",
    [
        (3.8, GAP, "within the 2.5–5 cm range", "green"),
        (6.1, GAP, "above the 2.5–5 cm range", "orange"),
        (1.0, GAP, "below the 2.5–5 cm range", "orange"),
        (45.0, CVA, "below the 48° threshold", "orange"),
        (50.0, CVA, "at or above the 48° threshold", "green"),
        (None, GAP, "", "gray"),
        (166.0, OPEN, "", "gray"),
        (3.0, None, "", "gray"),
    ],
)
def test_card_status_is_the_verdict(value, ref, text, colour) -> None:
    status = card_status(value, ref)
    assert (status.text, status.colour) == (text, colour)
    if ref is not None:
        assert status.help.startswith("Reference: ") and f"Source: {ref.source}." in status.help


def test_labels_and_units_without_a_reference() -> None:
    assert metric_label("longest_gap_s", None) == "Longest gap"
    assert unit_of("longest_gap_s", None) == "s"
    assert unit_of("cadence_spm", None) == "spm"
    assert metric_label("gap_cm", GAP) == "Lumbar gap" and unit_of("gap_cm", GAP) == "cm"


def test_progress_text_counts_frames_and_time_left() -> None:
    fraction, text = progress_text("pose", 100, 400, 10.0)  # 10 frames/s -> 300 frames in 30 s
    assert fraction == pytest.approx(0.25)
    assert text == "Finding the pose: frame 100 of 400, about 30 s left"
    fraction, text = progress_text("render", 400, 400, 20.0)
    assert fraction == 1.0 and text == "Drawing the annotated video: frame 400 of 400"
    assert progress_text("pose", 7, 0, 1.0) == (0.0, "Finding the pose: frame 7")
    assert duration_text(125.0) == "2 min 05 s"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("clip.mp4", "clip.mp4"),
        ("../../etc/passwd", "passwd"),
        ("my run (1).MOV", "my_run_1_.MOV"),
        ("C:\\Users\\me\\plank.jpg", "plank.jpg"),
        (".hidden.mp4", "hidden.mp4"),
        ("ü.webm", "_.webm"),
    ],
)
def test_safe_file_name(name, expected) -> None:
    assert safe_file_name(name) == expected


def test_cache_key_follows_file_and_settings() -> None:
    a = upload_source("a.mp4", b"one")
    b = upload_source("renamed.mp4", b"one")
    c = upload_source("a.mp4", b"two")
    assert cache_key(a, Settings.build()) == cache_key(b, Settings.build())  # same bytes, any name
    assert cache_key(a, Settings.build()) != cache_key(c, Settings.build())
    assert cache_key(a, Settings.build()) != cache_key(a, Settings.build(height_cm=180))
    assert cache_key(a, Settings.build(render_video=False)) == cache_key(a, Settings.build())


def test_an_example_left_on_auto_runs_its_own_analysis() -> None:
    examples = list_examples(REPO / "samples")
    assert [e.kind for e in examples] == ["run", "run", "run", "plank", "wall"]
    track = example_source(examples[1])
    assert track.kind == "run" and track.origin == "example" and track.track is not None and track.track.is_file()
    assert effective_settings(track, Settings.build()).kind == "run"
    assert effective_settings(track, Settings.build(kind="pose")).kind == "pose"
    assert effective_settings(upload_source("x.mp4", b"x"), Settings.build()).kind == "auto"
    assert "path" not in (track.media or {})
    wall = example_source(examples[4])
    assert wall.generator == "wall_photo" and wall.track is None
    assert effective_settings(wall, Settings.build()).kind == "wall"


def test_examples_are_permissive_tracks_or_labelled_synthetic_people() -> None:
    """Recorded examples only from the BSD-licensed Sports2D clips; the others generated by formcheck
    and said to be synthetic in their titles; every analysis has one."""
    folder = REPO / "samples"
    index = json.loads((folder / "examples.json").read_text())
    for item in index:
        if "track" in item:
            assert item["licence"] == "BSD-3-Clause" and "Sports2D" in item["source"]
        else:
            assert "synthetic" in item["title"] and item["generator"] in GENERATORS
    assert {item["kind"] for item in index} == {"run", "plank", "wall"}
    media = [p for p in folder.iterdir() if p.suffix.lower() in (".mp4", ".mov", ".jpg", ".jpeg", ".png", ".webm")]
    assert not media, f"media files must not be bundled: {media}"
    assert "BSD 3-Clause" in (folder / "README.md").read_text()
    for example in list_examples(folder):
        assert ("Synthetic" in example.caption()) == example.synthetic


def _view(
    tmp_path: Path,
    name: str,
    metrics: dict,
    references: dict,
    findings: list | None = None,
    details: dict | None = None,
) -> ResultView:
    folder = tmp_path / name
    folder.mkdir()
    data = {
        "kind": "wall",
        "kind_label": "Wall",
        "media": {"kind": "photo"},
        "metrics": metrics,
        "references": {k: r.to_json() for k, r in references.items()},
        "findings": [f.to_json() for f in findings or []],
        "details": details or {},
    }
    (folder / f"{name}.json").write_text(json.dumps(data))
    write_entry(
        folder,
        name=f"{name}.jpg",
        origin="upload",
        stem=name,
        files=ResultFiles(json=folder / f"{name}.json"),
        times_s=np.zeros(1),
        series={},
    )
    return read_entry(folder, name, from_cache=False)


def test_entry_round_trip_and_headline_metrics(tmp_path: Path) -> None:
    finding = Finding("attention", "Arched", "gap 6 cm", cue="tuck", metric="gap_cm")
    view = _view(
        tmp_path,
        "a",
        {"gap_cm": 6.0, "lean_deg": 1.0, "side": "left", "frames": 1},
        {"gap_cm": GAP, "lean_deg": LEAN},
        [Finding("ok", "Fine", ""), finding],
    )
    assert view.references["gap_cm"] == GAP
    assert [f.severity for f in view.findings] == ["attention", "ok"]  # worst first
    assert headline_metrics(view) == ["gap_cm", "lean_deg"]  # those with a reference range
    bare = _view(tmp_path, "b", {"frames": 3, "ok": True, "ratio": 0.5}, {})
    assert headline_metrics(bare) == ["frames", "ratio"]  # numbers only, no bools
    ordered = _view(
        tmp_path,
        "c",
        {"lean_deg": 1.0, "gap_cm": 6.0, "cva_deg": 50.0, "strike": "rearfoot"},
        {"gap_cm": GAP, "lean_deg": LEAN, "cva_deg": CVA},
    )
    assert headline_metrics(ordered) == ["gap_cm", "lean_deg", "cva_deg"]  # the analysis's order of references
    assert headline_metrics(ordered, limit=2) == ["gap_cm", "lean_deg"]
    assert text_metrics(ordered) == {"strike": "rearfoot"}


def test_card_tooltips_give_the_spread_or_the_standard_error_and_the_unreliable_mark(tmp_path: Path) -> None:
    from formcheck.ui.results import spread_words

    spreads = {
        "contact_ms": {
            "median": 686.0,
            "q1": 600.0,
            "q3": 754.0,
            "iqr": 154.0,
            "steps": 7,
            "reliable": False,
            "unreliable_why": "the median of its 7 steps is known to about +-54 ms only",
        },
        "cadence_spm": {"median": 110.9, "se": 1.49, "steps": 6, "reliable": True},
        "duty_factor": {"derived_from": "contact_ms", "reliable": False, "unreliable_why": "made from contact_ms"},
    }
    view = _view(tmp_path, "run", {"contact_ms": 686.0, "cadence_spm": 110.9}, {}, details={"spreads": spreads})
    text, unreliable = spread_words(view, "contact_ms", "ms")
    assert text.startswith("Half the steps between 600 and 754 ms (7 steps). Unreliable: the median of its 7")
    assert unreliable is True
    assert spread_words(view, "cadence_spm", "steps/min") == (
        "Known to +-1.49 steps/min (standard error over 6 steps).",
        False,
    )
    assert spread_words(view, "trunk_lean_deg", "deg") == ("", False)
    # A figure made from another (no spread of its own) carries that one's mark.
    assert spread_words(view, "duty_factor", "") == ("Unreliable: made from contact_ms.", True)


def test_the_segments_table_has_a_row_per_segment_and_marks_the_headline() -> None:
    from formcheck.ui.results import segment_rows

    segments = [
        {
            "segment": 1,
            "start_s": 1.6,
            "end_s": 5.0,
            "steps": 7,
            "gait": "walking",
            "cadence_spm": 113.4,
            "cadence_se_spm": 0.46,
            "contact_ms": 676.0,
            "duty_factor": 0.64,
            "backward": False,
        },
        {
            "segment": 2,
            "start_s": 7.2,
            "end_s": 10.9,
            "steps": 8,
            "gait": "walking",
            "cadence_spm": 113.6,
            "cadence_se_spm": 1.1,
            "contact_ms": 758.0,
            "duty_factor": 0.72,
            "backward": True,
        },
    ]
    rows = segment_rows({"segments": segments, "headline_segment": 1})
    assert [r["headline"] for r in rows] == [True, False]
    assert [r["direction"] for r in rows] == ["forwards", "backwards"]
    assert rows[1]["+- (steps/min)"] == 1.1 and rows[0]["from (s)"] == 1.6
    assert segment_rows({"segments": segments[:1], "headline_segment": 1}) == []  # one segment: the whole clip


def test_metric_differences(tmp_path: Path) -> None:
    first = _view(tmp_path, "a", {"gap_cm": 6.0, "lean_deg": 1.0}, {"gap_cm": GAP, "lean_deg": LEAN})
    second = _view(tmp_path, "b", {"gap_cm": 4.5, "lean_deg": None}, {"gap_cm": GAP, "lean_deg": LEAN})
    rows = {r["metric"]: r for r in metric_differences(first, second)}
    assert rows["gap_cm"]["difference"] == pytest.approx(-1.5)
    assert rows["gap_cm"]["first_status"] == "above"
    assert rows["gap_cm"]["second_status"] == "within"
    assert rows["lean_deg"]["difference"] is None and rows["lean_deg"]["second_status"] is None
    table = compare_table_markdown(list(rows.values())).splitlines()
    assert table[0] == "| Figure | A | B | B − A |"
    assert table[2] == "| Lumbar gap | 6.0 cm ↑ | 4.5 cm ✓ | −1.5 cm |"
    assert table[3] == "| Trunk lean | 1.0° ✓ | – | – |"


def test_chart_with_events_and_the_reference_band() -> None:
    times = np.linspace(0, 2, 61)
    series = {"knee_deg": np.sin(times), "empty_deg": np.full(61, np.nan), "short_deg": np.zeros(5)}
    curves = plottable_series(times, series)
    assert list(curves) == ["knee_deg"]
    events = [Event("hold", start_s=0.2, end_s=0.5), Event("contact", time_s=1.0)]
    spans, instants = event_frames(events)
    assert spans.to_dict("records") == [{"start_s": 0.2, "end_s": 0.5, "legend": "hold"}]
    assert instants.to_dict("records") == [{"time_s": 1.0, "legend": "contact"}]
    knee = ReferenceRange("knee_deg", "Knee", "deg", None, 0.5, "", "s")
    assert band_frame(knee, curves["knee_deg"]).to_dict("records") == [
        {"low": pytest.approx(0.0), "high": 0.5, "legend": "reference range (at most 0.5°)"}
    ]
    spec = series_chart(times, "knee_deg", curves["knee_deg"], events, knee).to_dict()
    assert len(spec["layer"]) == 4  # the band, interval shading, instant rules, the curve
    legend = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert legend == ["reference range (at most 0.5°)", "hold", "contact"]
    assert len(series_chart(times, "knee_deg", curves["knee_deg"], [], OPEN).to_dict().get("layer", [])) == 0


def test_cache_serves_a_complete_entry_and_prunes(tmp_path: Path) -> None:
    source = example_source(list_examples(REPO / "samples")[1])  # the walking track of demo4
    settings = Settings.build(kind="pose")
    stages: list[str] = []
    view = analyse_cached(source, settings, on_progress=lambda stage, done, total: stages.append(stage), root=tmp_path)
    assert not view.from_cache and stages and set(stages) == {"pose", "render"}
    assert view.files.annotated.suffix == ".mp4" and view.files.annotated.stat().st_size > 1000
    assert view.files.json.is_file() and view.files.csv.name.endswith(".metrics.csv")
    assert len(view.times_s) == 401 and "hip_height_px" in view.series  # demo4: 401 frames
    again = cached_result(view.key, tmp_path)
    assert again is not None and again.from_cache and again.metrics == view.metrics
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no work folders left
    assert not (tmp_path / view.key / "input").exists()
    prune(tmp_path, keep=0)
    assert cached_result(view.key, tmp_path) is None


def test_failed_analysis_leaves_nothing_in_the_cache(tmp_path: Path) -> None:
    from formcheck.errors import UnreadableMedia

    with pytest.raises(UnreadableMedia):
        analyse_cached(upload_source("note.mp4", b"just text\n" * 10), Settings.build(), root=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_source_needs_its_content(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        analyse_cached(Source(name="x.mp4", sha256="0" * 64, origin="upload"), Settings.build(), root=tmp_path)


@pytest.mark.parametrize(
    "message, expected",
    [
        (
            "cm assume a stature of 170 cm: give `height_cm` for real cm",
            "give 'Stature (cm)' in the settings for real cm",
        ),
        (
            "`end_s` (2.0 s) must come after `start_s` (5.0 s)",
            "'End at (s)' under More settings (2.0 s) must come after 'Start at (s)' under More settings (5.0 s)",
        ),
        ("choose one with `kind` (wall, plank or run)", "choose one with 'Analysis' in the settings (wall, plank"),
        (
            "a slow-motion clip: give `capture_fps` 240",
            "give 'Capture frame rate of a slow-motion or sped-up clip (fps)' in the settings 240",
        ),
        ("`lordosis_rule` is 'x'", "'Wall test rule' under More settings is 'x'"),
        ("`not_a_setting` and --flags stay as they are", "`not_a_setting` and --flags stay as they are"),
    ],
)
def test_app_wording_names_the_fields_and_where_they_are(message, expected) -> None:
    from formcheck.ui.formatting import app_wording

    assert expected in app_wording(message)


def test_error_text_for_library_and_unexpected_errors() -> None:
    from formcheck.errors import InsufficientData, UsageError
    from formcheck.ui.errors import error_text

    text = error_text(
        InsufficientData("a person was found in only 10% of the frames: keep the whole body in view"), "clip.mp4"
    )
    assert text.startswith("**Cannot analyse clip.mp4.** a person was found in only 10% of the frames")
    assert "**What to do:** Keep the whole body in view" in text
    assert "choose one with 'Analysis' in the settings" in error_text(UsageError("choose one with `kind`"), "x")
    text = error_text(KeyError("steps"), "clip.mp4")
    assert "Something went wrong inside formcheck" in text and "KeyError" in text and "steps" not in text


def test_file_names_cannot_inject_markdown() -> None:
    from formcheck.errors import UsageError
    from formcheck.ui.errors import error_text
    from formcheck.ui.formatting import md_escape

    assert md_escape("my *run* [1] $5 a_b.mp4") == r"my \*run\* \[1\] \$5 a_b.mp4"
    assert error_text(UsageError("bad"), "*x*.mp4").startswith("**Cannot analyse \\*x\\*.mp4.** bad")


@pytest.mark.parametrize(
    "message, expected",
    [
        ("give `height_cm` for real cm", "give --height-cm for real cm"),
        ("`end_s` (2 s) must come after `start_s` (5 s)", "--end (2 s) must come after --start (5 s)"),
        ("write it without `render_video`", "write it without --no-video"),
        ("`hand_cm` = 30 cm", "--hand-cm = 30 cm"),
        ("`unknown_name` stays", "`unknown_name` stays"),
    ],
)
def test_cli_wording_names_the_options(message, expected) -> None:
    from formcheck.cli_args import cli_wording

    assert cli_wording(message) == expected


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("variant", "side_left", "Side plank on the left side"),
        ("view", "rear", "From behind"),
        ("lordosis_rule", "seed_rule", "The hand rule: more than one hand's thickness"),
        ("foot_strike", "rearfoot", "rearfoot"),
        ("variant_source", "user_given", "user given"),
    ],
)
def test_setting_values_are_shown_in_plain_words(name, value, expected) -> None:
    from formcheck.ui.formatting import value_words

    assert value_words(name, value) == expected


def test_the_caption_for_missing_figures_says_why_a_slow_motion_clips_timing_is_withheld() -> None:
    """Under the cards: a slow-motion clip's cadence and contact time were 'Not measured in this
    clip' with no reason; now withheld, why, and what to set (the analysis's suggested rate)."""
    from formcheck.pipeline import analyse
    from formcheck.ui.results import missing_words

    tracks = Path(__file__).resolve().parent / "data" / "tracks"
    details = analyse(tracks / "running__treadmill_side_lab_slowmo_mhuang.npz").result.details
    factor = details["slow_motion_factor_estimate"]
    assert missing_words(["Cadence", "Contact time"], details, is_photo=False) == (
        f"Withheld: Cadence, Contact time: the clip looks like slow motion (about {factor}x), so its timing is "
        "not real time. Give the capture frame rate in the settings (probably 240 fps) and analyse again."
    )
    assert missing_words(["Hip angle"], {}, is_photo=True) == "Not measured in this photo: Hip angle"
