"""Settings building blocks: the settings every analysis shares (`CommonSettings`), the base class of
an analysis's own settings (`KindSettings`), and `setting()`, which attaches to each field what a
front end needs to offer it (label, help, unit, choices, range) and what validation checks.

No front end here: the CLI makes flags from this metadata, the app makes fields, TOML files use the
field names. Library messages name a setting as `` `name` `` (see `setting_ref`); each front end
rewords that its own way (a flag, an app field).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any, ClassVar

from .errors import UsageError

#: Stature assumed when none is given: a round adult figure; results are then marked "assumed scale".
DEFAULT_HEIGHT_CM = 170.0
#: Longest frame side fed to the pose model; larger frames are downscaled (coordinates stay in full pixels).
DEFAULT_MAX_SIDE_PX = 1920


@dataclass(frozen=True)
class SettingSpec:
    """What a front end needs to offer one setting, and what validation checks.

    label: short name for a form field ("Stature (cm)"); help: one sentence; flag: the CLI option
    ("--height-cm"; a bool setting whose default is True is offered as `--no-<flag>`); unit: shown
    after values; choices: the allowed values of a text setting, with `choice_labels` to show them;
    low/high: inclusive range of a number; kind: the analysis it belongs to (None: every analysis);
    hint: what a value out of range probably means ("not a human stature: give it in cm").
    """

    label: str
    help: str
    flag: str
    unit: str = ""
    choices: tuple[str, ...] = ()
    choice_labels: Mapping[str, str] = field(default_factory=dict)
    low: float | None = None
    high: float | None = None
    kind: str | None = None
    hint: str = ""


def setting(default: Any, label: str, help: str, flag: str, **spec: Any) -> Any:
    """A dataclass field carrying its `SettingSpec` (`field(default=..., metadata={"setting": ...})`)."""
    return field(default=default, metadata={"setting": SettingSpec(label=label, help=help, flag=flag, **spec)})


def setting_ref(name: str) -> str:
    """How library messages name a setting: `` `height_cm` ``. Front ends replace it with a flag or a field."""
    return f"`{name}`"


def as_file_keys(text: str) -> str:
    """A library message with each setting it names written as the key of a settings file
    (`` `height_cm` `` -> height_cm): what the user wrote there, which no front end rewords."""
    return re.sub(r"`([a-z][a-z0-9_]*)`", r"\1", text)


def spec_of(f: Field[Any]) -> SettingSpec | None:
    spec = f.metadata.get("setting")
    return spec if isinstance(spec, SettingSpec) else None


def _type_name(annotation: str) -> str:
    kinds = [a.strip() for a in annotation.split("|")]
    names = {"float": "a number", "int": "a whole number", "str": "a text", "bool": "true or false", "None": "empty"}
    return " or ".join(names.get(k, k) for k in kinds)


def check_value(name: str, annotation: str, spec: SettingSpec | None, value: Any) -> Any:
    """`value` checked against the field's type annotation (as a string: "float | None") and its spec;
    returns it converted (an int where a float is wanted becomes a float). Raises UsageError naming
    the setting and what it expects."""
    allowed = {a.strip() for a in annotation.split("|")}
    if value is None:
        if "None" in allowed:
            return None
        raise UsageError(f"setting {setting_ref(name)} needs {_type_name(annotation)}, got nothing")
    if isinstance(value, bool):  # a bool is never a number or a text, and only a bool is true or false
        if "bool" in allowed:
            return value
        value = _wrong_type(name, annotation, value)
    elif "int" in allowed and isinstance(value, int):
        value = int(value)
    elif "float" in allowed and isinstance(value, (int, float)):
        value = float(value)
        if not math.isfinite(value):
            raise UsageError(f"setting {setting_ref(name)} must be a finite number, got {value}")
    elif "str" in allowed and isinstance(value, str):
        pass
    else:
        value = _wrong_type(name, annotation, value)
    if spec is not None and isinstance(value, str) and spec.choices and value not in spec.choices:
        raise UsageError(f"setting {setting_ref(name)} is {value!r}: choose one of {', '.join(spec.choices)}")
    if spec is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = spec.low, spec.high
        if (low is not None and value < low) or (high is not None and value > high):
            unit = f" {spec.unit}" if spec.unit else ""
            span = (
                f"{low:g}-{high:g}{unit}"
                if low is not None and high is not None
                else f">= {low:g}{unit}"
                if low is not None
                else f"<= {high:g}{unit}"
            )
            hint = f": {spec.hint}" if spec.hint else ""
            raise UsageError(f"{setting_ref(name)} = {value:g}{unit} is out of range ({span}){hint}")
    return value


def _wrong_type(name: str, annotation: str, value: Any) -> Any:
    raise UsageError(
        f"setting {setting_ref(name)} needs {_type_name(annotation)}, got {type(value).__name__} {value!r}"
    )


def validate(obj: Any) -> None:
    """Check and normalise every field of a frozen settings dataclass (in __post_init__)."""
    for f in fields(obj):
        spec = spec_of(f)
        if spec is None:
            continue
        value = check_value(f.name, str(f.type), spec, getattr(obj, f.name))
        object.__setattr__(obj, f.name, value)


def from_mapping(cls: type[Any], data: Mapping[str, Any], where: str) -> Any:
    """An instance of the settings dataclass `cls` from a mapping (a TOML table): unknown keys are
    refused with the list of known ones; values are checked by `validate`."""
    known = {f.name for f in fields(cls) if spec_of(f) is not None}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UsageError(f"unknown setting(s) {', '.join(unknown)} in {where}; known: {', '.join(sorted(known))}")
    return cls(**dict(data))


@dataclass(frozen=True)
class SettingEntry:
    """One setting as front ends list it: its name, default, spec and type annotation ("float | None")."""

    name: str
    default: Any
    spec: SettingSpec
    annotation: str

    @property
    def is_bool(self) -> bool:
        return "bool" in self.annotation

    @property
    def is_int(self) -> bool:
        return "int" in self.annotation.split("|")[0]

    @property
    def is_number(self) -> bool:
        return "float" in self.annotation or self.is_int


def setting_fields(cls: type[Any]) -> list[SettingEntry]:
    """Every setting of a settings dataclass, in order."""
    out = []
    for f in fields(cls):
        spec = spec_of(f)
        if spec is not None:
            default = f.default if f.default is not MISSING else None
            out.append(SettingEntry(f.name, default, spec, str(f.type)))
    return out


@dataclass(frozen=True)
class CommonSettings:
    """The settings every analysis shares. Each field's spec says its unit and range."""

    height_cm: float | None = setting(
        None,
        "Stature (cm)",
        "the person's stature in cm, for figures in centimetres (empty: 170 cm is assumed and the results say so)",
        "--height-cm",
        unit="cm",
        low=50.0,
        high=250.0,
        hint="not a human stature; give it in centimetres",
    )
    capture_fps: float | None = setting(
        None,
        "Capture frame rate of a slow-motion or sped-up clip (fps)",
        "the real capture rate of a slow-motion clip (e.g. 240 for a clip filmed at 240 fps and stored at 30 fps) "
        "or of a sped-up one (e.g. 30 for a 60 fps clip played 2x fast)",
        "--capture-fps",
        unit="fps",
        low=1.0,
        high=2000.0,
        hint="give the phone's capture rate in frames per second (often 120 or 240)",
    )
    start_s: float | None = setting(
        None,
        "Start at (s)",
        "the start of the part to analyse, in seconds into the file",
        "--start",
        unit="s",
        low=0.0,
    )
    end_s: float | None = setting(
        None, "End at (s)", "the end of the part to analyse, in seconds into the file", "--end", unit="s", low=0.0
    )
    model_path: str | None = setting(
        None, "Pose model file", "another PoseLandmarker .task bundle (lite, full or heavy)", "--model"
    )
    max_side_px: int = setting(
        DEFAULT_MAX_SIDE_PX,
        "Largest frame side for the pose model (px)",
        "the longest frame side fed to the "
        "pose model; larger frames are downscaled (coordinates stay in full-resolution pixels)",
        "--max-side",
        unit="px",
        low=256,
        high=8192,
        hint="the pose model needs frames of at least 256 px",
    )
    render_video: bool = setting(
        True,
        "Annotated video",
        "write the annotated video or photo",
        "--video",
    )

    def __post_init__(self) -> None:
        validate(self)
        if self.start_s is not None and self.end_s is not None and self.end_s <= self.start_s:
            raise UsageError(
                f"{setting_ref('end_s')} ({self.end_s:g} s) must come after {setting_ref('start_s')} ({self.start_s:g} s)"
            )

    @property
    def stature_cm(self) -> float:
        return DEFAULT_HEIGHT_CM if self.height_cm is None else float(self.height_cm)

    @property
    def scale_assumed(self) -> bool:
        return self.height_cm is None


@dataclass(frozen=True)
class KindSettings:
    """Base class of an analysis's own settings: a frozen dataclass of `setting()` fields, validated
    on construction. `KIND` is the analysis's name."""

    KIND: ClassVar[str] = ""

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True)
class NoSettings(KindSettings):
    """For an analysis without settings of its own."""
