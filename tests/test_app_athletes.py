"""The coach's workbench in the app through Streamlit's AppTest: the athlete picker, an upload kept as
a session (once per file), the History page (trend charts with their values, the session list, a
stored session's result with and without its cached files) and the report downloads.

Each test has its own athletes' store ($FORMCHECK_HOME) and result cache in its tmp dir.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_report import read_html, read_pdf

from formcheck.kinds import kind_spec
from formcheck.settings import Settings
from formcheck.store import open_store
from formcheck.ui.athletes import ADD_ATHLETE, NO_ATHLETE
from formcheck.ui.cache import UPLOAD_TIME, analyse_cached, cache_root
from formcheck.ui.examples import example_source, list_examples
from formcheck.ui.formatting import format_value
from formcheck.ui.history import session_rows
from formcheck.ui.reports import report_html_bytes, report_pdf_bytes
from formcheck.ui.sessions import STORED, session_view

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
TIMEOUT_S = 180
PHOTO = "posture/standing_side_studio_physio.jpg"
#: The bundled walking track (a real person's landmarks): its examples index.
WALK = 1


@pytest.fixture(autouse=True)
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FORMCHECK_APP_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FORMCHECK_MAX_UPLOAD_MB", raising=False)
    return tmp_path / "home"


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def chart_data(chart) -> list[pd.DataFrame]:
    """The data sets of an Altair chart as the app sent it."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    return [convert_arrow_bytes_to_pandas_df(ds.data.data) for ds in chart.proto.datasets]


def add_athlete(at: AppTest, name: str, stature: float | None) -> AppTest:
    at.selectbox(key="athlete").set_value(ADD_ATHLETE).run()
    at.text_input(key="athlete_new_name").set_value(name).run()
    if stature is not None:
        at.number_input(key="athlete_new_stature").set_value(stature).run()
    return at.button(key="athlete_add").click().run()


def test_adding_an_athlete_keeps_their_stature_and_fills_it_in() -> None:
    at = add_athlete(start(), "  Ana   Lima ", 168.0)
    assert_clean(at)
    assert at.selectbox(key="athlete").value == "Ana Lima"
    assert at.number_input(key="height_cm").value == 168.0
    with open_store() as store:
        assert [(a.name, a.stature_cm) for a in store.athletes()] == [("Ana Lima", 168.0)]
    # Another athlete (no stature known) empties the field; choosing Ana again fills it in.
    with open_store() as store:
        store.upsert_athlete("Ben")
    at = start()
    assert at.selectbox(key="athlete").options == [
        "No athlete (not kept)",
        "Ana Lima (168 cm)",
        "Ben",
        "Add an athlete…",
    ]
    at.selectbox(key="athlete").set_value("Ana Lima").run()
    assert at.number_input(key="height_cm").value == 168.0
    at.selectbox(key="athlete").set_value("Ben").run()
    assert at.number_input(key="height_cm").value is None
    at.selectbox(key="athlete").set_value(NO_ATHLETE).run()
    assert at.number_input(key="height_cm").value is None


def test_adding_an_athlete_without_a_name_says_what_to_do() -> None:
    at = add_athlete(start(), "   ", None)
    errors = texts(at.error)
    assert len(errors) == 1 and "name is empty" in errors[0], errors
    with open_store() as store:
        assert store.athletes() == []


def test_an_example_is_not_kept_for_the_athlete() -> None:
    at = add_athlete(start(), "Ana", 168.0)
    at.radio(key="source").set_value("example").run()
    at.selectbox(key="example").set_value(WALK).run()
    assert_clean(at)
    assert any("Examples are not kept in Ana's history" in c for c in texts(at.caption))
    with open_store() as store:
        assert store.sessions("Ana") == []


