"""Thresholds and reference ranges of the wall test and standing posture: data, with sources.

There is **no validated centimetre cut-off** for the lumbar gap in the wall test. The figures here
are the seed's rule of thumb and popular clinic guidance; formcheck presents them as a screening,
never a diagnosis. Heuristics of formcheck's own (capture checks, plumb-line bands) are marked so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ...reference import ReferenceRange

SEED_RULE_SOURCE = (
    "The hand rule of the wall test, a rule of thumb of physiotherapy and fitness practice: a flat hand "
    "fits behind the lower back = typical, more than one hand's thickness suggests excess lordosis. "
    "No validated centimetre cut-off exists in the literature."
)
POPULAR_RANGE_SOURCE = (
    "Popular and clinic guidance on the wall test: a lumbar gap of roughly 2.5-5 cm (1-2 inches) "
    "is commonly quoted as typical; not a validated cut-off."
)
KENDALL_SOURCE = (
    "Kendall FP, McCreary EK, Provance PG et al. Muscles: Testing and Function with Posture and Pain, "
    "5th ed. 2005, ch. 2 (ideal alignment: the plumb line passes slightly in front of the lateral "
    "malleolus and through the knee, the greater trochanter, the acromion and the ear lobe)"
)
CVA_SOURCE = (
    "Yip CHT, Chiu TTW, Poon ATK. The relationship between head posture and severity and disability of "
    "patients with neck pain. Man Ther 2008;13(2):148-154 (smaller CVA = more forward head); "
    "Salahzadeh Z et al. Assessment of forward head posture in females: observational and photogrammetry "
    "methods. J Back Musculoskelet Rehabil 2014;27(2):131-139 (CVA below about 48-50 deg read as forward head)"
)
RECURVATUM_SOURCE = (
    "Loudon JK, Goist HL, Loudon KL. Genu recurvatum syndrome. J Orthop Sports Phys Ther "
    "1998;27(5):361-367 (knee hyperextension beyond about 5 deg is called genu recurvatum)"
)
HEURISTIC = "formcheck heuristic (not a published cut-off)"


@dataclass(frozen=True)
class LordosisThresholds:
    """Classification of the lumbar gap. flat_below_hands: a gap under this many hands is 'flat';
    excess_above_hands: over this many hands 'possible excess lordosis'; between: 'typical'.
    When `*_cm` is set it is used instead of the hands figure (a fixed cm rule)."""

    name: str
    flat_below_hands: float | None
    excess_above_hands: float | None
    source: str
    flat_below_cm: float | None = None
    excess_above_cm: float | None = None

    def bounds_cm(self, hand_cm: float) -> tuple[float, float]:
        """(flat-below, excess-above) in cm for a given hand thickness."""
        flat = self.flat_below_cm if self.flat_below_cm is not None else float(self.flat_below_hands or 0.0) * hand_cm
        excess = (
            self.excess_above_cm
            if self.excess_above_cm is not None
            else float(self.excess_above_hands or 0.0) * hand_cm
        )
        return flat, excess


#: The default (the seed's rule): more than one hand = possible excess lordosis; less than about
#: half a hand (the popular "fingers fit" picture: a finger or two) = flat.
SEED_RULE = LordosisThresholds(name="seed_rule", flat_below_hands=0.5, excess_above_hands=1.0, source=SEED_RULE_SOURCE)
#: The popular 2.5-5 cm band as an alternative rule.
POPULAR_RANGE = LordosisThresholds(
    name="popular_2.5_5cm",
    flat_below_hands=None,
    excess_above_hands=None,
    source=POPULAR_RANGE_SOURCE,
    flat_below_cm=2.5,
    excess_above_cm=5.0,
)
LORDOSIS_RULES = {SEED_RULE.name: SEED_RULE, POPULAR_RANGE.name: POPULAR_RANGE}
DEFAULT_LORDOSIS_RULE = SEED_RULE


@dataclass(frozen=True)
class GapUncertainty:
    """What the lumbar gap's uncertainty (1 standard deviation) is made of; used for the
    classification confidence. All formcheck heuristics from the mask's edge blur and the scale."""

    edge_px: float = 2.0  # the mask's edge is soft over a few pixels at both ends of the distance
    scale_given: float = 0.03  # relative scale error with the stature given (posture, shoes, hair)
    scale_assumed: float = 0.10  # relative scale error with the default stature (adult SD ~ 6%, plus the above)
    clothing_cm: float = 1.0  # extra when loose clothing may hide the outline
    contacts_off_cm: float = 1.0  # extra when the back line does not touch at the buttocks and upper back


