"""The plank's hold state machine, online: one frame's judgement in, the hold's state out.

The clip analysis (`measure.py`) pushes every row of a clip through it; the Live page pushes each
camera frame as it comes. One set of rules, with the thresholds of `thresholds.PlankThresholds`:

- **Start**: a hold starts at the first frame of a run of `entry` frames (the run may pass through
  `bridge` frames, the rows around a camera cut) once the run has lasted `confirm_s` (its span plus the
  first frame's duration). The start is dated back to the run's first frame.
- **Go on / end**: it goes on while frames are `keep` (in position, or carried: near a cut, only the
  trunk seen) and ends at the last such frame once the person has been out of position for longer than
  `grace_s`; out-of-position frames between two kept frames less than `grace_s` apart are in the hold.
- **Carried flags**: uncertain frames (near a cut; in a hold with only the trunk seen) take the fault
  flags of the last certain frame (a cut is no fault).
- **Form breaks**: per fault, runs of flagged *judged* frames (in a hold, not trunk-only) with gaps of
  at most `merge_gap_s` (all judged) closed, kept when they last at least `min_break_s`.
- **Good form**: judged frames in no break of any fault.

Frames are decided as soon as these rules allow: the frames of a run being confirmed wait for the
confirmation, the frames of a grace period for the person's return (or the hold's end), and the frames a
break may still cover for that break to close. The reported good-form time counts decided frames only,
so it never goes back. Time: each frame stands for `duration_s` (the clip: its median frame interval;
the live camera: the time since the previous frame processed, as frames are dropped when the model
falls behind). A run of frames lasts from its first frame's time to its last frame's time, plus the
first frame's duration (`span_s`; with a constant duration this is `body.span_s`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from . import body as pm
from .thresholds import THRESHOLDS, PlankThresholds

#: Slack on time comparisons (s): frame times are sums of floats.
EPS_S = 1e-9
#: The machine's phases: no hold; a run of entry frames being confirmed; holding (the last frame was
#: in position); out of position inside the grace time.
PHASES = ("idle", "confirming", "holding", "out_of_position")


@dataclass(frozen=True)
class FrameJudgement:
    """One frame as the machine reads it.

    time_s: the frame's time (s, increasing); duration_s: the time the frame stands for (s, >= 0);
    entry: a hold may start here; keep: a hold goes on here (in position, or carried); bridge: a run
    of entry frames may pass through (near a camera cut); near_cut: the fault flags are carried over;
    trunk_only: only the trunk is seen (in a hold: not judged, flags carried over);
    faults: fault name -> flagged (False where its value is not measurable), in a fixed order;
    values: fault name -> the value it is judged on (deg, NaN where not measurable).
    """

    time_s: float
    duration_s: float
    entry: bool
    keep: bool
    bridge: bool
    near_cut: bool
    trunk_only: bool
    faults: Mapping[str, bool]
    values: Mapping[str, float]


@dataclass
class Judgements:
    """Per-frame judgements of a whole clip, every array (T,): see FrameJudgement."""

    t: np.ndarray
    entry: np.ndarray
    sustain: np.ndarray
    keep: np.ndarray
    near_cut: np.ndarray
    trunk_only: np.ndarray
    faults: dict[str, np.ndarray]
    values: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.t.shape[0])

    def frame(self, i: int, duration_s: float) -> FrameJudgement:
        """Row i as a FrameJudgement standing for `duration_s`."""
        return FrameJudgement(
            time_s=float(self.t[i]),
            duration_s=duration_s,
            entry=bool(self.entry[i]),
            keep=bool(self.keep[i]),
            bridge=bool(self.near_cut[i]),
            near_cut=bool(self.near_cut[i]),
            trunk_only=bool(self.trunk_only[i]),
            faults={k: bool(v[i]) for k, v in self.faults.items()},
            values={k: float(v[i]) for k, v in self.values.items()},
        )


def judge(
    f: pm.PlankFrames, line: pm.BodyLine, variant: str, near_cut: np.ndarray, th: PlankThresholds = THRESHOLDS
) -> Judgements:
    """The machine's input for every row of `f` (a clip, or one camera frame): position masks, the
    trunk-only rows, and each fault's flag (False where its value is NaN) and value."""
    entry, sustain = pm.position_masks(f, line, th)
    trunk_only = pm.trunk_only_mask(f, line, th)
    flags = pm.fault_masks(f, line, variant, th)
    values = {k: pm.fault_value(k, f, line, variant) for k in flags}
    return Judgements(
        t=f.t,
        entry=entry,
        sustain=sustain,
        keep=sustain | near_cut | trunk_only,
        near_cut=near_cut,
        trunk_only=trunk_only,
        faults={k: np.where(np.isfinite(values[k]), v, False) for k, v in flags.items()},
        values=values,
    )


# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FormBreak:
    """One form break: rows first..last (inclusive) of the session; peak_row: its largest |value|
    (the first one; the first row when none is finite); peak_deg: that |value| (NaN when none)."""

    fault: str
    first: int
    last: int
    start_s: float
    end_s: float
    peak_row: int
    peak_deg: float


@dataclass
class HoldRecord:
    """A finished (or, from `current`, a running) hold: rows first..last inclusive.

    breaks: fault -> its breaks in order (every fault of the variant is a key); good_runs: (first,
    last) rows of each run of good form; hold_s, good_s, judged_s: seconds; longest_good_s: the
    longest run of good form (s)."""

    first: int
    last: int
    start_s: float
    end_s: float
    hold_s: float
    breaks: dict[str, list[FormBreak]]
    good_runs: list[tuple[int, int]]
    good_s: float
    judged_s: float
    longest_good_s: float

    @property
    def break_count(self) -> int:
        return sum(len(v) for v in self.breaks.values())


@dataclass(frozen=True)
class HoldState:
    """The machine after one frame.

    phase: one of PHASES; hold_s: the running hold (s), or the last finished one when there is none
    (0 before any); good_s: its good-form time so far (decided frames); judged_s: its judged time so
    far; breaks: its form breaks so far (those still running included once they count);
    faults: the faults breaking form at the newest decided frame of the running hold; severity:
    'warning' or 'attention' of the worst of them (None when there is none, `body.fault_severity`);
    holds: holds finished so far; longest_good_s: the running hold's longest good-form run so far."""

    phase: str
    hold_s: float
    good_s: float
    judged_s: float
    breaks: int
    faults: tuple[str, ...]
    severity: str | None
    holds: int
    longest_good_s: float

    @property
    def holding(self) -> bool:
        return self.phase in ("holding", "out_of_position")


@dataclass
class _Row:
    row: int
    time_s: float
    duration_s: float
    judged: bool
    flags: Mapping[str, bool]
    values: Mapping[str, float]
    bad: bool = False


@dataclass
class _Candidate:
    """A run of one fault's flagged frames that may still grow (merge) and may become a break."""

    first: _Row
    last: _Row
    peak_row: int
    peak_deg: float
    # The largest |value| of the rows after `last` (a gap that a later run may merge over).
    gap_peak_row: int = -1
    gap_peak_deg: float = -np.inf

    def span_s(self) -> float:
        return span_s(self.first, self.last)


def span_s(first: _Row | FrameJudgement, last: _Row | FrameJudgement) -> float:
    """Duration of the frames first..last inclusive: last.time - first.time + first's duration (each
    frame stands for `duration_s`; with a constant duration this is `body.span_s`)."""
    return float(last.time_s - first.time_s + first.duration_s)


