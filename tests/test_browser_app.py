"""End to end in a real browser: `streamlit run app.py` headless, driven by Playwright with Debian's
chromium (never `playwright install`). A real running clip and a real posture photo from the samples
folder are uploaded through the page's file input; the results must show metric cards, a chart and
a playing video (the photo: an image). Screenshots are saved in the test's tmp dir.

Run: pytest -m browser tests/test_browser_app.py
"""

from __future__ import annotations

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
]
RUNNING_CLIP = "running/treadmill_side_phone60fps_mhuang.mp4"
POSTURE_PHOTO = "posture/standing_side_studio_physio.jpg"
#: Pose on 388 frames of 1080x1920 plus the H.264 rendering, on a shared 2-core machine.
ANALYSIS_TIMEOUT_MS = 300_000

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]


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


@pytest.fixture
def app_url(tmp_path: Path):
    """A headless `streamlit run app.py` on a free localhost port, with its own result cache."""
    port = _free_port()
    env = dict(os.environ, FORMCHECK_APP_CACHE=str(tmp_path / "cache"))
    log_path = tmp_path / "streamlit.log"
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


def _choose_analysis(page, label: str) -> None:
    """Pick an analysis in the sidebar's first selectbox."""
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=label, exact=True).click()
    page.wait_for_timeout(500)


def _upload(page, path: Path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))


def _expect_result(page, heading: str) -> None:
    """Wait for the result of `heading` (e.g. 'Running / walking gait: clip.mp4') and check that no
    error and no traceback are shown."""
    page.get_by_text(heading, exact=True).wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    # The rest of the panel streams in after the heading; the run is over when the "Running..."
    # status widget has gone (elements of the previous result are then removed too).
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=120_000)
    page.wait_for_timeout(500)
    assert page.locator('[data-testid="stException"]').count() == 0, "a traceback is shown"
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"an error is shown: {errors.first.inner_text()}"


def test_upload_running_clip_and_posture_photo(app_url: str, samples_dir: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    clip, photo = samples_dir / RUNNING_CLIP, samples_dir / POSTURE_PHOTO
    assert clip.is_file() and photo.is_file(), f"sample files missing under {samples_dir}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # Streamlit scrolls inside its main block, so a tall window shows the whole result at once.
            page = browser.new_page(viewport={"width": 1400, "height": 4000})
            page.goto(app_url)
            page.get_by_text("Photo or video").first.wait_for(timeout=60_000)

            # The running clip, with the running analysis chosen explicitly.
            run_label = kind_spec("run").label
            _choose_analysis(page, run_label)
            _upload(page, clip)
            page.get_by_text("Finding the pose: frame").first.wait_for(timeout=60_000)
            page.screenshot(path=str(tmp_path / "running_progress.png"))
            _expect_result(page, f"{run_label}: {clip.name}")
            page.locator('[data-testid="stMetric"]').nth(2).wait_for(timeout=30_000)  # at least 3 cards
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=30_000)
            video = page.locator("video").first
            video.wait_for(timeout=30_000)
            page.wait_for_function(
                "() => { const v = document.querySelector('video');"
                " return v && v.readyState >= 1 && v.videoWidth > 0; }",
                timeout=60_000,
            )
            page.locator('[data-testid="stDownloadButton"]').nth(3).wait_for(timeout=30_000)  # JSON, CSV, MP4, PNG
            page.get_by_text("What to work on", exact=True).wait_for(timeout=10_000)
            page.screenshot(path=str(tmp_path / "running.png"))
            steps = page.get_by_text("Per step", exact=True)
            steps.wait_for(timeout=10_000)
            steps.scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / "running_steps.png"))

            # The posture photo, auto-detected as the wall test / standing posture analysis.
            _choose_analysis(page, "Auto-detect")
            _upload(page, photo)
            _expect_result(page, f"{kind_spec('wall').label}: {photo.name}")
            page.get_by_text("not a diagnosis").first.wait_for(timeout=10_000)
            page.locator('[data-testid="stMetric"]').nth(2).wait_for(timeout=30_000)
            page.locator('[data-testid="stImage"] img').first.wait_for(timeout=30_000)
            page.locator('[data-testid="stDownloadButton"]').nth(2).wait_for(timeout=30_000)  # JSON, CSV, JPEG
            page.screenshot(path=str(tmp_path / "posture.png"))

            # Compare: the two results are of different kinds, which the Compare tab must say.
            page.get_by_role("tab", name="Compare").click()
            page.get_by_text("only two results of the same kind can be compared").wait_for(timeout=10_000)
            page.screenshot(path=str(tmp_path / "compare.png"))
        finally:
            browser.close()
    for name in ("running.png", "posture.png", "compare.png"):
        assert (tmp_path / name).stat().st_size > 10_000
