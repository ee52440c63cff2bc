"""A closer look for a person too small in the picture for the pose model's detector.

MediaPipe's landmarker looks for people with a detector that sees the whole frame at 224 x 224
pixels: a person 200 px tall in a 1768-px-wide frame is 25 px there, and is not found (a walker
filmed from across a lawn, a runner at the far side of a track). When the ordinary pose pass finds
a person in too few frames to analyse, the pipeline runs the pass again with a `CloserLook`:

- while fewer than two people are found, the same model looks in square tiles two thirds of the
  frame's short side, overlapping by half (a person who fits in a third of the frame's height fits
  in a tile, 1.5 (square frame) to 2.7 (16:9) times larger at the model's input), at most every
  TILE_SEARCH_EVERY_S and MAX_TILE_SEARCHES times a clip (the tiles cost ten inferences at 16:9);
- for each person of the previous frame with no match in this one, it looks in a square around
  where they were, twice their size. What it finds there is kept only if it is the same person:
  its box centre within MAX_CENTRE_SHIFT of the previous box's size of the previous centre and its
  size within MAX_SIZE_RATIO of it (in a thirtieth of a second a runner moves about a tenth of
  their height and their size changes by a few per cent), and it is not someone already found.

The closer look is not used on clips the ordinary pass handles: measured on the rear-view sample,
frames it added at the end of the clip (a runner 70 px of trunk) made the bounce-based step
detection worse, not better (bench/RESULTS_running.md, round 15).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from .frames import Detection, Frame

#: The search square's side around a lost person, in multiples of their larger box dimension.
SEARCH_SIDE = 2.0
#: The person found must lie within this fraction of the lost person's box size (its diagonal)...
MAX_CENTRE_SHIFT = 0.5
#: ... and be at most this factor larger or smaller than them.
MAX_SIZE_RATIO = 1.33
#: A person nearer than this fraction of another's size is taken to be them.
SAME_PERSON_SHIFT = 0.6
#: The smallest search square the model is given (pixels of the frame's image).
MIN_SEARCH_PX = 32
#: A tile's side, as a share of the frame's short side; tiles overlap by half of it.
TILE_SHARE = 2.0 / 3.0
#: The tiles are searched at most this often (s of the clip) while fewer than two people are found...
TILE_SEARCH_EVERY_S = 0.2
#: ... and at most this many times in a clip (a long clip with nobody in it would otherwise cost ten
#: inferences every 0.2 s: a 10-minute clip 30,000, about 20 minutes; capped, about a minute).
MAX_TILE_SEARCHES = 150


class PersonFinder(Protocol):
    """What the closer look needs of a landmarker: `pose.PoseEstimator.detect`."""

    def detect(self, frame: Frame, width: int, height: int) -> tuple[list[Detection], list[np.ndarray]]: ...


Box = tuple[int, int, int, int]


def near(a: Detection, b: Detection) -> bool:
    """Whether b is within SAME_PERSON_SHIFT of a's size of a (taken for the same person)."""
    return float(np.linalg.norm(a.centre - b.centre)) < SAME_PERSON_SHIFT * a.size


def unmatched(previous: list[Detection], found: list[Detection]) -> list[Detection]:
    """The people of `previous` with nobody of `found` near them."""
    return [p for p in previous if not any(near(p, q) for q in found)]


def search_box(person: Detection, frame: Frame) -> Box | None:
    """The search square around `person` (full-resolution pixels) in the frame's image pixels,
    (x0, y0, x1, y1) clipped to the image; None when too small to search."""
    xy = person.xy * frame.scale
    finite = np.isfinite(xy).all(axis=1)
    if not finite.any():
        return None
    lo, hi = xy[finite].min(axis=0), xy[finite].max(axis=0)
    half = 0.5 * SEARCH_SIDE * float(np.max(hi - lo))
    cx, cy = (lo + hi) / 2.0
    h, w = frame.image.shape[:2]
    x0, y0 = max(0, int(np.floor(cx - half))), max(0, int(np.floor(cy - half)))
    x1, y1 = min(w, int(np.ceil(cx + half))), min(h, int(np.ceil(cy + half)))
    if x1 - x0 < MIN_SEARCH_PX or y1 - y0 < MIN_SEARCH_PX:
        return None
    return x0, y0, x1, y1


