"""The pipeline end to end on generated variants of real footage: slow motion, variable frame rate,
4K, trimming, progress reporting; and the person-count rules on synthetic sequences."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from formcheck.errors import ActivityNotFound, InsufficientData, NoPersonDetected, UsageError
from formcheck.pipeline import _require_person, analyse
from formcheck.sequence import MediaInfo, PoseSequence
from formcheck.settings import Settings

JOG = "running/jogging_side_short_sports2d_demo3.mp4"


def _info(kind: str = "video") -> MediaInfo:
    return MediaInfo(
        path="x.mp4", kind=kind, width=100, height=100, fps=30, duration_s=1, frames=30, rotation=0, codec="h264"
    )


def test_person_rules() -> None:
    seq = PoseSequence.empty(30, (100, 100), 30)
    with pytest.raises(NoPersonDetected, match="no person found"):
        _require_person(seq, _info())
    seq.xy[:3] = 50.0
    with pytest.raises(InsufficientData, match="only 10% of the frames"):
        _require_person(seq, _info())
    seq.xy[:10] = 50.0
    _require_person(seq, _info())


def test_settings_are_validated() -> None:
    for bad in ({"kind": "yoga"}, {"height_cm": 1.8}, {"capture_fps": 0.1}, {"start_s": 3, "end_s": 2}):
        with pytest.raises(UsageError):
            Settings.build(**bad)
    assert Settings.build(height_cm=180).digest() != Settings.build(height_cm=181).digest()


def _reencode(src: Path, dst: Path, keep=lambda i: True, size: tuple[int, int] | None = None) -> list[float]:
    """Copy a clip frame by frame, keeping the frames `keep(i)` accepts at their original times."""
    times = []
    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        s_in = inp.streams.video[0]
        s_out = out.add_stream("libx264", rate=s_in.average_rate)
        w, h = size or (s_in.width, s_in.height)
        s_out.width, s_out.height, s_out.pix_fmt = w, h, "yuv420p"
        s_out.time_base = s_out.codec_context.time_base = Fraction(1, 1000)
        s_out.options = {"preset": "ultrafast"}
        for i, frame in enumerate(inp.decode(s_in)):
            if not keep(i):
                continue
            image = frame.to_ndarray(width=w, height=h, format="rgb24")
            new = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
            new.pts, new.time_base = int(round(frame.time * 1000)), Fraction(1, 1000)
            times.append(round(frame.time, 3))
            for packet in s_out.encode(new):
                out.mux(packet)
        for packet in s_out.encode():
            out.mux(packet)
    return times


@pytest.mark.real
def test_variable_frame_rate_clip(samples_dir: Path, tmp_path: Path) -> None:
    vfr = tmp_path / "vfr.mp4"
    times = _reencode(samples_dir / JOG, vfr, keep=lambda i: i % 5 not in (1, 3))
    result = analyse(vfr, Settings.build(kind="pose"))
    assert result.info.variable_frame_rate
    assert np.allclose(result.raw.timestamps_s, np.array(times) - times[0], atol=2e-3)
    assert any("variable frame rate" in w for w in result.warnings)


@pytest.mark.real
def test_4k_clip_is_downscaled_for_the_model_but_measured_in_full_pixels(samples_dir: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.mp4"
    _reencode(samples_dir / JOG, big, keep=lambda i: 20 <= i < 32, size=(3840, 2816))
    small = analyse(samples_dir / JOG, Settings.build(kind="pose", start_s=20 / 29.97 - 0.01, end_s=31 / 29.97 + 0.01))
    result = analyse(big, Settings.build(kind="pose"))
    assert (result.info.width, result.info.height) == (3840, 2816)
    both = small.raw.present & result.raw.present
    assert both.sum() >= 8
    ratio = np.nanmedian(result.raw.xy[both] / small.raw.xy[both])
    assert ratio == pytest.approx(8.0, rel=0.03)


@pytest.mark.real
def test_slow_motion_override_and_progress(samples_dir: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    clip = samples_dir / "running/treadmill_side_lab_slowmo_mhuang.mp4"
    result = analyse(
        clip, Settings.build(kind="pose", capture_fps=240, end_s=2.0), on_progress=lambda *a: calls.append(a)
    )
    assert result.info.fps == 240 and result.info.time_scale == pytest.approx(29.97 / 240, rel=1e-3)
    assert result.raw.timestamps_s[-1] == pytest.approx(2.0 * 29.97 / 240, abs=0.01)
    assert any("slow-motion" in w for w in result.warnings)
    assert calls and calls[-1][0] == "pose" and calls[-1][1] == len(result.raw)
    assert calls[-1][2] == pytest.approx(len(result.raw), abs=2)


@pytest.mark.real
def test_cut_clip_with_intact_index_is_flagged_truncated(samples_dir: Path, tmp_path: Path) -> None:
    """A phone clip cut short whose index is at the start decodes without error, only shorter."""
    src = samples_dir / JOG
    full = tmp_path / "full.mp4"
    with av.open(str(src)) as inp, av.open(str(full), "w", options={"movflags": "+faststart"}) as out:
        s_out = out.add_stream_from_template(inp.streams.video[0])
        for packet in inp.demux(inp.streams.video[0]):
            if packet.dts is not None:
                packet.stream = s_out
                out.mux(packet)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size * 2 // 3])
    result = analyse(cut, Settings.build(kind="pose"))
    assert result.info.frames == len(result.raw) < 40
    assert any("truncated" in w and f"first {len(result.raw)} frames" in w for w in result.warnings)


@pytest.mark.real
def test_a_truncated_clip_that_cannot_be_analysed_says_it_was_truncated(samples_dir: Path, tmp_path: Path) -> None:
    """The first 300 kB of the treadmill phone clip (index at the start): 20 frames, too few for any
    analysis; the message must name the likely cause."""
    cut = tmp_path / "cut.mp4"
    cut.write_bytes((samples_dir / "running" / "treadmill_side_phone60fps_mhuang.mp4").read_bytes()[:300_000])
    with pytest.raises(
        ActivityNotFound,
        match=r"could not tell which analysis.*truncated or damaged: only its "
        r"first \d+ frames",
    ):
        analyse(cut, Settings.build(kind="auto"))


def test_a_generated_runner_goes_through_the_whole_pipeline_without_the_model(tmp_path: Path) -> None:
    """The PoseSource seam: a generated gait (known cadence and contact time) fed as a SequenceSource
    through analyse() with kind = auto and save_outputs(), as the CLI does with a real clip."""
    import json

    from formcheck.gaitsim import GaitSpec, simulate
    from formcheck.outputs import save_outputs
    from formcheck.sources import SequenceSource

    spec = GaitSpec(cadence_spm=172.0, contact_ms=230.0, fps=60.0, duration_s=6.0)
    seq, _ = simulate(spec)
    info = MediaInfo(
        path="runner.mp4",
        kind="video",
        width=seq.frame_size[0],
        height=seq.frame_size[1],
        fps=60.0,
        duration_s=float(seq.timestamps_s[-1]),
        frames=len(seq),
        rotation=0,
        codec="h264",
        playback_fps=60.0,
    )
    result = analyse(SequenceSource((seq,), info), Settings.build(height_cm=spec.stature_cm))
    assert result.kind == "run" and result.model is None
    m = result.result.metrics
    assert m["gait"] == "running" and m["cadence_spm"] == pytest.approx(172.0, rel=0.01)
    assert m["contact_ms"] == pytest.approx(230.0, abs=25.0)
    files = save_outputs(result, tmp_path, "runner")
    data = json.loads(files.json.read_text())
    assert data["kind"] == "run" and data["model"] is None and data["settings"]["height_cm"] == spec.stature_cm
    with av.open(str(files.annotated)) as video:  # drawn on a plain canvas: the track has no pixels
        assert sum(1 for _ in video.decode(video=0)) == len(seq)
    assert files.tables["steps"].read_text().count("\n") - 1 == len(result.result.steps)
