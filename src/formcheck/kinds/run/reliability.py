"""The reliability stage: what to trust less in a gait result, in plain language (low frame rate,
slow motion, a sped-up clip, contacts that disagree with the legs' periodicity, a hidden far leg,
repaired label swaps, an assumed stature, the limits of a rear/front view), and the slow-motion and
sped-up checks that withhold timing figures when the file's time base cannot be real time.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ...analysis import MetricValue
from .rear import FrontalDetection
from .rear_steps import frontal_scale_change
from .rows import TIMING_COLUMNS, StepRow
from .segments import Segment, mixed
from .thresholds import (
    CADENCE_CHECK_TOLERANCE,
    CAPTURE_RATES_FPS,
    FRONTAL_ROLL_NOTE_DEG,
    FRONTAL_SCALE_CHANGE_NOTE,
    LOW_FPS,
    MAX_HUMAN_CADENCE_SPM,
    MIN_RUNNING_CADENCE_SPM,
    MIN_WALKING_CADENCE_SPM,
    OBLIQUE_VIEW_DEG,
    OCCLUSION_NOTE_FRACTION,
    TOE_OFF_SEARCH_STEPS,
    TYPICAL_CADENCE_SPM,
)


def suggest_capture_fps(fps: float) -> float:
    """The common capture rate nearest to `fps` (phones film slow motion at 120 or 240 fps)."""
    options = np.array(CAPTURE_RATES_FPS)
    return float(options[np.argmin(np.abs(np.log(options / max(fps, 1.0))))])


def capture_fps_for(rate_fps: float, slow_factor: float | None, sped_factor: float | None) -> float | None:
    """The capture rate (fps) a slow-motion or sped-up clip was probably filmed at, to suggest for
    `capture_fps`; None for a real-time clip. Slow motion: the common capture rate nearest to the
    file's rate times the factor. Sped up 2x, the file holds every other real frame at the file's
    rate: the file's rate over the factor (to the nearest half, at least 1.5)."""
    if slow_factor is not None:
        return suggest_capture_fps(rate_fps * slow_factor)
    if sped_factor is not None:
        return float(f"{rate_fps / max(1.5, round(2.0 * sped_factor) / 2.0):.3g}")
    return None


def slow_motion_factor(cadence_spm: float, gait: str) -> float | None:
    """How many times slower than real time the clip seems (None: it looks like real time): a
    cadence far below any real one for this gait is slow motion."""
    floor = MIN_RUNNING_CADENCE_SPM if gait == "running" else MIN_WALKING_CADENCE_SPM
    if np.isfinite(cadence_spm) and cadence_spm < floor:
        return TYPICAL_CADENCE_SPM.get(gait, TYPICAL_CADENCE_SPM["walking"]) / cadence_spm
    return None


def sped_up_factor(cadence_spm: float, gait: str) -> float | None:
    """How many times faster than real time the clip seems (None: it looks like real time): legs
    that cycle faster than any person steps (MAX_HUMAN_CADENCE_SPM) are a sped-up clip (a
    time-lapse, a speed ramp)."""
    if np.isfinite(cadence_spm) and cadence_spm > MAX_HUMAN_CADENCE_SPM:
        return cadence_spm / TYPICAL_CADENCE_SPM.get(gait, TYPICAL_CADENCE_SPM["running"])
    return None


def withhold_timing(metrics: dict[str, MetricValue], rows: list[StepRow]) -> list[StepRow]:
    """In place on `metrics`: cadence moved to `cadence_at_file_rate_spm`, every timing figure
    emptied; returns the rows with their timing columns emptied."""
    metrics["cadence_at_file_rate_spm"] = metrics.pop("cadence_spm")
    metrics["cadence_spm"] = None
    for key in list(metrics):
        if key.startswith(TIMING_COLUMNS):
            metrics[key] = None
    return [row.without_timing() for row in rows]


