"""Typed errors. Each message says what was expected, what was found and what to do.

Library code raises these; only the front ends (CLI, app, batch) turn them into user messages.
"""

from __future__ import annotations


class FormCheckError(Exception):
    """Base class: an input that formcheck cannot analyse. `str(err)` is the user-facing message."""

    #: Short machine-readable kind, used in batch summaries and JSON.
    code = "error"


class MediaNotFound(FormCheckError):
    code = "not_found"


class UnreadableMedia(FormCheckError):
    """Empty, corrupt, truncated beyond use, or not a photo/video at all."""

    code = "unreadable"


class UnsupportedMedia(FormCheckError):
    code = "unsupported"


class MediaTooLarge(FormCheckError):
    """A photo (or video frame) with more pixels than formcheck decodes (see media.MAX_DECODED_PIXELS)."""

    code = "too_large"


class ModelError(FormCheckError):
    """The pose model bundle is missing, truncated or not a PoseLandmarker bundle."""

    code = "model"


class NoPersonDetected(FormCheckError):
    code = "no_person"


class InsufficientData(FormCheckError):
    """A person was seen, but not in enough frames (or not enough of the body) to measure."""

    code = "insufficient_data"


class WrongView(FormCheckError):
    """The camera angle does not allow this analysis (e.g. a front view for the wall test)."""

    code = "wrong_view"


class ActivityNotFound(FormCheckError):
    """The requested analysis does not match what the person does (e.g. no plank in a running clip)."""

    code = "activity_not_found"


class UsageError(FormCheckError):
    """Bad settings (e.g. a negative height). Front ends exit with code 2."""

    code = "usage"
