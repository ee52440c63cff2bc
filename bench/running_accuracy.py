"""Accuracy of the running / walking gait analysis.

1. Synthetic gaits (formcheck.gaitsim) across speeds, views, frame rates (30-240 fps) and noise
   (with occlusion gaps and left/right swaps): cadence error, event timing error in frames.
2. Every recorded real running track (tests/data/tracks/running__*.npz): cadence and step count
   against labeled/cadence_reference.csv and our own count of ankle peaks.
3. Invariance (--variants): every real running and walking clip that gives a result, and its
   variants (formcheck.clipvariants: mirrored, H.264 CRF 30, HEVC 10-bit .MOV, rotated, 30% of the
   frames dropped, 60 -> 30 fps, hand-held), each through the real model: class, cadence within 1%
   and each headline figure within its tolerance of the original's.

Usage: python bench/running_accuracy.py [--samples DIR] [--out bench/RESULTS_running.md] [--variants]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np

from formcheck.clipvariants import Comparison
from formcheck.errors import FormCheckError
from formcheck.gaitsim import GaitSpec, context_for, simulate
from formcheck.kinds.run import spec as running
from formcheck.sequence import PoseSequence

ROOT = Path(__file__).resolve().parents[1]

#: Our own counts, independent of the analysis code: (first frame, last frame, steps between, fps), or
#: a list of such segments (one per walking pass; pooled as all steps over all spans).
#: Treadmill 60 fps: peaks of the raw left-ankle forward position (one per stride) at frames 9 and
#: 351, 8 strides apart (the right ankle: 30 -> 371, 168.9 spm). Walking: heel strikes (the leading
#: foot lands toes up) stepped through frame by frame on crops of the feet: first pass 55, 71.5, 88,
#: 103.5, 119, 135 (then a short stopping step at ~150 and the turn); second pass 211, 227.5,
#: 243.5, 260, 275.5, 291.5, 307, 323 (she exits at ~340); the whole clip counted over both passes.
#: Panning clip: landings read off a contact sheet (frames 98, 140, 182) and raw ankle peaks (~84
#: frames per stride). Lab slow motion: raw left-ankle peaks 457 -> 877, two strides (uncertain:
#: the model confuses the legs in this clip). Rear view: contacts stepped through on crops of the
#: feet (the swing shoe's sole shows until it lands): 10 (L), 21 (R), 32 (L), 42.5 (R), 53 (L),
#: 62.5 (R), at the assumed 30 fps. Walking woman of the two-people clip (`.other1`): heel strikes
#: on crops of the feet at 73.5, 92.5, 111.5, 129.5, 147.5, 166, 185 (she is in view from frame 59
#: and leaves at ~200). Slow-motion clips are counted at the file's frame rate.
OWN_COUNTS = {
    "running__treadmill_side_phone60fps_mhuang": (9, 351, 16, 60.0),
    "running__walking_side_indoor_wall_sports2d_demo4": [(55, 135, 5, 30.0), (211, 323, 7, 30.0)],
    "running__outdoor_side_silhouette_panning_becklabs": (98, 182, 2, 23.976),
    "running__treadmill_side_lab_slowmo_mhuang": (457, 877, 4, 29.97),
    "running__outdoor_rear_lowcam_openpose_overlay_radluy": (10, 62.5, 5, 30.0),
    "running__walking_side_2people_sports2d_demo.other1": (73.5, 185, 6, 30.0),
}
#: Own counts per window of cadence_reference.csv (walking clip): (window, first, last, steps).
OWN_WINDOW_COUNTS = {
    ("running__walking_side_indoor_wall_sports2d_demo4", 50, 140): (55, 135, 5),
    ("running__walking_side_indoor_wall_sports2d_demo4", 200, 340): (211, 323, 7),
}


def synthetic_rows() -> list[dict]:
    rows = []
    cases = []
    for fps in (30.0, 60.0, 120.0, 240.0):
        for cadence, contact, speed in ((160.0, 260.0, 2.5), (175.0, 220.0, 3.5), (185.0, 190.0, 4.5)):
            for noise, corrupt in ((0.0, 0), (2.0, 3)):
                cases.append(
                    GaitSpec(
                        fps=fps,
                        cadence_spm=cadence,
                        contact_ms=contact,
                        speed_m_s=speed,
                        noise_px=noise,
                        gaps=corrupt,
                        swaps=corrupt,
                        swap_frames=max(2, int(fps / 15)),
                        duration_s=6.0,
                        seed=int(fps + cadence),
                    )
                )
        cases.append(GaitSpec(fps=fps, view="rear", duration_s=6.0))
        cases.append(
            GaitSpec(
                fps=fps,
                view="rear",
                recede=True,
                px_per_cm=5.0,
                noise_px=1.0,
                cadence_spm=165.0,
                duration_s=5.0,
                seed=int(fps),
            )
        )
        cases.append(GaitSpec(fps=fps, facing=-1, overground=True, noise_px=1.0, duration_s=6.0))
    for spec in cases:
        seq, truth = simulate(spec)
        r = running.analyse(context_for(seq))
        errs = []
        for ev in r.events:
            # Side view: contacts and toe-offs; rear/front: the mid-stance instants (the step clock;
            # contact / toe-off there are approximate, from the foot's height).
            if spec.view != "side" and ev["kind"] != "midstance":
                continue
            true = {
                "contact": truth.contacts,
                "toe_off": truth.toe_offs,
                "midstance": {f: c + spec.contact_ms / 2000.0 for f, c in truth.contacts.items()},
            }[ev["kind"]][ev["foot"]]
            errs.append(abs(ev["time_s"] - true[np.argmin(np.abs(true - ev["time_s"]))]) * spec.fps)
        errs = np.array(errs)
        rows.append(
            {
                "view": spec.view + ("/overground" if spec.overground else "") + ("/receding" if spec.recede else ""),
                "fps": spec.fps,
                "cadence": spec.cadence_spm,
                "noise_px": spec.noise_px,
                "swaps": spec.swaps,
                "cadence_err_pct": 100 * (r.metrics["cadence_spm"] / spec.cadence_spm - 1),
                "events": len(errs),
                "within_1_frame_pct": 100 * float(np.mean(errs <= 1.0)),
                "max_err_frames": float(errs.max()),
                "contact_ms": r.metrics.get("contact_ms"),
                "true_contact_ms": spec.contact_ms,
            }
        )
    return rows


def real_rows(samples: Path) -> tuple[list[dict], list[dict]]:
    """One row per recorded track, and one per reference window (cadence_reference.csv) of a track
    that gives a result: our figure for the pass overlapping the window next to the references."""
    windows: list[dict] = []
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
        segments = own if isinstance(own, list) else [own] if own else []
        own_spm = 60.0 * sum(g[2] for g in segments) / sum((g[1] - g[0]) / g[3] for g in segments) if segments else None
        out = {"track": stem, "reference_spm": ", ".join(ref) or "-", "own_count_spm": own_spm}
        try:
            r = running.analyse(context_for(seq))
            m = r.metrics
            out.update(
                result="ok",
                gait=m["gait"],
                view=m["view"],
                cadence_spm=m.get("cadence_spm"),
                cadence_at_file_rate_spm=m.get("cadence_at_file_rate_spm"),
                steps=m["steps_counted"],
                contact_ms=m.get("contact_ms"),
                slow_motion=r.details["slow_motion_suspected"],
                simple_spm=r.details.get("cadence_first_to_last_spm"),
                periodicity_spm=r.details.get("cadence_from_periodicity_spm"),
                passes=r.details.get("passes", []),
                frontal={
                    k: m.get(k)
                    for k in ("pelvic_drop_deg", "step_width_cm", "knee_frontal_angle_deg", "vertical_oscillation_cm")
                }
                if m["view"] != "side"
                else None,
            )
            rate = seq.fps
            for ref_row in refs.get(stem.split("__", 1)[1], []):
                if not ref_row["reference_spm"]:
                    continue  # no real-time reference for this window (slow motion, assumed frame rate)
                a, b = int(ref_row["frame_start"]), int(ref_row["frame_end"])
                overlap = [
                    p
                    for p in r.details.get("passes", [])
                    if min(p["end_s"], b / rate) - max(p["start_s"], a / rate) > 0.5 * (b - a) / rate
                ]
                own_w = OWN_WINDOW_COUNTS.get((stem, a, b))
                windows.append(
                    {
                        "track": stem,
                        "window": f"{a}-{b}",
                        "activity": ref_row["activity"],
                        "pixel_spm": ref_row["pixel_motion_energy_spm"] or "-",
                        "pose_spm": ref_row["pose_ankle_stride_spm"] or "-",
                        "reference_spm": ref_row["reference_spm"] or "-",
                        "own_spm": 60.0 * own_w[2] / ((own_w[1] - own_w[0]) / rate) if own_w else None,
                        "pass": overlap[0] if overlap else None,
                    }
                )
            if ref and m.get("cadence_spm"):
                out["err_vs_reference_pct"] = 100 * (m["cadence_spm"] / float(ref[0]) - 1)
            measured = m.get("cadence_spm") or m.get("cadence_at_file_rate_spm")
            if own_spm and measured:
                out["err_vs_own_pct"] = 100 * (measured / own_spm - 1)
        except FormCheckError as exc:
            out.update(result=type(exc).__name__, message=str(exc)[:160])
        rows.append(out)
    return rows, windows


#: The real clips of the invariance table: (file in running/, nominal fps). Every running and walking
#: clip of the samples that gives a result (the too-short, split-screen and rebuilt-rear clips give
#: an error, which is checked elsewhere; the rear clip's frame rate is assumed, not real).
INVARIANCE_CLIPS = (
    ("treadmill_side_phone60fps_mhuang.mp4", 60.0),
    ("walking_side_indoor_wall_sports2d_demo4.mp4", 30.0),
    ("walking_side_2people_sports2d_demo.mp4", 30.0),
    ("outdoor_side_silhouette_panning_becklabs.mp4", 23.976),
    ("treadmill_side_lab_slowmo_mhuang.mp4", 29.97),
    ("outdoor_rear_lowcam_openpose_overlay_radluy.mp4", 30.0),
)


def headline(path: Path) -> dict:
    """The headline figures of a clip through the real model (kind run, default settings), or of its
    recorded landmark track (.npz: the real model's output kept, see --variant-tracks)."""
    from formcheck.pipeline import analyse
    from formcheck.settings import Settings
    from formcheck.sources import TrackSource

    try:
        res = analyse(TrackSource(path) if path.suffix == ".npz" else path, Settings.build(kind="run"))
    except FormCheckError as exc:
        return {"error": f"{type(exc).__name__}: {str(exc)[:120]}"}
    m = res.result.metrics
    out = {k: m.get(k) for k in ("gait", "view", *running_tolerances())}
    # A slow-motion clip has no real-time cadence: its file-rate cadence is compared instead.
    out["cadence_spm"] = m.get("cadence_spm") or m.get("cadence_at_file_rate_spm")
    # Toe-offs found among the steps whose toe-off should have been seen (details: toe_offs_found /
    # toe_offs_expected, over the forward passes; see reliability.toe_off_coverage).
    d = res.result.details
    out["toe_off_share"] = d.get("toe_offs_found", 0) / max(1, d.get("toe_offs_expected", 0))
    # The figures the analysis itself marks unreliable (findings.mark_unreliable: too few steps, too
    # wide a spread, a median less precise than its tolerance, legs mixed at mid stance).
    spreads = d.get("spreads") or {}
    out["unreliable"] = [k for k in running_tolerances() if (spreads.get(k) or {}).get("reliable") is False]
    if (spreads.get("cadence_at_file_rate_spm") or {}).get("reliable") is False:
        out["unreliable"].append("cadence_spm")  # slow motion: the file-rate cadence is what is compared
    return out


def running_tolerances() -> tuple[str, ...]:
    from formcheck.clipvariants import TOLERANCES

    return tuple(TOLERANCES)


def invariance_rows(samples: Path, work: Path, only: tuple[str, ...] = (), tracks: Path | None = None) -> list[dict]:
    """One row per clip and variant: its figures, and each figure's difference from the original's.
    only: clip file names to run (default: all of INVARIANCE_CLIPS). tracks: a folder of recorded
    tracks `<clip stem>.<variant>.npz` (the real model's landmarks of each variant, recorded once
    with TrackSource's layout): analysed instead of running the model again."""
    from formcheck.clipvariants import TIME_SCALE, VARIANTS, compare_figures, make_variant

    rows = []
    for name, fps in INVARIANCE_CLIPS:
        if only and name not in only:
            continue
        source = samples / "running" / name
        original = headline(tracks / f"{source.stem}.original.npz" if tracks else source)
        rows.append({"clip": source.stem, "variant": "original", "figures": original, "checks": []})
        sys.stderr.write(f"{source.stem} original: {original}\n")
        for variant in VARIANTS:
            if tracks is not None:
                recorded = tracks / f"{source.stem}.{variant}.npz"
                if not recorded.is_file():
                    continue
                figures = headline(recorded)
            else:
                made = make_variant(source, variant, work, fps)
                if made is None:
                    continue
                figures = headline(made.path)
                made.path.unlink()
            scale = TIME_SCALE.get(variant, 1.0)
            both = "error" not in original and "error" not in figures
            checks = compare_figures(original, figures, scale) if both else []
            same_class = figures.get("gait") == original.get("gait") and figures.get("view") == original.get("view")
            rows.append(
                {
                    "clip": source.stem,
                    "variant": variant,
                    "figures": figures,
                    "checks": checks,
                    "same_class": same_class,
                }
            )
            sys.stderr.write(f"{source.stem} {variant}: {figures}\n")
    return rows


def invariance_markdown(rows: list[dict]) -> list[str]:
    from formcheck.clipvariants import TOLERANCES, VARIANTS

    metrics = list(TOLERANCES)
    lines = [
        "## Invariance: the same run, another file",
        "",
        "Each real clip and its variants (formcheck.clipvariants), each through the real model. Tolerances "
        "(the running issue's): cadence 1%, contact 20 ms, trunk lean 2.5 deg, knee at contact 5 deg, overstride "
        "4 cm, vertical oscillation 1.5 cm. A figure outside its tolerance is marked **(x)**, or **(x, u)** when "
        "the analysis marks it unreliable in the original or the variant (the user is told; it gets no finding); "
        "(u) alone: marked unreliable, within tolerance. A changed class **CLASS**. Slow-motion clips compare "
        "their cadence at the file's rate. The re-timed variants (`faster`, `slower`) are compared with the "
        "original's figures scaled to their pace (cadence times the factor, contact time divided by it).",
        "",
        "| clip | variant | gait | view | " + " | ".join(metrics) + " | toe-offs |",
        "|---|---|---|---|" + "---|" * len(metrics) + "---|",
    ]
    held = total = flagged = 0
    originals = {r["clip"]: r["figures"] for r in rows if r["variant"] == "original"}
    for r in rows:
        f = r["figures"]
        if "error" in f:
            lines.append(f"| {r['clip']} | {r['variant']} | {f['error']} |" + " |" * (len(metrics) + 2))
            continue
        checks = {c.metric: c for c in r["checks"]}
        cells = []
        for m in metrics:
            v = f.get(m)
            c = checks.get(m)
            mark = ""
            doubted = m in f.get("unreliable", ()) or m in originals.get(r["clip"], {}).get("unreliable", ())
            if c is not None:
                total += 1
                held += c.holds
                flagged += not c.holds and doubted
                mark = (" (u)" if doubted else "") if c.holds else (" **(x, u)**" if doubted else " **(x)**")
            elif m in f.get("unreliable", ()):
                mark = " (u)"
            cells.append(("-" if v is None else f"{v:g}") + mark)
        klass = f"{f.get('gait')}" + ("" if r.get("same_class", True) else " **CLASS**")
        lines.append(
            f"| {r['clip']} | {r['variant']} | {klass} | {f.get('view')} | "
            + " | ".join(cells)
            + f" | {100 * f.get('toe_off_share', 0):.0f}% |"
        )
    classes = [r for r in rows if r["variant"] != "original" and "error" not in r["figures"]]
    lines += [
        "",
        f"- Figures within tolerance: {held} of {total}; of the {total - held} outside, {flagged} are marked "
        f"unreliable by the analysis (in the original or the variant) and {total - held - flagged} are not; same class: "
        f"{sum(r.get('same_class', False) for r in classes)} of {len(classes)} variants.",
        "- Variants: " + "; ".join(f"`{k}`: {v}" for k, v in VARIANTS.items()) + ".",
        "",
    ]
    return lines


def markdown(syn: list[dict], real: list[dict], windows: list[dict]) -> str:
    lines = [
        "# Running / walking gait accuracy",
        "",
        "Generated by `python bench/running_accuracy.py`.",
        "",
        "## Synthetic gaits (formcheck.gaitsim)",
        "",
        "| view | fps | cadence | noise px | swaps+gaps | cadence err % | events | within 1 frame % | max err (frames) | contact ms (true) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in syn:
        lines.append(
            f"| {r['view']} | {r['fps']:g} | {r['cadence']:g} | {r['noise_px']:g} | {r['swaps']} | "
            f"{r['cadence_err_pct']:+.2f} | {r['events']} | {r['within_1_frame_pct']:.0f} | {r['max_err_frames']:.2f} | "
            f"{r['contact_ms']} ({r['true_contact_ms']:g}) |"
        )
    side = [r for r in syn if r["view"] == "side"]
    clean_side = [r for r in side if r["noise_px"] == 0]
    lines += [
        "",
        f"- Cadence: max |error| {max(abs(r['cadence_err_pct']) for r in syn):.2f}% over all {len(syn)} cases.",
        f"- Events, side view, noise-free: max error {max(r['max_err_frames'] for r in clean_side):.2f} frames.",
        f"- Events, side view, 2 px noise + 3 occlusion gaps + 3 label swaps: "
        f"{np.mean([r['within_1_frame_pct'] for r in side if r['noise_px'] > 0]):.0f}% within one frame on average, "
        f"max {max(r['max_err_frames'] for r in side if r['noise_px'] > 0):.2f} frames.",
        "- Rear/front view: the events column counts the mid-stance instants (pelvis lowest), the step clock "
        "there; their errors are in frames of the true mid stance. Contact/toe-off from behind are approximate "
        "(the foot's height above the ground line), hence the contact times. `/receding`: the runner runs away "
        "from a fixed camera 40 cm above the ground, seen in perspective (about 4.8x smaller at the end), with "
        "1 px noise.",
        "",
        "## Real running tracks",
        "",
        "Cadence is fitted per pass of steady gait (between pauses such as a turn): the first and last step of "
        "each pass are left out, and the contacts and the pelvis's lowest and highest points, three clocks "
        "that each mark every step, are each fitted by least squares (step time = slope of time against "
        "step number); a clock further than 4% from the clocks' median is left out and the rest are combined by "
        "inverse-variance weighting. `first-last` is the simple figure "
        "(steps / time from the first to the last contact of each regular run), the method used until "
        "now; `periodicity` is the legs' autocorrelation over the whole clip.",
        "",
        "| track | result | gait | view | cadence spm | first-last spm | periodicity spm | at file rate | steps | "
        "reference spm | own count spm | err vs ref % | err vs own % | contact ms | slow-mo flagged |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in real:
        own = f"{r['own_count_spm']:.1f}" if r.get("own_count_spm") else "-"
        err = f"{r['err_vs_reference_pct']:+.1f}" if r.get("err_vs_reference_pct") is not None else "-"
        err_own = f"{r['err_vs_own_pct']:+.1f}" if r.get("err_vs_own_pct") is not None else "-"
        lines.append(
            f"| {r['track']} | {r['result']} | {r.get('gait', '-')} | {r.get('view', '-')} | {r.get('cadence_spm', '-')} | "
            f"{r.get('simple_spm', '-')} | {r.get('periodicity_spm', '-')} | "
            f"{r.get('cadence_at_file_rate_spm', '-')} | {r.get('steps', '-')} | {r['reference_spm']} | {own} | {err} | "
            f"{err_own} | {r.get('contact_ms', '-')} | {r.get('slow_motion', '-')} |"
        )
    lines += [
        "",
        "### Per pass",
        "",
        "| track | pass (s) | steady part (s) | steps | contacts spm | pelvis lows spm | pelvis highs spm | pass spm |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in real:
        for p in r.get("passes", []):
            lines.append(
                f"| {r['track']} | {p['start_s']:.2f}-{p['end_s']:.2f} | {p['steady_from_s']:.2f}-{p['steady_to_s']:.2f} | "
                f"{p['steps']} | {p.get('cadence_contacts_spm', '-')} | {p.get('cadence_pelvis_lows_spm', '-')} | "
                f"{p.get('cadence_pelvis_highs_spm', '-')} | {p['cadence_spm']} |"
            )
    lines += [
        "",
        "### Reference windows (labeled/cadence_reference.csv)",
        "",
        "| track | frames | activity | pixel method spm | pose method spm | reference spm | own count spm | our pass spm | "
        "err vs reference % | err vs own % |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for w in windows:
        ours = w["pass"]["cadence_spm"] if w["pass"] else None
        ref = float(w["reference_spm"]) if w["reference_spm"] != "-" else None
        own = w["own_spm"]
        lines.append(
            f"| {w['track']} | {w['window']} | {w['activity']} | {w['pixel_spm']} | {w['pose_spm']} | "
            f"{w['reference_spm']} | {f'{own:.1f}' if own else '-'} | {ours if ours is not None else '-'} | "
            f"{f'{100 * (ours / ref - 1):+.1f}' if ours and ref else '-'} | "
            f"{f'{100 * (ours / own - 1):+.1f}' if ours and own else '-'} |"
        )
    rear = [r for r in real if r.get("frontal")]
    if rear:
        lines += [
            "",
            "### Rear/front-view figures",
            "",
            "| track | pelvic drop deg (2D) | step width cm | knee frontal deg (2D) | vertical oscillation cm |",
            "|---|---|---|---|---|",
        ]
        for r in rear:
            f = r["frontal"]
            lines.append(
                f"| {r['track']} | {f['pelvic_drop_deg']} | {f['step_width_cm']} | {f['knee_frontal_angle_deg']} | "
                f"{f['vertical_oscillation_cm']} |"
            )
    lines += [
        "",
        "Notes:",
        "",
        "- Treadmill 60 fps: the reference (167, +-3) is a spectral estimate over the whole clip; our own "
        "count from the raw ankle peaks gives 168.4 (left) / 168.9 (right) spm.",
        "- Indoor walking: the simple whole-clip figure (115.5) was biased by where its runs of steps start and "
        "end, not by the turn (the turn already split the runs): the first pass's run started on a contact "
        "found twice at the entry (frames 55 and 60.5, she is entering the frame) and ended on the short "
        "stopping step before the turn (frame 154); the second pass's run ended on a contact found twice "
        "(frames 296 and 298). The feet's landmarks are noisy in this clip (wide trousers hide the ankles: "
        "the contacts scatter by 2-5 frames), so the steps / (last - first) figure moved with them. The "
        "per-pass fit uses every contact and the pelvis's bounce (steady in this clip), leaves out the first "
        "and last step of each pass, and gives 113.4 and 113.6 on the two passes; the headline is the longer "
        "(second) pass. Our own frame-by-frame count "
        "of heel strikes gives 112.5 on both passes (16.0 frames a step; +-1 frame over the span is +-1.3% on "
        "the first pass, +-0.9% on the second); counting heel-x plateaus (the planted foot stops in the image) "
        "gives 113.2 for the first pass. The references (114.3 / 113.0 / 114.6) are spectral estimates with "
        "+-4 spm uncertainty; our figure is within 1% of the rounded 114 and of our count.",
        "- Slow-motion clips are flagged, not given a cadence: `cadence_spm` is null, `cadence_at_file_rate_spm` "
        "keeps the measured rate and a warning asks for --capture-fps. The lab clip is ~9-10x slow "
        "(MANIFEST: 8-10x). The panning clip steps every ~42 frames (34 spm at 23.976 fps), so it is about "
        "5x slow motion, not the ~1.7x the MANIFEST guesses from a 101 spm figure (we count one landing per "
        "~42 frames on the frames themselves: 98, 140, 182).",
        "- With --capture-fps 270 (9x) the lab clip gives 157.7 spm through the real pipeline.",
        "- Rear view (2.6 s; frames 0-6 show only the legs of a runner right at the camera and the model's pose "
        "there is upside down, frames 69-78 have no pose; the runner shrinks 2.6x; an OpenPose skeleton is "
        "baked into the frames): steps found from the pelvis's bounce (4 lowest, 5 highest points) with the "
        "feet's alternation voting the feet. 168 spm at the file's 30 fps against our count of 171 (contacts "
        "at frames 10 ... 62.5, +-1 frame each: +-4%); the MANIFEST says the frame rate is assumed, so this "
        "cadence is not a real-time figure. Pelvic drop, step width and knee angle are 2D proxies from a "
        "ground-level camera looking up at a runner going away: the negative pelvic drop (stance-side hip "
        "lower at the pelvis's lowest point) cannot be checked against anything here.",
        "- walking_side_2people: the main track follows the person on the box (refused: not two strides of "
        "walking); the walking woman (`.other1` track, no reference) reads 97.8 against our frame count of "
        "96.9 (+0.9%): low sun and glare make her feet and pelvis noisy (the pelvis's highest points disagree "
        "and are left out by the consensus rule). Before contacts stayed at the heel's horizontal extreme "
        "(moving them to the heel's vertical corner, which jitters in glare) this clip read 101.3.",
        "",
        "Errors raised (messages):",
        "",
    ]
    lines += [f"- {r['track']}: {r['result']}: {r['message']}" for r in real if r["result"] != "ok"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", default=os.environ.get("FORMCHECK_SAMPLES", ROOT.parent / "shared" / "samples"))
    parser.add_argument("--out", default=ROOT / "bench" / "RESULTS_running.md")
    parser.add_argument("--variants", action="store_true", help="also the invariance table (real model; slow)")
    parser.add_argument("--work", default=None, help="folder for the variant files (default: a temporary one)")
    parser.add_argument("--clips", default="", help="with --variants: only these clips (comma-separated file names)")
    parser.add_argument("--rows-out", default=None, help="with --variants: also write the rows as JSON (to merge runs)")
    parser.add_argument(
        "--variant-tracks",
        default=None,
        help="with --variants: a folder of recorded variant tracks <clip stem>.<variant>.npz to analyse instead",
    )
    parser.add_argument("--rows-in", nargs="*", default=[], help="invariance rows (JSON) of earlier runs to tabulate")
    args = parser.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)
    rows: list[dict] = []
    if args.variants:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            rows = invariance_rows(
                Path(args.samples),
                Path(args.work or tmp),
                tuple(filter(None, args.clips.split(","))),
                Path(args.variant_tracks) if args.variant_tracks else None,
            )
        if args.rows_out:
            Path(args.rows_out).write_text(json.dumps(rows, default=vars), encoding="utf-8")
        if args.clips:
            return 0  # a part of the table: merged later with --rows-in
    for path in args.rows_in:
        rows += [dict(r, checks=[Comparison(**c) for c in r["checks"]]) for r in json.loads(Path(path).read_text())]
    text = markdown(synthetic_rows(), *real_rows(Path(args.samples)))
    if rows:
        text += "\n" + "\n".join(invariance_markdown(rows))
    Path(args.out).write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
