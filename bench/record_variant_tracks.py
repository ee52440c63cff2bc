"""Record the real model's landmark tracks of every invariance clip and its variants
(formcheck.clipvariants), once, as `<clip stem>.<variant>.npz` (+ .json, TrackSource's layout) in
OUT, so that `running_accuracy.py --variants --variant-tracks OUT` re-analyses them in seconds. The
tracks are derived from the samples: keep them outside the repository.

Usage: python bench/record_variant_tracks.py OUT [clip file names...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from formcheck.clipvariants import VARIANTS, make_variant
from formcheck.mediapipe_source import MediaPipeSource
from formcheck.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from running_accuracy import INVARIANCE_CLIPS

ROOT = Path(__file__).resolve().parents[1]


def record(src: Path, fps: float, out: Path, work: Path) -> None:
    """The original and every variant of `src` through the real model, each track written once."""
    for variant in ("original", *VARIANTS):
        stem = f"{src.stem}.{variant}"
        if (out / f"{stem}.npz").exists():
            continue
        t0 = time.time()
        path = src
        if variant != "original":
            made = make_variant(src, variant, work, fps)
            if made is None:
                continue
            path = made.path
        run = MediaPipeSource(path).estimate(Settings.build(kind="run").common())
        for k, person in enumerate(run.people):
            person.save_npz(out / (f"{stem}.npz" if k == 0 else f"{stem}.other{k}.npz"))
        meta = {
            "source": f"{variant} of running/{src.name}",
            "media": run.info.to_json(),
            "max_people": run.max_people,
            "multi_person_fraction": run.multi_person_fraction,
            "closer_finds": run.closer_finds,
        }
        (out / f"{stem}.json").write_text(json.dumps(meta, indent=1))
        if variant != "original":
            path.unlink()
        print(f"{stem}: {len(run.people[0])} frames, {len(run.people)} people, {time.time() - t0:.0f} s", flush=True)


def main() -> int:
    fps_of = dict(INVARIANCE_CLIPS)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="the folder for the tracks (outside the repository)")
    parser.add_argument("clips", nargs="*", help=f"clip file names (default: all): {', '.join(fps_of)}")
    args = parser.parse_args()
    unknown = [c for c in args.clips if c not in fps_of]
    if unknown:
        parser.error(f"not an invariance clip: {', '.join(unknown)} (choose from {', '.join(fps_of)})")
    args.out.mkdir(parents=True, exist_ok=True)
    samples = Path(os.environ.get("FORMCHECK_SAMPLES", ROOT.parent / "shared" / "samples")) / "running"
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.clips or list(fps_of):
            record(samples / name, fps_of[name], args.out, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
