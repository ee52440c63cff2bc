"""A GaitAnalysis as the analysis's result: reference ranges (running or walking), findings with
cues and drills, events, steps, the method and the overlay."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...analysis import KindResult, MetricValue, TableRow
from ...feedback import Finding
from .gait import GaitAnalysis
from .overlay import GaitOverlay
from .thresholds import ASYMMETRY_NOTE_PCT, COACHING, HEIDERSCHEIT_2011, RANGES, WALKING_RANGES


def build_result(gait: GaitAnalysis, seq: Any) -> KindResult:
    """KindResult from a GaitAnalysis: metrics, ranges, findings, events, steps, series, overlay."""
    events = [{"time_s": round(e.time_s, 4), "label": e.label, "foot": e.foot, "kind": e.kind} for e in gait.events]
    references = {k: v for k, v in RANGES.items() if k in gait.metrics}
    if gait.gait == "walking":  # running ranges do not apply: walking ones where known, else none
        references = {
            k: WALKING_RANGES.get(k)
            or replace(v, low=None, high=None, note=("Running range, not applied to walking. " + v.note).strip())
            for k, v in references.items()
        }
    findings = findings_for(gait)
    cad = gait.metrics.get("cadence_spm")
    header = f"{gait.gait}, {gait.view} view" + (f", {cad:.0f} steps/min" if cad else "")
    overlay = GaitOverlay(seq=seq, events=events, steps=gait.steps, header=header, occluded_rows=gait.occluded_rows)
    details = dict(gait.details)
    if gait.view == "side":
        details["method"] = (
            "events: heel most anterior / toe most posterior relative to the pelvis (Zeni et al. 2008) "
            "on label-free foremost-heel / hindmost-toe tracks, moved to where the heel stops "
            "descending / the toe starts rising, sub-frame corner fit on unsmoothed landmarks; cadence = "
            "steps / time between the first and last contact of each run of regular alternating steps"
        )
    else:
        details["method"] = (
            "rear/front view: step period from the combined autocorrelation of the pelvis's vertical "
            "oscillation, the feet's alternating height and the pelvis's lateral sway, each scaled by "
            "the trunk length frame by frame; one instant per step at the pelvis's lowest point (about "
            "mid stance), completed by the feet's alternation extremes; feet voted by the lower foot "
            "and the sway, then alternated; cadence = steps / time over the regular runs of the "
            "pelvis's lowest and of its highest points, pooled; contact / toe-off where the stance "
            "foot's height above the ground line enters / leaves the bottom 15% of its range"
        )
    return KindResult(
        kind="run",
        metrics=gait.metrics,
        references=references,
        findings=findings,
        events=[TableRow(e) for e in events],  # type: ignore[arg-type]  # JSON values
        steps=list(gait.steps),
        series=gait.series,
        details=details,
        reliability=gait.reliability,
        overlay=overlay,
    )


def number(value: MetricValue) -> float | None:
    """A metric's value as a float, None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _range_text(metric: str) -> str:
    r = RANGES.get(metric)
    return f" (typical {r.range_text()})" if r else ""


