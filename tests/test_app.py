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
from formcheck.kinds import kind_spec

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
    at = start()
    assert [t.label for t in at.tabs] == ["Analyse", "Compare", "How to film"]
    kind_box = at.sidebar.selectbox(key="kind")
    assert kind_box.value == "auto"
    assert kind_box.options[0] == "Auto-detect"
    for kind in REQUIRED_KINDS:
        label = kind_spec(kind).label
        assert any(o.startswith(label) for o in kind_box.options), (label, kind_box.options)
    markdown = "\n".join(texts(at.markdown))
    for kind in REQUIRED_KINDS:
        assert f"#### {kind_spec(kind).label}" in markdown  # one filming guide per analysis
    assert "hip height" in markdown and "fps" in markdown
    assert at.file_uploader[0].label == "Photo or video"
    assert any("200 MB" in c for c in texts(at.caption))
    assert not at.error


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
    at = choose_example(start(), 0)
    assert_no_error(at)
    example = EXAMPLES[0]
    assert f"{kind_spec('run').label}: {example['track']}" in subheaders(at)
    assert len(at.metric) >= 6
    assert all(m.value not in ("", None) for m in at.metric)
    deltas = [m.proto.delta for m in at.metric]
    assert any(d.startswith(("within", "above", "below")) for d in deltas), deltas
    assert any(m.proto.help.startswith("Reference:") and "Source:" in m.proto.help for m in at.metric)
    assert len(at.get("video")) == 1
    assert len(at.get("vega_lite_chart")) >= 1
    assert "Per step" in subheaders(at) and "What to work on" in subheaders(at)
    assert any("-badge[" in md for md in texts(at.markdown))  # at least one finding
    labels = [b.label for b in at.get("download_button")]
    assert {"Result (JSON)", "Per-step table (CSV)", "Annotated video (MP4)"} <= set(labels), labels
    assert any("Skeleton only" in c for c in texts(at.caption))
    assert any("BSD-3-Clause" in c for c in texts(at.caption))
    assert any(SCREENING_NOTICE in c for c in texts(at.caption))


def test_too_short_example_shows_the_library_message() -> None:
    at = choose_example(start(), 2)
    assert not at.exception
    errors = texts(at.error)
    assert len(errors) == 1, errors
    assert "too short" in errors[0] and "What to do:" in errors[0]


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
    second.sidebar.number_input(key="height_cm").set_value(180.0).run()
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


def test_settings_error_is_shown_in_the_sidebar() -> None:
    at = start()
    at.sidebar.number_input(key="start_s").set_value(5.0).run()
    at.sidebar.number_input(key="end_s").set_value(2.0).run()
    errors = texts(at.sidebar.error)
    assert len(errors) == 1 and "must come after" in errors[0], errors
    choose_example(at, 0)
    assert not at.metric


def test_compare_two_results_of_the_same_kind() -> None:
    """The same clip with two statures: a before/after pair of the same kind."""
    at = start()
    choose_example(at, 0)
    assert_no_error(at)
    at.sidebar.number_input(key="height_cm").set_value(190.0).run()
    assert_no_error(at)
    compare = at.tabs[1]
    tables = compare.dataframe
    assert len(tables) == 1
    table = tables[0].value
    assert list(table.columns) == ["Figure", "Unit", "A", "B", "B - A", "A vs range", "B vs range"]
    assert len(table) >= 3
    numeric = table.dropna(subset=["A", "B", "B - A"])
    assert len(numeric) >= 3
    assert ((numeric["B"] - numeric["A"] - numeric["B - A"]).abs() < 0.02).all()
    assert any("vs A" in m.proto.delta for m in compare.metric)


def test_compare_refuses_two_different_kinds() -> None:
    at = start()
    choose_example(at, 0)
    at.sidebar.selectbox(key="kind").set_value("pose").run()
    assert_no_error(at)
    warnings = texts(at.tabs[1].warning)
    assert any("only two results of the same kind can be compared" in w for w in warnings), warnings


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
    at.sidebar.selectbox(key="kind").set_value("plank").run()
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
    """The running analysis's `gait` setting is in the sidebar (from its settings metadata), only for it."""
    at = start()
    at.sidebar.selectbox(key="kind").set_value("run").run()
    assert_no_error(at)
    gait = at.sidebar.selectbox(key="gait")
    assert list(gait.options) == ["Auto-detect", "Running", "Walking"] and gait.label == "Gait (running)"
    at.sidebar.selectbox(key="kind").set_value("plank").run()
    assert "gait" not in [box.key for box in at.sidebar.selectbox]
