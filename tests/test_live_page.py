"""The Live page without a browser: the recorder (ui/webrtc.LiveRecorder) keeps every frame of a
camera track, with its own time, in a browser-playable H.264 MP4, encoded off the event loop; the ICE
configuration; the session holder around Stop."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from aiortc.mediastreams import MediaStreamError

from formcheck.ui import webrtc
from formcheck.ui.webrtc import RTC_CONFIGURATION, LiveRecorder


class FakeCameraTrack:
    """An aiortc-like video track: `times` frames (s), 321x240 (odd width on purpose), then the end."""

    kind = "video"

    def __init__(self, times: list[float]) -> None:
        self.times = list(times)

    async def recv(self) -> av.VideoFrame:
        if not self.times:
            raise MediaStreamError
        t = self.times.pop(0)
        image = np.full((240, 321, 3), int(t * 40) % 256, np.uint8)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.time_base = Fraction(1, 90_000)
        frame.pts = int(round(t * 90_000))
        await asyncio.sleep(0)
        return frame


def test_recorder_keeps_every_frame_with_its_time(tmp_path: Path) -> None:
    # 2 s of a camera at a varying rate, starting at 5 s on the WebRTC clock.
    times = [5.0 + 0.04 * i for i in range(25)] + [6.0 + 0.05 * i for i in range(21)]
    path = tmp_path / "live.mp4"
    recorder = LiveRecorder(path)

    async def run() -> None:
        recorder.addTrack(FakeCameraTrack(times))
        await recorder.start()
        await asyncio.sleep(0.5)
        await recorder.stop()

    asyncio.run(run())
    assert recorder.done.is_set()
    assert recorder.error == "" and recorder.frames == len(times) and recorder.dropped == 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.codec_context.width, stream.codec_context.height) == (320, 240)  # even for x264
        decoded = [float(f.time) for f in container.decode(stream)]
    assert len(decoded) == len(times)
    assert decoded == pytest.approx([t - times[0] for t in times], abs=0.002)


def test_stop_with_a_full_queue_leaves_the_event_loop_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An encoder far behind the camera (0.05 s a frame): the queue fills, and Stop must wait for the
    # backlog off the event loop (Streamlit's server runs on that loop: blocked, the page says
    # "Streamlit server is not responding").
    slow = webrtc.frame_rgb

    def slow_rgb(frame: av.VideoFrame) -> np.ndarray:
        time.sleep(0.05)
        return slow(frame)

    monkeypatch.setattr(webrtc, "frame_rgb", slow_rgb)
    times = [0.033 * i for i in range(200)]
    recorder = LiveRecorder(tmp_path / "live.mp4")
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    async def run() -> float:
        recorder.addTrack(FakeCameraTrack(times))
        await recorder.start()
        while recorder._queue.qsize() < webrtc.RECORDER_QUEUE:  # the camera is ahead: the queue is full
            await asyncio.sleep(0.01)
        tick = asyncio.ensure_future(ticker())
        started = time.monotonic()
        await recorder.stop()
        tick.cancel()
        return started

    started = asyncio.run(run())
    during = [t for t in ticks if t >= started]
    gaps = np.diff(during)
    assert len(during) > 50 and float(gaps.max()) < 0.5  # the loop kept running through the 4-s drain
    assert recorder.done.is_set() and recorder.error == ""
    # What was queued when Stop came is written (Stop ends the pull: later frames may not be read).
    assert recorder.frames >= webrtc.RECORDER_QUEUE and recorder.frames + recorder.dropped <= len(times)


def test_one_frame_converted_by_three_threads_at_once_gives_its_pixels() -> None:
    # The relay gives the model's thread and the recorder's the same frame object; PyAV's own
    # frame.to_ndarray() then shares one scaler between them (it crashed the server: a segfault or a
    # hang in FFmpeg's slice threads). In a child process, so that a crash fails only this test.
    code = textwrap.dedent(
        """
        import threading, av, numpy as np
        from formcheck.ui.webrtc import frame_rgb
        rng = np.random.default_rng(0)
        rgb = [rng.integers(0, 256, (480, 640, 3), dtype=np.uint8) for _ in range(12)]
        yuv = [av.VideoFrame.from_ndarray(x, format="rgb24").reformat(format="yuv420p").to_ndarray() for x in rgb]
        expected = [av.VideoFrame.from_ndarray(y, format="yuv420p").to_ndarray(format="rgb24") for y in yuv]
        frames = [av.VideoFrame.from_ndarray(y, format="yuv420p") for y in yuv]
        wrong = []
        def work():
            for _ in range(40):
                for k, f in enumerate(frames):
                    if not np.array_equal(frame_rgb(f), expected[k]):
                        wrong.append(k)
        threads = [threading.Thread(target=work) for _ in range(3)]
        for t in threads: t.start()
        for t in threads: t.join()
        print("wrong", len(wrong), "of", 3 * 40 * len(frames))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["wrong", "0", "of", "1440"]


