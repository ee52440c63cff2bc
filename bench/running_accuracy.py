"""Accuracy of the running / walking gait analysis.

1. Synthetic gaits (formcheck.gaitsim) across speeds, views, frame rates (30-240 fps) and noise
   (with occlusion gaps and left/right swaps): cadence error, event timing error in frames.
2. Every recorded real running track (tests/data/tracks/running__*.npz): cadence and step count
   against labeled/cadence_reference.csv and our own count of ankle peaks.

Usage: python bench/running_accuracy.py [--samples DIR] [--out bench/RESULTS_running.md]
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import warnings
from pathlib import Path

import numpy as np

from formcheck.errors import FormCheckError
from formcheck.gaitsim import GaitSpec, context_for, simulate
from formcheck.kinds import running
from formcheck.sequence import PoseSequence

ROOT = Path(__file__).resolve().parents[1]

#: Our own counts, independent of the analysis code: (first frame, last frame, steps between, fps).
#: Treadmill 60 fps: peaks of the raw left-ankle forward position (one per stride) at frames 9 and
#: 351, 8 strides apart (the right ankle: 30 -> 371, 168.9 spm). Walking: heel strikes (maximal foot
#: separation) read off a contact sheet of frames 50-139. Panning clip: landings read off a contact
#: sheet (frames 98, 140, 182) and raw ankle peaks (~84 frames per stride). Lab slow motion: raw
#: left-ankle peaks 457 -> 877, two strides (uncertain: the model confuses the legs in this clip).
#: Slow-motion clips are counted at the file's frame rate.
OWN_COUNTS = {
    "running__treadmill_side_phone60fps_mhuang": (9, 351, 16, 60.0),
    "running__walking_side_indoor_wall_sports2d_demo4": (59, 137, 5, 30.0),
    "running__outdoor_side_silhouette_panning_becklabs": (98, 182, 2, 23.976),
    "running__treadmill_side_lab_slowmo_mhuang": (457, 877, 4, 29.97),
}


def synthetic_rows() -> list[dict]:
    rows = []
    cases = []
    for fps in (30.0, 60.0, 120.0, 240.0):
        for cadence, contact, speed in ((160.0, 260.0, 2.5), (175.0, 220.0, 3.5), (185.0, 190.0, 4.5)):
            for noise, corrupt in ((0.0, 0), (2.0, 3)):
                cases.append(GaitSpec(fps=fps, cadence_spm=cadence, contact_ms=contact, speed_m_s=speed, noise_px=noise,
                                      gaps=corrupt, swaps=corrupt, swap_frames=max(2, int(fps / 15)), duration_s=6.0,
                                      seed=int(fps + cadence)))
        cases.append(GaitSpec(fps=fps, view="rear", duration_s=6.0))
        cases.append(GaitSpec(fps=fps, facing=-1, overground=True, noise_px=1.0, duration_s=6.0))
    for spec in cases:
        seq, truth = simulate(spec)
        r = running.analyse(context_for(seq))
        errs = []
        for ev in r.events:
            true = (truth.contacts if ev["kind"] == "contact" else truth.toe_offs)[ev["foot"]]
            errs.append(abs(ev["time_s"] - true[np.argmin(np.abs(true - ev["time_s"]))]) * spec.fps)
        errs = np.array(errs)
        rows.append({
            "view": spec.view + ("/overground" if spec.overground else ""), "fps": spec.fps, "cadence": spec.cadence_spm,
            "noise_px": spec.noise_px, "swaps": spec.swaps, "cadence_err_pct": 100 * (r.metrics["cadence_spm"] / spec.cadence_spm - 1),
            "events": len(errs), "within_1_frame_pct": 100 * float(np.mean(errs <= 1.0)),
            "max_err_frames": float(errs.max()), "contact_ms": r.metrics.get("contact_ms"), "true_contact_ms": spec.contact_ms,
        })
    return rows


def real_rows(samples: Path) -> list[dict]:
    refs: dict[str, list[dict]] = {}
    with open(samples / "labeled" / "cadence_reference.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            refs.setdefault(Path(row["file"]).stem, []).append(row)
    rows = []
    for path in sorted((ROOT / "tests" / "data" / "tracks").glob("running__*.npz")):
        stem = path.stem
        seq = PoseSequence.load_npz(path)
        ref = [r["reference_spm"] for r in refs.get(stem.split("__", 1)[1], []) if r["reference_spm"]]
        own = OWN_COUNTS.get(stem)
        own_spm = 60.0 * own[2] / ((own[1] - own[0]) / own[3]) if own else None
        out = {"track": stem, "reference_spm": ", ".join(ref) or "-", "own_count_spm": own_spm}
        try:
            r = running.analyse(context_for(seq))
            m = r.metrics
            out.update(result="ok", gait=m["gait"], view=m["view"], cadence_spm=m.get("cadence_spm"),
                       cadence_at_file_rate_spm=m.get("cadence_at_file_rate_spm"), steps=m["steps_counted"],
                       contact_ms=m.get("contact_ms"), slow_motion=r.details["slow_motion_suspected"])
            if ref and m.get("cadence_spm"):
                out["err_vs_reference_pct"] = 100 * (m["cadence_spm"] / float(ref[0]) - 1)
            measured = m.get("cadence_spm") or m.get("cadence_at_file_rate_spm")
            if own_spm and measured:
                out["err_vs_own_pct"] = 100 * (measured / own_spm - 1)
        except FormCheckError as exc:
            out.update(result=type(exc).__name__, message=str(exc)[:160])
        rows.append(out)
    return rows


def markdown(syn: list[dict], real: list[dict]) -> str:
    lines = ["# Running / walking gait accuracy", "", "Generated by `python bench/running_accuracy.py`.", "",
             "## Synthetic gaits (formcheck.gaitsim)", "",
             "| view | fps | cadence | noise px | swaps+gaps | cadence err % | events | within 1 frame % | max err (frames) | contact ms (true) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in syn:
        lines.append(f"| {r['view']} | {r['fps']:g} | {r['cadence']:g} | {r['noise_px']:g} | {r['swaps']} | "
                     f"{r['cadence_err_pct']:+.2f} | {r['events']} | {r['within_1_frame_pct']:.0f} | {r['max_err_frames']:.2f} | "
                     f"{r['contact_ms']} ({r['true_contact_ms']:g}) |")
    side = [r for r in syn if r["view"] == "side"]
    clean_side = [r for r in side if r["noise_px"] == 0]
    lines += ["", f"- Cadence: max |error| {max(abs(r['cadence_err_pct']) for r in syn):.2f}% over all {len(syn)} cases.",
              f"- Events, side view, noise-free: max error {max(r['max_err_frames'] for r in clean_side):.2f} frames.",
              f"- Events, side view, 2 px noise + 3 occlusion gaps + 3 label swaps: "
              f"{np.mean([r['within_1_frame_pct'] for r in side if r['noise_px'] > 0]):.0f}% within one frame on average, "
              f"max {max(r['max_err_frames'] for r in side if r['noise_px'] > 0):.2f} frames.",
              "- Rear view: contact/toe-off are approximate (foot-height band), so only cadence is accurate there.", "",
              "## Real running tracks", "",
              "| track | result | gait | view | cadence spm | at file rate | steps | reference spm | own count spm | err vs ref % | err vs own % | contact ms | slow-mo flagged |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in real:
        own = f"{r['own_count_spm']:.1f}" if r.get("own_count_spm") else "-"
        err = f"{r['err_vs_reference_pct']:+.1f}" if r.get("err_vs_reference_pct") is not None else "-"
        err_own = f"{r['err_vs_own_pct']:+.1f}" if r.get("err_vs_own_pct") is not None else "-"
        lines.append(f"| {r['track']} | {r['result']} | {r.get('gait', '-')} | {r.get('view', '-')} | {r.get('cadence_spm', '-')} | "
                     f"{r.get('cadence_at_file_rate_spm', '-')} | {r.get('steps', '-')} | {r['reference_spm']} | {own} | {err} | {err_own} | "
                     f"{r.get('contact_ms', '-')} | {r.get('slow_motion', '-')} |")
    lines += ["", "Notes:", "",
              "- Treadmill 60 fps: the reference (167, +-3) is a spectral estimate over the whole clip; our own "
              "count from the raw ankle peaks gives 168.4 (left) / 168.9 (right) spm.",
              "- Slow-motion clips are flagged, not given a cadence: `cadence_spm` is null, `cadence_at_file_rate_spm` "
              "keeps the measured rate and a warning asks for --capture-fps. The lab clip is ~9-10x slow "
              "(MANIFEST: 8-10x). The panning clip steps every ~42 frames (34 spm at 23.976 fps), so it is about "
              "5x slow motion, not the ~1.7x the MANIFEST guesses from a 101 spm figure (we count one landing per "
              "~42 frames on the frames themselves: 98, 140, 182).",
              "- With --capture-fps 270 (9x) the lab clip gives 157.7 spm through the real pipeline.",
              "- The rear-view clip (2.6 s, runner shrinking fast, OpenPose overlay baked in) shows too little "
              "foot lift in MediaPipe's landmarks to find two strides: refused as too short.",
              "- walking_side_2people: the main track follows the person on the box; the walking woman "
              "(`.other1` track) gives 97 spm walking.",
              "", "Errors raised (messages):", ""]
    lines += [f"- {r['track']}: {r['result']}: {r['message']}" for r in real if r["result"] != "ok"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", default=os.environ.get("FORMCHECK_SAMPLES", ROOT.parent / "shared" / "samples"))
    parser.add_argument("--out", default=ROOT / "bench" / "RESULTS_running.md")
    args = parser.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)
    text = markdown(synthetic_rows(), real_rows(Path(args.samples)))
    Path(args.out).write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
