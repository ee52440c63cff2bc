"""The running analysis's shape: stages that use each other's public names only, every threshold
with its source, typed step rows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from formcheck.kinds.run import thresholds
from formcheck.kinds.run.rows import FrontalStepRow, StepRow

RUN = Path(__file__).resolve().parents[1] / "src" / "formcheck" / "kinds" / "run"


def test_no_module_imports_another_modules_private_names():
    offenders = []
    for path in sorted(RUN.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                offenders += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    assert offenders == []


def test_every_threshold_has_a_source_and_no_source_is_stale():
    numeric = {
        name
        for name, value in vars(thresholds).items()
        if name.isupper()
        and isinstance(value, (int, float, tuple, dict))
        and name not in ("RANGES", "WALKING_RANGES")
        and name not in ("COACHING", "THRESHOLD_SOURCES")
    }
    assert numeric - set(thresholds.THRESHOLD_SOURCES) == set()
    assert set(thresholds.THRESHOLD_SOURCES) - numeric == set()
    assert all(len(text) > 10 for text in thresholds.THRESHOLD_SOURCES.values())


def test_no_threshold_constant_lives_outside_thresholds():
    """Module-level numeric constants of the stages belong in thresholds.py (display constants of
    the overlay and derived fractions excepted)."""
    allowed = {"overlay.py": {"MARKER_S"}, "steps.py": {"LEG_FRACTION"}}
    found = []
    for path in sorted(RUN.glob("*.py")):
        if path.name == "thresholds.py":
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Constant, ast.Tuple, ast.Dict)):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id.isupper():
                        value = node.value
                        numeric = isinstance(value, ast.Constant) and isinstance(value.value, (int, float))
                        numeric |= isinstance(value, ast.Tuple) and all(
                            isinstance(e, ast.Constant) and isinstance(e.value, (int, float)) for e in value.elts
                        )
                        if numeric and target.id not in allowed.get(path.name, set()):
                            found.append(f"{path.name}: {target.id}")
    assert found == []


def test_step_rows_are_typed_mappings_in_column_order():
    row = StepRow(step=3, foot="L", contact_s=1.25, contact_ms=210.0, step_time_ms=350.0)
    assert list(row)[:4] == ["step", "foot", "contact_s", "toe_off_s"]
    assert row["contact_ms"] == 210.0 and row.get("flight_ms") is None and row.get("nope", 7) == 7
    with pytest.raises(KeyError):
        row["midstance_s"]
    emptied = row.without_timing()
    assert emptied.contact_ms is None and emptied.step_time_ms is None and emptied.contact_s == 1.25
    frontal = FrontalStepRow(step=1, foot="R", midstance_s=0.5, pelvic_drop_deg=4.0)
    assert list(frontal.to_json())[-4:] == ["midstance_s", "pelvic_drop_deg", "step_width_cm", "knee_frontal_angle_deg"]
