"""The running analysis's numbers as data, each with where it comes from: the thresholds of its
stages (cleaning, periodicity and view, events, steps, cadence, rear/front view, reliability) and the
reference ranges of its metrics (with coaching content).

Ranges are context, not pass/fail verdicts: the literature reports typical values of healthy
runners, not targets. Every threshold constant below has its reasoning in `THRESHOLD_SOURCES`
(a test checks that none is missing).
"""

from __future__ import annotations

from ...reference import ReferenceRange

HEIDERSCHEIT_2011 = (
    "Heiderscheit BC, Chumanov ES, Michalski MP, Wille CM, Ryan MB. Effects of step rate "
    "manipulation on joint mechanics during running. Med Sci Sports Exerc 2011;43(2):296-302"
)
LIEBERMAN_2015 = (
    "Lieberman DE, Warrener AG, Wang J, Castillo ER. Effects of stride frequency and foot position "
    "at landing on braking force, hip torque, impact peak force and the metabolic cost of running "
    "in humans. J Exp Biol 2015;218:3406-3414"
)
TENG_POWERS_2014 = (
    "Teng HL, Powers CM. Sagittal plane trunk posture influences patellofemoral joint stress "
    "during running. J Orthop Sports Phys Ther 2014;44(10):785-792"
)
BRAMAH_2018 = (
    "Bramah C, Preece SJ, Gill N, Herrington L. Is there a pathological gait associated with common "
    "soft tissue running injuries? Am J Sports Med 2018;46(12):3023-3031"
)
ALTMAN_DAVIS_2012 = (
    "Altman AR, Davis IS. A kinematic method for footstrike pattern detection in barefoot and "
    "shod runners. Gait Posture 2012;35(2):298-300"
)
SOUZA_2016 = (
    "Souza RB. An evidence-based videotaped running biomechanics analysis. Phys Med Rehabil Clin N Am "
    "2016;27(1):217-236"
)
NOVACHECK_1998 = "Novacheck TF. The biomechanics of running. Gait Posture 1998;7(1):77-95"
MOORE_2016 = (
    "Moore IS. Is there an economical running technique? A review of modifiable biomechanical factors "
    "affecting running economy. Sports Med 2016;46(6):793-807"
)
ZENI_2008 = (
    "Zeni JA, Richards JG, Higginson JS. Two simple methods for determining gait events during "
    "treadmill and overground walking using kinematic data. Gait Posture 2008;27(4):710-714"
)

