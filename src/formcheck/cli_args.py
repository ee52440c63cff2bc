"""The analysis settings as command-line options, made from the settings' own metadata (shared by
`formcheck analyse` and `formcheck batch`), the exit codes, and the CLI's wording of library
messages (a setting named `` `height_cm` `` reads as `--height-cm`)."""

from __future__ import annotations

import argparse
import re
from typing import Any

from .settings import Settings, settings_catalogue

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

#: The option that reads a TOML file of settings.
CONFIG_FLAG = "--config"


def _dest(name: str) -> str:
    return f"setting__{name}"


def _number(text: str) -> float:
    """A float option value; NaN and infinity are refused here, with the option's own message."""
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    """One option per setting (the analysis and the shared ones first, then each analysis's own),
    plus `--config`."""
    for entry in settings_catalogue():
        spec, default = entry.spec, entry.default
        help_text = spec.help + (f" ({spec.kind} analysis)" if spec.kind else "")
        if entry.is_bool:
            flag = f"--no-{spec.flag.removeprefix('--')}" if default else spec.flag
            parser.add_argument(
                flag,
                dest=_dest(entry.name),
                action="store_const",
                const=not default,
                default=None,
                help=f"do not {help_text}" if default else help_text,
            )
            continue
        kwargs: dict[str, Any] = {"dest": _dest(entry.name), "default": None, "help": help_text}
        if spec.choices:
            kwargs["choices"] = spec.choices
            kwargs["help"] += f" (default {default})"
        elif entry.is_int:
            kwargs["type"], kwargs["metavar"] = _whole, spec.unit.upper() or "N"
        elif entry.is_number:
            kwargs["type"], kwargs["metavar"] = _number, spec.unit.upper() or "X"
        else:
            kwargs["metavar"] = "PATH" if entry.name.endswith("path") else "TEXT"
        parser.add_argument(spec.flag, **kwargs)
    parser.add_argument(
        CONFIG_FLAG,
        metavar="FILE.toml",
        help="a TOML file of settings (the names of the options, e.g. height_cm = 178; an analysis's own "
        "settings flat or in a [wall], [plank] or [run] table); options given on the command line win",
    )


def given_setting(args: argparse.Namespace, name: str) -> Any:
    """The value of setting `name` given on the command line (None when not given)."""
    return getattr(args, _dest(name), None)


def settings_from_args(args: argparse.Namespace, defaults: dict[str, Any] | None = None) -> Settings:
    """Settings from parsed options (and the `--config` file): raises UsageError naming the setting.
    defaults: values used where the command line gives none (they win over the config file's)."""
    given = {e.name: getattr(args, _dest(e.name)) for e in settings_catalogue()}
    given = {**(defaults or {}), **{k: v for k, v in given.items() if v is not None}}
    if getattr(args, "config", None):
        return Settings.from_toml(args.config, **given)
    return Settings.build(**given)


_REF = re.compile(r"`([a-z][a-z0-9_]*)`")


def cli_wording(text: str) -> str:
    """A library message with each setting it names (`` `height_cm` ``) written as its option."""
    flags = {e.name: e.spec.flag for e in settings_catalogue()}
    flags["render_video"] = "--no-video"

    def flag(m: re.Match[str]) -> str:
        return flags.get(m.group(1), m.group(0))

    return _REF.sub(flag, text)
