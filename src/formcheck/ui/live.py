"""The Live page: a plank coached from the browser's camera.

The camera reaches this server through WebRTC (streamlit-webrtc); each frame the WebRTC worker hands
over goes through `coach.LiveCoach` (the pose model, the plank's hold state machine, the overlay) and
comes back drawn. The worker gives the callback the newest frame only, so frames that arrive while the
model is busy are dropped, never queued. A timer fragment reads the coach's snapshot twice a second:
`Hold m:ss`, the good-form time, the cue (optionally spoken by the browser), the target. At Stop: the
summary a clip would give, and the recording (when kept) can be analysed like an upload.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import streamlit as st

from ..coach import DEFAULT_TARGET_S, CoachSnapshot, LiveCoach
from ..errors import FormCheckError
from ..kinds.plank.live import LiveSummary
from ..kinds.plank.overlay import FAULT_TEXT, clock
from ..kinds.plank.settings import VARIANT_LABELS, PlankSettings
from ..kinds.plank.thresholds import THRESHOLDS
from ..settings import Settings, settings_catalogue
from .athletes import athlete_picker, open_app_store, store_error_text
from .cache import upload_source
from .formatting import md_escape
from .inputs import setting_widget
from .results import results_panel
from .runner import analysis_panel, remember
from .sessions import Recorded, date_words, record_live

log = logging.getLogger(__name__)

#: How often the page's hold timer is refreshed while the camera runs, seconds (at least once a second).
TIMER_REFRESH_S = 0.5
STREAMER_KEY = "live-plank"
HOLDER_KEY = "live_holder"
#: Frames that come this soon after Stop belong to the stopped session (a new Start takes longer).
AFTER_STOP_S = 2.0
#: How long the summary waits for the recorder to finish writing the last frames, seconds.
RECORDING_WAIT_S = 30.0


@dataclass
class LiveOptions:
    variant: str = "auto"
    target_s: float = DEFAULT_TARGET_S
    keep_recording: bool = False
    height_cm: float | None = None
    athlete: str | None = None


@dataclass
class LiveHolder:
    """The page's live session across reruns: the coach of the running session (made on its first
    frame, in the WebRTC worker's thread), the last summary and recording."""

    options: LiveOptions = field(default_factory=LiveOptions)
    settings: Settings = field(default_factory=Settings)
    coach: LiveCoach | None = None
    summary: LiveSummary | None = None
    recorder: Any = None  # the running session's webrtc.LiveRecorder, when the recording is kept
    saved: Recorded | None = None  # the summary kept in an athlete's history
    started_at: datetime | None = None  # when the running (or last) session's first frame came
    ended_at: float = -1e9  # time.monotonic() of the last end()
    lock: threading.Lock = field(default_factory=threading.Lock)

    def coach_for_frame(self) -> LiveCoach | None:
        """The running session's coach, made on its first frame; None for the last frames the worker
        may still deliver just after Stop (they would otherwise start a session of their own)."""
        with self.lock:
            if self.coach is None:
                if time.monotonic() - self.ended_at < AFTER_STOP_S:
                    return None
                self.coach = LiveCoach(self.options.variant, self.options.target_s, self.settings.common())
                self.summary, self.saved = None, None
                self.started_at = datetime.now(timezone.utc)
            return self.coach

    def end(self) -> None:
        """End the running session (the camera stopped): its summary replaces the previous one."""
        with self.lock:
            coach, self.coach = self.coach, None
            if coach is not None:
                self.ended_at = time.monotonic()
        if coach is not None:
            summary = coach.finish()
            if summary is not None and summary.frames:
                self.summary = summary