RANGES: dict[str, ReferenceRange] = {
    r.metric: r
    for r in (
        ReferenceRange(
            "cadence_spm",
            "Cadence",
            "steps/min",
            150.0,
            190.0,
            "steps per minute counting both feet (not strides)",
            f"{LIEBERMAN_2015} (about 170 steps/min was metabolically optimal at 3 m/s); {HEIDERSCHEIT_2011} "
            f"(+5-10% of one's own step rate lowered knee and hip loading)",
            "180 steps/min is folklore, not a rule: cadence rises with speed and varies with height. "
            "Compare with your own rate; walking is typically 90-130 steps/min.",
        ),
        ReferenceRange(
            "contact_ms",
            "Ground contact time",
            "ms",
            160.0,
            300.0,
            "time from initial contact to toe-off of the same foot",
            f"{MOORE_2016}; typical of recreational to trained runners at endurance speeds",
            "Shorter at higher speed. Needs 120-240 fps to measure well; walking contact is longer "
            "than a step (double support).",
        ),
        ReferenceRange(
            "trunk_lean_deg",
            "Trunk forward lean",
            "deg",
            3.7,
            10.9,
            "hip centre to shoulder centre from vertical; 0 = upright, + = leaning forward",
            f"{TENG_POWERS_2014}: self-selected 7.3 +- 3.6 deg in recreational runners",
            "More lean shifted load from the knee towards the hip in that study.",
        ),
        ReferenceRange(
            "knee_flexion_contact_deg",
            "Knee flexion at contact",
            "deg",
            11.0,
            21.0,
            "180 - hip-knee-ankle angle; 0 = straight knee",
            f"{NOVACHECK_1998}; {SOUZA_2016}",
            "A nearly straight knee at landing often goes with overstriding.",
        ),
        ReferenceRange(
            "knee_flexion_peak_deg",
            "Peak knee flexion in stance",
            "deg",
            36.0,
            45.0,
            "largest knee flexion in the first 60% of stance (loading to mid stance); 0 = straight",
            f"{NOVACHECK_1998}; {SOUZA_2016}",
            "Shock absorption by the knee in mid stance.",
        ),
        ReferenceRange(
            "vertical_oscillation_cm",
            "Vertical oscillation of the pelvis",
            "cm",
            5.0,
            10.0,
            "peak-to-peak up-down motion of the hip centre per step (a line and two harmonics of the step fitted; scaled from stature)",
            f"{MOORE_2016}; typical running values",
            "Walking gives less (about 3-5 cm).",
        ),
        ReferenceRange(
            "overstride_cm",
            "Overstride (ankle ahead of hip at contact)",
            "cm",
            None,
            None,
            "horizontal distance of the ankle joint ahead of the hip centre at initial contact; + = ahead of the hip",
            f"{SOUZA_2016}; {LIEBERMAN_2015}",
            "No population range: smaller is usually better; read with the shank angle.",
        ),
        ReferenceRange(
            "shank_angle_at_contact_deg",
            "Shank angle at contact",
            "deg",
            None,
            10.0,
            "ankle-to-knee line from vertical at initial contact; 0 = vertical shin, + = ankle ahead of "
            "the knee (reaching)",
            f"{SOUZA_2016}",
            "A shin near vertical at landing is the usual coaching target.",
        ),
        ReferenceRange(
            "foot_strike_angle_deg",
            "Foot strike angle",
            "deg",
            None,
            None,
            "foot angle (heel to toe) at contact minus the flat-foot angle in mid stance; + = toes up",
            f"{ALTMAN_DAVIS_2012}: > 8 deg rearfoot, -1.6 to 8 midfoot, < -1.6 forefoot",
            "Strike type is descriptive: no pattern is best for everyone.",
        ),
        ReferenceRange(
            "pelvic_drop_deg",
            "Contralateral pelvic drop (2D proxy)",
            "deg",
            None,
            None,
            "at mid stance (the pelvis's lowest point in a run, its highest in a walk), drop of the swing-side hip below the stance-side "
            "hip, from the image horizontal after removing the clip's median hip-line tilt; + = swing "
            "side lower",
            f"{BRAMAH_2018}",
            "In that study each extra degree of drop raised the odds of being in the injured group. "
            "A 2D proxy: hip landmarks are joint centres, not the iliac crests.",
        ),
        ReferenceRange(
            "step_width_cm",
            "Step width",
            "cm",
            0.0,
            None,
            "lateral distance between the two feet at their mid stances, each measured from the "
            "pelvis's path (its trend line); negative = crossover",
            f"{SOUZA_2016}",
            "Negative values mean the feet cross the midline.",
        ),
        ReferenceRange(
            "knee_frontal_angle_deg",
            "Knee medial collapse (2D proxy)",
            "deg",
            None,
            None,
            "peak in stance of 180 - hip-knee-ankle angle in the frontal view, + = knee inside the hip-ankle line",
            f"{SOUZA_2016}",
            "A 2D frontal plane projection angle; depends on camera height.",
        ),
        ReferenceRange(
            "duty_factor",
            "Duty factor",
            "",
            None,
            0.5,
            "contact time / stride time; > 0.5 means double support (walking)",
            f"{NOVACHECK_1998}",
            "Running has a flight phase: below 0.5.",
        ),
        ReferenceRange(
            "step_time_ms",
            "Step time",
            "ms",
            None,
            None,
            "time from a contact to the next contact of the other foot",
            f"{ZENI_2008} (event method)",
            "60000 / cadence.",
        ),
        ReferenceRange(
            "flight_ms",
            "Flight time",
            "ms",
            None,
            None,
            "time from toe-off to the other foot's contact",
            f"{ZENI_2008} (event method)",
            "0 in walking (double support instead).",
        ),
        ReferenceRange(
            "elbow_angle_deg",
            "Elbow angle",
            "deg",
            None,
            None,
            "interior shoulder-elbow-wrist angle; 180 = straight arm",
            f"{NOVACHECK_1998}",
            "Runners typically hold the elbow near 90 deg.",
        ),
    )
}

#: Coaching content for findings: (cue, drill) per metric and direction of the fault ('below' or
#: 'above' the typical range; 'any' for a fault without a direction). A direction without an entry
#: gets no cue: the value is reported, not coached (e.g. a small bounce is economical).
COACHING: dict[tuple[str, str], tuple[str, str]] = {
    ("overstride", "any"): (
        "Land with the shin close to vertical and the foot under your knee; think 'quick, light feet'.",
        "Try +5% cadence with a metronome for a few runs a week (Heiderscheit 2011); "
        "add strides and A-skips to rehearse landing under the body.",
    ),
    ("cadence", "any"): (
        "If you overstride or have knee pain, try raising your own step rate by 5-10%, not to a fixed 180.",
        "Metronome app set to your cadence + 5% for 2-3 minute blocks within easy runs.",
    ),
    ("trunk_lean_deg", "above"): (
        "Run tall with a slight lean from the ankles, not a bend at the waist.",
        "Wall leans and core strength work (planks, dead bugs) 2-3 times a week.",
    ),
    ("trunk_lean_deg", "below"): (
        "Let the whole body tip slightly forward from the ankles; avoid leaning back.",
        "Falling starts: lean forward from the ankles until you must step, then run 20 m; a few each session.",
    ),
    ("knee_flexion_contact_deg", "below"): (
        "Land with a softly bent knee under the body.",
        "Cadence +5% and short hill strides.",
    ),
    ("knee_flexion_contact_deg", "above"): (
        "Run tall: land with the foot under the hip rather than sinking into a deeply bent knee.",
        "Single-leg squats and step-downs for knee control; short strides on a slight uphill.",
    ),
    ("knee_flexion_peak_deg", "below"): (
        "Let the knee give a little as you land: a soft, springy landing rather than a stiff leg.",
        "Skipping and low pogo hops with soft knees; cadence +5%.",
    ),
    ("knee_flexion_peak_deg", "above"): (
        "Stay tall through the stance: think 'hips high' rather than sitting into each step.",
        "Quadriceps and glute strength work (split squats, step-ups) 2-3 times a week.",
    ),
    ("vertical_oscillation_cm", "above"): (
        "Think 'run forward, not up'; keep the bounce small.",
        "Cadence +5%; quick-feet drills.",
    ),
    ("pelvic_drop_deg", "above"): (
        "Keep the hips level when you land; squeeze the glute of the standing leg.",
        "Glute strength work: side planks, single-leg squats, hip hikes, 2-3 times a week.",
    ),
    ("crossover", "any"): (
        "Land each foot under its own hip, as if on two lines.",
        "Run along a painted line with one foot each side; hip abductor strength work.",
    ),
    ("knee_frontal_angle_deg", "above"): (
        "Keep the knee over the second toe when you land.",
        "Single-leg squats in front of a mirror, lateral band walks, step-downs.",
    ),
    ("general", "any"): (
        "Build mileage gradually; mix surfaces (trails, grass, track) and cross-train (cycling, swimming) "
        "to vary the load.",
        "Core and glute strength work twice a week.",
    ),
}