GAP_UNCERTAINTY = GapUncertainty()


@dataclass(frozen=True)
class CaptureLimits:
    """Capture checks, each with its reason.

    max_shoulder_width_ratio / max_hip_width_ratio: left-right distance of the shoulders (hips)
    over the trunk length. Seen from the front the shoulders are 0.259 H apart (biacromial breadth,
    Drillis & Contini in Winter 2009) over a 0.288 H trunk: 0.9; turned by an angle a from side-on
    the distance is 0.9 sin a, so 0.3 allows about 20 deg of turn. The hip landmarks (joint centres,
    about 0.1 H apart) give 0.35 from the front; in a side view they jitter by about 0.1 trunk
    lengths from frame to frame, so their limit, 0.25, is looser in angle but above that noise.
    max_trunk_from_vertical_deg: beyond this the person is not standing (a plank is ~90 deg).
    border_fraction: the body mask may come no closer than this share of the image height to the
    top or bottom edge (else the head or the feet are cut off).
    min_end_visibility: the head and feet landmarks need this MediaPipe visibility.
    max_back_to_hip_fraction: distance from the hip landmark to the back outline over the stature;
    more suggests loose clothing (fitted clothing on the samples: 0.07-0.09).
    max_roll_correction_deg: camera roll found from vertical lines is corrected up to this; more is
    only warned about. min_roll_to_correct_deg: below this no correction is applied.
    """

    max_shoulder_width_ratio: float = 0.3
    max_hip_width_ratio: float = 0.25
    max_trunk_from_vertical_deg: float = 35.0
    border_fraction: float = 0.004
    min_end_visibility: float = 0.5
    max_back_to_hip_fraction: float = 0.12
    max_roll_correction_deg: float = 10.0
    min_roll_to_correct_deg: float = 1.0
    contact_tolerance_cm: float = 1.5  # a body point within this of the wall edge touches it
    wall_search_fraction: float = 0.12  # a wall edge is looked for this far (x stature) behind the back
    min_wall_length_fraction: float = 0.35  # its visible length, as a share of the stature


CAPTURE = CaptureLimits()


@dataclass(frozen=True)
class StandingRecognition:
    """How much a clip looks like standing still (for `kind = auto`): each cue scores 1 at its `good`
    value or better and 0 at its `bad` value or worse, linearly between.

    trunk_deg: trunk from vertical. Quiet standing sways a few degrees; 35 deg is where a person no
    longer stands (CAPTURE.max_trunk_from_vertical_deg); 10 deg leaves room for a forward head and a
    tilted camera.
    knee_deg: median knee flexion. Standing knees are within about 5-10 deg of straight (0-5 deg is
    Kendall's ideal; landmark noise adds a few); 40 deg is a squat, not standing.
    drop_trunks: how far the ankles are below the hips, in trunk lengths. Standing: the leg length
    (0.491 H, Winter 2009) over the trunk (0.288 H) = 1.7; at 1.2 the good score still allows a
    camera looking down; 0.6 is sitting or kneeling.
    still_speed: the hips and ankles of a person standing move less than this many body heights per
    second (walking moves about 0.8 H/s, so 0.15 H/s is clearly not walking; postural sway is far less).
    still_share: the share of frames that must be that still (0.7 good, 0.3 none).
    front_view_score: the side cue of a front or rear view: still standing, so the wall analysis is
    picked and can explain that it needs a side view, rather than another analysis.
    """

    trunk_good_deg: float = 10.0
    trunk_bad_deg: float = 35.0
    knee_good_deg: float = 12.0
    knee_bad_deg: float = 40.0
    drop_good_trunks: float = 1.2
    drop_bad_trunks: float = 0.6
    still_speed_heights_per_s: float = 0.15
    still_share_good: float = 0.7
    still_share_bad: float = 0.3
    front_view_score: float = 0.55


STANDING = StandingRecognition()

#: Stature fraction of the mask's top-to-bottom extent: the mask includes hair and shoes, which a
#: stature measurement does not (about +1.5 cm, i.e. 1%); formcheck heuristic.
MASK_EXTENT_PER_STATURE = 1.01


