"""Reference ranges for running and walking gait: data with their sources. Ranges are context, not
pass/fail verdicts: the literature reports typical values of healthy runners, not targets.
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
            "peak-to-peak up-down motion of the hip centre per step (scaled from stature)",
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
            "at mid stance (the pelvis's lowest point), drop of the swing-side hip below the stance-side "
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

#: Coaching content for findings: (cue, drill) per metric.
COACHING = {
    "overstride": (
        "Land with the shin close to vertical and the foot under your knee; think 'quick, light feet'.",
        "Try +5% cadence with a metronome for a few runs a week (Heiderscheit 2011); "
        "add strides and A-skips to rehearse landing under the body.",
    ),
    "cadence": (
        "If you overstride or have knee pain, try raising your own step rate by 5-10%, not to a fixed 180.",
        "Metronome app set to your cadence + 5% for 2-3 minute blocks within easy runs.",
    ),
    "trunk_lean": (
        "Run tall with a slight lean from the ankles, not a bend at the waist.",
        "Wall leans and core strength work (planks, dead bugs) 2-3 times a week.",
    ),
    "knee_contact": ("Land with a softly bent knee under the body.", "Cadence +5% and short hill strides."),
    "oscillation": ("Think 'run forward, not up'; keep the bounce small.", "Cadence +5%; quick-feet drills."),
    "pelvic_drop": (
        "Keep the hips level when you land; squeeze the glute of the standing leg.",
        "Glute strength work: side planks, single-leg squats, hip hikes, 2-3 times a week.",
    ),
    "crossover": (
        "Land each foot under its own hip, as if on two lines.",
        "Run along a painted line with one foot each side; hip abductor strength work.",
    ),
    "knee_collapse": (
        "Keep the knee over the second toe when you land.",
        "Single-leg squats in front of a mirror, lateral band walks, step-downs.",
    ),
    "general": (
        "Build mileage gradually; mix surfaces (trails, grass, track) and cross-train (cycling, swimming) "
        "to vary the load.",
        "Core and glute strength work twice a week.",
    ),
}


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
    )
}
