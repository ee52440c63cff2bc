"""The sidebar settings and the choice of what to analyse: an upload or a bundled example."""

from __future__ import annotations

import os

import streamlit as st

from ..analysis import KIND_LABELS
from ..config import DEFAULT_HAND_CM, VARIANTS, VIEWS, Settings
from ..errors import UsageError
from ..media import PHOTO_EXTENSIONS, SUPPORTED_TEXT, VIDEO_EXTENSIONS
from .cache import Source, sha256_bytes, upload_source
from .errors import show_error
from .examples import Example, example_source
from .formatting import md_escape

#: Environment variable lowering the upload limit below server.maxUploadSize (MB), e.g. for a small server.
UPLOAD_LIMIT_ENV = "FORMCHECK_MAX_UPLOAD_MB"
MB = 1024 * 1024

#: The analyses a user can choose, in the order shown.
KIND_CHOICES = ("auto", "wall", "plank", "run", "pose")
VIEW_LABELS = {"auto": "Auto-detect", "side": "Side", "rear": "From behind", "front": "From the front"}
VARIANT_LABELS = {
    "auto": "Auto-detect",
    "forearm": "Forearm plank",
    "high": "High plank (straight arms)",
    "knee": "Knee plank",
    "side_left": "Side plank, left side down",
    "side_right": "Side plank, right side down",
    "side_knee": "Side plank on the knee",
}


def kind_label(kind: str, available: list[str]) -> str:
    label = "Auto-detect" if kind == "auto" else KIND_LABELS.get(kind, kind)
    if kind not in ("auto", *available):
        label += " (not available in this version)"
    return label


def upload_limit_mb() -> int:
    """The upload limit in MB: server.maxUploadSize, lowered by $FORMCHECK_MAX_UPLOAD_MB if set."""
    server = int(st.get_option("server.maxUploadSize"))
    override = os.environ.get(UPLOAD_LIMIT_ENV, "").strip()
    return min(server, int(override)) if override.isdigit() and int(override) > 0 else server


def settings_panel(available: list[str]) -> Settings | None:
    """The analysis settings in the sidebar; None (with a message why) when they cannot be used."""
    bar = st.sidebar
    bar.header("Settings")
    kind = bar.selectbox(
        "Analysis",
        KIND_CHOICES,
        format_func=lambda k: kind_label(k, available),
        key="kind",
        help="Auto-detect picks the analysis that fits the clip best.",
    )
    height = bar.number_input(
        "Stature (cm)",
        min_value=50.0,
        max_value=250.0,
        value=None,
        step=1.0,
        key="height_cm",
        placeholder="170 (assumed)",
        help="The person's height, for figures in centimetres. Empty: 170 cm is assumed and the results say so.",
    )
    capture_fps = bar.number_input(
        "Capture frame rate of a slow-motion clip (fps)",
        min_value=1.0,
        max_value=2000.0,
        value=None,
        step=1.0,
        key="capture_fps",
        placeholder="not slow motion",
        help="Only for slow-motion clips: the rate the phone filmed at (e.g. 240), "
        "so that times come out in real seconds.",
    )
    view = "auto"
    if kind in ("auto", "run"):
        view = bar.selectbox(
            "Camera view (running)",
            VIEWS,
            format_func=VIEW_LABELS.get,
            key="view",
            help="Where the camera was; set it when auto-detection is unsure.",
        )
    variant = "auto"
    if kind in ("auto", "plank"):
        variant = bar.selectbox("Plank variant", VARIANTS, format_func=VARIANT_LABELS.get, key="variant")
    with bar.expander("More options"):
        hand_cm = st.number_input(
            "Hand thickness for the wall test (cm)",
            min_value=0.5,
            max_value=10.0,
            value=DEFAULT_HAND_CM,
            step=0.5,
            key="hand_cm",
            help="A flat hand across the knuckles; the wall gap is also given in hands.",
        )
        start_s = st.number_input(
            "Start at (s)", min_value=0.0, value=None, step=0.5, key="start_s", placeholder="beginning"
        )
        end_s = st.number_input("End at (s)", min_value=0.0, value=None, step=0.5, key="end_s", placeholder="end")
    if kind not in ("auto", *available):
        bar.warning(
            f"The {KIND_LABELS.get(kind, kind)} analysis is not available in this version of formcheck. "
            f"Available: {', '.join(KIND_LABELS.get(k, k) for k in available) or 'none'}."
        )
        return None
    if kind == "auto" and not [k for k in available if k != "pose"]:
        bar.warning(
            "Auto-detect needs the wall test, plank or running analysis, and none of them is available "
            "in this version of formcheck: choose Landmarks only."
        )
        return None
    try:
        return Settings(
            kind=kind,
            height_cm=height,
            hand_cm=hand_cm,
            capture_fps=capture_fps,
            view=view,
            variant=variant,
            start_s=start_s,
            end_s=end_s,
        )
    except UsageError as exc:
        with bar:
            show_error(exc, "with these settings")
        return None


def source_panel(examples: list[Example], available: list[str]) -> Source | None:
    """Upload a photo or video, or pick a bundled example. None until there is something to analyse."""
    choice = st.radio(
        "What to analyse",
        ("upload", "example"),
        horizontal=True,
        key="source",
        format_func={"upload": "Upload a photo or video", "example": "Try a bundled example"}.get,
    )
    if choice == "example":
        return _example_choice(examples, available)
    limit_mb = upload_limit_mb()
    types = [ext.lstrip(".") for ext in (*VIDEO_EXTENSIONS, *PHOTO_EXTENSIONS)]
    upload = st.file_uploader(
        "Photo or video", type=types, key="upload", help=f"formcheck reads {SUPPORTED_TEXT}, up to {limit_mb} MB."
    )
    st.caption(
        f"Up to {limit_mb} MB; {SUPPORTED_TEXT}. The file is analysed here and kept only in a temporary "
        f"cache. See the How to film tab for what makes a clip work."
    )
    if upload is None:
        return None
    if upload.size > limit_mb * MB:
        st.error(
            f"**{md_escape(upload.name)} is too large**: {upload.size / MB:.1f} MB, and the limit is "
            f"{limit_mb} MB.\n\n"
            f"**What to do:** trim the clip to the part you want analysed (10-20 s is plenty), or film at "
            f"a lower resolution (1080p is enough), then upload it again.",
            icon=":material/error:",
        )
        return None
    data = upload.getvalue()
    return upload_source(upload.name, data, _upload_sha256(upload.file_id, data))


def _upload_sha256(file_id: str, data: bytes) -> str:
    """The upload's sha256, computed once per uploaded file (reruns reuse it)."""
    memo = st.session_state.setdefault("_upload_sha256", {})
    if file_id not in memo:
        memo.clear()
        memo[file_id] = sha256_bytes(data)
    return memo[file_id]


def _example_choice(examples: list[Example], available: list[str]) -> Source | None:
    if not examples:
        st.warning("No bundled examples were found (the samples folder is missing): upload a photo or video.")
        return None
    index = st.selectbox("Example", range(len(examples)), format_func=lambda i: examples[i].title, key="example")
    example = examples[index]
    st.caption(
        f"{example.description} Landmarks recorded by formcheck from a {example.licence} clip "
        f"({example.source}); the video itself is not bundled, so the result is drawn on a skeleton-only "
        f"rendering."
    )
    label = KIND_LABELS.get(example.kind, example.kind)
    if example.kind not in available:
        st.info(f"This example is meant for the {label} analysis, which is not available in this version of formcheck.")
    else:
        st.caption(f"With the analysis on Auto-detect, the example is analysed as {label}.")
    return example_source(example)