def live_panel(settings: Settings | None = None) -> None:
    """The whole Live page. settings: the shared settings to use (default: the page's own stature
    field, the rest as defaults)."""
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    holder: LiveHolder = st.session_state.setdefault(HOLDER_KEY, LiveHolder())
    st.subheader("Live plank coach")
    st.caption(
        "Put the camera on the floor or a chair, side-on to your plank (a side plank: facing your chest), "
        "whole body in the picture, then press Start. The timer starts after a second in position."
    )
    options = _options_panel()
    holder.options = options
    if settings is None:
        settings = Settings.build(**({"height_cm": options.height_cm} if options.height_cm else {}))
    holder.settings = settings
    if holder.coach is not None:
        holder.coach.target_s = options.target_s

    def on_frame(frame: Any) -> Any:
        import av

        from .webrtc import frame_rgb

        coach = holder.coach_for_frame()
        if coach is None:
            return frame
        image = frame_rgb(frame)
        coach.process(image, float(frame.time or 0.0))
        return av.VideoFrame.from_ndarray(image, format="rgb24")

    recorder_factory: Any = None  # streamlit-webrtc types it as aiortc's MediaRecorder; ours has its interface
    if options.keep_recording:
        from .webrtc import LiveRecorder

        def recorder_factory() -> LiveRecorder:
            folder = Path(tempfile.mkdtemp(prefix="formcheck-live-"))
            holder.recorder = LiveRecorder(folder / "live-plank.mp4")
            return holder.recorder

    from .webrtc import MEDIA_CONSTRAINTS, RTC_CONFIGURATION

    if not _served():
        st.warning("The camera needs the app served by `streamlit run app.py`: open it in a browser.")
        return
    ctx = webrtc_streamer(
        key=STREAMER_KEY,
        mode=WebRtcMode.SENDRECV,
        rtc_configuration=RTC_CONFIGURATION,
        media_stream_constraints=MEDIA_CONSTRAINTS,
        video_frame_callback=on_frame,
        on_video_ended=holder.end,
        in_recorder_factory=recorder_factory,
        async_processing=True,
    )
    playing = bool(ctx.state.playing)
    if not playing and not ctx.state.signalling and holder.coach is not None:
        holder.end()  # stopped (on_video_ended may not have come yet); never while connecting
    if playing:
        st.fragment(_timer_panel, run_every=TIMER_REFRESH_S)(holder, options)
    elif holder.summary is not None:
        summary_panel(holder)
    else:
        st.info("Press **Start** and allow the camera. Nothing is recorded unless you ask for it.")


def _served() -> bool:
    """True in a session served by `streamlit run` (streamlit-webrtc needs one; Streamlit's AppTest,
    which runs the script without a server, has none)."""
    from streamlit_webrtc.session_info import get_this_session_info

    try:
        return get_this_session_info() is not None
    except AttributeError:
        return False


def _options_panel() -> LiveOptions:
    athlete = athlete_picker()  # before the stature field: it fills in the athlete's stature
    spec_labels: dict[str, str] = {"auto": "Auto-detect", **{k: v.capitalize() for k, v in VARIANT_LABELS.items()}}
    left, middle, stature, right = st.columns(4)
    with left:
        variant = st.selectbox(
            "Plank variant",
            list(spec_labels),
            format_func=lambda v: spec_labels[v],
            key="live_variant",
            help="Auto-detect decides from your first second in position.",
        )
    with middle:
        target = st.number_input(
            "Target hold (s)",
            min_value=10,
            max_value=600,
            value=int(DEFAULT_TARGET_S),
            step=5,
            key="live_target",
            help="A signal (on screen, and spoken when speech is on) when the hold reaches it.",
        )
    with stature:
        height = setting_widget(
            next(e for e in settings_catalogue() if e.name == "height_cm"), placeholder="170 (assumed)"
        )
    with right:
        st.toggle("Speak the cues", key="live_speech", help="The browser reads each new cue aloud.")
        keep = st.toggle(
            "Keep the recording",
            key="live_keep",
            help="Records the camera while you hold, to analyse it afterwards like an upload.",
        )
    return LiveOptions(
        variant=str(variant),
        target_s=float(target),
        keep_recording=bool(keep),
        height_cm=float(height) if isinstance(height, int | float) else None,
        athlete=athlete,
    )