class _HoldForm:
    """The form-break timeline of one hold, fed its frames in order once they are known to be in it."""

    def __init__(self, names: tuple[str, ...], th: PlankThresholds) -> None:
        self.th = th
        self.names = names
        self.first: _Row | None = None
        self.last: _Row | None = None
        self.queue: deque[_Row] = deque()  # frames not yet decided good or not
        self.open: dict[str, _Candidate | None] = dict.fromkeys(names)
        self.breaks: dict[str, list[FormBreak]] = {k: [] for k in names}
        self.good_runs: list[tuple[int, int]] = []
        self.good_s = 0.0
        self.judged_s = 0.0
        self.longest_good_s = 0.0
        self._streak: _Row | None = None  # first frame of the running good-form run
        self._prev_good = False

    def take(self, r: _Row) -> None:
        if self.first is None:
            self.first = r
        self.last = r
        self.queue.append(r)
        if r.judged:
            self.judged_s += r.duration_s
        for name in self.names:
            c = self.open[name]
            value = abs(r.values[name])
            if r.judged and r.flags[name]:
                if c is not None and (
                    r.row == c.last.row + 1 or r.time_s - c.last.time_s <= self.th.merge_gap_s + EPS_S
                ):
                    if c.gap_peak_deg > c.peak_deg:
                        c.peak_row, c.peak_deg = c.gap_peak_row, c.gap_peak_deg
                    if np.isfinite(value) and value > c.peak_deg:
                        c.peak_row, c.peak_deg = r.row, value
                    c.last, c.gap_peak_row, c.gap_peak_deg = r, -1, -np.inf
                else:
                    self._close(name)
                    finite = bool(np.isfinite(value))
                    self.open[name] = _Candidate(r, r, r.row, value if finite else -np.inf)
            elif c is not None:
                if not r.judged or r.time_s - c.last.time_s > self.th.merge_gap_s + EPS_S:
                    self._close(name)
                elif np.isfinite(value) and value > c.gap_peak_deg:
                    c.gap_peak_row, c.gap_peak_deg = r.row, value
        self._decide()

    def _close(self, name: str) -> None:
        c = self.open[name]
        self.open[name] = None
        if c is None or c.span_s() < self.th.min_break_s - EPS_S:
            return
        peak = c.peak_deg if np.isfinite(c.peak_deg) else float("nan")
        self.breaks[name].append(
            FormBreak(
                name, c.first.row, c.last.row, c.first.time_s, c.last.time_s + c.last.duration_s, c.peak_row, peak
            )
        )
        for r in self.queue:  # every frame of an open candidate is still undecided
            if c.first.row <= r.row <= c.last.row:
                r.bad = True

    def _decide(self, everything: bool = False) -> None:
        """Decide the frames that no open candidate can cover any more (all of them: `everything`)."""
        frontier = min((c.first.row for c in self.open.values() if c is not None), default=None)
        while self.queue and (everything or frontier is None or self.queue[0].row < frontier):
            r = self.queue.popleft()
            good = r.judged and not r.bad
            if good:
                self.good_s += r.duration_s
                if not self._prev_good:
                    self._streak = r
                    self.good_runs.append((r.row, r.row))
                else:
                    self.good_runs[-1] = (self.good_runs[-1][0], r.row)
                assert self._streak is not None
                self.longest_good_s = max(self.longest_good_s, span_s(self._streak, r))
            self._prev_good = good

    def ongoing(self) -> list[tuple[str, float]]:
        """(fault, |value| at the newest frame) of the faults whose running candidate counts as a break
        and reaches the newest frame."""
        out = []
        for name, c in self.open.items():
            last = self.last
            if (
                c is not None
                and last is not None
                and c.last.row == last.row
                and c.span_s() >= self.th.min_break_s - EPS_S
            ):
                out.append((name, abs(last.values[name])))
        return out

    def count_breaks(self) -> int:
        closed = sum(len(v) for v in self.breaks.values())
        running = sum(1 for c in self.open.values() if c is not None and c.span_s() >= self.th.min_break_s - EPS_S)
        return closed + running

    def finish(self) -> HoldRecord:
        for name in self.names:
            self._close(name)
        self._decide(everything=True)
        assert self.first is not None and self.last is not None
        return HoldRecord(
            first=self.first.row,
            last=self.last.row,
            start_s=self.first.time_s,
            end_s=self.last.time_s + self.last.duration_s,
            hold_s=span_s(self.first, self.last),
            breaks=self.breaks,
            good_runs=self.good_runs,
            good_s=self.good_s,
            judged_s=self.judged_s,
            longest_good_s=self.longest_good_s,
        )