@pytest.mark.real
def test_an_upload_with_an_athlete_is_one_session_however_often_it_is_analysed(samples_dir: Path) -> None:
    photo = samples_dir / PHOTO
    at = add_athlete(start(), "Ana", 165.0)
    at.file_uploader[0].upload(photo.name, photo.read_bytes(), "image/jpeg").run()
    assert_clean(at)
    kept = texts(at.success)
    assert len(kept) == 1 and kept[0].startswith("Kept as a new session of **Ana**"), kept
    assert "the time of upload: the file has no recording date in its metadata" in kept[0]
    with open_store() as store:
        (session,) = store.sessions("Ana")
    assert session.kind == "wall" and session.source_name == photo.name
    assert session.date_source == UPLOAD_TIME
    gap = session.headline["lumbar_gap_cm"]
    card = next(m for m in at.metric if m.label == gap["label"])
    assert card.value == format_value(gap["value"], "cm")
    assert session.result["settings"]["height_cm"] == 165.0

    # The same file again, in a new browser session and with another stature: the same session,
    # updated (the stature becomes Ana's), never a second one.
    again = start()
    again.selectbox(key="athlete").set_value("Ana").run()
    assert again.number_input(key="height_cm").value == 165.0
    again.number_input(key="height_cm").set_value(170.0).run()
    again.file_uploader[0].upload("renamed.jpg", photo.read_bytes(), "image/jpeg").run()
    assert_clean(again)
    updated = texts(again.success)
    assert len(updated) == 1 and updated[0].startswith("Updated the session"), updated
    assert "Their stature is now 170 cm" in updated[0]
    with open_store() as store:
        (same,) = store.sessions("Ana")
        assert store.require_athlete("Ana").stature_cm == 170.0
    assert same.id == session.id and same.source_name == "renamed.jpg"
    assert same.result["settings"]["height_cm"] == 170.0
    labels = [b.label for b in again.get("download_button")]
    assert labels[:2] == ["Report (HTML)", "Report (PDF)"], labels
    assert any("report for Ana" in c and "1 wall test" in c.lower() for c in texts(again.caption)), texts(again.caption)


# ---------------------------------------------------------------------- History


def _walk_results() -> tuple[object, list[dict]]:
    """The bundled walking track analysed with two statures: (its source, [result JSON, ...])."""
    example = list_examples(REPO / "samples")[WALK]
    source = example_source(example)
    views = [analyse_cached(source, Settings.build(kind="run", height_cm=h)) for h in (160, 190)]
    return source, [v.result_json() for v in views]


def _history_script() -> None:
    from formcheck.ui.pages import history_page

    history_page()


def _record_two_sessions() -> tuple[list[int], list[dict]]:
    """Two sessions of Ana (a month apart): the walk at 160 cm (its cache entry has the same file and
    settings) and at 190 cm (from another file: nothing cached)."""
    source, results = _walk_results()
    with open_store() as store:
        store.upsert_athlete("Ana", stature_cm=190.0)
        first = store.record("Ana", results[0], source.sha256, datetime(2026, 3, 1, 10, tzinfo=timezone.utc), "a.mp4")
        second = store.record("Ana", results[1], "b" * 64, datetime(2026, 4, 1, 10, tzinfo=timezone.utc), "b.mp4")
    return [first.id, second.id], results


def test_history_shows_the_trend_of_two_sessions_with_their_values() -> None:
    ids, results = _record_two_sessions()
    at = AppTest.from_function(_history_script, default_timeout=TIMEOUT_S).run()
    assert_clean(at)
    assert at.selectbox(key="history_athlete").value == "Ana"
    with open_store() as store:
        trend = store.trend("Ana", "run")
    assert len(trend.sessions) == 2
    charts = at.get("vega_lite_chart")
    trend_charts = [c for c in charts if json.loads(c.proto.spec)["layer"][-1]["encoding"]["x"]["type"] == "temporal"]
    assert len(trend_charts) == len(trend.metrics) >= 3
    # The vertical-oscillation chart: two points, the two analyses' values (centimetres: they scale
    # with the stature).
    name = "vertical_oscillation_cm"
    label = trend.metrics[name].label
    chart = next(c for c in trend_charts if json.loads(c.proto.spec)["title"]["text"].startswith(label))
    frames = chart_data(chart)
    points = [f for f in frames if "since_first" in f.columns]
    assert len(points) == 1
    values = list(points[0]["value"])
    assert values == [results[0]["metrics"][name], results[1]["metrics"][name]]
    assert values[1] == pytest.approx(values[0] * 190 / 160, rel=0.05)
    assert points[0]["since_first"].iloc[1] == pytest.approx(values[1] - values[0], abs=1e-6)
    assert not [f for f in frames if "high" in f.columns and "since_first" not in f.columns]  # no range: no band
    # Cadence has a walking range (100-130 steps/min): its chart shades it, named in the legend.
    cadence = next(c for c in trend_charts if "Cadence" in c.proto.spec)
    (band,) = [f for f in chart_data(cadence) if "since_first" not in f.columns]
    assert (band["low"].iloc[0], band["high"].iloc[0]) == (100.0, 130.0)
    assert band["legend"].iloc[0].startswith("reference range (100–130")
    # The session list: two rows, oldest first, with the change since the first / previous session.
    table = at.dataframe[0]  # the session list comes before the opened result's tables
    assert list(table.value["file"]) == ["a.mp4", "b.mp4"]
    cell = table.value[label].iloc[1]
    change = results[1]["metrics"][name] - results[0]["metrics"][name]
    assert f"(+{change:.2f}".rstrip("0").rstrip(".") in cell, cell
    # The latest session is opened first; it has no cached files: the stored JSON, and no video.
    assert at.selectbox(key="history_session_Ana_run").value == ids[1]
    assert any("The video is not kept" in i for i in texts(at.info))
    assert any(h.startswith(kind_spec("run").label + ": b.mp4") for h in texts(at.subheader))
    assert len([m for m in at.metric if m.value not in ("", None)]) >= 3
    labels = [b.label for b in at.get("download_button")]
    assert {"Report (HTML)", "Report (PDF)", "Result (JSON)"} <= set(labels), labels
    # The first session's cache entry is there: the full result with its video tools.
    at.selectbox(key="history_session_Ana_run").set_value(ids[0]).run()
    assert_clean(at)
    assert not any("The video is not kept" in i for i in texts(at.info))
    assert any(b.label == "Annotated video (MP4)" for b in at.get("download_button"))


