"""The Streamlit app through Streamlit's AppTest (no browser): panels, uploads, errors, cache, compare.

Each test gets its own result cache ($FORMCHECK_APP_CACHE in the test's tmp dir). The bundled
examples are real landmark tracks (samples/), analysed with the real analyses.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from formcheck import pipeline
from formcheck.errors import NoPersonDetected
from formcheck.feedback import SCREENING_NOTICE
from formcheck.kinds import KINDS, kind_spec

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
EXAMPLES = json.loads((REPO / "samples" / "examples.json").read_text())
#: Analysing and rendering a bundled example takes 1-5 s; the real model on a photo about 2 s.
TIMEOUT_S = 180

#: The analyses this build must have for the app's panels to be complete (issue 6 shows all three).
REQUIRED_KINDS = ("wall", "plank", "run")


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("FORMCHECK_APP_CACHE", str(cache))
    monkeypatch.delenv("FORMCHECK_MAX_UPLOAD_MB", raising=False)
    return cache


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def subheaders(at: AppTest) -> list[str]:
    return texts(at.subheader)


def choose_example(at: AppTest, index: int) -> AppTest:
    """Switch to the bundled examples and pick one (each run analyses what is picked)."""
    if at.radio(key="source").value != "example":
        at.radio(key="source").set_value("example").run()
    if at.selectbox(key="example").value != index:
        at.selectbox(key="example").set_value(index).run()
    return at


def assert_no_error(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, texts(at.error)


def test_app_starts_with_its_panels() -> None:
    """The Analyse page: the settings that matter in the main column (not a sidebar), from the settings'
    own metadata and the registry; the rest under More settings; the uploader."""
    at = start()
    assert not at.sidebar.selectbox and not at.sidebar.number_input
    kind_box = at.selectbox(key="kind")
    assert kind_box.value == "auto" and kind_box.label == "Analysis"
    assert kind_box.options == ["Auto-detect", *(k.label for k in KINDS)]
    assert at.number_input(key="height_cm").label == "Stature (cm)"
    assert at.number_input(key="capture_fps").label.startswith("Capture frame rate of a slow-motion or sped-up clip")
    assert [e.label for e in at.expander][:1] == ["More settings"]
    rule = at.selectbox(key="lordosis_rule")  # every analysis's own settings while on Auto-detect
    assert rule.options == ["The hand rule: more than one hand's thickness", "The popular 2.5-5 cm band"]
    assert at.selectbox(key="variant").options[0] == "Auto-detect"
    assert at.file_uploader[0].label == "Photo or video"
    assert any("200 MB" in c for c in texts(at.caption))
    assert not at.error


def test_the_filming_guide_has_every_analysis() -> None:
    at = AppTest.from_function(_guide_script, default_timeout=TIMEOUT_S).run()
    markdown = "\n".join(texts(at.markdown))
    for kind in REQUIRED_KINDS:
        assert f"#### {kind_spec(kind).label}" in markdown  # one filming guide per analysis
    assert "hip height" in markdown and "fps" in markdown and "sidebar" not in markdown


def _guide_script() -> None:
    from formcheck.ui.guide import guide_panel

    guide_panel()


def test_text_file_named_mp4_gives_a_clear_error() -> None:
    at = start()
    at.file_uploader[0].upload("clip.mp4", b"this is a note, not a video\n" * 40, "video/mp4").run()
    assert not at.exception
    errors = texts(at.error)
    assert len(errors) == 1, errors
    assert "Cannot analyse clip.mp4" in errors[0]
    assert "is a text file, although it is named .mp4" in errors[0]
    assert "What to do:" in errors[0] and "Traceback" not in errors[0]
    assert not at.metric


def test_empty_file_gives_a_clear_error() -> None:
    at = start()
    at.file_uploader[0].upload("empty.mov", b"", "video/quicktime").run()
    assert not at.exception
    errors = texts(at.error)
    assert len(errors) == 1, errors
    assert "empty.mov is empty (0 bytes)" in errors[0] and "What to do:" in errors[0]


def test_upload_over_the_size_limit_is_refused_before_analysis(
    monkeypatch: pytest.MonkeyPatch, own_cache: Path
) -> None:
    monkeypatch.setenv("FORMCHECK_MAX_UPLOAD_MB", "1")
    at = start()
    assert any("Up to 1 MB" in c for c in texts(at.caption))
    at.file_uploader[0].upload("long.mp4", b"\0" * (3 * 1024 * 1024 // 2), "video/mp4").run()
    errors = texts(at.error)
    assert len(errors) == 1 and "long.mp4 is too large" in errors[0] and "the limit is 1 MB" in errors[0], errors
    assert "trim the clip" in errors[0]
    assert not own_cache.exists() or not any(own_cache.iterdir())


def test_uploader_accepts_the_formats_the_cli_reads() -> None:
    """Other formats are refused by the uploader itself (in the browser, before any upload)."""
    from formcheck.media import PHOTO_EXTENSIONS, VIDEO_EXTENSIONS

    accepted = set(start().file_uploader[0].proto.type)
    assert {*PHOTO_EXTENSIONS, *VIDEO_EXTENSIONS} <= accepted, accepted


def test_bundled_example_gives_a_full_running_result() -> None:
    at = choose_example(start(), 1)  # the Sports2D walking track
    assert_no_error(at)
    example = EXAMPLES[1]
    assert f"{kind_spec('run').label}: {example['track']}" in subheaders(at)
    assert len(at.metric) >= 6
    assert all(m.value not in ("", None) for m in at.metric)
    deltas = [m.proto.delta for m in at.metric if m.proto.delta]
    verdicts = [d for d in deltas if d.startswith(("within the", "above the", "below the", "at or "))]
    assert verdicts, deltas
    # The rest are figures the analysis marks unreliable (this walk's 7 timed steps give its contact time
    # and overstride to +-45 ms and +-6 cm only; the duty factor is made from the contact time); their
    # tooltip says why.
    marked = [m for m in at.metric if m.proto.delta == "unreliable"]
    assert len(verdicts) + len(marked) == len(deltas), deltas
    assert all("Unreliable: " in m.proto.help and "the median of its" in m.proto.help for m in marked)
    duty = [m for m in marked if m.proto.help.startswith("Unreliable: it is the contact time over the stride")]
    assert len(duty) == 1
    assert any(m.proto.help.startswith("Reference:") and "Source:" in m.proto.help for m in at.metric)
    assert len(at.get("vega_lite_chart")) >= 1
    assert "Per step" in subheaders(at) and "What to work on" in subheaders(at)
    assert any("-badge[" in md for md in texts(at.markdown))  # at least one finding
    labels = [b.label for b in at.get("download_button")]
    assert {"Result (JSON)", "Per-step table (CSV)", "Annotated video (MP4)"} <= set(labels), labels
    assert any("Skeleton only" in c for c in texts(at.caption))
    assert any("BSD-3-Clause" in c for c in texts(at.caption))
    assert any(SCREENING_NOTICE in c for c in texts(at.caption))


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_every_example_gives_a_result_of_its_analysis(index: int) -> None:
    """No example fails on purpose; each is analysed as its own analysis, and a synthetic one says so."""
    example = EXAMPLES[index]
    at = choose_example(start(), index)
    assert_no_error(at)
    heading = [h for h in subheaders(at) if h.startswith(kind_spec(example["kind"]).label + ": ")]
    assert heading, subheaders(at)
    assert len(at.metric) >= 3
    if "generator" in example:
        assert any("Synthetic:" in c and "not a real person" in c for c in texts(at.caption))


def test_second_run_is_served_from_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    first = choose_example(start(), 0)
    assert_no_error(first)
    assert not any("served from the cache" in c for c in texts(first.caption))

    def must_not_run(*args, **kwargs):
        raise AssertionError("the analysis ran again instead of coming from the cache")

    monkeypatch.setattr(pipeline, "analyse", must_not_run)
    second = choose_example(start(), 0)  # a new session, same file and settings
    assert_no_error(second)
    assert any("served from the cache" in c for c in texts(second.caption))
    assert [m.value for m in second.metric] == [m.value for m in first.metric]
    # Other settings are another analysis: not from the cache.
    second.number_input(key="height_cm").set_value(180.0).run()
    assert any("AssertionError" in e for e in texts(second.error))


def test_library_error_shows_message_and_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_person(*args, **kwargs):
        raise NoPersonDetected("no person found in any of the 40 frames of clip.mp4: film the whole body")

    monkeypatch.setattr(pipeline, "analyse", no_person)
    at = choose_example(start(), 0)
    assert not at.exception
    errors = texts(at.error)
    assert len(errors) == 1
    assert "no person found in any of the 40 frames" in errors[0]
    assert "What to do:" in errors[0] and "How to film" in errors[0]


def test_unexpected_error_is_friendly_and_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "analyse", broken)
    with caplog.at_level(logging.ERROR, logger="formcheck.ui.errors"):
        at = choose_example(start(), 0)
    assert not at.exception
    errors = texts(at.error)
    assert len(errors) == 1
    assert "Something went wrong inside formcheck" in errors[0] and "ZeroDivisionError" in errors[0]
    assert "Traceback" not in errors[0]
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


def test_settings_error_is_shown_with_the_settings() -> None:
    at = start()
    at.number_input(key="start_s").set_value(5.0).run()
    at.number_input(key="end_s").set_value(2.0).run()
    errors = texts(at.error)
    assert len(errors) == 1 and "must come after" in errors[0], errors
    assert "'End at (s)' under More settings" in errors[0]
    choose_example(at, 0)
    assert not at.metric


def _compare_script() -> None:
    """Two analyses of the bundled walking track (two statures, or two analyses) and the Compare panel."""
    from pathlib import Path

    import streamlit as st

    from formcheck.settings import Settings
    from formcheck.ui.cache import analyse_cached
    from formcheck.ui.compare import compare_panel
    from formcheck.ui.examples import example_source, list_examples

    example = list_examples(Path(st.session_state["samples"]))[1]
    second = Settings.build(**st.session_state["second"])
    views = [analyse_cached(example_source(example), s) for s in (Settings.build(height_cm=160), second)]
    compare_panel(views)


def test_compare_two_results_of_the_same_activity() -> None:
    """The same clip with two statures: a before/after pair. The table fits a phone: four columns."""
    at = AppTest.from_function(_compare_script, default_timeout=TIMEOUT_S)
    at.session_state["samples"] = str(REPO / "samples")
    at.session_state["second"] = {"height_cm": 190}
    at.run()
    assert_no_error(at)
    assert not at.warning
    tables = [md for md in texts(at.markdown) if md.startswith("| Figure | A | B | B − A |")]
    assert len(tables) == 1
    rows = tables[0].splitlines()[2:]
    assert len(rows) >= 3
    lengths = [r for r in rows if r.startswith("| Step length") or "cm" in r]
    assert lengths, rows  # centimetre figures change with the stature: 160 -> 190 cm is +19%
    cells = [c.strip() for c in lengths[0].strip("|").split("|")]
    a, b = (float(c.split()[0]) for c in cells[1:3])
    assert b == pytest.approx(a * 190 / 160, rel=0.05)
    assert cells[3].startswith("+")


def test_compare_warns_when_the_activities_differ() -> None:
    at = AppTest.from_function(_compare_script, default_timeout=TIMEOUT_S)
    at.session_state["samples"] = str(REPO / "samples")
    at.session_state["second"] = {"kind": "pose"}
    at.run()
    assert_no_error(at)
    warnings = texts(at.warning)
    assert len(warnings) == 1 and "not the same activity" in warnings[0], warnings
    assert "Landmarks only" in warnings[0] or kind_spec("pose").label in warnings[0]


@pytest.mark.real
def test_uploaded_posture_photo_gives_the_wall_test_with_its_notice(samples_dir: Path) -> None:
    photo = samples_dir / "posture" / "standing_side_studio_physio.jpg"
    at = start()
    at.file_uploader[0].upload(photo.name, photo.read_bytes(), "image/jpeg").run()
    assert_no_error(at)
    assert f"{kind_spec('wall').label}: {photo.name}" in subheaders(at)
    assert any(SCREENING_NOTICE in w for w in texts(at.warning))  # always on the wall-test panel
    assert len(at.metric) >= 3 and len(at.get("image")) == 1
    labels = [b.label for b in at.get("download_button")]
    assert {"Result (JSON)", "Figures (CSV)", "Annotated photo (JPEG)"} <= set(labels), labels


@pytest.mark.real
def test_uploaded_plank_photo_gives_the_plank_panel(samples_dir: Path) -> None:
    photo = samples_dir / "plank" / "photo_plank_pike_bad_usama.jpg"
    at = start()
    at.selectbox(key="kind").set_value("plank").run()
    at.file_uploader[0].upload(photo.name, photo.read_bytes(), "image/jpeg").run()
    assert_no_error(at)
    assert f"{kind_spec('plank').label}: {photo.name}" in subheaders(at)
    assert len(at.metric) >= 2 and len(at.get("image")) == 1
    badges = [md for md in texts(at.markdown) if "-badge[" in md]
    assert badges, "no findings shown"
    assert any(b.startswith((":red-badge", ":orange-badge")) for b in badges), badges  # the pike is flagged


def test_progress_bar_shows_frames_and_time_left() -> None:
    def script() -> None:
        from formcheck.ui.progress import ProgressBar

        bar = ProgressBar(interval_s=0.0)
        bar("pose", 50, 200)
        bar("render", 10, 200)
        throttled = ProgressBar(interval_s=3600.0)
        throttled("pose", 1, 100)
        throttled("pose", 2, 100)  # within the interval: not shown
        throttled("pose", 100, 100)  # the end of a stage is always shown

    at = AppTest.from_function(script).run()
    assert not at.exception
    bars = at.get("progress")
    assert len(bars) == 2
    assert bars[0].proto.text.startswith("Drawing the annotated video: frame 10 of 200")
    assert bars[0].proto.value == 5
    assert bars[1].proto.text == "Finding the pose: frame 100 of 100" and bars[1].proto.value == 100


def test_running_offers_the_gait_setting() -> None:
    """The running analysis's `gait` setting is under More settings (from its settings metadata), only
    for the analyses it belongs to (auto shows every analysis's own settings)."""
    at = start()
    at.selectbox(key="kind").set_value("run").run()
    assert_no_error(at)
    gait = at.selectbox(key="gait")
    assert list(gait.options) == ["Auto-detect", "Running", "Walking"] and gait.label == "Gait (running)"
    at.selectbox(key="kind").set_value("plank").run()
    assert "gait" not in [box.key for box in at.selectbox]
