"""The bundled examples: recorded landmark tracks listed in `samples/examples.json` (no Streamlit here)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import Source, sha256_bytes

INDEX_FILE = "examples.json"


@dataclass(frozen=True)
class Example:
    """One bundled example: a track (.npz) with the media facts of the clip it was recorded from.

    kind: the analysis the example is meant for ('run', 'wall', 'plank')
    """

    title: str
    description: str
    kind: str
    source: str
    licence: str
    track: Path
    media: dict[str, Any]


def list_examples(folder: Path) -> list[Example]:
    """The examples listed in `<folder>/examples.json` whose files exist (an empty list if none)."""
    index = folder / INDEX_FILE
    if not index.is_file():
        return []
    examples = []
    for item in json.loads(index.read_text(encoding="utf-8")):
        track, meta = folder / item["track"], folder / item["meta"]
        if not (track.is_file() and meta.is_file()):
            continue
        media = json.loads(meta.read_text(encoding="utf-8")).get("media") or {}
        examples.append(
            Example(
                title=item["title"],
                description=item["description"],
                kind=item["kind"],
                source=item["source"],
                licence=item["licence"],
                track=track,
                media=media,
            )
        )
    return examples


def example_source(example: Example) -> Source:
    """The example as something to analyse (its hash is the track file's)."""
    media = {k: v for k, v in example.media.items() if k != "path"}
    return Source(
        name=example.track.name,
        sha256=sha256_bytes(example.track.read_bytes()),
        origin="example",
        track=example.track,
        media=media,
        kind=example.kind,
    )
