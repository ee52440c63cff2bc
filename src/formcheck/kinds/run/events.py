"""Gait events from landmark kinematics relative to the pelvis: initial contact and toe-off per foot
in a side view, the event and step types shared with the rear/front view (`rear`), and the
steps built from the events.

Side view (coordinate-based, after Zeni, Richards & Higginson 2008, Gait Posture 27:710-714, as used
for treadmill gait): initial contact is located where the heel is most anterior relative to the
pelvis (hip centre), toe-off where the toe (foot index) is most posterior. Positions are measured
along the direction of travel and divided by the leg length in pixels, so neither where the runner
is in the frame nor how far from the camera matters. The extremes are found on label-free tracks
(the foremost heel, the hindmost toe), so a left/right label swap cannot move or drop an event; feet
are then assigned by alternation, and each toe-off goes to the contact that precedes it by the
clip's stance time (`toe_off_owners`), so a missed contact costs only its own toe-off. In running
the heel is most anterior just before it lands and the toe most posterior after it has left the
ground, so each event is then moved to where the heel stops descending / the toe starts rising (the
vertical-toe idea used for treadmill toe-off).

The rear/front view has its own detector (`rear`); the signals both use are in `signals`,
the left/right swap repair in `swaps`, and cadence from the step instants in `cadence`.

Events are located to a fraction of a frame by a continuous two-line (hinge) fit on the unsmoothed
landmarks (`refine_peak`) and converted to seconds through the sequence's own timestamps (never
frame index / fps). Steps whose duration is far from the clip's step period (a missed or spurious
contact) are kept in the table but left out of the timing figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .signals import FEET, interior_peaks, robust_range, time_at_row, value_at_row
from .summary import median_standard_error
from .thresholds import (
    MIN_PROMINENCE_FRACTION,
    MIN_STEPS,
    RUNNING_CADENCE_SPM,
    STANCE_STEPS_RUNNING,
    STANCE_STEPS_WALKING,
    STEP_TOLERANCE,
    TOE_OFF_PHASE_RUNNING,
    TOE_OFF_PHASE_WALKING,
    TOE_OFF_SEARCH_STEPS,
    VERTICAL_SEARCH,
    VERTICAL_TOLERANCE,
    WALKING_CADENCE_SPM,
)

#: Event labels by kind.
KIND_LABELS = {"contact": "contact", "toe_off": "toe-off", "midstance": "mid stance"}


@dataclass(frozen=True)
class GaitEvent:
    """One event. time_s: seconds (sequence timestamps, sub-frame); row: fractional row index into
    the sequence; foot: 'L' or 'R'; kind: 'contact', 'toe_off' or 'midstance' (rear/front view)."""

    time_s: float
    row: float
    foot: str
    kind: str

    @property
    def label(self) -> str:
        return f"{self.foot} {KIND_LABELS.get(self.kind, self.kind)}"


# -- side view ---------------------------------------------------------------------------------------


def refine_peak(sharp: np.ndarray | None, row: float, half_window: int, fit_rows: int | None = None) -> float:
    """Re-locate a peak found on the smoothed signal on the unsmoothed one, as the corner of a
    continuous two-line (hinge) least-squares fit over `fit_rows` samples each side (default
    `2 * half_window`), the corner searched within `half_window` rows of `row` in steps of 0.05 row.
    The two lines hold only near the event (before a heel strike the heel decelerates): the fit's span
    should be a fixed time, not a number of rows (see REFINE_FIT_HALF_S).

    A foot landing or pushing off is a corner (one side nearly flat, the other a steady slope):
    low-pass filtering rounds it and shifts its maximum towards the flat side, and a parabola
    through the top three samples is biased the same way; the hinge's corner is not. For a smooth,
    symmetric peak the corner falls on the peak too. Returns `row` unchanged without usable samples.
    """
    if sharp is None:
        return row
    w = max(2, half_window)
    fit = max(2, fit_rows) if fit_rows is not None else 2 * w
    i = int(round(row))
    a, b = max(0, i - fit), min(len(sharp), i + fit + 1)
    y = sharp[a:b]
    if b - a < 2 * fit + 1 or not np.all(np.isfinite(y)):
        return row
    x = np.arange(a, b, dtype=float)
    best, best_sse = row, np.inf
    for c in np.arange(max(a + 1.0, row - w), min(b - 2.0, row + w) + 1e-9, 0.05):
        design = np.stack([np.ones_like(x), x - c, np.maximum(0.0, x - c)], axis=1)
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        sse = float(np.sum((design @ coef - y) ** 2))
        if coef[2] < 0 and sse < best_sse:  # slope decreases across the corner: a maximum
            best, best_sse = float(c), sse
    return best


def _envelope(signals: dict[str, dict[str, np.ndarray]], key: str, front: bool) -> np.ndarray:
    """(T,) the larger (front=True) or smaller of the two feet's `key` signal: a label-free track of
    whichever foot is foremost / hindmost. Where one foot is missing the other is used (a hidden far
    foot is rarely the foremost one at a contact); NaN where neither is seen."""
    a, b = signals["L"][key], signals["R"][key]
    return np.fmax(a, b) if front else np.fmin(a, b)


def label_alternating(rows: list[float], values: dict[str, np.ndarray], pick_max: bool, step_rows: float) -> list[str]:
    """Foot labels for a sequence of events that must alternate (contacts, or toe-offs): each event
    votes for the foot whose value is larger (or smaller) at its row; within each run of events
    spaced less than 1.6 steps apart the alternating pattern that agrees with more votes is kept.
    Occasional label swaps by the pose model therefore do not change which foot an event is."""
    votes = []
    for r in rows:
        la, ra = value_at_row(values["L"], r), value_at_row(values["R"], r)
        if not (np.isfinite(la) and np.isfinite(ra)):
            votes.append(0)
        else:
            votes.append(1 if (la > ra) == pick_max else -1)  # +1: left
    labels = [""] * len(rows)
    start = 0
    for k in range(1, len(rows) + 1):
        if k == len(rows) or rows[k] - rows[k - 1] > 1.6 * step_rows:
            idx = range(start, k)
            score = sum(votes[i] * (1 if (i - start) % 2 == 0 else -1) for i in idx)
            first_left = score >= 0
            for i in idx:
                labels[i] = "L" if ((i - start) % 2 == 0) == first_left else "R"
            start = k
    return labels


def _vertical_corner(
    source: dict[str, dict[str, np.ndarray]],
    signals: dict[str, dict[str, np.ndarray]],
    row: float,
    part: str,
    step_rows: float,
    after: bool,
    refine_rows: int,
    fit_rows: int | None = None,
) -> float:
    """Refine a horizontal (Zeni) event with the foot's vertical motion. Contact: from `row` walk
    forward while the heel is still above its landing level (smoothed track); toe-off: walk back
    while the toe was already above its stance level; at most VERTICAL_SEARCH steps, the level
    being the foot's lowest image position within that reach, with VERTICAL_TOLERANCE. The corner there is then located on the unsmoothed track (`refine_peak`).
    The foot is the one foremost (contact) or hindmost (toe-off) at `row`, by position, so a label
    swap elsewhere does not matter. Returns `row` when the foot's vertical track is missing."""
    vals = {f: value_at_row(signals[f][f"{part}_fwd"], row) for f in FEET}
    if not all(np.isfinite(v) for v in vals.values()):
        return row
    foot = max(vals, key=lambda f: vals[f]) if after else min(vals, key=lambda f: vals[f])
    down = signals[foot][f"{part}_down"]  # + = lower in the image
    n = len(down)
    limit = max(1, int(round(VERTICAL_SEARCH * step_rows)))
    k = int(round(row))
    if not 0 <= k < n or not np.isfinite(down[k]):
        return row
    window = down[k : min(n, k + limit + 1)] if after else down[max(0, k - limit) : k + 1]
    if not np.isfinite(window).any():
        return row
    ground = float(np.nanmax(window))  # the foot's lowest image position near the event
    tolerance = VERTICAL_TOLERANCE * value_at_row(signals[foot]["leg_px"], row)
    if not np.isfinite(tolerance):
        return row
    step = 1 if after else -1
    moved = 0
    # Contact: move forward while the heel is still above its landing level; toe-off: move back
    # while the toe was already above its stance level.
    while moved < limit and 0 <= k + step < n and np.isfinite(down[k]) and down[k] < ground - tolerance:
        k += step
        moved += 1
    if moved == 0:
        return row
    refined = refine_peak(source[foot][f"{part}_down"], float(k), refine_rows, fit_rows)
    return refined if abs(refined - k) <= refine_rows else float(k)


