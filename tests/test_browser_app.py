"""End to end in a real browser: `streamlit run app.py` headless, driven by Playwright with Debian's
chromium (never `playwright install`), at a desktop size and at a phone's (390x844).

A real running clip from the samples folder is uploaded through the page's file input (the real
pose model runs once; the phone pass is served from the cache), the video tools are used (a tap
on a step seeks the video there, a frame step moves one frame), two bundled examples are compared
in sync, a download is fetched. Screenshots are saved in the test's tmp dir (`--basetemp` to keep
them) and were looked at.

Run: pytest -m browser tests/test_browser_app.py
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from formcheck.kinds import kind_spec

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
RUNNING_CLIP = "running/treadmill_side_phone60fps_mhuang.mp4"
#: Pose on 388 frames of 1080x1920 plus the H.264 rendering, on a shared 2-core machine.
ANALYSIS_TIMEOUT_MS = 300_000
#: The component's iframe (Streamlit names it after the component).
TOOLS = 'iframe[title="formcheck.ui.video.formcheck_media_tools"]'
#: (name, viewport): Streamlit scrolls inside its main block, so the desktop window is tall enough to
#: show a whole result; the phone is a real phone's size (its screenshots show what is in view).
SIZES = [("desktop", {"width": 1400, "height": 3200}), ("phone", {"width": 390, "height": 844})]

pytestmark = [pytest.mark.browser, pytest.mark.timeout(1500)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"streamlit exited with code {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"streamlit did not answer {url} within {timeout_s:.0f} s")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    """A headless `streamlit run app.py` on a free localhost port, with its own result cache (shared
    by both window sizes: the phone pass gets the desktop pass's results from it)."""
    folder = tmp_path_factory.mktemp("app")
    port = _free_port()
    env = dict(os.environ, FORMCHECK_APP_CACHE=str(folder / "cache"))
    log_path = folder / "streamlit.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(REPO / "app.py"),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    log_text = log_path.read_text(errors="replace")
    assert "Traceback" not in log_text, f"the app logged a traceback:\n{log_text[-3000:]}"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _select(page, label: str, option: str) -> None:
    """Pick `option` in the visible selectbox labelled `label`."""
    box = page.locator('[data-testid="stSelectbox"]:visible').filter(has=page.locator("label", has_text=label))
    box.first.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_timeout(500)


def _settled(page) -> None:
    """Wait until the script run is over (the 'Running...' status has gone)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=ANALYSIS_TIMEOUT_MS)
    page.wait_for_timeout(500)


def _expect_result(page, heading: str) -> None:
    """Wait for the result of `heading` and check that no error and no traceback are shown."""
    page.get_by_text(heading, exact=True).wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    _settled(page)
    assert page.locator('[data-testid="stException"]').count() == 0, "a traceback is shown"
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"an error is shown: {errors.first.inner_text()}"


def _video_state(tools, index: int = 0) -> dict:
    return tools.locator(f'[data-testid="clip-video-{index}"]').evaluate(
        "v => ({t: v.currentTime, paused: v.paused, ready: v.readyState, w: v.videoWidth, h: v.videoHeight,"
        " shownW: v.getBoundingClientRect().width, shownH: v.getBoundingClientRect().height})"
    )


def _wait_video(page, tools, index: int = 0) -> dict:
    video = tools.locator(f'[data-testid="clip-video-{index}"]')
    video.wait_for(timeout=60_000)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = _video_state(tools, index)
        if state["ready"] >= 1 and state["w"] > 0:
            return state
        page.wait_for_timeout(250)
    raise AssertionError(f"clip {index} never loaded: {_video_state(tools, index)}")


def _open_page(page, name: str) -> None:
    """Go to another page of the app in the same session (a reload would start a new session). A
    narrow window folds the navigation into the sidebar: open it first."""
    folded = page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=name)
    if folded.count():
        page.locator('[data-testid="stExpandSidebarButton"]').first.click()
        folded.first.wait_for(state="visible")
        page.wait_for_timeout(800)  # the sidebar slides in
        folded.first.click()
        page.wait_for_timeout(800)
        close = page.locator('[data-testid="stSidebarCollapseButton"] button, [data-testid="stSidebarCollapseButton"]')
        if close.count() and close.first.is_visible():
            close.first.click()  # a phone's sidebar covers the page until closed
    else:
        page.get_by_role("link", name=name).first.click()
    page.wait_for_timeout(800)
    _settled(page)


@pytest.mark.parametrize("size", [name for name, _ in SIZES])
def test_analyse_seek_compare_and_download(size: str, app_url: str, browser, samples_dir: Path, tmp_path: Path) -> None:
    viewport = dict(SIZES)[size]
    clip = samples_dir / RUNNING_CLIP
    assert clip.is_file(), f"sample file missing under {samples_dir}"
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    shots = tmp_path / size
    shots.mkdir()
    try:
        page.goto(app_url)
        page.locator('[data-testid="stFileUploader"]').wait_for(timeout=60_000)
        _settled(page)
        # The settings that matter are in the main column, in view without opening anything.
        for label in ("Analysis", "Stature (cm)", "Capture frame rate of a slow-motion clip (fps)"):
            page.locator('[data-testid="stWidgetLabel"]', has_text=label).first.wait_for(
                state="visible", timeout=60_000
            )
        page.screenshot(path=str(shots / "start.png"))

        # Upload the running clip with the running analysis chosen.
        run_label = kind_spec("run").label
        _select(page, "Analysis", run_label)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(clip))
        _expect_result(page, f"{run_label}: {clip.name}")
        tools = page.frame_locator(TOOLS).first
        state = _wait_video(page, tools)
        assert (state["w"], state["h"]) == (720, 1280)  # the annotated clip, portrait
        column = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
        if size == "phone":  # full column width on a phone
            assert state["shownW"] >= column["width"] - 40, (state, column)
        page.locator('[data-testid="stMetric"]').nth(2).wait_for(timeout=30_000)
        page.locator('[data-testid="stMetric"]').first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "result_cards.png"))

        # Tap a step: the video goes there. Then one frame forward.
        steps = tools.locator('[data-testid="seek-step"]')
        assert steps.count() >= 10
        step = steps.nth(4)
        target = float(step.get_attribute("data-time"))
        step.scroll_into_view_if_needed()
        step.click()
        page.wait_for_timeout(800)
        assert _video_state(tools)["t"] == pytest.approx(target, abs=0.02)
        tools.locator('[data-testid="frame-forward"]').click()
        page.wait_for_timeout(800)
        moved = _video_state(tools)["t"] - target
        assert moved == pytest.approx(1 / 60, abs=0.006), moved  # one frame of the 60 fps clip
        clock = tools.locator('[data-testid="clip-clock-0"]').inner_text()
        assert f"frame {round((target + 1 / 60) * 60)}" in clock, clock
        tools.locator('[data-testid="clip-video-0"]').scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "video_tools.png"))
        page.get_by_text("Per step", exact=True).scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "steps_table.png"))

        # A download: the JSON result, parsed.
        button = page.locator('[data-testid="stDownloadButton"]').filter(has_text="Result (JSON)")
        button.scroll_into_view_if_needed()
        with page.expect_download() as info:
            button.click()
        saved = shots / info.value.suggested_filename
        info.value.save_as(saved)
        assert json.loads(saved.read_text())["kind"] == "run"

        # Two bundled examples of the same activity, compared in sync on the Compare page.
        page.get_by_text("Try a bundled example").first.click()
        page.wait_for_timeout(800)
        for title, track in (
            ("Walking indoors, side view (there and back)", "running__walking_side_indoor_wall_sports2d_demo4.npz"),
            (
                "Walking on a lawn, side view (second person in the background)",
                "running__walking_side_2people_sports2d_demo.other1.npz",
            ),
        ):
            _select(page, "Example", title)
            _expect_result(page, f"{run_label}: {track}")
        _open_page(page, "Compare")
        page.get_by_text("Compare two analyses", exact=True).wait_for(timeout=30_000)
        table = page.locator('[data-testid="stMarkdownContainer"] table').first
        table.wait_for(timeout=30_000)
        box = table.bounding_box()
        assert box["width"] <= viewport["width"], box  # the difference table fits the window
        assert page.get_by_text("not the same activity").count() == 0
        tools = page.frame_locator(TOOLS).first
        for index in (0, 1):
            _wait_video(page, tools, index)
        tools.locator('[data-testid="play-both"]').click()
        page.wait_for_timeout(2500)
        a, b = _video_state(tools, 0), _video_state(tools, 1)
        assert not a["paused"] and not b["paused"], (a, b)
        args = json.loads(
            page.frame_locator(TOOLS)
            .first.locator("body")
            .evaluate("() => JSON.stringify(window.formcheckPlayers().map(p => p.clip.align_s))")
        )
        # Both have run the same time since their aligned events (first contacts), within 0.15 s.
        assert (a["t"] - args[0]) == pytest.approx(b["t"] - args[1], abs=0.15), (a, b, args)
        page.screenshot(path=str(shots / "compare.png"))
    finally:
        page.screenshot(path=str(shots / "last.png"))  # where it stopped (kept with the others)
        context.close()
    for name in ("start.png", "result_cards.png", "video_tools.png", "compare.png"):
        assert (shots / name).stat().st_size > 10_000
