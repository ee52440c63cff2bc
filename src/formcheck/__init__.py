"""formcheck: form analysis (wall test, plank, running) from phone photos and videos with MediaPipe."""

from __future__ import annotations

__version__ = "0.1.0"

from .config import Settings
from .errors import FormCheckError
from .sequence import MediaInfo, PoseSequence


def analyse(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See `formcheck.pipeline.analyse` (imported lazily: mediapipe loads only when needed)."""
    from .pipeline import analyse as _analyse

    return _analyse(*args, **kwargs)


__all__ = ["FormCheckError", "MediaInfo", "PoseSequence", "Settings", "__version__", "analyse"]
