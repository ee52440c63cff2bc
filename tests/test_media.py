"""Media input: generated clips with known rotation, timing and damage; every bad input's message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import write_test_video

from formcheck.errors import MediaNotFound, UnreadableMedia, UnsupportedMedia, UsageError
from formcheck.media import DecodeReport, iter_frames, prefetch, probe


def test_plain_clip_probe_and_timestamps(tmp_path: Path) -> None:
    clip = write_test_video(tmp_path / "plain.mp4", frames=30, fps=30)
    info = probe(clip)
    assert (info.kind, info.width, info.height, info.rotation) == ("video", 160, 96, 0)
    assert info.fps == pytest.approx(30, rel=1e-3)
    frames = list(iter_frames(info))
    assert len(frames) == 30
    times = np.array([f.time_s for f in frames])
    assert times[0] == 0.0
    assert np.allclose(np.diff(times), 1 / 30, atol=1e-3)
    assert frames[0].image.shape == (96, 160, 3) and frames[0].image.flags["C_CONTIGUOUS"]


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_clip_comes_out_upright(tmp_path: Path, rotation: int) -> None:
    """The same pattern stored with a display matrix must match what cv2's auto-rotating reader shows."""
    import cv2

    clip = write_test_video(tmp_path / f"rot{rotation}.mp4", frames=3, rotation=rotation)
    info = probe(clip)
    assert info.rotation == rotation
    expected_w, expected_h = (96, 160) if rotation in (90, 270) else (160, 96)
    assert (info.width, info.height) == (expected_w, expected_h)
    ours = next(iter(iter_frames(info))).image
    cap = cv2.VideoCapture(str(clip))
    ok, bgr = cap.read()
    cap.release()
    assert ok
    theirs = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    assert ours.shape == theirs.shape
    assert np.mean(np.abs(ours.astype(int) - theirs.astype(int))) < 8


def test_variable_frame_rate_timestamps_come_from_the_container(tmp_path: Path) -> None:
    times = [0.0, 0.033, 0.066, 0.150, 0.183, 0.300, 0.333, 0.366, 0.400, 0.500]
    clip = write_test_video(tmp_path / "vfr.mp4", frames=len(times), fps=30, times_s=times)
    got = [f.time_s for f in iter_frames(probe(clip))]
    assert np.allclose(got, times, atol=1.5e-3)


def test_capture_fps_override_rescales_time(tmp_path: Path) -> None:
    clip = write_test_video(tmp_path / "slowmo.mp4", frames=30, fps=30)
    info = probe(clip, capture_fps=240)
    assert info.fps == 240 and info.playback_fps == pytest.approx(30, rel=1e-3)
    assert info.time_scale == pytest.approx(30 / 240, rel=1e-3)
    times = np.array([f.time_s for f in iter_frames(info)])
    assert np.allclose(np.diff(times), 1 / 240, atol=1e-4)


def test_trimming_and_downscaling(tmp_path: Path) -> None:
    clip = write_test_video(tmp_path / "trim.mp4", frames=60, fps=30, size=(640, 360))
    info = probe(clip)
    frames = list(iter_frames(info, start_s=0.5, end_s=1.0, max_side=320))
    assert frames[0].index == 15 and frames[-1].index == 30
    assert frames[0].image.shape == (180, 320, 3) and frames[0].scale == pytest.approx(0.5)


def test_photo_exif_orientation(tmp_path: Path) -> None:
    from PIL import Image

    image = np.zeros((40, 80, 3), np.uint8)
    image[:, :10] = 255
    path = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: viewers turn it 90 deg clockwise
    Image.fromarray(image).save(path, exif=exif)
    info = probe(path)
    assert (info.kind, info.width, info.height) == ("photo", 40, 80)
    frame = next(iter(iter_frames(info)))
    assert frame.image.shape == (80, 40, 3)
    assert frame.image[:10].mean() > 200  # the bar on the left edge is now at the top


BAD_INPUTS = [
    ("missing", MediaNotFound, "no such file"),
    ("folder", UsageError, "is a folder"),
    ("empty", UnreadableMedia, "empty"),
    ("text", UnreadableMedia, "text file"),
    ("unsupported", UnsupportedMedia, "not a supported format"),
    ("audio_only", UnreadableMedia, "no video stream"),
    ("garbage", UnreadableMedia, "not a video"),
    ("bad_photo", UnreadableMedia, "could not be read as an image"),
]


def _make_bad(kind: str, tmp_path: Path) -> Path:
    if kind == "missing":
        return tmp_path / "nothing.mp4"
    if kind == "folder":
        (tmp_path / "clips.mp4").mkdir()
        return tmp_path / "clips.mp4"
    if kind == "empty":
        (tmp_path / "empty.mp4").write_bytes(b"")
        return tmp_path / "empty.mp4"
    if kind == "text":
        (tmp_path / "notes.mp4").write_text("these are my running notes\n" * 20)
        return tmp_path / "notes.mp4"
    if kind == "unsupported":
        (tmp_path / "clip.gif").write_bytes(b"GIF89a....")
        return tmp_path / "clip.gif"
    if kind == "garbage":
        (tmp_path / "noise.mp4").write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
        return tmp_path / "noise.mp4"
    if kind == "bad_photo":
        (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0not really a jpeg")
        return tmp_path / "photo.jpg"
    if kind == "audio_only":
        import av

        path = tmp_path / "voice.mp4"
        with av.open(str(path), "w") as container:
            stream = container.add_stream("aac", rate=16000)
            frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
            frame.sample_rate = 16000
            for _ in range(10):
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        return path
    raise AssertionError(kind)


@pytest.mark.parametrize("kind, error, words", BAD_INPUTS)
def test_bad_inputs_give_clear_errors(tmp_path: Path, kind: str, error: type, words: str) -> None:
    path = _make_bad(kind, tmp_path)
    with pytest.raises(error) as info:
        probe(path)
        next(iter(iter_frames(probe(path))))
    assert words in str(info.value)
    assert path.name in str(info.value) or str(path) in str(info.value)


def test_truncated_video_reads_what_is_there(tmp_path: Path) -> None:
    """With the index first (faststart), a cut file still gives its first frames, flagged truncated."""
    clip = write_test_video(tmp_path / "full.mp4", frames=120, fps=30, size=(320, 240), faststart=True)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size * 2 // 3])
    info = probe(cut)
    report = DecodeReport()
    frames = list(iter_frames(info, report=report))
    assert 10 < len(frames) < 120
    assert report.frames == len(frames)


def test_truncated_video_without_index_says_so(tmp_path: Path) -> None:
    """Phone clips often keep their index at the end: a cut copy cannot be opened; say why."""
    clip = write_test_video(tmp_path / "full.mp4", frames=60, fps=30, size=(320, 240))
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    with pytest.raises(UnreadableMedia, match="truncated"):
        probe(cut)


def test_prefetch_passes_items_and_errors() -> None:
    assert list(prefetch(iter(range(50)), depth=3)) == list(range(50))

    def failing():
        yield 1
        raise ValueError("boom")

    out = []
    with pytest.raises(ValueError, match="boom"):
        for item in prefetch(failing()):
            out.append(item)
    assert out == [1]