PERRY_BURNFIELD_2010 = (
    "Perry J, Burnfield JM. Gait Analysis: Normal and Pathological Function, 2nd ed. SLACK 2010 "
    "(knee at initial contact in walking about 5 deg flexed)"
)
TUDOR_LOCKE_2019 = (
    "Tudor-Locke C et al. Walking cadence (steps/min) and intensity in 21-40 year olds: "
    "CADENCE-adults. Int J Behav Nutr Phys Act 2019;16:8 (100 steps/min ~ moderate, 130 ~ vigorous)"
)
TUDOR_LOCKE_ROWE_2012 = (
    "Tudor-Locke C, Rowe DA. Using cadence to study free-living ambulatory behaviour. Sports Med "
    "2012;42(5):381-398 (laboratory walking: 96-138 steps/min women, 81-135 men)"
)

#: Ranges that replace the running ones when the gait is walking (the others then show no range).
WALKING_RANGES: dict[str, ReferenceRange] = {
    r.metric: r
    for r in (
        ReferenceRange(
            "cadence_spm",
            "Cadence (walking)",
            "steps/min",
            100.0,
            130.0,
            "steps per minute counting both feet (not strides)",
            f"{TUDOR_LOCKE_2019}; {TUDOR_LOCKE_ROWE_2012}",
            "Brisk, purposeful walking: about 100 steps/min marks moderate intensity in adults.",
        ),
        ReferenceRange(
            "knee_flexion_contact_deg",
            "Knee flexion at contact (walking)",
            "deg",
            0.0,
            10.0,
            "180 - hip-knee-ankle angle; 0 = straight knee",
            f"{PERRY_BURNFIELD_2010}: about 5 deg at initial contact in walking; the range is that +- 5 deg "
            "for the differences between people and a 2D side view (our widening, not the book's)",
            "In walking the heel lands with a nearly straight knee, which then bends about 15 deg as the "
            "weight comes on (loading response).",
        ),
    )
}


# == thresholds of the stages ======================================================================

WINTER_2009 = (
    "Winter DA. Biomechanics and Motor Control of Human Movement, 4th ed. Wiley 2009 (segment "
    "lengths as fractions of stature; kinematics filtered at 6-12 Hz)"
)
NYQUIST = "sampling theorem: a sampled signal carries frequencies up to half the sampling rate"

# -- cleaning (kind's own CleanConfig) --------------------------------------------------------------
#: Landmarks below this MediaPipe visibility are treated as missing.
CLEAN_MIN_VISIBILITY = 0.3
#: Gaps up to this long are filled (seconds): under half a running contact.
CLEAN_MAX_GAP_S = 0.1
#: Low-pass cut-off of the landmark tracks (Hz) while the step period is measured, and where it is not known.
CLEAN_CUTOFF_HZ = 12.0
#: Outlier floor, as a fraction of the body's height in the image.
CLEAN_OUTLIER_MIN_FRACTION = 0.1
#: Slow motion: gaps up to this share of a step are filled, at most SLOW_MAX_GAP_S.
SLOW_GAP_STEPS = 0.3
SLOW_MAX_GAP_S = 0.5
#: The gait's low-pass cut-off in step frequencies (12 Hz at 2.7 steps/s; CLEAN_CUTOFF_HZ is the
#: first pass that measures the step period).
CUTOFF_STEPS = 4.5
#: A step period (s, file time) above this means the legs cycle slowly in file time (slow motion).
SLOW_STEP_S = 0.4

#: Frames are evenly spaced when every interval is within this share of the median interval.
GRID_JITTER = 0.1
#: Resampling on the uniform grid bridges intervals up to this long (s); longer ones stay gaps.
GRID_MAX_BRIDGE_S = 0.15

