"""Synthetic people made by formcheck's own code, for the app's examples and for tests: every answer
is known by construction. Each example here is a `PoseSource` (no pose model runs):

    run_treadmill   a runner on a treadmill from the side (`gaitsim`: 170 steps/min, 220 ms contact)
    plank_fading    a forearm plank held 30 s whose hips sag in the last seconds (`synthetic.plank`)
    wall_photo      a wall-test photo: a person against a wall with a 4 cm lumbar gap (`synthetic.wall`)
"""

from __future__ import annotations

from collections.abc import Callable

from ..gaitsim import GaitSpec, simulate
from ..sequence import MediaInfo, PoseSequence
from ..sources import PoseSource, SequenceSource
from .plank import fading_hold
from .wall import WallScene


def _track_info(name: str, seq: PoseSequence) -> MediaInfo:
    width, height = seq.frame_size
    return MediaInfo(
        path=name,
        kind="track",
        width=width,
        height=height,
        fps=seq.fps,
        duration_s=float(seq.timestamps_s[-1]),
        frames=len(seq),
        rotation=0,
        codec="landmarks",
        playback_fps=seq.fps,
    )


def _runner() -> PoseSource:
    spec = GaitSpec(
        cadence_spm=170.0,
        contact_ms=220.0,
        duration_s=8.0,
        fps=60.0,
        noise_px=1.0,
        frame_size=(1280, 720),
        px_per_cm=3.2,
    )
    seq, _ = simulate(spec)
    return SequenceSource((seq,), _track_info("synthetic_runner.npz", seq))


def _plank() -> PoseSource:
    seq = fading_hold()
    return SequenceSource((seq,), _track_info("synthetic_plank.npz", seq))


#: Each synthetic example by name: a function giving its source.
EXAMPLES: dict[str, Callable[[], PoseSource]] = {
    "run_treadmill": _runner,
    "plank_fading": _plank,
    "wall_photo": WallScene,
}


def example_source(name: str) -> PoseSource:
    """The synthetic example `name` (KeyError naming the known ones otherwise)."""
    if name not in EXAMPLES:
        raise KeyError(f"no synthetic example {name!r}: choose one of {', '.join(EXAMPLES)}")
    return EXAMPLES[name]()
