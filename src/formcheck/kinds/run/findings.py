"""A GaitAnalysis as the analysis's result: reference ranges (running or walking), findings with
cues and drills, events, steps, the method and the overlay."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ...analysis import KindResult, MetricValue, TableRow
from ...feedback import Finding
from ...reference import ReferenceRange
from ...verdict import verdict
from .gait import GaitAnalysis
from .key_frames import contact_key_frames
from .oblique import oblique_doubt
from .overlay import GaitOverlay
from .reliability import unreliable_notes
from .summary import median_standard_error, sides_differ
from .thresholds import (
    ASYMMETRY_NOTE_PCT,
    CADENCE_REPRODUCIBILITY,
    COACHING,
    FULL_ANALYSIS_STEPS,
    HEIDERSCHEIT_2011,
    MIDSTANCE_FIGURES,
    MIN_RELIABLE_STEPS,
    NOVACHECK_1998,
    RANGES,
    REPRODUCIBILITY,
    RUNNING_CADENCE_SPM,
    TUDOR_LOCKE_ROWE_2012,
    WALKING_CADENCE_SPM,
    WALKING_RANGES,
)


def build_result(gait: GaitAnalysis, seq: Any) -> KindResult:
    """KindResult from a GaitAnalysis: metrics, ranges, findings, events, steps, series, overlay."""
    events = [{"time_s": round(e.time_s, 4), "label": e.label, "foot": e.foot, "kind": e.kind} for e in gait.events]
    timeline = events + segment_events(gait.details)
    references = {k: v for k, v in RANGES.items() if k in gait.metrics}
    if gait.gait == "walking":  # running ranges do not apply: walking ones where known, else none
        references = {
            k: WALKING_RANGES.get(k)
            or replace(v, low=None, high=None, note=("Running range, not applied to walking. " + v.note).strip())
            for k, v in references.items()
        }
    elif gait.gait not in ("running", "walking"):  # not decided (rear/front view): no gait's ranges
        references = {
            k: replace(
                v,
                low=None,
                high=None,
                note=("Running or walking was not decided (set `gait`): no range applied. " + v.note).strip(),
            )
            if k in GAIT_SPECIFIC_RANGES
            else v
            for k, v in references.items()
        }
    details = dict(gait.details)
    unreliable = mark_unreliable(details, references, gait.view)
    findings = findings_for(gait, references, unreliable)
    cad = gait.metrics.get("cadence_spm")
    header = f"{gait.gait}, {gait.view} view" + (f", {cad:.0f} steps/min" if cad else "")
    overlay = GaitOverlay(seq=seq, events=events, steps=gait.steps, header=header, occluded_rows=gait.occluded_rows)
    if gait.view == "side":
        details["method"] = (
            "events: heel most anterior / toe most posterior relative to the pelvis (Zeni et al. 2008) on "
            "label-free foremost-heel / hindmost-toe tracks, sub-frame corner fit on unsmoothed landmarks; "
            "toe-offs moved by the clip's median offset to where the toe starts rising; each toe-off given to "
            "the contact whose stance it ends by its phase in the step (flight or double support); cadence per "
            "steady segment: least-squares step time of the contacts and the pelvis's lowest and highest points"
        )
    else:
        details["method"] = (
            "rear/front view: step period from the combined autocorrelation of the pelvis's vertical "
            "oscillation, the feet's alternating height and the pelvis's lateral sway, each scaled by "
            "the trunk length frame by frame; one instant per step at the pelvis's lowest point (about "
            "mid stance in a run; its highest in a walk, told from the cadence), completed by the feet's alternation extremes; feet voted by the lower foot "
            "and the sway, then alternated; cadence = steps / time over the regular runs of the "
            "pelvis's lowest and of its highest points, pooled; contact / toe-off where the stance "
            "foot's height above the ground line enters / leaves the bottom 15% of its range"
        )
    return KindResult(
        kind="run",
        metrics=gait.metrics,
        references=references,
        findings=findings,
        events=[TableRow(e) for e in timeline],
        steps=list(gait.steps),
        series=gait.series,
        details=details,
        reliability=gait.reliability + unreliable_notes(unreliable, {f.metric for f in findings if f.metric}),
        overlay=overlay,
        key_frames=contact_key_frames(gait.steps, seq, gait.view, gait.facing),
    )


def segment_events(details: dict[str, Any]) -> list[dict[str, Any]]:
    """The steady segments as intervals of the timeline (start_s, end_s, label, kind 'segment') when
    the clip has several: the app's charts shade them and its video seeks to them."""
    found = details.get("segments")
    if not isinstance(found, list) or len(found) < 2:
        return []
    head = details.get("headline_segment")
    out = []
    for s in found:
        words = [str(s["gait"])]
        if s.get("cadence_spm"):
            words.append(f"{s['cadence_spm']:.0f} steps/min")
        if s.get("backward"):
            words.append("backwards")
        if s["segment"] == head:
            words.append("headline")
        out.append(
            {
                "start_s": s["start_s"],
                "end_s": s["end_s"],
                "label": f"segment {s['segment']}: " + ", ".join(words),
                "kind": "segment",
            }
        )
    return out


