"""Walking or running. From the foot events where they are reliable: running has a flight phase
(duty factor under 0.5), walking double support (over 0.5), which shows in where the toe-offs fall
in the step (`events.toe_off_owners`). Where the phase leaves it open (a sprint and a very slow walk
share it), from the pelvis's motion (lowest at mid stance: running; highest: walking; `mechanics`),
then the cadence. Where the toe-offs are too few, from the body's cues: peak knee flexion in swing
and the elbow angle. A gait set by the user (`gait`) is used as given. The evidence says which decided.

From behind or in front (`frontal_gait`) neither the flight phase nor the knee is seen well enough
to decide (the feet move in depth; the ground under them moves in the picture as the runner goes
away), so the cadence decides where only one gait reaches it, else the gait is left undetermined."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...landmarks import Landmark as L
from ...metrics.geometry import joint_angle_deg
from ...numbers import rounded
from ...sequence import PoseSequence
from .events import ToeOffOwners
from .rows import StepRow
from .signals import FEET
from .thresholds import RUN_ELBOW_ANGLE_DEG, RUN_SWING_KNEE_DEG, RUNNING_CADENCE_SPM, WALKING_CADENCE_SPM


def body_cues(knee: dict[str, np.ndarray], seq: PoseSequence) -> tuple[str, dict[str, Any]]:
    """('running' or 'walking', evidence) from two cues (votes): peak knee flexion in swing (2 votes)
    and the elbow angle (1 vote); a tie counts as walking."""
    peaks = [np.nanpercentile(knee[f], 95) for f in FEET if np.isfinite(knee[f]).any()]
    swing_peak = float(np.median(peaks)) if peaks else float("nan")
    elbows = np.concatenate(
        [
            joint_angle_deg(seq.xy[:, s], seq.xy[:, e], seq.xy[:, w])
            for s, e, w in (
                (L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST),
                (L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST),
            )
        ]
    )
    elbow = float(np.nanmedian(elbows)) if np.isfinite(elbows).any() else float("nan")
    votes = 0.0
    if np.isfinite(swing_peak):
        votes += 2.0 if swing_peak > RUN_SWING_KNEE_DEG else -2.0
    if np.isfinite(elbow):
        votes += 1.0 if elbow < RUN_ELBOW_ANGLE_DEG else -1.0
    evidence = {"swing_knee_flexion_peak_deg": rounded(swing_peak), "elbow_angle_deg": rounded(elbow), "votes": votes}
    return ("running" if votes > 0 else "walking"), evidence


def events_decide(owners: ToeOffOwners) -> bool:
    """Whether the toe-off phases decided the gait (alone, or with the cadence; see
    `events.toe_off_owners`)."""
    return bool(owners.decided)


def classify_gait(
    owners: ToeOffOwners, rows: Sequence[StepRow], knee: dict[str, np.ndarray], seq: PoseSequence, setting: str
) -> tuple[str, dict[str, Any]]:
    """('running' or 'walking', evidence): the `gait` setting when given, else the foot events where
    they decide (`events_decide`), else the body cues."""
    cue_gait, evidence = body_cues(knee, seq)
    flights = [r.flight_ms for r in rows if r.flight_ms is not None]
    doubles = [r.double_support_ms for r in rows if r.double_support_ms is not None]
    evidence |= {
        "toe_off_phase": rounded(owners.phase, 2),
        "toe_offs_timed": owners.votes,
        "events_decided_by": owners.decided or None,
        "pelvis_midstance_score": rounded(owners.pelvis_score, 2),
        "flight_step_share": rounded(float(np.mean([f > 0 for f in flights])), 2) if flights else None,
        "median_double_support_ms": rounded(float(np.median(doubles)), 0) if doubles else None,
    }
    event_gait = ("running" if owners.flight else "walking") if events_decide(owners) else None
    evidence["gait_from_events"] = event_gait
    evidence["gait_from_body_cues"] = cue_gait
    if setting in ("running", "walking"):
        evidence["decided_by"] = "setting"
        return setting, evidence
    if event_gait is not None:
        evidence["decided_by"] = "pelvis motion" if owners.decided == "phase and pelvis" else "foot events"
        return event_gait, evidence
    evidence["decided_by"] = "body cues"
    return cue_gait, evidence


def frontal_gait(cadence_spm: float, setting: str) -> tuple[str, dict[str, Any]]:
    """('running', 'walking' or 'undetermined', evidence) of a rear or front view: the `gait` setting
    when given, else the cadence (steps/min at the file's timing) where only one gait reaches it:
    at least RUNNING_CADENCE_SPM running, WALKING_CADENCE_SPM[0]-[1] walking (the same bands as the
    side view's tie-break in `events.toe_off_owners`); between them, or slower (slow motion?),
    undetermined. A race walker (180+ steps/min) would be called a runner: `gait` says otherwise."""
    evidence: dict[str, Any] = {"cadence_spm": rounded(cadence_spm)}
    if setting in ("running", "walking"):
        return setting, evidence | {"decided_by": "setting"}
    if np.isfinite(cadence_spm) and cadence_spm >= RUNNING_CADENCE_SPM:
        return "running", evidence | {"decided_by": "cadence"}
    if np.isfinite(cadence_spm) and WALKING_CADENCE_SPM[0] <= cadence_spm <= WALKING_CADENCE_SPM[1]:
        return "walking", evidence | {"decided_by": "cadence"}
    return "undetermined", evidence
