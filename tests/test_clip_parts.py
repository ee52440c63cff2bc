"""A clip cut into parts for the pose pass: the frame table from the packets, the plan, each part's
frames exactly as one stream gives them (rotated, trimmed, variable frame rate), the merged decode
report, and the decoder process's streams and live video."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from av.video.frame import PictureType

from formcheck.clip_parts import (
    MIN_PART_FRAMES,
    WARMUP_FRAMES,
    PartMismatch,
    decoded_frames,
    frame_table,
    iter_part_frames,
    merge_part_reports,
    plan_parts,
)
from formcheck.decoder_process import DecoderProcess, InProcessFrames
from formcheck.frames import DecodeReport, Detection
from formcheck.media import iter_frames, probe


def write_clip(
    path: Path,
    frames: int = 150,
    fps: float = 30.0,
    size: tuple[int, int] = (96, 64),
    times_s: list[float] | None = None,
    rotation: int = 0,
    gop: int = 12,
    b_frames: bool = True,
    b_pyramid: bool = True,
) -> Path:
    """An H.264 clip with a keyframe every `gop` frames, each frame telling its number (a bar whose
    length is the frame number in pixels, a grey level) and an asymmetric mark (rotation shows)."""
    width, height = size
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = stream.codec_context.time_base = Fraction(1, 1000)
        stream.codec_context.gop_size = gop
        stream.options = {"bframes": "2" if b_frames else "0", "crf": "12"}
        if not b_pyramid:  # then no B-frame is a reference
            stream.options |= {"b-pyramid": "none"}
        if rotation:
            stream.set_display_rotation(rotation)
        for i in range(frames):
            image = np.zeros((height, width, 3), np.uint8)
            image[: height // 4, : (i % width) + 1] = 255
            image[height // 2 :, :] = (i * 5) % 256
            image[2:8, width - 10 : width - 4] = (255, 0, 0)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            t = times_s[i] if times_s is not None else i / fps
            frame.pts, frame.time_base = int(round(t * 1000)), Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def parts_frames(info, plan, table, max_side=None):
    got = []
    for part in plan:
        report = DecodeReport()
        frames = [(f.index, f.time_s, f.image.copy()) for f in iter_part_frames(info, table, part, max_side, report)]
        assert [f[0] for f in frames] == list(range(part.first, part.end))  # warm-up frames included
        assert report.frames == part.kept
        got += [f for f in frames if f[0] >= part.keep]
    return got


@pytest.mark.parametrize(
    "case, kwargs, start_s, end_s",
    [
        ("plain", {}, None, None),
        ("rotated, trimmed", {"rotation": 90}, 0.4, 4.8),
        ("no B-frames, one keyframe", {"b_frames": False, "gop": 1000}, None, 4.0),
        ("B-frames, one keyframe", {"gop": 1000}, None, None),
        ("variable frame rate", {"times_s": [i / 30 + (0.01 if i % 7 == 3 else 0.0) for i in range(150)]}, None, None),
    ],
)
def test_parts_give_exactly_the_frames_of_one_stream(
    tmp_path: Path, case: str, kwargs: dict, start_s: float | None, end_s: float | None
) -> None:
    info = probe(write_clip(tmp_path / "clip.mp4", **kwargs))
    table = frame_table(info)
    assert table is not None and len(table) == 150
    plan = plan_parts(table, info, start_s, end_s)
    expected = [(f.index, f.time_s, f.image.copy()) for f in iter_frames(info, start_s, end_s, 40)]
    assert len(plan) == 2 and plan[0].keep == expected[0][0] and plan[-1].end == expected[-1][0] + 1
    assert plan[1].first == plan[1].keep - WARMUP_FRAMES and plan[0].end == plan[1].keep
    got = parts_frames(info, plan, table, max_side=40)
    assert [g[:2] for g in got] == [e[:2] for e in expected], case
    assert all(np.array_equal(g[2], e[2]) for g, e in zip(got, expected, strict=True)), case


def test_the_work_is_split_evenly_and_short_clips_stay_whole(tmp_path: Path) -> None:
    info = probe(write_clip(tmp_path / "clip.mp4", frames=150))
    table = frame_table(info)
    first, second = plan_parts(table, info, None, None)
    decoded = [first.end - first.first, second.end - second.first]  # frames each landmarker runs on
    assert abs(decoded[0] - decoded[1]) <= 1 and first.kept + second.kept == 150
    times = table.container_times_s()
    assert plan_parts(table, info, None, times[2 * MIN_PART_FRAMES - 2]) == []  # 2 * MIN_PART_FRAMES - 1 frames
    assert len(plan_parts(table, info, None, times[2 * MIN_PART_FRAMES - 1])) == 2
    assert plan_parts(None, info, None, None) == []


def test_a_table_that_does_not_match_the_decoded_frames_is_caught(tmp_path: Path) -> None:
    info = probe(write_clip(tmp_path / "clip.mp4"))
    table = frame_table(info)
    plan = plan_parts(table, info, None, None)
    missing = int(table.pts[plan[1].keep + 3])  # a frame the packets did not list (or decoded twice)
    wrong = type(table)(table.pts, table.time_base, {p: i for p, i in table.index_of.items() if p != missing})
    with pytest.raises(PartMismatch, match="not in the container's frame table"):
        list(iter_part_frames(info, wrong, plan[1], None, DecodeReport()))
    skipped = type(table)(table.pts, table.time_base, {**table.index_of, missing: plan[1].keep + 4})
    with pytest.raises(PartMismatch, match="out of the order"):  # the decoder skipped a frame
        list(iter_part_frames(info, skipped, plan[1], None, DecodeReport()))


def test_a_later_part_does_not_decode_the_frames_before_it_that_nothing_refers_to(tmp_path: Path) -> None:
    """One keyframe, B-frames that are never references: before the second part's first frame only
    the I- and P-frames are decoded; from it on, every frame."""
    clip = write_clip(tmp_path / "clip.mp4", gop=1000, b_pyramid=False)
    info = probe(clip)
    table = frame_table(info)
    plan = plan_parts(table, info, None, None)
    first_pts = int(table.pts[plan[1].first])
    with av.open(str(clip)) as container:
        kinds = {int(f.pts): f.pict_type for f in container.decode(video=0)}
    references_before = sum(1 for pts, kind in kinds.items() if pts < first_pts and kind != PictureType.B)
    assert 0 < references_before < plan[1].first  # the clip has B-frames before the part
    with av.open(str(clip)) as container:
        decoded = [int(f.pts) for f in decoded_frames(container, container.streams.video[0], first_pts)]
    before = [pts for pts in decoded if pts < first_pts]
    assert len(before) == references_before
    assert decoded[len(before) :] == table.pts[plan[1].first :].tolist()
    with av.open(str(clip)) as container:  # no skipping asked for: every frame
        assert len(list(decoded_frames(container, container.streams.video[0]))) == 150


def test_merged_report_is_the_one_stream_report(tmp_path: Path) -> None:
    times = [i / 30 + (0.012 if i % 5 == 0 else 0.0) for i in range(150)]
    info = probe(write_clip(tmp_path / "clip.mp4", times_s=times))
    whole = DecodeReport()
    list(iter_frames(info, None, None, None, whole))
    table = frame_table(info)
    plan = plan_parts(table, info, None, None)
    reports = [DecodeReport() for _ in plan]
    for part, report in zip(plan, reports, strict=True):
        list(iter_part_frames(info, table, part, None, report))
    merged = merge_part_reports(plan, reports)
    assert merged.frames == whole.frames == 150
    assert merged.last_time_s == whole.last_time_s
    assert np.allclose(merged.intervals_s, whole.intervals_s, atol=1e-12)
    reports[0].frames -= 3  # the first part ended early: a gap before the second
    with pytest.raises(PartMismatch, match="part 0"):
        merge_part_reports(plan, reports)


def test_decoder_process_streams_the_parts_side_by_side(tmp_path: Path) -> None:
    info = probe(write_clip(tmp_path / "clip.mp4", rotation=270))
    expected = [(f.index, f.time_s, f.image.copy()) for f in iter_frames(info, None, 4.5, 50)]
    report, whole = DecodeReport(), DecodeReport()
    list(iter_frames(info, None, 4.5, 50, whole))
    with DecoderProcess(info, None, 4.5, 50, report, parts=2) as decoder:
        streams = decoder.streams()
        assert [s.keep for s in streams] == [p.keep for p in decoder.plan] and len(streams) == 2
        got = []
        for stream in streams:  # one after the other here; the pose pass takes them in two threads
            got += [(f.index, f.time_s, f.image.copy()) for f in stream.frames() if f.index >= stream.keep]
    assert [g[:2] for g in got] == [e[:2] for e in expected]
    assert all(np.array_equal(g[2], e[2]) for g, e in zip(got, expected, strict=True))
    assert (report.frames, report.last_time_s) == (whole.frames, whole.last_time_s)
    assert decoder._process.returncode == 0


def test_in_process_fallback_plans_the_same_parts(tmp_path: Path) -> None:
    info = probe(write_clip(tmp_path / "clip.mp4"))
    report = DecodeReport()
    local = InProcessFrames(info, None, None, None, report, parts=2)
    streams = local.streams()
    assert [s.keep for s in streams] == [p.keep for p in plan_parts(frame_table(info), info, None, None)]
    kept = [f.index for s in streams for f in s.frames() if f.index >= s.keep]
    assert kept == list(range(150)) and report.frames == 150


def _person(cx: float, cy: float) -> Detection:
    angles = np.linspace(0, 2 * np.pi, 33, endpoint=False)
    xy = np.stack([cx + 10 * np.cos(angles), cy + 20 * np.sin(angles)], axis=1)
    return Detection.from_arrays(xy, np.zeros(33), np.full(33, 0.9))


def test_live_video_of_two_parts_is_one_video_in_the_clips_timing(tmp_path: Path) -> None:
    info = probe(write_clip(tmp_path / "clip.mp4", size=(160, 96)))
    out = tmp_path / "live.mp4"
    with DecoderProcess(info, None, None, None, DecodeReport(), live_video=out, parts=2) as decoder:
        for stream in decoder.streams():
            for frame in stream.frames():
                stream.draw(frame, [_person(80, 48)] if frame.index == 100 else [])
    with av.open(str(out)) as container:
        frames = list(container.decode(video=0))
    assert len(frames) == 150  # the second part's warm-up frames are not in it
    assert [round(float(f.time) * 30) for f in frames] == list(range(150))
    plain, drawn = (frames[k].to_ndarray(format="rgb24").astype(int) for k in (99, 100))
    assert np.abs(drawn - plain)[28:68, 70:90].mean() > 5  # the person drawn on frame 100 only
