"""Shared fixtures: where the real footage is (it must exist: tests fail, never skip, without it),
the recorded landmark tracks, and small generated media files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
TRACKS = REPO / "tests" / "data" / "tracks"


def samples_path() -> Path:
    """$FORMCHECK_SAMPLES, else ../shared/samples beside the checkout."""
    return Path(os.environ.get("FORMCHECK_SAMPLES", REPO.parent / "shared" / "samples"))


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    path = samples_path()
    if not (path / "MANIFEST.md").is_file():
        pytest.fail(
            f"the real-footage samples are missing at {path}: set FORMCHECK_SAMPLES to the "
            f"shared samples folder (CI always has it)"
        )
    return path


@pytest.fixture(scope="session")
def tracks_dir() -> Path:
    return TRACKS


def load_track(name: str):
    """(PoseSequence, metadata dict) of a recorded track, e.g. 'running__jogging_side_short_sports2d_demo3'."""
    from formcheck.sequence import PoseSequence

    meta = json.loads((TRACKS / f"{name}.json").read_text())
    return PoseSequence.load_npz(TRACKS / f"{name}.npz"), meta


def write_test_video(
    path: Path,
    frames: int = 30,
    fps: float = 30.0,
    size: tuple[int, int] = (160, 96),
    rotation: int = 0,
    times_s: list[float] | None = None,
    codec: str = "libx264",
    faststart: bool = False,
) -> Path:
    """A small H.264 clip with an asymmetric pattern (a bright bar at the left edge, a dot top-left).

    rotation: display-matrix rotation written into the file (degrees counter-clockwise, as PyAV
    reports it); times_s: explicit per-frame timestamps (variable frame rate) instead of i / fps.
    """
    from fractions import Fraction

    import av

    width, height = size
    container = av.open(str(path), mode="w", options={"movflags": "+faststart"} if faststart else {})
    stream = container.add_stream(codec, rate=Fraction(fps).limit_denominator(1001))
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    stream.time_base = Fraction(1, 1000)
    stream.codec_context.time_base = Fraction(1, 1000)
    if rotation:
        stream.set_display_rotation(rotation)
    for i in range(frames):
        image = np.zeros((height, width, 3), np.uint8)
        image[:, : width // 8] = 255
        image[2:10, width // 4 : width // 4 + 8] = (255, 0, 0)
        image[height // 2 :, width // 2 :] = (0, 0, (i * 8) % 256)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        t = times_s[i] if times_s is not None else i / fps
        frame.pts, frame.time_base = int(round(t * 1000)), Fraction(1, 1000)
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return path


@pytest.fixture(autouse=True)
def _restore_main_module():
    """Streamlit's AppTest runs app.py as `__main__` and leaves it there; worker processes started
    with 'spawn' (the batch engine) would then re-run the app script. Put the real one back."""
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


def plank_result(raw, settings=None, source: str = ""):
    """The plank analysis's KindResult of a raw sequence, with full Settings (default: kind plank)."""
    from formcheck.kinds.plank.spec import analyse_sequence
    from formcheck.settings import Settings

    settings = settings or Settings(kind="plank")
    return analyse_sequence(raw, settings.common(), settings.of("plank"), source)


class RecordedRun:
    """A PoseSource that gives back one real pose pass (the real model on a real file, through
    `MediaPipeSource`, as `pipeline.analyse(path)` makes it) made once per session: each `estimate`
    returns a fresh PoseRun with copies of the people, so a test never sees another test's changes.
    Only for the settings it was made with (the pose pass depends on the shared settings only)."""

    def __init__(self, path: Path, settings) -> None:
        from formcheck.mediapipe_source import MediaPipeSource

        self.path, self.settings = path, settings
        self.run = MediaPipeSource(path).estimate(settings)

    def estimate(self, settings, on_progress=None):
        import dataclasses

        assert settings == self.settings, f"{self.path.name}: the shared pose pass was made with other settings"
        return dataclasses.replace(self.run, people=tuple(p.copy() for p in self.run.people))


_POSE_RUNS: dict[str, RecordedRun] = {}


@pytest.fixture(scope="session")
def real_pose_run(samples_dir: Path):
    """real_pose_run('running/x.mp4'): the session's one real pose pass of that sample at the
    default shared settings, as a PoseSource for `pipeline.analyse` (any analysis kind). Several
    modules analyse the same clips (pose, run, key frames): the model runs once per clip."""
    from formcheck.settings import Settings

    def get(relative: str) -> RecordedRun:
        if relative not in _POSE_RUNS:
            _POSE_RUNS[relative] = RecordedRun(samples_dir / relative, Settings().common())
        return _POSE_RUNS[relative]

    return get


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The suite runs in two pytest-xdist workers, a module at a time (`--dist loadfile`,
    pyproject), in collection order: the modules marked `long` (minutes of model passes) go first,
    so neither worker is left with one of them at the end while the other waits."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
