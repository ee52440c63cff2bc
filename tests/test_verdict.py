"""One verdict per metric: verdict() in plain words, and the same verdict in every place that shows
one (the findings about a metric, metrics.csv's status column, the wall test's two gap figures)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from conftest import TRACKS

from formcheck.export import METRIC_CSV_COLUMNS, csv_text, metric_rows
from formcheck.kinds.wall import thresholds as W
from formcheck.pipeline import analyse
from formcheck.reference import ReferenceRange
from formcheck.settings import Settings
from formcheck.sources import TrackSource
from formcheck.synthetic import example_source
from formcheck.verdict import verdict

BOTH = ReferenceRange("gap_cm", "Gap", "cm", 2.5, 5.0, "", "s")
LOW = ReferenceRange("cva_deg", "CVA", "deg", 48.0, None, "", "s")
HIGH = ReferenceRange("shank_deg", "Shank", "deg", None, 10.0, "", "s")
NONE = ReferenceRange("elbow_deg", "Elbow", "deg", None, None, "", "s")


@pytest.mark.parametrize(
    "value, ref, status, text",
    [
        (2.5, BOTH, "within", "within the 2.5–5 cm range"),  # bounds are inclusive
        (5.0, BOTH, "within", "within the 2.5–5 cm range"),
        (5.01, BOTH, "above", "above the 2.5–5 cm range"),
        (2.49, BOTH, "below", "below the 2.5–5 cm range"),
        (47.9, LOW, "below", "below the 48° threshold"),
        (48.0, LOW, "within", "at or above the 48° threshold"),
        (10.5, HIGH, "above", "above the 10° limit"),
        (-3.0, HIGH, "within", "at or below the 10° limit"),
        (12.0, NONE, None, ""),  # no range: no verdict
        (None, BOTH, None, ""),  # nothing measured: no verdict
        (float("nan"), BOTH, None, ""),
        (True, BOTH, None, ""),  # a flag is not a number
        ("rearfoot", BOTH, None, ""),
        (3.0, None, None, ""),
    ],
)
def test_verdict_in_plain_words(value, ref, status, text) -> None:
    judged = verdict(value, ref)
    assert (judged.status, judged.text) == (status, text)
    assert ">=" not in judged.text and "<=" not in judged.text


def _results():
    """Real recorded tracks of each analysis, and the synthetic examples."""
    folder = TRACKS
    for name, kind in (
        ("running__treadmill_side_phone60fps_mhuang", "run"),
        ("plank__front_plank_side_studio_wahoo", "plank"),
        ("plank__elbow_plank_pike_alternating_wahoo", "plank"),
        ("plank__side_plank_knee_and_full_dedham", "plank"),
    ):
        yield name, analyse(TrackSource(folder / f"{name}.npz"), Settings.build(kind=kind))
    for name, kind in (("wall_photo", "wall"), ("plank_fading", "plank"), ("run_treadmill", "run")):
        yield name, analyse(example_source(name), Settings.build(kind=kind))


RESULTS = list(_results())


@pytest.mark.parametrize("name, result", RESULTS, ids=[n for n, _ in RESULTS])
def test_findings_agree_with_the_verdict_of_their_metric(name, result) -> None:
    """A finding about a metric never says 'good' when the metric is outside its range, nor 'act on it'
    or 'worth a look' when it is within it (context findings may stand beside either)."""
    kr = result.result
    judged = 0
    for finding in kr.findings:
        if finding.metric is None:
            continue
        v = verdict(kr.metrics.get(finding.metric), kr.references.get(finding.metric))
        if v.status is None:
            continue
        judged += 1
        if v.outside:
            assert finding.severity != "ok", (finding.metric, v.text, finding.title)
        else:
            assert finding.severity not in ("warning", "attention"), (finding.metric, v.text, finding.title)
    assert judged >= 1, "no finding of this result is about a metric with a range"


@pytest.mark.parametrize("name, result", RESULTS, ids=[n for n, _ in RESULTS])
def test_metrics_csv_status_is_the_verdict_and_empty_without_a_range(name, result) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_text(metric_rows(result), METRIC_CSV_COLUMNS))))
    by_name = {r["metric"]: r for r in rows}
    assert set(by_name) == set(result.result.metrics)
    for metric, value in result.result.metrics.items():
        ref = result.result.references.get(metric)
        expected = verdict(value, ref).status or ""
        assert by_name[metric]["status"] == expected, metric
        if ref is None or (ref.low is None and ref.high is None):
            assert by_name[metric]["status"] == "", metric
    assert any(r["status"] in ("below", "within", "above") for r in rows)


@pytest.mark.parametrize("gap_cm, hand_cm", [(3.7, 3.0), (2.0, 3.0), (1.2, 3.0), (4.4, 2.5), (3.7, 4.0)])
@pytest.mark.parametrize("rule", list(W.LORDOSIS_RULES.values()), ids=list(W.LORDOSIS_RULES))
def test_the_two_gap_figures_and_the_class_agree(gap_cm, hand_cm, rule) -> None:
    """The issue's '3.7 cm, within 2.5-5 cm' beside '1.2 hands, above 0.5-1 hands': both ranges now
    come from the classification rule in use, so both figures get the same verdict as the class."""
    from formcheck.kinds.wall.geometry import classify_lordosis

    refs = W.gap_references(rule, hand_cm)
    cm = verdict(gap_cm, refs["lumbar_gap_cm"]).status
    hands = verdict(round(gap_cm / hand_cm, 4), refs["lumbar_gap_hands"]).status
    cls, _ = classify_lordosis(gap_cm, hand_cm, 0.5, rule)
    assert cm == hands
    assert {"below": "flat", "within": "typical", "above": "possible excess lordosis"}[cm] == cls


def test_the_synthetic_wall_photo_gives_one_verdict_everywhere() -> None:
    result = dict(RESULTS)["wall_photo"]
    kr = result.result
    assert kr.metrics["lumbar_gap_cm"] == pytest.approx(4.0, abs=0.3)  # drawn with a 4 cm gap
    assert kr.metrics["lordosis_class"] == "possible excess lordosis"  # over one hand of 3 cm
    assert verdict(kr.metrics["lumbar_gap_cm"], kr.references["lumbar_gap_cm"]).status == "above"
    assert verdict(kr.metrics["lumbar_gap_hands"], kr.references["lumbar_gap_hands"]).status == "above"
    gap = [f for f in kr.findings if f.metric == "lumbar_gap_cm"]
    assert [f.severity for f in gap] == ["attention"]


def test_sources_read_as_citations_not_internal_notes() -> None:
    """No source shown to a user names the project brief, an issue, a repository file or a setting value."""
    from formcheck.kinds.plank import thresholds as P
    from formcheck.kinds.run import thresholds as R

    texts = [r.source for r in (*P.REFERENCES.values(), *R.RANGES.values(), *W.REFERENCES.values())]
    texts += [*P.THRESHOLD_SOURCES.values(), W.SEED_RULE_SOURCE, W.POPULAR_RANGE_SOURCE]
    texts += [f.source for _, result in RESULTS for f in result.result.findings]
    banned = re.compile(r"\bissue\b|\bbrief\b|\.py\b|seed_rule|github|bench/|\w+/\w+\.\w+", re.IGNORECASE)
    for text in texts:
        assert not banned.search(text), (banned.search(text), text)