def number(value: MetricValue) -> float | None:
    """A metric's value as a float, None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


#: Ranges that hold for one gait only (running's here; walking's are in WALKING_RANGES).
GAIT_SPECIFIC_RANGES = ("cadence_spm", "contact_ms", "vertical_oscillation_cm", "duty_factor", "flight_ms")
#: The per-step figures whose headline can be marked unreliable (and then gets no finding).
PER_STEP_HEADLINES = (
    "contact_ms",
    "flight_ms",
    "trunk_lean_deg",
    "overstride_cm",
    "shank_angle_at_contact_deg",
    "knee_flexion_contact_deg",
    "knee_flexion_peak_deg",
    "vertical_oscillation_cm",
    "pelvic_drop_deg",
    "step_width_cm",
    "knee_frontal_angle_deg",
)


#: Seen from behind or in front, contact and toe-off come from the foot's height above a ground line,
#: which the feet's motion in depth and the camera's perspective move (`rear.frontal_steps`): the
#: generated runner going away from a camera reads 284-297 ms of contact for 220, and a walker a few
#: tens of ms for 650. These figures are marked, whatever their spread.
FRONTAL_TIMINGS = ("contact_ms", "flight_ms")
FRONTAL_TIMING_DOUBT = (
    "from behind or in front, contact and toe-off are read from the foot's height above the ground, which "
    "perspective and the feet's motion in depth move: film from the side for contact and flight times"
)


def mark_unreliable(details: dict[str, Any], references: dict[str, ReferenceRange], view: str) -> dict[str, str]:
    """Per-step headline figures that are unreliable, with why: (side view) a mid-stance figure whose
    legs disagree (`crossing_doubt`) or one the camera's angle shortens (`oblique_doubt`), (rear/front
    view) a contact or flight time (FRONTAL_TIMING_DOUBT), else what its steps alone say
    (`spread_doubt`); the duty factor with the contact time it is made from (an entry with
    `derived_from` and no spread of its own). Marks each in
    `details["spreads"][metric]` (`reliable`, `unreliable_why`) and returns {metric: why}."""
    table = details.get("spreads") or {}
    out: dict[str, str] = {}
    for metric in PER_STEP_HEADLINES:
        spread = table.get(metric)
        if not spread or spread.get("median") is None:
            continue
        ref = references.get(metric)
        # Legs that disagree at mid stance explain a wide spread too: that is said first.
        why = (
            crossing_doubt(spread, ref.unit if ref is not None else "")
            if view == "side" and metric in MIDSTANCE_FIGURES
            else ""
        )
        why = why or (
            oblique_doubt(metric, spread["median"], details.get("camera_yaw_deg_estimate")) if view == "side" else ""
        )
        why = why or (FRONTAL_TIMING_DOUBT if view != "side" and metric in FRONTAL_TIMINGS else "")
        why = why or spread_doubt(metric, spread, ref, one_side=view == "side")
        spread["reliable"] = not why
        if why:
            spread["unreliable_why"] = why
            out[metric] = why
    if "contact_ms" in out and "duty_factor" not in table:
        # The duty factor is the contact time over the stride: as unreliable as the contact time.
        why = f"it is the contact time over the stride, and {out['contact_ms']}"
        table["duty_factor"] = {"derived_from": "contact_ms", "reliable": False, "unreliable_why": why}
        out["duty_factor"] = why
    for metric in ("cadence_spm", "cadence_at_file_rate_spm"):
        spread = table.get(metric)
        if spread and spread.get("median") and spread.get("se") is not None:
            why = cadence_imprecision(float(spread["median"]), float(spread["se"]), int(spread["steps"] or 0))
            spread["reliable"] = not why
            if why:
                spread["unreliable_why"] = why
                out[metric] = why
    return out


def only_foreshortened(
    gait: GaitAnalysis, metric: str, references: dict[str, ReferenceRange], unreliable: dict[str, str]
) -> bool:
    """Whether `metric` is marked unreliable for the oblique view alone (`oblique_doubt`), its steps
    being enough: it then reads short of its square-on value, not at random."""
    spreads = gait.details.get("spreads")
    spread = spreads.get(metric) if isinstance(spreads, dict) else None
    if gait.view != "side" or metric not in unreliable or not isinstance(spread, dict):
        return False
    why = oblique_doubt(metric, spread.get("median"), gait.details.get("camera_yaw_deg_estimate"))
    return bool(why) and unreliable[metric] == why and not spread_doubt(metric, spread, references.get(metric))


def spread_doubt(metric: str, spread: dict[str, Any], ref: ReferenceRange | None, one_side: bool = False) -> str:
    """Why a per-step headline figure is unreliable from its steps alone ('' when it is not): fewer
    than MIN_RELIABLE_STEPS, an IQR wider than the whole reference range, or a median less precise
    than the figure must be reproducible (`imprecision`; `one_side`: a side view, whose two legs are
    the near and the far one)."""
    if spread["steps"] < MIN_RELIABLE_STEPS:
        return f"only {spread['steps']} step(s) measured (at least {MIN_RELIABLE_STEPS} needed)"
    if ref is not None and ref.low is not None and ref.high is not None and (spread["iqr"] or 0) > ref.high - ref.low:
        return (
            f"its spread over the steps (IQR {spread['iqr']:g} {ref.unit}) is wider than the whole typical "
            f"range ({ref.range_text()})"
        )
    if metric in REPRODUCIBILITY:
        return imprecision(spread, REPRODUCIBILITY[metric], ref.unit if ref is not None else "", one_side)
    return ""


def cadence_imprecision(cadence_spm: float, se_spm: float, steps: int) -> str:
    """Why a cadence is too imprecise to trust ('' when it is not): its standard error (the fitted
    step time's, `cadence.pooled_cadence_se`) above CADENCE_REPRODUCIBILITY of it (see
    `imprecision`). A fitted slope's standard error falls as steps^-1.5 (evenly spaced instants), so
    steps x (share / tolerance)^(2/3) steps would do."""
    share = se_spm / cadence_spm
    if share <= CADENCE_REPRODUCIBILITY:
        return ""
    needed = int(np.ceil(max(steps, 1) * (share / CADENCE_REPRODUCIBILITY) ** (2.0 / 3.0)))
    return (
        f"it is known to about +-{se_spm:.2g} steps/min only ({100 * share:.1f}%, the standard error of the fitted "
        f"step time over {steps} steps), more than the {100 * CADENCE_REPRODUCIBILITY:g}% it should hold from one "
        f"recording of the same run to the next; about {needed} steps of steady gait would give that"
    )


def imprecision(spread: dict[str, Any], tolerance: float, unit: str, one_side: bool = False) -> str:
    """Why a headline median is too imprecise to trust ('' when it is not): its standard error over its
    steps (`summary.median_standard_error`), combined in quadrature with a standard error shared by
    every step (`shared_se`: the contact time's toe-offs all moved by one offset, which does not
    average out over the steps) and, from one side view (`one_side`), half the difference of the two
    feet's medians, exceeds `tolerance`,
    how far the figure may move between two recordings of the same run (thresholds.REPRODUCIBILITY).
    From one side the legs are the near and the far one all the clip, and the far leg is seen behind
    the near one: a real difference between the legs cannot be told from one in how the model sees
    them, so the median of both may be off by half their difference, and that does not fall with more
    steps. Says how many steps would bring it within (the first two fall as 1 / sqrt(steps)), or,
    where the legs' difference alone is too much, how to check it."""
    steps = int(spread["steps"])
    shared = float(spread.get("shared_se") or 0.0)
    legs = 0.0
    sides = (spread.get("left") or {}, spread.get("right") or {})
    if one_side and all(side.get("median") is not None for side in sides):
        legs = abs(float(sides[0]["median"]) - float(sides[1]["median"])) / 2.0
    se = float(np.linalg.norm([median_standard_error(float(spread["iqr"] or 0.0), steps), shared, legs]))
    if se <= tolerance:
        return ""
    source = f"spread, IQR {spread['iqr']:g} {unit}"
    if shared:
        source += f", and +-{shared:g} {unit} of the toe-offs' common timing offset"
    if legs:
        source += (
            f", and +-{legs:g} {unit}: the left and right feet's steps read {spread['left']['median']:g} and "
            f"{spread['right']['median']:g} {unit}, and from one side the far leg is seen behind the near one, so "
            f"which is right is not known"
        )
    advice = (
        "film the other side, or from behind, to check the legs"
        if legs >= tolerance
        else f"about {int(np.ceil(steps * (se / tolerance) ** 2))} steps of steady gait would give that: film a "
        f"longer pass"
    )
    return (
        f"the median of its {steps} steps is known to about +-{se:.2g} {unit} only (the standard error from their "
        f"{source}), more than the +-{tolerance:g} {unit} it should hold from one "
        f"recording of the same run to the next; {advice}"
    ).replace("  ", " ")