# -- periodicity and view ---------------------------------------------------------------------------
#: Shoulder width over torso length above which the view is frontal (rear or front), else side.
FRONTAL_SHOULDER_RATIO = 0.45
#: Hip-centre travel (in leg lengths) above which the runner crosses the frame (overground).
CROSSING_TRAVEL_LEGS = 1.5
#: A gait needs this much foot separation (leg lengths, robust range) and this periodicity.
MIN_SEPARATION_AMPLITUDE = {"side": 0.2, "rear": 0.08, "front": 0.08}
MIN_PERIODICITY = 0.3
#: The shortest step period (s) a person can have: no step rhythm is searched below it.
MIN_STEP_PERIOD_S = 0.18
#: Of the periods whose periodicity is at least this share of the strongest, the shortest is the step.
OCTAVE_SHARE = 0.8
#: Upright body: the lower ankle at least this many leg lengths below the hip centre (median) ...
MIN_UPRIGHT_LEGS = 0.6
#: ... and the trunk within this many degrees of vertical (median).
MAX_UPRIGHT_TRUNK_DEG = 45.0
#: A gait needs a leg (hip, knee, ankle) seen inside the picture in at least this share of the frames
#: with a person, with at least this visibility.
MIN_LEGS_SEEN = 0.5
LEG_SEEN_VISIBILITY = 0.5
#: Window of the leg length's running 90th percentile (s).
LEG_LENGTH_WINDOW_S = 2.0
#: Window of the facing direction's median filter (s).
FACING_WINDOW_S = 0.5
#: The pelvis travelling across the picture this fast (leg lengths per second, over this window in
#: seconds) against the way the body faces is a backward gait.
TRAVEL_SPEED_LEGS_S = 0.5
TRAVEL_WINDOW_S = 1.0

# -- gait type --------------------------------------------------------------------------------------
#: Peak knee flexion in swing above which the gait votes running (deg).
RUN_SWING_KNEE_DEG = 85.0
#: Elbow angle below which the gait votes running (deg, 180 = straight).
RUN_ELBOW_ANGLE_DEG = 125.0

# -- events (side view) -----------------------------------------------------------------------------
#: A step counts for timing when its duration is within these factors of the clip's step period.
STEP_TOLERANCE = (0.6, 1.45)
#: A contact's toe-off is searched until the same foot's next contact, at most this many step periods
#: after it: a stance lasts 2 DF steps (DF <= 0.8 even in a slow walk: 1.6 steps; Novacheck 1998).
TOE_OFF_SEARCH_STEPS = 1.8
#: Vertical refinement: search this many step periods after a contact / before a toe-off ...
VERTICAL_SEARCH = 0.35
#: ... for where the heel / toe is within this many leg lengths (~2 cm) of its ground level.
VERTICAL_TOLERANCE = 0.02
#: A contact peak must stand out by this share of the signal's robust range.
MIN_PROMINENCE_FRACTION = 0.25
#: Toe-off phase (time since the last contact / step period): above TOE_OFF_PHASE_RUNNING the
#: toe-offs end their own step's stance before the other foot lands (a flight phase, running);
#: below TOE_OFF_PHASE_WALKING they follow the other foot's contact (double support, walking);
#: between, the events cannot tell (a sprint or a very slow walk): the pelvis's motion, then the
#: cadence, then the body's cues decide.
TOE_OFF_PHASE_RUNNING = 0.6
TOE_OFF_PHASE_WALKING = 0.4
#: Between them, the pelvis lower at mid stance than with the feet apart by at least this share of
#: its range is running (a bounce), higher by as much walking (a vault; `mechanics`).
PELVIS_MECHANICS_MARGIN = 0.2
#: Else a cadence (steps/min) of at least this is running, within this range walking.
RUNNING_CADENCE_SPM = 140.0
WALKING_CADENCE_SPM = (70.0, 135.0)
#: A stance (a foot's contact to its toe-off) in step periods, 2 x the duty factor DF: running DF 0.2
#: (a sprint) to 0.5 (no flight), walking DF 0.5 (no double support) to 0.8 (a very slow walk).
STANCE_STEPS_RUNNING = (0.4, 1.0)
STANCE_STEPS_WALKING = (1.0, 1.6)
#: Sub-frame corner fit: half-window in seconds (at least 2 rows).
REFINE_HALF_WINDOW_S = 0.02
#: Sub-frame corner fit: the samples fitted each side of the event span this share of a step (at
#: least 2 rows), at every frame rate and pace.
REFINE_FIT_STEPS = 0.19

# -- steps ------------------------------------------------------------------------------------------
#: Steps needed for a result: two strides = four steps (five contacts).
MIN_STEPS = 4
#: Share of stance (from contact) searched for the peak stance knee flexion.
LOADING_SHARE = 0.6
#: Foot strike from the foot strike angle (contact minus flat-foot angle, deg).
RFS_MIN_DEG = 8.0
FFS_MAX_DEG = -1.6
#: Far-leg landmarks below this raw visibility count as occluded in that frame.
OCCLUDED_VISIBILITY = 0.5

