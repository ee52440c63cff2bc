"""`Settings`: everything a user can set for one analysis run: the shared settings, the analysis to
run (`kind`) and each analysis's own settings, validated on construction, hashable for caching.

    Settings(kind="wall", height_cm=178)                          # shared settings as fields
    Settings.build(kind="plank", height_cm=165, variant="knee")   # an analysis's own setting by name
    Settings.from_toml("run.toml")                                # flat keys or a [wall]/[plank]/[run] table

Each analysis's own settings (`KindSettings` subclasses) live in its package; `settings_catalogue()`
lists every setting with its metadata for the front ends (CLI flags, app fields, message wording).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from . import kinds
from .config import (
    CommonSettings,
    KindSettings,
    SettingEntry,
    as_file_keys,
    setting,
    setting_fields,
    setting_ref,
    spec_of,
    validate,
)
from .errors import UsageError
from .kinds import kind_names, kind_spec


@dataclass(frozen=True)
class Settings(CommonSettings):
    """The shared settings (CommonSettings), the analysis to run and each analysis's own settings.

    kind: an analysis name (`kinds.kind_names()`), "auto" (recognised from the pose); options: the
    analyses' own settings that differ from their defaults, at most one per analysis (`of(kind)`
    gives one, with defaults where none was given).
    """

    kind: str = setting("auto", "Analysis", "the analysis to run; auto picks the one the clip looks like", "--kind")
    options: tuple[KindSettings, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.kind not in ("auto", *kind_names()):
            raise UsageError(f"{setting_ref('kind')} is {self.kind!r}: choose one of auto, {', '.join(kind_names())}")
        seen: set[str] = set()
        for opt in self.options:
            if not isinstance(opt, KindSettings) or opt.KIND not in kind_names():
                raise UsageError(f"unknown analysis settings {opt!r}")
            if opt.KIND in seen:
                raise UsageError(f"the {opt.KIND} analysis's settings are given twice")
            seen.add(opt.KIND)
        object.__setattr__(self, "options", tuple(sorted(self.options, key=lambda o: kind_names().index(o.KIND))))

    def of(self, kind: str) -> KindSettings:
        """The settings of analysis `kind` (its defaults when none were given)."""
        for opt in self.options:
            if kind == opt.KIND:
                return opt
        return kind_spec(kind).settings()

    def with_kind(self, kind: str) -> Settings:
        return replace(self, kind=kind)

    def with_options(self, *options: KindSettings) -> Settings:
        """These settings with some analyses' own settings replaced."""
        kinds = {o.KIND for o in options}
        return replace(self, options=(*(o for o in self.options if o.KIND not in kinds), *options))

    def common(self) -> CommonSettings:
        """The shared part only (what an analysis sees as `ctx.settings`)."""
        return CommonSettings(**{f.name: getattr(self, f.name) for f in fields(CommonSettings)})

    @classmethod
    def build(cls, **values: Any) -> Settings:
        """Settings from flat names: shared settings, `kind`, and any analysis's own setting by its
        name (each name belongs to one analysis). Unknown names are refused."""
        return cls._from_flat(values, "the settings")

    @classmethod
    def _from_flat(
        cls, values: Mapping[str, Any], where: str, tables: Mapping[str, Mapping[str, Any]] | None = None
    ) -> Settings:
        own = {f.name for f in fields(cls) if spec_of(f) is not None}
        per_kind: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (tables or {}).items()}
        top: dict[str, Any] = {}
        for name, value in values.items():
            if name in own:
                top[name] = value
                continue
            owner = _owner_of(name)
            if owner is None:
                raise UsageError(f"unknown setting {setting_ref(name)} in {where}; known: {', '.join(known_names())}")
            per_kind.setdefault(owner, {})[name] = value
        options = []
        for kind, table in per_kind.items():
            if kind not in kind_names():
                raise UsageError(f"unknown analysis [{kind}] in {where}: choose one of {', '.join(kind_names())}")
            if not table:
                continue  # an empty table ([pose] for an analysis without settings): nothing to set
            spec = kind_spec(kind)
            known = {e.name for e in setting_fields(spec.settings)}
            unknown = sorted(set(table) - known)
            if unknown:
                raise UsageError(
                    f"unknown setting(s) {', '.join(unknown)} for the {kind} analysis in {where}; "
                    f"known: {', '.join(sorted(known)) or 'none'}"
                )
            options.append(spec.settings(**table))
        return cls(**top, options=tuple(options))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "the settings", **overrides: Any) -> Settings:
        """Settings from a mapping (a parsed TOML file): flat names, or a table per analysis
        (`[wall] hand_cm = 2.5`); `overrides` (flat names) win over the file's values."""
        tables = {k: v for k, v in data.items() if isinstance(v, Mapping)}
        flat = {k: v for k, v in data.items() if not isinstance(v, Mapping)}
        for name, value in overrides.items():
            owner = _owner_of(name)
            if owner is not None and owner in tables:
                tables[owner] = {**tables[owner], name: value}
            else:
                flat[name] = value
        return cls._from_flat(flat, where, tables)

    @classmethod
    def from_toml(cls, path: str | Path, **overrides: Any) -> Settings:
        """Settings from a TOML file (see `from_mapping`); keyword overrides (flat names) win."""
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

        try:
            text = Path(path).read_bytes().decode("utf-8")
            data = tomllib.loads(text)
        except UnicodeDecodeError as exc:
            raise UsageError(f"settings file {path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"cannot read settings file {path}: {exc}") from exc
        where = f"settings file {path}"
        try:  # the file's own values first, so that a wrong one is named by its key in the file
            cls.from_mapping(data, where)
        except UsageError as exc:
            message = as_file_keys(str(exc))
            raise UsageError(message if where in message else f"{where}: {message}") from None
        return cls.from_mapping(data, where, **overrides)

    def to_json(self) -> dict[str, Any]:
        """Shared settings and `kind` flat, then each analysis's own settings (defaults included) as
        a table by its name (none for an analysis without settings)."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "options"}
        for spec in kinds.KINDS:
            values = asdict(self.of(spec.name))
            if values:
                data[spec.name] = values
        return data

    def digest(self) -> str:
        """Short hash of the settings that change results (for caches and batch resume)."""
        data = {k: v for k, v in self.to_json().items() if k != "render_video"}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def _owner_of(name: str) -> str | None:
    """The analysis whose own settings have a setting of this name (None: no analysis has it)."""
    for spec in kinds.KINDS:
        if any(e.name == name for e in setting_fields(spec.settings)):
            return spec.name
    return None


def settings_catalogue() -> list[SettingEntry]:
    """Every setting, `kind` and the shared ones first, then each analysis's own (with `spec.kind`
    set to the analysis's name)."""
    shared = setting_fields(Settings)
    kind = next(e for e in shared if e.name == "kind")
    kind = replace(kind, spec=replace(kind.spec, choices=("auto", *kind_names())))  # the registry as it is now
    out = [kind] + [e for e in shared if e.name != "kind"]
    for spec in kinds.KINDS:
        out.extend(replace(e, spec=replace(e.spec, kind=spec.name)) for e in setting_fields(spec.settings))
    return out


def known_names() -> list[str]:
    return [e.name for e in settings_catalogue()]


__all__ = ["Settings", "known_names", "settings_catalogue", "validate"]
