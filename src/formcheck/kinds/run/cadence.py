"""Cadence from step clocks: series of instants that each mark every step (contacts, the pelvis's
lowest and highest points). Simple steps / time over runs of regular steps (a cross-check), and
per pass of steady gait a least-squares fit of time against step number for each clock, the
clocks that agree combined by inverse-variance weighting (the figure reported).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ...numbers import rounded
from .events import Step
from .rear import FrontalDetection
from .thresholds import (
    CLOCK_AGREEMENT,
    MIN_STEP_SE_S,
    PACE_CHANGE,
    PACE_MIN_STEPS,
    PACE_REGULARITY,
    PACE_SPLIT_DEPTH,
    PASS_GAP_STEPS,
    PASS_MARGIN_STEPS,
    PASS_OUTLIER_STEPS,
    STEADY_MIN_STEPS,
    STEP_TOLERANCE,
)


def cadence_from_intervals(starts_s: list[float], next_s: list[float | None]) -> tuple[float, int, float]:
    """(cadence in steps/min counting both feet, steps counted, seconds spanned): over each run of
    consecutive regular steps (start, next start), steps / (last next start - first start), pooled."""
    total_steps, total_s = 0, 0.0
    run_start: float | None = None
    run_steps, run_end = 0, 0.0
    for start, nxt in zip(starts_s, next_s, strict=False):
        if nxt is not None:
            if run_start is None:
                run_start, run_steps = start, 0
            run_steps += 1
            run_end = nxt
        elif run_start is not None:
            total_steps += run_steps
            total_s += run_end - run_start
            run_start = None
    if run_start is not None:
        total_steps += run_steps
        total_s += run_end - run_start
    cadence = 60.0 * total_steps / total_s if total_s > 0 else float("nan")
    return cadence, total_steps, total_s


def cadence_from_steps(steps: list[Step]) -> tuple[float, int, float]:
    """(cadence in steps/min counting both feet, steps counted, seconds spanned) the simple way: over
    each run of consecutive alternating steps, steps / (last contact - first contact), pooled over
    runs. Kept as a cross-check of the per-pass fit (`gait_passes`), which the analysis reports."""
    return cadence_from_intervals([s.contact.time_s for s in steps], [s.next_contact_s for s in steps])


def frontal_cadence(det: FrontalDetection) -> tuple[float, int, float]:
    """(cadence spm, steps, seconds) of a rear/front view: the pelvis's lowest points (a runner's mid
    stance; a walker's are the highest) and its other extremes each mark every step; steps / time over the regular runs of both series,
    pooled (two independent clocks halve the effect of one mis-placed extremum). The step count is
    the larger of the two series' counts (they overlap in time)."""
    _c1, n1, s1 = cadence_from_intervals(
        [s.midstance.time_s for s in det.steps], [s.next_midstance_s for s in det.steps]
    )
    _c2, n2, s2 = cadence_from_intervals(det.highs_s, det.highs_next_s)
    total_s = s1 + s2
    cadence = 60.0 * (n1 + n2) / total_s if total_s > 0 else float("nan")
    return cadence, max(n1, n2), max(s1, s2)


# -- cadence by walking / running pass --------------------------------------------------------------


@dataclass(frozen=True)
class GaitPass:
    """One pass of steady gait between pauses: start_s / end_s: its first and last step instant
    used; steps: steps spanned (last - first step number); step_s: the fitted step time (s);
    instants: step instants used; dropped: instants left out (off the line by more than
    PASS_OUTLIER_STEPS step, e.g. a contact found twice); step_se_s: standard error of the fitted
    step time (s), from the instants' scatter about the line; after_pace_change: the pass starts
    where the one before it changed pace (no pause between them, `pace_parts`); first_s / last_s:
    its first and last instant, used or not (an instant off the line is mis-timed, but the gait
    was there: the other clocks are fitted over this span; NaN: start_s / end_s)."""

    start_s: float
    end_s: float
    steps: int
    step_s: float
    instants: int
    dropped: int
    step_se_s: float = 0.0
    after_pace_change: bool = False
    first_s: float = float("nan")
    last_s: float = float("nan")

    @property
    def span_s(self) -> tuple[float, float]:
        """(first, last) instant of the pass, used or not."""
        first = self.start_s if np.isnan(self.first_s) else min(self.first_s, self.start_s)
        last = self.end_s if np.isnan(self.last_s) else max(self.last_s, self.end_s)
        return first, last

    @property
    def cadence_spm(self) -> float:
        return 60.0 / self.step_s


