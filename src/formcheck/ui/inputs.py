"""The settings (in the main column) and the choice of what to analyse: an upload or a bundled example."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import NoReturn

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from ..config import SettingEntry, SettingSpec
from ..errors import UsageError
from ..kinds import KINDS, kind_names, kind_spec
from ..media import PHOTO_EXTENSIONS, SUPPORTED_TEXT, VIDEO_EXTENSIONS
from ..settings import Settings, settings_catalogue
from .cache import Source, sha256_bytes, upload_source
from .errors import show_error
from .examples import Example, example_source
from .formatting import md_escape

#: Environment variable setting the app's upload limit in MB (default DEFAULT_UPLOAD_LIMIT_MB).
UPLOAD_LIMIT_ENV = "FORMCHECK_MAX_UPLOAD_MB"
#: The app's upload limit (MB) unless UPLOAD_LIMIT_ENV says otherwise: about 2-3 minutes of 1080p phone video.
DEFAULT_UPLOAD_LIMIT_MB = 200
#: Files up to this many times the app's limit reach the app, which refuses them with its own message
#: (the limit and how to make the clip smaller) and lets go of them at once. Bigger ones are refused by
#: the browser before they are sent, with Streamlit's own short text: a file is held in the server's
#: memory while it is uploaded, so the margin is kept small. server.maxUploadSize (.streamlit/config.toml)
#: must be at least this multiple of the limit for the margin to apply.
REFUSAL_MARGIN = 2
MB = 1024 * 1024
#: Session keys: the uploader's generation (a new key gives an empty uploader) and a refusal to show.
_UPLOAD_GENERATION = "_upload_generation"
_UPLOAD_REFUSED = "_upload_refused"


def _labeller(spec: SettingSpec) -> Callable[[str], str]:
    """How a setting's choices are shown: its labels (plain words), else the value itself."""
    labels = dict(spec.choice_labels)
    return lambda choice: labels.get(choice, choice)


def _entry(name: str) -> SettingEntry:
    return next(e for e in settings_catalogue() if e.name == name)


def kind_label(kind: str) -> str:
    """An analysis as a person names it: its label in the registry (`kinds.KINDS`), or Auto-detect."""
    return "Auto-detect" if kind == "auto" else kind_spec(kind).label


def _help(spec: SettingSpec) -> str:
    return spec.help[:1].upper() + spec.help[1:] + "."


def upload_limit_mb() -> int:
    """The app's upload limit in MB: $FORMCHECK_MAX_UPLOAD_MB if set, else DEFAULT_UPLOAD_LIMIT_MB,
    never above what the server accepts (server.maxUploadSize)."""
    server = int(st.get_option("server.maxUploadSize"))
    override = os.environ.get(UPLOAD_LIMIT_ENV, "").strip()
    limit = int(override) if override.isdigit() and int(override) > 0 else DEFAULT_UPLOAD_LIMIT_MB
    return min(server, limit)


def upload_cap_mb() -> int:
    """The largest file the uploader takes in (MB): REFUSAL_MARGIN times the app's limit, within what
    the server accepts. Files between the limit and this cap get the app's own message."""
    return min(int(st.get_option("server.maxUploadSize")), REFUSAL_MARGIN * upload_limit_mb())


def too_large_text(name: str, size_bytes: int, limit_mb: int) -> str:
    """The app's message for an upload over its limit (markdown)."""
    return (
        f"**{md_escape(name)} is too large**: {size_bytes / MB:.1f} MB, and the limit is {limit_mb} MB.\n\n"
        f"**What to do:** trim the clip to the part you want analysed (10-20 s is plenty), or film at "
        f"a lower resolution (1080p is enough), then upload it again."
    )


def settings_panel(lead: Callable[[], object] | None = None) -> Settings | None:
    """The settings, in the main column (phone first): the analysis, the stature and the slow-motion
    capture rate in view, the rest under "More settings". Labels, help, choices (in plain words) and
    ranges all come from the settings' own metadata (`settings_catalogue`). lead: a field shown
    first, beside the analysis (the athlete picker; it comes before the stature, which it may fill
    in). None (with a message why) when the settings cannot be used."""
    st.markdown("#### Settings")
    values: dict[str, object] = {}
    kind_entry = _entry("kind")
    first, second = st.columns(2) if lead is not None else (st.container(), st.container())
    if lead is not None:
        with first:
            lead()
    with second:
        values["kind"] = kind = st.selectbox(
            kind_entry.spec.label,
            ["auto", *kind_names()],
            format_func=kind_label,
            key="kind",
            help=_help(kind_entry.spec),
        )
    stature, capture = st.columns(2)
    with stature:
        values["height_cm"] = setting_widget(_entry("height_cm"), placeholder="170 (assumed)")
    with capture:
        values["capture_fps"] = setting_widget(_entry("capture_fps"), placeholder="not slow motion")
    with st.expander("More settings"):
        owners = [k.name for k in KINDS] if kind == "auto" else [str(kind)]
        for owner in owners:
            own = [e for e in settings_catalogue() if e.spec.kind == owner]
            if own and len(owners) > 1:
                st.caption(kind_label(owner))
            for entry in own:
                values[entry.name] = setting_widget(entry)
        start, end = st.columns(2)
        with start:
            values["start_s"] = setting_widget(_entry("start_s"), placeholder="beginning")
        with end:
            values["end_s"] = setting_widget(_entry("end_s"), placeholder="end")
    try:
        return Settings.build(**{k: v for k, v in values.items() if v is not None})
    except UsageError as exc:
        show_error(exc, "with these settings")
        return None


