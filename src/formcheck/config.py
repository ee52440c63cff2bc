"""Settings of one analysis: a frozen dataclass, validated on construction, hashable for caching."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import UsageError

KINDS = ("auto", "wall", "plank", "run", "pose")
VIEWS = ("auto", "side", "rear", "front")
VARIANTS = ("auto", "forearm", "high", "knee", "side_left", "side_right", "side_knee")
#: The wall test's lordosis rules (thresholds and sources in reference/wall.py): the seed's hand rule
#: (default) or the popular 2.5-5 cm band.
LORDOSIS_RULES = ("seed_rule", "popular_2.5_5cm")

#: Stature assumed when none is given: a round adult figure; results are then marked "assumed scale".
DEFAULT_HEIGHT_CM = 170.0
#: Thickness of a flat adult hand (palm, across the metacarpals), used to express the wall gap in hands.
DEFAULT_HAND_CM = 3.0
#: Longest frame side fed to the pose model; larger frames are downscaled (coordinates stay in full pixels).
DEFAULT_MAX_SIDE_PX = 1920


@dataclass(frozen=True)
class Settings:
    """Everything a user can set for one analysis.

    height_cm:    the person's stature, for pixel -> cm scaling (None: DEFAULT_HEIGHT_CM, marked assumed)
    capture_fps:  real capture rate of a slow-motion clip (e.g. 240 for a clip stored at 30 fps)
    start_s/end_s: trim, in seconds of the file's own timeline
    max_side_px:  frames larger than this are downscaled before pose estimation
    """

    kind: str = "auto"
    height_cm: float | None = None
    hand_cm: float = DEFAULT_HAND_CM
    capture_fps: float | None = None
    start_s: float | None = None
    end_s: float | None = None
    view: str = "auto"
    variant: str = "auto"
    lordosis_rule: str = "seed_rule"
    model_path: str | None = None
    max_side_px: int = DEFAULT_MAX_SIDE_PX
    render_video: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise UsageError(f"unknown analysis kind {self.kind!r}: choose one of {', '.join(KINDS)}")
        if self.view not in VIEWS:
            raise UsageError(f"unknown view {self.view!r}: choose one of {', '.join(VIEWS)}")
        if self.variant not in VARIANTS:
            raise UsageError(f"unknown plank variant {self.variant!r}: choose one of {', '.join(VARIANTS)}")
        if self.lordosis_rule not in LORDOSIS_RULES:
            raise UsageError(f"unknown lordosis rule {self.lordosis_rule!r}: choose one of {', '.join(LORDOSIS_RULES)}")
        if self.height_cm is not None and not 50.0 <= self.height_cm <= 250.0:
            raise UsageError(f"height {self.height_cm} cm is not a human stature: give it in cm (50-250)")
        if not 0.5 <= self.hand_cm <= 10.0:
            raise UsageError(f"hand thickness {self.hand_cm} cm is implausible: give it in cm (0.5-10)")
        if self.capture_fps is not None and not 1.0 <= self.capture_fps <= 2000.0:
            raise UsageError(f"capture frame rate {self.capture_fps} is implausible: give frames per second (1-2000)")
        for name in ("start_s", "end_s"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise UsageError(f"--{name[:-2]} must be zero or more seconds, got {value}")
        if self.start_s is not None and self.end_s is not None and self.end_s <= self.start_s:
            raise UsageError(f"--end ({self.end_s} s) must come after --start ({self.start_s} s)")
        if self.max_side_px < 256:
            raise UsageError(f"max side {self.max_side_px} px is too small for pose estimation (>= 256)")

    @property
    def stature_cm(self) -> float:
        return DEFAULT_HEIGHT_CM if self.height_cm is None else float(self.height_cm)

    @property
    def scale_assumed(self) -> bool:
        return self.height_cm is None

    def with_kind(self, kind: str) -> Settings:
        return replace(self, kind=kind)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def digest(self) -> str:
        """Short hash of the settings that change results (for caches and batch resume)."""
        data = {k: v for k, v in asdict(self).items() if k != "render_video"}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def from_toml(cls, path: str | Path, **overrides: Any) -> Settings:
        """Read settings from a TOML file (unknown keys rejected); keyword overrides win."""
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]

        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"cannot read settings file {path}: {exc}") from exc
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise UsageError(f"unknown settings in {path}: {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**data)
