"""Toe-off coverage on known answers (gaitsim): a side view with a hidden far leg says how many steps
lost their toe-off (their contact times stay unmeasured), a clean one says nothing, and the steps
whose stance runs past the end of the picture are not counted as lost."""

from __future__ import annotations

import re
import warnings

import numpy as np

from formcheck.gaitsim import GaitSpec, context_for, simulate
from formcheck.kinds.run import spec as running
from formcheck.kinds.run.reliability import toe_off_coverage, toe_off_notes
from formcheck.kinds.run.rows import StepRow
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
