"""The plank frame by frame, for the Live page: one camera frame's landmarks in, the hold's state, the
body line to draw and a cue out; at the end, the summary a clip would give.

The same per-frame measurements (`body.frame_features`, `body.body_line`), the same judgement
(`hold.judge`), the same state machine (`hold.HoldMachine`) and the same thresholds as a clip. What
differs is what needs the future, which a live frame does not have:

- **Smoothing**: the clip's zero-phase Butterworth (filtfilt, 2nd order at `cutoff_hz`, run forward and
  back) becomes the same 2nd-order Butterworth run forward only (`CausalSmoother`), discretised at each
  frame's own interval (the model drops frames when it falls behind, so the rate varies). Its delay is
  about sqrt(2) / (2 pi cutoff_hz) = 38 ms at 6 Hz; its attenuation -12 dB/octave (the clip's -24).
- **Gaps**: a landmark missing for up to `max_gap_s` keeps its last smoothed value (the clip
  interpolates across the gap); longer gaps stay empty, as in a clip.
- **Outliers and left/right swaps** are not repaired live (both need frames after the one judged). The
  plank's body line uses left/right midpoints, which a swap does not change.
- **Camera cuts**: found the same way (a one-frame jump); only the frames *after* a cut are "near" it
  (the clip also marks `cut_guard_s` before it).
- **Variant (auto)**: decided by `body.detect_variant` from the first `confirm_s` of plank-like frames
  (the clip uses all of them); those frames wait and are then judged with the variant found.
- **Time**: each frame stands for the time since the previous frame processed (the clip: its median
  frame interval), so dropped frames do not shorten the hold.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from ...clean import gate_visibility
from ...config import DEFAULT_HEIGHT_CM, CommonSettings
from ...landmarks import NUM_LANDMARKS
from ...numbers import rounded
from ...sequence import PoseSequence
from . import body as pm
from . import hold
from .findings import progression_text
from .measure import CLEAN, hold_quality
from .overlay import FAULT_TEXT, PlankOverlay
from .settings import VARIANT_LABELS
from .thresholds import FAULT_ADVICE, REFERENCES, THRESHOLDS, PlankThresholds

#: Nominal frame rate given to the one-row sequences of live frames (timing comes from timestamps).
NOMINAL_FPS = 30.0


class CausalSmoother:
    """Per-coordinate 2nd-order Butterworth low-pass at `cutoff_hz`, forward only.

    The continuous filter H(s) = w^2 / (s^2 + sqrt(2) w s + w^2), w = 2 pi cutoff_hz, is discretised
    exactly (input held over the interval) for each frame's own interval, so it behaves the same at
    any and at a varying frame rate. A landmark is started at rest on its first value; a gap of at
    most `max_gap_s` holds the last output, a longer one empties it until it is seen again.
    Input and output: (33, 2) pixels, NaN where missing."""

    def __init__(self, cutoff_hz: float = CLEAN.cutoff_hz or 6.0, max_gap_s: float = CLEAN.max_gap_s) -> None:
        w = 2.0 * np.pi * cutoff_hz
        self._a = np.array([[0.0, 1.0], [-(w**2), -np.sqrt(2.0) * w]])
        # Poles sigma +- i omega (damping 1/sqrt(2)): sigma = -w / sqrt(2), omega = w / sqrt(2).
        self._sigma, self._omega = -w / np.sqrt(2.0), w / np.sqrt(2.0)
        self.max_gap_s = max_gap_s
        self.reset()

    def reset(self) -> None:
        self._state = np.full((NUM_LANDMARKS, 2, 2), np.nan)  # (landmark, x/y, [value, rate])
        self._seen_s = np.full(NUM_LANDMARKS, -np.inf)

    def transition(self, dt: float) -> np.ndarray:
        """exp(A dt) (2, 2), in closed form for the pair of complex poles."""
        sigma, omega = self._sigma, self._omega
        rotate = np.cos(omega * dt) * np.eye(2) + np.sin(omega * dt) / omega * (self._a - sigma * np.eye(2))
        return np.exp(sigma * dt) * rotate

    def __call__(self, time_s: float, xy: np.ndarray) -> np.ndarray:
        seen = np.all(np.isfinite(xy), axis=1)
        started = np.isfinite(self._state[:, 0, 0])
        fresh = seen & ~started
        self._state[fresh, :, 0] = xy[fresh]
        self._state[fresh, :, 1] = 0.0
        going = seen & started
        for dt in np.unique(time_s - self._seen_s[going]):
            rows = going & (time_s - self._seen_s == dt)
            # With the input held at the new value u, the state relaxes toward rest at u: [u, 0].
            rest = np.stack([xy[rows], np.zeros_like(xy[rows])], axis=-1)
            self._state[rows] = rest + (self._state[rows] - rest) @ self.transition(float(dt)).T
        self._seen_s[seen] = time_s
        lost = ~seen & (time_s - self._seen_s > self.max_gap_s + hold.EPS_S)
        self._state[lost] = np.nan
        return self._state[:, :, 0].copy()


def one_row(xy: np.ndarray, visibility: np.ndarray, time_s: float, frame_size: tuple[int, int]) -> PoseSequence:
    """A one-frame PoseSequence (xy (33, 2) pixels, visibility (33,), no world landmarks)."""
    return PoseSequence(
        xy=xy[None].astype(float),
        z=np.full((1, NUM_LANDMARKS), np.nan),
        visibility=visibility[None].astype(float),
        timestamps_s=np.array([time_s]),
        frame_size=frame_size,
        fps=NOMINAL_FPS,
    )


def stack_frames(rows: list[pm.PlankFrames]) -> pm.PlankFrames:
    """Frames of many rows from one-row PlankFrames (each field concatenated)."""
    return pm.PlankFrames(
        **{fl.name: np.concatenate([getattr(r, fl.name) for r in rows]) for fl in fields(pm.PlankFrames)}
    )


def stack_rows(rows: list[PoseSequence], fps: float) -> PoseSequence:
    """One PoseSequence of many one-row sequences."""
    return replace(
        rows[0],
        xy=np.concatenate([r.xy for r in rows]),
        z=np.concatenate([r.z for r in rows]),
        visibility=np.concatenate([r.visibility for r in rows]),
        timestamps_s=np.concatenate([r.timestamps_s for r in rows]),
        frame_index=np.arange(len(rows)),
        fps=fps,
    )


def fault_cue(name: str) -> str:
    """The cue of a fault as said to the person: 'hips sagging: squeeze the glutes and brace the abdominals'."""
    return f"{FAULT_TEXT.get(name, name)}: {FAULT_ADVICE[name][2]}"


@dataclass(frozen=True)
class LiveFrame:
    """What one camera frame gives: the machine's state, the cue (key: changes when the advice does,
    for speech), the overlay of this frame (one-row PlankOverlay) and whether the variant is known."""

    state: hold.HoldState
    cue: str
    cue_key: str
    overlay: PlankOverlay
    variant: str | None
    person: bool


@dataclass
class _Rec:
    """A processed frame waiting for the variant (auto) or already judged."""

    time_s: float
    duration_s: float
    f: pm.PlankFrames
    fallback_knee_deg: float
    near: bool


@dataclass(frozen=True)
class LiveBreak:
    """A form break of the main hold: fault, times (s from the start of the hold), peak (deg) and severity."""

    fault: str
    start_s: float
    end_s: float
    peak_deg: float
    severity: str


@dataclass(frozen=True)
class LiveSummary:
    """The end of a live session, as a clip's result would say it (main hold = the longest).

    hold_s, good_form_s, longest_good_streak_s: s; good_form_pct: % of the judged time; score: 0-100
    (body.plank_score, with its parts); breaks: the main hold's form breaks; holds: how many holds;
    progression: the next step (the clip's advice); notes: what the figures rest on."""

    variant: str
    variant_label: str
    hold_s: float | None
    good_form_s: float | None
    good_form_pct: float | None
    longest_good_streak_s: float | None
    breaks: tuple[LiveBreak, ...]
    holds: int
    score: pm.ScoreParts | None
    steadiness: pm.Steadiness | None
    progression: str
    frames: int
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The summary as JSON-ready values (what a history entry stores)."""
        return {
            "kind": "plank",
            "source": "live",
            "variant": self.variant,
            "hold_s": rounded(self.hold_s, 2),
            "good_form_s": rounded(self.good_form_s, 2),
            "good_form_pct": rounded(self.good_form_pct, 1),
            "longest_good_streak_s": rounded(self.longest_good_streak_s, 2),
            "form_breaks": len(self.breaks),
            "breaks": [
                {
                    "label": b.fault,
                    "start_s": rounded(b.start_s, 2),
                    "end_s": rounded(b.end_s, 2),
                    "peak_value": rounded(b.peak_deg, 1),
                    "severity": b.severity,
                }
                for b in self.breaks
            ],
            "holds": self.holds,
            "score": self.score.total if self.score else None,
            "score_parts": self.score.to_json() if self.score else None,
            "progression": self.progression,
            "frames": self.frames,
            "notes": list(self.notes),
        }

    def result_json(self) -> dict[str, object]:
        """The summary in the layout of a clip's result JSON (kind, metrics with their references,
        details, reliability), so that a live session sits in an athlete's history beside their
        clips: the same headline figures (variant, hold, good form, score) and trend. details.live
        keeps the whole summary (`to_json`)."""
        entry, score = self.to_json(), self.score
        shared = ("variant", "hold_s", "good_form_s", "good_form_pct", "longest_good_streak_s", "form_breaks", "score")
        metrics: dict[str, object] = {k: entry[k] for k in shared}
        for part in ("form_time", "alignment", "steadiness", "fatigue"):  # as a clip's score_* metrics
            metrics[f"score_{part}"] = getattr(score, part) if score else None
        return {
            "kind": "plank",
            "source": "live",
            "metrics": metrics,
            "references": {k: REFERENCES[k].to_json() for k in metrics if k in REFERENCES},
            "details": {"variant": self.variant, "variant_label": self.variant_label, "live": entry},
            "findings": [],
            "reliability": [*self.notes, "timed live from the camera: no clip was kept with this session"],
        }


class LivePlank:
    """The plank coach of one live session: `push(time_s, xy, visibility)` per camera frame (full
    pixels of a `frame_size` image, NaN/0 where no person) -> LiveFrame; `summary()` at the end.

    variant: 'auto' or one of body.VARIANTS; settings: the stature (for cm figures) and nothing else."""

    def __init__(
        self,
        frame_size: tuple[int, int],
        variant: str = "auto",
        settings: CommonSettings = CommonSettings(),
        th: PlankThresholds = THRESHOLDS,
    ) -> None:
        if variant != "auto" and variant not in pm.VARIANTS:
            raise ValueError(f"`variant` must be auto or one of {', '.join(pm.VARIANTS)}, not {variant!r}")
        self.frame_size = frame_size
        self.settings = settings
        self.th = th
        self.variant: str | None = None if variant == "auto" else variant
        self.machine = hold.HoldMachine(th)
        self.smoother = CausalSmoother()
        self._prev_raw: PoseSequence | None = None
        self._prev_t: float | None = None
        self._cut_time: float | None = None
        self._waiting: list[_Rec] = []
        self._plank_like_s = 0.0
        self._state = self.machine.state()
        self._line: pm.BodyLine | None = None  # the body line of the newest judged frame
        # Everything the summary needs, one entry per frame.
        self._clean: list[PoseSequence] = []
        self._raw: list[PoseSequence] = []
        self._cuts: list[bool] = []
        self._near: list[bool] = []
        self._trunk_only: list[bool] = []
        self._durations: list[float] = []

    # -- per frame ---------------------------------------------------------------------------------
    def push(self, time_s: float, xy: np.ndarray, visibility: np.ndarray) -> LiveFrame:
        th = self.th
        raw = one_row(np.asarray(xy, float), np.asarray(visibility, float), time_s, self.frame_size)
        masked = pm.mask_out_of_frame(raw)
        cut = False
        if self._prev_raw is not None:
            pair = stack_rows([self._prev_raw, masked], NOMINAL_FPS)
            cut = bool(pm.detect_cuts(pair, th)[1])
        if cut:
            assert self._prev_t is not None
            self._cut_time = (time_s + self._prev_t) / 2.0
            self.smoother.reset()  # the clip cleans each shot on its own
        near = self._cut_time is not None and time_s - self._cut_time <= th.cut_guard_s
        duration = 0.0 if self._prev_t is None else time_s - self._prev_t
        self._prev_raw = masked
        self._prev_t = time_s
        gated = gate_visibility(masked, CLEAN.min_visibility)
        smooth = replace(gated, xy=self.smoother(time_s, gated.xy[0])[None])
        f = pm.frame_features(smooth)
        # The clip's fallback for hidden feet: knee flexion from the model's unfiltered guesses.
        fallback = float(pm.frame_features(raw).knee_flexion_deg[0]) if self.variant is None else np.nan
        self._clean.append(smooth)
        self._raw.append(masked)
        self._cuts.append(cut)
        self._near.append(near)
        self._durations.append(duration)
        rec = _Rec(time_s, duration, f, fallback, near)
        if self.variant is None:
            self._wait_for_variant(rec)
        else:
            self._judge(rec)
        return self._frame(f, person=bool(raw.present[0]))

    def _wait_for_variant(self, rec: _Rec) -> None:
        self._waiting.append(rec)
        self._trunk_only.append(False)  # replaced when the variant is known
        _, sustain0 = pm.position_masks(rec.f, pm.body_line(rec.f, knee_variant=False), self.th)
        if sustain0[0]:
            self._plank_like_s += rec.duration_s
        if self._plank_like_s < self.th.confirm_s - hold.EPS_S:
            return
        f = stack_frames([r.f for r in self._waiting])
        _, rows = pm.position_masks(f, pm.body_line(f, knee_variant=False), self.th)
        fallback = np.array([r.fallback_knee_deg for r in self._waiting])
        self.variant = pm.detect_variant(f, rows, self.th, fallback_knee_flexion_deg=fallback).variant
        waiting, self._waiting = self._waiting, []
        del self._trunk_only[-len(waiting) :]
        for r in waiting:
            self._judge(r)

    def _judge(self, rec: _Rec) -> None:
        assert self.variant is not None
        line = pm.body_line(rec.f, knee_variant=self.variant in pm.KNEE_VARIANTS)
        self._line = line
        j = hold.judge(rec.f, line, self.variant, np.array([rec.near]), self.th)
        self._trunk_only.append(bool(j.trunk_only[0]))
        self._state = self.machine.push(j.frame(0, rec.duration_s))

    def _frame(self, f: pm.PlankFrames, person: bool) -> LiveFrame:
        state = self._state
        variant = self.variant
        line = self._line if variant is not None and self._line is not None else pm.body_line(f, False)
        status, fault_text = "idle", ""
        cue, key = self._cue(state, f, line, person)
        if variant is not None and state.phase == "holding":
            status = state.severity or ("unjudged" if not np.isfinite(line.body_line_deg[0]) else "good")
            fault_text = ", ".join(FAULT_TEXT.get(n, n) for n in state.faults)
        elif state.phase == "out_of_position":
            status = "attention"
        holding = state.holding
        overlay = PlankOverlay(
            points=np.stack([f.shoulder, f.hip, line.distal], axis=1),
            status=np.array([status], dtype=object),
            fault=np.array([fault_text], dtype=object),
            hold_s=np.array([state.hold_s if holding else np.nan]),
            good_s=np.array([state.good_s if holding else np.nan]),
            body_line_deg=line.body_line_deg.copy(),
            variant=VARIANT_LABELS[variant] if variant else "plank variant: deciding...",
        )
        return LiveFrame(state=state, cue=cue, cue_key=key, overlay=overlay, variant=variant, person=person)

    def _cue(self, state: hold.HoldState, f: pm.PlankFrames, line: pm.BodyLine, person: bool) -> tuple[str, str]:
        """(cue, key): what to tell the person now; the key changes only when the advice does."""
        th = self.th
        if state.phase == "holding":
            if state.faults:
                return fault_cue(state.faults[0]), f"fault:{state.faults[0]}"
            if not np.isfinite(line.body_line_deg[0]):
                return "legs out of view: the body line is not judged", "unjudged"
            return "good line: keep breathing, keep the brace", "good"
        if state.phase == "out_of_position":
            bl = line.body_line_deg[0]
            if np.isfinite(bl) and bl < -th.sag_tolerance_deg:
                name = "hip_drop" if self.variant in pm.SIDE_VARIANTS else "sag"
                return f"back into the plank - {fault_cue(name)}", f"out:{name}"
            if np.isfinite(bl) and bl > th.pike_tolerance_deg:
                return f"back into the plank - {fault_cue('pike')}", "out:pike"
            return "back into the plank: the hold pauses for a moment", "out"
        if state.phase == "confirming":
            return f"hold still: the timer starts after {th.confirm_s:g} s in position", "confirming"
        if not person:
            return "no one in view: place the camera side-on, whole body in the picture", "nobody"
        if state.holds:
            return (
                f"hold ended at {pm.format_time(state.hold_s)}: get back into position for a new hold",
                f"ended:{state.holds}",
            )
        return "get into your plank, side-on to the camera", "waiting"

    # -- the end -----------------------------------------------------------------------------------
    def summary(self) -> LiveSummary:
        """End the session (a running hold ends at its last kept frame) and summarise its main hold."""
        th = self.th
        if self.variant is None and self._waiting:  # never confirmed as a plank: judge as auto decides
            f = stack_frames([r.f for r in self._waiting])
            _, rows = pm.position_masks(f, pm.body_line(f, knee_variant=False), th)
            self.variant = pm.detect_variant(f, rows, th).variant
            waiting, self._waiting = self._waiting, []
            del self._trunk_only[-len(waiting) :]
            for r in waiting:
                self._judge(r)
        holds = self.machine.finish()
        main = hold.main_hold(holds)
        variant = self.variant or "forearm"
        n = len(self._clean)
        if main is None or n == 0:
            return LiveSummary(
                variant=variant,
                variant_label=VARIANT_LABELS[variant],
                hold_s=None,
                good_form_s=None,
                good_form_pct=None,
                longest_good_streak_s=None,
                breaks=(),
                holds=0,
                score=None,
                steadiness=None,
                progression=progression_text(variant, 0.0, 0.0, th),
                frames=n,
                notes=(f"no hold: a hold starts after {th.confirm_s:g} s in a plank position",),
            )
        seq = stack_rows(self._clean, NOMINAL_FPS)
        raw = stack_rows(self._raw, NOMINAL_FPS)
        f = pm.frame_features(seq)
        line = pm.body_line(f, knee_variant=variant in pm.KNEE_VARIANTS)
        cuts, near = np.array(self._cuts), np.array(self._near)
        in_hold = np.zeros(n, dtype=bool)
        in_hold[main.first : main.last + 1] = True
        unjudged = in_hold & np.array(self._trunk_only) & ~near
        good_pct = 100.0 * main.good_s / main.judged_s if main.judged_s > 0 else None
        q = hold_quality(seq, raw, f, line, variant, cuts, near, in_hold, unjudged, good_pct, self.settings, th)
        breaks = sorted(
            (
                LiveBreak(
                    b.fault,
                    b.start_s - main.start_s,
                    b.end_s - main.start_s,
                    b.peak_deg,
                    pm.fault_severity(b.fault, b.peak_deg, th) if np.isfinite(b.peak_deg) else "attention",
                )
                for spans in main.breaks.values()
                for b in spans
            ),
            key=lambda b: b.start_s,
        )
        notes = []
        if self.settings.scale_assumed:
            notes.append(
                f"centimetres (sway) assume a stature of {DEFAULT_HEIGHT_CM:g} cm: give your height for accurate cm figures"
            )
        if unjudged.any():
            notes.append("legs out of view for part of the hold: the hold was timed from the trunk alone then")
        return LiveSummary(
            variant=variant,
            variant_label=VARIANT_LABELS[variant],
            hold_s=main.hold_s,
            good_form_s=main.good_s,
            good_form_pct=good_pct,
            longest_good_streak_s=main.longest_good_s,
            breaks=tuple(breaks),
            holds=len(holds),
            score=q.score,
            steadiness=q.steadiness,
            progression=progression_text(variant, main.longest_good_s, main.hold_s, th),
            frames=n,
            notes=tuple(notes),
        )
