"""Record the raw landmark tracks of every sample clip and photo into tests/data/tracks/.

These `.npz` files are our own model output (not media) and make fast regression tests possible.
Usage: python bench/record_tracks.py [--samples DIR] [--missing]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from formcheck.media import DecodeReport, iter_frames, prefetch, probe
from formcheck.model import load_model
from formcheck.pose import estimate_poses

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", default=os.environ.get("FORMCHECK_SAMPLES", ROOT.parent / "shared" / "samples"))
    parser.add_argument("--out", default=ROOT / "tests" / "data" / "tracks")
    parser.add_argument("--missing", action="store_true", help="only the samples without a recorded track")
    args = parser.parse_args()
    samples, out = Path(args.samples), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model = load_model()
    for sub in ("running", "plank", "posture"):
        for path in sorted((samples / sub).iterdir()):
            if args.missing and (out / f"{sub}__{path.stem}.npz").exists():
                continue
            t0 = time.perf_counter()
            info = probe(path)
            report = DecodeReport()
            frames = iter_frames(info, max_side=1920, report=report)
            run = estimate_poses(frames if info.is_photo else prefetch(frames), info, model)
            stem = f"{sub}__{path.stem}"
            run.sequence.save_npz(out / f"{stem}.npz")
            for k, other in enumerate(run.others, start=1):
                other.save_npz(out / f"{stem}.other{k}.npz")
            meta = {
                "source": f"{sub}/{path.name}",
                "media": info.to_json(),
                "max_people": run.max_people,
                "others": len(run.others),
                "multi_person_fraction": run.multi_person_fraction,
                "closer_finds": run.closer_finds,
                "note": "<stem>.npz is the main subject (largest, most present); <stem>.otherK.npz other people",
                "person_fraction": float(run.sequence.present.mean()),
            }
            (out / f"{stem}.json").write_text(json.dumps(meta, indent=1))
            dt = time.perf_counter() - t0
            print(
                f"{stem}: {len(run.sequence)} frames, person {meta['person_fraction']:.2f}, "
                f"max people {run.max_people}, {len(run.sequence) / dt:.1f} frames/s",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