def crossing_doubt(spread: dict[str, Any], unit: str) -> str:
    """Why a side view's mid-stance figure is less certain ('' when it is not): its left and right
    medians differ beyond what their spreads allow (`summary.sides_differ`). At mid stance the other
    leg swings past the stance leg (Novacheck 1998), so the camera sees the two knees overlap and the
    model can mix them: one steady runner's legs then read apart by more than their step-to-step
    scatter, and nothing in a single side view says which leg is right."""
    if not sides_differ(spread):
        return ""
    left, right = spread["left"]["median"], spread["right"]["median"]
    return (
        f"the left and right legs read {left:g} and {right:g} {unit} ({spread['left']['steps']} and "
        f"{spread['right']['steps']} steps), further apart than their step-to-step spreads allow; it is taken at "
        f"mid stance, where the swing leg passes the stance leg and the knees overlap in a side view, so the "
        f"model may have mixed the two knees (the difference may be the landmarks, not the running)"
    ).replace("  ", " ")


def _range_text(metric: str, references: dict[str, ReferenceRange]) -> str:
    r = references.get(metric)
    return f" (typical {r.range_text()})" if r and (r.low is not None or r.high is not None) else ""


def findings_for(
    gait: GaitAnalysis, references: dict[str, ReferenceRange], unreliable: dict[str, str]
) -> list[Finding]:
    """Plain-language findings: context first, then what stands out, each with a cue and a drill that
    match the direction of the fault. A figure marked unreliable gets none."""
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
    if gait.sped_up_factor is not None:
        out.append(
            Finding(
                "warning",
                "This looks sped up: give the real frame rate",
                f"The legs cycle at {m.get('cadence_at_file_rate_spm')} steps/min at the file's timing, faster than "
                f"any person steps. Cadence and contact/flight times are withheld.",
                why="A time-lapse or a speed ramp plays the frames faster than they were filmed; every time figure "
                f"would be about {gait.sped_up_factor:.1f}x too short.",
                cue="Analyse the original clip, or run the analysis again with `capture_fps` set to the rate the "
                "frames were filmed at (the file's frame rate divided by the speed-up).",
                metric="cadence_spm",
            )
        )
    steps = number(m.get("steps_counted"))
    step_s = number(gait.details.get("step_period_s"))  # type: ignore[arg-type]
    if steps is not None and steps < FULL_ANALYSIS_STEPS and step_s:
        out.append(
            Finding(
                "warning",
                "A short clip: the figures rest on few steps",
                f"Only {steps:.0f} steps in a row were in view; a full analysis (each foot's median and spread, "
                f"left/right) needs {FULL_ANALYSIS_STEPS}, about {(FULL_ANALYSIS_STEPS + 2) * step_s:.1f} s of "
                f"steady running or walking at this pace with the whole body in view.",
                cue="Film 5-10 s, starting before the runner enters the picture and stopping after they leave.",
            )
        )
    walking = gait.gait == "walking"
    what = "Gait" if gait.gait == "undetermined" else gait.gait.capitalize()
    evidence = gait.details.get("gait_evidence") or {}
    by = evidence.get("decided_by") if isinstance(evidence, dict) else None
    basis = {
        "foot events": "told from the foot events (where the toe-offs fall in the step)",
        "pelvis motion": "told from the pelvis's motion (a bounce or a vault over the stance leg): the toe-offs "
        "did not show whether there is a flight phase",
        "body cues": "told from the body's cues (swing knee, elbow): the foot events were not clear",
        "setting": "as set by `gait`",
        "cadence": "told from the cadence, which only one gait reaches: from this view the flight phase is not "
        "measured",
    }.get(str(by), "")
    out.append(
        Finding(
            "info",
            f"{what} recognised ({gait.view} view, {gait.setting})",
            f"{m.get('steps_counted')} steps analysed at {gait.fps:.0f} fps"
            + (f", {basis}" if basis else "")
            + ". "
            + (
                "Walking metrics and ranges are reported."
                if walking and by == "cadence"
                else "Running metrics and ranges are reported."
                if gait.gait == "running" and by == "cadence"
                else "Double support (no flight phase): walking metrics and ranges are reported."
                if walking
                else "A flight phase: running metrics and ranges are reported."
                if gait.gait == "running"
                else f"From a rear/front view running and walking are told apart by the cadence only where one "
                f"gait reaches it (running {RUNNING_CADENCE_SPM:.0f} steps/min and more, walking "
                f"{WALKING_CADENCE_SPM[0]:.0f}-{WALKING_CADENCE_SPM[1]:.0f}): set `gait`."
            ),
            # The cadence bands (rear/front view), else the duty factor: flight (running) or double support.
            source=f"{TUDOR_LOCKE_ROWE_2012}; {HEIDERSCHEIT_2011}" if by == "cadence" else NOVACHECK_1998,
        )
    )
    cad = number(m.get("cadence_spm"))
    if cad and "cadence_spm" not in unreliable:
        ref = references.get("cadence_spm")
        cue, drill = COACHING[("cadence", "any")] if not walking else ("", "")
        out.append(
            Finding(
                "info",
                f"Cadence {cad:.0f} steps/min (both feet)",
                f"Measured over {m.get('steps_counted')} steps{_range_text('cadence_spm', references)}.",
                why="" if walking else "A higher step rate shortens the stride and lowers knee and hip loading.",
                cue=cue,
                drill=drill,
                source=ref.source if ref else "",
                metric="cadence_spm",
            )
        )
    if walking:
        return out
    over = number(m.get("shank_angle_at_contact_deg"))
    overstriding = verdict(over, RANGES["shank_angle_at_contact_deg"]).status == "above"
    # Turned from square-on, an angle from the vertical reads smaller, not larger: "above" stays true.
    turned = only_foreshortened(gait, "shank_angle_at_contact_deg", references, unreliable)
    if over is not None and overstriding and ("shank_angle_at_contact_deg" not in unreliable or turned):
        cue, drill = COACHING[("overstride", "any")]
        out.append(
            Finding(
                "attention",
                "Reaching out in front at landing (overstriding)",
                f"Shank {over:.0f} deg from vertical at contact"
                + (
                    " at least (seen from a camera turned from square-on, an angle from the vertical reads smaller)"
                    if turned
                    else ""
                )
                + (
                    "; the distance ahead of the hip cannot be measured from this camera angle (it is turned from "
                    "square-on)."
                    if only_foreshortened(gait, "overstride_cm", references, unreliable)
                    else f", ankle {m.get('overstride_cm')} cm ahead of the hip ({m.get('overstride_pct_leg')}% of leg "
                    "length)."
                ),
                why="Landing far ahead of the body raises braking forces and knee load.",
                cue=cue,
                drill=drill,
                source=RANGES["shank_angle_at_contact_deg"].source,
                metric="shank_angle_at_contact_deg",
            )
        )
    for metric, title in (
        ("trunk_lean_deg", "Trunk lean"),
        ("knee_flexion_contact_deg", "Knee flexion at contact"),
        ("knee_flexion_peak_deg", "Peak knee flexion in stance"),
        ("vertical_oscillation_cm", "Vertical oscillation"),
        ("pelvic_drop_deg", "Pelvic drop (2D proxy)"),
        ("knee_frontal_angle_deg", "Knee medial collapse (2D proxy)"),
    ):
        v = number(m.get(metric))
        if v is None or metric in unreliable or (metric == "vertical_oscillation_cm" and gait.view != "side"):
            # Unreliable figures get no finding (they are listed in the reliability notes). From behind or
            # in front the pelvis's bounce is seen through perspective: reported, not compared.
            continue
        ref = references.get(metric) or RANGES[metric]
        unit = f" {ref.unit}" if ref.unit else ""
        spread = _spread_text(gait, metric, ref.unit)
        if ref.low is None and ref.high is None:
            # No population range: report the value with what it means, as context.
            cue, drill = COACHING.get((metric, "above"), ("", "")) if v > 0 else ("", "")
            out.append(
                Finding(
                    "info",
                    f"{title} {v:g}{unit}",
                    f"Measured: {v:g}{unit}{spread}. {ref.convention}.",
                    why=ref.note,
                    cue=cue,
                    drill=drill,
                    source=ref.source,
                    metric=metric,
                )
            )
            continue
        status = verdict(v, ref).status
        if status == "within":
            out.append(
                Finding(
                    "ok",
                    f"{title} {v:g}{unit}",
                    f"Within the typical range{_range_text(metric, references)}{spread}.",
                    source=ref.source,
                    metric=metric,
                )
            )
            continue
        coaching = COACHING.get((metric, str(status)))
        out.append(
            Finding(
                "attention" if coaching else "info",
                f"{title} {v:g}{unit}",
                f"{str(status).capitalize()} the typical range{_range_text(metric, references)}{spread}.",
                why=ref.note,
                cue=coaching[0] if coaching else "",
                drill=coaching[1] if coaching else "",
                source=ref.source,
                metric=metric,
            )
        )
    width = number(m.get("step_width_cm"))
    if width is not None and width < 0 and "step_width_cm" not in unreliable:
        cue, drill = COACHING[("crossover", "any")]
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
    out.extend(asymmetry_findings(gait))
    cue, drill = COACHING[("general", "any")]
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


