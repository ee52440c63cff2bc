"""The plank's findings: form breaks with times, the hold, fatigue and sway, the next step."""

from __future__ import annotations

from typing import Any

from ...feedback import Finding
from ...verdict import verdict
from . import body as pm
from .measure import PlankMeasurement
from .settings import VARIANT_LABELS
from .thresholds import (
    FAULT_ADVICE,
    MCGILL_SIDE_BRIDGE_S,
    PROGRESSION_ADVICE,
    REFERENCES,
    SRC_COACHING,
    SRC_MCGILL_1999,
    SRC_OPEN_PROJECTS,
    SRC_SEED,
    PlankThresholds,
)


def _break_finding(ev: dict[str, Any], variant: str) -> Finding:
    name = ev["label"]
    title, why, cue, drill = FAULT_ADVICE[name]
    when = f"from {pm.format_time(ev['start_s'])} to {pm.format_time(ev['end_s'])}"
    if name in pm.BODY_LINE_FAULTS:
        size = (
            f"{ev['peak_cm']:.0f} cm ({ev['peak_value']:.0f} deg)"
            if ev.get("peak_cm") is not None
            else f"{ev['peak_value']:.0f} deg"
        )
        detail = f"{title} {size} {when}: {cue}"
    else:
        detail = f"{title} (up to {ev['peak_value']:.0f} deg) {when}: {cue}"
    return Finding(
        severity=ev["severity"],
        title=title[0].upper() + title[1:] + f" ({pm.format_time(ev['start_s'])})",
        detail=detail,
        why=why,
        cue=cue,
        drill=drill,
        source=SRC_OPEN_PROJECTS if name in pm.BODY_LINE_FAULTS else SRC_COACHING,
        metric="body_line_deg" if name in pm.BODY_LINE_FAULTS else None,
    )