def _step_numbers(times_s: np.ndarray, step_s: float) -> np.ndarray:
    """Step numbers for sorted instants: each instant is numbered from the first instant of the
    number before it, round(interval / step) steps on (a missed instant leaves a gap); one less than
    STEP_TOLERANCE[0] of a step after it shares its number (no step is that short: it was found
    twice, or one of the two is spurious, and `_fit_pass` keeps the one nearer the line). Counted
    from the previous instant instead, a spurious one would move every number after it by one."""
    num = np.zeros(len(times_s))
    anchor = times_s[0] if len(times_s) else 0.0
    for i in range(1, len(times_s)):
        x = (times_s[i] - anchor) / step_s
        jump = 0.0 if x < STEP_TOLERANCE[0] else max(1.0, float(np.rint(x)))
        num[i] = num[i - 1] + jump
        if jump:
            anchor = times_s[i]
    return num


def _line_fit(num: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    """(slope, its standard error) of the least-squares line of t against num."""
    coef = np.polyfit(num, t, 1)
    resid = t - np.polyval(coef, num)
    spread = float(np.sum((num - num.mean()) ** 2))
    se = float(np.sqrt(np.sum(resid**2) / max(1, t.size - 2) / spread)) if spread > 0 else float("inf")
    return float(coef[0]), se


def pace_parts(times_s: np.ndarray, step_s: float) -> list[np.ndarray]:
    """A pass's sorted step instants split where the pace changes (binary segmentation, then merging):
    split at the instant where the two sides' fitted step times differ the most in standard errors,
    recursively (`_split_at_pace_changes`); then, while two neighbouring parts are not distinct paces
    (step times within PACE_CHANGE or within three standard errors of each other, or either part
    irregular: its instants' timing scatters by more than PACE_REGULARITY of a step
    (`_timing_scatter`), as a run of spurious or missed contacts does and a new pace does not), the
    most alike pair is joined again. Each part spans at least PACE_MIN_STEPS steps; neighbours share
    the instant between them. Splitting before judging lets a run of several paces (the issue's 163
    to 236 steps/min in five) be cut where a single line through either half would be no pace at
    all."""
    return _merge_alike(_split_at_pace_changes(times_s, step_s, PACE_SPLIT_DEPTH), step_s)


def _split_at_pace_changes(times_s: np.ndarray, step_s: float, depth: int) -> list[np.ndarray]:
    """`pace_parts`'s splitting: at the instant where the step times fitted to the two sides differ
    the most in standard errors (more than three), each side at least PACE_MIN_STEPS steps, `depth`
    levels down."""
    n = times_s.size
    if depth <= 0 or n < 2 * PACE_MIN_STEPS + 1:
        return [times_s]
    num = _step_numbers(times_s, step_s)
    best: tuple[float, int] | None = None
    for k in range(PACE_MIN_STEPS, n - PACE_MIN_STEPS):
        # The instant at k belongs to both parts (it ends one pace and starts the next).
        z = _pace_difference(_line_fit(num[: k + 1], times_s[: k + 1]), _line_fit(num[k:], times_s[k:]))
        if z > 3.0 and (best is None or z > best[0]):
            best = (z, k)
    if best is None:
        return [times_s]
    k = best[1]
    return _split_at_pace_changes(times_s[: k + 1], step_s, depth - 1) + _split_at_pace_changes(
        times_s[k:], step_s, depth - 1
    )


def _pace_difference(a: tuple[float, float], b: tuple[float, float]) -> float:
    """How many standard errors apart two fitted step times ((slope, se) of `_line_fit`) are; 0
    when either is not a forward step time."""
    if a[0] <= 0 or b[0] <= 0:
        return 0.0
    return abs(a[0] - b[0]) / max(float(np.hypot(a[1], b[1])), MIN_STEP_SE_S)


def _timing_scatter(num: np.ndarray, t: np.ndarray) -> float:
    """How much a part's instants `t` (s; step numbers `num`) scatter in time (s): the robust spread
    of its per-step intervals over sqrt 2 (each interval carries two instants' errors), so a steady
    drift of pace within the part does not count, as it would in the residuals of one line (two
    alike paces joined then look irregular, and their irregularity joined them to a third pace 30%
    slower). Infinite with fewer than three intervals."""
    steps = np.diff(num)
    ok = steps > 0
    per_step = np.diff(t)[ok] / steps[ok]
    if per_step.size < 3:
        return float("inf")
    return float(1.4826 * np.median(np.abs(per_step - np.median(per_step))) / np.sqrt(2.0))


def _merge_alike(parts: list[np.ndarray], step_s: float) -> list[np.ndarray]:
    """`pace_parts`'s merging: neighbouring parts that are not distinct paces joined, the most alike
    pair (fewest standard errors apart) first, until every neighbouring pair is distinct."""
    parts = list(parts)
    while len(parts) > 1:
        nums = [_step_numbers(p, step_s) for p in parts]
        fits = [_line_fit(n, p) for n, p in zip(nums, parts, strict=True)]
        scatter = [_timing_scatter(n, p) for n, p in zip(nums, parts, strict=True)]
        alike: list[tuple[float, int]] = []
        for i in range(len(parts) - 1):
            sa, sb = fits[i][0], fits[i + 1][0]
            z = _pace_difference(fits[i], fits[i + 1])
            regular = scatter[i] <= PACE_REGULARITY * sa and scatter[i + 1] <= PACE_REGULARITY * sb
            if not (regular and z > 3.0 and abs(sa / sb - 1) > PACE_CHANGE):
                alike.append((z, i))
        if not alike:
            break
        _, i = min(alike)
        parts[i : i + 2] = [np.concatenate([parts[i], parts[i + 1][1:]])]
    return parts


def _fit_pass(seg_t: np.ndarray, step_s: float) -> tuple[GaitPass, np.ndarray] | None:
    """One pass's step time fitted by least squares of time against step number, refitted without
    the instants more than PASS_OUTLIER_STEPS step off the line (and, of two instants sharing a step
    number, without the one further off): (the pass, the mask of instants used), or None."""
    if seg_t.size < 3:
        return None
    num = _step_numbers(seg_t, step_s)
    keep = np.ones(seg_t.size, dtype=bool)
    coef = None
    for _ in range(4):
        if keep.sum() < 3 or np.ptp(num[keep]) < 2:
            coef = None
            break
        coef = np.polyfit(num[keep], seg_t[keep], 1)
        resid = np.abs(seg_t - np.polyval(coef, num))
        new_keep = resid <= PASS_OUTLIER_STEPS * step_s
        for k in np.unique(num):  # an instant found twice: keep the one nearer the line
            same = np.flatnonzero(num == k)
            if same.size > 1:
                new_keep[same[same != same[np.argmin(resid[same])]]] = False
        if np.array_equal(new_keep, keep):
            break
        keep = new_keep
    if coef is None or keep.sum() < 3 or coef[0] <= 0:
        return None
    used, k = seg_t[keep], num[keep]
    resid = used - np.polyval(coef, k)
    se = float(np.sqrt(np.sum(resid**2) / max(1, used.size - 2) / np.sum((k - k.mean()) ** 2)))
    found = GaitPass(
        float(used[0]),
        float(used[-1]),
        int(np.ptp(k)),
        float(coef[0]),
        int(keep.sum()),
        int((~keep).sum()),
        se,
        first_s=float(seg_t[0]),
        last_s=float(seg_t[-1]),
    )
    return found, keep


def gait_passes(times_s: list[float], step_s: float, split_pace: bool = True) -> list[GaitPass]:
    """Passes of steady gait from step instants (contacts, or mid stances) and the clip's step period
    `step_s`: the instants are split at pauses (more than PASS_GAP_STEPS steps, or two missed steps in
    a row), numbered by step, and in each pass the step time is the slope of a least-squares line
    through (step number, time), refitted without the instants more than PASS_OUTLIER_STEPS step off
    it (and, of two instants sharing a step number, without the one further off). Every instant
    weighs in, so one contact found a frame or two off at either end of a pass (entering or leaving
    the frame, before a turn) moves the cadence far less than in steps / (last - first). Passes
    spanning fewer than two steps are left out. A pass whose pace changes is split there (`pace_parts`)."""
    if not np.isfinite(step_s) or step_s <= 0 or len(times_s) < 3:
        return []
    t = np.sort(np.asarray(times_s, float))
    numbers = _step_numbers(t, step_s)
    cuts = np.flatnonzero((np.diff(t) > PASS_GAP_STEPS * step_s) | (np.diff(numbers) > 2)) + 1
    passes: list[GaitPass] = []
    for seg in np.split(t, cuts):
        follows = False  # whether the part before, within this pause-free stretch, was kept
        for part in pace_parts(seg, step_s) if split_pace else [seg]:
            fitted = _fit_pass(part, step_s)
            if fitted is not None:
                passes.append(replace(fitted[0], after_pace_change=follows))
            follows = fitted is not None
    return passes


def pooled_cadence(passes: list[GaitPass]) -> tuple[float, int, float]:
    """(cadence in steps/min counting both feet, steps, seconds): the fitted step times of all
    passes (and clocks) combined by inverse-variance weighting (each fit's weight 1 / its standard
    error squared, floored at MIN_STEP_SE_S), so a series of jittery instants counts less than a
    regular one; seconds = steps x that step time."""
    if not passes:
        return float("nan"), 0, 0.0
    w = np.array([1.0 / max(p.step_se_s, MIN_STEP_SE_S) ** 2 for p in passes])
    step_s = float(np.sum(w * np.array([p.step_s for p in passes])) / np.sum(w))
    steps = sum(p.steps for p in passes)
    return 60.0 / step_s, steps, steps * step_s


def pooled_cadence_se(passes: list[GaitPass]) -> float:
    """The standard error (steps/min) of `pooled_cadence`: that of the inverse-variance weighted step
    time, 1 / sqrt(sum of the weights), widened by the Birge ratio sqrt(chi2 / (k - 1)) when the k
    fits scatter about their mean more than their own standard errors allow (clocks that disagree:
    the spread between them is then the better measure). NaN without fits."""
    if not passes:
        return float("nan")
    se = np.array([max(p.step_se_s, MIN_STEP_SE_S) for p in passes])
    step = np.array([p.step_s for p in passes])
    w = 1.0 / se**2
    mean = float(np.sum(w * step) / np.sum(w))
    pooled = 1.0 / float(np.sqrt(np.sum(w)))
    if len(passes) >= 2:
        birge = float(np.sqrt(np.sum(w * (step - mean) ** 2) / (len(passes) - 1)))
        pooled *= max(1.0, birge)
    return 60.0 / mean**2 * pooled


@dataclass(frozen=True)
class CadenceEstimate:
    """cadence_spm: steps/min (both feet), pooled over the passes and the clocks, and its standard
    error se_spm (`pooled_cadence_se`); steps: steps spanned by the primary clock's passes; passes:
    per pass, its span, steps, the cadence by each clock and the pooled one with its standard error
    (JSON-ready)."""

    cadence_spm: float
    steps: int
    passes: list[dict[str, Any]]
    se_spm: float = float("nan")


def cadence_by_pass(clocks: dict[str, list[float]], primary: str, step_s: float) -> CadenceEstimate:
    """Cadence per pass of steady gait. `clocks`: name -> instants (s) that each mark every step
    (contacts, the pelvis's lowest points, its highest points); passes are found on the `primary`
    clock (split at pauses such as a turn, `gait_passes`). Within each pass the steady part runs
    from one fitted step after its first primary instant to one before its last (when it spans at
    least STEADY_MIN_STEPS; else the whole pass), widened by PASS_MARGIN_STEPS; each clock's
    instants there are fitted by least squares (step time = slope of time against step number); a
    clock further than CLOCK_AGREEMENT from the clocks' median is left out, and the rest are combined
    by inverse-variance weighting (`pooled_cadence`). Several independent clocks, and every
    instant rather than the first and the last, keep a few mis-placed instants from biasing it."""
    primary_t = np.sort(np.asarray(clocks[primary], float))
    passes = gait_passes(primary_t.tolist(), step_s)
    done = [_pass_cadence(p, clocks, step_s) for p in passes]
    # A pace change is split on the primary clock alone; it stands only where the parts' cadences
    # from every agreeing clock differ by PACE_CHANGE too (one contact a frame or two off at the
    # joint tilts both parts' lines the opposite ways: a steady run split in two).
    k = 0
    while k + 1 < len(passes):
        a, b = done[k][0].get("cadence_spm"), done[k + 1][0].get("cadence_spm")
        if passes[k + 1].after_pace_change and a and b and abs(a / b - 1) <= PACE_CHANGE:
            inside = primary_t[(primary_t >= passes[k].span_s[0]) & (primary_t <= passes[k + 1].span_s[1])]
            fitted = _fit_pass(inside, step_s)
            if fitted is not None:
                merged = replace(fitted[0], after_pace_change=passes[k].after_pace_change)
                passes[k : k + 2] = [merged]
                done[k : k + 2] = [_pass_cadence(merged, clocks, step_s)]
                continue
        k += 1
    table = [row for row, _ in done]
    fits = [f for _, pass_fits in done for f in pass_fits]
    return CadenceEstimate(
        pooled_cadence(fits)[0] if fits else float("nan"),
        sum(p.steps for p in passes),
        table,
        pooled_cadence_se(fits),
    )


def _pass_cadence(p: GaitPass, clocks: dict[str, list[float]], step_s: float) -> tuple[dict[str, Any], list[GaitPass]]:
    """One pass of `cadence_by_pass`: its table row (span, steady part, each clock's cadence, the
    clocks used, the pooled cadence and its standard error) and the agreeing clocks' fits."""
    trim = p.step_s if p.steps >= STEADY_MIN_STEPS else 0.0
    first, last = p.span_s
    a, b = first + trim - PASS_MARGIN_STEPS * p.step_s, last - trim + PASS_MARGIN_STEPS * p.step_s
    row: dict[str, Any] = {
        "start_s": round(p.start_s, 3),
        "end_s": round(p.end_s, 3),
        "steps": p.steps,
        "steady_from_s": round(max(a, first), 3),
        "steady_to_s": round(min(b, last), 3),
    }
    by_clock = {
        name: gait_passes([t for t in instants if a <= t <= b], step_s, split_pace=False)
        for name, instants in clocks.items()
    }
    by_clock = {name: sub for name, sub in by_clock.items() if sub}
    for name in clocks:
        row[f"cadence_{name}_spm"] = rounded(pooled_cadence(by_clock[name])[0]) if name in by_clock else None
    # Consensus: a clock that disagrees with the clocks' median by more than CLOCK_AGREEMENT is
    # left out (e.g. the pelvis's bounce blurred by glare, or contacts scattered by noisy feet).
    rates = {name: pooled_cadence(sub)[0] for name, sub in by_clock.items()}
    median = float(np.median(list(rates.values()))) if rates else float("nan")
    agreeing = [name for name, v in rates.items() if abs(v / median - 1) <= CLOCK_AGREEMENT]
    row["clocks_used"] = agreeing
    pass_fits = [f for name in agreeing for f in by_clock[name]]
    row["cadence_spm"] = rounded(pooled_cadence(pass_fits)[0]) if pass_fits else None
    row["cadence_se_spm"] = rounded(pooled_cadence_se(pass_fits), 2) if pass_fits else None
    return row, pass_fits