def hold_text(snapshot: CoachSnapshot) -> str:
    """'Hold m:ss · good form m:ss' of the running (or last) hold."""
    state = snapshot.state
    hold_s = state.hold_s if state else 0.0
    good_s = state.good_s if state else 0.0
    return f"Hold {clock(hold_s)} · good form {clock(good_s)}"


def _timer_panel(holder: LiveHolder, options: LiveOptions) -> None:
    coach = holder.coach
    if coach is None:
        st.markdown("### Hold 0:00 · good form 0:00")
        st.caption("Waiting for the camera...")
        return
    snap = coach.snapshot()
    state = snap.state
    st.markdown(f"### {hold_text(snap)}")
    phase = state.phase if state else "idle"
    words = {
        "idle": "not holding",
        "confirming": "getting into position",
        "holding": "holding",
        "out_of_position": "out of position",
    }[phase]
    breaks = state.breaks if state else 0
    variant = VARIANT_LABELS[snap.variant] if snap.variant else "variant: deciding"
    st.caption(
        f"{words} · {variant} · form breaks {breaks} · target {clock(snap.target_s)} · "
        f"{snap.fps:.0f} frames/s analysed, {snap.latency_ms:.0f} ms to the overlay"
    )
    severity = state.severity if state else None
    if severity == "warning":
        st.error(snap.cue, icon=":material/warning:")
    elif severity == "attention" or phase == "out_of_position":
        st.warning(snap.cue, icon=":material/error:")
    elif snap.cue_key == "good":
        st.success(snap.cue, icon=":material/check_circle:")
    else:
        st.info(snap.cue, icon=":material/info:")
    if snap.target_reached:
        st.success(f"Target reached: {clock(snap.target_s)} held", icon=":material/emoji_events:")
    if snap.variant == "knee" and state is not None and state.longest_good_s >= THRESHOLDS.progression_knee_hold_s:
        st.success(
            "A minute of good-form knee plank: you are ready to try a full plank.", icon=":material/trending_up:"
        )
    if snap.error:
        st.error(f"The last frame could not be analysed: {snap.error}")
    speech = bool(st.session_state.get("live_speech"))
    _browser_signal(snap, speech)


def _browser_signal(snap: CoachSnapshot, speech: bool) -> None:
    """Speak a new cue (when speech is on) and beep once when the target is reached: the browser's
    speech synthesis and Web Audio, in the page itself (a click on the page allowed them)."""
    cue = snap.cue if speech else ""
    cue_key = snap.cue_key if speech else ""
    target = f"target reached: {clock(snap.target_s)}" if snap.target_reached else ""
    script = f"""
<script>
(function () {{
  const w = window, cueKey = {json.dumps(cue_key)}, cue = {json.dumps(cue)}, target = {json.dumps(target)};
  w.__formcheckLive = w.__formcheckLive || {{spoken: "", target: false}};
  const s = w.__formcheckLive;
  const say = (text) => {{
    if (!("speechSynthesis" in w)) return;
    w.speechSynthesis.cancel();
    w.speechSynthesis.speak(new w.SpeechSynthesisUtterance(text));
  }};
  if (target && !s.target) {{
    s.target = true;
    try {{
      const ctx = new (w.AudioContext || w.webkitAudioContext)();
      const osc = ctx.createOscillator(); osc.frequency.value = 880; osc.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.4);
    }} catch (e) {{}}
    if (cueKey) say(target);
  }}
  if (!target) s.target = false;
  if (cueKey && cueKey !== s.spoken) {{ s.spoken = cueKey; say(cue); }}
}})();
</script>"""
    st.html(script, unsafe_allow_javascript=True)