def setting_widget(entry: SettingEntry, placeholder: str | None = None) -> object:
    """The field for one setting, from its metadata: a pick list (choices in plain words), a number
    field (with its range) or a checkbox; its key is the setting's name."""
    spec = entry.spec
    if spec.choices:
        choices = list(spec.choices)
        index = choices.index(entry.default) if entry.default in choices else 0
        return st.selectbox(
            spec.label, choices, index=index, format_func=_labeller(spec), key=entry.name, help=_help(spec)
        )
    if entry.is_bool:
        return st.checkbox(spec.label, value=bool(entry.default), key=entry.name, help=_help(spec))
    return st.number_input(
        spec.label,
        min_value=spec.low,
        max_value=spec.high,
        value=entry.default,
        step=1.0 if (spec.high or 0) > 20 or spec.high is None else 0.5,
        key=entry.name,
        placeholder=placeholder,
        help=_help(spec),
    )


def source_panel(examples: list[Example]) -> Source | None:
    """Upload a photo or video, or pick a bundled example. None until there is something to analyse."""
    choice = st.radio(
        "What to analyse",
        ("upload", "example"),
        horizontal=True,
        key="source",
        format_func={"upload": "Upload a photo or video", "example": "Try a bundled example"}.get,
    )
    if choice == "example":
        return _example_choice(examples)
    limit_mb = upload_limit_mb()
    types = [ext.lstrip(".") for ext in (*VIDEO_EXTENSIONS, *PHOTO_EXTENSIONS)]
    refused = st.session_state.pop(_UPLOAD_REFUSED, None)
    if refused:
        st.error(refused, icon=":material/error:")
    generation = st.session_state.setdefault(_UPLOAD_GENERATION, 0)
    upload = st.file_uploader(
        "Photo or video",
        type=types,
        key=f"upload_{generation}",
        max_upload_size=upload_cap_mb(),
        help=f"formcheck reads {SUPPORTED_TEXT}, up to {limit_mb} MB.",
    )
    st.caption(
        f"Up to {limit_mb} MB; {SUPPORTED_TEXT}. The file is analysed here and kept only in a temporary "
        f"cache. See the How to film tab for what makes a clip work."
    )
    if upload is None:
        return None
    if upload.size > limit_mb * MB:
        _refuse_upload(upload, too_large_text(upload.name, upload.size, limit_mb))
    data = upload.getvalue()
    return upload_source(upload.name, data, _upload_sha256(upload.file_id, data))


def _refuse_upload(upload: UploadedFile, message: str) -> NoReturn:
    """Show `message` above a new, empty uploader, and let go of the refused file's bytes now (Streamlit
    would otherwise hold them in memory until the session ends)."""
    st.session_state[_UPLOAD_REFUSED] = message
    st.session_state[_UPLOAD_GENERATION] = st.session_state.get(_UPLOAD_GENERATION, 0) + 1
    _release_upload(upload.file_id)
    st.rerun()


def _release_upload(file_id: str) -> None:
    """Remove an uploaded file from Streamlit's in-memory store (as st.chat_input does for its files)."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None and isinstance(ctx.uploaded_file_mgr, MemoryUploadedFileManager):
        ctx.uploaded_file_mgr.remove_file(session_id=ctx.session_id, file_id=file_id)


def _upload_sha256(file_id: str, data: bytes) -> str:
    """The upload's sha256, computed once per uploaded file (reruns reuse it)."""
    memo = st.session_state.setdefault("_upload_sha256", {})
    if file_id not in memo:
        memo.clear()
        memo[file_id] = sha256_bytes(data)
    return memo[file_id]


def _example_choice(examples: list[Example]) -> Source | None:
    if not examples:
        st.warning("No bundled examples were found (the samples folder is missing): upload a photo or video.")
        return None
    index = st.selectbox("Example", range(len(examples)), format_func=lambda i: examples[i].title, key="example")
    example = examples[index]
    st.caption(example.caption())
    st.caption(f"With the analysis on Auto-detect, the example is analysed as {kind_label(example.kind)}.")
    return example_source(example)