def tile_boxes(width: int, height: int) -> list[Box]:
    """Square tiles (x0, y0, x1, y1) of TILE_SHARE of the short side covering a width x height
    image, overlapping by at least half a tile."""
    side = max(MIN_SEARCH_PX, int(round(TILE_SHARE * min(width, height))))

    def starts(length: int) -> list[int]:
        if length <= side:
            return [0]
        count = int(np.ceil((length - side) / (0.5 * side))) + 1
        return sorted({int(round(v)) for v in np.linspace(0, length - side, count)})

    return [(x, y, min(width, x + side), min(height, y + side)) for y in starts(height) for x in starts(width)]


def look_in(finder: PersonFinder, frame: Frame, box: Box) -> list[Detection]:
    """The people `finder` sees in `box` (image pixels) of `frame`, in full-resolution pixels of the frame."""
    x0, y0, x1, y1 = box
    crop = Frame(frame.index, frame.time_s, np.ascontiguousarray(frame.image[y0:y1, x0:x1]), frame.scale)
    people, _ = finder.detect(crop, int(round((x1 - x0) / frame.scale)), int(round((y1 - y0) / frame.scale)))
    out = []
    for det in people:
        values = det.values.copy()
        values[:, 0] += x0 / frame.scale
        values[:, 1] += y0 / frame.scale
        out.append(Detection(values))
    return out


def same_person(lost: Detection, candidate: Detection) -> bool:
    """Whether `candidate`, found one frame after `lost`, can be them (see the module docstring)."""
    ratio = candidate.size / max(lost.size, 1e-9)
    shift = float(np.linalg.norm(candidate.centre - lost.centre)) / max(lost.size, 1e-9)
    return shift <= MAX_CENTRE_SHIFT and 1.0 / MAX_SIZE_RATIO <= ratio <= MAX_SIZE_RATIO


def tile_interval_s(duration_s: float) -> float:
    """Seconds between two tile searches in a clip of `duration_s`: TILE_SEARCH_EVERY_S, longer
    where the clip would need more than MAX_TILE_SEARCHES."""
    return max(TILE_SEARCH_EVERY_S, duration_s / MAX_TILE_SEARCHES)


def look_again(
    finder: PersonFinder, frame: Frame, previous: list[Detection], found: list[Detection], max_people: int
) -> list[Detection]:
    """`found` (this frame's people from the whole-frame pass) and, after them, each person of the
    `previous` frame who was lost and is found again near where they were (at most `max_people` in all)."""
    people = list(found)
    for lost in unmatched(previous, found):
        if len(people) >= max_people:
            break
        box = search_box(lost, frame)
        if box is None:
            continue
        candidates = [c for c in look_in(finder, frame, box) if same_person(lost, c) and unmatched([c], people)]
        if candidates:
            people.append(min(candidates, key=lambda c: float(np.linalg.norm(c.centre - lost.centre))))
    return people


def look_in_tiles(finder: PersonFinder, frame: Frame, max_people: int) -> list[Detection]:
    """The people found in the frame's tiles (`tile_boxes`), one per person (a person in two
    overlapping tiles counts once: the larger find, the one the tile holds more wholly), largest
    first, at most `max_people`."""
    h, w = frame.image.shape[:2]
    finds = [d for box in tile_boxes(w, h) for d in look_in(finder, frame, box)]
    people: list[Detection] = []
    for det in sorted(finds, key=lambda d: -d.size):
        if not any(near(p, det) or near(det, p) for p in people):
            people.append(det)
    return people[:max_people]


class CloserLook:
    """The closer look along one stream of frames (see the module docstring), with `finder` (an
    IMAGE-mode landmarker of one person), the tiles searched at most every `tiles_every_s`
    (`tile_interval_s`); `people(frame, found)` gives each frame's people."""

    def __init__(self, finder: PersonFinder, max_people: int, tiles_every_s: float = TILE_SEARCH_EVERY_S) -> None:
        self._finder = finder
        self._max_people = max_people
        self._tiles_every_s = tiles_every_s
        self._previous: list[Detection] = []
        self._last_tiles_s = -np.inf
        self.added = 0  # people found by the closer look, summed over frames

    def people(self, frame: Frame, found: list[Detection]) -> list[Detection]:
        """This frame's people: `found` by the whole-frame pass, then anyone of the previous frame
        found again near where they were, then (fewer than `max_people` so far) anyone else in the tiles."""
        people = found
        if len(found) < self._max_people and unmatched(self._previous, found):
            people = look_again(self._finder, frame, self._previous, found, self._max_people)
        if len(people) < self._max_people and frame.time_s - self._last_tiles_s >= self._tiles_every_s:
            self._last_tiles_s = frame.time_s
            new = [d for d in look_in_tiles(self._finder, frame, self._max_people) if unmatched([d], people)]
            people = people + new[: self._max_people - len(people)]
        self.added += len(people) - len(found)
        self._previous = people
        return people
