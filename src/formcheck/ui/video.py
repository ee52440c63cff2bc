"""The video tools: the annotated clip with frame stepping, seeking from events, steps and key frames,
and two clips played in sync for Compare (a Streamlit component in `frontend/media_tools`, plain JS,
nothing fetched from the internet).

`clip_args` (no Streamlit) builds what the component is sent; `media_tools` shows it. Times sent to
the component are seconds of the annotated video's own timeline (real seconds / `time_scale`: a
slow-motion clip stays slow motion); the component shows real seconds.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from ..result_document import ResultDocument, row_time_s
from .view import ResultView

FRONTEND = Path(__file__).resolve().parent / "frontend" / "media_tools"
#: Before the aligned event, this many real seconds are played when two clips start in sync.
LEAD_S = 0.5
#: Events listed as chips at most (a long run has dozens of contacts: the steps list those).
MAX_EVENT_CHIPS = 24
#: Event kinds a run also lists as steps (their chips would repeat the steps').
STEP_EVENT_KINDS = ("contact", "toe_off")

_component: Any = None


def _media_component() -> Any:
    global _component
    if _component is None:
        import streamlit.components.v1 as components

        _component = components.declare_component("formcheck_media_tools", path=str(FRONTEND))
    return _component


def align_event(doc: ResultDocument) -> tuple[float, str] | None:
    """(real seconds, label) of the event two clips of this analysis are aligned on: the first foot
    contact (running), the main hold's start (plank), else the first event; None without events."""
    events = [e for e in doc.events if e.at_s is not None]
    if not events:
        return None
    if doc.kind == "run":
        contacts = [e for e in events if e.values.get("kind") == "contact"]
        if contacts:
            first = min(contacts, key=lambda e: e.at_s or 0.0)
            return float(first.at_s or 0.0), "the first contact"
    if doc.kind == "plank":
        starts = [e for e in events if e.label == "hold start"]
        main = [e for e in starts if e.values.get("main_hold")] or starts
        if main:
            return float(main[0].at_s or 0.0), "the hold start"
    first = min(events, key=lambda e: e.at_s or 0.0)
    return float(first.at_s or 0.0), first.label


def _video_s(real_s: float, doc: ResultDocument) -> float:
    return real_s / (doc.media.time_scale or 1.0)


def markers(doc: ResultDocument) -> list[dict[str, Any]]:
    """The events and steps to seek to: label, time_s (video seconds), kind ('event' or 'step'),
    severity, chip (listed as a chip; events of a run that the steps repeat are not)."""
    out: list[dict[str, Any]] = []
    events = [e for e in doc.events if e.at_s is not None]
    chips = 0
    for event in sorted(events, key=lambda e: e.at_s or 0.0):
        repeated = doc.steps and event.values.get("kind") in STEP_EVENT_KINDS
        chip = not repeated and chips < MAX_EVENT_CHIPS
        chips += int(chip)
        out.append(
            {
                "label": event.label,
                "time_s": round(_video_s(float(event.at_s or 0.0), doc), 4),
                "kind": "event",
                "severity": event.severity or "",
                "chip": chip,
            }
        )
    for number, row in enumerate(doc.steps, start=1):
        at = row_time_s(row)
        if at is None:
            continue
        step = row.get("step", number)
        foot = row.get("foot")
        label = f"Step {step}" + (f" ({foot})" if foot else "")
        out.append(
            {"label": label, "time_s": round(_video_s(at, doc), 4), "kind": "step", "severity": "", "chip": True}
        )
    return out


def key_frame_args(view: ResultView) -> list[dict[str, Any]]:
    """The key frames as the strip shows them: label, time_s (video seconds or None), src (a data URL)."""
    out = []
    for frame in view.key_frames:
        data = base64.b64encode(frame.path.read_bytes()).decode("ascii")
        at = None if frame.time_s is None else round(_video_s(frame.time_s, view.doc), 4)
        out.append(
            {"label": frame.label, "caption": frame.caption, "time_s": at, "src": f"data:image/jpeg;base64,{data}"}
        )
    return out


def clip_args(view: ResultView, label: str = "") -> dict[str, Any]:
    """What the component needs of one clip (JSON): label, fps of the annotated video, time_scale,
    the aligned event (video seconds), the events and steps, the key frames."""
    doc = view.doc
    aligned = align_event(doc)
    return {
        "label": label or view.name,
        "fps": float(doc.media.playback_fps or doc.media.fps or 30.0),
        "time_scale": float(doc.media.time_scale or 1.0),
        "align_s": None if aligned is None else round(_video_s(aligned[0], doc), 4),
        "align_label": "" if aligned is None else aligned[1],
        "markers": markers(doc),
        "key_frames": key_frame_args(view),
    }


def has_video(view: ResultView) -> bool:
    path = view.files.annotated
    return path is not None and path.suffix.lower() == ".mp4" and path.is_file()


def media_tools(views: list[tuple[ResultView, str]], key: str, note: str = "") -> None:
    """Show one clip with its tools, or two side by side in sync (each view with its label)."""
    clips, blobs = [], {}
    for i, (view, label) in enumerate(views):
        assert view.files.annotated is not None
        clips.append(clip_args(view, label))
        blobs[f"clip{i}"] = view.files.annotated.read_bytes()
    labels = {c["align_label"] for c in clips}
    align_label = labels.pop() if len(labels) == 1 else "the aligned events"
    _media_component()(
        clips=clips,
        lead_s=LEAD_S,
        align_label=align_label if len(clips) > 1 else "",
        note=note,
        token="|".join(v.key for v, _ in views) + f"|{key}",
        key=key,
        default=None,
        **blobs,
    )
