"""Steps of a rear or front view: an instant at about mid stance per step, its foot, and the stance
foot's contact and toe-off where observed.

From behind (or in front) the feet move up and down rather than forwards and back, and a runner
going away from the camera (or coming towards it) changes size by a large factor. Steps are found
from three signals, each measured relative to the runner's own body size frame by frame:
the pelvis's vertical oscillation (one minimum and one maximum per step), the alternating height
of the two feet (one cycle per stride; the lower foot is the stance foot) and the lateral sway of
the pelvis towards the stance leg (one cycle per stride). Their common period comes from a
combined autocorrelation; step instants are the pelvis minima (a runner is lowest at mid stance;
a walker, who vaults over the stance leg, highest: the maxima), completed where the pelvis is
flat by the feet's alternation extremes (shifted by their median phase offset); each instant's
foot is voted by the feet's heights and the sway, then made to alternate.

Contact and toe-off are where the stance foot's height above a local ground line enters and leaves
the bottom 15% of its range, or twice the height's own noise where that is more (approximate,
marked as such in the results).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ...landmarks import Landmark as L
from ...masks import true_runs
from ...sequence import PoseSequence
from .events import GaitEvent, label_alternating
from .periodicity import Periodicity, autocorrelation
from .signals import (
    FEET,
    LEG_IDS,
    hip_centre,
    interior_peaks,
    nan_reduce,
    parabolic_vertex,
    robust_range,
    time_at_row,
)
from .thresholds import (
    FRONTAL_GROUND_BAND,
    FRONTAL_MIN_SIGNAL_PERIODICITY,
    FRONTAL_PROMINENCE_FRACTION,
    FRONTAL_UPRIGHT_TRUNKS,
    MIN_STEP_PERIOD_S,
    OCTAVE_SHARE,
    STEP_TOLERANCE,
)


@dataclass(frozen=True)
class FrontalSignals:
    """Rear/front-view signals, each (T,), NaN where not seen.

    size_px: body size in pixels, the trunk length (shoulder centre to hip centre) smoothed in log
    over a stride; pelvis: the hip centre's height, detrended over one step, / size (+ = up);
    alternation: (left foot image y - right foot image y) / size, detrended over a stride (+ = the
    left foot lower, i.e. the right foot lifted); sway: the hip centre's image x, detrended over a
    stride, / size (+ = image right); path_x: the hip centre's trend line (image x, pixels);
    height: per foot, the lowest foot point's height above the local ground line / size;
    step_rows: the step period used for the windows (rows); observed: (T,) bool, rows the pose model
    saw (the others were filled in by the cleaning: no extremum is located next to them)."""

    size_px: np.ndarray
    pelvis: np.ndarray
    alternation: np.ndarray
    sway: np.ndarray
    path_x: np.ndarray
    height: dict[str, np.ndarray]
    step_rows: float
    observed: np.ndarray


def local_line(x: np.ndarray, width: float) -> np.ndarray:
    """(T,) the value at each row of a straight line fitted (least squares) to the finite samples of
    `x` in a window of `width` rows centred on the row; at the ends of each finite stretch the window
    is shifted inward to keep its width, so a trend is followed to the ends. In the interior this is
    the centred moving average (which removes an oscillation whose period is the width exactly).
    NaN where x is NaN or the stretch is shorter than half the width."""
    n = len(x)
    out = np.full(n, np.nan)
    w = max(3, int(round(width)))
    for start, stop in true_runs(np.isfinite(x)):
        if stop - start < max(3, w // 2):
            continue
        # Window sums from prefix sums (times relative to the stretch's start, to keep them small).
        i = np.arange(start, stop)
        a = np.maximum(start, np.minimum(i - w // 2, stop - w))
        b = np.minimum(stop, a + w)
        t = np.arange(stop - start, dtype=float)
        y = x[start:stop]
        sums = [np.concatenate([[0.0], np.cumsum(v)]) for v in (np.ones_like(t), t, y, t * t, t * y)]
        s0, st, sy, stt, sty = (c[b - start] - c[a - start] for c in sums)
        tm, ym = st / s0, sy / s0
        var = stt - s0 * tm * tm
        cov = sty - s0 * tm * ym
        slope = np.divide(cov, var, out=np.zeros_like(var), where=var > 1e-12)
        out[start:stop] = ym + slope * (t - tm)
    return out


def frontal_signals(seq: PoseSequence, step_rows: float, observed: np.ndarray | None = None) -> FrontalSignals:
    """The rear/front-view signals of `seq` (pixels, y down) for a step period of `step_rows`;
    `observed`: (T,) bool rows seen by the model (default: all)."""
    n = len(seq)
    hip = hip_centre(seq)
    trunk = np.linalg.norm(seq.midpoint(L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - hip, axis=1)
    ankles_below = seq.midpoint(L.LEFT_ANKLE, L.RIGHT_ANKLE)[:, 1] - hip[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        valid = np.isfinite(trunk) & (trunk > 0) & (ankles_below > FRONTAL_UPRIGHT_TRUNKS * trunk)
        size = np.exp(local_line(np.where(valid, np.log(np.where(valid, trunk, 1.0)), np.nan), 2 * step_rows))
    foot_y = {f: nan_reduce(np.nanmean, seq.xy[:, list(LEG_IDS[f][2:]), 1], axis=1) for f in FEET}
    lowest = {f: nan_reduce(np.nanmax, seq.xy[:, list(LEG_IDS[f][3:]), 1], axis=1) for f in FEET}
    for arr in (*foot_y.values(), *lowest.values()):
        arr[~valid] = np.nan
    hip_y = np.where(valid, hip[:, 1], np.nan)
    hip_x = np.where(valid, hip[:, 0], np.nan)
    pelvis = -(hip_y - local_line(hip_y, step_rows)) / size
    diff = foot_y["L"] - foot_y["R"]
    alternation = (diff - local_line(diff, 2 * step_rows)) / size
    path_x = local_line(hip_x, 2 * step_rows)
    sway = (hip_x - path_x) / size
    # Ground line: the lower foot's lowest point, 90th percentile over a stride (y down).
    both = np.fmax(lowest["L"], lowest["R"])
    ground = np.full(n, np.nan)
    half = max(1, int(round(step_rows)))
    for i in np.flatnonzero(np.isfinite(both)):
        chunk = both[max(0, i - half) : i + half + 1]
        ground[i] = np.percentile(chunk[np.isfinite(chunk)], 90)
    height = {f: (ground - lowest[f]) / size for f in FEET}
    seen = np.ones(n, dtype=bool) if observed is None else np.asarray(observed, dtype=bool)
    return FrontalSignals(size, pelvis, alternation, sway, path_x, height, float(step_rows), seen & valid)


def frontal_period(sig: FrontalSignals, timestamps_s: np.ndarray) -> tuple[Periodicity, dict[str, float]]:
    """The step period from the combined autocorrelation of the three signals: the pelvis repeats
    every step (+ correlation at one step), the feet's alternation and the sway every stride (-
    correlation at one step); each signal joins when its own periodicity at the best lag is above
    FRONTAL_MIN_SIGNAL_PERIODICITY. Searched within 0.6-1.6 x `sig.step_rows`. Also returns each
    signal's own step period (rows; NaN when it shows none)."""
    n = len(sig.pelvis)
    dt = float(np.median(np.diff(timestamps_s))) if n > 1 else 0.0
    lo, hi = max(2, int(np.floor(0.6 * sig.step_rows))), int(np.ceil(1.6 * sig.step_rows))
    parts = {"pelvis": (sig.pelvis, 1.0), "alternation": (sig.alternation, -1.0), "sway": (sig.sway, -1.0)}
    own: dict[str, float] = {}
    curves = []
    for name, (x, sign) in parts.items():
        ac = autocorrelation(x, hi + 1)
        score = sign * ac
        own[name] = float("nan")
        if not np.isfinite(score[lo : hi + 1]).any():
            continue
        k = lo + int(np.nanargmax(score[lo : hi + 1]))
        if score[k] > FRONTAL_MIN_SIGNAL_PERIODICITY and lo < k < hi:
            own[name] = parabolic_vertex(score, k)
            curves.append(score)
    amplitude = robust_range(np.abs(sig.alternation))
    if not curves:
        return Periodicity(float("nan"), float("nan"), 0.0, amplitude), own
    combined = nan_reduce(np.nanmean, np.stack(curves), axis=0)
    seg = combined[lo : hi + 1]
    if not np.isfinite(seg).any():
        return Periodicity(float("nan"), float("nan"), 0.0, amplitude), own
    k = lo + int(np.nanargmax(seg))
    step = parabolic_vertex(combined, k)
    return Periodicity(step, step * dt, float(max(0.0, combined[k])), amplitude), own


