"""Issue 14 in the app (Streamlit AppTest, no browser): huge and 16-bit images, the app's own message for
an oversize upload (and the refused file let go), a result cache bounded in bytes, and work folders of an
interrupted analysis (a server restart) removed. Each bad input shows one message, never a traceback.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from formcheck.kinds import kind_spec
from formcheck.processes import PROCESS_TOKEN
from formcheck.ui import cache
from formcheck.ui.inputs import DEFAULT_UPLOAD_LIMIT_MB, REFUSAL_MARGIN

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
TIMEOUT_S = 180
POSTURE = "posture/standing_side_studio_physio.jpg"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("FORMCHECK_APP_CACHE", str(root))
    monkeypatch.delenv("FORMCHECK_MAX_UPLOAD_MB", raising=False)
    monkeypatch.delenv("FORMCHECK_APP_CACHE_MB", raising=False)
    return root


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at: AppTest) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    return [str(e.value) for e in at.error]


def png_bytes(image: np.ndarray | tuple[int, int]) -> bytes:
    from PIL import Image

    im = Image.new("L", image) if isinstance(image, tuple) else Image.fromarray(image)
    buffer = io.BytesIO()
    im.save(buffer, format="PNG")
    return buffer.getvalue()


def choose_example(at: AppTest, index: int) -> AppTest:
    if at.radio(key="source").value != "example":
        at.radio(key="source").set_value("example").run()
    if at.selectbox(key="example").value != index:
        at.selectbox(key="example").set_value(index).run()
    return at


# ---------------------------------------------------------------- huge and 16-bit images


@pytest.mark.parametrize(
    "size, words",
    [((20000, 20000), "more than 179 million pixels"), ((12000, 12000), "at most 50 million pixels decoded")],
)
def test_a_huge_image_gets_one_message(size: tuple[int, int], words: str, own_cache: Path) -> None:
    at = start()
    at.file_uploader[0].upload("huge.png", png_bytes(size), "image/png").run()
    (message,) = errors(at)
    assert "Cannot analyse huge.png" in message and words in message
    assert "What to do:** Upload a smaller photo" in message and "internal" not in message.lower()
    assert not at.metric
    assert not [p for p in own_cache.iterdir() if not p.name.startswith(".")]  # nothing cached


@pytest.mark.real
def test_a_16_bit_grey_photo_is_analysed(samples_dir: Path) -> None:
    from PIL import Image

    with Image.open(samples_dir / POSTURE) as im:
        grey = np.asarray(im.convert("L")).astype(np.uint16) * 257
    at = start()
    at.file_uploader[0].upload("grey16.png", png_bytes(grey), "image/png").run()
    assert errors(at) == []
    assert f"{kind_spec('wall').label}: grey16.png" in [str(s.value) for s in at.subheader]
    assert len(at.metric) >= 3


# ---------------------------------------------------------------- uploads over the limit


def test_the_shipped_config_lets_files_over_the_limit_reach_the_app() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == REFUSAL_MARGIN * DEFAULT_UPLOAD_LIMIT_MB


def test_an_upload_over_the_limit_gets_the_apps_message_and_is_let_go(
    monkeypatch: pytest.MonkeyPatch, own_cache: Path
) -> None:
    monkeypatch.setenv("FORMCHECK_MAX_UPLOAD_MB", "1")
    at = start()
    # The browser takes files up to twice the app's limit, so those reach the app's own message.
    assert at.file_uploader[0].proto.max_upload_size_mb == 2
    at.file_uploader[0].upload("long.mp4", b"\0" * (3 * 1024 * 1024 // 2), "video/mp4").run()
    (message,) = errors(at)
    assert "long.mp4 is too large" in message and "1.5 MB, and the limit is 1 MB" in message
    assert "trim the clip" in message and "lower resolution" in message
    assert at.file_uploader[0].value is None  # a fresh uploader: the refused file is gone
    assert not own_cache.exists() or not any(own_cache.iterdir())
    at.run()  # the message was for that upload only
    assert errors(at) == []


# ---------------------------------------------------------------- the cache: bounded, no leftovers


def _work_folder(root: Path, pid: int, token: str) -> Path:
    folder = root / f".{'0' * 32}-{'1' * 16}-abcdef12.{pid}.{token}-x1y2z3w4.work"
    (folder / "input").mkdir(parents=True)
    (folder / "input" / "clip.mp4").write_bytes(b"an upload the server was analysing when it stopped")
    return folder


def _ended_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_work_folders_of_an_ended_server_are_removed_at_the_next_analysis(own_cache: Path) -> None:
    own_cache.mkdir()
    ended = _work_folder(own_cache, _ended_pid(), "a1b2c3")
    same_pid_earlier = _work_folder(own_cache, os.getpid(), "ffffff" if PROCESS_TOKEN != "ffffff" else "eeeeee")
    running = _work_folder(own_cache, os.getpid(), PROCESS_TOKEN)  # this server's, being written now
    old_format = own_cache / f".{'2' * 32}-x.abcdefgh.work"
    old_format.mkdir()
    os.utime(old_format, (time.time() - 7 * 3600, time.time() - 7 * 3600))
    at = choose_example(start(), 1)
    assert errors(at) == []
    assert not ended.exists() and not same_pid_earlier.exists() and not old_format.exists()
    assert running.exists()


def test_the_cache_is_bounded_in_bytes(monkeypatch: pytest.MonkeyPatch, own_cache: Path) -> None:
    monkeypatch.setenv("FORMCHECK_APP_CACHE_MB", "1")
    at = choose_example(start(), 1)  # the indoor walking track, about 1.3 MB: over the limit, kept while newest
    assert errors(at) == []
    (first,) = [p for p in own_cache.iterdir() if not p.name.startswith(".")]
    choose_example(at, 2)  # the lawn walking track, about 0.7 MB
    assert errors(at) == []
    entries = [p for p in own_cache.iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1 and entries[0] != first
    assert sum(cache.folder_bytes(p) for p in entries) <= 1024 * 1024


def test_prune_keeps_the_newest_entries_within_the_budget(tmp_path: Path) -> None:
    now = time.time()
    for age, (name, kb) in enumerate([("new", 300), ("mid", 300), ("old", 300), ("oldest", 300)]):
        (tmp_path / name).mkdir()
        (tmp_path / name / "clip.mp4").write_bytes(b"\0" * kb * 1024)
        os.utime(tmp_path / name, (now - age * 60, now - age * 60))
    cache.prune(tmp_path, keep=40, max_bytes=700 * 1024)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mid", "new"]
    cache.prune(tmp_path, keep=40, max_bytes=100 * 1024, protect="new")  # the entry being served stays
    assert [p.name for p in tmp_path.iterdir()] == ["new"]
    cache.prune(tmp_path, keep=0, max_bytes=10**9)
    assert list(tmp_path.iterdir()) == []