def gap_references(rule: LordosisThresholds, hand_cm: float) -> dict[str, ReferenceRange]:
    """The lumbar gap's ranges in cm and in hands, both from the classification rule in use (its
    flat and excess bounds), so that the two figures and the classification always agree."""
    flat_cm, excess_cm = rule.bounds_cm(hand_cm)
    in_hands = f"{flat_cm / hand_cm:.2g}-{excess_cm / hand_cm:.2g} hands of {hand_cm:g} cm"
    note = (
        f"the wall test's classification rule in use: under {flat_cm:.1f} cm reads as flat, over "
        f"{excess_cm:.1f} cm as possible excess lordosis ({in_hands}); no validated cm cut-off exists"
    )
    return {
        "lumbar_gap_cm": replace(
            REFERENCES["lumbar_gap_cm"], low=round(flat_cm, 2), high=round(excess_cm, 2), source=rule.source, note=note
        ),
        "lumbar_gap_hands": replace(
            REFERENCES["lumbar_gap_hands"],
            low=round(flat_cm / hand_cm, 2),
            high=round(excess_cm / hand_cm, 2),
            source=rule.source,
            note=note,
        ),
    }


REFERENCES: dict[str, ReferenceRange] = {
    "lumbar_gap_cm": ReferenceRange(
        metric="lumbar_gap_cm",
        label="Lumbar gap to the wall / back line",
        unit="cm",
        low=2.5,
        high=5.0,
        convention="largest perpendicular distance from the back line (or the wall) to the lower back, >= 0",
        source=POPULAR_RANGE_SOURCE,
        note="no validated cm cut-off exists; the classification uses the hand rule (lumbar_gap_hands)",
    ),
    "lumbar_gap_hands": ReferenceRange(
        metric="lumbar_gap_hands",
        label="Lumbar gap in flat-hand thicknesses",
        unit="hands",
        low=0.5,
        high=1.0,
        convention="lumbar_gap_cm divided by the flat hand's thickness (`hand_cm`)",
        source=SEED_RULE_SOURCE,
        note="more than 1 hand suggests hyperlordosis; under half a hand reads as flat",
    ),
    "craniovertebral_angle_deg": ReferenceRange(
        metric="craniovertebral_angle_deg",
        label="Craniovertebral angle (forward head)",
        unit="deg",
        low=48.0,
        high=None,
        convention="angle at the C7 proxy between the horizontal and the line to the ear (tragus); 90 = ear "
        "straight above, smaller = head further forward. C7 proxy: the back of the body outline 5% of "
        "the stature above the shoulder landmark (the base of the neck)",
        source=CVA_SOURCE,
        note="a photo-based proxy of the clinical CVA (skin marker on C7); hair or a collar at the neck base "
        "moves it. Compare your own photos over time rather than with others",
    ),
    "craniovertebral_angle_shoulder_deg": ReferenceRange(
        metric="craniovertebral_angle_shoulder_deg",
        label="Ear-over-shoulder angle",
        unit="deg",
        low=None,
        high=None,
        convention="as the craniovertebral angle, but at the shoulder landmark instead of C7; 90 = ear straight "
        "above the shoulder, smaller = head further forward",
        source="landmark-only variant, no published range (the shoulder joint lies in front of C7, so it reads "
        "well above the clinical CVA)",
    ),
    "trunk_inclination_deg": ReferenceRange(
        metric="trunk_inclination_deg",
        label="Trunk inclination",
        unit="deg",
        low=-5.0,
        high=5.0,
        convention="hip -> shoulder line from the vertical; 0 = upright, positive = leaning forward (toward the "
        "face), negative = leaning back (sway)",
        source=f"{KENDALL_SOURCE}; band: {HEURISTIC}",
    ),
    "knee_extension_deg": ReferenceRange(
        metric="knee_extension_deg",
        label="Knee extension",
        unit="deg",
        low=-5.0,
        high=5.0,
        convention="hip-knee-ankle: 0 = straight, positive = flexed (bent), negative = hyperextended "
        "(knee behind the hip-ankle line)",
        source=RECURVATUM_SOURCE,
    ),
}

for _name, _label in (("ear", "Ear"), ("shoulder", "Shoulder"), ("hip", "Hip"), ("knee", "Knee")):
    REFERENCES[f"{_name}_offset_cm"] = ReferenceRange(
        metric=f"{_name}_offset_cm",
        label=f"{_label} offset from the plumb line",
        unit="cm",
        low=-3.0,
        high=7.0,
        convention="horizontal distance from the vertical through the ankle landmark; positive = in front "
        "(toward the face), negative = behind",
        source=f"{KENDALL_SOURCE}; band: {HEURISTIC}",
        note="ideal alignment puts the point on a line about 1-2 cm in front of the ankle bone; the band allows "
        "for landmark error, there is no validated cm range",
    )