def _phase_offset(a: list[float], b: list[float], step_rows: float) -> float:
    """Median of (nearest a) - b over the instants b that have an a within half a step; 0 without
    at least two such pairs."""
    if not a:
        return 0.0
    arr = np.asarray(a)
    d = [float(arr[np.argmin(np.abs(arr - x))] - x) for x in b]
    d = [v for v in d if abs(v) < 0.5 * step_rows]
    return float(np.median(d)) if len(d) >= 2 else 0.0


def _observed_extrema(x: np.ndarray, step_rows: float, min_distance: float, observed: np.ndarray) -> list[float]:
    """Maxima of x (see `interior_peaks`, prominence FRONTAL_PROMINENCE_FRACTION of its robust
    range), located by a parabola fitted over +- a quarter step (at least +- 1 row: less sensitive
    to one noisy sample at a low frame rate than three points); an extremum with an unobserved row
    in that support (filled in by the cleaning) is dropped: its place is not known."""
    prom = FRONTAL_PROMINENCE_FRACTION * robust_range(x)
    if prom <= 0:
        return []
    half = max(1, int(round(0.25 * step_rows)))
    out = []
    for r in interior_peaks(x, min_distance, prom):
        k = int(round(r))
        a, b = k - half, k + half + 1
        if a < 0 or b > len(x) or not observed[a:b].all() or not np.isfinite(x[a:b]).all():
            continue
        t = np.arange(a, b, dtype=float)
        c2, c1, _ = np.polyfit(t - k, x[a:b], 2)
        out.append(float(k + np.clip(-c1 / (2 * c2), -half, half)) if c2 < 0 else r)
    return out