class HoldMachine:
    """The online hold state machine (see the module docstring). `push(frame)` -> HoldState after it;
    `finish()` ends a running hold at its last kept frame and returns every hold, in order."""

    def __init__(self, th: PlankThresholds = THRESHOLDS) -> None:
        self.th = th
        self.holds: list[HoldRecord] = []
        self._names: tuple[str, ...] | None = None
        self._row = -1
        self._phase = "idle"
        self._pending: list[_Row] = []  # frames of the run being confirmed, or of the grace time
        self._run_first: _Row | None = None
        self._last_in: _Row | None = None
        self._form: _HoldForm | None = None
        self._certain_flags: dict[str, bool] = {}

    @property
    def phase(self) -> str:
        return self._phase

    def push(self, j: FrameJudgement) -> HoldState:
        self._row += 1
        if self._names is None:
            self._names = tuple(j.faults)
            self._certain_flags = dict.fromkeys(self._names, False)
        in_hold_now = self._phase in ("holding", "out_of_position") and j.keep
        # Carried flags (body.carry_over): trunk-only frames are kept frames, so whether they are in a
        # hold is known as they come.
        uncertain = j.near_cut or (in_hold_now and j.trunk_only)
        if uncertain:
            flags = dict(self._certain_flags)
        else:
            flags = dict(j.faults)
            self._certain_flags = flags
        r = _Row(self._row, j.time_s, j.duration_s, not (j.trunk_only and not j.near_cut), flags, j.values)
        self._step(r, j)
        return self.state()

    def _step(self, r: _Row, j: FrameJudgement) -> None:
        th = self.th
        if self._phase == "idle":
            if j.entry:
                self._phase, self._run_first, self._pending = "confirming", r, [r]
                self._confirm(r)
        elif self._phase == "confirming":
            if j.entry or j.bridge:
                self._pending.append(r)
                self._confirm(r)
            else:
                self._phase, self._run_first, self._pending = "idle", None, []
        else:
            assert self._last_in is not None and self._form is not None
            if j.keep:
                for p in self._pending:
                    self._form.take(p)
                self._pending = []
                self._form.take(r)
                self._last_in, self._phase = r, "holding"
            elif r.time_s - self._last_in.time_s > th.grace_s + EPS_S:
                self._end_hold()
            else:
                self._pending.append(r)
                self._phase = "out_of_position"

    def _confirm(self, r: _Row) -> None:
        assert self._run_first is not None and self._names is not None
        if span_s(self._run_first, r) >= self.th.confirm_s - EPS_S:
            self._form = _HoldForm(self._names, self.th)
            for p in self._pending:
                self._form.take(p)
            self._pending, self._last_in, self._phase = [], r, "holding"

    def _end_hold(self) -> None:
        assert self._form is not None
        self.holds.append(self._form.finish())
        self._form, self._pending, self._last_in, self._phase = None, [], None, "idle"

    def finish(self) -> list[HoldRecord]:
        """End a running hold (at its last kept frame; frames of a grace time after it are not in it)
        and return every hold. A run still being confirmed is no hold."""
        if self._form is not None:
            self._end_hold()
        self._phase, self._pending, self._run_first = "idle", [], None
        return self.holds

    def state(self) -> HoldState:
        form = self._form
        if form is None:
            last = self.holds[-1] if self.holds else None
            return HoldState(
                phase=self._phase,
                hold_s=last.hold_s if last else 0.0,
                good_s=last.good_s if last else 0.0,
                judged_s=last.judged_s if last else 0.0,
                breaks=last.break_count if last else 0,
                faults=(),
                severity=None,
                holds=len(self.holds),
                longest_good_s=last.longest_good_s if last else 0.0,
            )
        assert form.first is not None and form.last is not None
        ongoing = form.ongoing() if self._phase == "holding" else []
        severities = [pm.fault_severity(name, v, self.th) for name, v in ongoing if np.isfinite(v)]
        severity = "warning" if "warning" in severities else ("attention" if ongoing else None)
        return HoldState(
            phase=self._phase,
            hold_s=span_s(form.first, form.last),
            good_s=form.good_s,
            judged_s=form.judged_s,
            breaks=form.count_breaks(),
            faults=tuple(name for name, _ in ongoing),
            severity=severity,
            holds=len(self.holds),
            longest_good_s=form.longest_good_s,
        )


def main_hold(holds: list[HoldRecord]) -> HoldRecord | None:
    """The longest hold (the first of equals), or None."""
    return max(holds, key=lambda h: h.hold_s) if holds else None


@dataclass
class ClipHolds:
    """The machine run over a whole clip: every hold, and the main (longest) one's rows as masks."""

    holds: list[HoldRecord]
    main: HoldRecord | None
    in_hold: np.ndarray
    good: np.ndarray
    breaks: dict[str, list[tuple[int, int]]] = field(default_factory=dict)


def run_clip(j: Judgements, frame_interval_s: float, th: PlankThresholds = THRESHOLDS) -> ClipHolds:
    """Push every row of a clip through one HoldMachine, each row standing for `frame_interval_s`
    (the clip's median frame interval); the main hold is the longest (body.span_s, first of equals)."""
    machine = HoldMachine(th)
    for i in range(len(j)):
        machine.push(j.frame(i, frame_interval_s))
    holds = machine.finish()
    n = len(j)
    in_hold = np.zeros(n, dtype=bool)
    good = np.zeros(n, dtype=bool)
    main = None
    if holds:
        main = max(holds, key=lambda h: pm.span_s(j.t, h.first, h.last))
        in_hold[main.first : main.last + 1] = True
        for a, b in main.good_runs:
            good[a : b + 1] = True
    breaks = {k: [(b.first, b.last) for b in main.breaks[k]] if main else [] for k in j.faults}
    return ClipHolds(holds=holds, main=main, in_hold=in_hold, good=good, breaks=breaks)