def median_offset_se(rows: list[float], refined: list[float]) -> float:
    """The standard error (rows) of the median of (refined - row) (`summary.median_standard_error`
    from their IQR); 0 for fewer than two."""
    if len(rows) < 2:
        return 0.0
    q1, q3 = np.percentile(np.asarray(refined) - np.asarray(rows), [25, 75])
    return median_standard_error(float(q3 - q1), len(rows))


def shifted_by_median(rows: list[float], refined: list[float]) -> list[float]:
    """Each row moved by the median of (refined - row) over all of them. The horizontal extreme of the
    toe (Zeni) is a broad, well-located trough but sits a nearly constant time after the push-off;
    the vertical corner finds that time but jitters with the landmarks' noise, step by step and from
    one encoding of a clip to the next. One offset for the clip keeps the precision of the one and
    the timing of the other."""
    if not rows:
        return rows
    offset = float(np.median(np.asarray(refined) - np.asarray(rows)))
    return [r + offset for r in rows]


def _hindmost_foot(signals: dict[str, dict[str, np.ndarray]], row: float) -> str:
    """'L' or 'R': the foot whose toe is further back (relative to the pelvis) at `row`; '' when a
    foot is not seen there."""
    vals = {f: value_at_row(signals[f]["toe_fwd"], row) for f in FEET}
    if not all(np.isfinite(v) for v in vals.values()) or vals["L"] == vals["R"]:
        return ""
    return min(vals, key=lambda f: vals[f])