def frontal_midstances(
    sig: FrontalSignals, step_rows: float, view: str, vault: bool = False
) -> tuple[list[float], list[str], list[float], dict[str, int]]:
    """Step instants (fractional rows, sorted) at about mid stance, their feet, the pelvis's other
    extremes (another instant per step, for the cadence) and how many instants came from each signal.
    A runner's pelvis is lowest at mid stance (a bounce), a walker's highest (`vault`: a vault over
    the stance leg; Cavagna et al. 1977), so the pelvis minima (maxima with `vault`) are the
    instants; the alternation's extremes (the swing foot highest, also about the other foot's mid
    stance), shifted by their median offset from those instants, fill in
    where a step is missing: at least STEP_TOLERANCE[0] steps (the shortest interval that counts as
    a step) from every other instant, since a fill closer than that makes an irregular half step
    and breaks the run of regular steps. Feet: the lower foot and the side the pelvis sways to vote
    at each instant; the alternating pattern with more votes wins."""
    mid_sign = 1.0 if vault else -1.0
    pelvis = _observed_extrema(mid_sign * sig.pelvis, step_rows, 0.6 * step_rows, sig.observed)
    highs = _observed_extrema(-mid_sign * sig.pelvis, step_rows, 0.6 * step_rows, sig.observed)
    alt = sorted(
        _observed_extrema(sig.alternation, step_rows, 1.2 * step_rows, sig.observed)
        + _observed_extrema(-sig.alternation, step_rows, 1.2 * step_rows, sig.observed)
    )
    offset = _phase_offset(pelvis, alt, step_rows)
    merged = list(pelvis)
    added = 0
    n = len(sig.pelvis)
    for r in alt:
        s = r + offset
        if (
            0 <= s <= n - 1
            and np.isfinite(sig.size_px[int(round(s))])
            and (not merged or np.min(np.abs(np.asarray(merged) - s)) > STEP_TOLERANCE[0] * step_rows)
        ):
            merged.append(s)
            added += 1
    merged.sort()
    # Votes: + = left foot in stance. The left foot lower (alternation > 0); the pelvis over the
    # stance leg: the runner's left is the image's left from behind, the image's right from the front.
    a_scale = float(np.nanstd(sig.alternation)) or 1.0
    s_scale = float(np.nanstd(sig.sway)) or 1.0
    side = -1.0 if view == "rear" else 1.0
    vote = np.nan_to_num(sig.alternation / a_scale) + 0.5 * side * np.nan_to_num(sig.sway / s_scale)
    feet = label_alternating(merged, {"L": vote, "R": -vote}, True, step_rows)
    return merged, feet, highs, {"pelvis": len(pelvis), "alternation": added, "pelvis_highs": len(highs)}


def height_noise(h: np.ndarray) -> float:
    """The landmark noise (standard deviation, h's unit) of a foot-height series, from its second
    differences (robust: 1.4826 x their median absolute deviation, / sqrt(6) for white noise), which a
    foot's smooth lift barely moves at a phone's frame rate; 0 with fewer than 5 finite samples."""
    d2 = np.diff(h[np.isfinite(h)], 2)
    if d2.size < 3:
        return 0.0
    return float(1.4826 * np.median(np.abs(d2 - np.median(d2))) / np.sqrt(6.0))