# -- cadence ----------------------------------------------------------------------------------------
#: Cadence from contacts and from the autocorrelation should agree within this share.
CADENCE_CHECK_TOLERANCE = 0.03
#: A pause longer than this many step periods between two step instants ends a pass.
PASS_GAP_STEPS = 2.5
#: Step instants further than this share of a step from the pass's fitted line are left out.
PASS_OUTLIER_STEPS = 0.3
#: Floor of a fit's step-time standard error when weighting (s).
MIN_STEP_SE_S = 1e-3
#: A pass's first and last step are left out of its cadence when it spans at least this many steps.
STEADY_MIN_STEPS = 5
#: Within a pass, a clock further than this share from the clocks' median is left out.
CLOCK_AGREEMENT = 0.04
#: A pass splits where its step time changes by more than this share ...
PACE_CHANGE = 0.08
#: ... into parts of at least this many steps, each regular: its step-to-step intervals scatter by
#: at most this share of a step (robust spread over sqrt 2).
PACE_MIN_STEPS = 4
PACE_REGULARITY = 0.1
#: A pass is split this many levels down before neighbouring parts are judged (up to 2 ** 5 = 32 parts).
PACE_SPLIT_DEPTH = 5
#: Instants within this many steps outside a pass's steady span belong to it.
PASS_MARGIN_STEPS = 0.6

# -- rear / front view ------------------------------------------------------------------------------
#: A side view whose runner is turned further than this from square-on to the camera (deg) gets a
#: note, and its figures in the plane of the run are checked for foreshortening (`oblique`).
OBLIQUE_VIEW_DEG = 30.0
#: The foot counts as on the ground in the bottom share of its height range.
FRONTAL_GROUND_BAND = 0.15
#: A frame is used when the ankles are at least this many trunk lengths below the hip centre.
FRONTAL_UPRIGHT_TRUNKS = 0.5
#: An extremum must stand out by this share of its signal's robust range.
FRONTAL_PROMINENCE_FRACTION = 0.3
#: A signal joins the combined period estimate when its own periodicity is above this.
FRONTAL_MIN_SIGNAL_PERIODICITY = 0.2
#: A size change (largest / smallest trunk length) above this is pointed out.
FRONTAL_SCALE_CHANGE_NOTE = 1.3
#: A hip-line tilt (deg) above this is pointed out.
FRONTAL_ROLL_NOTE_DEG = 1.0

# -- headline figures -------------------------------------------------------------------------------
#: A headline per-step figure needs at least this many steps to be reliable (two strides).
MIN_RELIABLE_STEPS = 4
#: A full analysis (left/right medians with their spreads) needs this many steps: three per foot.
FULL_ANALYSIS_STEPS = 6
#: How far a headline figure may move between two recordings of the same run (the running issue's
#: invariance tolerances, units of each metric): a median whose own standard error over its steps is
#: larger is not known to that precision, and is marked unreliable with the number of steps that would
#: give it. (A 95% promise between two recordings would need 1.96 x sqrt(2) standard errors within the
#: tolerance: that marks nearly every figure of a 6-s phone clip, the 60 fps treadmill's too, whose
#: seven variants hold within 15 ms; the standard error itself is what is stated.)
REPRODUCIBILITY = {
    "contact_ms": 20.0,
    "trunk_lean_deg": 2.5,
    "knee_flexion_contact_deg": 5.0,
    "overstride_cm": 4.0,
    "vertical_oscillation_cm": 1.5,
}
#: How far a side-view figure in the plane of the run may read short in an oblique view before it is
#: marked (its unit): the reproducibility tolerance of the figure, or of its kind of angle (a segment's
#: angle from the vertical as the trunk's, a joint angle as the knee's at contact).
OBLIQUE_TOLERANCE = {
    "overstride_cm": REPRODUCIBILITY["overstride_cm"],
    "trunk_lean_deg": REPRODUCIBILITY["trunk_lean_deg"],
    "shank_angle_at_contact_deg": REPRODUCIBILITY["trunk_lean_deg"],
    "knee_flexion_contact_deg": REPRODUCIBILITY["knee_flexion_contact_deg"],
    "knee_flexion_peak_deg": REPRODUCIBILITY["knee_flexion_contact_deg"],
}
#: The turn (deg) a square-on value is worked out for at most (`oblique.square_on`).
MAX_OBLIQUE_YAW_DEG = 85.0
#: The share by which the cadence may move between two recordings of the same run (the running
#: issue's tolerance): a cadence whose standard error is larger is marked unreliable.
CADENCE_REPRODUCIBILITY = 0.01
#: Side-view per-step figures taken at mid stance, where the swing leg passes the stance leg and the
#: two knees overlap in the picture: when the legs disagree beyond their spreads, the figure is less
#: certain (the model may have mixed the knees) and gets no finding.
MIDSTANCE_FIGURES = ("knee_flexion_peak_deg",)

#: A segment whose duty factor is under this runs (a flight phase), else walks.
DUTY_FACTOR_RUNNING = 0.5
#: Steps within this many step periods of a segment's first and last instant belong to it.
SEGMENT_MARGIN_STEPS = 0.5
#: Segments whose cadences differ by more than this share are different paces (a mixed clip).
MIXED_CADENCE_SHARE = 0.1

