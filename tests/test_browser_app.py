"""End to end in a real browser: `streamlit run app.py` headless, driven by Playwright with Debian's
chromium (never `playwright install`), at a desktop size and at a phone's (390x844).

A real running clip from the samples folder is uploaded through the page's file input for a new
athlete (the real pose model runs once; the phone pass is served from the cache), the key frames
and video tools are used (a tap on a step seeks the video there, a frame step moves one frame), the
report is downloaded and read (HTML and PDF: pages, images, text), two bundled examples are
compared in sync, two dated photos of the athlete are analysed and the History page shows their two
sessions with a trend. Screenshots are saved under $FORMCHECK_SHOTS (default: the test's tmp dir)
and were looked at.

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
from PIL import Image
from playwright.sync_api import expect
from test_report import read_html, read_pdf

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
#: Two wall-test photos of one person, given EXIF dates a month apart: two sessions, a trend.
PHOTOS = (
    ("posture/standing_side_phone_fiton_a.jpg", "2026:03:01 10:00:00"),
    ("posture/standing_side_phone_fiton_b.jpg", "2026:04:01 10:00:00"),
)
#: The athlete each window size adds (each pass starts its own history). One stature: it is in the
#: result cache's key, so the phone pass gets the desktop pass's analysis from the cache.
ATHLETES = {"desktop": ("Ana", 178), "phone": ("Ben", 178)}
#: Pose on 388 frames of 1080x1920 plus the H.264 rendering, on a shared 2-core machine.
ANALYSIS_TIMEOUT_MS = 300_000
#: The component's iframe (Streamlit names it after the component).
TOOLS = 'iframe[title="formcheck.ui.video.formcheck_media_tools"]'
#: (name, viewport): Streamlit scrolls inside its main block, so the desktop window is tall enough to
#: show a whole result; the phone is a real phone's size (its screenshots show what is in view).
SIZES = [("desktop", {"width": 1400, "height": 3200}), ("phone", {"width": 390, "height": 844})]

pytestmark = [pytest.mark.browser, pytest.mark.long, pytest.mark.timeout(1500)]


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
    env = dict(os.environ, FORMCHECK_APP_CACHE=str(folder / "cache"), FORMCHECK_HOME=str(folder / "home"))
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
    _settled(page)


#: Counts the app's script runs: Streamlit marks its root `data-test-script-state="running"` while
#: the script runs (the attribute its own end-to-end tests wait on), and the time of its last change.
COUNT_RUNS = """
window.__formcheckRuns = 0; window.__formcheckSettledAt = 0; window.__formcheckChanged = Date.now();
new MutationObserver(records => {
  for (const r of records) {
    const now = r.target.getAttribute('data-test-script-state');
    if (now !== r.oldValue) window.__formcheckChanged = Date.now();
    if (now === 'running' && r.oldValue !== 'running') window.__formcheckRuns += 1;
  }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""
#: True once a script run started since the last settle (or none started within 1 s of asking: the
#: action did not rerun the script) has ended, and the app has stayed idle for 150 ms (a run that
#: reruns itself starts again within that).
SETTLED = """started => {
  const app = document.querySelector('[data-testid="stApp"]');
  const ran = window.__formcheckRuns > window.__formcheckSettledAt || Date.now() - started > 1000;
  return ran && app && app.getAttribute('data-test-script-state') === 'notRunning'
    && Date.now() - window.__formcheckChanged >= 150;
}"""


def _settled(page) -> None:
    """Wait until the script run of the last action is over (see SETTLED; the 'Running...' status
    has gone too)."""
    started = page.evaluate("Date.now()")
    page.wait_for_function(SETTLED, arg=started, timeout=ANALYSIS_TIMEOUT_MS, polling=50)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=ANALYSIS_TIMEOUT_MS)
    page.evaluate("window.__formcheckSettledAt = window.__formcheckRuns")


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


def _video_until(page, tools, done, what: str, index: int = 0, timeout_s: float = 10.0) -> dict:
    """Clip `index`'s state once `done(state)` holds (polled every 50 ms), for `what` to have happened."""
    deadline = time.monotonic() + timeout_s
    while not done(state := _video_state(tools, index)):
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout_s:.0f} s: {state}"
        page.wait_for_timeout(50)
    return state


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
        folded.first.click()  # Playwright waits for the sliding link to be stable before it clicks
        _settled(page)
        close = page.locator('[data-testid="stSidebarCollapseButton"] button, [data-testid="stSidebarCollapseButton"]')
        if close.count() and close.first.is_visible():
            close.first.click()  # a phone's sidebar covers the page until closed
    else:
        page.get_by_role("link", name=name).first.click()
    _settled(page)