def summary_panel(holder: LiveHolder) -> None:
    """The end of the session: the clip-like summary, saving it, and the recording."""
    s = holder.summary
    assert s is not None
    st.markdown(f"#### Your {s.variant_label}")
    cols = st.columns(4)
    cols[0].metric("Hold", clock(s.hold_s) if s.hold_s is not None else "none")
    good = (
        f"{clock(s.good_form_s)} ({s.good_form_pct:.0f}%)"
        if s.good_form_s is not None and s.good_form_pct is not None
        else "-"
    )
    cols[1].metric("Good form", good)
    cols[2].metric("Form breaks", len(s.breaks))
    cols[3].metric("Score", f"{s.score.total:.0f}/100" if s.score else "-")
    if s.score is not None:
        parts = {
            "form time": s.score.form_time,
            "alignment": s.score.alignment,
            "steadiness": s.score.steadiness,
            "fatigue": s.score.fatigue,
        }
        st.caption(
            "Score parts (0-100 each): "
            + ", ".join(f"{k} {v:.0f}" if v is not None else f"{k} not measured" for k, v in parts.items())
            + "."
        )
    for b in s.breaks:
        st.markdown(
            f"- **{FAULT_TEXT.get(b.fault, b.fault)}** from {clock(b.start_s)} to {clock(b.end_s)} of the hold "
            f"(up to {b.peak_deg:.0f} deg, {b.severity})"
        )
    if s.holds > 1:
        st.caption(f"{s.holds} holds in this session: the figures are the longest one's.")
    st.info(s.progression, icon=":material/trending_up:")
    for note in s.notes:
        st.caption(note)
    _history_note(holder)
    _recording_panel(holder)


def _history_note(holder: LiveHolder) -> None:
    """Keep the summary in the chosen athlete's history (once per session) and say so; with no
    athlete chosen, say how to keep it."""
    summary, athlete = holder.summary, holder.options.athlete
    if summary is None or summary.hold_s is None:
        return
    if athlete is None:
        st.caption("Not kept: choose an athlete above to keep live sessions in their history.")
        return
    if holder.saved is None:
        store = open_app_store()
        if store is None:
            return
        try:
            with store:
                holder.saved = record_live(
                    store, athlete, summary, holder.started_at or datetime.now(timezone.utc), holder.options.height_cm
                )
        except FormCheckError as exc:
            st.error(store_error_text(exc), icon=":material/error:")
            return
    recorded = holder.saved
    if recorded is not None:
        st.success(
            f"Kept in **{md_escape(recorded.athlete.name)}**'s history, dated "
            f"{md_escape(date_words(recorded.session.date, recorded.session.date_source))}. See the History page.",
            icon=":material/event_available:",
        )


def _recording_panel(holder: LiveHolder) -> None:
    recorder = holder.recorder
    if recorder is None:
        return
    if not recorder.done.wait(timeout=RECORDING_WAIT_S):
        st.caption("The recording is still being written: it can be analysed in a moment (press R to refresh).")
        return
    path = recorder.path
    if recorder.error or not path.is_file() or recorder.frames == 0:
        st.caption(f"The recording could not be kept ({recorder.error or 'no frame came'}).")
        return
    dropped = f", {recorder.dropped} frames dropped (the encoder fell behind)" if recorder.dropped else ""
    st.caption(f"Recording kept: {recorder.frames} frames, {path.stat().st_size / 1e6:.1f} MB{dropped}.")
    if st.button("Analyse the recording like an upload", key="live_analyse"):
        st.session_state["live_analyse_path"] = str(path)
    if st.session_state.get("live_analyse_path") == str(path):
        settings = holder.settings.with_kind("plank")
        if holder.options.variant != "auto":
            settings = settings.with_options(PlankSettings(variant=holder.options.variant))
        source = upload_source(path.name, path.read_bytes())
        view = analysis_panel(source, settings)
        if view is not None:
            remember(view)
            results_panel(view, key="live")