def test_history_without_athletes_says_how_to_start() -> None:
    at = AppTest.from_function(_history_script, default_timeout=TIMEOUT_S).run()
    assert_clean(at)
    assert any("No athletes yet" in i and "Add an athlete" in i for i in texts(at.info))


def test_session_rows_give_the_change_since_the_first_and_the_previous() -> None:
    _, results = _walk_results()
    with open_store() as store:
        for day, result in zip((1, 2, 3), (results[0], results[1], results[0]), strict=True):
            store.record("Ana", result, f"{day}" * 64, datetime(2026, 3, day, tzinfo=timezone.utc), f"{day}.mp4")
        trend = store.trend("Ana", "run")
    name = "vertical_oscillation_cm"
    label = trend.metrics[name].label
    a, b = results[0]["metrics"][name], results[1]["metrics"][name]
    rows = session_rows(trend)
    assert [r["file"] for r in rows] == ["1.mp4", "2.mp4", "3.mp4"]
    assert "(" not in rows[0][label]  # the first session has no change
    up = f"{b - a:+.2f}".rstrip("0").rstrip(".")
    down = f"{a - b:+.2f}".rstrip("0").rstrip(".")
    assert rows[1][label].endswith(f"({up} / {up})"), rows[1][label]
    assert rows[2][label].endswith(f"(±0 / {down})"), rows[2][label]


# ---------------------------------------------------------------------- reports


def test_report_of_a_session_has_the_athlete_trend_and_key_frames(tmp_path: Path) -> None:
    ids, _ = _record_two_sessions()
    with open_store() as store:
        trend = store.trend("Ana", "run")
        cached, stored = (session_view(store.session(i), cache_root()) for i in ids)
    assert cached.origin == "example" and stored.origin == STORED
    (tmp_path / "cached.html").write_bytes(report_html_bytes(cached, trend, "Ana"))
    images, text, links = read_html(tmp_path / "cached.html")
    assert not links  # self-contained
    assert "Ana" in text and "1 March 2026" in text
    assert len(images) == len(cached.key_frames) + 1 >= 3  # the key frames and the trend chart
    (tmp_path / "stored.pdf").write_bytes(report_pdf_bytes(stored, trend, "Ana"))
    pages, pdf_text, pdf_images = read_pdf(tmp_path / "stored.pdf")
    assert pages >= 1 and "Ana" in pdf_text and "1 April 2026" in pdf_text
    assert len(pdf_images) == 1  # the trend chart only: a stored session has no key frames
    step = trend.metrics["vertical_oscillation_cm"]
    assert step.label in pdf_text


def test_history_opens_a_live_session_with_its_figures() -> None:
    """A live plank session (the Live page's summary of the real pike track) in History: its hold as
    a card, the video not kept, and the reports offered."""
    from test_live_page import _pike_summary

    from formcheck.ui.sessions import record_live

    summary = _pike_summary()
    with open_store() as store:
        record_live(store, "Ben", summary, datetime(2026, 11, 30, 18, 30, tzinfo=timezone.utc))
    at = AppTest.from_function(_history_script, default_timeout=TIMEOUT_S).run()
    assert_clean(at)
    assert at.selectbox(key="history_athlete").value == "Ben"
    assert any("The video is not kept" in i for i in texts(at.info))
    assert any(h.endswith("live session") for h in texts(at.subheader)), texts(at.subheader)
    cards = {m.label: m.value for m in at.metric}
    assert cards["Hold time"] == f"{summary.hold_s:.1f} s"
    assert cards["Time in good form"] == f"{summary.good_form_pct:.1f}%"
    labels = [b.label for b in at.get("download_button")]
    assert {"Report (HTML)", "Report (PDF)"} <= set(labels), labels
