"""Speed of `formcheck analyse` against the bare pose model (issue 13), and what the speed work changed.

For the 6.5-s sample clip and a 5-minute 1080p clip made from it (the sample remuxed end to end, no
re-encoding), `--runs` times (3 by default), back to back in each run:

- bare: the landmarker alone (mediapipe's PoseLandmarker, one person, VIDEO mode, full-resolution
  frames), the time of its calls only (decoding in the same loop, not counted);
- the whole default command (`formcheck analyse CLIP`: auto-detect, the analysis, annotated H.264
  video, chart, JSON), its wall time, and when its pose pass ran (start-up = from starting the
  command to the pose pass's first frame);
- the pose pass alone (`--kind pose --no-video`);
- the app's analysis of the same clip as an upload (`ui.cache.analyse_cached`).

Printed per clip: each ratio (bare time / our time: 1.0 = the model's own rate) with min and max over
the runs; the CPU-bound ratios (the bare model's CPU-seconds / ours spread over the cores: the best
wall ratio an idle machine allows, and much less noisy than wall time where other jobs run);
start-up, and peak memory (the command's RSS; the command and its decoder process together, PSS,
sampled every 0.25 s). Then the landmarks of formcheck's pose pass against today's reference pass (one
stream, two people, full resolution), median pixel difference per landmark; with --before DIR (a
snapshot from `bench/sample_outputs.py record DIR` on the code before), every sample's figures
against the running issue's tolerances.

The machine's other load is printed with each run: figures taken while other jobs run are noisy.

Usage: python bench/pose_throughput.py [--clip PATH] [--long-seconds 300] [--runs 3] [--before DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from proc_memory import PeakTreeMemory

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("FORMCHECK_SAMPLES", ROOT.parent / "shared" / "samples"))
DEFAULT_CLIP = SAMPLES / "running" / "treadmill_side_phone60fps_mhuang.mp4"
TIMED = Path(__file__).resolve().parent / "timed_command.py"
#: The running issue's tolerances (and the plank's and wall test's): metric -> (tolerance, unit or "%").
TOLERANCES = {
    "cadence_spm": (1.0, "%"),
    "contact_ms": (20.0, "ms"),
    "trunk_lean_deg": (2.5, "deg"),
    "knee_flexion_contact_deg": (5.0, "deg"),
    "overstride_cm": (4.0, "cm"),
    "vertical_oscillation_cm": (1.5, "cm"),
    "hold_s": (2.0, "frames"),
    "good_form_s": (2.0, "frames"),
    "lumbar_gap_cm": (0.2, "cm"),
}


def bare_inference_s(clip: Path) -> tuple[float, int, float]:
    """Seconds the bare landmarker (one person, VIDEO mode, full resolution) spends in its calls on
    every frame of `clip`, the frame count, and the CPU-seconds of those calls (this process's, which
    include mediapipe's own threads: nothing else runs meanwhile)."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from formcheck.media import iter_frames, probe
    from formcheck.model import load_model
    from formcheck.pose import native_stderr_silenced

    info = probe(clip)
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(load_model().path)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    spent, cpu, n, last_ms = 0.0, 0.0, 0, -1
    with native_stderr_silenced(), vision.PoseLandmarker.create_from_options(options) as landmarker:
        for frame in iter_frames(info):
            ms = max(int(round(frame.time_s * 1000)), last_ms + 1)
            t0, c0 = time.perf_counter(), time.process_time()
            landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=frame.image), ms)
            spent += time.perf_counter() - t0
            cpu += time.process_time() - c0
            last_ms, n = ms, n + 1
    return spent, n, cpu


def timed_run(mode: str, args: list[str]) -> dict:
    """Run bench/timed_command.py (a command as users run it); wall seconds, CPU-seconds (the command
    and the processes it waited for: its decoder process), stage times relative to the start, peak
    RSS of the command (MiB) and peak PSS of its process tree (MiB)."""
    with tempfile.TemporaryDirectory() as tmp:
        timings = Path(tmp) / "timings.json"
        load = os.getloadavg()[0]
        started = time.time()
        t0 = time.perf_counter()
        child = subprocess.Popen([sys.executable, str(TIMED), str(timings), mode, *args], stdout=subprocess.DEVNULL)
        # Every 0.25 s: reading a process's PSS walks its page tables (about 5-10 ms of CPU for the
        # command), which at the default 0.05 s took a fifth of a core from what is timed.
        with PeakTreeMemory(child.pid, interval_s=0.25) as tree:
            _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{mode} {' '.join(args)} failed (exit {os.waitstatus_to_exitcode(status)})")
        data = json.loads(timings.read_text())
    stages = {k: {**v, "first": v["first"] - started, "last": v["last"] - started} for k, v in data["stages"].items()}
    cpu = usage.ru_utime + usage.ru_stime
    return {
        "wall": wall,
        "cpu": cpu,
        "rss": usage.ru_maxrss / 1024.0,
        "pss": tree.peak_mib,
        "stages": stages,
        "load": load,
    }


