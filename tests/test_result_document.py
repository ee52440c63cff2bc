"""The typed reader of the result JSON, and what the video tools are sent (no browser here)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import TRACKS

from formcheck.export import result_to_json
from formcheck.outputs import save_outputs
from formcheck.pipeline import analyse
from formcheck.reference import ReferenceRange
from formcheck.result_document import Event, ResultDocument, key_frame_from_name, key_frames, row_time_s
from formcheck.settings import Settings
from formcheck.sources import TrackSource
from formcheck.ui.video import align_event, clip_args, markers
from formcheck.ui.view import ResultFiles, read_entry, write_entry

RUN_TRACK = TRACKS / "running__treadmill_side_phone60fps_mhuang.npz"
PLANK_TRACK = TRACKS / "plank__front_plank_side_studio_wahoo.npz"


@pytest.fixture(scope="module")
def run_result():
    return analyse(TrackSource(RUN_TRACK), Settings.build(kind="run", height_cm=180))


def test_a_real_result_reads_back_typed(run_result) -> None:
    data = json.loads(json.dumps(result_to_json(run_result)))  # as written to disk
    doc = ResultDocument.from_json(data)
    assert doc.kind == "run" and doc.kind_label == "Running / walking gait"
    assert doc.media.kind == "track" and doc.media.width == 1080 and doc.media.height == 1920 and doc.media.portrait
    assert doc.media.fps == pytest.approx(60.0, abs=0.5)
    assert doc.quality.person_fraction == pytest.approx(1.0) and doc.quality.near_side in ("left", "right")
    assert doc.metrics["cadence_spm"] == pytest.approx(run_result.result.metrics["cadence_spm"])
    ref = doc.references["cadence_spm"]
    assert isinstance(ref, ReferenceRange) and (ref.low, ref.high) == (150.0, 190.0)
    assert ref == run_result.result.references["cadence_spm"]
    severities = [f.severity for f in doc.findings]
    assert severities == sorted(severities, key=("warning", "attention", "info", "ok").index)  # worst first
    assert all(isinstance(e, Event) for e in doc.events) and len(doc.events) == len(run_result.result.events)
    contacts = [e for e in doc.events if e.values.get("kind") == "contact"]
    assert contacts and all(e.time_s is not None and e.at_s == e.time_s for e in contacts)
    assert len(doc.steps) == len(run_result.result.steps) and row_time_s(doc.steps[0]) == doc.steps[0]["contact_s"]
    assert doc.stature_given and not doc.auto_detected and doc.settings["height_cm"] == 180


@pytest.mark.parametrize(
    "data, message",
    [
        ([], "must be an object"),
        ({"metrics": {}}, "`kind` is missing"),
        ({"kind": "run", "metrics": []}, "`metrics` must be Mapping"),
        ({"kind": "run", "metrics": {"x": [1, 2]}}, "metric `x` must be a number"),
        ({"kind": "run", "findings": [{"severity": "fatal", "title": "x", "detail": ""}]}, "severity must be one of"),
        ({"kind": "run", "events": ["contact"]}, "each event must be an object"),
        ({"kind": "run", "steps": [1]}, "each row of `steps` must be an object"),
    ],
)
def test_a_document_of_the_wrong_shape_says_what_is_wrong(data, message) -> None:
    with pytest.raises(ValueError, match=message):
        ResultDocument.from_json(data)


@pytest.mark.parametrize(
    "name, label",
    [("clip.keyframes/03_left_contact.jpg", "left contact"), ("clip.keyframes/worst_moment.jpg", "worst moment")],
)
def test_key_frame_names(name, label) -> None:
    frame = key_frame_from_name(name)
    assert (frame.file, frame.label, frame.time_s) == (name, label, None)


def test_key_frames_in_time_order_with_their_files() -> None:
    """The JSON's `key_frames` (as save_outputs writes them: label, time_s, caption, file) in time order;
    one whose file was not written keeps no file; without them, the names in outputs."""
    doc = ResultDocument.from_json(
        {
            "kind": "plank",
            "key_frames": [
                {
                    "row": 290,
                    "label": "hold end",
                    "time_s": 9.5,
                    "caption": "end",
                    "file": "c.keyframes/03_hold_end.jpg",
                },
                {"row": 120, "label": "worst moment", "time_s": 4.25, "caption": "sag 6 cm", "file": None},
                {"row": 30, "label": "hold start", "time_s": 1.0, "file": "c.keyframes/01_hold_start.jpg"},
            ],
            "outputs": {"key_frames": ["c.keyframes/01_hold_start.jpg", "c.keyframes/03_hold_end.jpg"]},
        }
    )
    assert [(k.label, k.time_s, k.file, k.caption) for k in key_frames(doc)] == [
        ("hold start", 1.0, "c.keyframes/01_hold_start.jpg", ""),
        ("worst moment", 4.25, None, "sag 6 cm"),
        ("hold end", 9.5, "c.keyframes/03_hold_end.jpg", "end"),
    ]
    names_only = ResultDocument.from_json({"kind": "wall", "outputs": {"key_frames": ["w.keyframes/01_photo.jpg"]}})
    assert [(k.label, k.time_s) for k in key_frames(names_only)] == [("photo", None)]
    assert key_frames(ResultDocument.from_json({"kind": "plank"})) == []


def test_video_tools_get_events_steps_and_key_frames(run_result, tmp_path: Path) -> None:
    """The cache entry of a real result with the key frames save_outputs writes: the strip gets them
    (as images, at their times), the steps and events get their times, two clips align on the first
    contact."""
    files = save_outputs(run_result, tmp_path, "run", render=False)
    data = json.loads(files.json.read_text())
    names = data["outputs"]["key_frames"]
    assert names == [k["file"] for k in data["key_frames"]] and all((tmp_path / n).is_file() for n in names)
    write_entry(tmp_path, "clip.mp4", "upload", "run", ResultFiles(json=files.json), run_result.seq.timestamps_s, {})
    view = read_entry(tmp_path, "key", from_cache=False)
    assert [k.path.name for k in view.key_frames] == [Path(n).name for n in names]
    args = clip_args(view, "A")
    strip = args["key_frames"]
    assert [k["label"] for k in strip] == [k.label for k in view.key_frames]
    assert all(k["src"].startswith("data:image/jpeg;base64,") for k in strip)
    assert [k["time_s"] for k in strip] == pytest.approx([k["time_s"] for k in data["key_frames"]], abs=0.001)
    first_contact = min(e.to_json()["time_s"] for e in run_result.result.events if e.to_json()["kind"] == "contact")
    assert args["align_s"] == pytest.approx(first_contact, abs=0.001) and args["align_label"] == "the first contact"
    steps = [m for m in args["markers"] if m["kind"] == "step"]
    assert len(steps) == len(run_result.result.steps)
    assert steps[0]["label"].startswith("Step 1 (") and steps[0]["time_s"] == pytest.approx(
        view.doc.steps[0]["contact_s"]
    )
    events = [m for m in args["markers"] if m["kind"] == "event"]
    assert len(events) == len(run_result.result.events)
    assert not any(m["chip"] for m in events if m["label"].endswith(("contact", "toe-off")))  # the steps list them
    assert args["fps"] == pytest.approx(60.0, abs=0.5)


def test_video_times_are_on_the_annotated_clips_timeline() -> None:
    """A slow-motion clip (time_scale 0.125: 240 fps stored at 30 fps) plays 8 video seconds per real
    second: an event at 1.5 real seconds is at 12 s of the annotated video."""
    doc = ResultDocument.from_json(
        {
            "kind": "plank",
            "media": {"kind": "video", "fps": 240.0, "playback_fps": 30.0, "time_scale": 0.125},
            "events": [
                {"label": "camera cut", "time_s": 0.5},
                {"label": "hold start", "time_s": 1.5, "main_hold": True},
                {"label": "sag", "start_s": 2.0, "end_s": 3.0, "severity": "warning"},
            ],
        }
    )
    assert align_event(doc) == (1.5, "the hold start")
    assert [(m["label"], m["time_s"], m["severity"]) for m in markers(doc)] == [
        ("camera cut", 4.0, ""),
        ("hold start", 12.0, ""),
        ("sag", 16.0, "warning"),
    ]
    assert align_event(ResultDocument.from_json({"kind": "wall"})) is None


def test_a_plank_track_aligns_on_its_hold_start() -> None:
    result = analyse(TrackSource(PLANK_TRACK), Settings.build(kind="plank"))
    doc = ResultDocument.from_json(json.loads(json.dumps(result_to_json(result))))
    at, label = align_event(doc)
    assert label == "the hold start"
    assert at == pytest.approx(result.result.metrics["hold_start_s"], abs=0.01)
    assert np.isfinite(at)