@dataclass(frozen=True)
class GaitFacts:
    """What the notes are about: gait type and view, the cadence (steps/min, file time), the frame
    rate of the file (fps), the cadence from the legs' periodicity, the slow-motion factor (None:
    real time), the share of frames with the far leg hidden, how many far-leg steps the headline
    figures leave out (the leg hidden at their contact or toe-off), the frames whose leg labels
    were repaired, the stature and whether it was assumed, whether the clip has several steady
    segments (their paces differ: no periodicity check), the sped-up factor (None: not sped up), how
    far the body is turned from square-on to the camera (deg, `signals.body_yaw_deg`; None: unknown)."""

    gait: str
    view: str
    cadence_spm: float
    rate_fps: float
    periodic_spm: float
    slow_factor: float | None
    occluded_fraction: float
    far_steps_left_out: int
    swapped_frames: int
    stature_cm: float
    scale_assumed: bool
    segmented: bool = False
    sped_factor: float | None = None
    yaw_deg: float | None = None


def gait_type_notes(gait: str, evidence: Mapping[str, object]) -> list[str]:
    """What the gait type rests on, when it is less than certain."""
    by = evidence.get("decided_by")
    from_events = evidence.get("gait_from_events")
    if by == "body cues":
        return [
            f"running or walking was told from the body's cues (swing knee flexion "
            f"{evidence.get('swing_knee_flexion_peak_deg')} deg, elbow {evidence.get('elbow_angle_deg')} deg): the "
            f"foot events did not show clearly whether there is a flight phase ({evidence.get('toe_offs_timed')} "
            f"toe-offs timed, median phase {evidence.get('toe_off_phase')} of a step); set `gait` if it is wrong"
        ]
    if by == "pelvis motion":
        return [
            f"running or walking was told from the pelvis's motion ({'lowest' if gait == 'running' else 'highest'} "
            f"as the feet pass each other, score {evidence.get('pelvis_midstance_score')}: a "
            f"{'bounce' if gait == 'running' else 'vault'} over the stance leg): the toe-offs (median phase "
            f"{evidence.get('toe_off_phase')} of a step) did not show whether there is a flight phase; set `gait` "
            f"if it is wrong"
        ]
    if by == "cadence":
        return [
            f"running or walking was told from the cadence ({evidence.get('cadence_spm')} steps/min: "
            f"{'only running reaches' if gait == 'running' else 'only walking has'} that rate in real time): from "
            f"behind or in front the flight phase is not measured; set `gait` if it is wrong (a race walker, or "
            f"a slow-motion clip without `capture_fps`)"
        ]
    if by == "setting" and from_events is not None and from_events != gait:
        return [
            f"analysed as {gait} because `gait` says so, but the foot events look like {from_events} "
            f"(toe-offs at a median phase {evidence.get('toe_off_phase')} of a step)"
        ]
    return []