# -- reliability ------------------------------------------------------------------------------------
#: Plausible real-time cadence floors (steps/min) per gait: far below them a clip is slow motion.
MIN_RUNNING_CADENCE_SPM = 130.0
MIN_WALKING_CADENCE_SPM = 70.0
#: Above this cadence (steps/min) no person steps (60 / MIN_STEP_PERIOD_S): a sped-up clip.
MAX_HUMAN_CADENCE_SPM = 60.0 / MIN_STEP_PERIOD_S
#: Typical cadences (steps/min), for the slow-motion and sped-up factor estimates.
TYPICAL_CADENCE_SPM = {"running": 165.0, "walking": 110.0}
#: Below this frame rate, timing figures are coarse.
LOW_FPS = 60.0
#: The far leg hidden in more than this share of frames is pointed out.
OCCLUSION_NOTE_FRACTION = 0.05
#: Left/right differences above this share are pointed out (%).
ASYMMETRY_NOTE_PCT = 10.0
#: The common capture rates (fps) suggested for a slow-motion clip.
CAPTURE_RATES_FPS = (60.0, 120.0, 240.0, 480.0, 960.0)

#: Where each threshold comes from, or the reasoning behind it.
THRESHOLD_SOURCES: dict[str, str] = {
    "CLEAN_MIN_VISIBILITY": "MediaPipe's visibility is a probability; below 0.3 the landmark is mostly a guess",
    "CLEAN_MAX_GAP_S": "half of the shortest running contacts (~200 ms): a filled gap cannot hide a whole event",
    "CLEAN_CUTOFF_HZ": f"{WINTER_2009}; running kinematics are usually filtered at 10-12 Hz",
    "CLEAN_OUTLIER_MIN_FRACTION": "a foot moves up to ~10% of body height per frame at 30 fps in a sprint: "
    "not a glitch",
    "SLOW_GAP_STEPS": "CLEAN_MAX_GAP_S in step units (0.1 s at ~3 steps/s)",
    "SLOW_MAX_GAP_S": "cap on gap filling in file time",
    "CUTOFF_STEPS": f"CLEAN_CUTOFF_HZ in step units (12 Hz at 2.7 steps/s, 160 spm); {WINTER_2009}: walking "
    "markers are filtered at about 6 Hz, running at 10-12: the gait's bandwidth scales with its step rate, so "
    "does the cut-off (8.4 Hz for a walk at 113 spm)",
    "SLOW_STEP_S": "150 spm (the slowest real running cadence) is 0.4 s a step",
    "GRID_JITTER": "millisecond timestamps of a 29.97 fps clip vary by 3%; a dropped frame doubles an interval",
    "GRID_MAX_BRIDGE_S": "CLEAN_MAX_GAP_S plus the frame on each side: a linear bridge over 150 ms stays within a "
    "few mm for a foot in stance",
    "FRONTAL_SHOULDER_RATIO": "shoulder width is ~0.9 of the trunk length seen from the front (Winter 2009 "
    "segment fractions) and ~0.2 from the side; 0.45 lies between",
    "CROSSING_TRAVEL_LEGS": "a treadmill runner's pelvis moves less than a leg length; overground the runner crosses",
    "MIN_SEPARATION_AMPLITUDE": "a gait's feet separate by ~0.5-1 leg length in a side view (step length) and "
    "lift by > 0.1 leg length seen from behind; standing shows neither",
    "MIN_STEP_PERIOD_S": "the fastest human step rate is under 5 steps/s (elite sprinters at top speed, about "
    "4.5; Weyand PG et al. Faster top running speeds are achieved with greater ground forces not more rapid leg "
    "movements. J Appl Physiol 2000;89:1991-1999): 0.18 s (333 steps/min) leaves a margin; slow motion only "
    "lengthens it",
    "OCTAVE_SHARE": "a cyclic signal repeats at every multiple of its period, with a periodicity that noise and "
    "pace drift lower slowly; a stride is a step's multiple, so the shortest strong period is the step",
    "MIN_PERIODICITY": "autocorrelation at one step: 0.3 separates cyclic motion from fidgeting",
    "MIN_UPRIGHT_LEGS": "upright, the stance (lower) ankle is ~0.85-0.95 leg length below the hips at any stride "
    "length (the leg is at most ~30 deg from vertical at contact); in a plank or lying ~0",
    "MAX_UPRIGHT_TRUNK_DEG": f"{TENG_POWERS_2014}: runners lean 0-20 deg; a plank or a floor exercise holds the "
    "trunk near horizontal (90 deg); 45 lies between",
    "MIN_LEGS_SEEN": "every event is a foot's: with a leg in the picture in under half the frames, whole steps "
    "are guesses",
    "LEG_SEEN_VISIBILITY": "MediaPipe's visibility: below 0.5 the landmark is more likely hidden than seen",
    "LEG_LENGTH_WINDOW_S": "a few strides: foreshortening only shortens segments, the 90th percentile finds "
    "the full length",
    "FACING_WINDOW_S": "a runner does not turn around within half a second",
    "TRAVEL_SPEED_LEGS_S": "the slowest walk (~0.5 m/s) is ~0.6 leg lengths/s; a treadmill runner's pelvis, or a "
    "panning camera's following error, moves well under that over a second",
    "TRAVEL_WINDOW_S": "about two steps of walking: the pelvis's speed changes within a step, not its direction",
    "RUN_SWING_KNEE_DEG": f"{NOVACHECK_1998}: peak swing knee flexion > 90 deg running, 60-70 deg walking",
    "RUN_ELBOW_ANGLE_DEG": f"{NOVACHECK_1998}: runners hold the elbow near 90 deg, walkers nearly straight",
    "STEP_TOLERANCE": "step-to-step variability of steady gait is a few per cent; 0.6/1.45 catch a missed or "
    "spurious contact",
    "VERTICAL_SEARCH": "a contact or toe-off lies within about a third of a step of the horizontal extreme",
    "VERTICAL_TOLERANCE": "~2 cm of a 90 cm leg: landmark noise of a sharp phone clip",
    "MIN_PROMINENCE_FRACTION": "a contact's heel peak stands out by half the signal's range; a quarter rejects noise",
    "TOE_OFF_PHASE_RUNNING": f"{NOVACHECK_1998}: the toe-off falls at phase 2 DF of its own step in running "
    "and 2 DF - 1 of the next in walking; running duty factors are 0.25-0.45 (phase 0.5-0.9), walking "
    "0.55-0.7 (phase 0.1-0.4); a frame at 30 fps is ~0.1 of a step, so 0.4-0.6 is left to the cadence",
    "TOE_OFF_PHASE_WALKING": "see TOE_OFF_PHASE_RUNNING",
    "PELVIS_MECHANICS_MARGIN": "Cavagna GA, Heglund NC, Taylor CR. Mechanical work in terrestrial locomotion. Am J "
    "Physiol 1977;233:R243-61; Farley CT, Ferris DP. Exerc Sport Sci Rev 1998;26:253-85: walking vaults over the "
    "stance leg (highest at mid stance), running bounces on it (lowest), so the score is near +1 or -1 for a "
    "clean gait (-0.4 to -0.86 on the sample runs, +0.39 to +0.68 on the walks); a fifth of the range is "
    "left to noise",
    "STANCE_STEPS_RUNNING": f"{NOVACHECK_1998}: running duty factors 0.2 (sprint) to below 0.5 (a flight phase); a "
    "stance lasts 2 DF step periods",
    "STANCE_STEPS_WALKING": f"{NOVACHECK_1998}: walking duty factors above 0.5 (double support), about 0.6 at a "
    "normal pace and at most about 0.8 in a very slow walk; a stance lasts 2 DF step periods",
    "TOE_OFF_SEARCH_STEPS": f"{NOVACHECK_1998}: a stance lasts 2 DF steps and the duty factor DF is at most"
    " about 0.8 even in a slow walk (1.6 steps); 1.8 steps covers that and stays before the same foot's next"
    " contact, 2 steps later",
    "RUNNING_CADENCE_SPM": f"{LIEBERMAN_2015}; {HEIDERSCHEIT_2011}: running cadences lie ~150-200 spm; nobody "
    "walks at 140 (race walking aside)",
    "WALKING_CADENCE_SPM": f"{TUDOR_LOCKE_ROWE_2012}: walking 81-138 spm; running below 135 spm does not occur "
    "in real time",
    "REFINE_HALF_WINDOW_S": "a corner is located within +-20 ms (a frame or two)",
    "REFINE_FIT_STEPS": "the heel and toe move on near-straight lines only near a landing or push-off (before a "
    "landing the heel decelerates over the end of the swing), a span that scales with the gait cycle: a fit over a "
    "fixed number of rows spanned twice as much of it at 30 fps and read contacts 15 ms early and 250-ms contacts "
    "30 ms long on generated gaits (0.19 step is the 4 rows validated on the 60 fps treadmill, 21 rows a step)",
    "MIN_STEPS": "two strides: the least from which a left/right mean and a cadence can be measured",
    "LOADING_SHARE": f"{NOVACHECK_1998}: peak stance knee flexion falls at mid stance (~40-50% of stance)",
    "RFS_MIN_DEG": f"{ALTMAN_DAVIS_2012}",
    "FFS_MAX_DEG": f"{ALTMAN_DAVIS_2012}",
    "OCCLUDED_VISIBILITY": "MediaPipe's visibility: below 0.5 the landmark is more likely hidden than seen",
    "CADENCE_CHECK_TOLERANCE": "a missed or doubled contact in 30 steps moves the count by ~3%",
    "PASS_GAP_STEPS": "a turn or a stop lasts more than two steps",
    "PASS_OUTLIER_STEPS": "an instant off by a third of a step is a mis-placed event, not jitter",
    "MIN_STEP_SE_S": "1 ms: well below a frame at 240 fps",
    "STEADY_MIN_STEPS": "the first and last step of a pass (entering the frame, turning) are not steady",
    "CLOCK_AGREEMENT": "the step clocks of one pass agree within a few per cent when all are sound",
    "PACE_CHANGE": "cadence rises only a few per cent per km/h (speed comes mostly from stride length) and drifts "
    "by up to ~5% within a steady run; distinct paces (the issue's 163-236 spm over five) differ by 8% and more",
    "PACE_MIN_STEPS": "two strides, as MIN_STEPS",
    "PACE_REGULARITY": "steady gait's step-to-step variability is 2-3% of a step; event timing at 30 fps adds about "
    "a frame (~10% of a step at 180 spm): more scatter than that is missed or spurious contacts",
    "PACE_SPLIT_DEPTH": "32 parts of at least 4 steps: more paces than an interval session's clip shows; every "
    "split is judged again when the parts are merged",
    "PASS_MARGIN_STEPS": "the pelvis's highest point falls about half a step from a contact",
    "FRONTAL_GROUND_BAND": "the stance foot stays within the bottom ~15% of its lift",
    "OBLIQUE_VIEW_DEG": "a distance along the run reads cos(angle) of its length: 1 - cos 30 deg = 13%, 4 cm of a "
    "30-cm overstride, its reproducibility tolerance; angles from the vertical shrink as tan x cos (a 10-deg "
    "lean reads 8.7 at 30 deg, within its 2.5). MediaPipe's 3D pose puts the side-view samples and their "
    "variants at 0-16 deg (a camera set up square-on by eye), the rear one at 86-89: below 30 the reading "
    "does not tell a turned camera from a square one",
    "FRONTAL_UPRIGHT_TRUNKS": "upright, the ankles are ~1.5 trunk lengths below the hips",
    "FRONTAL_PROMINENCE_FRACTION": "an extremum of the pelvis's bounce stands out by a third of its range",
    "FRONTAL_MIN_SIGNAL_PERIODICITY": "autocorrelation of 0.2 at the step lag: a signal with a period",
    "FRONTAL_SCALE_CHANGE_NOTE": "30% size change: perspective distorts frontal angles noticeably",
    "FRONTAL_ROLL_NOTE_DEG": "1 deg: the smallest pelvic drop difference of interest (Bramah 2018)",
    "MIN_RELIABLE_STEPS": "two strides, as MIN_STEPS: a median of fewer steps is one stride's value",
    "DUTY_FACTOR_RUNNING": f"{NOVACHECK_1998}: running has a flight phase (duty factor < 0.5), walking double "
    "support (> 0.5)",
    "SEGMENT_MARGIN_STEPS": "half a step: a step's contact and its mid stance are less than half a step apart",
    "MIXED_CADENCE_SHARE": "cadence changes by ~10% between an easy and a fast pace (Heiderscheit 2011 changed "
    "step rate by 5-10%); step-to-step variability is 2-3%",
    "REPRODUCIBILITY": "the running issue's tolerances: contact 20 ms (a frame at 50 fps), trunk lean 2.5 deg, knee "
    "at contact 5 deg, overstride 4 cm, vertical oscillation 1.5 cm (about a tenth of each range's width)",
    "OBLIQUE_TOLERANCE": "REPRODUCIBILITY's tolerance of the figure; a segment's angle from the vertical (the "
    "shank's) as the trunk's, a joint angle (the knee's peak) as the knee's at contact",
    "MAX_OBLIQUE_YAW_DEG": "at 90 deg the plane of the run is seen edge-on (cos 90 = 0) and nothing in it can be "
    "worked back; at 85 a distance reads a twelfth of its length, far past every tolerance",
    "CADENCE_REPRODUCIBILITY": "the running issue's 1%: 1-2 steps/min, under the 5-10% change a cadence "
    "retraining aims at (Heiderscheit 2011)",
    "MIDSTANCE_FIGURES": f"{NOVACHECK_1998}: stance knee flexion peaks at mid stance, when the other leg is at mid "
    "swing and passes it; in a side view the knees then overlap",
    "FULL_ANALYSIS_STEPS": "three steps a foot: the least from which each side's median and spread, and so a "
    "left/right comparison, can be had",
    "MIN_RUNNING_CADENCE_SPM": "running cadences lie ~150-200 spm at endurance speeds; below 130 a clip is slow motion",
    "MIN_WALKING_CADENCE_SPM": f"{TUDOR_LOCKE_ROWE_2012}: walking 81-138 spm; below 70 a clip is slow motion",
    "MAX_HUMAN_CADENCE_SPM": "60 / MIN_STEP_PERIOD_S: the fastest human step rate is under 5 steps/s (Weyand et al. "
    "2000), so a clip whose legs cycle faster plays faster than real time",
    "TYPICAL_CADENCE_SPM": f"{LIEBERMAN_2015}; {TUDOR_LOCKE_2019}",
    "LOW_FPS": "one frame at 30 fps is ~13% of a 250 ms contact",
    "OCCLUSION_NOTE_FRACTION": "hidden in 1 frame out of 20",
    "ASYMMETRY_NOTE_PCT": "a common clinical rule of thumb for limb symmetry (10%)",
    "CAPTURE_RATES_FPS": "the rates phones film at",
}