def _band_crossing(h: np.ndarray, row: float, level: float, limit: float, forward: bool) -> float | None:
    """From `row` (foot on the ground: h <= level) walk back (or forward) to where the foot height
    `h` rises above `level`; the crossing row by linear interpolation, None when not found within
    `limit` rows or the signal is missing on the way."""
    k = int(round(row))
    step = 1 if forward else -1
    n = len(h)
    for _ in range(int(np.ceil(limit))):
        j = k + step
        if not (0 <= j < n) or not (np.isfinite(h[k]) and np.isfinite(h[j])):
            return None
        if h[j] > level:
            return k + step * (level - h[k]) / (h[j] - h[k])
        k = j
    return None


@dataclass(frozen=True)
class FrontalStep:
    """One step in a rear/front view, centred on its mid stance: `midstance` (pelvis lowest; highest in a walk),
    `contact` / `toe_off` of the stance foot from its height above the ground (None when not
    observed), `next_midstance_s` (the next step's mid stance when it is of the other foot and
    regular, else None). step_s: mid stance to the next mid stance."""

    index: int
    foot: str
    midstance: GaitEvent
    contact: GaitEvent | None
    toe_off: GaitEvent | None
    next_midstance_s: float | None

    @property
    def step_s(self) -> float | None:
        return None if self.next_midstance_s is None else self.next_midstance_s - self.midstance.time_s

    @property
    def contact_s(self) -> float | None:
        if self.contact is None or self.toe_off is None:
            return None
        return self.toe_off.time_s - self.contact.time_s


def frontal_steps(
    sig: FrontalSignals,
    timestamps_s: np.ndarray,
    step_rows: float,
    view: str,
    band: float = FRONTAL_GROUND_BAND,
    vault: bool = False,
) -> tuple[list[FrontalStep], list[float], list[float | None], dict[str, int]]:
    """Steps of a rear/front view (see `frontal_midstances`), with contact and toe-off of each
    stance foot where its height above the ground line crosses the bottom `band` of its range over
    the surrounding stride, or twice its noise (`height_noise`) where that is more (within one step
    of the mid stance). Also the pelvis's other extremes (highest points; lowest with `vault`, a
    walker) as (time, next time when regular, else None) for the cadence, and the instants' sources."""
    rows, feet, highs, sources = frontal_midstances(sig, step_rows, view, vault)
    steps: list[FrontalStep] = []
    step_s = step_rows * (float(np.median(np.diff(timestamps_s))) if len(timestamps_s) > 1 else 0.0)
    mids = [time_at_row(r, timestamps_s) for r in rows]
    high_s = [time_at_row(r, timestamps_s) for r in highs]
    for i, (r, f) in enumerate(zip(rows, feet, strict=False)):
        h = sig.height[f]
        a, b = max(0, int(np.floor(r - step_rows))), min(len(h), int(np.ceil(r + step_rows)) + 1)
        window = h[a:b]
        contact = toe_off = None
        if np.isfinite(window).sum() >= 3 and np.isfinite(h[int(round(r))]):
            lo_h, hi_h = float(np.nanmin(window)), float(np.nanmax(window))
            level = lo_h + max(band * (hi_h - lo_h), 2.0 * height_noise(window))
            if h[int(round(r))] <= level and hi_h > lo_h:
                c = _band_crossing(h, r, level, step_rows, forward=False)
                t = _band_crossing(h, r, level, step_rows, forward=True)
                contact = GaitEvent(time_at_row(c, timestamps_s), c, f, "contact") if c is not None else None
                toe_off = GaitEvent(time_at_row(t, timestamps_s), t, f, "toe_off") if t is not None else None
        nxt = None
        if (
            i + 1 < len(rows)
            and feet[i + 1] != f
            and STEP_TOLERANCE[0] * step_s < mids[i + 1] - mids[i] < STEP_TOLERANCE[1] * step_s
        ):
            nxt = mids[i + 1]
        steps.append(FrontalStep(len(steps) + 1, f, GaitEvent(mids[i], r, f, "midstance"), contact, toe_off, nxt))
    regular = [
        b if STEP_TOLERANCE[0] * step_s < b - a < STEP_TOLERANCE[1] * step_s else None
        for a, b in itertools.pairwise(high_s)
    ]
    return steps, high_s[:-1], regular, sources