def test_no_ice_server_is_configured() -> None:
    """Host candidates only: nothing is asked of a STUN or TURN server on the internet."""
    assert RTC_CONFIGURATION == {"iceServers": []}


def test_frames_just_after_stop_do_not_start_a_new_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """The WebRTC worker may deliver a frame or two after Stop: they must not open a session of their
    own (whose summary would replace the real one); a Start later does."""
    from formcheck.ui import live as page

    clock = [100.0]
    monkeypatch.setattr(page.time, "monotonic", lambda: clock[0])
    holder = page.LiveHolder()
    first = holder.coach_for_frame()
    assert first is not None and holder.coach_for_frame() is first  # one session while it runs
    holder.end()
    assert holder.coach is None
    clock[0] += page.AFTER_STOP_S / 2
    assert holder.coach_for_frame() is None
    clock[0] += page.AFTER_STOP_S
    second = holder.coach_for_frame()
    assert second is not None and second is not first


def test_live_page_without_a_server_shows_its_options_and_says_why_no_camera() -> None:
    """Under Streamlit's AppTest (no server session, so no WebRTC): the page's options and a message."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_live_script, default_timeout=60).run()
    assert not at.exception
    assert at.number_input(key="live_target").value == 60
    assert at.selectbox(key="live_variant").value == "auto"
    assert any("streamlit run app.py" in w.value for w in at.warning)


def _live_script() -> None:
    from formcheck.ui.live import live_panel

    live_panel(None)


def _pike_summary(hold_until_s: float | None = None):  # type: ignore[no-untyped-def]
    """The live coach's summary of the recorded pike track (real landmarks), fed frame by frame;
    hold_until_s: stop feeding there (a shorter session)."""
    from conftest import TRACKS

    from formcheck.kinds.plank.live import LivePlank
    from formcheck.sequence import PoseSequence

    raw = PoseSequence.load_npz(TRACKS / "plank__elbow_plank_pike_alternating_wahoo.npz")
    coach = LivePlank(raw.frame_size, variant="auto")
    for i in range(len(raw)):
        if hold_until_s is not None and raw.timestamps_s[i] > hold_until_s:
            break
        coach.push(float(raw.timestamps_s[i]), raw.xy[i], raw.visibility[i])
    return coach.summary()


def test_a_live_session_is_kept_in_the_athletes_history(tmp_path: Path) -> None:
    """Two live sessions of an athlete: two plank sessions dated when they started, with the live
    hold, good-form share and score as headline figures, and a trend between them; the page saving
    the same session again updates it."""
    from datetime import datetime, timezone

    from formcheck.store import open_store
    from formcheck.ui.sessions import LIVE_TIME, record_live

    whole, short = _pike_summary(), _pike_summary(hold_until_s=8.0)
    assert whole.hold_s is not None and short.hold_s is not None and short.hold_s < whole.hold_s - 2
    first_at = datetime(2026, 11, 2, 18, 30, tzinfo=timezone.utc)
    later_at = datetime(2026, 11, 30, 18, 30, tzinfo=timezone.utc)
    with open_store(tmp_path) as store:
        one = record_live(store, "Ana", short, first_at, stature_cm=168.0)
        two = record_live(store, "Ana", whole, later_at)
        again = record_live(store, "Ana", whole, later_at)
        assert (one.new, two.new, again.new) == (True, True, False)
        assert again.session.id == two.session.id and one.stature_changed and not two.stature_changed
        sessions = store.sessions("Ana", kind="plank")
        trend = store.trend("Ana", "plank")
    assert [s.date for s in sessions] == [first_at, later_at]
    assert {s.date_source for s in sessions} == {LIVE_TIME} and sessions[1].source_name == "live session"
    assert sessions[1].result["metrics"]["hold_s"] == pytest.approx(whole.hold_s, abs=0.01)
    assert sessions[1].result["details"]["live"]["form_breaks"] == len(whole.breaks)
    hold = trend.metrics["hold_s"]
    assert [p.value for p in hold.points] == pytest.approx([short.hold_s, whole.hold_s], abs=0.01)
    assert hold.points[1].since_first == pytest.approx(whole.hold_s - short.hold_s, abs=0.02)
    assert trend.metrics["score"].points[1].value == pytest.approx(whole.score.total)