def side_events(
    signals: dict[str, dict[str, np.ndarray]],
    timestamps_s: np.ndarray,
    step_rows: float,
    sharp: dict[str, dict[str, np.ndarray]] | None = None,
    refine_rows: int = 2,
    fit_rows: int | None = None,
    vertical_refine: bool = True,
    prefer_flight: bool = True,
    cadence_spm: float = float("nan"),
    pelvis_flight: bool | None = None,
    backward: np.ndarray | None = None,
) -> tuple[list[GaitEvent], ToeOffOwners]:
    """Side view. Contacts: peaks of the foremost heel's forward position relative to the pelvis (the
    heel most anterior); toe-offs: the deepest points of the hindmost toe's position (the toe most
    posterior). Both are found on label-free envelopes, so a left/right label swap cannot move or
    drop an event; contacts' feet are assigned by alternation (see `label_alternating`), each
    toe-off gets the foot of the contact whose stance it ends (`toe_off_owners`: by the clip's stance
    time, the hindmost toe's label breaking ties). signals: from the smoothed sequence; sharp: the
    same from the unsmoothed one, for the sub-frame corner fit (`refine_peak`) within `refine_rows`
    rows, fitted over `fit_rows` samples each side. Returns the events (sorted by time) and the toe-offs' owners (`stance_of` pairs them).

    vertical_refine: in running the toe is most posterior 50-100 ms after it has left the ground (the
    foot keeps moving back), so the toe-offs are moved by the clip's median offset to where the toe
    starts rising (`_vertical_corner`, the vertical-toe idea of treadmill toe-off detection;
    `shifted_by_median`). The heel is foremost within about a frame of landing: contacts stay at the
    horizontal extreme, whose place does not depend on the landmarks' vertical jitter. backward:
    (T,) bool, the rows of a gait that goes backwards (see `toe_off_owners`)."""
    front = _envelope(signals, "heel_fwd", True)
    back = _envelope(signals, "toe_fwd", False)
    sharp_front = _envelope(sharp, "heel_fwd", True) if sharp else None
    sharp_back = -_envelope(sharp, "toe_fwd", False) if sharp else None
    prom = MIN_PROMINENCE_FRACTION * robust_range(front)
    if prom <= 0:
        return [], ToeOffOwners([], float("nan"), prefer_flight, 0)
    contacts = [
        refine_peak(sharp_front, c, refine_rows, fit_rows) for c in interior_peaks(front, 0.6 * step_rows, prom)
    ]
    back_prom = MIN_PROMINENCE_FRACTION * robust_range(back)
    offset_se = 0.0
    toe_offs = (
        [refine_peak(sharp_back, r, refine_rows, fit_rows) for r in interior_peaks(-back, 0.6 * step_rows, back_prom)]
        if back_prom > 0
        else []
    )
    c_feet = label_alternating(contacts, {f: signals[f]["heel_fwd"] for f in FEET}, True, step_rows)
    if vertical_refine:
        source = sharp if sharp else signals
        # Only the toe-offs: the toe keeps moving back for 50-100 ms after it leaves the ground, a
        # large, steady offset; the heel is foremost within about a frame of landing, an offset
        # smaller than its own jitter from one encoding of a clip to the next.
        lifted = [
            _vertical_corner(source, signals, r, "toe", step_rows, False, refine_rows, fit_rows) for r in toe_offs
        ]
        offset_se = median_offset_se(toe_offs, lifted)
        toe_offs = shifted_by_median(toe_offs, lifted)
    # The foot that leaves the ground is behind the body: the hindmost toe's label at each toe-off.
    t_track = [_hindmost_foot(signals, r) for r in toe_offs]
    owned = toe_off_owners(
        contacts, toe_offs, step_rows, prefer_flight, cadence_spm, c_feet, t_track, pelvis_flight, backward
    )
    owned = replace(owned, offset_se_rows=offset_se)
    kept = [(r, c_feet[o]) for r, o in zip(toe_offs, owned.owners, strict=True) if o is not None]
    toe_offs = [r for r, _ in kept]
    t_feet = [f for _, f in kept]
    events = [GaitEvent(time_at_row(r, timestamps_s), r, f, "contact") for r, f in zip(contacts, c_feet, strict=False)]
    events += [GaitEvent(time_at_row(r, timestamps_s), r, f, "toe_off") for r, f in zip(toe_offs, t_feet, strict=False)]
    return sorted(events, key=lambda e: e.time_s), owned


