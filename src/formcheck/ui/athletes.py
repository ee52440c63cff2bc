"""The athlete picker on the Analyse page and the recording of an upload's result as their session.

The athletes are those of the athletes' store (`formcheck.store`, `$FORMCHECK_HOME`), the same one
`formcheck analyse --athlete` and batch write. Choosing an athlete fills in their stature (a new
athlete's stature is entered once, when they are added); an upload analysed with an athlete chosen
becomes their session (the same file again updates it), and the page says which date it was given.
"""

from __future__ import annotations

import logging

import streamlit as st

from ..errors import FormCheckError
from ..store import Athlete, Store, Trend, open_store
from .formatting import app_wording, md_escape
from .sessions import Recorded, date_words, record_view
from .view import ResultView

log = logging.getLogger(__name__)

#: The picker's choices besides the athletes (control characters: never in an athlete's name).
NO_ATHLETE = "\x00none"
ADD_ATHLETE = "\x00add"
#: Session keys: the picker, the athlete chosen (kept across pages), the new athlete's fields, a
#: message from adding one, and the results already recorded (athlete, cache key) -> Recorded.
PICKER_KEY = "athlete"
CHOSEN_KEY = "formcheck_athlete"
NEW_NAME_KEY = "athlete_new_name"
NEW_STATURE_KEY = "athlete_new_stature"
_ADD_MESSAGE = "_athlete_add_message"
_RECORDED = "_athletes_recorded"
#: The settings field the athlete's stature fills in (its key is the setting's name).
STATURE_KEY = "height_cm"


def store_error_text(exc: BaseException) -> str:
    return f"**The athletes' store cannot be used.** {app_wording(str(exc))}"


def open_app_store() -> Store | None:
    """The athletes' store, or None (with the reason shown) when it cannot be opened."""
    try:
        return open_store()
    except FormCheckError as exc:
        st.error(store_error_text(exc), icon=":material/error:")
        return None


def chosen_athlete() -> str | None:
    """The athlete chosen on the Analyse page in this browser session (None: no athlete)."""
    name = st.session_state.get(CHOSEN_KEY)
    return str(name) if name else None


def _athlete_words(choice: str, athletes: dict[str, Athlete]) -> str:
    if choice == NO_ATHLETE:
        return "No athlete (not kept)"
    if choice == ADD_ATHLETE:
        return "Add an athlete…"
    found = athletes.get(choice)
    return f"{choice} ({found.stature_cm:g} cm)" if found and found.stature_cm else choice


def _on_pick(athletes: dict[str, Athlete]) -> None:
    """The picker changed: remember the athlete and fill in their stature (empty when not known)."""
    choice = st.session_state.get(PICKER_KEY)
    if choice == ADD_ATHLETE:
        return
    name = None if choice == NO_ATHLETE else choice
    st.session_state[CHOSEN_KEY] = name
    if name is not None:
        st.session_state[STATURE_KEY] = athletes[name].stature_cm if name in athletes else None


def _on_add() -> None:
    """Add the athlete typed in (with their stature), choose them and fill in their stature."""
    name = str(st.session_state.get(NEW_NAME_KEY) or "")
    stature = st.session_state.get(NEW_STATURE_KEY)
    try:
        with open_store() as store:
            athlete = store.upsert_athlete(name, stature_cm=stature)
    except FormCheckError as exc:
        st.session_state[_ADD_MESSAGE] = app_wording(str(exc))
        return
    st.session_state[CHOSEN_KEY] = st.session_state[PICKER_KEY] = athlete.name
    st.session_state[STATURE_KEY] = athlete.stature_cm
    st.session_state[NEW_NAME_KEY] = ""
    st.session_state[NEW_STATURE_KEY] = None


