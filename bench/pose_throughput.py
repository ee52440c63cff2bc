"""Throughput and memory of `formcheck analyse` against the bare pose model, on a real 1080p clip.

Prints: frames/s of the whole command (start-up, decoding, pose, cleaning, analysis, annotated video,
JSON), frames/s of the bare landmarker's inference on the same frames (decoding not counted), their
ratio, and the command's peak RSS. With --long, also builds a 5-minute 1080p clip by remuxing the
sample end to end (no re-encoding) and reports the command's peak RSS on it.

Usage: python bench/pose_throughput.py [--clip PATH] [--kind pose] [--long]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from proc_memory import PeakTreeMemory

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("FORMCHECK_SAMPLES", ROOT.parent / "shared" / "samples"))
DEFAULT_CLIP = SAMPLES / "running" / "treadmill_side_phone60fps_mhuang.mp4"


def bare_model_fps(clip: Path, max_frames: int | None = None) -> tuple[float, int]:
    """Frames/s of PoseLandmarker.detect_for_video alone (same settings as formcheck), and frames."""
    from formcheck.media import iter_frames, probe
    from formcheck.model import load_model
    from formcheck.pose import PoseEstimator

    info = probe(clip)
    spent, n = 0.0, 0
    with PoseEstimator(load_model(), video=True) as estimator:
        for frame in iter_frames(info, max_side=1920):
            t0 = time.perf_counter()
            estimator.detect(frame, info.width, info.height)
            spent += time.perf_counter() - t0
            n += 1
            if max_frames and n >= max_frames:
                break
    return n / spent, n


def command_run(clip: Path, kind: str, out: Path, *extra: str) -> tuple[float, float, float]:
    """(wall seconds, peak RSS of the command's process MiB, peak PSS of its process tree MiB) of
    `formcheck analyse` in a child process. The tree (the command and its decoder process) is sampled
    every 50 ms (`proc_memory`), so its peak is a close lower bound."""
    t0 = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "formcheck.cli", "analyse", str(clip), "--kind", kind, "--out", str(out), "-q", *extra],
        stdout=subprocess.DEVNULL,
    )
    with PeakTreeMemory(child.pid) as tree:
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if child.returncode != 0:
        raise SystemExit(f"formcheck analyse failed on {clip} (exit {child.returncode})")
    return wall, usage.ru_maxrss / 1024.0, tree.peak_mib


def make_long_clip(src: Path, dst: Path, seconds: float) -> int:
    """Remux `src` end to end until `seconds` long (no re-encoding); returns the frame count."""
    import av

    with av.open(str(src)) as probe_in:
        stream = probe_in.streams.video[0]
        length = float(stream.duration * stream.time_base)
    loops = int(seconds // length) + 1
    frames = 0
    with av.open(str(dst), "w") as out:
        with av.open(str(src)) as first:
            s_out = out.add_stream_from_template(first.streams.video[0])
        for k in range(loops):
            with av.open(str(src)) as inp:
                s_in = inp.streams.video[0]
                offset = int(round(k * length / s_in.time_base))
                for packet in inp.demux(s_in):
                    if packet.dts is None:
                        continue
                    packet.pts += offset
                    packet.dts += offset
                    packet.stream = s_out
                    out.mux(packet)
                    frames += 1
    return frames


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--kind", default="pose")
    parser.add_argument("--long", action="store_true", help="also measure RSS on a 5-minute 1080p clip")
    parser.add_argument("--long-seconds", type=float, default=300.0, help="length of the long clip (s)")
    args = parser.parse_args()
    from formcheck.media import probe

    info = probe(args.clip)
    print(f"clip: {args.clip.name} ({info.width}x{info.height}, {info.frames} frames, {info.fps:g} fps)")
    print(f"cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        wall, rss, tree = command_run(args.clip, args.kind, Path(tmp) / "out")
        whole = info.frames / wall
        # The model's own speed varies by 10-15% between runs here: the fastest of three is used, so
        # that the ratios below are, if anything, too low.
        bare, n = max(bare_model_fps(args.clip) for _ in range(3))
        print(
            f"whole command (--kind {args.kind}): {wall:.1f} s, {whole:.1f} frames/s, peak RSS {rss:.0f} MiB "
            f"(the command and its decoder process together: PSS {tree:.0f} MiB)"
        )
        print(f"bare landmarker inference: {bare:.1f} frames/s over {n} frames (the fastest of 3 runs)")
        print(f"ratio whole/bare: {whole / bare:.2f} (target >= 0.9)")
        wall_nv, rss_nv, tree_nv = command_run(args.clip, args.kind, Path(tmp) / "out_nv", "--no-video")
        print(
            f"without the annotated video (--no-video): {wall_nv:.1f} s, {info.frames / wall_nv:.1f} frames/s, "
            f"ratio to bare {info.frames / wall_nv / bare:.2f}, peak RSS {rss_nv:.0f} MiB (tree PSS {tree_nv:.0f})"
        )
        if args.kind == "pose":
            wall_a, rss_a, tree_a = command_run(args.clip, "auto", Path(tmp) / "out_auto")
            print(
                f"with --kind auto (the analysis's overlays drawn in a second pass): {wall_a:.1f} s, "
                f"{info.frames / wall_a:.1f} frames/s, ratio to bare {info.frames / wall_a / bare:.2f}, "
                f"peak RSS {rss_a:.0f} MiB (tree PSS {tree_a:.0f})"
            )
        if args.long:
            long_clip = Path(tmp) / "long_1080p.mp4"
            frames = make_long_clip(args.clip, long_clip, args.long_seconds)
            wall, rss, tree = command_run(long_clip, args.kind, Path(tmp) / "out_long")
            print(
                f"long clip ({frames / info.fps:.0f} s): {frames} frames, {wall:.0f} s, {frames / wall:.1f} "
                f"frames/s, ratio to bare {frames / wall / bare:.2f}, peak RSS {rss:.0f} MiB, the command and its "
                f"decoder process together: PSS {tree:.0f} MiB (target < 500)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