@dataclass(frozen=True)
class ToeOffOwners:
    """owners: per toe-off, the index of the contact whose stance it ends (None: not known);
    phase: the median toe-off phase (time since the last contact / step period); flight: whether a
    flight phase follows the toe-offs (running) rather than the other foot's contact preceding
    them (walking); votes: toe-offs that had a contact before them; decided: what decided `flight`
    ('phase', 'phase and pelvis', 'phase and cadence', or '' when none did and the caller's
    preference was used);
    stance_of: each owned contact's row -> the row of the toe-off that ends its stance; pelvis_score:
    the pelvis's height at mid stance (`mechanics.PelvisMechanics.score`; NaN: not measured);
    offset_se_rows: the standard error (rows) of the one offset every toe-off was moved by
    (`shifted_by_median`): shared by every step, it does not average out over them."""

    owners: list[int | None]
    phase: float
    flight: bool
    votes: int
    decided: str = ""
    stance_of: dict[float, float] = field(default_factory=dict)
    pelvis_score: float = float("nan")
    offset_se_rows: float = 0.0


def toe_off_owners(
    contacts: list[float],
    toe_offs: list[float],
    step_rows: float,
    prefer_flight: bool = True,
    cadence_spm: float = float("nan"),
    contact_feet: list[str] | None = None,
    toe_feet: list[str] | None = None,
    pelvis_flight: bool | None = None,
    backward: np.ndarray | None = None,
) -> ToeOffOwners:
    """Which contact each toe-off ends. A foot's toe-off comes a stance after its own contact: duty
    factor DF x stride = 2 DF steps, and before that foot's next contact (2 steps). With a flight
    phase (running) that is before the other foot lands: the toe-off falls at phase 2 DF of the step
    that began with its own contact (0.5-0.9 for running's DF 0.25-0.45). With double support
    (walking) it comes after the other foot's contact, at phase 2 DF - 1 of the next step (0.1-0.4 for
    walking's DF 0.55-0.7). The median phase over the clip decides (a steady gait does not switch
    between steps): above TOE_OFF_PHASE_RUNNING running, below TOE_OFF_PHASE_WALKING walking. Between
    (a slow run with DF 0.25-0.3, a sprint, a slow walk with DF 0.7-0.8: a frame's error moves the
    phase by 0.1 at 30 fps), the pelvis's motion decides where it is clear (`pelvis_flight`: True, a
    bounce, lowest at mid stance; False, a vault; None: unclear; `mechanics.pelvis_mechanics`), else
    the cadence (steps/min in the file's time) where it can only be one gait: at least
    RUNNING_CADENCE_SPM running, WALKING_CADENCE_SPM[0]-[1] walking; otherwise, or with fewer than
    MIN_STEPS toe-offs, `prefer_flight` does. Duty factors: Novacheck 1998.

    Each toe-off is then given to its own foot's contact by time, not by place in the list (so a
    missed contact loses only its own step's toe-off): the clip's stance in steps is the median phase
    (running) or 1 + the median phase (walking), over the toe-offs whose stance lies in the gait's band
    (`_typical_stance`), and the two feet's contacts are a step apart, so the contact that precedes
    the toe-off by that stance within half a step (and by less than the two steps to the same foot's
    next contact: within TOE_OFF_SEARCH_STEPS) is its own foot's. Without a measured phase the window
    is centred on the middle of the gait's band (STANCE_STEPS_RUNNING / _WALKING). Where two contacts
    fall in the window (a spurious contact), the foot's track decides: `toe_feet[k]`, the foot whose
    toe is hindmost at toe-off k (the foot that leaves the ground is behind the body), should be
    `contact_feet[i]`; then the nearer to the clip's stance. One toe-off per contact.

    backward: (T,) bool, the rows where the gait goes backwards (a return pass walked backwards, a
    drill): there the foremost heel and the hindmost toe are not contact and toe-off, so those
    toe-offs' phases do not vote; they are still given owners."""
    phases: list[float] = []
    for t in toe_offs:
        if backward is not None and len(backward) and bool(backward[min(len(backward) - 1, max(0, round(t)))]):
            continue
        before = [i for i, c in enumerate(contacts) if c < t]
        if before and (
            len(before) == len(contacts) or contacts[before[-1] + 1] - contacts[before[-1]] < 1.6 * step_rows
        ):
            phases.append((t - contacts[before[-1]]) / step_rows)
    phase = float(np.median(phases)) if phases else float("nan")
    decided, flight = "", prefer_flight
    if len(phases) >= MIN_STEPS:
        if not TOE_OFF_PHASE_WALKING <= phase <= TOE_OFF_PHASE_RUNNING:
            decided, flight = "phase", bool(phase > TOE_OFF_PHASE_RUNNING)
        elif pelvis_flight is not None:
            decided, flight = "phase and pelvis", pelvis_flight
        elif cadence_spm >= RUNNING_CADENCE_SPM:
            decided, flight = "phase and cadence", True
        elif WALKING_CADENCE_SPM[0] <= cadence_spm <= WALKING_CADENCE_SPM[1]:
            decided, flight = "phase and cadence", False
    stance = _typical_stance(phases, flight)
    pairs: list[tuple[int, float, int, int]] = []  # (track disagrees, |lag - stance|, toe-off, contact)
    for k, t in enumerate(toe_offs):
        for i, c in enumerate(contacts):
            lag = (t - c) / step_rows
            if 0.0 < lag < TOE_OFF_SEARCH_STEPS and abs(lag - stance) <= 0.5:
                tf = toe_feet[k] if toe_feet else ""
                cf = contact_feet[i] if contact_feet else ""
                pairs.append((int(bool(tf and cf and tf != cf)), abs(lag - stance), k, i))
    owners: list[int | None] = [None] * len(toe_offs)
    taken: set[int] = set()
    for _, _, k, i in sorted(pairs):
        if owners[k] is None and i not in taken:
            owners[k] = i
            taken.add(i)
    stance_of = {contacts[i]: toe_offs[k] for k, i in enumerate(owners) if i is not None}
    return ToeOffOwners(owners, phase, flight, len(phases), decided, stance_of)