def _spread_text(gait: GaitAnalysis, metric: str, unit: str) -> str:
    """', half the steps between q1 and q3 unit (n steps)' from the spreads, or ''."""
    table = gait.details.get("spreads") or {}
    spread = table.get(metric) if isinstance(table, dict) else None
    if not spread or spread.get("q1") is None:
        return ""
    return f"; half the steps {spread['q1']:g}-{spread['q3']:g} {unit} ({spread['steps']} steps)".rstrip()


def asymmetry_findings(gait: GaitAnalysis) -> list[Finding]:
    """Left/right differences above ASYMMETRY_NOTE_PCT that the per-side spreads cannot explain
    (`summary.sides_differ`). From a side view the left and right legs are the near and the far one
    all through the clip: the far leg is seen behind the near one, so its events are timed on
    landmarks the model sees less well, and a left/right difference cannot be told from a near/far
    one. There the finding is information with a way to check it (film the other side), not a fault
    with a drill. From behind or in front both legs are seen alike."""
    m = gait.metrics
    table = gait.details.get("spreads") or {}
    one_side = m.get("view") == "side"
    out = []
    for key, what in (("contact_ms", "ground contact time"), ("step_time_ms", "step time")):
        v = number(m.get(f"{key}_asymmetry_pct"))
        spread = table.get(key) if isinstance(table, dict) else None
        if v is None or v <= ASYMMETRY_NOTE_PCT or not spread or not sides_differ(spread):
            continue
        measured = (
            f"The {what} differs by {v:.0f}% between the left and right foot (left {m.get(f'{key}_left')}, "
            f"right {m.get(f'{key}_right')} ms; half the steps within {spread['left']['iqr']:g} and "
            f"{spread['right']['iqr']:g} ms of each other), more than the step-to-step spread explains."
        )
        if one_side:
            out.append(
                Finding(
                    "info",
                    f"Left/right difference in {what}: {v:.0f}% (near leg against far leg)",
                    measured + " Filmed from one side, the far leg is seen behind the near one all through "
                    "the clip, so this can come from how the model sees the two legs rather than the running.",
                    why="From a single side view a difference between the legs and a difference between the "
                    "near and the far leg look alike.",
                    cue="Film the same run from the other side (or from behind): a difference that stays with "
                    "the same foot is the runner's.",
                )
            )
            continue
        out.append(
            Finding(
                "attention",
                f"Left/right difference in {what}: {v:.0f}%",
                measured,
                why="A marked asymmetry can follow an old injury or a weakness on one side.",
                cue="Check whether one side feels different; film again to confirm.",
                drill="Single-leg strength work on the weaker side.",
            )
        )
    return out