def findings_for(gait: GaitAnalysis) -> list[Finding]:
    """Plain-language findings: context first, then what stands out, each with a cue and a drill."""
    m = gait.metrics
    out: list[Finding] = []
    if gait.slow_motion_factor is not None:
        out.append(
            Finding(
                "warning",
                "This looks like slow motion: give the real frame rate",
                f"The legs cycle at only {m.get('cadence_at_file_rate_spm')} steps/min at the file's frame rate, far too "
                f"slow for real {gait.gait}. Cadence and contact/flight times are withheld.",
                why="Slow-motion clips store frames at a playback rate, not the capture rate; every time figure would be "
                f"about {gait.slow_motion_factor:.0f}x too long.",
                cue="Run the analysis again with `capture_fps` set to the rate the phone filmed at (often 120 or 240).",
                metric="cadence_spm",
            )
        )
    walking = gait.gait == "walking"
    what = "Gait" if gait.gait == "undetermined" else gait.gait.capitalize()
    out.append(
        Finding(
            "info",
            f"{what} recognised ({gait.view} view, {gait.setting})",
            f"{m.get('steps_counted')} steps analysed at {gait.fps:.0f} fps. "
            + (
                "No flight phase: walking metrics are reported; running-specific ranges do not apply."
                if walking
                else "A flight phase was seen: running metrics are reported."
                if gait.gait == "running"
                else "Running or walking cannot be told apart reliably from a rear/front view."
            ),
            source="gait cues: swing knee flexion, elbow angle, flight phase",
        )
    )
    if walking:
        return out
    cue, drill = COACHING["cadence"]
    cad = number(m.get("cadence_spm"))
    if cad:
        out.append(
            Finding(
                "info",
                f"Cadence {cad:.0f} steps/min (both feet)",
                f"Measured over {m.get('steps_counted')} steps{_range_text('cadence_spm')}.",
                why="A higher step rate shortens the stride and lowers knee and hip loading.",
                cue=cue,
                drill=drill,
                source=RANGES["cadence_spm"].source,
                metric="cadence_spm",
            )
        )
    over = number(m.get("shank_angle_at_contact_deg"))
    if over is not None and over > 10.0:
        cue, drill = COACHING["overstride"]
        out.append(
            Finding(
                "attention",
                "Reaching out in front at landing (overstriding)",
                f"Shank {over:.0f} deg from vertical at contact, ankle {m.get('overstride_cm')} cm ahead of "
                f"the hip ({m.get('overstride_pct_leg')}% of leg length).",
                why="Landing far ahead of the body raises braking forces and knee load.",
                cue=cue,
                drill=drill,
                source=RANGES["shank_angle_at_contact_deg"].source,
                metric="shank_angle_at_contact_deg",
            )
        )
    for metric, key, title in (
        ("trunk_lean_deg", "trunk_lean", "Trunk lean"),
        ("knee_flexion_contact_deg", "knee_contact", "Knee flexion at contact"),
        ("knee_flexion_peak_deg", "knee_contact", "Peak knee flexion in stance"),
        ("vertical_oscillation_cm", "oscillation", "Vertical oscillation"),
        ("pelvic_drop_deg", "pelvic_drop", "Pelvic drop (2D proxy)"),
        ("knee_frontal_angle_deg", "knee_collapse", "Knee medial collapse (2D proxy)"),
    ):
        v = number(m.get(metric))
        if v is None or (metric == "vertical_oscillation_cm" and gait.view != "side"):
            # From behind or in front the pelvis's bounce is seen through perspective (and the gait
            # type is undecided): reported in the metrics, not compared with the running range.
            continue
        ref = RANGES[metric]
        unit = f" {ref.unit}" if ref.unit else ""
        cue, drill = COACHING[key]
        if ref.low is None and ref.high is None:
            # No population range: report the value with what it means, as context.
            out.append(
                Finding(
                    "info",
                    f"{title} {v:g}{unit}",
                    f"Measured: {v:g}{unit}. {ref.convention}.",
                    why=ref.note,
                    cue=cue if v > 0 else "",
                    drill=drill if v > 0 else "",
                    source=ref.source,
                    metric=metric,
                )
            )
            continue
        status = ref.status(v)
        if status == "within":
            out.append(
                Finding(
                    "ok",
                    f"{title} {v:g}{unit}",
                    f"Within the typical range{_range_text(metric)}.",
                    source=ref.source,
                    metric=metric,
                )
            )
        else:
            out.append(
                Finding(
                    "attention",
                    f"{title} {v:g}{unit}",
                    f"{status.capitalize()} the typical range{_range_text(metric)}.",
                    why=ref.note,
                    cue=cue,
                    drill=drill,
                    source=ref.source,
                    metric=metric,
                )
            )
    width = number(m.get("step_width_cm"))
    if width is not None and width < 0:
        cue, drill = COACHING["crossover"]
        out.append(
            Finding(
                "attention",
                "Feet cross the midline (crossover)",
                f"Step width {width} cm.",
                cue=cue,
                drill=drill,
                source=RANGES["step_width_cm"].source,
                metric="step_width_cm",
            )
        )
    for key, what in (("contact_ms_asymmetry_pct", "ground contact time"), ("step_time_ms_asymmetry_pct", "step time")):
        v = number(m.get(key))
        if v is not None and v > ASYMMETRY_NOTE_PCT:
            out.append(
                Finding(
                    "attention",
                    f"Left/right difference in {what}: {v:.0f}%",
                    f"The {what} differs by {v:.0f}% between the left and right foot (left "
                    f"{m.get(key.replace('asymmetry_pct', 'left'))}, right "
                    f"{m.get(key.replace('asymmetry_pct', 'right'))} ms). With the far leg often hidden, "
                    f"part of this can come from the landmarks rather than the running.",
                    why="A marked asymmetry can follow an old injury or a weakness on one side.",
                    cue="Check whether one side feels different; film again to confirm.",
                    drill="Single-leg strength work on the weaker side.",
                )
            )
    cue, drill = COACHING["general"]
    out.append(
        Finding(
            "info",
            "General advice",
            "Form changes are best made gradually, one at a time.",
            cue=cue,
            drill=drill,
            source=HEIDERSCHEIT_2011,
        )
    )
    return out