@dataclass(frozen=True)
class FrontalDetection:
    """Rear/front-view step detection: the signals, the combined period, each signal's own step
    period (rows), the steps, the events (mid stances, contacts, toe-offs, sorted), how many step
    instants came from each signal, the camera roll estimate (deg, + = image right side lower) and
    whether the steps were timed as a walker's (`vault`: at the pelvis's highest points, `highs_s`
    then holding its lowest)."""

    signals: FrontalSignals
    period: Periodicity
    own_rows: dict[str, float]
    steps: list[FrontalStep]
    highs_s: list[float]
    highs_next_s: list[float | None]
    events: list[GaitEvent]
    sources: dict[str, int]
    roll_deg: float
    view: str
    vault: bool = False


def hip_line_deg(seq: PoseSequence) -> np.ndarray:
    """(T,) angle of the line from the image-left hip to the image-right hip, deg from the image
    horizontal; + = the image-right hip lower."""
    lh, rh = seq.xy[:, L.LEFT_HIP], seq.xy[:, L.RIGHT_HIP]
    left_first = lh[:, 0] <= rh[:, 0]
    a = np.where(left_first[:, None], lh, rh)
    b = np.where(left_first[:, None], rh, lh)
    return np.degrees(np.arctan2(b[:, 1] - a[:, 1], b[:, 0] - a[:, 0]))


def frontal_periodicity(
    seq: PoseSequence, seed_rows: float, observed: np.ndarray | None = None
) -> tuple[FrontalSignals, Periodicity, dict[str, float]]:
    """The signals and the combined step period (see `frontal_period`) of a rear/front view, from
    the separation-based step period `seed_rows`. The feet's height difference seen from behind is
    a weak signal: its autocorrelation can take the stride, or half a step, for the step (the octave
    ambiguity that `periodicity.fundamental_lag` settles by a sign that noise can flip). The
    combined signals show the step more clearly, so the seed, half of it and twice it are each
    tried (those of at least MIN_STEP_PERIOD_S and at most a third of the clip), each with signals
    built for its seed and rebuilt once with the period found. A cyclic signal also repeats at
    every multiple of its period, so the shortest period found whose periodicity is at least
    OCTAVE_SHARE of the strongest wins (as `periodicity.step_periodicity` chooses its peak)."""
    ts = seq.timestamps_s
    n = len(seq)
    dt = float(np.median(np.diff(ts))) if n > 1 else 0.0
    min_rows = MIN_STEP_PERIOD_S / dt if dt > 0 else 0.0
    found: list[tuple[FrontalSignals, Periodicity, dict[str, float]]] = []
    for seed in (seed_rows, 0.5 * seed_rows, 2.0 * seed_rows):
        if found and not (min_rows <= seed <= n / 3):
            continue
        sig = frontal_signals(seq, seed, observed)
        period, own = frontal_period(sig, ts)
        if np.isfinite(period.step_rows):
            sig = frontal_signals(seq, period.step_rows, observed)
            period, own = frontal_period(sig, ts)
        found.append((sig, period, own))
    usable = [f for f in found if np.isfinite(f[1].step_rows) and f[1].step_rows >= min_rows]
    if not usable:
        return found[0]
    strongest = max(f[1].strength for f in usable)
    return min((f for f in usable if f[1].strength >= OCTAVE_SHARE * strongest), key=lambda f: f[1].step_rows)


def detect_frontal(
    seq: PoseSequence, per: Periodicity, view: str, observed: np.ndarray | None = None, vault: bool = False
) -> FrontalDetection:
    """Steps of a rear/front view (see the module docstring), with the step period from
    `frontal_periodicity` seeded by the separation-based period `per`; `vault`: a walker's steps,
    timed at the pelvis's highest points (see `frontal_midstances`)."""
    ts = seq.timestamps_s
    sig, period, own = frontal_periodicity(seq, per.step_rows, observed)
    step_rows = period.step_rows if np.isfinite(period.step_rows) else per.step_rows
    steps, highs, highs_next, sources = frontal_steps(sig, ts, step_rows, view, vault=vault)
    events = [s.midstance for s in steps] + [e for s in steps for e in (s.contact, s.toe_off) if e is not None]
    line = hip_line_deg(seq)[np.isfinite(sig.size_px)]
    roll = float(np.nanmedian(line)) if np.isfinite(line).any() else 0.0
    return FrontalDetection(
        sig, period, own, steps, highs, highs_next, sorted(events, key=lambda e: e.time_s), sources, roll, view, vault
    )
