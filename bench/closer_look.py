"""What the closer look costs and finds (formcheck.refind): a person too small for the pose model's
detector.

The clip: the 2-people walking sample filmed "from further away" (`clipvariants` `farther`: the
picture at 55% in the same frame, the walker about 200 px tall in 1768 x 994), made in a temporary
folder. Printed, each `--runs` times: the bare model (one person, VIDEO mode, full resolution; the
time of its calls) and the share of frames in which it found anyone; formcheck's pose pass as the
command runs it (the ordinary pass, then, since it finds a person in fewer than 20% of the frames,
the closer pass), its wall time, the share of frames with the main person before and after, and the
ratio bare time / ours.

Usage: python bench/closer_look.py [--runs 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from pose_throughput import bare_inference_s

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("FORMCHECK_SAMPLES", ROOT.parent / "shared" / "samples"))
CLIP = SAMPLES / "running" / "walking_side_2people_sports2d_demo.mp4"


def bare_found(clip: Path) -> float:
    """The share of frames in which the bare model (one person, VIDEO mode) finds anyone."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from formcheck.media import iter_frames, probe
    from formcheck.model import load_model
    from formcheck.pose import native_stderr_silenced

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(load_model().path)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    found, n, last_ms = 0, 0, -1
    with native_stderr_silenced(), vision.PoseLandmarker.create_from_options(options) as landmarker:
        for frame in iter_frames(probe(clip)):
            ms = max(int(round(frame.time_s * 1000)), last_ms + 1)
            result = landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=frame.image), ms)
            found += bool(result.pose_landmarks)
            last_ms, n = ms, n + 1
    return found / max(n, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    import formcheck.mediapipe_source as source_module
    from formcheck.clipvariants import make_variant
    from formcheck.settings import Settings

    passes: list[float] = []
    ordinary = source_module.MediaPipeSource._estimate

    def counted(self, info, settings, on_progress, parts, closer_look=False):  # type: ignore[no-untyped-def]
        run = ordinary(self, info, settings, on_progress, parts, closer_look)
        passes.append(source_module.person_fraction(run))
        return run

    source_module.MediaPipeSource._estimate = counted  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        variant = make_variant(CLIP, "farther", Path(tmp), 30.0)
        assert variant is not None
        clip = variant.path
        print(f"clip: {CLIP.name}, farther variant ({clip.stat().st_size / 1e6:.1f} MB)")
        print(f"bare model finds anyone in {bare_found(clip):.0%} of the frames")
        for run in range(args.runs):
            bare_s, frames, _ = bare_inference_s(clip)
            passes.clear()
            t0 = time.perf_counter()
            result = source_module.MediaPipeSource(clip).estimate(Settings.build(kind="pose").common())
            ours = time.perf_counter() - t0
            shares = ", ".join(f"{p:.0%}" for p in passes)
            print(
                f"run {run + 1}: {frames} frames; bare {bare_s:.1f} s; formcheck's pose pass {ours:.1f} s "
                f"({len(passes)} passes, the main person in {shares} of the frames; {result.closer_finds} "
                f"finds by the closer look): ratio {bare_s / ours:.2f}x; load {os.getloadavg()[0]:.1f}"
            )
            seq = result.people[0]
            print(f"  people tracked: {len(result.people)}; main person's rows {int(np.sum(seq.present))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
