"""The bundled examples listed in `samples/examples.json` (no Streamlit here): landmark tracks that
formcheck recorded from permissively licensed clips (`track` + `meta`), and synthetic people made by
formcheck's own code (`generator`: a name in `formcheck.synthetic.EXAMPLES`), labelled as such."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..synthetic import EXAMPLES as GENERATORS
from .cache import Source, sha256_bytes

INDEX_FILE = "examples.json"


@dataclass(frozen=True)
class Example:
    """One bundled example: a recorded track (.npz, with the media facts of the clip it was recorded
    from) or a generator's name (a synthetic person).

    kind: the analysis the example is meant for ('run', 'wall', 'plank')
    """

    title: str
    description: str
    kind: str
    source: str
    licence: str
    track: Path | None = None
    generator: str | None = None
    media: dict[str, Any] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        return self.generator is not None

    def caption(self) -> str:
        """Where the example comes from, in a sentence."""
        if self.synthetic:
            return (
                f"{self.description} Synthetic: {self.source}, not a real person; the figures show what "
                f"formcheck reads, not a reference."
            )
        return (
            f"{self.description} Landmarks recorded by formcheck from a {self.licence} clip ({self.source}); "
            f"the video itself is not bundled, so the result is drawn on a skeleton-only rendering."
        )


def list_examples(folder: Path) -> list[Example]:
    """The examples listed in `<folder>/examples.json` whose files or generators exist (empty if none)."""
    index = folder / INDEX_FILE
    if not index.is_file():
        return []
    examples = []
    for item in json.loads(index.read_text(encoding="utf-8")):
        common = {k: item[k] for k in ("title", "description", "kind", "source", "licence")}
        if "generator" in item:
            if item["generator"] in GENERATORS:
                examples.append(Example(**common, generator=item["generator"]))
            continue
        track, meta = folder / item["track"], folder / item["meta"]
        if track.is_file() and meta.is_file():
            media = json.loads(meta.read_text(encoding="utf-8")).get("media") or {}
            examples.append(Example(**common, track=track, media=media))
    return examples


def example_source(example: Example) -> Source:
    """The example as something to analyse (its hash is the track file's, or the generator's name
    with formcheck's version: the generated person is the same for one version)."""
    if example.generator is not None:
        name = f"{example.generator}.npz" if example.kind != "wall" else f"{example.generator}.jpg"
        digest = sha256_bytes(f"generated:{example.generator}:{__version__}".encode())
        return Source(name=name, sha256=digest, origin="example", generator=example.generator, kind=example.kind)
    assert example.track is not None
    media = {k: v for k, v in example.media.items() if k != "path"}
    return Source(
        name=example.track.name,
        sha256=sha256_bytes(example.track.read_bytes()),
        origin="example",
        track=example.track,
        media=media,
        kind=example.kind,
    )
