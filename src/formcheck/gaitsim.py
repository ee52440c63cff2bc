"""A synthetic gait generator: a stick figure running or walking with known timing, seen from the
side, the rear or the front, returned as a `PoseSequence` (pixels, y down) plus its ground truth.

Used by the tests and by `bench/running_accuracy.py` to measure event timing, cadence and metric
accuracy against values known by construction. The body is built in 3-D body coordinates
(forward, lateral, up; centimetres) and projected orthographically.

Timing model (per foot, stride time T = 120 / cadence_spm s): initial contact at t_c, toe-off at
t_c + contact_s. During stance the ankle moves straight backwards along the ground relative to the
pelvis (belt or ground speed); in swing it returns forward on a smooth arc, so the ankle is most
anterior relative to the pelvis exactly at contact and the toe most posterior exactly at toe-off
(the premise of coordinate-based event detection, Zeni et al. 2008).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .calibrate import SHANK_FRACTION, THIGH_FRACTION, TRUNK_FRACTION
from .landmarks import NUM_LANDMARKS
from .landmarks import Landmark as L
from .sequence import PoseSequence


@dataclass(frozen=True)
class GaitSpec:
    """What to simulate.

    cadence_spm: steps per minute (both feet); contact_ms: ground contact per step; trunk_lean_deg:
    forward lean of the trunk from vertical; vertical_oscillation_cm: pelvis peak-to-peak per step;
    overstride_cm: ankle ahead of the hip at contact; strike_angle_deg: foot angle at contact
    (positive = toes up, heel first); fps: frames per real second; view: 'side', 'rear' or 'front';
    facing: +1 = runner faces image right (side view); overground: the runner crosses the frame
    at `speed_m_s` (else stays in place, as on a treadmill); noise_px: Gaussian landmark noise;
    gaps: number of short occlusion gaps of the far leg; swaps: number of short left/right leg
    label swaps; swap_frames: length of each swap; step_width_cm, pelvic_drop_deg and sway_cm
    (lateral pelvis shift towards the stance leg, amplitude): frontal-plane features (rear/front
    views); recede: rear/front view, the runner runs away from (rear) or towards (front) a fixed
    camera at `speed_m_s` and is seen in perspective (pinhole camera at `camera_height_cm`, nearest
    distance `camera_distance_m`), so the figure shrinks or grows and moves in the image.
    swing_lift: how high the ankle rises in swing, as a share of the leg length (0.35 a jog; 0.6 and
    more a strong heel kick towards the buttock); far_leg_hidden: share of the frames in which the
    far leg (side view) is hidden behind the near one, as in a phone clip: the pose model then marks
    its landmarks with a low visibility and guesses them (here: the true positions with an error of
    3% of the leg length, in runs of about a step).
    """

    cadence_spm: float = 170.0
    contact_ms: float = 220.0
    duration_s: float = 6.0
    fps: float = 60.0
    trunk_lean_deg: float = 8.0
    vertical_oscillation_cm: float = 8.0
    overstride_cm: float = 15.0
    strike_angle_deg: float = 15.0
    stature_cm: float = 175.0
    px_per_cm: float = 4.0
    view: str = "side"
    facing: int = 1
    overground: bool = False
    speed_m_s: float = 3.0
    noise_px: float = 0.0
    gaps: int = 0
    swaps: int = 0
    swap_frames: int = 4
    step_width_cm: float = 8.0
    pelvic_drop_deg: float = 5.0
    knee_valgus_cm: float = 2.0
    sway_cm: float = 2.0
    recede: bool = False
    swing_lift: float = 0.35
    far_leg_hidden: float = 0.0
    camera_height_cm: float = 40.0
    camera_distance_m: float = 4.0
    seed: int = 0
    frame_size: tuple[int, int] = (1920, 1080)


@dataclass
class GaitTruth:
    """Ground truth: contact and toe-off times per foot (s), and the values the metrics should give."""

    contacts: dict[str, np.ndarray]
    toe_offs: dict[str, np.ndarray]
    cadence_spm: float
    contact_ms: float
    flight_ms: float
    trunk_lean_deg: float
    vertical_oscillation_cm: float
    overstride_cm: float
    knee_flexion_contact_deg: dict[str, np.ndarray] = field(default_factory=dict)
    swapped_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))


def _phase_events(spec: GaitSpec, foot_offset_s: float) -> tuple[np.ndarray, np.ndarray]:
    stride_s = 120.0 / spec.cadence_spm
    first = foot_offset_s - stride_s
    contacts = first + stride_s * np.arange(int(spec.duration_s / stride_s) + 3)
    return contacts, contacts + spec.contact_ms / 1000.0


def _foot_state(
    t: np.ndarray, contacts: np.ndarray, spec: GaitSpec, leg_cm: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ankle forward and height (cm, relative to a point under the hip at ground level), foot angle
    (deg, + = toes up) and a stance flag, for one foot."""
    stride_s = 120.0 / spec.cadence_spm
    contact_s = spec.contact_ms / 1000.0
    # Ground speed of the stance foot relative to the pelvis: a belt-speed-like constant.
    speed_cm_s = spec.speed_m_s * 100.0
    x_ic = spec.overstride_cm
    x_to = x_ic - speed_cm_s * contact_s
    k = np.searchsorted(contacts, t, side="right") - 1
    since = t - contacts[np.clip(k, 0, None)]
    stance = since < contact_s
    u_stance = np.clip(since / contact_s, 0, 1)
    u_swing = np.clip((since - contact_s) / (stride_s - contact_s), 0, 1)
    x = np.where(stance, x_ic + (x_to - x_ic) * u_stance, x_to + (x_ic - x_to) * (1 - np.cos(np.pi * u_swing)) / 2)
    lift_cm = spec.swing_lift * leg_cm  # heel recovery height in swing
    # Foot angle: strike angle at contact, flat by 25% of stance, heel rise to -25 deg by 85 %,
    # held through toe-off, back to the strike angle in mid swing.
    a = spec.strike_angle_deg
    ang_stance = np.interp(u_stance, [0, 0.25, 0.55, 0.85, 1.0], [a, 0, 0, -25, -25])
    ang_swing = np.interp(u_swing, [0, 0.2, 0.8, 1.0], [-25, -25, a, a])
    # Heel rise lifts the ankle while the foot pivots on the toes (foot length ~0.16 of leg + ankle).
    # Heel rise: the foot pivots about the toes, which stay on the ground (toe height 0 with the
    # foot geometry used in `simulate`: toe 0.10 H ahead of the ankle, ankle 0.039 H above the sole).
    H, ankle_h = spec.stature_cm, 0.039 * spec.stature_cm
    a_rise = np.radians(np.clip(-ang_stance, 0, None))
    heel_rise = ankle_h * np.cos(a_rise) - ankle_h + 0.10 * H * np.sin(a_rise)
    # Swing: the ankle starts from the heel-rise height and lifts at once (the toe leaves the ground
    # exactly at toe-off), then comes down to land with the heel first.
    rise_to = ankle_h * np.cos(np.radians(25.0)) - ankle_h + 0.10 * H * np.sin(np.radians(25.0))
    h = np.where(stance, heel_rise, rise_to * (1 - u_swing) + lift_cm * np.sin(np.pi * u_swing) * (1.2 - u_swing) / 1.2)
    return x, h, np.where(stance, ang_stance, ang_swing), stance