def findings_for(
    m: PlankMeasurement, metrics: dict[str, Any], events: list[dict[str, Any]], th: PlankThresholds
) -> list[Finding]:
    findings: list[Finding] = []
    variant = m.variant.variant
    label = VARIANT_LABELS[variant]
    if m.is_photo:
        bl = m.line.body_line_deg[0]
        kind = (
            "pike (hips high)"
            if bl > th.pike_tolerance_deg
            else "sag (hips low)"
            if bl < -th.sag_tolerance_deg
            else "straight line"
        )
        findings.append(
            Finding(
                severity="ok"
                if kind == "straight line"
                else (
                    "warning"
                    if abs(bl) > th.warning_factor * max(th.sag_tolerance_deg, th.pike_tolerance_deg)
                    else "attention"
                ),
                title=f"{label.capitalize()}: {kind}",
                detail=(
                    f"Body line {bl:+.0f} deg (0 = straight, + pike, - sag); the hip is {abs(m.offset_cm[0]):.0f} cm "
                    f"{'above' if m.offset_cm[0] > 0 else 'below'} the shoulder-ankle line "
                    f"({abs(m.offset_pct_trunk[0]):.0f}% of the trunk length). A photo shows form only: film a "
                    f"video for hold time and steadiness."
                ),
                why="A straight line from shoulders to heels makes the trunk muscles do the work.",
                cue=FAULT_ADVICE["pike"][2]
                if bl > th.pike_tolerance_deg
                else FAULT_ADVICE["sag"][2]
                if bl < -th.sag_tolerance_deg
                else "keep it: shoulders, hips and heels in one line",
                source=SRC_OPEN_PROJECTS,
                metric="body_line_deg",
            )
        )
        for name, spans in m.breaks.items():
            if spans and name not in pm.BODY_LINE_FAULTS:
                title, why, cue, drill = FAULT_ADVICE[name]
                findings.append(
                    Finding(
                        "attention", title.capitalize(), f"{title} in the photo: {cue}", why, cue, drill, SRC_COACHING
                    )
                )
        return findings

    hold_s, good_s, pct = metrics["hold_s"], metrics["good_form_s"], metrics["good_form_pct"]
    findings.append(
        Finding(
            severity="ok"
            if verdict(pct, REFERENCES["good_form_pct"]).status == "within"
            else "attention"
            if (pct or 0) >= 50
            else "warning",
            title=f"{label.capitalize()} held {pm.format_time(hold_s)} ({hold_s:.1f} s)",
            detail=(
                f"Hold from {pm.format_time(metrics['hold_start_s'])} to {pm.format_time(metrics['hold_end_s'])}; "
                f"good form for {good_s:.1f} s ({pct:.0f}% of the judged time), longest good streak "
                f"{metrics['longest_good_streak_s']:.1f} s; mean body line {metrics['mean_body_line_deg']:+.1f} deg "
                f"(0 = straight, + pike, - sag). Score {m.score.total:.0f}/100 (form time {m.score.form_time}, "
                f"alignment {m.score.alignment}, steadiness {m.score.steadiness}, fatigue {m.score.fatigue})."
                if pct is not None
                else f"Hold from {pm.format_time(metrics['hold_start_s'])} to "
                f"{pm.format_time(metrics['hold_end_s'])}; the body line could not be judged."
            ),
            why="Time in good form, not total time, is what trains the trunk.",
            cue="stop the hold when the line goes, rather than holding on with a sagging back",
            source=SRC_OPEN_PROJECTS,
            metric="good_form_pct",
        )
    )
    breaks = [e for e in events if e["start_s"] is not None]
    for ev in sorted(breaks, key=lambda e: (e["severity"] != "warning", -(e["end_s"] - e["start_s"])))[:6]:
        findings.append(_break_finding(ev, variant))
    s = m.steadiness
    if s.sag_growth_cm is not None and s.sag_growth_cm > th.sag_growth_flag_cm and (hold_s or 0) >= 10:
        findings.append(
            Finding(
                "attention",
                "Hips sank as the hold went on",
                f"The hips dropped {s.sag_growth_cm:.1f} cm over the hold ({s.sag_trend_cm_per_min:.1f} cm/min): "
                f"fatigue. Stop a few seconds earlier, rest and repeat.",
                "A line that fades shows where endurance ends.",
                "squeeze the glutes and brace the abdominals",
                "Sets of shorter holds with perfect form.",
                REFERENCES["sag_trend_cm_per_min"].source,
                "sag_growth_cm",
            )
        )
    if verdict(s.hip_sway_cm, REFERENCES["hip_sway_cm"]).status == "above":
        findings.append(
            Finding(
                "attention",
                "Unsteady hips",
                f"Hip sway {s.hip_sway_cm:.1f} cm (RMS after removing the slow trend).",
                "Sway shows the trunk muscles losing control.",
                "breathe steadily and keep the brace",
                "",
                REFERENCES["hip_sway_cm"].source,
                "hip_sway_cm",
            )
        )
    findings.append(_progression(m, metrics, th))
    return findings


def progression_text(variant: str, longest_good_streak_s: float, hold_s: float, th: PlankThresholds) -> str:
    """The next step after a hold of `variant` (the knee plank: ready for a full plank once a good-form
    streak reaches progression_knee_hold_s). Used by the clip's findings and the Live page."""
    if variant == "knee":
        if longest_good_streak_s >= th.progression_knee_hold_s:
            return PROGRESSION_ADVICE["knee_ready"].format(good=longest_good_streak_s)
        return PROGRESSION_ADVICE["knee"].format(need=th.progression_knee_hold_s)
    if variant == "side_knee":
        return PROGRESSION_ADVICE["side_knee"]
    if variant in pm.SIDE_VARIANTS:
        sex_norms = ", ".join(
            f"{sex} {v['right'][0]:.0f} s right / {v['left'][0]:.0f} s left" for sex, v in MCGILL_SIDE_BRIDGE_S.items()
        )
        return (
            f"{PROGRESSION_ADVICE['side']} Norms (mean): {sex_norms}. This hold: "
            f"{hold_s:.0f} s on the {variant.split('_')[1]} side."
        )
    return PROGRESSION_ADVICE["full"]


def _progression(m: PlankMeasurement, metrics: dict[str, Any], th: PlankThresholds) -> Finding:
    variant = m.variant.variant
    good_streak = metrics.get("longest_good_streak_s") or 0.0
    text = progression_text(variant, good_streak, metrics["hold_s"] or 0.0, th)
    if variant in pm.SIDE_VARIANTS and variant != "side_knee":
        return Finding("info", "Side plank context", text, source=SRC_MCGILL_1999)
    return Finding("info", "Next step", text, source=SRC_SEED)
