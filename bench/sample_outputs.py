"""Snapshot what formcheck says about every sample, and compare two snapshots.

    python bench/sample_outputs.py record DIR [--tracks-only]   # every sample file and recorded track
    python bench/sample_outputs.py compare OLD NEW              # which outputs changed, and how much

`record` runs `formcheck analyse` (default settings, no video) on every photo and video in the samples
folder and the analysis of every recorded track in tests/data/tracks, and writes per input the JSON,
the CSV tables and the cleaned landmarks (or the one-line error). `compare` lists the inputs whose
outputs are not byte-identical, and for each changed metric the old and the new value; for landmark
files the median pixel difference per landmark. Used to check that a refactor changes nothing, and
that speed work leaves the measured figures within the running issue's tolerances.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("FORMCHECK_SAMPLES", ROOT.parent / "shared" / "samples"))
TRACKS = ROOT / "tests" / "data" / "tracks"
#: Fields that differ between any two runs (time, paths), left out of the comparison.
VOLATILE = ("version",)


def sample_files() -> list[Path]:
    return [p for sub in ("running", "plank", "posture") for p in sorted((SAMPLES / sub).iterdir())]


def record(out: Path, tracks_only: bool) -> int:
    out.mkdir(parents=True, exist_ok=True)
    inputs: list[tuple[str, list[str]]] = []
    if not tracks_only:
        inputs += [(f"{p.parent.name}__{p.stem}", [str(p)]) for p in sample_files()]
    inputs += [(f"track__{p.stem}", [str(p)]) for p in sorted(TRACKS.glob("*.npz")) if ".other" not in p.name]
    for name, args in inputs:
        target = out / name
        target.mkdir(exist_ok=True)
        cmd = [sys.executable, "-m", "formcheck.cli", "analyse", *args, "--out", str(target), "--no-video", "-q"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        (target / "exit.txt").write_text(f"{proc.returncode}\n{proc.stderr.strip()}\n")
        print(f"{name}: exit {proc.returncode}", flush=True)
    return 0


def _flat(data: object, prefix: str = "") -> dict[str, object]:
    if isinstance(data, dict):
        out: dict[str, object] = {}
        for k, v in data.items():
            out.update(_flat(v, f"{prefix}{k}."))
        return out
    if isinstance(data, list):
        out = {}
        for i, v in enumerate(data):
            out.update(_flat(v, f"{prefix}{i}."))
        return out
    return {prefix[:-1]: data}


def compare(old: Path, new: Path) -> int:
    changed = 0
    for a in sorted(p for p in old.iterdir() if p.is_dir()):
        b = new / a.name
        if not b.is_dir():
            print(f"{a.name}: missing in {new}")
            changed += 1
            continue
        notes: list[str] = []
        for fa in sorted(a.iterdir()):
            fb = b / fa.name
            if not fb.exists():
                notes.append(f"  {fa.name}: missing")
            elif fa.suffix == ".json":
                ja, jb = (
                    _flat({k: v for k, v in json.loads(f.read_text()).items() if k not in VOLATILE}) for f in (fa, fb)
                )
                diffs = [k for k in sorted(set(ja) | set(jb)) if ja.get(k) != jb.get(k)]
                for k in diffs[:40]:
                    notes.append(f"  {fa.name}: {k}: {ja.get(k)!r} -> {jb.get(k)!r}")
                if len(diffs) > 40:
                    notes.append(f"  {fa.name}: ... {len(diffs) - 40} more")
            elif fa.suffix == ".npz":
                xa, xb = np.load(fa)["xy"], np.load(fb)["xy"]
                if xa.shape != xb.shape:
                    notes.append(f"  {fa.name}: shape {xa.shape} -> {xb.shape}")
                elif not np.array_equal(xa, xb, equal_nan=True):
                    d = np.linalg.norm(xa - xb, axis=-1)
                    notes.append(
                        f"  {fa.name}: median pixel difference {np.nanmedian(d):.3f} px, "
                        f"95th percentile {np.nanpercentile(d, 95):.3f} px"
                    )
            elif fa.is_dir():  # key frames: the same images, named alike
                names_a, names_b = (sorted(p.name for p in d.iterdir()) for d in (fa, fb))
                same = names_a == names_b and all((fa / n).read_bytes() == (fb / n).read_bytes() for n in names_a)
                if not same:
                    notes.append(f"  {fa.name}: differs ({names_a} -> {names_b})")
            elif fa.read_bytes() != fb.read_bytes():
                notes.append(f"  {fa.name}: differs")
        for fb in sorted(b.iterdir()):
            if not (a / fb.name).exists():
                notes.append(f"  {fb.name}: new")
        if notes:
            changed += 1
            print(f"{a.name}:")
            print("\n".join(notes))
    print(f"{changed} input(s) with changed outputs")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("out", type=Path)
    rec.add_argument("--tracks-only", action="store_true")
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("old", type=Path)
    cmp_.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        return record(args.out, args.tracks_only)
    return compare(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
