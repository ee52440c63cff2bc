"""The wall test's findings: what the numbers mean, in plain words, with a cue, a drill and the source."""

from __future__ import annotations

from typing import Any

from ...feedback import SCREENING_NOTICE, Finding
from ...verdict import verdict
from . import thresholds as R

# -- findings ----------------------------------------------------------------------------------------

STRENGTH_DRILL = (
    "Strengthen the glutes and the abdominal and trunk muscles that stabilise the spine: planks and "
    "side planks (build up from a knee plank), glute bridges; 2-3 times a week."
)
PAIN_ADVICE = "If your back hurts, or the gap stays large, seek advice from a physiotherapist or doctor."


def build_findings(
    metrics: dict[str, Any], references: dict, sigma_cm: float, rule: R.LordosisThresholds, hand_cm: float
) -> list[Finding]:
    findings: list[Finding] = []
    gap, hands, cls, conf = (
        metrics["lumbar_gap_cm"],
        metrics["lumbar_gap_hands"],
        metrics["lordosis_class"],
        metrics["lordosis_confidence"],
    )
    flat_cm, excess_cm = rule.bounds_cm(hand_cm)
    against = (
        "the wall"
        if metrics["gap_reference"] == "wall"
        else "a straight line touching the buttocks and the upper back (a virtual wall)"
    )
    scale_note = (
        f" (cm assume a stature of {metrics['stature_cm']:g} cm: give the stature (`height_cm`) for real cm)"
        if metrics["scale_assumed"]
        else ""
    )
    detail = (
        f"The lower back is {gap:.1f} cm ± {sigma_cm:.1f} cm from {against}, {hands:.1f} flat hands of "
        f"{hand_cm:g} cm{scale_note}. Classified '{cls}' (confidence {conf:.0%}); the rule: under "
        f"{flat_cm:.1f} cm flat, over {excess_cm:.1f} cm (one hand) possible excess lordosis."
    )
    if cls == "possible excess lordosis":
        findings.append(
            Finding(
                severity="attention",
                title="Lower back arched more than one hand",
                detail=detail,
                why="More than a hand's thickness between the lower back and the wall suggests an exaggerated lumbar "
                "curve (hyperlordosis), often with the pelvis tipped forward; weak glutes and trunk muscles are a "
                "common part of it. This is a screening, not a diagnosis. " + PAIN_ADVICE,
                cue="Stand tall, tuck the tailbone slightly and draw the belly button in, until only a hand fits "
                "behind the lower back.",
                drill=STRENGTH_DRILL,
                source=rule.source,
                metric="lumbar_gap_cm",
            )
        )
    elif cls == "flat":
        findings.append(
            Finding(
                severity="info",
                title="Lower back flatter than usual",
                detail=detail,
                why="Hardly any gap means little lumbar curve (a flat back). It is common and often harmless, but can "
                "come with a tucked-under pelvis or stiff hamstrings. " + PAIN_ADVICE,
                cue="Stand relaxed with the weight over the middle of the feet, without tucking the pelvis.",
                drill="Keep the trunk strong with planks and side planks (from a knee plank); stretch the hamstrings.",
                source=rule.source,
                metric="lumbar_gap_cm",
            )
        )
    else:
        findings.append(
            Finding(
                severity="ok",
                title="Lower-back curve in the typical range",
                detail=detail,
                why="About a hand or less (a few fingers) between the lower back and the wall is the usual picture.",
                cue="Keep it: stand tall with relaxed knees.",
                drill=STRENGTH_DRILL,
                source=rule.source,
                metric="lumbar_gap_cm",
            )
        )

    cva = metrics["craniovertebral_angle_deg"]
    ref = references["craniovertebral_angle_deg"]
    if verdict(cva, ref).status == "below":
        findings.append(
            Finding(
                severity="attention",
                title="Head held forward",
                metric="craniovertebral_angle_deg",
                detail=f"Craniovertebral angle {cva:.0f} deg (ear vs the base of the neck as C7 proxy); below about "
                f"{ref.low:g} deg reads as a forward head.",
                why="A forward head loads the neck; it is linked with neck pain in some studies.",
                cue="Grow tall through the crown of the head and draw the chin back (a double chin), ears over shoulders.",
                drill="Chin tucks standing against the wall, 10 slow repetitions, several times a day.",
                source=ref.source,
            )
        )
    trunk = metrics["trunk_inclination_deg"]
    tref = references["trunk_inclination_deg"]
    if verdict(trunk, tref).outside:
        direction = "forward" if trunk > 0 else "back (sway)"
        findings.append(
            Finding(
                severity="attention",
                title=f"Trunk leans {direction}",
                metric="trunk_inclination_deg",
                detail=f"The hip-to-shoulder line leans {abs(trunk):.0f} deg {direction} of vertical (typical: within "
                f"{tref.high:g} deg).",
                why="Leaning the trunk shifts load onto the lower back and the hips.",
                cue="Stack the ribs over the pelvis: shoulders above the hips.",
                source=tref.source,
            )
        )
    knee = metrics["knee_extension_deg"]
    kref = references["knee_extension_deg"]
    if verdict(knee, kref).status == "below":
        findings.append(
            Finding(
                severity="attention",
                title="Knees pushed back (hyperextended)",
                metric="knee_extension_deg",
                detail=f"The knee is {abs(knee):.0f} deg past straight (beyond {abs(kref.low):g} deg reads as genu "
                f"recurvatum).",
                why="Locking the knees back stresses the knee's back structures and often goes with an arched lower back.",
                cue="Keep a soft, unlocked knee.",
                drill="Strengthen the hamstrings and glutes (bridges).",
                source=kref.source,
            )
        )
    elif verdict(knee, kref).status == "above":
        findings.append(
            Finding(
                severity="info",
                title="Knees bent",
                metric="knee_extension_deg",
                detail=f"The knee is bent {knee:.0f} deg while standing.",
                why="Standing with bent knees changes the pelvis and back alignment the wall test looks at.",
                cue="Stand with straight but unlocked knees for the photo.",
                source=kref.source,
            )
        )
    offsets = {k: metrics[f"{k}_offset_cm"] for k in ("ear", "shoulder", "hip", "knee")}
    off_refs = {k: references[f"{k}_offset_cm"] for k in offsets}
    outside = [k for k, v in offsets.items() if verdict(v, off_refs[k]).outside]
    text = ", ".join(f"{k} {v:+.1f} cm" if v is not None else f"{k} not seen" for k, v in offsets.items())
    findings.append(
        Finding(
            severity="attention" if outside else "info",
            title="Plumb line through the ankle",
            detail=f"Horizontal offsets from the vertical through the ankle (+ = in front): {text}{scale_note}."
            + (f" Outside the usual band: {', '.join(outside)}." if outside else ""),
            why="In ideal alignment the ear, shoulder, hip and knee lie close to one vertical line just in front of "
            "the ankle bone.",
            cue="Stand with the weight over the middle of the feet, ears over shoulders over hips.",
            source=R.KENDALL_SOURCE,
            metric=f"{outside[0]}_offset_cm" if len(outside) == 1 else None,
        )
    )
    findings.append(
        Finding(
            severity="info",
            title="Screening, not a diagnosis",
            detail=SCREENING_NOTICE,
            why="There is no validated centimetre cut-off for the wall test; the hand rule is a rule of thumb. "
            + PAIN_ADVICE,
            source=R.SEED_RULE_SOURCE,
        )
    )
    return findings
