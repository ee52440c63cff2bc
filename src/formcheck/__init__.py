"""formcheck: form analysis (wall test, plank, running) from phone photos and videos with MediaPipe."""
from __future__ import annotations

__version__ = "0.1.0"

from .config import Settings  # noqa: E402
from .errors import FormCheckError  # noqa: E402
from .sequence import MediaInfo, PoseSequence  # noqa: E402


def analyse(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See `formcheck.pipeline.analyse` (imported lazily: mediapipe loads only when needed)."""
    from .pipeline import analyse as _analyse

    return _analyse(*args, **kwargs)


__all__ = ["__version__", "analyse", "Settings", "FormCheckError", "MediaInfo", "PoseSequence"]
