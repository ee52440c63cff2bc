"""How to film or photograph each analysis: short, practical, per analysis."""

from __future__ import annotations

import streamlit as st

from ..kinds import kind_spec

GENERAL = (
    "Put the phone on a tripod, a shelf or a chair: a steady camera matters more than resolution.",
    "The whole body in the frame, head to feet, with a little margin; only one person in view.",
    "Good, even light from the front or the side (not a bright window behind the person); fitted clothing "
    "in a colour that stands out from the background.",
    "Give the person's stature in the settings: it turns pixels into centimetres.",
)

#: Per analysis: (when to use it, how to film it).
GUIDES: dict[str, tuple[str, tuple[str, ...]]] = {
    "wall": (
        "Standing posture against a wall (the wall test): the gap between the lower back and the wall, "
        "head and shoulder position, the plumb line.",
        (
            "Stand with heels, buttocks, shoulder blades and the back of the head against a wall; a photo (or 2-3 s "
            "of standing still on video) from the side. No wall? formcheck then uses the line touching the "
            "buttocks and the upper back instead.",
            "Camera side-on at hip height, 2-4 m away, square to the wall; phone upright and level.",
            "The whole body in the picture, with a little space above the head and below the feet.",
            "Fitted clothing (a loose shirt hides the lower back); arms hanging in front of the hips, not behind.",
            "A plain background helps; a door frame or wall corner in the picture lets formcheck check that the "
            "camera was level.",
        ),
    ),
    "plank": (
        "Plank holds (forearm, high, knee, side plank): body line, hip sag or pike, hold time, steadiness.",
        (
            "Front, high and knee planks from the side; side planks from the front (camera facing the chest) or "
            "from behind.",
            "Camera at floor or hip height, 2-4 m away; landscape works best.",
            "The whole body from head to feet in view for the whole hold.",
            "Start filming before getting into position and stop after coming out of it (a photo shows form only, "
            "not the hold time).",
        ),
    ),
    "run": (
        "Running or walking gait: cadence, foot strike, knee and trunk angles, contact time, per-step table.",
        (
            "Side view: camera at hip height, 3-5 m away, level, square to the direction of running and fixed "
            "(no panning or zoom); the whole body, feet included, in the frame.",
            "5-10 s of steady running or walking (at least two strides; shorter clips are refused). On a treadmill, "
            "film after a minute of warm-up.",
            "60 fps or more; 120-240 fps for contact and flight times. For a slow-motion or sped-up clip give its "
            "capture frame rate in the settings.",
            "Rear view (pelvic drop, step width, knee collapse): camera behind the runner at hip height, ideally "
            "on a treadmill (a runner moving away soon gets small).",
        ),
    ),
}


def guide_panel() -> None:
    """The filming guide: general advice, then one section per analysis."""
    st.subheader("How to film")
    st.markdown("\n".join(f"- {line}" for line in GENERAL))
    for kind, (what, steps) in GUIDES.items():
        st.markdown(f"#### {kind_spec(kind).label}")
        st.markdown(f"*{what}*")
        st.markdown("\n".join(f"- {line}" for line in steps))
