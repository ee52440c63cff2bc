"""Toe-off coverage on known answers (gaitsim): a side view with a hidden far leg says how many steps
lost their toe-off (their contact times stay unmeasured), a clean one says nothing, and the steps
whose stance runs past the end of the picture are not counted as lost."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from formcheck.gaitsim import GaitSpec, context_for, simulate
from formcheck.kinds.run import spec as running
from formcheck.kinds.run.events import build_steps, side_events, toe_off_owners
from formcheck.kinds.run.reliability import toe_off_coverage, toe_off_notes
from formcheck.kinds.run.rows import StepRow
from formcheck.kinds.run.signals import FEET, leg_length_px, leg_signals
from formcheck.settings import Settings


def _analyse(**kw: object):
    seq, truth = simulate(GaitSpec(**kw))  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return running.analyse(context_for(seq, Settings.build(kind="run"))), truth


def test_side_view_hidden_far_leg_counts_the_unmeasured_steps():
    """A far leg hidden 40% of the time (30 fps): one step's toe-off cannot be seen; its contact time
    stays unmeasured and the reliability note gives the count the steps table shows."""
    r, truth = _analyse(view="side", fps=30.0, far_leg_hidden=0.4, noise_px=1.0)
    steps = list(r.steps)
    missing = [s for s in steps[:-1] if s["toe_off_s"] is None]
    assert len(missing) == 1 and all(s["contact_ms"] is None for s in missing)
    notes = [n for n in r.reliability if n.startswith("toe-off not seen")]
    assert len(notes) == 1
    got = re.match(r"toe-off not seen in (\d+) of (\d+) steps", notes[0])
    assert got is not None and (int(got[1]), int(got[2])) == (1, len(steps) - 1)
    measured = [s["contact_ms"] for s in steps if s["contact_ms"] is not None]
    assert abs(float(np.median(measured)) - truth.contact_ms) < 40  # 30 fps: ~a frame


def test_clean_side_view_has_no_toe_off_note():
    r, _ = _analyse(view="side", fps=60.0)
    assert all(s["toe_off_s"] is not None for s in list(r.steps)[:-1])
    assert not [n for n in r.reliability if n.startswith("toe-off not seen")]


def test_toe_off_coverage_leaves_out_stances_that_end_outside_the_pass():
    """Known answer: three steps at 0.5 s; the last one's toe-off window (to the same foot's next
    contact, at most 1.8 step periods) ends after the pass: not expected. A lost toe-off in the middle
    counts; so does one whose window ends within the pass."""
    rows = [
        StepRow(step=1, foot="L", contact_s=0.0, toe_off_s=0.3),
        StepRow(step=2, foot="R", contact_s=0.5, toe_off_s=None),
        StepRow(step=3, foot="L", contact_s=1.0, toe_off_s=1.3),
        StepRow(step=4, foot="R", contact_s=1.5, toe_off_s=None),
    ]
    assert toe_off_coverage(rows, 0.5, [(0.0, 1.5)]) == (2, 3)  # step 4: its window ends at 2.4 s
    assert toe_off_coverage(rows, 0.5, [(0.0, 2.5)]) == (2, 4)
    assert toe_off_coverage(rows, 0.5, [(0.9, 1.5)]) == (1, 1)  # steps outside the pass are not counted
    assert toe_off_notes(2, 3) == [
        "toe-off not seen in 1 of 3 steps (the foot hidden or its track too unsteady): their contact and "
        "flight times are unmeasured, the medians come from the other 2"
    ]
    assert toe_off_notes(3, 3) == []


# -- each toe-off to its own foot's contact ---------------------------------------------------------


def _events_with_a_hidden_contact(spec: GaitSpec, hide: int):
    """Side-view events of a generated gait whose `hide`-th contact (in time, both feet) is not seen:
    that foot's heel (and ankle) landmarks are blanked from just after the other foot's contact before
    it to just before the other foot's next one (where that heel is behind the other, so the blank's
    edges make no peak), and the foremost-heel track shows no peak for it. Its toe stays seen. Returns the steps, the truth and the hidden contact's
    time."""
    seq, truth = simulate(spec)
    step_rows = spec.fps * 60.0 / spec.cadence_spm
    fwd = np.full(len(seq), float(spec.facing))
    leg_px = leg_length_px(seq)
    signals = leg_signals(seq, fwd, leg_px)
    contacts = sorted((t, f) for f in FEET for t in truth.contacts[f])
    t_hidden, foot = contacts[hide]
    row = t_hidden * spec.fps
    window = slice(int(row - 0.9 * step_rows), int(row + 0.9 * step_rows))
    for key in ("heel_fwd", "ankle_fwd"):
        signals[foot][key] = signals[foot][key].copy()
        signals[foot][key][window] = np.nan
    events, owners = side_events(signals, seq.timestamps_s, step_rows, cadence_spm=spec.cadence_spm)
    return build_steps(events, 60.0 / spec.cadence_spm, owners.stance_of), truth, t_hidden


@pytest.mark.parametrize(
    "spec",
    [
        GaitSpec(
            fps=60.0, cadence_spm=110.0, contact_ms=660.0, speed_m_s=1.3, vertical_oscillation_cm=3.0, duration_s=8
        ),
        GaitSpec(
            fps=30.0, cadence_spm=110.0, contact_ms=660.0, speed_m_s=1.3, vertical_oscillation_cm=3.0, duration_s=8
        ),
        GaitSpec(fps=60.0, cadence_spm=170.0, contact_ms=220.0),
    ],
    ids=["walk60", "walk30", "run60"],
)
def test_a_missed_contact_loses_only_its_own_toe_off(spec):
    """A walk (double support: a toe-off comes after the other foot's contact) and a run with one
    contact unseen in mid clip: every other step keeps its toe-off and its contact time within a
    frame and a half of the truth. Giving toe-offs by place in the contact list (the contact before
    the last one, in walking) also dropped the toe-off of the step before the missed contact."""
    steps, truth, t_hidden = _events_with_a_hidden_contact(spec, hide=6)
    assert all(abs(s.contact.time_s - t_hidden) > 0.4 * 60.0 / spec.cadence_spm for s in steps)  # missed
    frame = 1.0 / spec.fps
    interior = [s for s in steps if truth.toe_offs[s.foot].min() < s.contact.time_s < steps[-1].contact.time_s - 0.6]
    assert len(interior) >= 8
    before = max((s for s in interior if s.contact.time_s < t_hidden), key=lambda s: s.contact.time_s)
    assert t_hidden - before.contact.time_s < 1.2 * 60.0 / spec.cadence_spm  # the step just before it
    for s in interior:
        assert s.toe_off is not None, f"step at {s.contact.time_s:.2f} s lost its toe-off"
        own = truth.toe_offs[s.foot][truth.toe_offs[s.foot] > s.contact.time_s][0]
        assert abs(s.toe_off.time_s - own) < 1.5 * frame + 0.01
        assert abs(s.contact_s - truth.contact_ms / 1000.0) < 1.5 * frame + 0.02


def test_toe_off_owners_by_stance_not_by_place_in_the_list():
    """Known answer, walking at 0.5 s steps (rows = 10 per step) with a stance of 1.2 steps: contacts
    at 0, 10, [20 missed], 30, 40; toe-offs 2 (ends the stance of a contact before the clip), 12
    (contact 0), 22 (contact 10), 32 (the missed contact's: nobody's), 42 (contact 30). By place in
    the list the toe-off at 22 went to contact 0 (taken) and was dropped."""
    contacts = [0.0, 10.0, 30.0, 40.0]
    toe_offs = [2.0, 12.0, 22.0, 32.0, 42.0]
    got = toe_off_owners(contacts, toe_offs, 10.0, prefer_flight=False, cadence_spm=120.0)
    assert not got.flight and got.phase == pytest.approx(0.2)
    assert got.owners == [None, 0, 1, None, 2]
    assert got.stance_of == {0.0: 12.0, 10.0: 22.0, 30.0: 42.0}
    # Running (stance 0.7 steps): contacts 0, 10, [20], 30; toe-offs 7, 17, 27 (the missed one's), 37.
    run = toe_off_owners([0.0, 10.0, 30.0], [7.0, 17.0, 27.0, 37.0], 10.0, cadence_spm=170.0)
    assert run.flight and run.owners == [0, 1, None, 2]


def test_two_contacts_in_the_window_the_foot_track_decides():
    """A spurious contact (L, at 12.5) puts two contacts within half a step of the clip's stance (1.2
    steps) before a late toe-off (24): the spurious one is nearer in time (1.15 steps against 1.4),
    but the foot behind the body at the toe-off is R, so R's contact (10) gets it."""
    contacts = [0.0, 10.0, 12.5, 20.0, 30.0]
    feet = ["L", "R", "L", "L", "R"]
    toe_offs = [12.0, 24.0, 32.0]
    got = toe_off_owners(contacts, toe_offs, 10.0, False, 110.0, feet, ["L", "R", "L"])
    assert got.owners == [0, 1, 3]
    assert toe_off_owners(contacts, toe_offs, 10.0, False, 110.0).owners == [0, 2, 3]  # by time alone