def pose_pass_s(run: dict) -> float:
    """Seconds of the pose pass, from its first frame's progress call to its last, per frame counted."""
    pose = run["stages"]["pose"]
    n = pose["frames"]
    return (pose["last"] - pose["first"]) * n / max(n - 1, 1)


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


def span(values: list[float]) -> str:
    return f"min {min(values):.2f}, max {max(values):.2f}" if len(values) > 1 else f"{values[0]:.2f}"


def measure_clip(clip: Path, label: str, runs: int, app: bool) -> None:
    print(f"\n## {label}: {clip.name}", flush=True)
    ratios: dict[str, list[float]] = {"whole": [], "pose pass (in the whole command)": [], "pose pass alone": []}
    if app:
        ratios["app"] = []
    # CPU-bound ratios: the bare landmarker's CPU-seconds against ours spread over every core (the
    # wall-time ratio the command would reach with the machine to itself; far less noisy under load)
    cpu_ratios: dict[str, list[float]] = {"whole": [], "pose pass alone": []}
    cores = os.cpu_count() or 1
    startup, rss, pss, frames = [], [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(1, runs + 1):
            bare, frames, bare_cpu = bare_inference_s(clip)
            whole = timed_run("cli", [str(clip), "--out", f"{tmp}/whole{r}", "-q"])
            alone = timed_run("cli", [str(clip), "--out", f"{tmp}/pose{r}", "-q", "--kind", "pose", "--no-video"])
            ratios["whole"].append(bare / whole["wall"])
            ratios["pose pass (in the whole command)"].append(bare / pose_pass_s(whole))
            ratios["pose pass alone"].append(bare / pose_pass_s(alone))
            cpu_ratios["whole"].append(bare_cpu / (whole["cpu"] / cores))
            cpu_ratios["pose pass alone"].append(bare_cpu / (alone["cpu"] / cores))
            startup.append(whole["stages"]["pose"]["first"])
            rss.append(whole["rss"])
            pss.append(whole["pss"])
            line = (
                f"run {r}: bare {bare:.2f} s ({frames / bare:.1f} frames/s, {bare_cpu:.2f} CPU-s), "
                f"whole {whole['wall']:.2f} s ({whole['cpu']:.2f} CPU-s; pose pass {pose_pass_s(whole):.2f} s, "
                f"first frame at {startup[-1]:.2f} s), pose alone {alone['wall']:.2f} s "
                f"({alone['cpu']:.2f} CPU-s; pass {pose_pass_s(alone):.2f} s)"
            )
            if app:
                shown = timed_run("app", [str(clip), f"{tmp}/app{r}"])
                ratios["app"].append(bare / shown["wall"])
                line += f", app {shown['wall']:.2f} s ({shown['cpu']:.2f} CPU-s)"
            print(f"{line}; load average {whole['load']:.1f}", flush=True)
    print(f"{frames} frames. Ratios (bare landmarker time / ours; 1.0 = the model's own rate), {runs} runs:")
    targets = {"whole": 0.9, "pose pass alone": 1.0, "app": 0.9}
    for name, values in ratios.items():
        target = f" (target >= {targets[name]})" if name in targets else ""
        print(f"  {name}: {span(values)}{target}")
    print(f"  CPU-bound (bare CPU-s / (our CPU-s / {cores} cores): the best wall ratio on an idle machine):")
    for name, values in cpu_ratios.items():
        print(f"    {name}: {span(values)}")
    print(f"  start-up to the first frame of the pose pass: {span(startup)} s (target < 1)")
    print(
        f"  peak memory of the whole command: RSS {max(rss):.0f} MiB; with its decoder process PSS {max(pss):.0f} MiB"
    )


def landmark_agreement(clip: Path) -> None:
    """formcheck's pose pass against today's reference: one stream, two people, full resolution."""
    from formcheck.media import iter_frames, probe
    from formcheck.mediapipe_source import MediaPipeSource
    from formcheck.model import load_model
    from formcheck.pose import PoseEstimator, TrackLinker
    from formcheck.settings import Settings

    info = probe(clip)
    linker, rows = TrackLinker(), 0
    with PoseEstimator(load_model(), video=True, num_poses=2) as estimator:
        for frame in iter_frames(info):
            people, _ = estimator.detect(frame, info.width, info.height)
            linker.add(people)
            rows += 1
    main = linker.tracks()[0]
    reference = np.full((rows, 33, 2), np.nan)
    reference[np.asarray(main.rows)] = main.values()[:, :, :2]
    ours = MediaPipeSource(clip).estimate(Settings().common()).people[0].xy
    diff = np.linalg.norm(ours - reference, axis=-1)
    per_landmark = np.nanmedian(diff, axis=0)
    print(
        f"  {clip.name}: median pixel difference per landmark: largest {np.nanmax(per_landmark):.3f} px, "
        f"all landmarks {np.nanmedian(diff):.3f} px; frames with the person in one pass only: "
        f"{int(np.sum(np.isfinite(ours[:, 0, 0]) != np.isfinite(reference[:, 0, 0])))}"
    )


def figures(folder: Path) -> dict[str, float]:
    """The tolerance table's metrics of one input's snapshot folder (from its JSON)."""
    found = sorted(p for p in folder.glob("*.json"))
    if not found:
        return {}
    data = json.loads(found[0].read_text())
    out = {}
    for key, value in data.get("metrics", {}).items():
        value = value.get("value") if isinstance(value, dict) else value
        if key in TOLERANCES and isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = float(value)
    out["fps"] = float(data.get("media", {}).get("fps") or 30.0)
    return out


def accuracy(before: Path) -> None:
    """Every sample's figures now against a snapshot of the code before, within the tolerances."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import sample_outputs

    with tempfile.TemporaryDirectory() as tmp:
        after = Path(tmp) / "after"
        sample_outputs.record(after, tracks_only=False)
        worst = 0.0
        for a in sorted(p for p in before.iterdir() if p.is_dir()):
            b = after / a.name
            exit_a = (a / "exit.txt").read_text().split("\n")[0] if (a / "exit.txt").exists() else "?"
            exit_b = (b / "exit.txt").read_text().split("\n")[0] if (b / "exit.txt").exists() else "missing"
            if exit_a != exit_b:
                print(f"  {a.name}: exit {exit_a} -> {exit_b}: CHANGED")
                worst = np.inf
                continue
            fa, fb = figures(a), figures(b)
            for key, (tol, unit) in TOLERANCES.items():
                if key not in fa and key not in fb:
                    continue
                va, vb = fa.get(key), fb.get(key)
                if va is None or vb is None:
                    print(f"  {a.name}: {key} {va} -> {vb}: CHANGED")
                    worst = np.inf
                    continue
                allowed = tol / 100 * abs(va) if unit == "%" else tol / fa["fps"] if unit == "frames" else tol
                share = abs(vb - va) / allowed if allowed else (0.0 if vb == va else np.inf)
                worst = max(worst, share)
                if vb != va:
                    print(f"  {a.name}: {key} {va:g} -> {vb:g} ({share:.0%} of the tolerance)")
        print(f"  largest change: {worst:.0%} of its tolerance ({'within' if worst <= 1 else 'OUTSIDE'} tolerances)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--long-seconds", type=float, default=300.0, help="the long clip's length (0: none)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="a sample_outputs snapshot of the code before")
    parser.add_argument("--no-app", action="store_true", help="leave out the app's analysis")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}; load average now {os.getloadavg()[0]:.1f}")
    measure_clip(args.clip, "the sample clip", args.runs, not args.no_app)
    if args.long_seconds > 0:
        with tempfile.TemporaryDirectory() as tmp:
            long_clip = Path(tmp) / f"long_{int(args.long_seconds)}s_1080p.mp4"
            make_long_clip(args.clip, long_clip, args.long_seconds)
            measure_clip(long_clip, f"a {args.long_seconds:.0f}-s 1080p clip", args.runs, not args.no_app)
    print("\n## Landmarks against today's reference pass (one stream, two people, full resolution)")
    for clip in (args.clip, SAMPLES / "running" / "walking_side_2people_sports2d_demo.mp4"):
        landmark_agreement(clip)
    if args.before is not None:
        print(f"\n## Every sample's figures against {args.before} (the tolerances of issue 11 and 13)")
        accuracy(args.before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