def gait_notes(facts: GaitFacts, frontal: FrontalDetection | None) -> list[str]:
    """The reliability notes of a gait result, in order."""
    notes: list[str] = []
    f = facts
    if f.slow_factor is not None:
        notes.append(
            f"implausibly low cadence for {f.gait} ({f.cadence_spm:.0f} steps/min at the file's {f.rate_fps:.3g} fps): "
            f"the clip is probably slow motion (about {f.slow_factor:.1f}x); timing figures are withheld; give the "
            f"real capture rate with `capture_fps` (e.g. {capture_fps_for(f.rate_fps, f.slow_factor, None):g})"
        )
    if f.sped_factor is not None:
        notes.append(
            f"implausibly high cadence ({f.cadence_spm:.0f} steps/min at the file's timing; no person steps faster "
            f"than about {MAX_HUMAN_CADENCE_SPM:.0f}): the clip is probably sped up (about {f.sped_factor:.1f}x, a "
            f"time-lapse or a speed ramp); timing figures are withheld; give the real capture rate with "
            f"`capture_fps` (e.g. {capture_fps_for(f.rate_fps, None, f.sped_factor):g})"
        )
    if (
        not f.segmented
        and np.isfinite(f.cadence_spm)
        and abs(f.periodic_spm / f.cadence_spm - 1) > CADENCE_CHECK_TOLERANCE
    ):
        notes.append(
            f"the cadence from the foot contacts ({f.cadence_spm:.1f}) and from the legs' periodicity "
            f"({f.periodic_spm:.1f} steps/min at the file's frame rate) differ by more than "
            f"{CADENCE_CHECK_TOLERANCE:.0%}: some contacts were irregular or missed"
        )
    if f.view == "side" and f.yaw_deg is not None and f.yaw_deg > OBLIQUE_VIEW_DEG:
        notes.append(
            f"the runner is turned about {f.yaw_deg:.0f} deg from square-on to the camera (from the pose model's "
            f"3D landmarks; the side-view samples read 0-16): distances along the run read about "
            f"{np.cos(np.radians(f.yaw_deg)):.2f} of their length and angles in the plane of the run read smaller "
            f"(a figure that may read short by more than it should hold is marked unreliable); film with the "
            f"camera's line of sight at right angles to the run"
        )
    if f.rate_fps < LOW_FPS:
        notes.append(
            f"frame rate {f.rate_fps:.0f} fps: one frame is {1000 / f.rate_fps:.0f} ms, so contact, flight and "
            f"step times are low-confidence; film at 60 fps or more (120-240 fps for contact times)"
        )
    if f.view == "side":
        notes.append(
            "contact and toe-off come from foot kinematics relative to the pelvis (heel most forward, "
            "toe most backward, the toe-offs moved by the clip's median offset to where the toe starts "
            "rising); with phone video expect single contact and flight times to be off by a frame or two "
            "(read the medians and their spreads, not single steps)"
        )
    if f.occluded_fraction > OCCLUSION_NOTE_FRACTION:
        notes.append(
            f"the far leg was partly hidden in {f.occluded_fraction:.0%} of frames: its positions there are "
            f"the model's guesses, so the far foot's figures are less certain"
            + (
                f"; {f.far_steps_left_out} far-leg step(s) whose contact or toe-off fell there are left out of the "
                f"headline figures (they stay in the steps table)"
                if f.far_steps_left_out
                else ""
            )
        )
    if f.swapped_frames:
        notes.append(
            f"left/right leg labels were exchanged back in {f.swapped_frames} frames "
            f"(the model confused the legs; repaired from the stride pattern)"
        )
    if frontal is not None:
        notes.extend(frontal_notes(frontal, f.rate_fps))
    if f.scale_assumed:
        notes.append(
            f"distances in cm assume a stature of {f.stature_cm:.0f} cm: give the stature (`height_cm`) for "
            f"accurate overstride and oscillation"
        )
    return notes


def frontal_notes(det: FrontalDetection, rate: float) -> list[str]:
    """Reliability notes for a rear/front view."""
    notes = [
        f"{det.view} view: steps come from the pelvis's up-down motion, the feet's alternating height and the "
        f"pelvis's sway, scaled by the trunk length frame by frame; each step is timed at about mid stance "
        f"(pelvis {'highest: a walk' if det.vault else 'lowest: a run'}), so cadence and step time are the figures to trust; contact and toe-off (from the "
        f"foot's height above the ground) are approximate, and pelvic drop, step width and knee collapse are "
        f"2D proxies (hip landmarks are joint centres, not the iliac crests)"
    ]
    change = frontal_scale_change(det)
    if change > FRONTAL_SCALE_CHANGE_NOTE:
        notes.append(
            f"the runner's size in the image changed by a factor of {change:.1f} (moving away from or towards "
            f"the camera): positions are scaled frame by frame from the trunk length, but the last, smallest "
            f"frames carry a few pixels of foot motion only, and perspective from a low or near camera "
            f"distorts the frontal angles; film behind a treadmill for these figures"
        )
    own = {k: 60.0 * rate / v for k, v in det.own_rows.items() if np.isfinite(v)}
    if len(own) >= 2 and (max(own.values()) / min(own.values()) - 1) > CADENCE_CHECK_TOLERANCE:
        notes.append(
            "the signals disagree on the step rate ("
            + ", ".join(f"{k} {v:.0f}" for k, v in own.items())
            + " steps/min): the cadence is less certain"
        )
    notes.append(
        f"cadence and all times assume the file's frame rate ({rate:.3g} fps) is the real capture rate: "
        f"if the clip was rebuilt from images, re-timed or is slow motion, give `capture_fps`"
    )
    if abs(det.roll_deg) > FRONTAL_ROLL_NOTE_DEG:
        notes.append(
            f"the hip line was tilted by {det.roll_deg:+.1f} deg on average (camera roll or perspective): "
            f"removed from the pelvic drop figures"
        )
    return notes