def _add_athlete(page, name: str, stature_cm: int) -> None:
    """Add an athlete with the picker (name and stature), which then chooses them."""
    _select(page, "Athlete", "Add an athlete…")
    page.get_by_role("textbox", name="New athlete's name").fill(name)
    page.get_by_role("textbox", name="New athlete's name").press("Enter")
    _settled(page)
    page.get_by_role("spinbutton", name="Their stature (cm)").fill(str(stature_cm))
    page.get_by_role("spinbutton", name="Their stature (cm)").press("Enter")
    _settled(page)
    page.get_by_role("button", name="Add athlete").click()
    _settled(page)


def _dated_photo(source: Path, target: Path, when: str) -> Path:
    """A copy of a photo with an EXIF date taken (`YYYY:MM:DD HH:MM:SS`), as a phone writes it."""
    with Image.open(source) as im:
        exif = im.getexif()
        exif[0x0132] = when  # DateTime
        exif.get_ifd(0x8769)[0x9003] = when  # DateTimeOriginal
        im.save(target, "JPEG", quality=95, exif=exif)
    return target


def _download(page, label: str, folder: Path) -> Path:
    button = page.locator('[data-testid="stDownloadButton"]').filter(has_text=label).first
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as info:
        button.click()
    saved = folder / info.value.suggested_filename
    info.value.save_as(saved)
    return saved


def _upload(page, path: Path, heading: str) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    _expect_result(page, heading)


def _kept_message(page) -> str:
    kept = page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="session of")
    kept.first.wait_for(timeout=30_000)
    return kept.first.inner_text()


