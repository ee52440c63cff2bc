"""The decoder process and the reused frame buffers: same frames as in-process decoding, the live video,
errors handed over, nothing left behind, and the in-process fallback."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from conftest import write_test_video

import formcheck.decoder_process as decoder_process
from formcheck.decoder_process import DecoderProcess, InProcessFrames, open_frames
from formcheck.errors import UnreadableMedia
from formcheck.frames import Detection
from formcheck.media import DecodeReport, FrameBuffers, frame_shape, iter_frames, probe
from formcheck.settings import Settings


def test_frame_buffers_are_reused_only_when_nobody_holds_them() -> None:
    buffers = FrameBuffers((4, 4, 3), size=3)
    first = buffers.take()
    second = buffers.take()
    assert second is not first  # `first` is still held
    first_id = id(first)
    del first
    assert id(buffers.take()) == first_id  # released: handed out again
    view = second[1:2]
    del second
    others = {id(buffers.take()) for _ in range(2)}
    assert id(view.base) not in others  # a view keeps its buffer from being reused
    for _ in range(5):  # past `size` buffers in use, fresh arrays are made
        assert buffers.take().shape == (4, 4, 3)


@pytest.mark.parametrize("rotation, max_side", [(0, None), (90, None), (270, 120), (180, 100)])
def test_frame_shape_is_what_iter_frames_streams(tmp_path: Path, rotation: int, max_side: int | None) -> None:
    clip = write_test_video(tmp_path / "clip.mp4", frames=3, rotation=rotation)
    info = probe(clip)
    frames = list(iter_frames(info, max_side=max_side))
    assert {f.image.shape for f in frames} == {frame_shape(info, max_side)}
    assert all(f.image.flags["C_CONTIGUOUS"] for f in frames)


def test_decoder_process_gives_the_same_frames_as_in_process_decoding(tmp_path: Path) -> None:
    clip = write_test_video(tmp_path / "rot.mp4", frames=40, fps=30, rotation=90)
    info = probe(clip)
    expected = [(f.index, f.time_s, f.image.copy()) for f in iter_frames(info, 0.2, 1.0, 120)]
    report = DecodeReport()
    with DecoderProcess(info, 0.2, 1.0, 120, report) as decoder:
        got = [(f.index, f.time_s, f.image.copy()) for f in decoder.frames()]
    assert [g[:2] for g in got] == [e[:2] for e in expected]
    assert all(np.array_equal(g[2], e[2]) for g, e in zip(got, expected, strict=False))
    assert report.frames == len(expected) and not report.truncated
    assert decoder._ring is None and decoder._process.returncode == 0


def _person(cx: float, cy: float) -> Detection:
    angles = np.linspace(0, 2 * np.pi, 33, endpoint=False)
    xy = np.stack([cx + 20 * np.cos(angles), cy + 40 * np.sin(angles)], axis=1)
    return Detection.from_arrays(xy, np.zeros(33), np.full(33, 0.9))


def test_live_video_has_every_frame_in_the_clips_timing(tmp_path: Path) -> None:
    clip = write_test_video(tmp_path / "clip.mp4", frames=25, fps=25)
    info = probe(clip)
    out = tmp_path / "live.mp4"
    with DecoderProcess(info, None, None, None, DecodeReport(), live_video=out) as decoder:
        for frame in decoder.frames():
            decoder.draw(frame, [_person(80, 48)] if frame.index % 2 else [])
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = list(container.decode(stream))
    assert len(frames) == 25
    assert float(frames[-1].time) == pytest.approx(24 / 25, abs=0.002)
    plain, drawn = (f.to_ndarray(format="rgb24").astype(int) for f in frames[:2])
    assert np.abs(drawn - plain)[20:76, 50:110].mean() > 5  # the person was drawn on frame 1 only


def test_decoder_errors_reach_the_caller(tmp_path: Path) -> None:
    clip = write_test_video(tmp_path / "clip.mp4", frames=10, fps=10)
    info = probe(clip)
    with (
        pytest.raises(UnreadableMedia, match="no frames in the chosen time range"),
        DecoderProcess(info, 50.0, None, None, DecodeReport()) as decoder,
    ):
        list(decoder.frames())


def test_stopping_early_kills_the_decoder_and_removes_the_ring(tmp_path: Path) -> None:
    clip = write_test_video(tmp_path / "clip.mp4", frames=60, fps=30)
    info = probe(clip)
    with (
        pytest.raises(KeyError),
        DecoderProcess(info, None, None, None, DecodeReport(), live_video=tmp_path / "v.mp4") as decoder,
    ):
        for frame in decoder.frames():
            if frame.index == 5:
                raise KeyError("stop")
    assert decoder._process.returncode is not None and decoder._ring is None


@pytest.mark.real
def test_without_a_decoder_process_frames_are_decoded_here_and_the_video_drawn_after(
    samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from formcheck.outputs import analyse_to

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(decoder_process.subprocess, "Popen", refuse)
    clip = samples_dir / "running" / "jogging_side_short_sports2d_demo3.mp4"
    info = probe(clip)
    source = open_frames(info, None, None, None, DecodeReport(), live_video=tmp_path / "x.mp4")
    assert isinstance(source, InProcessFrames) and source.live_video is None
    result, files = analyse_to(clip, Settings.build(kind="pose"), tmp_path / "out")
    assert result.live_video is None
    with av.open(str(files.annotated)) as container:
        assert sum(1 for _ in container.decode(video=0)) == len(result.raw)


@pytest.mark.real
def test_pose_kind_draws_its_video_during_the_pose_pass(samples_dir: Path, tmp_path: Path) -> None:
    from formcheck.outputs import analyse_to

    clip = samples_dir / "running" / "jogging_side_short_sports2d_demo3.mp4"
    result, files = analyse_to(clip, Settings.build(kind="pose"), tmp_path / "out")
    assert result.live_video is not None and not result.live_video.exists()  # moved to its final name
    assert files.annotated == tmp_path / "out" / f"{clip.stem}.mp4"
    with av.open(str(files.annotated)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert sum(1 for _ in container.decode(video=0)) == len(result.raw)
    assert not list((tmp_path / "out").glob(".*part*"))


def test_a_decoder_process_that_dies_at_the_start_is_replaced_by_decoding_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """E.g. no usable Python interpreter for the child: the frames still come, decoded in this process."""
    clip = write_test_video(tmp_path / "clip.mp4", frames=12, fps=12)
    info = probe(clip)
    monkeypatch.setattr(decoder_process.sys, "executable", "/bin/false")
    report = DecodeReport()
    with DecoderProcess(info, None, None, None, report, live_video=tmp_path / "live.mp4") as decoder:
        frames = [f.index for f in decoder.frames()]
    assert frames == list(range(12)) and report.frames == 12
    assert decoder.live_video is None  # drawn afterwards by the caller
    assert decoder._process.returncode == 1
