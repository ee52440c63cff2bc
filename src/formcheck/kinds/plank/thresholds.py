"""Plank hold: tolerances, state-machine timings, reference ranges and advice, as data with sources.

Conventions used by every number here (see `metrics/plank.py` for the definitions):
- body line angle, deg: 0 = shoulder, hip and ankle (knee for a knee plank) in a straight line;
  **positive = pike** (hips above the shoulder-ankle line), **negative = sag** (hips below it).
  For a side plank seen from the front, negative = the hips dropping toward the floor.
- hip offset: the hip's perpendicular distance from the shoulder-ankle line, same sign, in cm and in
  % of the shoulder-hip (trunk) length.
- shoulder stack, deg: the upper arm (forearm plank: elbow->shoulder; high plank: wrist->shoulder)
  from vertical; 0 = shoulders straight over the support, positive = shoulders ahead (toward the head).
- neck, deg: the shoulder->ear direction relative to the hip->shoulder (trunk) direction;
  0 = head in line with the trunk, positive = head craned up, negative = head dropped.
- knee flexion, deg: 0 = straight knee (hip-knee-ankle in line).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...reference import ReferenceRange

SRC_OPEN_PROJECTS = (
    "Common practice of open-source plank checkers: about 10 deg either side of a straight "
    "shoulder-hip-ankle line counts as good form. No published cut-off exists."
)
SRC_PIKE_BAND = (
    "formcheck's own band, from the mechanics of the position: sag extends the lumbar spine, the load a "
    "plank should avoid, so the sag side keeps 10 deg; a mild hip rise eases the exercise without loading "
    "the back, so the pike side allows 30 deg (about 16 cm of hip rise for a 170 cm adult). Correct-form "
    "plank images read about +4 deg (median) to +18 deg; deliberate pikes +50 deg and more."
)
SRC_MCGILL_1999 = (
    "McGill SM, Childs A, Liebenson C. Endurance times for low back stabilization exercises: clinical "
    "targets for testing and training from a normal database. Arch Phys Med Rehabil 1999;80:941-944 "
    "(healthy young adults; side bridge on the forearm, feet stacked)."
)
SRC_COACHING = (
    "American Council on Exercise (ACE), Exercise Library: Front Plank; Side Plank. Common coaching "
    "cues: elbows under the shoulders, a straight line from head to heels, neutral neck, legs straight, "
    "glutes and abdominals braced."
)
SRC_SEED = (
    "Common coaching progression (not a published protocol): start with a knee plank; move up to a full "
    "plank once the knee plank is held with good form for a minute or more; side planks for the "
    "single-sided work."
)
SRC_FIRST_PRINCIPLES = (
    "formcheck's own choice, from the geometry of the position and the pose model's landmark noise "
    "(a few pixels, about 1 cm at 2-3 m), checked on synthetic holds with known answers."
)


@dataclass(frozen=True)
class PlankThresholds:
    """Every threshold of the plank analysis (deg, s, fractions); defaults are the documented values.

    sag_tolerance_deg / pike_tolerance_deg: body line deviation still counted as good form.
    warning_factor: a deviation beyond factor x tolerance is a 'warning' (else 'attention').
    entry_sag_deg / entry_pike_deg: a hold can *start* only with the body line within these
      (hips not resting on the floor, not piked into a transition).
    exit_sag_deg / exit_pike_deg: once holding, beyond these the person is out of the plank
      (hips resting on the floor; an inverted V).
    max_axis_tilt_deg: the shoulder->ankle line must be within this of horizontal.
    min_thigh_from_vertical_deg: thighs closer to vertical than this = kneeling on all fours, not a plank.
    confirm_s: in position this long before a hold starts; grace_s: out of position longer than this
      ends the hold.
    min_break_s: shorter form breaks are ignored; merge_gap_s: breaks of the same fault closer than this merge.
    cut_jump_trunk: a one-frame jump of the torso centre larger than this many trunk lengths (or a trunk
      length change by more than cut_scale_change) is a camera cut; cut_guard_s around it is not judged.
    side_ratio: shoulder separation / trunk length above this = side plank (shoulders stacked).
    bent_knee_deg: knee flexion above this = knee-supported variant; knees_bent_deg: a full plank with
      knees bent more than this is a fault.
    bent_elbow_deg: elbow flexion above this = forearm plank (else straight-arm / high plank).
    neck_tolerance_deg / shoulder_stack_tolerance_deg: head and shoulder faults.
    settle_s: the first seconds of a hold (settling into position) are left out of sway and sag trend.
    sway_detrend_s: the moving-average window removed before the sway is measured.
    shake_band_hz: the band of the 'shaking' figure (its lower edge sets the high-pass window).
    sag_growth_flag_cm: hips dropping more than this over the hold is reported as fatigue.
    progression_knee_hold_s: good-form knee plank time before moving up to a full plank.
    """

    sag_tolerance_deg: float = 10.0
    pike_tolerance_deg: float = 30.0
    warning_factor: float = 2.0
    entry_sag_deg: float = 15.0
    entry_pike_deg: float = 40.0
    exit_sag_deg: float = 25.0
    exit_pike_deg: float = 100.0
    max_axis_tilt_deg: float = 40.0
    min_thigh_from_vertical_deg: float = 45.0
    confirm_s: float = 1.0
    grace_s: float = 1.0
    min_break_s: float = 0.5
    merge_gap_s: float = 0.3
    cut_jump_trunk: float = 0.25
    cut_scale_change: float = 0.2
    cut_guard_s: float = 0.25
    side_ratio: float = 0.4
    bent_knee_deg: float = 45.0
    knees_bent_deg: float = 25.0
    bent_elbow_deg: float = 45.0
    neck_tolerance_deg: float = 25.0
    shoulder_stack_tolerance_deg: float = 25.0
    settle_s: float = 1.0
    sway_detrend_s: float = 2.0
    shake_band_hz: tuple[float, float] = (3.0, 12.0)
    sag_growth_flag_cm: float = 2.0
    progression_knee_hold_s: float = 60.0


THRESHOLDS = PlankThresholds()

THRESHOLD_SOURCES = {
    "sag_tolerance_deg": SRC_OPEN_PROJECTS,
    "pike_tolerance_deg": SRC_PIKE_BAND,
    "warning_factor": SRC_FIRST_PRINCIPLES + " Twice the tolerance: clearly visible to a coach.",
    "entry_sag_deg": SRC_FIRST_PRINCIPLES
    + (
        " Lying on the floor propped on the forearms gives about 20-24 deg "
        "of apparent sag (hips resting), so a hold starts only nearer the line."
    ),
    "entry_pike_deg": SRC_FIRST_PRINCIPLES,
    "exit_sag_deg": SRC_FIRST_PRINCIPLES + " Hips resting on the floor: about 20-25 deg of apparent sag.",
    "exit_pike_deg": SRC_FIRST_PRINCIPLES + " Beyond 100 deg the body is an inverted V (downward dog).",
    "max_axis_tilt_deg": SRC_FIRST_PRINCIPLES,
    "min_thigh_from_vertical_deg": SRC_FIRST_PRINCIPLES + " On all fours the thighs hang near vertical (0-30 deg).",
    "confirm_s": SRC_FIRST_PRINCIPLES,
    "grace_s": SRC_FIRST_PRINCIPLES,
    "min_break_s": SRC_FIRST_PRINCIPLES,
    "neck_tolerance_deg": SRC_COACHING,
    "shoulder_stack_tolerance_deg": SRC_COACHING,
    "knees_bent_deg": SRC_COACHING,
    "progression_knee_hold_s": SRC_SEED,
    "merge_gap_s": SRC_FIRST_PRINCIPLES
    + " Two breaks of one fault less than 0.3 s apart (9 frames at 30 fps) are one break seen through a frame"
    " or two of landmark noise.",
    "cut_jump_trunk": "Physics of the hold: the torso centre cannot move a quarter of a trunk length (about"
    " 12 cm) between two frames of a held plank (3.6 m/s at 30 fps); such a jump is a camera cut or an edit.",
    "cut_scale_change": "Physics of the camera: the trunk's image length changing by a fifth in one frame needs"
    " the camera to move a fifth of its distance in 1/30 s: a cut or a zoom, not the person.",
    "cut_guard_s": SRC_FIRST_PRINCIPLES
    + " The smoothing spreads a cut over a few frames; a quarter second either side keeps them out of the"
    " judgement.",
    "side_ratio": "Geometry of the positions: filmed side-on, a prone plank's shoulders overlap (separation"
    " near 0); filmed from the front, a side plank's shoulders are stacked a shoulder width (about 0.7-0.8"
    " trunk lengths) apart. 0.4 is halfway.",
    "bent_knee_deg": "Geometry of the positions: a knee plank rests on knees flexed about 90 deg, a full"
    " plank's are near 0 deg. 45 deg is halfway.",
    "bent_elbow_deg": "Geometry of the positions: a forearm plank's elbows are flexed about 90 deg, a"
    " straight-arm plank's near 0 deg. 45 deg is halfway.",
    "settle_s": SRC_FIRST_PRINCIPLES + " The first second of a hold is spent settling into position.",
    "sway_detrend_s": SRC_FIRST_PRINCIPLES
    + " Sway is the hips' wandering over a second or two; a 2-s moving average takes out the slower sinking"
    " (fatigue, reported on its own).",
    "shake_band_hz": "Elble RJ, Koller WC. Tremor. Johns Hopkins University Press; 1990: physiological tremor"
    " lies at about 8-12 Hz, and the shaking of fatigued muscles extends down to about 3 Hz; slower motion is"
    " sway.",
    "sag_growth_flag_cm": SRC_FIRST_PRINCIPLES
    + " 2 cm of hip drop over the hold is beyond the landmark noise on the smoothed hip height (0.3-0.8 cm):"
    " the hips sink as the hold tires.",
}

#: McGill et al. 1999, side bridge endurance (mean +- SD, seconds) in healthy young adults.
MCGILL_SIDE_BRIDGE_S = {
    "men": {"right": (95.0, 32.0), "left": (99.0, 37.0)},
    "women": {"right": (75.0, 32.0), "left": (78.0, 32.0)},
}
#: McGill et al. 1999: a right/left side-bridge difference above 5% of the longer side suggests imbalance.
MCGILL_SIDE_IMBALANCE_FRACTION = 0.05


REFERENCES: dict[str, ReferenceRange] = {
    "body_line_deg": ReferenceRange(
        "body_line_deg",
        "Body line (shoulder-hip-ankle)",
        "deg",
        -THRESHOLDS.sag_tolerance_deg,
        THRESHOLDS.pike_tolerance_deg,
        "0 = straight line; positive = pike (hips above the shoulder-ankle line), negative = sag",
        SRC_OPEN_PROJECTS + " " + SRC_PIKE_BAND,
    ),
    "mean_body_line_deg": ReferenceRange(
        "mean_body_line_deg",
        "Mean body line over the hold",
        "deg",
        -THRESHOLDS.sag_tolerance_deg,
        THRESHOLDS.pike_tolerance_deg,
        "0 = straight; + pike, - sag",
        SRC_OPEN_PROJECTS + " " + SRC_PIKE_BAND,
    ),
    "max_sag_cm": ReferenceRange(
        "max_sag_cm",
        "Largest sag (hips below the line)",
        "cm",
        None,
        5.0,
        "distance of the hip below the shoulder-ankle line; 0 = no sag",
        SRC_FIRST_PRINCIPLES + " 5 cm is about 10 deg over a 30 cm half-trunk lever.",
    ),
    "max_pike_cm": ReferenceRange(
        "max_pike_cm",
        "Largest pike (hips above the line)",
        "cm",
        None,
        15.0,
        "distance of the hip above the shoulder-ankle line; 0 = no pike",
        SRC_PIKE_BAND + " 15 cm is about the 30 deg pike tolerance for a 170 cm adult.",
    ),
    "good_form_pct": ReferenceRange(
        "good_form_pct", "Time in good form", "%", 80.0, None, "share of the hold with no fault", SRC_FIRST_PRINCIPLES
    ),
    "hip_sway_cm": ReferenceRange(
        "hip_sway_cm",
        "Hip sway (slow trend removed)",
        "cm",
        None,
        1.5,
        "RMS of the hip's distance from the body line after removing a 2 s moving average",
        SRC_FIRST_PRINCIPLES + " Landmark noise alone gives about 0.3-0.8 cm.",
    ),
    "shaking_cm": ReferenceRange(
        "shaking_cm",
        "Shaking (3-12 Hz hip motion)",
        "cm",
        None,
        None,
        "RMS of the 3-12 Hz band of the unsmoothed hip offset; includes landmark jitter",
        "no published range: compare your own holds over time",
    ),
    "sag_trend_cm_per_min": ReferenceRange(
        "sag_trend_cm_per_min",
        "Sag trend (fatigue)",
        "cm/min",
        None,
        4.0,
        "slope of the hip offset over the hold; positive = the hips drop over time",
        SRC_FIRST_PRINCIPLES,
    ),
    "shoulder_stack_deg": ReferenceRange(
        "shoulder_stack_deg",
        "Shoulders over elbows/wrists",
        "deg",
        -THRESHOLDS.shoulder_stack_tolerance_deg,
        THRESHOLDS.shoulder_stack_tolerance_deg,
        "upper arm from vertical; 0 = stacked, positive = shoulders ahead of the support",
        SRC_COACHING,
    ),
    "neck_deg": ReferenceRange(
        "neck_deg",
        "Head and neck line",
        "deg",
        -THRESHOLDS.neck_tolerance_deg,
        THRESHOLDS.neck_tolerance_deg,
        "ear relative to the trunk line; 0 = in line, positive = head craned up, negative = dropped",
        SRC_COACHING,
    ),
    "knee_flexion_deg": ReferenceRange(
        "knee_flexion_deg",
        "Knee bend (full plank)",
        "deg",
        None,
        THRESHOLDS.knees_bent_deg,
        "0 = straight knee",
        SRC_COACHING,
    ),
    "hold_s": ReferenceRange(
        "hold_s",
        "Hold time",
        "s",
        None,
        None,
        "from the confirmed start to the last frame in position",
        SRC_MCGILL_1999 + " Side bridge norms: men about 95-99 s, women about 75-78 s.",
    ),
    "score": ReferenceRange(
        "score",
        "Plank score",
        "points",
        70.0,
        100.0,
        "0-100: 50% time in good form, 30% alignment, 10% steadiness, 10% no sag trend",
        SRC_FIRST_PRINCIPLES,
    ),
}

#: Plain-language advice per fault: (title, why, cue, drill).
FAULT_ADVICE = {
    "sag": (
        "hips sagged",
        "A sagging plank hangs on the lower back's ligaments and arches the lumbar spine "
        "instead of training the trunk muscles.",
        "squeeze the glutes and brace the abdominals",
        "Shorter holds (3 x 20 s) with a perfect line, or a knee plank.",
    ),
    "pike": (
        "hips piked up",
        "Raised hips shorten the lever and take the work off the abdominals.",
        "lower the hips until shoulders, hips and heels line up",
        "Plank in front of a mirror or with a dowel along the back (head, upper back and sacrum touching it).",
    ),
    "hip_drop": (
        "hips dropped toward the floor",
        "In a side plank the lateral trunk muscles must hold the hips "
        "up; letting them drop loads the shoulder and lower back instead.",
        "push the floor away and lift the bottom hip",
        "Side plank from the knees until the line holds.",
    ),
    "head_dropped": (
        "head dropped",
        "A hanging head strains the neck and often goes with rounded shoulders.",
        "look at the floor a hand's width ahead, chin gently tucked",
        "Plank with a dowel touching the back of the head.",
    ),
    "head_craned": (
        "head craned up",
        "Looking forward compresses the back of the neck.",
        "keep the neck long and look down",
        "Plank with a dowel touching the back of the head.",
    ),
    "knees_bent": (
        "knees bent",
        "Bent knees shorten the lever and usually come with the hips sagging or piking.",
        "straighten the legs and push the heels back",
        "If the full plank is too hard, use a knee plank.",
    ),
    "shoulders_ahead": (
        "shoulders ahead of the elbows",
        "Shoulders far ahead of the support overload the shoulders.",
        "stack the shoulders over the elbows (or wrists)",
        "",
    ),
    "shoulders_behind": (
        "shoulders behind the elbows",
        "Shoulders behind the support shift the load to the hips.",
        "stack the shoulders over the elbows (or wrists)",
        "",
    ),
}

PROGRESSION_ADVICE = {
    "knee": (
        "Progression: hold the knee plank with good form for {need:.0f} s or more, then move up to a full "
        "plank (on the forearms or hands)."
    ),
    "knee_ready": ("You held the knee plank with good form for {good:.0f} s: you are ready to try a full plank."),
    "full": (
        "Progression: add side planks (left and right) for the single-sided work; keep the front plank "
        "line perfect rather than longer."
    ),
    "side": (
        "Compare both sides: McGill's healthy adults hold a side bridge about 95-99 s (men) and 75-78 s "
        "(women); a difference of more than 5% between sides is worth evening out."
    ),
    "side_knee": (
        "Progression: once the knee-down side plank is held with good form for a minute, straighten the "
        "legs into a full side plank."
    ),
}
