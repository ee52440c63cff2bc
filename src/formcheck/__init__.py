"""formcheck: form analysis (wall test, plank, running) from phone photos and videos with MediaPipe.

    from formcheck import Settings, analyse
    result = analyse("clip.mp4", Settings(kind="run", height_cm=178))

The names below load on first use, so that `import formcheck` (and the decoder process, which
imports a submodule) stays quick.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_PUBLIC = {
    "analyse": "pipeline",
    "open_source": "pipeline",
    "AnalysisResult": "pipeline",
    "Settings": "settings",
    "FormCheckError": "errors",
    "MediaInfo": "sequence",
    "PoseSequence": "sequence",
    "PoseSource": "sources",
    "SequenceSource": "sources",
    "TrackSource": "sources",
}


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'formcheck' has no attribute {name!r}")


__all__ = ["__version__", *_PUBLIC]