def _step_instant(row: StepRow) -> float | None:
    """A step's instant (s): its mid stance in a rear/front view (the clock of its steps and
    segments), else its contact."""
    t = row.get("midstance_s", row.contact_s)
    return float(t) if isinstance(t, (int, float)) else None


def toe_off_coverage(rows: Sequence[StepRow], step_s: float, spans: Sequence[tuple[float, float]]) -> tuple[int, int]:
    """(found, expected): the steps with a toe-off, and those whose toe-off should have been seen,
    over the forward passes `spans` ((start_s, end_s), file time). A step's toe-off is expected when it
    was found, or when its search window (from the step's instant, `_step_instant`, to the same foot's next one, at most TOE_OFF_SEARCH_STEPS step periods of `step_s`, as
    `events.build_steps` searches) ends within its pass: the stance of a step before a stop, a turn or
    the edge of the picture ends outside it."""
    timed = [(t, r) for r in rows if (t := _step_instant(r)) is not None]
    found = expected = 0
    for start_s, end_s in spans:
        for t, r in timed:
            if not start_s - 1e-6 <= t <= end_s + 1e-6:
                continue
            if r.toe_off_s is not None:
                found += 1
                expected += 1
                continue
            same_next = min((u for u, q in timed if q.foot == r.foot and u > t), default=np.inf)
            if min(same_next, t + TOE_OFF_SEARCH_STEPS * step_s) <= end_s:
                expected += 1
    return found, expected


def toe_off_notes(found: int, expected: int) -> list[str]:
    """How many steps of the headline figures lost their toe-off (their contact and flight times are
    unmeasured, never guessed); see `toe_off_coverage`."""
    if found >= expected:
        return []
    return [
        f"toe-off not seen in {expected - found} of {expected} steps (the foot hidden or its track too "
        f"unsteady): their contact and flight times are unmeasured, the medians come from the other {found}"
    ]


def unreliable_notes(unreliable: Mapping[str, str], with_finding: Collection[str] = ()) -> list[str]:
    """One note per headline figure marked unreliable: it gets no finding, unless it is in
    `with_finding` (a finding that holds whatever the doubt, e.g. an angle in an oblique view that
    reads above its range and can only be larger square-on)."""
    return [
        f"{metric} is unreliable here: {why}; "
        + ("its finding holds all the same and says why" if metric in with_finding else "it gets no finding")
        for metric, why in unreliable.items()
    ]


def segment_notes(found: Sequence[Segment], head: Segment | None) -> list[str]:
    """Where the headline figures come from when the clip has several steady segments, and, for a
    clip that mixes paces or gaits, how to analyse another part."""
    notes = [
        f"segment {s.index} ({s.start_s:.1f}-{s.end_s:.1f} s) goes backwards (the pelvis travels against the way "
        f"the body faces): its step events assume a forward gait, so its figures are not comparable"
        + ("" if s is head else " and are left out of the headline figures")
        for s in found
        if s.backward
    ]
    if head is None or len(found) < 2:
        return notes
    table = "; ".join(
        f"{s.index}: {s.start_s:.1f}-{s.end_s:.1f} s, {s.steps} steps, {s.gait}"
        + (f", {s.cadence_spm:.0f} steps/min" if s.cadence_spm else "")
        + (", backwards" if s.backward else "")
        for s in found
    )
    notes += [
        f"the clip has {len(found)} steady segments ({table}): the headline figures come from the longest, "
        f"segment {head.index} ({head.start_s:.1f}-{head.end_s:.1f} s)"
        + (" (of those going forwards)" if any(s.backward for s in found) and not head.backward else "")
    ]
    if mixed(found):
        notes.append(
            "the segments differ in pace or gait: to analyse another one, set `start_s` and `end_s` to its times"
        )
    return notes
