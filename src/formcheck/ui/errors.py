"""Errors as messages a user can act on: the library's message and what to do, never a traceback."""

from __future__ import annotations

import logging

import streamlit as st

from ..errors import FormCheckError
from ..media import SUPPORTED_TEXT
from .formatting import app_wording, md_escape

log = logging.getLogger(__name__)

#: What to do, by FormCheckError.code (the library's message says what was found).
ADVICE = {
    "not_found": "Upload the file again.",
    "unreadable": "Export or copy the original clip or photo again (MP4 with H.264, or JPEG) and upload that file.",
    "unsupported": f"Upload one of the formats formcheck reads: {SUPPORTED_TEXT}.",
    "too_large": (
        "Upload a smaller photo (the phone's normal photo mode, or exported as JPEG) or a video of 4K or less."
    ),
    "model": "The pose model file is missing or damaged: reinstall formcheck, or check the model path.",
    "no_person": (
        "Film the whole body, well lit, from the side, with the camera at hip height 2-4 m away "
        "(see the How to film tab)."
    ),
    "insufficient_data": (
        "Keep the whole body in view for the whole clip and film a little longer (see the How to film tab)."
    ),
    "wrong_view": "Film from the view this analysis needs (see the How to film tab), or choose another analysis.",
    "activity_not_found": "Choose the analysis that matches the clip in the settings (or Auto-detect).",
    "usage": "Change the settings above.",
}
GENERAL_ADVICE = "Check the How to film tab, then try again with another clip or other settings."


def error_text(exc: BaseException, what: str = "") -> str:
    """The message shown for an exception (markdown): the library's own message and what to do for
    a FormCheckError; the exception's type and a general line for anything else."""
    subject = f" {md_escape(what)}" if what else ""
    if isinstance(exc, FormCheckError):
        advice = ADVICE.get(exc.code, GENERAL_ADVICE)
        return f"**Cannot analyse{subject}.** {app_wording(str(exc))}\n\n**What to do:** {advice}"
    return (
        f"**Something went wrong inside formcheck while analysing{subject}** ({type(exc).__name__}). "
        f"This is a fault in formcheck, not in your clip; the details were written to the app's log. "
        f"Try again, or try another clip or other settings; if it keeps happening, please report it "
        f"together with the clip."
    )


def show_error(exc: BaseException, what: str = "") -> None:
    """Show an exception with st.error (unexpected ones are also logged with their traceback)."""
    if not isinstance(exc, FormCheckError):
        log.error("unexpected error while analysing %s", what or "an input", exc_info=exc)
    st.error(error_text(exc, what), icon=":material/error:")