def _two_link_knee(hip: np.ndarray, ankle: np.ndarray, thigh: float, shank: float, bend: np.ndarray) -> np.ndarray:
    """Knee position (forward, up) of a planar two-link leg; `bend` is the knee's forward unit
    direction sign (+1 = knee points forward)."""
    d = ankle - hip
    dist = np.linalg.norm(d, axis=1)
    dist_c = np.clip(dist, 1e-6, thigh + shank - 1e-6)
    a = (thigh**2 - shank**2 + dist_c**2) / (2 * dist_c)
    hgt = np.sqrt(np.clip(thigh**2 - a**2, 0, None))
    unit = d / dist[:, None]
    perp = np.stack([-unit[:, 1], unit[:, 0]], axis=1)  # +90 deg: forward when the leg points down
    return hip + unit * a[:, None] + perp * (hgt * bend)[:, None]


def simulate(spec: GaitSpec) -> tuple[PoseSequence, GaitTruth]:
    """Simulate the gait in `spec`: the sequence (as the pose model would give it, before cleaning)
    and its ground truth."""
    rng = np.random.default_rng(spec.seed)
    n = int(round(spec.duration_s * spec.fps))
    t = np.arange(n) / spec.fps
    H = spec.stature_cm
    thigh, shank = THIGH_FRACTION * H, SHANK_FRACTION * H
    leg = thigh + shank
    ankle_h = 0.039 * H  # ankle joint height above the sole (Winter 2009)
    step_s = 60.0 / spec.cadence_spm
    contacts = {"L": _phase_events(spec, 0.1)[0], "R": _phase_events(spec, 0.1 + step_s)[0]}
    toe_offs = {f: c + spec.contact_ms / 1000.0 for f, c in contacts.items()}

    # Pelvis height, one cycle per step: a run bounces (lowest at mid stance, highest in mid flight),
    # a walk (contact longer than a step: double support) vaults over the stance leg (highest at
    # mid stance, lowest in double support; Cavagna et al. 1977).
    mid_stance0 = 0.1 + spec.contact_ms / 2000.0
    vault = 1.0 if spec.contact_ms > 1000.0 * step_s else -1.0
    osc = vault * spec.vertical_oscillation_cm / 2 * np.cos(2 * np.pi * (t - mid_stance0) / step_s)
    hip_h = 0.9 * leg + ankle_h + osc
    travel = (spec.speed_m_s * 100.0 * t) if spec.overground else np.zeros(n)

    pts = np.full((n, NUM_LANDMARKS, 3), np.nan)  # forward, lateral (+ = runner's left), up; cm
    # Lateral sway: the pelvis over the stance leg at mid stance (+ = the runner's left), one cycle per stride.
    sway = spec.sway_cm * np.cos(2 * np.pi * (t - mid_stance0) / (2 * step_s))
    hip_c = np.stack([travel, sway, hip_h], axis=1)
    lean = np.radians(spec.trunk_lean_deg)
    trunk = TRUNK_FRACTION * H
    half_hip, half_sh = 0.09 * H, 0.115 * H
    drop = np.radians(spec.pelvic_drop_deg)
    knee_flex_at: dict[str, np.ndarray] = {}
    stance_flags = {}
    for foot, sign, hip_id, knee_id, ank_id, heel_id, toe_id in (
        ("L", 1, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
        ("R", -1, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
    ):
        x, h, ang, stance = _foot_state(t, contacts[foot], spec, leg)
        stance_flags[foot] = stance
        hip = hip_c + np.array([0.0, sign * half_hip, 0.0])
        ankle = np.stack([travel + x, np.full(n, sign * spec.step_width_cm / 2), ankle_h + h], axis=1)
        knee_fu = _two_link_knee(hip[:, [0, 2]], ankle[:, [0, 2]], thigh, shank, np.ones(n))
        knee = np.stack([knee_fu[:, 0], np.full(n, sign * (half_hip - spec.knee_valgus_cm)), knee_fu[:, 1]], axis=1)
        # Knee position makes the thigh and shank the right length in 3-D only approximately in the
        # frontal plane; the sagittal projection is exact.
        ar = np.radians(ang)
        heel = ankle + np.stack(
            [-0.06 * H * np.cos(ar) + ankle_h * np.sin(ar), np.zeros(n), -0.06 * H * np.sin(ar) - ankle_h * np.cos(ar)],
            axis=1,
        )
        toe = ankle + np.stack(
            [0.10 * H * np.cos(ar) + ankle_h * np.sin(ar), np.zeros(n), 0.10 * H * np.sin(ar) - ankle_h * np.cos(ar)],
            axis=1,
        )
        for lid, p in ((hip_id, hip), (knee_id, knee), (ank_id, ankle), (heel_id, heel), (toe_id, toe)):
            pts[:, lid] = p
        v1, v2 = hip[:, [0, 2]] - knee_fu, ankle[:, [0, 2]] - knee_fu
        cosang = np.sum(v1 * v2, axis=1) / (np.linalg.norm(v1, axis=1) * np.linalg.norm(v2, axis=1))
        flex = 180.0 - np.degrees(np.arccos(np.clip(cosang, -1, 1)))
        knee_flex_at[foot] = np.interp(contacts[foot], t, flex, left=np.nan, right=np.nan)
    # Pelvic drop: the swing-side hip sits lower by the drop angle while the other foot is in stance.
    for foot, hip_id in (("L", L.LEFT_HIP), ("R", L.RIGHT_HIP)):
        other_stance = stance_flags["R" if foot == "L" else "L"]
        # A rotation about the pelvis centre (so the hip centre's height is unchanged): the swing
        # side goes down, the stance side up, each by half the hip width times sin(drop).
        pts[other_stance, hip_id, 2] -= half_hip * np.sin(drop)
        pts[stance_flags[foot], hip_id, 2] += half_hip * np.sin(drop)
    sh_c = hip_c + np.stack([np.full(n, trunk * np.sin(lean)), np.zeros(n), np.full(n, trunk * np.cos(lean))], axis=1)
    pelvis_depth = None
    if spec.view in ("rear", "front") and spec.recede:
        # World distance of the pelvis from the camera (cm): running away (rear) or towards (front).
        run_cm = spec.speed_m_s * 100.0 * t
        pelvis_depth = 100.0 * spec.camera_distance_m + (run_cm if spec.view == "rear" else run_cm[::-1])
    arm_phase = 2 * np.pi * (t - 0.1) / (2 * step_s)
    for sign, sh_id, el_id, wr_id, fingers in (
        (1, L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST, (L.LEFT_PINKY, L.LEFT_INDEX, L.LEFT_THUMB)),
        (-1, L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST, (L.RIGHT_PINKY, L.RIGHT_INDEX, L.RIGHT_THUMB)),
    ):
        sh = sh_c + np.array([0.0, sign * half_sh, 0.0])
        swing = np.radians(30.0) * np.cos(arm_phase + (np.pi if sign > 0 else 0.0))  # + = elbow back
        upper = 0.186 * H
        el = sh + np.stack([-upper * np.sin(swing), np.zeros(n), -upper * np.cos(swing)], axis=1)
        fore = swing - np.radians(90.0)  # elbow bent 90 deg, forearm pointing forward
        wr = el + np.stack([-0.146 * H * np.sin(fore), np.zeros(n), -0.146 * H * np.cos(fore)], axis=1)
        pts[:, sh_id], pts[:, el_id], pts[:, wr_id] = sh, el, wr
        for f in fingers:
            pts[:, f] = wr + (wr - el) * 0.3
    head = sh_c + np.stack([np.full(n, 0.13 * H * np.sin(lean)), np.zeros(n), np.full(n, 0.13 * H)], axis=1)
    face = {
        L.NOSE: (0.09, 0.0, 0.0),
        L.LEFT_EAR: (-0.02, 0.07, 0.0),
        L.RIGHT_EAR: (-0.02, -0.07, 0.0),
        L.LEFT_EYE: (0.08, 0.03, 0.03),
        L.RIGHT_EYE: (0.08, -0.03, 0.03),
        L.LEFT_EYE_INNER: (0.085, 0.015, 0.03),
        L.RIGHT_EYE_INNER: (0.085, -0.015, 0.03),
        L.LEFT_EYE_OUTER: (0.075, 0.045, 0.03),
        L.RIGHT_EYE_OUTER: (0.075, -0.045, 0.03),
        L.MOUTH_LEFT: (0.085, 0.02, -0.04),
        L.MOUTH_RIGHT: (0.085, -0.02, -0.04),
    }
    for lid, (fwd, lat, up) in face.items():
        pts[:, lid] = head + np.array([fwd * H, lat * H, up * H])

    seq = _project(pts, spec, pelvis_depth)
    truth = GaitTruth(
        contacts={f: c[(c >= 0) & (c <= t[-1])] for f, c in contacts.items()},
        toe_offs={f: c[(c >= 0) & (c <= t[-1])] for f, c in toe_offs.items()},
        cadence_spm=spec.cadence_spm,
        contact_ms=spec.contact_ms,
        flight_ms=60000.0 / spec.cadence_spm - spec.contact_ms,
        trunk_lean_deg=spec.trunk_lean_deg,
        vertical_oscillation_cm=spec.vertical_oscillation_cm,
        overstride_cm=spec.overstride_cm,
        knee_flexion_contact_deg={f: v[(contacts[f] >= 0) & (contacts[f] <= t[-1])] for f, v in knee_flex_at.items()},
    )
    truth.swapped_rows = _corrupt(seq, spec, rng)
    return seq, truth


def _project(pts: np.ndarray, spec: GaitSpec, pelvis_depth_cm: np.ndarray | None = None) -> PoseSequence:
    """Orthographic projection to pixels (y down), centred in the frame; depth and visibility from
    which side faces the camera. With `pelvis_depth_cm` (T,) (rear/front view of a runner going away
    or coming nearer), a pinhole projection instead: a point at distance d from a camera at
    `camera_height_cm` is scaled by px_per_cm x nearest distance / d, about a horizon at mid height."""
    n = pts.shape[0]
    w, h = spec.frame_size
    s = spec.px_per_cm
    fwd, lat, up = pts[..., 0], pts[..., 1], pts[..., 2]
    if spec.view == "side":
        x = spec.facing * fwd
        depth = spec.facing * lat  # facing right: the runner's left side is far from the camera... see below
        # Facing image-right, the camera sees the runner's right side: the left side is farther.
        depth = lat if spec.facing > 0 else -lat
    elif spec.view == "rear":
        x, depth = -lat, fwd  # seen from behind: the runner's left is on the image's left, forward is farther
    elif spec.view == "front":
        x, depth = lat, -fwd  # seen from the front: forward is nearer
    else:
        raise ValueError(f"unknown view {spec.view!r}")
    x0 = (
        w / 2 - s * np.nanmean(x[:, [L.LEFT_HIP, L.RIGHT_HIP]])
        if not spec.overground
        else w * 0.1 - s * x[0, L.LEFT_HIP]
    )
    if spec.overground and spec.facing < 0 and spec.view == "side":
        x0 = w * 0.9 - s * x[0, L.LEFT_HIP]
    xy = np.stack([x0 + s * x, h * 0.92 - s * up], axis=-1)
    if pelvis_depth_cm is not None:
        dist = pelvis_depth_cm[:, None] + depth  # depth: + = farther from the camera than the pelvis
        scale = s * float(np.min(pelvis_depth_cm)) / dist
        xy = np.stack([w / 2 + scale * x, h * 0.5 - scale * (up - spec.camera_height_cm)], axis=-1)
    z = s * depth
    far = depth > np.nanmedian(depth, axis=1, keepdims=True) + 1e-9
    vis = np.where(far, 0.75, 0.98) if spec.view == "side" else np.full((n, NUM_LANDMARKS), 0.95)
    return PoseSequence(
        xy=xy,
        z=z,
        visibility=vis,
        timestamps_s=np.arange(n) / spec.fps,
        frame_size=spec.frame_size,
        fps=spec.fps,
        world=None,
    )


def _corrupt(seq: PoseSequence, spec: GaitSpec, rng: np.random.Generator) -> np.ndarray:
    """In place: noise, far-leg occlusion gaps (each shorter than 0.1 s) and left/right leg label
    swaps. Returns the rows whose leg labels were swapped."""
    n = len(seq)
    if spec.noise_px > 0:
        seq.xy += rng.normal(0.0, spec.noise_px, seq.xy.shape)
    far_leg = (
        [L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX]
        if spec.facing > 0
        else [L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]
    )
    if spec.far_leg_hidden > 0 and spec.view == "side":
        run = max(2, int(round(60.0 / spec.cadence_spm * spec.fps)))
        hidden = np.zeros(n, dtype=bool)
        while hidden.mean() < spec.far_leg_hidden:
            start = int(rng.integers(0, max(1, n - run)))
            hidden[start : start + run] = True
        leg_px = (THIGH_FRACTION + SHANK_FRACTION) * spec.stature_cm * spec.px_per_cm
        guess = rng.normal(0.0, 0.03 * leg_px, (int(hidden.sum()), len(far_leg), 2))
        cols = np.array([int(i) for i in far_leg])
        seq.xy[np.ix_(hidden, cols)] += guess
        seq.visibility[np.ix_(hidden, cols)] = 0.2
    gap_len = max(1, int(0.08 * spec.fps))
    for _ in range(spec.gaps):
        start = int(rng.integers(gap_len + 2, n - 2 * gap_len))
        seq.xy[start : start + gap_len, far_leg] = np.nan
        seq.z[start : start + gap_len, far_leg] = np.nan
        seq.visibility[start : start + gap_len, far_leg] = 0.1
    swapped: list[int] = []
    left = [L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX]
    right = [L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]
    for _ in range(spec.swaps):
        start = int(rng.integers(5, n - spec.swap_frames - 5))
        rows = np.arange(start, start + spec.swap_frames)
        for arr in (seq.xy, seq.z, seq.visibility):
            a = arr[rows][:, left].copy()
            sub = arr[rows]
            sub[:, left] = sub[:, right]
            sub[:, right] = a
            arr[rows] = sub
        swapped.extend(rows.tolist())
    return np.asarray(sorted(set(swapped)), dtype=int)


def context_for(raw: PoseSequence, settings: Any = None, path: str = "synthetic.mp4") -> Any:
    """An AnalysisContext for a sequence without media (tests, bench): no model, no frames; the
    sequence is cleaned with the running analysis's own cleaning. settings: a `Settings` (default:
    kind run)."""
    from .analysis import AnalysisContext
    from .clean import quality_report
    from .kinds.run.cleaning import clean_for_gait
    from .sequence import MediaInfo
    from .settings import Settings

    settings = settings or Settings(kind="run")
    photo = len(raw) == 1
    info = MediaInfo(
        path=path,
        kind="photo" if photo else "video",
        width=raw.frame_size[0],
        height=raw.frame_size[1],
        fps=0.0 if photo else raw.fps,
        duration_s=0.0 if photo else float(raw.timestamps_s[-1]),
        frames=len(raw),
        rotation=0,
        codec="h264",
        playback_fps=raw.fps,
    )
    seq = clean_for_gait(raw)
    return AnalysisContext(
        info=info,
        settings=settings.common(),
        options=settings.of("run"),
        raw=raw,
        seq=seq,
        quality=quality_report(raw, seq),
    )