def _typical_stance(phases: list[float], flight: bool) -> float:
    """The clip's stance (own contact to toe-off) in step periods: the median over the toe-offs of
    the stance their phase gives in this gait (running: the phase; walking: 1 + the phase), counting
    only the stances inside the gait's band (STANCE_STEPS_RUNNING or STANCE_STEPS_WALKING: 2 x the duty
    factors of Novacheck 1998), so that toe-offs that are not a forward gait's (a pass walked
    backwards, a turn, noise) do not move it; the band's middle when none is inside."""
    low, high = STANCE_STEPS_RUNNING if flight else STANCE_STEPS_WALKING
    stances = [p + (0.0 if flight else 1.0) for p in phases]
    inside = [s for s in stances if low <= s <= high]
    return float(np.median(inside)) if inside else 0.5 * (low + high)


# -- steps ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step: from a contact of `foot` to the next contact of the other foot.

    contact / toe_off: the events (toe_off None when not observed); next_contact_s: the following
    contact of the other foot (None when the next contact is missing or of the same foot).
    contact_s = toe-off - contact; step_s = next contact - contact; flight_s = next contact - toe-off
    (negative: both feet on the ground, i.e. double support as in walking).
    """

    index: int
    foot: str
    contact: GaitEvent
    toe_off: GaitEvent | None
    next_contact_s: float | None

    @property
    def contact_s(self) -> float | None:
        return None if self.toe_off is None else self.toe_off.time_s - self.contact.time_s

    @property
    def step_s(self) -> float | None:
        return None if self.next_contact_s is None else self.next_contact_s - self.contact.time_s

    @property
    def flight_s(self) -> float | None:
        if self.toe_off is None or self.next_contact_s is None:
            return None
        return self.next_contact_s - self.toe_off.time_s


def build_steps(events: list[GaitEvent], step_period_s: float, stance_of: dict[float, float]) -> list[Step]:
    """Steps from sorted events. A step's next contact counts only if it is of the other foot and
    its step time lies within STEP_TOLERANCE of the clip's step period (else a contact was missed
    or a spurious one found: the step is left out of timing figures); its toe-off is the one that
    ends its stance (`stance_of`: contact row -> toe-off row, from `toe_off_owners`), None if none."""
    contacts = [e for e in events if e.kind == "contact"]
    toe_off_at = {e.row: e for e in events if e.kind == "toe_off"}
    steps: list[Step] = []
    for i, c in enumerate(contacts):
        nxt = contacts[i + 1] if i + 1 < len(contacts) else None
        next_s = None
        if (
            nxt is not None
            and nxt.foot != c.foot
            and STEP_TOLERANCE[0] * step_period_s < nxt.time_s - c.time_s < STEP_TOLERANCE[1] * step_period_s
        ):
            next_s = nxt.time_s
        to = toe_off_at.get(stance_of.get(c.row, float("nan")))
        steps.append(Step(len(steps) + 1, c.foot, c, to, next_s))
    return steps