def athlete_picker() -> str | None:
    """Whose clip this is: an athlete of the store, a new one, or none. Returns the athlete's name or
    None. Must come before the stature field (it fills that in)."""
    store = open_app_store()
    if store is None:
        return None
    with store:
        athletes = {a.name: a for a in store.athletes()}
    options = [NO_ATHLETE, *athletes, ADD_ATHLETE]
    chosen = chosen_athlete()
    if chosen not in athletes:
        chosen = None
    if PICKER_KEY in st.session_state and st.session_state[PICKER_KEY] not in options:
        del st.session_state[PICKER_KEY]
    if PICKER_KEY not in st.session_state:
        # The picker is new (first run, or back from another page, where Streamlit forgets widgets):
        # it shows the athlete chosen before, and the stature field (also new) their stature.
        index = options.index(chosen) if chosen else 0
        known = athletes[chosen].stature_cm if chosen else None
        if known is not None and st.session_state.get(STATURE_KEY) is None:
            st.session_state[STATURE_KEY] = known
    else:
        index = 0  # the widget's value is in the session state (an index as well would be a conflict)
    choice = st.selectbox(
        "Athlete",
        options,
        index=index,
        format_func=lambda c: _athlete_words(c, athletes),
        key=PICKER_KEY,
        on_change=_on_pick,
        args=(athletes,),
        help="Choose whose clip this is to keep the analysis in their history (the History page) and "
        "use their stature; or add an athlete. With no athlete nothing is kept.",
    )
    st.session_state[CHOSEN_KEY] = None if choice in (NO_ATHLETE, ADD_ATHLETE) else choice
    if choice == ADD_ATHLETE:
        _add_fields()
    return chosen_athlete()


def _add_fields() -> None:
    message = st.session_state.pop(_ADD_MESSAGE, None)
    if message:
        st.error(message, icon=":material/error:")
    st.text_input("New athlete's name", key=NEW_NAME_KEY, placeholder="e.g. a first name or initials")
    st.number_input(
        "Their stature (cm)",
        min_value=50.0,
        max_value=250.0,
        value=None,
        step=1.0,
        key=NEW_STATURE_KEY,
        placeholder="optional: entered once, then used for every analysis",
        help="Standing height without shoes. It becomes the stature of this athlete's analyses.",
    )
    st.button("Add athlete", on_click=_on_add, icon=":material/person_add:", key="athlete_add")


def record_for_athlete(view: ResultView, athlete: str, stature_cm: float | None) -> Recorded | None:
    """Keep an upload's result as a session of `athlete` (once per result and athlete in a browser
    session: reruns do not write again) and say so, with the date used and where it came from. An
    example is not recorded (it is not a clip of the athlete): that is said instead."""
    if view.origin != "upload":
        st.caption(f"Examples are not kept in {md_escape(athlete)}'s history: upload their own clip or photo.")
        return None
    done: dict[tuple[str, str, float | None], Recorded] = st.session_state.setdefault(_RECORDED, {})
    memo = (athlete, view.key, stature_cm)
    recorded = done.get(memo)
    if recorded is None:
        store = open_app_store()
        if store is None:
            return None
        try:
            with store:
                recorded = record_view(store, athlete, view, stature_cm)
        except FormCheckError as exc:
            st.error(store_error_text(exc), icon=":material/error:")
            return None
        done[memo] = recorded
        fresh = True
    else:
        fresh = False
    session = recorded.session
    action = "Kept as a new session" if recorded.new else "Updated the session"
    if not recorded.new:
        action += " (this file was analysed for them before)"
    stature = ""
    if fresh and recorded.stature_changed and recorded.athlete.stature_cm is not None:
        stature = f" Their stature is now {recorded.athlete.stature_cm:g} cm."
    st.success(
        f"{action} of **{md_escape(recorded.athlete.name)}**, dated {md_escape(date_words(session.date, session.date_source))}."
        f"{stature} See the History page.",
        icon=":material/event_available:",
    )
    return recorded


def athlete_trend(athlete: str, kind: str) -> Trend | None:
    """The athlete's trend for one analysis (None when they have no such session or the store cannot
    be read: the report is then made without it)."""
    try:
        with open_store() as store:
            if store.athlete(athlete) is None:
                return None
            trend = store.trend(athlete, kind)
    except FormCheckError as exc:
        log.warning("no trend for %s: %s", athlete, exc)
        return None
    return trend if trend.sessions else None