@pytest.mark.parametrize("size", [name for name, _ in SIZES])
def test_analyse_seek_report_compare_and_history(
    size: str, app_url: str, browser, samples_dir: Path, tmp_path: Path
) -> None:
    viewport = dict(SIZES)[size]
    athlete, stature = ATHLETES[size]
    clip = samples_dir / RUNNING_CLIP
    assert clip.is_file(), f"sample file missing under {samples_dir}"
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.add_init_script(COUNT_RUNS)
    page = context.new_page()
    shots = Path(os.environ.get("FORMCHECK_SHOTS") or tmp_path) / size
    shots.mkdir(parents=True, exist_ok=True)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    try:
        page.goto(app_url)
        page.locator('[data-testid="stFileUploader"]').wait_for(timeout=60_000)
        _settled(page)
        # The settings that matter are in the main column, in view without opening anything.
        for label in (
            "Athlete",
            "Analysis",
            "Stature (cm)",
            "Capture frame rate of a slow-motion or sped-up clip (fps)",
        ):
            page.locator('[data-testid="stWidgetLabel"]', has_text=label).first.wait_for(
                state="visible", timeout=60_000
            )
        page.screenshot(path=str(shots / "start.png"))

        # A new athlete with their stature: chosen, and their stature filled in.
        _add_athlete(page, athlete, stature)
        assert page.get_by_role("spinbutton", name="Stature (cm)", exact=True).input_value().startswith(str(stature))
        page.screenshot(path=str(shots / "athlete_added.png"))

        # Upload the running clip with the running analysis chosen: it is kept as their session.
        run_label = kind_spec("run").label
        _select(page, "Analysis", run_label)
        _upload(page, clip, f"{run_label}: {clip.name}")
        kept = _kept_message(page)
        assert f"Kept as a new session of {athlete}," in kept and "the time of upload" in kept, kept
        tools = page.frame_locator(TOOLS).first
        state = _wait_video(page, tools)
        assert (state["w"], state["h"]) == (720, 1280)  # the annotated clip, portrait
        column = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
        if size == "phone":  # full column width on a phone
            assert state["shownW"] >= column["width"] - 40, (state, column)
        page.locator('[data-testid="stMetric"]').nth(2).wait_for(timeout=30_000)
        page.locator('[data-testid="stMetric"]').first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "result_cards.png"))

        # The key frames (a contact per side): a tap on one takes the video there.
        frames = tools.locator('[data-testid="key-frame"]')
        assert frames.count() == 2, frames.count()
        frame = frames.nth(1)
        frame.scroll_into_view_if_needed()
        frame.click()
        at = float(frame.get_attribute("data-time"))
        seeked = _video_until(page, tools, lambda v: abs(v["t"] - at) <= 0.02, "the seek to the key frame")
        assert seeked["t"] == pytest.approx(at, abs=0.02)

        # Tap a step: the video goes there. Then one frame forward.
        steps = tools.locator('[data-testid="seek-step"]')
        assert steps.count() >= 10
        step = steps.nth(4)
        target = float(step.get_attribute("data-time"))
        step.scroll_into_view_if_needed()
        step.click()
        seeked = _video_until(page, tools, lambda v: abs(v["t"] - target) <= 0.02, "the seek to the step")
        assert seeked["t"] == pytest.approx(target, abs=0.02)
        tools.locator('[data-testid="frame-forward"]').click()
        moved = _video_until(page, tools, lambda v: v["t"] > seeked["t"], "the frame step")["t"] - target
        assert moved == pytest.approx(1 / 60, abs=0.006), moved  # one frame of the 60 fps clip
        clock_text = f"frame {round((target + 1 / 60) * 60)}"
        expect(tools.locator('[data-testid="clip-clock-0"]')).to_contain_text(clock_text)  # updated on 'seeked'
        clock = tools.locator('[data-testid="clip-clock-0"]').inner_text()
        assert clock_text in clock, clock
        tools.locator('[data-testid="clip-video-0"]').scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "video_tools.png"))
        page.get_by_text("Per step", exact=True).scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "steps_table.png"))

        # The report, as HTML and as PDF: the athlete, the key frames, the figures, the trend.
        html = _download(page, "Report (HTML)", downloads)
        assert html.name == "treadmill_side_phone60fps_mhuang.report.html"
        images, text, links = read_html(html)
        assert not links  # self-contained
        assert athlete in text and "Cadence" in text and "Key frames" in text
        assert len(images) == 3  # the two contact frames and the trend chart
        assert max(im.size[1] for im in images) >= 400
        pdf = _download(page, "Report (PDF)", downloads)
        pages, pdf_text, pdf_images = read_pdf(pdf)
        assert pages >= 1 and athlete in pdf_text and "Cadence" in pdf_text, (pages, pdf_text[:300])
        assert len(pdf_images) == 3
        page.locator('[data-testid="stDownloadButton"]').filter(
            has_text="Report (PDF)"
        ).first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "downloads.png"))

        # A download: the JSON result, parsed.
        saved = _download(page, "Result (JSON)", downloads)
        assert json.loads(saved.read_text())["kind"] == "run"

        # Two bundled examples of the same activity, compared in sync on the Compare page.
        page.get_by_text("Try a bundled example").first.click()
        page.locator('[data-testid="stSelectbox"]:visible').filter(
            has=page.locator("label", has_text="Example")
        ).first.wait_for(timeout=30_000)
        for title, track in (
            ("Walking indoors, side view (there and back)", "running__walking_side_indoor_wall_sports2d_demo4.npz"),
            (
                "Walking on a lawn, side view (second person in the background)",
                "running__walking_side_2people_sports2d_demo.other1.npz",
            ),
        ):
            _select(page, "Example", title)
            _expect_result(page, f"{run_label}: {track}")
        assert page.get_by_text(f"Examples are not kept in {athlete}'s history").count() == 1
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

        # Two photos of the athlete a month apart (EXIF dates): two wall-test sessions.
        _open_page(page, "Analyse")
        assert page.get_by_role("spinbutton", name="Stature (cm)", exact=True).input_value().startswith(str(stature))
        wall_label = kind_spec("wall").label
        _select(page, "Analysis", wall_label)
        for (name, when), day in zip(PHOTOS, ("1 March 2026", "1 April 2026"), strict=True):
            photo = _dated_photo(samples_dir / name, tmp_path / Path(name).name, when)
            _upload(page, photo, f"{wall_label}: {photo.name}")
            kept = _kept_message(page)
            assert f"dated {day}, 10:00" in kept or f"dated {day}" in kept, kept
            assert "EXIF date taken" in kept, kept
        page.screenshot(path=str(shots / "photo_kept.png"))

        # The History page: the athlete's two wall-test sessions, a trend chart per figure.
        _open_page(page, "History")
        assert page.get_by_text(f"{run_label}: 1 session", exact=True).count() == 1  # the latest-dated first
        page.locator('[data-testid="stRadio"]').get_by_text(wall_label).click()
        _settled(page)
        page.get_by_text(f"{wall_label}: 2 sessions", exact=True).wait_for(timeout=30_000)
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        charts.nth(2).wait_for(timeout=30_000)
        assert charts.count() >= 3  # gap in cm, gap in hands, craniovertebral angle
        assert page.get_by_text("1 April 2026", exact=False).count() >= 1
        # The latest wall-test session is opened (not a session of the analysis shown before).
        page.get_by_text(f"{wall_label}: {Path(PHOTOS[1][0]).name}", exact=True).wait_for(timeout=30_000)
        page.screenshot(path=str(shots / "history.png"))
        charts.first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "history_trend.png"))
        page.get_by_text("Sessions", exact=True).scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "history_sessions.png"))
    finally:
        page.screenshot(path=str(shots / "last.png"))  # where it stopped (kept with the others)
        context.close()
    for name in ("start.png", "result_cards.png", "video_tools.png", "compare.png", "history_trend.png"):
        assert (shots / name).stat().st_size > 10_000
