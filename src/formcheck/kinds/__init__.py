"""The analyses: one package each, all the same shape (see `analysis.py` and docs/adding-an-analysis.md).

`KINDS` is the one list of them: config, the CLI, the app and batch read it.
"""

from __future__ import annotations

from ..analysis import KindSpec
from .plank.spec import SPEC as PLANK
from .pose.spec import SPEC as POSE
from .run.spec import SPEC as RUN
from .wall.spec import SPEC as WALL

#: Every analysis, in the order front ends list them.
KINDS: tuple[KindSpec, ...] = (WALL, PLANK, RUN, POSE)


def kind_names() -> tuple[str, ...]:
    """The names of every analysis ("wall", "plank", "run", "pose")."""
    return tuple(k.name for k in KINDS)


def kind_spec(name: str) -> KindSpec:
    """The analysis of this name (KeyError naming the known ones otherwise)."""
    for spec in KINDS:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown analysis {name!r}: choose one of {', '.join(kind_names())}")


def auto_kinds() -> tuple[KindSpec, ...]:
    """The analyses `kind = auto` chooses among."""
    return tuple(k for k in KINDS if k.auto)
