"""What measuring the camera's motion (formcheck.camera_motion, run on every frame of the pose pass)
costs against the bare model on the same frames, and what it finds on each running sample: the share
of frames whose motion could not be measured and the correction steadying would make at the hips.

    python bench/camera_motion.py [--frames N]

Per clip: the tracker's CPU time per frame (one thread, as each part of the pose pass runs it), the
bare landmarker's (one person, VIDEO mode, full resolution) on the same frames, their ratio, the
unknown share, and the correction at the hips over the first N frames (the real model's landmarks).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("FORMCHECK_SAMPLES", ROOT.parent / "shared" / "samples"))
CLIPS = (
    "treadmill_side_phone60fps_mhuang.mp4",
    "walking_side_indoor_wall_sports2d_demo4.mp4",
    "walking_side_2people_sports2d_demo.mp4",
    "outdoor_side_silhouette_panning_becklabs.mp4",
    "outdoor_rear_lowcam_openpose_overlay_radluy.mp4",
    "treadmill_side_lab_slowmo_mhuang.mp4",
)


def measure(clip: Path, frames: int) -> dict:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from formcheck.camera_motion import CameraTracker, camera_path
    from formcheck.frames import Detection
    from formcheck.media import iter_frames, probe
    from formcheck.model import load_model
    from formcheck.pose import native_stderr_silenced
    from formcheck.sequence import PoseSequence
    from formcheck.steadying import steadied

    info = probe(clip)
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(load_model().path)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    tracker = CameraTracker()
    model_cpu = tracker_cpu = 0.0
    steps, xy, times = [], [], []
    last_ms = -1
    with native_stderr_silenced(), vision.PoseLandmarker.create_from_options(options) as landmarker:
        for k, frame in enumerate(iter_frames(info)):
            if k >= frames:
                break
            ms = max(int(round(frame.time_s * 1000)), last_ms + 1)
            last_ms = ms
            c0 = time.process_time()
            found = landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=frame.image), ms)
            model_cpu += time.process_time() - c0
            people = [
                Detection.from_arrays(
                    np.array([(p.x * info.width, p.y * info.height) for p in pose]), np.zeros(33), np.ones(33)
                )
                for pose in found.pose_landmarks
            ]
            c0 = time.process_time()
            steps.append(tracker.step(frame, people))
            tracker_cpu += time.process_time() - c0
            xy.append(people[0].xy if people else np.full((33, 2), np.nan))
            times.append(frame.time_s)
    n = len(steps)
    path = camera_path(np.asarray(steps))
    seq = PoseSequence.empty(n, (info.width, info.height), info.fps, timestamps_s=np.asarray(times))
    seq.xy, seq.camera = np.asarray(xy), path
    seq.visibility[:] = 1.0
    _, report = steadied(seq)
    return {
        "clip": clip.stem,
        "size": f"{info.width}x{info.height}",
        "frames": n,
        "tracker_ms": 1000 * tracker_cpu / n,
        "model_ms": 1000 * model_cpu / n,
        "unknown": float(np.mean(path[1:, 4] < 0.5)),
        "rms_px": report.rms_px,
        "applied": report.applied,
        "reason": report.reason,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=240, help="frames per clip (default 240)")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        print(f"samples not found at {SAMPLES}: set FORMCHECK_SAMPLES", file=sys.stderr)
        return 1
    print(f"load average at start {os.getloadavg()[0]:.1f} (2 cores)\n")
    print(
        "| clip | size | frames | camera tracker ms/frame (CPU) | bare model ms/frame (CPU) | ratio | motion unknown | hip correction RMS px | steadied |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in CLIPS:
        r = measure(SAMPLES / "running" / name, args.frames)
        print(
            f"| {r['clip']} | {r['size']} | {r['frames']} | {r['tracker_ms']:.1f} | {r['model_ms']:.1f} | "
            f"{r['tracker_ms'] / r['model_ms']:.3f} | {r['unknown']:.0%} | {r['rms_px']:.2f} | "
            f"{'yes' if r['applied'] else 'no: ' + r['reason']} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
